// Statements of nft rules (nftables parser_bison.y `stmt`): matches with their relational operator resolved
// as nft -j prints it, verdicts, counter, log, limit, quota, NAT, reject, queue, dup, fwd, dynamic set
// updates and meters, tproxy, synproxy, object references, ct count, flow offload, last, xt, and mangling
// (`… set …`). Imports the model, the parser core and the expression parser.
import type { Expr, ObjectType, RelOp, Rule, SourceRange, Stmt, StmtOf, Verdict } from '../../model/ir.ts';
import { PAYLOAD_PROTOCOLS, bitsOf, datatypeOf, isBitmaskType, symbolName, symbolValue } from '../../model/datatypes.ts';
import { rangeOf } from './core.ts';
import { EXTHDR_NAMES, ExprParser, MAX_DEPTH, STATEMENT_WORDS, type ValueType } from './exprs.ts';
import { M } from './messages.ts';
import { suggestName } from './misspell.ts';
import { maskAddress, normaliseBytes, parseInteger, parseTime } from './values.ts';
import { lookupTable } from '../../model/lookup.ts';

const REL_OPS: Readonly<Record<string, RelOp>> = lookupTable({
  '==': '==',
  '!=': '!=',
  '<': '<',
  '>': '>',
  '<=': '<=',
  '>=': '>=',
  eq: '==',
  ne: '!=',
  lt: '<',
  gt: '>',
  le: '<=',
  ge: '>=',
  '!': '!',
});

/** Transport protocols a protocol match announces to the rule's context (trackProtocols). */
const TRACKED_L4 = new Set(['tcp', 'udp', 'udplite', 'sctp', 'dccp', 'icmp', 'icmpv6', 'igmp', 'esp', 'ah', 'comp']);

const LOG_LEVELS = ['emerg', 'alert', 'crit', 'err', 'warn', 'notice', 'info', 'debug', 'audit'];
const TIME_UNITS = ['second', 'minute', 'hour', 'day', 'week'];
const NAT_FLAGS = ['random', 'fully-random', 'persistent', 'netmap'];
const NAT_FLAGS_ORDER = ['random', 'persistent', 'fully-random', 'netmap'];

/** A parsed rule: the IR rule itself (its range is always set), placed in a chain by the builder. */
export interface ParsedRule extends Rule {
  readonly range: SourceRange;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** An anonymous chain (`jump { … }`) met while parsing a rule; the builder adds it to the table. */
export interface AnonChain {
  readonly name: string;
  readonly rules: ParsedRule[];
  readonly range: SourceRange;
}

const NO_ANON_CHAINS: readonly AnonChain[] = Object.freeze([]);

/** Words that begin an expression (a misspelt field after them is reported as such, not as an unknown
 *  statement). */
const EXPRESSION_WORDS = new Set([
  ...Object.keys(PAYLOAD_PROTOCOLS), ...EXTHDR_NAMES, 'meta', 'ct', 'fib', 'rt', 'socket', 'osf', 'numgen', 'jhash', 'symhash', 'ipsec', 'tunnel', 'exthdr',
]);

/** Words of the nft grammar that never begin a statement: meeting one there is a syntax error. */
const NOT_STATEMENTS = new Set(['to', 'with', 'set', 'map', 'vmap', 'flags', 'prefix', 'type', 'name', 'over', 'burst', 'packets', 'bytes', 'timeout', 'level', 'offset', 'mod', 'seed', 'device', 'random', 'persistent', 'fully-random', 'original', 'reply', 'saddr', 'daddr', 'sport', 'dport', 'eq', 'ne', 'lt', 'gt', 'le', 'ge', 'and', 'or', 'xor']);

const STATEMENT_NAMES = [...STATEMENT_WORDS, 'ct', 'meta', 'ip', 'ip6', 'tcp', 'udp', 'ether', 'fib', 'rt', 'socket', 'numgen'];

export class StmtParser {
  /** Anonymous chains created while parsing (drained by the command parser after each rule). */
  readonly anonChains: AnonChain[] = [];

  /** Takes the anonymous chains of the rule just parsed. Rules without any (nearly all) share one empty
   *  list rather than each getting a new one. */
  takeAnonChains(): readonly AnonChain[] {
    return this.anonChains.length === 0 ? NO_ANON_CHAINS : this.anonChains.splice(0);
  }
  private anonCount = 0;

  constructor(readonly e: ExprParser) {
    e.elemStmt = () => this.parseElemStatement();
    e.anonChain = (_p, verdict) => this.parseAnonChain(verdict);
  }

  private get p() {
    return this.e.p;
  }

  /** Statements up to the end of the rule (newline, `;`, `}`); a trailing `comment "…"` is the rule's
   *  comment. Never consumes the separator. */
  parseRule(): ParsedRule {
    const start = this.p.peek().start;
    const stmts: Stmt[] = [];
    let comment: string | undefined;
    const saved = this.e.rule;
    this.e.rule = {};
    while (!this.p.atSeparator()) {
      const before = this.p.peek();
      if (this.p.at('comment')) {
        this.p.next();
        const c = this.p.next();
        if (c.kind !== 'string' && c.kind !== 'word') this.p.errorExpected('a comment string', c);
        else comment = c.value;
        if (comment !== undefined && comment.length > 128) this.p.error(M.nameTooLong.code, M.nameTooLong.text('comment', 128), rangeOf(c));
        continue;
      }
      const s = this.parseStatement();
      if (s) {
        const last = stmts[stmts.length - 1];
        if (last && isTerminal(last) && s.kind !== 'opaque') {
          this.p.error(M.badStatement.code, M.badStatement.text('statement after a terminal statement has no effect'), s.range ?? rangeOf(before));
        }
        stmts.push(s);
      }
      if (this.p.peek() === before) {
        // Nothing consumed: report and skip the token so the loop always advances.
        this.p.errorExpected('a statement', before);
        this.p.next();
      }
    }
    this.e.rule = saved;
    const written = this.p.range(start);
    if (stmts.length === 0 && comment === undefined) this.p.error(M.emptyRule.code, M.emptyRule.text, written);
    addRejectDependency(stmts, this.e.family);
    killDependencies(stmts, this.e.family);
    // The range covers the rule's text and the `# handle N` comment nft -a prints after it (part of the
    // rule's listing: a click on it is a click on the rule); consumers that show the text strip it.
    const handle = this.p.takeHandleComment(start);
    const range = handle ? { start, end: Math.max(written.end, handle.end) } : written;
    // Optional fields are assigned, not spread in: a spread of a conditional literal costs about ten property
    // stores, and this runs for every rule. The keys keep the IR's order (kind, stmts, handle, comment, range).
    const rule: Mutable<Rule> = { kind: 'rule', stmts };
    if (handle !== undefined) rule.handle = handle.value;
    if (comment !== undefined) rule.comment = comment;
    rule.range = range;
    return rule as ParsedRule;
  }

  /** One statement. Unknown leading words become `opaque` statements (with an error when they look like a
   *  misspelt keyword, a warning otherwise), consuming the rest of the rule. */
  parseStatement(): Stmt | undefined {
    const t = this.p.peek();
    const start = t.start;
    if (t.kind === 'word') {
      switch (t.value) {
        case 'accept':
        case 'drop':
        case 'continue':
        case 'return':
        case 'jump':
        case 'goto': {
          const v = this.e.parseVerdict();
          return v ? { kind: 'verdict', verdict: v, range: this.p.range(start) } : undefined;
        }
        case 'counter':
          return this.parseCounter();
        case 'log':
          return this.parseLog();
        case 'limit':
          return this.parseLimit();
        case 'quota':
          return this.parseQuota();
        case 'snat':
        case 'dnat':
        case 'masquerade':
        case 'redirect':
          return this.parseNat();
        case 'reject':
          return this.parseReject();
        case 'notrack':
          this.p.next();
          return { kind: 'notrack', range: rangeOf(t) };
        case 'queue':
          return this.parseQueue();
        case 'dup':
          return this.parseDup();
        case 'fwd':
          return this.parseFwd();
        case 'tproxy':
          return this.parseTproxy();
        case 'synproxy':
          return this.parseSynproxy();
        case 'meter':
          return this.parseMeter();
        case 'flow':
          return this.parseFlow();
        case 'xt':
          return this.parseXt();
        case 'last':
          return this.parseLast();
        case 'add':
        case 'update':
        case 'delete':
          if (this.p.at('@', 1)) return this.parseSetStmt();
          break;
        case 'set':
          // Old syntax `set add|update <expr> [timeout T] @name`.
          if ((this.p.at('add', 1) || this.p.at('update', 1)) && this.e.startsKeywordExpr(2)) return this.parseOldSetStmt();
          break;
        case 'reset':
          if (this.p.at('tcp', 1) && this.p.at('option', 2)) {
            // `reset tcp option X`: strips a TCP option (nft 1.1); not modelled.
            this.p.next();
            const opt = this.e.parseExpr();
            const range = this.p.range(start);
            this.p.warning(M.unsupportedConstruct.code, M.unsupportedConstruct.text(`'${this.p.slice(range)}'`), range);
            return opt.kind === 'opaque' ? opt as Stmt : { kind: 'opaque', text: this.p.slice(range), range };
          }
          break;
        case 'ct': {
          const n = this.p.peek(1);
          if (n.kind === 'word' && (n.value === 'helper' || n.value === 'timeout' || n.value === 'expectation') && this.p.at('set', 2)) {
            this.p.next();
            this.p.next();
            this.p.next();
            const name = this.parseObjName();
            return { kind: 'objref', type: `ct ${n.value}` as ObjectType, name, range: this.p.range(start) };
          }
          if (n.kind === 'word' && n.value === 'count') return this.parseConnlimit();
          break;
        }
        case 'meta':
          if (this.p.at('secmark', 1) && this.p.at('set', 2) && this.p.peek(3).kind === 'string') {
            this.p.next();
            this.p.next();
            this.p.next();
            const name = this.parseObjName();
            return { kind: 'objref', type: 'secmark', name, range: this.p.range(start) };
          }
          break;
      }
    }
    if (this.e.startsKeywordExpr() || (t.kind === 'word' && EXPRESSION_WORDS.has(t.value))) return this.parseExprStatement();
    return this.parseUnknown();
  }

