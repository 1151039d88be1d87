// The host model: local addresses and interfaces, forwarding, routes; the routing decision (local delivery,
// forward, or no route). Given by the user (`--host`), else inferred from the ruleset with notes saying so.
// Pure; imports the model and eval/addr.
import type { Ruleset } from '../model/ir.ts';
import { formatIp, inPrefix, parseCidr, type AddrFamily } from './addr.ts';

export interface HostAddress {
  readonly family: AddrFamily;
  readonly value: bigint;
  /** Prefix length of the on-link subnet (`10.0.0.1/24`), or of an AnyIP `local` route. */
  readonly len: number;
  readonly iface?: string;
  /** AnyIP: the whole prefix is local (`ip route add local 203.0.113.0/25 dev lo`). */
  readonly anyIp?: boolean;
}

export interface HostRoute {
  readonly family: AddrFamily;
  readonly value: bigint;
  readonly len: number;
  readonly iface: string;
}

export interface Host {
  readonly addresses: readonly HostAddress[];
  readonly interfaces: readonly string[];
  readonly routes: readonly HostRoute[];
  /** Device of the default route, when known. */
  readonly defaultIface?: string;
  readonly forwarding: boolean;
  /** The user gave routes (`default=`, `route=`): a destination without a route is unreachable. Otherwise a
   *  default route is assumed to exist (its device unknown). */
  readonly routesKnown: boolean;
  /** True when the user gave the addresses; false when inferred. */
  readonly explicit: boolean;
  /** How inferred facts were chosen (shown in the trace). */
  readonly notes: readonly string[];
}

/** Host spec syntax (`--host`), tokens separated by spaces or commas:
 *  `eth0=192.168.1.10/24` address on an interface (its subnet is on-link there) · `10.0.0.1` a local address ·
 *  `local=203.0.113.0/25` an AnyIP local range · `default=eth0` default route device ·
 *  `route=10.8.0.0/16@tun0` a route · `forward` / `noforward` IP forwarding. */
export function parseHostSpec(spec: string): { host: HostSpecParsed; errors: string[] } {
  const errors: string[] = [];
  const addresses: HostAddress[] = [];
  const routes: HostRoute[] = [];
  let defaultIface: string | undefined;
  let forwarding: boolean | undefined;
  for (const tok of spec.split(/[\s,]+/).filter(Boolean)) {
    if (tok === 'forward' || tok === 'forwarding') {
      forwarding = true;
      continue;
    }
    if (tok === 'noforward' || tok === 'no-forward') {
      forwarding = false;
      continue;
    }
    const eq = tok.indexOf('=');
    if (eq > 0) {
      const key = tok.slice(0, eq);
      const val = tok.slice(eq + 1);
      if (key === 'default') {
        defaultIface = val;
        continue;
      }
      if (key === 'route') {
        const [pfx, dev] = val.split('@');
        const c = pfx ? parseCidr(pfx) : undefined;
        if (!c || !dev) errors.push(`bad route "${val}" (expected PREFIX@IFACE)`);
        else routes.push({ family: c.family, value: c.value, len: c.len, iface: dev });
        continue;
      }
      if (key === 'local') {
        const c = parseCidr(val);
        if (!c) errors.push(`bad local range "${val}"`);
        else addresses.push({ family: c.family, value: c.value, len: c.len, anyIp: true, iface: 'lo' });
        continue;
      }
      for (const a of val.split('+')) {
        const c = parseCidr(a);
        if (!c) errors.push(`bad address "${a}" for ${key}`);
        else addresses.push({ family: c.family, value: c.value, len: c.len, iface: key });
      }
      continue;
    }
    const c = parseCidr(tok);
    if (!c) errors.push(`bad host token "${tok}"`);
    else addresses.push({ family: c.family, value: c.value, len: c.len });
  }
  return { host: { addresses, routes, ...(defaultIface ? { defaultIface } : {}), ...(forwarding !== undefined ? { forwarding } : {}) }, errors };
}

export interface HostSpecParsed {
  readonly addresses: readonly HostAddress[];
  readonly routes?: readonly HostRoute[];
  readonly defaultIface?: string;
  readonly forwarding?: boolean;
}

const LOOPBACK: readonly HostAddress[] = [
  { family: 'ip', value: 0x7f000001n, len: 8, iface: 'lo', anyIp: true },
  { family: 'ip6', value: 1n, len: 128, iface: 'lo' },
];

