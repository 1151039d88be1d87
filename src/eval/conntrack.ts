// The conntrack model for the first packet nflens traces: the state conntrack gives it (new / invalid /
// untracked, or what the user states), following the kernel's rules for packets without a prior entry.
// Observed on Linux 6.18 with default (loose) TCP tracking: SYN, ACK, PSH+ACK, SYN+URG, SYN+ECE create `new`;
// SYN+ACK, FIN+ACK, RST, RST+ACK, FIN, SYN+FIN are `invalid`; ICMP echo-request and timestamp-request create
// `new`, echo-reply, destination-unreachable and redirect without a connection are `invalid`.
// (nf_conntrack_proto_tcp.c tcp_conntracks[][] from sNO, tcp_valid_flags; nf_conntrack_proto_icmp.c
// icmp_new/valid_new; nf_conntrack_proto_icmpv6.c noct_valid_new: neighbour discovery/MLD is untracked.)
// Imports eval/packet and eval/state types only.
import type { CtStateName } from './packet.ts';
import type { PacketState } from './state.ts';

export interface CtDecision {
  readonly state: CtStateName;
  readonly reason: string;
}

const FIN = 1n;
const SYN = 2n;
const RST = 4n;
const PSH = 8n;
const ACK = 16n;
const URG = 32n;
const ECE = 64n;
const CWR = 128n;

/** The state conntrack gives a packet that matches no existing entry. */
export function firstPacketState(p: PacketState): CtDecision {
  switch (p.l4) {
    case 6: {
      const flags = p.hdr.get('tcp flags');
      if (flags === undefined) return { state: 'new', reason: 'tcp flags not given: assumed a connection-opening SYN' };
      // tcp_error(): flag combinations outside tcp_valid_flags are invalid (ECE, CWR, PSH ignored).
      const f = flags & ~(ECE | CWR | PSH);
      const opens = f === SYN || f === (SYN | URG) || f === ACK || f === (ACK | URG);
      if (opens) {
        return f & SYN
          ? { state: 'new', reason: 'a SYN opens a new connection' }
          : { state: 'new', reason: 'a lone ACK creates a new entry (loose TCP tracking, nf_conntrack_tcp_loose=1)' };
      }
      const shown = flagNames(flags);
      return { state: 'invalid', reason: `tcp flags ${shown} without a connection are invalid` };
    }
    case 1: {
      const type = p.hdr.get('icmp type');
      if (type === undefined) return { state: 'new', reason: 'icmp type not given' };
      // Queries open a connection; replies and errors need one.
      if ([8n, 13n, 15n, 17n].includes(type)) return { state: 'new', reason: 'an ICMP query opens a new entry' };
      if ([3n, 4n, 5n, 11n, 12n].includes(type)) return { state: 'invalid', reason: 'an ICMP error without a matching connection is invalid (state `ct state related` if it answers one)' };
      return { state: 'invalid', reason: 'an ICMP reply without a request is invalid' };
    }
    case 58: {
      const type = p.hdr.get('icmpv6 type');
      if (type === undefined) return { state: 'new', reason: 'icmpv6 type not given' };
      if ([130n, 131n, 132n, 133n, 134n, 135n, 136n, 137n, 143n].includes(type)) return { state: 'untracked', reason: 'neighbour discovery and MLD are not tracked' };
      if (type === 128n || type === 139n) return { state: 'new', reason: 'an ICMPv6 query opens a new entry' };
      if (type < 128n) return { state: 'invalid', reason: 'an ICMPv6 error without a matching connection is invalid' };
      return { state: 'invalid', reason: 'an ICMPv6 reply without a request is invalid' };
    }
    case undefined:
      return { state: 'new', reason: 'transport protocol not given: assumed new' };
    default:
      return { state: 'new', reason: 'the first packet of a flow creates a new entry' };
  }
}

function flagNames(f: bigint): string {
  const names: [bigint, string][] = [[FIN, 'fin'], [SYN, 'syn'], [RST, 'rst'], [PSH, 'psh'], [ACK, 'ack'], [URG, 'urg'], [ECE, 'ecn'], [CWR, 'cwr']];
  const out = names.filter(([b]) => (f & b) !== 0n).map(([, n]) => n);
  return out.length ? out.join(',') : 'none';
}

/** Status bits of an entry the user says exists (IPS_CONFIRMED | IPS_SEEN_REPLY | IPS_ASSURED). */
export const ESTABLISHED_STATUS = 0x8n | 0x2n | 0x4n;
