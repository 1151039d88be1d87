// iptables-save / iptables-restore / `iptables -S` text → IR tables. Owns the line level: `*table` blocks,
// `:CHAIN POLICY [p:b]` declarations, the commands (-A -I -D -R -N -X -F -Z -P -E) applied in order the way
// iptables-restore applies them, COMMIT, `[p:b]` counters and the comments iptables-save writes. One rule
// specification is read by rule.ts. Recovery is per line: a bad line is reported and the next one read.
// Imports the IR types, priorities, the diagnostics bag and the iptables modules.
import { meterFor, type ProgressListener } from '../progress.ts';
import type { BaseChainSpec, Chain, Diagnostic, Rule, Ruleset, SourceRange, Stmt, Table, TableOrigin } from '../../model/ir.ts';
import { IPTABLES_HOOK_OF, iptablesChainPriority } from '../../model/priorities.ts';
import { DiagnosticBag } from '../diagnostics.ts';
import type { AddrFamily } from './address.ts';
import { detectFamilies, type BlockInfo } from './family.ts';
import { formatMessage, MSG, type MessageDef } from './messages.ts';
import { BUILTIN_CHAINS, isBuiltinChain, parseRule } from './rule.ts';
import { tokenizeLine, type Token } from './tokenize.ts';

export interface IptablesParseOptions {
  /** Force the family instead of detecting it (ip for iptables-save, ip6 for ip6tables-save). */
  readonly family?: AddrFamily;
  /** Hears the share of the text read (reading the lines is nearly all of the work). */
  readonly onProgress?: ProgressListener;
}

export interface IptablesParseResult {
  readonly ruleset: Ruleset;
  readonly diagnostics: readonly Diagnostic[];
}

interface ChainBuilder {
  name: string;
  base?: BaseChainSpec;
  rules: Rule[];
  counters?: { packets: number; bytes: number };
  range: SourceRange;
  /** Declared in the current `*table` block (a second declaration there is a mistake). */
  declaredInBlock: number;
}

interface TableBuilder {
  family: AddrFamily;
  name: string;
  origin: TableOrigin;
  chains: Map<string, ChainBuilder>;
  range: SourceRange;
  /** A rule jumped to a chain missing at the time, or a chain was renamed: only then can a jump be left
   *  without its chain at the end (-X refuses a chain that rules jump to), so only then is it checked. */
  jumpsToCheck: boolean;
  /** The chains that rules jump or go to, worked out when a -X asks and kept until a command changes rules:
   *  kube-proxy's restore input deletes hundreds of stale chains in a row, and one scan of every rule per
   *  -X was quadratic (13 s for 2 000 deletions in a 1 000-Service dump). */
  referenced: Set<string> | undefined;
}

/** A Map (one hash lookup per line's first word; see BASE_LONG in rule.ts). */
const COMMANDS: ReadonlyMap<string, string> = new Map([
  ['-A', 'A'], ['--append', 'A'], ['-I', 'I'], ['--insert', 'I'], ['-D', 'D'], ['--delete', 'D'], ['-R', 'R'], ['--replace', 'R'],
  ['-N', 'N'], ['--new-chain', 'N'], ['-X', 'X'], ['--delete-chain', 'X'], ['-F', 'F'], ['--flush', 'F'], ['-Z', 'Z'], ['--zero', 'Z'],
  ['-P', 'P'], ['--policy', 'P'], ['-E', 'E'], ['--rename-chain', 'E'], ['-L', 'L'], ['--list', 'L'], ['-S', 'S'], ['--list-rules', 'S'],
  ['-C', 'C'], ['--check', 'C'],
]);

const NO_TOKENS: readonly Token[] = [];
const PROGRAM = /^(?:sudo|ip6?tables(?:-legacy|-nft)?(?:-restore)?)$/;
const TABLE_NAMES = new Set(Object.keys(BUILTIN_CHAINS));