  private parseUnknown(): Stmt {
    const t = this.p.peek();
    const start = t.start;
    const hint = t.kind === 'word' ? suggestName(t.value, STATEMENT_NAMES) : undefined;
    // Skip to the end of the rule, keeping braces balanced.
    this.p.recover();
    const range = this.p.range(start);
    const text = this.p.slice(range);
    const impossible = t.kind !== 'word' || !/^[a-z]/i.test(t.value) || NOT_STATEMENTS.has(t.value) || t.value.includes(':');
    if (hint || impossible) this.p.error(M.unknownStatement.code, M.unknownStatement.text(t.value, hint), rangeOf(t));
    else this.p.warning(M.unknownStatement.code, M.unknownStatement.text(t.value), rangeOf(t));
    return { kind: 'opaque', text, range };
  }

  // ───────────────────────────── matches and mangling ─────────────────────────────

  private parseExprStatement(): Stmt | undefined {
    const start = this.p.peek().start;
    // At the start of a statement a keyword is an expression even when the next word is wrong (`tcp dprot`):
    // the keyword parser then reports the field.
    let left = this.e.startsKeywordExpr() ? this.e.parseExpr() : (this.e.parseKeywordExpr() ?? this.e.parseExpr());
    if (left.kind === 'opaque') {
      // The expression was reported; keep the rest of the statement as text.
      this.p.recover();
      const range = this.p.range(start);
      return { kind: 'opaque', text: this.p.slice(range), range };
    }
    // Constants may be concatenated with expressions (`ip saddr . "lo" @s`), but not stand alone, and a
    // wildcard (`eth*`) is only valid on the right.
    const badPart = left.kind === 'value' ? left : left.kind === 'concat' ? left.items.find((i) => i.kind === 'value' && typeof i.value === 'string' && i.value.endsWith('*')) : undefined;
    if (badPart) this.p.error(M.typeMismatch.code, M.typeMismatch.text('the left side of a match must be an expression (such as ip saddr), not a constant'), badPart.range ?? rangeOf(this.p.peek()));
    const fam = this.e.rule.l3 === 'ip' || this.e.rule.l3 === 'ip6' ? this.e.rule.l3 : this.e.family;
    const dt = datatypeOf(left, fam);
    const type: ValueType = { dt, bits: bitsOf(left, fam) };
    const setFirst = this.e.pendingSet;
    this.e.pendingSet = false;
    if (setFirst || this.p.at('set')) {
      if (!setFirst) this.p.next();
      let value = this.e.parseExpr(type);
      if (this.p.at(',') && isBitmaskType(dt)) {
        const items: Expr[] = [value];
        while (this.p.eat(',')) items.push(this.e.parseExpr(type));
        value = { kind: 'list', items, range: this.p.range(value.range?.start ?? start) };
      }
      this.checkMangle(left, this.p.range(start));
      this.checkMangleWidth(value, type.bits);
      if (value.kind === 'range' || value.kind === 'prefix') {
        this.p.error(M.typeMismatch.code, M.typeMismatch.text('a range or prefix cannot be assigned; set a single value'), value.range ?? this.p.range(start));
      }
      if (value.kind === 'set' || value.kind === 'list' && !isBitmaskType(dt)) {
        this.p.error(M.typeMismatch.code, M.typeMismatch.text("a set of values cannot be assigned; use 'map' to pick one"), value.range ?? this.p.range(start));
      }
      return { kind: 'mangle', key: left, value, range: this.p.range(start) };
    }
    if (this.p.at('vmap')) {
      this.p.next();
      const data = this.p.at('@') ? this.e.parseSetRef() : this.p.at('{') ? this.e.parseSetLiteral({ keyDt: dt, dataDt: 'verdict', map: true }) : this.missing("'{' or '@map' after 'vmap'");
      return { kind: 'vmap', key: left, data, range: this.p.range(start) };
    }
    let op: RelOp | undefined;
    const t = this.p.peek();
    // The length test first: the token after a match's left side is usually its value (an address, a name),
    // which is then not looked up in REL_OPS.
    if ((t.kind === 'punct' || (t.kind === 'word' && t.value.length <= 2)) && Object.prototype.hasOwnProperty.call(REL_OPS, t.value)) {
      // `!` is only an operator when a value follows (not `!=`, handled as one token).
      op = REL_OPS[t.value];
      this.p.next();
    }
    if (this.p.atSeparator() || (this.p.peek().kind === 'word' && STATEMENT_WORDS.has(this.p.peek().value) && op === undefined && !this.valueWordFor(dt))) {
      this.p.errorExpected(`a value to compare '${this.p.slice(left.range ?? { start, end: start })}' with`);
      return undefined;
    }
    let right = this.e.parseRhs(type, true);
    if (this.p.at('/') && isBitmaskType(dt)) {
      // `tcp flags syn / syn,ack`: (flags & mask) == value.
      this.p.next();
      const mask = this.e.parseRhs(type, true);
      left = { kind: 'binop', op: '&', left, right: mask, range: this.p.range(start) };
      if (op === undefined) op = '==';
    }
    right = sortFlags(right, dt);
    if (op === undefined || op === '==' || op === '!=') right = evaluatedRhs(right, type.bits);
    if (op === undefined) op = implicitOp(dt, right);
    this.trackProtocols(left, op, right);
    this.checkMatch(left, op, right, this.p.range(start));
    return { kind: 'match', op, left, right, range: this.p.range(start) };
  }

  /** A statement keyword that is also a value of the datatype (`ct event set … ` aside, e.g. `meta l4proto
   *  dccp`) is read as the value. */
  private valueWordFor(dt: string | undefined): boolean {
    const t = this.p.peek();
    return dt !== undefined && t.kind === 'word' && symbolValue(dt, t.value) !== undefined;
  }

  private missing(what: string): Expr {
    this.p.errorExpected(what);
    return { kind: 'opaque', text: '', range: rangeOf(this.p.peek()) };
  }

  /** Remembers the protocols a rule matched (`meta l4proto tcp`, `meta nfproto ipv6`, `ether type ip`). */
  private trackProtocols(left: Expr, op: RelOp, right: Expr): void {
    if (left.kind === 'payload' && left.tunnel) return;
    if ((left.kind === 'meta' && left.key === 'l4proto') || (left.kind === 'payload' && (left.field === 'protocol' || left.field === 'nexthdr'))) this.e.rule.l4Any = true;
    if (op !== '==' || right.kind !== 'value' || typeof right.value !== 'string') return;
    const v = right.value;
    const range = left.range ?? { start: 0, end: 0 };
    if ((left.kind === 'meta' && left.key === 'l4proto') || (left.kind === 'payload' && ((left.protocol === 'ip' && left.field === 'protocol') || (left.protocol === 'ip6' && left.field === 'nexthdr')))) {
      const proto = v === 'ipv6-icmp' ? 'icmpv6' : v === 'ipcomp' ? 'comp' : v;
      if (TRACKED_L4.has(proto)) this.e.noteL4(proto, range);
    }
    if (left.kind === 'meta' && left.key === 'nfproto' && (v === 'ipv4' || v === 'ipv6')) {
      if (!this.e.rule.l3) this.e.rule.l3 = v === 'ipv4' ? 'ip' : 'ip6';
    }
    if ((left.kind === 'meta' && left.key === 'protocol') || (left.kind === 'payload' && left.protocol === 'ether' && left.field === 'type')) {
      // In inet tables `meta protocol` does not fix the network protocol (only `meta nfproto` does: nft
      // accepts `meta protocol ip ip6 saddr ::1` there, and a bare reject after it stays icmpx).
      const setsL3 = !(left.kind === 'meta' && this.e.family === 'inet');
      if ((v === 'ip' || v === 'ip6' || v === 'arp') && !this.e.rule.l3 && setsL3) this.e.rule.l3 = v;
      if (left.kind === 'payload') this.e.rule.l2next = v;
    }
  }

