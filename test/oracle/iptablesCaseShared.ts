// The iptables random case generator's body, shared by both families: generateIptablesCase.ts (iptables-save,
// IPv4) and generateIp6tablesCase.ts (ip6tables-save, IPv6) only supply an IptFamily profile — address
// catalogues, the family's spellings of the same matches and targets, the topology's addresses. Both keep their
// exact output: every rng call is made in the same order for both families. Pure; imports only oracle data.
import type { OracleOptions } from './kernelOracle.ts';
import { Rng } from './prng.ts';
import type { WirePacket } from './traceTypes.ts';
import { HOST_IF, HOST_SERVER_IF } from './topology.ts';
import { AimTracker, originFor, type AddrChoice, type IcmpProto, type PacketAim, type Weighted } from './caseValues.ts';

export interface GeneratedIptablesCase {
  /** The iptables-save dump. */
  saveText: string;
  packets: WirePacket[];
  description: string;
  options: OracleOptions;
}


/** What differs between the iptables and the ip6tables generators. */
export interface IptFamily {
  tool: 'iptables' | 'ip6tables';
  family: 'ip' | 'ip6';
  /** Each family has its own seed space. */
  seedMix: (seed: number) => number;
  /** Printed before the first table. */
  saveHeader: string;
  clientAddr: string;
  hostAddr: string;
  hostLoAddr: string;
  /** The prefix length the save prints on a single address (32 or 128), and the full mask. */
  hostLen: number;
  hostMask: string;
  /** The all-addresses prefix (never negated). */
  anyPrefix: string;
  addrs: readonly AddrChoice[];
  ipRanges: readonly AddrChoice[];
  /** NAT targets: local (input path), forwardable (server side), unroutable. */
  natTargets: readonly string[];
  /** kube-proxy Service addresses (routable only once DNAT has rewritten them) and the pod network. */
  vips: readonly string[];
  podCidr: string;
  extraLocal: string;
  elsewhere: readonly string[];
  serverDaddrs: readonly string[];
  isHostLocal: (addr: string, options: OracleOptions) => boolean;
  icmp: IcmpProto;
  /** The -p word of a protocol (ip6tables-save prints ipv6-icmp). */
  protoWord: (p: 'tcp' | 'udp' | IcmpProto) => string;
  /** --icmp-type / --icmpv6-type values with a type and code that match them. */
  icmpTypeOption: string;
  icmpTypeMatches: readonly (readonly [string, number, number])[];
  /** -m addrtype options with what a packet needs to match them (built with rng: keep the call order). */
  addrTypes: (rng: Rng) => readonly (readonly [string, { daddr?: string }])[];
  ttlModule: 'ttl' | 'hl';
  rejectWith: readonly string[];
  /** The address:port form of --to-destination. */
  addrPort: (addr: string, port: string | number) => string;
  snatSources: readonly string[];
  /** Whether SNAT may name a port range. */
  snatPorts: boolean;
  /** Docker: the bridge (server side) network, its container, the loopback prefix, a DOCKER-USER drop source. */
  serverNet: string;
  container: string;
  loopback: string;
  dockerUserDrop: string;
  remoteSources: Weighted<string>;
  localSources: Weighted<string>;
  icmpTypes: Weighted<number>;
  /** The destination-unreachable type and the codes packets use. */
  unreachable: { type: number; codes: readonly number[] };
}

type TableName = 'raw' | 'mangle' | 'nat' | 'filter';
type Builtin = 'PREROUTING' | 'INPUT' | 'FORWARD' | 'OUTPUT' | 'POSTROUTING';

/** iptables-save prints tables in this order; each with its built-in chains in this order. */
const TABLE_ORDER: readonly TableName[] = ['raw', 'mangle', 'nat', 'filter'];
const BUILTINS: Record<TableName, readonly Builtin[]> = {
  raw: ['PREROUTING', 'OUTPUT'],
  mangle: ['PREROUTING', 'INPUT', 'FORWARD', 'OUTPUT', 'POSTROUTING'],
  nat: ['PREROUTING', 'INPUT', 'OUTPUT', 'POSTROUTING'],
  filter: ['INPUT', 'FORWARD', 'OUTPUT'],
};

// ---- values ----

interface PortRange {
  text: string;
  lo: number;
  hi: number;
}
const PORTS: readonly PortRange[] = [
  ...[22, 53, 80, 443, 8080, 5353].map((p) => ({ text: String(p), lo: p, hi: p })),
  ...([[1000, 1999], [3000, 3999], [9000, 9100], [20000, 29999], [40000, 65535]] as const).map(([a, b]) => ({ text: `${a}:${b}`, lo: a, hi: b })),
];
const SINGLE_PORTS = PORTS.filter((p) => p.lo === p.hi);
const MARKS = [0x1, 0x2, 0x7, 0x2a, 0x4000, 0x4001, 0xff];
/** What a packet needs to match one rule (one satisfying value per match), and the hooks its chain runs on. */
type Aim = PacketAim<Builtin>;

interface ChainPlan {
  name: string;
  builtin?: Builtin;
  policy?: 'ACCEPT' | 'DROP';
  /** User chains: position in the DAG (a chain refers only to user chains with a higher index). */
  index: number;
  rules: string[];
  /** Hooks of the built-in chains that reach this chain. */
  hooks: Set<Builtin>;
  entryAims: Aim[];
}

interface TablePlan {
  name: TableName;
  chains: ChainPlan[];
}

type Interest = AimTracker<Aim>;

const onlyIn = (hooks: Set<Builtin>, allowed: readonly Builtin[]) => hooks.size > 0 && [...hooks].every((h) => allowed.includes(h));
const hex = (n: number) => '0x' + n.toString(16);

