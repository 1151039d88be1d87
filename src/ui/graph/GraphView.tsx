// The graph view: tables, chains, sets and hooks of the workspace as a React Flow diagram laid out by ELK in
// a worker, with search, a legend, a minimap, the trace's path lit, and a details panel for the selected
// node. Selection goes both ways with the editor (through the store). Only what is in view is rendered,
// and large dumps start folded into aggregates. Loaded lazily (default export for React.lazy).
import '@xyflow/react/dist/style.css';
import './graph.css';
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { Background, Controls, MiniMap, ReactFlow, ReactFlowProvider, useReactFlow, type NodeChange, type NodeMouseHandler, type Viewport } from '@xyflow/react';
import { selectGraphModel } from '../../store/graphSelectors.ts';
import { selectShownTrace } from '../../store/traceSlice.ts';
import { selectWorkspace } from '../../store/workspaceSelectors.ts';
import { useApp, useAppStore } from '../appStoreContext.tsx';
import { graphPathOf } from '../trace/traceRoute.ts';
import { TraceStrip } from '../trace/TraceStrip.tsx';
import { EdgeMarkers, edgeTypes } from './edges.tsx';
import { toFlowEdges, toFlowNodes, type FlowNode } from './flowModel.ts';
import { GraphSearch } from './GraphSearch.tsx';
import { Legend } from './Legend.tsx';
import { NodeDetails } from './NodeDetails.tsx';
import { nodeTypes } from './nodes.tsx';
import { useGraphLayout } from './useGraphLayout.ts';
import { FIT_PADDING, fittedViewport } from './initialViewport.ts';
import { selectAllSourcesBlank } from '../../store/selectors.ts';

/** The viewport when the view was last shown (tabs unmount it). */
let savedViewport: Viewport | undefined;

const MIN_ZOOM = 0.05;
const MAX_ZOOM = 2.5;

export default function GraphView() {
  return (
    <ReactFlowProvider>
      <GraphCanvas />
    </ReactFlowProvider>
  );
}

