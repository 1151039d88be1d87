// Kernel-oracle benchmark: N generated cases (seeds 1..N) through one session, then packets/s through one
// loaded ruleset. Usage (root): npx tsx scripts/oracle-bench.ts [N=500] [PACKETS=2000]
import { generateCase } from '../test/oracle/generateCase.ts';
import { oracleAvailable, runManyRulesets, withOracleSession, type WirePacket } from '../test/oracle/kernelOracle.ts';

const n = Number(process.argv[2] ?? 500);
const nPackets = Number(process.argv[3] ?? 2000);
const avail = oracleAvailable();
if (!avail.ok) {
  console.error(`kernel oracle unavailable: ${avail.reason}`);
  process.exit(2);
}

let t0 = performance.now();
const cases = Array.from({ length: n }, (_, i) => generateCase(i + 1));
const genMs = performance.now() - t0;
t0 = performance.now();
const results = await runManyRulesets(cases.map((c) => ({ ruleset: c.rulesetText, packets: c.packets, options: c.options })));
const runMs = performance.now() - t0;
const fates: Record<string, number> = {};
let packets = 0;
let refused = 0;
let untraced = 0;
for (const r of results) {
  if (!r.ok) {
    refused++;
    continue;
  }
  for (const t of r.traces) {
    packets++;
    fates[t.fate] = (fates[t.fate] ?? 0) + 1;
    if (t.untraced) untraced++;
  }
}
console.log(`generate ${n} cases: ${genMs.toFixed(0)} ms`);
console.log(
  `run ${n} rulesets / ${packets} packets: ${(runMs / 1000).toFixed(1)} s = ${(n / (runMs / 1000)).toFixed(1)} rulesets/s, ` +
    `${(packets / (runMs / 1000)).toFixed(0)} (ruleset, packet) cases/s; refused ${refused}; untraced ${untraced}; fates ${JSON.stringify(fates)}`,
);

const ruleset = cases[0]!.rulesetText;
await withOracleSession(async (s) => {
  const listing = await s.loadNft(ruleset);
  const pk: WirePacket[] = Array.from({ length: nPackets }, (_, i) => ({
    id: i + 1, origin: 'remote', family: 'ip', protocol: i % 2 ? 'tcp' : 'udp',
    saddr: '198.51.100.1', daddr: '198.51.100.2', sport: 1024 + i, dport: [22, 53, 80, 443, 8080][i % 5]!,
  }));
  const t1 = performance.now();
  const { lines } = await s.trace(pk, listing);
  const dt = performance.now() - t1;
  console.log(`one ruleset, ${nPackets} packets: ${dt.toFixed(0)} ms = ${(nPackets / (dt / 1000)).toFixed(0)} packets/s (${lines.length} monitor lines)`);
});
