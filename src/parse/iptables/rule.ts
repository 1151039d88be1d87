// One iptables rule specification (the words after `-A CHAIN`) → IR statements. Reads options the way
// iptables does (iptables/xshared.c do_parse, libxtables option merging): base options first, then the
// options of the loaded matches and target, newest first; `!` before an option (or, deprecated, right
// after it); `--opt=value`, glued short options (`-ptcp`), unambiguous prefixes of long options; protocol
// matches loaded implicitly by `-p tcp --dport 22`.
//
// Statement order follows what iptables-nft puts in the kernel (nft_ipv4_add / nft_ipv6_add): input and
// output interface, protocol, source, destination, fragment, the matches in order, a counter, the target.
// Imports the IR types and builders, the diagnostics bag, the extension registries.
//
// xt convention (for the evaluator): an iptables match without an nftables equivalent becomes
//   { kind: 'match', op: '==', left: { kind: 'xt', name, options, text }, right: { kind: 'value', value: true } }
// always `==` true; a `!` stays where iptables puts it, on the option (`options.probability.negated`), so
// "the xt expression is true" means "the match as written, negations included, matches". A target without
// an nftables equivalent is a Stmt { kind: 'xt', type: 'target', name, options, text }.
import type { Expr, SourceRange, Stmt, XtOption } from '../../model/ir.ts';
import { parseMaskedAddress, type AddrFamily, type MaskedAddress } from './address.ts';
import { binop, match, meta, payload, prefix, set, value } from './build.ts';
import type { DiagnosticBag } from '../diagnostics.ts';
import { findMatch, implicitMatchName } from './matches.ts';
import { formatMessage, MSG, type MessageDef } from './messages.ts';
import { moduleRange, optionKey, ValueError, type ModuleSpec, type ModuleUse, type OptionSpec, type OptionUse, type RuleContext, type TranslateContext, type XtValue } from './spec.ts';
import { findTarget, STANDARD_TARGETS } from './targets.ts';
import { quoteWord, type Token } from './tokenize.ts';
import { protocolNumber, protocolValue } from './values.ts';
import { lookupTable } from '../../model/lookup.ts';

export const BUILTIN_CHAINS: Readonly<Record<string, readonly string[]>> = lookupTable({
  filter: ['INPUT', 'FORWARD', 'OUTPUT'],
  nat: ['PREROUTING', 'INPUT', 'OUTPUT', 'POSTROUTING'],
  mangle: ['PREROUTING', 'INPUT', 'FORWARD', 'OUTPUT', 'POSTROUTING'],
  raw: ['PREROUTING', 'OUTPUT'],
  security: ['INPUT', 'FORWARD', 'OUTPUT'],
});

export function isBuiltinChain(table: string, chain: string): boolean {
  return BUILTIN_CHAINS[table]?.includes(chain) ?? false;
}

export interface RuleInput {
  readonly tokens: readonly Token[];
  /** Index of the rule's first word in `tokens` (the words before it are the command and chain). */
  readonly start: number;
  readonly family: AddrFamily;
  readonly table: string;
  readonly chain: string;
  readonly bag: DiagnosticBag;
  /** The line is the last one of a text that ends without COMMIT: a missing argument means truncation. */
  readonly atEnd: boolean;
  /** Inside a `*table` block (then `-t` is refused). */
  readonly inTableBlock: boolean;
  /** The table's chains so far (a `-j NAME` with options is an unknown target unless NAME is a chain). */
  readonly chains: { has(name: string): boolean };
}

export interface RuleOutput {
  readonly stmts: Stmt[];
  readonly comment?: string;
  /** The rule's words, quotes removed, without `-c`/`-t` (they are kept apart). */
  readonly args: string[];
  readonly counters?: { readonly packets: number; readonly bytes: number };
  readonly countersRange?: SourceRange;
  readonly onlyFamily?: AddrFamily;
  readonly table?: { readonly name: string; readonly range: SourceRange };
  readonly errors: number;
}

type BaseId = 's' | 'd' | 'p' | 'i' | 'o' | 'j' | 'g' | 'm' | 'f' | 'c' | 't' | '4' | '6';

/** A Map rather than a lookup object: it is asked for every long option of every rule, with a word just cut
 *  from the text, and a Map finds it with one hash lookup (an object without prototype is a dictionary that
 *  first looks the word up in V8's string table). */
const BASE_LONG: ReadonlyMap<string, BaseId> = new Map<string, BaseId>([
  ['source', 's'], ['src', 's'], ['destination', 'd'], ['dst', 'd'], ['protocol', 'p'], ['in-interface', 'i'], ['out-interface', 'o'],
  ['jump', 'j'], ['goto', 'g'], ['match', 'm'], ['fragment', 'f'], ['set-counters', 'c'], ['table', 't'], ['ipv4', '4'], ['ipv6', '6'],
]);
const BASE_SHORT = new Set<string>(['s', 'd', 'p', 'i', 'o', 'j', 'g', 'm', 'f', 'c', 't', '4', '6']);

/** What rules ask of a module's options, worked out once per spec: options are looked up for every word of
 *  every rule, and some modules declare dozens. */
interface SpecIndex {
  /** By name; the first of a name wins, as in a scan of the list. */
  readonly byName: ReadonlyMap<string, OptionSpec>;
  /** The XTOPT_MAND options, in declaration order. */
  readonly mandatory: readonly OptionSpec[];
}

const SPEC_INDEX = new WeakMap<ModuleSpec, SpecIndex>();

function specIndex(spec: ModuleSpec): SpecIndex {
  let index = SPEC_INDEX.get(spec);
  if (!index) {
    const byName = new Map<string, OptionSpec>();
    for (const o of spec.options) if (!byName.has(o.name)) byName.set(o.name, o);
    index = { byName, mandatory: spec.options.filter((o) => o.mand) };
    SPEC_INDEX.set(spec, index);
  }
  return index;
}

