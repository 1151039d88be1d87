// Symbol tables iptables and nft use for protocols, services, ICMP types, DSCP classes, log levels and
// reject types. Protocols and services follow Debian's netbase /etc/protocols and /etc/services (what
// iptables' getprotobyname/getservbyname and nft's getprotobynumber see). Pure data; imports nothing.

// name:number[,alias…] as in /etc/protocols; the first name is the one nft prints.
const PROTOCOL_TABLE = 'ip:0 hopopt:0 icmp:1 igmp:2 ggp:3 ipencap:4,ip-encap st:5 tcp:6 egp:8 igp:9 pup:12 udp:17 hmp:20 xns-idp:22 rdp:27 iso-tp4:29 dccp:33 xtp:36 ddp:37 idpr-cmtp:38 ipv6:41 ipv6-route:43 ipv6-frag:44 idrp:45 rsvp:46 gre:47 esp:50,ipsec-esp ah:51,ipsec-ah skip:57 ipv6-icmp:58 ipv6-nonxt:59 ipv6-opts:60 rspf:73,cphb vmtp:81 eigrp:88 ospf:89,ospfigp ax.25:93 ipip:94 etherip:97 encap:98 pim:103 ipcomp:108 vrrp:112 l2tp:115 isis:124 sctp:132 fc:133 mobility-header:135 udplite:136 mpls-in-ip:137 manet:138 hip:139 shim6:140 wesp:141 rohc:142 ethernet:143 mptcp:262';

// service:port (tcp/udp), from /etc/services.
const SERVICE_TABLE = 'tcpmux:1 echo:7 discard:9 sink:9 null:9 systat:11 users:11 daytime:13 netstat:15 qotd:17 quote:17 chargen:19 ttytst:19 source:19 ftp-data:20 ftp:21 fsp:21 fspd:21 ssh:22 telnet:23 smtp:25 mail:25 time:37 timserver:37 whois:43 nicname:43 tacacs:49 domain:53 bootps:67 bootpc:68 tftp:69 gopher:70 finger:79 http:80 www:80 kerberos:88 kerberos5:88 krb5:88 kerberos-sec:88 iso-tsap:102 tsap:102 acr-nema:104 dicom:11112 pop3:110 pop-3:110 sunrpc:111 portmapper:111 auth:113 authentication:113 tap:113 ident:113 nntp:119 readnews:119 untp:119 ntp:123 epmap:135 loc-srv:135 netbios-ns:137 netbios-dgm:138 netbios-ssn:139 imap2:143 imap:143 snmp:161 snmp-trap:162 snmptrap:162 cmip-man:163 cmip-agent:164 mailq:174 xdmcp:177 bgp:179 smux:199 qmtp:209 z3950:210 wais:210 ipx:213 ptp-event:319 ptp-general:320 pawserv:345 zserv:346 rpc2portmap:369 codaauth2:370 clearcase:371 Clearcase:371 ldap:389 svrloc:427 https:443 snpp:444 microsoft-ds:445 kpasswd:464 submissions:465 ssmtp:465 smtps:465 urd:465 saft:487 isakmp:500 rtsp:554 nqs:607 asf-rmcp:623 qmqp:628 ipp:631 ldp:646 exec:512 biff:512 comsat:512 login:513 who:513 whod:513 shell:514 cmd:514 syslog:514 printer:515 spooler:515 talk:517 ntalk:518 route:520 router:520 routed:520 gdomap:538 uucp:540 uucpd:540 klogin:543 kshell:544 krcmd:544 dhcpv6-client:546 dhcpv6-server:547 afpovertcp:548 nntps:563 snntp:563 submission:587 ldaps:636 tinc:655 silc:706 kerberos-adm:749 domain-s:853 rsync:873 ftps-data:989 ftps:990 telnets:992 imaps:993 pop3s:995 socks:1080 proofd:1093 rootd:1094 openvpn:1194 rmiregistry:1099 lotusnote:1352 lotusnotes:1352 ms-sql-s:1433 ms-sql-m:1434 ingreslock:1524 datametrics:1645 old-radius:1645 sa-msg-port:1646 old-radacct:1646 kermit:1649 groupwise:1677 l2f:1701 l2tp:1701 radius:1812 radius-acct:1813 radacct:1813 cisco-sccp:2000 nfs:2049 gnunet:2086 rtcm-sc104:2101 gsigatekeeper:2119 gris:2135 cvspserver:2401 venus:2430 venus-se:2431 codasrv:2432 codasrv-se:2433 mon:2583 dict:2628 f5-globalsite:2792 gsiftp:2811 gpsd:2947 gds-db:3050 gds_db:3050 icpv2:3130 icp:3130 isns:3205 iscsi-target:3260 mysql:3306 ms-wbt-server:3389 nut:3493 distcc:3632 daap:3689 svn:3690 subversion:3690 suucp:4031 sysrqd:4094 sieve:4190 epmd:4369 remctl:4373 f5-iquery:4353 ntske:4460 ipsec-nat-t:4500 iax:4569 mtn:4691 radmin-port:4899 sip:5060 sip-tls:5061 xmpp-client:5222 jabber-client:5222 xmpp-server:5269 jabber-server:5269 cfengine:5308 mdns:5353 postgresql:5432 postgres:5432 freeciv:5556 rptp:5556 amqps:5671 amqp:5672 x11:6000 x11-0:6000 x11-1:6001 x11-2:6002 x11-3:6003 x11-4:6004 x11-5:6005 x11-6:6006 x11-7:6007 gnutella-svc:6346 gnutella-rtr:6347 redis:6379 sge-qmaster:6444 sge_qmaster:6444 sge-execd:6445 sge_execd:6445 mysql-proxy:6446 babel:6696 ircs-u:6697 bbs:7000 afs3-fileserver:7000 afs3-callback:7001 afs3-prserver:7002 afs3-vlserver:7003 afs3-kaserver:7004 afs3-volser:7005 afs3-bos:7007 afs3-update:7008 afs3-rmtsys:7009 font-service:7100 xfs:7100 http-alt:8080 webcache:8080 puppet:8140 bacula-dir:9101 bacula-fd:9102 bacula-sd:9103 xmms2:9667 nbd:10809 zabbix-agent:10050 zabbix-trapper:10051 amanda:10080 hkp:11371 db-lsp:17500 dcap:22125 gsidcap:22128 wnn6:22273 kerberos4:750 kerberos-iv:750 kdc:750 kerberos-master:751 kerberos_master:751 passwd-server:752 passwd_server:752 krb-prop:754 krb_prop:754 krb5_prop:754 hprop:754 zephyr-srv:2102 zephyr-clt:2103 zephyr-hm:2104 iprop:2121 supfilesrv:871 supfiledbg:1127 poppassd:106 moira-db:775 moira_db:775 moira-update:777 moira_update:777 moira-ureg:779 moira_ureg:779 spamd:783 skkserv:1178 predict:1210 rmtcfg:1236 xtel:1313 xtelw:1314 zebrasrv:2600 zebra:2601 ripd:2602 ripngd:2603 ospfd:2604 bgpd:2605 ospf6d:2606 ospfapi:2607 isisd:2608 fax:4557 hylafax:4559 munin:4949 lrrd:4949 rplay:5555 nrpe:5666 nsca:5667 canna:5680 syslog-tls:6514 sane-port:6566 sane:6566 saned:6566 ircd:6667 zope-ftp:8021 tproxy:8081 omniorb:8088 clc-build-daemon:8990 xinetd:9098 git:9418 zope:9673 webmin:10000 kamanda:10081 amandaidx:10082 amidxtape:10083 sgi-cmsd:17001 sgi-crsd:17002 sgi-gcd:17003 sgi-cad:17004 binkp:24554 asp:27374 csync2:30865 dircproxy:57000 tfido:60177 fido:60179';

