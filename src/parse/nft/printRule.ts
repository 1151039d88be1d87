// IR expressions, statements and rules → nft text as `nft list ruleset` writes it and `nft -f` reads it.
// Datatype-aware where validity needs it: values of string types (interface and helper names) are quoted.
// Imports only the model. Tables, chains, sets and objects are printed by print.ts.
import { assertNever, type BinOp, type Expr, type Rule, type Stmt, type TypeSpec, type Verdict } from '../../model/ir.ts';
import { lookupTable } from '../../model/lookup.ts';

/** How the values inside an expression print: `string` quoted, `time` with a seconds unit, `plain` as they
 *  are; an array gives one context per item of a concatenation. */
export type ValueCtx = 'string' | 'time' | 'mark' | 'plain' | readonly ValueCtx[];

/** Meta keys printed without `meta` (nftables src/meta.c meta_key_is_unqualified). */
const UNQUALIFIED_META = new Set(['iif', 'oif', 'iifname', 'oifname', 'iifgroup', 'oifgroup']);
/** Meta keys whose values nft writes in double quotes: strings (ifname_type) and interface indexes, which
 *  it shows by name (nftables src/meta.c meta_templates, ifindex_type_print). */
const STRING_META = new Set(['iifname', 'oifname', 'ibrname', 'obrname', 'ibridgename', 'obridgename', 'sdifname', 'iifkind', 'oifkind', 'iif', 'oif', 'sdif']);
/** Datatype names written the same way in set declarations (nftables src/datatype.c). */
const STRING_TYPES = new Set(['ifname', 'string', 'iface_index']);

/** The value context an expression's values are compared with or assigned to. */
export function ctxOf(e: Expr): ValueCtx {
  switch (e.kind) {
    case 'meta':
      return STRING_META.has(e.key) ? 'string' : e.key === 'mark' ? 'mark' : 'plain';
    case 'ct':
      return e.key === 'helper' ? 'string' : e.key === 'expiration' ? 'time' : e.key === 'mark' ? 'mark' : 'plain';
    case 'osf':
      return 'string';
    case 'fib':
      return e.result === 'oifname' || e.result === 'oif' ? 'string' : 'plain';
    case 'concat':
      return e.items.map(ctxOf);
    case 'binop':
      return ctxOf(e.left);
    default:
      return 'plain';
  }
}

/** The value context of a set's `type` / `typeof`. */
export function ctxOfType(t: TypeSpec | undefined): ValueCtx {
  if (!t) return 'plain';
  if (t.kind === 'typeof') return ctxOf(t.expr);
  const ctx = t.names.map((n): ValueCtx => (STRING_TYPES.has(n) ? 'string' : n === 'time' ? 'time' : n === 'mark' ? 'mark' : 'plain'));
  return ctx.length === 1 ? (ctx[0] as ValueCtx) : ctx;
}

const itemCtx = (ctx: ValueCtx, i: number): ValueCtx => (Array.isArray(ctx) ? ((ctx as readonly ValueCtx[])[i] ?? 'plain') : (ctx as ValueCtx));
const scalarCtx = (ctx: ValueCtx): ValueCtx => (Array.isArray(ctx) ? 'plain' : ctx);

/** A string nft reads back unquoted as the same symbol (letters, digits and `_ . : / -`). */
const BARE = /^[A-Za-z0-9_:][A-Za-z0-9_.:/-]*$/;

/** nft's scanner has no escapes inside double quotes (src/scanner.l `quotedstring`), so the text is kept
 *  as it is; a `"` inside cannot be written at all. */
export function quote(s: string): string {
  return `"${s}"`;
}

/** A name (table, chain, set, object) is written bare, as nft list does: nft 1.0.6 reads no quoted
 *  identifiers ("unexpected quoted string, expecting string"). Only a name that can never be one word
 *  is quoted, which newer nft versions accept. */
