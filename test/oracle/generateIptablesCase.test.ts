// Tests of the random iptables-save generator without root: determinism, valid packets, a well-formed dump
// (every -j/-g target declared, no loops, the load rules of its header), the project's parser reading it
// cleanly, and coverage of the constructs it claims. That the kernel loads every dump is checked by the
// differential suite's iptables slice (a refused dump fails it).
import { describe, expect, it } from 'vitest';
import { parseIptables } from '../../src/parse/index.ts';
import { generateIp6tablesCase } from './generateIp6tablesCase.ts';
import { generateIptablesCase } from './generateIptablesCase.ts';
import { validatePackets } from './kernelOracle.ts';

const BUILTIN = new Set(['PREROUTING', 'INPUT', 'FORWARD', 'OUTPUT', 'POSTROUTING']);
const VERDICTS = new Set(['ACCEPT', 'DROP', 'RETURN', 'REJECT', 'MARK', 'CONNMARK', 'LOG', 'NFLOG', 'TCPMSS', 'CT', 'NOTRACK', 'DNAT', 'SNAT', 'MASQUERADE', 'REDIRECT']);

/** table → chain → the user chains its rules jump or go to. */
function edges(save: string): Map<string, Map<string, string[]>> {
  const out = new Map<string, Map<string, string[]>>();
  let table = '';
  for (const line of save.split('\n')) {
    if (line.startsWith('*')) out.set((table = line.slice(1)), new Map());
    const decl = /^:(\S+) /.exec(line);
    if (decl) out.get(table)!.set(decl[1]!, []);
    const rule = /^-A (\S+) .*-[jg] (\S+)/.exec(line);
    if (rule && !VERDICTS.has(rule[2]!)) out.get(table)!.get(rule[1]!)?.push(rule[2]!);
  }
  return out;
}

