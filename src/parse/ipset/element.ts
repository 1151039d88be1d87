// Turns one ipset element (`10.0.0.1,udp:53`, `10.0.0.0/8,eth0`, `1-1023`) into an IR key expression:
// a concatenation of the parts in the order of the nft key type, as ipset-translate writes them (`[proto:]port`
// is two fields, inet_proto and inet_service; a port without proto is tcp, ipset lib/parse.c
// ipset_parse_proto_port). Pure; imports the model, address helpers and the type table.
import type { Expr, SourceRange } from '../../model/ir.ts';
import { isIPv4, isIPv6, isMac, parseUint } from '../address.ts';
import type { IpsetType, PartKind } from './types.ts';

export interface ElementContext {
  readonly type: IpsetType;
  /** Address family of the set's IP parts (undefined for family-neutral types). */
  readonly family: 'inet' | 'inet6' | undefined;
  /** `netmask`/contiguous `bitmask` of the set: a plain address stands for its network. */
  readonly maskLength?: number;
}

export type ElementResult =
  | { readonly ok: true; readonly value: Expr; readonly physdev?: boolean }
  | { readonly ok: false; readonly why: string };

const ICMP_PROTOS = new Set(['icmp', 'icmpv6', 'ipv6-icmp']);

// The patterns of `[proto:]port` as constants: a regex literal makes a new RegExp object at every
// evaluation, and every element of a kube-proxy set has a port.
const DIGITS = /^\d+$/;
const PROTO_WORD = /^([a-zA-Z][a-zA-Z0-9._+-]*|\d{1,3})$/;
const ICMP_TYPE = /^([a-zA-Z][a-zA-Z-]*|\d{1,3}\/\d{1,3})$/;
const PORT_RANGE = /^(\d+)-(\d+)$/;
const SERVICE_NAME = /^[a-zA-Z][a-zA-Z0-9._+-]*$/;

export function parseElement(ctx: ElementContext, text: string, start: number): ElementResult {
  const { parts } = ctx.type;
  const pieces = splitParts(text, start);
  const expected = parts.length;
  if (pieces.length !== expected && !(ctx.type.lastOptional && pieces.length === expected - 1)) {
    return { ok: false, why: `expected ${expected} comma-separated part${expected === 1 ? '' : 's'} (${describeParts(parts)})` };
  }
  const items: Expr[] = [];
  let physdev = false;
  for (let i = 0; i < pieces.length; i++) {
    const piece = pieces[i] as Piece;
    const kind = parts[i] as PartKind;
    const result = parsePart(kind, piece, ctx, i === 0);
    if (typeof result === 'string') return { ok: false, why: result };
    for (let k = 0; k < result.exprs.length; k++) items.push(result.exprs[k] as Expr);
    if (result.physdev) physdev = true;
  }
  const range = { start, end: start + text.length };
  // One field is the key itself; several (or a bitmap:ip,mac element whose MAC is left out) are a concat.
  const value: Expr = items.length === 1 && parts.length === 1 ? (items[0] as Expr) : { kind: 'concat', items, range };
  return physdev ? { ok: true, value, physdev } : { ok: true, value };
}

interface Piece {
  readonly text: string;
  readonly range: SourceRange;
}

/** The comma-separated parts of an element, found with indexOf rather than split and a for-of (an array
 *  and an iterator per element of a 100 000-element dump). */
function splitParts(text: string, start: number): Piece[] {
  const pieces: Piece[] = [];
  let from = 0;
  for (;;) {
    let comma = text.indexOf(',', from);
    const last = comma < 0;
    if (last) comma = text.length;
    pieces.push({ text: from === 0 && last ? text : text.slice(from, comma), range: { start: start + from, end: start + comma } });
    if (last) return pieces;
    from = comma + 1;
  }
}

function describeParts(parts: readonly PartKind[]): string {
  const names: Record<PartKind, string> = { ip: 'IP', net: 'IP/CIDR', port: '[PROTO:]PORT', bport: 'PORT', mark: 'MARK', mac: 'MAC', iface: '[physdev:]IFACE', setname: 'SETNAME' };
  return parts.map((p) => names[p]).join(',');
}

type PartResult = { exprs: Expr[]; physdev?: boolean } | string;

