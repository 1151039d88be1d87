// iptables matches and targets that have no nftables equivalent and reach the evaluator as `xt` nodes.
// EXTENSION POINT: add a module by adding an entry to XT_MATCHES / XT_TARGETS.
//
// Documented assumption about the options (to be confirmed when the iptables parser lands): `options` is
// keyed by the long option name without dashes, exactly as iptables-save prints it (`mode`, `probability`,
// `every`, `packet`, `match-set` (or `name` + `flags`), `src-type`, `dst-type`, `limit-iface-in`, `mark`, `comment`,
// `uid-owner`, `ctstate`, `set-xmark` …); `value` is the argument text (a string[] when the option takes
// several words, e.g. `match-set: ['KUBE-CLUSTER-IP', 'dst,dst']`); `negated` is set for `! --option`.
// A match negated as a whole (`! -m …` does not exist in iptables) is not modelled.
// Imports eval modules only.
import type { XtOption } from '../model/ir.ts';
import { choose, type RunCtx } from './context.ts';
import { inPrefix, parseCidr } from './addr.ts';
import { ifaceOfAddress, isBroadcast, isLocalAddress, isMulticast, routeOif } from './host.ts';
import { findSet } from './prepare.ts';
import { indexOf, lookup } from './sets.ts';
import { addrOf, portKey } from './state.ts';
import type { StepVerdict } from './trace.ts';
import { dtype, parseUnsigned, type DType, type Val } from './value.ts';
import { setKeyTypes } from './evalExpr.ts';
import { lookupTable } from '../model/lookup.ts';

export interface XtResult {
  readonly result: 'match' | 'nomatch' | 'unknown';
  readonly reason: string;
  /** For `unknown`: the outcome a run assumes by default. */
  readonly usual?: 'match' | 'nomatch';
}

export type XtOptions = Readonly<Record<string, XtOption>>;
export type XtMatchFn = (o: XtOptions, ctx: RunCtx, where: string) => XtResult;

const str = (o: XtOption | undefined): string | undefined => (o === undefined ? undefined : Array.isArray(o.value) ? o.value.join(' ') : String(o.value));
const words = (o: XtOption | undefined): string[] => (o === undefined ? [] : Array.isArray(o.value) ? [...o.value] : String(o.value).split(/\s+/).filter(Boolean));
const yes = (why: string): XtResult => ({ result: 'match', reason: why });
const no = (why: string): XtResult => ({ result: 'nomatch', reason: why });
const neg = (r: XtResult, negated: boolean | undefined): XtResult =>
  !negated || r.result === 'unknown' ? r : { result: r.result === 'match' ? 'nomatch' : 'match', reason: `not (${r.reason})` };

/** `value/mask` as iptables prints marks. */
function parseMarkMask(s: string): { value: bigint; mask: bigint } | undefined {
  const [v, m] = s.split('/');
  const value = v ? parseUnsigned(v) : undefined;
  const mask = m ? parseUnsigned(m) : 0xffffffffn;
  return value === undefined || mask === undefined ? undefined : { value, mask };
}

function statistic(o: XtOptions, ctx: RunCtx, where: string): XtResult {
  const mode = str(o.mode) ?? 'random';
  if (mode === 'random') {
    const p = Number(str(o.probability));
    if (!(p >= 0 && p <= 1)) return { result: 'unknown', reason: `bad probability ${str(o.probability)}`, usual: 'nomatch' };
    const negated = o.probability?.negated;
    const pm = negated ? 1 - p : p;
    const i = choose(ctx, {
      kind: 'random',
      label: `statistic random ${negated ? '! ' : ''}probability ${str(o.probability)} at ${where}`,
      alternatives: [
        { label: 'matched', share: pm },
        { label: 'not matched', share: 1 - pm },
      ],
      defaultIndex: 0,
    });
    return i === 0 ? yes(`random: matched (probability ${pm})`) : no(`random: not matched (probability ${1 - pm})`);
  }
  if (mode === 'nth') {
    const every = Number(str(o.every));
    const packet = Number(str(o.packet) ?? 0);
    if (!(every >= 1)) return { result: 'unknown', reason: `bad --every ${str(o.every)}`, usual: 'nomatch' };
    // The counter is the rule's own and depends on the packets before; the default is a freshly loaded rule's
    // first packet, counter 0 (iptables-nft runs --mode nth as `numgen inc mod EVERY`, which starts at 0: the
    // kernel matched `--packet 0` first, then 1, then 2).
    const i = choose(ctx, {
      kind: 'random',
      label: `statistic nth every ${every} packet ${packet} at ${where} (the counter is not known; a fresh rule's is 0)`,
      alternatives: [
        { label: `matched (counter = ${packet})`, share: 1 / every },
        { label: 'not matched', share: 1 - 1 / every },
      ],
      defaultIndex: packet % every === 0 ? 0 : 1,
    });
    const r = i === 0 ? yes(`nth: packet ${packet} of every ${every}`) : no(`nth: not packet ${packet} of every ${every}`);
    return neg(r, o.every?.negated);
  }
  return { result: 'unknown', reason: `statistic mode ${mode}`, usual: 'nomatch' };
}

