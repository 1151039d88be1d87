// The netfilter packet-flow diagram of one family: hooks and routing decisions in kernel order, every base
// chain of the workspace at its position (nft tables, iptables-nft and iptables-legacy side by side),
// conntrack, the NAT core and IPVS at theirs, equal priorities flagged; and the mapping of a trace's
// (hook, table, chain) steps onto it. Pure data; imports the model and this folder.
import type { Family, Workspace } from '../model/ir.ts';
import { NF_IP_PRI } from '../model/priorities.ts';
import {
  type HookedChain,
  NAT_CORE_POSITION,
  type Positioned,
  appliesToView,
  hookedChains,
  isViaNatCore,
  orderOnHook,
  positionOf,
  priorityLabel,
} from './hooks.ts';
import { chainId } from './ids.ts';
import type { Backend, GraphOrigin, HookView } from './types.ts';
import { lookupTable } from '../model/lookup.ts';

export type PipelineFamily = 'ip' | 'ip6' | 'inet' | 'bridge' | 'netdev' | 'arp';

export type PipelineEntryKind = 'chain' | 'conntrack' | 'nat-core' | 'ipvs' | 'routing';

export interface PipelineEntry {
  /** Stable: `stage:kind:…` (chains: `stage:chain:<graph node id>`). */
  readonly id: string;
  readonly kind: PipelineEntryKind;
  /** The priority it registers with (a chain's own priority, also for nat chains). */
  readonly priority: number;
  readonly priorityLabel: string;
  /** Where it runs on the hook: the priority, or the NAT core's for nat chains. */
  readonly position: number;
  readonly label: string;
  readonly detail: string;
  /** Another entry that the same packets pass runs at the same position; the dump cannot tell the order. */
  readonly tie: boolean;
  /** The graph node of a chain entry. */
  readonly nodeId?: string;
  readonly sourceId?: string;
  readonly family?: Family;
  readonly table?: string;
  readonly chain?: string;
  readonly chainType?: string;
  readonly origin?: GraphOrigin;
  readonly backend?: Backend;
  readonly policy?: 'accept' | 'drop';
  /** A nat chain, called from the NAT core entry before it. */
  readonly viaNatCore?: boolean;
}

export interface PipelineStage {
  /** `prerouting`, `route-in`, `input`, `forward`, `local`, `route-out`, `output`, `postrouting`,
   *  `ingress`, `egress`, `bridge-decision`. */
  readonly id: string;
  readonly kind: 'hook' | 'routing' | 'local';
  /** The hook name for hook stages; the stage id otherwise. */
  readonly hook: string;
  readonly label: string;
  readonly entries: readonly PipelineEntry[];
}

export interface PipelinePath {
  readonly id: string;
  readonly label: string;
  readonly stages: readonly string[];
}

export interface PipelineModel {
  readonly family: PipelineFamily;
  readonly stages: readonly PipelineStage[];
  /** The ways a packet takes through the stages (arriving for this host, forwarded, locally sent). */
  readonly paths: readonly PipelinePath[];
  /** Stage → stage arrows (the union of the paths). */
  readonly links: readonly { readonly from: string; readonly to: string }[];
}

interface StageSpec {
  readonly id: string;
  readonly kind: PipelineStage['kind'];
  readonly label: string;
  /** Which chains run here: a hook of a view. */
  readonly hook?: { readonly view: HookView; readonly name: string };
}

