// The outline: a keyboard-navigable tree (WAI-ARIA tree pattern) of every source of the workspace, with its
// tables, chains, rules, sets and maps. Only the rows in view are rendered, so dumps with tens of thousands of
// rules stay fast. Selecting a row reveals its text in the editor; a selection made in the editor scrolls its
// row into view. Workspace problems (e.g. legacy and nf_tables on one hook) are marked on the node they are
// about, and counted on its ancestors so that they show while it is folded.
import { memo, useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { countText, visibleRows, type OutlineRow } from '../graph/outline.ts';
import { selectOutline, selectAllSourcesBlank } from '../store/selectors.ts';
import { selectOutlineMarks, type OutlineMark } from '../store/problems.ts';
import { useApp, useAppStore } from './appStoreContext.tsx';

const ROW_HEIGHT = 24;
/** Rows rendered beyond the viewport on each side, so fast scrolling does not show gaps. */
const OVERSCAN = 10;

export function Outline() {
  const roots = useApp(selectOutline);
  const expanded = useApp((s) => s.expanded);
  const selectedId = useApp((s) => s.selection?.nodeId);
  const selectionSerial = useApp((s) => s.selection?.serial);
  const selectionOrigin = useApp((s) => s.selection?.origin);
  const isBlank = useApp(selectAllSourcesBlank);
  const failure = useApp((s) => s.sources.map((src) => s.parses[src.id]?.failure).find((f) => f !== undefined));
  const marks = useApp(selectOutlineMarks);
  const store = useAppStore();

  const rows = useMemo(() => visibleRows(roots, expanded), [roots, expanded]);
  const rowIndex = useMemo(() => new Map(rows.map((r, i) => [r.node.id, i])), [rows]);

  // The tree element comes and goes with the empty states, so it is tracked as state (a callback ref).
  const [treeEl, setTreeEl] = useState<HTMLDivElement | null>(null);
  const treeRef = useRef<HTMLDivElement | null>(null);
  treeRef.current = treeEl;
  const [scrollTop, setScrollTop] = useState(0);
  const [viewHeight, setViewHeight] = useState(600);
  const [activeId, setActiveId] = useState<string | undefined>(undefined);
  const focusPending = useRef(false);

  useLayoutEffect(() => {
    if (!treeEl) return;
    const observer = new ResizeObserver(() => setViewHeight(treeEl.clientHeight));
    observer.observe(treeEl);
    setViewHeight(treeEl.clientHeight);
    setScrollTop(treeEl.scrollTop);
    return () => observer.disconnect();
  }, [treeEl]);

  // The active (focusable) row falls back to the first one when it disappears.
  const active = activeId !== undefined && rowIndex.has(activeId) ? activeId : rows[0]?.node.id;

  const scrollToIndex = useCallback((index: number, center: boolean) => {
    const el = treeRef.current;
    if (!el) return;
    const top = index * ROW_HEIGHT;
    if (top >= el.scrollTop && top + ROW_HEIGHT <= el.scrollTop + el.clientHeight) return;
    el.scrollTop = center ? Math.max(0, top - el.clientHeight / 2) : top < el.scrollTop ? top : top + ROW_HEIGHT - el.clientHeight;
    setScrollTop(el.scrollTop);
  }, []);

  // A selection made elsewhere (the editor's cursor) becomes the active row and is scrolled into view.
  useEffect(() => {
    if (selectedId === undefined || selectionOrigin === 'outline') return;
    const index = rowIndex.get(selectedId);
    if (index === undefined) return;
    setActiveId(selectedId);
    scrollToIndex(index, true);
    // rowIndex changes when the ancestors open; the serial makes a repeated selection scroll again.
  }, [selectedId, selectionSerial, selectionOrigin, rowIndex, scrollToIndex]);

  // Keyboard moves focus to the new active row once it is rendered.
  useEffect(() => {
    if (!focusPending.current || active === undefined) return;
    focusPending.current = false;
    treeRef.current?.querySelector<HTMLElement>(`[data-node-id="${CSS.escape(active)}"]`)?.focus();
  });

  const moveTo = (index: number): void => {
    const row = rows[Math.max(0, Math.min(rows.length - 1, index))];
    if (!row) return;
    setActiveId(row.node.id);
    scrollToIndex(rowIndex.get(row.node.id) ?? 0, false);
    focusPending.current = true;
  };

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>): void => {
    if (active === undefined) return;
    const index = rowIndex.get(active) ?? 0;
    const row = rows[index];
    if (!row) return;
    const hasChildren = row.node.children.length > 0;
    const page = Math.max(1, Math.floor(viewHeight / ROW_HEIGHT) - 1);
    const actions: Record<string, () => void> = {
      ArrowDown: () => moveTo(index + 1),
      ArrowUp: () => moveTo(index - 1),
      Home: () => moveTo(0),
      End: () => moveTo(rows.length - 1),
      PageDown: () => moveTo(index + page),
      PageUp: () => moveTo(index - page),
      ArrowRight: () => {
        if (hasChildren && !row.expanded) store.getState().setExpanded(row.node.id, true);
        else if (hasChildren) moveTo(index + 1);
      },
      ArrowLeft: () => {
        if (hasChildren && row.expanded) store.getState().setExpanded(row.node.id, false);
        else if (row.parentId !== undefined) moveTo(rowIndex.get(row.parentId) ?? index);
      },
      Enter: () => store.getState().selectNode(row.node.id, 'outline'),
      ' ': () => store.getState().selectNode(row.node.id, 'outline'),
    };
    const action = actions[event.key];
    if (!action) return;
    event.preventDefault();
    action();
  };

  const onRowClick = useCallback(
    (id: string) => {
      setActiveId(id);
      store.getState().selectNode(id, 'outline');
    },
    [store],
  );
  const onToggle = useCallback((id: string) => store.getState().toggleExpanded(id), [store]);

  if (isBlank) {
    return (
      <div className="outline-empty" role="note">
        <p>
          Paste the output of <code>nft list ruleset</code>, <code>nft -j list ruleset</code>, <code>iptables-save</code>,{' '}
          <code>ipset save</code> or <code>ipvsadm -Ln</code> into the editor.
        </p>
        <p>
          Several dumps of one host go together: add each as a source (“New source”, “Open files…”, or drop the files on the page).
        </p>
        <p>
          <button type="button" onClick={() => store.getState().setOpenDialog('gallery')}>
            Open an example
          </button>
        </p>
        <p>Everything stays in this page: nothing is uploaded.</p>
      </div>
    );
  }
  if (failure !== undefined && rows.length === 0) {
    return (
      <div className="outline-empty" role="alert">
        The parser stopped with an internal error: {failure}
      </div>
    );
  }
  if (rows.length === 0) {
    return <div className="outline-empty">Parsing…</div>;
  }

  const first = Math.max(0, Math.floor(scrollTop / ROW_HEIGHT) - OVERSCAN);
  const last = Math.min(rows.length, Math.ceil((scrollTop + viewHeight) / ROW_HEIGHT) + OVERSCAN);

  return (
    <div
      ref={setTreeEl}
      className="outline-tree"
      role="tree"
      aria-label="Outline"
      onScroll={(e) => setScrollTop(e.currentTarget.scrollTop)}
      onKeyDown={onKeyDown}
    >
      <div role="none" className="outline-spacer" style={{ height: rows.length * ROW_HEIGHT }}>
        {rows.slice(first, last).map((row, i) => (
          <OutlineItem
            key={row.node.id}
            row={row}
            top={(first + i) * ROW_HEIGHT}
            isActive={row.node.id === active}
            isSelected={row.node.id === selectedId}
            mark={marks.get(row.node.id)}
            onClick={onRowClick}
            onToggle={onToggle}
          />
        ))}
      </div>
    </div>
  );
}

