// Cancelling a parse: the client stops it, the entry says so, a late answer of the cancelled request is
// ignored, and parsing again works. Phases reported by the client reach the entry.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createAppStore } from './appStore.ts';
import { ParseCancelledError, runParseRequest, type ParseClient, type ParsePhase, type ParseProgress, type ParseRequest, type ParseResponse } from './parseClient.ts';
import { selectActiveParse } from './selectors.ts';

function manualClient() {
  const held: { request: ParseRequest; onProgress?: (p: ParseProgress) => void; resolve: (r: ParseResponse) => void; reject: (e: Error) => void }[] = [];
  const cancelled: string[] = [];
  const client: ParseClient = {
    parse: (request, onProgress) => new Promise((resolve, reject) => held.push({ request, ...(onProgress ? { onProgress } : {}), resolve, reject })),
    cancel: (sourceId) => {
      cancelled.push(sourceId);
      for (const h of held.filter((x) => x.request.sourceId === sourceId)) h.reject(new ParseCancelledError(sourceId));
    },
    dispose: () => {},
  };
  return { client, held, cancelled };
}

const TEXT = 'table ip t {\n  chain c {\n    counter\n  }\n}\n';
const flush = async () => {
  for (let i = 0; i < 3; i++) await Promise.resolve();
};

describe('cancelling a parse', () => {
  beforeEach(() => void vi.useFakeTimers());
  afterEach(() => void vi.useRealTimers());

  it('stops the running parse, marks the entry, ignores the late answer; parsing again works', async () => {
    const m = manualClient();
    const store = createAppStore({ client: m.client, sources: [{ id: 's1', name: 'a', text: TEXT, formatChoice: 'auto' }], debounceMs: 250 });
    const first = m.held[0]!;
    first.onProgress?.({ seq: first.request.seq, sourceId: 's1', phase: 'parsing' });
    expect(selectActiveParse(store.getState())).toMatchObject({ pending: true, phase: 'parsing' });
    store.getState().cancelParse('s1');
    await flush();
    expect(m.cancelled).toEqual(['s1']);
    expect(selectActiveParse(store.getState())).toMatchObject({ pending: false, cancelled: true });
    expect(selectActiveParse(store.getState())!.failure).toBeUndefined();
    // The cancelled request's answer, had it come anyway, is stale.
    first.resolve(runParseRequest(first.request));
    await flush();
    expect(selectActiveParse(store.getState())!.result).toBeUndefined();
    store.getState().requestParse('s1');
    const again = m.held[1]!;
    expect(selectActiveParse(store.getState())).toMatchObject({ pending: true, cancelled: undefined });
    again.resolve(runParseRequest(again.request));
    await flush();
    expect(selectActiveParse(store.getState())).toMatchObject({ pending: false, format: 'nft' });
    expect(selectActiveParse(store.getState())!.result!.ruleset.tables).toHaveLength(1);
  });

  it('cancels a parse that is only scheduled (debounced edit) without asking the client', async () => {
    const m = manualClient();
    const store = createAppStore({ client: m.client, sources: [{ id: 's1', name: 'a', text: TEXT, formatChoice: 'auto' }], debounceMs: 250 });
    m.held[0]!.resolve(runParseRequest(m.held[0]!.request));
    await flush();
    store.getState().scheduleParse('s1');
    store.getState().cancelParse('s1');
    vi.advanceTimersByTime(1000);
    expect(m.held).toHaveLength(1);
    expect(selectActiveParse(store.getState())).toMatchObject({ pending: false, cancelled: true });
  });

  it('the request runner reports its phases in order, parsing with rising fractions', () => {
    const heard: [ParsePhase, number | undefined][] = [];
    const distinct = () => heard.map(([p]) => p).filter((p, i, all) => i === 0 || all[i - 1] !== p);
    runParseRequest({ seq: 1, sourceId: 's', text: TEXT, format: 'auto' }, undefined, (p, f) => heard.push([p, f]));
    expect(distinct()).toEqual(['detecting', 'parsing', 'checking']);
    const fractions = heard.filter(([p, f]) => p === 'parsing' && f !== undefined).map(([, f]) => f as number);
    expect(fractions.length).toBeGreaterThan(0);
    expect(fractions).toEqual([...fractions].sort((a, b) => a - b));
    heard.length = 0;
    runParseRequest({ seq: 2, sourceId: 's', text: TEXT, format: 'nft' }, undefined, (p, f) => heard.push([p, f]));
    expect(distinct()).toEqual(['parsing', 'checking']);
  });
});
