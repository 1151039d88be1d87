// Determinism, structure and ground truth of the generated kube-proxy dumps (no kernel needed; see
// kernel.test.ts for what the real tools say about them).
import { describe, expect, it } from 'vitest';
import { generateKubeProxy, type ExpectedServicePort, type GenerateResult, type KubeProxyMode } from './generate.ts';
import { iptablesDistribution, ipvsDistribution, nftDistribution, readIptablesTable, readNftRuleset, serviceKey, type Distribution } from './dumpReaders.ts';

const MODES: readonly KubeProxyMode[] = ['iptables', 'nftables', 'ipvs'];

const cache = new Map<string, GenerateResult>();
function gen(mode: KubeProxyMode, services: number, endpointsPerService: number, seed: number): GenerateResult {
  const key = `${mode}/${services}/${endpointsPerService}/${seed}`;
  let r = cache.get(key);
  if (!r) cache.set(key, (r = generateKubeProxy({ mode, services, endpointsPerService, seed })));
  return r;
}
const file = (r: GenerateResult, name: string) => r.files.find((f) => f.name === name)?.text ?? '';
const withEndpoints = (r: GenerateResult) => r.expected.services.filter((s) => s.endpoints.length > 0);
const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);

/** Mismatches between a distribution read from a dump and the ground truth (empty when they agree). */
function compareDistribution(dist: Distribution, expected: readonly ExpectedServicePort[]): string[] {
  const problems: string[] = [];
  for (const s of expected.filter((e) => e.endpoints.length > 0)) {
    const key = serviceKey(s.clusterIP, s.port, s.protocol);
    const shares = dist.get(key);
    if (!shares) {
      problems.push(`${key}: not found`);
      continue;
    }
    const got = [...shares.keys()].sort().join(' ');
    const want = [...s.endpoints].sort().join(' ');
    if (got !== want) problems.push(`${key}: endpoints ${got} ≠ ${want}`);
    for (const [ep, share] of shares) {
      // iptables stores probabilities in 31-bit fixed point, so shares are 1/n to about n·2^-31.
      if (Math.abs(share - 1 / s.endpoints.length) > 1e-7) problems.push(`${key}: ${ep} gets ${share}`);
    }
  }
  return problems;
}

describe('determinism', () => {
  for (const mode of MODES) {
    it(`${mode}: the same seed gives byte-identical files, another seed different ones`, () => {
      const a = generateKubeProxy({ mode, services: 40, endpointsPerService: 3, seed: 11 });
      const b = generateKubeProxy({ mode, services: 40, endpointsPerService: 3, seed: 11 });
      const c = generateKubeProxy({ mode, services: 40, endpointsPerService: 3, seed: 12 });
      expect(a.files.map((f) => f.name)).toEqual(b.files.map((f) => f.name));
      for (const [i, f] of a.files.entries()) {
        expect(f.text).toBe(b.files[i]?.text);
        expect(f.text).not.toBe(c.files[i]?.text);
      }
      expect(a.expected).toEqual(b.expected);
    });
  }

  it('describes the same cluster whatever the mode', () => {
    expect(gen('iptables', 30, 2, 5).expected.services).toEqual(gen('ipvs', 30, 2, 5).expected.services);
    expect(gen('iptables', 30, 2, 5).expected.services).toEqual(gen('nftables', 30, 2, 5).expected.services);
  });
});

