// Browser benchmark: the built app (`vite preview`) in headless Chromium, driven by Playwright. For each dump:
// clear the editor, paste the dump (a `paste` event, as a user's Ctrl+V), and time in the page
//   paste → parse done (status bar "Parsed in …" with the dump's rule count) → outline ready (first row
//   painted) → first graph paint (first graph node, when the page has a graph view) → finished trace (when
//   the page has a packet tracer: enter a packet, press Trace, read the fate),
// and the main thread's long tasks (PerformanceObserver 'longtask') from the paste on. Views the page does
// not have are reported as not available. Standalone:
//   node bin/run-ts.js scripts/bench/browser.ts FILE [RULES] [--no-build] [--packet 'ip daddr …']
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium, type Browser, type Locator, type Page } from '@playwright/test';
import { parseText } from '../../src/parse/index.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface BrowserInput {
  readonly label: string;
  readonly file: string;
  /** Rules in the dump (the status bar must show this count: the parse of this text is done). */
  readonly rules: number;
  /** A packet for the tracer, in nflens packet syntax. */
  readonly packet: string;
  /** The tab shown while the dump is pasted: the graph (default), or the outline (the page's default tab),
   *  whose first paint is then what is timed. */
  readonly view?: 'graph' | 'outline';
}

export interface LongTask {
  readonly startMs: number;
  readonly ms: number;
}

export interface BrowserMeasurement {
  readonly label: string;
  readonly bytes: number;
  /** Paste → the status bar says the dump parsed (worker parse + message + render). */
  readonly parseDoneMs?: number;
  /** Paste → the first outline row painted. */
  readonly outlineMs?: number;
  /** Paste → the first graph node painted; undefined with `graphMissing` when the page has no graph view. */
  readonly graphPaintMs?: number;
  readonly graphMissing?: string;
  /** Paste → the trace's fate shown (trace started once the graph, or else the outline, was ready). */
  readonly traceDoneMs?: number;
  /** Packet entered → fate shown. */
  readonly traceOnlyMs?: number;
  readonly traceMissing?: string;
  /** The task that ran the paste itself (the editor taking 10⁷ characters), in ms. */
  readonly pasteTaskMs: number;
  /** The longest main-thread task after the paste event returned, until the page was ready. */
  readonly longestTaskMs: number;
  readonly longTasks: readonly LongTask[];
  /** Typing into the pasted dump once the page is ready (after the trace): keystroke → next frame. */
  readonly typing?: TypingMeasurement;
  readonly error?: string;
}

export interface TypingMeasurement {
  readonly keys: number;
  /** Key press → the next frame painted, as seen from the test (includes Playwright's round trip). */
  readonly medianMs: number;
  readonly maxMs: number;
  /** The longest main-thread task while typing and in the second after the last key. */
  readonly longestTaskMs: number;
}

export interface BrowserRun {
  readonly available: boolean;
  readonly why?: string;
  readonly results: readonly BrowserMeasurement[];
}

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

async function startPreview(port: number): Promise<ChildProcess> {
  const child = spawn('npx', ['vite', 'preview', '--host', '127.0.0.1', '--port', String(port), '--strictPort'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`vite preview exited ${child.exitCode}`);
    try {
      const r = await fetch(`http://127.0.0.1:${port}/`);
      if (r.ok) return child;
    } catch {
      /* not up yet */
    }
    if (Date.now() > deadline) throw new Error('vite preview did not start within 60 s');
    await new Promise((r) => setTimeout(r, 200));
  }
}

function stopPreview(child: ChildProcess): void {
  try {
    process.kill(-child.pid!, 'SIGTERM');
  } catch {
    /* gone */
  }
}

/** The graph view, when the page has one (found by role/label, as e2e tests would). */
function graphView(page: Page): Locator {
  return page
    .getByRole('region', { name: /graph/i })
    .or(page.getByTestId('graph-view'))
    .or(page.locator('.react-flow'))
    .first();
}

function packetInput(page: Page): Locator {
  return page.getByRole('textbox', { name: 'Packet', exact: true }).or(page.getByRole('textbox', { name: /packet/i })).first();
}

function traceButton(page: Page): Locator {
  return page.getByRole('button', { name: 'Trace', exact: true }).or(page.getByRole('button', { name: /^trace\b/i })).first();
}

/** Where the tracer shows the trace's outcome. */
function traceResult(page: Page): Locator {
  return page
    .getByRole('region', { name: /trace/i })
    .or(page.getByTestId('trace-result'))
    .first();
}

