// Options of `create` (also the `Header:` line of `ipset list`) and of `add` (also member lines), with
// the compatibility spellings ipset still accepts (`--hashsize`, `-6`, `--from/--to`, `--network`).
// Option names and kinds from ipset lib/args.c and `ipset help TYPE`. Pure; imports the scanner types,
// the diagnostics bag and the message catalogue.
import { parseUint } from '../address.ts';
import type { DiagnosticBag } from '../diagnostics.ts';
import { IPS } from './messages.ts';
import type { Word } from './scanner.ts';
import { lookupTable } from '../../model/lookup.ts';

export type OptionValue = string | number | boolean;

type OptionKind = 'flag' | 'number' | 'string' | 'family' | 'netmask';

const CREATE_OPTIONS: Readonly<Record<string, OptionKind>> = lookupTable({
  family: 'family',
  hashsize: 'number',
  maxelem: 'number',
  timeout: 'number',
  netmask: 'netmask',
  bitmask: 'string',
  markmask: 'number',
  range: 'string',
  size: 'number',
  bucketsize: 'number',
  initval: 'string',
  counters: 'flag',
  comment: 'flag',
  forceadd: 'flag',
  skbinfo: 'flag',
});

const ELEMENT_OPTIONS: Readonly<Record<string, OptionKind>> = lookupTable({
  timeout: 'number',
  packets: 'number',
  bytes: 'number',
  comment: 'string',
  skbmark: 'string',
  skbprio: 'string',
  skbqueue: 'number',
  nomatch: 'flag',
  wildcard: 'flag',
  before: 'string',
  after: 'string',
});

/** Options ipset 6+ accepts but ignores, with a warning (`--probes 2`). */
const OBSOLETE_WITH_VALUE = new Set(['probes', 'resize', 'gc']);

export function parseCreateOptions(words: readonly Word[], bag: DiagnosticBag): Record<string, OptionValue> {
  const options: Record<string, OptionValue> = {};
  let from: string | undefined;
  for (let i = 0; i < words.length; i++) {
    const word = words[i] as Word;
    const name = optionName(word.text);
    if (name === '-4' || name === '-6') {
      options.family = name === '-4' ? 'inet' : 'inet6';
      continue;
    }
    if (OBSOLETE_WITH_VALUE.has(name)) {
      const m = IPS.obsoleteOption(word.text);
      bag.warning(m.code, m.message, word.range);
      i++;
      continue;
    }
    if (name === 'from' || name === 'to' || name === 'network') {
      // ipset 4 bitmap syntax: `--from A --to B` and `--network N` both mean `range`.
      const value = words[i + 1];
      if (!value) {
        report(bag, IPS.missingValue(name), word);
        continue;
      }
      i++;
      if (name === 'from') from = value.text;
      else options.range = name === 'to' && from !== undefined ? `${from}-${value.text}` : value.text;
      continue;
    }
    i = readOption(words, i, name, CREATE_OPTIONS, 'create', options, bag);
  }
  return options;
}

export function parseElementOptions(words: readonly Word[], bag: DiagnosticBag): Record<string, OptionValue> {
  const options: Record<string, OptionValue> = {};
  for (let i = 0; i < words.length; i++) {
    const word = words[i] as Word;
    i = readOption(words, i, optionName(word.text), ELEMENT_OPTIONS, 'element', options, bag);
  }
  return options;
}

/** ipset ignores two leading dashes of an option (lib/ipset.c, ipset_match_option). */
function optionName(text: string): string {
  return text.startsWith('--') ? text.slice(2) : text;
}

/** Reads option `name` at words[i] into `options`; returns the index of the last word consumed. After an
 *  unknown option the rest of the line is skipped (what follows may be its value; ipset stops there too). */
function readOption(
  words: readonly Word[],
  i: number,
  name: string,
  table: Readonly<Record<string, OptionKind>>,
  where: string,
  options: Record<string, OptionValue>,
  bag: DiagnosticBag,
): number {
  const word = words[i] as Word;
  const kind = Object.prototype.hasOwnProperty.call(table, name) ? table[name] : undefined;
  if (kind === undefined) {
    report(bag, IPS.unknownOption(word.text, where), word);
    return words.length;
  }
  if (kind === 'flag') {
    options[name] = true;
    return i;
  }
  const value = words[i + 1];
  if (!value) {
    report(bag, IPS.missingValue(name), word);
    return i;
  }
  switch (kind) {
    case 'number': {
      const n = parseUint(value.text);
      if (n === undefined) report(bag, IPS.notANumber(name, value.text), value);
      else options[name] = n;
      break;
    }
    case 'family': {
      const family = value.text === 'inet' || value.text === 'ipv4' ? 'inet' : value.text === 'inet6' || value.text === 'ipv6' ? 'inet6' : undefined;
      if (family === undefined) report(bag, IPS.invalidFamily(value.text), value);
      else options[name] = family;
      break;
    }
    case 'netmask':
      if (/^\d{1,3}$/.test(value.text)) options[name] = Number(value.text);
      else report(bag, IPS.notANumber(name, value.text), value);
      break;
    case 'string':
      options[name] = value.text;
      break;
  }
  return i + 1;
}

function report(bag: DiagnosticBag, m: { code: string; message: string }, word: Word): void {
  bag.error(m.code, m.message, word.range);
}
