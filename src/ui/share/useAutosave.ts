// Saves the workspace in this browser a moment after each change (and when the page is hidden), and
// reports where it went in the store's save status. Imports the store, the snapshot helpers and the session store.
import { useEffect } from 'react';
import type { AppState, AppStore } from '../../store/appStore.ts';
import { snapshotWorkspace, type WorkspaceSnapshot } from '../../store/workspaceSnapshot.ts';
import { saveSession, type SessionBackends } from './session.ts';

/** What a saved session holds: a change to any of these is saved. */
function isRelevantChange(s: AppState, prev: AppState): boolean {
  return (
    s.sources !== prev.sources ||
    s.activeSourceId !== prev.activeSourceId ||
    s.packetText !== prev.packetText ||
    s.activeTab !== prev.activeTab ||
    s.selection !== prev.selection ||
    s.expanded !== prev.expanded ||
    s.themeSource !== prev.themeSource ||
    s.theme !== prev.theme ||
    s.origin !== prev.origin
  );
}

/** Pause after a change before saving; longer for large workspaces (serialising MBs on every cursor move
 *  would show). */
function delayFor(state: AppState): number {
  const size = state.sources.reduce((n, s) => n + s.text.length, 0);
  return size > 1_000_000 ? 3000 : 700;
}

/** Whether two snapshots save the same thing. Texts are compared as strings (no JSON of a 35 MB dump on
 *  every cursor move); the rest, which is small, as JSON. */
export function sameSnapshot(a: WorkspaceSnapshot, b: WorkspaceSnapshot): boolean {
  if (a.sources.length !== b.sources.length || a.sources.some((s, i) => s.text !== b.sources[i]?.text)) return false;
  const withoutTexts = (x: WorkspaceSnapshot) => JSON.stringify({ ...x, sources: x.sources.map(({ text: _text, ...rest }) => rest) });
  return withoutTexts(a) === withoutTexts(b);
}

export function useSessionAutosave(store: AppStore, backends: SessionBackends): void {
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    let last: WorkspaceSnapshot | undefined;
    let saving = Promise.resolve();
    const save = (): void => {
      timer = undefined;
      const snapshot = snapshotWorkspace(store.getState());
      if (last && sameSnapshot(last, snapshot)) return;
      last = snapshot;
      const savedAt = new Date();
      // One save at a time, in order: a slow IndexedDB write must not land after a newer one.
      saving = saving.then(async () => {
        const result = await saveSession(snapshot, backends, savedAt);
        store.getState().setSaveStatus(
          result.ok ? { state: 'saved', where: result.where, size: result.size, at: Date.now() } : { state: 'failed', error: result.error, at: Date.now() },
        );
      });
    };
    const schedule = (state: AppState): void => {
      if (timer !== undefined) clearTimeout(timer);
      timer = setTimeout(save, delayFor(state));
    };
    const flush = (): void => {
      if (timer === undefined) return;
      clearTimeout(timer);
      save();
    };
    // The workspace the page opened with is saved at once (a link's fragment is gone from the address).
    save();
    const unsubscribe = store.subscribe((s, prev) => {
      if (isRelevantChange(s, prev)) schedule(s);
    });
    const onHide = (): void => {
      if (document.visibilityState === 'hidden') flush();
    };
    addEventListener('pagehide', flush);
    document.addEventListener('visibilitychange', onHide);
    return () => {
      flush();
      unsubscribe();
      removeEventListener('pagehide', flush);
      document.removeEventListener('visibilitychange', onHide);
    };
  }, [store, backends]);
}
