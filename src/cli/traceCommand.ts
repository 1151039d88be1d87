// `nflens trace`: parses the dumps (one workspace), then follows one packet through them. Owns argument
// handling and output; the evaluation is src/eval. Parse errors are reported like `nflens parse` does (on
// standard error) and the trace runs on what parsed.
import { LineIndex } from '../model/sourceText.ts';
import { evaluate, evaluateBranches, formatNftMonitor, formatTrace, formatTree, parseHostSpec, parsePacket, projectToKernel, type EvalOptions } from '../eval/index.ts';
import { checkWorkspace, isSourceFormat, parseWorkspace } from '../parse/index.ts';
import { parseArgs, UsageError } from './args.ts';
import type { Io } from './main.ts';
import { formatDiagnostic, locate, readSources } from './parseCommand.ts';

function intList(flag: string, text: string): number[] {
  const out = text.split(/[\s,]+/).filter(Boolean).map(Number);
  if (!out.length || out.some((n) => !Number.isInteger(n) || n < 0)) throw new UsageError(`--${flag} needs non-negative integers (e.g. --${flag} 0,2)`);
  return out;
}

function int(flag: string, text: string | true | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (typeof text !== 'string' || !Number.isInteger(n) || n < 0) throw new UsageError(`--${flag} needs a non-negative integer`);
  return n;
}

export function runTrace(argv: readonly string[], io: Io): number {
  const args = parseArgs(argv, ['packet', 'host', 'branch', 'seed', 'format', 'max-branches', 'numgen-inc', 'hash'], ['json', 'forward', 'no-forward', 'all-branches', 'monitor', 'kernel', 'no-conntrack']);
  const packetText = args.flags.get('packet');
  if (typeof packetText !== 'string') throw new UsageError('trace needs --packet \'…\' (e.g. --packet "iif eth0 ip saddr 10.0.0.5 ip daddr 10.0.0.1 tcp dport 22")');
  if (args.positional.length === 0) throw new UsageError('trace needs at least one FILE (or - for standard input)');
  const formatFlag = (args.flags.get('format') as string | undefined) ?? 'auto';
  if (formatFlag !== 'auto' && !isSourceFormat(formatFlag)) throw new UsageError(`unknown format "${formatFlag}"`);
  if (args.flags.has('forward') && args.flags.has('no-forward')) throw new UsageError('--forward and --no-forward exclude each other');
  if (args.flags.has('branch') && args.flags.has('all-branches')) throw new UsageError('--branch picks one path; --all-branches follows every one');
  const modes = ['json', 'monitor', 'kernel'].filter((f) => args.flags.has(f));
  if (modes.length > 1) throw new UsageError(`--${modes.join(' and --')} exclude each other`);

  const { packet, diagnostics } = parsePacket(packetText);
  const packetErrors = diagnostics.filter((d) => d.severity === 'error');
  if (packetErrors.length) {
    throw new UsageError(`bad --packet:\n${packetErrors.map((d) => `  ${packetText}\n  ${' '.repeat(d.range.start)}${'^'.repeat(Math.max(1, d.range.end - d.range.start))} ${d.message} [${d.code}]`).join('\n')}`);
  }
  const hostText = args.flags.get('host');
  if (typeof hostText === 'string') {
    const h = parseHostSpec(hostText);
    if (h.errors.length) throw new UsageError(`bad --host: ${h.errors.join('; ')}`);
  }

  const sources = readSources(args.positional, formatFlag, io);
  const workspace = parseWorkspace(sources);
  const lineIndexes = new Map(workspace.sources.map(({ source }) => [source.id, new LineIndex(source.text)]));
  for (const { source, result } of workspace.sources) {
    for (const d of result.diagnostics) io.stderr(formatDiagnostic(source.name, locate(d, lineIndexes.get(source.id)!)));
  }
  // The checks across sources too (legacy and nf_tables on one hook…): they explain surprising traces.
  const names = new Map(workspace.sources.map(({ source }) => [source.id, source.name]));
  for (const d of checkWorkspace(workspace)) {
    const lines = lineIndexes.get(d.sourceId);
    if (lines) io.stderr(formatDiagnostic(names.get(d.sourceId) ?? d.sourceId, locate(d, lines)));
  }
  for (const d of diagnostics) io.stderr(`--packet: ${d.severity}: ${d.message} [${d.code}]\n`);

  const branch = args.flags.get('branch');
  const seed = int('seed', args.flags.get('seed'));
  const maxBranches = int('max-branches', args.flags.get('max-branches'));
  const numgenInc = int('numgen-inc', args.flags.get('numgen-inc'));
  const hashValue = int('hash', args.flags.get('hash'));
  const options: EvalOptions = {
    ...(typeof hostText === 'string' ? { host: hostText } : {}),
    ...(args.flags.has('forward') ? { forwarding: true } : args.flags.has('no-forward') ? { forwarding: false } : {}),
    ...(typeof branch === 'string' ? { branches: intList('branch', branch) } : {}),
    ...(seed !== undefined ? { seed } : {}),
    ...(maxBranches !== undefined ? { maxBranches: Math.max(1, maxBranches) } : {}),
    ...(numgenInc !== undefined ? { numgenInc } : {}),
    ...(hashValue !== undefined ? { hashValue } : {}),
    ...(args.flags.has('no-conntrack') ? { conntrack: false } : {}),
  };

  if (args.flags.has('all-branches')) {
    const tree = evaluateBranches(workspace, packet, options);
    if (args.flags.has('json')) io.stdout(JSON.stringify({ tree: tree.root, leaves: tree.leaves.map(jsonTrace), ...(tree.truncated ? { truncated: tree.truncated } : {}) }, bigintSafe, 2) + '\n');
    else if (args.flags.has('kernel')) io.stdout(JSON.stringify(tree.leaves.map((l) => ({ probability: l.probability, ...projectToKernel(l) })), null, 2) + '\n');
    else if (args.flags.has('monitor')) io.stdout(tree.leaves.map((l, i) => `# branch ${i + 1} (${l.choices.map((c) => c.alternative).join(' / ')})\n${formatNftMonitor(l)}`).join(''));
    else io.stdout(formatTree(tree));
    return 0;
  }
  const trace = evaluate(workspace, packet, options);
  if (args.flags.has('json')) io.stdout(JSON.stringify(jsonTrace(trace), bigintSafe, 2) + '\n');
  else if (args.flags.has('kernel')) io.stdout(JSON.stringify(projectToKernel(trace), null, 2) + '\n');
  else if (args.flags.has('monitor')) io.stdout(formatNftMonitor(trace));
  else {
    for (const n of trace.notes) io.stdout(`note: ${n}\n`);
    io.stdout(formatTrace(trace));
    if (trace.choices.length) io.stdout(`branches taken: ${trace.choices.map((c, i) => `${i}:${c.index} (${c.alternative}${c.share !== null ? `, ${Math.round(c.share * 10000) / 100}%` : ''})`).join(', ')}; see --all-branches\n`);
  }
  return 0;
}

/** The documented `--json` shape (src/eval/README.md). */
function jsonTrace(t: ReturnType<typeof evaluate>) {
  return {
    fate: t.fate,
    steps: t.steps,
    packet: t.packet,
    finalPacket: t.finalPacket,
    probability: t.probability,
    choices: t.choices,
    assumptions: t.assumptions,
    notes: t.notes,
  };
}

function bigintSafe(_k: string, v: unknown): unknown {
  return typeof v === 'bigint' ? v.toString() : v;
}
