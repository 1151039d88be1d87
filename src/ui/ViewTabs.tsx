// The tab container on the right (WAI-ARIA tabs, automatic activation): Outline now, and the graph, pipeline
// and trace views as they are registered in viewRegistry.tsx. The active tab lives in the store (permalinks keep it).
import { useRef, type KeyboardEvent } from 'react';
import { PaneErrorBoundary } from './PaneErrorBoundary.tsx';
import { useApp, useAppStore } from './appStoreContext.tsx';
import { VIEW_TABS } from './viewRegistry.tsx';

export function ViewTabs() {
  const store = useAppStore();
  const stored = useApp((s) => s.activeTab);
  // A tab this build does not have (an older or newer link) shows the first one.
  const active = VIEW_TABS.find((t) => t.id === stored) ?? VIEW_TABS[0]!;
  const listRef = useRef<HTMLDivElement>(null);

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>): void => {
    const index = VIEW_TABS.indexOf(active);
    const next = { ArrowRight: index + 1, ArrowLeft: index - 1, Home: 0, End: VIEW_TABS.length - 1 }[e.key];
    if (next === undefined) return;
    e.preventDefault();
    const tab = VIEW_TABS[(next + VIEW_TABS.length) % VIEW_TABS.length]!;
    store.getState().setActiveTab(tab.id);
    listRef.current?.querySelector<HTMLElement>(`#view-tab-${CSS.escape(tab.id)}`)?.focus();
  };

  return (
    <div className="view-tabs">
      <div className="tab-list" role="tablist" aria-label="Views" ref={listRef} onKeyDown={onKeyDown}>
        {VIEW_TABS.map((tab) => (
          <button
            key={tab.id}
            type="button"
            role="tab"
            id={`view-tab-${tab.id}`}
            aria-selected={tab === active}
            aria-controls={`view-panel-${tab.id}`}
            tabIndex={tab === active ? 0 : -1}
            className="tab"
            onClick={() => store.getState().setActiveTab(tab.id)}
          >
            {tab.label}
          </button>
        ))}
      </div>
      <div className="tab-panel" role="tabpanel" id={`view-panel-${active.id}`} aria-labelledby={`view-tab-${active.id}`}>
        <PaneErrorBoundary key={active.id} name={`${active.label.toLowerCase()} view`}>
          {active.render()}
        </PaneErrorBoundary>
      </div>
    </div>
  );
}
