import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { TEXT, result as fixtureResult } from '../../test/fixtures/smallKubeProxy.ts';
import type { ParseResult, SourceFormat } from '../model/ir.ts';
import { createAppStore, type AppStore, type ParseClient, type ParseRequest, type ParseResponse } from './appStore.ts';
import { createInlineParseClient } from './parseClient.ts';
import { selectActiveParse, selectActiveSummary, selectOutline, selectOutlineIndex } from './selectors.ts';

/** A parse client the test answers by hand, in any order, to play the worker. */
function createManualClient() {
  const pending: { request: ParseRequest; resolve: (r: ParseResponse) => void; reject: (e: Error) => void }[] = [];
  const client: ParseClient = {
    parse: (request) => new Promise((resolve, reject) => pending.push({ request, resolve, reject })),
    dispose: () => {},
  };
  const take = (seq: number) => {
    const i = pending.findIndex((p) => p.request.seq === seq);
    if (i < 0) throw new Error(`no pending request ${seq}`);
    return pending.splice(i, 1)[0]!;
  };
  return {
    client,
    pending,
    /** Answers request `seq` with `result`. */
    async answer(seq: number, result: ParseResult, format: SourceFormat = 'nft') {
      const p = take(seq);
      p.resolve({ seq, sourceId: p.request.sourceId, format, result, durationMs: 1.5 });
      await Promise.resolve(); // let the store's `then` run
    },
    async fail(seq: number, message: string) {
      take(seq).reject(new Error(message));
      await Promise.resolve();
      await Promise.resolve();
    },
  };
}

const EMPTY_RESULT: ParseResult = { ruleset: { tables: [], ipvs: [] }, diagnostics: [] };
const resultWithError = (message: string): ParseResult => ({
  ruleset: { tables: [], ipvs: [] },
  diagnostics: [{ severity: 'error', code: 'NFT0001', message, range: { start: 0, end: 1 } }],
});

function makeStore(client: ParseClient, text = TEXT): AppStore {
  return createAppStore({ client, sources: [{ id: 's1', name: 'nft list ruleset', text, formatChoice: 'auto' }], debounceMs: 250 });
}

describe('parse slice', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('parses the initial sources at once and keeps the result with the text it came from', async () => {
    const manual = createManualClient();
    const store = makeStore(manual.client);
    expect(manual.pending.map((p) => [p.request.seq, p.request.text, p.request.format])).toEqual([[1, TEXT, 'auto']]);
    expect(selectActiveParse(store.getState())).toMatchObject({ pending: true, requestedSeq: 1 });
    await manual.answer(1, fixtureResult);
    const entry = selectActiveParse(store.getState())!;
    expect(entry).toMatchObject({ pending: false, format: 'nft', durationMs: 1.5, parsedText: TEXT });
    expect(entry.result).toBe(fixtureResult);
    expect(selectActiveSummary(store.getState())).toMatchObject({ tables: 1, chains: 3, rules: 4 });
  });

  it('debounces edits: one parse of the last text, after the pause', async () => {
    const manual = createManualClient();
    const store = makeStore(manual.client);
    await manual.answer(1, fixtureResult);
    store.getState().setText('table ip a {');
    vi.advanceTimersByTime(100);
    store.getState().setText('table ip ab {');
    vi.advanceTimersByTime(200);
    store.getState().setText('table ip abc {}');
    expect(selectActiveParse(store.getState())?.pending).toBe(true);
    vi.advanceTimersByTime(249);
    expect(manual.pending).toHaveLength(0);
    vi.advanceTimersByTime(1);
    expect(manual.pending.map((p) => [p.request.seq, p.request.text])).toEqual([[2, 'table ip abc {}']]);
    // The old result stays visible until the new one arrives.
    expect(selectActiveParse(store.getState())?.result).toBe(fixtureResult);
    await manual.answer(2, EMPTY_RESULT);
    expect(selectActiveParse(store.getState())).toMatchObject({ pending: false, parsedText: 'table ip abc {}', result: EMPTY_RESULT });
  });

  it('does not parse when the text did not change', () => {
    const manual = createManualClient();
    const store = makeStore(manual.client);
    store.getState().setText(TEXT);
    vi.advanceTimersByTime(1000);
    expect(manual.pending).toHaveLength(1);
  });

  it('ignores a response that arrives after a newer request was made', async () => {
    const manual = createManualClient();
    const store = makeStore(manual.client);
    store.getState().loadText('first');
    store.getState().loadText('second');
    expect(manual.pending.map((p) => p.request.seq)).toEqual([1, 2, 3]);
    await manual.answer(3, resultWithError('newest'));
    await manual.answer(2, resultWithError('stale'));
    await manual.answer(1, resultWithError('oldest'));
    const entry = selectActiveParse(store.getState())!;
    expect(entry.result?.diagnostics[0]?.message).toBe('newest');
    expect(entry.parsedText).toBe('second');
  });

  it('stays pending while only stale responses have arrived', async () => {
    const manual = createManualClient();
    const store = makeStore(manual.client);
    store.getState().loadText('newer');
    await manual.answer(1, resultWithError('stale'));
    expect(selectActiveParse(store.getState())?.pending).toBe(true);
    expect(selectActiveParse(store.getState())?.result).toBeUndefined();
  });

  it('re-parses at once in the chosen format', async () => {
    const manual = createManualClient();
    const store = makeStore(manual.client);
    store.getState().setFormatChoice('iptables');
    expect(manual.pending.at(-1)?.request).toMatchObject({ seq: 2, format: 'iptables', text: TEXT });
    expect(store.getState().sources[0]?.formatChoice).toBe('iptables');
  });

  it('a scheduled parse is cancelled by an immediate one', async () => {
    const manual = createManualClient();
    const store = makeStore(manual.client);
    store.getState().setText('typed');
    store.getState().setFormatChoice('nft');
    vi.advanceTimersByTime(1000);
    expect(manual.pending.map((p) => [p.request.seq, p.request.text])).toEqual([
      [1, TEXT],
      [2, 'typed'],
    ]);
  });

  it('records a crashed parser as a failure of the newest request only', async () => {
    const manual = createManualClient();
    const store = makeStore(manual.client);
    await manual.fail(1, 'boom');
    expect(selectActiveParse(store.getState())).toMatchObject({ pending: false, failure: 'boom' });
    store.getState().loadText('again');
    await manual.answer(2, EMPTY_RESULT);
    expect(selectActiveParse(store.getState())?.failure).toBeUndefined();
  });
});

