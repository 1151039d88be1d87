// ipset text → IR: `ipset save` / `ipset restore` command lines (create, add, del, flush, destroy,
// rename, swap, old `-N`/`-A` forms, `-exist`) and `ipset list` blocks (`Name:` … `Members:`, also
// `-terse`), applied in order like `ipset restore` does. All sets go into one table per source (see
// index.ts for the table's name and family). Pure; imports the model, the diagnostics bag and this
// folder's modules.
import type { Expr, NamedSet, SourceRange, Stmt } from '../../model/ir.ts';
import { DiagnosticBag } from '../diagnostics.ts';
import { parseElement, type ElementContext } from './element.ts';
import { IPS } from './messages.ts';
import { parseCreateOptions, parseElementOptions, type OptionValue } from './options.ts';
import { splitLines, splitWords, type Line, type Word } from './scanner.ts';
import { familyOf, findIpsetType, maskLengthOf, nftKeyTypes, type IpsetType } from './types.ts';

/** A set while the text is applied. Elements are keyed by their value so that `del` and re-`add` find them. */
interface SetState {
  name: string;
  readonly type: IpsetType;
  readonly options: Record<string, OptionValue>;
  elements: Map<string, Expr>;
  range: SourceRange;
  list?: { revision?: number; references?: number; memory?: number; entries?: number };
  /** What parsing an element needs to know of the set, worked out at its first element (not per element). */
  ctx?: ElementContext | undefined;
}

const NO_WORDS: readonly Word[] = [];

function elementContext(set: SetState): ElementContext {
  return (set.ctx ??= { type: set.type, family: familyOf(set), maskLength: maskLengthOf(set) });
}

type Command = 'create' | 'add' | 'del' | 'test' | 'destroy' | 'list' | 'save' | 'restore' | 'flush' | 'rename' | 'swap' | 'help' | 'version' | 'quit';

/** Command names and aliases in ipset's order: a prefix of a name selects the first command it fits
 *  (`a` = add, `d` = del, `des` = destroy; lib/ipset.c ipset_commands and ipset_match_cmd). */
const COMMANDS: readonly (readonly [Command, readonly string[]])[] = [
  ['create', ['create', 'new', '-N']],
  ['add', ['add', '-A']],
  ['del', ['del', '-D']],
  ['test', ['test', '-T']],
  ['destroy', ['destroy', 'x', '-X']],
  ['list', ['list', '-L']],
  ['save', ['save', '-S']],
  ['restore', ['restore', '-R']],
  ['flush', ['flush', '-F']],
  ['rename', ['rename', 'e', '-E']],
  ['swap', ['swap', 'w', '-W']],
  ['help', ['help', '-h', '-H']],
  ['version', ['version', '-v', '-V']],
  ['quit', ['quit']],
];

/** Global options allowed anywhere on a line (ipset_envopts); `-o` and `-f` take a value. */
const ENV_OPTIONS: readonly (readonly [string, string, boolean])[] = [
  ['-o', '-output', true],
  ['-s', '-sorted', false],
  ['-q', '-quiet', false],
  ['-r', '-resolve', false],
  ['-!', '-exist', false],
  ['-n', '-name', false],
  ['-t', '-terse', false],
  ['-f', '-file', true],
];

/** ENV_OPTIONS by short and long name (looked up for every word of every line). */
const ENV_OPTION_BY_NAME: ReadonlyMap<string, readonly [string, string, boolean]> = new Map(ENV_OPTIONS.flatMap((e) => [[e[0], e], [e[1], e]] as const));

const LIST_KEY = /^(Name|Type|Revision|Header|Size in memory|References|Number of entries|Members):[ \t]*(.*)$/;

export interface IpsetParse {
  readonly sets: NamedSet[];
  readonly bag: DiagnosticBag;
}

export function parseIpsetSets(text: string): IpsetParse {
  return new IpsetParser(text).run();
}