function markMatch(read: 'meta' | 'ct'): XtMatchFn {
  return (o, ctx) => {
    const spec = parseMarkMask(str(o.mark) ?? '');
    if (!spec) return { result: 'unknown', reason: `bad mark ${str(o.mark)}`, usual: 'nomatch' };
    let m: bigint | undefined;
    if (read === 'meta') m = ctx.pkt.meta.get('mark');
    else if (ctx.ct.attached && ctx.ct.state !== 'invalid' && ctx.ct.state !== 'untracked') m = ctx.ct.mark;
    else return no('no conntrack entry');
    if (m === undefined) return { result: 'unknown', reason: 'mark not known', usual: 'nomatch' };
    const hit = (m & spec.mask) === spec.value;
    const r = hit ? yes(`mark 0x${m.toString(16)} & 0x${spec.mask.toString(16)} == 0x${spec.value.toString(16)}`) : no(`mark 0x${m.toString(16)} & 0x${spec.mask.toString(16)} != 0x${spec.value.toString(16)}`);
    return neg(r, o.mark?.negated);
  };
}

/** addrtype types (xt_addrtype) against the host model. */
function addrtype(o: XtOptions, ctx: RunCtx): XtResult {
  const p = ctx.pkt;
  if (p.l3 === 'arp') return no('not an IP packet');
  if (p.l3 === 'ip6') return addrtype6(o, ctx);
  const check = (opt: XtOption | undefined, which: 'saddr' | 'daddr'): XtResult | undefined => {
    if (!opt) return undefined;
    const a = addrOf(p, which);
    if (a === undefined) return { result: 'unknown', reason: `${which} not given`, usual: 'nomatch' };
    const local = isLocalAddress(ctx.host, p.l3 as 'ip' | 'ip6', a) || (which === 'daddr' && p.forcedLocal);
    const type = local ? 'LOCAL' : isBroadcast(ctx.host, p.l3 as 'ip', a) ? 'BROADCAST' : isMulticast(p.l3 as 'ip', a) ? 'MULTICAST' : 'UNICAST';
    const wanted = str(opt)!.toUpperCase().split(',');
    const r = wanted.includes(type) ? yes(`${which} type ${type}`) : no(`${which} type ${type}, not ${wanted.join(',')}`);
    return neg(r, opt.negated);
  };
  const rs = [check(o.srcType, 'saddr'), check(o.dstType, 'daddr')].filter((r): r is XtResult => !!r);
  return rs.find((r) => r.result !== 'match') ?? rs[0] ?? yes('no type given');
}

/** xt_addrtype for IPv6 (addrtype_mt6 → match_type6): UNICAST, MULTICAST and UNSPEC test the address's own
 *  type (ipv6_addr_type: every address but ::, multicast and ::ffff:0:0/96 is unicast, a local one too);
 *  LOCAL, ANYCAST and UNREACHABLE ask the routes (match_lookup_rt6: LOCAL for a local route, or with
 *  --limit-iface-in/out for an address of that device; UNREACHABLE when the lookup fails). All the types
 *  asked must hold together for the address-type part, any of the route ones for the route part. */