export function printName(name: string): string {
  return name !== '' && !/[\s"{}();#,@$=]/.test(name) ? name : quote(name);
}

function printValue(v: string | number | boolean, ctx: ValueCtx, inRange: boolean): string {
  if (typeof v === 'boolean') return v ? 'exists' : 'missing';
  if (typeof v === 'number') {
    if (ctx === 'time') return printDuration(v * 1000);
    // nft writes marks as 32-bit hex (src/datatype.c mark_type: BASE_HEXADECIMAL, 4 bytes).
    if (ctx === 'mark' && v >= 0) return `0x${v.toString(16).padStart(8, '0')}`;
    return String(v);
  }
  // JSON "*" is always the catch-all element (parser_json.c json_parse_immediate).
  if (v === '*') return '*';
  if (ctx === 'string') return quote(v);
  // In a range `a-b`, a symbol containing `-` (`echo-reply`) would be ambiguous unquoted.
  if (!BARE.test(v) || (inRange && v.includes('-'))) return quote(v);
  return v;
}

/** A duration as nft writes it (src/datatype.c time_print): `1d2h3m4s`, `250ms`, `0s`. */
export function printDuration(ms: number): string {
  const units: [number, string][] = [[86_400_000, 'd'], [3_600_000, 'h'], [60_000, 'm'], [1000, 's'], [1, 'ms']];
  let rest = Math.round(ms);
  let out = '';
  for (const [size, unit] of units) {
    const n = Math.floor(rest / size);
    if (n > 0) out += `${n}${unit}`;
    rest -= n * size;
  }
  return out || '0s';
}

/** A byte count in the largest unit that divides it, as nft writes quotas (src/statement.c get_rate). */
export function printBytes(bytes: number): string {
  const units = ['bytes', 'kbytes', 'mbytes'];
  let n = bytes;
  let i = 0;
  while (i < units.length - 1 && n > 0 && n % 1024 === 0) {
    n /= 1024;
    i++;
  }
  return `${n} ${units[i]}`;
}

/** Binding strength of binary operators in nft's grammar (src/parser_bison.y: shift > and > xor > or). */
const PRECEDENCE: Readonly<Record<BinOp, number>> = { '<<': 4, '>>': 4, '&': 3, '^': 2, '|': 1 };

export function printExpr(e: Expr, ctx: ValueCtx = 'plain', dataCtx: ValueCtx = 'plain'): string {
  return new ExprPrinter().expr(e, ctx, dataCtx);
}

class ExprPrinter {
  expr(e: Expr, ctx: ValueCtx, dataCtx: ValueCtx = 'plain', inRange = false): string {
    switch (e.kind) {
      case 'value':
        return printValue(e.value, scalarCtx(ctx), inRange);
      case 'variable':
        return `$${e.name}`;
      case 'payload':
        return `${e.tunnel ? `${e.tunnel} ` : ''}${e.protocol} ${e.field}`;
      case 'payload-raw':
        return `@${e.base},${e.offset},${e.len}`;
      case 'exthdr':
        if (e.field === undefined) return `exthdr ${e.name}`;
        return e.offset !== undefined && e.offset !== 0 ? `${e.name} ${e.field}[${e.offset}]` : `${e.name} ${e.field}`;
      case 'option': {
        const head = e.protocol === 'sctp' ? 'sctp chunk' : `${e.protocol} option`;
        return `${head} ${e.name}${e.field !== undefined ? ` ${e.field}` : ''}`;
      }
      case 'meta':
        return UNQUALIFIED_META.has(e.key) ? e.key : `meta ${e.key}`;
      case 'ct':
        return ['ct', e.dir, e.family, e.key].filter(Boolean).join(' ');
      case 'fib':
        return `fib ${e.flags.join(' . ')} ${e.result}`;
      case 'rt':
        return ['rt', e.family, e.key].filter(Boolean).join(' ');
      case 'socket':
        return e.level !== undefined ? `socket ${e.key} level ${e.level}` : `socket ${e.key}`;
      case 'osf':
        return `osf${e.ttl ? ` ttl ${e.ttl}` : ''} ${e.key}`;
      case 'numgen':
        return `numgen ${e.mode} mod ${e.mod}${e.offset ? ` offset ${e.offset}` : ''}`;
      case 'hash': {
        const parts: string[] = [e.fn];
        if (e.expr) parts.push(this.expr(e.expr, 'plain'));
        parts.push(`mod ${e.mod}`);
        if (e.seed !== undefined) parts.push(`seed 0x${e.seed.toString(16)}`);
        if (e.offset) parts.push(`offset ${e.offset}`);
        return parts.join(' ');
      }
      case 'ipsec':
        return ['ipsec', e.dir, e.spnum ? `spnum ${e.spnum}` : '', e.family ?? '', e.key].filter(Boolean).join(' ');
      case 'tunnel':
        return `tunnel ${e.key}`;
      case 'prefix':
        return `${this.expr(e.expr, ctx)}/${e.len}`;
      case 'range':
        return `${this.expr(e.from, ctx, 'plain', true)}-${this.expr(e.to, ctx, 'plain', true)}`;
      case 'concat':
        return e.items.map((item, i) => this.expr(item, itemCtx(ctx, i), 'plain', inRange)).join(' . ');
      case 'set':
        return this.braces(e.items.map((item) => this.expr(item, ctx, dataCtx)));
      case 'elem':
        return this.elem(e, ctx);
      case 'mapping':
        return `${this.expr(e.key, ctx)} : ${this.expr(e.data, dataCtx)}`;
      case 'setref':
        return `@${printName(e.name)}`;
      case 'map':
        return `${this.expr(e.key, 'plain')} map ${this.expr(e.data, ctxOf(e.key), ctx)}`;
      case 'binop':
        return this.binop(e.op, e.left, e.right, ctx);
      case 'list':
        return e.items.map((item) => this.expr(item, ctx)).join(',');
      case 'verdict':
        return printVerdict(e.verdict);
      case 'xt':
        return e.text;
      case 'opaque':
        return e.text;
      default:
        return assertNever(e, 'expression');
    }
  }

  braces(items: readonly string[]): string {
    return items.length === 0 ? '{ }' : `{ ${items.join(', ')} }`;
  }

  elem(e: Extract<Expr, { kind: 'elem' }>, ctx: ValueCtx): string {
    // Statements come before the options in nft's grammar (src/parser_bison.y set_elem_expr).
    const parts = [this.expr(e.value, ctx)];
    if (e.counter) parts.push(`counter packets ${e.counter.packets} bytes ${e.counter.bytes}`);
    for (const s of e.stmts ?? []) parts.push(printStmt(s));
    if (e.timeout !== undefined) parts.push(`timeout ${printDuration(e.timeout * 1000)}`);
    if (e.expires !== undefined) parts.push(`expires ${printDuration(e.expires * 1000)}`);
    if (e.comment !== undefined) parts.push(`comment ${quote(e.comment)}`);
    return parts.join(' ');
  }

  /** Left-associative with parentheses where the grammar needs them; a flag list as an operand is the
   *  OR of its flags (`tcp flags & (syn | ack)`). */
  binop(op: BinOp, left: Expr, right: Expr, ctx: ValueCtx): string {
    // The operand values have the type of the selector on the left (`ct mark & 0x000000ff`).
    const leftCtx = ctxOf(left);
    const valueCtx = leftCtx === 'plain' ? ctx : leftCtx;
    const side = (x: Expr, isRight: boolean) => {
      if (x.kind === 'list') return `(${x.items.map((i) => this.expr(i, valueCtx)).join(' | ')})`;
      // A shift count is a plain integer, not a value of the selector's type (nft lists `<< 8`).
      const s = this.expr(x, isRight && (op === '<<' || op === '>>') ? 'plain' : valueCtx);
      if (x.kind !== 'binop') return s;
      const p = PRECEDENCE[x.op];
      return p < PRECEDENCE[op] || (isRight && p === PRECEDENCE[op]) ? `(${s})` : s;
    };
    return `${side(left, false)} ${op} ${side(right, true)}`;
  }
}

export function printVerdict(v: Verdict): string {
  switch (v.kind) {
    case 'jump':
    case 'goto':
      return `${v.kind} ${printName(v.target)}`;
    case 'accept':
    case 'drop':
    case 'continue':
    case 'return':
    case 'queue':
      return v.kind;
    default:
      return assertNever(v, 'verdict');
  }
}

/** Selectors of bitmask type: a plain `==` against them must be written, since an implicit operator means
 *  "any of these bits" (nftables src/expression.c must_print_eq_op). */
function isBitmask(e: Expr): boolean {
  return (e.kind === 'ct' && (e.key === 'state' || e.key === 'status' || e.key === 'label')) || (e.kind === 'payload' && e.field === 'flags' && (e.protocol === 'tcp' || e.protocol === 'th'));
}

function printMatch(s: Extract<Stmt, { kind: 'match' }>): string {
  const ctx = ctxOf(s.left);
  // `(x & mask-list) == v` is nft's flag comparison `x v / mask` (src/expression.c flagcmp).
  if (s.left.kind === 'binop' && s.left.op === '&' && s.left.right.kind === 'list' && (s.op === '==' || s.op === '!=')) {
    const neg = s.op === '!=' ? '!= ' : '';
    return `${printExpr(s.left.left)} ${neg}${printExpr(s.right, ctx)} / ${printExpr(s.left.right, ctx)}`;
  }
  const right = printExpr(s.right, ctx);
  const left = printExpr(s.left);
  const isSetLike = s.right.kind === 'set' || s.right.kind === 'setref';
  let op = '';
  if (s.op === '==') op = s.left.kind === 'binop' || (isBitmask(s.left) && !isSetLike) ? '== ' : '';
  else if (s.op !== 'in') op = `${s.op} `;
  return `${left} ${op}${right}`;
}

function printNat(s: Extract<Stmt, { kind: 'nat' }>): string {
  const head: string[] = [s.type];
  if (s.family) head.push(s.family);
  if (s.typeFlags?.includes('prefix')) head.push('prefix');
  let to = '';
  if (s.addr) {
    const addr = printExpr(s.addr);
    // An IPv6 address before a port needs brackets (nft: `dnat ip6 to [::1]:80`).
    const needsBrackets = s.port !== undefined && isIpv6Literal(s.addr);
    to = needsBrackets ? `[${addr}]` : addr;
  }
  if (s.port) to += `:${printExpr(s.port)}`;
  if (to) head.push(`to ${to}`);
  // `netmap` is implied by `prefix` with a map; nft has no keyword for it (src/statement.c nat_stmt_print).
  const flags = s.flags?.filter((f) => f !== 'netmap') ?? [];
  if (flags.length) head.push(flags.join(','));
  return head.join(' ');
}

function isIpv6Literal(e: Expr): boolean {
  if (e.kind === 'value') return typeof e.value === 'string' && e.value.includes(':');
  if (e.kind === 'range') return isIpv6Literal(e.from);
  return false;
}

function printLog(s: Extract<Stmt, { kind: 'log' }>): string {
  const parts = ['log'];
  if (s.prefix !== undefined) parts.push(`prefix ${quote(s.prefix)}`);
  if (s.level !== undefined) parts.push(`level ${s.level}`);
  if (s.group !== undefined) parts.push(`group ${s.group}`);
  if (s.snaplen !== undefined) parts.push(`snaplen ${s.snaplen}`);
  if (s.queueThreshold !== undefined) parts.push(`queue-threshold ${s.queueThreshold}`);
  for (const f of s.flags ?? []) parts.push(`flags ${f}`);
  return parts.join(' ');
}

function printLimit(s: Extract<Stmt, { kind: 'limit' }>): string {
  const over = s.inv ? 'over ' : '';
  if (s.rateUnit && s.rateUnit !== 'packets') {
    const burst = s.burst ? ` burst ${s.burst} ${s.burstUnit ?? 'bytes'}` : '';
    return `limit rate ${over}${s.rate} ${s.rateUnit}/${s.per}${burst}`;
  }
  // 5 packets is nft's default burst and not printed by nft list.
  const burst = s.burst !== undefined && s.burst !== 5 ? ` burst ${s.burst} packets` : '';
  return `limit rate ${over}${s.rate}/${s.per}${burst}`;
}

function printSetStmt(s: Extract<Stmt, { kind: 'set' }>): string {
  const elemCtx = ctxOf(s.elem.kind === 'elem' ? s.elem.value : s.elem);
  const parts = [printExpr(s.elem, elemCtx)];
  for (const st of s.stmts ?? []) parts.push(printStmt(st));
  if (s.data) parts.push(`: ${printExpr(s.data)}`);
  return `${s.op} @${printName(s.set)} { ${parts.join(' ')} }`;
}

const OBJREF_FORM: Readonly<Record<string, string>> = lookupTable({
  counter: 'counter name',
  quota: 'quota name',
  limit: 'limit name',
  synproxy: 'synproxy name',
  'ct helper': 'ct helper set',
  'ct timeout': 'ct timeout set',
  'ct expectation': 'ct expectation set',
  secmark: 'meta secmark set',
  tunnel: 'tunnel name',
});

export function printStmt(s: Stmt): string {
  switch (s.kind) {
    case 'match':
      return printMatch(s);
    case 'verdict':
      return printVerdict(s.verdict);
    case 'vmap':
      return `${printExpr(s.key)} vmap ${printExpr(s.data, ctxOf(s.key))}`;
    case 'counter':
      return s.packets !== undefined || s.bytes !== undefined ? `counter packets ${s.packets ?? 0} bytes ${s.bytes ?? 0}` : 'counter';
    case 'mangle': {
      const key = s.key.kind === 'meta' ? `meta ${s.key.key}` : printExpr(s.key);
      return `${key} set ${printExpr(s.value, ctxOf(s.key))}`;
    }
    case 'log':
      return printLog(s);
    case 'limit':
      return printLimit(s);
    case 'quota': {
      const used = s.used ? ` used ${s.used} ${s.usedUnit ?? 'bytes'}` : '';
      return `quota ${s.inv ? 'over ' : ''}${s.val} ${s.valUnit}${used}`;
    }
    case 'nat':
      return printNat(s);
    case 'reject':
      if (!s.type) return 'reject';
      if (s.type === 'tcp reset') return 'reject with tcp reset';
      // Without a code, parser_json.c uses code 0; port-unreachable is what nft itself defaults to.
      return `reject with ${s.type} ${s.expr ?? 'port-unreachable'}`;
    case 'notrack':
      return 'notrack';
    case 'queue': {
      const parts = ['queue'];
      if (s.flags?.length) parts.push(`flags ${s.flags.join(',')}`);
      if (s.num) parts.push(`to ${printExpr(s.num)}`);
      return parts.join(' ');
    }
    case 'dup': {
      const parts = ['dup'];
      if (s.addr) parts.push(`to ${printExpr(s.addr)}`);
      if (s.dev) parts.push(`device ${printExpr(s.dev, 'string')}`);
      return parts.join(' ');
    }
    case 'fwd': {
      if (s.addr) return `fwd ${s.family ?? 'ip'} to ${printExpr(s.addr)} device ${printExpr(s.dev, 'string')}`;
      return `fwd to ${printExpr(s.dev, 'string')}`;
    }
    case 'set':
      return printSetStmt(s);
    case 'meter':
      return `meter ${printName(s.name)}${s.size !== undefined ? ` size ${s.size}` : ''} { ${printExpr(s.key, ctxOf(s.key))} ${printStmt(s.stmt)} }`;
    case 'tproxy': {
      const head = s.family ? `tproxy ${s.family} to` : 'tproxy to';
      const addr = s.addr ? (s.port && isIpv6Literal(s.addr) ? `[${printExpr(s.addr)}]` : printExpr(s.addr)) : '';
      return `${head} ${addr}${s.port ? `:${printExpr(s.port)}` : ''}`;
    }
    case 'synproxy': {
      const parts = ['synproxy'];
      if (s.mss !== undefined) parts.push(`mss ${s.mss}`);
      if (s.wscale !== undefined) parts.push(`wscale ${s.wscale}`);
      parts.push(...(s.flags ?? []));
      return parts.join(' ');
    }
    case 'objref':
      return `${OBJREF_FORM[s.type] ?? s.type} ${printExpr(s.name, 'string')}`;
    case 'connlimit':
      return `ct count ${s.inv ? 'over ' : ''}${s.val}`;
    case 'flow':
      return `flow add @${printName(s.flowtable)}`;
    case 'last':
      return s.used !== undefined ? `last used ${s.used}ms` : 'last used never';
    case 'xt':
      return s.text;
    case 'opaque':
      return s.text;
    default:
      return assertNever(s, 'statement');
  }
}

/** One rule as a line of statements (without indentation), with its comment. */
export function printRule(rule: Rule): string {
  const parts = rule.stmts.map(printStmt);
  if (rule.comment !== undefined) parts.push(`comment ${quote(rule.comment)}`);
  return parts.join(' ');
}
