// The real nft as a test oracle: loads many rulesets, one after the other, into a private network namespace
// (`unshare -n`, never the host's rules) and returns what `nft -j list ruleset` printed for each.
// Node-only test helper (see ../shared/docs/kernel-oracle.md); imports nothing from src/.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface OracleStatus {
  readonly available: boolean;
  readonly reason?: string;
  readonly version?: string;
}

/** Whether this machine can run the oracle: nft and unshare present, running as root. */
export function oracleStatus(): OracleStatus {
  if (typeof process.getuid === 'function' && process.getuid() !== 0) return { available: false, reason: 'not running as root' };
  const v = spawnSync('nft', ['--version'], { encoding: 'utf8' });
  if (v.error || v.status !== 0) return { available: false, reason: 'nft not installed' };
  const u = spawnSync('unshare', ['-n', 'true'], { encoding: 'utf8' });
  if (u.error || u.status !== 0) return { available: false, reason: `unshare -n failed: ${u.stderr || u.error?.message}` };
  return { available: true, version: v.stdout.trim() };
}

export interface LoadResult {
  /** `nft -f` succeeded. */
  readonly loaded: boolean;
  /** nft's error output when loading failed. */
  readonly error: string;
  /** `nft -j list ruleset` after a successful load. */
  readonly json: string;
  /** `nft list ruleset` after a successful load: nft's own rendering, which keeps what its JSON omits. */
  readonly text: string;
}

/** Loads each text in turn (flushing the ruleset before each) in ONE fresh network namespace and lists it. */
export function loadAndList(texts: readonly string[]): LoadResult[] {
  const dir = mkdtempSync(join(tmpdir(), 'nflens-oracle-'));
  try {
    texts.forEach((t, i) => writeFileSync(join(dir, `${i}.nft`), t));
    const script = [
      'set -u',
      `i=0; while [ $i -lt ${texts.length} ]; do`,
      '  nft flush ruleset',
      '  if nft -f "$D/$i.nft" 2>"$D/$i.err"; then nft -j list ruleset >"$D/$i.json" 2>>"$D/$i.err"; nft list ruleset >"$D/$i.txt" 2>>"$D/$i.err"; fi',
      '  i=$((i+1))',
      'done',
      'nft flush ruleset',
    ].join('\n');
    const run = spawnSync('unshare', ['-n', 'sh', '-c', script], { env: { ...process.env, D: dir }, encoding: 'utf8', maxBuffer: 1 << 26 });
    if (run.error || run.status !== 0) throw new Error(`oracle shell failed: ${run.stderr || run.error?.message}`);
    return texts.map((_, i) => {
      const jsonPath = join(dir, `${i}.json`);
      const loaded = existsSync(jsonPath);
      return {
        loaded,
        error: existsSync(join(dir, `${i}.err`)) ? readFileSync(join(dir, `${i}.err`), 'utf8') : '',
        json: loaded ? readFileSync(jsonPath, 'utf8') : '',
        text: loaded ? readFileSync(join(dir, `${i}.txt`), 'utf8') : '',
      };
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
