// IPv4/IPv6 addresses and masks as iptables accepts them (`10.0.0.0/8`, `10.1.2.3/255.0.255.0`,
// `feed::/ffff::`), normalised the way iptables stores them (address & mask) and printed the way nft
// prints them (inet_ntop: lowercase, longest zero run compressed). Pure; imports the model's address printing.
import { formatIPv4, formatIPv6 } from '../../model/addressText.ts';

export type AddrFamily = 'ip' | 'ip6';

/** An address with its mask, already masked: a prefix length when the mask is contiguous, else the mask
 *  printed as an address (only then: printing a mask nobody reads cost a string per address). */
export type MaskedAddress = {
  readonly family: AddrFamily;
  /** address & mask, printed canonically */
  readonly addr: string;
  readonly bits: number;
} & ({ readonly prefix: number; readonly mask?: undefined } | { readonly prefix?: undefined; readonly mask: string });

/** 8 × 16-bit words for IPv6, 2 × 16-bit words for IPv4 (so both share the mask code). */
type Words = number[];

/** A dotted quad (four decimal octets of one to three digits, leading zeros allowed) → a 32-bit number.
 *  Read by char codes: nearly every rule of a kube-proxy dump carries an address, and split + a regex per
 *  octet cost four strings and four matches each. */
export function parseIPv4(s: string): number | undefined {
  let n = 0;
  let octet = 0;
  let digits = 0;
  let dots = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 46) {
      if (digits === 0 || ++dots > 3) return undefined;
      n = n * 256 + octet;
      octet = 0;
      digits = 0;
    } else if (c >= 48 && c <= 57 && ++digits <= 3) {
      octet = octet * 10 + (c - 48);
      if (octet > 255) return undefined;
    } else return undefined;
  }
  if (dots !== 3 || digits === 0) return undefined;
  return n * 256 + octet;
}

export function parseIPv6(s: string): Words | undefined {
  if (s.length < 2 || !/^[0-9A-Fa-f:.]+$/.test(s)) return undefined;
  let text = s;
  if (text.indexOf('.') >= 0) {
    // An embedded dotted quad (`::ffff:1.2.3.4`) stands for the last two groups.
    const lastColon = text.lastIndexOf(':');
    const v4 = parseIPv4(text.slice(lastColon + 1));
    if (v4 === undefined || lastColon < 0) return undefined;
    text = `${text.slice(0, lastColon + 1)}${((v4 >>> 16) & 0xffff).toString(16)}:${(v4 & 0xffff).toString(16)}`;
  }
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const parseGroups = (h: string): number[] | undefined => {
    if (h === '') return [];
    const out: number[] = [];
    for (const g of h.split(':')) {
      if (!/^[0-9A-Fa-f]{1,4}$/.test(g)) return undefined;
      out.push(parseInt(g, 16));
    }
    return out;
  };
  const head = parseGroups(halves[0] ?? '');
  const rest = halves.length === 2 ? parseGroups(halves[1] ?? '') : [];
  if (!head || !rest) return undefined;
  const total = head.length + rest.length;
  if (halves.length === 1) return total === 8 ? head : undefined;
  if (total > 7) return undefined;
  return [...head, ...new Array<number>(8 - total).fill(0), ...rest];
}

function wordsOfV4(n: number): Words {
  return [(n >>> 16) & 0xffff, n & 0xffff];
}

function v4OfWords(w: Words): number {
  return (((w[0] ?? 0) << 16) | (w[1] ?? 0)) >>> 0;
}

function prefixMask(len: number, words: number): Words {
  const out: Words = [];
  for (let i = 0; i < words; i++) {
    const bits = Math.max(0, Math.min(16, len - i * 16));
    out.push(bits === 0 ? 0 : (0xffff << (16 - bits)) & 0xffff);
  }
  return out;
}

function contiguousPrefix(mask: Words): number | undefined {
  let len = 0;
  let ended = false;
  for (const word of mask) {
    for (let b = 15; b >= 0; b--) {
      const one = (word >> b) & 1;
      if (one && ended) return undefined;
      if (one) len++;
      else ended = true;
    }
  }
  return len;
}

