// Turns `nft -a monitor trace` lines into one KernelTrace per packet (split by trace id, mapped by IP id or IPv6
// flow label, fate decided); pure, imports only the oracle's types and listing helpers.
import { chainKey } from './listing.ts';
import type { Fate, Hook, KernelStep, KernelTrace, ListedChain, TracedPacket } from './traceTypes.ts';

/** One line of `nft monitor trace` output, split into its parts. */
export interface TraceLine {
  traceId: string;
  family: string;
  table: string;
  chain: string;
  kind: KernelStep['kind'];
  handle?: number;
  verdict?: string;
  /** Rule text as the monitor printed it (absent for `unknown rule handle N`), packet text, or policy. */
  text: string;
  mark?: number;
  packet?: TracedPacket;
  raw: string;
}

const LINE = /^trace id (\S+) (\S+) (\S+) (\S+) (.*)$/;

/** Parses one monitor line; undefined for anything else (markers, blank lines, monitor chatter). */
export function parseTraceLine(raw: string): TraceLine | undefined {
  const line = raw.replace(/\s+$/, '');
  const m = LINE.exec(line);
  if (!m) return undefined;
  const [, traceId, family, table, chain, rest] = m as unknown as [string, string, string, string, string, string];
  const base = { traceId, family, table, chain, raw: line };
  if (rest.startsWith('packet: ')) {
    const text = rest.slice('packet: '.length);
    return { ...base, kind: 'packet', text, packet: readPacketFields(text) };
  }
  let p = /^policy (\w+)(.*)$/.exec(rest);
  if (p) return { ...base, kind: 'policy', verdict: p[1]!, text: p[1]!, ...readMark(p[2]!) };
  // `rule TEXT # handle N (verdict V) [meta mark 0x..]` or, for rules the monitor's cache does not know,
  // `unknown rule handle N (verdict V)`. The verdict is the last parenthesised group.
  p = /^(?:rule (.*?)(?: # handle (\d+))?|unknown rule handle (\d+)) \(verdict ([^()]*)\)(.*)$/.exec(rest);
  if (p) {
    const handle = p[2] ?? p[3];
    return {
      ...base,
      kind: 'rule',
      text: p[1] ?? '',
      verdict: p[4]!.trim(),
      ...(handle !== undefined ? { handle: Number(handle) } : {}),
      ...readMark(p[5]!),
    };
  }
  return { ...base, kind: 'other', text: rest };
}

function readMark(tail: string): { mark?: number } {
  const m = /meta mark (0x[0-9a-f]+)/.exec(tail);
  return m ? { mark: parseInt(m[1]!, 16) } : {};
}

const FIELDS: [keyof TracedPacket, RegExp, 'num' | 'str'][] = [
  ['iif', /\biif "([^"]+)"/, 'str'],
  ['oif', /\boif "([^"]+)"/, 'str'],
  ['saddr', /\bip6? saddr (\S+)/, 'str'],
  ['daddr', /\bip6? daddr (\S+)/, 'str'],
  ['ttl', /\b(?:ip ttl|ip6 hoplimit) (\d+)/, 'num'],
  ['ipId', /\bip id (\d+)/, 'num'],
  ['flowLabel', /\bip6 flowlabel (\d+)/, 'num'],
  // IPv4: total length; IPv6: payload length (as the monitor prints them)
  ['length', /\bip6? length (\d+)/, 'num'],
  ['sport', /\b(?:tcp|udp) sport (\d+)/, 'num'],
  ['dport', /\b(?:tcp|udp) dport (\d+)/, 'num'],
  ['tcpFlags', /\btcp flags == (.+?) tcp window/, 'str'],
  ['icmpType', /\bicmp(?:v6)? type (\S+)/, 'str'],
  ['icmpCode', /\bicmp(?:v6)? code (\S+)/, 'str'],
];

/** Fields of a `packet:` line. `ip protocol` is printed for inet tables only, so the protocol is read from
 * whichever transport header is printed. */
export function readPacketFields(text: string): TracedPacket {
  const out: Record<string, string | number> = {};
  for (const [key, re, kind] of FIELDS) {
    const m = re.exec(text);
    if (m) out[key] = kind === 'num' ? Number(m[1]) : m[1]!;
  }
  const proto = /\b(tcp|udp|icmpv6|icmp) (?:sport|type)\b/.exec(text) ?? /\b(?:ip protocol|ip6 nexthdr) (\S+)/.exec(text);
  if (proto) out.protocol = proto[1]!;
  return out as TracedPacket;
}

