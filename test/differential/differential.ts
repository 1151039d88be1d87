// The differential runner: loads a case into the kernel oracle, traces its packets, runs the evaluator on the
// kernel's own listing (nft text and JSON) or on the iptables dump, and compares packet by packet
// (compare.ts). Node-only test harness; imports the oracle, the evaluator and the parsers.
import { evaluateBranches, type TraceTree } from '../../src/eval/index.ts';
import type { Ruleset } from '../../src/model/ir.ts';
import { parseIptables, parseNft } from '../../src/parse/index.ts';
import { printIptablesSave } from '../../src/parse/iptables/index.ts';
import { printRuleset } from '../../src/parse/nft/print.ts';
import type { OracleOptions, OracleRun, WirePacket } from '../oracle/kernelOracle.ts';
import { OracleLoadError, OracleSession } from '../oracle/kernelOracle.ts';
import { comparePacket, formatComparison, kernelSide, type Agreement, type PacketComparison } from './compare.ts';
import { hostSpecFor, iptablesInput, nftInputs, packetFor, packetText, type EvaluatorInput } from './evaluatorSide.ts';
import { rulesetEdits, shrink } from './shrink.ts';

export interface DiffCase {
  readonly name: string;
  /** ip6tables: an ip6tables-save dump, loaded with ip6tables-nft-restore. */
  readonly format: 'nft' | 'iptables' | 'ip6tables';
  /** nft ruleset (as `nft -f` reads it) or iptables-save dump (as iptables-nft-restore reads it). */
  readonly ruleset: string;
  readonly packets: readonly WirePacket[];
  readonly options?: OracleOptions;
  /** Per packet id, what the evaluator must be told that the wire does not carry: the conntrack state earlier
   * packets left (with `conntrack: 'shared'`), in the packet syntax. */
  readonly facts?: Readonly<Record<number, string>>;
}

export interface PacketResult {
  readonly packet: WirePacket;
  readonly packetText: string;
  /** Which parse of the ruleset the evaluator read (the nft text listing, its JSON, the iptables dump). */
  readonly input: string;
  readonly comparison: PacketComparison;
}

export type CaseResult =
  | { readonly kind: 'ran'; readonly case: DiffCase; readonly run: OracleRun; readonly packets: readonly PacketResult[] }
  | { readonly kind: 'refused'; readonly case: DiffCase; readonly error: string }
  | { readonly kind: 'error'; readonly case: DiffCase; readonly error: string };

/** Evaluator branches per packet before the exploration stops (kube-proxy cascades stay far below). */
const MAX_BRANCHES = 512;

/** Loads and traces one case in the session, then compares every packet on every evaluator input. */
export async function runCase(session: OracleSession, c: DiffCase): Promise<CaseResult> {
  let run: OracleRun;
  try {
    run = c.format === 'nft' ? await session.runNft(c.ruleset, c.packets, c.options) : await session.runIptables(c.ruleset, c.packets, c.options, c.format === 'ip6tables' ? 'ip6' : 'ip');
  } catch (e) {
    if (e instanceof OracleLoadError) return { kind: 'refused', case: c, error: e.message };
    throw e;
  }
  try {
    return { kind: 'ran', case: c, run, packets: compareRun(c, run) };
  } catch (e) {
    return { kind: 'error', case: c, error: e instanceof Error ? e.stack ?? e.message : String(e) };
  }
}

/** The evaluator's verdict on a run the kernel already traced. */
export function compareRun(c: DiffCase, run: OracleRun): PacketResult[] {
  const inputs: EvaluatorInput[] = c.format === 'nft' ? nftInputs(c.ruleset, run.ruleset, run.rulesetJson, run.handles) : [iptablesInput(c.ruleset, run.handles, c.format === 'ip6tables' ? 'ip6' : undefined)];
  const host = hostSpecFor(c.options);
  const out: PacketResult[] = [];
  c.packets.forEach((wire, i) => {
    const packet = packetFor(wire, c.facts?.[wire.id]);
    const kernel = run.traces[i]!;
    for (const input of inputs) {
      if (input.error) {
        const k = kernelSide(kernel);
        const comparison: PacketComparison = { agreement: 'disagree', kernel: k, evaluator: { path: [], end: input.error }, leaves: 0, firstDifference: 0 };
        out.push({ packet: wire, packetText: packetText(wire), input: input.label, comparison });
        continue;
      }
      const tree: TraceTree = evaluateBranches(input.ruleset, packet, { host, forwarding: c.options?.forward ?? false, maxBranches: MAX_BRANCHES });
      out.push({ packet: wire, packetText: packetText(wire), input: input.label, comparison: comparePacket(kernel, tree) });
    }
  });
  return out;
}

export function isDisagreement(r: CaseResult): boolean {
  return r.kind === 'error' || (r.kind === 'ran' && r.packets.some((p) => p.comparison.agreement === 'disagree'));
}

