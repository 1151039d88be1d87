// The nft random case generator's body, shared by both families: generateCase.ts (IPv4) and
// generateIpv6Case.ts (IPv6) only supply an NftFamily profile — address catalogues, the family's spellings of
// the same matches and statements, the IPv6-only extras, the topology's addresses. Both keep their exact
// output: every rng call is made in the same order as before the bodies were merged (an IPv6-only extra draws
// only when its profile field is set). Pure (no Node, no clock, no Math.random); imports only oracle data.
import type { OracleOptions } from './kernelOracle.ts';
import { Rng } from './prng.ts';
import type { Hook, WirePacket } from './traceTypes.ts';
import { HOST_IF, HOST_SERVER_IF } from './topology.ts';
import { AimTracker, originFor, type AddrChoice, type IcmpProto, type PacketAim, type Weighted } from './caseValues.ts';

export interface GeneratedCase {
  rulesetText: string;
  packets: WirePacket[];
  description: string;
  /** Topology options the case was generated for (forwarding, extra local addresses). */
  options: OracleOptions;
}

/** An address item with what it adds to the case's addresses of interest (a drawn address and the boundaries). */
export interface NftAddrChoice extends AddrChoice {
  note: (rng: Rng) => string[];
}
/** What a packet needs to match one rule; the IPv6 generator also aims at a DSCP. */
export type NftAim = Omit<Partial<PacketAim<string> & { dscp?: number }>, 'hooks'>;

/** What differs between the IPv4 and the IPv6 nft generators. */
export interface NftFamily {
  /** The table family and payload protocol word (`ip` / `ip6`); also the packets' family. */
  ip: 'ip' | 'ip6';
  addrType: 'ipv4_addr' | 'ipv6_addr';
  /** Each family has its own seed space. */
  seedMix: (seed: number) => number;
  /** A small table of the other family that our packets never meet. */
  otherFamilyTable: (rng: Rng) => string;
  clientAddr: string;
  hostAddr: string;
  hostLoAddr: string;
  /** Addresses the host owns (a remote packet from one is mostly re-sourced). */
  ownAddrs: readonly string[];
  /** Catalogue items never overlap, so any subset is a valid interval set; singleAddrs: single addresses only. */
  addrs: readonly NftAddrChoice[];
  singleAddrs: readonly NftAddrChoice[];
  /** Made local to the host when a case turns it on (AnyIP route). */
  extraLocal: string;
  /** DNAT targets: local (input path), forwardable (server side), unroutable. */
  natTargets: readonly string[];
  snatSources: readonly string[];
  /** `addr:port` (IPv6: `[addr]:port`); no port: the address alone. */
  hostPort: (addr: string, port: string | undefined) => string;
  isHostLocal: (addr: string, options: OracleOptions) => boolean;
  icmp: IcmpProto;
  icmpWeight: number;
  icmpMatches: readonly (readonly [string, number])[];
  /** `ip protocol` / `ip6 nexthdr`. */
  protoField: string;
  ttlMatches: readonly (readonly [string, number | undefined])[];
  lengthMatches: readonly (readonly [string, number | undefined])[];
  fibMatches: readonly string[];
  nfprotoMatches: readonly string[];
  /** Family-only match kinds (weights appended to the common ones) and their rendering. */
  extraMatchKinds: Weighted<string>;
  extraMatch: (kind: string, rng: Rng, aim: (part: NftAim) => void) => { text?: string };
  /** Header rewrites now and then before a rule's statements (none: no draw). */
  headerRewrites?: readonly string[];
  /** Reject forms other than tcp reset (none: plain `reject`, no draw). */
  rejects?: readonly string[];
  /** In inet tables, now and then the other family's dnat, only after no match of this family. */
  otherFamilyDnat?: { q: string; targets: readonly string[]; conflicts: RegExp };
  // ---- packets ----
  remoteSources: Weighted<string>;
  /** Destinations of a packet aimed at a forward chain. */
  forwardDaddrs: readonly string[];
  /** Weighted lists built with rng draws inside (keep the call order). */
  remoteDaddrs: (rng: Rng) => Weighted<string>;
  localSources: Weighted<string>;
  loDaddr: (rng: Rng) => string;
  localDaddrs: (rng: Rng) => Weighted<string>;
  icmpTypes: Weighted<number>;
  /** The destination-unreachable type and the codes packets use. */
  unreachable: { type: number; codes: readonly number[] };
  ttls: (rng: Rng) => Weighted<number | undefined>;
  /** DSCP values a packet may carry (none: no draw). */
  dscps?: readonly number[];
}

type Family = 'ip' | 'ip6' | 'inet';
type ChainType = 'filter' | 'nat';
type NetHook = Exclude<Hook, 'ingress' | 'egress'>;

// ---- value catalogues (items of one catalogue never overlap, so any subset is a valid interval set) ----

const samplePort = (rng: Rng, it: { lo: number; hi: number }) => rng.int(it.lo, it.hi);

interface PortItem {
  text: string;
  lo: number;
  hi: number;
}
const port = (p: number): PortItem => ({ text: String(p), lo: p, hi: p });
const portRange = (a: number, b: number): PortItem => ({ text: `${a}-${b}`, lo: a, hi: b });
const PORTS: readonly PortItem[] = [
  port(22), port(53), port(80), port(443), port(8080), port(5353),
  portRange(1000, 1999), portRange(3000, 3999), portRange(9000, 9100), portRange(20000, 29999),
];
const SINGLE_PORTS = PORTS.filter((p) => p.lo === p.hi);
const MARKS = [0x1, 0x2, 0x2a, 0x4000, 0x4001, 0xff];

