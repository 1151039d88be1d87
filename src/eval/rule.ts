// Evaluates one rule: its statements in order, as the kernel runs a rule's expressions — a failing match
// ends the rule (side effects of earlier statements stay), a verdict ends it, no verdict means `continue`.
// One function per match/statement kind. Imports eval modules below it.
import type { Expr, Rule, SourceRange, Stmt } from '../model/ir.ts';
import { assertNever } from '../model/ir.ts';
import { choose, note, type RunCtx } from './context.ts';
import { constVal, evalExpr, fibPresent, ifaceAddress, isConstant, mapLookup, masqueradeSource, typesOf, type Out } from './evalExpr.ts';
import { exprText, stmtText } from './exprText.ts';
import { fieldDef, metaType } from './fields.ts';
import { prefixMask } from './addr.ts';
import { mergedNeqGroups, type NeqGroup } from './payloadMerge.ts';
import { addrKey, portKey } from './state.ts';
import { isBitmaskType } from '../model/datatypes.ts';
import type { Annotation, ExprStep, MatchResult, StepVerdict } from './trace.ts';
import { dtype, formatVal, valCompare, valEquals, type DType, type Val } from './value.ts';
import { evalXtMatch, evalXtTarget } from './xtMatches.ts';
import { synproxyOutcome } from './synproxy.ts';

export interface RuleOutcome {
  readonly result: MatchResult;
  readonly assumed?: 'match' | 'nomatch';
  readonly exprs: readonly ExprStep[];
  /** Set when the rule matched: its verdict (`continue` when it has none). */
  readonly verdict?: StepVerdict;
  readonly annotations: readonly Annotation[];
  /** NAT binding made by this rule, described. */
  readonly nat?: string;
}

interface MatchEval {
  readonly result: MatchResult;
  readonly reason: string;
  /** For unknown results: the outcome a run assumes by default. */
  readonly usual?: 'match' | 'nomatch';
}

const M = (result: MatchResult, reason: string, usual?: 'match' | 'nomatch'): MatchEval => (usual ? { result, reason, usual } : { result, reason });

// ───────────────────────────── matches ─────────────────────────────

function isBoolLiteral(e: Expr): boolean {
  return e.kind === 'value' && (typeof e.value === 'boolean' || e.value === 'exists' || e.value === 'missing');
}

export function evalMatch(s: Extract<Stmt, { kind: 'match' }>, ctx: RunCtx): MatchEval {
  const left = s.left;
  if (left.kind === 'xt') {
    const r = evalXtMatch(left.name, left.options, ctx, where(ctx));
    const negate = s.op === '!=' || (s.right.kind === 'value' && s.right.value === false);
    if (!negate || r.result === 'unknown') return M(r.result, r.reason, r.usual);
    return M(r.result === 'match' ? 'nomatch' : 'match', `not (${r.reason})`);
  }
  if (left.kind === 'fib' && left.result !== 'type' && isBoolLiteral(s.right)) {
    return compare(s, fibPresent(left, ctx), [dtype('boolean')], ctx);
  }
  if (s.right.kind === 'setref' || s.right.kind === 'set') return setMembership(s, ctx);
  const types = typesOf(left, ctx);
  return compare(s, evalExpr(left, ctx), types, ctx);
}

function setMembership(s: Extract<Stmt, { kind: 'match' }>, ctx: RunCtx): MatchEval {
  const r = mapLookup(s.left, s.right, ctx);
  const name = s.right.kind === 'setref' ? `@${s.right.name}` : exprText(s.right);
  const negated = s.op === '!=';
  switch (r.k) {
    case 'absent':
      return M('nomatch', r.why);
    case 'unknown':
      return M('unknown', r.why, 'nomatch');
    case 'miss':
      return negated ? M('match', r.why) : M('nomatch', r.why);
    case 'hit':
      return negated ? M('nomatch', `${r.key} is in ${name} (${r.text})`) : M('match', `${r.key} is in ${name}${s.right.kind === 'setref' ? ` (${r.text})` : ''}`);
  }
}

/** The right-hand side as something to test a value against. */
type Rhs = { kind: 'val'; val: Val } | { kind: 'interval'; lo: bigint; hi: bigint; text: string } | { kind: 'bad'; why: string };

function rhsOf(e: Expr, types: readonly DType[], ctx: RunCtx): Rhs {
  const t = types[0] ?? dtype('integer', 32);
  switch (e.kind) {
    case 'prefix': {
      const c = constVal(e.expr, [t]);
      if (!c.ok || c.val.k !== 'int') return { kind: 'bad', why: c.ok ? 'prefix of a non-number' : c.why };
      const m = prefixMask(e.len, t.bits);
      const base = c.val.v & m;
      return { kind: 'interval', lo: base, hi: base | (((1n << BigInt(t.bits)) - 1n) ^ m), text: exprText(e) };
    }
    case 'range': {
      const a = constVal(e.from, [t]);
      const b = constVal(e.to, [t]);
      if (!a.ok) return { kind: 'bad', why: a.why };
      if (!b.ok) return { kind: 'bad', why: b.why };
      if (a.val.k !== 'int' || b.val.k !== 'int') return { kind: 'bad', why: 'range of non-numbers' };
      return { kind: 'interval', lo: a.val.v, hi: b.val.v, text: exprText(e) };
    }
    case 'value':
    case 'list':
    case 'concat': {
      const c = constVal(e, types);
      return c.ok ? { kind: 'val', val: c.val } : { kind: 'bad', why: c.why };
    }
    default: {
      if (isConstant(e)) {
        const c = constVal(e, types);
        return c.ok ? { kind: 'val', val: c.val } : { kind: 'bad', why: c.why };
      }
      const r = evalExpr(e, ctx, types);
      return r.k === 'val' ? { kind: 'val', val: r.val } : { kind: 'bad', why: r.k === 'partial' ? r.why : r.why };
    }
  }
}