  /** Checks nft's evaluator makes on a match. */
  private checkMatch(left: Expr, op: RelOp, right: Expr, range: SourceRange): void {
    if (right.kind === 'list' && !isBitmaskType(datatypeOf(left, this.e.family)) && left.kind !== 'binop') {
      this.p.error(M.typeMismatch.code, M.typeMismatch.text("a comma list of values only works on flag types (ct state, tcp flags, …); use a set '{ a, b }'"), right.range ?? range);
    }
    if (op === '!' && (left.kind === 'binop' || !isBitmaskType(datatypeOf(left, this.e.family)))) {
      this.p.error(M.typeMismatch.code, M.typeMismatch.text("'!' (none of these bits) only works on flag types"), range);
    }
    if (right.kind === 'setref') this.checkSetRef(left, right.name, right.range ?? range);
    if ((op === '<' || op === '>' || op === '<=' || op === '>=') && (right.kind === 'set' || right.kind === 'setref' || right.kind === 'range' || right.kind === 'prefix')) {
      this.p.error(M.typeMismatch.code, M.typeMismatch.text(`'${op}' needs a single value on its right`), right.range ?? range);
    }
  }

  /** The key datatype of a named set declared so far (installed by the command parser). */
  setKeyType: (name: string) => string | undefined = () => undefined;

  /** A set lookup must compare values of the set's key type (`ip6 saddr @ipv4set` is refused by nft). */
  checkSetRef(left: Expr, name: string, range: SourceRange): void {
    const want = this.setKeyType(name);
    const fam = this.e.rule.l3 === 'ip' || this.e.rule.l3 === 'ip6' ? this.e.rule.l3 : this.e.family;
    const have = datatypeOf(left, fam);
    if (!want || !have || want === have) return;
    const base = (d: string) => d.split(' . ').map((x) => (x === 'mark' || x === 'integer' ? 'integer' : x)).join(' . ');
    if (base(want) === base(have)) return;
    this.p.error(M.typeMismatch.code, M.typeMismatch.text(`set '${name}' holds ${want}, but is looked up with ${have}`), range);
  }

  /** Constants OR-ed or XOR-ed into a value must fit the field being set (`ip version set ip version | 0x1f`). */
  private checkMangleWidth(value: Expr, bits: number | undefined): void {
    if (!bits || bits >= 64 || value.kind !== 'binop' || value.op === '<<' || value.op === '>>') return;
    const max = (1n << BigInt(bits)) - 1n;
    const visit = (e: Expr): void => {
      if (e.kind === 'binop' && e.op !== '<<' && e.op !== '>>') {
        visit(e.left);
        visit(e.right);
      } else if (e.kind === 'value' && typeof e.value === 'number' && BigInt(e.value) > max) {
        this.p.error(M.outOfRange.code, M.outOfRange.text(String(e.value), 'the field being set', max.toString()), e.range ?? { start: 0, end: 0 });
      }
    };
    visit(value);
  }

  private checkMangle(left: Expr, range: SourceRange): void {
    if (left.kind === 'payload-raw' && left.offset % 8 !== 0 && left.len > 32) {
      this.p.error(M.badStatement.code, M.badStatement.text('a raw payload that does not start on a byte can only be set up to 32 bits'), range);
    }
    if (left.kind === 'payload' && left.tunnel) {
      this.p.error(M.badStatement.code, M.badStatement.text('inner (tunnelled) header fields cannot be set'), range);
      return;
    }
    const readOnly =
      (left.kind === 'meta' && ['iif', 'oif', 'iifname', 'oifname', 'iiftype', 'oiftype', 'l4proto', 'nfproto', 'length', 'skuid', 'skgid', 'cpu', 'iifgroup', 'oifgroup', 'cgroup', 'iifkind', 'oifkind', 'sdif', 'sdifname', 'time', 'day', 'hour', 'ibrname', 'obrname', 'protocol', 'rtclassid', 'ipsec'].includes(left.key)) ||
      (left.kind === 'ct' && ['state', 'status', 'direction', 'expiration', 'l3proto', 'protocol', 'bytes', 'packets', 'avgpkt', 'saddr', 'daddr', 'proto-src', 'proto-dst', 'id'].includes(left.key)) ||
      left.kind === 'fib' || left.kind === 'rt' || left.kind === 'socket' || left.kind === 'osf' || left.kind === 'numgen' || left.kind === 'hash' || left.kind === 'ipsec';
    if (readOnly) this.p.error(M.badStatement.code, M.badStatement.text(`'${this.p.slice(left.range ?? range)}' cannot be set`), range);
  }

  // ───────────────────────────── stateful statements ─────────────────────────────

  private parseCounter(): Stmt {
    const t = this.p.next();
    if (this.p.at('name')) {
      this.p.next();
      return { kind: 'objref', type: 'counter', name: this.parseObjName(), range: this.p.range(t.start) };
    }
    let packets = 0;
    let bytes = 0;
    for (;;) {
      if (this.p.eat('packets')) packets = this.e.intWord('a packet count');
      else if (this.p.eat('bytes')) bytes = this.e.intWord('a byte count');
      else break;
    }
    return { kind: 'counter', packets, bytes, range: this.p.range(t.start) };
  }

  /** The name of a referenced object: a string, a word, or a map lookup (`counter name ip saddr map @m`). */
  parseObjName(): Expr {
    const t = this.p.peek();
    if (this.e.startsKeywordExpr()) {
      const key = this.e.parseExpr({ dt: 'string' });
      if (key.kind === 'map') return key;
      this.p.errorExpected("'map' after the key of an object map");
      return key;
    }
    if (t.kind === 'string' || t.kind === 'word') {
      this.p.next();
      if (t.value.length > 256) this.p.error(M.nameTooLong.code, M.nameTooLong.text('object name', 256), rangeOf(t));
      return { kind: 'value', value: t.value, range: rangeOf(t) };
    }
    if (t.kind === 'variable') {
      this.p.next();
      this.p.error(M.undefinedVariable.code, M.undefinedVariable.text(t.value), rangeOf(t));
      return { kind: 'variable', name: t.value, range: rangeOf(t) };
    }
    this.p.errorExpected('an object name');
    return { kind: 'opaque', text: '', range: rangeOf(t) };
  }

  private parseLog(): Stmt {
    const t = this.p.next();
    let prefix: string | undefined;
    let level: string | undefined;
    let group: number | undefined;
    let snaplen: number | undefined;
    let queueThreshold: number | undefined;
    const flags: string[] = [];
    for (;;) {
      const o = this.p.peek();
      if (o.kind !== 'word') break;
      if (o.value === 'prefix') {
        this.p.next();
        const v = this.p.next();
        if (v.kind !== 'string' && v.kind !== 'word') this.p.errorExpected('a log prefix string', v);
        // `$name` inside a log prefix is replaced by the variable (nft expands defines in log prefixes).
        prefix = v.value.replace(/\$([A-Za-z_][A-Za-z0-9_]*)/g, (all, name: string) => {
          const toks = this.p.lookupVariable(name);
          if (!toks) {
            this.p.error(M.undefinedVariable.code, M.undefinedVariable.text(name), rangeOf(v));
            return all;
          }
          return toks.map((x) => x.value).join(' ');
        });
        if (prefix.length > 127) this.p.error(M.nameTooLong.code, M.nameTooLong.text('log prefix', 127), rangeOf(v));
      } else if (o.value === 'level') {
        this.p.next();
        const v = this.p.next();
        if (!LOG_LEVELS.includes(v.value)) this.p.errorUnknown('log level', v, LOG_LEVELS);
        level = v.value;
      } else if (o.value === 'group') {
        this.p.next();
        const gt = this.p.peek();
        group = this.e.intWord('a log group');
        if (group > 65535) this.p.error(M.outOfRange.code, M.outOfRange.text(String(group), 'log group', '65535'), rangeOf(gt));
      } else if (o.value === 'snaplen') {
        this.p.next();
        snaplen = this.e.intWord('a snapshot length');
      } else if (o.value === 'queue-threshold') {
        this.p.next();
        queueThreshold = this.e.intWord('a queue threshold');
      } else if (o.value === 'flags') {
        this.p.next();
        this.parseLogFlags(flags);
      } else break;
    }
    const range = this.p.range(t.start);
    if (group !== undefined && (level !== undefined || flags.length > 0)) {
      this.p.error(M.badStatement.code, M.badStatement.text('log group cannot be combined with level or flags'), range);
    }
    if (group === undefined && (snaplen !== undefined || queueThreshold !== undefined)) {
      this.p.error(M.badStatement.code, M.badStatement.text('log snaplen and queue-threshold need a log group'), range);
    }
    if (level === 'audit' && (prefix !== undefined || flags.length > 0 || group !== undefined)) {
      this.p.error(M.badStatement.code, M.badStatement.text('log level audit takes no other options'), range);
    }
    // `warn` is the default level: nft does not list it.
    if (level === 'warn') level = undefined;
    return {
      kind: 'log',
      ...(prefix !== undefined ? { prefix } : {}),
      ...(level !== undefined ? { level } : {}),
      ...(group !== undefined ? { group } : {}),
      ...(snaplen !== undefined ? { snaplen } : {}),
      ...(queueThreshold !== undefined ? { queueThreshold } : {}),
      ...(flags.length ? { flags } : {}),
      range,
    };
  }

