// The vocabulary of iptables extensions as nflens models them: option specs (after libxtables'
// struct xt_option_entry: type, XTOPT_INVERT, XTOPT_MAND, XTOPT_MULTI, .excl and .also), module specs with
// their checks and their translation into IR statements, and the parsed uses of both. Imports only IR types
// and the address helpers.
import type { SourceRange, Stmt } from '../../model/ir.ts';
import type { AddrFamily } from './address.ts';
import type { Token } from './tokenize.ts';

/** A structured option value (see XtOption in ir.ts): ranges are `[min, max]`. */
export type XtValue = string | number | boolean | readonly string[] | readonly number[];

/** What a value parser returns for a bad argument. */
export class ValueError {
  constructor(readonly message: string) {}
}

export interface RuleContext {
  readonly family: AddrFamily;
  readonly table: string;
  readonly chain: string;
  /** The `-p` protocol number when one was given (0 = all), and whether it was negated. */
  readonly proto?: { readonly num: number; readonly negated: boolean };
}

export interface OptionSpec {
  /** Long name without the leading `--`. */
  readonly name: string;
  /** Key in the xt node's options; defaults to the name in camelCase. */
  readonly key?: string;
  /** Arguments taken: 0 (a flag, value `true`), 1, 2, 'optional' (the next word when it is not an option),
   *  'words' (kube-proxy's unquoted comments: one word, then more bare words). Default: 1 if `parse`. */
  readonly nargs?: 0 | 1 | 2 | 'optional' | 'words';
  readonly parse?: (args: readonly string[], ctx: RuleContext) => XtValue | ValueError;
  /** `!` allowed before it (XTOPT_INVERT). */
  readonly invert?: boolean;
  /** May be given more than once (XTOPT_MULTI). */
  readonly multi?: boolean;
  /** Options it cannot be combined with (.excl), by name. */
  readonly excl?: readonly string[];
  /** Options it requires (.also), by name. */
  readonly also?: readonly string[];
  /** Must be given (XTOPT_MAND). */
  readonly mand?: boolean;
  /** Splits one option into several xt keys (`--match-set NAME FLAGS` → name, flags); a `!` goes to the
   *  first key. */
  readonly expand?: (value: XtValue) => readonly (readonly [string, XtValue])[];
  /** A value that says nothing (a full range, a default): left out of the xt options unless negated, the
   *  way iptables-save leaves it out. */
  readonly omitIf?: (value: XtValue) => boolean;
}

export interface OptionUse {
  readonly spec: OptionSpec;
  readonly value: XtValue;
  readonly negated: boolean;
  readonly args: readonly string[];
  /** From the `!` (or the option name) to the last argument. */
  readonly range: SourceRange;
  readonly nameRange: SourceRange;
  /** The argument words; undefined for flags. */
  readonly argRange?: SourceRange;
}

/** An option of an unknown module, kept raw. */
export interface RawOptionUse {
  readonly name: string;
  readonly args: readonly string[];
  readonly negated: boolean;
  readonly range: SourceRange;
}

export interface ModuleUse {
  readonly kind: 'match' | 'target';
  readonly name: string;
  /** undefined for an unknown extension (its options stay raw). */
  readonly spec: ModuleSpec | undefined;
  readonly opts: OptionUse[];
  readonly raw: RawOptionUse[];
  /** The `-m name` / `-j NAME` words (or the first option of an implicitly loaded protocol match). */
  readonly headRange: SourceRange;
  /** The tokens that belong to the module, for its `text`. */
  readonly tokens: Token[];
  /** Loaded by `-p tcp --dport …` without `-m tcp`. */
  readonly implicit: boolean;
}

export interface TranslateContext extends RuleContext {
  /** Reports a problem found while translating (the module is then kept as xt). */
  readonly problem: (message: string, range: SourceRange) => void;
}

export interface ModuleSpec {
  readonly name: string;
  readonly kind: 'match' | 'target';
  /** Only in this family (libipt_* / libip6t_*); undefined for libxt_* modules. */
  readonly family?: AddrFamily;
  readonly options: readonly OptionSpec[];
  /** Needs `-p` to be one of these protocol numbers, not negated (e.g. tcp: [6]). */
  readonly protos?: readonly number[];
  readonly protosText?: string;
  /** Only in these tables. */
  readonly tables?: readonly string[];
  /** Only in these built-in chains (a rule in a user chain is not checked). */
  readonly hooks?: readonly string[];
  /** At least one option must be given (the module's own "you must specify" check). */
  readonly needsOne?: readonly string[];
  /** Further checks after all options are read; returns an error text. */
  readonly check?: (m: ModuleUse, ctx: RuleContext) => string | undefined;
  /** Values iptables fills in when the option is absent (iptables-save prints them). */
  readonly defaults?: Readonly<Record<string, XtValue>> | ((ctx: RuleContext, m: ModuleUse) => Readonly<Record<string, XtValue>>);
  /** The IR statements that mean the same (what iptables-nft puts in the kernel / iptables-translate
   *  prints), or undefined to keep the module as an `xt` node with structured options. */
  readonly translate?: (m: ModuleUse, ctx: TranslateContext) => Stmt[] | undefined;
  /** What the module looks at when nflens cannot decide it from a packet description (string, u32,
   *  bpf): parsing warns with this text. */
  readonly opaque?: string;
}

/** Option names already turned into keys: the same few dozen names come back in every rule of a dump. */
const KEY_OF_NAME = new Map<string, string>();

/** The key of an option in the xt node: `hashlimit-upto` → `hashlimitUpto`. */
export function optionKey(spec: OptionSpec): string {
  if (spec.key !== undefined) return spec.key;
  let key = KEY_OF_NAME.get(spec.name);
  if (key === undefined) {
    key = spec.name.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
    KEY_OF_NAME.set(spec.name, key);
  }
  return key;
}

// Indexed loops rather than for-of: these run for every module of every rule, mostly before the JIT has
// optimised them, when a for-of allocates an iterator and a result per step.

export function findOption(m: ModuleUse, name: string): OptionUse | undefined {
  const opts = m.opts;
  for (let k = 0; k < opts.length; k++) if ((opts[k] as OptionUse).spec.name === name) return opts[k];
  return undefined;
}

export function hasOption(m: ModuleUse, name: string): boolean {
  return findOption(m, name) !== undefined;
}

/** Merged range of the module (head and options). */
export function moduleRange(m: ModuleUse): SourceRange {
  let start = m.headRange.start;
  let end = m.headRange.end;
  for (let k = 0; k < m.opts.length; k++) {
    const r = (m.opts[k] as OptionUse).range;
    if (r.start < start) start = r.start;
    if (r.end > end) end = r.end;
  }
  for (let k = 0; k < m.raw.length; k++) {
    const r = (m.raw[k] as RawOptionUse).range;
    if (r.start < start) start = r.start;
    if (r.end > end) end = r.end;
  }
  return { start, end };
}
