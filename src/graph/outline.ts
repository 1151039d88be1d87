// The outline tree (sources → tables → chains → rules, sets, maps, …) derived from parsed sources, and the
// pure queries the outline view needs (visible rows, node at an offset, ancestors). No React, no DOM;
// imports only the model.
import type {
  BaseChainSpec,
  Chain,
  Expr,
  Family,
  IpvsService,
  NamedSet,
  ParseResult,
  SourceRange,
  Table,
  TypeSpec,
} from '../model/ir.ts';
import { priorityTextOf } from '../model/priorities.ts';
import { runToEnd } from './steps.ts';
import { summarizeRuleset, type RulesetSummary } from '../model/summary.ts';
import { groupedNumber } from '../model/numberText.ts';

export type OutlineKind =
  | 'source'
  | 'table'
  | 'group'
  | 'chain'
  | 'rule'
  | 'set'
  | 'map'
  | 'flowtable'
  | 'object'
  | 'ipvs-service'
  | 'ipvs-real';

export interface OutlineNode {
  /** Stable across re-parses of the same text shape (built from names, not from object identity), so that
   *  expansion and selection survive an edit. */
  readonly id: string;
  readonly kind: OutlineKind;
  readonly sourceId: string;
  /** Main text of the row: a name, or a rule's source text. */
  readonly label: string;
  /** Secondary text: hook/type/priority of a base chain, key type of a set, counts of a group. */
  readonly detail?: string;
  /** Short tags shown beside the label (`vmap`, `base`, a table's origin). */
  readonly badges?: readonly string[];
  /** Offsets into the source's text, when the parser recorded them. */
  readonly range?: SourceRange;
  /** Open when the user has not said otherwise (see `isExpandedByDefault`). */
  readonly open?: boolean;
  readonly children: readonly OutlineNode[];
}

/** What the outline needs to know about one parsed source. `text` must be the text that was parsed, since
 *  ranges are offsets into it. */
export interface OutlineInput {
  readonly sourceId: string;
  readonly name: string;
  readonly text: string;
  readonly result: ParseResult;
}

/** Longest rule label; longer rules are cut with an ellipsis (the editor shows the whole rule). */
const MAX_LABEL = 200;

export function buildOutline(inputs: readonly OutlineInput[]): OutlineNode[] {
  return inputs.map(buildSourceOutline);
}

export function buildSourceOutline(input: OutlineInput): OutlineNode {
  const { sourceId, result } = input;
  const id = `src:${sourceId}`;
  const children: OutlineNode[] = result.ruleset.tables.map((t, i) => buildTable(input, id, t, i));
  if (result.ruleset.ipvs.length > 0) {
    const groupId = `${id}/ipvs`;
    children.push({
      id: groupId,
      kind: 'group',
      sourceId,
      open: true,
      label: 'IPVS services',
      detail: countText(result.ruleset.ipvs.length, 'service'),
      children: result.ruleset.ipvs.map((s, i) => buildIpvsService(sourceId, groupId, s, i)),
    });
  }
  return {
    id,
    kind: 'source',
    sourceId,
    open: true,
    label: input.name,
    detail: summaryText(summarizeRuleset(result.ruleset), true),
    children,
  };
}

/** Table subtrees, kept per table (the IR is immutable) and per place in the outline: a big table's subtree is
 *  built once, possibly a slice at a time by `outlineSteps` right after the parse. */
const tableNodes = new WeakMap<Table, Map<string, OutlineNode>>();

/** Chains turned into outline nodes per step (a few ms of work on a kube-proxy dump). */
const CHAINS_PER_STEP = 2000;

function buildTable(input: OutlineInput, parentId: string, table: Table, index: number): OutlineNode {
  return runToEnd(tableSteps(input, parentId, table, index));
}

/**
 * Builds the outline subtrees of a parsed source's tables (and their id indexes) a slice at a time, so that
 * a page can do it between frames after a big parse: the outline it then shows takes them from the cache.
 * The source node itself (which carries the source's name) is cheap and built when shown.
 */
export function* outlineSteps(input: Omit<OutlineInput, 'name'>): Generator<void, void, void> {
  const parentId = `src:${input.sourceId}`;
  const tables = input.result.ruleset.tables;
  for (let i = 0; i < tables.length; i++) {
    const node = yield* tableSteps({ ...input, name: '' }, parentId, tables[i] as Table, i);
    yield* subtreeIndexSteps(node);
  }
}

