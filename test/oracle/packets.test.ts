// Unit tests of what the harness sends: packet validation, the conntrack batching rule, and the bytes pkt.py
// builds (checked independently here: checksums, lengths, flags). No root needed.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ORACLE_DIR, PYTHON } from './agent.ts';
import { splitByFlow, validatePackets, type WirePacket } from './kernelOracle.ts';

const p = (id: number, saddr: string, sport: number, daddr: string, dport: number, protocol: WirePacket['protocol'] = 'udp'): WirePacket => ({
  id, origin: 'remote', family: 'ip', protocol, saddr, daddr, sport, dport,
});

describe('validatePackets', () => {
  it('accepts well-formed packets and refuses what the harness cannot send', () => {
    expect(() => validatePackets([p(1, '198.51.100.1', 1, '198.51.100.2', 2)])).not.toThrow();
    expect(() => validatePackets([p(0, '198.51.100.1', 1, '198.51.100.2', 2)])).toThrow(/id/);
    expect(() => validatePackets([p(65535, '198.51.100.1', 1, '198.51.100.2', 2)])).toThrow(/id/); // marker id
    expect(() => validatePackets([p(1, '198.51.100.1', 1, '198.51.100.2', 2), p(1, '198.51.100.1', 3, '198.51.100.2', 2)])).toThrow(/duplicate/);
    expect(() => validatePackets([p(1, '198.51.100.300', 1, '198.51.100.2', 2)])).toThrow(/address/);
    expect(() => validatePackets([{ ...p(1, '198.51.100.1', 1, '198.51.100.2', 2), sport: undefined }])).toThrow(/sport/);
    expect(() => validatePackets([{ ...p(1, '198.51.100.1', 1, '198.51.100.2', 2, 'tcp'), tcpFlags: ['syn', 'bogus'] }])).toThrow(/flag/);
  });

  it('IPv6: addresses of the family, icmpv6 only with ip6', () => {
    const six = (protocol: WirePacket['protocol'], saddr = '2001:db8:1::1'): WirePacket => ({ ...p(1, saddr, 1, '2001:db8:1::2', 2, protocol), family: 'ip6' });
    expect(() => validatePackets([six('tcp'), { ...six('icmpv6'), id: 2 }])).not.toThrow();
    expect(() => validatePackets([six('tcp', '198.51.100.1')])).toThrow(/IPv6 address/);
    expect(() => validatePackets([six('icmp')])).toThrow(/icmpv6/);
    expect(() => validatePackets([{ ...p(1, '198.51.100.1', 1, '198.51.100.2', 2), protocol: 'icmpv6' }])).toThrow(/icmp/);
    expect(() => validatePackets([{ ...six('tcp'), dscp: 64 }])).toThrow(/dscp/);
  });
});

describe('splitByFlow', () => {
  it('keeps distinct flows together and separates packets of one flow, either direction, or one source endpoint', () => {
    const a = p(1, '198.51.100.1', 1000, '198.51.100.2', 22);
    const b = p(2, '198.51.100.1', 1001, '198.51.100.2', 22);
    const sameFlow = p(3, '198.51.100.1', 1000, '198.51.100.2', 22);
    const reverse = p(4, '198.51.100.2', 22, '198.51.100.1', 1000);
    const sameSource = p(5, '198.51.100.1', 1001, '203.0.113.5', 80);
    const otherProto = p(6, '198.51.100.1', 1000, '198.51.100.2', 22, 'tcp');
    expect(splitByFlow([a, b]).map((x) => x.map((y) => y.id))).toEqual([[1, 2]]);
    expect(splitByFlow([a, b, sameFlow]).map((x) => x.map((y) => y.id))).toEqual([[1, 2], [3]]);
    expect(splitByFlow([a, reverse]).map((x) => x.map((y) => y.id))).toEqual([[1], [4]]);
    expect(splitByFlow([b, sameSource]).map((x) => x.map((y) => y.id))).toEqual([[2], [5]]);
    expect(splitByFlow([a, otherProto]).map((x) => x.map((y) => y.id))).toEqual([[1, 6]]);
  });
});

const hasPython = existsSync(PYTHON);

