// Mutable per-run state: the packet as the kernel sees it at a point of the path (header fields as numbers,
// meta data, devices) and the conntrack entry. Built from a Packet, printed back for diffs and trace lines.
// Imports eval/fields, eval/value, eval/addr, eval/packet.
import { formatIp } from './addr.ts';
import { L4_NAME, PROTOCOLS, fieldDef, metaType } from './fields.ts';
import type { CtStateName, Packet, PacketFamily } from './packet.ts';
import type { PacketView } from './trace.ts';
import { formatInt, literalToVal } from './value.ts';

export interface PacketState {
  readonly l3: PacketFamily;
  /** Transport protocol number; undefined when the user did not say. */
  l4: number | undefined;
  /** Header fields, keyed `protocol field`. A field absent from the map is unknown. */
  readonly hdr: Map<string, bigint>;
  /** The frame's link-layer header exists (arriving packets; not for locally generated ones). */
  hasL2: boolean;
  hasVlan: boolean;
  /** null: no such device at this hook (e.g. iif on output); undefined: unknown. */
  iif: string | null | undefined;
  oif: string | null | undefined;
  /** meta keys with known values (mark, priority, nftrace, length, skuid, skgid …); absent = unknown. */
  readonly meta: Map<string, bigint>;
  readonly origin: 'remote' | 'local';
  /** DNAT/redirect to "a local address" whose value the host model does not know. */
  forcedLocal: boolean;
}

export interface CtState {
  /** Conntrack is enabled for this packet's family (something in the ruleset uses it, or the user said). */
  readonly active: boolean;
  /** The conntrack hook has run (the packet has an entry, or is invalid/untracked). */
  attached: boolean;
  state: CtStateName;
  /** The user stated `ct state`; conntrack does not derive it then. */
  readonly stated: boolean;
  status: bigint;
  mark: bigint;
  zone: bigint;
  direction: 0 | 1;
  /** NAT bindings made for this connection (nf_nat_initialized per manip type). */
  natDst: boolean;
  natSrc: boolean;
  /** Original tuple at conntrack time (before NAT). */
  orig?: { saddr: bigint; daddr: bigint; sport?: bigint; dport?: bigint; proto?: number };
  helper?: string;
  id?: bigint;
  label: bigint;
}

export function addrKey(s: PacketState, which: 'saddr' | 'daddr'): string {
  return `${s.l3 === 'arp' ? 'arp' : s.l3} ${s.l3 === 'arp' ? `${which} ip` : which}`;
}

export function l4Name(s: PacketState): string | undefined {
  return s.l4 !== undefined ? L4_NAME[s.l4] : undefined;
}

/** The state at the start of the path. */
export function initialState(p: Packet): PacketState {
  const hdr = new Map<string, bigint>();
  for (const [k, raw] of Object.entries(p.fields)) {
    const sp = k.indexOf(' ');
    const def = fieldDef(k.slice(0, sp), k.slice(sp + 1));
    if (!def) continue;
    const c = literalToVal(raw, def.type);
    if (c.ok && c.val.k === 'int') hdr.set(k, c.val.v);
  }
  const meta = new Map<string, bigint>();
  for (const [k, v] of Object.entries(p.meta)) meta.set(k, BigInt(v));
  const remote = p.origin === 'remote';
  const hasVlan = Object.keys(p.fields).some((k) => k.startsWith('vlan '));
  if (remote && !hdr.has('ether type')) hdr.set('ether type', hasVlan ? 0x8100n : p.family === 'ip' ? 0x0800n : p.family === 'ip6' ? 0x86ddn : 0x0806n);
  if (remote && p.iif === 'lo') {
    // lo frames carry an all-zero Ethernet header (the kernel traces `@ll,0,112 0x800` on lo).
    if (!hdr.has('ether saddr')) hdr.set('ether saddr', 0n);
    if (!hdr.has('ether daddr')) hdr.set('ether daddr', 0n);
  }
  return {
    l3: p.family,
    l4: p.l4proto,
    hdr,
    hasL2: remote,
    hasVlan,
    iif: remote ? p.iif : null,
    oif: p.oif,
    meta,
    origin: p.origin,
    forcedLocal: false,
  };
}

export function cloneState(s: PacketState): PacketState {
  return { ...s, hdr: new Map(s.hdr), meta: new Map(s.meta) };
}

/** Every known field as printed text, for diffs and the final packet. */
export function viewOf(s: PacketState, ct?: CtState): PacketView {
  const out: Record<string, string> = {};
  if (s.iif) out.iif = s.iif;
  if (s.oif) out.oif = s.oif;
  for (const [k, v] of s.hdr) {
    const sp = k.indexOf(' ');
    const def = fieldDef(k.slice(0, sp), k.slice(sp + 1));
    out[k] = def ? formatInt(v, def.type.name) : v.toString();
  }
  if (s.l4 !== undefined && !Object.keys(out).some((k) => PROTOCOLS[k.split(' ')[0]!]?.l4 !== undefined)) out['meta l4proto'] = formatInt(BigInt(s.l4), 'inet_proto');
  for (const [k, v] of s.meta) out[`meta ${k}`] = formatInt(v, metaType(k).name);
  if (ct?.attached) {
    out['ct state'] = ct.state;
    if (ct.state !== 'invalid' && ct.state !== 'untracked') {
      out['ct mark'] = formatInt(ct.mark, 'mark');
      out['ct status'] = formatInt(ct.status, 'ct_status');
    }
  }
  return out;
}

/** The fields that differ between two views: before and after. */
export function diffViews(a: PacketView, b: PacketView): { before: PacketView; after: PacketView } | undefined {
  const before: Record<string, string> = {};
  const after: Record<string, string> = {};
  for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) {
    if (a[k] === b[k]) continue;
    before[k] = a[k] ?? '(unknown)';
    after[k] = b[k] ?? '(unknown)';
  }
  return Object.keys(before).length ? { before, after } : undefined;
}

export function addrOf(s: PacketState, which: 'saddr' | 'daddr'): bigint | undefined {
  return s.hdr.get(addrKey(s, which));
}

export function formatAddr(s: PacketState, v: bigint): string {
  return s.l3 === 'ip6' ? formatIp('ip6', v) : formatIp('ip', v);
}

/** Ports of the transport header, if it has ports. */
export function portKey(s: PacketState, which: 'sport' | 'dport'): string | undefined {
  const name = l4Name(s);
  return name && PROTOCOLS[name]?.layout[which] ? `${name} ${which}` : undefined;
}
