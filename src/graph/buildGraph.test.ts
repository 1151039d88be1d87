import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Workspace } from '../model/ir.ts';
import { parseIpset } from '../parse/ipset/index.ts';
import { parseIptables } from '../parse/iptables/index.ts';
import { parseIpvs } from '../parse/ipvs/index.ts';
import { corpusFiles } from '../../test/corpus.ts';
import { buildGraph } from './buildGraph.ts';
import { chainId, setId } from './ids.ts';
import { IptablesText, NftText, accept, drop, goTo, jump, parsedSource, workspaceOf } from './testing/irText.ts';
import { WELL_KNOWN_SERVICES, generatedServices, ipvsModeFilter, kubeProxyIptablesNat, kubeProxyNft, nftEndpointChain, nftServiceChain } from './testing/kubeProxy.ts';
import type { AggregateNode, ChainNode, GraphEdge, GraphModel, GraphNode, HookView } from './types.ts';

const KP = 'chain|nft|ip|kube-proxy|';

function node(model: GraphModel, id: string): GraphNode {
  const n = model.nodes.find((x) => x.id === id);
  if (!n) throw new Error(`no node ${id}; have ${model.nodes.map((x) => x.id).join(', ')}`);
  return n;
}

function edgesFrom(model: GraphModel, id: string, kind?: GraphEdge['kind']): GraphEdge[] {
  return model.edges.filter((e) => e.source === id && (kind === undefined || e.kind === kind));
}

/** The hooked entries of a hook, in order, following hook → next → next edges of the hook's view. */
function hookSequence(model: GraphModel, hookNodeId: string): string[] {
  const view = hookNodeId.split('|')[1] as HookView;
  const out: string[] = [];
  let at = model.edges.find((e) => e.kind === 'hook' && e.source === hookNodeId)?.target;
  while (at !== undefined && out.length < 50) {
    out.push(at);
    const current = at;
    at = model.edges.find((e) => e.kind === 'next' && e.source === current && e.views?.includes(view))?.target;
  }
  return out;
}

/** Every edge joins two nodes of the model; ids are unique. */
function expectConsistent(model: GraphModel): void {
  const ids = new Set(model.nodes.map((n) => n.id));
  expect(ids.size).toBe(model.nodes.length);
  const groupIds = new Set(model.groups.map((g) => g.id));
  for (const e of model.edges) {
    expect(ids.has(e.source), `edge source ${e.source}`).toBe(true);
    expect(ids.has(e.target), `edge target ${e.target}`).toBe(true);
  }
  for (const n of model.nodes) if (n.parentId !== undefined) expect(groupIds.has(n.parentId), `parent ${n.parentId}`).toBe(true);
  expect(new Set(model.edges.map((e) => e.id)).size).toBe(model.edges.length);
}

function kubeProxyWorkspace(): { ws: Workspace; text: string } {
  const kp = kubeProxyNft(WELL_KNOWN_SERVICES);
  return { ws: workspaceOf(parsedSource('nft', 'nft', kp.text, [kp.table])), text: kp.text };
}

