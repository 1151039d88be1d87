// Turns offsets into line/column for display. Owns nothing else; imports only the IR types.
import type { SourceRange } from './ir.ts';

export interface LineCol {
  /** 1-based line */
  readonly line: number;
  /** 1-based column, in UTF-16 code units like editors count */
  readonly column: number;
}

/** Line starts of a text, computed once; lookups are binary searches so that 100k-line dumps stay cheap. */
export class LineIndex {
  private readonly starts: number[];

  constructor(readonly text: string) {
    const starts = [0];
    // indexOf finds newlines far faster than a loop over every character (a 35 MB dump has 900 000 lines).
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
    this.starts = starts;
  }

  get lineCount(): number {
    return this.starts.length;
  }

  lineColOf(offset: number): LineCol {
    const clamped = Math.max(0, Math.min(offset, this.text.length));
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((this.starts[mid] ?? 0) <= clamped) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: clamped - (this.starts[lo] ?? 0) + 1 };
  }

  offsetOf(line: number, column: number): number {
    const start = this.starts[Math.max(0, Math.min(line - 1, this.starts.length - 1))] ?? 0;
    return Math.min(this.text.length, start + Math.max(0, column - 1));
  }

  /** The text of a 1-based line without its newline. */
  lineText(line: number): string {
    const start = this.starts[line - 1];
    if (start === undefined) return '';
    const next = this.starts[line];
    const end = next === undefined ? this.text.length : next - 1;
    return this.text.slice(start, end).replace(/\r$/, '');
  }

  /** Range as `{ line, column, length }`, the form the CLI and the editor show. */
  describe(range: SourceRange): LineCol & { readonly length: number } {
    return { ...this.lineColOf(range.start), length: Math.max(0, range.end - range.start) };
  }
}

/** The line index of a text, shared by the callers that ask for the same text one after another (the editor's
 *  markers and the problems list both index a parse's text: 40 ms each for a 35 MB dump). Keeps the last two
 *  (each holds its text alive). */
const recentIndexes: LineIndex[] = [];
export function lineIndexOf(text: string): LineIndex {
  const hit = recentIndexes.find((index) => index.text === text);
  if (hit) return hit;
  const index = new LineIndex(text);
  recentIndexes.unshift(index);
  recentIndexes.length = Math.min(recentIndexes.length, 2);
  return index;
}
