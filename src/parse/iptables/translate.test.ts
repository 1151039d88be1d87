// One representative rule per iptables module and target: the IR must mean what `iptables-translate`
// (iptables 1.8.9) prints for it, in the shapes `nft -j` uses (checked against `nft -j list` on this
// machine). Each case quotes the translation it was derived from. Where nftables has no equivalent, the
// expected IR is the structured xt node (convention: match == true, negations on the options).
import { describe, expect, it } from 'vitest';
import type { Expr, Stmt } from '../../model/ir.ts';
import { normalizeForCompare } from '../../model/compare.ts';
import { parseIptables } from './index.ts';

function rule(spec: string, where: { table?: string; chain?: string; family?: 'ip' | 'ip6' } = {}) {
  const table = where.table ?? 'filter';
  const chain = where.chain ?? 'INPUT';
  const r = parseIptables(`*${table}\n:${chain} ACCEPT [0:0]\n:X - [0:0]\n-A ${chain} ${spec}\nCOMMIT\n`, { family: where.family ?? 'ip' });
  const errors = r.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message);
  const parsed = r.ruleset.tables[0]?.chains.find((c) => c.name === chain)?.rules[0];
  return { errors, stmts: normalizeForCompare(parsed?.stmts ?? []), comment: parsed?.comment };
}

const v = (value: string | number | boolean): Expr => ({ kind: 'value', value });
const pl = (protocol: string, field: string): Expr => ({ kind: 'payload', protocol, field });
const mt = (key: string): Expr => ({ kind: 'meta', key });
const ctk = (key: string, dir?: 'original' | 'reply'): Expr => (dir ? { kind: 'ct', key, dir } : { kind: 'ct', key });
const m = (op: '==' | '!=' | 'in' | '<' | '>' | '>=', left: Expr, right: Expr): Stmt => ({ kind: 'match', op, left, right });
const and = (left: Expr, right: Expr): Expr => ({ kind: 'binop', op: '&', left, right });
const rng = (from: string | number, to: string | number): Expr => ({ kind: 'range', from: v(from), to: v(to) });
const pfx = (addr: string, len: number): Expr => ({ kind: 'prefix', expr: v(addr), len });
const lst = (...items: string[]): Expr => ({ kind: 'list', items: items.map(v) });
const set = (...items: Expr[]): Expr => ({ kind: 'set', items });
const counter: Stmt = { kind: 'counter' };
const accept: Stmt = { kind: 'verdict', verdict: { kind: 'accept' } };
const drop: Stmt = { kind: 'verdict', verdict: { kind: 'drop' } };
const l4 = (p: string): Stmt => m('==', mt('l4proto'), v(p));
const xtMatch = (name: string, options: Record<string, unknown>): Stmt =>
  ({ kind: 'match', op: '==', left: { kind: 'xt', name, options }, right: v(true) }) as unknown as Stmt;

/** Compares ignoring ranges and the xt `text` (the option text as written). */
function expectIR(actual: ReturnType<typeof rule>, expected: Stmt[]) {
  expect(actual.errors).toEqual([]);
  expect(normalizeForCompare(actual.stmts, { ignoreKeys: ['text'] })).toEqual(normalizeForCompare(expected, { ignoreKeys: ['text'] }));
}

