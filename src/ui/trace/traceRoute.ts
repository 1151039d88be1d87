// Where each step of a trace is, in the three views: the editor (source and range), the graph (the node
// that shows the step's chain, and the edges the packet took) and the hook pipeline (route steps for
// `pipelineRouteOf`). Pure view-model code over the core's data; imports the graph core, eval types and
// the model, never React or the DOM.
import type { Chain, ParsedSource, SourceRange, Table, Workspace } from '../../model/ir.ts';
import type { Step, Trace } from '../../eval/index.ts';
import { describeService } from '../../eval/ipvs.ts';
import { reveal, type GraphModel, type HookView, type RouteStep } from '../../graph/index.ts';
import { chainId, hookId, ipvsHookId } from '../../graph/ids.ts';

/** The base chain a step runs under (rules of jumped-to chains belong to the base chain that called them). */
export interface BaseContext {
  readonly hook: string;
  readonly family: string;
  readonly table: string;
  readonly chain: string;
  readonly origin?: string;
}

/** For every step, the base chain it runs under (undefined outside chains: hooks, routing, NAT core). */
export function baseChainsOf(steps: readonly Step[]): (BaseContext | undefined)[] {
  let base: BaseContext | undefined;
  return steps.map((s) => {
    if (s.kind === 'hook' || s.kind === 'routing') base = undefined;
    if (s.kind === 'chain' && (s.depth ?? 0) === 0 && s.hook && s.family && s.table && s.chain) {
      base = { hook: s.hook, family: s.family, table: s.table, chain: s.chain, ...(s.origin ? { origin: s.origin } : {}) };
    }
    if (!s.chain || !s.table) return undefined;
    return base;
  });
}

interface ChainAt {
  readonly source: ParsedSource;
  readonly table: Table;
  readonly chain: Chain;
}

/** The workspace chain a step is in: by source id when the step has one (rules), else by family, table,
 *  chain name and origin (chain entries and policies carry no source id). */
export function chainOfStep(step: Step, workspace: Workspace): ChainAt | undefined {
  if (!step.family || !step.table || !step.chain) return undefined;
  let fallback: ChainAt | undefined;
  for (const source of workspace.sources) {
    if (step.sourceId !== undefined && source.source.id !== step.sourceId) continue;
    for (const table of source.result.ruleset.tables) {
      if (table.family !== step.family || table.name !== step.table) continue;
      const chain = table.chains.find((c) => c.name === step.chain);
      if (!chain) continue;
      const found = { source, table, chain };
      // Steps carry their table's recorded origin: it tells an iptables-legacy `ip filter` from an nft one.
      if (table.origin === step.origin) return found;
      fallback ??= found;
    }
  }
  return fallback;
}

/** Where the editor shows a step: a rule's own text, else the chain it is about (entry, policy, end). */
export function stepLocation(step: Step, workspace: Workspace): { sourceId: string; range: SourceRange } | undefined {
  if (step.kind === 'rule' && step.sourceId !== undefined && step.range) return { sourceId: step.sourceId, range: step.range };
  if (step.kind !== 'chain' && step.kind !== 'policy' && step.kind !== 'note' && step.kind !== 'rule' && step.kind !== 'nat') return undefined;
  const at = chainOfStep(step, workspace);
  if (!at) return undefined;
  const range = at.chain.range ?? at.chain.rules[0]?.range;
  return range ? { sourceId: at.source.source.id, range } : undefined;
}

/** The hook view of the graph that shows a step's hook: the step's family, else inet (inet-only workspaces). */
function viewFor(model: GraphModel, family: string | undefined): HookView | undefined {
  if (family === 'inet' && model.views.includes('ip')) return 'ip';
  if (family && model.views.includes(family as HookView)) return family as HookView;
  if (model.views.includes('inet')) return 'inet';
  return model.views[0];
}

export interface GraphPath {
  /** Per step: the node that shows it (its chain, or an aggregate hiding that chain; hooks; IPVS). */
  readonly stepNodes: readonly (string | undefined)[];
  /** Every node the packet passed. */
  readonly nodeIds: ReadonlySet<string>;
  /** Edges the packet took: hook → first chain, fall-through to the next base chain, jumps, gotos, vmap
   *  branches (through the map node for named maps), IPVS scheduling. */
  readonly edgeIds: ReadonlySet<string>;
}

