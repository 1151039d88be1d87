// Commands and blocks of nft text (nftables parser_bison.y `base_cmd`, `table_block`, `chain_block`,
// `set_block`, `flowtable_block`, object blocks): `nft list ruleset` output and `nft -f` scripts, turned into
// a list of commands for the builder. Also `define`/`redefine`/`undefine` and `include`. Imports the model,
// the parser core, the statement/expression parsers and the builder's command types.
import type {
  BaseChainSpec,
  Expr,
  Family,
  Flowtable,
  Literal,
  NamedObject,
  NamedSet,
  ObjectType,
  Priority,
  SourceRange,
  Stmt,
  TypeSpec,
} from '../../model/ir.ts';
import { FAMILIES } from '../../model/ir.ts';
import { priorityNamesFor } from '../../model/priorities.ts';
import { DATATYPES, datatypeOf, isDatatypeName } from '../../model/datatypes.ts';
import type { ChainCmd, Command, RulePosition, TableRef } from './builder.ts';
import { ParserCore, rangeOf } from './core.ts';
import { ExprParser } from './exprs.ts';
import { M } from './messages.ts';
import { suggestName } from './misspell.ts';
import { Scanner, type Token } from './scanner.ts';
import { StmtParser } from './stmts.ts';
import { parseInteger, parseTime } from './values.ts';
import { lookupTable } from '../../model/lookup.ts';

const VERBS = ['add', 'create', 'insert', 'replace', 'delete', 'destroy', 'flush', 'reset', 'list', 'rename', 'get', 'monitor', 'describe', 'export', 'import'];
const IMPLICIT_ADD = ['table', 'chain', 'rule', 'set', 'map', 'element', 'flowtable', 'counter', 'quota', 'limit', 'ct', 'synproxy', 'secmark'];
const TOP_WORDS = [...VERBS, ...IMPLICIT_ADD, 'define', 'redefine', 'undefine', 'include'];
const HOOKS: Readonly<Record<Family, readonly string[]>> = {
  ip: ['prerouting', 'input', 'forward', 'output', 'postrouting'],
  ip6: ['prerouting', 'input', 'forward', 'output', 'postrouting'],
  inet: ['prerouting', 'input', 'forward', 'output', 'postrouting', 'ingress'],
  arp: ['input', 'output'],
  bridge: ['prerouting', 'input', 'forward', 'output', 'postrouting'],
  netdev: ['ingress', 'egress'],
};
const CHAIN_TYPES = ['filter', 'nat', 'route'];
const SET_FLAGS = ['constant', 'interval', 'timeout', 'dynamic', 'eval'];
const TABLE_FLAGS = ['dormant', 'owner', 'persist'];
const OBJECT_MAP_TYPES = ['counter', 'quota', 'limit', 'secmark', 'synproxy', 'ct helper', 'ct timeout', 'ct expectation'];
/** Conntrack timeout states per protocol (nftables src/ct.c timeout_protocol[]). */
const CT_TIMEOUT_STATES: Readonly<Record<string, readonly string[]>> = lookupTable({
  tcp: ['syn_sent', 'syn_recv', 'established', 'fin_wait', 'close_wait', 'last_ack', 'time_wait', 'close', 'syn_sent2', 'retrans', 'unacknowledged'],
  udp: ['unreplied', 'replied'],
  dccp: ['request', 'respond', 'partopen', 'open', 'closereq', 'closing', 'timewait'],
  sctp: ['closed', 'cookie_wait', 'cookie_echoed', 'established', 'shutdown_sent', 'shutdown_recd', 'shutdown_ack_sent', 'heartbeat_sent'],
  icmp: ['timeout'],
  icmpv6: ['timeout'],
  gre: ['unreplied', 'replied'],
  udplite: ['unreplied', 'replied'],
});

/** NFT_NAME_MAXLEN (include/uapi/linux/netfilter/nf_tables.h) counts the terminating NUL. */
const NAME_MAX = 255;

export class NftParser {
  readonly p: ParserCore;
  readonly e: ExprParser;
  readonly s: StmtParser;
  readonly commands: Command[] = [];
  /** Base chain type and hook of chains seen so far, for checks of rules added by command later. */
  private readonly chainSpecs = new Map<string, { type?: string; hook?: string }>();

  constructor(text: string, bag: ParserCore['bag']) {
    this.p = new ParserCore(text, new Scanner(text, bag), bag);
    this.e = new ExprParser(this.p);
    this.s = new StmtParser(this.e);
    this.s.setKeyType = (name) => this.setTypes.get(`${this.p.ctx.family} ${this.p.ctx.table} ${name}`)?.keyDt;
  }

  parse(): Command[] {
    for (;;) {
      this.p.skipNewlines();
      if (this.p.atEnd()) break;
      const before = this.p.peek();
      this.parseTopLevel();
      this.endOfCommand();
      if (this.p.peek() === before) this.p.next();
    }
    return this.commands;
  }

  /** After a command: a separator must follow. */
  private endOfCommand(): void {
    const t = this.p.peek();
    // A block cut short by a missing `}` stops before the next command (already reported).
    if (t.kind === 'newline' || t.kind === 'eof' || this.p.at(';') || this.atTopLevelCommand()) return;
    if (this.p.at('}')) {
      this.p.error(M.extraCloseBrace.code, M.extraCloseBrace.text, rangeOf(t));
      this.p.next();
      return;
    }
    this.p.errorExpected('end of line or \';\' after the command', t);
    this.p.recover();
    if (this.p.at('}')) this.p.next();
  }

  private parseTopLevel(): void {
    const t = this.p.peek();
    if (t.kind === 'punct' && t.value === '}') {
      this.p.error(M.extraCloseBrace.code, M.extraCloseBrace.text, rangeOf(t));
      this.p.next();
      return;
    }
    if (t.kind !== 'word') {
      this.p.errorExpected('a command (add, table, flush, define, …)', t);
      this.p.recover();
      return;
    }
    switch (t.value) {
      case 'define':
      case 'redefine':
      case 'undefine':
        return this.parseDefine();
      case 'include':
        return this.parseInclude();
    }
    if (VERBS.includes(t.value)) {
      this.p.next();
      return this.parseCommand(t.value, t);
    }
    if (IMPLICIT_ADD.includes(t.value)) return this.parseCommand('add', t);
    this.p.errorUnknown('command', t, TOP_WORDS);
    this.p.recover();
  }

  // ───────────────────────────── define / include ─────────────────────────────

  private parseDefine(): void {
    const kw = this.p.next();
    const n = this.p.peek();
    if (n.kind !== 'word' && n.kind !== 'string') {
      this.p.errorExpected(`a variable name after '${kw.value}'`);
      this.p.recover();
      return;
    }
    this.p.next();
    if (kw.value === 'undefine') {
      if (!this.p.undefineVariable(n.value)) this.p.error(M.undefineUnknown.code, M.undefineUnknown.text(n.value), rangeOf(n));
      return;
    }
    if (!this.p.expect('=')) {
      this.p.recover();
      return;
    }
    const toks: Token[] = [];
    let depth = 0;
    for (;;) {
      const t = this.p.peek();
      if (t.kind === 'eof') break;
      if (depth === 0 && (t.kind === 'newline' || (t.kind === 'punct' && (t.value === ';' || t.value === '}')))) break;
      if (t.kind === 'punct' && t.value === '{') depth++;
      if (t.kind === 'punct' && t.value === '}') depth--;
      toks.push(this.p.next());
    }
    if (toks.length === 0) {
      this.p.errorExpected(`a value for $${n.value}`);
      return;
    }
    for (const t of toks) {
      if (t.kind === 'variable') this.p.error(M.undefinedVariable.code, M.undefinedVariable.text(t.value), rangeOf(t));
    }
    const scope = this.p.innermostScope();
    if (kw.value === 'define' && scope.has(n.value)) {
      this.p.error(M.redefinedVariable.code, M.redefinedVariable.text(n.value), rangeOf(n));
    }
    scope.set(n.value, toks);
  }

  private parseInclude(): void {
    const kw = this.p.next();
    const f = this.p.peek();
    if (f.kind === 'string' || f.kind === 'word') this.p.next();
    else this.p.errorExpected('a file name in quotes after include');
    // nft only includes regular files; device nodes such as /dev/null are refused.
    if (f.value.startsWith('/dev/') || f.value.startsWith('/proc/') || f.value.startsWith('/sys/')) {
      this.p.error(M.badStatement.code, M.badStatement.text(`cannot include '${f.value}': not a regular file`), this.p.range(kw.start));
      return;
    }
    this.p.warning(M.includeNotFollowed.code, M.includeNotFollowed.text(f.value), this.p.range(kw.start));
  }

