// Graph model + layout → React Flow nodes and edges: groups as parent nodes (parents before children, as
// React Flow requires), parent-relative positions, laid-out sizes on every node (so that React Flow can
// skip what is off screen before measuring), one edge style per kind, and the trace's path and the
// selection as classes. Pure view-model code: imports the graph core and React Flow's types only.
import type { Edge, Node } from '@xyflow/react';
import { relativePositions, type GraphEdge, type GraphEdgeKind, type GraphGroup, type GraphModel, type GraphNode, type LayoutResult } from '../../graph/index.ts';

export type FlowNodeType = 'nfHook' | 'nfChain' | 'nfSet' | 'nfAggregate' | 'nfOther' | 'nfGroup';

export interface GraphNodeData extends Record<string, unknown> {
  readonly node: GraphNode;
  /** The packet of the shown trace passed this node. */
  readonly onPath: boolean;
  /** The trace's current step is in this node. */
  readonly current: boolean;
}

export interface GroupNodeData extends Record<string, unknown> {
  readonly group: GraphGroup;
}

export interface FlowEdgeData extends Record<string, unknown> {
  readonly edge: GraphEdge;
  readonly lit: boolean;
  readonly label: string;
}

export type FlowNode = Node<GraphNodeData, Exclude<FlowNodeType, 'nfGroup'>> | Node<GroupNodeData, 'nfGroup'>;
export type FlowEdge = Edge<FlowEdgeData, 'nf'>;

export function flowTypeOf(node: GraphNode): Exclude<FlowNodeType, 'nfGroup'> {
  switch (node.kind) {
    case 'hook':
    case 'ipvs-hook':
      return 'nfHook';
    case 'base-chain':
    case 'chain':
      return 'nfChain';
    case 'set':
    case 'map':
    case 'vmap':
      return 'nfSet';
    case 'aggregate':
      return 'nfAggregate';
    case 'flowtable':
    case 'ipvs-service':
    case 'ipvs-real':
    case 'missing':
      return 'nfOther';
  }
}

/** How each edge kind is drawn and named in the legend. */
export const EDGE_KINDS: readonly { kind: GraphEdgeKind; label: string; description: string }[] = [
  { kind: 'hook', label: 'hook entry', description: 'the hook runs its first base chain' },
  { kind: 'next', label: 'fall-through', description: 'accept ends a base chain only: the next base chain on the hook runs' },
  { kind: 'jump', label: 'jump', description: 'jump: returns here afterwards' },
  { kind: 'goto', label: 'goto', description: 'goto: does not return' },
  { kind: 'vmap', label: 'verdict map', description: 'verdict map branch, labelled with its keys' },
  { kind: 'lookup', label: 'set lookup', description: 'reads a set or map (@name, --match-set)' },
  { kind: 'update', label: 'set update', description: 'adds to or updates a set' },
  { kind: 'flow', label: 'flowtable', description: 'offloads to a flowtable' },
  { kind: 'ipvs', label: 'IPVS service', description: 'IPVS hook function → virtual service' },
  { kind: 'schedule', label: 'IPVS real server', description: 'virtual service → real server, with its share' },
];

const MAX_LABEL = 42;

function cut(text: string, max = MAX_LABEL): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** The label an edge carries: vmap keys, IPVS shares, reference counts. */
export function edgeLabel(edge: GraphEdge): string {
  switch (edge.kind) {
    case 'vmap': {
      const keys = edge.keys ?? [];
      const total = edge.keyCount ?? keys.length;
      if (keys.length === 0) return total > 0 ? `${total} keys` : '';
      return cut(total > 1 ? `${keys[0]} +${total - 1}` : (keys[0] as string));
    }
    case 'schedule':
      return edge.share !== undefined ? `${Math.round(edge.share * 1000) / 10} %` : '';
    case 'jump':
    case 'goto':
    case 'lookup':
    case 'update':
      return edge.count > 1 ? `×${edge.count}` : '';
    default:
      return edge.label && edge.kind !== 'next' ? cut(edge.label) : '';
  }
}

