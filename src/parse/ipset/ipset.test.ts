import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Diagnostic, Expr, NamedSet, ParseResult } from '../../model/ir.ts';
import { firstDifference, normalizeForCompare } from '../../model/compare.ts';
import { LineIndex } from '../../model/sourceText.ts';
import { parseIpset, printIpsetSave } from './index.ts';

// testdata/restore-input.ipset was restored with `ipset restore` (ipset 7.17, Linux 6.18, in a private
// network namespace); real-save.ipset, real-list.txt and real-list-terse.txt are what `ipset save`,
// `ipset list` and `ipset list -terse` printed for that state, unchanged.
const here = path.dirname(fileURLToPath(import.meta.url));
const fixture = (name: string): string => readFileSync(path.join(here, 'testdata', name), 'utf8');

const LIST_ONLY = ['revision', 'references', 'memory', 'entries'];

function sets(r: ParseResult): readonly NamedSet[] {
  return r.ruleset.tables.flatMap((t) => t.sets);
}

function set(r: ParseResult, name: string): NamedSet {
  const found = sets(r).find((s) => s.name === name);
  if (!found) throw new Error(`no set ${name}`);
  return found;
}

/** Elements without ranges, for comparing against literal IR. */
function elements(r: ParseResult, name: string): unknown {
  return normalizeForCompare(set(r, name).elements);
}

/** `severity code line:column` of each diagnostic, as the CLI shows them. */
function located(text: string, diagnostics: readonly Diagnostic[]): string[] {
  const index = new LineIndex(text);
  return diagnostics.map((d) => {
    const { line, column } = index.lineColOf(d.range.start);
    return `${d.severity} ${d.code} ${line}:${column}`;
  });
}

const v = (value: string | number): Expr => ({ kind: 'value', value });

describe('ipset: real tool output', () => {
  it('prints real `ipset save` output back byte for byte', () => {
    const text = fixture('real-save.ipset');
    const result = parseIpset(text);
    expect(result.diagnostics).toEqual([]);
    expect(printIpsetSave(result.ruleset)).toBe(text);
  });

  it('reads `ipset list` of the same state into the same sets as `ipset save`', () => {
    const save = parseIpset(fixture('real-save.ipset'));
    const list = parseIpset(fixture('real-list.txt'));
    expect(list.diagnostics).toEqual([]);
    expect(firstDifference(list.ruleset, save.ruleset, { ignoreKeys: LIST_ONLY })).toBeUndefined();
    expect(set(list, 'b').ipset).toMatchObject({ revision: 6, references: 1, entries: 1 });
    expect(printIpsetSave(list.ruleset)).toBe(fixture('real-save.ipset'));
  });

  it('reads `ipset list -terse`: headers and entry counts, no members', () => {
    const terse = parseIpset(fixture('real-list-terse.txt'));
    expect(terse.diagnostics).toEqual([]);
    expect(sets(terse).map((s) => s.name)).toEqual(sets(parseIpset(fixture('real-save.ipset'))).map((s) => s.name));
    expect(set(terse, 'ipp').elements).toEqual([]);
    expect(set(terse, 'ipp').ipset?.entries).toBe(8);
  });

  it('accepts every command form of the restore input that produced the fixtures', () => {
    const input = parseIpset(fixture('restore-input.ipset'));
    expect(input.diagnostics).toEqual([]);
    // list:set `add l b before a` puts b in front of a, as the kernel listed it.
    expect(elements(input, 'l')).toEqual(elements(parseIpset(fixture('real-save.ipset')), 'l'));
  });
});

