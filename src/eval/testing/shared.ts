// Test helper: finds the shared directory (corpus, oracle kit): $NFLENS_SHARED, else ../shared next to the
// repository root (as in CI), else /work/shared. Node-only (tests).
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export function sharedDir(): string | undefined {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
  const candidates = [process.env.NFLENS_SHARED, path.resolve(root, '../shared'), '/work/shared'].filter((x): x is string => !!x);
  return candidates.find((c) => existsSync(path.join(c, 'oracle')) || existsSync(path.join(c, 'corpus')));
}
