// Child task: the graph core on a kube-proxy dump of one proxy mode: buildGraph and layoutGraph (ELK) the
// first time and again, a search for a ClusterIP, and the node under the editor cursor.
import { buildGraph, layoutGraph, nodeAtSourceOffset, searchGraph } from '../../src/graph/index.ts';
import { median } from './stats.ts';
import { loadWorkspace } from './workspace.ts';

export interface GraphMeasurement {
  readonly rules: number;
  readonly nodes: number;
  readonly edges: number;
  readonly buildFirstMs: number;
  readonly buildMs: number;
  /** The first layout also loads elkjs. */
  readonly layoutFirstMs: number;
  readonly layoutMs: number;
  readonly searchFirstMs: number;
  readonly searchMs: number;
  readonly searchHits: number;
  readonly locateFirstMs: number;
  readonly locateMs: number;
}

async function timed<T>(f: () => T | Promise<T>): Promise<[T, number]> {
  const start = performance.now();
  const out = await f();
  return [out, performance.now() - start];
}

export async function measureGraph(mode: string, dumpDir: string): Promise<GraphMeasurement> {
  const { workspace, services, rules } = loadWorkspace(mode, dumpDir);
  const [model, buildFirstMs] = await timed(() => buildGraph(workspace));
  const builds: number[] = [];
  for (let i = 0; i < 3; i++) builds.push((await timed(() => buildGraph(workspace)))[1]);
  const [, layoutFirstMs] = await timed(() => layoutGraph(model));
  const layouts: number[] = [];
  for (let i = 0; i < 2; i++) layouts.push((await timed(() => layoutGraph(model)))[1]);
  // A ClusterIP in the middle of the dump, then other ones (the index, if any, is built by the first).
  const query = (i: number): string => services[Math.floor(((i + 1) * services.length) / 7) % services.length]!.clusterIP;
  const [hits, searchFirstMs] = await timed(() => searchGraph(model, workspace, query(2)));
  const searches: number[] = [];
  for (let i = 3; i < 6; i++) searches.push((await timed(() => searchGraph(model, workspace, query(i))))[1]);
  const source = workspace.sources[0]!;
  const offsetAt = (fraction: number): number => Math.floor(source.source.text.length * fraction);
  const [, locateFirstMs] = await timed(() => nodeAtSourceOffset(model, source.source.id, offsetAt(0.5), workspace));
  const locates: number[] = [];
  for (const f of [0.3, 0.6, 0.9]) locates.push((await timed(() => nodeAtSourceOffset(model, source.source.id, offsetAt(f), workspace)))[1]);
  return {
    rules,
    nodes: model.nodes.length,
    edges: model.edges.length,
    buildFirstMs,
    buildMs: median(builds),
    layoutFirstMs,
    layoutMs: median(layouts),
    searchFirstMs,
    searchMs: median(searches),
    searchHits: hits.length,
    locateFirstMs,
    locateMs: median(locates),
  };
}