class IpsetParser {
  private readonly bag = new DiagnosticBag();
  private readonly sets = new Map<string, SetState>();
  /** The `ipset list` block being read, and whether its `Members:` line was seen. */
  private block: { set: SetState | undefined; name: Word; members: boolean } | undefined;
  private reportedMarkup = false;

  constructor(private readonly text: string) {}

  run(): IpsetParse {
    for (const line of splitLines(this.text)) this.parseLine(line);
    return { sets: [...this.sets.values()].map(toNamedSet), bag: this.bag };
  }

  private parseLine(line: Line): void {
    const trimmed = line.text.trim();
    if (trimmed === '') {
      this.block = undefined; // a blank line ends a listing block
      return;
    }
    // Listing keys start with a capital letter; `add …` lines (nearly all of a dump) skip the regex.
    const first = trimmed.charCodeAt(0);
    const listKey = first >= 65 && first <= 90 ? LIST_KEY.exec(trimmed) : null;
    if (listKey) {
      this.parseListLine(line, listKey[1] as string, listKey[2] as string);
      return;
    }
    if (this.block?.members) {
      this.parseMember(line);
      return;
    }
    this.block = undefined;
    if (trimmed.startsWith('#') || trimmed === 'COMMIT') return;
    if (trimmed.startsWith('<') || trimmed.startsWith('{') || trimmed.startsWith('[')) {
      if (!this.reportedMarkup) this.error(IPS.unsupportedOutput(trimmed.startsWith('<') ? 'XML' : 'JSON'), this.lineRange(line));
      this.reportedMarkup = true;
      return;
    }
    this.parseCommand(line);
  }

  // ───────────── `ipset list` blocks ─────────────

  private parseListLine(line: Line, key: string, value: string): void {
    const valueStart = line.start + line.text.indexOf(value, line.text.indexOf(':') + 1);
    const valueRange = { start: valueStart, end: valueStart + value.length };
    if (key === 'Name') {
      const name: Word = { text: value.trim(), range: valueRange };
      this.block = { set: undefined, name, members: false };
      return;
    }
    const block = this.block;
    if (!block) {
      this.error(IPS.unexpectedLine(line.text.trim()), this.lineRange(line));
      return;
    }
    const number = (): number | undefined => {
      const n = Number(value.trim());
      if (Number.isInteger(n) && value.trim() !== '') return n;
      this.error(IPS.notANumber(key, value.trim()), valueRange);
      return undefined;
    };
    switch (key) {
      case 'Type': {
        const type = findIpsetType(value.trim());
        if (!type) {
          this.error(IPS.unknownType(value.trim()), valueRange);
          return;
        }
        block.set = this.createSet(block.name, type, {}, false, { start: line.start, end: line.start + line.text.length });
        if (block.set) block.set.range = { start: block.name.range.start, end: line.start + line.text.length };
        return;
      }
      case 'Header': {
        const set = this.blockSet(block);
        if (!set) return;
        const { words } = splitWords({ text: value, start: valueStart });
        Object.assign(set.options, parseCreateOptions(words, this.bag));
        set.ctx = undefined; // the family or netmask may have changed
        return;
      }
      case 'Members': {
        block.members = true;
        this.blockSet(block);
        return;
      }
      default: {
        const set = this.blockSet(block);
        const n = number();
        if (!set || n === undefined) return;
        const field = key === 'Revision' ? 'revision' : key === 'References' ? 'references' : key === 'Size in memory' ? 'memory' : 'entries';
        set.list = { ...set.list, [field]: n };
      }
    }
  }

  /** The set of a listing block; reports a missing `Type:` line once. */
  private blockSet(block: NonNullable<IpsetParser['block']>): SetState | undefined {
    if (!block.set) this.error(IPS.listLineWithoutType(block.name.text), block.name.range);
    return block.set;
  }

  private parseMember(line: Line): void {
    const set = this.block?.set;
    if (!set) return; // the missing Type: line was reported
    const { words, unclosedQuote } = splitWords(line);
    if (unclosedQuote) this.error(IPS.unclosedQuote(), this.lineRange(line));
    const [elem, ...rest] = words;
    if (elem) this.addElement(set, elem, rest, false);
    set.range = { start: set.range.start, end: line.start + line.text.length };
  }

