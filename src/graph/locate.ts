// Mapping between source text and the graph model, both ways: which node shows the object under an editor
// offset (also when it is folded into an aggregate), which aggregates to expand to reveal an object, and
// the source range of a node. Pure; imports the model and this folder.
import type { Chain, IpvsService, ParsedSource, SourceRange, Table, Workspace } from '../model/ir.ts';
import { revealPath } from './aggregate.ts';
import { ipvsServiceKey, ipvsServiceLabel } from './buildGraph.ts';
import { aggregateId, chainId, flowtableId, ipvsGroupId, ipvsRealId, ipvsServiceId, setId, tableGroupId } from './ids.ts';
import { hookedSet, regularChainNames } from './tableIndex.ts';
import type { GraphModel } from './types.ts';

/** A workspace object the graph can show. */
export type GraphTarget =
  | { readonly kind: 'chain'; readonly source: ParsedSource; readonly table: Table; readonly name: string }
  | { readonly kind: 'set'; readonly source: ParsedSource; readonly table: Table; readonly name: string }
  | { readonly kind: 'flowtable'; readonly source: ParsedSource; readonly table: Table; readonly name: string }
  | { readonly kind: 'ipvs-service'; readonly source: ParsedSource; readonly service: IpvsService }
  | { readonly kind: 'ipvs-real'; readonly source: ParsedSource; readonly service: IpvsService; readonly addrPort: string };

export interface Revealed {
  /** The object's own node id (it may not be in the model while an aggregate hides it). */
  readonly nodeId: string;
  /** The node that shows it now: itself or the outermost collapsed aggregate around it. */
  readonly visibleId: string;
  /** Aggregates to add to `options.expanded` so that `nodeId` becomes a node (outermost first). */
  readonly expand: readonly string[];
}

function hostPort(addr: string, port: number): string {
  return addr.includes(':') ? `[${addr}]:${port}` : `${addr}:${port}`;
}

/** Which node shows `target` in a model built with `model.options`, and what to expand to show it. */
export function reveal(model: GraphModel, workspace: Workspace, target: GraphTarget): Revealed {
  const { maxTableNodes, maxExpandedNodes, maxRealsPerService } = model.options;
  const expanded = new Set(model.options.expanded);
  const sid = target.source.source.id;
  const through = (nodeId: string, scope: string, of: string, names: readonly string[], name: string): Revealed => {
    const path = revealPath(names, name, maxTableNodes, maxExpandedNodes).map((g) => aggregateId(scope, of, g.key));
    const collapsed = path.filter((id) => !expanded.has(id));
    return { nodeId, visibleId: path.find((id) => !expanded.has(id)) ?? nodeId, expand: collapsed };
  };
  switch (target.kind) {
    case 'chain': {
      const { table, name } = target;
      const nodeId = chainId(sid, table.family, table.name, name);
      const chain = table.chains.find((c) => c.name === name);
      if (!chain || hookedSet(workspace).has(chain)) return { nodeId, visibleId: nodeId, expand: [] };
      return through(nodeId, tableGroupId(sid, table.family, table.name), 'chain', regularChainNames(hookedSet(workspace), table), name);
    }
    case 'set': {
      const { table, name } = target;
      const nodeId = setId(sid, table.family, table.name, name);
      return through(nodeId, tableGroupId(sid, table.family, table.name), 'set', table.sets.map((s) => s.name), name);
    }
    case 'flowtable': {
      const id = flowtableId(sid, target.table.family, target.table.name, target.name);
      return { nodeId: id, visibleId: id, expand: [] };
    }
    case 'ipvs-service':
      return revealService(target.source, target.service);
    case 'ipvs-real': {
      const service = revealService(target.source, target.service);
      const nodeId = ipvsRealId(sid, target.addrPort);
      if (service.visibleId !== service.nodeId) return { nodeId, visibleId: service.visibleId, expand: service.expand };
      const realsAggregate = aggregateId(service.nodeId, 'ipvs-real', '');
      if (target.service.reals.length > maxRealsPerService && !expanded.has(realsAggregate)) return { nodeId, visibleId: realsAggregate, expand: [realsAggregate] };
      return { nodeId, visibleId: nodeId, expand: [] };
    }
  }

  function revealService(source: ParsedSource, service: IpvsService): Revealed {
    const labels = [...new Set(source.result.ruleset.ipvs.map(ipvsServiceLabel))];
    const nodeId = ipvsServiceId(source.source.id, ipvsServiceKey(service));
    return through(nodeId, ipvsGroupId(source.source.id), 'ipvs-service', labels, ipvsServiceLabel(service));
  }
}

function contains(range: SourceRange | undefined, offset: number): boolean {
  return range !== undefined && range.start <= offset && offset <= range.end;
}

/** Where a table's objects are written. A declaration's range does not always hold its rules (an
 *  iptables `:CHAIN` line and its `-A` lines, an nft -j chain object and its rule objects, `add rule`
 *  commands after `add chain`), so each object has its own range, the ranges of its rules/elements, and an
 *  extent: from the start of the line its text begins on to the end of its last part. */
interface Placed {
  readonly kind: 'chain' | 'set' | 'flowtable';
  readonly name: string;
  readonly parts: readonly SourceRange[];
  readonly start: number;
  readonly end: number;
}

