// Scanner of nft text: turns the input into tokens with offsets, in one linear pass (no regular expression
// is run per character, so 100k-rule dumps scan in linear time). Owns tokenisation only; imports nothing
// but the diagnostics collector and the message catalogue.
//
// nft's own scanner (src/scanner.l) recognises addresses, numbers and strings by longest match; the parser
// then interprets a symbol by the datatype of the expression it is compared with. We do the same: every bare
// atom is a `word` (identifier, number, IPv4/IPv6/MAC address, time string such as `1h30m`), and the parser
// decides what it means.
import type { DiagnosticBag } from '../diagnostics.ts';
import type { ProgressMeter } from '../progress.ts';
import { M } from './messages.ts';

export type TokenKind =
  | 'word' // identifier, number, address, time string, `8021q`, `eth0`, `*`
  | 'string' // "quoted" (value without quotes)
  | 'variable' // $name (value: name)
  | 'punct' // { } ( ) [ ] , ; : . / - + = @ ! < > <= >= == != & | ^ << >> * ~
  | 'newline'
  | 'handle' // a `# handle N` comment of `nft -a list` (value: N)
  | 'eof';

export interface Token {
  readonly kind: TokenKind;
  readonly value: string;
  readonly start: number;
  readonly end: number;
  /** Whitespace (or a comment) precedes the token: `1:2` vs `1 : 2`, `[::1]:80`. */
  readonly spaced: boolean;
}

const enum Ch {
  Tab = 9,
  LF = 10,
  CR = 13,
  Space = 32,
  Bang = 33,
  Quote = 34,
  Hash = 35,
  Dollar = 36,
  Amp = 38,
  Star = 42,
  Minus = 45,
  Dot = 46,
  Slash = 47,
  Zero = 48,
  Nine = 57,
  Colon = 58,
  Lt = 60,
  Eq = 61,
  Gt = 62,
  Backslash = 92,
  Underscore = 95,
  Pipe = 124,
}

// Character classes of ASCII, one table lookup per character: the scanner tests every character of a
// 36 MB dump, mostly inside long names, where a chain of comparisons per character cost a tenth of the parse.
const DIGIT = 1;
const LETTER = 2;
const HEX = 4;
/** Characters of an identifier after the first (nft scanner.l `string`: letters, digits, `/ - _ .`, so that
 *  kube-proxy chain names such as `service-X-ns1/svc1/tcp/p80` are one word), plus `*` for interface
 *  wildcards. */
const IDENT = 8;
const CHAR_CLASS = ((): Uint8Array => {
  const table = new Uint8Array(128);
  const mark = (from: string, to: string, bits: number): void => {
    for (let c = from.charCodeAt(0); c <= to.charCodeAt(0); c++) table[c] = (table[c] as number) | bits;
  };
  mark('0', '9', DIGIT | HEX | IDENT);
  mark('A', 'Z', LETTER | IDENT);
  mark('a', 'z', LETTER | IDENT);
  mark('A', 'F', HEX);
  mark('a', 'f', HEX);
  for (const c of '_-./*') mark(c, c, IDENT);
  return table;
})();

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}
function isLetter(c: number): boolean {
  return c < 128 && ((CHAR_CLASS[c] as number) & LETTER) !== 0;
}

/** A character of an nft identifier after `$`: letters, digits and `_`, then also `/`, `-` and `.` (a leading
 *  digit is accepted too, more leniently than nft, which wants a letter, `_` or `.`). */
function isVariableChar(c: number, first: boolean): boolean {
  if (isLetter(c) || isDigit(c) || c === Ch.Underscore || c === Ch.Dot) return true;
  return !first && (c === Ch.Slash || c === Ch.Minus);
}

function isHex(c: number): boolean {
  return c < 128 && ((CHAR_CLASS[c] as number) & HEX) !== 0;
}
function isIdentChar(c: number): boolean {
  return c < 128 && ((CHAR_CLASS[c] as number) & IDENT) !== 0;
}