function compare(s: Extract<Stmt, { kind: 'match' }>, lv: Out, types: readonly DType[], ctx: RunCtx): MatchEval {
  const name = exprText(s.left);
  if (lv.k === 'absent' && s.op === '!=' && isXtTcpmss(s.left, ctx)) return M('match', `${lv.why}: iptables' tcpmss match is then its negation (xt_tcpmss)`);
  if (lv.k === 'absent') return M('nomatch', lv.why);
  if (lv.k === 'unknown') return M('unknown', `${name}: ${lv.why}`, 'nomatch');
  const rhs = rhsOf(s.right, types, ctx);
  if (rhs.kind === 'bad') return M('unknown', `cannot read ${exprText(s.right)}: ${rhs.why}`, 'nomatch');
  if (lv.k === 'partial') {
    // Some components unknown: a known component that differs decides an equality.
    if (rhs.kind === 'val' && rhs.val.k === 'cat' && (s.op === '==' || s.op === '!=')) {
      const differs = lv.parts.some((p, i) => p !== null && rhs.val.k === 'cat' && rhs.val.items[i] && !valEquals(p, rhs.val.items[i]!));
      if (differs) return s.op === '==' ? M('nomatch', `${name} differs from ${exprText(s.right)}`) : M('match', `${name} differs from ${exprText(s.right)}`);
    }
    return M('unknown', `${name}: ${lv.why}`, 'nomatch');
  }
  const v = lv.val;
  const shown = formatVal(v);
  let hit: boolean;
  let rtext: string;
  if (rhs.kind === 'interval') {
    if (v.k !== 'int') return M('unknown', `${name} is not a number`, 'nomatch');
    const inside = rhs.lo <= v.v && v.v <= rhs.hi;
    rtext = rhs.text;
    switch (s.op) {
      case '==':
      case 'in':
        hit = inside;
        break;
      case '!=':
        hit = !inside;
        break;
      default:
        return M('unknown', `operator ${s.op} with a range`, 'nomatch');
    }
    const why = `${name} is ${shown}, ${inside ? '' : 'not '}in ${rtext}`;
    return M(hit ? 'match' : 'nomatch', why);
  }
  const r = rhs.val;
  rtext = formatVal(r);
  const bitmask = v.k === 'int' && isBitmaskType(v.type);
  switch (s.op) {
    case '==':
      hit = valEquals(v, r);
      break;
    case '!=':
      hit = !valEquals(v, r);
      break;
    case 'in':
      // The implicit form on bitmask types: any of the bits (nft emits `bitwise & mask; cmp neq 0`).
      hit = bitmask && v.k === 'int' && r.k === 'int' ? (v.v & r.v) !== 0n : valEquals(v, r);
      break;
    case '!':
      // none of the bits: nft emits `bitwise & mask; cmp eq 0` (netlink_linearize.c, netlink_gen_flagcmp, OP_NEG)
      if (v.k !== 'int' || r.k !== 'int') return M('unknown', `'!' on ${shown}, which has no bits`, 'nomatch');
      hit = (v.v & r.v) === 0n;
      break;
    default: {
      const c = valCompare(v, r);
      if (c === undefined) return M('unknown', `cannot order ${shown} and ${rtext}`, 'nomatch');
      hit = s.op === '<' ? c < 0 : s.op === '>' ? c > 0 : s.op === '<=' ? c <= 0 : c >= 0;
    }
  }
  const opText = s.op === 'in' ? (bitmask ? 'has any of' : '==') : s.op === '!' ? 'has none of' : s.op;
  const why = hit ? `${name} is ${shown}${s.op === '==' || s.op === 'in' ? '' : ` (${opText} ${rtext})`}` : `${name} is ${shown}, not ${s.op === '==' || s.op === 'in' ? '' : `${opText} `}${rtext}`;
  return M(hit ? 'match' : 'nomatch', why);
}

function where(ctx: RunCtx): string {
  return `${ctx.hook} ${ctx.family} ${ctx.table?.table.name ?? ''}`.trim();
}

// ───────────────────────────── statements ─────────────────────────────

/** `meta mark set …`, `ct mark set …`, `ip dscp set …`: returns a reason the rule breaks, if it does. */
/** Whether an expression reads the conntrack entry (`ct mark`, `ct mark xor 0x2a`, …). */
function readsCt(e: Expr): boolean {
  if (e.kind === 'ct') return true;
  if (e.kind === 'binop') return readsCt(e.left) || readsCt(e.right);
  return false;
}

/** Tables iptables made: their rules run xt matches and targets in the kernel (nft_compat), whatever the
 *  nft statements the parser translated them to (iptables-nft 1.8.9 keeps CONNMARK, conntrack, state and
 *  connmark as xt; checked with `nft --debug=netlink list ruleset`: `[ target name CONNMARK rev 2 ]`). */
export function runsXt(ctx: RunCtx): boolean {
  const origin = ctx.table?.origin;
  return origin === 'iptables' || origin === 'iptables-nft' || origin === 'iptables-legacy';
}

