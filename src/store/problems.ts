// The problems of the whole workspace, derived by memoised pure functions: each source's parse diagnostics,
// the workspace checks merged from the facts each parse brought (`checkWorkspaceFacts`: legacy and nf_tables
// on one hook, iptables-nft compat tables, missing chains and sets), and where they sit in the outline.
// Imports the parse entry's merge function, the outline model and store types.
import type { Diagnostic, Severity } from '../model/ir.ts';
import { checkWorkspaceFacts, type WorkspaceDiagnostic, type WorkspaceFacts } from '../parse/index.ts';
import type { OutlineNode } from '../graph/outline.ts';
import type { AppState } from './appStore.ts';
import { selectOutline } from './selectors.ts';

/** Cache of one derived value on a list of inputs compared by identity. */
function memoOnList<K, V>(compute: (key: readonly K[]) => V): (key: readonly K[]) => V {
  let last: { key: readonly K[]; value: V } | undefined;
  return (key) => {
    if (last && last.key.length === key.length && key.every((k, i) => k === last!.key[i])) return last.value;
    last = { key, value: compute(key) };
    return last.value;
  };
}

// ───────────── workspace checks ─────────────

interface FactsInput {
  readonly sourceId: string;
  readonly name: string;
  readonly facts: WorkspaceFacts;
}

const factsInputCache = new WeakMap<WorkspaceFacts, FactsInput>();
const mergeFacts = memoOnList<FactsInput, readonly WorkspaceDiagnostic[]>((inputs) => checkWorkspaceFacts(inputs));

/** The workspace diagnostics of every parsed source (recomputed only when a source's facts or name change). */
export function selectWorkspaceDiagnostics(s: AppState): readonly WorkspaceDiagnostic[] {
  const inputs: FactsInput[] = [];
  for (const source of s.sources) {
    const facts = s.parses[source.id]?.facts;
    if (!facts) continue;
    let input = factsInputCache.get(facts);
    if (!input || input.name !== source.name || input.sourceId !== source.id) {
      input = { sourceId: source.id, name: source.name, facts };
      factsInputCache.set(facts, input);
    }
    inputs.push(input);
  }
  return mergeFacts(inputs);
}

// ───────────── the problems list ─────────────

export interface Problem {
  readonly sourceId: string;
  readonly diagnostic: Diagnostic;
  /** `parse`: the source's own parser; `workspace`: a check across sources. */
  readonly origin: 'parse' | 'workspace';
}

interface ProblemsKey {
  readonly sourceId: string;
  readonly diagnostics: readonly Diagnostic[] | undefined;
}

const problemsFor = memoOnList<unknown, readonly Problem[]>((key) => {
  const [workspace, ...perSource] = key as [readonly WorkspaceDiagnostic[], ...ProblemsKey[]];
  const out: Problem[] = [];
  for (const { sourceId, diagnostics } of perSource) {
    const own: Problem[] = (diagnostics ?? []).map((diagnostic) => ({ sourceId, diagnostic, origin: 'parse' as const }));
    for (const d of workspace) if (d.sourceId === sourceId) own.push({ sourceId, diagnostic: d, origin: 'workspace' });
    own.sort((a, b) => a.diagnostic.range.start - b.diagnostic.range.start || severityRank(a.diagnostic.severity) - severityRank(b.diagnostic.severity));
    out.push(...own);
  }
  return out;
});

/** Every problem of the workspace, by source (in workspace order), then by position. */
export function selectProblems(s: AppState): readonly Problem[] {
  const perSource = s.sources.map((src) => problemsKey(src.id, s.parses[src.id]?.result?.diagnostics));
  return problemsFor([selectWorkspaceDiagnostics(s), ...perSource]);
}

const keyCache = new Map<string, ProblemsKey>();
function problemsKey(sourceId: string, diagnostics: readonly Diagnostic[] | undefined): ProblemsKey {
  const hit = keyCache.get(sourceId);
  if (hit && hit.diagnostics === diagnostics) return hit;
  const key = { sourceId, diagnostics };
  keyCache.set(sourceId, key);
  return key;
}

