// Expressions of nft rules: payload fields, extension headers, options, meta/ct/fib/rt/socket/osf/numgen/
// hash/ipsec/tunnel keys, raw payload, binary operations, concatenations, constants typed by the expression
// they are compared with, set literals, set references, map lookups and verdicts. One function per construct
// (nftables parser_bison.y primary_expr, rhs_expr, set_expr). Imports the model, the parser core and values.
import type { Expr, Family, Literal, SourceRange, Stmt, Verdict } from '../../model/ir.ts';
import {
  CT_KEYS,
  EXTHDR_FIELDS,
  FIB_FLAGS,
  FIB_RESULTS,
  INNER_TUNNELS,
  IP_OPTIONS,
  IPSEC_KEYS,
  META_BRIDGE_KEYS,
  META_KEY_ALIASES,
  META_KEYS,
  META_UNQUALIFIED_KEYS,
  OSF_KEYS,
  PAYLOAD_PROTOCOLS,
  RT_KEYS,
  SCTP_CHUNKS,
  SOCKET_KEYS,
  TCP_OPTIONS,
  TUNNEL_KEYS,
  bitsOf,
  datatypeInfo,
  datatypeOf,
  isBitmaskType,
  symbolValue,
} from '../../model/datatypes.ts';
import { ParserCore, rangeOf } from './core.ts';
import { M } from './messages.ts';
import type { Token } from './scanner.ts';
import { convertValue, firstOverlap, integerLiteral, maskAddress, parseInteger, parseTime, rangeAsPrefix, sortElements } from './values.ts';
import { lookupTable } from '../../model/lookup.ts';

const has = (o: object, k: string): boolean => Object.prototype.hasOwnProperty.call(o, k);

export const EXTHDR_NAMES = Object.keys(EXTHDR_FIELDS);
const TRANSPORT_PROTOS = new Set(['tcp', 'udp', 'udplite', 'sctp', 'dccp', 'icmp', 'icmpv6', 'igmp', 'ah', 'esp', 'comp', 'gre']);
const VERDICT_WORDS = new Set(['accept', 'drop', 'continue', 'return', 'jump', 'goto', 'queue']);
/** The word forms of the binary operators (`and`, `or`, …). */
function binopWord(word: string): '&' | '|' | '^' | '<<' | '>>' | undefined {
  switch (word) {
    case 'and':
      return '&';
    case 'or':
      return '|';
    case 'xor':
      return '^';
    case 'lshift':
      return '<<';
    case 'rshift':
      return '>>';
    default:
      return undefined;
  }
}
// The operators of each precedence level, made once: binopAt runs at every level for every primary.
const OR_OPS = ['|'] as const;
const XOR_OPS = ['^'] as const;
const AND_OPS = ['&'] as const;
const SHIFT_OPS = ['<<', '>>'] as const;
const RHS_OPS = ['|', '&', '^', '<<', '>>'] as const;

/** Per-rule protocol context (nft's proto_ctx, reduced): the network and transport protocols the rule has
 *  already matched, to resolve `ct saddr` and report conflicting protocols. */
export interface RuleProtoContext {
  l3?: 'ip' | 'ip6' | 'arp';
  l3At?: SourceRange;
  l4?: string;
  l4At?: SourceRange;
  /** Some transport protocol match (possibly a set) was seen. */
  l4Any?: boolean;
  /** The protocol an `ether type` match announced. */
  l2next?: string;
}

/** What a constant is compared with: its datatype and width, so that `ssh` becomes 22. */
export interface ValueType {
  readonly dt?: string;
  readonly bits?: number;
}

export class ExprParser {
  rule: RuleProtoContext = {};
  /** Parsing a set's `typeof` expression: a type, not a match, so protocol context checks do not apply. */
  typeofMode = false;
  /** Parsing the inner header of a tunnel (`vxlan ip saddr`): the outer protocol context is left alone. */
  inner = false;
  /** Nesting depth of parentheses and braces being parsed. */
  depth = 0;
  /** Set by `meta set <key>`: the statement is a mangle even though `set` came first. */
  pendingSet = false;
  /** Parses statements inside set elements (`counter`, `quota`, `limit`, `last`, `ct count`) and anonymous
   *  chains; installed by the statement parser to avoid a module cycle. */
  elemStmt: (p: ExprParser) => Stmt | undefined = () => undefined;
  anonChain: (p: ExprParser, verdict: 'jump' | 'goto') => Verdict | undefined = () => undefined;

  constructor(readonly p: ParserCore) {}

  get family(): Family {
    return this.p.ctx.family;
  }

  // ───────────────────────────── general expressions ─────────────────────────────

  /** An expression (statement left side, statement argument): concatenation of binary operations of
   *  primaries; constants are typed by `type` when given. */
  parseExpr(type: ValueType = {}): Expr {
    const start = this.p.peek().start;
    const first = this.parseBinop(type, 0);
    let e: Expr = first;
    if (this.p.at('.')) {
      const items: Expr[] = [first];
      while (this.p.eat('.')) items.push(this.parseBinop(type, items.length));
      e = { kind: 'concat', items, range: this.p.range(start) };
    }
    // `key map { … }` applies to the whole concatenation (nft map_expr: concat_expr MAP rhs_expr).
    if (this.p.at('map')) e = this.parseMapLookup(e, type);
    return e;
  }

  private parseBinop(type: ValueType, index: number): Expr {
    return this.parseOr(partType(type, index));
  }

  private binopAt(ops: readonly string[]): '&' | '|' | '^' | '<<' | '>>' | undefined {
    const t = this.p.peek();
    if (t.kind === 'punct') return ops.includes(t.value) ? (t.value as '&' | '|' | '^' | '<<' | '>>') : undefined;
    // Words are compared by a switch, not looked up in a keyword table: this runs after every primary, and a
    // property lookup with a word of the text costs more than a few string comparisons.
    if (t.kind === 'word') {
      const op = binopWord(t.value);
      if (op && ops.includes(op)) return op;
    }
    return undefined;
  }

  private parseOr(type: ValueType): Expr {
    let left = this.parseXor(type);
    while (this.binopAt(OR_OPS)) {
      this.p.next();
      const right = this.parseXor(this.operandType(left, type));
      left = this.binop('|', left, right);
    }
    return left;
  }

  private parseXor(type: ValueType): Expr {
    let left = this.parseAnd(type);
    while (this.binopAt(XOR_OPS)) {
      this.p.next();
      left = this.binop('^', left, this.parseAnd(this.operandType(left, type)));
    }
    return left;
  }

  private parseAnd(type: ValueType): Expr {
    let left = this.parseShift(type);
    while (this.binopAt(AND_OPS)) {
      this.p.next();
      left = this.binop('&', left, this.parseShift(this.operandType(left, type)));
    }
    return left;
  }

  private parseShift(type: ValueType): Expr {
    let left = this.parseUnit(type);
    for (let op = this.binopAt(SHIFT_OPS); op; op = this.binopAt(SHIFT_OPS)) {
      this.p.next();
      // Shift amounts are plain integers.
      left = this.binop(op, left, this.parseUnit({ dt: 'integer', bits: 32 }));
    }
    return left;
  }

  /** The type constants on the right of a binary operation take: that of the left operand. */
  private operandType(left: Expr, outer: ValueType): ValueType {
    // A shifted value is a plain integer for nft (`ip dscp << 2 | 0x10`: 16, not cs2).
    if (left.kind === 'binop' && (left.op === '<<' || left.op === '>>')) return { dt: 'integer' };
    const dt = datatypeOf(left, this.family);
    // Masks of addresses are written as numbers or addresses (`ip saddr & 0xff`, `& 255.255.0.0`); nft
    // does not range-check binop operands against the field width (`ip dscp | 0x40`).
    if (dt === 'ipv4_addr' || dt === 'ipv6_addr' || dt === 'ether_addr') return {};
    if (dt) return { dt, bits: 0 };
    return outer;
  }