export function generateIptablesFamilyCase(F: IptFamily, seed: number): GeneratedIptablesCase {
  const rng = new Rng(F.seedMix(seed));
  const interest = new AimTracker<Aim>();
  const names = rng.subset(TABLE_ORDER, 1, 3);
  const kube = rng.chance(0.25);
  const docker = rng.chance(0.15);
  if ((kube || docker) && !names.includes('nat')) names.push('nat');
  if (docker && !names.includes('filter')) names.push('filter');
  const tables = TABLE_ORDER.filter((t) => names.includes(t)).map((t) => planTable(F, rng, t, interest));
  if (kube) addKube(F, rng, tables, interest);
  if (docker) addDocker(F, rng, tables, interest);
  const options: OracleOptions = { forward: rng.chance(0.5), ...(rng.chance(0.25) ? { hostAddrs: [F.extraLocal] } : {}) };
  const saveText = `${F.saveHeader}${tables.map(renderTable).join('')}`;
  const packets = generatePackets(F, rng, interest, options);
  const nUser = tables.reduce((n, t) => n + t.chains.filter((c) => !c.builtin).length, 0);
  const description =
    `${F.tool} seed ${seed}: ${tables.map((t) => t.name).join(', ')}${kube ? ' (kube-proxy)' : ''}${docker ? ' (docker)' : ''}; ${nUser} user chains; ` +
    `${packets.length} packets; forward ${options.forward ? 'on' : 'off'}${options.hostAddrs ? `, local ${options.hostAddrs.join(' ')}` : ''}`;
  return { saveText, packets, description, options };
}

function planTable(F: IptFamily, rng: Rng, name: TableName, interest: Interest): TablePlan {
  const chains: ChainPlan[] = BUILTINS[name].map((h) => ({
    name: h,
    builtin: h,
    policy: (name === 'filter' && rng.chance(0.3)) || (name === 'mangle' && rng.chance(0.05)) ? 'DROP' : 'ACCEPT',
    index: -1,
    rules: [],
    hooks: new Set([h]),
    entryAims: [],
  }));
  // only some built-in chains get rules: real dumps leave most of them empty
  const used = rng.subset(chains, 1, Math.min(3, chains.length));
  const nUser = rng.weighted([[0, 2], [1, 3], [2, 3], [3, 2], [4, 1]] as const);
  const prefix = rng.pick(['', 'FW-', 'DOCKER-', 'f2b-', 'KUBE-X-']);
  const users: ChainPlan[] = Array.from({ length: nUser }, (_, i) => ({ name: `${prefix}C${i}`, index: i, rules: [], hooks: new Set(), entryAims: [] }));
  chains.push(...users);
  // plan edges first so every chain knows the hooks reaching it before its rules are chosen
  const shapes = new Map<ChainPlan, Shape[]>();
  for (const c of chains) {
    const n = c.builtin && !used.includes(c) ? 0 : rng.weighted([[1, 3], [2, 4], [3, 3], [4, 2], [6, 1]] as const);
    const targets = users.filter((u) => u.index > c.index);
    const list: Shape[] = [];
    for (let i = 0; i < n; i++) {
      const kind = targets.length ? rng.weighted([['plain', 6], ['jump', 2.5], ['goto', 0.8]] as const) : 'plain';
      list.push(kind === 'plain' ? { kind } : { kind, target: rng.pick(targets) });
    }
    shapes.set(c, list);
  }
  // reachability in DAG order: built-ins first, then user chains by index
  for (const c of [...chains.filter((x) => x.builtin), ...users]) for (const s of shapes.get(c)!) if (s.kind !== 'plain') for (const h of c.hooks) s.target.hooks.add(h);
  const table: TablePlan = { name, chains };
  for (const c of [...chains.filter((x) => x.builtin), ...users]) {
    // an unreachable user chain still loads; its rules are only checked against nothing
    c.rules = shapes.get(c)!.map((s) => renderRule(F, rng, table, c, s, interest));
  }
  return table;
}

type Shape = { kind: 'plain' } | { kind: 'jump' | 'goto'; target: ChainPlan };

interface RuleState {
  proto?: 'tcp' | 'udp' | 'icmp' | 'icmpv6' | 'other';
  /** Options of the protocol match used so far: each may appear once (libxt_tcp.c "multiple --dport"). */
  l4used: Set<string>;
  /** Match modules used so far: iptables-nft 1.8.9 refuses a second `-m mark` in a rule ('mark: option
   *  "--mark" can only be used once'); only conntrack/state/comment repeat here. */
  modules: Set<string>;
  /** -s, -d, -i, -o used so far: each at most once per rule (xshared.c "multiple -s flags not allowed"). */
  heads: Set<string>;
}

