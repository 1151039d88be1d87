import { describe, expect, it } from 'vitest';
import type { ParseResult, SourceRange } from '../model/ir.ts';
import { TEXT, result, table } from '../../test/fixtures/smallKubeProxy.ts';
import { parseNft } from '../parse/nft/index.ts';
import {
  ancestorsOf,
  buildOutline,
  findNodeAtOffset,
  indexOutline,
  priorityText,
  ruleLabel,
  visibleRows,
  type OutlineNode,
} from './outline.ts';

const outline = buildOutline([{ sourceId: 's1', name: 'nft list ruleset', text: TEXT, result }]);

function find(roots: readonly OutlineNode[], pred: (n: OutlineNode) => boolean): OutlineNode {
  const index = indexOutline(roots);
  for (const n of index.byId.values()) if (pred(n)) return n;
  throw new Error('node not found');
}

describe('buildOutline', () => {
  it('nests source → table → groups → chains → rules, with counts from the summary', () => {
    const [source] = outline;
    expect(source?.label).toBe('nft list ruleset');
    expect(source?.detail).toBe('1 table · 3 chains · 4 rules · 1 set · 1 map · 4 elements');
    const tableNode = source!.children[0]!;
    expect(tableNode.kind).toBe('table');
    expect(tableNode.label).toBe('ip kube-proxy');
    expect(tableNode.detail).toBe('3 chains · 4 rules · 1 set · 1 map · 4 elements');
    expect(tableNode.children.map((g) => `${g.label}: ${g.detail}`)).toEqual([
      'Base chains: 2 chains · 2 rules',
      'Regular chains: 1 chain · 2 rules',
      'Sets: 1 set · 2 elements',
      'Maps: 1 map · 2 elements',
    ]);
  });

  it('describes base chains by type, hook, priority (name and number) and policy', () => {
    const nat = find(outline, (n) => n.label === 'nat-prerouting');
    expect(nat.detail).toBe('nat prerouting · dstnat (-100) · policy accept · 1 rule');
    expect(nat.badges).toEqual(['base']);
    const input = find(outline, (n) => n.label === 'filter-input');
    expect(input.detail).toBe('filter input · dstnat - 10 (-110) · policy accept · 1 rule');
    const services = find(outline, (n) => n.label === 'services');
    expect(services.detail).toBe('2 rules');
    expect(services.badges).toEqual([]);
  });

  it('labels rules with their source text on one line', () => {
    const services = find(outline, (n) => n.label === 'services');
    expect(services.children.map((r) => r.label)).toEqual([
      'ip daddr . meta l4proto . th dport vmap @service-ips',
      'ip daddr @nodeport-ips meta l4proto . th dport vmap @service-nodeports',
    ]);
  });

  it('marks verdict maps and counts elements', () => {
    const map = find(outline, (n) => n.label === 'service-ips');
    expect(map.kind).toBe('map');
    expect(map.badges).toEqual(['vmap']);
    expect(map.detail).toBe('ipv4_addr . inet_proto . inet_service : verdict · 2 elements');
    const set = find(outline, (n) => n.label === 'cluster-ips');
    expect(set.kind).toBe('set');
    expect(set.badges).toEqual([]);
  });

  it('gives the same ids when the same ruleset is parsed again', () => {
    const again = buildOutline([{ sourceId: 's1', name: 'renamed', text: TEXT, result: structuredClone(result) }]);
    const ids = (roots: readonly OutlineNode[]) => [...indexOutline(roots).byId.keys()].sort();
    expect(ids(again)).toEqual(ids(outline));
  });

  it('lists IPVS services with their real servers', () => {
    const ipvs = buildOutline([
      {
        sourceId: 's2',
        name: 'ipvsadm',
        text: '',
        result: {
          ruleset: {
            tables: [],
            ipvs: [
              {
                kind: 'ipvs-service',
                protocol: 'tcp',
                addr: '10.96.0.1',
                port: 443,
                scheduler: 'rr',
                reals: [{ kind: 'ipvs-real', addr: '192.168.49.2', port: 8443, method: 'masq', weight: 1 }],
              },
            ],
          },
          diagnostics: [],
        },
      },
    ]);
    const group = ipvs[0]!.children[0]!;
    expect(group.label).toBe('IPVS services');
    expect(group.open).toBe(true);
    expect(group.children[0]?.label).toBe('TCP 10.96.0.1:443');
    expect(group.children[0]?.detail).toBe('rr · 1 real server');
    expect(group.children[0]?.children[0]?.label).toBe('192.168.49.2:8443');
    expect(group.children[0]?.children[0]?.detail).toBe('masq · weight 1');
  });

  it('does not present what an IPVS listing did not show (ipvsadm defaults) as facts', () => {
    const [source] = buildOutline([
      {
        sourceId: 's3',
        name: 'ipvsadm -Ln --stats',
        text: '',
        result: {
          ruleset: {
            tables: [],
            ipvs: [
              {
                kind: 'ipvs-service',
                protocol: 'udp',
                addr: 'fd00::a',
                port: 53,
                scheduler: 'wlc',
                notShown: ['scheduler'],
                reals: [{ kind: 'ipvs-real', addr: 'fd00::2', port: 53, method: 'route', weight: 1, notShown: ['method', 'weight'] }],
              },
            ],
          },
          diagnostics: [],
        },
      },
    ]);
    const service = source!.children[0]!.children[0]!;
    expect(service.label).toBe('UDP [fd00::a]:53');
    expect(service.detail).toBe('1 real server');
    expect(service.children[0]?.label).toBe('[fd00::2]:53');
    expect(service.children[0]?.detail).toBeUndefined();
  });

  it('labels the sets of an ipset dump by their origin and opens their only group', () => {
    const [source] = buildOutline([
      {
        sourceId: 's4',
        name: 'ipset save',
        text: '',
        result: {
          ruleset: {
            tables: [
              {
                kind: 'table',
                family: 'ip',
                name: 'ipset',
                origin: 'ipset',
                chains: [],
                sets: [
                  {
                    kind: 'set',
                    name: 'KUBE-CLUSTER-IP',
                    key: { kind: 'type', names: ['ipv4_addr', 'inet_proto', 'inet_service'] },
                    elements: [{ kind: 'value', value: 'x' }],
                    ipset: { type: 'hash:ip,port', options: {} },
                  },
                ],
                flowtables: [],
                objects: [],
              },
            ],
            ipvs: [],
          },
          diagnostics: [],
        },
      },
    ]);
    const table = source!.children[0]!;
    expect([table.label, table.badges]).toEqual(['ipset', []]);
    expect(table.children.map((g) => [g.label, g.open])).toEqual([['Sets', true]]);
    expect(table.children[0]?.children[0]?.badges).toEqual(['hash:ip,port']);
    expect(visibleRows([source!], {}).map((r) => r.node.label)).toEqual(['ipset save', 'ipset', 'Sets', 'KUBE-CLUSTER-IP']);
  });

  it('marks the origin of tables that are not native nftables', () => {
    const [source] = buildOutline([
      { sourceId: 's5', name: 'x', text: '', result: { ruleset: { tables: [{ ...table, origin: 'iptables-legacy' }], ipvs: [] }, diagnostics: [] } },
    ]);
    expect(source!.children[0]?.badges).toEqual(['iptables-legacy']);
  });
});

