// Unit tests of the monitor-trace parser and the listing reader on lines recorded by the reference kit
// (fixtures/ are copies of /work/shared/oracle/*): no root, no kernel needed.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ORACLE_DIR } from './agent.ts';
import { readListing, readRuleTexts } from './listing.ts';
import { buildInstanceTraces, buildTraces, groupInstances, parseTraceLine, type TraceLine } from './traceParser.ts';
import { TRACER_INFO } from './tracer.ts';
import type { KernelStep } from './traceTypes.ts';

const fixture = (name: string) => readFileSync(join(ORACLE_DIR, 'fixtures', name), 'utf8');
const parseAll = (text: string) => text.split('\n').map(parseTraceLine).filter((l): l is TraceLine => l !== undefined);
const path = (steps: readonly KernelStep[]) => steps.map((s) => [s.chain, s.kind, s.handle, s.verdict].filter((x) => x !== undefined).join(' '));
const listing1 = () => readListing(fixture('ruleset1.handles.txt'), fixture('ruleset1.json'));

describe('parseTraceLine', () => {
  it('reads packet, rule, policy and unknown-rule lines', () => {
    const pkt = parseTraceLine(
      'trace id 6d0136b5 inet t input packet: iif "nso-h0" ether saddr 52:4a:7b:ab:4f:cf ether daddr be:1b:a8:d1:ee:d4 ip saddr 198.51.100.1 ip daddr 192.0.2.10 ip dscp cs0 ip ecn not-ect ip ttl 64 ip id 4660 ip protocol tcp ip length 40 tcp sport 40001 tcp dport 80 tcp flags == syn tcp window 65535 ',
    );
    expect(pkt).toMatchObject({ traceId: '6d0136b5', family: 'inet', table: 't', chain: 'input', kind: 'packet' });
    expect(pkt?.packet).toEqual({
      iif: 'nso-h0', saddr: '198.51.100.1', daddr: '192.0.2.10', ttl: 64, ipId: 4660, length: 40, sport: 40001, dport: 80,
      tcpFlags: 'syn', protocol: 'tcp',
    });
    expect(parseTraceLine('trace id 6d0136b5 inet t web rule tcp flags syn / syn,ack counter packets 0 bytes 0 accept # handle 16 (verdict accept)')).toMatchObject({
      kind: 'rule', handle: 16, verdict: 'accept', text: 'tcp flags syn / syn,ack counter packets 0 bytes 0 accept',
    });
    expect(parseTraceLine('trace id 8361a6ce ip p nat_pre unknown rule handle 16 (verdict accept)')).toMatchObject({ kind: 'rule', handle: 16, verdict: 'accept', text: '' });
    expect(parseTraceLine('trace id 15c846fc ip t i unknown rule handle 8 (verdict jump s)')).toMatchObject({ handle: 8, verdict: 'jump s' });
    expect(parseTraceLine('trace id 8cc0cf79 inet t input policy drop ')).toMatchObject({ kind: 'policy', verdict: 'drop' });
    // the kernel prints a non-zero mark after verdicts (recorded on Linux 6.18)
    expect(parseTraceLine('trace id 15c846fc ip t c policy accept meta mark 0x0000002a ')).toMatchObject({ kind: 'policy', verdict: 'accept', mark: 42 });
    expect(parseTraceLine('### tcp 198.51.100.1 198.51.100.2 40000 22')).toBeUndefined();
  });

  it('reads the protocol of ip-family packet lines, which print no `ip protocol`', () => {
    const l = parseTraceLine('trace id 8361a6ce ip p input packet: iif "nso-h0" ip saddr 198.51.100.1 ip daddr 192.0.2.10 ip dscp cs0 ip ecn not-ect ip ttl 64 ip id 4660 ip length 29 udp sport 1234 udp dport 5001 udp length 9 @th,64,8 0x78 ');
    expect(l?.packet).toMatchObject({ protocol: 'udp', sport: 1234, dport: 5001 });
    const icmp = parseTraceLine('trace id 07dc833b inet t input packet: iif "nso-h0" ip saddr 198.51.100.1 ip daddr 198.51.100.2 ip ttl 64 ip id 4660 ip protocol icmp ip length 32 icmp type echo-request icmp code net-unreachable icmp id 66 icmp sequence 1 ');
    expect(icmp?.packet).toMatchObject({ protocol: 'icmp', icmpType: 'echo-request' });
  });

  it('reads IPv6 packet lines: addresses, hop limit, the flow label that carries the case id (recorded on Linux 6.18)', () => {
    const tcp = parseTraceLine('trace id 5e97821f ip6 t i packet: iif "nso-h0" ether saddr 02:6e:66:6c:65:01 ether daddr 02:6e:66:6c:00:a0 ip6 saddr 2001:db8:1::1 ip6 daddr 2001:db8:1::2 ip6 dscp cs0 ip6 ecn not-ect ip6 hoplimit 64 ip6 flowlabel 7 ip6 length 20 tcp sport 40000 tcp dport 22 tcp flags == syn tcp window 65535 ');
    expect(tcp?.packet).toMatchObject({ saddr: '2001:db8:1::1', daddr: '2001:db8:1::2', ttl: 64, flowLabel: 7, length: 20, protocol: 'tcp', sport: 40000, dport: 22, tcpFlags: 'syn' });
    expect(tcp?.packet?.ipId).toBeUndefined();
    const echo = parseTraceLine('trace id 25ba374e inet u p packet: iif "nso-h0" ip6 saddr 2001:db8:1::1 ip6 daddr 2001:db8:2::5 ip6 dscp af11 ip6 ecn not-ect ip6 hoplimit 64 ip6 flowlabel 8 ip6 nexthdr ipv6-icmp ip6 length 12 icmpv6 type echo-request icmpv6 code no-route icmpv6 parameter-problem 524289 @th,64,32 0x70696e67 ');
    expect(echo?.packet).toMatchObject({ protocol: 'icmpv6', icmpType: 'echo-request', flowLabel: 8 });
    const inst = groupInstances([tcp!, echo!]);
    expect(inst.map((i) => i.ipId)).toEqual([7, 8]);
  });
});

