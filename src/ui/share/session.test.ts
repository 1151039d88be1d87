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

function memoryLarge(): LargeBackend & { data: Map<string, string> } {
  const data = new Map<string, string>();
  return {
    data,
    get: async (k) => data.get(k),
    put: async (k, v) => void data.set(k, v),
    delete: async (k) => void data.delete(k),
  };
}

const snapshot = (size: number): WorkspaceSnapshot => ({ sources: [{ name: 'dump', text: 'x'.repeat(size), formatChoice: 'auto' }], active: 0, view: { tab: 'outline' } });
const fileOf = (size: number) => workspaceFileText(snapshot(size), new Date('2026-11-23T12:00:00Z'));

describe('saved session', () => {
  it('keeps a small workspace in localStorage and reads it back', async () => {
    const local = memoryLocal();
    const large = memoryLarge();
    expect(await saveSession(fileOf(100), { local, large })).toEqual({ ok: true, where: 'localStorage', size: fileOf(100).length });
    expect(large.data.size).toBe(0);
    expect(await loadSession({ local, large })).toEqual({ kind: 'session', snapshot: snapshot(100), where: 'localStorage', savedAt: '2026-11-23T12:00:00.000Z' });
  });

  it('puts a large workspace in IndexedDB behind a small pointer, and drops it when the workspace shrinks', async () => {
    const local = memoryLocal();
    const large = memoryLarge();
    const big = fileOf(LOCAL_LIMIT + 1);
    expect(await saveSession(big, { local, large })).toMatchObject({ ok: true, where: 'IndexedDB' });
    expect(large.data.get(SESSION_KEY)).toBe(big);
    expect(local.data.get(SESSION_KEY)!.length).toBeLessThan(200);
    expect(await loadSession({ local, large })).toMatchObject({ kind: 'session', where: 'IndexedDB', snapshot: snapshot(LOCAL_LIMIT + 1) });
    await saveSession(fileOf(10), { local, large });
    expect(large.data.size).toBe(0);
    expect(await loadSession({ local, large })).toMatchObject({ kind: 'session', where: 'localStorage' });
  });

  it('falls back to IndexedDB when localStorage is full, and says so when neither can take it', async () => {
    const local = memoryLocal(500);
    const large = memoryLarge();
    expect(await saveSession(fileOf(1000), { local, large })).toMatchObject({ ok: true, where: 'IndexedDB' });
    expect(await saveSession(fileOf(LOCAL_LIMIT + 1), { local: memoryLocal() })).toMatchObject({ ok: false, error: expect.stringContaining('too large') });
    expect(await saveSession('x', {})).toMatchObject({ ok: false });
  });

  it('reports a damaged or missing session instead of throwing', async () => {
    const local = memoryLocal();
    expect(await loadSession({ local })).toEqual({ kind: 'none' });
    local.setItem(SESSION_KEY, fileOf(10).slice(0, 40));
    expect(await loadSession({ local })).toMatchObject({ kind: 'error', error: expect.stringContaining('not valid JSON') });
    local.setItem(SESSION_KEY, 'something else');
    expect(await loadSession({ local })).toMatchObject({ kind: 'error' });
    const large = memoryLarge();
    await saveSession(fileOf(LOCAL_LIMIT + 1), { local, large });
    large.data.clear();
    expect(await loadSession({ local, large })).toMatchObject({ kind: 'error', error: expect.stringContaining('missing from IndexedDB') });
  });
});
