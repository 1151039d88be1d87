import { describe, expect, it } from 'vitest';
import type { Expr, NamedSet, Rule, Ruleset, Stmt } from '../../model/ir.ts';
import { parseNftJson } from '../nftJson/index.ts';
import { parseNft } from './index.ts';
import { printExpr, printRule, printRuleset, printStmt } from './print.ts';

const v = (value: string | number | boolean): Expr => ({ kind: 'value', value });
const payload = (protocol: string, field: string): Expr => ({ kind: 'payload', protocol, field });
const meta = (key: string): Expr => ({ kind: 'meta', key });
const match = (left: Expr, right: Expr, op: Extract<Stmt, { kind: 'match' }>['op'] = '=='): Stmt => ({ kind: 'match', op, left, right });

/** The rule text of `nft -j` statements, going through the JSON parser. */
function ruleOf(...expr: unknown[]): string {
  const doc = {
    nftables: [
      { metainfo: { json_schema_version: 1 } },
      { table: { family: 'inet', name: 't' } },
      { chain: { family: 'inet', table: 't', name: 'c' } },
      { rule: { family: 'inet', table: 't', chain: 'c', expr } },
    ],
  };
  const r = parseNftJson(JSON.stringify(doc));
  expect(r.diagnostics).toEqual([]);
  return printRule(r.ruleset.tables[0]?.chains[0]?.rules[0] as Rule);
}