describe('ipset: key types as ipset-translate names them', () => {
  // type ; create options ; nft key type ; interval flag
  const cases = `
    hash:ip ; ; ipv4_addr ; no
    hash:ip ; family inet6 ; ipv6_addr ; no
    hash:ip ; netmask 24 ; ipv4_addr ; yes
    hash:ip,port ; ; ipv4_addr . inet_proto . inet_service ; no
    hash:ip,port ; -6 ; ipv6_addr . inet_proto . inet_service ; no
    hash:ip,port,ip ; ; ipv4_addr . inet_proto . inet_service . ipv4_addr ; no
    hash:ip,port,net ; ; ipv4_addr . inet_proto . inet_service . ipv4_addr ; yes
    hash:ip,mark ; ; ipv4_addr . mark ; no
    hash:ip,mac ; ; ipv4_addr . ether_addr ; no
    hash:net ; ; ipv4_addr ; yes
    hash:net,net ; family inet6 ; ipv6_addr . ipv6_addr ; yes
    hash:net,port ; ; ipv4_addr . inet_proto . inet_service ; yes
    hash:net,port,net ; ; ipv4_addr . inet_proto . inet_service . ipv4_addr ; yes
    hash:net,iface ; ; ipv4_addr . ifname ; yes
    hash:mac ; ; ether_addr ; no
    bitmap:ip ; range 10.0.0.0/8 ; ipv4_addr ; no
    bitmap:ip,mac ; range 10.0.0.0/24 ; ipv4_addr . ether_addr ; no
    bitmap:port ; range 1-1024 ; inet_service ; no
    list:set ; size 8 ; ipset ; no
    iphash ; --hashsize 128 ; ipv4_addr ; no
    portmap ; --from 1 --to 1024 ; inet_service ; no`;
  for (const line of cases.trim().split('\n')) {
    const [type, options, key, interval] = line.split(';').map((s) => s.trim()) as [string, string, string, string];
    it(`${type} ${options} → ${key}`, () => {
      const r = parseIpset(`create s ${type} ${options}\n`);
      expect(r.diagnostics).toEqual([]);
      const s = set(r, 's');
      expect(s.key).toEqual({ kind: 'type', names: key.split(' . ') });
      expect(s.flags?.includes('interval') ?? false).toBe(interval === 'yes');
    });
  }

  it('keeps the canonical type and the options as written, old spellings translated', () => {
    const r = parseIpset('-N old portmap --from 1 --to 1024\ncreate new hash:ip,port -6 hashsize 64 timeout 5 counters\n');
    expect(set(r, 'old').ipset).toEqual({ type: 'bitmap:port', options: { range: '1-1024' } });
    expect(set(r, 'new').ipset).toEqual({ type: 'hash:ip,port', options: { family: 'inet6', hashsize: 64, timeout: 5, counters: true } });
    expect(set(r, 'new')).toMatchObject({ timeout: 5, stmts: [{ kind: 'counter' }] });
  });
});

describe('ipset: elements', () => {
  it('structures a hash:ip,port element as address . protocol . port; a bare port is tcp', () => {
    const r = parseIpset(
      ['create s hash:ip,port', 'add s 10.0.0.1,udp:53', 'add s 10.0.0.1,80', 'add s 10.0.0.2,tcp:8000-8080', 'add s 10.0.0.3,icmp:echo-request', 'add s 10.0.0.4,gre:0', 'add s 10.0.0.5,smtp'].join('\n'),
    );
    expect(r.diagnostics).toEqual([]);
    const concat = (...items: Expr[]): Expr => ({ kind: 'concat', items });
    expect(elements(r, 's')).toEqual(
      normalizeForCompare([
        concat(v('10.0.0.1'), v('udp'), v(53)),
        concat(v('10.0.0.1'), v('tcp'), v(80)),
        concat(v('10.0.0.2'), v('tcp'), { kind: 'range', from: v(8000), to: v(8080) }),
        concat(v('10.0.0.3'), v('icmp'), v('echo-request')),
        concat(v('10.0.0.4'), v('gre'), v(0)),
        concat(v('10.0.0.5'), v('tcp'), v('smtp')),
      ]),
    );
  });

  it('makes prefixes and ranges of networks, and networks of addresses in a netmask set', () => {
    const r = parseIpset('create n hash:net\nadd n 10.0.0.0/8\nadd n 10.1.0.1-10.1.0.9\nadd n 10.2.0.1\ncreate h hash:ip netmask 24\nadd h 192.168.1.0\n');
    expect(elements(r, 'n')).toEqual(
      normalizeForCompare([
        { kind: 'prefix', expr: v('10.0.0.0'), len: 8 },
        { kind: 'range', from: v('10.1.0.1'), to: v('10.1.0.9') },
        v('10.2.0.1'),
      ]),
    );
    expect(elements(r, 'h')).toEqual(normalizeForCompare([{ kind: 'prefix', expr: v('192.168.1.0'), len: 24 }]));
    expect(printIpsetSave(r.ruleset)).toContain('add h 192.168.1.0\n');
  });

  it('puts timeout, counters and comment on the element, and ipset-only options beside them', () => {
    const r = parseIpset(
      'create s hash:net,iface timeout 60 counters comment skbinfo\n' +
        'add s 10.0.0.0/8,physdev:eth0 timeout 5 nomatch packets 1 bytes 2 comment "two words" skbmark 0x1/0xff skbprio 1:2 skbqueue 3\n',
    );
    expect(r.diagnostics).toEqual([]);
    expect(elements(r, 's')).toEqual(
      normalizeForCompare([
        {
          kind: 'elem',
          value: { kind: 'concat', items: [{ kind: 'prefix', expr: v('10.0.0.0'), len: 8 }, v('eth0')] },
          timeout: 5,
          counter: { packets: 1, bytes: 2 },
          comment: 'two words',
          ipset: { physdev: true, nomatch: true, skbmark: '0x1/0xff', skbprio: '1:2', skbqueue: 3 },
        },
      ]),
    );
  });

  it('reads marks as numbers and MACs in lower case, and prints them as ipset does', () => {
    const r = parseIpset('create m hash:ip,mark\nadd m 10.0.0.1,0x80\ncreate a hash:ip,mac\nadd a 10.0.0.1,AA:BB:cc:dd:ee:ff\n');
    expect(elements(r, 'm')).toEqual(normalizeForCompare([{ kind: 'concat', items: [v('10.0.0.1'), v(128)] }]));
    expect(elements(r, 'a')).toEqual(normalizeForCompare([{ kind: 'concat', items: [v('10.0.0.1'), v('aa:bb:cc:dd:ee:ff')] }]));
    expect(printIpsetSave(r.ruleset)).toBe('create m hash:ip,mark\nadd m 10.0.0.1,0x00000080\ncreate a hash:ip,mac\nadd a 10.0.0.1,AA:BB:CC:DD:EE:FF\n');
  });

  it('makes list:set members set references', () => {
    const r = parseIpset('create a hash:ip\ncreate l list:set\nadd l a\n');
    expect(elements(r, 'l')).toEqual([{ kind: 'setref', name: 'a' }]);
  });
});

