// Test fixture: kube-proxy's nftables-mode ruleset (table ip kube-proxy), reduced from the corpus dump
// generated/nft/gen__kube-proxy__…TestOverallNFTablesRules-expected.loaded.handles.nft, built in IR.
import type { Ruleset } from '../../model/ir.ts';
import * as b from './build.ts';

const svcKey = ['ipv4_addr', 'inet_proto', 'inet_service'];
const daddrProtoPort = () => b.cat(b.pl('ip', 'daddr'), b.meta('l4proto'), b.pl('th', 'dport'));

function endpoint(name: string, ip: string, port: number) {
  return b.chain(name, b.rule(b.m(b.pl('ip', 'saddr'), ip), b.jump('mark-for-masquerade')), b.rule(b.m(b.meta('l4proto'), 'tcp'), b.dnat(ip, port)));
}

export function kubeProxyNft(): Ruleset {
  const t = b.table(
    'ip',
    'kube-proxy',
    [
      b.chain('cluster-ips-check', b.rule(b.m(b.pl('ip', 'daddr'), b.ref('cluster-ips')), b.reject), b.rule(b.m(b.pl('ip', 'daddr'), b.prefix('172.30.0.0', 16)), b.drop)),
      b.base('filter-prerouting-pre-dnat', 'filter', 'prerouting', -110, 'accept', b.rule(b.m(b.ct('state'), 'new', 'in'), b.jump('firewall-check'))),
      b.base('filter-forward', 'filter', 'forward', 0, 'accept', b.rule(b.m(b.ct('state'), 'new', 'in'), b.jump('service-endpoints-check')), b.rule(b.m(b.ct('state'), 'new', 'in'), b.jump('cluster-ips-check'))),
      b.base('filter-input', 'filter', 'input', 0, 'accept', b.rule(b.m(b.ct('state'), 'new', 'in'), b.jump('service-endpoints-check'))),
      b.base('filter-output', 'filter', 'output', 0, 'accept', b.rule(b.m(b.ct('state'), 'new', 'in'), b.jump('service-endpoints-check')), b.rule(b.m(b.ct('state'), 'new', 'in'), b.jump('cluster-ips-check'))),
      b.chain('firewall-check', b.rule(b.vmap(daddrProtoPort(), b.ref('firewall-ips')))),
      b.chain('mark-for-masquerade', b.rule(b.mangle(b.meta('mark'), b.binop('|', b.meta('mark'), 0x4000)))),
      b.chain(
        'masquerading',
        b.rule(b.m(b.binop('&', b.meta('mark'), 0x4000), 0), b.ret),
        b.rule(b.mangle(b.meta('mark'), b.binop('^', b.meta('mark'), 0x4000))),
        b.rule(b.masquerade),
      ),
      b.base('nat-output', 'nat', 'output', -100, 'accept', b.rule(b.jump('services'))),
      b.base('nat-postrouting', 'nat', 'postrouting', 100, 'accept', b.rule(b.jump('masquerading'))),
      b.base('nat-prerouting', 'nat', 'prerouting', -100, 'accept', b.rule(b.jump('services'))),
      b.chain('services', b.rule(b.vmap(daddrProtoPort(), b.ref('service-ips'))), b.rule(b.m(b.pl('ip', 'daddr'), b.ref('nodeport-ips')), b.vmap(b.cat(b.meta('l4proto'), b.pl('th', 'dport')), b.ref('service-nodeports')))),
      b.chain('service-endpoints-check', b.rule(b.vmap(daddrProtoPort(), b.ref('no-endpoint-services')))),
      b.chain('reject-chain', b.rule(b.reject)),
      b.chain(
        'service-ULMVA6XW-ns1/svc1/tcp/p80',
        b.rule(b.m(b.pl('ip', 'daddr'), '172.30.0.41'), b.m(b.pl('ip', 'saddr'), b.prefix('10.0.0.0', 8), '!='), b.jump('mark-for-masquerade')),
        b.rule(b.vmap(b.numgen('random', 1), b.set(b.mapping(0, b.vGoto('endpoint-5OJB2KTY-ns1/svc1/tcp/p80__10.180.0.1/80'))))),
      ),
      endpoint('endpoint-5OJB2KTY-ns1/svc1/tcp/p80__10.180.0.1/80', '10.180.0.1', 80),
      b.chain(
        'service-LAUZTJTB-ns4/svc4/tcp/p80',
        b.rule(b.m(b.pl('ip', 'daddr'), '172.30.0.44'), b.m(b.pl('ip', 'saddr'), b.prefix('10.0.0.0', 8), '!='), b.jump('mark-for-masquerade')),
        b.rule(
          b.vmap(
            b.numgen('random', 2),
            b.set(b.mapping(0, b.vGoto('endpoint-UNZV3OEC-ns4/svc4/tcp/p80__10.180.0.4/80')), b.mapping(1, b.vGoto('endpoint-5RFCDDV7-ns4/svc4/tcp/p80__10.180.0.5/80'))),
          ),
        ),
      ),
      endpoint('endpoint-5RFCDDV7-ns4/svc4/tcp/p80__10.180.0.5/80', '10.180.0.5', 80),
      endpoint('endpoint-UNZV3OEC-ns4/svc4/tcp/p80__10.180.0.4/80', '10.180.0.4', 80),
      b.chain('external-4AT6LBPK-ns3/svc3/tcp/p80', b.rule(b.jump('mark-for-masquerade')), b.rule(b.goto('service-ULMVA6XW-ns1/svc1/tcp/p80'))),
    ],
    [
      b.namedSet('cluster-ips', ['ipv4_addr'], ['172.30.0.41', '172.30.0.44', '172.30.0.46']),
      b.namedSet('nodeport-ips', ['ipv4_addr'], ['192.168.0.2']),
      b.namedSet('firewall-ips', svcKey, [], { kind: 'map', data: ['verdict'] }),
      b.namedSet('no-endpoint-services', svcKey, [b.mapping(b.cat('172.30.0.46', 'tcp', 80), b.vGoto('reject-chain'))], { kind: 'map', data: ['verdict'] }),
      b.namedSet(
        'service-ips',
        svcKey,
        [b.mapping(b.cat('172.30.0.41', 'tcp', 80), b.vGoto('service-ULMVA6XW-ns1/svc1/tcp/p80')), b.mapping(b.cat('172.30.0.44', 'tcp', 80), b.vGoto('service-LAUZTJTB-ns4/svc4/tcp/p80'))],
        { kind: 'map', data: ['verdict'] },
      ),
      b.namedSet('service-nodeports', ['inet_proto', 'inet_service'], [b.mapping(b.cat('tcp', 3003), b.vGoto('external-4AT6LBPK-ns3/svc3/tcp/p80'))], { kind: 'map', data: ['verdict'] }),
    ],
  );
  return b.ruleset([t]);
}
