// The store's parse client in the browser: sends requests to the parse worker and resolves each with its
// response, whose result arrives as JSON parts assembled a slice at a time (store/chunkedTransfer.ts).
// Imports store types, the transfer receiver and the worker module only.
import type { ParseResult, SourceFormat } from '../model/ir.ts';
import { prepareGraphSteps } from '../graph/index.ts';
import { outlineSteps } from '../graph/outline.ts';
import { runInSlices, TransferReceiver, type Scheduler, type TransferPath } from '../store/chunkedTransfer.ts';
import { ParseCancelledError, type ParseClient, type ParseProgress, type ParseRequest, type ParseResponse } from '../store/parseClient.ts';
import ParseWorker from './parseWorker.ts?worker';

export type WorkerMessage =
  | { readonly progress: ParseProgress; readonly ok?: undefined }
  | { readonly skeleton: { readonly seq: number; readonly json: string; readonly parts: number }; readonly ok?: undefined }
  | { readonly part: { readonly seq: number; readonly path: TransferPath; readonly json: string }; readonly ok?: undefined }
  /** Every part of the result is posted: the page prepares its views while the worker collects the facts. */
  | { readonly sent: { readonly seq: number; readonly format: SourceFormat }; readonly ok?: undefined }
  /** The response without its result, which came before it in parts. */
  | { readonly ok: true; readonly response: Omit<ParseResponse, 'result'> }
  | { readonly ok: false; readonly seq: number; readonly sourceId: string; readonly message: string };

interface Waiting {
  readonly request: ParseRequest;
  readonly onProgress?: ((progress: ParseProgress) => void) | undefined;
  resolve(response: ParseResponse): void;
  reject(error: Error): void;
  /** Assembles the result while its parts arrive (from the skeleton on). */
  receiver?: TransferReceiver | undefined;
  /** Parts announced with the skeleton, and received so far (for the progress shown). */
  partsTotal?: number;
  partsReceived?: number;
  /** The assembled result once the view on screen is prepared for it. */
  prepared?: ParseResult | undefined;
  /** The format the worker parsed the text as, and which view is prepared first (the one on screen when the
   *  last part came); known from the end of the parts on. */
  format?: SourceFormat;
  outlineFirst?: boolean;
  /** The worker's response (facts, duration), which comes after the parts. */
  response?: Omit<ParseResponse, 'result'> | undefined;
}

/** `steps`, stopped as soon as `stop()` says so (checked between steps). */
function* unless(stop: () => boolean, steps: Iterator<unknown>): Generator<void, void, void> {
  while (!stop() && !steps.next().done) yield;
}

/** Gives the thread back between assembly slices: a message to ourselves runs after pending input and paint,
 *  without setTimeout's 4 ms clamp. */
function yieldingScheduler(): Scheduler {
  const channel = new MessageChannel();
  const queue: (() => void)[] = [];
  channel.port1.onmessage = () => queue.shift()?.();
  return (run) => {
    queue.push(run);
    channel.port2.postMessage(null);
  };
}

export interface WorkerParseClientOptions {
  /** The view the page shows (a tab id): what it needs is prepared first, the rest after the response. */
  readonly activeView?: () => string | undefined;
}