const protoByName = new Map<string, number>();
const protoNameByNumber = new Map<number, string>();
for (const entry of PROTOCOL_TABLE.split(' ')) {
  // name:number[,alias…]
  const [name = '', rest = ''] = entry.split(':');
  const [n, ...aliases] = rest.split(',');
  const value = Number(n);
  for (const a of [name, ...aliases]) if (a && !protoByName.has(a)) protoByName.set(a, value);
  if (!protoNameByNumber.has(value)) protoNameByNumber.set(value, name);
}
// Names iptables knows without /etc/protocols (libxtables xtables_chain_protos).
for (const [name, value] of [['icmpv6', 58], ['icmp6', 58], ['ipv6-mh', 135], ['mh', 135], ['all', 0]] as const) {
  if (!protoByName.has(name)) protoByName.set(name, value);
}
// `ip` is protocol 0 in /etc/protocols, which nft never prints for l4proto (0 means "any" to iptables).
protoNameByNumber.delete(0);

/** Protocol number of a name or number as `-p` accepts it (case-insensitive), or undefined. */
export function protocolNumber(text: string): number | undefined {
  const t = text.toLowerCase();
  if (/^\d+$/.test(t)) {
    const n = Number(t);
    return n <= 255 ? n : undefined;
  }
  return protoByName.get(t);
}

/** The protocol as nft prints it: its /etc/protocols name, or the number. */
export function protocolValue(n: number): string | number {
  return protoNameByNumber.get(n) ?? n;
}

const serviceByName = new Map<string, number>();
for (const entry of SERVICE_TABLE.split(' ')) {
  const i = entry.lastIndexOf(':');
  serviceByName.set(entry.slice(0, i), Number(entry.slice(i + 1)));
}

