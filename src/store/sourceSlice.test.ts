// The workspace slice: several named sources, each parsed on its own (and only when it changed), added,
// renamed, removed with undo, chosen for the editor, and replaced as a whole with its view state.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ParseResult } from '../model/ir.ts';
import { createAppStore, type AppStore, type ParseClient, type ParseRequest, type ParseResponse } from './appStore.ts';
import { hasUnsavedEdits } from './sourceSlice.ts';
import { uniqueName } from './sourceNames.ts';
import { selectDetectedFormat } from './selectors.ts';

const EMPTY_RESULT: ParseResult = { ruleset: { tables: [], ipvs: [] }, diagnostics: [] };

/** A client that records requests and answers them all on `flush`. */
function recordingClient() {
  const requests: ParseRequest[] = [];
  const waiting: { request: ParseRequest; resolve(r: ParseResponse): void }[] = [];
  const client: ParseClient = {
    parse: (request) =>
      new Promise((resolve) => {
        requests.push(request);
        waiting.push({ request, resolve });
      }),
    dispose: () => {},
  };
  return {
    client,
    requests,
    /** Texts requested since the last call, as `sourceId:text`. */
    take(): string[] {
      return requests.splice(0).map((r) => `${r.sourceId}:${r.text}`);
    },
    async flush() {
      for (const w of waiting.splice(0)) w.resolve({ seq: w.request.seq, sourceId: w.request.sourceId, format: 'nft', result: EMPTY_RESULT, durationMs: 1 });
      await Promise.resolve();
    },
  };
}

function twoSources(client: ParseClient): AppStore {
  return createAppStore({
    client,
    sources: [
      { id: 'source-1', name: 'nft list ruleset', text: 'table ip a {}', formatChoice: 'auto', named: true },
      { id: 'source-2', name: 'ipset save', text: 'create s hash:ip', formatChoice: 'auto' },
    ],
    debounceMs: 100,
  });
}

const names = (store: AppStore) => store.getState().sources.map((s) => s.name);

