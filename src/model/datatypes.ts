// Netfilter datatypes: which datatype every nft expression has (payload fields, meta/ct/rt/socket/fib/osf/
// ipsec keys, extension headers, options), the symbol tables of the symbolic datatypes, and which types are
// bitmasks. Shared by the parsers, the printer and the packet evaluator. Pure data and lookups; imports only
// IR types.
//
// Re-expressed from nftables' own tables (netfilter/nftables): src/proto.c (PROTO_HDR_TEMPLATE per header
// field, symbol tables of icmp/icmpv6/igmp types, tcp flags, dscp, ecn, arp op, ether type, dccp type),
// src/meta.c (meta_templates[], pkttype, iface_type, day), src/ct.c (ct_templates[], ct state/status/event/
// dir), src/datatype.c (icmp/icmpv6/icmpx codes, nfproto, boolean, verdict), src/fib.c (fib_addrtype),
// src/exthdr.c, src/tcpopt.c, src/ipopt.c, src/sctp_chunk.c, src/rt.c, src/socket.c, src/xfrm.c, src/osf.c,
// and the Debian netbase /etc/protocols and /etc/services that nft consults for inet_proto/inet_service.
import type { Expr, Family } from './ir.ts';

// ───────────────────────────── datatypes ─────────────────────────────

/** How values of a datatype look. `integer`: numbers; `bitmask`: flags OR-ed together, where an implicit
 *  relational op means "any of these bits" (nft -j prints op `in`); `string`: interface names and the like. */
export type DatatypeBase =
  | 'integer'
  | 'bitmask'
  | 'string'
  | 'ipv4_addr'
  | 'ipv6_addr'
  | 'ether_addr'
  | 'boolean'
  | 'verdict'
  | 'time'
  | 'invalid';

export interface DatatypeInfo {
  readonly name: string;
  readonly base: DatatypeBase;
  /** Width in bits (0 when variable). */
  readonly bits: number;
  /** Symbol table `[name, value]` in nft's order: the first name of a value is the one nft prints. */
  readonly symbols?: readonly (readonly [string, number])[];
  /** nft -j prints the symbol name rather than the number (symbolic_constant_print). */
  readonly printsSymbol?: boolean;
  /** Names accepted on input only (inet_service names from /etc/services: nft prints the number). */
  readonly parseOnly?: boolean;
}

type SymTable = readonly (readonly [string, number])[];

// src/ct.c ct_state_tbl: NF_CT_STATE_INVALID_BIT = 1, NF_CT_STATE_BIT(x) = 1 << (x + 1), untracked = 1 << 6.
const CT_STATE: SymTable = [
  ['invalid', 1],
  ['new', 8],
  ['established', 2],
  ['related', 4],
  ['untracked', 64],
];

// src/ct.c ct_status_tbl (IPS_* bits of include/uapi/linux/netfilter/nf_conntrack_common.h).
const CT_STATUS: SymTable = [
  ['expected', 1],
  ['seen-reply', 2],
  ['assured', 4],
  ['confirmed', 8],
  ['snat', 16],
  ['dnat', 32],
  ['dying', 512],
];

// src/ct.c ct_events_tbl: 1 << IPCT_*.
const CT_EVENT: SymTable = [
  ['new', 1],
  ['related', 2],
  ['destroy', 4],
  ['reply', 8],
  ['assured', 16],
  ['protoinfo', 32],
  ['helper', 64],
  ['mark', 128],
  ['seqadj', 256],
  ['secmark', 512],
  ['label', 1024],
];

const CT_DIR: SymTable = [
  ['original', 0],
  ['reply', 1],
];

// src/proto.c tcp_flag_tbl.
const TCP_FLAG: SymTable = [
  ['fin', 0x01],
  ['syn', 0x02],
  ['rst', 0x04],
  ['psh', 0x08],
  ['ack', 0x10],
  ['urg', 0x20],
  ['ecn', 0x40],
  ['cwr', 0x80],
];

// src/proto.c icmp_type_tbl.
const ICMP_TYPE: SymTable = [
  ['echo-reply', 0],
  ['destination-unreachable', 3],
  ['source-quench', 4],
  ['redirect', 5],
  ['echo-request', 8],
  ['router-advertisement', 9],
  ['router-solicitation', 10],
  ['time-exceeded', 11],
  ['parameter-problem', 12],
  ['timestamp-request', 13],
  ['timestamp-reply', 14],
  ['info-request', 15],
  ['info-reply', 16],
  ['address-mask-request', 17],
  ['address-mask-reply', 18],
];

// src/proto.c icmp6_type_tbl (mld-listener-done and -reduction are the same type; the first is printed).
const ICMPV6_TYPE: SymTable = [
  ['destination-unreachable', 1],
  ['packet-too-big', 2],
  ['time-exceeded', 3],
  ['parameter-problem', 4],
  ['echo-request', 128],
  ['echo-reply', 129],
  ['mld-listener-query', 130],
  ['mld-listener-report', 131],
  ['mld-listener-done', 132],
  ['mld-listener-reduction', 132],
  ['nd-router-solicit', 133],
  ['nd-router-advert', 134],
  ['nd-neighbor-solicit', 135],
  ['nd-neighbor-advert', 136],
  ['nd-redirect', 137],
  ['router-renumbering', 138],
  ['ind-neighbor-solicit', 141],
  ['ind-neighbor-advert', 142],
  ['mld2-listener-report', 143],
];

// src/datatype.c icmp_code_tbl (ICMP_NET_UNREACH …).
const ICMP_CODE: SymTable = [
  ['net-unreachable', 0],
  ['host-unreachable', 1],
  ['prot-unreachable', 2],
  ['port-unreachable', 3],
  ['frag-needed', 4],
  ['net-prohibited', 9],
  ['host-prohibited', 10],
  ['admin-prohibited', 13],
];

// src/datatype.c icmpv6_code_tbl (ICMPV6_NOROUTE …).
const ICMPV6_CODE: SymTable = [
  ['no-route', 0],
  ['admin-prohibited', 1],
  ['addr-unreachable', 3],
  ['port-unreachable', 4],
  ['policy-fail', 5],
  ['reject-route', 6],
];

// src/datatype.c icmpx_code_tbl (NFT_REJECT_ICMPX_*).
const ICMPX_CODE: SymTable = [
  ['port-unreachable', 1],
  ['admin-prohibited', 3],
  ['no-route', 0],
  ['host-unreachable', 2],
];

// src/proto.c igmp_type_tbl.
const IGMP_TYPE: SymTable = [
  ['membership-query', 0x11],
  ['membership-report-v1', 0x12],
  ['membership-report-v2', 0x16],
  ['membership-report-v3', 0x22],
  ['leave-group', 0x17],
];

// src/proto.c ethertype_tbl (values in host order here; the kernel compares them big endian).
const ETHER_TYPE: SymTable = [
  ['ip', 0x0800],
  ['arp', 0x0806],
  ['ip6', 0x86dd],
  ['8021q', 0x8100],
  ['8021ad', 0x88a8],
  ['vlan', 0x8100],
];

// src/proto.c arpop_tbl.
const ARP_OP: SymTable = [
  ['request', 1],
  ['reply', 2],
  ['rrequest', 3],
  ['rreply', 4],
  ['inrequest', 8],
  ['inreply', 9],
  ['nak', 10],
];