function parsePart(kind: PartKind, piece: Piece, ctx: ElementContext, first: boolean): PartResult {
  const { text, range } = piece;
  switch (kind) {
    case 'ip':
    case 'net': {
      const expr = parseAddress(text, range, ctx.family ?? 'inet', first ? ctx.maskLength : undefined);
      return typeof expr === 'string' ? expr : { exprs: [expr] };
    }
    case 'port':
      return parseProtoPort(text, range);
    case 'bport': {
      // bitmap:port takes a bare port; ipset also accepts `tcp:`/`udp:` in front and drops it.
      const colon = text.indexOf(':');
      const portText = colon >= 0 ? text.slice(colon + 1) : text;
      const portStart = colon >= 0 ? range.start + colon + 1 : range.start;
      const port = parsePort(portText, { start: portStart, end: range.end });
      return typeof port === 'string' ? port : { exprs: [port] };
    }
    case 'mark': {
      const mark = parseUint(text);
      if (mark === undefined || mark > 0xffffffff) return `'${text}' is not a mark (a 32-bit number)`;
      return { exprs: [{ kind: 'value', value: mark, range }] };
    }
    case 'mac':
      return isMac(text) ? { exprs: [{ kind: 'value', value: text.toLowerCase(), range }] } : `'${text}' is not a MAC address`;
    case 'iface': {
      const physdev = text.startsWith('physdev:');
      const name = physdev ? text.slice('physdev:'.length) : text;
      if (name === '' || name.length > 15) return `'${text}' is not an interface name`;
      const expr: Expr = { kind: 'value', value: name, range: physdev ? { start: range.start + 8, end: range.end } : range };
      return physdev ? { exprs: [expr], physdev } : { exprs: [expr] };
    }
    case 'setname':
      return text === '' ? 'empty set name' : { exprs: [{ kind: 'setref', name: text, range }] };
  }
}

/** `a`, `a/len`, `a-b` (IPv4 and IPv6 alike; ipset expands IPv4 ranges into entries, the IR keeps the range). */
function parseAddress(text: string, range: SourceRange, family: 'inet' | 'inet6', maskLength: number | undefined): Expr | string {
  const isFamily = family === 'inet6' ? isIPv6 : isIPv4;
  const familyName = family === 'inet6' ? 'IPv6' : 'IPv4';
  const full = family === 'inet6' ? 128 : 32;
  const slash = text.indexOf('/');
  if (slash >= 0) {
    const addr = text.slice(0, slash);
    const len = text.slice(slash + 1);
    if (!isFamily(addr)) return `'${addr}' is not an ${familyName} address`;
    if (!/^\d{1,3}$/.test(len) || Number(len) > full) return `'/${len}' is not a prefix length of an ${familyName} address`;
    return { kind: 'prefix', expr: { kind: 'value', value: addr, range: { start: range.start, end: range.start + slash } }, len: Number(len), range };
  }
  const dash = findRangeDash(text, isFamily);
  if (dash >= 0) {
    const from = text.slice(0, dash);
    const to = text.slice(dash + 1);
    return {
      kind: 'range',
      from: { kind: 'value', value: from, range: { start: range.start, end: range.start + dash } },
      to: { kind: 'value', value: to, range: { start: range.start + dash + 1, end: range.end } },
      range,
    };
  }
  if (!isFamily(text)) return `'${text}' is not an ${familyName} address`;
  const value: Expr = { kind: 'value', value: text, range };
  return maskLength !== undefined && maskLength < full ? { kind: 'prefix', expr: value, len: maskLength, range } : value;
}

function findRangeDash(text: string, isFamily: (s: string) => boolean): number {
  const dash = text.indexOf('-');
  return dash > 0 && isFamily(text.slice(0, dash)) && isFamily(text.slice(dash + 1)) ? dash : -1;
}

/** `[proto:]port` → inet_proto and inet_service fields. icmp/icmpv6 carry a type name or `type/code`. */
function parseProtoPort(text: string, range: SourceRange): PartResult {
  const colon = text.indexOf(':');
  const protoText = colon >= 0 ? text.slice(0, colon) : 'tcp';
  const portText = colon >= 0 ? text.slice(colon + 1) : text;
  const protoRange = colon >= 0 ? { start: range.start, end: range.start + colon } : range;
  const portRange = colon >= 0 ? { start: range.start + colon + 1, end: range.end } : range;
  const numeric = DIGITS.test(protoText);
  if (!PROTO_WORD.test(protoText) || (numeric && Number(protoText) > 255)) {
    return `'${protoText}' is not a protocol`;
  }
  const proto: Expr = { kind: 'value', value: numeric ? Number(protoText) : protoText, range: protoRange };
  if (ICMP_PROTOS.has(protoText)) {
    if (!ICMP_TYPE.test(portText)) return `'${portText}' is not an ICMP type name or TYPE/CODE`;
    return { exprs: [proto, { kind: 'value', value: portText, range: portRange }] };
  }
  const port = parsePort(portText, portRange);
  return typeof port === 'string' ? port : { exprs: [proto, port] };
}

/** A port number, a service name (`smtp`, `http-alt`), or a numeric range `80-84`. */
/** A port number's value, or why it is not one. */
function portNumber(t: string, r: SourceRange): Expr | string {
  return Number(t) <= 65535 ? { kind: 'value', value: Number(t), range: r } : `port ${t} is above 65535`;
}

function parsePort(text: string, range: SourceRange): Expr | string {
  const m = PORT_RANGE.exec(text);
  if (m) {
    const dash = (m[1] as string).length;
    const from = portNumber(m[1] as string, { start: range.start, end: range.start + dash });
    const to = portNumber(m[2] as string, { start: range.start + dash + 1, end: range.end });
    if (typeof from === 'string') return from;
    if (typeof to === 'string') return to;
    return { kind: 'range', from, to, range };
  }
  if (DIGITS.test(text)) return portNumber(text, range);
  if (SERVICE_NAME.test(text)) return { kind: 'value', value: text, range };
  return `'${text}' is not a port`;
}
