// Runtime values of the evaluator (what a kernel register would hold) and the conversion of IR literals into
// them, by datatype. Pure; imports only addr.ts and the symbol tables.
import { formatIpv4, formatIpv6, formatMac, parseIpv4, parseIpv6, parseMac } from './addr.ts';
import { bitmaskNames, datatypeInfo, isBitmaskType, symbolName, symbolValue } from '../model/datatypes.ts';

/** A value: an unsigned number of `bits` width (addresses, ports, marks, flags …), a string (interface
 *  names), or a concatenation. `type` is nft's datatype name, used for converting literals and printing. */
export type Val =
  | { readonly k: 'int'; readonly v: bigint; readonly bits: number; readonly type: string }
  | { readonly k: 'str'; readonly v: string; readonly type: string }
  | { readonly k: 'cat'; readonly items: readonly Val[] };

/** A datatype as the evaluator needs it: its nft name and width in bits (0 for strings). */
export interface DType {
  readonly name: string;
  readonly bits: number;
  readonly str?: boolean;
}

/** The evaluator's view of an nft datatype (src/model/datatypes.ts): width, and whether values are strings.
 *  `bits` is used for datatypes without a fixed width (integer, bitmask). Interface indexes are compared by
 *  name: indexes are host-specific, names are what dumps show. */
export function dtype(name: string, bits?: number): DType {
  if (name === 'iface_index') return { name, bits: 0, str: true };
  const info = datatypeInfo(name);
  if (!info) return { name, bits: bits ?? 32 };
  if (info.base === 'string') return { name, bits: 0, str: true };
  return { name, bits: info.bits || bits || 32 };
}

export const intVal = (v: bigint | number, t: DType): Val => ({
  k: 'int',
  v: BigInt.asUintN(t.bits || 64, BigInt(v)),
  bits: t.bits,
  type: t.name,
});
export const strVal = (v: string, type = 'string'): Val => ({ k: 'str', v, type });

export type Converted = { readonly ok: true; readonly val: Val } | { readonly ok: false; readonly why: string };

/** An IR literal (number, string, boolean as nft -j prints them) as a value of datatype `t`. */
export function literalToVal(lit: number | string | boolean, t: DType): Converted {
  if (t.str) {
    if (t.name === 'iface_index' && (typeof lit === 'number' || /^\d+$/.test(String(lit)))) {
      // Only the loopback device has a fixed index (1), and 0 is "no device" (read as the empty name, as
      // `iif` of a packet without an input device); other indexes depend on the host.
      if (Number(lit) === 1) return { ok: true, val: strVal('lo', t.name) };
      if (Number(lit) === 0) return { ok: true, val: strVal('', t.name) };
      return { ok: false, why: `interface index ${String(lit)} (indexes are host-specific)` };
    }
    return { ok: true, val: strVal(String(lit), t.name) };
  }
  if (typeof lit === 'boolean') return { ok: true, val: intVal(lit ? 1 : 0, t) };
  if (typeof lit === 'number') {
    if (!Number.isInteger(lit) || lit < 0) return { ok: false, why: `${lit} is not an unsigned integer` };
    return { ok: true, val: intVal(lit, t) };
  }
  const s = lit.trim();
  switch (t.name) {
    case 'ipv4_addr': {
      const v = parseIpv4(s);
      return v === undefined ? { ok: false, why: `"${s}" is not an IPv4 address` } : { ok: true, val: intVal(v, t) };
    }
    case 'ipv6_addr': {
      const v = parseIpv6(s);
      return v === undefined ? { ok: false, why: `"${s}" is not an IPv6 address` } : { ok: true, val: intVal(v, t) };
    }
    case 'ether_addr': {
      const v = parseMac(s);
      return v === undefined ? { ok: false, why: `"${s}" is not a MAC address` } : { ok: true, val: intVal(v, t) };
    }
    case 'time':
    case 'hour':
      return { ok: false, why: 'time values are not modelled (the evaluator has no clock)' };
    default:
      break;
  }
  const n = parseUnsigned(s);
  if (n !== undefined) return { ok: true, val: intVal(n, t) };
  const sym = symbolValue(t.name, s) ?? symbolValue(t.name, s.toLowerCase()) ?? symbolValue(t.name, s.charAt(0).toUpperCase() + s.slice(1).toLowerCase());
  if (sym !== undefined) return { ok: true, val: intVal(sym, t) };
  if (t.name === 'integer' || t.name === 'mark') {
    // A literal of unknown type: try the shapes nft would have resolved at parse time.
    const guess = guessLiteral(s);
    if (guess) return { ok: true, val: guess };
  }
  return { ok: false, why: `"${s}" is not a valid ${t.name}` };
}

