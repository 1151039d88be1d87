// Evaluates IR expressions against the packet, one function per expression kind (nftables expr_evaluate
// style): payload, meta, ct, fib, numgen, hash, maps, binops, concatenations. An expression yields a value,
// `absent` (the kernel breaks out of the rule: missing header, no conntrack entry …) or `unknown`
// (undecidable from what nflens knows). Imports the model and eval modules below it.
import type { Expr, NamedSet } from '../model/ir.ts';
import { assertNever } from '../model/ir.ts';
import { choose, type RunCtx } from './context.ts';
import { exprText } from './exprText.ts';
import { L4_NAME, PORT_PROTOCOLS, PROTOCOLS, ctType, fieldDef, metaType, type Base } from './fields.ts';
import { addressOfIface, ifaceOfAddress, isBroadcast, isLocalAddress, isMulticast, masqueradeAddress, routeOif } from './host.ts';
import { MAX_ENUMERATED_VALUES, modChoices, ruleConstants } from './modChoices.ts';
import { findSet } from './prepare.ts';
import { candidates, indexOf, lookup } from './sets.ts';
import { addrOf, l4Name, portKey } from './state.ts';
import { symbolValue } from '../model/datatypes.ts';
import { dtype, formatVal, guessLiteral, intVal, literalToVal, strVal, type DType, type Val } from './value.ts';

/** The ct state bit nft_ct reads for a state name (NF_CT_STATE_BIT, datatypes.ts). */
function ctStateBit(name: string): number {
  return symbolValue('ct_state', name) ?? 0;
}

export type Out =
  | { readonly k: 'val'; readonly val: Val }
  | { readonly k: 'absent'; readonly why: string }
  | { readonly k: 'unknown'; readonly why: string }
  /** A concatenation with unknown components (null). */
  | { readonly k: 'partial'; readonly parts: readonly (Val | null)[]; readonly why: string };

const val = (v: Val): Out => ({ k: 'val', val: v });
const absent = (why: string): Out => ({ k: 'absent', why });
const unknown = (why: string): Out => ({ k: 'unknown', why });

// ───────────────────────────── types ─────────────────────────────

/** The datatypes of an expression's value: one per concatenation component. */
export function typesOf(e: Expr, ctx: RunCtx): DType[] {
  switch (e.kind) {
    case 'concat':
      return e.items.flatMap((i) => typesOf(i, ctx));
    case 'payload':
      return [fieldDef(e.protocol, e.field)?.type ?? dtype('integer', 32)];
    case 'payload-raw':
      return [dtype('integer', e.len)];
    case 'meta':
      return [metaType(e.key)];
    case 'ct':
      return [ctType(e.key, e.family ?? (ctx.family === 'ip' || ctx.family === 'ip6' ? ctx.family : ctx.pkt.l3 === 'ip6' ? 'ip6' : 'ip'))];
    case 'fib':
      return [e.result === 'type' ? dtype('fib_addrtype') : e.result === 'oifname' ? dtype('ifname') : dtype('iface_index')];
    case 'rt':
      return [e.key === 'nexthop' ? (ctx.pkt.l3 === 'ip6' || e.family === 'ip6' ? dtype('ipv6_addr') : dtype('ipv4_addr')) : e.key === 'mtu' ? dtype('integer', 16) : e.key === 'ipsec' ? dtype('boolean') : dtype('realm')];
    case 'socket':
      return [e.key === 'mark' ? dtype('mark') : dtype('integer', e.key === 'cgroupv2' ? 64 : 1)];
    case 'osf':
      return [dtype('string')];
    case 'binop':
      return e.op === '<<' || e.op === '>>' ? [dtype('integer', typesOf(e.left, ctx)[0]?.bits ?? 32)] : typesOf(e.left, ctx);
    case 'map':
      return mapDataTypes(e, ctx);
    case 'ipsec':
      return [e.key === 'saddr' || e.key === 'daddr' ? (e.family === 'ip6' ? dtype('ipv6_addr') : dtype('ipv4_addr')) : dtype('integer', 32)];
    case 'numgen':
    case 'hash':
      return [dtype('integer', 32)];
    case 'value': {
      const g = typeof e.value === 'string' ? guessLiteral(e.value) : undefined;
      return [g && g.k !== 'cat' ? dtype(g.type) : typeof e.value === 'string' ? dtype('string') : dtype('integer', 32)];
    }
    default:
      return [dtype('integer', 32)];
  }
}

/** Component types of a named set's key: from `type a . b`, or `typeof expr`, else from the lookup key. */
export function setKeyTypes(set: NamedSet, fallback: DType[], ctx: RunCtx): DType[] {
  if (set.key.kind === 'type') return set.key.names.map((n) => dtype(n));
  return typesOf(set.key.expr, ctx).length ? typesOf(set.key.expr, ctx) : fallback;
}

function mapDataTypes(e: Extract<Expr, { kind: 'map' }>, ctx: RunCtx): DType[] {
  if (e.data.kind === 'setref' && ctx.table) {
    const s = findSet(ctx.prepared, ctx.table, e.data.name);
    if (s?.data?.kind === 'type') return s.data.names.map((n) => dtype(n));
    if (s?.data?.kind === 'typeof') return typesOf(s.data.expr, ctx);
  }
  return [dtype('integer', 32)];
}

