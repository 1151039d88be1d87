// iptables match extensions (`-m NAME` and the protocol matches `-p tcp` loads implicitly): their options
// as libxtables declares them (iptables extensions/libxt_*.c, libipt_*.c, libip6t_*.c) and, where nftables
// has the same match, the IR statements iptables-nft puts in the kernel / iptables-translate prints.
// Modules without a `translate` (or whose translate returns undefined) stay `xt` nodes with structured
// options. Imports the IR builders, the spec types, the value parsers and the symbol tables.
import type { Expr, RelOp, SourceRange, Stmt } from '../../model/ir.ts';
import { binop, flags, maskedMatch, match, meta, payload, prefix, set, value, valueOrRange, ct, compact } from './build.ts';
import {
  addressRange, choice, choiceList, float, host, iface, mac, markMask, parseUnsigned, port, portRange, protocol, str,
  text, uint, uintRange,
} from './parsers.ts';
import { findOption, hasOption, ValueError, type ModuleSpec, type OptionSpec, type OptionUse, type RuleContext, type XtValue } from './spec.ts';
import {
  ADDR_TYPES, DSCP_CLASSES, IPTABLES_ICMP_TYPES, IPTABLES_ICMPV6_TYPES, NFT_DSCP, NFT_ICMP_CODE, NFT_ICMP_TYPE, NFT_ICMPV6_CODE,
  NFT_ICMPV6_TYPE, TCP_FLAGS, TOS_NAMES, portNumber, protocolValue,
} from './values.ts';
import { lookupTable } from '../../model/lookup.ts';

export const PROTO = { icmp: 1, tcp: 6, udp: 17, dccp: 33, esp: 50, ah: 51, icmpv6: 58, ipcomp: 108, sctp: 132, mh: 135, udplite: 136 } as const;

type Parser = NonNullable<OptionSpec['parse']>;

/** Option spec shorthand: `o('dport', portRange(), { invert: true })`. */
function o(name: string, parse?: Parser, extra: Partial<OptionSpec> = {}): OptionSpec {
  return parse ? { name, parse, ...extra } : { name, nargs: 0, ...extra };
}
const I = { invert: true } as const;

/** omitIf for a range option covering the whole type. */
function isFull(max: number): (v: unknown) => boolean {
  return (v) => Array.isArray(v) && v[0] === 0 && v[1] === max;
}

// ── shared translation helpers ──

/** `-s`/`--ctorigsrc` style address: value, prefix, or `addr & mask == net` for a non-contiguous mask.
 *  A /0 prefix matches everything and produces no statement. */
export function addressMatch(left: Expr, hostValue: string, negated: boolean, range?: SourceRange, argRange?: SourceRange): Stmt | undefined {
  const op: RelOp = negated ? '!=' : '==';
  const slash = hostValue.indexOf('/');
  if (slash < 0) return match(op, left, value(hostValue, argRange), range);
  const addr = hostValue.slice(0, slash);
  const mask = hostValue.slice(slash + 1);
  if (/^\d+$/.test(mask)) {
    const len = Number(mask);
    if (len === 0 && !negated) return undefined;
    return match(op, left, prefix(addr, len, argRange), range);
  }
  return match(op, binop('&', left, value(mask, argRange), range), value(addr, argRange), range);
}

function nums(o: OptionUse): readonly number[] {
  return o.value as readonly number[];
}

/** A port (range) match; a full 0:65535 range without `!` always matches and yields nothing. */
function portMatch(proto: string, field: string, o: OptionUse): Stmt | undefined {
  // Indexes, not destructuring: until the JIT has warmed up, destructuring walks the iterator protocol.
  const lo = nums(o)[0] ?? 0;
  const hi = nums(o)[1] ?? 65535;
  if (lo === 0 && hi === 65535 && !o.negated) return undefined;
  return match(o.negated ? '!=' : '==', payload(proto, field, o.nameRange), valueOrRange(lo, hi, o.argRange), o.range);
}

/** A uint range match on any left expression; `full` is the type's maximum (a full range is dropped). */
function rangeMatch(left: Expr, o: OptionUse, full: number): Stmt | undefined {
  const lo = nums(o)[0] ?? 0;
  const hi = nums(o)[1] ?? full;
  if (lo === 0 && hi === full && !o.negated) return undefined;
  return match(o.negated ? '!=' : '==', left, valueOrRange(lo, hi, o.argRange), o.range);
}

function eqMatch(left: Expr, v: number | string, o: OptionUse): Stmt {
  return match(o.negated ? '!=' : '==', left, value(v, o.argRange), o.range);
}

function protoName(ctx: RuleContext): string {
  return String(protocolValue(ctx.proto?.num ?? 0));
}

// ── tcp flags ──

const TCP_FLAG_BITS: Readonly<Record<string, number>> = lookupTable({ fin: 1, syn: 2, rst: 4, psh: 8, ack: 16, urg: 32, all: 63, none: 0 });

function parseTcpFlagList(s: string): number | undefined {
  let bits = 0;
  for (const part of s.split(',')) {
    const b = TCP_FLAG_BITS[part.toLowerCase()];
    if (b === undefined) return undefined;
    bits |= b;
  }
  return bits;
}

function tcpFlagNames(bits: number): string[] {
  return TCP_FLAGS.filter((_, i) => (bits >> i) & 1);
}

const tcpFlagsParser: Parser = (args) => {
  const mask = parseTcpFlagList(args[0] ?? '');
  const comp = parseTcpFlagList(args[1] ?? '');
  if (mask === undefined || comp === undefined) return new ValueError('expected two lists of FIN,SYN,RST,PSH,ACK,URG,ALL,NONE');
  return [mask, comp];
};

function tcpFlagsMatch(o: OptionUse): Stmt {
  const [mask = 0, comp = 0] = nums(o);
  const left = binop('&', payload('tcp', 'flags', o.nameRange), flags(tcpFlagNames(mask), o.argRange), o.range);
  const right = comp === 0 ? value(0, o.argRange) : flags(tcpFlagNames(comp), o.argRange);
  return match(o.negated ? '!=' : '==', left, right, o.range);
}

// ── protocol matches ──

function portsModule(name: string, proto: number, extra: OptionSpec[] = []): ModuleSpec {
  return {
    name,
    kind: 'match',
    options: [
      o('source-port', portRange(), { ...I, key: 'sport' }),
      o('sport', portRange(), { ...I, key: 'sport' }),
      o('destination-port', portRange(), { ...I, key: 'dport' }),
      o('dport', portRange(), { ...I, key: 'dport' }),
      ...extra,
    ],
    protos: [proto],
    protosText: name,
    translate(m) {
      const out: Stmt[] = [];
      // iptables-nft writes the TCP flags first, then the source and the destination port, whatever the
      // order on the command line (nft_tcp in iptables/nft.c; the kernel listings of the corpus agree).
      const rank = (o: OptionUse) => (o.spec.key === 'tcpFlags' ? 0 : o.spec.key === 'sport' ? 1 : o.spec.key === 'dport' ? 2 : 3);
      // A single option (nearly every rule: `--dport N`) needs no sorted copy; indexed loop, as in rule.ts.
      const opts = m.opts.length > 1 ? [...m.opts].sort((a, b) => rank(a) - rank(b)) : m.opts;
      for (let k = 0; k < opts.length; k++) {
        const opt = opts[k] as OptionUse;
        const key = opt.spec.key;
        if (key === 'sport' || key === 'dport') {
          const s = portMatch(name, key, opt);
          if (s) out.push(s);
        } else if (opt.spec.name === 'tcp-flags' || opt.spec.name === 'syn') {
          out.push(tcpFlagsMatch(opt));
        } else if (opt.spec.name === 'dccp-types') {
          const names = opt.value as readonly string[];
          const items = names.map((n) => value(n.toLowerCase(), opt.argRange));
          out.push(match(opt.negated ? '!=' : '==', payload('dccp', 'type', opt.nameRange), items.length === 1 ? (items[0] as Expr) : set(items, opt.argRange), opt.range));
        } else return undefined;
      }
      return out;
    },
  };
}

