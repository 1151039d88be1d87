// iptables matches and targets that reach the evaluator as xt nodes (options keyed by long option name).
import { describe, expect, it } from 'vitest';
import type { NamedSet, Stmt } from '../model/ir.ts';
import { parseIptables } from '../parse/index.ts';
import { evaluate } from './evaluate.ts';
import { parsePacket } from './packetParse.ts';
import * as b from './testing/build.ts';
import { pathOf } from './testing/paths.ts';

const run = (stmts: Stmt[], packet: string, sets: NamedSet[] = [], host?: string) =>
  evaluate(b.ruleset([b.table('ip', 'filter', [b.base('INPUT', 'filter', 'input', 0, 'drop', b.rule(...stmts))], sets, 'iptables-nft')]), parsePacket(packet).packet, host ? { host } : {});

const P = 'iif eth0 ip saddr 10.0.0.5 ip daddr 10.96.0.10 tcp dport 443';

describe('xt matches', () => {
  it('-m comment always matches', () => expect(run([b.xt('comment', { comment: { value: 'ns/svc:https' } }), b.accept], P).fate.verdict).toBe('accept'));

  it('-m mark --mark value/mask', () => {
    expect(run([b.xt('mark', { mark: { value: '0x4000/0x4000' } }), b.accept], `${P} meta mark 0x4001`).fate.verdict).toBe('accept');
    expect(run([b.xt('mark', { mark: { value: '0x4000/0x4000' } }), b.accept], P).fate.verdict).toBe('drop');
    expect(run([b.xt('mark', { mark: { value: '0x4000/0x4000', negated: true } }), b.accept], P).fate.verdict).toBe('accept');
  });

  it('-m addrtype against the host model', () => {
    const host = 'eth0=10.96.0.10/24';
    expect(run([b.xt('addrtype', { dstType: { value: 'LOCAL' } }), b.accept], P, [], host).fate.verdict).toBe('accept');
    expect(run([b.xt('addrtype', { srcType: { value: 'LOCAL' } }), b.accept], P, [], host).fate.verdict).toBe('drop');
    expect(run([b.xt('addrtype', { dstType: { value: 'LOCAL', negated: true } }), b.accept], P, [], host).fate.verdict).toBe('drop');
  });

  it('-m set --match-set NAME dst,dst against an ipset hash:ip,port (protocol component taken from the packet)', () => {
    const set = b.namedSet('KUBE-CLUSTER-IP', ['ipv4_addr', 'inet_proto', 'inet_service'], [b.cat('10.96.0.10', 'tcp', 443), b.cat('10.96.0.1', 'udp', 53)]);
    expect(run([b.xt('set', { name: { value: 'KUBE-CLUSTER-IP' }, flags: { value: ['dst', 'dst'] } }), b.accept], P, [set]).fate.verdict).toBe('accept');
    expect(run([b.xt('set', { name: { value: 'KUBE-CLUSTER-IP' }, flags: { value: ['dst', 'dst'] } }), b.accept], 'ip saddr 1.1.1.1 ip daddr 10.96.0.10 udp dport 443', [set]).fate.verdict).toBe('drop');
    expect(run([b.xt('set', { name: { value: 'KUBE-CLUSTER-IP' }, flags: { value: ['src'] } }), b.accept], P, [b.namedSet('KUBE-CLUSTER-IP', ['ipv4_addr'], [b.prefix('10.0.0.0', 8)])]).fate.verdict).toBe('accept');
    // The iptables parser's expanded form: name (with the `!`) and flags.
    expect(run([b.m(b.xtExpr('set', { name: { value: 'KUBE-CLUSTER-IP', negated: true }, flags: { value: ['dst', 'dst'] } }), true), b.accept], P, [set]).fate.verdict).toBe('drop');
    expect(run([b.m(b.xtExpr('set', { name: { value: 'KUBE-CLUSTER-IP' }, flags: { value: ['dst', 'dst'] } }), true), b.accept], P, [set]).fate.verdict).toBe('accept');
  });

  it('-m conntrack --ctstate', () => {
    const r = (packet: string) => run([b.xt('conntrack', { ctstate: { value: 'RELATED,ESTABLISHED' } }), b.accept], packet);
    expect(r(`${P} ct state established`).fate.verdict).toBe('accept');
    expect(r(P).fate.verdict).toBe('drop');
  });

  it('-m recent --set always matches (it adds to the list); ! --set never does', () => {
    expect(run([b.xt('recent', { set: { value: true }, name: { value: 'KUBE-SEP-X' }, rsource: { value: true } }), b.accept], P).fate.verdict).toBe('accept');
    expect(run([b.xt('recent', { set: { value: true, negated: true }, name: { value: 'KUBE-SEP-X' } }), b.accept], P).fate.verdict).toBe('drop');
  });

  it('per-source limits are assumed not reached: the "up to" form matches, the "above" form does not', () => {
    // As the iptables parser writes the options (the assumption is the default path; --all-branches has both).
    const assumed = (match: string) => {
      const save = `*filter\n:INPUT DROP [0:0]\n-A INPUT -p tcp ${match} -j ACCEPT\nCOMMIT\n`;
      const parsed = parseIptables(save);
      expect(parsed.diagnostics).toEqual([]);
      const step = evaluate(parsed.ruleset, parsePacket(`${P} tcp flags syn`).packet, {}).steps.find((x) => x.kind === 'rule');
      expect(step).toMatchObject({ result: 'unknown' });
      return (step as { assumed?: string }).assumed;
    };
    expect(assumed('-m hashlimit --hashlimit-above 200/sec --hashlimit-mode srcip --hashlimit-name syn')).toBe('nomatch');
    expect(assumed('-m hashlimit --hashlimit-upto 200/sec --hashlimit-name syn')).toBe('match');
    expect(assumed('-m hashlimit --hashlimit 200/sec --hashlimit-name syn')).toBe('match');
    expect(assumed('-m connlimit --connlimit-above 100')).toBe('nomatch');
    expect(assumed('-m connlimit --connlimit-upto 100')).toBe('match');
    expect(assumed('-m connlimit ! --connlimit-above 100')).toBe('match');
    expect(assumed('-m hashlimit ! --hashlimit-upto 5/sec --hashlimit-name x')).toBe('nomatch');
  });

  it('policy, tos, realm and a tcp match with --tcp-option decide as the kernel did (iptables-nft 1.8.9, Linux 6.18)', () => {
    const rules = [
      '-m policy --dir in --pol none',
      '-m policy --dir in --pol ipsec',
      '-m tos --tos 0',
      '-m tos --tos 0x10/0x3f',
      '-m realm --realm 0',
      '-m realm --realm 1',
      '-p tcp -m tcp --tcp-option 2',
      '-p tcp -m tcp ! --tcp-option 2',
      '-p tcp -m tcp --syn --dport 80 --tcp-option 2',
      '-p tcp -m tcp ! --dport 80 ! --tcp-option 2',
    ];
    const save = `*filter\n:INPUT ACCEPT [0:0]\n${rules.map((r) => `-A INPUT ${r} -j LOG`).join('\n')}\nCOMMIT\n`;
    const parsed = parseIptables(save);
    expect(parsed.diagnostics).toEqual([]);
    const t = evaluate(parsed.ruleset, parsePacket('iif eth0 ip saddr 198.51.100.1 ip daddr 198.51.100.2 tcp sport 40000 tcp dport 80 tcp flags syn').packet, { host: 'eth0=198.51.100.2/24' });
    const matched = t.steps.filter((x) => x.kind === 'rule' && x.result === 'match').map((x) => rules[x.ruleIndex ?? -1]);
    expect(matched).toEqual(['-m policy --dir in --pol none', '-m tos --tos 0', '-m realm --realm 0', '-p tcp -m tcp ! --tcp-option 2']);
    expect(t.assumptions).toEqual([]);
  });

  it('-m rpfilter checks the route back to the source against the input device, as the kernel did', () => {
    const save = '*raw\n:PREROUTING ACCEPT [0:0]\n-A PREROUTING -m rpfilter --loose -j LOG\n-A PREROUTING -m rpfilter -j LOG\n-A PREROUTING -m rpfilter --invert -j DROP\nCOMMIT\n';
    const parsed = parseIptables(save);
    expect(parsed.diagnostics).toEqual([]);
    const host = 'nso-h0=198.51.100.2/24 nso-h1=203.0.113.1/24';
    const matched = (saddr: string) =>
      evaluate(parsed.ruleset, parsePacket(`iif nso-h0 ip saddr ${saddr} ip daddr 198.51.100.2 tcp sport 40000 tcp dport 80`).packet, { host }).steps
        .filter((x) => x.kind === 'rule' && x.result === 'match')
        .map((x) => x.ruleIndex);
    expect(matched('198.51.100.1')).toEqual([0, 1]); // back through nso-h0: passes
    expect(matched('203.0.113.5')).toEqual([0, 2]); // back through nso-h1: only --loose passes; --invert drops
    expect(matched('198.51.100.2')).toEqual([2]); // a local source fails without --accept-local
  });

  it('an unknown module is undecidable, reported and assumed not to match', () => {
    const t = run([b.xt('recent', { rcheck: { value: true } }), b.accept], P);
    expect(t.fate.verdict).toBe('drop');
    expect(t.steps.find((s) => s.kind === 'rule')).toMatchObject({ result: 'unknown', assumed: 'nomatch' });
    expect(t.assumptions[0]).toMatch(/recent/);
  });
});

