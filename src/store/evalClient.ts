// How the store asks for a packet trace: requests and responses as plain data, the client interface that the
// eval worker (ui/trace/workerEvalClient.ts) and the in-process client (tests) implement, and the request
// runner both use. Imports the parse and eval cores only.
//
// A request carries the sources' texts, not their parsed IR: structured-cloning the IR of a 10 000-Service
// kube-proxy dump costs seconds on the sending thread, a string costs nothing. The runner parses each text
// once and keeps the result while the text is unchanged (the parsers are deterministic, so ranges agree
// with the page's own parse).
import type { ParsedSource, SourceFormat, Workspace } from '../model/ir.ts';
import { parseText } from '../parse/index.ts';
import { evaluate, evaluateBranches, parsePacket, type EvalOptions, type Trace, type TraceTree } from '../eval/index.ts';

/** One source as the page parsed it: the text the parse result belongs to and the format it was read as. */
export interface EvalSource {
  readonly id: string;
  readonly name: string;
  readonly format: SourceFormat;
  readonly text: string;
}

/** IP forwarding: as nflens infers it (`auto`, see src/eval/README.md "Host spec"), or forced. */
export type Forwarding = 'auto' | 'on' | 'off';

export interface EvalRequest {
  /** Increases with every request of the store; a response answers exactly one request. */
  readonly seq: number;
  readonly sources: readonly EvalSource[];
  /** The one-line packet syntax (`parsePacket`). */
  readonly packetText: string;
  /** The `--host` spec; empty: inferred. */
  readonly host: string;
  readonly forwarding: Forwarding;
  /** All-branches cap (leaves). */
  readonly maxBranches: number;
}

export interface EvalResponse {
  readonly seq: number;
  /** The default path (first alternative at every choice point), as `nflens trace` prints it. */
  readonly trace: Trace;
  /** Every branch (numgen, statistic, IPVS, undecidable matches) with each leaf's share. */
  readonly tree: TraceTree;
  readonly durationMs: number;
}

export interface EvalClient {
  /** Resolves with the response to this request; rejects when the evaluation itself failed (a bug). */
  evaluate(request: EvalRequest): Promise<EvalResponse>;
  dispose(): void;
}

export const DEFAULT_MAX_BRANCHES = 64;

/** The CLI's options for a request: `--host`, `--forward`/`--no-forward`, `--max-branches`. */
export function evalOptionsOf(request: Pick<EvalRequest, 'host' | 'forwarding' | 'maxBranches'>): EvalOptions {
  return {
    ...(request.host.trim() !== '' ? { host: request.host.trim() } : {}),
    ...(request.forwarding === 'on' ? { forwarding: true } : request.forwarding === 'off' ? { forwarding: false } : {}),
    maxBranches: request.maxBranches,
  };
}

/** Parses sources into a workspace, re-using the parse of a source whose text and format did not change. */
export function createWorkspaceCache(): (sources: readonly EvalSource[]) => Workspace {
  const parsed = new Map<string, ParsedSource>();
  let last: { key: readonly ParsedSource[]; workspace: Workspace } | undefined;
  return (sources) => {
    const list = sources.map((s) => {
      const old = parsed.get(s.id);
      if (old && old.source.text === s.text && old.source.format === s.format && old.source.name === s.name) return old;
      const { format: _format, ...result } = parseText(s.text, s.format);
      const fresh: ParsedSource = { source: { id: s.id, name: s.name, format: s.format, text: s.text }, result };
      parsed.set(s.id, fresh);
      return fresh;
    });
    for (const id of [...parsed.keys()]) if (!sources.some((s) => s.id === id)) parsed.delete(id);
    if (last && last.key.length === list.length && list.every((p, i) => p === last!.key[i])) return last.workspace;
    last = { key: list, workspace: { sources: list } };
    return last.workspace;
  };
}

/** Runs one request: the default trace and the branch tree. Used inside the eval worker and inline. */
export function runEvalRequest(request: EvalRequest, workspaceOf: (sources: readonly EvalSource[]) => Workspace, now: () => number = () => performance.now()): EvalResponse {
  const started = now();
  const workspace = workspaceOf(request.sources);
  const { packet } = parsePacket(request.packetText);
  const options = evalOptionsOf(request);
  const trace = evaluate(workspace, packet, options);
  const tree = evaluateBranches(workspace, packet, options);
  return { seq: request.seq, trace, tree, durationMs: now() - started };
}

/** Evaluates on the calling thread (asynchronously, so callers see the same ordering as with a worker). */
export function createInlineEvalClient(): EvalClient {
  const workspaceOf = createWorkspaceCache();
  return {
    evaluate: (request) =>
      new Promise((resolve, reject) =>
        queueMicrotask(() => {
          try {
            resolve(runEvalRequest(request, workspaceOf));
          } catch (error) {
            reject(error instanceof Error ? error : new Error(String(error)));
          }
        }),
      ),
    dispose: () => {},
  };
}
