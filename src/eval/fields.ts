// Header layouts (offsets and widths of every payload field nft knows, as in nftables src/proto.c) and the
// datatypes of meta/ct keys (src/meta.c, src/ct.c). Pure data and lookups; imports value.ts only.
import { DTYPES, dtype, type DType } from './value.ts';

export type Base = 'll' | 'nh' | 'th';

export interface FieldDef {
  readonly base: Base;
  /** Offset and length in bits from the start of this protocol's header. */
  readonly offset: number;
  readonly len: number;
  readonly type: DType;
}

type Layout = Readonly<Record<string, readonly [offset: number, len: number, type: string]>>;

const ETHER: Layout = { daddr: [0, 48, 'ether_addr'], saddr: [48, 48, 'ether_addr'], type: [96, 16, 'ether_type'] };
/** 802.1Q tag fields, relative to the link-layer header (after the two MAC addresses and the TPID). */
const VLAN: Layout = {
  pcp: [112, 3, 'integer'],
  dei: [115, 1, 'integer'],
  cfi: [115, 1, 'integer'],
  id: [116, 12, 'integer'],
  type: [128, 16, 'ether_type'],
};
const ARP: Layout = {
  htype: [0, 16, 'integer'],
  ptype: [16, 16, 'ether_type'],
  hlen: [32, 8, 'integer'],
  plen: [40, 8, 'integer'],
  operation: [48, 16, 'arp_op'],
  'saddr ether': [64, 48, 'ether_addr'],
  'saddr ip': [112, 32, 'ipv4_addr'],
  'daddr ether': [144, 48, 'ether_addr'],
  'daddr ip': [192, 32, 'ipv4_addr'],
};
const IP: Layout = {
  version: [0, 4, 'integer'],
  hdrlength: [4, 4, 'integer'],
  dscp: [8, 6, 'dscp'],
  ecn: [14, 2, 'ecn'],
  length: [16, 16, 'integer'],
  id: [32, 16, 'integer'],
  'frag-off': [48, 16, 'integer'],
  ttl: [64, 8, 'integer'],
  protocol: [72, 8, 'inet_proto'],
  checksum: [80, 16, 'integer'],
  saddr: [96, 32, 'ipv4_addr'],
  daddr: [128, 32, 'ipv4_addr'],
};
const IP6: Layout = {
  version: [0, 4, 'integer'],
  dscp: [4, 6, 'dscp'],
  ecn: [10, 2, 'ecn'],
  flowlabel: [12, 20, 'integer'],
  length: [32, 16, 'integer'],
  nexthdr: [48, 8, 'inet_proto'],
  hoplimit: [56, 8, 'integer'],
  saddr: [64, 128, 'ipv6_addr'],
  daddr: [192, 128, 'ipv6_addr'],
};
const PORTS: Layout = { sport: [0, 16, 'inet_service'], dport: [16, 16, 'inet_service'] };
const TCP: Layout = {
  ...PORTS,
  sequence: [32, 32, 'integer'],
  ackseq: [64, 32, 'integer'],
  doff: [96, 4, 'integer'],
  reserved: [100, 4, 'integer'],
  flags: [104, 8, 'tcp_flag'],
  window: [112, 16, 'integer'],
  checksum: [128, 16, 'integer'],
  urgptr: [144, 16, 'integer'],
};
const UDP: Layout = { ...PORTS, length: [32, 16, 'integer'], checksum: [48, 16, 'integer'] };
const SCTP: Layout = { ...PORTS, vtag: [32, 32, 'integer'], checksum: [64, 32, 'integer'] };
const DCCP: Layout = { ...PORTS, type: [68, 4, 'integer'] };
const ICMP: Layout = {
  type: [0, 8, 'icmp_type'],
  code: [8, 8, 'icmp_code'],
  checksum: [16, 16, 'integer'],
  id: [32, 16, 'integer'],
  sequence: [48, 16, 'integer'],
  gateway: [32, 32, 'ipv4_addr'],
  mtu: [48, 16, 'integer'],
};
const ICMPV6: Layout = {
  type: [0, 8, 'icmpv6_type'],
  code: [8, 8, 'icmpv6_code'],
  checksum: [16, 16, 'integer'],
  'parameter-problem': [32, 32, 'integer'],
  'packet-too-big': [32, 32, 'integer'],
  id: [32, 16, 'integer'],
  sequence: [48, 16, 'integer'],
  'max-delay': [32, 16, 'integer'],
  taddr: [64, 128, 'ipv6_addr'],
  daddr: [192, 128, 'ipv6_addr'],
};
const IGMP: Layout = { type: [0, 8, 'igmp_type'], mrt: [8, 8, 'integer'], checksum: [16, 16, 'integer'], group: [32, 32, 'ipv4_addr'] };
const ESP: Layout = { spi: [0, 32, 'integer'], sequence: [32, 32, 'integer'] };
const AH: Layout = {
  nexthdr: [0, 8, 'inet_proto'],
  hdrlength: [8, 8, 'integer'],
  reserved: [16, 16, 'integer'],
  spi: [32, 32, 'integer'],
  sequence: [64, 32, 'integer'],
};
const COMP: Layout = { nexthdr: [0, 8, 'inet_proto'], flags: [8, 8, 'integer'], cpi: [16, 16, 'integer'] };
const GRE: Layout = { flags: [0, 5, 'integer'], version: [13, 3, 'integer'], protocol: [16, 16, 'ether_type'] };

