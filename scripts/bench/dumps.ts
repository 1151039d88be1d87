// The benchmark's input files: kube-proxy dumps of N Services × M endpoints from scripts/kubeproxy (all three
// proxy modes), written once into a cache folder keyed by the generator's source, and the `nft -j list
// ruleset` JSON of the nftables-mode dump, made by the real nft in a private network namespace (nft 1.0.6
// needs minutes for 10 000 Services, so it is cached too). Node-only; imports the generator.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateKubeProxy, type KubeProxyMode } from '../kubeproxy/generate.ts';

const GENERATOR_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'kubeproxy');

/** The formats nflens parses, with the dump file each is read from. */
export type BenchFormat = 'nft' | 'nft-json' | 'iptables' | 'ipset' | 'ipvs';

export interface DumpSet {
  readonly services: number;
  readonly endpoints: number;
  readonly dir: string;
  /** Absolute paths by role. */
  readonly files: {
    readonly nft: string;
    readonly nftTransaction: string;
    readonly nftJson?: string;
    /** The same JSON with chains before sets and maps, which `nft -j -f` can load (see chainsFirst()). */
    readonly nftJsonLoadable?: string;
    readonly iptables: string;
    readonly ipvsadm: string;
    readonly ipset: string;
    readonly ipvsIptables: string;
  };
  /** Service ports with their endpoints (the generator's ground truth), per mode. */
  readonly expected: Record<KubeProxyMode, string>;
  /** Why the nft JSON is missing, when it is. */
  readonly nftJsonMissing?: string;
}

export function cacheRoot(): string {
  return process.env.NFLENS_BENCH_CACHE ?? join(tmpdir(), 'nflens-bench');
}

/** A hash of the generator's source: a changed generator makes new dumps. */
function generatorHash(): string {
  const h = createHash('sha1');
  for (const name of readdirSync(GENERATOR_DIR).filter((n) => n.endsWith('.ts') && !n.endsWith('.test.ts')).sort()) {
    h.update(name).update(readFileSync(join(GENERATOR_DIR, name)));
  }
  return h.digest('hex').slice(0, 12);
}

/** Writes (or reuses) the three modes' dumps for `services` × `endpoints` (seed 1). */
export function prepareDumps(services: number, endpoints: number, log: (line: string) => void, withNftJson: boolean): DumpSet {
  const dir = join(cacheRoot(), `kp-${services}x${endpoints}-s1-${generatorHash()}`);
  const modes: KubeProxyMode[] = ['nftables', 'iptables', 'ipvs'];
  const expected = {} as Record<KubeProxyMode, string>;
  for (const mode of modes) {
    const modeDir = join(dir, mode);
    expected[mode] = join(modeDir, 'expected.json');
    if (existsSync(join(modeDir, '.done'))) continue;
    const start = performance.now();
    const r = generateKubeProxy({ services, endpointsPerService: endpoints, seed: 1, mode });
    rmSync(modeDir, { recursive: true, force: true });
    mkdirSync(modeDir, { recursive: true });
    for (const f of r.files) writeFileSync(join(modeDir, f.name), f.text);
    writeFileSync(expected[mode], JSON.stringify(r.expected));
    writeFileSync(join(modeDir, '.done'), '');
    log(`  generated ${mode} dump of ${services} Services in ${Math.round(performance.now() - start)} ms`);
  }
  const files = {
    nft: join(dir, 'nftables', 'nft-list-ruleset.nft'),
    nftTransaction: join(dir, 'nftables', 'nft-transaction.nft'),
    iptables: join(dir, 'iptables', 'iptables-save.txt'),
    ipvsadm: join(dir, 'ipvs', 'ipvsadm-Ln.txt'),
    ipset: join(dir, 'ipvs', 'ipset-save.txt'),
    ipvsIptables: join(dir, 'ipvs', 'iptables-save.txt'),
  };
  if (!withNftJson) return { services, endpoints, dir, files, expected, nftJsonMissing: 'no nft -j listing (needs root and nft for a private network namespace)' };
  const json = nftJson(files.nftTransaction, log);
  return json.path !== undefined
    ? { services, endpoints, dir, files: { ...files, nftJson: json.path, nftJsonLoadable: chainsFirst(json.path) }, expected }
    : { services, endpoints, dir, files, expected, nftJsonMissing: json.why };
}

