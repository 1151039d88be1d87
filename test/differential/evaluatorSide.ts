// The evaluator's side of a differential case: the oracle host namespace's facts as a host spec, the kernel's
// wire packet in the one-line packet syntax (every field the wire carries), and the workspace the evaluator
// reads — the parsed listing of what the kernel loaded, with the kernel's rule handles. Test-only; imports
// src/ (parsers, evaluator) and the oracle's topology and types.
import type { Rule, Ruleset, Table } from '../../src/model/ir.ts';
import { parseIptables, parseNft, parseNftJson } from '../../src/parse/index.ts';
import { parsePacket, type Packet } from '../../src/eval/index.ts';
import type { ListedChain, OracleOptions, WirePacket } from '../oracle/kernelOracle.ts';
import {
  CLIENT_NET,
  CLIENT_NET6,
  HOST_ADDR,
  HOST_ADDR6,
  HOST_LO_ADDR6,
  HOST_SERVER_ADDR6,
  SERVER_NET6,
  HOST_IF,
  HOST_LO_ADDR,
  HOST_MAC,
  HOST_SERVER_ADDR,
  HOST_SERVER_IF,
  LOCAL_TRACE_GID,
  SERVER_NET,
  TEST_SRC_MAC,
} from '../oracle/topology.ts';

/** The host namespace as the evaluator's `--host` spec (test/oracle/topology.ts): two interfaces with their
 * subnets (IPv4 and IPv6), 192.0.2.10 and 2001:db8:ff::10 on lo, no default route (so the routes given are all
 * there are), AnyIP ranges and the forwarding flag of the run (both families). */
export function hostSpecFor(options: OracleOptions = {}): string {
  const parts = [
    `${HOST_IF}=${HOST_ADDR}/24+${HOST_ADDR6}/64`,
    `${HOST_SERVER_IF}=${HOST_SERVER_ADDR}/24+${HOST_SERVER_ADDR6}/64`,
    `lo=${HOST_LO_ADDR}/32+${HOST_LO_ADDR6}/128`,
    `route=${CLIENT_NET}@${HOST_IF}`,
    `route=${SERVER_NET}@${HOST_SERVER_IF}`,
    `route=${CLIENT_NET6}@${HOST_IF}`,
    `route=${SERVER_NET6}@${HOST_SERVER_IF}`,
    ...(options.hostAddrs ?? []).map((a) => `local=${a.includes('/') ? a : `${a}/${a.includes(':') ? 128 : 32}`}`),
    options.forward ? 'forward' : 'noforward',
  ];
  return parts.join(' ');
}

const TCP_FLAG_ORDER = ['fin', 'syn', 'rst', 'psh', 'ack', 'urg', 'ecn', 'cwr'];
const ICMP_ERRORS = new Set([3, 4, 5, 11, 12]);
const ICMP6_ERRORS = new Set([1, 2, 3, 4]);

/** Header sizes and payload exactly as test/oracle/pkt.py builds them (build_ip, build_ip6): `ip` is the whole
 * packet (IPv4 total length; IPv6 header + payload). */
export function wireLengths(p: WirePacket): { ip: number; l4: number } {
  const icmpError = p.protocol === 'icmp' ? ICMP_ERRORS.has(p.icmpType ?? 8) : p.protocol === 'icmpv6' && ICMP6_ERRORS.has(p.icmpType ?? 128);
  const ipHeader = p.family === 'ip6' ? 40 : 20;
  const header = ({ tcp: 20, udp: 8, icmp: 8, icmpv6: 8 } as const)[p.protocol] + (icmpError ? 8 + ipHeader : 0);
  const defaultData = p.protocol === 'tcp' ? 0 : p.protocol === 'udp' ? 1 : 4;
  const data = p.length === undefined ? defaultData : Math.max(0, p.length - ipHeader - header);
  return { ip: ipHeader + header + data, l4: header + data };
}

/** The wire packet in the one-line packet syntax: what the evaluator is asked about, and what a failure
 * report prints. Remote packets arrive on nso-h0 from the client agent's MAC; local ones come from the host
 * agent's socket (root, fsgid LOCAL_TRACE_GID). */
