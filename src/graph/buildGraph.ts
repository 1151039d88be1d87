// Workspace (IR) → graph model: hooks, base chains in hook order, chains, sets/maps/vmaps, flowtables,
// IPVS services and real servers, grouped by source and table, with jump/goto/vmap/set/IPVS edges;
// large families of chains collapse into aggregates so the model stays small. Pure and linear in the
// input; imports the model, parse/ (workspace checks) and this folder, never React or the DOM.
import type { Chain, IpvsService, NamedSet, ParsedSource, SourceRange, Table, Workspace } from '../model/ir.ts';
import { type NameEntry, type NameGroup, viewOf } from './aggregate.ts';
import {
  HOOK_ORDER,
  type HookedChain,
  type Positioned,
  appliesToView,
  hookNodeOrder,
  hookRank,
  hookedChains,
  isIptablesOrigin,
  isViaNatCore,
  orderOnHook,
  originOf,
  positionOf,
  priorityLabel,
  viewsOf,
} from './hooks.ts';
import {
  aggregateId,
  chainId,
  edgeId,
  flowtableId,
  hookId,
  ipvsGroupId,
  ipvsHookId,
  ipvsRealId,
  ipvsServiceId,
  missingId,
  setId,
  sourceGroupId,
  tableGroupId,
} from './ids.ts';
import { isVerdictMap, mapElementParts, exprText, ruleSummary, typeSpecText } from './references.ts';
import { chainIndexesOf, regularChainNames, tableIndex, type TableIndex } from './tableIndex.ts';
import type {
  AggregateNode,
  BaseInfo,
  ChainNode,
  EdgeRef,
  GraphEdge,
  GraphEdgeKind,
  GraphGroup,
  GraphModel,
  GraphNode,
  GraphOptions,
  GraphOrigin,
  HookView,
  ResolvedGraphOptions,
} from './types.ts';
import { lookupTable } from '../model/lookup.ts';

export const DEFAULT_GRAPH_OPTIONS: Omit<ResolvedGraphOptions, 'expanded'> = {
  maxTableNodes: 40,
  maxExpandedNodes: 60,
  maxRulesInline: 12,
  maxRealsPerService: 16,
};

/** At most this many rule/element references and map keys are kept per edge (the count says how many). */
export const MAX_REFS = 20;
export const MAX_KEYS = 20;

/** IPVS's scheduling hook functions (net/netfilter/ipvs/ip_vs_core.c, ip_vs_ops4/ip_vs_ops6):
 *  ip_vs_remote_request on LOCAL_IN at NF_IP_PRI_NAT_SRC - 1, ip_vs_local_request on LOCAL_OUT at
 *  NF_IP_PRI_NAT_DST + 2. Their reply handlers are in the pipeline (pipeline.ts). */
export const IPVS_SCHEDULE_POSITIONS: Readonly<Record<string, number>> = lookupTable({ input: 99, output: -98 });

export function resolveGraphOptions(options: GraphOptions = {}): ResolvedGraphOptions {
  const expanded = options.expanded ? [...options.expanded] : [];
  return {
    expanded: [...new Set(expanded)].sort(),
    maxTableNodes: options.maxTableNodes ?? DEFAULT_GRAPH_OPTIONS.maxTableNodes,
    maxExpandedNodes: options.maxExpandedNodes ?? DEFAULT_GRAPH_OPTIONS.maxExpandedNodes,
    maxRulesInline: options.maxRulesInline ?? DEFAULT_GRAPH_OPTIONS.maxRulesInline,
    maxRealsPerService: options.maxRealsPerService ?? DEFAULT_GRAPH_OPTIONS.maxRealsPerService,
  };
}

export function buildGraph(workspace: Workspace, options: GraphOptions = {}): GraphModel {
  const resolved = resolveGraphOptions(options);
  return new GraphBuilder(workspace, resolved, options.views).build();
}

// ───────────── shared with search and lookups ─────────────

/** The label an IPVS service is known by (and grouped by): `TCP 10.96.0.10:53`, `FWM 5`. */
export function ipvsServiceLabel(service: IpvsService): string {
  if (service.protocol === 'fwm') return `FWM ${service.fwmark ?? '?'}`;
  return `${service.protocol.toUpperCase()} ${hostPort(service.addr ?? '?', service.port ?? 0)}`;
}

