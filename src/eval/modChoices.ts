// The alternatives of a `numgen … mod N` / `jhash … mod N` choice point. Small moduli list every value; large
// ones (a hostile or odd `mod 4000000000`) are split into value intervals at the constants the rule compares
// with, so a run never builds billions of alternatives and every interval still leads to one outcome.
// Pure; imports the model's types and the choice types.
import type { NamedSet, Rule } from '../model/ir.ts';
import type { Alternative } from './choices.ts';

/** Up to this modulus every value is its own alternative (kube-proxy uses mod 2…a few hundred). */
export const MAX_ENUMERATED_VALUES = 256;
/** At most this many intervals for a large modulus (a vmap with more distinct keys shares the last one). */
export const MAX_VALUE_INTERVALS = 4096;
/** Numbers read from a rule and its sets, at most (a 100k-element map is scanned no further). */
const MAX_CUT_SCAN = 200_000;

export interface ModChoices {
  readonly alternatives: readonly Alternative[];
  /** The generated value (before the offset) an alternative stands for: its interval's first value. */
  valueOf(index: number): number;
}

/** Integer constants of a rule and of the named sets it refers to: where the generated value's outcome can
 *  change (vmap keys, range ends, compared values). Extra numbers only split intervals further. */
export function ruleConstants(rule: Rule | undefined, setByName: (name: string) => NamedSet | undefined): number[] {
  const out: number[] = [];
  const seen = new Set<object>();
  const walk = (v: unknown): void => {
    if (out.length >= MAX_CUT_SCAN) return;
    if (typeof v === 'number') {
      if (Number.isInteger(v)) out.push(v);
    } else if (typeof v === 'string') {
      if (/^(?:\d+|0x[0-9a-f]+)$/i.test(v)) out.push(Number(v));
    } else if (v && typeof v === 'object' && !seen.has(v)) {
      seen.add(v);
      const o = v as Record<string, unknown>;
      if (o.kind === 'setref' && typeof o.name === 'string') walk(setByName(o.name)?.elements);
      for (const [k, x] of Object.entries(o)) if (k !== 'range') walk(x);
    }
  };
  walk(rule?.stmts);
  return out;
}

export function modChoices(mod: number, offset: number, constants: readonly number[]): ModChoices {
  if (mod <= MAX_ENUMERATED_VALUES) {
    return { alternatives: Array.from({ length: mod }, (_, i) => ({ label: `${i + offset}`, share: 1 / mod })), valueOf: (i) => i };
  }
  const cuts = new Set<number>([0]);
  for (const c of constants) {
    for (const v of [c - offset, c - offset + 1]) if (v > 0 && v < mod) cuts.add(v);
  }
  const starts = [...cuts].sort((a, b) => a - b).slice(0, MAX_VALUE_INTERVALS);
  const alternatives = starts.map((a, i) => {
    const b = (starts[i + 1] ?? mod) - 1;
    return { label: a === b ? `${a + offset}` : `${a + offset}-${b + offset}`, share: (b - a + 1) / mod };
  });
  return { alternatives, valueOf: (i) => starts[i] ?? 0 };
}
