import { describe, expect, it } from 'vitest';
import { parseIpset } from '../parse/ipset/index.ts';
import { parseIpvs } from '../parse/ipvs/index.ts';
import { buildGraph } from './buildGraph.ts';
import { chainId, setId } from './ids.ts';
import { parseAddr, searchGraph } from './search.ts';
import { parsedSource, workspaceOf } from './testing/irText.ts';
import { type KpService, WELL_KNOWN_SERVICES, generatedServices, iptSvcChain, kubeProxyIptablesNat, kubeProxyNft, nftServiceChain } from './testing/kubeProxy.ts';

const dnsUdp = WELL_KNOWN_SERVICES[1] as KpService;
const dnsTcp = WELL_KNOWN_SERVICES[2] as KpService;

describe('searchGraph', () => {
  const services = generatedServices(600, 2);
  const kp = kubeProxyNft(services);
  const ipt = kubeProxyIptablesNat(services);
  const ipvsText = 'IP Virtual Server version 1.2.1 (size=4096)\nProt LocalAddress:Port Scheduler Flags\n  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\nUDP  10.96.0.10:53 rr\n  -> 10.244.1.79:53                Masq    1      0          0\n';
  const ipsetText = 'create KUBE-CLUSTER-IP hash:ip,port family inet hashsize 1024 maxelem 65536\nadd KUBE-CLUSTER-IP 10.96.0.10,udp:53\n';
  const ws = workspaceOf(
    parsedSource('nft', 'nft', kp.text, [kp.table]),
    parsedSource('ipt', 'iptables', ipt.text, [ipt.table]),
    parsedSource('ipvs', 'ipvs', ipvsText, [], parseIpvs(ipvsText).ruleset.ipvs),
    parsedSource('sets', 'ipset', ipsetText, parseIpset(ipsetText).ruleset.tables),
  );
  const model = buildGraph(ws);

  it('finds the chains that handle a ClusterIP in every mode, and how to reveal them', () => {
    const hits = searchGraph(model, ws, '10.96.0.10');
    const ids = hits.map((h) => h.nodeId);
    // nftables mode: the map element, and the service chains it sends to (also matched by their own rule).
    expect(ids).toContain(setId('nft', 'ip', 'kube-proxy', 'service-ips'));
    expect(ids).toContain(chainId('nft', 'ip', 'kube-proxy', nftServiceChain(dnsUdp)));
    expect(ids).toContain(chainId('nft', 'ip', 'kube-proxy', nftServiceChain(dnsTcp)));
    // iptables mode: KUBE-SERVICES' rule, and the KUBE-SVC chain it jumps to.
    expect(ids).toContain(chainId('ipt', 'ip', 'nat', 'KUBE-SERVICES'));
    const svc = hits.find((h) => h.nodeId === chainId('ipt', 'ip', 'nat', iptSvcChain(dnsUdp)));
    expect(svc?.reason).toBe('target');
    // IPVS and ipset.
    expect(hits.some((h) => h.reason === 'ipvs' && h.text === 'UDP 10.96.0.10:53')).toBe(true);
    expect(ids).toContain(setId('sets', 'ip', 'ipset', 'KUBE-CLUSTER-IP'));
    // A helper chain that every service jumps to is not "the chain that handles it".
    expect(ids).not.toContain(chainId('nft', 'ip', 'kube-proxy', 'mark-for-masquerade'));
    expect(ids).not.toContain(chainId('ipt', 'ip', 'nat', 'KUBE-MARK-MASQ'));

    // The service chain is folded into an aggregate: the hit says which, and expanding reveals it.
    const nftSvc = hits.find((h) => h.nodeId === chainId('nft', 'ip', 'kube-proxy', nftServiceChain(dnsUdp)))!;
    expect(nftSvc.visibleId).not.toBe(nftSvc.nodeId);
    expect(model.nodes.some((n) => n.id === nftSvc.visibleId && n.kind === 'aggregate')).toBe(true);
    expect(nftSvc.expand[0]).toBe(nftSvc.visibleId);
    const revealed = buildGraph(ws, { expanded: nftSvc.expand });
    expect(revealed.nodes.some((n) => n.id === nftSvc.nodeId)).toBe(true);
    expect(searchGraph(revealed, ws, '10.96.0.10').find((h) => h.nodeId === nftSvc.nodeId)).toMatchObject({ visibleId: nftSvc.nodeId, expand: [] });
  });

  it('ranks exact values above containing prefixes, and narrows with more terms', () => {
    const hits = searchGraph(model, ws, '10.96.0.10');
    const drop = hits.find((h) => h.nodeId === chainId('nft', 'ip', 'kube-proxy', 'cluster-ips-check'));
    expect(drop?.score).toBeLessThan(hits[0]?.score ?? 0);
    // `10.96.0.10:53 tcp` is the TCP DNS service only.
    const tcp = searchGraph(model, ws, '10.96.0.10:53 tcp').map((h) => h.nodeId);
    expect(tcp).toContain(chainId('nft', 'ip', 'kube-proxy', nftServiceChain(dnsTcp)));
    expect(tcp).not.toContain(chainId('nft', 'ip', 'kube-proxy', nftServiceChain(dnsUdp)));
    // nft's concatenation syntax works as a query too.
    expect(searchGraph(model, ws, '10.96.0.10 . udp . 53').map((h) => h.nodeId)).toContain(chainId('nft', 'ip', 'kube-proxy', nftServiceChain(dnsUdp)));
  });

  it('finds chains and sets by name, exact names first', () => {
    const hits = searchGraph(model, ws, 'KUBE-SERVICES');
    expect(hits[0]).toMatchObject({ nodeId: chainId('ipt', 'ip', 'nat', 'KUBE-SERVICES'), reason: 'name', score: 100 });
    expect(searchGraph(model, ws, 'service-ip')[0]?.nodeId).toBe(setId('nft', 'ip', 'kube-proxy', 'service-ips'));
    expect(searchGraph(model, ws, '   ')).toEqual([]);
    expect(searchGraph(model, ws, 'no-such-thing-anywhere')).toEqual([]);
  });

  it('finds endpoints by address and port inside DNAT rules and IPVS real servers', () => {
    const hits = searchGraph(model, ws, '10.244.1.79:53');
    expect(hits.some((h) => h.reason === 'ipvs' && h.nodeId.startsWith('ipvs-real|'))).toBe(true);
    expect(hits.some((h) => h.nodeId.startsWith(chainId('ipt', 'ip', 'nat', 'KUBE-SEP-')))).toBe(true);
  });
});

describe('parseAddr', () => {
  it('reads IPv4 and IPv6 forms', () => {
    expect(parseAddr('10.0.0.1')).toEqual({ addr: 167772161n, v6: false });
    expect(parseAddr('::1')).toEqual({ addr: 1n, v6: true });
    expect(parseAddr('2001:db8::1')?.addr).toBe(parseAddr('2001:0db8:0:0:0:0:0:1')?.addr);
    expect(parseAddr('::ffff:10.0.0.1')?.addr).toBe(0xffff0a000001n);
    expect(parseAddr('300.1.1.1')).toBeUndefined();
    expect(parseAddr('tcp')).toBeUndefined();
  });
});
