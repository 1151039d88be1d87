// Random differential cases for iptables: a seeded generator of valid iptables-save dumps (as
// iptables-nft-restore 1.8.9 loads them) for the oracle topology, with packets aimed at (and past) their rules.
// Pure (no Node, no clock, no Math.random); imports only oracle data.
//
// What it covers: tables raw/mangle/nat/filter with their built-in chains and policies (DROP on filter and
// mangle), user chains reached by -j and -g as a DAG (a chain only refers to chains declared after it, no
// loops), RETURN (also in built-in chains), ACCEPT/DROP/REJECT (every --reject-with of ipt_REJECT), -s/-d
// with prefixes and `!`, -i/-o with `+` wildcards and `!`, -p tcp/udp/icmp and `! -p`, --sport/--dport single,
// ranges, `!` (also both negated: one compare in iptables-nft), -m multiport (--dports/--sports/--ports),
// -m conntrack --ctstate/--ctstatus/--ctdir/--ctorigdst, -m state, -m mark, -m connmark, -m comment,
// -m addrtype, -m iprange, -m length, -m ttl, -m tcp --tcp-flags/--syn, -m icmp --icmp-type, -m limit (rates
// high enough never to run out), -m statistic random and nth, targets MARK (--set-mark, --set-xmark,
// --and/--or/--xor-mark), CONNMARK (--set-mark, --save-mark, --restore-mark), LOG, CT --notrack / NOTRACK in
// raw, DNAT/SNAT (addresses, ports, ranges), MASQUERADE and REDIRECT (with and without --to-ports), and
// kube-proxy's shapes (KUBE-SERVICES → KUBE-SVC-* with statistic → KUBE-SEP-* DNAT, KUBE-MARK-MASQ,
// KUBE-POSTROUTING with its mark dance and MASQUERADE, KUBE-FORWARD), and Docker's bridge rules (DOCKER,
// DOCKER-USER, DOCKER-ISOLATION-STAGE-1/2, a published port DNAT'd to a container on the server side).
//
// Load rules learnt from iptables 1.8.9 (nft backend) / Linux 6.18 (a dump breaking one is refused whole):
// - nat targets go through nft_compat, which checks the xt target's table and hooks against every base chain
//   that reaches the rule (nft_compat_validate): DNAT/REDIRECT only from nat PREROUTING/OUTPUT, SNAT from nat
//   POSTROUTING/INPUT, MASQUERADE from nat POSTROUTING (kernel xt_nat.c, xt_MASQUERADE.c, xt_REDIRECT.c);
//   REJECT only in the filter table from INPUT/FORWARD/OUTPUT (ipt_REJECT.c: .table "filter", .hooks);
//   CT/NOTRACK only in raw (xt_CT.c .table "raw").
// - Ports on --to-destination/--to-source/--to-ports need -p tcp or udp (libxt_DNAT.c "Need TCP, UDP, SCTP or
//   DCCP with port specification"); --reject-with tcp-reset needs -p tcp not negated (ipt_REJECT.c
//   reject_tg_check); --sport/--dport/multiport need -p tcp/udp not negated (the implicit match is loaded by -p).
// - `-i` is refused on OUTPUT/POSTROUTING and `-o` on PREROUTING/INPUT (xshared.c, built-in chains only);
//   here they are kept to chains reached only from hooks where they mean something.
// - DROP (target or policy) in the nat table is refused by iptables ("The nat table is not intended for
//   filtering"); nat policies stay ACCEPT.
import { generateIptablesFamilyCase, type GeneratedIptablesCase, type IptFamily } from './iptablesCaseShared.ts';
import { CLIENT_ADDR, HOST_ADDR, HOST_LO_ADDR } from './topology.ts';
import { ELSEWHERE, isHostLocal, ip2n, prefixAddr, sampleAddr, singleAddr, type AddrChoice, type ValueItem } from './caseValues.ts';

export type { GeneratedIptablesCase } from './iptablesCaseShared.ts';

const choice = (r: ValueItem): AddrChoice => ({ text: r.text, sample: (rng) => sampleAddr(rng, r) });
const range = (a: string, b: string): AddrChoice => choice({ text: `${a}-${b}`, lo: ip2n(a), hi: ip2n(b) });

