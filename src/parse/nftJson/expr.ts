// nft JSON expressions (libnftables-json(5) "EXPRESSIONS") → IR `Expr`. Owns the expression mapping and its
// canonical forms; imports the model, the tree and the reader. Statements live in stmt.ts.
import type { BinOp, Expr, Literal, SourceRange, Stmt, Verdict } from '../../model/ir.ts';
import { DEFAULT_MAX_DEPTH, type JsonMember, type JsonNode, type JsonObject } from './jsonTree.ts';
import { describeJson, type Reader } from './reader.ts';

/** Where an expression sits; decides how arrays and `"*"` read (libnftables-json(5): a map's elements are
 *  `[key, data]` pairs, plain arrays elsewhere are lists, `"*"` is the catch-all key). */
export type ExprPos =
  | 'any'
  /** item of an anonymous set literal `{"set": [...]}`: a 2-array is a mapping (anonymous map / vmap) */
  | 'setItem'
  /** element of a named set */
  | 'setElem'
  /** element of a named map: must be `[key, data]` */
  | 'mapElem'
  /** data of a map element */
  | 'data';

/** Statements attached to a set element are mapped by stmt.ts; injected to avoid an import cycle. */
export type ElemStmtMapper = (member: JsonMember, at: JsonNode) => Stmt | undefined;

const BINOPS: readonly string[] = ['&', '|', '^', '<<', '>>'];
const SIMPLE_VERDICTS = ['accept', 'drop', 'continue', 'return', 'queue'] as const;
const ELEM_OPTIONS = ['val', 'timeout', 'expires', 'comment'];
/** In bit order, as json.c fib_expr_json prints them. */
const FIB_FLAGS = ['saddr', 'daddr', 'mark', 'iif', 'oif'];

export class ExprMapper {
  elemStmt: ElemStmtMapper = () => undefined;

  constructor(private readonly r: Reader) {}

  opaque(node: JsonNode): Expr {
    return { kind: 'opaque', text: this.r.source(node), range: this.r.range(node) };
  }

  map(node: JsonNode, pos: ExprPos = 'any'): Expr {
    const range = this.r.range(node);
    if (pos === 'mapElem' && node.kind !== 'array') {
      this.r.report('badMapElement', node, describeJson(node));
      return this.opaque(node);
    }
    switch (node.kind) {
      case 'string':
        if (node.value.startsWith('@')) return { kind: 'setref', name: node.value.slice(1), range };
        if (node.value === '*' && pos === 'data') {
          this.r.report('catchallAsData', node);
          return this.opaque(node);
        }
        return { kind: 'value', value: node.value, range };
      case 'number':
        return this.number(node, 'a value') ?? this.opaque(node);
      case 'boolean':
        return { kind: 'value', value: node.value, range };
      case 'null':
        this.r.report('badExpression', node, 'null is not an expression');
        return this.opaque(node);
      case 'array':
        return this.array(node.items, node, pos);
      case 'object':
        return this.object(node);
    }
  }

  /** A JSON number as a literal; integers beyond 2^53 stay strings (as the IR's `Literal` says). */
  number(node: JsonNode & { kind: 'number' }, what: string): { kind: 'value'; value: Literal; range: SourceRange } | undefined {
    if (!node.isInteger) {
      this.r.report('notInteger', node, what, node.raw);
      return undefined;
    }
    const value: Literal = Number.isSafeInteger(node.value) ? node.value : node.raw;
    return { kind: 'value', value, range: this.r.range(node) };
  }

  private array(items: readonly JsonNode[], node: JsonNode, pos: ExprPos): Expr {
    const range = this.r.range(node);
    if (pos === 'mapElem' || (pos === 'setItem' && items.length === 2)) {
      if (items.length !== 2) {
        this.r.report('badMapElement', node, describeJson(node));
        return this.opaque(node);
      }
      const [k, d] = items as [JsonNode, JsonNode];
      return { kind: 'mapping', key: this.map(k, 'setElem'), data: this.map(d, 'data'), range };
    }
    if (pos === 'setElem' || pos === 'setItem') {
      this.r.report('arrayAsSetElement', node);
      return this.opaque(node);
    }
    if (items.length === 0) {
      this.r.report('badExpression', node, 'an empty array is not an expression');
      return this.opaque(node);
    }
    return { kind: 'list', items: items.map((i) => this.map(i)), range };
  }

  private object(node: JsonObject): Expr {
    const m = this.r.single(node, 'an expression');
    if (!m) return this.opaque(node);
    const range = this.r.range(node);
    const v = m.value;
    const key = m.key;

