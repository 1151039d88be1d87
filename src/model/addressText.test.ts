// inet_ntop's forms, as nft and iptables list addresses.
import { describe, expect, it } from 'vitest';
import { formatIPv4, formatIPv6 } from './addressText.ts';

describe('address text (inet_ntop)', () => {
  it('prints IPv4 dotted quads from a 32-bit number', () => {
    expect(formatIPv4(0x0a000001)).toBe('10.0.0.1');
    expect(formatIPv4(0xffffffff)).toBe('255.255.255.255');
  });

  it('compresses the longest zero run, the first on ties, never a single zero word', () => {
    expect(formatIPv6([0x2001, 0xdb8, 0, 0, 1, 0, 0, 1])).toBe('2001:db8::1:0:0:1');
    expect(formatIPv6([0x2001, 0xdb8, 0, 1, 1, 1, 1, 1])).toBe('2001:db8:0:1:1:1:1:1');
    expect(formatIPv6([0, 0, 0, 0, 0, 0, 0, 0])).toBe('::');
    expect(formatIPv6([0, 0, 0, 0, 0, 0, 0, 1])).toBe('::1');
    expect(formatIPv6([0xfe80, 0, 0, 0, 0, 0, 0, 0])).toBe('fe80::');
  });

  it('prints IPv4-mapped and IPv4-compatible addresses with a dotted tail', () => {
    expect(formatIPv6([0, 0, 0, 0, 0, 0xffff, 0x0a00, 0x0001])).toBe('::ffff:10.0.0.1');
    expect(formatIPv6([0, 0, 0, 0, 0, 0, 0x0a00, 0x0001])).toBe('::10.0.0.1');
  });
});
