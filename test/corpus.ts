// Locates the shared corpus for tests: $NFLENS_SHARED, else `../shared` next to the repository root (as in
// CI), else /work/shared. Node-only test helper; imports nothing from src/.
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** The shared directory (it holds `corpus/`, `docs/`, `oracle/`). */
export function sharedDir(): string {
  const candidates = [process.env['NFLENS_SHARED'], join(repoRoot, '..', 'shared'), '/work/shared'];
  for (const c of candidates) if (c && existsSync(join(c, 'corpus'))) return c;
  return candidates[1] as string;
}

/** Absolute paths of the files of `corpus/<subdir>`, sorted, optionally filtered by name. */
export function corpusFiles(subdir: string, filter?: (name: string) => boolean): string[] {
  const dir = join(sharedDir(), 'corpus', subdir);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => !filter || filter(name))
    .sort()
    .map((name) => join(dir, name));
}
