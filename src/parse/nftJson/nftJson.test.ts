import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { describe, expect, it } from 'vitest';
import { corpusFiles } from '../../../test/corpus.ts';
import { normalizeForCompare } from '../../model/compare.ts';
import type { Diagnostic, Ruleset, SourceRange } from '../../model/ir.ts';
import { parseNftJson } from './index.ts';

const META = { metainfo: { version: '1.0.6', release_name: 'Lester Gooch #5', json_schema_version: 1 } };

/** Parses `{"nftables": [metainfo, ...items]}`. */
function parse(items: unknown[], withMeta = true) {
  const text = JSON.stringify({ nftables: withMeta ? [META, ...items] : items });
  const r = parseNftJson(text);
  return { ...r, text, plain: normalizeForCompare(r.ruleset) as Ruleset };
}

const errors = (ds: readonly Diagnostic[]) => ds.filter((d) => d.severity === 'error');
const codes = (ds: readonly Diagnostic[]) => ds.map((d) => d.code);
const at = (text: string, d: Diagnostic | undefined) => (d ? text.slice(d.range.start, d.range.end) : undefined);
const sliceOf = (text: string, r: SourceRange | undefined) => (r ? text.slice(r.start, r.end) : undefined);

const table = { table: { family: 'inet', name: 't', handle: 1 } };
const chain = { chain: { family: 'inet', table: 't', name: 'c', handle: 2 } };
const rule = (...expr: unknown[]) => ({ rule: { family: 'inet', table: 't', chain: 'c', handle: 3, expr } });
/** The statements of the first rule of the first chain. */
const stmtsOf = (r: { plain: Ruleset }) => r.plain.tables[0]?.chains[0]?.rules[0]?.stmts;

describe('parseNftJson: corpus', () => {
  it('parses every nft -j dump of the corpus with zero errors', () => {
    const files = [...corpusFiles('nft-json'), ...corpusFiles('generated/nft-json'), ...corpusFiles('generated/iptables', (n) => n.endsWith('.json'))];
    let errorCount = 0;
    const failures: string[] = [];
    for (const f of files) {
      const errs = errors(parseNftJson(readFileSync(f, 'utf8')).diagnostics);
      errorCount += errs.length;
      if (errs.length) failures.push(`${basename(f)}: ${errs[0]?.message}`);
    }
    console.log(`nft JSON corpus: ${files.length} files, ${errorCount} errors`);
    expect(files.length).toBeGreaterThan(400);
    expect(failures).toEqual([]);
  });

  // Decided by reading them against knftables' tests (nftables_test.go TestListBad / TestListElements):
  // no result, no metainfo, no or unsupported json_schema_version, a prefix length given as a string,
  // a prefix without address.
  const invalidFragments: Record<string, string> = {
    'L85-nftOutput.json': 'NJS1020',
    'L90-nftOutput.json': 'NJS1020',
    'L95-nftOutput.json': 'NJS1021',
    'L100-nftOutput.json': 'NJS1023',
    'L105-nftOutput.json': 'NJS1022',
    'L446-nftOutput.json': 'NJS1032',
    'L452-nftOutput.json': 'NJS1031',
  };

  it('accepts the valid knftables fragments and rejects the invalid ones with a clear error', () => {
    const files = corpusFiles('nft-json-fragments');
    expect(files.length).toBe(26);
    for (const f of files) {
      const r = parseNftJson(readFileSync(f, 'utf8'));
      const expected = invalidFragments[basename(f).split('__').pop() as string];
      if (expected) expect(codes(errors(r.diagnostics)), f).toContain(expected);
      else expect(errors(r.diagnostics), f).toEqual([]);
    }
  });

  it('rejects every malformed `nft -j -f` bogon without crashing, with an error inside the input', () => {
    const files = corpusFiles('nft-bogons', (n) => n.includes('nft-j-f'));
    expect(files.length).toBeGreaterThan(10);
    for (const f of files) {
      const text = readFileSync(f, 'utf8');
      const r = parseNftJson(text);
      const errs = errors(r.diagnostics);
      expect(errs.length, f).toBeGreaterThan(0);
      for (const d of r.diagnostics) {
        expect(d.range.start, f).toBeGreaterThanOrEqual(0);
        expect(d.range.end, f).toBeLessThanOrEqual(text.length);
        expect(d.range.start, f).toBeLessThanOrEqual(d.range.end);
      }
    }
  });

  it('names the real defect of the JSON bogons, not only a missing metainfo', () => {
    const expectations: Record<string, string> = {
      binop_rhs_decode_error_crash: 'NJS1012', // {} as an operand
      catchall_as_data_element_assert: 'NJS1056',
      concat_is_not_concat_assert: 'NJS1054',
      constant_expr_alloc_assert: 'NJS1055',
      ct_timeout_null_crash: 'NJS1034',
      dev_name_parser_overflow_crash: 'NJS1059',
      expr_evaluate_concat_empty_concat_key_assert: 'NJS1060',
      mnl_nft_dev_add_ifname_len_0_assert: 'NJS1059',
      reject_stmt_with_no_expression_crash: 'NJS1061',
      set_with_single_value_concat_assert: 'NJS1057',
      unkown_stateful_statement_type_19_assert: 'NJS1058',
    };
    for (const [name, code] of Object.entries(expectations)) {
      const [f] = corpusFiles('nft-bogons', (n) => n.endsWith(`nft-j-f__${name}`));
      expect(f, name).toBeDefined();
      expect(codes(parseNftJson(readFileSync(f as string, 'utf8')).diagnostics), name).toContain(code);
    }
  });
});