export function ipvsServiceKey(service: IpvsService): string {
  if (service.protocol === 'fwm') return `fwm/${service.family ?? 'ip'}/${service.fwmark ?? '?'}`;
  return `${service.protocol}/${hostPort(service.addr ?? '?', service.port ?? 0)}`;
}

function hostPort(addr: string, port: number): string {
  return addr.includes(':') ? `[${addr}]:${port}` : `${addr}:${port}`;
}

/** Display text of a name group: `KUBE-SVC-*`, `KUBE-SVC-[A-F]*`. */
export function groupPattern(group: NameGroup): string {
  return `${group.key}*`;
}

// ───────────── builder ─────────────

interface MutableEdge {
  id: string;
  kind: GraphEdgeKind;
  source: string;
  target: string;
  count: number;
  sourceId?: string;
  refs: EdgeRef[];
  keys: string[];
  keyCount: number;
  verdict?: 'jump' | 'goto';
  weight?: number;
  share?: number;
  label?: string;
  views: HookView[];
}

/** Where an entry of a hook stands, per chain id (an inet chain is on the ip and the ip6 hooks). */
interface HookPlacement {
  position: number;
  tie: boolean;
}

class GraphBuilder {
  private readonly nodes: GraphNode[] = [];
  private readonly nodeIds = new Set<string>();
  private readonly groups: GraphGroup[] = [];
  /** source → target → edges of each kind (nested maps: no long key strings per reference). */
  private readonly edges = new Map<string, Map<string, MutableEdge[]>>();
  private readonly edgeOrder: MutableEdge[] = [];
  private readonly expanded: ReadonlySet<string>;
  private readonly hooked: HookedChain[];
  private readonly hookedSet: ReadonlySet<Chain>;
  private readonly placements = new Map<string, HookPlacement>();
  /** ipset name → visible node id (iptables `-m set` names ipsets, one namespace per netns). */
  private readonly ipsets = new Map<string, string>();
  private readonly views: readonly HookView[];

  constructor(
    private readonly workspace: Workspace,
    private readonly options: ResolvedGraphOptions,
    views: readonly HookView[] | undefined,
  ) {
    this.expanded = new Set(options.expanded);
    this.hooked = hookedChains(workspace);
    this.hookedSet = new Set(this.hooked.map((h) => h.chain));
    const ipvsFamilies = workspace.sources.flatMap((s) => s.result.ruleset.ipvs.map((v) => (v.family === 'ip6' ? ('ip6' as const) : ('ip' as const))));
    this.views = views ?? viewsOf(this.hooked, ipvsFamilies);
  }

  build(): GraphModel {
    this.placeHooks();
    const tableViews = this.workspace.sources.map((source) => source.result.ruleset.tables.map((table) => this.tableView(source, table)));
    this.collectIpsets(tableViews);
    this.workspace.sources.forEach((source, i) => this.addSource(source, tableViews[i] ?? []));
    return {
      nodes: this.nodes,
      edges: this.edgeOrder.map(finishEdge),
      groups: this.groups,
      views: this.views,
      options: this.options,
    };
  }

  private addNode(node: GraphNode): void {
    if (this.nodeIds.has(node.id)) return;
    this.nodeIds.add(node.id);
    this.nodes.push(node);
  }

  private addEdge(kind: GraphEdgeKind, source: string, target: string, extra: { ref?: EdgeRef; key?: string; sourceId?: string; verdict?: 'jump' | 'goto'; weight?: number; share?: number; label?: string; view?: HookView } = {}): void {
    if (source === target && source.startsWith('agg|')) return; // inside one aggregate
    let byTarget = this.edges.get(source);
    if (!byTarget) this.edges.set(source, (byTarget = new Map()));
    let list = byTarget.get(target);
    if (!list) byTarget.set(target, (list = []));
    let edge = list.find((e) => e.kind === kind);
    if (!edge) {
      edge = { id: edgeId(kind, source, target), kind, source, target, count: 0, refs: [], keys: [], keyCount: 0, views: [] };
      list.push(edge);
      this.edgeOrder.push(edge);
      if (extra.sourceId !== undefined) edge.sourceId = extra.sourceId;
      if (extra.verdict) edge.verdict = extra.verdict;
      if (extra.weight !== undefined) edge.weight = extra.weight;
      if (extra.share !== undefined) edge.share = extra.share;
      if (extra.label !== undefined) edge.label = extra.label;
    }
    edge.count++;
    if (extra.view !== undefined && !edge.views.includes(extra.view)) edge.views.push(extra.view);
    if (extra.ref && edge.refs.length < MAX_REFS) edge.refs.push(extra.ref);
    if (extra.key !== undefined) {
      edge.keyCount++;
      if (edge.keys.length < MAX_KEYS) edge.keys.push(extra.key);
    }
  }

