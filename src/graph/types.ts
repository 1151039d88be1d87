// Types of the graph model (IR → nodes, edges, groups) and of its layout. Plain JSON-serialisable data
// that crosses into a worker; imports only IR types, never React or the DOM.
import type { Family, SourceRange, TableOrigin } from '../model/ir.ts';

/** Where hooks of one kind of traffic live. `ip`/`ip6`: IPv4/IPv6 hooks (the inet tables' chains join
 *  both); `inet`: both at once, used when the workspace has only inet tables; `netdev`: ingress/egress
 *  of devices (netdev tables and inet ingress chains); `bridge`, `arp`: their own hooks. */
export type HookView = 'ip' | 'ip6' | 'inet' | 'bridge' | 'arp' | 'netdev';

/** Who made a chain or set: nft itself, an iptables flavour, ipset, IPVS. */
export type GraphOrigin = TableOrigin | 'ipvs';

/** Which hook implementation runs a chain: nf_tables (nft, iptables-nft) or xtables (iptables-legacy). */
export type Backend = 'nf_tables' | 'xtables' | 'unknown';

export type GraphNodeKind =
  | 'hook'
  | 'base-chain'
  | 'chain'
  | 'set'
  | 'map'
  | 'vmap'
  | 'flowtable'
  | 'ipvs-hook'
  | 'ipvs-service'
  | 'ipvs-real'
  | 'aggregate'
  | 'missing';

interface NodeCommon {
  /** Stable across re-parses: derived from source id, family, table and name (see ids.ts). */
  readonly id: string;
  readonly label: string;
  /** Extra lines for the node body (priority, policy, counts), ready to show. */
  readonly detail: readonly string[];
  /** The group (table or IPVS group) that contains the node; absent for hooks. */
  readonly parentId?: string;
  /** The source whose text defines the node, and the node's range in it (reveal on select). */
  readonly sourceId?: string;
  readonly range?: SourceRange;
}

/** A hook of one view, e.g. `ip prerouting`. `order` sorts hooks along the packet path. */
export interface HookNode extends NodeCommon {
  readonly kind: 'hook';
  readonly view: HookView;
  readonly hook: string;
  readonly order: number;
}

/** Where a hooked chain sits on its hook. */
export interface BaseInfo {
  readonly type: string;
  readonly hook: string;
  /** The chain's own priority, and `dstnat (-100)` style text. */
  readonly priority: number;
  readonly priorityLabel: string;
  /** Position on the hook: the priority, or for nat chains the NAT core's (they run from it). */
  readonly position: number;
  readonly viaNatCore: boolean;
  readonly policy?: 'accept' | 'drop';
  readonly devices?: readonly string[];
  /** Another entry of the same hook runs at the same position: the kernel's order is not in the dump. */
  readonly tie: boolean;
  /** An iptables built-in chain whose hook and priority come from the table's name, not from the dump. */
  readonly implied: boolean;
  readonly backend: Backend;
}

/** One rule of a small chain, listed inline (chains above `maxRulesInline` only show their count). */
export interface RuleSummary {
  readonly index: number;
  readonly range?: SourceRange;
  /** Short text: the rule's verdict and where it goes (`jump KUBE-SVC-X`, `vmap @service-ips`, `dnat`). */
  readonly summary: string;
}

export interface ChainNode extends NodeCommon {
  readonly kind: 'base-chain' | 'chain';
  readonly family: Family;
  readonly table: string;
  readonly name: string;
  readonly origin: GraphOrigin;
  readonly ruleCount: number;
  readonly rules?: readonly RuleSummary[];
  /** The chain has more than `maxRulesInline` rules: only the count is shown. */
  readonly rulesCollapsed: boolean;
  readonly base?: BaseInfo;
  readonly comment?: string;
}

export interface SetNode extends NodeCommon {
  readonly kind: 'set' | 'map' | 'vmap';
  readonly family: Family;
  readonly table: string;
  readonly name: string;
  readonly origin: GraphOrigin;
  /** Elements listed in the dump (or `Number of entries` of an `ipset list -terse`). */
  readonly elementCount: number;
  /** `ipv4_addr . inet_proto . inet_service`, `typeof ip saddr`, or the ipset type `hash:ip,port`. */
  readonly keyType: string;
  readonly dataType?: string;
  readonly flags?: readonly string[];
  readonly comment?: string;
}

export interface FlowtableNode extends NodeCommon {
  readonly kind: 'flowtable';
  readonly family: Family;
  readonly table: string;
  readonly name: string;
  readonly hook: string;
  readonly priority: number;
  readonly devices: readonly string[];
}

/** IPVS's own netfilter hook function at its position on a hook (net/netfilter/ipvs/ip_vs_core.c). */
export interface IpvsHookNode extends NodeCommon {
  readonly kind: 'ipvs-hook';
  readonly view: HookView;
  readonly hook: string;
  readonly priority: number;
  readonly tie: boolean;
}

export interface IpvsServiceNode extends NodeCommon {
  readonly kind: 'ipvs-service';
  readonly protocol: 'tcp' | 'udp' | 'sctp' | 'fwm';
  readonly addr?: string;
  readonly port?: number;
  readonly fwmark?: number;
  readonly scheduler: string;
  readonly realCount: number;
  readonly persistent?: number;
  /** Fields the listing did not show (ipvsadm defaults stand in for them). */
  readonly notShown?: readonly string[];
}

export interface IpvsRealNode extends NodeCommon {
  readonly kind: 'ipvs-real';
  readonly addr: string;
  readonly port: number;
  readonly method: string;
}

