// Keyboard stepping through a trace (← → and ↑ ↓ one step, Home/End, PageUp/PageDown ten), for the step list
// and the compact steppers of the graph and pipeline views. Keys typed into form fields are left alone.
import { useCallback, type KeyboardEvent } from 'react';
import { useAppStore } from '../appStoreContext.tsx';
import { selectShownTrace } from '../../store/traceSlice.ts';

function isTextField(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || target.tagName === 'INPUT' || target.tagName === 'TEXTAREA' || target.tagName === 'SELECT';
}

export function useStepKeys(): (event: KeyboardEvent) => void {
  const store = useAppStore();
  return useCallback(
    (event: KeyboardEvent) => {
      if (isTextField(event.target) || event.altKey || event.ctrlKey || event.metaKey) return;
      const s = store.getState();
      const trace = selectShownTrace(s);
      if (!trace) return;
      const last = trace.steps.length - 1;
      const to: Record<string, number> = {
        ArrowLeft: s.stepIndex - 1,
        ArrowUp: s.stepIndex - 1,
        ArrowRight: s.stepIndex + 1,
        ArrowDown: s.stepIndex + 1,
        PageUp: s.stepIndex - 10,
        PageDown: s.stepIndex + 10,
        Home: 0,
        End: last,
      };
      const next = to[event.key];
      if (next === undefined) return;
      event.preventDefault();
      s.setStepIndex(next);
    },
    [store],
  );
}