describe('base options', () => {
  it('-s prefix, -p tcp --dport range', () => {
    // nft 'add rule ip filter INPUT ip saddr 10.0.0.0/8 tcp dport 80-90 counter accept'
    expectIR(rule('-s 10.0.0.0/8 -p tcp --dport 80:90 -j ACCEPT'), [l4('tcp'), m('==', pl('ip', 'saddr'), pfx('10.0.0.0', 8)), m('==', pl('tcp', 'dport'), rng(80, 90)), counter, accept]);
  });
  it('host addresses, masks normalised, non-contiguous masks', () => {
    // ip saddr 127.0.0.1 ip daddr 0.0.0.0/8 / ip saddr 10.0.0.0/8 / ip saddr & 255.0.255.0 == 10.0.12.0
    expectIR(rule('-s 127.0.0.1/32 -d 0.0.0.0/8 -j DROP'), [m('==', pl('ip', 'saddr'), v('127.0.0.1')), m('==', pl('ip', 'daddr'), pfx('0.0.0.0', 8)), counter, drop]);
    expectIR(rule('-s 10.11.12.13/255.0.0.0'), [m('==', pl('ip', 'saddr'), pfx('10.0.0.0', 8)), counter]);
    expectIR(rule('-s 10.11.12.13/255.0.255.0'), [m('==', and(pl('ip', 'saddr'), v('255.0.255.0')), v('10.0.12.0')), counter]);
    expectIR(rule('! -d ::/128', { family: 'ip6' }), [m('!=', pl('ip6', 'daddr'), v('::')), counter]);
  });
  it('interfaces: + is a wildcard, ! negates, a lone + matches all', () => {
    // iifname "eth*" oifname "alongifacename*" / iifname != "eth0" / (nothing for -i +)
    expectIR(rule('-i eth+ -o alongifacename+', { chain: 'FORWARD' }), [m('==', mt('iifname'), v('eth*')), m('==', mt('oifname'), v('alongifacename*')), counter]);
    expectIR(rule('! -i eth0', { chain: 'FORWARD' }), [m('!=', mt('iifname'), v('eth0')), counter]);
    expectIR(rule('-i + -j ACCEPT', { chain: 'FORWARD' }), [counter, accept]);
  });
  it('protocol negation and -f', () => {
    // ip protocol != udp counter accept (meta l4proto in the kernel) / ip frag-off & 0x1fff != 0
    expectIR(rule('! -p udp -j ACCEPT'), [m('!=', mt('l4proto'), v('udp')), counter, accept]);
    expectIR(rule('-f'), [m('!=', and(pl('ip', 'frag-off'), v(0x1fff)), v(0)), counter]);
  });
  it('old intrapositioned negation and long/short/glued forms mean the same', () => {
    const canonical = rule('! -s 1.2.3.4 -p tcp -j ACCEPT');
    expect(rule('-s ! 1.2.3.4 -p tcp -j ACCEPT').stmts).toEqual(canonical.stmts);
    expect(rule('--protocol=tcp ! --source=1.2.3.4 --jump=ACCEPT').stmts).toEqual(canonical.stmts);
    expect(rule('-ptcp ! -s1.2.3.4 -jACCEPT').stmts).toEqual(canonical.stmts);
  });
});

