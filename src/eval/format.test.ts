// The kernel projection and the `nft monitor trace` format, checked against traces the kernel recorded for
// the oracle demo ruleset (../shared/oracle/trace1.raw, Linux 6.18).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { evaluate } from './evaluate.ts';
import { formatNftMonitor, projectToKernel } from './format.ts';
import { parsePacket } from './packetParse.ts';
import * as b from './testing/build.ts';
import { ruleset1 } from './testing/ruleset1.ts';
import { sharedDir } from '../../test/corpus.ts';

const HOST = 'nso-h0=198.51.100.2/24 lo=192.0.2.10';

/** `### tcp SRC DST SPORT DPORT` blocks → the first trace's rule/policy lines as `chain kind handle verdict`. */
function recordedCases(raw: string): { spec: string[]; lines: string[] }[] {
  const out: { spec: string[]; lines: string[] }[] = [];
  let cur: { spec: string[]; lines: string[]; id?: string } | undefined;
  for (const line of raw.split('\n')) {
    if (line.startsWith('### ')) {
      cur = { spec: line.slice(4).trim().split(/\s+/), lines: [] };
      out.push(cur);
      continue;
    }
    const m = /^trace id (\w+) (\w+) (\S+) (\S+) (rule .* # handle (\d+) \(verdict ([^)]*)\)|policy (\w+))/.exec(line);
    if (!m || !cur) continue;
    cur.id ??= m[1];
    if (m[1] !== cur.id || m[3] === 'nso_trace') continue;
    cur.lines.push(m[6] ? `${m[4]} rule ${m[6]} ${m[7]}` : `${m[4]} policy ${m[8]}`);
  }
  return out;
}

function packetOf(spec: string[]): string {
  const [proto, src, dst, sport, dport] = spec;
  if (proto === 'icmp') return `iif nso-h0 ip saddr ${src} ip daddr ${dst} icmp type echo-request`;
  return `iif nso-h0 ip saddr ${src} ip daddr ${dst} ${proto} sport ${sport} ${proto} dport ${dport}`;
}

describe('kernel projection', () => {
  const shared = (() => {
    try {
      return sharedDir();
    } catch {
      return undefined;
    }
  })();
  it.skipIf(!shared)('agrees with every trace the kernel recorded for the demo ruleset', () => {
    const raw = readFileSync(path.join(shared!, 'oracle', 'trace1.raw'), 'utf8');
    const cases = recordedCases(raw);
    expect(cases.length).toBeGreaterThanOrEqual(7);
    for (const c of cases) {
      const { packet } = parsePacket(packetOf(c.spec));
      const proj = projectToKernel(evaluate(ruleset1(), packet, { host: HOST }));
      const mine = proj.steps.map((s) => `${s.chain} ${s.kind}${s.kind === 'rule' ? ` ${s.handle}` : ''} ${s.verdict}`);
      expect({ spec: c.spec.join(' '), path: mine }).toEqual({ spec: c.spec.join(' '), path: c.lines });
    }
  });

  it('the comparison helper can fail: a wrong path is told apart', () => {
    const { packet } = parsePacket(packetOf(['tcp', '198.51.100.1', '198.51.100.2', '40002', '23']));
    const proj = projectToKernel(evaluate(ruleset1(), packet, { host: HOST }));
    expect(proj.steps.map((s) => s.verdict)).not.toEqual(['continue', 'accept', 'accept', 'jump from_client', 'accept']);
    expect(proj.fate.verdict).toBe('drop');
  });

  it('lists only matched rules, explicit return and policies; falling off a regular chain prints nothing', () => {
    const r = b.ruleset([
      b.table('ip', 'p', [b.base('input', 'filter', 'input', 0, 'accept', b.rule(b.jump('sub')), b.rule(b.m(b.pl('tcp', 'dport'), 7), b.ret), b.rule(b.counter)), b.chain('sub', b.rule(b.m(b.pl('tcp', 'dport'), 9), b.ret), b.rule(b.m(b.pl('tcp', 'dport'), 1), b.drop))]),
    ]);
    const proj = (dport: number) => projectToKernel(evaluate(r, parsePacket(`ip saddr 198.51.100.1 ip daddr 198.51.100.2 tcp dport ${dport}`).packet)).steps.map((s) => `${s.chain} ${s.kind} ${s.handle ?? '-'} ${s.verdict}`);
    // Same shapes as trace_pitfalls.raw: implicit return, explicit return in sub, explicit return in the base chain.
    expect(proj(5)).toEqual(['input rule 2 jump sub', 'input rule 4 continue', 'input policy - accept']);
    expect(proj(9)).toEqual(['input rule 2 jump sub', 'sub rule 6 return', 'input rule 4 continue', 'input policy - accept']);
    expect(proj(7)).toEqual(['input rule 2 jump sub', 'input rule 3 return', 'input policy - accept']);
  });

  it('iptables-legacy tables are left out (their TRACE goes to nf_log) unless asked for', () => {
    const r = b.ruleset([b.table('ip', 'filter', [b.base('INPUT', 'filter', 'input', 0, 'drop', b.rule(b.accept))], [], 'iptables-legacy')]);
    const t = evaluate(r, parsePacket('ip saddr 1.1.1.1 ip daddr 2.2.2.2 udp dport 1').packet);
    expect(projectToKernel(t).steps).toEqual([]);
    expect(projectToKernel(t, { includeLegacy: true }).steps.map((s) => s.verdict)).toEqual(['accept']);
  });

  it('a routing drop: last hook prerouting, fate drop at routing', () => {
    const r = b.ruleset([b.table('ip', 'p', [b.base('pre', 'filter', 'prerouting', 0, 'accept')])]);
    const proj = projectToKernel(evaluate(r, parsePacket('iif eth0 ip saddr 198.51.100.1 ip daddr 100.64.9.9 udp dport 2').packet, { host: 'eth0=198.51.100.2/24' }));
    expect(proj).toMatchObject({ lastHook: 'prerouting', fate: { verdict: 'drop', where: 'routing', kind: 'no-route' } });
  });
});

describe('nft monitor trace format', () => {
  it('prints packet, rule and policy lines like the kernel', () => {
    const { packet } = parsePacket(packetOf(['tcp', '198.51.100.1', '198.51.100.2', '40001', '8080']));
    const text = formatNftMonitor(evaluate(ruleset1(), packet, { host: HOST }));
    const lines = text.trim().split('\n').map((l) => l.replace(/^trace id \w+ /, ''));
    expect(lines.filter((l) => !l.includes(' packet: '))).toEqual([
      'inet t trace_pre rule meta nftrace set 1 # handle 7 (verdict continue)',
      'inet t trace_pre policy accept',
      'inet t nat_pre rule ip daddr 198.51.100.2 tcp dport 8080 dnat ip to 192.0.2.10:80 # handle 8 (verdict accept)',
      'inet t input rule ip saddr @allowed_src jump from_client # handle 11 (verdict jump from_client)',
      'inet t from_client rule ip daddr . tcp dport vmap { 198.51.100.2 . 22 : accept, 198.51.100.2 . 23 : drop, 192.0.2.10 . 80 : jump web } # handle 13 (verdict jump web)',
      'inet t web rule tcp flags & (syn | ack) == syn counter accept # handle 16 (verdict accept)',
    ]);
    // The input chain sees the packet after DNAT.
    expect(lines.find((l) => l.startsWith('inet t input packet:'))).toMatch(/ip daddr 192\.0\.2\.10 .*tcp dport 80/);
  });

  it('prints a non-zero mark on policy lines, as the kernel does (`policy accept meta mark 0x00004000`, seen on Linux 6.18)', () => {
    const r = b.ruleset([b.table('ip', 't', [b.base('in', 'filter', 'input', 0, 'accept', b.rule(b.mangle(b.meta('mark'), 0x4000)))])]);
    const text = formatNftMonitor(evaluate(r, parsePacket('ip saddr 1.1.1.1 ip daddr 2.2.2.2 udp dport 1').packet));
    expect(text).toMatch(/ ip t in policy accept meta mark 0x00004000\n/);
  });
});
