// What a rule points at: jump/goto targets, verdict-map branches, sets and maps it reads or writes,
// flowtables; plus the short texts the graph shows for them (map keys, type specs, rule summaries).
// Pure; imports only the IR and its xt set helper.
import type { Expr, NamedSet, Rule, Stmt, TypeSpec, Verdict, XtOption } from '../model/ir.ts';
import { xtSetUses } from '../model/xtSets.ts';

export type RuleReference =
  | { readonly kind: 'jump' | 'goto'; readonly target: string }
  /** A branch of an inline verdict map: `numgen random mod 2 vmap { 0 : goto endpoint-… }`. */
  | { readonly kind: 'vmap'; readonly target: string; readonly verdict: 'jump' | 'goto'; readonly key: string }
  /** A named set/map read by the rule; `viaIpset` for iptables `-m set` (ipset names are per netns). */
  | { readonly kind: 'lookup'; readonly set: string; readonly viaIpset: boolean }
  | { readonly kind: 'update'; readonly set: string; readonly viaIpset: boolean }
  | { readonly kind: 'flow'; readonly flowtable: string };

/** Collects references without duplicates (rules hold a handful: a linear scan beats a Set). */
class RefList {
  readonly items: RuleReference[] = [];
  private readonly keys: string[] = [];

  add(ref: RuleReference): void {
    const key = referenceKey(ref);
    if (this.keys.includes(key)) return;
    this.keys.push(key);
    this.items.push(ref);
  }
}

/** The references of one rule, in statement order, without duplicates. */
export function referencesOf(rule: Rule): RuleReference[] {
  const out = new RefList();
  for (const stmt of rule.stmts) stmtReferences(stmt, out);
  // iptables rules whose `-m set` the parser kept only as arguments.
  const args = rule.xt?.args;
  if (args && !out.items.some((r) => (r.kind === 'lookup' || r.kind === 'update') && r.viaIpset)) {
    for (let i = 0; i + 1 < args.length; i++) {
      const arg = args[i] as string;
      if (arg.charCodeAt(0) !== 45 || arg.charCodeAt(1) !== 45) continue; // not `--…`
      const next = args[i + 1] as string;
      if (arg === '--match-set') out.add({ kind: 'lookup', set: next, viaIpset: true });
      else if (arg === '--add-set' || arg === '--del-set' || arg === '--map-set') out.add({ kind: 'update', set: next, viaIpset: true });
    }
  }
  return out.items;
}

function referenceKey(ref: RuleReference): string {
  switch (ref.kind) {
    case 'jump':
    case 'goto':
      return `${ref.kind} ${ref.target}`;
    case 'vmap':
      return `vmap ${ref.verdict} ${ref.target} ${ref.key}`;
    case 'lookup':
    case 'update':
      return `${ref.kind} ${ref.viaIpset} ${ref.set}`;
    case 'flow':
      return `flow ${ref.flowtable}`;
  }
}

function stmtReferences(stmt: Stmt, add: RefList): void {
  switch (stmt.kind) {
    case 'verdict':
      verdictReference(stmt.verdict, add);
      return;
    case 'vmap':
      exprReferences(stmt.key, add);
      if (stmt.data.kind === 'setref') add.add({ kind: 'lookup', set: stmt.data.name, viaIpset: false });
      else inlineVmapBranches(stmt.data, add);
      return;
    case 'set':
      add.add({ kind: 'update', set: stmt.set.replace(/^@/, ''), viaIpset: false });
      exprReferences(stmt.elem, add);
      if (stmt.data) exprReferences(stmt.data, add);
      return;
    case 'flow':
      add.add({ kind: 'flow', flowtable: stmt.flowtable.replace(/^@/, '') });
      return;
    case 'xt':
      xtSetReferences(stmt, add);
      return;
    default:
      forEachExprIn(stmt, (e) => exprReference(e, add));
  }
}

function verdictReference(verdict: Verdict, add: RefList): void {
  if (verdict.kind === 'jump' || verdict.kind === 'goto') add.add({ kind: verdict.kind, target: verdict.target });
}

function inlineVmapBranches(data: Expr, add: RefList): void {
  const items = data.kind === 'set' ? data.items : [data];
  for (const item of items) {
    if (item.kind !== 'mapping' || item.data.kind !== 'verdict') continue;
    const v = item.data.verdict;
    if (v.kind === 'jump' || v.kind === 'goto') add.add({ kind: 'vmap', target: v.target, verdict: v.kind, key: exprText(item.key) });
  }
}

/** Set references inside an expression and everything under it: `@name`, and iptables `-m set` kept as
 *  an xt expression. */
function exprReferences(expr: Expr, add: RefList): void {
  walkExpr(expr, (e) => exprReference(e, add));
}

/** The reference of one expression node (not of its children). */
function exprReference(e: Expr, add: RefList): void {
  if (e.kind === 'setref') add.add({ kind: 'lookup', set: e.name, viaIpset: false });
  else if (e.kind === 'xt') xtSetReferences(e, add);
}

/** iptables `-m set --match-set NAME dst,dst` / `-j SET --add-set NAME src`, kept as an xt node. */
function xtSetReferences(node: { readonly name: string; readonly options: Readonly<Record<string, XtOption>> }, add: RefList): void {
  for (const use of xtSetUses(node)) add.add({ kind: use.kind, set: use.set, viaIpset: true });
}

/** Calls `visit` for every expression in an object's fields (statements hold expressions under various
 *  names: left/right, key/data, addr/port, elem, expr…). */