  // ───────────────────────────── names ─────────────────────────────

  private atFamily(): boolean {
    const t = this.p.peek();
    if (t.kind !== 'word' || !(FAMILIES as readonly string[]).includes(t.value)) return false;
    const n = this.p.peek(1);
    return n.kind === 'word' || n.kind === 'string';
  }

  /** `[family] table`: the table a command works on. */
  private parseTableRef(): TableRef | undefined {
    let family: Family = 'ip';
    const start = this.p.peek().start;
    if (this.atFamily()) family = this.p.next().value as Family;
    else {
      const t = this.p.peek();
      // A misspelt family followed by a name: `add table ipv4 t`.
      const n = this.p.peek(1);
      if (t.kind === 'word' && (n.kind === 'word' || n.kind === 'string') && !this.nameFollowsIsKeyword(1) && suggestName(t.value, FAMILIES) && !(FAMILIES as readonly string[]).includes(t.value) && this.looksLikeFamilySlot()) {
        this.p.error(M.unknownFamily.code, M.unknownFamily.text(t.value, suggestName(t.value, FAMILIES)), rangeOf(t));
        this.p.next();
      }
    }
    const name = this.parseName('table name');
    if (name === undefined) return undefined;
    return { family, table: name.value, range: this.p.range(start) };
  }

  private looksLikeFamilySlot(): boolean {
    // Only when two names follow (family + table): `ip6x t {` vs `t {`.
    const n2 = this.p.peek(2);
    return n2.kind === 'word' || n2.kind === 'string';
  }

  private nameFollowsIsKeyword(k: number): boolean {
    const t = this.p.peek(k);
    return t.kind === 'word' && (t.value === 'handle' || t.value === 'position' || t.value === 'index');
  }

  /** A name (word or "string"), checked for length. */
  private parseName(what: string): { value: string; range: SourceRange } | undefined {
    const t = this.p.peek();
    if (t.kind === 'word' || t.kind === 'string') {
      this.p.next();
      if (t.value.length > NAME_MAX) this.p.error(M.nameTooLong.code, M.nameTooLong.text(what, NAME_MAX), rangeOf(t));
      if (t.value.length === 0) this.p.error(M.emptyName.code, M.emptyName.text(what), rangeOf(t));
      return { value: t.value, range: rangeOf(t) };
    }
    if (t.kind === 'variable') {
      this.p.next();
      this.p.error(M.undefinedVariable.code, M.undefinedVariable.text(t.value), rangeOf(t));
      return { value: `$${t.value}`, range: rangeOf(t) };
    }
    this.p.errorExpected(`a ${what}`, t);
    return undefined;
  }

  private handleNumber(): number | undefined {
    this.p.expect('handle');
    const t = this.p.peek();
    const n = t.kind === 'word' ? parseInteger(t.value) : undefined;
    if (n === undefined) {
      this.p.errorExpected('a handle number', t);
      return undefined;
    }
    this.p.next();
    return Number(n);
  }

  // ───────────────────────────── commands ─────────────────────────────

  private parseCommand(verb: string, verbTok: Token): void {
    const o = this.p.peek();
    if (o.kind !== 'word') {
      this.p.errorExpected(`what to ${verb} (table, chain, rule, set, element, …)`, o);
      this.p.recover();
      return;
    }
    if (['list', 'get', 'monitor', 'describe', 'export', 'import'].includes(verb)) {
      this.p.recover();
      this.p.bag.info(M.commandIgnored.code, M.commandIgnored.text(`${verb} ${o.value}`), this.p.range(verbTok.start));
      return;
    }
    let obj = o.value;
    this.p.next();
    if (obj === 'ct') {
      const k = this.p.peek();
      if (k.kind === 'word' && (k.value === 'helper' || k.value === 'timeout' || k.value === 'expectation')) {
        this.p.next();
        obj = `ct ${k.value}`;
      } else {
        this.p.errorUnknown('ct object', k, ['helper', 'timeout', 'expectation']);
        this.p.recover();
        return;
      }
    }
    const start = verbTok.start;
    switch (obj) {
      case 'ruleset':
        return this.cmdRuleset(verb, start);
      case 'table':
        return this.cmdTable(verb, start);
      case 'chain':
        return this.cmdChain(verb, start);
      case 'rule':
        return this.cmdRule(verb, start);
      case 'set':
      case 'map':
      case 'meter':
        return this.cmdSet(verb, obj === 'map' ? 'map' : 'set', start);
      case 'element':
        return this.cmdElement(verb, start);
      case 'flowtable':
        return this.cmdFlowtable(verb, start);
      case 'counter':
      case 'quota':
      case 'limit':
      case 'synproxy':
      case 'secmark':
      case 'ct helper':
      case 'ct timeout':
      case 'ct expectation':
      case 'tunnel':
        return this.cmdObject(verb, obj as ObjectType, start);
      case 'counters':
      case 'quotas':
      case 'rules':
      case 'limits':
      case 'sets':
      case 'maps':
      case 'chains':
      case 'tables':
      case 'elements':
      case 'meters':
      case 'flowtables':
        return this.cmdPlural(verb, obj, start);
    }
    // `add [family] t c tcp dport 22 accept`: `add`/`insert` without `rule` (nft base_cmd: rule_position rule).
    if ((verb === 'add' || verb === 'insert') && !suggestName(o.value, ['table', 'chain', 'rule', 'set', 'map', 'element', 'flowtable', 'counter', 'quota', 'limit', 'synproxy', 'secmark'])) {
      const n = this.p.peek();
      if (n.kind === 'word' || n.kind === 'string') return this.cmdRuleAfter(verb, start, o);
    }
    this.p.errorUnknown(`object to ${verb}`, o, ['table', 'chain', 'rule', 'set', 'map', 'element', 'flowtable', 'counter', 'quota', 'limit', 'ct', 'synproxy', 'secmark', 'ruleset']);
    this.p.recover();
  }

  private cmdRuleset(verb: string, start: number): void {
    let family: Family | undefined;
    if (this.p.atWord() && (FAMILIES as readonly string[]).includes(this.p.peek().value)) family = this.p.next().value as Family;
    if (verb === 'flush') this.commands.push({ op: 'flush', obj: 'ruleset', ...(family ? { family } : {}), range: this.p.range(start) });
    else if (verb === 'reset') this.commands.push({ op: 'reset', obj: 'rules', range: this.p.range(start) });
    else this.p.bag.info(M.commandIgnored.code, M.commandIgnored.text(`${verb} ruleset`), this.p.range(start));
  }

  private cmdPlural(verb: string, obj: string, start: number): void {
    // `reset counters [table [family] t]`, `list sets`, …
    let ref: TableRef | undefined;
    if (this.p.eat('table')) ref = this.parseTableRef();
    else if (this.atFamily() || (this.p.atWord() && this.p.peek(1).kind !== 'newline')) {
      if (!this.p.atSeparator()) ref = this.parseTableRef();
    }
    if (verb === 'reset' && (obj === 'counters' || obj === 'quotas' || obj === 'rules')) {
      this.commands.push({ op: 'reset', obj, ...(ref ? { ref } : {}), range: this.p.range(start) });
      return;
    }
    this.p.recover();
    this.p.bag.info(M.commandIgnored.code, M.commandIgnored.text(`${verb} ${obj}`), this.p.range(start));
  }

  private cmdTable(verb: string, start: number): void {
    if (verb === 'delete' || verb === 'destroy') {
      let family: Family = 'ip';
      if (this.atFamily() || (this.p.atWord() && (FAMILIES as readonly string[]).includes(this.p.peek().value) && this.p.at('handle', 1))) family = this.p.next().value as Family;
      if (this.p.at('handle')) {
        const handle = this.handleNumber();
        this.commands.push({ op: verb, obj: 'table', ref: { family, table: '', range: this.p.range(start) }, ...(handle !== undefined ? { handle } : {}), range: this.p.range(start) });
        return;
      }
      const name = this.parseName('table name');
      if (!name) return this.p.recover();
      this.commands.push({ op: verb, obj: 'table', ref: { family, table: name.value, range: this.p.range(start) }, name: name.value, range: this.p.range(start) });
      return;
    }
    const ref = this.parseTableRef();
    if (!ref) return this.p.recover();
    if (verb === 'flush') {
      this.commands.push({ op: 'flush', obj: 'table', ref, range: this.p.range(start) });
      return;
    }
    if (verb === 'reset' || verb === 'rename' || verb === 'insert' || verb === 'replace') {
      this.p.error(M.unexpectedToken.code, M.unexpectedToken.text(`'${verb} table'`, ': not a table command'), this.p.range(start));
      return;
    }
    const cmd: { flags?: string[]; comment?: string; handle?: number } = {};
    const tableCmdIndex = this.commands.length;
    this.commands.push({ op: verb === 'create' ? 'create' : 'add', obj: 'table', ref });
    if (this.p.at('{')) this.parseTableBlock(ref, cmd);
    this.commands[tableCmdIndex] = { op: verb === 'create' ? 'create' : 'add', obj: 'table', ref, ...cmd, range: this.p.range(start) };
  }

