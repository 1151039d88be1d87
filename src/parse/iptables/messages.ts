// The catalogue of iptables-save parser diagnostics: one stable code per message (prefix IPT, see
// ../diagnostics.ts). Texts take positional arguments {0}, {1}…, filled by `formatMessage`. Imports only
// the IR types.
import type { Severity } from '../../model/ir.ts';

export interface MessageDef {
  readonly code: string;
  readonly severity: Severity;
  readonly text: string;
}

function m(code: string, severity: Severity, text: string): MessageDef {
  return { code, severity, text };
}

export const MSG = {
  // ── lines, tables, chains (IPT10xx) ──
  unexpectedLine: m('IPT1001', 'error', "unexpected line '{0}': expected '*table', ':CHAIN POLICY [p:b]', a command such as '-A CHAIN …', or 'COMMIT'"),
  unknownTable: m('IPT1002', 'error', "unknown table '{0}' (iptables knows filter, nat, mangle, raw and security)"),
  missingCommit: m('IPT1003', 'warning', "table '{0}' is not closed with COMMIT (iptables-restore would not load it)"),
  commitOutsideTable: m('IPT1004', 'error', "COMMIT without a '*table' line before it"),
  chainOutsideTable: m('IPT1005', 'error', "chain declaration outside a '*table' block"),
  missingChainName: m('IPT1006', 'error', 'chain name expected'),
  badPolicy: m('IPT1007', 'error', "bad policy '{0}': a built-in chain's policy is ACCEPT or DROP"),
  policyOnUserChain: m('IPT1008', 'warning', "'{0}' is not a built-in chain of table '{1}': user-defined chains have no policy, '{2}' is ignored"),
  missingPolicy: m('IPT1009', 'warning', "chain '{0}' is declared without a policy (expected ':{0} POLICY [packets:bytes]')"),
  badCounters: m('IPT1010', 'warning', "bad counters '{0}': expected [packets:bytes]"),
  unclosedQuote: m('IPT1011', 'error', 'this quote is never closed'),
  noCommand: m('IPT1012', 'error', "no command in this line: expected -A, -I, -D, -R, -N, -X, -F, -Z, -P or -E"),
  undeclaredChain: m('IPT1014', 'warning', "chain '{0}' is not declared in this dump; nflens creates it (with --noflush the kernel may already have it)"),
  noSuchRule: m('IPT1015', 'warning', "chain '{0}' has no rule {1} in this dump (the command refers to rules nflens cannot see); {2}"),
  ruleToDeleteNotFound: m('IPT1016', 'warning', "no rule in chain '{0}' matches this one; nothing deleted"),
  tableOptionInRestore: m('IPT1017', 'error', "the -t option cannot be used inside a '*table' block (iptables-restore refuses it)"),
  assumedTable: m('IPT1018', 'info', "no '*table' line: the rules are taken as table '{0}' (as 'iptables -S' prints them)"),
  duplicateChain: m('IPT1019', 'warning', "chain '{0}' is declared twice"),
  cannotDeleteChain: m('IPT1020', 'warning', "chain '{0}' cannot be deleted: {1}"),
  legacyTablesPresent: m('IPT1021', 'info', 'iptables-legacy tables are present on this host but not in this dump: both run, and a DROP in either drops the packet (paste iptables-legacy-save too)'),
  incompatibleTable: m('IPT1022', 'warning', "iptables-nft says table '{0}' holds rules it cannot show: list it with 'nft list ruleset' and paste that too"),
  builtinChainOp: m('IPT1023', 'error', "'{0}' is a built-in chain of table '{1}': {2}"),
  otherFamilyRule: m('IPT1024', 'info', 'rule for {0} only: skipped in this {1} dump'),
  unsupportedCommand: m('IPT1025', 'error', "command '{0}' is not valid in an iptables-save dump"),
  emptyChainName: m('IPT1026', 'error', "bad chain name '{0}'"),
  badRuleNumber: m('IPT1027', 'error', "bad rule number '{0}'"),
  commandOutsideTable: m('IPT1028', 'error', "command outside a '*table' block (after COMMIT, start the next table with '*table')"),
  neverMatches: m('IPT1029', 'error', '{0}: the rule would never match'),

  // ── options (IPT11xx) ──
  unknownOption: m('IPT1101', 'error', "unknown option '{0}'{1}"),
  missingArgument: m('IPT1102', 'error', "option '{0}' requires an argument"),
  badArgument: m('IPT1103', 'error', "bad argument '{1}' for '{0}': {2}"),
  strayArgument: m('IPT1104', 'error', "unexpected argument '{0}'"),
  notInvertible: m('IPT1105', 'error', "option '{0}' cannot be negated with '!'"),
  doubleNegation: m('IPT1106', 'error', "multiple '!' flags are not allowed"),
  repeatedOption: m('IPT1107', 'error', "option '{0}' may only be given once"),
  conflictingOptions: m('IPT1108', 'error', "'{0}' cannot be combined with '{1}'"),
  missingOption: m('IPT1109', 'error', '{0}'),
  ambiguousOption: m('IPT1110', 'error', "option '{0}' is ambiguous ({1})"),
  intrapositionedNegation: m('IPT1111', 'warning', "'{0} ! …' is deprecated: write '! {0} …' (iptables still accepts it)"),
  unquotedComment: m('IPT1112', 'warning', 'comment with spaces is not quoted: accepted as one comment, but iptables-restore would reject this line (kube-proxy test format)'),
  danglingNegation: m('IPT1113', 'error', "'!' must be followed by an option"),
  badAddress: m('IPT1114', 'error', "bad address '{0}'{1}"),
  interfaceTooLong: m('IPT1115', 'error', "interface name '{0}' is longer than 15 characters"),
  unknownProtocol: m('IPT1116', 'error', "unknown protocol '{0}'"),
  moduleCheck: m('IPT1117', 'error', '{0}: {1}'),
  needsProtocol: m('IPT1118', 'error', "{0} needs '-p {1}'"),
  wrongFamily: m('IPT1119', 'error', "'{0}' is only valid for {1}"),
  truncated: m('IPT1120', 'warning', "option '{0}' has no argument: the dump seems to be cut off here"),

  // ── matches (IPT12xx) ──
  unknownMatch: m('IPT1201', 'warning', "unknown match '{0}': kept with its raw options, nflens cannot evaluate it"),
  opaqueMatch: m('IPT1202', 'warning', "match '{0}' inspects {1}: kept with its options, nflens cannot decide it for a packet"),
  matchFamily: m('IPT1203', 'error', "match '{0}' does not exist for {1}"),
  hookNotAllowed: m('IPT1204', 'error', "{0} is not allowed in chain '{1}' of table '{2}' (valid: {3})"),

  // ── targets (IPT13xx) ──
  undefinedChain: m('IPT1301', 'warning', "'{0}' is neither a target nor a chain of table '{1}'"),
  gotoTarget: m('IPT1302', 'error', "-g needs a chain, '{0}' is a target"),
  targetTable: m('IPT1303', 'error', '{0} is only valid in table {1}'),
  twoTargets: m('IPT1304', 'error', "a rule has one target: '{0}' given after '{1}'"),
  unknownTarget: m('IPT1305', 'warning', "unknown target '{0}': kept with its raw options, nflens cannot evaluate it"),
  jumpToBuiltin: m('IPT1306', 'error', "cannot jump to built-in chain '{0}'"),
  targetFamily: m('IPT1307', 'error', "target '{0}' does not exist for {1}"),
} as const satisfies Record<string, MessageDef>;

export type MessageKey = keyof typeof MSG;

export function formatMessage(def: MessageDef, args: readonly (string | number)[]): string {
  return def.text.replace(/\{(\d+)\}/g, (_, i: string) => String(args[Number(i)] ?? ''));
}