describe('matches', () => {
  it('tcp flags and --syn', () => {
    // tcp flags syn / fin,syn,rst,ack ; tcp flags != 0x0 / syn
    expectIR(rule('-p tcp --syn'), [l4('tcp'), m('==', and(pl('tcp', 'flags'), lst('fin', 'syn', 'rst', 'ack')), v('syn')), counter]);
    expectIR(rule('-p tcp ! --tcp-flags SYN NONE'), [l4('tcp'), m('!=', and(pl('tcp', 'flags'), v('syn')), v(0)), counter]);
  });
  it('udp, sctp, dccp ports', () => {
    // udp sport 53 ; sctp dport 1-65535 ; dccp sport != 1
    expectIR(rule('-p udp -m udp --sport 53'), [l4('udp'), m('==', pl('udp', 'sport'), v(53)), counter]);
    expectIR(rule('-p sctp -m sctp --dport 1:65535'), [l4('sctp'), m('==', pl('sctp', 'dport'), rng(1, 65535)), counter]);
    expectIR(rule('-p dccp -m dccp ! --sport 1'), [l4('dccp'), m('!=', pl('dccp', 'sport'), v(1)), counter]);
  });
  it('multiport → anonymous set', () => {
    // ip protocol tcp tcp dport { 53, 1024-65535 } ; tcp dport != { 80, 443 }
    expectIR(rule('-p tcp -m multiport --dports 53,1024:65535'), [l4('tcp'), m('==', pl('tcp', 'dport'), set(v(53), rng(1024, 65535))), counter]);
    expectIR(rule('-p tcp -m multiport ! --dports 80,443'), [l4('tcp'), m('!=', pl('tcp', 'dport'), set(v(80), v(443))), counter]);
  });
  it('conntrack and state', () => {
    // ct state new,established ; ct state invalid ; ct state ! related,established
    expectIR(rule('-m conntrack --ctstate NEW,ESTABLISHED -j ACCEPT'), [m('in', ctk('state'), lst('new', 'established')), counter, accept]);
    expectIR(rule('-m conntrack --ctstate INVALID -j DROP'), [m('in', ctk('state'), v('invalid')), counter, drop]);
    expectIR(rule('-m state ! --state RELATED,ESTABLISHED'), [m('!=', ctk('state'), set(v('related'), v('established'))), counter]);
    // ct status snat ; ct original saddr 1.1.1.1 ; ct original proto-src 3-4 ; ct expiration 3 ; ct direction reply
    expectIR(rule('-m conntrack --ctstate SNAT'), [m('in', ctk('status'), v('snat')), counter]);
    expectIR(rule('-m conntrack --ctorigsrc 1.1.1.1 --ctorigsrcport 3:4 --ctexpire 3 --ctdir REPLY'), [
      m('==', ctk('saddr', 'original'), v('1.1.1.1')),
      m('==', ctk('proto-src', 'original'), rng(3, 4)),
      m('==', ctk('expiration'), v(3)),
      m('==', ctk('direction'), v('reply')),
      counter,
    ]);
  });
  it('conntrack options whose nft translation differs without a conntrack entry stay xt (xt_conntrack conntrack_mt)', () => {
    // `ct status & dnat == 0` would end the rule for an invalid packet; the kernel's xt match passes it
    expectIR(rule('-m conntrack ! --ctstate RELATED,ESTABLISHED,DNAT -j DROP'), [
      xtMatch('conntrack', { ctstate: { value: ['RELATED', 'ESTABLISHED', 'DNAT'], negated: true } }),
      counter,
      drop,
    ]);
    // with --ctstate, the kernel tests nothing else when there is no entry
    expectIR(rule('-m conntrack --ctstate INVALID --ctdir ORIGINAL'), [xtMatch('conntrack', { ctstate: { value: ['INVALID'] }, ctdir: { value: 'ORIGINAL' } }), counter]);
    // the equivalent forms are still translated
    expectIR(rule('-m conntrack ! --ctstate NEW'), [m('!=', ctk('state'), v('new')), counter]);
  });
  it('mark, connmark', () => {
    // mark and 0x4000 == 0x4000 ; mark 0x0 ; ct mark 0xffffffff ; ct mark and 0x0 == 0xffffffff
    expectIR(rule('-m mark --mark 0x4000/0x4000 -j ACCEPT'), [m('==', and(mt('mark'), v(0x4000)), v(0x4000)), counter, accept]);
    expectIR(rule('-m mark ! --mark 0x0'), [m('!=', mt('mark'), v(0)), counter]);
    expectIR(rule('-m connmark --mark 0xffffffff/0x0'), [m('==', and(ctk('mark'), v(0)), v(0xffffffff)), counter]);
  });
  it('addrtype → fib', () => {
    // fib daddr type local ; fib saddr . iif type local
    expectIR(rule('-m addrtype --dst-type LOCAL'), [m('==', { kind: 'fib', result: 'type', flags: ['daddr'] }, v('local')), counter]);
    expectIR(rule('-m addrtype --src-type LOCAL --limit-iface-in'), [m('==', { kind: 'fib', result: 'type', flags: ['saddr', 'iif'] }, v('local')), counter]);
    expectIR(rule('-m addrtype ! --dst-type LOCAL,UNICAST'), [m('!=', { kind: 'fib', result: 'type', flags: ['daddr'] }, set(v('local'), v('unicast'))), counter]);
  });
  it('icmp and icmpv6 types', () => {
    // icmp type echo-request ; icmpv6 type packet-too-big ; (any: only the protocol)
    expectIR(rule('-p icmp --icmp-type 8 -j ACCEPT'), [l4('icmp'), m('==', pl('icmp', 'type'), v('echo-request')), counter, accept]);
    expectIR(rule('-p icmp -m icmp --icmp-type any'), [l4('icmp'), counter]);
    expectIR(rule('-p icmp --icmp-type port-unreachable'), [l4('icmp'), m('==', pl('icmp', 'type'), v('destination-unreachable')), m('==', pl('icmp', 'code'), v('port-unreachable')), counter]);
    expectIR(rule('-p ipv6-icmp -m icmp6 --icmpv6-type 2', { family: 'ip6' }), [l4('ipv6-icmp'), m('==', pl('icmpv6', 'type'), v('packet-too-big')), counter]);
  });
  it('limit, quota, length, pkttype, ttl, hl, dscp, cpu, cgroup, helper, mac, iprange, owner, connbytes', () => {
    expectIR(rule('-m limit --limit 1/sec --limit-burst 1'), [{ kind: 'limit', rate: 1, per: 'second', burst: 1 }, counter]); // limit rate 1/second burst 1 packets
    expectIR(rule('-m limit --limit 10/day'), [{ kind: 'limit', rate: 10, per: 'day', burst: 5 }, counter]); // limit rate 10/day burst 5 packets
    expectIR(rule('-m quota ! --quota 0'), [{ kind: 'quota', val: 0, valUnit: 'bytes', inv: true }, counter]); // quota over 0 bytes
    expectIR(rule('-m length ! --length 0:65535'), [m('!=', mt('length'), rng(0, 65535)), counter]); // meta length != 0-65535
    expectIR(rule('-m pkttype ! --pkt-type unicast'), [m('!=', mt('pkttype'), v('host')), counter]); // pkttype != unicast (nft -j: "host")
    expectIR(rule('-m ttl --ttl-gt 2'), [m('>', pl('ip', 'ttl'), v(2)), counter]); // ip ttl gt 2
    expectIR(rule('-m ttl ! --ttl-eq 255'), [m('!=', pl('ip', 'ttl'), v(255)), counter]); // ip ttl != 255
    expectIR(rule('-m hl --hl-lt 42', { family: 'ip6' }), [m('<', pl('ip6', 'hoplimit'), v(42)), counter]); // ip6 hoplimit lt 42
    expectIR(rule('-m dscp --dscp-class EF'), [m('==', pl('ip', 'dscp'), v('ef')), counter]); // ip dscp 0x2e (nft -j: "ef")
    expectIR(rule('-m cpu ! --cpu 0'), [m('!=', mt('cpu'), v(0)), counter]); // cpu != 0
    expectIR(rule('-m cgroup --cgroup 1', { table: 'mangle' }), [m('==', mt('cgroup'), v(1)), counter]); // meta cgroup 1
    expectIR(rule('-m helper --helper ftp'), [m('==', ctk('helper'), v('ftp')), counter]); // ct helper "ftp"
    expectIR(rule('-m mac --mac-source 42:01:02:03:04:05'), [m('==', pl('ether', 'saddr'), v('42:01:02:03:04:05')), counter]); // ether saddr …
    expectIR(rule('-m iprange ! --src-range 1.1.1.1-1.1.1.10'), [m('!=', pl('ip', 'saddr'), rng('1.1.1.1', '1.1.1.10')), counter]); // ip saddr != 1.1.1.1-1.1.1.10
    expectIR(rule('-m owner --uid-owner 0-10', { table: 'mangle', chain: 'OUTPUT' }), [m('==', mt('skuid'), rng(0, 10)), counter]); // skuid 0-10
    expectIR(rule('-m connbytes --connbytes 1000 --connbytes-mode packets --connbytes-dir original'), [m('>=', ctk('packets', 'original'), v(1000)), counter]); // ct original packets ge 1000
    expectIR(rule('-p tcp -m tcpmss --mss 42:12345'), [l4('tcp'), m('==', { kind: 'option', protocol: 'tcp', name: 'maxseg', field: 'size' }, rng(42, 12345)), counter]);
    expectIR(rule('-p esp -m esp --espspi 3:4'), [l4('esp'), m('==', pl('esp', 'spi'), rng(3, 4)), counter]); // esp spi 3-4
  });
  it('comment becomes the rule comment (quoted, escaped, kube-proxy unquoted)', () => {
    // nft: comment "ns/svc:port"
    expect(rule('-m comment --comment "ns/svc:port" -j ACCEPT').comment).toBe('ns/svc:port');
    expect(rule('-m comment --comment "a \\"b\\" c"').comment).toBe('a "b" c');
    expect(rule('-m comment --comment kubernetes service portals -j ACCEPT').comment).toBe('kubernetes service portals');
  });
});