  /** `delete|destroy chain|set|flowtable TABLE (handle N | NAME)`; a chain or flowtable may be followed by its
   *  `{ … }` body, which deleting ignores. */
  private cmdDeleteNamed(verb: 'delete' | 'destroy', obj: 'chain' | 'set' | 'flowtable', what: string, ref: TableRef, start: number, bodyAllowed: boolean): void {
    if (this.p.at('handle')) {
      const handle = this.handleNumber();
      this.commands.push({ op: verb, obj, ref, ...(handle !== undefined ? { handle } : {}), range: this.p.range(start) });
      return;
    }
    const name = this.parseName(what);
    if (!name) return this.p.recover();
    if (bodyAllowed && this.p.at('{')) this.skipBlock();
    this.commands.push({ op: verb, obj, ref, name: name.value, range: this.p.range(start) });
  }

  private cmdChain(verb: string, start: number): void {
    const ref = this.parseTableRef();
    if (!ref) return this.p.recover();
    if (verb === 'delete' || verb === 'destroy') return this.cmdDeleteNamed(verb, 'chain', 'chain name', ref, start, true);
    const name = this.parseName('chain name');
    if (!name) return this.p.recover();
    if (verb === 'flush') {
      this.commands.push({ op: 'flush', obj: 'chain', ref, name: name.value, range: this.p.range(start) });
      return;
    }
    if (verb === 'rename') {
      const nn = this.parseName('new chain name');
      if (nn) this.commands.push({ op: 'rename', obj: 'chain', ref, name: name.value, newName: nn.value, range: this.p.range(start) });
      return;
    }
    if (verb !== 'add' && verb !== 'create') {
      this.p.error(M.unexpectedToken.code, M.unexpectedToken.text(`'${verb} chain'`, ': not a chain command'), this.p.range(start));
      return;
    }
    this.p.ctx.family = ref.family;
    if (this.p.at('{')) this.parseChainBlock(ref, name, verb === 'create' ? 'create' : 'add', start);
    else this.commands.push({ op: verb === 'create' ? 'create' : 'add', obj: 'chain', ref, name: name.value, nameRange: name.range, range: this.p.range(start) });
  }

  /** `add t c …` where `t` (or the family) was already consumed as the object word. */
  private cmdRuleAfter(verb: string, start: number, first: Token): void {
    let ref: TableRef | undefined;
    if ((FAMILIES as readonly string[]).includes(first.value) && (this.p.peek(1).kind === 'word' || this.p.peek(1).kind === 'string')) {
      const name = this.parseName('table name');
      if (!name) return this.p.recover();
      ref = { family: first.value as Family, table: name.value, range: this.p.range(first.start) };
    } else ref = { family: 'ip', table: first.value, range: rangeOf(first) };
    this.cmdRule(verb, start, ref);
  }

  private cmdRule(verb: string, start: number, given?: TableRef): void {
    const ref = given ?? this.parseTableRef();
    if (!ref) return this.p.recover();
    const chain = this.parseName('chain name');
    if (!chain) return this.p.recover();
    if (verb === 'delete' || verb === 'destroy') {
      const handle = this.handleNumber();
      this.commands.push({ op: verb, obj: 'rule', ref, chain: chain.value, ...(handle !== undefined ? { handle } : {}), range: this.p.range(start) });
      return;
    }
    if (verb === 'reset') {
      this.p.recover();
      this.commands.push({ op: 'reset', obj: 'rules', ref, name: chain.value, range: this.p.range(start) });
      return;
    }
    if (verb !== 'add' && verb !== 'insert' && verb !== 'replace' && verb !== 'create') {
      this.p.error(M.unexpectedToken.code, M.unexpectedToken.text(`'${verb} rule'`, ': not a rule command'), this.p.range(start));
      this.p.recover();
      return;
    }
    let position: RulePosition | undefined;
    const pt = this.p.peek();
    if (pt.kind === 'word' && (pt.value === 'position' || pt.value === 'handle' || pt.value === 'index') && this.p.peek(1).kind === 'word' && parseInteger(this.p.peek(1).value) !== undefined) {
      this.p.next();
      const v = this.p.next();
      position = { kind: pt.value as 'position' | 'handle' | 'index', value: Number(v.value), range: this.p.range(pt.start) };
    }
    if (verb === 'replace' && !position) this.p.errorExpected("'handle N' of the rule to replace");
    this.enterChainContext(ref, chain.value);
    const rule = this.s.parseRule();
    this.commands.push({ op: verb, obj: 'rule', ref, chain: chain.value, chainRange: chain.range, rule, ...(position ? { position } : {}), anon: this.s.takeAnonChains() });
    this.leaveChainContext();
  }

  private enterChainContext(ref: TableRef, chain: string, key = chainKey(ref, chain)): void {
    this.p.ctx.family = ref.family;
    this.p.ctx.table = ref.table;
    this.p.ctx.chain = chain;
    const spec = this.chainSpecs.get(key);
    this.p.ctx.chainType = spec?.type;
    this.p.ctx.hook = spec?.hook;
  }

  private leaveChainContext(): void {
    this.p.ctx.chain = undefined;
    this.p.ctx.chainType = undefined;
    this.p.ctx.hook = undefined;
  }

  private cmdSet(verb: string, kind: 'set' | 'map', start: number): void {
    const ref = this.parseTableRef();
    if (!ref) return this.p.recover();
    if (verb === 'delete' || verb === 'destroy') return this.cmdDeleteNamed(verb, 'set', `${kind} name`, ref, start, false);
    const name = this.parseName(`${kind} name`);
    if (!name) return this.p.recover();
    if (verb === 'flush' || verb === 'reset') {
      if (verb === 'flush') this.commands.push({ op: 'flush', obj: 'set', ref, name: name.value, range: this.p.range(start) });
      return;
    }
    if (verb !== 'add' && verb !== 'create') {
      this.p.error(M.unexpectedToken.code, M.unexpectedToken.text(`'${verb} ${kind}'`, ': not a set command'), this.p.range(start));
      return;
    }
    this.p.ctx.family = ref.family;
    if (!this.p.at('{')) {
      this.p.errorExpected(`'{' and the ${kind} declaration (type, flags, elements)`);
      return;
    }
    const parsed = this.parseSetBlock(kind, name.value, this.p.range(name.range.start));
    if (parsed) {
      const set = { ...parsed, range: this.p.range(start) };
      this.commands.push({ op: verb === 'create' ? 'create' : 'add', obj: 'set', ref, set, nameRange: name.range });
      this.recordSetTypes(ref, set);
    }
  }

  private cmdElement(verb: string, start: number): void {
    const ref = this.parseTableRef();
    if (!ref) return this.p.recover();
    const set = this.parseName('set name');
    if (!set) return this.p.recover();
    if (verb === 'flush' || verb === 'reset' || verb === 'list') {
      this.skipBlock();
      return;
    }
    if (!this.p.at('{')) {
      this.p.errorExpected("'{' and the elements");
      return this.p.recover();
    }
    this.p.ctx.family = ref.family;
    this.p.ctx.table = ref.table;
    const { keyDt, dataDt, interval } = this.setTypesOf(ref, set.value);
    const lit = this.e.parseSetLiteral({ keyDt, dataDt, interval, keepOrder: true });
    const elements = lit.kind === 'set' ? lit.items : [];
    const op = verb === 'create' ? 'create' : verb === 'delete' ? 'delete' : verb === 'destroy' ? 'destroy' : 'add';
    if (verb !== 'add' && verb !== 'create' && verb !== 'delete' && verb !== 'destroy') {
      this.p.error(M.unexpectedToken.code, M.unexpectedToken.text(`'${verb} element'`, ': not an element command'), this.p.range(start));
      return;
    }
    this.commands.push({ op, obj: 'element', ref, set: set.value, setRange: set.range, elements });
  }

  /** Key and data datatypes of a set declared earlier in the input (for typing `add element` values). */
  private readonly setTypes = new Map<string, { keyDt?: string; dataDt?: string; interval?: boolean; kind?: 'set' | 'map' }>();