/** The harness' own table (tracer.ts): which of its chains start a packet's trace, and the hook of each. */
export interface TracerInfo {
  family: string;
  table: string;
  /** Chains where a traced packet's journey starts (the nftrace-setting chains). */
  entryChains: ReadonlySet<string>;
  hooks: ReadonlyMap<string, Hook>;
  /** End-of-hook observer chains (run last on their hook): name -> hook. */
  endChains: ReadonlyMap<string, Hook>;
}

/** All trace lines of one packet's pass through the stack under one trace id. */
export interface TraceInstance {
  traceId: string;
  /** The case id: the IPv4 id, or the IPv6 flow label (pkt.py puts the id there). */
  ipId?: number;
  lines: TraceLine[];
}

/** Groups lines by trace id. Trace ids are derived from the skb and get reused (kernel-oracle.md: 29 in 5000
 * packets), so a `packet:` line starts a new instance when it is for a chain this id already entered, or for
 * one of the tracer's entry chains (every pass of a test packet starts there). */
export function groupInstances(lines: readonly TraceLine[], tracer?: TracerInfo): TraceInstance[] {
  const current = new Map<string, TraceInstance>();
  const entered = new Map<TraceInstance, Set<string>>();
  const out: TraceInstance[] = [];
  for (const l of lines) {
    const where = chainKey(l.family, l.table, l.chain);
    let inst = current.get(l.traceId);
    const isEntry = tracer !== undefined && l.family === tracer.family && l.table === tracer.table && tracer.entryChains.has(l.chain);
    if (inst === undefined || (l.kind === 'packet' && (isEntry || entered.get(inst)!.has(where)))) {
      inst = { traceId: l.traceId, lines: [] };
      current.set(l.traceId, inst);
      entered.set(inst, new Set());
      out.push(inst);
    }
    if (l.kind === 'packet') {
      entered.get(inst)!.add(where);
      const caseId = l.packet?.ipId ?? l.packet?.flowLabel;
      if (inst.ipId === undefined && caseId !== undefined) inst.ipId = caseId;
    }
    inst.lines.push(l);
  }
  return out;
}

export interface BuildContext {
  /** Chains of the ruleset under test (hooks and rule texts). */
  chains: readonly ListedChain[];
  tracer?: TracerInfo;
}

/** Builds one trace per IP id. Instances with the same IP id are one packet's journey in order (a local
 * packet sent to a local address is traced again, under a new trace id, after the loopback). With a tracer,
 * instances that do not start in one of its entry chains are someone else's packets and are ignored. */
export function buildTraces(instances: readonly TraceInstance[], ctx: BuildContext): Map<number, KernelTrace> {
  const { hookOf, ruleText } = indexChains(ctx.chains);
  const tracer = ctx.tracer;
  const byId = new Map<number, TraceLine[]>();
  for (const inst of instances) {
    if (inst.ipId === undefined) continue;
    const first = inst.lines[0];
    if (tracer && !(first && first.family === tracer.family && first.table === tracer.table && tracer.entryChains.has(first.chain))) {
      // a continuation (loopback) starts in the tracer's prerouting chain too, so this is a foreign packet
      continue;
    }
    const list = byId.get(inst.ipId) ?? [];
    byId.set(inst.ipId, list.concat(inst.lines));
  }
  const out = new Map<number, KernelTrace>();
  for (const [id, lines] of byId) out.set(id, traceFromLines(id, lines, hookOf, ruleText, tracer));
  return out;
}

/** One trace per instance, in order, without merging by IP id: for recordings where every packet has the
 * same IP id (the reference kit's pkt.py sends 4660 unless in batch mode). */
export function buildInstanceTraces(instances: readonly TraceInstance[], ctx: BuildContext): KernelTrace[] {
  const { hookOf, ruleText } = indexChains(ctx.chains);
  return instances.map((inst) => traceFromLines(inst.ipId ?? 0, inst.lines, hookOf, ruleText, ctx.tracer));
}

function indexChains(chains: readonly ListedChain[]) {
  const hookOf = new Map<string, Hook>();
  const ruleText = new Map<string, string>();
  for (const c of chains) {
    const key = chainKey(c.family, c.table, c.name);
    if (c.hook) hookOf.set(key, c.hook);
    for (const r of c.rules) ruleText.set(`${key} ${r.handle}`, r.text);
  }
  return { hookOf, ruleText };
}

