// The Monaco editor showing the active source. Each source has its own model (so each keeps its undo history,
// cursor and scroll position), created when first shown and disposed when the source leaves the workspace.
// It bridges Monaco and the store both ways: edits go to the store (which parses that source after a pause);
// the store's texts, diagnostics (the source's own and the workspace checks'), language, theme and selection
// come back as model content, markers, and a revealed, highlighted range. Loaded lazily (default export for
// React.lazy).
import { useEffect, useRef } from 'react';
import type { AppState } from '../../store/appStore.ts';
import type { SourceEntry } from '../../store/sourceSlice.ts';
import type { WorkspaceDiagnostic } from '../../parse/index.ts';
import { selectWorkspaceDiagnostics } from '../../store/problems.ts';
import { selectDetectedFormat } from '../../store/selectors.ts';
import type { Diagnostic, ParseResult, Severity, SourceRange } from '../../model/ir.ts';
import { useAppStore } from '../appStoreContext.tsx';
import { onEditorFocusRequest } from '../editorFocus.ts';
import { monaco } from './monaco.ts';
import { LANGUAGE_OF } from './languageOf.ts';
import { diagnosticsToMarkers } from './markers.ts';
import { EDITOR_THEME } from './themes.ts';
import { selectShownTrace } from '../../store/traceSlice.ts';
import { selectWorkspace } from '../../store/workspaceSelectors.ts';
import { stepLocation } from '../trace/traceRoute.ts';

const MARKER_OWNER = 'nflens';

const SEVERITY: Readonly<Record<Severity, monaco.MarkerSeverity>> = {
  error: monaco.MarkerSeverity.Error,
  warning: monaco.MarkerSeverity.Warning,
  info: monaco.MarkerSeverity.Info,
};

/** The trace's current step: it changes when the step or the shown trace does. */
function traceStepOf(state: AppState) {
  return selectShownTrace(state)?.steps[state.stepIndex];
}

/** The highlighting language: the chosen format, else the format of the source's last parse, which follows
 *  each edit after a pause. Checking on every keystroke whether the text still is the parsed one would
 *  compare (and first flatten) a text of tens of MB per key. */
function languageFor(state: AppState, source: SourceEntry): string {
  if (source.formatChoice !== 'auto') return LANGUAGE_OF[source.formatChoice];
  return LANGUAGE_OF[state.parses[source.id]?.format ?? selectDetectedFormat(state, source)];
}

/** One source's model and what the editor last synchronised into it. */
interface Slot {
  /** Replaced, not edited, when a whole dump of many MB comes in (see BIG_TEXT). */
  model: monaco.editor.ITextModel;
  /** The text the model holds as far as the store knows; avoids echoing our own edits back. */
  text: string;
  viewState: monaco.editor.ICodeEditorViewState | null;
  /** The inputs the markers were last computed from. */
  markedResult?: ParseResult;
  markedWorkspace?: readonly WorkspaceDiagnostic[];
}

/**
 * Above this many characters, a text that replaces a whole source goes into a fresh model instead of being
 * applied as an edit. Monaco's edit path updates its view line by line and records the old text for undo:
 * a 35 MB kube-proxy dump pasted over the editor took 1.5 s in one task, a new model of it 0.15–0.3 s. The
 * cost: that replacement cannot be undone in the editor (the source's previous text is gone from its history).
 */
export const BIG_TEXT = 4_000_000;

/**
 * In a model above BIG_TEXT, edits reach the store after a pause in typing (or when the editor loses focus)
 * rather than per keystroke. After each edit the model's text is a new string of that size, and the first
 * read of it copies it whole (Monaco builds it from pieces): 90 ms per keystroke in a 35 MB dump, before
 * anything else ran. The parse waits for a pause anyway.
 */
const BIG_EDIT_PAUSE_MS = 150;

