// iptables target extensions (`-j NAME`): their options (iptables extensions/libxt_*.c, libipt_*.c,
// libip6t_*.c), where they are allowed, and the IR statements with the same effect (what iptables-nft
// puts in the kernel / iptables-translate prints). Targets without a translation stay `xt` statements
// with structured options. Imports the IR builders, the spec types, parsers and symbol tables.
import type { Expr, Stmt } from '../../model/ir.ts';
import { parseMaskedAddress } from './address.ts';
import { binop, compact, ct, mangle, meta, payload, value, valueOrRange } from './build.ts';
import { dscpValue, PROTO, tosParse } from './matches.ts';
import { choice, choiceList, host, markMask, parseUnsigned, str, text, uint, uintRange } from './parsers.ts';
import { findOption, hasOption, ValueError, type ModuleSpec, type ModuleUse, type OptionSpec, type OptionUse, type RuleContext, type XtValue } from './spec.ts';
import { DSCP_CLASSES, LOG_LEVELS, NFT_LOG_LEVEL, REJECT_WITH_IP, REJECT_WITH_IP6, portNumber } from './values.ts';
import { lookupTable } from '../../model/lookup.ts';

type Parser = NonNullable<OptionSpec['parse']>;

function o(name: string, parse?: Parser, extra: Partial<OptionSpec> = {}): OptionSpec {
  return parse ? { name, parse, ...extra } : { name, nargs: 0, ...extra };
}

const FULL = 0xffffffff;

function nums(opt: OptionUse | undefined): readonly number[] {
  return (opt?.value ?? []) as readonly number[];
}

/** `(x & ~mask) ^ v`, the xt mark update (xt_MARK, xt_CONNMARK), in the simplest form nft would print:
 *  a plain value, `x & k`, `x | v`, `x ^ v`, or `(x & k) | v` / `(x & k) ^ v`. */
export function xmarkExpr(left: () => Expr, v: number, mask: number): Expr {
  if (mask === FULL) return value(v);
  const keep = ~mask >>> 0;
  if (v === 0) return binop('&', left(), value(keep));
  if (mask === 0) return binop('^', left(), value(v));
  if (v === mask) return binop('|', left(), value(v));
  return binop((v & keep) === 0 ? '|' : '^', binop('&', left(), value(keep)), value(v));
}

/** The mark update a MARK/CONNMARK option asks for, as (value, mask) of `(x & ~mask) ^ value`. */
function xmarkOf(opt: OptionUse): [number, number] {
  switch (opt.spec.name) {
    case 'set-xmark': {
      const [v = 0, m = FULL] = nums(opt);
      return [v, m];
    }
    case 'set-mark': {
      const [v = 0, m = FULL] = nums(opt);
      return [v, (m | v) >>> 0];
    }
    case 'and-mark':
      return [0, ~(opt.value as number) >>> 0];
    case 'or-mark':
      return [opt.value as number, opt.value as number];
    case 'xor-mark':
      return [opt.value as number, 0];
    default:
      return [0, 0];
  }
}

const MARK_OPTS = ['set-xmark', 'set-mark', 'and-mark', 'or-mark', 'xor-mark'];
const markOptions = (extraExcl: string[] = []): OptionSpec[] => [
  o('set-xmark', markMask(), { excl: [...MARK_OPTS, ...extraExcl] }),
  o('set-mark', markMask(), { excl: [...MARK_OPTS, ...extraExcl] }),
  o('and-mark', uint(32), { excl: [...MARK_OPTS, ...extraExcl] }),
  o('or-mark', uint(32), { excl: [...MARK_OPTS, ...extraExcl] }),
  o('xor-mark', uint(32), { excl: [...MARK_OPTS, ...extraExcl] }),
];

// ── NAT ──

const PORT_PROTOS = [PROTO.tcp, PROTO.udp, PROTO.sctp, PROTO.dccp, PROTO.udplite];

function hasPortProto(ctx: RuleContext): boolean {
  return ctx.proto !== undefined && !ctx.proto.negated && (PORT_PROTOS as readonly number[]).includes(ctx.proto.num);
}

/** `port` (a number or a service name, which may contain '-': `ftp-data`) or `lo-hi` (numbers only, as
 *  iptables' NAT targets read ranges). */