describe('buildGraph: kube-proxy nftables ruleset', () => {
  const { ws } = kubeProxyWorkspace();
  const model = buildGraph(ws);

  it('has hooks, base chains, regular chains, sets and verdict maps', () => {
    expectConsistent(model);
    const kinds = (k: GraphNode['kind']) => model.nodes.filter((n) => n.kind === k).map((n) => n.label);
    expect(kinds('hook')).toEqual(['ip prerouting', 'ip input', 'ip output', 'ip postrouting']);
    expect(kinds('base-chain')).toEqual(['filter-prerouting', 'nat-prerouting', 'filter-input', 'filter-output', 'nat-output', 'filter-output-post-dnat', 'nat-postrouting']);
    expect(kinds('vmap')).toEqual(['vmap no-endpoint-services', 'vmap service-ips']);
    expect(kinds('set')).toEqual(['set cluster-ips']);
    expect(kinds('chain')).toContain(nftServiceChain(WELL_KNOWN_SERVICES[1]!));
    const svcIps = node(model, setId('nft', 'ip', 'kube-proxy', 'service-ips'));
    expect(svcIps).toMatchObject({ kind: 'vmap', elementCount: 3, keyType: 'ipv4_addr . inet_proto . inet_service', dataType: 'verdict' });
  });

  it('labels base chains with type, hook, symbolic priority, policy and origin', () => {
    const nat = node(model, `${KP}nat-prerouting`) as ChainNode;
    expect(nat.base).toMatchObject({ type: 'nat', hook: 'prerouting', priority: -100, priorityLabel: 'dstnat (-100)', position: -100, viaNatCore: true, policy: 'accept', tie: false, backend: 'nf_tables' });
    expect(nat.origin).toBe('nft');
    expect(nat.detail.join(' / ')).toContain('priority dstnat (-100)');
    const pre = node(model, `${KP}filter-prerouting`) as ChainNode;
    expect(pre.base?.priorityLabel).toBe('dstnat - 10 (-110)');
  });

  it('draws the service map as one vmap edge per target chain, labelled with its key', () => {
    const svcIps = setId('nft', 'ip', 'kube-proxy', 'service-ips');
    const branches = edgesFrom(model, svcIps, 'vmap');
    expect(branches).toHaveLength(3);
    const dnsTcp = WELL_KNOWN_SERVICES[2]!;
    const edge = branches.find((e) => e.target === `${KP}${nftServiceChain(dnsTcp)}`);
    expect(edge).toMatchObject({ label: '10.96.0.10 . tcp . 53', keys: ['10.96.0.10 . tcp . 53'], keyCount: 1, verdict: 'goto' });
    expect(edge?.refs?.[0]?.range).toBeDefined();
    // The chain that looks the map up points at it.
    expect(edgesFrom(model, `${KP}services`, 'lookup').map((e) => e.target)).toEqual([svcIps]);
  });

  it('draws numgen endpoint selection as goto branches from the service chain to its endpoint chains', () => {
    const dns = WELL_KNOWN_SERVICES[1]!;
    const svc = `${KP}${nftServiceChain(dns)}`;
    const branches = edgesFrom(model, svc, 'vmap');
    expect(branches.map((e) => [e.target, e.label, e.verdict])).toEqual(dns.endpoints.map((ep, i) => [`${KP}${nftEndpointChain(dns, ep)}`, String(i), 'goto']));
    expect(branches[0]?.refs?.[0]).toMatchObject({ ruleIndex: 1 });
    expect(edgesFrom(model, svc, 'jump').map((e) => e.target)).toEqual([`${KP}mark-for-masquerade`]);
  });

  it('orders base chains on each hook and links them: accept continues to the next one', () => {
    expect(hookSequence(model, 'hook|ip|output')).toEqual([`${KP}filter-output`, `${KP}nat-output`, `${KP}filter-output-post-dnat`]);
    expect(model.edges.find((e) => e.kind === 'next' && e.source === `${KP}filter-output`)?.label).toBe('accept');
  });

  it('gives ids that survive a re-parse, and JSON-serialisable data', () => {
    const again = buildGraph(kubeProxyWorkspace().ws);
    expect(again.nodes.map((n) => n.id)).toEqual(model.nodes.map((n) => n.id));
    expect(JSON.parse(JSON.stringify(model))).toEqual(model);
    // Ids do not depend on where a chain is written.
    const a = new NftText();
    a.table('ip', 't', (t) => {
      t.chain('x', undefined, []);
      t.chain('y', undefined, []);
    });
    const b = new NftText();
    b.table('ip', 't', (t) => {
      t.chain('y', undefined, []);
      t.chain('x', undefined, []);
    });
    const ids = (n: NftText) => buildGraph(workspaceOf(parsedSource('s', 'nft', n.text, n.tables))).nodes.map((x) => x.id).sort();
    expect(ids(a)).toEqual(ids(b));
  });

  it('lists the rules of small chains and only counts those of big ones', () => {
    const big = new NftText();
    big.table('inet', 'fw', (t) => {
      t.chain('small', undefined, [['accept', [accept]]]);
      t.chain('big', undefined, Array.from({ length: 20 }, (_, i) => [`tcp dport ${i} accept`, [accept]] as const));
    });
    const m = buildGraph(workspaceOf(parsedSource('s', 'nft', big.text, big.tables)), { maxRulesInline: 12 });
    expect(node(m, chainId('s', 'inet', 'fw', 'small'))).toMatchObject({ rulesCollapsed: false, rules: [{ index: 0, summary: 'accept' }], ruleCount: 1 });
    const bigNode = node(m, chainId('s', 'inet', 'fw', 'big')) as ChainNode;
    expect(bigNode).toMatchObject({ rulesCollapsed: true, ruleCount: 20 });
    expect(bigNode.rules).toBeUndefined();
  });

  it('draws flowtables and the sets a rule writes', () => {
    const t = new NftText();
    const table = t.table('inet', 'fw', (w) => {
      w.set('seen', { type: ['ipv4_addr'] });
      w.chain('fwd', { hook: 'forward', priority: 0 }, [
        ['flow add @ft', [{ kind: 'flow', op: 'add', flowtable: 'ft' }]],
        ['add @seen { ip saddr }', [{ kind: 'set', op: 'add', set: '@seen', elem: { kind: 'payload', protocol: 'ip', field: 'saddr' } }]],
      ]);
    });
    const withFlowtable = { ...table, flowtables: [{ kind: 'flowtable' as const, name: 'ft', hook: 'ingress', priority: { value: 0, text: 'filter' }, devices: ['eth0', 'eth1'] }] };
    const m = buildGraph(workspaceOf(parsedSource('s', 'nft', t.text, [withFlowtable])));
    expectConsistent(m);
    const fwd = chainId('s', 'inet', 'fw', 'fwd');
    expect(node(m, 'flowtable|s|inet|fw|ft')).toMatchObject({ kind: 'flowtable', devices: ['eth0', 'eth1'], detail: ['hook ingress priority filter (0)', 'devices eth0, eth1'] });
    expect(edgesFrom(m, fwd, 'flow').map((e) => e.target)).toEqual(['flowtable|s|inet|fw|ft']);
    expect(edgesFrom(m, fwd, 'update').map((e) => e.target)).toEqual([setId('s', 'inet', 'fw', 'seen')]);
  });

  it('points jumps to chains that do not exist at a "missing" node', () => {
    const t = new NftText();
    t.table('ip', 'x', (w) => w.chain('in', { hook: 'input', priority: 0 }, [['jump nowhere', [jump('nowhere')]], ['goto in2', [goTo('in2')]]]));
    const m = buildGraph(workspaceOf(parsedSource('s', 'nft', t.text, t.tables)));
    expectConsistent(m);
    expect(m.nodes.filter((n) => n.kind === 'missing').map((n) => n.label)).toEqual(['nowhere', 'in2']);
  });
});

