// Random differential cases: a seeded generator of valid nft 1.0.6 rulesets for the oracle topology, with
// packets aimed at (and past) their rules. Pure (no Node, no clock, no Math.random); imports only oracle data.
//
// What it covers: ip and inet tables; base chains on every hook, filter and nat types, numeric and named
// priorities (with arithmetic, and ties); regular chains reached by jump, goto and vmaps as a DAG (no loops,
// depth < 16); payload matches (addresses, prefixes, ranges, ports, protocols, TCP flags with masks, ICMP
// types, TTL, length), ct state, meta mark set/match (also before the matches of a rule), iifname/oifname,
// anonymous and named sets (intervals, concatenations), data maps, verdict maps (concatenated keys too, named
// with intervals; numgen random and jhash keys), dnat/snat/masquerade/redirect (also bare, and dnat through
// concatenated address . port maps), `th` ports under `meta l4proto`, fib (type, reverse path, bound to iif),
// ct status/direction/mark, skuid/skgid, nfproto, mark arithmetic (or/and/xor), ct mark set, notrack, ip6
// tables that IPv4 packets must pass untouched, counters, continue/return, accept/drop/reject, policies.
// Load rules learnt from nft 1.0.6 / Linux 6.18 (see README.md): nat chains need priority > -200; `dstnat`
// names only prerouting and `srcnat` only postrouting; reject is refused on postrouting; dnat/redirect only in
// nat chains on prerouting/output, snat on postrouting/input, masquerade on postrouting; a regular chain is
// checked against every base chain that can reach it.
import { generateIpv6Case } from './generateIpv6Case.ts';
import { generateNftFamilyCase, HOOKS, type NftAddrChoice, type GeneratedCase, type NftFamily } from './nftCaseShared.ts';
import type { Rng } from './prng.ts';
import { CLIENT_ADDR, HOST_ADDR, HOST_LO_ADDR } from './topology.ts';
import { ELSEWHERE, isHostLocal, n2ip, prefixAddr, rangeAddr, sampleAddr, singleAddr, type ValueItem } from './caseValues.ts';

export type { GeneratedCase } from './nftCaseShared.ts';

type AddrItem = ValueItem;

// items of one catalogue never overlap, so any subset is a valid interval set
const ADDRS: readonly AddrItem[] = [
  singleAddr(CLIENT_ADDR),
  singleAddr(HOST_ADDR),
  rangeAddr('198.51.100.3', '198.51.100.15'),
  prefixAddr('198.51.100.16', 28),
  prefixAddr('198.51.100.64', 26),
  prefixAddr('198.51.100.128', 25),
  singleAddr(HOST_LO_ADDR),
  prefixAddr('192.0.2.64', 26),
  singleAddr('203.0.113.2'),
  prefixAddr('203.0.113.16', 28),
  prefixAddr('203.0.113.128', 25),
  prefixAddr('10.0.0.0', 8),
  prefixAddr('100.64.0.0', 10),
];

const choice = (item: AddrItem): NftAddrChoice => ({
  text: item.text,
  sample: (rng) => sampleAddr(rng, item),
  // a drawn address and the boundaries; the last address of a prefix is left out (a subnet broadcast sends
  // nowhere interesting)
  note: (rng) => [n2ip(rng.int(item.lo, item.hi)), ...(item.lo !== item.hi ? [n2ip(item.lo), n2ip(item.text.includes('/') ? item.hi - 1 : item.hi)] : [])],
});

const ICMP_MATCHES: readonly (readonly [string, number])[] = [
  ['icmp type echo-request', 8],
  ['icmp type { echo-request, echo-reply }', 0],
  ['icmp type destination-unreachable', 3],
  ['icmp type != echo-request', 0],
];
/** A small ip6 table (base chains with drop policies, a nat chain, IPv6-only matches): IPv4 packets never meet it. */
function renderIp6Table(rng: Rng): string {
  const chains: string[] = [];
  for (const hook of rng.subset(HOOKS, 1, 3)) {
    const rules = [rng.pick(['tcp dport 22 accept', 'ip6 saddr ::1 accept', 'meta mark 0x1 counter', 'ct state established accept', 'udp dport 53 drop'])];
    chains.push(`\tchain ${hook} {\n\t\ttype filter hook ${hook} priority ${rng.pick([-200, -100, 0, 0, 100])}; policy drop;\n${rules.map((r) => `\t\t${r}\n`).join('')}\t}`);
  }
  if (rng.chance(0.5)) chains.push('\tchain nat_pre {\n\t\ttype nat hook prerouting priority dstnat; policy accept;\n\t\ttcp dport 8080 dnat to [2001:db8::1]:80\n\t}');
  return `table ip6 v6 {\n${chains.join('\n')}\n}\n`;
}

