// Random IPv6 differential cases: the IPv6 counterpart of generateCase.ts (its own seed space, reached through
// `generateCase(seed, { family: 'ip6' })`), for the oracle's IPv6 topology (client 2001:db8:1::1 — host
// 2001:db8:1::2 [lo 2001:db8:ff::10, ::1] — host 2001:db8:2::1 — server 2001:db8:2::/64). Pure (no Node, no
// clock, no Math.random); imports only oracle data.
//
// What it covers: ip6 and inet tables (now and then an ip table that IPv6 packets must pass untouched); base
// chains on every hook, filter and nat, numeric and named priorities with ties; regular chains by jump, goto
// and vmaps as a DAG; ip6 saddr/daddr (single, prefix, range, anonymous and named sets with intervals,
// negation), ports, ip6 nexthdr / meta l4proto, TCP flags, icmpv6 types (echo, errors), ct state/status/
// direction/mark, meta mark set/match, iifname/oifname, ip6 daddr . port concatenations (sets, vmaps, dnat
// maps), ip6 hoplimit / length / dscp / flowlabel (the case id), `th` ports, fib (type, reverse path, bound to
// iif), skuid/skgid, nfproto, mark arithmetic, ct mark set, notrack, counters, verdicts, reject (icmpv6 types,
// icmpx, tcp reset), dnat/snat/masquerade/redirect (with ports, maps, `dnat ip6 to` and the other family's
// `dnat ip to` in inet tables). Packets: IPv6 TCP/UDP/ICMPv6 from the client and from the host itself, aimed
// at the rules as in generateCase.ts. Same load rules as generateCase.ts.
import { generateNftFamilyCase, HOOKS, type NftAddrChoice, type GeneratedCase, type NftAim, type NftFamily } from './nftCaseShared.ts';
import type { OracleOptions } from './kernelOracle.ts';
import type { Rng } from './prng.ts';
import { CLIENT_ADDR6, HOST_ADDR6, HOST_LO_ADDR6, HOST_SERVER_ADDR6, SERVER_ADDR6 } from './topology.ts';

// ---- IPv6 addresses as numbers ----

export function ip6ToBig(text: string): bigint {
  const [head, tail] = text.includes('::') ? (text.split('::') as [string, string]) : [text, undefined];
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = tail === undefined ? h : [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t];
  return groups.reduce((n, g) => (n << 16n) | BigInt(parseInt(g, 16)), 0n);
}

