import { describe, expect, it } from 'vitest';
import { DiagnosticBag } from '../diagnostics.ts';
import { isIpv6, scan } from './scanner.ts';

const words = (text: string) =>
  scan(text, new DiagnosticBag())
    .filter((t) => t.kind !== 'eof' && t.kind !== 'newline')
    .map((t) => `${t.kind === 'punct' ? 'p' : t.kind === 'string' ? 's' : t.kind === 'handle' ? 'h' : t.kind === 'variable' ? 'v' : 'w'}:${t.value}`);

describe('nft scanner', () => {
  it('reads addresses, ports and ranges as nft scanner.l does', () => {
    expect(words('1.2.3.4:80')).toEqual(['w:1.2.3.4', 'p::', 'w:80']);
    expect(words('fe80::1/64')).toEqual(['w:fe80::1', 'p:/', 'w:64']);
    expect(words('::ffff:1.2.3.4')).toEqual(['w:::ffff:1.2.3.4']);
    expect(words('00:11:22:33:44:55')).toEqual(['w:00:11:22:33:44:55']);
    expect(words('10.0.0.1-10.0.0.9')).toEqual(['w:10.0.0.1', 'p:-', 'w:10.0.0.9']);
    expect(words('[fe80::1]:8080')).toEqual(['p:[', 'w:fe80::1', 'p:]', 'p::', 'w:8080']);
    expect(words('meta priority 1:2')).toEqual(['w:meta', 'w:priority', 'w:1:2']);
    expect(words('{ 22:accept }')).toEqual(['p:{', 'w:22', 'p::', 'w:accept', 'p:}']);
  });

  it('keeps names with dashes, dots and slashes whole', () => {
    expect(words('jump service-X-ns1/svc1/tcp/p80')).toEqual(['w:jump', 'w:service-X-ns1/svc1/tcp/p80']);
    expect(words('iifname eth2.10 accept')).toEqual(['w:iifname', 'w:eth2.10', 'w:accept']);
    expect(words('ip saddr . tcp dport')).toEqual(['w:ip', 'w:saddr', 'p:.', 'w:tcp', 'w:dport']);
  });

  it('handles comments, handle comments, strings, continuations and variables', () => {
    expect(words('#!/usr/sbin/nft -f\naccept # handle 7\n"a b" $x \\\n drop')).toEqual(['w:accept', 'h:7', 's:a b', 'v:x', 'w:drop']);
  });

  it('reports stray characters and unterminated strings with their position', () => {
    const bag = new DiagnosticBag();
    scan('accept ° "open', bag);
    expect(bag.items.map((d) => [d.code, d.range.start])).toEqual([
      ['NFT1002', 7],
      ['NFT1001', 9],
    ]);
  });

  it('validates IPv6 text', () => {
    expect(isIpv6('::')).toBe(true);
    expect(isIpv6('1:2:3:4:5:6:7:8')).toBe(true);
    expect(isIpv6('1:2:3:4:5:6:7')).toBe(false);
    expect(isIpv6('1::2::3')).toBe(false);
    expect(isIpv6('dead:beef')).toBe(false);
  });
});
