// Probabilistic branches (numgen, iptables statistic, IPVS scheduling): all-branches trees whose shares sum
// to 1, user-chosen branches, seeded picks, the branch cap.
import { describe, expect, it } from 'vitest';
import type { Ruleset } from '../model/ir.ts';
import { massOf } from './choices.ts';
import { evaluate, evaluateBranches } from './evaluate.ts';
import { parsePacket } from './packetParse.ts';
import * as b from './testing/build.ts';
import { pathOf } from './testing/paths.ts';
import type { BranchNode } from './trace.ts';

const pkt = (t: string) => parsePacket(t).packet;

/** kube-proxy iptables mode as iptables-translate + xt nodes give it: KUBE-SVC with a statistic cascade
 *  1/3, 1/2, 1 (printed with 11 decimals as iptables-save does). */
function kubeIptables(n: number): Ruleset {
  const seps = Array.from({ length: n }, (_, i) => `KUBE-SEP-${i}`);
  const svcRules = seps.map((sep, i) =>
    i < n - 1 ? b.rule(b.xt('statistic', { mode: { value: 'random' }, probability: { value: (1 / (n - i)).toFixed(11) } }), b.jump(sep)) : b.rule(b.jump(sep)),
  );
  return b.ruleset([
    b.table(
      'ip',
      'nat',
      [
        b.base('PREROUTING', 'nat', 'prerouting', -100, 'accept', b.rule(b.jump('KUBE-SERVICES'))),
        b.base('POSTROUTING', 'nat', 'postrouting', 100, 'accept', b.rule(b.jump('KUBE-POSTROUTING'))),
        b.chain('KUBE-SERVICES', b.rule(b.m(b.pl('ip', 'daddr'), '10.96.0.10'), b.m(b.pl('udp', 'dport'), 53), b.jump('KUBE-SVC-DNS'))),
        b.chain('KUBE-SVC-DNS', ...svcRules),
        ...seps.map((sep, i) => b.chain(sep, b.rule(b.m(b.pl('ip', 'saddr'), `10.244.${i}.5`), b.jump('KUBE-MARK-MASQ')), b.rule(b.m(b.meta('l4proto'), 'udp'), b.dnat(`10.244.${i}.5`, 53)))),
        b.chain('KUBE-MARK-MASQ', b.rule(b.mangle(b.meta('mark'), b.binop('|', b.meta('mark'), 0x4000)))),
        b.chain('KUBE-POSTROUTING', b.rule(b.m(b.binop('&', b.meta('mark'), 0x4000), 0x4000, '!='), b.ret), b.rule(b.mangle(b.meta('mark'), b.binop('^', b.meta('mark'), 0x4000))), b.rule(b.masquerade)),
      ],
      [],
      'iptables-nft',
    ),
  ]);
}

const DNS = 'iif eth0 ip saddr 10.244.7.7 ip daddr 10.96.0.10 udp sport 3333 udp dport 53';
const HOST = 'eth0=192.168.0.2/24 default=eth0 forward';

describe('iptables statistic cascade', () => {
  it('1/3, 1/2, 1 gives each of three endpoints 1/3', () => {
    const tree = evaluateBranches(kubeIptables(3), pkt(DNS), { host: HOST });
    expect(tree.leaves.map((l) => l.finalPacket['ip daddr'])).toEqual(['10.244.0.5', '10.244.1.5', '10.244.2.5']);
    for (const l of tree.leaves) expect(l.probability).toBeCloseTo(1 / 3, 9);
    expect(massOf(tree.root)).toBeCloseTo(1, 12);
  });

  it.each([1, 2, 5, 17])('shares of %i endpoints sum to 1 and are equal', (n) => {
    const tree = evaluateBranches(kubeIptables(n), pkt(DNS), { host: HOST });
    expect(tree.leaves).toHaveLength(n);
    expect(tree.leaves.reduce((s, l) => s + l.probability, 0)).toBeCloseTo(1, 9);
    for (const l of tree.leaves) expect(l.probability).toBeCloseTo(1 / n, 6);
  });

  it('--branch picks the path: [1, 0] = not the first endpoint, then the second', () => {
    const t = evaluate(kubeIptables(3), pkt(DNS), { host: HOST, branches: [1, 0] });
    expect(t.finalPacket['ip daddr']).toBe('10.244.1.5');
    expect(t.probability).toBeCloseTo(1 / 3, 9);
    expect(pathOf(t)).toContain('KUBE-SVC-DNS#2 jump KUBE-SEP-1');
  });

  it('a seed picks reproducibly', () => {
    const pick = (seed: number) => evaluate(kubeIptables(5), pkt(DNS), { host: HOST, seed }).finalPacket['ip daddr'];
    expect(pick(42)).toBe(pick(42));
    const seen = new Set(Array.from({ length: 40 }, (_, i) => pick(i)));
    expect(seen.size).toBeGreaterThan(2);
  });

  it('the branch cap stops exploring with a clear message', () => {
    const tree = evaluateBranches(kubeIptables(10), pkt(DNS), { host: HOST, maxBranches: 4 });
    expect(tree.leaves).toHaveLength(4);
    expect(tree.truncated).toMatch(/stopped after 4 branches/);
  });
});

