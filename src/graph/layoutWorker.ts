// Module Web Worker that lays out graph models off the main thread (load it with Vite's `?worker`:
// `import LayoutWorker from '../graph/layoutWorker.ts?worker'`, then `createLayoutClient(new LayoutWorker())`).
// Imports only the protocol; uses no DOM or Node types (the worker scope is described locally).
//
// It listens with addEventListener, not `onmessage`: elkjs's bundle, when loaded inside a worker, installs
// its own `self.onmessage` (for its own worker mode) and would replace ours. It ignores our messages,
// which carry `type`, not its `cmd`.
import { handleLayoutMessage } from './layoutProtocol.ts';

interface WorkerScope {
  postMessage(message: unknown): void;
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
}

const scope = globalThis as unknown as WorkerScope;

scope.addEventListener('message', (event) => {
  void handleLayoutMessage(event.data).then((reply) => {
    if (reply) scope.postMessage(reply);
  });
});
