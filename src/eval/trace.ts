// The trace: the evaluator's result as plain, JSON-serialisable data (documented in src/eval/README.md).
// The UI renders it, the CLI prints it, tests assert on it. Types only; imports only the model and packet.
import type { Family, SourceRange, TableOrigin } from '../model/ir.ts';
import type { Packet } from './packet.ts';

export type StepKind = 'hook' | 'chain' | 'rule' | 'policy' | 'nat' | 'conntrack' | 'routing' | 'ipvs' | 'branch' | 'note';
export type MatchResult = 'match' | 'nomatch' | 'unknown';

/** One evaluated expression of a rule: why it matched or not. */
export interface ExprStep {
  readonly range?: SourceRange;
  readonly text: string;
  readonly result: MatchResult;
  readonly reason: string;
}

/** A verdict as the trace reports it. `reject` is the kernel's drop (with an ICMP/TCP reset answer);
 *  `stolen` means a statement took the packet (fwd, IPVS). */
export type StepVerdict =
  | { readonly kind: 'accept' | 'drop' | 'continue' | 'return' | 'queue' | 'stolen' }
  | { readonly kind: 'reject'; readonly with?: string }
  | { readonly kind: 'jump' | 'goto'; readonly target: string };

export interface Annotation {
  readonly kind: 'counter' | 'log' | 'limit' | 'quota' | 'set' | 'dup' | 'notrack' | 'mark' | 'other';
  readonly text: string;
}

/** Packet fields as printed text (`ip daddr` → `10.0.0.1`, `meta mark` → `0x00004000`). */
export type PacketView = Readonly<Record<string, string>>;

export interface Step {
  readonly kind: StepKind;
  readonly hook?: string;
  /** Family of the table (or of the hook for conntrack/nat/routing steps). */
  readonly family?: Family;
  readonly table?: string;
  readonly chain?: string;
  /** Index of the rule in its chain (0-based). */
  readonly ruleIndex?: number;
  readonly handle?: number;
  /** Id of the workspace source the rule came from, and its range in that text. */
  readonly sourceId?: string;
  readonly range?: SourceRange;
  readonly origin?: TableOrigin;
  /** Base chain priority (hook and chain steps). */
  readonly priority?: number;
  /** Jump-stack depth: 0 in a base chain, 1 after one jump, … (goto keeps the depth). */
  readonly depth?: number;
  readonly result?: MatchResult;
  /** When `result` is `unknown`: which outcome this trace followed. */
  readonly assumed?: 'match' | 'nomatch';
  /** Rule text (nft syntax) or the description of a non-rule step. */
  readonly text: string;
  readonly exprs?: readonly ExprStep[];
  readonly verdict?: StepVerdict;
  /** Base-chain entries: the packet as the chain sees it (what `nft monitor trace` prints as `packet:`);
   *  policy steps: the packet when the policy applies (the kernel prints its mark on the policy line). */
  readonly packet?: PacketView;
  /** Only the fields that changed (NAT, mangle): before and after. */
  readonly packetBefore?: PacketView;
  readonly packetAfter?: PacketView;
  readonly annotations?: readonly Annotation[];
  /** Equal-priority warning on hook steps. */
  readonly tie?: string;
  /** The packet re-entered the stack here (looped back through lo): the kernel traces it under a new id. */
  readonly reinjected?: boolean;
}

export type FateKind =
  | 'delivered' // accepted on the input path: a local socket gets it
  | 'forwarded' // left through the forward path
  | 'sent' // locally generated, left the host
  | 'dropped' // a drop verdict or policy
  | 'rejected' // reject (drop + ICMP/TCP reset answer)
  | 'queued' // handed to user space: what happens next is undecidable
  | 'stolen' // taken by a statement (fwd, dup-only paths)
  | 'no-route' // the routing decision dropped it
  | 'ttl-expired'
  | 'loop' // chain loop: the kernel refuses such a ruleset (ELOOP)
  | 'too-deep' // jump depth limit: the kernel refuses such a ruleset (EMLINK)
  | 'missing-chain'
  | 'error';

export interface Fate {
  readonly verdict: 'accept' | 'drop' | 'none';
  /** `hook/family table/chain` of the deciding chain, a hook name, or `routing`. */
  readonly where: string;
  readonly reason: string;
  readonly kind: FateKind;
}

/** A decision at a choice point (numgen/statistic/IPVS scheduling, or an undecidable match). */
export interface ChoiceTaken {
  readonly kind: ChoiceKind;
  readonly label: string;
  readonly index: number;
  readonly alternative: string;
  /** Probability of this alternative; null when undecidable (an assumption, not a probability). */
  readonly share: number | null;
  readonly alternatives: number;
  /** Number of trace steps before the choice (where a branch tree forks). */
  readonly stepIndex: number;
}

export type ChoiceKind = 'random' | 'unknown' | 'ipvs';

export interface Trace {
  readonly packet: Packet;
  readonly steps: readonly Step[];
  readonly fate: Fate;
  /** The packet after every rewrite. */
  readonly finalPacket: PacketView;
  /** Product of the shares of the random choices taken (1 when there were none). */
  readonly probability: number;
  readonly choices: readonly ChoiceTaken[];
  /** Undecidable matches and what the trace assumed for them. */
  readonly assumptions: readonly string[];
  /** Inferred host facts, defaults applied, warnings. */
  readonly notes: readonly string[];
}

/** All-branches mode: a tree whose edges are the alternatives of choice points. */
export interface BranchNode {
  /** Steps of this segment (from the parent's fork, or from the start, to this node's fork or end). */
  readonly steps: readonly Step[];
  readonly fork?: {
    readonly kind: ChoiceKind;
    readonly label: string;
    readonly children: readonly BranchChild[];
  };
  /** Leaves only. */
  readonly leaf?: {
    readonly fate: Fate;
    readonly probability: number;
    readonly assumptions: readonly string[];
    /** Index into TraceTree.leaves. */
    readonly trace: number;
  };
}

export interface BranchChild {
  readonly label: string;
  readonly share: number | null;
  readonly node: BranchNode;
}

export interface TraceTree {
  readonly root: BranchNode;
  readonly leaves: readonly Trace[];
  /** Set when the exploration stopped at the branch cap. */
  readonly truncated?: string;
}
