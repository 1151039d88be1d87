import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { evaluate, evaluateBranches, parsePacket } from '../../eval/index.ts';
import { buildGraph, buildPipeline, pipelineRouteOf } from '../../graph/index.ts';
import { parseWorkspace } from '../../parse/index.ts';
import type { SourceFormat } from '../../model/ir.ts';
import { baseChainsOf, chainOfStep, graphPathOf, routeStepAt, routeStepsOf, stepLocation } from './traceRoute.ts';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));
const read = (p: string) => readFileSync(here(`../../examples/${p}`), 'utf8');
const ws = (files: [string, SourceFormat][]) => parseWorkspace(files.map(([f, format], i) => ({ id: `s${i}`, name: f, format, text: read(f) })));

// A small kube-proxy nft ruleset (test/fixtures): one Service without endpoints, numgen over 2 and 3 endpoints.
const kube = parseWorkspace([{ id: 's0', name: 'kubeProxy.nft', format: 'nft', text: readFileSync(here('../../../test/fixtures/kubeProxySmall.nft'), 'utf8') }]);
// A kube-proxy node forwards (net.ipv4.ip_forward=1); the evaluator's default is the kernel's (off).
const NODE = { forwarding: true } as const;
const DNS = parsePacket('iifname cni0 ip saddr 10.244.0.5 ip daddr 10.96.0.10 udp dport 53 ct state new').packet;

describe('trace → graph path', () => {
  const model = buildGraph(kube);
  const trace = evaluate(kube, DNS, NODE);
  const path = graphPathOf(trace, model, kube);
  const label = (id: string | undefined) => model.nodes.find((n) => n.id === id)?.label;

  it('maps every chain step to its chain’s node and hook steps to hook nodes', () => {
    expect(path.stepNodes).toHaveLength(trace.steps.length);
    trace.steps.forEach((s, i) => {
      if (s.chain) expect(label(path.stepNodes[i]), `step ${i}`).toBe(s.chain);
      if (s.kind === 'hook') expect(path.stepNodes[i]).toBe(`hook|ip|${s.hook}`);
    });
  });

  it('lights the edges the packet took: hook entry, fall-through, jumps, the named vmap branch, numgen branch', () => {
    const lit = [...path.edgeIds].map((id) => {
      const e = model.edges.find((x) => x.id === id)!;
      return `${e.kind} ${label(e.source) ?? e.source} → ${label(e.target) ?? e.target}`;
    });
    expect(lit).toEqual(
      expect.arrayContaining([
        'hook ip prerouting → filter-prerouting',
        'jump filter-prerouting → firewall-check',
        'next filter-prerouting → nat-prerouting',
        'jump nat-prerouting → services',
        'lookup services → vmap service-ips',
        'vmap vmap service-ips → service-FY5PMXPG-kube-system/kube-dns/udp/dns',
        'vmap service-FY5PMXPG-kube-system/kube-dns/udp/dns → endpoint-4W3CRFMH-kube-system/kube-dns/udp/dns__10.244.0.2/53',
        'hook ip forward → filter-forward',
        'hook ip postrouting → nat-postrouting',
        'jump nat-postrouting → masquerading',
      ]),
    );
    // Not taken: the other endpoint, and the chains of hooks the packet never reached.
    expect(lit.some((l) => l.includes('10.244.0.3'))).toBe(false);
    expect(lit.some((l) => l.includes('filter-input') || l.includes('nat-output'))).toBe(false);
  });

  it('the other branch of the tree lights the other endpoint', () => {
    const tree = evaluateBranches(kube, DNS, NODE);
    const other = graphPathOf(tree.leaves[1]!, model, kube);
    const targets = [...other.edgeIds].map((id) => label(model.edges.find((e) => e.id === id)!.target));
    expect(targets).toContain('endpoint-RPNPZ4LW-kube-system/kube-dns/udp/dns__10.244.0.3/53');
    expect(targets).not.toContain('endpoint-4W3CRFMH-kube-system/kube-dns/udp/dns__10.244.0.2/53');
  });

  it('maps to an aggregate when the chain is folded into one', () => {
    const small = buildGraph(kube, { maxTableNodes: 4, maxExpandedNodes: 4 });
    const folded = graphPathOf(trace, small, kube);
    const ruleInEndpoint = trace.steps.findIndex((s) => s.chain?.startsWith('endpoint-4W3CRFMH'));
    const node = small.nodes.find((n) => n.id === folded.stepNodes[ruleInEndpoint]);
    expect(node?.kind).toBe('aggregate');
  });

  it('tells an iptables-legacy table from an nft table of the same name by origin', () => {
    const mixed = ws([
      ['legacy-and-nft/nft-list-ruleset.nft', 'nft'],
      ['legacy-and-nft/iptables-legacy-save.txt', 'iptables'],
    ]);
    const t = evaluate(mixed, parsePacket('iifname eth0 ip saddr 198.51.100.40 ip daddr 192.0.2.20 tcp dport 22 ct state new').packet);
    const legacyPolicy = t.steps.find((s) => s.origin === 'iptables-legacy' && s.kind === 'chain')!;
    expect(chainOfStep(legacyPolicy, mixed)?.source.source.id).toBe('s1');
    const m = buildGraph(mixed);
    const p = graphPathOf(t, m, mixed);
    expect([...p.nodeIds].some((id) => id.startsWith('chain|s1|ip|filter|INPUT'))).toBe(true);
    expect([...p.nodeIds].some((id) => id.startsWith('chain|s0|inet|filter|input'))).toBe(true);
  });

  it('follows IPVS: the IPVS hook, the service and the chosen real server', () => {
    const ipvs = ws([
      ['kube-proxy-ipvs/ipvsadm-Ln.txt', 'ipvs'],
      ['kube-proxy-ipvs/ipset-save.txt', 'ipset'],
      ['kube-proxy-ipvs/iptables-save.txt', 'iptables'],
    ]);
    const m = buildGraph(ipvs);
    const t = evaluate(ipvs, DNS);
    const p = graphPathOf(t, m, ipvs);
    const kinds = [...p.nodeIds].map((id) => m.nodes.find((n) => n.id === id)?.kind);
    expect(kinds).toEqual(expect.arrayContaining(['ipvs-hook', 'ipvs-service']));
    const scheduled = [...p.edgeIds].map((id) => m.edges.find((e) => e.id === id)!).filter((e) => e.kind === 'ipvs' || e.kind === 'schedule');
    expect(scheduled.length).toBeGreaterThan(0);
    // On the pipeline, IPVS lights its scheduling entry on input (99), not the reply handler (98).
    const pipeline = buildPipeline(ipvs, 'ip');
    const route = pipelineRouteOf(pipeline, routeStepsOf(t).steps);
    const entries = pipeline.stages.flatMap((s) => s.entries);
    const ipvsEntries = route.entryIds.map((id) => entries.find((e) => e.id === id)!).filter((e) => e.kind === 'ipvs');
    expect(ipvsEntries.map((e) => [e.label, e.priority])).toEqual([['IPVS schedule', 99]]);
    expect(route.stageIds).toEqual(['prerouting', 'route-in', 'input', 'output', 'postrouting']);
  });
});

