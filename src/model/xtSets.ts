// The ipsets an iptables `-m set` match or `-j SET` target names, read off the xt node the iptables parser
// keeps for them. Shared by the workspace checks (ipsets used but never defined) and the graph (edges to the
// set). Imports the IR types only.
import type { XtOption } from './ir.ts';

export interface XtSetUse {
  readonly set: string;
  /** `-m set --match-set` reads the set; `-j SET --add-set/--del-set/--map-set` writes it (or reads, for
   *  --map-set, the marks it stores: shown as an update, as the rule names it to change the packet). */
  readonly kind: 'lookup' | 'update';
}

/** The options that carry a set name, per extension, as the iptables parser keys them
 *  (`--match-set NAME dirs` → `name` + `flags`; `--add-set NAME dirs` → `addSet` + `addFlags`, …). */
const SET_NAME_OPTIONS: Readonly<Record<string, readonly (readonly [option: string, kind: XtSetUse['kind']])[]>> = {
  set: [['name', 'lookup']],
  SET: [['addSet', 'update'], ['delSet', 'update'], ['mapSet', 'update']],
};

/** The sets an xt node names, in the order of its options; none for other extensions. */
export function xtSetUses(node: { readonly name: string; readonly options: Readonly<Record<string, XtOption>> }): XtSetUse[] {
  const options = Object.hasOwn(SET_NAME_OPTIONS, node.name) ? SET_NAME_OPTIONS[node.name] : undefined;
  if (!options || !node.options || typeof node.options !== 'object') return [];
  const uses: XtSetUse[] = [];
  for (const [option, kind] of options) {
    const value = (node.options as Readonly<Record<string, XtOption | undefined>>)[option]?.value;
    if (typeof value === 'string' && value !== '') uses.push({ set: value, kind });
  }
  return uses;
}
