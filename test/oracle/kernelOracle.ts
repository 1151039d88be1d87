// Kernel oracle: loads a ruleset into a private network namespace, sends real packets through it and returns
// the kernel's own trace for each (nft monitor trace). Node-only test harness; imports nothing from src/.
//
// Topology: see topology.ts (client 198.51.100.1 -> host 198.51.100.2 [+192.0.2.10 on lo] -> server
// 203.0.113.0/24). Per ruleset: `flush ruleset`, load, list (`-a` text + JSON), load the tracer table
// (tracer.ts), flush conntrack, send packets in chunks each followed by a marker packet, wait for the marker's
// trace, check the monitor lost nothing, parse. One session (namespaces, agents, monitor) serves any number
// of rulesets: runManyRulesets() is the fast path for differential tests.
import { spawnSync } from 'node:child_process';
import { isIPv6 } from 'node:net';
import { existsSync } from 'node:fs';
import { Agent, PYTHON, TraceMonitor } from './agent.ts';
import { readListing } from './listing.ts';
import { buildTraces, groupInstances, parseTraceLine, type TraceLine } from './traceParser.ts';
import { TRACER_INFO, TRACER_TABLE, tracerRuleset } from './tracer.ts';
import type { KernelTrace, ListedChain, ListedRuleset, WirePacket } from './traceTypes.ts';
import {
  CLIENT_ADDR,
  CLIENT_IF,
  HOST_ADDR,
  HOST_MAC,
  TEST_SRC_MAC,
  createTopology,
  destroyTopology,
  newNamespaceNames,
  sweepStaleNamespaces,
  type Namespaces,
} from './topology.ts';

export type { Fate, Hook, KernelStep, KernelTrace, ListedChain, ListedRuleset, WirePacket } from './traceTypes.ts';

export interface OracleOptions {
  /** net.ipv4.ip_forward and net.ipv6.conf.all.forwarding in the host namespace (default false). */
  forward?: boolean;
  /** Extra addresses or prefixes that are local to the host (AnyIP routes on lo), e.g. '10.96.0.0/16'. */
  hostAddrs?: string[];
  /** 'fresh' (default): every packet meets an empty conntrack table — the batch is split and conntrack
   * flushed wherever two packets would share a flow; 'shared': packets go in order through one table
   * (flushed once at the start), e.g. to show that a second packet of a flow skips the nat chains. */
  conntrack?: 'fresh' | 'shared';
  /** At most this many packets per marker (default 250); fewer when the ruleset prints many trace lines per
   * packet, so the monitor never loses a message (kernel-oracle.md). */
  chunkSize?: number;
}

export interface OracleRun {
  /** One per packet, in the order the packets were given. */
  traces: KernelTrace[];
  /** Chains of the loaded ruleset with hooks, priorities and rule handles/texts. */
  handles: ListedChain[];
  /** `nft -a list ruleset` right after the load (harness table not included). */
  ruleset: string;
  rulesetJson: unknown;
  /** The monitor lines of this run, for debugging. */
  lines: string[];
}

export interface OracleCase {
  ruleset: string;
  packets: WirePacket[];
  options?: OracleOptions;
  /** iptables / ip6tables: an iptables-save / ip6tables-save dump loaded with iptables-nft-restore /
   * ip6tables-nft-restore. */
  format?: 'nft' | 'iptables' | 'ip6tables';
}

export type OracleCaseResult = ({ ok: true } & OracleRun) | { ok: false; error: string };

export class OracleLoadError extends Error {}

/** The monitor's socket overflowed: trace lines are missing (kernel-oracle.md: never trust such a run). */
export class MonitorLostMessages extends Error {
  constructor(readonly count: number) {
    super(`nft monitor lost ${count} trace messages`);
  }
}

/** Trace messages per chunk: well inside the monitor's socket buffer (measured with 100 lines per packet:
 * 10000 lines per chunk lost none, 40000 overflowed; the run is then repeated with smaller chunks). */
const MESSAGES_PER_CHUNK = 2000;
const MARKER_TIMEOUT_MS = 20_000;

/** Packet id the harness uses for its chunk markers; cases use 1..65534. */
export const MARKER_ID = 65535;
const MARKER_SPORT = 65535;

let availability: { ok: true } | { ok: false; reason: string } | undefined;

/** Root? nft, ip netns, python3 and libnftables present, and a namespace can be created? (NFLENS_ORACLE=off
 * turns the oracle off, e.g. for a quick local run; CI=true then still fails the oracle tests.) */
