// One measurement in a fresh Node process (so that peak memory and JIT state belong to that measurement
// alone): `parse`, `trace` or `graph`. Started by runner.ts with --expose-gc; prints one JSON line last.
//   node --expose-gc --import tsx scripts/bench/child.ts parse FORMAT FILE
//   node --expose-gc --import tsx scripts/bench/child.ts trace MODE DUMPDIR PACKETS BUDGET_MS
//   node --expose-gc --import tsx scripts/bench/child.ts graph MODE DUMPDIR
import { measureGraph } from './graphTask.ts';
import { measureParse } from './parseTask.ts';
import { measureTrace } from './traceTask.ts';

const [task, ...args] = process.argv.slice(2);

async function main(): Promise<unknown> {
  switch (task) {
    case 'parse':
      return measureParse(args[0] ?? '', args[1] ?? '');
    case 'trace':
      return measureTrace(args[0] ?? '', args[1] ?? '', Number(args[2] ?? 200), Number(args[3] ?? 15_000));
    case 'graph':
      return measureGraph(args[0] ?? '', args[1] ?? '');
    default:
      throw new Error(`unknown task ${task ?? '(none)'}`);
  }
}

main().then(
  (result) => {
    process.stdout.write(`\n${JSON.stringify(result)}\n`);
  },
  (error: unknown) => {
    process.stdout.write(`\n${JSON.stringify({ error: error instanceof Error ? (error.stack ?? error.message) : String(error) })}\n`);
    process.exitCode = 1;
  },
);
