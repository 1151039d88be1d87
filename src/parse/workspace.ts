// Checks across the sources of a workspace, on the parsed IR: iptables-nft compat tables seen through
// nft, iptables-legacy and nf_tables rules on the same hook, jumps to missing chains, and references to
// sets nobody defines. Two phases, so that an app re-examines only the source that changed: the walk over
// one source's IR (`collectWorkspaceFacts`, heavy, runs beside the parser in a worker) and a cheap merge of
// every source's facts (`checkWorkspaceFacts`). Pure; imports only the model.
import type { Chain, Diagnostic, Expr, Family, ParsedSource, SourceRange, Stmt, Table, Verdict, Workspace, XtOption } from '../model/ir.ts';
import { IPTABLES_HOOK_OF, iptablesChainPriority } from '../model/priorities.ts';
import { xtSetUses } from '../model/xtSets.ts';
import { WSP } from './workspaceMessages.ts';

/** A diagnostic about one source of the workspace (its range is an offset into that source's text). */
export interface WorkspaceDiagnostic extends Diagnostic {
  readonly sourceId: string;
}

export function checkWorkspace(workspace: Workspace): WorkspaceDiagnostic[] {
  return checkWorkspaceFacts(
    workspace.sources.map((source) => ({ sourceId: source.source.id, name: source.source.name, facts: collectWorkspaceFacts(source) })),
  );
}

/** What the workspace checks need to know about one source: plain JSON (it crosses from the parse worker),
 *  without the source's id or name (diagnostics get them when merged, so a rename needs no new walk). */
export interface WorkspaceFacts {
  /** Tables that an xtables-nft tool manages (nft sources only). */
  readonly compat: readonly FactDiagnostic[];
  /** Active chains on a hook, in table and chain order. */
  readonly hookUses: readonly HookFact[];
  /** Where `# Warning: iptables-legacy tables present` stands in the text. */
  readonly legacyMarker?: SourceRange;
  /** Jumps and gotos to chains their table lacks. */
  readonly missingChains: readonly FactDiagnostic[];
  /** Sets this source defines that iptables rules may name (ipset sources, sets with ipset settings). */
  readonly ipsets: readonly string[];
  readonly hasIpsetSource: boolean;
  /** In rule order: nft set references missing from their table (decided here), and iptables set
   *  references their own table does not hold (decided when merged, against every source's ipsets). */
  readonly setRefs: readonly SetRefFact[];
}

/** A diagnostic without its source id. */
type FactDiagnostic = Omit<WorkspaceDiagnostic, 'sourceId'>;

interface HookFact {
  readonly backend: 'legacy' | 'nftables';
  /** `ip input`, `ip6 forward`. */
  readonly key: string;
  /** `filter INPUT` as `family table chain`. */
  readonly where: string;
  readonly range?: SourceRange;
}

type SetRefFact = { readonly missing: FactDiagnostic } | { readonly ipset: string; readonly range?: SourceRange };

/** The walk over one source (the costly part of the checks): each rule and each set's elements are walked
 *  once, collecting only the nodes the checks look at (jumps, set references, xt), so that the cost is one
 *  visit per IR object and the allocations are proportional to the references found. */
export function collectWorkspaceFacts(source: ParsedSource): WorkspaceFacts {
  const index = source.source.text.indexOf(LEGACY_MARKER);
  const legacyMarker = index < 0 ? undefined : { start: index, end: lineEnd(source.source.text, index) };
  const ipsets: string[] = [];
  let hasIpsetSource = false;
  for (const table of tablesOf(source)) {
    if (table.origin === 'ipset') hasIpsetSource = true;
    for (const set of table.sets) if (set.ipset || table.origin === 'ipset') ipsets.push(set.name);
  }
  const compat: FactDiagnostic[] = [];
  const missingChains: FactDiagnostic[] = [];
  const setRefs: SetRefFact[] = [];
  for (const table of tablesOf(source)) {
    const refs = scanTable(table);
    if (isNftFormat(source) && isXtablesCompatTable(table, refs.hasXt)) compat.push(compatFact(table));
    missingChainsOf(table, refs, missingChains);
    setRefsOf(source, table, refs, setRefs);
  }
  return {
    compat,
    hookUses: hookUsesOf(source),
    ...(legacyMarker ? { legacyMarker } : {}),
    missingChains,
    ipsets,
    hasIpsetSource,
    setRefs,
  };
}

