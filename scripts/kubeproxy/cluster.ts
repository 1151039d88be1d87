// A random but plausible Kubernetes cluster (Services, ports, endpoints, nodes) that the kube-proxy mode
// writers turn into dumps; imports only the seeded PRNG and the name helpers (no clock, no Math.random).
import { createRng, type Rng } from './prng.ts';
import type { ServicePortName } from './names.ts';

export type Protocol = 'tcp' | 'udp';

/** One pod (or, for default/kubernetes, API server) address serving a Service port. */
export interface Endpoint {
  readonly ip: string;
  readonly port: number;
  /** Runs on the node whose dump is generated (matters for externalTrafficPolicy: Local and KUBE-LOOP-BACK). */
  readonly isLocal: boolean;
}

/** One port of one Service: the unit kube-proxy programs (its `ServicePort`). */
export interface ServicePort extends ServicePortName {
  readonly protocol: Protocol;
  readonly port: number;
  readonly targetPort: number;
  readonly clusterIP: string;
  readonly nodePort?: number;
  readonly externalIPs: readonly string[];
  readonly loadBalancerIPs: readonly string[];
  /** spec.loadBalancerSourceRanges (only set on LoadBalancer Services). */
  readonly sourceRanges: readonly string[];
  /** externalTrafficPolicy: Local. */
  readonly externalPolicyLocal: boolean;
  readonly healthCheckNodePort?: number;
  /** sessionAffinity: ClientIP timeout in seconds; undefined means sessionAffinity: None. */
  readonly affinityTimeout?: number;
  /** Sorted the way kube-proxy's EndpointsMap sorts them: by "ip:port" string. */
  readonly endpoints: readonly Endpoint[];
}

export interface Cluster {
  readonly serviceCIDR: string;
  readonly podCIDR: string;
  readonly nodeName: string;
  readonly nodeIP: string;
  /** Addresses on this node other than kube-ipvs0 (IPVS NodePort virtual servers bind all of them). */
  readonly nodeLocalAddresses: readonly string[];
  readonly servicePorts: readonly ServicePort[];
}

export interface ClusterOptions {
  /** Number of Service objects (a Service has 1–3 ports, so there are somewhat more service ports). */
  readonly services: number;
  /** Endpoints per Service (a few Services deliberately get none). */
  readonly endpointsPerService: number;
  readonly seed: number;
}

const SERVICE_CIDR = '10.96.0.0/12';
const POD_CIDR = '10.244.0.0/16';

// Ports a Service may expose: [name, protocol, port, targetPort].
type PortTemplate = readonly [string, Protocol, number, number];
const PORT_TEMPLATES: readonly PortTemplate[] = [
  ['http', 'tcp', 80, 8080],
  ['http', 'tcp', 80, 80],
  ['http', 'tcp', 8080, 8080],
  ['https', 'tcp', 443, 8443],
  ['https', 'tcp', 443, 443],
  ['grpc', 'tcp', 9090, 9090],
  ['grpc', 'tcp', 50051, 50051],
  ['metrics', 'tcp', 9100, 9100],
  ['metrics', 'tcp', 8081, 8081],
  ['http-metrics', 'tcp', 10254, 10254],
  ['web', 'tcp', 3000, 3000],
  ['api', 'tcp', 5000, 5000],
  ['redis', 'tcp', 6379, 6379],
  ['postgres', 'tcp', 5432, 5432],
  ['mysql', 'tcp', 3306, 3306],
  ['mongodb', 'tcp', 27017, 27017],
  ['amqp', 'tcp', 5672, 5672],
  ['kafka', 'tcp', 9092, 9092],
  ['memcached', 'tcp', 11211, 11211],
  ['elasticsearch', 'tcp', 9200, 9200],
  ['webhook', 'tcp', 443, 9443],
  ['admin', 'tcp', 8443, 8443],
  ['dns', 'udp', 53, 53],
  ['dns-tcp', 'tcp', 53, 53],
  ['syslog', 'udp', 514, 5514],
  ['statsd', 'udp', 8125, 8125],
  ['jaeger-thrift', 'udp', 6831, 6831],
  ['ntp', 'udp', 123, 123],
  ['quic', 'udp', 443, 8443],
];
const TCP_TEMPLATES = PORT_TEMPLATES.filter((p) => p[1] === 'tcp');
const UDP_TEMPLATES = PORT_TEMPLATES.filter((p) => p[1] === 'udp');