/** A port number or service name → number, or undefined. */
export function portNumber(text: string): number | undefined {
  if (/^\d+$/.test(text)) {
    const n = Number(text);
    return n <= 65535 ? n : undefined;
  }
  return serviceByName.get(text);
}

// ── ICMP (iptables names: extensions/libipt_icmp.c; nft names: src/proto.c icmp_type_tbl) ──

export interface IcmpSpec {
  readonly type: number;
  readonly codeMin: number;
  readonly codeMax: number;
}

function icmpTable(rows: string): ReadonlyMap<string, IcmpSpec> {
  const map = new Map<string, IcmpSpec>();
  for (const row of rows.trim().split(/\s+/)) {
    const [names, spec] = row.split('=') as [string, string];
    const [type, code] = spec.split('/');
    const value: IcmpSpec = code === undefined ? { type: Number(type), codeMin: 0, codeMax: 255 } : { type: Number(type), codeMin: Number(code), codeMax: Number(code) };
    for (const name of names.split('|')) map.set(name.toLowerCase(), value);
  }
  return map;
}

export const IPTABLES_ICMP_TYPES = icmpTable(`
  any=255 echo-reply|pong=0 destination-unreachable=3 network-unreachable=3/0 host-unreachable=3/1
  protocol-unreachable=3/2 port-unreachable=3/3 fragmentation-needed=3/4 source-route-failed=3/5
  network-unknown=3/6 host-unknown=3/7 network-prohibited=3/9 host-prohibited=3/10
  TOS-network-unreachable=3/11 TOS-host-unreachable=3/12 communication-prohibited=3/13
  host-precedence-violation=3/14 precedence-cutoff=3/15 source-quench=4 redirect=5 network-redirect=5/0
  host-redirect=5/1 TOS-network-redirect=5/2 TOS-host-redirect=5/3 echo-request|ping=8
  router-advertisement=9 router-solicitation=10 time-exceeded|ttl-exceeded=11 ttl-zero-during-transit=11/0
  ttl-zero-during-reassembly=11/1 parameter-problem=12 ip-header-bad=12/0 required-option-missing=12/1
  timestamp-request=13 timestamp-reply=14 address-mask-request=17 address-mask-reply=18`);

export const IPTABLES_ICMPV6_TYPES = icmpTable(`
  destination-unreachable=1 no-route=1/0 communication-prohibited=1/1 beyond-scope=1/2
  address-unreachable=1/3 port-unreachable=1/4 failed-policy=1/5 reject-route=1/6 packet-too-big=2
  time-exceeded|ttl-exceeded=3 ttl-zero-during-transit=3/0 ttl-zero-during-reassembly=3/1
  parameter-problem=4 bad-header=4/0 unknown-header-type=4/1 unknown-option=4/2 echo-request|ping=128
  echo-reply|pong=129 mld-listener-query=130 mld-listener-report=131
  mld-listener-done|mld-listener-reduction=132 router-solicitation=133 router-advertisement=134
  neighbour-solicitation|neighbor-solicitation=135 neighbour-advertisement|neighbor-advertisement=136 redirect=137`);

function numberNames(rows: string): ReadonlyMap<number, string> {
  const map = new Map<number, string>();
  for (const row of rows.trim().split(/\s+/)) {
    const [name, n] = row.split('=') as [string, string];
    map.set(Number(n), name);
  }
  return map;
}

/** nft's names for ICMP types and codes (what `nft -j` prints). */
export const NFT_ICMP_TYPE = numberNames(`echo-reply=0 destination-unreachable=3 source-quench=4 redirect=5
  echo-request=8 router-advertisement=9 router-solicitation=10 time-exceeded=11 parameter-problem=12
  timestamp-request=13 timestamp-reply=14 info-request=15 info-reply=16 address-mask-request=17 address-mask-reply=18`);
export const NFT_ICMP_CODE = numberNames(`net-unreachable=0 host-unreachable=1 prot-unreachable=2 port-unreachable=3
  frag-needed=4 net-prohibited=9 host-prohibited=10 admin-prohibited=13`);
export const NFT_ICMPV6_TYPE = numberNames(`destination-unreachable=1 packet-too-big=2 time-exceeded=3
  parameter-problem=4 echo-request=128 echo-reply=129 mld-listener-query=130 mld-listener-report=131
  mld-listener-done=132 nd-router-solicit=133 nd-router-advert=134 nd-neighbor-solicit=135 nd-neighbor-advert=136
  nd-redirect=137 router-renumbering=138 ind-neighbor-solicit=141 ind-neighbor-advert=142 mld2-listener-report=143`);