  // ───────────── hooks ─────────────

  /** Hook nodes and the order of everything on each hook of each view (kernel order, ties flagged). */
  private placeHooks(): void {
    const ipvsViews = this.ipvsViews();
    for (const view of this.views) {
      const hooks = new Set(HOOK_ORDER);
      for (const h of this.hooked) hooks.add(h.hook);
      for (const hook of [...hooks].sort((a, b) => hookRank(a) - hookRank(b))) {
        type Entry = Positioned & { id: string };
        const entries: Entry[] = [];
        for (const h of this.hooked) {
          if (h.hook !== hook || !appliesToView(view, h.family, h.hook)) continue;
          entries.push({ ...positionOf(h), id: chainId(h.source.source.id, h.family, h.table.name, h.chain.name) });
        }
        const ipvsPosition = IPVS_SCHEDULE_POSITIONS[hook];
        if (ipvsPosition !== undefined && ipvsViews.has(view)) {
          entries.push({ position: ipvsPosition, inNatCore: false, priority: ipvsPosition, versions: 'all', dumpOrder: Number.MAX_SAFE_INTEGER, id: ipvsHookId(view, hook) });
        }
        if (entries.length === 0) continue;
        const ordered = orderOnHook(entries);
        const hid = hookId(view, hook);
        this.addNode({ id: hid, kind: 'hook', view, hook, order: hookNodeOrder(view, hook), label: `${view} ${hook}`, detail: [] });
        let previous = hid;
        for (const { entry, tie } of ordered) {
          const placed = this.placements.get(entry.id);
          this.placements.set(entry.id, { position: entry.position, tie: tie || (placed?.tie ?? false) });
          if (entry.id.startsWith('ipvs-hook|')) {
            this.addNode({ id: entry.id, kind: 'ipvs-hook', view, hook, priority: entry.position, tie, label: `IPVS ${hook}`, detail: [`priority ${entry.position}`, hook === 'input' ? 'schedules packets to virtual services' : 'schedules local requests'] });
          }
          this.addEdge(previous === hid ? 'hook' : 'next', previous, entry.id, previous === hid ? { view } : { label: 'accept', view });
          previous = entry.id;
        }
      }
    }
  }

  /** The views IPVS services are drawn in: ip6 services in ip6 (or inet), others in ip (or inet). */
  private ipvsViews(): Set<HookView> {
    const out = new Set<HookView>();
    for (const source of this.workspace.sources) {
      for (const service of source.result.ruleset.ipvs) {
        const view = this.ipvsViewOf(service);
        if (view) out.add(view);
      }
    }
    return out;
  }

  private ipvsViewOf(service: IpvsService): HookView | undefined {
    const own: HookView = service.family === 'ip6' ? 'ip6' : 'ip';
    if (this.views.includes(own)) return own;
    return this.views.includes('inet') ? 'inet' : undefined;
  }

  // ───────────── sources and tables ─────────────

  /** ipset name → visible node id, from ipset sources and sets that came from ipset (first source wins). */
  private collectIpsets(tableViews: readonly (readonly TableView[])[]): void {
    this.workspace.sources.forEach((source, i) => {
      for (const view of tableViews[i] ?? []) {
        const fromIpset = originOf(source, view.table) === 'ipset';
        for (const set of view.table.sets) {
          if ((fromIpset || set.ipset) && !this.ipsets.has(set.name)) this.ipsets.set(set.name, view.setOwner.get(set.name) as string);
        }
      }
    });
  }

  private addSource(source: ParsedSource, tableViews: readonly TableView[]): void {
    const sid = source.source.id;
    const gid = sourceGroupId(sid);
    this.groups.push({ id: gid, kind: 'source', label: source.source.name, detail: [source.source.format], sourceId: sid });
    for (const view of tableViews) this.addTable(source, view);
    const { ipvs } = source.result.ruleset;
    if (ipvs.length > 0) this.addIpvs(source, ipvs);
  }