function renderRule(F: IptFamily, rng: Rng, table: TablePlan, chain: ChainPlan, shape: Shape, interest: Interest): string {
  interest.begin(chain.hooks, chain.entryAims.length ? rng.pick(chain.entryAims) : undefined);
  const parts: string[] = [`-A ${chain.name}`];
  const st: RuleState = { l4used: new Set(), heads: new Set(), modules: new Set() };
  const nat = table.name === 'nat';
  // nat chains see only a flow's first packet: fewer conditions, so packets reach their targets
  const nMatches = nat ? rng.weighted([[0, 2], [1, 4], [2, 2]] as const) : rng.weighted([[0, 1], [1, 4], [2, 4], [3, 2]] as const);
  // the target is chosen first when it constrains the protocol (ports on NAT targets, tcp-reset)
  const target = shape.kind === 'plain' ? pickTarget(F, rng, table.name, chain) : undefined;
  if (target?.needs) st.proto = target.needs;
  const heads: string[] = [];
  const mods: string[] = [];
  const l4opts: string[] = [];
  if (target?.syn) {
    st.l4used.add('flags');
    l4opts.push('--tcp-flags SYN,RST SYN');
    mods.push(L4_SLOT);
    interest.aim({ tcpFlags: ['syn'] });
  }
  let protoText = '';
  if (st.proto) {
    protoText = `-p ${st.proto}`;
    interest.aim({ proto: st.proto as 'tcp' | 'udp' });
  }
  for (let i = 0; i < nMatches; i++) {
    const m = renderMatch(F, rng, chain, st, interest, protoText === '');
    const mod = /^-m (\S+)/.exec(m.mod ?? '')?.[1];
    const dup = mod !== undefined && !['conntrack', 'state', 'comment'].includes(mod) && st.modules.has(mod);
    if (mod) st.modules.add(mod);
    if (m.proto !== undefined) protoText = m.proto;
    if (m.head) heads.push(m.head);
    if (m.l4) l4opts.push(m.l4);
    if (m.mod && !dup) mods.push(m.mod);
    // the protocol's own module (-m tcp/udp/icmp) comes once, where its first option appeared
    if (m.l4 && !mods.includes(L4_SLOT)) mods.push(L4_SLOT);
  }
  // iptables-save's order: -s -d -i -o -p, then the matches
  const order = ['-s', '! -s', '-d', '! -d', '-i', '! -i', '-o', '! -o'];
  heads.sort((a, b) => order.findIndex((o) => a.startsWith(o + ' ')) - order.findIndex((o) => b.startsWith(o + ' ')));
  parts.push(...heads);
  if (protoText) parts.push(protoText);
  parts.push(...mods.map((m) => (m === L4_SLOT ? `-m ${st.proto} ${l4opts.join(' ')}` : m)));
  if (shape.kind !== 'plain') parts.push(`${shape.kind === 'jump' ? '-j' : '-g'} ${shape.target.name}`);
  else if (target?.text) parts.push(target.text);
  const aim = interest.end(1 + (target?.nat ? 3 : 0) + (shape.kind !== 'plain' ? 1 : 0));
  if (aim && shape.kind !== 'plain') shape.target.entryAims.push({ ...aim, weight: 1 });
  return parts.join(' ');
}

const L4_SLOT = '\0l4';

interface MatchOut {
  head?: string;
  mod?: string;
  /** Options of the protocol's own match (tcp/udp/icmp), merged into one -m. */
  l4?: string;
  /** The -p option this match sets (or needs). */
  proto?: string;
}

