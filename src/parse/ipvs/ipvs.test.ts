import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Diagnostic, IpvsService, ParseResult } from '../../model/ir.ts';
import { firstDifference, normalizeForCompare } from '../../model/compare.ts';
import { LineIndex } from '../../model/sourceText.ts';
import { corpusFiles } from '../../../test/corpus.ts';
import { parseIpvs, printIpvsadmSave } from './index.ts';

// This machine's kernel has no IPVS (`ipvsadm` answers "Protocol not available"), so no output could
// be generated here. The listings below are written with the printf formats of ipvsadm 1.31
// (ipvsadm.c: print_title, print_service_entry, print_largenum, fwd_tun_info; strings checked against
// /usr/sbin/ipvsadm v1.31), and the rules with the options of its man page and `ipvsadm -h`.

const pad = (s: string | number, n: number) => String(s).padEnd(n);
const right = (s: string | number, n: number) => String(s).padStart(n);
const HEADER = 'IP Virtual Server version 1.2.1 (size=4096)';
const LIST_TITLE = 'Prot LocalAddress:Port Scheduler Flags\n  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn';
/** `  -> %-28s %-7s %-6d %-10u %-10u` */
const real = (addr: string, fwd: string, w: number, act: number, inact: number) => `  -> ${pad(addr, 28)} ${pad(fwd, 7)} ${pad(w, 6)} ${pad(act, 10)} ${pad(inact, 10)}`;
/** `%-4s %s` then ` %s` scheduler and flags */
const svc = (proto: string, addr: string, rest: string) => `${pad(proto, 4)} ${addr} ${rest}`;

function services(r: ParseResult): readonly IpvsService[] {
  return r.ruleset.ipvs;
}

function located(text: string, diagnostics: readonly Diagnostic[]): string[] {
  const index = new LineIndex(text);
  return diagnostics.map((d) => `${d.severity} ${d.code} ${index.lineColOf(d.range.start).line}:${index.lineColOf(d.range.start).column}`);
}

describe('ipvsadm corpus', () => {
  it('parses the ipvsadm -Ln dumps with zero errors', () => {
    const files = corpusFiles('ipvs');
    expect(files).toHaveLength(3);
    let count = 0;
    let reals = 0;
    for (const file of files) {
      const r = parseIpvs(readFileSync(file, 'utf8'));
      expect(r.diagnostics, path.basename(file)).toEqual([]);
      count += services(r).length;
      reals += services(r).reduce((n, s) => n + s.reals.length, 0);
    }
    console.log(`ipvs corpus: 3/3 files with 0 errors, ${count} services, ${reals} real servers`);
    expect(count).toBe(9);
  });

  it('round-trips every dump through the -Sn printer (connection counts aside)', () => {
    let equal = 0;
    const files = corpusFiles('ipvs');
    for (const file of files) {
      const first = parseIpvs(readFileSync(file, 'utf8'));
      const second = parseIpvs(printIpvsadmSave(first.ruleset));
      expect(second.diagnostics, path.basename(file)).toEqual([]);
      // -Sn has no connection counters, and shows what the listing did not (ipvsadm's defaults).
      expect(firstDifference(first.ruleset, second.ruleset, { ignoreKeys: ['activeConns', 'inactiveConns', 'notShown'] }), path.basename(file)).toBeUndefined();
      equal++;
    }
    console.log(`ipvs round trip: ${equal}/${files.length} dumps equal after -Sn printing and parsing`);
  });

  it('reads kube-router\'s persistent service with its mask', () => {
    const file = corpusFiles('ipvs', (n) => n.startsWith('kube-router'))[0] as string;
    const first = services(parseIpvs(readFileSync(file, 'utf8')))[0];
    expect(normalizeForCompare(first)).toEqual({
      kind: 'ipvs-service', protocol: 'tcp', addr: '10.3.0.1', port: 443, family: 'ip', scheduler: 'rr',
      persistent: { timeout: 10800, netmask: '0.0.0.0' },
      reals: [{ kind: 'ipvs-real', addr: '10.10.3.2', port: 443, method: 'masq', weight: 1, activeConns: 0, inactiveConns: 0 }],
    });
  });
});