/** Each match with flags that satisfy it. */
const TCP_FLAG_MATCHES: readonly (readonly [string, string[]])[] = [
  ['tcp flags syn', ['syn']],
  ['tcp flags syn / syn,ack', ['syn']],
  ['tcp flags & (syn | ack) == syn', ['syn']],
  ['tcp flags & (fin | syn | rst | ack) == ack', ['ack']],
  ['tcp flags != syn', ['ack']],
  ['tcp flags { syn, syn | ack }', ['syn', 'ack']],
  ['tcp flags & (fin | rst) != 0', ['rst']],
];
const CT_MATCHES = ['ct state new', 'ct state established,related', 'ct state invalid', 'ct state { new, untracked }', 'ct state != established', 'ct state new,invalid'];

// ---- ruleset model ----

interface ChainPlan {
  name: string;
  base?: { hook: NetHook; type: ChainType; prio: string; policy: 'accept' | 'drop' };
  /** Regular chains this one may reach (higher index only: the DAG). */
  index: number;
  rules: string[];
  /** Contexts (type:hook) of the base chains that reach this chain. */
  contexts: Set<string>;
  /** Named maps to print just before this chain (so their chain references are declared). */
  before: string[];
  /** Aims of the rules that jump or go to this chain: a packet must satisfy one to get here. */
  entryAims: Aim[];
}

interface TablePlan {
  family: Family;
  name: string;
  sets: string[];
  namedAddrSets: { name: string; interval: boolean; items: NftAddrChoice[] }[];
  namedPortSets: { name: string; interval: boolean; items: PortItem[] }[];
  namedConcatSets: { name: string; samples: ConcatSample[] }[];
  base: ChainPlan[];
  regular: ChainPlan[];
  mapSeq: number;
}

/** What a packet needs to match one rule (one satisfying value per match; negations add nothing), and the
 * hooks the rule's chain runs on. */
type Aim = PacketAim<string> & { dscp?: number };

interface ConcatSample {
  daddr: string;
  dport: number;
}

/** Also source ports and protocols, and what a catalogue item adds. */
class Interest extends AimTracker<Aim> {
  sports: number[] = [];
  protos = new Set<WirePacket['protocol']>();
  addAddr(rng: Rng, item: NftAddrChoice): void {
    this.addrs.push(...item.note(rng));
  }
  addPort(rng: Rng, item: PortItem, sport = false): void {
    (sport ? this.sports : this.ports).push(rng.int(item.lo, item.hi));
    if (item.lo !== item.hi) (sport ? this.sports : this.ports).push(item.hi);
  }
}

export const HOOKS: readonly NetHook[] = ['prerouting', 'input', 'forward', 'output', 'postrouting'];
const NAT_HOOKS: readonly NetHook[] = ['prerouting', 'input', 'output', 'postrouting'];

function pickPriority(rng: Rng, hook: NetHook, type: ChainType): string {
  // nat chains must sit above conntrack (-200): the kernel refuses them otherwise (EOPNOTSUPP)
  // -200 ties with conntrack (which one runs first depends on registration order), -100/100 with the NAT core
  const numeric = type === 'nat' ? [-150, -100, -100, -50, 0, 50, 100, 100, 150] : [-300, -250, -200, -200, -150, -100, -10, 0, 0, 0, 5, 10, 50, 100, 300];
  const named: string[] = type === 'nat' ? [] : ['raw', 'mangle', 'filter', 'filter', 'security', 'filter - 10', 'mangle + 5'];
  if (hook === 'prerouting') named.push('dstnat', 'dstnat + 10');
  if (hook === 'postrouting') named.push('srcnat', 'srcnat - 5');
  if (named.length && rng.chance(0.45)) return rng.pick(named);
  return String(rng.pick(numeric));
}

export function generateNftFamilyCase(F: NftFamily, seed: number): GeneratedCase {
  const rng = new Rng(F.seedMix(seed));
  const interest = new Interest();
  const tables: TablePlan[] = [];
  const nTables = rng.weighted([[1, 3], [2, 4], [3, 2]] as const);
  const names = rng.subset(['filter', 'nat', 'fw', 'mangle', 't0', 'kube', 'edge'], nTables, nTables);
  for (let t = 0; t < nTables; t++) {
    const family: Family = rng.chance(0.5) ? F.ip : 'inet';
    tables.push(planTable(F, rng, family, names[t]!, interest));
  }
  // a table of the other family now and then: its chains (drop policies, nat chains) must not touch our packets
  const other = rng.chance(0.12) ? F.otherFamilyTable(rng) : '';
  const options: OracleOptions = { forward: rng.chance(0.5), ...(rng.chance(0.3) ? { hostAddrs: [F.extraLocal] } : {}) };
  const rendered = tables.map(renderTable);
  if (other) rendered.splice(rng.int(0, rendered.length), 0, other);
  const rulesetText = rendered.join('\n');
  const packets = generatePackets(F, rng, interest, options);
  const nBase = tables.reduce((n, t) => n + t.base.length, 0);
  const nReg = tables.reduce((n, t) => n + t.regular.length, 0);
  const description =
    `seed ${seed}: ${tables.map((t) => `${t.family} ${t.name}`).join(', ')}; ${nBase} base + ${nReg} regular chains; ` +
    `${packets.length} packets; forward ${options.forward ? 'on' : 'off'}${options.hostAddrs ? `, local ${options.hostAddrs.join(' ')}` : ''}`;
  return { rulesetText, packets, description, options };
}