/** Many chains, sets, IPVS services or real servers shown as one node; expand it with
 *  `options.expanded`. Members are the names starting with `prefix` (and, for a range bucket, whose next
 *  character is within `range`). */
export interface AggregateNode extends NodeCommon {
  readonly kind: 'aggregate';
  readonly of: 'chain' | 'set' | 'ipvs-service' | 'ipvs-real';
  readonly prefix: string;
  readonly charRange?: readonly [string, string];
  readonly count: number;
  /** Sum of rules (chains) or elements (sets) or real servers (IPVS services) of the members. */
  readonly innerCount: number;
  /** A few member names, for the tooltip. */
  readonly sample: readonly string[];
  /** Present when the aggregate is itself inside an expanded aggregate. */
  readonly within?: string;
}

/** Target of a jump/goto or a set reference that no source defines. */
export interface MissingNode extends NodeCommon {
  readonly kind: 'missing';
  readonly name: string;
  readonly of: 'chain' | 'set';
}

export type GraphNode =
  | HookNode
  | ChainNode
  | SetNode
  | FlowtableNode
  | IpvsHookNode
  | IpvsServiceNode
  | IpvsRealNode
  | AggregateNode
  | MissingNode;

export type GraphEdgeKind =
  /** hook → first entry (base chain or IPVS) on it */
  | 'hook'
  /** entry → next entry on the same hook: what an `accept` continues to */
  | 'next'
  | 'jump'
  | 'goto'
  /** verdict map branch: named vmap → target chain, or chain with an inline vmap → target chain */
  | 'vmap'
  /** chain reads a set/map (`@name`, `vmap @name`, `-m set --match-set`) */
  | 'lookup'
  /** chain writes a set/map (`add @s { … }`, `update @m`, `-j SET`) */
  | 'update'
  /** chain offloads to a flowtable (`flow add @ft`) */
  | 'flow'
  /** IPVS hook → virtual service */
  | 'ipvs'
  /** virtual service → real server */
  | 'schedule';

/** Where an edge comes from: a rule (index in its chain, 0-based) or a map element. */
export interface EdgeRef {
  readonly ruleIndex?: number;
  readonly range?: SourceRange;
}

export interface GraphEdge {
  /** Stable: `kind:source→target`. One edge per kind and pair of visible nodes. */
  readonly id: string;
  readonly kind: GraphEdgeKind;
  readonly source: string;
  readonly target: string;
  readonly label?: string;
  /** How many rule references / map elements / member pairs the edge stands for. */
  readonly count: number;
  readonly sourceId?: string;
  /** The first references (at most `MAX_REFS`), for reveal-on-select. */
  readonly refs?: readonly EdgeRef[];
  /** vmap edges: the keys that lead to the target (first `MAX_KEYS`), how many in all, and the verdict. */
  readonly keys?: readonly string[];
  readonly keyCount?: number;
  readonly verdict?: 'jump' | 'goto';
  /** schedule edges: the real server's weight and its share of new connections (0…1, by weight). */
  readonly weight?: number;
  readonly share?: number;
  /** hook and next edges: the hook views whose order they belong to (an inet chain's successor may
   *  differ between the ip and the ip6 hooks). */
  readonly views?: readonly HookView[];
}

export interface GraphGroup {
  readonly id: string;
  readonly kind: 'source' | 'table' | 'ipvs';
  readonly label: string;
  readonly detail: readonly string[];
  readonly parentId?: string;
  readonly sourceId: string;
  readonly family?: Family;
  readonly table?: string;
  readonly origin?: GraphOrigin;
  readonly range?: SourceRange;
}

export interface GraphOptions {
  /** Aggregate ids to show expanded. */
  readonly expanded?: ReadonlySet<string> | readonly string[];
  /** Most chains (and, separately, sets) a table shows before grouping them into aggregates. */
  readonly maxTableNodes?: number;
  /** Most nodes an expanded aggregate shows before grouping its members further. */
  readonly maxExpandedNodes?: number;
  /** Chains with more rules show only the count. */
  readonly maxRulesInline?: number;
  /** Services with more real servers show them as one aggregate. */
  readonly maxRealsPerService?: number;
  /** Views to draw hooks for (default: those the workspace uses). */
  readonly views?: readonly HookView[];
}

/** The options after defaults, recorded in the model so that search and lookups reproduce its grouping. */
export interface ResolvedGraphOptions {
  readonly expanded: readonly string[];
  readonly maxTableNodes: number;
  readonly maxExpandedNodes: number;
  readonly maxRulesInline: number;
  readonly maxRealsPerService: number;
}

export interface GraphModel {
  readonly nodes: readonly GraphNode[];
  readonly edges: readonly GraphEdge[];
  readonly groups: readonly GraphGroup[];
  readonly views: readonly HookView[];
  readonly options: ResolvedGraphOptions;
}

// ───────────── layout ─────────────

export interface Box {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

export interface Point {
  readonly x: number;
  readonly y: number;
}

export interface LayoutOptions {
  /** The previous layout: groups and nodes that are still there keep their place (see layout.ts). */
  readonly previous?: LayoutResult;
  /** Gap between containers, px. */
  readonly spacing?: number;
}

export interface LayoutResult {
  /** Absolute positions (top-left) and sizes of every node and group of the model. */
  readonly positions: Readonly<Record<string, Box>>;
  /** Routes of the edges laid out inside one table (absolute points, start to end). */
  readonly edgeRoutes?: Readonly<Record<string, readonly Point[]>>;
}