function* tableSteps(input: OutlineInput, parentId: string, table: Table, index: number): Generator<void, OutlineNode, void> {
  const key = `${parentId}\n${index}`;
  let byPlace = tableNodes.get(table);
  const cached = byPlace?.get(key);
  if (cached) return cached;
  const node = yield* buildTableSteps(input, parentId, table, index);
  if (!byPlace) tableNodes.set(table, (byPlace = new Map()));
  byPlace.set(key, node);
  return node;
}

function* buildTableSteps(input: OutlineInput, parentId: string, table: Table, index: number): Generator<void, OutlineNode, void> {
  const { sourceId } = input;
  // Table names are unique per family (nftables `table_lookup` keys on family + name); the index only
  // separates duplicates that a broken dump might contain.
  const id = `${parentId}/t:${table.family}:${table.name}#${index}`;
  const baseChains = table.chains.filter((c) => c.base !== undefined);
  const regularChains = table.chains.filter((c) => c.base === undefined);
  const sets = table.sets.filter((s) => s.kind === 'set');
  const maps = table.sets.filter((s) => s.kind === 'map');
  const children: OutlineNode[] = [];
  // Chain groups start open so the first view shows the chains; sets, maps and the rest start closed
  // (a kube-proxy dump has thousands of elements), unless a group is all the table holds.
  const addGroup = (key: string, label: string, detail: string, nodes: OutlineNode[]): void => {
    if (nodes.length === 0) return;
    const open = key === 'base-chains' || key === 'chains';
    children.push({ id: `${id}/${key}`, kind: 'group', sourceId, label, detail, ...(open ? { open } : {}), children: nodes });
  };
  function* chainNodes(chains: readonly Chain[], groupId: string): Generator<void, OutlineNode[], void> {
    const out: OutlineNode[] = [];
    for (let i = 0; i < chains.length; i++) {
      if (i > 0 && i % CHAINS_PER_STEP === 0) yield;
      out.push(buildChain(input, groupId, table.family, chains[i] as Chain));
    }
    return out;
  }
  addGroup('base-chains', 'Base chains', chainGroupDetail(baseChains), yield* chainNodes(baseChains, `${id}/base-chains`));
  addGroup('chains', 'Regular chains', chainGroupDetail(regularChains), yield* chainNodes(regularChains, `${id}/chains`));
  yield;
  addGroup('sets', 'Sets', `${countText(sets.length, 'set')} · ${countText(elementCount(sets), 'element')}`, sets.map((s) => buildSet(sourceId, `${id}/sets`, s)));
  yield;
  addGroup('maps', 'Maps', `${countText(maps.length, 'map')} · ${countText(elementCount(maps), 'element')}`, maps.map((s) => buildSet(sourceId, `${id}/maps`, s)));
  yield;
  addGroup(
    'flowtables',
    'Flowtables',
    countText(table.flowtables.length, 'flowtable'),
    table.flowtables.map((f) => ({
      id: `${id}/flowtables/${f.name}`,
      kind: 'flowtable',
      sourceId,
      label: f.name,
      detail: `hook ${f.hook} · priority ${f.priority.value} · devices ${f.devices.join(', ')}`,
      ...withRange(f.range),
      children: [],
    })),
  );
  addGroup(
    'objects',
    'Objects',
    countText(table.objects.length, 'object'),
    table.objects.map((o) => ({
      id: `${id}/objects/${o.type}:${o.name}`,
      kind: 'object',
      sourceId,
      label: o.name,
      detail: o.type,
      ...withRange(o.range),
      children: [],
    })),
  );
  const only = children.length === 1 ? children[0] : undefined;
  if (only) children[0] = { ...only, open: true };
  // The origin tells how nflens explains the table; native nftables is the default and goes unsaid. The sets
  // of an `ipset save` have no nftables table: they are labelled by their origin alone.
  const isIpset = table.origin === 'ipset';
  const badges = table.origin && table.origin !== 'nft' && !isIpset ? [table.origin] : [];
  return {
    id,
    kind: 'table',
    sourceId,
    open: true,
    label: isIpset ? 'ipset' : `${table.family} ${table.name}`,
    detail: summaryText(summarizeRuleset({ tables: [table], ipvs: [] }), false),
    badges,
    ...withRange(table.range),
    children,
  };
}

