import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { evaluate, evaluateBranches, parsePacket } from '../eval/index.ts';
import { parseWorkspace } from '../parse/index.ts';
import { createAppStore, type AppStore } from './appStore.ts';
import { createInlineEvalClient, type EvalClient, type EvalRequest, type EvalResponse } from './evalClient.ts';
import { createInlineParseClient } from './parseClient.ts';
import { selectPacketDiagnostics, selectShownTrace } from './traceSlice.ts';

const TEXT = readFileSync(fileURLToPath(new URL('../../test/fixtures/kubeProxySmall.nft', import.meta.url)), 'utf8');
const DNS = 'iifname cni0 ip saddr 10.244.0.5 ip daddr 10.96.0.10 udp dport 53 ct state new';
const NO_ENDPOINTS = 'iifname cni0 ip saddr 10.244.0.5 ip daddr 10.96.77.3 tcp dport 5432 ct state new';

/** The same packet through the core directly, as `nflens trace` does. */
function cliTrace(text: string, packetText: string) {
  const workspace = parseWorkspace([{ id: 's1', name: 'nft list ruleset', format: 'nft', text }]);
  return evaluate(workspace, parsePacket(packetText).packet);
}

function makeStore(evalClient: EvalClient = createInlineEvalClient(), text = TEXT): AppStore {
  return createAppStore({ client: createInlineParseClient(), evalClient, sources: [{ id: 's1', name: 'nft list ruleset', text, formatChoice: 'auto' }], debounceMs: 10, traceDebounceMs: 20 });
}

async function parsed(store: AppStore): Promise<void> {
  await vi.waitFor(() => expect(store.getState().parses.s1?.result).toBeDefined());
}

