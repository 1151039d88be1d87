// Which chains of a workspace sit on which hook, at which position, in which order: the one place that
// decides this for both the graph (fall-through edges) and the pipeline diagram. Pure; imports the model
// and the workspace checks of parse/ (which know iptables-nft compat tables).
import type { Chain, Family, ParsedSource, Table, Workspace } from '../model/ir.ts';
import { IPTABLES_HOOK_OF, NF_IP_PRI, iptablesChainPriority, priorityTextOf } from '../model/priorities.ts';
import { isXtablesCompatTable } from '../parse/workspace.ts';
import type { Backend, GraphOrigin, HookView } from './types.ts';
import { lookupTable } from '../model/lookup.ts';

/** Hooks in packet-path order (netdev ingress first, egress last). */
export const HOOK_ORDER: readonly string[] = ['ingress', 'prerouting', 'input', 'forward', 'output', 'postrouting', 'egress'];

export function hookRank(hook: string): number {
  const i = HOOK_ORDER.indexOf(hook);
  return i < 0 ? HOOK_ORDER.length : i;
}

/** Where the NAT core calls nat-type chains from (nf_nat_ipv4_ops / nf_nat_ipv6_ops in
 *  net/netfilter/nf_nat_proto.c: NAT_DST on PRE_ROUTING and LOCAL_OUT, NAT_SRC on LOCAL_IN and
 *  POST_ROUTING). Observed on Linux 6.18 with the kernel oracle: a `type nat hook prerouting priority -300`
 *  chain still runs after a filter chain at -150 (netfilter-semantics.md, "Observed on this kernel"). */
export const NAT_CORE_POSITION: Readonly<Record<string, number>> = lookupTable({
  prerouting: NF_IP_PRI.NAT_DST,
  output: NF_IP_PRI.NAT_DST,
  input: NF_IP_PRI.NAT_SRC,
  postrouting: NF_IP_PRI.NAT_SRC,
});

/** A chain attached to a hook: an nft base chain, or an iptables built-in chain. */
export interface HookedChain {
  readonly source: ParsedSource;
  readonly table: Table;
  readonly chain: Chain;
  readonly family: Family;
  readonly hook: string;
  readonly type: string;
  readonly priority: number;
  /** As written (`dstnat`, `filter - 10`) or, when written as a number, the name it corresponds to. */
  readonly priorityText?: string;
  readonly policy?: 'accept' | 'drop';
  readonly devices?: readonly string[];
  /** Hook and priority inferred from an iptables table and built-in chain name (no base spec in the IR). */
  readonly implied: boolean;
  readonly origin: GraphOrigin;
  readonly backend: Backend;
  /** Position in the workspace (source, table, chain order): the order kept for ties. */
  readonly dumpOrder: number;
}

const IPTABLES_ORIGINS: ReadonlySet<string> = new Set(['iptables', 'iptables-nft', 'iptables-legacy']);

/** Who made a table: its recorded origin, else iptables for iptables-save sources, iptables-nft for a
 *  compat table seen through nft, else nft. */
export function originOf(source: ParsedSource, table: Table): GraphOrigin {
  if (table.origin) return table.origin;
  switch (source.source.format) {
    case 'iptables':
      return 'iptables';
    case 'ipset':
      return 'ipset';
    case 'ipvs':
      return 'ipvs';
    default:
      return isXtablesCompatTable(table) ? 'iptables-nft' : 'nft';
  }
}

export function isIptablesOrigin(origin: GraphOrigin): boolean {
  return IPTABLES_ORIGINS.has(origin);
}

export function backendOf(origin: GraphOrigin): Backend {
  if (origin === 'iptables-legacy') return 'xtables';
  if (origin === 'nft' || origin === 'iptables-nft') return 'nf_tables';
  return 'unknown';
}

/** Priority of a built-in chain of an xtables table: iptables/ip6tables (priorities.ts), ebtables
 *  (NF_BR_PRI_FILTER_BRIDGED -200, NAT_DST_BRIDGED -300, NAT_DST_OTHER 100, NAT_SRC 300 in
 *  linux/netfilter_bridge.h), arptables (0). */
