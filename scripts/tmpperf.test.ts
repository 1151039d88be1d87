import { it } from 'vitest';
import { generateKubeProxy } from './kubeproxy/generate.ts';
import { parseText, checkWorkspace } from '../src/parse/index.ts';
it('perf', () => {
for (const mode of ['nftables', 'iptables'] as const) {
  const g = generateKubeProxy({ services: 2000, endpointsPerService: 10, seed: 1, mode });
  for (const f of g.files) {
    let t = performance.now();
    const r = parseText(f.text);
    const parseMs = performance.now() - t;
    t = performance.now();
    const d = checkWorkspace({ sources: [{ source: { id: 'a', name: f.name, format: r.format, text: f.text }, result: r }] });
    console.log(mode, f.name, (f.text.length/1e6).toFixed(1)+'MB', 'parse', parseMs.toFixed(0), 'check', (performance.now() - t).toFixed(0), d.length, 'json', JSON.stringify(r).length/1e6);
  }
}
}, 600000);