export function oracleAvailable(): { ok: true } | { ok: false; reason: string } {
  if (availability) return availability;
  const fail = (reason: string) => (availability = { ok: false, reason });
  if (process.env.NFLENS_ORACLE === 'off') return fail('disabled by NFLENS_ORACLE=off');
  if (process.platform !== 'linux') return fail('not Linux');
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return fail('not root (needs CAP_NET_ADMIN to create network namespaces)');
  if (!existsSync(PYTHON)) return fail(`${PYTHON} not found`);
  const nft = spawnSync('nft', ['--version'], { encoding: 'utf8' });
  if (nft.status !== 0) return fail('nft not found (apt-get install nftables)');
  const lib = spawnSync(PYTHON, ['-c', 'import ctypes; ctypes.CDLL("libnftables.so.1")'], { encoding: 'utf8' });
  if (lib.status !== 0) return fail('libnftables.so.1 not loadable');
  const probe = `nflens-${process.pid}-probe`;
  const add = spawnSync('ip', ['netns', 'add', probe], { encoding: 'utf8' });
  if (add.status !== 0) return fail(`ip netns add failed: ${(add.stderr || add.error?.message || '').trim()}`);
  const inside = spawnSync('ip', ['netns', 'exec', probe, 'nft', 'list', 'ruleset'], { encoding: 'utf8' });
  spawnSync('ip', ['netns', 'del', probe]);
  if (inside.status !== 0) return fail(`nft does not work in a namespace: ${inside.stderr.trim()}`);
  return (availability = { ok: true });
}

/** One set of namespaces with their agents and trace monitor; reusable for many rulesets. */
export class OracleSession {
  private forward = false;
  private hostAddrs: string[] = [];
  private markerSeq = 0;
  private closed = false;

  private constructor(
    readonly ns: Namespaces,
    private readonly client: Agent,
    private readonly host: Agent,
    private readonly monitor: TraceMonitor,
  ) {}