function buildChain(input: OutlineInput, parentId: string, family: Family, chain: Chain): OutlineNode {
  const id = `${parentId}/${chain.name}`;
  const rules = chain.rules.map((rule, i): OutlineNode => ({
    // Rules have no name; their position in the chain is what nft itself shows (and `nft -a` handles are
    // not always present).
    id: `${id}/r${i}`,
    kind: 'rule',
    sourceId: input.sourceId,
    label: ruleLabel(input.text, rule.range, rule.stmts),
    ...(rule.handle !== undefined ? { detail: `handle ${rule.handle}` } : {}),
    ...withRange(rule.range),
    children: [],
  }));
  const detailParts = chain.base ? [baseChainText(family, chain.base)] : [];
  detailParts.push(countText(chain.rules.length, 'rule'));
  return {
    id,
    kind: 'chain',
    sourceId: input.sourceId,
    label: chain.name,
    detail: detailParts.join(' · '),
    badges: chain.base ? ['base'] : [],
    ...withRange(chain.range),
    children: rules,
  };
}

function buildSet(sourceId: string, parentId: string, set: NamedSet): OutlineNode {
  const isVmap = set.kind === 'map' && set.data?.kind === 'type' && set.data.names.length === 1 && set.data.names[0] === 'verdict';
  const type = set.data ? `${typeSpecText(set.key)} : ${typeSpecText(set.data)}` : typeSpecText(set.key);
  return {
    id: `${parentId}/${set.name}`,
    kind: set.kind,
    sourceId,
    label: set.name,
    detail: `${type} · ${countText(set.elements.length, 'element')}`,
    badges: isVmap ? ['vmap'] : set.ipset ? [set.ipset.type] : [],
    ...withRange(set.range),
    children: [],
  };
}

function buildIpvsService(sourceId: string, parentId: string, service: IpvsService, index: number): OutlineNode {
  const where = service.protocol === 'fwm' ? `FWM ${service.fwmark ?? '?'}` : `${service.protocol.toUpperCase()} ${hostPort(service.addr ?? '?', service.port)}`;
  const id = `${parentId}/${where}#${index}`;
  // Fields a listing did not show hold ipvsadm's defaults (IR `notShown`): they are not facts, so not shown.
  const shown = (fields: readonly string[] | undefined, field: string): boolean => !fields?.includes(field);
  const serviceDetail = [
    ...(shown(service.notShown, 'scheduler') ? [service.scheduler] : []),
    ...(service.persistent ? [`persistent ${service.persistent.timeout}`] : []),
    countText(service.reals.length, 'real server'),
  ];
  return {
    id,
    kind: 'ipvs-service',
    sourceId,
    label: where,
    detail: serviceDetail.join(' · '),
    ...withRange(service.range),
    children: service.reals.map((r, i) => {
      const detail = [
        ...(shown(r.notShown, 'method') ? [r.method] : []),
        ...(shown(r.notShown, 'weight') ? [`weight ${r.weight}`] : []),
      ];
      return {
        id: `${id}/${hostPort(r.addr, r.port)}#${i}`,
        kind: 'ipvs-real' as const,
        sourceId,
        label: hostPort(r.addr, r.port),
        ...(detail.length > 0 ? { detail: detail.join(' · ') } : {}),
        ...withRange(r.range),
        children: [],
      };
    }),
  };
}

/** `10.0.0.1:80`, `[fd00::1]:80` (brackets as ipvsadm prints IPv6). */
function hostPort(addr: string, port: number | undefined): string {
  const host = addr.includes(':') ? `[${addr}]` : addr;
  return port === undefined ? host : `${host}:${port}`;
}

// ───────────────────────────── texts ─────────────────────────────

/** `nat prerouting · dstnat (-100) · policy accept`: the parts of a base chain that decide when it runs. */
export function baseChainText(family: Family, base: BaseChainSpec): string {
  const parts = [`${base.type} ${base.hook}`, priorityText(family, base.priority.value, base.priority.text)];
  if (base.devices && base.devices.length > 0) parts.push(`devices ${base.devices.join(', ')}`);
  if (base.policy) parts.push(`policy ${base.policy}`);
  return parts.join(' · ');
}

/** A priority as `name (number)` when it has a symbolic form (written, or the nearest standard name as
 *  nft prints it, see model/priorities.ts), else the bare number. */
