// Argument parsers for extension options, after libxtables' XTTYPE_* (xtables_strtoui with base 0,
// ranges `a:b` with either end optional, value/mask pairs, port names). Each returns a value or a
// ValueError with the reason. Pure; imports only the spec types and symbol tables.
import { parseMaskedAddress, type AddrFamily } from './address.ts';
import { ValueError, type RuleContext, type XtValue } from './spec.ts';
import { portNumber, protocolNumber } from './values.ts';

type Parser = (args: readonly string[], ctx: RuleContext) => XtValue | ValueError;

/** strtoul(…, 0): decimal, 0x hex, leading-0 octal. */
export function parseUnsigned(text: string): number | undefined {
  if (/^0[xX][0-9a-fA-F]+$/.test(text)) return parseInt(text.slice(2), 16);
  if (/^0[0-7]+$/.test(text)) return parseInt(text.slice(1), 8);
  if (/^\d+$/.test(text)) return Number(text);
  return undefined;
}

const MAX: Record<number, number> = { 8: 255, 16: 65535, 32: 4294967295 };

function arg0(args: readonly string[]): string {
  return args[0] ?? '';
}

export function uint(bits: 8 | 16 | 32 | 64, min = 0): Parser {
  const max = bits === 64 ? Number.MAX_SAFE_INTEGER : (MAX[bits] ?? 0);
  return (args) => {
    const text = arg0(args);
    if (bits === 64 && /^\d+$/.test(text)) {
      // 64-bit values beyond 2^53 stay exact as decimal strings (as the IR does for big literals).
      const big = BigInt(text);
      if (big > 18446744073709551615n) return new ValueError('value out of range (max 18446744073709551615)');
      return big > BigInt(Number.MAX_SAFE_INTEGER) ? text : Number(text);
    }
    const n = parseUnsigned(text);
    if (n === undefined) return new ValueError('not a number');
    if (n < min || n > max) return new ValueError(`value out of range (${min}-${max})`);
    return n;
  };
}

/** `a`, `a:b`, `:b`, `a:`, `:` → [min, max] with the open ends filled in; `a` alone is [a, a] unless
 *  `single` says it means "from a". */
export function uintRange(bits: 8 | 16 | 32, opts: { sep?: string; singleFrom?: boolean; allowReverse?: boolean } = {}): Parser {
  const max = MAX[bits] ?? 0;
  const sep = opts.sep ?? ':';
  return (args) => rangeOf(arg0(args), max, sep, parseUnsigned, opts.singleFrom ?? false, opts.allowReverse ?? false);
}

export function portRange(sep = ':'): Parser {
  return (args) => rangeOf(arg0(args), 65535, sep, portNumber, false, false);
}

function rangeOf(text: string, max: number, sep: string, num: (s: string) => number | undefined, singleFrom: boolean, allowReverse: boolean): readonly number[] | ValueError {
  const i = text.indexOf(sep);
  if (i < 0) {
    const n = num(text);
    if (n === undefined || n > max) return new ValueError(n === undefined ? 'not a number' : `value out of range (0-${max})`);
    return singleFrom ? [n, max] : [n, n];
  }
  const a = text.slice(0, i);
  const b = text.slice(i + sep.length);
  const lo = a === '' ? 0 : num(a);
  const hi = b === '' ? max : num(b);
  if (lo === undefined || hi === undefined) return new ValueError('not a number or range');
  if (lo > max || hi > max) return new ValueError(`value out of range (0-${max})`);
  if (lo > hi && !allowReverse) return new ValueError(`range ${lo}:${hi} is reversed`);
  return [lo, hi];
}

export function port(): Parser {
  return (args) => {
    const n = portNumber(arg0(args));
    return n === undefined ? new ValueError('not a port number or service name') : n;
  };
}

export function str(maxLen?: number): Parser {
  return (args) => {
    const s = arg0(args);
    if (maxLen !== undefined && s.length > maxLen) return new ValueError(`longer than ${maxLen} characters`);
    return s;
  };
}