describe('generateIptablesCase', () => {
  it('is deterministic, and different seeds give different dumps', () => {
    for (const seed of [0, 1, 42, 2 ** 31 - 1]) expect(generateIptablesCase(seed)).toEqual(generateIptablesCase(seed));
    expect(new Set(Array.from({ length: 100 }, (_, i) => generateIptablesCase(i).saveText)).size).toBe(100);
  });

  it('gives 4..8 valid packets with ids 1..n', () => {
    for (let seed = 0; seed < 200; seed++) {
      const c = generateIptablesCase(seed);
      expect(c.packets.length).toBeGreaterThanOrEqual(4);
      expect(c.packets.length).toBeLessThanOrEqual(8);
      expect(c.packets.map((p) => p.id)).toEqual(c.packets.map((_, i) => i + 1));
      validatePackets(c.packets);
    }
  });

  it('declares every chain it jumps to, without loops, and keeps the load rules', () => {
    for (let seed = 0; seed < 300; seed++) {
      const { saveText } = generateIptablesCase(seed);
      for (const [table, chains] of edges(saveText)) {
        for (const [chain, targets] of chains) for (const t of targets) expect(chains.has(t), `seed ${seed}: ${table} ${chain} -> ${t}`).toBe(true);
        // depth-first search for a cycle
        const state = new Map<string, 1 | 2>();
        const visit = (c: string): void => {
          expect(state.get(c), `seed ${seed}: loop through ${table} ${c}`).not.toBe(1);
          if (state.get(c) === 2) return;
          state.set(c, 1);
          for (const t of chains.get(c) ?? []) visit(t);
          state.set(c, 2);
        };
        for (const c of chains.keys()) visit(c);
      }
      for (const line of saveText.split('\n')) {
        if (!line.startsWith('-A ')) continue;
        for (const opt of ['-s', '-d', '-i', '-o']) expect(line.split(' ').filter((w) => w === opt).length, `seed ${seed}: ${line}`).toBeLessThanOrEqual(1);
        if (/--reject-with tcp-reset/.test(line)) expect(line).toMatch(/ -p tcp /);
        if (/-j (?:DNAT --to-destination \S+:|SNAT --to-source \S+:|MASQUERADE --to-ports|REDIRECT --to-ports)/.test(line)) expect(line).toMatch(/ -p (?:tcp|udp) /);
      }
      // iptables refuses DROP in the nat table ("not intended for filtering"), as policy or target
      const nat = /\*nat\n[^*]*/.exec(saveText)?.[0] ?? '';
      expect(nat, `seed ${seed}`).not.toMatch(/ DROP \[|-j DROP/);
    }
  });

  it('writes dumps the project parser reads without errors, built-in chains on their hooks', () => {
    for (let seed = 0; seed < 100; seed++) {
      const r = parseIptables(generateIptablesCase(seed).saveText);
      expect(r.diagnostics.filter((d) => d.severity === 'error'), `seed ${seed}`).toEqual([]);
      for (const t of r.ruleset.tables) for (const c of t.chains) if (BUILTIN.has(c.name)) expect(c.base?.hook, `${t.name} ${c.name}`).toBeDefined();
    }
  });

  it('covers the constructs real dumps use across 300 seeds', () => {
    const all = Array.from({ length: 300 }, (_, i) => generateIptablesCase(i + 1));
    const text = all.map((c) => c.saveText).join('\n');
    const wanted = [
      '*raw', '*mangle', '*nat', '*filter', ':INPUT DROP', ' -g ', '-j RETURN', '-j REJECT --reject-with tcp-reset', '--reject-with icmp-',
      '! -s ', '-d 198.51.100.0/24', '-i nso-h+', '! -o ', '! -p ', '-m tcp --dport', '! --sport', '-m multiport --dports', '--ctstate RELATED,ESTABLISHED',
      '--ctstatus', '-m state --state', '-m mark ! --mark', '-m connmark', '-m comment --comment', '-m addrtype --dst-type LOCAL', '-m iprange',
      '-m length', '-m ttl', '--tcp-flags', '--syn', '--icmp-type', '-m limit', '--mode random', '--mode nth', '-j MARK --set-xmark',
      '--or-mark', '-j CONNMARK --save-mark', '--restore-mark', '-j LOG', '-j CT --notrack', '-j DNAT --to-destination', '-j SNAT --to-source',
      '-j MASQUERADE', '--random-fully', '-j REDIRECT', '-j TCPMSS', '-j NFLOG', '-m owner', '-m pkttype', '-m hashlimit', '-m recent --rcheck', 'KUBE-SERVICES', 'KUBE-SVC-', 'KUBE-SEP-', 'KUBE-MARK-MASQ', 'KUBE-POSTROUTING', 'KUBE-FORWARD', 'DOCKER-ISOLATION-STAGE-2', '-j DOCKER-USER',
    ];
    for (const w of wanted) expect(text, w).toContain(w);
    const packets = all.flatMap((c) => c.packets);
    for (const origin of ['remote', 'local']) expect(packets.some((p) => p.origin === origin)).toBe(true);
    for (const proto of ['tcp', 'udp', 'icmp']) expect(packets.some((p) => p.protocol === proto)).toBe(true);
  });
});

describe('generateIp6tablesCase', () => {
  it('is deterministic, gives valid IPv6 packets, and dumps the parser reads as IPv6 without errors', () => {
    for (const seed of [0, 1, 42]) expect(generateIp6tablesCase(seed)).toEqual(generateIp6tablesCase(seed));
    for (let seed = 1; seed <= 150; seed++) {
      const c = generateIp6tablesCase(seed);
      expect(c.packets.every((p) => p.family === 'ip6')).toBe(true);
      validatePackets(c.packets);
      const parsed = parseIptables(c.saveText);
      expect(parsed.diagnostics.filter((d) => d.severity === 'error'), `seed ${seed}`).toEqual([]);
      expect(parsed.ruleset.tables.every((t) => t.family === 'ip6'), `seed ${seed}`).toBe(true);
    }
  });

  it('covers the IPv6 forms across 300 seeds', () => {
    const text = Array.from({ length: 300 }, (_, i) => generateIp6tablesCase(i + 1).saveText).join('\n');
    for (const w of ['-p ipv6-icmp', '--icmpv6-type', '-m hl --hl-', '--reject-with icmp6-', '--to-destination [', '/128', 'KUBE-SVC-', '-m addrtype', '-j REDIRECT', '-j MASQUERADE', '-j SNAT --to-source 2001:db8']) {
      expect(text, w).toContain(w);
    }
  });
});
