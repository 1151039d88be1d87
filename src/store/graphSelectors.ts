// The graph model and the hook pipeline, derived from the store by memoised pure functions (never stored):
// the model is rebuilt only when the workspace or the set of opened aggregates changes. Imports the graph
// core and store selectors.
import { buildGraph, buildPipeline, type GraphModel, type PipelineFamily, type PipelineModel } from '../graph/index.ts';
import type { Workspace } from '../model/ir.ts';
import type { AppState } from './appStore.ts';
import { selectWorkspace } from './workspaceSelectors.ts';

let lastModel: { workspace: Workspace; expanded: readonly string[]; model: GraphModel } | undefined;

export function selectGraphModel(s: AppState): GraphModel {
  const workspace = selectWorkspace(s);
  if (lastModel && lastModel.workspace === workspace && lastModel.expanded === s.graphExpanded) return lastModel.model;
  const model = buildGraph(workspace, { expanded: s.graphExpanded });
  lastModel = { workspace, expanded: s.graphExpanded, model };
  return model;
}

const pipelineCache = new WeakMap<Workspace, Map<PipelineFamily, PipelineModel>>();

export function pipelineOf(workspace: Workspace, family: PipelineFamily): PipelineModel {
  let byFamily = pipelineCache.get(workspace);
  if (!byFamily) pipelineCache.set(workspace, (byFamily = new Map()));
  let model = byFamily.get(family);
  if (!model) byFamily.set(family, (model = buildPipeline(workspace, family)));
  return model;
}

/** The families the workspace has hooks for, in the order the pipeline picker offers them. */
export function pipelineFamiliesOf(workspace: Workspace): PipelineFamily[] {
  const families = new Set<string>();
  for (const s of workspace.sources) for (const t of s.result.ruleset.tables) families.add(t.family);
  if (workspace.sources.some((s) => s.result.ruleset.ipvs.length > 0)) families.add('ip');
  const out: PipelineFamily[] = [];
  const onlyInet = families.has('inet') && !families.has('ip') && !families.has('ip6');
  if (onlyInet) out.push('inet');
  else {
    if (families.has('ip') || families.has('inet') || families.size === 0) out.push('ip');
    if (families.has('ip6') || families.has('inet')) out.push('ip6');
  }
  for (const f of ['bridge', 'netdev', 'arp'] as const) if (families.has(f)) out.push(f);
  return out;
}
