// The benchmark's pieces on a tiny cluster (6 Services × 2 endpoints): options, dump cache, each child task,
// the child-process runner, the targets and the markdown. Nothing here is timed: only that every piece runs
// and that what it reports is consistent with the dump (no parse errors, traces agree with the generator).
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileOf, prepareDumps, type BenchFormat, type DumpSet } from './dumps.ts';
import { measureGraph } from './graphTask.ts';
import { parseOptions } from './options.ts';
import { measureParse } from './parseTask.ts';
import { judgeTargets, mergeRows, parseRatio, renderMarkdown, traceGrowth, withBenchmarks, type BenchResults, type ParseRow, type TraceRow } from './results.ts';
import { runChild } from './runner.ts';
import { median, percentile } from './stats.ts';
import { checkTrace, measureTrace, nodeHost, packetFor, type TraceMeasurement } from './traceTask.ts';
import { evaluate, parsePacket } from '../../src/eval/index.ts';
import { loadWorkspace, PROXY_MODES } from './workspace.ts';
import type { ParseMeasurement } from './parseTask.ts';

const cache = mkdtempSync(join(tmpdir(), 'nflens-bench-test-'));
const savedCache = process.env.NFLENS_BENCH_CACHE;
let dumps: DumpSet;
const logged: string[] = [];

beforeAll(() => {
  process.env.NFLENS_BENCH_CACHE = cache;
  dumps = prepareDumps(6, 2, (l) => logged.push(l), false);
});
afterAll(() => {
  if (savedCache === undefined) delete process.env.NFLENS_BENCH_CACHE;
  else process.env.NFLENS_BENCH_CACHE = savedCache;
  rmSync(cache, { recursive: true, force: true });
});

describe('bench options', () => {
  it('defaults to 100, 1 000 and 10 000 Services with every section; --quick drops 10 000', () => {
    const d = parseOptions([]);
    expect(d.sizes).toEqual([100, 1000, 10_000]);
    expect([...d.sections].sort()).toEqual(['browser', 'graph', 'native', 'parse', 'trace']);
    expect(d.quick).toBe(false);
    const q = parseOptions(['--quick', '--no-browser']);
    expect(q.sizes).toEqual([100, 1000]);
    expect(q.sections.has('browser')).toBe(false);
    expect(q.repeat).toBe(1);
  });

  it('sorts --sizes, accepts underscores and rejects unknown sections and bad sizes', () => {
    expect(parseOptions(['--sizes', '10_000,100']).sizes).toEqual([100, 10_000]);
    expect(parseOptions(['--only=trace,graph']).sections).toEqual(new Set(['trace', 'graph']));
    expect(() => parseOptions(['--only', 'layout'])).toThrow(/unknown section layout/);
    expect(() => parseOptions(['--sizes', '1,x'])).toThrow(/--sizes/);
  });
});

describe('bench dumps', () => {
  it('writes the three modes once and reuses them from the cache', () => {
    expect(logged.filter((l) => l.includes('generated'))).toHaveLength(3);
    for (const f of Object.values(dumps.files)) expect(existsSync(f)).toBe(true);
    expect(dumps.nftJsonMissing).toBeDefined();
    expect(fileOf(dumps, 'nft-json')).toBeUndefined();
    const again: string[] = [];
    const second = prepareDumps(6, 2, (l) => again.push(l), false);
    expect(second.dir).toBe(dumps.dir);
    expect(again).toEqual([]);
  });
});

describe('bench tasks', () => {
  it('parses every format of the dump without an error diagnostic', () => {
    for (const format of ['nft', 'iptables', 'ipset', 'ipvs'] as const satisfies readonly BenchFormat[]) {
      const file = fileOf(dumps, format)!;
      const m = measureParse(format, file);
      expect(m.errors, format).toBe(0);
      expect(m.bytes).toBe(readFileSync(file).length);
      expect(m.ms).toBeGreaterThan(0);
      expect(m.peakRssMB).toBeGreaterThan(0);
    }
    expect(() => measureParse('pf', fileOf(dumps, 'nft')!)).toThrow(/unknown format/);
  });

  it('traces packets in every proxy mode and agrees with the generator', () => {
    for (const mode of PROXY_MODES) {
      const m = measureTrace(mode, dumps.dir, 12, 10_000);
      expect(m.packets, mode).toBe(12);
      expect(m.wrong, `${mode}: ${m.wrongExample ?? ''}`).toBe(0);
      expect(m.meanSteps).toBeGreaterThan(0);
      expect(m.rules).toBeGreaterThan(0);
    }
  });

  it('reports a trace that lands on the wrong endpoint', () => {
    const { workspace, services, nodeIP } = loadWorkspace('nft', dumps.dir);
    const withEndpoints = services.filter((s) => s.endpoints.length > 0);
    const [a, b] = [withEndpoints[0]!, withEndpoints.find((s) => !s.endpoints.some((e) => withEndpoints[0]!.endpoints.includes(e)))!];
    const trace = evaluate(workspace, parsePacket(packetFor(a, 1)).packet, { host: nodeHost(nodeIP) });
    expect(checkTrace(a, trace)).toBeUndefined();
    expect(checkTrace(b, trace)).toMatch(/went to/);
  });

  it('builds, lays out and searches the graph', async () => {
    const m = await measureGraph('ipvs', dumps.dir);
    expect(m.nodes).toBeGreaterThan(0);
    expect(m.edges).toBeGreaterThan(0);
    expect(m.layoutMs).toBeGreaterThan(0);
    expect(m.searchHits).toBeGreaterThan(0);
  });

  it('runs a task in a fresh process and reports its result or its failure', async () => {
    const ok = await runChild<ParseMeasurement>(['parse', 'nft', fileOf(dumps, 'nft')!], 60_000);
    expect(ok.ok && ok.value.errors).toBe(0);
    const bad = await runChild<ParseMeasurement>(['parse', 'nope', fileOf(dumps, 'nft')!], 60_000);
    expect(bad.ok).toBe(false);
    expect(!bad.ok && bad.error).toMatch(/unknown format nope/);
  });
});

