// iptables-save parser → IR.
import type { ParseResult } from '../../model/ir.ts';
import { DiagnosticBag } from '../diagnostics.ts';

export function parseIptables(text: string): ParseResult {
  const bag = new DiagnosticBag();
  bag.error('IPT0000', 'the iptables-save parser is not built yet', { start: 0, end: Math.min(text.length, 1) });
  return { ruleset: { tables: [], ipvs: [] }, diagnostics: bag.items };
}
