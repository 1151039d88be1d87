// Test helper: builds IR rulesets in code, in the shapes the parsers produce (nft -j mirrored), while the
// nft text parser is not on main yet. Tests should prefer parsing real nft text once it lands.
import type {
  BaseChainSpec,
  BinOp,
  Chain,
  Expr,
  Family,
  IpvsReal,
  IpvsService,
  Literal,
  NamedSet,
  RelOp,
  Rule,
  Ruleset,
  Stmt,
  Table,
  TableOrigin,
  Verdict,
  XtOption,
} from '../../model/ir.ts';

export const val = (value: Literal): Expr => ({ kind: 'value', value });
const asExpr = (x: Expr | Literal): Expr => (typeof x === 'object' ? x : val(x));

export const pl = (protocol: string, field: string): Expr => ({ kind: 'payload', protocol, field });
export const raw = (base: 'll' | 'nh' | 'th', offset: number, len: number): Expr => ({ kind: 'payload-raw', base, offset, len });
export const meta = (key: string): Expr => ({ kind: 'meta', key });
export const ct = (key: string, dir?: 'original' | 'reply'): Expr => (dir ? { kind: 'ct', key, dir } : { kind: 'ct', key });
export const fib = (flags: string[], result: 'oif' | 'oifname' | 'type'): Expr => ({ kind: 'fib', flags, result });
export const prefix = (addr: string, len: number): Expr => ({ kind: 'prefix', expr: val(addr), len });
export const range = (from: Literal, to: Literal): Expr => ({ kind: 'range', from: val(from), to: val(to) });
export const set = (...items: (Expr | Literal)[]): Expr => ({ kind: 'set', items: items.map(asExpr) });
export const ref = (name: string): Expr => ({ kind: 'setref', name });
export const cat = (...items: (Expr | Literal)[]): Expr => ({ kind: 'concat', items: items.map(asExpr) });
export const list = (...items: Literal[]): Expr => ({ kind: 'list', items: items.map(val) });
export const binop = (op: BinOp, left: Expr, right: Expr | Literal): Expr => ({ kind: 'binop', op, left, right: asExpr(right) });
export const numgen = (mode: 'inc' | 'random', mod: number, offset?: number): Expr => (offset ? { kind: 'numgen', mode, mod, offset } : { kind: 'numgen', mode, mod });
export const jhash = (expr: Expr, mod: number, seed?: number): Expr => (seed !== undefined ? { kind: 'hash', fn: 'jhash', expr, mod, seed } : { kind: 'hash', fn: 'jhash', expr, mod });
export const mapping = (key: Expr | Literal, data: Expr | Literal): Expr => ({ kind: 'mapping', key: asExpr(key), data: asExpr(data) });
export const mapExpr = (key: Expr, data: Expr): Expr => ({ kind: 'map', key, data });
export const vexpr = (v: Verdict): Expr => ({ kind: 'verdict', verdict: v });
export const xtExpr = (name: string, options: Record<string, XtOption>): Expr => ({ kind: 'xt', name, options, text: `-m ${name}` });

