// Search box of the graph: names and values (addresses, CIDRs, ports, `a . b . c` keys) through the graph
// core's searchGraph. Enter centres the best hit (opening the aggregates that hide it); the other hits are
// listed to pick from.
import { useState } from 'react';
import { useApp, useAppStore } from '../appStoreContext.tsx';

const REASON: Readonly<Record<string, string>> = { name: 'name', element: 'set element', rule: 'rule', target: 'handles it', ipvs: 'IPVS' };
const SHOWN = 12;

export function GraphSearch() {
  const store = useAppStore();
  const query = useApp((s) => s.graphQuery);
  const hits = useApp((s) => s.graphHits);
  const [open, setOpen] = useState(false);

  return (
    <form
      className="graph-search"
      role="search"
      onSubmit={(e) => {
        e.preventDefault();
        store.getState().runGraphSearch();
        setOpen(true);
      }}
    >
      <input
        type="search"
        aria-label="Search the graph"
        placeholder="Find a chain, set, IP, port…"
        value={query}
        onChange={(e) => store.getState().setGraphQuery(e.currentTarget.value)}
        onKeyDown={(e) => {
          if (e.key === 'Escape') setOpen(false);
        }}
      />
      <button type="submit">Find</button>
      {open && hits !== null && (
        <div className="graph-hits" role="region" aria-label="Search results">
          <div className="graph-hits-head">
            <span>{hits.length === 0 ? 'No match' : `${hits.length} ${hits.length === 1 ? 'match' : 'matches'}`}</span>
            <button type="button" aria-label="Close the results" onClick={() => setOpen(false)}>
              ×
            </button>
          </div>
          <ul>
            {hits.slice(0, SHOWN).map((hit, i) => (
              <li key={`${hit.nodeId}:${i}`}>
                <button type="button" className="graph-hit" onClick={() => store.getState().focusSearchHit(hit)}>
                  <span className="graph-hit-text">{hit.text}</span>
                  <span className="graph-hit-reason">{REASON[hit.reason] ?? hit.reason}</span>
                </button>
              </li>
            ))}
          </ul>
          {hits.length > SHOWN && <div className="graph-hits-more">{hits.length - SHOWN} more: refine the search</div>}
        </div>
      )}
    </form>
  );
}