/** Stages and paths per family (netfilter-semantics.md "Hooks and paths"). */
function layoutOf(family: PipelineFamily): { stages: StageSpec[]; paths: PipelinePath[] } {
  const hook = (view: HookView, name: string, label = name): StageSpec => ({ id: name, kind: 'hook', label, hook: { view, name } });
  switch (family) {
    case 'ip':
    case 'ip6':
    case 'inet':
      return {
        stages: [
          hook('netdev', 'ingress', 'ingress (netdev)'),
          hook(family, 'prerouting'),
          { id: 'route-in', kind: 'routing', label: 'routing decision' },
          hook(family, 'input'),
          hook(family, 'forward'),
          { id: 'local', kind: 'local', label: 'local process' },
          { id: 'route-out', kind: 'routing', label: 'routing decision (output)' },
          hook(family, 'output'),
          hook(family, 'postrouting'),
          hook('netdev', 'egress', 'egress (netdev)'),
        ],
        paths: [
          { id: 'local-in', label: 'to this host', stages: ['ingress', 'prerouting', 'route-in', 'input', 'local'] },
          { id: 'forward', label: 'forwarded', stages: ['ingress', 'prerouting', 'route-in', 'forward', 'postrouting', 'egress'] },
          { id: 'local-out', label: 'sent by this host', stages: ['local', 'route-out', 'output', 'postrouting', 'egress'] },
        ],
      };
    case 'bridge':
      return {
        stages: [
          hook('netdev', 'ingress', 'ingress (netdev)'),
          hook('bridge', 'prerouting'),
          { id: 'bridge-decision', kind: 'routing', label: 'bridge decision (FDB)' },
          hook('bridge', 'input'),
          hook('bridge', 'forward'),
          { id: 'local', kind: 'local', label: 'bridge device (local stack)' },
          hook('bridge', 'output'),
          hook('bridge', 'postrouting'),
          hook('netdev', 'egress', 'egress (netdev)'),
        ],
        paths: [
          { id: 'local-in', label: 'to the bridge device', stages: ['ingress', 'prerouting', 'bridge-decision', 'input', 'local'] },
          { id: 'forward', label: 'bridged', stages: ['ingress', 'prerouting', 'bridge-decision', 'forward', 'postrouting', 'egress'] },
          { id: 'local-out', label: 'sent from the bridge device', stages: ['local', 'output', 'postrouting', 'egress'] },
        ],
      };
    case 'netdev':
      return {
        stages: [hook('netdev', 'ingress'), { id: 'local', kind: 'local', label: 'protocol stack' }, hook('netdev', 'egress')],
        paths: [
          { id: 'in', label: 'received', stages: ['ingress', 'local'] },
          { id: 'out', label: 'transmitted', stages: ['local', 'egress'] },
        ],
      };
    case 'arp':
      return {
        stages: [hook('arp', 'input'), { id: 'local', kind: 'local', label: 'ARP stack' }, hook('arp', 'output')],
        paths: [
          { id: 'in', label: 'received', stages: ['input', 'local'] },
          { id: 'out', label: 'sent', stages: ['local', 'output'] },
        ],
      };
  }
}

type Draft = Positioned & Omit<PipelineEntry, 'tie' | 'position' | 'priority'>;

const CONFIRM = NF_IP_PRI.CONNTRACK_CONFIRM;

/** Conntrack's hook functions (net/netfilter/nf_conntrack_proto.c ipv4_conntrack_ops, nf_defrag_ipv4.c):
 *  defrag and lookup on PRE_ROUTING and LOCAL_OUT, confirm last on LOCAL_IN and POST_ROUTING. */
const CONNTRACK: Readonly<Record<string, readonly { priority: number; key: string; label: string; detail: string }[]>> = lookupTable({
  prerouting: [
    { priority: NF_IP_PRI.CONNTRACK_DEFRAG, key: 'defrag', label: 'defragment', detail: 'reassembles fragments before conntrack' },
    { priority: NF_IP_PRI.CONNTRACK, key: 'lookup', label: 'conntrack', detail: 'ct state is known from here on (invalid/untracked before)' },
  ],
  output: [
    { priority: NF_IP_PRI.CONNTRACK_DEFRAG, key: 'defrag', label: 'defragment', detail: 'reassembles fragments before conntrack' },
    { priority: NF_IP_PRI.CONNTRACK, key: 'lookup', label: 'conntrack', detail: 'ct state is known from here on (invalid/untracked before)' },
  ],
  input: [{ priority: CONFIRM, key: 'confirm', label: 'conntrack confirm', detail: 'the connection is committed to the table' }],
  postrouting: [{ priority: CONFIRM, key: 'confirm', label: 'conntrack confirm', detail: 'the connection is committed to the table' }],
});