  private binop(op: '&' | '|' | '^' | '<<' | '>>', left: Expr, right: Expr): Expr {
    const start = left.range?.start ?? right.range?.start ?? this.p.lastEnd;
    const dt = datatypeOf(left, this.family);
    if (dt && datatypeInfo(dt)?.base === 'string') {
      this.p.error(M.typeMismatch.code, M.typeMismatch.text(`'${op}' cannot be applied to ${dt} values`), this.p.range(start));
    }
    return { kind: 'binop', op, left, right, range: this.p.range(start) };
  }

  /** A primary with an optional `/len` prefix or `-to` range, or a `map` lookup following it. */
  private parseUnit(type: ValueType): Expr {
    return this.parsePrefixOrRange(this.parsePrimary(type), type);
  }

  /** `key map { k : v }` / `key map @m`: a map lookup whose result has the type the context expects. */
  parseMapLookup(key: Expr, type: ValueType): Expr {
    this.p.next();
    const keyDt = datatypeOf(key, this.family);
    let data: Expr;
    if (this.p.at('@')) data = this.parseSetRef();
    else if (this.p.at('{')) data = this.parseSetLiteral({ keyDt, dataDt: type.dt, map: true });
    else {
      this.p.errorExpected("'{' or '@map' after 'map'");
      data = { kind: 'opaque', text: '', range: rangeOf(this.p.peek()) };
    }
    return { kind: 'map', key, data, range: this.p.range(key.range?.start ?? this.p.lastEnd) };
  }

  private parsePrefixOrRange(e: Expr, type: ValueType): Expr {
    if (e.kind !== 'value') return e;
    // `/len` after an address or integer: a prefix (not for bitmask types, where `/` is the mask shorthand).
    if (this.p.at('/') && !isBitmaskType(type.dt) && this.p.peek(1).kind === 'word' && /^[0-9]+$/.test(this.p.peek(1).value)) {
      this.p.next();
      const lenTok = this.p.next();
      const len = Number(lenTok.value);
      const max = type.bits ?? (typeof e.value === 'string' && e.value.includes(':') ? 128 : 32);
      if (len > max) this.p.error(M.badPrefix.code, M.badPrefix.text(lenTok.value, max), rangeOf(lenTok));
      const value = maskAddress(e.value, len);
      return { kind: 'prefix', expr: { ...e, value }, len, range: this.p.range(e.range?.start ?? lenTok.start) };
    }
    if (this.p.at('-') && this.startsValue(1)) {
      this.p.next();
      const to = this.parsePrimary(type);
      this.checkRange(e, to);
      // nft -j prints range ends of symbolic integer types as numbers (`10-20` of inet_proto, not hmp).
      const from = this.numericEnd(e);
      return { kind: 'range', from, to: this.numericEnd(to), range: this.p.range(e.range?.start ?? this.p.lastEnd) };
    }
    return e;
  }

  private numericEnd(e: Expr): Expr {
    if (e.kind !== 'value' || typeof e.value !== 'string' || !e.range) return e;
    const written = this.p.slice(e.range);
    const n = parseInteger(written);
    return n !== undefined ? { ...e, value: integerLiteral(n) } : e;
  }

  private startsValue(k: number): boolean {
    const t = this.p.peek(k);
    return t.kind === 'word' || t.kind === 'string' || t.kind === 'variable';
  }

  private checkRange(from: Expr, to: Expr): void {
    if (from.kind !== 'value' || to.kind !== 'value') return;
    if (typeof from.value === 'number' && typeof to.value === 'number' && from.value > to.value) {
      this.p.error(M.badRange.code, M.badRange.text(String(from.value), String(to.value)), this.p.range(from.range?.start ?? 0));
    }
  }

  /** One primary: a keyword expression (`ip saddr`, `meta mark`, …) when the words form one, else a
   *  constant typed by `type`, a set literal, a set reference, a parenthesised expression. */
  parsePrimary(type: ValueType, constantsOnly = false): Expr {
    const t = this.p.peek();
    if (this.depth > MAX_DEPTH) return this.tooDeep(t);
    if (t.kind === 'punct') {
      switch (t.value) {
        case '(': {
          this.p.next();
          this.depth++;
          try {
            const e = constantsOnly ? this.parseRhsItem(type) : this.parseExpr(type);
            this.p.expect(')');
            return e;
          } finally {
            this.depth--;
          }
        }
        case '{':
          return this.parseSetLiteral({ keyDt: type.dt, keyBits: type.bits });
        case '@':
          if (!constantsOnly) {
            const raw = this.tryRawPayload();
            if (raw) return raw;
          }
          return this.parseSetRef();
        case '*':
          this.p.next();
          return { kind: 'value', value: '*', range: rangeOf(t) };
        case '-': {
          // A negative number (priorities, offsets).
          const n = this.p.peek(1);
          if (n.kind === 'word' && parseInteger(n.value) !== undefined && !n.spaced) {
            this.p.next();
            this.p.next();
            return { kind: 'value', value: -Number(n.value), range: this.p.range(t.start) };
          }
          break;
        }
      }
    }
    if (t.kind === 'variable') {
      this.p.next();
      this.p.error(M.undefinedVariable.code, M.undefinedVariable.text(t.value, suggestVar(this.p, t.value)), rangeOf(t));
      return { kind: 'variable', name: t.value, range: rangeOf(t) };
    }
    if (t.kind === 'word' && !constantsOnly && !this.preferSymbol(t.value, type) && this.startsKeywordExpr()) {
      const e = this.parseKeywordExpr();
      if (e) return e;
    }
    if (t.kind === 'word' || t.kind === 'string') return this.parseConstant(type);
    this.p.errorExpected('a value or an expression');
    return { kind: 'opaque', text: '', range: rangeOf(t) };
  }

  /** A word that is a symbol of the expected datatype is a constant even if it could start an expression
   *  (`ct event set mark`, `ether type ip`, `meta l4proto tcp`). */
  private preferSymbol(word: string, type: ValueType): boolean {
    if (!type.dt) return false;
    if (!type.dt.includes(' . ')) return symbolValue(type.dt, word) !== undefined;
    return type.dt.split(' . ').some((d) => symbolValue(d, word) !== undefined);
  }

  /** A constant (word or string) converted for its datatype; errors are reported and the text kept. */
  parseConstant(type: ValueType): Expr {
    const t = this.p.next();
    let text = t.value;
    let end = t.end;
    // `1:2` classids, `17:00` hours and `[ipv6]` are written without spaces around `:`.
    if (t.kind === 'word' && (type.dt === 'classid' || type.dt === 'hour') && this.p.at(':') && !this.p.peek().spaced && this.p.peek(1).kind === 'word' && !this.p.peek(1).spaced) {
      this.p.next();
      const b = this.p.next();
      text = `${text}:${b.value}`;
      end = b.end;
      if (type.dt === 'hour' && this.p.at(':') && !this.p.peek().spaced && this.p.peek(1).kind === 'word') {
        this.p.next();
        const c = this.p.next();
        text = `${text}:${c.value}`;
        end = c.end;
      }
    }
    const range = { start: t.start, end };
    // nft prints `0xa020304 [invalid type]` for a constant whose datatype it lost; keep the number.
    if (this.p.at('[') && this.p.at('invalid', 1) && this.p.at('type', 2) && this.p.at(']', 3)) {
      for (let i = 0; i < 4; i++) this.p.next();
      this.p.warning(M.unsupportedConstruct.code, M.unsupportedConstruct.text(`a value printed as '[invalid type]'`), this.p.range(t.start));
      const n = parseInteger(text);
      return { kind: 'value', value: n !== undefined ? Number(n) : text, range };
    }
    // `exists`/`missing` test presence for any expression (`fib daddr oif missing`, `tcp option sack exists`).
    if (t.kind === 'word' && (text === 'exists' || text === 'missing') && !(type.dt && symbolValue(type.dt, text) !== undefined)) {
      return { kind: 'value', value: text === 'exists', range };
    }
    const value = this.convert(text, t.kind === 'string', type, range);
    return { kind: 'value', value, range };
  }

