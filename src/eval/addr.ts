// Address text ⇄ numbers for the evaluator: IPv4, IPv6 (RFC 5952 printing, as nft prints), MAC.
// Pure; imports nothing.

export function parseIpv4(text: string): bigint | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let v = 0n;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p)) return undefined;
    const n = Number(p);
    if (n > 255) return undefined;
    v = (v << 8n) | BigInt(n);
  }
  return v;
}

export function formatIpv4(v: bigint): string {
  return [24n, 16n, 8n, 0n].map((s) => ((v >> s) & 0xffn).toString()).join('.');
}

export function parseIpv6(text: string): bigint | undefined {
  let s = text;
  if (s.startsWith('[') && s.endsWith(']')) s = s.slice(1, -1);
  if (!/^[0-9a-fA-F:.]+$/.test(s) || !s.includes(':')) return undefined;
  // An embedded IPv4 tail (::ffff:1.2.3.4) becomes two groups.
  const lastColon = s.lastIndexOf(':');
  const tail = s.slice(lastColon + 1);
  if (tail.includes('.')) {
    const v4 = parseIpv4(tail);
    if (v4 === undefined) return undefined;
    s = `${s.slice(0, lastColon + 1)}${((v4 >> 16n) & 0xffffn).toString(16)}:${(v4 & 0xffffn).toString(16)}`;
  }
  const halves = s.split('::');
  if (halves.length > 2) return undefined;
  const head = halves[0] ? halves[0].split(':') : [];
  const rest = halves.length === 2 && halves[1] ? halves[1].split(':') : [];
  const missing = 8 - head.length - rest.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined;
  const groups = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...rest];
  let v = 0n;
  for (const g of groups) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
    v = (v << 16n) | BigInt(parseInt(g, 16));
  }
  return v;
}

/** RFC 5952: lower case, longest run (≥ 2) of zero groups compressed, leftmost on ties. */
export function formatIpv6(v: bigint): string {
  const groups: number[] = [];
  for (let i = 7; i >= 0; i--) groups.push(Number((v >> BigInt(i * 16)) & 0xffffn));
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen && j - i >= 2) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  // IPv4-mapped (::ffff:a.b.c.d) and IPv4-compatible (::a.b.c.d: the first six words zero) addresses print
  // with a dotted tail, as glibc's inet_ntop does (nft lists `::0.7.63.5`; seen in kernel traces)
  if (bestStart === 0 && bestLen === 5 && groups[5] === 0xffff) {
    return `::ffff:${formatIpv4(v & 0xffffffffn)}`;
  }
  if (bestStart === 0 && bestLen === 6) return `::${formatIpv4(v & 0xffffffffn)}`;
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLen).join(':')}`;
}

export function parseMac(text: string): bigint | undefined {
  const parts = text.split(/[:-]/);
  if (parts.length !== 6) return undefined;
  let v = 0n;
  for (const p of parts) {
    if (!/^[0-9a-fA-F]{1,2}$/.test(p)) return undefined;
    v = (v << 8n) | BigInt(parseInt(p, 16));
  }
  return v;
}

export function formatMac(v: bigint): string {
  const out: string[] = [];
  for (let i = 5; i >= 0; i--) out.push(((v >> BigInt(i * 8)) & 0xffn).toString(16).padStart(2, '0'));
  return out.join(':');
}

/** Mask with the top `len` bits of a `bits`-wide value set. */
export function prefixMask(len: number, bits: number): bigint {
  if (len <= 0) return 0n;
  const all = (1n << BigInt(bits)) - 1n;
  return all ^ ((1n << BigInt(bits - Math.min(len, bits))) - 1n);
}

export type AddrFamily = 'ip' | 'ip6';

/** Parses an IPv4 or IPv6 address, telling which. */
export function parseIp(text: string): { family: AddrFamily; value: bigint } | undefined {
  const v4 = parseIpv4(text);
  if (v4 !== undefined) return { family: 'ip', value: v4 };
  const v6 = parseIpv6(text);
  if (v6 !== undefined) return { family: 'ip6', value: v6 };
  return undefined;
}

export function formatIp(family: AddrFamily, v: bigint): string {
  return family === 'ip' ? formatIpv4(v) : formatIpv6(v);
}

/** `10.0.0.0/8` / `2001:db8::/32` / a bare address (full-length prefix). */
export function parseCidr(text: string): { family: AddrFamily; value: bigint; len: number } | undefined {
  const slash = text.indexOf('/');
  const a = parseIp(slash < 0 ? text : text.slice(0, slash));
  if (!a) return undefined;
  const bits = a.family === 'ip' ? 32 : 128;
  const len = slash < 0 ? bits : Number(text.slice(slash + 1));
  if (!Number.isInteger(len) || len < 0 || len > bits) return undefined;
  return { family: a.family, value: a.value, len };
}

export function inPrefix(v: bigint, base: bigint, len: number, bits: number): boolean {
  const m = prefixMask(len, bits);
  return (v & m) === (base & m);
}
