// A one-line stepper for the graph and pipeline views: the current step of the trace, previous/next buttons
// (and ← → when it has focus), the fate, and a way back to the full trace.
import { selectShownTrace } from '../../store/traceSlice.ts';
import { useApp, useAppStore } from '../appStoreContext.tsx';
import { fateView, stepKindLabel, stepPlace } from './traceView.ts';
import { useStepKeys } from './useStepKeys.ts';

export function TraceStrip() {
  const store = useAppStore();
  const trace = useApp(selectShownTrace);
  const stepIndex = useApp((s) => s.stepIndex);
  const onKeyDown = useStepKeys();
  if (!trace || trace.steps.length === 0) return null;
  const step = trace.steps[Math.min(stepIndex, trace.steps.length - 1)]!;
  const fate = fateView(trace.fate);
  return (
    <div className="trace-strip" role="group" aria-label="Trace steps" tabIndex={0} onKeyDown={onKeyDown}>
      <button type="button" aria-label="Previous step" onClick={() => store.getState().stepBy(-1)} disabled={stepIndex === 0}>
        ‹
      </button>
      <span className="trace-strip-count">
        {stepIndex + 1} / {trace.steps.length}
      </span>
      <button type="button" aria-label="Next step" onClick={() => store.getState().stepBy(1)} disabled={stepIndex >= trace.steps.length - 1}>
        ›
      </button>
      <span className="trace-strip-step" title={step.text}>
        <span className="trace-strip-kind">{step.kind === 'rule' ? stepPlace(step) : stepKindLabel(step)}</span> {step.text}
      </span>
      <span className={`trace-strip-fate tone-${fate.tone}`}>{fate.title}</span>
      <button type="button" onClick={() => store.getState().setActiveTab('trace')}>
        Open trace
      </button>
    </div>
  );
}
