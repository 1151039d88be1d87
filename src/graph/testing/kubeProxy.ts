// Test support: kube-proxy shaped rulesets (nftables mode `table ip kube-proxy`, iptables mode nat table)
// as text plus IR, for any number of Services, with the chain names, maps and rule shapes kube-proxy
// writes (scripts/kubeproxy/ generates the same shapes as real dumps). Pure; imports the model and irText.
import type { Table } from '../../model/ir.ts';
import {
  IptablesText,
  NftText,
  concat,
  dnat,
  drop,
  jump,
  masquerade,
  match,
  meta,
  numgen,
  payload,
  prefix,
  ret,
  setref,
  v,
  vmapInline,
  vmapRef,
  xtMatchSet,
} from './irText.ts';

export interface KpEndpoint {
  readonly ip: string;
  readonly port: number;
}

export interface KpService {
  readonly namespace: string;
  readonly name: string;
  readonly portName: string;
  readonly proto: 'tcp' | 'udp';
  readonly clusterIP: string;
  readonly port: number;
  readonly endpoints: readonly KpEndpoint[];
}

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** A deterministic stand-in for kube-proxy's hashed chain-name parts (base32 of a string's FNV-1a hash). */
export function fakeHash(text: string, chars: number): string {
  let h = 0x811c9dc5;
  let out = '';
  for (let round = 0; out.length < chars; round++) {
    for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
    h = Math.imul(h ^ round, 0x01000193) >>> 0;
    let x = h;
    for (let k = 0; k < 6 && out.length < chars; k++) {
      out += BASE32[x & 31];
      x >>>= 5;
    }
  }
  return out;
}

export function servicePortName(s: KpService): string {
  return `${s.namespace}/${s.name}/${s.proto}/${s.portName}`;
}

export function nftServiceChain(s: KpService): string {
  return `service-${fakeHash(servicePortName(s), 8)}-${servicePortName(s)}`;
}

export function nftEndpointChain(s: KpService, e: KpEndpoint): string {
  return `endpoint-${fakeHash(`${servicePortName(s)}${e.ip}:${e.port}`, 8)}-${servicePortName(s)}__${e.ip}/${e.port}`;
}

export function iptSvcChain(s: KpService): string {
  return `KUBE-SVC-${fakeHash(servicePortName(s), 16)}`;
}

export function iptSepChain(s: KpService, e: KpEndpoint): string {
  return `KUBE-SEP-${fakeHash(`${servicePortName(s)}${e.ip}:${e.port}`, 16)}`;
}

/** kube-dns and the API server, as in every cluster. */
export const WELL_KNOWN_SERVICES: readonly KpService[] = [
  { namespace: 'default', name: 'kubernetes', portName: 'https', proto: 'tcp', clusterIP: '10.96.0.1', port: 443, endpoints: [{ ip: '172.18.0.2', port: 6443 }, { ip: '172.18.0.3', port: 6443 }] },
  { namespace: 'kube-system', name: 'kube-dns', portName: 'dns', proto: 'udp', clusterIP: '10.96.0.10', port: 53, endpoints: [{ ip: '10.244.1.79', port: 53 }, { ip: '10.244.2.246', port: 53 }] },
  { namespace: 'kube-system', name: 'kube-dns', portName: 'dns-tcp', proto: 'tcp', clusterIP: '10.96.0.10', port: 53, endpoints: [{ ip: '10.244.1.79', port: 53 }, { ip: '10.244.2.246', port: 53 }] },
];

/** `count` more Services with `endpoints` endpoints each, ClusterIPs in 10.96.0.0/12, pods in 10.244/16. */
export function generatedServices(count: number, endpoints: number): KpService[] {
  const out: KpService[] = [...WELL_KNOWN_SERVICES];
  for (let i = 0; i < count; i++) {
    const j = i + 256; // from 10.96.1.0: clear of the well-known 10.96.0.1 and 10.96.0.10
    const ip = `10.${96 + ((j >> 16) & 15)}.${(j >> 8) & 255}.${j & 255}`;
    out.push({
      namespace: `ns-${i % 50}`,
      name: `svc-${i}`,
      portName: i % 7 === 0 ? 'dns' : 'http',
      proto: i % 7 === 0 ? 'udp' : 'tcp',
      clusterIP: ip,
      port: i % 7 === 0 ? 53 : 80,
      endpoints: Array.from({ length: endpoints }, (_, k) => ({ ip: `10.244.${(i + k) % 200}.${(i * 7 + k) % 250 + 2}`, port: 8080 })),
    });
  }
  return out;
}

