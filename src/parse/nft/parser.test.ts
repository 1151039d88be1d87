import { describe, expect, it } from 'vitest';
import { normalizeForCompare } from '../../model/compare.ts';
import type { Chain, Diagnostic, Expr, Ruleset, Stmt } from '../../model/ir.ts';
import { parseNft } from './index.ts';

const plain = (x: unknown): unknown => normalizeForCompare(x);
const errors = (ds: readonly Diagnostic[]) => ds.filter((d) => d.severity === 'error');

function chainOf(r: Ruleset, name: string, table?: string): Chain {
  for (const t of r.tables) {
    if (table && t.name !== table) continue;
    const c = t.chains.find((x) => x.name === name);
    if (c) return c;
  }
  throw new Error(`no chain ${name}`);
}

/** The statements of the single rule in `table inet t { chain c { <rule> } }`. */
function stmts(rule: string, family = 'inet'): Stmt[] {
  const r = parseNft(`table ${family} t {\n chain c {\n  ${rule}\n }\n}\n`);
  expect(errors(r.diagnostics), rule).toEqual([]);
  return [...(chainOf(r.ruleset, 'c').rules[0]?.stmts ?? [])];
}

const v = (value: string | number | boolean): Expr => ({ kind: 'value', value });

describe('nft text → IR as nft -j prints it', () => {
  it('maps short meta forms and quoted names', () => {
    expect(plain(stmts('oif "lo" accept'))).toEqual(
      plain([
        { kind: 'match', op: '==', left: { kind: 'meta', key: 'oif' }, right: v('lo') },
        { kind: 'verdict', verdict: { kind: 'accept' } },
      ]),
    );
  });

  it('resolves the implicit operator: `in` on flag types, `==` otherwise', () => {
    const [m] = stmts('ct state new,established,related');
    expect(m?.kind === 'match' && m.op).toBe('in');
    // Flags are listed lowest bit first, as nft lists them.
    expect(plain(m?.kind === 'match' && m.right)).toEqual(plain({ kind: 'list', items: [v('established'), v('related'), v('new')] }));
    const [one] = stmts('tcp flags syn');
    expect(one?.kind === 'match' && one.op).toBe('in');
    const [set] = stmts('ct state { established, related }');
    expect(set?.kind === 'match' && set.op).toBe('==');
    const [port] = stmts('tcp dport 22');
    expect(port?.kind === 'match' && port.op).toBe('==');
    const [neg] = stmts('ct status ! dnat');
    expect(neg?.kind === 'match' && neg.op).toBe('!');
  });

  it('turns the `/` mask shorthand into a binop match', () => {
    const [m] = stmts('tcp flags syn / syn,ack');
    expect(plain(m)).toEqual(
      plain({
        kind: 'match',
        op: '==',
        left: { kind: 'binop', op: '&', left: { kind: 'payload', protocol: 'tcp', field: 'flags' }, right: { kind: 'list', items: [v('syn'), v('ack')] } },
        right: v('syn'),
      }),
    );
  });

  it('prints constants the way nft -j does', () => {
    const right = (rule: string) => {
      const [m] = stmts(rule);
      return m?.kind === 'match' ? plain(m.right) : undefined;
    };
    expect(right('tcp dport ssh')).toEqual(plain(v(22)));
    expect(right('meta l4proto 6')).toEqual(plain(v('tcp')));
    expect(right('meta mark 0x00000010')).toEqual(plain(v(16)));
    expect(right('meta pkttype unicast')).toEqual(plain(v('host')));
    expect(right('ip6 saddr 2001:0db8:0:0::1')).toEqual(plain(v('2001:db8::1')));
    expect(right('ip saddr 10.1.2.3/8')).toEqual(plain({ kind: 'prefix', expr: v('10.0.0.0'), len: 8 }));
    expect(right('tcp dport { 443, 22, 80 }')).toEqual(plain({ kind: 'set', items: [v(22), v(80), v(443)] }));
    expect(right('exthdr hbh exists')).toEqual(plain(v(true)));
  });

  it('fills in what the kernel lists: counters, reject defaults, limit bursts', () => {
    expect(plain(stmts('counter'))).toEqual(plain([{ kind: 'counter', packets: 0, bytes: 0 }]));
    expect(plain(stmts('reject', 'ip'))).toEqual(plain([{ kind: 'reject', type: 'icmp', expr: 'port-unreachable' }]));
    expect(plain(stmts('reject'))).toEqual(plain([{ kind: 'reject', type: 'icmpx', expr: 'port-unreachable' }]));
    expect(plain(stmts('limit rate 10/second'))).toEqual(plain([{ kind: 'limit', rate: 10, per: 'second', burst: 5 }]));
    expect(plain(stmts('limit rate 1024 kbytes/second'))).toEqual(
      plain([{ kind: 'limit', rate: 1, per: 'second', rateUnit: 'mbytes', burst: 0, burstUnit: 'bytes' }]),
    );
  });

  it('parses ct with direction and family, maps, vmaps and NAT', () => {
    const [ct] = stmts('ct original ip saddr 1.2.3.4');
    expect(plain(ct?.kind === 'match' && ct.left)).toEqual(plain({ kind: 'ct', key: 'ip saddr', dir: 'original' }));
    const [vm] = stmts('ip saddr vmap { 10.0.0.1 : accept, 10.0.0.2 : jump c }');
    expect(vm?.kind).toBe('vmap');
    const nat = stmts('meta l4proto tcp dnat ip to 10.0.0.1:8080', 'inet')[1];
    expect(plain(nat)).toEqual(plain({ kind: 'nat', type: 'dnat', family: 'ip', addr: v('10.0.0.1'), port: v(8080) }));
  });

  it('drops a protocol dependency as nft lists it: only before the next statement that is not a match', () => {
    // Each line's expectation is what nft 1.0.6 lists after loading the left-hand side.
    const listed = (rule: string) => stmts(rule, 'ip').map((s) => (s.kind === 'match' && s.left.kind === 'meta' ? `meta ${s.left.key}` : s.kind));
    expect(listed('meta l4proto tcp ip saddr 1.1.1.1 tcp dport 22')).toEqual(['match', 'match']);
    expect(listed('meta l4proto tcp tcp dport 22 counter')).toEqual(['match', 'counter']);
    expect(listed('meta l4proto tcp tcp dport vmap { 22 : accept }')).toEqual(['vmap']);
    expect(listed('meta l4proto tcp tcp option maxseg size 1400')).toEqual(['match']);
    // A statement with side effects in between resets the dependency (rule_maybe_reset_payload_deps).
    expect(listed('meta l4proto tcp counter tcp dport 22')).toEqual(['meta l4proto', 'counter', 'match']);
    expect(listed('ip protocol tcp meta mark set 1 tcp sport 1')).toEqual(['match', 'mangle', 'match']);
    expect(listed('meta l4proto tcp limit rate 1/second tcp dport 22')).toEqual(['meta l4proto', 'limit', 'match']);
    // A TCP option set is not post-processed: it removes nothing.
    expect(listed('meta l4proto tcp tcp option maxseg size set 1400')).toEqual(['meta l4proto', 'mangle']);
  });

  it('keeps `ip protocol` / `ip6 nexthdr` before a transport match in inet, bridge and netdev tables', () => {
    // There they also restrict the packet to IPv4 / IPv6 (payload_may_dependency_kill); nft 1.0.6 lists
    // each rule below exactly so, except that a TCP option match still removes the dependency.
    const listed = (rule: string, family: string) => stmts(rule, family).map((s) => (s.kind === 'match' && s.left.kind === 'payload' ? `${s.left.protocol} ${s.left.field}` : s.kind));
    expect(listed('ip protocol tcp tcp dport 22', 'inet')).toEqual(['ip protocol', 'tcp dport']);
    expect(listed('ip6 nexthdr udp udp dport 53', 'inet')).toEqual(['ip6 nexthdr', 'udp dport']);
    expect(listed('ip protocol tcp tcp dport 22', 'bridge')).toEqual(['ip protocol', 'tcp dport']);
    expect(listed('ip6 nexthdr tcp tcp dport 22', 'netdev')).toEqual(['ip6 nexthdr', 'tcp dport']);
    expect(listed('ip protocol tcp tcp option maxseg size 1', 'inet')).toEqual(['match']);
    expect(listed('ip protocol tcp tcp dport 22', 'ip')).toEqual(['tcp dport']);
  });

  it('puts `jump { … }` rules into a bound chain', () => {
    const r = parseNft('table inet t {\n chain c {\n  tcp dport 22 jump {\n   counter accept\n  }\n }\n}\n');
    expect(errors(r.diagnostics)).toEqual([]);
    const c = chainOf(r.ruleset, 'c');
    const jump = c.rules[0]?.stmts[1];
    expect(jump?.kind === 'verdict' && jump.verdict.kind === 'jump' && jump.verdict.target).toBe('__chain0');
    const bound = chainOf(r.ruleset, '__chain0');
    expect(bound.flags).toEqual(['binding']);
    expect(bound.rules).toHaveLength(1);
  });

  it('drops a protocol match implied by a later header match only across matches, as nft 1.0.6 lists them', () => {
    // Each pair: what nft -f was given, what `nft list ruleset` printed (statement kinds and the protocol match kept).
    const kinds = (rule: string) => stmts(rule, 'ip').map((s) => (s.kind === 'match' && s.left.kind === 'payload' ? `${s.left.protocol} ${s.left.field}` : s.kind));
    expect(kinds('ip protocol tcp ip saddr 1.1.1.1 tcp dport 22')).toEqual(['ip saddr', 'tcp dport']);
    expect(kinds('ip protocol tcp tcp dport vmap { 22 : accept }')).toEqual(['vmap']);
    expect(kinds('ip protocol tcp ip saddr 1.1.1.1 meta mark set tcp dport map { 22 : 1 }')).toEqual(['ip saddr', 'mangle']);
    // a statement in between resets nft's dependency context (found by the differential suite)
    expect(kinds('ip protocol tcp counter tcp dport 22')).toEqual(['ip protocol', 'counter', 'tcp dport']);
    expect(kinds('ip protocol tcp meta mark set 1 tcp dport 22')).toEqual(['ip protocol', 'mangle', 'tcp dport']);
    expect(kinds('ip protocol tcp counter meta mark set tcp dport map { 22 : 1 }')).toEqual(['ip protocol', 'counter', 'mangle']);
  });

  it("gives `reject with tcp reset` nft's tcp dependency, listed in inet tables and hidden in ip ones (nft 1.0.6)", () => {
    const kinds = (rule: string, family: string) =>
      stmts(rule, family).map((s) => (s.kind === 'match' && (s.left.kind === 'meta' || s.left.kind === 'payload') ? `${s.left.kind === 'meta' ? `meta ${s.left.key}` : `${s.left.protocol} ${s.left.field}`}` : s.kind));
    expect(kinds('reject with tcp reset', 'inet')).toEqual(['meta l4proto', 'reject']);
    expect(kinds('ip saddr 1.1.1.1 reject with tcp reset', 'inet')).toEqual(['meta l4proto', 'ip saddr', 'reject']);
    expect(kinds('tcp dport 22 reject with tcp reset', 'inet')).toEqual(['tcp dport', 'reject']);
    expect(kinds('ip protocol tcp reject with tcp reset', 'ip')).toEqual(['reject']);
    expect(kinds('counter reject with tcp reset', 'ip')).toEqual(['meta l4proto', 'counter', 'reject']);
    expect(kinds('meta nfproto ipv4 reject with icmp type host-unreachable', 'inet')).toEqual(['reject']);
    expect(kinds('meta nfproto ipv4 counter reject with icmp type host-unreachable', 'inet')).toEqual(['meta nfproto', 'counter', 'reject']);
  });

  it('keeps every `# handle N` of nft -a with its own object (a one-word first rule, empty blocks)', () => {
    // The block parser peeks two tokens ahead: with a one-word first rule (`accept`) it reads that rule's
    // handle comment before the chain takes its own (found by the differential suite: the rule lost its handle).
    const r = parseNft(
      ['table ip t { # handle 4', '\tchain a { # handle 7', '\t\taccept # handle 13', '\t\tdrop # handle 14', '\t}', '\tchain e { # handle 8', '\t}',
        '\tset s { # handle 9', '\t\ttype ipv4_addr', '\t}', '}', 'table ip u { # handle 5', '}', ''].join('\n'),
    );
    expect(errors(r.diagnostics)).toEqual([]);
    expect(r.ruleset.tables.map((t) => t.handle)).toEqual([4, 5]);
    expect(chainOf(r.ruleset, 'a').handle).toBe(7);
    expect(chainOf(r.ruleset, 'a').rules.map((x) => x.handle)).toEqual([13, 14]);
    expect(chainOf(r.ruleset, 'e').handle).toBe(8);
    expect(r.ruleset.tables[0]?.sets[0]?.handle).toBe(9);
  });
});