function applyMangle(s: Extract<Stmt, { kind: 'mangle' }>, ctx: RunCtx, ann: Annotation[]): string | undefined {
  const key = s.key;
  const text = stmtText(s);
  const ct = ctx.ct;
  if (runsXt(ctx) && (key.kind === 'ct' || readsCt(s.value)) && (!ct.attached || ct.state === 'invalid' || ct.state === 'untracked')) {
    // iptables' CONNMARK is xt_CONNMARK in the kernel: without a conntrack entry it does nothing and the rule
    // goes on (xt_CONNMARK.c connmark_tg_shift: `ct = nf_ct_get(skb, &ctinfo); if (!ct) return
    // XT_CONTINUE;`), where nft's own `meta mark set ct mark` ends the rule (nft_ct_get_eval: NFT_BREAK).
    ann.push({ kind: 'other', text: `${text}: no effect (no conntrack entry: xt_CONNMARK does nothing)` });
    return undefined;
  }
  switch (key.kind) {
    case 'meta': {
      const t = metaType(key.key);
      const v = evalExpr(s.value, ctx, [t]);
      if (v.k === 'absent') return v.why;
      if (['mark', 'priority', 'nftrace', 'pkttype'].includes(key.key)) {
        if (v.k === 'val' && v.val.k === 'int') {
          ctx.pkt.meta.set(key.key, v.val.v);
          ann.push({ kind: 'mark', text: `meta ${key.key} := ${formatVal(v.val)}` });
        } else {
          ctx.pkt.meta.delete(key.key);
          ann.push({ kind: 'mark', text: `meta ${key.key} := (unknown: ${v.k === 'unknown' || v.k === 'partial' ? v.why : ''})` });
        }
      } else ann.push({ kind: 'other', text });
      return undefined;
    }
    case 'ct': {
      const ct = ctx.ct;
      const v = evalExpr(s.value, ctx, typesOf(key, ctx));
      if (v.k === 'absent') return v.why;
      if (key.key === 'zone') {
        if (!ct.attached && v.k === 'val' && v.val.k === 'int') ct.zone = v.val.v;
        ann.push({ kind: 'other', text: ct.attached ? `${text}: no effect (conntrack already ran)` : text });
        return undefined;
      }
      if (!ct.attached || ct.state === 'invalid' || ct.state === 'untracked') {
        ann.push({ kind: 'other', text: `${text}: no effect (no conntrack entry)` });
        return undefined;
      }
      if (key.key === 'mark' || key.key === 'label') {
        if (v.k === 'val' && v.val.k === 'int') {
          if (key.key === 'mark') ct.mark = v.val.v;
          else ct.label = v.val.v;
          ann.push({ kind: 'mark', text: `ct ${key.key} := ${formatVal(v.val)}` });
        } else ann.push({ kind: 'mark', text: `ct ${key.key} := (unknown)` });
      } else if (key.key === 'helper' && v.k === 'val' && v.val.k === 'str') {
        ct.helper = v.val.v;
        ann.push({ kind: 'other', text });
      } else ann.push({ kind: 'other', text });
      return undefined;
    }
    case 'payload': {
      const def = fieldDef(key.protocol, key.field);
      if (!def) {
        ann.push({ kind: 'other', text: `${text} (field not modelled)` });
        return undefined;
      }
      const cur = evalExpr(key, ctx);
      if (cur.k === 'absent') return cur.why;
      const v = evalExpr(s.value, ctx, [def.type]);
      const k = key.protocol === 'th' ? portKey(ctx.pkt, key.field as 'sport' | 'dport') : `${key.protocol} ${key.field}`;
      if (k) {
        if (v.k === 'val' && v.val.k === 'int') ctx.pkt.hdr.set(k, v.val.v);
        else ctx.pkt.hdr.delete(k);
      }
      ann.push({ kind: 'other', text });
      return undefined;
    }
    case 'option':
      if (runsXt(ctx) && key.protocol === 'tcp' && key.name === 'maxseg') {
        ann.push({ kind: 'other', text: `${text}: ${tcpmssInsert(ctx)}` });
        return undefined;
      }
      ann.push({ kind: 'other', text: `${text} (effect not modelled)` });
      return undefined;
    default:
      ann.push({ kind: 'other', text: `${text} (effect not modelled)` });
      return undefined;
  }
}

/** iptables' `-m tcpmss [!] --mss a:b` (translated to `tcp option maxseg size [!=] a-b`) stays xt_tcpmss in the
 *  kernel, which returns its `!` when the SYN has no MSS option (tcpmss_mt: `out: return info->invert;`),
 *  where nft's option match breaks the rule (checked against the kernel: `! --mss 536:65535 -j DROP` drops a
 *  SYN without options). */
function isXtTcpmss(left: Expr, ctx: RunCtx): boolean {
  return left.kind === 'option' && left.protocol === 'tcp' && left.name === 'maxseg' && runsXt(ctx);
}

/** iptables' TCPMSS is xt_TCPMSS in the kernel: a SYN without an MSS option gets one, 4 bytes longer, when it
 *  carries no data and the header has room (xt_TCPMSS.c tcpmss_mangle_packet: "MSS Option not found ?! add
 *  it.."; `if (len > tcp_hdrlen) return 0;`), where nft's `tcp option maxseg size set` only rewrites an
 *  option that is there. The packet syntax has no TCP options: `tcp doff 5` means none. */
