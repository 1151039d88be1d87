// Top-level layout of the page: header; on the left the sources panel, the editor and the problems; on the
// right the view tabs (Outline, and the other views as they are registered); status bar. Owns the page's
// store, keeps the document's theme in step with it, saves the workspace in this browser, opens links.
import { lazy, Suspense, useEffect, useState } from 'react';
import type { AppStore } from '../store/appStore.ts';
import { AppStoreProvider, createBrowserStore, useApp, useAppStore } from './appStoreContext.tsx';
import { ConfirmProvider } from './Confirm.tsx';
import { Header } from './Header.tsx';
import { Notices } from './Notices.tsx';
import { PaneErrorBoundary } from './PaneErrorBoundary.tsx';
import { ProblemsList } from './ProblemsList.tsx';
import { SplitPane } from './SplitPane.tsx';
import { StatusBar } from './StatusBar.tsx';
import { ViewTabs } from './ViewTabs.tsx';
import { FileDrop } from './sources/FileDrop.tsx';
import { SourcesPanel } from './sources/SourcesPanel.tsx';
import { browserBackends } from './share/session.ts';
import { defaultStartup, type Startup } from './share/startup.ts';
import { noticeOfStartup } from './share/startupNotice.ts';
import { useSessionAutosave } from './share/useAutosave.ts';
import { useHashLinks } from './share/useHashLinks.ts';

// Monaco is a large chunk: loaded after first paint.
const SourceEditor = lazy(() => import('./editor/SourceEditor.tsx'));

let pageStore: AppStore | undefined;
/** One store per page (StrictMode renders twice; the store and its worker must not be made twice). */
function getPageStore(startup: Startup): AppStore {
  if (!pageStore) {
    pageStore = createBrowserStore(startup);
    if (startup.notice) pageStore.getState().notify(noticeOfStartup(startup.notice, pageStore));
  }
  return pageStore;
}

const backends = browserBackends();

export function App({ startup = defaultStartup(), store = getPageStore(startup) }: { startup?: Startup; store?: AppStore }) {
  return (
    <AppStoreProvider store={store}>
      <ConfirmProvider>
        <PaneErrorBoundary name="page">
          <Page />
        </PaneErrorBoundary>
      </ConfirmProvider>
    </AppStoreProvider>
  );
}

function Page() {
  const store = useAppStore();
  useDocumentTheme();
  useSessionAutosave(store, backends);
  useHashLinks(store);
  const [problemsOpen, setProblemsOpen] = useState(true);
  return (
    <div className="app">
      <PaneErrorBoundary name="header">
        <Header />
      </PaneErrorBoundary>
      <main className="app-main">
        <SplitPane
          label="Resize editor and views"
          left={
            <section className="pane editor-pane" aria-label="Source">
              <PaneErrorBoundary name="sources panel">
                <SourcesPanel />
              </PaneErrorBoundary>
              <PaneErrorBoundary name="editor">
                <Suspense fallback={<div className="editor-loading">Loading editor…</div>}>
                  <SourceEditor />
                </Suspense>
              </PaneErrorBoundary>
              <PaneErrorBoundary name="problems list">
                <ProblemsList open={problemsOpen} onToggle={() => setProblemsOpen((o) => !o)} />
              </PaneErrorBoundary>
            </section>
          }
          right={
            <section className="pane views-pane" aria-label="Views">
              <ViewTabs />
            </section>
          }
        />
      </main>
      <PaneErrorBoundary name="status bar">
        <StatusBar onShowProblems={() => setProblemsOpen(true)} />
      </PaneErrorBoundary>
      <Notices />
      <FileDrop />
    </div>
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
