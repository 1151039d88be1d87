// synproxy / SYNPROXY against what the kernel did (nft 1.0.6 and iptables-nft 1.8.9, Linux 6.18, in the oracle's
// namespaces): nft takes any SYN, xt_SYNPROXY only a bare one; an ACK without a cookie is dropped; others go on.
import { describe, expect, it } from 'vitest';
import { parseIptables, parseNft } from '../parse/index.ts';
import { evaluate } from './evaluate.ts';
import { parsePacket } from './packetParse.ts';
import { synproxyOutcome } from './synproxy.ts';

const NFT = `table ip t {
\tchain raw {
\t\ttype filter hook prerouting priority -300; policy accept;
\t\ttcp dport 80 notrack
\t}
\tchain in {
\t\ttype filter hook input priority 0; policy accept;
\t\ttcp dport 80 ct state invalid,untracked synproxy mss 1460 wscale 7 timestamp sack-perm
\t\ttcp dport 80 counter accept
\t}
}
`;
const SAVE = `*raw
:PREROUTING ACCEPT [0:0]
-A PREROUTING -p tcp --dport 80 -j CT --notrack
COMMIT
*filter
:INPUT ACCEPT [0:0]
-A INPUT -p tcp --dport 80 -m state --state INVALID,UNTRACKED -j SYNPROXY --sack-perm --timestamp --wscale 7 --mss 1460
-A INPUT -p tcp --dport 80 -j ACCEPT
COMMIT
`;

function fateOf(ruleset: ReturnType<typeof parseNft>, flags: string) {
  expect(ruleset.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  const packet = parsePacket(`iif eth0 ip saddr 198.51.100.1 ip daddr 198.51.100.2 tcp sport 40000 tcp dport 80 tcp flags ${flags}`).packet;
  const { fate } = evaluate(ruleset.ruleset, packet, { host: 'eth0=198.51.100.2/24' });
  return `${fate.verdict}${fate.kind ? ` ${fate.kind}` : ''}`;
}

describe('synproxy', () => {
  it('takes a SYN (the host answers with a cookie SYN-ACK), drops an ACK with no cookie, lets a RST go on (nft)', () => {
    const rs = parseNft(NFT);
    expect(fateOf(rs, 'syn')).toBe('none stolen');
    expect(fateOf(rs, 'syn,ack')).toBe('none stolen');
    expect(fateOf(rs, 'ack')).toMatch(/^drop/);
    expect(fateOf(rs, 'fin,ack')).toMatch(/^drop/);
    expect(fateOf(rs, 'rst')).toMatch(/^accept/);
  });

  it('the iptables target (xt_SYNPROXY) takes only a bare SYN and looks at an ACK only without SYN/FIN/RST', () => {
    const rs = parseIptables(SAVE);
    expect(fateOf(rs, 'syn')).toBe('none stolen');
    expect(fateOf(rs, 'syn,ack')).toMatch(/^accept/);
    expect(fateOf(rs, 'ack')).toMatch(/^drop/);
    expect(fateOf(rs, 'fin,ack')).toMatch(/^accept/);
  });

  it('decides from the tcp flags alone', () => {
    expect(synproxyOutcome(undefined, false)).toBe('not-tcp');
    expect(synproxyOutcome(0x02n, true)).toBe('syn-stolen');
    expect(synproxyOutcome(0x12n, false)).toBe('syn-stolen');
    expect(synproxyOutcome(0x12n, true)).toBe('continue');
    expect(synproxyOutcome(0x10n, true)).toBe('ack-cookie');
    expect(synproxyOutcome(0x04n, false)).toBe('continue');
  });
});
