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
import { parseMaskedAddress, type AddrFamily } from './address.ts';
import { binop, match, meta, payload, prefix, set, value } from './build.ts';
import type { DiagnosticBag } from '../diagnostics.ts';
import { addressMatch, findMatch, implicitMatchName } from './matches.ts';
import { formatMessage, MSG, type MessageDef } from './messages.ts';
import { moduleRange, optionKey, ValueError, type ModuleSpec, type ModuleUse, type OptionSpec, type OptionUse, type RuleContext, type XtValue } from './spec.ts';
import { findTarget, STANDARD_TARGETS } from './targets.ts';
import { quoteWord, type Token } from './tokenize.ts';
import { protocolNumber, protocolValue } from './values.ts';

export const BUILTIN_CHAINS: Readonly<Record<string, readonly string[]>> = {
  filter: ['INPUT', 'FORWARD', 'OUTPUT'],
  nat: ['PREROUTING', 'INPUT', 'OUTPUT', 'POSTROUTING'],
  mangle: ['PREROUTING', 'INPUT', 'FORWARD', 'OUTPUT', 'POSTROUTING'],
  raw: ['PREROUTING', 'OUTPUT'],
  security: ['INPUT', 'FORWARD', 'OUTPUT'],
};

export function isBuiltinChain(table: string, chain: string): boolean {
  return BUILTIN_CHAINS[table]?.includes(chain) ?? false;
}

