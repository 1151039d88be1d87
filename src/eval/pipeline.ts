// The packet's path through the stack: hooks in order (netdev ingress, prerouting, routing, input or
// forward, postrouting, egress; for local packets routing, output, re-route, postrouting), and within each
// hook every base chain of every table that applies, sorted by priority, plus the kernel's own hook users:
// conntrack (-200), the NAT core (nat chains run from it, see below) and IPVS.
//
// Kernel facts modelled here (netfilter-semantics.md; re-checked on Linux 6.18 in a private netns):
// - equal priorities run in REVERSE registration order (nf_hook_entries_grow inserts a new hook before the
//   first existing one of equal or higher priority); nflens takes the dump order as the registration order
//   and flags every tie;
// - nat-type chains run from the NAT core's hook (prerouting/output -100, input/postrouting 100), ordered
//   among themselves by their priority; only for a packet whose entry is new; once a chain binds the
//   connection the remaining nat chains of that hook are not run at all (nf_nat_inet_fn: goto do_nat);
// - a packet neither local nor forwardable ends after prerouting without a verdict ("routing");
// - forwarding decrements the TTL before the forward hook.
// Imports eval modules below it.
import type { Chain, Family } from '../model/ir.ts';
import { formatIp, parseIp } from './addr.ts';
import { runBaseChain, type ChainEnd } from './chain.ts';
import { choose, note, type RunCtx } from './context.ts';
import { ESTABLISHED_STATUS, firstPacketState } from './conntrack.ts';
import { ipv6ReceiveDrop, isBroadcast, isLocalAddress, isLoopbackAddress, isMulticast, martianSource, primaryAddress, routeOif } from './host.ts';
import { IPVS_PRIORITY, describeService, findService, schedulingShares } from './ipvs.ts';
import type { Packet } from './packet.ts';
import type { PreparedTable } from './prepare.ts';
import { addrKey, addrOf, diffViews, formatAddr, l4Name, portKey, viewOf } from './state.ts';
import type { Fate, Step } from './trace.ts';
import { lookupTable } from '../model/lookup.ts';

type Entry =
  | { readonly kind: 'chain'; readonly pt: PreparedTable; readonly chain: Chain; readonly priority: number; readonly reg: number }
  | { readonly kind: 'conntrack'; readonly priority: number; readonly reg: number }
  | { readonly kind: 'nat'; readonly manip: 'dst' | 'src'; readonly priority: number; readonly reg: number; readonly chains: readonly { pt: PreparedTable; chain: Chain; priority: number; reg: number }[] }
  | { readonly kind: 'ipvs'; readonly priority: number; readonly reg: number };

/** Where the NAT core hooks in (nf_nat_ipv4_ops): destination NAT before routing, source NAT after. */
const NAT_CORE: Readonly<Record<string, readonly ['dst' | 'src', number]>> = lookupTable({
  prerouting: ['dst', -100],
  output: ['dst', -100],
  input: ['src', 100],
  postrouting: ['src', 100],
});

const CONNTRACK_PRIORITY = -200;
const LATE = Number.MAX_SAFE_INTEGER;

function familiesFor(ctx: RunCtx, hook: string): Family[] {
  if (hook === 'ingress' || hook === 'egress') return ['netdev', 'inet'];
  if (ctx.pkt.l3 === 'arp') return ['arp'];
  return ctx.pkt.l3 === 'ip' ? ['ip', 'inet'] : ['ip6', 'inet'];
}

