// Input generators for the fuzz properties (fast-check arbitraries): hostile characters, random bytes read
// as text, token soups in each format's vocabulary, mutations of the shared corpus files, and links for the
// permalink decoder. Node-only test helper; imports fast-check, fflate and the permalink codec's building blocks.
import fc from 'fast-check';
import { deflateSync } from 'fflate';
import { encodeBase64url } from '../../src/share/base64url.ts';
import { crc32 } from '../../src/share/crc32.ts';
import { encodePermalink, type PermalinkState } from '../../src/share/permalink.ts';

/** Characters parsers trip over: NUL and other controls, CR/CRLF, BOM, tabs, line/paragraph separators,
 *  lone UTF-16 surrogates (both halves), astral characters, and look-alikes of ASCII punctuation. */
const NASTY_CHARS = [
  '\0', '\r', '\r\n', '\n', '\t', '\v', '\f', '\u001b', '\u007f', '\u0085', '\u00a0', '\ufeff', '\u2028', '\u2029',
  '\ud800', '\udbff', '\udc00', '\udfff', '\ud83d\ude00', '\u{10ffff}', '\ufffd', '\u200b', '\u202e', '\uff5b', '\uff5d',
  '\u037e', // Greek question mark, looks like ';'
];

/** One UTF-16 code unit anywhere in the BMP, surrogates included (so pairs may be broken or reversed). */
const anyCodeUnit = fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c));

/** One "character" biased towards what matters to a scanner: ASCII punctuation and letters mostly. */
export const fuzzChar: fc.Arbitrary<string> = fc.oneof(
  { weight: 6, arbitrary: fc.string({ unit: 'binary-ascii', minLength: 1, maxLength: 1 }) },
  { weight: 3, arbitrary: fc.constantFrom(...'{}[]();,:."\'\\$@#/-!=<>&|^*+ \n\t0123456789abcdefxyz') },
  { weight: 2, arbitrary: fc.constantFrom(...NASTY_CHARS) },
  { weight: 1, arbitrary: anyCodeUnit },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }) },
);

/** Random text of the characters above. */
export function randomText(maxLength = 400): fc.Arbitrary<string> {
  return fc.string({ unit: fuzzChar, maxLength });
}

/** Random bytes, read as text the ways a browser might: UTF-8 (invalid sequences become U+FFFD), Latin-1,
 *  and UTF-16LE (odd bytes and lone surrogates survive). */
export function bytesAsText(maxLength = 400): fc.Arbitrary<string> {
  return fc.tuple(fc.uint8Array({ maxLength }), fc.constantFrom('utf-8', 'latin1', 'utf-16le')).map(([bytes, encoding]) => {
    if (encoding === 'utf-16le') {
      let s = '';
      for (let i = 0; i + 1 < bytes.length; i += 2) s += String.fromCharCode((bytes[i] as number) | ((bytes[i + 1] as number) << 8));
      return s;
    }
    return new TextDecoder(encoding).decode(bytes);
  });
}

/** Words that name Object.prototype members: a lookup table keyed by pasted text must not find them. */
export const PROTOTYPE_KEYS = ['__proto__', 'constructor', 'toString', 'valueOf', 'hasOwnProperty', 'prototype', '__defineGetter__'];

/** Tokens that open deep structures or stress the scanners, injected into any format. */
export const HOSTILE_TOKENS = [
  '{', '}', '[', ']', '(', ')', ';', ',', ':', '"', "'", '\\', '$x', '$', '@s', '@', '#', '\n', '\r\n', '\0', '\t', '\ufeff',
  '-', '--', '!', '/', '.', '*', '=', '==', '!=', '-A', '-j', '-m', ':', '*filter', 'COMMIT', 'table', 'chain', 'set', 'map',
  'elements', '=', 'define', 'include', '"nftables"', '{"nftables":[', 'null', 'true', '1e999', '-0', '0x', '0x1',
  '99999999999999999999999999999999999999', '18446744073709551616', '4294967296', '-2147483649', '1.5', 'NaN', 'Infinity',
  '255.255.255.256', '::ffff:1.2.3.4', '10.0.0.0/33', '1-', '-1', '65536', ...PROTOTYPE_KEYS,
];