export function builtinChainPriority(family: Family, table: string, chain: string): number | undefined {
  if (family === 'ip' || family === 'ip6') return iptablesChainPriority(table, chain);
  if (family === 'arp') return table === 'filter' ? 0 : undefined;
  if (family === 'bridge') {
    if (table === 'filter') return -200;
    if (table === 'nat') return chain === 'PREROUTING' ? -300 : chain === 'OUTPUT' ? 100 : chain === 'POSTROUTING' ? 300 : undefined;
  }
  return undefined;
}

/** The text of a priority for labels: `dstnat (-100)`, `-110`, `filter - 10 (-10)`. */
export function priorityLabel(value: number, text: string | undefined): string {
  if (value === NF_IP_PRI.CONNTRACK_CONFIRM) return 'INT_MAX';
  return text && text !== String(value) ? `${text} (${value})` : String(value);
}

/** Every hooked chain of the workspace, in dump order. */
export function hookedChains(workspace: Workspace): HookedChain[] {
  const out: HookedChain[] = [];
  let order = 0;
  for (const source of workspace.sources) {
    for (const table of source.result.ruleset.tables) {
      const origin = originOf(source, table);
      for (const chain of table.chains) {
        const hooked = hookedChainOf(source, table, chain, origin, order);
        if (hooked) out.push(hooked);
        order++;
      }
    }
  }
  return out;
}

function hookedChainOf(source: ParsedSource, table: Table, chain: Chain, origin: GraphOrigin, dumpOrder: number): HookedChain | undefined {
  const common = { source, table, chain, family: table.family, origin, backend: backendOf(origin), dumpOrder };
  if (chain.base) {
    const value = chain.base.priority.value;
    const text = chain.base.priority.text ?? priorityTextOf(table.family, value);
    return {
      ...common,
      hook: chain.base.hook,
      type: chain.base.type,
      priority: value,
      ...(text !== undefined ? { priorityText: text } : {}),
      ...(chain.base.policy ? { policy: chain.base.policy } : {}),
      ...(chain.base.devices ? { devices: chain.base.devices } : {}),
      implied: false,
    };
  }
  // iptables-save has no base chain specs: the built-in chain names say where they hook.
  if (!isIptablesOrigin(origin)) return undefined;
  const hook = IPTABLES_HOOK_OF[chain.name];
  const priority = builtinChainPriority(table.family, table.name, chain.name);
  if (hook === undefined || priority === undefined) return undefined;
  const text = priorityTextOf(table.family, priority);
  return {
    ...common,
    hook,
    type: table.name === 'nat' ? 'nat' : 'filter',
    priority,
    ...(text !== undefined ? { priorityText: text } : {}),
    implied: true,
  };
}

// ───────────── views ─────────────

/** The IP versions a table family's chains see. */
export function ipVersionsOf(family: Family): readonly (4 | 6)[] {
  return family === 'ip' ? [4] : family === 'ip6' ? [6] : family === 'inet' ? [4, 6] : [];
}

/** Does a chain of this family on this hook run in the view? ip/ip6/inet views take the IP families;
 *  ingress and egress belong to the netdev view (inet ingress chains run on the device's ingress hook,
 *  ordered with netdev chains: nft_chain_filter.c registers them as NFPROTO_NETDEV hooks). */
export function appliesToView(view: HookView, family: Family, hook: string): boolean {
  const deviceHook = hook === 'ingress' || hook === 'egress';
  switch (view) {
    case 'ip':
      return !deviceHook && (family === 'ip' || family === 'inet');
    case 'ip6':
      return !deviceHook && (family === 'ip6' || family === 'inet');
    case 'inet':
      return !deviceHook && (family === 'ip' || family === 'ip6' || family === 'inet');
    case 'netdev':
      return family === 'netdev' || (family === 'inet' && deviceHook);
    case 'bridge':
      return family === 'bridge';
    case 'arp':
      return family === 'arp';
  }
}

/** The hook views a workspace uses. One `inet` view when there are only inet tables; otherwise `ip` and
 *  `ip6` separately (the inet chains join both, since both kinds of packets pass them). */
