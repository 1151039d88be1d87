// CLI for the kube-proxy dump generator: writes one mode's dump files and expected.json into a directory.
//   npx tsx scripts/kubeproxy/cli.ts --mode nftables --services 1000 --endpoints 10 --seed 1 --out DIR
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { generateKubeProxy, type KubeProxyMode } from './generate.ts';

const USAGE = 'usage: cli.ts --mode iptables|nftables|ipvs --services N --endpoints M [--seed S] [--nfacct] --out DIR';

function parseArgs(argv: readonly string[]): { mode: KubeProxyMode; services: number; endpoints: number; seed: number; nfacct: boolean; out: string } {
  const values = new Map<string, string>();
  let nfacct = false;
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i] ?? '';
    if (flag === '--help' || flag === '-h') {
      console.log(USAGE);
      process.exit(0);
    }
    if (flag === '--nfacct') {
      nfacct = true;
      continue;
    }
    if (!flag.startsWith('--')) throw new Error(`unexpected argument "${flag}"`);
    const eq = flag.indexOf('=');
    if (eq > 0) values.set(flag.slice(2, eq), flag.slice(eq + 1));
    else values.set(flag.slice(2), argv[++i] ?? '');
  }
  const mode = values.get('mode') ?? '';
  if (mode !== 'iptables' && mode !== 'nftables' && mode !== 'ipvs') throw new Error(`--mode must be iptables, nftables or ipvs (got "${mode}")`);
  const integer = (name: string, fallback?: number): number => {
    const text = values.get(name);
    if (text === undefined) {
      if (fallback === undefined) throw new Error(`--${name} is required`);
      return fallback;
    }
    const n = Number(text);
    if (!Number.isInteger(n) || n < 0) throw new Error(`--${name} must be a non-negative integer (got "${text}")`);
    return n;
  };
  const out = values.get('out');
  if (out === undefined || out === '') throw new Error('--out is required');
  return { mode, services: integer('services'), endpoints: integer('endpoints'), seed: integer('seed', 1), nfacct, out };
}

function main(): void {
  let args;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (e) {
    console.error(`${(e as Error).message}\n${USAGE}`);
    process.exit(2);
  }
  const start = performance.now();
  const result = generateKubeProxy({ services: args.services, endpointsPerService: args.endpoints, seed: args.seed, mode: args.mode, nfacct: args.nfacct });
  const elapsed = performance.now() - start;
  mkdirSync(args.out, { recursive: true });
  for (const f of result.files) writeFileSync(join(args.out, f.name), f.text);
  writeFileSync(join(args.out, 'expected.json'), JSON.stringify(result.expected, null, 1) + '\n');
  const bytes = result.files.reduce((n, f) => n + Buffer.byteLength(f.text), 0);
  const lines = result.files.reduce((n, f) => n + f.text.split('\n').length - 1, 0);
  console.log(
    `${args.mode}: ${args.services} services × ${args.endpoints} endpoints (seed ${args.seed}) → ` +
      `${result.expected.services.length} service ports, ${lines} lines, ${(bytes / 1048576).toFixed(1)} MiB in ${elapsed.toFixed(0)} ms → ${args.out}`,
  );
}

main();
