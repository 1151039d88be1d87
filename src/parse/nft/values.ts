// Constants of nft text turned into the literals `nft -j` prints for them, by datatype: `0x10` → 16,
// `ssh` → 22 (ports print as numbers), `6` → "tcp" (protocols print as names), `unicast` → "host" (the first
// name of a value), IPv6 addresses compressed, MAC addresses zero-padded, prefixes masked. Also time and
// byte-unit parsing, and the order nft lists set elements in. Pure; imports the model only.
import type { Expr, Literal } from '../../model/ir.ts';
import { bitmaskNames, datatypeInfo, symbolName, symbolNames, symbolValue } from '../../model/datatypes.ts';
import { isIpv4, isIpv6, isMac } from './scanner.ts';
import { M } from './messages.ts';
import { suggestName } from './misspell.ts';
import { lookupTable } from '../../model/lookup.ts';
import { formatIPv6 } from '../../model/addressText.ts';

export type ValueResult =
  | { readonly ok: true; readonly value: Literal }
  | { readonly ok: false; readonly code: string; readonly message: string };

const ok = (value: Literal): ValueResult => ({ ok: true, value });
const fail = (code: string, message: string): ValueResult => ({ ok: false, code, message });

/** A decimal or `0x` hexadecimal integer, or undefined. */
export function parseInteger(text: string): bigint | undefined {
  const c = text.charCodeAt(0);
  if (!(c >= 48 && c <= 57)) return undefined;
  if (text.length < 10) {
    // Short decimals (ports, marks, counts: most integers of a dump) by a digit loop, not a regular expression.
    const n = smallDecimal(text);
    if (n !== undefined) return BigInt(n);
  }
  if (/^[0-9]+$/.test(text)) return BigInt(text);
  if (/^0[xX][0-9a-fA-F]+$/.test(text)) return BigInt(text);
  return undefined;
}

/** The value of a string of fewer than 10 decimal digits, or undefined when it has another character. */
function smallDecimal(text: string): number | undefined {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const d = text.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return undefined;
    n = n * 10 + d;
  }
  return text.length > 0 ? n : undefined;
}

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/** A JSON-safe literal for an integer: a number up to 2^53, a string beyond (as the IR documents). */
export function integerLiteral(v: bigint): Literal {
  // nft -j prints integers wider than a JSON number in hexadecimal.
  return v <= MAX_SAFE ? Number(v) : `0x${v.toString(16)}`;
}

/** 2^bits, made once per width (every integer constant is checked against its field's). */
const LIMITS = new Map<number, bigint>();

function limitOf(bits: number): bigint {
  let limit = LIMITS.get(bits);
  if (limit === undefined) LIMITS.set(bits, (limit = 1n << BigInt(bits)));
  return limit;
}

/** Converts one constant written in the text to its literal for a datatype (`dt` undefined: untyped, numbers
 *  become numbers and everything else stays a string). `quoted`: the text was a "string". */
