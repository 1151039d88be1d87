// The parse worker: parses one request at a time off the main thread, so that a dump of tens of thousands
// of rules does not freeze the page. The result goes back in JSON parts the page assembles a slice at a time
// (store/chunkedTransfer.ts): one structured clone of it would block the page for seconds. Imports the
// store's request runner (which calls the core's parseText) and the transfer splitter.
import { runParseRequest, type ParsePhase, type ParseRequest } from '../store/parseClient.ts';
import { splitForTransfer } from '../store/chunkedTransfer.ts';
import type { SourceFormat } from '../model/ir.ts';
import type { WorkerMessage } from './workerParseClient.ts';

const scope = self as unknown as DedicatedWorkerGlobalScope;
const post = (message: WorkerMessage): void => scope.postMessage(message);

scope.onmessage = (event: MessageEvent<ParseRequest>) => {
  const request = event.data;
  const { seq, sourceId } = request;
  try {
    // Each phase is announced as it starts: the page shows it beside the Cancel button of a long parse.
    const progress = (phase: ParsePhase, fraction?: number) => post({ progress: { seq, sourceId, phase, ...(fraction !== undefined ? { fraction } : {}) } });
    const sendResult = (result: unknown, format: SourceFormat) => {
      const { skeleton, parts } = splitForTransfer(result);
      post({ skeleton: { seq, json: JSON.stringify(skeleton), parts: parts.length } });
      // Each part is turned into text just before it is posted, so the page parses early parts while the
      // worker is still writing later ones.
      for (const part of parts) post({ part: { seq, path: part.path, json: JSON.stringify(part.items) } });
      post({ sent: { seq, format } });
    };
    const { result: _sent, ...response } = runParseRequest(request, undefined, progress, sendResult);
    post({ ok: true, response });
  } catch (error) {
    // Parsers never throw on bad input; reaching this is a bug, reported to the user rather than lost.
    post({ ok: false, seq, sourceId, message: error instanceof Error ? error.message : String(error) });
  }
};