function collect(ctx: RunCtx, hook: string, opts: { skipIpvs?: boolean; bridge?: boolean }): Entry[] {
  const fams = opts.bridge ? ['bridge'] : familiesFor(ctx, hook);
  const entries: Entry[] = [];
  const nat: { pt: PreparedTable; chain: Chain; priority: number; reg: number }[] = [];
  const device = hook === 'ingress' ? ctx.pkt.iif : hook === 'egress' ? ctx.pkt.oif : undefined;
  for (const pt of ctx.prepared.tables) {
    if (!fams.includes(pt.table.family)) continue;
    for (const { chain, index: ci, spec: b } of pt.baseChains) {
      if (b.hook !== hook) continue;
      if (hook === 'ingress' || hook === 'egress') {
        if (pt.table.family === 'inet' && hook === 'egress') continue;
        const devs = b.devices ?? [];
        if (device === null) continue;
        if (device === undefined) note(ctx, `${hook} chain ${pt.table.family} ${pt.table.name}/${chain.name} assumed to be on the packet's device (device not given)`);
        else if (!devs.includes(device)) continue;
      }
      const reg = pt.order * 1_000_000 + ci;
      if (b.type === 'nat' && !opts.bridge && NAT_CORE[hook] && ctx.pkt.l3 !== 'arp') nat.push({ pt, chain, priority: b.priority.value, reg });
      else entries.push({ kind: 'chain', pt, chain, priority: b.priority.value, reg });
    }
  }
  const l3 = !opts.bridge && ctx.pkt.l3 !== 'arp' && hook !== 'ingress' && hook !== 'egress';
  if (l3 && (hook === 'prerouting' || hook === 'output')) {
    // registered with the first rule that needs conntrack; LATE when the user forced it on
    const reg = ctx.prepared.conntrack.registeredAt[ctx.pkt.l3 === 'ip6' ? 'ip6' : 'ip'] ?? LATE;
    entries.push({ kind: 'conntrack', priority: CONNTRACK_PRIORITY, reg });
  }
  const natReg = l3 && NAT_CORE[hook] ? natCoreRegistration(ctx, fams) : undefined;
  if (natReg !== undefined) {
    nat.sort(byPriority);
    entries.push({ kind: 'nat', manip: NAT_CORE[hook]![0], priority: NAT_CORE[hook]![1], reg: natReg, chains: nat });
  }
  if (l3 && !opts.skipIpvs && ctx.prepared.ipvs.length) {
    if (hook === 'input') entries.push({ kind: 'ipvs', priority: IPVS_PRIORITY.inputRequest, reg: LATE });
    if (hook === 'output') entries.push({ kind: 'ipvs', priority: IPVS_PRIORITY.outputRequest, reg: LATE });
  }
  return entries.sort(byPriority);
}

/** When the NAT core's hooks were registered for the packet's family, if they were: together with the first
 *  nat chain of the family (ip or inet for IPv4), on all four NAT hooks at once — nf_nat_register_fn registers
 *  every entry of nf_nat_ipv4_ops for the first user. So a hook without nat chains still runs the NAT core,
 *  which gives the connection a null binding there (nf_nat_inet_fn: `goto null_bind`): a looped-back local
 *  packet meets no nat chain on prerouting or input (observed on Linux 6.18). */
function natCoreRegistration(ctx: RunCtx, fams: readonly string[]): number | undefined {
  for (const pt of ctx.prepared.tables) {
    if (!fams.includes(pt.table.family)) continue;
    for (const { index, spec } of pt.baseChains) if (spec.type === 'nat' && NAT_CORE[spec.hook]) return pt.order * 1_000_000 + index;
  }
  return undefined;
}

/** Lower priority first; equal priorities: the later registered first. */
function byPriority(a: { priority: number; reg: number }, b: { priority: number; reg: number }): number {
  return a.priority - b.priority || b.reg - a.reg;
}

function entryLabel(e: Entry): string {
  switch (e.kind) {
    case 'chain':
      return `${e.pt.table.family} ${e.pt.table.name}/${e.chain.name} (${e.priority})`;
    case 'conntrack':
      return `conntrack (${e.priority})`;
    case 'nat':
      return `NAT core (${e.priority}): ${e.chains.map((c) => `${c.pt.table.family} ${c.pt.table.name}/${c.chain.name} (${c.priority})`).join(', ') || 'no nat chain on this hook'}`;
    case 'ipvs':
      return `IPVS (${e.priority})`;
  }
}