    if (BINOPS.includes(key)) return this.binop(key as BinOp, v, node);
    const verdict = this.verdict(key, v, node);
    if (verdict !== 'not-a-verdict') return verdict ? { kind: 'verdict', verdict, range } : this.opaque(node);

    switch (key) {
      case 'concat': {
        if (v.kind !== 'array') return this.bad(node, `"concat" needs an array, found ${describeJson(v)}`);
        if (v.items.length < 2) {
          this.r.report('concatTooShort', v, v.items.length);
          return this.opaque(node);
        }
        return { kind: 'concat', items: v.items.map((i) => this.map(i)), range };
      }
      case 'set': {
        // An anonymous set: one expression or an array of them.
        const items = v.kind === 'array' ? v.items : [v];
        return { kind: 'set', items: items.map((i) => this.map(i, 'setItem')), range };
      }
      case 'map':
      case 'vmap': {
        // `vmap` appears as an expression when a named verdict map is looked up (json.c map_expr_json).
        const p = this.props(v, node, key, ['key', 'data']);
        if (!p) return this.opaque(node);
        const k = p.need('key');
        const d = p.need('data');
        if (!k || !d) return this.opaque(node);
        return { kind: 'map', key: this.map(k), data: this.map(d), range };
      }
      case 'prefix': {
        const p = this.props(v, node, 'prefix', ['addr', 'len']);
        if (!p) return this.opaque(node);
        const addr = p.need('addr');
        const len = p.int('len', true);
        if (!addr || len === undefined) return this.opaque(node);
        return { kind: 'prefix', expr: this.map(addr), len, range };
      }
      case 'range': {
        if (v.kind !== 'array' || v.items.length !== 2) return this.bad(node, `"range" needs an array of two expressions, found ${describeJson(v)}`);
        return { kind: 'range', from: this.map(v.items[0] as JsonNode), to: this.map(v.items[1] as JsonNode), range };
      }
      case 'payload':
        return this.payload(v, node);
      case 'exthdr': {
        const p = this.props(v, node, 'exthdr', ['name', 'field', 'offset']);
        const name = p?.str('name', true);
        if (!p || name === undefined) return this.opaque(node);
        return withOptional({ kind: 'exthdr', name, range } as Expr, { field: p.str('field'), offset: p.int('offset') });
      }
      case 'tcp option':
      case 'ip option':
      case 'sctp chunk':
      case 'dccp option': {
        const protocol = key.split(' ')[0] as 'tcp' | 'ip' | 'sctp' | 'dccp';
        if (v.kind === 'object' && v.members.some((x) => x.key === 'base')) {
          this.r.report('unsupportedConstruct', node, `raw ${key} (@kind,offset,len)`);
          return this.opaque(node);
        }
        const p = this.props(v, node, key, ['name', 'field', 'type']);
        if (!p) return this.opaque(node);
        // dccp option is numbered: {"dccp option": {"type": N}}.
        const name = p.has('type') ? String(p.int('type') ?? '') : p.str('name', true);
        if (name === undefined || name === '') return this.opaque(node);
        return withOptional({ kind: 'option', protocol, name, range } as Expr, { field: p.str('field') });
      }
      case 'meta': {
        const p = this.props(v, node, 'meta', ['key']);
        const k = p?.str('key', true);
        return k === undefined ? this.opaque(node) : { kind: 'meta', key: k, range };
      }
      case 'ct': {
        const p = this.props(v, node, 'ct', ['key', 'dir', 'family']);
        const k = p?.str('key', true);
        if (!p || k === undefined) return this.opaque(node);
        const dir = this.oneOf(p.str('dir'), ['original', 'reply'] as const, p.rangeOf('dir'), 'ct direction');
        const family = this.oneOf(p.str('family'), ['ip', 'ip6'] as const, p.rangeOf('family'), 'ct family');
        return withOptional({ kind: 'ct', key: k, range } as Expr, { dir, family });
      }
      case 'fib': {
        const p = this.props(v, node, 'fib', ['result', 'flags']);
        const result = this.oneOf(p?.str('result', true), ['oif', 'oifname', 'type', 'check'] as const, p?.rangeOf('result') ?? range, 'fib result');
        if (!p || !result) return this.opaque(node);
        return { kind: 'fib', result, flags: p.flags('flags', FIB_FLAGS, 'fib') ?? [], range };
      }
      case 'rt': {
        const p = this.props(v, node, 'rt', ['key', 'family']);
        const k = p?.str('key', true);
        if (!p || k === undefined) return this.opaque(node);
        return withOptional({ kind: 'rt', key: k, range } as Expr, {
          family: this.oneOf(p.str('family'), ['ip', 'ip6'] as const, p.rangeOf('family'), 'rt family'),
        });
      }
      case 'socket': {
        const p = this.props(v, node, 'socket', ['key', 'level']);
        const k = p?.str('key', true);
        if (!p || k === undefined) return this.opaque(node);
        return withOptional({ kind: 'socket', key: k, range } as Expr, { level: p.int('level') });
      }
      case 'osf': {
        const p = this.props(v, node, 'osf', ['key', 'ttl']);
        const k = this.oneOf(p?.str('key', true), ['name', 'version'] as const, p?.rangeOf('key') ?? range, 'osf key');
        if (!p || !k) return this.opaque(node);
        return withOptional({ kind: 'osf', key: k, range } as Expr, {
          ttl: this.oneOf(p.str('ttl'), ['loose', 'skip'] as const, p.rangeOf('ttl'), 'osf ttl'),
        });
      }
      case 'numgen': {
        const p = this.props(v, node, 'numgen', ['mode', 'mod', 'offset']);
        const mode = this.oneOf(p?.str('mode', true), ['inc', 'random'] as const, p?.rangeOf('mode') ?? range, 'numgen mode');
        const mod = p?.int('mod', true);
        if (!p || !mode || mod === undefined) return this.opaque(node);
        // nft -j always prints the offset (json.c numgen_expr_json); 0 is its default.
        return { kind: 'numgen', mode, mod, offset: p.int('offset') ?? 0, range };
      }
      case 'jhash':
      case 'symhash': {
        const p = this.props(v, node, key, ['mod', 'seed', 'offset', 'expr']);
        const mod = p?.int('mod', true);
        if (!p || mod === undefined) return this.opaque(node);
        const e = p.get('expr');
        if (key === 'jhash' && !e) p.need('expr');
        return withOptional({ kind: 'hash', fn: key, mod, range } as Expr, {
          expr: e ? this.map(e) : undefined,
          seed: p.int('seed'),
          // json.c hash_expr_json prints the offset only when it is not 0.
          offset: p.int('offset') || undefined,
        });
      }
      case 'ipsec': {
        const p = this.props(v, node, 'ipsec', ['key', 'dir', 'family', 'spnum']);
        const k = p?.str('key', true);
        const dir = this.oneOf(p?.str('dir', true), ['in', 'out'] as const, p?.rangeOf('dir') ?? range, 'ipsec direction');
        if (!p || k === undefined || !dir) return this.opaque(node);
        return withOptional({ kind: 'ipsec', dir, key: k, range } as Expr, {
          family: this.oneOf(p.str('family'), ['ip', 'ip6'] as const, p.rangeOf('family'), 'ipsec family'),
          spnum: p.int('spnum'),
        });
      }
      case 'tunnel': {
        const p = this.props(v, node, 'tunnel', ['key']);
        const k = p?.str('key', true);
        return k === undefined ? this.opaque(node) : { kind: 'tunnel', key: k, range };
      }
      case 'elem':
        return this.elem(v, node);
      default:
        this.r.report('unknownExpression', { start: m.keyStart, end: m.keyEnd }, key);
        return this.opaque(node);
    }
  }

