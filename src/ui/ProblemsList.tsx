// The problems list under the editor: every diagnostic of every source — the parser's own, and the workspace
// checks across sources (legacy and nf_tables on one hook, iptables-nft tables, missing chains and sets) —
// with its source, position, code and message; choosing one shows that source and reveals the place. Long
// lists are cut (the editor still marks them all).
import { useMemo } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { lineIndexOf, type LineIndex } from '../model/sourceText.ts';
import { selectProblems } from '../store/problems.ts';
import { useApp, useAppStore } from './appStoreContext.tsx';
import { groupedNumber } from '../model/numberText.ts';

const MAX_SHOWN = 500;

export function ProblemsList({ open, onToggle }: { open: boolean; onToggle(): void }) {
  const store = useAppStore();
  const problems = useApp(selectProblems);
  // Only what the rows show: typing (which changes the texts, not the parsed texts) does not recompute them.
  const ids = useApp(useShallow((s) => s.sources.map((x) => x.id)));
  const names = useApp(useShallow((s) => s.sources.map((x) => x.name)));
  const parsedTexts = useApp(useShallow((s) => s.sources.map((x) => s.parses[x.id]?.parsedText)));
  const manySources = ids.length > 1;
  const items = useMemo(() => {
    const lines = new Map<string, LineIndex>();
    const position = new Map(ids.map((id, i) => [id, i]));
    return problems.slice(0, MAX_SHOWN).map((p) => {
      const i = position.get(p.sourceId) ?? -1;
      let index = lines.get(p.sourceId);
      if (!index) lines.set(p.sourceId, (index = lineIndexOf(parsedTexts[i] ?? '')));
      return { p, at: index.lineColOf(p.diagnostic.range.start), source: names[i] ?? '' };
    });
  }, [problems, ids, names, parsedTexts]);

  if (problems.length === 0) return null;
  return (
    <section className={`problems${open ? ' open' : ''}`} aria-label="Problems">
      <button type="button" className="problems-header" aria-expanded={open} onClick={onToggle}>
        Problems ({groupedNumber(problems.length)})
      </button>
      {open && (
        <ul className="problems-list">
          {items.map(({ p, at, source }, i) => {
            const d = p.diagnostic;
            return (
              <li key={i}>
                <button
                  type="button"
                  className={`problem severity-${d.severity}${p.origin === 'workspace' ? ' from-workspace' : ''}`}
                  aria-label={`${d.severity} ${at.line}:${at.column} ${d.code} ${d.message} in ${source}`}
                  onClick={() => store.getState().revealRange(p.sourceId, d.range, 'problems')}
                >
                  <span className="problem-severity">{d.severity}</span>
                  {manySources && <span className="problem-source">{source}</span>}
                  <span className="problem-where">
                    {at.line}:{at.column}
                  </span>
                  <span className="problem-code">{d.code}</span>
                  <span className="problem-message">{d.message}</span>
                </button>
              </li>
            );
          })}
          {problems.length > MAX_SHOWN && <li className="problem-more">and {groupedNumber(problems.length - MAX_SHOWN)} more</li>}
        </ul>
      )}
    </section>
  );
}
