// Set and map lookups: an index built once per set (cached on the set object), with a hash map for exact
// keys, a sorted interval list with binary search for one-dimensional ranges/prefixes, and a scan only for
// multi-dimensional intervals and interface wildcards. kube-proxy maps hold thousands of elements; a lookup
// must not be linear. Imports the model, eval/value, eval/addr, eval/exprText.
import type { Expr, SourceRange } from '../model/ir.ts';
import { prefixMask } from './addr.ts';
import { exprText } from './exprText.ts';
import { literalToVal, valKey, ifnameMatches, type DType, type Val } from './value.ts';

type Part =
  | { readonly kind: 'eq'; readonly val: Val }
  | { readonly kind: 'range'; readonly lo: bigint; readonly hi: bigint }
  | { readonly kind: 'wild'; readonly pattern: string };

export interface SetEntry {
  readonly text: string;
  readonly parts: readonly Part[];
  readonly data?: Expr;
  readonly range?: SourceRange;
  /** ipset `nomatch` element: a packet whose most specific element is this one does not match. */
  readonly nomatch?: boolean;
}

export interface SetIndex {
  readonly size: number;
  readonly exact: ReadonlyMap<string, SetEntry>;
  /** One-dimensional intervals sorted by lower bound; maxHi[i] = max(hi[0..i]) lets a binary search find
   *  any interval containing a value even if intervals overlapped. */
  readonly intervals: { readonly lo: readonly bigint[]; readonly hi: readonly bigint[]; readonly maxHi: readonly bigint[]; readonly entries: readonly SetEntry[] };
  /** Multi-dimensional intervals and wildcards (scanned). */
  readonly general: readonly SetEntry[];
  /** Elements that could not be converted to the key type (reported, never silently dropped). */
  readonly problems: readonly string[];
}

const cache = new WeakMap<object, SetIndex>();

/** The index of a set's elements for keys of the given component types; cached on `owner` (the NamedSet or
 *  the anonymous set expression). */
export function indexOf(owner: object, elements: readonly Expr[], types: readonly DType[]): SetIndex {
  const hit = cache.get(owner);
  if (hit) return hit;
  const idx = buildIndex(elements, types);
  cache.set(owner, idx);
  return idx;
}

function buildIndex(elements: readonly Expr[], types: readonly DType[]): SetIndex {
  const exact = new Map<string, SetEntry>();
  const single: SetEntry[] = [];
  const general: SetEntry[] = [];
  const problems: string[] = [];
  for (const el of elements) {
    let key = el;
    let data: Expr | undefined;
    if (key.kind === 'mapping') {
      data = key.data;
      key = key.key;
    }
    const nomatch = key.kind === 'elem' && key.ipset?.nomatch === true;
    if (key.kind === 'elem') key = key.value;
    const comps = key.kind === 'concat' ? key.items : [key];
    if (comps.length !== types.length) {
      problems.push(`element ${exprText(key)} has ${comps.length} part(s), the key has ${types.length}`);
      continue;
    }
    const parts: Part[] = [];
    let bad: string | undefined;
    comps.forEach((c, i) => {
      if (bad) return;
      const p = toPart(c, types[i]!);
      if (typeof p === 'string') bad = p;
      else parts.push(p);
    });
    if (bad) {
      problems.push(`element ${exprText(key)}: ${bad}`);
      continue;
    }
    const entry: SetEntry = { text: exprText(key, types.some((t) => t.str)), parts, ...(data ? { data } : {}), ...(el.range ? { range: el.range } : {}), ...(nomatch ? { nomatch } : {}) };
    if (parts.every((p) => p.kind === 'eq')) {
      const k = parts.map((p) => valKey((p as { val: Val }).val)).join('|');
      if (!exact.has(k)) exact.set(k, entry);
    } else if (parts.length === 1 && parts[0]!.kind === 'range') single.push(entry);
    else general.push(entry);
  }
  // By lower bound, wider first: scanning back from a key meets the most specific containing interval first
  // (ipset hash:net semantics, where a more specific `nomatch` element excludes).
  single.sort((a, b) => cmp((a.parts[0] as { lo: bigint }).lo, (b.parts[0] as { lo: bigint }).lo) || cmp((b.parts[0] as { hi: bigint }).hi, (a.parts[0] as { hi: bigint }).hi));
  const lo = single.map((e) => (e.parts[0] as { lo: bigint }).lo);
  const hi = single.map((e) => (e.parts[0] as { hi: bigint }).hi);
  const maxHi: bigint[] = [];
  hi.forEach((h, i) => maxHi.push(i === 0 || h > maxHi[i - 1]! ? h : maxHi[i - 1]!));
  return { size: elements.length, exact, intervals: { lo, hi, maxHi, entries: single }, general, problems };
}

const cmp = (a: bigint, b: bigint) => (a < b ? -1 : a > b ? 1 : 0);