function traceFromLines(
  id: number,
  lines: readonly TraceLine[],
  hookOf: ReadonlyMap<string, Hook>,
  ruleText: ReadonlyMap<string, string>,
  tracer: TracerInfo | undefined,
): KernelTrace {
  const isTracer = (l: TraceLine) => tracer !== undefined && l.family === tracer.family && l.table === tracer.table;
  const steps: KernelStep[] = [];
  const hooks: Hook[] = [];
  let hook: Hook | undefined;
  let lastHookChain: string | undefined;
  let lastEnd: { hook: Hook; oif?: string } | undefined;
  let where: string | undefined;
  let dropped = false;
  for (const l of lines) {
    const key = chainKey(l.family, l.table, l.chain);
    if (l.kind === 'packet') {
      // regular chains never print `packet:`; their steps belong to the hook of the base chain that called them
      hook = isTracer(l) ? tracer!.hooks.get(l.chain) : hookOf.get(key);
      if (hook && hooks[hooks.length - 1] !== hook) hooks.push(hook);
      if (!isTracer(l)) lastHookChain = key;
    }
    else if (!isTracer(l)) {
      // A base chain's line without its `packet:` line: the kernel prints the headers with the first event of
      // a base chain, and a statement that consumed the packet (synproxy answering a SYN: consume_skb, then
      // NF_STOLEN) leaves none to print. The chain still says which hook it is.
      const own = hookOf.get(key);
      if (own && own !== hook) {
        hook = own;
        if (hooks[hooks.length - 1] !== hook) hooks.push(hook);
        lastHookChain = key;
      }
    }
    if (isTracer(l)) {
      const end = tracer!.endChains.get(l.chain);
      if (end && l.kind === 'packet') lastEnd = { hook: end, ...(l.packet?.oif ? { oif: l.packet.oif } : {}) };
      continue;
    }
    const text =
      l.kind === 'rule' ? ((l.handle !== undefined ? ruleText.get(`${key} ${l.handle}`) : undefined) ?? l.text) : l.text;
    steps.push({
      family: l.family,
      table: l.table,
      chain: l.chain,
      kind: l.kind,
      ...(hook ? { hook } : {}),
      ...(l.handle !== undefined ? { handle: l.handle } : {}),
      ...(l.verdict !== undefined ? { verdict: l.verdict } : {}),
      text,
      ...(l.mark !== undefined ? { mark: l.mark } : {}),
      ...(l.packet ? { packet: l.packet } : {}),
      raw: l.raw,
    });
    where = `${hook ?? '?'} ${key}`;
    if ((l.kind === 'rule' || l.kind === 'policy') && l.verdict === 'drop') dropped = true;
  }
  // a packet that went from prerouting straight to postrouting was forwarded: the forward hook only shows in
  // the trace when some chain sits on it
  for (let i = 1; i < hooks.length; i++) {
    if (hooks[i - 1] === 'prerouting' && hooks[i] === 'postrouting') hooks.splice(i, 0, 'forward');
  }
  let fate: Fate = 'none';
  if (dropped) fate = 'drop';
  else if (tracer) {
    if (lastEnd?.hook === 'input' || (lastEnd?.hook === 'postrouting' && lastEnd.oif !== 'lo')) fate = 'accept';
  } else {
    fate = acceptedWithoutTracer(steps);
  }
  return {
    id,
    steps,
    hooks,
    ...(lastHookChain ? { lastHookChain } : {}),
    fate,
    where: where ?? (hooks.length ? `${hooks[hooks.length - 1]} (no chain of the ruleset)` : 'nowhere'),
  };
}

/** Without the harness' end-of-hook observers (recordings from the reference kit) the best guess is the kit's
 * parse_trace.py rule, plus one fact: a packet whose trace stops in prerouting was dropped by the routing
 * decision whatever the verdicts said. */
function acceptedWithoutTracer(steps: readonly KernelStep[]): Fate {
  const last = [...steps].reverse().find((s) => s.kind === 'rule' || s.kind === 'policy');
  if (last?.verdict !== 'accept' || last.hook === 'prerouting') return 'none';
  return 'accept';
}

/** Parses monitor output text into traces by IP id (convenience for recorded files). */
export function parseMonitorText(text: string, ctx: BuildContext): Map<number, KernelTrace> {
  const lines = text.split('\n').map(parseTraceLine).filter((l): l is TraceLine => l !== undefined);
  return buildTraces(groupInstances(lines, ctx.tracer), ctx);
}