  static async open(): Promise<OracleSession> {
    await sweepStaleNamespaces();
    const ns = newNamespaceNames();
    await createTopology(ns);
    let client: Agent | undefined;
    let host: Agent | undefined;
    let monitor: TraceMonitor | undefined;
    try {
      client = new Agent(ns.client);
      host = new Agent(ns.host);
      // the monitor starts while the ruleset is empty (see TraceMonitor)
      monitor = new TraceMonitor(ns.host);
      const [c, h] = await Promise.all([client.ready, host.ready, monitor.ready()]);
      if (!c?.ok || !h?.ok) throw new Error(`agent did not start: ${c?.err ?? ''} ${h?.err ?? ''}`);
      return new OracleSession(ns, client, host, monitor);
    } catch (e) {
      client?.kill();
      host?.kill();
      await monitor?.stop();
      await destroyTopology(ns);
      throw e;
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.allSettled([this.client.close(), this.host.close(), this.monitor.stop()]);
    await destroyTopology(this.ns);
  }

  /** nft through libnftables in the host namespace. */
  async nft(cmd: string, flags: { json?: boolean; handles?: boolean; dryRun?: boolean } = {}) {
    return this.host.request({ op: 'nft', cmd, ...flags });
  }

  /** Replaces the host's ruleset with an nft ruleset; throws OracleLoadError with nft's message on refusal. */
  async loadNft(text: string): Promise<ListedRuleset> {
    await this.host.must({ op: 'nft', cmd: 'flush ruleset' });
    const r = await this.nft(text);
    if (!r.ok) throw new OracleLoadError(`nft refused the ruleset:\n${r.err ?? ''}`);
    return this.finishLoad();
  }

  /** Loads a ruleset for real (the kernel validates more than `nft -c`, e.g. reject on postrouting) and
   * returns nft's error, or undefined when it loads; nothing else (no listing, no tracer). */
  async checkNft(text: string): Promise<string | undefined> {
    await this.host.must({ op: 'nft', cmd: 'flush ruleset' });
    const r = await this.nft(text);
    return r.ok ? undefined : r.err || 'refused';
  }

  /** Replaces the host's ruleset with an iptables-save dump through iptables-nft-restore (family ip6: an
   * ip6tables-save dump through ip6tables-nft-restore). */
  async loadIptables(saveText: string, family: 'ip' | 'ip6' = 'ip'): Promise<ListedRuleset> {
    await this.host.must({ op: 'nft', cmd: 'flush ruleset' });
    const tool = family === 'ip6' ? 'ip6tables-nft-restore' : 'iptables-nft-restore';
    const r = await this.host.request({ op: 'exec', argv: [tool], stdin: saveText });
    if (!r.ok) throw new OracleLoadError(`${tool} refused the dump:\n${r.err ?? ''}${r.out ?? ''}`);
    return this.finishLoad();
  }

  private async finishLoad(): Promise<ListedRuleset> {
    const text = await this.host.must({ op: 'nft', cmd: 'list ruleset', handles: true });
    const json = await this.host.must({ op: 'nft', cmd: 'list ruleset', json: true });
    const listing = readListing(text.out ?? '', json.out ?? '');
    if (listing.chains.some((c) => c.table === TRACER_TABLE)) throw new OracleLoadError(`the ruleset must not use the table name ${TRACER_TABLE}`);
    const t = await this.nft(tracerRuleset());
    if (!t.ok) throw new Error(`tracer table refused: ${t.err ?? ''}`);
    return listing;
  }

  async configure(opts: OracleOptions): Promise<void> {
    const forward = opts.forward ?? false;
    if (forward !== this.forward) {
      await this.host.must({ op: 'sysctl', key: 'net/ipv4/ip_forward', value: forward ? '1' : '0' });
      await this.host.must({ op: 'sysctl', key: 'net/ipv6/conf/all/forwarding', value: forward ? '1' : '0' });
      this.forward = forward;
    }
    const want = [...new Set(opts.hostAddrs ?? [])].sort();
    if (want.join() !== this.hostAddrs.join()) {
      for (const a of this.hostAddrs.filter((x) => !want.includes(x))) {
        await this.host.must({ op: 'exec', argv: ['ip', 'route', 'del', 'local', a, 'dev', 'lo'] });
      }
      for (const a of want.filter((x) => !this.hostAddrs.includes(x))) {
        await this.host.must({ op: 'exec', argv: ['ip', 'route', 'add', 'local', a, 'dev', 'lo'] });
      }
      this.hostAddrs = want;
    }
  }

  /** Sends the packets through the loaded ruleset and returns one trace per packet, in order. If the monitor
   * loses messages (its socket buffer overflowed), the whole run is repeated with smaller chunks. */
  async trace(packets: readonly WirePacket[], listing: ListedRuleset, opts: OracleOptions = {}): Promise<{ traces: KernelTrace[]; lines: string[] }> {
    validatePackets(packets);
    await this.configure(opts);
    let budget = MESSAGES_PER_CHUNK;
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.traceOnce(packets, listing, opts, budget);
      } catch (e) {
        if (!(e instanceof MonitorLostMessages) || attempt >= 4) throw e;
        budget = Math.max(50, Math.floor(budget / 4));
        await this.settle();
      }
    }
  }

  private async traceOnce(packets: readonly WirePacket[], listing: ListedRuleset, opts: OracleOptions, budget: number) {
    this.monitor.take(); // lines of earlier runs (late marker lines, a failed attempt) are not ours
    const maxChunk = opts.chunkSize ?? 250;
    const batches = opts.conntrack === 'shared' ? [packets.slice()] : splitByFlow(packets);
    const sendErrors = new Map<number, string>();
    const dropsBefore = this.monitor.drops();
    // chunks are sized from the lines per packet seen so far, so that one chunk's trace messages fit in the
    // monitor's socket buffer: a ruleset with long jump chains prints dozens of lines per packet
    let sent = 0;
    let chunk = Math.min(maxChunk, 20);
    for (const batch of batches) {
      await this.host.must({ op: 'flushct' });
      for (let i = 0; i < batch.length; ) {
        await this.sendChunk(batch.slice(i, i + chunk), sendErrors, dropsBefore);
        sent += Math.min(chunk, batch.length - i);
        i += chunk;
        const perPacket = Math.max(1, this.monitor.lines.length / sent);
        chunk = Math.max(1, Math.min(maxChunk, Math.floor(budget / perPacket)));
      }
    }
    const dropped = this.monitor.drops() - dropsBefore;
    if (dropped > 0) throw new MonitorLostMessages(dropped);
    const lines = this.monitor.take();
    const parsed = lines.map(parseTraceLine).filter((l): l is TraceLine => l !== undefined);
    const byId = buildTraces(groupInstances(parsed, TRACER_INFO), { chains: listing.chains, tracer: TRACER_INFO });
    const traces = packets.map((p): KernelTrace => {
      const t = byId.get(p.id) ?? { id: p.id, steps: [], hooks: [], fate: 'none', where: 'nowhere', untraced: true };
      const err = sendErrors.get(p.id);
      return err ? { ...t, sendError: err } : t;
    });
    return { traces, lines };
  }

  /** After an overflow the kernel may still be queueing (and dropping) the failed chunk's messages: wait until
   * a fresh marker comes through, so the retry starts from a quiet socket. */
  private async settle(): Promise<void> {
    for (let i = 0; i < 10; i++) {
      try {
        await this.sendMarker(undefined, 5000);
        return;
      } catch {
        // the marker itself was lost: try again
      }
    }
    throw new Error('nft monitor does not recover from lost messages');
  }

  private async sendChunk(chunk: readonly WirePacket[], sendErrors: Map<number, string>, dropsBefore: number): Promise<void> {
    // consecutive packets of one origin go in one request; both agents sit on the same CPU, so the kernel
    // handles everything in send order and the marker's trace comes after every earlier packet's
    for (let i = 0; i < chunk.length; ) {
      let j = i;
      while (j < chunk.length && chunk[j]!.origin === chunk[i]!.origin) j++;
      const run = chunk.slice(i, j).map(toSpec);
      if (chunk[i]!.origin === 'remote') {
        await this.client.must({ op: 'send', mode: 'ether', ifname: CLIENT_IF, srcMac: TEST_SRC_MAC, dstMac: HOST_MAC, packets: run });
      } else {
        const r = await this.host.must({ op: 'send', mode: 'local', packets: run });
        for (const [id, err] of (r.errors as [number, string][] | undefined) ?? []) sendErrors.set(id, err);
      }
      i = j;
    }
    // a lost marker line would otherwise be waited for until the timeout
    await this.sendMarker(() => (this.monitor.drops() > dropsBefore ? new MonitorLostMessages(this.monitor.drops() - dropsBefore) : undefined));
  }

  /** Sends a marker packet and resolves when its first trace line has arrived. */
  private async sendMarker(abort?: () => Error | undefined, timeoutMs = MARKER_TIMEOUT_MS): Promise<void> {
    const dport = 60000 + (this.markerSeq++ % 5000);
    const seen = this.monitor.waitForLine(
      (l) => l.includes(` ${TRACER_TABLE} pre packet: `) && l.includes(` ip id ${MARKER_ID} `) && l.includes(` udp dport ${dport} `),
      timeoutMs,
      'the chunk marker trace (is a chain below priority -500 dropping it?)',
      abort,
    );
    await this.client.must({
      op: 'send', mode: 'ether', ifname: CLIENT_IF, srcMac: TEST_SRC_MAC, dstMac: HOST_MAC,
      packets: [{ id: MARKER_ID, protocol: 'udp', saddr: CLIENT_ADDR, daddr: HOST_ADDR, sport: MARKER_SPORT, dport }],
    });
    await seen;
  }

  /** Load + trace in one call. */
  async runNft(rulesetText: string, packets: readonly WirePacket[], opts: OracleOptions = {}): Promise<OracleRun> {
    const listing = await this.loadNft(rulesetText);
    return this.finishRun(listing, packets, opts);
  }

  async runIptables(saveText: string, packets: readonly WirePacket[], opts: OracleOptions = {}, family: 'ip' | 'ip6' = 'ip'): Promise<OracleRun> {
    const listing = await this.loadIptables(saveText, family);
    return this.finishRun(listing, packets, opts);
  }

  private async finishRun(listing: ListedRuleset, packets: readonly WirePacket[], opts: OracleOptions): Promise<OracleRun> {
    const { traces, lines } = await this.trace(packets, listing, opts);
    return { traces, handles: listing.chains, ruleset: listing.text, rulesetJson: listing.json, lines };
  }
}

