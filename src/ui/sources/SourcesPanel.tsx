// The sources of the workspace, above the editor: each with its name, the format it is read as (detected or
// forced) and its problems; choose one to show it in the editor; add an empty one, paste the clipboard as a
// new one, open files (or drop them on the page), rename, remove (with undo). Says whether the workspace
// is saved in this browser.
import { useRef } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { SourceFormat } from '../../model/ir.ts';
import type { AppStore } from '../../store/appStore.ts';
import { isBlankText } from '../../store/sourceSlice.ts';
import type { FormatChoice } from '../../store/parseClient.ts';
import { selectProblemCounts, type ProblemCounts } from '../../store/problems.ts';
import { useConfirm } from '../Confirm.tsx';
import { useApp, useAppStore } from '../appStoreContext.tsx';
import { requestEditorFocus } from '../editorFocus.ts';
import { openFiles } from './openFiles.ts';
import { SourceItem } from './SourceItem.tsx';

export interface SourceRow {
  readonly id: string;
  readonly name: string;
  readonly formatChoice: FormatChoice;
  readonly parsedFormat?: SourceFormat;
  readonly isBlank: boolean;
  readonly pending: boolean;
}

const NO_PROBLEMS: ProblemCounts = { errors: 0, warnings: 0, infos: 0 };

export function SourcesPanel() {
  const store = useAppStore();
  const confirm = useConfirm();
  const fileInput = useRef<HTMLInputElement>(null);
  // The fields a row shows, compared shallowly: typing in the editor re-renders the panel only when a row changes.
  const rows = useApp(
    useShallow((s) =>
      s.sources.map((src) => rowOf(src.id, src.name, src.formatChoice, src.text, s.parses[src.id]?.format, s.parses[src.id]?.pending ?? true)),
    ),
  );
  const activeId = useApp((s) => s.activeSourceId);
  const counts = useApp(selectProblemCounts);
  const listRef = useRef<HTMLUListElement>(null);

  const focusRow = (index: number): void => {
    const buttons = listRef.current?.querySelectorAll<HTMLElement>('.source-select');
    if (!buttons || buttons.length === 0) return;
    buttons[(index + buttons.length) % buttons.length]?.focus();
  };

  return (
    <section className="sources" aria-label="Sources">
      <div className="sources-toolbar">
        <h2 className="sources-title">
          Sources <span className="sources-count">({rows.length})</span>
        </h2>
        <div className="sources-actions">
          <button
            type="button"
            onClick={() => {
              store.getState().addSource();
              requestEditorFocus();
            }}
          >
            New source
          </button>
          <button type="button" onClick={() => void pasteAsSource(store)}>
            Paste
          </button>
          <button type="button" onClick={() => fileInput.current?.click()}>
            Open files…
          </button>
          <input
            ref={fileInput}
            type="file"
            multiple
            hidden
            aria-label="Open files"
            data-testid="open-files-input"
            onChange={(e) => {
              const files = [...(e.currentTarget.files ?? [])];
              e.currentTarget.value = ''; // the same file can be opened again
              void openFiles(store, confirm, files);
            }}
          />
        </div>
      </div>
      <ul className="source-list" ref={listRef}>
        {rows.map((row, i) => (
          <SourceItem
            key={row.id}
            row={row}
            active={row.id === activeId}
            problems={counts.get(row.id) ?? NO_PROBLEMS}
            onMove={(delta) => focusRow(i + delta)}
          />
        ))}
      </ul>
      <SaveStatusLine />
    </section>
  );
}

/** Rows are cached per source so that `useShallow` sees the same object while nothing shown changed. */
const rowCache = new Map<string, SourceRow>();
function rowOf(id: string, name: string, formatChoice: FormatChoice, text: string, parsedFormat: SourceFormat | undefined, pending: boolean): SourceRow {
  const isBlank = isBlankText(text);
  const hit = rowCache.get(id);
  if (hit && hit.name === name && hit.formatChoice === formatChoice && hit.isBlank === isBlank && hit.parsedFormat === parsedFormat && hit.pending === pending) return hit;
  const row: SourceRow = { id, name, formatChoice, isBlank, pending, ...(parsedFormat ? { parsedFormat } : {}) };
  rowCache.set(id, row);
  return row;
}

/** Reads the clipboard into a new source; where the browser does not allow it, adds an empty source to paste into. */
async function pasteAsSource(store: AppStore): Promise<void> {
  let text: string | undefined;
  try {
    text = await navigator.clipboard.readText();
  } catch {
    text = undefined;
  }
  if (text === undefined || text.trim() === '') {
    store.getState().addSource();
    store.getState().notify({
      kind: 'paste',
      tone: 'info',
      title: text === undefined ? 'The browser did not let nflens read the clipboard' : 'The clipboard holds no text',
      detail: 'A new, empty source is in the editor: paste into it with Ctrl+V (⌘V).',
    });
    requestEditorFocus();
    return;
  }
  const id = store.getState().addSource({ text });
  store.getState().nameAfterPaste(id);
}

function SaveStatusLine() {
  const status = useApp((s) => s.saveStatus);
  const text =
    status.state === 'saved'
      ? `Saved in this browser${status.where === 'IndexedDB' ? ' (IndexedDB)' : ''} at ${new Date(status.at ?? Date.now()).toLocaleTimeString()}`
      : status.state === 'failed'
        ? `Not saved in this browser: ${status.error ?? 'unknown error'}`
        : 'Nothing is uploaded: everything stays in this page.';
  return (
    <p className={`sources-saved${status.state === 'failed' ? ' has-warnings' : ''}`} data-testid="save-status" title={text}>
      {text}
    </p>
  );
}
