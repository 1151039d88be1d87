// Entry points of the evaluator: evaluate() follows one path, evaluateBranches() follows every branch of
// numgen/statistic/IPVS choices and undecidable matches and returns a tree. Pure: same input, same trace.
// Imports eval modules.
import { parseIp } from './addr.ts';
import { Chooser, exploreAll, probabilityOf, type ChoicePlan } from './choices.ts';
import type { ResolvedOptions, RunCtx } from './context.ts';
import { buildHost, parseHostSpec, type Host, type HostSpecParsed } from './host.ts';
import type { Packet } from './packet.ts';
import { runPipeline } from './pipeline.ts';
import { prepare, type EvalInput, type Prepared } from './prepare.ts';
import { initialState, viewOf, type CtState } from './state.ts';
import type { Trace, TraceTree } from './trace.ts';

export interface EvalOptions {
  /** Host facts: a `--host` spec string (see host.ts) or parsed facts. Inferred when absent. */
  readonly host?: string | HostSpecParsed;
  /** IP forwarding on/off (overrides the host spec and the inference). */
  readonly forwarding?: boolean;
  /** Alternatives to take at the first choice points, in order (`--branch`). */
  readonly branches?: readonly number[];
  /** Seed for picking random branches after `branches` (`--seed`). */
  readonly seed?: number;
  /** All-branches mode: stop after this many leaves (default 256). */
  readonly maxBranches?: number;
  readonly numgenInc?: number;
  readonly hashValue?: number;
  /** Force conntrack on or off; default: on for the families whose rules use it. */
  readonly conntrack?: boolean;
  /** net.ipv4.vs.conntrack (default true, as kube-proxy sets it). */
  readonly ipvsConntrack?: boolean;
  readonly maxRuleEvals?: number;
}

interface Setup {
  readonly prepared: Prepared;
  readonly host: Host;
  readonly packet: Packet;
  readonly options: ResolvedOptions;
  readonly ctActive: boolean;
  readonly notes: readonly string[];
}

function setup(input: EvalInput, packet: Packet, o: EvalOptions): Setup {
  const prepared = prepare(input);
  const notes: string[] = [];
  let spec: HostSpecParsed | undefined;
  if (typeof o.host === 'string') {
    const r = parseHostSpec(o.host);
    spec = r.host;
    for (const e of r.errors) notes.push(`host: ${e}`);
  } else spec = o.host;
  let host = buildHost(prepared.rulesets, spec, o.forwarding);
  // Without host addresses, an arriving packet's destination is taken as local unless the user said
  // where it leaves (oif): tracing "a packet to this host" is the usual question.
  const a = packet.family === 'ip' ? packet.fields['ip daddr'] : packet.family === 'ip6' ? packet.fields['ip6 daddr'] : undefined;
  const d = typeof a === 'string' ? parseIp(a) : undefined;
  if (!host.explicit && packet.origin === 'remote' && packet.oif === undefined && !packet.bridged && d) {
    host = { ...host, addresses: [...host.addresses, { family: d.family, value: d.value, len: d.family === 'ip' ? 32 : 128 }], notes: [...host.notes, `host addresses not given: ${a} (the packet's destination) taken as local; give --host to change`] };
  }
  notes.push(...host.notes, ...packet.defaults.map((x) => `packet default: ${x}`));
  const fam = packet.family;
  let ctActive = fam === 'arp' ? false : (o.conntrack ?? (packet.ct.state !== undefined ? true : prepared.conntrack[fam]));
  if (o.conntrack === undefined && packet.ct.state !== undefined && fam !== 'arp' && !prepared.conntrack[fam]) {
    notes.push('conntrack enabled because the packet states a ct state (no rule of this family uses conntrack)');
  }
  if (ctActive) notes.push(...prepared.conntrack.reasons.filter((r) => r.startsWith(fam === 'ip' ? 'IPv4' : 'IPv6')));
  else if (fam !== 'arp') notes.push(`conntrack not enabled for ${fam === 'ip' ? 'IPv4' : 'IPv6'}: no rule uses ct or NAT (the kernel loads it on demand), so nat chains do not run`);
  if (fam === 'arp') ctActive = false;
  return {
    prepared,
    host,
    packet,
    ctActive,
    notes,
    options: {
      ...(o.numgenInc !== undefined ? { numgenInc: o.numgenInc } : {}),
      ...(o.hashValue !== undefined ? { hashValue: o.hashValue } : {}),
      maxRuleEvals: o.maxRuleEvals ?? 200_000,
      ipvsConntrack: o.ipvsConntrack ?? true,
    },
  };
}

function initialCt(s: Setup): CtState {
  const c = s.packet.ct;
  return {
    active: s.ctActive,
    attached: false,
    state: c.state ?? 'new',
    stated: c.state !== undefined,
    status: BigInt(c.status ?? 0),
    mark: BigInt(c.mark ?? 0),
    zone: BigInt(c.zone ?? 0),
    direction: c.direction === 'reply' ? 1 : 0,
    natDst: false,
    natSrc: false,
    label: BigInt(c.label ?? 0),
    ...(c.helper !== undefined ? { helper: c.helper } : {}),
    ...(c.id !== undefined ? { id: BigInt(c.id) } : {}),
  };
}

function runOnce(s: Setup, plan: ChoicePlan): Trace {
  const chooser = new Chooser(plan);
  const ctx: RunCtx = {
    prepared: s.prepared,
    host: s.host,
    options: s.options,
    chooser,
    steps: [],
    pkt: initialState(s.packet),
    ct: initialCt(s),
    hook: '',
    family: s.packet.family === 'arp' ? 'arp' : s.packet.family,
    table: undefined,
    natManip: undefined,
    natBound: false,
    notes: [...s.notes],
    assumptions: [],
    ruleEvals: 0,
    recentHits: new Map(),
  };
  const fate = runPipeline(ctx, s.packet);
  return {
    packet: s.packet,
    steps: ctx.steps,
    fate,
    finalPacket: viewOf(ctx.pkt, ctx.ct),
    probability: probabilityOf(chooser.taken),
    choices: chooser.taken,
    assumptions: ctx.assumptions,
    notes: ctx.notes,
  };
}

/** Follows one path: at each choice point the alternative from `branches`, else a seeded pick, else the
 *  default (first endpoint; the usual outcome of an undecidable match). */
export function evaluate(input: EvalInput, packet: Packet, options: EvalOptions = {}): Trace {
  const s = setup(input, packet, options);
  return runOnce(s, { prefix: options.branches ?? [], ...(options.seed !== undefined ? { seed: options.seed } : {}) });
}

/** Follows every branch; leaves carry their probability (shares of random choices) and assumptions. */
export function evaluateBranches(input: EvalInput, packet: Packet, options: EvalOptions = {}): TraceTree {
  const s = setup(input, packet, options);
  return exploreAll((plan) => runOnce(s, plan), options.maxBranches ?? 256);
}
