import { describe, expect, it } from 'vitest';
import { parseIpvs } from '../parse/ipvs/index.ts';
import { buildGraph } from './buildGraph.ts';
import { chainId, setId, tableGroupId } from './ids.ts';
import { nodeAtSourceOffset, rangeOfNode } from './locate.ts';
import { NftText, accept, drop, parsedSource, workspaceOf } from './testing/irText.ts';
import { WELL_KNOWN_SERVICES, generatedServices, iptSepChain, kubeProxyIptablesNat, kubeProxyNft, nftEndpointChain } from './testing/kubeProxy.ts';

describe('nodeAtSourceOffset and rangeOfNode', () => {
  const kp = kubeProxyNft(WELL_KNOWN_SERVICES);
  const ipt = kubeProxyIptablesNat(WELL_KNOWN_SERVICES);
  const ipvsText = 'IP Virtual Server version 1.2.1 (size=4096)\nProt LocalAddress:Port Scheduler Flags\n  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\nTCP  10.96.0.1:443 rr\n  -> 172.18.0.2:6443             Masq    1      0          0\n';
  const ws = workspaceOf(parsedSource('nft', 'nft', kp.text, [kp.table]), parsedSource('ipt', 'iptables', ipt.text, [ipt.table]), parsedSource('ipvs', 'ipvs', ipvsText, [], parseIpvs(ipvsText).ruleset.ipvs));
  const model = buildGraph(ws);
  const at = (text: string, needle: string, extra = 0) => {
    const i = text.indexOf(needle);
    expect(i, needle).toBeGreaterThanOrEqual(0);
    return i + extra;
  };

  it('maps an editor offset to the chain, set or table under it', () => {
    const inRule = at(kp.text, 'ip daddr . meta l4proto . th dport vmap @service-ips', 5);
    expect(nodeAtSourceOffset(model, 'nft', inRule, ws)).toBe(chainId('nft', 'ip', 'kube-proxy', 'services'));
    expect(nodeAtSourceOffset(model, 'nft', inRule)).toBe(chainId('nft', 'ip', 'kube-proxy', 'services'));
    const inElement = at(kp.text, '10.96.0.10 . tcp . 53 : goto', 3);
    expect(nodeAtSourceOffset(model, 'nft', inElement, ws)).toBe(setId('nft', 'ip', 'kube-proxy', 'service-ips'));
    expect(nodeAtSourceOffset(model, 'nft', 3, ws)).toBe(tableGroupId('nft', 'ip', 'kube-proxy'));
    expect(nodeAtSourceOffset(model, 'nowhere', 3, ws)).toBeUndefined();
  });

  it('finds iptables chains from their rule lines, and IPVS services and real servers', () => {
    const ep = WELL_KNOWN_SERVICES[0]!.endpoints[0]!;
    const sep = iptSepChain(WELL_KNOWN_SERVICES[0]!, ep);
    const line = at(ipt.text, `-A ${sep} -s`, 4);
    expect(nodeAtSourceOffset(model, 'ipt', line, ws)).toBe(chainId('ipt', 'ip', 'nat', sep));
    expect(nodeAtSourceOffset(model, 'ipvs', at(ipvsText, 'TCP  10.96.0.1'), ws)).toMatch(/^ipvs-service\|/);
    expect(nodeAtSourceOffset(model, 'ipvs', at(ipvsText, '172.18.0.2:6443'), ws)).toMatch(/^ipvs-real\|/);
  });

  it('maps a node back to its text', () => {
    const id = chainId('nft', 'ip', 'kube-proxy', 'masquerading');
    const found = rangeOfNode(model, id)!;
    expect(found.sourceId).toBe('nft');
    expect(kp.text.slice(found.range.start, found.range.end)).toMatch(/^chain masquerading \{[\s\S]*\}$/);
    const group = rangeOfNode(model, tableGroupId('nft', 'ip', 'kube-proxy'))!;
    expect(kp.text.slice(group.range.start, group.range.start + 22)).toBe('table ip kube-proxy {\n');
    expect(rangeOfNode(model, 'hook|ip|input')).toBeUndefined();
  });

  it('resolves offsets inside chains folded into an aggregate to the aggregate', () => {
    const services = generatedServices(500, 2);
    const big = kubeProxyNft(services);
    const w = workspaceOf(parsedSource('nft', 'nft', big.text, [big.table]));
    const m = buildGraph(w);
    const s = services[100]!;
    const offset = at(big.text, `chain ${nftEndpointChain(s, s.endpoints[0]!)} {`, 8);
    const id = nodeAtSourceOffset(m, 'nft', offset, w)!;
    const node = m.nodes.find((n) => n.id === id);
    expect(node).toMatchObject({ kind: 'aggregate', of: 'chain' });
    expect(node?.label.startsWith('endpoint-')).toBe(true);
    // Without the workspace only visible nodes count: the table.
    expect(nodeAtSourceOffset(m, 'nft', offset)).toBe(tableGroupId('nft', 'ip', 'kube-proxy'));
  });

  it('copes with parsers whose chain and table ranges cover only the name', () => {
    const t = new NftText();
    t.table('ip', 'x', (w) => {
      w.chain('first', { hook: 'input', priority: 0 }, [['accept', [accept]]]);
      w.chain('second', undefined, [['drop', [drop]]]);
    });
    const text = t.text;
    const nameOnly = (name: string) => ({ start: text.indexOf(` ${name} {`) + 1, end: text.indexOf(` ${name} {`) + 1 + name.length });
    const table = t.tables[0]!;
    const narrowed = { ...table, range: { start: 6, end: 10 }, chains: table.chains.map((c) => ({ ...c, range: nameOnly(c.name) })) };
    const w = workspaceOf(parsedSource('s', 'nft', text, [narrowed]));
    const m = buildGraph(w);
    const id = (name: string) => chainId('s', 'ip', 'x', name);
    expect(nodeAtSourceOffset(m, 's', text.indexOf('chain first') + 2, w)).toBe(id('first'));
    expect(nodeAtSourceOffset(m, 's', text.indexOf('type filter'), w)).toBe(id('first'));
    expect(nodeAtSourceOffset(m, 's', text.indexOf('accept') + 2, w)).toBe(id('first'));
    // The closing brace of `first` and the blank before `second` belong to `first`.
    expect(nodeAtSourceOffset(m, 's', text.indexOf('}', text.indexOf('accept')), w)).toBe(id('first'));
    expect(nodeAtSourceOffset(m, 's', text.indexOf('drop'), w)).toBe(id('second'));
    expect(nodeAtSourceOffset(m, 's', 2, w)).toBe(tableGroupId('s', 'ip', 'x'));
  });
});