function tcpmssInsert(ctx: RunCtx): string {
  const p = ctx.pkt;
  const flags = p.hdr.get('tcp flags');
  const doff = p.hdr.get('tcp doff') ?? 5n;
  const ihl = p.hdr.get('ip hdrlength') ?? 5n;
  const len = p.hdr.get('ip length');
  if (p.l3 !== 'ip' || p.l4 !== 6 || flags === undefined || !(flags & 2n) || len === undefined) return 'no change (not an IPv4 TCP SYN of known length)';
  if (doff !== 5n) return 'the SYN has TCP options: assumed to hold an MSS option, rewritten in place';
  if (len - ihl * 4n - doff * 4n > 0n) return 'no change: the SYN carries data (no room to add an option)';
  p.hdr.set('ip length', len + 4n);
  p.hdr.set('tcp doff', doff + 1n);
  const meta = p.meta.get('length');
  if (meta !== undefined) p.meta.set('length', meta + 4n);
  return `an MSS option added: ip length ${len} → ${len + 4n}`;
}

/** One address (and port) from a NAT target: a value, the first of a range or prefix, a map result. */
function natTarget(e: Expr | undefined, t: DType, ctx: RunCtx): { v?: bigint; hi?: bigint; port?: bigint; note?: string; absent?: string; unknown?: string } {
  if (!e) return {};
  switch (e.kind) {
    case 'range': {
      const a = constVal(e.from, [t]);
      if (!a.ok || a.val.k !== 'int') return { unknown: a.ok ? 'bad range' : a.why };
      const b = constVal(e.to, [t]);
      return { v: a.val.v, ...(b.ok && b.val.k === 'int' ? { hi: b.val.v } : {}), note: `one address of ${exprText(e)} (the kernel picks by hash)` };
    }
    case 'prefix': {
      const a = constVal(e.expr, [t]);
      if (!a.ok || a.val.k !== 'int') return { unknown: a.ok ? 'bad prefix' : a.why };
      return { v: a.val.v, note: `one address of ${exprText(e)}` };
    }
    case 'map': {
      const r = mapLookup(e.key, e.data, ctx);
      if (r.k === 'miss' || r.k === 'absent') return { absent: r.why };
      if (r.k === 'unknown') return { unknown: r.why };
      if (!r.data) return { unknown: 'map element without data' };
      if (r.data.kind === 'concat') {
        const a = natTarget(r.data.items[0], t, ctx);
        const p = natTarget(r.data.items[1], dtype('inet_service'), ctx);
        return { ...a, ...(p.v !== undefined ? { port: p.v } : {}) };
      }
      return natTarget(r.data, t, ctx);
    }
    case 'concat': {
      const a = natTarget(e.items[0], t, ctx);
      const p = natTarget(e.items[1], dtype('inet_service'), ctx);
      return { ...a, ...(p.v !== undefined ? { port: p.v } : {}) };
    }
    default: {
      const r = evalExpr(e, ctx, [t]);
      if (r.k === 'absent') return { absent: r.why };
      if (r.k !== 'val' || r.val.k !== 'int') return { unknown: r.k === 'val' ? 'not a number' : r.why };
      return { v: r.val.v };
    }
  }
}