describe('readListing', () => {
  it('maps chains to hooks and rule handles to texts', () => {
    const l = listing1();
    const input = l.chains.find((c) => c.name === 'input');
    expect(input).toMatchObject({ family: 'inet', table: 't', hook: 'input', prio: 0, policy: 'drop', type: 'filter' });
    expect(input?.rules).toEqual([
      { handle: 9, text: 'iif "lo" accept' },
      { handle: 10, text: 'ct state established,related accept' },
      { handle: 11, text: 'ip saddr @allowed_src jump from_client' },
    ]);
    expect(l.chains.find((c) => c.name === 'from_client')?.hook).toBeUndefined();
    // set element lines and chain headers are not rules
    expect(readRuleTexts(fixture('ruleset1.handles.txt')).map((r) => r.handle)).toEqual([7, 8, 9, 10, 11, 13, 14, 15, 16]);
  });
});

describe('groupInstances / buildTraces on the kit recording trace1.raw', () => {
  const traces = () => buildInstanceTraces(groupInstances(parseAll(fixture('trace1.raw'))), { chains: listing1().chains });

  it('gives one trace per packet with the recorded path', () => {
    const t = traces();
    expect(t).toHaveLength(7);
    expect(path(t[1]!.steps)).toEqual([
      'trace_pre packet', 'trace_pre rule 7 continue', 'trace_pre policy accept',
      'nat_pre packet', 'nat_pre rule 8 accept',
      'input packet', 'input rule 11 jump from_client', 'from_client rule 13 jump web', 'web rule 16 accept',
    ]);
    expect(t[1]!.hooks).toEqual(['prerouting', 'input']);
    expect(t[1]!.steps.find((s) => s.chain === 'from_client')?.hook).toBe('input'); // inherited from the base chain
    // the input chain sees the packet after DNAT
    expect(t[1]!.steps.find((s) => s.chain === 'input' && s.kind === 'packet')?.packet).toMatchObject({ daddr: '192.0.2.10', dport: 80 });
    expect(t.map((x) => x.fate)).toEqual(['accept', 'accept', 'drop', 'drop', 'accept', 'accept', 'drop']);
    expect(t[3]!.where).toBe('input inet t input');
    expect(t[3]!.lastHookChain).toBe('inet t input');
  });

  it('takes rule texts from the listing', () => {
    const step = traces()[2]!.steps.find((s) => s.handle === 13);
    expect(step?.text).toBe('ip daddr . tcp dport vmap { 198.51.100.2 . 22 : accept, 198.51.100.2 . 23 : drop, 192.0.2.10 . 80 : jump web }');
  });

  it('splits a reused trace id when a chain is entered again', () => {
    const lines = fixture('trace1.raw').split('\n');
    const a = lines.filter((l) => l.includes(' e52f338d '));
    const b = lines.filter((l) => l.includes(' 5b6a5d01 ')).map((l) => l.replace(' 5b6a5d01 ', ' e52f338d '));
    const inst = groupInstances(parseAll([...a, ...b].join('\n')));
    expect(inst).toHaveLength(2);
    expect(inst[1]!.lines[0]!.kind).toBe('packet');
    expect(buildInstanceTraces(inst, { chains: listing1().chains }).map((t) => t.fate)).toEqual(['accept', 'drop']);
  });
});