describe('buildGraph: order on a hook', () => {
  function tables(): Workspace {
    const t = new NftText();
    t.table('inet', 'a', (w) => {
      w.chain('mangle', { type: 'route', hook: 'output', priority: -150, priorityText: 'mangle' }, []);
      w.chain('f1', { hook: 'output', priority: 0 }, []);
      w.chain('early-nat', { type: 'nat', hook: 'output', priority: -300 }, []);
    });
    t.table('ip', 'b', (w) => {
      w.chain('f2', { hook: 'output', priority: 0, policy: 'drop' }, [['drop', [drop]]]);
      w.chain('late', { hook: 'output', priority: 10 }, []);
    });
    t.table('ip6', 'c', (w) => w.chain('f6', { hook: 'output', priority: 0 }, []));
    return workspaceOf(parsedSource('s', 'nft', t.text, t.tables));
  }

  it('sorts base chains of all tables by priority, nat chains at the NAT core, and flags ties', () => {
    const m = buildGraph(tables());
    expectConsistent(m);
    const id = (table: string, name: string, family = table === 'a' ? 'inet' : table === 'c' ? 'ip6' : 'ip') => chainId('s', family as 'ip', table, name);
    // The nat chain written at -300 runs from the NAT core at -100, after mangle at -150.
    expect(hookSequence(m, 'hook|ip|output')).toEqual([id('a', 'mangle'), id('a', 'early-nat'), id('a', 'f1'), id('b', 'f2'), id('b', 'late')]);
    expect(hookSequence(m, 'hook|ip6|output')).toEqual([id('a', 'mangle'), id('a', 'early-nat'), id('a', 'f1'), id('c', 'f6')]);
    const tie = (table: string, name: string) => (node(m, id(table, name)) as ChainNode).base?.tie;
    expect([tie('a', 'f1'), tie('b', 'f2'), tie('c', 'f6'), tie('a', 'mangle'), tie('b', 'late')]).toEqual([true, true, true, false, false]);
    expect((node(m, id('a', 'early-nat')) as ChainNode).base).toMatchObject({ priority: -300, position: -100, viaNatCore: true });
  });

  it('uses one inet view when only inet tables exist', () => {
    const t = new NftText();
    t.table('inet', 'fw', (w) => w.chain('input', { hook: 'input', priority: 0 }, []));
    const m = buildGraph(workspaceOf(parsedSource('s', 'nft', t.text, t.tables)));
    expect(m.views).toEqual(['inet']);
    expect(m.nodes.filter((n) => n.kind === 'hook').map((n) => n.id)).toEqual(['hook|inet|input']);
  });
});

