// Work written as generators that yield between slices (so that a page can spread it over frames) also has
// to run in one go when a caller needs its result now. Pure; imports nothing.

/** Runs `steps` to the end and returns what the generator returns. */
export function runToEnd<T>(steps: Generator<unknown, T, void>): T {
  for (;;) {
    const next = steps.next();
    if (next.done) return next.value;
  }
}
