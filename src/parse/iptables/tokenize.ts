// Splits one iptables-save / iptables-restore line into argument tokens with their source offsets, the way
// iptables-restore does (iptables/xshared.c add_param_to_argv): blanks separate words, `"` opens and closes
// a quoted part (a word may mix quoted and bare parts), and inside quotes a backslash takes the next
// character literally. Outside quotes a backslash is an ordinary character. Imports nothing.

export interface Token {
  /** The word after removing quotes and escapes. */
  readonly text: string;
  /** Offsets of the word in the whole text, quotes included. */
  readonly start: number;
  readonly end: number;
  /** Whether any part of the word was quoted (a quoted `"!"` is still a word, not a negation). */
  readonly quoted: boolean;
}

export interface TokenizeResult {
  readonly tokens: Token[];
  /** Offset of an opening quote that was never closed, when there is one. */
  readonly unclosedQuote?: number;
}

/** Tokenizes `text[start, end)` (one line without its newline). */
export function tokenizeLine(text: string, start: number, end: number): TokenizeResult {
  const tokens: Token[] = [];
  let i = start;
  let unclosedQuote: number | undefined;
  while (i < end) {
    let c = text.charCodeAt(i);
    if (c === 32 || c === 9 || c === 13) {
      i++;
      continue;
    }
    const wordStart = i;
    let word = '';
    let quoted = false;
    // Fast path: a bare word without quotes (the vast majority of words in a dump).
    let j = i;
    while (j < end) {
      c = text.charCodeAt(j);
      if (c === 32 || c === 9 || c === 13 || c === 34) break;
      j++;
    }
    if (j >= end || c !== 34) {
      tokens.push({ text: text.slice(i, j), start: wordStart, end: j, quoted: false });
      i = j;
      continue;
    }
    // A word with quotes: copied in runs (slices between quotes and escapes), not a character at a time,
    // which made a chain of string pieces per character of every quoted comment, kept in the IR.
    let runStart = wordStart;
    let open = -1;
    i = j;
    while (i < end) {
      c = text.charCodeAt(i);
      if (open < 0) {
        if (c === 32 || c === 9 || c === 13) break;
        if (c === 34) {
          word += text.slice(runStart, i);
          quoted = true;
          open = i;
          runStart = i + 1;
        }
        i++;
        continue;
      }
      if (c === 92 && i + 1 < end) {
        word += text.slice(runStart, i) + text[i + 1];
        i += 2;
        runStart = i;
        continue;
      }
      if (c === 34) {
        word += text.slice(runStart, i);
        open = -1;
        runStart = i + 1;
      }
      i++;
    }
    word += text.slice(runStart, i);
    if (open >= 0 && unclosedQuote === undefined) unclosedQuote = open;
    // iptables-restore drops an empty word (`""`) entirely; we keep it so that `--comment ""` is not
    // silently read as a missing argument, and mark it quoted.
    tokens.push({ text: word, start: wordStart, end: i, quoted });
  }
  return unclosedQuote === undefined ? { tokens } : { tokens, unclosedQuote };
}

/** Quotes a word for iptables-save output when it would not survive tokenizing as a bare word
 *  (iptables' xtables_save_string quotes and escapes `"`, `\` and `'`). */
export function quoteWord(word: string): string {
  if (word !== '' && word !== '!' && /^[A-Za-z0-9_.:/,+=@%^*[\]~-]+$/.test(word)) return word;
  return `"${word.replace(/["\\']/g, (m) => `\\${m}`)}"`;
}