function renderMatch(F: IptFamily, rng: Rng, chain: ChainPlan, st: RuleState, interest: Interest, canSetProto: boolean): MatchOut {
  const l4 = st.proto === 'tcp' || st.proto === 'udp' ? st.proto : undefined;
  const ingress = onlyIn(chain.hooks, ['PREROUTING', 'INPUT', 'FORWARD']);
  const egress = onlyIn(chain.hooks, ['FORWARD', 'OUTPUT', 'POSTROUTING']);
  /** Fixes the protocol of the rule (when it is still free). */
  const needProto = (p: 'tcp' | 'udp' | IcmpProto): string | undefined => {
    if (st.proto === p) return undefined;
    if (st.proto || !canSetProto) return 'no';
    st.proto = p;
    interest.aim({ proto: p });
    return `-p ${F.protoWord(p)}`;
  };
  const kind = rng.weighted([
    ['addr', 5], ['proto', 2], ['port', 5], ['multiport', 2], ['flags', 1.5], ['icmp', 1], ['ct', 2.5], ['state', 1], ['ctstatus', 0.8],
    ['mark', 1.5], ['connmark', 0.6], ['comment', 1], ['iface', ingress || egress ? 1.5 : 0], ['addrtype', 1], ['iprange', 0.8],
    ['length', 0.5], ['ttl', 0.5], ['limit', 0.4], ['statistic', 0.5], ['nth', 0.2], ['origdst', 0.3],
    ['owner', onlyIn(chain.hooks, ['OUTPUT', 'POSTROUTING']) ? 0.6 : 0], ['pkttype', 0.4], ['hashlimit', 0.3], ['connlimit', 0.2], ['dscp', 0.3],
    ['recent', 0.3],
  ] as const);
  switch (kind) {
    case 'addr': {
      const dir = rng.pick(['s', 'd'] as const);
      if (st.heads.has(dir)) return {};
      st.heads.add(dir);
      const r = rng.pick(F.addrs);
      const negated = r.text !== F.anyPrefix ? rng.chance(0.2) : false;
      interest.addrs.push(r.sample(rng));
      if (!negated) interest.aim({ [dir === 's' ? 'saddr' : 'daddr']: r.sample(rng) });
      // iptables-save prints /32 (ip6tables-save /128) on single addresses
      return { head: `${negated ? '! ' : ''}-${dir} ${r.text.includes('/') ? r.text : `${r.text}/${F.hostLen}`}` };
    }
    case 'proto': {
      if (st.proto || !canSetProto) return {};
      const p = rng.pick(['tcp', 'udp', F.icmp] as const);
      const word = F.protoWord(p);
      if (rng.chance(0.2)) {
        st.proto = 'other';
        return { proto: `! -p ${word}` };
      }
      st.proto = p;
      interest.aim({ proto: p });
      return { proto: `-p ${word}` };
    }
    case 'port': {
      const p = l4 ?? (st.proto ? undefined : rng.pick(['tcp', 'udp'] as const));
      if (!p) return {};
      const proto = needProto(p);
      if (proto === 'no') return {};
      const dirs = rng.weighted([[['dport'], 5], [['sport'], 1], [['sport', 'dport'], 1.2]] as const);
      if (dirs.some((d) => st.l4used.has(d))) return { proto };
      dirs.forEach((d) => st.l4used.add(d));
      const both = dirs.length === 2 && rng.chance(0.5);
      const opts = dirs.map((d) => {
        const r = rng.pick(d === 'sport' ? PORTS.filter((x) => x.lo >= 1000) : PORTS);
        const negated = both || rng.chance(0.12);
        const v = rng.int(r.lo, r.hi);
        interest.ports.push(v);
        if (!negated) interest.aim({ [d]: v });
        return `${negated ? '! ' : ''}--${d} ${r.text}`;
      });
      return { proto, l4: opts.join(' ') };
    }
    case 'multiport': {
      const p = l4 ?? (st.proto ? undefined : rng.pick(['tcp', 'udp'] as const));
      if (!p) return {};
      const proto = needProto(p);
      if (proto === 'no') return {};
      const dir = rng.weighted([['dports', 5], ['sports', 1], ['ports', 1]] as const);
      const items = rng.subset(PORTS, 2, 4);
      const negated = rng.chance(0.12);
      const v = rng.int(rng.pick(items).lo, rng.pick(items).hi);
      const r = rng.pick(items);
      const pick = rng.int(r.lo, r.hi);
      interest.ports.push(v, pick);
      if (!negated) interest.aim(dir === 'sports' ? { sport: pick } : { dport: pick });
      return { proto, mod: `-m multiport ${negated ? '! ' : ''}--${dir} ${items.map((x) => x.text).join(',')}` };
    }
    case 'flags': {
      if (st.l4used.has('flags')) return {};
      const proto = needProto('tcp');
      if (proto === 'no') return {};
      st.l4used.add('flags');
      const [text, flags] = rng.pick([
        ['--tcp-flags FIN,SYN,RST,ACK SYN', ['syn']],
        ['--syn', ['syn']],
        ['! --syn', ['ack']],
        ['--tcp-flags SYN,ACK SYN,ACK', ['syn', 'ack']],
        ['--tcp-flags ALL ACK', ['ack']],
        ['--tcp-flags ALL NONE', []],
        ['! --tcp-flags RST RST', ['syn']],
        ['--tcp-flags FIN,RST FIN', ['fin', 'ack']],
      ] as const);
      interest.aim({ tcpFlags: [...flags] });
      return { proto, l4: text };
    }
    case 'icmp': {
      if (st.l4used.has('icmp')) return {};
      const proto = needProto(F.icmp);
      if (proto === 'no') return {};
      st.l4used.add('icmp');
      const [text, type, code] = rng.pick(F.icmpTypeMatches);
      interest.aim({ icmpType: type, icmpCode: code });
      const neg = text.startsWith('! ');
      return { proto, l4: `${neg ? '! ' : ''}${F.icmpTypeOption} ${neg ? text.slice(2) : text}` };
    }
    case 'ct':
      return { mod: `-m conntrack ${rng.pick(['--ctstate NEW', '--ctstate INVALID', '--ctstate RELATED,ESTABLISHED', '! --ctstate NEW', '--ctstate NEW,UNTRACKED', '--ctstate UNTRACKED', '--ctstate DNAT', '! --ctstate SNAT', '--ctstate NEW --ctdir ORIGINAL'])}` };
    case 'state':
      return { mod: `-m state ${rng.pick(['--state NEW', '--state RELATED,ESTABLISHED', '! --state INVALID', '--state INVALID,UNTRACKED'])}` };
    case 'ctstatus':
      return { mod: `-m conntrack ${rng.pick(['--ctstatus CONFIRMED', '! --ctstatus CONFIRMED', '--ctstatus NONE', '--ctstatus SEEN_REPLY', '! --ctstatus ASSURED', '--ctstatus EXPECTED'])}` };
    case 'mark': {
      const m = rng.pick(MARKS);
      return { mod: rng.pick([`-m mark --mark ${hex(m)}`, `-m mark ! --mark ${hex(m)}`, `-m mark --mark ${hex(m & 0x4000)}/0x4000`, `-m mark ! --mark 0x4000/0x4000`, `-m mark --mark ${hex(m)}/0xff`]) };
    }
    case 'connmark':
      return { mod: rng.pick([`-m connmark --mark ${hex(rng.pick(MARKS))}`, '-m connmark ! --mark 0x0', `-m connmark --mark 0x7/0xff`]) };
    case 'comment':
      return { mod: `-m comment --comment ${rng.pick(['"allow ssh"', 'kube-system/dns', '"ns/svc:http cluster IP"', '"!fw"', '"a \\"quoted\\" word"'])}` };
    case 'iface': {
      const useOut = egress && (!ingress || rng.chance(0.5));
      if (st.heads.has(useOut ? 'o' : 'i')) return {};
      st.heads.add(useOut ? 'o' : 'i');
      const negated = rng.chance(0.2) ? '! ' : '';
      if (useOut) return { head: `${negated}-o ${rng.pick([HOST_IF, HOST_SERVER_IF, 'lo', 'nso-h+', 'nso+', 'eth+'])}` };
      const [name, iif] = rng.pick([[HOST_IF, 'remote'], ['nso-h+', 'remote'], ['lo', 'lo'], ['nso+', 'remote'], ['docker0', undefined], ['eth+', undefined]] as const);
      if (!negated && iif) interest.aim({ iif });
      return { head: `${negated}-i ${name}` };
    }
    case 'addrtype': {
      const [text, aim] = rng.pick(F.addrTypes(rng));
      interest.aim(aim);
      // --limit-iface-in/out: the type as seen from that device only (xt_addrtype: inet_dev_addr_type)
      const limit = ingress && rng.chance(0.25) ? ' --limit-iface-in' : egress && rng.chance(0.2) ? ' --limit-iface-out' : '';
      return { mod: `-m addrtype ${text}${limit}` };
    }
    case 'iprange': {
      const dir = rng.pick(['src', 'dst'] as const);
      const r = rng.pick(F.ipRanges);
      const negated = rng.chance(0.2);
      interest.addrs.push(r.sample(rng));
      if (!negated) interest.aim({ [dir === 'src' ? 'saddr' : 'daddr']: r.sample(rng) });
      return { mod: `-m iprange ${negated ? '! ' : ''}--${dir}-range ${r.text}` };
    }
    case 'length': {
      const [text, length] = rng.pick([['--length 100:1500', 300], ['--length 0:60', undefined], ['! --length 0:99', 400], ['--length 40', undefined]] as const);
      interest.aim({ length });
      return { mod: `-m length ${text}` };
    }
    case 'ttl': {
      // -m ttl's IPv6 form is -m hl (--hl-eq, --hl-lt, --hl-gt)
      const [text, ttl] = rng.pick([['eq 64', 64], ['lt 5', 2], ['gt 32', 100], ['! eq 64', 20], ['eq 1', 1]] as const);
      interest.aim({ ttl });
      const neg = text.startsWith('! ');
      return { mod: `-m ${F.ttlModule} ${neg ? '! ' : ''}--${F.ttlModule}-${neg ? text.slice(2) : text}` };
    }
    case 'limit':
      // a burst far above the packets of a run: never runs out, so the kernel's answer is deterministic
      return { mod: `-m limit --limit ${rng.pick(['10000/sec', '5000/second', '100000/min'])} --limit-burst ${rng.pick([1000, 5000])}` };
    case 'statistic':
      return { mod: `-m statistic --mode random ${rng.chance(0.15) ? '! ' : ''}--probability ${rng.pick(['0.50000000000', '0.33333333349', '0.25000000000', '0.10000000009'])}` };
    case 'nth':
      return { mod: `-m statistic --mode nth --every ${rng.int(2, 3)} --packet ${rng.int(0, 1)}` };
    case 'owner':
      // the harness sends local packets as root with fsgid 29457 (topology.ts LOCAL_TRACE_GID)
      return { mod: `-m owner ${rng.pick(['--uid-owner 0', '! --uid-owner 0', '--gid-owner 29457', '--uid-owner 0-10', '! --gid-owner 29457', '--socket-exists', '! --socket-exists'])}` };
    case 'pkttype':
      return { mod: `-m pkttype ${rng.pick(['--pkt-type unicast', '! --pkt-type unicast', '--pkt-type broadcast', '--pkt-type multicast'])}` };
    case 'hashlimit':
      // far above a run's packets, like limit
      return { mod: `-m hashlimit --hashlimit-upto 10000/sec --hashlimit-burst 1000 --hashlimit-mode ${rng.pick(['srcip', 'dstip,dstport'])} --hashlimit-name h${rng.int(0, 2)}` };
    case 'connlimit':
      return { mod: `-m connlimit --connlimit-above ${rng.pick([1, 20])}${rng.chance(0.5) ? ` --connlimit-mask ${F.hostLen} --connlimit-saddr` : ''}` };
    case 'dscp':
      return { mod: `-m dscp ${rng.pick(['--dscp 0x00', '! --dscp 0x2e', '--dscp-class EF'])}` };
    case 'recent':
      // kube-proxy's session affinity: --set always matches; --rcheck depends on what earlier packets left
      return { mod: `-m recent ${rng.pick([`--set --name aff --mask ${F.hostMask} --rsource`, `--rcheck --seconds 10800 --reap --name aff --mask ${F.hostMask} --rsource`])}` };
    case 'origdst': {
      const r = rng.pick(F.addrs.filter((a) => a.text !== F.anyPrefix));
      return { mod: `-m conntrack ${rng.chance(0.2) ? '! ' : ''}--ctorigdst ${r.text}` };
    }
  }
}