describe('trace → editor and pipeline', () => {
  const trace = evaluate(kube, DNS, NODE);

  it('every rule step is shown at its own text; chain and policy steps at their chain', () => {
    const text = kube.sources[0]!.source.text;
    trace.steps.forEach((s) => {
      const at = stepLocation(s, kube);
      if (s.kind === 'rule') expect(text.slice(at!.range.start, at!.range.end)).toBe(s.text);
      if (s.kind === 'chain' || s.kind === 'policy') expect(text.slice(at!.range.start, at!.range.end)).toContain(s.chain!);
      if (s.kind === 'hook' || s.kind === 'routing') expect(at).toBeUndefined();
    });
  });

  it('rules of jumped-to chains run under the base chain that called them', () => {
    const bases = baseChainsOf(trace.steps);
    const i = trace.steps.findIndex((s) => s.chain === 'services');
    expect(bases[i]?.chain).toBe('nat-prerouting');
    expect(bases[trace.steps.findIndex((s) => s.kind === 'hook')]).toBeUndefined();
  });

  it('route steps light the base chains, conntrack and the NAT core on the pipeline, in order', () => {
    const pipeline = buildPipeline(kube, 'ip');
    const { steps } = routeStepsOf(trace);
    const route = pipelineRouteOf(pipeline, steps);
    expect(route.unmatched).toEqual([]);
    expect(route.stageIds).toEqual(['prerouting', 'route-in', 'forward', 'postrouting']);
    const entries = route.entryIds.map((id) => pipeline.stages.flatMap((s) => s.entries).find((e) => e.id === id)!);
    expect(entries.map((e) => e.kind === 'chain' ? e.chain : e.kind)).toEqual(['conntrack', 'filter-prerouting', 'nat-core', 'nat-prerouting', 'filter-forward', 'nat-core', 'nat-postrouting']);
    expect(entries[0]!.priority).toBe(-200);
  });

  it('each step knows which route step it is in', () => {
    const at = routeStepAt(trace);
    const { steps } = routeStepsOf(trace);
    const ruleInServices = trace.steps.findIndex((s) => s.chain === 'services');
    expect(steps[at[ruleInServices]!]).toMatchObject({ hook: 'prerouting', chain: 'nat-prerouting' });
    expect(at[trace.steps.findIndex((s) => s.kind === 'routing')]).toBeUndefined();
  });
});
