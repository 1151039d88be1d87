// Lays out the graph model in the layout worker (ELK, loaded lazily there) and hands back the newest layout
// together with the model it belongs to: the view keeps showing the previous layout until the new one
// arrives, and each new layout is computed with the previous one (`previous`) so that what was on screen
// stays where it was. The last layout outlives the view (switching tabs does not lay out again).
import { useEffect, useRef, useState } from 'react';
import { createLayoutClient, type GraphModel, type LayoutClient, type LayoutResult } from '../../graph/index.ts';
import LayoutWorker from '../../graph/layoutWorker.ts?worker';

export interface LaidOut {
  readonly model: GraphModel;
  readonly layout: LayoutResult;
}

let lastLaidOut: LaidOut | undefined;

export function useGraphLayout(model: GraphModel): { laidOut: LaidOut | undefined; pending: boolean; error: string | undefined } {
  const [laidOut, setLaidOut] = useState<LaidOut | undefined>(lastLaidOut);
  const [error, setError] = useState<string | undefined>(undefined);
  const clientRef = useRef<{ client: LayoutClient; worker: Worker } | undefined>(undefined);
  const latest = useRef<GraphModel | undefined>(undefined);

  useEffect(() => {
    const worker = new LayoutWorker();
    clientRef.current = { client: createLayoutClient(worker), worker };
    return () => {
      clientRef.current?.client.dispose();
      clientRef.current?.worker.terminate();
      clientRef.current = undefined;
    };
  }, []);

  useEffect(() => {
    if (lastLaidOut?.model === model) {
      setLaidOut(lastLaidOut);
      return;
    }
    latest.current = model;
    const client = clientRef.current?.client;
    if (!client) return;
    const previous = lastLaidOut?.layout;
    client.layout(model, previous ? { previous } : {}).then(
      (layout) => {
        if (latest.current !== model) return; // a newer model is being laid out
        lastLaidOut = { model, layout };
        setLaidOut(lastLaidOut);
        setError(undefined);
      },
      (e: unknown) => {
        if (latest.current !== model) return;
        const message = e instanceof Error ? e.message : String(e);
        if (message !== 'layout client disposed') setError(message);
      },
    );
  }, [model]);

  return { laidOut, pending: laidOut?.model !== model, error };
}