interface TargetOut {
  text?: string;
  /** TCPMSS: the rule must hold `--tcp-flags SYN,RST SYN`. */
  syn?: boolean;
  /** The protocol the target needs (ports on NAT targets, tcp-reset). */
  needs?: 'tcp' | 'udp';
  nat?: boolean;
}

function pickTarget(F: IptFamily, rng: Rng, table: TableName, chain: ChainPlan): TargetOut {
  const h = chain.hooks;
  const isUser = !chain.builtin;
  const unreached = h.size === 0;
  const natOk = table === 'nat';
  const canDnat = natOk && (unreached ? false : onlyIn(h, ['PREROUTING', 'OUTPUT']));
  const canSnat = natOk && !unreached && onlyIn(h, ['POSTROUTING', 'INPUT']);
  const canMasq = natOk && !unreached && onlyIn(h, ['POSTROUTING']);
  const canReject = table === 'filter' && !unreached && onlyIn(h, ['INPUT', 'FORWARD', 'OUTPUT']);
  const v = natOk ? 0.3 : 1;
  const choice = rng.weighted([
    ['none', 1.5], ['ACCEPT', 3 * v], ['DROP', natOk ? 0 : 2.5], ['RETURN', isUser ? 1 : 0.2], ['REJECT', canReject ? 1.5 : 0],
    ['MARK', 1.5], ['CONNMARK', 0.6], ['LOG', 0.3], ['NFLOG', 0.2], ['CT', table === 'raw' ? 1 : 0],
    ['TCPMSS', table === 'mangle' && !unreached && onlyIn(h, ['FORWARD', 'OUTPUT', 'POSTROUTING']) ? 0.8 : 0],
    ['DNAT', canDnat ? 4 : 0], ['REDIRECT', canDnat ? 1 : 0], ['SNAT', canSnat ? 3 : 0], ['MASQUERADE', canMasq ? 2 : 0],
  ] as const);
  const l4 = () => rng.pick(['tcp', 'udp'] as const);
  switch (choice) {
    case 'none':
      return {};
    case 'ACCEPT':
    case 'DROP':
    case 'RETURN':
      return { text: `-j ${choice}` };
    case 'REJECT': {
      const w = rng.pick(F.rejectWith);
      return w === 'tcp-reset' ? { text: '-j REJECT --reject-with tcp-reset', needs: 'tcp' } : { text: `-j REJECT --reject-with ${w}` };
    }
    case 'MARK': {
      const m = rng.pick(MARKS);
      return { text: `-j MARK ${rng.pick([`--set-xmark ${hex(m)}/0xffffffff`, `--set-mark ${hex(m)}`, `--set-xmark ${hex(m & 0xff)}/0xff`, '--or-mark 0x4000', '--and-mark 0xffffbfff', '--xor-mark 0x1', `--set-mark ${hex(m)}/0xff00`])}` };
    }
    case 'CONNMARK':
      return { text: `-j CONNMARK ${rng.pick(['--set-mark 0x7', '--set-xmark 0x2a/0xff', '--save-mark --nfmask 0xffffffff --ctmask 0xffffffff', '--restore-mark --nfmask 0xffffffff --ctmask 0xffffffff', '--save-mark', '--restore-mark'])}` };
    case 'LOG':
      return { text: `-j LOG --log-prefix "${rng.pick(['drop: ', 'fw '])}"${rng.chance(0.5) ? ' --log-level 6' : ''}` };
    case 'CT':
      return { text: rng.pick(['-j CT --notrack', '-j NOTRACK']) };
    case 'NFLOG':
      return { text: `-j NFLOG --nflog-group ${rng.int(1, 5)}${rng.chance(0.5) ? ' --nflog-prefix "fw"' : ''}` };
    case 'TCPMSS':
      // xt_TCPMSS: SYN packets only (tcpmss_tg4_check wants `--tcp-flags SYN,RST SYN` for --clamp-mss-to-pmtu
      // and the hooks FORWARD/OUTPUT/POSTROUTING); it may grow the packet by an MSS option
      return { text: `-j TCPMSS ${rng.pick(['--clamp-mss-to-pmtu', '--set-mss 1360'])}`, needs: 'tcp', syn: true };
    case 'DNAT': {
      const to = rng.pick(F.natTargets);
      if (rng.chance(0.5)) return { text: `-j DNAT --to-destination ${to}`, nat: true };
      const p = rng.pick(SINGLE_PORTS).lo;
      const port = rng.chance(0.2) ? `${p}-${p + 2}` : String(p);
      return { text: `-j DNAT --to-destination ${F.addrPort(to, port)}`, needs: l4(), nat: true };
    }
    case 'REDIRECT':
      return rng.chance(0.5) ? { text: '-j REDIRECT', nat: true } : { text: `-j REDIRECT --to-ports ${rng.pick(SINGLE_PORTS).lo}`, needs: l4(), nat: true };
    case 'SNAT': {
      const to = rng.pick(F.snatSources);
      // ip6tables: no fixed port range (a batch's packets to one endpoint would clash at conntrack confirm)
      return !F.snatPorts || rng.chance(0.7) ? { text: `-j SNAT --to-source ${to}`, nat: true } : { text: `-j SNAT --to-source ${to}:${rng.pick([1024, 30000])}-${40000}`, needs: l4(), nat: true };
    }
    case 'MASQUERADE':
      return rng.chance(0.6)
        ? { text: `-j MASQUERADE${rng.chance(0.15) ? ' --random-fully' : ''}`, nat: true }
        : // a range holding the packet's source port keeps it; outside it, the kernel draws one (a known gap)
          { text: `-j MASQUERADE --to-ports ${rng.weighted([['1024-65535', 2], ['30000-40000', 2], ['5000-6000', 1]] as const)}`, needs: l4(), nat: true };
  }
}

