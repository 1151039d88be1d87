// JSON → IR → nft text → real nft (private namespace) → JSON → IR, for every nft JSON dump of the corpus,
// checked against the installed nft's listing of the original text twin. A file whose twin nft cannot load
// either (syntax or kernel features newer than the installed nft) is skipped with that reason.
// Node-only test helper; imports the parser, the printer and the comparison.
import { readFileSync, existsSync } from 'node:fs';
import { basename, join } from 'node:path';
import { corpusFiles, sharedDir } from './corpus.ts';
import { loadAndList } from './nftOracle.ts';
import { parseNftJson } from '../src/parse/nftJson/index.ts';
import { printRuleset } from '../src/parse/nft/print.ts';
import { firstDifference } from '../src/model/compare.ts';
import type { Ruleset } from '../src/model/ir.ts';

export interface CorpusCase {
  readonly json: string;
  /** The `nft list ruleset` text the JSON was listed from, when the corpus has it. */
  readonly twin: string | undefined;
}

/** Every JSON dump of the corpus with its text twin (see corpus/SOURCES.md for the naming). */
export function roundTripCases(): CorpusCase[] {
  const corpus = join(sharedDir(), 'corpus');
  const twin = (p: string) => (existsSync(p) ? p : undefined);
  return [
    ...corpusFiles('nft-json').map((f) => ({ json: f, twin: twin(join(corpus, 'nft', basename(f).replace(/\.json-nft$/, '.nft'))) })),
    ...corpusFiles('generated/nft-json').map((f) => ({ json: f, twin: twin(join(corpus, 'generated/nft', basename(f).replace(/\.json$/, '.nft'))) })),
    ...corpusFiles('generated/iptables', (n) => n.endsWith('.nft-list.json')).map((f) => ({ json: f, twin: twin(f.replace(/\.nft-list\.json$/, '.nft-list-a.nft')) })),
  ];
}

export type Outcome =
  /** The kernel gave back the same IR, and nft lists the printed text exactly as it lists the twin. */
  | { readonly kind: 'equal' }
  /** The kernel's listing differs from the corpus JSON (which a newer nft printed) but is identical, as
   *  JSON and as text, to the installed nft's listing of the original text: kernel-equivalent. */
  | { readonly kind: 'equal-to-twin'; readonly difference: string }
  | { readonly kind: 'skipped'; readonly reason: string }
  | { readonly kind: 'failed'; readonly reason: string; readonly printed: string };

export interface RoundTripReport {
  readonly cases: readonly (CorpusCase & { readonly outcome: Outcome })[];
  readonly count: (kind: Outcome['kind']) => number;
}

const parseIr = (json: string): Ruleset => parseNftJson(json).ruleset;
const noHandles = { ignoreHandles: true };

export function runRoundTrip(cases: readonly CorpusCase[] = roundTripCases()): RoundTripReport {
  const irs = cases.map((c) => parseIr(readFileSync(c.json, 'utf8')));
  const printed = irs.map(printRuleset);
  const loaded = loadAndList(printed);
  // The twins are only needed where the kernel did not give back the same IR.
  const exact = cases.map((_, i) => loaded[i]?.loaded === true && !firstDifference(irs[i], parseIr(loaded[i]?.json ?? ''), noHandles));
  const needTwin = cases.map((c, i) => ({ c, i })).filter(({ c, i }) => !exact[i] && c.twin);
  const twinResults = loadAndList(needTwin.map(({ c }) => readFileSync(c.twin as string, 'utf8')));
  const twins = new Map(needTwin.map(({ i }, k) => [i, twinResults[k]]));
  const all = cases.map((c, i) => ({ ...c, outcome: classify(c, irs[i] as Ruleset, printed[i] as string, loaded[i], twins.get(i)) }));
  return { cases: all, count: (kind) => all.filter((c) => c.outcome.kind === kind).length };
}

type Loaded = ReturnType<typeof loadAndList>[number] | undefined;

function classify(c: CorpusCase, ir: Ruleset, printed: string, l: Loaded, t: Loaded): Outcome {
  // libnftables-json(5): "nftables won't restore these statements".
  if (hasXt(ir)) return { kind: 'skipped', reason: 'xt (iptables-nft compat) statements, which nft cannot load' };
  const twinLoads = c.twin !== undefined && t?.loaded === true;
  if (!l?.loaded) {
    if (!twinLoads) return { kind: 'skipped', reason: c.twin ? `the installed nft cannot load the original text either: ${firstError(t?.error ?? '')}` : 'no text twin' };
    return { kind: 'failed', reason: `printed text does not load: ${l?.error.trim()}`, printed };
  }
  const back = parseIr(l.json);
  const diff = firstDifference(ir, back, noHandles);
  if (!diff) return { kind: 'equal' };
  if (!twinLoads) return { kind: 'skipped', reason: `no loadable twin to tell a printing error from what the installed nft lists differently: ${diff}` };
  const textDiff = firstLineDifference(t.text, l.text);
  if (textDiff && isElementStatementLoss(textDiff)) {
    return { kind: 'skipped', reason: `nft -j shows only the first statement of a set element (src/json.c set_elem_expr_json), the twin has more: ${textDiff.line}` };
  }
  if (textDiff) return { kind: 'failed', reason: `nft lists it differently from the twin: ${textDiff.line}; IR: ${diff}`, printed };
  const twinDiff = firstDifference(parseIr(t.json), back, noHandles);
  return twinDiff ? { kind: 'failed', reason: `differs after the kernel: ${diff}; and from the twin's listing: ${twinDiff}`, printed } : { kind: 'equal-to-twin', difference: diff };
}

function hasXt(r: Ruleset): boolean {
  return r.tables.some((t) => t.chains.some((c) => c.rules.some((rule) => rule.stmts.some((s) => s.kind === 'xt'))));
}

interface LineDifference {
  readonly twin: string;
  readonly printed: string;
  readonly line: string;
}

function firstLineDifference(a: string, b: string): LineDifference | undefined {
  const la = a.split('\n');
  const lb = b.split('\n');
  for (let i = 0; i < Math.max(la.length, lb.length); i++) {
    if (la[i] !== lb[i]) return { twin: la[i] ?? '', printed: lb[i] ?? '', line: `line ${i + 1}: twin ${JSON.stringify(la[i])} ≠ printed ${JSON.stringify(lb[i])}` };
  }
  return undefined;
}

/** The printed element line is the twin's with statements missing (its words are a subsequence). */
function isElementStatementLoss(d: LineDifference): boolean {
  if (!d.twin.trim().startsWith('elements = ') || !d.printed.trim().startsWith('elements = ')) return false;
  const twin = d.twin.trim().split(/\s+/);
  let k = 0;
  for (const word of d.printed.trim().split(/\s+/)) {
    while (k < twin.length && twin[k] !== word) k++;
    if (k++ >= twin.length) return false;
  }
  return true;
}

function firstError(s: string): string {
  return s.split('\n').find((l) => l.includes('Error')) ?? s.split('\n')[0] ?? '';
}