  /** What a table shows: which chains and sets are own nodes and which aggregate each hidden one is in. */
  private tableView(source: ParsedSource, table: Table): TableView {
    const sid = source.source.id;
    const gid = tableGroupId(sid, table.family, table.name);
    const index = tableIndex(table);
    const chains = this.visibleEntries(regularChainNames(this.hookedSet, table), gid, 'chain');
    const sets = this.visibleEntries(index.setNames, gid, 'set');
    const chainOwner = new ChainOwners(table, chains, (name) => chainId(sid, table.family, table.name, name));
    const setOwner = new LazyOwner(hiddenNames(sets), (name) => (index.setsByName.has(name) ? setId(sid, table.family, table.name, name) : undefined));
    return { table, gid, chains, sets, chainOwner, setOwner };
  }

  /** Names of one scope → visible leaves and aggregates, following `expanded` level by level. */
  private visibleEntries(names: readonly string[], scopeId: string, of: AggregateNode['of']): VisibleEntries {
    const out: VisibleEntries = { items: [] };
    const { maxTableNodes, maxExpandedNodes } = this.options;
    const visit = (entries: readonly NameEntry[], within: string | undefined): void => {
      for (const entry of entries) {
        if (entry.kind === 'leaf') {
          out.items.push({ kind: 'leaf', name: entry.name });
          continue;
        }
        const id = aggregateId(scopeId, of, entry.group.key);
        if (this.expanded.has(id)) {
          visit(viewOf(names, maxTableNodes, maxExpandedNodes, entry.group), id);
          continue;
        }
        out.items.push({ kind: 'aggregate', id, group: entry.group, ...(within ? { within } : {}) });
      }
    };
    visit(viewOf(names, maxTableNodes, maxExpandedNodes), undefined);
    return out;
  }

  private addTable(source: ParsedSource, view: TableView): void {
    const sid = source.source.id;
    const { table, gid } = view;
    const origin = originOf(source, table);
    this.groups.push({
      id: gid,
      kind: 'table',
      label: origin === 'ipset' ? 'ipset' : `table ${table.family} ${table.name}`,
      detail: [origin, `${table.chains.length} chains · ${table.sets.length} sets`],
      parentId: sourceGroupId(sid),
      sourceId: sid,
      family: table.family,
      table: table.name,
      origin,
      ...(table.range ? { range: table.range } : {}),
    });

    // Hooked chains first, in hook and kernel order.
    const hooked = this.hooked.filter((h) => h.table === table && h.source === source);
    hooked.sort((a, b) => hookRank(a.hook) - hookRank(b.hook) || positionOf(a).position - positionOf(b).position || a.priority - b.priority || a.dumpOrder - b.dumpOrder);
    for (const h of hooked) this.addChainNode(source, table, h.chain, gid, origin, h);

    const { chainIndexByName, setsByName } = tableIndex(table);
    for (const item of view.chains.items) {
      if (item.kind === 'leaf') {
        const at = chainIndexByName.get(item.name);
        const chain = at === undefined ? undefined : table.chains[at];
        if (chain) this.addChainNode(source, table, chain, gid, origin, undefined);
      } else {
        const members: Chain[] = [];
        for (const i of chainIndexesOf(table, item.group.names)) if (i >= 0) members.push(table.chains[i] as Chain);
        this.addAggregate(item, 'chain', gid, sid, members.map((c) => c.range), members.reduce((n, c) => n + c.rules.length, 0), 'chains', 'rules');
      }
    }

    for (const item of view.sets.items) {
      if (item.kind === 'leaf') {
        const set = setsByName.get(item.name);
        if (set) this.addSetNode(sid, table, set, gid, origin);
      } else {
        const members = item.group.names.map((n) => setsByName.get(n)).filter((s): s is NamedSet => s !== undefined);
        this.addAggregate(item, 'set', gid, sid, members.map((s) => s.range), members.reduce((n, s) => n + elementCount(s), 0), 'sets', 'elements');
      }
    }

    for (const ft of table.flowtables) {
      this.addNode({
        id: flowtableId(sid, table.family, table.name, ft.name),
        kind: 'flowtable',
        family: table.family,
        table: table.name,
        name: ft.name,
        hook: ft.hook,
        priority: ft.priority.value,
        devices: ft.devices,
        label: `flowtable ${ft.name}`,
        detail: [`hook ${ft.hook} priority ${priorityLabel(ft.priority.value, ft.priority.text)}`, `devices ${ft.devices.join(', ') || '—'}`],
        parentId: gid,
        sourceId: sid,
        ...(ft.range ? { range: ft.range } : {}),
      });
    }

    this.addRuleEdges(source, view, origin);
    this.addVmapEdges(sid, view);
  }

