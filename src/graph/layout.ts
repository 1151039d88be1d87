// Layout of the graph model: absolute boxes for every node and group, left to right. Pure and async
// (elkjs, loaded lazily), the same in Node (tests) and in a Web Worker (layoutWorker.ts). Imports graph
// types, node sizes and elkjs; never React or the DOM.
//
// Two phases, for stability:
// 1. Each table (and IPVS group) is laid out on its own by ELK's layered algorithm, left to right: base
//    chains in the first layer, top to bottom in hook and priority order, then what they jump to. Nodes are given in the
//    model's order (considerModelOrder), which keeps unchanged nodes in the same order when an aggregate
//    is expanded: its members take its place in the model's node order.
// 2. Groups are packed: the hook column on the left, then sources, each holding its tables. Without a
//    previous layout this is a shelf packing in model order. With `options.previous`, every group that is
//    still there keeps its previous place; groups whose size changed are settled first, and a group is
//    moved (right or down, whichever is shorter) only when a changed group now overlaps it. So expanding
//    an aggregate moves nothing above or left of the table it is in, and other groups only when it grows
//    into them.
import type { Box, GraphEdge, GraphGroup, GraphModel, GraphNode, LayoutOptions, LayoutResult, Point } from './types.ts';
import { estimateNodeSize } from './nodeSize.ts';

/** Room for a group's title bar, and padding inside groups. */
export const GROUP_HEADER = 32;
export const GROUP_PADDING = 16;
const DEFAULT_SPACING = 40;
const HOOK_GAP = 10;

interface ElkNodeIn {
  id: string;
  width: number;
  height: number;
  layoutOptions?: Record<string, string>;
}

interface ElkEdgeIn {
  id: string;
  sources: string[];
  targets: string[];
}

interface ElkGraphIn {
  id: string;
  layoutOptions: Record<string, string>;
  children: ElkNodeIn[];
  edges: ElkEdgeIn[];
}

interface ElkGraphOut {
  width?: number;
  height?: number;
  children?: { id: string; x?: number; y?: number; width?: number; height?: number }[];
  edges?: { id: string; sections?: { startPoint: Point; endPoint: Point; bendPoints?: Point[] }[] }[];
}

interface ElkEngine {
  layout(graph: ElkGraphIn): Promise<ElkGraphOut>;
}

let engine: Promise<ElkEngine> | undefined;

/** ELK, loaded on first use (~1.5 MB of JavaScript: keep it out of the page's first chunk). */
function elk(): Promise<ElkEngine> {
  engine ??= import('elkjs/lib/elk.bundled.js').then((m) => {
    const Elk = m.default as unknown as new () => ElkEngine;
    return new Elk();
  });
  return engine;
}

export const ELK_OPTIONS: Readonly<Record<string, string>> = {
  'elk.algorithm': 'layered',
  'elk.direction': 'RIGHT',
  'elk.edgeRouting': 'ORTHOGONAL',
  'elk.spacing.nodeNode': '18',
  'elk.layered.spacing.nodeNodeBetweenLayers': '56',
  'elk.layered.spacing.edgeNodeBetweenLayers': '16',
  'elk.layered.considerModelOrder.strategy': 'NODES_AND_EDGES',
  // Base chains carry a position (their hook and priority order): keep that order in the first layer.
  'elk.layered.crossingMinimization.semiInteractive': 'true',
  'elk.layered.nodePlacement.strategy': 'BRANDES_KOEPF',
  'elk.randomSeed': '1',
  // One layering for the whole table, so that every base chain is in the first layer (components would
  // otherwise be laid out apart, each with its own first layer).
  'elk.separateConnectedComponents': 'false',
  'elk.padding': '[top=0,left=0,bottom=0,right=0]',
};

/** Edges that only order things along a hook: drawn, but not used to lay out a table. */
function isHookOrderEdge(edge: GraphEdge): boolean {
  return edge.kind === 'hook' || edge.kind === 'next';
}

interface Container {
  id: string;
  /** Position relative to the parent's content origin, and size (header and padding included). */
  x: number;
  y: number;
  width: number;
  height: number;
  /** Child boxes relative to this container's origin (nodes of a leaf group; containers otherwise). */
  children: Container[];
  nodes: Map<string, Box>;
  routes: Map<string, Point[]>;
}

