// What the fuzzer runs and what it checks: every parser (nft text, nft JSON, iptables, ipset, ipvs), format
// detection with the auto-detected parse, the packet one-line syntax and the permalink decoder, each with the
// properties every untrusted input must keep:
//   - no exception escapes (the parsers promise never to throw);
//   - every diagnostic range (and its `related` range) lies inside the input: 0 ≤ start ≤ end ≤ length;
//   - the same input gives the same output (IR and diagnostics);
//   - the output is plain JSON (no cycles, class instances, BigInt, NaN/Infinity): it goes to workers and links;
//   - the printers and the page's derived views (outline, editor markers, summary) do not throw on it.
// Node-only test helper; imports the core's public entries and this folder's input generators.
import fc from 'fast-check';
import type { Diagnostic, ParseResult, SourceRange } from '../../src/model/ir.ts';
import { summarizeRuleset } from '../../src/model/summary.ts';
import { detectFormat, parseIpset, parseIptables, parseIpvs, parseNft, parseNftJson, parseText, printIpsetSave, printIpvsadmSave, checkWorkspace, FORMATS } from '../../src/parse/index.ts';
import { printRuleset } from '../../src/parse/nft/print.ts';
import { printIptablesSave } from '../../src/parse/iptables/print.ts';
import { parsePacket } from '../../src/eval/packetParse.ts';
import { evaluateBranches } from '../../src/eval/evaluate.ts';
import { formatPacket } from '../../src/eval/packet.ts';
import { decodePermalink } from '../../src/share/permalink.ts';
import { buildSourceOutline } from '../../src/graph/outline.ts';
import { diagnosticsToMarkers } from '../../src/ui/editor/markers.ts';
import { buildPermalink, type PermalinkState } from '../../src/share/permalink.ts';
import { mutatedCorpus, packetInput, parserInput, permalinkInput, permalinkState, VOCABULARY } from './arbitraries.ts';
import { corpusTexts } from './corpusTexts.ts';

export interface FuzzTarget {
  readonly name: string;
  /** The inputs to try (built on first use: parser targets read the corpus). */
  input(): fc.Arbitrary<string>;
  /** Runs the code under test on one input; returns what must be deterministic and JSON. */
  run(text: string): unknown;
  /** Checks one output; returns the problems found (empty when the properties hold). */
  check(text: string, output: unknown): string[];
  /** The corpus files this target mutates (parser targets), for the every-file pass of `npm run fuzz`. */
  corpus?(): readonly string[];
}

/** Problems with the ranges of a list of diagnostics for a text of `length` UTF-16 units. */
export function rangeProblems(diagnostics: readonly Diagnostic[], length: number): string[] {
  const out: string[] = [];
  const bad = (r: SourceRange | undefined): boolean =>
    !r || !Number.isInteger(r.start) || !Number.isInteger(r.end) || r.start < 0 || r.start > r.end || r.end > length;
  for (const d of diagnostics) {
    if (bad(d.range)) out.push(`diagnostic ${d.code} "${d.message}" has range ${JSON.stringify(d.range)} outside 0..${length}`);
    if (d.related && bad(d.related.range)) out.push(`diagnostic ${d.code} has a related range ${JSON.stringify(d.related.range)} outside 0..${length}`);
    if (typeof d.message !== 'string' || d.message === '') out.push(`diagnostic ${d.code} has no message`);
    if (d.severity !== 'error' && d.severity !== 'warning' && d.severity !== 'info') out.push(`diagnostic ${d.code} has severity ${String(d.severity)}`);
  }
  return out;
}

/** Where `value` is not plain JSON data (undefined properties are allowed: JSON drops them; undefined array
 *  items are not: JSON makes them null, and the page receives parse results as JSON). */
export function jsonProblems(value: unknown, path = '$', seen: Set<object> = new Set()): string[] {
  switch (typeof value) {
    case 'string':
    case 'boolean':
    case 'undefined':
      return [];
    case 'number':
      return Number.isFinite(value) ? [] : [`${path} is ${value}, which JSON cannot hold`];
    case 'object': {
      if (value === null) return [];
      if (seen.has(value)) return [`${path} is a cycle`];
      const proto = Object.getPrototypeOf(value);
      if (!Array.isArray(value) && proto !== Object.prototype && proto !== null) return [`${path} is a ${proto?.constructor?.name ?? 'class'} instance`];
      seen.add(value);
      const out: string[] = [];
      for (const [k, v] of Object.entries(value)) {
        if (v === undefined && Array.isArray(value)) out.push(`${path}[${k}] is undefined, which JSON turns into null`);
        out.push(...jsonProblems(v, `${path}.${k}`, seen));
        if (out.length > 5) break;
      }
      seen.delete(value);
      return out;
    }
    default:
      return [`${path} is a ${typeof value}`];
  }
}

/** Runs `fn`, turning an exception into a problem (named by `what`). */
function noThrow(what: string, fn: () => unknown): string[] {
  try {
    fn();
    return [];
  } catch (e) {
    return [`${what} threw: ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`];
  }
}