  // ───────────── restore commands ─────────────

  private parseCommand(line: Line): void {
    const split = splitWords(line);
    if (split.unclosedQuote) {
      this.error(IPS.unclosedQuote(), this.lineRange(line));
      return;
    }
    let words = split.words;
    if (words[0]?.text === 'ipset') words = words.slice(1); // a line of a shell script: `ipset add …`
    let exist = false;
    const args: Word[] = [];
    for (let i = 0; i < words.length; i++) {
      const word = words[i] as Word;
      // Every global option starts with `-`: other words (set names, elements) skip the lookup.
      const envName = word.text.startsWith('--') ? word.text.slice(1) : word.text;
      const env = word.text.charCodeAt(0) === 45 ? ENV_OPTION_BY_NAME.get(envName) : undefined;
      if (!env) {
        args.push(word);
        continue;
      }
      if (env[0] === '-!') exist = true;
      if (env[2]) i++;
    }
    // Indexes and slice rather than `[first, ...rest]`, which walks an iterator in code not yet optimised
    // (every line of a dump comes here, the same below).
    const commandWord = args[0];
    if (!commandWord) return;
    const rest = args.slice(1);
    const command = matchCommand(commandWord.text);
    if (!command) {
      this.error(IPS.unknownCommand(commandWord.text), commandWord.range);
      return;
    }
    switch (command) {
      case 'create':
        return this.commandCreate(commandWord, rest, exist, this.lineRange(line));
      case 'add':
      case 'del':
      case 'test':
        return this.commandElement(command, commandWord, rest, exist);
      case 'flush':
      case 'destroy':
        return this.commandFlushOrDestroy(command, rest[0]);
      case 'rename':
      case 'swap':
        return this.commandRenameOrSwap(command, commandWord, rest);
      case 'list':
      case 'save':
        this.bag.info(IPS.noEffect(command).code, IPS.noEffect(command).message, commandWord.range);
        return;
      case 'restore':
      case 'help':
      case 'version':
      case 'quit':
        this.error(IPS.notInRestore(command), commandWord.range);
        return;
    }
  }

  private commandCreate(commandWord: Word, rest: readonly Word[], exist: boolean, lineRange: SourceRange): void {
    const [name, typeWord, ...optionWords] = rest;
    if (!name || !typeWord) {
      this.error(IPS.missingArgument('create', 'a set name and a type'), commandWord.range);
      return;
    }
    const type = findIpsetType(typeWord.text);
    if (!type) {
      this.error(IPS.unknownType(typeWord.text), typeWord.range);
      return;
    }
    this.createSet(name, type, parseCreateOptions(optionWords, this.bag), exist, lineRange);
  }

  private createSet(name: Word, type: IpsetType, options: Record<string, OptionValue>, exist: boolean, range: SourceRange): SetState | undefined {
    if (this.sets.has(name.text)) {
      if (!exist) this.error(IPS.duplicateSet(name.text), name.range);
      return undefined;
    }
    const set: SetState = { name: name.text, type, options, elements: new Map(), range, ctx: undefined };
    this.sets.set(name.text, set);
    return set;
  }

  private commandElement(command: 'add' | 'del' | 'test', commandWord: Word, rest: readonly Word[], exist: boolean): void {
    const name = rest[0];
    const elem = rest[1];
    const optionWords = rest.length > 2 ? rest.slice(2) : NO_WORDS;
    if (!name || !elem) {
      this.error(IPS.missingArgument(command, 'a set name and an element'), commandWord.range);
      return;
    }
    const set = this.knownSet(name, command);
    if (!set) return;
    if (command === 'add') {
      this.addElement(set, elem, optionWords, exist);
      return;
    }
    const parsed = this.element(set, elem);
    if (!parsed) return;
    parseElementOptions(optionWords, this.bag); // reported, not applied: del/test only look the element up
    if (command === 'test') {
      this.bag.info(IPS.noEffect('test').code, IPS.noEffect('test').message, commandWord.range);
      return;
    }
    const key = keyOf(parsed.value);
    if (set.elements.has(key)) set.elements.delete(key);
    else if (!exist) this.warning(IPS.missingElement(elem.text, set.name), elem.range);
  }