function optionNamed(spec: ModuleSpec, name: string): OptionSpec | undefined {
  return specIndex(spec).byName.get(name);
}
/** One resolution per base option, shared by every rule (they carry nothing rule-specific). */
const BASE_RESOLVED: Readonly<Record<BaseId, Resolved>> = lookupTable({
  s: { kind: 'base', id: 's' }, d: { kind: 'base', id: 'd' }, p: { kind: 'base', id: 'p' }, i: { kind: 'base', id: 'i' },
  o: { kind: 'base', id: 'o' }, j: { kind: 'base', id: 'j' }, g: { kind: 'base', id: 'g' }, m: { kind: 'base', id: 'm' },
  f: { kind: 'base', id: 'f' }, c: { kind: 'base', id: 'c' }, t: { kind: 'base', id: 't' }, '4': { kind: 'base', id: '4' },
  '6': { kind: 'base', id: '6' },
});
/** `-s`, `-j`… as one shared string each: the rule's args keep these words, and the tokenizer's copy of a
 *  two-letter word is a string of its own for every rule (megabytes of a 1 000-Service dump's IR). */
const SHORT_WORD: Readonly<Record<BaseId, string>> = lookupTable({
  s: '-s', d: '-d', p: '-p', i: '-i', o: '-o', j: '-j', g: '-g', m: '-m', f: '-f', c: '-c', t: '-t', '4': '-4', '6': '-6',
});
const BASE_NO_ARG = new Set<BaseId>(['f', '4', '6']);
const BASE_INVERTIBLE = new Set<BaseId>(['s', 'd', 'p', 'i', 'o', 'f']);

interface BaseValue {
  readonly negated: boolean;
  readonly range: SourceRange;
  readonly nameRange: SourceRange;
  readonly argRange?: SourceRange;
  readonly args: readonly string[];
  /** `-s`/`-d`: the addresses of the list, parsed once by checkBase for build. */
  addrs?: readonly MaskedAddress[];
}

type Resolved =
  | { readonly kind: 'base'; readonly id: BaseId }
  | { readonly kind: 'module'; readonly module: ModuleUse; readonly spec: OptionSpec }
  | { readonly kind: 'raw'; readonly module: ModuleUse; readonly name: string }
  | { readonly kind: 'ambiguous'; readonly names: string[] }
  | { readonly kind: 'unknown' };

type TargetState =
  | { readonly kind: 'standard'; readonly name: string; readonly range: SourceRange }
  | { readonly kind: 'chain'; readonly name: string; readonly goto: boolean; readonly range: SourceRange }
  | { readonly kind: 'module'; readonly module: ModuleUse };

function span(a: SourceRange, b: SourceRange): SourceRange {
  return { start: Math.min(a.start, b.start), end: Math.max(a.end, b.end) };
}

/** Whether `-X` names an option rather than being a negative number: a letter, or `-4` / `-6`. */
function isShortOption(c: number): boolean {
  return c === 52 || c === 54 || c < 48 || c > 57;
}

/** `-m NAME` / `-j NAME` as a new array of tokens. The usual single argument gets a literal of two: a spread
 *  or concat of a one-element array cost more than the rest of reading the option. */
function headTokens(tok: Token, args: readonly Token[]): Token[] {
  return args.length === 1 ? [tok, args[0] as Token] : [tok, ...args];
}

/** An option's range: from its `!` (when written before it) or its name to `last` (its last argument).
 *  Made once per option, when needed, rather than a start range first and the whole range from it. */
function optionRange(neg: Token | undefined, tok: Token, last: SourceRange | undefined): SourceRange {
  let start = tok.start;
  let end = tok.end;
  if (neg) {
    start = Math.min(start, neg.start);
    end = Math.max(end, neg.end);
  }
  if (last) {
    start = Math.min(start, last.start);
    end = Math.max(end, last.end);
  }
  return { start, end };
}

/** A token's range as a plain IR range (the IR must not carry the token's text). */
function plain(t: SourceRange): SourceRange {
  return { start: t.start, end: t.end };
}

export function parseRule(input: RuleInput): RuleOutput {
  return new RuleReader(input).read();
}

/** An option's arguments as read, with what both kinds of option need: whether it is negated (before the
 *  option, or inside its arguments), its whole range and its arguments' range. One object per option: the
 *  ranges are filled in by takeOption rather than returned in a second object. */
interface Taken {
  readonly values: string[];
  readonly toks: Token[];
  readonly negatedInside: Token | undefined;
  negated: boolean;
  range: SourceRange;
  argRange: SourceRange | undefined;
}

/** Placeholder of Taken.range until takeOption sets it. */
const NO_RANGE: SourceRange = { start: 0, end: 0 };

function newTaken(values: string[], toks: Token[], negatedInside?: Token): Taken {
  return { values, toks, negatedInside, negated: false, range: NO_RANGE, argRange: undefined };
}

/** Reads one rule. A class rather than closures: a dump has 100 000 rules, and per-rule closures cost. The
 *  reader is also the context that value parsers, module checks and translations get (family, table,
 *  chain, `-p` once known, `problem`), rather than a new context object or two and a closure per rule. */
class RuleReader implements TranslateContext {
  private readonly tokens: readonly Token[];
  readonly family: AddrFamily;
  readonly table: string;
  readonly chain: string;
  /** Set by build() from `-p` (value parsers run before the whole rule is read, and never see it). */
  proto: { readonly num: number; readonly negated: boolean } | undefined = undefined;
  private errors = 0;
  private readonly modules: ModuleUse[] = []; // matches and the target module, in load order
  // Every slot present from the start: one object shape for all rules, whatever the order of their options
  // (adding them as they come gave each order its own shape, and the reads in build() went megamorphic).
  private readonly base: Partial<Record<BaseId, BaseValue>> = { s: undefined, d: undefined, p: undefined, i: undefined, o: undefined, f: undefined };
  private readonly opaques: { text: string; range: SourceRange }[] = [];
  private readonly args: string[] = [];
  private target: TargetState | undefined;
  private counters: { packets: number; bytes: number } | undefined;
  private countersRange: SourceRange | undefined;
  private onlyFamily: AddrFamily | undefined;
  private tableOpt: { name: string; range: SourceRange } | undefined;
  private unquotedCommentWarned = false;
  private truncated = false;
  private i = 0;

