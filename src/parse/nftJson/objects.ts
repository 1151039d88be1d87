// nft JSON ruleset elements (libnftables-json(5) "RULESET ELEMENTS": table, chain, rule, set, map, element,
// flowtable, named objects) → IR nodes plus the table they belong to. Canonical defaults mirror what
// `nft -j list ruleset` always prints (nftables src/json.c). Imports the model, reader, expr.ts, stmt.ts.
import { FAMILIES, type BaseChainSpec, type Expr, type Family, type Flowtable, type Literal, type NamedObject, type ObjectType, type Rule, type Stmt, type TypeSpec } from '../../model/ir.ts';
import { priorityValueOf } from '../../model/priorities.ts';
import type { JsonNode, JsonObject } from './jsonTree.ts';
import { describeJson, type Props, type Reader } from './reader.ts';
import { withOptional, type ExprMapper } from './expr.ts';
import type { StmtMapper } from './stmt.ts';
import type { ChainB, SetB } from './ruleset.ts';

export const OBJECT_TYPES: readonly ObjectType[] = ['counter', 'quota', 'limit', 'ct helper', 'ct timeout', 'ct expectation', 'synproxy', 'secmark', 'tunnel'];

/** Hooks per family (nftables src/rule.c hooknum2str, kernel nf_tables chain types). */
const HOOKS: Readonly<Record<Family, readonly string[]>> = {
  ip: ['prerouting', 'input', 'forward', 'output', 'postrouting'],
  ip6: ['prerouting', 'input', 'forward', 'output', 'postrouting'],
  inet: ['prerouting', 'input', 'forward', 'output', 'postrouting', 'ingress'],
  arp: ['input', 'output'],
  bridge: ['prerouting', 'input', 'forward', 'output', 'postrouting'],
  netdev: ['ingress', 'egress'],
};
const CHAIN_TYPES = ['filter', 'nat', 'route'] as const;
const TABLE_FLAGS = ['dormant', 'owner', 'persist'];
const CHAIN_FLAGS = ['offload'];
const SET_FLAGS = ['constant', 'interval', 'timeout', 'dynamic', 'eval'];
const FLOWTABLE_FLAGS = ['offload', 'counter'];
/** Layer 4 protocols a ct timeout / expectation can name (libnftables-json(5) CTH_PROTO). */
const CT_PROTOCOLS = ['tcp', 'udp', 'udplite', 'dccp', 'sctp', 'gre', 'icmp', 'icmpv6', 'generic'];
/** IFNAMSIZ is 16 bytes including the terminating NUL (include/uapi/linux/if.h). */
const IFNAME_MAX = 15;

const COMMON = ['family', 'table', 'name', 'handle'];

/** Where an object goes: the family and name of its table. */
export interface TableRef {
  readonly family: Family;
  readonly table: string;
}

export class ObjectMapper {
  constructor(
    private readonly r: Reader,
    private readonly x: ExprMapper,
    private readonly s: StmtMapper,
  ) {}

  props(v: JsonNode, what: string, known: readonly string[]): Props | undefined {
    if (v.kind !== 'object') {
      this.r.report('badExpression', v, `${what} needs an object, found ${describeJson(v)}`);
      return undefined;
    }
    return this.r.props(v, what, known);
  }

  family(p: Props): Family | undefined {
    const f = p.str('family', true);
    if (f === undefined) return undefined;
    if ((FAMILIES as readonly string[]).includes(f)) return f as Family;
    this.r.report('badValue', p.rangeOf('family'), 'family', f, ` (expected ${FAMILIES.join(', ')})`);
    return undefined;
  }

  /** family + table of an object that lives in a table. */
  tableRef(p: Props): TableRef | undefined {
    const family = this.family(p);
    const table = p.str('table', true);
    return family && table !== undefined ? { family, table } : undefined;
  }

  tableFields(p: Props): { flags?: string[]; comment?: string; handle?: number } {
    return clean({ flags: p.flags('flags', TABLE_FLAGS, 'table'), comment: p.str('comment'), handle: p.int('handle') });
  }