// src/proto.c dscp_type_tbl.
const DSCP: SymTable = [
  ['cs0', 0x00],
  ['cs1', 0x08],
  ['cs2', 0x10],
  ['cs3', 0x18],
  ['cs4', 0x20],
  ['cs5', 0x28],
  ['cs6', 0x30],
  ['cs7', 0x38],
  ['df', 0x00],
  ['be', 0x00],
  ['lephb', 0x01],
  ['af11', 0x0a],
  ['af12', 0x0c],
  ['af13', 0x0e],
  ['af21', 0x12],
  ['af22', 0x14],
  ['af23', 0x16],
  ['af31', 0x1a],
  ['af32', 0x1c],
  ['af33', 0x1e],
  ['af41', 0x22],
  ['af42', 0x24],
  ['af43', 0x26],
  ['va', 0x2c],
  ['ef', 0x2e],
];

// src/proto.c ecn_type_tbl.
const ECN: SymTable = [
  ['not-ect', 0],
  ['ect1', 1],
  ['ect0', 2],
  ['ce', 3],
];

// src/proto.c dccp_pkttype_tbl.
const DCCP_PKTTYPE: SymTable = [
  ['request', 0],
  ['response', 1],
  ['data', 2],
  ['ack', 3],
  ['dataack', 4],
  ['closereq', 5],
  ['close', 6],
  ['reset', 7],
  ['sync', 8],
  ['syncack', 9],
];

// src/meta.c pkttype_type_tbl (PACKET_HOST …; `unicast` is a backwards-compatible alias).
const PKTTYPE: SymTable = [
  ['host', 0],
  ['unicast', 0],
  ['broadcast', 1],
  ['multicast', 2],
  ['other', 3],
];

// src/meta.c arphrd_tbl (ARPHRD_*).
const IFACE_TYPE: SymTable = [
  ['ether', 1],
  ['ppp', 512],
  ['ipip', 768],
  ['ipip6', 769],
  ['loopback', 772],
  ['sit', 776],
  ['ipgre', 778],
];

// src/meta.c day_type_tbl.
const DAY: SymTable = [
  ['Sunday', 0],
  ['Monday', 1],
  ['Tuesday', 2],
  ['Wednesday', 3],
  ['Thursday', 4],
  ['Friday', 5],
  ['Saturday', 6],
];

// src/datatype.c nfproto_tbl.
const NFPROTO: SymTable = [
  ['ipv4', 2],
  ['ipv6', 10],
];

// src/datatype.c boolean_tbl.
const BOOLEAN: SymTable = [
  ['exists', 1],
  ['missing', 0],
];

// src/fib.c addrtype_tbl (RTN_* of include/uapi/linux/rtnetlink.h).
const FIB_ADDRTYPE: SymTable = [
  ['unspec', 0],
  ['unicast', 1],
  ['local', 2],
  ['broadcast', 3],
  ['anycast', 4],
  ['multicast', 5],
  ['blackhole', 6],
  ['unreachable', 7],
  ['prohibit', 8],
];

// src/tcpopt.c mptcp_subtype_tbl (MPTCP option subtypes, RFC 8684).
const MPTCP_SUBTYPE: SymTable = [
  ['mp-capable', 0],
  ['mp-join', 1],
  ['dss', 2],
  ['add-addr', 3],
  ['remove-addr', 4],
  ['mp-prio', 5],
  ['mp-fail', 6],
  ['mp-fastclose', 7],
  ['mp-tcprst', 8],
];

// src/exthdr.c mh_type_tbl (IPv6 mobility header types).
const MH_TYPE: SymTable = [
  ['binding-refresh-request', 0],
  ['home-test-init', 1],
  ['careof-test-init', 2],
  ['home-test', 3],
  ['careof-test', 4],
  ['binding-update', 5],
  ['binding-acknowledgement', 6],
  ['binding-error', 7],
  ['fast-binding-update', 8],
  ['fast-binding-acknowledgement', 9],
  ['fast-binding-advertisement', 10],
  ['experimental-mobility-header', 11],
  ['home-agent-switch-message', 12],
];

// src/datatype.c: iproute2 `/etc/iproute2/group` and `rt_realms` default entries.
const DEVGROUP: SymTable = [['default', 0]];
// Debian's iproute2 rt_realms has one entry, `0 cosmos` (nft 1.0.6 lists `meta rtclassid "cosmos"`).
const REALM: SymTable = [['cosmos', 0]];

/** Debian netbase /etc/protocols: `name[,alias…]:number`. nft parses names and aliases (getprotobyname) and
 *  prints the first name of a number (getprotobynumber). */
const PROTOCOLS_TEXT =
  'ip,IP:0 hopopt,HOPOPT:0 icmp,ICMP:1 igmp,IGMP:2 ggp,GGP:3 ipencap,IP-ENCAP:4 st,ST:5 tcp,TCP:6 egp,EGP:8 ' +
  'igp,IGP:9 pup,PUP:12 udp,UDP:17 hmp,HMP:20 xns-idp,XNS-IDP:22 rdp,RDP:27 iso-tp4,ISO-TP4:29 dccp,DCCP:33 ' +
  'xtp,XTP:36 ddp,DDP:37 idpr-cmtp,IDPR-CMTP:38 ipv6,IPv6:41 ipv6-route,IPv6-Route:43 ipv6-frag,IPv6-Frag:44 ' +
  'idrp,IDRP:45 rsvp,RSVP:46 gre,GRE:47 esp,IPSEC-ESP:50 ah,IPSEC-AH:51 skip,SKIP:57 ipv6-icmp,IPv6-ICMP:58 ' +
  'ipv6-nonxt,IPv6-NoNxt:59 ipv6-opts,IPv6-Opts:60 rspf,RSPF,CPHB:73 vmtp,VMTP:81 eigrp,EIGRP:88 ' +
  'ospf,OSPFIGP:89 ax.25,AX.25:93 ipip,IPIP:94 etherip,ETHERIP:97 encap,ENCAP:98 pim,PIM:103 ipcomp,IPCOMP:108 ' +
  'vrrp,VRRP:112 l2tp,L2TP:115 isis,ISIS:124 sctp,SCTP:132 fc,FC:133 mobility-header,Mobility-Header:135 ' +
  'udplite,UDPLite:136 mpls-in-ip,MPLS-in-IP:137 manet:138 hip,HIP:139 shim6,Shim6:140 wesp,WESP:141 ' +
  'rohc,ROHC:142 ethernet,Ethernet:143';

/** Debian netbase /etc/services (tcp/udp): `name[,alias…]:port`. nft accepts these names for inet_service
 *  and always prints the number. */