/** The checks shared by every parser: ranges, JSON, the derived views the page computes, the printers. */
function checkParse(text: string, result: ParseResult, printers: readonly [string, (r: ParseResult) => unknown][]): string[] {
  if (!result || typeof result !== 'object' || !result.ruleset || !Array.isArray(result.diagnostics)) return ['the parser returned no { ruleset, diagnostics }'];
  return [
    ...rangeProblems(result.diagnostics, text.length),
    ...jsonProblems(result),
    ...noThrow('summarizeRuleset', () => summarizeRuleset(result.ruleset)),
    ...noThrow('buildSourceOutline', () => buildSourceOutline({ sourceId: 's', name: 'fuzz', text, result })),
    ...noThrow('diagnosticsToMarkers', () => diagnosticsToMarkers(result.diagnostics, text)),
    ...printers.flatMap(([name, print]) => noThrow(name, () => print(result))),
  ];
}

const nftPrinter: [string, (r: ParseResult) => unknown] = ['printRuleset (nft)', (r) => printRuleset(r.ruleset)];

/** Random text, random bytes, soups of the format's words, and mutations of these corpus folders. */
function parserInputOf(words: keyof typeof VOCABULARY, corpus: readonly string[]): () => fc.Arbitrary<string> {
  let arbitrary: fc.Arbitrary<string> | undefined;
  return () => (arbitrary ??= parserInput(VOCABULARY[words] ?? [], corpusTexts(corpus)));
}

function parserTarget(
  name: string,
  parse: (text: string) => ParseResult,
  corpus: readonly string[],
  words: keyof typeof VOCABULARY,
  printers: readonly [string, (r: ParseResult) => unknown][],
): FuzzTarget {
  return {
    name,
    input: parserInputOf(words, corpus),
    run: parse,
    check: (text, out) => checkParse(text, out as ParseResult, printers),
    corpus: () => corpusTexts(corpus),
  };
}

let traceInput: fc.Arbitrary<string> | undefined;

const TRACE_PACKETS = [
  'iif eth0 ip saddr 10.0.0.1 ip daddr 10.96.0.10 udp dport 53',
  'iif eth0 ip saddr 203.0.113.7 ip daddr 192.168.1.10 tcp dport 22',
  'iif eth0 ip6 saddr 2001:db8::1 ip6 daddr 2001:db8::2 udp dport 53 ct state established',
  'local ip daddr 10.0.0.9 tcp dport 443',
].map((line) => parsePacket(line).packet);

const FATE_KINDS = new Set(['delivered', 'forwarded', 'sent', 'dropped', 'rejected', 'queued', 'stolen', 'no-route', 'ttl-expired', 'loop', 'too-deep', 'missing-chain', 'error']);

