// Graph view slice: which aggregates the user opened, which node is selected (and revealed in the editor),
// the latest search and its hits, and requests to centre the view on a node. The model itself is derived
// (graphSelectors.ts). Imports the graph core's search and source mapping, and store modules.
import type { StateCreator } from 'zustand/vanilla';
import { nodeAtSourceOffset, rangeOfNode, searchGraph, type SearchHit } from '../graph/index.ts';
import type { AppState } from './appStore.ts';
import { selectGraphModel } from './graphSelectors.ts';
import { selectWorkspace } from './workspaceSelectors.ts';

export interface GraphFocus {
  readonly nodeId: string;
  /** Increases with every request, so that centring on the same node again centres again. */
  readonly serial: number;
  /** Only when the node is out of sight (following a trace must not make the view jump at every step). */
  readonly ifHidden?: boolean;
}

export interface GraphViewSlice {
  /** Aggregate ids shown expanded (sorted, no duplicates). */
  readonly graphExpanded: readonly string[];
  readonly graphSelectedId: string | null;
  /** The view should centre on this node once it is laid out. */
  readonly graphFocus: GraphFocus | null;
  readonly graphQuery: string;
  /** Hits of the last search (null: no search yet). */
  readonly graphHits: readonly SearchHit[] | null;
  expandAggregate(id: string): void;
  /** Closes an opened aggregate (its members fold back into it). */
  collapseAggregate(id: string): void;
  collapseAll(): void;
  /** Selects a node and reveals where it is written in the editor (switching the editor to its source). */
  selectGraphNode(id: string | null): void;
  /** The editor's cursor moved: select the node that shows the text there (an aggregate when folded). */
  graphSelectAtOffset(sourceId: string, offset: number): void;
  /** Opens what hides `nodeId`, selects it and asks the view to centre on it. */
  focusGraphNode(nodeId: string, expand?: readonly string[]): void;
  setGraphQuery(query: string): void;
  /** Searches names and values (addresses, ports, keys) and focuses the best hit. */
  runGraphSearch(query?: string): void;
  focusSearchHit(hit: SearchHit): void;
  /** The trace's current step is in this node: select it (the editor already shows the step) and, unless
   *  `bringIntoView` is false, centre the view on it when it is out of sight. */
  followTraceNode(nodeId: string, bringIntoView?: boolean): void;
}

function withIds(list: readonly string[], add: readonly string[]): readonly string[] {
  const next = [...new Set([...list, ...add])].sort();
  return next.length === list.length && next.every((id, i) => id === list[i]) ? list : next;
}

export function createGraphViewSlice(): StateCreator<AppState, [], [], GraphViewSlice> {
  return (set, get) => {
    const nextSerial = (): number => (get().graphFocus?.serial ?? 0) + 1;
    /** Editor reveal of a node's text; the editor follows `selection` (origin graph). */
    const revealNode = (id: string): void => {
      const where = rangeOfNode(selectGraphModel(get()), id);
      if (!where) return;
      if (where.sourceId !== get().activeSourceId && get().sources.some((s) => s.id === where.sourceId)) get().setActiveSource(where.sourceId);
      get().revealRange(where.sourceId, where.range, 'graph');
    };
    return {
      graphExpanded: [],
      graphSelectedId: null,
      graphFocus: null,
      graphQuery: '',
      graphHits: null,
      expandAggregate: (id) => set((s) => ({ graphExpanded: withIds(s.graphExpanded, [id]) })),
      collapseAggregate: (id) => {
        // Aggregates opened inside it close with it (their ids would otherwise reopen with it).
        const model = selectGraphModel(get());
        const inside = new Set(model.nodes.filter((n) => n.kind === 'aggregate' && n.within === id).map((n) => n.id));
        const selected = get().graphSelectedId;
        const selectedNode = selected ? model.nodes.find((n) => n.id === selected) : undefined;
        const selectedInside = selectedNode !== undefined && selectedNode.kind !== 'hook' && 'within' in selectedNode && selectedNode.within === id;
        set((s) => ({
          graphExpanded: s.graphExpanded.filter((x) => x !== id && !inside.has(x)),
          ...(selectedInside ? { graphSelectedId: id } : {}),
        }));
      },
      collapseAll: () => set({ graphExpanded: [] }),
      selectGraphNode: (id) => {
        set({ graphSelectedId: id });
        if (id !== null) revealNode(id);
      },
      graphSelectAtOffset: (sourceId, offset) => {
        const model = selectGraphModel(get());
        if (model.nodes.length === 0) return;
        const id = nodeAtSourceOffset(model, sourceId, offset, selectWorkspace(get())) ?? null;
        if (id !== get().graphSelectedId) set({ graphSelectedId: id });
      },
      focusGraphNode: (nodeId, expand = []) => {
        set((s) => ({ graphExpanded: withIds(s.graphExpanded, expand), graphSelectedId: nodeId, graphFocus: { nodeId, serial: nextSerial() } }));
        revealNode(nodeId);
      },
      setGraphQuery: (query) => set({ graphQuery: query }),
      runGraphSearch: (query) => {
        const q = (query ?? get().graphQuery).trim();
        if (query !== undefined) set({ graphQuery: query });
        if (q === '') {
          set({ graphHits: null });
          return;
        }
        const hits = searchGraph(selectGraphModel(get()), selectWorkspace(get()), q);
        set({ graphHits: hits });
        const best = hits[0];
        if (best) get().focusSearchHit(best);
      },
      followTraceNode: (nodeId, bringIntoView = true) => {
        if (get().graphSelectedId === nodeId) return;
        if (!bringIntoView) set({ graphSelectedId: nodeId });
        else set({ graphSelectedId: nodeId, graphFocus: { nodeId, serial: nextSerial(), ifHidden: true } });
      },
      focusSearchHit: (hit) => {
        get().focusGraphNode(hit.nodeId, hit.expand);
        // Show the matching element or rule rather than the whole object.
        if (hit.range && get().sources.some((s) => s.id === hit.sourceId)) get().revealRange(hit.sourceId, hit.range, 'graph');
      },
    };
  };
}