export function parseIptablesText(text: string, options: IptablesParseOptions = {}): IptablesParseResult {
  const bag = new DiagnosticBag();
  const report = (def: MessageDef, range: SourceRange, ...args: (string | number)[]) =>
    bag.add({ severity: def.severity, code: def.code, message: formatMessage(def, args), range });

  const info = detectFamilies(text, options.family);
  const blockAt = new Map<number, BlockInfo>(info.blocks.map((b) => [b.start, b]));
  const tables: TableBuilder[] = [];
  const tableIndex = new Map<string, TableBuilder>();
  let current: TableBuilder | undefined;
  let currentStartLine: SourceRange | undefined;
  let blockNumber = 0;
  let sawTableHeader = false;
  let implicitTable: TableBuilder | undefined;
  let legacyFlag = false;

  // The last line with content: a missing argument there, with no COMMIT after, means a cut-off paste.
  let lastContent = text.length;
  while (lastContent > 0 && /\s/.test(text[lastContent - 1] ?? '')) lastContent--;
  const lastLineStart = text.lastIndexOf('\n', lastContent - 1) + 1;

  const getTable = (family: AddrFamily, name: string, origin: TableOrigin, range: SourceRange): TableBuilder => {
    const key = `${family} ${name}`;
    let t = tableIndex.get(key);
    if (!t) {
      t = { family, name, origin, chains: new Map(), range, jumpsToCheck: false, referenced: undefined };
      tableIndex.set(key, t);
      tables.push(t);
    } else t.range = { start: Math.min(t.range.start, range.start), end: Math.max(t.range.end, range.end) };
    return t;
  };

  const makeChain = (table: TableBuilder, name: string, range: SourceRange): ChainBuilder => {
    // base and counters present from the start: one shape for every chain builder.
    const chain: ChainBuilder = { name, base: undefined, rules: [], counters: undefined, range, declaredInBlock: -1 };
    if (isBuiltinChain(table.name, name)) {
      const hook = IPTABLES_HOOK_OF[name] ?? name.toLowerCase();
      const type: BaseChainSpec['type'] = table.name === 'nat' ? 'nat' : table.name === 'mangle' && name === 'OUTPUT' ? 'route' : 'filter';
      chain.base = { type, hook, priority: { value: iptablesChainPriority(table.name, name) ?? 0 } };
    }
    table.chains.set(name, chain);
    return chain;
  };

  /** The table a command line applies to: the open `*table` block, or (for `iptables -S` listings without
   *  headers) an implicit one. */
  const tableForCommand = (range: SourceRange, tableOpt?: string): TableBuilder | undefined => {
    if (current) return current;
    if (sawTableHeader && !tableOpt) {
      report(MSG.commandOutsideTable, range);
      return undefined;
    }
    const block = info.blocks[0];
    const family = options.family ?? block?.family ?? 'ip';
    const origin = block?.origin ?? 'iptables';
    if (tableOpt) {
      if (!TABLE_NAMES.has(tableOpt)) {
        report(MSG.unknownTable, range, tableOpt);
        return undefined;
      }
      return getTable(family, tableOpt, origin, range);
    }
    if (!implicitTable) {
      const name = guessListingTable(text);
      if (name !== 'filter') report(MSG.assumedTable, range, name);
      implicitTable = getTable(family, name, origin, range);
    }
    implicitTable.range = { start: implicitTable.range.start, end: Math.max(implicitTable.range.end, range.end) };
    return implicitTable;
  };

  // The chain the last rule went to: iptables-save writes a chain's rules together, so most rules need no
  // lookup (in a table of 100 000 chains each lookup is a few cache misses). Forgotten when a chain is
  // deleted or renamed.
  let lastTable: TableBuilder | undefined;
  let lastChain: ChainBuilder | undefined;
  const forgetLastChain = (): void => {
    lastTable = undefined;
    lastChain = undefined;
  };

  const ensureChain = (table: TableBuilder, name: string, range: SourceRange, warn: boolean): ChainBuilder => {
    if (lastChain && lastTable === table && lastChain.name === name) return lastChain;
    let chain = table.chains.get(name);
    if (!chain) {
      if (warn && !isBuiltinChain(table.name, name)) report(MSG.undeclaredChain, range, name);
      chain = makeChain(table, name, range);
    }
    lastTable = table;
    lastChain = chain;
    return chain;
  };

  const meter = meterFor(text, options.onProgress, 0.95);
  let pos = 0;
  while (pos < text.length) {
    let end = text.indexOf('\n', pos);
    if (end < 0) end = text.length;
    const lineStart = pos;
    if (meter && lineStart >= meter.next) meter.at(lineStart);
    pos = end + 1;
    let s = lineStart;
    while (s < end && (text.charCodeAt(s) === 32 || text.charCodeAt(s) === 9)) s++;
    let e = end;
    while (e > s && isSpaceAt(text, e - 1)) e--;
    if (s >= e) continue;
    const lineRange: SourceRange = { start: s, end: e };
    const first = text[s];

    if (first === '#') {
      const line = text.slice(s, e);
      if (/iptables-legacy tables present/.test(line)) {
        legacyFlag = true;
        report(MSG.legacyTablesPresent, lineRange);
      } else {
        const inc = /^#\s*Table `([^']+)' (?:contains incompatible base-chains|is incompatible)/.exec(line);
        if (inc) report(MSG.incompatibleTable, lineRange, inc[1] ?? '');
      }
      continue;
    }

    if (first === '*') {
      sawTableHeader = true;
      if (current && currentStartLine) report(MSG.missingCommit, currentStartLine, current.name);
      const name = text.slice(s + 1, e).trim().split(/\s+/)[0] ?? '';
      blockNumber++;
      if (!TABLE_NAMES.has(name)) {
        report(MSG.unknownTable, lineRange, name);
        current = undefined;
        currentStartLine = undefined;
        // Skip the block: its lines would be reported one by one otherwise.
        let next = pos;
        while (next < text.length) {
          let le = text.indexOf('\n', next);
          if (le < 0) le = text.length;
          const l = text.slice(next, le).trim();
          if (l === 'COMMIT' || l.startsWith('*')) break;
          next = le + 1;
        }
        if (text.slice(next).trimStart().startsWith('COMMIT')) {
          const le = text.indexOf('\n', next);
          pos = le < 0 ? text.length : le + 1;
        } else pos = next;
        continue;
      }
      const block = blockAt.get(lineStart) ?? blockAt.get(s);
      current = getTable(options.family ?? block?.family ?? 'ip', name, block?.origin ?? 'iptables', lineRange);
      currentStartLine = lineRange;
      continue;
    }

    if (first === 'C' && text.slice(s, e) === 'COMMIT') {
      if (!current) report(MSG.commitOutsideTable, lineRange);
      else current.range = { start: current.range.start, end: e };
      current = undefined;
      currentStartLine = undefined;
      continue;
    }

    const tok = tokenizeLine(text, s, e);
    if (tok.unclosedQuote !== undefined) {
      report(MSG.unclosedQuote, { start: tok.unclosedQuote, end: tok.unclosedQuote + 1 });
      continue;
    }
    let tokens = tok.tokens;

    if (first === ':') {
      if (!current) {
        report(MSG.chainOutsideTable, lineRange);
        continue;
      }
      declareChain(current, tokens, lineRange);
      continue;
    }

    // `[packets:bytes] -A …` (iptables-save -c)
    let prefixCounters: { packets: number; bytes: number } | undefined;
    let prefixRange: SourceRange | undefined;
    const t0 = tokens[0];
    if (t0 && t0.text.startsWith('[')) {
      const c = /^\[(\d+):(\d+)\]$/.exec(t0.text);
      if (!c) report(MSG.badCounters, t0, t0.text);
      else {
        prefixCounters = { packets: Number(c[1]), bytes: Number(c[2]) };
        prefixRange = { start: t0.start, end: t0.end };
      }
      tokens = tokens.slice(1);
    }
    while (tokens.length && !(tokens[0] as Token).text.startsWith('-') && PROGRAM.test((tokens[0] as Token).text)) tokens = tokens.slice(1);
    if (tokens.length === 0 || !(tokens[0] as Token).text.startsWith('-')) {
      report(MSG.unexpectedLine, lineRange, text.slice(s, Math.min(e, s + 60)));
      continue;
    }
    runCommand(tokens, lineRange, prefixCounters, prefixRange, lineStart === lastLineStart && !!current);
  }
  if (current && currentStartLine) report(MSG.missingCommit, currentStartLine, current.name);

  const ruleset = buildRuleset();
  checkJumps(ruleset);
  return { ruleset: legacyFlag ? { ...ruleset, legacyTablesPresent: true } : ruleset, diagnostics: bag.items };

  function declareChain(table: TableBuilder, tokens: Token[], lineRange: SourceRange): void {
    const head = tokens[0] as Token;
    const name = head.text.slice(1);
    if (name === '') {
      report(MSG.missingChainName, head);
      return;
    }
    const nameRange = { start: head.start + 1, end: head.end };
    let policyTok = tokens[1];
    let countersTok = tokens[2];
    if (policyTok && policyTok.text.startsWith('[')) {
      report(MSG.missingPolicy, nameRange, name);
      countersTok = policyTok;
      policyTok = undefined;
    } else if (!policyTok) report(MSG.missingPolicy, nameRange, name);
    const existing = table.chains.get(name);
    if (existing && existing.declaredInBlock === blockNumber) report(MSG.duplicateChain, nameRange, name);
    const chain = existing ?? makeChain(table, name, lineRange);
    chain.declaredInBlock = blockNumber;
    if (!existing) chain.range = lineRange;
    const policy = policyTok?.text;
    if (policy !== undefined && policy !== '-') {
      if (!chain.base) report(MSG.policyOnUserChain, policyTok as Token, name, table.name, policy);
      else if (policy === 'ACCEPT' || policy === 'DROP') chain.base = { ...chain.base, policy: policy === 'ACCEPT' ? 'accept' : 'drop' };
      else report(MSG.badPolicy, policyTok as Token, policy);
    }
    if (countersTok) {
      const c = /^\[(\d+):(\d+)\]$/.exec(countersTok.text);
      if (c) chain.counters = { packets: Number(c[1]), bytes: Number(c[2]) };
      else report(MSG.badCounters, countersTok, countersTok.text);
    }
  }

  function runCommand(tokens: Token[], lineRange: SourceRange, prefixCounters: { packets: number; bytes: number } | undefined, prefixRange: SourceRange | undefined, atEnd: boolean): void {
    // Find the command; `-t TABLE` may come before it in `iptables -t nat -A …` lines.
    let idx = 0;
    let tableOpt: string | undefined;
    let cmd: string | undefined;
    while (idx < tokens.length && (cmd = COMMANDS.get((tokens[idx] as Token).text)) === undefined) {
      const t = (tokens[idx] as Token).text;
      if ((t === '-t' || t === '--table') && idx + 1 < tokens.length) {
        if (current) report(MSG.tableOptionInRestore, span(tokens[idx] as Token, tokens[idx + 1] as Token));
        tableOpt = (tokens[idx + 1] as Token).text;
        idx += 2;
        continue;
      }
      break;
    }
    const cmdTok = tokens[idx];
    if (!cmdTok || !cmd) {
      report(MSG.noCommand, lineRange);
      return;
    }
    // The words after the command are read from `rest[at]` on instead of copying them for every rule; only
    // words before the command other than `-t TABLE` (seldom) need a new array.
    const before = idx === 0 ? NO_TOKENS : tokens.slice(0, idx).filter((t) => t.text !== '-t' && t.text !== '--table' && t.text !== tableOpt);
    const rest = before.length ? [...before, ...tokens.slice(idx + 1)] : tokens;
    let at = before.length ? 0 : idx + 1;
    if (cmd === 'L' || cmd === 'S' || cmd === 'C') {
      report(MSG.unsupportedCommand, cmdTok, cmdTok.text);
      return;
    }
    const table = tableForCommand(lineRange, tableOpt);
    if (!table) return;
    // -N, -P, -Z and -X leave every rule as it was (-X deletes only chains without rules).
    if (cmd !== 'X' && cmd !== 'N' && cmd !== 'P' && cmd !== 'Z') table.referenced = undefined;
    const first = rest[at];
    const chainTok = first && !first.text.startsWith('-') ? first : undefined;
    if (chainTok) at++;
    const needsChain = cmd === 'A' || cmd === 'I' || cmd === 'D' || cmd === 'R' || cmd === 'N' || cmd === 'P' || cmd === 'E';
    if (needsChain && !chainTok) {
      report(MSG.missingChainName, cmdTok);
      return;
    }
    const chainName = chainTok?.text ?? '';
    const chainRange: SourceRange = { start: (chainTok ?? cmdTok).start, end: (chainTok ?? cmdTok).end };
    // an optional rule number after the chain
    let ruleNum: number | undefined;
    let ruleNumTok: Token | undefined;
    const numTok = rest[at];
    if ((cmd === 'I' || cmd === 'D' || cmd === 'R' || cmd === 'Z') && numTok && /^\d+$/.test(numTok.text)) {
      ruleNumTok = numTok;
      ruleNum = Number(numTok.text);
      at++;
      if (ruleNum < 1) {
        report(MSG.badRuleNumber, ruleNumTok, ruleNumTok.text);
        return;
      }
    }

    switch (cmd) {
      case 'N': {
        if (isBuiltinChain(table.name, chainName)) report(MSG.builtinChainOp, chainRange, chainName, table.name, 'it exists already');
        else if (table.chains.has(chainName)) report(MSG.duplicateChain, chainRange, chainName);
        else makeChain(table, chainName, lineRange);
        return;
      }
      case 'P': {
        const policyTok = rest[at];
        if (!policyTok) {
          report(MSG.missingArgument, cmdTok, cmdTok.text);
          return;
        }
        if (!isBuiltinChain(table.name, chainName)) {
          report(MSG.policyOnUserChain, policyTok, chainName, table.name, policyTok.text);
          return;
        }
        const chain = ensureChain(table, chainName, lineRange, false);
        if (policyTok.text === 'ACCEPT' || policyTok.text === 'DROP') chain.base = { ...(chain.base as BaseChainSpec), policy: policyTok.text === 'ACCEPT' ? 'accept' : 'drop' };
        else report(MSG.badPolicy, policyTok, policyTok.text);
        // `-P INPUT ACCEPT -c 13 37` (iptables -S -v)
        const c = rest.slice(at + 1);
        if (c.length === 3 && (c[0]?.text === '-c' || c[0]?.text === '--set-counters') && /^\d+$/.test(c[1]?.text ?? '') && /^\d+$/.test(c[2]?.text ?? '')) {
          chain.counters = { packets: Number(c[1]?.text), bytes: Number(c[2]?.text) };
        } else if (c.length) report(MSG.strayArgument, c[0] as Token, (c[0] as Token).text);
        return;
      }
      case 'F': {
        if (!chainTok) for (const ch of table.chains.values()) ch.rules = [];
        else {
          const ch = isBuiltinChain(table.name, chainName) ? ensureChain(table, chainName, chainRange, false) : table.chains.get(chainName);
          if (ch) ch.rules = [];
          else report(MSG.undeclaredChain, chainRange, chainName);
        }
        return;
      }
      case 'Z':
        return;
      case 'X': {
        if (!chainTok) {
          forgetLastChain();
          for (const [name, ch] of [...table.chains]) if (!ch.base && ch.rules.length === 0 && !isReferenced(table, name)) table.chains.delete(name);
          return;
        }
        if (isBuiltinChain(table.name, chainName)) {
          report(MSG.builtinChainOp, chainRange, chainName, table.name, 'it cannot be deleted');
          return;
        }
        const ch = table.chains.get(chainName);
        if (!ch) report(MSG.cannotDeleteChain, chainRange, chainName, 'it does not exist in this dump');
        else if (ch.rules.length) report(MSG.cannotDeleteChain, chainRange, chainName, 'it is not empty');
        else if (isReferenced(table, chainName)) report(MSG.cannotDeleteChain, chainRange, chainName, 'rules still jump to it');
        else {
          forgetLastChain();
          table.chains.delete(chainName);
        }
        return;
      }
      case 'E': {
        const newName = rest[at];
        const ch = table.chains.get(chainName);
        if (!newName) report(MSG.missingArgument, cmdTok, cmdTok.text);
        else if (!ch) report(MSG.undeclaredChain, chainRange, chainName);
        else if (ch.base) report(MSG.builtinChainOp, chainRange, chainName, table.name, 'it cannot be renamed');
        else {
          forgetLastChain();
          table.chains.delete(chainName);
          table.jumpsToCheck = true;
          ch.name = newName.text;
          table.chains.set(newName.text, ch);
        }
        return;
      }
      default:
        break;
    }

    // A, I, R, D: a rule specification follows.
    if (cmd === 'D' && ruleNum !== undefined) {
      const ch = table.chains.get(chainName);
      if (!ch || ruleNum > ch.rules.length) report(MSG.noSuchRule, ruleNumTok ?? chainRange, chainName, ruleNum, 'nothing deleted');
      else ch.rules.splice(ruleNum - 1, 1);
      return;
    }
    if (cmd === 'R' && ruleNum === undefined) {
      report(MSG.badRuleNumber, chainRange, '');
      return;
    }
    const parsed = parseRule({
      tokens: rest,
      start: at,
      family: table.family,
      table: table.name,
      chain: chainName,
      bag,
      atEnd,
      inTableBlock: current !== undefined,
      chains: table.chains,
    });
    if (parsed.onlyFamily && parsed.onlyFamily !== table.family) {
      report(MSG.otherFamilyRule, lineRange, parsed.onlyFamily === 'ip' ? 'IPv4' : 'IPv6', table.family === 'ip' ? 'IPv4' : 'IPv6');
      return;
    }
    const counters = prefixCounters ?? parsed.counters;
    let stmts = parsed.stmts;
    if (prefixCounters && prefixRange) {
      stmts = stmts.map((st): Stmt => (st.kind === 'counter' ? { kind: 'counter', packets: prefixCounters.packets, bytes: prefixCounters.bytes, range: prefixRange } : st));
    }
    const xt = counters ? { args: parsed.args, counters } : { args: parsed.args };
    // Two literals rather than a spread of an optional comment (a spread per rule costs a copy).
    const rule: Rule = parsed.comment !== undefined ? { kind: 'rule', stmts, comment: parsed.comment, xt, range: lineRange } : { kind: 'rule', stmts, xt, range: lineRange };
    if (cmd === 'D') {
      const ch = table.chains.get(chainName);
      const key = parsed.args.join('\u0000');
      const at = ch ? ch.rules.findIndex((r) => (r.xt?.args ?? []).join('\u0000') === key) : -1;
      if (!ch || at < 0) report(MSG.ruleToDeleteNotFound, chainRange, chainName);
      else ch.rules.splice(at, 1);
      return;
    }
    const last = stmts[stmts.length - 1];
    if (last?.kind === 'verdict' && (last.verdict.kind === 'jump' || last.verdict.kind === 'goto') && !table.chains.has(last.verdict.target)) table.jumpsToCheck = true;
    const chain = ensureChain(table, chainName, chainRange, true);
    if (cmd === 'A') chain.rules.push(rule);
    else if (cmd === 'I') {
      const at = (ruleNum ?? 1) - 1;
      if (at > chain.rules.length) {
        report(MSG.noSuchRule, ruleNumTok ?? chainRange, chainName, ruleNum ?? 1, 'the rule is appended');
        chain.rules.push(rule);
      } else chain.rules.splice(at, 0, rule);
    } else {
      const at = (ruleNum ?? 1) - 1;
      if (at >= chain.rules.length) {
        report(MSG.noSuchRule, ruleNumTok ?? chainRange, chainName, ruleNum ?? 1, 'the rule is appended');
        chain.rules.push(rule);
      } else chain.rules[at] = rule;
    }
  }

  function isReferenced(table: TableBuilder, name: string): boolean {
    return (table.referenced ??= referencedChains(table)).has(name);
  }

  function buildRuleset(): Ruleset {
    const out: Table[] = tables.map((t) => {
      const chains: Chain[] = [];
      for (const c of t.chains.values()) chains.push(toChain(c));
      return { kind: 'table', family: t.family, name: t.name, origin: t.origin, chains, sets: [], flowtables: [], objects: [], range: t.range };
    });
    return { tables: out, ipvs: [] };
  }

  /** Jumps and gotos to chains the table does not have. Only a rule's last statement is looked at: a verdict
   *  ends an nftables rule (nft refuses statements after one), and rule.ts puts the target last. Reading
   *  every statement of a large dump again cost as much as a tenth of the parse. */
  function checkJumps(ruleset: Ruleset): void {
    for (const [k, t] of ruleset.tables.entries()) {
      if (!tables[k]?.jumpsToCheck) continue;
      const names = new Set(t.chains.map((c) => c.name));
      for (const c of t.chains) {
        for (const r of c.rules) {
          const st = r.stmts[r.stmts.length - 1];
          if (st?.kind === 'verdict' && (st.verdict.kind === 'jump' || st.verdict.kind === 'goto') && !names.has(st.verdict.target)) {
            report(MSG.undefinedChain, st.range ?? r.range ?? { start: 0, end: 0 }, st.verdict.target, t.name);
          }
        }
      }
    }
  }
}