  private addChainNode(source: ParsedSource, table: Table, chain: Chain, gid: string, origin: GraphOrigin, hooked: HookedChain | undefined): void {
    const sid = source.source.id;
    const id = chainId(sid, table.family, table.name, chain.name);
    const rulesCollapsed = chain.rules.length > this.options.maxRulesInline;
    const rules = rulesCollapsed ? undefined : chain.rules.map((rule, index) => ({ index, summary: ruleSummary(rule), ...(rule.range ? { range: rule.range } : {}) }));
    let base: BaseInfo | undefined;
    const detail: string[] = [];
    if (hooked) {
      const placement = this.placements.get(id);
      const viaNatCore = isViaNatCore(hooked);
      base = {
        type: hooked.type,
        hook: hooked.hook,
        priority: hooked.priority,
        priorityLabel: priorityLabel(hooked.priority, hooked.priorityText),
        position: placement?.position ?? positionOf(hooked).position,
        viaNatCore,
        tie: placement?.tie ?? false,
        implied: hooked.implied,
        backend: hooked.backend,
        ...(hooked.policy ? { policy: hooked.policy } : {}),
        ...(hooked.devices ? { devices: hooked.devices } : {}),
      };
      detail.push(`type ${base.type} hook ${base.hook}${base.devices ? ` devices ${base.devices.join(',')}` : ''}`);
      detail.push(`priority ${base.priorityLabel}${viaNatCore ? ` · via NAT core (${base.position})` : ''}${base.tie ? ' · tie' : ''}`);
      if (base.policy) detail.push(`policy ${base.policy}`);
    }
    detail.push(`${chain.rules.length} rule${chain.rules.length === 1 ? '' : 's'}`);
    const node: ChainNode = {
      id,
      kind: hooked ? 'base-chain' : 'chain',
      family: table.family,
      table: table.name,
      name: chain.name,
      origin,
      ruleCount: chain.rules.length,
      rulesCollapsed,
      label: chain.name,
      detail,
      parentId: gid,
      sourceId: sid,
      ...(rules ? { rules } : {}),
      ...(base ? { base } : {}),
      ...(chain.comment ? { comment: chain.comment } : {}),
      ...(chain.range ? { range: chain.range } : {}),
    };
    this.addNode(node);
  }

  private addSetNode(sid: string, table: Table, set: NamedSet, gid: string, origin: GraphOrigin): void {
    const kind = set.kind === 'set' ? 'set' : isVerdictMap(set) ? 'vmap' : 'map';
    const keyType = set.ipset ? set.ipset.type : typeSpecText(set.key);
    const dataType = set.kind === 'map' ? (set.objectData ?? typeSpecText(set.data)) : undefined;
    const count = elementCount(set);
    this.addNode({
      id: setId(sid, table.family, table.name, set.name),
      kind,
      family: table.family,
      table: table.name,
      name: set.name,
      origin,
      elementCount: count,
      keyType,
      label: `${kind} ${set.name}`,
      detail: [dataType ? `${keyType} : ${dataType}` : keyType, `${count} element${count === 1 ? '' : 's'}`],
      parentId: gid,
      sourceId: sid,
      ...(dataType ? { dataType } : {}),
      ...(set.flags && set.flags.length > 0 ? { flags: set.flags } : {}),
      ...(set.comment ? { comment: set.comment } : {}),
      ...(set.range ? { range: set.range } : {}),
    });
  }