/** kube-proxy's iptables mode for one to three Services (kubernetes pkg/proxy/iptables/proxier.go). */
function addKube(F: IptFamily, rng: Rng, tables: TablePlan[], interest: Interest): void {
  const nat = tables.find((t) => t.name === 'nat')!;
  const chain = (name: string): ChainPlan => {
    let c = nat.chains.find((x) => x.name === name);
    if (!c) nat.chains.push((c = { name, index: 100, rules: [], hooks: new Set(), entryAims: [] }));
    return c;
  };
  const at = (c: ChainPlan, rule: string, first = false) => (first ? c.rules.unshift(rule) : c.rules.push(rule));
  const services = chain('KUBE-SERVICES');
  const mark = chain('KUBE-MARK-MASQ');
  const post = chain('KUBE-POSTROUTING');
  at(chain('PREROUTING'), '-A PREROUTING -m comment --comment "kubernetes service portals" -j KUBE-SERVICES', rng.chance(0.7));
  at(chain('OUTPUT'), '-A OUTPUT -m comment --comment "kubernetes service portals" -j KUBE-SERVICES', rng.chance(0.7));
  at(chain('POSTROUTING'), '-A POSTROUTING -m comment --comment "kubernetes postrouting rules" -j KUBE-POSTROUTING', true);
  mark.rules.push('-A KUBE-MARK-MASQ -j MARK --or-mark 0x4000');
  post.rules.push(
    '-A KUBE-POSTROUTING -m mark ! --mark 0x4000/0x4000 -j RETURN',
    '-A KUBE-POSTROUTING -j MARK --xor-mark 0x4000',
    `-A KUBE-POSTROUTING -m comment --comment "kubernetes service traffic requiring SNAT" -j MASQUERADE${rng.chance(0.25) ? ' --random-fully' : ''}`,
  );
  const nSvc = rng.int(1, 3);
  const vips = rng.subset(F.vips, nSvc, nSvc);
  vips.forEach((vip, s) => {
    const proto = rng.pick(['tcp', 'udp'] as const);
    const port = rng.pick(SINGLE_PORTS).lo;
    const svc = chain(`KUBE-SVC-S${s}${seedTag(rng)}`);
    const comment = `"default/svc${s}:p cluster IP"`;
    const daddr = rng.chance(0.8) ? vip : rng.pick([F.hostAddr, F.hostLoAddr]);
    services.rules.push(`-A KUBE-SERVICES -d ${daddr}/${F.hostLen} -p ${proto} -m comment --comment ${comment} -m ${proto} --dport ${port} -j ${svc.name}`);
    interest.aims.push({ daddr, proto, dport: port, hooks: ['PREROUTING'], weight: 4 }, { daddr, proto, dport: port, hooks: ['OUTPUT'], weight: 2 });
    interest.ports.push(port);
    interest.addrs.push(daddr);
    if (rng.chance(0.6)) svc.rules.push(`-A ${svc.name} ! -s ${F.podCidr} -d ${daddr}/${F.hostLen} -p ${proto} -m comment --comment ${comment} -m ${proto} --dport ${port} -j KUBE-MARK-MASQ`);
    const nEp = rng.int(1, 3);
    for (let e = 0; e < nEp; e++) {
      const sep = chain(`KUBE-SEP-S${s}E${e}${seedTag(rng)}`);
      const left = nEp - e;
      const stat = left > 1 ? ` -m statistic --mode random --probability ${(1 / left).toFixed(11)}` : '';
      svc.rules.push(`-A ${svc.name} -m comment --comment "default/svc${s}:p -> ep${e}"${stat} -j ${sep.name}`);
      const ep = rng.pick(F.natTargets);
      sep.rules.push(`-A ${sep.name} -s ${ep}/${F.hostLen} -m comment --comment "default/svc${s}:p" -j KUBE-MARK-MASQ`);
      sep.rules.push(`-A ${sep.name} -p ${proto} -m comment --comment "default/svc${s}:p" -m ${proto} -j DNAT --to-destination ${F.addrPort(ep, rng.pick(SINGLE_PORTS).lo)}`);
    }
  });
  if (rng.chance(0.4)) services.rules.push('-A KUBE-SERVICES -m comment --comment "kubernetes service nodeports" -m addrtype --dst-type LOCAL -j KUBE-NODEPORTS'), chain('KUBE-NODEPORTS');
  const filter = tables.find((t) => t.name === 'filter');
  if (filter && rng.chance(0.6)) {
    const fwd = filter.chains.find((c) => c.name === 'FORWARD')!;
    fwd.rules.unshift('-A FORWARD -m comment --comment "kubernetes forwarding rules" -j KUBE-FORWARD');
    filter.chains.push({
      name: 'KUBE-FORWARD',
      index: 100,
      hooks: new Set(['FORWARD']),
      entryAims: [],
      rules: [
        '-A KUBE-FORWARD -m conntrack --ctstate INVALID -j DROP',
        '-A KUBE-FORWARD -m comment --comment "kubernetes forwarding rules" -m mark --mark 0x4000/0x4000 -j ACCEPT',
        '-A KUBE-FORWARD -m comment --comment "kubernetes forwarding conntrack rule" -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT',
      ],
    });
  }
}

