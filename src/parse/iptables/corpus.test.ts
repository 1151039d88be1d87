// The shared corpus through the iptables parser: every dump parses without errors, prints back to text
// that parses to the same IR, and agrees with what the kernel listed for the same rules (the
// `nft -j list ruleset` twins made by loading each dump with iptables-nft-restore).
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { describe, expect, it } from 'vitest';
import { corpusFiles } from '../../../test/corpus.ts';
import type { Expr, Stmt } from '../../model/ir.ts';
import { firstDifference } from '../../model/compare.ts';
import { LineIndex } from '../../model/sourceText.ts';
import { parseIptables, printIptablesSave } from './index.ts';

const saveFiles = [
  ...corpusFiles('iptables'),
  ...corpusFiles('generated/iptables', (n) => /\.(legacy|nft)-save(-c)?\.txt$/.test(n)),
];

function errorsOf(text: string): string[] {
  const r = parseIptables(text);
  const lines = new LineIndex(text);
  return r.diagnostics
    .filter((d) => d.severity === 'error')
    .map((d) => {
      const lc = lines.lineColOf(d.range.start);
      return `${lc.line}:${lc.column} ${d.code} ${d.message}`;
    });
}

describe('iptables corpus', () => {
  it('finds the corpus files', () => {
    expect(saveFiles.length).toBeGreaterThan(100);
  });

  it('parses every iptables-save / iptables -S / restore file with zero errors', () => {
    const failures: string[] = [];
    let rules = 0;
    for (const f of saveFiles) {
      const text = readFileSync(f, 'utf8');
      const errs = errorsOf(text);
      if (errs.length) failures.push(`${basename(f)}: ${errs.slice(0, 3).join('; ')}`);
      for (const t of parseIptables(text).ruleset.tables) for (const c of t.chains) rules += c.rules.length;
    }
    console.log(`iptables corpus: ${saveFiles.length - failures.length}/${saveFiles.length} files with 0 errors, ${rules} rules`);
    expect(failures).toEqual([]);
  });

  it('gives every statement a range inside its rule, and ranges are plain {start, end}', () => {
    const problems: string[] = [];
    for (const f of saveFiles) {
      const text = readFileSync(f, 'utf8');
      const { ruleset } = parseIptables(text);
      for (const t of ruleset.tables) {
        for (const c of t.chains) {
          for (const r of c.rules) {
            const rr = r.range;
            if (!rr || rr.start < 0 || rr.end > text.length) problems.push(`${basename(f)}: rule range`);
            for (const st of r.stmts) {
              // The counter iptables-nft adds has no text of its own unless the dump had counters.
              if (st.kind === 'counter' && st.packets === undefined) continue;
              const sr = st.range;
              if (!sr || !rr || sr.start < rr.start || sr.end > rr.end || sr.start >= sr.end) problems.push(`${basename(f)} ${c.name}: ${st.kind} range ${JSON.stringify(sr)}`);
              if (sr && Object.keys(sr).join() !== 'start,end') problems.push(`${basename(f)}: range with extra keys`);
            }
          }
        }
      }
    }
    expect(problems.slice(0, 5)).toEqual([]);
  });

  it('round-trips: parse(print(parse(text))) equals parse(text)', () => {
    const diffs: string[] = [];
    let checked = 0;
    for (const f of saveFiles) {
      const parsed = parseIptables(readFileSync(f, 'utf8'));
      // A dump cut off mid-rule (IPT1120) has lost words no printer can bring back.
      if (parsed.diagnostics.some((d) => d.code === 'IPT1120')) continue;
      checked++;
      const first = parsed.ruleset;
      const printed = printIptablesSave(first);
      const second = parseIptables(printed);
      const d = firstDifference(first, second.ruleset);
      if (d) diffs.push(`${basename(f)}: ${d}`);
      const errs = second.diagnostics.filter((x) => x.severity === 'error');
      if (errs.length) diffs.push(`${basename(f)}: printed text has errors: ${errs[0]?.message}`);
    }
    console.log(`iptables round trip: ${checked - new Set(diffs.map((d) => d.split(':')[0])).size}/${checked} dumps give back the same IR (${saveFiles.length - checked} cut off mid-rule not checked)`);
    expect(checked).toBeGreaterThan(saveFiles.length - 3);
    expect(diffs).toEqual([]);
  });

  it('agrees with the kernel: rules equal the nft -j listing of the same dump loaded by iptables-nft', () => {
    let compared = 0;
    const diffs: string[] = [];
    for (const f of corpusFiles('generated/iptables', (n) => n.endsWith('.nft-list.json'))) {
      const saveText = readFileSync(f.replace('.nft-list.json', '.nft-save-c.txt'), 'utf8');
      const tables = parseIptables(saveText).ruleset.tables;
      const json = (JSON.parse(readFileSync(f, 'utf8')) as { nftables: Record<string, KernelRule>[] }).nftables;
      const seen = new Map<string, number>();
      for (const o of json) {
        const r = o.rule;
        if (!r) continue;
        const key = `${r.family} ${r.table} ${r.chain}`;
        const idx = seen.get(key) ?? 0;
        seen.set(key, idx + 1);
        const theirs = r.expr.map(kernelStmt);
        // iptables-nft 1.8.9 keeps some matches (conntrack, comment, icmp, …) as compat xt in the kernel.
        if (theirs.some((s) => s === undefined)) continue;
        const mine = tables.find((t) => t.family === r.family && t.name === r.table)?.chains.find((c) => c.name === r.chain)?.rules[idx];
        const d = firstDifference(withoutImpliedProtocol(mine?.stmts ?? []), theirs);
        compared++;
        if (d) diffs.push(`${basename(f)} ${key} #${idx}: ${d}`);
      }
    }
    console.log(`iptables corpus: ${compared} rules compared with the kernel's nft -j listing`);
    expect(compared).toBeGreaterThan(200);
    expect(diffs).toEqual([]);
  });
});