export function priorityText(family: Family, value: number, written?: string): string {
  const name = written !== undefined && written !== String(value) ? written : priorityTextOf(family, value);
  return name === undefined ? String(value) : `${name} (${value})`;
}

/** The rule's own text from the source, on one line, without the `# handle N` comment of `nft -a` (which
 *  the rule's range includes); when the parser recorded no range, the kinds of its statements. */
export function ruleLabel(text: string, range: SourceRange | undefined, stmts: readonly { readonly kind: string }[]): string {
  if (range && range.end > range.start) {
    const slice = text.slice(range.start, Math.min(range.end, range.start + MAX_LABEL * 4));
    // Most rules are one line with single spaces and no handle comment: the rewrites are skipped for them
    // (two regular expressions per rule were a fifth of the outline of a 263 000-rule dump).
    const oneLine = NEEDS_TIDYING.test(slice) ? slice.replace(/\s*#\s*handle\s+\d+\s*$/, '').replace(/\s+/g, ' ').trim() : slice;
    if (oneLine !== '') return oneLine.length > MAX_LABEL ? `${oneLine.slice(0, MAX_LABEL - 1)}…` : oneLine;
  }
  return stmts.length > 0 ? stmts.map((s) => s.kind).join(' ') : '(empty rule)';
}

/** What ruleLabel's rewrites change: a handle comment, whitespace other than single spaces, or whitespace at
 *  either end. */
const NEEDS_TIDYING = /#|\s\s|[^\S ]|^\s|\s$/;

function typeSpecText(spec: TypeSpec): string {
  return spec.kind === 'type' ? spec.names.join(' . ') : `typeof ${exprText(spec.expr)}`;
}

/** Enough of an expression to name a `typeof` key; not a printer. */
function exprText(expr: Expr): string {
  switch (expr.kind) {
    case 'payload':
      return `${expr.protocol} ${expr.field}`;
    case 'meta':
      return `meta ${expr.key}`;
    case 'ct':
      return `ct ${expr.dir ? `${expr.dir} ` : ''}${expr.key}`;
    case 'concat':
      return expr.items.map(exprText).join(' . ');
    case 'value':
      return String(expr.value);
    default:
      return expr.kind;
  }
}

function chainGroupDetail(chains: readonly Chain[]): string {
  return `${countText(chains.length, 'chain')} · ${countText(chains.reduce((n, c) => n + c.rules.length, 0), 'rule')}`;
}

function elementCount(sets: readonly NamedSet[]): number {
  return sets.reduce((n, s) => n + s.elements.length, 0);
}

function summaryText(s: RulesetSummary, withTables: boolean): string {
  const parts = [
    ...(withTables ? [countText(s.tables, 'table')] : []),
    countText(s.chains, 'chain'),
    countText(s.rules, 'rule'),
    countText(s.sets, 'set'),
    countText(s.maps, 'map'),
    countText(s.elements, 'element'),
  ];
  if (s.ipvsServices > 0) parts.push(countText(s.ipvsServices, 'IPVS service'));
  return parts.join(' · ');
}

export function countText(n: number, noun: string): string {
  return `${groupedNumber(n)} ${noun}${n === 1 ? '' : 's'}`;
}

function withRange(range: SourceRange | undefined): { range?: SourceRange } {
  return range ? { range } : {};
}

// ───────────────────────────── queries ─────────────────────────────

/** Where each node sits: its parent, for revealing a node (expanding its ancestors). */
export interface OutlineIndex {
  readonly byId: { get(id: string): OutlineNode | undefined; keys(): Iterable<string>; values(): Iterable<OutlineNode> };
  readonly parentOf: { get(id: string): string | undefined };
}

/** A subtree's ids (its root included) and each descendant's parent, down to the chains: a chain's rule rows
 *  are found through their chain (see ruleRowOf), since indexing them put 263 000 more long ids into two
 *  maps — most of the outline's preparation of a kube-proxy dump. */
interface SubtreeIndex {
  readonly byId: Map<string, OutlineNode>;
  readonly parentOf: Map<string, string>;
}

/** Table subtrees' indexes, kept per table node (built with it, possibly a slice at a time). */
const subtreeIndexes = new WeakMap<OutlineNode, SubtreeIndex>();

function* subtreeIndexSteps(root: OutlineNode): Generator<void, SubtreeIndex, void> {
  const cached = subtreeIndexes.get(root);
  if (cached) return cached;
  const index: SubtreeIndex = { byId: new Map(), parentOf: new Map() };
  const stack: OutlineNode[] = [root];
  // Counted per child, not per node: a table's chain group alone has 128 000 children.
  let work = 0;
  while (stack.length > 0) {
    const node = stack.pop()!;
    index.byId.set(node.id, node);
    if (node.kind === 'chain') continue;
    for (const child of node.children) {
      if (++work % (CHAINS_PER_STEP * 4) === 0) yield;
      index.parentOf.set(child.id, node.id);
      stack.push(child);
    }
  }
  subtreeIndexes.set(root, index);
  return index;
}

/** A rule row's id is its chain's id and `/r` and its position (buildChain). */
const RULE_ID = /^(.*)\/r(\d+)$/;

/** The rule row an id names, through its chain, with the chain's id. */
function ruleRowOf(id: string, chainOf: (id: string) => OutlineNode | undefined): { readonly row: OutlineNode; readonly chainId: string } | undefined {
  const m = RULE_ID.exec(id);
  if (!m) return undefined;
  const chain = chainOf(m[1]!);
  const row = chain?.kind === 'chain' ? chain.children[Number(m[2])] : undefined;
  return row?.id === id ? { row, chainId: chain!.id } : undefined;
}

/** Every node of a subtree index, with the chains' rule rows after each chain. */
function* nodesOf(index: SubtreeIndex): Generator<OutlineNode> {
  for (const node of index.byId.values()) {
    yield node;
    if (node.kind === 'chain') yield* node.children;
  }
}

/** Ids of the whole outline. Tables' subtrees keep their own (cached) indexes: a source re-labelled or a
 *  second source added re-indexes only the few nodes above the tables, not 400 000 rule rows. */
export function indexOutline(roots: readonly OutlineNode[]): OutlineIndex {
  const top = new Map<string, OutlineNode>();
  const topParents = new Map<string, string>();
  const tables: SubtreeIndex[] = [];
  const stack: OutlineNode[] = [...roots];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (node.kind === 'table') {
      tables.push(runToEnd(subtreeIndexSteps(node)));
      continue;
    }
    top.set(node.id, node);
    for (const child of node.children) {
      topParents.set(child.id, node.id);
      stack.push(child);
    }
  }
  const find = <T,>(id: string, own: Map<string, T>, of: (t: SubtreeIndex) => Map<string, T>): T | undefined => {
    const hit = own.get(id);
    if (hit !== undefined) return hit;
    for (const t of tables) {
      const value = of(t).get(id);
      if (value !== undefined) return value;
    }
    return undefined;
  };
  const node = (id: string): OutlineNode | undefined => find(id, top, (t) => t.byId);
  const values = function* (): Generator<OutlineNode> {
    yield* top.values();
    for (const t of tables) yield* nodesOf(t);
  };
  return {
    byId: {
      get: (id) => node(id) ?? ruleRowOf(id, node)?.row,
      keys: function* () {
        for (const n of values()) yield n.id;
      },
      values,
    },
    parentOf: { get: (id) => find(id, topParents, (t) => t.parentOf) ?? ruleRowOf(id, node)?.chainId },
  };
}