  /** A chain body; `base` only when `type` and `hook` are given (parser_json.c json_parse_cmd_add_chain). */
  chain(p: Props, family: Family, node: JsonNode): ChainB | undefined {
    const name = p.str('name', true);
    if (name === undefined) return undefined;
    const chain: ChainB = { kind: 'chain', name, rules: [], range: this.r.range(node) };
    const handle = p.int('handle');
    if (handle !== undefined) chain.handle = handle;
    const comment = p.str('comment');
    if (comment !== undefined) chain.comment = comment;
    const flags = p.flags('flags', CHAIN_FLAGS, 'chain');
    if (flags) chain.flags = flags;
    const base = this.baseSpec(p, family);
    if (base) chain.base = base;
    return chain;
  }

  private baseSpec(p: Props, family: Family): BaseChainSpec | undefined {
    if (!p.has('type') && !p.has('hook') && !p.has('prio') && !p.has('policy') && !p.has('dev')) return undefined;
    const type = this.x.oneOf(p.str('type', true), CHAIN_TYPES, p.rangeOf('type'), 'chain type');
    const hook = this.x.oneOf(p.str('hook', true), HOOKS[family], p.rangeOf('hook'), `hook for family ${family}`);
    const value = this.priority(p, family);
    const policy = this.x.oneOf(p.str('policy'), ['accept', 'drop'] as const, p.rangeOf('policy'), 'chain policy');
    const devices = this.devices(p);
    if (!type || !hook || value === undefined) return undefined;
    // nft -j prints the policy of every base chain; accept is the default (json.c chain_print_json).
    const spec: BaseChainSpec = { type, hook, priority: { value }, policy: policy ?? 'accept' };
    return devices ? { ...spec, devices } : spec;
  }

  /** `prio` is a number in nft -j output; a symbolic name (`"filter"`, `"dstnat - 5"`) is accepted too. */
  private priority(p: Props, family: Family): number | undefined {
    const v = p.need('prio');
    if (!v) return undefined;
    if (v.kind === 'number' && v.isInteger) return v.value;
    if (v.kind === 'string') {
      const m = /^\s*([a-z]+)\s*(?:([+-])\s*(\d+))?\s*$/.exec(v.value);
      const base = m ? priorityValueOf(family, m[1] as string) : undefined;
      if (m && base !== undefined) return base + (m[2] === '-' ? -1 : 1) * Number(m[3] ?? 0);
      this.r.report('badValue', v, 'priority', v.value, ` for family ${family}`);
      return undefined;
    }
    this.r.report('badPropertyType', v, 'prio', 'a chain', 'an integer', describeJson(v));
    return undefined;
  }

  devices(p: Props): string[] | undefined {
    const devs = p.strList('dev');
    if (!devs) return undefined;
    const at = p.rangeOf('dev');
    for (const d of devs) {
      if (d === '') this.r.report('badDevice', at, '""', 'a device name cannot be empty');
      else if (utf8Length(d) > IFNAME_MAX) this.r.report('badDevice', at, `"${d}"`, `longer than ${IFNAME_MAX} bytes (IFNAMSIZ)`);
    }
    return devs;
  }

  rule(p: Props, family: Family, node: JsonNode, withExpr: boolean): Rule {
    const rule: Rule & { stmts: Stmt[] } = { kind: 'rule', stmts: [], range: this.r.range(node) };
    const exprs = withExpr ? p.need('expr') : p.get('expr');
    if (exprs && exprs.kind !== 'array') {
      this.r.report('badPropertyType', exprs, 'expr', 'a rule', 'an array of statements', describeJson(exprs));
    } else if (exprs) {
      for (const item of exprs.items) rule.stmts.push(this.s.map(item, family));
      if (exprs.items.length === 0) this.r.report('emptyRule', exprs);
    }
    return withOptional(rule, { handle: p.int('handle'), comment: p.str('comment') });
  }

