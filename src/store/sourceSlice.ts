// Workspace slice: the named sources the user pasted, dropped or opened (several at once: `nft list ruleset`
// next to `iptables-legacy-save`, `ipset save`, `ipvsadm -Ln`), the format each is read as, which one the
// editor shows, the last removal (for undo), and the workspace as it was loaded (to know about unsaved edits).
// Editing schedules a debounced parse of that source only. Imports store modules and format detection only.
import type { StateCreator } from 'zustand/vanilla';
import { detectFormat } from '../parse/detect.ts';
import type { FormatChoice } from './parseClient.ts';
import type { AppState } from './appStore.ts';
import type { ParseEntry } from './parseSlice.ts';
import type { SuggestedPacket } from './packetSlice.ts';
import { FORMAT_LABEL, UNTITLED, uniqueName } from './sourceNames.ts';
import { fromRelativeNodeId, type WorkspaceSnapshot } from './workspaceSnapshot.ts';

/** Whether a text holds only whitespace. Stops at the first other character: `text.trim() === ''` copies the
 *  whole text, and selectors run on every store update (a 35 MB source made each keystroke copy it five times). */
export function isBlankText(text: string): boolean {
  return !/\S/.test(text);
}

export interface SourceEntry {
  readonly id: string;
  readonly name: string;
  readonly text: string;
  /** What the user chose in the format selector; `auto` means detect from the text. */
  readonly formatChoice: FormatChoice;
  /** The name was chosen (renamed, a file's name, an example's): a paste no longer renames the source. */
  readonly named?: boolean;
}

/** A source to add: everything optional (an empty, unnamed, auto-detected source by default). */
export interface SourceInit {
  readonly name?: string;
  readonly text?: string;
  readonly formatChoice?: FormatChoice;
  readonly named?: boolean;
}

/** Where the workspace as a whole came from. */
export type WorkspaceOrigin =
  | { readonly kind: 'example'; readonly exampleId: string }
  | { readonly kind: 'link' }
  | { readonly kind: 'session' }
  | { readonly kind: 'file'; readonly fileName: string }
  | { readonly kind: 'new' };

/** One source as loaded, to compare the current workspace against. */
export interface BaselineSource {
  readonly name: string;
  readonly text: string;
  readonly formatChoice: FormatChoice;
}

export interface RemovedSource {
  readonly entry: SourceEntry;
  readonly index: number;
  readonly wasActive: boolean;
  readonly parse?: ParseEntry;
  /** Id of the empty source put in its place when it was the last one. */
  readonly placeholderId?: string;
}

export interface SourceSlice {
  readonly sources: readonly SourceEntry[];
  readonly activeSourceId: string;
  readonly origin: WorkspaceOrigin;
  readonly baseline: readonly BaselineSource[];
  readonly lastRemoved: RemovedSource | null;
  /** Typing in the editor: updates the text and parses after a pause. */
  setText(text: string, sourceId?: string): void;
  /** Replacing the whole text at once: parses right away. */
  loadText(text: string, name?: string, sourceId?: string): void;
  setFormatChoice(choice: FormatChoice, sourceId?: string): void;
  /** The user names a source (an empty name is ignored). */
  renameSource(name: string, sourceId?: string): void;
  /** Everything was replaced by a paste: an unnamed source takes the name of the pasted format. */
  nameAfterPaste(sourceId?: string): void;
  /** Adds sources after the others, parses them, and shows the first one in the editor. Returns their ids. */
  addSources(inits: readonly SourceInit[]): string[];
  addSource(init?: SourceInit): string;
  /** Removes a source (the last one is replaced by an empty one); `undoRemove` puts it back. */
  removeSource(sourceId: string): void;
  undoRemove(): void;
  setActiveSource(sourceId: string): void;
  /** Replaces the whole workspace (example, link, session, file, new) with its view state, in one update. */
  replaceWorkspace(snapshot: WorkspaceSnapshot, origin: WorkspaceOrigin, extra?: { readonly suggestedPackets?: readonly SuggestedPacket[] }): void;
}