function tiesOf(entries: readonly Entry[]): string | undefined {
  const groups: string[] = [];
  const check = (list: readonly { priority: number }[], label: (i: number) => string) => {
    for (let i = 1; i < list.length; i++) {
      if (list[i]!.priority === list[i - 1]!.priority) groups.push(`${label(i - 1)} and ${label(i)} at priority ${list[i]!.priority}`);
    }
  };
  check(entries, (i) => entryLabel(entries[i]!).replace(/ \(-?\d+\).*$/, ''));
  for (const e of entries) if (e.kind === 'nat') check(e.chains, (i) => `nat chain ${e.chains[i]!.pt.table.name}/${e.chains[i]!.chain.name}`);
  if (!groups.length) return undefined;
  return `equal priorities: ${groups.join('; ')}. The kernel runs equal priorities in reverse registration order; nflens assumes the dump order is the registration order (later first).`;
}

function fateOf(end: Exclude<ChainEnd, { kind: 'accept' }>): Fate {
  switch (end.kind) {
    case 'drop':
      return { verdict: 'drop', where: end.where, reason: end.reason, kind: 'dropped' };
    case 'reject':
      return { verdict: 'drop', where: end.where, reason: end.reason, kind: 'rejected' };
    case 'queue':
      return { verdict: 'none', where: end.where, reason: end.reason, kind: 'queued' };
    case 'stolen':
      return { verdict: 'none', where: end.where, reason: end.reason, kind: 'stolen' };
    case 'abort':
      return end.fate;
  }
}

function push(ctx: RunCtx, step: Step): void {
  ctx.steps.push(step);
}

/** Runs every entry of a hook; returns the packet's fate if the hook ends it. */
function runHook(ctx: RunCtx, hook: string, opts: { skipIpvs?: boolean; bridge?: boolean } = {}): Fate | undefined {
  const entries = collect(ctx, hook, opts);
  ctx.hook = hook;
  if (!entries.length) return undefined;
  const tie = tiesOf(entries);
  push(ctx, { kind: 'hook', hook, family: opts.bridge ? 'bridge' : ctx.pkt.l3 === 'arp' ? 'arp' : ctx.pkt.l3, text: `${hook}: ${entries.map(entryLabel).join(', ')}`, ...(tie ? { tie } : {}) });
  for (const e of entries) {
    ctx.hook = hook;
    // Locally generated packets are routed again inside OUTPUT where something changed them: by the NAT core
    // after a DNAT (nf_nat_ipv4_local_fn), by a `type route` chain after it changed addresses or the mark
    // (nft_chain_route_ipv4, iptables' mangle OUTPUT). A failure drops the packet there.
    const reroutes = hook === 'output' && !opts.bridge && ctx.pkt.origin === 'local' && (e.kind === 'nat' || (e.kind === 'chain' && e.pt.bases.get(e.chain)?.type === 'route'));
    const before = reroutes ? routeKeys(ctx) : '';
    switch (e.kind) {
      case 'chain': {
        const end = runBaseChain(ctx, e.pt, e.chain, hook, e.priority);
        if (end.kind !== 'accept') return fateOf(end);
        break;
      }
      case 'conntrack':
        runConntrack(ctx, hook);
        break;
      case 'nat': {
        const f = runNat(ctx, hook, e);
        if (f) return f;
        break;
      }
      case 'ipvs': {
        const f = runIpvs(ctx, hook);
        if (f) return f;
        break;
      }
    }
    if (reroutes && routeKeys(ctx) !== before) {
      const f = rerouteLocal(ctx, e.kind === 'nat' ? 're-routing after the destination NAT' : `re-routing after ${e.kind === 'chain' ? `route chain ${e.pt.table.name}/${e.chain.name}` : 'a change'}`);
      if (f) return f;
    }
  }
  return undefined;
}

/** What a re-route looks at: the NAT core re-routes when the destination changed, a route chain when the
 *  addresses, the mark or the TOS did. */
function routeKeys(ctx: RunCtx): string {
  const p = ctx.pkt;
  return `${addrOf(p, 'saddr')} ${addrOf(p, 'daddr')} ${p.meta.get('mark')} ${p.hdr.get('ip dscp')}`;
}

