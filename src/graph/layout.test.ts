import { describe, expect, it } from 'vitest';
import { parseIpvs } from '../parse/ipvs/index.ts';
import { buildGraph } from './buildGraph.ts';
import { GROUP_PADDING, layoutGraph, overlaps, relativePositions } from './layout.ts';
import { type MessageEndpoint, createLayoutClient, handleLayoutMessage } from './layoutProtocol.ts';
import { NftText, accept, parsedSource, workspaceOf } from './testing/irText.ts';
import { WELL_KNOWN_SERVICES, generatedServices, kubeProxyIptablesNat, kubeProxyNft } from './testing/kubeProxy.ts';
import type { Box, GraphModel, LayoutResult } from './types.ts';

function smallWorkspace() {
  const kp = kubeProxyNft(WELL_KNOWN_SERVICES);
  const ipt = kubeProxyIptablesNat(WELL_KNOWN_SERVICES.slice(0, 1), undefined, 'iptables-legacy');
  const ipvsText = 'IP Virtual Server version 1.2.1 (size=4096)\nProt LocalAddress:Port Scheduler Flags\n  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\nTCP  10.96.0.1:443 rr\n  -> 172.18.0.2:6443             Masq    1      0          0\n  -> 172.18.0.3:6443             Masq    1      0          0\n';
  return workspaceOf(parsedSource('nft', 'nft', kp.text, [kp.table]), parsedSource('ipt', 'iptables', ipt.text, [ipt.table]), parsedSource('ipvs', 'ipvs', ipvsText, [], parseIpvs(ipvsText).ruleset.ipvs));
}

function inside(inner: Box, outer: Box): boolean {
  return inner.x >= outer.x && inner.y >= outer.y && inner.x + inner.width <= outer.x + outer.width && inner.y + inner.height <= outer.y + outer.height;
}

/** Finite boxes for everything; siblings apart; children inside their parents. */
function expectSound(model: GraphModel, layout: LayoutResult): void {
  const all = [...model.nodes.map((n) => ({ id: n.id, parent: n.parentId })), ...model.groups.map((g) => ({ id: g.id, parent: g.parentId }))];
  for (const { id, parent } of all) {
    const box = layout.positions[id];
    expect(box, id).toBeDefined();
    for (const v of [box!.x, box!.y, box!.width, box!.height]) expect(Number.isFinite(v), id).toBe(true);
    expect(box!.width).toBeGreaterThan(0);
    expect(box!.height).toBeGreaterThan(0);
    if (parent !== undefined) expect(inside(box!, layout.positions[parent]!), `${id} inside ${parent}`).toBe(true);
  }
  const byParent = new Map<string | undefined, string[]>();
  for (const { id, parent } of all) byParent.set(parent, [...(byParent.get(parent) ?? []), id]);
  for (const siblings of byParent.values()) {
    for (let i = 0; i < siblings.length; i++) {
      for (let j = i + 1; j < siblings.length; j++) {
        const a = siblings[i] as string;
        const b = siblings[j] as string;
        expect(overlaps(layout.positions[a]!, layout.positions[b]!), `${a} overlaps ${b}`).toBe(false);
      }
    }
  }
}

