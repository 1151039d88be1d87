// The examples gallery: small, real workspaces (each text loads with the real tool, see kernel.test.ts)
// with what each teaches and packets to trace. Data only; imports the model's SourceFormat type and the
// example texts (Vite `?raw` imports, which vitest resolves too). Framework-free: the UI lists and loads them.
import type { SourceFormat } from '../model/ir.ts';

import kubeNft from './kube-proxy-nftables/nft-list-ruleset.nft?raw';
import kubeIptables from './kube-proxy-iptables/iptables-save.txt?raw';
import kubeIpvsadm from './kube-proxy-ipvs/ipvsadm-Ln.txt?raw';
import kubeIpset from './kube-proxy-ipvs/ipset-save.txt?raw';
import kubeIpvsIptables from './kube-proxy-ipvs/iptables-save.txt?raw';
import homeRouter from './home-router/nft-list-ruleset.nft?raw';
import docker from './docker/iptables-nft-save.txt?raw';
import firewalld from './firewalld/nft-list-ruleset.nft?raw';
import mixedNft from './legacy-and-nft/nft-list-ruleset.nft?raw';
import mixedLegacy from './legacy-and-nft/iptables-legacy-save.txt?raw';

export interface ExampleSource {
  /** What the user would have typed to get the text, e.g. `nft list ruleset`. */
  readonly name: string;
  readonly format: SourceFormat;
  readonly text: string;
}

export interface ExamplePacket {
  /** One-line packet syntax: keys exactly as nft prints them (`iifname eth0 ip saddr … tcp dport 53 ct state new`). */
  readonly text: string;
  /** What happens to it, in words: the verdict, where it ends, NAT, and which rule decides. */
  readonly expect: string;
}

export interface Example {
  /** Stable: permalinks and tests refer to it. Also the folder of its texts. */
  readonly id: string;
  readonly title: string;
  /** One paragraph: what the example teaches. */
  readonly description: string;
  readonly sources: readonly ExampleSource[];
  readonly packets: readonly ExamplePacket[];
}

// The three kube-proxy examples are one cluster (scripts/examples/kubeProxyExamples.ts: 4 Services, 3
// endpoints each, seed 1) in each proxy mode, so the same packets can be compared across modes. Node
// 172.18.0.2, pod network 10.244.0.0/16 (this node's pods in 10.244.0.0/24 behind cni0), Services:
// default/kubernetes 10.96.0.1:443, kube-system/kube-dns 10.96.0.10 (53/udp, 53/tcp, 9153/tcp),
// monitoring/report-proxy 10.100.228.98:443, default/image-scheduler 10.102.16.210:5000.
const KUBE_DNS_FROM_POD = 'iifname cni0 ip saddr 10.244.0.5 ip daddr 10.96.0.10 udp dport 53 ct state new';
const APP_FROM_OUTSIDE = 'iifname eth0 ip saddr 203.0.113.5 ip daddr 10.102.16.210 tcp dport 5000 ct state new';
const UNKNOWN_PORT_FROM_POD = 'iifname cni0 ip saddr 10.244.0.5 ip daddr 10.96.0.10 tcp dport 80 ct state new';