interface KernelRule {
  family: string;
  table: string;
  chain: string;
  expr: Record<string, unknown>[];
}

/** nft -j → IR for the few shapes these listings hold (the full mapping is the nft-json parser's job). */
function kernelExpr(j: unknown): Expr {
  if (typeof j !== 'object' || j === null) return { kind: 'value', value: j as string | number | boolean };
  if (Array.isArray(j)) return { kind: 'list', items: j.map(kernelExpr) };
  const [k, v] = Object.entries(j)[0] as [string, Record<string, unknown> & unknown[]];
  switch (k) {
    case 'payload':
      return { kind: 'payload', protocol: String(v.protocol), field: String(v.field) };
    case 'meta':
      return { kind: 'meta', key: String(v.key) };
    case 'prefix':
      return { kind: 'prefix', expr: kernelExpr(v.addr), len: Number(v.len) };
    case 'range':
      return { kind: 'range', from: kernelExpr(v[0]), to: kernelExpr(v[1]) };
    case '&':
      return { kind: 'binop', op: '&', left: kernelExpr(v[0]), right: kernelExpr(v[1]) };
    default:
      return { kind: 'opaque', text: k };
  }
}

function kernelStmt(e: Record<string, unknown>): Stmt | undefined {
  const [k, v] = Object.entries(e)[0] as [string, Record<string, unknown> | null];
  switch (k) {
    case 'match':
      return { kind: 'match', op: v?.op as '==', left: kernelExpr(v?.left), right: kernelExpr(v?.right) };
    case 'counter':
      return { kind: 'counter' };
    case 'accept':
    case 'drop':
    case 'return':
      return { kind: 'verdict', verdict: { kind: k } };
    case 'jump':
    case 'goto':
      return { kind: 'verdict', verdict: { kind: k, target: String(v?.target) } };
    case 'limit':
      return { kind: 'limit', rate: Number(v?.rate), per: String(v?.per), burst: Number(v?.burst) };
    case 'log': {
      const s: Record<string, unknown> = { kind: 'log', prefix: v?.prefix, level: v?.level, group: v?.group, snaplen: v?.snaplen, queueThreshold: v?.['queue-threshold'], flags: v?.flags };
      return s as Stmt;
    }
    default:
      return undefined;
  }
}

/** nft lists `tcp dport 22` without the `meta l4proto tcp` it depends on; counters are compared by kind. */
function withoutImpliedProtocol(stmts: readonly Stmt[]): Stmt[] {
  const out = stmts.map((s): Stmt => (s.kind === 'counter' ? { kind: 'counter' } : s));
  return out.filter((s, i) => {
    if (s.kind !== 'match' || s.left.kind !== 'meta' || s.left.key !== 'l4proto' || s.op !== '==' || s.right.kind !== 'value') return true;
    const proto = s.right.value;
    return !out.slice(i + 1).some((x) => x.kind === 'match' && (x.left.kind === 'payload' ? x.left.protocol === proto : x.left.kind === 'binop' && x.left.left.kind === 'payload' && x.left.left.protocol === proto));
  });
}
