// The notice that tells the user what the page opened with (a link, the last session, or why not).
import type { AppStore } from '../../store/appStore.ts';
import type { NoticeInit } from '../../store/shellSlice.ts';
import { defaultExample, describeSnapshot, loadExample } from '../workspaceActions.ts';
import type { StartupNotice } from './startup.ts';

export function noticeOfStartup(notice: StartupNotice, store: AppStore): NoticeInit {
  switch (notice.kind) {
    case 'link-opened':
      return { kind: 'workspace', tone: 'info', title: 'Opened a shared workspace', detail: describeSnapshot(notice.snapshot) };
    case 'link-error':
      return {
        kind: 'workspace',
        tone: 'error',
        title: 'This link could not be opened',
        detail: `${notice.error}. You are looking at the default example instead.`,
      };
    case 'session-restored':
      return {
        kind: 'workspace',
        tone: 'info',
        title: 'Restored your last session',
        detail: `Saved in this browser${notice.savedAt ? ` on ${new Date(notice.savedAt).toLocaleString()}` : ''}.`,
        actions: [{ label: 'Load the default example instead', run: () => loadExample(store, defaultExample()) }],
      };
    case 'session-error':
      return { kind: 'workspace', tone: 'warning', title: 'Your last session could not be restored', detail: `${notice.error}. Showing the default example.` };
  }
}