/** IPv6 address text (RFC 4291 forms, optional trailing dotted IPv4). */
export function isIpv6(s: string): boolean {
  if (s.length < 2 || s.indexOf(':') < 0) return false;
  const dbl = s.indexOf('::');
  if (dbl >= 0 && s.indexOf('::', dbl + 1) >= 0) return false;
  let groups = 0;
  const parts = s.split(':');
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i] ?? '';
    if (p === '') continue;
    if (i === parts.length - 1 && p.includes('.')) {
      if (!isIpv4(p)) return false;
      groups += 2;
      continue;
    }
    if (p.length > 4) return false;
    for (let j = 0; j < p.length; j++) if (!isHex(p.charCodeAt(j))) return false;
    groups++;
  }
  // Empty parts are only allowed as part of `::` (at start, end or middle).
  if (dbl < 0) {
    if (parts.some((p) => p === '')) return false;
    return groups === 8;
  }
  if (s.startsWith(':') && !s.startsWith('::')) return false;
  if (s.endsWith(':') && !s.endsWith('::')) return false;
  return groups < 8;
}

export function isIpv4(s: string): boolean {
  return isIpv4At(s, 0, s.length);
}

/** Whether `text` from `start` to `end` is an IPv4 address (the scanner tests the text in place, without
 *  cutting the candidate out of it). */
function isIpv4At(text: string, start: number, end: number): boolean {
  // A character loop, not split(): this runs for every address of large dumps.
  let dots = 0;
  let digits = 0;
  let value = 0;
  for (let j = start; j < end; j++) {
    const c = text.charCodeAt(j);
    if (c === Ch.Dot) {
      if (digits === 0 || ++dots > 3) return false;
      digits = 0;
      value = 0;
    } else if (isDigit(c)) {
      value = value * 10 + (c - 48);
      if (++digits > 3 || value > 255) return false;
    } else return false;
  }
  return dots === 3 && digits > 0;
}

export function isMac(s: string): boolean {
  const parts = s.split(':');
  if (parts.length !== 6) return false;
  return parts.every((p) => p.length >= 1 && p.length <= 2 && isHex(p.charCodeAt(0)) && (p.length === 1 || isHex(p.charCodeAt(1))));
}

/** One token. A plain function, not a closure made per call of `next()`: tsx/esbuild (the CLI, the bench)
 *  give every closure a name with `Object.defineProperty`, which cost half of a 36 MB parse. */
function token(kind: TokenKind, value: string, start: number, end: number, spaced: boolean): Token {
  return { kind, value, start, end, spaced };
}

/** A streaming scanner: tokens are produced as the parser asks for them, so a large dump never holds all
 *  its tokens at once. Errors (unterminated string, stray character) go to `bag`. */
export class Scanner {
  private pos = 0;
  private wasSpaced = true;
  /** Where the next progress report is due (never, without a meter). */
  private reportAt: number;

  constructor(
    private readonly text: string,
    private readonly bag: DiagnosticBag,
    private readonly meter?: ProgressMeter,
  ) {
    this.reportAt = meter ? meter.next : Infinity;
  }