function forEachExprIn(node: object, visit: (e: Expr) => void): void {
  for (const key in node) {
    if (key === 'range' || key === 'kind') continue;
    const child = (node as Record<string, unknown>)[key];
    if (Array.isArray(child)) {
      for (const c of child) if (isNode(c)) visitNode(c, visit);
    } else if (isNode(child)) visitNode(child, visit);
  }
}

function visitNode(node: { kind: string }, visit: (e: Expr) => void): void {
  // Statements nested in expressions (`elem` stmts) and statements' expressions are both walked.
  visit(node as Expr);
  forEachExprIn(node, visit);
}

function isNode(x: unknown): x is { kind: string } {
  return x !== null && typeof x === 'object' && typeof (x as { kind?: unknown }).kind === 'string';
}

/** Calls `visit` on an expression and every expression under it. */
export function walkExpr(expr: Expr, visit: (e: Expr) => void): void {
  visitNode(expr, visit);
}

/** Calls `visit` on every expression of a rule. */
export function walkRuleExprs(rule: Rule, visit: (e: Expr) => void): void {
  for (const stmt of rule.stmts) forEachExprIn(stmt, visit);
}

// ───────────── texts ─────────────

/** nft's way of writing an expression, for labels (keys of map elements, rule summaries). Not a printer:
 *  constructs without a short form show their kind. */
export function exprText(e: Expr): string {
  switch (e.kind) {
    case 'value':
      return typeof e.value === 'string' ? e.value : String(e.value);
    case 'variable':
      return `$${e.name}`;
    case 'payload':
      return `${e.protocol} ${e.field}`;
    case 'payload-raw':
      return `@${e.base},${e.offset},${e.len}`;
    case 'meta':
      return `meta ${e.key}`;
    case 'ct':
      return ['ct', e.dir, e.family, e.key].filter(Boolean).join(' ');
    case 'numgen':
      return `numgen ${e.mode} mod ${e.mod}${e.offset ? ` offset ${e.offset}` : ''}`;
    case 'hash':
      return `${e.fn}${e.expr ? ` ${exprText(e.expr)}` : ''} mod ${e.mod}`;
    case 'prefix':
      return `${exprText(e.expr)}/${e.len}`;
    case 'range':
      return `${exprText(e.from)}-${exprText(e.to)}`;
    case 'concat':
      return e.items.map(exprText).join(' . ');
    case 'set':
      return `{ ${e.items.map(exprText).join(', ')} }`;
    case 'elem':
      return exprText(e.value);
    case 'mapping':
      return `${exprText(e.key)} : ${exprText(e.data)}`;
    case 'setref':
      return `@${e.name}`;
    case 'map':
      return `${exprText(e.key)} map ${exprText(e.data)}`;
    case 'binop':
      return `${exprText(e.left)} ${e.op} ${exprText(e.right)}`;
    case 'list':
      return e.items.map(exprText).join(',');
    case 'verdict':
      return verdictText(e.verdict);
    case 'xt':
    case 'opaque':
      return e.text;
    case 'exthdr':
    case 'option':
    case 'fib':
    case 'rt':
    case 'socket':
    case 'osf':
    case 'ipsec':
    case 'tunnel':
      return e.kind;
  }
}

export function verdictText(v: Verdict): string {
  return v.kind === 'jump' || v.kind === 'goto' ? `${v.kind} ${v.target}` : v.kind;
}

export function typeSpecText(spec: TypeSpec | undefined): string {
  if (!spec) return '';
  return spec.kind === 'type' ? spec.names.join(' . ') : `typeof ${exprText(spec.expr)}`;
}

/** A set whose data is verdicts. */
export function isVerdictMap(set: NamedSet): boolean {
  return set.kind === 'map' && set.data?.kind === 'type' && set.data.names.length === 1 && set.data.names[0] === 'verdict';
}

/** The key of a map element, and its verdict when the data is one. */
export function mapElementParts(element: Expr): { key: Expr; data?: Expr } {
  const inner = element.kind === 'elem' ? element.value : element;
  if (inner.kind === 'mapping') return { key: inner.key.kind === 'elem' ? inner.key.value : inner.key, data: inner.data };
  return { key: inner };
}

/** A few words on what a rule does, for the inline rule list: its verdict or action and target. */
export function ruleSummary(rule: Rule): string {
  const parts: string[] = [];
  for (const stmt of rule.stmts) {
    switch (stmt.kind) {
      case 'verdict':
        parts.push(verdictText(stmt.verdict));
        break;
      case 'vmap':
        parts.push(stmt.data.kind === 'setref' ? `vmap @${stmt.data.name}` : `${exprText(stmt.key)} vmap { … }`);
        break;
      case 'nat':
        parts.push(stmt.addr ? `${stmt.type} to ${exprText(stmt.addr)}${stmt.port ? `:${exprText(stmt.port)}` : ''}` : stmt.type);
        break;
      case 'reject':
      case 'notrack':
      case 'queue':
        parts.push(stmt.kind);
        break;
      case 'mangle':
        parts.push(`${exprText(stmt.key)} set …`);
        break;
      case 'set':
        parts.push(`${stmt.op} @${stmt.set.replace(/^@/, '')}`);
        break;
      case 'log':
        parts.push('log');
        break;
      case 'xt':
        if (stmt.type === 'target') parts.push(stmt.name);
        break;
      default:
        break;
    }
  }
  if (parts.length === 0) return rule.comment ? `# ${rule.comment}` : 'continue';
  return parts.join(' · ');
}
