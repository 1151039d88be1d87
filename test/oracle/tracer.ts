// The harness' own nft table: marks test packets for tracing and observes the end of every hook; it must never
// change a verdict (only `meta nftrace set 1 accept` and empty policy-accept chains). Imports only oracle modules.
import type { TracerInfo } from './traceParser.ts';
import type { Hook } from './traceTypes.ts';
import { HOST_IF, LOCAL_TRACE_GID, TEST_SRC_MAC } from './topology.ts';

export const TRACER_FAMILY = 'inet';
export const TRACER_TABLE = 'nflens_trace';
/** Before defrag (-400), raw (-300) and conntrack (-200) (include/uapi/linux/netfilter_ipv4.h): the packet is
 * traced from the first chain a ruleset can have, provided the ruleset stays above -500. */
export const TRACER_FIRST_PRIORITY = -500;
/** INT_MAX: the end observers run after every chain of the ruleset (equal priorities run in registration
 * order, and the tracer is registered last). */
export const TRACER_LAST_PRIORITY = 2147483647;

/** Only where a journey can end well: every trace line costs monitor time (its formatting is the oracle's
 * bottleneck), and surviving prerouting, forward or output is proven by reaching the next hook. */
const END_CHAINS: [string, Hook][] = [
  ['in_end', 'input'],
  ['post_end', 'postrouting'],
];

/** Loaded after the ruleset under test (which may begin with `flush ruleset`).
 * - `pre`: only frames from the client agent's dedicated MAC on nso-h0 — not the client kernel's own replies
 *   (RST, ICMP errors) to packets the host forwarded to it, which would arrive with random IP ids.
 * - `out`: only packets from the host agent's socket, recognised by its fsgid; replies the host kernel
 *   generates by itself (RST, ICMP) carry no socket file and stay untraced.
 * - `in_end`, `post_end`: empty observers; a traced packet prints `packet:` + `policy accept` in them, which
 *   proves it survived every chain of that hook: delivered locally, or sent out. */
export function tracerRuleset(): string {
  const lines = [
    `table ${TRACER_FAMILY} ${TRACER_TABLE} {`,
    `  chain pre {`,
    `    type filter hook prerouting priority ${TRACER_FIRST_PRIORITY}; policy accept;`,
    // `accept` ends only this base chain (netfilter-semantics.md) and saves the monitor a policy line
    `    iifname "${HOST_IF}" ether saddr ${TEST_SRC_MAC} meta nftrace set 1 accept`,
    `  }`,
    `  chain out {`,
    `    type filter hook output priority ${TRACER_FIRST_PRIORITY}; policy accept;`,
    `    meta skgid ${LOCAL_TRACE_GID} meta nftrace set 1 accept`,
    `  }`,
  ];
  for (const [name, hook] of END_CHAINS) {
    lines.push(`  chain ${name} {`, `    type filter hook ${hook} priority ${TRACER_LAST_PRIORITY}; policy accept;`, `  }`);
  }
  lines.push('}', '');
  return lines.join('\n');
}

export const TRACER_INFO: TracerInfo = {
  family: TRACER_FAMILY,
  table: TRACER_TABLE,
  entryChains: new Set(['pre', 'out']),
  hooks: new Map<string, Hook>([['pre', 'prerouting'], ['out', 'output'], ...END_CHAINS]),
  endChains: new Map<string, Hook>(END_CHAINS),
};
