// The details of the selected graph node beside the diagram: what it is, its detail lines, and for chains
// every rule (big chains only show a count inside the node: here they open in full), for aggregates their
// members and an Expand button, for opened members a Fold button. Rule texts are slices of the source,
// shown as text; clicking one reveals it in the editor.
import { useMemo, useState } from 'react';
import type { Chain, SourceRange } from '../../model/ir.ts';
import { selectGraphModel } from '../../store/graphSelectors.ts';
import { selectWorkspace } from '../../store/workspaceSelectors.ts';
import { useApp, useAppStore } from '../appStoreContext.tsx';

const FIRST_RULES = 200;
const MAX_RULES = 5000;

export function NodeDetails() {
  const store = useAppStore();
  const model = useApp(selectGraphModel);
  const workspace = useApp(selectWorkspace);
  const selectedId = useApp((s) => s.graphSelectedId);
  const [showAll, setShowAll] = useState<string | null>(null);

  const node = selectedId ? model.nodes.find((n) => n.id === selectedId) : undefined;
  const group = selectedId && !node ? model.groups.find((g) => g.id === selectedId) : undefined;

  const chain = useMemo(() => {
    if (!node || (node.kind !== 'chain' && node.kind !== 'base-chain') || node.sourceId === undefined) return undefined;
    const source = workspace.sources.find((s) => s.source.id === node.sourceId);
    const table = source?.result.ruleset.tables.find((t) => t.family === node.family && t.name === node.table);
    const c: Chain | undefined = table?.chains.find((x) => x.name === node.name);
    return c && source ? { chain: c, text: source.source.text, sourceId: source.source.id } : undefined;
  }, [node, workspace]);

  if (!node && !group) {
    return (
      <aside className="node-details empty" aria-label="Details">
        <p>Select a node to see its rules and where it is written. Click a group (⊞) to open it.</p>
      </aside>
    );
  }
  if (group) {
    return (
      <aside className="node-details" aria-label="Details">
        <h2 className="node-details-title">{group.label}</h2>
        {group.detail.map((d, i) => (
          <p key={i} className="node-details-line">
            {d}
          </p>
        ))}
      </aside>
    );
  }
  if (!node) return null;
  const within = 'within' in node ? node.within : undefined;
  const reveal = (range: SourceRange | undefined, sourceId: string) => {
    if (!range) return;
    if (store.getState().activeSourceId !== sourceId) store.getState().setActiveSource(sourceId);
    store.getState().revealRange(sourceId, range, 'graph');
  };
  const rules = chain?.chain.rules ?? [];
  const limit = showAll === node.id ? MAX_RULES : FIRST_RULES;

  return (
    <aside className="node-details" aria-label="Details">
      <h2 className="node-details-title">{node.label}</h2>
      <p className="node-details-kind">{node.kind === 'base-chain' ? 'base chain' : node.kind}</p>
      {node.detail.map((d, i) => (
        <p key={i} className="node-details-line">
          {d}
        </p>
      ))}
      {(node.kind === 'chain' || node.kind === 'base-chain') && node.comment && <p className="node-details-comment">{node.comment}</p>}
      {node.kind === 'aggregate' && (
        <>
          <button type="button" onClick={() => store.getState().expandAggregate(node.id)}>
            Expand {node.count} {node.of === 'chain' ? 'chains' : node.of === 'set' ? 'sets' : 'entries'}
          </button>
          <ul className="node-details-members">
            {node.sample.map((name) => (
              <li key={name}>{name}</li>
            ))}
            {node.count > node.sample.length && <li>… {node.count - node.sample.length} more</li>}
          </ul>
        </>
      )}
      {within !== undefined && (
        <button type="button" onClick={() => store.getState().collapseAggregate(within)}>
          Fold this group again
        </button>
      )}
      {chain && rules.length > 0 && (
        <>
          <h3 className="node-details-sub">
            {rules.length} {rules.length === 1 ? 'rule' : 'rules'}
          </h3>
          <ol className="node-details-rules">
            {rules.slice(0, limit).map((rule, i) => (
              <li key={i}>
                <button type="button" className="rule-link" onClick={() => reveal(rule.range, chain.sourceId)}>
                  {rule.range ? chain.text.slice(rule.range.start, rule.range.end) : `rule ${i + 1}`}
                </button>
              </li>
            ))}
          </ol>
          {rules.length > limit && (
            <button type="button" onClick={() => setShowAll(node.id)} disabled={limit === MAX_RULES}>
              {limit === MAX_RULES ? `First ${MAX_RULES} shown` : `Show ${Math.min(rules.length, MAX_RULES) - limit} more`}
            </button>
          )}
        </>
      )}
    </aside>
  );
}
