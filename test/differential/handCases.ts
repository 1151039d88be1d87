// Hand-written differential cases, one or more per feature the evaluator claims (issue 7): verdicts,
// jump/goto/return, verdict maps, maps, sets (intervals, concatenations), NAT (maps, re-route after DNAT),
// conntrack new/established, priorities across tables and families, mark/ct mark, reject, fib, meta
// l4proto/th, bitwise, negation; iptables-nft dumps; probabilistic rules. Data only; imports oracle helpers.
import type { WirePacket } from '../oracle/kernelOracle.ts';
import { local, remote } from '../oracle/oracleTestSupport.ts';
import type { DiffCase } from './differential.ts';

const C = '198.51.100.1'; // the client (remote packets come from its /24)
const H = '198.51.100.2'; // the host on the client side (nso-h0)
const HS = '203.0.113.1'; // the host on the server side (nso-h1)
const S = '203.0.113.2'; // the server
const LO = '192.0.2.10'; // on the host's lo

/** A case in the one-table shorthand: `body` is the inside of `table <family> t { … }`. */
function nft(name: string, family: 'ip' | 'inet', body: string, packets: WirePacket[], options: DiffCase['options'] = {}, facts?: DiffCase['facts']): DiffCase {
  return { name, format: 'nft', ruleset: `table ${family} t {\n${body}\n}\n`, packets, options, ...(facts ? { facts } : {}) };
}

function raw(name: string, ruleset: string, packets: WirePacket[], options: DiffCase['options'] = {}): DiffCase {
  return { name, format: 'nft', ruleset, packets, options };
}

function ipt(name: string, save: string, packets: WirePacket[], options: DiffCase['options'] = {}): DiffCase {
  return { name, format: 'iptables', ruleset: save, packets, options };
}

const tcp = (id: number, s: string, d: string, sp: number, dp: number, flags?: string[]) => remote(id, 'tcp', s, d, sp, dp, flags ? { tcpFlags: flags } : {});
const udp = (id: number, s: string, d: string, sp: number, dp: number) => remote(id, 'udp', s, d, sp, dp);
const ping = (id: number, s: string, d: string) => remote(id, 'icmp', s, d);
const ltcp = (id: number, s: string, d: string, sp: number, dp: number) => local(id, 'tcp', s, d, sp, dp);
const ludp = (id: number, s: string, d: string, sp: number, dp: number) => local(id, 'udp', s, d, sp, dp);
const input = (rules: string, policy = 'accept', prio = '0') => `\tchain input {\n\t\ttype filter hook input priority ${prio}; policy ${policy};\n${rules}\n\t}`;

/** A few packets to the host: ssh, web, dns, ping, and one from another client address. */
const toHost = (): WirePacket[] => [tcp(1, C, H, 40001, 22), tcp(2, C, H, 40002, 80), udp(3, C, H, 40003, 53), ping(4, C, H), tcp(5, '198.51.100.77', H, 40005, 443, ['syn', 'ack'])];

