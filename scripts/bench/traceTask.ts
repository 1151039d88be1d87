// Child task: the evaluator's cost per traced packet on a kube-proxy dump of one proxy mode. Packets go from
// a pod to random Service ports (seeded, so every run traces the same packets); each trace is checked against
// the generator's ground truth (DNAT to one of the Service's endpoints, or a reject when it has none).
// One-time work (indexing the workspace, the set indexes the first packet builds) is timed apart.
import { evaluate, parsePacket, type Trace } from '../../src/eval/index.ts';
import { prepare } from '../../src/eval/prepare.ts';
import type { ExpectedServicePort } from '../kubeproxy/generate.ts';
import { median, percentile } from './stats.ts';
import { loadWorkspace } from './workspace.ts';

export interface TraceMeasurement {
  readonly rules: number;
  /** Indexing the workspace for evaluation (chains and sets by name, base chains, conntrack users). */
  readonly prepareMs: number;
  /** The first packet: builds the set/map indexes it needs (and warms the JIT). */
  readonly firstMs: number;
  readonly packets: number;
  readonly medianMs: number;
  readonly p90Ms: number;
  readonly meanSteps: number;
  /** Traces whose outcome disagrees with the generator's ground truth (should be 0). */
  readonly wrong: number;
  readonly wrongExample?: string;
}

/** A small deterministic PRNG (mulberry32): the same packets on every run. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The packet text for a connection from a pod to a Service port. */
export function packetFor(sp: ExpectedServicePort, n: number): string {
  const proto = sp.protocol.toLowerCase();
  return `iif eth0 ip saddr 10.244.${1 + (n % 200)}.${2 + (n % 250)} ip daddr ${sp.clusterIP} ${proto} sport ${20000 + (n % 40000)} ${proto} dport ${sp.port}`;
}

/** The node as the evaluator's host spec: its own address and a default route, so a ClusterIP is not local
 *  (only a DNAT target, as on a real node) and a Service without endpoints meets kube-proxy's reject rules on
 *  the forward path; forwarding on, as on every Kubernetes node (kube-proxy requires it; Linux's default is
 *  off). */
export function nodeHost(nodeIP: string): string {
  return `eth0=${nodeIP}/16 default=eth0 forward`;
}

/** Why a trace disagrees with the ground truth, or undefined when it agrees. */
export function checkTrace(sp: ExpectedServicePort, trace: Trace): string | undefined {
  const proto = sp.protocol.toLowerCase();
  if (sp.endpoints.length === 0) {
    return trace.fate.kind === 'rejected' || trace.fate.kind === 'dropped' ? undefined : `${sp.name} has no endpoints but the packet was ${trace.fate.kind}`;
  }
  const to = `${String(trace.finalPacket['ip daddr'])}:${String(trace.finalPacket[`${proto} dport`])}`;
  return sp.endpoints.includes(to) ? undefined : `${sp.name} (${sp.clusterIP}:${sp.port}) went to ${to}, fate ${trace.fate.kind}`;
}

export function measureTrace(mode: string, dumpDir: string, maxPackets: number, budgetMs: number): TraceMeasurement {
  const { workspace, services, rules, nodeIP } = loadWorkspace(mode, dumpDir);
  const host = nodeHost(nodeIP);

  let start = performance.now();
  prepare(workspace);
  const prepareMs = performance.now() - start;

  const random = prng(7);
  const pick = (): ExpectedServicePort => services[Math.floor(random() * services.length)]!;
  let wrong = 0;
  let wrongExample: string | undefined;
  let steps = 0;
  const run = (sp: ExpectedServicePort, n: number): number => {
    const { packet } = parsePacket(packetFor(sp, n));
    const t0 = performance.now();
    const trace = evaluate(workspace, packet, { host });
    const ms = performance.now() - t0;
    const why = checkTrace(sp, trace);
    if (why) {
      wrong++;
      wrongExample ??= why;
    }
    steps += trace.steps.length;
    return ms;
  };

  const firstMs = run(pick(), 0);
  // A few packets to let the JIT settle before the clock counts.
  for (let i = 1; i <= 3; i++) run(pick(), i);
  wrong = 0;
  wrongExample = undefined;
  steps = 0;
  const times: number[] = [];
  start = performance.now();
  while (times.length < maxPackets && (times.length < 10 || performance.now() - start < budgetMs)) times.push(run(pick(), times.length + 4));
  return {
    rules,
    prepareMs,
    firstMs,
    packets: times.length,
    medianMs: median(times),
    p90Ms: percentile(times, 0.9),
    meanSteps: steps / times.length,
    wrong,
    ...(wrongExample ? { wrongExample } : {}),
  };
}
