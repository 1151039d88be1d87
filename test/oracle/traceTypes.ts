// Kernel-oracle data types (packets to send, kernel traces, listed rulesets); types only, imports nothing.

/** A packet the oracle sends: from the client namespace ('remote', arrives on the host's nso-h0) or from the
 * host itself ('local', OUTPUT path, raw IP socket). Every packet is the first packet of its flow unless the
 * run uses `conntrack: 'shared'` (see kernelOracle.ts). */
export interface WirePacket {
  /** Becomes the IPv4 id, or the IPv6 flow label (1..65534; 65535 is the harness' marker), so traces map back
   * to cases. */
  id: number;
  origin: 'remote' | 'local';
  family: 'ip' | 'ip6';
  saddr: string;
  daddr: string;
  /** icmp with family ip, icmpv6 with family ip6. */
  protocol: 'tcp' | 'udp' | 'icmp' | 'icmpv6';
  sport?: number;
  dport?: number;
  /** TCP flag names: fin syn rst psh ack urg ecn cwr. Default ['syn']. */
  tcpFlags?: string[];
  /** Default 8 (echo-request; ICMPv6: 128). Echo id = packet id, so echo flows never share a conntrack tuple. */
  icmpType?: number;
  icmpCode?: number;
  /** TTL, or the IPv6 hop limit. Default 64. */
  ttl?: number;
  /** Length of the whole IP packet (IPv4 total length; IPv6: 40 + payload length); the payload is padded to
   * reach it. Default: 1 payload byte (TCP: none; ICMP echo: 4). */
  length?: number;
  /** DSCP (traffic class >> 2 for IPv6). Default 0. */
  dscp?: number;
  /** Packet marks cannot be sent over the wire: set them with rules. */
  mark?: never;
}

export type Hook = 'prerouting' | 'input' | 'forward' | 'output' | 'postrouting' | 'ingress' | 'egress';

/** Packet fields printed by `nft monitor trace` on a chain's `packet:` line (after NAT rewrites so far). */
export interface TracedPacket {
  ipId?: number;
  /** IPv6 packets: the case id travels in the flow label. */
  flowLabel?: number;
  iif?: string;
  oif?: string;
  saddr?: string;
  daddr?: string;
  protocol?: string;
  sport?: number;
  dport?: number;
  ttl?: number;
  length?: number;
  /** As printed, e.g. 'syn', 'syn | ack', '0x13'. */
  tcpFlags?: string;
  icmpType?: string;
  icmpCode?: string;
}

export interface KernelStep {
  family: string;
  table: string;
  chain: string;
  /** 'packet': the packet entered a base chain (printed once per base chain, with the packet as it is now);
   * 'rule': a rule matched (non-terminal statements print verdict 'continue'); 'policy': end of a base chain;
   * 'other': a trace line of a form this parser does not know (kept verbatim). */
  kind: 'rule' | 'policy' | 'packet' | 'other';
  /** The hook whose traversal this step belongs to (regular chains inherit it from their base chain). */
  hook?: Hook;
  handle?: number;
  /** As printed: 'accept', 'drop', 'continue', 'return', 'jump NAME', 'goto NAME', ... */
  verdict?: string;
  /** Rule text from `nft -a list ruleset` taken right after loading (handle comment removed); the packet
   * description for 'packet' steps; the verdict for 'policy' steps. */
  text: string;
  /** Packet mark at the end of the base chain when non-zero: the kernel reports it with policy verdicts only. */
  mark?: number;
  packet?: TracedPacket;
  /** The monitor line this step came from. */
  raw: string;
}

export type Fate = 'accept' | 'drop' | 'none';

export interface KernelTrace {
  id: number;
  /** Steps of the ruleset under test, in order (the harness' own tracer chains are left out). */
  steps: KernelStep[];
  /** Hooks the packet entered, in order (consecutive repeats collapsed); a looped-back local packet shows
   * output, postrouting, then prerouting, input. */
  hooks: Hook[];
  /** 'family table chain' of the last base chain of the ruleset the packet entered. */
  lastHookChain?: string;
  /** accept: delivered locally (reached the end of input) or sent out (end of postrouting, not to lo);
   * drop: a rule or a policy dropped it (reject counts as drop); none: no verdict, the packet vanished
   * (routing decision, TTL expiry, no route for a local send, ...). */
  fate: Fate;
  /** 'hook family table chain' of the last step (the harness' own chains count when nothing else ran, e.g.
   * 'prerouting (end)' when routing dropped the packet after prerouting). */
  where: string;
  /** Local sends only: the errno sendto() returned (EPERM when OUTPUT dropped it, ENETUNREACH: no route). */
  sendError?: string;
  /** Set when no trace line at all was seen for this packet. */
  untraced?: boolean;
}

export interface ListedRule {
  handle: number;
  text: string;
}

export interface ListedChain {
  family: string;
  table: string;
  name: string;
  handle: number;
  type?: string;
  hook?: Hook;
  prio?: number;
  policy?: string;
  rules: ListedRule[];
}

/** What the kernel holds after the load: `nft -a list ruleset` and `nft -j list ruleset`, harness table
 * excluded. */
export interface ListedRuleset {
  text: string;
  json: unknown;
  chains: ListedChain[];
}