describe('recorded pitfalls (trace_pitfalls.raw, trace_output.raw)', () => {
  // the kit did not keep this ruleset's listing: its base chains, as the trace shows them
  const base = (name: string, hook: 'prerouting' | 'input' | 'forward') => ({ family: 'ip', table: 'p', name, handle: 0, hook, rules: [] });
  const chains = [base('trace_pre', 'prerouting'), base('nat_pre', 'prerouting'), base('input', 'input'), base('forward', 'forward')];
  const pit = () => buildInstanceTraces(groupInstances(parseAll(fixture('trace_pitfalls.raw'))), { chains });

  it('a second packet of a flow skips the nat chain; a martian ends after prerouting without a verdict', () => {
    const t = pit();
    const chains = (i: number) => t[i]!.steps.filter((s) => s.kind === 'packet').map((s) => s.chain);
    expect(chains(0)).toEqual(['trace_pre', 'nat_pre', 'input']);
    expect(chains(1)).toEqual(['trace_pre', 'input']);
    const martian = t.find((x) => x.steps.some((s) => s.packet?.saddr === '127.0.0.5'))!;
    expect(chains(t.indexOf(martian))).toEqual(['trace_pre', 'nat_pre']);
    expect(martian.fate).toBe('none');
  });

  it('return, goto and reject verdicts are read as printed', () => {
    const t = pit();
    const verdicts = t.map((x) => x.steps.filter((s) => s.kind !== 'packet').map((s) => `${s.chain}:${s.verdict}`).join(' '));
    expect(verdicts).toContain('trace_pre:continue trace_pre:accept nat_pre:accept input:jump sub sub:return input:continue input:accept');
    expect(verdicts).toContain('trace_pre:continue trace_pre:accept nat_pre:accept input:jump sub sub:goto sub2 sub2:drop');
  });

  it('a locally generated packet looped back through lo shows up under a second trace id', () => {
    const inst = groupInstances(parseAll(fixture('trace_output.raw')));
    const loop = inst.filter((i) => i.lines.some((l) => l.packet?.saddr === '127.0.0.1' && l.packet.protocol === 'udp'));
    expect(loop.map((i) => i.lines[0]!.chain)).toEqual(['trace_out', 'input']);
    expect(new Set(loop.map((i) => i.traceId)).size).toBe(2);
  });
});