describe('parseNftJson: robustness', () => {
  it('turns malicious nesting into an error, not a stack overflow', () => {
    const text = `{"nftables": [${'['.repeat(100_000)}`;
    const r = parseNftJson(text);
    expect(codes(r.diagnostics)).toEqual(['NJS1002']);
    expect(r.diagnostics[0]?.range.start).toBeLessThan(text.length);
    // Operands of one binary operation nest in the IR: bounded the same way.
    const wide = parse([table, chain, rule({ match: { op: '==', left: { '|': Array.from({ length: 100_000 }, () => 1) }, right: 1 } })]);
    expect(codes(wide.diagnostics)).toEqual(['NJS1053']);
  });

  it('keeps what precedes the cut of a truncated dump, with one syntax error at the cut', () => {
    const [f] = corpusFiles('generated/nft-json', (n) => n.includes('TestOverallNFTablesRules'));
    const full = readFileSync(f as string, 'utf8');
    const whole = parseNftJson(full).ruleset;
    const rules = (r: Ruleset) => r.tables.flatMap((t) => t.chains.flatMap((c) => c.rules));
    for (const cut of [1, 100, Math.floor(full.length / 3), Math.floor(full.length / 2), full.length - 3]) {
      const text = full.slice(0, cut);
      const r = parseNftJson(text);
      expect(codes(errors(r.diagnostics)), `cut ${cut}`).toEqual(['NJS1001']);
      expect(r.diagnostics.find((d) => d.code === 'NJS1001')?.range.start, `cut ${cut}`).toBeLessThanOrEqual(text.length);
      const got = rules(r.ruleset);
      expect(got.length).toBeLessThanOrEqual(rules(whole).length);
      // Every rule read before the cut is complete and identical to the one in the whole file.
      expect(normalizeForCompare(got)).toEqual(normalizeForCompare(rules(whole).slice(0, got.length)));
    }
  });

  it('never throws on mutated dumps, and keeps every diagnostic inside the text (property test)', () => {
    let seed = 42;
    const rnd = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
    const odd = [null, [], {}, 'x', 1, -1, 1.5, true, '@', '*', [1], [[]], { a: 1 }, { accept: null }, 'ip', ['a', 'b']];
    const mutate = (x: unknown): unknown => {
      if (rnd() < 0.03) return odd[Math.floor(rnd() * odd.length)];
      if (Array.isArray(x)) return x.filter(() => rnd() > 0.02).map(mutate);
      if (x && typeof x === 'object') return Object.fromEntries(Object.entries(x).filter(() => rnd() > 0.02).map(([k, y]) => [k, mutate(y)]));
      return x;
    };
    const texts: string[] = [];
    for (const f of corpusFiles('nft-json').filter((_, i) => i % 4 === 0)) {
      const original = readFileSync(f, 'utf8');
      texts.push(JSON.stringify(mutate(JSON.parse(original))));
      // Byte-level damage: a character removed or doubled somewhere.
      const at = Math.floor(rnd() * original.length);
      texts.push(rnd() < 0.5 ? original.slice(0, at) + original.slice(at + 1) : original.slice(0, at) + original[at] + original.slice(at));
    }
    for (const text of texts) {
      const r = parseNftJson(text);
      for (const d of r.diagnostics) {
        expect(d.range.start).toBeGreaterThanOrEqual(0);
        expect(d.range.end).toBeLessThanOrEqual(text.length);
      }
    }
    expect(texts.length).toBeGreaterThan(150);
  });

  it('points at the offending value', () => {
    const r = parse([{ table: { family: 'ipx', name: 't' } }]);
    expect(codes(r.diagnostics)).toEqual(['NJS1034']);
    expect(at(r.text, r.diagnostics[0])).toBe('"ipx"');
  });

  it('keeps unknown expressions, statements and objects verbatim with a warning', () => {
    const r = parse([table, chain, rule({ match: { op: '==', left: { frobnicate: { x: 1 } }, right: 1 } }, { teleport: null }), { widget: { family: 'inet' } }]);
    expect(errors(r.diagnostics)).toEqual([]);
    expect(r.diagnostics.map((d) => [d.code, at(r.text, d)])).toEqual([
      ['NJS1051', '"frobnicate"'],
      ['NJS1050', '"teleport"'],
      ['NJS1030', '"widget"'],
    ]);
    expect(stmtsOf(r)).toEqual([
      { kind: 'match', op: '==', left: { kind: 'opaque', text: '{"frobnicate":{"x":1}}' }, right: { kind: 'value', value: 1 } },
      { kind: 'opaque', text: '{"teleport":null}' },
    ]);
    expect(r.plain.opaque).toEqual([{ text: '{"widget":{"family":"inet"}}' }]);
  });
});

