// Header layouts and key datatypes as the evaluator reads them, derived from src/model/datatypes.ts (nft's
// own tables): which bits of which header a payload field is, the datatype of meta/ct keys.
// Pure lookups; imports the model's datatypes and eval/value.
import { CT_KEYS, META_KEYS, META_KEY_ALIASES, PAYLOAD_PROTOCOLS, symbolValue } from '../model/datatypes.ts';
import { dtype, type DType } from './value.ts';

export type Base = 'll' | 'nh' | 'th';

export interface FieldDef {
  readonly base: Base;
  /** Offset and length in bits from the start of this protocol's header. */
  readonly offset: number;
  readonly len: number;
  readonly type: DType;
}

type Layout = Readonly<Record<string, readonly [offset: number, len: number, type: string]>>;

interface ProtoDef {
  readonly base: Base;
  readonly layout: Layout;
  /** IP protocol number for transport protocols (implicit `meta l4proto` dependency). */
  readonly l4?: number;
}

/** A lookup table without a prototype: keys come from pasted text, and `constructor` or `__proto__` must find
 *  nothing rather than an Object.prototype member. */
function table<T>(entries: Iterable<readonly [PropertyKey, T]>): Record<string, T> {
  return Object.assign(Object.create(null) as Record<string, T>, Object.fromEntries(entries));
}

/** nft's header names whose /etc/protocols name differs. */
const L4_SYMBOL: Readonly<Record<string, string>> = { icmpv6: 'ipv6-icmp', comp: 'ipcomp' };

/** nft's header fields (src/model/datatypes.ts, from nftables src/proto.c) in the form the evaluator reads
 *  them: offsets from the start of the base (the 802.1Q tag sits 112 bits into the link-layer header, after
 *  the two MAC addresses, as nft loads `vlan id` at link header + 14). Inner (tunnel) headers are left out. */
export const PROTOCOLS: Readonly<Record<string, ProtoDef>> = table(
  Object.entries(PAYLOAD_PROTOCOLS)
    .filter(([, p]) => p.base !== 'ih')
    .map(([name, p]) => {
      const shift = name === 'vlan' ? 112 : 0;
      const layout = table(Object.entries(p.fields).map(([field, fi]) => [field, [fi.offset + shift, fi.len, fi.datatype] as const]));
      const l4 = p.base === 'th' && name !== 'th' ? symbolValue('inet_proto', L4_SYMBOL[name] ?? name) : undefined;
      return [name, { base: p.base as Base, layout, ...(l4 !== undefined ? { l4 } : {}) }] as const;
    }),
);

/** The transport protocol name for an IP protocol number, for the protocols whose header nflens models. */
export const L4_NAME: Readonly<Record<number, string>> = table(
  Object.entries(PROTOCOLS)
    .filter(([, p]) => p.l4 !== undefined)
    .map(([name, p]) => [p.l4!, name] as const),
);

/** Transport protocols that carry ports at offsets 0 and 2 (what `th sport/dport` reads). */
export const PORT_PROTOCOLS: ReadonlySet<number> = new Set(
  Object.entries(PROTOCOLS)
    .filter(([name, p]) => name !== 'th' && p.l4 !== undefined && p.layout.sport?.[0] === 0)
    .map(([, p]) => p.l4!),
);

export function fieldDef(protocol: string, field: string): FieldDef | undefined {
  const p = PROTOCOLS[protocol];
  const f = p?.layout[field];
  if (!p || !f) return undefined;
  return { base: p.base, offset: f[0], len: f[1], type: dtype(f[2], f[1]) };
}

export function layoutOf(protocol: string): Layout | undefined {
  return PROTOCOLS[protocol]?.layout;
}

export function metaType(key: string): DType {
  const info = META_KEYS[META_KEY_ALIASES[key] ?? key];
  return info ? dtype(info.datatype, info.bits) : dtype('integer', 32);
}

export function ctType(key: string, family: 'ip' | 'ip6' | undefined): DType {
  const k = key.replace(/^ip6? /, '');
  const fam = key.startsWith('ip6 ') ? 'ip6' : key.startsWith('ip ') ? 'ip' : family;
  const info = CT_KEYS[k];
  if (!info) return dtype('integer', 32);
  if (info.needsFamily) return dtype(fam === 'ip6' ? 'ipv6_addr' : 'ipv4_addr');
  return dtype(info.datatype, info.bits);
}