export async function layoutGraph(model: GraphModel, options: LayoutOptions = {}): Promise<LayoutResult> {
  const spacing = options.spacing ?? DEFAULT_SPACING;
  const previous = options.previous?.positions;
  const byParent = new Map<string | undefined, GraphNode[]>();
  for (const node of model.nodes) {
    const key = node.parentId;
    const list = byParent.get(key);
    if (list) list.push(node);
    else byParent.set(key, [node]);
  }
  const groupsByParent = new Map<string | undefined, GraphGroup[]>();
  for (const group of model.groups) {
    const list = groupsByParent.get(group.parentId);
    if (list) list.push(group);
    else groupsByParent.set(group.parentId, [group]);
  }
  const edgesOf = new Map<string, GraphEdge[]>();
  const parentOf = new Map(model.nodes.map((n) => [n.id, n.parentId]));
  for (const edge of model.edges) {
    const p = parentOf.get(edge.source);
    if (p === undefined || p !== parentOf.get(edge.target) || isHookOrderEdge(edge)) continue;
    const list = edgesOf.get(p);
    if (list) list.push(edge);
    else edgesOf.set(p, [edge]);
  }

  const buildContainer = async (group: GraphGroup): Promise<Container> => {
    const subgroups = groupsByParent.get(group.id) ?? [];
    const nodes = byParent.get(group.id) ?? [];
    const inner = nodes.length > 0 ? await layoutLeaf(group.id, nodes, edgesOf.get(group.id) ?? []) : { width: 0, height: 0, nodes: new Map<string, Box>(), routes: new Map<string, Point[]>() };
    const children = await Promise.all(subgroups.map(buildContainer));
    // Nodes (if any) first, then subgroups below them.
    const nodeBlock: Box = { x: 0, y: 0, width: inner.width, height: inner.height };
    const placed = pack(children, previous, group.id, spacing, nodes.length > 0 ? [nodeBlock] : []);
    const width = Math.max(inner.width, placed.width, 160) + 2 * GROUP_PADDING;
    // `placed` already covers the node block (pack counts the fixed boxes and puts subgroups below them).
    const height = Math.max(inner.height, placed.height, 40) + GROUP_HEADER + GROUP_PADDING;
    return { id: group.id, x: 0, y: 0, width, height, children, nodes: inner.nodes, routes: inner.routes };
  };

  const tops = await Promise.all((groupsByParent.get(undefined) ?? []).map(buildContainer));
  const hookColumn = layoutHookColumn(byParent.get(undefined) ?? []);
  const fixed: Box[] = hookColumn.width > 0 ? [{ x: 0, y: 0, width: hookColumn.width, height: hookColumn.height }] : [];
  pack(tops, previous, undefined, spacing, fixed, hookColumn.width > 0 ? hookColumn.width + spacing * 2 : 0);

  const positions: Record<string, Box> = {};
  const edgeRoutes: Record<string, Point[]> = {};
  for (const [id, box] of hookColumn.nodes) positions[id] = box;
  const emit = (c: Container, ox: number, oy: number): void => {
    const ax = ox + c.x;
    const ay = oy + c.y;
    positions[c.id] = { x: ax, y: ay, width: c.width, height: c.height };
    const cx = ax + GROUP_PADDING;
    const cy = ay + GROUP_HEADER;
    for (const [id, box] of c.nodes) positions[id] = { ...box, x: cx + box.x, y: cy + box.y };
    for (const [id, points] of c.routes) edgeRoutes[id] = points.map((p) => ({ x: cx + p.x, y: cy + p.y }));
    for (const child of c.children) emit(child, cx, cy);
  };
  for (const top of tops) emit(top, 0, 0);
  return { positions, edgeRoutes };
}

/** Hooks (and IPVS hook functions) in a column, in packet-path order. */
function layoutHookColumn(nodes: readonly GraphNode[]): { width: number; height: number; nodes: Map<string, Box> } {
  const order = (n: GraphNode): number => (n.kind === 'hook' ? n.order : 0);
  const hooks = nodes.filter((n) => n.kind === 'hook').sort((a, b) => order(a) - order(b));
  const others = nodes.filter((n) => n.kind !== 'hook');
  const column: GraphNode[] = [];
  for (const hook of hooks) {
    column.push(hook);
    // An IPVS hook function right under its hook.
    for (const o of others) if (o.kind === 'ipvs-hook' && hook.kind === 'hook' && o.view === hook.view && o.hook === hook.hook) column.push(o);
  }
  for (const o of others) if (!column.includes(o)) column.push(o);
  const sizes = column.map(estimateNodeSize);
  const width = Math.max(0, ...sizes.map((s) => s.width));
  const out = new Map<string, Box>();
  let y = 0;
  column.forEach((node, i) => {
    const s = sizes[i] as { width: number; height: number };
    out.set(node.id, { x: node.kind === 'ipvs-hook' ? 16 : 0, y, width: s.width, height: s.height });
    y += s.height + HOOK_GAP;
  });
  return { width: width + 16, height: Math.max(0, y - HOOK_GAP), nodes: out };
}

/** One table's nodes by ELK layered, left to right; base chains first, top to bottom in hook and priority
 *  order (semi-interactive crossing minimisation keeps the order their positions give). */