/** IPVS's hook functions (net/netfilter/ipvs/ip_vs_core.c ip_vs_ops4/ip_vs_ops6). */
const IPVS: Readonly<Record<string, readonly { priority: number; label: string; detail: string }[]>> = lookupTable({
  input: [
    { priority: NF_IP_PRI.NAT_SRC - 2, label: 'IPVS reply', detail: 'ip_vs_reply: VS/NAT replies get the virtual address back' },
    { priority: NF_IP_PRI.NAT_SRC - 1, label: 'IPVS schedule', detail: 'ip_vs_remote_request: packets to a virtual service go to a real server' },
  ],
  output: [
    { priority: NF_IP_PRI.NAT_DST + 1, label: 'IPVS local reply', detail: 'ip_vs_local_reply: replies of local real servers' },
    { priority: NF_IP_PRI.NAT_DST + 2, label: 'IPVS schedule (local)', detail: 'ip_vs_local_request: local requests to a virtual service' },
  ],
  forward: [
    { priority: 99, label: 'IPVS forward ICMP', detail: 'ip_vs_forward_icmp: ICMP errors about IPVS connections' },
    { priority: 100, label: 'IPVS reply', detail: 'ip_vs_reply: VS/NAT replies from real servers' },
  ],
});

/** The pipeline of one family: stages in kernel order with every entry of the workspace on them. */
export function buildPipeline(workspace: Workspace, family: PipelineFamily): PipelineModel {
  const chains = hookedChains(workspace);
  const { stages: specs, paths } = layoutOf(family);
  const l3 = family === 'ip' || family === 'ip6' || family === 'inet';
  const viewVersions = family === 'ip' ? [4] : family === 'ip6' ? [6] : [4, 6];
  const hasNat = l3 && chains.some((c) => isViaNatCore(c) && appliesToView(family, c.family, c.hook));
  const ipvsFamilies = new Set(workspace.sources.flatMap((s) => s.result.ruleset.ipvs.map((v) => (v.family === 'ip6' ? 6 : 4))));
  const hasIpvs = l3 && viewVersions.some((v) => ipvsFamilies.has(v as 4 | 6));

  const stages: PipelineStage[] = specs.map((spec) => {
    if (!spec.hook) {
      const entries: PipelineEntry[] =
        spec.kind === 'routing' ? [{ id: `${spec.id}:routing`, kind: 'routing', priority: 0, priorityLabel: '', position: 0, label: spec.label, detail: routingDetail(spec.id), tie: false }] : [];
      return { id: spec.id, kind: spec.kind, hook: spec.id, label: spec.label, entries };
    }
    const { view, name } = spec.hook;
    const drafts: Draft[] = [];
    for (const chain of chains) if (chain.hook === name && appliesToView(view, chain.family, chain.hook)) drafts.push(chainDraft(spec.id, chain));
    if (l3 && view === family) {
      for (const c of CONNTRACK[name] ?? []) {
        drafts.push(fixedDraft(spec.id, 'conntrack', c.key, c.priority, c.label, c.detail));
      }
      const nat = NAT_CORE_POSITION[name];
      if (hasNat && nat !== undefined) {
        const which = nat < 0 ? 'dstnat' : 'srcnat';
        drafts.push({ ...fixedDraft(spec.id, 'nat-core', which, nat, `NAT core (${which})`, 'calls the nat chains below, in their priority order, for the first packet of a connection (not for ct state invalid)'), inNatCore: true, priority: -Infinity });
      }
      if (hasIpvs) for (const v of IPVS[name] ?? []) drafts.push(fixedDraft(spec.id, 'ipvs', String(v.priority), v.priority, v.label, v.detail));
    }
    const entries = orderOnHook(drafts).map(({ entry, tie }) => finish(entry, tie));
    return { id: spec.id, kind: 'hook', hook: name, label: spec.label, entries };
  });

  const links: { from: string; to: string }[] = [];
  const seen = new Set<string>();
  for (const path of paths) {
    for (let i = 1; i < path.stages.length; i++) {
      const from = path.stages[i - 1] as string;
      const to = path.stages[i] as string;
      if (seen.has(`${from}>${to}`)) continue;
      seen.add(`${from}>${to}`);
      links.push({ from, to });
    }
  }
  return { family, stages, paths, links };
}

function routingDetail(id: string): string {
  switch (id) {
    case 'route-in':
      return 'after prerouting: local address → input, else forward (if forwarding is on), else dropped; a DNAT in prerouting changes the outcome';
    case 'route-out':
      return 'picks the output route; re-routed after output when a mark or address changed';
    default:
      return 'local bridge address → input, else forward by the FDB';
  }
}