function planTable(F: NftFamily, rng: Rng, family: Family, name: string, interest: Interest): TablePlan {
  const table: TablePlan = { family, name, sets: [], namedAddrSets: [], namedPortSets: [], namedConcatSets: [], base: [], regular: [], mapSeq: 0 };
  // named sets
  for (let i = 0, n = rng.int(0, 2); i < n; i++) {
    const interval = rng.chance(0.6);
    const items = rng.subset(interval ? F.addrs : F.singleAddrs, 1, 4);
    items.forEach((it) => interest.addAddr(rng, it));
    const setName = `addrs${i}`;
    table.namedAddrSets.push({ name: setName, interval, items });
    table.sets.push(`set ${setName} {\n\t\ttype ${F.addrType}\n${interval ? '\t\tflags interval\n' : ''}\t\telements = { ${items.map((x) => x.text).join(', ')} }\n\t}`);
  }
  for (let i = 0, n = rng.int(0, 1); i < n; i++) {
    const interval = rng.chance(0.5);
    const items = rng.subset(interval ? PORTS : SINGLE_PORTS, 1, 4);
    items.forEach((it) => interest.addPort(rng, it));
    const setName = `ports${i}`;
    table.namedPortSets.push({ name: setName, interval, items });
    table.sets.push(`set ${setName} {\n\t\ttype inet_service\n${interval ? '\t\tflags interval\n' : ''}\t\telements = { ${items.map((x) => x.text).join(', ')} }\n\t}`);
  }
  if (rng.chance(0.3)) {
    const elems = concatElements(F, rng, interest, rng.chance(0.5), rng.int(1, 3));
    table.namedConcatSets.push({ name: 'svc', samples: elems.samples });
    table.sets.push(`set svc {\n\t\ttype ${F.addrType} . inet_service\n${elems.interval ? '\t\tflags interval\n' : ''}\t\telements = { ${elems.text.join(', ')} }\n\t}`);
  }
  // chains: base chains with (hook, type, priority, policy), regular chains c0..cN
  const nBase = rng.weighted([[1, 2], [2, 4], [3, 3], [4, 1]] as const);
  const used = new Set<string>();
  for (let i = 0; i < nBase; i++) {
    const type: ChainType = rng.chance(0.35) ? 'nat' : 'filter';
    const hook = rng.pick(type === 'nat' ? NAT_HOOKS : HOOKS);
    let chainName = type === 'nat' ? `nat_${hook.slice(0, 4)}` : hook;
    while (used.has(chainName)) chainName += '2';
    used.add(chainName);
    const policy = type === 'filter' && rng.chance(0.3) ? 'drop' : 'accept';
    table.base.push({ name: chainName, base: { hook, type, prio: pickPriority(rng, hook, type), policy }, index: -1, rules: [], contexts: new Set([`${type}:${hook}`]), before: [], entryAims: [] });
  }
  const nReg = rng.weighted([[0, 2], [1, 3], [2, 3], [3, 2], [4, 1]] as const);
  for (let i = 0; i < nReg; i++) table.regular.push({ name: `c${i}`, index: i, rules: [], contexts: new Set(), before: [], entryAims: [] });

  // plan edges first (rule shapes that reach other chains), so every chain's contexts are known before its
  // statements are chosen; then fill in the rules. Base chains may reach any regular chain, regular chain i
  // only chains j > i.
  const shapes = new Map<ChainPlan, RuleShape[]>();
  for (const chain of [...table.base, ...table.regular]) {
    const targets = table.regular.filter((r) => r.index > chain.index);
    const list: RuleShape[] = [];
    for (let i = 0, n = rng.weighted([[0, 1], [1, 3], [2, 4], [3, 3], [4, 2], [6, 1]] as const); i < n; i++) {
      const kind = targets.length ? rng.weighted([['plain', 6], ['jump', 2], ['goto', 1], ['vmap', 1.5]] as const) : 'plain';
      const shape: RuleShape = { kind, targets: [] };
      if (kind === 'jump' || kind === 'goto') shape.targets = [rng.pick(targets)];
      if (kind === 'vmap') shape.targets = rng.subset(targets, 1, 2);
      list.push(shape);
    }
    shapes.set(chain, list);
  }
  for (const chain of [...table.base, ...table.regular]) {
    for (const shape of shapes.get(chain)!) for (const t of shape.targets) for (const c of chain.contexts) t.contexts.add(c);
  }
  for (const chain of [...table.base, ...table.regular]) {
    chain.rules = shapes.get(chain)!.map((shape) => renderRule(F, rng, table, chain, shape, interest));
  }
  return table;
}

interface RuleShape {
  kind: 'plain' | 'jump' | 'goto' | 'vmap';
  targets: ChainPlan[];
}

interface Ctx {
  family: Family;
  hooks: Set<string>;
  types: Set<string>;
  isBase: boolean;
}