export function convertValue(text: string, quoted: boolean, dt: string | undefined, bits?: number): ValueResult {
  const info = dt ? datatypeInfo(dt) : undefined;
  if (!info) {
    const n = quoted ? undefined : parseInteger(text);
    return ok(n !== undefined ? integerLiteral(n) : text);
  }
  switch (info.base) {
    case 'string': {
      // Strings are fixed-size in the kernel (IFNAMSIZ, NF_CT_HELPER_NAME_LEN, NFT_OSF_MAXGENRELEN).
      const max = (bits ?? info.bits) / 8;
      if (text.length === 0) return fail(M.emptyName.code, M.emptyName.text(`a ${dt} value`));
      if (max > 0 && text.length > max) return fail(M.nameTooLong.code, M.nameTooLong.text(`${dt} value '${text}'`, max));
      return ok(text);
    }
    case 'ipv4_addr': {
      if (isIpv4(text)) return ok(text);
      // An address written as a number (`ip saddr & 0xff == 1`).
      const n = quoted ? undefined : parseInteger(text);
      if (n !== undefined && n <= 0xffffffffn) return ok([24n, 16n, 8n, 0n].map((sh) => ((n >> sh) & 0xffn).toString()).join('.'));
      return hostnameOr(text, quoted, 'IPv4 address');
    }
    case 'ipv6_addr':
      if (isIpv6(text)) return ok(canonicalIpv6(text));
      return hostnameOr(text, quoted, 'IPv6 address');
    case 'ether_addr':
      if (isMac(text)) return ok(canonicalMac(text));
      return fail(M.badAddress.code, M.badAddress.text(text, 'Ethernet address'));
    case 'boolean': {
      if (text === 'exists' || text === 'true') return ok(true);
      if (text === 'missing' || text === 'false') return ok(false);
      const n = parseInteger(text);
      if (n === 0n || n === 1n) return ok(n === 1n);
      return fail(M.unknownSymbol.code, M.unknownSymbol.text(text, 'boolean', suggestName(text, ['exists', 'missing'])));
    }
    case 'time': {
      const n = parseInteger(text);
      if (n !== undefined) return ok(integerLiteral(n));
      // `meta time "2019-06-21 17:00:00"`: an absolute date.
      if (quoted && /^\d{4}-\d{2}-\d{2}( \d{2}:\d{2}(:\d{2})?)?$/.test(text)) return ok(text);
      const ms = parseTime(text);
      if (ms === undefined) return fail(M.badTime.code, M.badTime.text(text));
      return ok(Math.floor(ms / 1000));
    }
    case 'verdict':
    case 'invalid':
      return ok(text);
    case 'integer':
    case 'bitmask':
      return convertInteger(text, quoted, info.name, bits ?? info.bits);
  }
}

function hostnameOr(text: string, quoted: boolean, what: string): ValueResult {
  // nft resolves host names (getaddrinfo); a name with a letter is kept as written.
  if (/^[A-Za-z][A-Za-z0-9.-]*$/.test(text) && !quoted) return ok(text);
  return fail(M.badAddress.code, M.badAddress.text(text, what));
}

/** Datatypes whose values are free-form text nft resolves through system tables we do not have
 *  (user and group names, iproute2 tables, connlabel.conf, interface names for iif/oif). */
const NAME_TYPES = new Set(['uid', 'gid', 'iface_index', 'devgroup', 'realm', 'ct_label', 'classid', 'hour', 'cgroupsv2']);

/** Largest value of datatypes whose range is narrower than their width (src/meta.c day/hour, ct.c label). */
const MAX_VALUE: Readonly<Record<string, bigint>> = lookupTable({ day: 6n, ct_label: 127n });

function convertInteger(text: string, quoted: boolean, dt: string, bits: number): ValueResult {
  const n = parseInteger(text);
  const max = MAX_VALUE[dt];
  if (n !== undefined && max !== undefined && n > max) return fail(M.outOfRange.code, M.outOfRange.text(text, dt, max.toString()));
  if (dt === 'classid' && n === undefined) {
    // Each half is hexadecimal, optionally with 0x (src/meta.c tchandle_type_parse uses strtoull base 16).
    const m = /^(?:0x)?([0-9a-f]{1,4}):(?:0x)?([0-9a-f]{0,4})$/i.exec(text);
    if (!m && text !== 'root' && text !== 'none') return fail(M.badAddress.code, M.badAddress.text(text, 'tc class id (major:minor)'));
    // nft prints class ids as `%x:%x` (src/meta.c tchandle_type_print).
    if (m) return ok(`${parseInt(m[1] ?? '0', 16).toString(16)}:${parseInt(m[2] || '0', 16).toString(16)}`);
    return ok(text);
  }
  if (dt === 'hour' && n === undefined) {
    const m = /^(\d{1,2}):(\d{2})(?::(\d{2}))?$/.exec(text);
    if (!m || Number(m[1]) > 23 || Number(m[2]) > 59 || Number(m[3] ?? 0) > 60) return fail(M.badTime.code, M.badTime.text(text));
    return ok(text);
  }
  // Interface indexes print as interface names; an index without a name prints as a string too.
  if (dt === 'iface_index') return ok(n !== undefined ? n.toString() : text);
  // Realms print through iproute2's rt_realms table as quoted strings, numbers included.
  if (dt === 'realm' && n !== undefined) return ok(n.toString());
  if (n !== undefined) {
    if (bits > 0 && bits < 128 && n >= limitOf(bits)) {
      return fail(M.outOfRange.code, M.outOfRange.text(text, dt, (limitOf(bits) - 1n).toString()));
    }
    if (n <= 0xffffffffn) {
      const name = symbolName(dt, Number(n));
      if (name !== undefined) return ok(name);
      const info = datatypeInfo(dt);
      if (info?.base === 'bitmask' && info.printsSymbol && n !== 0n) {
        // A numeric bitmask prints as its flag names when every bit has one.
        const { names, rest } = bitmaskNames(dt, Number(n));
        if (rest === 0 && names.length === 1 && names[0] !== undefined) return ok(names[0]);
      }
    }
    return ok(integerLiteral(n));
  }
  const v = symbolValue(dt, text) ?? (dt === 'day' ? dayByPrefix(text) : undefined);
  if (v !== undefined) {
    const info = datatypeInfo(dt);
    if (info?.printsSymbol) return ok(symbolName(dt, v) ?? text);
    return ok(v);
  }
  const names = symbolNames(dt);
  if (NAME_TYPES.has(dt) || (quoted && names.length === 0)) return ok(text);
  if (names.length === 0) return fail(M.badNumber.code, M.badNumber.text(text));
  return fail(M.unknownSymbol.code, M.unknownSymbol.text(text, dt, suggestName(text, names)));
}