function chainDraft(stage: string, chain: HookedChain): Draft {
  const nodeId = chainId(chain.source.source.id, chain.family, chain.table.name, chain.chain.name);
  const pos = positionOf(chain);
  const viaNatCore = isViaNatCore(chain);
  const label = priorityLabel(chain.priority, chain.priorityText);
  const parts = [`type ${chain.type}`, `priority ${label}`];
  if (chain.policy) parts.push(`policy ${chain.policy}`);
  parts.push(`${chain.chain.rules.length} rules`, chain.origin === 'nft' ? 'nftables' : chain.origin);
  return {
    ...pos,
    id: `${stage}:chain:${nodeId}`,
    kind: 'chain',
    priorityLabel: label,
    label: `${chain.family} ${chain.table.name} ${chain.chain.name}`,
    detail: parts.join(' · '),
    nodeId,
    sourceId: chain.source.source.id,
    family: chain.family,
    table: chain.table.name,
    chain: chain.chain.name,
    chainType: chain.type,
    origin: chain.origin,
    backend: chain.backend,
    viaNatCore,
    ...(chain.policy ? { policy: chain.policy } : {}),
  };
}

function fixedDraft(stage: string, kind: PipelineEntryKind, key: string, priority: number, label: string, detail: string): Draft {
  return {
    id: `${stage}:${kind}:${key}`,
    kind,
    position: priority,
    inNatCore: false,
    priority,
    priorityLabel: priorityLabel(priority, undefined),
    versions: 'all',
    dumpOrder: -1,
    label,
    detail,
  };
}

function finish(d: Draft, tie: boolean): PipelineEntry {
  const { inNatCore: _inNatCore, versions: _versions, dumpOrder: _dumpOrder, ...rest } = d;
  return { ...rest, priority: d.kind === 'nat-core' ? d.position : d.priority, tie };
}

// ───────────── trace overlay ─────────────

/** One step of a trace: a chain on a hook (or a conntrack/NAT/IPVS/routing stop when `kind` says so). */
export interface RouteStep {
  readonly hook: string;
  readonly table?: string;
  readonly chain?: string;
  readonly family?: Family;
  readonly sourceId?: string;
  readonly kind?: PipelineEntryKind;
  /** Picks among entries of one kind (conntrack lookup -200 vs defrag -400); else the first one. */
  readonly priority?: number;
}

export interface PipelineRoute {
  /** Matched entries, in step order. */
  readonly entryIds: readonly string[];
  /** Stages the route passes, in order, including the routing stages between two hooks. */
  readonly stageIds: readonly string[];
  /** Indexes of steps that match no entry. */
  readonly unmatched: readonly number[];
}

/** Maps a trace's steps onto the pipeline's entries and stages, to light the route. */
export function pipelineRouteOf(pipeline: PipelineModel, steps: readonly RouteStep[]): PipelineRoute {
  const entryIds: string[] = [];
  const hit: string[] = [];
  const unmatched: number[] = [];
  steps.forEach((step, i) => {
    const stage = pipeline.stages.find((s) => s.hook === step.hook || s.id === step.hook);
    if (!stage) {
      unmatched.push(i);
      return;
    }
    const entry = stage.entries.find((e) => matchesStep(e, step));
    if (entry) entryIds.push(entry.id);
    else if (step.chain !== undefined || step.kind !== undefined) {
      unmatched.push(i);
      return;
    }
    if (hit[hit.length - 1] !== stage.id) hit.push(stage.id);
  });
  return { entryIds, stageIds: withStagesBetween(pipeline, hit), unmatched };
}

function matchesStep(entry: PipelineEntry, step: RouteStep): boolean {
  if (step.chain !== undefined) {
    return (
      entry.kind === 'chain' &&
      entry.chain === step.chain &&
      (step.table === undefined || entry.table === step.table) &&
      (step.family === undefined || entry.family === step.family) &&
      (step.sourceId === undefined || entry.sourceId === step.sourceId)
    );
  }
  return step.kind !== undefined && entry.kind === step.kind && (step.priority === undefined || entry.priority === step.priority);
}

/** Fills in the stages a path passes between two lit stages (routing decisions, the local process). */
function withStagesBetween(pipeline: PipelineModel, stages: readonly string[]): string[] {
  const out: string[] = [];
  stages.forEach((stage, i) => {
    const previous = stages[i - 1];
    if (previous !== undefined) {
      for (const path of pipeline.paths) {
        const a = path.stages.indexOf(previous);
        const b = path.stages.indexOf(stage);
        if (a >= 0 && b > a) {
          out.push(...path.stages.slice(a + 1, b));
          break;
        }
      }
    }
    out.push(stage);
  });
  return out;
}

