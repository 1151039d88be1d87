// The one application store, combined from its slices (zustand slices pattern: actions beside their state,
// middleware only here). Framework-free (zustand/vanilla); React binds to it in ui/. Imports store modules only.
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { ParseClient } from './parseClient.ts';
import { createParseSlice, type ParseSlice } from './parseSlice.ts';
import { createSourceSlice, type SourceEntry, type SourceSlice, type WorkspaceOrigin } from './sourceSlice.ts';
import { createViewSlice, type Theme, type ViewSlice } from './viewSlice.ts';
import { createPacketSlice, type PacketSlice, type SuggestedPacket } from './packetSlice.ts';
import { createShellSlice, type ShellSlice } from './shellSlice.ts';
import type { WorkspaceSnapshot } from './workspaceSnapshot.ts';

export type AppState = SourceSlice & ParseSlice & ViewSlice & PacketSlice & ShellSlice;
export type AppStore = StoreApi<AppState>;

export interface AppStoreOptions {
  readonly client: ParseClient;
  /** The sources to start with (with their ids), or… */
  readonly sources?: readonly SourceEntry[];
  /** …a whole workspace with its view state (permalink, saved session, example). */
  readonly workspace?: { readonly snapshot: WorkspaceSnapshot; readonly origin: WorkspaceOrigin; readonly suggestedPackets?: readonly SuggestedPacket[] };
  /** Pause after the last edit before parsing. */
  readonly debounceMs?: number;
  readonly theme?: Theme;
}

/** Creates the store and starts parsing its initial sources. */
export function createAppStore(options: AppStoreOptions): AppStore {
  const initial = options.sources ?? [{ id: 'source-0', name: 'untitled', text: '', formatChoice: 'auto' }];
  const store = createStore<AppState>()((...a) => ({
    ...createSourceSlice(initial)(...a),
    ...createParseSlice({ client: options.client, debounceMs: options.debounceMs ?? 250 })(...a),
    ...createViewSlice(options.theme ?? 'light')(...a),
    ...createPacketSlice()(...a),
    ...createShellSlice()(...a),
  }));
  const { workspace } = options;
  if (workspace) {
    store.getState().replaceWorkspace(workspace.snapshot, workspace.origin, workspace.suggestedPackets ? { suggestedPackets: workspace.suggestedPackets } : {});
  } else {
    for (const source of initial) store.getState().requestParse(source.id);
  }
  return store;
}

export type { SourceEntry, SourceInit, WorkspaceOrigin } from './sourceSlice.ts';
export type { SuggestedPacket } from './packetSlice.ts';
export type { Notice, NoticeInit, SaveStatus } from './shellSlice.ts';
export type { WorkspaceSnapshot } from './workspaceSnapshot.ts';
export type { ParseEntry } from './parseSlice.ts';
export type { Selection, SelectionOrigin, Theme } from './viewSlice.ts';
export type { FormatChoice, ParseClient, ParseRequest, ParseResponse } from './parseClient.ts';