  convert(text: string, quoted: boolean, type: ValueType, range: SourceRange): Literal {
    const r = convertValue(text, quoted, type.dt && !type.dt.includes(' . ') ? type.dt : undefined, type.bits);
    if (r.ok) return r.value;
    this.p.error(r.code, r.message, range);
    return text;
  }

  // ───────────────────────────── right-hand sides ─────────────────────────────

  /** The right side of a match: constants only (nft's rhs_expr), with comma lists for flag values. */
  parseRhs(type: ValueType, allowList: boolean): Expr {
    const start = this.p.peek().start;
    const first = this.parseRhsItem(type);
    if (!allowList || !this.p.at(',')) return first;
    const items: Expr[] = [first];
    while (this.p.eat(',')) {
      this.p.skipLineBreaks();
      items.push(this.parseRhsItem(type));
    }
    return { kind: 'list', items, range: this.p.range(start) };
  }

  /** One right-side item: a concatenation of constants, ranges and prefixes, or a set, or `@set`. */
  parseRhsItem(type: ValueType): Expr {
    const start = this.p.peek().start;
    // A set is typed by the whole (possibly concatenated) left side.
    if (this.p.at('{')) return this.parseSetLiteral({ keyDt: type.dt, keyBits: type.bits });
    const first = this.parseRhsBinop(partType(type, 0));
    if (!this.p.at('.')) return first;
    const items: Expr[] = [first];
    while (this.p.eat('.')) items.push(this.parseRhsBinop(partType(type, items.length)));
    return { kind: 'concat', items, range: this.p.range(start) };
  }

  private parseRhsBinop(type: ValueType): Expr {
    let left = this.parseRhsUnit(type);
    for (let op = this.binopAt(RHS_OPS); op; op = this.binopAt(RHS_OPS)) {
      this.p.next();
      const right = this.parseRhsUnit(op === '<<' || op === '>>' ? { dt: 'integer', bits: 32 } : type);
      left = this.binop(op, left, right);
    }
    return left;
  }

  private parseRhsUnit(type: ValueType): Expr {
    const e = this.parsePrimary(type, true);
    return this.parsePrefixOrRange(e, type);
  }

  // ───────────────────────────── sets ─────────────────────────────

  parseSetRef(): Expr {
    const at = this.p.next();
    const t = this.p.peek();
    if ((t.kind === 'word' || t.kind === 'string') && !t.spaced) {
      this.p.next();
      return { kind: 'setref', name: t.value, range: this.p.range(at.start) };
    }
    this.p.errorExpected("a set name after '@'");
    return { kind: 'setref', name: '', range: rangeOf(at) };
  }

  /** `{ a, b, c }` or `{ k : v, … }`: elements (with options such as timeout, comment, counter), nested sets
   *  flattened, sorted as nft lists them; interval elements written as ranges that are prefixes become
   *  prefixes. */
  parseSetLiteral(opts: { keyDt?: string; keyBits?: number; dataDt?: string; map?: boolean; interval?: boolean; keepOrder?: boolean }): Expr {
    if (this.depth > MAX_DEPTH) return this.tooDeep(this.p.peek());
    this.depth++;
    try {
      return this.parseSetLiteralInner(opts);
    } finally {
      this.depth--;
    }
  }

  /** Nesting beyond any real ruleset: reported once, the rest of the statement skipped (keeps the parser's
   *  recursion bounded). */
  tooDeep(t: Token): Expr {
    this.p.error(M.badStatement.code, M.badStatement.text(`expression nested more than ${MAX_DEPTH} levels deep`), rangeOf(t));
    while (!this.p.atEnd() && this.p.peek().kind !== 'newline' && !this.p.at(';')) this.p.next();
    return { kind: 'opaque', text: '', range: rangeOf(t) };
  }

  private parseSetLiteralInner(opts: { keyDt?: string; keyBits?: number; dataDt?: string; map?: boolean; interval?: boolean; keepOrder?: boolean }): Expr {
    const open = this.p.next();
    const items: Expr[] = [];
    const keyType: ValueType = { dt: opts.keyDt, bits: opts.keyBits ?? (opts.keyDt ? datatypeInfo(opts.keyDt)?.bits : undefined) };
    for (;;) {
      this.p.skipLineBreaks();
      const t = this.p.peek();
      if (t.kind === 'punct' && t.value === '}') break;
      if (t.kind === 'eof') break;
      const before = this.p.lastEnd;
      const tokBefore = this.p.peek();
      const elem = this.parseSetElement(keyType, opts);
      if (elem.kind === 'set') items.push(...elem.items);
      else {
        this.checkElement(elem, opts.keyDt);
        items.push(elem);
      }
      this.p.skipLineBreaks();
      if (this.p.eat(',')) continue;
      if (this.p.at('}')) break;
      if (this.p.peek().kind === 'eof') break;
      this.p.errorExpected("',' or '}' in the set");
      // Skip to the next element or the end of the set.
      while (!this.p.at(',') && !this.p.at('}') && this.p.peek().kind !== 'eof' && !this.p.at(';')) {
        if (this.p.peek() === tokBefore && this.p.lastEnd === before) this.p.next();
        else this.p.next();
      }
      if (this.p.at(';')) break;
      this.p.eat(',');
    }
    const close = this.p.peek();
    if (close.kind === 'punct' && close.value === '}') this.p.next();
    else
      this.p.error(M.unclosedBlock.code, M.unclosedBlock.text(this.p.describe(close)), rangeOf(close), {
        message: M.blockOpenedHere.text,
        range: rangeOf(open),
      });
    const range = this.p.range(open.start);
    const keyDts = opts.keyDt ? opts.keyDt.split(' . ') : [];
    // A one-element set keeps its element as written (`ip saddr { 1.1.1.1-1.1.1.2 }` lists unchanged).
    const single = items.length === 1;
    const interval = !single && (opts.interval || items.some((e) => isIntervalElem(e)));
    // nft merges duplicate elements (also those coming from nested `define`d sets).
    if (items.length > 1) {
      const seen = new Set<string>();
      for (let i = 0; i < items.length; i++) {
        const it = items[i] as Expr;
        const k = elementKey(it.kind === 'mapping' ? it.key : it);
        if (seen.has(k)) items.splice(i--, 1);
        else seen.add(k);
      }
    }
    const mappings = items.filter((e) => e.kind === 'mapping').length;
    if (mappings > 0 && mappings < items.length) {
      this.p.error(M.typeMismatch.code, M.typeMismatch.text("a map needs 'key : value' for every element"), items.find((e) => e.kind !== 'mapping')?.range ?? range);
    }
    if (interval && items.some((e) => e.kind === 'mapping')) {
      const bad = firstOverlap(items);
      if (bad) this.p.error(M.badSetSpec.code, M.badSetSpec.text('this map element overlaps another interval of the map'), bad.range ?? range);
    }
    let out = interval ? items.map(toIntervalElem) : items;
    if (!opts.keepOrder) out = sortElements(out, keyDts);
    return { kind: 'set', items: out, range };
  }

