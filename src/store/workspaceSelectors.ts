// The workspace as the core sees it (every source that has a parse result, with the text that result came
// from), derived from the store by memoised pure functions, and what an evaluation request sends. Imports
// the model only.
import type { ParsedSource, Workspace } from '../model/ir.ts';
import type { AppState } from './appStore.ts';
import type { EvalSource } from './evalClient.ts';

const EMPTY: Workspace = { sources: [] };

/** One ParsedSource per (source entry, parse result) pair, made once. */
const parsedCache = new WeakMap<object, { name: string; text: string; parsed: ParsedSource }>();

function parsedSourceOf(s: AppState, id: string): ParsedSource | undefined {
  const entry = s.parses[id];
  const source = s.sources.find((src) => src.id === id);
  if (!entry?.result || !entry.format || !source) return undefined;
  const text = entry.parsedText ?? '';
  const hit = parsedCache.get(entry.result);
  if (hit && hit.name === source.name && hit.text === text) return hit.parsed;
  const parsed: ParsedSource = { source: { id, name: source.name, format: entry.format, text }, result: entry.result };
  parsedCache.set(entry.result, { name: source.name, text, parsed });
  return parsed;
}

let lastWorkspace: { key: readonly ParsedSource[]; workspace: Workspace } | undefined;

/** The workspace of every parsed source, in source order. The same object while nothing it holds changed
 *  (graph, search and trace selectors memoise on it). */
export function selectWorkspace(s: AppState): Workspace {
  const list = s.sources.map((src) => parsedSourceOf(s, src.id)).filter((p): p is ParsedSource => p !== undefined);
  if (list.length === 0) return EMPTY;
  if (lastWorkspace && lastWorkspace.key.length === list.length && list.every((p, i) => p === lastWorkspace!.key[i])) return lastWorkspace.workspace;
  lastWorkspace = { key: list, workspace: { sources: list } };
  return lastWorkspace.workspace;
}

const evalSourcesCache = new WeakMap<Workspace, readonly EvalSource[]>();

/** What an evaluation request carries: each parsed source's text and the format it was read as. */
export function selectEvalSources(s: AppState): readonly EvalSource[] {
  const workspace = selectWorkspace(s);
  let list = evalSourcesCache.get(workspace);
  if (!list) {
    list = workspace.sources.map(({ source }) => ({ id: source.id, name: source.name, format: source.format, text: source.text }));
    evalSourcesCache.set(workspace, list);
  }
  return list;
}