/** dnat/snat/masquerade/redirect inside a nat chain: binds the connection and rewrites the packet. */
function applyNat(s: Extract<Stmt, { kind: 'nat' }>, ctx: RunCtx, ann: Annotation[]): { verdict?: StepVerdict; nat?: string; breaks?: string; unknown?: string; skip?: string } {
  const p = ctx.pkt;
  const text = stmtText(s);
  const manip = s.type === 'dnat' || s.type === 'redirect' ? 'dst' : 'src';
  if (ctx.natManip === undefined) {
    note(ctx, `${text} outside a nat chain: the kernel refuses this ruleset`);
    return { verdict: { kind: 'accept' } };
  }
  if (ctx.natManip !== manip) {
    note(ctx, `${text} in a ${ctx.natManip === 'dst' ? 'destination' : 'source'} NAT hook (${ctx.hook}): the kernel refuses this ruleset`);
    return { verdict: { kind: 'accept' } };
  }
  if (p.l3 === 'arp') return { verdict: { kind: 'accept' } };
  const fam = s.family ?? p.l3;
  const at = fam === 'ip6' ? dtype('ipv6_addr') : dtype('ipv4_addr');
  const addrK = addrKey(p, manip === 'dst' ? 'daddr' : 'saddr');
  const portK = portKey(p, manip === 'dst' ? 'dport' : 'sport');
  let addr: bigint | undefined;
  let port: bigint | undefined;
  const notes: string[] = [];
  if (s.type === 'dnat' || s.type === 'snat') {
    const a = natTarget(s.addr, at, ctx);
    if (a.absent) return { breaks: a.absent };
    if (a.unknown) return { unknown: a.unknown };
    addr = a.v;
    port = a.port;
    if (a.note) notes.push(a.note);
  } else if (s.type === 'masquerade') {
    addr = masqueradeSource(ctx);
    if (addr === undefined) notes.push(`source becomes the address of ${p.oif ?? 'the output interface'} (not in the host model)`);
  } else {
    // redirect: to the primary address of the input device, or loopback for locally generated packets.
    // IPv6 takes the first address of the input device that shares the destination's scope bits
    // (nf_nat_redirect_ipv6 → nf_nat_redirect_ipv6_usable: `scope & ifa_scope` of ipv6_addr_scope, i.e.
    // loopback, link-local, site-local, v4-compatible); none usable → NF_DROP. A global destination
    // (scope bits 0) takes any address; an IPv4-compatible one (::a.b.c.d) finds none on a normal host.
    if (ctx.hook !== 'output' && p.l3 === 'ip6') {
      const d = p.hdr.get(addrK);
      const scopeBits = (v: bigint) => (v === 1n ? 0x10 : v >> 118n === 0x3fan ? 0x20 : v >> 118n === 0x3fbn ? 0x40 : v >> 32n === 0n && v > 1n ? 0x80 : 0);
      const want = d !== undefined ? scopeBits(d) : 0;
      if (want !== 0) {
        const have = ctx.host.addresses.some((h) => h.family === 'ip6' && !h.anyIp && h.iface === p.iif && (scopeBits(h.value) & want) !== 0);
        if (!have) {
          ann.push({ kind: 'other', text: `${text}: ${p.iif ?? 'the input device'} has no address of the destination's scope (nf_nat_redirect_ipv6: dropped)` });
          return { verdict: { kind: 'drop' } };
        }
      }
    }
    addr = ctx.hook === 'output' ? (p.l3 === 'ip6' ? 1n : 0x7f000001n) : ifaceAddress(ctx, p.iif);
    if (addr === undefined) {
      p.forcedLocal = true;
      notes.push(`destination becomes an address of ${p.iif ?? 'the input interface'} (not in the host model): delivered locally`);
    }
  }
  if (s.port) {
    const pr = natTarget(s.port, dtype('inet_service'), ctx);
    if (pr.absent) return { breaks: pr.absent };
    const cur = portK ? p.hdr.get(portK) : undefined;
    const random = s.flags?.some((f) => f === 'random' || f === 'fully-random') ?? false;
    if (pr.v !== undefined && pr.hi !== undefined && cur !== undefined && cur >= pr.v && cur <= pr.hi && !random) {
      // get_unique_tuple() (nf_nat_core.c) leaves the port alone when it is already inside the range and the
      // tuple is free ("Only bother mapping if it's not already in range and unique"); only a port outside
      // the range is mapped: the first free one for a destination, from a random offset for a source
      // (nf_nat_l4proto_unique_tuple: `off = get_random_u16()` unless maniptype == NF_NAT_MANIP_DST)
      port = cur;
      notes.push(`port ${cur} kept: already inside ${exprText(s.port)}`);
    } else {
      if (pr.v !== undefined) port = pr.v;
      if (pr.note) notes.push(pr.note.replace('address', 'port'));
      if (pr.hi !== undefined && (random || manip === 'src')) notes.push(`the kernel draws the port at random in ${exprText(s.port)}`);
    }
  }
  // Past the address and port expressions (a map lookup on the other family's header breaks the rule first):
  // `dnat ip to …` / `snat ip6 to …` in an inet table binds packets of that family only; for the other one
  // the expression does nothing and sets no verdict, so the rule goes on (nft_nat.c nft_nat_inet_eval:
  // `if (priv->family == nft_pf(pkt) || priv->family == NFPROTO_INET) nft_nat_eval(…)`)
  if (s.family !== undefined && (p.l3 === 'ip' || p.l3 === 'ip6') && s.family !== p.l3) {
    return { skip: `${text}: an ${s.family === 'ip' ? 'IPv4' : 'IPv6'} mapping does nothing to an ${p.l3 === 'ip' ? 'IPv4' : 'IPv6'} packet (no verdict: the rule goes on)` };
  }
  const same = addr !== undefined && p.hdr.get(addrK) === addr && (port === undefined || !portK || p.hdr.get(portK) === port);
  if (addr !== undefined) p.hdr.set(addrK, addr);
  if (port !== undefined && portK) p.hdr.set(portK, port);
  // the dnat/snat status bit marks a changed tuple: a mapping onto itself binds the connection but leaves
  // the bit clear (nf_nat_setup_info: `if (!nf_ct_tuple_equal(&new_tuple, &curr_tuple)) … ct->status |=
  // IPS_DST_NAT`)
  if (!same) ctx.ct.status |= manip === 'dst' ? 0x20n : 0x10n;
  ctx.natBound = true;
  if (s.flags?.length) ann.push({ kind: 'other', text: `nat flags ${s.flags.join(',')}` });
  for (const n of notes) ann.push({ kind: 'other', text: n });
  return { verdict: { kind: 'accept' }, nat: text };
}

/** An undecidable statement or match: a choice point between "no match" and "match". */
function undecided(ctx: RunCtx, what: string, why: string, usual: 'match' | 'nomatch', ruleIndex: number): 'match' | 'nomatch' {
  const i = choose(ctx, {
    kind: 'unknown',
    label: `${where(ctx)} ${ctx.steps.length ? '' : ''}rule #${ruleIndex + 1} "${what}" (${why})`.replace(/\s+/g, ' '),
    alternatives: [
      { label: 'no match', share: null },
      { label: 'match', share: null },
    ],
    defaultIndex: usual === 'match' ? 1 : 0,
  });
  return i === 1 ? 'match' : 'nomatch';
}

/** A limit, quota or connection count: state nflens cannot know. */
function isStatefulLimit(s: Stmt): s is Extract<Stmt, { kind: 'limit' | 'quota' | 'connlimit' }> {
  return s.kind === 'limit' || s.kind === 'quota' || s.kind === 'connlimit';
}

/** What a statement usually does to the rule when its state is not known, assumed not reached (a first
 *  packet, a fresh meter or set element): a limit, quota or count lets the rule go on, and breaks it in its
 *  `over` form (nft_limit, nft_quota, nft_connlimit: NFT_BREAK when over, or when not over with the invert
 *  flag); any other statement lets it go on. */
function limitUsual(s: Stmt): 'match' | 'nomatch' {
  return isStatefulLimit(s) && s.inv ? 'nomatch' : 'match';
}

/** `ct count [over] 0` is decided whatever the other connections, as nft_connlimit counts the packet's own
 *  connection (nf_conncount_add) before comparing: `over 0` always holds, `ct count 0` never. Records the
 *  step and returns the result, or undefined for a count that depends on other connections. */
