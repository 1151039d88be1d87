// TEMPORARY symbol tables the evaluator needs (ct states, tcp flags, icmp types, protocol and service names …)
// until src/model/datatypes.ts lands on main; then this module is deleted and its users import datatypes.ts.
// Pure data; imports nothing. Numbers are the kernel's (include/uapi/linux/netfilter/nf_conntrack_common.h,
// include/uapi/linux/netfilter/nf_tables.h, linux/icmp.h, linux/icmpv6.h) and nft's names (src/ct.c,
// src/proto.c, src/datatype.c).

export type SymbolTable = Readonly<Record<string, number>>;

/** ct state bits as nft_ct reads them (NF_CT_STATE_BIT(ctinfo), NF_CT_STATE_INVALID_BIT, …). */
export const CT_STATE: SymbolTable = { invalid: 1, established: 2, related: 4, new: 8, untracked: 64 };

/** enum ip_conntrack_status bits that nft names (src/ct.c ct_status_tbl). */
export const CT_STATUS: SymbolTable = {
  expected: 1,
  'seen-reply': 2,
  assured: 4,
  confirmed: 8,
  snat: 16,
  dnat: 32,
  dying: 512,
};

export const CT_DIR: SymbolTable = { original: 0, reply: 1 };

export const TCP_FLAG: SymbolTable = { fin: 1, syn: 2, rst: 4, psh: 8, ack: 16, urg: 32, ecn: 64, cwr: 128 };

/** Protocol names nft accepts (getprotobyname, /etc/protocols) with aliases. */
export const INET_PROTO: SymbolTable = {
  hopopt: 0,
  icmp: 1,
  igmp: 2,
  ggp: 3,
  ipencap: 4,
  ipip: 4,
  st: 5,
  tcp: 6,
  egp: 8,
  igp: 9,
  pup: 12,
  udp: 17,
  hmp: 20,
  'xns-idp': 22,
  rdp: 27,
  'iso-tp4': 29,
  dccp: 33,
  xtp: 36,
  ddp: 37,
  'idpr-cmtp': 38,
  ipv6: 41,
  'ipv6-route': 43,
  'ipv6-frag': 44,
  idrp: 45,
  rsvp: 46,
  gre: 47,
  esp: 50,
  ah: 51,
  skip: 57,
  'ipv6-icmp': 58,
  icmpv6: 58,
  'ipv6-nonxt': 59,
  'ipv6-opts': 60,
  rspf: 73,
  vmtp: 81,
  eigrp: 88,
  ospf: 89,
  'ax.25': 93,
  ipip4: 94,
  etherip: 97,
  encap: 98,
  pim: 103,
  ipcomp: 108,
  comp: 108,
  vrrp: 112,
  l2tp: 115,
  isis: 124,
  sctp: 132,
  fc: 133,
  'mobility-header': 135,
  udplite: 136,
  'mpls-in-ip': 137,
  manet: 138,
  hip: 139,
  shim6: 140,
  wesp: 141,
  rohc: 142,
  ethernet: 143,
};

/** The name nft prints for a protocol number (first name wins over aliases above, except these). */
export const INET_PROTO_PRINT: Readonly<Record<number, string>> = {
  1: 'icmp',
  2: 'igmp',
  4: 'ipencap',
  6: 'tcp',
  17: 'udp',
  33: 'dccp',
  41: 'ipv6',
  47: 'gre',
  50: 'esp',
  51: 'ah',
  58: 'ipv6-icmp',
  108: 'comp',
  112: 'vrrp',
  132: 'sctp',
  136: 'udplite',
};

/** Common service names (getservbyname); nft prints ports as numbers unless -S. */
export const INET_SERVICE: SymbolTable = {
  tcpmux: 1,
  echo: 7,
  discard: 9,
  daytime: 13,
  'ftp-data': 20,
  ftp: 21,
  ssh: 22,
  telnet: 23,
  smtp: 25,
  time: 37,
  whois: 43,
  tacacs: 49,
  domain: 53,
  bootps: 67,
  bootpc: 68,
  tftp: 69,
  gopher: 70,
  finger: 79,
  http: 80,
  kerberos: 88,
  pop3: 110,
  sunrpc: 111,
  auth: 113,
  nntp: 119,
  ntp: 123,
  'netbios-ns': 137,
  'netbios-dgm': 138,
  'netbios-ssn': 139,
  imap2: 143,
  imap: 143,
  snmp: 161,
  'snmp-trap': 162,
  bgp: 179,
  irc: 194,
  ldap: 389,
  https: 443,
  'microsoft-ds': 445,
  isakmp: 500,
  syslog: 514,
  printer: 515,
  submission: 587,
  ldaps: 636,
  rsync: 873,
  imaps: 993,
  pop3s: 995,
  socks: 1080,
  openvpn: 1194,
  'ms-sql-s': 1433,
  l2tp: 1701,
  pptp: 1723,
  radius: 1812,
  'radius-acct': 1813,
  nfs: 2049,
  mysql: 3306,
  'ipsec-nat-t': 4500,
  sip: 5060,
  postgresql: 5432,
  'x11': 6000,
  'http-alt': 8080,
};

export const ICMP_TYPE: SymbolTable = {
  'echo-reply': 0,
  'destination-unreachable': 3,
  'source-quench': 4,
  redirect: 5,
  'echo-request': 8,
  'router-advertisement': 9,
  'router-solicitation': 10,
  'time-exceeded': 11,
  'parameter-problem': 12,
  'timestamp-request': 13,
  'timestamp-reply': 14,
  'info-request': 15,
  'info-reply': 16,
  'address-mask-request': 17,
  'address-mask-reply': 18,
};

