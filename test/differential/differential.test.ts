// The differential suite: the real kernel (nft monitor trace in private namespaces, test/oracle/) against the
// evaluator, on hand-written cases for every modelled feature, seeded random cases from the generator,
// iptables-nft dumps and probabilistic rules. Root only; skipped with the reason otherwise, never under
// CI=true. Prints its counts. Imports the oracle, the runner and the case lists.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateCase } from '../oracle/generateCase.ts';
import { generateIp6tablesCase } from '../oracle/generateIp6tablesCase.ts';
import { generateIptablesCase } from '../oracle/generateIptablesCase.ts';
import { assertOracleAvailable, oracleSuiteTitle, skipOracle } from '../oracle/oracleTestSupport.ts';
import { DiffRunner, formatDisagreements, type CaseResult, type DiffCase } from './differential.ts';
import { HAND_CASES, IPTABLES_CASES, IPV6_CASES, PROBABILISTIC_CASES } from './handCases.ts';
import { KNOWN_GAPS, knownGapOf } from './knownGaps.ts';

/** Seeds 1..RANDOM_CASES of generateCase (about 6 packets each, ~0.15 s per case). */
const RANDOM_CASES = 800;
const CHUNK = 200;
/** Seeds 1..RANDOM_IPV6_CASES of generateCase(seed, { family: 'ip6' }) (about 6 packets each, ~0.07 s per case). */
const RANDOM_IPV6_CASES = 600;
/** Seeds 1..RANDOM_IP6TABLES_CASES of generateIp6tablesCase (random ip6tables-save dumps, ~0.07 s per case). */
const RANDOM_IP6TABLES_CASES = 200;
const IPV6_CHUNK = 300;
/** Seeds 1..RANDOM_IPTABLES_CASES of generateIptablesCase (about 6 packets each, ~0.07 s per case). */
const RANDOM_IPTABLES_CASES = 500;
const IPTABLES_CHUNK = 250;

interface Counts {
  cases: number;
  agreeCases: number;
  differCases: number;
  gapCases: number;
  exact: number;
  branch: number;
  assumed: number;
  differ: number;
  gap: number;
}

const counts: Record<'random' | 'randomIptables' | 'randomIpv6' | 'randomIp6tables' | 'hand' | 'iptables' | 'ipv6' | 'probabilistic', Counts> = {
  random: fresh(),
  randomIp6tables: fresh(),
  randomIpv6: fresh(),
  ipv6: fresh(),
  randomIptables: fresh(),
  hand: fresh(),
  iptables: fresh(),
  probabilistic: fresh(),
};

function fresh(): Counts {
  return { cases: 0, agreeCases: 0, differCases: 0, gapCases: 0, exact: 0, branch: 0, assumed: 0, differ: 0, gap: 0 };
}

/** Counts one result; returns the report of its unexpected disagreements ('' if none). */
function account(group: keyof typeof counts, r: CaseResult): string {
  const n = counts[group];
  n.cases++;
  if (r.kind !== 'ran') {
    n.differCases++;
    return formatDisagreements(r);
  }
  let differ = false;
  let gap = false;
  for (const p of r.packets) {
    if (p.comparison.agreement !== 'disagree') {
      n[p.comparison.agreement]++;
      continue;
    }
    const known = knownGapOf(r.case, p.input, p.packetText);
    if (known) {
      n.gap++;
      gap = true;
    } else {
      n.differ++;
      differ = true;
    }
  }
  if (differ) n.differCases++;
  else if (gap) n.gapCases++;
  else n.agreeCases++;
  if (!differ) return '';
  const unknown = { ...r, packets: r.packets.filter((p) => p.comparison.agreement === 'disagree' && !knownGapOf(r.case, p.input, p.packetText)) };
  return formatDisagreements(unknown);
}

function summary(): string {
  const all = Object.values(counts).reduce((a, c) => {
    for (const k of Object.keys(a) as (keyof Counts)[]) a[k] += c[k];
    return a;
  }, fresh());
  const hand = counts.hand.cases + counts.iptables.cases + counts.ipv6.cases + counts.probabilistic.cases;
  const v6 = fresh();
  for (const c of [counts.ipv6, counts.randomIpv6, counts.randomIp6tables]) for (const k of Object.keys(v6) as (keyof Counts)[]) v6[k] += c[k];
  return [
    `differential: ${counts.random.cases} random nft + ${counts.randomIpv6.cases} random IPv6 nft + ${counts.randomIptables.cases} random iptables + ${counts.randomIp6tables.cases} random ip6tables + ${hand} hand cases (${counts.iptables.cases} iptables, ${counts.ipv6.cases} IPv6, ${counts.probabilistic.cases} probabilistic), ` +
      `${all.agreeCases} agree, ${all.differCases} differ, ${all.gapCases} known gaps`,
    `differential: IPv6 (hand + random): ${v6.agreeCases} agree, ${v6.differCases} differ, ${v6.gapCases} known gaps; ` +
      `packets ${v6.exact} exact, ${v6.branch} among branches, ${v6.assumed} assumed, ${v6.differ} differ, ${v6.gap} known gaps`,
    `differential: random iptables dumps: ${counts.randomIptables.agreeCases} agree, ${counts.randomIptables.differCases} differ, ${counts.randomIptables.gapCases} known gaps; ` +
      `packets ${counts.randomIptables.exact} exact, ${counts.randomIptables.branch} among branches, ${counts.randomIptables.assumed} assumed, ${counts.randomIptables.differ} differ, ${counts.randomIptables.gap} known gaps`,
    `differential: packet comparisons (each packet against the nft text listing, the JSON listing and the ruleset as written; ` +
      `iptables: the dump): ${all.exact} exact, ${all.branch} among random branches, ${all.assumed} with assumptions, ${all.differ} differ, ${all.gap} known gaps`,
  ].join('\n');
}

