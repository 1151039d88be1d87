// The store's parse client in the browser: sends requests to the parse worker and resolves each with its
// response. Imports store types and the worker module only.
import type { ParseClient, ParseRequest, ParseResponse } from '../store/parseClient.ts';
import ParseWorker from './parseWorker.ts?worker';

export type WorkerMessage =
  | { readonly ok: true; readonly response: ParseResponse }
  | { readonly ok: false; readonly seq: number; readonly sourceId: string; readonly message: string };

interface Waiting {
  readonly request: ParseRequest;
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
    parse: (request) =>
      new Promise<ParseResponse>((resolve, reject) => {
        // A newer request for a source makes the ones in flight useless (the store would drop their answers).
        // When they are all for that source, stop the worker instead of waiting for a long parse to finish.
        const inFlight = [...waiting.values()];
        if (inFlight.length > 0 && inFlight.every((w) => w.request.sourceId === request.sourceId)) {
          worker.terminate();
          waiting.clear();
          worker = start();
        }
        waiting.set(request.seq, { request, resolve, reject });
        worker.postMessage(request);
      }),
    dispose: () => {
      worker.terminate();
      waiting.clear();
    },
  };
}