type ConstResult = { ok: true; val: Val } | { ok: false; why: string };
const constCache = new WeakMap<Expr, Map<string, ConstResult>>();

/** A constant expression (value, concat of values, list of flags) as a value of the given types; cached per
 *  expression and type (a 10k-rule chain would otherwise re-parse every address on every packet). */
export function constVal(e: Expr, types: readonly DType[]): ConstResult {
  const key = types.map((t) => `${t.name}/${t.bits}`).join('.');
  let byType = constCache.get(e);
  const hit = byType?.get(key);
  if (hit) return hit;
  const r = constValUncached(e, types);
  if (!byType) constCache.set(e, (byType = new Map()));
  byType.set(key, r);
  return r;
}

function constValUncached(e: Expr, types: readonly DType[]): ConstResult {
  switch (e.kind) {
    case 'value': {
      const t = types[0] ?? dtype('integer', 32);
      const c = literalToVal(e.value, t);
      return c.ok ? c : { ok: false, why: c.why };
    }
    case 'elem':
      return constVal(e.value, types);
    case 'concat': {
      const items: Val[] = [];
      for (let i = 0; i < e.items.length; i++) {
        const c = constVal(e.items[i]!, [types[i] ?? dtype('integer', 32)]);
        if (!c.ok) return c;
        items.push(c.val);
      }
      return { ok: true, val: { k: 'cat', items } };
    }
    case 'list': {
      const t = types[0] ?? dtype('integer', 32);
      let v = 0n;
      for (const i of e.items) {
        const c = constVal(i, [t]);
        if (!c.ok) return c;
        if (c.val.k !== 'int') return { ok: false, why: 'flag list of non-numbers' };
        v |= c.val.v;
      }
      return { ok: true, val: intVal(v, t) };
    }
    case 'binop': {
      // A constant expression (`syn | ack`, `0xff00 & 0x4000`), folded as nft folds it before the kernel sees it.
      const t = types[0] ?? dtype('integer', 32);
      const a = constVal(e.left, [t]);
      if (!a.ok) return a;
      const b = constVal(e.right, e.op === '<<' || e.op === '>>' ? [dtype('integer', 32)] : [t]);
      if (!b.ok) return b;
      if (a.val.k !== 'int' || b.val.k !== 'int') return { ok: false, why: 'bitwise operation on a non-number' };
      return { ok: true, val: intVal(foldBinop(e.op, a.val.v, b.val.v, a.val.bits || t.bits || 32), t) };
    }
    default:
      return { ok: false, why: `${exprText(e)} is not a constant` };
  }
}

/** Is the expression made of constants only (values, flag lists, concatenations and binops of them)? */
export function isConstant(e: Expr): boolean {
  switch (e.kind) {
    case 'value':
      return true;
    case 'list':
    case 'concat':
      return e.items.every(isConstant);
    case 'binop':
      return isConstant(e.left) && isConstant(e.right);
    default:
      return false;
  }
}

function foldBinop(op: Extract<Expr, { kind: 'binop' }>['op'], a: bigint, r: bigint, bits: number): bigint {
  const mask = (1n << BigInt(bits)) - 1n;
  switch (op) {
    case '&':
      return a & r;
    case '|':
      return (a | r) & mask;
    case '^':
      return (a ^ r) & mask;
    case '<<':
      return (a << r) & mask;
    case '>>':
      return a >> r;
  }
}

// ───────────────────────────── evaluation ─────────────────────────────

export function evalExpr(e: Expr, ctx: RunCtx, want?: readonly DType[]): Out {
  switch (e.kind) {
    case 'value': {
      const c = constVal(e, want ?? typesOf(e, ctx));
      return c.ok ? val(c.val) : unknown(c.why);
    }
    case 'variable':
      return unknown(`unresolved variable $${e.name}`);
    case 'payload':
      return evalPayload(e.protocol, e.field, ctx);
    case 'payload-raw':
      return evalRawPayload(e.base, e.offset, e.len, ctx);
    case 'exthdr':
      return evalExthdr(e);
    case 'option':
      return evalOption(e, ctx);
    case 'meta':
      return evalMeta(e.key, ctx);
    case 'ct':
      return evalCt(e, ctx);
    case 'fib':
      return evalFib(e, ctx);
    case 'rt':
      return e.key === 'ipsec' ? val(intVal(0, dtype('boolean'))) : unknown(`rt ${e.key} depends on the routing table`);
    case 'socket':
      return unknown(`socket ${e.key} depends on the host's sockets`);
    case 'osf':
      return unknown('osf (passive OS fingerprinting) is not modelled');
    case 'numgen':
      return evalNumgen(e, ctx);
    case 'hash':
      return evalHash(e, ctx);
    case 'ipsec':
      return unknown('ipsec state is not modelled');
    case 'tunnel':
      return unknown('tunnel metadata is not modelled');
    case 'concat':
      return evalConcat(e, ctx, want);
    case 'map':
      return evalMap(e, ctx, want);
    case 'binop':
      return evalBinop(e, ctx);
    case 'prefix':
    case 'range':
    case 'set':
    case 'elem':
    case 'mapping':
    case 'setref':
    case 'list':
    case 'verdict':
      return unknown(`${exprText(e)} is not a value`);
    case 'xt':
      return unknown(`iptables match ${e.name} used as a value`);
    case 'opaque':
      return unknown(`not understood: ${e.text}`);
    default:
      return assertNever(e, 'expression');
  }
}

