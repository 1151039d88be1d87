// The ipset set types: element layout, address family, old aliases, and the nftables key types that
// `ipset-translate` gives them (ipset lib/ipset.c, ipset_xlate_type_to_nftables). Pure; imports only the
// address helpers.
import { ipv4MaskLength } from '../address.ts';
import { lookupTable } from '../../model/lookup.ts';

/** One comma-separated part of an element. `port` is `[proto:]port` (two key fields in nft: inet_proto
 *  and inet_service); `bport` is a bare port of bitmap:port; `setname` names another set (list:set). */
export type PartKind = 'ip' | 'net' | 'port' | 'bport' | 'mark' | 'mac' | 'iface' | 'setname';

export interface IpsetType {
  readonly name: string;
  readonly parts: readonly PartKind[];
  /** inet46: `family inet|inet6` (default inet); inet: IPv4 only (bitmaps); neutral: no family. */
  readonly family: 'inet46' | 'inet' | 'neutral';
  /** ipset-translate adds `flags interval` (the set holds networks or ranges). */
  readonly interval: boolean;
  /** bitmap:ip,mac: the MAC may be left out (the kernel fills it from the first matching packet). */
  readonly lastOptional?: boolean;
}

const TYPES: readonly IpsetType[] = [
  { name: 'hash:ip', parts: ['ip'], family: 'inet46', interval: false },
  { name: 'hash:ip,port', parts: ['ip', 'port'], family: 'inet46', interval: false },
  { name: 'hash:ip,port,ip', parts: ['ip', 'port', 'ip'], family: 'inet46', interval: false },
  { name: 'hash:ip,port,net', parts: ['ip', 'port', 'net'], family: 'inet46', interval: true },
  { name: 'hash:ip,mark', parts: ['ip', 'mark'], family: 'inet46', interval: false },
  { name: 'hash:ip,mac', parts: ['ip', 'mac'], family: 'inet46', interval: false },
  { name: 'hash:net', parts: ['net'], family: 'inet46', interval: true },
  { name: 'hash:net,net', parts: ['net', 'net'], family: 'inet46', interval: true },
  { name: 'hash:net,port', parts: ['net', 'port'], family: 'inet46', interval: true },
  { name: 'hash:net,port,net', parts: ['net', 'port', 'net'], family: 'inet46', interval: true },
  { name: 'hash:net,iface', parts: ['net', 'iface'], family: 'inet46', interval: true },
  { name: 'hash:mac', parts: ['mac'], family: 'neutral', interval: false },
  { name: 'bitmap:ip', parts: ['ip'], family: 'inet', interval: false },
  { name: 'bitmap:ip,mac', parts: ['ip', 'mac'], family: 'inet', interval: false, lastOptional: true },
  { name: 'bitmap:port', parts: ['bport'], family: 'neutral', interval: false },
  { name: 'list:set', parts: ['setname'], family: 'neutral', interval: false },
];

/** Names of ipset 4.x that ipset 6+ still accepts (`ipset -N test iphash`). */
const ALIASES: Readonly<Record<string, string>> = lookupTable({
  iphash: 'hash:ip',
  nethash: 'hash:net',
  ipporthash: 'hash:ip,port',
  ipportiphash: 'hash:ip,port,ip',
  ipportnethash: 'hash:ip,port,net',
  ipmap: 'bitmap:ip',
  macipmap: 'bitmap:ip,mac',
  portmap: 'bitmap:port',
  setlist: 'list:set',
});

export const IPSET_TYPE_NAMES: readonly string[] = TYPES.map((t) => t.name);

export function findIpsetType(name: string): IpsetType | undefined {
  const canonical = ALIASES[name] ?? name;
  return TYPES.find((t) => t.name === canonical);
}

/** The pseudo datatype of list:set keys (nftables has no set of sets). */
export const SETNAME_TYPE = 'ipset';

/** nft key datatypes of a set, as ipset-translate prints them (`hash:ip,port` inet →
 *  `ipv4_addr . inet_proto . inet_service`). */
export function nftKeyTypes(type: IpsetType, family: 'inet' | 'inet6'): string[] {
  const addr = family === 'inet6' ? 'ipv6_addr' : 'ipv4_addr';
  return type.parts.flatMap((part): string[] => {
    switch (part) {
      case 'ip':
      case 'net':
        return [addr];
      case 'port':
        return ['inet_proto', 'inet_service'];
      case 'bport':
        return ['inet_service'];
      case 'mark':
        return ['mark'];
      case 'mac':
        return ['ether_addr'];
      case 'iface':
        return ['ifname'];
      case 'setname':
        return [SETNAME_TYPE];
    }
  });
}

/** What the helpers below need of a set: its type and create options. */
export interface SetShape {
  readonly type: IpsetType;
  readonly options: Readonly<Record<string, string | number | boolean>>;
}

/** The family of a set's addresses: `family` option, default inet; none for family-neutral types. */
export function familyOf(set: SetShape): 'inet' | 'inet6' | undefined {
  if (set.type.family === 'neutral') return undefined;
  return set.options.family === 'inet6' ? 'inet6' : 'inet';
}

/** The prefix length a plain address stands for: `netmask N`, or a contiguous IPv4 `bitmask`. */
export function maskLengthOf(set: SetShape): number | undefined {
  const full = familyOf(set) === 'inet6' ? 128 : 32;
  const { netmask, bitmask } = set.options;
  if (typeof netmask === 'number') return netmask < full ? netmask : undefined;
  if (typeof bitmask === 'string') {
    const len = ipv4MaskLength(bitmask);
    return len !== undefined && len < full ? len : undefined;
  }
  return undefined;
}