const NAMESPACE_WORDS = [
  'payments', 'checkout', 'catalog', 'search', 'identity', 'billing', 'orders', 'shipping', 'inventory',
  'analytics', 'reporting', 'notifications', 'media', 'gateway', 'ledger', 'fraud', 'pricing', 'reviews',
  'recommendations', 'auth', 'profile', 'chat', 'storage', 'streaming', 'ml', 'data', 'platform', 'edge',
];
const NAMESPACE_SUFFIXES = ['', '-prod', '-staging', '-dev', '-qa', '-canary'];
const INFRA_NAMESPACES = ['monitoring', 'ingress-nginx', 'cert-manager', 'logging', 'istio-system', 'argocd', 'vault'];
const NAME_WORDS = [
  'frontend', 'backend', 'cart', 'user', 'account', 'invoice', 'order', 'payment', 'product', 'search',
  'session', 'token', 'report', 'export', 'import', 'email', 'sms', 'push', 'image', 'video', 'thumbnail',
  'feed', 'rating', 'coupon', 'price', 'tax', 'stock', 'warehouse', 'tracking', 'label', 'audit', 'event',
];
const NAME_ROLES = [
  'api', 'web', 'worker', 'svc', 'grpc', 'gateway', 'db', 'cache', 'redis', 'postgres', 'queue', 'proxy',
  'metrics', 'admin', 'internal', 'public', 'headless-ui', 'sync', 'scheduler',
];

