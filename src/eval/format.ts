// Views of a trace: the kernel projection (what `nft monitor trace` prints, for the kernel oracle), the
// `nft monitor trace` line format, and the human-readable form the CLI prints. Pure; imports eval types.
import type { Family, TableOrigin } from '../model/ir.ts';
import type { BranchNode, Fate, PacketView, Step, StepVerdict, Trace, TraceTree } from './trace.ts';

// ───────────────────────────── kernel projection ─────────────────────────────

export interface KernelStep {
  readonly family: Family;
  readonly table: string;
  readonly chain: string;
  readonly kind: 'rule' | 'policy';
  readonly handle?: number;
  /** As `nft monitor trace` prints it: accept, drop (also for reject), continue, return, queue,
   *  `jump X`, `goto X`. */
  readonly verdict: string;
  /** Trace id segment: 0, then +1 each time the packet re-enters the stack (loopback). */
  readonly segment: number;
  readonly origin?: TableOrigin;
  /** The rule's match was undecidable and this trace assumed it matched. */
  readonly assumed?: true;
}

export interface KernelProjection {
  readonly steps: readonly KernelStep[];
  readonly fate: Fate;
  /** The last hook whose chains the packet reached (routing drops end after prerouting). */
  readonly lastHook?: string;
}

export function kernelVerdict(v: StepVerdict): string {
  switch (v.kind) {
    case 'reject':
      return 'drop';
    case 'jump':
    case 'goto':
      return `${v.kind} ${v.target}`;
    default:
      return v.kind;
  }
}

/** Only what `nft monitor trace` prints: rules that matched (incl. `continue` for rules without a verdict)
 *  with their verdict, explicit `return`, and `policy X` when a base chain ends by its policy. Falling off a
 *  regular chain prints nothing. iptables-legacy tables are left out (their TRACE goes to nf_log), unless
 *  `includeLegacy`. */
export function projectToKernel(trace: Trace, opts: { includeLegacy?: boolean } = {}): KernelProjection {
  const steps: KernelStep[] = [];
  let segment = 0;
  let lastHook: string | undefined;
  for (const s of trace.steps) {
    if (s.reinjected) segment++;
    if (s.kind === 'chain' && s.hook) lastHook = s.hook;
    if (!s.family || !s.table || !s.chain) continue;
    if (s.origin === 'iptables-legacy' && !opts.includeLegacy) continue;
    const base = { family: s.family, table: s.table, chain: s.chain, segment, ...(s.origin ? { origin: s.origin } : {}) };
    if (s.kind === 'rule') {
      const matched = s.result === 'match' || s.assumed === 'match';
      if (!matched || !s.verdict) continue;
      steps.push({ ...base, kind: 'rule', ...(s.handle !== undefined ? { handle: s.handle } : {}), verdict: kernelVerdict(s.verdict), ...(s.result === 'unknown' ? { assumed: true as const } : {}) });
    } else if (s.kind === 'policy' && s.verdict) {
      steps.push({ ...base, kind: 'policy', verdict: kernelVerdict(s.verdict) });
    }
  }
  return { steps, fate: trace.fate, ...(lastHook ? { lastHook } : {}) };
}

// ───────────────────────────── nft monitor trace lines ─────────────────────────────

/** Deterministic 8-hex-digit id (FNV-1a of the packet and segment). */
function traceId(trace: Trace, segment: number): string {
  let h = 0x811c9dc5;
  const text = JSON.stringify(trace.packet.fields) + segment;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
}

const PACKET_ORDER = ['ether saddr', 'ether daddr', 'vlan id', 'ip saddr', 'ip daddr', 'ip dscp', 'ip ecn', 'ip ttl', 'ip id', 'ip protocol', 'ip length', 'ip6 saddr', 'ip6 daddr', 'ip6 dscp', 'ip6 ecn', 'ip6 hoplimit', 'ip6 flowlabel', 'ip6 nexthdr', 'ip6 length', 'tcp sport', 'tcp dport', 'tcp flags', 'tcp window', 'udp sport', 'udp dport', 'udp length', 'icmp type', 'icmp code', 'icmp id', 'icmp sequence', 'icmpv6 type', 'icmpv6 code', 'sctp sport', 'sctp dport', 'arp operation'];

function packetLine(v: PacketView, family: Family): string {
  const out: string[] = [];
  if (v.iif) out.push(`iif "${v.iif}"`);
  if (v.oif) out.push(`oif "${v.oif}"`);
  if (v['meta mark'] && v['meta mark'] !== '0x00000000') out.push(`meta mark ${v['meta mark']}`);
  for (const k of PACKET_ORDER) {
    const x = v[k];
    if (x === undefined) continue;
    // nft prints `ip protocol` only where it is not implied by the table family.
    if (k === 'ip protocol' && family === 'ip') continue;
    if (k === 'ip6 nexthdr' && family === 'ip6') continue;
    out.push(k === 'tcp flags' ? `tcp flags == ${x}` : `${k} ${x}`);
  }
  return out.join(' ');
}