const SERVICES_TEXT =
  'tcpmux:1 echo:7 discard,sink,null:9 systat,users:11 daytime:13 netstat:15 qotd,quote:17 ' +
  'chargen,ttytst,source:19 ftp-data:20 ftp:21 fsp,fspd:21 ssh:22 telnet:23 smtp,mail:25 time,timserver:37 ' +
  'whois,nicname:43 tacacs:49 domain:53 bootps:67 bootpc:68 tftp:69 gopher:70 finger:79 http,www:80 ' +
  'kerberos,kerberos5,krb5,kerberos-sec:88 iso-tsap,tsap:102 acr-nema,dicom:104 poppassd:106 pop3,pop-3:110 ' +
  'sunrpc,portmapper:111 auth,authentication,tap,ident:113 nntp,readnews,untp:119 ntp:123 epmap,loc-srv:135 ' +
  'netbios-ns:137 netbios-dgm:138 netbios-ssn:139 imap2,imap:143 snmp:161 snmp-trap,snmptrap:162 ' +
  'cmip-man:163 cmip-agent:164 mailq:174 xdmcp:177 bgp:179 smux:199 qmtp:209 z3950,wais:210 ipx:213 ' +
  'ptp-event:319 ptp-general:320 pawserv:345 zserv:346 rpc2portmap:369 codaauth2:370 clearcase,Clearcase:371 ' +
  'ldap:389 svrloc:427 https:443 snpp:444 microsoft-ds:445 kpasswd:464 submissions,ssmtp,smtps,urd:465 ' +
  'saft:487 isakmp:500 rtsp:554 nqs:607 asf-rmcp:623 qmqp:628 ipp:631 ldp:646 exec:512 biff,comsat:512 ' +
  'login:513 who,whod:513 shell,cmd:514 syslog:514 printer,spooler:515 talk:517 ntalk:518 ' +
  'route,router,routed:520 gdomap:538 uucp,uucpd:540 klogin:543 kshell,krcmd:544 dhcpv6-client:546 ' +
  'dhcpv6-server:547 afpovertcp:548 nntps,snntp:563 submission:587 ldaps:636 tinc:655 silc:706 ' +
  'kerberos-adm:749 kerberos4,kerberos-iv,kdc:750 kerberos-master,kerberos_master:751 ' +
  'passwd-server,passwd_server:752 krb-prop,krb_prop,krb5_prop,hprop:754 moira-db,moira_db:775 ' +
  'moira-update,moira_update:777 moira-ureg,moira_ureg:779 spamd:783 domain-s:853 supfilesrv:871 rsync:873 ' +
  'ftps-data:989 ftps:990 telnets:992 imaps:993 pop3s:995 socks:1080 proofd:1093 rootd:1094 rmiregistry:1099 ' +
  'supfiledbg:1127 skkserv:1178 openvpn:1194 predict:1210 rmtcfg:1236 xtel:1313 xtelw:1314 ' +
  'lotusnote,lotusnotes:1352 ms-sql-s:1433 ms-sql-m:1434 ingreslock:1524 datametrics,old-radius:1645 ' +
  'sa-msg-port,old-radacct:1646 kermit:1649 groupwise:1677 l2f,l2tp:1701 radius:1812 radius-acct,radacct:1813 ' +
  'cisco-sccp:2000 nfs:2049 gnunet:2086 rtcm-sc104:2101 zephyr-srv:2102 zephyr-clt:2103 zephyr-hm:2104 ' +
  'gsigatekeeper:2119 iprop:2121 gris:2135 cvspserver:2401 venus:2430 venus-se:2431 codasrv:2432 ' +
  'codasrv-se:2433 mon:2583 zebrasrv:2600 zebra:2601 ripd:2602 ripngd:2603 ospfd:2604 bgpd:2605 ospf6d:2606 ' +
  'ospfapi:2607 isisd:2608 dict:2628 f5-globalsite:2792 gsiftp:2811 gpsd:2947 gds-db,gds_db:3050 ' +
  'icpv2,icp:3130 isns:3205 iscsi-target:3260 mysql:3306 ms-wbt-server:3389 nut:3493 distcc:3632 daap:3689 ' +
  'svn,subversion:3690 suucp:4031 sysrqd:4094 sieve:4190 f5-iquery:4353 epmd:4369 remctl:4373 ntske:4460 ' +
  'ipsec-nat-t:4500 fax:4557 hylafax:4559 iax:4569 mtn:4691 radmin-port:4899 munin,lrrd:4949 sip:5060 ' +
  'sip-tls:5061 xmpp-client,jabber-client:5222 xmpp-server,jabber-server:5269 cfengine:5308 mdns:5353 ' +
  'postgresql,postgres:5432 rplay:5555 freeciv,rptp:5556 nrpe:5666 nsca:5667 amqps:5671 amqp:5672 canna:5680 ' +
  'x11,x11-0:6000 x11-1:6001 x11-2:6002 x11-3:6003 x11-4:6004 x11-5:6005 x11-6:6006 x11-7:6007 ' +
  'gnutella-svc:6346 gnutella-rtr:6347 redis:6379 sge-qmaster,sge_qmaster:6444 sge-execd,sge_execd:6445 ' +
  'mysql-proxy:6446 syslog-tls:6514 sane-port,sane,saned:6566 ircd:6667 babel:6696 ircs-u:6697 bbs:7000 ' +
  'afs3-fileserver:7000 afs3-callback:7001 afs3-prserver:7002 afs3-vlserver:7003 afs3-kaserver:7004 ' +
  'afs3-volser:7005 afs3-bos:7007 afs3-update:7008 afs3-rmtsys:7009 font-service,xfs:7100 zope-ftp:8021 ' +
  'http-alt,webcache:8080 tproxy:8081 omniorb:8088 puppet:8140 clc-build-daemon:8990 xinetd:9098 ' +
  'bacula-dir:9101 bacula-fd:9102 bacula-sd:9103 git:9418 xmms2:9667 zope:9673 webmin:10000 ' +
  'zabbix-agent:10050 zabbix-trapper:10051 amanda:10080 kamanda:10081 amandaidx:10082 amidxtape:10083 ' +
  'nbd:10809 dicom:11112 hkp:11371 sgi-cmsd:17001 sgi-crsd:17002 sgi-gcd:17003 sgi-cad:17004 db-lsp:17500 ' +
  'dcap:22125 gsidcap:22128 wnn6:22273 binkp:24554 asp:27374 csync2:30865 dircproxy:57000 tfido:60177 ' +
  'fido:60179';

function parseNameTable(text: string): SymTable {
  const out: [string, number][] = [];
  const seen = new Set<string>();
  for (const entry of text.split(' ')) {
    const colon = entry.lastIndexOf(':');
    const value = Number(entry.slice(colon + 1));
    for (const name of entry.slice(0, colon).split(',')) {
      if (seen.has(name)) continue;
      seen.add(name);
      out.push([name, value]);
    }
  }
  return out;
}

// nft's own keywords for protocols that /etc/protocols names differently (parser_bison.y: ICMP6 → 58,
// COMP → 108); accepted on input, printed with the /etc/protocols name.
const INET_PROTO: SymTable = [...parseNameTable(PROTOCOLS_TEXT), ['icmpv6', 58], ['comp', 108]];
const INET_SERVICE: SymTable = parseNameTable(SERVICES_TEXT);

function dt(
  name: string,
  base: DatatypeBase,
  bits: number,
  symbols?: SymTable,
  printsSymbol = symbols !== undefined,
): DatatypeInfo {
  return symbols ? { name, base, bits, symbols, printsSymbol } : { name, base, bits };
}

