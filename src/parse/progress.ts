// How far a parse has read, for a page that shows a percentage while a dump of tens of MB is parsed. Pure;
// imports nothing. A parser calls `at(offset)` as it reads; the listener hears at most one call per percent.

/** Hears the fraction of the text read so far, 0..1. */
export type ProgressListener = (fraction: number) => void;

export class ProgressMeter {
  /** The next offset worth reporting: one comparison per token decides whether to report. */
  next: number;
  private readonly step: number;

  constructor(
    private readonly total: number,
    private readonly listener: ProgressListener,
    /** The share of the whole parse that reading the text stands for (the rest is building the IR). */
    private readonly share = 1,
  ) {
    this.step = Math.max(1, Math.ceil(total / 100));
    this.next = this.step;
  }

  /** Reports `offset` when it crossed the next percent. */
  at(offset: number): void {
    if (offset < this.next) return;
    this.next = (Math.floor(offset / this.step) + 1) * this.step;
    this.listener((Math.min(offset, this.total) / this.total) * this.share);
  }

  /** Reports a fraction of the whole parse directly (a phase after reading, e.g. building the IR). */
  done(fraction: number): void {
    this.listener(fraction);
  }
}

/** A meter for `text`, or none without a listener (parsers then skip every report). */
export function meterFor(text: string, listener: ProgressListener | undefined, share?: number): ProgressMeter | undefined {
  return listener && text.length > 0 ? new ProgressMeter(text.length, listener, share) : undefined;
}
