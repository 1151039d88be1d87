// The native tools on the same files, always inside a private network namespace (`unshare -n`), never
// touching the host's rules: `nft -c -f` (text and JSON), `iptables-restore --test` and its nft and legacy
// variants, `ipset restore` (no test mode: it loads into the namespace, which dies with the process),
// `ipvsadm` (needs IPVS in the kernel). Wall time and peak RSS (GNU time) of the whole process.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BenchFormat } from './dumps.ts';

export interface NativeTool {
  /** As shown in the table, e.g. `nft -c -f`. */
  readonly label: string;
  readonly command: string;
  readonly args: (file: string) => string[];
}

export const NATIVE_TOOLS: Readonly<Record<BenchFormat, readonly NativeTool[]>> = {
  nft: [{ label: 'nft -c -f', command: 'nft', args: (f) => ['-c', '-f', f] }],
  'nft-json': [{ label: 'nft -j -c -f', command: 'nft', args: (f) => ['-j', '-c', '-f', f] }],
  iptables: [
    { label: 'iptables-restore --test', command: 'iptables-restore', args: (f) => ['--test', f] },
    { label: 'iptables-nft-restore --test', command: 'iptables-nft-restore', args: (f) => ['--test', f] },
    { label: 'iptables-legacy-restore --test', command: 'iptables-legacy-restore', args: (f) => ['--test', f] },
  ],
  ipset: [{ label: 'ipset restore', command: 'ipset', args: (f) => ['restore', '-f', f] }],
  ipvs: [{ label: 'ipvsadm -Ln', command: 'ipvsadm', args: () => ['-Ln'] }],
};

export type NativeResult =
  | { readonly label: string; readonly status: 'ok'; readonly ms: number; readonly peakRssMB?: number }
  | { readonly label: string; readonly status: 'timeout'; readonly ms: number }
  | { readonly label: string; readonly status: 'failed' | 'unavailable'; readonly why: string; readonly ms?: number };

function hasCommand(name: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).status === 0;
}

/** Why the native tools cannot run here, or undefined. */
export function nativeUnavailable(): string | undefined {
  if (process.platform !== 'linux') return 'not Linux';
  if (process.getuid?.() !== 0) return 'not root (unshare -n needs CAP_SYS_ADMIN)';
  if (!hasCommand('unshare')) return 'unshare missing';
  return undefined;
}

/** What a command resolves to (`iptables-restore` → `xtables-nft-multi`), for the report. */
export function resolvedCommand(name: string): string | undefined {
  const r = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' });
  if (r.status !== 0) return undefined;
  try {
    return realpathSync(r.stdout.trim());
  } catch {
    return r.stdout.trim();
  }
}

/** IPVS is missing from many kernels (this one included): ask the tool itself in a private namespace. */
function ipvsUnavailable(): string | undefined {
  if (!hasCommand('ipvsadm')) return 'ipvsadm not installed';
  const r = spawnSync('unshare', ['-n', 'ipvsadm', '-Ln'], { encoding: 'utf8', timeout: 10_000 });
  return r.status === 0 ? undefined : `no IPVS in this kernel (${(r.stderr || '').trim().split('\n')[0] ?? ''})`;
}

/** Runs one tool on `file` in a fresh network namespace; kills the whole process group on timeout. */
export async function runNative(tool: NativeTool, format: BenchFormat, file: string, timeoutMs: number): Promise<NativeResult> {
  const why = nativeUnavailable() ?? (hasCommand(tool.command) ? undefined : `${tool.command} not installed`) ?? (format === 'ipvs' ? ipvsUnavailable() : undefined);
  if (why) return { label: tool.label, status: 'unavailable', why };
  if (format === 'ipvs') {
    // ipvsadm cannot read its own -Ln listing back (`ipvsadm -R` takes the -S form), and no kernel here to
    // load it into: reported as unavailable above on such machines.
    return { label: tool.label, status: 'unavailable', why: 'ipvsadm cannot restore an -Ln listing (only the -S form)' };
  }
  const tmp = mkdtempSync(join(tmpdir(), 'nflens-native-'));
  const timeFile = join(tmp, 'time');
  const gnuTime = hasCommand('/usr/bin/time');
  const argv = [...(gnuTime ? ['/usr/bin/time', '-f', '%M', '-o', timeFile] : []), 'unshare', '-n', tool.command, ...tool.args(file)];
  try {
    const { ms, code, timedOut, stderr } = await new Promise<{ ms: number; code: number | null; timedOut: boolean; stderr: string }>((resolve) => {
      const start = performance.now();
      const child = spawn(argv[0]!, argv.slice(1), { stdio: ['ignore', 'ignore', 'pipe'], detached: true });
      let stderrText = '';
      child.stderr.on('data', (d: Buffer) => {
        if (stderrText.length < 4000) stderrText += d.toString();
      });
      let timedOutFlag = false;
      const timer = setTimeout(() => {
        timedOutFlag = true;
        try {
          process.kill(-child.pid!, 'SIGKILL');
        } catch {
          /* already gone */
        }
      }, timeoutMs);
      child.on('close', (c) => {
        clearTimeout(timer);
        resolve({ ms: performance.now() - start, code: c, timedOut: timedOutFlag, stderr: stderrText });
      });
    });
    if (timedOut) return { label: tool.label, status: 'timeout', ms };
    if (code !== 0) return { label: tool.label, status: 'failed', ms, why: `exit ${code}: ${stderr.trim().split('\n').filter((l) => !/^Command exited/.test(l)).slice(0, 2).join(' ')}` };
    let peakRssMB: number | undefined;
    if (gnuTime) {
      const kb = Number(readFileSync(timeFile, 'utf8').trim().split('\n').pop());
      if (Number.isFinite(kb)) peakRssMB = kb / 1024;
    }
    return { label: tool.label, status: 'ok', ms, ...(peakRssMB !== undefined ? { peakRssMB } : {}) };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
