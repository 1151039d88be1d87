// Message catalogue of the nft text parser: every diagnostic code (NFT1xxx) and its wording, in one place so
// that codes stay stable. Imports nothing.
//
// Wording rule: say what was expected and what was found, quote the input, suggest a name when one is close.

const q = (s: string): string => `'${s}'`;
const suggest = (hint?: string): string => (hint ? `; did you mean ${q(hint)}?` : '');

export const M = {
  // ── lexical ──
  unterminatedString: { code: 'NFT1001', text: 'unterminated string: expected a closing \'"\' before the end of the line' },
  strayCharacter: { code: 'NFT1002', text: (c: string) => `unexpected character ${q(c)}` },

  // ── syntax ──
  expected: { code: 'NFT1010', text: (what: string, found: string) => `expected ${what}, found ${found}` },
  unclosedBlock: { code: 'NFT1011', text: (found: string) => `expected '}' to close this block, found ${found}` },
  blockOpenedHere: { code: 'NFT1011', text: "the block opened here with '{'" },
  unknownKeyword: {
    code: 'NFT1012',
    text: (what: string, found: string, hint?: string) => `unknown ${what} ${q(found)}${suggest(hint)}`,
  },
  unexpectedToken: { code: 'NFT1013', text: (found: string, where: string) => `unexpected ${found} ${where}` },
  extraCloseBrace: { code: 'NFT1014', text: "unexpected '}': no block is open here" },
  emptyRule: { code: 'NFT1015', text: 'expected at least one statement in the rule' },

  // ── kept as opaque ──
  unknownStatement: {
    code: 'NFT1020',
    text: (found: string, hint?: string) => `unknown statement ${q(found)}${suggest(hint)}; kept as text`,
  },
  unsupportedConstruct: { code: 'NFT1021', text: (what: string) => `${what} is not modelled by nflens; kept as text` },

  // ── values ──
  outOfRange: {
    code: 'NFT1030',
    text: (value: string, type: string, max: string) => `value ${q(value)} is out of range for ${type} (maximum ${max})`,
  },
  unknownSymbol: {
    code: 'NFT1031',
    text: (value: string, type: string, hint?: string) => `${q(value)} is not a valid ${type} value${suggest(hint)}`,
  },
  badAddress: { code: 'NFT1032', text: (value: string, type: string) => `${q(value)} is not a valid ${type}` },
  badNumber: { code: 'NFT1033', text: (value: string) => `${q(value)} is not a number` },
  badPrefix: { code: 'NFT1034', text: (len: string, max: number) => `prefix length ${q(len)} is out of range (0 to ${max})` },
  badTime: { code: 'NFT1035', text: (value: string) => `${q(value)} is not a time (expected e.g. 30s, 1h2m, 500ms)` },
  badRange: { code: 'NFT1036', text: (from: string, to: string) => `range ${q(from)}-${q(to)} is empty: its start is above its end` },
  nameTooLong: { code: 'NFT1037', text: (what: string, max: number) => `${what} is longer than ${max} characters` },
  emptyName: { code: 'NFT1038', text: (what: string) => `${what} must not be empty` },

  // ── variables and includes ──
  undefinedVariable: { code: 'NFT1040', text: (name: string, hint?: string) => `unknown variable $${name}${suggest(hint ? `$${hint}` : undefined)}` },
  redefinedVariable: { code: 'NFT1041', text: (name: string) => `variable $${name} is already defined; use 'redefine' to change it` },
  undefineUnknown: { code: 'NFT1042', text: (name: string) => `cannot undefine $${name}: it is not defined` },
  recursiveVariable: { code: 'NFT1043', text: (name: string) => `variable $${name} refers to itself` },
  includeNotFollowed: {
    code: 'NFT1044',
    text: (file: string) =>
      `include ${q(file)} cannot be followed in the browser; paste the included file as another source`,
  },

  // ── semantics ──
  needsFamily: { code: 'NFT1050', text: (expr: string) => `cannot determine the ip protocol version of ${q(expr)}: use 'ip' or 'ip6' (e.g. 'ct original ip saddr')` },
  wrongFamily: { code: 'NFT1051', text: (what: string, family: string) => `${what} cannot be used in a table of family ${q(family)}` },
  conflictingProtocols: { code: 'NFT1052', text: (a: string, b: string) => `conflicting protocols: ${q(b)} after ${q(a)} in the same rule` },
  wrongHook: { code: 'NFT1053', text: (what: string, hook: string) => `${what} cannot be used in a chain with hook ${q(hook)}` },
  badChainSpec: { code: 'NFT1054', text: (what: string) => what },
  badSetSpec: { code: 'NFT1055', text: (what: string) => what },
  badStatement: { code: 'NFT1056', text: (what: string) => what },
  typeMismatch: { code: 'NFT1057', text: (what: string) => what },
  unknownDatatype: { code: 'NFT1058', text: (name: string, hint?: string) => `unknown datatype ${q(name)}${suggest(hint)}` },

  // ── commands and references ──
  unknownTable: { code: 'NFT1060', text: (name: string, hint?: string) => `no such table ${q(name)}${suggest(hint)}` },
  unknownChain: { code: 'NFT1061', text: (name: string, hint?: string) => `no such chain ${q(name)}${suggest(hint)}` },
  unknownSet: { code: 'NFT1062', text: (name: string, hint?: string) => `no such set or map ${q(name)}${suggest(hint)}` },
  unknownObject: { code: 'NFT1063', text: (what: string, name: string) => `no such ${what} ${q(name)}` },
  unknownHandle: { code: 'NFT1064', text: (what: string, handle: string) => `no ${what} with handle ${handle}` },
  forwardReference: {
    code: 'NFT1065',
    text: (what: string, name: string) => `${what} ${q(name)} is used before it is created (it is created later in this input)`,
  },
  alreadyExists: { code: 'NFT1066', text: (what: string, name: string) => `${what} ${q(name)} already exists` },
  commandIgnored: { code: 'NFT1067', text: (cmd: string) => `command '${cmd}' does not change the ruleset; ignored` },
  assumedExisting: {
    code: 'NFT1069',
    text: (what: string, name: string) =>
      `${what} ${q(name)} is not created in this input; assumed to exist already (paste its listing as another source to see it)`,
  },
  shellEscape: { code: 'NFT1070', text: (c: string) => `shell escape '\\${c}' read as '${c}'` },
  unknownFamily: { code: 'NFT1068', text: (name: string, hint?: string) => `unknown family ${q(name)}${suggest(hint)}` },
} as const;