function addrtype6(o: XtOptions, ctx: RunCtx): XtResult {
  const p = ctx.pkt;
  const dev = o.limitIfaceIn ? p.iif : o.limitIfaceOut ? p.oif : undefined;
  const check = (opt: XtOption | undefined, which: 'saddr' | 'daddr'): XtResult | undefined => {
    if (!opt) return undefined;
    const a = addrOf(p, which);
    if (a === undefined) return { result: 'unknown', reason: `${which} not given`, usual: 'nomatch' };
    const wanted = new Set(str(opt)!.toUpperCase().split(','));
    const multicast = isMulticast('ip6', a);
    const unicast = !multicast && a !== 0n && a >> 32n !== 0xffffn;
    const fail = (why: string) => neg(no(`${which} ${why}`), opt.negated);
    if (wanted.has('MULTICAST') && !multicast) return fail('is not a multicast address');
    if (wanted.has('UNICAST') && !unicast) return fail('is not a unicast address');
    if (wanted.has('UNSPEC') && a !== 0n) return fail('is not ::');
    if (['LOCAL', 'ANYCAST', 'UNREACHABLE'].some((t) => wanted.has(t))) {
      const bound = dev !== undefined && dev !== null;
      const isLocal = isLocalAddress(ctx.host, 'ip6', a) || (which === 'daddr' && !!p.forcedLocal);
      // the device of the address's route: a local route sits on the device holding the address
      const routeDev = isLocal ? (ifaceOfAddress(ctx.host, 'ip6', a) ?? 'lo') : routeOif(ctx.host, 'ip6', a);
      const local = bound ? ifaceOfAddress(ctx.host, 'ip6', a) === dev : isLocal;
      // bound to a device the lookup is strict (ip6_route_output: an oif and no source → RT6_LOOKUP_F_IFACE):
      // a route through another device is no route, so even a local address is UNREACHABLE from lo
      const unreachable = bound ? routeDev !== dev : ctx.host.routesKnown && routeDev === undefined;
      const hit = (wanted.has('LOCAL') && local) || (wanted.has('UNREACHABLE') && unreachable);
      if (!hit) return fail(`is not ${[...wanted].filter((t) => ['LOCAL', 'ANYCAST', 'UNREACHABLE'].includes(t)).join(',')} by the routes`);
    }
    return neg(yes(`${which} type ${[...wanted].join(',')}`), opt.negated);
  };
  const rs = [check(o.srcType, 'saddr'), check(o.dstType, 'daddr')].filter((r): r is XtResult => !!r);
  return rs.find((r) => r.result !== 'match') ?? rs[0] ?? yes('no type given');
}

/** `-m set --match-set NAME dir[,dir…]`: looks the packet's fields up in the (ipset) set by name. Each
 *  address/port/MAC component of the set's key consumes one direction; a protocol component (hash:ip,port
 *  stores `tcp:80` as proto . port) takes the packet's protocol. */
function setMatch(o: XtOptions, ctx: RunCtx): XtResult {
  // As the iptables parser expands `--match-set NAME dst,dst`: `name` (carrying the `!`) and `flags`.
  const opt = o.name;
  const [name, dirs] = [str(o.name), words(o.flags).join(',')];
  if (!name || !dirs) return { result: 'unknown', reason: `bad --match-set ${str(opt)}`, usual: 'nomatch' };
  const set = ctx.table ? findSet(ctx.prepared, ctx.table, name) : undefined;
  if (!set) return { result: 'unknown', reason: `set ${name} is not defined (paste its ipset save)`, usual: 'nomatch' };
  const p = ctx.pkt;
  const types: DType[] = setKeyTypes(set, [], ctx);
  const dirList = dirs.split(',');
  const parts: Val[] = [];
  let di = 0;
  for (const t of types) {
    let v: bigint | undefined;
    if (t.name === 'inet_proto') {
      if (p.l4 === undefined) return { result: 'unknown', reason: 'protocol not given', usual: 'nomatch' };
      v = BigInt(p.l4);
    } else {
      const src = dirList[Math.min(di++, dirList.length - 1)] === 'src';
      if (t.name === 'ipv4_addr' || t.name === 'ipv6_addr') v = addrOf(p, src ? 'saddr' : 'daddr');
      else if (t.name === 'inet_service') {
        const k = portKey(p, src ? 'sport' : 'dport');
        if (!k) return neg(no('the packet has no ports'), opt?.negated);
        v = p.hdr.get(k);
      } else if (t.name === 'ether_addr') v = p.hdr.get(src ? 'ether saddr' : 'ether daddr');
      else return { result: 'unknown', reason: `${t.name} set keys are not modelled`, usual: 'nomatch' };
    }
    if (v === undefined) return { result: 'unknown', reason: `${t.name} of the packet not known`, usual: 'nomatch' };
    parts.push({ k: 'int', v, bits: t.bits, type: t.name });
  }
  const key: Val = parts.length === 1 ? parts[0]! : { k: 'cat', items: parts };
  const hit = lookup(indexOf(set, set.elements, types), key, types.length);
  return neg(hit ? yes(`in set ${name} (${hit.text})`) : no(`not in set ${name}`), opt?.negated);
}

