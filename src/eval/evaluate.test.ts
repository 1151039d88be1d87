// Packet tables (kube-proxy packetFlowTest style): for each semantic, a ruleset, packets, their fate and the
// kernel-visible path (matched rules with verdicts, policies).
import { describe, expect, it } from 'vitest';
import type { Ruleset } from '../model/ir.ts';
import { evaluate, evaluateBranches, type EvalOptions } from './evaluate.ts';
import { parsePacket } from './packetParse.ts';
import * as b from './testing/build.ts';
import { kubeProxyNft } from './testing/kubeProxy.ts';
import { hooksOf, pathOf } from './testing/paths.ts';
import { ruleset1 } from './testing/ruleset1.ts';
import type { FateKind, Trace } from './trace.ts';

interface Case {
  readonly name: string;
  readonly packet: string;
  readonly options?: EvalOptions;
  readonly verdict: 'accept' | 'drop' | 'none';
  readonly kind?: FateKind;
  readonly path: readonly string[];
  readonly hooks?: readonly string[];
}

function pkt(text: string) {
  const { packet, diagnostics } = parsePacket(text);
  const errors = diagnostics.filter((d) => d.severity === 'error');
  if (errors.length) throw new Error(`bad test packet "${text}": ${errors.map((d) => d.message).join('; ')}`);
  return packet;
}

function run(rs: Ruleset, c: Pick<Case, 'packet' | 'options'>): Trace {
  return evaluate(rs, pkt(c.packet), c.options);
}

function table(rs: () => Ruleset, cases: readonly Case[]) {
  for (const c of cases) {
    it(c.name, () => {
      const t = run(rs(), c);
      expect({ verdict: t.fate.verdict, path: pathOf(t) }).toEqual({ verdict: c.verdict, path: c.path });
      if (c.kind) expect(t.fate.kind).toBe(c.kind);
      if (c.hooks) expect(hooksOf(t)).toEqual(c.hooks);
    });
  }
}

const HOST = 'eth0=198.51.100.2/24 lo=192.0.2.10';

describe('the kernel oracle demo ruleset (ruleset1.nft, traces recorded in trace1.raw)', () => {
  table(ruleset1, [
    { name: 'ssh is accepted by the vmap', packet: 'iif eth0 ip saddr 198.51.100.1 ip daddr 198.51.100.2 tcp sport 40000 tcp dport 22', options: { host: HOST }, verdict: 'accept', kind: 'delivered', path: ['trace_pre#1 continue', 'trace_pre policy accept', 'nat_pre policy accept', 'input#3 jump from_client', 'from_client#1 accept'] },
    { name: 'DNAT 8080 → 192.0.2.10:80 then jump web', packet: 'iif eth0 ip saddr 198.51.100.1 ip daddr 198.51.100.2 tcp sport 40001 tcp dport 8080', options: { host: HOST }, verdict: 'accept', path: ['trace_pre#1 continue', 'trace_pre policy accept', 'nat_pre#1 accept', 'input#3 jump from_client', 'from_client#1 jump web', 'web#1 accept'] },
    { name: 'port 23 is dropped by the vmap', packet: 'iif eth0 ip saddr 198.51.100.1 ip daddr 198.51.100.2 tcp sport 40002 tcp dport 23', options: { host: HOST }, verdict: 'drop', kind: 'dropped', path: ['trace_pre#1 continue', 'trace_pre policy accept', 'nat_pre policy accept', 'input#3 jump from_client', 'from_client#1 drop'] },
    { name: 'no vmap element: back to input, policy drop', packet: 'iif eth0 ip saddr 198.51.100.1 ip daddr 198.51.100.2 tcp sport 40003 tcp dport 9999', options: { host: HOST }, verdict: 'drop', path: ['trace_pre#1 continue', 'trace_pre policy accept', 'nat_pre policy accept', 'input#3 jump from_client', 'input policy drop'] },
    { name: 'udp 53 accepted by the second rule of from_client', packet: 'iif eth0 ip saddr 198.51.100.1 ip daddr 198.51.100.2 udp sport 5353 udp dport 53', options: { host: HOST }, verdict: 'accept', path: ['trace_pre#1 continue', 'trace_pre policy accept', 'nat_pre policy accept', 'input#3 jump from_client', 'from_client#2 accept'] },
    { name: 'a source outside @allowed_src falls to the policy', packet: 'iif eth0 ip saddr 198.51.100.9 ip daddr 198.51.100.2 tcp dport 22', options: { host: HOST }, verdict: 'drop', path: ['trace_pre#1 continue', 'trace_pre policy accept', 'nat_pre policy accept', 'input policy drop'] },
    { name: 'SYN+ACK is invalid: nat chains are not run', packet: 'iif eth0 ip saddr 198.51.100.1 ip daddr 198.51.100.2 tcp dport 8080 tcp flags syn,ack', options: { host: HOST }, verdict: 'drop', path: ['trace_pre#1 continue', 'trace_pre policy accept', 'input#3 jump from_client', 'input policy drop'] },
    { name: 'an established connection skips the nat chain and is accepted by ct state', packet: 'iif eth0 ip saddr 198.51.100.1 ip daddr 198.51.100.2 tcp dport 8080 ct state established', options: { host: HOST }, verdict: 'accept', path: ['trace_pre#1 continue', 'trace_pre policy accept', 'input#2 accept'] },
  ]);
});

