// Splits the text into lines and a line into words the way ipset's restore mode does (lib/ipset.c,
// build_argv): blanks separate words, a `"` toggles quoting anywhere and is dropped, there is no escape.
// Pure; imports only IR types.
import type { SourceRange } from '../../model/ir.ts';

export interface Line {
  /** The line without its end-of-line characters. */
  readonly text: string;
  /** Offset of the line's first character in the whole text. */
  readonly start: number;
}

export interface Word {
  /** The word with quotes removed. */
  readonly text: string;
  /** Where the word is written, quotes included. */
  readonly range: SourceRange;
}

export function splitLines(text: string): Line[] {
  const lines: Line[] = [];
  let start = 0;
  while (start <= text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const raw = text.slice(start, end);
    lines.push({ text: raw.endsWith('\r') ? raw.slice(0, -1) : raw, start });
    start = end + 1;
  }
  return lines;
}

/** The words of a line, and whether a quote was left open (the open word still ends the list). */
export function splitWords(line: Line): { words: Word[]; unclosedQuote: boolean } {
  const words: Word[] = [];
  let quoted = false;
  let current = '';
  let wordStart = -1;
  const flush = (end: number): void => {
    // ipset drops empty arguments (`""`), so an empty quoted word is no word at all.
    if (wordStart >= 0 && current !== '') {
      words.push({ text: current, range: { start: line.start + wordStart, end: line.start + end } });
    }
    current = '';
    wordStart = -1;
  };
  for (let i = 0; i < line.text.length; i++) {
    const ch = line.text[i] as string;
    if (ch === '"') {
      if (wordStart < 0) wordStart = i;
      quoted = !quoted;
      continue;
    }
    if ((ch === ' ' || ch === '\t') && !quoted) {
      flush(i);
      continue;
    }
    if (wordStart < 0) wordStart = i;
    current += ch;
  }
  flush(line.text.length);
  return { words, unclosedQuote: quoted };
}
