// A short run of the fuzz properties (test/fuzz/targets.ts) for every parser, detection, the packet syntax
// and the permalink decoder; `npm run fuzz` runs the long one. Also checks that the checks themselves bite.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_INPUT_CHARS, parseIpvs, parseNft, parseText } from '../../src/parse/index.ts';
import { priorityNamesFor, IPTABLES_HOOK_OF } from '../../src/model/priorities.ts';
import { META_KEYS, PAYLOAD_PROTOCOLS } from '../../src/model/datatypes.ts';
import { applyMutation, PROTOTYPE_KEYS } from './arbitraries.ts';
import { checkInput, jsonProblems, rangeProblems, TARGETS } from './targets.ts';

/** Cases per target in `npm test`: a few seconds in all. A fixed seed keeps CI reproducible; the long
 *  run (`npm run fuzz`) takes a new seed each time. */
const CASES = 120;
const SEED = 20261123;

describe('fuzz properties (short run)', () => {
  for (const target of TARGETS) {
    it(`${target.name}: no exception, diagnostics inside the input, deterministic, plain JSON`, () => {
      fc.assert(
        fc.property(target.input(), (text) => {
          const problems = checkInput(target, text);
          if (problems.length > 0) throw new Error(problems.join('\n'));
        }),
        { numRuns: CASES, seed: SEED },
      );
    }, 60_000);
  }
});

describe('the fuzz checks find what they look for', () => {
  it('flags diagnostic ranges outside the text', () => {
    const d = (start: number, end: number) => ({ severity: 'error' as const, code: 'x', message: 'm', range: { start, end } });
    expect(rangeProblems([d(0, 3)], 3)).toEqual([]);
    expect(rangeProblems([d(0, 4)], 3)).toHaveLength(1);
    expect(rangeProblems([d(2, 1)], 3)).toHaveLength(1);
    expect(rangeProblems([d(-1, 0)], 3)).toHaveLength(1);
  });

  it('flags values that are not plain JSON', () => {
    expect(jsonProblems({ a: [1, 'x', null, { b: true }] })).toEqual([]);
    expect(jsonProblems({ a: () => 1 })).toHaveLength(1);
    expect(jsonProblems({ a: 1n })).toHaveLength(1);
    expect(jsonProblems({ a: NaN })).toHaveLength(1);
    expect(jsonProblems({ a: new Map() })).toHaveLength(1);
    expect(jsonProblems({ a: [1, undefined] })).toHaveLength(1);
    expect(jsonProblems({ a: 1, b: undefined })).toEqual([]);
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(jsonProblems(cyclic)).toHaveLength(1);
  });

  it('reports a parser that throws or is not deterministic', () => {
    let n = 0;
    const base = { name: 't', input: () => fc.constant(''), check: () => [] };
    expect(checkInput({ ...base, run: () => { throw new Error('boom'); } }, '')[0]).toMatch(/threw: Error: boom/);
    expect(checkInput({ ...base, run: () => ({ n: n++ }) }, '')[0]).toMatch(/not deterministic/);
  });

  it('mutations are pure and edit lines as named', () => {
    const text = 'a\nb\nc\n';
    expect(applyMutation(text, { kind: 'delete-line', at: 0 })).toBe('b\nc\n');
    expect(applyMutation(text, { kind: 'duplicate-line', at: 0.5 })).toBe('a\nb\nb\nc\n');
    expect(applyMutation(text, { kind: 'swap-lines', at: 0, with: 0.9 })).toBe('c\nb\na\n');
    expect(applyMutation(text, { kind: 'cut', at: 0.5 })).toBe('a\nb');
    expect(applyMutation(text, { kind: 'replace-word', at: 0.3, text: 'X' })).toBe('a\nX\nc\n');
  });
});

describe('words that name Object.prototype members find nothing', () => {
  it('in the lookup tables keyed by pasted words', () => {
    for (const key of PROTOTYPE_KEYS) {
      expect(priorityNamesFor('ip')[key]).toBeUndefined();
      expect(priorityNamesFor('bridge')[key]).toBeUndefined();
      expect(IPTABLES_HOOK_OF[key]).toBeUndefined();
      expect((META_KEYS as Record<string, unknown>)[key]).toBeUndefined();
      expect((PAYLOAD_PROTOCOLS as Record<string, unknown>)[key]).toBeUndefined();
    }
  });

  it('an ipvsadm port named `constructor` is an unknown name, not a function in the IR', () => {
    for (const text of ['-A -t 10.0.0.1:constructor -s rr\n', 'TCP  10.0.0.1:toString rr\n  -> 10.0.0.2:80 Masq 1 0 0\n']) {
      const r = parseIpvs(text);
      expect(jsonProblems(r)).toEqual([]);
      expect(r.ruleset.ipvs?.[0]?.port).toBe(0);
      expect(r.diagnostics.map((d) => d.code)).toContain('IPV2003');
    }
  });

  it('an nft priority named `constructor` is an error', () => {
    const r = parseNft('table ip t { chain c { type filter hook input priority constructor; } }');
    expect(jsonProblems(r)).toEqual([]);
    expect(r.diagnostics.some((d) => d.severity === 'error')).toBe(true);
  });
});

describe('input size limit', () => {
  it('a text past the limit parses to nothing with one clear error, without running a parser', () => {
    const huge = 'table ip t { }\n'.repeat(Math.ceil((MAX_INPUT_CHARS + 1) / 15));
    for (const format of ['auto', 'nft', 'iptables'] as const) {
      const r = parseText(huge, format);
      expect(r.ruleset.tables).toEqual([]);
      expect(r.diagnostics).toHaveLength(1);
      expect(r.diagnostics[0]).toMatchObject({ severity: 'error', code: 'SRC1001', range: { start: 0, end: 0 } });
      expect(r.diagnostics[0]!.message).toMatch(/^the text is 128\.0 Mi characters; nflens reads at most 128\.0 Mi characters per source/);
    }
    expect(parseText('table ip t { }\n'.repeat(1000), 'auto').ruleset.tables).toHaveLength(1);
  });
});
