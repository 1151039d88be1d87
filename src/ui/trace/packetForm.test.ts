import { describe, expect, it } from 'vitest';
import { parsePacket } from '../../eval/index.ts';
import { EMPTY_FORM, TCP_FLAGS, editPacketText, readPacketForm, writePacketForm, type PacketForm } from './packetForm.ts';

describe('packet form ⇄ packet text', () => {
  it('reads the fields of an example packet and writes the same text back', () => {
    const text = 'iifname cni0 ip saddr 10.244.0.5 ip daddr 10.96.0.10 udp dport 53 ct state new';
    const form = readPacketForm(text);
    expect(form).toMatchObject({ family: 'ip', origin: 'remote', iif: 'cni0', saddr: '10.244.0.5', daddr: '10.96.0.10', protocol: 'udp', dport: '53', ctState: 'new', extra: [] });
    expect(writePacketForm(form)).toBe(text);
  });

  it('reads the other spellings the packet syntax accepts', () => {
    const form = readPacketForm('from local meta oifname "eth 1" ip6 daddr ::1 tcp flags == syn,ack tcp dport == 443 mark 0x4000');
    expect(form).toMatchObject({ origin: 'local', oif: 'eth 1', family: 'ip6', daddr: '::1', protocol: 'tcp', dport: '443', tcpFlags: ['syn', 'ack'], mark: '0x4000', extra: [] });
    expect(writePacketForm(form)).toBe('local oifname "eth 1" ip6 daddr ::1 tcp dport 443 tcp flags syn,ack meta mark 0x4000');
  });

  it('keeps keys the form has no field for, in order, and they still parse', () => {
    const text = 'ip saddr 10.0.0.1 ip ttl 1 ct mark 5 udp dport 53 vlan id 7';
    const form = readPacketForm(text);
    expect(form.extra).toEqual(['ip', 'ttl', '1', 'ct', 'mark', '5', 'vlan', 'id', '7']);
    expect(form.mark).toBe('');
    const written = writePacketForm(form);
    expect(written).toBe('ip saddr 10.0.0.1 udp dport 53 ip ttl 1 ct mark 5 vlan id 7');
    const a = parsePacket(text).packet;
    const b = parsePacket(written).packet;
    expect(b.fields).toEqual(a.fields);
    expect(b.ct).toEqual(a.ct);
  });

  it('writes a form so that reading it gives the same form (all field combinations of a sample)', () => {
    const forms: PacketForm[] = [];
    for (const protocol of ['', 'tcp', 'udp', 'sctp', 'icmp', 'icmpv6'] as const) {
      for (const origin of ['remote', 'local'] as const) {
        const family = protocol === 'icmpv6' ? 'ip6' : protocol === 'icmp' ? 'ip' : origin === 'local' ? 'ip6' : 'ip';
        const ports = protocol === 'tcp' || protocol === 'udp' || protocol === 'sctp';
        forms.push({
          ...EMPTY_FORM,
          family,
          origin,
          iif: origin === 'remote' ? 'eth0' : '',
          oif: 'wan0',
          saddr: family === 'ip' ? '192.0.2.1' : '2001:db8::1',
          daddr: family === 'ip' ? '198.51.100.2' : '2001:db8::2',
          protocol,
          sport: ports ? '40000' : '',
          dport: ports ? '80' : '',
          icmpType: protocol === 'icmp' || protocol === 'icmpv6' ? 'echo-reply' : '',
          tcpFlags: protocol === 'tcp' ? ['syn', 'ack'] : [],
          ctState: origin === 'local' ? 'established' : '',
          mark: '0x10',
        });
      }
    }
    for (const form of forms) {
      const text = writePacketForm(form);
      expect(readPacketForm(text), text).toEqual(form);
      expect(parsePacket(text).diagnostics.filter((d) => d.severity === 'error'), text).toEqual([]);
    }
  });

  it('edits one field and leaves the rest of the text alone', () => {
    const text = 'iifname eth0 ip saddr 203.0.113.5 ip daddr 10.102.16.210 tcp dport 5000 ct state new';
    expect(editPacketText(text, { dport: '443' })).toBe('iifname eth0 ip saddr 203.0.113.5 ip daddr 10.102.16.210 tcp dport 443 ct state new');
    expect(editPacketText(text, { protocol: 'udp' })).toBe('iifname eth0 ip saddr 203.0.113.5 ip daddr 10.102.16.210 udp dport 5000 ct state new');
    expect(editPacketText(text, { ctState: '' })).toBe('iifname eth0 ip saddr 203.0.113.5 ip daddr 10.102.16.210 tcp dport 5000');
    expect(editPacketText(text, { origin: 'local', iif: '' })).toBe('local ip saddr 203.0.113.5 ip daddr 10.102.16.210 tcp dport 5000 ct state new');
    expect(editPacketText('ip daddr 10.0.0.1 tcp flags syn', { protocol: 'icmp' })).toBe('ip daddr 10.0.0.1 icmp');
    expect(editPacketText('ip daddr 10.0.0.1 icmp type echo-request', { family: 'ip6', daddr: '::1' })).toBe('ip6 daddr ::1 icmpv6 type echo-request');
  });

  it('orders TCP flags canonically and ignores flag lists it cannot show', () => {
    expect(readPacketForm('tcp flags ack,syn').tcpFlags).toEqual(['syn', 'ack']);
    expect(TCP_FLAGS).toContain('rst');
    const odd = readPacketForm('tcp flags ecn,syn');
    expect(odd.tcpFlags).toEqual([]);
    expect(odd.extra).toEqual(['tcp', 'flags', 'ecn,syn']);
  });

  it('never throws on garbage and keeps it', () => {
    const form = readPacketForm('ip saddr "unterminated tcp dport');
    expect(writePacketForm(form)).toContain('unterminated');
    expect(readPacketForm('tcp dport').extra).toEqual(['tcp', 'dport']);
  });
});
