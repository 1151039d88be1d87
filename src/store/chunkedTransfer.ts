// Moving a big parse result from the parse worker to the page in pieces the page can take a few milliseconds
// at a time. Pure data code (no DOM, no worker API): the worker side splits, the page side assembles.
//
// Why: postMessage structured-clones its payload in one piece. For a 10 000-Service kube-proxy dump (263 000
// rules, ~200 MB as JSON) that is seconds of serialising in the worker and then seconds of deserialising on
// the page's main thread, in ONE task: the page freezes. Split into JSON parts of a few hundred items, each
// part is parsed in its own short task, and the page stays responsive while it fills in.
//
// The result must be plain JSON data (the parsers guarantee it; the fuzz suite checks it): no cycles, no
// shared objects, no BigInt, NaN, Infinity or undefined array slots. Then JSON round-trips it exactly.

/** Where an array sits in the tree: keys and indexes from the root. */
export type TransferPath = readonly (string | number)[];

/** Items to append, in order, to the array at `path` (which the skeleton or an earlier part created). */
export interface TransferPart {
  readonly path: TransferPath;
  readonly items: readonly unknown[];
}

export interface SplitValue {
  /** The value with every array longer than the limit emptied (copies only along the way to such arrays). */
  readonly skeleton: unknown;
  /** The emptied arrays' items, in an order where every part's array exists once the earlier parts are in. */
  readonly parts: readonly TransferPart[];
}

/** Items per part: a part of rules or chains is then well under a megabyte of JSON (a few ms to parse). */
export const DEFAULT_PART_ITEMS = 500;

/** Splits `value` so that no array in the skeleton or in any part's items has more than `maxItems` items. */
export function splitForTransfer(value: unknown, maxItems = DEFAULT_PART_ITEMS): SplitValue {
  const parts: TransferPart[] = [];
  // One mutable path for the whole walk: copying it at every node would allocate for every IR node.
  const path: (string | number)[] = [];

  const strip = (node: unknown): unknown => {
    if (typeof node !== 'object' || node === null) return node;
    if (Array.isArray(node)) {
      if (node.length > maxItems) {
        // The part is registered before its items are walked: parts for arrays nested inside these items
        // come after it, so their path exists when they are applied.
        for (let from = 0; from < node.length; from += maxItems) {
          const items: unknown[] = [];
          parts.push({ path: [...path], items });
          const to = Math.min(node.length, from + maxItems);
          for (let i = from; i < to; i++) {
            path.push(i);
            items.push(strip(node[i]));
            path.pop();
          }
        }
        return [];
      }
      let copy: unknown[] | undefined;
      for (let i = 0; i < node.length; i++) {
        path.push(i);
        const stripped = strip(node[i]);
        path.pop();
        if (stripped !== node[i]) (copy ??= node.slice())[i] = stripped;
      }
      return copy ?? node;
    }
    let copy: Record<string, unknown> | undefined;
    const record = node as Record<string, unknown>;
    for (const key of Object.keys(record)) {
      path.push(key);
      const stripped = strip(record[key]);
      path.pop();
      if (stripped !== record[key]) (copy ??= { ...record })[key] = stripped;
    }
    return copy ?? node;
  };

  return { skeleton: strip(value), parts };
}

/** Rebuilds a split value on the receiving side: start from the skeleton, then apply the parts in order. */
export class TransferAssembler {
  readonly root: unknown;

  constructor(skeleton: unknown) {
    this.root = skeleton;
  }

  /** Appends one part's items. Throws on a path the skeleton does not have (a protocol bug, not bad input). */
  apply(part: TransferPart): void {
    let node: unknown = this.root;
    for (const step of part.path) {
      if (typeof node !== 'object' || node === null) break;
      node = (node as Record<string | number, unknown>)[step];
    }
    if (!Array.isArray(node)) throw new Error(`transfer: no array at ${part.path.join('.')}`);
    for (const item of part.items) node.push(item);
  }
}

/** How the receiver gets the thread back between slices (the page passes a MessageChannel post; tests a queue). */
export type Scheduler = (run: () => void) => void;

/**
 * Receives a split value as JSON texts (skeleton, parts, end) and assembles it in slices of at most
 * `budgetMs` of parsing, yielding to the scheduler between slices so that the thread can paint and handle
 * input. `end(onDone)`: onDone gets the assembled value once every part that came before the end is in.
 */
export class TransferReceiver {
  private assembler: TransferAssembler | undefined;
  private readonly queue: { readonly path: TransferPath; readonly json: string }[] = [];
  private head = 0;
  private onDone: ((value: unknown) => void) | undefined;
  private scheduled = false;
  private stopped = false;

  constructor(
    private readonly schedule: Scheduler,
    private readonly now: () => number = () => performance.now(),
    private readonly budgetMs = 8,
  ) {}

  skeleton(json: string): void {
    this.assembler = new TransferAssembler(JSON.parse(json));
  }

  part(path: TransferPath, json: string): void {
    this.queue.push({ path, json });
    this.kick();
  }

  end(onDone: (value: unknown) => void): void {
    this.onDone = onDone;
    this.kick();
  }

  /** Drops what is queued: the request was cancelled or superseded. */
  stop(): void {
    this.stopped = true;
    this.queue.length = 0;
  }

  private kick(): void {
    if (this.scheduled || this.stopped) return;
    this.scheduled = true;
    this.schedule(() => this.slice());
  }

  private slice(): void {
    this.scheduled = false;
    if (this.stopped) return;
    const assembler = this.assembler;
    if (!assembler) throw new Error('transfer: a part arrived before the skeleton');
    const started = this.now();
    while (this.head < this.queue.length && this.now() - started < this.budgetMs) {
      const next = this.queue[this.head]!;
      // Release the text as soon as it is parsed: the queue would otherwise hold the whole JSON until the end.
      this.queue[this.head++] = { path: next.path, json: '' };
      assembler.apply({ path: next.path, items: JSON.parse(next.json) as unknown[] });
    }
    if (this.head < this.queue.length) this.kick();
    else if (this.onDone) {
      this.stopped = true;
      this.onDone(assembler.root);
    }
  }
}

/** Runs `steps` a slice of at most `budgetMs` at a time, yielding to the scheduler between slices; then
 *  `onDone`. For work the page must do after a big parse (e.g. the graph's table indexes). */
export function runInSlices(steps: Iterator<unknown>, schedule: Scheduler, onDone: () => void, now: () => number = () => performance.now(), budgetMs = 8): void {
  const slice = (): void => {
    const started = now();
    while (now() - started < budgetMs) {
      if (steps.next().done) {
        onDone();
        return;
      }
    }
    schedule(slice);
  };
  schedule(slice);
}
