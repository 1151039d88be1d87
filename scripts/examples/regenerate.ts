// Rewrites the kube-proxy example files under src/examples/ from the generator (run after changing it, then
// review the diff):  npx tsx scripts/examples/regenerate.ts
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { kubeProxyExampleFiles } from './kubeProxyExamples.ts';

const examplesDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../src/examples');
for (const f of kubeProxyExampleFiles()) {
  const target = path.join(examplesDir, f.path);
  mkdirSync(path.dirname(target), { recursive: true });
  writeFileSync(target, f.text);
  console.log(`wrote ${path.relative(process.cwd(), target)} (${f.text.length} bytes)`);
}