export const HAND_CASES: readonly DiffCase[] = [
  // ---- verdicts and policies
  nft('verdicts: accept, drop, policy drop', 'ip', input('\t\ttcp dport 22 accept\n\t\tudp dport 53 drop\n\t\tcounter', 'drop'), toHost()),
  nft('verdicts: continue and counters run on', 'inet', input('\t\tcounter continue\n\t\ttcp dport 80 counter\n\t\tip saddr 198.51.100.1 accept', 'drop'), toHost()),
  nft('verdicts: a drop policy after earlier base chains accepted', 'ip', `${input('\t\taccept', 'accept', '-10')}\n${input('\t\ttcp dport 22 accept', 'drop', '10').replace('chain input', 'chain input2')}`, toHost()),

  // ---- jump, goto, return
  nft(
    'jump/return: back to the caller, then the next rule',
    'ip',
    `\tchain svc {\n\t\ttcp dport 22 return\n\t\ttcp dport 80 accept\n\t\tmeta l4proto udp drop\n\t}\n${input('\t\tjump svc\n\t\ttcp dport 22 drop\n\t\tcounter', 'accept')}`,
    toHost(),
  ),
  nft(
    'goto: the end of the target returns to the base chain policy',
    'ip',
    `\tchain svc {\n\t\ttcp dport 80 accept\n\t}\n${input('\t\tip protocol tcp goto svc\n\t\taccept', 'drop')}`,
    toHost(),
  ),
  nft(
    'jump inside goto inside jump: return pops to the right place',
    'inet',
    `\tchain c3 {\n\t\ttcp dport 22 return\n\t\tudp dport 53 drop\n\t}\n\tchain c2 {\n\t\tjump c3\n\t\ttcp dport 22 accept\n\t}\n\tchain c1 {\n\t\tgoto c2\n\t}\n${input('\t\tjump c1\n\t\tip saddr 198.51.100.1 drop', 'accept')}`,
    toHost(),
  ),
  nft('return in a base chain: the policy decides', 'ip', input('\t\ttcp dport 22 return\n\t\taccept', 'drop'), toHost()),

  // ---- verdict maps
  nft('vmap: anonymous on ports with intervals', 'ip', `\tchain web {\n\t\taccept\n\t}\n${input('\t\ttcp dport vmap { 22 : accept, 80-90 : jump web, 1000-2000 : drop }\n\t\tudp dport vmap { 53 : goto web }', 'drop')}`, [...toHost(), tcp(6, C, H, 40006, 1500)]),
  nft(
    'vmap: named, with a concatenated interval key',
    'ip',
    `\tmap m {\n\t\ttype ipv4_addr . inet_service : verdict\n\t\tflags interval\n\t\telements = { 198.51.100.0/25 . 22 : accept, 198.51.100.64-198.51.100.90 . 80-443 : drop }\n\t}\n${input('\t\tip saddr . tcp dport vmap @m\n\t\tcounter', 'accept')}`,
    [...toHost(), tcp(6, '198.51.100.70', H, 40006, 100), tcp(7, '198.51.100.200', H, 40007, 22)],
  ),
  nft('vmap: no element means no match, the next rule runs', 'inet', input('\t\tip daddr vmap { 203.0.113.1 : drop }\n\t\ttcp dport 22 drop', 'accept'), toHost()),

  // ---- data maps and sets
  nft('map: mark from a port map, matched later', 'ip', `\tchain pre {\n\t\ttype filter hook prerouting priority 0; policy accept;\n\t\tmeta mark set tcp dport map { 22 : 0x1, 80 : 0x2 }\n\t}\n${input('\t\tmeta mark 0x1 drop\n\t\tmeta mark 0x2 accept', 'accept')}`, toHost()),
  nft(
    'sets: named interval set, negated anonymous set, concatenation',
    'inet',
    `\tset nets {\n\t\ttype ipv4_addr\n\t\tflags interval\n\t\telements = { 198.51.100.0/26, 198.51.100.100-198.51.100.120 }\n\t}\n\tset pairs {\n\t\ttype ipv4_addr . inet_service\n\t\telements = { 198.51.100.1 . 22, 198.51.100.77 . 443 }\n\t}\n${input('\t\tip saddr . tcp dport @pairs accept\n\t\tip saddr != @nets drop\n\t\tudp dport != { 53, 123 } drop\n\t\tip protocol icmp accept', 'drop')}`,
    [...toHost(), tcp(6, '198.51.100.110', H, 40006, 22), udp(7, '198.51.100.110', H, 40007, 123)],
  ),
  nft(
    'sets: concatenation with intervals (ipv4_addr . inet_service . ipv4_addr)',
    'ip',
    `\tset t3 {\n\t\ttype ipv4_addr . inet_service . ipv4_addr\n\t\tflags interval\n\t\telements = { 198.51.100.0/24 . 20-25 . 198.51.100.2 }\n\t}\n${input('\t\tip saddr . tcp dport . ip daddr @t3 accept', 'drop')}`,
    toHost(),
  ),

  // ---- NAT
  nft(
    'dnat to a local address: the packet goes to input with the new destination',
    'ip',
    `\tchain pre {\n\t\ttype nat hook prerouting priority dstnat; policy accept;\n\t\ttcp dport 8080 dnat to 192.0.2.10:80\n\t}\n${input('\t\ttcp dport 80 accept', 'drop')}`,
    [tcp(1, C, H, 40001, 8080), tcp(2, C, H, 40002, 80)],
  ),
  nft(
    'dnat to the server: forwarded, snat/masquerade in postrouting',
    'ip',
    `\tchain pre {\n\t\ttype nat hook prerouting priority dstnat; policy accept;\n\t\ttcp dport 8080 dnat to 203.0.113.2\n\t\tudp dport 5353 dnat to 203.0.113.5:53\n\t}\n\tchain fw {\n\t\ttype filter hook forward priority 0; policy drop;\n\t\tip daddr 203.0.113.2 tcp dport 8080 accept\n\t\tudp dport 53 accept\n\t}\n\tchain post {\n\t\ttype nat hook postrouting priority srcnat; policy accept;\n\t\toifname "nso-h1" tcp dport 8080 masquerade\n\t\toifname "nso-h1" snat to 203.0.113.1\n\t}`,
    [tcp(1, C, H, 40001, 8080), udp(2, C, H, 40002, 5353), tcp(3, C, S, 40003, 22)],
    { forward: true },
  ),
  nft(
    'dnat with a map, and with a concatenated map (address . port)',
    'inet',
    `\tchain pre {\n\t\ttype nat hook prerouting priority dstnat; policy accept;\n\t\tdnat ip to tcp dport map { 8080 : 192.0.2.10, 8443 : 203.0.113.2 }\n\t\tdnat ip to ip daddr . udp dport map { 198.51.100.2 . 5353 : 203.0.113.5 . 53 }\n\t}`,
    [tcp(1, C, H, 40001, 8080), tcp(2, C, H, 40002, 8443), udp(3, C, H, 40003, 5353), udp(4, C, H, 40004, 53)],
    { forward: true },
  ),
  nft(
    'redirect: to the input device address',
    'ip',
    `\tchain pre {\n\t\ttype nat hook prerouting priority dstnat; policy accept;\n\t\ttcp dport 3128 redirect to :8080\n\t\tudp dport 53 redirect\n\t}\n${input('\t\ttcp dport 8080 accept\n\t\tudp dport 53 accept', 'drop')}`,
    [tcp(1, C, '203.0.113.9', 40001, 3128), udp(2, C, '203.0.113.9', 40002, 53)],
    { forward: true },
  ),
  nft(
    'output dnat re-routes: the new destination decides the output device',
    'ip',
    `\tchain out {\n\t\ttype nat hook output priority -100; policy accept;\n\t\ttcp dport 8080 dnat to 203.0.113.2\n\t\tudp dport 53 dnat to 192.0.2.10\n\t}\n\tchain fout {\n\t\ttype filter hook output priority 0; policy accept;\n\t\toifname "nso-h0" tcp dport 8080 counter\n\t}\n\tchain post {\n\t\ttype filter hook postrouting priority 0; policy accept;\n\t\toifname "nso-h1" accept\n\t\toifname "lo" accept\n\t\tdrop\n\t}\n${input('\t\tudp dport 53 accept', 'drop')}`,
    [ltcp(1, H, C, 40001, 8080), ludp(2, H, C, 40002, 53), ltcp(3, H, C, 40003, 22)],
  ),
  nft(
    'snat in input, nat chains of several priorities',
    'ip',
    `\tchain nin {\n\t\ttype nat hook input priority 100; policy accept;\n\t\ttcp dport 22 snat to 198.51.100.200\n\t}\n\tchain nin2 {\n\t\ttype nat hook input priority 50; policy accept;\n\t\ttcp dport 80 counter\n\t}\n${input('\t\tip saddr 198.51.100.200 drop', 'accept', '200')}`,
    toHost(),
  ),

  // ---- conntrack
  nft(
    'conntrack: new, then established in the reply direction (shared table)',
    'ip',
    `\tchain out {\n\t\ttype filter hook output priority 0; policy accept;\n\t\tct state new ct direction original accept\n\t}\n${input('\t\tct state established ct direction reply accept\n\t\tct state new drop', 'drop')}`,
    [ludp(1, H, C, 5353, 40001), udp(2, C, H, 40001, 5353), udp(3, C, H, 40009, 5353)],
    { conntrack: 'shared' },
    { 2: 'ct state established ct direction reply' },
  ),
  nft(
    'conntrack: notrack in raw prerouting makes the packet untracked',
    'inet',
    `\tchain raw {\n\t\ttype filter hook prerouting priority raw; policy accept;\n\t\tudp dport 53 notrack\n\t}\n${input('\t\tct state untracked accept\n\t\tct state new drop', 'drop')}`,
    toHost(),
  ),
  nft('conntrack: ct state invalid for a lone TCP ack', 'ip', input('\t\tct state invalid drop\n\t\tct state new accept'), [tcp(1, C, H, 40001, 22, ['ack']), tcp(2, C, H, 40002, 22, ['syn']), tcp(3, C, H, 40003, 22, ['fin'])]),

  // ---- priorities across tables and families
  raw(
    'priorities: ip and inet tables interleave by priority, ties in load order',
    `table inet a {\n\tchain i {\n\t\ttype filter hook input priority 10; policy accept;\n\t\ttcp dport 22 counter\n\t}\n}\ntable ip b {\n\tchain i {\n\t\ttype filter hook input priority -10; policy accept;\n\t\tmeta mark set 0x7\n\t}\n\tchain j {\n\t\ttype filter hook input priority 10; policy accept;\n\t\tmeta mark 0x7 tcp dport 80 drop\n\t}\n}\ntable inet c {\n\tchain i {\n\t\ttype filter hook input priority filter - 20; policy accept;\n\t\tudp dport 53 drop\n\t}\n}\n`,
    toHost(),
  ),
  raw(
    'priorities: a filter chain at -200 ties with conntrack, raw before it',
    `table ip t {\n\tchain r {\n\t\ttype filter hook prerouting priority raw; policy accept;\n\t\tct state untracked counter\n\t}\n\tchain tie {\n\t\ttype filter hook prerouting priority -200; policy accept;\n\t\tct state new counter\n\t}\n\tchain late {\n\t\ttype filter hook prerouting priority 0; policy accept;\n\t\tct state new counter\n\t}\n}\n`,
    toHost(),
  ),

  // ---- marks
  nft(
    'marks: meta mark arithmetic, ct mark carried to input, policy prints the mark',
    'ip',
    `\tchain pre {\n\t\ttype filter hook prerouting priority mangle; policy accept;\n\t\ttcp dport 22 meta mark set meta mark or 0x4000\n\t\tmeta mark & 0x4000 == 0x4000 ct mark set meta mark\n\t\tudp dport 53 ct mark set 0x2a\n\t}\n${input('\t\tct mark 0x2a meta mark set ct mark\n\t\tmeta mark 0x4000 counter', 'accept')}`,
    toHost(),
  ),
  nft('marks: and/xor clear and flip bits', 'inet', `\tchain pre {\n\t\ttype filter hook prerouting priority 0; policy accept;\n\t\tmeta mark set 0xffff\n\t\tmeta mark set meta mark and 0xffffbfff\n\t\tmeta mark set meta mark xor 0x1\n\t}\n${input('\t\tmeta mark 0xbffe accept', 'drop')}`, toHost()),

  // ---- reject
  nft('reject: icmp and tcp reset (family dependencies)', 'inet', input('\t\ttcp dport 22 reject with tcp reset\n\t\tudp dport 53 reject with icmp type port-unreachable\n\t\tip protocol icmp reject\n\t\treject with icmpx type admin-prohibited', 'accept'), toHost()),
  nft('reject: forward, from a regular chain', 'ip', `\tchain deny {\n\t\treject\n\t}\n\tchain fw {\n\t\ttype filter hook forward priority 0; policy accept;\n\t\tip daddr 203.0.113.2 tcp dport 22 jump deny\n\t}`, [tcp(1, C, S, 40001, 22), tcp(2, C, S, 40002, 80)], { forward: true }),

  // ---- fib
  nft(
    'fib: daddr type local, reverse path (saddr . iif oif), bound to iif',
    'inet',
    `\tchain pre {\n\t\ttype filter hook prerouting priority 0; policy accept;\n\t\tfib saddr . iif oif missing drop\n\t\tfib daddr type local counter\n\t\tfib daddr . iif type local counter\n\t\tfib daddr type != local ip daddr 203.0.113.0/24 counter\n\t}`,
    [tcp(1, C, H, 40001, 22), tcp(2, C, LO, 40002, 22), tcp(3, C, HS, 40003, 22), tcp(4, '203.0.113.50', H, 40004, 22), tcp(5, C, S, 40005, 22)],
    { forward: true },
  ),

  // ---- l4proto, th, bitwise, negation
  nft('meta l4proto and th: ports of any transport', 'inet', input('\t\tmeta l4proto { tcp, udp } th dport 53 accept\n\t\tmeta l4proto tcp th dport 22 accept\n\t\tmeta l4proto icmp accept', 'drop'), [...toHost(), tcp(6, C, H, 40006, 53)]),
  nft(
    'bitwise: tcp flags masks, ct status bits, mark masks',
    'ip',
    input('\t\ttcp flags & (syn | ack) == syn counter\n\t\ttcp flags syn / syn,ack,rst accept\n\t\ttcp flags & (syn | ack) == syn | ack drop\n\t\tct status dnat drop\n\t\tmeta mark & 0xff == 0x0 accept', 'drop'),
    [...toHost(), tcp(6, C, H, 40006, 22, ['syn', 'ack']), tcp(7, C, H, 40007, 22, ['rst'])],
  ),
  nft(
    'negation: !=, ! flags, negated sets and ranges',
    'ip',
    input('\t\ttcp flags ! syn drop\n\t\tct status ! dnat counter\n\t\tip saddr != 198.51.100.0/25 drop\n\t\ttcp dport != 20-30 accept\n\t\tudp dport != { 53, 5353 } drop\n\t\tip ttl != 64 drop', 'accept'),
    [...toHost(), tcp(6, C, H, 40006, 22, ['fin']), udp(7, '198.51.100.200', H, 40007, 53), remote(8, 'icmp', C, H, undefined, undefined, { ttl: 3 })],
  ),

  nft(
    'adjacent != fields: nft runs them as one compare (any field differs)',
    'inet',
    input('\t\ttcp sport != 80 tcp dport != 53 drop\n\t\tip ttl != 64 ip protocol != udp counter\n\t\tudp sport != 1 udp dport != 2 udp length != 3 counter\n\t\tip saddr != 198.51.100.1 ip daddr != 198.51.100.2 accept'),
    [tcp(6, C, H, 80, 80), tcp(7, C, H, 80, 53), tcp(8, C, H, 40008, 53), udp(9, C, H, 40009, 53)],
  ),

  nft(
    'adjacent != fields: merged in header order, compared where nft put the merged compare',
    'ip',
    input('\t\tip protocol != tcp ip ttl != 64 meta mark set 0x7 counter\n\t\tip ttl != 3 counter meta mark set 0x1 ip protocol != 6 accept\n\t\tmeta mark 0x1 drop'),
    [remote(1, 'tcp', C, H, 40001, 22, { ttl: 3 }), tcp(2, C, H, 40002, 22), udp(3, C, H, 40003, 53), remote(4, 'udp', C, H, 40004, 53, { ttl: 3 })],
  ),

  // ---- local traffic and loopback
  nft(
    'output to a local address: loops back through lo (prerouting, input)',
    'ip',
    `\tchain out {\n\t\ttype filter hook output priority 0; policy accept;\n\t\toifname "lo" meta mark set 0x9\n\t}\n\tchain pre {\n\t\ttype filter hook prerouting priority 0; policy accept;\n\t\tiifname "lo" meta mark 0x9 counter\n\t\tmeta skuid 0 drop\n\t}\n${input('\t\tiifname "lo" udp dport 53 drop', 'accept')}`,
    [ltcp(1, H, LO, 40001, 22), ludp(2, LO, LO, 40002, 53), ltcp(3, H, C, 40003, 22)],
  ),

  // ---- more families, devices and expressions
  raw(
    // (no netdev table: the oracle's tracer marks packets in prerouting, so the kernel would not trace ingress)
    'families: an ip6 table with drop policies never touches IPv4',
    `table ip6 v6 {\n\tchain i {\n\t\ttype filter hook input priority -300; policy drop;\n\t}\n\tchain p {\n\t\ttype filter hook prerouting priority -300; policy drop;\n\t}\n}\ntable ip m {\n\tchain p {\n\t\ttype filter hook prerouting priority -400; policy accept;\n\t\tudp dport 53 meta mark set 0x5\n\t}\n}\ntable inet t {\n\tchain i {\n\t\ttype filter hook input priority 0; policy accept;\n\t\tmeta nfproto ipv4 meta mark 0x5 drop\n\t\tmeta protocol ip tcp dport 22 accept\n\t}\n}\n`,
    toHost(),
  ),
  nft(
    'concatenations of l4proto . th dport, interfaces, bitwise on addresses',
    'inet',
    input('\t\tmeta l4proto . th dport { tcp . 22, udp . 53 } accept\n\t\tiifname . ip saddr { "nso-h0" . 198.51.100.77 } drop\n\t\tip saddr & 255.255.255.128 == 198.51.100.0 meta l4proto icmp accept\n\t\tiif "nso-h0" meta pkttype host counter', 'drop'),
    toHost(),
  ),
  nft(
    'ct status and ct original tuple after dnat, in forward',
    'ip',
    `\tchain pre {\n\t\ttype nat hook prerouting priority dstnat; policy accept;\n\t\ttcp dport 8080 dnat to 203.0.113.2:80\n\t}\n\tchain fw {\n\t\ttype filter hook forward priority 0; policy drop;\n\t\tct status dnat ct original ip daddr 198.51.100.2 tcp dport 80 accept\n\t\tct status ! dnat tcp dport 22 accept\n\t}`,
    [tcp(1, C, H, 40001, 8080), tcp(2, C, S, 40002, 22), tcp(3, C, S, 40003, 80)],
    { forward: true },
  ),
  nft(
    'masquerade and snat after forward, marks decide (kube-proxy MARK-MASQ)',
    'ip',
    `\tchain pre {\n\t\ttype filter hook prerouting priority mangle; policy accept;\n\t\tip saddr 198.51.100.0/25 meta mark set meta mark or 0x4000\n\t}\n\tchain post {\n\t\ttype nat hook postrouting priority srcnat; policy accept;\n\t\tmeta mark & 0x4000 != 0x4000 return\n\t\tmeta mark set meta mark xor 0x4000\n\t\tmasquerade\n\t}\n\tchain after {\n\t\ttype filter hook postrouting priority 200; policy accept;\n\t\tip saddr 203.0.113.1 counter\n\t}`,
    [tcp(1, C, S, 40001, 80), tcp(2, '198.51.100.200', S, 40002, 80), udp(3, C, '203.0.113.77', 40003, 53)],
    { forward: true },
  ),
  nft(
    'ttl: forwarded packets lose one, ttl 1 expires at routing',
    'ip',
    `\tchain fw {\n\t\ttype filter hook forward priority 0; policy accept;\n\t\tip ttl 63 counter\n\t\tip ttl 9 drop\n\t}`,
    [tcp(1, C, S, 40001, 80), remote(2, 'tcp', C, S, 40002, 80, { ttl: 10 }), remote(3, 'tcp', C, S, 40003, 80, { ttl: 1 })],
    { forward: true },
  ),
  nft(
    'no route: forwarding off, or an address nobody owns',
    'ip',
    `\tchain pre {\n\t\ttype filter hook prerouting priority 0; policy accept;\n\t\tcounter\n\t}\n\tchain fw {\n\t\ttype filter hook forward priority 0; policy accept;\n\t\tcounter\n\t}`,
    [tcp(1, C, S, 40001, 80), tcp(2, C, '10.9.9.9', 40002, 80)],
  ),
  nft(
    'local ports and lengths: udp length, ip length ranges, icmp types',
    'ip',
    input('\t\tip length 20-40 counter\n\t\tudp length > 8 counter\n\t\ticmp type echo-request icmp code 0 accept\n\t\ticmp type { destination-unreachable, time-exceeded } drop', 'accept'),
    [...toHost(), remote(6, 'icmp', C, H, undefined, undefined, { icmpType: 3, icmpCode: 3 }), remote(7, 'udp', C, H, 40007, 53, { length: 300 })],
  ),
  // ---- found by tracing real-world rulesets (session 12): stateful statements, synproxy, options, counters
  nft(
    'synproxy takes any SYN (cookie SYN-ACK), drops an ACK that answers no cookie, lets other packets go on',
    'ip',
    '\tchain raw {\n\t\ttype filter hook prerouting priority -300; policy accept;\n\t\ttcp dport 80 notrack\n\t}\n' +
      input('\t\ttcp dport 80 ct state invalid,untracked synproxy mss 1460 wscale 7 timestamp sack-perm\n\t\ttcp dport 80 counter accept'),
    [tcp(1, C, H, 40001, 80), tcp(2, C, H, 40002, 80, ['syn', 'ack']), tcp(3, C, H, 40003, 80, ['ack']), tcp(4, C, H, 40004, 80, ['fin', 'ack']), tcp(5, C, H, 40005, 80, ['rst'])],
  ),
  nft(
    'meters and set updates run their per-element statements (a new element is under its limits); ct count counts the own connection',
    'ip',
    '\tset seen {\n\t\ttype ipv4_addr\n\t\tsize 65535\n\t\tflags dynamic\n\t}\n' +
      input(
        [
          'tcp dport 22 meter ssh size 65535 { ip saddr limit rate over 3/minute } counter drop',
          'tcp dport 23 meter tel size 65535 { ip saddr limit rate 3/minute } counter drop',
          'tcp dport 24 update @seen { ip saddr quota over 10 mbytes } counter drop',
          'tcp dport 25 add @seen { ip saddr ct count over 0 } counter drop',
          'tcp dport 26 ct count 0 counter drop',
          'tcp dport 27 ct count over 0 counter drop',
        ].map((r) => `\t\t${r}`).join('\n'),
      ),
    // one source per packet: each meets a fresh element
    [22, 23, 24, 25, 26, 27].map((port, i) => tcp(i + 1, `198.51.100.${11 + i}`, H, 40001 + i, port)),
  ),
  nft(
    "a connection's first packet: conntrack counters, no TCP options in a 5-word header, no VRF, route realm 0",
    'ip',
    '\tchain pre {\n\t\ttype filter hook prerouting priority 0; policy accept;\n\t\tmeta rtclassid 0 counter\n\t}\n' +
      input(
        [
          'ct bytes > 0 counter',
          'ct packets > 1 counter',
          'ct original packets 1 counter',
          'ct reply bytes 0 counter',
          'ct avgpkt 0 counter',
          'tcp option maxseg size 1-500 counter',
          'tcp option maxseg size != 536-65535 counter',
          'tcp option sack-perm missing counter',
          'meta sdif 0 counter',
          'meta rtclassid "cosmos" counter',
        ].map((r) => `\t\t${r}`).join('\n'),
      ),
    [tcp(1, C, H, 40001, 80), udp(2, C, H, 40002, 53), ping(3, C, H)],
  ),
];

