// The one application store, combined from its slices (zustand slices pattern: actions beside their state,
// middleware only here). Framework-free (zustand/vanilla); React binds to it in ui/. Imports store modules only.
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { ParseClient } from './parseClient.ts';
import { createParseSlice, type ParseSlice } from './parseSlice.ts';
import { createSourceSlice, type SourceEntry, type SourceSlice } from './sourceSlice.ts';
import { createViewSlice, type Theme, type ViewSlice } from './viewSlice.ts';

export type AppState = SourceSlice & ParseSlice & ViewSlice;
export type AppStore = StoreApi<AppState>;

export interface AppStoreOptions {
  readonly client: ParseClient;
  readonly sources: readonly SourceEntry[];
  /** Pause after the last edit before parsing. */
  readonly debounceMs?: number;
  readonly theme?: Theme;
}

/** Creates the store and starts parsing its initial sources. */
export function createAppStore(options: AppStoreOptions): AppStore {
  const store = createStore<AppState>()((...a) => ({
    ...createSourceSlice(options.sources)(...a),
    ...createParseSlice({ client: options.client, debounceMs: options.debounceMs ?? 250 })(...a),
    ...createViewSlice(options.theme ?? 'light')(...a),
  }));
  for (const source of options.sources) store.getState().requestParse(source.id);
  return store;
}

export type { SourceEntry } from './sourceSlice.ts';
export type { ParseEntry } from './parseSlice.ts';
export type { Selection, SelectionOrigin, Theme } from './viewSlice.ts';
export type { FormatChoice, ParseClient, ParseRequest, ParseResponse } from './parseClient.ts';