describe('verdicts across tables and chains', () => {
  const rs = () =>
    b.ruleset([
      b.table('inet', 'a', [b.base('in', 'filter', 'input', 0, 'accept', b.rule(b.accept))]),
      b.table('ip', 'z', [
        b.base('in', 'filter', 'input', 10, 'accept', b.rule(b.m(b.pl('tcp', 'dport'), 22), b.drop), b.rule(b.m(b.pl('tcp', 'dport'), 23), b.jump('sub')), b.rule(b.m(b.pl('tcp', 'dport'), 24), b.goto('sub')), b.rule(b.m(b.pl('tcp', 'dport'), 25), b.ret), b.rule(b.counter), b.rule(b.m(b.pl('tcp', 'dport'), b.set(23, 24, 26)), b.drop)),
        b.chain('sub', b.rule(b.m(b.pl('tcp', 'dport'), 26), b.ret), b.rule(b.counter)),
      ]),
    ]);
  table(rs, [
    { name: 'accept in one table, drop in another: dropped', packet: 'ip saddr 10.0.0.1 ip daddr 10.0.0.2 tcp dport 22', verdict: 'drop', path: ['in#1 accept', 'in#1 drop'] },
    { name: 'jump: falling off the sub chain returns after the jump (nothing printed)', packet: 'ip saddr 10.0.0.1 ip daddr 10.0.0.2 tcp dport 23', verdict: 'drop', path: ['in#1 accept', 'in#2 jump sub', 'sub#2 continue', 'in#5 continue', 'in#6 drop'] },
    { name: 'goto: falling off the sub chain ends the base chain (policy)', packet: 'ip saddr 10.0.0.1 ip daddr 10.0.0.2 tcp dport 24', verdict: 'accept', path: ['in#1 accept', 'in#3 goto sub', 'sub#2 continue', 'in policy accept'] },
    { name: 'return in the base chain applies the policy', packet: 'ip saddr 10.0.0.1 ip daddr 10.0.0.2 tcp dport 25', verdict: 'accept', path: ['in#1 accept', 'in#4 return', 'in policy accept'] },
    { name: 'a rule without verdict matches with continue', packet: 'ip saddr 10.0.0.1 ip daddr 10.0.0.2 tcp dport 80', verdict: 'accept', path: ['in#1 accept', 'in#5 continue', 'in policy accept'] },
  ]);

  it('reject is a drop for the kernel and a rejection for the user', () => {
    const r = b.ruleset([b.table('ip', 't', [b.base('in', 'filter', 'input', 0, 'accept', b.rule(b.reject))])]);
    const t = run(r, { packet: 'ip saddr 10.0.0.1 ip daddr 10.0.0.2 udp dport 1' });
    expect(t.fate).toMatchObject({ verdict: 'drop', kind: 'rejected', where: 'input/ip t/in' });
    expect(pathOf(t)).toEqual(['in#1 drop']);
  });

  it('built-in chains of an iptables table without a base spec run on their hook at the table priority', () => {
    const r = b.ruleset([b.table('ip', 'filter', [b.chain('INPUT', b.rule(b.m(b.pl('udp', 'dport'), 1), b.drop)), b.chain('MINE', b.rule(b.accept))], [], 'iptables-legacy')]);
    const t = run(r, { packet: 'ip saddr 10.0.0.1 ip daddr 10.0.0.2 udp dport 1' });
    expect(t.fate).toMatchObject({ verdict: 'drop', where: 'input/ip filter/INPUT' });
  });

  it('queue hands the packet to user space: no verdict', () => {
    const r = b.ruleset([b.table('ip', 't', [b.base('in', 'filter', 'input', 0, 'drop', b.rule(b.queue))])]);
    expect(run(r, { packet: 'ip saddr 10.0.0.1 ip daddr 10.0.0.2 udp dport 1' }).fate).toMatchObject({ verdict: 'none', kind: 'queued' });
  });
});

