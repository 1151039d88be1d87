// The trace's steps as a keyboard-navigable list (WAI-ARIA listbox with an active descendant): one row per
// step, indented by jump depth, with the rule text, its outcome and verdict. Only the rows in view are
// rendered (a trace through a 10 000-rule chain has 10 000 steps); the current row is kept in view.
import { memo, useEffect, useLayoutEffect, useRef, useState } from 'react';
import type { Step, Trace } from '../../eval/index.ts';
import { useAppStore } from '../appStoreContext.tsx';
import { isTaken, outcomeOf, outcomeText, stepKindLabel, stepPlace, verdictText } from './traceView.ts';
import { useStepKeys } from './useStepKeys.ts';

const ROW = 26;
const OVERSCAN = 8;

export function StepList({ trace, stepIndex, idPrefix }: { trace: Trace; stepIndex: number; idPrefix: string }) {
  const store = useAppStore();
  const onKeyDown = useStepKeys();
  const ref = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [height, setHeight] = useState(400);

  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    const observer = new ResizeObserver(() => setHeight(el.clientHeight));
    observer.observe(el);
    setHeight(el.clientHeight);
    return () => observer.disconnect();
  }, []);

  // Keep the current row in view.
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const top = stepIndex * ROW;
    if (top < el.scrollTop) el.scrollTop = top;
    else if (top + ROW > el.scrollTop + el.clientHeight) el.scrollTop = top + ROW - el.clientHeight;
    setScrollTop(el.scrollTop);
  }, [stepIndex, trace]);

  const first = Math.max(0, Math.floor(scrollTop / ROW) - OVERSCAN);
  const last = Math.min(trace.steps.length, Math.ceil((scrollTop + height) / ROW) + OVERSCAN);

  return (
    <div
      ref={ref}
      className="step-list"
      role="listbox"
      aria-label="Trace steps"
      tabIndex={0}
      aria-activedescendant={`${idPrefix}-${stepIndex}`}
      onKeyDown={onKeyDown}
      onScroll={(e) => setScrollTop(e.currentTarget.scrollTop)}
    >
      <div className="step-spacer" style={{ height: trace.steps.length * ROW }}>
        {trace.steps.slice(first, last).map((step, i) => {
          const index = first + i;
          return <StepRow key={index} id={`${idPrefix}-${index}`} step={step} index={index} top={index * ROW} current={index === stepIndex} onPick={(n) => store.getState().setStepIndex(n)} />;
        })}
      </div>
    </div>
  );
}

const MARK: Readonly<Record<string, string>> = { match: '✓', nomatch: '·', unknown: '?', info: '' };

const StepRow = memo(function StepRow({ id, step, index, top, current, onPick }: { id: string; step: Step; index: number; top: number; current: boolean; onPick(index: number): void }) {
  const outcome = outcomeOf(step);
  const verdict = step.kind === 'rule' ? (isTaken(step) ? verdictText(step.verdict) : '') : step.kind === 'policy' ? verdictText(step.verdict) : '';
  const indent = step.kind === 'hook' ? 0 : 1 + (step.depth ?? 0);
  const unknown = outcome === 'unknown';
  return (
    <div
      id={id}
      role="option"
      aria-selected={current}
      aria-label={`${index + 1}. ${step.kind === 'rule' ? `${stepPlace(step)}: ${step.text} — ${outcomeText(step)}` : `${stepKindLabel(step)}: ${step.text}`}${verdict ? ` → ${verdict}` : ''}`}
      className={`step-row kind-${step.kind} outcome-${outcome}${current ? ' current' : ''}${unknown ? ' unknown' : ''}${step.packetAfter ? ' rewrites' : ''}`}
      style={{ top, height: ROW, paddingLeft: 6 + indent * 14 }}
      onClick={() => onPick(index)}
      title={step.text}
    >
      <span className="step-mark" aria-hidden="true">
        {MARK[outcome]}
      </span>
      <span className="step-kind">{step.kind === 'rule' ? `#${(step.ruleIndex ?? 0) + 1}` : stepKindLabel(step)}</span>
      <span className="step-text">{step.text}</span>
      {unknown && <span className="step-flag">unknown</span>}
      {step.packetAfter && <span className="step-flag rewrite">rewrites</span>}
      {verdict && <span className={`step-verdict verdict-${step.verdict?.kind ?? ''}`}>{verdict}</span>}
    </div>
  );
});