async function layoutLeaf(groupId: string, nodes: readonly GraphNode[], edges: readonly GraphEdge[]): Promise<{ width: number; height: number; nodes: Map<string, Box>; routes: Map<string, Point[]> }> {
  const ids = new Set(nodes.map((n) => n.id));
  const graph: ElkGraphIn = {
    id: groupId,
    layoutOptions: { ...ELK_OPTIONS },
    children: nodes.map((n, i) => {
      const size = estimateNodeSize(n);
      // The model lists base chains in hook and priority order; their positions pin that order.
      const first = n.kind === 'base-chain' ? { layoutOptions: { 'elk.layered.layering.layerConstraint': 'FIRST', 'elk.position': `(0,${i * 10})` } } : {};
      return { id: n.id, width: size.width, height: size.height, ...first };
    }),
    edges: edges.filter((e) => ids.has(e.source) && ids.has(e.target) && e.source !== e.target).map((e) => ({ id: e.id, sources: [e.source], targets: [e.target] })),
  };
  const out = await (await elk()).layout(graph);
  const boxes = new Map<string, Box>();
  for (const c of out.children ?? []) boxes.set(c.id, { x: c.x ?? 0, y: c.y ?? 0, width: c.width ?? 0, height: c.height ?? 0 });
  const routes = new Map<string, Point[]>();
  for (const e of out.edges ?? []) {
    const section = e.sections?.[0];
    if (section) routes.set(e.id, [section.startPoint, ...(section.bendPoints ?? []), section.endPoint]);
  }
  return { width: out.width ?? 0, height: out.height ?? 0, nodes: boxes, routes };
}

/**
 * Places `items` (containers of one parent) and returns the size of what they cover, including `fixed`
 * boxes already there. Items with a previous box keep its position (relative to the parent's previous
 * content origin); the rest go on shelves below. Overlaps are then resolved as described at the top.
 */
function pack(items: Container[], previous: Readonly<Record<string, Box>> | undefined, parentId: string | undefined, spacing: number, fixed: readonly Box[], startX = 0): { width: number; height: number } {
  const origin = parentId !== undefined && previous?.[parentId] ? { x: (previous[parentId] as Box).x + GROUP_PADDING, y: (previous[parentId] as Box).y + GROUP_HEADER } : { x: 0, y: 0 };
  const anchored: Container[] = [];
  const fresh: Container[] = [];
  for (const item of items) {
    const before = previous?.[item.id];
    if (before) {
      item.x = before.x - origin.x;
      item.y = before.y - origin.y;
      anchored.push(item);
    } else fresh.push(item);
  }

  // Shelves for the new ones: right of `startX` when nothing is anchored yet (the first layout), else
  // below everything already placed.
  const placedBoxes: Box[] = [...fixed, ...anchored];
  const below = anchored.length > 0 || (fixed.length > 0 && startX === 0);
  const x0 = below ? 0 : startX;
  const y0 = below ? placedBoxes.reduce((m, b) => Math.max(m, b.y + b.height + spacing), 0) : 0;
  const totalArea = fresh.reduce((n, c) => n + c.width * c.height, 0);
  const rowWidth = Math.max(0, Math.sqrt(totalArea) * 1.6, ...fresh.map((c) => c.width));
  let x = x0;
  let y = y0;
  let rowHeight = 0;
  for (const item of fresh) {
    if (x > x0 && x + item.width > x0 + rowWidth) {
      x = x0;
      y += rowHeight + spacing;
      rowHeight = 0;
    }
    item.x = x;
    item.y = y;
    x += item.width + spacing;
    rowHeight = Math.max(rowHeight, item.height);
  }

  // Settle: changed anchored items first, then unchanged ones, then new ones; push what overlaps.
  const changed = (c: Container): boolean => {
    const before = previous?.[c.id];
    return before !== undefined && (before.width !== c.width || before.height !== c.height);
  };
  const byPlace = (a: Container, b: Container): number => a.y - b.y || a.x - b.x;
  const order = [...anchored.filter(changed).sort(byPlace), ...anchored.filter((c) => !changed(c)).sort(byPlace), ...fresh];
  const settled: Box[] = [...fixed];
  for (const item of order) {
    for (let guard = 0; guard < 10_000; guard++) {
      const hit = settled.find((b) => overlaps(b, item, spacing / 2));
      if (!hit) break;
      const right = hit.x + hit.width + spacing - item.x;
      const down = hit.y + hit.height + spacing - item.y;
      if (right < down) item.x += right;
      else item.y += down;
    }
    settled.push(item);
  }
  const width = settled.reduce((m, b) => Math.max(m, b.x + b.width), 0);
  const height = settled.reduce((m, b) => Math.max(m, b.y + b.height), 0);
  return { width, height };
}

/** Do two boxes overlap, with `gap` of clearance? */
export function overlaps(a: Box, b: Box, gap = 0): boolean {
  return a.x < b.x + b.width + gap && b.x < a.x + a.width + gap && a.y < b.y + b.height + gap && b.y < a.y + a.height + gap;
}

/** Positions relative to each node's parent group, as React Flow wants for nodes with `parentId`. */
export function relativePositions(model: GraphModel, layout: LayoutResult): Record<string, Box> {
  const parents = new Map<string, string | undefined>();
  for (const n of model.nodes) parents.set(n.id, n.parentId);
  for (const g of model.groups) parents.set(g.id, g.parentId);
  const out: Record<string, Box> = {};
  for (const [id, box] of Object.entries(layout.positions)) {
    const parent = parents.get(id);
    const p = parent !== undefined ? layout.positions[parent] : undefined;
    out[id] = p ? { ...box, x: box.x - p.x, y: box.y - p.y } : box;
  }
  return out;
}