/** Builds the host: explicit facts when given, else inferred ones (each inference leaves a note). */
export function buildHost(rulesets: readonly Ruleset[], spec: HostSpecParsed | undefined, forwardingFlag: boolean | undefined): Host {
  const notes: string[] = [];
  const addresses: HostAddress[] = [...LOOPBACK];
  const explicit = spec !== undefined && spec.addresses.length > 0;
  if (spec) addresses.push(...spec.addresses);
  // kube-proxy's IPVS mode binds every virtual service address to the dummy device kube-ipvs0, so they are
  // local (netfilter-semantics.md, "kube-proxy shapes").
  const vips = ipvsVirtualAddresses(rulesets);
  if (vips.length) {
    for (const v of vips) addresses.push(v);
    notes.push(`${vips.length} IPVS virtual address(es) are local (kube-proxy binds them to kube-ipvs0)`);
  }
  if (!explicit) {
    // kube-proxy nft mode keeps the node's addresses in `set nodeport-ips`.
    for (const r of rulesets) {
      for (const t of r.tables) {
        for (const s of t.sets) {
          if (s.name !== 'nodeport-ips') continue;
          for (const e of s.elements) {
            const v = e.kind === 'value' ? e.value : e.kind === 'elem' && e.value.kind === 'value' ? e.value.value : undefined;
            const c = typeof v === 'string' ? parseCidr(v) : undefined;
            if (c) {
              addresses.push({ family: c.family, value: c.value, len: c.family === 'ip' ? 32 : 128 });
              notes.push(`${formatIp(c.family, c.value)} is local (element of set ${t.name}/nodeport-ips)`);
            }
          }
        }
      }
    }
  }
  let forwarding = forwardingFlag ?? spec?.forwarding;
  if (forwarding === undefined) {
    // Off, as net.ipv4.ip_forward defaults to 0 (also in every new network namespace): the trace must agree
    // with the kernel it describes. Rulesets that need forwarding only get a hint.
    forwarding = false;
    const kube = rulesets.some((r) => r.tables.some((t) => t.name === 'kube-proxy' || t.chains.some((c) => c.name.startsWith('KUBE-') || c.name === 'DOCKER' || c.name === 'DOCKER-USER')));
    notes.push(kube ? 'IP forwarding off (the Linux default); kube-proxy/docker nodes run with it on: use --forward' : 'IP forwarding off (the Linux default; use --forward)');
  }
  const interfaces = [...new Set([...addresses.map((a) => a.iface).filter((x): x is string => !!x), ...(spec?.routes ?? []).map((r) => r.iface), ...(spec?.defaultIface ? [spec.defaultIface] : [])])];
  return {
    addresses,
    interfaces,
    routes: spec?.routes ?? [],
    ...(spec?.defaultIface ? { defaultIface: spec.defaultIface } : {}),
    forwarding,
    routesKnown: !!spec?.defaultIface || (spec?.routes?.length ?? 0) > 0,
    explicit,
    notes,
  };
}

const vipCache = new WeakMap<readonly Ruleset[], readonly HostAddress[]>();

/** The distinct IPVS virtual addresses, once per set of rulesets (a host is built for every packet, and
 *  kube-proxy's IPVS mode has one address per Service: 10 000 and more). */
function ipvsVirtualAddresses(rulesets: readonly Ruleset[]): readonly HostAddress[] {
  const cached = vipCache.get(rulesets);
  if (cached) return cached;
  const vips: HostAddress[] = [];
  const seen = new Set<string>();
  for (const r of rulesets) {
    for (const svc of r.ipvs) {
      const c = svc.addr ? parseCidr(svc.addr) : undefined;
      if (!c || seen.has(`${c.family}|${c.value}`)) continue;
      seen.add(`${c.family}|${c.value}`);
      vips.push({ family: c.family, value: c.value, len: c.family === 'ip' ? 32 : 128, iface: 'kube-ipvs0' });
    }
  }
  vipCache.set(rulesets, vips);
  return vips;
}

/** Is `addr` one of the host's local addresses (or in an AnyIP local range)? */
export function isLocalAddress(host: Host, family: AddrFamily, addr: bigint): boolean {
  const bits = family === 'ip' ? 32 : 128;
  return host.addresses.some((a) => a.family === family && (a.anyIp ? inPrefix(addr, a.value, a.len, bits) : a.value === addr));
}

export function isLoopbackAddress(family: AddrFamily, addr: bigint): boolean {
  return family === 'ip' ? addr >> 24n === 127n : addr === 1n;
}

export function isMulticast(family: AddrFamily, addr: bigint): boolean {
  return family === 'ip' ? addr >> 28n === 0xen : addr >> 120n === 0xffn;
}

export function isBroadcast(host: Host, family: AddrFamily, addr: bigint): boolean {
  if (family !== 'ip') return false;
  if (addr === 0xffffffffn) return true;
  return host.addresses.some((a) => a.family === 'ip' && !a.anyIp && a.len < 31 && (addr | ((1n << BigInt(32 - a.len)) - 1n)) === addr && inPrefix(addr, a.value, a.len, 32));
}

