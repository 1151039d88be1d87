// nft JSON statements (libnftables-json(5) "STATEMENTS", nftables src/json.c *_stmt_json) → IR `Stmt`.
// Owns the statement mapping and its canonical defaults; imports the model, the tree, reader and expr.ts.
import type { Expr, Family, ObjectType, RelOp, Stmt } from '../../model/ir.ts';
import { describeJson, type Props, type Reader } from './reader.ts';
import { withOptional, type ExprMapper } from './expr.ts';
import type { JsonMember, JsonNode } from './jsonTree.ts';

// '!' is nft's "none of these bits" (OP_NEG), printed by `nft -j` for `ct status ! dnat` (nft 1.0.6, observed)
const REL_OPS: readonly RelOp[] = ['==', '!=', '<', '>', '<=', '>=', 'in', '!'];
const LOG_LEVELS = ['emerg', 'alert', 'crit', 'err', 'warn', 'notice', 'info', 'debug', 'audit'];
const LOG_FLAGS = ['tcp sequence', 'tcp options', 'ip options', 'skuid', 'ether', 'all'];
const NAT_FLAGS = ['random', 'fully-random', 'persistent', 'netmap'];
const NAT_TYPE_FLAGS = ['interval', 'prefix', 'concat'];
const QUEUE_FLAGS = ['bypass', 'fanout'];
const SYNPROXY_FLAGS = ['timestamp', 'sack-perm'];
const RATE_UNITS = ['packets', 'bytes', 'kbytes', 'mbytes'];
const BYTE_UNITS = ['bytes', 'kbytes', 'mbytes'];
const TIME_UNITS = ['second', 'minute', 'hour', 'day', 'week'];
/** Statements a set or its elements may carry: the stateful ones (nftables src/evaluate.c
 *  stmt_evaluate_stateful / "stateful statement expected"). */
const STATEFUL = new Set(['counter', 'quota', 'limit', 'connlimit', 'last']);

export class StmtMapper {
  constructor(
    private readonly r: Reader,
    private readonly x: ExprMapper,
  ) {}

  opaque(node: JsonNode): Stmt {
    return { kind: 'opaque', text: this.r.source(node), range: this.r.range(node) };
  }

  /** One element of a rule's `expr` array. `family` is the table's, for checks that depend on it. */
  map(node: JsonNode, family?: Family): Stmt {
    const m = this.r.single(node, 'a statement');
    if (!m) return this.opaque(node);
    return this.member(m, node, family);
  }

  /** A stateful statement attached to a set or set element (`"stmt": [...]` or merged into `elem`). */
  stateful(m: JsonMember, node: JsonNode): Stmt | undefined {
    const s = this.member(m, node);
    if (s.kind === 'opaque') return s;
    if (!STATEFUL.has(s.kind)) {
      this.r.report('statelessInSet', node, m.key);
      return undefined;
    }
    return s;
  }

  /** A `"stmt": [ … ]` list of a set or of a set statement. */
  statefulList(v: JsonNode): Stmt[] {
    if (v.kind !== 'array') {
      this.r.report('badExpression', v, `"stmt" must be an array of statements, found ${describeJson(v)}`);
      return [];
    }
    const out: Stmt[] = [];
    for (const item of v.items) {
      const m = this.r.single(item, 'a statement');
      const s = m ? this.stateful(m, item) : this.opaque(item);
      if (s) out.push(s);
    }
    return out;
  }