  /** `flags all`, `flags tcp sequence,options`, `flags ip options`, `flags ether`, `flags skuid`. */
  private parseLogFlags(flags: string[]): void {
    const w = this.p.next();
    switch (w.value) {
      case 'all':
      case 'ether':
      case 'skuid':
        flags.push(w.value);
        return;
      case 'ip':
        this.p.expect('options');
        flags.push('ip options');
        return;
      case 'tcp': {
        do {
          const f = this.p.next();
          if (f.value === 'sequence' || f.value === 'options') flags.push(`tcp ${f.value}`);
          else this.p.errorUnknown('tcp log flag', f, ['sequence', 'options']);
        } while (this.p.eat(','));
        return;
      }
      default:
        this.p.errorUnknown('log flag', w, ['all', 'ether', 'skuid', 'ip', 'tcp']);
    }
  }

  private parseLimit(): Stmt {
    const t = this.p.next();
    if (this.p.at('name')) {
      this.p.next();
      return { kind: 'objref', type: 'limit', name: this.parseObjName(), range: this.p.range(t.start) };
    }
    this.p.expect('rate');
    const spec = this.parseRate();
    return { kind: 'limit', ...spec, range: this.p.range(t.start) };
  }

  /** `[over] N[ unit]/per [burst N [unit]]` of limit statements and objects, as nft -j prints it: the
   *  default burst (5 packets, 0 bytes), byte rates in the largest exact unit. */
  parseRate(): { rate: number; per: string; rateUnit?: string; burst: number; burstUnit?: string; inv?: boolean } {
    let inv = false;
    if (this.p.eat('over')) inv = true;
    else this.p.eat('until');
    const rt = this.p.peek();
    const rate = this.e.intWord('a rate');
    let unit: string | undefined;
    let per = 'second';
    const u = this.p.peek();
    // `mbytes/second` is one word for the scanner (names may contain '/').
    const glued = u.kind === 'word' ? /^(bytes|kbytes|mbytes)\/(\w+)$/.exec(u.value) : null;
    if (glued) {
      this.p.next();
      unit = glued[1];
      if (!TIME_UNITS.includes(glued[2] ?? '')) this.p.errorUnknown('time unit', { ...u, value: glued[2] ?? '' }, TIME_UNITS);
      else per = glued[2] ?? 'second';
    } else {
      if (u.kind === 'word' && ['bytes', 'kbytes', 'mbytes'].includes(u.value)) unit = this.p.next().value;
      if (this.p.eat('/')) {
        const pt = this.p.next();
        if (!TIME_UNITS.includes(pt.value)) this.p.errorUnknown('time unit', pt, TIME_UNITS);
        else per = pt.value;
      } else this.p.errorExpected("'/' and a time unit (second, minute, hour, day, week)");
    }
    if (rate === 0) this.p.error(M.badStatement.code, M.badStatement.text('limit rate must be above zero'), rangeOf(rt));
    let burst = unit ? 0 : 5;
    let burstUnit: string | undefined = unit ? 'bytes' : undefined;
    if (this.p.eat('burst')) {
      burst = this.e.intWord('a burst');
      const bu = this.p.peek();
      if (bu.kind === 'word' && ['bytes', 'kbytes', 'mbytes'].includes(bu.value)) {
        this.p.next();
        if (!unit) this.p.error(M.badStatement.code, M.badStatement.text('a byte burst needs a byte rate'), rangeOf(bu));
        const nb = normaliseBytes(burst, bu.value, ['mbytes', 'kbytes', 'bytes']);
        burst = nb.value;
        burstUnit = nb.unit;
      } else if (bu.kind === 'word' && bu.value === 'packets') {
        this.p.next();
        if (unit) this.p.error(M.badStatement.code, M.badStatement.text('a packet burst needs a packet rate'), rangeOf(bu));
      } else if (unit) {
        const nb = normaliseBytes(burst, 'bytes', ['mbytes', 'kbytes', 'bytes']);
        burst = nb.value;
        burstUnit = nb.unit;
      }
    }
    if (unit) {
      const n = normaliseBytes(rate, unit, ['mbytes', 'kbytes', 'bytes']);
      return { rate: n.value, per, rateUnit: n.unit, burst, burstUnit: burstUnit ?? 'bytes', ...(inv ? { inv } : {}) };
    }
    return { rate, per, burst, ...(inv ? { inv } : {}) };
  }

  private parseQuota(): Stmt {
    const t = this.p.next();
    if (this.p.at('name')) {
      this.p.next();
      return { kind: 'objref', type: 'quota', name: this.parseObjName(), range: this.p.range(t.start) };
    }
    const q = this.parseQuotaSpec();
    return { kind: 'quota', ...q, range: this.p.range(t.start) };
  }

  parseQuotaSpec(): { val: number; valUnit: string; used?: number; usedUnit?: string; inv?: boolean } {
    let inv = false;
    if (this.p.eat('over')) inv = true;
    else this.p.eat('until');
    const { value, unit } = this.parseBytes();
    let used: number | undefined;
    let usedUnit: string | undefined;
    if (this.p.eat('used')) {
      const u = this.parseBytes();
      if (u.value > 0) {
        used = u.value;
        usedUnit = u.unit;
      }
    }
    return { val: value, valUnit: unit, ...(used !== undefined ? { used, usedUnit } : {}), ...(inv ? { inv } : {}) };
  }

  /** `N [bytes|kbytes|mbytes|gbytes]` (also written `10mbytes`), normalised to the largest exact unit. */
  private parseBytes(): { value: number; unit: string } {
    const t = this.p.peek();
    if (t.kind === 'word') {
      const m = /^([0-9]+)(bytes|kbytes|mbytes|gbytes)?$/.exec(t.value);
      if (m) {
        this.p.next();
        let unit = m[2];
        if (!unit) {
          const u = this.p.peek();
          if (u.kind === 'word' && ['bytes', 'kbytes', 'mbytes', 'gbytes'].includes(u.value)) unit = this.p.next().value;
          else this.p.errorExpected('a byte unit (bytes, kbytes, mbytes, gbytes)');
        }
        return normaliseBytes(Number(m[1]), unit ?? 'bytes');
      }
    }
    this.p.errorExpected('a byte count');
    if (t.kind === 'word') this.p.next();
    return { value: 0, unit: 'bytes' };
  }

  private parseConnlimit(): Stmt {
    const t = this.p.next();
    this.p.next(); // count
    const inv = this.p.eat('over') !== undefined;
    const val = this.e.intWord('a connection count');
    return { kind: 'connlimit', val, ...(inv ? { inv } : {}), range: this.p.range(t.start) };
  }

  private parseLast(): Stmt {
    const t = this.p.next();
    if (this.p.eat('used')) {
      const v = this.p.next();
      if (v.value === 'never') return { kind: 'last', range: this.p.range(t.start) };
      const ms = parseTime(v.value);
      if (ms === undefined) this.p.error(M.badTime.code, M.badTime.text(v.value), rangeOf(v));
      return { kind: 'last', used: ms ?? 0, range: this.p.range(t.start) };
    }
    return { kind: 'last', range: this.p.range(t.start) };
  }

  /** Statements allowed in set elements and set declarations. */
  parseElemStatement(): Stmt | undefined {
    const t = this.p.peek();
    switch (t.value) {
      case 'counter':
        return this.parseCounter();
      case 'quota':
        return this.parseQuota();
      case 'limit':
        return this.parseLimit();
      case 'last':
        return this.parseLast();
      case 'ct':
        if (this.p.at('count', 1)) return this.parseConnlimit();
        return undefined;
      default:
        return undefined;
    }
  }

  // ───────────────────────────── NAT and friends ─────────────────────────────

  private parseNat(): Stmt {
    const t = this.p.next();
    const type = t.value as 'snat' | 'dnat' | 'masquerade' | 'redirect';
    let family: 'ip' | 'ip6' | undefined;
    const typeFlags: string[] = [];
    let addr: Expr | undefined;
    let port: Expr | undefined;
    if (type === 'snat' || type === 'dnat') {
      if ((this.p.at('ip') || this.p.at('ip6')) && !this.e.startsKeywordExpr()) family = this.p.next().value as 'ip' | 'ip6';
      for (;;) {
        if (this.p.at('prefix') || this.p.at('interval')) typeFlags.push(this.p.next().value);
        else if (this.p.at('addr') && this.p.at('.', 1) && this.p.at('port', 2)) {
          // `dnat ip addr . port to <map>`: the map yields address and port (nft lists it without the words).
          this.p.next();
          this.p.next();
          this.p.next();
        } else break;
      }
      this.p.eat('to');
      const r = this.parseAddrPort(family, true);
      addr = r.addr;
      port = r.port;
      if (!addr && !port) this.p.errorExpected(`an address after '${type} to'`);
    } else if (type === 'redirect' && this.p.at('to') && !this.p.at(':', 1)) {
      // redir_stmt_arg (parser_bison.y): `redirect to stmt_expr` — the colon before a redirect's port is
      // optional (nft lists it with one); masquerade's is not (masq_stmt_args: TO COLON stmt_expr).
      this.p.next();
      port = this.e.parseExpr({ dt: 'inet_service', bits: 16 });
    } else if (this.p.eat('to')) {
      const r = this.parseAddrPort(undefined, false);
      port = r.port;
      if (r.addr) this.p.error(M.badStatement.code, M.badStatement.text(`${type} takes a port only ('${type} to :port')`), r.addr.range ?? rangeOf(t));
    }
    const flags: string[] = [];
    for (;;) {
      const f = this.p.peek();
      if (f.kind === 'word' && NAT_FLAGS.includes(f.value)) {
        this.p.next();
        flags.push(f.value);
        if (this.p.eat(',')) continue;
        continue;
      }
      break;
    }
    // `snat ip prefix to …` is the netmap form: nft -j lists flag netmap with type flag prefix.
    if (typeFlags.includes('prefix') && !flags.includes('netmap')) flags.push('netmap');
    // nft lists NAT flags in their bit order (NF_NAT_RANGE_PROTO_RANDOM, PERSISTENT, PROTO_RANDOM_FULLY).
    flags.sort((a, b) => NAT_FLAGS_ORDER.indexOf(a) - NAT_FLAGS_ORDER.indexOf(b));
    const range = this.p.range(t.start);
    this.checkNat(type, family, range, addr, port);
    // In an inet table the address family comes from the rule's protocol context when not written
    // (`ip daddr 1.2.3.4 dnat to 10.0.0.1` lists as `dnat ip to`).
    if (!family && addr && this.e.family === 'inet' && (this.e.rule.l3 === 'ip' || this.e.rule.l3 === 'ip6')) family = this.e.rule.l3;

    // Assigned in the IR's key order rather than spread in: every kube-proxy endpoint has a dnat.
    const nat: Mutable<StmtOf<'nat'>> = { kind: 'nat', type };
    if (family) nat.family = family;
    if (addr) nat.addr = addr;
    if (port) nat.port = port;
    if (flags.length) nat.flags = flags;
    if (typeFlags.length) nat.typeFlags = typeFlags;
    nat.range = range;
    return nat;
  }

