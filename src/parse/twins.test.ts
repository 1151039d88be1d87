// JSON and text twins give the same IR: for every ruleset the corpus has both as `nft list ruleset` text
// and as `nft -j list ruleset` JSON, parseNft(text) equals parseNftJson(json), ranges, handles and the
// written form of priorities aside, after exactly the omissions test/twins.ts documents.
import { existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Ruleset } from '../model/ir.ts';
import { corpusFiles, sharedDir } from '../../test/corpus.ts';
import { compareTwins, OMISSION_KINDS, type OmissionKind } from '../../test/twins.ts';
import { parseNft } from './nft/index.ts';
import { parseNftJson } from './nftJson/index.ts';

interface Pair {
  readonly text: string;
  readonly json: string;
}

/** Every text/JSON pair of the corpus (naming: corpus/SOURCES.md). */
function twinPairs(): Pair[] {
  const corpus = join(sharedDir(), 'corpus');
  const pairs: Pair[] = [];
  const add = (text: string, json: string) => {
    if (existsSync(text) && existsSync(json)) pairs.push({ text, json });
  };
  // nftables' tests/shell dumps: X.nft and X.json-nft.
  for (const f of corpusFiles('nft', (n) => n.endsWith('.nft'))) add(f, join(corpus, 'nft-json', basename(f).replace(/\.nft$/, '.json-nft')));
  // Generated here by nft 1.0.6 from iptables-nft-restore: `nft -a list ruleset` and `nft -j list ruleset`.
  for (const f of corpusFiles('generated/iptables', (n) => n.endsWith('.nft-list-a.nft'))) add(f, f.replace(/\.nft-list-a\.nft$/, '.nft-list.json'));
  // Generated here by nft 1.0.6 from knftables / kube-proxy dumps: X.nft, X.handles.nft and X.json.
  for (const f of corpusFiles('generated/nft-json', (n) => n.endsWith('.json'))) {
    for (const suffix of ['.nft', '.handles.nft']) add(join(corpus, 'generated/nft', basename(f).replace(/\.json$/, suffix)), f);
  }
  return pairs;
}

/** Corpus files whose text twin is not a complete listing, with the evidence. The comparison then covers
 *  the tables the text has, which must be the JSON's first ones. */
const TRUNCATED_TEXT_TWINS: Readonly<Record<string, string>> = {
  'gen__iptables__iptables__tests__shell__testcases__ipt-save__dumps__fedora27-iptables.nft-list-a.nft':
    'the listing stops after table ip raw (line 110); nft -a list ruleset of the same iptables-nft-restore input lists table ip filter after it, as the JSON twin does',
};

describe('nft text and nft -j JSON twins', () => {
  it('give the same IR for every pair of the corpus', () => {
    const pairs = twinPairs();
    expect(pairs.length).toBeGreaterThan(400);
    let equal = 0;
    let equalAfterOmissions = 0;
    let truncated = 0;
    const byKind = new Map<OmissionKind, number>(OMISSION_KINDS.map((k) => [k, 0]));
    const failures: string[] = [];
    for (const pair of pairs) {
      const name = basename(pair.text);
      const text = readFileSync(pair.text, 'utf8');
      const json = readFileSync(pair.json, 'utf8');
      const t = parseNft(text);
      const j = parseNftJson(json);
      const errors = [...t.diagnostics, ...j.diagnostics].filter((d) => d.severity === 'error');
      if (errors.length) {
        failures.push(`${name}: ${errors.length} parse errors, first: ${errors[0]?.message}`);
        continue;
      }
      let jsonRuleset: Ruleset = j.ruleset;
      if (TRUNCATED_TEXT_TWINS[name]) {
        expect(t.ruleset.tables.length, name).toBeLessThan(j.ruleset.tables.length);
        jsonRuleset = { ...j.ruleset, tables: j.ruleset.tables.slice(0, t.ruleset.tables.length) };
        truncated++;
      }
      const result = compareTwins({ ruleset: t.ruleset, text }, { ruleset: jsonRuleset, text: json });
      if (result.difference) failures.push(`${name}: ${result.difference}`);
      else if (result.omissions.length === 0) equal++;
      else {
        equalAfterOmissions++;
        for (const o of new Set(result.omissions.map((x) => x.kind))) byKind.set(o, (byKind.get(o) ?? 0) + 1);
      }
    }
    const kinds = [...byKind].filter(([, n]) => n > 0).map(([k, n]) => `${n} × ${k}`).join(', ');
    console.log(
      `nft twins: ${pairs.length} pairs: ${equal} equal, ${equalAfterOmissions} equal after documented JSON omissions (${kinds || 'none'}), ` +
        `${truncated} with a truncated text twin in the corpus, ${failures.length} different`,
    );
    expect(failures).toEqual([]);
    expect(equal).toBeGreaterThan(380);
    expect(Object.keys(TRUNCATED_TEXT_TWINS)).toHaveLength(truncated);
  });
});