describe('in-process client with the real parse entry', () => {
  it('reports the detected format of the text', async () => {
    const store = makeStore(createInlineParseClient(), '*filter\n:INPUT ACCEPT [0:0]\nCOMMIT\n');
    await vi.waitFor(() => expect(selectActiveParse(store.getState())?.pending).toBe(false));
    expect(selectActiveParse(store.getState())?.format).toBe('iptables');
    store.getState().setFormatChoice('ipset');
    await vi.waitFor(() => expect(selectActiveParse(store.getState())?.format).toBe('ipset'));
  });
});

describe('view slice', () => {
  async function parsedStore(): Promise<AppStore> {
    const manual = createManualClient();
    const store = makeStore(manual.client);
    await manual.answer(1, fixtureResult);
    return store;
  }

  it('selects the innermost outline node at the cursor and opens its ancestors', async () => {
    const store = await parsedStore();
    const offset = TEXT.indexOf('ip daddr . meta l4proto');
    store.getState().selectAtOffset('s1', offset);
    const sel = store.getState().selection!;
    const node = selectOutlineIndex(store.getState()).byId.get(sel.nodeId!)!;
    expect(node.label).toBe('ip daddr . meta l4proto . th dport vmap @service-ips');
    expect(sel).toMatchObject({ origin: 'editor', sourceId: 's1', range: node.range });
    // The chain `services` is closed by default; it was opened to show the rule.
    expect(Object.entries(store.getState().expanded)).toEqual([[node.id.replace(/\/r0$/, ''), true]]);
  });

  it('does not select again when the cursor stays in the same node', async () => {
    const store = await parsedStore();
    store.getState().selectAtOffset('s1', TEXT.indexOf('jump services'));
    const first = store.getState().selection;
    store.getState().selectAtOffset('s1', TEXT.indexOf('jump services') + 3);
    expect(store.getState().selection).toBe(first);
  });

  it('clears the selection when the cursor leaves every node', async () => {
    const store = await parsedStore();
    store.getState().selectAtOffset('s1', 1);
    expect(store.getState().selection?.nodeId).toBeDefined();
    store.getState().selectAtOffset('s1', TEXT.length + 10);
    expect(store.getState().selection).toBeNull();
  });

  it('selecting a node from the outline carries its range, and each selection gets a new serial', async () => {
    const store = await parsedStore();
    const map = [...selectOutlineIndex(store.getState()).byId.values()].find((n) => n.label === 'service-ips')!;
    store.getState().selectNode(map.id, 'outline');
    const first = store.getState().selection!;
    expect(first).toMatchObject({ nodeId: map.id, range: map.range, origin: 'outline' });
    store.getState().selectNode(map.id, 'outline');
    expect(store.getState().selection!.serial).toBe(first.serial + 1);
    store.getState().revealRange('s1', { start: 3, end: 5 }, 'problems');
    expect(store.getState().selection).toMatchObject({ range: { start: 3, end: 5 }, origin: 'problems', serial: first.serial + 2 });
    expect(store.getState().selection?.nodeId).toBeUndefined();
  });

  it('toggles nodes relative to their default state', async () => {
    const store = await parsedStore();
    const index = selectOutlineIndex(store.getState());
    const table = [...index.byId.values()].find((n) => n.kind === 'table')!;
    const chain = [...index.byId.values()].find((n) => n.label === 'services')!;
    store.getState().toggleExpanded(table.id);
    store.getState().toggleExpanded(chain.id);
    expect(store.getState().expanded).toEqual({ [table.id]: false, [chain.id]: true });
    store.getState().toggleExpanded(chain.id);
    expect(store.getState().expanded[chain.id]).toBe(false);
  });

  it('follows the system theme until the user toggles it', async () => {
    const store = await parsedStore();
    expect(store.getState().theme).toBe('light');
    store.getState().setSystemTheme('dark');
    expect(store.getState().theme).toBe('dark');
    store.getState().toggleTheme();
    expect(store.getState()).toMatchObject({ theme: 'light', themeSource: 'user' });
    store.getState().setSystemTheme('dark');
    expect(store.getState().theme).toBe('light');
  });

  it('keeps the same outline object while unrelated state changes', async () => {
    const store = await parsedStore();
    const before = selectOutline(store.getState());
    store.getState().toggleTheme();
    store.getState().setText('edited, not parsed yet');
    expect(selectOutline(store.getState())).toBe(before);
    expect(before[0]?.children[0]?.label).toBe('ip kube-proxy');
  });
});
