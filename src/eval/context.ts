// The state of one evaluation run shared by the expression, rule, chain and pipeline evaluators.
// Types and two tiny helpers; imports eval modules' types only.
import type { Family, Rule } from '../model/ir.ts';
import type { ChoicePoint, Chooser } from './choices.ts';
import type { Host } from './host.ts';
import type { Prepared, PreparedTable } from './prepare.ts';
import type { CtState, PacketState } from './state.ts';
import type { Step } from './trace.ts';

export interface ResolvedOptions {
  /** Value of the `numgen inc` counter, when the user gives it. */
  readonly numgenInc?: number;
  /** Result of `jhash`/`symhash` expressions, when the user gives it. */
  readonly hashValue?: number;
  /** Safety cap on rule evaluations per run. */
  readonly maxRuleEvals: number;
  /** IPVS with net.ipv4.vs.conntrack=1 (kube-proxy sets it); otherwise IPVS packets become untracked. */
  readonly ipvsConntrack: boolean;
}

export interface RunCtx {
  readonly prepared: Prepared;
  readonly host: Host;
  readonly options: ResolvedOptions;
  readonly chooser: Chooser;
  readonly steps: Step[];
  pkt: PacketState;
  ct: CtState;
  /** Current hook and the family of the table whose chain runs. */
  hook: string;
  family: Family;
  table: PreparedTable | undefined;
  /** The rule being evaluated (a large `numgen mod` splits its values at this rule's constants). */
  rule?: Rule;
  /** While the NAT core runs nat chains: which manipulation they may make, and whether one was made. */
  natManip: 'dst' | 'src' | undefined;
  natBound: boolean;
  /** A re-route inside OUTPUT chose this device: later OUTPUT chains still see the hook's original output
   *  device (nf_hook_state.out is fixed when the hook starts, __ip_local_out), POSTROUTING sees this one. */
  reroutedOif?: { readonly oif: string | undefined };
  readonly notes: string[];
  readonly assumptions: string[];
  ruleEvals: number;
  /** Entries this packet put in iptables `-m recent` lists, by list and address: how many hits it recorded
   *  (`--set`, a successful `--update`). Entries of earlier packets are not known. */
  readonly recentHits: Map<string, number>;
}

export function choose(ctx: RunCtx, point: ChoicePoint): number {
  const i = ctx.chooser.choose(point, ctx.steps.length);
  if (point.kind === 'unknown') ctx.assumptions.push(`${point.label}: assumed ${point.alternatives[i]!.label}`);
  return i;
}

export function note(ctx: RunCtx, text: string): void {
  if (!ctx.notes.includes(text)) ctx.notes.push(text);
}
