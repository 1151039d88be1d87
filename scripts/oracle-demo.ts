// Human front end of the kernel oracle: load a ruleset into a private namespace, send packets, print the
// kernel's trace. Root only. Imports the test harness (test/oracle/), nothing from src/.
//
// usage: npx tsx scripts/oracle-demo.ts RULESET [options] PACKET...
//   RULESET        nft ruleset file (or an iptables-save dump with --iptables); '-' reads stdin
//   PACKET         [local] tcp SRC DST SPORT DPORT [FLAGS]   FLAGS: syn,ack,... or kit letters (SA); default syn
//                  [local] udp SRC DST SPORT DPORT
//                  [local] icmp SRC DST [TYPE [CODE]]
//                  append ttl=N or len=N to any packet; packets are numbered 1.. (their IP id)
//   --packets FILE one PACKET per line (# comments)
//   --forward      net.ipv4.ip_forward=1 on the host
//   --host-addr A  extra local address/prefix on the host (repeatable)
//   --shared-ct    one conntrack table for all packets, in order (default: each packet starts fresh)
//   --iptables     RULESET is an iptables-save dump (iptables-nft-restore)
//   --raw          also print the monitor lines      --json   print the result as JSON
// Topology: client 198.51.100.1 -> host 198.51.100.2 (+192.0.2.10 on lo) -> server 203.0.113.0/24
// (see test/oracle/topology.ts).
import { readFileSync } from 'node:fs';
import { oracleAvailable, withOracleSession, type KernelTrace, type OracleOptions, type WirePacket } from '../test/oracle/kernelOracle.ts';

const LETTERS: Record<string, string> = { F: 'fin', S: 'syn', R: 'rst', P: 'psh', A: 'ack', U: 'urg', E: 'ecn', C: 'cwr' };

function usage(msg?: string): never {
  if (msg) console.error(`oracle-demo: ${msg}`);
  console.error(readFileSync(new URL(import.meta.url), 'utf8').split('\n').filter((l) => l.startsWith('//')).slice(2, 19).map((l) => l.slice(3)).join('\n'));
  process.exit(2);
}

export function parsePacketSpec(spec: string, id: number): WirePacket {
  let words = spec.trim().split(/\s+/);
  const extra: Partial<WirePacket> = {};
  words = words.filter((w) => {
    const m = /^(ttl|len)=(\d+)$/.exec(w);
    if (!m) return true;
    if (m[1] === 'ttl') extra.ttl = Number(m[2]);
    else extra.length = Number(m[2]);
    return false;
  });
  const origin = words[0] === 'local' ? 'local' : 'remote';
  if (words[0] === 'local' || words[0] === 'remote') words.shift();
  const [proto, saddr, daddr, a, b, c] = words;
  if (!proto || !saddr || !daddr) throw new Error(`bad packet spec: ${spec}`);
  const base = { id, origin, family: 'ip', saddr, daddr, ...extra } as const;
  if (proto === 'tcp' || proto === 'udp') {
    if (a === undefined || b === undefined) throw new Error(`ports missing: ${spec}`);
    const p: WirePacket = { ...base, protocol: proto, sport: Number(a), dport: Number(b) };
    if (proto === 'tcp' && c) p.tcpFlags = /^[FSRPAUEC]+$/.test(c) ? [...c].map((l) => LETTERS[l]!) : c.split(',');
    return p;
  }
  if (proto === 'icmp') return { ...base, protocol: 'icmp', ...(a ? { icmpType: Number(a) } : {}), ...(b ? { icmpCode: Number(b) } : {}) };
  throw new Error(`unknown protocol ${proto}`);
}

function describePacket(p: WirePacket): string {
  const ports = p.protocol === 'icmp' ? ` type ${p.icmpType ?? 8}` : ` ${p.sport} -> ${p.dport}`;
  return `${p.origin} ${p.protocol} ${p.saddr} -> ${p.daddr}${ports}${p.tcpFlags ? ` [${p.tcpFlags.join(',')}]` : ''}`;
}

function printTrace(p: WirePacket, t: KernelTrace): void {
  console.log(`\n#${p.id} ${describePacket(p)}  =>  ${t.fate.toUpperCase()}  (${t.hooks.join(' > ') || 'no hook'}; last: ${t.where})${t.sendError ? `  sendto: ${t.sendError}` : ''}`);
  for (const s of t.steps) {
    const loc = `${(s.hook ?? '?').padEnd(11)} ${s.family} ${s.table} ${s.chain}`;
    if (s.kind === 'packet') {
      const k = s.packet ?? {};
      const ports = k.sport !== undefined ? `:${k.sport} -> ${k.daddr}:${k.dport}` : ` -> ${k.daddr}`;
      console.log(`  ${loc}: packet ${k.saddr}${ports}${k.iif ? ` iif ${k.iif}` : ''}${k.oif ? ` oif ${k.oif}` : ''}`);
    } else if (s.kind === 'policy') {
      console.log(`  ${loc}: policy ${s.verdict}${s.mark ? ` (mark 0x${s.mark.toString(16)})` : ''}`);
    } else {
      console.log(`  ${loc}: [${s.handle ?? '?'}] ${s.text}  => ${s.verdict ?? '?'}`);
    }
  }
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (!args.length || args.includes('-h') || args.includes('--help')) usage();
  const opts: OracleOptions = {};
  const specs: string[] = [];
  let rulesetFile: string | undefined;
  let iptables = false;
  let raw = false;
  let json = false;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--forward') opts.forward = true;
    else if (a === '--shared-ct') opts.conntrack = 'shared';
    else if (a === '--iptables') iptables = true;
    else if (a === '--raw') raw = true;
    else if (a === '--json') json = true;
    else if (a === '--host-addr') (opts.hostAddrs ??= []).push(args[++i] ?? usage('--host-addr needs a value'));
    else if (a === '--packets') specs.push(...readFileSync(args[++i] ?? usage('--packets needs a file'), 'utf8').split('\n').filter((l) => l.trim() && !l.trim().startsWith('#')));
    else if (a.startsWith('--')) usage(`unknown option ${a}`);
    else if (rulesetFile === undefined) rulesetFile = a;
    else specs.push(a);
  }
  if (!rulesetFile) usage('no ruleset');
  if (!specs.length) usage('no packets');
  const avail = oracleAvailable();
  if (!avail.ok) {
    console.error(`oracle-demo: kernel oracle unavailable: ${avail.reason}`);
    process.exit(2);
  }
  const text = readFileSync(rulesetFile === '-' ? 0 : rulesetFile, 'utf8');
  const packets = specs.map((s, i) => parsePacketSpec(s, i + 1));
  const run = await withOracleSession((s) => (iptables ? s.runIptables(text, packets, opts) : s.runNft(text, packets, opts)));
  if (json) {
    console.log(JSON.stringify({ traces: run.traces, chains: run.handles }, null, 2));
    return;
  }
  console.log(`loaded: ${run.handles.length} chains (${run.handles.filter((c) => c.hook).length} base)${opts.forward ? ', forwarding on' : ''}`);
  run.traces.forEach((t, i) => printTrace(packets[i]!, t));
  if (raw) console.log('\n' + run.lines.join('\n'));
}

main().catch((e: unknown) => {
  console.error(`oracle-demo: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
