// JSON → IR → nft text → real nft (private namespace) → JSON → IR, for every nft JSON dump of the corpus.
// A file whose original text twin nft cannot load either (syntax newer than the installed nft) is skipped
// with that reason. Node-only test helper; imports the parser, the printer and the comparison.
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
  | { readonly kind: 'equal' }
  /** The kernel's listing differs from the corpus JSON, but equals the installed nft's listing of the
   *  original text: the corpus was listed by a newer nft, the printed text is kernel-equivalent. */
  | { readonly kind: 'equal-to-twin'; readonly difference: string }
  | { readonly kind: 'skipped'; readonly reason: string }
  | { readonly kind: 'failed'; readonly reason: string; readonly printed: string };

export interface RoundTripReport {
  readonly cases: readonly (CorpusCase & { readonly outcome: Outcome })[];
  readonly count: (kind: Outcome['kind']) => number;
}

const parseIr = (json: string): Ruleset => parseNftJson(json).ruleset;

export function runRoundTrip(cases: readonly CorpusCase[] = roundTripCases()): RoundTripReport {
  const irs = cases.map((c) => parseIr(readFileSync(c.json, 'utf8')));
  const printed = irs.map(printRuleset);
  const loaded = loadAndList(printed);

  // Second pass, only where the first did not give back the same IR: load the original text twin.
  const outcomes: (Outcome | undefined)[] = cases.map((_, i) => {
    // libnftables-json(5): "nftables won't restore these statements".
    if (hasXt(irs[i] as Ruleset)) return { kind: 'skipped', reason: 'xt (iptables-nft compat) statements, which nft cannot load' };
    const l = loaded[i];
    if (l?.loaded && !firstDifference(irs[i], parseIr(l.json), { ignoreHandles: true })) return { kind: 'equal' };
    return undefined;
  });
  const retry = cases.map((c, i) => ({ c, i })).filter(({ i }) => outcomes[i] === undefined);
  const twins = loadAndList(retry.map(({ c }) => (c.twin ? readFileSync(c.twin, 'utf8') : '')));
  retry.forEach(({ c, i }, k) => {
    const l = loaded[i] as (typeof loaded)[number];
    const t = twins[k] as (typeof twins)[number];
    const text = printed[i] as string;
    if (!c.twin) outcomes[i] = { kind: 'skipped', reason: 'no text twin to check loadability' };
    else if (!t.loaded) outcomes[i] = { kind: 'skipped', reason: `the installed nft cannot load the original text either: ${firstLine(t.error)}` };
    else if (!l.loaded) outcomes[i] = { kind: 'failed', reason: `printed text does not load: ${l.error.trim()}`, printed: text };
    else {
      const back = parseIr(l.json);
      const diff = firstDifference(irs[i], back, { ignoreHandles: true }) as string;
      const twinDiff = firstDifference(parseIr(t.json), back, { ignoreHandles: true });
      outcomes[i] = twinDiff ? { kind: 'failed', reason: `differs after the kernel: ${diff}; and from the twin's listing: ${twinDiff}`, printed: text } : { kind: 'equal-to-twin', difference: diff };
    }
  });
  const all = cases.map((c, i) => ({ ...c, outcome: outcomes[i] as Outcome }));
  return { cases: all, count: (kind) => all.filter((c) => c.outcome.kind === kind).length };
}

function hasXt(r: Ruleset): boolean {
  return r.tables.some((t) => t.chains.some((c) => c.rules.some((rule) => rule.stmts.some((s) => s.kind === 'xt'))));
}

function firstLine(s: string): string {
  return s.split('\n').find((l) => l.includes('Error')) ?? s.split('\n')[0] ?? '';
}