  /** `{"&": [a, b, c]}` is `(a & b) & c` (libnftables-json(5): extra operands are appended). */
  private binop(op: BinOp, v: JsonNode, node: JsonNode): Expr {
    if (v.kind !== 'array' || v.items.length < 2) return this.bad(node, `"${op}" needs an array of at least two expressions, found ${describeJson(v)}`);
    // Each extra operand nests one level deeper in the IR; keep that within what the JSON itself may nest.
    if (v.items.length > DEFAULT_MAX_DEPTH) return this.bad(node, `"${op}" has ${v.items.length} operands, more than the ${DEFAULT_MAX_DEPTH} nflens reads`);
    const [first, ...rest] = v.items as [JsonNode, ...JsonNode[]];
    let left = this.map(first);
    for (const item of rest) {
      left = { kind: 'binop', op, left, right: this.map(item), range: { start: node.start, end: item.end } };
    }
    return { ...left, range: this.r.range(node) } as Expr;
  }

  /** A verdict object, `undefined` when malformed (reported), `'not-a-verdict'` for other keys. */
  verdict(key: string, v: JsonNode, node: JsonNode): Verdict | undefined | 'not-a-verdict' {
    if ((SIMPLE_VERDICTS as readonly string[]).includes(key)) return { kind: key as (typeof SIMPLE_VERDICTS)[number] };
    if (key !== 'jump' && key !== 'goto') return 'not-a-verdict';
    const p = this.props(v, node, key, ['target']);
    const target = p?.str('target', true);
    if (target === undefined) return undefined;
    if (target === '') {
      this.r.report('badValue', p?.rangeOf('target') ?? node, `${key} target`, '', ': a chain name cannot be empty');
      return undefined;
    }
    return { kind: key, target };
  }

