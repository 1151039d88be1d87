// How a trace reads on screen: the fate banner's words, each step's heading and outcome, packet rewrites
// as before/after rows, and the branch tree as rows with shares. Pure view-model code over the evaluator's
// data (src/eval/trace.ts); imports eval types and its verdict wording, never React or the DOM.
import { kernelVerdict, type BranchNode, type Fate, type Step, type StepVerdict, type Trace, type TraceTree } from '../../eval/index.ts';

export type Tone = 'accept' | 'drop' | 'unknown';

export interface FateView {
  readonly tone: Tone;
  /** `Delivered locally`, `Forwarded`, `Dropped`, … */
  readonly title: string;
  /** Where it was decided, in words (`at input, ip filter INPUT`). */
  readonly where: string;
  readonly reason: string;
}

const FATE_TITLE: Readonly<Record<Fate['kind'], string>> = {
  delivered: 'Delivered locally',
  forwarded: 'Forwarded',
  sent: 'Sent',
  dropped: 'Dropped',
  rejected: 'Rejected',
  queued: 'Queued to user space',
  stolen: 'Taken by a statement',
  'no-route': 'No route',
  'ttl-expired': 'TTL expired',
  loop: 'Chain loop',
  'too-deep': 'Jump stack too deep',
  'missing-chain': 'Missing chain',
  error: 'Evaluation error',
};

/** `input/ip filter/INPUT` → `at input, ip filter INPUT`; `routing` → `at the routing decision`. */
export function whereText(where: string): string {
  if (where === '') return '';
  if (where === 'routing') return 'at the routing decision';
  const [hook, rest] = splitOnce(where, '/');
  if (rest === undefined) return `at ${hook}`;
  return `at ${hook}, ${rest.replace('/', ' ')}`;
}

function splitOnce(s: string, sep: string): [string, string | undefined] {
  const i = s.indexOf(sep);
  return i < 0 ? [s, undefined] : [s.slice(0, i), s.slice(i + 1)];
}

export function fateView(fate: Fate): FateView {
  const tone: Tone = fate.verdict === 'accept' ? 'accept' : fate.verdict === 'drop' ? 'drop' : 'unknown';
  const title = fate.kind === 'forwarded' && /via (\S+)/.test(fate.reason) ? `Forwarded via ${/via (\S+)/.exec(fate.reason)![1]}` : FATE_TITLE[fate.kind];
  return { tone, title, where: whereText(fate.where), reason: fate.reason };
}

/** A step's verdict as the step list shows it: `accept`, `jump services`, `reject with tcp reset`. */
export function verdictText(v: StepVerdict | undefined): string {
  if (!v) return '';
  return v.kind === 'reject' ? `reject${v.with ? ` with ${v.with}` : ''}` : kernelVerdict(v);
}

/** Did this step's rule take effect (matched, or assumed to match)? */
export function isTaken(step: Step): boolean {
  return step.result === 'match' || step.assumed === 'match';
}

export type Outcome = 'match' | 'nomatch' | 'unknown' | 'info';

export function outcomeOf(step: Step): Outcome {
  if (step.kind !== 'rule') return 'info';
  return step.result ?? 'info';
}

/** Short word for a rule's outcome; unknown ones say what was assumed. */
export function outcomeText(step: Step): string {
  switch (outcomeOf(step)) {
    case 'match':
      return 'match';
    case 'nomatch':
      return 'no match';
    case 'unknown':
      return `unknown — assumed ${step.assumed === 'nomatch' ? 'no match' : 'match'}`;
    default:
      return '';
  }
}

/** The step's place: `ip kube-proxy filter-prerouting #2` for rules, the table/chain for chain steps. */
export function stepPlace(step: Step): string {
  const chain = step.table && step.chain ? `${step.family ?? ''} ${step.table} ${step.chain}`.trim() : '';
  if (step.kind === 'rule') return `${chain} #${(step.ruleIndex ?? 0) + 1}`;
  return chain;
}

