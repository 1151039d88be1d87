// Files dropped anywhere on the page become sources. Listens on the window in the capture phase, so the
// editor (which would insert a dropped file's path) never sees a file drop; text drags are left alone.
// While files are dragged over the page, an overlay says what will happen (over everything: no layout shift).
import { useEffect, useRef, useState } from 'react';
import { useConfirm } from '../Confirm.tsx';
import { useAppStore } from '../appStoreContext.tsx';
import { openFiles } from './openFiles.ts';

function hasFiles(e: DragEvent): boolean {
  return e.dataTransfer?.types.includes('Files') ?? false;
}

export function FileDrop() {
  const store = useAppStore();
  const confirm = useConfirm();
  const [dragging, setDragging] = useState(false);
  const hideTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);

  useEffect(() => {
    const onDragOver = (e: DragEvent): void => {
      if (!hasFiles(e)) return;
      e.preventDefault();
      e.stopPropagation();
      if (e.dataTransfer) e.dataTransfer.dropEffect = 'copy';
      setDragging(true);
      // dragleave also fires when moving between child elements; hiding after a quiet moment is steadier.
      clearTimeout(hideTimer.current);
      hideTimer.current = setTimeout(() => setDragging(false), 250);
    };
    const onDrop = (e: DragEvent): void => {
      if (!hasFiles(e)) return;
      e.preventDefault();
      e.stopPropagation();
      clearTimeout(hideTimer.current);
      setDragging(false);
      void openFiles(store, confirm, [...(e.dataTransfer?.files ?? [])]);
    };
    addEventListener('dragenter', onDragOver, true);
    addEventListener('dragover', onDragOver, true);
    addEventListener('drop', onDrop, true);
    return () => {
      removeEventListener('dragenter', onDragOver, true);
      removeEventListener('dragover', onDragOver, true);
      removeEventListener('drop', onDrop, true);
      clearTimeout(hideTimer.current);
    };
  }, [store, confirm]);

  if (!dragging) return null;
  return (
    <div className="drop-overlay" aria-hidden="true">
      <div className="drop-message">Drop files to add them as sources</div>
    </div>
  );
}
