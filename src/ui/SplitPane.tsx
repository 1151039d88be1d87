// Two panes side by side with a draggable, keyboard-operable separator (WAI-ARIA window splitter).
import { useRef, useState, type KeyboardEvent, type PointerEvent, type ReactNode } from 'react';

const MIN = 15;
const MAX = 85;
const STEP = 2;

export function SplitPane({ left, right, initial = 55, label }: { left: ReactNode; right: ReactNode; initial?: number; label: string }) {
  const [percent, setPercent] = useState(initial);
  const rootRef = useRef<HTMLDivElement>(null);
  const clamp = (v: number) => Math.max(MIN, Math.min(MAX, v));

  const onPointerDown = (e: PointerEvent<HTMLDivElement>) => {
    e.preventDefault();
    e.currentTarget.setPointerCapture(e.pointerId);
  };
  const onPointerMove = (e: PointerEvent<HTMLDivElement>) => {
    if (!e.currentTarget.hasPointerCapture(e.pointerId)) return;
    const box = rootRef.current?.getBoundingClientRect();
    if (!box || box.width === 0) return;
    setPercent(clamp(((e.clientX - box.left) / box.width) * 100));
  };
  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    const next = { ArrowLeft: percent - STEP, ArrowRight: percent + STEP, Home: MIN, End: MAX }[e.key];
    if (next === undefined) return;
    e.preventDefault();
    setPercent(clamp(next));
  };

  return (
    <div className="split" ref={rootRef}>
      <div className="split-pane" style={{ flexBasis: `${percent}%` }}>
        {left}
      </div>
      <div
        className="split-separator"
        role="separator"
        aria-orientation="vertical"
        aria-label={label}
        aria-valuemin={MIN}
        aria-valuemax={MAX}
        aria-valuenow={Math.round(percent)}
        tabIndex={0}
        onPointerDown={onPointerDown}
        onPointerMove={onPointerMove}
        onKeyDown={onKeyDown}
      />
      <div className="split-pane" style={{ flexBasis: `${100 - percent}%` }}>
        {right}
      </div>
    </div>
  );
}