describe('xt matches keep structured options', () => {
  it('statistic (kube-proxy endpoint choice)', () => {
    // iptables-translate: meta random & 2147483647 < 715827883 — kept as xt so the tracer can list branches
    expectIR(rule('-m statistic --mode random --probability 0.33333333349 -j X'), [
      xtMatch('statistic', { mode: { value: 'random' }, probability: { value: 0.33333333349 } }),
      counter,
      { kind: 'verdict', verdict: { kind: 'jump', target: 'X' } },
    ]);
    expectIR(rule('-m statistic --mode nth ! --every 5 --packet 2'), [xtMatch('statistic', { mode: { value: 'nth' }, every: { value: 5, negated: true }, packet: { value: 2 } }), counter]);
  });
  it('set (ipset lookup), with its negation on the set name', () => {
    expectIR(rule('-m set --match-set KUBE-CLUSTER-IP dst,dst -j ACCEPT'), [xtMatch('set', { name: { value: 'KUBE-CLUSTER-IP' }, flags: { value: ['dst', 'dst'] } }), counter, accept]);
    expectIR(rule('-m set ! --match-set allow src'), [xtMatch('set', { name: { value: 'allow', negated: true }, flags: { value: ['src'] } }), counter]);
  });
  it('recent, with the defaults iptables-save prints', () => {
    expectIR(rule('-m recent --name KUBE-SEP-X --rcheck --seconds 10800 --reap'), [
      xtMatch('recent', { name: { value: 'KUBE-SEP-X' }, rcheck: { value: true }, seconds: { value: 10800 }, reap: { value: true }, rsource: { value: true }, mask: { value: '255.255.255.255' } }),
      counter,
    ]);
    expectIR(rule('-m recent --set --rdest', { family: 'ip6' }), [
      xtMatch('recent', { set: { value: true }, rdest: { value: true }, name: { value: 'DEFAULT' }, mask: { value: 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff' } }),
      counter,
    ]);
  });
  it('physdev, hashlimit, connlimit, tos, policy', () => {
    expectIR(rule('-m physdev --physdev-in eth0 ! --physdev-is-bridged', { chain: 'FORWARD' }), [xtMatch('physdev', { physdevIn: { value: 'eth0' }, physdevIsBridged: { value: true, negated: true } }), counter]);
    expectIR(rule('-m hashlimit --hashlimit-upto 4kb/s --hashlimit-burst 400kb --hashlimit-name mini5'), [
      xtMatch('hashlimit', { hashlimitUpto: { value: '4kb/s' }, hashlimitBurst: { value: '400kb' }, hashlimitName: { value: 'mini5' } }),
      counter,
    ]);
    expectIR(rule('-m connlimit --connlimit-above 10 --connlimit-daddr'), [xtMatch('connlimit', { connlimitAbove: { value: 10 }, connlimitDaddr: { value: true }, connlimitMask: { value: 32 } }), counter]);
    expectIR(rule('-m tos --tos Minimize-Delay'), [xtMatch('tos', { tos: { value: [0x10, 0x3f] } }), counter]);
    expectIR(rule('-m policy --dir in --pol ipsec --proto esp'), [xtMatch('policy', { dir: { value: 'in' }, pol: { value: 'ipsec' }, proto: { value: 'esp' } }), counter]);
  });
  it('string and u32 are kept with a warning, never dropped', () => {
    const r = parseIptables('*filter\n-A INPUT -m string --algo bm --string "GET /" -m u32 --u32 "0>>22&0x3C@4=0x29" -j DROP\nCOMMIT\n');
    expect(r.diagnostics.map((d) => [d.code, d.severity])).toEqual([['IPT1202', 'warning'], ['IPT1202', 'warning']]);
    const stmts = r.ruleset.tables[0]?.chains[0]?.rules[0]?.stmts ?? [];
    expect(normalizeForCompare(stmts, { ignoreKeys: ['text'] })).toEqual(
      normalizeForCompare([xtMatch('string', { algo: { value: 'bm' }, string: { value: 'GET /' } }), xtMatch('u32', { u32: { value: '0>>22&0x3C@4=0x29' } }), counter, drop]),
    );
  });
  it('an unknown match keeps its raw options', () => {
    const r = parseIptables('*filter\n-A INPUT -m geoip ! --src-cc CN,RU -j DROP\nCOMMIT\n');
    expect(r.diagnostics.map((d) => d.code)).toEqual(['IPT1201']);
    expect(normalizeForCompare(r.ruleset.tables[0]?.chains[0]?.rules[0]?.stmts, { ignoreKeys: ['text'] })).toEqual(
      normalizeForCompare([xtMatch('geoip', { 'src-cc': { value: 'CN,RU', negated: true } }), counter, drop]),
    );
  });
});

describe('targets', () => {
  const nat = (spec: string, chain = 'PREROUTING') => rule(spec, { table: 'nat', chain });
  it('verdicts, jump, goto, QUEUE', () => {
    expectIR(rule('-j RETURN'), [counter, { kind: 'verdict', verdict: { kind: 'return' } }]);
    expectIR(rule('-j X'), [counter, { kind: 'verdict', verdict: { kind: 'jump', target: 'X' } }]);
    expectIR(rule('-g X'), [counter, { kind: 'verdict', verdict: { kind: 'goto', target: 'X' } }]);
    expectIR(rule('-j QUEUE'), [counter, { kind: 'queue', num: v(0) }]);
  });
  it('DNAT, SNAT, MASQUERADE, REDIRECT', () => {
    // meta l4proto tcp dnat to 1.2.3.4:80 ; dnat to 1.1.1.1-1.1.1.10:1025-65535 ; snat to 1.1.1.1 random,fully-random,persistent
    expectIR(nat('-p tcp -j DNAT --to-destination 1.2.3.4:80'), [l4('tcp'), counter, { kind: 'nat', type: 'dnat', addr: v('1.2.3.4'), port: v(80) }]);
    expectIR(nat('-p tcp -j DNAT --to-destination 1.1.1.1-1.1.1.10:1025-65535'), [l4('tcp'), counter, { kind: 'nat', type: 'dnat', addr: rng('1.1.1.1', '1.1.1.10'), port: rng(1025, 65535) }]);
  });
  it('NAT targets (continued)', () => {
    expectIR(rule('-p tcp -j DNAT --to-destination [dead::beef]:ssh', { table: 'nat', chain: 'PREROUTING', family: 'ip6' }), [l4('tcp'), counter, { kind: 'nat', type: 'dnat', addr: v('dead::beef'), port: v(22) }]);
    expectIR(nat('-j SNAT --to-source 1.1.1.1 --random --random-fully --persistent', 'POSTROUTING'), [counter, { kind: 'nat', type: 'snat', addr: v('1.1.1.1'), flags: ['random', 'persistent', 'fully-random'] }]);
    expectIR(nat('-p udp -j MASQUERADE --to-ports 1024-65535', 'POSTROUTING'), [l4('udp'), counter, { kind: 'nat', type: 'masquerade', port: rng(1024, 65535) }]);
    expectIR(nat('-j MASQUERADE', 'POSTROUTING'), [counter, { kind: 'nat', type: 'masquerade' }]);
    expectIR(nat('-p tcp -j REDIRECT --to-ports 42-1234 --random', 'OUTPUT'), [l4('tcp'), counter, { kind: 'nat', type: 'redirect', port: rng(42, 1234), flags: ['random'] }]);
  });
  it('REJECT, LOG, NFLOG, NFQUEUE, AUDIT', () => {
    // reject with icmp type host-prohibited ; reject with tcp reset ; (plain REJECT = icmp port-unreachable)
    expectIR(rule('-j REJECT --reject-with icmp-host-prohibited'), [counter, { kind: 'reject', type: 'icmp', expr: 'host-prohibited' }]);
    expectIR(rule('-j REJECT'), [counter, { kind: 'reject', type: 'icmp', expr: 'port-unreachable' }]);
    expectIR(rule('-j REJECT --reject-with icmp6-adm-prohibited', { family: 'ip6' }), [counter, { kind: 'reject', type: 'icmpv6', expr: 'admin-prohibited' }]);
    expectIR(rule('-p tcp -j REJECT --reject-with tcp-reset'), [l4('tcp'), counter, { kind: 'reject', type: 'tcp reset' }]);
    // log prefix "test: " level alert flags tcp sequence ; log (default level warn)
    expectIR(rule('-j LOG --log-prefix "test: " --log-level 1 --log-tcp-sequence'), [counter, { kind: 'log', prefix: 'test: ', level: 'alert', flags: ['tcp sequence'] }]);
    expectIR(rule('-j LOG --log-level warning'), [counter, { kind: 'log' }]);
    // log prefix "should use NFLOG" snaplen 123 queue-threshold 42 group 1
    expectIR(rule('-j NFLOG --nflog-prefix "should use NFLOG" --nflog-group 1 --nflog-size 123 --nflog-threshold 42'), [
      counter,
      { kind: 'log', prefix: 'should use NFLOG', group: 1, snaplen: 123, queueThreshold: 42 },
    ]);
    // queue num 0-6 bypass,fanout
    expectIR(rule('-j NFQUEUE --queue-balance 0:6 --queue-cpu-fanout --queue-bypass'), [counter, { kind: 'queue', num: rng(0, 6), flags: ['bypass', 'fanout'] }]);
    expectIR(rule('-j AUDIT --type drop'), [counter, { kind: 'log', level: 'audit' }]); // log level audit
  });
  it('MARK and CONNMARK', () => {
    // meta mark set mark or 0x4000 ; mark xor 0x4000 ; mark and 0xff ; 0x1 / 0xff → mark and 0xffffff00 xor 0x1
    const markSet = (value: Expr): Stmt => ({ kind: 'mangle', key: mt('mark'), value });
    expectIR(rule('-j MARK --set-xmark 0x4000/0x4000'), [counter, markSet({ kind: 'binop', op: '|', left: mt('mark'), right: v(0x4000) })]);
    expectIR(rule('-j MARK --xor-mark 0x4000'), [counter, markSet({ kind: 'binop', op: '^', left: mt('mark'), right: v(0x4000) })]);
    expectIR(rule('-j MARK --and-mark 0xff'), [counter, markSet(and(mt('mark'), v(0xff)))]);
    expectIR(rule('-j MARK --set-xmark 0x0'), [counter, markSet(v(0))]);
    // nft folds (mark & 0xffffff00) ^ 0x1 into | when the bits do not overlap, as nft -j prints it
    expectIR(rule('-j MARK --set-mark 0x1/0xff'), [counter, markSet({ kind: 'binop', op: '|', left: and(mt('mark'), v(0xffffff00)), right: v(1) })]);
    // ct mark set mark ; meta mark set ct mark
    expectIR(rule('-j CONNMARK --save-mark', { table: 'mangle', chain: 'PREROUTING' }), [counter, { kind: 'mangle', key: ctk('mark'), value: mt('mark') }]);
    expectIR(rule('-j CONNMARK --restore-mark', { table: 'mangle', chain: 'PREROUTING' }), [counter, { kind: 'mangle', key: mt('mark'), value: ctk('mark') }]);
    expectIR(rule('-j CONNMARK --set-mark 0x1', { table: 'mangle', chain: 'PREROUTING' }), [counter, { kind: 'mangle', key: ctk('mark'), value: v(1) }]);
  });
  it('CT, NOTRACK, TRACE, TPROXY, TEE, DSCP, TCPMSS, CLASSIFY, SYNPROXY', () => {
    const raw = { table: 'raw', chain: 'PREROUTING' };
    expectIR(rule('-j CT --notrack', raw), [counter, { kind: 'notrack' }]); // notrack
    expectIR(rule('-j NOTRACK', raw), [counter, { kind: 'notrack' }]);
    expectIR(rule('-j CT --zone 4097', raw), [counter, { kind: 'mangle', key: ctk('zone'), value: v(4097) }]);
    expectIR(rule('-j CT --helper ftp', raw), [counter, { kind: 'objref', type: 'ct helper', name: v('ftp') }]);
    expectIR(rule('-j TRACE', raw), [counter, { kind: 'mangle', key: mt('nftrace'), value: v(1) }]); // nftrace set 1
    expectIR(rule('-p tcp -j TPROXY --on-port 50080 --on-ip 127.0.0.1 --tproxy-mark 0x1/0x1', { table: 'mangle', chain: 'PREROUTING' }), [
      l4('tcp'),
      counter,
      { kind: 'tproxy', addr: v('127.0.0.1'), port: v(50080) },
      { kind: 'mangle', key: mt('mark'), value: { kind: 'binop', op: '|', left: mt('mark'), right: v(1) } },
      accept,
    ]);
    expectIR(rule('-j TEE --gateway 1.1.1.1'), [counter, { kind: 'dup', addr: v('1.1.1.1') }]); // dup to 1.1.1.1
    expectIR(rule('-j DSCP --set-dscp-class EF', { table: 'mangle', chain: 'PREROUTING' }), [counter, { kind: 'mangle', key: pl('ip', 'dscp'), value: v('ef') }]);
    const mss = { kind: 'option', protocol: 'tcp', name: 'maxseg', field: 'size' } as const;
    expectIR(rule('-p tcp -j TCPMSS --clamp-mss-to-pmtu', { table: 'mangle', chain: 'FORWARD' }), [l4('tcp'), counter, { kind: 'mangle', key: mss, value: { kind: 'rt', key: 'mtu' } }]);
    expectIR(rule('-p tcp -j TCPMSS --set-mss 1400', { table: 'mangle', chain: 'FORWARD' }), [l4('tcp'), counter, { kind: 'mangle', key: mss, value: v(1400) }]);
    expectIR(rule('-j CLASSIFY --set-class 0000:ffff', { table: 'mangle', chain: 'FORWARD' }), [counter, { kind: 'mangle', key: mt('priority'), value: v('0:ffff') }]);
    expectIR(rule('-p tcp -j SYNPROXY --sack-perm --timestamp --wscale 9 --mss 1460'), [l4('tcp'), counter, { kind: 'synproxy', mss: 1460, wscale: 9, flags: ['timestamp', 'sack-perm'] }]);
  });
  it('targets without an nftables form stay xt statements', () => {
    expectIR(rule('-j TTL --ttl-inc 1', { table: 'mangle', chain: 'PREROUTING' }), [counter, { kind: 'xt', type: 'target', name: 'TTL', options: { ttlInc: { value: 1 } }, text: '' }]);
    expectIR(rule('-j SET --add-set foo src,dst --exist'), [counter, { kind: 'xt', type: 'target', name: 'SET', options: { addSet: { value: 'foo' }, addFlags: { value: ['src', 'dst'] }, exist: { value: true } }, text: '' }]);
  });
});
