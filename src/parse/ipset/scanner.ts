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

/** The words of a line, and whether a quote was left open (the open word still ends the list). A word is
 *  copied out of the line in slices (one for a word without quotes) rather than a character at a time. */
export function splitWords(line: Line): { words: Word[]; unclosedQuote: boolean } {
  const words: Word[] = [];
  const text = line.text;
  let quoted = false;
  let wordStart = -1;
  /** The word's text before `runStart`, when quotes split it into runs. */
  let done = '';
  /** Where the run of the word's characters not yet copied to `done` starts. */
  let runStart = -1;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 34) {
      if (wordStart < 0) wordStart = i;
      else done += text.slice(runStart, i);
      runStart = i + 1;
      quoted = !quoted;
      continue;
    }
    if ((c === 32 || c === 9) && !quoted) {
      if (wordStart >= 0) pushWord(words, line, done + text.slice(runStart, i), wordStart, i);
      done = '';
      wordStart = -1;
      continue;
    }
    if (wordStart < 0) {
      wordStart = i;
      runStart = i;
    }
  }
  if (wordStart >= 0) pushWord(words, line, done + text.slice(runStart, text.length), wordStart, text.length);
  return { words, unclosedQuote: quoted };
}

function pushWord(words: Word[], line: Line, text: string, start: number, end: number): void {
  // ipset drops empty arguments (`""`), so an empty quoted word is no word at all.
  if (text !== '') words.push({ text, range: { start: line.start + start, end: line.start + end } });
}