/** Every datatype by nft name (the names `type …` in set declarations uses). */
export const DATATYPES: Readonly<Record<string, DatatypeInfo>> = Object.fromEntries(
  ([
    dt('invalid', 'invalid', 0),
    dt('verdict', 'verdict', 32),
    dt('nf_proto', 'integer', 8, NFPROTO),
    dt('bitmask', 'bitmask', 0),
    dt('integer', 'integer', 0),
    dt('string', 'string', 0),
    dt('lladdr', 'ether_addr', 0),
    dt('ipv4_addr', 'ipv4_addr', 32),
    dt('ipv6_addr', 'ipv6_addr', 128),
    dt('ether_addr', 'ether_addr', 48),
    dt('ether_type', 'integer', 16, ETHER_TYPE),
    dt('arp_op', 'integer', 16, ARP_OP),
    dt('inet_proto', 'integer', 8, INET_PROTO),
    { name: 'inet_service', base: 'integer', bits: 16, symbols: INET_SERVICE, printsSymbol: false, parseOnly: true } satisfies DatatypeInfo,
    dt('icmp_type', 'integer', 8, ICMP_TYPE),
    dt('tcp_flag', 'bitmask', 8, TCP_FLAG),
    dt('dccp_pkttype', 'integer', 4, DCCP_PKTTYPE),
    dt('mh_type', 'integer', 8, MH_TYPE),
    dt('time', 'time', 64),
    dt('mark', 'integer', 32),
    dt('iface_index', 'integer', 32),
    dt('iface_type', 'integer', 16, IFACE_TYPE),
    dt('realm', 'integer', 32, REALM),
    dt('classid', 'integer', 32),
    dt('uid', 'integer', 32),
    dt('gid', 'integer', 32),
    dt('ct_state', 'bitmask', 32, CT_STATE),
    dt('ct_dir', 'integer', 8, CT_DIR),
    dt('ct_status', 'bitmask', 32, CT_STATUS),
    dt('icmpv6_type', 'integer', 8, ICMPV6_TYPE),
    dt('pkt_type', 'integer', 8, PKTTYPE),
    dt('icmp_code', 'integer', 8, ICMP_CODE),
    dt('icmpv6_code', 'integer', 8, ICMPV6_CODE),
    dt('icmpx_code', 'integer', 8, ICMPX_CODE),
    dt('devgroup', 'integer', 32, DEVGROUP),
    dt('dscp', 'integer', 6, DSCP),
    dt('ecn', 'integer', 2, ECN),
    dt('fib_addrtype', 'integer', 32, FIB_ADDRTYPE),
    dt('boolean', 'boolean', 1, BOOLEAN),
    dt('ct_event', 'bitmask', 32, CT_EVENT),
    dt('ifname', 'string', 128),
    dt('igmp_type', 'integer', 8, IGMP_TYPE),
    dt('day', 'integer', 8, DAY),
    dt('hour', 'integer', 32),
    dt('ct_label', 'bitmask', 128),
    dt('cgroupsv2', 'integer', 64),
    dt('ct_id', 'integer', 32),
    dt('mptcpopt_subtype', 'integer', 4, MPTCP_SUBTYPE),
  ] as DatatypeInfo[]).map((d) => [d.name, d] as const),
);

/** Datatype names accepted by set declarations (`type ipv4_addr . inet_service`), i.e. DATATYPES' keys. */
export function isDatatypeName(name: string): boolean {
  return Object.prototype.hasOwnProperty.call(DATATYPES, name);
}

export function datatypeInfo(name: string): DatatypeInfo | undefined {
  return isDatatypeName(name) ? DATATYPES[name] : undefined;
}

/** Bitmask datatypes: an implicit relational op means "any of these bits" (nft -j prints op `in`). */
export function isBitmaskType(name: string | undefined): boolean {
  return name !== undefined && DATATYPES[name]?.base === 'bitmask';
}

const symbolIndex = new Map<string, Map<string, number>>();
const nameIndex = new Map<string, Map<number, string>>();

function indexFor(name: string): Map<string, number> | undefined {
  let idx = symbolIndex.get(name);
  if (idx) return idx;
  const info = datatypeInfo(name);
  if (!info?.symbols) return undefined;
  idx = new Map();
  for (const [sym, value] of info.symbols) if (!idx.has(sym)) idx.set(sym, value);
  symbolIndex.set(name, idx);
  return idx;
}

/** The number of a symbol in a datatype (`symbolValue('ct_state', 'established')` → 2), or undefined. */
export function symbolValue(datatype: string, name: string): number | undefined {
  return indexFor(datatype)?.get(name);
}

/** The name nft prints for a value (the first symbol with that value), or undefined when the datatype prints
 *  numbers (inet_service, mark, …) or has no symbol for the value. */
export function symbolName(datatype: string, value: number): string | undefined {
  const info = datatypeInfo(datatype);
  if (!info?.symbols || !info.printsSymbol) return undefined;
  let idx = nameIndex.get(datatype);
  if (!idx) {
    idx = new Map();
    for (const [sym, v] of info.symbols) if (!idx.has(v)) idx.set(v, sym);
    nameIndex.set(datatype, idx);
  }
  return idx.get(value);
}

/** All symbol names of a datatype (for suggestions in diagnostics). */
export function symbolNames(datatype: string): readonly string[] {
  return datatypeInfo(datatype)?.symbols?.map(([n]) => n) ?? [];
}

/** A bitmask value split into the flag names nft -j prints, lowest bit first (as nft's delinearisation
 *  builds the list); bits without a name are returned in `rest`. */
export function bitmaskNames(datatype: string, value: number): { names: string[]; rest: number } {
  const names: string[] = [];
  let rest = value;
  const info = datatypeInfo(datatype);
  const byBit = [...(info?.symbols ?? [])].filter(([, v]) => v !== 0 && (v & (v - 1)) === 0).sort((a, b) => a[1] - b[1]);
  const seen = new Set<number>();
  for (const [name, bit] of byBit) {
    if (seen.has(bit)) continue;
    seen.add(bit);
    if ((value & bit) !== 0) {
      names.push(name);
      rest &= ~bit;
    }
  }
  return { names, rest };
}

// ───────────────────────────── payload fields ─────────────────────────────

/** Where a protocol header sits: link layer, network, transport, or inner (tunnel) header. */
export type PayloadBase = 'll' | 'nh' | 'th' | 'ih';

export interface FieldInfo {
  readonly datatype: string;
  /** Bit offset from the start of the header. */
  readonly offset: number;
  /** Length in bits. */
  readonly len: number;
}

export interface ProtocolInfo {
  readonly base: PayloadBase;
  readonly fields: Readonly<Record<string, FieldInfo>>;
  /** Families whose tables can use this header (absent: all). */
  readonly families?: readonly Family[];
}

const f = (datatype: string, offset: number, len: number): FieldInfo => ({ datatype, offset, len });

