// Recognising the literal forms that line formats (ipset, ipvsadm) write: IPv4/IPv6 addresses, MAC
// addresses, decimal/hex integers, dotted netmasks. Pure string checks; imports nothing.

/** A group of one to three digits worth at most 255 (leading zeros allowed: `010`, `001`). The bound is in
 *  the pattern so that a test makes no match array nor numbers (ipset dumps test every element). */
const OCTET = '(?:25[0-5]|2[0-4]\\d|[01]?\\d?\\d)';
const IPV4 = new RegExp(`^${OCTET}(?:\\.${OCTET}){3}$`);

export function isIPv4(s: string): boolean {
  return IPV4.test(s);
}

/** RFC 4291 text forms: up to eight hex groups with at most one `::`, an optional dotted IPv4 tail. */
export function isIPv6(s: string): boolean {
  if (s.length < 2 || s.length > 45 || !/^[0-9a-fA-F:.]+$/.test(s)) return false;
  let head = s;
  if (s.includes('.')) {
    const lastColon = s.lastIndexOf(':');
    if (lastColon < 0 || !isIPv4(s.slice(lastColon + 1))) return false;
    head = `${s.slice(0, lastColon + 1)}0:0`; // the IPv4 tail counts as two groups
  }
  const halves = head.split('::');
  if (halves.length > 2) return false;
  const groupsOf = (part: string): string[] => (part === '' ? [] : part.split(':'));
  const groups = halves.flatMap(groupsOf);
  if (!groups.every((g) => /^[0-9a-fA-F]{1,4}$/.test(g))) return false;
  return halves.length === 2 ? groups.length <= 7 : groups.length === 8;
}

export function isIP(s: string): boolean {
  return isIPv4(s) || isIPv6(s);
}

export function isMac(s: string): boolean {
  return /^[0-9a-fA-F]{2}(:[0-9a-fA-F]{2}){5}$/.test(s);
}

/** A non-negative integer written in decimal or `0x` hex, or undefined. */
export function parseUint(s: string): number | undefined {
  if (/^\d+$/.test(s)) return Number(s);
  if (/^0x[0-9a-fA-F]+$/i.test(s)) return Number.parseInt(s.slice(2), 16);
  return undefined;
}

/** Prefix length of a contiguous dotted IPv4 mask (`255.255.255.0` → 24), else undefined. */
export function ipv4MaskLength(mask: string): number | undefined {
  if (!isIPv4(mask)) return undefined;
  const bits = mask
    .split('.')
    .map((o) => Number(o).toString(2).padStart(8, '0'))
    .join('');
  return /^1*0*$/.test(bits) ? bits.indexOf('0') === -1 ? 32 : bits.indexOf('0') : undefined;
}