  private setTypesOf(ref: TableRef, name: string): { keyDt?: string; dataDt?: string; interval?: boolean } {
    return this.setTypes.get(`${ref.family} ${ref.table} ${name}`) ?? {};
  }

  private cmdFlowtable(verb: string, start: number): void {
    const ref = this.parseTableRef();
    if (!ref) return this.p.recover();
    if (verb === 'delete' || verb === 'destroy') return this.cmdDeleteNamed(verb, 'flowtable', 'flowtable name', ref, start, true);
    const name = this.parseName('flowtable name');
    if (!name) return this.p.recover();
    this.p.ctx.family = ref.family;
    const ft = this.parseFlowtableBlock(name.value, name.range, this.p.at('{'));
    if (ft) this.commands.push({ op: verb === 'create' ? 'create' : 'add', obj: 'flowtable', ref, flowtable: { ...ft, range: this.p.range(start) }, nameRange: name.range });
  }

  private cmdObject(verb: string, type: ObjectType, start: number): void {
    const ref = this.parseTableRef();
    if (!ref) return this.p.recover();
    if (verb === 'delete' || verb === 'destroy' || verb === 'reset' || verb === 'list') {
      let name: string | undefined;
      let handle: number | undefined;
      if (this.p.at('handle')) handle = this.handleNumber();
      else name = this.parseName(`${type} name`)?.value;
      if (verb === 'reset' && (type === 'counter' || type === 'quota')) {
        this.commands.push({ op: 'reset', obj: type === 'counter' ? 'counters' : 'quotas', ref, ...(name ? { name } : {}), range: this.p.range(start) });
        return;
      }
      if (verb === 'delete' || verb === 'destroy') this.commands.push({ op: verb, obj: 'object', ref, objectType: type, ...(name !== undefined ? { name } : {}), ...(handle !== undefined ? { handle } : {}), range: this.p.range(start) });
      return;
    }
    const name = this.parseName(`${type} name`);
    if (!name) return this.p.recover();
    this.p.ctx.family = ref.family;
    const obj = this.parseObjectBody(type, name.value, name.range, ref.family);
    if (obj) this.commands.push({ op: verb === 'create' ? 'create' : 'add', obj: 'object', ref, object: { ...obj, range: this.p.range(start) }, nameRange: name.range });
  }

  /** Skips a `{ … }` block (of commands whose content does not matter). */
  private skipBlock(): void {
    if (!this.p.at('{')) return;
    let depth = 0;
    for (;;) {
      const t = this.p.next();
      if (t.kind === 'eof') return;
      if (t.kind === 'punct' && t.value === '{') depth++;
      if (t.kind === 'punct' && t.value === '}' && --depth === 0) return;
    }
  }

  // ───────────────────────────── blocks ─────────────────────────────

  /** Runs `item` for each item of a `{ … }` block until its `}`; reports an unclosed block against its `{`
   *  and stops early when a top-level command begins (the `}` was probably forgotten). */
  private block(what: string, item: () => void): Token | undefined {
    const open = this.p.next();
    this.p.pushScope();
    try {
      for (;;) {
        this.p.skipNewlines();
        const t = this.p.peek();
        if (t.kind === 'punct' && t.value === '}') {
          this.p.next();
          return open;
        }
        if (t.kind === 'eof' || this.atTopLevelCommand()) {
          this.p.error(M.unclosedBlock.code, M.unclosedBlock.text(this.p.describe(t)), rangeOf(t), { message: `${M.blockOpenedHere.text} (${what})`, range: rangeOf(open) });
          return open;
        }
        const before = this.p.peek();
        item();
        // Each item ends at a separator or the closing brace.
        const after = this.p.peek();
        if (!(after.kind === 'newline' || after.kind === 'eof' || (after.kind === 'punct' && (after.value === ';' || after.value === '}')))) {
          this.p.errorExpected("end of line or ';'", after);
          this.p.recover();
        }
        if (this.p.peek() === before) this.p.next();
      }
    } finally {
      this.p.popScope();
    }
  }

  /** A line that can only be a top-level command: `add table …`, `flush ruleset`, `table x {` at line start
   *  inside another block. */
  private atTopLevelCommand(): boolean {
    const t = this.p.peek();
    if (t.kind !== 'word') return false;
    const n = this.p.peek(1);
    if (t.value === 'table') return true;
    if (COMMAND_VERBS.has(t.value)) return n.kind === 'word' && COMMAND_OBJECTS.has(n.value);
    return false;
  }

  private parseTableBlock(ref: TableRef, out: { flags?: string[]; comment?: string; handle?: number }): void {
    const braceStart = this.p.peek().start;
    this.p.ctx.family = ref.family;
    this.p.ctx.table = ref.table;
    let first = true;
    this.block(`table ${ref.table}`, () => {
      if (first) {
        first = false;
        const h = this.p.takeHandle(braceStart, this.p.peek().start);
        if (h !== undefined) out.handle = h;
      }
      this.p.ctx.family = ref.family;
      const t = this.p.peek();
      if (t.kind !== 'word') {
        this.p.errorExpected('a table item (chain, set, map, flowtable, flags, comment, …)', t);
        this.p.recover();
        return;
      }
      switch (t.value) {
        case 'chain': {
          this.p.next();
          const name = this.parseName('chain name');
          if (!name) return this.p.recover();
          if (!this.p.at('{')) {
            this.commands.push({ op: 'add', obj: 'chain', ref, name: name.value, nameRange: name.range, range: this.p.range(t.start) });
            return;
          }
          this.parseChainBlock(ref, name, 'add', t.start);
          return;
        }
        case 'set':
        case 'map':
        case 'meter': {
          this.p.next();
          const name = this.parseName(`${t.value} name`);
          if (!name) return this.p.recover();
          if (!this.p.at('{')) {
            this.p.errorExpected(`'{' after the ${t.value} name`);
            return this.p.recover();
          }
          const parsed = this.parseSetBlock(t.value === 'map' ? 'map' : 'set', name.value, name.range);
          if (parsed) {
            const set = { ...parsed, range: this.p.range(t.start) };
            this.commands.push({ op: 'add', obj: 'set', ref, set, nameRange: name.range });
            this.recordSetTypes(ref, set);
          }
          return;
        }
        case 'flowtable': {
          this.p.next();
          const name = this.parseName('flowtable name');
          if (!name) return this.p.recover();
          const ft = this.parseFlowtableBlock(name.value, name.range, true);
          if (ft) this.commands.push({ op: 'add', obj: 'flowtable', ref, flowtable: { ...ft, range: this.p.range(t.start) }, nameRange: name.range });
          return;
        }
        case 'counter':
        case 'quota':
        case 'limit':
        case 'synproxy':
        case 'secmark':
        case 'tunnel':
        case 'ct': {
          this.p.next();
          let type = t.value as ObjectType;
          if (t.value === 'ct') {
            const k = this.p.next();
            if (k.value !== 'helper' && k.value !== 'timeout' && k.value !== 'expectation') {
              this.p.errorUnknown('ct object', k, ['helper', 'timeout', 'expectation']);
              return this.p.recover();
            }
            type = `ct ${k.value}` as ObjectType;
          }
          const name = this.parseName(`${type} name`);
          if (!name) return this.p.recover();
          const obj = this.parseObjectBody(type, name.value, name.range, ref.family);
          if (obj) this.commands.push({ op: 'add', obj: 'object', ref, object: { ...obj, range: this.p.range(t.start) }, nameRange: name.range });
          return;
        }
        case 'flags': {
          this.p.next();
          out.flags = this.parseFlagList('table flag', TABLE_FLAGS);
          return;
        }
        case 'comment': {
          this.p.next();
          out.comment = this.parseCommentString();
          return;
        }
        case 'define':
        case 'redefine':
        case 'undefine':
          return this.parseDefine();
        case 'include':
          return this.parseInclude();
      }
      this.p.errorUnknown('table item', t, ['chain', 'set', 'map', 'flowtable', 'counter', 'quota', 'limit', 'ct', 'synproxy', 'secmark', 'flags', 'comment']);
      this.p.recover();
    });
    if (first) {
      const h = this.p.takeHandle(braceStart, this.p.lastEnd);
      if (h !== undefined) out.handle = h;
    }
  }

  private recordSetTypes(ref: TableRef, set: NamedSet): void {
    const keyDt = typeSpecDt(set.key, ref.family);
    const dataDt = set.data ? typeSpecDt(set.data, ref.family) : undefined;
    this.setTypes.set(`${ref.family} ${ref.table} ${set.name}`, { keyDt, dataDt, interval: set.flags?.includes('interval'), kind: set.kind });
  }

