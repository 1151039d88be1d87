import { describe, expect, it } from 'vitest';
import {
  bitmaskNames,
  bitsOf,
  datatypeOf,
  isBitmaskType,
  payloadField,
  symbolName,
  symbolValue,
} from './datatypes.ts';

describe('datatypes', () => {
  it('knows payload fields with offsets and datatypes', () => {
    expect(payloadField('tcp', 'dport')).toEqual({ datatype: 'inet_service', offset: 16, len: 16 });
    expect(payloadField('ip', 'saddr')).toEqual({ datatype: 'ipv4_addr', offset: 96, len: 32 });
    expect(payloadField('ip6', 'daddr')?.len).toBe(128);
    expect(payloadField('tcp', 'nonsense')).toBeUndefined();
    expect(payloadField('toString', 'x')).toBeUndefined();
  });

  it('gives expressions their datatype', () => {
    expect(datatypeOf({ kind: 'ct', key: 'state' })).toBe('ct_state');
    expect(datatypeOf({ kind: 'meta', key: 'l4proto' })).toBe('inet_proto');
    expect(datatypeOf({ kind: 'ct', key: 'saddr', dir: 'original' })).toBeUndefined();
    expect(datatypeOf({ kind: 'ct', key: 'saddr', dir: 'original' }, 'ip6')).toBe('ipv6_addr');
    expect(
      datatypeOf({
        kind: 'concat',
        items: [
          { kind: 'payload', protocol: 'ip', field: 'saddr' },
          { kind: 'payload', protocol: 'tcp', field: 'dport' },
        ],
      }),
    ).toBe('ipv4_addr . inet_service');
    expect(bitsOf({ kind: 'ct', key: 'zone' })).toBe(16);
  });

  it('maps symbols both ways, printing the first name of a value', () => {
    expect(symbolValue('ct_state', 'established')).toBe(2);
    expect(symbolValue('inet_proto', 'ipv6-icmp')).toBe(58);
    expect(symbolValue('inet_service', 'ssh')).toBe(22);
    expect(symbolName('inet_service', 22)).toBeUndefined(); // nft prints ports as numbers
    expect(symbolName('icmpv6_type', 132)).toBe('mld-listener-done');
    expect(symbolName('ether_type', 0x8100)).toBe('8021q');
    expect(symbolName('pkt_type', 0)).toBe('host');
    expect(symbolValue('ct_state', 'nonsense')).toBeUndefined();
  });

  it('splits bitmasks lowest bit first, as nft -j lists them', () => {
    expect(isBitmaskType('ct_state')).toBe(true);
    expect(isBitmaskType('tcp_flag')).toBe(true);
    expect(isBitmaskType('inet_service')).toBe(false);
    expect(bitmaskNames('ct_state', 2 | 4 | 8)).toEqual({ names: ['established', 'related', 'new'], rest: 0 });
    expect(bitmaskNames('tcp_flag', 0x12 | 0x100)).toEqual({ names: ['syn', 'ack'], rest: 0x100 });
  });
});
