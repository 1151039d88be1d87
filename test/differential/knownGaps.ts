// Divergences between the kernel and the evaluator that are understood but not fixed: each names the case,
// the evaluator inputs it affects and why. The suite counts them apart and fails when one no longer shows
// (then it must leave this list). Data only; imports nothing.

export interface KnownGap {
  readonly name: string;
  /** Whether a disagreement of this case, on this evaluator input (EvaluatorInput label), is this gap. */
  readonly applies: (c: { readonly name: string; readonly ruleset: string }, input: string) => boolean;
  readonly why: string;
}

const LISTINGS = ['nft -a list ruleset', 'nft -j list ruleset'];

/** A rule with an ordering match `<`/`<=` on one field directly followed by `>`/`>=` on another. */
const LT_THEN_GT = /(\b[a-z]+ [a-z]+) <=? \S+ (?!\1)([a-z]+ [a-z]+) >=? \S+/;

/** Two `!=` matches in a row on fields of one header, with single values (no sets). */
const NEQ_PAIR = /\b(ip|ip6|tcp|udp|th) [a-z]+ != [^\s{]+ \1 [a-z]+ != [^\s{]+/;

export const KNOWN_GAPS: readonly KnownGap[] = [
  {
    name: 'nft 1.0.6 lists `A < x B > y` as `B != x-y`',
    applies: (c, input) => LISTINGS.includes(input) && c.ruleset.split('\n').some((l) => LT_THEN_GT.test(l)),
    why:
      'its delinearizer merges a `cmp lt` and the next `cmp gt` into one range even when they compare two ' +
      'different payload fields (`ip ttl < 5 ip length > 100`: bytecode load 1b @8, cmp lt 5; load 2b @2, cmp ' +
      'gt 100; listed `ip length != 5-100`, or an empty range that does not parse). The kernel runs the ' +
      'bytecode, the evaluator reads the listing, which says something else; the ruleset as written agrees.',
  },
  {
    name: 'nft 1.0.6 merges adjacent `!=` header matches into one compare',
    applies: (c) => c.ruleset.split('\n').some((l) => NEQ_PAIR.test(l)),
    why:
      'nft merges matches on adjacent fields of one header into one load and one compare, also for `!=`: ' +
      '`tcp sport != 80 tcp dport != 53` becomes `load 4b @ th + 0; cmp neq 0x35005000`, which matches when ' +
      'either port differs, while the listing (and nft\'s own syntax) says both must. The evaluator follows ' +
      'the ruleset\'s meaning; the kernel runs the merged compare.',
  },
];

/** The gap's name when this disagreement (case, input) is a listed gap. */
export function knownGapOf(c: { readonly name: string; readonly ruleset: string }, input: string): string | undefined {
  return KNOWN_GAPS.find((g) => g.applies(c, input))?.name;
}
