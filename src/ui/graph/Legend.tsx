// The graph's legend: one sample line per edge kind, drawn with the same classes as the edges, and the node
// shapes. Text only.
import { EDGE_KINDS } from './flowModel.ts';

export function Legend({ onClose }: { onClose(): void }) {
  return (
    <section className="graph-legend" aria-label="Legend">
      <div className="graph-legend-head">
        <strong>Legend</strong>
        <button type="button" onClick={onClose} aria-label="Close the legend">
          ×
        </button>
      </div>
      <ul>
        {EDGE_KINDS.map((k) => (
          <li key={k.kind} title={k.description}>
            <svg width="44" height="10" aria-hidden="true">
              <line x1="2" y1="5" x2="34" y2="5" className={`nf-edge-path nf-edge-path-${k.kind}`} markerEnd={`url(#nf-arrow-${k.kind})`} />
            </svg>
            <span>{k.label}</span>
          </li>
        ))}
        <li>
          <svg width="44" height="10" aria-hidden="true">
            <line x1="2" y1="5" x2="34" y2="5" className="nf-edge-path lit" markerEnd="url(#nf-arrow-lit)" />
          </svg>
          <span>the traced packet’s path</span>
        </li>
      </ul>
      <ul className="graph-legend-nodes">
        <li>
          <span className="legend-swatch nf-base" /> base chain (on a hook)
        </li>
        <li>
          <span className="legend-swatch nf-chain" /> regular chain
        </li>
        <li>
          <span className="legend-swatch nf-set" /> set / map / verdict map
        </li>
        <li>
          <span className="legend-swatch nf-aggregate" /> group of similar chains or sets: click to open
        </li>
      </ul>
    </section>
  );
}
