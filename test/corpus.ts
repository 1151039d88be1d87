// Locates the shared corpus for tests: $NFLENS_SHARED, else `../shared` next to the repository root, else
// /work/shared. Node-only test helper.
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

export function sharedDir(): string {
  const env = process.env.NFLENS_SHARED;
  if (env && existsSync(env)) return env;
  const sibling = resolve(repoRoot, '..', 'shared');
  if (existsSync(join(sibling, 'corpus'))) return sibling;
  return '/work/shared';
}

/** Absolute paths of the files in `corpus/<subdir>` (sorted), optionally filtered by name. */
export function corpusFiles(subdir: string, filter?: (name: string) => boolean): string[] {
  const dir = join(sharedDir(), 'corpus', subdir);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((n) => !filter || filter(n))
    .sort()
    .map((n) => join(dir, n));
}