describe('ipvsadm -Ln', () => {
  const listing = [
    HEADER,
    LIST_TITLE,
    svc('TCP', '10.96.0.1:443', 'rr persistent 10800 mask 255.255.255.0'),
    real('10.0.0.5:6443', 'Masq', 1, 3, 17),
    real('10.0.0.6:6443', 'Masq', 0, 0, 2),
    svc('UDP', '10.96.0.10:53', 'wlc'),
    real('10.244.1.2:53', 'Route', 5, 0, 0),
    real('10.244.1.3:53', 'Tunnel', 1, 0, 0),
    real('127.0.0.1:53', 'Local', 1, 0, 0),
    svc('SCTP', '10.96.0.20:3868', 'sh (sh-fallback,sh-port)'),
    real('10.244.2.2:3868', 'Masq', 1, 0, 0),
    svc('TCP', '[2001:db8::1]:80', 'mh (mh-port) persistent 300 mask 64 pe sip ops'),
    real('[2001:db8::10]:8080', 'Masq', 2, 0, 0),
    `${pad('FWM', 4)} 7 lc`,
    real('10.1.0.2:0', 'Route', 1, 0, 0),
    `${pad('FWM', 4)} 8 IPv6 rr`,
    real('[fd00::2]:0', 'Bypass', 1, 0, 0),
    '',
  ].join('\n');

  it('reads every service form, scheduler flag, persistence and forwarding method', () => {
    const r = parseIpvs(listing);
    expect(r.diagnostics).toEqual([]);
    expect(normalizeForCompare(services(r).map(({ reals: _reals, ...s }) => s))).toEqual([
      { kind: 'ipvs-service', protocol: 'tcp', addr: '10.96.0.1', port: 443, family: 'ip', scheduler: 'rr', persistent: { timeout: 10800, netmask: '255.255.255.0' } },
      { kind: 'ipvs-service', protocol: 'udp', addr: '10.96.0.10', port: 53, family: 'ip', scheduler: 'wlc' },
      { kind: 'ipvs-service', protocol: 'sctp', addr: '10.96.0.20', port: 3868, family: 'ip', scheduler: 'sh', flags: ['sh-fallback', 'sh-port'] },
      { kind: 'ipvs-service', protocol: 'tcp', addr: '2001:db8::1', port: 80, family: 'ip6', scheduler: 'mh', flags: ['mh-port', 'ops'], persistent: { timeout: 300, netmask: '64' }, pe: 'sip' },
      { kind: 'ipvs-service', protocol: 'fwm', fwmark: 7, family: 'ip', scheduler: 'lc' },
      { kind: 'ipvs-service', protocol: 'fwm', fwmark: 8, family: 'ip6', scheduler: 'rr' },
    ]);
    const reals = services(r).flatMap((s) => s.reals.map((x) => [x.addr, x.port, x.method, x.weight, x.activeConns, x.inactiveConns]));
    expect(reals).toEqual([
      ['10.0.0.5', 6443, 'masq', 1, 3, 17],
      ['10.0.0.6', 6443, 'masq', 0, 0, 2],
      ['10.244.1.2', 53, 'route', 5, 0, 0],
      ['10.244.1.3', 53, 'tunnel', 1, 0, 0],
      ['127.0.0.1', 53, 'local', 1, 0, 0],
      ['10.244.2.2', 3868, 'masq', 1, 0, 0],
      ['2001:db8::10', 8080, 'masq', 2, 0, 0],
      ['10.1.0.2', 0, 'route', 1, 0, 0],
      ['fd00::2', 0, 'bypass', 1, 0, 0],
    ]);
  });

  it('gives each service the range of its lines, and each real server its line', () => {
    const r = parseIpvs(listing);
    const first = services(r)[0] as IpvsService;
    expect(listing.slice(first.range?.start, first.range?.end)).toMatch(/^TCP {2}10\.96\.0\.1:443 rr .*\n.*\n {2}-> 10\.0\.0\.6:6443/);
    expect(listing.slice(first.reals[1]?.range?.start, first.reals[1]?.range?.end).trim()).toMatch(/^-> 10\.0\.0\.6:6443 +Masq +0 +0 +2$/);
  });

  it('reads --stats, with ipvsadm\'s K/M abbreviations, marking what the listing does not show', () => {
    const text = [
      HEADER,
      `${pad('Prot LocalAddress:Port', 33)} ${right('Conns', 8)} ${right('InPkts', 8)} ${right('OutPkts', 8)} ${right('InBytes', 8)} ${right('OutBytes', 8)}`,
      '  -> RemoteAddress:Port',
      `${pad('TCP  10.96.0.1:443', 33)}${right(12, 9)}${right(345, 9)}${right(0, 9)}${right('123456K', 9)}${right('5M', 9)}`,
      `  -> ${pad('10.0.0.5:6443', 28)}${right(12, 9)}${right(345, 9)}${right(0, 9)}${right(99999999, 9)}${right(0, 9)}`,
    ].join('\n');
    const r = parseIpvs(text);
    expect(r.diagnostics.map((d) => [d.severity, d.code])).toEqual([['info', 'IPV3002']]);
    const s = services(r)[0] as IpvsService;
    expect(s.stats).toEqual({ conns: 12, inpkts: 345, outpkts: 0, inbytes: 123456000, outbytes: 5000000 });
    expect(s.notShown).toEqual(['scheduler']);
    expect(s.reals[0]).toMatchObject({ stats: { conns: 12, inbytes: 99999999 }, notShown: ['method', 'weight'] });
  });

  it('reads --rate', () => {
    const text = [
      HEADER,
      `${pad('Prot LocalAddress:Port', 33)} ${right('CPS', 8)} ${right('InPPS', 8)} ${right('OutPPS', 8)} ${right('InBPS', 8)} ${right('OutBPS', 8)}`,
      '  -> RemoteAddress:Port',
      `${pad('UDP  10.96.0.10:53', 33)}${right(4, 9)}${right(8, 9)}${right(8, 9)}${right(640, 9)}${right(1280, 9)}`,
      `  -> ${pad('10.244.1.2:53', 28)} ${right(4, 8)} ${right(8, 8)} ${right(8, 8)}${right(640, 9)}${right(1280, 9)}`,
    ].join('\n');
    const r = parseIpvs(text);
    expect(r.diagnostics.filter((d) => d.severity !== 'info')).toEqual([]);
    expect(services(r)[0]?.stats).toEqual({ cps: 4, inpps: 8, outpps: 8, inbps: 640, outbps: 1280 });
    expect(services(r)[0]?.reals[0]?.stats).toEqual({ cps: 4, inpps: 8, outpps: 8, inbps: 640, outbps: 1280 });
  });

  it('reads --thresholds and --persistent-conn', () => {
    const thresholds = [
      HEADER,
      `${pad('Prot LocalAddress:Port', 33)} ${pad('Uthreshold', 10)} ${pad('Lthreshold', 10)} ${pad('ActiveConn', 10)} ${pad('InActConn', 10)}`,
      '  -> RemoteAddress:Port',
      svc('TCP', '10.96.0.1:443', 'rr'),
      `  -> ${pad('10.0.0.5:6443', 28)} ${pad(100, 10)} ${pad(75, 10)} ${pad(3, 10)} ${pad(17, 10)}`,
    ].join('\n');
    const t = parseIpvs(thresholds);
    expect(t.diagnostics.filter((d) => d.severity !== 'info')).toEqual([]);
    expect(services(t)[0]?.scheduler).toBe('rr');
    expect(services(t)[0]?.reals[0]).toMatchObject({ uThreshold: 100, lThreshold: 75, activeConns: 3, inactiveConns: 17, notShown: ['method', 'weight'] });

    const persistent = [
      HEADER,
      `${pad('Prot LocalAddress:Port', 33)} ${pad('Weight', 9)} ${pad('PersistConn', 11)} ${pad('ActiveConn', 10)} ${pad('InActConn', 10)}`,
      '  -> RemoteAddress:Port',
      svc('TCP', '10.96.0.1:443', 'rr persistent 10800'),
      `  -> ${pad('10.0.0.5:6443', 28)} ${pad(2, 9)} ${pad(40, 11)} ${pad(3, 10)} ${pad(17, 10)}`,
    ].join('\n');
    const p = parseIpvs(persistent);
    expect(p.diagnostics.filter((d) => d.severity !== 'info')).toEqual([]);
    expect(services(p)[0]?.persistent).toEqual({ timeout: 10800 });
    expect(services(p)[0]?.reals[0]).toMatchObject({ weight: 2, stats: { persistconns: 40 }, activeConns: 3, inactiveConns: 17, notShown: ['method'] });
  });

  it('reads --tun-info', () => {
    const text = [
      HEADER,
      'Prot LocalAddress:Port Scheduler Flags',
      '  -> RemoteAddress:Port           Forward TunnelInfo    Weight ActiveConn InActConn',
      svc('TCP', '10.96.0.1:80', 'wrr'),
      `  -> ${pad('10.0.1.2:80', 28)} ${pad('Tunnel', 7)} ${pad('gue:6080:+c', 13)} ${pad(1, 6)} ${pad(0, 10)} ${pad(0, 10)}`,
      `  -> ${pad('10.0.1.3:80', 28)} ${pad('Masq', 7)} ${pad('n/a', 13)} ${pad(1, 6)} ${pad(0, 10)} ${pad(0, 10)}`,
    ].join('\n');
    const r = parseIpvs(text);
    expect(r.diagnostics).toEqual([]);
    expect(services(r)[0]?.reals.map((x) => [x.method, x.tunnel])).toEqual([
      ['tunnel', { type: 'gue', port: 6080, csum: 'csum' }],
      ['masq', undefined],
    ]);
  });

  it('reads a non-numeric listing (ipvsadm -L) with warnings, and skips timeout and connection listings', () => {
    const text = [
      HEADER,
      LIST_TITLE,
      svc('TCP', 'lb.example:http', 'rr'),
      real('web1:http', 'Route', 1, 0, 0),
      'Timeout (tcp tcpfin udp): 900 120 300',
      'IPVS connection entries',
      'pro expire state       source             virtual            destination',
      'TCP 14:59  ESTABLISHED 10.0.0.9:51000     10.96.0.1:443      10.0.0.5:6443',
      '',
    ].join('\n');
    const r = parseIpvs(text);
    expect(r.diagnostics.map((d) => [d.severity, d.code])).toEqual([
      ['warning', 'IPV2005'],
      ['warning', 'IPV2005'],
      ['info', 'IPV3001'],
      ['info', 'IPV3001'],
    ]);
    expect(services(r).map((x) => [x.addr, x.port, x.reals.map((y) => [y.addr, y.port])])).toEqual([['lb.example', 80, [['web1', 80]]]]);
  });

  it('reports bad lines at line:column and keeps going', () => {
    const text = [
      HEADER,
      LIST_TITLE,
      real('10.0.0.9:80', 'Masq', 1, 0, 0),
      svc('TCP', '10.0.0.1:80', 'rr'),
      real('10.0.0.300:80', 'Masq', 1, 0, 0),
      real('10.0.0.2:80', 'Teleport', 1, 0, 0),
      real('10.0.0.3:80', 'Masq', 1, 0, 0),
      'TCP  2001:db8::1:80 rr',
      'hello world',
    ].join('\n');
    const r = parseIpvs(text);
    expect(located(text, r.diagnostics)).toEqual(['error IPV1005 4:3', 'error IPV1002 6:6', 'error IPV1004 7:35', 'error IPV1002 9:6', 'error IPV1001 10:1']);
    expect(services(r)).toHaveLength(1);
    expect(services(r)[0]?.reals.map((x) => x.addr)).toEqual(['10.0.0.3']);
  });
});