export const ICMP_CODE: SymbolTable = {
  'net-unreachable': 0,
  'host-unreachable': 1,
  'prot-unreachable': 2,
  'port-unreachable': 3,
  'frag-needed': 4,
  'net-prohibited': 9,
  'host-prohibited': 10,
  'admin-prohibited': 13,
};

export const ICMPV6_TYPE: SymbolTable = {
  'destination-unreachable': 1,
  'packet-too-big': 2,
  'time-exceeded': 3,
  'parameter-problem': 4,
  'echo-request': 128,
  'echo-reply': 129,
  'mld-listener-query': 130,
  'mld-listener-report': 131,
  'mld-listener-done': 132,
  'mld-listener-reduction': 132,
  'nd-router-solicit': 133,
  'nd-router-advert': 134,
  'nd-neighbor-solicit': 135,
  'nd-neighbor-advert': 136,
  'nd-redirect': 137,
  'router-renumbering': 138,
  'ind-neighbor-solicit': 141,
  'ind-neighbor-advert': 142,
  'mld2-listener-report': 143,
};

export const ICMPV6_CODE: SymbolTable = {
  'no-route': 0,
  'admin-prohibited': 1,
  'addr-unreachable': 3,
  'port-unreachable': 4,
  'policy-fail': 5,
  'reject-route': 6,
};

export const ICMPX_CODE: SymbolTable = { 'no-route': 0, 'port-unreachable': 1, 'host-unreachable': 2, 'admin-prohibited': 3 };

export const ETHER_TYPE: SymbolTable = { ip: 0x0800, arp: 0x0806, ip6: 0x86dd, vlan: 0x8100, '8021q': 0x8100, '8021ad': 0x88a8 };

/** NFPROTO_* numbers as `meta nfproto` reads them. */
export const NF_PROTO: SymbolTable = { inet: 1, ipv4: 2, arp: 3, netdev: 5, bridge: 7, ipv6: 10 };

export const PKTTYPE: SymbolTable = { host: 0, unicast: 0, broadcast: 1, multicast: 2, other: 3 };

export const DSCP: SymbolTable = {
  cs0: 0,
  cs1: 8,
  cs2: 16,
  cs3: 24,
  cs4: 32,
  cs5: 40,
  cs6: 48,
  cs7: 56,
  df: 0,
  be: 0,
  lephb: 1,
  le: 1,
  af11: 10,
  af12: 12,
  af13: 14,
  af21: 18,
  af22: 20,
  af23: 22,
  af31: 26,
  af32: 28,
  af33: 30,
  af41: 34,
  af42: 36,
  af43: 38,
  va: 44,
  ef: 46,
};

export const ECN: SymbolTable = { 'not-ect': 0, ect1: 1, ect0: 2, ce: 3 };

/** RTN_* route types as `fib … type` reads them. */
export const FIB_ADDRTYPE: SymbolTable = {
  unspec: 0,
  unicast: 1,
  local: 2,
  broadcast: 3,
  anycast: 4,
  multicast: 5,
  blackhole: 6,
  unreachable: 7,
  prohibit: 8,
};

export const BOOLEAN: SymbolTable = { exists: 1, missing: 0, true: 1, false: 0 };

export const ARP_OP: SymbolTable = { request: 1, reply: 2, rrequest: 3, rreply: 4, inrequest: 8, inreply: 9, nak: 10 };

/** ARPHRD_* as `meta iiftype` reads them. */
export const IFACE_TYPE: SymbolTable = { ether: 1, ppp: 512, ipip: 768, ipip6: 769, loopback: 772, sit: 776, ipgre: 778 };

export const DAY: SymbolTable = { sunday: 0, monday: 1, tuesday: 2, wednesday: 3, thursday: 4, friday: 5, saturday: 6 };

export const DEVGROUP: SymbolTable = { default: 0 };

export const IGMP_TYPE: SymbolTable = {
  'membership-query': 0x11,
  'membership-report-v1': 0x12,
  'membership-report-v2': 0x16,
  'membership-report-v3': 0x22,
  'leave-group': 0x17,
};

/** Symbol table per datatype name (nft's datatype names). */
export const SYMBOLS_BY_TYPE: Readonly<Record<string, SymbolTable>> = {
  ct_state: CT_STATE,
  ct_status: CT_STATUS,
  ct_dir: CT_DIR,
  tcp_flag: TCP_FLAG,
  inet_proto: INET_PROTO,
  inet_service: INET_SERVICE,
  icmp_type: ICMP_TYPE,
  icmp_code: ICMP_CODE,
  icmpv6_type: ICMPV6_TYPE,
  icmpv6_code: ICMPV6_CODE,
  icmpx_code: ICMPX_CODE,
  ether_type: ETHER_TYPE,
  nf_proto: NF_PROTO,
  pkttype: PKTTYPE,
  dscp: DSCP,
  ecn: ECN,
  fib_addrtype: FIB_ADDRTYPE,
  boolean: BOOLEAN,
  arp_op: ARP_OP,
  iface_type: IFACE_TYPE,
  day: DAY,
  devgroup: DEVGROUP,
  igmp_type: IGMP_TYPE,
};

/** The symbol nft prints for a value of a datatype, if any (first name in table order). */
export function symbolFor(type: string, value: number): string | undefined {
  if (type === 'inet_proto') return INET_PROTO_PRINT[value];
  if (type === 'inet_service') return undefined; // nft prints ports as numbers
  const table = SYMBOLS_BY_TYPE[type];
  if (!table) return undefined;
  for (const [name, v] of Object.entries(table)) if (v === value) return name;
  return undefined;
}

/** Datatypes whose values are bit masks (`ct state established,related`, `tcp flags syn,ack`). */
export const BITMASK_TYPES: ReadonlySet<string> = new Set(['ct_state', 'ct_status', 'tcp_flag', 'ct_event']);