function contextOf(table: TablePlan, chain: ChainPlan): Ctx {
  const hooks = new Set<string>();
  const types = new Set<string>();
  for (const c of chain.contexts) {
    const [type, hook] = c.split(':') as [string, string];
    types.add(type);
    hooks.add(hook);
  }
  return { family: table.family, hooks, types, isBase: chain.base !== undefined };
}

const within = (set: Set<string>, allowed: readonly string[]) => set.size > 0 && [...set].every((x) => allowed.includes(x));

/** 'other': the rule already says something about the protocol that is not one protocol (a set, a negation). */
type Proto = 'tcp' | 'udp' | IcmpProto | 'other';
type L4 = 'tcp' | 'udp';

/** nft refuses a rule whose matches imply two transport protocols ("conflicting protocols"), so the first
 * match that fixes the protocol decides the rest of the rule. */
const l4Of = (p: Proto | undefined): L4 | undefined => (p === 'tcp' || p === 'udp' ? p : undefined);

function renderRule(F: NftFamily, rng: Rng, table: TablePlan, chain: ChainPlan, shape: RuleShape, interest: Interest): string {
  const ctx = contextOf(table, chain);
  const parts: string[] = [];
  let proto: Proto | undefined;
  interest.begin(ctx.hooks, chain.entryAims.length ? rng.pick(chain.entryAims) : undefined);
  // a statement before the matches runs even when a later match fails (the kernel evaluates left to right)
  if (rng.chance(0.08)) parts.push(`meta mark set ${hex(rng.pick(MARKS))}`);
  // nat chains see only a flow's first packet: fewer conditions, so packets reach their statements
  const nMatches = within(ctx.types, ['nat']) ? rng.weighted([[0, 2], [1, 4], [2, 2]] as const) : rng.weighted([[0, 1], [1, 4], [2, 4], [3, 2]] as const);
  for (let i = 0; i < nMatches; i++) {
    const m = renderMatch(F, rng, table, ctx, interest, proto);
    if (m.proto) proto = m.proto;
    if (m.text) parts.push(m.text);
  }
  if (rng.chance(0.25)) parts.push('counter');
  if (rng.chance(0.12)) parts.push(`meta mark set ${hex(rng.pick(MARKS))}`);
  if (rng.chance(0.1)) {
    // kube-proxy's KUBE-MARK-MASQ (`mark or 0x4000`), its clearing (`mark and …`), and marks kept in the
    // connection (ct mark lives on through later hooks)
    parts.push(rng.pick(['meta mark set meta mark or 0x4000', 'meta mark set meta mark and 0xffffbfff', 'meta mark set meta mark xor 0x1', 'ct mark set meta mark', 'meta mark set ct mark', 'ct mark set 0x2a']));
  }
  if (within(ctx.hooks, ['prerouting', 'output']) && rng.chance(0.05)) parts.push('notrack');
  // header rewrites (IPv6: a hop limit of 1 set in prerouting makes a forwarded packet expire)
  if (F.headerRewrites && rng.chance(0.05)) parts.push(rng.pick(F.headerRewrites));
  if (proto !== F.icmp && proto !== 'other' && rng.chance(0.06)) {
    // data map: no element for the key means the rule stops there (no match)
    const m = `marks${table.mapSeq++}`;
    const items = rng.subset(SINGLE_PORTS, 1, 3);
    items.forEach((it) => interest.addPort(rng, it));
    interest.aim({ dport: rng.pick(items).lo });
    chain.before.push(`map ${m} {\n\t\ttype inet_service : mark\n\t\telements = { ${items.map((it) => `${it.text} : ${hex(rng.pick(MARKS))}`).join(', ')} }\n\t}`);
    const p = l4Of(proto) ?? rng.pick(['tcp', 'udp'] as const);
    proto = p;
    interest.protos.add(p);
    parts.push(`meta mark set ${p} dport map @${m}`);
    interest.aim({ proto: p });
  }
  switch (shape.kind) {
    case 'jump':
    case 'goto':
      parts.push(`${shape.kind} ${shape.targets[0]!.name}`);
      break;
    case 'vmap':
      parts.push(renderVmap(F, rng, table, chain, shape.targets, interest, proto));
      break;
    case 'plain': {
      const terminal = renderTerminal(F, rng, ctx, interest, l4Of(proto), parts);
      if (terminal) parts.push(terminal);
      break;
    }
  }
  if (parts.length === 0) parts.push('counter');
  const aim = interest.end();
  if (aim) {
    const text = parts.join(' ');
    aim.weight = 1 + (/\b(dnat|snat|masquerade|redirect)\b/.test(text) ? 3 : 0) + (shape.kind !== 'plain' ? 1 : 0);
    for (const t of shape.targets) t.entryAims.push({ ...aim, weight: 1 });
  }
  return parts.join(' ');
}

function hex(n: number): string {
  return '0x' + n.toString(16);
}