/** Docker's bridge network rules (moby libnetwork iptables.go / bridge setup_ip_tables.go), with the oracle's
 *  server side (nso-h1, 203.0.113.0/24 or 2001:db8:2::/64) as the bridge and its .2 / ::2 as a container publishing a port. */
function addDocker(F: IptFamily, rng: Rng, tables: TablePlan[], interest: Interest): void {
  const br = HOST_SERVER_IF;
  const nat = tables.find((t) => t.name === 'nat')!;
  const filter = tables.find((t) => t.name === 'filter')!;
  const chainOf = (t: TablePlan, name: string): ChainPlan => {
    let c = t.chains.find((x) => x.name === name);
    if (!c) t.chains.push((c = { name, index: 100, rules: [], hooks: new Set(), entryAims: [] }));
    return c;
  };
  const published = rng.pick(SINGLE_PORTS).lo;
  const inner = rng.pick([80, 443, 53]);
  const proto = rng.pick(['tcp', 'udp'] as const);
  chainOf(nat, 'PREROUTING').rules.unshift('-A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER');
  chainOf(nat, 'OUTPUT').rules.unshift(`-A OUTPUT ! -d ${F.loopback} -m addrtype --dst-type LOCAL -j DOCKER`);
  chainOf(nat, 'POSTROUTING').rules.unshift(
    `-A POSTROUTING -s ${F.serverNet} ! -o ${br} -j MASQUERADE`,
    `-A POSTROUTING -s ${F.container}/${F.hostLen} -d ${F.container}/${F.hostLen} -p ${proto} -m ${proto} --dport ${inner} -j MASQUERADE`,
  );
  chainOf(nat, 'DOCKER').rules.push(`-A DOCKER -i ${br} -j RETURN`, `-A DOCKER ! -i ${br} -p ${proto} -m ${proto} --dport ${published} -j DNAT --to-destination ${F.addrPort(F.container, inner)}`);
  interest.aims.push({ daddr: F.hostAddr, proto, dport: published, hooks: ['PREROUTING'], weight: 4 }, { daddr: F.hostLoAddr, proto, dport: published, hooks: ['OUTPUT'], weight: 1 });
  interest.ports.push(published, inner);
  const fwd = chainOf(filter, 'FORWARD');
  fwd.policy = 'DROP';
  fwd.rules.unshift(
    '-A FORWARD -j DOCKER-USER',
    '-A FORWARD -j DOCKER-ISOLATION-STAGE-1',
    `-A FORWARD -o ${br} -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT`,
    `-A FORWARD -o ${br} -j DOCKER`,
    `-A FORWARD -i ${br} ! -o ${br} -j ACCEPT`,
    `-A FORWARD -i ${br} -o ${br} -j ACCEPT`,
  );
  chainOf(filter, 'DOCKER').rules.push(`-A DOCKER -d ${F.container}/${F.hostLen} ! -i ${br} -o ${br} -p ${proto} -m ${proto} --dport ${inner} -j ACCEPT`);
  chainOf(filter, 'DOCKER-ISOLATION-STAGE-1').rules.push(`-A DOCKER-ISOLATION-STAGE-1 -i ${br} ! -o ${br} -j DOCKER-ISOLATION-STAGE-2`, '-A DOCKER-ISOLATION-STAGE-1 -j RETURN');
  chainOf(filter, 'DOCKER-ISOLATION-STAGE-2').rules.push(`-A DOCKER-ISOLATION-STAGE-2 -o ${br} -j DROP`, '-A DOCKER-ISOLATION-STAGE-2 -j RETURN');
  chainOf(filter, 'DOCKER-USER').rules.push(...(rng.chance(0.4) ? [`-A DOCKER-USER -s ${F.dockerUserDrop} -j DROP`] : []), '-A DOCKER-USER -j RETURN');
}