function parsePorts(s: string): [number, number] | string {
  const whole = portNumber(s);
  if (whole !== undefined) return [whole, whole];
  const m = /^(\d+)-(\d+)$/.exec(s);
  const lo = m ? portNumber(m[1] ?? '') : undefined;
  const hi = m ? portNumber(m[2] ?? '') : undefined;
  if (lo === undefined || hi === undefined) return `bad port '${s}'`;
  if (lo > hi) return `port range ${s} is reversed`;
  return [lo, hi];
}

/** DNAT/SNAT `--to-*`: `addr[-addr][:port[-port][/base]]`, IPv6 with `[addr[-addr]]:port…`. Returns
 *  [addrLo, addrHi, portLo, portHi, base] with '' for parts not given. */
const natRange: Parser = (args, ctx) => {
  const t = args[0] ?? '';
  let addrPart = t;
  let portPart: string | undefined;
  if (ctx.family === 'ip6') {
    if (t.startsWith('[')) {
      const close = t.indexOf(']');
      if (close < 0) return new ValueError("missing ']'");
      addrPart = t.slice(1, close);
      const rest = t.slice(close + 1);
      if (rest !== '') {
        if (!rest.startsWith(':')) return new ValueError(`unexpected '${rest}'`);
        portPart = rest.slice(1);
      }
    }
  } else {
    const colon = t.indexOf(':');
    if (colon >= 0) {
      addrPart = t.slice(0, colon);
      portPart = t.slice(colon + 1);
    }
  }
  let lo = '';
  let hi = '';
  if (addrPart !== '') {
    // Indexes, not destructuring: until the JIT has warmed up, destructuring walks the iterator protocol.
    const ends = addrPart.split(ctx.family === 'ip6' ? /-(?=[0-9a-fA-F:]*:)/ : '-');
    const a = ends[0] ?? '';
    const b = ends[1];
    if (ends.length > 2) return new ValueError(`bad address range '${addrPart}'`);
    const pa = parseMaskedAddress(a, ctx.family);
    const pb = b === undefined ? pa : parseMaskedAddress(b, ctx.family);
    if (typeof pa === 'string' || typeof pb === 'string' || a.includes('/') || (b ?? '').includes('/')) return new ValueError(`bad address '${addrPart}'`);
    lo = pa.addr;
    hi = pb.addr;
  }
  if (portPart === undefined) return [lo, hi, '', '', ''];
  const slash = portPart.indexOf('/');
  const ports = parsePorts(slash < 0 ? portPart : portPart.slice(0, slash));
  if (typeof ports === 'string') return new ValueError(ports);
  let base = '';
  if (slash >= 0) {
    const b = portNumber(portPart.slice(slash + 1));
    if (b === undefined || b === 0) return new ValueError('bad base port');
    base = String(b);
  }
  return [lo, hi, String(ports[0]), String(ports[1]), base];
};

const toPorts: Parser = (args) => {
  const r = parsePorts(args[0] ?? '');
  return typeof r === 'string' ? new ValueError(r) : r;
};

const NAT_FLAG_ORDER = ['random', 'persistent', 'fully-random'];

function natFlags(m: ModuleUse): string[] | undefined {
  const f: string[] = [];
  if (hasOption(m, 'random')) f.push('random');
  if (hasOption(m, 'persistent')) f.push('persistent');
  if (hasOption(m, 'random-fully')) f.push('fully-random');
  f.sort((a, b) => NAT_FLAG_ORDER.indexOf(a) - NAT_FLAG_ORDER.indexOf(b));
  return f.length ? f : undefined;
}

function natTarget(name: 'DNAT' | 'SNAT', optName: string, hooks: string[], extra: OptionSpec[]): ModuleSpec {
  return {
    name,
    kind: 'target',
    options: [o(optName, natRange, { mand: true }), o('random'), o('persistent'), ...extra],
    tables: ['nat'],
    hooks,
    check(m, ctx) {
      const to = findOption(m, optName)?.value as readonly string[] | undefined;
      if (to && to[2] !== '' && !hasPortProto(ctx)) return 'a port needs -p tcp, udp, sctp or dccp';
      return undefined;
    },
    translate(m) {
      const to = findOption(m, optName);
      if (!to) return undefined;
      const v = to.value as readonly string[];
      const lo = v[0] ?? '';
      const hi = v[1] ?? '';
      const plo = v[2] ?? '';
      const phi = v[3] ?? '';
      const base = v[4] ?? '';
      if (base !== '') return undefined; // shifted port ranges have no nft form
      return [
        compact({
          kind: 'nat' as const,
          type: name === 'DNAT' ? ('dnat' as const) : ('snat' as const),
          addr: lo === '' ? undefined : valueOrRange(lo, hi, to.argRange),
          port: plo === '' ? undefined : valueOrRange(Number(plo), Number(phi), to.argRange),
          flags: natFlags(m),
          range: moduleSpan(m),
        }),
      ];
    },
  };
}