/** Payload fields of every protocol nft knows (src/proto.c templates), by the names nft and nft -j use. */
export const PAYLOAD_PROTOCOLS: Readonly<Record<string, ProtocolInfo>> = {
  ether: {
    base: 'll',
    fields: { daddr: f('ether_addr', 0, 48), saddr: f('ether_addr', 48, 48), type: f('ether_type', 96, 16) },
  },
  vlan: {
    base: 'll',
    fields: {
      pcp: f('integer', 0, 3),
      dei: f('integer', 3, 1),
      cfi: f('integer', 3, 1),
      id: f('integer', 4, 12),
      type: f('ether_type', 16, 16),
    },
  },
  arp: {
    base: 'nh',
    fields: {
      htype: f('integer', 0, 16),
      ptype: f('ether_type', 16, 16),
      hlen: f('integer', 32, 8),
      plen: f('integer', 40, 8),
      operation: f('arp_op', 48, 16),
      'saddr ether': f('ether_addr', 64, 48),
      'saddr ip': f('ipv4_addr', 112, 32),
      'daddr ether': f('ether_addr', 144, 48),
      'daddr ip': f('ipv4_addr', 192, 32),
    },
  },
  ip: {
    base: 'nh',
    fields: {
      version: f('integer', 0, 4),
      hdrlength: f('integer', 4, 4),
      dscp: f('dscp', 8, 6),
      ecn: f('ecn', 14, 2),
      length: f('integer', 16, 16),
      id: f('integer', 32, 16),
      'frag-off': f('integer', 48, 16),
      ttl: f('integer', 64, 8),
      protocol: f('inet_proto', 72, 8),
      checksum: f('integer', 80, 16),
      saddr: f('ipv4_addr', 96, 32),
      daddr: f('ipv4_addr', 128, 32),
    },
  },
  ip6: {
    base: 'nh',
    fields: {
      version: f('integer', 0, 4),
      dscp: f('dscp', 4, 6),
      ecn: f('ecn', 10, 2),
      flowlabel: f('integer', 12, 20),
      length: f('integer', 32, 16),
      nexthdr: f('inet_proto', 48, 8),
      hoplimit: f('integer', 56, 8),
      saddr: f('ipv6_addr', 64, 128),
      daddr: f('ipv6_addr', 192, 128),
    },
  },
  icmp: {
    base: 'th',
    fields: {
      type: f('icmp_type', 0, 8),
      code: f('icmp_code', 8, 8),
      checksum: f('integer', 16, 16),
      id: f('integer', 32, 16),
      sequence: f('integer', 48, 16),
      gateway: f('integer', 32, 32),
      mtu: f('integer', 48, 16),
    },
  },
  icmpv6: {
    base: 'th',
    fields: {
      type: f('icmpv6_type', 0, 8),
      code: f('icmpv6_code', 8, 8),
      checksum: f('integer', 16, 16),
      'parameter-problem': f('integer', 32, 32),
      mtu: f('integer', 32, 32),
      id: f('integer', 32, 16),
      sequence: f('integer', 48, 16),
      'max-delay': f('integer', 32, 16),
      taddr: f('ipv6_addr', 64, 128),
      daddr: f('ipv6_addr', 192, 128),
    },
  },
  igmp: {
    base: 'th',
    fields: {
      type: f('igmp_type', 0, 8),
      mrt: f('integer', 8, 8),
      checksum: f('integer', 16, 16),
      group: f('integer', 32, 32),
    },
  },
  tcp: {
    base: 'th',
    fields: {
      sport: f('inet_service', 0, 16),
      dport: f('inet_service', 16, 16),
      sequence: f('integer', 32, 32),
      ackseq: f('integer', 64, 32),
      doff: f('integer', 96, 4),
      reserved: f('integer', 100, 4),
      flags: f('tcp_flag', 104, 8),
      window: f('integer', 112, 16),
      checksum: f('integer', 128, 16),
      urgptr: f('integer', 144, 16),
    },
  },
  udp: {
    base: 'th',
    fields: {
      sport: f('inet_service', 0, 16),
      dport: f('inet_service', 16, 16),
      length: f('integer', 32, 16),
      checksum: f('integer', 48, 16),
    },
  },
  udplite: {
    base: 'th',
    fields: {
      sport: f('inet_service', 0, 16),
      dport: f('inet_service', 16, 16),
      csumcov: f('integer', 32, 16),
      checksum: f('integer', 48, 16),
    },
  },
  sctp: {
    base: 'th',
    fields: {
      sport: f('inet_service', 0, 16),
      dport: f('inet_service', 16, 16),
      vtag: f('integer', 32, 32),
      checksum: f('integer', 64, 32),
    },
  },
  dccp: {
    base: 'th',
    fields: { sport: f('inet_service', 0, 16), dport: f('inet_service', 16, 16), type: f('dccp_pkttype', 67, 4) },
  },
  ah: {
    base: 'th',
    fields: {
      nexthdr: f('inet_proto', 0, 8),
      hdrlength: f('integer', 8, 8),
      reserved: f('integer', 16, 16),
      spi: f('integer', 32, 32),
      sequence: f('integer', 64, 32),
    },
  },
  esp: { base: 'th', fields: { spi: f('integer', 0, 32), sequence: f('integer', 32, 32) } },
  comp: {
    base: 'th',
    fields: { nexthdr: f('inet_proto', 0, 8), flags: f('bitmask', 8, 8), cpi: f('integer', 16, 16) },
  },
  /** Transport header fields common to tcp/udp/udplite/sctp/dccp. */
  th: { base: 'th', fields: { sport: f('inet_service', 0, 16), dport: f('inet_service', 16, 16) } },
  gre: {
    base: 'th',
    fields: { flags: f('integer', 0, 5), version: f('integer', 13, 3), protocol: f('ether_type', 16, 16) },
  },
  gretap: { base: 'th', fields: {} },
  vxlan: { base: 'ih', fields: { flags: f('bitmask', 0, 8), vni: f('integer', 32, 24) } },
  geneve: { base: 'ih', fields: { type: f('ether_type', 16, 16), vni: f('integer', 32, 24) } },
};

export function payloadField(protocol: string, field: string): FieldInfo | undefined {
  const proto = Object.prototype.hasOwnProperty.call(PAYLOAD_PROTOCOLS, protocol) ? PAYLOAD_PROTOCOLS[protocol] : undefined;
  return proto && Object.prototype.hasOwnProperty.call(proto.fields, field) ? proto.fields[field] : undefined;
}

/** Tunnel headers whose inner packet can be matched: `vxlan ip saddr`, `gre ip daddr`, `geneve tcp dport`. */
export const INNER_TUNNELS: readonly string[] = ['vxlan', 'geneve', 'gre', 'gretap'];

// ───────────────────────────── meta, ct, rt, socket, fib, osf, ipsec ─────────────────────────────

export interface KeyInfo {
  readonly datatype: string;
  readonly bits: number;
}

const k = (datatype: string, bits: number): KeyInfo => ({ datatype, bits });

/** meta keys (src/meta.c meta_templates[]). `secpath` is accepted as an alias of `ipsec`, `ibriport`/
 *  `obriport` of `ibrname`/`obrname`. */
export const META_KEYS: Readonly<Record<string, KeyInfo>> = {
  length: k('integer', 32),
  protocol: k('ether_type', 16),
  nfproto: k('nf_proto', 8),
  l4proto: k('inet_proto', 8),
  priority: k('classid', 32),
  mark: k('mark', 32),
  iif: k('iface_index', 32),
  iifname: k('ifname', 128),
  iiftype: k('iface_type', 16),
  oif: k('iface_index', 32),
  oifname: k('ifname', 128),
  oiftype: k('iface_type', 16),
  skuid: k('uid', 32),
  skgid: k('gid', 32),
  nftrace: k('integer', 1),
  rtclassid: k('realm', 32),
  ibrname: k('ifname', 128),
  obrname: k('ifname', 128),
  pkttype: k('pkt_type', 8),
  cpu: k('integer', 32),
  iifgroup: k('devgroup', 32),
  oifgroup: k('devgroup', 32),
  cgroup: k('integer', 32),
  random: k('integer', 32),
  ipsec: k('boolean', 8),
  iifkind: k('ifname', 128),
  oifkind: k('ifname', 128),
  ibrpvid: k('integer', 16),
  ibrvproto: k('ether_type', 16),
  time: k('time', 64),
  day: k('day', 8),
  hour: k('hour', 32),
  secmark: k('integer', 32),
  sdif: k('iface_index', 32),
  sdifname: k('ifname', 128),
  broute: k('integer', 1),
};