function renderMatch(F: NftFamily, rng: Rng, table: TablePlan, ctx: Ctx, interest: Interest, proto: Proto | undefined): { text?: string; proto?: Proto } {
  const l4 = l4Of(proto);
  const ingressOnly = within(ctx.hooks, ['prerouting', 'input', 'forward']);
  const kind = rng.weighted([
    ['addr', 5], ['port', 5], ['proto', 2], ['flags', 2], ['icmp', F.icmpWeight], ['ct', 2.5], ['mark', 1.5],
    ['iif', 1.5], ['concat', 1.2], ['ttl', 0.6], ['len', 0.5], ['th', 0.6], ['fib', ingressOnly ? 0.8 : 0],
    ['ctmeta', 1], ['sk', 0.5], ['nfproto', ctx.family === 'inet' ? 0.4 : 0],
    ...F.extraMatchKinds,
  ] as const);
  switch (kind) {
    case 'addr': {
      const dir = rng.pick(['saddr', 'daddr']);
      const neg = rng.chance(0.15) ? '!= ' : '';
      const named = table.namedAddrSets;
      const form = rng.weighted([['one', 4], ['anon', 2], ['named', named.length ? 2 : 0]] as const);
      const aimAt = (items: readonly NftAddrChoice[]) => !neg && interest.aim({ [dir]: rng.pick(items).sample(rng) });
      if (form === 'named') {
        const set = rng.pick(named);
        aimAt(set.items);
        return { text: `${F.ip} ${dir} ${neg}@${set.name}` };
      }
      if (form === 'anon') {
        const items = rng.subset(F.addrs, 2, 4);
        items.forEach((it) => interest.addAddr(rng, it));
        aimAt(items);
        return { text: `${F.ip} ${dir} ${neg}{ ${items.map((x) => x.text).join(', ')} }` };
      }
      const it = rng.pick(F.addrs);
      interest.addAddr(rng, it);
      aimAt([it]);
      return { text: `${F.ip} ${dir} ${neg}${it.text}` };
    }
    case 'port': {
      if (proto === F.icmp || proto === 'other') return {};
      const p = l4 ?? rng.pick(['tcp', 'udp'] as const);
      interest.protos.add(p);
      const dir = rng.chance(0.8) ? 'dport' : 'sport';
      const neg = rng.chance(0.1) ? '!= ' : '';
      const form = rng.weighted([['one', 4], ['anon', 2], ['named', table.namedPortSets.length ? 2 : 0]] as const);
      interest.aim({ proto: p });
      const aimAt = (items: readonly PortItem[]) => !neg && interest.aim({ [dir]: samplePort(rng, rng.pick(items)) });
      if (form === 'named') {
        const set = rng.pick(table.namedPortSets);
        aimAt(set.items);
        return { text: `${p} ${dir} ${neg}@${set.name}`, proto: p };
      }
      const items = form === 'anon' ? rng.subset(PORTS, 2, 4) : [rng.pick(PORTS)];
      items.forEach((it) => interest.addPort(rng, it, dir === 'sport'));
      aimAt(items);
      const value = items.length > 1 ? `{ ${items.map((x) => x.text).join(', ')} }` : items[0]!.text;
      return { text: `${p} ${dir} ${neg}${value}`, proto: p };
    }
    case 'proto': {
      if (proto) return {};
      const p = rng.pick(['tcp', 'udp', F.icmp] as const);
      interest.protos.add(p);
      const form = rng.pick([F.protoField, 'meta l4proto']);
      const word = p === 'icmpv6' ? 'ipv6-icmp' : p;
      if (rng.chance(0.2)) return { text: `${form} { tcp, udp }`, proto: 'other' };
      if (rng.chance(0.15)) return { text: `${form} != ${word}`, proto: 'other' };
      interest.aim({ proto: p });
      return { text: `${form} ${word}`, proto: p };
    }
    case 'flags': {
      if (proto && proto !== 'tcp') return {};
      interest.protos.add('tcp');
      const [text, flags] = rng.pick(TCP_FLAG_MATCHES);
      interest.aim({ proto: 'tcp', tcpFlags: flags });
      return { text, proto: 'tcp' };
    }
    case 'icmp': {
      if (proto && proto !== F.icmp) return {};
      interest.protos.add(F.icmp);
      const [text, type] = rng.pick(F.icmpMatches);
      interest.aim({ proto: F.icmp, icmpType: type });
      return { text, proto: F.icmp };
    }
    case 'ct':
      return { text: rng.pick(CT_MATCHES) };
    case 'mark': {
      const m = rng.pick(MARKS);
      return { text: rng.pick([`meta mark ${hex(m)}`, `meta mark != ${hex(m)}`, `meta mark & 0xff00 == ${hex(m & 0xff00)}`]) };
    }
    case 'iif': {
      const hooks = ctx.hooks;
      const useOif = [...hooks].some((h) => h === 'forward' || h === 'output' || h === 'postrouting') && rng.chance(0.6);
      if (useOif) return { text: `oifname ${rng.chance(0.2) ? '!= ' : ''}"${rng.pick([HOST_IF, HOST_SERVER_IF, 'lo'])}"` };
      const [text, iif] = rng.pick([[`iifname "${HOST_IF}"`, 'remote'], [`iifname != "${HOST_IF}"`, 'lo'], ['iifname "lo"', 'lo'], [`iifname { "${HOST_IF}", "lo" }`, undefined]] as const);
      interest.aim({ iif });
      return { text };
    }
    case 'concat': {
      if (proto === F.icmp || proto === 'other') return {};
      const p = l4 ?? rng.pick(['tcp', 'udp'] as const);
      interest.protos.add(p);
      interest.aim({ proto: p });
      if (table.namedConcatSets.length && rng.chance(0.5)) {
        const set = rng.pick(table.namedConcatSets);
        interest.aim(rng.pick(set.samples));
        return { text: `${F.ip} daddr . ${p} dport @${set.name}`, proto: p };
      }
      const e = concatElements(F, rng, interest, rng.chance(0.3), rng.int(1, 3));
      interest.aim(rng.pick(e.samples));
      return { text: `${F.ip} daddr . ${p} dport { ${e.text.join(', ')} }`, proto: p };
    }
    case 'ttl': {
      const [text, ttl] = rng.pick(F.ttlMatches);
      interest.aim({ ttl });
      return { text };
    }
    case 'th': {
      // `th` reads the transport header of any protocol; the l4proto match keeps it to ports
      if (proto) return {};
      const items = rng.subset(PORTS, 1, 3);
      items.forEach((it) => interest.addPort(rng, it));
      const p = rng.pick(['tcp', 'udp'] as const);
      interest.protos.add(p);
      interest.aim({ proto: p, dport: samplePort(rng, rng.pick(items)) });
      return { text: `meta l4proto { tcp, udp } th dport ${items.length > 1 ? `{ ${items.map((x) => x.text).join(', ')} }` : items[0]!.text}`, proto: 'other' };
    }
    case 'fib':
      // against the host's own routes: local addresses, reverse path through the input device
      return { text: rng.pick(F.fibMatches) };
    case 'ctmeta':
      return { text: rng.pick(['ct status dnat', 'ct status ! dnat', 'ct status snat', 'ct direction original', 'ct mark 0x2a', 'ct mark != 0x0', 'ct state new ct mark 0x0']) };
    case 'sk':
      // the harness sends local packets as root with fsgid 29457 (test/oracle/topology.ts)
      return { text: rng.pick(['meta skuid 0', 'meta skgid 29457', 'meta skuid != 0', 'meta skgid { 0, 29457 }']) };
    case 'nfproto':
      // not the other family's nfproto: nft refuses it before a match of this family (conflicting protocols)
      return { text: rng.pick(F.nfprotoMatches) };
    case 'len': {
      const [text, length] = rng.pick(F.lengthMatches);
      interest.aim({ length });
      return { text };
    }
    default:
      return F.extraMatch(kind, rng, (part) => interest.aim(part));
  }
}