/** How many transaction lines go into one `nft -f`: nft 1.0.6 is superlinear in the batch size (3 000
 *  Services: 38 s as one batch, 14 s in batches of 10 000 lines). */
const BATCH_LINES = 10_000;

/** `nft -j list ruleset` after loading the kube-proxy transaction into a private network namespace,
 *  cached by the transaction's hash and the nft version. */
function nftJson(transactionPath: string, log: (line: string) => void): { path?: string; why?: string } {
  const nftVersion = spawnSync('nft', ['--version'], { encoding: 'utf8' });
  if (nftVersion.status !== 0) return { why: 'nft not installed' };
  if (process.getuid?.() !== 0) return { why: 'not root (a private network namespace needs CAP_SYS_ADMIN)' };
  const text = readFileSync(transactionPath, 'utf8');
  const key = createHash('sha1').update(nftVersion.stdout).update(text).digest('hex').slice(0, 16);
  const out = join(cacheRoot(), 'nft-json', `${key}.json`);
  if (existsSync(out)) return { path: out };
  const work = join(cacheRoot(), 'nft-json', `${key}.parts`);
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  // Every transaction line is one complete command, so the batches can be cut at any line.
  const lines = text.split('\n');
  const names: string[] = [];
  for (let i = 0; i < lines.length; i += BATCH_LINES) {
    const name = `part${String(names.length).padStart(4, '0')}.nft`;
    writeFileSync(join(work, name), `${lines.slice(i, i + BATCH_LINES).join('\n')}\n`);
    names.push(name);
  }
  log(`  loading the nftables-mode transaction (${names.length} batches) into a private netns for nft -j list ruleset (cached afterwards)…`);
  const start = performance.now();
  const script = `set -e\nfor f in ${names.join(' ')}; do nft -f "$f"; done\nnft -j list ruleset > ruleset.json`;
  const r = spawnSync('unshare', ['-n', 'sh', '-c', script], { cwd: work, encoding: 'utf8', timeout: 3_600_000 });
  if (r.status !== 0) {
    rmSync(work, { recursive: true, force: true });
    return { why: `nft could not load the dump: ${(r.stderr || r.error?.message || '').trim().split('\n').slice(0, 3).join(' ')}` };
  }
  mkdirSync(dirname(out), { recursive: true });
  renameSync(join(work, 'ruleset.json'), out);
  rmSync(work, { recursive: true, force: true });
  log(`  nft -j list ruleset ready in ${Math.round((performance.now() - start) / 1000)} s`);
  return { path: out };
}

/** nft 1.0.6 lists sets and maps before chains in `nft -j list ruleset`, so a vmap element's `goto` names a
 *  chain that does not exist yet and `nft -j -f` of its own listing fails with ENOENT. For the native
 *  timing, the same objects with every chain moved before the first set or map (cached beside the listing). */
function chainsFirst(path: string): string {
  const out = path.replace(/\.json$/, '.chains-first.json');
  if (existsSync(out)) return out;
  const doc = JSON.parse(readFileSync(path, 'utf8')) as { nftables: Record<string, unknown>[] };
  const isChain = (o: Record<string, unknown>): boolean => 'chain' in o;
  const firstSet = doc.nftables.findIndex((o) => 'set' in o || 'map' in o);
  const items = firstSet < 0 ? doc.nftables : [...doc.nftables.slice(0, firstSet), ...doc.nftables.filter(isChain), ...doc.nftables.slice(firstSet).filter((o) => !isChain(o))];
  writeFileSync(`${out}.tmp`, JSON.stringify({ nftables: items }));
  renameSync(`${out}.tmp`, out);
  return out;
}

/** The file a format is parsed from. */
export function fileOf(set: DumpSet, format: BenchFormat): string | undefined {
  switch (format) {
    case 'nft':
      return set.files.nft;
    case 'nft-json':
      return set.files.nftJson;
    case 'iptables':
      return set.files.iptables;
    case 'ipset':
      return set.files.ipset;
    case 'ipvs':
      return set.files.ipvsadm;
  }
}