export const IPTABLES_CASES: readonly DiffCase[] = [
  ipt(
    'iptables: filter INPUT with a custom chain, RETURN, conntrack, multiport, policy DROP',
    `*filter\n:INPUT DROP [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n:SVC - [0:0]\n-A INPUT -m conntrack --ctstate INVALID -j DROP\n-A INPUT -p tcp -m multiport --dports 22,80 -j SVC\n-A INPUT -p udp --dport 53 -j ACCEPT\n-A INPUT -p icmp -m icmp --icmp-type 8 -j ACCEPT\n-A SVC -s 198.51.100.77/32 -j RETURN\n-A SVC -p tcp --dport 22 -j ACCEPT\n-A SVC -p tcp -j REJECT --reject-with tcp-reset\nCOMMIT\n`,
    toHost(),
  ),
  ipt(
    'iptables: ! --sport ! --dport is one compare in iptables-nft (either port differing matches)',
    `*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n-A INPUT -p tcp ! --sport 40001 ! --dport 22 -j DROP\n-A INPUT -p udp -m udp ! --sport 40003 ! --dport 53 -j DROP\n-A INPUT -p tcp ! --sport 1:1000 ! --dport 80 -j DROP\nCOMMIT\n`,
    [tcp(1, C, H, 40001, 22), tcp(2, C, H, 40001, 23), tcp(3, C, H, 40002, 22), udp(4, C, H, 40003, 53), udp(5, C, H, 40004, 53), tcp(6, C, H, 500, 22), tcp(7, C, H, 40001, 80)],
  ),
  ipt(
    'iptables: mangle MARK, then filter on the mark, comments, negation',
    `*mangle\n:PREROUTING ACCEPT [0:0]\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n:POSTROUTING ACCEPT [0:0]\n-A PREROUTING -p tcp --dport 22 -j MARK --set-xmark 0x4000/0x4000\n-A PREROUTING ! -s 198.51.100.0/25 -j MARK --set-mark 0x1\nCOMMIT\n*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n-A INPUT -m mark --mark 0x4000/0x4000 -m comment --comment "marked ssh" -j ACCEPT\n-A INPUT -m mark --mark 0x1 -j DROP\n-A INPUT ! -p udp -j ACCEPT\nCOMMIT\n`,
    toHost(),
  ),
  ipt(
    'iptables: nat DNAT/SNAT/MASQUERADE with forward',
    `*nat\n:PREROUTING ACCEPT [0:0]\n:INPUT ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n:POSTROUTING ACCEPT [0:0]\n:SVC - [0:0]\n-A PREROUTING -d 198.51.100.2/32 -j SVC\n-A SVC -p tcp --dport 8080 -j DNAT --to-destination 203.0.113.2:80\n-A SVC -p udp --dport 5353 -j DNAT --to-destination 192.0.2.10:53\n-A POSTROUTING -o nso-h1 -p tcp -j MASQUERADE\n-A POSTROUTING -o nso-h1 -j SNAT --to-source 203.0.113.1\nCOMMIT\n*filter\n:INPUT ACCEPT [0:0]\n:FORWARD DROP [0:0]\n:OUTPUT ACCEPT [0:0]\n-A FORWARD -d 203.0.113.2/32 -p tcp --dport 80 -j ACCEPT\nCOMMIT\n`,
    [tcp(1, C, H, 40001, 8080), udp(2, C, H, 40002, 5353), tcp(3, C, S, 40003, 80), tcp(4, C, S, 40004, 22)],
    { forward: true },
  ),
  ipt(
    'iptables: raw NOTRACK / CT --notrack, state match, iprange, set of interfaces',
    `*raw\n:PREROUTING ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n-A PREROUTING -p udp --dport 53 -j CT --notrack\nCOMMIT\n*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n-A INPUT -m state --state UNTRACKED -j ACCEPT\n-A INPUT -m iprange --src-range 198.51.100.70-198.51.100.80 -j DROP\n-A INPUT -i nso-h0 -p tcp --tcp-flags SYN,ACK SYN -j ACCEPT\n-A INPUT -j DROP\nCOMMIT\n`,
    toHost(),
  ),
  ipt(
    'iptables: output chain, owner match, local delivery through lo',
    `*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n-A OUTPUT -o lo -p udp -j ACCEPT\n-A OUTPUT -m owner --uid-owner 0 -p tcp --dport 22 -j DROP\n-A OUTPUT -p tcp -j ACCEPT\n-A INPUT -i lo -j ACCEPT\nCOMMIT\n`,
    [ltcp(1, H, C, 40001, 22), ltcp(2, H, C, 40002, 80), ludp(3, LO, LO, 40003, 53)],
  ),
  ipt(
    'iptables: kube-proxy KUBE-MARK-MASQ and postrouting masquerade, connmark, addrtype',
    `*nat\n:PREROUTING ACCEPT [0:0]\n:INPUT ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n:POSTROUTING ACCEPT [0:0]\n:KUBE-MARK-MASQ - [0:0]\n:KUBE-POSTROUTING - [0:0]\n-A PREROUTING -d 198.51.100.2/32 -p tcp --dport 8080 -j KUBE-MARK-MASQ\n-A PREROUTING -d 198.51.100.2/32 -p tcp --dport 8080 -j DNAT --to-destination 203.0.113.2:80\n-A POSTROUTING -j KUBE-POSTROUTING\n-A KUBE-MARK-MASQ -j MARK --or-mark 0x4000\n-A KUBE-POSTROUTING -m mark ! --mark 0x4000/0x4000 -j RETURN\n-A KUBE-POSTROUTING -j MARK --xor-mark 0x4000\n-A KUBE-POSTROUTING -j MASQUERADE\nCOMMIT\n*mangle\n:PREROUTING ACCEPT [0:0]\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n:POSTROUTING ACCEPT [0:0]\n-A PREROUTING -p udp -j CONNMARK --set-mark 0x7\n-A INPUT -m connmark --mark 0x7 -j MARK --set-mark 0x3\n-A INPUT -m addrtype --dst-type LOCAL -p tcp --dport 22 -j MARK --set-mark 0x9\nCOMMIT\n`,
    [tcp(1, C, H, 40001, 8080), udp(2, C, H, 40002, 53), tcp(3, C, H, 40003, 22), tcp(4, C, S, 40004, 80)],
    { forward: true },
  ),
  // found by random iptables seeds (generateIptablesCase)
  ipt(
    'iptables: CONNMARK and -m conntrack are xt in the kernel: no conntrack entry means CONNMARK does nothing and only --ctstate is tested',
    `*raw\n:PREROUTING ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n-A PREROUTING -j CONNMARK --restore-mark\n-A PREROUTING -j CONNMARK --set-xmark 0x2a/0xff\n-A PREROUTING -m conntrack --ctstatus CONFIRMED -j MARK --set-mark 0x5\n-A PREROUTING -m conntrack ! --ctstatus CONFIRMED -j MARK --set-mark 0x6\nCOMMIT\n` +
      `*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n-A INPUT -m conntrack ! --ctstate SNAT\n-A INPUT -m conntrack --ctstate INVALID --ctdir REPLY\n-A INPUT -m conntrack ! --ctstatus CONFIRMED\n-A INPUT -m conntrack ! --ctstate RELATED,ESTABLISHED,DNAT -j ACCEPT\nCOMMIT\n`,
    // a SYN (new entry), a SYN+ACK and an echo-reply (invalid: no entry), and a looped-back local packet
    // (its entry, confirmed on the way out, is already there in raw PREROUTING)
    [tcp(1, C, H, 40001, 22), tcp(2, C, H, 40002, 22, ['syn', 'ack']), { ...ping(3, C, H), icmpType: 0 }, ludp(4, LO, LO, 40004, 53)],
  ),
  ipt(
    'iptables: -m owner with every option negated matches packets without a socket (forwarded, looped back)',
    `*mangle\n:PREROUTING ACCEPT [0:0]\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n:POSTROUTING ACCEPT [0:0]\n-A POSTROUTING -m owner ! --gid-owner 29457 -j MARK --set-mark 0x1\n-A POSTROUTING -m owner --uid-owner 0 ! --gid-owner 5 -j MARK --set-mark 0x2\n-A POSTROUTING -m owner ! --uid-owner 0\nCOMMIT\n`,
    [udp(1, C, S, 40001, 53), ludp(2, H, C, 40002, 53), ludp(3, LO, LO, 40003, 53)],
    { forward: true },
  ),
  ipt(
    'iptables: TCPMSS adds an MSS option to a bare SYN (4 bytes); -m pkttype reads the frame MAC, not the IP address',
    `*mangle\n:PREROUTING ACCEPT [0:0]\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n:POSTROUTING ACCEPT [0:0]\n-A PREROUTING -m pkttype ! --pkt-type unicast -j MARK --set-mark 0x1\n-A FORWARD -p tcp -m tcp --tcp-flags SYN,RST SYN -j TCPMSS --clamp-mss-to-pmtu\n-A OUTPUT -p tcp -m tcp --tcp-flags SYN,RST SYN -j TCPMSS --set-mss 1360\n-A POSTROUTING -m length --length 44 -j MARK --set-mark 0x2\nCOMMIT\n`,
    [tcp(1, C, S, 40001, 80), { ...tcp(2, C, S, 40002, 80), length: 48 }, ltcp(3, H, C, 40003, 22), ping(4, C, '198.51.100.255')],
    { forward: true },
  ),
  ipt(
    'iptables: a source in 0.0.0.0/8 other than 0.0.0.0 is not a martian (Linux >= 5.3)',
    `*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n-A INPUT -s 0.0.0.0/8 -j DROP\nCOMMIT\n`,
    [udp(1, '0.149.235.130', H, 40001, 53), udp(2, '0.0.0.0', H, 40002, 53), udp(3, C, H, 40003, 53)],
  ),
  ipt(
    'iptables: SNAT/MASQUERADE/DNAT onto a port range keep a port already inside it (get_unique_tuple)',
    `*nat\n:PREROUTING ACCEPT [0:0]\n:INPUT ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n:POSTROUTING ACCEPT [0:0]\n-A PREROUTING -p tcp --dport 8000:8100 -j DNAT --to-destination 192.0.2.10:8050-8060\n-A PREROUTING -p tcp --dport 9000:9100 -j DNAT --to-destination 192.0.2.10:9050-9060\n-A POSTROUTING -o lo -p udp -j MASQUERADE --to-ports 30000-45000\n-A POSTROUTING -o lo -p tcp -j SNAT --to-source 198.51.100.2:1024-45000\nCOMMIT\n*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n-A INPUT -i lo\nCOMMIT\n`,
    // DNAT: 8055 inside 8050-8060 stays, 9000 outside 9050-9060 becomes the first port (destination manip);
    // source NAT shows on local packets looped back through lo (their prerouting/input lines)
    [tcp(1, C, H, 40001, 8055), tcp(2, C, H, 40002, 9000), ludp(3, H, LO, 40003, 53), ltcp(4, H, LO, 40004, 80)],
    { forward: true },
  ),
  // found by tracing real-world rule files (session 12)
  ipt(
    'iptables: SYNPROXY (xt) takes a bare SYN and drops an ACK without a cookie; -m tcpmss returns its ! without an MSS option',
    `*raw\n:PREROUTING ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n-A PREROUTING -p tcp --dport 80 -j CT --notrack\nCOMMIT\n*mangle\n:PREROUTING ACCEPT [0:0]\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n:POSTROUTING ACCEPT [0:0]\n-A PREROUTING -p tcp --dport 22 -m tcpmss --mss 1:500 -j DROP\n-A PREROUTING -p tcp --dport 23 -m tcpmss ! --mss 536:65535 -j DROP\nCOMMIT\n` +
      `*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n-A INPUT -p tcp --dport 80 -m state --state INVALID,UNTRACKED -j SYNPROXY --sack-perm --timestamp --wscale 7 --mss 1460\n-A INPUT -p tcp --dport 80 -j ACCEPT\nCOMMIT\n`,
    [tcp(1, C, H, 40001, 80), tcp(2, C, H, 40002, 80, ['syn', 'ack']), tcp(3, C, H, 40003, 80, ['ack']), tcp(4, C, H, 40004, 80, ['fin', 'ack']), tcp(5, C, H, 40005, 22), tcp(6, C, H, 40006, 23)],
  ),
  ipt(
    'iptables: policy (no IPsec), tos, realm, tcp --tcp-option, rpfilter, and hashlimit/connlimit under their limits',
    `*raw\n:PREROUTING ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n-A PREROUTING -m rpfilter --loose -j MARK --set-mark 0x1\n-A PREROUTING -m rpfilter --invert -j DROP\nCOMMIT\n` +
      `*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n-A INPUT -m policy --dir in --pol none\n-A INPUT -m policy --dir in --pol ipsec -j DROP\n-A INPUT -m tos --tos 0\n-A INPUT -m tos --tos 0x10/0x3f -j DROP\n-A INPUT -m realm --realm 0\n-A INPUT -p tcp -m tcp --tcp-option 2 -j DROP\n-A INPUT -p tcp -m tcp ! --tcp-option 2\n` +
      `-A INPUT -p tcp -m hashlimit --hashlimit-above 200/sec --hashlimit-mode srcip --hashlimit-name syn -j DROP\n-A INPUT -p tcp -m hashlimit --hashlimit-upto 200/sec --hashlimit-name up\n-A INPUT -p tcp -m connlimit --connlimit-above 100 -j DROP\n-A INPUT -p tcp -m connlimit ! --connlimit-above 100\nCOMMIT\n`,
    [tcp(1, C, H, 40001, 80), tcp(2, '203.0.113.5', H, 40002, 80), udp(3, C, H, 40003, 53)],
  ),
  ipt(
    'iptables: -m recent sees what this packet put in a list; --mode nth counts from 0 in a fresh rule',
    `*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n-A INPUT -p tcp -m recent --name a --rcheck -j MARK --set-mark 0x1\n-A INPUT -p tcp -m recent --name a --set\n-A INPUT -p tcp -m recent --name a --rcheck --seconds 60\n-A INPUT -p tcp -m recent --name a --update --hitcount 2\n-A INPUT -p tcp -m recent --name a --update\n-A INPUT -p tcp -m recent --name a --remove\n` +
      `-A INPUT -p udp -m statistic --mode nth --every 3 --packet 0\n-A INPUT -p udp -m statistic --mode nth --every 3 --packet 1\nCOMMIT\n`,
    // one packet per protocol: the recent list and the nth counters start empty for each
    [tcp(1, C, H, 40001, 80), udp(2, C, H, 40002, 53)],
  ),
];