/** Routes a locally generated packet (again): the output device of its destination, lo when it is local. */
function rerouteLocal(ctx: RunCtx, why: string): Fate | undefined {
  const p = ctx.pkt;
  const fam = p.l3 === 'ip6' ? 'ip6' : 'ip';
  const d = addrOf(p, 'daddr');
  const oif = d !== undefined && (isLocalAddress(ctx.host, fam, d) || p.forcedLocal) ? 'lo' : d !== undefined ? routeOif(ctx.host, fam, d) : undefined;
  ctx.reroutedOif = { oif };
  push(ctx, { kind: 'routing', hook: 'output', family: fam, text: `${why}: ${oif ? `output via ${oif}` : 'output interface unknown'}${oif === 'lo' ? ' (local destination)' : ''}` });
  // ip_route_me_harder() fails: the packet is dropped in OUTPUT, without a verdict (observed on Linux 6.18)
  if (!oif && ctx.host.routesKnown) return { verdict: 'drop', where: 'routing', reason: `no route to ${addrText(ctx, 'daddr')} after output changed the packet: dropped by re-routing`, kind: 'no-route' };
  return undefined;
}

function runConntrack(ctx: RunCtx, hook: string): void {
  const ct = ctx.ct;
  const fam = ctx.pkt.l3 === 'ip6' ? 'ip6' : 'ip';
  const step = (text: string) => push(ctx, { kind: 'conntrack', hook, family: fam, text });
  if (!ct.active) {
    step(`conntrack is not enabled for ${fam === 'ip' ? 'IPv4' : 'IPv6'} (no rule uses ct or NAT): the packet gets no entry, nat chains are not run`);
    return;
  }
  if (ct.attached) {
    step(ct.state === 'untracked' ? 'untracked (notrack): conntrack leaves the packet alone' : `already tracked: ct state ${ct.state}`);
    return;
  }
  const d = ct.stated ? { state: ct.state, reason: 'as stated' } : firstPacketState(ctx.pkt);
  ct.state = d.state;
  ct.attached = true;
  const p = ctx.pkt;
  const sk = portKey(p, 'sport');
  const dk = portKey(p, 'dport');
  ct.orig = {
    saddr: addrOf(p, 'saddr') ?? 0n,
    daddr: addrOf(p, 'daddr') ?? 0n,
    ...(sk && p.hdr.has(sk) ? { sport: p.hdr.get(sk)! } : {}),
    ...(dk && p.hdr.has(dk) ? { dport: p.hdr.get(dk)! } : {}),
    ...(p.l4 !== undefined ? { proto: p.l4 } : {}),
  };
  step(`conntrack: ct state ${d.state} (${d.reason})`);
}

function runNat(ctx: RunCtx, hook: string, e: Extract<Entry, { kind: 'nat' }>): Fate | undefined {
  const ct = ctx.ct;
  const fam = ctx.pkt.l3 === 'ip6' ? 'ip6' : 'ip';
  const skip = (why: string) => {
    push(ctx, { kind: 'nat', hook, family: fam, text: `nat chains not run: ${why}` });
    return undefined;
  };
  if (!ct.active) return skip('conntrack is not enabled, so the NAT core sees no entry');
  if (!ct.attached || ct.state === 'invalid') return skip('the packet is invalid (no conntrack entry)');
  if (ct.state === 'untracked') return skip('the packet is untracked');
  if (ct.state === 'established' || ct.state === 'related') return skip(`${ct.state} connection: its NAT comes from the conntrack entry (nat chains see only the first packet)`);
  const done = e.manip === 'dst' ? ct.natDst : ct.natSrc;
  if (done) return skip(`the connection already has its ${e.manip === 'dst' ? 'destination' : 'source'} NAT binding`);
  ctx.natManip = e.manip;
  ctx.natBound = false;
  try {
    for (let i = 0; i < e.chains.length; i++) {
      const c = e.chains[i]!;
      const end = runBaseChain(ctx, c.pt, c.chain, hook, c.priority);
      if (end.kind !== 'accept') return fateOf(end);
      if (ctx.natBound) {
        const rest = e.chains.slice(i + 1);
        if (rest.length) push(ctx, { kind: 'nat', hook, family: fam, text: `nat chains not run after the binding: ${rest.map((r) => `${r.pt.table.name}/${r.chain.name}`).join(', ')} (the first binding wins)` });
        break;
      }
    }
    if (!ctx.natBound) {
      const why = e.chains.length ? '' : ` (no nat chain on ${hook}: the NAT core, registered on every NAT hook with the first nat chain, binds anyway)`;
      push(ctx, { kind: 'nat', hook, family: fam, text: `no ${e.manip === 'dst' ? 'destination' : 'source'} NAT: null binding (addresses unchanged)${why}` });
    }
  } finally {
    ctx.natManip = undefined;
  }
  if (e.manip === 'dst') ct.natDst = true;
  else ct.natSrc = true;
  return undefined;
}