export interface RuleInput {
  readonly tokens: readonly Token[];
  readonly family: AddrFamily;
  readonly table: string;
  readonly chain: string;
  readonly bag: DiagnosticBag;
  /** The line is the last one of a text that ends without COMMIT: a missing argument means truncation. */
  readonly atEnd: boolean;
  /** Inside a `*table` block (then `-t` is refused). */
  readonly inTableBlock: boolean;
  readonly chainExists: (name: string) => boolean;
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

const BASE_LONG: Readonly<Record<string, BaseId>> = {
  source: 's', src: 's', destination: 'd', dst: 'd', protocol: 'p', 'in-interface': 'i', 'out-interface': 'o',
  jump: 'j', goto: 'g', match: 'm', fragment: 'f', 'set-counters': 'c', table: 't', ipv4: '4', ipv6: '6',
};
const BASE_SHORT = new Set<string>(['s', 'd', 'p', 'i', 'o', 'j', 'g', 'm', 'f', 'c', 't', '4', '6']);
const BASE_NO_ARG = new Set<BaseId>(['f', '4', '6']);
const BASE_INVERTIBLE = new Set<BaseId>(['s', 'd', 'p', 'i', 'o', 'f']);

interface BaseValue {
  readonly negated: boolean;
  readonly range: SourceRange;
  readonly nameRange: SourceRange;
  readonly argRange?: SourceRange;
  readonly args: readonly string[];
}

type Resolved =
  | { readonly kind: 'base'; readonly id: BaseId; readonly name: string }
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

export function parseRule(input: RuleInput): RuleOutput {
  const { tokens, family, bag } = input;
  let errors = 0;
  const report = (def: MessageDef, range: SourceRange, ...args: (string | number)[]) => {
    if (def.severity === 'error') errors++;
    bag.add({ severity: def.severity, code: def.code, message: formatMessage(def, args), range });
  };

  const modules: ModuleUse[] = []; // matches and the target module, in load order
  const base = new Map<BaseId, BaseValue>();
  const opaques: { text: string; range: SourceRange }[] = [];
  const args: string[] = [];
  let target: TargetState | undefined;
  let counters: { packets: number; bytes: number } | undefined;
  let countersRange: SourceRange | undefined;
  let onlyFamily: AddrFamily | undefined;
  let tableOpt: { name: string; range: SourceRange } | undefined;
  let pendingNeg: Token | undefined;
  let unquotedCommentWarned = false;

  const fail = (range: SourceRange, text: string) => {
    opaques.push({ text, range });
  };

  /** Options are searched in the base table, then the modules newest first (libxtables merges the newest
   *  module's options in front); unambiguous prefixes are accepted like getopt_long does. */
  const resolveLong = (name: string): Resolved => {
    const b = BASE_LONG[name];
    if (b) return { kind: 'base', id: b, name };
    for (let i = modules.length - 1; i >= 0; i--) {
      const mod = modules[i] as ModuleUse;
      if (!mod.spec) continue;
      for (const spec of mod.spec.options) if (spec.name === name) return { kind: 'module', module: mod, spec };
    }
    const candidates: Resolved[] = [];
    const names: string[] = [];
    for (const [n, id] of Object.entries(BASE_LONG)) {
      if (n.startsWith(name) && !candidates.some((c) => c.kind === 'base' && c.id === id)) {
        candidates.push({ kind: 'base', id, name: n });
        names.push(`--${n}`);
      }
    }
    for (let i = modules.length - 1; i >= 0; i--) {
      const mod = modules[i] as ModuleUse;
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
  };

  let i = 0;
  /** The next token, if it can be an argument. */
  const peek = (): Token | undefined => tokens[i];

  let truncated = false;
  const argumentMissing = (optText: string, range: SourceRange) => {
    if (input.atEnd && i >= tokens.length) {
      truncated = true;
      report(MSG.truncated, range, optText);
    } else report(MSG.missingArgument, range, optText);
  };

  /** Takes the arguments of an option. Returns undefined (after reporting) when they are missing. */
  const takeArgs = (
    nargs: 0 | 1 | 2 | 'optional' | 'words',
    inline: string | undefined,
    optToken: Token,
    optText: string,
    invertible: boolean,
  ): { values: string[]; toks: Token[]; negatedInside?: Token } | undefined => {
    if (nargs === 0) {
      if (inline !== undefined) {
        report(MSG.strayArgument, optToken, inline);
        return undefined;
      }
      return { values: [], toks: [] };
    }
    const values: string[] = [];
    const toks: Token[] = [];
    let negatedInside: Token | undefined;
    if (inline !== undefined) values.push(inline);
    if (nargs === 'optional') {
      const t = peek();
      if (values.length === 0 && t && !t.text.startsWith('-') && !(t.text === '!' && !t.quoted)) {
        values.push(t.text);
        toks.push(t);
        i++;
      }
      return { values, toks };
    }
    const want = nargs === 'words' ? 1 : nargs;
    while (values.length < want) {
      const t = peek();
      if (!t) {
        argumentMissing(optText, optToken);
        return undefined;
      }
      if (t.text === '!' && !t.quoted && values.length === 0 && invertible && !negatedInside) {
        negatedInside = t;
        i++;
        continue;
      }
      values.push(t.text);
      toks.push(t);
      i++;
    }
    if (nargs === 'words') {
      // kube-proxy's test dumps write multi-word comments without quotes; take the following bare words.
      let t = peek();
      while (t && !t.quoted && !t.text.startsWith('-') && t.text !== '!') {
        values[0] = `${values[0] ?? ''} ${t.text}`;
        toks.push(t);
        i++;
        t = peek();
        if (!unquotedCommentWarned) {
          unquotedCommentWarned = true;
          report(MSG.unquotedComment, span(optToken, toks[toks.length - 1] as Token));
        }
      }
    }
    return negatedInside ? { values, toks, negatedInside } : { values, toks };
  };

  const ctxNow = (): RuleContext => ({ family, table: input.table, chain: input.chain });

  const loadModule = (kind: 'match' | 'target', name: string, spec: ModuleSpec | undefined, head: Token[], implicit: boolean): ModuleUse => {
    const first = head[0] as Token;
    const last = head[head.length - 1] as Token;
    const m: ModuleUse = { kind, name, spec, opts: [], raw: [], headRange: span(first, last), tokens: [...head], implicit };
    modules.push(m);
    return m;
  };

  while (i < tokens.length) {
    const tok = tokens[i] as Token;
    i++;
    const t = tok.text;
    if (t === '!' && !tok.quoted) {
      if (pendingNeg) report(MSG.doubleNegation, tok);
      pendingNeg = tok;
      continue;
    }
    const neg = pendingNeg;
    pendingNeg = undefined;
    const startRange: SourceRange = neg ? span(neg, tok) : tok;

    let resolved: Resolved;
    let inline: string | undefined;
    let optText: string;
    if (t.startsWith('--') && t.length > 2) {
      const eq = t.indexOf('=');
      const name = eq < 0 ? t.slice(2) : t.slice(2, eq);
      if (eq >= 0) inline = t.slice(eq + 1);
      optText = `--${name}`;
      resolved = resolveLong(name);
      if (resolved.kind === 'unknown' && input.family) {
        // libxtables: an unknown option with `-p PROTO` loads the protocol's match and tries again.
        const proto = base.get('p');
        const protoNum = proto ? protocolNumber(proto.args[0] ?? '') : undefined;
        const implicitName = protoNum !== undefined ? implicitMatchName(protoNum, family) : undefined;
        if (implicitName && !modules.some((m) => m.name === implicitName && m.kind === 'match')) {
          const spec = findMatch(implicitName, family);
          if (spec && spec.options.some((o) => o.name === name || o.name.startsWith(name))) {
            loadModule('match', implicitName, spec, [tok], true).tokens.length = 0;
            resolved = resolveLong(name);
          }
        }
      }
      if (resolved.kind === 'unknown') {
        // An option after an unknown extension belongs to it (its options are kept raw).
        for (let k = modules.length - 1; k >= 0; k--) {
          const mod = modules[k] as ModuleUse;
          if (!mod.spec) {
            resolved = { kind: 'raw', module: mod, name };
            break;
          }
        }
        if (resolved.kind === 'unknown' && target?.kind === 'chain' && !target.goto && !input.chainExists(target.name)) {
          // `-j FOO --foo-opt`: FOO is an extension target nflens does not know.
          const jumpRange = target.range;
          const mod = loadModule('target', target.name, undefined, tokens.filter((x) => x.start >= jumpRange.start && x.end <= jumpRange.end), false);
          report(MSG.unknownTarget, jumpRange, target.name);
          target = { kind: 'module', module: mod };
          resolved = { kind: 'raw', module: mod, name };
        }
      }
    } else if (t.startsWith('-') && t.length >= 2 && (t[1] === '4' || t[1] === '6' || !/\d/.test(t[1] as string))) {
      const letter = t[1] as string;
      optText = `-${letter}`;
      if (BASE_SHORT.has(letter)) {
        resolved = { kind: 'base', id: letter as BaseId, name: letter };
        if (t.length > 2) inline = t.slice(2);
      } else resolved = { kind: 'unknown' };
    } else {
      report(MSG.strayArgument, tok, t);
      fail(tok, t);
      continue;
    }

    if (resolved.kind === 'ambiguous') {
      report(MSG.ambiguousOption, tok, optText, resolved.names.join(', '));
      fail(startRange, t);
      continue;
    }
    if (resolved.kind === 'unknown') {
      const hint = target?.kind === 'chain' ? ` (after '-j ${target.name}', which is not a target with options)` : '';
      report(MSG.unknownOption, tok, optText, hint);
      // Skip what looks like its arguments so that one mistake gives one error.
      let end: SourceRange = tok;
      while (i < tokens.length && !(tokens[i] as Token).text.startsWith('-') && (tokens[i] as Token).text !== '!') end = tokens[i++] as Token;
      fail(span(startRange, end), t);
      continue;
    }

    if (resolved.kind === 'raw') {
      const values: string[] = inline !== undefined ? [inline] : [];
      let end: SourceRange = tok;
      const toks: Token[] = [tok];
      while (i < tokens.length && !(tokens[i] as Token).text.startsWith('-') && !((tokens[i] as Token).text === '!' && !(tokens[i] as Token).quoted)) {
        const a = tokens[i++] as Token;
        values.push(a.text);
        toks.push(a);
        end = a;
      }
      resolved.module.raw.push({ name: resolved.name, args: values, negated: !!neg, range: span(startRange, end) });
      resolved.module.tokens.push(...(neg ? [neg] : []), ...toks);
      args.push(...(neg ? ['!'] : []), ...toks.map((x) => x.text));
      continue;
    }

    if (resolved.kind === 'base') {
      const id = resolved.id;
      const nargs = id === 'c' ? (inline !== undefined && inline.includes(',') ? 1 : (peek()?.text.includes(',') ? 1 : 2)) : BASE_NO_ARG.has(id) ? 0 : 1;
      const taken = takeArgs(nargs, inline, tok, optText, BASE_INVERTIBLE.has(id));
      if (!taken) {
        fail(startRange, t);
        continue;
      }
      let negated = !!neg;
      if (taken.negatedInside) {
        negated = true;
        report(MSG.intrapositionedNegation, taken.negatedInside, optText);
      }
      const lastTok = taken.toks[taken.toks.length - 1];
      const range = lastTok ? span(startRange, lastTok) : startRange;
      const argRange = taken.toks.length ? span(taken.toks[0] as Token, lastTok as Token) : inline !== undefined ? tok : undefined;
      if (negated && !BASE_INVERTIBLE.has(id)) {
        report(MSG.notInvertible, neg ?? tok, optText);
        fail(range, t);
        continue;
      }
      const bv: BaseValue = argRange ? { negated, range, nameRange: tok, argRange, args: taken.values } : { negated, range, nameRange: tok, args: taken.values };
      const wordsOf = () => [...(neg ? ['!'] : []), ...(inline !== undefined ? [`-${id}`, inline] : [tok.text]), ...taken.toks.map((x) => x.text)];
      switch (id) {
        case 'c': {
          const parts = taken.values.length === 1 ? (taken.values[0] ?? '').split(',') : taken.values;
          const [p, b] = parts;
          if (parts.length !== 2 || !/^\d+$/.test(p ?? '') || !/^\d+$/.test(b ?? '')) {
            report(MSG.badArgument, range, optText, taken.values.join(' '), 'expected PACKETS BYTES');
            break;
          }
          counters = { packets: Number(p), bytes: Number(b) };
          countersRange = range;
          break;
        }
        case 't':
          if (input.inTableBlock) report(MSG.tableOptionInRestore, range);
          else tableOpt = { name: taken.values[0] ?? '', range };
          break;
        case '4':
        case '6':
          onlyFamily = id === '4' ? 'ip' : 'ip6';
          args.push(...wordsOf());
          break;
        case 'm': {
          const name = taken.values[0] ?? '';
          const head = [tok, ...taken.toks];
          args.push(...wordsOf());
          const spec = findMatch(name, family);
          if (spec === null) {
            report(MSG.matchFamily, range, name, family === 'ip' ? 'IPv4' : 'IPv6');
            fail(range, `-m ${name}`);
            loadModule('match', name, undefined, head, false);
          } else {
            if (spec === undefined) report(MSG.unknownMatch, range, name);
            else if (spec.opaque) report(MSG.opaqueMatch, range, name, spec.opaque);
            loadModule('match', name, spec, head, false);
          }
          break;
        }
        case 'j':
        case 'g': {
          const name = taken.values[0] ?? '';
          args.push(...wordsOf());
          if (target) {
            report(MSG.twoTargets, range, name, target.kind === 'module' ? target.module.name : target.name);
            break;
          }
          if (name === '') {
            report(MSG.badArgument, range, optText, name, 'empty target');
            break;
          }
          if (id === 'g') {
            if (STANDARD_TARGETS.has(name) || findTarget(name, family)) report(MSG.gotoTarget, range, name);
            else if (isBuiltinChain(input.table, name)) report(MSG.jumpToBuiltin, range, name);
            target = { kind: 'chain', name, goto: true, range };
            break;
          }
          if (STANDARD_TARGETS.has(name)) {
            target = { kind: 'standard', name, range };
            break;
          }
          const spec = findTarget(name, family);
          if (spec === null) {
            report(MSG.targetFamily, range, name, family === 'ip' ? 'IPv4' : 'IPv6');
            target = { kind: 'module', module: loadModule('target', name, undefined, [tok, ...taken.toks], false) };
          } else if (spec) target = { kind: 'module', module: loadModule('target', name, spec, [tok, ...taken.toks], false) };
          else {
            if (isBuiltinChain(input.table, name)) report(MSG.jumpToBuiltin, range, name);
            target = { kind: 'chain', name, goto: false, range };
          }
          break;
        }
        default: {
          if (base.has(id)) {
            report(MSG.repeatedOption, range, optText);
            fail(range, t);
            break;
          }
          if (id === 'f' && family === 'ip6') {
            report(MSG.wrongFamily, range, optText, 'IPv4');
            fail(range, t);
            break;
          }
          if (!checkBase(id, bv, optText)) {
            fail(range, wordsOf().join(' '));
            break;
          }
          base.set(id, bv);
          args.push(...wordsOf());
        }
      }
      continue;
    }

    // an option of a loaded module
    const { module: mod, spec } = resolved;
    const nargs = spec.nargs ?? (spec.parse ? 1 : 0);
    const taken = takeArgs(nargs, inline, tok, optText, !!spec.invert);
    if (!taken) {
      fail(startRange, t);
      continue;
    }
    let negated = !!neg;
    if (taken.negatedInside) {
      negated = true;
      report(MSG.intrapositionedNegation, taken.negatedInside, optText);
    }
    const lastTok = taken.toks[taken.toks.length - 1];
    const range = lastTok ? span(startRange, lastTok) : startRange;
    const argRange = taken.toks.length ? span(taken.toks[0] as Token, lastTok as Token) : inline !== undefined ? tok : undefined;
    const canonical = `--${spec.name}`;
    const words = nargs === 'words' ? [canonical, taken.values.join(' ')] : [canonical, ...taken.values];
    args.push(...(negated ? ['!'] : []), ...words);
    mod.tokens.push(...(neg ? [neg] : []), tok, ...taken.toks);
    if (negated && !spec.invert) {
      report(MSG.notInvertible, neg ?? taken.negatedInside ?? tok, canonical);
      fail(range, t);
      continue;
    }
    // Aliases share a key (`--dport`/`--destination-port`): giving both is a repeat too.
    if (!spec.multi && mod.opts.some((x) => x.spec.name === spec.name || (spec.key !== undefined && x.spec.key === spec.key))) {
      report(MSG.repeatedOption, range, canonical);
      fail(range, t);
      continue;
    }
    let v: XtValue | ValueError = true;
    if (spec.parse) v = spec.parse(taken.values, ctxNow());
    if (v instanceof ValueError) {
      report(MSG.badArgument, argRange ?? range, canonical, taken.values.join(' '), v.message);
      fail(range, words.join(' '));
      continue;
    }
    const use: OptionUse = argRange
      ? { spec, value: v, negated, args: taken.values, range, nameRange: tok, argRange }
      : { spec, value: v, negated, args: taken.values, range, nameRange: tok };
    mod.opts.push(use);
  }
  if (pendingNeg) report(MSG.danglingNegation, pendingNeg);

  // ── checks that need the whole rule ──
  const protoBase = base.get('p');
  const protoNum = protoBase ? protocolNumber(protoBase.args[0] ?? '') : undefined;
  const ctx: RuleContext = protoNum !== undefined && protoBase ? { ...ctxNow(), proto: { num: protoNum, negated: protoBase.negated } } : ctxNow();
  const builtin = isBuiltinChain(input.table, input.chain);
  for (const mod of modules) {
    // A cut-off rule misses options by definition: its module checks would only repeat that.
    if (!mod.spec || truncated) continue;
    const before = errors;
    checkModule(mod, mod.spec, ctx, builtin, report);
    if (errors > before) fail(moduleRange(mod), moduleText(mod));
  }

  // ── statements ──
  const stmts: Stmt[] = [];
  let comment: string | undefined;
  const iif = base.get('i');
  const oif = base.get('o');
  for (const [bv, key] of [[iif, 'iifname'], [oif, 'oifname']] as const) {
    if (!bv) continue;
    const name = bv.args[0] ?? '';
    // `eth+` is a prefix match: nft writes it `eth*` (a literal `*` is escaped).
    const nftName = name.endsWith('+') ? `${name.slice(0, -1).replace(/\*/g, '\\*')}*` : name.replace(/\*/g, '\\*');
    if (nftName === '*' && !bv.negated) continue;
    stmts.push(match(bv.negated ? '!=' : '==', meta(key, bv.nameRange), value(nftName, bv.argRange), bv.range));
  }
  if (protoBase && protoNum !== undefined && protoNum !== 0) {
    stmts.push(match(protoBase.negated ? '!=' : '==', meta('l4proto', protoBase.nameRange), value(protocolValue(protoNum), protoBase.argRange), protoBase.range));
  }
  for (const [id, field] of [['s', 'saddr'], ['d', 'daddr']] as const) {
    const bv = base.get(id);
    if (!bv) continue;
    const s = addressListMatch(payload(family, field, bv.nameRange), bv, family);
    if (s) stmts.push(s);
  }
  const frag = base.get('f');
  if (frag) {
    // -f: "second and further fragments" (iptables-translate: ip frag-off & 0x1fff != 0)
    stmts.push(match(frag.negated ? '==' : '!=', binop('&', payload('ip', 'frag-off', frag.nameRange), value(0x1fff), frag.range), value(0), frag.range));
  }
  for (const o of opaques) stmts.push({ kind: 'opaque', text: o.text, range: o.range });

  const tctx = { ...ctx, problem: (message: string, range: SourceRange) => report(MSG.moduleCheck, range, 'translation', message) };
  let targetStmts: Stmt[] = [];
  for (const mod of modules) {
    if (mod.kind === 'match' && mod.name === 'comment' && mod.spec) {
      for (const o of mod.opts) comment = comment === undefined ? String(o.value) : `${comment}; ${String(o.value)}`;
      continue;
    }
    const translated = mod.spec?.translate ? safeTranslate(mod, mod.spec, tctx) : undefined;
    const out = translated ?? [xtNode(mod, ctx)];
    if (mod.kind === 'match') stmts.push(...out);
    else targetStmts = out;
  }
  // Every iptables rule counts packets; iptables-nft adds a counter before the target.
  stmts.push(counters && countersRange ? { kind: 'counter', packets: counters.packets, bytes: counters.bytes, range: countersRange } : { kind: 'counter' });
  if (target?.kind === 'standard') {
    const vk = target.name.toLowerCase();
    if (vk === 'queue') stmts.push({ kind: 'queue', num: value(0), range: target.range });
    else stmts.push({ kind: 'verdict', verdict: { kind: vk as 'accept' | 'drop' | 'return' }, range: target.range });
  } else if (target?.kind === 'chain') {
    stmts.push({ kind: 'verdict', verdict: { kind: target.goto ? 'goto' : 'jump', target: target.name }, range: target.range });
  } else stmts.push(...targetStmts);

  const out: { -readonly [K in keyof RuleOutput]: RuleOutput[K] } = { stmts, args, errors };
  if (comment !== undefined) out.comment = comment;
  if (counters) out.counters = counters;
  if (countersRange) out.countersRange = countersRange;
  if (onlyFamily) out.onlyFamily = onlyFamily;
  if (tableOpt) out.table = tableOpt;
  return out;

  function checkBase(id: BaseId, bv: BaseValue, optText: string): boolean {
    const arg = bv.args[0] ?? '';
    const r = bv.argRange ?? bv.range;
    switch (id) {
      case 's':
      case 'd':
        for (const part of arg.split(',')) {
          const a = parseMaskedAddress(part, family);
          if (typeof a === 'string') {
            report(MSG.badAddress, r, part, `: ${a}`);
            return false;
          }
        }
        return true;
      case 'p': {
        const n = protocolNumber(arg);
        if (n === undefined) {
          report(MSG.unknownProtocol, r, arg);
          return false;
        }
        if (n === 0 && bv.negated) {
          report(MSG.neverMatches, bv.range, `'! ${optText} ${arg}'`);
          return false;
        }
        return true;
      }
      case 'i':
      case 'o':
        if (arg.length > 15) {
          report(MSG.interfaceTooLong, r, arg);
          return false;
        }
        if (arg === '') {
          report(MSG.badArgument, bv.range, optText, arg, 'empty interface name');
          return false;
        }
        return true;
      default:
        return true;
    }
  }
}

function safeTranslate(mod: ModuleUse, spec: ModuleSpec, ctx: RuleContext & { problem: (m: string, r: SourceRange) => void }): Stmt[] | undefined {
  try {
    return spec.translate?.(mod, ctx);
  } catch {
    // A translation bug must not lose the rule: keep the module as xt.
    return undefined;
  }
}

function checkModule(
  mod: ModuleUse,
  spec: ModuleSpec,
  ctx: RuleContext,
  builtin: boolean,
  report: (def: MessageDef, range: SourceRange, ...args: (string | number)[]) => void,
): void {
  const what = `${spec.kind === 'match' ? 'match' : 'target'} ${spec.name}`;
  const where = moduleRange(mod);
  if (spec.protos && !(ctx.proto && !ctx.proto.negated && spec.protos.includes(ctx.proto.num))) {
    report(MSG.needsProtocol, mod.headRange, what, spec.protosText ?? spec.name);
  }
  if (spec.tables && !spec.tables.includes(ctx.table)) {
    report(MSG.targetTable, mod.headRange, spec.name, spec.tables.join(' or '));
  } else if (spec.hooks && builtin && !spec.hooks.includes(ctx.chain)) {
    report(MSG.hookNotAllowed, mod.headRange, what, ctx.chain, ctx.table, spec.hooks.join(', '));
  }
  for (const o of spec.options) {
    if (o.mand && !mod.opts.some((u) => u.spec === o)) report(MSG.missingOption, where, `${what} needs --${o.name}`);
  }
  if (spec.needsOne && !mod.opts.some((u) => spec.needsOne?.includes(u.spec.name))) {
    report(MSG.missingOption, where, `${what} needs one of ${spec.needsOne.map((n) => `--${n}`).join(', ')}`);
  }
  for (const u of mod.opts) {
    for (const x of u.spec.excl ?? []) {
      if (x !== u.spec.name && mod.opts.some((w) => w.spec.name === x && w.range.start > u.range.start)) report(MSG.conflictingOptions, u.range, `--${u.spec.name}`, `--${x}`);
    }
    for (const a of u.spec.also ?? []) {
      if (!mod.opts.some((w) => w.spec.name === a)) report(MSG.missingOption, u.range, `--${u.spec.name} needs --${a}`);
    }
  }
  const problem = spec.check?.(mod, ctx);
  if (problem) report(MSG.moduleCheck, where, what, problem);
}

/** The `xt` node for a module nflens keeps as an extension: structured options plus its text. */
function xtNode(mod: ModuleUse, ctx: RuleContext): Stmt {
  const options: Record<string, XtOption> = {};
  const put = (key: string, v: XtValue, negated: boolean) => {
    let k = key;
    for (let n = 2; k in options; n++) k = `${key}#${n}`;
    options[k] = negated ? { value: v, negated: true } : { value: v };
  };
  for (const o of mod.opts) {
    if (!o.negated && o.spec.omitIf?.(o.value)) continue;
    if (o.spec.expand) o.spec.expand(o.value).forEach(([k, v], idx) => put(k, v, idx === 0 && o.negated));
    else put(optionKey(o.spec), o.value, o.negated);
  }
  for (const r of mod.raw) put(r.name, r.args.length === 0 ? true : r.args.length === 1 ? (r.args[0] ?? '') : r.args, r.negated);
  const defaults = typeof mod.spec?.defaults === 'function' ? mod.spec.defaults(ctx) : (mod.spec?.defaults ?? {});
  for (const [k, v] of Object.entries(defaults)) if (!(k in options)) options[k] = { value: v };
  const range = moduleRange(mod);
  const text = moduleText(mod);
  if (mod.kind === 'target') return { kind: 'xt', type: 'target', name: mod.name, options, text, range };
  const left: Expr = { kind: 'xt', name: mod.name, options, text, range };
  return match('==', left, value(true), range);
}

function moduleText(mod: ModuleUse): string {
  return mod.tokens.map((t) => (t.text === '!' && !t.quoted ? '!' : quoteWord(t.text))).join(' ');
}

/** `-s a,b` is a list (iptables adds one rule per address; one set lookup means the same). */
function addressListMatch(left: Expr, bv: BaseValue, family: AddrFamily): Stmt | undefined {
  const parts = (bv.args[0] ?? '').split(',');
  const hosts: string[] = [];
  for (const part of parts) {
    const a = parseMaskedAddress(part, family);
    if (typeof a === 'string') return undefined;
    hosts.push(a.prefix === a.bits ? a.addr : a.prefix !== undefined ? `${a.addr}/${a.prefix}` : `${a.addr}/${a.mask}`);
  }
  if (hosts.length === 1) return addressMatch(left, hosts[0] ?? '', bv.negated, bv.range, bv.argRange);
  const items: Expr[] = [];
  for (const h of hosts) {
    const slash = h.indexOf('/');
    if (slash < 0) items.push(value(h, bv.argRange));
    else if (/^\d+$/.test(h.slice(slash + 1))) items.push(prefix(h.slice(0, slash), Number(h.slice(slash + 1)), bv.argRange));
    else return { kind: 'opaque', text: `${bv.negated ? '! ' : ''}${bv.args[0] ?? ''}`, range: bv.range };
  }
  return match(bv.negated ? '!=' : '==', left, set(items, bv.argRange), bv.range);
}
