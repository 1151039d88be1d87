import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, vi } from 'vitest';
import { generateKubeProxy } from '../../scripts/kubeproxy/generate.ts';
import { createAppStore, type AppStore, type SourceEntry } from './appStore.ts';
import { selectGraphModel, pipelineFamiliesOf } from './graphSelectors.ts';
import { createInlineParseClient } from './parseClient.ts';
import { selectWorkspace } from './workspaceSelectors.ts';

const TEXT = readFileSync(fileURLToPath(new URL('../../test/fixtures/kubeProxySmall.nft', import.meta.url)), 'utf8');
const IPTABLES = '*filter\n:INPUT DROP [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n:SSH - [0:0]\n-A INPUT -p tcp --dport 22 -j SSH\n-A SSH -s 10.0.0.0/8 -j ACCEPT\nCOMMIT\n';

async function storeOf(sources: SourceEntry[]): Promise<AppStore> {
  const store = createAppStore({ client: createInlineParseClient(), sources, debounceMs: 10 });
  await vi.waitFor(() => expect(sources.every((s) => store.getState().parses[s.id]?.result)).toBe(true));
  return store;
}

const nftSource: SourceEntry = { id: 'nft', name: 'nft list ruleset', text: TEXT, formatChoice: 'auto' };
const iptSource: SourceEntry = { id: 'ipt', name: 'iptables-save', text: IPTABLES, formatChoice: 'auto' };

describe('graph view slice', () => {
  it('derives the graph model once per workspace and set of opened aggregates', async () => {
    const store = await storeOf([nftSource, iptSource]);
    const model = selectGraphModel(store.getState());
    expect(selectGraphModel(store.getState())).toBe(model);
    const labels = model.nodes.map((n) => n.label);
    expect(labels).toContain('nat-prerouting');
    expect(labels).toContain('services');
    expect(labels).toContain('SSH');
    expect(model.groups.filter((g) => g.kind === 'source').map((g) => g.sourceId)).toEqual(['nft', 'ipt']);
    store.getState().setGraphQuery('x');
    expect(selectGraphModel(store.getState())).toBe(model);
  });

  it('selecting a node reveals its text in the editor, switching to its source', async () => {
    const store = await storeOf([nftSource, iptSource]);
    const ssh = selectGraphModel(store.getState()).nodes.find((n) => n.label === 'SSH')!;
    store.getState().selectGraphNode(ssh.id);
    const s = store.getState();
    expect(s.graphSelectedId).toBe(ssh.id);
    expect(s.activeSourceId).toBe('ipt');
    expect(s.selection).toMatchObject({ sourceId: 'ipt', origin: 'graph' });
    expect(IPTABLES.slice(s.selection!.range!.start, s.selection!.range!.end)).toContain('SSH');
    const services = selectGraphModel(s).nodes.find((n) => n.label === 'services')!;
    store.getState().selectGraphNode(services.id);
    expect(store.getState().activeSourceId).toBe('nft');
    expect(TEXT.slice(store.getState().selection!.range!.start, store.getState().selection!.range!.end)).toContain('services');
    store.getState().selectGraphNode(null);
    expect(store.getState().graphSelectedId).toBeNull();
  });

  it('the editor cursor selects the node whose text it is in', async () => {
    const store = await storeOf([nftSource]);
    const offset = TEXT.indexOf('chain masquerading') + 8;
    store.getState().graphSelectAtOffset('nft', offset);
    const id = store.getState().graphSelectedId!;
    expect(selectGraphModel(store.getState()).nodes.find((n) => n.id === id)?.label).toBe('masquerading');
    // The cursor does not move the editor: no selection is revealed.
    expect(store.getState().selection).toBeNull();
  });

  it('a search by address focuses the chain that handles it and reveals the matching text', async () => {
    const store = await storeOf([nftSource]);
    store.getState().runGraphSearch('10.96.77.3');
    const s = store.getState();
    expect(s.graphHits?.length).toBeGreaterThan(0);
    expect(s.graphFocus?.nodeId).toBe(s.graphHits![0]!.nodeId);
    expect(s.graphSelectedId).toBe(s.graphHits![0]!.nodeId);
    expect(TEXT.slice(s.selection!.range!.start, s.selection!.range!.end)).toContain('10.96.77.3');
    const serial = s.graphFocus!.serial;
    store.getState().focusSearchHit(s.graphHits![0]!);
    expect(store.getState().graphFocus!.serial).toBe(serial + 1);
    store.getState().runGraphSearch('');
    expect(store.getState().graphHits).toBeNull();
  });

  it('opens and closes aggregates of a large dump, and search opens what hides a hit', async () => {
    const dump = generateKubeProxy({ services: 40, endpointsPerService: 3, seed: 1, mode: 'nftables' });
    const text = dump.files.find((f) => f.name.endsWith('.nft') && !f.name.includes('transaction'))!.text;
    const store = await storeOf([{ id: 'big', name: 'nft list ruleset', text, formatChoice: 'auto' }]);
    const model = selectGraphModel(store.getState());
    const aggregates = model.nodes.filter((n) => n.kind === 'aggregate');
    expect(aggregates.length).toBeGreaterThan(0);
    const agg = aggregates[0]!;
    store.getState().expandAggregate(agg.id);
    const opened = selectGraphModel(store.getState());
    expect(opened).not.toBe(model);
    expect(opened.nodes.some((n) => n.id === agg.id)).toBe(false);
    const member = opened.nodes.find((n) => 'within' in n && n.within === agg.id) ?? opened.nodes.find((n) => n.kind === 'chain' && !model.nodes.some((m) => m.id === n.id))!;
    expect(member).toBeDefined();
    store.getState().selectGraphNode(member.id);
    store.getState().collapseAggregate(agg.id);
    expect(store.getState().graphExpanded).toEqual([]);
    expect(selectGraphModel(store.getState()).nodes.some((n) => n.id === agg.id)).toBe(true);

    // A chain folded into an aggregate: the search opens it and focuses the chain itself.
    const workspace = selectWorkspace(store.getState());
    const chains = workspace.sources[0]!.result.ruleset.tables[0]!.chains.map((c) => c.name);
    const hidden = chains.find((c) => c.startsWith('endpoint-') && !selectGraphModel(store.getState()).nodes.some((n) => n.label === c))!;
    expect(hidden).toBeDefined();
    store.getState().runGraphSearch(hidden);
    const focus = store.getState().graphFocus!;
    const after = selectGraphModel(store.getState());
    expect(after.nodes.find((n) => n.id === focus.nodeId)?.label).toBe(hidden);
    expect(store.getState().graphExpanded.length).toBeGreaterThan(0);
    store.getState().collapseAll();
    expect(store.getState().graphExpanded).toEqual([]);
  });

  it('offers the pipeline families the workspace has hooks for', async () => {
    const store = await storeOf([nftSource, iptSource]);
    expect(pipelineFamiliesOf(selectWorkspace(store.getState()))).toEqual(['ip']);
    const inet = await storeOf([{ id: 'i', name: 'x', text: 'table inet f {\n\tchain input {\n\t\ttype filter hook input priority 0; policy accept;\n\t}\n}\n', formatChoice: 'auto' }]);
    expect(pipelineFamiliesOf(selectWorkspace(inet.getState()))).toEqual(['inet']);
  });
});