function portsTarget(name: 'MASQUERADE' | 'REDIRECT', hooks: string[], extra: OptionSpec[]): ModuleSpec {
  return {
    name,
    kind: 'target',
    options: [o('to-ports', toPorts), o('random'), ...extra],
    tables: ['nat'],
    hooks,
    check(m, ctx) {
      if (hasOption(m, 'to-ports') && !hasPortProto(ctx)) return '--to-ports needs -p tcp, udp, sctp or dccp';
      return undefined;
    },
    translate(m) {
      const p = findOption(m, 'to-ports');
      const [lo, hi] = nums(p);
      return [
        compact({
          kind: 'nat' as const,
          type: name === 'MASQUERADE' ? ('masquerade' as const) : ('redirect' as const),
          port: lo === undefined ? undefined : valueOrRange(lo, hi ?? lo, p?.argRange),
          flags: natFlags(m),
          range: moduleSpan(m),
        }),
      ];
    },
  };
}

function moduleSpan(m: ModuleUse): { start: number; end: number } {
  let start = m.headRange.start;
  let end = m.headRange.end;
  for (const opt of m.opts) {
    start = Math.min(start, opt.range.start);
    end = Math.max(end, opt.range.end);
  }
  return { start, end };
}

// ── logging and queueing ──

const logLevel: Parser = (args) => {
  const t = (args[0] ?? '').toLowerCase();
  const n = /^\d+$/.test(t) ? Number(t) : LOG_LEVELS.get(t);
  if (n === undefined || n > 7) return new ValueError('expected a syslog level 0-7 or emerg, alert, crit, error, warning, notice, info, debug');
  return n;
};

const LOG_FLAG_OPTS: readonly (readonly [string, string])[] = [
  ['log-tcp-sequence', 'tcp sequence'],
  ['log-tcp-options', 'tcp options'],
  ['log-ip-options', 'ip options'],
  ['log-uid', 'skuid'],
  ['log-macdecode', 'ether'],
];

const LOG: ModuleSpec = {
  name: 'LOG',
  kind: 'target',
  options: [
    o('log-level', logLevel),
    {
      name: 'log-prefix',
      parse: (args) => {
        const p = args[0] ?? '';
        if (p.length > 29) return new ValueError('at most 29 characters');
        if (p.includes('\n')) return new ValueError('newlines are not allowed');
        return p;
      },
    },
    ...LOG_FLAG_OPTS.map(([n]) => o(n)),
  ],
  translate(m) {
    const level = findOption(m, 'log-level')?.value as number | undefined;
    const flags = LOG_FLAG_OPTS.filter(([n]) => hasOption(m, n)).map(([, f]) => f);
    return [
      compact({
        kind: 'log' as const,
        prefix: findOption(m, 'log-prefix')?.value as string | undefined,
        // warning (4) is the default of both iptables LOG and nft log, and nft omits it.
        level: level === undefined || level === 4 ? undefined : NFT_LOG_LEVEL[level],
        flags: flags.length ? flags : undefined,
        range: moduleSpan(m),
      }),
    ];
  },
};

const NFLOG: ModuleSpec = {
  name: 'NFLOG',
  kind: 'target',
  options: [o('nflog-group', uint(16)), o('nflog-prefix', str()), o('nflog-range', uint(32)), o('nflog-size', uint(32)), o('nflog-threshold', uint(16))],
  translate(m) {
    return [
      compact({
        kind: 'log' as const,
        prefix: findOption(m, 'nflog-prefix')?.value as string | undefined,
        group: (findOption(m, 'nflog-group')?.value as number | undefined) ?? 0,
        snaplen: findOption(m, 'nflog-size')?.value as number | undefined,
        queueThreshold: findOption(m, 'nflog-threshold')?.value as number | undefined,
        range: moduleSpan(m),
      }),
    ];
  },
};