interface OutlineItemProps {
  row: OutlineRow;
  top: number;
  isActive: boolean;
  isSelected: boolean;
  mark: OutlineMark | undefined;
  onClick(id: string): void;
  onToggle(id: string): void;
}

const OutlineItem = memo(function OutlineItem({ row, top, isActive, isSelected, mark, onClick, onToggle }: OutlineItemProps) {
  const { node } = row;
  const hasChildren = node.children.length > 0;
  return (
    <div
      role="treeitem"
      data-node-id={node.id}
      data-kind={node.kind}
      aria-level={row.level}
      aria-posinset={row.posInSet}
      aria-setsize={row.setSize}
      aria-expanded={hasChildren ? row.expanded : undefined}
      aria-selected={isSelected}
      tabIndex={isActive ? 0 : -1}
      className={`outline-row kind-${node.kind}${isSelected ? ' selected' : ''}`}
      style={{ top, height: ROW_HEIGHT, paddingLeft: 4 + (row.level - 1) * 14 }}
      onClick={() => onClick(node.id)}
      onDoubleClick={() => hasChildren && onToggle(node.id)}
    >
      <span
        className={`twisty${hasChildren ? (row.expanded ? ' open' : ' closed') : ''}`}
        aria-hidden="true"
        onClick={(e) => {
          if (!hasChildren) return;
          e.stopPropagation();
          onToggle(node.id);
        }}
      />
      <span className="outline-label">{node.label}</span>
      {node.badges?.map((b) => (
        <span key={b} className={`badge badge-${b}`}>
          {b}
        </span>
      ))}
      {mark && <ProblemMark mark={mark} />}
      {node.detail !== undefined && <span className="outline-detail">{node.detail}</span>}
    </div>
  );
});

/** "⚠ warning" on the node a problem is about (its message on hover), "⚠ 2" on the nodes around it. */
function ProblemMark({ mark }: { mark: OutlineMark }) {
  const own = mark.messages.length > 0;
  const text = own ? countText(mark.messages.length, mark.severity) : countText(mark.count, `${mark.severity === 'info' ? 'note' : 'problem'}`) + ' inside';
  return (
    <span className={`outline-problem severity-${mark.severity}`} title={own ? mark.messages.join('\n') : undefined}>
      <span aria-hidden="true">{mark.severity === 'error' ? '⛔' : mark.severity === 'warning' ? '⚠' : 'ℹ'}</span> {text}
    </span>
  );
}