/** The IR chain of a builder, one literal per shape (key order as before: base, then counters): properties
 *  added to an object after it is made go to a property array of their own, a second object per chain. */
function toChain(c: ChainBuilder): Chain {
  const { name, rules, range, base, counters } = c;
  if (base && counters) return { kind: 'chain', name, rules, range, base, counters };
  if (base) return { kind: 'chain', name, rules, range, base };
  if (counters) return { kind: 'chain', name, rules, range, counters };
  return { kind: 'chain', name, rules, range };
}

/** The targets of every jump and goto of the table's rules. */
function referencedChains(table: TableBuilder): Set<string> {
  const names = new Set<string>();
  for (const ch of table.chains.values()) {
    for (const r of ch.rules) {
      for (const st of r.stmts) if (st.kind === 'verdict' && (st.verdict.kind === 'jump' || st.verdict.kind === 'goto')) names.add(st.verdict.target);
    }
  }
  return names;
}

/** Whether text[i] is what `/\s/` matches; printable ASCII is decided without the regex (every line end is
 *  tested). */
function isSpaceAt(text: string, i: number): boolean {
  const c = text.charCodeAt(i);
  if (c > 32 && c < 127) return false;
  return /\s/.test(text[i] ?? '');
}

function span(a: SourceRange, b: SourceRange): SourceRange {
  return { start: Math.min(a.start, b.start), end: Math.max(a.end, b.end) };
}

/** `iptables -S` prints no table name: guess it from the built-in chains and targets it shows. */
function guessListingTable(text: string): string {
  const head = text.slice(0, 256 * 1024);
  const policies = new Set<string>();
  for (const m of head.matchAll(/^\s*-P\s+(\S+)/gm)) policies.add(m[1] ?? '');
  const natTargets = /\s-j\s+(?:DNAT|SNAT|MASQUERADE|REDIRECT|NETMAP)\b/.test(head);
  const has = (c: string) => policies.has(c) || new RegExp(`^\\s*-[AI]\\s+${c}\\s`, 'm').test(head);
  if (!has('PREROUTING') && !has('POSTROUTING')) return natTargets ? 'nat' : 'filter';
  if (natTargets) return 'nat';
  if (has('FORWARD')) return 'mangle';
  if (has('POSTROUTING') || has('INPUT')) return 'nat';
  return 'raw';
}
