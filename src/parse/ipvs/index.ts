// ipvsadm parser (`ipvsadm -Ln` listings and `ipvsadm -Sn` rules) → IR `Ruleset.ipvs`, and the
// `ipvsadm -Sn` printer. Imports the model and this folder.
import type { ParseResult } from '../../model/ir.ts';
import { parseIpvsServices } from './parser.ts';

export { printIpvsadmSave } from './print.ts';

export function parseIpvs(text: string): ParseResult {
  const { services, bag } = parseIpvsServices(text);
  return { ruleset: { tables: [], ipvs: services }, diagnostics: bag.items };
}