  private addAggregate(item: VisibleAggregate, of: AggregateNode['of'], parentId: string, sid: string, ranges: readonly (SourceRange | undefined)[], innerCount: number, noun: string, innerNoun: string): void {
    const first = ranges.find((r) => r !== undefined);
    const count = item.group.names.length;
    this.addNode({
      id: item.id,
      kind: 'aggregate',
      of,
      prefix: item.group.prefix,
      count,
      innerCount,
      sample: item.group.names.slice(0, 3),
      label: `${groupPattern(item.group)} (${count} ${noun})`,
      detail: [`${innerCount} ${innerNoun}`],
      parentId,
      sourceId: sid,
      ...(item.group.charRange ? { charRange: item.group.charRange } : {}),
      ...(item.within ? { within: item.within } : {}),
      ...(first ? { range: first } : {}),
    });
  }

  /** Edges of every rule of the table (hidden chains included: their edges go to their aggregate). */
  private addRuleEdges(source: ParsedSource, view: TableView, origin: GraphOrigin): void {
    const sid = source.source.id;
    const { table, gid } = view;
    const iptables = isIptablesOrigin(origin) || source.source.format === 'iptables';
    const { refsByChain, firstOfName } = tableIndex(table);
    refsByChain.forEach((rulesWithRefs, chainIndex) => {
      if (rulesWithRefs.length === 0) return;
      const from = view.chainOwner.ofIndex(firstOfName[chainIndex] ?? chainIndex);
      for (const { at: ref, refs, targets } of rulesWithRefs) {
        refs.forEach((r, i) => {
          // Chains are found by the index the table index resolved once, not by name on every build.
          const chainTarget = (name: string): string => {
            const target = targets[i] ?? -1;
            return target >= 0 ? view.chainOwner.ofIndex(target) : this.missing(gid, 'chain', name);
          };
          switch (r.kind) {
            case 'jump':
            case 'goto':
              this.addEdge(r.kind, from, chainTarget(r.target), { ref, sourceId: sid });
              break;
            case 'vmap':
              this.addEdge('vmap', from, chainTarget(r.target), { ref, key: r.key, sourceId: sid, verdict: r.verdict });
              break;
            case 'lookup':
            case 'update':
              this.addEdge(r.kind, from, this.setTarget(view, r.set, r.viaIpset || iptables), { ref, sourceId: sid });
              break;
            case 'flow': {
              const ft = table.flowtables.find((f) => f.name === r.flowtable);
              this.addEdge('flow', from, ft ? flowtableId(sid, table.family, table.name, ft.name) : this.missing(gid, 'set', r.flowtable), { ref, sourceId: sid });
              break;
            }
          }
        });
      }
    });
  }

  /** Branches of named verdict maps: map → each target chain, with the keys that lead there. */
  private addVmapEdges(sid: string, view: TableView): void {
    for (const set of view.table.sets) {
      if (!isVerdictMap(set)) continue;
      const from = view.setOwner.get(set.name) as string;
      for (const element of set.elements) {
        const { key, data } = mapElementParts(element);
        if (data?.kind !== 'verdict') continue;
        const v = data.verdict;
        if (v.kind !== 'jump' && v.kind !== 'goto') continue;
        this.addEdge('vmap', from, this.chainTarget(view, v.target), { key: exprText(key), sourceId: sid, verdict: v.kind, ...(element.range ? { ref: { range: element.range } } : {}) });
      }
    }
  }

  private chainTarget(view: TableView, name: string): string {
    return view.chainOwner.get(name) ?? this.missing(view.gid, 'chain', name);
  }

  /** nft rules name sets of their own table; iptables rules name ipsets (else a set of their table). */
  private setTarget(view: TableView, name: string, ipset: boolean): string {
    const own = view.setOwner.get(name);
    if (ipset) return this.ipsets.get(name) ?? own ?? this.missing(view.gid, 'set', name);
    return own ?? this.missing(view.gid, 'set', name);
  }

  private missing(gid: string, of: 'chain' | 'set', name: string): string {
    const id = missingId(gid, of, name);
    this.addNode({ id, kind: 'missing', name, of, label: name, detail: [of === 'chain' ? 'chain not defined' : 'set not defined'], parentId: gid });
    return id;
  }

  // ───────────── IPVS ─────────────