  private addElement(set: SetState, elem: Word, optionWords: readonly Word[], exist: boolean): void {
    const parsed = this.element(set, elem);
    const options = parseElementOptions(optionWords, this.bag);
    if (!parsed) return;
    const expr = withElementOptions(parsed.value, options, parsed.physdev === true, elem.range);
    const key = keyOf(parsed.value);
    if (set.elements.has(key) && !exist) {
      this.warning(IPS.duplicateElement(elem.text, set.name), elem.range);
      return;
    }
    const position = typeof options.before === 'string' ? { before: options.before } : typeof options.after === 'string' ? { after: options.after } : undefined;
    if (position && set.type.name === 'list:set') set.elements = insertAt(set.elements, key, expr, position);
    else set.elements.set(key, expr);
  }

  private element(set: SetState, elem: Word): { value: Expr; physdev?: boolean } | undefined {
    const parsed = parseElement(elementContext(set), elem.text, elem.range.start);
    if (!parsed.ok) {
      this.error(IPS.invalidElement(set.type.name, elem.text, parsed.why), elem.range);
      return undefined;
    }
    return parsed;
  }

  private commandFlushOrDestroy(command: 'flush' | 'destroy', name: Word | undefined): void {
    if (!name) {
      if (command === 'destroy') this.sets.clear();
      else for (const set of this.sets.values()) set.elements = new Map();
      return;
    }
    const set = this.knownSet(name, command);
    if (!set) return;
    if (command === 'destroy') this.sets.delete(set.name);
    else set.elements = new Map();
  }

  private commandRenameOrSwap(command: 'rename' | 'swap', commandWord: Word, rest: readonly Word[]): void {
    const [from, to] = rest;
    if (!from || !to) {
      this.error(IPS.missingArgument(command, 'two set names'), commandWord.range);
      return;
    }
    const a = this.knownSet(from, command);
    if (!a) return;
    if (command === 'rename') {
      if (this.sets.has(to.text)) {
        this.error(IPS.duplicateSet(to.text), to.range);
        return;
      }
      this.replaceSets((set) => (set === a ? [to.text, set] : [set.name, set]));
      a.name = to.text;
      return;
    }
    const b = this.knownSet(to, command);
    if (!b) return;
    // swap exchanges the two sets' contents; each name keeps its place in the listing order.
    this.replaceSets((set) => (set === a ? [a.name, b] : set === b ? [b.name, a] : [set.name, set]));
    [a.name, b.name] = [b.name, a.name];
  }

  private replaceSets(entry: (set: SetState) => [string, SetState]): void {
    const entries = [...this.sets.values()].map(entry);
    this.sets.clear();
    for (const [name, set] of entries) this.sets.set(name, set);
  }

  private knownSet(name: Word, command: string): SetState | undefined {
    const set = this.sets.get(name.text);
    if (!set) this.warning(IPS.unknownSet(name.text, command), name.range);
    return set;
  }

  private lineRange(line: Line): SourceRange {
    const lead = line.text.length - line.text.trimStart().length;
    return { start: line.start + lead, end: line.start + line.text.trimEnd().length };
  }

  private error(m: { code: string; message: string }, range: SourceRange): void {
    this.bag.error(m.code, m.message, range);
  }

  private warning(m: { code: string; message: string }, range: SourceRange): void {
    this.bag.warning(m.code, m.message, range);
  }
}

function matchCommand(word: string): Command | undefined {
  const skip = word.startsWith('--') ? 2 : 0;
  if (word.length <= skip || word === '-') return undefined;
  const arg = word.slice(skip);
  return COMMAND_OF_NAME.get(arg) ?? commandByPrefix(arg);
}