const tcp = portsModule('tcp', PROTO.tcp, [
  o('tcp-flags', tcpFlagsParser, { ...I, nargs: 2, key: 'tcpFlags', excl: ['syn'] }),
  { name: 'syn', nargs: 0, invert: true, key: 'tcpFlags', excl: ['tcp-flags'], parse: () => [0x17, 0x02] },
  o('tcp-option', uint(8), I),
]);
const udp = portsModule('udp', PROTO.udp);
const DCCP_TYPES = ['REQUEST', 'RESPONSE', 'DATA', 'ACK', 'DATAACK', 'CLOSEREQ', 'CLOSE', 'RESET', 'SYNC', 'SYNCACK', 'INVALID'];
const dccpBase = portsModule('dccp', PROTO.dccp, [o('dccp-types', choiceList(DCCP_TYPES), I), o('dccp-option', uint(8), I)]);
const dccp: ModuleSpec = {
  ...dccpBase,
  translate(m, ctx) {
    const types = findOption(m, 'dccp-types');
    // nft has no name for INVALID: it prints the reserved range 10-15 instead; keep such rules as xt.
    if (types && (types.value as readonly string[]).includes('INVALID')) return undefined;
    return dccpBase.translate?.(m, ctx);
  },
};
const SCTP_CHUNKS = [
  'DATA', 'INIT', 'INIT_ACK', 'SACK', 'HEARTBEAT', 'HEARTBEAT_ACK', 'ABORT', 'SHUTDOWN', 'SHUTDOWN_ACK', 'ERROR', 'COOKIE_ECHO',
  'COOKIE_ACK', 'ECN_ECNE', 'ECN_CWR', 'SHUTDOWN_COMPLETE', 'I_DATA', 'RE_CONFIG', 'PAD', 'ASCONF', 'ASCONF_ACK', 'FORWARD_TSN', 'I_FORWARD_TSN',
];
const sctp = portsModule('sctp', PROTO.sctp, [
  {
    name: 'chunk-types',
    nargs: 2,
    invert: true,
    parse: (args) => {
      const scope = (args[0] ?? '').toLowerCase();
      if (scope !== 'all' && scope !== 'any' && scope !== 'only') return new ValueError('expected all, any or only');
      const chunks = (args[1] ?? '').split(',');
      for (const c of chunks) {
        const name = c.split(':')[0] ?? '';
        if (!SCTP_CHUNKS.includes(name.toUpperCase()) && name.toUpperCase() !== 'ALL' && name.toUpperCase() !== 'NONE') return new ValueError(`unknown chunk type '${c}'`);
      }
      return [scope, ...chunks];
    },
  },
]);

function icmpModule(name: string, family: 'ip' | 'ip6', proto: number, optName: string): ModuleSpec {
  const table = family === 'ip' ? IPTABLES_ICMP_TYPES : IPTABLES_ICMPV6_TYPES;
  const nftTypes = family === 'ip' ? NFT_ICMP_TYPE : NFT_ICMPV6_TYPE;
  const nftCodes = family === 'ip' ? NFT_ICMP_CODE : NFT_ICMPV6_CODE;
  const payloadProto = family === 'ip' ? 'icmp' : 'icmpv6';
  return {
    name,
    kind: 'match',
    family,
    protos: [proto],
    protosText: family === 'ip' ? 'icmp' : 'ipv6-icmp',
    options: [
      {
        name: optName,
        key: 'type',
        invert: true,
        parse: (args) => {
          const t = args[0] ?? '';
          const named = table.get(t.toLowerCase());
          if (named) return [named.type, named.codeMin, named.codeMax];
          const mm = /^(\d+)(?:\/(\d+)(?::(\d+))?)?$/.exec(t);
          if (!mm) return new ValueError(`unknown ICMP${family === 'ip6' ? 'v6' : ''} type`);
          const type = Number(mm[1]);
          const lo = mm[2] === undefined ? 0 : Number(mm[2]);
          const hi = mm[3] !== undefined ? Number(mm[3]) : mm[2] !== undefined ? lo : 255;
          if (type > 255 || lo > 255 || hi > 255 || lo > hi) return new ValueError('type and code are 0-255');
          return [type, lo, hi];
        },
      },
    ],
    needsOne: family === 'ip' ? undefined : [optName],
    translate(m) {
      const opt = m.opts[0];
      if (!opt) return [];
      const [type = 0, lo = 0, hi = 255] = nums(opt);
      if (family === 'ip' && type === 255) return opt.negated ? undefined : [];
      const hasCode = !(lo === 0 && hi === 255);
      if (hasCode && opt.negated) return undefined; // not (type and code) is not one nft match
      const out: Stmt[] = [match(opt.negated ? '!=' : '==', payload(payloadProto, 'type', opt.nameRange), value(nftTypes.get(type) ?? type, opt.argRange), opt.range)];
      if (hasCode) {
        const code: Expr = lo === hi ? value(nftCodes.get(lo) ?? lo, opt.argRange) : valueOrRange(lo, hi, opt.argRange);
        out.push(match('==', payload(payloadProto, 'code', opt.nameRange), code, opt.range));
      }
      return out;
    },
  };
}

// ── conntrack / state ──

const CT_STATES = ['INVALID', 'NEW', 'ESTABLISHED', 'RELATED', 'UNTRACKED', 'SNAT', 'DNAT'];
const CT_STATUS = ['NONE', 'EXPECTED', 'SEEN_REPLY', 'ASSURED', 'CONFIRMED'];

/** `--ctstate`/`--state`: states are one-hot (one per packet), SNAT/DNAT are status bits; iptables ORs them. */
function ctStateMatches(opt: OptionUse): Stmt[] | undefined {
  const names = opt.value as readonly string[];
  const states = names.filter((n) => n !== 'SNAT' && n !== 'DNAT').map((n) => n.toLowerCase());
  const status = names.filter((n) => n === 'SNAT' || n === 'DNAT').map((n) => n.toLowerCase());
  const left = () => ct('state', undefined, opt.nameRange);
  const statusLeft = () => ct('status', undefined, opt.nameRange);
  const r = opt.argRange;
  if (!opt.negated) {
    // "state in S or status has T": one nft match only when one side is empty.
    if (states.length && status.length) return undefined;
    if (states.length) return [match('in', left(), flags(states, r), opt.range)];
    return [match('in', statusLeft(), flags(status, r), opt.range)];
  }
  // not (A or B) = not A and not B
  const out: Stmt[] = [];
  if (states.length === 1) out.push(match('!=', left(), value(states[0] ?? '', r), opt.range));
  else if (states.length > 1) out.push(match('!=', left(), set(states.map((s) => value(s, r)), r), opt.range));
  if (status.length) out.push(match('==', binop('&', statusLeft(), flags(status, r), opt.range), value(0, r), opt.range));
  return out;
}