const queueBalance: Parser = (args) => {
  const t = args[0] ?? '';
  if (!t.includes(':')) return new ValueError('expected first:last');
  const r = uintRange(16)([t.replace(/:$/, ':65534')], undefined as never);
  if (r instanceof ValueError) return r;
  const [lo = 0, hi = 0] = r as readonly number[];
  if (hi > 65534) return new ValueError('the last queue is at most 65534');
  if (lo >= hi) return new ValueError('first must be smaller than last');
  return [lo, hi];
};

const NFQUEUE: ModuleSpec = {
  name: 'NFQUEUE',
  kind: 'target',
  options: [
    o('queue-num', uint(16), { excl: ['queue-balance'] }),
    o('queue-balance', queueBalance, { excl: ['queue-num'] }),
    o('queue-bypass'),
    o('fail-open', undefined, { key: 'queueBypass' }),
    o('queue-cpu-fanout'),
  ],
  translate(m) {
    const num = findOption(m, 'queue-num');
    const bal = findOption(m, 'queue-balance');
    const [lo = 0, hi = 0] = nums(bal);
    const flags = [...(hasOption(m, 'queue-bypass') || hasOption(m, 'fail-open') ? ['bypass'] : []), ...(hasOption(m, 'queue-cpu-fanout') ? ['fanout'] : [])];
    return [
      compact({
        kind: 'queue' as const,
        num: bal ? valueOrRange(lo, hi, bal.argRange) : value((num?.value as number | undefined) ?? 0, num?.argRange),
        flags: flags.length ? flags : undefined,
        range: moduleSpan(m),
      }),
    ];
  },
};

// ── REJECT ──

function rejectTarget(family: 'ip' | 'ip6'): ModuleSpec {
  const table = family === 'ip' ? REJECT_WITH_IP : REJECT_WITH_IP6;
  return {
    name: 'REJECT',
    kind: 'target',
    family,
    options: [o('reject-with', (args) => table.get((args[0] ?? '').toLowerCase()) ?? new ValueError('unknown reject type'))],
    hooks: ['INPUT', 'FORWARD', 'OUTPUT'],
    check(m, ctx) {
      if (findOption(m, 'reject-with')?.value === 'tcp reset' && (ctx.proto?.num !== PROTO.tcp || ctx.proto.negated)) return "tcp-reset needs '-p tcp'";
      return undefined;
    },
    translate(m) {
      const code = (findOption(m, 'reject-with')?.value as string | undefined) ?? 'port-unreachable';
      if (code === 'tcp reset') return [{ kind: 'reject', type: 'tcp reset', range: moduleSpan(m) }];
      return [{ kind: 'reject', type: family === 'ip' ? 'icmp' : 'icmpv6', expr: code, range: moduleSpan(m) }];
    },
  };
}

// ── marks ──

const MARK: ModuleSpec = {
  name: 'MARK',
  kind: 'target',
  options: markOptions(),
  needsOne: MARK_OPTS,
  translate(m) {
    const opt = m.opts[0];
    if (!opt) return undefined;
    const [v, mask] = xmarkOf(opt);
    return [mangle(meta('mark', m.headRange), xmarkExpr(() => meta('mark'), v, mask), moduleSpan(m))];
  },
};