describe('nft -f scripts', () => {
  it('substitutes defines, also in sets and scoped redefinitions', () => {
    const r = parseNft(
      [
        '#!/usr/sbin/nft -f',
        'define ports = { 22, 80 }',
        'define lan = 10.0.0.0/8',
        'table ip t {',
        '  chain c {',
        '    tcp dport $ports ip saddr $lan accept',
        '  }',
        '}',
        'redefine lan = 192.168.0.0/16',
        'add rule ip t c ip saddr $lan drop',
        'undefine lan',
      ].join('\n'),
    );
    expect(errors(r.diagnostics)).toEqual([]);
    const rules = chainOf(r.ruleset, 'c').rules;
    const m0 = rules[0]?.stmts[0];
    expect(plain(m0?.kind === 'match' && m0.right)).toEqual(plain({ kind: 'set', items: [v(22), v(80)] }));
    const m1 = rules[1]?.stmts[0];
    expect(plain(m1?.kind === 'match' && m1.right)).toEqual(plain({ kind: 'prefix', expr: v('192.168.0.0'), len: 16 }));
  });

  it('reports an undefined variable with a suggestion', () => {
    const r = parseNft('define port = 22\ntable ip t { chain c { tcp dport $prot accept; }; }');
    const e = errors(r.diagnostics);
    expect(e).toHaveLength(1);
    expect(e[0]?.code).toBe('NFT1040');
    expect(e[0]?.message).toContain('$port');
  });

  it('applies add, insert with position, replace, delete by handle and flush in order', () => {
    const listing = [
      'table ip t { # handle 1',
      '  chain c { # handle 1',
      '    tcp dport 1 accept # handle 2',
      '    tcp dport 2 accept # handle 3',
      '    tcp dport 3 accept # handle 4',
      '  }',
      '}',
    ].join('\n');
    const r = parseNft(
      [
        listing,
        'add rule ip t c position 2 tcp dport 10 accept',
        'insert rule ip t c position 4 tcp dport 20 accept',
        'replace rule ip t c handle 3 tcp dport 30 drop',
        'delete rule ip t c handle 2',
        'add rule ip t c index 0 tcp dport 40 accept',
        'add chain ip t d',
        'add rule ip t d accept',
        'flush chain ip t d',
      ].join('\n'),
    );
    expect(errors(r.diagnostics)).toEqual([]);
    const ports = chainOf(r.ruleset, 'c').rules.map((rule) => {
      const m = rule.stmts[0];
      return m?.kind === 'match' && m.right.kind === 'value' ? m.right.value : undefined;
    });
    expect(ports).toEqual([10, 40, 30, 20, 3]);
    expect(chainOf(r.ruleset, 'c').rules.map((x) => x.handle)).toEqual([undefined, undefined, 3, undefined, 4]);
    expect(chainOf(r.ruleset, 'd').rules).toEqual([]);
    expect(r.ruleset.tables[0]?.handle).toBe(1);
  });

  it('deletes tables and flushes the ruleset', () => {
    const r = parseNft('table ip a { chain c { accept; }; }\ntable ip b { }\ndelete table ip a\nadd table inet x\nflush ruleset ip');
    expect(errors(r.diagnostics)).toEqual([]);
    expect(r.ruleset.tables.map((t) => `${t.family} ${t.name}`)).toEqual(['inet x']);
  });

  it('adds elements to named sets, sorted and as prefixes in interval sets', () => {
    const r = parseNft(
      'add table ip t\nadd set ip t s { type ipv4_addr; flags interval; }\nadd element ip t s { 10.0.0.0-10.0.0.255, 1.2.3.4 }\ndelete element ip t s { 1.2.3.4 }\nadd element ip t s { 9.9.9.9 }',
    );
    expect(errors(r.diagnostics)).toEqual([]);
    expect(plain(r.ruleset.tables[0]?.sets[0]?.elements)).toEqual(plain([v('9.9.9.9'), { kind: 'prefix', expr: v('10.0.0.0'), len: 24 }]));
  });

  it('accepts the sorted `add` dumps of kube-proxy: forward references are warnings', () => {
    const r = parseNft('add rule ip kp c jump d\nadd table ip kp\nadd chain ip kp c\nadd chain ip kp d');
    expect(errors(r.diagnostics)).toEqual([]);
    expect(r.diagnostics.map((d) => d.code)).toEqual(['NFT1065', 'NFT1065']);
  });

  it('warns about include and carries on', () => {
    const r = parseNft('include "/etc/nftables.d/*.conf"\ntable ip t { }');
    expect(errors(r.diagnostics)).toEqual([]);
    expect(r.diagnostics[0]?.code).toBe('NFT1044');
    expect(r.ruleset.tables).toHaveLength(1);
  });

  it('joins `\\` continuations and splits `;`', () => {
    const r = parseNft('table ip t {\n chain c {\n  tcp dport 22 \\\n   accept; udp dport 53 accept\n }\n}');
    expect(errors(r.diagnostics)).toEqual([]);
    expect(chainOf(r.ruleset, 'c').rules).toHaveLength(2);
  });
});