function toPart(e: Expr, t: DType): Part | string {
  switch (e.kind) {
    case 'elem':
      return toPart(e.value, t);
    case 'value': {
      if (t.str && typeof e.value === 'string' && e.value.endsWith('*') && !e.value.endsWith('\\*')) return { kind: 'wild', pattern: e.value };
      const c = literalToVal(e.value, t);
      return c.ok ? { kind: 'eq', val: c.val } : c.why;
    }
    case 'prefix': {
      if (e.expr.kind !== 'value') return 'prefix of a non-constant';
      const c = literalToVal(e.expr.value, t);
      if (!c.ok || c.val.k !== 'int') return c.ok ? 'bad prefix' : c.why;
      const m = prefixMask(e.len, t.bits);
      const base = c.val.v & m;
      return { kind: 'range', lo: base, hi: base | (((1n << BigInt(t.bits)) - 1n) ^ m) };
    }
    case 'range': {
      if (e.from.kind !== 'value' || e.to.kind !== 'value') return 'range of non-constants';
      const a = literalToVal(e.from.value, t);
      const b = literalToVal(e.to.value, t);
      if (!a.ok) return a.why;
      if (!b.ok) return b.why;
      if (a.val.k !== 'int' || b.val.k !== 'int') return 'range of strings';
      return { kind: 'range', lo: a.val.v, hi: b.val.v };
    }
    case 'list': {
      // A flag list inside a set element (`{ established,related }` is not valid nft, but OR it like nft would).
      let v = 0n;
      for (const i of e.items) {
        const p = toPart(i, t);
        if (typeof p === 'string') return p;
        if (p.kind !== 'eq' || p.val.k !== 'int') return 'bad flag list';
        v |= p.val.v;
      }
      return { kind: 'eq', val: { k: 'int', v, bits: t.bits, type: t.name } };
    }
    case 'binop': {
      // A constant expression, as nft folds it before it reaches the kernel (`{ syn | ack, syn }`).
      const a = toPart(e.left, t);
      const b = toPart(e.right, e.op === '<<' || e.op === '>>' ? { ...t, name: 'integer', str: false } : t);
      if (typeof a === 'string') return a;
      if (typeof b === 'string') return b;
      if (a.kind !== 'eq' || b.kind !== 'eq' || a.val.k !== 'int' || b.val.k !== 'int') return `unsupported element ${exprText(e)}`;
      const mask = (1n << BigInt(t.bits)) - 1n;
      const [x, y] = [a.val.v, b.val.v];
      const v = e.op === '|' ? x | y : e.op === '&' ? x & y : e.op === '^' ? x ^ y : e.op === '<<' ? x << y : x >> y;
      return { kind: 'eq', val: { k: 'int', v: v & mask, bits: t.bits, type: t.name } };
    }
    default:
      return `unsupported element ${exprText(e)}`;
  }
}

function partMatches(p: Part, v: Val): boolean {
  switch (p.kind) {
    case 'eq':
      return p.val.k === 'str' && v.k === 'str' ? ifnameMatches(v.v, p.val.v) : valKey(p.val) === valKey(v);
    case 'range':
      return v.k === 'int' && p.lo <= v.v && v.v <= p.hi;
    case 'wild':
      return v.k === 'str' && ifnameMatches(v.v, p.pattern);
  }
}

function componentsOf(key: Val, n: number): readonly Val[] {
  return n > 1 && key.k === 'cat' ? key.items : [key];
}

/** The element a key is in, or undefined (also when the most specific element is an ipset `nomatch`). */
export function lookup(idx: SetIndex, key: Val, n: number): SetEntry | undefined {
  const e = lookupAny(idx, key, n);
  return e?.nomatch ? undefined : e;
}

function lookupAny(idx: SetIndex, key: Val, n: number): SetEntry | undefined {
  const comps = componentsOf(key, n);
  const hit = idx.exact.get(comps.map(valKey).join('|'));
  if (hit) return hit;
  if (n === 1 && idx.intervals.entries.length && key.k === 'int') {
    // Last interval whose lower bound is ≤ key, then walk back while some earlier interval may still reach.
    const { lo, hi, maxHi, entries } = idx.intervals;
    let a = 0;
    let b = lo.length - 1;
    let at = -1;
    while (a <= b) {
      const m = (a + b) >> 1;
      if (lo[m]! <= key.v) {
        at = m;
        a = m + 1;
      } else b = m - 1;
    }
    for (let i = at; i >= 0 && maxHi[i]! >= key.v; i--) if (hi[i]! >= key.v) return entries[i];
  }
  for (const e of idx.general) if (e.parts.every((p, i) => partMatches(p, comps[i]!))) return e;
  return undefined;
}

/** Elements that could match a key with unknown components (null): the known parts must match. */
export function candidates(idx: SetIndex, parts: readonly (Val | null)[]): SetEntry[] {
  const all = [...idx.exact.values(), ...idx.intervals.entries, ...idx.general];
  return all.filter((e) => e.parts.every((p, i) => parts[i] === null || parts[i] === undefined || partMatches(p, parts[i]!)));
}
