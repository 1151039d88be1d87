// The store's parse client in the browser: sends requests to the parse worker and resolves each with its
// response. Imports store types and the worker module only.
import { ParseCancelledError, type ParseClient, type ParseProgress, type ParseRequest, type ParseResponse } from '../store/parseClient.ts';
import ParseWorker from './parseWorker.ts?worker';

export type WorkerMessage =
  | { readonly progress: ParseProgress; readonly ok?: undefined }
  | { readonly ok: true; readonly response: ParseResponse }
  | { readonly ok: false; readonly seq: number; readonly sourceId: string; readonly message: string };

interface Waiting {
  readonly request: ParseRequest;
  readonly onProgress?: ((progress: ParseProgress) => void) | undefined;
  resolve(response: ParseResponse): void;
  reject(error: Error): void;
}

export function createWorkerParseClient(): ParseClient {
  const waiting = new Map<number, Waiting>();
  let worker = start();

  function start(): Worker {
    const w = new ParseWorker();
    w.onmessage = (event: MessageEvent<WorkerMessage>) => {
      const data = event.data;
      if (data.ok === undefined) {
        waiting.get(data.progress.seq)?.onProgress?.(data.progress);
        return;
      }
      const seq = data.ok ? data.response.seq : data.seq;
      const entry = waiting.get(seq);
      waiting.delete(seq);
      if (!entry) return;
      if (data.ok) entry.resolve(data.response);
      else entry.reject(new Error(data.message));
    };
    w.onerror = (event) => {
      event.preventDefault();
      // The worker died (e.g. out of memory on a huge dump): fail what it held and start a fresh one.
      const message = event.message || 'the parse worker stopped';
      for (const entry of waiting.values()) entry.reject(new Error(message));
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
        if (entry.request.sourceId === sourceId) {
          waiting.delete(entry.request.seq);
          entry.reject(new ParseCancelledError(sourceId));
        } else worker.postMessage(entry.request);
      }
    },
    dispose: () => {
      worker.terminate();
      waiting.clear();
    },
  };
}
