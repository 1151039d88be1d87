// Divergences between the kernel and the evaluator that are understood but not fixed: each names the case,
// the evaluator inputs it affects and why. The suite counts them apart and fails when one no longer shows
// (then it must leave this list): each gap carries a witness case that must still disagree. Data only;
// imports the oracle's packet type.
import type { OracleOptions, WirePacket } from '../oracle/kernelOracle.ts';

export interface KnownGap {
  readonly name: string;
  /** Whether a disagreement of this case, on this evaluator input (EvaluatorInput label), is this gap. */
  readonly applies: (c: { readonly name: string; readonly ruleset: string }, input: string, packet: string) => boolean;
  readonly why: string;
  /** A small case that shows the gap (it must disagree, and only as this gap). */
  readonly witness: { readonly ruleset: string; readonly packets: readonly WirePacket[]; readonly format?: 'nft' | 'iptables' | 'ip6tables'; readonly options?: OracleOptions };
}

const tcpIn = (id: number, sport: number, dport: number, length?: number): WirePacket => ({
  id, origin: 'remote', family: 'ip', protocol: 'tcp', saddr: '198.51.100.1', daddr: '198.51.100.2', sport, dport, ...(length ? { length } : {}),
});
const inputChain = (rule: string) => `table ip t {\n\tchain i {\n\t\ttype filter hook input priority 0; policy accept;\n\t\t${rule}\n\t}\n}\n`;

const LISTINGS = ['nft -a list ruleset', 'nft -j list ruleset'];

/** A rule with an ordering match `<`/`<=` directly followed by `>`/`>=` (on the same field or another; `ip6 hoplimit` too). */
const LT_THEN_GT = /\b[a-z0-9]+ [a-z]+ <=? \S+ [a-z0-9]+ [a-z]+ >=? \S+/;

export const KNOWN_GAPS: readonly KnownGap[] = [
  {
    name: 'nft 1.0.6 lists `A < x B > y` as `B != x-y`',
    applies: (c, input) => LISTINGS.includes(input) && c.ruleset.split('\n').some((l) => LT_THEN_GT.test(l)),
    why:
      'its delinearizer merges a `cmp lt` and the next `cmp gt` into one negated range, an OR where the rule ' +
      'says AND, even across two payload fields (`ip ttl < 5 ip ttl > 32` lists `ip ttl != 5-32`; `ip ttl < 5 ip length > 100`: bytecode load 1b @8, cmp lt 5; load 2b @2, cmp ' +
      'gt 100; listed `ip length != 5-100`, or an empty range that does not parse). The kernel runs the ' +
      'bytecode, the evaluator reads the listing, which says something else; the ruleset as written agrees.',
    witness: { ruleset: inputChain('ip ttl < 5 ip length > 100 drop'), packets: [tcpIn(1, 40001, 22, 300)] },
  },
  {
    name: 'a local packet to a subnet broadcast address is also delivered to the host',
    applies: (_c, _input, packet) => /^local .* ip daddr (198\.51\.100|203\.0\.113)\.255 /.test(packet),
    why:
      'ip_mc_output() loops a clone of a broadcast back to the host (through its own POSTROUTING, then ' +
      'dev_loopback_xmit → PREROUTING → INPUT under another trace id) besides sending it; the evaluator ' +
      'follows the packet that is sent only.',
    witness: {
      ruleset: inputChain('counter'),
      packets: [{ id: 1, origin: 'local', family: 'ip', protocol: 'udp', saddr: '198.51.100.2', daddr: '198.51.100.255', sport: 40001, dport: 53 }],
    },
  },
  {
    name: 'SNAT/MASQUERADE onto a port range without the original port, or fully random: the kernel draws the port',
    applies: (c, input) =>
      input === 'iptables-save (project parser)' && /-j (?:SNAT|MASQUERADE)\b[^\n]*(?:--random-fully|--to-ports \d+-\d+|--to-source \S+:\d+-\d+)/.test(c.ruleset),
    why:
      'nf_nat_l4proto_unique_tuple() keeps the source port when it is inside the range and free; otherwise (and ' +
      'always with --random-fully) it starts from `off = get_random_u16()` for a source manip, so the port is ' +
      'random. The evaluator shows the first port of the range (or the original one). Seen on random iptables ' +
      'seeds (MASQUERADE --to-ports 5000-6000 gave 5870, 5099; --random-fully gave 56264).',
    witness: {
      format: 'iptables',
      ruleset: '*nat\n:PREROUTING ACCEPT [0:0]\n:INPUT ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n:POSTROUTING ACCEPT [0:0]\n-A POSTROUTING -p udp -j MASQUERADE --to-ports 5000-6000\nCOMMIT\n*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\nCOMMIT\n',
      packets: [{ id: 1, origin: 'local', family: 'ip', protocol: 'udp', saddr: '198.51.100.1', daddr: '192.0.2.10', sport: 35188, dport: 22 }],
    },
  },
  {
    name: 'nft 1.0.6 lists `STMT ip6 nexthdr tcp reject with tcp reset` without the protocol match',
    applies: (c) => c.ruleset.split('\n').some((l) => STMT_PROTO_RESET.test(l)),
    why:
      'a protocol match after a statement and before `reject with tcp reset` is the reset\'s dependency to ' +
      'nft\'s listing, which drops it (payload dependency elimination: the statement reset the dependency ' +
      'tracking, the match comes after it): the kernel holds `meta mark set 0x2a; nexthdr == tcp; reject` ' +
      'and lists `meta mark set 0x2a reject with tcp reset` — the text nft gives a rule written without the ' +
      'match, whose dependency it puts first (the mark is not set for a UDP packet). The same text, two ' +
      'bytecodes; IPv4 (`ip protocol tcp`, `meta l4proto tcp`) alike. Found by random IPv6 seeds.',
    witness: {
      ruleset: 'table ip6 t {\n\tchain i {\n\t\ttype filter hook input priority 0; policy accept;\n\t\tmeta mark set 0x2a ip6 nexthdr tcp reject with tcp reset\n\t}\n}\n',
      packets: [{ id: 1, origin: 'remote', family: 'ip6', protocol: 'udp', saddr: '2001:db8:1::1', daddr: '2001:db8:1::2', sport: 40001, dport: 53 }],
    },
  },
];

/** A statement, then a transport protocol match, then a TCP reset (see the gap above). */
const STMT_PROTO_RESET = /\b(?:set|counter|log|notrack)\b.*\b(?:ip protocol|ip6 nexthdr|meta l4proto) (?:tcp|6)\b.*\breject with tcp reset/;

/** The gap's name when this disagreement (case, input) is a listed gap. */
export function knownGapOf(c: { readonly name: string; readonly ruleset: string }, input: string, packet: string): string | undefined {
  return KNOWN_GAPS.find((g) => g.applies(c, input, packet))?.name;
}