/** `table ip kube-proxy` of kube-proxy's nftables mode (pkg/proxy/nftables/proxier.go), 1.31+ shapes. */
export function kubeProxyNft(services: readonly KpService[], out = new NftText()): { text: string; table: Table; nft: NftText } {
  const key = (s: KpService): string => `${s.clusterIP} . ${s.proto} . ${s.port}`;
  const daddrProtoPort = concat(payload('ip', 'daddr'), meta('l4proto'), payload('th', 'dport'));
  const table = out.table('ip', 'kube-proxy', (t) => {
    t.set('cluster-ips', { type: ['ipv4_addr'], elements: [...new Set(services.map((s) => s.clusterIP))].map((ip) => [ip, v(ip)] as const) });
    t.set('no-endpoint-services', { kind: 'map', type: ['ipv4_addr', 'inet_proto', 'inet_service'], data: ['verdict'] });
    t.set('service-ips', {
      kind: 'map',
      type: ['ipv4_addr', 'inet_proto', 'inet_service'],
      data: ['verdict'],
      elements: services.map((s) => [
        `${key(s)} : goto ${nftServiceChain(s)}`,
        { kind: 'mapping', key: concat(v(s.clusterIP), v(s.proto), v(s.port)), data: { kind: 'verdict', verdict: { kind: 'goto', target: nftServiceChain(s) } } },
      ] as const),
    });
    t.chain('filter-prerouting', { hook: 'prerouting', priority: -110, priorityText: 'dstnat - 10' }, [['ct state new jump firewall-check', [match({ kind: 'ct', key: 'state' }, v('new'), 'in'), jump('firewall-check')]]]);
    t.chain('filter-input', { hook: 'input', priority: -110 }, [['ct state new jump service-endpoints-check', [match({ kind: 'ct', key: 'state' }, v('new'), 'in'), jump('service-endpoints-check')]]]);
    t.chain('filter-output', { hook: 'output', priority: -110 }, [['ct state new jump service-endpoints-check', [match({ kind: 'ct', key: 'state' }, v('new'), 'in'), jump('service-endpoints-check')]]]);
    t.chain('filter-output-post-dnat', { hook: 'output', priority: -90 }, [['ct state new jump cluster-ips-check', [match({ kind: 'ct', key: 'state' }, v('new'), 'in'), jump('cluster-ips-check')]]]);
    t.chain('nat-prerouting', { type: 'nat', hook: 'prerouting', priority: -100, priorityText: 'dstnat' }, [['jump services', [jump('services')]]]);
    t.chain('nat-output', { type: 'nat', hook: 'output', priority: -100 }, [['jump services', [jump('services')]]]);
    t.chain('nat-postrouting', { type: 'nat', hook: 'postrouting', priority: 100, priorityText: 'srcnat' }, [['jump masquerading', [jump('masquerading')]]]);
    t.chain('service-endpoints-check', undefined, [['ip daddr . meta l4proto . th dport vmap @no-endpoint-services', [vmapRef(daddrProtoPort, 'no-endpoint-services')]]]);
    t.chain('firewall-check', undefined, []);
    t.chain('services', undefined, [['ip daddr . meta l4proto . th dport vmap @service-ips', [vmapRef(daddrProtoPort, 'service-ips')]]]);
    t.chain('masquerading', undefined, [
      ['meta mark & 0x00004000 == 0x00000000 return', [match({ kind: 'binop', op: '&', left: meta('mark'), right: v(0x4000) }, v(0)), ret]],
      ['masquerade fully-random', [masquerade]],
    ]);
    t.chain('cluster-ips-check', undefined, [
      ['ip daddr @cluster-ips reject', [match(payload('ip', 'daddr'), setref('cluster-ips')), { kind: 'reject' }]],
      ['ip daddr 10.96.0.0/12 drop', [match(payload('ip', 'daddr'), prefix('10.96.0.0', 12)), drop]],
    ]);
    t.chain('mark-for-masquerade', undefined, [['meta mark set meta mark | 0x00004000', [{ kind: 'mangle', key: meta('mark'), value: { kind: 'binop', op: '|', left: meta('mark'), right: v(0x4000) } }]]]);
    for (const s of services) {
      for (const e of s.endpoints) {
        t.chain(nftEndpointChain(s, e), undefined, [
          [`ip saddr ${e.ip} jump mark-for-masquerade`, [match(payload('ip', 'saddr'), v(e.ip)), jump('mark-for-masquerade')]],
          [`meta l4proto ${s.proto} dnat to ${e.ip}:${e.port}`, [match(meta('l4proto'), v(s.proto)), dnat(e.ip, e.port)]],
        ]);
      }
      const branches = s.endpoints.map((e, i) => [v(i), { kind: 'goto', target: nftEndpointChain(s, e) }] as [ReturnType<typeof v>, { kind: 'goto'; target: string }]);
      t.chain(nftServiceChain(s), undefined, [
        [`ip daddr ${s.clusterIP} ${s.proto} dport ${s.port} ip saddr != 10.244.0.0/16 jump mark-for-masquerade`, [match(payload('ip', 'daddr'), v(s.clusterIP)), match(payload(s.proto, 'dport'), v(s.port)), match(payload('ip', 'saddr'), prefix('10.244.0.0', 16), '!='), jump('mark-for-masquerade')]],
        [`numgen random mod ${s.endpoints.length} vmap { ${s.endpoints.map((e, i) => `${i} : goto ${nftEndpointChain(s, e)}`).join(', ')} }`, [vmapInline(numgen(s.endpoints.length), branches)]],
      ]);
    }
  });
  return { text: out.text, table, nft: out };
}