export const TARGETS: readonly FuzzTarget[] = [
  parserTarget('nft', parseNft, ['nft', 'nft-input', 'nft-bogons', 'nft-py-t', 'generated/nft', 'repo:src/examples|.nft'], 'nft', [nftPrinter]),
  parserTarget('nft-json', parseNftJson, ['nft-json', 'nft-json-fragments', 'generated/nft-json'], 'json', [nftPrinter]),
  parserTarget('iptables', (t) => parseIptables(t), ['iptables', 'ebtables-arptables', 'iptables-ext-t', 'generated/iptables', 'repo:src/examples|-save.txt'], 'iptables', [
    ['printIptablesSave', (r) => printIptablesSave(r.ruleset)],
    nftPrinter,
  ]),
  parserTarget('ipset', parseIpset, ['ipset', 'repo:src/parse/ipset/testdata|', 'repo:src/examples|ipset-save.txt'], 'ipset', [['printIpsetSave', (r) => printIpsetSave(r.ruleset)], nftPrinter]),
  parserTarget('ipvs', parseIpvs, ['ipvs', 'repo:src/examples|ipvsadm-Ln.txt'], 'ipvs', [['printIpvsadmSave', (r) => printIpvsadmSave(r.ruleset)]]),
  {
    name: 'detect',
    input: parserInputOf('nft', ['*']),
    // Detection, then the parse the page runs on a paste (auto), then the workspace checks over it.
    run: (text) => {
      const format = detectFormat(text);
      const parsed = parseText(text, 'auto');
      const workspace = checkWorkspace({ sources: [{ source: { id: 's', name: 'fuzz', format: parsed.format, text }, result: parsed }] });
      return { format, parsed, workspace };
    },
    check: (text, out) => {
      const { format, parsed, workspace } = out as { format: string; parsed: ParseResult & { format: string }; workspace: Diagnostic[] };
      const problems: string[] = [];
      if (!(FORMATS as readonly string[]).includes(format)) problems.push(`detectFormat returned ${JSON.stringify(format)}`);
      if (parsed.format !== format) problems.push(`parseText(auto) used ${parsed.format}, detectFormat said ${format}`);
      problems.push(...rangeProblems(workspace, text.length), ...jsonProblems(workspace));
      return [...problems, ...checkParse(text, parsed, [nftPrinter])];
    },
  },
  {
    // Whatever parses, the evaluator follows packets through it (all branches, capped) without throwing, and
    // every run ends with one of the fates it documents.
    name: 'trace',
    // Mutated rulesets with base chains (generated dumps, the examples), so that packets meet real rules.
    input: () => (traceInput ??= fc.oneof(
      { weight: 4, arbitrary: mutatedCorpus(corpusTexts(['generated/nft', 'generated/iptables', 'generated/nft-json', 'repo:src/examples|.nft', 'repo:src/examples|-save.txt', 'repo:src/examples|.json'])) },
      { weight: 1, arbitrary: mutatedCorpus(corpusTexts(['nft', 'iptables'])) },
    )),
    run: (text) => {
      const parsed = parseText(text, 'auto');
      const workspace = { sources: [{ source: { id: 's', name: 'fuzz', format: parsed.format, text }, result: parsed }] };
      return TRACE_PACKETS.map((p) => {
        const tree = evaluateBranches(workspace, p, { maxBranches: 8, maxRuleEvals: 20_000 });
        return { fates: tree.leaves.map((l) => [l.fate.kind, l.fate.reason, l.steps.length, l.probability]), truncated: tree.truncated ?? null };
      });
    },
    check: (_text, out) => {
      const runs = out as { fates: [string, string, number, number][] }[];
      const problems: string[] = [];
      for (const r of runs) {
        if (r.fates.length === 0) problems.push('a trace tree without leaves');
        for (const [kind, reason] of r.fates) {
          if (!FATE_KINDS.has(kind)) problems.push(`fate kind ${kind}`);
          if (!reason) problems.push(`fate ${kind} without a reason`);
        }
      }
      return problems;
    },
  },
  {
    name: 'packet',
    input: packetInput,
    run: (text) => parsePacket(text),
    check: (text, out) => {
      const { packet, diagnostics } = out as ReturnType<typeof parsePacket>;
      return [...rangeProblems(diagnostics, text.length), ...jsonProblems(out), ...noThrow('formatPacket', () => formatPacket(packet, true))];
    },
  },
  {
    name: 'permalink',
    input: permalinkInput,
    run: (text) => decodePermalink(text),
    check: (_text, out) => {
      const r = out as ReturnType<typeof decodePermalink>;
      if (r.ok) return jsonProblems(r.state);
      return typeof r.error === 'string' && r.error !== '' ? [] : ['a refused link has no error message'];
    },
  },
  {
    // Any workspace a link can carry comes back exactly (the input is the workspace as JSON).
    name: 'permalink-roundtrip',
    input: () => permalinkState.map((state) => JSON.stringify(state)),
    run: (json) => {
      const state = JSON.parse(json) as PermalinkState;
      const info = buildPermalink(state);
      return { state, info, back: decodePermalink(`#${info.fragment}`) };
    },
    check: (_json, out) => {
      const { state, info, back } = out as { state: PermalinkState; info: ReturnType<typeof buildPermalink>; back: ReturnType<typeof decodePermalink> };
      if (!back.ok) return [`a link built from a workspace is refused: ${back.error}`];
      if (JSON.stringify(back.state) !== JSON.stringify(state)) return ['a workspace does not come back identical from its link'];
      return back.linkSize === info.linkSize && back.rawSize === info.rawSize ? [] : ['the decoded sizes differ from the built ones'];
    },
  },
];

/** Runs a target on one input and checks every property; returns the problems (empty = all hold). The
 *  second run checks determinism. `slowMs`: a single run slower than this is a problem too (a hang seen
 *  early: parsers are linear, and fuzz inputs are small). */
export function checkInput(target: FuzzTarget, text: string, slowMs = Infinity): string[] {
  let first: unknown;
  const started = performance.now();
  try {
    first = target.run(text);
  } catch (e) {
    return [`${target.name} threw: ${e instanceof Error ? `${e.name}: ${e.message}\n${e.stack?.split('\n').slice(1, 6).join('\n')}` : String(e)}`];
  }
  const elapsed = performance.now() - started;
  const problems = target.check(text, first);
  if (elapsed > slowMs) problems.push(`${target.name} took ${Math.round(elapsed)} ms on ${text.length} characters`);
  if (problems.length === 0) {
    let second: unknown;
    try {
      second = target.run(text);
    } catch (e) {
      return [`${target.name} threw on the second run only: ${e instanceof Error ? e.message : String(e)}`];
    }
    if (JSON.stringify(first) !== JSON.stringify(second)) problems.push(`${target.name} is not deterministic: two runs on the same input differ`);
  }
  return problems;
}

/** IR node ranges outside the input (the editor reveals them; a wrong one selects the wrong text). */
export function irRangeProblems(value: unknown, length: number, path = '$'): string[] {
  if (value === null || typeof value !== 'object') return [];
  const out: string[] = [];
  const record = value as Record<string, unknown>;
  const r = record.range as SourceRange | undefined;
  if (r && typeof r === 'object' && (r.start < 0 || r.start > r.end || r.end > length)) out.push(`${path}.range ${JSON.stringify(r)} outside 0..${length}`);
  for (const [k, v] of Object.entries(record)) {
    if (k === 'range' || v === null || typeof v !== 'object') continue;
    out.push(...irRangeProblems(v, length, `${path}.${k}`));
    if (out.length > 3) break;
  }
  return out;
}