/** Build a cluster deterministically from the options. */
export function generateCluster(options: ClusterOptions): Cluster {
  const services = Math.max(0, Math.floor(options.services));
  const perService = Math.max(0, Math.floor(options.endpointsPerService));
  const rng = createRng(options.seed);

  const nodeCount = Math.min(250, Math.max(3, Math.ceil((services * perService) / 100)));
  const nodeIPs = Array.from({ length: nodeCount }, (_, i) => `172.18.0.${2 + i}`);
  const nodeIP = nodeIPs[0] as string;
  const allocator = new AddressAllocator(rng, nodeCount);

  const out: ServicePort[] = [];
  let made = 0;

  // Every cluster has these two; they come first as on a real cluster (lowest ClusterIPs).
  if (services > made) {
    made++;
    // A real control plane has one to three API servers; they serve on the node addresses.
    const apiServers = nodeIPs.slice(0, Math.min(3, perService));
    out.push({
      namespace: 'default', name: 'kubernetes', portName: 'https', protocol: 'tcp', port: 443, targetPort: 6443,
      clusterIP: '10.96.0.1', externalIPs: [], loadBalancerIPs: [], sourceRanges: [], externalPolicyLocal: false,
      endpoints: sortEndpoints(apiServers.map((ip) => ({ ip, port: 6443, isLocal: ip === nodeIP }))),
    });
  }
  if (services > made) {
    made++;
    const pods = allocator.pods(perService);
    for (const [portName, protocol, port] of [['dns', 'udp', 53], ['dns-tcp', 'tcp', 53], ['metrics', 'tcp', 9153]] as const) {
      out.push({
        namespace: 'kube-system', name: 'kube-dns', portName, protocol, port, targetPort: port,
        clusterIP: '10.96.0.10', externalIPs: [], loadBalancerIPs: [], sourceRanges: [], externalPolicyLocal: false,
        endpoints: sortEndpoints(pods.map((p) => ({ ip: p.ip, port, isLocal: p.node === 0 }))),
      });
    }
  }

  // The remaining Services get features by quota (shuffled indices) rather than by coin flips, so that
  // even a 20-Service dump shows every shape kube-proxy writes.
  const rest = services - made;
  const indices = Array.from({ length: rest }, (_, i) => i);
  const quota = (fraction: number, atLeastOneFrom: number): Set<number> => {
    const n = Math.min(rest, Math.max(rest >= atLeastOneFrom ? 1 : 0, Math.round(rest * fraction)));
    return new Set(rng.shuffle(indices).slice(0, n));
  };
  const noEndpoints = quota(0.03, 5);
  const loadBalancers = quota(0.05, 5);
  const nodePorts = new Set([...quota(0.1, 4)].filter((i) => !loadBalancers.has(i)));
  const withExternalIPs = quota(0.02, 8);
  const withAffinity = quota(0.03, 8);
  const external = [...loadBalancers, ...nodePorts];
  const localPolicy = new Set(rng.shuffle(external).slice(0, Math.max(external.length > 0 ? 1 : 0, Math.round(external.length * 0.4))));
  const lbList = [...loadBalancers];
  const withSourceRanges = new Set(rng.shuffle(lbList).slice(0, Math.max(lbList.length >= 2 ? 1 : 0, Math.round(lbList.length * 0.3))));

  const names = new NameAllocator(rng, rest);
  for (let i = 0; i < rest; i++) {
    const { namespace, name } = names.next();
    const ports = pickPorts(rng);
    const isLB = loadBalancers.has(i);
    const wantsNodePort = isLB || nodePorts.has(i);
    const nodePortValues = wantsNodePort ? ports.map(() => allocator.nodePort()) : [];
    // Out of NodePorts (2768 exist): the Service degrades to ClusterIP, as the API server would refuse it.
    const hasNodePorts = wantsNodePort && nodePortValues.every((p) => p !== undefined);
    const externalPolicyLocal = hasNodePorts && localPolicy.has(i);
    const healthCheckNodePort = externalPolicyLocal && isLB ? allocator.nodePort() : undefined;
    const loadBalancerIPs = hasNodePorts && isLB ? [allocator.loadBalancerIP()] : [];
    const sourceRanges = loadBalancerIPs.length > 0 && withSourceRanges.has(i) ? pickSourceRanges(rng) : [];
    const externalIPs = withExternalIPs.has(i) ? [allocator.externalIP()] : [];
    const affinityTimeout = withAffinity.has(i) ? 10800 : undefined;
    const clusterIP = allocator.clusterIP();
    const pods = noEndpoints.has(i) ? [] : allocator.pods(perService);
    ports.forEach(([portName, protocol, port, targetPort], p) => {
      const nodePort = hasNodePorts ? nodePortValues[p] : undefined;
      out.push({
        namespace, name, portName, protocol, port, targetPort, clusterIP,
        ...(nodePort !== undefined ? { nodePort } : {}),
        externalIPs, loadBalancerIPs, sourceRanges, externalPolicyLocal,
        ...(healthCheckNodePort !== undefined ? { healthCheckNodePort } : {}),
        ...(affinityTimeout !== undefined ? { affinityTimeout } : {}),
        endpoints: sortEndpoints(pods.map((pod) => ({ ip: pod.ip, port: targetPort, isLocal: pod.node === 0 }))),
      });
    });
  }

  return {
    serviceCIDR: SERVICE_CIDR,
    podCIDR: POD_CIDR,
    nodeName: 'node-0',
    nodeIP,
    // The node's own address, the CNI bridge on its pod /24, and loopback.
    nodeLocalAddresses: [nodeIP, '10.244.0.1', '127.0.0.1'],
    servicePorts: out,
  };
}

