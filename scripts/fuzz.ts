// `npm run fuzz`: the fuzz properties of test/fuzz/targets.ts over many cases (≥100 000 by default), split
// across the targets, printing the count. Node-only script; imports fast-check and the fuzz targets.
//   npm run fuzz -- [--cases N] [--seed S] [--target name[,name]] [--per-file K]
// Then every corpus file of each parser target once as it is and K times mutated (counted in the total).
import fc from 'fast-check';
import { mutatedCorpus } from '../test/fuzz/arbitraries.ts';
import { checkInput, TARGETS } from '../test/fuzz/targets.ts';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const totalCases = Number(arg('cases') ?? 100_000);
const seed = Number(arg('seed') ?? Date.now() % 2 ** 31);
const only = arg('target')?.split(',');
const targets = TARGETS.filter((t) => !only || only.includes(t.name));
if (targets.length === 0) {
  console.error(`no target named ${only?.join(', ')}; targets: ${TARGETS.map((t) => t.name).join(', ')}`);
  process.exit(2);
}

/** A single case slower than this is reported: parsers are linear and fuzz inputs are at most a few KiB
 *  beyond their corpus file, so seconds mean a hang-like path. */
const SLOW_MS = 5000;

const perTarget = Math.ceil(totalCases / targets.length);
let ran = 0;
let failed = 0;
const started = Date.now();
console.log(`fuzz: ${targets.length} targets × ${perTarget} cases, seed ${seed}`);
for (const target of targets) {
  const t0 = Date.now();
  let count = 0;
  const result = fc.check(
    fc.property(target.input(), (text) => {
      count++;
      const problems = checkInput(target, text, SLOW_MS);
      if (problems.length > 0) throw new Error(problems.join('\n'));
    }),
    { numRuns: perTarget, seed, endOnFailure: false, maxSkipsPerRun: 0 },
  );
  ran += result.numRuns;
  const secs = ((Date.now() - t0) / 1000).toFixed(1);
  if (result.failed) {
    failed++;
    console.log(`  ✗ ${target.name}: failed after ${result.numRuns} cases (${secs} s)`);
    console.log(fc.defaultReportMessage(result));
  } else {
    console.log(`  ✓ ${target.name}: ${result.numRuns} cases (${secs} s)`);
  }
}
// Every corpus file of every parser target: as it is, then EVERY_FILE_MUTATIONS seeded mutations of it (the
// random phase above reaches most files; this pass makes "every file" exact).
const EVERY_FILE_MUTATIONS = Number(arg('per-file') ?? 4);
for (const target of targets) {
  if (!target.corpus) continue;
  const t0 = Date.now();
  const texts = target.corpus();
  const failures: string[] = [];
  let count = 0;
  texts.forEach((text, i) => {
    const cases = [text, ...fc.sample(mutatedCorpus([text]), { numRuns: EVERY_FILE_MUTATIONS, seed: seed + i })];
    for (const c of cases) {
      count++;
      const problems = checkInput(target, c, SLOW_MS);
      if (problems.length > 0 && failures.length < 3) failures.push(`${problems.join('\n')}\n  input: ${JSON.stringify(c.length > 2000 ? `${c.slice(0, 2000)}…` : c)}`);
    }
  });
  ran += count;
  const secs = ((Date.now() - t0) / 1000).toFixed(1);
  if (failures.length > 0) {
    failed++;
    console.log(`  ✗ ${target.name} every file: ${texts.length} files, ${count} cases (${secs} s)\n${failures.join('\n')}`);
  } else {
    console.log(`  ✓ ${target.name} every file: ${texts.length} files × (1 + ${EVERY_FILE_MUTATIONS} mutations) = ${count} cases (${secs} s)`);
  }
}
console.log(`fuzz: ${ran} cases run, ${failed} target(s) failed, ${((Date.now() - started) / 1000).toFixed(0)} s, seed ${seed}`);
process.exit(failed > 0 ? 1 : 0);
