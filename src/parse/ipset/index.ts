// ipset save/restore/list parser → IR, and the `ipset save` printer.
//
// Table naming: all sets of one ipset source go into ONE table named `ipset` with origin 'ipset' (ipsets
// live in one namespace per netns, whatever their family). Its family is `ip` when the sets are IPv4
// (or family-neutral: bitmap:port, hash:mac, list:set), `ip6` when they are all IPv6, and `inet` when
// both occur (as ipset-translate's `table inet global`). Each set keeps its own family in
// `ipset.options.family` and in its key type (ipv4_addr / ipv6_addr). Imports the model and this folder.
import type { Family, NamedSet, ParseResult, Table } from '../../model/ir.ts';
import { parseIpsetSets } from './parser.ts';

export { printIpsetSave } from './print.ts';

export const IPSET_TABLE_NAME = 'ipset';

export function parseIpset(text: string): ParseResult {
  const { sets, bag } = parseIpsetSets(text);
  const tables: Table[] = sets.length > 0 ? [ipsetTable(sets)] : [];
  return { ruleset: { tables, ipvs: [] }, diagnostics: bag.items };
}

function ipsetTable(sets: readonly NamedSet[]): Table {
  const names = sets.flatMap((s) => (s.key.kind === 'type' ? s.key.names : []));
  const has4 = names.includes('ipv4_addr');
  const has6 = names.includes('ipv6_addr');
  const family: Family = has6 ? (has4 ? 'inet' : 'ip6') : 'ip';
  const first = sets[0]?.range;
  const last = sets[sets.length - 1]?.range;
  return {
    kind: 'table',
    family,
    name: IPSET_TABLE_NAME,
    origin: 'ipset',
    chains: [],
    sets,
    flowtables: [],
    objects: [],
    ...(first && last ? { range: { start: first.start, end: last.end } } : {}),
  };
}