function isFragment(ctx: RunCtx): boolean {
  const f = ctx.pkt.hdr.get('ip frag-off');
  return ctx.pkt.l3 === 'ip' && f !== undefined && (f & 0x1fffn) !== 0n;
}

/** Protocol dependency nft adds implicitly (`tcp dport` ⇒ `meta l4proto tcp`): a field of a header the
 *  packet does not carry does not match. */
function dependency(protocol: string, base: Base, ctx: RunCtx): Out | undefined {
  const p = ctx.pkt;
  switch (base) {
    case 'll':
      if (!p.hasL2) return absent(p.origin === 'local' ? 'no link-layer header (locally generated packet)' : 'no link-layer header');
      if (protocol === 'vlan' && !p.hasVlan) return absent('the frame has no VLAN tag');
      return undefined;
    case 'nh':
      if (protocol !== p.l3) return absent(`not an ${protocol} packet`);
      return undefined;
    case 'th': {
      if (p.l3 === 'arp') return absent('ARP has no transport header');
      if (p.l4 === undefined) return unknown('transport protocol not given');
      if (isFragment(ctx)) return absent('a non-first fragment has no transport header');
      const need = PROTOCOLS[protocol]?.l4;
      if (need !== undefined && need !== p.l4) return absent(`not ${/^[aeiou]/.test(protocol) ? 'an' : 'a'} ${protocol} packet (${L4_NAME[p.l4] ?? `protocol ${p.l4}`})`);
      return undefined;
    }
  }
}

function evalPayload(protocol: string, field: string, ctx: RunCtx): Out {
  const def = fieldDef(protocol, field);
  if (!def) return unknown(`unknown header field ${protocol} ${field}`);
  const dep = dependency(protocol, def.base, ctx);
  if (dep) return dep;
  let key = `${protocol} ${field}`;
  if (protocol === 'th') {
    const l4 = ctx.pkt.l4!;
    if (PORT_PROTOCOLS.has(l4)) key = `${L4_NAME[l4]} ${field}`;
    else return readBits('th', def.offset, def.len, def.type, ctx);
  }
  if (protocol === 'vlan' || protocol === 'ether') {
    const v = ctx.pkt.hdr.get(key);
    return v !== undefined ? val(intVal(v, def.type)) : unknown(`${key} not given`);
  }
  const v = ctx.pkt.hdr.get(key);
  if (v === undefined) return unknown(`${key} not given`);
  return val(intVal(v, def.type));
}

function evalRawPayload(base: 'll' | 'nh' | 'th' | 'ih', offset: number, len: number, ctx: RunCtx): Out {
  if (base === 'ih') return unknown('inner header payload is not modelled');
  const proto = base === 'll' ? 'ether' : base === 'nh' ? ctx.pkt.l3 : (l4Name(ctx.pkt) ?? 'th');
  const dep = dependency(base === 'th' ? 'th' : proto, base, ctx);
  if (dep) return dep;
  return readBits(base, offset, len, dtype('integer', len), ctx);
}

/** Reads `len` bits at `offset` of a header from the known fields that cover them. */
function readBits(base: Base, offset: number, len: number, t: DType, ctx: RunCtx): Out {
  const protos = base === 'll' ? (ctx.pkt.hasVlan ? ['ether', 'vlan'] : ['ether']) : base === 'nh' ? [ctx.pkt.l3] : [l4Name(ctx.pkt) ?? ''];
  const end = offset + len;
  let result = 0n;
  const covered = new Array<boolean>(len).fill(false);
  for (const proto of protos) {
    const layout = PROTOCOLS[proto]?.layout;
    if (!layout) continue;
    for (const [field, [fo, fl]] of Object.entries(layout)) {
      if (fo >= end || fo + fl <= offset) continue;
      const v = ctx.pkt.hdr.get(`${proto} ${field}`);
      if (v === undefined) continue;
      for (let b = Math.max(fo, offset); b < Math.min(fo + fl, end); b++) {
        if (covered[b - offset]) continue;
        const bit = (v >> BigInt(fo + fl - 1 - b)) & 1n;
        result |= bit << BigInt(end - 1 - b);
        covered[b - offset] = true;
      }
    }
  }
  if (covered.some((c) => !c)) return unknown(`bits ${offset}-${end - 1} of the ${base === 'll' ? 'link' : base === 'nh' ? 'network' : 'transport'} header are not known`);
  return val(intVal(result, t));
}

function evalExthdr(e: Extract<Expr, { kind: 'exthdr' }>): Out {
  // nflens packets carry no IPv6 extension headers (documented default): `exthdr x exists` is false and a
  // field of a missing header breaks the rule, as nft_exthdr does.
  if (!e.field || e.field === 'exists') return val(intVal(0, dtype('boolean')));
  return absent(`the packet has no ${e.name} extension header`);
}

