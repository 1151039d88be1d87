// The right-hand side: Outline, Graph, Trace and Pipeline as tabs (WAI-ARIA tabs: arrow keys move between
// them). The graph view (React Flow) is a lazy chunk; each view has its own error boundary.
import { lazy, Suspense, useRef, type KeyboardEvent, type ReactNode } from 'react';
import type { RightTab } from '../store/appStore.ts';
import { useApp, useAppStore } from './appStoreContext.tsx';
import { Outline } from './Outline.tsx';
import { PaneErrorBoundary } from './PaneErrorBoundary.tsx';
import { TraceView } from './trace/TraceView.tsx';
import { PipelineView } from './pipeline/PipelineView.tsx';
import './views.css';

const GraphView = lazy(() => import('./graph/GraphView.tsx'));

const TABS: readonly { id: RightTab; label: string }[] = [
  { id: 'outline', label: 'Outline' },
  { id: 'graph', label: 'Graph' },
  { id: 'trace', label: 'Trace' },
  { id: 'pipeline', label: 'Pipeline' },
];

export function RightTabs() {
  const store = useAppStore();
  const active = useApp((s) => s.rightTab);
  const tabRefs = useRef<Record<string, HTMLButtonElement | null>>({});

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    const i = TABS.findIndex((t) => t.id === active);
    const next = { ArrowRight: i + 1, ArrowLeft: i - 1, Home: 0, End: TABS.length - 1 }[e.key];
    if (next === undefined) return;
    e.preventDefault();
    const tab = TABS[(next + TABS.length) % TABS.length]!;
    store.getState().setRightTab(tab.id);
    tabRefs.current[tab.id]?.focus();
  };

  let panel: ReactNode;
  switch (active) {
    case 'outline':
      panel = <Outline />;
      break;
    case 'graph':
      panel = (
        <Suspense fallback={<div className="view-loading">Loading the graph…</div>}>
          <GraphView />
        </Suspense>
      );
      break;
    case 'trace':
      panel = <TraceView />;
      break;
    case 'pipeline':
      panel = <PipelineView />;
      break;
  }

  return (
    <div className="right-tabs">
      <div className="tab-list" role="tablist" aria-label="Views" onKeyDown={onKeyDown}>
        {TABS.map((t) => (
          <button
            key={t.id}
            ref={(el) => {
              tabRefs.current[t.id] = el;
            }}
            type="button"
            role="tab"
            id={`tab-${t.id}`}
            aria-selected={t.id === active}
            aria-controls={`panel-${t.id}`}
            tabIndex={t.id === active ? 0 : -1}
            className="tab"
            onClick={() => store.getState().setRightTab(t.id)}
          >
            {t.label}
          </button>
        ))}
      </div>
      <div className="tab-panel" role="tabpanel" id={`panel-${active}`} aria-labelledby={`tab-${active}`}>
        <PaneErrorBoundary key={active} name={`${TABS.find((t) => t.id === active)?.label.toLowerCase() ?? active} view`}>
          {panel}
        </PaneErrorBoundary>
      </div>
    </div>
  );
}
