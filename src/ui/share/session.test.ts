// The saved session: small workspaces in localStorage, large ones in IndexedDB behind a pointer, a full
// localStorage falls back to IndexedDB, stale copies are removed, damage is reported rather than thrown.
import { describe, expect, it } from 'vitest';
import { workspaceFileText, type WorkspaceSnapshot } from '../../store/workspaceSnapshot.ts';
import { LOCAL_LIMIT, SESSION_KEY, loadSession, saveSession, type LargeBackend, type LocalBackend } from './session.ts';

function memoryLocal(quota = Infinity): LocalBackend & { data: Map<string, string> } {
  const data = new Map<string, string>();
  return {
    data,
    getItem: (k) => data.get(k) ?? null,
    setItem: (k, v) => {
      if (v.length > quota) throw new DOMException('quota', 'QuotaExceededError');
      data.set(k, v);
    },
    removeItem: (k) => void data.delete(k),
  };
}

function memoryLarge(): LargeBackend & { data: Map<string, unknown> } {
  const data = new Map<string, unknown>();
  return {
    data,
    get: async (k) => data.get(k),
    // IndexedDB stores a structured clone: a copy, not the caller's object.
    put: async (k, v) => void data.set(k, structuredClone(v)),
    delete: async (k) => void data.delete(k),
  };
}

const snapshot = (size: number): WorkspaceSnapshot => ({ sources: [{ name: 'dump', text: 'x'.repeat(size), formatChoice: 'auto' }], active: 0, view: { tab: 'outline' } });
const savedAt = new Date('2026-11-23T12:00:00Z');
const fileOf = (size: number) => workspaceFileText(snapshot(size), savedAt);

describe('saved session', () => {
  it('keeps a small workspace in localStorage and reads it back', async () => {
    const local = memoryLocal();
    const large = memoryLarge();
    expect(await saveSession(snapshot(100), { local, large }, savedAt)).toEqual({ ok: true, where: 'localStorage', size: fileOf(100).length });
    expect(large.data.size).toBe(0);
    expect(await loadSession({ local, large })).toEqual({ kind: 'session', snapshot: snapshot(100), where: 'localStorage', savedAt: '2026-11-23T12:00:00.000Z' });
  });

  it('puts a large workspace in IndexedDB behind a small pointer, and drops it when the workspace shrinks', async () => {
    const local = memoryLocal();
    const large = memoryLarge();
    expect(await saveSession(snapshot(LOCAL_LIMIT + 1), { local, large }, savedAt)).toMatchObject({ ok: true, where: 'IndexedDB' });
    // Kept as a workspace file object (no JSON text of the dump), which reads back as the same workspace.
    expect(large.data.get(SESSION_KEY)).toEqual(JSON.parse(fileOf(LOCAL_LIMIT + 1)));
    expect(local.data.get(SESSION_KEY)!.length).toBeLessThan(200);
    expect(await loadSession({ local, large })).toMatchObject({ kind: 'session', where: 'IndexedDB', snapshot: snapshot(LOCAL_LIMIT + 1), savedAt: savedAt.toISOString() });
    await saveSession(snapshot(10), { local, large });
    expect(large.data.size).toBe(0);
    expect(await loadSession({ local, large })).toMatchObject({ kind: 'session', where: 'localStorage' });
  });

  it('falls back to IndexedDB when localStorage is full, and says so when neither can take it', async () => {
    const local = memoryLocal(500);
    const large = memoryLarge();
    expect(await saveSession(snapshot(1000), { local, large })).toMatchObject({ ok: true, where: 'IndexedDB' });
    expect(await saveSession(snapshot(LOCAL_LIMIT + 1), { local: memoryLocal() })).toMatchObject({ ok: false, error: expect.stringContaining('too large') });
    expect(await saveSession(snapshot(1), {})).toMatchObject({ ok: false });
  });

  it('reads a large session saved as a file text (as nflens saved it before) and reports a damaged object', async () => {
    const local = memoryLocal();
    const large = memoryLarge();
    await saveSession(snapshot(LOCAL_LIMIT + 1), { local, large });
    large.data.set(SESSION_KEY, fileOf(LOCAL_LIMIT + 2));
    expect(await loadSession({ local, large })).toMatchObject({ kind: 'session', where: 'IndexedDB', snapshot: snapshot(LOCAL_LIMIT + 2) });
    large.data.set(SESSION_KEY, { format: 'nflens-workspace', version: 1, workspace: { sources: 'not a list' } });
    expect(await loadSession({ local, large })).toMatchObject({ kind: 'error', error: expect.stringContaining('damaged') });
  });

  it('reports a damaged or missing session instead of throwing', async () => {
    const local = memoryLocal();
    expect(await loadSession({ local })).toEqual({ kind: 'none' });
    local.setItem(SESSION_KEY, fileOf(10).slice(0, 40));
    expect(await loadSession({ local })).toMatchObject({ kind: 'error', error: expect.stringContaining('not valid JSON') });
    local.setItem(SESSION_KEY, 'something else');
    expect(await loadSession({ local })).toMatchObject({ kind: 'error' });
    const large = memoryLarge();
    await saveSession(snapshot(LOCAL_LIMIT + 1), { local, large });
    large.data.clear();
    expect(await loadSession({ local, large })).toMatchObject({ kind: 'error', error: expect.stringContaining('missing from IndexedDB') });
  });
});

describe('sameSnapshot (autosave skips a save that would write the same)', () => {
  it('compares texts and the rest of the snapshot', async () => {
    const { sameSnapshot } = await import('./useAutosave.ts');
    const a = snapshot(10);
    expect(sameSnapshot(a, snapshot(10))).toBe(true);
    expect(sameSnapshot(a, snapshot(11))).toBe(false);
    expect(sameSnapshot(a, { ...a, packet: 'ip daddr 1.2.3.4' })).toBe(false);
    expect(sameSnapshot(a, { ...a, sources: [{ ...a.sources[0]!, name: 'other' }] })).toBe(false);
    expect(sameSnapshot(a, { ...a, sources: [...a.sources, ...a.sources] })).toBe(false);
  });
});