  constructor(private readonly input: RuleInput) {
    this.tokens = input.tokens;
    this.family = input.family;
    this.table = input.table;
    this.chain = input.chain;
    this.i = input.start;
  }

  /** TranslateContext: a translation's problem, reported on the rule (the module is then kept as xt). */
  problem(message: string, range: SourceRange): void {
    this.report(MSG.moduleCheck, range, 'translation', message);
  }

  private report(def: MessageDef, range: SourceRange, ...args: (string | number)[]): void {
    if (def.severity === 'error') this.errors++;
    this.input.bag.add({ severity: def.severity, code: def.code, message: formatMessage(def, args), range: { start: range.start, end: range.end } });
  }

  /** A part of the rule that could not be read: kept as an opaque statement, never dropped. */
  private fail(range: SourceRange, text: string): void {
    this.opaques.push({ text, range: { start: range.start, end: range.end } });
  }

  /** Words the rule keeps as written although they could not be read (so the printer shows them). */
  private keepWords(neg: Token | undefined, toks: readonly Token[]): void {
    if (neg) this.args.push('!');
    pushTexts(this.args, toks);
  }

  /** Options are searched in the base table, then the modules newest first (libxtables merges the newest
   *  module's options in front); unambiguous prefixes are accepted like getopt_long does. */
  private resolveLong(name: string): Resolved {
    const b = BASE_LONG.get(name);
    if (b) return BASE_RESOLVED[b];
    const modules = this.modules;
    for (let k = modules.length - 1; k >= 0; k--) {
      const mod = modules[k] as ModuleUse;
      if (!mod.spec) continue;
      const spec = optionNamed(mod.spec, name);
      if (spec) return { kind: 'module', module: mod, spec };
    }
    const candidates: Resolved[] = [];
    const names: string[] = [];
    for (const [n, id] of BASE_LONG) {
      if (n.startsWith(name) && !candidates.some((c) => c.kind === 'base' && c.id === id)) {
        candidates.push(BASE_RESOLVED[id]);
        names.push(`--${n}`);
      }
    }
    for (let k = modules.length - 1; k >= 0; k--) {
      const mod = modules[k] as ModuleUse;
      if (!mod.spec) continue;
      for (const spec of mod.spec.options) {
        if (spec.name.startsWith(name)) {
          candidates.push({ kind: 'module', module: mod, spec });
          names.push(`--${spec.name}`);
        }
      }
    }
    if (candidates.length === 1) return candidates[0] as Resolved;
    if (candidates.length > 1) return { kind: 'ambiguous', names };
    return { kind: 'unknown' };
  }

  private argumentMissing(optText: string, range: SourceRange): void {
    if (this.input.atEnd && this.i >= this.tokens.length) {
      this.truncated = true;
      this.report(MSG.truncated, range, optText);
    } else this.report(MSG.missingArgument, range, optText);
  }

  /** Takes the arguments of an option (a negation inside them is reported). On a missing argument the rule
   *  fails and the result is undefined (after reporting). */
  private takeOption(
    nargs: 0 | 1 | 2 | 'optional' | 'words',
    inline: string | undefined,
    tok: Token,
    neg: Token | undefined,
    optText: string,
    invertible: boolean,
  ): Taken | undefined {
    const taken = this.takeArgs(nargs, inline, tok, optText, invertible);
    if (!taken) {
      this.fail(optionRange(neg, tok, undefined), tok.text);
      return undefined;
    }
    taken.negated = !!neg;
    if (taken.negatedInside) {
      taken.negated = true;
      this.report(MSG.intrapositionedNegation, taken.negatedInside, optText);
    }
    const toks = taken.toks;
    const lastTok = toks[toks.length - 1];
    taken.range = optionRange(neg, tok, lastTok);
    taken.argRange = lastTok ? (toks.length === 1 ? plain(lastTok) : span(toks[0] as Token, lastTok)) : inline !== undefined ? plain(tok) : undefined;
    return taken;
  }

  private takeArgs(nargs: 0 | 1 | 2 | 'optional' | 'words', inline: string | undefined, optToken: Token, optText: string, invertible: boolean): Taken | undefined {
    if (nargs === 0) {
      if (inline !== undefined) {
        this.report(MSG.strayArgument, optToken, inline);
        return undefined;
      }
      return newTaken([], []);
    }
    const tokens = this.tokens;
    // The common case, one plain argument, as arrays of the exact length: an empty array that is pushed to
    // gets room for 16 elements, and every option of every rule came here.
    const next = tokens[this.i];
    if ((nargs === 1 || nargs === 'words') && inline === undefined && next && !(next.text === '!' && !next.quoted && invertible)) {
      this.i++;
      const one = newTaken([next.text], [next]);
      if (nargs === 'words') this.takeMoreWords(one, optToken);
      return one;
    }
    const values: string[] = [];
    const toks: Token[] = [];
    let negatedInside: Token | undefined;
    if (inline !== undefined) values.push(inline);
    if (nargs === 'optional') {
      const t = tokens[this.i];
      if (values.length === 0 && t && !t.text.startsWith('-') && !(t.text === '!' && !t.quoted)) {
        values.push(t.text);
        toks.push(t);
        this.i++;
      }
      return newTaken(values, toks);
    }
    const want = nargs === 'words' ? 1 : nargs;
    while (values.length < want) {
      const t = tokens[this.i];
      if (!t) {
        this.argumentMissing(optText, optToken);
        return undefined;
      }
      if (t.text === '!' && !t.quoted && values.length === 0 && invertible && !negatedInside) {
        negatedInside = t;
        this.i++;
        continue;
      }
      values.push(t.text);
      toks.push(t);
      this.i++;
    }
    const result = newTaken(values, toks, negatedInside);
    if (nargs === 'words') this.takeMoreWords(result, optToken);
    return result;
  }

