// View slice: what is selected (and from where, so the editor and the outline do not echo each other),
// which outline nodes are open, the tab shown on the right, and the colour theme. Imports the outline
// queries and selectors.
import type { StateCreator } from 'zustand/vanilla';
import type { SourceRange } from '../model/ir.ts';
import { ancestorsOf, findNodeAtOffset, isExpandedByDefault } from '../graph/outline.ts';
import { selectOutline, selectOutlineIndex } from './selectors.ts';
import type { AppState } from './appStore.ts';

export type Theme = 'light' | 'dark';

/** Who made the selection: the editor reveals selections it did not make, the outline scrolls to them.
 *  `restore`: brought back with a workspace (permalink, saved session). */
export type SelectionOrigin = 'outline' | 'editor' | 'problems' | 'restore';

/** The tab shown first on the right. */
export const DEFAULT_TAB = 'outline';

export interface Selection {
  readonly sourceId: string;
  /** Outline node, when the selection is one. */
  readonly nodeId?: string;
  readonly range?: SourceRange;
  readonly origin: SelectionOrigin;
  /** Increases with every selection, so that selecting the same thing again reveals it again. */
  readonly serial: number;
}

export interface ViewSlice {
  readonly selection: Selection | null;
  readonly theme: Theme;
  /** `system` while the theme follows `prefers-color-scheme`; `user` once toggled. */
  readonly themeSource: 'system' | 'user';
  /** Explicit open/closed state of outline nodes; others use `isExpandedByDefault`. */
  readonly expanded: Readonly<Record<string, boolean>>;
  /** Id of the view tab shown on the right (`outline`, `graph`, …; see ui/viewRegistry.tsx). */
  readonly activeTab: string;
  setActiveTab(tab: string): void;
  selectNode(nodeId: string, origin: SelectionOrigin): void;
  /** The editor's cursor moved: select the outline node there (nothing if there is none). `line` is the
   *  cursor's line, as offsets (see `findNodeAtOffset`). */
  selectAtOffset(sourceId: string, offset: number, line?: SourceRange): void;
  revealRange(sourceId: string, range: SourceRange, origin: SelectionOrigin): void;
  setExpanded(nodeId: string, open: boolean): void;
  toggleExpanded(nodeId: string): void;
  toggleTheme(): void;
  /** `prefers-color-scheme` changed; ignored once the user chose a theme. */
  setSystemTheme(theme: Theme): void;
}

export function createViewSlice(initialTheme: Theme): StateCreator<AppState, [], [], ViewSlice> {
  return (set, get) => {
    const nextSerial = (): number => (get().selection?.serial ?? 0) + 1;
    /** Opens every ancestor of a node so the outline can show it. */
    const revealInOutline = (nodeId: string): Record<string, boolean> | undefined => {
      const index = selectOutlineIndex(get());
      const closed = ancestorsOf(index, nodeId).filter((id) => {
        const node = index.byId.get(id);
        return node !== undefined && !(get().expanded[id] ?? isExpandedByDefault(node));
      });
      if (closed.length === 0) return undefined;
      return { ...get().expanded, ...Object.fromEntries(closed.map((id) => [id, true])) };
    };
    return {
      selection: null,
      theme: initialTheme,
      themeSource: 'system',
      expanded: {},
      activeTab: DEFAULT_TAB,
      setActiveTab: (activeTab) => {
        if (get().activeTab !== activeTab) set({ activeTab });
      },
      selectNode: (nodeId, origin) => {
        const node = selectOutlineIndex(get()).byId.get(nodeId);
        if (!node) return;
        const expanded = revealInOutline(nodeId);
        set({
          selection: { sourceId: node.sourceId, nodeId, ...(node.range ? { range: node.range } : {}), origin, serial: nextSerial() },
          // The editor shows the source the selection is in.
          activeSourceId: node.sourceId,
          ...(expanded ? { expanded } : {}),
        });
      },
      selectAtOffset: (sourceId, offset, line) => {
        const node = findNodeAtOffset(selectOutline(get()), sourceId, offset, line);
        const current = get().selection;
        if (current?.origin === 'editor' && current.nodeId === node?.id && current.sourceId === sourceId) return;
        if (!node) {
          if (current?.nodeId !== undefined) set({ selection: null });
          return;
        }
        const expanded = revealInOutline(node.id);
        set({
          selection: { sourceId, nodeId: node.id, ...(node.range ? { range: node.range } : {}), origin: 'editor', serial: nextSerial() },
          ...(expanded ? { expanded } : {}),
        });
      },
      revealRange: (sourceId, range, origin) => {
        if (!get().sources.some((src) => src.id === sourceId)) return;
        set({ selection: { sourceId, range, origin, serial: nextSerial() }, activeSourceId: sourceId });
      },
      setExpanded: (nodeId, open) => {
        set((s) => ({ expanded: { ...s.expanded, [nodeId]: open } }));
      },
      toggleExpanded: (nodeId) => {
        const node = selectOutlineIndex(get()).byId.get(nodeId);
        const open = get().expanded[nodeId] ?? (node ? isExpandedByDefault(node) : false);
        get().setExpanded(nodeId, !open);
      },
      toggleTheme: () => {
        set((s) => ({ theme: s.theme === 'dark' ? 'light' : 'dark', themeSource: 'user' }));
      },
      setSystemTheme: (theme) => {
        if (get().themeSource === 'system') set({ theme });
      },
    };
  };
}
