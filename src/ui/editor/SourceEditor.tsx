// The Monaco editor holding the active source. It bridges Monaco and the store both ways: edits go to the
// store (which parses after a pause); the store's text, diagnostics, language, theme and selection come back
// as model content, markers, and a revealed, highlighted range. Loaded lazily (default export for React.lazy).
import { useEffect, useRef } from 'react';
import type { AppState } from '../../store/appStore.ts';
import { selectActiveParse, selectActiveSource } from '../../store/selectors.ts';
import { detectFormat } from '../../parse/detect.ts';
import type { Severity } from '../../model/ir.ts';
import { useAppStore } from '../appStoreContext.tsx';
import { monaco } from './monaco.ts';
import { LANGUAGE_OF } from './languageOf.ts';
import { diagnosticsToMarkers } from './markers.ts';
import { EDITOR_THEME } from './themes.ts';
import { selectShownTrace } from '../../store/traceSlice.ts';
import { selectWorkspace } from '../../store/workspaceSelectors.ts';
import { stepLocation } from '../trace/traceRoute.ts';

const MARKER_OWNER = 'nflens';
const PASTED_NAME = 'pasted ruleset';

const SEVERITY: Readonly<Record<Severity, monaco.MarkerSeverity>> = {
  error: monaco.MarkerSeverity.Error,
  warning: monaco.MarkerSeverity.Warning,
  info: monaco.MarkerSeverity.Info,
};

/** The trace's current step, as the thing to highlight: it changes when the step or the shown trace does. */
function traceStepOf(state: AppState) {
  const trace = selectShownTrace(state);
  return trace?.steps[state.stepIndex];
}

function languageFor(state: AppState): string {
  const source = selectActiveSource(state);
  const parsed = selectActiveParse(state)?.format;
  if (source.formatChoice !== 'auto') return LANGUAGE_OF[source.formatChoice];
  return LANGUAGE_OF[parsed ?? detectFormat(source.text)];
}