describe('buildGraph: iptables', () => {
  it('places iptables tables at their kernel priorities, legacy and nf_tables side by side', () => {
    const legacy = new IptablesText();
    legacy.table('raw', [{ name: 'PREROUTING', policy: 'ACCEPT' }, { name: 'OUTPUT', policy: 'ACCEPT' }], []);
    legacy.table('mangle', [{ name: 'PREROUTING', policy: 'ACCEPT' }, { name: 'INPUT', policy: 'ACCEPT' }], []);
    legacy.table('nat', [{ name: 'PREROUTING', policy: 'ACCEPT' }, { name: 'INPUT', policy: 'ACCEPT' }, { name: 'POSTROUTING', policy: 'ACCEPT' }], []);
    legacy.table('filter', [{ name: 'INPUT', policy: 'DROP' }, { name: 'FORWARD', policy: 'ACCEPT' }, { name: 'f2b-sshd' }], [['INPUT', '-p tcp --dport 22 -j f2b-sshd', [jump('f2b-sshd')]]]);
    const nft = new NftText();
    nft.table('inet', 'fw', (w) => w.chain('input', { hook: 'input', priority: 0 }, []));
    const m = buildGraph(workspaceOf(parsedSource('legacy', 'iptables', legacy.text, legacy.tables), parsedSource('nft', 'nft', nft.text, nft.tables)));
    expectConsistent(m);
    const L = (table: string, chain: string) => chainId('legacy', 'ip', table, chain);
    expect(hookSequence(m, 'hook|ip|prerouting')).toEqual([L('raw', 'PREROUTING'), L('mangle', 'PREROUTING'), L('nat', 'PREROUTING')]);
    expect(hookSequence(m, 'hook|ip|input')).toEqual([L('mangle', 'INPUT'), L('filter', 'INPUT'), chainId('nft', 'inet', 'fw', 'input'), L('nat', 'INPUT')]);
    const input = node(m, L('filter', 'INPUT')) as ChainNode;
    expect(input).toMatchObject({ kind: 'base-chain', origin: 'iptables-legacy' });
    expect(input.base).toMatchObject({ priority: 0, implied: true, backend: 'xtables', tie: true, type: 'filter' });
    expect((node(m, L('nat', 'INPUT')) as ChainNode).base).toMatchObject({ priority: 100, priorityLabel: 'srcnat (100)', type: 'nat' });
    expect(node(m, L('filter', 'f2b-sshd')).kind).toBe('chain');
    expect(edgesFrom(m, L('filter', 'INPUT'), 'jump').map((e) => [e.target, e.refs?.[0]?.ruleIndex])).toEqual([[L('filter', 'f2b-sshd'), 0]]);
  });

  it('links `-m set --match-set` to the ipset from an ipset source', () => {
    const ipsetText = 'create KUBE-CLUSTER-IP hash:ip,port family inet hashsize 1024 maxelem 65536\nadd KUBE-CLUSTER-IP 10.96.0.10,udp:53\nadd KUBE-CLUSTER-IP 10.96.0.1,tcp:443\n';
    const ipset = parseIpset(ipsetText);
    expect(ipset.diagnostics).toEqual([]);
    const filter = ipvsModeFilter();
    const m = buildGraph(workspaceOf(parsedSource('ipt', 'iptables', filter.text, [filter.table]), parsedSource('sets', 'ipset', ipsetText, ipset.ruleset.tables)));
    expectConsistent(m);
    const setNode = setId('sets', 'ip', 'ipset', 'KUBE-CLUSTER-IP');
    expect(node(m, setNode)).toMatchObject({ kind: 'set', keyType: 'hash:ip,port', elementCount: 2, origin: 'ipset' });
    expect(edgesFrom(m, chainId('ipt', 'ip', 'filter', 'KUBE-FORWARD'), 'lookup').map((e) => e.target)).toEqual([setNode]);
  });
  it('links parsed -m set matches (lookup) and -j SET targets (update) to their ipsets', () => {
    const ipsetText = 'create seen hash:ip family inet\ncreate gone hash:ip family inet\n';
    const iptText = '*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -m set ! --match-set seen src -j SET --add-set seen src --del-set gone src\nCOMMIT\n';
    const ipt = parseIptables(iptText);
    expect(ipt.diagnostics).toEqual([]);
    const m = buildGraph(workspaceOf(parsedSource('ipt', 'iptables', iptText, ipt.ruleset.tables), parsedSource('sets', 'ipset', ipsetText, parseIpset(ipsetText).ruleset.tables)));
    expectConsistent(m);
    const input = chainId('ipt', 'ip', 'filter', 'INPUT');
    expect(edgesFrom(m, input, 'lookup').map((e) => e.target)).toEqual([setId('sets', 'ip', 'ipset', 'seen')]);
    expect(edgesFrom(m, input, 'update').map((e) => e.target).sort()).toEqual([setId('sets', 'ip', 'ipset', 'gone'), setId('sets', 'ip', 'ipset', 'seen')].sort());
  });
});

