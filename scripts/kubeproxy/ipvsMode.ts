// kube-proxy ipvs mode → `ipvsadm -Ln`, `ipset save` and iptables-save texts of a node; imports the cluster
// model, the PRNG and the iptables-save printer only.
//
// Follows kubernetes pkg/proxy/ipvs/proxier.go (syncProxyRules, writeIptablesRules, acceptIPVSTraffic,
// createAndLinkKubeChain, ipsetInfo, ipsetWithIptablesChain) and pkg/proxy/ipvs/ipset.go (set names and
// comments). Output formats: ipvsadm's print_service_entry ("%s  %s %s" service lines, real servers as
// "  -> %-28s %-7s %-6d %-10u %-10u"), ipset 7.x save lines, iptables-nft-save.
import type { Cluster, Endpoint } from './cluster.ts';
import { createRng, type Rng } from './prng.ts';
import { SaveTable, comment } from './iptablesSave.ts';
import { cidrContains, ipv4ToInt } from './iptablesMode.ts';

type SetType = 'hash:ip' | 'hash:ip,port' | 'hash:ip,port,ip' | 'hash:ip,port,net' | 'bitmap:port';

// kube-proxy's ipsetInfo, in its declaration order, with the comments it puts on the iptables rules.
const IPSETS: ReadonlyArray<readonly [string, SetType, string]> = [
  ['KUBE-LOOP-BACK', 'hash:ip,port,ip', 'Kubernetes endpoints dst ip:port, source ip for solving hairpin purpose'],
  ['KUBE-CLUSTER-IP', 'hash:ip,port', 'Kubernetes service cluster ip + port for masquerade purpose'],
  ['KUBE-EXTERNAL-IP', 'hash:ip,port', 'Kubernetes service external ip + port for masquerade and filter purpose'],
  ['KUBE-EXTERNAL-IP-LOCAL', 'hash:ip,port', 'Kubernetes service external ip + port with externalTrafficPolicy=local'],
  ['KUBE-LOAD-BALANCER', 'hash:ip,port', 'Kubernetes service lb portal'],
  ['KUBE-LOAD-BALANCER-FW', 'hash:ip,port', 'Kubernetes service load balancer ip + port for load balancer with sourceRange'],
  ['KUBE-LOAD-BALANCER-LOCAL', 'hash:ip,port', 'Kubernetes service load balancer ip + port with externalTrafficPolicy=local'],
  ['KUBE-LOAD-BALANCER-SOURCE-IP', 'hash:ip,port,ip', 'Kubernetes service load balancer ip + port + source IP for packet filter purpose'],
  ['KUBE-LOAD-BALANCER-SOURCE-CIDR', 'hash:ip,port,net', 'Kubernetes service load balancer ip + port + source cidr for packet filter purpose'],
  ['KUBE-NODE-PORT-TCP', 'bitmap:port', 'Kubernetes nodeport TCP port for masquerade purpose'],
  ['KUBE-NODE-PORT-LOCAL-TCP', 'bitmap:port', 'Kubernetes nodeport TCP port with externalTrafficPolicy=local'],
  ['KUBE-NODE-PORT-UDP', 'bitmap:port', 'Kubernetes nodeport UDP port for masquerade purpose'],
  ['KUBE-NODE-PORT-LOCAL-UDP', 'bitmap:port', 'Kubernetes nodeport UDP port with externalTrafficPolicy=local'],
  ['KUBE-NODE-PORT-SCTP-HASH', 'hash:ip,port', "Kubernetes nodeport SCTP port for masquerade purpose with type 'hash ip:port'"],
  ['KUBE-NODE-PORT-LOCAL-SCTP-HASH', 'hash:ip,port', "Kubernetes nodeport SCTP port with externalTrafficPolicy=local with type 'hash ip:port'"],
  ['KUBE-HEALTH-CHECK-NODE-PORT', 'bitmap:port', 'Kubernetes health check node port'],
  // Never matched through ipsetWithIptablesChain, so its comment is not printed anywhere.
  ['KUBE-IPVS-IPS', 'hash:ip', ''],
];