function evalOption(e: Extract<Expr, { kind: 'option' }>, ctx: RunCtx): Out {
  if (e.protocol === 'tcp') {
    // No TCP header, or one of five 32-bit words (`tcp doff 5`, the packet's default) with no room for
    // options: every option is missing. `exists`/`missing` then read 0 (nft_exthdr_tcp_eval: the err path
    // stores 0 under NFT_EXTHDR_F_PRESENT, and nft adds no tcp dependency for them: `missing` matches a UDP
    // packet); a field of the option breaks the rule. A longer header holds options the packet syntax cannot
    // state.
    const tcp = ctx.pkt.l4 === 6;
    if (!tcp || ctx.pkt.hdr.get('tcp doff') === 5n) {
      if (!e.field || e.field === 'exists') return val(intVal(0, dtype('boolean')));
      return absent(tcp ? `the packet has no tcp option ${e.name} (tcp doff 5: no options)` : 'not a tcp packet');
    }
    return unknown(`tcp option ${e.name} (the packet's TCP options are not known)`);
  }
  if (e.protocol === 'ip') {
    if (ctx.pkt.l3 !== 'ip') return absent('not an ip packet');
    if (!e.field || e.field === 'exists') return val(intVal(0, dtype('boolean')));
    return absent(`the packet has no ip option ${e.name}`);
  }
  return unknown(`${e.protocol} ${e.name} is not modelled`);
}

function evalMeta(key: string, ctx: RunCtx): Out {
  const p = ctx.pkt;
  const t = metaType(key);
  const dev = (d: string | null | undefined, what: string): Out =>
    d === undefined ? unknown(`${what} interface not given`) : val(strVal(d ?? '', t.name));
  switch (key) {
    case 'iif':
    case 'iifname':
      // No device: iif reads 0 and iifname "" (nft_meta_get_eval), they do not break the rule.
      return dev(p.iif, 'input');
    case 'oif':
    case 'oifname':
      return dev(p.oif, 'output');
    case 'iiftype':
    case 'oiftype': {
      const d = key === 'iiftype' ? p.iif : p.oif;
      if (d === null) return absent(`no ${key === 'iiftype' ? 'input' : 'output'} device at this hook`);
      if (d === undefined) return unknown('interface not given');
      return val(intVal(d === 'lo' ? 772 : 1, t));
    }
    case 'iifgroup':
    case 'oifgroup': {
      const d = key === 'iifgroup' ? p.iif : p.oif;
      if (d === null) return absent('no device at this hook');
      return val(intVal(0, t));
    }
    case 'iifkind':
    case 'oifkind':
      return unknown('interface kinds are not modelled');
    case 'nfproto':
      return val(intVal(p.l3 === 'ip' ? 2 : p.l3 === 'ip6' ? 10 : 3, t));
    case 'protocol':
      return val(intVal(p.l3 === 'ip' ? 0x0800 : p.l3 === 'ip6' ? 0x86dd : 0x0806, t));
    case 'l4proto':
      if (p.l3 === 'arp') return absent('ARP has no transport protocol');
      return p.l4 === undefined ? unknown('transport protocol not given') : val(intVal(p.l4, t));
    case 'pkttype': {
      // skb->pkt_type of a received frame comes from its destination MAC (eth_type_trans): an IP broadcast
      // sent to the host's own MAC is PACKET_HOST ('unicast'); only without a MAC is it guessed from daddr
      const mac = p.hdr.get('ether daddr');
      if (mac !== undefined && p.iif !== undefined && p.iif !== null && p.iif !== 'lo' && p.l3 !== 'arp') {
        return val(intVal(mac === 0xffffffffffffn ? 1 : (mac >> 40n) & 1n ? 2 : 0, t));
      }
      const d = addrOf(p, 'daddr');
      if (d === undefined) return unknown('daddr not given');
      if (p.l3 === 'arp') return val(intVal(0, t));
      const fam = p.l3;
      return val(intVal(isMulticast(fam, d) ? 2 : isBroadcast(ctx.host, fam, d) ? 1 : 0, t));
    }
    case 'skuid':
    case 'skgid':
    case 'cgroup':
      if (p.origin === 'remote') return absent('no local socket (the packet arrived from outside)');
      // a local packet looped back through lo arrives without its socket: loopback_xmit() orphans the skb
      // (drivers/net/loopback.c), so the receive hooks find no sk and the meta expression breaks the rule
      if (['prerouting', 'input', 'forward', 'ingress'].includes(ctx.hook)) return absent(`no socket on a received packet (${ctx.hook}: the loopback device drops the sender's socket)`);
      return p.meta.has(key) ? val(intVal(p.meta.get(key)!, t)) : unknown(`${key} of the sending socket not given`);
    case 'secpath':
    case 'ipsec':
    case 'broute':
      return val(intVal(0, t));
    // No VRF: the packet has no slave device (index 0, no name; "no device" is the empty name here).
    case 'sdif':
    case 'sdifname':
      return val(strVal('', t.name));
    case 'ibrname':
    case 'obrname':
    case 'ibriport':
    case 'obriport':
    case 'ibrvproto':
    case 'ibrpvid':
      return unknown('bridge port metadata is not modelled');
    case 'rtclassid':
      // The route's realm (dst->tclassid), 0 as nflens models no realms; before the routing decision the
      // packet has no route and nft_meta breaks the rule.
      if (ctx.hook === 'prerouting' || ctx.hook === 'ingress') return absent('no route yet (the routing decision comes after prerouting)');
      return val(intVal(0, t));
    case 'time':
    case 'day':
    case 'hour':
      return unknown('time of day is undecidable (no clock)');
    case 'random':
      return unknown('meta random is a random number per packet');
    default: {
      const v = p.meta.get(key);
      return v !== undefined ? val(intVal(v, t)) : unknown(`meta ${key} not given`);
    }
  }
}