  private parseSetElement(keyType: ValueType, opts: { dataDt?: string; map?: boolean }): Expr {
    const start = this.p.peek().start;
    let key: Expr;
    if (this.p.at('{')) key = this.parseSetLiteral({ keyDt: keyType.dt, dataDt: opts.dataDt, map: opts.map, keepOrder: true });
    else key = this.parseRhsItem(keyType);
    key = this.parseElemOptions(key, start);
    if (!this.p.at(':')) return key;
    this.p.next();
    this.p.skipLineBreaks();
    let data: Expr;
    if (opts.dataDt === 'verdict' || (opts.dataDt === undefined && this.atVerdict())) {
      const v = this.parseVerdict();
      data = v ? { kind: 'verdict', verdict: v, range: this.p.range(start) } : { kind: 'opaque', text: '', range: rangeOf(this.p.peek()) };
    } else {
      data = this.parseRhsItem({ dt: opts.dataDt, bits: opts.dataDt ? datatypeInfo(opts.dataDt)?.bits : undefined });
      const ddt = opts.dataDt ?? '';
      if (data.kind === 'prefix' && ddt && ddt !== 'ipv4_addr' && ddt !== 'ipv6_addr') {
        this.p.error(M.typeMismatch.code, M.typeMismatch.text(`a prefix is not a valid ${ddt} value`), data.range ?? rangeOf(this.p.peek()));
      }
    }
    return { kind: 'mapping', key, data, range: this.p.range(start) };
  }

  /** Set elements are constants of the set's key type (`tcp << 8` or a lone value in a concatenated set is
   *  refused by nft). */
  private checkElement(e: Expr, keyDt: string | undefined): void {
    const key = e.kind === 'mapping' ? e.key : e;
    const v = key.kind === 'elem' ? key.value : key;
    const range = v.range ?? e.range ?? rangeOf(this.p.peek());
    if (!isConstant(v) && v.kind !== 'set') {
      this.p.error(M.typeMismatch.code, M.typeMismatch.text('set elements must be constant values'), range);
      return;
    }
    const parts = keyDt ? concatParts(keyDt) : 1;
    if (parts > 1 && v.kind !== 'concat' && !(v.kind === 'value' && v.value === '*') && v.kind !== 'set') {
      this.p.error(M.typeMismatch.code, M.typeMismatch.text(`elements of this set are concatenations of ${parts} values (${keyDt})`), range);
    } else if (v.kind === 'concat' && keyDt && v.items.length !== parts) {
      this.p.error(M.typeMismatch.code, M.typeMismatch.text(`element has ${v.items.length} values but the set key has ${parts} (${keyDt})`), range);
    }
  }

  /** `timeout 1s expires 2s comment "x" counter …` after a set element. */
  parseElemOptions(value: Expr, start: number, dynamic = false): Expr {
    let timeout: number | undefined;
    let expires: number | undefined;
    let comment: string | undefined;
    let counter: { packets: number; bytes: number } | undefined;
    const stmts: Stmt[] = [];
    let any = false;
    for (;;) {
      const t = this.p.peek();
      if (t.kind !== 'word') break;
      if (t.value === 'timeout' || t.value === 'expires') {
        this.p.next();
        const v = this.p.next();
        const ms = parseTime(v.value);
        if (ms === undefined) this.p.error(M.badTime.code, M.badTime.text(v.value), rangeOf(v));
        const secs = Math.floor((ms ?? 0) / 1000);
        if (t.value === 'timeout') timeout = secs;
        else expires = secs;
        any = true;
        continue;
      }
      if (t.value === 'comment') {
        this.p.next();
        const v = this.p.next();
        if (v.kind !== 'string' && v.kind !== 'word') this.p.errorExpected('a comment string', v);
        comment = v.value;
        any = true;
        continue;
      }
      if (t.value === 'counter' && !dynamic) {
        this.p.next();
        let packets = 0;
        let bytes = 0;
        if (this.p.at('packets')) {
          this.p.next();
          packets = Number(this.p.next().value) || 0;
        }
        if (this.p.at('bytes')) {
          this.p.next();
          bytes = Number(this.p.next().value) || 0;
        }
        counter = { packets, bytes };
        any = true;
        continue;
      }
      if (!dynamic && (t.value === 'quota' || t.value === 'limit' || t.value === 'last' || (t.value === 'ct' && this.p.at('count', 1)))) {
        const s = this.elemStmt(this);
        if (s) {
          stmts.push(s);
          any = true;
          continue;
        }
      }
      break;
    }
    if (!any) return value;
    return {
      kind: 'elem',
      value,
      ...(timeout !== undefined ? { timeout } : {}),
      ...(expires !== undefined ? { expires } : {}),
      ...(comment !== undefined ? { comment } : {}),
      ...(counter ? { counter } : {}),
      ...(stmts.length ? { stmts } : {}),
      range: this.p.range(start),
    };
  }

  // ───────────────────────────── verdicts ─────────────────────────────

  atVerdict(): boolean {
    const t = this.p.peek();
    return t.kind === 'word' && VERDICT_WORDS.has(t.value) && !(t.value === 'queue' && this.p.peek(1).kind === 'word');
  }

  /** `accept`, `drop`, `continue`, `return`, `jump x`, `goto x`, `queue`; `jump { … }` is an anonymous chain. */
  parseVerdict(): Verdict | undefined {
    const t = this.p.next();
    switch (t.value) {
      case 'accept':
      case 'drop':
      case 'continue':
      case 'return':
      case 'queue':
        return { kind: t.value };
      case 'jump':
      case 'goto': {
        if (this.p.at('{')) return this.anonChain(this, t.value);
        const n = this.p.peek();
        if (n.kind === 'word' || n.kind === 'string') {
          this.p.next();
          return { kind: t.value, target: n.value };
        }
        if (n.kind === 'variable') {
          this.p.next();
          this.p.error(M.undefinedVariable.code, M.undefinedVariable.text(n.value, suggestVar(this.p, n.value)), rangeOf(n));
          return { kind: t.value, target: `$${n.value}` };
        }
        this.p.errorExpected(`a chain name after '${t.value}'`);
        return undefined;
      }
      default:
        this.p.errorExpected('a verdict', t);
        return undefined;
    }
  }

  // ───────────────────────────── keyword expressions ─────────────────────────────