interface ProtoDef {
  readonly base: Base;
  readonly layout: Layout;
  /** IP protocol number for transport protocols (implicit `meta l4proto` dependency). */
  readonly l4?: number;
}

export const PROTOCOLS: Readonly<Record<string, ProtoDef>> = {
  ether: { base: 'll', layout: ETHER },
  vlan: { base: 'll', layout: VLAN },
  arp: { base: 'nh', layout: ARP },
  ip: { base: 'nh', layout: IP },
  ip6: { base: 'nh', layout: IP6 },
  tcp: { base: 'th', layout: TCP, l4: 6 },
  udp: { base: 'th', layout: UDP, l4: 17 },
  udplite: { base: 'th', layout: UDP, l4: 136 },
  sctp: { base: 'th', layout: SCTP, l4: 132 },
  dccp: { base: 'th', layout: DCCP, l4: 33 },
  icmp: { base: 'th', layout: ICMP, l4: 1 },
  icmpv6: { base: 'th', layout: ICMPV6, l4: 58 },
  igmp: { base: 'th', layout: IGMP, l4: 2 },
  esp: { base: 'th', layout: ESP, l4: 50 },
  ah: { base: 'th', layout: AH, l4: 51 },
  comp: { base: 'th', layout: COMP, l4: 108 },
  gre: { base: 'th', layout: GRE, l4: 47 },
  /** `th` is the raw transport header: no protocol dependency beyond "there is a transport header". */
  th: { base: 'th', layout: PORTS },
};

/** The transport protocol name for an IP protocol number, for the protocols whose header nflens models. */
export const L4_NAME: Readonly<Record<number, string>> = {
  6: 'tcp',
  17: 'udp',
  136: 'udplite',
  132: 'sctp',
  33: 'dccp',
  1: 'icmp',
  58: 'icmpv6',
  2: 'igmp',
  50: 'esp',
  51: 'ah',
  108: 'comp',
  47: 'gre',
};

/** Transport protocols that carry ports at offsets 0 and 2 (what `th sport/dport` reads). */
export const PORT_PROTOCOLS: ReadonlySet<number> = new Set([6, 17, 136, 132, 33]);

export function fieldDef(protocol: string, field: string): FieldDef | undefined {
  const p = PROTOCOLS[protocol];
  const f = p?.layout[field];
  if (!p || !f) return undefined;
  return { base: p.base, offset: f[0], len: f[1], type: dtype(f[2], f[2] === 'integer' ? f[1] : undefined) };
}

export function layoutOf(protocol: string): Layout | undefined {
  return PROTOCOLS[protocol]?.layout;
}

const META: Readonly<Record<string, string | [string, number]>> = {
  length: ['integer', 32],
  protocol: 'ether_type',
  nfproto: 'nf_proto',
  l4proto: 'inet_proto',
  priority: 'classid',
  mark: 'mark',
  iif: 'iface_index',
  iifname: 'ifname',
  iiftype: 'iface_type',
  oif: 'iface_index',
  oifname: 'ifname',
  oiftype: 'iface_type',
  skuid: 'uid',
  skgid: 'gid',
  nftrace: ['integer', 1],
  rtclassid: 'realm',
  ibrname: 'ifname',
  obrname: 'ifname',
  ibriport: 'ifname',
  obriport: 'ifname',
  ibrvproto: 'ether_type',
  ibrpvid: ['integer', 16],
  pkttype: 'pkttype',
  cpu: ['integer', 32],
  iifgroup: 'devgroup',
  oifgroup: 'devgroup',
  cgroup: ['integer', 32],
  random: ['integer', 32],
  secpath: 'boolean',
  ipsec: 'boolean',
  time: 'time',
  day: 'day',
  hour: 'hour',
  secmark: ['integer', 32],
  sdif: 'iface_index',
  sdifname: 'ifname',
  iifkind: 'ifname',
  oifkind: 'ifname',
  broute: ['integer', 1],
};

export function metaType(key: string): DType {
  const t = META[key];
  if (t === undefined) return dtype('integer', 32);
  return typeof t === 'string' ? dtype(t) : dtype(t[0], t[1]);
}

export function ctType(key: string, family: 'ip' | 'ip6' | undefined): DType {
  switch (key) {
    case 'state':
      return DTYPES.ct_state!;
    case 'status':
      return DTYPES.ct_status!;
    case 'direction':
      return DTYPES.ct_dir!;
    case 'mark':
    case 'secmark':
      return DTYPES.mark!;
    case 'l3proto':
      return DTYPES.nf_proto!;
    case 'protocol':
      return DTYPES.inet_proto!;
    case 'saddr':
    case 'daddr':
    case 'ip saddr':
    case 'ip daddr':
    case 'ip6 saddr':
    case 'ip6 daddr':
      return (key.startsWith('ip6') || family === 'ip6') ? DTYPES.ipv6_addr! : DTYPES.ipv4_addr!;
    case 'proto-src':
    case 'proto-dst':
      return DTYPES.inet_service!;
    case 'label':
      return DTYPES.ct_label!;
    case 'helper':
      return DTYPES.string!;
    case 'zone':
      return dtype('integer', 16);
    case 'bytes':
    case 'packets':
    case 'avgpkt':
      return dtype('integer', 64);
    case 'expiration':
      return dtype('time');
    case 'event':
      return DTYPES.ct_event!;
    default:
      return dtype('integer', 32);
  }
}
