// kube-proxy iptables mode → the iptables-save text of a node; imports the cluster model, names and the
// iptables-save printer only.
//
// Rule shapes follow kubernetes pkg/proxy/iptables/proxier.go (syncProxyRules, writeServiceToEndpointRules,
// iptablesJumpChains), written in the canonical form iptables-save prints them back (addresses with /32,
// -p before the matches, MARK --or-mark shown as --set-xmark, REJECT with its default --reject-with).
// Assumed kube-proxy settings: masquerade bit 14 (0x4000), cluster CIDR local-traffic detection,
// localhostNodePorts on, nodePortAddresses unset, MASQUERADE --random-fully. With `nfacct` the node has the
// nfnetlink_acct counters kube-proxy 1.29+ uses (ct_state_invalid_dropped_pkts, localhost_nps_accepted_pkts);
// a kernel only accepts those rules once the counters exist.
import type { Cluster, ServicePort } from './cluster.ts';
import { endpointChainName, portProtoHash, servicePortNameString } from './names.ts';
import { savedProbability } from './probability.ts';
import { SaveTable, comment } from './iptablesSave.ts';

/** kube-proxy stops writing per-endpoint comments above this many endpoints (largeClusterEndpointsThreshold). */
export const LARGE_CLUSTER_ENDPOINTS = 1000;

const MASQ = 'KUBE-MARK-MASQ';

/** The nfacct counters kube-proxy's rules name (pkg/proxy/metrics). */
export const NFACCT_COUNTERS = ['ct_state_invalid_dropped_pkts', 'localhost_nps_accepted_pkts'] as const;

// libxt_nfacct saves the name through xtables_save_string, which adds its own leading space.
const nfacctMatch = (counter: (typeof NFACCT_COUNTERS)[number]) => `-m nfacct --nfacct-name  ${counter}`;

export function buildIptablesMode(cluster: Cluster, options: { nfacct?: boolean } = {}): SaveTable[] {
  const nfacct = options.nfacct ?? false;
  const mangle = new SaveTable('mangle');
  const filter = new SaveTable('filter');
  const nat = new SaveTable('nat');

  // kubelet's chains (pkg/kubelet/kubelet_network_linux.go) and kube-proxy's canaries (iptables.Monitor).
  mangle.chain('KUBE-IPTABLES-HINT').chain('KUBE-KUBELET-CANARY').chain('KUBE-PROXY-CANARY');
  nat.chain('KUBE-KUBELET-CANARY').chain('KUBE-PROXY-CANARY');
  filter.chain('KUBE-KUBELET-CANARY').chain('KUBE-PROXY-CANARY');

  writeJumpRules(filter, nat);
  for (const c of ['KUBE-SERVICES', 'KUBE-EXTERNAL-SERVICES', 'KUBE-FORWARD', 'KUBE-NODEPORTS', 'KUBE-PROXY-FIREWALL', 'KUBE-FIREWALL']) filter.chain(c);
  for (const c of ['KUBE-SERVICES', 'KUBE-NODEPORTS', 'KUBE-POSTROUTING', MASQ]) nat.chain(c);

  nat.append('KUBE-POSTROUTING', '-m mark ! --mark 0x4000/0x4000 -j RETURN');
  nat.append('KUBE-POSTROUTING', '-j MARK --set-xmark 0x4000/0x0');
  nat.append('KUBE-POSTROUTING', `${comment('kubernetes service traffic requiring SNAT')} -j MASQUERADE --random-fully`);
  nat.append(MASQ, '-j MARK --set-xmark 0x4000/0x4000');
  filter.append(
    'KUBE-FIREWALL',
    `! -s 127.0.0.0/8 -d 127.0.0.0/8 ${comment('block incoming localnet connections')} -m conntrack ! --ctstate RELATED,ESTABLISHED,DNAT -j DROP`,
  );

  const totalEndpoints = cluster.servicePorts.reduce((n, sp) => n + sp.endpoints.length, 0);
  const large = totalEndpoints > LARGE_CLUSTER_ENDPOINTS;
  for (const sp of cluster.servicePorts) writeServicePort(filter, nat, sp, cluster, large, nfacct);

  nat.append(
    'KUBE-SERVICES',
    `${comment('kubernetes service nodeports; NOTE: this must be the last rule in this chain')} -m addrtype --dst-type LOCAL -j KUBE-NODEPORTS`,
  );
  filter.append('KUBE-FORWARD', `-m conntrack --ctstate INVALID ${nfacct ? nfacctMatch('ct_state_invalid_dropped_pkts') + ' ' : ''}-j DROP`);
  filter.append('KUBE-FORWARD', `${comment('kubernetes forwarding rules')} -m mark --mark 0x4000/0x4000 -j ACCEPT`);
  filter.append('KUBE-FORWARD', `${comment('kubernetes forwarding conntrack rule')} -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT`);

  return [mangle, filter, nat];
}