/** One of the given words (compared case-insensitively); returns the canonical spelling given here. */
export function choice(words: readonly string[]): Parser {
  const byLower = new Map(words.map((w) => [w.toLowerCase(), w]));
  return (args) => byLower.get(arg0(args).toLowerCase()) ?? new ValueError(`expected one of ${words.join(', ')}`);
}

/** A comma list of the given words (case-insensitive). */
export function choiceList(words: readonly string[]): Parser {
  const byLower = new Map(words.map((w) => [w.toLowerCase(), w]));
  return (args) => {
    const out: string[] = [];
    for (const part of arg0(args).split(',')) {
      const w = byLower.get(part.toLowerCase());
      if (w === undefined) return new ValueError(`'${part}' is not one of ${words.join(', ')}`);
      out.push(w);
    }
    return out;
  };
}

/** `value[/mask]` → [value, mask], mask defaulting to all ones. */
export function markMask(bits: 8 | 16 | 32 = 32): Parser {
  const max = MAX[bits] ?? 0;
  return (args) => {
    const text = arg0(args);
    const slash = text.indexOf('/');
    const v = parseUnsigned(slash < 0 ? text : text.slice(0, slash));
    const m = slash < 0 ? max : parseUnsigned(text.slice(slash + 1));
    if (v === undefined || m === undefined) return new ValueError('expected value[/mask]');
    if (v > max || m > max) return new ValueError(`value out of range (max 0x${max.toString(16)})`);
    return [v, m];
  };
}

export function float(min: number, max: number): Parser {
  return (args) => {
    const t = arg0(args);
    if (!/^(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(t)) return new ValueError('not a number');
    const n = Number(t);
    if (n < min || n > max) return new ValueError(`value out of range (${min}-${max})`);
    return n;
  };
}

/** An address with optional mask in the rule's family, normalised (`10.1.2.3/8` → `10.0.0.0/8`). */
export function host(opts: { requirePrefix?: boolean; family?: AddrFamily } = {}): Parser {
  return (args, ctx) => {
    const r = parseMaskedAddress(arg0(args), opts.family ?? ctx.family);
    if (typeof r === 'string') return new ValueError(r);
    if (opts.requirePrefix && r.prefix === undefined) return new ValueError('the mask must be a prefix');
    if (r.prefix === r.bits) return r.addr;
    return r.prefix !== undefined ? `${r.addr}/${r.prefix}` : `${r.addr}/${r.mask}`;
  };
}

/** `a-b` address range. */
export function addressRange(): Parser {
  return (args, ctx) => {
    const text = arg0(args);
    const parts = text.split('-');
    if (parts.length > 2 || parts[0] === '') return new ValueError('expected address[-address]');
    const out: string[] = [];
    for (const p of parts) {
      const r = parseMaskedAddress(p, ctx.family);
      if (typeof r === 'string' || p.includes('/')) return new ValueError(typeof r === 'string' ? r : 'no mask allowed here');
      out.push(r.addr);
    }
    return out.length === 1 ? [out[0] ?? '', out[0] ?? ''] : out;
  };
}

export function protocol(): Parser {
  return (args) => {
    const n = protocolNumber(arg0(args));
    return n === undefined ? new ValueError('unknown protocol') : n;
  };
}

/** Accepts anything; for options whose argument nflens keeps as text. */
export function text(): Parser {
  return (args) => (args.length > 1 ? args.slice() : arg0(args));
}

/** A MAC address `aa:bb:cc:dd:ee:ff`, lowercased. */
export function mac(): Parser {
  return (args) => {
    const t = arg0(args);
    return /^[0-9a-fA-F]{1,2}(:[0-9a-fA-F]{1,2}){5}$/.test(t)
      ? t.split(':').map((x) => x.padStart(2, '0').toLowerCase()).join(':')
      : new ValueError('expected a MAC address aa:bb:cc:dd:ee:ff');
  };
}

/** An interface name (at most 15 characters, `+` wildcard at the end). */
export function iface(): Parser {
  return (args) => {
    const t = arg0(args);
    if (t.length > 15) return new ValueError('interface name longer than 15 characters');
    return t;
  };
}
