// Structural comparison of IR values, ignoring what legitimately differs between formats of the same ruleset.
// Used by tests (JSON/text twins, print→parse round trips). Imports nothing but IR types.

export interface CompareOptions {
  /** Ignore `range` (always ignored). */
  readonly ignoreHandles?: boolean;
  /** Keys dropped everywhere before comparing. */
  readonly ignoreKeys?: readonly string[];
}

/** A copy of `value` without source ranges (and optionally without handles), with keys sorted and
 *  `undefined` members removed, so that two IRs compare by content only. */
export function normalizeForCompare(value: unknown, options: CompareOptions = {}): unknown {
  const drop = new Set(['range', ...(options.ignoreHandles ? ['handle'] : []), ...(options.ignoreKeys ?? [])]);
  const walk = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(walk);
    if (v !== null && typeof v === 'object') {
      const out: Record<string, unknown> = {};
      for (const key of Object.keys(v).sort()) {
        const child = (v as Record<string, unknown>)[key];
        if (drop.has(key) || child === undefined) continue;
        out[key] = walk(child);
      }
      return out;
    }
    return v;
  };
  return walk(value);
}

/** The first path at which two IR values differ, or undefined when they are equal (ranges aside). */
export function firstDifference(a: unknown, b: unknown, options: CompareOptions = {}): string | undefined {
  const na = normalizeForCompare(a, options);
  const nb = normalizeForCompare(b, options);
  const walk = (x: unknown, y: unknown, path: string): string | undefined => {
    if (Array.isArray(x) && Array.isArray(y)) {
      if (x.length !== y.length) return `${path}: length ${x.length} ≠ ${y.length}`;
      for (let i = 0; i < x.length; i++) {
        const d = walk(x[i], y[i], `${path}[${i}]`);
        if (d) return d;
      }
      return undefined;
    }
    if (x !== null && y !== null && typeof x === 'object' && typeof y === 'object' && !Array.isArray(x) && !Array.isArray(y)) {
      const keys = new Set([...Object.keys(x), ...Object.keys(y)]);
      for (const k of keys) {
        const d = walk((x as Record<string, unknown>)[k], (y as Record<string, unknown>)[k], `${path}.${k}`);
        if (d) return d;
      }
      return undefined;
    }
    return Object.is(x, y) ? undefined : `${path}: ${JSON.stringify(x)} ≠ ${JSON.stringify(y)}`;
  };
  return walk(na, nb, '$');
}
