// Finds the shared corpus for tests: $NFLENS_SHARED, else `../shared` next to the repository, else
// /work/shared. Test helper only (uses Node).
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

export function sharedDir(): string {
  const candidates = [process.env.NFLENS_SHARED, resolve(repoRoot, '..', 'shared'), '/work/shared'];
  for (const c of candidates) if (c && existsSync(join(c, 'corpus'))) return c;
  throw new Error(`shared corpus not found (tried ${candidates.filter(Boolean).join(', ')}); set NFLENS_SHARED`);
}

/** Absolute paths of the files in `corpus/<subdir>` (sorted), optionally filtered by name. */
export function corpusFiles(subdir: string, filter?: (name: string) => boolean): string[] {
  const dir = join(sharedDir(), 'corpus', subdir);
  return readdirSync(dir)
    .filter((n) => !filter || filter(n))
    .sort()
    .map((n) => join(dir, n));
}
