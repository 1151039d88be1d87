// ipset save/list parser → IR.
import type { ParseResult } from '../../model/ir.ts';
import { DiagnosticBag } from '../diagnostics.ts';

export function parseIpset(text: string): ParseResult {
  const bag = new DiagnosticBag();
  bag.error('IPS0000', 'the ipset parser is not built yet', { start: 0, end: Math.min(text.length, 1) });
  return { ruleset: { tables: [], ipvs: [] }, diagnostics: bag.items };
}
