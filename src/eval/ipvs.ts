// IPVS as the evaluator models it (this kernel has no IPVS: documented behaviour only, see
// net/netfilter/ipvs/ip_vs_core.c and ipvsadm(8)): which virtual service a packet hits and how the scheduler
// shares new connections among real servers. Imports the model and eval/addr, eval/state.
import type { IpvsReal, IpvsService } from '../model/ir.ts';
import { parseIp } from './addr.ts';
import { addrOf, portKey, type PacketState } from './state.ts';
import { lookupTable } from '../model/lookup.ts';

/** ip_vs_ops4 priorities: LOCAL_IN at NAT_SRC-2 (replies) and NAT_SRC-1 (requests), LOCAL_OUT at
 *  NAT_DST+1 (replies) and NAT_DST+2 (requests). */
export const IPVS_PRIORITY = { inputRequest: 99, inputReply: 98, outputRequest: -98, outputReply: -99 } as const;

const PROTO: Readonly<Record<string, number>> = lookupTable({ tcp: 6, udp: 17, sctp: 132 });

/** Services by (family, protocol, address), as the kernel hashes them (ip_vs_svc_table, keyed by protocol,
 *  address and port; fwmark services in their own table), so a lookup does not walk 10 000 services. Each
 *  entry keeps the service's position in the list: the first match in list order wins, as before. */
interface ServiceIndex {
  readonly byAddr: ReadonlyMap<string, readonly (readonly [number, IpvsService])[]>;
  readonly fwmark: readonly (readonly [number, IpvsService])[];
}

const indexes = new WeakMap<readonly IpvsService[], ServiceIndex>();

const addrKey = (family: string, proto: number, value: bigint): string => `${family}|${proto}|${value}`;

function serviceIndex(services: readonly IpvsService[]): ServiceIndex {
  const cached = indexes.get(services);
  if (cached) return cached;
  const byAddr = new Map<string, [number, IpvsService][]>();
  const fwmark: [number, IpvsService][] = [];
  services.forEach((s, i) => {
    if (s.protocol === 'fwm') {
      fwmark.push([i, s]);
      return;
    }
    const proto = PROTO[s.protocol];
    const a = s.addr ? parseIp(s.addr) : undefined;
    if (proto === undefined || !a) return;
    const key = addrKey(a.family, proto, a.value);
    const list = byAddr.get(key);
    if (list) list.push([i, s]);
    else byAddr.set(key, [[i, s]]);
  });
  const index = { byAddr, fwmark };
  indexes.set(services, index);
  return index;
}

export function findService(services: readonly IpvsService[], p: PacketState): IpvsService | undefined {
  if (p.l3 === 'arp') return undefined;
  const mark = p.meta.get('mark');
  const daddr = addrOf(p, 'daddr');
  const dk = portKey(p, 'dport');
  const dport = dk ? p.hdr.get(dk) : undefined;
  const index = serviceIndex(services);
  let best: readonly [number, IpvsService] | undefined;
  if (mark !== undefined) {
    best = index.fwmark.find(([, s]) => s.fwmark !== undefined && BigInt(s.fwmark) === mark && (s.family ?? 'ip') === p.l3);
  }
  if (daddr !== undefined && p.l4 !== undefined) {
    for (const entry of index.byAddr.get(addrKey(p.l3, p.l4, daddr)) ?? []) {
      if (best && best[0] < entry[0]) break;
      const s = entry[1];
      if (s.port !== undefined && s.port !== 0 && dport !== undefined && BigInt(s.port) !== dport) continue;
      best = entry;
      break;
    }
  }
  return best?.[1];
}

export interface RealShare {
  readonly real: IpvsReal;
  readonly share: number;
}

/** How a scheduler shares new connections: round-robin and least-connection families ignore weights (but
 *  never pick weight 0, a quiesced server); weighted ones share by weight; `fo` sends everything to the
 *  highest weight. Connection counts are not known, so lc/wlc shares are the long-run ones. */
export function schedulingShares(svc: IpvsService): RealShare[] {
  const live = svc.reals.filter((r) => r.weight > 0);
  if (!live.length) return [];
  const sched = svc.scheduler.toLowerCase();
  if (sched === 'fo') {
    const best = live.reduce((a, b) => (b.weight > a.weight ? b : a));
    return [{ real: best, share: 1 }];
  }
  if (['rr', 'lc', 'sed', 'nq', 'sh', 'dh'].includes(sched)) return live.map((real) => ({ real, share: 1 / live.length }));
  const total = live.reduce((n, r) => n + r.weight, 0);
  return live.map((real) => ({ real, share: real.weight / total }));
}

export function describeService(s: IpvsService): string {
  if (s.protocol === 'fwm') return `FWM ${s.fwmark} ${s.scheduler}`;
  return `${s.protocol.toUpperCase()} ${s.addr}:${s.port} ${s.scheduler}`;
}
