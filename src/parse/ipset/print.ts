// IR → `ipset save` text (`create NAME TYPE OPTIONS` then `add NAME ELEMENT OPTIONS` per set), for the
// sets that carry `ipset` info. Element and option spellings follow ipset's own printing (lib/print.c):
// `tcp:80`, marks as 0x%08x, MACs in capitals, options in the order timeout, nomatch, packets, bytes,
// comment, skbmark, skbprio, skbqueue. Pure; imports the model and the type table.
import type { Expr, IpsetInfo, Ruleset } from '../../model/ir.ts';
import { findIpsetType, maskLengthOf, type IpsetType, type PartKind } from './types.ts';

export function printIpsetSave(ruleset: Ruleset): string {
  const lines: string[] = [];
  for (const table of ruleset.tables) {
    for (const set of table.sets) {
      if (!set.ipset) continue;
      const type = findIpsetType(set.ipset.type);
      if (!type) continue;
      lines.push(`create ${set.name} ${set.ipset.type}${printCreateOptions(set.ipset.options)}`);
      const ctx = { type, options: set.ipset.options };
      const maskLength = maskLengthOf(ctx);
      for (const element of set.elements) lines.push(`add ${set.name} ${printElement(type, element, maskLength)}`);
    }
  }
  return lines.length > 0 ? `${lines.join('\n')}\n` : '';
}

function printCreateOptions(options: IpsetInfo['options']): string {
  let out = '';
  for (const [name, value] of Object.entries(options)) {
    if (value === true) out += ` ${name}`;
    else if (value === false) continue;
    else if (name === 'markmask' && typeof value === 'number') out += ` ${name} ${hex32(value)}`;
    else out += ` ${name} ${value}`;
  }
  return out;
}

const ELEMENT_OPTION_ORDER = ['nomatch', 'skbmark', 'skbprio', 'skbqueue'];

function printElement(type: IpsetType, element: Expr, maskLength: number | undefined): string {
  const value = element.kind === 'elem' ? element.value : element;
  const ipsetOptions = element.kind === 'elem' ? (element.ipset ?? {}) : {};
  let out = printValue(type, value, ipsetOptions.physdev === true, maskLength);
  if (element.kind !== 'elem') return out;
  if (element.timeout !== undefined) out += ` timeout ${element.timeout}`;
  if (ipsetOptions.nomatch === true) out += ' nomatch';
  if (element.counter) out += ` packets ${element.counter.packets} bytes ${element.counter.bytes}`;
  if (element.comment !== undefined) out += ` comment "${element.comment}"`;
  for (const name of ELEMENT_OPTION_ORDER.slice(1)) {
    const v = ipsetOptions[name];
    if (v !== undefined) out += ` ${name} ${v}`;
  }
  for (const [name, v] of Object.entries(ipsetOptions)) {
    if (name === 'physdev' || ELEMENT_OPTION_ORDER.includes(name)) continue;
    out += v === true ? ` ${name}` : ` ${name} ${v}`;
  }
  return out;
}

/** The element key as ipset writes it: the parts of the type joined by commas. */
function printValue(type: IpsetType, value: Expr, physdev: boolean, maskLength: number | undefined): string {
  const items = value.kind === 'concat' ? [...value.items] : [value];
  const parts: string[] = [];
  type.parts.forEach((kind: PartKind, index) => {
    if (items.length === 0) return; // bitmap:ip,mac without its MAC
    if (kind === 'port') {
      const proto = items.shift() as Expr;
      const port = items.shift();
      parts.push(`${printExpr(proto)}:${port ? printExpr(port) : ''}`);
      return;
    }
    const item = items.shift() as Expr;
    switch (kind) {
      case 'mark':
        parts.push(item.kind === 'value' && typeof item.value === 'number' ? hex32(item.value) : printExpr(item));
        return;
      case 'mac':
        parts.push(printExpr(item).toUpperCase());
        return;
      case 'iface':
        parts.push(`${physdev ? 'physdev:' : ''}${printExpr(item)}`);
        return;
      case 'ip':
      case 'net':
        // A set with netmask N lists its members as plain network addresses.
        if (index === 0 && item.kind === 'prefix' && item.len === maskLength) parts.push(printExpr(item.expr));
        else parts.push(printExpr(item));
        return;
      default:
        parts.push(printExpr(item));
    }
  });
  return parts.join(',');
}

function printExpr(e: Expr): string {
  switch (e.kind) {
    case 'value':
      return String(e.value);
    case 'prefix':
      return `${printExpr(e.expr)}/${e.len}`;
    case 'range':
      return `${printExpr(e.from)}-${printExpr(e.to)}`;
    case 'setref':
      return e.name;
    case 'elem':
      return printExpr(e.value);
    case 'concat':
      return e.items.map(printExpr).join(',');
    case 'opaque':
      return e.text;
    default:
      return JSON.stringify(e); // not produced by the ipset parser
  }
}

function hex32(n: number): string {
  return `0x${n.toString(16).padStart(8, '0')}`;
}