describe('priorities and the NAT core', () => {
  it('a nat chain runs at the NAT core position (-100), after a filter chain at -150, even with priority -160', () => {
    const r = b.ruleset([
      b.table('ip', 'a', [
        b.base('n0', 'nat', 'prerouting', -160, 'accept', b.rule(b.counter)),
        b.base('f1', 'filter', 'prerouting', -150, 'accept', b.rule(b.counter)),
        b.base('n1', 'nat', 'prerouting', -100, 'accept', b.rule(b.m(b.pl('tcp', 'dport'), 8080), b.dnat('192.0.2.10', 80))),
      ]),
      b.table('ip', 'b', [b.base('n2', 'nat', 'prerouting', -90, 'accept', b.rule(b.counter))]),
    ]);
    // Observed on Linux 6.18 (same ruleset): f1, n0, n1; n2 is never run once n1 has bound the connection.
    const t = run(r, { packet: 'ip saddr 198.51.100.1 ip daddr 198.51.100.2 tcp dport 8080', options: { host: HOST } });
    expect(pathOf(t)).toEqual(['f1#1 continue', 'f1 policy accept', 'n0#1 continue', 'n0 policy accept', 'n1#1 accept']);
    expect(t.finalPacket['ip daddr']).toBe('192.0.2.10');
    const t2 = run(r, { packet: 'ip saddr 198.51.100.1 ip daddr 198.51.100.2 tcp dport 8081', options: { host: HOST } });
    expect(pathOf(t2)).toEqual(['f1#1 continue', 'f1 policy accept', 'n0#1 continue', 'n0 policy accept', 'n1 policy accept', 'n2#1 continue', 'n2 policy accept']);
  });

  it('equal priorities run in reverse registration (dump) order and are flagged', () => {
    const r = b.ruleset([
      b.table('ip', 'a', [b.base('i1', 'filter', 'input', 0, 'accept', b.rule(b.counter)), b.base('i2', 'filter', 'input', 0, 'accept', b.rule(b.counter))]),
      b.table('inet', 'c', [b.base('i4', 'filter', 'input', 0, 'accept', b.rule(b.counter))]),
    ]);
    const t = run(r, { packet: 'ip saddr 198.51.100.1 ip daddr 198.51.100.2 udp dport 1' });
    expect(pathOf(t).filter((p) => p.includes('continue'))).toEqual(['i4#1 continue', 'i2#1 continue', 'i1#1 continue']);
    expect(t.steps.find((s) => s.kind === 'hook' && s.hook === 'input')?.tie).toMatch(/equal priorities/);
  });

  it('ct state in a chain before conntrack (priority < -200) reads invalid; ct mark does not match at all', () => {
    const r = b.ruleset([
      b.table('ip', 't', [
        b.base('raw', 'filter', 'prerouting', -300, 'accept', b.rule(b.m(b.ct('state'), 'invalid', 'in'), b.counter), b.rule(b.m(b.ct('state'), 'new', 'in'), b.counter), b.rule(b.m(b.ct('mark'), 1, '!='), b.counter)),
        b.base('mangle', 'filter', 'prerouting', -150, 'accept', b.rule(b.m(b.ct('state'), 'invalid', 'in'), b.counter), b.rule(b.m(b.ct('state'), 'new', 'in'), b.counter)),
      ]),
    ]);
    const t = run(r, { packet: 'ip saddr 198.51.100.1 ip daddr 198.51.100.2 tcp dport 81' });
    expect(pathOf(t)).toEqual(['raw#1 continue', 'raw policy accept', 'mangle#2 continue', 'mangle policy accept']);
  });

  it('without any ct or NAT expression conntrack is not enabled and nat chains never run', () => {
    const r = b.ruleset([b.table('ip', 'd', [b.base('p1', 'nat', 'prerouting', -100, 'accept', b.rule(b.counter)), b.base('i', 'filter', 'input', 0, 'accept', b.rule(b.counter))])]);
    expect(pathOf(run(r, { packet: 'ip saddr 198.51.100.1 ip daddr 198.51.100.2 udp dport 8080' }))).toEqual(['i#1 continue', 'i policy accept']);
  });
});