const conntrack: ModuleSpec = {
  name: 'conntrack',
  kind: 'match',
  options: [
    o('ctstate', choiceList(CT_STATES), I),
    o('ctproto', protocol(), I),
    o('ctorigsrc', host(), I),
    o('ctorigdst', host(), I),
    o('ctreplsrc', host(), I),
    o('ctrepldst', host(), I),
    o('ctorigsrcport', portRange(), I),
    o('ctorigdstport', portRange(), I),
    o('ctreplsrcport', portRange(), I),
    o('ctrepldstport', portRange(), I),
    o('ctstatus', choiceList(CT_STATUS), I),
    o('ctexpire', uintRange(32), I),
    o('ctdir', choice(['ORIGINAL', 'REPLY'])),
  ],
  needsOne: ['ctstate', 'ctproto', 'ctorigsrc', 'ctorigdst', 'ctreplsrc', 'ctrepldst', 'ctorigsrcport', 'ctorigdstport', 'ctreplsrcport', 'ctrepldstport', 'ctstatus', 'ctexpire', 'ctdir'],
  check(m) {
    const p = findOption(m, 'ctproto');
    if (p && p.value === 0) return "'--ctproto 0' would never match";
    return undefined;
  },
  translate(m) {
    // Kept as the xt match where nft's statements would say something else: iptables-nft runs xt_conntrack
    // (conntrack_mt), which without a conntrack entry tests --ctstate only (SNAT/DNAT are never set then) and
    // returns there, where every nft `ct` read but `ct state` ends the rule (nft_ct_get_eval: NFT_BREAK).
    // So `! --ctstate SNAT` matches an invalid packet, and `--ctstate INVALID --ctdir ORIGINAL` does too.
    const stateOpt = findOption(m, 'ctstate');
    if (stateOpt && (m.opts.length > 1 || (stateOpt.negated && (stateOpt.value as readonly string[]).some((x) => x === 'SNAT' || x === 'DNAT')))) return undefined;
    const out: Stmt[] = [];
    for (const opt of m.opts) {
      const n = opt.spec.name;
      const dirOf = (s: string): 'original' | 'reply' => (s.startsWith('ctorig') ? 'original' : 'reply');
      switch (n) {
        case 'ctstate': {
          const s = ctStateMatches(opt);
          if (!s) return undefined;
          out.push(...s);
          break;
        }
        case 'ctproto':
          out.push(eqMatch(ct('protocol', undefined, opt.nameRange), protocolValue(opt.value as number), opt));
          break;
        case 'ctorigsrc':
        case 'ctorigdst':
        case 'ctreplsrc':
        case 'ctrepldst': {
          const s = addressMatch(ct(n.endsWith('src') ? 'saddr' : 'daddr', dirOf(n), opt.nameRange), opt.value as string, opt.negated, opt.range, opt.argRange);
          if (s) out.push(s);
          break;
        }
        case 'ctorigsrcport':
        case 'ctorigdstport':
        case 'ctreplsrcport':
        case 'ctrepldstport': {
          const [lo = 0, hi = 65535] = nums(opt);
          out.push(match(opt.negated ? '!=' : '==', ct(n.includes('src') ? 'proto-src' : 'proto-dst', dirOf(n), opt.nameRange), valueOrRange(lo, hi, opt.argRange), opt.range));
          break;
        }
        case 'ctstatus': {
          const names = (opt.value as readonly string[]).filter((x) => x !== 'NONE').map((x) => x.toLowerCase().replace('_', '-'));
          if (names.length === 0) return undefined;
          const left = ct('status', undefined, opt.nameRange);
          out.push(opt.negated ? match('==', binop('&', left, flags(names, opt.argRange), opt.range), value(0, opt.argRange), opt.range) : match('in', left, flags(names, opt.argRange), opt.range));
          break;
        }
        case 'ctexpire': {
          const [lo = 0, hi = 0] = nums(opt);
          out.push(match(opt.negated ? '!=' : '==', ct('expiration', undefined, opt.nameRange), valueOrRange(lo, hi, opt.argRange), opt.range));
          break;
        }
        case 'ctdir':
          out.push(match('==', ct('direction', undefined, opt.nameRange), value(String(opt.value).toLowerCase(), opt.argRange), opt.range));
          break;
        default:
          return undefined;
      }
    }
    return out;
  },
};

const state: ModuleSpec = {
  name: 'state',
  kind: 'match',
  options: [o('state', choiceList(CT_STATES.slice(0, 5)), { ...I, mand: true })],
  translate: (m) => (m.opts[0] ? ctStateMatches(m.opts[0]) : undefined),
};

// ── multiport ──

const multiportList: Parser = (args) => {
  const parts = (args[0] ?? '').split(',');
  let count = 0;
  const out: string[] = [];
  for (const part of parts) {
    const [a, b, extra] = part.split(':');
    if (extra !== undefined || a === undefined) return new ValueError(`bad port '${part}'`);
    const lo = portNumber(a);
    const hi = b === undefined ? lo : portNumber(b);
    if (lo === undefined || hi === undefined) return new ValueError(`bad port '${part}'`);
    if (lo > hi) return new ValueError(`range ${part} is reversed`);
    out.push(lo === hi ? String(lo) : `${lo}:${hi}`);
    count += b === undefined ? 1 : 2;
  }
  if (count > 15) return new ValueError('too many ports (at most 15, a range counts as two)');
  return out;
};

const MULTIPORT_PROTOS = [PROTO.tcp, PROTO.udp, PROTO.udplite, PROTO.sctp, PROTO.dccp];

const multiport: ModuleSpec = {
  name: 'multiport',
  kind: 'match',
  options: [
    o('source-ports', multiportList, { ...I, key: 'sports' }),
    o('sports', multiportList, { ...I, key: 'sports' }),
    o('destination-ports', multiportList, { ...I, key: 'dports' }),
    o('dports', multiportList, { ...I, key: 'dports' }),
    o('ports', multiportList, I),
  ],
  needsOne: ['source-ports', 'sports', 'destination-ports', 'dports', 'ports'],
  check(m) {
    if (m.opts.length > 1) return 'only one of --sports, --dports, --ports';
    return undefined;
  },
  protos: MULTIPORT_PROTOS,
  protosText: "tcp', `-p udp', `-p udplite', `-p sctp' or `-p dccp",
  translate(m, ctx) {
    const opt = m.opts[0];
    if (!opt || opt.spec.name === 'ports') return undefined; // "sport or dport" is not one nft match
    const items = (opt.value as readonly string[]).map((p) => {
      const [a, b] = p.split(':');
      return valueOrRange(Number(a), Number(b ?? a), opt.argRange);
    });
    const field = opt.spec.key === 'sports' ? 'sport' : 'dport';
    const right = items.length === 1 ? (items[0] as Expr) : set(items, opt.argRange);
    return [match(opt.negated ? '!=' : '==', payload(protoName(ctx), field, opt.nameRange), right, opt.range)];
  },
};

// ── marks, addresses, simple meta matches ──

function markModule(name: string, left: (r?: SourceRange) => Expr): ModuleSpec {
  return {
    name,
    kind: 'match',
    options: [o('mark', markMask(), { ...I, mand: true })],
    translate(m) {
      const opt = m.opts[0];
      if (!opt) return undefined;
      const [v = 0, mask = 0xffffffff] = nums(opt);
      return [maskedMatch(left(opt.nameRange), v, mask, 0xffffffff, opt.negated, opt.range, opt.argRange)];
    },
  };
}