describe('buildGraph: IPVS', () => {
  it('draws every virtual service of the corpus listings with its real servers and weight shares', () => {
    const files = corpusFiles('ipvs');
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      const parsed = parseIpvs(text);
      const m = buildGraph(workspaceOf(parsedSource('ipvs', 'ipvs', text, [], parsed.ruleset.ipvs)));
      expectConsistent(m);
      const services = m.nodes.filter((n) => n.kind === 'ipvs-service');
      expect(services).toHaveLength(parsed.ruleset.ipvs.length);
      for (const service of services) {
        const shares = edgesFrom(m, service.id, 'schedule').map((e) => e.share ?? 0);
        expect(shares.reduce((a, b) => a + b, 0)).toBeCloseTo(1);
        expect(m.edges.some((e) => e.kind === 'ipvs' && e.source === 'ipvs-hook|ip|input' && e.target === service.id)).toBe(true);
      }
    }
  });

  it('labels schedule edges with weight and share, and sits IPVS between filter and nat on input', () => {
    const text = 'IP Virtual Server version 1.2.1 (size=4096)\nProt LocalAddress:Port Scheduler Flags\n  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\nTCP  10.96.0.1:443 wrr\n  -> 172.18.0.2:6443             Masq    1      0          0\n  -> 172.18.0.3:6443             Masq    3      0          0\n';
    const ipt = kubeProxyIptablesNat(WELL_KNOWN_SERVICES.slice(0, 1), undefined, 'iptables-legacy');
    const filter = ipvsModeFilter();
    const m = buildGraph(workspaceOf(parsedSource('ipvs', 'ipvs', text, [], parseIpvs(text).ruleset.ipvs), parsedSource('ipt', 'iptables', ipt.text + filter.text, [ipt.table, filter.table])));
    const service = m.nodes.find((n) => n.kind === 'ipvs-service');
    expect(service).toMatchObject({ label: 'TCP 10.96.0.1:443', scheduler: 'wrr', realCount: 2 });
    expect(edgesFrom(m, service!.id, 'schedule').map((e) => e.label)).toEqual(['w 1 · 25%', 'w 3 · 75%']);
    expect(hookSequence(m, 'hook|ip|input')).toEqual([chainId('ipt', 'ip', 'filter', 'INPUT'), 'ipvs-hook|ip|input', chainId('ipt', 'ip', 'nat', 'INPUT')]);
  });
});