describe('conntrack states of a first packet (loose TCP tracking, observed on Linux 6.18)', () => {
  const r = () => b.ruleset([b.table('ip', 't', [b.base('in', 'filter', 'input', 0, 'accept', b.rule(b.m(b.ct('state'), 'new', 'in'), b.accept), b.rule(b.m(b.ct('state'), 'invalid', 'in'), b.drop))])]);
  const cases: [string, 'accept' | 'drop'][] = [
    ['tcp flags syn', 'accept'],
    ['tcp flags ack', 'accept'],
    ['tcp flags psh,ack', 'accept'],
    ['tcp flags syn,urg', 'accept'],
    ['tcp flags syn,ecn', 'accept'],
    ['tcp flags syn,ack', 'drop'],
    ['tcp flags fin,ack', 'drop'],
    ['tcp flags rst', 'drop'],
    ['tcp flags rst,ack', 'drop'],
    ['tcp flags fin', 'drop'],
    ['tcp flags syn,fin', 'drop'],
    ['icmp type echo-request', 'accept'],
    ['icmp type timestamp-request', 'accept'],
    ['icmp type echo-reply', 'drop'],
    ['icmp type destination-unreachable', 'drop'],
    ['icmp type redirect', 'drop'],
  ];
  for (const [flags, verdict] of cases) {
    it(`${flags} → ${verdict === 'accept' ? 'new' : 'invalid'}`, () => {
      expect(run(r(), { packet: `ip saddr 198.51.100.1 ip daddr 198.51.100.2 ${flags.startsWith('icmp') ? '' : 'tcp dport 81 '}${flags}` }).fate.verdict).toBe(verdict);
    });
  }
  it('notrack before conntrack makes the packet untracked; after conntrack it has no effect', () => {
    const rs = (prio: number) => b.ruleset([b.table('ip', 't', [b.base('raw', 'filter', 'prerouting', prio, 'accept', b.rule(b.notrack)), b.base('in', 'filter', 'input', 0, 'drop', b.rule(b.m(b.ct('state'), 'untracked', 'in'), b.accept), b.rule(b.m(b.ct('state'), 'new', 'in'), b.counter))])]);
    expect(pathOf(run(rs(-300), { packet: 'ip saddr 1.1.1.1 ip daddr 198.51.100.2 udp dport 1' }))).toEqual(['raw#1 continue', 'raw policy accept', 'in#1 accept']);
    expect(pathOf(run(rs(-150), { packet: 'ip saddr 1.1.1.1 ip daddr 198.51.100.2 udp dport 1' }))).toEqual(['raw#1 continue', 'raw policy accept', 'in#2 continue', 'in policy drop']);
  });
});