describe('ipset: restore commands', () => {
  it('applies del, flush, destroy, rename and swap in order', () => {
    const r = parseIpset(
      [
        'create a hash:ip',
        'add a 10.0.0.1',
        'add a 10.0.0.2',
        'del a 10.0.0.1',
        'create b hash:net',
        'add b 10.0.0.0/8',
        'create c hash:ip',
        'add c 1.1.1.1',
        'flush c',
        'create gone hash:ip',
        'destroy gone',
        'rename a a2',
        'swap a2 b',
      ].join('\n'),
    );
    expect(r.diagnostics).toEqual([]);
    expect(sets(r).map((s) => [s.name, s.ipset?.type, s.elements.length])).toEqual([
      ['a2', 'hash:net', 1],
      ['b', 'hash:ip', 1],
      ['c', 'hash:ip', 0],
    ]);
  });

  it('understands command prefixes, old flags, -exist anywhere, `ipset` in front, COMMIT and comments', () => {
    const r = parseIpset(['# made by hand', 'ipset -N s iphash --hashsize 64', 'a s 10.0.0.1', '-A s 10.0.0.2', 'add -exist s 10.0.0.1', '-! c s hash:ip', 'COMMIT', ''].join('\n'));
    expect(r.diagnostics).toEqual([]);
    expect(set(r, 's').elements).toHaveLength(2);
    expect(set(r, 's').ipset).toEqual({ type: 'hash:ip', options: { hashsize: 64 } });
  });

  it('puts all sets into one table named ipset whose family follows the sets', () => {
    const family = (text: string) => parseIpset(text).ruleset.tables.map((t) => [t.name, t.family, t.origin]);
    expect(family('create a hash:ip\ncreate p bitmap:port range 1-10\n')).toEqual([['ipset', 'ip', 'ipset']]);
    expect(family('create a hash:ip family inet6\n')).toEqual([['ipset', 'ip6', 'ipset']]);
    expect(family('create a hash:ip\ncreate b hash:net family inet6\n')).toEqual([['ipset', 'inet', 'ipset']]);
    expect(family('destroy\n')).toEqual([]);
  });
});

describe('ipset: diagnostics', () => {
  it('reports invalid lines at line:column and carries on with the next line', () => {
    const text = [
      'create s hash:ip,port',
      'add s 10.0.0.300,80',
      'add s 10.0.0.1,80 timeout soon',
      'create t hash:foo',
      'create u hash:ip bogus 1',
      'frobnicate s',
      'add s 2001:db8::1,80',
      'add s 10.0.0.2,udp:99999',
      'add s 10.0.0.3,53',
      'add nosuchset 10.0.0.1',
      'create x hash:ip comment',
      'add x 10.0.0.1 comment "unterminated',
    ].join('\n');
    const r = parseIpset(text);
    expect(located(text, r.diagnostics)).toEqual([
      'error IPS1007 2:7',
      'error IPS1006 3:27',
      'error IPS1003 4:10',
      'error IPS1004 5:18',
      'error IPS1001 6:1',
      'error IPS1007 7:7',
      'error IPS1007 8:7',
      'warning IPS2001 10:5',
      'error IPS1009 12:1',
    ]);
    expect(r.diagnostics[0]?.message).toContain("'10.0.0.300' is not an IPv4 address");
    // The valid lines around the errors still count: s has 10.0.0.1,80 (its bad timeout dropped) and 10.0.0.3,53.
    expect(set(r, 's').elements).toHaveLength(2);
    expect(sets(r).map((s) => s.name)).toEqual(['s', 'u', 'x']);
  });

  it('warns about deleting what is not there and adding twice, unless -exist', () => {
    const r = parseIpset('create s hash:ip\nadd s 1.1.1.1\nadd s 1.1.1.1\ndel s 2.2.2.2\n-exist add s 1.1.1.1\ndel -exist s 2.2.2.2\n');
    expect(r.diagnostics.map((d) => [d.severity, d.code])).toEqual([
      ['warning', 'IPS2004'],
      ['warning', 'IPS2003'],
    ]);
  });
});