interface TablePlacement {
  readonly items: readonly Placed[];
  /** Items by extent start, for "the object whose text comes last before the cursor". */
  readonly byStart: readonly Placed[];
  readonly start: number;
  readonly end: number;
}

const placementCache = new WeakMap<Table, TablePlacement>();

function lineStart(text: string, offset: number): number {
  return text.lastIndexOf('\n', Math.max(0, offset - 1)) + 1;
}

function placementOf(text: string, table: Table): TablePlacement {
  let placed = placementCache.get(table);
  if (placed) return placed;
  const items: Placed[] = [];
  const place = (kind: Placed['kind'], name: string, own: SourceRange | undefined, children: readonly (SourceRange | undefined)[]): void => {
    const parts = [own, ...children].filter((r): r is SourceRange => r !== undefined);
    if (parts.length === 0) return;
    // Loops, not Math.min(...spread): a kube-proxy map holds tens of thousands of elements, more arguments
    // than the stack takes.
    let start = Infinity;
    let end = -Infinity;
    for (const r of parts) {
      if (r.start < start) start = r.start;
      if (r.end > end) end = r.end;
    }
    items.push({ kind, name, parts, start: lineStart(text, start), end });
  };
  for (const c of table.chains) place('chain', c.name, c.range, c.rules.map((r) => r.range));
  for (const s of table.sets) place('set', s.name, s.range, s.elements.map((e) => e.range));
  for (const f of table.flowtables) place('flowtable', f.name, f.range, []);
  const byStart = [...items].sort((x, y) => x.start - y.start);
  let start = table.range?.start ?? Infinity;
  let end = table.range?.end ?? -Infinity;
  for (const i of items) {
    if (i.start < start) start = i.start;
    if (i.end > end) end = i.end;
  }
  placed = { items, byStart, start: lineStart(text, start), end };
  placementCache.set(table, placed);
  return placed;
}

/** The workspace object whose text holds `offset` in source `sourceId`: an object one of whose ranges
 *  holds it; else the smallest extent that does; else, inside a table, the object written last before
 *  the offset (the closing brace of a chain, blank lines after it); else the table. */
export function targetAtOffset(workspace: Workspace, sourceId: string, offset: number): GraphTarget | { kind: 'table'; source: ParsedSource; table: Table } | undefined {
  const source = workspace.sources.find((s) => s.source.id === sourceId);
  if (!source) return undefined;
  const text = source.source.text;
  const target = (table: Table, item: Placed): GraphTarget => ({ kind: item.kind, source, table, name: item.name });
  for (const table of source.result.ruleset.tables) {
    const placed = placementOf(text, table);
    const exact = placed.items.find((item) => item.parts.some((r) => contains(r, offset)));
    if (exact) return target(table, exact);
  }
  let best: { table: Table; item: Placed } | undefined;
  for (const table of source.result.ruleset.tables) {
    for (const item of placementOf(text, table).items) {
      if (offset >= item.start && offset <= item.end && (!best || item.end - item.start < best.item.end - best.item.start)) best = { table, item };
    }
  }
  if (best) return target(best.table, best.item);
  for (const table of source.result.ruleset.tables) {
    const placed = placementOf(text, table);
    if (offset < placed.start || offset > placed.end) continue;
    let before: Placed | undefined;
    for (const item of placed.byStart) {
      if (item.start > offset) break;
      before = item;
    }
    return before ? target(table, before) : { kind: 'table', source, table };
  }
  for (const service of source.result.ruleset.ipvs) {
    const real = service.reals.find((r) => contains(r.range, offset));
    if (real) return { kind: 'ipvs-real', source, service, addrPort: hostPort(real.addr, real.port) };
    if (contains(service.range, offset)) return { kind: 'ipvs-service', source, service };
  }
  return undefined;
}

/**
 * Editor cursor → the id of the node (or, between objects of a table, the table group) that shows the
 * text at `offset`. With the workspace, objects folded into an aggregate resolve to the aggregate;
 * without it, only nodes of the model are considered (the innermost whose range holds the offset).
 */
export function nodeAtSourceOffset(model: GraphModel, sourceId: string, offset: number, workspace?: Workspace): string | undefined {
  if (workspace) {
    const target = targetAtOffset(workspace, sourceId, offset);
    if (!target) return undefined;
    if (target.kind === 'table') return tableGroupId(sourceId, target.table.family, target.table.name);
    return reveal(model, workspace, target).visibleId;
  }
  let best: { id: string; size: number } | undefined;
  for (const node of model.nodes) {
    if (node.sourceId !== sourceId || node.kind === 'aggregate' || !contains(node.range, offset)) continue;
    const size = (node.range as SourceRange).end - (node.range as SourceRange).start;
    if (!best || size < best.size) best = { id: node.id, size };
  }
  if (best) return best.id;
  const group = model.groups.find((g) => g.kind === 'table' && g.sourceId === sourceId && contains(g.range, offset));
  return group?.id;
}

/** Node or group → where it is written (an aggregate: its first member). */
export function rangeOfNode(model: GraphModel, id: string): { sourceId: string; range: SourceRange } | undefined {
  const item = model.nodes.find((n) => n.id === id) ?? model.groups.find((g) => g.id === id);
  if (!item || item.sourceId === undefined || !item.range) return undefined;
  return { sourceId: item.sourceId, range: item.range };
}