export function createWorkerParseClient(options: WorkerParseClientOptions = {}): ParseClient {
  const waiting = new Map<number, Waiting>();
  let worker = start();

  const schedule = yieldingScheduler();

  function startReceiving(seq: number, skeletonJson: string, parts: number): void {
    const entry = waiting.get(seq);
    if (!entry) return;
    entry.receiver?.stop();
    entry.prepared = entry.response = undefined;
    entry.receiver = new TransferReceiver(schedule);
    entry.receiver.skeleton(skeletonJson);
    entry.partsTotal = parts;
    entry.partsReceived = 0;
    if (parts > 0) entry.onProgress?.({ seq, sourceId: entry.request.sourceId, phase: 'receiving', fraction: 0 });
  }

  /** Forgets a request's partly assembled result (its worker was stopped; a fresh one starts over). */
  function dropReceiver(entry: Waiting): void {
    entry.receiver?.stop();
    entry.receiver = entry.prepared = entry.response = undefined;
  }

  /** Once the last part is assembled: builds what the view on screen needs (the outline's subtrees, or the
   *  graph's index) between frames, rather than in one long task when the view first asks — while the
   *  worker collects the facts. A request dropped meanwhile (cancelled, superseded) is not resolved. */
  function prepare(seq: number, format: SourceFormat): void {
    const entry = waiting.get(seq);
    const receiver = entry?.receiver;
    if (!entry || !receiver) return;
    entry.format = format;
    entry.outlineFirst = options.activeView?.() === 'outline';
    receiver.end((assembled) => {
      const result = assembled as ParseResult;
      if (waiting.get(seq) !== entry || entry.receiver !== receiver) return;
      entry.onProgress?.({ seq, sourceId: entry.request.sourceId, phase: 'preparing' });
      const steps = viewSteps(entry, result);
      runInSlices(entry.outlineFirst ? steps.outline() : steps.graph(), schedule, () => {
        if (waiting.get(seq) !== entry || entry.receiver !== receiver) return;
        entry.prepared = result;
        if (entry.response) settle(entry);
      });
    });
  }

  /** The preparation steps of each view for a request's result. */
  function viewSteps(entry: Waiting, result: ParseResult): { readonly graph: () => Iterator<unknown>; readonly outline: () => Iterator<unknown> } {
    const { sourceId, text } = entry.request;
    const format = entry.format ?? (entry.request.format === 'auto' ? 'nft' : entry.request.format);
    return {
      graph: () => prepareGraphSteps({ source: { id: sourceId, name: '', format, text }, result }),
      outline: () => outlineSteps({ sourceId, text, result }),
    };
  }

  /** Resolves a request whose result is assembled and prepared and whose response came; the other view is
   *  prepared after, in the background, unless a newer parse of this source came meanwhile. */
  function settle(entry: Waiting): void {
    const { response, prepared: result } = entry;
    if (!response || !result) return;
    const seq = entry.request.seq;
    waiting.delete(seq);
    entry.resolve({ ...response, result });
    const steps = viewSteps(entry, result);
    const superseded = () => [...waiting.values()].some((w) => w.request.sourceId === entry.request.sourceId && w.request.seq > seq);
    runInSlices(unless(superseded, entry.outlineFirst ? steps.graph() : steps.outline()), schedule, () => {});
  }

  function start(): Worker {
    const w = new ParseWorker();
    w.onmessage = (event: MessageEvent<WorkerMessage>) => {
      const data = event.data;
      if (data.ok === undefined) {
        if ('progress' in data) waiting.get(data.progress.seq)?.onProgress?.(data.progress);
        else if ('skeleton' in data) startReceiving(data.skeleton.seq, data.skeleton.json, data.skeleton.parts);
        else if ('sent' in data) prepare(data.sent.seq, data.sent.format);
        else {
          const entry = waiting.get(data.part.seq);
          if (!entry?.receiver) return;
          entry.receiver.part(data.part.path, data.part.json);
          entry.partsReceived = (entry.partsReceived ?? 0) + 1;
          // One report per percent at most: a 10 000-Service result comes in about 700 parts.
          const total = entry.partsTotal ?? 0;
          if (total > 0 && Math.floor((entry.partsReceived * 100) / total) !== Math.floor(((entry.partsReceived - 1) * 100) / total)) {
            entry.onProgress?.({ seq: data.part.seq, sourceId: entry.request.sourceId, phase: 'receiving', fraction: entry.partsReceived / total });
          }
        }
        return;
      }
      const seq = data.ok ? data.response.seq : data.seq;
      const entry = waiting.get(seq);
      if (!entry) return;
      if (!data.ok) {
        waiting.delete(seq);
        dropReceiver(entry);
        entry.reject(new Error(data.message));
      } else if (!entry.receiver) {
        waiting.delete(seq);
        entry.reject(new Error('the parse worker answered without a result'));
      } else {
        entry.response = data.response;
        if (entry.prepared) settle(entry);
        else entry.onProgress?.({ seq, sourceId: entry.request.sourceId, phase: 'preparing' });
      }
    };
    w.onerror = (event) => {
      event.preventDefault();
      // The worker died (e.g. out of memory on a huge dump): fail what it held and start a fresh one.
      const message = event.message || 'the parse worker stopped';
      for (const entry of waiting.values()) {
        dropReceiver(entry);
        entry.reject(new Error(message));
      }
      waiting.clear();
      worker.terminate();
      worker = start();
    };
    return w;
  }

  return {
    parse: (request, onProgress) =>
      new Promise<ParseResponse>((resolve, reject) => {
        // A newer request for a source makes the ones in flight useless (the store would drop their answers).
        // When they are all for that source, stop the worker instead of waiting for a long parse to finish.
        const inFlight = [...waiting.values()];
        if (inFlight.length > 0 && inFlight.every((w) => w.request.sourceId === request.sourceId)) {
          worker.terminate();
          for (const entry of waiting.values()) dropReceiver(entry);
          waiting.clear();
          worker = start();
        }
        waiting.set(request.seq, { request, onProgress, resolve, reject });
        worker.postMessage(request);
      }),
    cancel: (sourceId) => {
      const held = [...waiting.values()];
      if (!held.some((w) => w.request.sourceId === sourceId)) return;
      // A parse is one synchronous call in the worker: stopping it means stopping the worker. The cancelled
      // source's requests reject; the other sources' go to the fresh worker again.
      worker.terminate();
      worker = start();
      for (const entry of held) {
        dropReceiver(entry);
        if (entry.request.sourceId === sourceId) {
          waiting.delete(entry.request.seq);
          entry.reject(new ParseCancelledError(sourceId));
        } else worker.postMessage(entry.request);
      }
    },
    dispose: () => {
      worker.terminate();
      for (const entry of waiting.values()) dropReceiver(entry);
      waiting.clear();
    },
  };
}