  /** kube-proxy's test dumps write multi-word comments without quotes: the bare words after the first one
   *  are part of it. */
  private takeMoreWords(taken: Taken, optToken: Token): void {
    const { values, toks } = taken;
    const tokens = this.tokens;
    let t = tokens[this.i];
    while (t && !t.quoted && !t.text.startsWith('-') && t.text !== '!') {
      values[0] = `${values[0] ?? ''} ${t.text}`;
      toks.push(t);
      this.i++;
      t = tokens[this.i];
      if (!this.unquotedCommentWarned) {
        this.unquotedCommentWarned = true;
        this.report(MSG.unquotedComment, span(optToken, toks[toks.length - 1] as Token));
      }
    }
  }

  private loadModule(kind: 'match' | 'target', name: string, spec: ModuleSpec | undefined, head: Token[], implicit: boolean): ModuleUse {
    const first = head[0] as Token;
    const last = head[head.length - 1] as Token;
    // `head` is a fresh array from every caller: the module keeps it as its token list without a copy.
    const m: ModuleUse = { kind, name, spec, opts: [], raw: [], headRange: span(first, last), tokens: implicit ? [] : head, implicit };
    this.modules.push(m);
    return m;
  }

  read(): RuleOutput {
    const tokens = this.tokens;
    let pendingNeg: Token | undefined;
    while (this.i < tokens.length) {
      const tok = tokens[this.i] as Token;
      this.i++;
      if (tok.text === '!' && !tok.quoted) {
        if (pendingNeg) this.report(MSG.doubleNegation, tok);
        pendingNeg = tok;
        continue;
      }
      const neg = pendingNeg;
      pendingNeg = undefined;
      this.readOption(tok, neg);
    }
    if (pendingNeg) this.report(MSG.danglingNegation, pendingNeg);
    return this.build();
  }

  private readOption(tok: Token, neg: Token | undefined): void {
    const t = tok.text;
    const tokens = this.tokens;
    let resolved: Resolved;
    let inline: string | undefined;
    let optText: string;
    if (t.startsWith('--') && t.length > 2) {
      const eq = t.indexOf('=');
      const name = eq < 0 ? t.slice(2) : t.slice(2, eq);
      if (eq >= 0) inline = t.slice(eq + 1);
      optText = eq < 0 ? t : `--${name}`;
      resolved = this.resolveLong(name);
      if (resolved.kind === 'unknown') resolved = this.resolveImplicit(name, tok);
    } else if (t.startsWith('-') && t.length >= 2 && isShortOption(t.charCodeAt(1))) {
      const letter = t[1] as string;
      optText = t.length === 2 ? t : `-${letter}`;
      if (BASE_SHORT.has(letter)) {
        resolved = BASE_RESOLVED[letter as BaseId];
        if (t.length > 2) inline = t.slice(2);
      } else resolved = { kind: 'unknown' };
    } else {
      this.report(MSG.strayArgument, tok, t);
      this.fail(tok, t);
      this.keepWords(neg, [tok]);
      return;
    }

    switch (resolved.kind) {
      case 'ambiguous':
        this.report(MSG.ambiguousOption, tok, optText, resolved.names.join(', '));
        this.fail(optionRange(neg, tok, undefined), t);
        this.keepWords(neg, [tok]);
        return;
      case 'unknown': {
        const target = this.target;
        const hint = target?.kind === 'chain' ? ` (after '-j ${target.name}', which is not a target with options)` : '';
        this.report(MSG.unknownOption, tok, optText, hint);
        // Skip what looks like its arguments so that one mistake gives one error.
        const skipped: Token[] = [tok];
        while (this.i < tokens.length && !(tokens[this.i] as Token).text.startsWith('-') && (tokens[this.i] as Token).text !== '!') skipped.push(tokens[this.i++] as Token);
        this.fail(optionRange(neg, tok, skipped[skipped.length - 1]), t);
        this.keepWords(neg, skipped);
        return;
      }
      case 'raw':
        this.readRawOption(resolved.module, resolved.name, tok, neg, inline);
        return;
      case 'base':
        this.readBaseOption(resolved.id, tok, neg, inline, optText);
        return;
      case 'module':
        this.readModuleOption(resolved.module, resolved.spec, tok, neg, inline, optText);
        return;
    }
  }

  /** An option nobody declared: a protocol match loaded implicitly, an unknown extension's own option, or
   *  the option of an extension target nflens does not know. */
  private resolveImplicit(name: string, tok: Token): Resolved {
    const family = this.family;
    // libxtables: an unknown option with `-p PROTO` loads the protocol's match and tries again.
    const proto = this.base.p;
    const protoNum = proto ? protocolNumber(proto.args[0] ?? '') : undefined;
    const implicitName = protoNum !== undefined ? implicitMatchName(protoNum, family) : undefined;
    if (implicitName && !this.modules.some((m) => m.name === implicitName && m.kind === 'match')) {
      const spec = findMatch(implicitName, family);
      if (spec && spec.options.some((o) => o.name === name || o.name.startsWith(name))) {
        this.loadModule('match', implicitName, spec, [tok], true);
        const again = this.resolveLong(name);
        if (again.kind !== 'unknown') return again;
      }
    }
    // An option after an unknown extension belongs to it (its options are kept raw).
    for (let k = this.modules.length - 1; k >= 0; k--) {
      const mod = this.modules[k] as ModuleUse;
      if (!mod.spec) return { kind: 'raw', module: mod, name };
    }
    const target = this.target;
    if (target?.kind === 'chain' && !target.goto && !this.input.chains.has(target.name)) {
      // `-j FOO --foo-opt`: FOO is an extension target nflens does not know.
      const jumpRange = target.range;
      const mod = this.loadModule('target', target.name, undefined, this.tokens.filter((x) => x.start >= jumpRange.start && x.end <= jumpRange.end), false);
      this.report(MSG.unknownTarget, jumpRange, target.name);
      this.target = { kind: 'module', module: mod };
      return { kind: 'raw', module: mod, name };
    }
    return { kind: 'unknown' };
  }