/** ct status bits by the names iptables uses (include/uapi/linux/netfilter/nf_conntrack_common.h);
 *  NONE adds no bit (libxt_conntrack.c conntrack_ps_status). */
const CT_STATUS_BITS: Readonly<Record<string, bigint>> = { NONE: 0n, EXPECTED: 1n, SEEN_REPLY: 2n, ASSURED: 4n, CONFIRMED: 8n };

/** `-m conntrack` as the kernel runs it (net/netfilter/xt_conntrack.c conntrack_mt): the state is tested
 *  first, with SNAT/DNAT as extra state bits only when there is an entry; without an entry (before conntrack,
 *  invalid, untracked) the match ends there — true when --ctstate was given (and passed), false otherwise —
 *  so --ctstatus, --ctdir and the tuple options are never read then. iptables-nft 1.8.9 runs it as the xt
 *  match (`[ match name conntrack rev 3 ]`); its nft translation differs exactly when there is no entry. */
function conntrackMatch(o: XtOptions, ctx: RunCtx): XtResult {
  const ct = ctx.ct;
  const entry = ct.attached && ct.state !== 'invalid' && ct.state !== 'untracked';
  const state = ct.attached ? ct.state : 'invalid';
  const stateOpt = o.ctstate ?? o.state;
  const reasons: string[] = [];
  if (stateOpt) {
    const wanted = words(stateOpt).flatMap((w) => w.split(',')).map((w) => w.toUpperCase());
    const bits = [state.toUpperCase()];
    if (entry && ct.status & 0x10n) bits.push('SNAT');
    if (entry && ct.status & 0x20n) bits.push('DNAT');
    const hit = wanted.some((w) => bits.includes(w));
    if (hit === !!stateOpt.negated) return no(`ct state ${bits.join('+')}${stateOpt.negated ? ' is' : ' is not'} ${stateOpt.negated ? 'one of ' : ''}${wanted.join(',')}`);
    reasons.push(`ct state ${bits.join('+')}`);
  }
  if (!entry) return stateOpt ? yes(`${reasons.join(', ')}; no conntrack entry, the other options are not tested`) : no('no conntrack entry');
  const dir = o.ctdir;
  if (dir) {
    const want = str(dir)!.toUpperCase() === 'REPLY' ? 1 : 0;
    if (ct.direction !== want) return no(`ct direction is ${ct.direction ? 'reply' : 'original'}`);
  }
  for (const [name, field] of [['ctorigsrc', 'saddr'], ['ctorigdst', 'daddr']] as const) {
    const opt = o[name];
    if (!opt) continue;
    const net = parseCidr(str(opt)!);
    const have = ct.orig?.[field];
    if (!net || have === undefined) return { result: 'unknown', reason: `${name} not known`, usual: 'nomatch' };
    const bits = net.family === 'ip' ? 32 : 128;
    const hit = inPrefix(have, net.value, net.family === 'ip' && !str(opt)!.includes('/') ? 32 : net.len, bits);
    if (hit === !!opt.negated) return no(`${name} ${hit ? 'is' : 'is not'} ${str(opt)}`);
  }
  for (const name of ['ctreplsrc', 'ctrepldst', 'ctreplsrcport', 'ctrepldstport', 'ctexpire']) {
    if (o[name]) return { result: 'unknown', reason: `--${name} is not modelled`, usual: 'nomatch' };
  }
  if (o.ctproto) {
    const want = parseUnsigned(str(o.ctproto)!);
    const hit = want !== undefined && BigInt(ct.orig?.proto ?? -1) === want;
    if (hit === !!o.ctproto.negated) return no(`ct protocol ${ct.orig?.proto ?? '?'}`);
  }
  for (const [name, field] of [['ctorigsrcport', 'sport'], ['ctorigdstport', 'dport']] as const) {
    const opt = o[name];
    if (!opt) continue;
    const [lo, hi] = (Array.isArray(opt.value) ? opt.value : String(opt.value).split(':')).map((x) => BigInt(x));
    const have = ct.orig?.[field];
    if (have === undefined || lo === undefined) return { result: 'unknown', reason: `${name} not known`, usual: 'nomatch' };
    const hit = have >= lo && have <= (hi ?? lo);
    if (hit === !!opt.negated) return no(`${name} ${have}`);
  }
  const status = o.ctstatus;
  if (status) {
    const mask = words(status).flatMap((w) => w.split(',')).reduce((m, w) => m | (CT_STATUS_BITS[w.toUpperCase()] ?? 0n), 0n);
    const hit = (mask & ct.status) !== 0n;
    if (hit === !!status.negated) return no(`ct status 0x${ct.status.toString(16)}${hit ? ' has' : ' has none of'} ${words(status).join(',')}`);
    reasons.push(`ct status 0x${ct.status.toString(16)}`);
  }
  return yes(reasons.join(', ') || 'conntrack matches');
}

