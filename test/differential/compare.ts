// Compares the kernel's trace of one packet with the evaluator's, on what `nft monitor trace` shows: base
// chains entered (with the packet's addresses and ports there, after NAT), rules that matched (handle and
// verdict), policies (with the mark the kernel prints on them), and the fate with where it happened.
// Pure; imports the oracle's trace types and the evaluator's trace types and projection.
import type { KernelTrace } from '../oracle/kernelOracle.ts';
import { kernelVerdict, type Trace, type TraceTree } from '../../src/eval/index.ts';

/** One line of a comparable path. */
export type PathLine = string;

export interface Side {
  readonly path: readonly PathLine[];
  /** How the packet's journey ended: `accept delivered`, `accept sent`, `drop <hook> <family> <table>
   *  <chain>`, `none after <hook>`. */
  readonly end: string;
}

/** Rule of comparison for one packet:
 * - `exact`: the evaluator has one outcome, and it is the kernel's;
 * - `branch`: the evaluator branches on random choices (numgen random, iptables statistic): the kernel's
 *   choice is random too, so its path must be one of the evaluator's leaves (same path and end);
 * - `assumed`: like `branch`, but some branch point is an undecidable match the evaluator could not settle;
 * - `disagree`: the kernel's path is none of the leaves. */
export type Agreement = 'exact' | 'branch' | 'assumed' | 'disagree';

export interface PacketComparison {
  readonly agreement: Agreement;
  readonly kernel: Side;
  /** The leaf that equals the kernel's, or else the closest one (longest common path prefix). */
  readonly evaluator: Side;
  readonly leaves: number;
  /** First differing line index (disagreements only). */
  readonly firstDifference?: number;
}

const ports = (sport?: number | string, dport?: number | string) => (sport !== undefined || dport !== undefined ? ` ${sport ?? '?'}>${dport ?? '?'}` : '');

/** The kernel's side: its `packet:`, rule and policy lines (the harness' own chains are already left out). */
export function kernelSide(t: KernelTrace): Side {
  const path: PathLine[] = [];
  for (const s of t.steps) {
    const where = `${s.family} ${s.table} ${s.chain}`;
    if (s.kind === 'packet') {
      const p = s.packet ?? {};
      path.push(`${s.hook ?? '?'} ${where} packet ${p.saddr ?? '?'}>${p.daddr ?? '?'}${ports(p.sport, p.dport)}`);
    } else if (s.kind === 'rule') path.push(`  ${where} rule #${s.handle ?? '?'} ${s.verdict ?? ''}`);
    else if (s.kind === 'policy') path.push(`  ${where} policy ${s.verdict ?? ''}${s.mark ? ` mark 0x${s.mark.toString(16)}` : ''}`);
    else path.push(`  ${where} other: ${s.text}`);
  }
  return { path, end: kernelEnd(t) };
}

function kernelEnd(t: KernelTrace): string {
  const last = t.hooks[t.hooks.length - 1];
  if (t.fate === 'accept') return last === 'input' ? 'accept delivered' : 'accept sent';
  if (t.fate === 'drop') return `drop ${t.where}`;
  return t.untraced ? 'none (not sent)' : `none after ${last ?? '?'}`;
}

/** The evaluator's side of one trace, built from the same kinds of facts. */
export function evaluatorSide(trace: Trace): Side {
  const path: PathLine[] = [];
  let lastHook: string | undefined;
  for (const s of trace.steps) {
    if (s.kind === 'hook' && s.hook) lastHook = s.hook;
    if (!s.family || !s.table || !s.chain) continue;
    // iptables-legacy tables print nothing to nft monitor (their TRACE goes to nf_log)
    if (s.origin === 'iptables-legacy') continue;
    const where = `${s.family} ${s.table} ${s.chain}`;
    if (s.kind === 'chain' && s.packet) {
      const v = s.packet;
      const l4 = ['tcp', 'udp'].find((x) => v[`${x} sport`] !== undefined || v[`${x} dport`] !== undefined);
      // by the packet, not the chain: an inet chain sees IPv4 and IPv6 packets
      const a = v['ip6 saddr'] !== undefined || v['ip6 daddr'] !== undefined ? 'ip6' : 'ip';
      path.push(`${s.hook ?? '?'} ${where} packet ${v[`${a} saddr`] ?? '?'}>${v[`${a} daddr`] ?? '?'}${l4 ? ports(v[`${l4} sport`], v[`${l4} dport`]) : ''}`);
    } else if (s.kind === 'rule' && (s.result === 'match' || s.assumed === 'match') && s.verdict) {
      path.push(`  ${where} rule #${s.handle ?? '?'} ${kernelVerdict(s.verdict)}`);
    } else if (s.kind === 'policy' && s.verdict) {
      const m = s.packet?.['meta mark'];
      const mark = m === undefined ? ' mark ?' : BigInt(m) !== 0n ? ` mark 0x${BigInt(m).toString(16)}` : '';
      path.push(`  ${where} policy ${kernelVerdict(s.verdict)}${mark}`);
    }
  }
  return { path: withoutHeadersOfConsumed(path), end: evaluatorEnd(trace, lastHook) };
}

