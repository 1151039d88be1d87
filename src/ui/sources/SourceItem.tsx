// One source in the sources panel: a button that shows it in the editor (its name, the format it is read as,
// its problems), and buttons to rename and remove it. Keys on the name button: F2 renames, Delete removes,
// arrows move between sources.
import { memo, useId, useState, type KeyboardEvent } from 'react';
import { FORMAT_SHORT } from '../../store/sourceNames.ts';
import type { ProblemCounts } from '../../store/problems.ts';
import { countText } from '../../graph/outline.ts';
import { useAppStore } from '../appStoreContext.tsx';
import type { SourceRow } from './SourcesPanel.tsx';

interface Props {
  row: SourceRow;
  active: boolean;
  problems: ProblemCounts;
  onMove(delta: number): void;
}

export const SourceItem = memo(function SourceItem({ row, active, problems, onMove }: Props) {
  const store = useAppStore();
  const [editing, setEditing] = useState(false);
  const detailId = useId();

  const remove = (): void => {
    const name = row.name;
    store.getState().removeSource(row.id);
    store.getState().notify({
      kind: 'removed',
      tone: 'info',
      title: `Removed the source “${name}”`,
      actions: [{ label: 'Undo', run: () => store.getState().undoRemove() }],
    });
  };

  const onKeyDown = (e: KeyboardEvent<HTMLButtonElement>): void => {
    const actions: Record<string, () => void> = {
      F2: () => setEditing(true),
      Delete: remove,
      ArrowDown: () => onMove(1),
      ArrowUp: () => onMove(-1),
    };
    const action = actions[e.key];
    if (!action) return;
    e.preventDefault();
    action();
  };

  return (
    <li className={`source-item${active ? ' active' : ''}`} data-source-id={row.id}>
      {editing ? (
        <RenameField name={row.name} onDone={(name) => {
          setEditing(false);
          if (name !== undefined) store.getState().renameSource(name, row.id);
        }} />
      ) : (
        <button
          type="button"
          className="source-select"
          aria-current={active ? 'true' : undefined}
          aria-describedby={detailId}
          onClick={() => store.getState().setActiveSource(row.id)}
          onDoubleClick={() => setEditing(true)}
          onKeyDown={onKeyDown}
        >
          <span className="source-name">{row.name}</span>
        </button>
      )}
      <span className="source-detail" id={detailId}>
        <span className="source-format">{formatText(row)}</span>
        <ProblemBadge problems={problems} />
      </span>
      <button type="button" className="icon-button" aria-label={`Rename ${row.name}`} title="Rename (F2)" onClick={() => setEditing(true)}>
        ✎
      </button>
      <button type="button" className="icon-button" aria-label={`Remove ${row.name}`} title="Remove (Delete)" onClick={remove}>
        ×
      </button>
    </li>
  );
});

function RenameField({ name, onDone }: { name: string; onDone(name: string | undefined): void }) {
  const [value, setValue] = useState(name);
  // Blur after Enter or Escape must not answer a second time.
  const [done, setDone] = useState(false);
  const finish = (result: string | undefined): void => {
    if (done) return;
    setDone(true);
    onDone(result);
  };
  return (
    <input
      className="source-rename"
      aria-label={`New name for ${name}`}
      value={value}
      autoFocus
      onFocus={(e) => e.currentTarget.select()}
      onChange={(e) => setValue(e.currentTarget.value)}
      onKeyDown={(e) => {
        if (e.key === 'Enter') finish(value);
        else if (e.key === 'Escape') {
          e.preventDefault();
          finish(undefined);
        }
      }}
      onBlur={() => finish(value)}
    />
  );
}

function formatText(row: SourceRow): string {
  if (row.formatChoice !== 'auto') return `${FORMAT_SHORT[row.formatChoice]} (forced)`;
  if (row.isBlank) return 'empty';
  if (row.parsedFormat === undefined) return 'detecting…';
  return `${FORMAT_SHORT[row.parsedFormat]} (detected)`;
}

function ProblemBadge({ problems }: { problems: ProblemCounts }) {
  if (problems.errors === 0 && problems.warnings === 0) return null;
  return (
    <span className="source-problems">
      {problems.errors > 0 && <span className="has-errors">{countText(problems.errors, 'error')}</span>}
      {problems.errors > 0 && problems.warnings > 0 && ' · '}
      {problems.warnings > 0 && <span className="has-warnings">{countText(problems.warnings, 'warning')}</span>}
    </span>
  );
}