function owner(o: XtOptions, ctx: RunCtx): XtResult {
  // xt_owner.c owner_mt without a socket (a received packet, a forwarded one, a local one looped back
  // through lo, which loopback_xmit() orphans): `return (info->match ^ info->invert) == 0;` — it matches
  // exactly when every option given is negated (`! --uid-owner 0` matches a forwarded packet)
  const noSocket = ctx.pkt.origin === 'remote' || ['prerouting', 'input', 'forward', 'ingress'].includes(ctx.hook);
  if (noSocket) {
    const given = (['uidOwner', 'gidOwner', 'socketExists'] as const).filter((k) => o[k] !== undefined);
    return given.length && given.every((k) => o[k]!.negated) ? yes('no socket, and every option is negated') : no('no local socket');
  }
  // `else if (info->match & info->invert & XT_OWNER_SOCKET) return false;`
  if (o.socketExists?.negated) return no('the packet has a socket');
  for (const [opt, key, flag] of [['uidOwner', 'skuid', '--uid-owner'], ['gidOwner', 'skgid', '--gid-owner']] as const) {
    const want = o[opt];
    if (!want) continue;
    const have = ctx.pkt.meta.get(key);
    if (have === undefined) return { result: 'unknown', reason: `${key} not given`, usual: 'nomatch' };
    // the iptables parser gives [lo, hi]; a hand-built node may say '0-10' (names were resolved before)
    const [lo, hi] = (Array.isArray(want.value) ? want.value.map(String) : String(want.value).split('-')).map((x) => parseUnsigned(x));
    if (lo === undefined) return { result: 'unknown', reason: `${flag} ${str(want)} is not a number`, usual: 'nomatch' };
    const hit = lo !== undefined && have >= lo && have <= (hi ?? lo);
    const r = hit ? yes(`${key} ${have}`) : no(`${key} ${have}, not ${str(want)}`);
    if (neg(r, want.negated).result !== 'match') return neg(r, want.negated);
  }
  return yes('owner matches');
}

/** `-m recent` (xt_recent.c recent_mt): lists of addresses with the times they were seen. What earlier
 *  packets left in a list is not known (a dump does not show it); what this packet put there is: `--set` records
 *  a hit and always matches (`ret = !info->invert`, whether or not the address was listed), `--rcheck`/`--update`
 *  find an entry with at least `--hitcount` hits (a lower bound: an earlier packet may have added more),
 *  `--update` then records one more, `--remove` takes the entry out. kube-proxy's session affinity DNAT rules
 *  carry `-m recent --set`. */
function recent(o: XtOptions, ctx: RunCtx): XtResult {
  const name = str(o.name) ?? 'DEFAULT';
  const which = o.rdest !== undefined ? 'daddr' : 'saddr';
  const addr = addrOf(ctx.pkt, which);
  const mask = str(o.mask);
  const maskValue = mask !== undefined && ctx.pkt.l3 === 'ip' ? parseCidr(mask)?.value : undefined;
  const key = addr === undefined ? undefined : `${name} ${ctx.pkt.l3} ${maskValue !== undefined ? addr & maskValue : addr}`;
  const side = which === 'daddr' ? 'destination' : 'source';
  const hits = key === undefined ? 0 : (ctx.recentHits.get(key) ?? 0);
  if (o.set !== undefined) {
    if (key !== undefined) ctx.recentHits.set(key, hits + 1);
    return neg(yes(`--set adds the ${side} to recent list ${name} and always matches`), o.set.negated);
  }
  const command = o.rcheck ?? o.update ?? o.remove;
  const needed = Math.max(1, Number(str(o.hitcount) ?? 1));
  if (command && hits >= needed) {
    if (o.update !== undefined && key !== undefined) ctx.recentHits.set(key, hits + 1);
    if (o.remove !== undefined && key !== undefined) ctx.recentHits.delete(key);
    return neg(yes(`this packet put its ${side} in recent list ${name} (${hits} hit${hits === 1 ? '' : 's'})`), command.negated);
  }
  return { result: 'unknown', reason: `recent list ${name}: what earlier packets left there is not known`, usual: command?.negated ? 'match' : 'nomatch' };
}

