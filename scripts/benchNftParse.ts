// Ad-hoc benchmark of the nft text parser on a ~100k-rule kube-proxy dump (a real listing from the corpus,
// its service chains replicated). Run: npx tsx scripts/benchNftParse.ts. Not a test: it only prints.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseNft } from '../src/parse/nft/index.ts';
import { sharedDir } from '../test/corpus.ts';

const base = readFileSync(
  join(sharedDir(), 'corpus/generated/nft/gen__kube-proxy__pkg__proxy__nftables__proxier_test.go__TestOverallNFTablesRules-expected.loaded.nft'),
  'utf8',
);
const chains = [...base.matchAll(/\tchain (service|endpoint)-[^\n]*\{\n(?:\t\t[^\n]*\n)*\t\}\n/g)].map((m) => m[0]);
const perCopy = chains.reduce((a, c) => a + c.split('\n').length - 3, 0);
const parts: string[] = [base.replace(/\n\}\s*$/, '\n')];
for (let k = 0; k < Math.ceil(100000 / perCopy); k++) for (const c of chains) parts.push(c.replace(/chain (\S+)/, `chain $1-${k}`));
parts.push('}\n');
const text = parts.join('');
for (let run = 0; run < 3; run++) {
  const t0 = performance.now();
  const r = parseNft(text);
  const ms = performance.now() - t0;
  const rules = r.ruleset.tables.reduce((a, t) => a + t.chains.reduce((b, c) => b + c.rules.length, 0), 0);
  console.log(`${(text.length / 1e6).toFixed(1)} MB, ${rules} rules: ${ms.toFixed(0)} ms, ${r.diagnostics.length} diagnostics`);
}
