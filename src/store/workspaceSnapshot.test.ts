// Snapshots of the workspace: a permalink made from a store, opened in a fresh store, restores the same sources
// (names, texts, auto or forced formats), packet and view (tab, active source, selection, open nodes, theme);
// damaged view fields are dropped, not fatal; workspace files are told apart from dumps.
import { describe, expect, it, vi } from 'vitest';
import { buildPermalink, decodePermalink } from '../share/permalink.ts';
import { findExample } from '../examples/index.ts';
import { detectFormat } from '../parse/index.ts';
import { createAppStore, type AppStore } from './appStore.ts';
import { createInlineParseClient } from './parseClient.ts';
import { selectOutlineIndex } from './selectors.ts';
import {
  fromPermalinkState, fromRelativeNodeId, readWorkspaceFile, snapshotWorkspace, toPermalinkState, toRelativeNodeId, workspaceFileText,
  type WorkspaceSnapshot,
} from './workspaceSnapshot.ts';

const legacyAndNft = findExample('legacy-and-nft')!;

function exampleStore(): AppStore {
  return createAppStore({
    client: createInlineParseClient(),
    workspace: {
      snapshot: { sources: legacyAndNft.sources.map((s) => ({ name: s.name, text: s.text, formatChoice: 'auto', named: true })) },
      origin: { kind: 'example', exampleId: legacyAndNft.id },
    },
  });
}

async function settled(store: AppStore): Promise<void> {
  await vi.waitFor(() => expect(Object.values(store.getState().parses).every((p) => !p.pending && p.result)).toBe(true));
}

/** The parts of a store a link must carry, with source ids replaced by positions. */
function observable(store: AppStore) {
  const s = store.getState();
  const ids = s.sources.map((x) => x.id);
  return {
    sources: s.sources.map((x) => [x.name, x.formatChoice, x.text.length, x.named === true]),
    active: ids.indexOf(s.activeSourceId),
    packet: s.packetText,
    tab: s.activeTab,
    theme: s.theme,
    selection: s.selection && { source: ids.indexOf(s.selection.sourceId), node: s.selection.nodeId && toRelativeNodeId(s.selection.nodeId, ids), range: s.selection.range },
    expanded: Object.entries(s.expanded).map(([id, open]) => [toRelativeNodeId(id, ids), open]),
  };
}

describe('workspace snapshots', () => {
  it('node ids are stored by source position and come back under new ids', () => {
    expect(toRelativeNodeId('src:source-7/t:ip:nat#0/chains', ['source-1', 'source-7'])).toBe('1/t:ip:nat#0/chains');
    expect(toRelativeNodeId('src:source-1', ['source-1'])).toBe('0');
    expect(toRelativeNodeId('src:source-10/x', ['source-1'])).toBeUndefined();
    expect(fromRelativeNodeId('1/t:ip:nat#0/chains', ['a', 'b'])).toBe('src:b/t:ip:nat#0/chains');
    expect(fromRelativeNodeId('2/x', ['a', 'b'])).toBeUndefined();
    expect(fromRelativeNodeId('x/2', ['a'])).toBeUndefined();
  });

  it('a link made from one store restores sources, packet and view in a fresh one', async () => {
    const store = exampleStore();
    await settled(store);
    const [nftId, legacyId] = store.getState().sources.map((s) => s.id);
    // View state a user makes: a forced format, a selection in the second source, a closed table, a tab, a theme.
    store.getState().setFormatChoice('iptables', legacyId);
    await settled(store);
    const input = [...selectOutlineIndex(store.getState()).byId.values()].find((n) => n.sourceId === legacyId && n.label === 'INPUT')!;
    store.getState().selectNode(input.id, 'outline');
    const nftTable = [...selectOutlineIndex(store.getState()).byId.values()].find((n) => n.sourceId === nftId && n.kind === 'table')!;
    store.getState().toggleExpanded(nftTable.id);
    store.getState().setActiveTab('graph');
    store.getState().toggleTheme();
    store.getState().setPacketText(legacyAndNft.packets[0]!.text);
    store.getState().addSource({ text: 'TCP  10.96.0.1:443 rr\n' }); // an auto-detected, unnamed third source
    store.getState().setActiveSource(legacyId!);

    const snapshot = snapshotWorkspace(store.getState());
    const state = store.getState();
    const link = buildPermalink(toPermalinkState(snapshot, (i) => state.parses[state.sources[i]!.id]?.format ?? detectFormat(state.sources[i]!.text)));
    expect(link.tooLarge).toBeUndefined();
    const decoded = decodePermalink(`https://example.test/nflens/#${link.fragment}`);
    if (!decoded.ok) throw new Error(decoded.error);
    const opened = createAppStore({
      client: createInlineParseClient(),
      workspace: { snapshot: fromPermalinkState(decoded.state), origin: { kind: 'link' } },
    });
    await settled(opened);
    expect(observable(opened)).toEqual(observable(store));
    expect(observable(opened)).toMatchObject({ active: 1, tab: 'graph', theme: 'dark', selection: { source: 1, node: expect.stringMatching(/^1\//) } });
    expect(opened.getState().sources.map((s) => s.formatChoice)).toEqual(['auto', 'iptables', 'auto']);
    // The restored selection names a node that exists once the source is parsed.
    expect(selectOutlineIndex(opened.getState()).byId.get(opened.getState().selection!.nodeId!)?.label).toBe('INPUT');
    expect(fromPermalinkState(decoded.state).example).toBe('legacy-and-nft');
  });

  it('a link with malformed or unknown view fields still opens its sources', () => {
    const snapshot = fromPermalinkState({
      sources: [{ name: 'a', format: 'nft', text: 'table ip t {}' }],
      view: { active: 5, auto: ['x', 0, 9], tab: '<img src=x>', selection: { source: 3 }, expanded: { '0': 'yes', '0/t': true }, theme: 'blue', future: 1 },
    });
    expect(snapshot).toEqual({ sources: [{ name: 'a', text: 'table ip t {}', formatChoice: 'auto' }], view: { expanded: { '0/t': true } } });
    // Without view.auto, the link's formats are kept as chosen.
    expect(fromPermalinkState({ sources: [{ name: 'a', format: 'ipset', text: '' }] }).sources[0]?.formatChoice).toBe('ipset');
  });

  it('workspace files round-trip and are told apart from dumps (nft -j JSON included)', () => {
    const snapshot: WorkspaceSnapshot = { sources: [{ name: 'x', text: '*filter\nCOMMIT\n', formatChoice: 'iptables', named: true }], active: 0, packet: 'tcp dport 22', view: { tab: 'outline' } };
    const text = workspaceFileText(snapshot, new Date('2026-11-23T10:00:00Z'));
    expect(readWorkspaceFile(text)).toEqual({ kind: 'workspace', snapshot, savedAt: '2026-11-23T10:00:00.000Z' });
    expect(readWorkspaceFile('{"nftables": [{"metainfo": {}}]}')).toEqual({ kind: 'other' });
    expect(readWorkspaceFile('table ip t {}')).toEqual({ kind: 'other' });
    expect(readWorkspaceFile(text.slice(0, -5))).toMatchObject({ kind: 'invalid', error: expect.stringContaining('not valid JSON') });
    expect(readWorkspaceFile(text.replace('"iptables"', '"pf"'))).toMatchObject({ kind: 'invalid', error: expect.stringContaining('not a known format') });
    expect(readWorkspaceFile(text.replace('"version":1', '"version":9'))).toMatchObject({ kind: 'invalid', error: expect.stringContaining('version 9') });
  });
});