describe('routing', () => {
  const rs = () =>
    b.ruleset([
      b.table('ip', 't', [
        b.base('pre', 'nat', 'prerouting', -100, 'accept', b.rule(b.m(b.pl('tcp', 'dport'), 8080), b.dnat('10.1.0.5', 80))),
        b.base('in', 'filter', 'input', 0, 'accept', b.rule(b.counter)),
        b.base('fwd', 'filter', 'forward', 0, 'drop', b.rule(b.m(b.pl('ip', 'ttl'), 63), b.accept)),
      ]),
    ]);
  table(rs, [
    { name: 'a local destination takes the input path', packet: 'iif eth0 ip saddr 203.0.113.9 ip daddr 198.51.100.2 tcp dport 22', options: { host: HOST }, verdict: 'accept', kind: 'delivered', path: ['pre policy accept', 'in#1 continue', 'in policy accept'], hooks: ['prerouting', 'input'] },
    { name: 'not local with forwarding off: dropped by routing after prerouting, no verdict line', packet: 'iif eth0 ip saddr 203.0.113.9 ip daddr 100.64.9.9 tcp dport 22', options: { host: HOST }, verdict: 'drop', kind: 'no-route', path: ['pre policy accept'], hooks: ['prerouting'] },
    { name: 'DNAT to a non-local address turns input into forward (TTL decremented before forward; the NAT core also binds on postrouting)', packet: 'iif eth0 ip saddr 203.0.113.9 ip daddr 198.51.100.2 tcp dport 8080', options: { host: HOST, forwarding: true }, verdict: 'accept', kind: 'forwarded', path: ['pre#1 accept', 'fwd#1 accept'], hooks: ['prerouting', 'forward', 'postrouting'] },
    { name: 'DNAT to a non-local address with forwarding off: no route', packet: 'iif eth0 ip saddr 203.0.113.9 ip daddr 198.51.100.2 tcp dport 8080', options: { host: HOST }, verdict: 'drop', kind: 'no-route', path: ['pre#1 accept'] },
    { name: 'a loopback source from outside is a martian', packet: 'iif eth0 ip saddr 127.0.0.5 ip daddr 198.51.100.2 udp dport 2', options: { host: HOST }, verdict: 'drop', kind: 'no-route', path: ['pre policy accept'] },
    { name: 'with routes given, a forwarded destination without a route is dropped by routing', packet: 'iif eth0 ip saddr 203.0.113.9 ip daddr 100.64.9.9 udp dport 2', options: { host: `${HOST} route=10.0.0.0/8@eth1`, forwarding: true }, verdict: 'drop', kind: 'no-route', path: ['pre policy accept'] },
    { name: 'without routes given, a default route is assumed', packet: 'iif eth0 ip saddr 203.0.113.9 ip daddr 100.64.9.9 udp dport 2', options: { host: HOST, forwarding: true }, verdict: 'accept', kind: 'forwarded', path: ['pre policy accept', 'fwd#1 accept'] },
    { name: 'TTL 1 expires on forwarding', packet: 'iif eth0 ip saddr 203.0.113.9 ip daddr 100.64.9.9 ip ttl 1 udp dport 2', options: { host: HOST, forwarding: true }, verdict: 'drop', kind: 'ttl-expired', path: ['pre policy accept'] },
  ]);

  it('a locally generated packet: output (DNAT re-routes), postrouting, sent', () => {
    const r = b.ruleset([
      b.table('inet', 'o', [
        b.base('nat_out', 'nat', 'output', -100, 'accept', b.rule(b.m(b.pl('ip', 'daddr'), '203.0.113.50'), b.m(b.pl('udp', 'dport'), 53), b.dnat('198.51.100.1', 5353, 'ip'))),
        b.base('output', 'filter', 'output', 0, 'drop', b.rule(b.m(b.pl('ip', 'daddr'), b.prefix('198.51.100.0', 24)), b.accept)),
        b.base('nat_post', 'nat', 'postrouting', 100, 'accept', b.rule(b.m(b.meta('oif'), 'eth0'), b.snat('198.51.100.2', b.range(40000, 40100)))),
      ]),
    ]);
    const t = run(r, { packet: 'local ip daddr 203.0.113.50 udp sport 43068 udp dport 53', options: { host: 'eth0=198.51.100.2/24 default=eth0' } });
    expect(pathOf(t)).toEqual(['nat_out#1 accept', 'output#1 accept', 'nat_post#1 accept']);
    expect(t.fate).toMatchObject({ verdict: 'accept', kind: 'sent' });
    expect(t.finalPacket).toMatchObject({ 'ip saddr': '198.51.100.2', 'ip daddr': '198.51.100.1', 'udp sport': '40000', 'udp dport': '5353' });
  });

  it('a locally generated packet to a local address loops back through lo (prerouting, input)', () => {
    const r = b.ruleset([b.table('inet', 'o', [b.base('output', 'filter', 'output', 0, 'drop', b.rule(b.m(b.meta('oif'), 'lo'), b.accept)), b.base('input', 'filter', 'input', 0, 'accept', b.rule(b.m(b.meta('iif'), 'lo'), b.counter))])]);
    const t = run(r, { packet: 'local ip saddr 127.0.0.1 ip daddr 127.0.0.1 udp dport 2222' });
    expect(pathOf(t)).toEqual(['output#1 accept', 'input#1 continue', 'input policy accept']);
    expect(t.fate.kind).toBe('delivered');
    expect(t.steps.some((s) => s.reinjected)).toBe(true);
  });
});

