// Public entry of the kube-proxy dump generator: N Services × M endpoints → dump files of one proxy mode plus
// the ground truth a tracer must reproduce; imports the cluster model and the three mode writers only.
import { generateCluster, type Cluster, type Protocol } from './cluster.ts';
import { buildIptablesMode } from './iptablesMode.ts';
import { renderIptablesSave } from './iptablesSave.ts';
import { buildNftablesMode } from './nftablesMode.ts';
import { buildIpvsMode } from './ipvsMode.ts';
import { servicePortNameString } from './names.ts';

export type KubeProxyMode = 'iptables' | 'nftables' | 'ipvs';

export interface GenerateOptions {
  /** Number of Service objects (1–3 ports each; two of them are default/kubernetes and kube-system/kube-dns). */
  readonly services: number;
  /** Endpoints per Service; about 3% of Services deliberately have none. */
  readonly endpointsPerService: number;
  readonly seed: number;
  readonly mode: KubeProxyMode;
  /**
   * iptables mode: include kube-proxy 1.29+'s nfacct counter matches (off by default: iptables-restore only
   * accepts them where the nfacct objects exist, see kernel.test.ts).
   */
  readonly nfacct?: boolean;
}

export interface GeneratedFile {
  readonly name: string;
  readonly text: string;
}

/** One Service port as a packet sees it: traffic to clusterIP:port (protocol) is DNATed to one endpoint. */
export interface ExpectedServicePort {
  /** "namespace/name:port" (or "namespace/name" for an unnamed port), as kube-proxy's comments show it. */
  readonly name: string;
  readonly clusterIP: string;
  readonly port: number;
  readonly protocol: Protocol;
  /** "ip:port" strings; empty means kube-proxy rejects traffic to the Service. */
  readonly endpoints: readonly string[];
  readonly nodePort?: number;
  readonly externalIPs: readonly string[];
  readonly loadBalancerIPs: readonly string[];
  /** externalTrafficPolicy: Local. */
  readonly externalPolicyLocal: boolean;
  /** Endpoints running on the dumped node (what Local policy uses for external traffic). */
  readonly localEndpoints: readonly string[];
  readonly sessionAffinity: boolean;
}

export interface GenerateResult {
  readonly files: readonly GeneratedFile[];
  readonly expected: {
    readonly mode: KubeProxyMode;
    readonly nodeIP: string;
    readonly podCIDR: string;
    readonly serviceCIDR: string;
    readonly services: readonly ExpectedServicePort[];
  };
}

/** Deterministic: the same options always give byte-identical files. */
export function generateKubeProxy(options: GenerateOptions): GenerateResult {
  const cluster = generateCluster(options);
  return { files: renderMode(cluster, options), expected: describe(cluster, options.mode) };
}

function renderMode(cluster: Cluster, options: GenerateOptions): GeneratedFile[] {
  switch (options.mode) {
    case 'iptables':
      return [{ name: 'iptables-save.txt', text: renderIptablesSave(buildIptablesMode(cluster, { nfacct: options.nfacct ?? false })) }];
    case 'nftables': {
      const dump = buildNftablesMode(cluster);
      return [
        { name: 'nft-list-ruleset.nft', text: dump.ruleset },
        { name: 'nft-transaction.nft', text: dump.transaction },
      ];
    }
    case 'ipvs': {
      const dump = buildIpvsMode(cluster, options.seed);
      return [
        { name: 'ipvsadm-Ln.txt', text: dump.ipvsadm },
        { name: 'ipset-save.txt', text: dump.ipsetSave },
        { name: 'iptables-save.txt', text: renderIptablesSave(dump.iptables) },
      ];
    }
    default: {
      const never: never = options.mode;
      throw new Error(`unknown kube-proxy mode ${String(never)}`);
    }
  }
}

function describe(cluster: Cluster, mode: KubeProxyMode): GenerateResult['expected'] {
  return {
    mode,
    nodeIP: cluster.nodeIP,
    podCIDR: cluster.podCIDR,
    serviceCIDR: cluster.serviceCIDR,
    services: cluster.servicePorts.map((sp) => ({
      name: servicePortNameString(sp),
      clusterIP: sp.clusterIP,
      port: sp.port,
      protocol: sp.protocol,
      endpoints: sp.endpoints.map((e) => `${e.ip}:${e.port}`),
      ...(sp.nodePort !== undefined ? { nodePort: sp.nodePort } : {}),
      externalIPs: sp.externalIPs,
      loadBalancerIPs: sp.loadBalancerIPs,
      externalPolicyLocal: sp.externalPolicyLocal,
      localEndpoints: sp.endpoints.filter((e) => e.isLocal).map((e) => `${e.ip}:${e.port}`),
      sessionAffinity: sp.affinityTimeout !== undefined,
    })),
  };
}
