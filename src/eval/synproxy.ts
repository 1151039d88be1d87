// What a synproxy statement (nft) or SYNPROXY target (iptables, xt_SYNPROXY) does with the packet, decided
// from its TCP flags. Pure; imports nothing.
//
// The kernel answers a client's SYN itself with a SYN-ACK carrying a syncookie and takes the SYN (NF_STOLEN);
// the client's ACK is taken when its cookie checks out (synproxy_recv_client_ack, which then opens the
// connection to the server), dropped otherwise; other packets go on. nft_synproxy.c (nft_synproxy_eval_v4/v6)
// tests `tcp->syn`, then `tcp->ack`; xt_SYNPROXY.c (synproxy_tg4/6) wants a SYN or an ACK without any of
// SYN/ACK/FIN/RST besides. Both only run on TCP (nft breaks the rule otherwise: NFT_BREAK).

export type SynproxyOutcome =
  /** A SYN: answered with a cookie SYN-ACK, the packet is taken. */
  | 'syn-stolen'
  /** An ACK: taken if it answers a cookie the kernel sent, dropped if not (not knowable from one packet). */
  | 'ack-cookie'
  /** Anything else: the rule goes on. */
  | 'continue'
  /** Not a TCP packet: the rule does not apply. */
  | 'not-tcp';

const FIN = 0x01n;
const SYN = 0x02n;
const RST = 0x04n;
const ACK = 0x10n;

/** `flags`: the packet's tcp flags (undefined when not TCP); `xt`: the iptables target's stricter tests. */
export function synproxyOutcome(flags: bigint | undefined, xt: boolean): SynproxyOutcome {
  if (flags === undefined) return 'not-tcp';
  const has = (bit: bigint): boolean => (flags & bit) !== 0n;
  if (xt) {
    if (has(SYN) && !has(ACK) && !has(FIN) && !has(RST)) return 'syn-stolen';
    if (has(ACK) && !has(SYN) && !has(FIN) && !has(RST)) return 'ack-cookie';
    return 'continue';
  }
  if (has(SYN)) return 'syn-stolen';
  if (has(ACK)) return 'ack-cookie';
  return 'continue';
}