const SERVER_DADDRS = ['203.0.113.2', '203.0.113.5', '203.0.113.20', '203.0.113.140', '203.0.113.77'];

/** The IPv4 profile of the shared generator. */
const IPV4: NftFamily = {
  ip: 'ip',
  addrType: 'ipv4_addr',
  seedMix: (seed) => seed,
  otherFamilyTable: renderIp6Table,
  clientAddr: CLIENT_ADDR,
  hostAddr: HOST_ADDR,
  hostLoAddr: HOST_LO_ADDR,
  ownAddrs: [HOST_ADDR, HOST_LO_ADDR],
  addrs: ADDRS.map(choice),
  singleAddrs: ADDRS.filter((a) => a.lo === a.hi).map(choice),
  extraLocal: '192.0.2.64/26',
  natTargets: [HOST_LO_ADDR, HOST_ADDR, '203.0.113.5', '203.0.113.140', '10.1.2.3', '192.0.2.70'],
  snatSources: [HOST_ADDR, '203.0.113.1', '198.51.100.200'],
  hostPort: (addr, port) => (port ? `${addr}:${port}` : addr),
  isHostLocal,
  icmp: 'icmp',
  icmpWeight: 1.2,
  icmpMatches: ICMP_MATCHES,
  protoField: 'ip protocol',
  ttlMatches: [['ip ttl < 5', 2], ['ip ttl 1', 1], ['ip ttl != 64', 100], ['ip ttl > 32', undefined]],
  lengthMatches: [['ip length > 100', 300], ['ip length < 60', undefined], ['ip length 40-80', 60]],
  fibMatches: ['fib daddr type local', 'fib daddr type != local', 'fib daddr type { local, broadcast }', 'fib saddr . iif oif exists', 'fib saddr . iif oif missing', 'fib daddr . iif type local'],
  // not `meta nfproto ipv6`: nft refuses it before an ip match in the same rule (conflicting protocols)
  nfprotoMatches: ['meta nfproto ipv4', 'meta nfproto != ipv6'],
  extraMatchKinds: [],
  extraMatch: () => ({}),
  remoteSources: [[CLIENT_ADDR, 5], ['198.51.100.9', 1], ['198.51.100.150', 1], ['100.64.1.2', 1], ['203.0.113.20', 0.5]],
  forwardDaddrs: SERVER_DADDRS,
  remoteDaddrs: (rng) => [[HOST_ADDR, 4], [HOST_LO_ADDR, 1.5], [rng.pick(SERVER_DADDRS), 1.5], [rng.pick(ELSEWHERE), 0.7]],
  localSources: [[HOST_ADDR, 6], [HOST_LO_ADDR, 2], ['203.0.113.1', 1]],
  loDaddr: () => HOST_LO_ADDR,
  localDaddrs: (rng) => [[CLIENT_ADDR, 4], [rng.pick(SERVER_DADDRS), 2], [HOST_LO_ADDR, 1.5], [HOST_ADDR, 0.5]],
  icmpTypes: [[8, 6], [0, 2], [3, 1], [11, 1]],
  unreachable: { type: 3, codes: [1, 3] },
  ttls: (rng) => [[undefined, 17], [1, 1], [2, 1], [rng.int(3, 255), 1]],
};

/** `family: 'ip6'`: an IPv6 case from generateIpv6Case.ts (its own seed space); IPv4 cases are unchanged. */
export function generateCase(seed: number, opts: { family?: 'ip' | 'ip6' } = {}): GeneratedCase {
  if (opts.family === 'ip6') return generateIpv6Case(seed);
  return generateNftFamilyCase(IPV4, seed);
}
