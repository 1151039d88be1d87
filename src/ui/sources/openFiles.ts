// Files from the picker or a drop become sources of the workspace; a workspace file replaces the workspace
// (after asking, when that would lose edits). Says what happened in a notice.
import type { AppStore } from '../../store/appStore.ts';
import { loadSnapshot, mayReplaceWorkspace, describeSnapshot, type ConfirmFn } from '../workspaceActions.ts';
import { readSourceFiles } from './readFiles.ts';

export async function openFiles(store: AppStore, confirm: ConfirmFn, files: readonly File[]): Promise<void> {
  if (files.length === 0) return;
  const read = await readSourceFiles(files);
  const workspace = read.workspaces[0];
  if (workspace && (await mayReplaceWorkspace(store, confirm, `the workspace in ${workspace.fileName}`))) {
    loadSnapshot(store, workspace.snapshot, { kind: 'file', fileName: workspace.fileName });
    store.getState().notify({ kind: 'workspace', tone: 'info', title: `Opened the workspace ${workspace.fileName}`, detail: describeSnapshot(workspace.snapshot) });
  }
  if (read.sources.length > 0) {
    store.getState().addSources(read.sources);
    const names = read.sources.map((s) => s.name);
    store.getState().notify({
      kind: 'files',
      tone: 'info',
      title: names.length === 1 ? `Added the source ${names[0]}` : `Added ${names.length} sources`,
      ...(names.length > 1 ? { detail: names.join(', ') } : {}),
    });
  }
  const refused = [...read.errors, ...read.workspaces.slice(1).map((w) => `${w.fileName}: only one workspace file can be opened at a time`)];
  if (refused.length > 0) {
    store.getState().notify({ kind: 'file-errors', tone: 'error', title: refused.length === 1 ? 'A file could not be opened' : `${refused.length} files could not be opened`, detail: refused.join('\n') });
  }
}