describe('printStmt / printExpr', () => {
  it('quotes values of string types only', () => {
    expect(printStmt(match(meta('iifname'), v('eth*')))).toBe('iifname "eth*"');
    expect(printStmt(match(meta('oif'), v('lo')))).toBe('oif "lo"');
    expect(printStmt(match(meta('l4proto'), v('tcp')))).toBe('meta l4proto tcp');
    expect(printStmt(match(payload('ip', 'saddr'), v('10.0.0.1')))).toBe('ip saddr 10.0.0.1');
    expect(printStmt(match(payload('ip6', 'daddr'), v('::1')))).toBe('ip6 daddr ::1');
    // A symbol nft's scanner would split is quoted, which nft reads as the same symbol.
    expect(printExpr(v('a b'))).toBe('"a b"');
    expect(printStmt(match({ kind: 'concat', items: [meta('iifname'), payload('tcp', 'dport')] }, { kind: 'set', items: [{ kind: 'concat', items: [v('lo'), v(22)] }] }))).toBe(
      'iifname . tcp dport { "lo" . 22 }',
    );
  });

  it('writes the operator only where nft needs it', () => {
    expect(ruleOf({ match: { op: '==', left: { payload: { protocol: 'tcp', field: 'dport' } }, right: 22 } })).toBe('tcp dport 22');
    expect(ruleOf({ match: { op: '!=', left: { payload: { protocol: 'tcp', field: 'dport' } }, right: 22 } })).toBe('tcp dport != 22');
    expect(ruleOf({ match: { op: 'in', left: { ct: { key: 'state' } }, right: ['established', 'related'] } })).toBe('ct state established,related');
    // An exact comparison against a bitmask type must say so: implicit means "any of these bits".
    expect(ruleOf({ match: { op: '==', left: { ct: { key: 'state' } }, right: 'established' } })).toBe('ct state == established');
    expect(ruleOf({ match: { op: '==', left: { ct: { key: 'state' } }, right: { set: ['established', 'new'] } } })).toBe('ct state { established, new }');
    expect(ruleOf({ match: { op: '==', left: { '&': [{ meta: { key: 'mark' } }, 255] }, right: 1 } })).toBe('meta mark & 0x000000ff == 0x00000001');
  });

  it('writes flag comparisons and binary operations with nft precedence', () => {
    const flags = { payload: { protocol: 'tcp', field: 'flags' } };
    expect(ruleOf({ match: { op: '==', left: { '&': [flags, ['syn', 'ack']] }, right: 'syn' } })).toBe('tcp flags syn / syn,ack');
    expect(ruleOf({ match: { op: '!=', left: { '&': [flags, ['syn', 'ack']] }, right: ['syn', 'ack'] } })).toBe('tcp flags != syn,ack / syn,ack');
    expect(ruleOf({ match: { op: '==', left: { '&': [flags, { '|': ['syn', 'ack'] }] }, right: 'syn' } })).toBe('tcp flags & (syn | ack) == syn');
    expect(ruleOf({ mangle: { key: { meta: { key: 'mark' } }, value: { '|': [{ '&': [{ ct: { key: 'mark' } }, 255] }, 16] } } })).toBe(
      'meta mark set ct mark & 0x000000ff | 0x00000010',
    );
    expect(ruleOf({ mangle: { key: { meta: { key: 'mark' } }, value: { '&': [{ ct: { key: 'mark' } }, { '|': [1, 2] }] } } })).toBe(
      'meta mark set ct mark & (0x00000001 | 0x00000002)',
    );
    // A shift count is an integer, not a mark (nft 1.0.6 lists `ct mark >> 16`, `(…) << 8`).
    expect(ruleOf({ mangle: { key: { meta: { key: 'mark' } }, value: { '>>': [{ ct: { key: 'mark' } }, 16] } } })).toBe('meta mark set ct mark >> 16');
    expect(ruleOf({ mangle: { key: { ct: { key: 'mark' } }, value: { '<<': [{ '|': [{ meta: { key: 'mark' } }, 16] }, 8] } } })).toBe(
      'ct mark set (meta mark | 0x00000010) << 8',
    );
  });

  it('writes maps, verdict maps, prefixes, ranges and set references', () => {
    expect(ruleOf({ vmap: { key: { payload: { protocol: 'ip', field: 'daddr' } }, data: { set: [[{ prefix: { addr: '10.0.0.0', len: 8 } }, { jump: { target: 'x' } }], [{ range: ['1.1.1.1', '1.1.1.9'] }, { drop: null }]] } } })).toBe(
      'ip daddr vmap { 10.0.0.0/8 : jump x, 1.1.1.1-1.1.1.9 : drop }',
    );
    expect(ruleOf({ match: { op: '==', left: { payload: { protocol: 'ip', field: 'saddr' } }, right: '@allow' } }, { vmap: { key: { meta: { key: 'iifname' } }, data: '@vm' } })).toBe(
      'ip saddr @allow iifname vmap @vm',
    );
    expect(ruleOf({ mangle: { key: { meta: { key: 'mark' } }, value: { map: { key: { meta: { key: 'iifname' } }, data: { set: [['eth0', 1]] } } } } })).toBe(
      'meta mark set iifname map { "eth0" : 0x00000001 }',
    );
    expect(printExpr({ kind: 'range', from: v('echo-reply'), to: v('echo-request') })).toBe('"echo-reply"-"echo-request"');
  });

  it('writes NAT targets, IPv6 addresses with a port in brackets', () => {
    expect(ruleOf({ dnat: { family: 'ip6', addr: '::1', port: 80 } })).toBe('dnat ip6 to [::1]:80');
    expect(ruleOf({ snat: { family: 'ip', addr: { range: ['1.2.3.4', '1.2.3.9'] }, port: { range: [80, 90] }, flags: ['fully-random', 'random'] } })).toBe(
      'snat ip to 1.2.3.4-1.2.3.9:80-90 random,fully-random',
    );
    expect(ruleOf({ masquerade: null }, { redirect: { port: 8080 } })).toBe('masquerade redirect to :8080');
    expect(ruleOf({ snat: { family: 'ip', addr: { map: { key: { payload: { protocol: 'ip', field: 'saddr' } }, data: '@m' } }, type_flags: 'prefix', flags: 'netmap' } })).toBe(
      'snat ip prefix to ip saddr map @m',
    );
  });

  it('writes the other statements in nft list form', () => {
    expect(ruleOf({ log: { prefix: 'in: ', level: 'info', flags: ['tcp sequence', 'ip options'] } })).toBe('log prefix "in: " level info flags tcp sequence flags ip options');
    expect(ruleOf({ limit: { rate: 10, per: 'second', burst: 5 } }, { limit: { rate: 1, rate_unit: 'mbytes', per: 'second', burst: 2, burst_unit: 'mbytes', inv: true } })).toBe(
      'limit rate 10/second limit rate over 1 mbytes/second burst 2 mbytes',
    );
    expect(ruleOf({ quota: { val: 10, val_unit: 'mbytes', used: 1, used_unit: 'mbytes', inv: true } })).toBe('quota over 10 mbytes used 1 mbytes');
    expect(ruleOf({ reject: { type: 'icmpx', expr: 'admin-prohibited' } }, { reject: { type: 'tcp reset' } }, { reject: null })).toBe(
      'reject with icmpx admin-prohibited reject with tcp reset reject',
    );
    expect(ruleOf({ counter: { packets: 1, bytes: 2 } }, { counter: 'c1' }, { 'ct helper': 'ftp' }, { 'ct count': { val: 10, inv: true } })).toBe(
      'counter packets 1 bytes 2 counter name "c1" ct helper set "ftp" ct count over 10',
    );
    expect(ruleOf({ set: { op: 'update', elem: { elem: { val: { payload: { protocol: 'ip', field: 'saddr' } }, timeout: 90 } }, set: '@s', stmt: [{ limit: { rate: 10, per: 'second', burst: 5 } }] } })).toBe(
      'update @s { ip saddr timeout 1m30s limit rate 10/second }',
    );
    expect(ruleOf({ map: { op: 'add', elem: { payload: { protocol: 'ip', field: 'saddr' } }, data: 1, map: '@m' } })).toBe('add @m { ip saddr : 1 }');
    expect(ruleOf({ match: { op: '==', left: { exthdr: { name: 'hbh' } }, right: true } }, { match: { op: '<', left: { ct: { key: 'expiration' } }, right: 90 } })).toBe(
      'exthdr hbh exists ct expiration < 1m30s',
    );
    expect(ruleOf({ match: { op: '==', left: { fib: { result: 'type', flags: ['iif', 'daddr'] } }, right: 'local' } })).toBe('fib daddr . iif type local');
    expect(ruleOf({ match: { op: '==', left: { jhash: { expr: { payload: { protocol: 'ip', field: 'saddr' } }, mod: 2, seed: 3 } }, right: 0 } })).toBe('jhash ip saddr mod 2 seed 0x3 0');
    expect(printStmt({ kind: 'opaque', text: '{"teleport":null}' })).toBe('{"teleport":null}');
  });

  it('writes a rule comment last', () => {
    expect(printRule({ kind: 'rule', stmts: [{ kind: 'verdict', verdict: { kind: 'goto', target: 'KUBE-SVC/x.y' } }], comment: 'why' })).toBe('goto KUBE-SVC/x.y comment "why"');
    // nft 1.0.6 reads no quoted names; only a name that cannot be one word is quoted (newer nft reads it).
    expect(printRule({ kind: 'rule', stmts: [{ kind: 'verdict', verdict: { kind: 'jump', target: 'my chain' } }] })).toBe('jump "my chain"');
  });
});