const CONNMARK: ModuleSpec = {
  name: 'CONNMARK',
  kind: 'target',
  options: [
    ...markOptions(['save-mark', 'restore-mark']),
    o('save-mark', undefined, { excl: [...MARK_OPTS, 'restore-mark'] }),
    o('restore-mark', undefined, { excl: [...MARK_OPTS, 'save-mark'] }),
    o('mask', uint(32), { excl: ['nfmask', 'ctmask'] }),
    o('nfmask', uint(32)),
    o('ctmask', uint(32)),
  ],
  needsOne: [...MARK_OPTS, 'save-mark', 'restore-mark'],
  defaults: {},
  translate(m) {
    const range = moduleSpan(m);
    const maskAll = findOption(m, 'mask')?.value as number | undefined;
    const nfmask = (findOption(m, 'nfmask')?.value as number | undefined) ?? maskAll ?? FULL;
    const ctmask = (findOption(m, 'ctmask')?.value as number | undefined) ?? maskAll ?? FULL;
    if (hasOption(m, 'save-mark')) {
      // ct mark = (ct mark & ~ctmask) ^ (meta mark & nfmask)   (xt_CONNMARK connmark_tg_shift)
      const src: Expr = nfmask === FULL ? meta('mark') : binop('&', meta('mark'), value(nfmask));
      const v: Expr = ctmask === FULL ? src : binop('^', binop('&', ct('mark'), value(~ctmask >>> 0)), src);
      return [mangle(ct('mark', undefined, m.headRange), v, range)];
    }
    if (hasOption(m, 'restore-mark')) {
      // meta mark = (meta mark & ~nfmask) ^ (ct mark & ctmask)
      const src: Expr = ctmask === FULL ? ct('mark') : binop('&', ct('mark'), value(ctmask));
      const v: Expr = nfmask === FULL ? src : binop('^', binop('&', meta('mark'), value(~nfmask >>> 0)), src);
      return [mangle(meta('mark', m.headRange), v, range)];
    }
    const opt = m.opts.find((x) => MARK_OPTS.includes(x.spec.name));
    if (!opt) return undefined;
    const [v, mask] = xmarkOf(opt);
    return [mangle(ct('mark', undefined, m.headRange), xmarkExpr(() => ct('mark'), v, mask), range)];
  },
};

// ── conntrack targets ──

const CT_EVENTS = ['new', 'related', 'destroy', 'reply', 'assured', 'protoinfo', 'helper', 'mark', 'natseqinfo', 'secmark'];

const CT: ModuleSpec = {
  name: 'CT',
  kind: 'target',
  options: [
    o('notrack'),
    o('helper', str(15)),
    o('ctevents', choiceList(CT_EVENTS)),
    o('expevents', choiceList(['new'])),
    o('zone', uint(16)),
    o('zone-orig', uint(16)),
    o('zone-reply', uint(16)),
    o('timeout', str(31)),
  ],
  tables: ['raw'],
  hooks: ['PREROUTING', 'OUTPUT'],
  translate(m) {
    const out: Stmt[] = [];
    for (const opt of m.opts) {
      if (opt.spec.name === 'notrack') out.push({ kind: 'notrack', range: opt.range });
      else if (opt.spec.name === 'zone') out.push(mangle(ct('zone', undefined, opt.nameRange), value(opt.value as number, opt.argRange), opt.range));
      else if (opt.spec.name === 'helper') out.push({ kind: 'objref', type: 'ct helper', name: value(opt.value as string, opt.argRange), range: opt.range });
      else return undefined;
    }
    return out;
  },
};

// ── packet field targets ──

const dscpSet: Parser = (args) => {
  const n = parseUnsigned(args[0] ?? '');
  return n === undefined || n > 63 ? new ValueError('DSCP is 0-63') : n;
};

function ttlTarget(name: 'TTL' | 'HL', family: 'ip' | 'ip6'): ModuleSpec {
  const p = name === 'TTL' ? 'ttl' : 'hl';
  const all = [`${p}-set`, `${p}-inc`, `${p}-dec`];
  return {
    name,
    kind: 'target',
    family,
    options: [o(`${p}-set`, uint(8), { excl: all }), o(`${p}-inc`, uint(8, 1), { excl: all }), o(`${p}-dec`, uint(8, 1), { excl: all })],
    needsOne: all,
    tables: ['mangle'],
    translate(m) {
      const opt = m.opts[0];
      // nft can set the field but has no arithmetic to increment it.
      if (!opt || opt.spec.name !== `${p}-set`) return undefined;
      return [mangle(payload(family, family === 'ip' ? 'ttl' : 'hoplimit', m.headRange), value(opt.value as number, opt.argRange), moduleSpan(m))];
    },
  };
}

const prefixOnly64: Parser = (args, ctx) => {
  const r = host({ requirePrefix: true })(args, ctx);
  if (r instanceof ValueError) return r;
  const len = Number(String(r).split('/')[1] ?? '128');
  return len > 64 ? new ValueError('NPT prefixes are at most /64') : r;
};

const classId: Parser = (args) => {
  const mm = /^([0-9a-fA-F]{1,4}):([0-9a-fA-F]{1,4})$/.exec(args[0] ?? '');
  if (!mm) return new ValueError('expected MAJOR:MINOR in hex');
  return `${parseInt(mm[1] ?? '0', 16).toString(16)}:${parseInt(mm[2] ?? '0', 16).toString(16)}`;
};