/** Old spellings nft still accepts for meta keys. */
export const META_KEY_ALIASES: Readonly<Record<string, string>> = {
  secpath: 'ipsec',
  ibriport: 'ibrname',
  obriport: 'obrname',
};

/** meta keys nft prints without the `meta` word (src/meta.c meta_key_is_unqualified), plus the other keys
 *  the grammar accepts unqualified (`mark`, `skuid`, `l4proto`, … in parser_bison.y meta_key_unqualified). */
export const META_UNQUALIFIED_KEYS: readonly string[] = [
  'mark', 'iif', 'iifname', 'iiftype', 'oif', 'oifname', 'oiftype', 'skuid', 'skgid', 'nftrace', 'rtclassid',
  'ibriport', 'obriport', 'ibrname', 'obrname', 'pkttype', 'cpu', 'iifgroup', 'oifgroup', 'cgroup', 'ipsec',
  'secpath', 'iifkind', 'oifkind', 'ibrpvid', 'ibrvproto', 'time', 'day', 'hour', 'random',
];

/** meta keys only meaningful in bridge tables (src/meta.c, NFT_META_BRI_*). */
export const META_BRIDGE_KEYS: readonly string[] = ['ibrname', 'obrname', 'ibrpvid', 'ibrvproto', 'broute'];

/** Whether a ct key takes a direction (`ct original …`): `never`, `optional`, or `required`
 *  (src/ct.c, parser_bison.y ct_key / ct_key_dir / ct_key_dir_optional). */
export type CtDirUse = 'never' | 'optional' | 'required';

export interface CtKeyInfo extends KeyInfo {
  readonly dir: CtDirUse;
  /** The datatype depends on the network protocol (ipv4_addr or ipv6_addr): `ct saddr` needs the table
   *  family or an explicit `ip`/`ip6` (`ct original ip saddr`). */
  readonly needsFamily?: boolean;
}

const c = (datatype: string, bits: number, dir: CtDirUse, needsFamily = false): CtKeyInfo =>
  needsFamily ? { datatype, bits, dir, needsFamily } : { datatype, bits, dir };

/** ct keys (src/ct.c ct_templates[]). */
export const CT_KEYS: Readonly<Record<string, CtKeyInfo>> = {
  state: c('ct_state', 32, 'never'),
  direction: c('ct_dir', 8, 'never'),
  status: c('ct_status', 32, 'never'),
  mark: c('mark', 32, 'never'),
  expiration: c('time', 32, 'never'),
  helper: c('string', 128, 'never'),
  l3proto: c('nf_proto', 8, 'optional'),
  saddr: c('ipv4_addr', 32, 'required', true),
  daddr: c('ipv4_addr', 32, 'required', true),
  protocol: c('inet_proto', 8, 'optional'),
  'proto-src': c('inet_service', 16, 'required'),
  'proto-dst': c('inet_service', 16, 'required'),
  label: c('ct_label', 128, 'never'),
  bytes: c('integer', 64, 'optional'),
  packets: c('integer', 64, 'optional'),
  avgpkt: c('integer', 64, 'optional'),
  zone: c('integer', 16, 'optional'),
  event: c('ct_event', 32, 'never'),
  secmark: c('integer', 32, 'never'),
  id: c('ct_id', 32, 'never'),
  count: c('integer', 32, 'never'),
};

/** rt keys (src/rt.c rt_templates[]); `nexthop` depends on the family (ipv4/ipv6), `classid` is a realm. */
export const RT_KEYS: Readonly<Record<string, KeyInfo & { readonly needsFamily?: boolean }>> = {
  classid: k('realm', 32),
  nexthop: { datatype: 'ipv4_addr', bits: 32, needsFamily: true },
  mtu: k('integer', 16),
  ipsec: k('boolean', 1),
};

/** socket keys (src/socket.c socket_templates[]). */
export const SOCKET_KEYS: Readonly<Record<string, KeyInfo>> = {
  transparent: k('integer', 1),
  mark: k('mark', 32),
  wildcard: k('integer', 1),
  cgroupv2: k('cgroupsv2', 64),
};

/** fib results (src/fib.c fib_result_tbl) and their datatypes; flags choose the lookup key. */
export const FIB_RESULTS: Readonly<Record<string, KeyInfo>> = {
  oif: k('iface_index', 32),
  oifname: k('ifname', 128),
  type: k('fib_addrtype', 32),
};
export const FIB_FLAGS: readonly string[] = ['saddr', 'daddr', 'mark', 'iif', 'oif'];

/** osf keys (src/osf.c). */
export const OSF_KEYS: Readonly<Record<string, KeyInfo>> = {
  name: k('string', 128),
  version: k('string', 128),
};

/** ipsec (xfrm) keys (src/xfrm.c xfrm_templates[]); saddr/daddr need `ip`/`ip6`. */
export const IPSEC_KEYS: Readonly<Record<string, KeyInfo & { readonly needsFamily?: boolean }>> = {
  reqid: k('integer', 32),
  spi: k('integer', 32),
  saddr: { datatype: 'ipv4_addr', bits: 32, needsFamily: true },
  daddr: { datatype: 'ipv4_addr', bits: 32, needsFamily: true },
};

/** tunnel keys (src/tunnel.c). */
export const TUNNEL_KEYS: Readonly<Record<string, KeyInfo>> = {
  path: k('boolean', 8),
  id: k('integer', 32),
};

// ───────────────────────────── extension headers and options ─────────────────────────────

/** IPv6 extension headers (src/exthdr.c exthdr_protocols[]) and their fields. `rt0 addr[N]` and
 *  `srh sid[N]` are arrays of 128-bit addresses. */
export const EXTHDR_FIELDS: Readonly<Record<string, Readonly<Record<string, FieldInfo>>>> = {
  hbh: { nexthdr: f('inet_proto', 0, 8), hdrlength: f('integer', 8, 8) },
  rt: {
    nexthdr: f('inet_proto', 0, 8),
    hdrlength: f('integer', 8, 8),
    type: f('integer', 16, 8),
    'seg-left': f('integer', 24, 8),
  },
  rt0: { reserved: f('integer', 32, 32), addr: f('ipv6_addr', 64, 128) },
  rt2: { reserved: f('integer', 32, 32), addr: f('ipv6_addr', 64, 128) },
  srh: {
    'last-entry': f('integer', 32, 8),
    flags: f('integer', 40, 8),
    tag: f('integer', 48, 16),
    sid: f('ipv6_addr', 64, 128),
  },
  frag: {
    nexthdr: f('inet_proto', 0, 8),
    reserved: f('integer', 8, 8),
    'frag-off': f('integer', 16, 13),
    reserved2: f('integer', 29, 2),
    'more-fragments': f('integer', 31, 1),
    id: f('integer', 32, 32),
  },
  dst: { nexthdr: f('inet_proto', 0, 8), hdrlength: f('integer', 8, 8) },
  mh: {
    nexthdr: f('inet_proto', 0, 8),
    hdrlength: f('integer', 8, 8),
    type: f('mh_type', 16, 8),
    reserved: f('integer', 24, 8),
    checksum: f('integer', 32, 16),
  },
};