  private parseFlagList(what: string, known: readonly string[]): string[] {
    const flags: string[] = [];
    do {
      const f = this.p.peek();
      if (f.kind !== 'word') {
        this.p.errorExpected(`a ${what}`, f);
        break;
      }
      this.p.next();
      if (!known.includes(f.value)) this.p.errorUnknown(what, f, known);
      else if (!flags.includes(f.value)) flags.push(f.value);
    } while (this.p.eat(','));
    return flags;
  }

  private parseCommentString(): string | undefined {
    const c = this.p.peek();
    if (c.kind === 'string' || c.kind === 'word') {
      this.p.next();
      if (c.value.length > 128) this.p.error(M.nameTooLong.code, M.nameTooLong.text('comment', 128), rangeOf(c));
      return c.value;
    }
    this.p.errorExpected('a comment string', c);
    return undefined;
  }

  /** `chain NAME { … }`; `start` is where the declaration begins (`chain`, or the verb of `add chain`). */
  private parseChainBlock(ref: TableRef, name: { value: string; range: SourceRange }, op: 'add' | 'create', start: number): void {
    const braceStart = this.p.peek().start;
    const spec: { type?: string; hook?: string; priority?: Priority; devices?: string[]; policy?: 'accept' | 'drop'; specRange?: SourceRange } = {};
    let comment: string | undefined;
    let flags: string[] | undefined;
    let handle: number | undefined;
    const chainIndex = this.commands.length;
    this.commands.push({ op, obj: 'chain', ref, name: name.value, nameRange: name.range });
    const key = chainKey(ref, name.value);
    const prevSpec = this.chainSpecs.get(key);
    this.enterChainContext(ref, name.value, key);
    let first = true;
    this.block(`chain ${name.value}`, () => {
      if (first) {
        first = false;
        handle = this.p.takeHandle(braceStart, this.p.peek().start);
      }
      const t = this.p.peek();
      if (t.kind === 'word') {
        switch (t.value) {
          case 'type':
            if (this.p.peek(1).kind === 'word' && this.p.at('hook', 2)) {
              this.parseChainSpec(ref.family, spec);
              this.chainSpecs.set(key, { type: spec.type, hook: spec.hook });
              this.p.ctx.chainType = spec.type;
              this.p.ctx.hook = spec.hook;
              return;
            }
            break;
          case 'policy':
            this.p.next();
            spec.policy = this.parsePolicy();
            return;
          case 'comment':
            if (this.p.peek(1).kind === 'string' && this.lineEndsAfter(2)) {
              this.p.next();
              comment = this.parseCommentString();
              return;
            }
            break;
          case 'flags':
            this.p.next();
            flags = this.parseFlagList('chain flag', ['offload']);
            return;
          case 'devices':
          case 'device':
            spec.devices = this.parseDevices();
            return;
          case 'define':
          case 'redefine':
          case 'undefine':
            return this.parseDefine();
          case 'include':
            return this.parseInclude();
        }
      }
      const rule = this.s.parseRule();
      this.commands.push({ op: 'add', obj: 'rule', ref, chain: name.value, chainRange: name.range, rule, anon: this.s.takeAnonChains() });
    });
    if (first) handle = this.p.takeHandle(braceStart, this.p.lastEnd);
    this.leaveChainContext();
    let base: BaseChainSpec | undefined;
    if (spec.type && spec.hook && spec.priority) {
      base = {
        type: spec.type as BaseChainSpec['type'],
        hook: spec.hook,
        priority: spec.priority,
        ...(spec.devices ? { devices: spec.devices } : {}),
        policy: spec.policy ?? 'accept',
      };
      this.checkBaseChain(ref.family, base, spec.specRange ?? name.range);
    } else if (spec.devices && !spec.type) {
      this.p.error(M.badChainSpec.code, M.badChainSpec.text("devices need a base chain ('type filter hook ingress …')"), name.range);
    } else if (spec.policy && !prevSpec?.hook) {
      this.p.error(M.badChainSpec.code, M.badChainSpec.text('a policy needs a base chain (type … hook … priority …)'), name.range);
    }
    // Optional fields assigned, not spread in: this runs for each of a kube-proxy dump's 100 000 chains.
    const cmd: { -readonly [K in keyof ChainCmd]: ChainCmd[K] } = { op, obj: 'chain', ref, name: name.value, nameRange: name.range };
    if (handle !== undefined) cmd.handle = handle;
    if (base) cmd.base = base;
    else if (spec.policy) cmd.policyOnly = spec.policy;
    if (comment !== undefined) cmd.comment = comment;
    if (flags) cmd.flags = flags;
    cmd.range = this.p.range(start);
    this.commands[chainIndex] = cmd;
  }

  private lineEndsAfter(k: number): boolean {
    const t = this.p.peek(k);
    return t.kind === 'newline' || t.kind === 'eof' || (t.kind === 'punct' && (t.value === ';' || t.value === '}'));
  }

  /** `type filter hook input [device eth0] priority filter - 10` */
  private parseChainSpec(family: Family, spec: { type?: string; hook?: string; priority?: Priority; devices?: string[]; specRange?: SourceRange }): void {
    const start = this.p.next().start;
    const ty = this.p.next();
    if (!CHAIN_TYPES.includes(ty.value)) this.p.errorUnknown('chain type', ty, CHAIN_TYPES);
    spec.type = ty.value;
    this.p.expect('hook');
    const hk = this.p.peek();
    if (hk.kind === 'word' || hk.kind === 'string') {
      this.p.next();
      const hooks = HOOKS[family];
      if (!hooks.includes(hk.value)) {
        if (Object.values(HOOKS).some((h) => h.includes(hk.value))) this.p.error(M.badChainSpec.code, M.wrongFamily.text(`hook '${hk.value}'`, family), rangeOf(hk));
        else this.p.errorUnknown('hook', hk, hooks);
      }
      spec.hook = hk.value;
    } else this.p.errorExpected('a hook name', hk);
    if (this.p.at('device') || this.p.at('devices')) spec.devices = this.parseDevices();
    if (this.p.eat('priority')) spec.priority = this.parsePriority(family);
    else this.p.errorExpected("'priority' in the chain declaration");
    if (this.p.at('device') || this.p.at('devices')) spec.devices = this.parseDevices();
    spec.specRange = this.p.range(start);
  }

  private checkBaseChain(family: Family, base: BaseChainSpec, range: SourceRange): void {
    if (base.type === 'nat') {
      if (family === 'arp' || family === 'netdev' || family === 'bridge') this.p.error(M.badChainSpec.code, M.wrongFamily.text("chain type 'nat'", family), range);
      else if (!['prerouting', 'input', 'output', 'postrouting'].includes(base.hook)) this.p.error(M.badChainSpec.code, M.wrongHook.text("chain type 'nat'", base.hook), range);
      if (base.priority.value <= -200) this.p.error(M.badChainSpec.code, M.badChainSpec.text('nat chains need a priority above -200 (after conntrack)'), range);
    }
    if (base.type === 'route' && (!['ip', 'ip6', 'inet'].includes(family) || base.hook !== 'output')) {
      this.p.error(M.badChainSpec.code, M.badChainSpec.text("chain type 'route' is only valid in the output hook of ip, ip6 and inet tables"), range);
    }
    if ((family === 'netdev' || (family === 'inet' && base.hook === 'ingress')) && !base.devices?.length && family !== 'inet') {
      // nft accepts netdev base chains without device (they then see no traffic); nothing to report.
    }
  }

  /** `priority 0`, `priority -100`, `priority filter`, `priority mangle - 5`, `priority srcnat + 10`. */
  private parsePriority(family: Family): Priority {
    const t = this.p.peek();
    const names = priorityNamesFor(family);
    if (t.kind === 'punct' && t.value === '-') {
      this.p.next();
      const n = this.p.next();
      const v = parseInteger(n.value);
      if (v === undefined) {
        this.p.errorExpected('a priority number', n);
        return { value: 0 };
      }
      return this.checkPriority({ value: -Number(v) }, t);
    }
    if (t.kind === 'word' || t.kind === 'string') {
      this.p.next();
      const v = parseInteger(t.value);
      if (v !== undefined) return this.checkPriority({ value: Number(v) }, t);
      if (!Object.prototype.hasOwnProperty.call(names, t.value)) {
        this.p.errorUnknown(`priority name for family ${family}`, t, Object.keys(names));
        return { value: 0, text: t.value };
      }
      const base = names[t.value] ?? 0;
      if (this.p.at('-') || this.p.at('+')) {
        const op = this.p.next();
        const n = this.p.next();
        const d = parseInteger(n.value);
        if (d === undefined) {
          this.p.errorExpected('a number', n);
          return { value: base, text: t.value };
        }
        const value = op.value === '-' ? base - Number(d) : base + Number(d);
        return this.checkPriority({ value, text: `${t.value} ${op.value} ${d}` }, t);
      }
      return { value: base, text: t.value };
    }
    this.p.errorExpected('a priority', t);
    return { value: 0 };
  }

