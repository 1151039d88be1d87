import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { evaluate, evaluateBranches, parsePacket, type Fate } from '../../eval/index.ts';
import { parseWorkspace } from '../../parse/index.ts';
import { branchRows, decidingStepIndex, fateView, leafMass, outcomeText, packetDiff, percent, stepPlace, unknownStepIndices, whereText } from './traceView.ts';

const TEXT = readFileSync(fileURLToPath(new URL('../../../test/fixtures/kubeProxySmall.nft', import.meta.url)), 'utf8');
const kube = parseWorkspace([{ id: 's', name: 'x', format: 'nft', text: TEXT }]);
// A kube-proxy node forwards (net.ipv4.ip_forward=1); the evaluator's default is the kernel's (off).
const NODE = { forwarding: true } as const;
const trace = (p: string) => evaluate(kube, parsePacket(p).packet, NODE);

describe('trace view model', () => {
  it('words the fate: what happened, where, why', () => {
    const dropped: Fate = { verdict: 'drop', where: 'input/ip filter/INPUT', reason: 'policy drop of ip filter/INPUT', kind: 'dropped' };
    expect(fateView(dropped)).toEqual({ tone: 'drop', title: 'Dropped', where: 'at input, ip filter INPUT', reason: 'policy drop of ip filter/INPUT' });
    expect(fateView({ verdict: 'drop', where: 'routing', reason: 'no route', kind: 'no-route' })).toMatchObject({ title: 'No route', where: 'at the routing decision' });
    expect(fateView({ verdict: 'accept', where: 'postrouting', reason: 'forwarded via eth1 to 10.0.0.1', kind: 'forwarded' }).title).toBe('Forwarded via eth1');
    expect(fateView({ verdict: 'none', where: 'input', reason: 'queued', kind: 'queued' }).tone).toBe('unknown');
    expect(whereText('')).toBe('');
    const rejected = fateView(trace('iifname cni0 ip saddr 10.244.0.5 ip daddr 10.96.77.3 tcp dport 5432 ct state new').fate);
    expect(rejected).toMatchObject({ tone: 'drop', title: 'Rejected', where: 'at input, ip kube-proxy reject-chain' });
  });

  it('shows packet rewrites as before/after rows and finds the deciding step', () => {
    const t = trace('iifname cni0 ip saddr 10.244.0.5 ip daddr 10.96.0.10 udp dport 53 ct state new');
    const dnat = t.steps.find((s) => s.packetAfter?.['ip daddr'])!;
    expect(packetDiff(dnat)).toContainEqual({ field: 'ip daddr', before: '10.96.0.10', after: '10.244.0.2' });
    expect(packetDiff(t.steps[0]!)).toEqual([]);
    const rejected = trace('iifname cni0 ip saddr 10.244.0.5 ip daddr 10.96.77.3 tcp dport 5432 ct state new');
    const decided = rejected.steps[decidingStepIndex(rejected)]!;
    expect(decided).toMatchObject({ kind: 'rule', chain: 'reject-chain' });
    expect(stepPlace(decided)).toBe('ip kube-proxy reject-chain #1');
    expect(outcomeText(decided)).toBe('match');
  });

  it('flags the steps whose match is undecidable', () => {
    // No daddr: matches on it cannot be decided.
    const t = trace('iifname cni0 ip saddr 10.244.0.5 udp dport 53 ct state new');
    const unknown = unknownStepIndices(t);
    expect(unknown.length).toBeGreaterThan(0);
    const first = t.steps[unknown[0]!]!;
    expect(outcomeText(first)).toMatch(/^unknown — assumed (no )?match$/);
    expect(unknownStepIndices(trace('iifname cni0 ip saddr 10.244.0.5 ip daddr 10.96.0.10 udp dport 53 ct state new'))).toEqual([]);
  });

  it('lists the branch tree with shares that sum to 100 % at each fork', () => {
    const tree = evaluateBranches(kube, parsePacket('iifname eth0 ip saddr 203.0.113.5 ip daddr 192.168.49.2 tcp dport 30080 ct state new').packet, NODE);
    const rows = branchRows(tree);
    const forks = rows.filter((r) => r.kind === 'fork');
    expect(forks).toHaveLength(1);
    const alternatives = rows.filter((r) => r.kind === 'alternative');
    expect(alternatives.map((r) => r.label)).toEqual(['0', '1', '2']);
    expect(alternatives.reduce((n, r) => n + (r.share ?? 0), 0)).toBeCloseTo(1, 12);
    const leaves = rows.filter((r) => r.kind === 'leaf');
    expect(leaves.map((r) => r.leaf)).toEqual([0, 1, 2]);
    expect(leaves.every((r) => r.fate?.kind === 'forwarded')).toBe(true);
    expect(leafMass(tree)).toBeCloseTo(1, 12);
    expect(percent(1 / 3)).toBe('33.33 %');
  });
});