/** The header numbers `exthdr <name> exists` tests for (IPPROTO_*). */
export const EXTHDR_TYPES: Readonly<Record<string, number>> = {
  hbh: 0, rt: 43, rt0: 43, rt2: 43, srh: 43, frag: 44, dst: 60, mh: 135,
};

export interface OptionInfo {
  /** The option kind number in the packet. */
  readonly kind: number;
  readonly fields: Readonly<Record<string, FieldInfo>>;
}

/** TCP options (src/tcpopt.c tcpopt_protocols[]). `sack0`…`sack3` address the SACK blocks. */
export const TCP_OPTIONS: Readonly<Record<string, OptionInfo>> = {
  eol: { kind: 0, fields: { kind: f('integer', 0, 8) } },
  nop: { kind: 1, fields: { kind: f('integer', 0, 8) } },
  maxseg: { kind: 2, fields: { kind: f('integer', 0, 8), length: f('integer', 8, 8), size: f('integer', 16, 16) } },
  window: { kind: 3, fields: { kind: f('integer', 0, 8), length: f('integer', 8, 8), count: f('integer', 16, 8) } },
  'sack-perm': { kind: 4, fields: { kind: f('integer', 0, 8), length: f('integer', 8, 8) } },
  sack: {
    kind: 5,
    fields: { kind: f('integer', 0, 8), length: f('integer', 8, 8), left: f('integer', 16, 32), right: f('integer', 48, 32) },
  },
  sack0: {
    kind: 5,
    fields: { kind: f('integer', 0, 8), length: f('integer', 8, 8), left: f('integer', 16, 32), right: f('integer', 48, 32) },
  },
  sack1: { kind: 5, fields: { left: f('integer', 80, 32), right: f('integer', 112, 32) } },
  sack2: { kind: 5, fields: { left: f('integer', 144, 32), right: f('integer', 176, 32) } },
  sack3: { kind: 5, fields: { left: f('integer', 208, 32), right: f('integer', 240, 32) } },
  timestamp: {
    kind: 8,
    fields: { kind: f('integer', 0, 8), length: f('integer', 8, 8), tsval: f('integer', 16, 32), tsecr: f('integer', 48, 32) },
  },
  md5sig: { kind: 19, fields: { kind: f('integer', 0, 8), length: f('integer', 8, 8) } },
  mptcp: {
    kind: 30,
    fields: { kind: f('integer', 0, 8), length: f('integer', 8, 8), subtype: f('mptcpopt_subtype', 16, 4) },
  },
  fastopen: { kind: 34, fields: { kind: f('integer', 0, 8), length: f('integer', 8, 8) } },
};

/** IPv4 options (src/ipopt.c ipopt_protocols[]). */
export const IP_OPTIONS: Readonly<Record<string, OptionInfo>> = {
  lsrr: {
    kind: 131,
    fields: { type: f('integer', 0, 8), length: f('integer', 8, 8), ptr: f('integer', 16, 8), addr: f('integer', 24, 32) },
  },
  rr: {
    kind: 7,
    fields: { type: f('integer', 0, 8), length: f('integer', 8, 8), ptr: f('integer', 16, 8), addr: f('integer', 24, 32) },
  },
  ssrr: {
    kind: 137,
    fields: { type: f('integer', 0, 8), length: f('integer', 8, 8), ptr: f('integer', 16, 8), addr: f('integer', 24, 32) },
  },
  ra: { kind: 148, fields: { type: f('integer', 0, 8), length: f('integer', 8, 8), value: f('integer', 16, 16) } },
};

const SCTP_COMMON = { type: f('integer', 0, 8), flags: f('integer', 8, 8), length: f('integer', 16, 16) };

/** SCTP chunks (src/sctp_chunk.c sctp_chunk_protocols[]) and their fields. */
export const SCTP_CHUNKS: Readonly<Record<string, OptionInfo>> = {
  data: {
    kind: 0,
    fields: {
      ...SCTP_COMMON,
      tsn: f('integer', 32, 32),
      stream: f('integer', 64, 16),
      ssn: f('integer', 80, 16),
      ppid: f('integer', 96, 32),
    },
  },
  init: {
    kind: 1,
    fields: {
      ...SCTP_COMMON,
      'init-tag': f('integer', 32, 32),
      'a-rwnd': f('integer', 64, 32),
      'num-outbound-streams': f('integer', 96, 16),
      'num-inbound-streams': f('integer', 112, 16),
      'initial-tsn': f('integer', 128, 32),
    },
  },
  'init-ack': {
    kind: 2,
    fields: {
      ...SCTP_COMMON,
      'init-tag': f('integer', 32, 32),
      'a-rwnd': f('integer', 64, 32),
      'num-outbound-streams': f('integer', 96, 16),
      'num-inbound-streams': f('integer', 112, 16),
      'initial-tsn': f('integer', 128, 32),
    },
  },
  sack: {
    kind: 3,
    fields: {
      ...SCTP_COMMON,
      'cum-tsn-ack': f('integer', 32, 32),
      'a-rwnd': f('integer', 64, 32),
      'num-gap-ack-blocks': f('integer', 96, 16),
      'num-dup-tsns': f('integer', 112, 16),
    },
  },
  heartbeat: { kind: 4, fields: SCTP_COMMON },
  'heartbeat-ack': { kind: 5, fields: SCTP_COMMON },
  abort: { kind: 6, fields: SCTP_COMMON },
  shutdown: { kind: 7, fields: { ...SCTP_COMMON, 'cum-tsn-ack': f('integer', 32, 32) } },
  'shutdown-ack': { kind: 8, fields: SCTP_COMMON },
  error: { kind: 9, fields: SCTP_COMMON },
  'cookie-echo': { kind: 10, fields: SCTP_COMMON },
  'cookie-ack': { kind: 11, fields: SCTP_COMMON },
  ecne: { kind: 12, fields: { ...SCTP_COMMON, 'lowest-tsn': f('integer', 32, 32) } },
  cwr: { kind: 13, fields: { ...SCTP_COMMON, 'lowest-tsn': f('integer', 32, 32) } },
  'shutdown-complete': { kind: 14, fields: SCTP_COMMON },
  'asconf-ack': { kind: 0x80, fields: { ...SCTP_COMMON, seqno: f('integer', 32, 32) } },
  'forward-tsn': { kind: 0xc0, fields: { ...SCTP_COMMON, 'new-cum-tsn': f('integer', 32, 32) } },
  asconf: { kind: 0xc1, fields: { ...SCTP_COMMON, seqno: f('integer', 32, 32) } },
};

// ───────────────────────────── expression → datatype ─────────────────────────────

const has = (o: object, key: string): boolean => Object.prototype.hasOwnProperty.call(o, key);

/** The datatype nft gives an expression, by name (`ipv4_addr`, `inet_service`, `ct_state`, …); concatenations
 *  give `a . b`. `family` resolves family-dependent keys (`ct saddr`, `rt nexthop`) when the expression does not
 *  say. Undefined when it cannot be told (a plain value, a map lookup). */