describe('workspace slice', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('parses every source at start, then only the one that was edited', () => {
    const rec = recordingClient();
    const store = twoSources(rec.client);
    expect(rec.take()).toEqual(['source-1:table ip a {}', 'source-2:create s hash:ip']);
    store.getState().setText('create t hash:net', 'source-2');
    vi.advanceTimersByTime(100);
    expect(rec.take()).toEqual(['source-2:create t hash:net']);
    store.getState().setFormatChoice('ipset', 'source-1');
    expect(rec.requests.map((r) => [r.sourceId, r.format])).toEqual([['source-1', 'ipset']]);
  });

  it('adds sources with unique names, shows the first added, and parses only them', () => {
    const rec = recordingClient();
    const store = twoSources(rec.client);
    rec.take();
    const ids = store.getState().addSources([
      { name: 'ipset save', text: 'create u hash:ip' },
      { name: 'ipset save', text: 'create v hash:ip' },
    ]);
    expect(names(store)).toEqual(['nft list ruleset', 'ipset save', 'ipset save (2)', 'ipset save (3)']);
    expect(store.getState().activeSourceId).toBe(ids[0]);
    expect(rec.take()).toEqual([`${ids[0]}:create u hash:ip`, `${ids[1]}:create v hash:ip`]);
    const empty = store.getState().addSource();
    expect(store.getState().sources.find((s) => s.id === empty)).toMatchObject({ name: 'untitled', text: '', formatChoice: 'auto' });
    expect(new Set(store.getState().sources.map((s) => s.id)).size).toBe(5);
  });

  it('reads a source as its parse\'s format only while that parse is of its current text', async () => {
    const rec = recordingClient();
    const store = twoSources(rec.client);
    await vi.advanceTimersByTimeAsync(200);
    await rec.flush();
    const source = () => store.getState().sources[1]!;
    // The (recording) parser answered `nft` for the text it was given.
    expect(selectDetectedFormat(store.getState(), source())).toBe('nft');
    // New text, parse not answered yet: detection, not the stale answer.
    store.getState().setText('IP Virtual Server version 1.2.1 (size=4096)\nTCP  10.96.0.1:443 rr\n', source().id);
    expect(selectDetectedFormat(store.getState(), source())).toBe('ipvs');
  });

  it('fills an untouched empty workspace instead of keeping its blank source', () => {
    const rec = recordingClient();
    const store = createAppStore({ client: rec.client, sources: [{ id: 'source-1', name: 'untitled', text: '', formatChoice: 'auto' }] });
    store.getState().addSources([{ name: 'iptables-save', text: '*filter' }, { name: 'ipvsadm -Ln', text: 'TCP' }]);
    expect(names(store)).toEqual(['iptables-save', 'ipvsadm -Ln']);
    expect(store.getState().parses['source-1']).toBeUndefined();
  });

  it('names an unnamed source after the format pasted into it, but never one the user named', () => {
    const rec = recordingClient();
    const store = twoSources(rec.client);
    store.getState().setText('*filter\n:INPUT ACCEPT [0:0]\nCOMMIT\n', 'source-2');
    store.getState().nameAfterPaste('source-2');
    expect(names(store)).toEqual(['nft list ruleset', 'iptables-save']);
    store.getState().setText('*nat\nCOMMIT\n', 'source-1');
    store.getState().nameAfterPaste('source-1');
    expect(names(store)[0]).toBe('nft list ruleset');
    // A second unnamed iptables source gets a distinct name.
    const id = store.getState().addSource({ text: '*raw\nCOMMIT\n' });
    store.getState().nameAfterPaste(id);
    expect(names(store)[2]).toBe('iptables-save (2)');
  });

  it('renames: trims, keeps names unique, ignores an empty name, and marks the source as named', () => {
    const store = twoSources(recordingClient().client);
    store.getState().renameSource('  node-1 ipsets ', 'source-2');
    expect(store.getState().sources[1]).toMatchObject({ name: 'node-1 ipsets', named: true });
    store.getState().renameSource('nft list ruleset', 'source-2');
    expect(names(store)).toEqual(['nft list ruleset', 'nft list ruleset (2)']);
    store.getState().renameSource('   ', 'source-2');
    expect(names(store)[1]).toBe('nft list ruleset (2)');
  });

  it('removes a source, shows its neighbour, forgets its parse, and undo puts it back where it was', async () => {
    const rec = recordingClient();
    const store = twoSources(rec.client);
    await rec.flush();
    rec.take();
    const parsed = store.getState().parses['source-1'];
    store.getState().selectAtOffset('source-1', 0);
    store.getState().revealRange('source-1', { start: 0, end: 5 }, 'problems');
    store.getState().removeSource('source-1');
    expect(names(store)).toEqual(['ipset save']);
    expect(store.getState()).toMatchObject({ activeSourceId: 'source-2', selection: null });
    expect(store.getState().parses['source-1']).toBeUndefined();
    store.getState().undoRemove();
    expect(names(store)).toEqual(['nft list ruleset', 'ipset save']);
    expect(store.getState().activeSourceId).toBe('source-1');
    // The settled parse comes back as it was: no new request.
    expect(store.getState().parses['source-1']).toBe(parsed);
    expect(rec.take()).toEqual([]);
    expect(store.getState().lastRemoved).toBeNull();
  });

  it('removing the last source leaves an empty one, which undo takes away again', async () => {
    const rec = recordingClient();
    const store = createAppStore({ client: rec.client, sources: [{ id: 'source-1', name: 'iptables-save', text: '*filter', formatChoice: 'iptables' }] });
    store.getState().removeSource('source-1');
    expect(store.getState().sources).toMatchObject([{ name: 'untitled', text: '' }]);
    expect(store.getState().sources[0]!.id).not.toBe('source-1');
    store.getState().undoRemove();
    expect(store.getState().sources).toMatchObject([{ id: 'source-1', name: 'iptables-save', formatChoice: 'iptables' }]);
    // The parse was still pending when removed: it is requested again.
    expect(rec.requests.at(-1)).toMatchObject({ sourceId: 'source-1', format: 'iptables' });
  });

  it('ignores the late answer to a parse of a removed source', async () => {
    const rec = recordingClient();
    const store = twoSources(rec.client);
    store.getState().removeSource('source-2');
    await rec.flush();
    expect(Object.keys(store.getState().parses)).toEqual(['source-1']);
  });

  it('selecting an outline node or a problem shows its source in the editor', async () => {
    const rec = recordingClient();
    const store = twoSources(rec.client);
    store.getState().revealRange('source-2', { start: 1, end: 2 }, 'problems');
    expect(store.getState().activeSourceId).toBe('source-2');
    store.getState().revealRange('gone', { start: 1, end: 2 }, 'problems');
    expect(store.getState().selection?.sourceId).toBe('source-2');
    store.getState().setActiveSource('source-1');
    expect(store.getState().activeSourceId).toBe('source-1');
    store.getState().setActiveSource('nope');
    expect(store.getState().activeSourceId).toBe('source-1');
  });

  it('replaces the workspace in one update: new ids, parses, view state, packet; and knows about unsaved edits', () => {
    const rec = recordingClient();
    const store = twoSources(rec.client);
    rec.take();
    const states: string[] = [];
    const unsubscribe = store.subscribe((s) => states.push(s.sources.map((x) => x.id).join(',') + '|' + (s.selection?.sourceId ?? '-')));
    store.getState().replaceWorkspace(
      {
        sources: [
          { name: 'nft list ruleset', text: 'table inet f {}', formatChoice: 'auto' },
          { name: 'iptables-legacy-save', text: '*filter', formatChoice: 'iptables', named: true },
        ],
        active: 1,
        packet: 'tcp dport 22',
        view: { tab: 'graph', selection: { source: 1, node: '1/t:ip:filter#0', range: { start: 0, end: 7 } }, expanded: { '0/t:inet:f#0': false }, theme: 'dark' },
      },
      { kind: 'example', exampleId: 'legacy-and-nft' },
      { suggestedPackets: [{ text: 'tcp dport 22', expect: 'accepted' }] },
    );
    unsubscribe();
    const s = store.getState();
    const [a, b] = s.sources.map((x) => x.id);
    expect([a, b]).not.toContain('source-1');
    // Every update subscribers saw already had the new sources and the selection in them.
    expect(states.length).toBeGreaterThan(0);
    expect(new Set(states)).toEqual(new Set([`${a},${b}|${b}`]));
    expect(s).toMatchObject({
      activeSourceId: b,
      activeTab: 'graph',
      theme: 'dark',
      themeSource: 'user',
      packetText: 'tcp dport 22',
      suggestedPackets: [{ text: 'tcp dport 22', expect: 'accepted' }],
      origin: { kind: 'example', exampleId: 'legacy-and-nft' },
      selection: { sourceId: b, nodeId: `src:${b}/t:ip:filter#0`, range: { start: 0, end: 7 }, origin: 'restore' },
      expanded: { [`src:${a}/t:inet:f#0`]: false },
    });
    expect(s.sources[1]).toMatchObject({ formatChoice: 'iptables', named: true });
    expect(Object.keys(s.parses).sort()).toEqual([a, b].sort());
    expect(rec.take()).toEqual([`${a}:table inet f {}`, `${b}:*filter`]);

    expect(hasUnsavedEdits(s)).toBe(false);
    store.getState().setText('table inet g {}', a);
    expect(hasUnsavedEdits(store.getState())).toBe(true);
    store.getState().setText('table inet f {}', a);
    expect(hasUnsavedEdits(store.getState())).toBe(false);
    store.getState().renameSource('legacy', b);
    expect(hasUnsavedEdits(store.getState())).toBe(true);
    // An empty workspace has nothing to lose.
    store.getState().replaceWorkspace({ sources: [] }, { kind: 'new' });
    expect(store.getState().sources).toMatchObject([{ name: 'untitled', text: '' }]);
    store.getState().addSource({ text: '' });
    expect(hasUnsavedEdits(store.getState())).toBe(false);
  });
});

describe('uniqueName', () => {
  it('numbers repeated names and names blank ones', () => {
    expect(uniqueName('a', [])).toBe('a');
    expect(uniqueName('a', ['a', 'a (2)'])).toBe('a (3)');
    expect(uniqueName('  ', ['untitled'])).toBe('untitled (2)');
  });
});
