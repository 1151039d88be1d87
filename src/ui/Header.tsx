// The page header: the name, and the workspace menu — the examples gallery, a new empty workspace, the
// permalink ("Copy link") and the theme.
import { GalleryDialog } from './gallery/GalleryDialog.tsx';
import { ShareDialog } from './share/ShareDialog.tsx';
import { useConfirm } from './Confirm.tsx';
import { useApp, useAppStore } from './appStoreContext.tsx';
import { mayReplaceWorkspace, newWorkspace } from './workspaceActions.ts';

export function Header() {
  const store = useAppStore();
  const confirm = useConfirm();
  const theme = useApp((s) => s.theme);
  const dialog = useApp((s) => s.openDialog);
  const close = () => store.getState().setOpenDialog(null);
  return (
    <header className="app-header">
      <h1>nflens</h1>
      <span className="tagline">see and trace netfilter rulesets</span>
      <nav className="header-actions" aria-label="Workspace">
        <button type="button" aria-haspopup="dialog" onClick={() => store.getState().setOpenDialog('gallery')}>
          Examples
        </button>
        <button
          type="button"
          onClick={async () => {
            if (await mayReplaceWorkspace(store, confirm, 'a new, empty workspace')) newWorkspace(store);
          }}
        >
          New
        </button>
        <button type="button" aria-haspopup="dialog" onClick={() => store.getState().setOpenDialog('share')}>
          Copy link
        </button>
        <button type="button" aria-pressed={theme === 'dark'} onClick={() => store.getState().toggleTheme()}>
          Dark theme
        </button>
      </nav>
      <GalleryDialog open={dialog === 'gallery'} onClose={close} />
      <ShareDialog open={dialog === 'share'} onClose={close} />
    </header>
  );
}