function decidedConnlimit(s: Extract<Stmt, { kind: 'connlimit' }>, range: { readonly range?: SourceRange }, exprs: ExprStep[]): 'match' | 'nomatch' | undefined {
  if (s.val !== 0) return undefined;
  const result = s.inv ? 'match' : 'nomatch';
  exprs.push({ ...range, text: stmtText(s), result, reason: "the count holds this packet's own connection: it is at least 1" });
  return result;
}

/** A synproxy statement or SYNPROXY target on this packet (synproxy.ts): the verdict it gives, if any
 *  (`not-tcp`: the rule does not match; the step is recorded). An ACK is taken or dropped depending on a
 *  cookie nflens cannot check: a choice, dropped by default (an ACK that answers no cookie of this host). */
function synproxy(s: Stmt, range: { readonly range?: SourceRange }, ctx: RunCtx, ruleIndex: number, exprs: ExprStep[], ann: Annotation[]): 'stolen' | 'drop' | 'continue' | 'not-tcp' {
  const outcome = synproxyOutcome(ctx.pkt.l4 === 6 ? ctx.pkt.hdr.get('tcp flags') : undefined, runsXt(ctx));
  switch (outcome) {
    case 'not-tcp':
      exprs.push({ ...range, text: stmtText(s), result: 'nomatch', reason: 'synproxy runs on tcp packets only' });
      return 'not-tcp';
    case 'continue':
      ann.push({ kind: 'other', text: 'synproxy: neither a SYN nor an ACK, the rule goes on' });
      return 'continue';
    case 'syn-stolen':
      ann.push({ kind: 'other', text: 'synproxy: the host answers this SYN with a SYN-ACK carrying a syncookie and takes the packet' });
      return 'stolen';
    case 'ack-cookie': {
      const i = choose(ctx, {
        kind: 'unknown',
        label: `${where(ctx)} rule #${ruleIndex + 1} synproxy (whether this ACK answers one of the host's syncookies)`,
        alternatives: [
          { label: 'no cookie of this host: dropped', share: null },
          { label: 'answers a syncookie: taken, the connection to the server is opened', share: null },
        ],
        defaultIndex: 0,
      });
      ann.push({ kind: 'other', text: i === 0 ? "synproxy: this ACK answers no syncookie of the host: dropped" : 'synproxy: this ACK answers a syncookie: taken, synproxy opens the connection to the server' });
      return i === 0 ? 'drop' : 'stolen';
    }
  }
}

/** The merged `!=` compares of a rule, by the statement index each runs at, and the statements they stand
 *  for. Rules nft loaded: nft's merge (payloadMerge.ts). Rules of iptables-nft (or of an iptables-save that
 *  does not say its backend: nft is the default one): it emits its own bytecode, and merges only the ports of
 *  `-p tcp/udp --sport P --dport Q` when both are single ports negated alike (one `cmp neq` for `! --sport
 *  ! --dport`, checked against the kernel). iptables-legacy runs xt_tcpudp, which tests both. */
interface NeqMerges {
  readonly at: ReadonlyMap<number, NeqGroup>;
  readonly members: ReadonlySet<number>;
}
const neqMergesCache = new WeakMap<Rule, NeqMerges | null>();
/** A port of iptables' tcp/udp match, as the iptables parser translates it. */
const isXtPort = (s: Stmt): boolean => s.kind === 'match' && s.left.kind === 'payload' && (s.left.protocol === 'tcp' || s.left.protocol === 'udp') && (s.left.field === 'sport' || s.left.field === 'dport');
function neqMergesOf(rule: Rule, ctx: RunCtx): NeqMerges | null {
  const origin = ctx.table?.origin ?? 'nft';
  if (origin !== 'nft' && origin !== 'iptables-nft' && origin !== 'iptables') return null;
  let merges = neqMergesCache.get(rule);
  if (merges === undefined) {
    const merged = mergedNeqGroups(rule.stmts);
    const at = origin === 'nft' ? merged : new Map([...merged].filter(([, g]) => g.members.every((m) => isXtPort(rule.stmts[m]!))));
    merges = at.size ? { at, members: new Set([...at.values()].flatMap((g) => g.members)) } : null;
    neqMergesCache.set(rule, merges);
  }
  return merges;
}