describe('bench results', () => {
  const parseRow = (services: number, ms: number, nativeMs: number[]): ParseRow => ({
    format: 'nft',
    services,
    nflens: { ms, bytes: 1, errors: 0, warnings: 0, heapRetainedMB: 1, peakRssMB: 1, rssGrowthMB: 1 },
    runs: 1,
    native: nativeMs.map((x, i) => ({ label: `tool${i}`, status: 'ok' as const, ms: x })),
  });
  const traceRow = (services: number, medianMs: number): TraceRow => ({
    mode: 'nft',
    services,
    result: { rules: 1, prepareMs: 1, firstMs: 1, packets: 10, medianMs, p90Ms: medianMs, meanSteps: 3, wrong: 0 } satisfies TraceMeasurement,
  });

  it('compares with the fastest native tool and bounds the ratio when the tools time out', () => {
    expect(parseRatio(parseRow(100, 50, [200, 100]))).toEqual({ value: 0.5, bound: false, tool: 'tool1' });
    const timedOut: ParseRow = { ...parseRow(100, 50, []), native: [{ label: 'nft -c -f', status: 'timeout', ms: 1000 }] };
    expect(parseRatio(timedOut)).toEqual({ value: 0.05, bound: true, tool: 'nft -c -f' });
    expect(parseRatio(parseRow(100, 50, []))).toBeUndefined();
  });

  it('judges the targets and renders them', () => {
    const meta: BenchResults['meta'] = { date: '2026-01-01T00:00:00Z', commit: 'abc', node: '20', cpu: 'cpu', cores: 1, memoryGB: 1, kernel: 'k', tools: {}, sizes: [100, 10_000], endpoints: 10, nativeTimeoutS: 1, notes: [] };
    const trace = [traceRow(100, 1), traceRow(10_000, 2.5)];
    expect(traceGrowth(trace, 'nft')?.ratio).toBe(2.5);
    const partial = { meta, parse: [parseRow(100, 50, [100]), parseRow(10_000, 900, [300])], trace, graph: [] };
    const targets = judgeTargets(partial);
    const byName = (s: string) => targets.find((t) => t.target.includes(s))!;
    expect(byName('parse nft text').status).toBe('FAIL');
    expect(byName('parse nft text').detail).toContain('10000: 3.00');
    expect(byName('trace per packet').status).toBe('FAIL');
    expect(byName('first graph paint').status).toBe('N/A');
    const md = renderMarkdown({ ...partial, targets });
    expect(md).toContain('| nft text | 10,000 |');
    expect(md).toContain('t(10,000)/t(100) = 2.50');
    expect(md).toMatch(/\| parse nft text faster than the native tool \| \*\*FAIL\*\* \|/);
  });

  it('puts the table into the README Benchmarks section and nowhere else', () => {
    const readme = '# nflens\n\nIntro.\n\n## Benchmarks\n\nHow to run.\n\n## Licence\n\nApache.\n';
    const once = withBenchmarks(readme, '| a | b |');
    expect(once).toContain('How to run.\n\n<!-- bench:start');
    expect(once.indexOf('| a | b |')).toBeLessThan(once.indexOf('## Licence'));
    expect(once.endsWith('## Licence\n\nApache.\n')).toBe(true);
    const twice = withBenchmarks(once, '| c |');
    expect(twice).not.toContain('| a | b |');
    expect(twice.replace('| c |', '| a | b |')).toBe(once);
    expect(withBenchmarks('# x\n', '| t |')).toMatch(/## Benchmarks\n\n<!-- bench:start[^\n]*\n\| t \|\n<!-- bench:end -->\n$/);
  });

  it('merges re-measured rows in place of the old ones', () => {
    const key = (r: { k: string }) => r.k;
    expect(mergeRows([{ k: 'a', v: 1 }, { k: 'b', v: 1 }], [{ k: 'b', v: 2 }, { k: 'c', v: 2 }], key)).toEqual([{ k: 'a', v: 1 }, { k: 'b', v: 2 }, { k: 'c', v: 2 }]);
  });

  it('takes medians and nearest-rank percentiles', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(percentile([5, 1, 4, 2, 3], 0.9)).toBe(5);
    expect(percentile([5, 1, 4, 2, 3], 0.5)).toBe(3);
    expect(Number.isNaN(median([]))).toBe(true);
  });
});
