// Child task: parse one file in one format, once, and report the time and memory it took. The text is read
// and the garbage collector run before the clock starts; the result is kept alive until memory is measured.
import { readFileSync } from 'node:fs';
import { parseText, isSourceFormat } from '../../src/parse/index.ts';

export interface ParseMeasurement {
  readonly ms: number;
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
  return {
    ms,
    bytes: Buffer.byteLength(text),
    errors,
    warnings: result.diagnostics.length - errors,
    heapRetainedMB: (after.heapUsed - before.heapUsed) / MB,
    peakRssMB: peakRss / MB,
    rssGrowthMB: Math.max(0, peakRss - before.rss) / MB,
  };
}
