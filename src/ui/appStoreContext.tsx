// Binds the framework-free app store to React: one store per page, given through context, and `useApp`
// to select the smallest value a component needs. Imports the store and the browser parse and eval clients.
import { createContext, useContext, type ReactNode } from 'react';
import { useStore } from 'zustand';
import { createAppStore, type AppState, type AppStore } from '../store/appStore.ts';
import { createWorkerParseClient } from './workerParseClient.ts';
import { createWorkerEvalClient } from './trace/workerEvalClient.ts';
import { suggestedPacketsOf } from './workspaceActions.ts';
import type { Startup } from './share/startup.ts';

const AppStoreContext = createContext<AppStore | null>(null);

export function AppStoreProvider({ store, children }: { store: AppStore; children: ReactNode }) {
  return <AppStoreContext.Provider value={store}>{children}</AppStoreContext.Provider>;
}

export function useAppStore(): AppStore {
  const store = useContext(AppStoreContext);
  if (!store) throw new Error('useAppStore outside AppStoreProvider');
  return store;
}

/** Selects one value from the store; the component re-renders only when that value changes. */
export function useApp<T>(selector: (state: AppState) => T): T {
  return useStore(useAppStore(), selector);
}

/** The page's store: parses in a worker, opens the startup workspace, follows the system colour scheme. */
export function createBrowserStore(startup: Startup): AppStore {
  const { snapshot, origin } = startup;
  // The client asks which view is shown (to prepare it first); the store it asks is made just below.
  let store: AppStore | undefined;
  store = createAppStore({
    client: createWorkerParseClient({ activeView: () => store?.getState().activeTab }),
    workspace: { snapshot, origin, suggestedPackets: suggestedPacketsOf(origin.kind === 'example' ? origin.exampleId : snapshot.example) },
    theme: prefersDark() ? 'dark' : 'light',
    evalClient: createWorkerEvalClient(),
  });
  return store;
}

export function prefersDark(): boolean {
  return typeof matchMedia === 'function' && matchMedia('(prefers-color-scheme: dark)').matches;
}
