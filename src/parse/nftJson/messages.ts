// Message catalogue of the nft JSON parser: stable codes NJS1xxx (never renumber; add new ones at the end of
// their group). Imports only the model and the diagnostics helper.
import type { Severity, SourceRange } from '../../model/ir.ts';
import type { DiagnosticBag } from '../diagnostics.ts';

interface MessageDef {
  readonly code: string;
  readonly severity: Severity;
  /** Text with `{0}`, `{1}` … placeholders. */
  readonly text: string;
}

const def = (code: string, severity: Severity, text: string): MessageDef => ({ code, severity, text });

export const Msg = {
  // JSON syntax
  jsonSyntax: def('NJS1001', 'error', 'invalid JSON: {0}'),
  jsonTooDeep: def('NJS1002', 'error', 'invalid JSON: {0} (nft -j output is never that deep)'),
  jsonDuplicateKey: def('NJS1003', 'warning', "duplicate property '{0}': the last one wins"),
  // document structure
  notNftablesDocument: def('NJS1010', 'error', 'expected an object {"nftables": [ … ]} as printed by `nft -j list ruleset`'),
  unexpectedTopLevelKey: def('NJS1011', 'warning', "unexpected property '{0}' next to \"nftables\" ignored"),
  notSingleKeyObject: def('NJS1012', 'error', 'expected an object with exactly one property ({0}), found {1}'),
  // metainfo
  missingMetainfo: def('NJS1020', 'error', 'no "metainfo" object: this is not `nft -j list` output (the first element should be {"metainfo": {"json_schema_version": 1, …}})'),
  missingSchemaVersion: def('NJS1021', 'error', '"metainfo" has no "json_schema_version"'),
  badSchemaVersion: def('NJS1022', 'error', '"json_schema_version" must be an integer, found {0}'),
  unsupportedSchemaVersion: def('NJS1023', 'error', 'json_schema_version {0} is not supported (nflens reads schema version 1, as nft 0.9–1.1 print)'),
  // objects and properties
  unknownObject: def('NJS1030', 'warning', "unknown object type '{0}': kept as opaque, not interpreted"),
  missingProperty: def('NJS1031', 'error', "{1} has no '{0}' property"),
  badPropertyType: def('NJS1032', 'error', "'{0}' of {1} must be {2}, found {3}"),
  unknownProperty: def('NJS1033', 'warning', "unknown property '{0}' of {1} ignored"),
  badValue: def('NJS1034', 'error', "invalid {0} '{1}'{2}"),
  unknownFlag: def('NJS1035', 'warning', "unknown {0} flag '{1}'"),
  // references between objects
  implicitTable: def('NJS1040', 'warning', 'table {0} is not declared before use: created implicitly'),
  implicitChain: def('NJS1041', 'warning', "chain '{0}' of table {1} is not declared before use: created implicitly"),
  noSuchSet: def('NJS1042', 'error', "set or map '{0}' does not exist in table {1}"),
  alreadyExists: def('NJS1043', 'error', '{0} already exists (create fails where add would not)'),
  notFound: def('NJS1044', 'error', '{0} does not exist'),
  commandIgnored: def('NJS1045', 'info', "command '{0}' does not change the ruleset: ignored"),
  // statements and expressions
  unknownStatement: def('NJS1050', 'warning', "unknown statement '{0}': kept as opaque, not interpreted"),
  unknownExpression: def('NJS1051', 'warning', "unknown expression '{0}': kept as opaque, not interpreted"),
  unsupportedConstruct: def('NJS1052', 'warning', '{0}: kept as opaque, not interpreted'),
  badExpression: def('NJS1053', 'error', '{0}'),
  concatTooShort: def('NJS1054', 'error', 'a concatenation needs at least two items, found {0}'),
  badMapElement: def('NJS1055', 'error', 'a map element must be a [key, data] pair, found {0}'),
  catchallAsData: def('NJS1056', 'error', "the catch-all element '*' can only be a key, not map data"),
  arrayAsSetElement: def('NJS1057', 'error', 'an array is not a set element (only map elements are [key, data] pairs)'),
  statelessInSet: def('NJS1058', 'error', "'{0}' cannot be attached to set elements: only stateful statements (counter, quota, limit, ct count, last) can"),
  badDevice: def('NJS1059', 'error', 'invalid device name {0}: {1}'),
  emptySetType: def('NJS1060', 'error', 'a set type needs at least one data type'),
  rejectFamilyConflict: def('NJS1061', 'error', "reject with {0} is not possible in a table of family {1} (conflicting protocols)"),
  notInteger: def('NJS1062', 'error', '{0} must be an integer, found {1}'),
  emptyRule: def('NJS1063', 'warning', 'rule without statements'),
} as const;

export type MessageKey = keyof typeof Msg;

export function formatMessage(text: string, args: readonly (string | number)[]): string {
  return text.replace(/\{(\d+)\}/g, (_, k: string) => String(args[Number(k)] ?? ''));
}

export function report(bag: DiagnosticBag, key: MessageKey, range: SourceRange, ...args: (string | number)[]): void {
  const m = Msg[key];
  bag.add({ severity: m.severity, code: m.code, message: formatMessage(m.text, args), range });
}
