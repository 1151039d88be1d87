// Runs the hand-written differential cases (test/differential/handCases.ts) and prints every disagreement.
// Usage: hand.ts [NAME-SUBSTRING]
import { HAND_CASES, IPTABLES_CASES, IPV6_CASES, PROBABILISTIC_CASES } from '../../test/differential/handCases.ts';
import { DiffRunner, formatDisagreements, isDisagreement, tally, type CaseResult } from '../../test/differential/differential.ts';

const filter = process.argv[2] ?? '';
const runner = new DiffRunner();
const results: CaseResult[] = [];
try {
  for (const c of [...HAND_CASES, ...IPTABLES_CASES, ...PROBABILISTIC_CASES, ...IPV6_CASES].filter((x) => x.name.includes(filter))) {
    const r = await runner.run(c);
    results.push(r);
    if (isDisagreement(r) || r.kind === "refused") console.log(formatDisagreements(r));
  }
} finally {
  await runner.close();
}
console.log(JSON.stringify(tally(results)));
console.log('disagree:', results.filter(isDisagreement).map((r) => r.case.name).join(' | '));
