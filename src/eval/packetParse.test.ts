// The one-line packet syntax: keys as nft prints them, documented defaults, diagnostics with ranges.
import { describe, expect, it } from 'vitest';
import { formatPacket } from './packet.ts';
import { parsePacket } from './packetParse.ts';

describe('parsePacket', () => {
  it('reads nft keys and applies the documented defaults', () => {
    const { packet, diagnostics } = parsePacket('iif eth0 ip saddr 10.0.0.5 ip daddr 10.96.0.10 tcp dport 53 ct state new');
    expect(diagnostics).toEqual([]);
    expect(packet).toMatchObject({
      family: 'ip',
      origin: 'remote',
      iif: 'eth0',
      l4proto: 6,
      ct: { state: 'new' },
      fields: { 'ip saddr': '10.0.0.5', 'ip daddr': '10.96.0.10', 'tcp dport': 53, 'tcp flags': 2, 'ip ttl': 64, 'ip length': 40, 'ip protocol': 6 },
      meta: { mark: 0, length: 40 },
    });
    expect(packet.defaults).toContain('tcp flags syn (first packet of a connection)');
  });

  it('an established connection defaults to tcp flags ack', () => {
    expect(parsePacket('ip saddr 1.1.1.1 ip daddr 2.2.2.2 tcp dport 22 ct state established').packet.fields['tcp flags']).toBe(16);
  });

  it('ip6, udp, th ports, local origin', () => {
    const { packet, diagnostics } = parsePacket('local ip6 saddr 2001:db8::1 ip6 daddr 2001:db8::2 udp th dport 53');
    expect(diagnostics).toEqual([]);
    expect(packet).toMatchObject({ family: 'ip6', origin: 'local', l4proto: 17, fields: { 'udp dport': 53, 'ip6 hoplimit': 64, 'ip6 length': 8 } });
  });

  it('flags, marks, icmp types, quoted interface names, == and from local', () => {
    const { packet, diagnostics } = parsePacket('from local oif "eth1" ip daddr 8.8.8.8 tcp flags == syn, ack meta mark 0x4000 skuid 1000');
    expect(diagnostics).toEqual([]);
    expect(packet).toMatchObject({ origin: 'local', oif: 'eth1', fields: { 'tcp flags': 0x12 }, meta: { mark: 0x4000, skuid: 1000 } });
    expect(parsePacket('ip daddr 1.1.1.1 icmp type echo-reply').packet.fields).toMatchObject({ 'icmp type': 0, 'icmp code': 0 });
    expect(parsePacket('ip daddr 1.1.1.1 icmp').packet.fields['icmp type']).toBe(8);
  });

  it('reports errors with ranges and keeps going', () => {
    const text = 'ip saddr 10.0.0.300 frobnicate ip daddr 1.1.1.1 tcp dport';
    const { diagnostics } = parsePacket(text);
    expect(diagnostics.filter((d) => d.severity === 'error').map((d) => [d.code, text.slice(d.range.start, d.range.end)])).toEqual([
      ['PKT003', '10.0.0.300'],
      ['PKT008', 'frobnicate'],
      ['PKT002', 'tcp'],
    ]);
  });

  it('conflicting protocols and a ct state list are errors', () => {
    expect(parsePacket('ip daddr 1.1.1.1 tcp dport 1 udp sport 2').diagnostics.map((d) => d.code)).toContain('PKT009');
    expect(parsePacket('ip daddr 1.1.1.1 ct state new,established').diagnostics.map((d) => d.code)).toContain('PKT005');
    expect(parsePacket('ip6 daddr ::1 icmp type echo-request').diagnostics.map((d) => d.code)).toContain('PKT009');
  });

  it('warns when the destination or the transport is missing (matches on them are undecidable)', () => {
    expect(parsePacket('ip saddr 1.1.1.1').diagnostics.map((d) => [d.severity, d.code])).toEqual([
      ['warning', 'PKT010'],
      ['warning', 'PKT011'],
    ]);
  });

  it('prints back in the same syntax (round trip)', () => {
    for (const text of ['iif "eth0" ip saddr 10.0.0.5 ip daddr 10.96.0.10 tcp dport 53 tcp flags syn ct state new', 'local oif "eth1" ip6 saddr 2001:db8::1 ip6 daddr 2001:db8::2 udp dport 53 meta mark 0x00004000']) {
      const p1 = parsePacket(text).packet;
      const p2 = parsePacket(formatPacket(p1)).packet;
      expect(p2.fields).toEqual(p1.fields);
      expect(p2.meta).toEqual(p1.meta);
      expect([p2.origin, p2.iif, p2.oif, p2.ct]).toEqual([p1.origin, p1.iif, p1.oif, p1.ct]);
    }
  });
});