const FATE_WORDS = /\b(delivered|forwarded|sent|dropped|rejected|queued|stolen|no-route|no route|accepted)\b/i;

async function present(locator: Locator, timeoutMs: number): Promise<boolean> {
  try {
    await locator.waitFor({ state: 'attached', timeout: timeoutMs });
    return true;
  } catch {
    return false;
  }
}

interface PageTimes {
  pasteTaskMs: number;
  pasteReturned: number;
  parseDone?: number;
  outline?: number;
  graph?: number;
  longTasks: LongTask[];
}

async function measureOne(browser: Browser, baseUrl: string, input: BrowserInput, timeoutMs: number): Promise<BrowserMeasurement> {
  const text = readFileSync(input.file, 'utf8');
  const context = await browser.newContext({ viewport: { width: 1600, height: 1000 } });
  const page = await context.newPage();
  // tsx compiles this file with esbuild's keepNames: functions passed to page.evaluate call `__name`, which
  // the page lacks.
  await page.addInitScript({ content: 'globalThis.__name = (f) => f;' });
  try {
    await page.route('**/__bench__/dump.txt', (route) => route.fulfill({ status: 200, contentType: 'text/plain; charset=utf-8', body: text }));
    await page.goto(baseUrl);
    const lines = page.locator('[data-testid="source-editor"] .monaco-editor .view-lines .view-line');
    await lines.first().waitFor({ timeout: 60_000 });
    await page.getByTestId('status-time').filter({ hasText: /Parsed in/ }).waitFor({ timeout: 60_000 });
    // The views are tabs on the right: the graph and the tracer exist when their tabs do.
    const graphTab = page.getByRole('tab', { name: 'Graph', exact: true });
    const traceTab = page.getByRole('tab', { name: 'Trace', exact: true });
    const hasGraph = input.view !== 'outline' && ((await present(graphTab, 2_000)) || (await present(graphView(page), 1_000)));
    const hasTracer = (await present(traceTab, 1_000)) || ((await present(packetInput(page), 1_000)) && (await present(traceButton(page), 1_000)));
    // Start from an empty workspace ("New" in the header), so that every view shown afterwards is the pasted
    // dump's; the graph tab is shown while the dump is pasted, as a user watching the graph would have it.
    await page.getByRole('button', { name: 'New', exact: true }).click();
    await page.getByText('New, empty workspace').first().waitFor({ timeout: 30_000 });
    const shownTab = input.view === 'outline' ? page.getByRole('tab', { name: 'Outline', exact: true }) : graphTab;
    if (await present(shownTab, 100)) await shownTab.click();
    await page.evaluate(async () => {
      (window as unknown as { __benchText: string }).__benchText = await (await fetch('./__bench__/dump.txt')).text();
    });
    // Focus the editor's input element (as the e2e helpers do: a click can land on a widget, or on nothing in
    // an empty editor), so that the paste below goes into the editor.
    await lines.first().waitFor({ timeout: 30_000 });
    await page.locator('[data-testid="source-editor"] .native-edit-context, [data-testid="source-editor"] textarea.inputarea').first().focus();
    await page.locator('[data-testid="source-editor"] .monaco-editor.focused').waitFor({ timeout: 30_000 });
    await page.keyboard.press('ControlOrMeta+A');
    const rulesText = `${input.rules.toLocaleString('en-US')} rule`;
    const times = await page.evaluate(
      ({ rulesText, hasGraph, timeoutMs }) =>
        new Promise<PageTimes>((resolvePage, rejectPage) => {
          const w = window as unknown as { __benchText: string };
          const longTasks: { startMs: number; ms: number }[] = [];
          const observer = new PerformanceObserver((list) => {
            for (const e of list.getEntries()) longTasks.push({ startMs: e.startTime, ms: e.duration });
          });
          observer.observe({ type: 'longtask', buffered: false });
          const out: PageTimes = { pasteTaskMs: 0, pasteReturned: 0, longTasks: [] };
          let t0 = 0;
          const painted = (key: 'parseDone' | 'outline' | 'graph'): void => {
            if (out[key] !== undefined) return;
            out[key] = -1;
            requestAnimationFrame(() => {
              out[key] = performance.now() - t0;
              check();
            });
          };
          const finish = (): void => {
            observer.disconnect();
            mutations.disconnect();
            clearTimeout(timer);
            // Let the observer deliver the last entries.
            setTimeout(() => {
              for (const e of observer.takeRecords()) longTasks.push({ startMs: e.startTime, ms: e.duration });
              out.longTasks = longTasks.map((t) => ({ startMs: t.startMs - t0, ms: t.ms }));
              resolvePage(out);
            }, 100);
          };
          const check = (): void => {
            const status = document.querySelector('[data-testid="status-time"]')?.textContent ?? '';
            const counts = document.querySelector('[data-testid="status-counts"]')?.textContent ?? '';
            if (out.parseDone === undefined && status.startsWith('Parsed in') && counts.includes(rulesText)) painted('parseDone');
            if (out.parseDone !== undefined && out.outline === undefined && document.querySelector('[role="tree"][aria-label="Outline"] [role="treeitem"]')) painted('outline');
            // The graph is painted once its nodes are drawn and the view no longer says it is laying out: a node
            // of an earlier layout shown meanwhile is not the paint the user waits for.
            const layingOut = /Laying out/.test(document.querySelector('.view-status')?.textContent ?? '');
            if (hasGraph && out.parseDone !== undefined && out.graph === undefined && document.querySelector('.react-flow__node') && !layingOut) painted('graph');
            // With the graph tab shown the outline is not mounted: the graph's paint is what the user waits for.
            const ready = (hasGraph ? (out.graph ?? -1) >= 0 : (out.outline ?? -1) >= 0) && (out.parseDone ?? -1) >= 0;
            if (ready) finish();
          };
          const mutations = new MutationObserver(check);
          mutations.observe(document.body, { subtree: true, childList: true, characterData: true, attributes: false });
          const timer = setTimeout(() => {
            observer.disconnect();
            mutations.disconnect();
            rejectPage(new Error(`page not ready after ${timeoutMs} ms: ${JSON.stringify(out)}`));
          }, timeoutMs);
          const target = document.querySelector('[data-testid="source-editor"] .native-edit-context, [data-testid="source-editor"] textarea.inputarea');
          if (!target) {
            rejectPage(new Error('editor input not found'));
            return;
          }
          const data = new DataTransfer();
          data.setData('text/plain', w.__benchText);
          t0 = performance.now();
          target.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
          out.pasteReturned = performance.now() - t0;
          out.pasteTaskMs = out.pasteReturned;
          check();
        }),
      { rulesText, hasGraph, timeoutMs },
    );
    const after = times.longTasks.filter((t) => t.startMs >= times.pasteReturned - 1);
    const pasteTask = times.longTasks.find((t) => t.startMs < times.pasteReturned && t.startMs + t.ms >= times.pasteReturned);
    const base: BrowserMeasurement = {
      label: input.label,
      bytes: Buffer.byteLength(text),
      ...(times.parseDone !== undefined ? { parseDoneMs: times.parseDone } : {}),
      ...(times.outline !== undefined ? { outlineMs: times.outline } : {}),
      ...(hasGraph && times.graph !== undefined ? { graphPaintMs: times.graph } : {}),
      ...(hasGraph ? {} : { graphMissing: input.view === 'outline' ? 'the outline tab was shown' : 'no graph view on this page (looked for a region named "graph", data-testid graph-view, .react-flow)' }),
      pasteTaskMs: pasteTask?.ms ?? times.pasteTaskMs,
      longestTaskMs: after.reduce((m, t) => Math.max(m, t.ms), 0),
      longTasks: [...after].sort((a, b) => b.ms - a.ms).slice(0, 8),
    };
    if (!hasTracer) return { ...base, traceMissing: 'no packet tracer on this page (looked for a textbox named "packet" and a "Trace" button)', typing: await measureTyping(page) };
    // Timed from the test side (a user's click comes from outside too); the trace runs once the page is ready.
    if (await present(traceTab, 100)) await traceTab.click();
    const t0 = Date.now();
    await packetInput(page).fill(input.packet);
    await traceButton(page).click();
    let traced: Pick<BrowserMeasurement, 'traceOnlyMs' | 'traceDoneMs' | 'traceMissing'>;
    try {
      await traceResult(page).filter({ hasText: FATE_WORDS }).waitFor({ timeout: timeoutMs });
      const traceOnlyMs = Date.now() - t0;
      const readyAt = Math.max(times.outline ?? 0, times.graph ?? 0);
      traced = { traceOnlyMs, traceDoneMs: readyAt + traceOnlyMs };
    } catch (e) {
      traced = { traceMissing: `the trace did not show a fate: ${(e as Error).message.split('\n')[0]}` };
    }
    return { ...base, ...traced, typing: await measureTyping(page) };
  } catch (e) {
    return { label: input.label, bytes: Buffer.byteLength(text), pasteTaskMs: 0, longestTaskMs: 0, longTasks: [], error: (e as Error).message.split('\n')[0] ?? 'failed' };
  } finally {
    await context.close();
  }
}