  /** A named set or map. A set object that has a `map` property is a map (parser_json.c reads it for both). */
  set(objKind: 'set' | 'map', p: Props, node: JsonNode): SetB | undefined {
    const name = p.str('name', true);
    const typeNode = p.need('type');
    if (name === undefined) return undefined;
    const isMap = objKind === 'map' || p.has('map');
    const key = typeNode ? this.typeSpec(typeNode) : undefined;
    const set: SetB = { kind: isMap ? 'map' : 'set', name, key: key ?? { kind: 'type', names: [] }, elements: [], range: this.r.range(node) };
    if (isMap) {
      const dataNode = p.need('map');
      const data = dataNode ? this.typeSpec(dataNode) : undefined;
      if (data) {
        set.data = data;
        const only = data.kind === 'type' && data.names.length === 1 ? data.names[0] : undefined;
        if (only !== undefined && (OBJECT_TYPES as readonly string[]).includes(only)) set.objectData = only as ObjectType;
      }
    }
    const extra = clean({
      handle: p.int('handle'),
      flags: p.flags('flags', SET_FLAGS, 'set'),
      // json.c set_print_json prints timeout and gc-interval (seconds) and size only when not 0.
      timeout: p.int('timeout') || undefined,
      gcInterval: p.int('gc-interval') || undefined,
      size: p.int('size') || undefined,
      // …the policy only when it is not the default, performance; auto-merge only when true.
      policy: this.x.oneOf(p.str('policy'), ['performance', 'memory'] as const, p.rangeOf('policy'), 'set policy') === 'memory' ? 'memory' : undefined,
      autoMerge: p.bool('auto-merge') || undefined,
      comment: p.str('comment'),
    });
    Object.assign(set, extra);
    const stmt = p.get('stmt');
    if (stmt) {
      const stmts = this.s.statefulList(stmt);
      if (stmts.length) set.stmts = stmts;
    }
    const elem = p.get('elem');
    if (elem) set.elements.push(...this.elements(elem, isMap));
    return set;
  }

  /** `elem` of a set, map or element object: one expression or an array of them. */
  elements(v: JsonNode, isMap: boolean): Expr[] {
    // A map's elements are pairs, so a lone pair `["k", "v"]` is ambiguous with a list of two keys:
    // like parser_json.c, an array is always the list of elements.
    const items = v.kind === 'array' ? v.items : [v];
    return items.map((item) => this.x.map(item, isMap ? 'mapElem' : 'setElem'));
  }

  /** `"ipv4_addr"`, `["ipv4_addr", "inet_service"]` or `{"typeof": expr}`. */
  typeSpec(v: JsonNode): TypeSpec | undefined {
    // nft 1.0.x prints a map's concatenated data type as one string, "ipv4_addr . inet_service".
    if (v.kind === 'string') return { kind: 'type', names: v.value.split(' . ') };
    if (v.kind === 'array') {
      if (v.items.length === 0) {
        this.r.report('emptySetType', v);
        return undefined;
      }
      const names: string[] = [];
      for (const item of v.items) {
        if (item.kind === 'string') names.push(...item.value.split(' . '));
        else this.r.report('badExpression', item, `a data type name must be a string, found ${describeJson(item)}`);
      }
      return { kind: 'type', names };
    }
    if (v.kind === 'object' && v.members.length === 1 && v.members[0]?.key === 'typeof') {
      return { kind: 'typeof', expr: this.x.map(v.members[0].value) };
    }
    this.r.report('badExpression', v, `a set type must be a type name, an array of them or {"typeof": …}, found ${describeJson(v)}`);
    return undefined;
  }

  flowtable(p: Props, node: JsonNode, family: Family): Flowtable | undefined {
    const name = p.str('name', true);
    const hook = this.x.oneOf(p.str('hook', true), ['ingress'], p.rangeOf('hook'), 'flowtable hook');
    const prio = p.need('prio') ? this.priority(p, family) : undefined;
    const devices = this.devices(p) ?? [];
    if (name === undefined || !hook || prio === undefined) return undefined;
    const flags = p.flags('flags', FLOWTABLE_FLAGS, 'flowtable');
    return { kind: 'flowtable', name, hook, priority: { value: prio }, devices, ...clean({ handle: p.int('handle'), flags }), range: this.r.range(node) };
  }

  /** Known properties of each named object type (json.c obj_print_json, libnftables-json(5)). */
  static objectProps(type: ObjectType): readonly string[] {
    switch (type) {
      case 'counter':
        return ['packets', 'bytes'];
      case 'quota':
        return ['bytes', 'used', 'inv'];
      case 'limit':
        return ['rate', 'per', 'burst', 'rate_unit', 'burst_unit', 'unit', 'inv'];
      case 'ct helper':
        return ['type', 'protocol', 'l3proto'];
      case 'ct timeout':
        return ['protocol', 'l3proto', 'policy', 'state', 'value'];
      case 'ct expectation':
        return ['protocol', 'dport', 'timeout', 'size', 'l3proto'];
      case 'synproxy':
        return ['mss', 'wscale', 'flags'];
      case 'secmark':
        return ['context'];
      case 'tunnel':
        return [];
    }
  }