const TCPOPT_NAMES: Readonly<Record<string, number>> = lookupTable({ wscale: 3, mss: 2, 'sack-permitted': 4, sack: 5, timestamp: 8, md5: 19 });

function simple(name: string, options: OptionSpec[], extra: Partial<ModuleSpec> = {}): ModuleSpec {
  return { name, kind: 'target', options, ...extra };
}

const ALL_TARGETS: ModuleSpec[] = [
  natTarget('DNAT', 'to-destination', ['PREROUTING', 'OUTPUT'], []),
  natTarget('SNAT', 'to-source', ['POSTROUTING', 'INPUT'], [o('random-fully')]),
  portsTarget('MASQUERADE', ['POSTROUTING'], [o('random-fully')]),
  portsTarget('REDIRECT', ['PREROUTING', 'OUTPUT'], []),
  simple('NETMAP', [o('to', host(), { mand: true })], { tables: ['nat'] }),
  LOG, NFLOG, NFQUEUE, rejectTarget('ip'), rejectTarget('ip6'), MARK, CONNMARK, CT,
  simple('NOTRACK', [], { tables: ['raw'], translate: (m) => [{ kind: 'notrack', range: m.headRange }] }),
  simple('TRACE', [], { tables: ['raw'], translate: (m) => [mangle(meta('nftrace', m.headRange), value(1), m.headRange)] }),
  simple('AUDIT', [o('type', choice(['accept', 'drop', 'reject']), { mand: true })], {
    translate: (m) => [{ kind: 'log', level: 'audit', range: moduleSpan(m) }],
  }),
  {
    name: 'TPROXY',
    kind: 'target',
    options: [o('on-port', (args) => portNumber(args[0] ?? '') ?? new ValueError('bad port'), { mand: true }), o('on-ip', host()), o('tproxy-mark', markMask())],
    tables: ['mangle'],
    hooks: ['PREROUTING'],
    check: (_m, ctx) => (ctx.proto && !ctx.proto.negated && (ctx.proto.num === PROTO.tcp || ctx.proto.num === PROTO.udp) ? undefined : "TPROXY needs '-p tcp' or '-p udp'"),
    // TPROXY assigns the socket, sets the mark and accepts: nft's `tproxy to …; meta mark set …; accept`.
    translate(m) {
      const portOpt = findOption(m, 'on-port');
      const ip = findOption(m, 'on-ip');
      const mark = findOption(m, 'tproxy-mark');
      const out: Stmt[] = [
        compact({
          kind: 'tproxy' as const,
          addr: ip ? value(ip.value as string, ip.argRange) : undefined,
          port: portOpt && portOpt.value !== 0 ? value(portOpt.value as number, portOpt.argRange) : undefined,
          range: moduleSpan(m),
        }),
      ];
      if (mark) {
        const [v = 0, mask = FULL] = nums(mark);
        out.push(mangle(meta('mark', mark.nameRange), xmarkExpr(() => meta('mark'), v, mask), mark.range));
      }
      out.push({ kind: 'verdict', verdict: { kind: 'accept' }, range: m.headRange });
      return out;
    },
  },
  simple('TEE', [o('gateway', host(), { mand: true }), o('oif', str(15))], {
    translate: (m) => {
      const gw = findOption(m, 'gateway');
      const oif = findOption(m, 'oif');
      return [compact({ kind: 'dup' as const, addr: gw ? value(gw.value as string, gw.argRange) : undefined, dev: oif ? value(oif.value as string, oif.argRange) : undefined, range: moduleSpan(m) })];
    },
  }),
  simple('DSCP', [
    o('set-dscp', dscpSet, { excl: ['set-dscp-class'] }),
    o('set-dscp-class', (args) => DSCP_CLASSES.get((args[0] ?? '').toLowerCase()) ?? new ValueError('unknown DSCP class'), { excl: ['set-dscp'], key: 'setDscp' }),
  ], {
    needsOne: ['set-dscp', 'set-dscp-class'],
    tables: ['mangle'],
    translate: (m, ctx) => {
      const opt = m.opts[0];
      return opt ? [mangle(payload(ctx.family, 'dscp', m.headRange), value(dscpValue(opt.value as number), opt.argRange), moduleSpan(m))] : undefined;
    },
  }),
  simple('TOS', [
    o('set-tos', tosParse, { excl: ['and-tos', 'or-tos', 'xor-tos'] }),
    // iptables-save prints and/or/xor as --set-tos value/mask (extensions/libxt_TOS.c)
    o('and-tos', uint(8), { excl: ['set-tos', 'or-tos', 'xor-tos'], expand: (v) => [['setTos', [0, ~(v as number) & 0xff]]] }),
    o('or-tos', uint(8), { excl: ['set-tos', 'and-tos', 'xor-tos'], expand: (v) => [['setTos', [v as number, v as number]]] }),
    o('xor-tos', uint(8), { excl: ['set-tos', 'and-tos', 'or-tos'], expand: (v) => [['setTos', [v as number, 0]]] }),
  ], { needsOne: ['set-tos', 'and-tos', 'or-tos', 'xor-tos'], tables: ['mangle'] }),
  ttlTarget('TTL', 'ip'),
  ttlTarget('HL', 'ip6'),
  simple('TCPMSS', [o('set-mss', uint(16), { excl: ['clamp-mss-to-pmtu'] }), o('clamp-mss-to-pmtu', undefined, { excl: ['set-mss'] })], {
    needsOne: ['set-mss', 'clamp-mss-to-pmtu'],
    check: (_m, ctx) => (ctx.proto?.num === PROTO.tcp && !ctx.proto.negated ? undefined : "TCPMSS needs '-p tcp'"),
    translate: (m) => {
      const set = findOption(m, 'set-mss');
      const key: Expr = { kind: 'option', protocol: 'tcp', name: 'maxseg', field: 'size', range: m.headRange };
      return [mangle(key, set ? value(set.value as number, set.argRange) : { kind: 'rt', key: 'mtu' }, moduleSpan(m))];
    },
  }),
  simple('CLASSIFY', [o('set-class', classId, { mand: true })], {
    tables: ['mangle'],
    hooks: ['FORWARD', 'OUTPUT', 'POSTROUTING'],
    translate: (m) => {
      const opt = m.opts[0];
      return opt ? [mangle(meta('priority', m.headRange), value(opt.value as string, opt.argRange), moduleSpan(m))] : undefined;
    },
  }),
  simple('SYNPROXY', [o('mss', uint(16)), o('wscale', uint(8)), o('sack-perm'), o('timestamp'), o('ecn')], {
    check: (_m, ctx) => (ctx.proto?.num === PROTO.tcp && !ctx.proto.negated ? undefined : "SYNPROXY needs '-p tcp'"),
    translate: (m) => {
      const flags = [...(hasOption(m, 'timestamp') ? ['timestamp'] : []), ...(hasOption(m, 'sack-perm') ? ['sack-perm'] : [])];
      return [
        compact({
          kind: 'synproxy' as const,
          mss: findOption(m, 'mss')?.value as number | undefined,
          wscale: findOption(m, 'wscale')?.value as number | undefined,
          flags: flags.length ? flags : undefined,
          range: moduleSpan(m),
        }),
      ];
    },
  }),
  simple('SET', [
    setOpt('add-set'), setOpt('del-set'), setOpt('map-set'),
    o('timeout', uint(32)), o('exist'), o('map-mark'), o('map-prio'), o('map-queue'),
  ], { needsOne: ['add-set', 'del-set', 'map-set'] }),
  simple('SECMARK', [o('selctx', str(255), { mand: true })], { tables: ['mangle', 'security'] }),
  simple('CONNSECMARK', [o('save', undefined, { excl: ['restore'] }), o('restore', undefined, { excl: ['save'] })], { needsOne: ['save', 'restore'], tables: ['mangle', 'security'] }),
  simple('CHECKSUM', [o('checksum-fill', undefined, { mand: true })], { tables: ['mangle'] }),
  simple('HMARK', [
    o('hmark-tuple', choiceList(['src', 'dst', 'sport', 'dport', 'spi', 'ct'])),
    o('hmark-src-prefix', uint(8)), o('hmark-dst-prefix', uint(8)),
    o('hmark-sport-mask', uint(16), { excl: ['hmark-spi-mask'] }), o('hmark-dport-mask', uint(16), { excl: ['hmark-spi-mask'] }),
    o('hmark-spi-mask', uint(32), { excl: ['hmark-sport-mask', 'hmark-dport-mask'] }), o('hmark-proto-mask', uint(16)),
    o('hmark-rnd', uint(32), { mand: true }), o('hmark-mod', uint(32, 1), { mand: true }), o('hmark-offset', uint(32)),
  ]),
  simple('IDLETIMER', [o('timeout', uint(32), { mand: true }), o('label', str(27), { mand: true }), o('alarm')]),
  simple('LED', [o('led-trigger-id', str(27), { mand: true }), o('led-delay', text()), o('led-always-blink')]),
  simple('RATEEST', [o('rateest-name', str(15), { mand: true }), o('rateest-interval', text(), { mand: true }), o('rateest-ewmalog', text(), { mand: true })]),
  simple('ECN', [o('ecn-tcp-remove', undefined, { mand: true }), o('ecn-tcp-cwr', uint(8)), o('ecn-tcp-ece', uint(8)), o('ecn-ip-ect', uint(8))], {
    tables: ['mangle'],
    check: (_m, ctx) => (ctx.proto?.num === PROTO.tcp && !ctx.proto.negated ? undefined : "ECN needs '-p tcp'"),
  }),
  simple('DNPT', [o('src-pfx', prefixOnly64, { mand: true }), o('dst-pfx', prefixOnly64, { mand: true })], { family: 'ip6', tables: ['mangle'], hooks: ['PREROUTING', 'OUTPUT'] }),
  simple('SNPT', [o('src-pfx', prefixOnly64, { mand: true }), o('dst-pfx', prefixOnly64, { mand: true })], { family: 'ip6', tables: ['mangle'], hooks: ['INPUT', 'POSTROUTING'] }),
  simple('TCPOPTSTRIP', [
    o('strip-options', (args) => {
      const out: number[] = [];
      for (const part of (args[0] ?? '').split(',')) {
        const n = TCPOPT_NAMES[part] ?? parseUnsigned(part);
        if (n === undefined || n < 2 || n > 255) return new ValueError(`option '${part}' cannot be stripped (2-255)`);
        out.push(n);
      }
      return out;
    }),
  ], {
    tables: ['mangle'],
    check: (_m, ctx) => (ctx.proto?.num === PROTO.tcp && !ctx.proto.negated ? undefined : "TCPOPTSTRIP needs '-p tcp'"),
  }),
  simple('CLUSTERIP', [
    o('new'), o('hashmode', choice(['sourceip', 'sourceip-sourceport', 'sourceip-sourceport-destport'])), o('clustermac', text()),
    o('total-nodes', uint(16)), o('local-node', uint(16)), o('hash-init', uint(32)),
  ], { family: 'ip' }),
  simple('ULOG', [o('ulog-nlgroup', uint(8)), o('ulog-prefix', str(31)), o('ulog-cprange', uint(32)), o('ulog-qthreshold', uint(32))], { family: 'ip' }),
];

function setOpt(name: string): OptionSpec {
  return {
    name,
    nargs: 2,
    parse: (args) => {
      const fl = (args[1] ?? '').split(',');
      if (fl.some((f) => f !== 'src' && f !== 'dst')) return new ValueError("flags are a comma list of 'src' and 'dst'");
      return [args[0] ?? '', ...fl];
    },
    expand: (v: XtValue) => {
      const [setName = '', ...fl] = v as readonly string[];
      const prefix = name.replace(/-set$/, '');
      return [[`${prefix}Set`, setName], [`${prefix}Flags`, fl]];
    },
  };
}

const byName = new Map<string, ModuleSpec[]>();
for (const t of ALL_TARGETS) byName.set(t.name, [...(byName.get(t.name) ?? []), t]);

/** Verdicts of the standard target. */
export const STANDARD_TARGETS: ReadonlySet<string> = new Set(['ACCEPT', 'DROP', 'RETURN', 'QUEUE']);

/** The target extension of that name for the family, undefined when unknown, null for the other family. */
export function findTarget(name: string, family: 'ip' | 'ip6'): ModuleSpec | undefined | null {
  const c = byName.get(name);
  if (!c) return undefined;
  return c.find((t) => t.family === undefined || t.family === family) ?? null;
}