/** Random choices: the kernel's path must be one of the evaluator's leaves. */
export const PROBABILISTIC_CASES: readonly DiffCase[] = [
  nft(
    'numgen random: a vmap spreads packets over chains',
    'ip',
    `\tchain a {\n\t\tmeta mark set 0x1 accept\n\t}\n\tchain b {\n\t\tdrop\n\t}\n\tchain c {\n\t\tcounter\n\t}\n${input('\t\tnumgen random mod 3 vmap { 0 : jump a, 1 : jump b, 2 : jump c }\n\t\taccept', 'accept')}`,
    Array.from({ length: 8 }, (_, i) => tcp(i + 1, C, H, 41000 + i, 22)),
  ),
  nft(
    'numgen random: dnat to one of several endpoints (kube-proxy nft mode)',
    'ip',
    `\tchain pre {\n\t\ttype nat hook prerouting priority dstnat; policy accept;\n\t\ttcp dport 8080 dnat to numgen random mod 2 map { 0 : 192.0.2.10, 1 : 203.0.113.2 }\n\t}\n${input('\t\tip daddr 192.0.2.10 accept', 'drop')}`,
    Array.from({ length: 6 }, (_, i) => tcp(i + 1, C, H, 42000 + i, 8080)),
    { forward: true },
  ),
  ipt(
    'iptables statistic random: kube-proxy endpoint cascade',
    `*nat\n:PREROUTING ACCEPT [0:0]\n:INPUT ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n:POSTROUTING ACCEPT [0:0]\n:KUBE-SERVICES - [0:0]\n:KUBE-SVC-X - [0:0]\n:KUBE-SEP-A - [0:0]\n:KUBE-SEP-B - [0:0]\n:KUBE-SEP-C - [0:0]\n-A PREROUTING -j KUBE-SERVICES\n-A KUBE-SERVICES -d 198.51.100.2/32 -p tcp --dport 8080 -j KUBE-SVC-X\n-A KUBE-SVC-X -m statistic --mode random --probability 0.33333333349 -j KUBE-SEP-A\n-A KUBE-SVC-X -m statistic --mode random --probability 0.50000000000 -j KUBE-SEP-B\n-A KUBE-SVC-X -j KUBE-SEP-C\n-A KUBE-SEP-A -p tcp -j DNAT --to-destination 192.0.2.10:80\n-A KUBE-SEP-B -p tcp -j DNAT --to-destination 203.0.113.2:80\n-A KUBE-SEP-C -p tcp -j DNAT --to-destination 203.0.113.5:80\nCOMMIT\n`,
    Array.from({ length: 8 }, (_, i) => tcp(i + 1, C, H, 43000 + i, 8080)),
    { forward: true },
  ),
];

