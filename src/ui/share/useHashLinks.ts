// A permalink pasted into the address bar of an open page changes only the fragment (no reload): open it as
// at startup, asking first when it would replace edits, then take the fragment out of the address again.
import { useEffect } from 'react';
import type { AppStore } from '../../store/appStore.ts';
import { useConfirm } from '../Confirm.tsx';
import { loadSnapshot, mayReplaceWorkspace } from '../workspaceActions.ts';
import { startupFromFragment } from './startup.ts';
import { noticeOfStartup } from './startupNotice.ts';

export function useHashLinks(store: AppStore): void {
  const confirm = useConfirm();
  useEffect(() => {
    const onHashChange = async (): Promise<void> => {
      const fragment = location.hash.replace(/^#/, '');
      if (fragment === '') return;
      history.replaceState(history.state, '', location.pathname + location.search);
      const startup = startupFromFragment(fragment);
      if (startup.notice?.kind === 'link-error') {
        // Nothing is replaced: the current workspace stays.
        store.getState().notify({ kind: 'workspace', tone: 'error', title: 'This link could not be opened', detail: `${startup.notice.error}.` });
        return;
      }
      if (!(await mayReplaceWorkspace(store, confirm, 'the linked workspace'))) return;
      loadSnapshot(store, startup.snapshot, startup.origin);
      if (startup.notice) store.getState().notify(noticeOfStartup(startup.notice, store));
    };
    const listener = () => void onHashChange();
    addEventListener('hashchange', listener);
    return () => removeEventListener('hashchange', listener);
  }, [store, confirm]);
}