export function packetText(p: WirePacket): string {
  const out: string[] = [];
  if (p.origin === 'local') out.push('local', `meta skuid 0 meta skgid ${LOCAL_TRACE_GID}`);
  else out.push(`iif "${HOST_IF}" ether saddr ${TEST_SRC_MAC} ether daddr ${HOST_MAC}`);
  const len = wireLengths(p);
  if (p.family === 'ip6') {
    // the case id travels in the flow label (pkt.py); `ip6 length` is the payload length
    out.push(`ip6 saddr ${p.saddr} ip6 daddr ${p.daddr} ip6 hoplimit ${p.ttl ?? 64} ip6 flowlabel ${p.id} ip6 length ${len.l4} ip6 dscp ${p.dscp ?? 0} ip6 ecn 0`);
  } else {
    out.push(`ip saddr ${p.saddr} ip daddr ${p.daddr} ip ttl ${p.ttl ?? 64} ip id ${p.id} ip length ${len.ip}${p.dscp !== undefined ? ` ip dscp ${p.dscp}` : ''}`);
  }
  switch (p.protocol) {
    case 'tcp': {
      const flags = p.tcpFlags?.length ? p.tcpFlags : ['syn'];
      const sorted = TCP_FLAG_ORDER.filter((f) => flags.includes(f));
      out.push(`tcp sport ${p.sport} tcp dport ${p.dport} tcp flags ${sorted.join(',')} tcp sequence 1000 tcp ackseq ${flags.includes('ack') ? 1 : 0} tcp window 65535`);
      break;
    }
    case 'udp':
      out.push(`udp sport ${p.sport} udp dport ${p.dport} udp length ${len.l4}`);
      break;
    case 'icmp': {
      const type = p.icmpType ?? 8;
      out.push(`icmp type ${type} icmp code ${p.icmpCode ?? 0}`);
      if (!ICMP_ERRORS.has(type)) out.push(`icmp id ${p.id & 0xffff} icmp sequence 1`);
      break;
    }
    case 'icmpv6': {
      const type = p.icmpType ?? 128;
      out.push(`icmpv6 type ${type} icmpv6 code ${p.icmpCode ?? 0}`);
      if (!ICMP6_ERRORS.has(type)) out.push(`icmpv6 id ${p.id & 0xffff} icmpv6 sequence 1`);
      break;
    }
  }
  out.push(`meta length ${len.ip}`);
  return out.join(' ');
}

/** `facts`: what earlier packets of a shared conntrack table made of this one (`ct state established ct
 * direction reply`), in the same syntax. */
export function packetFor(p: WirePacket, facts = ''): Packet {
  const text = facts ? `${packetText(p)} ${facts}` : packetText(p);
  const r = parsePacket(text);
  const errors = r.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length) throw new Error(`packet "${text}" does not parse: ${errors.map((e) => e.message).join('; ')}`);
  return r.packet;
}

/** What the evaluator reads for a case, with the source it came from (a failure report names it). */
export interface EvaluatorInput {
  readonly label: string;
  readonly ruleset: Ruleset;
  /** Set when this input does not parse cleanly: every packet then disagrees with this reason. */
  readonly error?: string;
}

/** nft: the kernel's own listing, as text (`nft -a list ruleset`) and as JSON (`nft -j list ruleset`), and
 * the ruleset as it was written (handles from the listing by position): all three parses must lead the
 * evaluator to the kernel's path. */
export function nftInputs(written: string, listingText: string, listingJson: unknown, listed: readonly ListedChain[]): EvaluatorInput[] {
  const input = (label: string, r: { ruleset: Ruleset; diagnostics: readonly { severity: string; code: string; message: string }[] }, handles = false): EvaluatorInput => {
    const errs = r.diagnostics.filter((d) => d.severity === 'error');
    if (errs.length) return { label, ruleset: r.ruleset, error: `${label} does not parse: ${errs.map((d) => `${d.code} ${d.message}`).join('; ')}` };
    return { label, ruleset: handles ? withKernelHandles(r.ruleset, listed) : r.ruleset };
  };
  return [
    input('nft -a list ruleset', parseNft(listingText)),
    input('nft -j list ruleset', parseNftJson(JSON.stringify(listingJson))),
    input('the ruleset as written', parseNft(written), true),
  ];
}

/** iptables: the project's parser on the save dump itself; handles come from the kernel's listing of what
 * iptables-nft-restore made of it (one nft rule per iptables rule, in order). */
export function iptablesInput(saveText: string, listed: readonly ListedChain[], family?: 'ip6'): EvaluatorInput {
  const parsed = parseIptables(saveText, family ? { family } : {});
  const errs = parsed.diagnostics.filter((d) => d.severity === 'error');
  if (errs.length) throw new Error(`the dump does not parse: ${errs.map((d) => `${d.code} ${d.message}`).join('; ')}`);
  return { label: 'iptables-save (project parser)', ruleset: withKernelHandles(parsed.ruleset, listed) };
}

/** Copies the kernel's rule handles onto the parsed rules, chain by chain and position by position. */
export function withKernelHandles(ruleset: Ruleset, listed: readonly ListedChain[]): Ruleset {
  const byKey = new Map(listed.map((c) => [`${c.family} ${c.table} ${c.name}`, c]));
  const tables = ruleset.tables.map((t): Table => ({
    ...t,
    chains: t.chains.map((c) => {
      const k = byKey.get(`${t.family} ${t.name} ${c.name}`);
      if (!k) {
        if (c.rules.length) throw new Error(`chain ${t.family} ${t.name} ${c.name} is not in the kernel's listing`);
        return c;
      }
      if (k.rules.length !== c.rules.length) {
        throw new Error(`chain ${t.family} ${t.name} ${c.name}: ${c.rules.length} parsed rules, ${k.rules.length} in the kernel`);
      }
      return { ...c, rules: c.rules.map((r, i): Rule => ({ ...r, handle: k.rules[i]!.handle })) };
    }),
  }));
  return { ...ruleset, tables };
}