/** A very long run of digits, letters or nesting: what a hostile paste uses to find quadratic paths. */
export const longToken: fc.Arbitrary<string> = fc.oneof(
  fc.integer({ min: 30, max: 3000 }).map((n) => '9'.repeat(n)),
  fc.integer({ min: 30, max: 3000 }).map((n) => 'a'.repeat(n)),
  fc.integer({ min: 30, max: 3000 }).map((n) => `0x${'f'.repeat(n)}`),
  fc.integer({ min: 2, max: 3000 }).map((n) => '{'.repeat(n)),
  fc.integer({ min: 2, max: 3000 }).map((n) => '['.repeat(n)),
  fc.integer({ min: 2, max: 1500 }).map((n) => '{ '.repeat(n) + '}'.repeat(n)),
  fc.integer({ min: 2, max: 1500 }).map((n) => '[{"a":'.repeat(n)),
  fc.integer({ min: 2, max: 1000 }).map((n) => 'a . '.repeat(n) + 'a'),
  fc.integer({ min: 2, max: 1000 }).map((n) => '('.repeat(n) + '1' + ')'.repeat(n)),
  fc.integer({ min: 2, max: 1000 }).map((n) => 'jump x '.repeat(n)),
  fc.integer({ min: 2, max: 2000 }).map((n) => '"'.repeat(n)),
  fc.integer({ min: 2, max: 2000 }).map((n) => '\\'.repeat(n)),
  fc.integer({ min: 2, max: 1000 }).map((n) => '-m a '.repeat(n)),
  fc.integer({ min: 2, max: 2000 }).map((n) => ','.repeat(n)),
);

