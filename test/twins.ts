// Compares the IR of an `nft list ruleset` text with the IR of the `nft -j list ruleset` JSON of the same
// ruleset ("twins"), after removing exactly the information the JSON legitimately lacks. Node-free test
// helper; imports the model only.
//
// The documented JSON omissions (each checked against nftables' src/json.c and the installed nft 1.0.6):
// - `table comment`, `chain comment`: nft 1.0.6 prints neither in JSON (later versions print `"comment"`
//   in table_print_json and chain_print_json); only dropped when the JSON comes from nft ≤ 1.0.6.
// - `set dynamic flag`: nft 1.0.6 prints no `"dynamic"` in a set's JSON flags (later versions do, for
//   NFT_SET_EVAL); checked here: `flags dynamic,timeout` lists as `"flags": ["timeout"]`. Only ≤ 1.0.6.
// - `flowtable counter`: flowtable_print_json prints no `flags` and no `counter` (all versions).
// - `element statements`: __set_elem_expr_json prints only the first statement of an element
//   ("TODO: only one statement per element"); the text's first statement is kept, the others dropped.
// - `xt translation`: xt_stmt_json prints only `{"xt": {"type", "name"}}`, while `nft list` prints the
//   libxtables translation of the match or target (zero or more statements, e.g. `ct state established`
//   for `-m conntrack`, nothing for `-m comment`): each JSON `xt` stands for any run of text statements.
//   nft does not eliminate a protocol dependency across an xt statement, so the JSON keeps e.g.
//   `meta l4proto icmp` before `xt match icmp`; the text shows it before the translation `icmp type …`,
//   where the text parser eliminates it as nft does for such input. In a rule with xt statements, such a
//   JSON dependency match may be missing from the text's IR when the text rule shows it verbatim.
// Everything else must be equal, ranges and handles aside (the nftables test dumps normalise JSON handles
// to 0), and the written form of priorities (`priority.text`), which JSON has only as a number.
import type { Chain, Expr, Flowtable, NamedSet, Rule, Ruleset, Stmt, Table } from '../src/model/ir.ts';
import { firstDifference } from '../src/model/compare.ts';
import { printStmt } from '../src/parse/nft/print.ts';

export type OmissionKind = 'table comment' | 'chain comment' | 'set dynamic flag' | 'flowtable counter' | 'element statements' | 'xt translation';
export const OMISSION_KINDS: readonly OmissionKind[] = ['table comment', 'chain comment', 'set dynamic flag', 'flowtable counter', 'element statements', 'xt translation'];

export interface Omission {
  readonly kind: OmissionKind;
  /** Where, e.g. `ip filter INPUT rule 3`. */
  readonly where: string;
}

export interface TwinComparison {
  /** The first difference left after the documented omissions, or undefined when the twins agree. */
  readonly difference: string | undefined;
  readonly omissions: readonly Omission[];
}

export interface TwinSide {
  readonly ruleset: Ruleset;
  /** The source text: the nft text (to see the order of element statements), or the JSON (its version). */
  readonly text: string;
}

const COMPARE = { ignoreHandles: true } as const;

/** The twins compared, after the documented omissions. */
export function compareTwins(nft: TwinSide, json: TwinSide): TwinComparison {
  const omissions: Omission[] = [];
  const version = jsonVersion(json.text);
  const ctx: Ctx = { omissions, nftText: nft.text, oldJson: version !== undefined && compareVersions(version, '1.0.6') <= 0 };
  const normalised: Ruleset = { ...nft.ruleset, tables: nft.ruleset.tables.map((t, i) => normaliseTable(ctx, t, json.ruleset.tables[i])) };
  const difference = firstDifference(withoutPriorityText(normalised), withoutPriorityText(json.ruleset), COMPARE);
  return { difference, omissions };
}

