// The token stream of the nft parser: lookahead, `define` variables expanded on the fly, `# handle N`
// comments picked up, expect/eat helpers that record diagnostics, and recovery to the next statement
// separator. Imports the scanner, the diagnostics collector and the message catalogue only.
import type { Family, SourceRange } from '../../model/ir.ts';
import type { DiagnosticBag } from '../diagnostics.ts';
import { M } from './messages.ts';
import { suggestName } from './misspell.ts';
import type { Scanner, Token } from './scanner.ts';

interface Expansion {
  readonly toks: readonly Token[];
  i: number;
  /** The `$name` token being expanded: expanded tokens take its position so ranges stay in order. */
  readonly at: Token;
}

/** Where the parser is: which table family and chain, for the checks nft's evaluator makes. */
export interface ParseContext {
  family: Family;
  table?: string;
  chain?: string;
  chainType?: string;
  hook?: string;
}

export class ParserCore {
  private readonly la: Token[] = [];
  private readonly exp: Expansion[] = [];
  /** Scopes of `define`d variables, innermost last (table and chain blocks open scopes). A scope's map is
   *  made by its first `define` (`undefined` until then): a kube-proxy dump opens 100 000 chain blocks and
   *  defines nothing. */
  private readonly scopes: (Map<string, readonly Token[]> | undefined)[] = [undefined];
  /** End offset of the last consumed token. */
  lastEnd = 0;
  /** `# handle N` comments read and not yet taken, in text order. A queue, not one slot: the lookahead may
   *  read past the comment of the next item (a block peeks two tokens ahead for `add table …`), and that must
   *  not replace the comment of the chain whose `{` line is being parsed. */
  private readonly handles: { value: number; at: number; end: number }[] = [];
  readonly ctx: ParseContext = { family: 'ip' };

  constructor(
    readonly text: string,
    private readonly scanner: Scanner,
    readonly bag: DiagnosticBag,
  ) {}

  // ───────────── token access ─────────────

  private raw(): Token {
    while (this.exp.length > 0) {
      const top = this.exp[this.exp.length - 1];
      if (top && top.i < top.toks.length) {
        const t = top.toks[top.i++];
        if (t) return { ...t, start: top.at.start, end: top.at.end, spaced: top.i === 1 ? top.at.spaced : t.spaced };
      }
      this.exp.pop();
    }
    return this.scanner.next();
  }

  private fill(k: number): void {
    while (this.la.length <= k) {
      const t = this.raw();
      if (t.kind === 'handle') {
        this.handles.push({ value: Number(t.value), at: t.start, end: t.end });
        continue;
      }
      if (t.kind === 'variable') {
        const value = this.lookupVariable(t.value);
        if (value !== undefined) {
          if (this.exp.length >= 32) {
            this.bag.error(M.recursiveVariable.code, M.recursiveVariable.text(t.value), t);
          } else if (value.length > 0) {
            this.exp.push({ toks: value, i: 0, at: t });
          }
          continue;
        }
      }
      this.la.push(t);
      if (t.kind === 'eof') {
        while (this.la.length <= k) this.la.push(t);
        return;
      }
    }
  }

  peek(k = 0): Token {
    this.fill(k);
    return this.la[k] as Token;
  }

  next(): Token {
    this.fill(0);
    const t = this.la.shift() as Token;
    if (t.kind !== 'eof') this.lastEnd = t.end;
    return t;
  }

  /** The current token is the word (or punctuation) `value`. */
  at(value: string, k = 0): boolean {
    const t = this.peek(k);
    return (t.kind === 'word' || t.kind === 'punct') && t.value === value;
  }

  atWord(k = 0): boolean {
    return this.peek(k).kind === 'word';
  }

  /** Consumes `value` when it is next. */
  eat(value: string): Token | undefined {
    return this.at(value) ? this.next() : undefined;
  }

  /** Consumes `value`, or records "expected …, found …" and leaves the input alone. */
  expect(value: string, what = `'${value}'`): Token | undefined {
    if (this.at(value)) return this.next();
    this.errorExpected(what);
    return undefined;
  }

  /** Statement separators: newline, `;`, and (not consumed) `}` and end of input. */
  atSeparator(): boolean {
    const t = this.peek();
    return t.kind === 'newline' || t.kind === 'eof' || (t.kind === 'punct' && (t.value === ';' || t.value === '}'));
  }