/** nft accepts day names case-insensitively and abbreviated (`mon`, `Tuesday`). */
function dayByPrefix(text: string): number | undefined {
  const t = text.toLowerCase();
  if (t.length < 3) return undefined;
  const days = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];
  const i = days.findIndex((d) => d.startsWith(t));
  return i >= 0 ? i : undefined;
}

// ───────────── addresses ─────────────

function ipv6Words(text: string): number[] {
  let s = text;
  const words: number[] = [];
  let tail: number[] = [];
  const lastColon = s.lastIndexOf(':');
  if (s.slice(lastColon + 1).includes('.')) {
    const v4 = s.slice(lastColon + 1).split('.').map(Number);
    tail = [((v4[0] ?? 0) << 8) | (v4[1] ?? 0), ((v4[2] ?? 0) << 8) | (v4[3] ?? 0)];
    s = s.slice(0, lastColon + 1) + '0:0';
  }
  const [head, rest] = s.includes('::') ? s.split('::') : [s, undefined];
  const h = head ? head.split(':').filter((x) => x !== '').map((x) => parseInt(x, 16)) : [];
  const r = rest !== undefined && rest !== '' ? rest.split(':').map((x) => parseInt(x, 16)) : [];
  words.push(...h);
  if (rest !== undefined) for (let i = h.length + r.length; i < 8; i++) words.push(0);
  words.push(...r);
  if (tail.length) words.splice(6, 2, ...tail);
  return words.slice(0, 8);
}

/** IPv6 text as glibc inet_ntop prints it: lower case, longest run (≥ 2) of zero words as `::`, embedded
 *  IPv4 for mapped (::ffff:a.b.c.d) and compatible (::a.b.c.d) addresses. */
export function canonicalIpv6(text: string): string {
  return formatIPv6(ipv6Words(text));
}

export function canonicalMac(text: string): string {
  return text
    .split(':')
    .map((p) => p.toLowerCase().padStart(2, '0'))
    .join(':');
}

export function ipv4ToBig(text: string): bigint {
  return text.split('.').reduce((acc, p) => (acc << 8n) | BigInt(Number(p)), 0n);
}

function bigToIpv4(v: bigint): string {
  return [24n, 16n, 8n, 0n].map((s) => ((v >> s) & 0xffn).toString()).join('.');
}

export function ipv6ToBig(text: string): bigint {
  return ipv6Words(text).reduce((acc, w) => (acc << 16n) | BigInt(w), 0n);
}

function bigToIpv6(v: bigint): string {
  const w: number[] = [];
  for (let i = 7; i >= 0; i--) w.push(Number((v >> BigInt(i * 16)) & 0xffffn));
  return formatIPv6(w);
}

