// Exploration helper: runs generated seeds through the differential runner, prints the tally and writes
// every disagreement (shrunk with --shrink) to /tmp/diff-report.txt (or --out FILE). --iptables: the
// iptables-save generator (generateIptablesCase) instead of the nft one; --ip6: the IPv6 nft generator
// (generateCase(seed, { family: 'ip6' }), its own seed space); both: random ip6tables-save dumps
// (generateIp6tablesCase).
// Usage: explore.ts FROM TO [--iptables|--ip6] [--shrink] [--out FILE] | explore.ts --seeds 3,8,20 [--iptables|--ip6] [--shrink]
import { writeFileSync } from 'node:fs';
import { generateCase } from '../../test/oracle/generateCase.ts';
import { generateIp6tablesCase } from '../../test/oracle/generateIp6tablesCase.ts';
import { generateIptablesCase } from '../../test/oracle/generateIptablesCase.ts';
import { DiffRunner, formatDisagreements, isDisagreement, tally, type CaseResult, type DiffCase } from '../../test/differential/differential.ts';

const args = process.argv.slice(2);
const shrinkIt = args.includes('--shrink');
const iptables = args.includes('--iptables');
const ip6 = args.includes('--ip6');
const opt = (name: string) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const out = opt('--out') ?? '/tmp/diff-report.txt';
const listed = opt('--seeds')?.split(',').map(Number);
const [from = '1', to = '100'] = args.filter((a, i) => !a.startsWith('--') && !['--out', '--seeds'].includes(args[i - 1] ?? ''));
const seeds = listed ?? Array.from({ length: Number(to) - Number(from) + 1 }, (_, i) => Number(from) + i);
const caseOf = (seed: number): DiffCase => {
  if (iptables && ip6) {
    const g = generateIp6tablesCase(seed);
    return { name: `ip6tables seed ${seed}`, format: 'ip6tables', ruleset: g.saveText, packets: g.packets, options: g.options };
  }
  if (iptables) {
    const g = generateIptablesCase(seed);
    return { name: `iptables seed ${seed}`, format: 'iptables', ruleset: g.saveText, packets: g.packets, options: g.options };
  }
  if (ip6) {
    const g = generateCase(seed, { family: 'ip6' });
    return { name: `ip6 seed ${seed}`, format: 'nft', ruleset: g.rulesetText, packets: g.packets, options: g.options };
  }
  const g = generateCase(seed);
  return { name: `seed ${seed}`, format: 'nft', ruleset: g.rulesetText, packets: g.packets, options: g.options };
};
const results: CaseResult[] = [];
const t0 = Date.now();
const runner = new DiffRunner();
const reports: string[] = [];
try {
  for (const seed of seeds) {
    const r = await runner.run(caseOf(seed));
    results.push(r);
    if (r.kind === 'refused') reports.push(formatDisagreements(r));
    if (!isDisagreement(r)) continue;
    if (shrinkIt) {
      const m = await runner.minimize(r);
      reports.push(`${formatDisagreements(m.result, m.text)}\n(shrunk in ${m.tries} kernel runs)`);
    } else reports.push(formatDisagreements(r));
  }
} finally {
  await runner.close();
}
writeFileSync(out, reports.join('\n\n'));
console.log(JSON.stringify(tally(results)), `${reports.length} cases disagree`, `${Date.now() - t0} ms`);
console.log(results.filter(isDisagreement).map((r) => r.case.name).join(', '));