/** Words of every input format (and the packet syntax), for token soups that get past the first line. */
export const VOCABULARY: Readonly<Record<string, readonly string[]>> = {
  nft: [
    'table', 'ip', 'ip6', 'inet', 'arp', 'bridge', 'netdev', 'filter', 'nat', 'chain', 'input', 'type', 'hook', 'priority',
    'policy', 'accept', 'drop', 'jump', 'goto', 'return', 'counter', 'packets', 'bytes', 'set', 'map', 'vmap', 'elements',
    'flags', 'interval', 'timeout', 'typeof', 'ipv4_addr', 'inet_service', 'verdict', 'saddr', 'daddr', 'tcp', 'udp',
    'dport', 'sport', 'ct', 'state', 'established', 'meta', 'mark', 'iifname', 'oifname', 'numgen', 'random', 'mod',
    'jhash', 'dnat', 'snat', 'to', 'masquerade', 'redirect', 'log', 'prefix', 'limit', 'rate', 'quota', 'comment',
    'define', 'include', 'add', 'rule', 'delete', 'flush', 'ruleset', 'element', 'handle', 'flowtable', 'devices',
    'counter', 'named', 'objects', 'ct helper', 'synproxy', 'tproxy', 'fib', 'oif', 'reject', 'with', 'icmp',
    'queue', 'dup', 'fwd', 'notrack', 'update', '@nh,16,16', 'exthdr', 'option', 'dscp', 'auto-merge', 'size',
    '{', '}', ';', ',', ':', '.', '-', '/', '==', '!=', '&', '|', '^', '<<', '>>', '$v', '@s', '"x"', '10.0.0.1',
    '10.0.0.0/8', '::1', '1-2', '0x10', '22', '-100', 'dstnat', 'filter - 10', '# handle 4', '\n', '\t',
  ],
  json: [
    '{', '}', '[', ']', ':', ',', '"nftables"', '"metainfo"', '"json_schema_version"', '1', '"table"', '"chain"',
    '"rule"', '"set"', '"map"', '"element"', '"family"', '"ip"', '"inet"', '"name"', '"handle"', '"type"', '"hook"',
    '"prio"', '"policy"', '"expr"', '"match"', '"op"', '"=="', '"left"', '"right"', '"payload"', '"protocol"',
    '"field"', '"accept"', '"jump"', '"target"', '"elem"', '"prefix"', '"addr"', '"len"', '"range"', '"concat"',
    '"vmap"', '"key"', '"data"', '"counter"', '"add"', '"delete"', '"flush"', 'null', 'true', 'false', '-1', '1e5',
    '0.5', '"\\u0000"', '"\\ud800"', '"\\"', '"@s"', '"*"', '"set"', '"meta"', '"ct"', '"numgen"', '"mod"',
  ],
  iptables: [
    '*filter', '*nat', '*mangle', '*raw', ':INPUT', ':FORWARD', ':KUBE-SVC', 'ACCEPT', 'DROP', '-', '[0:0]', 'COMMIT',
    '-A', '-I', '-N', '-P', '-D', '-j', '-g', '-m', '-p', 'tcp', 'udp', '-s', '-d', '--dport', '--sport', '-i', '-o',
    '!', 'comment', '--comment', '"a b"', 'statistic', '--mode', 'random', '--probability', '0.5', '--every', 'nth',
    'conntrack', '--ctstate', 'NEW,ESTABLISHED', 'mark', '--mark', '0x4000/0x4000', 'MARK', '--set-xmark', 'DNAT',
    '--to-destination', '10.0.0.1:80', 'SNAT', 'MASQUERADE', 'set', '--match-set', 'KUBE-X', 'src,dst', 'LOG',
    '--log-prefix', 'REJECT', '--reject-with', 'multiport', '--dports', '1:2,3', 'addrtype', '--dst-type', 'LOCAL',
    '# Generated by iptables-nft-save', '# Warning: iptables-legacy tables present', '\n', ' ', '"', '[1:2]',
  ],
  ipset: [
    'create', 'add', 'del', 'flush', 'destroy', 'swap', 'rename', '-exist', 'hash:ip', 'hash:ip,port', 'hash:net',
    'bitmap:port', 'list:set', 'family', 'inet', 'inet6', 'hashsize', '1024', 'maxelem', 'timeout', 'counters',
    'comment', 'range', '0-65535', 'nomatch', 'packets', 'bytes', 'skbmark', 'Name:', 'Type:', 'Revision:', 'Header:',
    'Members:', 'References:', 'Size in memory:', 'Number of entries:', '<ipsets>', '<ipset name="x">', '10.0.0.1',
    '10.0.0.0/8', 'tcp:80', 'udp:53', ',', '-', '"', '\n', ' ', 'myset', 'KUBE-CLUSTER-IP',
  ],
  ipvs: [
    'IP Virtual Server version 1.2.1 (size=4096)', 'Prot LocalAddress:Port Scheduler Flags',
    '  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn', 'TCP', 'UDP', 'SCTP', 'FWM', '10.0.0.1:80',
    '[::1]:443', 'rr', 'wrr', 'sh', 'persistent', '360', 'mask', '255.255.255.0', 'ops', '->', 'Masq', 'Route',
    'Tunnel', 'Local', '1', '0', '-A', '-a', '-t', '-u', '-f', '-s', '-r', '-m', '-g', '-i', '-w', '-p', '--tun-type',
    'gue', 'Conns', 'InPkts', 'OutPkts', '\n', ' ', ':',
  ],
  packet: [
    'ip', 'saddr', 'daddr', 'ip6', 'tcp', 'udp', 'dport', 'sport', 'flags', 'syn,ack', 'syn', 'icmp', 'type',
    'echo-request', 'iif', 'oif', 'iifname', 'eth0', 'meta', 'mark', '0x4000', 'ct', 'state', 'new', 'established',
    'status', 'dnat', 'local', 'from', 'bridge', 'vlan', 'id', 'ether', '00:11:22:33:44:55', '10.0.0.1', '::1',
    'fe80::1%eth0', '53', '65536', '-1', 'arp', 'operation', 'request', 'th', 'length', 'skuid', '"', "'", '==', ',',
  ],
};

/** A soup of format words and hostile tokens, joined by random separators. */
export function tokenSoup(words: readonly string[], maxTokens = 60): fc.Arbitrary<string> {
  const token = fc.oneof(
    { weight: 8, arbitrary: fc.constantFrom(...words) },
    { weight: 2, arbitrary: fc.constantFrom(...HOSTILE_TOKENS) },
    { weight: 1, arbitrary: randomText(8) },
  );
  const sep = fc.constantFrom(' ', ' ', ' ', '\n', '\t', '', '\r\n', ' \\\n');
  return fc.array(fc.tuple(token, sep), { maxLength: maxTokens }).map((parts) => parts.map(([t, s]) => t + s).join(''));
}

/** One edit of a text. Positions are fractions of the length, so an edit fits any text. */
type Mutation =
  | { readonly kind: 'delete-line' | 'duplicate-line'; readonly at: number }
  | { readonly kind: 'swap-lines'; readonly at: number; readonly with: number }
  | { readonly kind: 'cut'; readonly at: number }
  | { readonly kind: 'delete-span'; readonly at: number; readonly length: number }
  | { readonly kind: 'insert'; readonly at: number; readonly text: string }
  | { readonly kind: 'replace-word'; readonly at: number; readonly text: string }
  | { readonly kind: 'wrap'; readonly at: number; readonly depth: number; readonly open: string; readonly close: string };