describe('matches', () => {
  const one = (stmts: ReturnType<typeof b.m>[], packet: string, options?: EvalOptions) => {
    const r = b.ruleset([b.table('inet', 't', [b.base('in', 'filter', 'input', 0, 'drop', b.rule(...stmts, b.accept))])]);
    return run(r, { packet, ...(options ? { options } : {}) });
  };
  const P = 'iif eth0 ip saddr 10.0.0.5 ip daddr 10.0.0.1 tcp sport 40000 tcp dport 443';
  const cases: [string, ReturnType<typeof b.m>[], string, 'accept' | 'drop'][] = [
    ['prefix', [b.m(b.pl('ip', 'saddr'), b.prefix('10.0.0.0', 8))], P, 'accept'],
    ['negated prefix', [b.m(b.pl('ip', 'saddr'), b.prefix('10.0.0.0', 8), '!=')], P, 'drop'],
    ['range', [b.m(b.pl('tcp', 'dport'), b.range(400, 500))], P, 'accept'],
    ['< and >', [b.m(b.pl('tcp', 'dport'), 1024, '<'), b.m(b.pl('tcp', 'sport'), 1023, '>')], P, 'accept'],
    ['anonymous interval set', [b.m(b.pl('tcp', 'dport'), b.set(22, b.range(400, 500), 8080))], P, 'accept'],
    ['payload of a protocol the packet does not carry never matches, even with !=', [b.m(b.pl('udp', 'dport'), 53, '!=')], P, 'drop'],
    ['ip6 field on an IPv4 packet in an inet table', [b.m(b.pl('ip6', 'saddr'), '::1', '!=')], P, 'drop'],
    ['tcp flags syn (implicit: any of the bits)', [b.m(b.pl('tcp', 'flags'), 'syn', 'in')], `${P} tcp flags syn,ack`, 'accept'],
    ['tcp flags == syn (exact)', [b.m(b.pl('tcp', 'flags'), 'syn')], `${P} tcp flags syn,ack`, 'drop'],
    ['tcp flags != syn is exact inequality (nft 1.0.6: cmp neq)', [b.m(b.pl('tcp', 'flags'), 'syn', '!=')], `${P} tcp flags syn,ack`, 'accept'],
    ['tcp flags & (syn|ack) == syn', [b.m(b.binop('&', b.pl('tcp', 'flags'), b.list('syn', 'ack')), 'syn')], `${P} tcp flags syn`, 'accept'],
    ['ct state != established,related is exact inequality', [b.m(b.ct('state'), b.list('established', 'related'), '!=')], P, 'accept'],
    ['iifname wildcard', [b.m(b.meta('iifname'), 'eth*')], P, 'accept'],
    ['iifname wildcard, other device', [b.m(b.meta('iifname'), 'wlan*')], P, 'drop'],
    ['th dport on tcp', [b.m(b.pl('th', 'dport'), 443)], P, 'accept'],
    ['raw payload @th,16,16', [b.m(b.raw('th', 16, 16), 443)], P, 'accept'],
    ['raw payload @nh,0,8 (version and header length)', [b.m(b.raw('nh', 0, 8), 0x45)], P, 'accept'],
    ['meta l4proto / nfproto', [b.m(b.meta('l4proto'), 'tcp'), b.m(b.meta('nfproto'), 'ipv4')], P, 'accept'],
    ['meta mark & mask', [b.m(b.binop('&', b.meta('mark'), 0xff00), 0x4000)], `${P} meta mark 0x4001`, 'accept'],
    ['fib daddr type local', [b.m(b.fib(['daddr'], 'type'), 'local')], P, 'accept'],
    ['fib saddr type local (remote source)', [b.m(b.fib(['saddr'], 'type'), 'local')], P, 'drop'],
    ['concatenation against an anonymous set', [b.m(b.cat(b.pl('ip', 'saddr'), b.pl('tcp', 'dport')), b.set(b.cat('10.0.0.5', 443)))], P, 'accept'],
    ['concatenation with an interval component', [b.m(b.cat(b.pl('ip', 'saddr'), b.pl('tcp', 'dport')), b.set(b.cat(b.prefix('10.0.0.0', 24), b.range(1, 1024))))], P, 'accept'],
    ['skuid on an arriving packet does not match', [b.m(b.meta('skuid'), 0, '!=')], P, 'drop'],
  ];
  for (const [name, stmts, packet, verdict] of cases) it(name, () => expect(one(stmts, packet).fate.verdict).toBe(verdict));

  it('named interval set with a binary-searched lookup and a vmap keyed by a concatenation', () => {
    const r = b.ruleset([
      b.table(
        'ip',
        't',
        [
          b.base('in', 'filter', 'input', 0, 'drop', b.rule(b.m(b.pl('ip', 'saddr'), b.ref('nets')), b.jump('svc'))),
          b.chain('svc', b.rule(b.vmap(b.cat(b.pl('ip', 'daddr'), b.pl('tcp', 'dport')), b.ref('ports')))),
        ],
        [
          b.namedSet('nets', ['ipv4_addr'], [b.prefix('10.0.0.0', 8), b.range('192.168.1.10', '192.168.1.20'), '172.16.0.1'], { flags: ['interval'] }),
          b.namedSet('ports', ['ipv4_addr', 'inet_service'], [b.mapping(b.cat('10.0.0.1', 22), b.vAccept), b.mapping(b.cat('10.0.0.1', 23), b.vDrop)], { kind: 'map', data: ['verdict'] }),
        ],
      ),
    ]);
    const t = (src: string, port: number) => run(r, { packet: `ip saddr ${src} ip daddr 10.0.0.1 tcp dport ${port}` });
    expect(pathOf(t('10.9.9.9', 22))).toEqual(['in#1 jump svc', 'svc#1 accept']);
    expect(pathOf(t('192.168.1.15', 23))).toEqual(['in#1 jump svc', 'svc#1 drop']);
    expect(pathOf(t('192.168.1.21', 22))).toEqual(['in policy drop']);
    expect(pathOf(t('172.16.0.1', 80))).toEqual(['in#1 jump svc', 'in policy drop']);
  });
});

