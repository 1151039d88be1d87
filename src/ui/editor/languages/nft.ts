// Monarch grammar of nft's language (`nft list ruleset`, `nft -f` scripts). Words come from nftables'
// scanner (src/scanner.l) grouped by role; an unknown word is an identifier, never an error (the parser
// reports errors). Type-only import of Monaco.
import type { languages } from 'monaco-editor/editor/editor.api';
import { HEX, IPV4, IPV6, NUMBER, STRING_STATE } from './common.ts';

export const nftConfiguration: languages.LanguageConfiguration = {
  comments: { lineComment: '#' },
  brackets: [
    ['{', '}'],
    ['[', ']'],
    ['(', ')'],
  ],
  autoClosingPairs: [
    { open: '{', close: '}' },
    { open: '[', close: ']' },
    { open: '(', close: ')' },
    { open: '"', close: '"', notIn: ['string', 'comment'] },
  ],
};

export const nftLanguage: languages.IMonarchLanguage = {
  defaultToken: '',
  tokenPostfix: '.nft',
  families: ['ip', 'ip6', 'inet', 'arp', 'bridge', 'netdev'],
  hooks: ['prerouting', 'input', 'forward', 'output', 'postrouting', 'ingress', 'egress'],
  verdicts: ['accept', 'drop', 'reject', 'return', 'jump', 'goto', 'continue', 'queue'],
  structure: [
    'table', 'chain', 'set', 'map', 'flowtable', 'rule', 'element', 'elements', 'type', 'typeof', 'hook',
    'priority', 'policy', 'device', 'devices', 'flags', 'comment', 'include', 'define', 'redefine', 'undefine',
    'add', 'create', 'insert', 'replace', 'delete', 'destroy', 'flush', 'list', 'reset', 'rename', 'handle',
    'index', 'position', 'size', 'timeout', 'gc-interval', 'auto-merge', 'ruleset', 'ct', 'helper', 'expectation',
    'secmark', 'synproxy', 'tunnel', 'counters', 'quotas', 'limits', 'meters', 'maps', 'sets', 'chains', 'tables',
  ],
  // Chain types and the symbolic priorities (nftables src/rule.c std_prio_table).
  chainTypes: ['filter', 'nat', 'route', 'raw', 'mangle', 'dstnat', 'srcnat', 'security', 'out'],
  statements: [
    'counter', 'log', 'limit', 'quota', 'snat', 'dnat', 'masquerade', 'redirect', 'notrack', 'dup', 'fwd',
    'tproxy', 'numgen', 'jhash', 'symhash', 'vmap', 'update', 'meter', 'last', 'to', 'fully-random', 'random',
    'persistent', 'mod', 'offset', 'seed', 'prefix', 'level', 'group', 'rate', 'burst', 'over', 'until', 'used',
    'with', 'flow', 'offload', 'xt',
  ],
  selectors: [
    'ether', 'vlan', 'tcp', 'udp', 'udplite', 'sctp', 'dccp', 'icmp', 'icmpv6', 'igmp', 'ah', 'esp', 'comp',
    'th', 'meta', 'fib', 'rt', 'socket', 'osf', 'ipsec', 'exthdr', 'hbh', 'frag', 'dst', 'mh', 'srh', 'rt0',
    'iif', 'oif', 'iifname', 'oifname', 'iiftype', 'oiftype', 'iifgroup', 'oifgroup', 'mark', 'l4proto',
    'nfproto', 'protocol', 'skuid', 'skgid', 'saddr', 'daddr', 'sport', 'dport', 'state', 'status', 'direction',
    'original', 'reply', 'nexthdr', 'length', 'pkttype', 'cpu', 'cgroup', 'priority', 'zone', 'label', 'expiration',
    'id', 'ttl', 'hoplimit', 'dscp', 'ecn', 'version', 'flowlabel', 'checksum', 'sequence', 'option',
  ],
  tokenizer: {
    root: [
      [/#.*$/, 'comment'],
      [/"([^"\\]|\\.)*$/, 'string.invalid'],
      [/"/, 'string', '@string'],
      [/@(?:ll|nh|th|ih),/, 'attribute'],
      [/@[\w\-/.$]+/, 'tag.setref'],
      [/\$[\w\-]+/, 'variable'],
      IPV4,
      IPV6,
      HEX,
      NUMBER,
      [
        /[a-zA-Z_][\w\-/.]*[\w]|[a-zA-Z_]/,
        {
          cases: {
            '@families': 'type.family',
            '@verdicts': 'keyword.verdict',
            '@hooks': 'type.hook',
            '@structure': 'keyword',
            '@chainTypes': 'type',
            '@statements': 'predefined',
            '@selectors': 'attribute',
            '@default': 'identifier',
          },
        },
      ],
      [/[{}()[\]]/, '@brackets'],
      [/[;,]/, 'delimiter'],
      [/==|!=|<=|>=|<<|>>|[<>&|^!:.*\-/]/, 'operator'],
      [/\s+/, 'white'],
    ],
    string: STRING_STATE,
  },
};