export const EXAMPLES: readonly Example[] = [
  {
    id: 'kube-proxy-nftables',
    title: 'kube-proxy, nftables mode',
    description:
      'A Kubernetes node whose kube-proxy runs in nftables mode: everything is in one `table ip kube-proxy`. ' +
      'Traffic to a ClusterIP is looked up in the `service-ips` verdict map, keyed by address . protocol . port, ' +
      'which jumps to that Service\'s chain; `numgen random mod 3 vmap` then picks one endpoint chain with ' +
      'share 1/3 each, and the endpoint chain DNATs. Traffic from outside the pod network is marked with 0x4000 ' +
      'and masqueraded in `nat-postrouting`. Unlike the iptables mode, a packet to an unknown port of a ClusterIP ' +
      'is rejected by `cluster-ips-check`. The same Services are in the iptables and IPVS examples.',
    sources: [{ name: 'nft list ruleset', format: 'nft', text: kubeNft }],
    packets: [
      {
        text: KUBE_DNS_FROM_POD,
        expect:
          'DNAT in nat-prerouting via service-ips → service-FY5PMXPG-kube-system/kube-dns/udp/dns: numgen picks ' +
          '10.244.0.180:53, 10.244.1.79:53 or 10.244.2.246:53, share 1/3 each; not marked for masquerade (the ' +
          'source is a pod); forwarded.',
      },
      {
        text: APP_FROM_OUTSIDE,
        expect:
          'Marked 0x4000 by mark-for-masquerade (source outside 10.244.0.0/16), DNAT to 10.244.0.181:5000, ' +
          '10.244.1.81:5000 or 10.244.2.249:5000 (1/3 each), forwarded and masqueraded in nat-postrouting.',
      },
      {
        text: UNKNOWN_PORT_FROM_POD,
        expect:
          'No Service has 10.96.0.10 tcp port 80, so no DNAT; in filter-forward, cluster-ips-check rejects it ' +
          '("Reject traffic to invalid ports of ClusterIPs").',
      },
    ],
  },
  {
    id: 'kube-proxy-iptables',
    title: 'kube-proxy, iptables mode',
    description:
      'The same node and Services with kube-proxy in iptables mode, as iptables-nft-save prints it. ' +
      'KUBE-SERVICES matches each ClusterIP:port and jumps to a KUBE-SVC-… chain, where `-m statistic --mode ' +
      'random --probability` rules (0.333…, then 0.5, then the rest) give each endpoint 1/3; the KUBE-SEP-… ' +
      'chain DNATs. KUBE-MARK-MASQ sets mark 0x4000 and KUBE-POSTROUTING masquerades marked packets. The ' +
      'statistic matches have no nftables equivalent and stay iptables extensions. Compare the paths with the ' +
      'nftables and IPVS examples: same Services, different machinery.',
    sources: [{ name: 'iptables-save', format: 'iptables', text: kubeIptables }],
    packets: [
      {
        text: KUBE_DNS_FROM_POD,
        expect:
          'nat PREROUTING → KUBE-SERVICES → KUBE-SVC-TCOU7JCQXEZGVUNU: statistic branches DNAT to ' +
          '10.244.0.180:53 (1/3), 10.244.1.79:53 (1/2 of the rest = 1/3) or 10.244.2.246:53 (1/3); no ' +
          'masquerade mark (pod source); forwarded.',
      },
      {
        text: APP_FROM_OUTSIDE,
        expect:
          'KUBE-SVC-MXL5F4U4XYASKA4C marks it 0x4000 (source outside 10.244.0.0/16) and DNATs to ' +
          '10.244.0.181:5000, 10.244.1.81:5000 or 10.244.2.249:5000 (1/3 each); KUBE-FORWARD accepts marked ' +
          'packets; KUBE-POSTROUTING masquerades it.',
      },
      {
        text: UNKNOWN_PORT_FROM_POD,
        expect:
          'No KUBE-SERVICES rule matches tcp port 80, so no DNAT; FORWARD accepts it (policy ACCEPT) and it leaves ' +
          'unchanged towards the default route: the iptables mode, unlike the nftables mode, does not reject ' +
          'unknown ports of a ClusterIP.',
      },
    ],
  },
  {
    id: 'kube-proxy-ipvs',
    title: 'kube-proxy, IPVS mode',
    description:
      'The same node and Services with kube-proxy in IPVS mode: three dumps that work together. `ipvsadm -Ln` ' +
      'lists one virtual server per ClusterIP:port with its real servers (round robin, equal weights); the ' +
      'ClusterIPs are bound to the dummy interface kube-ipvs0, so they are local addresses and packets to them ' +
      'reach IPVS on the INPUT hook, where it picks a real server and DNATs. iptables only supports it: `-m set ' +
      '--match-set KUBE-CLUSTER-IP dst,dst` refers to the ipsets in `ipset save`, KUBE-IPVS-FILTER rejects ' +
      'ports that no Service has, and KUBE-POSTROUTING masquerades marked packets.',
    sources: [
      { name: 'ipvsadm -Ln', format: 'ipvs', text: kubeIpvsadm },
      { name: 'ipset save', format: 'ipset', text: kubeIpset },
      { name: 'iptables-save', format: 'iptables', text: kubeIpvsIptables },
    ],
    packets: [
      {
        text: KUBE_DNS_FROM_POD,
        expect:
          'nat KUBE-SERVICES accepts it without DNAT (10.96.0.10,udp:53 is in KUBE-CLUSTER-IP); 10.96.0.10 is ' +
          'local (kube-ipvs0), so it goes to INPUT, where KUBE-IPVS-FILTER returns and IPVS (UDP 10.96.0.10:53, ' +
          'rr) sends it to 10.244.0.180:53, 10.244.1.79:53 or 10.244.2.246:53, 1/3 each; no masquerade.',
      },
      {
        text: APP_FROM_OUTSIDE,
        expect:
          'KUBE-SERVICES marks it 0x4000 (source outside 10.244.0.0/16, destination in KUBE-CLUSTER-IP) and ' +
          'accepts it; IPVS on INPUT sends it to 10.244.0.181:5000, 10.244.1.81:5000 or 10.244.2.249:5000 ' +
          '(1/3 each); KUBE-POSTROUTING masquerades it.',
      },
      {
        text: UNKNOWN_PORT_FROM_POD,
        expect:
          'Local (kube-ipvs0) but no IPVS service on tcp port 80: KUBE-IPVS-FILTER in filter INPUT rejects it ' +
          '(new connection to an address in KUBE-IPVS-IPS).',
      },
    ],
  },
  {
    id: 'home-router',
    title: 'Home router',
    description:
      'A small router with nftables: `table inet filter` drops by default on input and forward, lets replies ' +
      'back in with `ct state established,related`, and forwards LAN (lan0) to the internet (wan0); ' +
      '`table ip nat` masquerades what leaves on wan0 and forwards port 8080 of the router to a NAS at ' +
      '192.168.1.10:80. It teaches the order of the hooks: the DNAT happens in prerouting, before the routing ' +
      'decision, so the port-forwarded packet goes through forward (accepted by `ct status dnat`), not input. ' +
      'The router\'s WAN address is 203.0.113.2.',
    sources: [{ name: 'nft list ruleset', format: 'nft', text: homeRouter }],
    packets: [
      {
        text: 'iifname wan0 oifname lan0 ip saddr 198.51.100.7 ip daddr 203.0.113.2 tcp dport 8080 ct state new',
        expect:
          'DNAT to 192.168.1.10:80 in ip nat prerouting, routed to the LAN, accepted in forward by ' +
          '`iifname "wan0" oifname "lan0" ct status dnat accept`; no masquerade (it leaves on lan0).',
      },
      {
        text: 'iifname lan0 oifname wan0 ip saddr 192.168.1.23 ip daddr 93.184.215.14 tcp dport 443 ct state new',
        expect: 'Accepted in forward ("LAN to the internet") and masqueraded to the WAN address in ip nat postrouting.',
      },
      {
        text: 'iifname wan0 ip saddr 198.51.100.7 ip daddr 203.0.113.2 tcp dport 22 ct state new',
        expect: 'For the router itself (input); no rule lets ssh in from wan0, so the input policy drops it.',
      },
    ],
  },
  {
    id: 'docker',
    title: 'Docker',
    description:
      'The rules Docker writes, as iptables-nft-save prints them: the default bridge docker0 (172.17.0.0/16) with ' +
      'one container publishing port 8080 → 172.17.0.2:80, and a user-defined network br-5a7e0c1f2b3d ' +
      '(172.18.0.0/16). In nat, PREROUTING sends packets for local addresses to DOCKER, which DNATs the published ' +
      'port, and POSTROUTING masquerades container traffic leaving its bridge. In filter, FORWARD (policy DROP) ' +
      'runs DOCKER-USER first (the place for your own rules), then DOCKER-ISOLATION-STAGE-1/2, which drop ' +
      'traffic between two Docker networks, then accepts what leaves a bridge and, via DOCKER, only published ' +
      'ports coming in. The host\'s address on eth0 is 203.0.113.10.',
    sources: [{ name: 'iptables-nft-save', format: 'iptables', text: docker }],
    packets: [
      {
        text: 'iifname eth0 oifname docker0 ip saddr 198.51.100.20 ip daddr 203.0.113.10 tcp dport 8080 ct state new',
        expect:
          'nat PREROUTING (destination is local) → DOCKER: DNAT to 172.17.0.2:80; FORWARD → DOCKER-USER and the ' +
          'isolation chains return → `-o docker0 -j DOCKER` → accepted by the published-port rule.',
      },
      {
        text: 'iifname docker0 oifname br-5a7e0c1f2b3d ip saddr 172.17.0.2 ip daddr 172.18.0.2 tcp dport 5432 ct state new',
        expect: 'Dropped in DOCKER-ISOLATION-STAGE-2 (`-o br-5a7e0c1f2b3d -j DROP`): two Docker networks are isolated.',
      },
      {
        text: 'iifname docker0 oifname eth0 ip saddr 172.17.0.2 ip daddr 93.184.215.14 tcp dport 443 ct state new',
        expect:
          'Accepted by `-i docker0 ! -o docker0 -j ACCEPT` after the isolation chains return; masqueraded in ' +
          'POSTROUTING (`-s 172.17.0.0/16 ! -o docker0`).',
      },
    ],
  },
  {
    id: 'firewalld',
    title: 'firewalld (nftables backend)',
    description:
      'A host run by firewalld 1.x: everything lives in `table inet firewalld`, shaped like firewalld\'s own ' +
      'listing (its mangle and nat chains left out). Base chains sit at priority `filter + 10` with policy ' +
      'accept, but end in `reject with icmpx admin-prohibited`: the chain policy is not the default verdict. ' +
      'filter_INPUT_POLICIES dispatches by input interface to zones (eth1 → internal, eth0 and everything else ' +
      '→ public) and to the allow-host-ipv6 policy; each zone chain calls its _pre, _log, _deny, _allow and ' +
      '_post chains, and services become rules in _allow. A named ct helper object serves the samba-client ' +
      'service. The host is 192.0.2.10 on eth0 and 10.0.0.1 on eth1.',
    sources: [{ name: 'nft list ruleset', format: 'nft', text: firewalld }],
    packets: [
      {
        text: 'iifname eth0 ip saddr 198.51.100.30 ip daddr 192.0.2.10 tcp dport 22 ct state new',
        expect: 'Accepted in filter_IN_public_allow (`tcp dport 22 ct state { new, untracked } accept`, the ssh service).',
      },
      {
        text: 'iifname eth0 ip saddr 198.51.100.30 ip daddr 192.0.2.10 tcp dport 445 ct state new',
        expect:
          'The public zone has no rule for it; back in filter_INPUT_POLICIES, `iifname "eth0" reject with icmpx ' +
          'admin-prohibited` rejects it, although filter_INPUT\'s policy is accept.',
      },
      {
        text: 'iifname eth1 ip saddr 10.0.0.5 ip daddr 224.0.0.251 udp dport 5353 ct state new',
        expect: 'Dispatched to the internal zone (eth1) and accepted by its mdns rule in filter_IN_internal_allow.',
      },
    ],
  },
  {
    id: 'legacy-and-nft',
    title: 'iptables-legacy and nftables on one host',
    description:
      'The classic "my nft rule does not take effect": the admin added `tcp dport { 22, 8080 } accept` to an ' +
      'nftables input chain, but an old iptables-legacy ruleset (INPUT policy DROP, only ssh and ping allowed) ' +
      'is still loaded. Both register on the input hook at priority 0 and both run; a packet must be accepted ' +
      'by each, so a drop in either one wins. Neither tool shows the other\'s rules (`nft list ruleset` has no ' +
      'legacy tables; iptables-nft-save only warns "iptables-legacy tables present"), which is why nflens ' +
      'shows both sets of chains in one pipeline. At equal priority the kernel\'s order between them is the ' +
      'registration order, which no dump shows. The host is 192.0.2.20.',
    sources: [
      { name: 'nft list ruleset', format: 'nft', text: mixedNft },
      { name: 'iptables-legacy-save', format: 'iptables', text: mixedLegacy },
    ],
    packets: [
      {
        text: 'iifname eth0 ip saddr 198.51.100.40 ip daddr 192.0.2.20 tcp dport 8080 ct state new',
        expect:
          'Accepted by the nft input chain, but iptables-legacy filter INPUT has no rule for port 8080 and its ' +
          'policy DROP drops it: dropped.',
      },
      {
        text: 'iifname eth0 ip saddr 198.51.100.40 ip daddr 192.0.2.20 tcp dport 22 ct state new',
        expect: 'Accepted by both: the nft input chain and the legacy `--dport 22 --ctstate NEW -j ACCEPT` rule.',
      },
      {
        text: 'iifname eth0 ip saddr 203.0.113.9 ip daddr 192.0.2.20 tcp dport 22 ct state new',
        expect: 'Dropped by the nft blocklist rule (`ip saddr @blocklist drop`), although iptables-legacy would accept it.',
      },
    ],
  },
];

/** The example with this id, if any. */
export function findExample(id: string): Example | undefined {
  return EXAMPLES.find((e) => e.id === id);
}
