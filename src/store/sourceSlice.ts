// Source slice: the texts the user pasted (one active source for now; the shape holds several) and the
// format each is read as. Editing schedules a debounced parse. Imports only types and the parse slice's actions.
import type { StateCreator } from 'zustand/vanilla';
import type { FormatChoice } from './parseClient.ts';
import type { AppState } from './appStore.ts';

export interface SourceEntry {
  readonly id: string;
  readonly name: string;
  readonly text: string;
  /** What the user chose in the format selector; `auto` means detect from the text. */
  readonly formatChoice: FormatChoice;
}

export interface SourceSlice {
  readonly sources: readonly SourceEntry[];
  readonly activeSourceId: string;
  /** Typing in the editor: updates the text and parses after a pause. */
  setText(text: string, sourceId?: string): void;
  /** Replacing the whole text at once (load example, open file): parses right away. */
  loadText(text: string, name?: string, sourceId?: string): void;
  setFormatChoice(choice: FormatChoice, sourceId?: string): void;
  renameSource(name: string, sourceId?: string): void;
  /** Shows another source in the editor (graph and trace selections in another source switch to it). */
  setActiveSource(sourceId: string): void;
}

export function createSourceSlice(initial: readonly SourceEntry[]): StateCreator<AppState, [], [], SourceSlice> {
  if (initial.length === 0) throw new Error('a workspace starts with at least one source');
  return (set, get) => {
    const update = (sourceId: string | undefined, patch: Partial<SourceEntry>): string => {
      const id = sourceId ?? get().activeSourceId;
      set((s) => ({ sources: s.sources.map((src) => (src.id === id ? { ...src, ...patch } : src)) }));
      return id;
    };
    return {
      sources: initial,
      activeSourceId: initial[0]!.id,
      setText: (text, sourceId) => {
        const id = sourceId ?? get().activeSourceId;
        if (get().sources.find((s) => s.id === id)?.text === text) return;
        get().scheduleParse(update(id, { text }));
      },
      loadText: (text, name, sourceId) => {
        get().requestParse(update(sourceId, name === undefined ? { text } : { text, name }));
      },
      setFormatChoice: (formatChoice, sourceId) => {
        get().requestParse(update(sourceId, { formatChoice }));
      },
      renameSource: (name, sourceId) => {
        update(sourceId, { name });
      },
      setActiveSource: (sourceId) => {
        if (sourceId !== get().activeSourceId && get().sources.some((s) => s.id === sourceId)) set({ activeSourceId: sourceId });
      },
    };
  };
}
