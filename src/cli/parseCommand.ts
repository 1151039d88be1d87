// `nflens parse`: summary and diagnostics of one or more dumps (one workspace): each file's parser
// diagnostics, then the workspace checks across them (src/parse/workspace.ts).
import type { Diagnostic, Source, SourceFormat } from '../model/ir.ts';
import { LineIndex } from '../model/sourceText.ts';
import { summarizeRuleset, type RulesetSummary } from '../model/summary.ts';
import { checkWorkspace, detectFormat, isSourceFormat, parseWorkspace } from '../parse/index.ts';
import { InputError, parseArgs, UsageError } from './args.ts';
import type { Io } from './main.ts';

export function runParse(argv: readonly string[], io: Io): number {
  const args = parseArgs(argv, ['format'], ['json']);
  const formatFlag = (args.flags.get('format') as string | undefined) ?? 'auto';
  if (formatFlag !== 'auto' && !isSourceFormat(formatFlag)) throw new UsageError(`unknown format "${formatFlag}"`);
  if (args.positional.length === 0) throw new UsageError('parse needs at least one FILE (or - for standard input)');

  const sources = readSources(args.positional, formatFlag, io);
  const workspace = parseWorkspace(sources);

  const lineIndexes = new Map(workspace.sources.map(({ source }) => [source.id, new LineIndex(source.text)]));
  const linesOf = (id: string) => lineIndexes.get(id) as LineIndex;
  const reports = workspace.sources.map(({ source, result }) => ({
    file: source.name,
    format: source.format,
    summary: summarizeRuleset(result.ruleset),
    diagnostics: result.diagnostics.map((d) => locate(d, linesOf(source.id))),
    ruleset: result.ruleset,
  }));
  const names = new Map(workspace.sources.map(({ source }) => [source.id, source.name]));
  const workspaceDiagnostics = checkWorkspace(workspace).map((d) => ({ file: names.get(d.sourceId) ?? d.sourceId, ...locate(d, linesOf(d.sourceId)) }));
  const errors =
    workspace.sources.reduce((n, { result }) => n + result.diagnostics.filter((d) => d.severity === 'error').length, 0) +
    workspaceDiagnostics.filter((d) => d.severity === 'error').length;

  if (args.flags.has('json')) {
    io.stdout(JSON.stringify({ files: reports, workspace: workspaceDiagnostics }, null, 2) + '\n');
  } else {
    for (const r of reports) {
      io.stdout(`${r.file}: ${r.format}: ${describeSummary(r.summary)}\n`);
      for (const d of r.diagnostics) io.stdout(formatDiagnostic(r.file, d));
    }
    for (const d of workspaceDiagnostics) io.stdout(formatDiagnostic(d.file, d));
  }
  return errors > 0 ? 1 : 0;
}

export function formatDiagnostic(file: string, d: ReturnType<typeof locate>): string {
  return `${file}:${d.line}:${d.column}: ${d.severity}: ${d.message} [${d.code}]\n`;
}

/** Reads the files of a workspace ("-" = standard input), detecting each format unless one is given. */
export function readSources(files: readonly string[], formatFlag: string, io: Io): Source[] {
  return files.map((file, i) => {
    let text: string;
    try {
      text = io.readFile(file);
    } catch (e) {
      throw new InputError(`cannot read ${file}: ${(e as Error).message}`);
    }
    const format: SourceFormat = formatFlag === 'auto' ? detectFormat(text) : (formatFlag as SourceFormat);
    return { id: `s${i + 1}`, name: file === '-' ? '<stdin>' : file, format, text };
  });
}

export function locate(d: Diagnostic, lines: LineIndex) {
  const { line, column, length } = lines.describe(d.range);
  return { severity: d.severity, code: d.code, message: d.message, line, column, length };
}

export function describeSummary(s: RulesetSummary): string {
  const parts = [
    `${s.tables} tables`,
    `${s.chains} chains (${s.baseChains} base)`,
    `${s.rules} rules`,
    `${s.sets} sets`,
    `${s.maps} maps`,
    `${s.elements} elements`,
  ];
  if (s.flowtables) parts.push(`${s.flowtables} flowtables`);
  if (s.objects) parts.push(`${s.objects} objects`);
  if (s.ipvsServices) parts.push(`${s.ipvsServices} ipvs services (${s.ipvsReals} real servers)`);
  return parts.join(', ');
}