/** Merges the facts of every source of a workspace into its diagnostics (cheap: no IR walk). */
export function checkWorkspaceFacts(sources: readonly { readonly sourceId: string; readonly name: string; readonly facts: WorkspaceFacts }[]): WorkspaceDiagnostic[] {
  const withId = (sourceId: string) => (d: FactDiagnostic): WorkspaceDiagnostic => ({ ...d, sourceId });
  return [
    ...sources.flatMap((s) => s.facts.compat.map(withId(s.sourceId))),
    ...checkLegacyBesideNftables(sources),
    ...sources.flatMap((s) => s.facts.missingChains.map(withId(s.sourceId))),
    ...checkSetReferences(sources),
  ];
}

type SourceWithFacts = Parameters<typeof checkWorkspaceFacts>[0][number];

function lineEnd(text: string, from: number): number {
  const end = text.indexOf('\n', from);
  return end < 0 ? text.length : end;
}

const WHOLE: SourceRange = { start: 0, end: 0 };

function at(m: { code: string; message: string }, range: SourceRange | undefined, severity: Diagnostic['severity']): FactDiagnostic {
  return { severity, code: m.code, message: m.message, range: range ?? WHOLE };
}

function tablesOf(source: ParsedSource): readonly Table[] {
  return source.result.ruleset.tables;
}

// ───────────── iptables-nft compat tables inside `nft list ruleset` ─────────────

/** The xtables tables per family and the tool that owns them (iptables-nft, ebtables-nft, arptables-nft
 *  create these as nf_tables tables with the built-in chain names in capitals). */
const COMPAT: Partial<Record<Family, { readonly tool: string; readonly tables: readonly string[] }>> = {
  ip: { tool: 'iptables', tables: ['filter', 'nat', 'mangle', 'raw', 'security'] },
  ip6: { tool: 'ip6tables', tables: ['filter', 'nat', 'mangle', 'raw', 'security'] },
  bridge: { tool: 'ebtables', tables: ['filter', 'nat', 'broute'] },
  arp: { tool: 'arptables', tables: ['filter'] },
};

/** Priorities of ebtables' built-in chains (NF_BR_PRI_FILTER_BRIDGED -200, NAT_DST_BRIDGED -300,
 *  NAT_DST_OTHER 100, NAT_SRC 300; linux/netfilter_bridge.h) and arptables' (0). */
function builtinPriority(family: Family, table: string, chain: string): number | undefined {
  if (family === 'ip' || family === 'ip6') return iptablesChainPriority(table, chain);
  if (family === 'arp') return table === 'filter' ? 0 : undefined;
  if (family === 'bridge') {
    if (table === 'filter') return -200;
    if (table === 'nat') return chain === 'PREROUTING' ? -300 : chain === 'OUTPUT' ? 100 : chain === 'POSTROUTING' ? 300 : undefined;
  }
  return undefined;
}

/** Is this nf_tables table one that an xtables-nft tool made? Yes when its rules use `xt` matches or
 *  targets (only the compat layer writes them), or when every base chain is a built-in chain in capitals
 *  on its own hook at the tool's standard priority. */
export function isXtablesCompatTable(table: Table, hasXt?: boolean): boolean {
  if (table.origin === 'iptables-nft') return true;
  const compat = COMPAT[table.family];
  if (!compat || !compat.tables.includes(table.name)) return false;
  // Scanned only for tables named like the tool's (a kube-proxy table of 263 000 rules is not): the graph
  // asks on every build.
  if (hasXt ?? usesXt(table)) return true;
  const bases = table.chains.filter((c) => c.base);
  return bases.length > 0 && bases.every((c) => isBuiltinChain(table, c));
}

