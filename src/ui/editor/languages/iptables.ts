// Monarch grammar of iptables-save / ip6tables-save (and `iptables -S`): `*table`, `:CHAIN POLICY [p:b]`,
// `-A CHAIN …` rules, `COMMIT`. Type-only import of Monaco.
import type { languages } from 'monaco-editor/editor/editor.api';
import { HEX, IPV4, IPV6, NUMBER, STRING_STATE } from './common.ts';

export const iptablesConfiguration: languages.LanguageConfiguration = {
  comments: { lineComment: '#' },
  brackets: [['[', ']']],
};

export const iptablesLanguage: languages.IMonarchLanguage = {
  defaultToken: '',
  tokenPostfix: '.iptables',
  // Standard targets and the common extension targets (iptables extensions/libxt_*.c, libipt_*.c).
  targets: [
    'ACCEPT', 'DROP', 'RETURN', 'REJECT', 'QUEUE', 'NFQUEUE', 'MASQUERADE', 'SNAT', 'DNAT', 'REDIRECT', 'MARK',
    'CONNMARK', 'LOG', 'NFLOG', 'TCPMSS', 'CT', 'NOTRACK', 'TRACE', 'CLASSIFY', 'DSCP', 'TOS', 'TTL', 'HL',
    'TPROXY', 'SET', 'AUDIT', 'CHECKSUM', 'IDLETIMER', 'LED', 'SECMARK', 'CONNSECMARK', 'NETMAP', 'SYNPROXY',
  ],
  protocols: ['tcp', 'udp', 'udplite', 'icmp', 'icmpv6', 'ipv6-icmp', 'sctp', 'dccp', 'esp', 'ah', 'gre', 'all'],
  tokenizer: {
    root: [
      [/^\s*#.*$/, 'comment'],
      [/^\*\S+/, 'keyword'],
      [/^COMMIT\b/, 'keyword'],
      [/^:\S+/, 'type'],
      [/\[\d+:\d+\]/, 'number.counter'],
      [/-[ADIRNXPEFZS](?=\s|$)/, 'keyword'],
      [/(?:-[jg]|--jump|--goto)(?=\s)/, 'keyword.verdict'],
      [/--?[a-zA-Z][\w-]*/, 'attribute'],
      [/"([^"\\]|\\.)*$/, 'string.invalid'],
      [/"/, 'string', '@string'],
      [/!/, 'operator'],
      IPV4,
      IPV6,
      HEX,
      NUMBER,
      [/[a-zA-Z_][\w\-/.:]*/, { cases: { '@targets': 'keyword.verdict', '@protocols': 'type', '@default': 'identifier' } }],
      [/[,/:]/, 'delimiter'],
      [/\s+/, 'white'],
    ],
    string: STRING_STATE,
  },
};