/** The first command with a name that starts with `arg` (ipset accepts unambiguous prefixes, first match wins). */
function commandByPrefix(arg: string): Command | undefined {
  return COMMANDS.find(([, names]) => names.some((n) => n.startsWith(arg)))?.[0];
}

/** commandByPrefix of every full command name, worked out once: every line starts with one. */
const COMMAND_OF_NAME: ReadonlyMap<string, Command | undefined> = new Map(COMMANDS.flatMap(([, names]) => names.map((n) => [n, commandByPrefix(n)] as const)));

function withElementOptions(value: Expr, options: Record<string, OptionValue>, physdev: boolean, range: SourceRange): Expr {
  // Most elements have no options: the value as it is, without taking the options apart.
  if (!physdev && isEmpty(options)) return value;
  const { timeout, packets, bytes, comment, before: _before, after: _after, ...rest } = options;
  const ipset: Record<string, string | number | boolean> = physdev ? { physdev: true, ...rest } : { ...rest };
  const hasCounter = packets !== undefined || bytes !== undefined;
  if (timeout === undefined && !hasCounter && comment === undefined && Object.keys(ipset).length === 0) return value;
  return {
    kind: 'elem',
    value,
    ...(typeof timeout === 'number' ? { timeout } : {}),
    ...(typeof comment === 'string' ? { comment } : {}),
    ...(hasCounter ? { counter: { packets: typeof packets === 'number' ? packets : 0, bytes: typeof bytes === 'number' ? bytes : 0 } } : {}),
    ...(Object.keys(ipset).length > 0 ? { ipset } : {}),
    range,
  };
}

function isEmpty(o: object): boolean {
  for (const _ in o) return false;
  return true;
}

/** A compact identity of an element value (ranges ignored), for `del` and duplicate `add`. */
function keyOf(e: Expr): string {
  switch (e.kind) {
    case 'value':
      return String(e.value);
    case 'prefix':
      return `${keyOf(e.expr)}/${e.len}`;
    case 'range':
      return `${keyOf(e.from)}-${keyOf(e.to)}`;
    case 'concat': {
      if (e.items.length === 0) return '';
      let key = keyOf(e.items[0] as Expr);
      for (let k = 1; k < e.items.length; k++) key += ` . ${keyOf(e.items[k] as Expr)}`;
      return key;
    }
    case 'setref':
      return `@${e.name}`;
    case 'elem':
      return keyOf(e.value);
    default:
      return JSON.stringify(e);
  }
}

/** list:set `add L s before t` / `after t`: insert next to member t (at the end when t is absent). */
function insertAt(elements: Map<string, Expr>, key: string, expr: Expr, position: { before: string } | { after: string }): Map<string, Expr> {
  const entries = [...elements.entries()].filter(([k]) => k !== key);
  const anchor = 'before' in position ? position.before : position.after;
  let index = entries.findIndex(([k]) => k === `@${anchor}`);
  if (index < 0) index = entries.length;
  else if ('after' in position) index++;
  entries.splice(index, 0, [key, expr]);
  return new Map(entries);
}

function toNamedSet(set: SetState): NamedSet {
  const family = familyOf(set) ?? 'inet';
  const maskLength = maskLengthOf(set);
  const interval = set.type.interval || maskLength !== undefined;
  const { timeout, maxelem, size, counters } = set.options;
  const stmts: Stmt[] = counters === true ? [{ kind: 'counter' }] : [];
  const capacity = typeof maxelem === 'number' ? maxelem : typeof size === 'number' ? size : undefined;
  return {
    kind: 'set',
    name: set.name,
    key: { kind: 'type', names: nftKeyTypes(set.type, family) },
    ...(interval ? { flags: ['interval'] } : {}),
    ...(typeof timeout === 'number' ? { timeout } : {}),
    ...(capacity !== undefined ? { size: capacity } : {}),
    ...(stmts.length > 0 ? { stmts } : {}),
    elements: [...set.elements.values()],
    ipset: { type: set.type.name, options: set.options, ...set.list },
    range: set.range,
  };
}