/** Whether a table's rules use `xt` matches or targets, kept per table (the IR is immutable). */
const xtUse = new WeakMap<Table, boolean>();

function usesXt(table: Table): boolean {
  let uses = xtUse.get(table);
  if (uses === undefined) xtUse.set(table, (uses = scanTable(table).hasXt));
  return uses;
}

function isBuiltinChain(table: Table, chain: Chain): boolean {
  if (!chain.base) return false;
  const hook = chain.name === 'BROUTING' ? 'prerouting' : IPTABLES_HOOK_OF[chain.name];
  if (hook !== chain.base.hook) return false;
  const priority = builtinPriority(table.family, table.name, chain.name);
  return priority === undefined ? table.name === 'broute' : priority === chain.base.priority.value;
}

function isNftFormat(source: ParsedSource): boolean {
  return source.source.format === 'nft' || source.source.format === 'nft-json';
}

function compatFact(table: Table): FactDiagnostic {
  const tool = COMPAT[table.family]?.tool ?? 'iptables';
  return at(WSP.managedByIptablesNft(`${table.family} ${table.name}`, tool), table.range, 'info');
}

// ───────────── iptables-legacy next to nf_tables ─────────────

const LEGACY_MARKER = '# Warning: iptables-legacy tables present';

/** The IP versions a base chain sees: ip → 4, ip6 → 6, inet → both. */
function ipVersions(family: Family): readonly (4 | 6)[] {
  return family === 'ip' ? [4] : family === 'ip6' ? [6] : family === 'inet' ? [4, 6] : [];
}

/** The hook a chain is attached to: its base chain spec, or for an iptables table a built-in chain's name. */
function hookOf(table: Table, chain: Chain): string | undefined {
  if (chain.base) return chain.base.hook;
  return table.origin !== undefined && IPTABLES_ORIGINS.has(table.origin) ? IPTABLES_HOOK_OF[chain.name] : undefined;
}

/** A hooked chain that can change a packet's fate: it has rules or a drop policy. */
function isActive(chain: Chain): boolean {
  return chain.rules.length > 0 || chain.base?.policy === 'drop';
}

/** Which hooks a table sits on: xtables (iptables-legacy), nf_tables, or unknown (iptables-save whose
 *  backend is not stated; ipset tables have no chains). */
function backendOf(source: ParsedSource, table: Table): 'legacy' | 'nftables' | undefined {
  if (table.origin === 'iptables-legacy') return 'legacy';
  if (table.origin === 'iptables-nft') return 'nftables';
  if (table.origin === 'iptables' || table.origin === 'ipset' || source.source.format === 'iptables') return undefined;
  return 'nftables';
}

/** The active hooked chains of one source, legacy and nf_tables alike. */
function hookUsesOf(source: ParsedSource): HookFact[] {
  const out: HookFact[] = [];
  for (const table of tablesOf(source)) {
    const backend = backendOf(source, table);
    if (backend === undefined) continue;
    for (const chain of table.chains) {
      const hook = hookOf(table, chain);
      if (hook === undefined || !isActive(chain)) continue;
      for (const v of ipVersions(table.family)) {
        out.push({ backend, key: `${v === 4 ? 'ip' : 'ip6'} ${hook}`, where: `${table.family} ${table.name} ${chain.name}`, ...(chain.range ? { range: chain.range } : {}) });
      }
    }
  }
  return out;
}

interface HookUse {
  readonly source: SourceWithFacts;
  readonly use: HookFact;
}

function hookUses(sources: readonly SourceWithFacts[], backend: HookFact['backend']): Map<string, HookUse[]> {
  const uses = new Map<string, HookUse[]>();
  for (const source of sources) {
    for (const use of source.facts.hookUses) {
      if (use.backend !== backend) continue;
      let list = uses.get(use.key);
      if (!list) uses.set(use.key, (list = []));
      list.push({ source, use });
    }
  }
  return uses;
}

function describeUse({ source, use }: HookUse): string {
  return `${use.backend === 'legacy' ? 'iptables-legacy' : 'nf_tables'} chain ${use.where} (${source.name})`;
}