/** An eval client the test answers by hand (in any order), playing the worker. */
function manualClient() {
  const pending: { request: EvalRequest; resolve: (r: EvalResponse) => void; reject: (e: Error) => void }[] = [];
  const inline = createInlineEvalClient();
  const client: EvalClient = { evaluate: (request) => new Promise((resolve, reject) => pending.push({ request, resolve, reject })), dispose: () => {} };
  return {
    client,
    pending,
    async answer(seq: number) {
      const i = pending.findIndex((p) => p.request.seq === seq);
      const [p] = pending.splice(i, 1);
      p!.resolve(await inline.evaluate(p!.request));
      await Promise.resolve();
    },
    async fail(seq: number, message: string) {
      const i = pending.findIndex((p) => p.request.seq === seq);
      pending.splice(i, 1)[0]!.reject(new Error(message));
      await Promise.resolve();
      await Promise.resolve();
    },
  };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('trace slice', () => {
  it('traces a packet after a pause, on the parsed workspace, with the CLI’s result', async () => {
    const store = makeStore();
    await parsed(store);
    store.getState().setPacketText(DNS);
    expect(store.getState().tracePending).toBe(true);
    await vi.waitFor(() => expect(store.getState().traceResult).not.toBeNull());
    const result = store.getState().traceResult!;
    const expected = cliTrace(TEXT, DNS);
    expect(result.packetText).toBe(DNS);
    expect(result.trace.fate).toEqual(expected.fate);
    expect(result.trace.steps.map((s) => s.text)).toEqual(expected.steps.map((s) => s.text));
    expect(result.tree.leaves.length).toBe(evaluateBranches(parseWorkspace([{ id: 's1', name: 'x', format: 'nft', text: TEXT }]), parsePacket(DNS).packet).leaves.length);
    expect(store.getState().tracePending).toBe(false);
    expect(store.getState().stepIndex).toBe(0);
  });

  it('selects the same diagnostics list for the same state (React re-renders forever otherwise)', () => {
    const store = makeStore();
    expect(selectPacketDiagnostics(store.getState())).toBe(selectPacketDiagnostics(store.getState()));
    store.getState().setPacketText('ip daddr 10.0.0.');
    expect(selectPacketDiagnostics(store.getState()).length).toBeGreaterThan(0);
    expect(selectPacketDiagnostics(store.getState())).toBe(selectPacketDiagnostics(store.getState()));
  });

  it('does not trace a packet with errors and reports the diagnostics with ranges into the text', async () => {
    const client = manualClient();
    const store = makeStore(client.client);
    await parsed(store);
    store.getState().setPacketText('ip daddr 10.0.0.1 tcp dport banana');
    const diags = selectPacketDiagnostics(store.getState());
    expect(diags.some((d) => d.severity === 'error')).toBe(true);
    const bad = diags.find((d) => d.severity === 'error')!;
    expect('ip daddr 10.0.0.1 tcp dport banana'.slice(bad.range.start, bad.range.end)).toBe('banana');
    store.getState().runTrace();
    expect(client.pending).toHaveLength(0);
    expect(store.getState().tracePending).toBe(false);
    store.getState().setPacketText('');
    expect(selectPacketDiagnostics(store.getState())).toEqual([]);
  });

  it('keeps only the newest answer when requests overlap', async () => {
    const client = manualClient();
    const store = makeStore(client.client);
    await parsed(store);
    store.getState().tracePacket(DNS);
    store.getState().tracePacket(NO_ENDPOINTS);
    expect(client.pending.map((p) => [p.request.seq, p.request.packetText])).toEqual([
      [1, DNS],
      [2, NO_ENDPOINTS],
    ]);
    await client.answer(2);
    await client.answer(1);
    expect(store.getState().traceResult?.packetText).toBe(NO_ENDPOINTS);
    expect(store.getState().traceResult?.trace.fate.kind).toBe('rejected');
  });

  it('sends the host spec and forwarding choice with the request', async () => {
    const client = manualClient();
    const store = makeStore(client.client);
    await parsed(store);
    store.getState().setHostText('eth0=192.168.49.2/24 default=eth0');
    store.getState().setForwarding('on');
    store.getState().tracePacket(DNS);
    const request = client.pending[client.pending.length - 1]!.request;
    expect(request).toMatchObject({ host: 'eth0=192.168.49.2/24 default=eth0', forwarding: 'on', packetText: DNS });
    expect(request.sources).toEqual([{ id: 's1', name: 'nft list ruleset', format: 'nft', text: TEXT }]);
  });

  it('shows an evaluation failure instead of a result, and clears it with the next answer', async () => {
    const client = manualClient();
    const store = makeStore(client.client);
    await parsed(store);
    store.getState().tracePacket(DNS);
    await client.fail(1, 'boom');
    expect(store.getState().traceError).toBe('boom');
    expect(store.getState().tracePending).toBe(false);
    store.getState().runTrace();
    await client.answer(2);
    expect(store.getState().traceError).toBeNull();
    expect(store.getState().traceResult).not.toBeNull();
  });

  it('steps within the trace and switches between the branch tree’s leaves', async () => {
    const store = makeStore();
    await parsed(store);
    store.getState().tracePacket(DNS);
    await vi.waitFor(() => expect(store.getState().traceResult).not.toBeNull());
    const steps = store.getState().traceResult!.trace.steps.length;
    store.getState().stepBy(-1);
    expect(store.getState().stepIndex).toBe(0);
    store.getState().stepBy(3);
    expect(store.getState().stepIndex).toBe(3);
    store.getState().setStepIndex(10_000);
    expect(store.getState().stepIndex).toBe(steps - 1);

    const tree = store.getState().traceResult!.tree;
    expect(tree.leaves.length).toBe(2);
    store.getState().chooseLeaf(1);
    expect(store.getState().stepIndex).toBe(0);
    expect(selectShownTrace(store.getState())).toBe(tree.leaves[1]);
    expect(selectShownTrace(store.getState())!.fate.reason).not.toBe(tree.leaves[0]!.fate.reason);
    store.getState().chooseLeaf(99);
    expect(selectShownTrace(store.getState())).toBe(store.getState().traceResult!.trace);
  });

  it('traces the packet again when the ruleset changes, keeping the place in it', async () => {
    const store = makeStore();
    await parsed(store);
    store.getState().tracePacket(NO_ENDPOINTS);
    await vi.waitFor(() => expect(store.getState().traceResult?.trace.fate.kind).toBe('rejected'));
    store.getState().setStepIndex(4);
    const before = store.getState().traceResult!.seq;
    // Without the element that sends 10.96.77.3:5432 to reject-chain, the packet is not rejected any more.
    const edited = TEXT.replace('elements = { 10.96.77.3 . tcp . 5432 comment "shop/db:postgres" : goto reject-chain }', '');
    expect(edited).not.toBe(TEXT);
    store.getState().setText(edited);
    await vi.waitFor(() => expect(store.getState().traceResult!.seq).toBeGreaterThan(before));
    expect(store.getState().traceResult!.trace.fate).toEqual(cliTrace(edited, NO_ENDPOINTS).fate);
    expect(store.getState().traceResult!.trace.fate.kind).not.toBe('rejected');
    expect(store.getState().stepIndex).toBe(4);
  });

  it('a new packet starts at the first step and the default path', async () => {
    const store = makeStore();
    await parsed(store);
    store.getState().tracePacket(DNS);
    await vi.waitFor(() => expect(store.getState().traceResult).not.toBeNull());
    store.getState().chooseLeaf(1);
    store.getState().setStepIndex(5);
    store.getState().tracePacket(NO_ENDPOINTS);
    await vi.waitFor(() => expect(store.getState().traceResult?.packetText).toBe(NO_ENDPOINTS));
    expect(store.getState().stepIndex).toBe(0);
    expect(store.getState().leafIndex).toBeNull();
    store.getState().clearTrace();
    expect(store.getState().traceResult).toBeNull();
    expect(store.getState().packetText).toBe('');
  });

  it('does not trace a workspace whose sources are still on their first parse (it would look empty)', async () => {
    // A parse client that answers only when told to, playing a slow worker.
    const held: (() => void)[] = [];
    const inlineParse = createInlineParseClient();
    const client = { parse: (request: Parameters<typeof inlineParse.parse>[0]) => new Promise<Awaited<ReturnType<typeof inlineParse.parse>>>((resolve) => held.push(() => void inlineParse.parse(request).then(resolve))), dispose: () => {} };
    const evals = manualClient();
    const store = createAppStore({ client, evalClient: evals.client, sources: [{ id: 's1', name: 'nft list ruleset', text: TEXT, formatChoice: 'auto' }], debounceMs: 10, traceDebounceMs: 20 });
    store.getState().tracePacket(NO_ENDPOINTS);
    expect(evals.pending).toHaveLength(0);
    expect(store.getState().tracePending).toBe(true);
    for (const release of held.splice(0)) release();
    await vi.waitFor(() => expect(evals.pending).toHaveLength(1));
    expect(evals.pending[0]!.request.sources.map((s) => s.id)).toEqual(['s1']);
  });

  it('traces the packet a workspace brings (link, session, example) once its sources are parsed', async () => {
    const store = createAppStore({
      client: createInlineParseClient(),
      evalClient: createInlineEvalClient(),
      workspace: { snapshot: { sources: [{ name: 'nft list ruleset', text: TEXT, formatChoice: 'auto' }], packet: NO_ENDPOINTS }, origin: { kind: 'link' } },
      debounceMs: 10,
      traceDebounceMs: 20,
    });
    await vi.waitFor(() => expect(store.getState().traceResult?.packetText).toBe(NO_ENDPOINTS));
    await vi.waitFor(() => expect(store.getState().traceResult?.trace.fate).toEqual(cliTrace(TEXT, NO_ENDPOINTS).fate));
    expect(store.getState().traceResult?.trace.fate.kind).toBe('rejected');
  });
});