  private readRawOption(mod: ModuleUse, name: string, tok: Token, neg: Token | undefined, inline: string | undefined): void {
    const tokens = this.tokens;
    const values: string[] = inline !== undefined ? [inline] : [];
    let end: SourceRange = tok;
    const toks: Token[] = [tok];
    while (this.i < tokens.length) {
      const a = tokens[this.i] as Token;
      if (a.text.startsWith('-') || (a.text === '!' && !a.quoted)) break;
      this.i++;
      values.push(a.text);
      toks.push(a);
      end = a;
    }
    mod.raw.push({ name, args: values, negated: !!neg, range: optionRange(neg, tok, end) });
    if (neg) {
      mod.tokens.push(neg);
      this.args.push('!');
    }
    for (const x of toks) {
      mod.tokens.push(x);
      this.args.push(x.text);
    }
  }

  private readBaseOption(id: BaseId, tok: Token, neg: Token | undefined, inline: string | undefined, optText: string): void {
    const family = this.family;
    const input = this.input;
    const next = this.tokens[this.i];
    const nargs = id === 'c' ? ((inline ?? next?.text ?? '').includes(',') ? 1 : 2) : BASE_NO_ARG.has(id) ? 0 : 1;
    const invertible = BASE_INVERTIBLE.has(id);
    const taken = this.takeOption(nargs, inline, tok, neg, optText, invertible);
    if (!taken) return;
    const { negated, range, argRange } = taken;
    if (negated && !invertible) {
      this.report(MSG.notInvertible, neg ?? tok, optText);
      this.fail(range, tok.text);
      return;
    }
    switch (id) {
      case 'c': {
        const parts = taken.values.length === 1 ? (taken.values[0] ?? '').split(',') : taken.values;
        const [p, b] = parts;
        if (parts.length !== 2 || !/^\d+$/.test(p ?? '') || !/^\d+$/.test(b ?? '')) {
          this.report(MSG.badArgument, range, optText, taken.values.join(' '), 'expected PACKETS BYTES');
          return;
        }
        this.counters = { packets: Number(p), bytes: Number(b) };
        this.countersRange = range;
        return;
      }
      case 't':
        if (input.inTableBlock) this.report(MSG.tableOptionInRestore, range);
        else this.tableOpt = { name: taken.values[0] ?? '', range };
        return;
      case '4':
      case '6':
        this.onlyFamily = id === '4' ? 'ip' : 'ip6';
        this.pushBaseWords(id, neg, inline, tok, taken.toks);
        return;
      case 'm': {
        const written = taken.values[0] ?? '';
        const head = headTokens(tok, taken.toks);
        const spec = findMatch(written, family);
        // The spec's own string for its name when that is what is written: args and xt nodes keep the name,
        // one string for every rule rather than a copy each.
        const name = spec && spec.name === written ? spec.name : written;
        this.pushBaseWords(id, neg, inline, tok, taken.toks, name);
        if (spec === null) {
          this.report(MSG.matchFamily, range, name, family === 'ip' ? 'IPv4' : 'IPv6');
          this.fail(range, `-m ${name}`);
          this.loadModule('match', name, undefined, head, false);
        } else {
          if (spec === undefined) this.report(MSG.unknownMatch, range, name);
          else if (spec.opaque) this.report(MSG.opaqueMatch, range, name, spec.opaque);
          this.loadModule('match', name, spec, head, false);
        }
        return;
      }
      case 'j':
      case 'g':
        this.pushBaseWords(id, neg, inline, tok, taken.toks);
        this.readTarget(id === 'g', taken.values[0] ?? '', range, optText, headTokens(tok, taken.toks));
        return;
      default: {
        if (this.base[id]) {
          this.report(MSG.repeatedOption, range, optText);
          this.fail(range, tok.text);
          this.pushBaseWords(id, neg, inline, tok, taken.toks);
          return;
        }
        if (id === 'f' && family === 'ip6') {
          this.report(MSG.wrongFamily, range, optText, 'IPv4');
          this.fail(range, tok.text);
          this.pushBaseWords(id, neg, inline, tok, taken.toks);
          return;
        }
        const bv: BaseValue = argRange ? { negated, range, nameRange: plain(tok), argRange, args: taken.values } : { negated, range, nameRange: plain(tok), args: taken.values };
        const first = this.args.length;
        this.pushBaseWords(id, neg, inline, tok, taken.toks);
        if (!this.checkBase(id, bv, optText)) this.fail(range, this.args.slice(first).join(' '));
        else this.base[id] = bv;
      }
    }
  }

  /** A base option's words, as the rule's args keep them (all but -c and -t): pushed there directly, without
   *  an intermediate array per option. */
  private pushBaseWords(id: BaseId, neg: Token | undefined, inline: string | undefined, tok: Token, toks: readonly Token[], value?: string): void {
    const args = this.args;
    if (neg) args.push('!');
    if (inline !== undefined) args.push(SHORT_WORD[id], inline);
    else args.push(tok.text.length === 2 ? SHORT_WORD[id] : tok.text);
    // `value`: the single argument's text as a shared string (equal to the token's).
    if (value !== undefined && toks.length === 1) args.push(value);
    else pushTexts(args, toks);
  }