export const NFT_ICMPV6_CODE = numberNames(`no-route=0 admin-prohibited=1 addr-unreachable=3 port-unreachable=4
  policy-fail=5 reject-route=6`);

// ── DSCP (iptables extensions/dscp_helper.c class names; nft src/proto.c dscp_type_tbl) ──

export const DSCP_CLASSES: ReadonlyMap<string, number> = new Map([
  ['cs0', 0], ['cs1', 8], ['cs2', 16], ['cs3', 24], ['cs4', 32], ['cs5', 40], ['cs6', 48], ['cs7', 56],
  ['be', 0], ['af11', 10], ['af12', 12], ['af13', 14], ['af21', 18], ['af22', 20], ['af23', 22],
  ['af31', 26], ['af32', 28], ['af33', 30], ['af41', 34], ['af42', 36], ['af43', 38], ['ef', 46],
]);
export const NFT_DSCP = numberNames(`cs0=0 cs1=8 cs2=16 cs3=24 cs4=32 cs5=40 cs6=48 cs7=56 lephb=1 af11=10 af12=12
  af13=14 af21=18 af22=20 af23=22 af31=26 af32=28 af33=30 af41=34 af42=36 af43=38 ef=46`);

/** TOS names of the tos match and TOS target (extensions/tos_values.c), all with mask 0x3f. */
export const TOS_NAMES: ReadonlyMap<string, number> = new Map([
  ['minimize-delay', 0x10], ['maximize-throughput', 0x08], ['maximize-reliability', 0x04],
  ['minimize-cost', 0x02], ['normal-service', 0x00],
]);

/** syslog levels as LOG --log-level accepts them, and nft's names for them (`warn` is nft's default). */
export const LOG_LEVELS: ReadonlyMap<string, number> = new Map([
  ['emerg', 0], ['panic', 0], ['alert', 1], ['crit', 2], ['err', 3], ['error', 3], ['warning', 4], ['warn', 4],
  ['notice', 5], ['info', 6], ['debug', 7],
]);
export const NFT_LOG_LEVEL = ['emerg', 'alert', 'crit', 'err', 'warn', 'notice', 'info', 'debug'] as const;

/** REJECT --reject-with values (extensions/libipt_REJECT.c, libip6t_REJECT.c) → nft reject type and code. */
export const REJECT_WITH_IP: ReadonlyMap<string, string> = new Map([
  ['icmp-net-unreachable', 'net-unreachable'], ['net-unreach', 'net-unreachable'],
  ['icmp-host-unreachable', 'host-unreachable'], ['host-unreach', 'host-unreachable'],
  ['icmp-proto-unreachable', 'prot-unreachable'], ['proto-unreach', 'prot-unreachable'],
  ['icmp-port-unreachable', 'port-unreachable'], ['port-unreach', 'port-unreachable'],
  ['icmp-net-prohibited', 'net-prohibited'], ['net-prohib', 'net-prohibited'],
  ['icmp-host-prohibited', 'host-prohibited'], ['host-prohib', 'host-prohibited'],
  ['icmp-admin-prohibited', 'admin-prohibited'], ['admin-prohib', 'admin-prohibited'],
  ['tcp-reset', 'tcp reset'], ['tcp-rst', 'tcp reset'],
]);
export const REJECT_WITH_IP6: ReadonlyMap<string, string> = new Map([
  ['icmp6-no-route', 'no-route'], ['no-route', 'no-route'],
  ['icmp6-adm-prohibited', 'admin-prohibited'], ['adm-prohibited', 'admin-prohibited'],
  ['icmp6-addr-unreachable', 'addr-unreachable'], ['addr-unreach', 'addr-unreachable'],
  ['icmp6-port-unreachable', 'port-unreachable'], ['port-unreach', 'port-unreachable'],
  ['icmp6-policy-fail', 'policy-fail'], ['policy-fail', 'policy-fail'],
  ['icmp6-reject-route', 'reject-route'], ['reject-route', 'reject-route'],
  ['tcp-reset', 'tcp reset'], ['tcp-rst', 'tcp reset'],
]);

/** TCP flag names in bit order (nft prints lists in this order). */
export const TCP_FLAGS = ['fin', 'syn', 'rst', 'psh', 'ack', 'urg', 'ecn', 'cwr'] as const;

/** addrtype types (extensions/libipt_addrtype.c) → nft fib type names. */
export const ADDR_TYPES: ReadonlyMap<string, string> = new Map([
  ['unspec', 'unspec'], ['unicast', 'unicast'], ['local', 'local'], ['broadcast', 'broadcast'],
  ['anycast', 'anycast'], ['multicast', 'multicast'], ['blackhole', 'blackhole'], ['unreachable', 'unreachable'],
  ['prohibit', 'prohibit'], ['throw', 'throw'], ['nat', 'nat'], ['xresolve', 'xresolve'],
]);