export function severityRank(severity: Severity): number {
  return severity === 'error' ? 0 : severity === 'warning' ? 1 : 2;
}

export interface ProblemCounts {
  readonly errors: number;
  readonly warnings: number;
  readonly infos: number;
}

const countsCache = new WeakMap<readonly Problem[], ReadonlyMap<string, ProblemCounts>>();
/** Problems per source id (parse and workspace). */
export function selectProblemCounts(s: AppState): ReadonlyMap<string, ProblemCounts> {
  const problems = selectProblems(s);
  let counts = countsCache.get(problems);
  if (!counts) {
    const map = new Map<string, { errors: number; warnings: number; infos: number }>();
    for (const p of problems) {
      const c = map.get(p.sourceId) ?? { errors: 0, warnings: 0, infos: 0 };
      if (p.diagnostic.severity === 'error') c.errors++;
      else if (p.diagnostic.severity === 'warning') c.warnings++;
      else c.infos++;
      map.set(p.sourceId, c);
    }
    counts = map;
    countsCache.set(problems, counts);
  }
  return counts;
}

// ───────────── problems in the outline ─────────────

/** What the outline shows on a node: the workspace problems at it, and how many lie inside it. */
export interface OutlineMark {
  /** The worst severity at the node or inside it. */
  readonly severity: Severity;
  /** Messages of the problems at this very node (the innermost node containing each). */
  readonly messages: readonly string[];
  /** Problems at this node or inside it. */
  readonly count: number;
}

const marksFor = memoOnList<unknown, ReadonlyMap<string, OutlineMark>>((key) => {
  const [roots, workspace] = key as [readonly OutlineNode[], readonly WorkspaceDiagnostic[]];
  const marks = new Map<string, { severity: Severity; messages: string[]; count: number }>();
  const mark = (id: string, d: Diagnostic, own: boolean): void => {
    const m = marks.get(id) ?? { severity: d.severity, messages: [], count: 0 };
    if (severityRank(d.severity) < severityRank(m.severity)) m.severity = d.severity;
    m.count++;
    if (own) m.messages.push(d.message);
    marks.set(id, m);
  };
  for (const root of roots) {
    const own = workspace.filter((d) => d.sourceId === root.sourceId);
    if (own.length === 0) continue;
    const locate = nodeLocator(root);
    for (const d of own) {
      const path = locate(d.range.start);
      path.forEach((id, i) => mark(id, d, i === path.length - 1));
    }
  }
  return marks;
});

/** Workspace problems by outline node id: on the innermost node holding each, counted on its ancestors. */
export function selectOutlineMarks(s: AppState): ReadonlyMap<string, OutlineMark> {
  return marksFor([selectOutline(s), selectWorkspaceDiagnostics(s)]);
}

/**
 * For one source's outline, a function from an offset to the path (root first) of nodes down to the innermost
 * node whose range holds it. Nodes are sorted by start once; a lookup finds the last node starting at or
 * before the offset and walks back to the first that still contains it (nested ranges: the innermost).
 */
function nodeLocator(root: OutlineNode): (offset: number) => string[] {
  const flat: { node: OutlineNode; path: string[] }[] = [];
  const visit = (node: OutlineNode, path: string[]): void => {
    const here = [...path, node.id];
    if (node.range) flat.push({ node, path: here });
    for (const child of node.children) visit(child, here);
  };
  visit(root, []);
  flat.sort((a, b) => a.node.range!.start - b.node.range!.start || a.path.length - b.path.length);
  return (offset) => {
    let lo = 0;
    let hi = flat.length - 1;
    let last = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (flat[mid]!.node.range!.start <= offset) {
        last = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    for (let i = last; i >= 0; i--) {
      const { node, path } = flat[i]!;
      if (node.range!.end >= offset) return path;
    }
    return [root.id];
  };
}