  private readTarget(isGoto: boolean, name: string, range: SourceRange, optText: string, head: Token[]): void {
    const family = this.family;
    const table = this.input.table;
    const target = this.target;
    if (target) {
      this.report(MSG.twoTargets, range, name, target.kind === 'module' ? target.module.name : target.name);
      return;
    }
    if (name === '') {
      this.report(MSG.badArgument, range, optText, name, 'empty target');
      return;
    }
    if (isGoto) {
      if (STANDARD_TARGETS.has(name) || findTarget(name, family)) this.report(MSG.gotoTarget, range, name);
      else if (isBuiltinChain(table, name)) this.report(MSG.jumpToBuiltin, range, name);
      this.target = { kind: 'chain', name, goto: true, range };
      return;
    }
    if (STANDARD_TARGETS.has(name)) {
      this.target = { kind: 'standard', name, range };
      return;
    }
    const spec = findTarget(name, family);
    if (spec === null) {
      this.report(MSG.targetFamily, range, name, family === 'ip' ? 'IPv4' : 'IPv6');
      this.target = { kind: 'module', module: this.loadModule('target', name, undefined, head, false) };
    } else if (spec) this.target = { kind: 'module', module: this.loadModule('target', name, spec, head, false) };
    else {
      if (isBuiltinChain(table, name)) this.report(MSG.jumpToBuiltin, range, name);
      this.target = { kind: 'chain', name, goto: false, range };
    }
  }

  private readModuleOption(mod: ModuleUse, spec: OptionSpec, tok: Token, neg: Token | undefined, inline: string | undefined, optText: string): void {
    const nargs = spec.nargs ?? (spec.parse ? 1 : 0);
    const taken = this.takeOption(nargs, inline, tok, neg, optText, !!spec.invert);
    if (!taken) return;
    const { negated, range, argRange } = taken;
    const canonical = optionText(spec);
    if (negated) this.args.push('!');
    this.args.push(canonical);
    if (nargs === 'words') this.args.push(taken.values.join(' '));
    else pushAll(this.args, taken.values);
    if (neg) mod.tokens.push(neg);
    mod.tokens.push(tok);
    pushAll(mod.tokens, taken.toks);
    if (negated && !spec.invert) {
      this.report(MSG.notInvertible, neg ?? taken.negatedInside ?? tok, canonical);
      this.fail(range, tok.text);
      return;
    }
    // Aliases share a key (`--dport`/`--destination-port`): giving both is a repeat too.
    if (!spec.multi && hasRepeat(mod, spec)) {
      this.report(MSG.repeatedOption, range, canonical);
      this.fail(range, tok.text);
      return;
    }
    let v: XtValue | ValueError = true;
    if (spec.parse) v = spec.parse(taken.values, this);
    if (v instanceof ValueError) {
      this.report(MSG.badArgument, argRange ?? range, canonical, taken.values.join(' '), v.message);
      this.fail(range, `${canonical} ${taken.values.join(' ')}`);
      return;
    }
    mod.opts.push(
      argRange
        ? { spec, value: v, negated, args: taken.values, range, nameRange: plain(tok), argRange }
        : { spec, value: v, negated, args: taken.values, range, nameRange: plain(tok) },
    );
  }

  private checkBase(id: BaseId, bv: BaseValue, optText: string): boolean {
    const arg = bv.args[0] ?? '';
    const r = bv.argRange ?? bv.range;
    switch (id) {
      case 's':
      case 'd': {
        const addrs: MaskedAddress[] = [];
        for (const part of arg.split(',')) {
          const a = parseMaskedAddress(part, this.family);
          if (typeof a === 'string') {
            this.report(MSG.badAddress, r, part, `: ${a}`);
            return false;
          }
          addrs.push(a);
        }
        bv.addrs = addrs;
        return true;
      }
      case 'p': {
        const n = protocolNumber(arg);
        if (n === undefined) {
          this.report(MSG.unknownProtocol, r, arg);
          return false;
        }
        if (n === 0 && bv.negated) {
          this.report(MSG.neverMatches, bv.range, `'! ${optText} ${arg}'`);
          return false;
        }
        return true;
      }
      case 'i':
      case 'o':
        if (arg.length > 15) {
          this.report(MSG.interfaceTooLong, r, arg);
          return false;
        }
        if (arg === '') {
          this.report(MSG.badArgument, bv.range, optText, arg, 'empty interface name');
          return false;
        }
        return true;
      default:
        return true;
    }
  }

  /** The module's own checks (libxtables' mandatory, exclusive and required options, the x6_fcheck of
   *  each extension), reported on the module. */
  private checkModule(mod: ModuleUse, spec: ModuleSpec, ctx: RuleContext, builtin: boolean): void {
    // `what` and the module's range are only made when there is something to report: most rules pass.
    if (spec.protos && !(ctx.proto && !ctx.proto.negated && spec.protos.includes(ctx.proto.num))) {
      this.report(MSG.needsProtocol, mod.headRange, describeModule(spec), spec.protosText ?? spec.name);
    }
    if (spec.tables && !spec.tables.includes(ctx.table)) {
      this.report(MSG.targetTable, mod.headRange, describeModule(spec), spec.tables.join(' or '));
    } else if (spec.hooks && builtin && !spec.hooks.includes(ctx.chain)) {
      this.report(MSG.hookNotAllowed, mod.headRange, describeModule(spec), ctx.chain, ctx.table, spec.hooks.join(', '));
    }
    const mandatory = specIndex(spec).mandatory;
    for (let k = 0; k < mandatory.length; k++) {
      const o = mandatory[k] as OptionSpec;
      if (!usesOption(mod, o)) this.report(MSG.missingOption, moduleRange(mod), `${describeModule(spec)} needs --${o.name}`);
    }
    if (spec.needsOne && !mod.opts.some((u) => spec.needsOne?.includes(u.spec.name))) {
      this.report(MSG.missingOption, moduleRange(mod), `${describeModule(spec)} needs one of ${spec.needsOne.map((n) => `--${n}`).join(', ')}`);
    }
    const opts = mod.opts;
    for (let k = 0; k < opts.length; k++) {
      const u = opts[k] as OptionUse;
      const { excl, also } = u.spec;
      if (excl) {
        for (const x of excl) {
          if (x !== u.spec.name && mod.opts.some((w) => w.spec.name === x && w.range.start > u.range.start)) this.report(MSG.conflictingOptions, u.range, `--${u.spec.name}`, `--${x}`);
        }
      }
      if (also) {
        for (const a of also) {
          if (!mod.opts.some((w) => w.spec.name === a)) this.report(MSG.missingOption, u.range, `--${u.spec.name} needs --${a}`);
        }
      }
    }
    const problem = spec.check?.(mod, ctx);
    if (problem) this.report(MSG.moduleCheck, moduleRange(mod), describeModule(spec), problem);
  }

