// The one-line packet syntax shared by the CLI (`--packet`) and the page: keys exactly as nft prints them
// (`iif eth0 ip saddr 10.0.0.5 tcp dport 53 tcp flags syn,ack ct state new meta mark 0x4000 local`).
// Returns diagnostics as values (codes PKT…), never throws. Imports the model, eval/fields, eval/value, eval/packet.
import type { Diagnostic, SourceRange } from '../model/ir.ts';
import { L4_NAME, PROTOCOLS, ctType, fieldDef, metaType } from './fields.ts';
import { completePacket, emptyDraft, type CtStateName, type Packet, type PacketDraft } from './packet.ts';
import { symbolValue } from '../model/datatypes.ts';
import { dtype, literalToVal, type DType } from './value.ts';

interface Token {
  readonly text: string;
  readonly range: SourceRange;
  readonly quoted: boolean;
}

function tokenize(text: string, diags: Diagnostic[]): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === '"' || c === "'") {
      const end = text.indexOf(c, i + 1);
      if (end < 0) {
        diags.push(err('PKT001', 'unterminated string', { start: i, end: text.length }));
        out.push({ text: text.slice(i + 1), range: { start: i, end: text.length }, quoted: true });
        break;
      }
      out.push({ text: text.slice(i + 1, end), range: { start: i, end: end + 1 }, quoted: true });
      i = end + 1;
      continue;
    }
    let j = i;
    while (j < text.length && !/\s/.test(text[j]!)) j++;
    // Allow `syn, ack` (a space after a comma) as one flag list.
    while (text[j - 1] === ',' && j < text.length) {
      while (j < text.length && /\s/.test(text[j]!)) j++;
      while (j < text.length && !/\s/.test(text[j]!)) j++;
    }
    out.push({ text: text.slice(i, j).replace(/,\s+/g, ','), range: { start: i, end: j }, quoted: false });
    i = j;
  }
  return out;
}

function err(code: string, message: string, range: SourceRange): Diagnostic {
  return { severity: 'error', code, message, range };
}

/** Meta keys nft prints without the `meta` word. */
const BARE_META = new Set(['iif', 'iifname', 'oif', 'oifname', 'mark', 'skuid', 'skgid', 'priority', 'length', 'pkttype', 'cpu', 'l4proto', 'nfproto', 'iiftype', 'oiftype', 'iifgroup', 'oifgroup', 'cgroup', 'nftrace', 'protocol']);

const CT_STATES: readonly CtStateName[] = ['new', 'established', 'related', 'invalid', 'untracked'];

