// Stable node, group and edge ids of the graph model. Ids are built from names (source id, family,
// table, object name), never from positions or counters, so they survive re-parses of edited text.
// Pure string functions; imports only IR types.
import type { Family } from '../model/ir.ts';
import type { GraphEdgeKind, HookView } from './types.ts';

/** `|` separates the parts; `%` and `|` inside a part are escaped so that ids never collide. */
function part(s: string): string {
  if (s.indexOf('%') < 0 && s.indexOf('|') < 0) return s;
  return s.replace(/[%|]/g, (c) => (c === '%' ? '%25' : '%7C'));
}

export function sourceGroupId(sourceId: string): string {
  return `source|${part(sourceId)}`;
}

export function tableGroupId(sourceId: string, family: Family, table: string): string {
  return `table|${part(sourceId)}|${family}|${part(table)}`;
}

export function ipvsGroupId(sourceId: string): string {
  return `ipvs|${part(sourceId)}`;
}

export function chainId(sourceId: string, family: Family, table: string, name: string): string {
  return `chain|${part(sourceId)}|${family}|${part(table)}|${part(name)}`;
}

/** Sets, maps and vmaps share one namespace per table, as in nftables. */
export function setId(sourceId: string, family: Family, table: string, name: string): string {
  return `set|${part(sourceId)}|${family}|${part(table)}|${part(name)}`;
}

export function flowtableId(sourceId: string, family: Family, table: string, name: string): string {
  return `flowtable|${part(sourceId)}|${family}|${part(table)}|${part(name)}`;
}

export function missingId(scopeId: string, of: 'chain' | 'set', name: string): string {
  return `missing|${of}|${part(scopeId)}|${part(name)}`;
}

export function hookId(view: HookView, hook: string): string {
  return `hook|${view}|${hook}`;
}

export function ipvsHookId(view: HookView, hook: string): string {
  return `ipvs-hook|${view}|${hook}`;
}

export function ipvsServiceId(sourceId: string, key: string): string {
  return `ipvs-service|${part(sourceId)}|${part(key)}`;
}

/** Real servers are one node per address:port of a source, so that a server shared by services shows it. */
export function ipvsRealId(sourceId: string, addrPort: string): string {
  return `ipvs-real|${part(sourceId)}|${part(addrPort)}`;
}

/** An aggregate of `of` members inside `scopeId` (a table group, the IPVS group or a service), named by
 *  the member-name prefix (and character range) it stands for. */
export function aggregateId(scopeId: string, of: string, key: string): string {
  return `agg|${of}|${part(scopeId)}|${part(key)}`;
}

/** `kind:source→target` (node ids contain `|`, never an unescaped `→` from our own parts). */
export function edgeId(kind: GraphEdgeKind, source: string, target: string): string {
  return `${kind}:${source}→${target}`;
}
