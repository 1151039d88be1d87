// Monarch grammar of `ipset save` / `ipset restore` input and `ipset list` output. Type-only import of Monaco.
import type { languages } from 'monaco-editor/editor/editor.api';
import { HEX, IPV4, IPV6, NUMBER, STRING_STATE } from './common.ts';

export const ipsetConfiguration: languages.LanguageConfiguration = {
  comments: { lineComment: '#' },
};

export const ipsetLanguage: languages.IMonarchLanguage = {
  defaultToken: '',
  tokenPostfix: '.ipset',
  // Create and element options (ipset(8), "CREATE AND ADD OPTIONS").
  options: [
    'family', 'inet', 'inet6', 'hashsize', 'maxelem', 'bucketsize', 'timeout', 'counters', 'packets', 'bytes',
    'comment', 'skbinfo', 'skbmark', 'skbprio', 'skbqueue', 'initval', 'netmask', 'bitmask', 'range', 'markmask',
    'nomatch', 'forceadd', 'size', 'before', 'after', 'exist',
  ],
  tokenizer: {
    root: [
      [/^\s*#.*$/, 'comment'],
      [/^(?:create|add|del|test|destroy|flush|rename|swap|list|save|restore|-N|-A|-D|-X|-F|-E|-W)(?=\s|$)/, 'keyword'],
      [/^(?:Name|Type|Revision|Header|Size in memory|References|Number of entries|Members):/, 'keyword'],
      [/(?:hash|bitmap|list):[\w,]+/, 'type'],
      [/"/, 'string', '@string'],
      IPV4,
      IPV6,
      HEX,
      NUMBER,
      [/[a-zA-Z_][\w\-.]*/, { cases: { '@options': 'attribute', '@default': 'identifier' } }],
      [/[,\-]/, 'delimiter'],
      [/\s+/, 'white'],
    ],
    string: STRING_STATE,
  },
};