export default function SourceEditor() {
  const store = useAppStore();
  const containerRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    const container = containerRef.current;
    if (!container) return;
    const initial = store.getState();
    const source = selectActiveSource(initial);
    const model = monaco.editor.createModel(source.text, languageFor(initial));
    const editor = monaco.editor.create(container, {
      model,
      theme: EDITOR_THEME[initial.theme],
      automaticLayout: true,
      ariaLabel: 'Ruleset source',
      fontSize: 13,
      // System monospace fonts only: no web font is fetched.
      fontFamily: "ui-monospace, 'SFMono-Regular', 'DejaVu Sans Mono', Menlo, Consolas, 'Liberation Mono', monospace",
      // nft prints with tabs; 4 columns keeps deep rules readable in a half-width pane.
      tabSize: 4,
      insertSpaces: false,
      detectIndentation: false,
      scrollBeyondLastLine: false,
      // The outline is the map; the overview ruler still shows where the problems are.
      minimap: { enabled: false },
      renderLineHighlight: 'line',
      fixedOverflowWidgets: true,
      wordBasedSuggestions: 'off',
      placeholder: 'Paste the output of `nft list ruleset`, `iptables-save`, `ipset save` or `ipvsadm -Ln` here',
    });
    const reveal = editor.createDecorationsCollection();
    // The trace's current rule (or chain): its own highlight, kept apart from the selection's.
    const traceDecorations = editor.createDecorationsCollection();

    // The text the model holds as far as the store knows; avoids echoing our own edits back.
    let modelText = source.text;
    let applyingStore = false;
    const sourceId = source.id;

    const onContent = editor.onDidChangeModelContent(() => {
      if (applyingStore) return;
      modelText = model.getValue();
      store.getState().setText(modelText, sourceId);
    });

    // Pasting over everything makes a new source: the example's name would mislead from then on.
    const onPaste = editor.onDidPaste((e) => {
      if (e.range.equalsRange(model.getFullModelRange())) store.getState().renameSource(PASTED_NAME, sourceId);
    });

    const onCursor = editor.onDidChangeCursorPosition((e) => {
      // Moves made by revealing a selection (source `api`) must not re-select in the outline.
      if (e.source === 'api' || applyingStore) return;
      // A cursor in a line's indentation belongs to what that line holds (the rule), not to the block around it.
      const { lineNumber, column } = e.position;
      const firstNonBlank = model.getLineFirstNonWhitespaceColumn(lineNumber);
      const at = firstNonBlank > column ? { lineNumber, column: firstNonBlank } : e.position;
      const line = {
        start: model.getOffsetAt({ lineNumber, column: 1 }),
        end: model.getOffsetAt({ lineNumber, column: model.getLineMaxColumn(lineNumber) }),
      };
      store.getState().selectAtOffset(sourceId, model.getOffsetAt(at), line);
      store.getState().graphSelectAtOffset(sourceId, model.getOffsetAt(at));
    });

    const applyMarkers = (state: AppState): void => {
      const entry = selectActiveParse(state);
      if (!entry?.result) return;
      const markers = diagnosticsToMarkers(entry.result.diagnostics, entry.parsedText ?? '').map((m) => ({
        startLineNumber: m.startLineNumber,
        startColumn: m.startColumn,
        endLineNumber: m.endLineNumber,
        endColumn: m.endColumn,
        severity: SEVERITY[m.severity],
        message: m.message,
        code: m.code,
        source: 'nflens',
        ...(m.related
          ? {
              relatedInformation: [
                {
                  resource: model.uri,
                  message: m.related.message,
                  startLineNumber: m.related.startLineNumber,
                  startColumn: m.related.startColumn,
                  endLineNumber: m.related.endLineNumber,
                  endColumn: m.related.endColumn,
                },
              ],
            }
          : {}),
      }));
      monaco.editor.setModelMarkers(model, MARKER_OWNER, markers);
    };
    applyMarkers(initial);

    const toRange = (r: { start: number; end: number }) => {
      const start = model.getPositionAt(r.start);
      const end = model.getPositionAt(r.end);
      return new monaco.Range(start.lineNumber, start.column, end.lineNumber, end.column);
    };
    /** Highlights the trace's current step when it is in this source; a step in another source switches
     *  the editor to it (when `follow`: the step changed, not merely the editor opened). */
    const applyTraceStep = (state: AppState, follow: boolean): void => {
      const step = traceStepOf(state);
      const at = step ? stepLocation(step, selectWorkspace(state)) : undefined;
      if (!at) {
        traceDecorations.clear();
        return;
      }
      if (at.sourceId !== sourceId) {
        traceDecorations.clear();
        if (follow) state.setActiveSource(at.sourceId);
        return;
      }
      const range = toRange(at.range);
      traceDecorations.set([
        { range, options: { className: 'nflens-trace-step', stickiness: monaco.editor.TrackedRangeStickiness.NeverGrowsWhenTypingAtEdges } },
        { range, options: { isWholeLine: true, className: 'nflens-trace-line', linesDecorationsClassName: 'nflens-trace-gutter' } },
      ]);
      if (follow) editor.revealRangeInCenterIfOutsideViewport(range, monaco.editor.ScrollType.Smooth);
    };
    /** A selection made elsewhere (outline, graph, trace) is shown and highlighted. */
    const applySelection = (sel: AppState['selection']): void => {
      if (!sel || sel.origin === 'editor' || sel.sourceId !== sourceId || !sel.range) return;
      const range = toRange(sel.range);
      editor.setSelection(range);
      editor.revealRangeInCenterIfOutsideViewport(range, monaco.editor.ScrollType.Smooth);
      reveal.set([
        { range, options: { className: 'nflens-reveal', isWholeLine: false } },
        { range, options: { isWholeLine: true, linesDecorationsClassName: 'nflens-reveal-gutter' } },
      ]);
    };
    // The editor may open because of a selection or step in this source (it was switched to): show them.
    applySelection(initial.selection);
    applyTraceStep(initial, false);
    if (traceStepOf(initial) && !initial.selection) {
      const at = stepLocation(traceStepOf(initial)!, selectWorkspace(initial));
      if (at?.sourceId === sourceId) editor.revealRangeInCenterIfOutsideViewport(toRange(at.range), monaco.editor.ScrollType.Immediate);
    }

    const unsubscribe = store.subscribe((state, prev) => {
      const src = selectActiveSource(state);
      if (src.text !== modelText) {
        // The text was replaced from outside the editor (example, file): keep it undoable.
        applyingStore = true;
        modelText = src.text;
        editor.pushUndoStop();
        editor.executeEdits('nflens', [{ range: model.getFullModelRange(), text: src.text }]);
        editor.pushUndoStop();
        applyingStore = false;
      }
      const entry = selectActiveParse(state);
      if (entry?.result !== selectActiveParse(prev)?.result) applyMarkers(state);
      const language = languageFor(state);
      if (language !== model.getLanguageId()) monaco.editor.setModelLanguage(model, language);
      if (state.theme !== prev.theme) monaco.editor.setTheme(EDITOR_THEME[state.theme]);
      if (state.selection !== prev.selection) applySelection(state.selection);
      if (traceStepOf(state) !== traceStepOf(prev)) applyTraceStep(state, true);
    });

    return () => {
      unsubscribe();
      onContent.dispose();
      onCursor.dispose();
      onPaste.dispose();
      editor.dispose();
      model.dispose();
    };
  }, [store]);

  return <div ref={containerRef} className="source-editor" data-testid="source-editor" />;
}