  /** Whether the next words form a keyword expression (`ip saddr`, `meta mark`, `ct state`, …). */
  startsKeywordExpr(k = 0): boolean {
    const t = this.p.peek(k);
    if (t.kind === 'punct') return t.value === '(' || (t.value === '@' && this.isRawPayloadAt(k));
    if (t.kind !== 'word') return false;
    const w = t.value;
    // Every expression keyword starts with a lowercase letter: addresses, numbers and most names (half the
    // words of a dump) are turned away before the keyword tables are searched.
    const c = w.charCodeAt(0);
    if (c < 97 || c > 122) return false;
    const n = this.p.peek(k + 1);
    const nw = n.kind === 'word' ? n.value : '';
    if (has(PAYLOAD_PROTOCOLS, w)) {
      const proto = PAYLOAD_PROTOCOLS[w];
      if (proto && has(proto.fields, nw)) return true;
      if (w === 'arp' && (nw === 'saddr' || nw === 'daddr')) return true;
      if ((w === 'tcp' || w === 'ip' || w === 'dccp') && nw === 'option') return true;
      if (w === 'sctp' && nw === 'chunk') return true;
      if (INNER_TUNNELS.includes(w) && has(PAYLOAD_PROTOCOLS, nw)) return true;
      return false;
    }
    if (w === 'rt') return has(RT_KEYS, nw) || nw === 'ip' || nw === 'ip6' || has(EXTHDR_FIELDS.rt ?? {}, nw);
    if (has(EXTHDR_FIELDS, w)) return has(EXTHDR_FIELDS[w] ?? {}, nw.replace(/\[.*$/, ''));
    switch (w) {
      case 'meta':
        return true;
      case 'ct':
        return has(CT_KEYS, nw) || nw === 'original' || nw === 'reply';
      case 'fib':
      case 'socket':
      case 'osf':
      case 'numgen':
      case 'jhash':
      case 'symhash':
      case 'ipsec':
      case 'exthdr':
        return true;
      case 'tunnel':
        return has(TUNNEL_KEYS, nw);
    }
    return META_UNQUALIFIED_KEYS.includes(w);
  }

  private isRawPayloadAt(k: number): boolean {
    const b = this.p.peek(k + 1);
    return b.kind === 'word' && ['ll', 'nh', 'th', 'ih'].includes(b.value) && this.p.at(',', k + 2);
  }

  private tryRawPayload(): Expr | undefined {
    if (!this.isRawPayloadAt(0)) return undefined;
    const at = this.p.next();
    const base = this.p.next().value as 'll' | 'nh' | 'th' | 'ih';
    this.p.expect(',');
    const off = this.intWord('a bit offset');
    this.p.expect(',');
    const len = this.intWord('a bit length');
    if (len === 0) this.p.error(M.badStatement.code, M.badStatement.text('raw payload length must not be zero'), this.p.range(at.start));
    if (len > 128) this.p.error(M.badStatement.code, M.badStatement.text(`raw payload length ${len} is above the maximum of 128 bits`), this.p.range(at.start));
    return { kind: 'payload-raw', base, offset: off, len, range: this.p.range(at.start) };
  }

  intWord(what: string): number {
    const t = this.p.peek();
    if (t.kind === 'word') {
      const n = parseInteger(t.value);
      if (n !== undefined) {
        this.p.next();
        return Number(n);
      }
    }
    this.p.errorExpected(what);
    if (t.kind === 'word') this.p.next();
    return 0;
  }

  /** Parses the keyword expression at the current token (which `startsKeywordExpr` accepted), or reports
   *  what was expected and returns an opaque node. */
  parseKeywordExpr(): Expr | undefined {
    const t = this.p.peek();
    if (t.kind === 'punct') {
      if (t.value === '(') {
        this.p.next();
        const e = this.parseExpr();
        this.p.expect(')');
        return e;
      }
      if (t.value === '@') return this.tryRawPayload();
      return undefined;
    }
    const w = t.value;
    if (w === 'rt') return this.parseRt();
    if (has(PAYLOAD_PROTOCOLS, w)) return this.parsePayload();
    if (has(EXTHDR_FIELDS, w)) return this.parseExthdr();
    switch (w) {
      case 'meta':
        return this.parseMeta();
      case 'ct':
        return this.parseCt();
      case 'fib':
        return this.parseFib();
      case 'socket':
        return this.parseSocket();
      case 'osf':
        return this.parseOsf();
      case 'numgen':
        return this.parseNumgen();
      case 'jhash':
      case 'symhash':
        return this.parseHash();
      case 'ipsec':
        return this.parseIpsec();
      case 'exthdr':
        return this.parseExthdrExists();
      case 'tunnel':
        return this.parseTunnel();
    }
    if (META_UNQUALIFIED_KEYS.includes(w)) {
      this.p.next();
      const key = META_KEY_ALIASES[w] ?? w;
      this.checkMetaKey(key, rangeOf(t));
      return { kind: 'meta', key, range: rangeOf(t) };
    }
    return undefined;
  }

  private opaqueFrom(start: number): Expr {
    const range = this.p.range(start);
    return { kind: 'opaque', text: this.p.slice(range), range };
  }

  private noteL3(proto: 'ip' | 'ip6' | 'arp', range: SourceRange): void {
    if (this.inner) return;
    const fam = this.family;
    const fixed = fam === 'ip' ? 'ip' : fam === 'ip6' ? 'ip6' : fam === 'arp' ? 'arp' : undefined;
    if (fixed && fixed !== proto) {
      this.p.error(M.conflictingProtocols.code, M.wrongFamily.text(`'${proto}' header`, fam), range);
      return;
    }
    if (this.rule.l3 && this.rule.l3 !== proto) {
      this.p.error(M.conflictingProtocols.code, M.conflictingProtocols.text(this.rule.l3, proto), range);
      return;
    }
    this.rule.l3 = proto;
    this.rule.l3At = range;
  }

  noteL4(proto: string, range: SourceRange): void {
    if (this.inner) return;
    if (this.rule.l4 && this.rule.l4 !== proto) {
      this.p.error(M.conflictingProtocols.code, M.conflictingProtocols.text(this.rule.l4, proto), range);
      return;
    }
    this.rule.l4 = proto;
    this.rule.l4At = range;
  }

  private parsePayload(): Expr {
    const t = this.p.next();
    const proto = t.value;
    const n = this.p.peek();
    if ((proto === 'tcp' || proto === 'ip' || proto === 'dccp') && n.kind === 'word' && n.value === 'option') return this.parseOption(proto, t);
    if (proto === 'sctp' && n.kind === 'word' && n.value === 'chunk') return this.parseOption('sctp', t);
    if (INNER_TUNNELS.includes(proto) && n.kind === 'word' && has(PAYLOAD_PROTOCOLS, n.value) && !has(PAYLOAD_PROTOCOLS[proto]?.fields ?? {}, n.value)) {
      // Inner header of a tunnel: `vxlan ip saddr`, `gre ip6 daddr`; it does not change the outer
      // protocol context. gre carries network headers only (gretap carries Ethernet).
      this.checkTunnel(proto, t);
      if (proto === 'gre' && (n.value === 'ether' || n.value === 'vlan')) {
        this.p.error(M.typeMismatch.code, M.typeMismatch.text(`gre carries no '${n.value}' header (use gretap)`), rangeOf(n));
      }
      const saved = this.rule;
      this.rule = {};
      this.inner = true;
      const inner = this.parsePayload();
      this.inner = false;
      this.rule = saved;
      if (inner.kind === 'payload') return { ...inner, tunnel: proto, range: this.p.range(t.start) };
      return inner;
    }
    const info = PAYLOAD_PROTOCOLS[proto];
    if (n.kind !== 'word' || !info) {
      this.p.errorExpected(`a ${proto} header field`);
      return this.opaqueFrom(t.start);
    }
    let field = n.value;
    this.p.next();
    if (proto === 'arp' && (field === 'saddr' || field === 'daddr') && (this.p.at('ether') || this.p.at('ip'))) {
      field = `${field} ${this.p.next().value}`;
    }
    if (!has(info.fields, field)) {
      this.p.errorUnknown(`${proto} header field`, n, Object.keys(info.fields));
      return this.opaqueFrom(t.start);
    }
    const range = this.p.range(t.start);
    if (proto === 'vxlan' || proto === 'geneve') this.checkTunnel(proto, t);
    if (proto === 'vlan' && this.rule.l2next && !['8021q', '8021ad', 'vlan'].includes(this.rule.l2next)) {
      this.p.error(M.conflictingProtocols.code, M.conflictingProtocols.text(`ether type ${this.rule.l2next}`, 'vlan'), range);
    }
    if (proto === 'ip' || proto === 'ip6' || proto === 'arp') this.noteL3(proto, range);
    else if (TRANSPORT_PROTOS.has(proto)) {
      if (proto === 'icmp' || proto === 'igmp') this.noteL3Compatible('ip', range);
      this.noteL4(proto, range);
    }
    return { kind: 'payload', protocol: proto, field, range };
  }

  /** vxlan and geneve headers follow a UDP match on their port (nft needs the transport context). */
  private checkTunnel(proto: string, t: Token): void {
    if (this.typeofMode) return;
    if ((proto === 'vxlan' || proto === 'geneve') && this.rule.l4 !== 'udp') {
      this.p.error(M.badStatement.code, M.badStatement.text(`'${proto}' needs a 'udp dport' match before it`), rangeOf(t));
    }
  }

  /** ICMP in an ip6-only context (and ICMPv6 in ip) is allowed by nft (it adds a meta l4proto dependency). */
  private noteL3Compatible(_proto: 'ip' | 'ip6', _range: SourceRange): void {}

  private parseOption(proto: 'tcp' | 'ip' | 'dccp' | 'sctp', t: Token): Expr {
    this.p.next(); // option | chunk
    const n = this.p.peek();
    if (proto === 'dccp') {
      const num = this.intWord('a DCCP option number');
      if (num > 255) this.p.error(M.outOfRange.code, M.outOfRange.text(String(num), 'dccp option', '255'), rangeOf(n));
      return { kind: 'option', protocol: 'dccp', name: String(num), range: this.p.range(t.start) };
    }
    const table = proto === 'tcp' ? TCP_OPTIONS : proto === 'ip' ? IP_OPTIONS : SCTP_CHUNKS;
    if (proto === 'tcp' && n.kind === 'punct' && n.value === '@') {
      // Raw TCP option: `tcp option @kind,offset,len`.
      this.p.next();
      const kind = this.intWord('a TCP option kind');
      this.p.expect(',');
      const off = this.intWord('a bit offset');
      this.p.expect(',');
      const len = this.intWord('a bit length');
      return { kind: 'option', protocol: 'tcp', name: String(kind), field: `@${off},${len}`, range: this.p.range(t.start) };
    }
    if (n.kind !== 'word') {
      this.p.errorExpected(`a ${proto} option name`);
      return this.opaqueFrom(t.start);
    }
    this.p.next();
    let name = n.value;
    const numeric = parseInteger(name);
    if (numeric !== undefined && proto === 'tcp') {
      // `tcp option 254 kind`: an option by number (named when nft knows it).
      if (numeric > 255n) this.p.error(M.outOfRange.code, M.outOfRange.text(name, 'tcp option', '255'), rangeOf(n));
      const known = Object.entries(TCP_OPTIONS).find(([, o]) => BigInt(o.kind) === numeric);
      name = known ? known[0] : name;
    } else if (!has(table, name)) {
      this.p.errorUnknown(proto === 'sctp' ? 'sctp chunk' : `${proto} option`, n, Object.keys(table));
      return this.opaqueFrom(t.start);
    }
    if (proto === 'tcp') this.noteL4('tcp', this.p.range(t.start));
    const opt = table[name];
    const f = this.p.peek();
    if (f.kind === 'word' && opt && has(opt.fields, f.value)) {
      this.p.next();
      return { kind: 'option', protocol: proto, name: name === 'sack0' ? 'sack' : name, field: f.value, range: this.p.range(t.start) };
    }
    if (f.kind === 'word' && f.value !== 'exists' && f.value !== 'missing' && numeric === undefined && !this.startsStatementWord(f.value) && /^[a-z-]+$/.test(f.value) && !['set', 'vmap', 'map'].includes(f.value)) {
      // A field word that this option does not have.
      if (opt && Object.keys(opt.fields).length > 0 && !symbolValue('boolean', f.value)) {
        this.p.errorUnknown(`field of ${proto} option '${name}'`, f, Object.keys(opt.fields));
        this.p.next();
        return this.opaqueFrom(t.start);
      }
    }
    if (f.kind === 'word' && numeric !== undefined && !opt && (f.value === 'kind' || f.value === 'length')) {
      this.p.next();
      return { kind: 'option', protocol: proto, name, field: 'kind', range: this.p.range(t.start) };
    }
    return { kind: 'option', protocol: proto, name: name === 'sack0' ? 'sack' : name, range: this.p.range(t.start) };
  }

  /** Words that begin a statement (so they end the expression before them). */
  startsStatementWord(w: string): boolean {
    return STATEMENT_WORDS.has(w);
  }

  private parseExthdr(): Expr {
    const t = this.p.next();
    const name = t.value;
    const n = this.p.peek();
    const fields = EXTHDR_FIELDS[name] ?? {};
    if (n.kind !== 'word') {
      this.p.errorExpected(`a field of the ${name} extension header`);
      return this.opaqueFrom(t.start);
    }
    this.p.next();
    let field = n.value;
    let offset: number | undefined;
    // `rt0 addr[1]`, `srh sid[2]`: the scanner keeps `addr` and the brackets apart.
    if (this.p.at('[')) {
      this.p.next();
      offset = this.intWord('an index');
      this.p.expect(']');
    }
    if (!has(fields, field)) {
      this.p.errorUnknown(`${name} extension header field`, n, Object.keys(fields));
      return this.opaqueFrom(t.start);
    }
    if (this.family === 'ip' || this.family === 'arp') {
      this.p.error(M.wrongFamily.code, M.wrongFamily.text(`IPv6 extension header '${name}'`, this.family), this.p.range(t.start));
    }
    field = field.replace(/\[.*$/, '');
    return { kind: 'exthdr', name, field, ...(offset !== undefined ? { offset } : {}), range: this.p.range(t.start) };
  }

  /** `exthdr <name> exists` (the header is present). */
  private parseExthdrExists(): Expr {
    const t = this.p.next();
    const n = this.p.peek();
    if (n.kind !== 'word' || !has(EXTHDR_FIELDS, n.value)) {
      if (n.kind === 'word') this.p.errorUnknown('extension header', n, EXTHDR_NAMES);
      else this.p.errorExpected('an extension header name');
      if (n.kind === 'word') this.p.next();
      return this.opaqueFrom(t.start);
    }
    this.p.next();
    if (this.family === 'ip' || this.family === 'arp') {
      this.p.error(M.wrongFamily.code, M.wrongFamily.text('exthdr', this.family), this.p.range(t.start));
    }
    return { kind: 'exthdr', name: n.value, range: this.p.range(t.start) };
  }

  private parseMeta(): Expr {
    const t = this.p.next();
    // `meta set pkttype host`: how nft 1.0.6 lists ebtables' pkttype mangling; read as `meta pkttype set host`.
    if (this.p.at('set') && this.p.peek(1).kind === 'word' && has(META_KEYS, this.p.peek(1).value)) {
      this.p.next();
      const k = this.p.next();
      this.pendingSet = true;
      return { kind: 'meta', key: k.value, range: this.p.range(t.start) };
    }
    const n = this.p.peek();
    if (n.kind !== 'word') {
      this.p.errorExpected('a meta key');
      return this.opaqueFrom(t.start);
    }
    this.p.next();
    const key = META_KEY_ALIASES[n.value] ?? n.value;
    if (!has(META_KEYS, key)) {
      this.p.errorUnknown('meta key', n, Object.keys(META_KEYS));
      return this.opaqueFrom(t.start);
    }
    this.checkMetaKey(key, this.p.range(t.start));
    return { kind: 'meta', key, range: this.p.range(t.start) };
  }

  private checkMetaKey(key: string, range: SourceRange): void {
    if (this.typeofMode) return;
    if (META_BRIDGE_KEYS.includes(key) && this.family !== 'bridge') {
      this.p.error(M.wrongFamily.code, M.wrongFamily.text(`meta ${key}`, this.family), range);
    }
  }

  private parseCt(): Expr {
    const t = this.p.next();
    let dir: 'original' | 'reply' | undefined;
    if (this.p.at('original') || this.p.at('reply')) dir = this.p.next().value as 'original' | 'reply';
    let fam: 'ip' | 'ip6' | undefined;
    if ((this.p.at('ip') || this.p.at('ip6')) && (this.p.at('saddr', 1) || this.p.at('daddr', 1))) fam = this.p.next().value as 'ip' | 'ip6';
    const n = this.p.peek();
    if (n.kind !== 'word') {
      this.p.errorExpected('a ct key');
      return this.opaqueFrom(t.start);
    }
    this.p.next();
    const key = n.value;
    if (!has(CT_KEYS, key) || key === 'count') {
      this.p.errorUnknown('ct key', n, Object.keys(CT_KEYS));
      return this.opaqueFrom(t.start);
    }
    const info = CT_KEYS[key];
    const range = this.p.range(t.start);
    if (info?.dir === 'never' && dir) this.p.error(M.badStatement.code, M.badStatement.text(`'ct ${key}' does not take a direction`), range);
    if (info?.dir === 'required' && !dir) this.p.error(M.badStatement.code, M.badStatement.text(`'ct ${key}' needs a direction: 'ct original ${key}' or 'ct reply ${key}'`), range);
    if (fam) {
      const l3 = this.rule.l3 ?? (this.family === 'ip' || this.family === 'ip6' ? this.family : undefined);
      if (l3 && l3 !== fam) this.p.error(M.conflictingProtocols.code, M.conflictingProtocols.text(l3, fam), range);
      return { kind: 'ct', key: `${fam} ${key}`, ...(dir ? { dir } : {}), range };
    }
    if (info?.needsFamily) {
      const known = this.family === 'ip' || this.family === 'ip6' || this.rule.l3 === 'ip' || this.rule.l3 === 'ip6';
      if (!known) this.p.error(M.needsFamily.code, M.needsFamily.text(this.p.slice(range)), range);
    }
    return { kind: 'ct', key, ...(dir ? { dir } : {}), range };
  }

  private parseFib(): Expr {
    const t = this.p.next();
    const flags: string[] = [];
    for (;;) {
      const n = this.p.peek();
      if (n.kind === 'word' && FIB_FLAGS.includes(n.value)) {
        this.p.next();
        flags.push(n.value);
        if (this.p.eat('.')) continue;
      }
      break;
    }
    const r = this.p.peek();
    if (r.kind !== 'word' || !(has(FIB_RESULTS, r.value) || r.value === 'check')) {
      if (r.kind === 'word') this.p.errorUnknown('fib result', r, [...Object.keys(FIB_RESULTS), 'check']);
      else this.p.errorExpected('a fib result (oif, oifname, type)');
      return this.opaqueFrom(t.start);
    }
    this.p.next();
    const range = this.p.range(t.start);
    if (flags.length === 0) this.p.error(M.badStatement.code, M.badStatement.text('fib needs saddr or daddr'), range);
    if (flags.includes('saddr') === flags.includes('daddr'))
      this.p.error(M.badStatement.code, M.badStatement.text('fib takes exactly one of saddr and daddr'), range);
    if (flags.includes('iif') && flags.includes('oif')) this.p.error(M.badStatement.code, M.badStatement.text('fib cannot use both iif and oif'), range);
    const hook = this.p.ctx.hook;
    if (hook && flags.includes('oif') && (hook === 'prerouting' || hook === 'input' || hook === 'ingress')) this.p.error(M.wrongHook.code, M.wrongHook.text('fib … oif', hook), range);
    if (hook && flags.includes('iif') && (hook === 'output' || hook === 'postrouting')) this.p.error(M.wrongHook.code, M.wrongHook.text('fib … iif', hook), range);
    return { kind: 'fib', result: r.value as 'oif' | 'oifname' | 'type', flags, range };
  }

  private parseRt(): Expr {
    const t = this.p.next();
    let fam: 'ip' | 'ip6' | undefined;
    if ((this.p.at('ip') || this.p.at('ip6')) && this.p.atWord(1)) fam = this.p.next().value as 'ip' | 'ip6';
    const n = this.p.peek();
    if (n.kind === 'word' && !fam && has(EXTHDR_FIELDS.rt ?? {}, n.value) && !has(RT_KEYS, n.value)) {
      // `rt nexthdr`, `rt seg-left`: the IPv6 routing header, not the routing expression.
      this.p.next();
      if (this.family === 'ip' || this.family === 'arp') {
        this.p.error(M.wrongFamily.code, M.wrongFamily.text("IPv6 extension header 'rt'", this.family), this.p.range(t.start));
      }
      return { kind: 'exthdr', name: 'rt', field: n.value, range: this.p.range(t.start) };
    }
    if (n.kind !== 'word' || !has(RT_KEYS, n.value)) {
      if (n.kind === 'word') this.p.errorUnknown('rt key', n, Object.keys(RT_KEYS));
      else this.p.errorExpected('an rt key');
      if (n.kind === 'word') this.p.next();
      return this.opaqueFrom(t.start);
    }
    this.p.next();
    const range = this.p.range(t.start);
    if (fam && (this.family === 'ip' || this.family === 'ip6') && fam !== this.family) {
      this.p.error(M.wrongFamily.code, M.wrongFamily.text(`rt ${fam}`, this.family), range);
    }
    if (n.value === 'nexthop') {
      const f = fam ?? (this.family === 'ip' || this.family === 'ip6' ? this.family : this.rule.l3 === 'ip' || this.rule.l3 === 'ip6' ? this.rule.l3 : undefined);
      if (!f) this.p.error(M.needsFamily.code, M.needsFamily.text(this.p.slice(range)), range);
      return { kind: 'rt', key: 'nexthop', ...(f ? { family: f } : {}), range };
    }
    return { kind: 'rt', key: n.value, ...(fam ? { family: fam } : {}), range };
  }

  private parseSocket(): Expr {
    const t = this.p.next();
    const n = this.p.peek();
    if (n.kind !== 'word' || !has(SOCKET_KEYS, n.value)) {
      if (n.kind === 'word') {
        this.p.errorUnknown('socket key', n, Object.keys(SOCKET_KEYS));
        this.p.next();
      } else this.p.errorExpected('a socket key');
      return this.opaqueFrom(t.start);
    }
    this.p.next();
    if (n.value === 'cgroupv2') {
      this.p.expect('level');
      const level = this.intWord('a cgroup level');
      return { kind: 'socket', key: 'cgroupv2', level, range: this.p.range(t.start) };
    }
    return { kind: 'socket', key: n.value, range: this.p.range(t.start) };
  }

  private parseOsf(): Expr {
    const t = this.p.next();
    let ttl: 'loose' | 'skip' | undefined;
    if (this.p.eat('ttl')) {
      const v = this.p.next();
      if (v.value === 'loose' || v.value === 'skip') ttl = v.value;
      else if (v.value !== 'global') this.p.errorUnknown('osf ttl mode', v, ['loose', 'skip', 'global']);
    }
    const n = this.p.peek();
    if (n.kind !== 'word' || !has(OSF_KEYS, n.value)) {
      if (n.kind === 'word') {
        this.p.errorUnknown('osf key', n, Object.keys(OSF_KEYS));
        this.p.next();
      } else this.p.errorExpected('an osf key (name, version)');
      return this.opaqueFrom(t.start);
    }
    this.p.next();
    return { kind: 'osf', key: n.value as 'name' | 'version', ...(ttl ? { ttl } : {}), range: this.p.range(t.start) };
  }

  private parseNumgen(): Expr {
    const t = this.p.next();
    const m = this.p.peek();
    let mode: 'inc' | 'random' = 'inc';
    if (m.kind === 'word' && (m.value === 'inc' || m.value === 'random')) {
      this.p.next();
      mode = m.value;
    } else {
      if (m.kind === 'word') {
        this.p.errorUnknown('numgen mode', m, ['inc', 'random']);
        this.p.next();
      } else this.p.errorExpected("a numgen mode ('inc' or 'random')");
    }
    this.p.expect('mod');
    const modTok = this.p.peek();
    const mod = this.intWord('a modulus');
    if (mod === 0) this.p.error(M.badStatement.code, M.badStatement.text('numgen modulus must not be zero'), rangeOf(modTok));
    let offset = 0;
    if (this.p.eat('offset')) offset = this.intWord('an offset');
    if (mod + offset > 0xffffffff) this.p.error(M.outOfRange.code, M.outOfRange.text(String(mod + offset), 'numgen', '4294967295'), this.p.range(t.start));
    return { kind: 'numgen', mode, mod, offset, range: this.p.range(t.start) };
  }

  private parseHash(): Expr {
    const t = this.p.next();
    const fn = t.value as 'jhash' | 'symhash';
    let expr: Expr | undefined;
    if (fn === 'jhash') expr = this.parseExpr();
    this.p.expect('mod');
    const modTok = this.p.peek();
    const mod = this.intWord('a modulus');
    if (mod === 0) this.p.error(M.badStatement.code, M.badStatement.text('hash modulus must not be zero'), rangeOf(modTok));
    let seed: number | undefined;
    let offset: number | undefined;
    for (;;) {
      if (fn === 'jhash' && this.p.eat('seed')) seed = this.intWord('a seed');
      else if (this.p.eat('offset')) offset = this.intWord('an offset');
      else break;
    }
    return {
      kind: 'hash',
      fn,
      ...(expr ? { expr } : {}),
      mod,
      ...(seed !== undefined ? { seed } : {}),
      ...(offset !== undefined ? { offset } : {}),
      range: this.p.range(t.start),
    };
  }

  private parseIpsec(): Expr {
    const t = this.p.next();
    const d = this.p.peek();
    let dir: 'in' | 'out' = 'in';
    if (d.kind === 'word' && (d.value === 'in' || d.value === 'out')) {
      this.p.next();
      dir = d.value;
    } else this.p.errorExpected("'in' or 'out' after 'ipsec'");
    let spnum = 0;
    if (this.p.eat('spnum')) {
      const st = this.p.peek();
      spnum = this.intWord('an SA number');
      if (spnum > 255) this.p.error(M.outOfRange.code, M.outOfRange.text(String(spnum), 'spnum', '255'), rangeOf(st));
    }
    let fam: 'ip' | 'ip6' | undefined;
    if (this.p.at('ip') || this.p.at('ip6')) fam = this.p.next().value as 'ip' | 'ip6';
    const n = this.p.peek();
    if (n.kind !== 'word' || !has(IPSEC_KEYS, n.value)) {
      if (n.kind === 'word') {
        this.p.errorUnknown('ipsec key', n, Object.keys(IPSEC_KEYS));
        this.p.next();
      } else this.p.errorExpected('an ipsec key');
      return this.opaqueFrom(t.start);
    }
    this.p.next();
    const range = this.p.range(t.start);
    if ((n.value === 'saddr' || n.value === 'daddr') && !fam) this.p.error(M.needsFamily.code, M.needsFamily.text(this.p.slice(range)), range);
    if ((n.value === 'reqid' || n.value === 'spi') && fam) this.p.error(M.badStatement.code, M.badStatement.text(`'ipsec ${n.value}' does not take 'ip' or 'ip6'`), range);
    return { kind: 'ipsec', dir, key: n.value, ...(fam ? { family: fam } : {}), spnum, range };
  }

  private parseTunnel(): Expr {
    const t = this.p.next();
    const n = this.p.next();
    return { kind: 'tunnel', key: n.value, range: this.p.range(t.start) };
  }
}

/** A cheap identity of a constant set element (value, prefix, range, concatenation, element options
 *  ignored), for merging duplicates. */
export function elementKey(e: Expr): string {
  switch (e.kind) {
    case 'value':
      return typeof e.value === 'string' ? `s${e.value}` : `${typeof e.value}${String(e.value)}`;
    case 'prefix':
      return `${elementKey(e.expr)}/${e.len}`;
    case 'range':
      return `${elementKey(e.from)}-${elementKey(e.to)}`;
    case 'concat':
      return e.items.map(elementKey).join(' . ');
    case 'elem':
      return elementKey(e.value);
    case 'mapping':
      return elementKey(e.key);
    default:
      return JSON.stringify(e, (k, v) => (k === 'range' ? undefined : v));
  }
}

export const MAX_DEPTH = 64;

/** Statement keywords: a word that begins one ends the expression before it. */
export const STATEMENT_WORDS = new Set([
  'accept', 'drop', 'continue', 'return', 'jump', 'goto', 'queue', 'counter', 'log', 'limit', 'quota', 'snat', 'dnat',
  'masquerade', 'redirect', 'reject', 'notrack', 'dup', 'fwd', 'tproxy', 'synproxy', 'comment', 'meter', 'flow', 'xt',
  'last', 'add', 'update', 'delete',
]);

/** The type of the `index`-th part of a concatenation type (`ipv4_addr . inet_service`). */
export function partType(type: ValueType, index: number): ValueType {
  if (!type.dt || !type.dt.includes(' . ')) return index === 0 ? type : {};
  return concatPartTypes(type.dt)[index] ?? {};
}

/** The part types of concatenated datatypes, made once per datatype: partType runs for every item of every
 *  element of a concatenated set (kube-proxy's maps have tens of thousands). */
const PART_TYPES = new Map<string, readonly ValueType[]>();

function concatPartTypes(dt: string): readonly ValueType[] {
  let parts = PART_TYPES.get(dt);
  if (!parts) {
    parts = dt.split(' . ').map((d) => (d ? { dt: d, bits: datatypeInfo(d)?.bits } : {}));
    PART_TYPES.set(dt, parts);
  }
  return parts;
}

/** The number of parts of a concatenated datatype (`ipv4_addr . inet_service` → 2), without splitting it. */
function concatParts(dt: string): number {
  let parts = 1;
  for (let i = dt.indexOf(' . '); i >= 0; i = dt.indexOf(' . ', i + 3)) parts++;
  return parts;
}

/** A constant set element: values, prefixes, ranges, and concatenations or bit operations of them. */
function isConstant(x: Expr): boolean {
  return x.kind === 'value' || x.kind === 'prefix' || x.kind === 'range' || x.kind === 'variable' || x.kind === 'opaque' || (x.kind === 'concat' && x.items.every(isConstant)) || (x.kind === 'binop' && x.op !== '<<' && x.op !== '>>' && isConstant(x.left) && isConstant(x.right));
}

function suggestVar(p: ParserCore, name: string): string | undefined {
  const names = p.variableNames();
  let best: string | undefined;
  let bestD = 3;
  for (const n of names) {
    const d = Math.abs(n.length - name.length) + [...n].filter((c, i) => name[i] !== c).length;
    if (d < bestD) {
      bestD = d;
      best = n;
    }
  }
  return best;
}

function isIntervalElem(e: Expr): boolean {
  const v = e.kind === 'elem' ? e.value : e.kind === 'mapping' ? (e.key.kind === 'elem' ? e.key.value : e.key) : e;
  if (v.kind === 'concat') return v.items.some((i) => i.kind === 'range' || i.kind === 'prefix');
  return v.kind === 'range' || v.kind === 'prefix';
}

/** An element of an interval set as nft lists it: a range that is exactly a prefix becomes the prefix, a
 *  one-value range or a full-length prefix becomes the value. */
export function toIntervalElem(e: Expr): Expr {
  if (e.kind === 'elem') return { ...e, value: toIntervalElem(e.value) };
  if (e.kind === 'mapping') return { ...e, key: toIntervalElem(e.key) };
  if (e.kind === 'range' && e.from.kind === 'value' && e.to.kind === 'value') {
    if (e.from.value === e.to.value) return e.from;
    const p = rangeAsPrefix(e.from.value, e.to.value);
    if (p) return { kind: 'prefix', expr: { kind: 'value', value: p.addr, range: e.from.range }, len: p.len, range: e.range };
  }
  if (e.kind === 'prefix' && e.expr.kind === 'value' && typeof e.expr.value === 'string') {
    const full = e.expr.value.includes(':') ? 128 : 32;
    if (e.len === full) return e.expr;
  }
  return e;
}
