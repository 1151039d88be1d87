// Test-case reduction: a greedy delta-debugging loop over candidate edits (generic), and the edits that make
// a ruleset smaller — drop a table, a chain, a set or map, a rule, a statement, an element (rulesetEdits).
// Pure and reusable (any "still interesting?" predicate, e.g. "the kernel and the evaluator still disagree");
// imports only the IR types.
import type { Chain, Expr, Rule, Ruleset, Stmt, Table } from '../../src/model/ir.ts';

export interface ShrinkResult<T> {
  readonly value: T;
  /** Predicate calls made (each a kernel run in the differential suite). */
  readonly tries: number;
  /** Edits kept. */
  readonly steps: number;
}

/** Applies the first candidate edit that keeps `interesting` true, and starts over from the smaller value,
 * until no candidate does (a local minimum: removing any single piece loses the property) or the budget of
 * predicate calls runs out. Candidates should come coarse first (whole tables before single elements). */
export async function shrink<T>(
  start: T,
  edits: (value: T) => Iterable<T>,
  interesting: (value: T) => Promise<boolean>,
  options: { maxTries?: number } = {},
): Promise<ShrinkResult<T>> {
  const maxTries = options.maxTries ?? 2000;
  let value = start;
  let tries = 0;
  let steps = 0;
  for (let progress = true; progress && tries < maxTries; ) {
    progress = false;
    for (const candidate of edits(value)) {
      if (tries >= maxTries) break;
      tries++;
      if (await interesting(candidate)) {
        value = candidate;
        steps++;
        progress = true;
        break;
      }
    }
  }
  return { value, tries, steps };
}

/** What rulesetEdits may change: statements only where the rule keeps its meaning in print (iptables rules
 * print from their recorded arguments, so only whole rules go there). */
export interface RulesetEditOptions {
  readonly statements?: boolean;
}

const without = <T>(list: readonly T[], i: number): T[] => [...list.slice(0, i), ...list.slice(i + 1)];

/** Every ruleset one removal smaller, coarse first: tables, chains, sets and maps, rules, named set elements,
 * statements, elements of anonymous sets and verdict maps. Removals that leave a dangling reference (a jump
 * to a removed chain) are offered too: the kernel refuses them, which makes them uninteresting. */
export function* rulesetEdits(r: Ruleset, options: RulesetEditOptions = {}): Generator<Ruleset> {
  const withTable = (ti: number, t: Table): Ruleset => ({ ...r, tables: r.tables.map((x, i) => (i === ti ? t : x)) });
  for (let ti = 0; ti < r.tables.length; ti++) yield { ...r, tables: without(r.tables, ti) };
  for (let ti = 0; ti < r.tables.length; ti++) {
    const t = r.tables[ti]!;
    for (let ci = 0; ci < t.chains.length; ci++) yield withTable(ti, { ...t, chains: without(t.chains, ci) });
    for (let si = 0; si < t.sets.length; si++) yield withTable(ti, { ...t, sets: without(t.sets, si) });
  }
  const withChain = (ti: number, ci: number, c: Chain) => {
    const t = r.tables[ti]!;
    return withTable(ti, { ...t, chains: t.chains.map((x, i) => (i === ci ? c : x)) });
  };
  for (let ti = 0; ti < r.tables.length; ti++) {
    const t = r.tables[ti]!;
    for (let ci = 0; ci < t.chains.length; ci++) {
      const c = t.chains[ci]!;
      for (let ri = 0; ri < c.rules.length; ri++) yield withChain(ti, ci, { ...c, rules: without(c.rules, ri) });
      // a drop policy is often the whole point, but when it is not, accept is the simpler chain
      if (c.base?.policy === 'drop') yield withChain(ti, ci, { ...c, base: { ...c.base, policy: 'accept' } });
    }
  }
  for (let ti = 0; ti < r.tables.length; ti++) {
    const t = r.tables[ti]!;
    for (let si = 0; si < t.sets.length; si++) {
      const s = t.sets[si]!;
      for (let ei = 0; ei < s.elements.length; ei++) {
        yield withTable(ti, { ...t, sets: t.sets.map((x, i) => (i === si ? { ...s, elements: without(s.elements, ei) } : x)) });
      }
    }
  }
  if (!options.statements) return;
  for (let ti = 0; ti < r.tables.length; ti++) {
    const t = r.tables[ti]!;
    for (let ci = 0; ci < t.chains.length; ci++) {
      const c = t.chains[ci]!;
      for (let ri = 0; ri < c.rules.length; ri++) {
        const withRule = (rule: Rule) => withChain(ti, ci, { ...c, rules: c.rules.map((x, i) => (i === ri ? rule : x)) });
        const rule = c.rules[ri]!;
        if (rule.stmts.length > 1) for (let k = 0; k < rule.stmts.length; k++) yield withRule({ ...rule, stmts: without(rule.stmts, k) });
        for (let k = 0; k < rule.stmts.length; k++) {
          for (const s of smallerStmts(rule.stmts[k]!)) yield withRule({ ...rule, stmts: rule.stmts.map((x, i) => (i === k ? s : x)) });
        }
      }
    }
  }
}

/** A statement with one element fewer in its anonymous set or verdict map (never empty: nft refuses `{ }`). */
function* smallerStmts(s: Stmt): Generator<Stmt> {
  const fewer = function* (e: Expr): Generator<Expr> {
    if (e.kind !== 'set' || e.items.length < 2) return;
    for (let i = 0; i < e.items.length; i++) yield { ...e, items: without(e.items, i) };
  };
  if (s.kind === 'match') for (const right of fewer(s.right)) yield { ...s, right };
  if (s.kind === 'vmap') for (const data of fewer(s.data)) yield { ...s, data };
}
