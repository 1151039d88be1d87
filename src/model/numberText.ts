// Counts as the page and the CLI write them. Pure; imports nothing.

/**
 * An integer with commas between thousands, as `toLocaleString('en-US')` writes it, without calling it:
 * Chromium builds a number formatter on each call, and the outline of a 263 000-rule dump spent 2 s there
 * (one count per chain). Other numbers go to toLocaleString.
 */
export function groupedNumber(n: number): string {
  if (!Number.isSafeInteger(n)) return n.toLocaleString('en-US');
  const digits = String(Math.abs(n));
  let out = digits.slice(0, digits.length % 3 || 3);
  for (let i = out.length; i < digits.length; i += 3) out += `,${digits.slice(i, i + 3)}`;
  return n < 0 ? `-${out}` : out;
}
