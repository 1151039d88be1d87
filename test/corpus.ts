// Finds the shared corpus for tests: $NFLENS_SHARED, else `../shared` next to the repository root, else
// /work/shared. Node-only test helper; imports nothing from src/.
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** The shared folder (holds `corpus/` and `docs/`). */
export function sharedDir(): string {
  const candidates = [process.env.NFLENS_SHARED, path.resolve(repoRoot, '../shared'), '/work/shared'];
  for (const dir of candidates) if (dir && existsSync(path.join(dir, 'corpus'))) return dir;
  throw new Error(`shared corpus not found (tried ${candidates.filter(Boolean).join(', ')}); set NFLENS_SHARED`);
}

/** Absolute paths of the files in `corpus/<subdir>`, sorted, optionally filtered by name. */
export function corpusFiles(subdir: string, filter?: (name: string) => boolean): string[] {
  const dir = path.join(sharedDir(), 'corpus', subdir);
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isFile() && (!filter || filter(e.name)))
    .map((e) => path.join(dir, e.name))
    .sort();
}
