// Runs one ruleset file with packets ("remote|local proto saddr daddr [sport dport [flags]]"; an IPv6 saddr makes
// an IPv6 packet, proto icmpv6 then)
// through the kernel and the evaluator and prints both paths. Usage: try.ts FILE [--forward] [--local PREFIX] PACKET...
import { readFileSync } from 'node:fs';
import { withOracleSession, type WirePacket } from '../../test/oracle/kernelOracle.ts';
import { formatComparison } from '../../test/differential/compare.ts';
import { runCase } from '../../test/differential/differential.ts';

const args = process.argv.slice(2);
const file = args.shift()!;
let forward = false;
const hostAddrs: string[] = [];
const packets: WirePacket[] = [];
let format: 'nft' | 'iptables' = file.endsWith('.txt') || file.endsWith('.rules') ? 'iptables' : 'nft';
for (let i = 0; i < args.length; i++) {
  const a = args[i]!;
  if (a === '--forward') forward = true;
  else if (a === '--local') hostAddrs.push(args[++i]!);
  else {
    const [origin, protocol, saddr, daddr, sport, dport, flags] = a.split(' ');
    const p: any = { id: packets.length + 1, origin, family: saddr?.includes(':') ? 'ip6' : 'ip', protocol, saddr, daddr };
    if (protocol === 'icmp' || protocol === 'icmpv6') { if (sport) p.icmpType = Number(sport); }
    else { p.sport = Number(sport); p.dport = Number(dport); if (flags) p.tcpFlags = flags.split(','); }
    packets.push(p);
  }
}
const text = readFileSync(file, 'utf8');
await withOracleSession(async (s) => {
  const r = await runCase(s, { name: file, format, ruleset: text, packets, options: { forward, ...(hostAddrs.length ? { hostAddrs } : {}) } });
  if (r.kind !== 'ran') { console.log(r.kind, r.error); return; }
  for (const p of r.packets) {
    console.log(`--- ${p.input}: ${p.comparison.agreement}\n  ${p.packetText}\n${formatComparison(p.comparison)}`);
  }
});