function toSpec(p: WirePacket): Record<string, unknown> {
  return {
    id: p.id,
    ...(p.family === 'ip6' ? { family: 'ip6' } : {}),
    protocol: p.protocol,
    saddr: p.saddr,
    daddr: p.daddr,
    ...(p.sport !== undefined ? { sport: p.sport } : {}),
    ...(p.dport !== undefined ? { dport: p.dport } : {}),
    ...(p.tcpFlags ? { tcpFlags: p.tcpFlags } : {}),
    ...(p.icmpType !== undefined ? { icmpType: p.icmpType } : {}),
    ...(p.icmpCode !== undefined ? { icmpCode: p.icmpCode } : {}),
    ...(p.ttl !== undefined ? { ttl: p.ttl } : {}),
    ...(p.length !== undefined ? { length: p.length } : {}),
    ...(p.dscp !== undefined ? { dscp: p.dscp } : {}),
  };
}

const TCP_FLAGS = new Set(['fin', 'syn', 'rst', 'psh', 'ack', 'urg', 'ecn', 'cwr']);
const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

export function validatePackets(packets: readonly WirePacket[]): void {
  const ids = new Set<number>();
  for (const p of packets) {
    const bad = (why: string) => new Error(`packet ${JSON.stringify(p)}: ${why}`);
    if (!Number.isInteger(p.id) || p.id < 1 || p.id >= MARKER_ID) throw bad(`id must be 1..${MARKER_ID - 1}`);
    if (ids.has(p.id)) throw bad('duplicate id');
    ids.add(p.id);
    if (p.family !== 'ip' && p.family !== 'ip6') throw bad('family must be ip or ip6');
    for (const a of [p.saddr, p.daddr]) {
      if (p.family === 'ip6') {
        if (!isIPv6(a)) throw bad(`bad IPv6 address ${a}`);
        continue;
      }
      const m = IPV4.exec(a);
      if (!m || m.slice(1).some((x) => Number(x) > 255)) throw bad(`bad IPv4 address ${a}`);
    }
    if (p.protocol === 'tcp' || p.protocol === 'udp') {
      for (const port of [p.sport, p.dport]) if (!Number.isInteger(port) || port! < 0 || port! > 65535) throw bad('sport and dport required (0..65535)');
    } else if (p.protocol !== (p.family === 'ip6' ? 'icmpv6' : 'icmp')) throw bad(`protocol must be tcp, udp or ${p.family === 'ip6' ? 'icmpv6' : 'icmp'}`);
    if (p.dscp !== undefined && !(Number.isInteger(p.dscp) && p.dscp >= 0 && p.dscp < 64)) throw bad('dscp must be 0..63');
    for (const f of p.tcpFlags ?? []) if (!TCP_FLAGS.has(f)) throw bad(`unknown TCP flag ${f}`);
    if (p.origin !== 'remote' && p.origin !== 'local') throw bad('origin must be remote or local');
  }
}

