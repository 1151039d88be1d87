// Message protocol between the page and the layout worker, the worker's request handler, and a client
// that matches replies to requests by id. Pure: talks to anything with postMessage/addEventListener, so
// tests run it without a Worker. Imports graph types and layout.ts.
import { layoutGraph } from './layout.ts';
import type { GraphModel, LayoutOptions, LayoutResult } from './types.ts';

export interface LayoutRequest {
  readonly type: 'layout';
  /** Chosen by the client; the reply carries it back. */
  readonly id: number;
  readonly model: GraphModel;
  readonly options?: LayoutOptions;
}

export type LayoutResponse =
  | { readonly type: 'layout-result'; readonly id: number; readonly result: LayoutResult }
  | { readonly type: 'layout-error'; readonly id: number; readonly message: string };

export function isLayoutRequest(data: unknown): data is LayoutRequest {
  return typeof data === 'object' && data !== null && (data as { type?: unknown }).type === 'layout' && typeof (data as { id?: unknown }).id === 'number';
}

/** What the worker does with one message: a reply for layout requests, nothing for anything else. */
export async function handleLayoutMessage(data: unknown): Promise<LayoutResponse | undefined> {
  if (!isLayoutRequest(data)) return undefined;
  try {
    return { type: 'layout-result', id: data.id, result: await layoutGraph(data.model, data.options) };
  } catch (error) {
    return { type: 'layout-error', id: data.id, message: error instanceof Error ? error.message : String(error) };
  }
}

/** The part of a Worker (or MessagePort) the client needs. */
export interface MessageEndpoint {
  postMessage(message: unknown): void;
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
  removeEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
}

export interface LayoutClient {
  layout(model: GraphModel, options?: LayoutOptions): Promise<LayoutResult>;
  /** Stops listening; pending layouts reject. */
  dispose(): void;
}

/** Sends layout requests to a worker and resolves each with its own reply (replies may come in any order). */
export function createLayoutClient(worker: MessageEndpoint): LayoutClient {
  let nextId = 1;
  const pending = new Map<number, { resolve: (r: LayoutResult) => void; reject: (e: Error) => void }>();
  const listener = (event: { data: unknown }): void => {
    const data = event.data as Partial<LayoutResponse> | null;
    if (!data || typeof data.id !== 'number') return;
    const waiter = pending.get(data.id);
    if (!waiter) return;
    pending.delete(data.id);
    if (data.type === 'layout-result' && 'result' in data && data.result) waiter.resolve(data.result);
    else waiter.reject(new Error(data.type === 'layout-error' && 'message' in data ? String(data.message) : 'malformed layout reply'));
  };
  worker.addEventListener('message', listener);
  return {
    layout(model, options) {
      const id = nextId++;
      return new Promise<LayoutResult>((resolve, reject) => {
        pending.set(id, { resolve, reject });
        const request: LayoutRequest = { type: 'layout', id, model, ...(options ? { options } : {}) };
        worker.postMessage(request);
      });
    },
    dispose() {
      worker.removeEventListener('message', listener);
      for (const waiter of pending.values()) waiter.reject(new Error('layout client disposed'));
      pending.clear();
    },
  };
}
