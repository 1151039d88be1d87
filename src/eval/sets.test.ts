// Set indexes: hashed exact keys, binary-searched intervals, scans only for multi-dimensional intervals,
// built once per set.
import { describe, expect, it } from 'vitest';
import type { Expr } from '../model/ir.ts';
import { candidates, indexOf, lookup } from './sets.ts';
import * as b from './testing/build.ts';
import { dtype, literalToVal, type Val } from './value.ts';

const v4 = dtype('ipv4_addr');
const port = dtype('inet_service');
const proto = dtype('inet_proto');
const V = (lit: string | number, t = v4): Val => {
  const c = literalToVal(lit, t);
  if (!c.ok) throw new Error(c.why);
  return c.val;
};

describe('set index', () => {
  it('a kube-proxy-sized verdict map: exact keys go to the hash map, built once', () => {
    const elements: Expr[] = [];
    for (let i = 0; i < 20000; i++) elements.push(b.mapping(b.cat(`172.30.${i >> 8}.${i & 255}`, 'tcp', 80 + (i % 3)), b.vGoto(`svc-${i}`)));
    const owner = { elements };
    const types = [v4, proto, port];
    const idx = indexOf(owner, elements, types);
    expect(idx.exact.size).toBe(20000);
    expect(idx.general).toHaveLength(0);
    expect(indexOf(owner, elements, types)).toBe(idx);
    const key = (a: string, p: number): Val => ({ k: 'cat', items: [V(a), V('tcp', proto), V(p, port)] });
    expect(lookup(idx, key('172.30.78.32', 80), 3)).toBeUndefined();
    const hit = lookup(idx, key('172.30.78.31', 81), 3); // element 19999: port 80 + 19999 % 3
    expect(hit?.data).toEqual(b.vGoto('svc-19999'));
    expect(lookup(idx, key('172.30.78.31', 82), 3)).toBeUndefined();
  });

  it('one-dimensional intervals: binary search, also with overlapping (kernel-rejected) intervals', () => {
    const elements = [b.prefix('10.0.0.0', 8), b.range('10.1.0.0', '10.1.255.255'), b.range('192.168.0.10', '192.168.0.20'), b.val('8.8.8.8'), b.prefix('192.168.0.0', 16)];
    const idx = indexOf({}, elements, [v4]);
    expect(idx.intervals.entries.length).toBe(4);
    expect(lookup(idx, V('10.200.0.1'), 1)?.text).toBe('10.0.0.0/8');
    expect(lookup(idx, V('192.168.0.15'), 1)).toBeDefined();
    expect(lookup(idx, V('192.168.200.1'), 1)?.text).toBe('192.168.0.0/16');
    expect(lookup(idx, V('8.8.8.8'), 1)?.text).toBe('8.8.8.8');
    expect(lookup(idx, V('11.0.0.0'), 1)).toBeUndefined();
    expect(lookup(idx, V('9.255.255.255'), 1)).toBeUndefined();
  });

  it('intervals agree with a linear scan on random keys (property)', () => {
    let seed = 7;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) >>> 0) % 65536);
    const ranges: [number, number][] = [];
    for (let i = 0; i < 200; i++) {
      const a = rnd();
      ranges.push([a, Math.min(65535, a + (rnd() % 300))]);
    }
    const idx = indexOf({}, ranges.map(([a, c]) => b.range(a, c)), [port]);
    for (let i = 0; i < 2000; i++) {
      const k = rnd();
      const linear = ranges.some(([a, c]) => a <= k && k <= c);
      expect(lookup(idx, V(k, port), 1) !== undefined).toBe(linear);
    }
  });

  it('concatenations with interval components and interface wildcards are scanned', () => {
    const idx = indexOf({}, [b.cat(b.prefix('10.0.0.0', 24), b.range(1000, 2000)), b.cat('10.0.1.1', 22)], [v4, port]);
    expect(idx.general).toHaveLength(1);
    expect(lookup(idx, { k: 'cat', items: [V('10.0.0.7'), V(1500, port)] }, 2)).toBeDefined();
    expect(lookup(idx, { k: 'cat', items: [V('10.0.0.7'), V(2500, port)] }, 2)).toBeUndefined();
    const ifs = indexOf({}, [b.val('eth*'), b.val('lo')], [dtype('ifname')]);
    expect(lookup(ifs, { k: 'str', v: 'eth3', type: 'ifname' }, 1)).toBeDefined();
    expect(lookup(ifs, { k: 'str', v: 'wlan0', type: 'ifname' }, 1)).toBeUndefined();
  });

  it('keys with unknown components: only elements whose known parts match are candidates', () => {
    const idx = indexOf({}, [b.cat('1.1.1.1', 'tcp', 80), b.cat('1.1.1.1', 'udp', 53), b.cat('2.2.2.2', 'tcp', 80)], [v4, proto, port]);
    expect(candidates(idx, [V('1.1.1.1'), V('tcp', proto), null]).map((c) => c.text)).toEqual(['1.1.1.1 . tcp . 80']);
    expect(candidates(idx, [V('1.1.1.1'), V('icmp', proto), null])).toEqual([]);
  });

  it('elements that do not fit the key type are reported, never silently dropped', () => {
    const idx = indexOf({}, [b.val('10.0.0.1'), b.val('not-an-address')], [v4]);
    expect(idx.problems).toHaveLength(1);
    expect(idx.problems[0]).toMatch(/not-an-address/);
  });
});