function build(spec: Record<string, unknown>): Buffer {
  const r = spawnSync(PYTHON, ['-c', `import sys, json; sys.path.insert(0, ${JSON.stringify(ORACLE_DIR)}); import pkt; sys.stdout.write(pkt.build_ip(json.loads(sys.argv[1])).hex())`, JSON.stringify(spec)], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  return Buffer.from(r.stdout, 'hex');
}

function sum16(b: Buffer): number {
  let s = 0;
  for (let i = 0; i < b.length; i += 2) s += (b[i]! << 8) | (b[i + 1] ?? 0);
  while (s >> 16) s = (s & 0xffff) + (s >> 16);
  return s;
}

function pseudo(ip: Buffer): Buffer {
  const l4len = ip.length - 20;
  return Buffer.concat([ip.subarray(12, 20), Buffer.from([0, ip[9]!, l4len >> 8, l4len & 255]), ip.subarray(20)]);
}

describe.skipIf(!hasPython)(`pkt.py builds correct IPv4 packets${hasPython ? '' : ` [skipped: ${PYTHON} missing]`}`, () => {
  it('TCP: header fields, flags, requested total length, valid checksums', () => {
    const ip = build({ id: 4242, protocol: 'tcp', saddr: '198.51.100.1', daddr: '192.0.2.10', sport: 40000, dport: 443, tcpFlags: ['syn', 'ack'], ttl: 7, length: 100 });
    expect(ip.length).toBe(100);
    expect(ip.readUInt16BE(2)).toBe(100);
    expect(ip.readUInt16BE(4)).toBe(4242);
    expect(ip[8]).toBe(7);
    expect(ip[9]).toBe(6);
    expect([...ip.subarray(12, 20)]).toEqual([198, 51, 100, 1, 192, 0, 2, 10]);
    expect(sum16(ip.subarray(0, 20))).toBe(0xffff); // header checksum verifies
    expect(ip.readUInt16BE(20)).toBe(40000);
    expect(ip.readUInt16BE(22)).toBe(443);
    expect(ip[33]).toBe(0x12); // SYN|ACK
    expect(sum16(pseudo(ip))).toBe(0xffff);
  });

  it('UDP and ICMP: defaults (1 byte payload, echo id = packet id), ICMP errors quote an inner header', () => {
    const udp = build({ id: 9, protocol: 'udp', saddr: '198.51.100.1', daddr: '198.51.100.2', sport: 5353, dport: 53 });
    expect(udp.length).toBe(29);
    expect(udp[8]).toBe(64);
    expect(udp.readUInt16BE(24)).toBe(9);
    expect(sum16(pseudo(udp))).toBe(0xffff);
    const echo = build({ id: 77, protocol: 'icmp', saddr: '198.51.100.1', daddr: '198.51.100.2' });
    expect([echo[20], echo[21], echo.readUInt16BE(24)]).toEqual([8, 0, 77]);
    expect(sum16(echo.subarray(20))).toBe(0xffff);
    const err = build({ id: 78, protocol: 'icmp', saddr: '198.51.100.1', daddr: '198.51.100.2', icmpType: 3, icmpCode: 3 });
    expect([err[20], err[21]]).toEqual([3, 3]);
    expect(err[28]! >> 4).toBe(4); // inner IPv4 header
    expect(sum16(err.subarray(20))).toBe(0xffff);
  });
});

function pseudo6(ip: Buffer): Buffer {
  const len = ip.length - 40;
  return Buffer.concat([ip.subarray(8, 40), Buffer.from([len >>> 24, (len >> 16) & 255, (len >> 8) & 255, len & 255, 0, 0, 0, ip[6]!]), ip.subarray(40)]);
}

describe.skipIf(!hasPython)(`pkt.py builds correct IPv6 packets${hasPython ? '' : ` [skipped: ${PYTHON} missing]`}`, () => {
  it('TCP: version, flow label = id, traffic class from dscp, hop limit, payload length, checksum', () => {
    const ip = build({ id: 4242, family: 'ip6', protocol: 'tcp', saddr: '2001:db8:1::1', daddr: '2001:db8:ff::10', sport: 40000, dport: 443, tcpFlags: ['syn'], ttl: 7, length: 100, dscp: 10 });
    expect(ip.length).toBe(100);
    const first = ip.readUInt32BE(0);
    expect(first >>> 28).toBe(6);
    expect((first >>> 20) & 0xff).toBe(10 << 2);
    expect(first & 0xfffff).toBe(4242);
    expect(ip.readUInt16BE(4)).toBe(60); // payload length
    expect([ip[6], ip[7]]).toEqual([6, 7]);
    expect(ip.subarray(8, 24).toString('hex')).toBe('20010db8000100000000000000000001');
    expect(ip.readUInt16BE(40)).toBe(40000);
    expect(ip[53]).toBe(0x02);
    expect(sum16(pseudo6(ip))).toBe(0xffff);
  });

  it('UDP and ICMPv6: echo id = packet id, errors quote an inner IPv6 header, checksums over the pseudo-header', () => {
    const udp = build({ id: 9, family: 'ip6', protocol: 'udp', saddr: '2001:db8:1::1', daddr: '2001:db8:1::2', sport: 5353, dport: 53 });
    expect(udp.length).toBe(49);
    expect(udp[7]).toBe(64);
    expect(sum16(pseudo6(udp))).toBe(0xffff);
    const echo = build({ id: 77, family: 'ip6', protocol: 'icmpv6', saddr: '2001:db8:1::1', daddr: '2001:db8:1::2' });
    expect([echo[6], echo[40], echo[41], echo.readUInt16BE(44)]).toEqual([58, 128, 0, 77]);
    expect(sum16(pseudo6(echo))).toBe(0xffff);
    const err = build({ id: 78, family: 'ip6', protocol: 'icmpv6', saddr: '2001:db8:1::1', daddr: '2001:db8:1::2', icmpType: 1, icmpCode: 4 });
    expect([err[40], err[41], err[48]! >> 4]).toEqual([1, 4, 6]);
    expect(sum16(pseudo6(err))).toBe(0xffff);
  });
});