  private checkPriority(p: Priority, t: Token): Priority {
    if (p.value > 2147483647 || p.value < -2147483648) {
      this.p.error(M.outOfRange.code, M.outOfRange.text(String(p.value), 'priority', '2147483647'), this.p.range(t.start));
    }
    return p;
  }

  private parsePolicy(): 'accept' | 'drop' | undefined {
    const t = this.p.next();
    if (t.value === 'accept' || t.value === 'drop') return t.value;
    this.p.errorUnknown('chain policy', t, ['accept', 'drop']);
    return undefined;
  }

  /** `device eth0`, `device "eth0"`, `devices = { eth0, eth1 }`. */
  private parseDevices(): string[] {
    const kw = this.p.next();
    const out: string[] = [];
    const add = (t: Token): void => {
      if (t.value.length === 0) this.p.error(M.emptyName.code, M.emptyName.text('device name'), rangeOf(t));
      else if (t.value.length > 15) this.p.error(M.nameTooLong.code, M.nameTooLong.text(`device name '${t.value}'`, 15), rangeOf(t));
      if (!out.includes(t.value)) out.push(t.value);
    };
    if (kw.value === 'devices') this.p.expect('=');
    if (this.p.at('{')) {
      const open = this.p.next();
      for (;;) {
        this.p.skipLineBreaks();
        const t = this.p.peek();
        if (t.kind === 'punct' && t.value === '}') {
          this.p.next();
          break;
        }
        if (t.kind === 'word' || t.kind === 'string') {
          this.p.next();
          add(t);
        } else if (t.kind === 'punct' && t.value === '{') {
          // Nested set from a variable: flatten.
          this.p.next();
          continue;
        } else {
          this.p.error(M.unclosedBlock.code, M.unclosedBlock.text(this.p.describe(t)), rangeOf(t), { message: M.blockOpenedHere.text, range: rangeOf(open) });
          break;
        }
        this.p.skipLineBreaks();
        if (!this.p.eat(',') && !this.p.at('}')) {
          // `{ a, { b } }` after flattening leaves stray closing braces; accept them.
          if (this.p.at('}') || this.p.at(',')) continue;
        }
        while (this.p.at('}') && this.p.at('}', 1)) this.p.next();
        this.p.eat(',');
      }
    } else {
      const t = this.p.peek();
      if (t.kind === 'word' || t.kind === 'string') {
        this.p.next();
        add(t);
      } else this.p.errorExpected('a device name', t);
    }
    return out;
  }

  // ───────────────────────────── sets ─────────────────────────────

  private parseSetBlock(kind: 'set' | 'map', name: string, nameRange: SourceRange): NamedSet | undefined {
    const braceStart = this.p.peek().start;
    let key: TypeSpec | undefined;
    let data: TypeSpec | undefined;
    let objectData: ObjectType | undefined;
    let dataInterval = false;
    const flags: string[] = [];
    let timeout: number | undefined;
    let gcInterval: number | undefined;
    let size: number | undefined;
    let policy: 'performance' | 'memory' | undefined;
    let autoMerge: boolean | undefined;
    const stmts: Stmt[] = [];
    let elements: Expr[] = [];
    let comment: string | undefined;
    let handle: number | undefined;
    let first = true;
    this.block(`${kind} ${name}`, () => {
      if (first) {
        first = false;
        handle = this.p.takeHandle(braceStart, this.p.peek().start);
      }
      const t = this.p.peek();
      if (t.kind !== 'word') {
        this.p.errorExpected(`a ${kind} property (type, typeof, flags, elements, …)`, t);
        this.p.recover();
        return;
      }
      switch (t.value) {
        case 'type': {
          this.p.next();
          key = this.parseTypeNames();
          if (this.p.eat(':')) {
            if (this.p.eat('interval')) dataInterval = true;
            const r = this.parseDataType();
            data = r.data;
            objectData = r.objectData;
          }
          return;
        }
        case 'typeof': {
          this.p.next();
          this.e.rule = {};
          this.e.typeofMode = true;
          const expr = this.e.parseExpr();
          this.e.rule = {};
          this.checkTypeofExpr(expr);
          if (!this.p.at(':')) this.e.typeofMode = false;
          key = { kind: 'typeof', expr };
          if (this.p.eat(':')) {
            if (this.p.eat('interval')) dataInterval = true;
            const n = this.p.peek();
            const isCtObject = n.kind === 'word' && n.value === 'ct' && ['helper', 'timeout', 'expectation'].includes(this.p.peek(1).value);
            if (n.kind === 'word' && (n.value === 'verdict' || n.value === 'queue' || OBJECT_MAP_TYPES.includes(n.value) || isCtObject)) {
              const r = this.parseDataType();
              data = r.data;
              objectData = r.objectData;
            } else {
              const dexpr = this.e.parseExpr();
              this.e.rule = {};
              this.e.typeofMode = false;
              this.checkTypeofExpr(dexpr);
              // nft -j lists a map's data as datatype names even when declared with typeof.
              const ddt = datatypeOf(dexpr, this.p.ctx.family);
              data = ddt ? { kind: 'type', names: ddt.split(' . ') } : { kind: 'typeof', expr: dexpr };
            }
          }
          return;
        }
        case 'flags': {
          this.p.next();
          for (const f of this.parseFlagList(`${kind} flag`, SET_FLAGS)) if (!flags.includes(f)) flags.push(f);
          return;
        }
        case 'timeout':
        case 'gc-interval': {
          this.p.next();
          const v = this.p.next();
          const ms = parseTime(v.value);
          if (ms === undefined) this.p.error(M.badTime.code, M.badTime.text(v.value), rangeOf(v));
          if (t.value === 'timeout') timeout = Math.floor((ms ?? 0) / 1000);
          else gcInterval = Math.floor((ms ?? 0) / 1000);
          return;
        }
        case 'size': {
          this.p.next();
          const st = this.p.peek();
          size = this.e.intWord('a size');
          if (size === 0 || size > 0xffffffff) this.p.error(M.outOfRange.code, M.badSetSpec.text(`set size ${size} is out of range (1 to 4294967295)`), rangeOf(st));
          return;
        }
        case 'policy': {
          this.p.next();
          const v = this.p.next();
          if (v.value === 'performance' || v.value === 'memory') policy = v.value;
          else this.p.errorUnknown('set policy', v, ['performance', 'memory']);
          return;
        }
        case 'auto-merge':
          this.p.next();
          autoMerge = true;
          return;
        case 'comment':
          this.p.next();
          comment = this.parseCommentString();
          return;
        case 'elements': {
          this.p.next();
          this.p.expect('=');
          if (!this.p.at('{')) {
            this.p.errorExpected("'{' and the elements");
            return this.p.recover();
          }
          const keyDt = key ? typeSpecDt(key, this.p.ctx.family) : undefined;
          const dataDt = data ? typeSpecDt(data, this.p.ctx.family) : undefined;
          const lit = this.e.parseSetLiteral({ keyDt, dataDt: objectData ? 'string' : dataDt, interval: flags.includes('interval'), keepOrder: true });
          if (lit.kind === 'set') elements = [...elements, ...lit.items];
          if (!key) this.p.error(M.badSetSpec.code, M.badSetSpec.text(`elements of ${kind} '${name}' come before its type`), rangeOf(t));
          return;
        }
        case 'counter':
        case 'quota':
        case 'limit':
        case 'last':
        case 'ct': {
          // Statements every element gets: `counter`, `limit rate 1/second counter`, `ct count over 2`.
          for (;;) {
            const s = this.s.parseElemStatement();
            if (!s) break;
            stmts.push(s.kind === 'counter' ? { kind: 'counter', range: s.range } : s);
          }
          if (stmts.length === 0) break;
          return;
        }
        case 'define':
        case 'redefine':
        case 'undefine':
          return this.parseDefine();
      }
      this.p.errorUnknown(`${kind} property`, t, ['type', 'typeof', 'flags', 'timeout', 'gc-interval', 'size', 'policy', 'auto-merge', 'comment', 'elements', 'counter', 'quota', 'limit']);
      this.p.recover();
    });
    if (first) handle = this.p.takeHandle(braceStart, this.p.lastEnd);
    if (!key) {
      this.p.error(M.badSetSpec.code, M.badSetSpec.text(`${kind} '${name}' needs a 'type' or 'typeof' declaration`), nameRange);
      return undefined;
    }
    if (kind === 'map' && !data && !objectData) {
      this.p.error(M.badSetSpec.code, M.badSetSpec.text(`map '${name}' needs a data type ('type key : data')`), nameRange);
    }
    if (kind === 'set' && (data || objectData)) {
      this.p.error(M.badSetSpec.code, M.badSetSpec.text(`set '${name}' cannot have a data type; declare it as a map`), nameRange);
    }
    if (dataInterval && !flags.includes('interval')) flags.push('interval');
    // A default element timeout makes it a timeout set (nft -j lists flag timeout).
    if (timeout !== undefined && !flags.includes('timeout')) flags.push('timeout');
    if (elements.some((e) => hasInterval(e)) && !flags.includes('interval')) {
      this.p.error(M.badSetSpec.code, M.badSetSpec.text(`${kind} '${name}' has ranges or prefixes among its elements but no 'flags interval'`), nameRange);
    }
    if (kind === 'map' && elements.some((e) => e.kind !== 'mapping')) {
      this.p.error(M.badSetSpec.code, M.badSetSpec.text(`elements of map '${name}' need a value ('key : value')`), nameRange);
    }
    if (kind === 'set' && elements.some((e) => e.kind === 'mapping')) {
      this.p.error(M.badSetSpec.code, M.badSetSpec.text(`set '${name}' elements cannot have values; declare it as a map`), nameRange);
    }
    return {
      kind,
      name,
      ...(handle !== undefined ? { handle } : {}),
      key,
      ...(data ? { data } : {}),
      ...(objectData ? { objectData } : {}),
      ...(flags.length ? { flags: sortFlags(flags) } : {}),
      ...(timeout !== undefined ? { timeout } : {}),
      ...(gcInterval !== undefined ? { gcInterval } : {}),
      ...(size !== undefined ? { size } : {}),
      ...(policy ? { policy } : {}),
      ...(autoMerge ? { autoMerge } : {}),
      ...(stmts.length ? { stmts } : {}),
      elements,
      ...(comment !== undefined ? { comment } : {}),
      range: this.p.range(nameRange.start),
    };
  }

