// The views on the right of the page, as tabs. To add a view, add an entry here (its `id` is what the store's
// `activeTab` and permalinks hold; keep ids stable). Panels are mounted only while their tab is shown.
import { lazy, Suspense, type ReactNode } from 'react';
import { Outline } from './Outline.tsx';
import { PipelineView } from './pipeline/PipelineView.tsx';
import { TraceView } from './trace/TraceView.tsx';
import './views.css';

// React Flow and ELK's client are a chunk of their own, loaded when the graph is first shown.
const GraphView = lazy(() => import('./graph/GraphView.tsx'));

export interface ViewTab {
  readonly id: string;
  readonly label: string;
  render(): ReactNode;
}

export const VIEW_TABS: readonly ViewTab[] = [
  { id: 'outline', label: 'Outline', render: () => <Outline /> },
  {
    id: 'graph',
    label: 'Graph',
    render: () => (
      <Suspense fallback={<div className="view-loading">Loading the graph…</div>}>
        <GraphView />
      </Suspense>
    ),
  },
  { id: 'trace', label: 'Trace', render: () => <TraceView /> },
  { id: 'pipeline', label: 'Pipeline', render: () => <PipelineView /> },
];