/** Ids of a node's ancestors, outermost first. */
export function ancestorsOf(index: OutlineIndex, id: string): string[] {
  const out: string[] = [];
  for (let p = index.parentOf.get(id); p !== undefined; p = index.parentOf.get(p)) out.push(p);
  return out.reverse();
}

/** The text a node and everything below it cover (null: no range anywhere below), kept per node. */
const extents = new WeakMap<OutlineNode, SourceRange | null>();

function extentOf(node: OutlineNode): SourceRange | undefined {
  const cached = extents.get(node);
  if (cached !== undefined) return cached ?? undefined;
  let extent = node.range;
  for (const child of node.children) {
    const e = extentOf(child);
    if (e) extent = extent ? { start: Math.min(extent.start, e.start), end: Math.max(extent.end, e.end) } : e;
  }
  extents.set(node, extent ?? null);
  return extent;
}

/** The node the cursor is in, by the first rule that finds one:
 *  1. the node with the smallest range containing `offset` (a rule, a chain or set block), unless the cursor
 *     is in the indentation before a smaller node that starts on the cursor's `line` inside it (a rule's line
 *     belongs to the rule, not to the chain block around it);
 *  2. the node with the smallest range starting on the cursor's `line` (a command such as `add rule ip t c …`,
 *     whose rule range starts after the command words);
 *  3. the node with the smallest extent containing `offset`, where a node's extent spans its own range and
 *     its children's (an iptables chain's `:CHAIN` line and its `-A` rules; an nft -j chain object and its
 *     rule objects after it).
 *  Every node is looked at, because in the command form (`add rule ip t c …`) a rule's text lies outside
 *  its chain's. A cursor right after a node's last character still belongs to it (end is exclusive). */