/** The nat table of kube-proxy's iptables mode (pkg/proxy/iptables/proxier.go), as iptables-save text. */
export function kubeProxyIptablesNat(services: readonly KpService[], out = new IptablesText(), origin: 'iptables-legacy' | 'iptables-nft' = 'iptables-nft'): { text: string; table: Table } {
  const chains = [
    { name: 'PREROUTING', policy: 'ACCEPT' as const },
    { name: 'INPUT', policy: 'ACCEPT' as const },
    { name: 'OUTPUT', policy: 'ACCEPT' as const },
    { name: 'POSTROUTING', policy: 'ACCEPT' as const },
    { name: 'KUBE-MARK-MASQ' },
    { name: 'KUBE-POSTROUTING' },
    { name: 'KUBE-SERVICES' },
    ...services.flatMap((s) => [{ name: iptSvcChain(s) }, ...s.endpoints.map((e) => ({ name: iptSepChain(s, e) }))]),
  ];
  const rules: [string, string, ReturnType<typeof jump>[]][] = [
    ['PREROUTING', '-m comment --comment "kubernetes service portals" -j KUBE-SERVICES', [jump('KUBE-SERVICES')]],
    ['OUTPUT', '-m comment --comment "kubernetes service portals" -j KUBE-SERVICES', [jump('KUBE-SERVICES')]],
    ['POSTROUTING', '-m comment --comment "kubernetes postrouting rules" -j KUBE-POSTROUTING', [jump('KUBE-POSTROUTING')]],
    ['KUBE-MARK-MASQ', '-j MARK --set-xmark 0x4000/0x4000', [{ kind: 'mangle', key: meta('mark'), value: v(0x4000) }]],
    ['KUBE-POSTROUTING', '-j MASQUERADE --random-fully', [masquerade]],
  ];
  for (const s of services) {
    rules.push(['KUBE-SERVICES', `-d ${s.clusterIP}/32 -p ${s.proto} -m ${s.proto} --dport ${s.port} -j ${iptSvcChain(s)}`, [match(payload('ip', 'daddr'), v(s.clusterIP)), match(payload(s.proto, 'dport'), v(s.port)), jump(iptSvcChain(s))]]);
    s.endpoints.forEach((e, i) => {
      const n = s.endpoints.length - i;
      const stat = n > 1 ? `-m statistic --mode random --probability ${(1 / n).toFixed(11)} ` : '';
      rules.push([iptSvcChain(s), `${stat}-j ${iptSepChain(s, e)}`, [jump(iptSepChain(s, e))]]);
      rules.push([iptSepChain(s, e), `-s ${e.ip}/32 -j KUBE-MARK-MASQ`, [match(payload('ip', 'saddr'), v(e.ip)), jump('KUBE-MARK-MASQ')]]);
      rules.push([iptSepChain(s, e), `-p ${s.proto} -m ${s.proto} -j DNAT --to-destination ${e.ip}:${e.port}`, [dnat(e.ip, e.port)]]);
    });
  }
  const table = out.table('nat', chains, rules, { origin });
  return { text: out.text, table };
}

/** kube-proxy IPVS mode's filter rule that matches ClusterIPs through an ipset. */
export function ipvsModeFilter(out = new IptablesText()): { text: string; table: Table } {
  const table = out.table(
    'filter',
    [{ name: 'INPUT', policy: 'ACCEPT' }, { name: 'FORWARD', policy: 'DROP' }, { name: 'OUTPUT', policy: 'ACCEPT' }, { name: 'KUBE-FORWARD' }],
    [
      ['FORWARD', '-j KUBE-FORWARD', [jump('KUBE-FORWARD')]],
      ['KUBE-FORWARD', '-m set --match-set KUBE-CLUSTER-IP dst,dst -j ACCEPT', [xtMatchSet('KUBE-CLUSTER-IP', 'dst,dst'), { kind: 'verdict', verdict: { kind: 'accept' } }]],
    ],
    { origin: 'iptables-legacy' },
  );
  return { text: out.text, table };
}