/** IPVS request hook: schedules a new connection to a real server, rewrites it (masq) and sends it on:
 *  ip_vs_nat_xmit re-injects it into LOCAL_OUT (OUTPUT, then POSTROUTING), unless the real server is local. */
function runIpvs(ctx: RunCtx, hook: string): Fate | undefined {
  const p = ctx.pkt;
  const svc = findService(ctx.prepared.ipvs, p);
  if (!svc) return undefined;
  const fam = p.l3 === 'ip6' ? 'ip6' : 'ip';
  const step = (s: Omit<Step, 'kind' | 'hook' | 'family'>) => push(ctx, { kind: 'ipvs', hook, family: fam, ...s });
  const flags = p.hdr.get('tcp flags');
  if (p.l4 === 6 && flags !== undefined && (flags & 2n) === 0n && ctx.ct.state === 'new') {
    step({ text: `IPVS ${describeService(svc)}: no IPVS connection and not a SYN, not scheduled` });
    return undefined;
  }
  const shares = schedulingShares(svc);
  if (!shares.length) {
    step({ text: `IPVS ${describeService(svc)}: no real server with weight > 0: dropped` });
    return { verdict: 'drop', where: `${hook}/ipvs`, reason: `IPVS ${describeService(svc)} has no available real server`, kind: 'dropped' };
  }
  const i = choose(ctx, {
    kind: 'ipvs',
    label: `IPVS ${describeService(svc)}`,
    alternatives: shares.map((s) => ({ label: `${s.real.addr}:${s.real.port} (${s.real.method}, weight ${s.real.weight})`, share: s.share })),
    defaultIndex: 0,
  });
  const real = shares[i]!.real;
  const before = viewOf(p, ctx.ct);
  const ra = real.addr;
  const parsed = p.l3 === 'ip6' ? ra.replace(/^\[|\]$/g, '') : ra;
  const target = parseIp(parsed);
  if (real.method === 'masq' && target && target.family === p.l3) {
    p.hdr.set(addrKey(p, 'daddr'), target.value);
    const dk = portKey(p, 'dport');
    if (dk && real.port) p.hdr.set(dk, BigInt(real.port));
    ctx.ct.status |= 0x20n;
  }
  const diff = diffViews(before, viewOf(p, ctx.ct));
  step({
    text: `IPVS ${describeService(svc)} → ${real.addr}:${real.port} (${real.method}${real.method === 'route' ? ': direct routing, only the MAC changes' : real.method === 'tunnel' ? ': IPIP-encapsulated to the real server' : ''})`,
    ...(diff ? { packetBefore: diff.before, packetAfter: diff.after } : {}),
  });
  if (target && isLocalAddress(ctx.host, target.family, target.value)) return undefined;
  if (!ctx.options.ipvsConntrack) {
    ctx.ct.state = 'untracked';
    note(ctx, 'IPVS without conntrack (net.ipv4.vs.conntrack=0): the packet continues untracked');
  }
  push(ctx, { kind: 'routing', hook, family: fam, text: 'IPVS transmits the packet: it re-enters the OUTPUT hook, then POSTROUTING (ip_vs_nat_send_or_cont)' });
  const f = runHook(ctx, 'output', { skipIpvs: true });
  if (f) return f;
  p.oif = target ? routeOif(ctx.host, target.family, target.value) : p.oif;
  const f2 = runHook(ctx, 'postrouting');
  if (f2) return f2;
  const f3 = runHook(ctx, 'egress');
  if (f3) return f3;
  return { verdict: 'accept', where: 'postrouting', reason: `forwarded by IPVS to real server ${real.addr}:${real.port}${p.oif ? ` via ${p.oif}` : ''}`, kind: 'forwarded' };
}