interface VirtualServer {
  readonly protocol: 'tcp' | 'udp';
  readonly address: string;
  readonly port: number;
  readonly persistent?: number;
  readonly realServers: readonly Endpoint[];
}

export interface IpvsDump {
  readonly ipvsadm: string;
  readonly ipsetSave: string;
  readonly iptables: SaveTable[];
}

export function buildIpvsMode(cluster: Cluster, seed: number): IpvsDump {
  // A stream of its own, so the cluster itself does not depend on the mode.
  const rng = createRng((seed ^ 0x1f5c3a77) >>> 0);
  const sets = new Map<string, Set<string>>(IPSETS.map(([name]) => [name, new Set<string>()]));
  const add = (set: string, entry: string) => sets.get(set)?.add(entry);
  const servers: VirtualServer[] = [];
  const noNodeAccess: Array<{ ip: string; protocol: string; port: number }> = [];

  for (const sp of cluster.servicePorts) {
    const proto = sp.protocol;
    const local = sp.endpoints.filter((e) => e.isLocal);
    // syncEndpoint: externalTrafficPolicy Local uses the local endpoints, or all of them when none is local.
    const externalEndpoints = sp.externalPolicyLocal && local.length > 0 ? local : sp.endpoints;
    const vs = (address: string, port: number, realServers: readonly Endpoint[]): VirtualServer => ({
      protocol: proto, address, port, realServers,
      ...(sp.affinityTimeout !== undefined ? { persistent: sp.affinityTimeout } : {}),
    });

    for (const e of local) add('KUBE-LOOP-BACK', `${e.ip},${proto}:${e.port},${e.ip}`);
    add('KUBE-CLUSTER-IP', `${sp.clusterIP},${proto}:${sp.port}`);
    servers.push(vs(sp.clusterIP, sp.port, sp.endpoints));
    add('KUBE-IPVS-IPS', sp.clusterIP);

    for (const ip of sp.externalIPs) {
      add(sp.externalPolicyLocal ? 'KUBE-EXTERNAL-IP-LOCAL' : 'KUBE-EXTERNAL-IP', `${ip},${proto}:${sp.port}`);
      servers.push(vs(ip, sp.port, externalEndpoints));
      add('KUBE-IPVS-IPS', ip);
    }
    for (const ip of sp.loadBalancerIPs) {
      const entry = `${ip},${proto}:${sp.port}`;
      add('KUBE-LOAD-BALANCER', entry);
      if (sp.externalPolicyLocal) add('KUBE-LOAD-BALANCER-LOCAL', entry);
      if (sp.sourceRanges.length > 0) {
        add('KUBE-LOAD-BALANCER-FW', entry);
        for (const cidr of sp.sourceRanges) add('KUBE-LOAD-BALANCER-SOURCE-CIDR', `${entry},${cidr}`);
        if (sp.sourceRanges.some((c) => cidrContains(c, cluster.nodeIP))) add('KUBE-LOAD-BALANCER-SOURCE-IP', `${entry},${ip}`);
        else noNodeAccess.push({ ip, protocol: proto, port: sp.port });
      }
      servers.push(vs(ip, sp.port, externalEndpoints));
      add('KUBE-IPVS-IPS', ip);
    }
    if (sp.nodePort !== undefined) {
      const upper = proto.toUpperCase();
      add(`KUBE-NODE-PORT-${upper}`, String(sp.nodePort));
      if (sp.externalPolicyLocal) add(`KUBE-NODE-PORT-LOCAL-${upper}`, String(sp.nodePort));
      for (const ip of cluster.nodeLocalAddresses) servers.push(vs(ip, sp.nodePort, externalEndpoints));
    }
    if (sp.healthCheckNodePort !== undefined) add('KUBE-HEALTH-CHECK-NODE-PORT', String(sp.healthCheckNodePort));
  }

  return {
    ipvsadm: printIpvsadm(servers, rng),
    ipsetSave: printIpsetSave(sets, rng),
    iptables: buildIptables(cluster, sets, noNodeAccess),
  };
}

// ---- ipvsadm -Ln ----