/** What the step list says for a step kind that has no rule text of its own. */
export function stepKindLabel(step: Step): string {
  switch (step.kind) {
    case 'hook':
      return `hook ${step.hook ?? ''}`.trim();
    case 'chain':
      return 'enter chain';
    case 'policy':
      return 'policy';
    case 'nat':
      return 'NAT';
    case 'conntrack':
      return 'conntrack';
    case 'routing':
      return 'routing';
    case 'ipvs':
      return 'IPVS';
    case 'branch':
      return 'branch';
    case 'note':
      return 'note';
    case 'rule':
      return 'rule';
  }
}

export interface DiffRow {
  readonly field: string;
  readonly before: string;
  readonly after: string;
}

/** The fields a step rewrote (NAT, mark, payload set), before and after. */
export function packetDiff(step: Step): DiffRow[] {
  if (!step.packetAfter) return [];
  return Object.keys(step.packetAfter).map((field) => ({ field, before: step.packetBefore?.[field] ?? '—', after: step.packetAfter?.[field] ?? '—' }));
}

/** Indices of the steps whose match could not be decided (each is an assumption of the trace). */
export function unknownStepIndices(trace: Trace): number[] {
  const out: number[] = [];
  trace.steps.forEach((s, i) => {
    if (s.result === 'unknown' || s.exprs?.some((e) => e.result === 'unknown')) out.push(i);
  });
  return out;
}

/** Index of the step that decided the fate: the last rule or policy step with a final verdict, else the last step. */
export function decidingStepIndex(trace: Trace): number {
  for (let i = trace.steps.length - 1; i >= 0; i--) {
    const s = trace.steps[i] as Step;
    if ((s.kind === 'rule' && isTaken(s)) || s.kind === 'policy') {
      const v = s.verdict?.kind;
      if (v === 'drop' || v === 'reject' || v === 'queue' || v === 'stolen' || (trace.fate.verdict === 'accept' && v === 'accept')) return i;
    }
  }
  return Math.max(0, trace.steps.length - 1);
}

// ───────────── branch tree ─────────────

export interface BranchRow {
  /** Nesting depth (0: the first fork's alternatives). */
  readonly depth: number;
  readonly kind: 'fork' | 'alternative' | 'leaf';
  readonly label: string;
  /** The alternative's share at its fork (null: an assumption, not a probability). */
  readonly share: number | null;
  /** Leaves: index into `tree.leaves`, probability of the whole path, and fate. */
  readonly leaf?: number;
  readonly probability?: number;
  readonly fate?: Fate;
  readonly assumptions?: number;
}

/** The branch tree as rows to list: each fork, its alternatives with their share, and a leaf row for each
 *  end with its probability and fate. */
export function branchRows(tree: TraceTree): BranchRow[] {
  const rows: BranchRow[] = [];
  const walk = (node: BranchNode, depth: number): void => {
    if (node.leaf) {
      rows.push({ depth, kind: 'leaf', label: node.leaf.fate.reason, share: null, leaf: node.leaf.trace, probability: node.leaf.probability, fate: node.leaf.fate, assumptions: node.leaf.assumptions.length });
    }
    if (node.fork) {
      rows.push({ depth, kind: 'fork', label: node.fork.label, share: null });
      for (const child of node.fork.children) {
        rows.push({ depth: depth + 1, kind: 'alternative', label: child.label, share: child.share });
        walk(child.node, depth + 2);
      }
    }
  };
  walk(tree.root, 0);
  return rows;
}

/** Does the tree have any choice at all (else there is only the default path)? */
export function hasBranches(tree: TraceTree): boolean {
  return tree.root.fork !== undefined;
}

/** `33.33 %` (two decimals, trailing zeros dropped). */
export function percent(share: number): string {
  return `${Math.round(share * 10000) / 100} %`;
}

/** Sum of the leaves' probabilities (1 for a complete exploration of random choices). */
export function leafMass(tree: TraceTree): number {
  return tree.leaves.reduce((n, l) => n + l.probability, 0);
}