describe('generated cluster', () => {
  const r = gen('iptables', 400, 4, 3);
  const svcs = r.expected.services;

  it('has the shapes kube-proxy handles: UDP, NodePorts, LB, external IPs, no endpoints, Local policy, affinity', () => {
    expect(svcs.some((s) => s.protocol === 'udp')).toBe(true);
    expect(svcs.some((s) => s.nodePort !== undefined)).toBe(true);
    expect(svcs.some((s) => s.loadBalancerIPs.length > 0)).toBe(true);
    expect(svcs.some((s) => s.externalIPs.length > 0)).toBe(true);
    expect(svcs.some((s) => s.endpoints.length === 0)).toBe(true);
    expect(svcs.some((s) => s.externalPolicyLocal && s.localEndpoints.length > 0)).toBe(true);
    expect(svcs.some((s) => s.externalPolicyLocal && s.localEndpoints.length === 0 && s.endpoints.length > 0)).toBe(true);
    expect(svcs.some((s) => s.sessionAffinity)).toBe(true);
    expect(svcs[0]?.name).toBe('default/kubernetes:https');
  });

  it('keeps addresses in their ranges and unique where Kubernetes requires it', () => {
    const inRange = (ip: string, a: number, bLow: number, bHigh: number) => {
      const [x, y] = ip.split('.').map(Number);
      return x === a && (y ?? -1) >= bLow && (y ?? -1) <= bHigh;
    };
    const clusterIPs = new Map<string, string>();
    for (const s of svcs) {
      expect(inRange(s.clusterIP, 10, 96, 111), s.clusterIP).toBe(true);
      // One ClusterIP per Service (its ports share it), never two Services on one address.
      const owner = s.name.split(':')[0] ?? '';
      expect(clusterIPs.get(s.clusterIP) ?? owner).toBe(owner);
      clusterIPs.set(s.clusterIP, owner);
      for (const ep of s.endpoints) if (!s.name.startsWith('default/kubernetes')) expect(inRange(ep, 10, 244, 244), ep).toBe(true);
      expect(new Set(s.endpoints).size).toBe(s.endpoints.length);
      if (s.nodePort !== undefined) expect(s.nodePort >= 30000 && s.nodePort <= 32767).toBe(true);
    }
    const nodePorts = svcs.flatMap((s) => (s.nodePort === undefined ? [] : [s.nodePort]));
    expect(new Set(nodePorts).size).toBe(nodePorts.length);
    // Service port names are unique.
    expect(new Set(svcs.map((s) => s.name)).size).toBe(svcs.length);
  });

  it('gives most Services the requested endpoint count and a few none', () => {
    const counts = svcs.map((s) => s.endpoints.length);
    expect(counts.filter((c) => c === 4).length / counts.length).toBeGreaterThan(0.9);
    expect(counts.filter((c) => c === 0).length).toBeGreaterThan(0);
  });
});

