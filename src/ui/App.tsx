// Top-level layout of the page: header, editor (left) and outline (right) in resizable panes, status bar.
// Owns the page's store and keeps the document's theme in step with it.
import { lazy, Suspense, useEffect, useState } from 'react';
import type { AppStore } from '../store/appStore.ts';
import { AppStoreProvider, createBrowserStore, EXAMPLE_NAME, exampleText, useApp, useAppStore } from './appStoreContext.tsx';
import { RightTabs } from './RightTabs.tsx';
import { PaneErrorBoundary } from './PaneErrorBoundary.tsx';
import { ProblemsList } from './ProblemsList.tsx';
import { SplitPane } from './SplitPane.tsx';
import { StatusBar } from './StatusBar.tsx';

// Monaco is a large chunk: loaded after first paint.
const SourceEditor = lazy(() => import('./editor/SourceEditor.tsx'));

let pageStore: AppStore | undefined;
/** One store per page (StrictMode renders twice; the store and its worker must not be made twice). */
function getPageStore(): AppStore {
  pageStore ??= createBrowserStore();
  return pageStore;
}

export function App({ store = getPageStore() }: { store?: AppStore }) {
  return (
    <AppStoreProvider store={store}>
      <PaneErrorBoundary name="page">
        <Page />
      </PaneErrorBoundary>
    </AppStoreProvider>
  );
}

function Page() {
  useDocumentTheme();
  const [problemsOpen, setProblemsOpen] = useState(true);
  // One editor per source: switching sources (a graph node or trace step in another one) opens its own.
  const activeSourceId = useApp((s) => s.activeSourceId);
  return (
    <div className="app">
      <Header />
      <main className="app-main">
        <SplitPane
          label="Resize editor and outline"
          left={
            <section className="pane editor-pane" aria-label="Source">
              <PaneErrorBoundary name="editor">
                <Suspense fallback={<div className="editor-loading">Loading editor…</div>}>
                  <SourceEditor key={activeSourceId} />
                </Suspense>
              </PaneErrorBoundary>
              <PaneErrorBoundary name="problems list">
                <ProblemsList open={problemsOpen} onToggle={() => setProblemsOpen((o) => !o)} />
              </PaneErrorBoundary>
            </section>
          }
          right={
            <section className="pane outline-pane" aria-label="Views pane">
              <RightTabs />
            </section>
          }
        />
      </main>
      <PaneErrorBoundary name="status bar">
        <StatusBar onShowProblems={() => setProblemsOpen(true)} />
      </PaneErrorBoundary>
    </div>
  );
}

function Header() {
  const store = useAppStore();
  const theme = useApp((s) => s.theme);
  return (
    <header className="app-header">
      <h1>nflens</h1>
      <span className="tagline">see and trace netfilter rulesets</span>
      <div className="header-actions">
        <button type="button" onClick={() => store.getState().loadText(exampleText, EXAMPLE_NAME)}>
          Load example
        </button>
        <button type="button" onClick={() => store.getState().loadText('', 'pasted ruleset')}>
          Clear
        </button>
        <button type="button" aria-pressed={theme === 'dark'} onClick={() => store.getState().toggleTheme()}>
          Dark theme
        </button>
      </div>
    </header>
  );
}

/** Puts the theme on <html> (CSS variables key on it) and follows `prefers-color-scheme` until the user picks. */
function useDocumentTheme(): void {
  const store = useAppStore();
  const theme = useApp((s) => s.theme);
  useEffect(() => {
    document.documentElement.dataset.theme = theme;
    document.documentElement.style.colorScheme = theme;
  }, [theme]);
  useEffect(() => {
    if (typeof matchMedia !== 'function') return;
    const query = matchMedia('(prefers-color-scheme: dark)');
    const onChange = () => store.getState().setSystemTheme(query.matches ? 'dark' : 'light');
    query.addEventListener('change', onChange);
    return () => query.removeEventListener('change', onChange);
  }, [store]);
}