  static knownObjectKeys(type: ObjectType): readonly string[] {
    return [...COMMON, 'comment', ...ObjectMapper.objectProps(type)];
  }

  object(type: ObjectType, p: Props, node: JsonObject, at: JsonNode): NamedObject | undefined {
    const name = p.str('name', true);
    if (name === undefined) return undefined;
    const props: Record<string, Literal | readonly Literal[] | Readonly<Record<string, Literal>>> = {};
    const own = ObjectMapper.objectProps(type);
    for (const m of node.members) {
      if (COMMON.includes(m.key) || m.key === 'comment') continue;
      if (type !== 'tunnel' && !own.includes(m.key)) continue;
      const value = this.literalish(m.value);
      if (value !== undefined) props[m.key] = value;
    }
    this.checkObject(type, p, props);
    this.canonicalObject(type, props);
    return { kind: 'object', type, name, props, ...clean({ handle: p.int('handle'), comment: p.str('comment') }), range: this.r.range(at) };
  }

  /** Values nft -j always prints for an object (json.c obj_print_json), filled in when a hand-written
   *  document leaves them out, and the ones it omits at their default, dropped. */
  private canonicalObject(type: ObjectType, props: Record<string, unknown>): void {
    const fill = (k: string, v: unknown) => {
      if (props[k] === undefined) props[k] = v;
    };
    switch (type) {
      case 'counter':
        fill('packets', 0);
        fill('bytes', 0);
        break;
      case 'quota':
        fill('used', 0);
        fill('inv', false);
        break;
      case 'limit':
        fill('per', 'second');
        if (props['burst'] === 0) delete props['burst'];
        if (props['inv'] === false) delete props['inv'];
        if (props['rate_unit'] === 'packets') delete props['rate_unit'];
        break;
      default:
        break;
    }
  }

  private checkObject(type: ObjectType, p: Props, props: Record<string, unknown>): void {
    const proto = props['protocol'];
    if ((type === 'ct timeout' || type === 'ct expectation' || type === 'ct helper') && typeof proto === 'string') {
      const allowed = type === 'ct helper' ? ['tcp', 'udp'] : CT_PROTOCOLS;
      if (!allowed.includes(proto)) this.r.report('badValue', p.rangeOf('protocol'), `${type} protocol`, proto, ` (expected ${allowed.join(', ')})`);
    }
    const l3 = props['l3proto'];
    if (typeof l3 === 'string' && !(FAMILIES as readonly string[]).includes(l3)) {
      this.r.report('badValue', p.rangeOf('l3proto'), `${type} l3proto`, l3, ` (expected ${FAMILIES.join(', ')})`);
    }
  }

  /** A property value of a named object: a literal, a list of literals, or a flat record (ct timeout policy). */
  private literalish(v: JsonNode): Literal | Literal[] | Record<string, Literal> | undefined {
    const lit = (n: JsonNode): Literal | undefined => {
      if (n.kind === 'string' || n.kind === 'boolean') return n.value;
      if (n.kind === 'number') return n.isInteger && !Number.isSafeInteger(n.value) ? n.raw : n.value;
      this.r.report('badExpression', n, `expected a string, number or boolean, found ${describeJson(n)}`);
      return undefined;
    };
    if (v.kind === 'null') return undefined;
    if (v.kind === 'array') return v.items.map(lit).filter((x): x is Literal => x !== undefined);
    if (v.kind === 'object') {
      const out: Record<string, Literal> = {};
      for (const m of v.members) {
        const x = lit(m.value);
        if (x !== undefined) out[m.key] = x;
      }
      return out;
    }
    return lit(v);
  }

}

function utf8Length(s: string): number {
  let n = 0;
  for (const ch of s) {
    const c = ch.codePointAt(0) ?? 0;
    n += c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
  }
  return n;
}

/** Drops undefined members. */
function clean<T extends Record<string, unknown>>(o: T): Partial<T> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined) out[k] = v;
  return out as Partial<T>;
}