const iprange: ModuleSpec = {
  name: 'iprange',
  kind: 'match',
  options: [o('src-range', addressRange(), I), o('dst-range', addressRange(), I)],
  needsOne: ['src-range', 'dst-range'],
  translate(m, ctx) {
    return m.opts.map((opt) => {
      const [a = '', b = ''] = opt.value as readonly string[];
      return match(opt.negated ? '!=' : '==', payload(ctx.family, opt.spec.name === 'src-range' ? 'saddr' : 'daddr', opt.nameRange), valueOrRange(a, b, opt.argRange), opt.range);
    });
  },
};

const PKTTYPES: Readonly<Record<string, string>> = lookupTable({ unicast: 'host', host: 'host', broadcast: 'broadcast', multicast: 'multicast', otherhost: 'other' });

function ownerId(kind: 'user' | 'group'): Parser {
  return (args) => {
    const t = args[0] ?? '';
    const parts = t.split('-');
    const out: number[] = [];
    for (const p of parts) {
      // getpwnam/getgrnam would need the host's databases: only root is known everywhere.
      const n = p === 'root' ? 0 : parseUnsigned(p);
      if (n === undefined || n > 4294967295) return new ValueError(`unknown ${kind} '${p}' (nflens knows only root and numeric ids)`);
      out.push(n);
    }
    if (out.length > 2 || (out.length === 2 && (out[0] ?? 0) > (out[1] ?? 0))) return new ValueError('expected id or id-id');
    return out.length === 1 ? [out[0] ?? 0, out[0] ?? 0] : out;
  };
}

const limitRate: Parser = (args) => {
  const t = args[0] ?? '';
  const m = /^(\d+)(?:\/([a-zA-Z]+))?$/.exec(t);
  if (!m) return new ValueError('expected N/second, N/minute, N/hour or N/day');
  const n = Number(m[1]);
  const unit = (m[2] ?? 'second').toLowerCase();
  const per = ['second', 'minute', 'hour', 'day'].find((u) => u.startsWith(unit));
  if (!per || n === 0) return new ValueError(n === 0 ? 'rate must be greater than zero' : `bad unit '${m[2] ?? ''}'`);
  return `${n}/${per}`;
};

const hashlimitRate: Parser = (args) => {
  const t = args[0] ?? '';
  if (/^\d+(\/[a-zA-Z]+)?$/.test(t)) return limitRate(args, undefined as never);
  const m = /^(\d+)([kmg]?b)\/s$/i.exec(t);
  if (!m) return new ValueError('expected N/second… or N[kb|mb|gb|b]/s');
  return `${m[1]}${(m[2] ?? '').toLowerCase()}/s`;
};

function ttlModule(name: string, family: 'ip' | 'ip6', field: string, prefixName: string): ModuleSpec {
  const all = [`${prefixName}-eq`, `${prefixName}-lt`, `${prefixName}-gt`];
  return {
    name,
    kind: 'match',
    family,
    options: [
      o(`${prefixName}-eq`, uint(8), { ...I, excl: all }),
      o(`${prefixName}-lt`, uint(8), { excl: all }),
      o(`${prefixName}-gt`, uint(8), { excl: all }),
      ...(family === 'ip' ? [o('ttl', uint(8), { key: 'ttlEq', excl: all })] : [o('hl', uint(8), { key: 'hlEq', excl: all })]),
    ],
    needsOne: [...all, family === 'ip' ? 'ttl' : 'hl'],
    translate(m) {
      const opt = m.opts[0];
      if (!opt) return undefined;
      const kind = opt.spec.name.endsWith('-lt') ? '<' : opt.spec.name.endsWith('-gt') ? '>' : opt.negated ? '!=' : '==';
      return [match(kind, payload(family, field, opt.nameRange), value(opt.value as number, opt.argRange), opt.range)];
    },
  };
}

const dscpParse: Parser = (args) => {
  const n = parseUnsigned(args[0] ?? '');
  if (n === undefined || n > 63) return new ValueError('DSCP is 0-63');
  return n;
};
const dscpClass: Parser = (args) => DSCP_CLASSES.get((args[0] ?? '').toLowerCase()) ?? new ValueError('unknown DSCP class');

/** nft's name for a DSCP value (`ef`, `cs1`) or the number. */
export function dscpValue(n: number): string | number {
  return NFT_DSCP.get(n) ?? n;
}

export const tosParse: Parser = (args) => {
  const t = args[0] ?? '';
  const named = TOS_NAMES.get(t.toLowerCase());
  if (named !== undefined) return [named, 0x3f];
  const slash = t.indexOf('/');
  const v = parseUnsigned(slash < 0 ? t : t.slice(0, slash));
  const mask = slash < 0 ? 0xff : parseUnsigned(t.slice(slash + 1));
  if (v === undefined || mask === undefined || v > 255 || mask > 255) return new ValueError('expected a TOS name or value[/mask] (0-255)');
  return [v, mask];
};

const uint64Range: Parser = (args) => {
  const t = args[0] ?? '';
  const mm = /^(\d*)(?::(\d*))?$/.exec(t);
  if (!mm) return new ValueError('expected from[:to]');
  const max = 18446744073709551615n;
  const lo = mm[1] === '' || mm[1] === undefined ? 0n : BigInt(mm[1]);
  const hi = mm[2] === undefined || mm[2] === '' ? undefined : BigInt(mm[2]);
  if (lo > max || (hi !== undefined && hi > max)) return new ValueError('value out of range');
  if (hi !== undefined && lo > hi) return new ValueError('range is reversed');
  return hi === undefined ? [Number(lo)] : [Number(lo), Number(hi)];
};

const ADDRTYPE_NAMES = [...ADDR_TYPES.keys()].map((k) => k.toUpperCase());

const addrtype: ModuleSpec = {
  name: 'addrtype',
  kind: 'match',
  options: [
    o('src-type', choiceList(ADDRTYPE_NAMES), I),
    o('dst-type', choiceList(ADDRTYPE_NAMES), I),
    o('limit-iface-in', undefined, { excl: ['limit-iface-out'] }),
    o('limit-iface-out', undefined, { excl: ['limit-iface-in'] }),
  ],
  needsOne: ['src-type', 'dst-type'],
  check(m, ctx) {
    const builtin = ['PREROUTING', 'INPUT', 'FORWARD', 'OUTPUT', 'POSTROUTING'].includes(ctx.chain);
    if (builtin && hasOption(m, 'limit-iface-in') && !['PREROUTING', 'INPUT', 'FORWARD'].includes(ctx.chain)) return '--limit-iface-in is only valid in PREROUTING, INPUT and FORWARD';
    if (builtin && hasOption(m, 'limit-iface-out') && !['OUTPUT', 'POSTROUTING', 'FORWARD'].includes(ctx.chain)) return '--limit-iface-out is only valid in OUTPUT, POSTROUTING and FORWARD';
    return undefined;
  },
  // addrtype asks the routing table for the address type: nft's `fib saddr|daddr [. iif|. oif] type`.
  // Not for IPv6: iptables-nft keeps `match name addrtype` in the kernel (nft --debug=netlink; nft 1.0.6 only
  // displays it as fib), and xt_addrtype's IPv6 test differs from fib's: UNICAST/MULTICAST/UNSPEC are the
  // address's own type (match_type6: a local address is UNICAST too), only LOCAL/ANYCAST/UNREACHABLE ask
  // the routes; so ip6tables rules keep an xt node (xtMatches.ts addrtype).
  translate(m, ctx) {
    if (ctx.family === 'ip6') return undefined;
    const iface = hasOption(m, 'limit-iface-in') ? 'iif' : hasOption(m, 'limit-iface-out') ? 'oif' : undefined;
    const out: Stmt[] = [];
    for (const opt of m.opts) {
      if (opt.spec.name !== 'src-type' && opt.spec.name !== 'dst-type') continue;
      const fibFlags = [opt.spec.name === 'src-type' ? 'saddr' : 'daddr', ...(iface ? [iface] : [])];
      const types = (opt.value as readonly string[]).map((t) => value(ADDR_TYPES.get(t.toLowerCase()) ?? t.toLowerCase(), opt.argRange));
      const right = types.length === 1 ? (types[0] as Expr) : set(types, opt.argRange);
      out.push(match(opt.negated ? '!=' : '==', { kind: 'fib', result: 'type', flags: fibFlags, range: opt.nameRange }, right, opt.range));
    }
    return out;
  },
};