describe('printRuleset', () => {
  it('writes nested blocks in nft list ruleset layout', () => {
    const json = {
      nftables: [
        { metainfo: { json_schema_version: 1 } },
        { table: { family: 'inet', name: 'filter', handle: 1 } },
        { chain: { family: 'inet', table: 'filter', name: 'input', handle: 1, type: 'filter', hook: 'input', prio: 0, policy: 'drop' } },
        { counter: { family: 'inet', table: 'filter', name: 'c', packets: 1, bytes: 2 } },
        { quota: { family: 'inet', table: 'filter', name: 'q', bytes: 2097152, used: 0, inv: true } },
        { set: { family: 'inet', table: 'filter', name: 'ok', type: 'ifname', flags: ['interval', 'dynamic'], timeout: 3600, elem: ['lo', { elem: { val: 'eth0', comment: 'uplink' } }] } },
        { map: { family: 'inet', table: 'filter', name: 'm', type: { typeof: { payload: { protocol: 'ip', field: 'saddr' } } }, map: 'classid' } },
        { flowtable: { family: 'inet', table: 'filter', name: 'ft', hook: 'ingress', prio: 0, dev: 'lo' } },
        { rule: { family: 'inet', table: 'filter', chain: 'input', expr: [{ match: { op: '==', left: { meta: { key: 'iifname' } }, right: '@ok' } }, { accept: null }] } },
      ],
    };
    expect(printRuleset(parseNftJson(JSON.stringify(json)).ruleset)).toBe(
      [
        'table inet filter {',
        '\tcounter c {',
        '\t\tpackets 1 bytes 2',
        '\t}',
        '',
        '\tquota q {',
        '\t\tover 2 mbytes',
        '\t}',
        '',
        '\tset ok {',
        '\t\ttype ifname',
        '\t\tflags dynamic,interval',
        '\t\ttimeout 1h',
        '\t\telements = { "lo", "eth0" comment "uplink" }',
        '\t}',
        '',
        '\tmap m {',
        // nft 1.0.6 cannot mix `typeof` and a type name: the data is written as an expression of its type.
        '\t\ttypeof ip saddr : meta priority',
        '\t}',
        '',
        '\tflowtable ft {',
        '\t\thook ingress priority 0',
        '\t\tdevices = { "lo" }',
        '\t}',
        '',
        '\tchain input {',
        '\t\ttype filter hook input priority 0; policy drop;',
        '\t\tiifname @ok accept',
        '\t}',
        '}',
        '',
      ].join('\n'),
    );
  });

  it('writes a netdev base chain with its devices and a symbolic priority kept from text input', () => {
    const ruleset: Ruleset = {
      ipvs: [],
      tables: [
        {
          kind: 'table', family: 'netdev', name: 'n', flowtables: [], objects: [], sets: [],
          chains: [
            { kind: 'chain', name: 'a', rules: [], base: { type: 'filter', hook: 'ingress', priority: { value: -5, text: 'filter - 5' }, devices: ['eth0'], policy: 'accept' } },
            { kind: 'chain', name: 'b', rules: [], base: { type: 'filter', hook: 'ingress', priority: { value: 0 }, devices: ['eth0', 'eth1'] } },
          ],
        },
      ],
    };
    expect(printRuleset(ruleset).split('\n').filter((l) => l.includes('type'))).toEqual([
      '\t\ttype filter hook ingress device "eth0" priority filter - 5; policy accept;',
      '\t\ttype filter hook ingress devices = { "eth0", "eth1" } priority 0;',
    ]);
  });

  it('writes element statements in the set\'s order, completing those nft -j could not show', () => {
    const set = (elements: Expr[]): NamedSet => ({
      kind: 'set', name: 's', key: { kind: 'type', names: ['ipv4_addr'] }, stmts: [{ kind: 'limit', rate: 1, per: 'second', burst: 5 }, { kind: 'counter' }], elements,
    });
    const text = (s: NamedSet) => printRuleset({ ipvs: [], tables: [{ kind: 'table', family: 'ip', name: 't', chains: [], flowtables: [], objects: [], sets: [s] }] });
    const limit: Stmt = { kind: 'limit', rate: 1, per: 'second', burst: 5 };
    // nft refuses an element whose statements are not in the set's order ("element expects counter, but set has type limit").
    expect(text(set([{ kind: 'elem', value: v('1.1.1.1'), counter: { packets: 1, bytes: 2 }, stmts: [limit] }]))).toContain(
      'elements = { 1.1.1.1 limit rate 1/second counter packets 1 bytes 2 }',
    );
    // nft -j shows one statement per element: the others are written as the set declares them.
    expect(text(set([{ kind: 'elem', value: v('1.1.1.1'), counter: { packets: 1, bytes: 2 } }, v('2.2.2.2')]))).toContain(
      'elements = { 1.1.1.1 limit rate 1/second counter packets 1 bytes 2, 2.2.2.2 }',
    );
    // Statements that fit nowhere are left out: the set's statements then apply.
    expect(text(set([{ kind: 'elem', value: v('1.1.1.1'), stmts: [{ kind: 'quota', val: 5, valUnit: 'bytes' }] }]))).toContain('elements = { 1.1.1.1 }');
  });

  it('writes a chain bound to a rule inside the rule, as nft lists it', () => {
    // Listed byte for byte like this by nft 1.0.6 (which refuses a binding inside a binding).
    const text = 'table inet x {\n\tchain y {\n\t\ttcp dport 53 goto {\n\t\t\tip saddr 10.0.0.1 accept\n\t\t\tdrop\n\t\t}\n\t\tudp dport 53 jump {\n\t\t\taccept\n\t\t}\n\t}\n}\n';
    const r = parseNft(text);
    expect(r.ruleset.tables[0]?.chains.map((c) => c.name)).toEqual(['y', '__chain0', '__chain1']);
    expect(printRuleset(r.ruleset)).toBe(text);
  });

  it('writes the key of an object map as it was declared (type or typeof)', () => {
    const text = 'table ip t {\n\tmap m {\n\t\ttypeof ip saddr : ct helper\n\t}\n\n\tmap n {\n\t\ttype ipv4_addr : counter\n\t}\n}\n';
    expect(printRuleset(parseNft(text).ruleset)).toBe(text);
  });
});
