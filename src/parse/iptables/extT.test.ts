// iptables' own extension test lists (extensions/*.t: `rule;expected;OK|FAIL`, `:CHAIN,…` and `*table`
// headers) through the parser: every OK line parses without error in every listed chain, FAIL lines give an
// error, and an OK line's expected form (what iptables-save prints back) means the same IR.
// ebtables (libebt_*) and arptables (libarpt_*) lists are other formats and are not read here.
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { describe, expect, it } from 'vitest';
import { corpusFiles } from '../../../test/corpus.ts';
import { firstDifference } from '../../model/compare.ts';
import type { Rule } from '../../model/ir.ts';
import { parseIptables } from './index.ts';

interface Case {
  file: string;
  family: 'ip' | 'ip6';
  table: string;
  chains: string[];
  rule: string;
  expected: string;
  result: 'OK' | 'FAIL';
}

function loadCases(): { cases: Case[]; variantOnly: number } {
  const cases: Case[] = [];
  let variantOnly = 0;
  for (const path of corpusFiles('iptables-ext-t', (n) => n.endsWith('.t') && !/libebt_|libarpt_/.test(n))) {
    const file = basename(path);
    // iptables-test.py runs libip6t_* with ip6tables, everything else with iptables.
    const family = file.includes('libip6t_') ? 'ip6' : 'ip';
    let table = 'filter';
    let chains = ['INPUT'];
    for (const line of readFileSync(path, 'utf8').split('\n')) {
      if (line.startsWith('*')) table = line.slice(1).trim();
      else if (line.startsWith(':')) chains = line.slice(1).trim().split(',');
      else if (line && !'#@%'.includes(line[0] ?? '')) {
        const [rule = '', expected = '', result = '', variant] = line.split(';');
        // A fourth field limits the case to one backend (LEGACY / NFT).
        if (variant) variantOnly++;
        else if (result === 'OK' || result === 'FAIL') cases.push({ file, family, table, chains, rule, expected, result });
      }
    }
  }
  return { cases, variantOnly };
}

function parseIn(c: Case, chain: string, rule: string) {
  return parseIptables(`*${c.table}\n:${chain} ACCEPT [0:0]\n-A ${chain} ${rule}\nCOMMIT\n`, { family: c.family });
}

function errorsIn(c: Case, chain: string): string[] {
  return parseIn(c, chain, c.rule)
    .diagnostics.filter((d) => d.severity === 'error')
    .map((d) => d.message);
}

const { cases, variantOnly } = loadCases();

describe('iptables extension test lists (*.t)', () => {
  it('reads the case lists', () => {
    expect(cases.length).toBeGreaterThan(1000);
  });

  it('accepts every OK line in every chain it lists', () => {
    const ok = cases.filter((c) => c.result === 'OK');
    const bad = ok.flatMap((c) => c.chains.map((ch) => ({ c, ch, errs: errorsIn(c, ch) }))).filter((x) => x.errs.length);
    console.log(`iptables .t: ${ok.length - new Set(bad.map((b) => b.c)).size}/${ok.length} OK lines accepted (${variantOnly} backend-specific lines skipped)`);
    expect(bad.map((b) => `${b.c.file} [${b.ch}] ${b.c.rule}: ${b.errs.join(' | ')}`)).toEqual([]);
  });

  it('rejects FAIL lines, except those only the kernel can refuse', () => {
    const fail = cases.filter((c) => c.result === 'FAIL');
    const missed = fail.filter((c) => c.chains.some((ch) => errorsIn(c, ch).length === 0));
    console.log(`iptables .t: ${fail.length - missed.length}/${fail.length} FAIL lines rejected`);
    // These fail on a real host because the ipset / nfacct object does not exist: a dump cannot tell.
    expect(missed.map((c) => c.rule).sort()).toEqual(['-j SET --add-set foo src,dst', '-m nfacct --nfacct-name wrong', '-m set --match-set foo src,dst']);
  });

  it("gives an OK line and iptables-save's printed form of it the same IR", () => {
    const withForm = cases.filter((c) => c.result === 'OK' && c.expected !== '' && c.expected !== '=');
    const irOf = (c: Case, rule: string): unknown => {
      const chain = c.chains[0] ?? 'INPUT';
      const r: Rule | undefined = parseIn(c, chain, rule).ruleset.tables[0]?.chains.find((x) => x.name === chain)?.rules[0];
      return { stmts: r?.stmts, comment: r?.comment };
    };
    const diffs = withForm
      .map((c) => ({ c, d: firstDifference(irOf(c, c.rule), irOf(c, c.expected), { ignoreKeys: ['text'] }) }))
      .filter((x) => x.d)
      .map((x) => x.c.rule);
    console.log(`iptables .t: ${withForm.length - diffs.length}/${withForm.length} printed forms mean the same IR`);
    // -c sets counters the listing does not show; rateest keeps rates as written (5kbit vs 5000bit).
    expect(diffs).toEqual(['-c 2,3 -j ACCEPT', '-m rateest --rateest RE1 --rateest-gt --rateest-bps 5kbit']);
  });
});