  private checkNat(type: string, family: 'ip' | 'ip6' | undefined, range: SourceRange, addr?: Expr, port?: Expr): void {
    const fam = this.e.family;
    const l3 = this.e.rule.l3;
    if (family && l3 && l3 !== family) this.p.error(M.conflictingProtocols.code, M.conflictingProtocols.text(l3, family), range);
    if (fam === 'inet' && addr && !family && addr.kind !== 'map') {
      // nft needs to know the address family of an inet NAT target (`dnat ip to …`) unless the rule matched it.
      const v = addr.kind === 'value' ? addr.value : addr.kind === 'range' && addr.from.kind === 'value' ? addr.from.value : addr.kind === 'prefix' && addr.expr.kind === 'value' ? addr.expr.value : undefined;
      const isV6 = typeof v === 'string' && v.includes(':');
      if (!l3) this.p.error(M.needsFamily.code, M.needsFamily.text(`${type} to …' (write '${type} ${isV6 ? 'ip6' : 'ip'} to …')`), range);
      else if ((l3 === 'ip') === isV6 && typeof v === 'string') this.p.error(M.conflictingProtocols.code, M.conflictingProtocols.text(l3, isV6 ? 'ip6' : 'ip'), range);
    }
    const mapGivesPort = addr?.kind === 'map' && addr.data.kind === 'set' && addr.data.items.some((i) => i.kind === 'mapping' && i.data.kind === 'concat');
    if (mapGivesPort && port) this.p.error(M.badStatement.code, M.badStatement.text(`the map already gives ${type} an address and a port; remove ':port'`), port.range ?? range);
    if (mapGivesPort && !this.e.rule.l4 && !this.e.rule.l4Any) {
      this.p.error(M.badStatement.code, M.badStatement.text(`a ${type} port needs a transport protocol match before it (e.g. 'meta l4proto tcp')`), addr?.range ?? range);
    }
    if (port && port.kind !== 'map' && !this.e.rule.l4 && !this.e.rule.l4Any) {
      this.p.error(M.badStatement.code, M.badStatement.text(`a ${type} port needs a transport protocol match before it (e.g. 'meta l4proto tcp')`), port.range ?? range);
    }
    if (fam === 'arp' || fam === 'netdev' || (fam === 'bridge' && type !== 'redirect' && type !== 'dnat' && type !== 'snat')) {
      this.p.error(M.wrongFamily.code, M.wrongFamily.text(type, fam), range);
    }
    if (family && ((fam === 'ip' && family === 'ip6') || (fam === 'ip6' && family === 'ip'))) {
      this.p.error(M.wrongFamily.code, M.wrongFamily.text(`${type} ${family}`, fam), range);
    }
    const ct = this.p.ctx.chainType;
    if (ct && ct !== 'nat') this.p.error(M.wrongHook.code, M.badStatement.text(`${type} is only valid in chains of type nat`), range);
    const hook = this.p.ctx.hook;
    if (hook) {
      const ok = type === 'snat' || type === 'masquerade' ? hook === 'postrouting' || hook === 'input' : hook === 'prerouting' || hook === 'output';
      if (!ok) this.p.error(M.wrongHook.code, M.wrongHook.text(type, hook), range);
    }
  }

  /** `addr`, `addr:port`, `:port`, `[ip6]:port`, `addr-addr:port-port`, `expr map …`. */
  private parseAddrPort(family: 'ip' | 'ip6' | undefined, allowAddr: boolean): { addr?: Expr; port?: Expr } {
    const portType: ValueType = { dt: 'inet_service', bits: 16 };
    if (this.p.at(':')) {
      this.p.next();
      return { port: this.e.parseExpr(portType) };
    }
    if (!allowAddr && !this.p.at('[')) return {};
    const fam = family ?? (this.e.family === 'ip' || this.e.family === 'ip6' ? this.e.family : undefined);
    let addrType: ValueType = fam === 'ip6' ? { dt: 'ipv6_addr', bits: 128 } : fam === 'ip' ? { dt: 'ipv4_addr', bits: 32 } : {};
    let addr: Expr;
    if (this.p.at('[')) {
      addr = this.bracketAddr();
      if (this.p.at('-') && this.p.at('[', 1)) {
        this.p.next();
        const to = this.bracketAddr();
        addr = { kind: 'range', from: addr, to, range: this.p.range(addr.range?.start ?? 0) };
      } else if (this.p.at('/') && addr.kind === 'value') {
        this.p.next();
        const len = this.e.intWord('a prefix length');
        addr = { kind: 'prefix', expr: { ...addr, value: maskAddress(addr.value, len) }, len, range: this.p.range(addr.range?.start ?? 0) };
      }
    } else {
      const t = this.p.peek();
      if (!fam && t.kind === 'word') {
        if (t.value.includes(':')) addrType = { dt: 'ipv6_addr', bits: 128 };
        else if (/^[0-9]+\.[0-9]/.test(t.value)) addrType = { dt: 'ipv4_addr', bits: 32 };
      }
      addr = this.e.parseExpr(addrType);
    }
    if (this.p.at(':')) {
      this.p.next();
      return { addr, port: this.e.parseExpr(portType) };
    }
    return { addr };
  }

  private bracketAddr(): Expr {
    this.p.next();
    // nft scans `[addr]` as one token of a literal IPv6 address (scanner.l ip6addr_rfc2732): a variable
    // between the brackets is a syntax error there; `$addr:port` is how a variable takes a port.
    // (Expanded variables come with the position of their `$name`.)
    const v = this.p.peek();
    const written = this.p.slice({ start: v.start, end: v.end });
    if (written.startsWith('$')) this.p.error(M.badStatement.code, M.badStatement.text(`nft takes only a literal IPv6 address between '[' and ']'; write '${written}:port' instead`), rangeOf(v));
    const a = this.e.parseExpr({ dt: 'ipv6_addr', bits: 128 });
    this.p.expect(']');
    return a;
  }

  /** dup, fwd and tproxy send to one address, device or port: ranges, prefixes and sets are refused. */
  private singleValues(what: string, exprs: (Expr | undefined)[]): void {
    for (const e of exprs) {
      if (e && (e.kind === 'range' || e.kind === 'prefix' || e.kind === 'set')) {
        this.p.error(M.typeMismatch.code, M.typeMismatch.text(`${what} needs a single value, not a ${e.kind}`), e.range ?? { start: 0, end: 0 });
      }
    }
  }

