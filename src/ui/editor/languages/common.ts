// Token rules shared by the Monarch grammars of nflens' input formats. Type-only import of Monaco, so the
// grammars stay plain data.
import type { languages } from 'monaco-editor/editor/editor.api';

type Rule = languages.IMonarchLanguageRule;

/** IPv4 with optional prefix length and port (`10.0.0.0/8`, `10.244.0.2:53`). */
export const IPV4: Rule = [/\d{1,3}(?:\.\d{1,3}){3}(?:\/\d{1,2})?(?::\d+)?/, 'number.address'];

/** IPv6 (and MAC) addresses: at least two colons with hex between, so `80 : goto` is not one. */
export const IPV6: Rule = [/(?:[0-9a-fA-F]{0,4}:){2,7}[0-9a-fA-F]{0,4}(?:\/\d{1,3})?/, 'number.address'];

export const HEX: Rule = [/0x[0-9a-fA-F]+/, 'number.hex'];

/** Numbers, with an optional unit (`10s`, `3h`, `1mbytes`). */
export const NUMBER: Rule = [/\d+[a-zA-Z]*/, 'number'];

export const STRING_STATE: Rule[] = [
  [/[^\\"]+/, 'string'],
  [/\\./, 'string.escape'],
  [/"/, 'string', '@pop'],
];