  private checkTypeofExpr(expr: Expr): void {
    const bad = (e: Expr): boolean => e.kind === 'value' || e.kind === 'set' || e.kind === 'setref' || e.kind === 'variable';
    if (bad(expr) || (expr.kind === 'concat' && expr.items.some(bad))) {
      this.p.error(M.badSetSpec.code, M.badSetSpec.text("'typeof' needs an expression such as 'ip saddr', not a value"), expr.range ?? rangeOf(this.p.peek()));
    }
  }

  /** `ipv4_addr . inet_service` */
  private parseTypeNames(): TypeSpec {
    const names: string[] = [];
    do {
      const t = this.p.peek();
      if (t.kind !== 'word') {
        this.p.errorExpected('a datatype name', t);
        break;
      }
      this.p.next();
      if (!isDatatypeName(t.value) || t.value === 'invalid' || t.value === 'verdict') {
        this.p.error(M.unknownDatatype.code, M.unknownDatatype.text(t.value, suggestName(t.value, Object.keys(DATATYPES))), rangeOf(t));
      }
      names.push(t.value);
    } while (this.p.eat('.'));
    return { kind: 'type', names };
  }

  private parseDataType(): { data?: TypeSpec; objectData?: ObjectType } {
    const t = this.p.peek();
    if (t.kind === 'word' && (t.value === 'verdict' || t.value === 'queue')) {
      this.p.next();
      return { data: { kind: 'type', names: [t.value] } };
    }
    if (t.kind === 'word' && t.value === 'ct' && ['helper', 'timeout', 'expectation'].includes(this.p.peek(1).value)) {
      this.p.next();
      const k = this.p.next();
      const type = `ct ${k.value}` as ObjectType;
      return { data: { kind: 'type', names: [type] }, objectData: type };
    }
    if (t.kind === 'word' && OBJECT_MAP_TYPES.includes(t.value)) {
      this.p.next();
      return { data: { kind: 'type', names: [t.value] }, objectData: t.value as ObjectType };
    }
    return { data: this.parseTypeNames() };
  }

  // ───────────────────────────── flowtables and objects ─────────────────────────────

  private parseFlowtableBlock(name: string, nameRange: SourceRange, hasBlock: boolean): Flowtable | undefined {
    let hook: string | undefined;
    let priority: Priority | undefined;
    let devices: string[] = [];
    const flags: string[] = [];
    let counter = false;
    let handle: number | undefined;
    if (hasBlock) {
      const braceStart = this.p.peek().start;
      let first = true;
      this.block(`flowtable ${name}`, () => {
        if (first) {
          first = false;
          handle = this.p.takeHandle(braceStart, this.p.peek().start);
        }
        const t = this.p.peek();
        switch (t.value) {
          case 'hook': {
            this.p.next();
            const h = this.p.next();
            if (h.value !== 'ingress') this.p.errorUnknown('flowtable hook', h, ['ingress']);
            hook = h.value;
            if (this.p.eat('priority')) priority = this.parsePriority(this.p.ctx.family);
            else this.p.errorExpected("'priority' after the flowtable hook");
            return;
          }
          case 'priority':
            this.p.next();
            priority = this.parsePriority(this.p.ctx.family);
            return;
          case 'devices':
          case 'device':
            devices = this.parseDevices();
            return;
          case 'counter':
            this.p.next();
            counter = true;
            return;
          case 'flags':
            this.p.next();
            flags.push(...this.parseFlagList('flowtable flag', ['offload']));
            return;
        }
        if (t.kind === 'word') this.p.errorUnknown('flowtable property', t, ['hook', 'priority', 'devices', 'counter', 'flags']);
        else this.p.errorExpected('a flowtable property', t);
        this.p.recover();
      });
    }
    if (hasBlock && (!hook || !priority)) {
      this.p.error(M.badChainSpec.code, M.badChainSpec.text(`flowtable '${name}' needs 'hook ingress priority …'`), nameRange);
    }
    return {
      kind: 'flowtable',
      name,
      ...(handle !== undefined ? { handle } : {}),
      hook: hook ?? 'ingress',
      priority: priority ?? { value: 0 },
      devices,
      ...(flags.length ? { flags } : {}),
      ...(counter ? { counter } : {}),
      range: this.p.range(nameRange.start),
    };
  }

  private parseObjectBody(type: ObjectType, name: string, nameRange: SourceRange, family: Family): NamedObject | undefined {
    const props: Record<string, Literal | readonly Literal[] | Readonly<Record<string, Literal>>> = {};
    let comment: string | undefined;
    let handle: number | undefined;
    const item = (): void => {
      const t = this.p.peek();
      if (t.kind === 'word' && t.value === 'comment') {
        this.p.next();
        comment = this.parseCommentString();
        return;
      }
      this.parseObjectItem(type, props, family);
    };
    if (this.p.at('{')) {
      const braceStart = this.p.peek().start;
      let first = true;
      this.block(`${type} ${name}`, () => {
        if (first) {
          first = false;
          handle = this.p.takeHandle(braceStart, this.p.peek().start);
        }
        item();
      });
    } else if (!this.p.atSeparator()) {
      while (!this.p.atSeparator()) {
        const before = this.p.peek();
        item();
        if (this.p.peek() === before) break;
      }
    }
    this.finishObject(type, props, family, nameRange);
    return {
      kind: 'object',
      type,
      name,
      ...(handle !== undefined ? { handle } : {}),
      props,
      ...(comment !== undefined ? { comment } : {}),
      range: this.p.range(nameRange.start),
    };
  }