/** Parses the one-line packet syntax. Every stated key overrides the defaults documented in packet.ts. */
export function parsePacket(text: string): { packet: Packet; diagnostics: Diagnostic[] } {
  const diags: Diagnostic[] = [];
  const toks = tokenize(text, diags);
  const d: PacketDraft = emptyDraft();
  let i = 0;
  const peek = () => toks[i];
  const next = () => toks[i++];
  const whole: SourceRange = { start: 0, end: text.length };

  /** Reads a value token, skipping an optional `==`. */
  const value = (what: string, at: Token): Token | undefined => {
    if (peek()?.text === '==') i++;
    const v = next();
    if (!v) diags.push(err('PKT002', `${what} needs a value`, at.range));
    return v;
  };

  const convert = (tok: Token, t: DType, what: string): number | string | undefined => {
    if (t.name === 'tcp_flag' || t.name === 'ct_status') {
      // Flag lists: `syn,ack`, `0x12`.
      let bits = 0;
      for (const part of tok.text.split(/[,|]/).filter(Boolean)) {
        const c = literalToVal(part, t);
        if (!c.ok || c.val.k !== 'int') {
          diags.push(err('PKT003', `${what}: ${c.ok ? 'bad value' : c.why}`, tok.range));
          return undefined;
        }
        bits |= Number(c.val.v);
      }
      return bits;
    }
    const c = literalToVal(tok.quoted || t.str ? tok.text : /^\d+$/.test(tok.text) ? Number(tok.text) : tok.text, t);
    if (!c.ok) {
      diags.push(err('PKT003', `${what}: ${c.why}`, tok.range));
      return undefined;
    }
    if (c.val.k === 'str') return c.val.v;
    if (c.val.k !== 'int') return undefined;
    // Addresses keep their text form; integers become numbers.
    if (t.name === 'ipv4_addr' || t.name === 'ipv6_addr' || t.name === 'ether_addr') return tok.text.toLowerCase();
    return Number(c.val.v);
  };

  while (i < toks.length) {
    const tok = next()!;
    const word = tok.text.toLowerCase();
    if (word === 'local' || word === 'remote') {
      d.origin = word;
      continue;
    }
    if (word === 'from') {
      const o = next();
      if (o?.text === 'local' || o?.text === 'remote') d.origin = o.text;
      else diags.push(err('PKT004', "'from' must be followed by 'local' or 'remote'", (o ?? tok).range));
      continue;
    }
    if (word === 'bridge' || word === 'bridged') {
      d.bridged = true;
      continue;
    }
    if (word === 'ct') {
      const keyTok = next();
      if (!keyTok) {
        diags.push(err('PKT002', 'ct needs a key', tok.range));
        break;
      }
      const key = keyTok.text;
      const v = value(`ct ${key}`, keyTok);
      if (!v) break;
      d.stated.push(`ct ${key}`);
      switch (key) {
        case 'state': {
          const s = v.text as CtStateName;
          if (!CT_STATES.includes(s)) diags.push(err('PKT005', `ct state must be one of ${CT_STATES.join(', ')} (one state: a packet has exactly one)`, v.range));
          else d.ct.state = s;
          break;
        }
        case 'direction':
          if (v.text !== 'original' && v.text !== 'reply') diags.push(err('PKT005', 'ct direction must be original or reply', v.range));
          else d.ct.direction = v.text;
          break;
        case 'helper':
          d.ct.helper = v.text;
          break;
        case 'status':
        case 'mark':
        case 'zone':
        case 'id':
        case 'label': {
          const n = convert(v, ctType(key, undefined), `ct ${key}`);
          if (typeof n === 'number') d.ct[key] = n;
          break;
        }
        default:
          diags.push(err('PKT006', `unknown or unsupported ct key "${key}" (state, status, direction, mark, zone, id, helper, label)`, keyTok.range));
      }
      continue;
    }
    if (word === 'meta' || BARE_META.has(word)) {
      const keyTok = word === 'meta' ? next() : tok;
      if (!keyTok) {
        diags.push(err('PKT002', 'meta needs a key', tok.range));
        break;
      }
      const key = keyTok.text;
      const v = value(key, keyTok);
      if (!v) break;
      if (key === 'iif' || key === 'iifname') {
        d.iif = v.text;
        d.stated.push('iif');
      } else if (key === 'oif' || key === 'oifname') {
        d.oif = v.text;
        d.stated.push('oif');
      } else if (key === 'l4proto') {
        const n = convert(v, dtype('inet_proto'), 'meta l4proto');
        if (typeof n === 'number') d.l4proto = n;
        d.stated.push('meta l4proto');
      } else if (key === 'nfproto' || key === 'protocol') {
        const fam = v.text === 'ipv4' || v.text === 'ip' ? 'ip' : v.text === 'ipv6' || v.text === 'ip6' ? 'ip6' : v.text === 'arp' ? 'arp' : undefined;
        if (!fam) diags.push(err('PKT003', `meta ${key}: expected ipv4, ipv6 or arp`, v.range));
        else d.family = fam;
      } else {
        const n = convert(v, metaType(key), `meta ${key}`);
        if (typeof n === 'number') d.meta[key] = n;
        d.stated.push(`meta ${key}`);
      }
      continue;
    }
    if (PROTOCOLS[word]) {
      // `tcp dport 53`, `arp saddr ip 10.0.0.1`, or a bare protocol word (`udp`, `ip6`).
      const f1 = peek()?.text;
      const f2 = toks[i + 1]?.text;
      let field: string | undefined;
      if (f1 && f2 && PROTOCOLS[word]!.layout[`${f1} ${f2}`]) field = `${f1} ${f2}`;
      else if (f1 && PROTOCOLS[word]!.layout[f1]) field = f1;
      if (!field) {
        const l4 = PROTOCOLS[word]!.l4;
        if (l4 !== undefined) d.l4proto = l4;
        else if (word === 'ip' || word === 'ip6' || word === 'arp') d.family = word;
        else diags.push(err('PKT007', `"${word}" needs a field`, tok.range));
        continue;
      }
      i += field.split(' ').length;
      const v = value(`${word} ${field}`, tok);
      if (!v) break;
      const def = fieldDef(word, field)!;
      const n = convert(v, def.type, `${word} ${field}`);
      if (n !== undefined) {
        d.fields[`${word} ${field}`] = n;
        d.stated.push(`${word} ${field}`);
      }
      continue;
    }
    const proto = symbolValue('inet_proto', word);
    if (proto !== undefined && L4_NAME[proto]) {
      d.l4proto = proto;
      continue;
    }
    diags.push(err('PKT008', `unknown packet key "${tok.text}" (expected e.g. ip saddr, tcp dport, iif, meta mark, ct state, local)`, tok.range));
  }

  const { packet, problems } = completePacket(d);
  for (const p of problems) diags.push(err('PKT009', p, whole));
  if (packet.family !== 'arp') {
    const a = packet.family === 'ip' ? 'ip' : 'ip6';
    if (packet.fields[`${a} daddr`] === undefined) diags.push({ severity: 'warning', code: 'PKT010', message: `no ${a} daddr given: matches on it are undecidable`, range: whole });
    if (packet.l4proto === undefined) diags.push({ severity: 'warning', code: 'PKT011', message: 'no transport protocol given (tcp, udp, icmp …): matches on it are undecidable', range: whole });
  }
  return { packet, diagnostics: diags };
}
