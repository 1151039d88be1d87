// The session worker: writes and reads the saved workspace in IndexedDB off the page's main thread (see
// browserBackends in session.ts). One request at a time per message; answers carry the request's id.
import { indexedDbBackend } from './indexedDbBackend.ts';
import type { SessionWorkerReply, SessionWorkerRequest } from './sessionWorkerClient.ts';

const scope = self as unknown as DedicatedWorkerGlobalScope;
const backend = indexedDbBackend();

scope.onmessage = (event: MessageEvent<SessionWorkerRequest>) => {
  const { id, op, key } = event.data;
  const done = op === 'get' ? backend.get(key) : op === 'put' ? backend.put(key, event.data.value) : backend.delete(key);
  done.then(
    (value) => scope.postMessage({ id, ok: true, value } satisfies SessionWorkerReply),
    (error: unknown) => scope.postMessage({ id, ok: false, error: error instanceof Error ? error.message : String(error) } satisfies SessionWorkerReply),
  );
};