/** The interface owning a local address, if known. */
export function ifaceOfAddress(host: Host, family: AddrFamily, addr: bigint): string | undefined {
  const bits = family === 'ip' ? 32 : 128;
  return host.addresses.find((a) => a.family === family && (a.anyIp ? inPrefix(addr, a.value, a.len, bits) : a.value === addr))?.iface;
}

/** A local address of an interface (first listed), for masquerade/redirect. */
export function addressOfIface(host: Host, family: AddrFamily, iface: string | undefined): bigint | undefined {
  if (!iface) return undefined;
  if (iface === 'lo') return family === 'ip' ? 0x7f000001n : 1n;
  return host.addresses.find((a) => a.family === family && a.iface === iface && !a.anyIp)?.value;
}

/** The source address masquerade picks: inet_select_addr(out, nexthop, RT_SCOPE_UNIVERSE) in
 *  nf_nat_masquerade_ipv4 — a global address of the output device (loopback addresses are host scope and
 *  never chosen), preferably one whose subnet holds the next hop; a device without one borrows a global
 *  address of another device (only when the user gave the addresses: an inferred host does not know them).
 *  IPv6 (given addresses): ipv6SourceAddress. */
export function masqueradeAddress(host: Host, family: AddrFamily, oif: string | undefined, nexthop: bigint | undefined): bigint | undefined {
  if (!oif) return undefined;
  if (family === 'ip6' && host.explicit) return ipv6SourceAddress(host, oif, nexthop);
  const bits = family === 'ip' ? 32 : 128;
  const global = (a: HostAddress) => a.family === family && !a.anyIp && !isLoopbackAddress(family, a.value) && !(family === 'ip6' && a.value >> 118n === 0x3fan);
  const own = host.addresses.filter((a) => a.iface === oif && global(a));
  const onLink = nexthop !== undefined ? own.find((a) => inPrefix(nexthop, a.value, a.len, bits)) : undefined;
  if (onLink ?? own[0]) return (onLink ?? own[0])!.value;
  return host.explicit ? host.addresses.find(global)?.value : undefined;
}

/** IPv6 source address selection (RFC 6724) as nf_nat_masquerade_ipv6 runs it through ipv6_dev_get_saddr()
 *  (net/ipv6/addrconf.c): for a global destination every global address of every device is a candidate (not
 *  only the output device's), ranked by the kernel's rules in order — the destination itself
 *  (IPV6_SADDR_RULE_LOCAL), then the scope (IPV6_SADDR_RULE_SCOPE: ::1 only for ::1), then an address of
 *  the output device (IPV6_SADDR_RULE_OIF), then the longest
 *  prefix shared with the destination, capped at the address's own prefix length (IPV6_SADDR_RULE_PREFIX);
 *  on a tie the first candidate stays (devices in ifindex order: lo first). Preference, labels and privacy
 *  rank the host model's addresses alike. Seen on Linux 6.18: a packet looped back to
 *  2001:db8:1::2 is masqueraded to 2001:db8:1::2, not to lo's 2001:db8:ff::10. */
function ipv6SourceAddress(host: Host, oif: string, dst: bigint | undefined): bigint | undefined {
  const own = host.addresses.filter((a) => a.family === 'ip6' && !a.anyIp);
  // ::1 is always on lo (a candidate too: the source for a destination of ::1)
  const candidates: HostAddress[] = own.some((a) => a.value === 1n) ? own : [{ family: 'ip6', value: 1n, len: 128, iface: 'lo' }, ...own];
  const order = [...candidates.filter((a) => a.iface === 'lo'), ...candidates.filter((a) => a.iface !== 'lo')];
  // __ipv6_addr_src_scope: loopback 1 (host), link-local 2, global 14
  const scopeOf = (v: bigint) => (v === 1n ? 1 : v >> 118n === 0x3fan ? 2 : 14);
  const dstScope = dst === undefined ? 14 : scopeOf(dst);
  // IPV6_SADDR_RULE_SCOPE: the smallest scope that still covers the destination's, else the largest
  const scopeRank = (v: bigint) => (scopeOf(v) >= dstScope ? -scopeOf(v) : scopeOf(v) - 128);
  const common = (a: HostAddress) => {
    if (dst === undefined) return 0;
    let n = 0;
    while (n < 128 && ((a.value >> BigInt(127 - n)) & 1n) === ((dst >> BigInt(127 - n)) & 1n)) n++;
    return Math.min(n, a.len);
  };
  const score = (a: HostAddress): number[] => [a.value === dst ? 1 : 0, scopeRank(a.value), a.iface === oif ? 1 : 0, common(a)];
  const compare = (x: readonly number[], y: readonly number[]) => {
    const i = x.findIndex((v, k) => v !== y[k]);
    return i < 0 ? 0 : x[i]! - y[i]!;
  };
  let best: { a: HostAddress; s: number[] } | undefined;
  for (const a of order) {
    const s = score(a);
    if (!best || compare(s, best.s) > 0) best = { a, s };
  }
  return best?.a.value;
}

