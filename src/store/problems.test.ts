// Workspace problems against the real parsers: the legacy-and-nft example's cross-source warning, in the
// problems list with its source and on the outline node it is about; merged again without re-parsing
// when a source is renamed, and gone when the other side of the clash is removed.
import { describe, expect, it, vi } from 'vitest';
import { findExample } from '../examples/index.ts';
import { createAppStore, type AppStore, type ParseClient } from './appStore.ts';
import { createInlineParseClient } from './parseClient.ts';
import { selectOutlineIndex } from './selectors.ts';
import { selectOutlineMarks, selectProblemCounts, selectProblems, selectWorkspaceDiagnostics } from './problems.ts';

const example = findExample('legacy-and-nft')!;

function countingClient(): ParseClient & { calls: number } {
  const inline = createInlineParseClient();
  const client = { calls: 0, parse: (r: Parameters<ParseClient['parse']>[0]) => (client.calls++, inline.parse(r)), dispose: () => {} };
  return client;
}

async function load(client: ParseClient, extra: { name: string; text: string }[] = []): Promise<AppStore> {
  const store = createAppStore({
    client,
    workspace: {
      snapshot: { sources: [...example.sources, ...extra].map((s) => ({ name: s.name, text: s.text, formatChoice: 'auto' })) },
      origin: { kind: 'example', exampleId: example.id },
    },
  });
  await vi.waitFor(() => expect(Object.values(store.getState().parses).every((p) => p.result && !p.pending)).toBe(true));
  return store;
}

describe('workspace problems', () => {
  it('lists the legacy/nft clash with its source, and marks the legacy INPUT chain and its ancestors in the outline', async () => {
    const store = await load(countingClient());
    const [nftId, legacyId] = store.getState().sources.map((s) => s.id);
    const diagnostics = selectWorkspaceDiagnostics(store.getState());
    expect(diagnostics.map((d) => [d.sourceId, d.severity, d.code])).toEqual([[legacyId, 'warning', 'SRC2002']]);
    expect(diagnostics[0]!.message).toContain('(iptables-legacy-save)');
    expect(selectProblems(store.getState())).toEqual([{ sourceId: legacyId, origin: 'workspace', diagnostic: diagnostics[0] }]);
    expect(selectProblemCounts(store.getState()).get(legacyId!)).toEqual({ errors: 0, warnings: 1, infos: 0 });
    expect(selectProblemCounts(store.getState()).get(nftId!)).toBeUndefined();

    const marks = selectOutlineMarks(store.getState());
    const index = selectOutlineIndex(store.getState());
    const marked = [...marks.entries()].map(([id, m]) => [index.byId.get(id)?.kind, index.byId.get(id)?.label, m.count, m.messages.length]);
    expect(marked).toEqual([
      ['source', 'iptables-legacy-save', 1, 0],
      ['table', 'ip filter', 1, 0],
      ['group', 'Base chains', 1, 0],
      ['chain', 'INPUT', 1, 1],
    ]);
    // Derived values are stable while nothing they depend on changes.
    store.getState().setActiveTab('graph');
    expect(selectOutlineMarks(store.getState())).toBe(marks);
    expect(selectWorkspaceDiagnostics(store.getState())).toBe(diagnostics);
  });

  it('merges again on rename without parsing, and drops the warning when the nft side is removed', async () => {
    const client = countingClient();
    const store = await load(client);
    const calls = client.calls;
    const [nftId, legacyId] = store.getState().sources.map((s) => s.id);
    store.getState().renameSource('node-1 legacy', legacyId);
    expect(selectWorkspaceDiagnostics(store.getState())[0]!.message).toContain('(node-1 legacy)');
    expect(client.calls).toBe(calls);
    store.getState().removeSource(nftId!);
    expect(selectWorkspaceDiagnostics(store.getState())).toEqual([]);
    expect(selectOutlineMarks(store.getState()).size).toBe(0);
  });

  it('puts parse diagnostics and workspace diagnostics of a source together, by position', async () => {
    const store = await load(createInlineParseClient(), [{ name: 'broken', text: 'table ip t {\n\tchain c {\n\t\tjump nowhere\n\t\ttcp dport == == 1 accept\n\t}\n}\n' }]);
    const broken = store.getState().sources[2]!.id;
    const own = selectProblems(store.getState()).filter((p) => p.sourceId === broken);
    // The parser's own "no such chain" error and the workspace warning stand at the jump, the error first.
    expect(own.slice(0, 2).map((p) => [p.origin, p.diagnostic.severity, p.diagnostic.code])).toEqual([
      ['parse', 'error', 'NFT1061'],
      ['workspace', 'warning', 'SRC2004'],
    ]);
    expect(own.slice(2).every((p) => p.origin === 'parse')).toBe(true);
    const starts = own.map((p) => p.diagnostic.range.start);
    expect(starts).toEqual([...starts].sort((a, b) => a - b));
  });
});
