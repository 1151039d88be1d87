// The problems list under the editor: every diagnostic of the active source with its position, code and
// message; choosing one reveals it in the editor. Long lists are cut (the editor still marks them all).
import { useMemo } from 'react';
import { LineIndex } from '../model/sourceText.ts';
import { selectActiveParse } from '../store/selectors.ts';
import { useApp, useAppStore } from './appStoreContext.tsx';

const MAX_SHOWN = 500;

export function ProblemsList({ open, onToggle }: { open: boolean; onToggle(): void }) {
  const store = useAppStore();
  const diagnostics = useApp((s) => selectActiveParse(s)?.result?.diagnostics);
  const parsedText = useApp((s) => selectActiveParse(s)?.parsedText);
  const sourceId = useApp((s) => s.activeSourceId);
  const items = useMemo(() => {
    if (!diagnostics || diagnostics.length === 0) return [];
    const lines = new LineIndex(parsedText ?? '');
    return diagnostics.slice(0, MAX_SHOWN).map((d) => ({ d, at: lines.lineColOf(d.range.start) }));
  }, [diagnostics, parsedText]);

  if (!diagnostics || diagnostics.length === 0) return null;
  return (
    <section className={`problems${open ? ' open' : ''}`} aria-label="Problems">
      <button type="button" className="problems-header" aria-expanded={open} onClick={onToggle}>
        Problems ({diagnostics.length.toLocaleString('en-US')})
      </button>
      {open && (
        <ul className="problems-list">
          {items.map(({ d, at }, i) => (
            <li key={i}>
              <button
                type="button"
                className={`problem severity-${d.severity}`}
                aria-label={`${d.severity} ${at.line}:${at.column} ${d.code} ${d.message}`}
                onClick={() => store.getState().revealRange(sourceId, d.range, 'problems')}
              >
                <span className="problem-severity">{d.severity}</span>
                <span className="problem-where">
                  {at.line}:{at.column}
                </span>
                <span className="problem-code">{d.code}</span>
                <span className="problem-message">{d.message}</span>
              </button>
            </li>
          ))}
          {diagnostics.length > MAX_SHOWN && <li className="problem-more">and {(diagnostics.length - MAX_SHOWN).toLocaleString('en-US')} more</li>}
        </ul>
      )}
    </section>
  );
}