/** Counts of agreements by kind over many results. */
export function tally(results: readonly CaseResult[]): Record<Agreement | 'refused' | 'error' | 'cases' | 'packets', number> {
  const t = { exact: 0, branch: 0, assumed: 0, disagree: 0, refused: 0, error: 0, cases: results.length, packets: 0 };
  for (const r of results) {
    if (r.kind !== 'ran') {
      t[r.kind]++;
      continue;
    }
    for (const p of r.packets) t[p.comparison.agreement]++;
    t.packets += r.case.packets.length;
  }
  return t;
}

/** A human report of one case's disagreements: ruleset, packets in the one-line syntax, both paths. */
export function formatDisagreements(r: CaseResult, rulesetText = r.case.ruleset): string {
  const lines = [`=== ${r.case.name} (${r.case.format}${r.case.options ? `, ${JSON.stringify(r.case.options)}` : ''})`];
  if (r.kind !== 'ran') {
    lines.push(`${r.kind}: ${r.error}`, rulesetText);
    return lines.join('\n');
  }
  lines.push('--- ruleset', rulesetText.trimEnd());
  for (const p of r.packets) {
    if (p.comparison.agreement !== 'disagree') continue;
    const facts = r.case.facts?.[p.packet.id];
    lines.push(`--- packet ${p.packet.id} [evaluator read: ${p.input}]`, `  ${p.packetText}${facts ? ` ${facts}` : ''}`, formatComparison(p.comparison));
    const handles = new Set([...p.comparison.kernel.path, ...p.comparison.evaluator.path].flatMap((l) => [...l.matchAll(/ rule #(\d+) /g)].map((m) => Number(m[1]))));
    for (const c of r.run.handles) for (const rule of c.rules) if (handles.has(rule.handle)) lines.push(`  #${rule.handle} (${c.table} ${c.name}): ${rule.text}`);
  }
  return lines.join('\n');
}

/** Runs cases in oracle sessions it opens on demand, and shrinks disagreements. Two sessions: the kernel
 * validates an arriving packet's source with a full route lookup once the namespace has ever had a local
 * route of its own (fib_has_custom_local_routes never goes back to false), so cases with AnyIP addresses
 * (`hostAddrs`) run in their own session and the others always meet a namespace that never had one. */
export class DiffRunner {
  private readonly sessions = new Map<string, Promise<OracleSession>>();

  private session(c: DiffCase): Promise<OracleSession> {
    const key = c.options?.hostAddrs?.length ? 'anyip' : 'plain';
    let s = this.sessions.get(key);
    if (!s) this.sessions.set(key, (s = OracleSession.open()));
    return s;
  }

  async run(c: DiffCase): Promise<CaseResult> {
    return runCase(await this.session(c), c);
  }

  async close(): Promise<void> {
    const all = [...this.sessions.values()];
    this.sessions.clear();
    await Promise.allSettled(all.map(async (s) => (await s).close()));
  }

  /** The smallest case found that still disagrees the same way: only the first disagreeing packet, then the
   * ruleset reduced (rulesetEdits) while the kernel and the evaluator still disagree, re-checked with the
   * kernel at every step. */
  async minimize(result: CaseResult, options: { maxTries?: number } = {}): Promise<{ result: CaseResult; text: string; tries: number }> {
    const c = result.case;
    const bad = result.kind === 'ran' ? result.packets.find((p) => p.comparison.agreement === 'disagree')?.packet : undefined;
    const packets = bad ? [bad] : c.packets;
    const kind = result.kind;
    const parse = (text: string): Ruleset => (c.format === 'nft' ? parseNft(text) : parseIptables(text, c.format === 'ip6tables' ? { family: 'ip6' } : {})).ruleset;
    const print = (r: Ruleset): string => (c.format === 'nft' ? printRuleset(r) : printIptablesSave(r));
    let last: CaseResult = result;
    const check = async (text: string): Promise<boolean> => {
      const r = await this.run({ ...c, ruleset: text, packets });
      const same = kind === 'ran' ? r.kind === 'ran' && isDisagreement(r) : r.kind === kind;
      if (same) last = r;
      return same;
    };
    const start = parse(c.ruleset);
    // the printed form must show the problem too (else the report keeps the original text)
    if (!(await check(print(start)))) {
      const r = await this.run({ ...c, packets });
      return { result: isDisagreement(r) ? r : result, text: c.ruleset, tries: 1 };
    }
    const done = await shrink(start, (r) => rulesetEdits(r, { statements: c.format === 'nft' }), (r) => check(print(r)), options);
    const text = print(done.value);
    // `last` is the run of the last interesting candidate, i.e. of `text`
    return { result: last, text, tries: done.tries + 1 };
  }
}
