// Trace slice: the host facts and the latest trace of the packet (packetSlice's `packetText`, which links
// carry) with where the user is in it (step, branch).
// Evaluation goes through an EvalClient (a worker in the page); stale responses are dropped by sequence
// number, like parses. Imports the eval core's packet parser and trace types, and store modules.
import type { StateCreator } from 'zustand/vanilla';
import type { Diagnostic } from '../model/ir.ts';
import { parsePacket, type Trace, type TraceTree } from '../eval/index.ts';
import type { AppState } from './appStore.ts';
import { DEFAULT_MAX_BRANCHES, type EvalClient, type EvalResponse, type Forwarding } from './evalClient.ts';
import { selectEvalSources } from './workspaceSelectors.ts';

export interface TraceResult {
  readonly seq: number;
  /** The request's packet, host and forwarding, so that the view can tell when the form moved on. */
  readonly packetText: string;
  readonly host: string;
  readonly forwarding: Forwarding;
  readonly trace: Trace;
  readonly tree: TraceTree;
  readonly durationMs: number;
}

export interface TraceSlice {
  /** The `--host` spec (local addresses, routes); empty: inferred, as the CLI does. */
  readonly hostText: string;
  readonly forwarding: Forwarding;
  /** Sequence number of the newest trace request (0: none yet). */
  readonly traceSeq: number;
  /** A trace request is scheduled or under way. */
  readonly tracePending: boolean;
  readonly traceResult: TraceResult | null;
  /** The evaluation failed (a bug in nflens): shown instead of a result. */
  readonly traceError: string | null;
  /** Which leaf of the branch tree is shown; null: the default path. */
  readonly leafIndex: number | null;
  /** The current step of the shown trace (editor highlight, graph selection, pipeline marker). */
  readonly stepIndex: number;
  /** The packet text changed (the store calls this): traces it after a pause when it parses without
   *  errors (a new packet starts at step 0); no packet, no trace. */
  packetChanged(): void;
  /** Sets the packet and traces it now (presets, the trace button). */
  tracePacket(text: string): void;
  setHostText(text: string): void;
  setForwarding(forwarding: Forwarding): void;
  /** Traces the current packet after `debounceMs` (each call restarts the wait). */
  scheduleTrace(): void;
  /** Traces the current packet now on the current workspace (nothing when the packet has errors). */
  runTrace(): void;
  receiveTrace(response: EvalResponse): void;
  receiveTraceFailure(seq: number, message: string): void;
  clearTrace(): void;
  setStepIndex(index: number): void;
  /** Moves the current step by `delta`, staying inside the trace. */
  stepBy(delta: number): void;
  /** Shows a leaf of the branch tree (null: the default path); the step goes back to the start. */
  chooseLeaf(index: number | null): void;
}

export interface TraceDeps {
  readonly client: EvalClient;
  readonly debounceMs: number;
}

/** parsePacket of the current text, memoised on the text (the form and the inline diagnostics read it). */
let lastPacket: { text: string; result: ReturnType<typeof parsePacket> } | undefined;
export function packetParseOf(text: string): ReturnType<typeof parsePacket> {
  if (lastPacket?.text !== text) lastPacket = { text, result: parsePacket(text) };
  return lastPacket.result;
}

/** One empty list: a selector must return the same value for the same state (React re-renders otherwise). */
const NO_DIAGNOSTICS: readonly Diagnostic[] = [];

export function selectPacketDiagnostics(s: AppState): readonly Diagnostic[] {
  return s.packetText.trim() === '' ? NO_DIAGNOSTICS : packetParseOf(s.packetText).diagnostics;
}

export function hasPacketErrors(text: string): boolean {
  return packetParseOf(text).diagnostics.some((d) => d.severity === 'error');
}

/** The trace on screen: the chosen leaf of the branch tree, else the default path. */
export function selectShownTrace(s: AppState): Trace | undefined {
  const r = s.traceResult;
  if (!r) return undefined;
  if (s.leafIndex !== null) return r.tree.leaves[s.leafIndex] ?? r.trace;
  return r.trace;
}