describe('parseNftJson: mapping to the IR', () => {
  it('maps tables, base chains and rules, keeping handles', () => {
    const r = parse([
      { table: { family: 'netdev', name: 'n', handle: 4, flags: 'dormant', comment: 'x' } },
      { chain: { family: 'netdev', table: 'n', name: 'in', handle: 1, type: 'filter', hook: 'ingress', prio: -500, dev: 'lo', policy: 'drop' } },
      { rule: { family: 'netdev', table: 'n', chain: 'in', handle: 7, comment: 'hi', expr: [{ accept: null }] } },
    ]);
    expect(r.diagnostics).toEqual([]);
    expect(r.plain.tables).toEqual([
      {
        kind: 'table', family: 'netdev', name: 'n', handle: 4, flags: ['dormant'], comment: 'x', flowtables: [], objects: [], sets: [],
        chains: [{
          kind: 'chain', name: 'in', handle: 1,
          base: { type: 'filter', hook: 'ingress', priority: { value: -500 }, devices: ['lo'], policy: 'drop' },
          rules: [{ kind: 'rule', handle: 7, comment: 'hi', stmts: [{ kind: 'verdict', verdict: { kind: 'accept' } }] }],
        }],
      },
    ]);
  });

  it('gives ranges into the JSON text', () => {
    const r = parse([table, chain, rule({ match: { op: '==', left: { meta: { key: 'l4proto' } }, right: 'tcp' } })]);
    const m = r.ruleset.tables[0]?.chains[0]?.rules[0]?.stmts[0];
    if (m?.kind !== 'match') throw new Error('match expected');
    expect(sliceOf(r.text, m.range)).toBe('{"match":{"op":"==","left":{"meta":{"key":"l4proto"}},"right":"tcp"}}');
    expect(sliceOf(r.text, m.right.range)).toBe('"tcp"');
  });

  it('normalises expressions to canonical IR shapes', () => {
    const r = parse([table, chain, rule(
      { match: { op: '==', left: { payload: { protocol: 'ip', field: 'saddr' } }, right: '@allowed' } },
      { match: { op: '!=', left: { payload: { protocol: 'ip', field: 'daddr' } }, right: { prefix: { addr: '10.0.0.0', len: 8 } } } },
      { match: { op: '==', left: { payload: { protocol: 'tcp', field: 'dport' } }, right: { set: [22, { range: [1024, 65535] }] } } },
      { match: { op: 'in', left: { ct: { key: 'state' } }, right: ['established', 'related'] } },
      { match: { op: '==', left: { '&': [{ meta: { key: 'mark' } }, 255, 15] }, right: 1 } },
      { vmap: { key: { meta: { key: 'iifname' } }, data: { set: [['lo', { accept: null }], ['eth0', { jump: { target: 'x' } }]] } } },
    )]);
    expect(r.diagnostics).toEqual([]);
    const v = (value: string | number) => ({ kind: 'value', value });
    expect(stmtsOf(r)).toEqual([
      { kind: 'match', op: '==', left: { kind: 'payload', protocol: 'ip', field: 'saddr' }, right: { kind: 'setref', name: 'allowed' } },
      { kind: 'match', op: '!=', left: { kind: 'payload', protocol: 'ip', field: 'daddr' }, right: { kind: 'prefix', expr: v('10.0.0.0'), len: 8 } },
      { kind: 'match', op: '==', left: { kind: 'payload', protocol: 'tcp', field: 'dport' }, right: { kind: 'set', items: [v(22), { kind: 'range', from: v(1024), to: v(65535) }] } },
      { kind: 'match', op: 'in', left: { kind: 'ct', key: 'state' }, right: { kind: 'list', items: [v('established'), v('related')] } },
      {
        kind: 'match', op: '==', right: v(1),
        left: { kind: 'binop', op: '&', left: { kind: 'binop', op: '&', left: { kind: 'meta', key: 'mark' }, right: v(255) }, right: v(15) },
      },
      {
        kind: 'vmap', key: { kind: 'meta', key: 'iifname' },
        data: { kind: 'set', items: [
          { kind: 'mapping', key: v('lo'), data: { kind: 'verdict', verdict: { kind: 'accept' } } },
          { kind: 'mapping', key: v('eth0'), data: { kind: 'verdict', verdict: { kind: 'jump', target: 'x' } } },
        ] },
      },
    ]);
  });

  it('fills the defaults nft -j always prints and drops those it never prints', () => {
    const r = parse([table, chain, rule(
      { limit: { rate: 10, per: 'second' } },
      { limit: { rate: 1, rate_unit: 'mbytes', per: 'second' } },
      { log: { level: 'warn', flags: 'all' } },
      { mangle: { key: { meta: { key: 'mark' } }, value: { numgen: { mode: 'inc', mod: 2 } } } },
      { quota: { val: 5, inv: false, used: 0 } },
      { snat: { addr: '1.2.3.4', flags: 'random' } },
    )]);
    expect(r.diagnostics).toEqual([]);
    expect(stmtsOf(r)).toEqual([
      { kind: 'limit', rate: 10, per: 'second', burst: 5 },
      { kind: 'limit', rate: 1, rateUnit: 'mbytes', per: 'second', burst: 0, burstUnit: 'bytes' },
      { kind: 'log', flags: ['all'] },
      { kind: 'mangle', key: { kind: 'meta', key: 'mark' }, value: { kind: 'numgen', mode: 'inc', mod: 2, offset: 0 } },
      { kind: 'quota', val: 5, valUnit: 'bytes' },
      { kind: 'nat', type: 'snat', addr: { kind: 'value', value: '1.2.3.4' }, flags: ['random'] },
    ]);
  });

  it('tells statements from references to named objects', () => {
    const r = parse([table, chain, rule(
      { counter: null },
      { counter: { packets: 1, bytes: 2 } },
      { counter: 'cnt' },
      { counter: { map: { key: { payload: { protocol: 'ip', field: 'saddr' } }, data: '@cmap' } } },
      { mangle: { key: { ct: { key: 'helper' } }, value: 'ftp' } },
      { 'ct helper': 'ftp' },
      { synproxy: { mss: 1460, flags: ['timestamp'] } },
      { synproxy: 'sp' },
    )]);
    expect(r.diagnostics).toEqual([]);
    expect(stmtsOf(r)).toEqual([
      { kind: 'counter' },
      { kind: 'counter', packets: 1, bytes: 2 },
      { kind: 'objref', type: 'counter', name: { kind: 'value', value: 'cnt' } },
      { kind: 'objref', type: 'counter', name: { kind: 'map', key: { kind: 'payload', protocol: 'ip', field: 'saddr' }, data: { kind: 'setref', name: 'cmap' } } },
      { kind: 'objref', type: 'ct helper', name: { kind: 'value', value: 'ftp' } },
      { kind: 'objref', type: 'ct helper', name: { kind: 'value', value: 'ftp' } },
      { kind: 'synproxy', mss: 1460, flags: ['timestamp'] },
      { kind: 'objref', type: 'synproxy', name: { kind: 'value', value: 'sp' } },
    ]);
  });

  it('maps named sets, maps, element options and object maps', () => {
    const r = parse([
      table,
      { set: { family: 'inet', table: 't', name: 's', handle: 5, type: ['ipv4_addr', 'inet_service'], flags: 'interval', policy: 'performance', 'auto-merge': false, stmt: [{ counter: null }],
        elem: [{ concat: ['1.2.3.4', 80] }, { elem: { val: { concat: ['5.6.7.8', 443] }, timeout: 60, comment: 'c', counter: { packets: 1, bytes: 9 } } }] } },
      { map: { family: 'inet', table: 't', name: 'm', type: { typeof: { payload: { protocol: 'ip', field: 'saddr' } } }, map: 'verdict', elem: [['1.1.1.1', { drop: null }], ['*', { accept: null }]] } },
      { map: { family: 'inet', table: 't', name: 'o', type: 'ipv4_addr', map: 'counter', elem: [['1.1.1.1', 'c1']] } },
      { map: { family: 'inet', table: 't', name: 'nat', type: 'ipv4_addr', map: 'ipv4_addr . inet_service' } },
    ]);
    expect(r.diagnostics).toEqual([]);
    const v = (value: string | number) => ({ kind: 'value', value });
    expect(r.plain.tables[0]?.sets).toEqual([
      {
        kind: 'set', name: 's', handle: 5, key: { kind: 'type', names: ['ipv4_addr', 'inet_service'] }, flags: ['interval'], stmts: [{ kind: 'counter' }],
        elements: [
          { kind: 'concat', items: [v('1.2.3.4'), v(80)] },
          { kind: 'elem', value: { kind: 'concat', items: [v('5.6.7.8'), v(443)] }, timeout: 60, comment: 'c', counter: { packets: 1, bytes: 9 } },
        ],
      },
      {
        kind: 'map', name: 'm', key: { kind: 'typeof', expr: { kind: 'payload', protocol: 'ip', field: 'saddr' } }, data: { kind: 'type', names: ['verdict'] },
        elements: [
          { kind: 'mapping', key: v('1.1.1.1'), data: { kind: 'verdict', verdict: { kind: 'drop' } } },
          { kind: 'mapping', key: v('*'), data: { kind: 'verdict', verdict: { kind: 'accept' } } },
        ],
      },
      { kind: 'map', name: 'o', key: { kind: 'type', names: ['ipv4_addr'] }, data: { kind: 'type', names: ['counter'] }, objectData: 'counter', elements: [{ kind: 'mapping', key: v('1.1.1.1'), data: v('c1') }] },
      { kind: 'map', name: 'nat', key: { kind: 'type', names: ['ipv4_addr'] }, data: { kind: 'type', names: ['ipv4_addr', 'inet_service'] }, elements: [] },
    ]);
  });

  it('maps named objects and flowtables with their nft -j properties', () => {
    const r = parse([
      table,
      { counter: { family: 'inet', table: 't', name: 'c', handle: 2 } },
      { quota: { family: 'inet', table: 't', name: 'q', bytes: 1000, inv: true } },
      { 'ct timeout': { family: 'inet', table: 't', name: 'tt', protocol: 'tcp', l3proto: 'ip', policy: { established: 100 } } },
      { flowtable: { family: 'inet', table: 't', name: 'f', hook: 'ingress', prio: 0, dev: ['eth0', 'eth1'] } },
    ]);
    expect(r.diagnostics).toEqual([]);
    expect(r.plain.tables[0]?.objects).toEqual([
      { kind: 'object', type: 'counter', name: 'c', handle: 2, props: { packets: 0, bytes: 0 } },
      { kind: 'object', type: 'quota', name: 'q', props: { bytes: 1000, used: 0, inv: true } },
      { kind: 'object', type: 'ct timeout', name: 'tt', props: { protocol: 'tcp', l3proto: 'ip', policy: { established: 100 } } },
    ]);
    expect(r.plain.tables[0]?.flowtables).toEqual([{ kind: 'flowtable', name: 'f', hook: 'ingress', priority: { value: 0 }, devices: ['eth0', 'eth1'] }]);
  });

  it('attaches objects to their table, creating a missing one with a warning', () => {
    const r = parse([{ chain: { family: 'ip', table: 'nat', name: 'POSTROUTING', type: 'nat', hook: 'postrouting', prio: 100, policy: 'accept' } }, table]);
    expect(r.diagnostics.map((d) => [d.severity, d.code])).toEqual([['warning', 'NJS1040']]);
    expect(r.plain.tables.map((t) => `${t.family} ${t.name} ${t.chains.length}`)).toEqual(['ip nat 1', 'inet t 0']);
  });

  it('checks metainfo in list output, and lets nft -j -f commands omit it', () => {
    expect(codes(parse([table], false).diagnostics)).toEqual(['NJS1020']);
    expect(codes(parse([{ add: table }], false).diagnostics)).toEqual([]);
    expect(codes(parseNftJson('{"nftables": [{"metainfo": {"json_schema_version": 2}}]}').diagnostics)).toEqual(['NJS1023']);
    expect(codes(parseNftJson('[]').diagnostics)).toEqual(['NJS1010']);
  });
});

