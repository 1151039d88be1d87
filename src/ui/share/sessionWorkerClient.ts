// The page's side of the session worker: the LargeBackend interface over messages. The worker starts on the
// first call; if it cannot (or dies), calls fail and the caller reports the save as failed. Imports the
// backend interface and the worker module.
import type { LargeBackend } from './session.ts';
import SessionWorker from './sessionWorker.ts?worker';

export type SessionWorkerRequest =
  | { readonly id: number; readonly op: 'get' | 'delete'; readonly key: string }
  | { readonly id: number; readonly op: 'put'; readonly key: string; readonly value: unknown };

export type SessionWorkerReply = { readonly id: number; readonly ok: true; readonly value?: unknown } | { readonly id: number; readonly ok: false; readonly error: string };

export function workerBackend(): LargeBackend {
  let worker: Worker | undefined;
  let nextId = 1;
  const waiting = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
  const failAll = (message: string): void => {
    for (const w of waiting.values()) w.reject(new Error(message));
    waiting.clear();
    worker?.terminate();
    worker = undefined;
  };
  const started = (): Worker => {
    if (worker) return worker;
    const w = new SessionWorker();
    w.onmessage = (event: MessageEvent<SessionWorkerReply>) => {
      const reply = event.data;
      const entry = waiting.get(reply.id);
      if (!entry) return;
      waiting.delete(reply.id);
      if (reply.ok) entry.resolve(reply.value);
      else entry.reject(new Error(reply.error));
    };
    w.onerror = (event) => {
      event.preventDefault();
      failAll(event.message || 'the session worker stopped');
    };
    worker = w;
    return w;
  };
  const call = (request: { readonly op: SessionWorkerRequest['op']; readonly key: string; readonly value?: unknown }): Promise<unknown> =>
    new Promise((resolve, reject) => {
      const id = nextId++;
      waiting.set(id, { resolve, reject });
      try {
        started().postMessage({ ...request, id } as SessionWorkerRequest);
      } catch (e) {
        waiting.delete(id);
        reject(e instanceof Error ? e : new Error(String(e)));
      }
    });
  return {
    get: (key) => call({ op: 'get', key }),
    put: (key, value) => call({ op: 'put', key, value }).then(() => undefined),
    delete: (key) => call({ op: 'delete', key }).then(() => undefined),
  };
}