/** The host has local routes of its own (AnyIP `local=` ranges): the kernel then validates an arriving
 *  packet's source with a full route lookup (fib_validate_source: fib_has_custom_local_routes), so a source
 *  whose route is local or broadcast is a martian, not only one of the interface addresses. */
export function hasCustomLocalRoutes(host: Host): boolean {
  return host.addresses.some((a) => a.anyIp && !isLoopbackAddress(a.family, a.value));
}

/** Why the routing decision drops an arriving packet for its source address (a martian source), if it does:
 *  ip_route_input_slow and fib_validate_source with rp_filter off and accept_local=0. */
export function martianSource(host: Host, family: AddrFamily, src: bigint, fromLo: boolean): string | undefined {
  if (fromLo) return undefined;
  if (isLoopbackAddress(family, src)) return 'a loopback address';
  if (isMulticast(family, src)) return 'a multicast address';
  // ipv4_is_zeronet() is `addr == 0` since Linux 5.3 ("ipv4: Allow 0.0.0.0/8 as a valid address range"):
  // only 0.0.0.0 itself is a martian source, the rest of 0.0.0.0/8 is an ordinary unicast source
  if (family === 'ip' && (src === 0xffffffffn || src === 0n)) return src === 0xffffffffn ? 'the limited broadcast address' : 'the zero address';
  // IPv6 validates no source at the routing decision (ip6_route_input has no fib_validate_source): a source
  // the host owns arrives like any other (seen on Linux 6.18: forwarded and delivered); loopback and
  // multicast sources never got this far (ipv6ReceiveDrop)
  if (family === 'ip6') return undefined;
  if (!host.explicit) return undefined;
  if (hasCustomLocalRoutes(host)) {
    if (isLocalAddress(host, family, src)) return 'a local address (its route is local; accept_local=0)';
    if (isBroadcast(host, family, src)) return 'a broadcast address of a local subnet';
    return undefined;
  }
  const own = host.addresses.some((a) => a.family === family && !a.anyIp && a.value === src);
  return own ? 'an address of this host (accept_local=0)' : undefined;
}

/** Why the IPv6 receive path drops a packet that arrived on a device other than lo before PREROUTING (so no
 *  netfilter hook ever sees it), if it does: ip6_rcv_core() (net/ipv6/ip6_input.c) drops a loopback source or
 *  destination (RFC 4291 2.5.3), a multicast source (2.7), and a multicast destination of scope 0
 *  (reserved) or 1 (interface-local, errata 3480). */
export function ipv6ReceiveDrop(src: bigint | undefined, dst: bigint | undefined): string | undefined {
  if (src !== undefined && isLoopbackAddress('ip6', src)) return 'the loopback address as source';
  if (dst !== undefined && isLoopbackAddress('ip6', dst)) return 'the loopback address as destination';
  if (src !== undefined && isMulticast('ip6', src)) return 'a multicast source';
  if (dst !== undefined && isMulticast('ip6', dst)) {
    const scope = (dst >> 112n) & 0xfn;
    if (scope === 0n) return 'a multicast destination of reserved scope 0';
    if (scope === 1n) return 'an interface-local multicast destination';
  }
  return undefined;
}

/** The output device of the route to `addr`: longest prefix among routes and on-link subnets, then the
 *  default route; undefined when the host model does not know. */
export function routeOif(host: Host, family: AddrFamily, addr: bigint): string | undefined {
  const bits = family === 'ip' ? 32 : 128;
  if (isLocalAddress(host, family, addr)) return 'lo';
  let best: { len: number; iface: string } | undefined;
  const consider = (value: bigint, len: number, iface: string | undefined) => {
    if (!iface || !inPrefix(addr, value, len, bits)) return;
    if (!best || len > best.len) best = { len, iface };
  };
  for (const r of host.routes) if (r.family === family) consider(r.value, r.len, r.iface);
  for (const a of host.addresses) if (a.family === family && !a.anyIp && a.iface !== 'lo') consider(a.value, a.len, a.iface);
  return best?.iface ?? host.defaultIface;
}

/** The primary address of the host for a family (source of locally generated packets). */
export function primaryAddress(host: Host, family: AddrFamily): bigint | undefined {
  return host.addresses.find((a) => a.family === family && a.iface !== 'lo' && !a.anyIp && a.iface !== 'kube-ipvs0')?.value;
}
