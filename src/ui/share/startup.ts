// What the page opens with, decided before the first paint:
//   1. a permalink in the address (#v1.…): exactly that workspace, packet and view; the fragment is then
//      taken out of the address bar, so that a reload restores the (autosaved) workspace with later edits
//      rather than the link's original. A damaged link shows why, over the default example.
//   2. otherwise the workspace last saved in this browser, restored automatically (a notice says so and
//      offers the default example instead; "New" in the header starts empty);
//   3. otherwise the default example (kube-proxy in nftables mode).
// Imports the permalink codec, the snapshot helpers and the session store.
import { decodePermalink } from '../../share/permalink.ts';
import type { WorkspaceOrigin } from '../../store/sourceSlice.ts';
import { fromPermalinkState, type WorkspaceSnapshot } from '../../store/workspaceSnapshot.ts';
import { defaultExample, exampleSnapshot } from '../workspaceActions.ts';
import { browserBackends, loadSession, type SessionBackends } from './session.ts';

export type StartupNotice =
  | { readonly kind: 'link-opened'; readonly snapshot: WorkspaceSnapshot }
  | { readonly kind: 'link-error'; readonly error: string }
  | { readonly kind: 'session-restored'; readonly savedAt?: string; readonly where: string }
  | { readonly kind: 'session-error'; readonly error: string };

export interface Startup {
  readonly snapshot: WorkspaceSnapshot;
  readonly origin: WorkspaceOrigin;
  readonly notice?: StartupNotice;
}

/** The default workspace. */
export function defaultStartup(notice?: StartupNotice): Startup {
  const example = defaultExample();
  return { snapshot: exampleSnapshot(example), origin: { kind: 'example', exampleId: example.id }, ...(notice ? { notice } : {}) };
}

/** Reads a link fragment (without `#`) into a startup, or the default one with the reason it failed. */
export function startupFromFragment(fragment: string): Startup {
  const decoded = decodePermalink(fragment);
  if (!decoded.ok) return defaultStartup({ kind: 'link-error', error: decoded.error });
  const snapshot = fromPermalinkState(decoded.state);
  return { snapshot, origin: { kind: 'link' }, notice: { kind: 'link-opened', snapshot } };
}

export async function prepareStartup(fragment: string, backends: SessionBackends): Promise<Startup> {
  if (fragment !== '') return startupFromFragment(fragment);
  const session = await loadSession(backends);
  if (session.kind === 'session') {
    return {
      snapshot: session.snapshot,
      origin: { kind: 'session' },
      notice: { kind: 'session-restored', where: session.where, ...(session.savedAt ? { savedAt: session.savedAt } : {}) },
    };
  }
  return defaultStartup(session.kind === 'error' ? { kind: 'session-error', error: session.error } : undefined);
}

/** The page's startup: the address's fragment, then this browser's storage. Removes the fragment it read. */
export async function preparePageStartup(): Promise<Startup> {
  const fragment = location.hash.replace(/^#/, '');
  const startup = await prepareStartup(fragment, browserBackends());
  if (fragment !== '') history.replaceState(history.state, '', location.pathname + location.search);
  return startup;
}