export const m = (left: Expr, right: Expr | Literal, op: RelOp = '=='): Stmt => ({ kind: 'match', op, left, right: asExpr(right) });
export const verdict = (v: Verdict): Stmt => ({ kind: 'verdict', verdict: v });
export const accept = verdict({ kind: 'accept' });
export const drop = verdict({ kind: 'drop' });
export const ret = verdict({ kind: 'return' });
export const cont = verdict({ kind: 'continue' });
export const jump = (target: string): Stmt => verdict({ kind: 'jump', target });
export const goto = (target: string): Stmt => verdict({ kind: 'goto', target });
export const vJump = (target: string): Expr => vexpr({ kind: 'jump', target });
export const vGoto = (target: string): Expr => vexpr({ kind: 'goto', target });
export const vAccept = vexpr({ kind: 'accept' });
export const vDrop = vexpr({ kind: 'drop' });
export const counter: Stmt = { kind: 'counter' };
export const vmap = (key: Expr, data: Expr): Stmt => ({ kind: 'vmap', key, data });
export const mangle = (key: Expr, value: Expr | Literal): Stmt => ({ kind: 'mangle', key, value: asExpr(value) });
export const dnat = (addr?: Expr | Literal, port?: Expr | Literal, family?: 'ip' | 'ip6'): Stmt => ({
  kind: 'nat',
  type: 'dnat',
  ...(family ? { family } : {}),
  ...(addr !== undefined ? { addr: asExpr(addr) } : {}),
  ...(port !== undefined ? { port: asExpr(port) } : {}),
});
export const snat = (addr?: Expr | Literal, port?: Expr | Literal): Stmt => ({ kind: 'nat', type: 'snat', ...(addr !== undefined ? { addr: asExpr(addr) } : {}), ...(port !== undefined ? { port: asExpr(port) } : {}) });
export const masquerade: Stmt = { kind: 'nat', type: 'masquerade' };
export const redirect = (port?: Literal): Stmt => ({ kind: 'nat', type: 'redirect', ...(port !== undefined ? { port: val(port) } : {}) });
export const reject: Stmt = { kind: 'reject' };
export const notrack: Stmt = { kind: 'notrack' };
export const queue: Stmt = { kind: 'queue' };
export const limit = (rate: number, per: string, inv = false): Stmt => ({ kind: 'limit', rate, per, ...(inv ? { inv } : {}) });
export const log = (prefix: string): Stmt => ({ kind: 'log', prefix });
export const xt = (name: string, options: Record<string, XtOption>, type: 'match' | 'target' = 'match'): Stmt => ({ kind: 'xt', type, name, options, text: `${type === 'match' ? '-m' : '-j'} ${name}` });
export const opaque = (text: string): Stmt => ({ kind: 'opaque', text });

export const rule = (...stmts: Stmt[]): Rule => ({ kind: 'rule', stmts });

/** A regular chain. */
export const chain = (name: string, ...rules: Rule[]): Chain => ({ kind: 'chain', name, rules });

/** A base chain: `base('input', 'filter', 'input', 0, 'drop', …rules)`. */
export function base(name: string, type: BaseChainSpec['type'], hook: string, priority: number, policy: 'accept' | 'drop' | undefined, ...rules: Rule[]): Chain {
  return { kind: 'chain', name, base: { type, hook, priority: { value: priority }, ...(policy ? { policy } : {}) }, rules };
}

export function devices(c: Chain, devs: string[]): Chain {
  return { ...c, base: { ...c.base!, devices: devs } };
}

export function namedSet(name: string, key: string[], elements: (Expr | Literal)[], opts: { kind?: 'set' | 'map'; data?: string[]; flags?: string[] } = {}): NamedSet {
  return {
    kind: opts.kind ?? 'set',
    name,
    key: { kind: 'type', names: key },
    ...(opts.data ? { data: { kind: 'type', names: opts.data } } : {}),
    ...(opts.flags ? { flags: opts.flags } : {}),
    elements: elements.map(asExpr),
  };
}

/** A table; rules and chains without handles get handles in order (nft numbers chains and rules per table). */
export function table(family: Family, name: string, chains: Chain[], sets: NamedSet[] = [], origin?: TableOrigin): Table {
  let h = 0;
  const numbered = chains.map((c) => {
    const ch = c.handle ?? ++h;
    return { ...c, handle: ch, rules: c.rules.map((r) => (r.handle !== undefined ? r : { ...r, handle: ++h })) };
  });
  return { kind: 'table', family, name, chains: numbered, sets, flowtables: [], objects: [], ...(origin ? { origin } : {}) };
}

export function ruleset(tables: Table[], ipvs: IpvsService[] = []): Ruleset {
  return { tables, ipvs };
}

export function ipvsService(protocol: 'tcp' | 'udp', addr: string, port: number, scheduler: string, reals: [string, number, number, IpvsReal['method']?][]): IpvsService {
  return {
    kind: 'ipvs-service',
    protocol,
    addr,
    port,
    scheduler,
    reals: reals.map(([a, p, w, method]) => ({ kind: 'ipvs-real', addr: a, port: p, weight: w, method: method ?? 'masq' })),
  };
}
