// Child task: parse one file in one format, once, and report the time and memory it took. The text is read
// and the garbage collector run before the clock starts; the result is kept alive until memory is measured.
import { readFileSync } from 'node:fs';
import { parseText, isSourceFormat } from '../../src/parse/index.ts';

export interface ParseMeasurement {
  /** The first parse of the process (cold: the JIT has not compiled the parser yet). */
  readonly ms: number;
  /** Later parses of the same text in the same process, median (the parser compiled, as in a page that has
   *  parsed before); absent when the first parse took all the time there was. */
  readonly warmMs?: number;
  readonly bytes: number;
  /** Diagnostics the parse produced (a benchmark of a broken parse would be meaningless). */
  readonly errors: number;
  readonly warnings: number;
  /** JS heap used after the parse (result alive, after GC) minus before: the size of the result. */
  readonly heapRetainedMB: number;
  /** Peak resident set size of the process (includes Node and the text), and its growth during the parse. */
  readonly peakRssMB: number;
  readonly rssGrowthMB: number;
}

const MB = 1024 * 1024;

function gc(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

export function measureParse(format: string, file: string): ParseMeasurement {
  if (!isSourceFormat(format)) throw new Error(`unknown format ${format}`);
  const text = readFileSync(file, 'utf8');
  gc();
  const before = process.memoryUsage();
  const start = performance.now();
  const result = parseText(text, format);
  const ms = performance.now() - start;
  const peakRss = process.resourceUsage().maxRSS * 1024;
  gc();
  const after = process.memoryUsage();
  const errors = result.diagnostics.filter((d) => d.severity === 'error').length;
  // Warm runs: up to 5, within about 3 s of parsing (a 10 000-Service dump gets one or two).
  const warm: number[] = [];
  for (let spent = 0; warm.length < 5 && spent + ms < 3000; ) {
    const t = performance.now();
    parseText(text, format);
    warm.push(performance.now() - t);
    spent += warm[warm.length - 1]!;
  }
  warm.sort((a, b) => a - b);
  return {
    ms,
    ...(warm.length > 0 ? { warmMs: warm[Math.floor(warm.length / 2)]! } : {}),
    bytes: Buffer.byteLength(text),
    errors,
    warnings: result.diagnostics.length - errors,
    heapRetainedMB: (after.heapUsed - before.heapUsed) / MB,
    peakRssMB: peakRss / MB,
    rssGrowthMB: Math.max(0, peakRss - before.rss) / MB,
  };
}