// ---- IPv6 (the oracle's IPv6 topology: client 2001:db8:1::1 — host 2001:db8:1::2 [lo: ::1, 2001:db8:ff::10]
// — host 2001:db8:2::1 — server 2001:db8:2::2; the case id travels in the flow label)
const C6 = '2001:db8:1::1';
const H6 = '2001:db8:1::2';
const HS6 = '2001:db8:2::1';
const S6 = '2001:db8:2::2';
const LO6 = '2001:db8:ff::10';
const ping6 = (id: number, s: string, d: string, extra: Partial<WirePacket> = {}) => remote(id, 'icmpv6', s, d, undefined, undefined, extra);
const ip6t = (name: string, save: string, packets: WirePacket[], options: DiffCase['options'] = {}): DiffCase => ({
  name, format: 'ip6tables', ruleset: `# Generated by ip6tables-nft-save v1.8.9 (nf_tables)\n${save}`, packets, options,
});
function nft6(name: string, family: 'ip6' | 'inet', body: string, packets: WirePacket[], options: DiffCase['options'] = {}, facts?: DiffCase['facts']): DiffCase {
  return { name, format: 'nft', ruleset: `table ${family} t {\n${body}\n}\n`, packets, options, ...(facts ? { facts } : {}) };
}

/** IPv6 packets to the host: ssh, web, dns, ping, and one from another client address. */
const toHost6 = (): WirePacket[] => [tcp(1, C6, H6, 40001, 22), tcp(2, C6, H6, 40002, 80), udp(3, C6, H6, 40003, 53), ping6(4, C6, H6), tcp(5, '2001:db8:1::77', H6, 40005, 443, ['syn', 'ack'])];
/** IPv6 packets the host would forward (to the server's /64, hairpinned back to the client's /64, and to a /64 without a route). */
const through6 = (): WirePacket[] => [
  tcp(1, C6, S6, 40001, 22), tcp(2, C6, '2001:db8:2::9', 40002, 80), udp(3, C6, S6, 40003, 53), ping6(4, C6, S6),
  tcp(5, C6, '2001:db8:1::99', 40005, 443), tcp(6, C6, '2001:db8:9::1', 40006, 22), { ...tcp(7, C6, S6, 40007, 22), ttl: 1 },
];