interface Ctx {
  readonly omissions: Omission[];
  readonly nftText: string;
  /** The JSON comes from nft ≤ 1.0.6 (no chain comments). */
  readonly oldJson: boolean;
}

/** `metainfo.version` of an nft -j document ("VERSION" in the nftables test dumps, which come from git). */
export function jsonVersion(jsonText: string): string | undefined {
  try {
    const doc = JSON.parse(jsonText) as { nftables?: { metainfo?: { version?: unknown } }[] };
    const version = doc.nftables?.find((x) => x.metainfo)?.metainfo?.version;
    return typeof version === 'string' && /^\d+(\.\d+)*$/.test(version) ? version : undefined;
  } catch {
    return undefined;
  }
}

function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

function sameTable(a: Table, b: Table | undefined): b is Table {
  return b !== undefined && a.family === b.family && a.name === b.name;
}

function normaliseTable(ctx: Ctx, t: Table, j: Table | undefined): Table {
  if (!sameTable(t, j)) return t;
  const where = `${t.family} ${t.name}`;
  let table = t;
  if (ctx.oldJson && t.comment !== undefined && j.comment === undefined) {
    const { comment: _comment, ...rest } = t;
    table = rest;
    ctx.omissions.push({ kind: 'table comment', where });
  }
  const jsonChains = new Map(j.chains.map((c) => [c.name, c]));
  const jsonSets = new Map(j.sets.map((s) => [s.name, s]));
  const jsonFlowtables = new Map(j.flowtables.map((f) => [f.name, f]));
  return {
    ...table,
    chains: t.chains.map((c) => normaliseChain(ctx, `${where} ${c.name}`, c, jsonChains.get(c.name))),
    sets: t.sets.map((s) => normaliseSet(ctx, `${where} ${s.name}`, s, jsonSets.get(s.name))),
    flowtables: t.flowtables.map((f) => normaliseFlowtable(ctx, `${where} ${f.name}`, f, jsonFlowtables.get(f.name))),
  };
}

function normaliseChain(ctx: Ctx, where: string, c: Chain, j: Chain | undefined): Chain {
  if (!j) return c;
  let out = c;
  if (ctx.oldJson && c.comment !== undefined && j.comment === undefined) {
    const { comment: _comment, ...rest } = out;
    out = rest;
    ctx.omissions.push({ kind: 'chain comment', where });
  }
  if (c.rules.length === j.rules.length) {
    out = { ...out, rules: c.rules.map((r, i) => normaliseRule(ctx, `${where} rule ${i + 1}`, r, j.rules[i] as Rule)) };
  }
  return out;
}

function normaliseRule(ctx: Ctx, where: string, r: Rule, j: Rule): Rule {
  if (!j.stmts.some((s) => s.kind === 'xt') || !firstDifference(r.stmts, j.stmts, COMPARE)) return r;
  const source = r.range ? ctx.nftText.slice(r.range.start, r.range.end) : '';
  const shownVerbatim = (s: Stmt) => isProtocolDependency(s) && source.includes(printStmt(s));
  if (!matchesWithXtGaps(j.stmts, r.stmts, shownVerbatim)) return r;
  ctx.omissions.push({ kind: 'xt translation', where });
  return { ...r, stmts: j.stmts };
}

/** `meta l4proto X`, `ip protocol X`, `ip6 nexthdr X`, `meta nfproto X`, `ether type X`: the matches nft
 *  adds (and eliminates when listing) as the dependency of a protocol field (src/payload.c). */
function isProtocolDependency(s: Stmt): boolean {
  if (s.kind !== 'match' || s.op !== '==' || s.right.kind !== 'value') return false;
  const l = s.left;
  if (l.kind === 'meta') return l.key === 'l4proto' || l.key === 'nfproto';
  return l.kind === 'payload' && ((l.protocol === 'ip' && l.field === 'protocol') || (l.protocol === 'ip6' && l.field === 'nexthdr') || (l.protocol === 'ether' && l.field === 'type'));
}

