// The parse worker: parses one request at a time off the main thread, so that a dump of tens of thousands
// of rules does not freeze the page. Imports the store's request runner (which calls the core's parseText).
import { runParseRequest, type ParsePhase, type ParseRequest } from '../store/parseClient.ts';
import type { WorkerMessage } from './workerParseClient.ts';

const scope = self as unknown as DedicatedWorkerGlobalScope;

scope.onmessage = (event: MessageEvent<ParseRequest>) => {
  const request = event.data;
  let message: WorkerMessage;
  try {
    // Each phase is announced as it starts: the page shows it beside the Cancel button of a long parse.
    const progress = (phase: ParsePhase) => scope.postMessage({ progress: { seq: request.seq, sourceId: request.sourceId, phase } } satisfies WorkerMessage);
    message = { ok: true, response: runParseRequest(request, undefined, progress) };
  } catch (error) {
    // Parsers never throw on bad input; reaching this is a bug, reported to the user rather than lost.
    message = { ok: false, seq: request.seq, sourceId: request.sourceId, message: error instanceof Error ? error.message : String(error) };
  }
  scope.postMessage(message);
};