  private addIpvs(source: ParsedSource, services: readonly IpvsService[]): void {
    const sid = source.source.id;
    const gid = ipvsGroupId(sid);
    const reals = services.reduce((n, s) => n + s.reals.length, 0);
    this.groups.push({ id: gid, kind: 'ipvs', label: 'IPVS', detail: [`${services.length} virtual services · ${reals} real servers`], parentId: sourceGroupId(sid), sourceId: sid, origin: 'ipvs' });
    const byLabel = new Map<string, IpvsService>();
    for (const service of services) if (!byLabel.has(ipvsServiceLabel(service))) byLabel.set(ipvsServiceLabel(service), service);
    const visible = this.visibleEntries([...byLabel.keys()], gid, 'ipvs-service');
    for (const item of visible.items) {
      if (item.kind === 'aggregate') {
        const members = item.group.names.map((n) => byLabel.get(n) as IpvsService);
        this.addAggregate(item, 'ipvs-service', gid, sid, members.map((s) => s.range), members.reduce((n, s) => n + s.reals.length, 0), 'services', 'real servers');
        const view = members[0] ? this.ipvsViewOf(members[0]) : undefined;
        if (view) for (const member of members) this.addEdge('ipvs', ipvsHookId(view, 'input'), item.id, { sourceId: sid, ...(member.range ? { ref: { range: member.range } } : {}) });
        continue;
      }
      const service = byLabel.get(item.name) as IpvsService;
      this.addIpvsService(sid, gid, service);
    }
  }

  private addIpvsService(sid: string, gid: string, service: IpvsService): void {
    const id = ipvsServiceId(sid, ipvsServiceKey(service));
    const shown = (field: string): boolean => !service.notShown?.includes(field);
    this.addNode({
      id,
      kind: 'ipvs-service',
      protocol: service.protocol,
      scheduler: service.scheduler,
      realCount: service.reals.length,
      label: ipvsServiceLabel(service),
      detail: [`${shown('scheduler') ? service.scheduler : 'scheduler not shown'}${service.persistent ? ` · persistent ${service.persistent.timeout}` : ''}`, `${service.reals.length} real server${service.reals.length === 1 ? '' : 's'}`],
      parentId: gid,
      sourceId: sid,
      ...(service.addr !== undefined ? { addr: service.addr } : {}),
      ...(service.port !== undefined ? { port: service.port } : {}),
      ...(service.fwmark !== undefined ? { fwmark: service.fwmark } : {}),
      ...(service.persistent ? { persistent: service.persistent.timeout } : {}),
      ...(service.notShown ? { notShown: service.notShown } : {}),
      ...(service.range ? { range: service.range } : {}),
    });
    const view = this.ipvsViewOf(service);
    if (view) this.addEdge('ipvs', ipvsHookId(view, 'input'), id, { sourceId: sid, ...(service.range ? { ref: { range: service.range } } : {}) });

    const realsAggregate = aggregateId(id, 'ipvs-real', '');
    if (service.reals.length > this.options.maxRealsPerService && !this.expanded.has(realsAggregate)) {
      const group: NameGroup = { key: '', prefix: '', names: service.reals.map((r) => hostPort(r.addr, r.port)) };
      this.addAggregate({ kind: 'aggregate', id: realsAggregate, group }, 'ipvs-real', gid, sid, service.reals.map((r) => r.range), service.reals.length, 'real servers', 'real servers');
      this.addEdge('schedule', id, realsAggregate, { sourceId: sid, label: `${service.reals.length} real servers` });
      return;
    }
    // Shares by weight: wrr/wlc/… send new connections in proportion to weight; weight 0 takes none.
    const weightShown = service.reals.every((r) => !r.notShown?.includes('weight'));
    const total = service.reals.reduce((n, r) => n + Math.max(0, r.weight), 0);
    for (const real of service.reals) {
      const addrPort = hostPort(real.addr, real.port);
      const rid = ipvsRealId(sid, addrPort);
      const methodShown = !real.notShown?.includes('method');
      this.addNode({ id: rid, kind: 'ipvs-real', addr: real.addr, port: real.port, method: methodShown ? real.method : '?', label: addrPort, detail: [methodShown ? real.method : 'method not shown'], parentId: gid, sourceId: sid, ...(real.range ? { range: real.range } : {}) });
      const share = weightShown && total > 0 ? Math.max(0, real.weight) / total : undefined;
      const label = !weightShown ? 'weight not shown' : share === undefined ? `w ${real.weight}` : `w ${real.weight} · ${formatShare(share)}`;
      this.addEdge('schedule', id, rid, { sourceId: sid, label, ...(weightShown ? { weight: real.weight } : {}), ...(share !== undefined ? { share } : {}), ...(real.range ? { ref: { range: real.range } } : {}) });
    }
  }
}