function concatElements(F: NftFamily, rng: Rng, interest: Interest, interval: boolean, n: number): { text: string[]; interval: boolean; samples: ConcatSample[] } {
  const addrs = rng.subset(interval ? F.addrs : F.singleAddrs, n, n);
  const samples: ConcatSample[] = [];
  // addresses are distinct, so elements never overlap whatever the ports
  const text = addrs.map((a) => {
    const p = rng.pick(interval ? PORTS : SINGLE_PORTS);
    interest.addAddr(rng, a);
    interest.addPort(rng, p);
    samples.push({ daddr: a.sample(rng), dport: samplePort(rng, p) });
    return `${a.text} . ${p.text}`;
  });
  return { text, interval, samples };
}

function verdictFor(rng: Rng, ctx: Ctx, targets: readonly ChainPlan[], i: number): string {
  if (i < targets.length) return `${rng.chance(0.7) ? 'jump' : 'goto'} ${targets[i]!.name}`;
  return rng.weighted([['accept', 3], ['drop', 2], ['return', ctx.isBase ? 0.3 : 1], ['continue', 0.5]] as const);
}

function renderVmap(F: NftFamily, rng: Rng, table: TablePlan, chain: ChainPlan, targets: readonly ChainPlan[], interest: Interest, proto: Proto | undefined): string {
  const ctx = contextOf(table, chain);
  const l4 = l4Of(proto);
  const keyKind = proto === F.icmp || proto === 'other' ? rng.weighted([['addr', 3], ['numgen', 0.6], ['jhash', 0.4]] as const) : rng.weighted([['port', 3], ['addr', 2], ['concat', 1.5], ['numgen', 0.5], ['jhash', 0.4]] as const);
  if (keyKind === 'numgen' || keyKind === 'jhash') {
    // a random (numgen) or hashed (jhash, with a seed the evaluator computes) pick among the targets, as
    // kube-proxy spreads a Service over its endpoints
    const n = Math.max(2, targets.length);
    const key = keyKind === 'numgen' ? `numgen random mod ${n}` : `jhash ${F.ip} saddr . ${F.ip} daddr mod ${n} seed 0x${rng.int(1, 0xffff).toString(16)}`;
    return `${key} vmap { ${Array.from({ length: n }, (_, i) => `${i} : ${verdictFor(rng, ctx, targets, i)}`).join(', ')} }`;
  }
  const n = Math.max(targets.length, rng.int(2, 4));
  const keys: string[] = [];
  const aims: Omit<Partial<Aim>, 'hooks'>[] = [];
  let key: string;
  if (keyKind === 'port') {
    const proto = l4 ?? rng.pick(['tcp', 'udp'] as const);
    interest.protos.add(proto);
    key = `${proto} dport`;
    for (const p of rng.subset(PORTS, n, n)) {
      interest.addPort(rng, p);
      keys.push(p.text);
      aims.push({ proto, dport: samplePort(rng, p) });
    }
  } else if (keyKind === 'addr') {
    const dir = rng.pick(['saddr', 'daddr'] as const);
    key = `${F.ip} ${dir}`;
    for (const a of rng.subset(F.addrs, n, n)) {
      interest.addAddr(rng, a);
      keys.push(a.text);
      aims.push({ [dir]: a.sample(rng) });
    }
  } else {
    const proto = l4 ?? rng.pick(['tcp', 'udp'] as const);
    interest.protos.add(proto);
    key = `${F.ip} daddr . ${proto} dport`;
    const e = concatElements(F, rng, interest, rng.chance(0.3), Math.min(n, 3));
    keys.push(...e.text);
    aims.push(...e.samples.map((x) => ({ ...x, proto })));
  }
  // aim at a key that leads to a planned target (those come first), mostly
  if (aims.length) interest.aim(rng.pick(targets.length && rng.chance(0.7) ? aims.slice(0, targets.length) : aims));
  // the first keys lead to the planned targets, so every target is reached as planned
  const present = keys.map((k, i) => `${k} : ${verdictFor(rng, ctx, targets, i)}`);
  if (keyKind === 'concat' && rng.chance(0.35)) {
    // a named verdict map with a concatenated key (intervals when an element has a range)
    const m = `vm${table.mapSeq++}`;
    const interval = keys.some((k) => k.includes('-') || k.includes('/'));
    chain.before.push(`map ${m} {\n\t\ttype ${F.addrType} . inet_service : verdict\n${interval ? '\t\tflags interval\n' : ''}\t\telements = { ${present.join(', ')} }\n\t}`);
    return `${key} vmap @${m}`;
  }
  if (keyKind !== 'concat' && rng.chance(0.35)) {
    // the same verdict map as a named map
    const m = `vm${table.mapSeq++}`;
    const type = keyKind === 'port' ? 'inet_service' : F.addrType;
    const interval = keys.some((k) => k.includes('-') || k.includes('/'));
    chain.before.push(`map ${m} {\n\t\ttype ${type} : verdict\n${interval ? '\t\tflags interval\n' : ''}\t\telements = { ${present.join(', ')} }\n\t}`);
    return `${key} vmap @${m}`;
  }
  return `${key} vmap { ${present.join(', ')} }`;
}