/** Types a comment at the top of the dump, one key at a time, as a user editing a big dump would. */
async function measureTyping(page: Page): Promise<TypingMeasurement> {
  const keys = '# editing a big dump';
  await page.locator('[data-testid="source-editor"] .native-edit-context, [data-testid="source-editor"] textarea.inputarea').first().focus();
  await page.keyboard.press('ControlOrMeta+Home');
  await page.evaluate(() => {
    const w = window as unknown as { __typingTasks: number[]; __typingObserver?: PerformanceObserver };
    w.__typingTasks = [];
    w.__typingObserver = new PerformanceObserver((list) => {
      for (const e of list.getEntries()) w.__typingTasks.push(e.duration);
    });
    w.__typingObserver.observe({ type: 'longtask', buffered: false });
  });
  const latencies: number[] = [];
  for (const key of keys) {
    const t0 = Date.now();
    await page.keyboard.press(key === ' ' ? 'Space' : key);
    await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0))));
    latencies.push(Date.now() - t0);
  }
  await page.waitForTimeout(1000);
  const tasks = await page.evaluate(() => {
    const w = window as unknown as { __typingTasks: number[]; __typingObserver?: PerformanceObserver };
    w.__typingObserver?.disconnect();
    return w.__typingTasks;
  });
  const sorted = [...latencies].sort((a, b) => a - b);
  return { keys: keys.length, medianMs: sorted[Math.floor(sorted.length / 2)] ?? 0, maxMs: sorted[sorted.length - 1] ?? 0, longestTaskMs: Math.max(0, ...tasks) };
}