describe('numgen', () => {
  const rs = (mod: number, elements: number[]) =>
    b.ruleset([
      b.table('ip', 't', [
        b.base('in', 'filter', 'input', 0, 'drop', b.rule(b.vmap(b.numgen('random', mod), b.set(...elements.map((e) => b.mapping(e, b.vJump(`ep${e}`))))))),
        ...elements.map((e) => b.chain(`ep${e}`, b.rule(b.accept))),
      ]),
    ]);
  it('numgen random mod 3: each value 1/3', () => {
    const tree = evaluateBranches(rs(3, [0, 1, 2]), pkt('ip saddr 1.1.1.1 ip daddr 2.2.2.2 tcp dport 80'));
    expect(tree.leaves.map((l) => pathOf(l).join(' '))).toEqual(['in#1 jump ep0 ep0#1 accept', 'in#1 jump ep1 ep1#1 accept', 'in#1 jump ep2 ep2#1 accept']);
    expect(tree.leaves.map((l) => l.probability)).toEqual([1 / 3, 1 / 3, 1 / 3]);
    expect(massOf(tree.root)).toBeCloseTo(1, 12);
  });
  it('a value missing from the map does not match (the rule breaks): that branch falls to the policy', () => {
    const tree = evaluateBranches(rs(4, [0, 1]), pkt('ip saddr 1.1.1.1 ip daddr 2.2.2.2 tcp dport 80'));
    expect(tree.leaves.map((l) => [l.fate.verdict, l.probability])).toEqual([
      ['accept', 0.25],
      ['accept', 0.25],
      ['drop', 0.25],
      ['drop', 0.25],
    ]);
  });
  it('numgen inc with a given counter value is decided', () => {
    const t = evaluate(b.ruleset([b.table('ip', 't', [b.base('in', 'filter', 'input', 0, 'drop', b.rule(b.m(b.numgen('inc', 2), 1), b.accept))])]), pkt('ip saddr 1.1.1.1 ip daddr 2.2.2.2 tcp dport 80'), { numgenInc: 3 });
    expect(t.fate.verdict).toBe('accept');
    expect(t.choices).toEqual([]);
  });
  it('nested forks: every subtree of a random fork sums to 1 (property over several shapes)', () => {
    for (const [m1, m2] of [
      [2, 3],
      [3, 1],
      [5, 4],
    ] as const) {
      const r = b.ruleset([
        b.table('ip', 't', [
          b.base('pre', 'filter', 'prerouting', 0, 'accept', b.rule(b.m(b.numgen('random', m1), 0), b.counter)),
          b.base('in', 'filter', 'input', 0, 'accept', b.rule(b.m(b.numgen('random', m2), 1), b.drop), b.rule(b.limit(1, 'second'), b.accept)),
        ]),
      ]);
      const tree = evaluateBranches(r, pkt('ip saddr 1.1.1.1 ip daddr 2.2.2.2 tcp dport 80'));
      const check = (n: BranchNode) => {
        expect(massOf(n)).toBeCloseTo(1, 12);
        n.fork?.children.forEach((c) => check(c.node));
      };
      check(tree.root);
    }
  });
});