describe('kube-proxy nftables mode', () => {
  const host = 'eth0=192.168.0.2/24 default=eth0 forward';
  it('ClusterIP from outside the cluster: DNAT to one endpoint (1/2 each), masquerade by mark in postrouting', () => {
    const tree = evaluateBranches(kubeProxyNft(), pkt('iif eth0 ip saddr 192.168.1.50 ip daddr 172.30.0.44 tcp sport 5555 tcp dport 80'), { host });
    expect(tree.leaves.map((l) => [l.probability, l.finalPacket['ip daddr'], l.finalPacket['ip saddr'], l.fate.kind])).toEqual([
      [0.5, '10.180.0.4', '192.168.0.2', 'forwarded'],
      [0.5, '10.180.0.5', '192.168.0.2', 'forwarded'],
    ]);
    expect(pathOf(tree.leaves[0]!)).toEqual([
      'filter-prerouting-pre-dnat#1 jump firewall-check',
      'filter-prerouting-pre-dnat policy accept',
      'nat-prerouting#1 jump services',
      'services#1 goto service-LAUZTJTB-ns4/svc4/tcp/p80',
      'service-LAUZTJTB-ns4/svc4/tcp/p80#1 jump mark-for-masquerade',
      'mark-for-masquerade#1 continue',
      'service-LAUZTJTB-ns4/svc4/tcp/p80#2 goto endpoint-UNZV3OEC-ns4/svc4/tcp/p80__10.180.0.4/80',
      'endpoint-UNZV3OEC-ns4/svc4/tcp/p80__10.180.0.4/80#2 accept',
      'filter-forward#1 jump service-endpoints-check',
      'filter-forward#2 jump cluster-ips-check',
      'filter-forward policy accept',
      'nat-postrouting#1 jump masquerading',
      'masquerading#2 continue',
      'masquerading#3 accept',
    ]);
  });

  it('a pod source (10.0.0.0/8) is not marked and not masqueraded', () => {
    const t = evaluate(kubeProxyNft(), pkt('iif cni0 ip saddr 10.244.1.7 ip daddr 172.30.0.41 tcp dport 80'), { host });
    expect(t.finalPacket).toMatchObject({ 'ip saddr': '10.244.1.7', 'ip daddr': '10.180.0.1', 'meta mark': '0x00000000' });
    expect(pathOf(t)).toContain('masquerading#1 return');
  });

  it('a service without endpoints is rejected in forward', () => {
    const t = evaluate(kubeProxyNft(), pkt('iif eth0 ip saddr 192.168.1.50 ip daddr 172.30.0.46 tcp dport 80'), { host });
    expect(t.fate).toMatchObject({ verdict: 'drop', kind: 'rejected' });
  });

  it('NodePort: nodeport-ips then service-nodeports, DNAT and masquerade', () => {
    const t = evaluate(kubeProxyNft(), pkt('iif eth0 ip saddr 192.168.1.50 ip daddr 192.168.0.2 tcp dport 3003'), { host });
    expect(t.finalPacket).toMatchObject({ 'ip saddr': '192.168.0.2', 'ip daddr': '10.180.0.1', 'tcp dport': '80' });
  });

  it('ICMP to the node: th dport is not known, yet no element can match (protocol differs): decided, no assumption', () => {
    const t = evaluate(kubeProxyNft(), pkt('iif eth0 ip saddr 192.168.1.50 ip daddr 192.168.0.2 icmp type echo-request'), { host });
    expect(t.fate.kind).toBe('delivered');
    expect(t.assumptions).toEqual([]);
  });

  it('an unallocated ClusterIP is dropped by cluster-ips-check', () => {
    const t = evaluate(kubeProxyNft(), pkt('iif eth0 ip saddr 192.168.1.50 ip daddr 172.30.9.9 tcp dport 80'), { host });
    expect(t.fate).toMatchObject({ verdict: 'drop', kind: 'dropped' });
    expect(pathOf(t).slice(-1)).toEqual(['cluster-ips-check#2 drop']);
  });
});