const statistic: ModuleSpec = {
  name: 'statistic',
  kind: 'match',
  options: [
    o('mode', choice(['random', 'nth']), { mand: true }),
    o('probability', float(0, 1), I),
    o('every', uint(32, 1), I),
    o('packet', uint(32)),
  ],
  check(m) {
    const mode = findOption(m, 'mode')?.value;
    const every = findOption(m, 'every')?.value as number | undefined;
    const packet = findOption(m, 'packet')?.value as number | undefined;
    if (mode === 'random' && !hasOption(m, 'probability')) return '--mode random needs --probability';
    if (mode === 'random' && (every !== undefined || packet !== undefined)) return '--every and --packet are for --mode nth';
    // iptables refuses `--mode nth --every N` without --packet (extensions/libxt_statistic.t); iptables-save
    // always prints --packet.
    if (mode === 'nth' && (every === undefined || packet === undefined)) return '--mode nth needs --every and --packet';
    if (mode === 'nth' && hasOption(m, 'probability')) return '--probability is for --mode random';
    if (mode === 'nth' && every !== undefined && (packet ?? 0) > every - 1) return '--packet must be smaller than --every';
    return undefined;
  },
  defaults: {},
};

/** recent: the command is one of set/rcheck/update/remove. */
const RECENT_CMDS = ['set', 'rcheck', 'update', 'remove'];
const recent: ModuleSpec = {
  name: 'recent',
  kind: 'match',
  options: [
    ...RECENT_CMDS.map((c) => o(c, undefined, { ...I, excl: RECENT_CMDS })),
    o('name', str(200)),
    o('rsource', undefined, { excl: ['rdest'] }),
    o('rdest', undefined, { excl: ['rsource'] }),
    o('mask', host()),
    o('seconds', uint(32, 1)),
    o('reap', undefined, { also: ['seconds'] }),
    o('hitcount', uint(16, 1)),
    o('rttl'),
  ],
  needsOne: RECENT_CMDS,
  check(m) {
    if (hasOption(m, 'rttl') && !hasOption(m, 'rcheck') && !hasOption(m, 'update')) return '--rttl is only valid with --rcheck or --update';
    if ((hasOption(m, 'seconds') || hasOption(m, 'hitcount')) && (hasOption(m, 'set') || hasOption(m, 'remove'))) return '--seconds and --hitcount are for --rcheck and --update';
    return undefined;
  },
  defaults: (ctx, m) => ({
    name: 'DEFAULT',
    ...(hasOption(m, 'rdest') ? {} : { rsource: true }),
    mask: ctx.family === 'ip' ? '255.255.255.255' : 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff',
  }),
};

const setMatch: ModuleSpec = {
  name: 'set',
  kind: 'match',
  options: [
    {
      name: 'match-set',
      nargs: 2,
      invert: true,
      mand: true,
      parse: (args) => {
        const flagsList = (args[1] ?? '').split(',');
        if ((args[0] ?? '').length > 31) return new ValueError('set name longer than 31 characters');
        if (flagsList.some((f) => f !== 'src' && f !== 'dst') || flagsList.length > 6) return new ValueError("flags are a comma list of 'src' and 'dst'");
        return [args[0] ?? '', ...flagsList];
      },
      expand: (v) => {
        const [name = '', ...fl] = v as readonly string[];
        return [['name', name], ['flags', fl]];
      },
    },
    o('return-nomatch'),
    o('update-counters', undefined, I),
    o('update-subcounters', undefined, I),
    o('packets-eq', uint(64), I),
    o('packets-lt', uint(64)),
    o('packets-gt', uint(64)),
    o('bytes-eq', uint(64), I),
    o('bytes-lt', uint(64)),
    o('bytes-gt', uint(64)),
  ],
};

const physdev: ModuleSpec = {
  name: 'physdev',
  kind: 'match',
  options: [
    o('physdev-in', iface(), I),
    o('physdev-out', iface(), I),
    o('physdev-is-in', undefined, I),
    o('physdev-is-out', undefined, I),
    o('physdev-is-bridged', undefined, I),
  ],
  needsOne: ['physdev-in', 'physdev-out', 'physdev-is-in', 'physdev-is-out', 'physdev-is-bridged'],
};

const owner: ModuleSpec = {
  name: 'owner',
  kind: 'match',
  options: [o('uid-owner', ownerId('user'), I), o('gid-owner', ownerId('group'), I), o('socket-exists', undefined, I), o('suppl-groups', undefined, { also: ['gid-owner'] })],
  needsOne: ['uid-owner', 'gid-owner', 'socket-exists'],
  hooks: ['OUTPUT', 'POSTROUTING'],
  check(m) {
    const gid = m.opts.findIndex((x) => x.spec.name === 'gid-owner');
    const sup = m.opts.findIndex((x) => x.spec.name === 'suppl-groups');
    if (sup >= 0 && (gid < 0 || sup < gid)) return '--suppl-groups must follow --gid-owner';
    if (sup >= 0 && m.opts[sup]?.negated) return '--suppl-groups cannot be negated';
    return undefined;
  },
  translate(m) {
    // iptables-nft runs xt_owner; without a socket it matches when every option is negated (owner_mt:
    // `(info->match ^ info->invert) == 0`), where nft's `meta skuid != 0` ends the rule: keep those as xt
    if (m.opts.every((x) => x.negated)) return undefined;
    const out: Stmt[] = [];
    for (const opt of m.opts) {
      if (opt.spec.name !== 'uid-owner' && opt.spec.name !== 'gid-owner') return undefined;
      const [lo = 0, hi = 0] = nums(opt);
      out.push(match(opt.negated ? '!=' : '==', meta(opt.spec.name === 'uid-owner' ? 'skuid' : 'skgid', opt.nameRange), valueOrRange(lo, hi, opt.argRange), opt.range));
    }
    return out;
  },
};

const stringMatch: ModuleSpec = {
  name: 'string',
  kind: 'match',
  options: [
    o('algo', choice(['bm', 'kmp']), { mand: true }),
    o('from', uint(16), { omitIf: (v) => v === 0 }),
    o('to', uint(16), { omitIf: (v) => v === 65535 }),
    o('string', str(128), { ...I, excl: ['hex-string'] }),
    o('hex-string', text(), { ...I, excl: ['string'] }),
    o('icase'),
  ],
  needsOne: ['string', 'hex-string'],
  opaque: 'packet payload bytes',
};

