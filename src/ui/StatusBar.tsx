// The status bar, about the source in the editor: the format it is read as (detected, or forced with the
// selector), what the parse found, how many problems, and how long parsing took.
import { FORMATS, isSourceFormat } from '../parse/index.ts';
import { countText } from '../graph/outline.ts';
import { FORMAT_LABEL } from '../store/sourceNames.ts';
import { selectActiveDiagnosticCounts, selectActiveParse, selectActiveSource, selectActiveSummary } from '../store/selectors.ts';
import { useEffect, useState } from 'react';
import type { ParsePhase } from '../store/parseClient.ts';
import { useApp, useAppStore } from './appStoreContext.tsx';
import { groupedNumber } from '../model/numberText.ts';

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
      <ParseProgressItem sourceId={sourceId} pending={pending} durationMs={durationMs} />
    </footer>
  );
}

/** A parse that runs this long gets a Cancel button (a big paste; small ones finish before it shows). */
const CANCEL_AFTER_MS = 800;

/** How long the parse has been running, what it is doing, and a way out of a huge one. */
function ParseProgressItem({ sourceId, pending, durationMs }: { sourceId: string; pending: boolean; durationMs: number | undefined }) {
  const store = useAppStore();
  const phase = useApp((s) => selectActiveParse(s)?.phase);
  const fraction = useApp((s) => selectActiveParse(s)?.fraction);
  const cancelled = useApp((s) => selectActiveParse(s)?.cancelled ?? false);
  const size = useApp((s) => selectActiveSource(s).text.length);
  const elapsedMs = useElapsed(pending);
  if (cancelled) {
    return (
      <span className="status-item status-time" data-testid="status-time">
        Parsing cancelled ({formatSize(size)})
        <button type="button" onClick={() => store.getState().requestParse(sourceId)}>
          Parse again
        </button>
      </span>
    );
  }
  if (!pending) {
    return (
      <span className="status-item status-time" data-testid="status-time">
        {durationMs !== undefined ? `Parsed in ${formatMs(durationMs)}` : ''}
      </span>
    );
  }
  const long = elapsedMs >= CANCEL_AFTER_MS;
  return (
    <span className="status-item status-time" data-testid="status-time" role="status">
      {long ? `Parsing ${formatSize(size)}… ${phase ? `${PHASE_TEXT[phase]}${fraction !== undefined ? ` ${Math.floor(fraction * 100)} %` : ''} · ` : ''}${Math.floor(elapsedMs / 1000)} s` : 'Parsing…'}
      {long && (
        <button type="button" onClick={() => store.getState().cancelParse(sourceId)}>
          Cancel
        </button>
      )}
    </span>
  );
}

const PHASE_TEXT: Readonly<Record<ParsePhase, string>> = {
  detecting: 'detecting the format',
  parsing: 'parsing',
  checking: 'checking',
  receiving: 'receiving',
  preparing: 'preparing the views',
};

/** Milliseconds since `running` became true (0 while false), ticking a few times a second. */
function useElapsed(running: boolean): number {
  const [elapsed, setElapsed] = useState(0);
  useEffect(() => {
    setElapsed(0);
    if (!running) return;
    const started = performance.now();
    const timer = setInterval(() => setElapsed(performance.now() - started), 250);
    return () => clearInterval(timer);
  }, [running]);
  return elapsed;
}

function formatSize(chars: number): string {
  return chars >= 1024 * 1024 ? `${(chars / (1024 * 1024)).toFixed(1)} MB` : chars >= 1024 ? `${Math.round(chars / 1024)} kB` : `${chars} characters`;
}

function formatMs(ms: number): string {
  return ms < 10 ? `${ms.toFixed(1)} ms` : `${groupedNumber(Math.round(ms))} ms`;
}