  private build(): RuleOutput {
    const family = this.family;
    const base = this.base;
    // ── checks that need the whole rule ──
    const protoBase = base.p;
    const protoNum = protoBase ? protocolNumber(protoBase.args[0] ?? '') : undefined;
    const { table, chain } = this;
    if (protoNum !== undefined && protoBase) this.proto = { num: protoNum, negated: protoBase.negated };
    const ctx: TranslateContext = this;
    const builtin = isBuiltinChain(table, chain);
    const modules = this.modules;
    for (let k = 0; k < modules.length; k++) {
      const mod = modules[k] as ModuleUse;
      // A cut-off rule misses options by definition: its module checks would only repeat that.
      if (!mod.spec || this.truncated) continue;
      const before = this.errors;
      this.checkModule(mod, mod.spec, ctx, builtin);
      if (this.errors > before) this.fail(moduleRange(mod), moduleText(mod));
    }

    // ── statements, in iptables-nft's order ──
    const stmts: Stmt[] = [];
    let comment: string | undefined;
    if (base.i) pushInterfaceMatch(stmts, 'iifname', base.i);
    if (base.o) pushInterfaceMatch(stmts, 'oifname', base.o);
    if (protoBase && protoNum !== undefined && protoNum !== 0) {
      stmts.push(match(protoBase.negated ? '!=' : '==', meta('l4proto', protoBase.nameRange), value(protocolValue(protoNum), protoBase.argRange), protoBase.range));
    }
    if (base.s) {
      const s = addressListMatch(payload(family, 'saddr', base.s.nameRange), base.s);
      if (s) stmts.push(s);
    }
    if (base.d) {
      const s = addressListMatch(payload(family, 'daddr', base.d.nameRange), base.d);
      if (s) stmts.push(s);
    }
    const frag = base.f;
    if (frag) {
      // -f: "second and further fragments" (iptables-translate: ip frag-off & 0x1fff != 0)
      stmts.push(match(frag.negated ? '==' : '!=', binop('&', payload('ip', 'frag-off', frag.nameRange), value(0x1fff), frag.range), value(0), frag.range));
    }
    for (let k = 0; k < this.opaques.length; k++) {
      const o = this.opaques[k] as { text: string; range: SourceRange };
      stmts.push({ kind: 'opaque', text: o.text, range: o.range });
    }

    let targetStmts: Stmt[] = [];
    for (let k = 0; k < modules.length; k++) {
      const mod = modules[k] as ModuleUse;
      if (mod.kind === 'match' && mod.name === 'comment' && mod.spec) {
        for (let n = 0; n < mod.opts.length; n++) {
          const o = mod.opts[n] as OptionUse;
          comment = comment === undefined ? String(o.value) : `${comment}; ${String(o.value)}`;
        }
        continue;
      }
      const translated = mod.spec?.translate ? safeTranslate(mod, mod.spec, ctx) : undefined;
      const out = translated ?? [xtNode(mod, ctx)];
      if (mod.kind === 'match') pushAll(stmts, out);
      else targetStmts = out;
    }
    // Every iptables rule counts packets; iptables-nft adds a counter before the target.
    const counters = this.counters;
    stmts.push(counters && this.countersRange ? { kind: 'counter', packets: counters.packets, bytes: counters.bytes, range: this.countersRange } : BARE_COUNTER);
    const target = this.target;
    if (target?.kind === 'standard') {
      const vk = target.name.toLowerCase();
      if (vk === 'queue') stmts.push({ kind: 'queue', num: value(0), range: target.range });
      else stmts.push({ kind: 'verdict', verdict: { kind: vk as 'accept' | 'drop' | 'return' }, range: target.range });
    } else if (target?.kind === 'chain') {
      stmts.push({ kind: 'verdict', verdict: { kind: target.goto ? 'goto' : 'jump', target: target.name }, range: target.range });
    } else pushAll(stmts, targetStmts);

    // The rule keeps copies at their exact length: arrays grown by push have room for 16 or 40 elements, and
    // that slack, kept for every rule of a large dump, was an eighth of the IR's memory.
    const out: { -readonly [K in keyof RuleOutput]: RuleOutput[K] } = { stmts: stmts.slice(), args: this.args.slice(), errors: this.errors };
    if (comment !== undefined) out.comment = comment;
    if (counters) out.counters = counters;
    if (this.countersRange) out.countersRange = this.countersRange;
    if (this.onlyFamily) out.onlyFamily = this.onlyFamily;
    if (this.tableOpt) out.table = this.tableOpt;
    return out;
  }
}

// Nodes without a range or anything rule-specific, shared by every rule rather than one per rule (the IR is
// not mutated after parsing; caches keyed by node give the same answer for equal nodes).
/** The counter iptables-nft puts in every rule. */
const BARE_COUNTER: Stmt = { kind: 'counter' };
/** The right side of every xt match (`xt == true`). */
const XT_TRUE: Expr = value(true);

/** `-i`/`-o`: `eth+` is a prefix match that nft writes `eth*` (a literal `*` is escaped); a bare `+` matches
 *  every interface and gives no statement. */
function pushInterfaceMatch(stmts: Stmt[], key: 'iifname' | 'oifname', bv: BaseValue): void {
  const name = bv.args[0] ?? '';
  const nftName = name.endsWith('+') ? `${name.slice(0, -1).replace(/\*/g, '\\*')}*` : name.replace(/\*/g, '\\*');
  if (nftName === '*' && !bv.negated) return;
  stmts.push(match(bv.negated ? '!=' : '==', meta(key, bv.nameRange), value(nftName, bv.argRange), bv.range));
}

// Loops over a rule's words, options and modules are indexed, not for-of: until the JIT has optimised them
// (most of a cold parse), a for-of over an array allocates an iterator and a result object per step.

