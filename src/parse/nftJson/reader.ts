// Typed access to the JSON tree with diagnostics at the offending value: property lookup, type checks,
// "string or array of strings" flags. Imports the tree types, the model and the message catalogue.
import type { SourceRange } from '../../model/ir.ts';
import type { DiagnosticBag } from '../diagnostics.ts';
import type { JsonMember, JsonNode, JsonObject } from './jsonTree.ts';
import { report, type MessageKey } from './messages.ts';

export class Reader {
  constructor(
    readonly text: string,
    readonly bag: DiagnosticBag,
  ) {}

  range(n: { readonly start: number; readonly end: number }): SourceRange {
    return { start: n.start, end: n.end };
  }

  /** The JSON text of a node, as kept in opaque IR nodes. */
  source(n: JsonNode): string {
    return this.text.slice(n.start, n.end);
  }

  report(key: MessageKey, at: { readonly start: number; readonly end: number }, ...args: (string | number)[]): void {
    report(this.bag, key, this.range(at), ...args);
  }

  /** `{ "key": value }` with exactly one property, or undefined after an error. */
  single(node: JsonNode, what: string): JsonMember | undefined {
    if (node.kind === 'object' && node.members.length === 1) return node.members[0];
    if (node.kind === 'object' && node.incomplete) return undefined; // the syntax error says it all
    this.report('notSingleKeyObject', node, what, describeJson(node));
    return undefined;
  }

  /** Properties of an object, warning about those not in `known`. */
  props(node: JsonObject, what: string, known: readonly string[]): Props {
    const map = new Map<string, JsonMember>();
    for (const m of node.members) {
      map.set(m.key, m);
      if (!known.includes(m.key)) this.report('unknownProperty', { start: m.keyStart, end: m.keyEnd }, m.key, what);
    }
    return new Props(this, node, what, map);
  }
}

/** Lookups into one JSON object; each getter reports a wrong type at the value and returns undefined. */
export class Props {
  constructor(
    private readonly r: Reader,
    readonly node: JsonObject,
    readonly what: string,
    private readonly map: ReadonlyMap<string, JsonMember>,
  ) {}

  has(key: string): boolean {
    return this.map.has(key);
  }

  get(key: string): JsonNode | undefined {
    return this.map.get(key)?.value;
  }

  /** The property, or an error "X has no 'key' property" (unless the object was cut short by a syntax error). */
  need(key: string): JsonNode | undefined {
    const v = this.get(key);
    if (v === undefined && !this.node.incomplete) this.r.report('missingProperty', this.node, key, this.what);
    return v;
  }

  private wrong(key: string, v: JsonNode, expected: string): undefined {
    this.r.report('badPropertyType', v, key, this.what, expected, describeJson(v));
    return undefined;
  }

  str(key: string, required = false): string | undefined {
    const v = required ? this.need(key) : this.get(key);
    if (v === undefined) return undefined;
    if (v.kind === 'string') return v.value;
    return this.wrong(key, v, 'a string');
  }

  int(key: string, required = false): number | undefined {
    const v = required ? this.need(key) : this.get(key);
    if (v === undefined) return undefined;
    if (v.kind === 'number' && v.isInteger) return v.value;
    return this.wrong(key, v, 'an integer');
  }

  bool(key: string): boolean | undefined {
    const v = this.get(key);
    if (v === undefined) return undefined;
    if (v.kind === 'boolean') return v.value;
    // nft accepts 0/1 where jansson's "b" format meets an integer? No: it wants true/false.
    return this.wrong(key, v, 'true or false');
  }

  /** A string or an array of strings (flags, devices, set types): always an array. */
  strList(key: string, required = false): string[] | undefined {
    const v = required ? this.need(key) : this.get(key);
    if (v === undefined) return undefined;
    if (v.kind === 'string') return [v.value];
    if (v.kind === 'array') {
      const out: string[] = [];
      for (const item of v.items) {
        if (item.kind === 'string') out.push(item.value);
        else this.wrong(key, item, 'a string');
      }
      return out;
    }
    return this.wrong(key, v, 'a string or an array of strings');
  }

  /** Flags given as one string or an array: an array in `known`'s order (the order nft -j prints them in,
   *  bit by bit), without duplicates, absent when empty. Unknown flags are reported and kept at the end. */
  flags(key: string, known: readonly string[], what: string): string[] | undefined {
    const list = this.strList(key);
    if (!list) return undefined;
    for (const f of list) if (!known.includes(f)) this.r.report('unknownFlag', this.rangeOf(key), what, f);
    const rank = (f: string) => (known.includes(f) ? known.indexOf(f) : known.length);
    const out = [...new Set(list)].sort((a, b) => rank(a) - rank(b));
    return out.length ? out : undefined;
  }

  /** Range of a property's value, or of the whole object when it is absent. */
  rangeOf(key: string): SourceRange {
    const v = this.get(key);
    return v ? { start: v.start, end: v.end } : { start: this.node.start, end: this.node.end };
  }
}

export function describeJson(n: JsonNode): string {
  switch (n.kind) {
    case 'object':
      return n.members.length === 0 ? 'an empty object' : `an object with ${n.members.length} properties (${n.members.map((m) => `"${m.key}"`).join(', ')})`;
    case 'array':
      return n.items.length === 0 ? 'an empty array' : `an array of ${n.items.length}`;
    case 'string':
      return `the string "${n.value.length > 40 ? `${n.value.slice(0, 40)}…` : n.value}"`;
    case 'number':
      return `the number ${n.raw}`;
    case 'boolean':
      return String(n.value);
    case 'null':
      return 'null';
  }
}