function addrText(ctx: RunCtx, which: 'saddr' | 'daddr'): string {
  const v = addrOf(ctx.pkt, which);
  return v === undefined ? `(${which} unknown)` : formatAddr(ctx.pkt, v);
}

function destination(ctx: RunCtx): string {
  const p = ctx.pkt;
  const dk = portKey(p, 'dport');
  const port = dk ? p.hdr.get(dk) : undefined;
  return `${addrText(ctx, 'daddr')}${port !== undefined ? ` ${l4Name(p)} port ${port}` : l4Name(p) ? ` (${l4Name(p)})` : ''}`;
}

/** The routing decision for an arriving packet. */
function routeInput(ctx: RunCtx, packet: Packet): 'local' | 'forward' | Fate {
  const p = ctx.pkt;
  const fam = p.l3 === 'ip6' ? 'ip6' : 'ip';
  const step = (text: string) => push(ctx, { kind: 'routing', hook: 'routing', family: fam, text });
  if (p.l3 === 'arp') return 'local';
  const s = addrOf(p, 'saddr');
  const d = addrOf(p, 'daddr');
  const fromLo = p.iif === 'lo';
  const drop = (reason: string): Fate => {
    step(`routing: ${reason}: dropped`);
    return { verdict: 'drop', where: 'routing', reason, kind: 'no-route' };
  };
  const martian = s !== undefined ? martianSource(ctx.host, fam, s, fromLo) : undefined;
  if (martian) return drop(`martian source ${formatIp(fam, s!)} (${martian}, arriving on ${p.iif ?? 'an interface'})`);
  if (!fromLo && d !== undefined && isLoopbackAddress(fam, d)) return drop(`martian destination ${formatIp(fam, d)} (loopback address from ${p.iif ?? 'outside'})`);
  let local: boolean;
  if (d === undefined && !p.forcedLocal) {
    const i = choose(ctx, {
      kind: 'unknown',
      label: 'routing decision (destination address not given)',
      alternatives: [
        { label: 'local delivery', share: null },
        { label: ctx.host.forwarding ? 'forward' : 'not local (dropped: forwarding off)', share: null },
      ],
      defaultIndex: 0,
    });
    local = i === 0;
  } else if (!p.forcedLocal && fam === 'ip' && d !== undefined && isMulticast(fam, d) && d !== ALL_HOSTS_GROUP) {
    // ip_route_input_rcu(): a multicast destination is received only when the input device has joined the
    // group (ip_check_mc_rcu), else dropped (-EINVAL; no multicast routing daemon here). Every IPv4 device
    // joins 224.0.0.1 (igmp.c ip_mc_up → IGMP_ALL_HOSTS); other groups depend on sockets the model lacks.
    const i = choose(ctx, {
      kind: 'unknown',
      label: `routing: has ${p.iif ?? 'the input device'} joined multicast group ${addrText(ctx, 'daddr')}?`,
      alternatives: [
        { label: 'joined: local delivery', share: null },
        { label: 'not joined: dropped', share: null },
      ],
      defaultIndex: 1,
    });
    if (i === 1) return drop(`multicast group ${addrText(ctx, 'daddr')} not joined on ${p.iif ?? 'the input device'}`);
    local = true;
  } else local = p.forcedLocal || (d !== undefined && (isLocalAddress(ctx.host, fam, d) || isBroadcast(ctx.host, fam, d) || isMulticast(fam, d)));
  if (local) {
    p.oif = null;
    step(`routing: ${addrText(ctx, 'daddr')} is local: input path`);
    return 'local';
  }
  if (!ctx.host.forwarding) return drop(`${addrText(ctx, 'daddr')} is not a local address and IP forwarding is off`);
  const oif = packet.oif ?? (d !== undefined ? routeOif(ctx.host, fam, d) : undefined);
  if (!oif && ctx.host.routesKnown) return drop(`no route to ${addrText(ctx, 'daddr')}`);
  p.oif = oif;
  step(`routing: ${addrText(ctx, 'daddr')} is not local: forward path${oif ? ` via ${oif}` : ' (output interface unknown)'}`);
  return 'forward';
}

