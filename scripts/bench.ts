// `npm run bench`: nflens at kube-proxy scale against the native tools, in one run. For N Services × 10
// endpoints (default 100, 1 000 and 10 000): parse time and memory per format (each parse in a fresh Node
// process), `nft -c -f` / `iptables-restore --test` / `ipset restore` on the same files in private network
// namespaces, the evaluator's cost per packet per proxy mode, buildGraph + layout, and the page in headless
// Chromium. Prints a markdown table and judges the targets (PASS/FAIL, never the exit status); writes
// bench-results/latest.json and latest.md. Not a test. Options: see USAGE.
import { execSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, release, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseText } from '../src/parse/index.ts';
import { measureBrowser, type BrowserInput, type BrowserRun } from './bench/browser.ts';
import { fileOf, prepareDumps, type BenchFormat, type DumpSet } from './bench/dumps.ts';
import { NATIVE_TOOLS, nativeUnavailable, resolvedCommand, runNative, type NativeResult } from './bench/native.ts';
import type { ParseMeasurement } from './bench/parseTask.ts';
import { judgeTargets, mergeRows, renderMarkdown, withBenchmarks, type BenchResults, type GraphRow, type ParseRow, type TraceRow } from './bench/results.ts';
import { runChild } from './bench/runner.ts';
import { median } from './bench/stats.ts';
import type { GraphMeasurement } from './bench/graphTask.ts';
import type { TraceMeasurement } from './bench/traceTask.ts';
import { PROXY_MODES } from './bench/workspace.ts';
import { parseOptions, USAGE, type Options } from './bench/options.ts';

const log = (line: string): void => console.log(line);

