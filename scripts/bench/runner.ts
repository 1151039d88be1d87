// Starts one child measurement (child.ts) in a fresh Node process and returns what it printed last.
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const CHILD = join(dirname(fileURLToPath(import.meta.url)), 'child.ts');

export type ChildResult<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: string };

export function runChild<T>(args: readonly string[], timeoutMs: number): Promise<ChildResult<T>> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--expose-gc', '--max-old-space-size=12288', '--import', 'tsx', CHILD, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const last = out.trim().split('\n').pop() ?? '';
      let parsed: unknown;
      try {
        parsed = JSON.parse(last);
      } catch {
        parsed = undefined;
      }
      if (parsed && typeof parsed === 'object' && !('error' in parsed) && code === 0) {
        resolve({ ok: true, value: parsed as T });
        return;
      }
      const why = signal === 'SIGKILL' ? `timed out after ${Math.round(timeoutMs / 1000)} s` : parsed && typeof parsed === 'object' && 'error' in parsed ? String((parsed as { error: unknown }).error).split('\n')[0] : `exit ${code ?? signal}: ${err.trim().split('\n').slice(-3).join(' ')}`;
      resolve({ ok: false, error: why ?? 'failed' });
    });
  });
}