export function findNodeAtOffset(
  roots: readonly OutlineNode[],
  sourceId: string,
  offset: number,
  line?: SourceRange,
): OutlineNode | undefined {
  let byRange: OutlineNode | undefined;
  let byLine: OutlineNode | undefined;
  let byExtent: { node: OutlineNode; size: number } | undefined;
  const size = (r: SourceRange): number => r.end - r.start;
  const visit = (node: OutlineNode): void => {
    const extent = extentOf(node);
    // A subtree whose text neither holds the offset nor meets the line has no candidate for any rule below:
    // skipped, so that a cursor move in a dump of 263 000 rules looks at a few nodes, not all of them.
    if (!extent) return;
    if (!(extent.start <= offset && offset <= extent.end) && !(line && extent.start <= line.end && extent.end >= line.start)) return;
    for (const child of node.children) visit(child);
    const r = node.range;
    if (r && r.start <= offset && offset <= r.end && (!byRange?.range || size(r) < size(byRange.range))) byRange = node;
    if (r && line && r.start >= line.start && r.start <= line.end && (!byLine?.range || size(r) < size(byLine.range))) byLine = node;
    // Groups are not text: only nodes with a range of their own are candidates.
    if (r && extent && extent.start <= offset && offset <= extent.end && (!byExtent || size(extent) < byExtent.size)) {
      byExtent = { node, size: size(extent) };
    }
  };
  for (const root of roots) if (root.sourceId === sourceId) visit(root);
  // A table or source found by rule 1 is only a container: a more precise node found by rules 2 and 3 wins.
  const isContainer = (n: OutlineNode | undefined): boolean => n === undefined || n.kind === 'source' || n.kind === 'table' || n.kind === 'group';
  const before = (n: OutlineNode | undefined, outer: OutlineNode): n is OutlineNode & { range: SourceRange } =>
    n?.range !== undefined && outer.range !== undefined && n !== outer && offset < n.range.start && n.range.start >= outer.range.start && n.range.end <= outer.range.end;
  if (byRange && !isContainer(byRange)) return before(byLine, byRange) ? byLine : byRange;
  if (byLine) return byLine;
  if (byExtent && !isContainer(byExtent.node)) return byExtent.node;
  return byRange ?? byExtent?.node;
}

/** Whether a node is open when the user has not said otherwise: sources, tables, chain groups, the IPVS group
 *  and a table's only group are (the builder marks them); chains, sets and maps, which can hold thousands of
 *  rules or elements, are not. */
export function isExpandedByDefault(node: OutlineNode): boolean {
  return node.open === true;
}

export interface OutlineRow {
  readonly node: OutlineNode;
  /** 1-based depth, as `aria-level` wants it. */
  readonly level: number;
  readonly posInSet: number;
  readonly setSize: number;
  readonly expanded: boolean;
  readonly parentId?: string;
}

/** The rows a tree view shows, in order: every node whose ancestors are all expanded. */
export function visibleRows(roots: readonly OutlineNode[], expanded: Readonly<Record<string, boolean>>): OutlineRow[] {
  const rows: OutlineRow[] = [];
  const walk = (nodes: readonly OutlineNode[], level: number, parentId: string | undefined): void => {
    nodes.forEach((node, i) => {
      const open = node.children.length > 0 && (expanded[node.id] ?? isExpandedByDefault(node));
      rows.push({ node, level, posInSet: i + 1, setSize: nodes.length, expanded: open, ...(parentId !== undefined ? { parentId } : {}) });
      if (open) walk(node.children, level + 1, node.id);
    });
  };
  walk(roots, 1, undefined);
  return rows;
}