function evalCt(e: Extract<Expr, { kind: 'ct' }>, ctx: RunCtx): Out {
  const ct = ctx.ct;
  const t = typesOf(e, ctx)[0]!;
  if (!ct.attached) {
    // Before the conntrack hook (or without conntrack) the skb has no entry: nft_ct reads state `invalid`
    // and breaks on every other key (observed on Linux 6.18; netfilter-semantics.md).
    const why = ct.active ? 'conntrack has not seen the packet yet (this chain runs before priority -200)' : 'conntrack is not enabled for this family (no rule uses it)';
    if (e.key === 'state') return val(intVal(ctStateBit('invalid'), t));
    return absent(`no conntrack entry: ${why}`);
  }
  if (ct.state === 'invalid' || ct.state === 'untracked') {
    if (e.key === 'state') return val(intVal(ctStateBit(ct.state), t));
    return absent(`no conntrack entry (${ct.state} packet)`);
  }
  switch (e.key) {
    case 'state':
      return val(intVal(ctStateBit(ct.state), t));
    case 'direction':
      return val(intVal(ct.direction, t));
    case 'status':
      return val(intVal(ct.status, t));
    case 'mark':
      return val(intVal(ct.mark, t));
    case 'zone':
      return val(intVal(ct.zone, t));
    case 'label':
      return val(intVal(ct.label, t));
    case 'l3proto':
      return val(intVal(ctx.pkt.l3 === 'ip' ? 2 : 10, t));
    case 'protocol':
      return ct.orig?.proto !== undefined ? val(intVal(ct.orig.proto, t)) : unknown('protocol not given');
    case 'helper':
      return ct.helper !== undefined ? val(strVal(ct.helper, 'string')) : unknown('conntrack helper not given');
    case 'id':
      return ct.id !== undefined ? val(intVal(ct.id, t)) : unknown('conntrack id not given');
    case 'saddr':
    case 'daddr':
    case 'ip saddr':
    case 'ip daddr':
    case 'ip6 saddr':
    case 'ip6 daddr':
    case 'proto-src':
    case 'proto-dst':
      return ctTuple(e.key, e.dir ?? 'original', ctx, t);
    case 'bytes':
    case 'packets':
    case 'avgpkt':
      return ctCounter(e.key, e.dir, ctx, t);
    default:
      return unknown(`ct ${e.key} is not modelled`);
  }
}

/** The counters of a connection this packet opens: conntrack counted it when it made the entry (one packet of
 *  its length in the original direction: nf_ct_refresh_acct from the protocol's packet handler), and a rule
 *  reading `ct bytes/packets/avgpkt` switches the accounting on when it is loaded (nft_ct_get_init →
 *  nf_ct_set_acct). An entry that already existed has counts nflens cannot know. */
function ctCounter(key: 'bytes' | 'packets' | 'avgpkt', dir: 'original' | 'reply' | undefined, ctx: RunCtx, t: DType): Out {
  const fresh = ctx.ct.state === 'new' && (ctx.ct.status & 0x8n) === 0n; // IPS_CONFIRMED: seen by an earlier packet
  if (!fresh) return unknown(`ct ${key} of an existing connection is not known`);
  const length = ctx.pkt.meta.get('length');
  if (length === undefined) return unknown(`ct ${key}: the packet's length is not known`);
  const packets = dir === 'reply' ? 0n : 1n;
  const bytes = dir === 'reply' ? 0n : length;
  const value = key === 'packets' ? packets : key === 'bytes' ? bytes : packets === 0n ? 0n : bytes / packets;
  return val(intVal(value, t));
}

/** Original tuple: the packet when conntrack saw it; reply tuple: the inverse of the packet after NAT. */
function ctTuple(key: string, dir: 'original' | 'reply', ctx: RunCtx, t: DType): Out {
  const ct = ctx.ct;
  const k = key.replace(/^ip6? /, '');
  let v: bigint | undefined;
  if (dir === 'original') {
    const o = ct.orig;
    v = k === 'saddr' ? o?.saddr : k === 'daddr' ? o?.daddr : k === 'proto-src' ? o?.sport : o?.dport;
  } else {
    const p = ctx.pkt;
    const sk = portKey(p, 'sport');
    const dk = portKey(p, 'dport');
    v = k === 'saddr' ? addrOf(p, 'daddr') : k === 'daddr' ? addrOf(p, 'saddr') : k === 'proto-src' ? (dk ? p.hdr.get(dk) : undefined) : sk ? p.hdr.get(sk) : undefined;
  }
  return v === undefined ? unknown(`ct ${dir} ${key} not known`) : val(intVal(v, t));
}

