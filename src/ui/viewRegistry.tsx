// The views on the right of the page, as tabs (ViewTabs.tsx draws them). Imports the view components only.
//
// To add a view, add one entry, e.g. `{ id: 'graph', label: 'Graph', render: () => <GraphView /> }`:
//  - `id` is what the store's `activeTab` (setActiveTab) and permalinks/sessions hold: keep it stable, lower
//    case; a link naming an id this build lacks opens the first tab. Intended ids: 'graph', 'trace', 'pipeline'.
//  - the order here is the order of the tabs; the first is the default.
//  - `render` runs inside an error boundary (a crashing view shows its error, the page stays) and only while
//    the tab is shown: the panel unmounts on a switch, so state that must survive (zoom, selection, packet)
//    belongs in the store, not in component state. The panel fills the pane (a flex column); scroll inside.
//  - to show a view from elsewhere (e.g. "Trace this packet"), call `store.getState().setActiveTab('trace')`.
import type { ReactNode } from 'react';
import { Outline } from './Outline.tsx';

export interface ViewTab {
  readonly id: string;
  readonly label: string;
  render(): ReactNode;
}

export const VIEW_TABS: readonly ViewTab[] = [
  { id: 'outline', label: 'Outline', render: () => <Outline /> },
];