describe('jhash', () => {
  it('matches the kernel: values observed on Linux 6.18 for `jhash ip saddr mod 16 seed 0xdead` and `jhash ip saddr . tcp dport mod 8 seed 0x1 offset 100`', () => {
    const r = b.ruleset([
      b.table('ip', 't', [
        b.base('p', 'filter', 'prerouting', 0, 'accept', b.rule(b.mangle(b.meta('mark'), b.jhash(b.pl('ip', 'saddr'), 16, 0xdead))), b.rule(b.mangle(b.meta('priority'), { kind: 'hash', fn: 'jhash', expr: b.cat(b.pl('ip', 'saddr'), b.pl('tcp', 'dport')), mod: 8, seed: 1, offset: 100 }))),
      ]),
    ]);
    const got = (['10.0.0.1 80', '192.168.7.9 443', '198.51.100.1 22'] as const).map((x) => {
      const [s, d] = x.split(' ');
      const t = evaluate(r, pkt(`ip saddr ${s} ip daddr 198.51.100.2 tcp dport ${d}`));
      return [t.finalPacket['meta mark'], t.finalPacket['meta priority']];
    });
    expect(got).toEqual([
      ['0x00000008', '107'],
      ['0x00000000', '106'],
      ['0x00000004', '107'],
    ]);
  });

  it('with a seed, jhash of a payload key is computed (no branch); without one it branches evenly', () => {
    const rs = (seed?: number) => b.ruleset([b.table('ip', 't', [b.base('in', 'filter', 'input', 0, 'accept', b.rule(b.mangle(b.meta('mark'), b.jhash(b.pl('ip', 'saddr'), 4, seed))))])]);
    const p = pkt('ip saddr 10.0.0.1 ip daddr 2.2.2.2 tcp dport 80');
    const t = evaluate(rs(0xdead), p);
    expect(t.choices).toEqual([]);
    expect(['0x00000000', '0x00000001', '0x00000002', '0x00000003']).toContain(t.finalPacket['meta mark']);
    const tree = evaluateBranches(rs(), p);
    expect(tree.leaves.map((l) => l.probability)).toEqual([0.25, 0.25, 0.25, 0.25]);
  });
});

describe('IPVS (documented behaviour; this kernel has no IPVS)', () => {
  const rs = (scheduler: string, reals: [string, number, number][]) =>
    b.ruleset(
      [
        b.table('ip', 'filter', [b.base('INPUT', 'filter', 'input', 0, 'accept', b.rule(b.counter)), b.base('OUTPUT', 'filter', 'output', 0, 'accept', b.rule(b.m(b.pl('ip', 'daddr'), b.prefix('10.244.0.0', 16)), b.counter))]),
        b.table('ip', 'nat', [b.base('POSTROUTING', 'nat', 'postrouting', 100, 'accept', b.rule(b.m(b.binop('&', b.meta('mark'), 0x4000), 0x4000), b.masquerade)), b.base('PREROUTING', 'nat', 'prerouting', -100, 'accept', b.rule(b.m(b.pl('ip', 'daddr'), '10.96.0.1'), b.mangle(b.meta('mark'), 0x4000)))]),
      ],
      [b.ipvsService('tcp', '10.96.0.1', 443, scheduler, reals)],
    );
  const P = 'iif eth0 ip saddr 192.168.1.50 ip daddr 10.96.0.1 tcp sport 4000 tcp dport 443';
  it('a virtual service address is local (kube-ipvs0); after filter INPUT, IPVS (99) rewrites and sends via OUTPUT and POSTROUTING', () => {
    const tree = evaluateBranches(rs('rr', [['10.244.1.5', 6443, 1], ['10.244.2.5', 6443, 1]]), pkt(P), { host: 'eth0=192.168.0.2/24 default=eth0' });
    expect(tree.leaves.map((l) => [l.probability, l.finalPacket['ip daddr'], l.finalPacket['tcp dport'], l.finalPacket['ip saddr'], l.fate.kind])).toEqual([
      [0.5, '10.244.1.5', '6443', '192.168.0.2', 'forwarded'],
      [0.5, '10.244.2.5', '6443', '192.168.0.2', 'forwarded'],
    ]);
    const leaf = tree.leaves[0]!;
    expect(leaf.steps.filter((s) => s.kind === 'hook').map((s) => s.hook)).toEqual(['prerouting', 'input', 'output', 'postrouting']);
    expect(pathOf(leaf)).toEqual(['PREROUTING#1 continue', 'PREROUTING policy accept', 'INPUT#1 continue', 'INPUT policy accept', 'OUTPUT#1 continue', 'OUTPUT policy accept', 'POSTROUTING#1 accept']);
  });
  it('wrr shares by weight; weight 0 gets nothing', () => {
    const tree = evaluateBranches(rs('wrr', [['10.244.1.5', 443, 3], ['10.244.2.5', 443, 1], ['10.244.3.5', 443, 0]]), pkt(P));
    expect(tree.leaves.map((l) => l.probability)).toEqual([0.75, 0.25]);
  });
  it('a non-SYN packet without an IPVS connection is not scheduled', () => {
    const t = evaluate(rs('rr', [['10.244.1.5', 443, 1]]), pkt(`${P} tcp flags ack`));
    expect(t.fate.kind).toBe('delivered');
  });
});
