// Small constructors for the IR nodes the iptables translation produces, so that every node carries its
// source range the same way. Imports only IR types.
import type { BinOp, Expr, ExprOf, Literal, RelOp, SourceRange, Stmt, StmtOf } from '../../model/ir.ts';

export function value(v: Literal, range?: SourceRange): ExprOf<'value'> {
  return range ? { kind: 'value', value: v, range } : { kind: 'value', value: v };
}

export function payload(protocol: string, field: string, range?: SourceRange): ExprOf<'payload'> {
  return range ? { kind: 'payload', protocol, field, range } : { kind: 'payload', protocol, field };
}

export function meta(key: string, range?: SourceRange): ExprOf<'meta'> {
  return range ? { kind: 'meta', key, range } : { kind: 'meta', key };
}

export function ct(key: string, dir?: 'original' | 'reply', range?: SourceRange): ExprOf<'ct'> {
  const e: { kind: 'ct'; key: string; dir?: 'original' | 'reply'; range?: SourceRange } = { kind: 'ct', key };
  if (dir) e.dir = dir;
  if (range) e.range = range;
  return e;
}

export function prefix(addr: string, len: number, range?: SourceRange): ExprOf<'prefix'> {
  return range ? { kind: 'prefix', expr: value(addr, range), len, range } : { kind: 'prefix', expr: value(addr), len };
}

export function rangeOf(from: Literal, to: Literal, range?: SourceRange): ExprOf<'range'> {
  return range ? { kind: 'range', from: value(from, range), to: value(to, range), range } : { kind: 'range', from: value(from), to: value(to) };
}

/** A single value, or a range when the ends differ. */
export function valueOrRange(from: Literal, to: Literal, range?: SourceRange): Expr {
  return from === to ? value(from, range) : rangeOf(from, to, range);
}

export function set(items: readonly Expr[], range?: SourceRange): ExprOf<'set'> {
  return range ? { kind: 'set', items, range } : { kind: 'set', items };
}

export function list(items: readonly Expr[], range?: SourceRange): ExprOf<'list'> {
  return range ? { kind: 'list', items, range } : { kind: 'list', items };
}

/** A value for one name, a flag list for several (`syn` / `syn,ack`), as nft -j prints flag values. */
export function flags(names: readonly string[], range?: SourceRange): Expr {
  return names.length === 1 ? value(names[0] ?? '', range) : list(names.map((n) => value(n, range)), range);
}

export function binop(op: BinOp, left: Expr, right: Expr, range?: SourceRange): ExprOf<'binop'> {
  return range ? { kind: 'binop', op, left, right, range } : { kind: 'binop', op, left, right };
}

export function match(op: RelOp, left: Expr, right: Expr, range?: SourceRange): StmtOf<'match'> {
  return range ? { kind: 'match', op, left, right, range } : { kind: 'match', op, left, right };
}

export function mangle(key: Expr, v: Expr, range?: SourceRange): StmtOf<'mangle'> {
  return range ? { kind: 'mangle', key, value: v, range } : { kind: 'mangle', key, value: v };
}

export function withRange<T extends Stmt>(stmt: T, range: SourceRange | undefined): T {
  return range ? { ...stmt, range } : stmt;
}

/** Drops undefined members so that IR objects compare and serialise cleanly. */
export function compact<T extends object>(o: T): T {
  const out: Record<string, unknown> = {};
  // for-in rather than Object.entries (no array of pairs per node); callers pass object literals, whose
  // keys for-in visits in the same order.
  for (const k in o) {
    const v = o[k];
    if (v !== undefined) out[k] = v;
  }
  return out as T;
}

export function spanOf(a: SourceRange, b: SourceRange | undefined): SourceRange {
  if (!b) return a;
  return { start: Math.min(a.start, b.start), end: Math.max(a.end, b.end) };
}

/** A `mark`-like value with mask as iptables matches it: `(x & mask) == v`, or `x == v` for a full mask. */
export function maskedMatch(left: Expr, v: number, mask: number, full: number, negated: boolean, range?: SourceRange, argRange?: SourceRange): Stmt {
  const op: RelOp = negated ? '!=' : '==';
  if (mask === full) return match(op, left, value(v, argRange), range);
  return match(op, binop('&', left, value(mask, argRange), range), value(v, argRange), range);
}
