// Runs the real netfilter tools as a test oracle inside a private network namespace (`unshare -n`), so the
// host's rules are never touched; tests that need them are skipped with the reason when the machine cannot
// (not root, tool missing) and fail under CI=true. Node-only test helper; imports nothing from src/.
import { spawnSync } from 'node:child_process';
import { it } from 'vitest';

const CI = process.env.CI === 'true';

export function hasCommand(name: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).status === 0;
}

/** Why this machine cannot run the commands in a private namespace, or undefined when it can. */
export function missingTools(...commands: string[]): string | undefined {
  if (process.platform !== 'linux') return 'not Linux';
  if (process.getuid?.() !== 0) return 'not root (unshare -n and netfilter need CAP_NET_ADMIN)';
  const absent = ['unshare', ...commands].filter((c) => !hasCommand(c));
  return absent.length > 0 ? `missing ${absent.join(', ')}` : undefined;
}

/** A test that runs when the machine can, is skipped (the reason in its name) when not, and fails on CI. */
export function kernelIt(name: string, commands: readonly string[], fn: () => void): void {
  const reason = missingTools(...commands);
  if (reason !== undefined && !CI) {
    it.skip(`${name} (skipped: ${reason})`, fn);
    return;
  }
  it(name, () => {
    if (reason !== undefined) throw new Error(`CI=true but cannot run: ${reason}`);
    fn();
  });
}

export interface NetnsRun {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a shell script (`set -e`) in a fresh network namespace, in `cwd`; the namespace dies with it. */
export function inNetns(script: string, cwd: string): NetnsRun {
  const r = spawnSync('unshare', ['-n', 'sh', '-c', `set -e\n${script}`], { cwd, encoding: 'utf8', timeout: 60_000, maxBuffer: 64 << 20 });
  return { status: r.status ?? -1, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}
