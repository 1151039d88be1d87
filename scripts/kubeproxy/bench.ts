// Times the kube-proxy dump generator per mode (a benchmark, not a test): npx tsx scripts/kubeproxy/bench.ts [N] [M]
import { performance } from 'node:perf_hooks';
import { generateKubeProxy, type KubeProxyMode } from './generate.ts';

const services = Number(process.argv[2] ?? 10_000);
const endpoints = Number(process.argv[3] ?? 10);

for (const mode of ['iptables', 'nftables', 'ipvs'] as const satisfies readonly KubeProxyMode[]) {
  const start = performance.now();
  const r = generateKubeProxy({ mode, services, endpointsPerService: endpoints, seed: 1 });
  const ms = performance.now() - start;
  const bytes = r.files.reduce((n, f) => n + f.text.length, 0);
  const lines = r.files.reduce((n, f) => n + f.text.split('\n').length - 1, 0);
  console.log(`${mode.padEnd(8)} ${services}×${endpoints}: ${ms.toFixed(0).padStart(6)} ms, ${lines} lines, ${(bytes / 1048576).toFixed(1)} MiB (${r.files.map((f) => f.name).join(', ')})`);
}
