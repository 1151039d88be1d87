// Benchmark of the graph core at kube-proxy scale (figures, not a test): builds, searches, locates and lays
// out a workspace of N Services in nftables mode, iptables mode (IR written by src/graph/testing) and IPVS
// mode (ipvsadm -Ln and ipset save from scripts/kubeproxy, read by the real parsers).
//   node bin/run-ts.js scripts/graph/bench.ts [services=10000] [endpoints=3]
import { parseIpset } from '../../src/parse/ipset/index.ts';
import { parseIpvs } from '../../src/parse/ipvs/index.ts';
import { buildGraph } from '../../src/graph/buildGraph.ts';
import { layoutGraph } from '../../src/graph/layout.ts';
import { nodeAtSourceOffset } from '../../src/graph/locate.ts';
import { searchGraph } from '../../src/graph/search.ts';
import { parsedSource, workspaceOf } from '../../src/graph/testing/irText.ts';
import { generatedServices, kubeProxyIptablesNat, kubeProxyNft } from '../../src/graph/testing/kubeProxy.ts';
import { generateKubeProxy } from '../kubeproxy/generate.ts';

const services = Number(process.argv[2] ?? 10_000);
const endpoints = Number(process.argv[3] ?? 3);

function time<T>(label: string, f: () => T): T {
  const start = performance.now();
  const out = f();
  console.log(`${label.padEnd(44)} ${(performance.now() - start).toFixed(0).padStart(6)} ms`);
  return out;
}

async function timeAsync<T>(label: string, f: () => Promise<T>): Promise<T> {
  const start = performance.now();
  const out = await f();
  console.log(`${label.padEnd(44)} ${(performance.now() - start).toFixed(0).padStart(6)} ms`);
  return out;
}

const svc = generatedServices(services, endpoints);
const nft = kubeProxyNft(svc);
const ipt = kubeProxyIptablesNat(svc);
const ipvsDump = generateKubeProxy({ services, endpointsPerService: endpoints, seed: 1, mode: 'ipvs' });
const file = (name: string) => ipvsDump.files.find((f) => f.name === name)?.text ?? '';
const ipvsText = file('ipvsadm-Ln.txt');
const ipsetText = file('ipset-save.txt');
const ipvs = time('parse ipvsadm -Ln + ipset save (real parsers)', () => ({ ipvs: parseIpvs(ipvsText), ipset: parseIpset(ipsetText) }));

const ws = workspaceOf(
  parsedSource('nft', 'nft', nft.text, [nft.table]),
  parsedSource('ipt', 'iptables', ipt.text, [ipt.table]),
  parsedSource('ipvs', 'ipvs', ipvsText, [], ipvs.ipvs.ruleset.ipvs),
  parsedSource('ipset', 'ipset', ipsetText, ipvs.ipset.ruleset.tables),
);
const chains = nft.table.chains.length + ipt.table.chains.length;
const rules = [nft.table, ipt.table].reduce((n, t) => n + t.chains.reduce((m, c) => m + c.rules.length, 0), 0);
console.log(`${services} services × ${endpoints}: ${chains} chains, ${rules} rules, ${ipvs.ipvs.ruleset.ipvs.length} IPVS services`);

let model = time('buildGraph (first)', () => buildGraph(ws));
for (let i = 0; i < 3; i++) model = time('buildGraph', () => buildGraph(ws));
console.log(`model: ${model.nodes.length} nodes, ${model.edges.length} edges, ${JSON.stringify(model).length} bytes of JSON`);
const hits = time('searchGraph 10.96.0.10', () => searchGraph(model, ws, '10.96.0.10'));
time('searchGraph 10.96.0.10 (again)', () => searchGraph(model, ws, '10.96.0.10'));
const offset = nft.text.indexOf('chain endpoint-') + 8;
time('nodeAtSourceOffset (folded chain)', () => nodeAtSourceOffset(model, 'nft', offset, ws));
time('nodeAtSourceOffset (again)', () => nodeAtSourceOffset(model, 'nft', offset, ws));
const expanded = time('buildGraph with a hit revealed', () => buildGraph(ws, { expanded: hits[0]?.expand ?? [] }));
console.log(`revealed model: ${expanded.nodes.length} nodes`);
const layout = await timeAsync('layoutGraph (first: loads elkjs)', () => layoutGraph(model));
await timeAsync('layoutGraph', () => layoutGraph(model));
await timeAsync('layoutGraph revealed, with previous', () => layoutGraph(expanded, { previous: layout }));
