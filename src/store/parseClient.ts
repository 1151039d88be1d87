// How the store asks for a parse: requests and responses as plain data, and the client interface the worker
// (ui/workerParseClient.ts) and the in-process client (tests, fallback) implement. Imports the parse entry only.
import type { ParseResult, SourceFormat } from '../model/ir.ts';
import { collectWorkspaceFacts, parseText, type WorkspaceFacts } from '../parse/index.ts';

export type FormatChoice = SourceFormat | 'auto';

export interface ParseRequest {
  /** Increases with every request of the store; a response answers exactly one request. */
  readonly seq: number;
  readonly sourceId: string;
  readonly text: string;
  readonly format: FormatChoice;
}

export interface ParseResponse {
  readonly seq: number;
  readonly sourceId: string;
  /** The format the text was parsed as (the detected one when the request said `auto`). */
  readonly format: SourceFormat;
  readonly result: ParseResult;
  readonly durationMs: number;
  /** What the workspace checks need from this source (the costly IR walk, done beside the parse so that
   *  the main thread only merges; absent from clients that do not compute it). */
  readonly facts?: WorkspaceFacts;
}

export interface ParseClient {
  /** Resolves with the response to this request; rejects only when the parser itself crashed. */
  parse(request: ParseRequest): Promise<ParseResponse>;
  dispose(): void;
}

/** Runs one request. Used inside the parse worker and by the in-process client. */
export function runParseRequest(request: ParseRequest, now: () => number = () => performance.now()): ParseResponse {
  const started = now();
  const { format, ...result } = parseText(request.text, request.format);
  const durationMs = now() - started;
  const facts = collectWorkspaceFacts({ source: { id: request.sourceId, name: '', format, text: request.text }, result });
  return { seq: request.seq, sourceId: request.sourceId, format, result, durationMs, facts };
}

/** Parses on the calling thread (asynchronously, so callers see the same ordering as with a worker). */
export function createInlineParseClient(): ParseClient {
  return {
    parse: (request) => new Promise((resolve) => queueMicrotask(() => resolve(runParseRequest(request)))),
    dispose: () => {},
  };
}