/** The accessible name of a node: what it is and its first detail line. */
export function nodeAriaLabel(node: GraphNode): string {
  const kind = node.kind === 'base-chain' ? 'base chain' : node.kind === 'aggregate' ? `group of ${node.count} ${node.of === 'chain' ? 'chains' : node.of === 'set' ? 'sets' : 'IPVS entries'}` : node.kind.replace('-', ' ');
  const first = node.detail[0];
  return `${kind} ${node.label}${first ? `, ${first}` : ''}`;
}

export interface FlowOverlay {
  readonly selectedId?: string | null;
  readonly pathNodes?: ReadonlySet<string>;
  readonly pathEdges?: ReadonlySet<string>;
  readonly currentId?: string;
}

/** React Flow nodes for a laid-out model. Nodes the layout has no box for are left out. */
export function toFlowNodes(model: GraphModel, layout: LayoutResult, overlay: FlowOverlay = {}): FlowNode[] {
  const rel = relativePositions(model, layout);
  const out: FlowNode[] = [];
  // Parents first: source groups, then their tables and IPVS groups.
  const groups = [...model.groups].sort((a, b) => depthOf(model, a) - depthOf(model, b));
  for (const group of groups) {
    const box = rel[group.id];
    if (!box) continue;
    out.push({
      id: group.id,
      type: 'nfGroup',
      position: { x: box.x, y: box.y },
      width: box.width,
      height: box.height,
      data: { group },
      ...(group.parentId !== undefined ? { parentId: group.parentId } : {}),
      draggable: false,
      connectable: false,
      selectable: group.range !== undefined,
      focusable: false,
      selected: overlay.selectedId === group.id,
      ariaLabel: group.label,
      zIndex: 0,
      className: `nf-group nf-group-${group.kind}`,
    });
  }
  for (const node of model.nodes) {
    const box = rel[node.id];
    if (!box) continue;
    const onPath = overlay.pathNodes?.has(node.id) ?? false;
    const current = overlay.currentId === node.id;
    out.push({
      id: node.id,
      type: flowTypeOf(node),
      position: { x: box.x, y: box.y },
      width: box.width,
      height: box.height,
      data: { node, onPath, current },
      ...(node.parentId !== undefined ? { parentId: node.parentId } : {}),
      draggable: false,
      connectable: false,
      selected: overlay.selectedId === node.id,
      ariaLabel: nodeAriaLabel(node),
      zIndex: 1,
      className: `nf-node nf-kind-${node.kind}${onPath ? ' on-path' : ''}${current ? ' current' : ''}`,
    });
  }
  return out;
}

function depthOf(model: GraphModel, group: GraphGroup): number {
  let d = 0;
  let parent = group.parentId;
  while (parent !== undefined && d < 10) {
    d++;
    parent = model.groups.find((g) => g.id === parent)?.parentId;
  }
  return d;
}

/** React Flow edges between nodes that are laid out; lit ones (the trace's path) drawn above the rest. */
export function toFlowEdges(model: GraphModel, layout: LayoutResult, overlay: FlowOverlay = {}): FlowEdge[] {
  const out: FlowEdge[] = [];
  for (const edge of model.edges) {
    if (!layout.positions[edge.source] || !layout.positions[edge.target] || edge.source === edge.target) continue;
    const lit = overlay.pathEdges?.has(edge.id) ?? false;
    out.push({
      id: edge.id,
      type: 'nf',
      source: edge.source,
      target: edge.target,
      data: { edge, lit, label: edgeLabel(edge) },
      className: `nf-edge nf-edge-${edge.kind}${lit ? ' lit' : ''}`,
      zIndex: lit ? 3 : 2,
      selectable: false,
      focusable: false,
      ariaLabel: `${edge.kind} edge`,
    });
  }
  return out;
}