/** The trace in `nft monitor trace` format (`trace id … inet t input rule … (verdict accept)`). */
export function formatNftMonitor(trace: Trace): string {
  const lines: string[] = [];
  let segment = 0;
  for (const s of trace.steps) {
    if (s.reinjected) segment++;
    if (!s.family || !s.table || !s.chain || s.origin === 'iptables-legacy') continue;
    const id = `trace id ${traceId(trace, segment)} ${s.family} ${s.table} ${s.chain}`;
    if (s.kind === 'chain' && s.packet) lines.push(`${id} packet: ${packetLine(s.packet, s.family)}`);
    else if (s.kind === 'rule' && (s.result === 'match' || s.assumed === 'match') && s.verdict) {
      lines.push(`${id} rule ${s.text}${s.handle !== undefined ? ` # handle ${s.handle}` : ''} (verdict ${kernelVerdict(s.verdict)})`);
    } else if (s.kind === 'policy' && s.verdict) {
      // The kernel prints a non-zero mark on policy lines: `policy accept meta mark 0x00004000`.
      const mark = s.packet?.['meta mark'];
      lines.push(`${id} policy ${kernelVerdict(s.verdict)}${mark && mark !== '0x00000000' ? ` meta mark ${mark}` : ''}`);
    }
  }
  return lines.join('\n') + (lines.length ? '\n' : '');
}

// ───────────────────────────── human-readable ─────────────────────────────

function verdictWord(v: StepVerdict | undefined): string {
  if (!v) return '';
  return v.kind === 'reject' ? `reject${v.with ? ` with ${v.with}` : ''}` : kernelVerdict(v);
}

function diffText(s: Step): string {
  if (!s.packetBefore || !s.packetAfter) return '';
  const parts = Object.keys(s.packetAfter).map((k) => `${k} ${s.packetBefore![k]} → ${s.packetAfter![k]}`);
  return parts.length ? ` [${parts.join(', ')}]` : '';
}

/** One line per step. */
export function formatStep(s: Step): string {
  const ind = '  '.repeat((s.depth ?? 0) + (s.kind === 'hook' ? 0 : 1));
  switch (s.kind) {
    case 'hook':
      return `${s.text}${s.tie ? `\n  ! ${s.tie}` : ''}`;
    case 'chain':
      return `${ind}chain ${s.text}`;
    case 'rule': {
      const mark = s.result === 'match' ? 'match' : s.result === 'nomatch' ? 'no match' : `unknown (assumed ${s.assumed === 'match' ? 'match' : 'no match'})`;
      const why = (s.exprs ?? []).filter((e) => e.result !== 'match' || s.result === 'match').map((e) => e.reason);
      const reason = s.result === 'match' ? why.slice(-1)[0] : why.find((r) => r) ?? '';
      const verdict = (s.result === 'match' || s.assumed === 'match') && s.verdict ? ` → ${verdictWord(s.verdict)}` : '';
      const ann = s.annotations?.length ? ` {${s.annotations.map((a) => a.text).join('; ')}}` : '';
      return `${ind}  ${s.table}/${s.chain} #${(s.ruleIndex ?? 0) + 1}${s.handle !== undefined ? ` (handle ${s.handle})` : ''}: ${s.text} — ${mark}${reason ? `: ${reason}` : ''}${verdict}${diffText(s)}${ann}`;
    }
    case 'policy':
      return `${ind}  ${s.text}`;
    case 'note':
      return `${ind}  · ${s.text}`;
    default:
      return `${ind}${s.kind}: ${s.text.replace(new RegExp(`^${s.kind}: `), '')}${diffText(s)}`;
  }
}

export function formatFate(f: Fate): string {
  return `fate: ${f.verdict} at ${f.where}: ${f.reason} (${f.kind})`;
}

export function formatTrace(trace: Trace): string {
  const lines = trace.steps.map(formatStep);
  for (const a of trace.assumptions) lines.push(`assumption: ${a}`);
  lines.push(formatFate(trace.fate));
  return lines.join('\n') + '\n';
}

function pct(p: number): string {
  return `${Math.round(p * 10000) / 100}%`;
}

/** The branch tree: shared steps once, then each alternative indented. */
export function formatTree(tree: TraceTree): string {
  const lines: string[] = [];
  const walk = (n: BranchNode, indent: string) => {
    for (const s of n.steps) lines.push(indent + formatStep(s).replace(/\n/g, `\n${indent}`));
    if (n.leaf) lines.push(`${indent}${formatFate(n.leaf.fate)} [probability ${pct(n.leaf.probability)}${n.leaf.assumptions.length ? `, assuming ${n.leaf.assumptions.length} undecidable match(es)` : ''}]`);
    if (n.fork) {
      lines.push(`${indent}branch: ${n.fork.label}`);
      for (const c of n.fork.children) {
        lines.push(`${indent}├─ ${c.label}${c.share !== null ? ` (${pct(c.share)})` : ' (assumption)'}`);
        walk(c.node, `${indent}│  `);
      }
    }
  };
  walk(tree.root, '');
  lines.push(`${tree.leaves.length} branch(es):`);
  for (const l of tree.leaves) lines.push(`  ${pct(l.probability)} ${l.choices.map((c) => c.alternative).join(' / ') || '(no choice)'} → ${l.fate.verdict} at ${l.fate.where}: ${l.fate.reason}`);
  if (tree.truncated) lines.push(`! ${tree.truncated}`);
  return lines.join('\n') + '\n';
}
