// Name suggestions for misspelt keywords and names, by edit distance (as nftables src/misspell.c does:
// suggest the closest candidate within a small distance). Pure; imports nothing.

/** Levenshtein distance, early exit when above `max`. */
export function editDistance(a: string, b: string, max = 3): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let prev = new Array<number>(b.length + 1);
  let cur = new Array<number>(b.length + 1);
  for (let j = 0; j <= b.length; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    cur[0] = i;
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1;
      const v = Math.min((prev[j] ?? 0) + 1, (cur[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + cost);
      cur[j] = v;
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > max) return max + 1;
    [prev, cur] = [cur, prev];
  }
  return prev[b.length] ?? max + 1;
}

/** The closest candidate to `word`, when it is close enough to be a likely misspelling
 *  (distance at most 1 for short words, 2 for longer ones; nftables uses a similar bound). */
export function suggestName(word: string, candidates: Iterable<string>): string | undefined {
  const max = word.length <= 3 ? 1 : word.length <= 6 ? 2 : 3;
  let best: string | undefined;
  let bestDist = max + 1;
  for (const c of candidates) {
    if (c === word) continue;
    const d = editDistance(word.toLowerCase(), c.toLowerCase(), max);
    if (d < bestDist) {
      bestDist = d;
      best = c;
    }
  }
  return best;
}