/** The nodes and edges a trace passes in a graph model. */
export function graphPathOf(trace: Trace, model: GraphModel, workspace: Workspace): GraphPath {
  const present = new Set(model.nodes.map((n) => n.id));
  const visible = new Map<string, string | undefined>();
  const chainNode = (step: Step): string | undefined => {
    const at = chainOfStep(step, workspace);
    if (!at) return undefined;
    const id = chainId(at.source.source.id, at.table.family, at.table.name, at.chain.name);
    if (present.has(id)) return id;
    if (!visible.has(id)) visible.set(id, present.has(id) ? id : reveal(model, workspace, { kind: 'chain', source: at.source, table: at.table, name: at.chain.name }).visibleId);
    const v = visible.get(id);
    return v !== undefined && present.has(v) ? v : undefined;
  };
  const ipvsNodes = (step: Step): string[] => {
    const out: string[] = [];
    const view = viewFor(model, step.family);
    if (view && step.hook) {
      const hookNode = ipvsHookId(view, step.hook);
      if (present.has(hookNode)) out.push(hookNode);
    }
    for (const source of workspace.sources) {
      for (const service of source.result.ruleset.ipvs) {
        const prefix = `IPVS ${describeService(service)}`;
        if (!step.text.startsWith(prefix)) continue;
        const svc = reveal(model, workspace, { kind: 'ipvs-service', source, service }).visibleId;
        if (present.has(svc)) out.push(svc);
        const real = /→ (\S+) \(/.exec(step.text.slice(prefix.length))?.[1];
        if (real) {
          const r = reveal(model, workspace, { kind: 'ipvs-real', source, service, addrPort: real }).visibleId;
          if (present.has(r)) out.push(r);
        }
        return out;
      }
    }
    return out;
  };

  const stepNodes: (string | undefined)[] = [];
  const sequence: string[] = [];
  const visit = (id: string | undefined): void => {
    if (id !== undefined && sequence[sequence.length - 1] !== id) sequence.push(id);
  };
  for (const step of trace.steps) {
    let node: string | undefined;
    if (step.kind === 'hook' && step.hook) {
      const view = viewFor(model, step.family);
      const id = view ? hookId(view, step.hook) : undefined;
      node = id !== undefined && present.has(id) ? id : undefined;
      visit(node);
    } else if (step.kind === 'ipvs') {
      const ids = ipvsNodes(step);
      ids.forEach(visit);
      node = ids[1] ?? ids[0];
    } else if (step.chain && step.table) {
      node = chainNode(step);
      visit(node);
    }
    stepNodes.push(node);
  }

  const out = new Map<string, { id: string; target: string; kind: string }[]>();
  for (const e of model.edges) {
    const list = out.get(e.source);
    if (list) list.push(e);
    else out.set(e.source, [e]);
  }
  const edgeIds = new Set<string>();
  for (let i = 1; i < sequence.length; i++) {
    const a = sequence[i - 1] as string;
    const b = sequence[i] as string;
    const direct = (out.get(a) ?? []).filter((e) => e.target === b);
    if (direct.length > 0) {
      for (const e of direct) edgeIds.add(e.id);
      continue;
    }
    // A named verdict map sits between the rule's chain and the branch it took: chain → map → target.
    for (const e of out.get(a) ?? []) {
      if (e.kind !== 'lookup') continue;
      const second = (out.get(e.target) ?? []).find((f) => f.kind === 'vmap' && f.target === b);
      if (second) {
        edgeIds.add(e.id);
        edgeIds.add(second.id);
      }
    }
  }
  return { stepNodes, nodeIds: new Set(sequence), edgeIds };
}

const IPVS_REQUEST: Readonly<Record<string, number>> = { input: 99, output: -98 };

/** The trace's steps as the pipeline's route steps: one per base chain entry and per conntrack, NAT
 *  core and IPVS stop, with the index of the trace step each came from. */
export function routeStepsOf(trace: Trace): { steps: RouteStep[]; stepIndex: number[] } {
  const steps: RouteStep[] = [];
  const stepIndex: number[] = [];
  const push = (r: RouteStep, i: number): void => {
    steps.push(r);
    stepIndex.push(i);
  };
  /** Hooks whose NAT core is on the route already (its nat chains run from it; the binding step follows them). */
  const natCore = new Set<string>();
  const pushNatCore = (hook: string, i: number): void => {
    if (natCore.has(hook)) return;
    natCore.add(hook);
    push({ hook, kind: 'nat-core' }, i);
  };
  trace.steps.forEach((s, i) => {
    if (!s.hook) return;
    if (s.kind === 'hook' || s.reinjected) natCore.clear();
    switch (s.kind) {
      case 'chain':
        if ((s.depth ?? 0) !== 0 || !s.table || !s.chain) break;
        // A nat chain runs from the NAT core (netfilter-semantics.md): the core comes first on the route.
        if (/\(type nat /.test(s.text)) pushNatCore(s.hook, i);
        push({ hook: s.hook, table: s.table, chain: s.chain, ...(s.family ? { family: s.family } : {}), ...(s.sourceId ? { sourceId: s.sourceId } : {}) }, i);
        break;
      case 'conntrack':
        // The lookup on prerouting/output (-200); on input/postrouting only the confirm entry exists.
        push({ hook: s.hook, kind: 'conntrack', ...(s.hook === 'prerouting' || s.hook === 'output' ? { priority: -200 } : {}) }, i);
        break;
      case 'nat':
        pushNatCore(s.hook, i);
        break;
      case 'ipvs':
        // The scheduling hook functions: ip_vs_remote_request (input, NAT_SRC - 1) and ip_vs_local_request
        // (output, NAT_DST + 2) in net/netfilter/ipvs/ip_vs_core.c; the reply handlers sit beside them.
        push({ hook: s.hook, kind: 'ipvs', ...(IPVS_REQUEST[s.hook] !== undefined ? { priority: IPVS_REQUEST[s.hook] } : {}) }, i);
        break;
      default:
        break;
    }
  });
  return { steps, stepIndex };
}

/** For each trace step, the route step (index into `routeStepsOf(trace).steps`) it belongs to: the
 *  entry the packet is in at that step (rules of a chain → that chain's entry). */
export function routeStepAt(trace: Trace): (number | undefined)[] {
  const { stepIndex } = routeStepsOf(trace);
  const out: (number | undefined)[] = [];
  let current: number | undefined;
  let next = 0;
  trace.steps.forEach((s, i) => {
    if (s.kind === 'hook' || s.kind === 'routing') current = undefined;
    while (next < stepIndex.length && stepIndex[next] === i) current = next++;
    out.push(current);
  });
  return out;
}