describe('iptables mode', () => {
  const r = gen('iptables', 60, 3, 1);
  const text = file(r, 'iptables-save.txt');
  const nat = readIptablesTable(text, 'nat');
  const filter = readIptablesTable(text, 'filter');
  const chains = (prefix: string) => [...nat.keys()].filter((c) => c.startsWith(prefix));

  it('has one KUBE-SVC chain per service port with endpoints and one KUBE-SEP chain per endpoint', () => {
    expect(chains('KUBE-SVC-').length).toBe(withEndpoints(r).length);
    expect(chains('KUBE-SEP-').length).toBe(sum(r.expected.services.map((s) => s.endpoints.length)));
    const local = r.expected.services.filter((s) => s.externalPolicyLocal && s.localEndpoints.length > 0);
    expect(chains('KUBE-SVL-').length).toBe(local.length);
  });

  it('cascades statistic probabilities 1/n, 1/(n-1), … so that every endpoint gets 1/n', () => {
    let checked = 0;
    for (const [chain, rules] of nat) {
      if (!chain.startsWith('KUBE-SVC-')) continue;
      const dispatch = rules.filter((x) => /-j KUBE-SEP-/.test(x) && !x.includes('--rcheck'));
      const n = dispatch.length;
      let remaining = 1;
      dispatch.forEach((rule, i) => {
        const p = /--probability (\S+)/.exec(rule)?.[1];
        // The last rule has no statistic match; each other one picks 1/(endpoints left).
        if (i === n - 1) expect(p).toBeUndefined();
        else expect(Math.abs(Number(p) - 1 / (n - i))).toBeLessThan(1e-9);
        const share = p === undefined ? remaining : remaining * Number(p);
        expect(Math.abs(share - 1 / n)).toBeLessThan(1e-8);
        remaining -= share;
      });
      expect(Math.abs(remaining)).toBeLessThan(1e-8);
      checked++;
    }
    expect(checked).toBe(withEndpoints(r).length);
  });

  it('sends every ClusterIP:port to exactly its endpoints (read back from the dump)', () => {
    expect(compareDistribution(iptablesDistribution(text), r.expected.services)).toEqual([]);
  });

  it('rejects service ports without endpoints in filter KUBE-SERVICES', () => {
    const empty = r.expected.services.filter((s) => s.endpoints.length === 0);
    expect(empty.length).toBeGreaterThan(0);
    for (const s of empty) {
      const rule = (filter.get('KUBE-SERVICES') ?? []).find((x) => x.startsWith(`-d ${s.clusterIP}/32 -p ${s.protocol} `) && x.endsWith(`--dport ${s.port} -j REJECT --reject-with icmp-port-unreachable`));
      expect(rule, s.name).toBeDefined();
    }
  });

  it('ends KUBE-SERVICES with the NodePort jump and quotes every comment', () => {
    expect(nat.get('KUBE-SERVICES')?.at(-1)).toContain('-m addrtype --dst-type LOCAL -j KUBE-NODEPORTS');
    expect(text).not.toMatch(/--comment [^"]/);
  });

  it('drops per-endpoint comments above 1000 endpoints, as kube-proxy large-cluster mode does', () => {
    const small = file(gen('iptables', 60, 3, 1), 'iptables-save.txt');
    const large = gen('iptables', 150, 8, 1);
    const largeText = file(large, 'iptables-save.txt');
    expect(sum(large.expected.services.map((s) => s.endpoints.length))).toBeGreaterThan(1000);
    expect(small).toMatch(/--comment "[^"]+ -> [\d.]+:\d+"/);
    expect(largeText).not.toMatch(/ -> [\d.]+:\d+"/);
    expect(compareDistribution(iptablesDistribution(largeText), large.expected.services)).toEqual([]);
  });
});

describe('nftables mode', () => {
  const r = gen('nftables', 60, 3, 1);
  const ruleset = file(r, 'nft-list-ruleset.nft');
  const tx = file(r, 'nft-transaction.nft');
  const { chains, elements } = readNftRuleset(ruleset);

  it('has one service-ips element per reachable IP:port and one service-nodeports element per NodePort', () => {
    const reachable = withEndpoints(r);
    expect(elements.get('service-ips')?.length).toBe(sum(reachable.map((s) => 1 + s.externalIPs.length + s.loadBalancerIPs.length)));
    expect(elements.get('service-nodeports')?.length).toBe(reachable.filter((s) => s.nodePort !== undefined).length);
    expect(elements.get('cluster-ips')?.length).toBe(new Set(r.expected.services.map((s) => s.clusterIP)).size);
    expect((tx.match(/^add element ip kube-proxy service-ips /gm) ?? []).length).toBe(elements.get('service-ips')?.length);
  });

  it('picks endpoints with numgen random mod n over vmap indexes 0..n-1', () => {
    let checked = 0;
    for (const [name, rules] of chains) {
      if (!/^service-[A-Z2-7]{8}-/.test(name)) continue;
      const ng = rules.map((x) => /^numgen random mod (\d+) vmap \{ (.*) \}$/.exec(x)).find((m) => m);
      expect(ng, name).toBeDefined();
      const n = Number(ng?.[1]);
      const indexes = (ng?.[2] ?? '').split(', ').map((e) => Number(e.split(' : ')[0]));
      expect(indexes).toEqual(Array.from({ length: n }, (_, i) => i));
      checked++;
    }
    expect(checked).toBe(withEndpoints(r).length);
  });

  it('sends every ClusterIP:port to exactly its endpoints (read back from the dump)', () => {
    expect(compareDistribution(nftDistribution(ruleset), r.expected.services)).toEqual([]);
  });

  it('maps service ports without endpoints to reject-chain', () => {
    const noEndpoint = elements.get('no-endpoint-services') ?? [];
    for (const s of r.expected.services.filter((x) => x.endpoints.length === 0)) {
      expect(noEndpoint).toContain(`${s.clusterIP} . ${s.protocol} . ${s.port} comment "${s.name}" : goto reject-chain`);
    }
  });

  it('declares every chain the transaction jumps or goes to', () => {
    const declared = new Set(tx.match(/^add chain ip kube-proxy (\S+)/gm)?.map((l) => l.split(' ')[4]));
    for (const target of tx.matchAll(/(?:goto|jump) ([\w./-]+)/g)) expect(declared.has(target[1])).toBe(true);
  });
});

describe('ipvs mode', () => {
  const r = gen('ipvs', 60, 3, 1);
  const ipvsadm = file(r, 'ipvsadm-Ln.txt');
  const ipset = file(r, 'ipset-save.txt');

  it('has one virtual server per ClusterIP, external IP, LB IP and node address × NodePort', () => {
    const s = r.expected.services;
    const nodePorts = s.filter((x) => x.nodePort !== undefined).length;
    const expected = s.length + sum(s.map((x) => x.externalIPs.length + x.loadBalancerIPs.length)) + nodePorts * 3;
    expect((ipvsadm.match(/^(TCP|UDP) {2}/gm) ?? []).length).toBe(expected);
  });

  it('sends every ClusterIP:port to exactly its endpoints, round robin', () => {
    expect(compareDistribution(ipvsDistribution(ipvsadm), r.expected.services)).toEqual([]);
  });

  it('lists real servers in ipvsadm columns (%-28s %-7s %-6d %-10u %-10u)', () => {
    const lines = ipvsadm.split('\n').filter((l) => l.startsWith('  -> ') && !l.includes('RemoteAddress'));
    expect(lines.length).toBeGreaterThan(0);
    for (const l of lines) expect(l).toMatch(/^ {2}-> [\d.:]{9,28} *Masq {4}1 {6}\d+ +\d+ +$/);
    for (const l of lines) expect(l.length).toBe(5 + 28 + 1 + 7 + 1 + 6 + 1 + 10 + 1 + 10);
  });

  it('fills KUBE-CLUSTER-IP with every service port and NodePort bitmaps with every NodePort', () => {
    const entries = (set: string) => ipset.split('\n').filter((l) => l.startsWith(`add ${set} `));
    expect(entries('KUBE-CLUSTER-IP').length).toBe(r.expected.services.length);
    const tcp = r.expected.services.filter((s) => s.protocol === 'tcp' && s.nodePort !== undefined);
    expect(entries('KUBE-NODE-PORT-TCP').map((l) => Number(l.split(' ')[2])).sort()).toEqual(tcp.map((s) => s.nodePort).sort());
  });
});

describe('dump readers', () => {
  // The readers back the ground-truth tests, so they must notice a broken dump.
  it('notice a missing endpoint rule in iptables mode', () => {
    const r = gen('iptables', 20, 3, 1);
    const text = file(r, 'iptables-save.txt');
    const victim = /^-A (KUBE-SVC-\w+) -m comment --comment "[^"]+ -> [^"]+" -j KUBE-SEP-\w+$/m.exec(text)?.[0] ?? '';
    expect(victim).not.toBe('');
    expect(compareDistribution(iptablesDistribution(text.replace(victim + '\n', '')), r.expected.services)).not.toEqual([]);
  });

  it('notice a wrong numgen modulus in nftables mode', () => {
    const r = gen('nftables', 20, 3, 1);
    const broken = file(r, 'nft-list-ruleset.nft').replace('numgen random mod 3 ', 'numgen random mod 4 ');
    expect(compareDistribution(nftDistribution(broken), r.expected.services)).not.toEqual([]);
  });

  it('notice a missing real server in ipvs mode', () => {
    const r = gen('ipvs', 20, 3, 1);
    const text = file(r, 'ipvsadm-Ln.txt');
    const broken = text.replace(/^ {2}-> 10\.244\.[^\n]*\n/m, '');
    expect(compareDistribution(ipvsDistribution(broken), r.expected.services)).not.toEqual([]);
  });
});