/** Do the text's statements equal the JSON's, where each JSON `xt` statement stands for any run (possibly
 *  empty) of text statements (a glob match, `xt` = `*`), and a JSON statement for which `mayBeMissing`
 *  holds may be absent from the text? */
export function matchesWithXtGaps(json: readonly Stmt[], text: readonly Stmt[], mayBeMissing: (s: Stmt) => boolean = () => false): boolean {
  const memo = new Map<string, boolean>();
  const go = (j: number, t: number): boolean => {
    const key = `${j},${t}`;
    const known = memo.get(key);
    if (known !== undefined) return known;
    let result: boolean;
    if (j === json.length) result = t === text.length;
    else if (json[j]?.kind === 'xt') {
      result = false;
      for (let k = t; k <= text.length && !result; k++) result = go(j + 1, k);
    } else {
      result = (t < text.length && !firstDifference(json[j], text[t], COMPARE) && go(j + 1, t + 1)) || (mayBeMissing(json[j] as Stmt) && go(j + 1, t));
    }
    memo.set(key, result);
    return result;
  };
  return go(0, 0);
}

function normaliseFlowtable(ctx: Ctx, where: string, f: Flowtable, j: Flowtable | undefined): Flowtable {
  if (!j || !f.counter || j.counter) return f;
  const { counter: _counter, ...rest } = f;
  ctx.omissions.push({ kind: 'flowtable counter', where });
  return rest;
}

function normaliseSet(ctx: Ctx, where: string, set: NamedSet, j: NamedSet | undefined): NamedSet {
  if (!j) return set;
  let s = set;
  if (ctx.oldJson && s.flags?.includes('dynamic') && !j.flags?.includes('dynamic')) {
    const flags = s.flags.filter((f) => f !== 'dynamic');
    const { flags: _flags, ...rest } = s;
    s = flags.length ? { ...rest, flags } : rest;
    ctx.omissions.push({ kind: 'set dynamic flag', where });
  }
  if (s.elements.length !== j.elements.length) return s;
  let changed = false;
  const elements = s.elements.map((e, i) => {
    const reduced = firstStatementOnly(ctx, e);
    if (reduced !== e && firstDifference(e, j.elements[i], COMPARE)) {
      changed = true;
      return reduced;
    }
    return e;
  });
  if (!changed) return s;
  ctx.omissions.push({ kind: 'element statements', where });
  return { ...s, elements };
}

/** The element with only the first statement it was written with (what nft -j shows of it). */
function firstStatementOnly(ctx: Ctx, e: Expr): Expr {
  if (e.kind === 'mapping') {
    const key = firstStatementOnly(ctx, e.key);
    return key === e.key ? e : { ...e, key };
  }
  if (e.kind !== 'elem') return e;
  const stmts = e.stmts ?? [];
  const count = (e.counter ? 1 : 0) + stmts.length;
  if (count <= 1) return e;
  const { counter, stmts: _stmts, ...rest } = e;
  // The IR keeps a counter apart from the other statements: the text tells which was written first.
  const first = stmts[0] as Stmt;
  const counterFirst = counter !== undefined && e.value.range !== undefined && first.range !== undefined && /\bcounter\b/.test(ctx.nftText.slice(e.value.range.end, first.range.start));
  return counterFirst ? { ...rest, counter } : { ...rest, stmts: [first] };
}

/** The IR without the written form of chain and flowtable priorities (JSON has only the number). */
function withoutPriorityText(r: Ruleset): Ruleset {
  const strip = <P extends { priority: { value: number; text?: string } }>(x: P): P => ({ ...x, priority: { value: x.priority.value } });
  return {
    ...r,
    tables: r.tables.map((t) => ({
      ...t,
      chains: t.chains.map((c) => (c.base ? { ...c, base: strip(c.base) } : c)),
      flowtables: t.flowtables.map(strip),
    })),
  };
}