  member(m: JsonMember, node: JsonNode, family?: Family): Stmt {
    const r = this.r;
    const x = this.x;
    const range = r.range(node);
    const v = m.value;
    const key = m.key;

    if (key !== 'queue') {
      const verdict = x.verdict(key, v, node);
      if (verdict !== 'not-a-verdict') return verdict ? { kind: 'verdict', verdict, range } : this.opaque(node);
    }

    switch (key) {
      case 'match': {
        const p = this.props(v, node, 'match', ['op', 'left', 'right']);
        if (!p) return this.opaque(node);
        const op = p.str('op', true);
        const left = p.need('left');
        const right = p.need('right');
        if (op === undefined || !left || !right) return this.opaque(node);
        if (!(REL_OPS as readonly string[]).includes(op)) {
          r.report('badValue', p.rangeOf('op'), 'relational operator', op, ` (expected ${REL_OPS.join(' ')})`);
          return this.opaque(node);
        }
        return { kind: 'match', op: op as RelOp, left: x.map(left), right: x.map(right), range };
      }
      case 'counter': {
        if (v.kind === 'null') return { kind: 'counter', range };
        if (v.kind === 'object' && v.members.some((mm) => mm.key === 'packets' || mm.key === 'bytes')) {
          const p = r.props(v, 'counter', ['packets', 'bytes']);
          return withOptional({ kind: 'counter', range } as Stmt, { packets: p.int('packets'), bytes: p.int('bytes') });
        }
        return this.objref('counter', v, node);
      }
      case 'mangle': {
        const p = this.props(v, node, 'mangle', ['key', 'value']);
        const k = p?.need('key');
        const val = p?.need('value');
        if (!k || !val) return this.opaque(node);
        const keyExpr = x.map(k);
        // `ct helper set "ftp"` is an object reference; nft -j prints it as {"ct helper": …} (json.c
        // objref_stmt_json), parser_json.c turns the mangle form into the same statement.
        if (keyExpr.kind === 'ct' && keyExpr.key === 'helper' && !keyExpr.dir) return { kind: 'objref', type: 'ct helper', name: x.map(val), range };
        return { kind: 'mangle', key: keyExpr, value: x.map(val), range };
      }
      case 'quota': {
        if (v.kind !== 'object' || !v.members.some((mm) => mm.key === 'val')) return this.objref('quota', v, node);
        const p = r.props(v, 'quota', ['val', 'val_unit', 'used', 'used_unit', 'inv']);
        const val = p.int('val', true);
        if (val === undefined) return this.opaque(node);
        const used = p.int('used');
        return withOptional({ kind: 'quota', val, valUnit: this.unit(p, 'val_unit', BYTE_UNITS) ?? 'bytes', range } as Stmt, {
          // json.c quota_stmt_json prints `used` only when not 0, and `inv` only when true.
          used: used || undefined,
          usedUnit: used ? (this.unit(p, 'used_unit', BYTE_UNITS) ?? 'bytes') : undefined,
          inv: p.bool('inv') || undefined,
        });
      }
      case 'limit': {
        if (v.kind !== 'object' || !v.members.some((mm) => mm.key === 'rate')) return this.objref('limit', v, node);
        const p = r.props(v, 'limit', ['rate', 'rate_unit', 'per', 'burst', 'burst_unit', 'inv']);
        const rate = p.int('rate', true);
        if (rate === undefined) return this.opaque(node);
        const rateUnit = this.unit(p, 'rate_unit', RATE_UNITS);
        const bytes = rateUnit !== undefined && rateUnit !== 'packets';
        // nft -j always prints `burst` (json.c limit_stmt_json); parser_json.c makes a missing or 0 packet burst 5.
        const burst = p.int('burst');
        return withOptional(
          { kind: 'limit', rate, per: this.unit(p, 'per', TIME_UNITS) ?? 'second', burst: bytes ? (burst ?? 0) : burst || 5, range } as Stmt,
          {
            rateUnit: bytes ? rateUnit : undefined,
            burstUnit: bytes ? (this.unit(p, 'burst_unit', BYTE_UNITS) ?? 'bytes') : undefined,
            inv: p.bool('inv') || undefined,
          },
        );
      }
      case 'fwd': {
        const p = this.props(v, node, 'fwd', ['dev', 'family', 'addr']);
        const dev = p?.need('dev');
        if (!p || !dev) return this.opaque(node);
        return withOptional({ kind: 'fwd', dev: x.map(dev), range } as Stmt, {
          family: x.oneOf(p.str('family'), ['ip', 'ip6'] as const, p.rangeOf('family'), 'fwd family'),
          addr: this.optExpr(p, 'addr'),
        });
      }
      case 'notrack':
        return { kind: 'notrack', range };
      case 'dup': {
        if (v.kind === 'null') return { kind: 'dup', range };
        const p = this.props(v, node, 'dup', ['addr', 'dev']);
        if (!p) return this.opaque(node);
        return withOptional({ kind: 'dup', range } as Stmt, { addr: this.optExpr(p, 'addr'), dev: this.optExpr(p, 'dev') });
      }
      case 'snat':
      case 'dnat':
      case 'masquerade':
      case 'redirect': {
        if (v.kind === 'null') return { kind: 'nat', type: key, range };
        const p = this.props(v, node, key, ['family', 'addr', 'port', 'flags', 'type_flags']);
        if (!p) return this.opaque(node);
        return withOptional({ kind: 'nat', type: key, range } as Stmt, {
          family: x.oneOf(p.str('family'), ['ip', 'ip6'] as const, p.rangeOf('family'), `${key} family`),
          addr: this.optExpr(p, 'addr'),
          port: this.optExpr(p, 'port'),
          flags: p.flags('flags', NAT_FLAGS, 'nat'),
          typeFlags: p.flags('type_flags', NAT_TYPE_FLAGS, 'nat type'),
        });
      }
      case 'reject':
        return this.reject(v, node, family);
      case 'set':
      case 'map': {
        const isMap = key === 'map';
        const p = this.props(v, node, key, ['op', 'elem', 'data', isMap ? 'map' : 'set', 'stmt']);
        if (!p) return this.opaque(node);
        const op = x.oneOf(p.str('op', true), ['add', 'update', 'delete'] as const, p.rangeOf('op'), `${key} statement op`);
        const name = p.str(isMap ? 'map' : 'set', true);
        const elem = p.need('elem');
        const data = isMap ? p.need('data') : undefined;
        if (!op || name === undefined || !elem || (isMap && !data)) return this.opaque(node);
        const stmt = p.get('stmt');
        return withOptional({ kind: 'set', op, set: name.startsWith('@') ? name.slice(1) : name, elem: x.map(elem), range } as Stmt, {
          data: data ? x.map(data) : undefined,
          stmts: stmt ? this.statefulList(stmt) : undefined,
          isMap: isMap || undefined,
        });
      }
      case 'log': {
        if (v.kind === 'null') return { kind: 'log', range };
        const p = this.props(v, node, 'log', ['prefix', 'group', 'snaplen', 'queue-threshold', 'level', 'flags']);
        if (!p) return this.opaque(node);
        const level = x.oneOf(p.str('level'), LOG_LEVELS, p.rangeOf('level'), 'log level');
        return withOptional({ kind: 'log', range } as Stmt, {
          prefix: p.str('prefix'),
          // `warn` is the default level and nft -j never prints it (json.c log_stmt_json).
          level: level === 'warn' ? undefined : level,
          group: p.int('group'),
          snaplen: p.int('snaplen'),
          queueThreshold: p.int('queue-threshold'),
          flags: p.flags('flags', LOG_FLAGS, 'log'),
        });
      }
      case 'ct helper':
      case 'ct timeout':
      case 'ct expectation':
      case 'secmark':
        return this.objref(key, v, node);
      case 'synproxy': {
        if (v.kind === 'string' || (v.kind === 'object' && v.members.some((mm) => mm.key === 'map'))) return this.objref('synproxy', v, node);
        if (v.kind === 'null') return { kind: 'synproxy', range };
        const p = this.props(v, node, 'synproxy', ['mss', 'wscale', 'flags']);
        if (!p) return this.opaque(node);
        return withOptional({ kind: 'synproxy', range } as Stmt, {
          mss: p.int('mss'),
          wscale: p.int('wscale'),
          flags: p.flags('flags', SYNPROXY_FLAGS, 'synproxy'),
        });
      }
      case 'meter': {
        const p = this.props(v, node, 'meter', ['name', 'key', 'stmt', 'size']);
        const k = p?.need('key');
        const s = p?.need('stmt');
        const name = p?.str('name', true);
        if (!p || !k || !s || name === undefined) return this.opaque(node);
        return withOptional({ kind: 'meter', name, key: x.map(k), stmt: this.map(s, family), range } as Stmt, { size: p.int('size') });
      }
      case 'queue': {
        if (v.kind === 'null') return { kind: 'queue', range };
        const p = this.props(v, node, 'queue', ['num', 'flags']);
        if (!p) return this.opaque(node);
        return withOptional({ kind: 'queue', range } as Stmt, { num: this.optExpr(p, 'num'), flags: p.flags('flags', QUEUE_FLAGS, 'queue') });
      }
      case 'vmap': {
        const p = this.props(v, node, 'vmap', ['key', 'data']);
        const k = p?.need('key');
        const d = p?.need('data');
        if (!k || !d) return this.opaque(node);
        return { kind: 'vmap', key: x.map(k), data: x.map(d), range };
      }
      case 'ct count': {
        const p = this.props(v, node, 'ct count', ['val', 'inv']);
        const val = p?.int('val', true);
        if (!p || val === undefined) return this.opaque(node);
        return withOptional({ kind: 'connlimit', val, range } as Stmt, { inv: p.bool('inv') || undefined });
      }
      case 'tproxy': {
        const p = this.props(v, node, 'tproxy', ['family', 'addr', 'port']);
        if (!p) return this.opaque(node);
        return withOptional({ kind: 'tproxy', range } as Stmt, {
          family: x.oneOf(p.str('family'), ['ip', 'ip6'] as const, p.rangeOf('family'), 'tproxy family'),
          addr: this.optExpr(p, 'addr'),
          port: this.optExpr(p, 'port'),
        });
      }
      case 'flow': {
        const p = this.props(v, node, 'flow', ['op', 'flowtable']);
        const op = x.oneOf(p?.str('op', true), ['add'] as const, p?.rangeOf('op') ?? range, 'flow statement op');
        const ft = p?.str('flowtable', true);
        if (!op || ft === undefined) return this.opaque(node);
        return { kind: 'flow', op, flowtable: ft.startsWith('@') ? ft.slice(1) : ft, range };
      }
      case 'last': {
        if (v.kind === 'null') return { kind: 'last', range };
        const p = this.props(v, node, 'last', ['used']);
        if (!p) return this.opaque(node);
        return withOptional({ kind: 'last', range } as Stmt, { used: p.int('used') });
      }
      case 'xt': {
        const p = this.props(v, node, 'xt', ['type', 'name']);
        const type = x.oneOf(p?.str('type', true), ['match', 'target', 'watcher'] as const, p?.rangeOf('type') ?? range, 'xt type');
        const name = p?.str('name', true);
        if (!type || name === undefined) return this.opaque(node);
        // The text form nft prints for it (`xt match conntrack`); nft -j does not show the options.
        return { kind: 'xt', type, name, options: {}, text: `xt ${type} ${name}`, range };
      }
      case 'reset':
        r.report('unsupportedConstruct', { start: m.keyStart, end: m.keyEnd }, "the 'reset' (option strip) statement");
        return this.opaque(node);
      default:
        r.report('unknownStatement', { start: m.keyStart, end: m.keyEnd }, key);
        return this.opaque(node);
    }
  }