function checkLegacyBesideNftables(sources: readonly SourceWithFacts[]): WorkspaceDiagnostic[] {
  const out: WorkspaceDiagnostic[] = [];
  const legacy = hookUses(sources, 'legacy');
  const nft = hookUses(sources, 'nftables');
  for (const [hook, legacyUses] of legacy) {
    const nftUses = nft.get(hook);
    const first = legacyUses[0];
    if (!nftUses || !first) continue;
    const m = WSP.legacyAndNftSameHook(hook, describeUse(first), nftUses.map(describeUse).join(', '));
    out.push({ ...at(m, first.use.range, 'warning'), sourceId: first.source.sourceId });
  }
  // iptables-nft-save knows legacy tables exist but not what they hold: any active nf_tables hook may clash.
  if (legacy.size === 0 && nft.size > 0) {
    for (const source of sources) {
      if (!source.facts.legacyMarker) continue;
      out.push({ ...at(WSP.legacyTablesElsewhere([...nft.keys()].join(', ')), source.facts.legacyMarker, 'warning'), sourceId: source.sourceId });
    }
  }
  return out;
}

// ───────────── jumps and gotos to missing chains ─────────────

function missingChainsOf(table: Table, refs: TableRefs, out: FactDiagnostic[]): void {
  for (const jump of refs.missingJumps) {
    out.push(at(WSP.missingChain(jump.verdict, jump.target, `${table.family} ${table.name}`, closest(jump.target, [...refs.chains])), jump.range, 'warning'));
  }
}

// ───────────── sets nobody defines ─────────────

const IPTABLES_ORIGINS = new Set(['iptables', 'iptables-nft', 'iptables-legacy']);
const SET_OPTIONS = ['--match-set', '--add-set', '--del-set', '--map-set'];

/** The set references of one table, in rule order; those of iptables rules that the table cannot resolve
 *  itself wait for the merge (they name ipsets, which any source may define). */
function setRefsOf(source: ParsedSource, table: Table, refs: TableRefs, out: SetRefFact[]): void {
  if (table.origin === 'ipset' || refs.foreignSets.length === 0) return;
  // iptables rules name ipsets (one namespace per netns); nft rules name sets of their own table.
  const isIptables = (table.origin !== undefined && IPTABLES_ORIGINS.has(table.origin)) || source.source.format === 'iptables';
  /** Offsets already reported per set name (a node and its rule may name the same set at one place). */
  const reported = new Map<string, Set<number>>();
  for (const { name, range } of refs.foreignSets) {
    let offsets = reported.get(name);
    if (!offsets) reported.set(name, (offsets = new Set()));
    const offset = range?.start ?? -1;
    if (offsets.has(offset)) continue;
    offsets.add(offset);
    if (isIptables) out.push({ ipset: name, ...(range ? { range } : {}) });
    else out.push({ missing: at(WSP.missingSet(name, `${table.family} ${table.name}`, closest(name, [...refs.sets])), range, 'warning') });
  }
}

function checkSetReferences(sources: readonly SourceWithFacts[]): WorkspaceDiagnostic[] {
  const ipsets = new Set(sources.flatMap((s) => s.facts.ipsets));
  const haveIpsetSource = sources.some((s) => s.facts.hasIpsetSource);
  const out: WorkspaceDiagnostic[] = [];
  for (const source of sources) {
    for (const ref of source.facts.setRefs) {
      if ('missing' in ref) out.push({ ...ref.missing, sourceId: source.sourceId });
      else if (!ipsets.has(ref.ipset)) out.push({ ...at(WSP.missingIpset(ref.ipset, haveIpsetSource), ref.range, 'warning'), sourceId: source.sourceId });
    }
  }
  return out;
}

// ───────────── the walk ─────────────

/** What the walk over one table found that the checks report, in walk order (rules of each chain, then
 *  the elements of each set; verdict maps hold jumps too). Only references to what the table lacks are
 *  kept: a kube-proxy table has 260 000 jumps, all to chains it has. */