/** Splits packets, keeping order, so that no two packets of a batch could belong to one conntrack flow (same
 * tuple either way round) or share a source endpoint (their NAT bindings could clash). */
export function splitByFlow(packets: readonly WirePacket[]): WirePacket[][] {
  const batches: WirePacket[][] = [];
  let keys = new Set<string>();
  let batch: WirePacket[] = [];
  for (const p of packets) {
    const k = flowKeys(p);
    if (k.some((x) => keys.has(x))) {
      batches.push(batch);
      batch = [];
      keys = new Set();
    }
    batch.push(p);
    for (const x of k) keys.add(x);
  }
  if (batch.length) batches.push(batch);
  return batches;
}

function flowKeys(p: WirePacket): string[] {
  if (p.protocol === 'icmp' || p.protocol === 'icmpv6') return []; // echo id = packet id: never the same flow
  const a = `${p.saddr}:${p.sport}`;
  const b = `${p.daddr}:${p.dport}`;
  return [`${p.protocol} ${a < b ? a + ' ' + b : b + ' ' + a}`, `${p.protocol} src ${a}`];
}

/** Runs `fn` with a fresh session and always removes the namespaces afterwards. */
export async function withOracleSession<T>(fn: (s: OracleSession) => Promise<T>): Promise<T> {
  const session = await OracleSession.open();
  try {
    return await fn(session);
  } finally {
    await session.close();
  }
}

export function runNftCases(rulesetText: string, packets: readonly WirePacket[], opts: OracleOptions = {}): Promise<OracleRun> {
  return withOracleSession((s) => s.runNft(rulesetText, packets, opts));
}

/** iptables-nft-restore into the host namespace; traced the same way (iptables-nft tables are nf_tables
 * tables, so `nft monitor trace` reports them with handles from `nft -a list ruleset`). */
export function runIptablesCases(saveText: string, packets: readonly WirePacket[], opts: OracleOptions = {}): Promise<OracleRun> {
  return withOracleSession((s) => s.runIptables(saveText, packets, opts));
}

/** Many rulesets through one session (one namespace set, one monitor): flush, load, trace, next. A ruleset
 * the kernel refuses gives `{ ok: false, error }` and the run goes on. */
export function runManyRulesets(cases: readonly OracleCase[]): Promise<OracleCaseResult[]> {
  return withOracleSession(async (s) => {
    const out: OracleCaseResult[] = [];
    for (const c of cases) {
      try {
        const run = c.format === 'iptables' || c.format === 'ip6tables'
          ? await s.runIptables(c.ruleset, c.packets, c.options, c.format === 'ip6tables' ? 'ip6' : 'ip')
          : await s.runNft(c.ruleset, c.packets, c.options);
        out.push({ ok: true, ...run });
      } catch (e) {
        if (!(e instanceof OracleLoadError)) throw e;
        out.push({ ok: false, error: e.message });
      }
    }
    return out;
  });
}
