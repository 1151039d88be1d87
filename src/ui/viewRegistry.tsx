// The views on the right of the page, as tabs. To add a view, add an entry here (its `id` is what the store's
// `activeTab` and permalinks hold; keep ids stable). Panels are mounted only while their tab is shown.
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
