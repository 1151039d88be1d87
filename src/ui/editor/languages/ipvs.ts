// Monarch grammar of `ipvsadm -Ln` listings and `ipvsadm -Sn` rules. Type-only import of Monaco.
import type { languages } from 'monaco-editor/editor/editor.api';
import { IPV4, NUMBER } from './common.ts';

export const ipvsConfiguration: languages.LanguageConfiguration = {
  brackets: [['[', ']']],
};

export const ipvsLanguage: languages.IMonarchLanguage = {
  defaultToken: '',
  tokenPostfix: '.ipvs',
  // Schedulers of ipvsadm(8) `--scheduler`.
  schedulers: ['rr', 'wrr', 'lc', 'wlc', 'lblc', 'lblcr', 'dh', 'sh', 'sed', 'nq', 'fo', 'ovf', 'mh', 'twos'],
  methods: ['Masq', 'Route', 'Tunnel', 'Local', 'Bypass'],
  tokenizer: {
    root: [
      [/^IP Virtual Server.*$/, 'comment'],
      [/^Prot\s+LocalAddress.*$/, 'comment'],
      [/^\s+->\s+RemoteAddress.*$/, 'comment'],
      [/^(?:TCP|UDP|SCTP|FWM)\b/, 'keyword'],
      [/->/, 'operator'],
      [/--?[a-zA-Z][\w-]*/, 'attribute'],
      [/\[[0-9a-fA-F:.]+\](?::\d+)?/, 'number.address'],
      IPV4,
      NUMBER,
      [/[a-zA-Z_][\w\-]*/, { cases: { '@methods': 'keyword.verdict', '@schedulers': 'type', 'persistent|mask': 'attribute', '@default': 'identifier' } }],
      [/\s+/, 'white'],
    ],
  },
};