/** The kernel prints a base chain's `packet:` line with the chain's first event; when that event is a
 *  statement that consumed the packet (synproxy answering a SYN: consume_skb, then NF_STOLEN), the headers
 *  are gone and no `packet:` line comes. */
function withoutHeadersOfConsumed(path: readonly PathLine[]): PathLine[] {
  return path.filter((line, i) => {
    const chain = /^\S+ (\S+ \S+ \S+) packet /.exec(line)?.[1];
    const next = path[i + 1];
    return !(chain !== undefined && next !== undefined && next.startsWith(`  ${chain} rule #`) && next.endsWith(' stolen'));
  });
}

function evaluatorEnd(trace: Trace, lastHook: string | undefined): string {
  const f = trace.fate;
  // a routing drop (no route, martian, TTL expiry) prints no verdict in the kernel: the packet just vanishes
  // (an IPv6 packet the receive path drops before prerouting is never traced either)
  if (f.where === 'routing') return lastHook === undefined ? 'none (not sent)' : `none after ${lastHook}`;
  if (f.verdict === 'accept') return f.kind === 'delivered' ? 'accept delivered' : 'accept sent';
  // taken by a statement (synproxy): the trace just ends, as after a routing drop
  if (f.kind === 'stolen') return `none after ${lastHook ?? '?'}`;
  if (f.verdict === 'drop') {
    const m = /^([^/]+)\/(\S+) ([^/]+)\/(.+)$/.exec(f.where);
    return m ? `drop ${m[1]} ${m[2]} ${m[3]} ${m[4]}` : `drop ${f.where}`;
  }
  return `${f.verdict} ${f.kind} at ${f.where}`;
}

function same(a: Side, b: Side): boolean {
  return a.end === b.end && a.path.length === b.path.length && a.path.every((l, i) => l === b.path[i]);
}

function commonPrefix(a: readonly string[], b: readonly string[]): number {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return i;
}

/** The kernel's trace against the evaluator's branch tree (see Agreement for the rule). */
export function comparePacket(kernel: KernelTrace, tree: TraceTree): PacketComparison {
  const k = kernelSide(kernel);
  const leaves = tree.leaves.map((leaf) => ({ leaf, side: evaluatorSide(leaf) }));
  const hit = leaves.find((l) => same(l.side, k));
  if (hit) {
    const assumed = hit.leaf.choices.some((c) => c.share === null);
    const agreement: Agreement = tree.leaves.length === 1 && !assumed ? 'exact' : assumed ? 'assumed' : 'branch';
    return { agreement, kernel: k, evaluator: hit.side, leaves: tree.leaves.length };
  }
  let best = leaves[0]!;
  let bestLen = -1;
  for (const l of leaves) {
    const n = commonPrefix(l.side.path, k.path);
    if (n > bestLen) {
      best = l;
      bestLen = n;
    }
  }
  return { agreement: 'disagree', kernel: k, evaluator: best.side, leaves: tree.leaves.length, firstDifference: bestLen };
}

/** Kernel path and evaluator path side by side, the first difference marked. */
export function formatComparison(c: PacketComparison): string {
  const lines: string[] = [];
  const n = Math.max(c.kernel.path.length, c.evaluator.path.length);
  const width = Math.min(80, Math.max(20, ...c.kernel.path.map((l) => l.length)));
  lines.push(`  ${'kernel'.padEnd(width)} | evaluator${c.leaves > 1 ? ` (closest of ${c.leaves} branches)` : ''}`);
  for (let i = 0; i < n; i++) {
    const a = c.kernel.path[i] ?? '';
    const b = c.evaluator.path[i] ?? '';
    lines.push(`${a === b ? ' ' : '!'} ${a.padEnd(width)} | ${a === b ? '〃' : b}`);
  }
  const endMark = c.kernel.end === c.evaluator.end ? ' ' : '!';
  lines.push(`${endMark} ${`end: ${c.kernel.end}`.padEnd(width)} | end: ${c.evaluator.end}`);
  return lines.join('\n');
}