const comment: ModuleSpec = { name: 'comment', kind: 'match', options: [o('comment', str(255), { mand: true, nargs: 'words' })], translate: () => [] };

const connbytes: ModuleSpec = {
  name: 'connbytes',
  kind: 'match',
  options: [
    o('connbytes', uint64Range, { ...I, mand: true }),
    o('connbytes-dir', choice(['original', 'reply', 'both']), { mand: true }),
    o('connbytes-mode', choice(['packets', 'bytes', 'avgpkt']), { mand: true }),
  ],
  translate(m) {
    const r = findOption(m, 'connbytes');
    const dir = findOption(m, 'connbytes-dir')?.value;
    const mode = findOption(m, 'connbytes-mode')?.value;
    if (!r) return undefined;
    const [lo = 0, hi] = nums(r);
    const left = ct(String(mode), dir === 'both' ? undefined : (dir as 'original' | 'reply'), r.nameRange);
    if (hi === undefined) return [match(r.negated ? '<' : '>=', left, value(lo, r.argRange), r.range)];
    return [match(r.negated ? '!=' : '==', left, valueOrRange(lo, hi, r.argRange), r.range)];
  },
};

const connlimit = (family: 'ip' | 'ip6'): ModuleSpec => ({
  name: 'connlimit',
  kind: 'match',
  family,
  options: [
    o('connlimit-upto', uint(32), { excl: ['connlimit-above'], invert: true }),
    o('connlimit-above', uint(32), { excl: ['connlimit-upto'], invert: true }),
    o('connlimit-mask', uint(8)),
    o('connlimit-saddr', undefined, { excl: ['connlimit-daddr'] }),
    o('connlimit-daddr', undefined, { excl: ['connlimit-saddr'] }),
  ],
  needsOne: ['connlimit-upto', 'connlimit-above'],
  check(m) {
    const mask = findOption(m, 'connlimit-mask')?.value as number | undefined;
    if (mask !== undefined && mask > (family === 'ip' ? 32 : 128)) return 'mask is longer than the address';
    return undefined;
  },
  defaults: (_ctx, m): Record<string, XtValue> => {
    const mask = family === 'ip' ? 32 : 128;
    return hasOption(m, 'connlimit-daddr') ? { connlimitMask: mask } : { connlimitMask: mask, connlimitSaddr: true };
  },
});

// The rate and count options take a `!` (XTOPT_INVERT in libxt_hashlimit.c / libxt_connlimit.c): it swaps
// "up to" and "above", which is how iptables-save prints such a rule back.
const hashlimit: ModuleSpec = {
  name: 'hashlimit',
  kind: 'match',
  options: [
    o('hashlimit', hashlimitRate, { key: 'hashlimitUpto', excl: ['hashlimit-upto', 'hashlimit-above'], invert: true }),
    o('hashlimit-upto', hashlimitRate, { excl: ['hashlimit', 'hashlimit-above'], invert: true }),
    o('hashlimit-above', hashlimitRate, { excl: ['hashlimit', 'hashlimit-upto'], invert: true }),
    o('hashlimit-burst', text()),
    o('hashlimit-mode', choiceList(['srcip', 'srcport', 'dstip', 'dstport'])),
    o('hashlimit-srcmask', uint(8)),
    o('hashlimit-dstmask', uint(8)),
    o('hashlimit-name', str(255), { mand: true }),
    o('hashlimit-htable-size', uint(32)),
    o('hashlimit-htable-max', uint(32)),
    o('hashlimit-htable-expire', uint(32)),
    o('hashlimit-htable-gcinterval', uint(32)),
    o('hashlimit-rate-match'),
    o('hashlimit-rate-interval', uint(32, 1)),
  ],
  needsOne: ['hashlimit', 'hashlimit-upto', 'hashlimit-above'],
  defaults: { hashlimitBurst: '5' },
};

const policy: ModuleSpec = {
  name: 'policy',
  kind: 'match',
  options: [
    o('dir', choice(['in', 'out']), { mand: true }),
    o('pol', choice(['none', 'ipsec']), { mand: true }),
    o('strict'),
    o('reqid', uint(32), { ...I, multi: true }),
    o('spi', uint(32), { ...I, multi: true }),
    o('proto', choice(['ah', 'esp', 'ipcomp']), { ...I, multi: true }),
    o('mode', choice(['tunnel', 'transport']), { ...I, multi: true }),
    o('tunnel-src', host(), { ...I, multi: true }),
    o('tunnel-dst', host(), { ...I, multi: true }),
    o('next', undefined, { multi: true }),
  ],
  check(m) {
    const elementOpts = ['reqid', 'spi', 'proto', 'mode', 'tunnel-src', 'tunnel-dst'];
    if (hasOption(m, 'strict') && !m.opts.some((x) => elementOpts.includes(x.spec.name))) return '--strict needs at least one policy element';
    if ((hasOption(m, 'tunnel-src') || hasOption(m, 'tunnel-dst')) && findOption(m, 'mode')?.value !== 'tunnel') return '--tunnel-src/--tunnel-dst need --mode tunnel';
    return undefined;
  },
};

const time: ModuleSpec = {
  name: 'time',
  kind: 'match',
  options: [
    o('datestart', str()), o('datestop', str()), o('timestart', str()), o('timestop', str()),
    o('monthdays', str(), I), o('weekdays', str(), I), o('contiguous'), o('kerneltz'), o('localtz'), o('utc'),
  ],
};

const ipvs: ModuleSpec = {
  name: 'ipvs',
  kind: 'match',
  options: [
    o('ipvs', undefined, I), o('vproto', protocol(), I), o('vaddr', host(), I), o('vport', port(), I),
    o('vdir', choice(['ORIGINAL', 'REPLY'])), o('vmethod', choice(['GATE', 'IPIP', 'MASQ']), I), o('vportctl', port(), I),
  ],
  needsOne: ['ipvs', 'vproto', 'vaddr', 'vport', 'vdir', 'vmethod', 'vportctl'],
};

const rpfilter: ModuleSpec = {
  name: 'rpfilter',
  kind: 'match',
  options: [o('loose'), o('validmark'), o('accept-local'), o('invert')],
  tables: ['raw', 'mangle'],
  hooks: ['PREROUTING'],
};

const socket: ModuleSpec = {
  name: 'socket',
  kind: 'match',
  options: [o('transparent'), o('nowildcard'), o('restore-skmark')],
  tables: ['mangle'],
  hooks: ['PREROUTING', 'INPUT'],
};

const spiModule = (name: string, proto: number | undefined, optName: string, family?: 'ip' | 'ip6', extra: OptionSpec[] = [], nft = true): ModuleSpec => ({
  name,
  kind: 'match',
  family,
  options: [o(optName, uintRange(32), { ...I, omitIf: isFull(4294967295) }), ...extra],
  protos: proto === undefined ? undefined : [proto],
  protosText: name,
  translate: nft
    ? (m) => {
        const out: Stmt[] = [];
        for (const opt of m.opts) {
          if (opt.spec.name !== optName) return undefined;
          const [lo = 0, hi = 0] = nums(opt);
          // A full range says nothing (and iptables-nft drops it even when negated).
          if (lo === 0 && hi === 4294967295) continue;
          out.push(match(opt.negated ? '!=' : '==', payload(name, 'spi', opt.nameRange), valueOrRange(lo, hi, opt.argRange), opt.range));
        }
        return out;
      }
    : undefined,
});