/** `0x10`, `16`, big hex strings beyond 2^53 (nft -j prints them as strings). */
export function parseUnsigned(s: string): bigint | undefined {
  if (/^0x[0-9a-fA-F]+$/.test(s)) return BigInt(s);
  if (/^\d+$/.test(s)) return BigInt(s);
  return undefined;
}

/** A literal whose datatype is unknown: an address, a MAC, a number, else a string. */
export function guessLiteral(s: string): Val | undefined {
  const v4 = parseIpv4(s);
  if (v4 !== undefined) return intVal(v4, dtype('ipv4_addr'));
  const v6 = parseIpv6(s);
  if (v6 !== undefined) return intVal(v6, dtype('ipv6_addr'));
  const mac = parseMac(s);
  if (mac !== undefined) return intVal(mac, dtype('ether_addr'));
  const n = parseUnsigned(s);
  if (n !== undefined) return intVal(n, dtype('integer', 32));
  return undefined;
}

/** Printed form of a value, as nft prints it (names for symbolic types, addresses, hex marks). */
export function formatVal(v: Val): string {
  switch (v.k) {
    case 'str':
      return `"${v.v}"`;
    case 'cat':
      return v.items.map(formatVal).join(' . ');
    case 'int':
      return formatInt(v.v, v.type);
  }
}

export function formatInt(n: bigint, type: string): string {
  switch (type) {
    case 'ipv4_addr':
      return formatIpv4(n);
    case 'ipv6_addr':
      return formatIpv6(n);
    case 'ether_addr':
      return formatMac(n);
    case 'mark':
    case 'ct_label':
      return `0x${n.toString(16).padStart(8, '0')}`;
    default:
      break;
  }
  if (isBitmaskType(type) && n <= 0xffffffffn) {
    if (n === 0n) return '0x0';
    const { names, rest } = bitmaskNames(type, Number(n));
    if (rest !== 0) names.push(`0x${rest.toString(16)}`);
    return names.join(',');
  }
  const sym = n <= 0xffffffffn ? symbolName(type, Number(n)) : undefined;
  if (sym !== undefined) return sym;
  return n.toString();
}

/** Key used to hash a value (set lookups): equal values have equal keys. */
export function valKey(v: Val): string {
  switch (v.k) {
    case 'int':
      return v.v.toString(16);
    case 'str':
      return `s:${v.v}`;
    case 'cat':
      return v.items.map(valKey).join('|');
  }
}

/** nft compares interface names as NUL-padded strings; a trailing `*` in the pattern is a prefix wildcard
 *  (`\*` is a literal star). */
export function ifnameMatches(actual: string, pattern: string): boolean {
  if (pattern.endsWith('\\*')) return actual === pattern.slice(0, -2) + '*';
  if (pattern.endsWith('*')) return actual.startsWith(pattern.slice(0, -1));
  return actual === pattern;
}

/** Equality of two values; the right one may carry an interface-name wildcard. */
export function valEquals(a: Val, b: Val): boolean {
  if (a.k === 'int' && b.k === 'int') return a.v === b.v;
  if (a.k === 'str' && b.k === 'str') return ifnameMatches(a.v, b.v);
  if (a.k === 'cat' && b.k === 'cat') {
    return a.items.length === b.items.length && a.items.every((x, i) => valEquals(x, b.items[i]!));
  }
  return false;
}

/** Unsigned comparison (the kernel compares registers as big-endian byte strings). */
export function valCompare(a: Val, b: Val): number | undefined {
  if (a.k === 'int' && b.k === 'int') return a.v < b.v ? -1 : a.v > b.v ? 1 : 0;
  if (a.k === 'str' && b.k === 'str') return a.v < b.v ? -1 : a.v > b.v ? 1 : 0;
  return undefined;
}