describe('findNodeAtOffset', () => {
  it('finds the innermost node around an offset', () => {
    const at = TEXT.indexOf('@nodeport-ips');
    expect(findNodeAtOffset(outline, 's1', at)?.label).toBe('ip daddr @nodeport-ips meta l4proto . th dport vmap @service-nodeports');
    expect(findNodeAtOffset(outline, 's1', TEXT.indexOf('policy accept'))?.label).toBe('nat-prerouting');
    expect(findNodeAtOffset(outline, 's1', TEXT.indexOf('inet_service : verdict'))?.label).toBe('service-ips');
    expect(findNodeAtOffset(outline, 's1', 0)?.kind).toBe('table');
  });

  it('gives a rule\'s line to the rule, also in its indentation; a chain\'s other lines to the chain', () => {
    const lineOf = (fragment: string): SourceRange => {
      const at = TEXT.indexOf(fragment);
      const start = TEXT.lastIndexOf('\n', at) + 1;
      return { start, end: TEXT.indexOf('\n', at) };
    };
    const ruleLine = lineOf('jump services');
    expect(findNodeAtOffset(outline, 's1', ruleLine.start, ruleLine)?.label).toBe('jump services');
    expect(findNodeAtOffset(outline, 's1', ruleLine.start + 1, ruleLine)?.label).toBe('jump services');
    const typeLine = lineOf('type nat hook prerouting');
    expect(findNodeAtOffset(outline, 's1', typeLine.start, typeLine)?.label).toBe('nat-prerouting');
    const header = lineOf('chain services {');
    expect(findNodeAtOffset(outline, 's1', header.start, header)?.label).toBe('services');
    const closing = TEXT.indexOf('\t}', TEXT.indexOf('jump services'));
    expect(findNodeAtOffset(outline, 's1', closing + 1, { start: closing, end: closing + 2 })?.label).toBe('nat-prerouting');
  });

  it('the fixture has the nft parser\'s ranges, so cursor and outline agree the same on a real parse', () => {
    const real = parseNft(TEXT);
    const ranges = (r: ParseResult) =>
      r.ruleset.tables.flatMap((t) => [
        [t.name, t.range],
        ...t.chains.flatMap((c) => [[c.name, c.range], ...c.rules.map((rule) => ['rule', rule.range])]),
        ...t.sets.map((set) => [set.name, set.range]),
      ]);
    expect(ranges(real)).toEqual(ranges(result));
    const parsed = buildOutline([{ sourceId: 's1', name: 'nft list ruleset', text: TEXT, result: real }]);
    const lines = TEXT.split('\n');
    let lineStart = 0;
    for (const line of lines) {
      const range = { start: lineStart, end: lineStart + line.length };
      for (let offset = range.start; offset <= range.end; offset++) {
        const where = (roots: readonly OutlineNode[]) => {
          const n = findNodeAtOffset(roots, 's1', offset, range);
          return n && `${n.kind} ${n.label}`;
        };
        expect(where(parsed), `offset ${offset}`).toBe(where(outline));
      }
      lineStart = range.end + 1;
    }
    // …and what it finds is the declaration under the cursor: a set's type line belongs to the set.
    const typeLine = TEXT.indexOf('type ipv4_addr\n');
    expect(findNodeAtOffset(parsed, 's1', typeLine)?.label).toBe('cluster-ips');
  });

  it('finds chains whose range is only their name: on the header line, and between name and first rule', () => {
    // Some parsers record a chain's range as its name only; the outline must still follow the cursor.
    const nameOnly = (name: string): SourceRange => {
      const start = TEXT.indexOf(`chain ${name} {`) + 'chain '.length;
      return { start, end: start + name.length };
    };
    const narrowed: ParseResult = {
      ...result,
      ruleset: { ...result.ruleset, tables: [{ ...table, range: { start: 9, end: 19 }, chains: table.chains.map((c) => ({ ...c, range: nameOnly(c.name) })) }] },
    };
    const roots = buildOutline([{ sourceId: 's1', name: 'n', text: TEXT, result: narrowed }]);
    const lineOf = (fragment: string): SourceRange => {
      const at = TEXT.indexOf(fragment);
      const start = TEXT.lastIndexOf('\n', at) + 1;
      return { start, end: TEXT.indexOf('\n', at) };
    };
    const header = lineOf('chain services {');
    expect(findNodeAtOffset(roots, 's1', header.start + 1, header)?.label).toBe('services');
    const typeLine = lineOf('type nat hook prerouting');
    expect(findNodeAtOffset(roots, 's1', typeLine.start + 2, typeLine)?.label).toBe('nat-prerouting');
    const ruleLine = lineOf('jump services');
    expect(findNodeAtOffset(roots, 's1', TEXT.indexOf('jump services') + 2, ruleLine)?.label).toBe('jump services');
    // Between two chains nothing is more precise than the table.
    const closing = TEXT.indexOf('\t}', TEXT.indexOf('jump services'));
    expect(findNodeAtOffset(roots, 's1', closing + 1)?.kind).toBe('table');
  });

  it('ignores other sources', () => {
    expect(findNodeAtOffset(outline, 'other', 30)).toBeUndefined();
  });
});

