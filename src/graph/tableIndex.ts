// What the graph needs of a table on every build but that depends only on the table: chains and sets by
// name, the names that take part in aggregation, and every rule's references. Computed once per table
// object and kept while the table lives (the IR is immutable: a new parse makes new tables), so opening an
// aggregate of a 10 000-Service dump rebuilds the graph from these instead of walking 263 000 rules again.
// Pure; imports the model and this folder.
import type { Chain, NamedSet, SourceRange, Table, Workspace } from '../model/ir.ts';
import { hookedChains } from './hooks.ts';
import { referencesOf, type RuleReference } from './references.ts';
import { runToEnd } from './steps.ts';

/** The references of one rule that has any, with the table's index of each chain a reference names
 *  (jump, goto, vmap branch; -1 when the table has no such chain or the reference is not to a chain). */
export interface RuleRefs {
  /** Where the rule is, as graph edges cite it (one object per rule, shared by every build). */
  readonly at: { readonly ruleIndex: number; readonly range?: SourceRange };
  readonly refs: readonly RuleReference[];
  readonly targets: readonly number[];
}

export interface TableIndex {
  /** Name → index of the first chain of that name in `table.chains` (the chain itself: `table.chains[i]`). */
  readonly chainIndexByName: ReadonlyMap<string, number>;
  /** Per chain: the index of the first chain of its name (itself, unless a name repeats). */
  readonly firstOfName: Int32Array;
  readonly setsByName: ReadonlyMap<string, NamedSet>;
  readonly setNames: readonly string[];
  /** Per chain (in `table.chains` order): its rules' references, only for rules that have some. */
  readonly refsByChain: readonly (readonly RuleRefs[])[];
}

const indexes = new WeakMap<Table, TableIndex>();

/** Chains indexed per step of `tableIndexSteps`: a few milliseconds of work on a kube-proxy dump. */
const CHAINS_PER_STEP = 2000;

export function tableIndex(table: Table): TableIndex {
  return indexes.get(table) ?? runToEnd(tableIndexSteps(table));
}

/**
 * Builds a table's index a slice at a time (the page runs the steps between frames after a big parse, so
 * that its first graph does not walk 263 000 rules in one task). The index is stored when the last step
 * is done; a table already indexed takes no step.
 */
export function* tableIndexSteps(table: Table): Generator<void, TableIndex, void> {
  const cached = indexes.get(table);
  if (cached) return cached;
  const chainIndexByName = new Map<string, number>();
  const firstOfName = new Int32Array(table.chains.length);
  for (let i = 0; i < table.chains.length; i++) {
    // The name maps of 128 000 chains are a step's work on their own.
    if (i > 0 && i % (CHAINS_PER_STEP * 10) === 0) yield;
    const chain = table.chains[i] as Chain;
    // The first chain of a name wins, as a lookup by name always found it.
    const first = chainIndexByName.get(chain.name);
    if (first === undefined) chainIndexByName.set(chain.name, i);
    firstOfName[i] = first ?? i;
  }
  yield;
  const refsByChain: RuleRefs[][] = [];
  for (let i = 0; i < table.chains.length; i++) {
    if (i > 0 && i % CHAINS_PER_STEP === 0) yield;
    const chain = table.chains[i] as Chain;
    const refs: RuleRefs[] = [];
    chain.rules.forEach((rule, ruleIndex) => {
      const found = referencesOf(rule);
      if (found.length === 0) return;
      const targets = found.map((r) => (r.kind === 'jump' || r.kind === 'goto' || r.kind === 'vmap' ? (chainIndexByName.get(r.target) ?? -1) : -1));
      refs.push({ at: { ruleIndex, ...(rule.range ? { range: rule.range } : {}) }, refs: found, targets });
    });
    refsByChain.push(refs);
  }
  const setsByName = new Map<string, NamedSet>();
  for (const set of table.sets) if (!setsByName.has(set.name)) setsByName.set(set.name, set);
  const index: TableIndex = { chainIndexByName, firstOfName, setsByName, setNames: table.sets.map((s) => s.name), refsByChain };
  indexes.set(table, index);
  return index;
}

const memberIndexCache = new WeakMap<readonly string[], Map<Table, Int32Array>>();

/** The chain indexes of a list of chain names (an aggregate's members), cached per list: the aggregate
 *  views are cached, so the same list comes back on every build. -1 for a name the table lacks. */
export function chainIndexesOf(table: Table, names: readonly string[]): Int32Array {
  let byTable = memberIndexCache.get(names);
  if (!byTable) memberIndexCache.set(names, (byTable = new Map()));
  let out = byTable.get(table);
  if (!out) {
    const { chainIndexByName } = tableIndex(table);
    out = Int32Array.from(names, (n) => chainIndexByName.get(n) ?? -1);
    byTable.set(table, out);
  }
  return out;
}

const hookedCache = new WeakMap<Workspace, ReadonlySet<Chain>>();
const regularNamesCache = new WeakMap<Table, readonly string[]>();

/** The workspace's hooked chains (base chains, and iptables' built-in chains). */
export function hookedSet(workspace: Workspace): ReadonlySet<Chain> {
  let set = hookedCache.get(workspace);
  if (!set) hookedCache.set(workspace, (set = new Set(hookedChains(workspace).map((h) => h.chain))));
  return set;
}

/** Names of a table's chains that take part in aggregation (hooked chains always show). Whether a chain
 *  is hooked depends only on its table and source, so the list is kept per table; the same array comes
 *  back every time, which is what the aggregate views are cached by. */
export function regularChainNames(hooked: ReadonlySet<Chain>, table: Table): readonly string[] {
  let names = regularNamesCache.get(table);
  if (!names) regularNamesCache.set(table, (names = table.chains.filter((c) => !hooked.has(c)).map((c) => c.name)));
  return names;
}