const undecidable = (what: string, usual: 'match' | 'nomatch' = 'nomatch'): XtMatchFn => () => ({ result: 'unknown', reason: what, usual });

/** `[value, mask]` of a value/mask option (`--tos 0x10/0x3f`, `--realm 1/0xff`). */
function valueMask(o: XtOption | undefined): { readonly value: bigint; readonly mask: bigint } | undefined {
  if (!o || !Array.isArray(o.value) || o.value.length !== 2) return undefined;
  const [value, mask] = o.value as readonly unknown[];
  return typeof value === 'number' && typeof mask === 'number' ? { value: BigInt(value), mask: BigInt(mask) } : undefined;
}

/** `-m policy`: nflens models no IPsec, so no packet has a policy: `--pol none` matches, `--pol ipsec` does not
 *  (xt_policy.c policy_mt: no secpath / no xfrm on the route gives -1, which is a match only for NONE). */
function policy(o: XtOptions): XtResult {
  const pol = str(o.pol);
  if (pol === undefined) return { result: 'unknown', reason: 'policy without --pol', usual: 'nomatch' };
  return pol === 'none' ? yes('no IPsec policy applies (nflens models no IPsec): --pol none') : no('no IPsec policy applies (nflens models no IPsec)');
}

/** `-m tos --tos value[/mask]`: the IPv4 TOS byte or IPv6 traffic class, DSCP and ECN together (xt_dscp.c tos_mt). */
function tos(o: XtOptions, ctx: RunCtx): XtResult {
  const spec = valueMask(o.tos);
  if (!spec) return { result: 'unknown', reason: `bad --tos ${str(o.tos)}`, usual: 'nomatch' };
  const l3 = ctx.pkt.l3;
  if (l3 !== 'ip' && l3 !== 'ip6') return no('not an IP packet');
  const dscp = ctx.pkt.hdr.get(`${l3} dscp`);
  const ecn = ctx.pkt.hdr.get(`${l3} ecn`);
  if (dscp === undefined || ecn === undefined) return { result: 'unknown', reason: 'the packet’s DSCP/ECN are not known', usual: 'nomatch' };
  const byte = (dscp << 2n) | ecn;
  const hit = (byte & spec.mask) === spec.value;
  const text = `tos 0x${byte.toString(16)} & 0x${spec.mask.toString(16)} ${hit ? '==' : '!='} 0x${spec.value.toString(16)}`;
  return neg(hit ? yes(text) : no(text), o.tos?.negated);
}

/** `-m realm --realm id[/mask]`: the route's realm, 0 as nflens models no realms (xt_realm.c: dst->tclassid). */
function realm(o: XtOptions): XtResult {
  const spec = valueMask(o.realm);
  if (!spec) return { result: 'unknown', reason: `bad --realm ${str(o.realm)}`, usual: 'nomatch' };
  const hit = (0n & spec.mask) === spec.value;
  return neg(hit ? yes('the route has realm 0 (no realms)') : no(`the route has realm 0 (no realms), not ${spec.value}`), o.realm?.negated);
}

/** `-m rpfilter [--loose] [--accept-local] [--invert]`: the reverse path check of ipt_rpfilter.c rpfilter_mt —
 *  a packet from lo passes; otherwise the route back to the source must be a unicast route (a local one only
 *  with --accept-local) through the input device (any device with --loose). `--validmark` only changes the
 *  lookup's mark, which the host model's routes ignore. */
function rpfilter(o: XtOptions, ctx: RunCtx): XtResult {
  const p = ctx.pkt;
  const invert = o.invert !== undefined;
  const result = (ok: boolean, why: string): XtResult => neg(ok ? yes(why) : no(why), invert);
  if (p.l3 !== 'ip' && p.l3 !== 'ip6') return no('not an IP packet');
  if (p.iif === 'lo') return result(true, 'a packet from lo passes the reverse path check');
  const saddr = addrOf(p, 'saddr');
  if (saddr === undefined || p.iif === undefined) return { result: 'unknown', reason: 'source address or input interface not given', usual: invert ? 'nomatch' : 'match' };
  if (isLocalAddress(ctx.host, p.l3, saddr)) {
    if (o.acceptLocal === undefined) return result(false, 'the source is an address of this host (a local route fails without --accept-local)');
    return result(o.loose !== undefined, 'the source is an address of this host (its route is through lo)');
  }
  const oif = routeOif(ctx.host, p.l3, saddr);
  if (oif === undefined) return { result: 'unknown', reason: 'the route back to the source is not known (give --host default=IFACE or route=PREFIX@IFACE)', usual: invert ? 'nomatch' : 'match' };
  if (o.loose !== undefined) return result(true, `a route back to the source exists (via ${oif}; --loose)`);
  return result(oif === p.iif, oif === p.iif ? `the route back to the source is through ${oif}, the input device` : `the route back to the source is through ${oif}, not ${p.iif}`);
}

