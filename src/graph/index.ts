// Public surface of the graph core: IR → graph model, hook pipeline, search and source mapping, layout.
// Framework-free; the UI builds React Flow nodes from these plain objects.
export * from './types.ts';
export { buildGraph, resolveGraphOptions, DEFAULT_GRAPH_OPTIONS, MAX_KEYS, MAX_REFS, ipvsServiceLabel } from './buildGraph.ts';
export { buildPipeline, pipelineRouteOf, type PipelineEntry, type PipelineEntryKind, type PipelineFamily, type PipelineModel, type PipelinePath, type PipelineStage, type PipelineRoute, type RouteStep } from './pipeline.ts';
export { searchGraph, type SearchHit } from './search.ts';
export { nodeAtSourceOffset, rangeOfNode, reveal, type Revealed } from './locate.ts';
export { layoutGraph, relativePositions, GROUP_HEADER, GROUP_PADDING } from './layout.ts';
export { estimateNodeSize } from './nodeSize.ts';
export { createLayoutClient, handleLayoutMessage, type LayoutClient, type LayoutRequest, type LayoutResponse, type MessageEndpoint } from './layoutProtocol.ts';
export { HOOK_ORDER, NAT_CORE_POSITION } from './hooks.ts';
export { prepareGraphSteps } from './prepare.ts';
