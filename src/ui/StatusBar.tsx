// The status bar, about the source in the editor: the format it is read as (detected, or forced with the
// selector), what the parse found, how many problems, and how long parsing took.
import { FORMATS, isSourceFormat } from '../parse/index.ts';
import { countText } from '../graph/outline.ts';
import { FORMAT_LABEL } from '../store/sourceNames.ts';
import { selectActiveDiagnosticCounts, selectActiveParse, selectActiveSource, selectActiveSummary } from '../store/selectors.ts';
import { useApp, useAppStore } from './appStoreContext.tsx';

export { FORMAT_LABEL };

export function StatusBar({ onShowProblems }: { onShowProblems(): void }) {
  const store = useAppStore();
  const choice = useApp((s) => selectActiveSource(s).formatChoice);
  const sourceId = useApp((s) => s.activeSourceId);
  const parsedFormat = useApp((s) => selectActiveParse(s)?.format);
  const pending = useApp((s) => selectActiveParse(s)?.pending ?? true);
  const durationMs = useApp((s) => selectActiveParse(s)?.durationMs);
  const summary = useApp(selectActiveSummary);
  const counts = useApp(selectActiveDiagnosticCounts);

  return (
    <footer className="status-bar" aria-label="Status">
      <label className="status-item">
        <span className="status-caption">Format</span>
        <select
          aria-label="Format"
          value={choice}
          onChange={(e) => {
            const v = e.currentTarget.value;
            store.getState().setFormatChoice(v === 'auto' ? 'auto' : isSourceFormat(v) ? v : 'auto', sourceId);
          }}
        >
          <option value="auto">Auto-detect{parsedFormat && choice === 'auto' ? ` (${FORMAT_LABEL[parsedFormat]})` : ''}</option>
          {FORMATS.map((f) => (
            <option key={f} value={f}>
              {FORMAT_LABEL[f]}
            </option>
          ))}
        </select>
      </label>
      {summary && (
        <span className="status-item" data-testid="status-counts">
          {[
            countText(summary.tables, 'table'),
            countText(summary.chains, 'chain'),
            countText(summary.rules, 'rule'),
            countText(summary.sets, 'set'),
            countText(summary.maps, 'map'),
            countText(summary.elements, 'element'),
          ].join(' · ')}
          {summary.ipvsServices > 0 ? ` · ${countText(summary.ipvsServices, 'IPVS service')}` : ''}
        </span>
      )}
      {counts && (
        <button type="button" className="status-item status-problems" onClick={onShowProblems} aria-live="polite" data-testid="status-problems">
          <span className={counts.errors > 0 ? 'has-errors' : ''}>{countText(counts.errors, 'error')}</span>
          {' · '}
          <span className={counts.warnings > 0 ? 'has-warnings' : ''}>{countText(counts.warnings, 'warning')}</span>
        </button>
      )}
      <span className="status-item status-time" data-testid="status-time">
        {pending ? 'Parsing…' : durationMs !== undefined ? `Parsed in ${formatMs(durationMs)}` : ''}
      </span>
    </footer>
  );
}

function formatMs(ms: number): string {
  return ms < 10 ? `${ms.toFixed(1)} ms` : `${Math.round(ms).toLocaleString('en-US')} ms`;
}