/** ipvsadm sorts services by protocol number, address, port (libipvs ipvs_cmp_services) and destinations by address, port. */
function printIpvsadm(servers: VirtualServer[], rng: Rng): string {
  const protoNumber = (p: string) => (p === 'tcp' ? 6 : 17);
  // Decorate once: parsing addresses inside the comparator dominates at 10 000 Services.
  const sorted = servers
    .map((s) => ({ s, proto: protoNumber(s.protocol), addr: ipv4ToInt(s.address) }))
    .sort((a, b) => a.proto - b.proto || a.addr - b.addr || a.s.port - b.s.port)
    .map((x) => x.s);
  const out = [
    'IP Virtual Server version 1.2.1 (size=4096)',
    'Prot LocalAddress:Port Scheduler Flags',
    '  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn',
  ];
  for (const s of sorted) {
    out.push(`${s.protocol.toUpperCase()}  ${s.address}:${s.port} rr${s.persistent !== undefined ? ` persistent ${s.persistent}` : ''}`);
    const dests = s.realServers
      .map((d) => ({ d, addr: ipv4ToInt(d.ip) }))
      .sort((a, b) => a.addr - b.addr || a.d.port - b.d.port)
      .map((x) => x.d);
    for (const d of dests) {
      // A live node shows some connections; most real servers are idle at any instant.
      const active = rng.chance(0.2) ? rng.int(1, 40) : 0;
      const inactive = rng.chance(0.3) ? rng.int(1, 200) : 0;
      out.push(`  -> ${`${d.ip}:${d.port}`.padEnd(28)} ${'Masq'.padEnd(7)} ${'1'.padEnd(6)} ${String(active).padEnd(10)} ${String(inactive).padEnd(10)}`);
    }
  }
  return out.join('\n') + '\n';
}

// ---- ipset save ----

function printIpsetSave(sets: Map<string, Set<string>>, rng: Rng): string {
  const out: string[] = [];
  for (const [name, type] of IPSETS) {
    const entries = [...(sets.get(name) ?? [])];
    if (type === 'bitmap:port') {
      // kube-proxy's DefaultPortRange; a bitmap lists its members in port order.
      out.push(`create ${name} bitmap:port range 0-65535`);
      entries.sort((a, b) => Number(a) - Number(b));
    } else {
      // The kernel doubles a hash set's table as it fills (buckets of 12); keep the load under ~4 per bucket.
      let hashsize = 1024;
      while (entries.length > hashsize * 4) hashsize *= 2;
      const initval = rng.int(0, 0xffffffff).toString(16).padStart(8, '0');
      out.push(`create ${name} ${type} family inet hashsize ${hashsize} maxelem 65536 bucketsize 12 initval 0x${initval}`);
      // kube-proxy adds a sorted list; the kernel lists in hash order, which nothing can reproduce.
      entries.sort();
    }
    for (const e of entries) out.push(`add ${name} ${e}`);
  }
  return out.join('\n') + '\n';
}

// ---- iptables-save ----