  private reject(v: JsonNode, node: JsonNode, family?: Family): Stmt {
    const range = this.r.range(node);
    if (v.kind === 'null') return { kind: 'reject', range };
    const p = this.props(v, node, 'reject', ['type', 'expr']);
    if (!p) return this.opaque(node);
    const type = this.x.oneOf(p.str('type'), ['tcp reset', 'icmp', 'icmpv6', 'icmpx'] as const, p.rangeOf('type'), 'reject type');
    // The ICMP flavour must match the table's family (nftables src/evaluate.c stmt_evaluate_reject_family).
    if ((type === 'icmp' && family === 'ip6') || (type === 'icmpv6' && family === 'ip')) {
      this.r.report('rejectFamilyConflict', p.rangeOf('type'), type, family);
    }
    const e = p.get('expr');
    let expr: string | undefined;
    if (e?.kind === 'string') expr = e.value;
    else if (e?.kind === 'number' && e.isInteger) expr = e.raw;
    else if (e) this.r.report('badPropertyType', e, 'expr', 'reject', 'an ICMP code name or number', describeJson(e));
    return withOptional({ kind: 'reject', range } as Stmt, { type, expr });
  }

  /** `{"counter": "name"}`, `{"quota": {"map": …}}`, `{"ct helper": "ftp"}`: a reference to a named object. */
  private objref(type: ObjectType, v: JsonNode, node: JsonNode): Stmt {
    const range = this.r.range(node);
    if (v.kind !== 'string' && v.kind !== 'object') {
      this.r.report('badExpression', v, `a ${type} reference must be a name or a map lookup, found ${describeJson(v)}`);
      return this.opaque(node);
    }
    const name: Expr = this.x.map(v);
    if (name.kind === 'opaque') return this.opaque(node);
    return { kind: 'objref', type, name, range };
  }

  private props(v: JsonNode, node: JsonNode, what: string, known: readonly string[]): Props | undefined {
    if (v.kind !== 'object') {
      this.r.report('badExpression', node, `"${what}" needs an object, found ${describeJson(v)}`);
      return undefined;
    }
    return this.r.props(v, what, known);
  }

  private optExpr(p: Props, key: string): Expr | undefined {
    const v = p.get(key);
    return v ? this.x.map(v) : undefined;
  }

  private unit(p: Props, key: string, allowed: readonly string[]): string | undefined {
    return this.x.oneOf(p.str(key), allowed, p.rangeOf(key), key.replace('_', ' '));
  }

}