export function createSourceSlice(initial: readonly SourceEntry[]): StateCreator<AppState, [], [], SourceSlice> {
  if (initial.length === 0) throw new Error('a workspace starts with at least one source');
  return (set, get) => {
    // Ids are never reused, so a late parse response or a stale selection can never land on another source.
    let counter = Math.max(0, ...initial.map((s) => Number(/^source-(\d+)$/.exec(s.id)?.[1] ?? 0)));
    const newId = (): string => `source-${++counter}`;
    const entryFrom = (init: SourceInit, taken: string[]): SourceEntry => {
      const name = uniqueName(init.name ?? UNTITLED, taken);
      taken.push(name);
      return {
        id: newId(),
        name,
        text: init.text ?? '',
        formatChoice: init.formatChoice ?? 'auto',
        ...(init.named ? { named: true } : {}),
      };
    };
    const update = (sourceId: string | undefined, patch: Partial<SourceEntry>): string => {
      const id = sourceId ?? get().activeSourceId;
      set((s) => ({ sources: s.sources.map((src) => (src.id === id ? { ...src, ...patch } : src)) }));
      return id;
    };
    const otherNames = (id: string): string[] => get().sources.filter((s) => s.id !== id).map((s) => s.name);
    return {
      sources: initial,
      activeSourceId: initial[0]!.id,
      origin: { kind: 'new' },
      baseline: initial.map(baselineOf),
      lastRemoved: null,
      setText: (text, sourceId) => {
        const id = sourceId ?? get().activeSourceId;
        const source = get().sources.find((s) => s.id === id);
        if (!source || source.text === text) return;
        get().scheduleParse(update(id, { text }));
      },
      loadText: (text, name, sourceId) => {
        const id = sourceId ?? get().activeSourceId;
        if (!get().sources.some((s) => s.id === id)) return;
        get().requestParse(update(id, name === undefined ? { text } : { text, name: uniqueName(name, otherNames(id)) }));
      },
      setFormatChoice: (formatChoice, sourceId) => {
        const id = sourceId ?? get().activeSourceId;
        if (!get().sources.some((s) => s.id === id)) return;
        get().requestParse(update(id, { formatChoice }));
      },
      renameSource: (name, sourceId) => {
        const id = sourceId ?? get().activeSourceId;
        const source = get().sources.find((s) => s.id === id);
        if (!source || name.trim() === '') return;
        if (source.name === name.trim()) {
          if (!source.named) update(id, { named: true });
          return;
        }
        update(id, { name: uniqueName(name, otherNames(id)), named: true });
      },
      nameAfterPaste: (sourceId) => {
        const id = sourceId ?? get().activeSourceId;
        const source = get().sources.find((s) => s.id === id);
        if (!source || source.named || isBlankText(source.text)) return;
        const format = source.formatChoice === 'auto' ? detectFormat(source.text) : source.formatChoice;
        const name = uniqueName(FORMAT_LABEL[format], otherNames(id));
        if (name !== source.name) update(id, { name });
      },
      addSources: (inits) => {
        if (inits.length === 0) return [];
        const taken = get().sources.map((s) => s.name);
        const added = inits.map((init) => entryFrom(init, taken));
        // An empty, unnamed source nobody typed into (the page after "New", or the placeholder left by removing
        // the last source) is replaced rather than kept beside what arrives.
        const sources = get().sources;
        const only = sources.length === 1 ? sources[0] : undefined;
        const replaceBlank = only !== undefined && only.text === '' && !only.named;
        set({
          sources: replaceBlank ? added : [...sources, ...added],
          activeSourceId: added[0]!.id,
          ...(replaceBlank ? { lastRemoved: null } : {}),
        });
        if (replaceBlank) get().forgetParses([only.id]);
        for (const entry of added) get().requestParse(entry.id);
        return added.map((e) => e.id);
      },
      addSource: (init = {}) => get().addSources([init])[0]!,
      removeSource: (sourceId) => {
        const state = get();
        const index = state.sources.findIndex((s) => s.id === sourceId);
        const entry = state.sources[index];
        if (!entry) return;
        let rest = state.sources.filter((s) => s.id !== sourceId);
        let placeholderId: string | undefined;
        if (rest.length === 0) {
          const placeholder = entryFrom({}, []);
          placeholderId = placeholder.id;
          rest = [placeholder];
        }
        const wasActive = state.activeSourceId === sourceId;
        const neighbour = rest[Math.min(index, rest.length - 1)]!;
        const parse = state.parses[sourceId];
        set({
          sources: rest,
          activeSourceId: wasActive ? neighbour.id : state.activeSourceId,
          lastRemoved: { entry, index, wasActive, ...(parse ? { parse } : {}), ...(placeholderId ? { placeholderId } : {}) },
          ...(state.selection?.sourceId === sourceId ? { selection: null } : {}),
        });
        get().forgetParses([sourceId]);
        if (placeholderId) get().requestParse(placeholderId);
      },
      undoRemove: () => {
        const removed = get().lastRemoved;
        if (!removed) return;
        const state = get();
        // The placeholder goes again unless the user typed into it meanwhile.
        const placeholder = state.sources.find((s) => s.id === removed.placeholderId);
        const dropPlaceholder = placeholder !== undefined && placeholder.text === '' && !placeholder.named;
        const rest = dropPlaceholder ? state.sources.filter((s) => s.id !== placeholder.id) : [...state.sources];
        const entry = { ...removed.entry, name: uniqueName(removed.entry.name, rest.map((s) => s.name)) };
        rest.splice(Math.min(removed.index, rest.length), 0, entry);
        set({
          sources: rest,
          lastRemoved: null,
          ...(removed.wasActive || dropPlaceholder ? { activeSourceId: entry.id } : {}),
        });
        if (dropPlaceholder) get().forgetParses([placeholder.id]);
        get().restoreParse(entry.id, removed.parse);
      },
      setActiveSource: (sourceId) => {
        if (get().activeSourceId === sourceId || !get().sources.some((s) => s.id === sourceId)) return;
        set({ activeSourceId: sourceId });
      },
      replaceWorkspace: (snapshot, origin, extra = {}) => {
        const old = get().sources.map((s) => s.id);
        const taken: string[] = [];
        const inits = snapshot.sources.length > 0 ? snapshot.sources : [{}];
        const sources = inits.map((init) => entryFrom(init, taken));
        const ids = sources.map((s) => s.id);
        const active = sources[clampIndex(snapshot.active ?? 0, sources.length)]!;
        const view = snapshot.view ?? {};
        const selectionSource = view.selection ? ids[view.selection.source] : undefined;
        const selectionNode = view.selection?.node !== undefined ? fromRelativeNodeId(view.selection.node, ids) : undefined;
        const expanded: Record<string, boolean> = {};
        for (const [relative, open] of Object.entries(view.expanded ?? {})) {
          const id = fromRelativeNodeId(relative, ids);
          if (id !== undefined) expanded[id] = open;
        }
        get().cancelScheduledParses(old);
        set((s) => ({
          sources,
          parses: {},
          activeSourceId: active.id,
          origin,
          baseline: sources.map(baselineOf),
          lastRemoved: null,
          // The other slices' state about the old workspace goes in the same update, so that no subscriber ever
          // sees a selection or a packet of sources that are gone.
          selection:
            selectionSource !== undefined
              ? {
                  sourceId: selectionSource,
                  ...(selectionNode !== undefined ? { nodeId: selectionNode } : {}),
                  ...(view.selection?.range ? { range: view.selection.range } : {}),
                  origin: 'restore',
                  serial: (s.selection?.serial ?? 0) + 1,
                }
              : null,
          expanded,
          activeTab: view.tab ?? s.activeTab,
          ...(view.theme ? { theme: view.theme, themeSource: 'user' as const } : {}),
          packetText: snapshot.packet ?? '',
          suggestedPackets: extra.suggestedPackets ?? [],
        }));
        for (const id of ids) get().requestParse(id);
      },
    };
  };
}

function baselineOf(source: SourceEntry): BaselineSource {
  return { name: source.name, text: source.text, formatChoice: source.formatChoice };
}

function clampIndex(index: number, length: number): number {
  return Number.isInteger(index) && index >= 0 && index < length ? index : 0;
}

/** Has the workspace changed since it was loaded, in a way that replacing it would lose? (An empty
 *  workspace has nothing to lose.) */
export function hasUnsavedEdits(state: Pick<SourceSlice, 'sources' | 'baseline'>): boolean {
  const { sources, baseline } = state;
  if (sources.every((s) => isBlankText(s.text))) return false;
  if (sources.length !== baseline.length) return true;
  return sources.some((s, i) => {
    const b = baseline[i]!;
    return s.text !== b.text || s.name !== b.name || s.formatChoice !== b.formatChoice;
  });
}
