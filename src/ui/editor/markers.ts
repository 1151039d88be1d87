// Parse diagnostics as editor markers: offsets into the parsed text become 1-based lines and columns.
// Pure and Monaco-free (the editor maps `severity` to MarkerSeverity), so it is unit-tested in Node.
import type { Diagnostic, Severity } from '../../model/ir.ts';
import { lineIndexOf, type LineIndex } from '../../model/sourceText.ts';

export interface MarkerSpan {
  readonly startLineNumber: number;
  readonly startColumn: number;
  readonly endLineNumber: number;
  readonly endColumn: number;
}

export interface MarkerInfo extends MarkerSpan {
  readonly severity: Severity;
  readonly message: string;
  readonly code: string;
  readonly related?: MarkerSpan & { readonly message: string };
}

/** `text` must be the text the diagnostics were computed on. */
export function diagnosticsToMarkers(diagnostics: readonly Diagnostic[], text: string): MarkerInfo[] {
  if (diagnostics.length === 0) return [];
  const lines = lineIndexOf(text);
  return diagnostics.map((d) => {
    const span = spanOf(lines, d.range.start, d.range.end);
    const marker: MarkerInfo = { ...span, severity: d.severity, message: d.message, code: d.code };
    return d.related ? { ...marker, related: { ...spanOf(lines, d.related.range.start, d.related.range.end), message: d.related.message } } : marker;
  });
}

function spanOf(lines: LineIndex, start: number, end: number): MarkerSpan {
  const from = lines.lineColOf(start);
  // An empty range (e.g. "'}' expected" at the end of a line) is widened to one character when there is one
  // on that line, so the squiggle is visible; at the end of a line Monaco draws a short mark itself.
  const widenedEnd = end > start ? end : start + (lines.lineText(from.line).length >= from.column ? 1 : 0);
  const to = lines.lineColOf(widenedEnd);
  return { startLineNumber: from.line, startColumn: from.column, endLineNumber: to.line, endColumn: to.column };
}