const cgroup: ModuleSpec = {
  name: 'cgroup',
  kind: 'match',
  options: [o('cgroup', uint(32), { ...I, excl: ['path'] }), o('path', str(4096), { ...I, excl: ['cgroup'] })],
  needsOne: ['cgroup', 'path'],
  translate(m) {
    const opt = m.opts[0];
    if (!opt || opt.spec.name !== 'cgroup') return undefined;
    return [eqMatch(meta('cgroup', opt.nameRange), opt.value as number, opt)];
  },
};

const devgroup: ModuleSpec = {
  name: 'devgroup',
  kind: 'match',
  options: [o('src-group', markMask(), I), o('dst-group', markMask(), I)],
  needsOne: ['src-group', 'dst-group'],
  translate(m) {
    return m.opts.map((opt) => {
      const [v = 0, mask = 0xffffffff] = nums(opt);
      return maskedMatch(meta(opt.spec.name === 'src-group' ? 'iifgroup' : 'oifgroup', opt.nameRange), v, mask, 0xffffffff, opt.negated, opt.range, opt.argRange);
    });
  },
};

const dscp: ModuleSpec = {
  name: 'dscp',
  kind: 'match',
  options: [o('dscp', dscpParse, { ...I, excl: ['dscp-class'] }), o('dscp-class', dscpClass, { ...I, excl: ['dscp'], key: 'dscp' })],
  needsOne: ['dscp', 'dscp-class'],
  translate(m, ctx) {
    const opt = m.opts[0];
    if (!opt) return undefined;
    return [eqMatch(payload(ctx.family, 'dscp', opt.nameRange), dscpValue(opt.value as number), opt)];
  },
};

const ecn: ModuleSpec = {
  name: 'ecn',
  kind: 'match',
  options: [o('ecn-tcp-cwr', undefined, I), o('ecn-tcp-ece', undefined, I), o('ecn-ip-ect', uint(8), I)],
  needsOne: ['ecn-tcp-cwr', 'ecn-tcp-ece', 'ecn-ip-ect'],
  check(m, ctx) {
    if ((hasOption(m, 'ecn-tcp-cwr') || hasOption(m, 'ecn-tcp-ece')) && (ctx.proto?.num !== PROTO.tcp || ctx.proto.negated)) return "the TCP ECN bits need '-p tcp'";
    const ect = findOption(m, 'ecn-ip-ect')?.value as number | undefined;
    if (ect !== undefined && ect > 3) return '--ecn-ip-ect is 0-3';
    return undefined;
  },
};

const MH_TYPES: Readonly<Record<string, number>> = lookupTable({
  'binding-refresh-request': 0, brr: 0, 'home-test-init': 1, hoti: 1, 'careof-test-init': 2, coti: 2, 'home-test': 3, hot: 3,
  'careof-test': 4, cot: 4, 'binding-update': 5, bu: 5, 'binding-acknowledgement': 6, ba: 6, 'binding-error': 7, be: 7,
});
const mhType: Parser = (args) => {
  const t = args[0] ?? '';
  const [a = '', b] = t.split(':');
  const num = (s: string, dflt: number) => (s === '' ? dflt : (MH_TYPES[s.toLowerCase()] ?? parseUnsigned(s)));
  const lo = num(a, 0);
  const hi = b === undefined ? lo : num(b, 255);
  if (lo === undefined || hi === undefined || lo > 255 || hi > 255 || lo > hi) return new ValueError('expected an MH type or range 0-255');
  return [lo, hi];
};

const tcpmss: ModuleSpec = {
  name: 'tcpmss',
  kind: 'match',
  options: [o('mss', uintRange(16), { ...I, mand: true })],
  protos: [PROTO.tcp],
  protosText: 'tcp',
  translate(m) {
    const opt = m.opts[0];
    if (!opt) return undefined;
    const left: Expr = { kind: 'option', protocol: 'tcp', name: 'maxseg', field: 'size', range: opt.nameRange };
    const s = rangeMatch(left, opt, 65535);
    return s ? [s] : [match('==', left, valueOrRange(0, 65535, opt.argRange), opt.range)];
  },
};

// ── the registry ──

function simple(name: string, options: OptionSpec[], extra: Partial<ModuleSpec> = {}): ModuleSpec {
  return { name, kind: 'match', options, ...extra };
}

