// Kernel rules the differential suite (test/differential/) found the evaluator missing, pinned here as unit
// tests that run without root: each case is a shrunk kernel disagreement, with the path the kernel printed.
import { describe, expect, it } from 'vitest';
import { parseIptables, parseNft } from '../parse/index.ts';
import { evaluate } from './evaluate.ts';
import { parsePacket } from './packetParse.ts';
import { pathOf } from './testing/paths.ts';

/** The oracle topology's host (test/differential/evaluatorSide.ts hostSpecFor). */
const HOST = 'nso-h0=198.51.100.2/24 nso-h1=203.0.113.1/24 lo=192.0.2.10/32 route=198.51.100.0/24@nso-h0 route=203.0.113.0/24@nso-h1';

function trace(ruleset: string, packet: string, forward = false) {
  const rs = parseNft(ruleset);
  expect(rs.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  const p = parsePacket(packet);
  expect(p.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return evaluate(rs.ruleset, p.packet, { host: `${HOST} ${forward ? 'forward' : 'noforward'}` });
}

/** An iptables-save dump, traced like the kernel runs it through iptables-nft. */
function traceSave(save: string, packet: string) {
  const rs = parseIptables(save);
  expect(rs.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  const p = parsePacket(packet);
  expect(p.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return evaluate(rs.ruleset, p.packet, { host: `${HOST} noforward` });
}

const inputChain = (rules: string) => `table ip t {\n\tchain i {\n\t\ttype filter hook input priority 0; policy accept;\n${rules}\n\t}\n}\n`;
const REMOTE = 'iif "nso-h0" ip saddr 198.51.100.1 ip daddr 198.51.100.2';

describe('kernel rules learnt from the differential suite', () => {
  it("'!' matches when none of the bits is set (nft: bitwise & mask, cmp eq 0)", () => {
    const rs = inputChain('\t\ttcp flags ! syn counter\n\t\tct status ! dnat counter');
    expect(pathOf(trace(rs, `${REMOTE} tcp sport 1 tcp dport 22 tcp flags syn`))).toEqual(['i#2 continue', 'i policy accept']);
    expect(pathOf(trace(rs, `${REMOTE} tcp sport 1 tcp dport 22 tcp flags ack`))).toEqual(['i#1 continue', 'i#2 continue', 'i policy accept']);
  });

  it('adjacent != fields of one header are one compare: the rule matches when any of them differs (nft payload merge)', () => {
    const rs = inputChain('\t\ttcp sport != 80 tcp dport != 53 counter\n\t\tip ttl != 64 ip protocol != tcp counter\n\t\tip saddr != 198.51.100.1 ip daddr != 198.51.100.2 counter');
    // sport equal, dport differs: the merged compare differs (the text alone would say no match)
    expect(pathOf(trace(rs, `${REMOTE} tcp sport 80 tcp dport 22`))).toEqual(['i#1 continue', 'i policy accept']);
    // both equal: no match; ttl/protocol both equal: no match; saddr/daddr (4+4 bytes) are never merged
    expect(pathOf(trace(rs, `${REMOTE} tcp sport 80 tcp dport 53`))).toEqual(['i policy accept']);
    // ttl differs, protocol equal: merged, so it matches
    expect(pathOf(trace(rs, `${REMOTE} ip ttl 3 tcp sport 80 tcp dport 53`))).toEqual(['i#2 continue', 'i policy accept']);
  });

  it('a local packet looped back through lo has no socket in prerouting and input (skuid breaks the rule)', () => {
    const rs = `table ip t {\n\tchain o {\n\t\ttype filter hook output priority 0; policy accept;\n\t\tmeta skuid 0 counter\n\t}\n${inputChain('\t\tmeta skuid 0 counter').replace('table ip t {\n', '')}`;
    expect(pathOf(trace(rs, 'local meta skuid 0 ip saddr 198.51.100.2 ip daddr 192.0.2.10 tcp sport 1 tcp dport 22'))).toEqual(['o#1 continue', 'o policy accept', 'i policy accept']);
  });

  it('notrack after conntrack still makes an invalid packet (no entry) untracked', () => {
    const rs = `table ip t {\n\tchain o {\n\t\ttype filter hook output priority 0; policy accept;\n\t\tnotrack\n\t}\n\tchain p {\n\t\ttype filter hook prerouting priority 0; policy accept;\n\t\tct state untracked counter\n\t}\n}\n`;
    // an ICMP error with no connection behind it is invalid at the output conntrack hook
    const t = trace(rs, 'local ip saddr 192.0.2.10 ip daddr 192.0.2.10 icmp type time-exceeded icmp code 0');
    expect(pathOf(t)).toEqual(['o#1 continue', 'o policy accept', 'p#1 continue', 'p policy accept']);
  });

  it('fib daddr . iif type local: only addresses of the input device', () => {
    const rs = `table ip t {\n\tchain p {\n\t\ttype filter hook prerouting priority 0; policy accept;\n\t\tfib daddr . iif type local counter\n\t}\n}\n`;
    expect(pathOf(trace(rs, `${REMOTE} tcp sport 1 tcp dport 22`))).toEqual(['p#1 continue', 'p policy accept']);
    expect(pathOf(trace(rs, 'iif "nso-h0" ip saddr 198.51.100.1 ip daddr 192.0.2.10 tcp sport 1 tcp dport 22'))).toEqual(['p policy accept']);
  });

  it("fib saddr . iif oif in prerouting and input answers lo for a packet from lo, whatever its source", () => {
    const rs = `table ip t {\n\tchain p {\n\t\ttype filter hook prerouting priority 0; policy accept;\n\t\tfib saddr . iif oif exists counter\n\t}\n}\n`;
    expect(pathOf(trace(rs, 'local ip saddr 203.0.113.254 ip daddr 192.0.2.10 udp sport 1 udp dport 22'))).toEqual(['p#1 continue', 'p policy accept']);
    const inInput = rs.replace('hook prerouting', 'hook input');
    expect(pathOf(trace(inInput, 'local ip saddr 203.0.113.2 ip daddr 192.0.2.10 tcp sport 1 tcp dport 443'))).toEqual(['p#1 continue', 'p policy accept']);
    // from outside, the reverse path decides: 203.0.113.2 is routed out of nso-h1, not nso-h0
    expect(pathOf(trace(inInput, 'iif "nso-h0" ip saddr 203.0.113.2 ip daddr 198.51.100.2 tcp sport 1 tcp dport 443'))).toEqual(['p policy accept']);
  });

  it('OUTPUT chains after a re-route still see the hook’s original oif; POSTROUTING sees the new one', () => {
    const rs = `table ip t {\n\tchain n {\n\t\ttype nat hook output priority -100; policy accept;\n\t\tdnat to 203.0.113.2\n\t}\n\tchain o {\n\t\ttype filter hook output priority 0; policy accept;\n\t\toifname "lo" counter\n\t}\n\tchain post {\n\t\ttype filter hook postrouting priority 0; policy accept;\n\t\toifname "nso-h1" counter\n\t}\n}\n`;
    const t = trace(rs, 'local ip saddr 192.0.2.10 ip daddr 192.0.2.10 icmp type echo-request');
    expect(pathOf(t)).toEqual(['n#1 accept', 'o#1 continue', 'o policy accept', 'post#1 continue', 'post policy accept']);
    expect(t.fate.kind).toBe('sent');
  });

  it('a DNAT onto the address it already has leaves ct status dnat clear', () => {
    const rs = `table ip t {\n\tchain n {\n\t\ttype nat hook prerouting priority dstnat; policy accept;\n\t\tdnat to 192.0.2.10\n\t}\n\tchain i {\n\t\ttype filter hook input priority 0; policy accept;\n\t\tct status dnat counter\n\t}\n}\n`;
    expect(pathOf(trace(rs, 'iif "nso-h0" ip saddr 198.51.100.1 ip daddr 192.0.2.10 tcp sport 1 tcp dport 22'))).toEqual(['n#1 accept', 'i policy accept']);
    expect(pathOf(trace(rs, 'iif "nso-h0" ip saddr 198.51.100.1 ip daddr 198.51.100.2 tcp sport 1 tcp dport 22'))).toEqual(['n#1 accept', 'i#1 continue', 'i policy accept']);
  });

  it('reject with tcp reset: a tcp field read before it (in a statement too) keeps statements before it running', () => {
    const rs = `table ip t {\n\tchain p {\n\t\ttype filter hook prerouting priority 0; policy accept;\n\t\tmeta mark set 0x4000 tcp flags & (fin | rst) != 0 reject with tcp reset\n\t\tmeta mark set 0x1 meta mark set tcp dport map { 53 : 0x2 } reject with tcp reset\n\t}\n}\n`;
    const t = trace(rs, `${REMOTE} udp sport 1 udp dport 53`);
    // both rules break at their tcp field, after their first mark statement ran
    expect(t.steps.find((s) => s.kind === 'policy')?.packet?.['meta mark']).toBe('0x00000001');
  });

  it('iptables CONNMARK (xt_CONNMARK) does nothing without a conntrack entry, and the rule goes on', () => {
    const save = '*raw\n:PREROUTING ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n-A PREROUTING -j CONNMARK --restore-mark\n-A PREROUTING -j CONNMARK --set-xmark 0x2a/0xff\n-A PREROUTING -j MARK --set-mark 0x1\nCOMMIT\n';
    // raw runs before conntrack (-300 < -200): no entry; nft's `meta mark set ct mark` would end the rule
    const t = traceSave(save, `${REMOTE} tcp sport 1 tcp dport 22`);
    expect(pathOf(t)).toEqual(['PREROUTING#1 continue', 'PREROUTING#2 continue', 'PREROUTING#3 continue', 'PREROUTING policy accept']);
    // the same statements written in nft still break there
    const nftRs = `table ip t {\n\tchain p {\n\t\ttype filter hook prerouting priority -300; policy accept;\n\t\tmeta mark set ct mark\n\t}\n}\n`;
    expect(pathOf(trace(nftRs, `${REMOTE} tcp sport 1 tcp dport 22`))).toEqual(['p policy accept']);
  });

  it('iptables -m conntrack without an entry tests --ctstate only (xt_conntrack conntrack_mt)', () => {
    const save =
      '*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n' +
      '-A INPUT -m conntrack ! --ctstate SNAT\n-A INPUT -m conntrack --ctstate INVALID --ctdir REPLY\n-A INPUT -m conntrack ! --ctstatus CONFIRMED\n-A INPUT -m conntrack --ctstate NEW --ctstatus CONFIRMED\nCOMMIT\n';
    // SYN+ACK without a connection is invalid: no entry, so SNAT is never set, --ctdir is not read, and a rule
    // without --ctstate never matches
    expect(pathOf(traceSave(save, `${REMOTE} tcp sport 1 tcp dport 22 tcp flags syn,ack`))).toEqual(['INPUT#1 continue', 'INPUT#2 continue', 'INPUT policy accept']);
    // a SYN has a new, unconfirmed entry: everything is read
    expect(pathOf(traceSave(save, `${REMOTE} tcp sport 1 tcp dport 22 tcp flags syn`))).toEqual(['INPUT#1 continue', 'INPUT#3 continue', 'INPUT policy accept']);
  });

  it("a looped-back local packet's entry is confirmed from its first prerouting chain on", () => {
    const rs = `table ip t {\n\tchain p {\n\t\ttype filter hook prerouting priority -300; policy accept;\n\t\tct status confirmed counter\n\t}\n}\n`;
    expect(pathOf(trace(rs, 'local ip saddr 192.0.2.10 ip daddr 192.0.2.10 udp sport 1 udp dport 53'))).toEqual(['p#1 continue', 'p policy accept']);
    expect(pathOf(trace(rs, `${REMOTE} udp sport 1 udp dport 53`))).toEqual(['p policy accept']);
  });

  it('a remote packet to a multicast group is delivered only if the group was joined (224.0.0.1 always is)', () => {
    const rs = inputChain('\t\tcounter');
    expect(pathOf(trace(rs, 'iif "nso-h0" ip saddr 198.51.100.1 ip daddr 224.0.0.1 udp sport 1 udp dport 53'))).toEqual(['i#1 continue', 'i policy accept']);
    // unknown membership: the default run assumes not joined (routing drops it after prerouting)
    const t = trace(rs, 'iif "nso-h0" ip saddr 198.51.100.1 ip daddr 234.1.2.3 udp sport 1 udp dport 53');
    expect(pathOf(t)).toEqual([]);
    expect(t.fate.where).toBe('routing');
  });

  it('only 0.0.0.0 is a martian source: the rest of 0.0.0.0/8 is unicast since Linux 5.3', () => {
    const rs = inputChain('\t\tcounter');
    expect(pathOf(trace(rs, 'iif "nso-h0" ip saddr 0.149.235.130 ip daddr 198.51.100.2 udp sport 1 udp dport 53'))).toEqual(['i#1 continue', 'i policy accept']);
    const t = trace(rs, 'iif "nso-h0" ip saddr 0.0.0.0 ip daddr 198.51.100.2 udp sport 1 udp dport 53');
    expect(pathOf(t)).toEqual([]);
    expect(t.fate.where).toBe('routing');
  });

  it('iptables -m owner with every option negated matches a packet without a socket (xt_owner owner_mt)', () => {
    const save = '*mangle\n:PREROUTING ACCEPT [0:0]\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n:POSTROUTING ACCEPT [0:0]\n-A POSTROUTING -m owner ! --gid-owner 29457\n-A POSTROUTING -m owner --uid-owner 0 ! --gid-owner 5\n-A POSTROUTING -m owner ! --uid-owner 0\nCOMMIT\n';
    // received, then looped back: no socket; a negated option alone matches, a mixed pair does not
    const rs = parseIptables(save);
    const t = evaluate(rs.ruleset, parsePacket('iif "nso-h0" ip saddr 198.51.100.1 ip daddr 198.51.100.2 udp sport 1 udp dport 53').packet, { host: `${HOST} noforward` });
    expect(pathOf(t)).toEqual(['PREROUTING policy accept', 'INPUT policy accept']);
    // a local packet has its socket (uid 0, gid 29457): only the mixed pair matches
    expect(pathOf(traceSave(save, 'local meta skuid 0 meta skgid 29457 ip saddr 198.51.100.2 ip daddr 198.51.100.1 udp sport 1 udp dport 53'))).toEqual([
      'OUTPUT policy accept',
      'POSTROUTING#2 continue',
      'POSTROUTING policy accept',
    ]);
  });

  it('meta pkttype of a received frame comes from its destination MAC (eth_type_trans)', () => {
    const rs = inputChain('\t\tmeta pkttype != host counter');
    // an IP broadcast sent to the host's own MAC is PACKET_HOST
    expect(pathOf(trace(rs, 'iif "nso-h0" ether daddr 02:6e:66:6c:00:a0 ip saddr 198.51.100.1 ip daddr 198.51.100.255 icmp type echo-request'))).toEqual(['i policy accept']);
    expect(pathOf(trace(rs, 'iif "nso-h0" ether daddr ff:ff:ff:ff:ff:ff ip saddr 198.51.100.1 ip daddr 198.51.100.255 icmp type echo-request'))).toEqual(['i#1 continue', 'i policy accept']);
  });

  it('iptables TCPMSS (xt_TCPMSS) adds an MSS option to a SYN without one: 4 bytes longer', () => {
    const save =
      '*mangle\n:PREROUTING ACCEPT [0:0]\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n:POSTROUTING ACCEPT [0:0]\n' +
      '-A OUTPUT -p tcp -m tcp --tcp-flags SYN,RST SYN -j TCPMSS --clamp-mss-to-pmtu\n-A POSTROUTING -m length --length 44\nCOMMIT\n';
    const syn = 'local meta skuid 0 meta skgid 29457 ip saddr 198.51.100.2 ip daddr 198.51.100.1 ip length 40 tcp sport 1 tcp dport 53 tcp flags syn';
    expect(pathOf(traceSave(save, syn))).toEqual(['OUTPUT#1 continue', 'OUTPUT policy accept', 'POSTROUTING#1 continue', 'POSTROUTING policy accept']);
    // a SYN with data: no room, unchanged
    expect(pathOf(traceSave(save, syn.replace('ip length 40', 'ip length 44')))).toEqual(['OUTPUT#1 continue', 'OUTPUT policy accept', 'POSTROUTING#1 continue', 'POSTROUTING policy accept']);
    expect(pathOf(traceSave(save, syn.replace('ip length 40', 'ip length 48')))).toEqual(['OUTPUT#1 continue', 'OUTPUT policy accept', 'POSTROUTING policy accept']);
  });

  it('a TCP header of 5 words has no options: option matches break the rule, `missing` matches (nft_exthdr)', () => {
    const rs = inputChain(
      ['tcp option maxseg size != 536-65535 counter', 'tcp option maxseg size 1-500 counter', 'tcp option maxseg exists counter', 'tcp option maxseg missing counter', 'tcp option sack-perm missing counter']
        .map((r) => `\t\t${r}`)
        .join('\n'),
    );
    expect(pathOf(trace(rs, `${REMOTE} tcp sport 40000 tcp dport 80 tcp flags syn`))).toEqual(['i#4 continue', 'i#5 continue', 'i policy accept']);
    // no TCP header at all: `missing` still holds (the err path stores 0, and nft adds no tcp dependency)
    expect(pathOf(trace(rs, `${REMOTE} udp sport 40000 udp dport 53`))).toEqual(['i#4 continue', 'i#5 continue', 'i policy accept']);
  });

  it('the statements of a meter or set update run on the packet: a fresh element is under its limits, and a count holds the own connection', () => {
    const rs = `table ip t {\n\tset seen {\n\t\ttype ipv4_addr\n\t\tsize 65535\n\t\tflags dynamic\n\t}\n\tchain i {\n\t\ttype filter hook input priority 0; policy accept;
\t\ttcp dport 22 meter ssh size 65535 { ip saddr limit rate over 3/minute } counter drop
\t\ttcp dport 23 meter tel size 65535 { ip saddr limit rate 3/minute } counter drop
\t\ttcp dport 24 update @seen { ip saddr quota over 10 mbytes } counter drop
\t\ttcp dport 25 add @seen { ip saddr ct count over 0 } counter drop
\t\ttcp dport 26 add @seen { ip saddr counter } counter drop
\t\ttcp dport 27 ct count 0 counter drop\n\t}\n}\n`;
    const fate = (port: number) => trace(rs, `${REMOTE} tcp sport 40000 tcp dport ${port} tcp flags syn`).fate.verdict;
    // As the kernel did for each port, one packet per fresh ruleset.
    expect([22, 23, 24, 25, 26, 27].map(fate)).toEqual(['accept', 'drop', 'accept', 'drop', 'drop', 'accept']);
  });

  it("a connection's first packet is counted when conntrack makes its entry (accounting on, as a ct bytes rule turns it on); no VRF: meta sdif 0", () => {
    const rs = inputChain(['ct bytes > 0 counter', 'ct packets 1 counter', 'ct packets > 1 counter', 'ct original bytes 40 counter', 'ct reply packets 0 counter', 'ct avgpkt 0 counter', 'meta sdif 0 counter'].map((r) => `\t\t${r}`).join('\n'));
    expect(pathOf(trace(rs, `${REMOTE} ip length 40 tcp sport 40000 tcp dport 80 tcp flags syn`))).toEqual(['i#1 continue', 'i#2 continue', 'i#4 continue', 'i#5 continue', 'i#7 continue', 'i policy accept']);
    // An entry the user says exists has counts nflens cannot know: an assumption, not a guess.
    expect(trace(rs, `${REMOTE} tcp sport 40000 tcp dport 80 ct state established`).assumptions.length).toBeGreaterThan(0);
  });

  it('meta rtclassid is the route realm, 0 ("cosmos") once routed, and breaks the rule before the routing decision', () => {
    const rs = `table ip t {\n\tchain p {\n\t\ttype filter hook prerouting priority 0; policy accept;\n\t\tmeta rtclassid 0 counter\n\t}\n\tchain i {\n\t\ttype filter hook input priority 0; policy accept;\n\t\tmeta rtclassid "cosmos" counter\n\t\tmeta rtclassid 1 counter\n\t}\n}\n`;
    expect(pathOf(trace(rs, `${REMOTE} tcp sport 40000 tcp dport 80`))).toEqual(['p policy accept', 'i#1 continue', 'i policy accept']);
  });

  it("iptables' -m tcpmss (xt_tcpmss) returns its `!` when the SYN has no MSS option", () => {
    const save = '*mangle\n:PREROUTING ACCEPT [0:0]\n-A PREROUTING -p tcp -m tcpmss --mss 1:500 -j DROP\n-A PREROUTING -p tcp -m conntrack --ctstate NEW -m tcpmss ! --mss 536:65535 -j DROP\nCOMMIT\n';
    const syn = 'iif "nso-h0" ip saddr 198.51.100.1 ip daddr 198.51.100.2 tcp sport 40000 tcp dport 80 tcp flags syn';
    expect(pathOf(traceSave(save, syn))).toEqual(['PREROUTING#2 drop']);
  });
});

describe('IPv6 kernel rules learnt from the differential suite', () => {
  const HOST6 = `${HOST} nso-h0=2001:db8:1::2/64 nso-h1=2001:db8:2::1/64 route=2001:db8:1::/64@nso-h0 route=2001:db8:2::/64@nso-h1 forward`;
  const trace6 = (ruleset: string, packet: string) => {
    const rs = parseNft(ruleset);
    expect(rs.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const p = parsePacket(packet);
    expect(p.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    return evaluate(rs.ruleset, p.packet, { host: HOST6 });
  };

  it('a dnat of one family in an inet table does nothing to the other family: no verdict, the rule goes on (nft_nat_inet_eval)', () => {
    const rs = `table inet t {
	chain pre {
		type nat hook prerouting priority dstnat; policy accept;
		dnat ip to 203.0.113.2
		dnat ip6 to 2001:db8:2::2
	}
}
`;
    const v6 = trace6(rs, 'iif "nso-h0" ip6 saddr 2001:db8:1::1 ip6 daddr 2001:db8:1::2 tcp sport 1 tcp dport 22');
    expect(pathOf(v6)).toEqual(['pre#1 continue', 'pre#2 accept']);
    expect(v6.fate.kind).toBe('forwarded');
    const v4 = trace6(rs, 'iif "nso-h0" ip saddr 198.51.100.1 ip daddr 198.51.100.2 tcp sport 1 tcp dport 22');
    expect(pathOf(v4)).toEqual(['pre#1 accept']);
  });

  it('IPv6 packets with a loopback or multicast source, or to ::1, from another device never reach prerouting (ip6_rcv_core)', () => {
    const rs = `table ip6 t {
	chain pre {
		type filter hook prerouting priority 0; policy accept;
		counter
	}
}
`;
    for (const [s, d] of [['2001:db8:1::1', '::1'], ['::1', '2001:db8:1::2'], ['ff02::1', '2001:db8:1::2'], ['2001:db8:1::1', 'ff01::1']]) {
      const t = trace6(rs, `iif "nso-h0" ip6 saddr ${s} ip6 daddr ${d} udp sport 1 udp dport 53`);
      expect(pathOf(t)).toEqual([]);
      expect(t.fate).toMatchObject({ verdict: 'drop', where: 'routing' });
    }
    // the same packet from lo (a looped-back local one) is received
    expect(pathOf(trace6(rs, 'iif "lo" ip6 saddr ::1 ip6 daddr ::1 udp sport 1 udp dport 53'))).toEqual(['pre#1 continue', 'pre policy accept']);
  });

  it('an IPv6 source the host owns is not a martian: forwarded like any other (no fib_validate_source in IPv6)', () => {
    const rs = `table ip6 t {\n\tchain f {\n\t\ttype filter hook forward priority 0; policy accept;\n\t\tcounter\n\t}\n}\n`;
    const t = trace6(rs, 'iif "nso-h0" ip6 saddr 2001:db8:1::2 ip6 daddr 2001:db8:2::9 udp sport 1 udp dport 53');
    expect(pathOf(t)).toEqual(['f#1 continue', 'f policy accept']);
    expect(t.fate.kind).toBe('forwarded');
  });

  it('IPv6 masquerade picks its source like ipv6_dev_get_saddr: the destination itself, ::1 for ::1, else the output device', () => {
    const rs = `table ip6 t {\n\tchain o {\n\t\ttype nat hook output priority 0; policy accept;\n\t\tudp dport 8080 redirect\n\t}\n\tchain p {\n\t\ttype nat hook postrouting priority 100; policy accept;\n\t\tmasquerade\n\t}\n}\n`;
    const src = (daddr: string, dport = 53) => {
      const t = trace6(rs, `local ip6 saddr 2001:db8:ff::10 ip6 daddr ${daddr} udp sport 1 udp dport ${dport}`);
      return t.finalPacket?.['ip6 saddr'] ?? t.steps.filter((s) => s.kind === 'chain').map((s) => s.packet?.['ip6 saddr']).pop();
    };
    expect(src('2001:db8:1::2')).toBe('2001:db8:1::2'); // looped back to a local address: that address
    expect(src('2001:db8:1::1', 8080)).toBe('::1'); // redirected to ::1
    expect(src('2001:db8:2::9')).toBe('2001:db8:2::1'); // out nso-h1: its address
  });

  it('IPv6 fib: no oif for a local route or a failed lookup, and an unroutable address is of type unreachable (nft_fib6_eval)', () => {
    const rs = `table ip6 t {\n\tchain pre {\n\t\ttype filter hook prerouting priority 0; policy accept;\n\t\tfib daddr oif missing counter\n\t\tfib daddr type unreachable counter\n\t\tfib saddr . iif oif missing counter\n\t}\n}\n`;
    const at = (s: string, d: string) => pathOf(trace6(rs, `iif "nso-h0" ip6 saddr ${s} ip6 daddr ${d} udp sport 1 udp dport 53`));
    expect(at('2001:db8:1::1', '2001:db8:1::2')).toEqual(['pre#1 continue', 'pre policy accept']); // local: no oif
    expect(at('2001:db8:1::1', '2001:db8:9::1')).toEqual(['pre#1 continue', 'pre#2 continue', 'pre policy accept']); // no route
    expect(at('2001:db8:1::1', '2001:db8:2::9')).toEqual(['pre policy accept']); // routed out nso-h1
    expect(at('2001:db8:1::2', '2001:db8:2::9')).toEqual(['pre#3 continue', 'pre policy accept']); // own source: local route
  });

  it('`dnat ip to` alone enables IPv4 conntrack only: in an inet table the nat chain never runs for IPv6 packets (nft_nat_init)', () => {
    const rs = `table inet t {\n\tchain o {\n\t\ttype nat hook output priority 50; policy accept;\n\t\tdnat ip to 192.0.2.10\n\t}\n}\n`;
    expect(pathOf(trace6(rs, 'local ip6 saddr 2001:db8:1::2 ip6 daddr 2001:db8:2::2 tcp sport 1 tcp dport 443'))).toEqual([]);
    expect(pathOf(trace6(rs, 'local ip saddr 198.51.100.2 ip daddr 203.0.113.2 tcp sport 1 tcp dport 443'))).toEqual(['o#1 accept']);
    const both = rs.replace('dnat ip to 192.0.2.10', 'dnat ip to 192.0.2.10\n\t\tct state new counter');
    expect(pathOf(trace6(both, 'local ip6 saddr 2001:db8:1::2 ip6 daddr 2001:db8:2::2 tcp sport 1 tcp dport 443'))).toEqual(['o#1 continue', 'o#2 continue', 'o policy accept']);
  });

  it('IPv6 redirect in prerouting needs an input-device address of the destination\'s scope, else drops (nf_nat_redirect_ipv6)', () => {
    const rs = `table ip6 t {\n\tchain p {\n\t\ttype nat hook prerouting priority -100; policy accept;\n\t\tredirect\n\t}\n}\n`;
    const at = (d: string) => trace6(rs, `iif "nso-h0" ip6 saddr 2001:db8:1::1 ip6 daddr ${d} udp sport 1 udp dport 53`);
    expect(pathOf(at('::7:3f05'))).toEqual(['p#1 drop']); // IPv4-compatible: no such address on nso-h0
    expect(pathOf(at('2001:db8:2::9'))).toEqual(['p#1 accept']);
    expect(at('2001:db8:2::9').fate.kind).toBe('delivered');
  });

  it('ip6tables addrtype is xt_addrtype: a local address is UNICAST too, and bound to lo a routed address is UNREACHABLE', () => {
    const save = (opts: string) => `# Generated by ip6tables-nft-save v1.8.9 (nf_tables)\n*mangle\n:POSTROUTING ACCEPT [0:0]\n-A POSTROUTING -m addrtype ${opts} -j ACCEPT\nCOMMIT\n`;
    const run = (opts: string, packet: string) => {
      const rs = parseIptables(save(opts));
      expect(rs.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
      return pathOf(evaluate(rs.ruleset, parsePacket(packet).packet, { host: HOST6 }));
    };
    const loc = 'local ip6 saddr 2001:db8:1::2 ip6 daddr 2001:db8:1::1 udp sport 1 udp dport 53';
    expect(run('--src-type UNICAST', loc)).toEqual(['POSTROUTING#1 accept']);
    expect(run('--src-type LOCAL', loc)).toEqual(['POSTROUTING#1 accept']);
    expect(run('--dst-type MULTICAST', loc)).toEqual(['POSTROUTING policy accept']);
    const toSelf = 'local ip6 saddr 2001:db8:ff::10 ip6 daddr 2001:db8:1::2 udp sport 1 udp dport 53';
    expect(run('--dst-type UNREACHABLE --limit-iface-out', toSelf)).toEqual(['POSTROUTING#1 accept']);
    expect(run('--dst-type UNREACHABLE', toSelf)).toEqual(['POSTROUTING policy accept']);
  });
});
