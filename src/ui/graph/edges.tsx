// The graph's edge component (one for all kinds: the kind is a class, styled in graph.css) and the arrow
// markers, declared at module level. Labels (verdict-map keys, IPVS shares) are text, never HTML.
import { memo } from 'react';
import { BaseEdge, EdgeLabelRenderer, getBezierPath, type EdgeProps, type EdgeTypes } from '@xyflow/react';
import { EDGE_KINDS, type FlowEdge } from './flowModel.ts';

export const NfEdge = memo(function NfEdge({ id, sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition, data }: EdgeProps<FlowEdge>) {
  const [path, labelX, labelY] = getBezierPath({ sourceX, sourceY, sourcePosition, targetX, targetY, targetPosition });
  const kind = data?.edge.kind ?? 'jump';
  const lit = data?.lit ?? false;
  return (
    <>
      <BaseEdge id={id} path={path} className={`nf-edge-path nf-edge-path-${kind}${lit ? ' lit' : ''}`} markerEnd={`url(#nf-arrow-${lit ? 'lit' : kind})`} />
      {data?.label ? (
        <EdgeLabelRenderer>
          <div className={`nf-edge-label nf-edge-label-${kind}${lit ? ' lit' : ''}`} style={{ transform: `translate(-50%, -50%) translate(${labelX}px, ${labelY}px)` }}>
            {data.label}
          </div>
        </EdgeLabelRenderer>
      ) : null}
    </>
  );
});

export const edgeTypes: EdgeTypes = { nf: NfEdge };

/** Arrowheads, one per edge kind and one for the lit path; their colours come from the theme's CSS variables. */
export function EdgeMarkers() {
  return (
    <svg className="nf-markers" aria-hidden="true" width="0" height="0">
      <defs>
        {[...EDGE_KINDS.map((k) => k.kind), 'lit'].map((kind) => (
          <marker key={kind} id={`nf-arrow-${kind}`} viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
            <path d="M 0 0 L 10 5 L 0 10 z" className={`nf-marker nf-marker-${kind}`} />
          </marker>
        ))}
      </defs>
    </svg>
  );
}