const ALL_MATCHES: ModuleSpec[] = [
  tcp, udp, sctp, dccp,
  icmpModule('icmp', 'ip', PROTO.icmp, 'icmp-type'),
  icmpModule('icmp6', 'ip6', PROTO.icmpv6, 'icmpv6-type'),
  conntrack, state, multiport, comment, addrtype, statistic, recent, setMatch, physdev, owner, stringMatch,
  markModule('mark', (r) => meta('mark', r)),
  markModule('connmark', (r) => ct('mark', undefined, r)),
  iprange,
  simple('length', [o('length', uintRange(16), { ...I, mand: true })], {
    translate: (m) => {
      const opt = m.opts[0];
      if (!opt) return undefined;
      const [lo = 0, hi = 0] = nums(opt);
      return [match(opt.negated ? '!=' : '==', meta('length', opt.nameRange), valueOrRange(lo, hi, opt.argRange), opt.range)];
    },
  }),
  simple('pkttype', [o('pkt-type', choice(Object.keys(PKTTYPES)), { ...I, mand: true })], {
    translate: (m) => {
      const opt = m.opts[0];
      return opt ? [eqMatch(meta('pkttype', opt.nameRange), PKTTYPES[String(opt.value)] ?? String(opt.value), opt)] : undefined;
    },
  }),
  simple('mac', [o('mac-source', mac(), { ...I, mand: true })], {
    hooks: ['PREROUTING', 'INPUT', 'FORWARD'],
    translate: (m) => {
      const opt = m.opts[0];
      return opt ? [eqMatch(payload('ether', 'saddr', opt.nameRange), opt.value as string, opt)] : undefined;
    },
  }),
  {
    name: 'limit',
    kind: 'match',
    options: [o('limit', limitRate), o('limit-burst', uint(32, 1))],
    defaults: { limit: '3/hour', limitBurst: 5 },
    translate(m) {
      const rate = findOption(m, 'limit');
      const burst = findOption(m, 'limit-burst');
      const [n = '3', per = 'hour'] = String(rate?.value ?? '3/hour').split('/');
      const range = rate && burst ? { start: Math.min(rate.range.start, burst.range.start), end: Math.max(rate.range.end, burst.range.end) } : (rate ?? burst)?.range;
      return [compact({ kind: 'limit' as const, rate: Number(n), per, burst: (burst?.value as number | undefined) ?? 5, range })];
    },
  },
  hashlimit,
  ttlModule('ttl', 'ip', 'ttl', 'ttl'),
  ttlModule('hl', 'ip6', 'hoplimit', 'hl'),
  dscp,
  simple('tos', [o('tos', tosParse, { ...I, mand: true })]),
  simple('realm', [o('realm', markMask(), { ...I, mand: true })], { family: 'ip' }),
  simple('cpu', [o('cpu', uint(32), { ...I, mand: true })], {
    translate: (m) => (m.opts[0] ? [eqMatch(meta('cpu', m.opts[0].nameRange), m.opts[0].value as number, m.opts[0])] : undefined),
  }),
  cgroup, devgroup,
  simple('helper', [o('helper', str(29), { ...I, mand: true })], {
    translate: (m) => (m.opts[0] ? [eqMatch(ct('helper', undefined, m.opts[0].nameRange), m.opts[0].value as string, m.opts[0])] : undefined),
  }),
  simple('quota', [o('quota', uint(64), { ...I, mand: true })], {
    translate: (m) => {
      const opt = m.opts[0];
      if (!opt || typeof opt.value !== 'number') return undefined;
      return [compact({ kind: 'quota' as const, val: opt.value, valUnit: 'bytes', inv: opt.negated || undefined, range: opt.range })];
    },
  }),
  connbytes,
  simple('connlabel', [o('label', str(), { ...I, mand: true }), o('set')], {
    check: (m) => {
      const l = String(findOption(m, 'label')?.value ?? '');
      if (!/^\d+$/.test(l)) return `label '${l}' is not defined (nflens knows only numeric labels, connlabel.conf is not available)`;
      return Number(l) > 127 ? 'label numbers are 0-127' : undefined;
    },
  }),
  connlimit('ip'), connlimit('ip6'),
  spiModule('esp', PROTO.esp, 'espspi'),
  spiModule('ah', PROTO.ah, 'ahspi', 'ip'),
  spiModule('ah', undefined, 'ahspi', 'ip6', [o('ahlen', uint(32), I), o('ahres')]),
  spiModule('ipcomp', PROTO.ipcomp, 'ipcompspi', undefined, [o('compres')], false),
  policy, time, ipvs, rpfilter, socket, ecn, tcpmss,
  simple('u32', [o('u32', str(), { ...I, mand: true })], { opaque: 'raw packet words' }),
  simple('bpf', [o('bytecode', str()), o('object-pinned', str())], { opaque: 'a BPF program', needsOne: ['bytecode', 'object-pinned'] }),
  simple('osf', [o('genre', str(), { ...I, mand: true }), o('ttl', uint(8)), o('log', uint(8))], {
    protos: [PROTO.tcp],
    protosText: 'tcp',
    check: (m) => {
      const ttl = findOption(m, 'ttl')?.value as number | undefined;
      const log = findOption(m, 'log')?.value as number | undefined;
      if ((ttl ?? 0) > 2 || (log ?? 0) > 2) return '--ttl and --log are 0, 1 or 2';
      return undefined;
    },
  }),
  simple('nfacct', [o('nfacct-name', str(31), { mand: true })]),
  simple('cluster', [
    o('cluster-total-nodes', uint(32, 1), { mand: true }),
    // iptables-save prints --cluster-local-node N as the mask 1 << (N - 1)
    o('cluster-local-node', uint(32, 1), { excl: ['cluster-local-nodemask'], expand: (v) => [['clusterLocalNodemask', 2 ** ((v as number) - 1)]] }),
    o('cluster-local-nodemask', uint(32), { excl: ['cluster-local-node'] }),
    o('cluster-hash-seed', uint(32), { mand: true }),
  ], {
    needsOne: ['cluster-local-node', 'cluster-local-nodemask'],
    check: (m) => {
      const total = findOption(m, 'cluster-total-nodes')?.value as number | undefined;
      const node = findOption(m, 'cluster-local-node')?.value as number | undefined;
      if (total !== undefined && node !== undefined && node > total) return '--cluster-local-node is larger than --cluster-total-nodes';
      return undefined;
    },
  }),
  simple('rateest', [
    o('rateest-delta'), o('rateest', str(15)), o('rateest1', str(15)), o('rateest2', str(15)),
    o('rateest-bps', text(), { nargs: 'optional' }), o('rateest-pps', text(), { nargs: 'optional' }),
    o('rateest-bps1', text(), { nargs: 'optional' }), o('rateest-bps2', text(), { nargs: 'optional' }),
    o('rateest-pps1', text(), { nargs: 'optional' }), o('rateest-pps2', text(), { nargs: 'optional' }),
    o('rateest-lt', undefined, I), o('rateest-gt', undefined, I), o('rateest-eq', undefined, I),
  ], { needsOne: ['rateest', 'rateest1'] }),
  // IPv6 extension headers: kept as xt (nft's exthdr forms differ per field).
  simple('frag', [
    o('fragid', uintRange(32), { ...I, omitIf: isFull(4294967295) }), o('fraglen', uint(32), I), o('fragres'), o('fragfirst'),
    o('fragmore', undefined, { excl: ['fraglast'] }), o('fraglast', undefined, { excl: ['fragmore'] }),
  ], { family: 'ip6' }),
  simple('hbh', [o('hbh-len', uint(32), I), o('hbh-opts', str())], { family: 'ip6' }),
  simple('dst', [o('dst-len', uint(32), I), o('dst-opts', str())], { family: 'ip6' }),
  simple('rt', [o('rt-type', uint(8), I), o('rt-segsleft', uintRange(32), { ...I, omitIf: isFull(4294967295) }), o('rt-len', uint(32), I), o('rt-0-res'), o('rt-0-addrs', str()), o('rt-0-not-strict')], { family: 'ip6' }),
  simple('mh', [o('mh-type', mhType, { ...I, omitIf: isFull(255) })], { family: 'ip6', protos: [PROTO.mh], protosText: 'mobility-header' }),
  simple('ipv6header', [o('header', str(), { ...I, mand: true }), o('soft')], { family: 'ip6' }),
  simple('eui64', [], { family: 'ip6', hooks: ['PREROUTING', 'INPUT', 'FORWARD'] }),
  simple('srh', [
    o('srh-next-hdr', uint(8), I), o('srh-hdr-len-eq', uint(8), I), o('srh-hdr-len-gt', uint(8), I), o('srh-hdr-len-lt', uint(8), I),
    o('srh-segs-left-eq', uint(8), I), o('srh-segs-left-gt', uint(8), I), o('srh-segs-left-lt', uint(8), I),
    o('srh-last-entry-eq', uint(8), I), o('srh-last-entry-gt', uint(8), I), o('srh-last-entry-lt', uint(8), I),
    o('srh-tag', uint(16), I), o('srh-psid', host(), I), o('srh-nsid', host(), I), o('srh-lsid', host(), I),
  ], { family: 'ip6' }),
];

const byName = new Map<string, ModuleSpec[]>();
for (const m of ALL_MATCHES) {
  const list0 = byName.get(m.name) ?? [];
  list0.push(m);
  byName.set(m.name, list0);
}
byName.set('icmpv6', byName.get('icmp6') ?? []);

/** The match extension of that name for the family; `undefined` when unknown, `null` when it exists only
 *  for the other family. */
export function findMatch(name: string, family: 'ip' | 'ip6'): ModuleSpec | undefined | null {
  const candidates = byName.get(name);
  if (!candidates) return undefined;
  return candidates.find((m) => m.family === undefined || m.family === family) ?? null;
}

/** The match `-p PROTO` loads when an option is not known otherwise (libxtables load_proto). */
export function implicitMatchName(proto: number, family: 'ip' | 'ip6'): string | undefined {
  switch (proto) {
    case PROTO.tcp: return 'tcp';
    case PROTO.udp: return 'udp';
    case PROTO.sctp: return 'sctp';
    case PROTO.dccp: return 'dccp';
    case PROTO.icmp: return family === 'ip' ? 'icmp' : undefined;
    case PROTO.icmpv6: return family === 'ip6' ? 'icmp6' : undefined;
    case PROTO.esp: return 'esp';
    case PROTO.ah: return 'ah';
    case PROTO.mh: return family === 'ip6' ? 'mh' : undefined;
    case PROTO.ipcomp: return 'ipcomp';
    default: return undefined;
  }
}