describe('xt targets', () => {
  it('MARK --set-xmark then a match on the mark; LOG goes on with the next rule', () => {
    const r = b.ruleset([
      b.table('ip', 'mangle', [b.base('PREROUTING', 'filter', 'prerouting', -150, 'accept', b.rule(b.xt('LOG', { logPrefix: { value: 'x' } }, 'target')), b.rule(b.xt('MARK', { setXmark: { value: '0x4000/0xffffffff' } }, 'target')))]),
      b.table('ip', 'filter', [b.base('INPUT', 'filter', 'input', 0, 'drop', b.rule(b.xt('mark', { mark: { value: '0x4000' } }), b.accept))]),
    ]);
    const t = evaluate(r, parsePacket(P).packet);
    expect(pathOf(t)).toEqual(['PREROUTING#1 continue', 'PREROUTING#2 continue', 'PREROUTING policy accept', 'INPUT#1 accept']);
  });
  it('an unknown target is reported as an assumption and taken as "next rule"', () => {
    const t = evaluate(b.ruleset([b.table('ip', 'filter', [b.base('INPUT', 'filter', 'input', 0, 'accept', b.rule(b.xt('FROB', {}, 'target')))])]), parsePacket(P).packet);
    expect(t.assumptions.join()).toMatch(/FROB/);
    expect(t.fate.verdict).toBe('accept');
  });
});
