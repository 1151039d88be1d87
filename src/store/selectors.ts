// Values derived from the store by memoised pure functions (the outline is computed once per parse result,
// never stored). Imports the graph, the model and format detection only.
import type { ParseResult, SourceFormat, SourceRange } from '../model/ir.ts';
import { detectFormat } from '../parse/detect.ts';
import { summarizeRuleset, type RulesetSummary } from '../model/summary.ts';
import { buildSourceOutline, indexOutline, type OutlineIndex, type OutlineNode } from '../graph/outline.ts';
import type { AppState } from './appStore.ts';
import { isBlankText, type SourceEntry } from './sourceSlice.ts';
import type { ParseEntry } from './parseSlice.ts';

/** Whether every source is blank (the views then show how to start instead of an empty pane). */
export function selectAllSourcesBlank(s: Pick<AppState, 'sources'>): boolean {
  return s.sources.every((src) => isBlankText(src.text));
}

export function selectActiveSource(s: AppState): SourceEntry {
  return s.sources.find((src) => src.id === s.activeSourceId) ?? s.sources[0]!;
}

/** The format an auto-detected source is read as: its parse's, unless that parse is of an older text (a
 *  source just added empty, then pasted into, still holds the parse of '' until the worker answers). */
export function selectDetectedFormat(s: AppState, source: SourceEntry): SourceFormat {
  const entry = s.parses[source.id];
  return entry?.format !== undefined && entry.parsedText === source.text ? entry.format : detectFormat(source.text);
}

export function selectActiveParse(s: AppState): ParseEntry | undefined {
  return s.parses[s.activeSourceId];
}

/** Outline of one source, memoised on the result object and the source name. */
const outlineCache = new WeakMap<ParseResult, { name: string; node: OutlineNode }>();
function sourceOutline(source: SourceEntry, entry: ParseEntry | undefined): OutlineNode | undefined {
  const result = entry?.result;
  if (!result) return undefined;
  const hit = outlineCache.get(result);
  if (hit && hit.name === source.name) return hit.node;
  const node = buildSourceOutline({ sourceId: source.id, name: source.name, text: entry.parsedText ?? '', result });
  outlineCache.set(result, { name: source.name, node });
  return node;
}

/** The outline roots, one per parsed source. The same array is returned while nothing it depends on changed,
 *  so components can select it directly. */
let lastRoots: { key: readonly unknown[]; roots: readonly OutlineNode[] } | undefined;
export function selectOutline(s: AppState): readonly OutlineNode[] {
  const roots = s.sources.map((src) => sourceOutline(src, s.parses[src.id])).filter((n): n is OutlineNode => n !== undefined);
  if (lastRoots && lastRoots.key.length === roots.length && roots.every((r, i) => r === lastRoots!.key[i])) return lastRoots.roots;
  lastRoots = { key: roots, roots };
  return roots;
}

const indexCache = new WeakMap<readonly OutlineNode[], OutlineIndex>();
export function selectOutlineIndex(s: AppState): OutlineIndex {
  const roots = selectOutline(s);
  let index = indexCache.get(roots);
  if (!index) {
    index = indexOutline(roots);
    indexCache.set(roots, index);
  }
  return index;
}

const summaryCache = new WeakMap<ParseResult, RulesetSummary>();
export function selectActiveSummary(s: AppState): RulesetSummary | undefined {
  const result = selectActiveParse(s)?.result;
  if (!result) return undefined;
  let summary = summaryCache.get(result);
  if (!summary) {
    summary = summarizeRuleset(result.ruleset);
    summaryCache.set(result, summary);
  }
  return summary;
}

export interface DiagnosticCounts {
  readonly errors: number;
  readonly warnings: number;
  readonly infos: number;
}

const countsCache = new WeakMap<ParseResult, DiagnosticCounts>();
export function selectActiveDiagnosticCounts(s: AppState): DiagnosticCounts | undefined {
  const result = selectActiveParse(s)?.result;
  if (!result) return undefined;
  let counts = countsCache.get(result);
  if (!counts) {
    let errors = 0;
    let warnings = 0;
    let infos = 0;
    for (const d of result.diagnostics) {
      if (d.severity === 'error') errors++;
      else if (d.severity === 'warning') warnings++;
      else infos++;
    }
    counts = { errors, warnings, infos };
    countsCache.set(result, counts);
  }
  return counts;
}

/** Range of the current selection, when it has one. */
export function selectSelectionRange(s: AppState): SourceRange | undefined {
  return s.selection?.range;
}