function renderTerminal(F: NftFamily, rng: Rng, ctx: Ctx, interest: Interest, l4: L4 | undefined, before: readonly string[]): string | undefined {
  const natOnly = within(ctx.types, ['nat']);
  const canDnat = natOnly && within(ctx.hooks, ['prerouting', 'output']);
  const canSnat = natOnly && within(ctx.hooks, ['postrouting', 'input']);
  const canMasq = natOnly && within(ctx.hooks, ['postrouting']);
  const canReject = within(ctx.hooks, ['prerouting', 'input', 'forward', 'output']);
  // in nat chains a verdict mostly ends the chain before its NAT rules: keep verdicts rarer there
  const v = natOnly ? 0.3 : 1;
  const choice = rng.weighted([
    ['none', 2], ['accept', 3 * v], ['drop', 2.5 * v], ['continue', 0.4], ['return', (ctx.isBase ? 0.2 : 1) * v],
    ['reject', canReject ? 1 : 0], ['dnat', canDnat ? 4 : 0], ['redirect', canDnat && l4 ? 1 : 0],
    ['dnatmap', canDnat && l4 ? 1 : 0], ['dnatcat', canDnat && l4 ? 1 : 0], ['snat', canSnat ? 3 : 0], ['masq', canMasq ? 2 : 0],
    ['redirect0', canDnat ? 0.4 : 0],
  ] as const);
  const q = ctx.family === 'inet' ? `${F.ip} ` : '';
  switch (choice) {
    case 'none':
      return undefined;
    case 'accept':
    case 'drop':
    case 'continue':
    case 'return':
      return choice;
    case 'reject':
      if (l4 === 'tcp' && rng.chance(0.6)) return 'reject with tcp reset';
      return F.rejects ? rng.pick(F.rejects) : 'reject';
    case 'dnat': {
      const cross = F.otherFamilyDnat;
      if (cross && ctx.family === 'inet' && !before.some((x) => cross.conflicts.test(x)) && rng.chance(0.15)) return `dnat ${cross.q}to ${rng.pick(cross.targets)}`;
      const target = rng.pick(F.natTargets);
      return `dnat ${q}to ${F.hostPort(target, l4 && rng.chance(0.5) ? rng.pick(SINGLE_PORTS).text : undefined)}`;
    }
    case 'redirect':
      return `redirect to :${rng.pick(SINGLE_PORTS).text}`;
    case 'dnatmap': {
      const items = rng.subset(SINGLE_PORTS, 1, 3);
      items.forEach((it) => interest.addPort(rng, it));
      interest.aim({ dport: rng.pick(items).lo });
      return `dnat ${q}to ${l4} dport map { ${items.map((it) => `${it.text} : ${rng.pick(F.natTargets)}`).join(', ')} }`;
    }
    case 'dnatcat': {
      const e = concatElements(F, rng, interest, false, rng.int(1, 3));
      interest.aim({ proto: l4, ...rng.pick(e.samples) });
      const data = e.text.map((k) => `${k} : ${rng.pick(F.natTargets)} . ${rng.pick(SINGLE_PORTS).text}`);
      return `dnat ${q}to ${F.ip} daddr . ${l4} dport map { ${data.join(', ')} }`;
    }
    case 'redirect0':
      return 'redirect';
    case 'snat':
      return `snat ${q}to ${rng.pick(F.snatSources)}`;
    case 'masq':
      return 'masquerade';
  }
}