class TableRefs {
  hasXt = false;
  /** Sets named by xt `-m set`/`-j SET` nodes so far (a rule whose words name a set without such a node
   *  did not parse: its words are read instead). */
  xtSetUses = 0;
  /** Jumps and gotos to chains the table lacks. */
  readonly missingJumps: { readonly verdict: 'jump' | 'goto'; readonly target: string; readonly range: SourceRange | undefined }[] = [];
  /** Set names, referenced by rules (not by set elements), that the table does not define. */
  readonly foreignSets: { readonly name: string; readonly range: SourceRange | undefined }[] = [];
  // Sets rather than lists: kube-proxy tables have tens of thousands of chains (a list lookup is quadratic).
  readonly chains: ReadonlySet<string>;
  readonly sets: ReadonlySet<string>;

  constructor(table: Table) {
    this.chains = new Set(table.chains.map((c) => c.name));
    this.sets = new Set(table.sets.map((s) => s.name));
  }

  /** The last target found: rules of one kind repeat their jump (each kube-proxy endpoint chain jumps to
   *  mark-for-masquerade), and comparing with it is cheaper than a lookup in a 100 000-name Set, whose
   *  cost is cache misses. */
  private lastFound = '';

  jump(verdict: Verdict, range: SourceRange | undefined): void {
    if (verdict.kind !== 'jump' && verdict.kind !== 'goto') return;
    if (verdict.target === this.lastFound) return;
    if (this.chains.has(verdict.target)) this.lastFound = verdict.target;
    else this.missingJumps.push({ verdict: verdict.kind, target: verdict.target, range });
  }

  setName(name: string, range: SourceRange | undefined): void {
    if (!this.sets.has(name)) this.foreignSets.push({ name, range });
  }
}

/** One walk over a table's rules and set elements. */
function scanTable(table: Table): TableRefs {
  const refs = new TableRefs(table);
  for (const chain of table.chains) {
    for (const rule of chain.rules) {
      const xtSetUsesBefore = refs.xtSetUses;
      for (const stmt of rule.stmts) walkStmt(stmt, rule.range, refs, true);
      const args = rule.xt?.args;
      if (args && refs.xtSetUses === xtSetUsesBefore) {
        for (let i = 0; i + 1 < args.length; i++) {
          if (SET_OPTIONS.includes(args[i] as string)) refs.setName(args[i + 1] as string, rule.range);
        }
      }
    }
  }
  for (const set of table.sets) for (const element of set.elements) walkExpr(element, set.range, refs, false);
  return refs;
}

// The walk follows the IR's types (an exhaustive switch per statement and expression kind) rather than every
// key of every object: it runs on each node of a 263 000-rule dump, and a generic walk (Object.entries per
// object, a visitor closure per rule) made this pass cost a third of the parse. Each node passes down its
// range, or its parent's when it has none (`range` is the nearest known one).

/** Records the references of a statement and of the expressions and statements inside it; `inRule` is
 *  false for the statements of named sets' elements, whose set references are not checked (only jumps). */