/** The IPv4 profile of the shared generator (iptables-save, iptables-nft-restore). */
const IPV4: IptFamily = {
  tool: 'iptables',
  family: 'ip',
  seedMix: (seed) => seed,
  saveHeader: '',
  clientAddr: CLIENT_ADDR,
  hostAddr: HOST_ADDR,
  hostLoAddr: HOST_LO_ADDR,
  hostLen: 32,
  hostMask: '255.255.255.255',
  anyPrefix: '0.0.0.0/0',
  addrs: [
    singleAddr(CLIENT_ADDR), singleAddr(HOST_ADDR), singleAddr('198.51.100.9'), prefixAddr('198.51.100.0', 24), prefixAddr('198.51.100.0', 25), prefixAddr('198.51.100.64', 26),
    prefixAddr('198.51.100.128', 25), singleAddr(HOST_LO_ADDR), prefixAddr('192.0.2.0', 24), singleAddr('203.0.113.2'), prefixAddr('203.0.113.0', 24), prefixAddr('203.0.113.128', 25),
    prefixAddr('10.0.0.0', 8), prefixAddr('100.64.0.0', 10), prefixAddr('0.0.0.0', 0),
  ].map(choice),
  ipRanges: [range('198.51.100.1', '198.51.100.10'), range('198.51.100.70', '198.51.100.80'), range('203.0.113.2', '203.0.113.20'), range('192.0.2.1', '192.0.2.100')],
  natTargets: [HOST_LO_ADDR, HOST_ADDR, '203.0.113.5', '203.0.113.140', '10.1.2.3'],
  vips: ['10.96.0.10', '10.96.12.34', '10.96.200.1'],
  podCidr: '10.244.0.0/16',
  extraLocal: '192.0.2.64/26',
  elsewhere: ELSEWHERE,
  serverDaddrs: ['203.0.113.2', '203.0.113.5', '203.0.113.20', '203.0.113.140'],
  isHostLocal,
  icmp: 'icmp',
  protoWord: (p) => p,
  icmpTypeOption: '--icmp-type',
  icmpTypeMatches: [
    ['8', 8, 0], ['echo-request', 8, 0], ['0', 0, 0], ['3/3', 3, 3], ['3', 3, 1], ['destination-unreachable', 3, 3], ['11', 11, 0], ['! 8', 0, 0], ['any', 8, 0],
  ],
  addrTypes: (rng) => [
    ['--dst-type LOCAL', { daddr: rng.pick([HOST_ADDR, HOST_LO_ADDR]) }], ['! --dst-type LOCAL', {}], ['--src-type LOCAL', {}], ['--dst-type UNICAST', {}],
    ['--dst-type BROADCAST', { daddr: '198.51.100.255' }], ['! --src-type LOCAL --dst-type LOCAL', { daddr: HOST_ADDR }], ['--dst-type UNREACHABLE', { daddr: '10.1.2.3' }],
    ['--dst-type MULTICAST', {}], ['--src-type UNICAST', {}],
  ],
  ttlModule: 'ttl',
  rejectWith: ['icmp-port-unreachable', 'icmp-host-unreachable', 'icmp-net-unreachable', 'icmp-admin-prohibited', 'icmp-proto-unreachable', 'icmp-net-prohibited', 'icmp-host-prohibited', 'tcp-reset', 'tcp-reset'],
  addrPort: (addr, port) => `${addr}:${port}`,
  snatSources: [HOST_ADDR, '203.0.113.1', '198.51.100.200'],
  snatPorts: true,
  serverNet: '203.0.113.0/24',
  container: '203.0.113.2',
  loopback: '127.0.0.0/8',
  dockerUserDrop: '198.51.100.128/25',
  remoteSources: [[CLIENT_ADDR, 5], ['198.51.100.9', 1], ['198.51.100.150', 1], ['100.64.1.2', 1], ['203.0.113.20', 0.5]],
  localSources: [[HOST_ADDR, 6], [HOST_LO_ADDR, 2], ['203.0.113.1', 1]],
  icmpTypes: [[8, 6], [0, 2], [3, 1], [11, 1]],
  unreachable: { type: 3, codes: [1, 3] },
};

export function generateIptablesCase(seed: number): GeneratedIptablesCase {
  return generateIptablesFamilyCase(IPV4, seed);
}