  next(): Token {
    if (this.pos >= this.reportAt) {
      this.meter!.at(this.pos);
      this.reportAt = this.meter!.next;
    }
    const text = this.text;
    const bag = this.bag;
    const n = text.length;
    let i = this.pos;
    let spaced = this.wasSpaced;
    let out: Token | undefined;
    while (out === undefined && i < n) {
      const c = text.charCodeAt(i);
      if (c === Ch.Space || c === Ch.Tab || c === Ch.CR || c === 0x0c || c === 0x0b) {
        i++;
        spaced = true;
        continue;
      }
      if (c === Ch.LF) {
        out = token('newline', '\n', i, i + 1, spaced);
        spaced = false;
        i++;
        spaced = true;
        continue;
      }
      if (c === Ch.Backslash && i + 1 < n && (text.charCodeAt(i + 1) === Ch.Quote || text.charCodeAt(i + 1) === 59)) {
        // `\"` and `\;` are shell escapes left in rulesets copied out of scripts; read them as `"` and `;`.
        bag.warning(M.shellEscape.code, M.shellEscape.text(text[i + 1] ?? ''), { start: i, end: i + 2 });
        if (text.charCodeAt(i + 1) === 59) {
          out = token('punct', ';', i, i + 2, spaced);
          spaced = false;
          i += 2;
          continue;
        }
        // An escaped quote opens a string that an escaped (or plain) quote closes.
        let j = i + 2;
        while (j < n && text.charCodeAt(j) !== Ch.Quote && text.charCodeAt(j) !== Ch.LF) j++;
        const end = j < n && text.charCodeAt(j) === Ch.Quote ? j + 1 : j;
        const valueEnd = text.charCodeAt(j - 1) === Ch.Backslash ? j - 1 : j;
        out = token('string', text.slice(i + 2, valueEnd), i, end, spaced);
        spaced = false;
        i = end;
        continue;
      }
      if (c === Ch.Backslash) {
        // Line continuation: `\` followed by (spaces and) a newline joins the lines.
        let j = i + 1;
        while (j < n && (text.charCodeAt(j) === Ch.Space || text.charCodeAt(j) === Ch.Tab || text.charCodeAt(j) === Ch.CR)) j++;
        if (j >= n || text.charCodeAt(j) === Ch.LF) {
          i = j + 1;
          spaced = true;
          continue;
        }
        bag.error(M.strayCharacter.code, M.strayCharacter.text('\\'), { start: i, end: i + 1 });
        i++;
        continue;
      }
      if (c === Ch.Hash) {
        let j = i + 1;
        while (j < n && text.charCodeAt(j) !== Ch.LF) j++;
        const body = text.slice(i + 1, j).trim();
        if (body.startsWith('handle ')) {
          const num = body.slice(7).trim();
          if (/^\d+$/.test(num)) {
            out = token('handle', num, i, j, spaced);
            spaced = false;
          }
        }
        i = j;
        spaced = true;
        continue;
      }
      if (c === Ch.Quote) {
        let j = i + 1;
        while (j < n && text.charCodeAt(j) !== Ch.Quote && text.charCodeAt(j) !== Ch.LF) j++;
        if (j >= n || text.charCodeAt(j) !== Ch.Quote) {
          bag.error(M.unterminatedString.code, M.unterminatedString.text, { start: i, end: j });
          out = token('string', text.slice(i + 1, j), i, j, spaced);
          spaced = false;
          i = j;
          continue;
        }
        out = token('string', text.slice(i + 1, j), i, j + 1, spaced);
        spaced = false;
        i = j + 1;
        continue;
      }
      if (c === Ch.Dollar) {
        // `$` then an identifier, which nft scans as a string: scanner.l `({letter}|[_.])({letter}|{digit}|[/\-_\.])*`,
        // so `$ports/router/tcp` and `$lan.v4-nets` are single names (and `$net/24` is the name `net/24`, as nft reads it).
        let j = i + 1;
        while (j < n && isVariableChar(text.charCodeAt(j), j === i + 1)) j++;
        if (j === i + 1) {
          bag.error(M.strayCharacter.code, M.strayCharacter.text('$'), { start: i, end: i + 1 });
          i++;
          continue;
        }
        out = token('variable', text.slice(i + 1, j), i, j, spaced);
        spaced = false;
        i = j;
        continue;
      }
      if (isDigit(c) || isLetter(c) || c === Ch.Underscore || c === Ch.Colon) {
        const end = scanWord(text, i);
        if (end > i) {
          out = token('word', text.slice(i, end), i, end, spaced);
          spaced = false;
          i = end;
          continue;
        }
      }
      // Punctuation, two-character operators first.
      const c2 = i + 1 < n ? text.charCodeAt(i + 1) : 0;
      if ((c === Ch.Lt && c2 === Ch.Lt) || (c === Ch.Gt && c2 === Ch.Gt) || (c === Ch.Lt && c2 === Ch.Eq) || (c === Ch.Gt && c2 === Ch.Eq) || (c === Ch.Eq && c2 === Ch.Eq) || (c === Ch.Bang && c2 === Ch.Eq)) {
        out = token('punct', text.slice(i, i + 2), i, i + 2, spaced);
        spaced = false;
        i += 2;
        continue;
      }
      if ('{}()[],;:./-+=@!<>&|^*~'.includes(text[i] ?? '')) {
        out = token('punct', text[i] ?? '', i, i + 1, spaced);
        spaced = false;
        i++;
        continue;
      }
      // Anything else (non-ASCII, control characters, stray quotes) is an error; skip the character.
      const cp = text.codePointAt(i) ?? c;
      const width = cp > 0xffff ? 2 : 1;
      bag.error(M.strayCharacter.code, M.strayCharacter.text(text.slice(i, i + width)), { start: i, end: i + width });
      i += width;
      spaced = true;
    }
    this.pos = i;
    this.wasSpaced = spaced;
    return out ?? { kind: 'eof', value: '', start: n, end: n, spaced: true };
  }
}