function GraphCanvas() {
  const store = useAppStore();
  const model = useApp(selectGraphModel);
  const workspace = useApp(selectWorkspace);
  const theme = useApp((s) => s.theme);
  const selectedId = useApp((s) => s.graphSelectedId);
  const focus = useApp((s) => s.graphFocus);
  const trace = useApp(selectShownTrace);
  const stepIndex = useApp((s) => s.stepIndex);
  const isBlank = useApp(selectAllSourcesBlank);
  const parsing = useApp((s) => s.sources.some((src) => s.parses[src.id]?.result === undefined));
  const errorCount = useApp((s) => s.sources.reduce((n, src) => n + (s.parses[src.id]?.result?.diagnostics.filter((d) => d.severity === 'error').length ?? 0), 0));
  const { laidOut, pending, error } = useGraphLayout(model);
  const [legendOpen, setLegendOpen] = useState(false);
  const rf = useReactFlow();
  const containerRef = useRef<HTMLDivElement>(null);
  const canvasRef = useRef<HTMLDivElement>(null);
  // React Flow is mounted once a layout with nodes is there, with the viewport it opens with: the one the
  // view was left with, or that layout fitted into the canvas. Computed here rather than with React Flow's
  // `fitView`, which fits once the nodes are measured and so overrode, or not, a focus that came first (a
  // search hit, a trace step), depending on timing. The layout of an empty model (the page before its first
  // parse) is no layout to fit; a layout of an older model is (the view shows it until the new one comes).
  const [openingViewport, setOpeningViewport] = useState<Viewport | undefined>(savedViewport);
  const layoutToOpen = laidOut !== undefined && laidOut.model.nodes.length > 0 ? laidOut : undefined;
  useLayoutEffect(() => {
    if (openingViewport || !layoutToOpen) return;
    const canvas = canvasRef.current;
    if (!canvas) return;
    const open = (): boolean => {
      const { width, height } = canvas.getBoundingClientRect();
      if (width <= 0 || height <= 0) return false;
      setOpeningViewport(fittedViewport(Object.values(layoutToOpen.layout.positions), width, height, MIN_ZOOM, MAX_ZOOM));
      return true;
    };
    if (open()) return;
    // Not sized yet (the view is being shown): open as soon as the canvas has a size.
    const observer = new ResizeObserver(() => {
      if (open()) observer.disconnect();
    });
    observer.observe(canvas);
    return () => observer.disconnect();
  }, [openingViewport, layoutToOpen]);

  const path = useMemo(() => (trace && laidOut ? graphPathOf(trace, laidOut.model, workspace) : undefined), [trace, laidOut, workspace]);
  const currentId = path?.stepNodes[stepIndex];

  const nodes = useMemo(
    () => (laidOut ? toFlowNodes(laidOut.model, laidOut.layout, { selectedId, ...(path ? { pathNodes: path.nodeIds, pathEdges: path.edgeIds } : {}), ...(currentId ? { currentId } : {}) }) : []),
    [laidOut, selectedId, path, currentId],
  );
  const edges = useMemo(() => (laidOut ? toFlowEdges(laidOut.model, laidOut.layout, path ? { pathEdges: path.edgeIds } : {}) : []), [laidOut, path]);

  // The trace's current step selects its node. The graph opens as it was left, or on the whole layout with
  // the step lit in it; from then on, each new step is brought into view when it is out of sight.
  const openedOnStep = useRef(false);
  useEffect(() => {
    if (!currentId || !openingViewport) return;
    store.getState().followTraceNode(currentId, openedOnStep.current);
    openedOnStep.current = true;
  }, [currentId, openingViewport, store]);

  // Centre on a node once it is laid out (search hits, selections made elsewhere).
  const handledFocus = useRef(0);
  useEffect(() => {
    if (!focus || !laidOut || !openingViewport || handledFocus.current === focus.serial) return;
    const box = laidOut.layout.positions[focus.nodeId];
    if (!box) return; // not laid out yet: the next layout brings it
    handledFocus.current = focus.serial;
    const el = containerRef.current;
    const { x, y, zoom } = rf.getViewport();
    if (focus.ifHidden && el) {
      const left = -x / zoom;
      const top = -y / zoom;
      const inView = box.x >= left && box.y >= top && box.x + box.width <= left + el.clientWidth / zoom && box.y + box.height <= top + el.clientHeight / zoom;
      // In sight and readable: leave the view alone. Too small to read (a whole big table fitted) counts
      // as hidden, so following a trace zooms in once and then only pans when the path leaves the view.
      if (inView && zoom >= 0.5) return;
    }
    void rf.setCenter(box.x + box.width / 2, box.y + box.height / 2, { zoom: Math.max(zoom, 0.9), duration: 250 });
  }, [focus, laidOut, openingViewport, rf]);

  const onNodeClick: NodeMouseHandler<FlowNode> = useCallback(
    (_event, node) => {
      if (node.type === 'nfAggregate') store.getState().expandAggregate(node.id);
      else store.getState().selectGraphNode(node.id);
    },
    [store],
  );
  // Keyboard selection (Enter on a focused node) arrives as a selection change.
  const onNodesChange = useCallback(
    (changes: NodeChange<FlowNode>[]) => {
      for (const c of changes) {
        if (c.type !== 'select' || !c.selected) continue;
        const node = laidOut?.model.nodes.find((n) => n.id === c.id);
        if (node?.kind === 'aggregate') store.getState().expandAggregate(c.id);
        else if (c.id !== store.getState().graphSelectedId) store.getState().selectGraphNode(c.id);
      }
    },
    [store, laidOut],
  );

  if (isBlank) {
    return (
      <div className="view-empty" role="note">
        <p>
          Paste a ruleset into the editor (<code>nft list ruleset</code>, <code>iptables-save</code>, <code>ipset save</code>, <code>ipvsadm -Ln</code>) to see its
          tables, chains and sets as a graph.
        </p>
      </div>
    );
  }

  const nothing = !parsing && model.nodes.length === 0;
  return (
    <div className="graph-view" ref={containerRef}>
      <div className="view-toolbar" role="toolbar" aria-label="Graph tools">
        <GraphSearch />
        <button type="button" onClick={() => void rf.fitView({ duration: 250, padding: FIT_PADDING })}>
          Zoom to fit
        </button>
        <button type="button" onClick={() => store.getState().collapseAll()} disabled={model.options.expanded.length === 0}>
          Collapse all
        </button>
        <button type="button" aria-pressed={legendOpen} onClick={() => setLegendOpen((o) => !o)}>
          Legend
        </button>
        <span className="view-status" aria-live="polite">
          {error ? `Layout failed: ${error}` : pending || parsing ? 'Laying out…' : `${model.nodes.length} nodes · ${model.edges.length} edges`}
        </span>
      </div>
      {errorCount > 0 && (
        <div className="view-banner warning" role="status">
          The ruleset has {errorCount} {errorCount === 1 ? 'error' : 'errors'}: the graph shows what parsed.
        </div>
      )}
      {nothing ? (
        <div className="view-empty" role="note">
          <p>Nothing to draw: no table, chain, set or IPVS service was found in the input.</p>
        </div>
      ) : (
        <div className="graph-body">
          <div className="graph-canvas" data-testid="graph-canvas" ref={canvasRef}>
            <EdgeMarkers />
            {openingViewport && (
              <ReactFlow
                nodes={nodes}
                edges={edges}
                nodeTypes={nodeTypes}
                edgeTypes={edgeTypes}
                onNodeClick={onNodeClick}
                onNodesChange={onNodesChange}
                onPaneClick={() => store.getState().selectGraphNode(null)}
                onMoveEnd={(_e, viewport) => {
                  savedViewport = viewport;
                }}
                defaultViewport={openingViewport}
                colorMode={theme}
                onlyRenderVisibleElements
                nodesDraggable={false}
                nodesConnectable={false}
                edgesFocusable={false}
                selectionOnDrag={false}
                selectionKeyCode={null}
                multiSelectionKeyCode={null}
                deleteKeyCode={null}
                minZoom={MIN_ZOOM}
                maxZoom={MAX_ZOOM}
                proOptions={{ hideAttribution: true }}
                aria-label="Ruleset graph"
              >
                <Background gap={24} size={1} />
                <Controls showInteractive={false} />
                <MiniMap pannable zoomable ariaLabel="Minimap" nodeClassName={(n) => `nf-mini ${n.className ?? ''}`} />
              </ReactFlow>
            )}
            {legendOpen && <Legend onClose={() => setLegendOpen(false)} />}
          </div>
          <NodeDetails />
        </div>
      )}
      <TraceStrip />
    </div>
  );
}
