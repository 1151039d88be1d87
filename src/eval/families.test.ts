// IPv6, netdev ingress/egress, bridge, ARP paths, and locally generated packets' socket keys.
import { describe, expect, it } from 'vitest';
import { evaluate, evaluateBranches } from './evaluate.ts';
import { parsePacket } from './packetParse.ts';
import * as b from './testing/build.ts';
import { hooksOf, pathOf } from './testing/paths.ts';

const pkt = (t: string) => {
  const r = parsePacket(t);
  expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return r.packet;
};

describe('IPv6', () => {
  const rs = () =>
    b.ruleset([
      b.table('inet', 'f', [
        b.base('in', 'filter', 'input', 0, 'drop', b.rule(b.m(b.ct('state'), 'untracked', 'in'), b.accept), b.rule(b.m(b.pl('ip6', 'saddr'), b.prefix('2001:db8::', 32)), b.m(b.pl('tcp', 'dport'), 22), b.accept), b.rule(b.m(b.pl('ip', 'saddr'), b.prefix('0.0.0.0', 0)), b.accept)),
      ]),
      b.table('ip', 'v4only', [b.base('in', 'filter', 'input', -10, 'drop')]),
    ]);
  it('an IPv6 packet runs inet and ip6 tables, not ip ones; ip fields do not match it', () => {
    const t = evaluate(rs(), pkt('iif eth0 ip6 saddr 2001:db8::5 ip6 daddr 2001:db8::1 tcp dport 22'));
    expect(pathOf(t, true)).toEqual(['f/in#2 accept']);
    expect(evaluate(rs(), pkt('iif eth0 ip6 saddr 2001:db9::5 ip6 daddr 2001:db8::1 tcp dport 22')).fate.verdict).toBe('drop');
  });
  it('neighbour discovery is untracked', () => {
    const t = evaluate(rs(), pkt('iif eth0 ip6 saddr fe80::1 ip6 daddr ff02::1:ff00:1 icmpv6 type nd-neighbor-solicit'));
    expect(pathOf(t)).toEqual(['in#1 accept']);
  });
});

describe('netdev and bridge', () => {
  it('netdev ingress runs first, on the chain for the packet\'s device only; fwd takes the packet', () => {
    const r = b.ruleset([
      b.table('netdev', 'nd', [b.devices(b.base('ing', 'filter', 'ingress', 0, 'accept', b.rule(b.m(b.pl('ip', 'saddr'), '10.9.9.9'), b.drop)), ['eth0']), b.devices(b.base('ing1', 'filter', 'ingress', 0, 'drop'), ['eth1'])]),
      b.table('ip', 'f', [b.base('pre', 'filter', 'prerouting', 0, 'accept', b.rule(b.counter))]),
    ]);
    expect(evaluate(r, pkt('iif eth0 ip saddr 10.9.9.9 ip daddr 10.0.0.1 udp dport 1')).fate).toMatchObject({ verdict: 'drop', where: 'ingress/netdev nd/ing' });
    const t = evaluate(r, pkt('iif eth0 ip saddr 10.1.1.1 ip daddr 10.0.0.1 udp dport 1'));
    expect(hooksOf(t)).toEqual(['ingress', 'prerouting']);
    const fwd = b.ruleset([b.table('netdev', 'nd', [b.devices(b.base('ing', 'filter', 'ingress', 0, 'accept', b.rule({ kind: 'fwd', dev: b.val('eth1') })), ['eth0'])])]);
    expect(evaluate(fwd, pkt('iif eth0 ip saddr 10.1.1.1 ip daddr 10.0.0.1 udp dport 1')).fate.kind).toBe('stolen');
  });
  it('a bridged frame goes through the bridge family hooks', () => {
    const r = b.ruleset([b.table('bridge', 'br', [b.base('fw', 'filter', 'forward', -200, 'accept', b.rule(b.m(b.pl('ether', 'saddr'), '02:00:00:00:00:01'), b.drop))])]);
    expect(evaluate(r, pkt('bridge iif veth1 oif veth2 ether saddr 02:00:00:00:00:01 ip saddr 10.0.0.5 ip daddr 10.0.0.6 udp dport 1')).fate).toMatchObject({ verdict: 'drop', where: 'forward/bridge br/fw' });
    expect(evaluate(r, pkt('bridge iif veth1 oif veth2 ether saddr 02:00:00:00:00:02 ip saddr 10.0.0.5 ip daddr 10.0.0.6 udp dport 1')).fate.kind).toBe('forwarded');
  });
  it('an ARP request goes through arp input', () => {
    const r = b.ruleset([b.table('arp', 'a', [b.base('in', 'filter', 'input', 0, 'accept', b.rule(b.m(b.pl('arp', 'operation'), 'request'), b.m(b.pl('arp', 'daddr ip'), '10.0.0.1', '!='), b.drop))])]);
    expect(evaluate(r, pkt('iif eth0 arp operation request arp saddr ip 10.0.0.5 arp daddr ip 10.0.0.9')).fate.verdict).toBe('drop');
    expect(evaluate(r, pkt('iif eth0 arp operation request arp saddr ip 10.0.0.5 arp daddr ip 10.0.0.1')).fate).toMatchObject({ verdict: 'accept', kind: 'delivered' });
  });
});

describe('locally generated packets', () => {
  const r = () => b.ruleset([b.table('inet', 'o', [b.base('out', 'filter', 'output', 0, 'drop', b.rule(b.m(b.meta('skuid'), 1000), b.accept), b.rule(b.m(b.pl('ether', 'saddr'), '00:00:00:00:00:00', '!='), b.accept))])]);
  it('skuid matches the sending socket; no link-layer header on output', () => {
    expect(evaluate(r(), pkt('local ip daddr 1.1.1.1 udp dport 53 skuid 1000'), { host: 'eth0=192.168.0.2/24 default=eth0' }).fate).toMatchObject({ verdict: 'accept', kind: 'sent' });
    expect(evaluate(r(), pkt('local ip daddr 1.1.1.1 udp dport 53 skuid 0'), { host: 'eth0=192.168.0.2/24 default=eth0' }).fate.verdict).toBe('drop');
  });
  it('an unknown skuid is an assumption, both outcomes explored', () => {
    const tree = evaluateBranches(r(), pkt('local ip daddr 1.1.1.1 udp dport 53'), { host: 'eth0=192.168.0.2/24 default=eth0' });
    expect(tree.leaves.map((l) => l.fate.verdict).sort()).toEqual(['accept', 'drop']);
  });
});

describe('iptables statistic nth', () => {
  it('every 3rd packet: 1/3 match, 2/3 not', () => {
    const r = b.ruleset([b.table('ip', 'f', [b.base('INPUT', 'filter', 'input', 0, 'accept', b.rule(b.xt('statistic', { mode: { value: 'nth' }, every: { value: 3 }, packet: { value: 0 } }), b.drop))], [], 'iptables-nft')]);
    const tree = evaluateBranches(r, pkt('ip saddr 1.1.1.1 ip daddr 2.2.2.2 udp dport 1'));
    expect(tree.leaves.map((l) => [l.fate.verdict, Math.round(l.probability * 1000) / 1000])).toEqual([
      ['drop', 0.333],
      ['accept', 0.667],
    ]);
  });
});
