// The session's IndexedDB store (database `nflens`, object store `session`), usable from the page or from a
// worker. Imports the backend interface only.
import type { LargeBackend } from './session.ts';

const DB_NAME = 'nflens';
const STORE = 'session';

/** get/put/delete on the `session` object store, each in its own transaction. */
export function indexedDbBackend(): LargeBackend {
  let db: Promise<IDBDatabase> | undefined;
  const open = (): Promise<IDBDatabase> =>
    (db ??= new Promise((resolve, reject) => {
      const request = indexedDB.open(DB_NAME, 1);
      request.onupgradeneeded = () => request.result.createObjectStore(STORE);
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error ?? new Error('IndexedDB could not be opened'));
    }));
  const run = <T,>(mode: IDBTransactionMode, act: (store: IDBObjectStore) => IDBRequest): Promise<T> =>
    open().then(
      (database) =>
        new Promise<T>((resolve, reject) => {
          const tx = database.transaction(STORE, mode);
          const request = act(tx.objectStore(STORE));
          tx.oncomplete = () => resolve(request.result as T);
          tx.onerror = () => reject(tx.error ?? request.error ?? new Error('IndexedDB transaction failed'));
          tx.onabort = () => reject(tx.error ?? new Error('IndexedDB transaction aborted'));
        }),
    );
  return {
    get: (key) => run<unknown>('readonly', (s) => s.get(key)),
    put: (key, value) => run<unknown>('readwrite', (s) => s.put(value, key)).then(() => undefined),
    delete: (key) => run<unknown>('readwrite', (s) => s.delete(key)).then(() => undefined),
  };
}