/** kube-proxy's EndpointsMap keeps endpoints sorted by their "ip:port" string. */
function sortEndpoints(eps: Endpoint[]): Endpoint[] {
  const key = (e: Endpoint) => `${e.ip}:${e.port}`;
  return eps.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

function pickPorts(rng: Rng): Array<readonly [string, Protocol, number, number]> {
  const count = rng.chance(0.85) ? 1 : rng.chance(0.8) ? 2 : 3;
  const chosen: PortTemplate[] = [];
  while (chosen.length < count) {
    // Most Service ports are TCP; ~7% are UDP.
    const t = rng.chance(0.07) ? rng.pick(UDP_TEMPLATES) : rng.pick(TCP_TEMPLATES);
    // Port names and (port, protocol) pairs must be unique within a Service (API validation).
    if (chosen.some((c) => c[0] === t[0] || (c[1] === t[1] && c[2] === t[2]))) continue;
    chosen.push(t);
  }
  // A single port may be unnamed; then kube-proxy's names end in "ns/name" (iptables) or ".../tcp/" (nft).
  if (count === 1 && rng.chance(0.4)) {
    const only = chosen[0] as PortTemplate;
    return [['', only[1], only[2], only[3]]];
  }
  return chosen;
}

// Disjoint ranges: nft rejects overlapping intervals in one anonymous set. 172.18.0.0/16 holds the nodes,
// so a Service listing it lets the node itself through (kube-proxy's "allowFromNode").
const SOURCE_RANGES = ['203.0.113.0/25', '198.51.100.0/24', '192.0.2.0/24', '100.64.0.0/10', '172.18.0.0/16'];

function pickSourceRanges(rng: Rng): string[] {
  return rng.shuffle(SOURCE_RANGES).slice(0, rng.int(1, 2));
}

class NameAllocator {
  private readonly namespaces: string[];
  private readonly used = new Set<string>();

  constructor(private readonly rng: Rng, services: number) {
    const wanted = Math.max(4, Math.ceil(services / 25));
    const set = new Set<string>(['default', ...INFRA_NAMESPACES.slice(0, Math.min(INFRA_NAMESPACES.length, Math.ceil(wanted / 4)))]);
    for (let guard = 0; set.size < wanted && guard < wanted * 20; guard++) {
      const ns = rng.pick(NAMESPACE_WORDS) + rng.pick(NAMESPACE_SUFFIXES);
      set.add(set.has(ns) ? `${ns}-${set.size}` : ns);
    }
    this.namespaces = [...set];
  }

  next(): { namespace: string; name: string } {
    const namespace = this.rng.pick(this.namespaces);
    let name = `${this.rng.pick(NAME_WORDS)}-${this.rng.pick(NAME_ROLES)}`;
    for (let n = 2; this.used.has(`${namespace}/${name}`); n++) name = `${name.replace(/-\d+$/, '')}-${n}`;
    this.used.add(`${namespace}/${name}`);
    return { namespace, name };
  }
}

class AddressAllocator {
  private readonly clusterIPs = new Set<number>();
  private readonly nodePorts: number[];
  private nextNodePort = 0;
  private podCounters: number[];
  private lbCount = 0;
  private externalCount = 0;

  constructor(private readonly rng: Rng, private readonly nodeCount: number) {
    // The API server hands NodePorts out randomly from 30000-32767.
    this.nodePorts = rng.shuffle(Array.from({ length: 2768 }, (_, i) => 30000 + i));
    this.podCounters = Array.from({ length: nodeCount }, () => rng.int(0, 252));
  }

  /** A fresh address in 10.96.0.0/12, above the reserved .1 (kubernetes) and .10 (kube-dns). */
  clusterIP(): string {
    for (;;) {
      const offset = this.rng.int(11, (1 << 20) - 2);
      if (this.clusterIPs.has(offset)) continue;
      this.clusterIPs.add(offset);
      return intToIPv4(((10 << 24) | (96 << 16)) + offset);
    }
  }

  nodePort(): number | undefined {
    return this.nodePorts[this.nextNodePort++];
  }

  loadBalancerIP(): string {
    const n = this.lbCount++;
    return `172.19.${200 + Math.floor(n / 250)}.${1 + (n % 250)}`;
  }

  externalIP(): string {
    const n = this.externalCount++;
    return `192.168.${100 + Math.floor(n / 250)}.${10 + (n % 240)}`;
  }

  /** `count` distinct pods, each on a random node; node k's pods live in 10.244.k.0/24 (.2–.254). */
  pods(count: number): Array<{ ip: string; node: number }> {
    const seen = new Set<string>();
    const out: Array<{ ip: string; node: number }> = [];
    // A /24 per node holds 253 pods; when a very large dump wraps around, a pod backs several Services.
    const limit = Math.min(count, this.nodeCount * 253);
    while (out.length < limit) {
      const node = this.rng.int(0, this.nodeCount - 1);
      const c = this.podCounters[node] ?? 0;
      this.podCounters[node] = (c + 1) % 253;
      const ip = `10.244.${node}.${2 + c}`;
      if (seen.has(ip)) continue;
      seen.add(ip);
      out.push({ ip, node });
    }
    return out;
  }
}

function intToIPv4(n: number): string {
  return `${(n >>> 24) & 255}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
}
