// How the store asks for a parse: requests and responses as plain data, and the client interface the worker
// (ui/workerParseClient.ts) and the in-process client (tests, fallback) implement. Imports the parse entry only.
import type { ParseResult, SourceFormat } from '../model/ir.ts';
import { collectWorkspaceFacts, detectFormat, parseText, type WorkspaceFacts } from '../parse/index.ts';

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

/** Where a parse is: the phases a big paste spends seconds in, so that the page can say what it waits for. */
export type ParsePhase = 'detecting' | 'parsing' | 'checking';

export interface ParseProgress {
  readonly seq: number;
  readonly sourceId: string;
  readonly phase: ParsePhase;
}

/** The rejection of a parse the user cancelled (not a parser failure). */
export class ParseCancelledError extends Error {
  constructor(sourceId: string) {
    super(`parsing of ${sourceId} was cancelled`);
    this.name = 'ParseCancelledError';
  }
}

export interface ParseClient {
  /** Resolves with the response to this request; rejects only when the parser itself crashed or the parse
   *  was cancelled (ParseCancelledError). `onProgress` hears each phase the parse enters. */
  parse(request: ParseRequest, onProgress?: (progress: ParseProgress) => void): Promise<ParseResponse>;
  /** Stops the parse in flight for this source, if the client can (the worker client terminates the
   *  worker: a parse is one synchronous call). Other sources' requests are re-sent. */
  cancel?(sourceId: string): void;
  dispose(): void;
}

/** Runs one request. Used inside the parse worker and by the in-process client. `onParsed` hears the result
 *  as soon as it exists, before the workspace facts are collected. */
export function runParseRequest(
  request: ParseRequest,
  now: () => number = () => performance.now(),
  onPhase: (phase: ParsePhase) => void = () => {},
  onParsed: (result: ParseResponse['result'], format: SourceFormat) => void = () => {},
): ParseResponse {
  const started = now();
  let format: SourceFormat;
  if (request.format === 'auto') {
    onPhase('detecting');
    format = detectFormat(request.text);
  } else format = request.format;
  onPhase('parsing');
  const { format: _parsedAs, ...result } = parseText(request.text, format);
  // The worker starts sending the result here, so that the page assembles it while the checks run.
  onParsed(result, format);
  onPhase('checking');
  const facts = collectWorkspaceFacts({ source: { id: request.sourceId, name: '', format, text: request.text }, result });
  const durationMs = now() - started;
  return { seq: request.seq, sourceId: request.sourceId, format, result, durationMs, facts };
}

/** Parses on the calling thread (asynchronously, so callers see the same ordering as with a worker). */
export function createInlineParseClient(): ParseClient {
  return {
    parse: (request) => new Promise((resolve) => queueMicrotask(() => resolve(runParseRequest(request)))),
    dispose: () => {},
  };
}