function evalFib(e: Extract<Expr, { kind: 'fib' }>, ctx: RunCtx): Out {
  const p = ctx.pkt;
  if (p.l3 === 'arp') return absent('fib needs an IP packet');
  const which = e.flags.includes('saddr') ? 'saddr' : 'daddr';
  const a = addrOf(p, which);
  if (a === undefined) return unknown(`${which} not given`);
  const fam = p.l3;
  if (e.result === 'type') {
    let local = isLocalAddress(ctx.host, fam, a) || (which === 'daddr' && p.forcedLocal);
    // bound to a device (`. iif`, `. oif`), the local route counts only when its device is that one
    // (nft_fib4_eval_type → inet_dev_addr_type: `if (!dev || dev == nhc->nhc_dev) ret = res.type`, else
    // RTN_UNICAST): 192.0.2.10 on lo is not local for `fib daddr . iif type` on a packet from eth0
    const dev = e.flags.includes('iif') ? p.iif : e.flags.includes('oif') ? p.oif : undefined;
    if (local && dev) {
      const owner = ifaceOfAddress(ctx.host, fam, a);
      if (owner !== undefined && owner !== dev) local = false;
    }
    let type = local ? 2 : isBroadcast(ctx.host, fam, a) ? 3 : isMulticast(fam, a) ? 5 : 1;
    // IPv6 asks the routing table itself (__nft_fib6_eval_type: a failed ip6 route lookup is
    // RTN_UNREACHABLE), where IPv4 asks only for the address type (inet_dev_addr_type: unicast)
    if (fam === 'ip6' && type === 1 && !local && ctx.host.routesKnown && routeOif(ctx.host, fam, a) === undefined) type = 7;
    return val(intVal(type, dtype('fib_addrtype')));
  }
  // oif/oifname: the device of the route to the address; with `iif` the lookup is bound to the input
  // device and finds nothing when the route leaves elsewhere (reverse-path filtering).
  // In prerouting, ingress and input a packet that came in through lo answers with lo, whatever its
  // addresses (nft_fib4_eval → nft_fib_can_skip: those hooks and nft_fib_is_loopback(skb, nft_in(pkt)) store
  // nft_in without a lookup; observed on Linux 6.18 in prerouting and input)
  if ((ctx.hook === 'prerouting' || ctx.hook === 'input' || ctx.hook === 'ingress') && p.iif === 'lo') {
    const tl = e.result === 'oifname' ? dtype('ifname') : dtype('iface_index');
    return val(strVal('lo', tl.name));
  }
  const oif = routeOif(ctx.host, fam, a);
  const t = e.result === 'oifname' ? dtype('ifname') : dtype('iface_index');
  if (fam === 'ip6') {
    // nft_fib6_eval: no result for a local route ("Should not see RTF_LOCAL here": RTF_LOCAL, RTF_ANYCAST,
    // RTF_REJECT all give 0), for a failed lookup, or when bound to a device (`. iif`/`. oif`) the route
    // leaves through another one; else the route's device. Unlike IPv4, a local address never answers lo.
    if (oif === undefined && !ctx.host.routesKnown) return unknown(`the route to ${which} is not known (give --host default=IFACE or route=PREFIX@IFACE)`);
    const bound = e.flags.includes('iif') ? p.iif : e.flags.includes('oif') ? p.oif : undefined;
    if ((e.flags.includes('iif') || e.flags.includes('oif')) && bound === undefined) return unknown(`${e.flags.includes('iif') ? 'input' : 'output'} interface not given`);
    const found = oif === undefined || oif === 'lo' || (bound !== undefined && bound !== oif) ? '' : oif;
    return val(strVal(found, t.name));
  }
  if (oif === undefined) return unknown(`the route to ${which} is not known (give --host default=IFACE or route=PREFIX@IFACE)`);
  if (e.flags.includes('iif')) {
    if (p.iif === undefined) return unknown('input interface not given');
    if (oif === 'lo' && which === 'saddr' && p.iif !== 'lo') return val(strVal('', t.name));
    return val(strVal(oif === 'lo' || oif === p.iif ? (p.iif ?? '') : '', t.name));
  }
  return val(strVal(oif, t.name));
}

/** For `fib … oif exists/missing`: is there a result at all? */
export function fibPresent(e: Extract<Expr, { kind: 'fib' }>, ctx: RunCtx): Out {
  const r = evalFib(e, ctx);
  if (r.k !== 'val') return r;
  if (r.val.k === 'str') return val(intVal(r.val.v === '' ? 0 : 1, dtype('boolean')));
  return val(intVal(r.val.k === 'int' && r.val.v !== 0n ? 1 : 0, dtype('boolean')));
}

function evalNumgen(e: Extract<Expr, { kind: 'numgen' }>, ctx: RunCtx): Out {
  const t = dtype('integer', 32);
  const off = e.offset ?? 0;
  if (e.mod <= 0) return unknown('numgen mod 0');
  if (e.mode === 'inc' && ctx.options.numgenInc !== undefined) return val(intVal((ctx.options.numgenInc % e.mod) + off, t));
  const label = `${exprText(e)} in ${ctx.hook} ${ctx.table?.table.name ?? ''}`.trim();
  const m = modOutcomes(e.mod, off, ctx);
  const i = choose(ctx, { kind: 'random', label: e.mode === 'inc' ? `${label} (round-robin counter)` : label, alternatives: m.alternatives, defaultIndex: 0 });
  return val(intVal(m.valueOf(i) + off, t));
}