const fraction = fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true });

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constantFrom('delete-line' as const, 'duplicate-line' as const), at: fraction }),
  fc.record({ kind: fc.constant('swap-lines' as const), at: fraction, with: fraction }),
  fc.record({ kind: fc.constant('cut' as const), at: fraction }),
  fc.record({ kind: fc.constant('delete-span' as const), at: fraction, length: fc.integer({ min: 1, max: 40 }) }),
  fc.record({ kind: fc.constant('insert' as const), at: fraction, text: fc.oneof(fc.constantFrom(...HOSTILE_TOKENS), randomText(6), longToken) }),
  fc.record({ kind: fc.constant('replace-word' as const), at: fraction, text: fc.oneof(fc.constantFrom(...HOSTILE_TOKENS), fc.constantFrom(...PROTOTYPE_KEYS), longToken) }),
  fc.record({
    kind: fc.constant('wrap' as const),
    at: fraction,
    depth: fc.integer({ min: 1, max: 2000 }),
    open: fc.constantFrom('{', '[', '(', '{ "a": [', 'chain x { '),
    close: fc.constantFrom('}', ']', ')', '', ']}'),
  }),
);

function splitLines(text: string): string[] {
  return text.split(/(?<=\n)/);
}

/** Applies one mutation (pure: same text and mutation, same result). */
export function applyMutation(text: string, m: Mutation): string {
  const pos = Math.floor(m.at * (text.length + 1));
  switch (m.kind) {
    case 'delete-line':
    case 'duplicate-line': {
      const lines = splitLines(text);
      const i = Math.floor(m.at * lines.length);
      if (lines.length === 0) return text;
      if (m.kind === 'delete-line') lines.splice(i, 1);
      else lines.splice(i, 0, lines[i] as string);
      return lines.join('');
    }
    case 'swap-lines': {
      const lines = splitLines(text);
      const i = Math.floor(m.at * lines.length);
      const j = Math.floor(m.with * lines.length);
      if (lines.length < 2) return text;
      [lines[i], lines[j]] = [lines[j] as string, lines[i] as string];
      return lines.join('');
    }
    case 'cut':
      return text.slice(0, pos);
    case 'delete-span':
      return text.slice(0, pos) + text.slice(pos + m.length);
    case 'insert':
      return text.slice(0, pos) + m.text + text.slice(pos);
    case 'replace-word': {
      const before = /[^\s{}\[\](),;:"]*$/.exec(text.slice(0, pos))?.[0].length ?? 0;
      const after = /^[^\s{}\[\](),;:"]*/.exec(text.slice(pos))?.[0].length ?? 0;
      return text.slice(0, pos - before) + m.text + text.slice(pos + after);
    }
    case 'wrap': {
      const end = pos + Math.floor((text.length - pos) / 2);
      return text.slice(0, pos) + m.open.repeat(m.depth) + text.slice(pos, end) + m.close.repeat(m.depth) + text.slice(end);
    }
  }
}

/** A corpus file (by index into `texts`) with 1–4 mutations applied. The file's index shows in shrunk
 *  counterexamples, and the mutated text itself is what gets saved. */
export function mutatedCorpus(texts: readonly string[]): fc.Arbitrary<string> {
  if (texts.length === 0) return fc.constant('');
  return fc
    .tuple(fc.integer({ min: 0, max: texts.length - 1 }), fc.array(mutation, { minLength: 1, maxLength: 4 }))
    .map(([i, ms]) => ms.reduce(applyMutation, texts[i] as string));
}

/** Everything thrown at a parser: random text, random bytes, format-word soups and corpus mutations. */
export function parserInput(words: readonly string[], corpus: readonly string[]): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 2, arbitrary: randomText() },
    { weight: 1, arbitrary: bytesAsText() },
    { weight: 3, arbitrary: tokenSoup(words) },
    { weight: 4, arbitrary: mutatedCorpus(corpus) },
  );
}

// ───────────── the packet one-line syntax ─────────────