describe('layoutGraph', () => {
  it('fits each group snugly around what it holds (no empty band below the last member)', async () => {
    const model = buildGraph(smallWorkspace());
    const layout = await layoutGraph(model);
    const members = [...model.nodes, ...model.groups];
    for (const group of model.groups) {
      const box = layout.positions[group.id]!;
      const bottom = Math.max(...members.filter((m) => m.parentId === group.id).map((m) => layout.positions[m.id]!.y + layout.positions[m.id]!.height));
      expect(box.y + box.height - bottom, group.id).toBeLessThanOrEqual(GROUP_PADDING);
    }
  });

  it('gives finite, non-overlapping boxes, hooks in packet order and base chains in the first layer', async () => {
    const model = buildGraph(smallWorkspace());
    const layout = await layoutGraph(model);
    expectSound(model, layout);
    const hooks = model.nodes.filter((n) => n.kind === 'hook').sort((a, b) => (a.kind === 'hook' && b.kind === 'hook' ? a.order - b.order : 0));
    const ys = hooks.map((h) => layout.positions[h.id]!.y);
    expect(ys).toEqual([...ys].sort((a, b) => a - b));
    // Within a table, base chains are in the first layer, top to bottom in hook and priority order.
    const table = model.groups.find((g) => g.kind === 'table' && g.table === 'kube-proxy')!;
    const members = model.nodes.filter((n) => n.parentId === table.id);
    const bases = members.filter((m) => m.kind === 'base-chain');
    const others = members.filter((m) => m.kind !== 'base-chain');
    const firstLayerEnd = Math.max(...bases.map((n) => layout.positions[n.id]!.x + layout.positions[n.id]!.width));
    expect(firstLayerEnd).toBeLessThanOrEqual(Math.min(...others.map((n) => layout.positions[n.id]!.x)));
    const top = (label: string) => layout.positions[bases.find((b) => b.label === label)!.id]!.y;
    const order = ['filter-prerouting', 'nat-prerouting', 'filter-input', 'filter-output', 'nat-output', 'filter-output-post-dnat', 'nat-postrouting'];
    expect([...order].sort((a, b) => top(a) - top(b))).toEqual(order);
    // Edge routes inside a table start and end on their nodes' borders.
    const route = layout.edgeRoutes?.[model.edges.find((e) => e.kind === 'jump' && e.source.endsWith('|nat-prerouting'))!.id];
    expect(route?.length).toBeGreaterThanOrEqual(2);
    // React Flow wants positions relative to the parent.
    const rel = relativePositions(model, layout);
    const first = members[0]!;
    expect(rel[first.id]!.x).toBe(layout.positions[first.id]!.x - layout.positions[table.id]!.x);
  });

  it('keeps unrelated groups in place when an aggregate is expanded', async () => {
    const services = generatedServices(300, 2);
    const kp = kubeProxyNft(services);
    const fw = new NftText();
    fw.table('inet', 'fw', (t) => t.chain('input', { hook: 'input', priority: 0, policy: 'drop' }, [['accept', [accept]]]));
    const ipt = kubeProxyIptablesNat(services.slice(0, 2), undefined, 'iptables-legacy');
    const ws = workspaceOf(parsedSource('fw', 'nft', fw.text, fw.tables), parsedSource('kp', 'nft', kp.text, [kp.table]), parsedSource('ipt', 'iptables', ipt.text, [ipt.table]));
    const before = buildGraph(ws);
    const first = await layoutGraph(before);
    expectSound(before, first);
    const aggregate = before.nodes.find((n) => n.kind === 'aggregate' && n.label.startsWith('service-'))!;
    const after = buildGraph(ws, { expanded: [aggregate.id] });
    const second = await layoutGraph(after, { previous: first });
    expectSound(after, second);

    const grown = 'source|kp';
    expect(second.positions[grown]!.height * second.positions[grown]!.width).toBeGreaterThan(first.positions[grown]!.height * first.positions[grown]!.width);
    const tops = after.groups.filter((g) => g.parentId === undefined && g.id !== grown).map((g) => g.id);
    let unmoved = 0;
    for (const id of [...tops, ...after.nodes.filter((n) => n.kind === 'hook').map((n) => n.id)]) {
      const a = first.positions[id]!;
      const b = second.positions[id]!;
      // Only what the grown group now reaches may move.
      if (overlaps({ ...a }, second.positions[grown]!)) continue;
      expect(b, id).toEqual(a);
      unmoved++;
    }
    expect(unmoved).toBeGreaterThan(2);
    // Without a previous layout the same model is laid out from scratch, also soundly.
    expectSound(after, await layoutGraph(after));
  });
});

describe('layout worker protocol', () => {
  /** A worker stand-in: runs the worker's handler and replies asynchronously, the slow request last. */
  function fakeWorker(): MessageEndpoint & { posted: unknown[] } {
    const listeners = new Set<(event: { data: unknown }) => void>();
    const posted: unknown[] = [];
    return {
      posted,
      postMessage(message) {
        posted.push(message);
        const delay = posted.length === 1 ? 30 : 0;
        setTimeout(() => {
          void handleLayoutMessage(message).then((reply) => {
            if (reply) for (const l of listeners) l({ data: reply });
          });
        }, delay);
      },
      addEventListener(_type, listener) {
        listeners.add(listener);
      },
      removeEventListener(_type, listener) {
        listeners.delete(listener);
      },
    };
  }

  it('matches replies to requests by id, whatever order they come back in', async () => {
    const worker = fakeWorker();
    const client = createLayoutClient(worker);
    const big = buildGraph(smallWorkspace());
    const t = new NftText();
    t.table('ip', 'one', (w) => w.chain('input', { hook: 'input', priority: 0 }, []));
    const small = buildGraph(workspaceOf(parsedSource('s', 'nft', t.text, t.tables)));
    const [a, b] = await Promise.all([client.layout(big), client.layout(small)]);
    expect(Object.keys(a.positions)).toContain(big.nodes[0]!.id);
    expect(Object.keys(b.positions).sort()).toEqual([...small.nodes.map((n) => n.id), ...small.groups.map((g) => g.id)].sort());
    expect(worker.posted.map((m) => (m as { id: number }).id)).toEqual([1, 2]);
    client.dispose();
  });

  it('answers only layout requests, and reports failures as errors', async () => {
    expect(await handleLayoutMessage({ cmd: 'layout' })).toBeUndefined();
    const reply = await handleLayoutMessage({ type: 'layout', id: 7, model: { nodes: null } });
    expect(reply).toMatchObject({ type: 'layout-error', id: 7 });
    const worker = fakeWorker();
    const client = createLayoutClient(worker);
    await expect(client.layout({ nodes: null } as unknown as GraphModel)).rejects.toThrow();
    const pending = client.layout(buildGraph(smallWorkspace()));
    client.dispose();
    await expect(pending).rejects.toThrow('disposed');
  });
});