describe('errors and recovery', () => {
  it('points an unclosed block back at its `{`', () => {
    const text = 'table ip t {\n  chain c {\n    accept\n';
    const r = parseNft(text);
    const e = errors(r.diagnostics).find((d) => d.code === 'NFT1011');
    expect(e?.related?.range.start).toBe(text.indexOf('{', 12));
    // The chain and its rule are still there.
    expect(chainOf(r.ruleset, 'c').rules).toHaveLength(1);
  });

  it('stops an unclosed block at the next top-level command', () => {
    const r = parseNft('table ip a {\n chain c {\n  accept\n }\ntable ip b {\n chain d {\n  drop\n }\n}\n');
    expect(errors(r.diagnostics).map((d) => d.code)).toEqual(['NFT1011']);
    expect(r.ruleset.tables.map((t) => t.name)).toEqual(['a', 'b']);
  });

  it('suggests the keyword meant, keeps the bad rule as text and parses the next one', () => {
    const text = 'table ip t {\n chain c {\n  tcp dprot 22 accept\n  udp dport 53 accept\n }\n}';
    const r = parseNft(text);
    const e = errors(r.diagnostics);
    expect(e[0]?.message).toContain("did you mean 'dport'");
    expect(e[0]?.range.start).toBe(text.indexOf('dprot'));
    const rules = chainOf(r.ruleset, 'c').rules;
    expect(rules).toHaveLength(2);
    expect(rules[0]?.stmts[0]?.kind).toBe('opaque');
    expect(rules[1]?.stmts[0]?.kind).toBe('match');
  });

  it('keeps an unknown statement as opaque text with a warning', () => {
    const r = parseNft('table ip t {\n chain c {\n  frobnicate everything\n }\n}');
    expect(errors(r.diagnostics)).toEqual([]);
    expect(r.diagnostics[0]?.severity).toBe('warning');
    expect(plain(chainOf(r.ruleset, 'c').rules[0]?.stmts)).toEqual(plain([{ kind: 'opaque', text: 'frobnicate everything' }]));
  });

  it('refuses values out of range, unknown symbols and missing family context', () => {
    const bad = (rule: string, family = 'ip') => errors(parseNft(`table ${family} t { chain c { ${rule}; }; }`).diagnostics);
    expect(bad('tcp dport 70000')[0]?.code).toBe('NFT1030');
    expect(bad('ct zone 65536')[0]?.code).toBe('NFT1030');
    expect(bad('ct state foo')[0]?.code).toBe('NFT1031');
    expect(bad('ct original saddr 1.2.3.4', 'inet')[0]?.code).toBe('NFT1050');
    expect(bad('ip6 saddr ::1')[0]?.code).toBe('NFT1052');
    expect(bad('ct original saddr 1.2.3.4', 'ip')).toEqual([]);
  });

  it('refuses invalid set declarations', () => {
    const bad = (body: string) => errors(parseNft(`table ip t { set s { ${body} } }`).diagnostics).map((d) => d.code);
    expect(bad('flags interval')).toContain('NFT1055');
    expect(bad('type ipv4_adr')).toContain('NFT1058');
    expect(bad('type ipv4_addr; elements = { 1.2.3.0/24 }')).toContain('NFT1055');
  });

  it('never throws and reports each problem once per place', () => {
    const deep = (open: string, n: number) => `table ip t { chain c { meta mark ${open.repeat(n)}`;
    for (const text of ['{{{{', '}}}', 'table', 'add rule', 'table ip t { chain c { tcp dport { 1, 2', '"unterminated', '\u0000\u00ff', 'define x = $x', deep('(', 20000), deep('{', 20000), deep('jump { ', 5000)]) {
      const r = parseNft(text);
      const keys = r.diagnostics.map((d) => `${d.range.start}:${d.code}`);
      expect(new Set(keys).size, text.slice(0, 40)).toBe(keys.length);
      expect(errors(r.diagnostics).length, text.slice(0, 40)).toBeGreaterThan(0);
      expect(r.diagnostics.filter((d) => d.code === 'NFT1099'), text.slice(0, 40)).toEqual([]);
    }
  });
});

describe('names with slashes', () => {
  it('keeps a trailing slash in a chain name, as kube-proxy writes for unnamed Service ports', () => {
    const r = parseNft('table ip kube-proxy {\n\tchain service-ABC-ns/svc/tcp/ {\n\t\tgoto endpoint-XYZ-ns/svc/tcp/__10.0.0.1/80\n\t}\n\tchain endpoint-XYZ-ns/svc/tcp/__10.0.0.1/80 {\n\t}\n}\n');
    expect(r.diagnostics).toEqual([]);
    const names = r.ruleset.tables[0]?.chains.map((c) => c.name);
    expect(names).toEqual(['service-ABC-ns/svc/tcp/', 'endpoint-XYZ-ns/svc/tcp/__10.0.0.1/80']);
  });
});