  atEnd(): boolean {
    return this.peek().kind === 'eof';
  }

  skipNewlines(): void {
    while (this.peek().kind === 'newline' || this.at(';')) this.next();
  }

  skipLineBreaks(): void {
    while (this.peek().kind === 'newline') this.next();
  }

  /** Takes the first `# handle N` comment at or after `offset` and before `before` (a block's handle sits on
   *  its `{` line, before its first item), if any; comments before `offset` belonged to nothing and go. */
  takeHandle(offset: number, before = Number.POSITIVE_INFINITY): number | undefined {
    return this.takeHandleComment(offset, before)?.value;
  }

  /** Like takeHandle, with where the comment ends. */
  takeHandleComment(offset: number, before = Number.POSITIVE_INFINITY): { value: number; end: number } | undefined {
    while (this.handles.length > 0 && this.handles[0]!.at < offset) this.handles.shift();
    const h = this.handles[0];
    if (h === undefined || h.at >= before) return undefined;
    this.handles.shift();
    return { value: h.value, end: h.end };
  }

  // ───────────── diagnostics ─────────────

  describe(t: Token): string {
    switch (t.kind) {
      case 'eof':
        return 'end of input';
      case 'newline':
        return 'end of line';
      case 'string':
        return `"${t.value}"`;
      case 'variable':
        return `$${t.value}`;
      case 'handle':
        return 'a handle comment';
      default:
        return `'${t.value}'`;
    }
  }

  errorExpected(what: string, t: Token = this.peek()): void {
    this.bag.error(M.expected.code, M.expected.text(what, this.describe(t)), rangeOf(t));
  }

  error(code: string, message: string, range: SourceRange, related?: { message: string; range: SourceRange }): void {
    this.bag.error(code, message, clamp(range), related);
  }

  warning(code: string, message: string, range: SourceRange): void {
    this.bag.warning(code, message, clamp(range));
  }

  /** "unknown <what> 'x'; did you mean 'y'?" for a word that is not one of `candidates`. */
  errorUnknown(what: string, t: Token, candidates: Iterable<string>): void {
    this.bag.error(M.unknownKeyword.code, M.unknownKeyword.text(what, t.value, suggestName(t.value, candidates)), rangeOf(t));
  }

  range(start: number): SourceRange {
    return { start, end: Math.max(start, this.lastEnd) };
  }

  /** Skips to the next statement separator (not consuming `}` or the separator), keeping braces balanced. */
  recover(): void {
    let depth = 0;
    for (;;) {
      const t = this.peek();
      if (t.kind === 'eof') return;
      if (depth === 0 && (t.kind === 'newline' || (t.kind === 'punct' && (t.value === ';' || t.value === '}')))) return;
      if (t.kind === 'punct' && t.value === '{') depth++;
      if (t.kind === 'punct' && t.value === '}') depth--;
      this.next();
    }
  }

  // ───────────── variables ─────────────

  lookupVariable(name: string): readonly Token[] | undefined {
    for (let i = this.scopes.length - 1; i >= 0; i--) {
      const v = this.scopes[i]?.get(name);
      if (v !== undefined) return v;
    }
    return undefined;
  }

  variableNames(): string[] {
    const out: string[] = [];
    for (const s of this.scopes) if (s) out.push(...s.keys());
    return out;
  }

  /** The innermost scope, for `define`. */
  innermostScope(): Map<string, readonly Token[]> {
    const last = this.scopes.length - 1;
    return (this.scopes[last] ??= new Map());
  }

  /** Removes a variable from the innermost scope, or else from every scope that has it; false when none has it. */
  undefineVariable(name: string): boolean {
    if (this.scopes[this.scopes.length - 1]?.delete(name)) return true;
    let found = false;
    for (const s of this.scopes) if (s?.delete(name)) found = true;
    return found;
  }

  pushScope(): void {
    this.scopes.push(undefined);
  }

  popScope(): void {
    if (this.scopes.length > 1) this.scopes.pop();
  }

  /** Source text of a range (for opaque nodes). */
  slice(range: SourceRange): string {
    return this.text.slice(range.start, range.end);
  }
}

export function rangeOf(t: Token): SourceRange {
  return { start: t.start, end: Math.max(t.start, t.end) };
}

function clamp(r: SourceRange): SourceRange {
  return r.end < r.start ? { start: r.start, end: r.start } : r;
}
