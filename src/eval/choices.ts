// Choice points (numgen/statistic/IPVS scheduling, undecidable matches), how a run picks an alternative
// (user's branch list, seeded PRNG, or the default), and the all-branches exploration that replays runs with
// every alternative and folds the leaves into a tree. Deterministic: no clock, no Math.random.
// Imports eval/trace types only.
import type { BranchNode, ChoiceKind, ChoiceTaken, Trace, TraceTree } from './trace.ts';

export interface Alternative {
  readonly label: string;
  /** Probability; null for an undecidable alternative (an assumption). */
  readonly share: number | null;
}

export interface ChoicePoint {
  readonly kind: ChoiceKind;
  readonly label: string;
  readonly alternatives: readonly Alternative[];
  /** The alternative a run takes when nothing else decides (the first for random choices; for an
   *  undecidable match, the usual case — e.g. "under the limit"). */
  readonly defaultIndex: number;
}

export interface ChoicePlan {
  /** Indices to take at the first choice points, in order. */
  readonly prefix: readonly number[];
  /** After the prefix: a seeded PRNG for random choices, else the defaults. */
  readonly seed?: number;
}

/** mulberry32: a small deterministic PRNG (public domain), enough to pick branches reproducibly. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class Chooser {
  readonly taken: ChoiceTaken[] = [];
  private readonly rng?: () => number;

  constructor(private readonly plan: ChoicePlan) {
    if (plan.seed !== undefined) this.rng = mulberry32(plan.seed);
  }

  choose(point: ChoicePoint, stepIndex: number): number {
    const n = point.alternatives.length;
    const at = this.taken.length;
    let index = point.defaultIndex;
    const planned = this.plan.prefix[at];
    if (planned !== undefined) index = Math.min(Math.max(planned, 0), n - 1);
    else if (this.rng && point.kind !== 'unknown') index = pickWeighted(point, this.rng());
    const alt = point.alternatives[index]!;
    this.taken.push({ kind: point.kind, label: point.label, index, alternative: alt.label, share: alt.share, alternatives: n, stepIndex });
    return index;
  }
}

function pickWeighted(point: ChoicePoint, r: number): number {
  let acc = 0;
  for (let i = 0; i < point.alternatives.length; i++) {
    acc += point.alternatives[i]!.share ?? 0;
    if (r < acc) return i;
  }
  return point.alternatives.length - 1;
}

/** Probability of a run: the product of the shares of its random choices. */
export function probabilityOf(taken: readonly ChoiceTaken[]): number {
  return taken.reduce((p, c) => (c.share === null ? p : p * c.share), 1);
}

/** Runs every combination of alternatives (depth first, replaying from the start with a longer prefix each
 *  time), up to `maxLeaves` complete traces. */
export function exploreAll(run: (plan: ChoicePlan) => Trace, maxLeaves: number): TraceTree {
  const leaves: Trace[] = [];
  const pending: (readonly number[])[] = [[]];
  let truncated: string | undefined;
  while (pending.length) {
    if (leaves.length >= maxLeaves) {
      truncated = `stopped after ${maxLeaves} branches (${pending.length}+ unexplored); raise the branch cap or pick branches with --branch`;
      break;
    }
    const prefix = pending.pop()!;
    const t = run({ prefix });
    leaves.push(t);
    const taken = t.choices.map((c) => c.index);
    // Alternatives not taken at every choice point beyond the prefix; pushed so that lower indices pop first.
    for (let j = t.choices.length - 1; j >= prefix.length; j--) {
      const c = t.choices[j]!;
      for (let a = c.alternatives - 1; a >= 0; a--) {
        if (a !== c.index) pending.push([...taken.slice(0, j), a]);
      }
    }
  }
  leaves.sort((a, b) => compareIndices(a.choices, b.choices));
  const root = buildTree(leaves, leaves.map((_, i) => i), 0, 0);
  return truncated ? { root, leaves, truncated } : { root, leaves };
}

function compareIndices(a: readonly ChoiceTaken[], b: readonly ChoiceTaken[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const d = a[i]!.index - b[i]!.index;
    if (d) return d;
  }
  return a.length - b.length;
}

/** Leaves sharing their first `depth` choices also share every step before choice `depth` (the runs are
 *  deterministic replays), so the tree is cut at the step index of each choice. */
function buildTree(all: readonly Trace[], group: readonly number[], depth: number, stepStart: number): BranchNode {
  const first = all[group[0]!]!;
  const c = first.choices[depth];
  if (!c || group.length === 1) {
    if (group.length === 1 && c === undefined) {
      return { steps: first.steps.slice(stepStart), leaf: { fate: first.fate, probability: first.probability, assumptions: first.assumptions, trace: group[0]! } };
    }
    if (!c) {
      // Several leaves without a further choice cannot happen with deterministic runs; keep the first.
      return { steps: first.steps.slice(stepStart), leaf: { fate: first.fate, probability: first.probability, assumptions: first.assumptions, trace: group[0]! } };
    }
  }
  const byIndex = new Map<number, number[]>();
  for (const i of group) {
    const ci = all[i]!.choices[depth];
    if (!ci) continue;
    const list = byIndex.get(ci.index) ?? [];
    list.push(i);
    byIndex.set(ci.index, list);
  }
  const children = [...byIndex.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([, members]) => {
      const ci = all[members[0]!]!.choices[depth]!;
      return { label: ci.alternative, share: ci.share, node: buildTree(all, members, depth + 1, ci.stepIndex) };
    });
  return { steps: first.steps.slice(stepStart, c!.stepIndex), fork: { kind: c!.kind, label: c!.label, children } };
}

/** Probability mass of a tree: random forks weigh their children by share; an undecidable fork is not a
 *  probability (each assumption is a separate world), so each child must carry the same mass and that mass
 *  is returned. A complete exploration has mass 1 (a property the tests check). */
export function massOf(node: BranchNode): number {
  if (!node.fork) return 1;
  const kids = node.fork.children;
  if (kids.some((k) => k.share === null)) {
    const masses = kids.map((k) => massOf(k.node));
    return Math.min(...masses);
  }
  return kids.reduce((m, k) => m + (k.share ?? 0) * massOf(k.node), 0);
}
