import { describe, expect, it } from 'vitest';
import type { Workspace } from '../model/ir.ts';
import { parseIpvs } from '../parse/ipvs/index.ts';
import { chainId } from './ids.ts';
import { type PipelineModel, buildPipeline, pipelineRouteOf } from './pipeline.ts';
import { IptablesText, NftText, parsedSource, workspaceOf } from './testing/irText.ts';
import { WELL_KNOWN_SERVICES, kubeProxyIptablesNat, kubeProxyNft } from './testing/kubeProxy.ts';

function stage(p: PipelineModel, id: string) {
  const s = p.stages.find((x) => x.id === id);
  if (!s) throw new Error(`no stage ${id}`);
  return s;
}

/** `kind label @position[!]` per entry, `!` for a tie. */
function entries(p: PipelineModel, id: string): string[] {
  return stage(p, id).entries.map((e) => `${e.kind} ${e.label} @${e.position}${e.tie ? '!' : ''}`);
}

/** kube-proxy (nft, ip) + a firewall (inet, with an early nat chain) + iptables-legacy nat + IPVS. */
function hostWorkspace(): Workspace {
  const kp = kubeProxyNft(WELL_KNOWN_SERVICES);
  const fw = new NftText();
  fw.table('inet', 'fw', (t) => {
    t.chain('mangle-pre', { type: 'filter', hook: 'prerouting', priority: -150, priorityText: 'mangle' }, []);
    t.chain('early-nat', { type: 'nat', hook: 'prerouting', priority: -300 }, []);
    t.chain('input', { hook: 'input', priority: 0, policy: 'drop' }, []);
  });
  fw.table('ip6', 'v6only', (t) => t.chain('input', { hook: 'input', priority: 0 }, []));
  const legacy = kubeProxyIptablesNat(WELL_KNOWN_SERVICES, new IptablesText(), 'iptables-legacy');
  const ipvsText = 'IP Virtual Server version 1.2.1 (size=4096)\nProt LocalAddress:Port Scheduler Flags\n  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\nTCP  10.96.0.1:443 rr\n  -> 172.18.0.2:6443             Masq    1      0          0\n';
  return workspaceOf(
    parsedSource('kp', 'nft', kp.text, [kp.table]),
    parsedSource('fw', 'nft', fw.text, fw.tables),
    parsedSource('legacy', 'iptables', legacy.text, [legacy.table]),
    parsedSource('ipvs', 'ipvs', ipvsText, [], parseIpvs(ipvsText).ruleset.ipvs),
  );
}

describe('buildPipeline: ip', () => {
  const p = buildPipeline(hostWorkspace(), 'ip');

  it('lists hooks and routing decisions in kernel order, with the paths a packet takes', () => {
    expect(p.stages.map((s) => s.id)).toEqual(['ingress', 'prerouting', 'route-in', 'input', 'forward', 'local', 'route-out', 'output', 'postrouting', 'egress']);
    expect(p.paths.map((x) => [x.id, x.stages.join(' > ')])).toEqual([
      ['local-in', 'ingress > prerouting > route-in > input > local'],
      ['forward', 'ingress > prerouting > route-in > forward > postrouting > egress'],
      ['local-out', 'local > route-out > output > postrouting > egress'],
    ]);
    expect(p.links).toContainEqual({ from: 'route-in', to: 'forward' });
    expect(stage(p, 'route-in').entries.map((e) => e.kind)).toEqual(['routing']);
  });

  it('puts conntrack, the NAT core and its nat chains, and every table at their positions, flagging ties', () => {
    expect(entries(p, 'prerouting')).toEqual([
      'conntrack defragment @-400',
      'conntrack conntrack @-200',
      'chain inet fw mangle-pre @-150',
      'chain ip kube-proxy filter-prerouting @-110',
      'nat-core NAT core (dstnat) @-100',
      // nat chains in their own priority order inside the NAT core: -300 first.
      'chain inet fw early-nat @-100',
      'chain ip kube-proxy nat-prerouting @-100!',
      'chain ip nat PREROUTING @-100!',
    ]);
    const legacy = stage(p, 'prerouting').entries.find((e) => e.table === 'nat');
    expect(legacy).toMatchObject({ origin: 'iptables-legacy', backend: 'xtables', priority: -100, viaNatCore: true, nodeId: chainId('legacy', 'ip', 'nat', 'PREROUTING') });
    const early = stage(p, 'prerouting').entries.find((e) => e.chain === 'early-nat');
    expect(early).toMatchObject({ priority: -300, priorityLabel: 'raw (-300)', position: -100 });
  });

  it('has IPVS between filter and nat on input, and conntrack confirm last', () => {
    expect(entries(p, 'input')).toEqual([
      'chain ip kube-proxy filter-input @-110',
      'chain inet fw input @0',
      'ipvs IPVS reply @98',
      'ipvs IPVS schedule @99',
      'nat-core NAT core (srcnat) @100',
      'chain ip nat INPUT @100',
      'conntrack conntrack confirm @2147483647',
    ]);
    expect(entries(p, 'forward')).toEqual(['ipvs IPVS forward ICMP @99', 'ipvs IPVS reply @100']);
    expect(entries(p, 'output').slice(0, 2)).toEqual(['conntrack defragment @-400', 'conntrack conntrack @-200']);
    expect(stage(p, 'postrouting').entries.at(-1)?.label).toBe('conntrack confirm');
  });

  it('keeps ip6-only tables out of the ip view', () => {
    expect(p.stages.flatMap((s) => s.entries).some((e) => e.table === 'v6only')).toBe(false);
  });
});

