// Tests of the random case generator: determinism and coverage (no root needed), and that every generated
// ruleset loads in the kernel and traces cleanly (kernel oracle; skipped with the reason when unavailable).
import { beforeAll, describe, expect, it } from 'vitest';
import { generateCase } from './generateCase.ts';
import { OracleSession, runManyRulesets, validatePackets, withOracleSession } from './kernelOracle.ts';
import { assertOracleAvailable, oracleSuiteTitle, skipOracle } from './oracleTestSupport.ts';

describe('generateCase', () => {
  it('is deterministic: the same seed gives the same case', () => {
    for (const seed of [0, 1, 42, 4242, 2 ** 31 - 1]) expect(generateCase(seed)).toEqual(generateCase(seed));
  });

  it('different seeds give different rulesets', () => {
    const texts = new Set(Array.from({ length: 100 }, (_, i) => generateCase(i).rulesetText));
    expect(texts.size).toBe(100);
  });

  it('gives 4..8 valid packets with ids 1..n', () => {
    for (let seed = 0; seed < 200; seed++) {
      const c = generateCase(seed);
      expect(c.packets.length).toBeGreaterThanOrEqual(4);
      expect(c.packets.length).toBeLessThanOrEqual(8);
      expect(c.packets.map((p) => p.id)).toEqual(c.packets.map((_, i) => i + 1));
      validatePackets(c.packets);
    }
  });

  it('only refers to chains declared earlier in the same table (so jumps form a DAG)', () => {
    for (let seed = 0; seed < 200; seed++) {
      const { rulesetText } = generateCase(seed);
      for (const table of rulesetText.split(/^table /m).slice(1)) {
        const declared = new Set<string>();
        for (const line of table.split('\n')) {
          const chain = /^\tchain (\S+) \{/.exec(line);
          for (const m of line.matchAll(/\b(?:jump|goto) (\w+)/g)) expect(declared, `seed ${seed}: ${line.trim()}`).toContain(m[1]);
          if (chain) declared.add(chain[1]!);
        }
      }
    }
  });

  it('covers the constructs the differential suite needs across 300 seeds', () => {
    const all = Array.from({ length: 300 }, (_, i) => generateCase(i + 1));
    const text = all.map((c) => c.rulesetText).join('\n');
    const wanted = [
      'table ip ', 'table inet ', 'hook prerouting', 'hook input', 'hook forward', 'hook output', 'hook postrouting',
      'type nat', 'priority dstnat', 'priority srcnat', 'priority filter - 10', 'priority -150', 'policy drop',
      'jump c', 'goto c', ' vmap { ', ' vmap @', ' : verdict', ' : mark', 'flags interval', 'ipv4_addr . inet_service',
      'ip daddr . tcp dport', '@addrs', '@ports', 'dnat to', 'dnat ip to', 'snat', 'masquerade', 'redirect to',
      ' map { ', 'ct state', 'meta mark set', 'meta mark 0x', 'iifname', 'oifname', 'counter', 'continue', 'return',
      'reject', 'reject with tcp reset', 'tcp flags', 'icmp type', 'ip saddr', ' != ', '-', '/',
    ];
    for (const w of wanted) expect(text, w).toContain(w);
    const packets = all.flatMap((c) => c.packets);
    for (const origin of ['remote', 'local']) expect(packets.some((p) => p.origin === origin)).toBe(true);
    for (const proto of ['tcp', 'udp', 'icmp']) expect(packets.some((p) => p.protocol === proto)).toBe(true);
    expect(packets.some((p) => p.ttl === 1)).toBe(true);
    expect(all.some((c) => c.options.forward) && all.some((c) => !c.options.forward)).toBe(true);
    // equal priorities on one hook happen
    expect(all.some((c) => hasPriorityTie(c.rulesetText))).toBe(true);
  });
});

describe("generateCase(seed, { family: 'ip6' })", () => {
  const six = (seed: number) => generateCase(seed, { family: 'ip6' });

  it('is deterministic, its own seed space, and leaves IPv4 seeds alone', () => {
    for (const seed of [0, 1, 42, 4242]) expect(six(seed)).toEqual(six(seed));
    expect(six(1).rulesetText).not.toBe(generateCase(1).rulesetText);
    expect(generateCase(1, { family: 'ip' })).toEqual(generateCase(1));
    expect(new Set(Array.from({ length: 100 }, (_, i) => six(i).rulesetText)).size).toBe(100);
  });

  it('gives 4..8 valid IPv6 packets and covers the IPv6 constructs across 300 seeds', () => {
    const all = Array.from({ length: 300 }, (_, i) => six(i + 1));
    for (const c of all) {
      expect(c.packets.every((p) => p.family === 'ip6')).toBe(true);
      expect(c.packets.length).toBeGreaterThanOrEqual(4);
      validatePackets(c.packets);
    }
    const text = all.map((c) => c.rulesetText).join('\n');
    const wanted = [
      'table ip6 ', 'table inet ', 'table ip v4', 'type nat', 'ipv6_addr . inet_service', 'type ipv6_addr', 'ip6 saddr', 'ip6 daddr . tcp dport',
      'ip6 nexthdr', 'meta l4proto ipv6-icmp', 'icmpv6 type', 'ip6 hoplimit', 'ip6 dscp', 'ip6 flowlabel', 'ip6 length', 'fib saddr . iif oif',
      'dnat to [', 'dnat ip6 to', 'dnat ip to', 'snat', 'masquerade', 'redirect', 'reject with icmpv6 type', 'reject with tcp reset',
      'jump c', 'goto c', ' vmap ', 'ct state', 'meta nfproto ipv6', 'ip6 hoplimit set', 'ip6 dscp set', 'ct original ip6', 'ip6 saddr . ip6 daddr', 'ip6 daddr & ',
      'fib daddr type unreachable', 'fib daddr oif missing',
    ];
    for (const w of wanted) expect(text, w).toContain(w);
    const packets = all.flatMap((c) => c.packets);
    for (const proto of ['tcp', 'udp', 'icmpv6']) expect(packets.some((p) => p.protocol === proto)).toBe(true);
    for (const origin of ['remote', 'local']) expect(packets.some((p) => p.origin === origin)).toBe(true);
    expect(packets.some((p) => p.ttl === 1) && packets.some((p) => p.dscp !== undefined)).toBe(true);
  });
});

function hasPriorityTie(text: string): boolean {
  const seen = new Set<string>();
  for (const m of text.matchAll(/type \w+ hook (\w+) priority ([^;]+);/g)) {
    const key = `${m[1]} ${m[2]}`;
    if (seen.has(key)) return true;
    seen.add(key);
  }
  return false;
}

describe.skipIf(skipOracle)(oracleSuiteTitle('generated rulesets in the kernel'), () => {
  beforeAll(() => assertOracleAvailable());

  it('200 generated rulesets all load (nft 1.0.6 syntax, kernel-valid)', async () => {
    await withOracleSession(async (s: OracleSession) => {
      const refused: string[] = [];
      for (let seed = 1; seed <= 200; seed++) {
        const err = await s.checkNft(generateCase(seed).rulesetText);
        if (err) refused.push(`seed ${seed}: ${err}`);
      }
      expect(refused).toEqual([]);
    });
  });

  it('generated cases trace cleanly: every remote packet traced, fates consistent with the steps', async () => {
    const cases = Array.from({ length: 40 }, (_, i) => generateCase(1000 + i));
    const results = await runManyRulesets(cases.map((c) => ({ ruleset: c.rulesetText, packets: c.packets, options: c.options })));
    const fates = new Set<string>();
    results.forEach((r, i) => {
      expect(r.ok, cases[i]!.description).toBe(true);
      if (!r.ok) return;
      r.traces.forEach((t, j) => {
        const p = cases[i]!.packets[j]!;
        const where = `${cases[i]!.description} packet ${p.id}`;
        fates.add(t.fate);
        if (p.origin === 'remote') expect(t.untraced, where).toBeUndefined();
        if (t.untraced) expect(t.sendError, where).toBeDefined();
        const dropped = t.steps.some((s) => (s.kind === 'rule' || s.kind === 'policy') && s.verdict === 'drop');
        expect(t.fate === 'drop', where).toBe(dropped);
        if (t.fate === 'accept') expect(['input', 'postrouting'], where).toContain(t.hooks.at(-1));
        expect(t.hooks[0], where).toBe(p.origin === 'remote' ? 'prerouting' : t.untraced ? undefined : 'output');
      });
    });
    expect([...fates].sort()).toEqual(['accept', 'drop', 'none']);
  });

  it('200 generated IPv6 rulesets all load', async () => {
    await withOracleSession(async (s: OracleSession) => {
      const refused: string[] = [];
      for (let seed = 1; seed <= 200; seed++) {
        const err = await s.checkNft(generateCase(seed, { family: 'ip6' }).rulesetText);
        if (err) refused.push(`ip6 seed ${seed}: ${err}`);
      }
      expect(refused).toEqual([]);
    });
  });

  it('the oracle is reproducible: the same cases in another session give the same traces', async () => {
    const cases = Array.from({ length: 12 }, (_, i) => generateCase(2000 + i)).map((c) => ({ ruleset: c.rulesetText, packets: c.packets, options: c.options }));
    // trace ids and counters differ between runs; everything else must not
    const digest = (rs: Awaited<ReturnType<typeof runManyRulesets>>) =>
      rs.map((r) => (r.ok ? r.traces.map((t) => ({ ...t, steps: t.steps.map(({ raw: _raw, ...s }) => s) })) : r.error));
    const [a, b] = [await runManyRulesets(cases), await runManyRulesets([...cases].reverse())];
    expect(digest(b.reverse())).toEqual(digest(a));
  });
});
