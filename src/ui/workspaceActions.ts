// What replaces the whole workspace (an example, a link, a workspace file, "New"), shared by the header, the
// gallery, the sources panel and startup: the snapshot to load, the question before edits are lost, and the
// notice saying what happened. Imports the store, the examples catalogue and the confirm hook's types.
import type { AppStore } from '../store/appStore.ts';
import { hasUnsavedEdits, type WorkspaceOrigin } from '../store/sourceSlice.ts';
import type { WorkspaceSnapshot } from '../store/workspaceSnapshot.ts';
import { EXAMPLES, findExample, type Example } from '../examples/index.ts';
import type { ConfirmRequest } from './Confirm.tsx';

/** The workspace the page starts with when there is no link and no saved session. */
export const DEFAULT_EXAMPLE_ID = 'kube-proxy-nftables';

export function defaultExample(): Example {
  return findExample(DEFAULT_EXAMPLE_ID) ?? EXAMPLES[0]!;
}

/** An example as a workspace. Its sources are auto-detected and unnamed: pasting another dump over one
 *  renames it after what was pasted, since the example's name would mislead from then on. The first
 *  suggested packet is put under trace, so the tracer has something to show at once. */
export function exampleSnapshot(example: Example, packetIndex = 0): WorkspaceSnapshot {
  const packet = example.packets[packetIndex] ?? example.packets[0];
  return {
    sources: example.sources.map((s) => ({ name: s.name, text: s.text, formatChoice: 'auto' })),
    active: 0,
    example: example.id,
    ...(packet ? { packet: packet.text } : {}),
  };
}

export function suggestedPacketsOf(exampleId: string | undefined): Example['packets'] {
  return (exampleId !== undefined ? findExample(exampleId)?.packets : undefined) ?? [];
}

export type ConfirmFn = (request: ConfirmRequest) => Promise<boolean>;

/** Asks before replacing a workspace with edits that were not loaded from anywhere (they would be lost). */
export async function mayReplaceWorkspace(store: AppStore, confirm: ConfirmFn, replacement: string): Promise<boolean> {
  if (!hasUnsavedEdits(store.getState())) return true;
  return confirm({
    title: 'Replace the workspace?',
    message: `Your edits to the current workspace will be lost when ${replacement} replaces it. Copy a link or download the workspace first to keep them.`,
    confirmLabel: 'Replace workspace',
  });
}

/** Loads a snapshot as the whole workspace; an example's suggested packets come with it. */
export function loadSnapshot(store: AppStore, snapshot: WorkspaceSnapshot, origin: WorkspaceOrigin): void {
  const suggestedPackets = suggestedPacketsOf(origin.kind === 'example' ? origin.exampleId : snapshot.example);
  store.getState().replaceWorkspace(snapshot, origin, { suggestedPackets });
  store.getState().dismissNoticeKind('removed');
}

export function loadExample(store: AppStore, example: Example, packetIndex = 0): void {
  const snapshot = exampleSnapshot(example, packetIndex);
  loadSnapshot(store, snapshot, { kind: 'example', exampleId: example.id });
  store.getState().notify({
    kind: 'workspace',
    tone: 'info',
    title: `Loaded the example “${example.title}”`,
    detail: snapshot.packet !== undefined ? `Packet to trace: ${snapshot.packet}` : undefined,
  });
}

export function newWorkspace(store: AppStore): void {
  loadSnapshot(store, { sources: [] }, { kind: 'new' });
  store.getState().notify({ kind: 'workspace', tone: 'info', title: 'New, empty workspace', detail: 'Paste a dump into the editor, drop files on the page, or open files.' });
}

/** "2 sources, a packet" — what a workspace holds, for notices. */
export function describeSnapshot(snapshot: WorkspaceSnapshot): string {
  const n = snapshot.sources.length;
  const parts = [`${n} ${n === 1 ? 'source' : 'sources'} (${snapshot.sources.map((s) => s.name).join(', ')})`];
  if (snapshot.packet) parts.push(`packet: ${snapshot.packet}`);
  return parts.join(' · ');
}