/** Scans the whole text into tokens (ending with `eof`). */
export function scan(text: string, bag: DiagnosticBag): Token[] {
  const s = new Scanner(text, bag);
  const tokens: Token[] = [];
  for (;;) {
    const t = s.next();
    tokens.push(t);
    if (t.kind === 'eof') return tokens;
  }
}

/** The end of the word starting at `i` (longest of: IPv6/MAC address, IPv4 address, number or time string,
 *  identifier), or `i` when no word starts there. */
function scanWord(text: string, i: number): number {
  const n = text.length;
  const c = text.charCodeAt(i);
  // Addresses: the run of hex digits, ':' and '.'.
  if (isHex(c) || c === Ch.Colon) {
    let j = i;
    let colons = 0;
    let firstColon = -1;
    while (j < n) {
      const d = text.charCodeAt(j);
      if (d === Ch.Colon) {
        if (colons++ === 0) firstColon = j;
        j++;
      } else if (isHex(d) || d === Ch.Dot) j++;
      else break;
    }
    // Most words (`accept`, `daddr`, `10.0.0.1`) have no ':'; they are not sliced or tried as addresses.
    if (colons > 0) {
      // Longest prefix that is an address, cut at ':' or '.' boundaries (`1.2.3.4:80` → `1.2.3.4`).
      // Addresses are at most 45 characters long; longer runs are not tried past that (keeps this linear).
      // An IPv6 address has two ':' at least (`::`) and a MAC address five, so a run with one ':'
      // (`172.18.0.2:6443`, the address and port of every kube-proxy dnat) has no address prefix.
      if (colons >= 2) {
        for (let end = Math.min(j, i + 46); end > i; end--) {
          const ch = text.charCodeAt(end);
          if (end < j && ch !== Ch.Colon && ch !== Ch.Dot) continue;
          const cand = text.slice(i, end);
          if ((isIpv6(cand) || isMac(cand)) && !identContinues(text, end)) return end;
        }
      }
      // A tc class id `1:2`, `bcad:dada` (hex{1,4}:hex{1,4}), as nft's scanner reads it.
      const colon = firstColon - i;
      let k = colon + 1;
      while (k < j - i && k - colon <= 4 && isHex(text.charCodeAt(i + k))) k++;
      const end = i + k;
      if (colon >= 1 && colon <= 4 && k > colon + 1 && k - colon <= 5 && !identContinues(text, end)) {
        const after = end < n ? text.charCodeAt(end) : 0;
        if (after !== Ch.Colon && after !== Ch.Dot) return end;
      }
    }
  }
  if (isDigit(c)) {
    let j = i;
    while (j < n && isDigit(text.charCodeAt(j))) j++;
    // IPv4 dotted quad.
    if (j < n && text.charCodeAt(j) === Ch.Dot) {
      let k = j;
      while (k < n && (isDigit(text.charCodeAt(k)) || text.charCodeAt(k) === Ch.Dot)) k++;
      while (k > j && text.charCodeAt(k - 1) === Ch.Dot) k--;
      if (isIpv4At(text, i, k)) return k;
    }
    // Number, hex number, time string (`1h30m`), `8021q`: digits then letters/digits/underscores.
    while (j < n && (isLetter(text.charCodeAt(j)) || isDigit(text.charCodeAt(j)) || text.charCodeAt(j) === Ch.Underscore)) j++;
    return j;
  }
  if (isLetter(c) || c === Ch.Underscore) {
    let j = i + 1;
    while (j < n && isIdentChar(text.charCodeAt(j))) j++;
    // A trailing '.' or '-' is punctuation (`a. b`). A trailing '/' stays part of the word, as in nft's
    // greedy scanner: kube-proxy names the chain of an unnamed Service port `service-X-ns/name/tcp/`.
    while (j > i + 1 && (text.charCodeAt(j - 1) === Ch.Dot || text.charCodeAt(j - 1) === Ch.Minus)) j--;
    return j;
  }
  return i;
}

/** After an address candidate, a letter/digit would make it part of a longer identifier. */
function identContinues(text: string, end: number): boolean {
  if (end >= text.length) return false;
  const d = text.charCodeAt(end);
  return isLetter(d) || isDigit(d) || d === Ch.Underscore;
}