/** `-m tcp` kept whole as an xt match (it has --tcp-option, which nft cannot say): ports, flags and the option,
 *  each with its `!` (xt_tcpudp.c tcp_mt). A header of 5 words (`tcp doff 5`, the default) has no options. */
function tcpMatch(o: XtOptions, ctx: RunCtx): XtResult {
  if (ctx.pkt.l4 !== 6) return no('not a tcp packet');
  const hdr = ctx.pkt.hdr;
  const results: XtResult[] = [];
  for (const field of ['sport', 'dport'] as const) {
    const opt = o[field];
    if (!opt) continue;
    const [lo, hi] = (Array.isArray(opt.value) ? opt.value : [opt.value, opt.value]) as readonly number[];
    const port = hdr.get(`tcp ${field}`);
    if (port === undefined) return { result: 'unknown', reason: `tcp ${field} not given`, usual: 'nomatch' };
    const inRange = port >= BigInt(lo ?? 0) && port <= BigInt(hi ?? 65535);
    results.push(neg(inRange ? yes(`tcp ${field} ${port} in ${lo}:${hi}`) : no(`tcp ${field} ${port} not in ${lo}:${hi}`), opt.negated));
  }
  // `--tcp-flags MASK COMP` is stored [mask, comp]; `--syn` is SYN,RST,ACK,FIN SYN.
  const flagTest = o.tcpFlags ?? o.syn;
  if (flagTest) {
    const [mask, comp] = o.tcpFlags ? ((o.tcpFlags.value as readonly number[]).map(BigInt) as [bigint, bigint]) : [0x17n, 0x02n];
    const have = hdr.get('tcp flags');
    if (have === undefined) return { result: 'unknown', reason: 'tcp flags not known', usual: 'nomatch' };
    const hit = (have & mask) === comp;
    results.push(neg(hit ? yes(`tcp flags & 0x${mask.toString(16)} == 0x${comp.toString(16)}`) : no(`tcp flags & 0x${mask.toString(16)} != 0x${comp.toString(16)}`), flagTest.negated));
  }
  if (o.tcpOption) {
    if (hdr.get('tcp doff') !== 5n) return { result: 'unknown', reason: "the packet's TCP options are not known", usual: 'nomatch' };
    results.push(neg(no(`no tcp option ${str(o.tcpOption)} (tcp doff 5: no options)`), o.tcpOption.negated));
  }
  return results.find((r) => r.result !== 'match') ?? results[0] ?? yes('tcp');
}

/** A per-flow or per-source limit whose state nflens cannot know, assumed not reached (a first packet):
 *  then the "up to" form matches and the "above" form does not. `--hashlimit-above` / `--connlimit-above`
 *  are the inverted "up to" (XT_HASHLIMIT_INVERT in xt_hashlimit.c, XT_CONNLIMIT_INVERT in xt_connlimit.c),
 *  and a `!` before the option inverts it again. */
const underLimit =
  (what: string, aboveOption: string, uptoOption: string): XtMatchFn =>
  (o) => {
    const above = o[aboveOption];
    const inverted = above !== undefined ? !above.negated : !!o[uptoOption]?.negated;
    return { result: 'unknown', reason: `${what} (assumed under the limit)`, usual: inverted ? 'nomatch' : 'match' };
  };

export const XT_MATCHES: Readonly<Record<string, XtMatchFn>> = lookupTable({
  statistic,
  comment: () => yes('comment'),
  mark: markMatch('meta'),
  connmark: markMatch('ct'),
  addrtype,
  set: setMatch,
  conntrack: conntrackMatch,
  state: conntrackMatch,
  owner,
  policy,
  tos,
  realm,
  tcp: tcpMatch,
  limit: undecidable('rate limit state is not known (assumed under the limit)', 'match'),
  hashlimit: underLimit('hashlimit state is not known', 'hashlimitAbove', 'hashlimitUpto'),
  connlimit: underLimit('connection counts are not known', 'connlimitAbove', 'connlimitUpto'),
  recent,
  string: undecidable('payload string search is not modelled'),
  u32: undecidable('u32 is not modelled'),
  bpf: undecidable('bpf programs are not modelled'),
  physdev: undecidable('bridge port devices are not modelled'),
  socket: undecidable("depends on the host's sockets"),
  helper: undecidable('conntrack helpers are not modelled'),
  time: undecidable('time of day is undecidable (no clock)'),
  quota: undecidable('quota state is not known (assumed not exhausted)', 'match'),
  rpfilter,
});

