// The store's eval client in the browser: sends trace requests to the eval worker, started on the first
// request (the worker chunk holds the parsers and the evaluator), and resolves each with its response.
// Imports store types and the worker module only.
import type { EvalClient, EvalRequest, EvalResponse } from '../../store/evalClient.ts';
import EvalWorker from './evalWorker.ts?worker';

export type EvalWorkerMessage = { readonly ok: true; readonly response: EvalResponse } | { readonly ok: false; readonly seq: number; readonly message: string };

interface Waiting {
  resolve(response: EvalResponse): void;
  reject(error: Error): void;
}

export function createWorkerEvalClient(): EvalClient {
  const waiting = new Map<number, Waiting>();
  let worker: Worker | undefined;

  function start(): Worker {
    const w = new EvalWorker();
    w.onmessage = (event: MessageEvent<EvalWorkerMessage>) => {
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
      // The worker died (out of memory on a huge dump): fail what it held; the next request starts a new one.
      const message = event.message || 'the evaluation worker stopped';
      for (const entry of waiting.values()) entry.reject(new Error(message));
      waiting.clear();
      w.terminate();
      worker = undefined;
    };
    return w;
  }

  return {
    evaluate: (request: EvalRequest) =>
      new Promise<EvalResponse>((resolve, reject) => {
        // Requests answered in order: a newer one makes older ones useless, but the worker keeps its parsed
        // workspace, so it is not restarted for them (a long evaluation is bounded by maxRuleEvals).
        worker ??= start();
        waiting.set(request.seq, { resolve, reject });
        worker.postMessage(request);
      }),
    dispose: () => {
      worker?.terminate();
      worker = undefined;
      waiting.clear();
    },
  };
}