/**
 * The jumps from builtin chains. kube-proxy inserts each one at position 1 (EnsureRule(Prepend)) walking
 * iptablesJumpChains then iptablesKubeletJumpChains, so each builtin chain ends up holding them in reverse.
 */
function writeJumpRules(filter: SaveTable, nat: SaveTable): void {
  const ctNew = '-m conntrack --ctstate NEW ';
  const jumps: Array<[SaveTable, string, string, string]> = [
    [filter, 'INPUT', 'KUBE-EXTERNAL-SERVICES', `${ctNew}${comment('kubernetes externally-visible service portals')}`],
    [filter, 'FORWARD', 'KUBE-EXTERNAL-SERVICES', `${ctNew}${comment('kubernetes externally-visible service portals')}`],
    [filter, 'INPUT', 'KUBE-NODEPORTS', comment('kubernetes health check service ports')],
    [filter, 'FORWARD', 'KUBE-SERVICES', `${ctNew}${comment('kubernetes service portals')}`],
    [filter, 'OUTPUT', 'KUBE-SERVICES', `${ctNew}${comment('kubernetes service portals')}`],
    [filter, 'FORWARD', 'KUBE-FORWARD', comment('kubernetes forwarding rules')],
    [filter, 'INPUT', 'KUBE-PROXY-FIREWALL', `${ctNew}${comment('kubernetes load balancer firewall')}`],
    [filter, 'OUTPUT', 'KUBE-PROXY-FIREWALL', `${ctNew}${comment('kubernetes load balancer firewall')}`],
    [filter, 'FORWARD', 'KUBE-PROXY-FIREWALL', `${ctNew}${comment('kubernetes load balancer firewall')}`],
    [nat, 'OUTPUT', 'KUBE-SERVICES', comment('kubernetes service portals')],
    [nat, 'PREROUTING', 'KUBE-SERVICES', comment('kubernetes service portals')],
    [nat, 'POSTROUTING', 'KUBE-POSTROUTING', comment('kubernetes postrouting rules')],
    [filter, 'INPUT', 'KUBE-FIREWALL', ''],
    [filter, 'OUTPUT', 'KUBE-FIREWALL', ''],
  ];
  for (const [table, from, to, args] of jumps.reverse()) table.append(from, `${args === '' ? '' : args + ' '}-j ${to}`);
}