function buildIptables(cluster: Cluster, sets: Map<string, Set<string>>, noNodeAccess: ReadonlyArray<{ ip: string; protocol: string; port: number }>): SaveTable[] {
  const mangle = new SaveTable('mangle');
  const filter = new SaveTable('filter');
  const nat = new SaveTable('nat');
  const nonEmpty = (name: string) => (sets.get(name)?.size ?? 0) > 0;
  const setComment = (name: string) => comment(IPSETS.find(([n]) => n === name)?.[2] ?? '');

  mangle.chain('KUBE-IPTABLES-HINT').chain('KUBE-KUBELET-CANARY');
  nat.chain('KUBE-KUBELET-CANARY');
  filter.chain('KUBE-KUBELET-CANARY');
  for (const c of ['KUBE-SERVICES', 'KUBE-POSTROUTING', 'KUBE-NODE-PORT', 'KUBE-LOAD-BALANCER', 'KUBE-MARK-MASQ']) nat.chain(c);
  for (const c of ['KUBE-FORWARD', 'KUBE-NODE-PORT', 'KUBE-PROXY-FIREWALL', 'KUBE-SOURCE-RANGES-FIREWALL', 'KUBE-IPVS-FILTER', 'KUBE-IPVS-OUT-FILTER']) filter.chain(c);

  // createAndLinkKubeChain: each jump is inserted at position 1, so a builtin chain holds them in reverse.
  const jumps: Array<[SaveTable, string, string, string]> = [
    [nat, 'OUTPUT', 'KUBE-SERVICES', 'kubernetes service portals'],
    [nat, 'PREROUTING', 'KUBE-SERVICES', 'kubernetes service portals'],
    [nat, 'POSTROUTING', 'KUBE-POSTROUTING', 'kubernetes postrouting rules'],
    [filter, 'FORWARD', 'KUBE-FORWARD', 'kubernetes forwarding rules'],
    [filter, 'INPUT', 'KUBE-NODE-PORT', 'kubernetes health check rules'],
    [filter, 'INPUT', 'KUBE-PROXY-FIREWALL', 'kube-proxy firewall rules'],
    [filter, 'FORWARD', 'KUBE-PROXY-FIREWALL', 'kube-proxy firewall rules'],
    [filter, 'INPUT', 'KUBE-IPVS-FILTER', 'kubernetes ipvs access filter'],
    [filter, 'OUTPUT', 'KUBE-IPVS-OUT-FILTER', 'kubernetes ipvs access filter'],
  ];
  for (const [table, from, to, text] of jumps.reverse()) table.append(from, `${comment(text)} -j ${to}`);

  nat.append('KUBE-SERVICES', '-s 127.0.0.0/8 -j RETURN');
  // ipsetWithIptablesChain: [set, table, from, to, match type, protocol].
  const setJumps: ReadonlyArray<readonly [string, SaveTable, string, string, string, string]> = [
    ['KUBE-LOOP-BACK', nat, 'KUBE-POSTROUTING', 'MASQUERADE', 'dst,dst,src', ''],
    ['KUBE-LOAD-BALANCER', nat, 'KUBE-SERVICES', 'KUBE-LOAD-BALANCER', 'dst,dst', ''],
    ['KUBE-LOAD-BALANCER-LOCAL', nat, 'KUBE-LOAD-BALANCER', 'RETURN', 'dst,dst', ''],
    ['KUBE-NODE-PORT-LOCAL-TCP', nat, 'KUBE-NODE-PORT', 'RETURN', 'dst', 'tcp'],
    ['KUBE-NODE-PORT-TCP', nat, 'KUBE-NODE-PORT', 'KUBE-MARK-MASQ', 'dst', 'tcp'],
    ['KUBE-NODE-PORT-LOCAL-UDP', nat, 'KUBE-NODE-PORT', 'RETURN', 'dst', 'udp'],
    ['KUBE-NODE-PORT-UDP', nat, 'KUBE-NODE-PORT', 'KUBE-MARK-MASQ', 'dst', 'udp'],
    ['KUBE-NODE-PORT-LOCAL-SCTP-HASH', nat, 'KUBE-NODE-PORT', 'RETURN', 'dst,dst', 'sctp'],
    ['KUBE-NODE-PORT-SCTP-HASH', nat, 'KUBE-NODE-PORT', 'KUBE-MARK-MASQ', 'dst,dst', 'sctp'],
    ['KUBE-LOAD-BALANCER-FW', filter, 'KUBE-PROXY-FIREWALL', 'KUBE-SOURCE-RANGES-FIREWALL', 'dst,dst', ''],
    ['KUBE-LOAD-BALANCER-SOURCE-CIDR', filter, 'KUBE-SOURCE-RANGES-FIREWALL', 'RETURN', 'dst,dst,src', ''],
    ['KUBE-LOAD-BALANCER-SOURCE-IP', filter, 'KUBE-SOURCE-RANGES-FIREWALL', 'RETURN', 'dst,dst,src', ''],
  ];
  for (const [set, table, from, to, match, proto] of setJumps) {
    if (!nonEmpty(set)) continue;
    table.append(from, `${proto === '' ? '' : `-p ${proto} `}${setComment(set)} -m set --match-set ${set} ${match} -j ${to}`);
  }
  if (nonEmpty('KUBE-CLUSTER-IP')) {
    nat.append('KUBE-SERVICES', `! -s ${cluster.podCIDR} ${setComment('KUBE-CLUSTER-IP')} -m set --match-set KUBE-CLUSTER-IP dst,dst -j KUBE-MARK-MASQ`);
  }
  const externalIPRules = (prefix: string) => {
    nat.append('KUBE-SERVICES', `${prefix} -m physdev ! --physdev-is-in -m addrtype ! --src-type LOCAL -j ACCEPT`);
    nat.append('KUBE-SERVICES', `${prefix} -m addrtype --dst-type LOCAL -j ACCEPT`);
  };
  if (nonEmpty('KUBE-EXTERNAL-IP')) {
    const prefix = `${setComment('KUBE-EXTERNAL-IP')} -m set --match-set KUBE-EXTERNAL-IP dst,dst`;
    nat.append('KUBE-SERVICES', `${prefix} -j KUBE-MARK-MASQ`);
    externalIPRules(prefix);
  }
  if (nonEmpty('KUBE-EXTERNAL-IP-LOCAL')) {
    externalIPRules(`${setComment('KUBE-EXTERNAL-IP-LOCAL')} -m set --match-set KUBE-EXTERNAL-IP-LOCAL dst,dst`);
  }
  nat.append('KUBE-SERVICES', '-m addrtype --dst-type LOCAL -j KUBE-NODE-PORT');
  nat.append('KUBE-LOAD-BALANCER', '-j KUBE-MARK-MASQ');
  filter.append('KUBE-SOURCE-RANGES-FIREWALL', '-j DROP');
  for (const e of noNodeAccess) {
    // libxt_ipvs saves the address with its mask and the protocol as a number.
    filter.append('KUBE-IPVS-OUT-FILTER', `-s ${e.ip}/32 -m ipvs --vaddr ${e.ip}/32 --vproto ${e.protocol === 'tcp' ? 6 : 17} --vport ${e.port} -j DROP`);
  }
  for (const set of ['KUBE-CLUSTER-IP', 'KUBE-LOAD-BALANCER']) {
    if (nonEmpty(set)) nat.append('KUBE-SERVICES', `-m set --match-set ${set} dst,dst -j ACCEPT`);
  }
  filter.append('KUBE-FORWARD', `${comment('kubernetes forwarding rules')} -m mark --mark 0x4000/0x4000 -j ACCEPT`);
  filter.append('KUBE-FORWARD', `${comment('kubernetes forwarding conntrack rule')} -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT`);
  filter.append('KUBE-NODE-PORT', `${setComment('KUBE-HEALTH-CHECK-NODE-PORT')} -m set --match-set KUBE-HEALTH-CHECK-NODE-PORT dst -j ACCEPT`);
  for (const [set, match] of [['KUBE-LOAD-BALANCER', 'dst,dst'], ['KUBE-CLUSTER-IP', 'dst,dst'], ['KUBE-EXTERNAL-IP', 'dst,dst'], ['KUBE-EXTERNAL-IP-LOCAL', 'dst,dst'], ['KUBE-HEALTH-CHECK-NODE-PORT', 'dst']] as const) {
    filter.append('KUBE-IPVS-FILTER', `-m set --match-set ${set} ${match} -j RETURN`);
  }
  filter.append('KUBE-IPVS-FILTER', '-m conntrack --ctstate NEW -m set --match-set KUBE-IPVS-IPS dst -j REJECT --reject-with icmp-port-unreachable');
  nat.append('KUBE-POSTROUTING', '-m mark ! --mark 0x4000/0x4000 -j RETURN');
  nat.append('KUBE-POSTROUTING', '-j MARK --set-xmark 0x4000/0x0');
  nat.append('KUBE-POSTROUTING', `${comment('kubernetes service traffic requiring SNAT')} -j MASQUERADE --random-fully`);
  nat.append('KUBE-MARK-MASQ', '-j MARK --set-xmark 0x4000/0x4000');
  return [mangle, filter, nat];
}