describe('parseNftJson: commands (nft -j -f), applied in order', () => {
  const r = (handle: number, target: string) => ({ family: 'inet', table: 't', chain: 'c', handle, expr: [{ jump: { target } }] });
  const targets = (res: { plain: Ruleset }) => res.plain.tables[0]?.chains.find((c) => c.name === 'c')?.rules.map((x) => (x.stmts[0] as { verdict: { target: string } }).verdict.target);

  it('adds, inserts, replaces and deletes rules at the positions handle and index name', () => {
    const res = parse(
      [
        { add: table },
        { add: chain },
        { add: { rule: { ...r(0, 'a'), handle: undefined } } },
        { add: { rule: { ...r(0, 'b'), handle: undefined } } },
        { insert: { rule: { ...r(0, 'first'), handle: undefined } } },
        { add: { rule: { ...r(0, 'after-first'), handle: undefined, index: 0 } } },
        { insert: { rule: { ...r(0, 'before-b'), handle: undefined, index: 3 } } },
      ],
      false,
    );
    expect(res.diagnostics).toEqual([]);
    expect(targets(res)).toEqual(['first', 'after-first', 'a', 'before-b', 'b']);
  });

  it('applies add/replace/delete by handle on a listed ruleset', () => {
    const res = parse([table, chain, { rule: r(10, 'x') }, { rule: r(11, 'y') }, { add: { rule: r(10, 'after-x') } }, { replace: { rule: r(11, 'z') } }, { delete: { rule: { family: 'inet', table: 't', chain: 'c', handle: 10 } } }]);
    expect(res.diagnostics).toEqual([]);
    expect(targets(res)).toEqual(['after-x', 'z']);
  });

  it('flushes, renames and deletes objects; create of an existing object is an error', () => {
    const res = parse([
      table,
      chain,
      { rule: r(10, 'x') },
      { set: { family: 'inet', table: 't', name: 's', type: 'ipv4_addr', elem: ['1.1.1.1', '2.2.2.2'] } },
      { add: { element: { family: 'inet', table: 't', name: 's', elem: ['3.3.3.3'] } } },
      { delete: { element: { family: 'inet', table: 't', name: 's', elem: '1.1.1.1' } } },
      { flush: { chain: { family: 'inet', table: 't', name: 'c' } } },
      { rename: { chain: { family: 'inet', table: 't', name: 'c', newname: 'd' } } },
      { create: { table: { family: 'inet', name: 't' } } },
      { delete: { set: { family: 'inet', table: 't', name: 'nope' } } },
      { destroy: { set: { family: 'inet', table: 't', name: 'nope' } } },
    ]);
    expect(codes(res.diagnostics)).toEqual(['NJS1043', 'NJS1044']);
    const t = res.plain.tables[0];
    expect(t?.chains.map((c) => `${c.name}:${c.rules.length}`)).toEqual(['d:0']);
    expect(t?.sets[0]?.elements).toEqual([{ kind: 'value', value: '2.2.2.2' }, { kind: 'value', value: '3.3.3.3' }]);
    expect(parse([table, { flush: { ruleset: null } }]).plain.tables).toEqual([]);
  });
});