export function datatypeOf(expr: Expr, family?: Family): string | undefined {
  switch (expr.kind) {
    case 'payload':
      return payloadField(expr.protocol, expr.field)?.datatype;
    case 'payload-raw':
      return 'integer';
    case 'exthdr': {
      if (expr.field === undefined) return 'boolean';
      const fields = has(EXTHDR_FIELDS, expr.name) ? EXTHDR_FIELDS[expr.name] : undefined;
      return fields && has(fields, expr.field) ? fields[expr.field]?.datatype : undefined;
    }
    case 'option': {
      // Without a field the expression tests presence; option fields are integers except the MPTCP subtype.
      if (expr.field === undefined) return 'boolean';
      const table = expr.protocol === 'tcp' ? TCP_OPTIONS : expr.protocol === 'ip' ? IP_OPTIONS : expr.protocol === 'sctp' ? SCTP_CHUNKS : undefined;
      const opt = table && has(table, expr.name) ? table[expr.name] : undefined;
      return (opt && has(opt.fields, expr.field) ? opt.fields[expr.field]?.datatype : undefined) ?? 'integer';
    }
    case 'meta': {
      const key = META_KEY_ALIASES[expr.key] ?? expr.key;
      return has(META_KEYS, key) ? META_KEYS[key]?.datatype : undefined;
    }
    case 'ct': {
      if (/^ip6? [sd]addr$/.test(expr.key)) return expr.key.startsWith('ip6') ? 'ipv6_addr' : 'ipv4_addr';
      if (!has(CT_KEYS, expr.key)) return undefined;
      const info = CT_KEYS[expr.key];
      if (info?.needsFamily) {
        const fam = expr.family ?? (family === 'ip' || family === 'ip6' ? family : undefined);
        return fam === 'ip6' ? 'ipv6_addr' : fam === 'ip' ? 'ipv4_addr' : undefined;
      }
      return info?.datatype;
    }
    case 'rt': {
      if (expr.key === 'nexthop') {
        const fam = expr.family ?? (family === 'ip' || family === 'ip6' ? family : undefined);
        return fam === 'ip6' ? 'ipv6_addr' : fam === 'ip' ? 'ipv4_addr' : undefined;
      }
      return has(RT_KEYS, expr.key) ? RT_KEYS[expr.key]?.datatype : undefined;
    }
    case 'socket':
      return has(SOCKET_KEYS, expr.key) ? SOCKET_KEYS[expr.key]?.datatype : undefined;
    case 'fib':
      return FIB_RESULTS[expr.result]?.datatype;
    case 'osf':
      return 'string';
    case 'numgen':
    case 'hash':
      return 'integer';
    case 'ipsec': {
      if (expr.key === 'saddr' || expr.key === 'daddr') return expr.family === 'ip6' ? 'ipv6_addr' : 'ipv4_addr';
      return has(IPSEC_KEYS, expr.key) ? IPSEC_KEYS[expr.key]?.datatype : undefined;
    }
    case 'tunnel':
      return has(TUNNEL_KEYS, expr.key) ? TUNNEL_KEYS[expr.key]?.datatype : undefined;
    case 'binop':
      return datatypeOf(expr.left, family);
    case 'concat': {
      const parts = expr.items.map((i) => datatypeOf(i, family));
      return parts.every((p) => p !== undefined) ? parts.join(' . ') : undefined;
    }
    case 'verdict':
      return 'verdict';
    case 'value':
    case 'variable':
    case 'prefix':
    case 'range':
    case 'set':
    case 'elem':
    case 'mapping':
    case 'setref':
    case 'map':
    case 'list':
    case 'xt':
    case 'opaque':
      return undefined;
  }
}

/** Width in bits of the value an expression yields (for range checks of constants), or undefined. */
export function bitsOf(expr: Expr, family?: Family): number | undefined {
  switch (expr.kind) {
    case 'payload':
      return payloadField(expr.protocol, expr.field)?.len;
    case 'payload-raw':
      return expr.len;
    case 'exthdr': {
      if (expr.field === undefined) return 1;
      const fields = has(EXTHDR_FIELDS, expr.name) ? EXTHDR_FIELDS[expr.name] : undefined;
      return fields && has(fields, expr.field) ? fields[expr.field]?.len : undefined;
    }
    case 'option': {
      if (expr.field === undefined) return 1;
      // Raw option field `@offset,len`.
      if (expr.field.startsWith('@')) return Number(expr.field.split(',')[1]);
      const table = expr.protocol === 'tcp' ? TCP_OPTIONS : expr.protocol === 'ip' ? IP_OPTIONS : expr.protocol === 'sctp' ? SCTP_CHUNKS : undefined;
      const opt = table && has(table, expr.name) ? table[expr.name] : undefined;
      return opt && has(opt.fields, expr.field) ? opt.fields[expr.field]?.len : undefined;
    }
    case 'meta': {
      const key = META_KEY_ALIASES[expr.key] ?? expr.key;
      return has(META_KEYS, key) ? META_KEYS[key]?.bits : undefined;
    }
    case 'ct': {
      if (/^ip6? [sd]addr$/.test(expr.key)) return expr.key.startsWith('ip6') ? 128 : 32;
      if (!has(CT_KEYS, expr.key)) return undefined;
      const info = CT_KEYS[expr.key];
      if (info?.needsFamily) {
        const dtn = datatypeOf(expr, family);
        return dtn === 'ipv6_addr' ? 128 : dtn === 'ipv4_addr' ? 32 : undefined;
      }
      return info?.bits;
    }
    case 'rt':
      return has(RT_KEYS, expr.key) ? RT_KEYS[expr.key]?.bits : undefined;
    case 'socket':
      return has(SOCKET_KEYS, expr.key) ? SOCKET_KEYS[expr.key]?.bits : undefined;
    case 'fib':
      return FIB_RESULTS[expr.result]?.bits;
    case 'osf':
      return 128; // NFT_OSF_MAXGENRELEN
    case 'numgen':
    case 'hash':
      return 32;
    case 'ipsec':
      return has(IPSEC_KEYS, expr.key) ? IPSEC_KEYS[expr.key]?.bits : undefined;
    case 'binop':
      return bitsOf(expr.left, family);
    default:
      return undefined;
  }
}

// The tables above are looked up with words from pasted text (`meta constructor`, `tcp __proto__`): without a
// prototype, a key such as `constructor` or `toString` finds nothing instead of an Object.prototype member.
for (const table of [DATATYPES, PAYLOAD_PROTOCOLS, META_KEYS, META_KEY_ALIASES, CT_KEYS, RT_KEYS, SOCKET_KEYS, FIB_RESULTS, OSF_KEYS, IPSEC_KEYS, TUNNEL_KEYS, EXTHDR_FIELDS, EXTHDR_TYPES, TCP_OPTIONS, IP_OPTIONS, SCTP_CHUNKS]) {
  Object.setPrototypeOf(table, null);
}
for (const p of Object.values(PAYLOAD_PROTOCOLS)) Object.setPrototypeOf(p.fields, null);
for (const fields of Object.values(EXTHDR_FIELDS)) Object.setPrototypeOf(fields, null);
for (const o of [...Object.values(TCP_OPTIONS), ...Object.values(IP_OPTIONS), ...Object.values(SCTP_CHUNKS)]) Object.setPrototypeOf(o.fields, null);