/** The network address of `addr/len` (nft stores the masked value: `10.1.2.3/8` lists as `10.0.0.0/8`). */
export function maskAddress(addr: Literal, len: number): Literal {
  if (typeof addr !== 'string') {
    return addr;
  }
  if (isIpv4(addr) && len >= 0 && len <= 32) {
    const mask = len === 0 ? 0n : ((1n << 32n) - 1n) ^ ((1n << BigInt(32 - len)) - 1n);
    return bigToIpv4(ipv4ToBig(addr) & mask);
  }
  if (isIpv6(addr) && len >= 0 && len <= 128) {
    const mask = len === 0 ? 0n : ((1n << 128n) - 1n) ^ ((1n << BigInt(128 - len)) - 1n);
    return bigToIpv6(ipv6ToBig(addr) & mask);
  }
  return addr;
}

/** When the range `from-to` of addresses is exactly a prefix, its length (nft lists such interval
 *  elements as prefixes), else undefined. */
export function rangeAsPrefix(from: Literal, to: Literal): { addr: string; len: number } | undefined {
  if (typeof from !== 'string' || typeof to !== 'string') return undefined;
  let a: bigint;
  let b: bigint;
  let width: number;
  if (isIpv4(from) && isIpv4(to)) {
    a = ipv4ToBig(from);
    b = ipv4ToBig(to);
    width = 32;
  } else if (isIpv6(from) && isIpv6(to)) {
    a = ipv6ToBig(from);
    b = ipv6ToBig(to);
    width = 128;
  } else return undefined;
  if (b < a) return undefined;
  const span = b - a + 1n;
  if ((span & (span - 1n)) !== 0n) return undefined;
  if ((a & (span - 1n)) !== 0n) return undefined;
  const host = span.toString(2).length - 1;
  if (host === 0) return undefined;
  return { addr: width === 32 ? bigToIpv4(a) : bigToIpv6(a), len: width - host };
}

// ───────────── times and units ─────────────

const TIME_UNITS: Readonly<Record<string, number>> = lookupTable({ d: 86400000, h: 3600000, m: 60000, s: 1000, ms: 1 });

/** nft time strings (`1d2h3m4s5ms`, `30s`, `1h`, a plain number of seconds) in milliseconds. */
export function parseTime(text: string): number | undefined {
  if (/^[0-9]+$/.test(text)) return Number(text) * 1000;
  const re = /([0-9]+)(ms|d|h|m|s)/gy;
  let total = 0;
  let pos = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text)) !== null) {
    total += Number(m[1]) * (TIME_UNITS[m[2] ?? 's'] ?? 0);
    pos = re.lastIndex;
  }
  return pos === text.length && pos > 0 ? total : undefined;
}

export const BYTE_UNITS: Readonly<Record<string, number>> = lookupTable({ bytes: 1, kbytes: 1024, mbytes: 1024 * 1024, gbytes: 1024 * 1024 * 1024 });

/** A byte count written as `value unit`, in the largest unit that divides it (nft prints rates and quotas
 *  that way: `1024 kbytes` lists as `1 mbytes`). */
export function normaliseBytes(value: number, unit: string, units: readonly string[] = ['gbytes', 'mbytes', 'kbytes', 'bytes']): { value: number; unit: string } {
  const bytes = value * (BYTE_UNITS[unit] ?? 1);
  for (const u of units) {
    const f = BYTE_UNITS[u] ?? 1;
    if (bytes >= f && bytes % f === 0) return { value: bytes / f, unit: u };
  }
  return { value: bytes, unit: 'bytes' };
}

// ───────────── element order ─────────────

/** A sort key for a constant in nft's listing order (numbers, symbols by value, addresses numerically);
 *  undefined when the value has no order nft imposes (strings such as interface names keep input order). */