describe('visibleRows', () => {
  it('shows sources, tables, chain groups and chains by default, not rules or set members', () => {
    const rows = visibleRows(outline, {});
    expect(rows.map((r) => `${r.level}:${r.node.label}`)).toEqual([
      '1:nft list ruleset',
      '2:ip kube-proxy',
      '3:Base chains',
      '4:nat-prerouting',
      '4:filter-input',
      '3:Regular chains',
      '4:services',
      '3:Sets',
      '3:Maps',
    ]);
    const maps = rows.find((r) => r.node.label === 'Maps')!;
    expect([maps.posInSet, maps.setSize, maps.expanded]).toEqual([4, 4, false]);
  });

  it('follows explicit expansion, both ways', () => {
    const services = find(outline, (n) => n.label === 'services');
    const tableNode = outline[0]!.children[0]!;
    const rows = visibleRows(outline, { [services.id]: true, [`${tableNode.id}/base-chains`]: false });
    expect(rows.map((r) => r.node.label)).toEqual([
      'nft list ruleset',
      'ip kube-proxy',
      'Base chains',
      'Regular chains',
      'services',
      'ip daddr . meta l4proto . th dport vmap @service-ips',
      'ip daddr @nodeport-ips meta l4proto . th dport vmap @service-nodeports',
      'Sets',
      'Maps',
    ]);
  });
});

describe('ancestorsOf', () => {
  it('lists ancestors outermost first', () => {
    const index = indexOutline(outline);
    const r = find(outline, (n) => n.label === 'jump services');
    expect(ancestorsOf(index, r.id).map((id) => index.byId.get(id)?.label)).toEqual([
      'nft list ruleset',
      'ip kube-proxy',
      'Base chains',
      'nat-prerouting',
    ]);
  });
});

describe('texts', () => {
  it('names priorities as nft does, with the number', () => {
    expect(priorityText('ip', -100)).toBe('dstnat (-100)');
    expect(priorityText('ip', 100, 'srcnat')).toBe('srcnat (100)');
    expect(priorityText('ip', -90)).toBe('dstnat + 10 (-90)');
    expect(priorityText('bridge', -200)).toBe('filter (-200)');
    expect(priorityText('ip', 12345)).toBe('12345');
  });

  it('falls back to statement kinds when a rule has no range, and cuts long rules', () => {
    expect(ruleLabel('', undefined, [{ kind: 'match' }, { kind: 'verdict' }])).toBe('match verdict');
    const long = 'ip saddr 10.0.0.1 '.repeat(40);
    const label = ruleLabel(long, { start: 0, end: long.length }, []);
    expect(label.length).toBe(200);
    expect(label.endsWith('…')).toBe(true);
  });
});
