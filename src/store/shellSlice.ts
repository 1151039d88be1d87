// Shell slice: messages the page shows over its content (a source was removed — undo; a link could not be
// opened; the last session was restored) and whether the workspace is saved in this browser. Imports types only.
import type { StateCreator } from 'zustand/vanilla';
import type { AppState } from './appStore.ts';

export type NoticeTone = 'info' | 'warning' | 'error';

export interface NoticeAction {
  readonly label: string;
  run(): void;
}

export interface Notice {
  readonly id: number;
  readonly tone: NoticeTone;
  /** Groups notices of one kind: a new one replaces the old (e.g. the undo of the previous removal). */
  readonly kind: string;
  readonly title: string;
  readonly detail?: string;
  readonly actions?: readonly NoticeAction[];
}

export type NoticeInit = Omit<Notice, 'id'>;

/** Where the workspace was last saved in this browser. */
export interface SaveStatus {
  readonly state: 'idle' | 'saved' | 'failed';
  readonly where?: 'localStorage' | 'IndexedDB';
  /** Characters saved. */
  readonly size?: number;
  readonly at?: number;
  readonly error?: string;
}

/** The page's dialogs (one open at a time). */
export type ShellDialog = 'gallery' | 'share';

export interface ShellSlice {
  readonly notices: readonly Notice[];
  readonly saveStatus: SaveStatus;
  readonly openDialog: ShellDialog | null;
  setOpenDialog(dialog: ShellDialog | null): void;
  /** Shows a notice (replacing one of the same kind); returns its id. */
  notify(notice: NoticeInit): number;
  dismissNotice(id: number): void;
  dismissNoticeKind(kind: string): void;
  setSaveStatus(status: SaveStatus): void;
}

/** At most this many notices at once: the oldest go first. */
const MAX_NOTICES = 3;

export function createShellSlice(): StateCreator<AppState, [], [], ShellSlice> {
  let lastId = 0;
  return (set) => ({
    notices: [],
    saveStatus: { state: 'idle' },
    openDialog: null,
    setOpenDialog: (openDialog) => set({ openDialog }),
    notify: (init) => {
      const notice: Notice = { ...init, id: ++lastId };
      set((s) => ({ notices: [...s.notices.filter((n) => n.kind !== init.kind), notice].slice(-MAX_NOTICES) }));
      return notice.id;
    },
    dismissNotice: (id) => set((s) => ({ notices: s.notices.filter((n) => n.id !== id) })),
    dismissNoticeKind: (kind) => set((s) => (s.notices.some((n) => n.kind === kind) ? { notices: s.notices.filter((n) => n.kind !== kind) } : {})),
    setSaveStatus: (saveStatus) => set({ saveStatus }),
  });
}