/** 224.0.0.1, joined by every IPv4 device. */
const ALL_HOSTS_GROUP = 0xe0000001n;

function decrementTtl(ctx: RunCtx): Fate | undefined {
  const p = ctx.pkt;
  const key = p.l3 === 'ip' ? 'ip ttl' : p.l3 === 'ip6' ? 'ip6 hoplimit' : undefined;
  if (!key) return undefined;
  const ttl = p.hdr.get(key);
  if (ttl === undefined) return undefined;
  if (ttl <= 1n) {
    push(ctx, { kind: 'routing', hook: 'routing', family: p.l3 as Family, text: `routing: ${key} ${ttl} expires on forwarding (ICMP time exceeded): dropped` });
    return { verdict: 'drop', where: 'routing', reason: `${key} expired`, kind: 'ttl-expired' };
  }
  p.hdr.set(key, ttl - 1n);
  return undefined;
}

function runRemote(ctx: RunCtx, packet: Packet, reinjected: boolean): Fate {
  const p = ctx.pkt;
  if (!reinjected) {
    const f = runHook(ctx, 'ingress');
    if (f) return f;
  }
  if (packet.bridged) return runBridge(ctx, packet);
  if (p.l3 === 'arp') {
    const f = runHook(ctx, 'input');
    return f ?? { verdict: 'accept', where: 'input', reason: 'ARP delivered locally', kind: 'delivered' };
  }
  p.oif = null;
  if (p.l3 === 'ip6' && p.iif !== 'lo') {
    const why = ipv6ReceiveDrop(addrOf(p, 'saddr'), addrOf(p, 'daddr'));
    if (why) {
      const reason = `IPv6 receive: ${why} from ${p.iif ?? 'outside'} (ip6_rcv_core drops it before prerouting)`;
      push(ctx, { kind: 'routing', hook: 'routing', family: 'ip6', text: `${reason}: dropped` });
      return { verdict: 'drop', where: 'routing', reason, kind: 'no-route' };
    }
  }
  const f1 = runHook(ctx, 'prerouting');
  if (f1) return f1;
  const r = routeInput(ctx, packet);
  if (typeof r !== 'string') return r;
  if (r === 'local') {
    const f = runHook(ctx, 'input');
    if (f) return f;
    return { verdict: 'accept', where: 'input', reason: `delivered locally to ${destination(ctx)}`, kind: 'delivered' };
  }
  const t = decrementTtl(ctx);
  if (t) return t;
  const f2 = runHook(ctx, 'forward');
  if (f2) return f2;
  const f3 = runHook(ctx, 'postrouting');
  if (f3) return f3;
  const f4 = runHook(ctx, 'egress');
  if (f4) return f4;
  return { verdict: 'accept', where: 'postrouting', reason: `forwarded to ${destination(ctx)}${p.oif ? ` via ${p.oif}` : ''}`, kind: 'forwarded' };
}

function runBridge(ctx: RunCtx, packet: Packet): Fate {
  note(ctx, 'bridged frame: bridge family hooks prerouting → forward → postrouting (br_netfilter off; local delivery through the bridge is not modelled)');
  ctx.pkt.oif = packet.oif;
  for (const hook of ['prerouting', 'forward', 'postrouting']) {
    const f = runHook(ctx, hook, { bridge: true });
    if (f) return f;
  }
  return { verdict: 'accept', where: 'postrouting', reason: `bridged${packet.oif ? ` out of ${packet.oif}` : ''}`, kind: 'forwarded' };
}

