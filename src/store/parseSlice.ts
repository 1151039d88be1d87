// Parse slice: the latest parse result of each source, whether a newer one is on its way, and the sequence
// numbers that let the store drop responses to requests that have since been superseded. Imports types only.
import type { StateCreator } from 'zustand/vanilla';
import type { ParseResult, SourceFormat } from '../model/ir.ts';
import type { WorkspaceFacts } from '../parse/index.ts';
import type { ParseClient, ParsePhase, ParseResponse } from './parseClient.ts';
import type { AppState } from './appStore.ts';

export interface ParseEntry {
  /** Sequence number of the newest request for this source (0: none yet). */
  readonly requestedSeq: number;
  /** The text of that request: the result's ranges point into it once it arrives. */
  readonly requestedText?: string;
  /** An edit is waiting for its debounced parse, or a request has no response yet. */
  readonly pending: boolean;
  readonly result?: ParseResult;
  /** The text `result` was parsed from (it may lag behind the source's text while `pending`). */
  readonly parsedText?: string;
  readonly format?: SourceFormat;
  readonly durationMs?: number;
  /** The workspace-check facts of `result` (see `collectWorkspaceFacts`). */
  readonly facts?: WorkspaceFacts;
  /** The parser crashed (a bug: parsers never throw on bad input); shown instead of a result. */
  readonly failure?: string;
  /** The phase the request in flight has reached (the worker reports each as it starts). */
  readonly phase?: ParsePhase;
  /** How far that phase is (0..1), when the worker can tell. */
  readonly fraction?: number;
  /** The user cancelled the last parse: `result` (if any) is of an older text; an edit or `requestParse`
   *  parses again. */
  readonly cancelled?: boolean;
}

export interface ParseSlice {
  readonly parses: Readonly<Record<string, ParseEntry>>;
  /** Last sequence number handed out, over all sources. */
  readonly lastSeq: number;
  /** Parses after `debounceMs` without a further call (each edit restarts the wait). */
  scheduleParse(sourceId: string): void;
  /** Parses now (cancelling a scheduled parse of the same source). */
  requestParse(sourceId: string): void;
  /** Takes a response; ignored unless it answers the newest request of its source. */
  receiveParse(response: ParseResponse): void;
  receiveFailure(sourceId: string, seq: number, message: string): void;
  /** Stops the scheduled or running parse of a source (a huge paste the user does not want to wait for). */
  cancelParse(sourceId: string): void;
  /** Drops what is known about sources that left the workspace (their late responses are then ignored). */
  forgetParses(sourceIds: readonly string[]): void;
  /** Cancels the debounced parses of these sources (for callers that reset `parses` in their own update). */
  cancelScheduledParses(sourceIds: readonly string[]): void;
  /** Puts back the entry of a source whose removal was undone (no re-parse when it had settled). */
  restoreParse(sourceId: string, entry: ParseEntry | undefined): void;
}

export interface ParseDeps {
  readonly client: ParseClient;
  readonly debounceMs: number;
}

const EMPTY: ParseEntry = { requestedSeq: 0, pending: false };

export function createParseSlice(deps: ParseDeps): StateCreator<AppState, [], [], ParseSlice> {
  // Timers are not state: nothing renders them, and they must not be copied into snapshots.
  const timers = new Map<string, ReturnType<typeof setTimeout>>();
  const cancelTimer = (sourceId: string): void => {
    const t = timers.get(sourceId);
    if (t !== undefined) clearTimeout(t);
    timers.delete(sourceId);
  };
  return (set, get) => {
    const patchEntry = (sourceId: string, patch: Partial<ParseEntry>): void =>
      set((s) => ({ parses: { ...s.parses, [sourceId]: { ...(s.parses[sourceId] ?? EMPTY), ...patch } } }));
    return {
      parses: {},
      lastSeq: 0,
      scheduleParse: (sourceId) => {
        cancelTimer(sourceId);
        patchEntry(sourceId, { pending: true });
        timers.set(
          sourceId,
          setTimeout(() => {
            timers.delete(sourceId);
            get().requestParse(sourceId);
          }, deps.debounceMs),
        );
      },
      requestParse: (sourceId) => {
        cancelTimer(sourceId);
        const source = get().sources.find((s) => s.id === sourceId);
        if (!source) return;
        const seq = get().lastSeq + 1;
        set({ lastSeq: seq });
        patchEntry(sourceId, { requestedSeq: seq, requestedText: source.text, pending: true, phase: undefined, fraction: undefined, cancelled: undefined });
        const onProgress = (p: { seq: number; phase: ParsePhase; fraction?: number }) => {
          if (get().parses[sourceId]?.requestedSeq === p.seq) patchEntry(sourceId, { phase: p.phase, fraction: p.fraction });
        };
        deps.client.parse({ seq, sourceId, text: source.text, format: source.formatChoice }, onProgress).then(
          (response) => get().receiveParse(response),
          (error: unknown) => get().receiveFailure(sourceId, seq, error instanceof Error ? error.message : String(error)),
        );
      },
      receiveParse: (response) => {
        const entry = get().parses[response.sourceId];
        if (!entry || entry.requestedSeq !== response.seq) return; // stale: a newer request is under way
        patchEntry(response.sourceId, {
          pending: timers.has(response.sourceId),
          result: response.result,
          parsedText: entry.requestedText ?? '',
          format: response.format,
          durationMs: response.durationMs,
          facts: response.facts,
          failure: undefined,
          phase: undefined,
          fraction: undefined,
          cancelled: undefined,
        });
      },
      receiveFailure: (sourceId, seq, message) => {
        const entry = get().parses[sourceId];
        if (!entry || entry.requestedSeq !== seq) return;
        patchEntry(sourceId, { pending: timers.has(sourceId), failure: message, phase: undefined, fraction: undefined });
      },
      cancelParse: (sourceId) => {
        const entry = get().parses[sourceId];
        if (!entry?.pending) return;
        cancelTimer(sourceId);
        deps.client.cancel?.(sourceId);
        // A fresh sequence number no request carries: whatever the old request still delivers is stale.
        const seq = get().lastSeq + 1;
        set({ lastSeq: seq });
        patchEntry(sourceId, { requestedSeq: seq, pending: false, phase: undefined, fraction: undefined, cancelled: true });
      },
      forgetParses: (sourceIds) => {
        if (sourceIds.length === 0) return;
        for (const id of sourceIds) cancelTimer(id);
        set((s) => {
          const parses = { ...s.parses };
          for (const id of sourceIds) delete parses[id];
          return { parses };
        });
      },
      cancelScheduledParses: (sourceIds) => {
        for (const id of sourceIds) cancelTimer(id);
      },
      restoreParse: (sourceId, entry) => {
        const source = get().sources.find((s) => s.id === sourceId);
        if (!source) return;
        // A settled entry of the same text is still right; anything else (pending, edited since) is parsed again.
        if (entry && !entry.pending && entry.parsedText === source.text) set((s) => ({ parses: { ...s.parses, [sourceId]: entry } }));
        else get().requestParse(sourceId);
      },
    };
  };
}