export function evalXtMatch(name: string, o: XtOptions, ctx: RunCtx, where: string): XtResult {
  const fn = XT_MATCHES[name];
  if (!fn) return { result: 'unknown', reason: `iptables match "${name}" has no semantics in nflens`, usual: 'nomatch' };
  return fn(o, ctx, where);
}

export interface XtTargetResult {
  readonly verdict?: StepVerdict;
  /** Description of the effect (annotation). */
  readonly effect: string;
  /** Set when the target's effect is not modelled. */
  readonly unknown?: string;
}

/** Targets without a verdict go on with the next rule (netfilter-semantics.md, "iptables"). */
const NON_TERMINAL = new Set(['LOG', 'NFLOG', 'ULOG', 'TCPMSS', 'CLASSIFY', 'CHECKSUM', 'DSCP', 'TOS', 'TTL', 'HL', 'AUDIT', 'SECMARK', 'CONNSECMARK', 'IDLETIMER', 'LED', 'RATEEST', 'TEE', 'TRACE', 'SET', 'TCPOPTSTRIP', 'ECN', 'SYNPROXY']);

export function evalXtTarget(name: string, o: XtOptions, ctx: RunCtx): XtTargetResult {
  switch (name) {
    case 'ACCEPT':
      return { verdict: { kind: 'accept' }, effect: 'accept' };
    case 'DROP':
      return { verdict: { kind: 'drop' }, effect: 'drop' };
    case 'RETURN':
      return { verdict: { kind: 'return' }, effect: 'return' };
    case 'REJECT':
      return { verdict: { kind: 'reject', ...(str(o.rejectWith) ? { with: str(o.rejectWith)! } : {}) }, effect: 'reject' };
    case 'QUEUE':
    case 'NFQUEUE':
      return { verdict: { kind: 'queue' }, effect: 'queued to user space' };
    case 'MARK':
    case 'CONNMARK': {
      const isCt = name === 'CONNMARK';
      const cur = isCt ? ctx.ct.mark : ctx.pkt.meta.get('mark');
      if (cur === undefined) return { effect: `${name}: mark not known`, unknown: 'mark not known' };
      let next: bigint | undefined;
      const xm = str(o.setXmark) ?? str(o.setMark);
      if (xm) {
        const s = parseMarkMask(xm);
        if (s) next = o.setMark ? (cur & ~s.mask) | s.value : (cur & ~s.mask) ^ s.value;
      } else if (str(o.orMark)) next = cur | (parseUnsigned(str(o.orMark)!) ?? 0n);
      else if (str(o.andMark)) next = cur & (parseUnsigned(str(o.andMark)!) ?? 0xffffffffn);
      else if (str(o.xorMark)) next = cur ^ (parseUnsigned(str(o.xorMark)!) ?? 0n);
      else if (isCt && o.saveMark !== undefined) next = ctx.pkt.meta.get('mark');
      else if (isCt && o.restoreMark !== undefined) {
        ctx.pkt.meta.set('mark', ctx.ct.mark);
        return { effect: `meta mark set ct mark (0x${ctx.ct.mark.toString(16)})` };
      }
      if (next === undefined) return { effect: `${name} with unknown options`, unknown: `${name} options not understood` };
      next &= 0xffffffffn;
      if (isCt) {
        if (ctx.ct.attached && ctx.ct.state !== 'invalid' && ctx.ct.state !== 'untracked') ctx.ct.mark = next;
      } else ctx.pkt.meta.set('mark', next);
      return { effect: `${isCt ? 'ct' : 'meta'} mark set 0x${next.toString(16)}` };
    }
    case 'CT':
    case 'NOTRACK':
      if (name === 'NOTRACK' || o.notrack !== undefined) {
        if (!ctx.ct.attached) {
          ctx.ct.state = 'untracked';
          ctx.ct.attached = true;
        }
        return { effect: 'notrack' };
      }
      return { effect: `CT ${Object.keys(o).join(' ')}` };
    default:
      if (NON_TERMINAL.has(name)) return { effect: `${name} (no verdict: next rule)` };
      return { effect: `${name}`, unknown: `iptables target "${name}" has no semantics in nflens (assumed: next rule)` };
  }
}