describe('ipvsadm -Sn and restore commands', () => {
  // What `ipvsadm -Sn` prints for the -Ln listing above (print_service_entry with FMT_RULE).
  const rules = [
    '-A -t 10.96.0.1:443 -s rr -p 10800 -M 255.255.255.0',
    '-a -t 10.96.0.1:443 -r 10.0.0.5:6443 -m -w 1',
    '-a -t 10.96.0.1:443 -r 10.0.0.6:6443 -m -w 0',
    '-A -u 10.96.0.10:53 -s wlc',
    '-a -u 10.96.0.10:53 -r 10.244.1.2:53 -g -w 5',
    '-a -u 10.96.0.10:53 -r 10.244.1.3:53 -i -w 1',
    '-A --sctp-service 10.96.0.20:3868 -s sh -b sh-fallback,sh-port',
    '-a --sctp-service 10.96.0.20:3868 -r 10.244.2.2:3868 -m -w 1',
    '-A -t [2001:db8::1]:80 -s mh -p 300 -M 64 --pe sip -o -b mh-port',
    '-a -t [2001:db8::1]:80 -r [2001:db8::10]:8080 -m -w 2',
    '-A -f 7 -s lc',
    '-a -f 7 -r 10.1.0.2:0 -g -w 1',
    '-A -f 8 -6 -s rr',
    '-a -f 8 -6 -r [fd00::2]:0 -g -w 1',
    '-A -t 10.96.0.30:80 -s wrr',
    '-a -t 10.96.0.30:80 -r 10.0.1.2:80 -i -w 1 --tun-type gue --tun-port 6080 --tun-csum',
    '',
  ].join('\n');

  it('prints what it reads, byte for byte', () => {
    const r = parseIpvs(rules);
    expect(r.diagnostics).toEqual([]);
    expect(printIpvsadmSave(r.ruleset)).toBe(rules);
  });

  it('reads -Sn rules into the same services as the -Ln listing (connection counts aside)', () => {
    const listed = parseIpvs(
      [HEADER, LIST_TITLE, svc('TCP', '10.96.0.1:443', 'rr persistent 10800 mask 255.255.255.0'), real('10.0.0.5:6443', 'Masq', 1, 3, 17), real('10.0.0.6:6443', 'Masq', 0, 0, 2), `${pad('FWM', 4)} 8 IPv6 rr`, real('[fd00::2]:0', 'Route', 1, 0, 0)].join('\n'),
    );
    const saved = parseIpvs(
      ['-A -t 10.96.0.1:443 -s rr -p 10800 -M 255.255.255.0', '-a -t 10.96.0.1:443 -r 10.0.0.5:6443 -m -w 1', '-a -t 10.96.0.1:443 -r 10.0.0.6:6443 -m -w 0', '-A -f 8 -6 -s rr', '-a -f 8 -6 -r [fd00::2]:0 -g -w 1'].join('\n'),
    );
    expect(firstDifference(listed.ruleset, saved.ruleset, { ignoreKeys: ['activeConns', 'inactiveConns'] })).toBeUndefined();
  });

  it('round-trips a listing through the -Sn printer', () => {
    const listing = [HEADER, LIST_TITLE, svc('TCP', '10.96.0.1:443', 'sh (sh-port) persistent 60 ops'), real('10.0.0.5:6443', 'Masq', 3, 1, 1)].join('\n');
    const first = parseIpvs(listing);
    const second = parseIpvs(printIpvsadmSave(first.ruleset));
    expect(second.diagnostics).toEqual([]);
    expect(firstDifference(first.ruleset, second.ruleset, { ignoreKeys: ['activeConns', 'inactiveConns'] })).toBeUndefined();
  });

  it('applies ipvsadm defaults: wlc, direct routing with the service port, weight 1, persistence 300', () => {
    const r = parseIpvs('ipvsadm -A -t 10.0.0.1:80 -p\nipvsadm -a -t 10.0.0.1:80 -r 10.0.0.2:8080\nipvsadm -a -t 10.0.0.1:80 -r 10.0.0.3 -m\n');
    expect(r.diagnostics).toEqual([]);
    const s = services(r)[0] as IpvsService;
    expect([s.scheduler, s.persistent]).toEqual(['wlc', { timeout: 300 }]);
    expect(s.reals.map((x) => [x.addr, x.port, x.method, x.weight])).toEqual([
      ['10.0.0.2', 80, 'route', 1], // DR cannot change the port: ipvsadm uses the service's
      ['10.0.0.3', 80, 'masq', 1],
    ]);
  });

  it('takes long options, --opt=value, thresholds, and edits, deletes and clears', () => {
    const r = parseIpvs(
      [
        '--add-service --tcp-service=10.0.0.1:80 --scheduler rr',
        '--add-server --tcp-service 10.0.0.1:80 --real-server 10.0.0.2:80 --masquerading --weight=3 -x 100 -y 50',
        '-a -t 10.0.0.1:80 -r 10.0.0.3:80 -m',
        '-e -t 10.0.0.1:80 -r 10.0.0.3:80 -m -w 7',
        '-d -t 10.0.0.1:80 -r 10.0.0.2:80',
        '-E -t 10.0.0.1:80 -s lc',
        '-A -u 10.0.0.1:53 -s rr',
        '-D -u 10.0.0.1:53',
        '-A -t 10.0.0.9:80',
      ].join('\n'),
    );
    expect(r.diagnostics).toEqual([]);
    expect(services(r).map((s) => [s.protocol, s.addr, s.scheduler, s.reals.map((x) => [x.addr, x.weight])])).toEqual([
      ['tcp', '10.0.0.1', 'lc', [['10.0.0.3', 7]]],
      ['tcp', '10.0.0.9', 'wlc', []],
    ]);
    const cleared = parseIpvs('-A -t 10.0.0.1:80\n-C\n-A -t 10.0.0.2:80\n');
    expect(services(cleared).map((s) => s.addr)).toEqual(['10.0.0.2']);
    const thresholds = parseIpvs('-A -t 10.0.0.1:80\n-a -t 10.0.0.1:80 -r 10.0.0.2:80 -m -w 1 -x 100 -y 50\n');
    expect(services(thresholds)[0]?.reals[0]).toMatchObject({ uThreshold: 100, lThreshold: 50 });
    expect(printIpvsadmSave(thresholds.ruleset)).toContain('-m -w 1 -x 100 -y 50');
  });

  it('parses 10 000 services with their real servers in linear time (listing and -Sn forms)', () => {
    // A quadratic service lookup took minutes here; no timing assertion, only the test timeout.
    const n = 10_000;
    const ip = (i: number) => `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
    const listing = [HEADER, LIST_TITLE];
    const saved: string[] = [];
    for (let i = 0; i < n; i++) {
      listing.push(svc('TCP', `${ip(i)}:80`, 'rr'), real(`192.168.0.1:${8000 + (i % 1000)}`, 'Masq', 1, 0, 0), real('192.168.0.2:8080', 'Masq', 1, 0, 0));
      saved.push(`-A -t ${ip(i)}:80 -s rr`, `-a -t ${ip(i)}:80 -r 192.168.0.1:${8000 + (i % 1000)} -m -w 1`, `-a -t ${ip(i)}:80 -r 192.168.0.2:8080 -m -w 1`);
    }
    const listed = parseIpvs(listing.join('\n'));
    const restored = parseIpvs(saved.join('\n'));
    expect(listed.diagnostics).toEqual([]);
    expect(restored.diagnostics).toEqual([]);
    expect(services(listed)).toHaveLength(n);
    expect(services(restored).map((s) => s.reals.length)).toEqual(Array(n).fill(2));
    expect(firstDifference(listed.ruleset, restored.ruleset, { ignoreKeys: ['activeConns', 'inactiveConns'] })).toBeUndefined();
    // One service with many real servers: the real-server lookup of -a/-e/-d is linear too.
    const many = ['-A -t 10.0.0.1:80 -s rr', ...Array.from({ length: n }, (_, i) => `-a -t 10.0.0.1:80 -r ${ip(i + 1)}:80 -m -w 1`), `-d -t 10.0.0.1:80 -r ${ip(1)}:80`, `-e -t 10.0.0.1:80 -r ${ip(2)}:80 -m -w 9`];
    const one = parseIpvs(many.join('\n'));
    expect(one.diagnostics).toEqual([]);
    expect(services(one)[0]?.reals).toHaveLength(n - 1);
    expect(services(one)[0]?.reals[0]).toMatchObject({ addr: ip(2), weight: 9 });
  });

  it('reports unknown options and real servers of undefined services', () => {
    const text = '-A -t 10.0.0.1:80 --frobnicate\n-A -t 10.0.0.1:80\n-a -t 10.0.0.2:80 -r 10.0.0.3:80\n-a -t 10.0.0.1:80\n';
    expect(located(text, parseIpvs(text).diagnostics)).toEqual(['error IPV1007 1:19', 'error IPV1010 3:1', 'error IPV1012 4:1']);
  });
});