interface VisibleAggregate {
  readonly kind: 'aggregate';
  readonly id: string;
  readonly group: NameGroup;
  readonly within?: string;
}

interface VisibleEntries {
  /** Leaves and the collapsed aggregates (whose members are hidden). */
  readonly items: ({ readonly kind: 'leaf'; readonly name: string } | VisibleAggregate)[];
}

/** Hidden name → the aggregate that shows it. */
function hiddenNames(entries: VisibleEntries): Map<string, string> {
  const owner = new Map<string, string>();
  for (const item of entries.items) if (item.kind === 'aggregate') for (const name of item.group.names) owner.set(name, item.id);
  return owner;
}

interface TableView {
  readonly table: Table;
  readonly gid: string;
  readonly chains: VisibleEntries;
  readonly sets: VisibleEntries;
  /** Every chain name → its visible node id (itself or its aggregate). */
  readonly chainOwner: ChainOwners;
  readonly setOwner: LazyOwner;
}

/** Name → visible node id: the aggregate of a hidden name, else the name's own id (made on first use). */
class LazyOwner {
  private readonly own = new Map<string, string | undefined>();

  constructor(
    private readonly hidden: ReadonlyMap<string, string>,
    private readonly idOf: (name: string) => string | undefined,
  ) {}

  get(name: string): string | undefined {
    const aggregate = this.hidden.get(name);
    if (aggregate !== undefined) return aggregate;
    if (this.own.has(name)) return this.own.get(name);
    const id = this.idOf(name);
    this.own.set(name, id);
    return id;
  }
}

/** Chain → visible node id, by the chain's index in its table: an array filled from the collapsed
 *  aggregates' member indexes (cached per aggregate), so a 128 000-chain table costs array writes per
 *  build rather than a name lookup per rule reference. */
class ChainOwners {
  private readonly byIndex: (string | undefined)[];
  private readonly index: TableIndex;

  constructor(
    private readonly table: Table,
    visible: VisibleEntries,
    private readonly idOf: (name: string) => string,
  ) {
    this.index = tableIndex(table);
    this.byIndex = new Array<string | undefined>(table.chains.length);
    for (const item of visible.items) {
      if (item.kind !== 'aggregate') continue;
      for (const i of chainIndexesOf(table, item.group.names)) if (i >= 0) this.byIndex[i] = item.id;
    }
  }

  /** The node showing the chain at `index` (the first chain of its name): its aggregate or its own node. */
  ofIndex(index: number): string {
    let id = this.byIndex[index];
    if (id === undefined) this.byIndex[index] = id = this.idOf((this.table.chains[index] as Chain).name);
    return id;
  }

  get(name: string): string | undefined {
    const index = this.index.chainIndexByName.get(name);
    return index === undefined ? undefined : this.ofIndex(index);
  }
}

function elementCount(set: NamedSet): number {
  return set.elements.length > 0 ? set.elements.length : (set.ipset?.entries ?? 0);
}

function formatShare(share: number): string {
  const pct = share * 100;
  return `${Number.isInteger(pct) ? pct : pct.toFixed(1)}%`;
}

function finishEdge(e: MutableEdge): GraphEdge {
  let label = e.label;
  if (e.kind === 'vmap' && e.keyCount > 0) {
    label = e.keyCount <= 3 ? e.keys.join(', ') : `${e.keys[0]}, … (${e.keyCount} keys)`;
  } else if ((e.kind === 'jump' || e.kind === 'goto') && e.count > 1) {
    label = `${e.kind} ×${e.count}`;
  }
  return {
    id: e.id,
    kind: e.kind,
    source: e.source,
    target: e.target,
    count: e.count,
    ...(label !== undefined ? { label } : {}),
    ...(e.sourceId !== undefined ? { sourceId: e.sourceId } : {}),
    ...(e.refs.length > 0 ? { refs: e.refs } : {}),
    ...(e.keyCount > 0 ? { keys: e.keys, keyCount: e.keyCount } : {}),
    ...(e.verdict ? { verdict: e.verdict } : {}),
    ...(e.weight !== undefined ? { weight: e.weight } : {}),
    ...(e.share !== undefined ? { share: e.share } : {}),
    ...(e.views.length > 0 ? { views: e.views } : {}),
  };
}