describe.skipIf(skipOracle)(oracleSuiteTitle('differential: the kernel against the evaluator'), () => {
  const runner = new DiffRunner();
  beforeAll(() => assertOracleAvailable());
  afterAll(async () => {
    await runner.close();
    console.log(summary());
  });

  const runAll = async (group: keyof typeof counts, cases: readonly DiffCase[]) => {
    const reports: string[] = [];
    for (const c of cases) {
      const report = account(group, await runner.run(c));
      if (report) reports.push(report);
    }
    // the full report (ruleset, packet, both paths side by side) is the failure message
    expect(reports.join('\n\n')).toBe('');
  };

  it(`hand-written cases: every feature (${HAND_CASES.length} cases)`, () => runAll('hand', HAND_CASES), 120_000);

  it(`iptables-nft dumps (${IPTABLES_CASES.length} cases)`, () => runAll('iptables', IPTABLES_CASES), 60_000);

  it(`IPv6: ip6 and inet tables, ip6tables dumps (${IPV6_CASES.length} cases)`, () => runAll('ipv6', IPV6_CASES), 60_000);

  it(`probabilistic rules: the kernel's choice is one of the evaluator's branches (${PROBABILISTIC_CASES.length} cases)`, () => runAll('probabilistic', PROBABILISTIC_CASES), 60_000);

  for (let from = 1; from <= RANDOM_CASES; from += CHUNK) {
    const to = Math.min(RANDOM_CASES, from + CHUNK - 1);
    it(`random cases: seeds ${from}..${to}`, () => {
      const cases = Array.from({ length: to - from + 1 }, (_, i): DiffCase => {
        const g = generateCase(from + i);
        return { name: `seed ${from + i}`, format: 'nft', ruleset: g.rulesetText, packets: g.packets, options: g.options };
      });
      return runAll('random', cases);
    }, 240_000);
  }

  for (let from = 1; from <= RANDOM_IPV6_CASES; from += IPV6_CHUNK) {
    const to = Math.min(RANDOM_IPV6_CASES, from + IPV6_CHUNK - 1);
    it(`random IPv6 cases: seeds ${from}..${to}`, () => {
      const cases = Array.from({ length: to - from + 1 }, (_, i): DiffCase => {
        const g = generateCase(from + i, { family: 'ip6' });
        return { name: `ip6 seed ${from + i}`, format: 'nft', ruleset: g.rulesetText, packets: g.packets, options: g.options };
      });
      return runAll('randomIpv6', cases);
    }, 120_000);
  }

  it(`random ip6tables dumps: seeds 1..${RANDOM_IP6TABLES_CASES}`, () => {
    const cases = Array.from({ length: RANDOM_IP6TABLES_CASES }, (_, i): DiffCase => {
      const g = generateIp6tablesCase(i + 1);
      return { name: `ip6tables seed ${i + 1}`, format: 'ip6tables', ruleset: g.saveText, packets: g.packets, options: g.options };
    });
    return runAll('randomIp6tables', cases);
  }, 120_000);

  for (let from = 1; from <= RANDOM_IPTABLES_CASES; from += IPTABLES_CHUNK) {
    const to = Math.min(RANDOM_IPTABLES_CASES, from + IPTABLES_CHUNK - 1);
    it(`random iptables dumps: seeds ${from}..${to}`, () => {
      const cases = Array.from({ length: to - from + 1 }, (_, i): DiffCase => {
        const g = generateIptablesCase(from + i);
        return { name: `iptables seed ${from + i}`, format: 'iptables', ruleset: g.saveText, packets: g.packets, options: g.options };
      });
      return runAll('randomIptables', cases);
    }, 120_000);
  }

  it(`known gaps: each still shows on its witness, and only as itself (${KNOWN_GAPS.length} gaps)`, async () => {
    const stale: string[] = [];
    for (const g of KNOWN_GAPS) {
      const r = await runner.run({ name: `gap: ${g.name}`, format: g.witness.format ?? 'nft', ruleset: g.witness.ruleset, packets: g.witness.packets, ...(g.witness.options ? { options: g.witness.options } : {}) });
      const differing = r.kind === 'ran' ? r.packets.filter((p) => p.comparison.agreement === 'disagree') : [];
      if (!differing.length || differing.some((p) => knownGapOf(r.case, p.input, p.packetText) !== g.name)) stale.push(g.name);
    }
    expect(stale).toEqual([]);
  }, 60_000);
});
