// Named chain priorities of nftables and the numbers iptables tables register at.
// Sources: include/uapi/linux/netfilter_ipv4.h (NF_IP_PRI_*), nftables src/rule.c (std_prio_table),
// ../shared/docs/netfilter-semantics.md. Pure data and lookups; imports only IR types.
import type { Family } from './ir.ts';
import { lookupTable } from './lookup.ts';

/** Kernel priorities of the IPv4/IPv6 hooks (NF_IP_PRI_*). */
export const NF_IP_PRI = {
  RAW_BEFORE_DEFRAG: -450,
  CONNTRACK_DEFRAG: -400,
  RAW: -300,
  SELINUX_FIRST: -225,
  CONNTRACK: -200,
  MANGLE: -150,
  NAT_DST: -100,
  FILTER: 0,
  SECURITY: 50,
  NAT_SRC: 100,
  SELINUX_LAST: 225,
  CONNTRACK_HELPER: 300,
  CONNTRACK_CONFIRM: 2147483647,
} as const;

/** nft's symbolic priorities for ip, ip6, inet, arp and netdev. */
const STANDARD_NAMES: Readonly<Record<string, number>> = lookupTable({
  raw: -300,
  mangle: -150,
  dstnat: -100,
  filter: 0,
  security: 50,
  srcnat: 100,
});

/** nft's symbolic priorities for the bridge family (NF_BR_PRI_*). */
const BRIDGE_NAMES: Readonly<Record<string, number>> = lookupTable({
  dstnat: -300,
  filter: -200,
  out: 100,
  srcnat: 300,
});

export function priorityNamesFor(family: Family): Readonly<Record<string, number>> {
  return family === 'bridge' ? BRIDGE_NAMES : STANDARD_NAMES;
}

/** The number of a symbolic priority name in a family, or undefined. */
export function priorityValueOf(family: Family, name: string): number | undefined {
  return priorityNamesFor(family)[name];
}

/** A symbolic form for a number: the exact name (`filter`), else the nearest name within ±10
 *  (`mangle - 5`), else undefined. Used for labels; the printer keeps the form the input used. */
export function priorityTextOf(family: Family, value: number): string | undefined {
  const names = priorityNamesFor(family);
  let best: string | undefined;
  for (const [name, v] of Object.entries(names)) {
    if (v === value) return name;
    const delta = value - v;
    if (Math.abs(delta) <= 10 && best === undefined) best = delta > 0 ? `${name} + ${delta}` : `${name} - ${-delta}`;
  }
  return best;
}

export type IptablesTable = 'raw' | 'mangle' | 'nat' | 'filter' | 'security';

/** Where each iptables table's built-in chains hook in, and at which priority (iptables-nft and legacy
 *  register at the same numbers). The nat table's INPUT and POSTROUTING are source NAT (100). */
export function iptablesChainPriority(table: string, chain: string): number | undefined {
  switch (table) {
    case 'raw':
      return NF_IP_PRI.RAW;
    case 'mangle':
      return NF_IP_PRI.MANGLE;
    case 'nat':
      return chain === 'INPUT' || chain === 'POSTROUTING' ? NF_IP_PRI.NAT_SRC : NF_IP_PRI.NAT_DST;
    case 'filter':
      return NF_IP_PRI.FILTER;
    case 'security':
      return NF_IP_PRI.SECURITY;
    default:
      return undefined;
  }
}

/** iptables built-in chain names → nftables hook names. */
export const IPTABLES_HOOK_OF: Readonly<Record<string, string>> = lookupTable({
  PREROUTING: 'prerouting',
  INPUT: 'input',
  FORWARD: 'forward',
  OUTPUT: 'output',
  POSTROUTING: 'postrouting',
});