  private parseReject(): Stmt {
    const t = this.p.next();
    const fam = this.e.family;
    if (!this.p.eat('with')) {
      // Where the rule fixed the network protocol (`ip daddr …` in inet or bridge), a bare reject is the
      // ICMP or ICMPv6 one, not icmpx (src/evaluate.c stmt_evaluate_reject_default, protocol context).
      const l3 = fam === 'ip' || fam === 'ip6' ? fam : this.e.rule.l3;
      const type = l3 === 'ip' ? 'icmp' : l3 === 'ip6' ? 'icmpv6' : 'icmpx';
      this.checkRejectHook(this.p.range(t.start));
      return { kind: 'reject', type, expr: 'port-unreachable', range: this.p.range(t.start) };
    }
    const w = this.p.next();
    if (w.value === 'tcp') {
      this.p.expect('reset');
      this.checkRejectHook(this.p.range(t.start));
      if (this.e.rule.l4 && this.e.rule.l4 !== 'tcp') this.p.error(M.conflictingProtocols.code, M.conflictingProtocols.text(this.e.rule.l4, 'tcp'), this.p.range(t.start));
      return { kind: 'reject', type: 'tcp reset', range: this.p.range(t.start) };
    }
    if (w.value !== 'icmp' && w.value !== 'icmpv6' && w.value !== 'icmpx') {
      this.p.errorUnknown('reject type', w, ['icmp', 'icmpv6', 'icmpx', 'tcp']);
      this.p.recover();
      return { kind: 'reject', range: this.p.range(t.start) };
    }
    this.p.eat('type');
    const c = this.p.next();
    const dt = w.value === 'icmp' ? 'icmp_code' : w.value === 'icmpv6' ? 'icmpv6_code' : 'icmpx_code';
    let code: string = c.value;
    const num = parseInteger(c.value);
    if (num !== undefined) {
      if (num > 255n) this.p.error(M.outOfRange.code, M.outOfRange.text(c.value, dt, '255'), rangeOf(c));
      code = symbolName(dt, Number(num)) ?? c.value;
    } else if (symbolValue(dt, c.value) === undefined) {
      this.p.errorUnknown(`${w.value} code`, c, (dt === 'icmp_code' ? ['net-unreachable', 'host-unreachable', 'prot-unreachable', 'port-unreachable', 'frag-needed', 'net-prohibited', 'host-prohibited', 'admin-prohibited'] : dt === 'icmpv6_code' ? ['no-route', 'admin-prohibited', 'addr-unreachable', 'port-unreachable', 'policy-fail', 'reject-route'] : ['port-unreachable', 'admin-prohibited', 'no-route', 'host-unreachable']));
    } else code = symbolName(dt, symbolValue(dt, c.value) ?? 0) ?? c.value;
    const range = this.p.range(t.start);
    if ((w.value === 'icmp' && (fam === 'ip6' || this.e.rule.l3 === 'ip6')) || (w.value === 'icmpv6' && (fam === 'ip' || this.e.rule.l3 === 'ip')) || (w.value === 'icmpx' && (fam === 'ip' || fam === 'ip6')) || fam === 'arp') {
      this.p.error(M.wrongFamily.code, M.wrongFamily.text(`reject with ${w.value}`, fam), range);
    }
    this.checkRejectHook(range);
    return { kind: 'reject', type: w.value, expr: code, range };
  }

  private checkRejectHook(range: SourceRange): void {
    if (this.e.rule.l3 === 'arp' || this.e.rule.l2next === 'arp') this.p.error(M.conflictingProtocols.code, M.badStatement.text('reject needs IPv4 or IPv6 traffic, not arp'), range);
    const hook = this.p.ctx.hook;
    if (hook && !['input', 'forward', 'output', 'prerouting', 'ingress'].includes(hook)) {
      this.p.error(M.wrongHook.code, M.wrongHook.text('reject', hook), range);
    }
  }

  private parseQueue(): Stmt {
    const t = this.p.next();
    let num: Expr | undefined;
    const flags: string[] = [];
    for (;;) {
      if (this.p.eat('num')) {
        num = this.e.parseExpr({ dt: 'integer', bits: 16 });
        if (num.kind !== 'value' && num.kind !== 'range') this.p.error(M.badStatement.code, M.badStatement.text("'queue num' takes a number or a range; use 'queue to' for an expression"), num.range ?? rangeOf(t));
      } else if (this.p.eat('flags')) {
        do {
          const f = this.p.next();
          if (f.value === 'bypass' || f.value === 'fanout') flags.push(f.value);
          else this.p.errorUnknown('queue flag', f, ['bypass', 'fanout']);
        } while (this.p.eat(','));
      } else if (this.p.at('bypass') || this.p.at('fanout')) {
        flags.push(this.p.next().value);
        this.p.eat(',');
      } else if (this.p.eat('to')) {
        num = this.e.parseExpr({ dt: 'integer', bits: 16 });
      } else break;
    }
    if (num) this.checkQueueNum(num);
    if (num && flags.includes('fanout') && num.kind !== 'range') this.p.error(M.badStatement.code, M.badStatement.text("queue fanout needs a range of queue numbers"), num.range ?? rangeOf(t));
    return { kind: 'queue', ...(num ? { num } : {}), ...(flags.length ? { flags } : {}), range: this.p.range(t.start) };
  }

  /** Queue numbers are 16 bits; an expression must be a hash or numgen whose results fit. */
  private checkQueueNum(num: Expr): void {
    const range = num.range ?? { start: 0, end: 0 };
    if (num.kind === 'hash' || num.kind === 'numgen') {
      if (num.mod + (num.offset ?? 0) > 65536) this.p.error(M.outOfRange.code, M.outOfRange.text(String(num.mod + (num.offset ?? 0) - 1), 'queue number', '65535'), range);
    } else if (num.kind !== 'value' && num.kind !== 'range' && num.kind !== 'map') {
      this.p.error(M.badStatement.code, M.badStatement.text('queue takes a number, a range, a hash or numgen'), range);
    }
  }

  private parseDup(): Stmt {
    const t = this.p.next();
    this.p.expect('to');
    const fam = this.e.family;
    let addr: Expr | undefined;
    let dev: Expr | undefined;
    // In netdev tables the target is the device, which nft -j prints as `addr` (json.c dup_stmt_json).
    if (fam === 'netdev') addr = this.e.parseExpr({ dt: 'ifname' });
    else addr = this.e.parseExpr(fam === 'ip6' ? { dt: 'ipv6_addr', bits: 128 } : fam === 'ip' ? { dt: 'ipv4_addr', bits: 32 } : {});
    if (this.p.eat('device')) dev = this.e.parseExpr({ dt: 'ifname' });
    const range = this.p.range(t.start);
    this.singleValues('dup', [addr, dev]);
    if (fam === 'arp' || fam === 'bridge' || fam === 'inet') this.p.error(M.wrongFamily.code, M.wrongFamily.text('dup', fam), range);
    return { kind: 'dup', ...(addr ? { addr } : {}), ...(dev ? { dev } : {}), range };
  }

  private parseFwd(): Stmt {
    const t = this.p.next();
    let family: 'ip' | 'ip6' | undefined;
    if (this.p.at('ip') || this.p.at('ip6')) family = this.p.next().value as 'ip' | 'ip6';
    this.p.expect('to');
    let dev: Expr;
    let addr: Expr | undefined;
    if (family) {
      addr = this.e.parseExpr(family === 'ip6' ? { dt: 'ipv6_addr', bits: 128 } : { dt: 'ipv4_addr', bits: 32 });
      this.p.expect('device');
      dev = this.e.parseExpr({ dt: 'ifname' });
    } else dev = this.e.parseExpr({ dt: 'ifname' });
    const range = this.p.range(t.start);
    this.singleValues('fwd', [addr, dev]);
    if (this.e.family !== 'netdev') this.p.error(M.wrongFamily.code, M.wrongFamily.text('fwd', this.e.family), range);
    return { kind: 'fwd', dev, ...(family ? { family } : {}), ...(addr ? { addr } : {}), range };
  }

  private parseTproxy(): Stmt {
    const t = this.p.next();
    let family: 'ip' | 'ip6' | undefined;
    if (this.p.at('ip') || this.p.at('ip6')) family = this.p.next().value as 'ip' | 'ip6';
    this.p.expect('to');
    const r = this.parseAddrPort(family, true);
    const range = this.p.range(t.start);
    this.singleValues('tproxy', [r.addr, r.port]);
    if (!this.e.rule.l4 && !this.e.rule.l4Any) this.p.error(M.badStatement.code, M.badStatement.text("tproxy needs a transport protocol match before it (e.g. 'meta l4proto tcp')"), range);
    const fam = this.e.family;
    if (fam !== 'ip' && fam !== 'ip6' && fam !== 'inet') this.p.error(M.wrongFamily.code, M.wrongFamily.text('tproxy', fam), range);
    if (fam === 'inet' && r.addr && !family) this.p.error(M.needsFamily.code, M.needsFamily.text('tproxy to <address>'), range);
    if (family && ((fam === 'ip' && family === 'ip6') || (fam === 'ip6' && family === 'ip'))) this.p.error(M.wrongFamily.code, M.wrongFamily.text(`tproxy ${family}`, fam), range);
    if (family && this.e.rule.l3 && this.e.rule.l3 !== family) this.p.error(M.conflictingProtocols.code, M.conflictingProtocols.text(this.e.rule.l3, family), range);
    return { kind: 'tproxy', ...(family ? { family } : {}), ...(r.addr ? { addr: r.addr } : {}), ...(r.port ? { port: r.port } : {}), range };
  }

  private parseSynproxy(): Stmt {
    const t = this.p.next();
    if (this.p.at('name')) {
      this.p.next();
      return { kind: 'objref', type: 'synproxy', name: this.parseObjName(), range: this.p.range(t.start) };
    }
    const s = this.parseSynproxySpec();
    return { kind: 'synproxy', ...s, range: this.p.range(t.start) };
  }

  parseSynproxySpec(): { mss?: number; wscale?: number; flags?: string[] } {
    let mss: number | undefined;
    let wscale: number | undefined;
    const flags: string[] = [];
    for (;;) {
      if (this.p.eat('mss')) {
        const mt = this.p.peek();
        mss = this.e.intWord('an MSS');
        if (mss > 65535) this.p.error(M.outOfRange.code, M.outOfRange.text(String(mss), 'mss', '65535'), rangeOf(mt));
      } else if (this.p.eat('wscale')) {
        const wt = this.p.peek();
        wscale = this.e.intWord('a window scale');
        if (wscale > 14) this.p.error(M.outOfRange.code, M.outOfRange.text(String(wscale), 'wscale', '14'), rangeOf(wt));
      } else if (this.p.at('timestamp') || this.p.at('sack-perm')) flags.push(this.p.next().value);
      else break;
      this.p.eat(';');
    }
    return { ...(mss !== undefined ? { mss } : {}), ...(wscale !== undefined ? { wscale } : {}), ...(flags.length ? { flags } : {}) };
  }

