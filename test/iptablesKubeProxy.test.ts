// kube-proxy dumps from the generator (scripts/kubeproxy) through the iptables parser: zero diagnostics,
// and the IR sends every Service port to exactly its endpoints with equal shares (statistic probabilities
// chained the way kube-proxy writes them, then DNAT in the KUBE-SEP chain).
import { describe, expect, it } from 'vitest';
import type { Chain, Expr, Rule, Stmt } from '../src/model/ir.ts';
import { parseIptables } from '../src/parse/iptables/index.ts';
import { generateKubeProxy } from '../scripts/kubeproxy/generate.ts';

const valueOf = (e: Expr): unknown => (e.kind === 'value' ? e.value : undefined);

function matchValue(rule: Rule, protocol: string, field: string): unknown {
  for (const s of rule.stmts) if (s.kind === 'match' && s.op === '==' && s.left.kind === 'payload' && s.left.protocol === protocol && s.left.field === field) return valueOf(s.right);
  return undefined;
}

function jumpOf(rule: Rule): string | undefined {
  const last = rule.stmts[rule.stmts.length - 1];
  return last?.kind === 'verdict' && last.verdict.kind === 'jump' ? last.verdict.target : undefined;
}

function xtOf(rule: Rule, name: string) {
  for (const s of rule.stmts) if (s.kind === 'match' && s.left.kind === 'xt' && s.left.name === name) return s.left;
  return undefined;
}

describe('kube-proxy iptables mode dumps', () => {
  const { files, expected } = generateKubeProxy({ services: 60, endpointsPerService: 4, seed: 7, mode: 'iptables', nfacct: true });
  const text = files.find((f) => f.name === 'iptables-save.txt')?.text ?? '';
  const result = parseIptables(text);
  const nat = result.ruleset.tables.find((t) => t.name === 'nat');
  const chains = new Map<string, Chain>(nat?.chains.map((c) => [c.name, c]) ?? []);

  it('parse with zero diagnostics', () => {
    expect(text.length).toBeGreaterThan(1000);
    expect(result.diagnostics).toEqual([]);
  });

  it('send each ClusterIP:port to its endpoints with equal shares', () => {
    const services = expected.services.filter((s) => s.endpoints.length > 0);
    expect(services.length).toBeGreaterThan(50);
    for (const svc of services) {
      const proto = svc.protocol.toLowerCase();
      const entry = chains.get('KUBE-SERVICES')?.rules.find((r) => matchValue(r, 'ip', 'daddr') === svc.clusterIP && matchValue(r, proto, 'dport') === svc.port);
      const svcChain = chains.get(jumpOf(entry as Rule) ?? '');
      expect(svcChain, svc.name).toBeDefined();
      const shares = new Map<string, number>();
      let remaining = 1;
      for (const r of svcChain?.rules ?? []) {
        const sep = jumpOf(r);
        if (!sep?.startsWith('KUBE-SEP-') || xtOf(r, 'recent')) continue; // affinity rules only repeat a choice
        const stat = xtOf(r, 'statistic');
        const p = stat ? Number(stat.options.probability?.value) : 1;
        const dnat = chains.get(sep)?.rules.flatMap((x) => x.stmts).find((s): s is Extract<Stmt, { kind: 'nat' }> => s.kind === 'nat' && s.type === 'dnat');
        const endpoint = `${String(dnat?.addr && valueOf(dnat.addr))}:${String(dnat?.port && valueOf(dnat.port))}`;
        shares.set(endpoint, remaining * p);
        remaining -= remaining * p;
      }
      expect([...shares.keys()].sort(), svc.name).toEqual([...svc.endpoints].sort());
      for (const share of shares.values()) expect(share).toBeCloseTo(1 / svc.endpoints.length, 6);
    }
  });
});

describe('kube-proxy ipvs mode dumps', () => {
  it('parse with zero diagnostics and keep the ipset matches structured', () => {
    const { files } = generateKubeProxy({ services: 30, endpointsPerService: 3, seed: 3, mode: 'ipvs' });
    const r = parseIptables(files.find((f) => f.name === 'iptables-save.txt')?.text ?? '');
    expect(r.diagnostics).toEqual([]);
    const sets = r.ruleset.tables.flatMap((t) => t.chains.flatMap((c) => c.rules.map((x) => xtOf(x, 'set')).filter((x) => x !== undefined)));
    expect(sets.length).toBeGreaterThan(5);
    for (const s of sets) {
      expect(typeof s?.options.name?.value).toBe('string');
      expect(Array.isArray(s?.options.flags?.value)).toBe(true);
    }
  });
});