export default function SourceEditor() {
  const store = useAppStore();
  const containerRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    const container = containerRef.current;
    if (!container) return;
    const slots = new Map<string, Slot>();
    let applyingStore = false;
    /** Sources whose big model has edits the store has not heard of yet (see BIG_EDIT_PAUSE_MS). */
    const unsent = new Map<string, ReturnType<typeof setTimeout>>();
    /** Gives the store the text of a source's model now. */
    const sendText = (id: string): void => {
      const timer = unsent.get(id);
      if (timer !== undefined) clearTimeout(timer);
      unsent.delete(id);
      const slot = slots.get(id);
      if (!slot) return;
      slot.text = slot.model.getValue();
      store.getState().setText(slot.text, id);
    };
    /** Forgets a source's unsent edits: its text is being replaced from outside the editor. */
    const dropUnsent = (id: string): void => {
      clearTimeout(unsent.get(id));
      unsent.delete(id);
    };

    const slotOf = (state: AppState, source: SourceEntry): Slot => {
      let slot = slots.get(source.id);
      if (!slot) {
        const model = monaco.editor.createModel(source.text, languageFor(state, source), monaco.Uri.from({ scheme: 'nflens', path: `/${source.id}` }));
        slot = { model, text: source.text, viewState: null };
        slots.set(source.id, slot);
        applyMarkers(state, source.id, slot);
      }
      return slot;
    };
    /** Puts `text` into a new model for the slot (same URI, language and markers to come), shown if the old one was. */
    const replaceModel = (state: AppState, source: SourceEntry, slot: Slot, text: string): void => {
      dropUnsent(source.id);
      const shown = editor.getModel() === slot.model;
      // A new model means a new view (and input element): the focus would be lost with the old one.
      const focused = shown && editor.hasTextFocus();
      const uri = slot.model.uri;
      const language = slot.model.getLanguageId();
      slot.model.dispose();
      slot.model = monaco.editor.createModel(text, language, uri);
      slot.text = text;
      slot.markedResult = undefined;
      slot.markedWorkspace = undefined;
      slot.viewState = null;
      if (shown) editor.setModel(slot.model);
      if (focused) editor.focus();
      applyMarkers(state, source.id, slot);
    };
    const sourceIdOf = (model: monaco.editor.ITextModel | null): string | undefined => {
      for (const [id, slot] of slots) if (slot.model === model) return id;
      return undefined;
    };

    const initial = store.getState();
    const firstSource = initial.sources.find((s) => s.id === initial.activeSourceId) ?? initial.sources[0]!;
    let activeId = firstSource.id;
    const editor = monaco.editor.create(container, {
      model: slotOf(initial, firstSource).model,
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
      // Dropped files become sources (ui/sources/FileDrop.tsx); Monaco must not insert their paths.
      dropIntoEditor: { enabled: false },
      placeholder: 'Paste the output of `nft list ruleset`, `iptables-save`, `ipset save` or `ipvsadm -Ln` here',
    });
    const reveal = editor.createDecorationsCollection();
    // The trace's current rule (or chain): its own highlight, kept apart from the selection's.
    const traceDecorations = editor.createDecorationsCollection();

    /** Set by an edit, so that the cursor move it causes does not select anything (see onCursor). */
    let cursorMovedByEdit = false;
    const onContent = editor.onDidChangeModelContent(() => {
      // Monaco reports the edit's cursor move in the same task: the flag does not outlive it.
      cursorMovedByEdit = true;
      queueMicrotask(() => (cursorMovedByEdit = false));
      if (applyingStore) return;
      const id = sourceIdOf(editor.getModel());
      const slot = id !== undefined ? slots.get(id) : undefined;
      if (!slot || id === undefined) return;
      if (slot.model.getValueLength() <= BIG_TEXT) return sendText(id);
      clearTimeout(unsent.get(id));
      unsent.set(id, setTimeout(() => sendText(id), BIG_EDIT_PAUSE_MS));
    });
    // Leaving the editor (e.g. for a button that reads the sources) sends what was typed first.
    const onBlur = editor.onDidBlurEditorText(() => {
      for (const id of [...unsent.keys()]) sendText(id);
    });

    // Pasting over everything makes a new source: an unnamed source takes the name of what was pasted.
    const onPaste = editor.onDidPaste((e) => {
      const model = editor.getModel();
      const id = sourceIdOf(model);
      if (model && id !== undefined && e.range.equalsRange(model.getFullModelRange())) store.getState().nameAfterPaste(id);
    });

    // A big paste over the whole source (or into an empty one) skips Monaco's edit path: it is caught before
    // Monaco's own handler (capture phase) and becomes a fresh model.
    const onBigPaste = (event: ClipboardEvent): void => {
      const text = event.clipboardData?.getData('text/plain') ?? '';
      const model = editor.getModel();
      const id = sourceIdOf(model);
      const slot = id !== undefined ? slots.get(id) : undefined;
      if (text.length <= BIG_TEXT || !model || id === undefined || !slot) return;
      const selection = editor.getSelection();
      const replacesAll = model.getValueLength() === 0 || (selection !== null && selection.equalsRange(model.getFullModelRange()));
      if (!replacesAll) return;
      event.preventDefault();
      event.stopPropagation();
      const state = store.getState();
      const source = state.sources.find((s) => s.id === id);
      if (!source) return;
      applyingStore = true;
      try {
        replaceModel(state, source, slot, text);
      } finally {
        applyingStore = false;
      }
      store.getState().setText(text, id);
      store.getState().nameAfterPaste(id);
    };
    container.addEventListener('paste', onBigPaste, true);

    const onCursor = editor.onDidChangeCursorPosition((e) => {
      // Moves made by revealing a selection (source `api`) must not re-select in the outline. Nor do moves
      // made by typing: the offsets would be looked up in the parse of the text before the edit (stale until
      // the re-parse), and in a dump of 35 MB each look-up costs a keystroke 100 ms.
      const byEdit = cursorMovedByEdit;
      cursorMovedByEdit = false;
      if (e.source === 'api' || applyingStore || byEdit) return;
      const model = editor.getModel();
      const id = sourceIdOf(model);
      if (!model || id === undefined) return;
      // A cursor in a line's indentation belongs to what that line holds (the rule), not to the block around it.
      const { lineNumber, column } = e.position;
      const firstNonBlank = model.getLineFirstNonWhitespaceColumn(lineNumber);
      const at = firstNonBlank > column ? { lineNumber, column: firstNonBlank } : e.position;
      const line = {
        start: model.getOffsetAt({ lineNumber, column: 1 }),
        end: model.getOffsetAt({ lineNumber, column: model.getLineMaxColumn(lineNumber) }),
      };
      store.getState().selectAtOffset(id, model.getOffsetAt(at), line);
      store.getState().graphSelectAtOffset(id, model.getOffsetAt(at));
    });

    function applyMarkers(state: AppState, sourceId: string, slot: Slot): void {
      const entry = state.parses[sourceId];
      const workspace = selectWorkspaceDiagnostics(state);
      if (!entry?.result) return;
      if (slot.markedResult === entry.result && slot.markedWorkspace === workspace) return;
      slot.markedResult = entry.result;
      slot.markedWorkspace = workspace;
      const diagnostics: Diagnostic[] = [...entry.result.diagnostics, ...workspace.filter((d) => d.sourceId === sourceId)];
      const markers = diagnosticsToMarkers(diagnostics, entry.parsedText ?? '').map((m) => ({
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
                  resource: slot.model.uri,
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
      monaco.editor.setModelMarkers(slot.model, MARKER_OWNER, markers);
    }

    const revealRange = (range: SourceRange): void => {
      const model = editor.getModel();
      if (!model) return;
      const start = model.getPositionAt(range.start);
      const end = model.getPositionAt(range.end);
      const r = new monaco.Range(start.lineNumber, start.column, end.lineNumber, end.column);
      editor.setSelection(r);
      editor.revealRangeInCenterIfOutsideViewport(r, monaco.editor.ScrollType.Smooth);
      reveal.set([
        { range: r, options: { className: 'nflens-reveal', isWholeLine: false } },
        { range: r, options: { isWholeLine: true, linesDecorationsClassName: 'nflens-reveal-gutter' } },
      ]);
    };

    /** Highlights the trace's current step when it is in the source shown; when the step moved (`follow`)
     *  to another source, that source is shown (after this update: not from inside a store notification). */
    const applyTraceStep = (state: AppState, follow: boolean): void => {
      const step = traceStepOf(state);
      const at = step ? stepLocation(step, selectWorkspace(state)) : undefined;
      const model = editor.getModel();
      if (!at || !model) {
        traceDecorations.clear();
        return;
      }
      if (at.sourceId !== activeId) {
        traceDecorations.clear();
        if (follow) queueMicrotask(() => store.getState().setActiveSource(at.sourceId));
        return;
      }
      const start = model.getPositionAt(at.range.start);
      const end = model.getPositionAt(at.range.end);
      const r = new monaco.Range(start.lineNumber, start.column, end.lineNumber, end.column);
      traceDecorations.set([
        { range: r, options: { className: 'nflens-trace-step', stickiness: monaco.editor.TrackedRangeStickiness.NeverGrowsWhenTypingAtEdges } },
        { range: r, options: { isWholeLine: true, className: 'nflens-trace-line', linesDecorationsClassName: 'nflens-trace-gutter' } },
      ]);
      if (follow) editor.revealRangeInCenterIfOutsideViewport(r, monaco.editor.ScrollType.Smooth);
    };

    /** Brings the editor in step with the store. */
    const sync = (state: AppState, prev: AppState | undefined): void => {
      applyingStore = true;
      try {
        // Texts replaced from outside the editor (a file, a paste as a new source, undo of a removal).
        if (!prev || state.sources !== prev.sources) {
          const present = new Set(state.sources.map((s) => s.id));
          for (const [id, slot] of slots) {
            if (present.has(id)) continue;
            if (editor.getModel() === slot.model) continue; // switched below, then disposed on the next sync
            slot.model.dispose();
            slots.delete(id);
          }
          for (const source of state.sources) {
            const slot = slots.get(source.id);
            if (!slot || slot.text === source.text) continue;
            // A text set from outside wins over edits not sent yet.
            dropUnsent(source.id);
            if (source.text.length > BIG_TEXT) {
              replaceModel(state, source, slot, source.text);
              continue;
            }
            slot.text = source.text;
            // Kept undoable: the replacement is one edit in the model's history.
            if (editor.getModel() === slot.model) {
              editor.pushUndoStop();
              editor.executeEdits('nflens', [{ range: slot.model.getFullModelRange(), text: source.text }]);
              editor.pushUndoStop();
            } else {
              slot.model.pushEditOperations([], [{ range: slot.model.getFullModelRange(), text: source.text }], () => null);
            }
          }
        }
        // The source shown.
        if (state.activeSourceId !== activeId) {
          const source = state.sources.find((s) => s.id === state.activeSourceId);
          if (source) {
            const old = slots.get(activeId);
            if (old) old.viewState = editor.saveViewState();
            const slot = slotOf(state, source);
            reveal.clear();
            editor.setModel(slot.model);
            if (slot.viewState) editor.restoreViewState(slot.viewState);
            activeId = source.id;
            // The model of a removed source that was shown until now.
            if (old && !state.sources.some((s) => s.id === old.model.uri.path.slice(1))) {
              old.model.dispose();
              slots.delete(old.model.uri.path.slice(1));
            }
          }
        }
        for (const source of state.sources) {
          const slot = slots.get(source.id);
          if (!slot) continue;
          applyMarkers(state, source.id, slot);
          const language = languageFor(state, source);
          if (language !== slot.model.getLanguageId()) monaco.editor.setModelLanguage(slot.model, language);
        }
        if (!prev || state.theme !== prev.theme) monaco.editor.setTheme(EDITOR_THEME[state.theme]);
        const sel = state.selection;
        const switched = prev !== undefined && state.activeSourceId !== prev.activeSourceId;
        if (sel && (sel !== prev?.selection || switched) && sel.origin !== 'editor' && sel.sourceId === activeId && sel.range) revealRange(sel.range);
        const stepMoved = prev !== undefined && traceStepOf(state) !== traceStepOf(prev);
        if (!prev || stepMoved || switched) applyTraceStep(state, stepMoved || (switched && sel?.sourceId !== activeId));
      } finally {
        applyingStore = false;
      }
    };
    sync(initial, undefined);
    const unsubscribe = store.subscribe((state, prev) => sync(state, prev));
    const stopFocus = onEditorFocusRequest(() => editor.focus());

    return () => {
      stopFocus();
      unsubscribe();
      for (const id of [...unsent.keys()]) sendText(id);
      onBlur.dispose();
      onContent.dispose();
      onCursor.dispose();
      onPaste.dispose();
      container.removeEventListener('paste', onBigPaste, true);
      editor.dispose();
      for (const slot of slots.values()) slot.model.dispose();
    };
  }, [store]);

  return <div ref={containerRef} className="source-editor" data-testid="source-editor" />;
}