export function createTraceSlice(deps: TraceDeps): StateCreator<AppState, [], [], TraceSlice> {
  // The timer is not state: nothing renders it.
  let timer: ReturnType<typeof setTimeout> | undefined;
  const cancelTimer = (): void => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
  };
  /** What each request in flight asked for (the response carries only its sequence number). */
  const pendingRequests = new Map<number, { packetText: string; host: string; forwarding: Forwarding }>();
  return (set, get) => ({
    hostText: '',
    forwarding: 'auto',
    traceSeq: 0,
    tracePending: false,
    traceResult: null,
    traceError: null,
    leafIndex: null,
    stepIndex: 0,
    packetChanged: () => {
      const text = get().packetText;
      if (text.trim() === '') {
        // No packet: no trace (a late answer for the old one is dropped by its sequence number).
        cancelTimer();
        set({ traceResult: null, traceError: null, tracePending: false, leafIndex: null, stepIndex: 0, traceSeq: get().traceSeq + 1 });
        return;
      }
      if (hasPacketErrors(text)) {
        cancelTimer();
        set({ tracePending: false });
        return;
      }
      get().scheduleTrace();
    },
    tracePacket: (text) => {
      get().setPacketText(text);
      get().runTrace();
    },
    setHostText: (text) => {
      if (text === get().hostText) return;
      set({ hostText: text });
      if (get().packetText.trim() !== '') get().scheduleTrace();
    },
    setForwarding: (forwarding) => {
      if (forwarding === get().forwarding) return;
      set({ forwarding });
      if (get().packetText.trim() !== '') get().runTrace();
    },
    scheduleTrace: () => {
      cancelTimer();
      set({ tracePending: true });
      timer = setTimeout(() => {
        timer = undefined;
        get().runTrace();
      }, deps.debounceMs);
    },
    runTrace: () => {
      cancelTimer();
      const s = get();
      const packetText = s.packetText;
      if (packetText.trim() === '' || hasPacketErrors(packetText)) {
        set({ tracePending: false });
        return;
      }
      // A source still on its first parse would be traced as empty (a wrong verdict flashing by): wait, the
      // parse result traces again (appStore's subscription).
      if (s.sources.some((src) => s.parses[src.id]?.result === undefined && s.parses[src.id]?.pending === true)) {
        set({ tracePending: true });
        return;
      }
      const seq = s.traceSeq + 1;
      set({ traceSeq: seq, tracePending: true, traceError: null });
      const request = { seq, sources: selectEvalSources(s), packetText, host: s.hostText, forwarding: s.forwarding, maxBranches: DEFAULT_MAX_BRANCHES };
      pendingRequests.set(seq, { packetText, host: s.hostText, forwarding: s.forwarding });
      deps.client.evaluate(request).then(
        (response) => get().receiveTrace(response),
        (error: unknown) => get().receiveTraceFailure(seq, error instanceof Error ? error.message : String(error)),
      );
    },
    receiveTrace: (response) => {
      const s = get();
      const request = pendingRequests.get(response.seq);
      pendingRequests.delete(response.seq);
      if (response.seq !== s.traceSeq || !request) return; // stale: a newer request is under way
      const previous = s.traceResult;
      // The same packet traced again (the ruleset was edited): keep the user's place.
      const samePacket = previous !== null && previous.packetText === request.packetText;
      const leafIndex = samePacket && s.leafIndex !== null && s.leafIndex < response.tree.leaves.length ? s.leafIndex : null;
      const shown = leafIndex !== null ? response.tree.leaves[leafIndex] ?? response.trace : response.trace;
      const stepIndex = samePacket ? Math.min(s.stepIndex, Math.max(0, shown.steps.length - 1)) : 0;
      set({
        tracePending: timer !== undefined,
        traceError: null,
        traceResult: { seq: response.seq, ...request, trace: response.trace, tree: response.tree, durationMs: response.durationMs },
        leafIndex,
        stepIndex,
      });
    },
    receiveTraceFailure: (seq, message) => {
      pendingRequests.delete(seq);
      if (seq !== get().traceSeq) return;
      set({ tracePending: timer !== undefined, traceError: message });
    },
    clearTrace: () => {
      get().setPacketText('');
      get().packetChanged(); // also without a store subscription (slice tests)
    },
    setStepIndex: (index) => {
      const trace = selectShownTrace(get());
      if (!trace || trace.steps.length === 0) return;
      const clamped = Math.max(0, Math.min(trace.steps.length - 1, Math.trunc(index)));
      if (clamped !== get().stepIndex) set({ stepIndex: clamped });
    },
    stepBy: (delta) => get().setStepIndex(get().stepIndex + delta),
    chooseLeaf: (index) => {
      const tree = get().traceResult?.tree;
      if (!tree) return;
      const leaf = index !== null && index >= 0 && index < tree.leaves.length ? index : null;
      set({ leafIndex: leaf, stepIndex: 0 });
    },
  });
}
