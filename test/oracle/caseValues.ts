// What the random case generators (generateCase.ts for nft, generateIptablesCase.ts for iptables-save) share:
// IPv4 addresses as numbers, items of a value catalogue (one address, a prefix, a range), which addresses the
// host owns, the shape of a packet aimed at a rule and where it must come from. Pure: no RNG draws of its own
// beyond the ones `sampleAddr` and `originFor` take, so the seeds give the cases they gave before. Imports
// topology constants.
import type { OracleOptions } from './kernelOracle.ts';
import type { Rng } from './prng.ts';
import type { WirePacket } from './traceTypes.ts';
import { HOST_ADDR, HOST_LO_ADDR } from './topology.ts';

/** A catalogue item: its text in a rule and the numbers it covers (addresses as 32-bit numbers, or ports). */
export interface ValueItem {
  text: string;
  lo: number;
  hi: number;
}

export const ip2n = (s: string): number => s.split('.').reduce((n, x) => n * 256 + Number(x), 0);
export const n2ip = (n: number): string => [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
export const singleAddr = (a: string): ValueItem => ({ text: a, lo: ip2n(a), hi: ip2n(a) });
export const prefixAddr = (a: string, len: number): ValueItem => ({ text: `${a}/${len}`, lo: ip2n(a), hi: ip2n(a) + 2 ** (32 - len) - 1 });
export const rangeAddr = (a: string, b: string): ValueItem => ({ text: `${a}-${b}`, lo: ip2n(a), hi: ip2n(b) });

/** An address inside an item, never a prefix's last (a subnet broadcast goes nowhere interesting). */
export const sampleAddr = (rng: Rng, it: ValueItem): string => n2ip(rng.int(it.lo, it.text.includes('/') && it.hi > it.lo ? it.hi - 1 : it.hi));

/** Destinations no namespace of the topology owns. */
export const ELSEWHERE: readonly string[] = ['10.1.2.3', '100.64.9.9', '192.0.2.70', '198.51.100.77'];

/** Whether the host owns an address: its own, its lo address, or a prefix the case gave it (`hostAddrs`). */
export function isHostLocal(addr: string, options: OracleOptions): boolean {
  if (addr === HOST_ADDR || addr === HOST_LO_ADDR) return true;
  const n = ip2n(addr);
  return (options.hostAddrs ?? []).some((a) => {
    const [base, len] = a.split('/') as [string, string];
    const it = prefixAddr(base, Number(len));
    return n >= it.lo && n <= it.hi;
  });
}

/** What a packet needs to reach one rule, gathered while the rule is written: the wire packet's fields it
 *  pins down, and where its chain can run (`hooks`: nft hook names, or iptables built-in chains). */
export interface PacketAim<Hook extends string> extends Partial<Pick<WirePacket, 'saddr' | 'daddr' | 'sport' | 'dport' | 'tcpFlags' | 'icmpType' | 'icmpCode' | 'ttl' | 'length'>> {
  proto?: WirePacket['protocol'];
  iif?: 'remote' | 'lo';
  hooks: Hook[];
  /** How often packets aim at this rule: NAT statements and branches are worth more packets. */
  weight?: number;
}

/** Where a packet must come from to reach a rule on these hooks (lo: sent by the host to itself); nft hook
 *  names and iptables built-in chains alike. */
export function originFor(rng: Rng, aim: PacketAim<string>): 'remote' | 'local' {
  if (aim.iif === 'remote') return 'remote';
  if (aim.iif === 'lo') return 'local';
  const hooks = aim.hooks.map((h) => h.toLowerCase());
  const remoteHooks = hooks.some((h) => h === 'prerouting' || h === 'input' || h === 'forward');
  const localHooks = hooks.includes('output');
  if (localHooks && !remoteHooks) return 'local';
  if (remoteHooks && !localHooks) return rng.chance(0.9) ? 'remote' : 'local';
  return rng.chance(0.6) ? 'remote' : 'local';
}

/** An address (or prefix, or range) a rule may name, and how to draw an address inside it. */
export interface AddrChoice {
  text: string;
  sample: (rng: Rng) => string;
}

export type IcmpProto = 'icmp' | 'icmpv6';
export type Weighted<T> = readonly (readonly [T, number])[];

/** Values the rules mention, and one aim per rule: packets are built to hit rules, or near them. */
export class AimTracker<A extends PacketAim<string>> {
  addrs: string[] = [];
  ports: number[] = [];
  aims: A[] = [];
  private current: A | undefined;
  /** Starts the aim of a rule; a rule of a user (regular) chain inherits what it takes to get into the chain. */
  begin(hooks: Iterable<A['hooks'][number]>, entry?: A): void {
    this.current = { ...entry, hooks: [...hooks] } as A;
  }
  /** Adds constraints for the rule being built; the first match to constrain a field wins. */
  aim(part: Omit<Partial<A>, 'hooks'>): void {
    const cur = this.current as Record<string, unknown> | undefined;
    if (!cur) return;
    for (const [k, v] of Object.entries(part)) if (cur[k] === undefined && v !== undefined) cur[k] = v;
  }
  /** Ends the rule's aim; `weight` (how many packets it is worth), when given, goes on the stored copy. */
  end(weight?: number): A | undefined {
    const done = this.current;
    if (done) this.aims.push(weight === undefined ? done : { ...done, weight });
    this.current = undefined;
    return done;
  }
}