/** Packet lines the page and the CLI accept, to mutate. */
const PACKET_LINES = [
  'iif eth0 ip saddr 10.0.0.5 ip daddr 10.96.0.10 udp sport 3333 udp dport 53',
  'local ip6 saddr ::1 ip6 daddr fe80::1 tcp dport 443 tcp flags syn,ack ct state established',
  'iif "eth0" ether saddr 00:11:22:33:44:55 vlan id 10 arp operation request',
  'from local oif lo meta mark 0x4000 ct status dnat,snat ct mark 1 icmp type echo-reply',
  'bridge iifname veth1 ip daddr 192.168.1.1 th dport 80 meta l4proto tcp ip dscp cs1 ip ttl 1',
];

export function packetInput(): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 2, arbitrary: randomText(200) },
    { weight: 1, arbitrary: bytesAsText(200) },
    { weight: 3, arbitrary: tokenSoup(VOCABULARY.packet as string[], 30) },
    { weight: 4, arbitrary: mutatedCorpus(PACKET_LINES) },
  );
}

// ───────────── permalinks ─────────────

/** Packs bytes as a link the way the encoder does (deflate-raw ‖ CRC-32, base64url, `v1.`), so the decoder
 *  gets content the encoder would never write, past its checksum. */
export function packLink(raw: Uint8Array): string {
  const deflated = deflateSync(raw, { level: 1 });
  const out = new Uint8Array(deflated.length + 4);
  out.set(deflated);
  new DataView(out.buffer).setUint32(deflated.length, crc32(raw));
  return `v1.${encodeBase64url(out)}`;
}

const FORMAT_NAMES = ['nft', 'nft-json', 'iptables', 'ipset', 'ipvs'] as const;

/** Workspaces a link may carry: any names and texts (hostile characters included), packets, views. */
export const permalinkState: fc.Arbitrary<PermalinkState> = fc.record(
  {
    sources: fc.array(fc.record({ name: randomText(30), format: fc.constantFrom(...FORMAT_NAMES), text: randomText(300) }), { maxLength: 4 }),
    packet: randomText(60),
    // The page never writes a `__proto__` key (the decoder refuses one at any depth), so none is generated.
    view: fc
      .dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 3 }), { maxKeys: 4 })
      .filter((v) => !JSON.stringify(v).includes('"__proto__"')),
  },
  { requiredKeys: ['sources'] },
);

const B64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** JSON documents close to a workspace: wrong types, unknown fields, deep views, `__proto__` keys. */
const nearState: fc.Arbitrary<string> = fc.oneof(
  fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)),
  fc.record({ sources: fc.jsonValue({ maxDepth: 3 }), packet: fc.jsonValue({ maxDepth: 1 }) }, { requiredKeys: [] }).map((v) => JSON.stringify(v)),
  fc.integer({ min: 1, max: 5000 }).map((n) => `{"sources":[],"view":${'{"a":'.repeat(n)}1${'}'.repeat(n)}}`),
  fc.integer({ min: 1, max: 5000 }).map((n) => `{"sources":[],"view":{"a":${'['.repeat(n)}${']'.repeat(n)}}}`),
  fc.constantFrom(
    '{"sources":[],"__proto__":{"polluted":1}}',
    '{"sources":[],"view":{"__proto__":{"polluted":1}}}',
    '{"sources":[{"name":"a","format":"__proto__","text":""}]}',
    '{"sources":[{"name":"a","format":"toString","text":""}]}',
    '{"sources":[{"name":"a","format":"nft","text":"x","extra":1}]}',
    '{"sources":{"length":1,"0":{}}}',
  ),
);

/** Links for the decoder: random text, random base64url after `v1.`, valid links damaged by an edit, and
 *  correctly packed documents that are not workspaces. */
export function permalinkInput(): fc.Arbitrary<string> {
  const valid = permalinkState.map((s) => encodePermalink(s));
  return fc.oneof(
    { weight: 1, arbitrary: randomText(200) },
    { weight: 2, arbitrary: fc.tuple(fc.constantFrom('v1.', 'v2.', 'v01.', '#v1.', 'https://x.invalid/#v1.', ''), fc.string({ unit: fc.constantFrom(...B64URL), maxLength: 300 })).map(([a, b]) => a + b) },
    { weight: 2, arbitrary: valid },
    { weight: 3, arbitrary: fc.tuple(valid, fc.array(mutation, { minLength: 1, maxLength: 3 })).map(([link, ms]) => ms.reduce(applyMutation, link)) },
    { weight: 3, arbitrary: nearState.map((json) => packLink(new TextEncoder().encode(json))) },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 200 }).map((bytes) => packLink(bytes)) },
  );
}