describe('loops, depth, missing chains', () => {
  it('a jump loop ends with a loop result, not a hang', () => {
    const r = b.ruleset([b.table('ip', 't', [b.base('in', 'filter', 'input', 0, 'accept', b.rule(b.jump('a'))), b.chain('a', b.rule(b.jump('b'))), b.chain('b', b.rule(b.jump('a')))])]);
    const t = run(r, { packet: 'ip saddr 1.1.1.1 ip daddr 2.2.2.2 udp dport 1' });
    expect(t.fate).toMatchObject({ verdict: 'none', kind: 'loop' });
    expect(t.fate.reason).toMatch(/a → b → a/);
  });

  it('a goto cycle is a loop too', () => {
    const r = b.ruleset([b.table('ip', 't', [b.base('in', 'filter', 'input', 0, 'accept', b.rule(b.goto('a'))), b.chain('a', b.rule(b.goto('a')))])]);
    expect(run(r, { packet: 'ip saddr 1.1.1.1 ip daddr 2.2.2.2 udp dport 1' }).fate.kind).toBe('loop');
  });

  const nested = (n: number, verb: 'jump' | 'goto') => {
    const chains = [b.base('base', 'filter', 'input', 0, 'accept', b.rule(verb === 'jump' ? b.jump('c1') : b.goto('c1')))];
    for (let i = 1; i <= n; i++) chains.push(b.chain(`c${i}`, i < n ? b.rule(verb === 'jump' ? b.jump(`c${i + 1}`) : b.goto(`c${i + 1}`)) : b.rule(b.drop)));
    return b.ruleset([b.table('ip', 't', chains)]);
  };
  // Linux 6.18: base → c1 … c15 loads, c16 gives EMLINK "Too many links", for jump and for goto.
  for (const verb of ['jump', 'goto'] as const) {
    it(`${verb} depth 15 is fine, 16 is too deep`, () => {
      expect(run(nested(15, verb), { packet: 'ip saddr 1.1.1.1 ip daddr 2.2.2.2 udp dport 1' }).fate.kind).toBe('dropped');
      expect(run(nested(16, verb), { packet: 'ip saddr 1.1.1.1 ip daddr 2.2.2.2 udp dport 1' }).fate).toMatchObject({ verdict: 'none', kind: 'too-deep' });
    });
  }

  it('a jump to a missing chain is reported', () => {
    const r = b.ruleset([b.table('ip', 't', [b.base('in', 'filter', 'input', 0, 'accept', b.rule(b.jump('nope')))])]);
    expect(run(r, { packet: 'ip saddr 1.1.1.1 ip daddr 2.2.2.2 udp dport 1' }).fate.kind).toBe('missing-chain');
  });
});

describe('undecidable matches', () => {
  const r = () =>
    b.ruleset([
      b.table('ip', 't', [
        b.base('in', 'filter', 'input', 0, 'drop', b.rule(b.m(b.pl('tcp', 'dport'), 22), b.limit(10, 'second'), b.accept), b.rule(b.opaque('frobnicate 3'), b.accept), b.rule(b.m(b.meta('iifname'), 'eth1'), b.accept)),
      ]),
    ]);
  it('limit is unknown: the run assumes the usual case (under the limit) and says so', () => {
    const t = run(r(), { packet: 'iif eth0 ip saddr 1.1.1.1 ip daddr 2.2.2.2 tcp dport 22' });
    const s = t.steps.find((x) => x.kind === 'rule' && x.ruleIndex === 0)!;
    expect(s).toMatchObject({ result: 'unknown', assumed: 'match' });
    expect(t.assumptions.length).toBe(1);
    expect(t.fate.verdict).toBe('accept');
  });
  it('all-branches follows both outcomes of an unknown match', () => {
    const tree = evaluateBranches(r(), pkt('iif eth0 ip saddr 1.1.1.1 ip daddr 2.2.2.2 tcp dport 22'));
    // Leaves in alternative order: limit not matched → opaque not matched (drop) / matched (accept); limit matched (accept).
    expect(tree.leaves.map((l) => l.fate.verdict)).toEqual(['drop', 'accept', 'accept']);
    expect(tree.root.fork?.children.every((c) => c.share === null)).toBe(true);
  });
  it('an unknown input interface is undecidable, never silently false', () => {
    const t = run(r(), { packet: 'ip saddr 1.1.1.1 ip daddr 2.2.2.2 tcp dport 80' });
    const s = t.steps.find((x) => x.kind === 'rule' && x.ruleIndex === 2)!;
    expect(s.result).toBe('unknown');
    expect(s.exprs?.[0]?.reason).toMatch(/input interface not given/);
  });
});