/** RFC 5952 text: lower case, the longest run of two or more zero groups as `::`. */
export function bigToIp6(n: bigint): string {
  const g = Array.from({ length: 8 }, (_, i) => Number((n >> BigInt(112 - 16 * i)) & 0xffffn));
  let best = { at: -1, len: 1 };
  for (let i = 0; i < 8; ) {
    if (g[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > best.len) best = { at: i, len: j - i };
    i = j;
  }
  const hex = g.map((x) => x.toString(16));
  if (best.at < 0) return hex.join(':');
  return `${hex.slice(0, best.at).join(':')}::${hex.slice(best.at + best.len).join(':')}`;
}

// ---- value catalogues (items of one catalogue never overlap, so any subset is a valid interval set) ----

export interface AddrItem {
  text: string;
  lo: bigint;
  hi: bigint;
}
export const singleAddr = (a: string): AddrItem => ({ text: a, lo: ip6ToBig(a), hi: ip6ToBig(a) });
export const prefixAddr = (a: string, len: number): AddrItem => ({ text: `${a}/${len}`, lo: ip6ToBig(a), hi: ip6ToBig(a) + (1n << BigInt(128 - len)) - 1n });
export const rangeAddr = (a: string, b: string): AddrItem => ({ text: `${a}-${b}`, lo: ip6ToBig(a), hi: ip6ToBig(b) });
/** An address inside an item (wide prefixes: among their first 2^20). */
export const sampleAddr = (rng: Rng, it: AddrItem): string => bigToIp6(it.lo + (BigInt(rng.int(0, 0xfffff)) % (it.hi - it.lo + 1n)));

// No item holds 2001:db8:1:: or 2001:db8:2:: (the subnet-router anycast addresses become local when
// forwarding is on), ::1 or a multicast address (the receive path drops them before prerouting).
const ADDRS: readonly AddrItem[] = [
  singleAddr(CLIENT_ADDR6),
  singleAddr(HOST_ADDR6),
  rangeAddr('2001:db8:1::3', '2001:db8:1::f'),
  prefixAddr('2001:db8:1::100', 120),
  prefixAddr('2001:db8:1::8000', 113),
  singleAddr(HOST_LO_ADDR6),
  prefixAddr('2001:db8:ff::40', 122),
  singleAddr(SERVER_ADDR6),
  prefixAddr('2001:db8:2::10', 124),
  prefixAddr('2001:db8:2::8000', 113),
  prefixAddr('2001:db8:aa::100', 120),
  prefixAddr('2001:db8:9::', 48),
  prefixAddr('fd00::', 8),
];
/** Destinations no namespace owns (no route: dropped after prerouting). */
const ELSEWHERE = ['2001:db8:9::1', 'fd00::77', '2001:db8:7::1'];

const choice = (item: AddrItem): NftAddrChoice => ({
  text: item.text,
  sample: (rng) => sampleAddr(rng, item),
  // a drawn address and the boundaries (IPv6 has no subnet broadcast: a prefix's last address is an ordinary one)
  note: (rng) => [sampleAddr(rng, item), ...(item.lo !== item.hi ? [bigToIp6(item.lo), bigToIp6(item.hi)] : [])],
});

const ICMP_MATCHES: readonly (readonly [string, number])[] = [
  ['icmpv6 type echo-request', 128],
  ['icmpv6 type { echo-request, echo-reply }', 129],
  ['icmpv6 type destination-unreachable', 1],
  ['icmpv6 type != echo-request', 129],
  ['icmpv6 type { packet-too-big, time-exceeded }', 3],
  ['icmpv6 type echo-request icmpv6 code 0', 128],
];
/** A small ip table (base chains with drop policies, a nat chain, IPv4-only matches): IPv6 packets never meet it. */
function renderIpTable(rng: Rng): string {
  const chains: string[] = [];
  for (const hook of rng.subset(HOOKS, 1, 3)) {
    const rules = [rng.pick(['tcp dport 22 accept', 'ip saddr 127.0.0.1 accept', 'meta mark 0x1 counter', 'ct state established accept', 'udp dport 53 drop'])];
    chains.push(`\tchain ${hook} {\n\t\ttype filter hook ${hook} priority ${rng.pick([-200, -100, 0, 0, 100])}; policy drop;\n${rules.map((r) => `\t\t${r}\n`).join('')}\t}`);
  }
  if (rng.chance(0.5)) chains.push('\tchain nat_pre {\n\t\ttype nat hook prerouting priority dstnat; policy accept;\n\t\ttcp dport 8080 dnat to 203.0.113.5:80\n\t}');
  return `table ip v4 {\n${chains.join('\n')}\n}\n`;
}

const SERVER_DADDRS = [SERVER_ADDR6, '2001:db8:2::5', '2001:db8:2::1c', '2001:db8:2::8123', '2001:db8:2::4d'];
/** Other addresses of the client's /64: forwarded back out nso-h0 (hairpin). */
const CLIENT_SIDE = ['2001:db8:1::9', '2001:db8:1::150', '2001:db8:1::9000'];

/** Whether the host owns an address: its own, its lo address, or the case's AnyIP prefix. */
export function isHostLocal6(addr: string, options: OracleOptions): boolean {
  if (addr === HOST_ADDR6 || addr === HOST_LO_ADDR6 || addr === HOST_SERVER_ADDR6) return true;
  return (options.hostAddrs ?? []).some((a) => {
    const [base, len] = a.split('/') as [string, string];
    const it = prefixAddr(base, Number(len));
    const n = ip6ToBig(addr);
    return n >= it.lo && n <= it.hi;
  });
}

/** The IPv6-only match kinds. */
function extraMatch(kind: string, rng: Rng, aimAt: (part: NftAim) => void): { text?: string } {
  switch (kind) {
    case 'dscp': {
      const [text, dscp] = rng.pick([['ip6 dscp af11', 10], ['ip6 dscp cs1', 8], ['ip6 dscp != cs0', 46], ['ip6 dscp { ef, af41 }', 46]] as const);
      aimAt({ dscp });
      return { text };
    }
    case 'mask': {
      // a bitwise mask over an address: the /64 of the destination, the interface id of the source
      const [text, aim] = rng.pick([
        ['ip6 daddr & ffff:ffff:ffff:ffff:: == 2001:db8:2::', { daddr: '2001:db8:2::2' }],
        ['ip6 daddr & ffff:ffff:ffff:ffff:: != 2001:db8:1::', { daddr: '2001:db8:2::5' }],
        ['ip6 saddr & ::ffff == ::1', { saddr: CLIENT_ADDR6 }],
        ['ip6 saddr & ffff:ffff:ffff:: == 2001:db8:1::', { saddr: '2001:db8:1::150' }],
      ] as const);
      aimAt(aim);
      return { text };
    }
    case 'pair': {
      const pairs = rng.subset([[CLIENT_ADDR6, HOST_ADDR6], [CLIENT_ADDR6, SERVER_ADDR6], ['2001:db8:1::9', HOST_LO_ADDR6], [HOST_ADDR6, CLIENT_ADDR6]], 1, 3);
      const [saddr, daddr] = rng.pick(pairs);
      aimAt({ saddr, daddr });
      return { text: `ip6 saddr . ip6 daddr { ${pairs.map(([a, b]) => `${a} . ${b}`).join(', ')} }` };
    }
    case 'ctorig':
      // the connection's original tuple: before any NAT of this packet
      return { text: rng.pick([`ct original ip6 daddr ${HOST_ADDR6}`, 'ct original ip6 saddr 2001:db8:1::/64', `ct original ip6 daddr != ${SERVER_ADDR6}`, `ct reply ip6 saddr ${SERVER_ADDR6}`]) };
    case 'flowlabel':
      // the flow label carries the case id (1..8 here): such a rule picks out some packets by their id
      return { text: rng.pick(['ip6 flowlabel 1', 'ip6 flowlabel { 2, 3 }', 'ip6 flowlabel != 4', 'ip6 flowlabel > 5']) };
  }
  return {};
}

/** The IPv6 profile of the shared generator. */
const IPV6: NftFamily = {
  ip: 'ip6',
  addrType: 'ipv6_addr',
  // its own seed space: seed n here is not IPv4 seed n
  seedMix: (seed) => (Math.imul(seed, 0x9e3779b1) ^ 0x6a09e667) >>> 0,
  otherFamilyTable: renderIpTable,
  clientAddr: CLIENT_ADDR6,
  hostAddr: HOST_ADDR6,
  hostLoAddr: HOST_LO_ADDR6,
  ownAddrs: [HOST_ADDR6, HOST_LO_ADDR6, HOST_SERVER_ADDR6],
  addrs: ADDRS.map(choice),
  singleAddrs: ADDRS.filter((a) => a.lo === a.hi).map(choice),
  extraLocal: '2001:db8:aa::/64',
  natTargets: [HOST_LO_ADDR6, HOST_ADDR6, '2001:db8:2::5', '2001:db8:2::8123', '2001:db8:9::3', '2001:db8:ff::50'],
  // no fixed port: packets of one batch to the same destination endpoint would all map onto one reply
  // tuple, and the second would die at conntrack confirm (a clash), which a fresh table never sees
  snatSources: [HOST_ADDR6, HOST_SERVER_ADDR6, '2001:db8:2::200'],
  // an address with a port needs brackets
  hostPort: (addr, port) => (port ? `[${addr}]:${port}` : addr),
  isHostLocal: isHostLocal6,
  icmp: 'icmpv6',
  icmpWeight: 1.5,
  icmpMatches: ICMP_MATCHES,
  // `ip6 nexthdr` is the first header's type: the transport protocol here (no extension headers)
  protoField: 'ip6 nexthdr',
  ttlMatches: [['ip6 hoplimit < 5', 2], ['ip6 hoplimit 1', 1], ['ip6 hoplimit != 64', 100], ['ip6 hoplimit > 32', undefined], ['ip6 hoplimit 255', 255]],
  // `ip6 length` is the payload length; a case's `length` is the whole packet's (40 more)
  lengthMatches: [['ip6 length > 100', 300], ['ip6 length < 20', undefined], ['ip6 length 20-60', 80], ['meta length > 200', 400]],
  fibMatches: ['fib daddr type local', 'fib daddr type != local', 'fib daddr type { local, multicast }', 'fib saddr . iif oif exists', 'fib saddr . iif oif missing', 'fib daddr . iif type local', 'fib daddr type unreachable', 'fib daddr oif missing', 'fib daddr oif exists', 'fib daddr . iif oif exists'],
  // not `meta nfproto ipv4`: nft refuses it before an ip6 match in the same rule (conflicting protocols)
  nfprotoMatches: ['meta nfproto ipv6', 'meta nfproto != ipv4'],
  extraMatchKinds: [['dscp', 0.4], ['flowlabel', 0.3], ['mask', 0.5], ['pair', 0.4], ['ctorig', 0.4]],
  extraMatch,
  // a hop limit of 1 set in prerouting makes a forwarded packet expire
  headerRewrites: ['ip6 hoplimit set 1', 'ip6 hoplimit set 200', 'ip6 dscp set cs1', 'ip6 dscp set af41'],
  // (not `icmpx`: nft 1.0.6 refuses it after IPv6-only matches, "abstracted ICMP unreachable not supported")
  rejects: ['reject', 'reject with icmpv6 type admin-prohibited', 'reject with icmpv6 type port-unreachable', 'reject with icmpv6 type addr-unreachable'],
  // it does nothing to an IPv6 packet (only after no IPv6 match: nft refuses `ip6 … dnat ip to` as conflicting protocols)
  otherFamilyDnat: { q: 'ip ', targets: ['203.0.113.5', '192.0.2.10'], conflicts: /\bip6\b|icmpv6|ipv6-icmp|nfproto/ },
  remoteSources: [[CLIENT_ADDR6, 5], ['2001:db8:1::9', 1], ['2001:db8:1::150', 1], ['2001:db8:7::2', 1], ['2001:db8:2::1c', 0.5]],
  forwardDaddrs: [...SERVER_DADDRS, ...CLIENT_SIDE],
  remoteDaddrs: (rng) => [[HOST_ADDR6, 4], [HOST_LO_ADDR6, 1.5], [rng.pick(SERVER_DADDRS), 1.5], [rng.pick(CLIENT_SIDE), 0.5], [rng.pick(ELSEWHERE), 0.7], ['::1', 0.1]],
  localSources: [[HOST_ADDR6, 6], [HOST_LO_ADDR6, 2], [HOST_SERVER_ADDR6, 1]],
  loDaddr: (rng) => rng.pick([HOST_LO_ADDR6, HOST_LO_ADDR6, '::1']),
  localDaddrs: (rng) => [[CLIENT_ADDR6, 4], [rng.pick(SERVER_DADDRS), 2], [HOST_LO_ADDR6, 1.5], [HOST_ADDR6, 0.5], [rng.pick(ELSEWHERE), 0.3]],
  icmpTypes: [[128, 6], [129, 2], [1, 1], [3, 1], [2, 0.5], [135, 0.3]],
  unreachable: { type: 1, codes: [0, 3, 4] },
  ttls: (rng) => [[undefined, 17], [1, 1], [2, 1], [255, 0.5], [rng.int(3, 254), 1]],
  dscps: [8, 10, 46],
};

export function generateIpv6Case(seed: number): GeneratedCase {
  return generateNftFamilyCase(IPV6, seed);
}
