// The evaluation worker: traces packets off the main thread, on the workspace the request describes. It
// parses each source's text itself (once per text; see store/evalClient.ts for why texts travel, not IR).
// Imports the store's request runner (which calls the parse and eval cores).
import { createWorkspaceCache, runEvalRequest, type EvalRequest } from '../../store/evalClient.ts';
import type { EvalWorkerMessage } from './workerEvalClient.ts';

const scope = self as unknown as DedicatedWorkerGlobalScope;
const workspaceOf = createWorkspaceCache();

scope.onmessage = (event: MessageEvent<EvalRequest>) => {
  const request = event.data;
  let message: EvalWorkerMessage;
  try {
    message = { ok: true, response: runEvalRequest(request, workspaceOf) };
  } catch (error) {
    // The evaluator never throws on any input; reaching this is a bug, reported rather than lost.
    message = { ok: false, seq: request.seq, message: error instanceof Error ? error.message : String(error) };
  }
  scope.postMessage(message);
};