/** push(...items) without the spread (which walks the iterator protocol until the JIT has warmed up). */
function pushAll<T>(to: T[], items: readonly T[]): void {
  for (let k = 0; k < items.length; k++) to.push(items[k] as T);
}

/** The words of tokens, pushed to a rule's args. */
function pushTexts(to: string[], toks: readonly Token[]): void {
  for (let k = 0; k < toks.length; k++) to.push((toks[k] as Token).text);
}

function safeTranslate(mod: ModuleUse, spec: ModuleSpec, ctx: TranslateContext): Stmt[] | undefined {
  try {
    return spec.translate?.(mod, ctx);
  } catch {
    // A translation bug must not lose the rule: keep the module as xt.
    return undefined;
  }
}

/** Whether the module has the option already: the same name, or an alias with the same key
 *  (`--dport`/`--destination-port`). */
function hasRepeat(mod: ModuleUse, spec: OptionSpec): boolean {
  const opts = mod.opts;
  for (let k = 0; k < opts.length; k++) {
    const x = opts[k] as OptionUse;
    if (x.spec.name === spec.name || (spec.key !== undefined && x.spec.key === spec.key)) return true;
  }
  return false;
}

const TEXT_OF_OPTION = new WeakMap<OptionSpec, string>();

/** `--name` of an option spec, made once per spec rather than per use. */
function optionText(spec: OptionSpec): string {
  let text = TEXT_OF_OPTION.get(spec);
  if (text === undefined) {
    text = `--${spec.name}`;
    TEXT_OF_OPTION.set(spec, text);
  }
  return text;
}

function usesOption(mod: ModuleUse, spec: OptionSpec): boolean {
  const opts = mod.opts;
  for (let k = 0; k < opts.length; k++) if ((opts[k] as OptionUse).spec === spec) return true;
  return false;
}

function describeModule(spec: ModuleSpec): string {
  return `${spec.kind === 'match' ? 'match' : 'target'} ${spec.name}`;
}

/** The `xt` node for a module nflens keeps as an extension: structured options plus its text. */
function xtNode(mod: ModuleUse, ctx: RuleContext): Stmt {
  const options: Record<string, XtOption> = {};
  for (let k = 0; k < mod.opts.length; k++) {
    const o = mod.opts[k] as OptionUse;
    if (!o.negated && o.spec.omitIf?.(o.value)) continue;
    if (o.spec.expand) o.spec.expand(o.value).forEach(([k, v], idx) => putOption(options, k, v, idx === 0 && o.negated));
    else putOption(options, optionKey(o.spec), o.value, o.negated);
  }
  for (let k = 0; k < mod.raw.length; k++) {
    const r = mod.raw[k] as ModuleUse['raw'][number];
    putOption(options, r.name, r.args.length === 0 ? true : r.args.length === 1 ? (r.args[0] ?? '') : r.args, r.negated);
  }
  const defaults = typeof mod.spec?.defaults === 'function' ? mod.spec.defaults(ctx, mod) : (mod.spec?.defaults ?? {});
  // for-in rather than Object.entries: no array of pairs per module (defaults are own-property literals).
  for (const k in defaults) if (!(k in options)) options[k] = { value: defaults[k] as XtValue };
  const range = moduleRange(mod);
  const text = moduleText(mod);
  if (mod.kind === 'target') return { kind: 'xt', type: 'target', name: mod.name, options, text, range };
  const left: Expr = { kind: 'xt', name: mod.name, options, text, range };
  return match('==', left, XT_TRUE, range);
}

/** Sets an xt option; a repeated key gets `#2`, `#3`… */
function putOption(options: Record<string, XtOption>, key: string, v: XtValue, negated: boolean): void {
  let k = key;
  for (let n = 2; k in options; n++) k = `${key}#${n}`;
  options[k] = negated ? { value: v, negated: true } : { value: v };
}

function moduleText(mod: ModuleUse): string {
  // join rather than `+=`: the text stays in the IR, and a string built by `+=` is a tree of pieces.
  const toks = mod.tokens;
  const words: string[] = [];
  for (let k = 0; k < toks.length; k++) {
    const t = toks[k] as Token;
    words.push(t.text === '!' && !t.quoted ? '!' : quoteWord(t.text));
  }
  return words.join(' ');
}

/** `-s a,b` is a list (iptables adds one rule per address; one set lookup means the same). The addresses
 *  were parsed by checkBase. */
function addressListMatch(left: Expr, bv: BaseValue): Stmt | undefined {
  const addrs = bv.addrs ?? [];
  if (addrs.length === 1) return maskedAddressMatch(left, addrs[0] as MaskedAddress, bv.negated, bv.range, bv.argRange);
  const items: Expr[] = [];
  for (const a of addrs) {
    if (a.prefix === a.bits) items.push(value(a.addr, bv.argRange));
    else if (a.prefix !== undefined) items.push(prefix(a.addr, a.prefix, bv.argRange));
    else return { kind: 'opaque', text: `${bv.negated ? '! ' : ''}${bv.args[0] ?? ''}`, range: bv.range };
  }
  return match(bv.negated ? '!=' : '==', left, set(items, bv.argRange), bv.range);
}

/** addressMatch (matches.ts) for an address already parsed, without printing it as `addr/len` and reading
 *  that back: a host is a value, a prefix a prefix (none for /0 unless negated), a non-contiguous mask
 *  `addr & mask == net`. */
function maskedAddressMatch(left: Expr, a: MaskedAddress, negated: boolean, range: SourceRange, argRange: SourceRange | undefined): Stmt | undefined {
  const op = negated ? '!=' : '==';
  if (a.prefix === a.bits) return match(op, left, value(a.addr, argRange), range);
  if (a.prefix !== undefined) return a.prefix === 0 && !negated ? undefined : match(op, left, prefix(a.addr, a.prefix, argRange), range);
  return match(op, binop('&', left, value(a.mask, argRange), range), value(a.addr, argRange), range);
}