  // ───────────────────────────── dynamic sets, meters, flow, xt ─────────────────────────────

  private parseSetStmt(): Stmt {
    const t = this.p.next();
    const op = t.value as 'add' | 'update' | 'delete';
    const ref = this.e.parseSetRef();
    const name = ref.kind === 'setref' ? ref.name : '';
    const open = this.p.expect('{');
    const start = this.p.peek().start;
    let elem = this.e.parseExpr();
    elem = this.e.parseElemOptions(elem, start, true);
    let data: Expr | undefined;
    const stmts: Stmt[] = [];
    for (;;) {
      const s = this.p.peek();
      if (s.kind === 'word' && ['counter', 'quota', 'limit', 'last', 'log'].includes(s.value)) {
        const st = s.value === 'log' ? this.parseLog() : this.parseElemStatement();
        if (st) stmts.push(templateStmt(st));
        continue;
      }
      if (s.kind === 'word' && s.value === 'ct' && this.p.at('count', 1)) {
        stmts.push(this.parseConnlimit());
        continue;
      }
      break;
    }
    if (this.p.eat(':')) data = this.e.parseExpr();
    this.closeBrace(open);
    return {
      kind: 'set',
      op,
      set: name,
      elem,
      ...(data ? { data, isMap: true } : {}),
      ...(stmts.length ? { stmts } : {}),
      range: this.p.range(t.start),
    };
  }

  private parseOldSetStmt(): Stmt {
    const t = this.p.next();
    const op = this.p.next().value as 'add' | 'update';
    const start = this.p.peek().start;
    let elem = this.e.parseExpr();
    elem = this.e.parseElemOptions(elem, start, true);
    const ref = this.p.at('@') ? this.e.parseSetRef() : this.missing("'@set'");
    return { kind: 'set', op, set: ref.kind === 'setref' ? ref.name : '', elem, range: this.p.range(t.start) };
  }

  private closeBrace(open: { start: number; end: number } | undefined): void {
    this.p.skipLineBreaks();
    if (this.p.eat('}')) return;
    const t = this.p.peek();
    this.p.error(M.unclosedBlock.code, M.unclosedBlock.text(this.p.describe(t)), rangeOf(t), open ? { message: M.blockOpenedHere.text, range: { start: open.start, end: open.end } } : undefined);
  }

  private parseMeter(): Stmt {
    const t = this.p.next();
    const n = this.p.next();
    if (n.kind !== 'word' && n.kind !== 'string') this.p.errorExpected('a meter name', n);
    let size: number | undefined;
    if (this.p.eat('size')) size = this.e.intWord('a size');
    const open = this.p.expect('{');
    const start = this.p.peek().start;
    let key = this.e.parseExpr();
    key = this.e.parseElemOptions(key, start, true);
    let stmt: Stmt | undefined = this.parseStatement();
    if (!stmt) stmt = { kind: 'opaque', text: '', range: rangeOf(this.p.peek()) };
    stmt = templateStmt(stmt);
    this.closeBrace(open);
    return { kind: 'meter', name: n.value, key, stmt, ...(size !== undefined ? { size } : {}), range: this.p.range(t.start) };
  }

  private parseFlow(): Stmt {
    const t = this.p.next();
    const op = this.p.next();
    if (op.value !== 'add' && op.value !== 'offload') this.p.errorUnknown('flow operation', op, ['add', 'offload']);
    const ref = this.p.at('@') ? this.e.parseSetRef() : this.missing("'@flowtable'");
    return { kind: 'flow', op: 'add', flowtable: ref.kind === 'setref' ? ref.name : '', range: this.p.range(t.start) };
  }

  private parseXt(): Stmt {
    const t = this.p.next();
    const ty = this.p.next();
    if (ty.value !== 'match' && ty.value !== 'target' && ty.value !== 'watcher') this.p.errorUnknown('xt type', ty, ['match', 'target', 'watcher']);
    const n = this.p.next();
    const range = this.p.range(t.start);
    return { kind: 'xt', type: ty.value === 'target' ? 'target' : ty.value === 'watcher' ? 'watcher' : 'match', name: n.value, options: {}, text: this.p.slice(range), range };
  }

  // ───────────────────────────── anonymous chains ─────────────────────────────

  /** `jump { rule; rule }` (or `goto { … }`, nft's chain_stmt): the rules go to a new chain named like
   *  nft's bindings, the verdict jumps (or goes) to it. */
  parseAnonChain(verdict: 'jump' | 'goto' = 'jump'): Verdict | undefined {
    if (this.e.depth > MAX_DEPTH) {
      this.e.tooDeep(this.p.peek());
      return undefined;
    }
    this.e.depth++;
    try {
      return this.parseAnonChainInner(verdict);
    } finally {
      this.e.depth--;
    }
  }