function evalHash(e: Extract<Expr, { kind: 'hash' }>, ctx: RunCtx): Out {
  const t = dtype('integer', 32);
  const off = e.offset ?? 0;
  if (e.mod <= 0) return unknown('hash mod 0');
  if (ctx.options.hashValue !== undefined) return val(intVal((ctx.options.hashValue % e.mod) + off, t));
  if (e.fn === 'jhash' && e.seed !== undefined && e.expr) {
    const bytes = registerBytes(e.expr, ctx);
    if (bytes) return val(intVal(Number((BigInt(jhash(bytes, e.seed)) * BigInt(e.mod)) >> 32n) + off, t));
  }
  const why = e.fn === 'symhash' ? 'symhash uses the kernel flow hash' : e.seed === undefined ? 'no seed given: the kernel picks a random one' : 'hash input not known';
  const m = modOutcomes(e.mod, off, ctx);
  const i = choose(ctx, { kind: 'random', label: `${exprText(e)} (${why})`, alternatives: m.alternatives, defaultIndex: 0 });
  return val(intVal(m.valueOf(i) + off, t));
}

/** The alternatives of a modulus choice; a large modulus is split at the constants of the running rule. */
function modOutcomes(mod: number, off: number, ctx: RunCtx): ReturnType<typeof modChoices> {
  const table = ctx.table;
  return modChoices(mod, off, mod > MAX_ENUMERATED_VALUES ? ruleConstants(ctx.rule, (name) => (table ? findSet(ctx.prepared, table, name) : undefined)) : []);
}

/** The bytes nft_jhash hashes: payload fields in network byte order; concatenation components each padded
 *  to 4 bytes (register layout). Only payload keys (host-order meta/ct registers are not reproduced). */
function registerBytes(e: Expr, ctx: RunCtx): number[] | undefined {
  const items = e.kind === 'concat' ? e.items : [e];
  const out: number[] = [];
  for (const item of items) {
    if (item.kind !== 'payload') return undefined;
    const def = fieldDef(item.protocol, item.field);
    const r = evalPayload(item.protocol, item.field, ctx);
    if (!def || r.k !== 'val' || r.val.k !== 'int' || def.len % 8 !== 0) return undefined;
    const n = def.len / 8;
    for (let i = n - 1; i >= 0; i--) out.push(Number((r.val.v >> BigInt(i * 8)) & 0xffn));
    if (items.length > 1) while (out.length % 4) out.push(0);
  }
  return out;
}

const rol32 = (x: number, k: number) => ((x << k) | (x >>> (32 - k))) >>> 0;

/** Bob Jenkins' lookup3 as in include/linux/jhash.h (jhash()), little-endian word loads. */
export function jhash(k: readonly number[], initval: number): number {
  let length = k.length;
  let a = (0xdeadbeef + length + initval) >>> 0;
  let b = a;
  let c = a;
  let o = 0;
  const w = (i: number) => ((k[i]! | (k[i + 1]! << 8) | (k[i + 2]! << 16) | (k[i + 3]! << 24)) >>> 0);
  while (length > 12) {
    a = (a + w(o)) >>> 0;
    b = (b + w(o + 4)) >>> 0;
    c = (c + w(o + 8)) >>> 0;
    a = (a - c) >>> 0; a = (a ^ rol32(c, 4)) >>> 0; c = (c + b) >>> 0;
    b = (b - a) >>> 0; b = (b ^ rol32(a, 6)) >>> 0; a = (a + c) >>> 0;
    c = (c - b) >>> 0; c = (c ^ rol32(b, 8)) >>> 0; b = (b + a) >>> 0;
    a = (a - c) >>> 0; a = (a ^ rol32(c, 16)) >>> 0; c = (c + b) >>> 0;
    b = (b - a) >>> 0; b = (b ^ rol32(a, 19)) >>> 0; a = (a + c) >>> 0;
    c = (c - b) >>> 0; c = (c ^ rol32(b, 4)) >>> 0; b = (b + a) >>> 0;
    length -= 12;
    o += 12;
  }
  if (length === 0) return c;
  // The tail: bytes 0-3 into a, 4-7 into b, 8-11 into c, little-endian (the kernel's fall-through switch).
  for (let i = 0; i < length; i++) {
    const add = ((k[o + i] ?? 0) << ((i & 3) * 8)) >>> 0;
    if (i < 4) a = (a + add) >>> 0;
    else if (i < 8) b = (b + add) >>> 0;
    else c = (c + add) >>> 0;
  }
  c = (c ^ b) >>> 0; c = (c - rol32(b, 14)) >>> 0;
  a = (a ^ c) >>> 0; a = (a - rol32(c, 11)) >>> 0;
  b = (b ^ a) >>> 0; b = (b - rol32(a, 25)) >>> 0;
  c = (c ^ b) >>> 0; c = (c - rol32(b, 16)) >>> 0;
  a = (a ^ c) >>> 0; a = (a - rol32(c, 4)) >>> 0;
  b = (b ^ a) >>> 0; b = (b - rol32(a, 14)) >>> 0;
  c = (c ^ b) >>> 0; c = (c - rol32(b, 24)) >>> 0;
  return c;
}

function evalConcat(e: Extract<Expr, { kind: 'concat' }>, ctx: RunCtx, want?: readonly DType[]): Out {
  const parts: (Val | null)[] = [];
  let why = '';
  let ti = 0;
  for (const item of e.items) {
    const n = item.kind === 'concat' ? item.items.length : 1;
    const r = evalExpr(item, ctx, want ? want.slice(ti, ti + n) : undefined);
    ti += n;
    if (r.k === 'absent') return r;
    if (r.k === 'val') parts.push(...(r.val.k === 'cat' ? r.val.items : [r.val]));
    else if (r.k === 'partial') {
      parts.push(...r.parts);
      why ||= r.why;
    } else {
      parts.push(null);
      why ||= `${exprText(item)}: ${r.why}`;
    }
  }
  if (parts.some((p) => p === null)) return { k: 'partial', parts, why };
  return val({ k: 'cat', items: parts as Val[] });
}