function renderTable(t: TablePlan): string {
  const out: string[] = [`table ${t.family} ${t.name} {`];
  for (const s of t.sets) out.push(`\t${s}`);
  // declare every chain before a rule or map refers to it: regular chains deepest first, then base chains
  for (const c of [...t.regular].reverse()) out.push(...renderChain(c));
  for (const c of t.base) out.push(...renderChain(c));
  out.push('}', '');
  return out.join('\n');
}

function renderChain(c: ChainPlan): string[] {
  const out = c.before.map((m) => `\t${m}`);
  out.push(`\tchain ${c.name} {`);
  if (c.base) out.push(`\t\ttype ${c.base.type} hook ${c.base.hook} priority ${c.base.prio}; policy ${c.base.policy};`);
  for (const r of c.rules) out.push(`\t\t${r}`);
  out.push('\t}');
  return out;
}

// ---- packets ----

function generatePackets(F: NftFamily, rng: Rng, interest: Interest, options: OracleOptions): WirePacket[] {
  const n = rng.int(4, 8);
  const out: WirePacket[] = [];
  const fromInterest = <T>(list: readonly T[], p: number): T | undefined => (list.length && rng.chance(p) ? rng.pick(list) : undefined);
  const { clientAddr: CLIENT_ADDR, hostAddr: HOST_ADDR, hostLoAddr: HOST_LO_ADDR } = F;
  const local = new Set(F.ownAddrs);
  for (let i = 0; i < n; i++) {
    const id = i + 1;
    // most packets are built to match one rule (its chain's hook decides where the packet comes from), the
    // others wander near the ruleset's values
    const aim: Aim | undefined = interest.aims.length && rng.chance(0.65) ? rng.weighted(interest.aims.map((a) => [a, a.weight ?? 1] as const)) : undefined;
    const origin = aim ? originFor(rng, aim) : rng.chance(0.22) ? 'local' : 'remote';
    const protos = [...interest.protos];
    const protocol = aim?.proto ?? fromInterest(protos, 0.7) ?? rng.weighted([['tcp', 5], ['udp', 3], [F.icmp, 2]] as const);
    let saddr: string;
    let daddr: string;
    if (origin === 'remote') {
      saddr = aim?.saddr ?? fromInterest(interest.addrs, 0.4) ?? rng.weighted(F.remoteSources);
      // a source the host owns: a martian on arrival for IPv4, let in by IPv6 (no accept_local check); keep a few, not most
      if (local.has(saddr) && rng.chance(aim?.saddr ? 0.5 : 0.85)) saddr = CLIENT_ADDR;
      daddr =
        aim?.daddr ??
        (aim?.hooks.includes('forward') ? rng.pick(F.forwardDaddrs) : aim?.hooks.includes('input') ? rng.pick([HOST_ADDR, HOST_ADDR, HOST_LO_ADDR]) : undefined) ??
        fromInterest(interest.addrs, 0.5) ??
        rng.weighted(F.remoteDaddrs(rng));
      // without forwarding a non-local destination ends at the routing decision: keep some, not half
      if (!aim?.daddr && !options.forward && !F.isHostLocal(daddr, options) && rng.chance(0.6)) daddr = rng.pick([HOST_ADDR, HOST_ADDR, HOST_LO_ADDR]);
    } else {
      saddr = aim?.saddr ?? rng.weighted([...F.localSources, [fromInterest(interest.addrs, 1) ?? HOST_ADDR, 1]] as const);
      daddr =
        aim?.daddr ??
        (aim?.iif === 'lo' || aim?.hooks.includes('input') ? F.loDaddr(rng) : undefined) ??
        fromInterest(interest.addrs, 0.4) ??
        rng.weighted(F.localDaddrs(rng));
    }
    const p: WirePacket = { id, origin, family: F.ip, saddr, daddr, protocol };
    if (protocol === 'tcp' || protocol === 'udp') {
      p.dport = aim?.dport ?? fromInterest(interest.ports, 0.75) ?? rng.pick([22, 53, 80, 443, 8080, 1500, 7000, 9050]);
      // unique source ports keep every packet its own flow; a few aim at sport matches instead
      p.sport = aim?.sport ?? fromInterest(interest.sports, 0.3) ?? 30000 + id * 1000 + rng.int(0, 999);
      if (protocol === 'tcp') {
        p.tcpFlags = aim?.tcpFlags?.slice() ?? rng.weighted([[['syn'], 6], [['ack'], 1], [['syn', 'ack'], 1], [['rst'], 0.5], [['fin', 'ack'], 0.5], [['psh', 'ack'], 1]] as const).slice();
      }
    } else {
      p.icmpType = aim?.icmpType ?? rng.weighted(F.icmpTypes);
      if (p.icmpType === F.unreachable.type) p.icmpCode = rng.pick(F.unreachable.codes);
    }
    const ttl = aim?.ttl ?? rng.weighted(F.ttls(rng));
    if (ttl !== undefined) p.ttl = ttl;
    const length = aim?.length ?? (rng.chance(0.2) ? rng.int(60, 1400) : undefined);
    if (length !== undefined) p.length = length;
    if (F.dscps) {
      const dscp = aim?.dscp ?? (rng.chance(0.1) ? rng.pick(F.dscps) : undefined);
      if (dscp !== undefined) p.dscp = dscp;
    }
    out.push(p);
  }
  return out;
}