describe('buildTraces with the harness tracer', () => {
  const T = TRACER_INFO.table;
  const pkt = (id: number, extra = '') => `packet: iif "nso-h0" ip saddr 198.51.100.1 ip daddr 198.51.100.2 ip ttl 64 ip id ${id} ip length 29 udp sport 1 udp dport 2 ${extra}`;
  const chains = [{ family: 'ip', table: 'f', name: 'in', handle: 1, hook: 'input' as const, rules: [{ handle: 3, text: 'udp dport 2 accept' }] }];

  it('merges instances by IP id, drops foreign packets and decides the fate from the end observers', () => {
    const text = [
      `trace id aa inet ${T} pre ${pkt(1)}`,
      `trace id aa inet ${T} pre rule iifname "nso-h0" meta nftrace set 1 accept # handle 3 (verdict accept)`,
      `trace id aa ip f in ${pkt(1)}`,
      `trace id aa ip f in unknown rule handle 3 (verdict accept)`,
      `trace id aa inet ${T} in_end ${pkt(1)}`,
      `trace id aa inet ${T} in_end policy accept`,
      // same trace id again: a new packet that the routing decision drops after prerouting
      `trace id aa inet ${T} pre ${pkt(2)}`,
      `trace id aa inet ${T} pre rule iifname "nso-h0" meta nftrace set 1 accept # handle 3 (verdict accept)`,
      // a packet the tracer did not mark (traced by a rule of the ruleset): not a test packet
      `trace id bb ip f in ${pkt(1)}`,
      `trace id bb ip f in unknown rule handle 3 (verdict accept)`,
    ].join('\n');
    const traces = buildTraces(groupInstances(parseAll(text), TRACER_INFO), { chains, tracer: TRACER_INFO });
    expect([...traces.keys()]).toEqual([1, 2]);
    const t1 = traces.get(1)!;
    expect(path(t1.steps)).toEqual(['in packet', 'in rule 3 accept']);
    expect(t1.steps[1]!.text).toBe('udp dport 2 accept');
    expect(t1).toMatchObject({ fate: 'accept', hooks: ['prerouting', 'input'], where: 'input ip f in', lastHookChain: 'ip f in' });
    expect(traces.get(2)).toMatchObject({ fate: 'none', hooks: ['prerouting'], steps: [] });
  });

  it('follows a looped-back local packet and infers the forward hook', () => {
    const out = (id: number, oif: string) => `packet: oif "${oif}" ip saddr 192.0.2.10 ip daddr 192.0.2.10 ip ttl 64 ip id ${id} ip length 29 udp sport 1 udp dport 2 `;
    const text = [
      `trace id cc inet ${T} out ${out(5, 'lo')}`,
      `trace id cc inet ${T} post_end ${out(5, 'lo')}`,
      `trace id dd inet ${T} pre ${out(5, 'lo').replace('oif', 'iif')}`,
      `trace id dd inet ${T} pre policy accept`,
      `trace id dd inet ${T} in_end ${out(5, 'lo').replace('oif', 'iif')}`,
      `trace id ee inet ${T} pre ${pkt(6)}`,
      `trace id ee inet ${T} post_end ${pkt(6, 'oif "nso-h1"')}`,
    ].join('\n');
    const traces = buildTraces(groupInstances(parseAll(text), TRACER_INFO), { chains, tracer: TRACER_INFO });
    expect(traces.get(5)).toMatchObject({ fate: 'accept', hooks: ['output', 'postrouting', 'prerouting', 'input'] });
    expect(traces.get(6)).toMatchObject({ fate: 'accept', hooks: ['prerouting', 'forward', 'postrouting'] });
  });

  it('a drop anywhere is the fate, even after accepts elsewhere', () => {
    const text = [
      `trace id aa inet ${T} pre ${pkt(1)}`,
      `trace id aa ip f in ${pkt(1)}`,
      `trace id aa ip f in unknown rule handle 3 (verdict accept)`,
      `trace id aa ip g in2 ${pkt(1)}`,
      `trace id aa ip g in2 policy drop`,
    ].join('\n');
    const t = buildTraces(groupInstances(parseAll(text), TRACER_INFO), { chains, tracer: TRACER_INFO }).get(1)!;
    expect(t.fate).toBe('drop');
    expect(t.where).toBe('? ip g in2'); // chain unknown to the listing: hook not known
  });
});