  private parseAnonChainInner(verdict: 'jump' | 'goto'): Verdict | undefined {
    const open = this.p.next();
    const rules: ParsedRule[] = [];
    const savedRule = this.e.rule;
    for (;;) {
      this.p.skipNewlines();
      if (this.p.at('}') || this.p.atEnd()) break;
      const r = this.parseRule();
      if (r.stmts.length) rules.push(r);
      if (!this.p.at('}') && !this.p.atEnd() && !this.p.atSeparator()) this.p.recover();
    }
    this.e.rule = savedRule;
    const close = this.p.peek();
    if (!this.p.eat('}')) {
      this.p.error(M.unclosedBlock.code, M.unclosedBlock.text(this.p.describe(close)), rangeOf(close), { message: M.blockOpenedHere.text, range: rangeOf(open) });
    }
    const name = `__chain${this.anonCount++}`;
    this.anonChains.push({ name, rules, range: this.p.range(open.start) });
    return { kind: verdict, target: name };
  }
}

/** Protocol names as a protocol match writes them → the payload protocol they announce. */
const L4_OF_VALUE: Readonly<Record<string, string>> = lookupTable({
  tcp: 'tcp', udp: 'udp', udplite: 'udplite', sctp: 'sctp', dccp: 'dccp', icmp: 'icmp', 'ipv6-icmp': 'icmpv6', igmp: 'igmp', esp: 'esp', ah: 'ah', ipcomp: 'comp', gre: 'gre',
});
const L3_OF_VALUE: Readonly<Record<string, string>> = lookupTable({ ipv4: 'ip', ipv6: 'ip6', ip: 'ip', ip6: 'ip6' });

/** `reject with tcp reset` needs a tcp packet: nft puts `meta l4proto tcp` at the start of a rule that
 *  does not establish tcp already (nft 1.0.6 lists `counter reject with tcp reset` as `meta l4proto tcp counter
 *  … reject with tcp reset`; in ip and ip6 tables killDependencies then removes it again where only matches
 *  stand between it and the reject). */
function addRejectDependency(stmts: Stmt[], family: string): void {
  if (family !== 'ip' && family !== 'ip6' && family !== 'inet') return;
  let at = -1;
  for (let i = 0; i < stmts.length && at < 0; i++) {
    const s = stmts[i] as Stmt;
    if (s.kind === 'reject' && s.type === 'tcp reset') at = i;
  }
  if (at < 0) return;
  const establishes = stmts.slice(0, at).some((s) => {
    // any tcp header field before the reject, also inside a binop or a statement (`tcp flags & syn == syn`,
    // `meta mark set tcp dport map @m`), brings its own `meta l4proto tcp` right before its load, and nft
    // then adds none at the start (nft 1.0.6 --debug=netlink, observed)
    if (readsTcpHeader(s)) return true;
    if (s.kind !== 'match') return false;
    const l = s.left;
    const proto = (l.kind === 'meta' && l.key === 'l4proto') || (l.kind === 'payload' && ((l.protocol === 'ip' && l.field === 'protocol') || (l.protocol === 'ip6' && l.field === 'nexthdr')));
    return proto && s.op === '==' && isTcp(s.right);
  });
  if (!establishes) stmts.unshift({ kind: 'match', op: '==', left: { kind: 'meta', key: 'l4proto' }, right: { kind: 'value', value: 'tcp' } });
}

function isTcp(e: Expr): boolean {
  return (e.kind === 'value' && e.value === 'tcp') || (e.kind === 'value' && e.value === 6);
}

/** Whether a statement reads a field of the (outer) tcp header anywhere in its expressions. */
function readsTcpHeader(x: unknown): boolean {
  if (!x || typeof x !== 'object') return false;
  if (Array.isArray(x)) return x.some(readsTcpHeader);
  const o = x as { kind?: unknown; protocol?: unknown; tunnel?: unknown };
  if (o.kind === 'payload' && o.protocol === 'tcp' && !o.tunnel) return true;
  return Object.entries(x).some(([k, v]) => k !== 'range' && readsTcpHeader(v));
}

/** nft lists a protocol match that a later header match implies (`meta l4proto tcp tcp dport 22` lists
 *  as `tcp dport 22`: netlink_delinearize's payload dependency elimination), so the rule the kernel holds
 *  shows without it. Only up to the first statement that is not a match: rule_parse_postprocess resets
 *  the dependency after any other statement ("We can only remove payload dependencies if they occur
 *  without a statement with side effects in between"), so `meta l4proto tcp counter tcp dport 22` and a
 *  dependency before an xt statement stay. A TCP option set (`tcp option maxseg size set …`, STMT_EXTHDR)
 *  is not post-processed and removes nothing (checked with nft 1.0.6). Its helpers are module functions,
 *  not closures: it runs for every rule, and closures made per call cost allocations (under tsx, a
 *  `__name` call each too). */
function killDependencies(stmts: Stmt[], family: string): void {
  // In inet, bridge and netdev tables `ip protocol` / `ip6 nexthdr` also restrict the packet to IPv4 /
  // IPv6, so a transport header match does not make them redundant; a TCP option match does
  // (src/payload.c payload_may_dependency_kill; checked with nft 1.0.6).
  const keepsNetworkDep = family === 'inet' || family === 'bridge' || family === 'netdev';
  for (let i = stmts.length - 1; i >= 0; i--) {
    const proto = impliedProtocol(stmts[i], family);
    if (!proto) continue;
    const dep = stmts[i] as Stmt;
    const optionsOnly = keepsNetworkDep && dep.kind === 'match' && dep.left.kind === 'payload' && (dep.left.protocol === 'ip' || dep.left.protocol === 'ip6');
    let used = false;
    for (let j = i + 1; j < stmts.length && !used; j++) {
      const s = stmts[j] as Stmt;
      // There, a protocol key match at the dependency's own base (`ether type 8021q vlan type arp`) keeps
      // it, and becomes the base's dependency in its place (src/payload.c payload_may_dependency_kill,
      // "do not kill protocol type for stacked protocols"; checked with nft 1.0.6).
      if (keepsNetworkDep && proto === 'vlan' && isVlanTypeMatch(s)) break;
      used = stmtUses(s, proto, family, optionsOnly);
      if (s.kind !== 'match') break;
    }
    if (used) stmts.splice(i, 1);
  }
}

function isVlanTypeMatch(s: Stmt): boolean {
  return s.kind === 'match' && s.left.kind === 'payload' && !s.left.tunnel && s.left.protocol === 'vlan' && s.left.field === 'type';
}

/** The protocol a dependency match announces (`meta l4proto tcp` → tcp), if the statement is one. */
function impliedProtocol(s: Stmt | undefined, family: string): string | undefined {
  if (s?.kind !== 'match' || s.op !== '==' || s.right.kind !== 'value' || typeof s.right.value !== 'string') return undefined;
  const l = s.left;
  const v = s.right.value;
  if ((l.kind === 'meta' && l.key === 'l4proto') || (l.kind === 'payload' && !l.tunnel && ((l.protocol === 'ip' && l.field === 'protocol') || (l.protocol === 'ip6' && l.field === 'nexthdr')))) return L4_OF_VALUE[v];
  // A network protocol match is only redundant where the table family fixes it (ip, ip6): there any
  // later header match lists without it.
  if (l.kind === 'payload' && !l.tunnel && l.protocol === 'ether' && l.field === 'type' && (v === '8021q' || v === '8021ad' || v === 'vlan')) return 'vlan';
  if ((l.kind === 'meta' && (l.key === 'nfproto' || l.key === 'protocol')) || (l.kind === 'payload' && !l.tunnel && l.protocol === 'ether' && l.field === 'type')) {
    if (L3_OF_VALUE[v] === family && (family === 'ip' || family === 'ip6')) return '*';
    // Where the family does not fix it, the match that does (`meta nfproto ipv4` in inet; `ether type ip`
    // or `meta protocol ip` in bridge and netdev) is what a later header match of that protocol, or
    // `reject with icmp …`, implies: nft lists `ip saddr 1.2.3.4` for `ether type ip ip saddr 1.2.3.4`
    // (checked with nft 1.0.6; a transport header match keeps it, its dependency is at another base).
    const l3 = v === 'arp' ? 'arp' : L3_OF_VALUE[v];
    if (!l3) return undefined;
    if (family === 'inet') return l.kind === 'meta' && l.key === 'nfproto' && l3 !== 'arp' ? `nfproto ${l3}` : undefined;
    return (family === 'bridge' || family === 'netdev') && !(l.kind === 'meta' && l.key === 'nfproto') ? `nfproto ${l3}` : undefined;
  }
  return undefined;
}

/** Whether an expression loads a header field of `proto` (`*`: any network or transport header);
 *  `optionsOnly`: only option loads count (see keepsNetworkDep). */
function usesPayload(e: Expr | undefined, proto: string, optionsOnly: boolean): boolean {
  if (!e) return false;
  switch (e.kind) {
    case 'payload':
      if (proto.startsWith('nfproto ')) return !e.tunnel && e.protocol === proto.slice(8);
      return !optionsOnly && (proto === '*' ? e.protocol !== 'ether' && e.protocol !== 'vlan' : e.protocol === proto) && !e.tunnel;
    case 'option':
      return e.protocol === proto;
    case 'binop':
      return usesPayload(e.left, proto, optionsOnly) || usesPayload(e.right, proto, optionsOnly);
    case 'concat':
      return e.items.some((x) => usesPayload(x, proto, optionsOnly));
    case 'map':
      return usesPayload(e.key, proto, optionsOnly);
    case 'hash':
      return usesPayload(e.expr, proto, optionsOnly);
    default:
      return false;
  }
}

function stmtUses(s: Stmt, proto: string, family: string, optionsOnly: boolean): boolean {
  switch (s.kind) {
    case 'match':
      return usesPayload(s.left, proto, optionsOnly);
    case 'vmap':
      return usesPayload(s.key, proto, optionsOnly);
    case 'mangle':
      return (s.key.kind !== 'option' && usesPayload(s.key, proto, optionsOnly)) || usesPayload(s.value, proto, optionsOnly);
    case 'nat':
      return usesPayload(s.addr, proto, optionsOnly) || usesPayload(s.port, proto, optionsOnly);
    case 'objref':
      return usesPayload(s.name, proto, optionsOnly);
    case 'set':
      return usesPayload(s.elem.kind === 'elem' ? s.elem.value : s.elem, proto, optionsOnly);
    case 'reject':
      // the reset's tcp dependency is listed in inet tables, hidden in ip/ip6 ones (nft 1.0.6)
      if (s.type === 'tcp reset') return proto === 'tcp' && family !== 'inet';
      return (s.type === 'icmp' && proto === 'nfproto ip') || (s.type === 'icmpv6' && proto === 'nfproto ip6');
    default:
      return false;
  }
}

/** A flag list as nft lists it: lowest bit first, each flag once (`new,established` → established,new). */
function sortFlags(right: Expr, dt: string | undefined): Expr {
  if (right.kind !== 'list' || !isBitmaskType(dt) || !dt) return right;
  const keyed = right.items.map((e) => ({ e, v: e.kind === 'value' && typeof e.value === 'string' ? symbolValue(dt, e.value) : e.kind === 'value' && typeof e.value === 'number' ? e.value : undefined }));
  if (keyed.some((k) => k.v === undefined)) return right;
  keyed.sort((a, b) => (a.v ?? 0) - (b.v ?? 0));
  const items = keyed.filter((k, i) => i === 0 || k.v !== keyed[i - 1]?.v).map((k) => k.e);
  return { ...right, items };
}

/** Statements that end rule evaluation (nft refuses statements after them). */
function isTerminal(s: Stmt): boolean {
  return s.kind === 'verdict' || s.kind === 'reject' || s.kind === 'nat' || s.kind === 'queue' || s.kind === 'fwd';
}

/** A statement that the kernel instantiates per element (dynamic sets, meters): its counter carries no
 *  values of its own (nft -j prints `"counter": null`). */
function templateStmt(s: Stmt): Stmt {
  return s.kind === 'counter' ? { kind: 'counter', ...(s.range ? { range: s.range } : {}) } : s;
}

/** The right side of an equality as nft evaluates it before it reaches the kernel: a prefix as long as the
 *  address is the address (`ip saddr 10.0.0.1/32` is listed, and loaded, as `ip saddr 10.0.0.1`; checked
 *  with nft 1.0.6). A one-element anonymous set stays a set: nft 1.0.6 loads `tcp dport { 22 }` as
 *  `tcp dport 22`, but newer nft keeps and lists such sets (`iifname { "whatever" }` in its test dumps),
 *  so a listing that shows one is a set in the kernel that listed it. */
function evaluatedRhs(right: Expr, bits: number | undefined): Expr {
  if (right.kind === 'prefix' && bits !== undefined && bits > 0 && right.len === bits && right.expr.kind === 'value') return right.expr;
  return right;
}

/** The operator nft -j shows for a match written without one: `in` ("any of these bits") for flag types
 *  with values or flag lists, `==` otherwise (sets, ranges, prefixes, plain values). */
export function implicitOp(dt: string | undefined, right: Expr): RelOp {
  if (!isBitmaskType(dt)) return '==';
  return right.kind === 'value' || right.kind === 'list' || right.kind === 'binop' ? 'in' : '==';
}