/** Builds the app (unless `build` is false), serves it with `vite preview`, and measures each input. */
export async function measureBrowser(inputs: readonly BrowserInput[], options: { build: boolean; timeoutMs: number; log: (line: string) => void }): Promise<BrowserRun> {
  if (inputs.length === 0) return { available: false, why: 'no sizes selected', results: [] };
  if (spawnSync('sh', ['-c', `test -x ${CHROMIUM}`]).status !== 0) return { available: false, why: `no Chromium at ${CHROMIUM}`, results: [] };
  if (options.build) {
    options.log('  vite build…');
    const b = spawnSync('npx', ['vite', 'build', '--logLevel', 'warn'], { cwd: ROOT, encoding: 'utf8' });
    if (b.status !== 0) return { available: false, why: `vite build failed: ${b.stderr.trim().split('\n').slice(-2).join(' ')}`, results: [] };
  }
  const port = Number(process.env.NFLENS_BENCH_PORT ?? 4179);
  const preview = await startPreview(port);
  let browser: Browser | undefined;
  try {
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--headless=new', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync', '--disable-quic'],
    });
    const results: BrowserMeasurement[] = [];
    for (const input of inputs) {
      options.log(`  page: ${input.label}…`);
      results.push(await measureOne(browser, `http://127.0.0.1:${port}/`, input, options.timeoutMs));
    }
    return { available: true, results };
  } finally {
    await browser?.close();
    stopPreview(preview);
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const args = process.argv.slice(2);
  const file = args.find((a) => !a.startsWith('--'));
  if (!file) {
    console.error("usage: browser.ts FILE [RULES] [--no-build] [--packet 'PACKET']");
    process.exit(2);
  }
  const given = args.filter((a) => !a.startsWith('--'))[1];
  const rules = given !== undefined ? Number(given) : countRules(readFileSync(file, 'utf8'));
  const packetAt = args.indexOf('--packet');
  const packet = packetAt >= 0 ? (args[packetAt + 1] ?? '') : 'iif eth0 ip saddr 10.244.1.2 ip daddr 10.96.0.10 udp sport 40000 udp dport 53';
  const run = await measureBrowser([{ label: file, file, rules, packet }], { build: !args.includes('--no-build'), timeoutMs: 300_000, log: console.log });
  console.log(JSON.stringify(run, null, 2));
}

function countRules(text: string): number {
  return parseText(text).ruleset.tables.reduce((n, t) => n + t.chains.reduce((m, c) => m + c.rules.length, 0), 0);
}
