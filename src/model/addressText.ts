// Addresses printed the way glibc's inet_ntop prints them, which is how nft and iptables list them. Shared by
// the parsers (canonical values in the IR). Pure; imports nothing.

export function formatIPv4(n: number): string {
  return `${(n >>> 24) & 255}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
}

/** An IPv6 address from its 8 × 16-bit words: lower case, the longest run (≥ 2) of zero words as `::` (the
 *  first one on ties), and a dotted tail for IPv4-compatible (::a.b.c.d) and IPv4-mapped (::ffff:a.b.c.d)
 *  addresses. */
export function formatIPv6(w: readonly number[]): string {
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (w[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && w[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  if (bestLen < 2) bestStart = -1;
  const dotted = bestStart === 0 && (bestLen === 6 || (bestLen === 5 && w[5] === 0xffff));
  const hex = (a: readonly number[]) => a.map((x) => x.toString(16)).join(':');
  if (dotted) {
    const v4 = formatIPv4((((w[6] ?? 0) << 16) | (w[7] ?? 0)) >>> 0);
    return bestLen === 6 ? `::${v4}` : `::ffff:${v4}`;
  }
  if (bestStart < 0) return hex(w);
  return `${hex(w.slice(0, bestStart))}::${hex(w.slice(bestStart + bestLen))}`;
}
