// Quick exploration: runs generated seeds through the differential runner and prints disagreements.
import { writeFileSync } from 'node:fs';
import { withOracleSession } from '../../test/oracle/kernelOracle.ts';
import { generateCase } from '../../test/oracle/generateCase.ts';
import { formatDisagreements, isDisagreement, runCase, tally, type CaseResult } from '../../test/differential/differential.ts';

const [from = '1', to = '100'] = process.argv.slice(2);
const results: CaseResult[] = [];
const t0 = Date.now();
await withOracleSession(async (s) => {
  for (let seed = Number(from); seed <= Number(to); seed++) {
    const g = generateCase(seed);
    results.push(await runCase(s, { name: `seed ${seed}`, format: 'nft', ruleset: g.rulesetText, packets: g.packets, options: g.options }));
  }
});
const bad = results.filter(isDisagreement);
writeFileSync('/tmp/diff-report.txt', bad.map((r) => formatDisagreements(r)).join('\n\n'));
console.log(JSON.stringify(tally(results)), `${bad.length} cases disagree`, `${Date.now() - t0} ms`);
console.log(bad.map((r) => r.case.name).join(', '));