  /** One item of an object block, with the property names nft -j uses. */
  private parseObjectItem(type: ObjectType, props: Record<string, Literal | readonly Literal[] | Readonly<Record<string, Literal>>>, family: Family): void {
    const t = this.p.peek();
    switch (type) {
      case 'counter': {
        if (!this.p.at('packets') && !this.p.at('bytes')) return this.unknownObjectItem(t, ['packets', 'bytes']);
        for (;;) {
          if (this.p.eat('packets')) props.packets = this.e.intWord('a packet count');
          else if (this.p.eat('bytes')) props.bytes = this.e.intWord('a byte count');
          else return;
        }
      }
      case 'quota': {
        const q = this.s.parseQuotaSpec();
        props.bytes = q.val * unitBytes(q.valUnit);
        props.used = q.used !== undefined ? q.used * unitBytes(q.usedUnit ?? 'bytes') : 0;
        props.inv = q.inv ?? false;
        return;
      }
      case 'limit': {
        if (!this.p.eat('rate')) return this.unknownObjectItem(t, ['rate']);
        const r = this.s.parseRate();
        props.rate = r.rate;
        props.per = r.per;
        if (!r.rateUnit || r.burst > 0) props.burst = r.burst;
        if (r.rateUnit) props.rate_unit = r.rateUnit;
        if (r.burstUnit && r.rateUnit && r.burst > 0) props.burst_unit = r.burstUnit;
        if (r.inv) props.inv = true;
        return;
      }
      case 'synproxy': {
        const s = this.s.parseSynproxySpec();
        if (s.mss !== undefined) props.mss = s.mss;
        if (s.wscale !== undefined) props.wscale = s.wscale;
        if (s.flags) props.flags = s.flags;
        if (s.mss === undefined && s.wscale === undefined && !s.flags) this.unknownObjectItem(t, ['mss', 'wscale', 'timestamp', 'sack-perm']);
        return;
      }
      case 'secmark': {
        if (t.kind === 'string' || t.kind === 'word') {
          this.p.next();
          props.context = t.value;
        } else this.p.errorExpected('a security context string', t);
        return;
      }
      case 'ct helper': {
        if (this.p.eat('type')) {
          const n = this.p.next();
          props.type = n.value;
          if (this.p.eat('protocol')) props.protocol = this.l4name();
          else this.p.errorExpected("'protocol' after the helper type");
        } else if (this.p.eat('l3proto')) props.l3proto = this.l3name(family);
        else this.unknownObjectItem(t, ['type', 'l3proto']);
        return;
      }
      case 'ct timeout': {
        if (this.p.eat('protocol')) props.protocol = this.l4name();
        else if (this.p.eat('l3proto')) props.l3proto = this.l3name(family);
        else if (this.p.eat('policy')) {
          this.p.expect('=');
          const policy: Record<string, Literal> = {};
          const open = this.p.expect('{');
          for (;;) {
            this.p.skipLineBreaks();
            const k = this.p.peek();
            if (k.kind === 'punct' && k.value === '}') {
              this.p.next();
              break;
            }
            if (k.kind !== 'word') {
              this.p.error(M.unclosedBlock.code, M.unclosedBlock.text(this.p.describe(k)), rangeOf(k), open ? { message: M.blockOpenedHere.text, range: rangeOf(open) } : undefined);
              break;
            }
            this.p.next();
            const states = CT_TIMEOUT_STATES[String(props.protocol ?? 'tcp')] ?? [];
            if (states.length && !states.includes(k.value)) this.p.errorUnknown(`ct timeout state for ${String(props.protocol ?? 'tcp')}`, k, states);
            this.p.expect(':');
            const v = this.p.next();
            const ms = parseTime(v.value);
            if (ms === undefined) this.p.error(M.badTime.code, M.badTime.text(v.value), rangeOf(v));
            policy[k.value] = Math.floor((ms ?? 0) / 1000);
            this.p.skipLineBreaks();
            this.p.eat(',');
          }
          props.policy = policy;
        } else this.unknownObjectItem(t, ['protocol', 'l3proto', 'policy']);
        return;
      }
      case 'ct expectation': {
        if (this.p.eat('protocol')) props.protocol = this.l4name();
        else if (this.p.eat('l3proto')) props.l3proto = this.l3name(family);
        else if (this.p.eat('dport')) props.dport = this.e.intWord('a port');
        else if (this.p.eat('timeout')) {
          const v = this.p.next();
          const ms = parseTime(v.value);
          if (ms === undefined) this.p.error(M.badTime.code, M.badTime.text(v.value), rangeOf(v));
          props.timeout = ms ?? 0;
        } else if (this.p.eat('size')) props.size = this.e.intWord('a size');
        else this.unknownObjectItem(t, ['protocol', 'l3proto', 'dport', 'timeout', 'size']);
        return;
      }
      case 'tunnel':
        this.p.warning(M.unsupportedConstruct.code, M.unsupportedConstruct.text('tunnel object properties'), rangeOf(t));
        this.p.recover();
        return;
    }
  }

  private finishObject(type: ObjectType, props: Record<string, unknown>, family: Family, range: SourceRange): void {
    if (type === 'counter') {
      props.packets ??= 0;
      props.bytes ??= 0;
    }
    if ((type === 'ct helper' || type === 'ct timeout' || type === 'ct expectation') && props.l3proto === undefined) {
      props.l3proto = family === 'ip6' ? 'ip6' : family === 'inet' ? 'inet' : 'ip';
    }
    if (type === 'ct helper' && props.type === undefined) this.p.error(M.badSetSpec.code, M.badSetSpec.text("ct helper needs 'type \"name\" protocol tcp|udp'"), range);
    if ((type === 'ct timeout' || type === 'ct expectation') && props.protocol === undefined) this.p.error(M.badSetSpec.code, M.badSetSpec.text(`${type} needs a 'protocol'`), range);
    if (type === 'ct expectation') {
      const missing = ['dport', 'timeout', 'size'].filter((k) => props[k] === undefined);
      if (missing.length) this.p.error(M.badSetSpec.code, M.badSetSpec.text(`ct expectation needs ${missing.join(', ')}`), range);
    }
    if (type === 'limit' && props.rate === undefined) this.p.error(M.badSetSpec.code, M.badSetSpec.text("limit needs 'rate N/unit'"), range);
  }

  private unknownObjectItem(t: Token, known: string[]): void {
    if (t.kind === 'word') this.p.errorUnknown('property', t, known);
    else this.p.errorExpected(`one of ${known.join(', ')}`, t);
    this.p.recover();
  }

  private l4name(): string {
    const t = this.p.next();
    if (t.value !== 'tcp' && t.value !== 'udp' && t.value !== 'dccp' && t.value !== 'sctp' && t.value !== 'udplite' && t.value !== 'icmp' && t.value !== 'icmpv6' && t.value !== 'gre') {
      this.p.errorUnknown('protocol', t, ['tcp', 'udp', 'dccp', 'sctp', 'udplite', 'icmp', 'icmpv6', 'gre']);
    }
    return t.value;
  }

  private l3name(family: Family): string {
    const t = this.p.next();
    if (!['ip', 'ip6', 'inet'].includes(t.value)) this.p.errorUnknown('l3proto', t, ['ip', 'ip6', 'inet']);
    if (family !== 'inet' && t.value !== family) this.p.error(M.wrongFamily.code, M.wrongFamily.text(`l3proto ${t.value}`, family), rangeOf(t));
    return t.value;
  }
}

function unitBytes(u: string): number {
  return u === 'gbytes' ? 1024 ** 3 : u === 'mbytes' ? 1024 ** 2 : u === 'kbytes' ? 1024 : 1;
}

/** The datatype (name, `a . b` for concatenations) a set key or data declaration gives its values. */
export function typeSpecDt(spec: TypeSpec, family: Family): string | undefined {
  if (spec.kind === 'type') return spec.names.join(' . ');
  return datatypeOf(spec.expr, family);
}

function hasInterval(e: Expr): boolean {
  const v = e.kind === 'mapping' ? e.key : e;
  const inner = v.kind === 'elem' ? v.value : v;
  if (inner.kind === 'concat') return inner.items.some((i) => i.kind === 'range' || i.kind === 'prefix');
  return inner.kind === 'range' || inner.kind === 'prefix';
}

/** nft lists set flags in the kernel's bit order (NFT_SET_CONSTANT, INTERVAL, …, TIMEOUT, EVAL). */
function sortFlags(flags: string[]): string[] {
  const order = ['constant', 'interval', 'timeout', 'dynamic', 'eval'];
  return [...flags].sort((a, b) => order.indexOf(a) - order.indexOf(b));
}

/** The key of a chain in `chainSpecs`. */
function chainKey(ref: TableRef, chain: string): string {
  return `${ref.family} ${ref.table} ${chain}`;
}

// The words of `atTopLevelCommand`, made once: it runs before every item of every block.
const COMMAND_VERBS = new Set(['add', 'create', 'insert', 'replace', 'delete', 'destroy', 'flush', 'reset', 'rename']);
const COMMAND_OBJECTS = new Set(['table', 'chain', 'rule', 'set', 'map', 'element', 'ruleset', 'flowtable', 'counter', 'quota', 'limit', 'ct', 'synproxy', 'secmark']);