function runLocal(ctx: RunCtx, packet: Packet): Fate {
  const p = ctx.pkt;
  const fam = p.l3 === 'ip6' ? 'ip6' : 'ip';
  if (p.l3 === 'arp') {
    const f = runHook(ctx, 'output');
    return f ?? { verdict: 'accept', where: 'output', reason: 'ARP sent', kind: 'sent' };
  }
  if (addrOf(p, 'saddr') === undefined) {
    const src = primaryAddress(ctx.host, fam);
    if (src !== undefined) {
      p.hdr.set(addrKey(p, 'saddr'), src);
      note(ctx, `source address not given: ${formatIp(fam, src)} (the host's first address)`);
    }
  }
  const route = (why: string) => {
    const d = addrOf(p, 'daddr');
    const oif = d !== undefined && (isLocalAddress(ctx.host, fam, d) || p.forcedLocal) ? 'lo' : (packet.oif ?? (d !== undefined ? routeOif(ctx.host, fam, d) : undefined));
    p.oif = oif;
    push(ctx, { kind: 'routing', hook: 'routing', family: fam, text: `${why}: ${oif ? `output via ${oif}` : 'output interface unknown'}${oif === 'lo' ? ' (local destination)' : ''}` });
  };
  p.iif = null;
  route('routing');
  if (!p.oif && ctx.host.routesKnown) return { verdict: 'drop', where: 'routing', reason: `no route to ${addrText(ctx, 'daddr')}: the socket gets an error, no packet is sent`, kind: 'no-route' };
  const f1 = runHook(ctx, 'output');
  if (f1) return f1;
  if (ctx.reroutedOif !== undefined) {
    p.oif = ctx.reroutedOif.oif;
    ctx.reroutedOif = undefined;
  }
  const f2 = runHook(ctx, 'postrouting');
  if (f2) return f2;
  if (p.oif === 'lo') {
    // Looped back: the packet re-enters through lo (prerouting, input); its conntrack entry and NAT
    // bindings come along. The kernel traces it under a new trace id. The entry was confirmed on the way out
    // (nf_confirm runs last on postrouting: __nf_conntrack_confirm sets IPS_CONFIRMED), and nf_conntrack_in
    // keeps the attached entry of a looped-back packet ("Previously seen (loopback or untracked)? Ignore."),
    // so `ct status confirmed` holds from its first prerouting chain on, even before priority -200.
    if (ctx.ct.attached && ctx.ct.state !== 'invalid' && ctx.ct.state !== 'untracked') ctx.ct.status |= 0x8n;
    p.iif = 'lo';
    p.oif = null;
    p.hasL2 = true;
    p.hdr.set('ether saddr', 0n);
    p.hdr.set('ether daddr', 0n);
    p.hdr.set('ether type', fam === 'ip' ? 0x0800n : 0x86ddn);
    push(ctx, { kind: 'routing', hook: 'routing', family: fam, text: 'looped back through lo: the packet re-enters prerouting', reinjected: true });
    const f = runRemote(ctx, { ...packet, origin: 'remote', iif: 'lo' }, true);
    return f.kind === 'delivered' ? { ...f, reason: `${f.reason} (locally generated, via lo)` } : f;
  }
  const f3 = runHook(ctx, 'egress');
  if (f3) return f3;
  return { verdict: 'accept', where: 'postrouting', reason: `sent to ${destination(ctx)}${p.oif ? ` via ${p.oif}` : ''}`, kind: 'sent' };
}

/** The whole path of one packet. */
export function runPipeline(ctx: RunCtx, packet: Packet): Fate {
  const ct = ctx.ct;
  if (ct.stated && ct.state !== 'new' && ct.status === 0n && ct.state !== 'invalid' && ct.state !== 'untracked') ct.status = ESTABLISHED_STATUS;
  return packet.origin === 'local' ? runLocal(ctx, packet) : runRemote(ctx, packet, false);
}
