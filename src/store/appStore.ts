// The one application store, combined from its slices (zustand slices pattern: actions beside their state,
// middleware only here). Framework-free (zustand/vanilla); React binds to it in ui/. Imports store modules only.
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { ParseClient } from './parseClient.ts';
import { createParseSlice, type ParseSlice } from './parseSlice.ts';
import { createSourceSlice, type SourceEntry, type SourceSlice } from './sourceSlice.ts';
import { createViewSlice, type Theme, type ViewSlice } from './viewSlice.ts';
import { createInlineEvalClient, type EvalClient } from './evalClient.ts';
import { createTraceSlice, type SuggestedPacket, type TraceSlice } from './traceSlice.ts';
import { createGraphViewSlice, type GraphViewSlice } from './graphViewSlice.ts';

export type AppState = SourceSlice & ParseSlice & ViewSlice & TraceSlice & GraphViewSlice;
export type AppStore = StoreApi<AppState>;

export interface AppStoreOptions {
  readonly client: ParseClient;
  readonly sources: readonly SourceEntry[];
  /** Pause after the last edit before parsing. */
  readonly debounceMs?: number;
  readonly theme?: Theme;
  /** Runs packet traces (a worker in the page); in-process by default. */
  readonly evalClient?: EvalClient;
  readonly suggestedPackets?: readonly SuggestedPacket[];
  readonly packetText?: string;
  /** Pause after the last packet edit before tracing. */
  readonly traceDebounceMs?: number;
}

/** Creates the store and starts parsing its initial sources. */
export function createAppStore(options: AppStoreOptions): AppStore {
  const store = createStore<AppState>()((...a) => ({
    ...createSourceSlice(options.sources)(...a),
    ...createParseSlice({ client: options.client, debounceMs: options.debounceMs ?? 250 })(...a),
    ...createViewSlice(options.theme ?? 'light')(...a),
    ...createTraceSlice({
      client: options.evalClient ?? createInlineEvalClient(),
      debounceMs: options.traceDebounceMs ?? 300,
      ...(options.suggestedPackets ? { suggestedPackets: options.suggestedPackets } : {}),
      ...(options.packetText !== undefined ? { packetText: options.packetText } : {}),
    })(...a),
    ...createGraphViewSlice()(...a),
  }));
  // A packet being traced follows the ruleset: a new parse result traces it again.
  store.subscribe((state, prev) => {
    if (state.parses !== prev.parses && state.packetText.trim() !== '' && hasNewParseResult(state, prev)) state.scheduleTrace();
  });
  for (const source of options.sources) store.getState().requestParse(source.id);
  return store;
}

function hasNewParseResult(state: AppState, prev: AppState): boolean {
  return state.sources.some((src) => state.parses[src.id]?.result !== prev.parses[src.id]?.result);
}

export type { SourceEntry } from './sourceSlice.ts';
export type { ParseEntry } from './parseSlice.ts';
export type { Selection, SelectionOrigin, Theme } from './viewSlice.ts';
export type { FormatChoice, ParseClient, ParseRequest, ParseResponse } from './parseClient.ts';
export type { EvalClient, EvalRequest, EvalResponse, EvalSource, Forwarding } from './evalClient.ts';
export type { SuggestedPacket, TraceResult } from './traceSlice.ts';
export type { GraphFocus, RightTab } from './graphViewSlice.ts';