export function evalRule(rule: Rule, ruleIndex: number, ctx: RunCtx): RuleOutcome {
  ctx.rule = rule;
  const exprs: ExprStep[] = [];
  const ann: Annotation[] = [];
  let assumed: 'match' | 'nomatch' | undefined;
  let natText: string | undefined;
  const nomatch = (): RuleOutcome => ({ result: assumed ? 'unknown' : 'nomatch', ...(assumed ? { assumed: 'nomatch' as const } : {}), exprs, annotations: ann });
  const matched = (verdict: StepVerdict): RuleOutcome => ({
    result: assumed ? 'unknown' : 'match',
    ...(assumed ? { assumed: 'match' as const } : {}),
    exprs,
    verdict,
    annotations: ann,
    ...(natText ? { nat: natText } : {}),
  });
  /** Handles an undecidable step; returns false when the run assumes it did not match. */
  const decide = (s: Stmt, why: string, usual: 'match' | 'nomatch'): boolean => {
    const text = stmtText(s);
    const a = undecided(ctx, text, why, usual, ruleIndex);
    exprs.push({ ...(s.range ? { range: s.range } : {}), text, result: 'unknown', reason: `${why}; assumed ${a === 'match' ? 'it matches' : 'it does not match'}` });
    if (a === 'nomatch') {
      assumed = 'nomatch';
      return false;
    }
    assumed = 'match';
    return true;
  };

  const merged = neqMergesOf(rule, ctx);
  for (let index = 0; index < rule.stmts.length; index++) {
    const s = rule.stmts[index]!;
    const range = s.range ? { range: s.range } : {};
    const group = merged?.at.get(index);
    if (group) {
      // One `cmp neq` over the adjacent fields, where nft placed it: it matches when any field differs (see
      // payloadMerge.ts). The other statements of the group are skipped where they stand.
      const members = group.members.map((m) => rule.stmts[m]!);
      const results = members.map((m) => (m.kind === 'match' ? evalMatch(m, ctx) : undefined));
      const any = results.some((r) => r?.result === 'match');
      const unknown = results.find((r) => r?.result === 'unknown');
      const why = any ? 'nft compiled these adjacent fields into one compare: it matches when any of them differs' : 'nft compiled these adjacent fields into one compare: every field is equal';
      if (!any && unknown) {
        if (!decide(s, unknown.reason, unknown.usual ?? 'nomatch')) return nomatch();
        continue;
      }
      members.forEach((m, k) => exprs.push({ ...(m.range ? { range: m.range } : {}), text: stmtText(m), result: any ? 'match' : 'nomatch', reason: `${results[k]!.reason} (${why})` }));
      if (!any) return nomatch();
      continue;
    }
    if (merged?.members.has(index)) continue;
    switch (s.kind) {
      case 'match': {
        const r = evalMatch(s, ctx);
        if (r.result === 'unknown') {
          if (!decide(s, r.reason, r.usual ?? 'nomatch')) return nomatch();
          continue;
        }
        exprs.push({ ...range, text: stmtText(s), result: r.result, reason: r.reason });
        if (r.result === 'nomatch') return nomatch();
        continue;
      }
      case 'verdict':
        return matched(s.verdict.kind === 'queue' ? { kind: 'queue' } : (s.verdict as StepVerdict));
      case 'vmap': {
        const r = mapLookup(s.key, s.data, ctx);
        const text = stmtText(s);
        if (r.k === 'absent' || r.k === 'miss') {
          exprs.push({ ...range, text, result: 'nomatch', reason: r.why });
          return nomatch();
        }
        if (r.k === 'unknown') {
          const cands = (r.candidates ?? []).filter((c) => c.data?.kind === 'verdict');
          if (cands.length && cands.length <= 32) {
            const i = choose(ctx, {
              kind: 'unknown',
              label: `${where(ctx)} rule #${ruleIndex + 1} "${text}" (${r.why})`,
              alternatives: [{ label: 'no element', share: null }, ...cands.map((c) => ({ label: c.text, share: null }))],
              defaultIndex: 0,
            });
            if (i === 0) {
              assumed = 'nomatch';
              exprs.push({ ...range, text, result: 'unknown', reason: `${r.why}; assumed no element matches` });
              return nomatch();
            }
            const c = cands[i - 1]!;
            assumed = 'match';
            exprs.push({ ...range, text, result: 'unknown', reason: `${r.why}; assumed element ${c.text}` });
            return matched((c.data as Extract<Expr, { kind: 'verdict' }>).verdict as StepVerdict);
          }
          if (!decide(s, r.why, 'nomatch')) return nomatch();
          return matched({ kind: 'continue' });
        }
        if (!r.data || r.data.kind !== 'verdict') {
          exprs.push({ ...range, text, result: 'unknown', reason: `element ${r.text} has no verdict` });
          return matched({ kind: 'continue' });
        }
        exprs.push({ ...range, text, result: 'match', reason: `${r.key} → ${r.text} : ${exprText(r.data)}` });
        return matched(r.data.verdict as StepVerdict);
      }
      case 'counter':
        ann.push({ kind: 'counter', text: stmtText(s) });
        continue;
      case 'log':
        ann.push({ kind: 'log', text: stmtText(s) });
        continue;
      case 'last':
        ann.push({ kind: 'other', text: 'last' });
        continue;
      case 'limit':
        // Rate state is not known: assume the usual case, under the limit (`limit rate` matches,
        // `limit rate over` does not).
        ann.push({ kind: 'limit', text: stmtText(s) });
        if (!decide(s, 'the rate of matching packets is not known', limitUsual(s))) return nomatch();
        continue;
      case 'quota':
        ann.push({ kind: 'quota', text: stmtText(s) });
        if (!decide(s, 'the bytes already counted are not known', limitUsual(s))) return nomatch();
        continue;
      case 'connlimit': {
        const known = decidedConnlimit(s, range, exprs);
        if (known === 'nomatch') return nomatch();
        if (!known && !decide(s, 'the number of connections is not known', limitUsual(s))) return nomatch();
        continue;
      }
      case 'meter':
        if (!decide(s, 'meter state is not known (assumed a new element, under its limits)', limitUsual(s.stmt))) return nomatch();
        continue;
      case 'mangle': {
        const breaks = applyMangle(s, ctx, ann);
        if (breaks) {
          exprs.push({ ...range, text: stmtText(s), result: 'nomatch', reason: breaks });
          return nomatch();
        }
        continue;
      }
      case 'nat': {
        const r = applyNat(s, ctx, ann);
        if (r.skip) {
          ann.push({ kind: 'other', text: r.skip });
          continue;
        }
        if (r.breaks) {
          exprs.push({ ...range, text: stmtText(s), result: 'nomatch', reason: r.breaks });
          return nomatch();
        }
        if (r.unknown) {
          if (!decide(s, r.unknown, 'nomatch')) return nomatch();
          return matched({ kind: 'accept' });
        }
        if (r.nat) natText = r.nat;
        return matched(r.verdict ?? { kind: 'accept' });
      }
      case 'reject': {
        // nft gives every reject the protocol its answer needs (meta l4proto tcp for a TCP reset, meta
        // nfproto for an ICMP type in inet tables), and lists it without that match where it can: a packet
        // that lacks it does not match the rule.
        if (s.type === 'tcp reset' && ctx.pkt.l4 === undefined && !decide(s, 'a TCP reset answers tcp packets only, and the transport protocol is not given', 'match')) return nomatch();
        const needs = s.type === 'tcp reset' ? (ctx.pkt.l4 === 6 || ctx.pkt.l4 === undefined ? undefined : 'a TCP reset answers tcp packets only (nft adds meta l4proto tcp)')
          : s.type === 'icmp' && ctx.pkt.l3 !== 'ip' ? 'an ICMP answer is for IPv4 packets only (nft adds meta nfproto ipv4)'
          : s.type === 'icmpv6' && ctx.pkt.l3 !== 'ip6' ? 'an ICMPv6 answer is for IPv6 packets only (nft adds meta nfproto ipv6)' : undefined;
        if (needs) {
          exprs.push({ ...range, text: stmtText(s), result: 'nomatch', reason: needs });
          return nomatch();
        }
        return matched({ kind: 'reject', ...(s.type ? { with: `${s.type}${s.expr ? ` ${s.expr}` : ''}` } : {}) });
      }
      case 'notrack':
        // nft_notrack_eval: `if (ct || ctinfo == IP_CT_UNTRACKED) return;` — a packet conntrack left without
        // an entry (invalid) becomes untracked too
        if (!ctx.ct.attached || ctx.ct.state === 'invalid') {
          ctx.ct.attached = true;
          ctx.ct.state = 'untracked';
          ann.push({ kind: 'notrack', text: 'notrack: conntrack will leave this packet untracked' });
        } else ann.push({ kind: 'notrack', text: 'notrack: no effect (conntrack already ran)' });
        continue;
      case 'queue':
        return matched({ kind: 'queue' });
      case 'dup':
        ann.push({ kind: 'dup', text: stmtText(s) });
        continue;
      case 'fwd':
        ann.push({ kind: 'other', text: stmtText(s) });
        return matched({ kind: 'stolen' });
      case 'set':
        ann.push({ kind: 'set', text: `${stmtText(s)} (dynamic set updates are not applied)` });
        // The element's own statements run on the packet (nft_dynset_eval → nft_set_elem_update_expr): a
        // `limit rate over` / `quota over` / `ct count over` there breaks the rule while the element is under it.
        for (const inner of s.stmts ?? []) {
          if (!isStatefulLimit(inner)) continue;
          const known = inner.kind === 'connlimit' ? decidedConnlimit(inner, range, exprs) : undefined;
          if (known === 'nomatch') return nomatch();
          if (!known && !decide(inner, `the state of the element's ${inner.kind} is not known (assumed a new element, under its limit)`, limitUsual(inner))) return nomatch();
        }
        continue;
      case 'tproxy':
        if (!decide(s, "tproxy needs a listening socket; the host's sockets are not known", 'nomatch')) return nomatch();
        continue;
      case 'synproxy': {
        const outcome = synproxy(s, range, ctx, ruleIndex, exprs, ann);
        if (outcome === 'not-tcp') return nomatch();
        if (outcome !== 'continue') return matched({ kind: outcome });
        continue;
      }
      case 'objref':
        if (s.type === 'quota' || s.type === 'limit') {
          if (!decide(s, `named ${s.type} state is not known`, 'match')) return nomatch();
        } else if (s.type === 'synproxy') {
          const outcome = synproxy(s, range, ctx, ruleIndex, exprs, ann);
          if (outcome === 'not-tcp') return nomatch();
          if (outcome !== 'continue') return matched({ kind: outcome });
        } else ann.push({ kind: s.type === 'counter' ? 'counter' : 'other', text: stmtText(s) });
        continue;
      case 'flow':
        ann.push({ kind: 'other', text: `${stmtText(s)}: later packets of this connection may bypass the hooks (flowtable offload)` });
        continue;
      case 'xt': {
        if (s.type === 'match') {
          const r = evalXtMatch(s.name, s.options, ctx, where(ctx));
          if (r.result === 'unknown') {
            if (!decide(s, r.reason, r.usual ?? 'nomatch')) return nomatch();
            continue;
          }
          exprs.push({ ...range, text: s.text, result: r.result, reason: r.reason });
          if (r.result === 'nomatch') return nomatch();
          continue;
        }
        if (s.type === 'watcher') {
          ann.push({ kind: 'other', text: s.text });
          continue;
        }
        const t = evalXtTarget(s.name, s.options, ctx);
        ann.push({ kind: 'other', text: t.effect });
        if (t.unknown) {
          ctx.assumptions.push(`${where(ctx)} rule #${ruleIndex + 1}: ${t.unknown}`);
          exprs.push({ ...range, text: s.text, result: 'unknown', reason: t.unknown });
          assumed = 'match';
        }
        if (t.verdict) return matched(t.verdict);
        continue;
      }
      case 'opaque':
        if (!decide(s, 'not understood by nflens', 'nomatch')) return nomatch();
        continue;
      default:
        return assertNever(s, 'statement');
    }
  }
  return matched({ kind: 'continue' });
}
