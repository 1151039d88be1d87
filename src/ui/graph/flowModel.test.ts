import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { buildGraph, layoutGraph } from '../../graph/index.ts';
import { parseWorkspace } from '../../parse/index.ts';
import { EDGE_KINDS, edgeLabel, flowTypeOf, toFlowEdges, toFlowNodes } from './flowModel.ts';

const TEXT = readFileSync(fileURLToPath(new URL('../../../test/fixtures/kubeProxySmall.nft', import.meta.url)), 'utf8');
const workspace = parseWorkspace([{ id: 's', name: 'x', format: 'nft', text: TEXT }]);
const model = buildGraph(workspace);

describe('graph model → React Flow', async () => {
  const layout = await layoutGraph(model);

  it('gives every node and group a node, parents before children, at parent-relative positions', () => {
    const nodes = toFlowNodes(model, layout);
    expect(nodes.length).toBe(model.nodes.length + model.groups.length);
    const index = new Map(nodes.map((n, i) => [n.id, i]));
    for (const n of nodes) {
      if (n.parentId === undefined) continue;
      expect(index.get(n.parentId)! < index.get(n.id)!, `${n.parentId} before ${n.id}`).toBe(true);
      const parent = layout.positions[n.parentId]!;
      const own = layout.positions[n.id]!;
      expect(n.position).toEqual({ x: own.x - parent.x, y: own.y - parent.y });
      expect([n.width, n.height]).toEqual([own.width, own.height]);
    }
    const services = nodes.find((n) => n.type === 'nfChain' && 'node' in n.data && n.data.node.label === 'services')!;
    expect(services.ariaLabel).toBe('chain services, 2 rules');
  });

  it('marks the selection and the trace path, and leaves out what is not laid out', () => {
    const services = model.nodes.find((n) => n.label === 'services')!;
    const jump = model.edges.find((e) => e.kind === 'jump' && e.target === services.id)!;
    const partial = { positions: Object.fromEntries(Object.entries(layout.positions).filter(([id]) => id !== services.id)) };
    const nodes = toFlowNodes(model, layout, { selectedId: services.id, pathNodes: new Set([services.id]), currentId: services.id });
    const node = nodes.find((n) => n.id === services.id)!;
    expect(node.selected).toBe(true);
    expect(node.className).toContain('on-path');
    expect(node.className).toContain('current');
    expect(toFlowNodes(model, partial).some((n) => n.id === services.id)).toBe(false);

    const edges = toFlowEdges(model, layout, { pathEdges: new Set([jump.id]) });
    expect(edges.find((e) => e.id === jump.id)?.className).toContain('lit');
    expect(edges.find((e) => e.id === jump.id)?.zIndex).toBeGreaterThan(edges.find((e) => e.id !== jump.id)!.zIndex!);
    expect(toFlowEdges(model, partial).some((e) => e.source === services.id || e.target === services.id)).toBe(false);
  });

  it('labels verdict-map edges with their keys and IPVS edges with shares; every edge kind has a legend entry', () => {
    const vmap = model.edges.find((e) => e.kind === 'vmap' && e.keys?.[0] === '10.96.0.10 . udp . 53')!;
    expect(edgeLabel(vmap)).toBe('10.96.0.10 . udp . 53');
    expect(edgeLabel({ ...vmap, keys: ['a', 'b'], keyCount: 5 })).toBe('a +4');
    expect(edgeLabel({ id: 'x', kind: 'schedule', source: 'a', target: 'b', count: 1, share: 1 / 3 })).toBe('33.3 %');
    const kinds = new Set(model.edges.map((e) => e.kind));
    for (const k of kinds) expect(EDGE_KINDS.some((d) => d.kind === k)).toBe(true);
    for (const n of model.nodes) expect(flowTypeOf(n)).toMatch(/^nf/);
  });
});
