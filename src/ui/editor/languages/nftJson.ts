// Monarch grammar for `nft -j list ruleset`: plain JSON with object keys told apart from values (Monaco's
// own JSON language needs its own worker; highlighting is all nflens needs, its parser reports errors).
// Type-only import of Monaco.
import type { languages } from 'monaco-editor/editor/editor.api';

export const nftJsonConfiguration: languages.LanguageConfiguration = {
  brackets: [
    ['{', '}'],
    ['[', ']'],
  ],
  autoClosingPairs: [
    { open: '{', close: '}' },
    { open: '[', close: ']' },
    { open: '"', close: '"', notIn: ['string'] },
  ],
};

export const nftJsonLanguage: languages.IMonarchLanguage = {
  defaultToken: '',
  tokenPostfix: '.nftjson',
  tokenizer: {
    root: [
      [/"(?:[^"\\]|\\.)*"(?=\s*:)/, 'attribute'],
      [/"(?:[^"\\]|\\.)*"/, 'string'],
      [/-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/, 'number'],
      [/\b(?:true|false|null)\b/, 'keyword'],
      [/[{}[\]]/, '@brackets'],
      [/[,:]/, 'delimiter'],
      [/\s+/, 'white'],
    ],
  },
};