export const IPV6_CASES: readonly DiffCase[] = [
  nft6('ip6: verdicts and policy drop in an ip6 table', 'ip6', input('\t\ttcp dport 22 accept\n\t\tudp dport 53 drop\n\t\tcounter', 'drop'), toHost6()),
  raw(
    'ip6: an inet table sees both families, ip and ip6 tables only their own (priorities across tables)',
    `table ip6 a {\n${input('\t\ttcp dport 80 drop\n\t\tcounter', 'accept', '-10')}\n}\ntable inet b {\n${input('\t\tmeta nfproto ipv6 tcp dport 22 accept\n\t\tip saddr 198.51.100.1 accept\n\t\tip6 saddr 2001:db8:1::/64 meta l4proto udp drop', 'accept')}\n}\ntable ip c {\n${input('\t\tdrop', 'accept', '10')}\n}\n`,
    [...toHost6(), tcp(11, C, H, 40011, 22), udp(12, C, H, 40012, 53)],
  ),
  nft6(
    'ip6: prefixes, named interval set, negated anonymous set',
    'inet',
    `\tset nets {\n\t\ttype ipv6_addr\n\t\tflags interval\n\t\telements = { 2001:db8:1::/124, 2001:db8:1::70-2001:db8:1::80 }\n\t}\n${input('\t\tip6 saddr != @nets drop\n\t\tip6 saddr 2001:db8:1::/126 tcp dport 80 drop\n\t\tip6 daddr != { 2001:db8:1::2, 2001:db8:ff::10 } drop\n\t\tip6 saddr { 2001:db8:1::1, 2001:db8:1::77 } tcp dport 443 accept\n\t\tip6 saddr 2001:db8::/32 meta l4proto tcp counter', 'accept')}`,
    [...toHost6(), tcp(6, '2001:db8:1::90', H6, 40006, 22), tcp(7, '2001:db8:1::1', LO6, 40007, 80)],
  ),
  nft6(
    'ip6: concatenations with ip6 addresses (set, interval vmap, data map)',
    'ip6',
    `\tset pairs {\n\t\ttype ipv6_addr . inet_service\n\t\telements = { 2001:db8:1::1 . 22, 2001:db8:1::77 . 443 }\n\t}\n\tmap m {\n\t\ttype ipv6_addr . inet_service : verdict\n\t\tflags interval\n\t\telements = { 2001:db8:1::/120 . 50-60 : drop, 2001:db8:1::70-2001:db8:1::7f . 80-90 : accept }\n\t}\n\tchain pre {\n\t\ttype filter hook prerouting priority 0; policy accept;\n\t\tmeta mark set ip6 saddr . meta l4proto map { 2001:db8:1::1 . udp : 0x7, 2001:db8:1::77 . tcp : 0x8 }\n\t}\n${input('\t\tip6 saddr . tcp dport @pairs accept\n\t\tip6 saddr . udp dport vmap @m\n\t\tip6 saddr . tcp dport vmap @m\n\t\tmeta mark 0x7 drop', 'accept')}`,
    [...toHost6(), tcp(6, '2001:db8:1::75', H6, 40006, 85), udp(7, C6, H6, 40007, 55)],
  ),
  nft6(
    'ip6: nexthdr, meta l4proto, icmpv6 types (echo request, reply, an error)',
    'ip6',
    input('\t\tip6 nexthdr tcp tcp dport 22 accept\n\t\tmeta l4proto udp counter\n\t\ticmpv6 type echo-request accept\n\t\ticmpv6 type echo-reply drop\n\t\ticmpv6 type { destination-unreachable, packet-too-big } counter\n\t\tip6 nexthdr ipv6-icmp drop', 'accept'),
    [...toHost6(), ping6(6, C6, H6, { icmpType: 129 }), ping6(7, C6, H6, { icmpType: 1, icmpCode: 4 }), ping6(8, C6, H6, { icmpType: 3 })],
  ),
  nft6(
    'ip6: conntrack states (new, invalid SYN+ACK, an icmpv6 error without a flow, untracked)',
    'inet',
    `\tchain raw {\n\t\ttype filter hook prerouting priority raw; policy accept;\n\t\tudp dport 53 notrack\n\t}\n${input('\t\tct state untracked accept\n\t\tct state invalid drop\n\t\tct state new tcp dport 22 accept\n\t\tct state new meta l4proto ipv6-icmp accept', 'drop')}`,
    [...toHost6(), ping6(6, C6, H6, { icmpType: 1 }), ping6(7, C6, H6, { icmpType: 129 })],
  ),
  nft6(
    'ip6: conntrack new, then established in the reply direction (shared table)',
    'ip6',
    `\tchain out {\n\t\ttype filter hook output priority 0; policy accept;\n\t\tct state new ct direction original accept\n\t}\n${input('\t\tct state established ct direction reply accept\n\t\tct state new drop', 'drop')}`,
    [local(1, 'udp', H6, C6, 5353, 40001), udp(2, C6, H6, 40001, 5353), udp(3, C6, H6, 40009, 5353)],
    { conntrack: 'shared' },
    { 2: 'ct state established ct direction reply' },
  ),
  nft6(
    'ip6: dnat to a local address and to the server (ports), snat and masquerade (ip6 table)',
    'ip6',
    `\tchain pre {\n\t\ttype nat hook prerouting priority dstnat; policy accept;\n\t\ttcp dport 8080 dnat to [2001:db8:ff::10]:80\n\t\ttcp dport 8443 dnat to 2001:db8:2::2\n\t\tudp dport 5353 dnat to [2001:db8:2::5]:53\n\t}\n\tchain post {\n\t\ttype nat hook postrouting priority srcnat; policy accept;\n\t\toifname "nso-h1" tcp dport 8443 masquerade\n\t\toifname "nso-h1" udp dport 53 snat to [2001:db8:2::1]:6000\n\t\toifname "nso-h1" snat to 2001:db8:2::1\n\t}\n${input('\t\ttcp dport 80 ip6 daddr 2001:db8:ff::10 accept', 'drop')}`,
    [tcp(1, C6, H6, 40001, 8080), tcp(2, C6, H6, 40002, 8443), udp(3, C6, H6, 40003, 5353), tcp(4, C6, S6, 40004, 22), tcp(5, C6, H6, 40005, 22)],
    { forward: true },
  ),
  nft6(
    'ip6: inet nat chains with ip6 addresses, a concatenated dnat map, ct status in forward',
    'inet',
    `\tchain pre {\n\t\ttype nat hook prerouting priority dstnat; policy accept;\n\t\tdnat ip6 to ip6 daddr . tcp dport map { 2001:db8:1::2 . 8080 : 2001:db8:2::2 . 80, 2001:db8:1::2 . 8081 : 2001:db8:2::3 . 81 }\n\t\tdnat ip to 203.0.113.2\n\t}\n\tchain fw {\n\t\ttype filter hook forward priority 0; policy drop;\n\t\tct status dnat ct original ip6 daddr 2001:db8:1::2 tcp dport 80 accept\n\t\tct status dnat meta nfproto ipv4 accept\n\t}\n\tchain post {\n\t\ttype nat hook postrouting priority srcnat; policy accept;\n\t\tmeta nfproto ipv6 oifname "nso-h1" masquerade\n\t}`,
    [tcp(1, C6, H6, 40001, 8080), tcp(2, C6, H6, 40002, 8081), tcp(3, C6, H6, 40003, 22), tcp(4, C, H, 40004, 22)],
    { forward: true },
  ),
  nft6(
    'ip6: output dnat re-routes a local packet; redirect on output',
    'ip6',
    `\tchain out {\n\t\ttype nat hook output priority -100; policy accept;\n\t\ttcp dport 8080 dnat to 2001:db8:2::2\n\t\tudp dport 53 dnat to 2001:db8:ff::10\n\t\ttcp dport 2222 redirect to :22\n\t}\n\tchain post {\n\t\ttype filter hook postrouting priority 0; policy accept;\n\t\toifname "nso-h1" accept\n\t\toifname "lo" accept\n\t\tdrop\n\t}\n${input('\t\tudp dport 53 accept\n\t\ttcp dport 22 accept', 'drop')}`,
    [local(1, 'tcp', H6, C6, 40001, 8080), local(2, 'udp', H6, C6, 40002, 53), local(3, 'tcp', H6, C6, 40003, 2222), local(4, 'tcp', H6, C6, 40004, 80)],
  ),
  nft6(
    'ip6: fib (daddr type local/unreachable, reverse path, bound to iif, oif: none for a local route)',
    'ip6',
    `\tchain pre {\n\t\ttype filter hook prerouting priority 0; policy accept;\n\t\tfib saddr . iif oif missing drop\n\t\tfib daddr type local counter\n\t\tfib daddr . iif type local counter\n\t\tfib daddr type != local ip6 daddr 2001:db8:2::/64 counter\n\t\tfib daddr oif "nso-h1" counter\n\t\tfib daddr oif missing counter\n\t\tfib daddr type unreachable counter\n\t\tfib daddr . iif oif exists counter\n\t\tfib saddr oif missing counter\n\t}`,
    [tcp(1, C6, H6, 40001, 22), tcp(2, C6, LO6, 40002, 22), tcp(3, C6, S6, 40003, 22), tcp(4, '2001:db8:7::1', H6, 40004, 22), tcp(5, C6, HS6, 40005, 22), tcp(6, C6, '::1', 40006, 22), tcp(7, C6, '2001:db8:9::1', 40007, 22), tcp(8, H6, '2001:db8:1::9', 40008, 22)],
    { forward: true },
  ),
  nft6(
    'ip6: reject with icmpv6 and tcp reset (inet and ip6 families)',
    'inet',
    input('\t\ttcp dport 22 reject with tcp reset\n\t\tudp dport 53 reject with icmpv6 type port-unreachable\n\t\tmeta l4proto ipv6-icmp reject\n\t\ttcp dport 80 reject with icmpv6 type admin-prohibited\n\t\treject with icmpx type admin-prohibited', 'accept'),
    [...toHost6(), tcp(11, C, H, 40011, 22)],
  ),
  nft6('ip6: reject in an ip6 table, forward, from a regular chain', 'ip6', `\tchain deny {\n\t\treject\n\t}\n\tchain fw {\n\t\ttype filter hook forward priority 0; policy accept;\n\t\tip6 daddr 2001:db8:2::2 tcp dport 22 jump deny\n\t\tudp dport 53 reject with icmpv6 type addr-unreachable\n\t}`, through6(), { forward: true }),
  nft6(
    'ip6: hoplimit, dscp, flowlabel (the case id), length',
    'ip6',
    input('\t\tip6 flowlabel 3 drop\n\t\tip6 hoplimit < 10 counter\n\t\tip6 dscp af11 accept\n\t\tip6 dscp cs1 drop\n\t\tip6 hoplimit 255 drop\n\t\tip6 length > 100 drop\n\t\tip6 flowlabel != 0 counter', 'accept'),
    [
      tcp(1, C6, H6, 40001, 22), { ...tcp(2, C6, H6, 40002, 22), dscp: 10 }, udp(3, C6, H6, 40003, 53), { ...tcp(4, C6, H6, 40004, 22), dscp: 8 },
      { ...tcp(5, C6, H6, 40005, 22), ttl: 255 }, { ...tcp(6, C6, H6, 40006, 22), ttl: 5 }, { ...udp(7, C6, H6, 40007, 53), length: 300 },
    ],
  ),
  nft6(
    'ip6: locally generated packets (output, to the server, to ::1 and the host\'s own addresses through lo)',
    'inet',
    `\tchain out {\n\t\ttype filter hook output priority 0; policy accept;\n\t\tip6 daddr ::1 counter\n\t\toifname "nso-h1" tcp dport 22 drop\n\t\tmeta l4proto udp accept\n\t\tmeta skgid 29457 counter\n\t}\n\tchain post {\n\t\ttype filter hook postrouting priority 0; policy accept;\n\t\toifname "lo" counter\n\t}\n${input('\t\tiifname "lo" ip6 saddr ::1 accept\n\t\ttcp dport 22 drop', 'accept')}`,
    [local(1, 'tcp', H6, S6, 40001, 22), local(2, 'udp', H6, S6, 40002, 53), local(3, 'tcp', '::1', '::1', 40003, 22), local(4, 'tcp', H6, LO6, 40004, 22), local(5, 'icmpv6', H6, HS6), local(6, 'tcp', H6, '2001:db8:9::1', 40006, 80)],
  ),
  nft6(
    'ip6: forwarding off — non-local destinations die after prerouting',
    'inet',
    `\tchain pre {\n\t\ttype filter hook prerouting priority 0; policy accept;\n\t\tmeta nfproto ipv6 counter\n\t}\n\tchain fw {\n\t\ttype filter hook forward priority 0; policy accept;\n\t\ttcp dport 22 drop\n\t}\n\tchain post {\n\t\ttype filter hook postrouting priority 0; policy accept;\n\t\tcounter\n\t}`,
    through6(),
  ),
  nft6(
    'ip6: forwarding on — forward chain, hairpin, no route, hop limit 1 expires',
    'inet',
    `\tchain fw {\n\t\ttype filter hook forward priority 0; policy accept;\n\t\ttcp dport 22 iifname "nso-h0" oifname "nso-h1" drop\n\t\tip6 daddr 2001:db8:1::/64 counter\n\t\tip6 hoplimit 63 meta l4proto udp drop\n\t}\n\tchain post {\n\t\ttype filter hook postrouting priority 0; policy accept;\n\t\toifname "nso-h0" counter\n\t}`,
    through6(),
    { forward: true },
  ),
  nft6(
    'ip6: host addresses beyond the interfaces (AnyIP prefix on lo)',
    'ip6',
    input('\t\tip6 daddr 2001:db8:aa::/64 tcp dport 22 accept\n\t\tcounter', 'drop'),
    [tcp(1, C6, '2001:db8:aa::5', 40001, 22), tcp(2, C6, '2001:db8:aa::6', 40002, 80), tcp(3, C6, '2001:db8:ab::1', 40003, 22)],
    { hostAddrs: ['2001:db8:aa::/64'] },
  ),
  ip6t(
    'ip6tables: filter with conntrack, icmp6, REJECT, a custom chain',
    `*filter\n:INPUT DROP [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n:SVC - [0:0]\n-A INPUT -m conntrack --ctstate INVALID -j DROP\n-A INPUT -p ipv6-icmp -m icmp6 --icmpv6-type 128 -j ACCEPT\n-A INPUT -s 2001:db8:1::77/128 -j REJECT --reject-with icmp6-adm-prohibited\n-A INPUT -p tcp -m multiport --dports 22,80 -j SVC\n-A INPUT -p udp -j REJECT --reject-with icmp6-port-unreachable\n-A SVC -s 2001:db8:1::/120 -p tcp --dport 22 -j ACCEPT\n-A SVC -p tcp -j REJECT --reject-with tcp-reset\nCOMMIT\n`,
    [...toHost6(), tcp(6, '2001:db8:1::200', H6, 40006, 22)],
  ),
  ip6t(
    'ip6tables: nat DNAT/MASQUERADE/SNAT with forward, mangle MARK',
    `*mangle\n:PREROUTING ACCEPT [0:0]\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n:POSTROUTING ACCEPT [0:0]\n-A PREROUTING -p tcp --dport 8080 -j MARK --set-xmark 0x4000/0x4000\nCOMMIT\n*nat\n:PREROUTING ACCEPT [0:0]\n:INPUT ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n:POSTROUTING ACCEPT [0:0]\n-A PREROUTING -d 2001:db8:1::2/128 -p tcp --dport 8080 -j DNAT --to-destination [2001:db8:2::2]:80\n-A PREROUTING -p udp --dport 5353 -j DNAT --to-destination [2001:db8:ff::10]:53\n-A POSTROUTING -o nso-h1 -p tcp -j MASQUERADE\n-A POSTROUTING -o nso-h1 -j SNAT --to-source 2001:db8:2::1\nCOMMIT\n*filter\n:INPUT ACCEPT [0:0]\n:FORWARD DROP [0:0]\n:OUTPUT ACCEPT [0:0]\n-A FORWARD -m mark --mark 0x4000/0x4000 -d 2001:db8:2::2/128 -p tcp --dport 80 -j ACCEPT\n-A FORWARD -p udp -j ACCEPT\nCOMMIT\n`,
    [tcp(1, C6, H6, 40001, 8080), udp(2, C6, H6, 40002, 5353), tcp(3, C6, S6, 40003, 80), udp(4, C6, S6, 40004, 123), tcp(5, C6, H6, 40005, 22)],
    { forward: true },
  ),
  ip6t(
    'ip6tables: hl, icmp6 types and codes, iprange, addrtype, multiport, length, REJECT variants',
    `*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n-A INPUT -m hl --hl-eq 1 -j DROP\n-A INPUT -m hl --hl-lt 10 -j ACCEPT\n-A INPUT -p ipv6-icmp -m icmp6 --icmpv6-type echo-reply -j DROP\n-A INPUT -p ipv6-icmp -m icmp6 --icmpv6-type 1/4 -j DROP\n-A INPUT -p icmpv6 --icmpv6-type destination-unreachable -j ACCEPT\n-A INPUT -m iprange --src-range 2001:db8:1::70-2001:db8:1::80 -j REJECT --reject-with icmp6-addr-unreachable\n-A INPUT -m addrtype --dst-type LOCAL -p tcp --dport 22 -j ACCEPT\n-A INPUT -s 2001:db8:1::/120 ! -d 2001:db8:ff::10/128 -p udp -m multiport --dports 53,123 -j REJECT\n-A INPUT -m length --length 100:200 -j DROP\n-A INPUT -p tcp --tcp-flags SYN,ACK SYN -m conntrack --ctstate NEW -j REJECT --reject-with tcp-reset\nCOMMIT\n`,
    [remote(1, 'tcp', C6, H6, 40001, 22, { ttl: 1 }), remote(2, 'tcp', C6, H6, 40002, 22, { ttl: 5 }), remote(3, 'icmpv6', C6, H6, undefined, undefined, { icmpType: 129 }), remote(4, 'icmpv6', C6, H6, undefined, undefined, { icmpType: 1, icmpCode: 4 }), remote(5, 'icmpv6', C6, H6, undefined, undefined, { icmpType: 1, icmpCode: 3 }), remote(6, 'tcp', '2001:db8:1::75', H6, 40006, 80), remote(7, 'tcp', C6, H6, 40007, 22), remote(8, 'udp', C6, H6, 40008, 53), remote(9, 'udp', C6, LO6, 40009, 123), remote(10, 'udp', C6, H6, 40010, 5000, { length: 150 }), remote(11, 'tcp', C6, H6, 40011, 80)],
    {},
  ),
  ip6t(
    'ip6tables: kube-proxy IPv6 Service (KUBE-SVC statistic cascade, DNAT to [addr]:port, KUBE-MARK-MASQ, MASQUERADE)',
    `*nat\n:PREROUTING ACCEPT [0:0]\n:INPUT ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n:POSTROUTING ACCEPT [0:0]\n:KUBE-SERVICES - [0:0]\n:KUBE-SVC-A - [0:0]\n:KUBE-SEP-1 - [0:0]\n:KUBE-SEP-2 - [0:0]\n:KUBE-MARK-MASQ - [0:0]\n:KUBE-POSTROUTING - [0:0]\n-A PREROUTING -m comment --comment "kubernetes service portals" -j KUBE-SERVICES\n-A OUTPUT -m comment --comment "kubernetes service portals" -j KUBE-SERVICES\n-A POSTROUTING -m comment --comment "kubernetes postrouting rules" -j KUBE-POSTROUTING\n-A KUBE-MARK-MASQ -j MARK --set-xmark 0x4000/0x4000\n-A KUBE-POSTROUTING -m mark ! --mark 0x4000/0x4000 -j RETURN\n-A KUBE-POSTROUTING -j MARK --set-xmark 0x4000/0x0\n-A KUBE-POSTROUTING -m comment --comment "kubernetes service traffic requiring SNAT" -j MASQUERADE --random-fully\n-A KUBE-SERVICES -d 2001:db8:ff::50/128 -p tcp -m comment --comment "default/web cluster IP" -m tcp --dport 80 -j KUBE-SVC-A\n-A KUBE-SVC-A ! -s 2001:db8:1::/64 -d 2001:db8:ff::50/128 -p tcp -m tcp --dport 80 -j KUBE-MARK-MASQ\n-A KUBE-SVC-A -m statistic --mode random --probability 0.50000000000 -j KUBE-SEP-1\n-A KUBE-SVC-A -j KUBE-SEP-2\n-A KUBE-SEP-1 -s 2001:db8:2::5/128 -j KUBE-MARK-MASQ\n-A KUBE-SEP-1 -p tcp -m tcp -j DNAT --to-destination [2001:db8:2::5]:8080\n-A KUBE-SEP-2 -p tcp -m tcp -j DNAT --to-destination [2001:db8:ff::10]:8080\nCOMMIT\n*filter\n:INPUT ACCEPT [0:0]\n:FORWARD DROP [0:0]\n:OUTPUT ACCEPT [0:0]\n-A FORWARD -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT\n-A FORWARD -m conntrack --ctstate DNAT -j ACCEPT\n-A FORWARD -m mark --mark 0x4000/0x4000 -j ACCEPT\nCOMMIT\n`,
    [remote(1, 'tcp', C6, '2001:db8:ff::50', 40001, 80), remote(2, 'tcp', '2001:db8:7::9', '2001:db8:ff::50', 40002, 80), local(3, 'tcp', H6, '2001:db8:ff::50', 40003, 80), remote(4, 'tcp', C6, S6, 40004, 80)],
    { forward: true },
  ),
  ip6t(
    'ip6tables: mangle CONNMARK/MARK/HL, raw CT --notrack, state, owner, REJECT on output',
    `*mangle\n:PREROUTING ACCEPT [0:0]\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n:POSTROUTING ACCEPT [0:0]\n-A PREROUTING -p udp -j CONNMARK --set-mark 0x7\n-A PREROUTING -m connmark --mark 0x7 -j MARK --set-mark 0x9\n-A PREROUTING -p tcp --dport 80 -j HL --hl-set 1\n-A INPUT -m mark --mark 0x9 -j DROP\n-A FORWARD -m hl --hl-eq 0 -j DROP\nCOMMIT\n*raw\n:PREROUTING ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n-A PREROUTING -p udp --dport 5353 -j CT --notrack\nCOMMIT\n*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n-A INPUT -m state --state UNTRACKED -j ACCEPT\n-A INPUT -m conntrack --ctstate NEW -p udp -j ACCEPT\n-A OUTPUT -m owner --uid-owner 0 -o lo -j ACCEPT\n-A OUTPUT -p tcp -j REJECT --reject-with icmp6-adm-prohibited\nCOMMIT\n`,
    [remote(1, 'udp', C6, H6, 40001, 53), remote(2, 'udp', C6, H6, 40002, 5353), remote(3, 'tcp', C6, S6, 40003, 80), remote(4, 'tcp', C6, S6, 40004, 22), local(5, 'tcp', H6, LO6, 40005, 22), local(6, 'tcp', H6, S6, 40006, 22)],
    { forward: true },
  ),
];