describe('buildGraph: scale', () => {
  const services = generatedServices(2000, 3);
  const kp = kubeProxyNft(services);
  const ipt = kubeProxyIptablesNat(services);
  // An IPVS listing of the same size, read by the real parser.
  const ipvsText = ['IP Virtual Server version 1.2.1 (size=4096)', 'Prot LocalAddress:Port Scheduler Flags', '  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn', ...services.flatMap((s) => [`${s.proto.toUpperCase()}  ${s.clusterIP}:${s.port} rr`, ...s.endpoints.map((e) => `  -> ${e.ip}:${e.port}          Masq    1      0          0`)])].join('\n') + '\n';
  const ws = workspaceOf(parsedSource('nft', 'nft', kp.text, [kp.table]), parsedSource('ipt', 'iptables', ipt.text, [ipt.table]), parsedSource('ipvs', 'ipvs', ipvsText, [], parseIpvs(ipvsText).ruleset.ipvs));
  const model = buildGraph(ws);
  const endpointCount = services.reduce((n, s) => n + s.endpoints.length, 0);

  it('stays small by default: per-service chains and services fold into aggregates', () => {
    expectConsistent(model);
    const chainCount = kp.table.chains.length + ipt.table.chains.length;
    expect(chainCount).toBeGreaterThan(16_000);
    expect(model.nodes.length).toBeLessThan(200);
    const aggregates = model.nodes.filter((n): n is AggregateNode => n.kind === 'aggregate');
    const labels = aggregates.map((a) => a.label);
    expect(labels).toContain(`endpoint-* (${endpointCount} chains)`);
    expect(labels).toContain(`KUBE-SEP-* (${endpointCount} chains)`);
    expect(aggregates.find((a) => a.of === 'ipvs-service')).toBeDefined();
    // The service map's branches all go to service-chain aggregates, counted.
    const svcIps = setId('nft', 'ip', 'kube-proxy', 'service-ips');
    const branches = edgesFrom(model, svcIps, 'vmap');
    expect(branches.every((e) => e.target.startsWith('agg|chain|'))).toBe(true);
    expect(branches.reduce((n, e) => n + (e.keyCount ?? 0), 0)).toBe(services.length);
    expect(branches.every((e) => (e.keys?.length ?? 0) <= 20)).toBe(true);
    // iptables: KUBE-SVC-* → KUBE-SEP-* as one counted edge.
    const sep = aggregates.find((a) => a.label.startsWith('KUBE-SEP-'))!;
    const intoSep = model.edges.filter((e) => e.target === sep.id && e.kind === 'jump');
    expect(intoSep.reduce((n, e) => n + e.count, 0)).toBe(endpointCount);
  });

  it('expands an aggregate on demand, level by level, within the expanded budget', () => {
    const endpoint = model.nodes.find((n): n is AggregateNode => n.kind === 'aggregate' && n.label.startsWith('endpoint-'))!;
    const expanded = buildGraph(ws, { expanded: [endpoint.id] });
    expectConsistent(expanded);
    expect(expanded.nodes.some((n) => n.id === endpoint.id)).toBe(false);
    const inner = expanded.nodes.filter((n): n is AggregateNode => n.kind === 'aggregate' && n.within === endpoint.id);
    expect(inner.length).toBeGreaterThan(1);
    expect(inner.length).toBeLessThanOrEqual(60);
    expect(inner.reduce((n, a) => n + a.count, 0)).toBe(endpointCount);
    expect(expanded.nodes.length).toBeLessThan(model.nodes.length + 60);
    // Expanding one of those shows chains.
    const deeper = buildGraph(ws, { expanded: [endpoint.id, inner[0]!.id] });
    expectConsistent(deeper);
    expect(deeper.nodes.filter((n) => n.kind === 'chain' && n.label.startsWith('endpoint-')).length).toBeGreaterThan(0);
  });

  it('folds the real servers of a service with many of them', () => {
    const text = ['IP Virtual Server version 1.2.1 (size=4096)', 'Prot LocalAddress:Port Scheduler Flags', '  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn', 'TCP  10.0.0.1:80 rr', ...Array.from({ length: 30 }, (_, i) => `  -> 10.1.0.${i + 1}:80          Masq    1      0          0`)].join('\n') + '\n';
    const w = workspaceOf(parsedSource('v', 'ipvs', text, [], parseIpvs(text).ruleset.ipvs));
    const folded = buildGraph(w);
    expect(folded.nodes.filter((n) => n.kind === 'ipvs-real')).toHaveLength(0);
    const agg = folded.nodes.find((n): n is AggregateNode => n.kind === 'aggregate' && n.of === 'ipvs-real')!;
    expect(agg.count).toBe(30);
    expect(buildGraph(w, { expanded: [agg.id] }).nodes.filter((n) => n.kind === 'ipvs-real')).toHaveLength(30);
  });
});