export function sortKey(e: Expr, dt: string | undefined): bigint | undefined {
  switch (e.kind) {
    case 'value': {
      const v = e.value;
      if (typeof v === 'number') return BigInt(v);
      if (typeof v === 'boolean') return v ? 1n : 0n;
      if (isIpv4(v)) return ipv4ToBig(v);
      if (isIpv6(v)) return ipv6ToBig(v);
      if (isMac(v)) return BigInt('0x' + v.split(':').map((p) => p.padStart(2, '0')).join(''));
      if (dt) {
        const sv = symbolValue(dt, v);
        if (sv !== undefined) return BigInt(sv);
      }
      if (/^[0-9]+$/.test(v)) return BigInt(v);
      return undefined;
    }
    case 'prefix':
      return sortKey(e.expr, dt);
    case 'range':
      return sortKey(e.from, dt);
    case 'elem':
      return sortKey(e.value, dt);
    case 'mapping':
      return sortKey(e.key, dt);
    default:
      return undefined;
  }
}

/** Sorts set elements as nft lists them, when every element has an order; otherwise keeps input order. */
export function sortElements(items: readonly Expr[], dts: readonly (string | undefined)[]): Expr[] {
  const keyOf = (e: Expr): bigint[] | undefined => {
    const inner = e.kind === 'elem' ? e.value : e.kind === 'mapping' ? (e.key.kind === 'elem' ? e.key.value : e.key) : e;
    // Concatenations list in the kernel's order (hash or pipapo), which the input already shows.
    if (inner.kind === 'concat') return undefined;
    const k = sortKey(inner, dts[0]);
    return k === undefined ? undefined : [k];
  };
  // Stop at the first element without an order (kube-proxy's maps are all concatenations): they keep theirs.
  const keyed: { e: Expr; k: bigint[] }[] = [];
  for (const e of items) {
    const k = keyOf(e);
    if (k === undefined) return [...items];
    keyed.push({ e, k });
  }
  keyed.sort((a, b) => {
    const ka = a.k;
    const kb = b.k;
    for (let i = 0; i < Math.min(ka.length, kb.length); i++) {
      const x = ka[i] as bigint;
      const y = kb[i] as bigint;
      if (x !== y) return x < y ? -1 : 1;
    }
    return ka.length - kb.length;
  });
  return keyed.map((x) => x.e);
}

/** The closed interval `[from, to]` an element covers (values, prefixes, ranges of numbers and addresses),
 *  or undefined for elements without an order (strings, concatenations). */
export function intervalOf(e: Expr): [bigint, bigint] | undefined {
  const inner = e.kind === 'elem' ? e.value : e.kind === 'mapping' ? (e.key.kind === 'elem' ? e.key.value : e.key) : e;
  const key = (x: Expr): bigint | undefined => (x.kind === 'value' ? sortKey(x, undefined) : undefined);
  if (inner.kind === 'value') {
    const k = key(inner);
    return k === undefined ? undefined : [k, k];
  }
  if (inner.kind === 'range') {
    const a = key(inner.from);
    const b = key(inner.to);
    return a === undefined || b === undefined ? undefined : [a, b];
  }
  if (inner.kind === 'prefix' && inner.expr.kind === 'value' && typeof inner.expr.value === 'string') {
    const a = key(inner.expr);
    if (a === undefined) return undefined;
    const width = inner.expr.value.includes(':') ? 128 : 32;
    return [a, a + (1n << BigInt(width - inner.len)) - 1n];
  }
  return undefined;
}

/** The first element that overlaps an earlier one (nft refuses overlapping intervals in maps and in sets
 *  without auto-merge), or undefined. */
export function firstOverlap(items: readonly Expr[]): Expr | undefined {
  const iv: { e: Expr; a: bigint; b: bigint }[] = [];
  for (const e of items) {
    const r = intervalOf(e);
    if (!r) return undefined;
    iv.push({ e, a: r[0], b: r[1] });
  }
  iv.sort((x, y) => (x.a < y.a ? -1 : x.a > y.a ? 1 : 0));
  for (let i = 1; i < iv.length; i++) {
    const prev = iv[i - 1];
    const cur = iv[i];
    if (prev && cur && cur.a <= prev.b && !(cur.a === prev.a && cur.b === prev.b && prev.a === prev.b)) return cur.e;
  }
  return undefined;
}
