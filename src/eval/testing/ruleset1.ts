// The kernel-oracle demo ruleset (../shared/oracle/ruleset1.nft) built in IR with its real handles
// (ruleset1.handles.txt), so tests can compare with the kernel's recorded traces (trace1.raw).
import type { Ruleset } from '../../model/ir.ts';
import * as b from './build.ts';

const withHandle = <T extends object>(x: T, handle: number): T & { handle: number } => ({ ...x, handle });

export function ruleset1(): Ruleset {
  const t = b.table('inet', 't', [
    withHandle(b.base('trace_pre', 'filter', 'prerouting', -301, 'accept', withHandle(b.rule(b.mangle(b.meta('nftrace'), 1)), 7)), 1),
    withHandle(b.base('nat_pre', 'nat', 'prerouting', -100, 'accept', withHandle(b.rule(b.m(b.pl('ip', 'daddr'), '198.51.100.2'), b.m(b.pl('tcp', 'dport'), 8080), b.dnat('192.0.2.10', 80, 'ip')), 8)), 2),
    withHandle(
      b.base(
        'input',
        'filter',
        'input',
        0,
        'drop',
        withHandle(b.rule(b.m(b.meta('iif'), 'lo'), b.accept), 9),
        withHandle(b.rule(b.m(b.ct('state'), b.list('established', 'related'), 'in'), b.accept), 10),
        withHandle(b.rule(b.m(b.pl('ip', 'saddr'), b.ref('allowed_src')), b.jump('from_client')), 11),
      ),
      3,
    ),
    withHandle(
      b.chain(
        'from_client',
        withHandle(b.rule(b.vmap(b.cat(b.pl('ip', 'daddr'), b.pl('tcp', 'dport')), b.set(b.mapping(b.cat('198.51.100.2', 22), b.vAccept), b.mapping(b.cat('198.51.100.2', 23), b.vDrop), b.mapping(b.cat('192.0.2.10', 80), b.vJump('web'))))), 13),
        withHandle(b.rule(b.m(b.pl('udp', 'dport'), 53), b.accept), 14),
        withHandle(b.rule(b.m(b.pl('icmp', 'type'), 'echo-request'), b.counter, b.accept), 15),
      ),
      4,
    ),
    withHandle(b.chain('web', withHandle(b.rule(b.m(b.binop('&', b.pl('tcp', 'flags'), b.list('syn', 'ack')), 'syn'), b.counter, b.accept), 16)), 5),
  ], [b.namedSet('allowed_src', ['ipv4_addr'], ['198.51.100.1', '198.51.100.77'])]);
  return b.ruleset([t]);
}
