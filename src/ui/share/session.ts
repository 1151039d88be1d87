// The last workspace, saved in this browser so that a reload or a later visit picks up where the user left.
// Small workspaces go to localStorage (synchronous, read before the first paint); a workspace larger than
// LOCAL_LIMIT characters (a kube-proxy dump of many MB) goes to IndexedDB, with a small pointer left in
// localStorage. Backends are passed in, so the size rules are unit-tested without a browser. Imports the
// snapshot reader and the IndexedDB backends.
import { readWorkspaceFile, readWorkspaceFileObject, workspaceFileObject, workspaceFileText, type WorkspaceSnapshot } from '../../store/workspaceSnapshot.ts';
import { indexedDbBackend } from './indexedDbBackend.ts';
import { workerBackend } from './sessionWorkerClient.ts';
import { groupedNumber } from '../../model/numberText.ts';

/** The subset of `Storage` used here. */
export interface LocalBackend {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

/** A key-value store for large values (IndexedDB in the page): plain data, copied as it is. */
export interface LargeBackend {
  get(key: string): Promise<unknown>;
  put(key: string, value: unknown): Promise<void>;
  delete(key: string): Promise<void>;
}

export interface SessionBackends {
  readonly local?: LocalBackend;
  readonly large?: LargeBackend;
}

export const SESSION_KEY = 'nflens.session';
/** Above this many characters a session goes to IndexedDB: localStorage holds about 5 M characters per
 *  origin in Chromium and Firefox, shared with anything else the page keeps there. */
export const LOCAL_LIMIT = 1_000_000;
const POINTER_MARK = 'nflens-session-pointer';

export type SaveResult =
  | { readonly ok: true; readonly where: 'localStorage' | 'IndexedDB'; readonly size: number }
  | { readonly ok: false; readonly error: string };

/** Characters a snapshot holds (its texts and packet): decides where it is saved before any JSON is written. */
function snapshotChars(snapshot: WorkspaceSnapshot): number {
  return snapshot.sources.reduce((n, s) => n + s.text.length + s.name.length, snapshot.packet?.length ?? 0);
}

/** Saves a workspace: a small one as a workspace file text in localStorage; a large one as a workspace file
 *  object in IndexedDB (written as JSON, a dump of tens of MB would cost the page's main thread a second of
 *  escaping; IndexedDB copies its strings as they are) behind a pointer in localStorage. Never throws. */
export async function saveSession(snapshot: WorkspaceSnapshot, backends: SessionBackends, savedAt = new Date()): Promise<SaveResult> {
  const { local, large } = backends;
  if (!local && !large) return { ok: false, error: 'this browser offers no storage to this page' };
  const chars = snapshotChars(snapshot);
  if (local && chars <= LOCAL_LIMIT) {
    const text = workspaceFileText(snapshot, savedAt);
    try {
      local.setItem(SESSION_KEY, text);
      if (large) await large.delete(SESSION_KEY).catch(() => undefined);
      return { ok: true, where: 'localStorage', size: text.length };
    } catch {
      // Quota exceeded (other data of this origin, or a browser with less room): IndexedDB instead.
    }
  }
  if (!large) return { ok: false, error: `the workspace (${groupedNumber(chars)} characters) is too large for localStorage and IndexedDB is not available` };
  try {
    await large.put(SESSION_KEY, workspaceFileObject(snapshot, savedAt));
    local?.setItem(SESSION_KEY, JSON.stringify({ format: POINTER_MARK, where: 'IndexedDB', size: chars, savedAt: savedAt.toISOString() }));
    return { ok: true, where: 'IndexedDB', size: chars };
  } catch (e) {
    return { ok: false, error: `IndexedDB refused the workspace (${e instanceof Error ? e.message : String(e)})` };
  }
}

export type LoadResult =
  | { readonly kind: 'none' }
  | { readonly kind: 'session'; readonly snapshot: WorkspaceSnapshot; readonly savedAt?: string; readonly where: 'localStorage' | 'IndexedDB' }
  | { readonly kind: 'error'; readonly error: string };

/** Reads the saved session. Never throws. */
export async function loadSession(backends: SessionBackends): Promise<LoadResult> {
  let text: unknown;
  let where: 'localStorage' | 'IndexedDB' = 'localStorage';
  try {
    text = backends.local?.getItem(SESSION_KEY);
  } catch {
    text = null; // storage disabled
  }
  if (typeof text === 'string' && isPointer(text)) {
    where = 'IndexedDB';
    try {
      text = await backends.large?.get(SESSION_KEY);
    } catch (e) {
      return { kind: 'error', error: `the saved workspace could not be read from IndexedDB (${e instanceof Error ? e.message : String(e)})` };
    }
    if (text === undefined) return { kind: 'error', error: 'the saved workspace is missing from IndexedDB (browser data was cleared?)' };
  }
  if (!text) return { kind: 'none' };
  // IndexedDB holds a file object (sessions saved before held the file text: both are read).
  const read = typeof text === 'string' ? readWorkspaceFile(text) : readWorkspaceFileObject(text);
  if (read.kind === 'workspace') return { kind: 'session', snapshot: read.snapshot, where, ...(read.savedAt ? { savedAt: read.savedAt } : {}) };
  return { kind: 'error', error: read.kind === 'invalid' ? read.error : 'the saved workspace is not in a format this nflens reads' };
}

function isPointer(text: string): boolean {
  if (!text.startsWith('{"format":"nflens-session-pointer"')) return false;
  try {
    return (JSON.parse(text) as { format?: unknown }).format === POINTER_MARK;
  } catch {
    return false;
  }
}

// ───────────── browser backends ─────────────

/** localStorage and IndexedDB of this page, where available. IndexedDB is written from a worker: a put
 *  serialises its value on the calling thread, and a 35 MB dump took the page 270–400 ms there (posting the
 *  value to the worker copies it in a tenth of that). */
export function browserBackends(): SessionBackends {
  let local: LocalBackend | undefined;
  try {
    local = typeof localStorage === 'object' && localStorage !== null ? localStorage : undefined;
  } catch {
    local = undefined; // access throws when storage is disabled for the site
  }
  const large = typeof indexedDB === 'object' && indexedDB !== null ? (typeof Worker === 'function' ? workerBackend() : indexedDbBackend()) : undefined;
  return { ...(local ? { local } : {}), ...(large ? { large } : {}) };
}
