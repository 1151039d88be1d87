// "Copy link": the whole workspace (every source), the packet and the view packed into the link's #fragment
// (browsers never send the fragment to a server, so nothing leaves the page). Shows how long the link is and
// warns when browsers would refuse it, offering the workspace as a file instead.
import { useEffect, useState } from 'react';
import { BROWSER_URL_LIMIT, buildPermalink, type PermalinkInfo } from '../../share/permalink.ts';
import type { AppStore } from '../../store/appStore.ts';
import { selectDetectedFormat } from '../../store/selectors.ts';
import { snapshotWorkspace, toPermalinkState, workspaceFileText, type WorkspaceSnapshot } from '../../store/workspaceSnapshot.ts';
import { Dialog } from '../Dialog.tsx';
import { useAppStore } from '../appStoreContext.tsx';
import { downloadText, workspaceFileName } from './download.ts';
import { groupedNumber } from '../../model/numberText.ts';

/** Longest link shown in full in the dialog (longer ones are still copied). */
const SHOWN_LIMIT = 200_000;

interface Built {
  readonly info: PermalinkInfo;
  readonly url: string;
  readonly snapshot: WorkspaceSnapshot;
  readonly textSize: number;
}

function buildLink(store: AppStore): Built {
  const state = store.getState();
  const snapshot = snapshotWorkspace(state);
  const formatOf = (i: number) => {
    const source = state.sources[i]!;
    return selectDetectedFormat(state, source);
  };
  const info = buildPermalink(toPermalinkState(snapshot, formatOf));
  const url = `${location.origin}${location.pathname}${location.search}#${info.fragment}`;
  return { info, url, snapshot, textSize: state.sources.reduce((n, s) => n + s.text.length, 0) };
}

export function ShareDialog({ open, onClose }: { open: boolean; onClose(): void }) {
  return (
    <Dialog open={open} title="Share this workspace" onClose={onClose} className="share-dialog">
      <ShareBody />
    </Dialog>
  );
}

type CopyState = 'idle' | 'copied' | 'failed';

function ShareBody() {
  const store = useAppStore();
  const [built, setBuilt] = useState<Built | null>(null);
  const [copy, setCopy] = useState<CopyState>('idle');

  // Built after the dialog has painted: compressing tens of MB takes a moment.
  useEffect(() => {
    const timer = setTimeout(() => setBuilt(buildLink(store)), 0);
    return () => clearTimeout(timer);
  }, [store]);

  const overLimit = built !== null && built.url.length > BROWSER_URL_LIMIT;
  const refused = built?.info.tooLarge;

  const copyLink = async (url: string): Promise<void> => {
    try {
      await navigator.clipboard.writeText(url);
      setCopy('copied');
    } catch {
      setCopy('failed');
    }
  };

  // The header button says "Copy link": copy as soon as there is a link a browser can open.
  useEffect(() => {
    if (built && !overLimit && !refused) void copyLink(built.url);
  }, [built, overLimit, refused]);

  if (!built) return <p className="share-building">Building the link…</p>;
  const { info, url, snapshot, textSize } = built;
  const download = () => downloadText(workspaceFileName(), workspaceFileText(snapshot, new Date()));
  const count = snapshot.sources.length;

  return (
    <div className="share-body">
      <p>
        The link holds {count} {count === 1 ? 'source' : 'sources'}
        {snapshot.packet ? ', the packet' : ''} and the view, compressed into the part after <code>#</code>, which browsers never send
        to a server: nothing is uploaded.
      </p>
      {url.length <= SHOWN_LIMIT ? (
        <label className="share-link">
          <span>Link</span>
          <input type="text" readOnly value={url} aria-label="Link" onFocus={(e) => e.currentTarget.select()} />
        </label>
      ) : (
        <p className="share-link-hidden">The link is too long to show here.</p>
      )}
      <p className="share-size" data-testid="link-size">
        Link size: {formatChars(url.length)} ({formatBytes(textSize)} of text compressed to {formatBytes(info.compressedSize)})
      </p>
      {refused !== undefined ? (
        <p className="share-warning severity-error" role="alert">
          No link can hold this workspace: {refused}. Download it as a file instead; the file opens with “Open files…” or by dropping it on
          the page.
        </p>
      ) : overLimit ? (
        <p className="share-warning" role="alert">
          This link is longer than browsers accept in the address bar ({formatChars(BROWSER_URL_LIMIT)}): it may not open when clicked.
          Download the workspace as a file instead; the file opens with “Open files…” or by dropping it on the page.
        </p>
      ) : null}
      <p className="share-status" aria-live="polite">
        {copy === 'copied' ? 'Link copied to the clipboard.' : copy === 'failed' ? 'The browser did not allow copying: select the link and copy it.' : ''}
      </p>
      <div className="share-actions">
        <button type="button" disabled={refused !== undefined} onClick={() => void copyLink(url)}>
          Copy link
        </button>
        <button type="button" onClick={download}>
          Download workspace
        </button>
      </div>
    </div>
  );
}

function formatChars(n: number): string {
  return `${groupedNumber(n)} characters`;
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}