describe('buildPipeline: other families', () => {
  it('inet shows ip and ip6 tables; equal priorities tie only when the same packets pass both', () => {
    const p = buildPipeline(hostWorkspace(), 'inet');
    const input = entries(p, 'input');
    expect(input).toContain('chain inet fw input @0!');
    expect(input).toContain('chain ip6 v6only input @0!');
    // An ip chain and an ip6 chain at the same priority never see the same packet.
    const t = new NftText();
    t.table('ip', 'a', (w) => w.chain('in', { hook: 'input', priority: 0 }, []));
    t.table('ip6', 'b', (w) => w.chain('in', { hook: 'input', priority: 0 }, []));
    const q = buildPipeline(workspaceOf(parsedSource('s', 'nft', t.text, t.tables)), 'inet');
    expect(entries(q, 'input')).toEqual(['chain ip a in @0', 'chain ip6 b in @0', 'conntrack conntrack confirm @2147483647']);
    // No nat chains: no NAT core.
    expect(q.stages.flatMap((s) => s.entries).some((e) => e.kind === 'nat-core')).toBe(false);
  });

  it('bridge has its own hooks and bridge decision; netdev ingress chains (and inet ingress) sit on ingress', () => {
    const t = new NftText();
    t.table('bridge', 'br', (w) => {
      w.chain('fwd', { hook: 'forward', priority: -200, priorityText: 'filter' }, []);
      w.chain('pre', { hook: 'prerouting', priority: -300, priorityText: 'dstnat' }, []);
    });
    t.table('netdev', 'nd', (w) => w.chain('ing', { hook: 'ingress', priority: 10 }, []));
    t.table('inet', 'in', (w) => w.chain('ing', { hook: 'ingress', priority: -10 }, []));
    const ws = workspaceOf(parsedSource('s', 'nft', t.text, t.tables));
    const bridge = buildPipeline(ws, 'bridge');
    expect(bridge.stages.map((s) => s.id)).toEqual(['ingress', 'prerouting', 'bridge-decision', 'input', 'forward', 'local', 'output', 'postrouting', 'egress']);
    expect(entries(bridge, 'forward')).toEqual(['chain bridge br fwd @-200']);
    expect(entries(bridge, 'ingress')).toEqual(['chain inet in ing @-10', 'chain netdev nd ing @10']);
    expect(bridge.stages.flatMap((s) => s.entries).some((e) => e.kind === 'conntrack')).toBe(false);
    const netdev = buildPipeline(ws, 'netdev');
    expect(netdev.stages.map((s) => s.id)).toEqual(['ingress', 'local', 'egress']);
  });
});

describe('pipelineRouteOf', () => {
  const p = buildPipeline(hostWorkspace(), 'ip');

  it('maps (hook, table, chain) steps to entries and fills in the stages between', () => {
    const route = pipelineRouteOf(p, [
      { hook: 'prerouting', kind: 'conntrack', priority: -200 },
      { hook: 'prerouting', table: 'kube-proxy', chain: 'nat-prerouting' },
      { hook: 'prerouting', table: 'nat', chain: 'PREROUTING', sourceId: 'legacy' },
      { hook: 'input', table: 'fw', chain: 'input', family: 'inet' },
    ]);
    expect(route.entryIds).toEqual([
      'prerouting:conntrack:lookup',
      `prerouting:chain:${chainId('kp', 'ip', 'kube-proxy', 'nat-prerouting')}`,
      `prerouting:chain:${chainId('legacy', 'ip', 'nat', 'PREROUTING')}`,
      `input:chain:${chainId('fw', 'inet', 'fw', 'input')}`,
    ]);
    expect(route.stageIds).toEqual(['prerouting', 'route-in', 'input']);
    expect(route.unmatched).toEqual([]);
  });

  it('reports steps it cannot place', () => {
    const route = pipelineRouteOf(p, [{ hook: 'output', table: 'kube-proxy', chain: 'nat-output' }, { hook: 'output', table: 'nope', chain: 'x' }, { hook: 'sideways' }, { hook: 'postrouting' }]);
    expect(route.unmatched).toEqual([1, 2]);
    expect(route.stageIds).toEqual(['output', 'postrouting']);
  });
});