/** kube-proxy names chains by a hash; a short random tag keeps that look. */
function seedTag(rng: Rng): string {
  return `-${rng.int(0, 0xffffff).toString(36).toUpperCase()}`;
}

function renderTable(t: TablePlan): string {
  const out = [`*${t.name}`];
  for (const c of t.chains) out.push(`:${c.name} ${c.builtin ? c.policy : '-'} [0:0]`);
  for (const c of t.chains) out.push(...c.rules);
  out.push('COMMIT', '');
  return out.join('\n');
}

// ---- packets ----

function generatePackets(F: IptFamily, rng: Rng, interest: Interest, options: OracleOptions): WirePacket[] {
  const { clientAddr: CLIENT_ADDR, hostAddr: HOST_ADDR, hostLoAddr: HOST_LO_ADDR, serverDaddrs: SERVER_DADDRS } = F;
  const n = rng.int(4, 8);
  const out: WirePacket[] = [];
  const from = <T>(list: readonly T[], p: number): T | undefined => (list.length && rng.chance(p) ? rng.pick(list) : undefined);
  const local = new Set([HOST_ADDR, HOST_LO_ADDR]);
  for (let i = 0; i < n; i++) {
    const id = i + 1;
    const aim = interest.aims.length && rng.chance(0.65) ? rng.weighted(interest.aims.map((a) => [a, a.weight ?? 1] as const)) : undefined;
    const origin = aim ? originFor(rng, aim) : rng.chance(0.22) ? 'local' : 'remote';
    const protocol = aim?.proto ?? rng.weighted([['tcp', 5], ['udp', 3], [F.icmp, 2]] as const);
    let saddr: string;
    let daddr: string;
    if (origin === 'remote') {
      saddr = aim?.saddr ?? from(interest.addrs, 0.3) ?? rng.weighted(F.remoteSources);
      if (local.has(saddr) && rng.chance(aim?.saddr ? 0.5 : 0.85)) saddr = CLIENT_ADDR;
      daddr =
        aim?.daddr ??
        (aim?.hooks.includes('FORWARD') ? rng.pick(SERVER_DADDRS) : aim?.hooks.includes('INPUT') ? rng.pick([HOST_ADDR, HOST_ADDR, HOST_LO_ADDR]) : undefined) ??
        from(interest.addrs, 0.5) ??
        rng.weighted([[HOST_ADDR, 4], [HOST_LO_ADDR, 1.5], [rng.pick(SERVER_DADDRS), 1.5], [rng.pick(F.elsewhere), 0.7]] as const);
      if (!aim?.daddr && !options.forward && !F.isHostLocal(daddr, options) && rng.chance(0.6)) daddr = rng.pick([HOST_ADDR, HOST_ADDR, HOST_LO_ADDR]);
    } else {
      saddr = aim?.saddr ?? rng.weighted(F.localSources);
      // a local packet needs a source the host owns (else the kernel's raw socket send still works, but keep it plausible)
      daddr =
        aim?.daddr ??
        (aim?.iif === 'lo' || aim?.hooks.includes('INPUT') ? HOST_LO_ADDR : undefined) ??
        from(interest.addrs, 0.4) ??
        rng.weighted([[CLIENT_ADDR, 4], [rng.pick(SERVER_DADDRS), 2], [HOST_LO_ADDR, 1.5], [HOST_ADDR, 0.5]] as const);
    }
    const p: WirePacket = { id, origin, family: F.family, saddr, daddr, protocol };
    if (protocol === 'tcp' || protocol === 'udp') {
      p.dport = aim?.dport ?? from(interest.ports, 0.75) ?? rng.pick([22, 53, 80, 443, 8080, 1500, 7000, 9050]);
      p.sport = aim?.sport ?? 30000 + id * 1000 + rng.int(0, 999);
      if (protocol === 'tcp') {
        p.tcpFlags = aim?.tcpFlags?.slice() ?? rng.weighted([[['syn'], 6], [['ack'], 1], [['syn', 'ack'], 1], [['rst'], 0.5], [['fin', 'ack'], 0.5], [['psh', 'ack'], 1]] as const).slice();
        if (p.tcpFlags.length === 0) p.tcpFlags = ['syn'];
      }
    } else {
      p.icmpType = aim?.icmpType ?? rng.weighted(F.icmpTypes);
      if (p.icmpType === F.unreachable.type) p.icmpCode = aim?.icmpCode ?? rng.pick(F.unreachable.codes);
    }
    const ttl = aim?.ttl ?? rng.weighted([[undefined, 17], [1, 1], [2, 1], [rng.int(3, 255), 1]] as const);
    if (ttl !== undefined) p.ttl = ttl;
    const length = aim?.length ?? (rng.chance(0.2) ? rng.int(60, 1400) : undefined);
    if (length !== undefined) p.length = length;
    out.push(p);
  }
  return out;
}