function parseAddrWords(s: string, family: AddrFamily): Words | undefined {
  if (family === 'ip') {
    const n = parseIPv4(s);
    return n === undefined ? undefined : wordsOfV4(n);
  }
  return parseIPv6(s);
}

function formatWords(w: Words, family: AddrFamily): string {
  return family === 'ip' ? formatIPv4(v4OfWords(w)) : formatIPv6(w);
}

/** Parses a bare address of the given family, printed canonically, or undefined. */
export function canonicalAddress(s: string, family: AddrFamily): string | undefined {
  const w = parseAddrWords(s, family);
  return w ? formatWords(w, family) : undefined;
}

/** `addr[/len|/mask]` → the masked address, or an error text. A missing mask means a host (/32, /128). */
export function parseMaskedAddress(text: string, family: AddrFamily): MaskedAddress | string {
  if (family === 'ip') return parseMaskedIPv4(text);
  const bits = 128;
  const nWords = bits / 16;
  const slash = text.indexOf('/');
  const addrText = slash < 0 ? text : text.slice(0, slash);
  const maskText = slash < 0 ? undefined : text.slice(slash + 1);
  const addr = parseIPv6(addrText);
  if (!addr) return notAnAddress(addrText, family);
  let mask: Words;
  if (maskText === undefined) mask = prefixMask(bits, nWords);
  else if (isDigits(maskText)) {
    const len = Number(maskText);
    if (len > bits) return `prefix length ${maskText} is longer than ${bits}`;
    mask = prefixMask(len, nWords);
  } else {
    const m = parseIPv6(maskText);
    if (!m) return `bad mask '${maskText}'`;
    mask = m;
  }
  const masked = addr.map((w, i) => w & (mask[i] ?? 0));
  const prefix = contiguousPrefix(mask);
  return prefix === undefined ? { family, addr: formatIPv6(masked), bits, mask: formatIPv6(mask) } : { family, addr: formatIPv6(masked), bits, prefix };
}

/** parseMaskedAddress for IPv4 on plain 32-bit numbers (the IPv6 path's arrays of 16-bit words cost
 *  several allocations per address, and IPv4 addresses are what kube-proxy dumps are made of). */
function parseMaskedIPv4(text: string): MaskedAddress | string {
  const slash = text.indexOf('/');
  const addrText = slash < 0 ? text : text.slice(0, slash);
  const addr = parseIPv4(addrText);
  if (addr === undefined) return notAnAddress(addrText, 'ip');
  let mask = 0xffffffff;
  if (slash >= 0) {
    const maskText = text.slice(slash + 1);
    if (isDigits(maskText)) {
      const len = Number(maskText);
      if (len > 32) return `prefix length ${maskText} is longer than 32`;
      mask = ipv4PrefixMask(len);
    } else {
      const m = parseIPv4(maskText);
      if (m === undefined) return `bad mask '${maskText}'`;
      mask = m;
    }
  }
  const maskedText = formatIPv4((addr & mask) >>> 0);
  // The mask is contiguous when it equals the prefix mask of its leading ones.
  const ones = Math.clz32(~mask >>> 0);
  return ipv4PrefixMask(ones) === mask ? { family: 'ip', addr: maskedText, bits: 32, prefix: ones } : { family: 'ip', addr: maskedText, bits: 32, mask: formatIPv4(mask) };
}

function ipv4PrefixMask(len: number): number {
  return len === 0 ? 0 : (0xffffffff << (32 - len)) >>> 0;
}

/** Whether s is one or more ASCII digits (what `/^\d+$/` tests). */
function isDigits(s: string): boolean {
  if (s.length === 0) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

function notAnAddress(addrText: string, family: AddrFamily): string {
  const other: AddrFamily = family === 'ip' ? 'ip6' : 'ip';
  if (parseAddrWords(addrText, other)) return `an ${other === 'ip' ? 'IPv4' : 'IPv6'} address in an ${family === 'ip' ? 'IPv4' : 'IPv6'} rule`;
  return `not an ${family === 'ip' ? 'IPv4' : 'IPv6'} address (host names are not resolved)`;
}

/** Whether a word looks like an IPv6 address (for family detection). */
export function looksLikeIPv6(s: string): boolean {
  const slash = s.indexOf('/');
  return parseIPv6(slash < 0 ? s : s.slice(0, slash)) !== undefined;
}