export function viewsOf(chains: readonly HookedChain[], ipvsFamilies: readonly ('ip' | 'ip6')[] = []): HookView[] {
  const families = new Set<string>(chains.map((c) => (c.family === 'inet' && (c.hook === 'ingress' || c.hook === 'egress') ? 'netdev' : c.family)));
  for (const f of ipvsFamilies) families.add(f);
  const views: HookView[] = [];
  const hasIp = families.has('ip');
  const hasIp6 = families.has('ip6');
  const hasInet = families.has('inet');
  if (families.has('netdev')) views.push('netdev');
  if (!hasIp && !hasIp6) {
    if (hasInet) views.push('inet');
  } else {
    if (hasIp || hasInet) views.push('ip');
    if (hasIp6 || hasInet) views.push('ip6');
  }
  if (families.has('bridge')) views.push('bridge');
  if (families.has('arp')) views.push('arp');
  return views;
}

export const VIEW_ORDER: readonly HookView[] = ['netdev', 'inet', 'ip', 'ip6', 'bridge', 'arp'];

/** Sort key of a hook node: netdev ingress first, then each view's hooks in packet order, netdev egress last. */
export function hookNodeOrder(view: HookView, hook: string): number {
  if (view === 'netdev') return hook === 'egress' ? 10_000 : hookRank(hook);
  return 100 * (VIEW_ORDER.indexOf(view) + 1) + hookRank(hook);
}

// ───────────── order on a hook ─────────────

/** Something that runs at a position on a hook. */
export interface Positioned {
  /** Where it runs among the hook's functions. */
  readonly position: number;
  /** Called from the NAT core: ordered among nat chains by `priority`. */
  readonly inNatCore: boolean;
  readonly priority: number;
  /** Which IP versions pass it (ties only matter between entries the same packet passes). */
  readonly versions: readonly (4 | 6)[] | 'all';
  readonly dumpOrder: number;
}

/** Sorts entries into kernel order (position; inside the NAT core, own priority) keeping dump order for
 *  equal keys, and says which ones tie. The kernel runs equal priorities in an order the dump does not
 *  show (nf_hook_entries_grow in net/netfilter/core.c inserts a new hook before existing ones of the same
 *  priority, so it depends on registration history): keep the dump's order and flag it. */
export function orderOnHook<T extends Positioned>(entries: readonly T[]): { entry: T; tie: boolean }[] {
  const sorted = [...entries].sort(
    (a, b) =>
      a.position - b.position ||
      Number(a.inNatCore) - Number(b.inNatCore) ||
      (a.inNatCore && b.inNatCore ? a.priority - b.priority : 0) ||
      a.dumpOrder - b.dumpOrder,
  );
  const ties = new Set<number>();
  for (let i = 0; i < sorted.length; i++) {
    for (let j = i + 1; j < sorted.length; j++) {
      const a = sorted[i] as T;
      const b = sorted[j] as T;
      if (b.position !== a.position) break;
      if (a.inNatCore && b.inNatCore && a.priority !== b.priority) continue;
      if (!versionsOverlap(a.versions, b.versions)) continue;
      ties.add(i).add(j);
    }
  }
  return sorted.map((entry, i) => ({ entry, tie: ties.has(i) }));
}

function versionsOverlap(a: Positioned['versions'], b: Positioned['versions']): boolean {
  if (a === 'all' || b === 'all') return true;
  return a.some((v) => b.includes(v));
}

/** Is a chain called from the NAT core rather than at its own priority? nat-type chains of the IP
 *  families on the four NAT hooks (nft_chain_nat.c registers them through nf_nat_*_register_fn; so does
 *  iptable_nat.c for the legacy nat table). */
export function isViaNatCore(chain: HookedChain): boolean {
  return chain.type === 'nat' && ipVersionsOf(chain.family).length > 0 && NAT_CORE_POSITION[chain.hook] !== undefined;
}

/** A hooked chain as a positioned entry. */
export function positionOf(chain: HookedChain): Positioned {
  const natCore = isViaNatCore(chain);
  const versions = ipVersionsOf(chain.family);
  return {
    position: natCore ? (NAT_CORE_POSITION[chain.hook] as number) : chain.priority,
    inNatCore: natCore,
    priority: chain.priority,
    versions: versions.length > 0 ? versions : 'all',
    dumpOrder: chain.dumpOrder,
  };
}