function writeServicePort(filter: SaveTable, nat: SaveTable, sp: ServicePort, cluster: Cluster, large: boolean, nfacct: boolean): void {
  const name = servicePortNameString(sp);
  const proto = sp.protocol;
  const hash = portProtoHash(sp, proto);
  const svcChain = `KUBE-SVC-${hash}`;
  const svlChain = `KUBE-SVL-${hash}`;
  const extChain = `KUBE-EXT-${hash}`;
  const fwChain = `KUBE-FW-${hash}`;
  const eps = sp.endpoints;
  const local = eps.filter((e) => e.isLocal);

  const hasEndpoints = eps.length > 0;
  const usesClusterPolicyChain = hasEndpoints; // internalTrafficPolicy is always Cluster here
  const usesLocalPolicyChain = local.length > 0 && sp.externalPolicyLocal;
  const hasExternalEndpoints = hasEndpoints && (!sp.externalPolicyLocal || local.length > 0);
  const externalPolicyChain = sp.externalPolicyLocal ? svlChain : svcChain;
  const externallyAccessible = sp.nodePort !== undefined || sp.externalIPs.length > 0 || sp.loadBalancerIPs.length > 0;
  const usesExternalTrafficChain = hasEndpoints && externallyAccessible;
  const usesFWChain = hasEndpoints && sp.loadBalancerIPs.length > 0 && sp.sourceRanges.length > 0;
  const lbChain = usesFWChain ? fwChain : extChain;
  const [extTarget, extComment] = !hasEndpoints
    ? ['REJECT --reject-with icmp-port-unreachable', `${name} has no endpoints`]
    : ['DROP', `${name} has no local endpoints`];
  const dport = (ip: string) => `-d ${ip}/32 -p ${proto}`;
  const matchPort = `-m ${proto} --dport ${sp.port}`;

  if (hasEndpoints) {
    nat.append('KUBE-SERVICES', `${dport(sp.clusterIP)} ${comment(`${name} cluster IP`)} ${matchPort} -j ${svcChain}`);
  } else {
    filter.append('KUBE-SERVICES', `${dport(sp.clusterIP)} ${comment(`${name} has no endpoints`)} ${matchPort} -j ${extTarget}`);
  }
  for (const ip of sp.externalIPs) {
    if (hasEndpoints) nat.append('KUBE-SERVICES', `${dport(ip)} ${comment(`${name} external IP`)} ${matchPort} -j ${extChain}`);
    if (!hasExternalEndpoints) filter.append('KUBE-EXTERNAL-SERVICES', `${dport(ip)} ${comment(extComment)} ${matchPort} -j ${extTarget}`);
  }
  for (const ip of sp.loadBalancerIPs) {
    if (hasEndpoints) nat.append('KUBE-SERVICES', `${dport(ip)} ${comment(`${name} loadbalancer IP`)} ${matchPort} -j ${lbChain}`);
    if (usesFWChain) {
      filter.append('KUBE-PROXY-FIREWALL', `${dport(ip)} ${comment(`${name} traffic not accepted by ${fwChain}`)} ${matchPort} -j DROP`);
    }
  }
  if (!hasExternalEndpoints) {
    for (const ip of sp.loadBalancerIPs) filter.append('KUBE-EXTERNAL-SERVICES', `${dport(ip)} ${comment(extComment)} ${matchPort} -j ${extTarget}`);
  }
  if (sp.nodePort !== undefined) {
    const npPort = `-m ${proto} --dport ${sp.nodePort}`;
    if (hasEndpoints && nfacct) {
      // NodePorts on 127.0.0.0/8 (route_localnet), counted for the localhost NodePort metric.
      nat.append('KUBE-NODEPORTS', `-d 127.0.0.0/8 -p ${proto} ${comment(name)} ${npPort} ${nfacctMatch('localhost_nps_accepted_pkts')} -j ${extChain}`);
    }
    if (hasEndpoints) nat.append('KUBE-NODEPORTS', `-p ${proto} ${comment(name)} ${npPort} -j ${extChain}`);
    if (!hasExternalEndpoints) {
      filter.append('KUBE-EXTERNAL-SERVICES', `-p ${proto} ${comment(extComment)} -m addrtype --dst-type LOCAL ${npPort} -j ${extTarget}`);
    }
  }
  if (sp.healthCheckNodePort !== undefined) {
    // Written once per service *port*, so multi-port Services repeat it, as kube-proxy does.
    filter.append('KUBE-NODEPORTS', `-p tcp ${comment(`${name} health check node port`)} -m tcp --dport ${sp.healthCheckNodePort} -j ACCEPT`);
  }

  if (hasEndpoints) {
    nat.append(svcChain, `! -s ${cluster.podCIDR} ${dport(sp.clusterIP)} ${comment(`${name} cluster IP`)} ${matchPort} -j ${MASQ}`);
  }

  if (usesExternalTrafficChain) {
    nat.chain(extChain);
    if (!sp.externalPolicyLocal) {
      nat.append(extChain, `${comment(`masquerade traffic for ${name} external destinations`)} -j ${MASQ}`);
    } else {
      nat.append(extChain, `-s ${cluster.podCIDR} ${comment(`pod traffic for ${name} external destinations`)} -j ${svcChain}`);
      nat.append(extChain, `${comment(`masquerade LOCAL traffic for ${name} external destinations`)} -m addrtype --src-type LOCAL -j ${MASQ}`);
      nat.append(extChain, `${comment(`route LOCAL traffic for ${name} external destinations`)} -m addrtype --src-type LOCAL -j ${svcChain}`);
    }
    if (hasExternalEndpoints) nat.append(extChain, `-j ${externalPolicyChain}`);
  }

  if (usesFWChain) {
    nat.chain(fwChain);
    const lbComment = comment(`${name} loadbalancer IP`);
    let allowFromNode = false;
    for (const cidr of sp.sourceRanges) {
      nat.append(fwChain, `-s ${cidr} ${lbComment} -j ${extChain}`);
      if (cidrContains(cidr, cluster.nodeIP)) allowFromNode = true;
    }
    if (allowFromNode) for (const ip of sp.loadBalancerIPs) nat.append(fwChain, `-s ${ip}/32 ${lbComment} -j ${extChain}`);
    nat.append(fwChain, comment(`other traffic to ${name} will be dropped by KUBE-PROXY-FIREWALL`));
  }

  // Hashing dominates generation time at scale: name each endpoint chain once.
  const sepNames = new Map(eps.map((e) => [e, endpointChainName(sp, proto, `${e.ip}:${e.port}`)]));
  const sepName = (e: (typeof eps)[number]) => sepNames.get(e) ?? '';
  const writeDispatch = (chain: string, targets: typeof eps) => {
    nat.chain(chain);
    const epComment = (e: (typeof eps)[number]) => (large ? '' : `${comment(`${name} -> ${e.ip}:${e.port}`)} `);
    if (sp.affinityTimeout !== undefined) {
      for (const e of targets) {
        const sep = sepName(e);
        nat.append(chain, `${epComment(e)}-m recent --rcheck --seconds ${sp.affinityTimeout} --reap --name ${sep} --mask 255.255.255.255 --rsource -j ${sep}`);
      }
    }
    targets.forEach((e, i) => {
      const left = targets.length - i;
      const stat = left > 1 ? `-m statistic --mode random --probability ${savedProbability(left)} ` : '';
      nat.append(chain, `${epComment(e)}${stat}-j ${sepName(e)}`);
    });
  };
  if (usesClusterPolicyChain) writeDispatch(svcChain, eps);
  if (usesLocalPolicyChain) writeDispatch(svlChain, local);

  const sepComment = large ? '' : `${comment(name)} `;
  for (const e of eps) {
    const sep = sepName(e);
    nat.chain(sep);
    nat.append(sep, `-s ${e.ip}/32 ${sepComment}-j ${MASQ}`);
    const recent = sp.affinityTimeout !== undefined ? `-m recent --set --name ${sep} --mask 255.255.255.255 --rsource ` : '';
    nat.append(sep, `-p ${proto} ${sepComment}${recent}-m ${proto} -j DNAT --to-destination ${e.ip}:${e.port}`);
  }
}

/** Whether an IPv4 CIDR ("a.b.c.d/n") contains an IPv4 address. */
export function cidrContains(cidr: string, ip: string): boolean {
  const [base, bitsText] = cidr.split('/');
  const bits = Number(bitsText ?? '32');
  const mask = bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0;
  return ((ipv4ToInt(base ?? '') & mask) >>> 0) === ((ipv4ToInt(ip) & mask) >>> 0);
}

export function ipv4ToInt(ip: string): number {
  const p = ip.split('.').map(Number);
  return ((((p[0] ?? 0) << 24) | ((p[1] ?? 0) << 16) | ((p[2] ?? 0) << 8) | (p[3] ?? 0)) >>> 0);
}