function walkStmt(stmt: Stmt, parentRange: SourceRange | undefined, refs: TableRefs, inRule: boolean): void {
  const range = stmt.range ?? parentRange;
  switch (stmt.kind) {
    case 'match':
      walkExpr(stmt.left, range, refs, inRule);
      return walkExpr(stmt.right, range, refs, inRule);
    case 'verdict':
      return refs.jump(stmt.verdict, range);
    case 'vmap':
      walkExpr(stmt.key, range, refs, inRule);
      return walkExpr(stmt.data, range, refs, inRule);
    case 'mangle':
      walkExpr(stmt.key, range, refs, inRule);
      return walkExpr(stmt.value, range, refs, inRule);
    case 'nat':
    case 'tproxy':
      walkExpr(stmt.addr, range, refs, inRule);
      return walkExpr(stmt.port, range, refs, inRule);
    case 'queue':
      return walkExpr(stmt.num, range, refs, inRule);
    case 'dup':
      walkExpr(stmt.addr, range, refs, inRule);
      return walkExpr(stmt.dev, range, refs, inRule);
    case 'fwd':
      walkExpr(stmt.dev, range, refs, inRule);
      return walkExpr(stmt.addr, range, refs, inRule);
    case 'set':
      // `add @name { … }`: the set it updates, then its element, data and per-element statements.
      if (inRule) refs.setName(stmt.set.replace(/^@/, ''), range);
      walkExpr(stmt.elem, range, refs, inRule);
      walkExpr(stmt.data, range, refs, inRule);
      if (stmt.stmts) for (const inner of stmt.stmts) walkStmt(inner, range, refs, inRule);
      return;
    case 'meter':
      walkExpr(stmt.key, range, refs, inRule);
      return walkStmt(stmt.stmt, range, refs, inRule);
    case 'objref':
      return walkExpr(stmt.name, range, refs, inRule);
    case 'xt':
      return noteXt(stmt, range, refs, inRule);
    case 'counter':
    case 'log':
    case 'limit':
    case 'quota':
    case 'reject':
    case 'notrack':
    case 'synproxy':
    case 'connlimit':
    case 'flow':
    case 'last':
    case 'opaque':
      return;
    default:
      return unknownKind(stmt);
  }
}

/** Records the references of an expression (`inRule`: as walkStmt). */
function walkExpr(expr: Expr | undefined, parentRange: SourceRange | undefined, refs: TableRefs, inRule: boolean): void {
  if (expr === undefined) return;
  const range = expr.range ?? parentRange;
  switch (expr.kind) {
    case 'verdict':
      return refs.jump(expr.verdict, range);
    case 'setref':
      if (inRule) refs.setName(expr.name, range);
      return;
    case 'xt':
      return noteXt(expr, range, refs, inRule);
    case 'concat':
    case 'set':
    case 'list':
      for (const item of expr.items) walkExpr(item, range, refs, inRule);
      return;
    case 'mapping':
    case 'map':
      walkExpr(expr.key, range, refs, inRule);
      return walkExpr(expr.data, range, refs, inRule);
    case 'binop':
      walkExpr(expr.left, range, refs, inRule);
      return walkExpr(expr.right, range, refs, inRule);
    case 'range':
      walkExpr(expr.from, range, refs, inRule);
      return walkExpr(expr.to, range, refs, inRule);
    case 'prefix':
    case 'hash':
      return walkExpr(expr.expr, range, refs, inRule);
    case 'elem':
      walkExpr(expr.value, range, refs, inRule);
      if (expr.stmts) for (const inner of expr.stmts) walkStmt(inner, range, refs, inRule);
      return;
    case 'value':
    case 'variable':
    case 'payload':
    case 'payload-raw':
    case 'exthdr':
    case 'option':
    case 'meta':
    case 'ct':
    case 'fib':
    case 'rt':
    case 'socket':
    case 'osf':
    case 'numgen':
    case 'ipsec':
    case 'tunnel':
    case 'opaque':
      return;
    default:
      return unknownKind(expr);
  }
}

function noteXt(node: { readonly name: string; readonly options: Readonly<Record<string, XtOption>> }, range: SourceRange | undefined, refs: TableRefs, inRule: boolean): void {
  if (!inRule) return;
  refs.hasXt = true;
  for (const use of xtSetUses(node)) {
    refs.xtSetUses++;
    refs.setName(use.set, range);
  }
}

/** A kind this walk does not know (the switches above are exhaustive, so only input that bypassed the
 *  types gets here): nothing in it is checked. */
function unknownKind(_node: never): void {}

// ───────────── helpers ─────────────

/** The name of `names` closest to `wanted` (same letters in other case, or ≤ 2 edits), for "did you mean". */
function closest(wanted: string, names: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.min(2, Math.floor(wanted.length / 3));
  for (const name of names) {
    if (name.toLowerCase() === wanted.toLowerCase()) return name;
    const d = editDistance(wanted, name);
    if (d <= bestDistance) [best, bestDistance] = [name, d - 1];
  }
  return best;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0] as number;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j] as number;
      row[j] = Math.min(current + 1, (row[j - 1] as number) + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length] as number;
}