function evalBinop(e: Extract<Expr, { kind: 'binop' }>, ctx: RunCtx): Out {
  const l = evalExpr(e.left, ctx);
  if (l.k !== 'val') return l.k === 'partial' ? unknown(l.why) : l;
  if (l.val.k !== 'int') return unknown('bitwise operation on a non-number');
  const t = typesOf(e.left, ctx)[0] ?? dtype('integer', l.val.bits);
  let r: bigint;
  if (isConstant(e.right)) {
    const c = constVal(e.right, e.op === '<<' || e.op === '>>' ? [dtype('integer', 32)] : [t]);
    if (!c.ok || c.val.k !== 'int') return unknown(c.ok ? 'bad operand' : c.why);
    r = c.val.v;
  } else {
    const rr = evalExpr(e.right, ctx);
    if (rr.k !== 'val') return rr.k === 'partial' ? unknown(rr.why) : rr;
    if (rr.val.k !== 'int') return unknown('bitwise operation on a non-number');
    r = rr.val.v;
  }
  const bits = l.val.bits || 32;
  const mask = (1n << BigInt(bits)) - 1n;
  return val({ k: 'int', v: foldBinop(e.op, l.val.v, r, bits) & mask, bits, type: l.val.type });
}

function evalMap(e: Extract<Expr, { kind: 'map' }>, ctx: RunCtx, want?: readonly DType[]): Out {
  const r = mapLookup(e.key, e.data, ctx);
  // a key the packet does not have (a tcp port of a udp packet) breaks the rule like a missing element does
  if (r.k !== 'hit') return r.k === 'miss' || r.k === 'absent' ? absent(r.why) : unknown(r.why);
  if (!r.data) return unknown('map element without data');
  const types = want ?? typesOf(e, ctx);
  const c = constVal(r.data, types);
  if (!c.ok) {
    // nft -j prints concatenated/prefix map data (NAT maps) as concat/prefix/range expressions.
    return unknown(c.why);
  }
  return val(c.val);
}

export type LookupResult =
  | { readonly k: 'hit'; readonly text: string; readonly data?: Expr; readonly key: string }
  | { readonly k: 'miss'; readonly why: string }
  | { readonly k: 'unknown'; readonly why: string; readonly candidates?: readonly { text: string; data?: Expr }[] }
  | { readonly k: 'absent'; readonly why: string };

/** Looks a key expression up in a set/map expression (anonymous `{ … }` or `@name`). */
export function mapLookup(keyExpr: Expr, setExpr: Expr, ctx: RunCtx): LookupResult {
  const keyTypes = typesOf(keyExpr, ctx);
  let owner: object;
  let elements: readonly Expr[];
  let types = keyTypes;
  let name: string;
  if (setExpr.kind === 'setref') {
    const set = ctx.table ? findSet(ctx.prepared, ctx.table, setExpr.name) : undefined;
    if (!set) return { k: 'unknown', why: `set @${setExpr.name} is not defined` };
    owner = set;
    elements = set.elements;
    types = setKeyTypes(set, keyTypes, ctx);
    name = `@${set.name}`;
  } else if (setExpr.kind === 'set') {
    owner = setExpr;
    elements = setExpr.items;
    name = 'the anonymous set';
  } else {
    return { k: 'unknown', why: `${exprText(setExpr)} is not a set` };
  }
  const key = evalExpr(keyExpr, ctx, types);
  if (key.k === 'absent') return { k: 'absent', why: key.why };
  if (key.k === 'unknown') return { k: 'unknown', why: key.why };
  const idx = indexOf(owner, elements, types);
  if (key.k === 'partial') {
    const cands = candidates(idx, key.parts);
    if (!cands.length) return { k: 'miss', why: `no element of ${name} can match (${key.why})` };
    return { k: 'unknown', why: key.why, candidates: cands.map((c) => ({ text: c.text, ...(c.data ? { data: c.data } : {}) })) };
  }
  const hit = lookup(idx, key.val, types.length);
  const shown = formatKey(key.val);
  if (!hit) return { k: 'miss', why: `${shown} is not in ${name}${idx.problems.length ? ` (${idx.problems.length} element(s) not understood: ${idx.problems[0]})` : ''}` };
  return { k: 'hit', text: hit.text, key: shown, ...(hit.data ? { data: hit.data } : {}) };
}

function formatKey(v: Val): string {
  return formatVal(v);
}

/** The address of an interface for masquerade/redirect. */
export function ifaceAddress(ctx: RunCtx, iface: string | null | undefined): bigint | undefined {
  if (ctx.pkt.l3 === 'arp') return undefined;
  return addressOfIface(ctx.host, ctx.pkt.l3, iface ?? undefined);
}

/** The source address masquerade gives the packet (host.ts masqueradeAddress; the next hop of our routes is
 *  the destination itself: on-link routes only). */
export function masqueradeSource(ctx: RunCtx): bigint | undefined {
  const p = ctx.pkt;
  if (p.l3 === 'arp') return undefined;
  return masqueradeAddress(ctx.host, p.l3, p.oif ?? undefined, addrOf(p, 'daddr'));
}