function sh(cmd: string): string {
  try {
    return execSync(cmd, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return '';
  }
}

function meta(o: Options, notes: string[]): BenchResults['meta'] {
  const tools: Record<string, string> = {};
  const nft = sh('nft --version').match(/v([\d.]+)/)?.[1];
  if (nft) tools.nft = nft;
  const ipt = sh('iptables --version').match(/v([\d.]+)/)?.[1];
  if (ipt) tools.iptables = ipt;
  const ipset = sh('ipset --version').match(/v([\d.]+)/)?.[1];
  if (ipset) tools.ipset = ipset;
  const chromium = sh('/usr/bin/chromium --version').match(/([\d.]+)/)?.[1];
  if (chromium) tools.chromium = chromium;
  const dirty = sh('git status --porcelain --untracked-files=no') !== '';
  return {
    date: new Date().toISOString(),
    commit: `${sh('git rev-parse --short HEAD') || 'unknown'}${dirty ? '+dirty' : ''}`,
    node: process.versions.node,
    cpu: cpus()[0]?.model.replace(/\s+/g, ' ').trim() ?? 'unknown CPU',
    cores: cpus().length,
    memoryGB: Math.round(totalmem() / 2 ** 30),
    kernel: release(),
    tools,
    sizes: o.sizes,
    endpoints: o.endpoints,
    nativeTimeoutS: o.nativeTimeoutS,
    notes,
  };
}

const PARSE_FORMATS: readonly BenchFormat[] = ['nft', 'nft-json', 'iptables', 'ipset', 'ipvs'];

async function benchParse(o: Options, dumps: readonly DumpSet[]): Promise<ParseRow[]> {
  const rows: ParseRow[] = [];
  for (const d of dumps) {
    for (const format of PARSE_FORMATS) {
      const file = fileOf(d, format);
      if (!file) {
        rows.push({ format, services: d.services, nflens: { error: d.nftJsonMissing ?? 'no file' }, runs: 0, native: [] });
        continue;
      }
      const runs = o.repeat ?? (d.services >= 10_000 ? 1 : 3);
      const samples: ParseMeasurement[] = [];
      let error: string | undefined;
      for (let i = 0; i < runs; i++) {
        const r = await runChild<ParseMeasurement>(['parse', format, file], 1_800_000);
        if (!r.ok) {
          error = r.error;
          break;
        }
        samples.push(r.value);
      }
      const nflens: ParseMeasurement | { error: string } =
        error !== undefined || samples.length === 0
          ? { error: error ?? 'no run' }
          : {
              ...samples[0]!,
              ms: median(samples.map((s) => s.ms)),
              ...(samples.every((s) => s.warmMs !== undefined) ? { warmMs: median(samples.map((s) => s.warmMs!)) } : {}),
              heapRetainedMB: median(samples.map((s) => s.heapRetainedMB)),
              peakRssMB: median(samples.map((s) => s.peakRssMB)),
              rssGrowthMB: median(samples.map((s) => s.rssGrowthMB)),
            };
      const native: NativeResult[] = [];
      if (o.sections.has('native')) for (const tool of NATIVE_TOOLS[format]) native.push(await runNative(tool, format, format === 'nft-json' ? (d.files.nftJsonLoadable ?? file) : file, o.nativeTimeoutS * 1000));
      const row: ParseRow = { format, services: d.services, bytes: readFileSync(file).length, nflens, runs: samples.length, native };
      rows.push(row);
      const shown = 'error' in nflens ? `failed: ${nflens.error}` : `${nflens.ms.toFixed(0)} ms, heap ${nflens.heapRetainedMB.toFixed(0)} MB, peak RSS ${nflens.peakRssMB.toFixed(0)} MB${nflens.errors ? `, ${nflens.errors} ERRORS` : ''}`;
      log(`  parse ${format.padEnd(8)} ${String(d.services).padStart(6)}: ${shown}${native.length ? ` | ${native.map((x) => `${x.label} ${x.status === 'ok' || x.status === 'timeout' ? `${x.status === 'timeout' ? '>' : ''}${x.ms.toFixed(0)} ms` : x.status}`).join(', ')}` : ''}`);
    }
  }
  return rows;
}

async function benchTrace(o: Options, dumps: readonly DumpSet[]): Promise<TraceRow[]> {
  const rows: TraceRow[] = [];
  for (const mode of PROXY_MODES) {
    for (const d of dumps) {
      const r = await runChild<TraceMeasurement>(['trace', mode, d.dir, String(o.quick ? 100 : 300), String(o.quick ? 5_000 : 15_000)], 1_800_000);
      rows.push({ mode, services: d.services, result: r.ok ? r.value : { error: r.error } });
      log(`  trace ${mode.padEnd(8)} ${String(d.services).padStart(6)}: ${r.ok ? `median ${r.value.medianMs.toFixed(3)} ms over ${r.value.packets} packets, index ${r.value.prepareMs.toFixed(0)} ms, first ${r.value.firstMs.toFixed(0)} ms, wrong ${r.value.wrong}` : `failed: ${r.error}`}`);
    }
  }
  return rows;
}

async function benchGraph(dumps: readonly DumpSet[]): Promise<GraphRow[]> {
  const rows: GraphRow[] = [];
  for (const mode of PROXY_MODES) {
    for (const d of dumps) {
      const r = await runChild<GraphMeasurement>(['graph', mode, d.dir], 1_800_000);
      rows.push({ mode, services: d.services, result: r.ok ? r.value : { error: r.error } });
      log(`  graph ${mode.padEnd(8)} ${String(d.services).padStart(6)}: ${r.ok ? `build ${r.value.buildFirstMs.toFixed(0)} ms, layout ${r.value.layoutFirstMs.toFixed(0)} ms, search ${r.value.searchFirstMs.toFixed(0)}/${r.value.searchMs.toFixed(0)} ms, ${r.value.nodes} nodes` : `failed: ${r.error}`}`);
    }
  }
  return rows;
}

async function benchBrowser(o: Options, dumps: readonly DumpSet[]): Promise<BrowserRun> {
  // The page at 1 000 and 10 000 Services (with --quick or other sizes: the largest one).
  const wanted = dumps.filter((d) => d.services === 1000 || d.services === 10_000);
  const chosen = wanted.length > 0 ? wanted : dumps.slice(-1);
  const inputs: BrowserInput[] = [];
  for (const d of chosen) {
    const expected = JSON.parse(readFileSync(d.expected.nftables, 'utf8')) as { services: { clusterIP: string; port: number; protocol: string }[] };
    const sp = expected.services[Math.floor(expected.services.length / 2)]!;
    const proto = sp.protocol.toLowerCase();
    const rules = parsedRules(d.files.nft);
    const packet = `iif eth0 ip saddr 10.244.1.2 ip daddr ${sp.clusterIP} ${proto} sport 40000 ${proto} dport ${sp.port}`;
    inputs.push({ label: `${d.services} Services (nft list ruleset)`, file: d.files.nft, rules, packet });
    // The page opens on the outline: the largest dump is also pasted with that tab shown.
    if (d === chosen[chosen.length - 1]) inputs.push({ label: `${d.services} Services (nft list ruleset), outline tab`, file: d.files.nft, rules, packet, view: 'outline' });
  }
  return measureBrowser(inputs, { build: o.build, timeoutMs: 600_000, log });
}

/** Rules in the dump, as the page's status bar will count them. */
function parsedRules(file: string): number {
  const r = parseText(readFileSync(file, 'utf8'), 'nft');
  return r.ruleset.tables.reduce((n, t) => n + t.chains.reduce((m, c) => m + c.rules.length, 0), 0);
}

async function main(): Promise<void> {
  if (process.argv.includes('--help') || process.argv.includes('-h')) {
    console.log(USAGE);
    return;
  }
  let o: Options;
  try {
    o = parseOptions(process.argv.slice(2));
  } catch (e) {
    console.error(`${(e as Error).message}\n${USAGE}`);
    process.exit(2);
  }
  const notes: string[] = [];
  // Other work on the machine skews every figure: say how busy it was.
  const load = loadavg()[0] ?? 0;
  if (load > cpus().length * 0.5) notes.push(`the machine was busy at the start (load average ${load.toFixed(1)} on ${cpus().length} cores): absolute times are inflated, ratios less so`);
  const nativeWhy = nativeUnavailable();
  if (o.sections.has('native') && nativeWhy) {
    notes.push(`native tools not run: ${nativeWhy}`);
    (o.sections as Set<string>).delete('native');
  }
  if (o.sections.has('native')) notes.push('nft -j -c -f reads the JSON listing with chains moved before sets and maps: nft 1.0.6 cannot load its own listing order (a vmap names a chain listed later)');
  const iptablesRestore = resolvedCommand('iptables-restore');
  if (iptablesRestore) notes.push(`iptables-restore is ${iptablesRestore.split('/').pop()} on this machine`);
  log(`nflens bench: sizes ${o.sizes.join(', ')} × ${o.endpoints} endpoints; sections ${[...o.sections].join(', ')}`);
  log('dumps:');
  const dumps = o.sizes.map((s) => prepareDumps(s, o.endpoints, log, o.sections.has('parse') && !nativeWhy));
  // Results are written after every section, so that a run cut short still leaves what it measured.
  const done: { parse: ParseRow[]; trace: TraceRow[]; graph: GraphRow[]; browser?: BrowserRun } = { parse: [], trace: [], graph: [] };
  // --merge: the new rows replace the same (format or mode, size) rows of the previous latest.json.
  const previous = o.merge ? (JSON.parse(readFileSync(join(o.out, 'latest.json'), 'utf8')) as BenchResults) : undefined;
  const save = (pending: readonly string[]): string => {
    const now = meta(o, pending.length ? [...notes, `partial run: ${pending.join(', ')} not finished`] : notes);
    const partial = previous
      ? {
          meta: { ...previous.meta, notes: [...previous.meta.notes, `re-measured ${now.date.slice(0, 16)} at ${now.commit}: ${[...o.sections].join(', ')} for ${o.sizes.join(', ')} Services`] },
          parse: mergeRows(previous.parse, done.parse, (r) => `${r.format}|${r.services}`),
          trace: mergeRows(previous.trace, done.trace, (r) => `${r.mode}|${r.services}`),
          graph: mergeRows(previous.graph, done.graph, (r) => `${r.mode}|${r.services}`),
          ...(done.browser ?? previous.browser ? { browser: done.browser ?? previous.browser } : {}),
        }
      : { meta: now, ...done };
    const results: BenchResults = { ...partial, targets: judgeTargets(partial) };
    const md = renderMarkdown(results);
    mkdirSync(o.out, { recursive: true });
    writeFileSync(join(o.out, 'latest.json'), `${JSON.stringify(results, null, 1)}\n`);
    writeFileSync(join(o.out, 'latest.md'), md);
    return md;
  };
  const sections = (['parse', 'trace', 'graph', 'browser'] as const).filter((x) => o.sections.has(x));
  for (const [i, section] of sections.entries()) {
    log(`${section}:`);
    if (section === 'parse') done.parse = await benchParse(o, dumps);
    if (section === 'trace') done.trace = await benchTrace(o, dumps);
    if (section === 'graph') done.graph = await benchGraph(dumps);
    if (section === 'browser') done.browser = await benchBrowser(o, dumps);
    if (i < sections.length - 1) save(sections.slice(i + 1));
  }
  const md = save([]);
  log('');
  log(md);
  log(`written: ${join(o.out, 'latest.json')}, ${join(o.out, 'latest.md')}`);
  if (o.readme) {
    writeFileSync('README.md', withBenchmarks(readFileSync('README.md', 'utf8'), md.replace(/^### /gm, '#### ').replace(/^## nflens benchmark/, '### Latest run')));
    log('README.md: Benchmarks section updated');
  }
}

await main();