  private payload(v: JsonNode, node: JsonNode): Expr {
    const range = this.r.range(node);
    if (v.kind === 'object' && v.members.some((m) => m.key === 'base')) {
      const p = this.props(v, node, 'raw payload', ['base', 'offset', 'len']);
      const base = this.oneOf(p?.str('base', true), ['ll', 'nh', 'th', 'ih'] as const, p?.rangeOf('base') ?? range, 'payload base');
      const offset = p?.int('offset', true);
      const len = p?.int('len', true);
      if (!base || offset === undefined || len === undefined) return this.opaque(node);
      return { kind: 'payload-raw', base, offset, len, range };
    }
    const p = this.props(v, node, 'payload', ['protocol', 'field', 'tunnel']);
    const protocol = p?.str('protocol', true);
    const field = p?.str('field', true);
    if (!p || protocol === undefined || field === undefined) return this.opaque(node);
    return withOptional({ kind: 'payload', protocol, field, range } as Expr, { tunnel: p.str('tunnel') });
  }

  /** `{"elem": {"val": X, "timeout": s, "expires": s, "comment": "c", "counter": {…}}}`: an element with
   *  options; its statements are merged into the same object (json.c set_elem_expr_json). */
  private elem(v: JsonNode, node: JsonNode): Expr {
    const range = this.r.range(node);
    if (v.kind !== 'object') return this.bad(node, `"elem" needs an object, found ${describeJson(v)}`);
    const stmtKeys = v.members.filter((m) => !ELEM_OPTIONS.includes(m.key)).map((m) => m.key);
    const p = this.r.props(v, 'a set element', [...ELEM_OPTIONS, ...stmtKeys]);
    const val = p.need('val');
    if (!val) return this.opaque(node);
    const out: Record<string, unknown> = { kind: 'elem', value: this.map(val, 'setElem'), range };
    const timeout = p.int('timeout');
    const expires = p.int('expires');
    const comment = p.str('comment');
    if (timeout !== undefined) out['timeout'] = timeout;
    if (expires !== undefined) out['expires'] = expires;
    if (comment !== undefined) out['comment'] = comment;
    const stmts: Stmt[] = [];
    for (const m of v.members) {
      if (ELEM_OPTIONS.includes(m.key)) continue;
      const s = this.elemStmt(m, node);
      if (!s) continue;
      // A counter with its values is the element's counter (IR `elem.counter`); other statements are `stmts`.
      if (s.kind === 'counter' && s.packets !== undefined && s.bytes !== undefined && out['counter'] === undefined) {
        out['counter'] = { packets: s.packets, bytes: s.bytes };
      } else {
        stmts.push(s);
      }
    }
    if (stmts.length) out['stmts'] = stmts;
    return out as unknown as Expr;
  }

  private props(v: JsonNode, node: JsonNode, what: string, known: readonly string[]) {
    if (v.kind !== 'object') {
      this.bad(node, `"${what}" needs an object, found ${describeJson(v)}`);
      return undefined;
    }
    return this.r.props(v, what, known);
  }

  oneOf<T extends string>(value: string | undefined, allowed: readonly T[], at: SourceRange, what: string): T | undefined {
    if (value === undefined) return undefined;
    if ((allowed as readonly string[]).includes(value)) return value as T;
    this.r.report('badValue', at, what, value, ` (expected ${allowed.join(', ')})`);
    return undefined;
  }

  private bad(node: JsonNode, message: string): Expr {
    this.r.report('badExpression', node, message);
    return this.opaque(node);
  }
}

/** Adds the defined members of `extra` to `base` (IR nodes never carry `undefined` members). */
export function withOptional<T>(base: T, extra: Record<string, unknown>): T {
  const out = base as Record<string, unknown>;
  for (const [k, v] of Object.entries(extra)) if (v !== undefined) out[k] = v;
  return out as T;
}
