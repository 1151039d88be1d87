// IR → canonical nft text in the style of `nft list ruleset` (nested blocks, tabs), which `nft -f` loads.
// Owns the layout of tables, chains, sets, flowtables and named objects; rules, statements and expressions
// are printed by printRule.ts. Imports only the model.
import { assertNever, type Chain, type Expr, type Flowtable, type Literal, type NamedObject, type NamedSet, type Priority, type Ruleset, type Stmt, type Table, type TypeSpec } from '../../model/ir.ts';
import { ctxOfType, printBytes, printDuration, printExpr, printName, printStmt, quote } from './printRule.ts';
import { lookupTable } from '../../model/lookup.ts';

export { printExpr, printRule, printStmt, printVerdict, ctxOf, ctxOfType, type ValueCtx } from './printRule.ts';

const T1 = '\t';
const T2 = '\t\t';

export function printRuleset(ruleset: Ruleset): string {
  const out: string[] = [];
  for (const item of ruleset.opaque ?? []) {
    // Not nft syntax (e.g. an unknown JSON object): kept visible as a comment.
    out.push(...item.text.split('\n').map((l) => `# not understood by nflens: ${l}`));
  }
  for (const t of ruleset.tables) out.push(printTable(t));
  return out.length ? `${out.join('\n')}\n` : '';
}

export function printTable(t: Table): string {
  const head: string[] = [];
  if (t.flags?.length) head.push(`${T1}flags ${t.flags.join(',')}`);
  if (t.comment !== undefined) head.push(`${T1}comment ${quote(t.comment)}`);
  // nft lists named objects, then sets and maps, then flowtables, then chains (src/rule.c table_print).
  // A chain bound to a rule (`jump { … }`, flag `binding`) is written inside that rule, as nft lists it.
  const bound = new Map(t.chains.filter(isBindingChain).map((c) => [c.name, c]));
  const chains = t.chains.filter((c) => !isBindingChain(c)).map((c) => printChain(c, bound));
  const blocks = [...t.objects.map(printObject), ...t.sets.map(printSet), ...t.flowtables.map(printFlowtable), ...chains];
  const body = [head.join('\n'), blocks.join('\n\n')].filter((s) => s !== '').join('\n\n');
  return `table ${t.family} ${printName(t.name)} {\n${body ? `${body}\n` : ''}}`;
}

/** The written form when the IR kept one (nft text input), else the number (nft -j has only numbers). */
function printPriority(p: Priority): string {
  return p.text ?? String(p.value);
}

const isBindingChain = (c: Chain): boolean => c.flags?.includes('binding') === true;

export function printChain(c: Chain, bound: ReadonlyMap<string, Chain> = new Map()): string {
  const lines: string[] = [];
  if (c.comment !== undefined) lines.push(`${T2}comment ${quote(c.comment)}`);
  if (c.base) {
    const b = c.base;
    const devices = !b.devices?.length ? '' : b.devices.length === 1 ? ` device ${quote(b.devices[0] as string)}` : ` devices = { ${b.devices.map(quote).join(', ')} }`;
    const policy = b.policy ? ` policy ${b.policy};` : '';
    lines.push(`${T2}type ${b.type} hook ${b.hook}${devices} priority ${printPriority(b.priority)};${policy}`);
  }
  if (c.flags?.length) lines.push(`${T2}flags ${c.flags.join(',')};`);
  lines.push(...printRules(c.rules, T2, bound, new Set([c.name])));
  return `${T1}chain ${printName(c.name)} {\n${lines.map((l) => `${l}\n`).join('')}${T1}}`;
}

/** Rule lines at `indent`; a jump or goto to a bound chain opens a block with that chain's rules
 *  (nft's chain_stmt_print: `jump {`, the rules one tab deeper, `}` at the rule's indent). */
function printRules(rules: Chain['rules'], indent: string, bound: ReadonlyMap<string, Chain>, open: ReadonlySet<string>): string[] {
  const lines: string[] = [];
  for (const r of rules) {
    const text = r.stmts.map((st) => {
      const target = st.kind === 'verdict' && (st.verdict.kind === 'jump' || st.verdict.kind === 'goto') ? st.verdict.target : undefined;
      const chain = target !== undefined && !open.has(target) ? bound.get(target) : undefined;
      if (!chain || st.kind !== 'verdict') return printStmt(st);
      const inner = printRules(chain.rules, `${indent}\t`, bound, new Set([...open, chain.name]));
      return `${st.verdict.kind} {\n${inner.map((l) => `${l}\n`).join('')}${indent}}`;
    });
    if (r.comment !== undefined) text.push(`comment ${quote(r.comment)}`);
    if (text.length) lines.push(`${indent}${text.join(' ')}`);
  }
  return lines;
}

/** An expression of each common datatype, to write a type name where nft wants `typeof` (nft 1.0.6 cannot
 *  mix `typeof key : type`, e.g. `typeof ct bytes : classid`), and the reverse for object maps, whose key
 *  nft 1.0.6 only takes as type names. Datatype names: nftables src/datatype.c, src/proto.c. */
const EXPR_OF_TYPE: Readonly<Record<string, string>> = lookupTable({
  ipv4_addr: 'ip daddr',
  ipv6_addr: 'ip6 daddr',
  inet_service: 'tcp dport',
  inet_proto: 'meta l4proto',
  ether_addr: 'ether daddr',
  ether_type: 'ether type',
  mark: 'meta mark',
  classid: 'meta priority',
  ifname: 'meta iifname',
  iface_index: 'meta iif',
  nf_proto: 'meta nfproto',
  pkt_type: 'meta pkttype',
  ct_state: 'ct state',
  ct_status: 'ct status',
  dscp: 'ip dscp',
  ecn: 'ip ecn',
  tcp_flag: 'tcp flags',
  icmp_type: 'icmp type',
  icmpv6_type: 'icmpv6 type',
  uid: 'meta skuid',
  gid: 'meta skgid',
  realm: 'meta rtclassid',
  devgroup: 'meta iifgroup',
  verdict: 'verdict',
  // nft -j names the data of `typeof … : ct zone` (or any integer field) only `integer`, without its
  // size: a 32-bit integer field takes every value such a map can hold.
  integer: 'meta length',
});
const TYPE_OF_EXPR: Readonly<Record<string, string>> = lookupTable({
  ...Object.fromEntries(Object.entries(EXPR_OF_TYPE).map(([t, e]) => [e, t])),
  'ip saddr': 'ipv4_addr',
  'ip6 saddr': 'ipv6_addr',
  'tcp dport': 'inet_service',
  'tcp sport': 'inet_service',
  'udp dport': 'inet_service',
  'udp sport': 'inet_service',
  'th sport': 'inet_service',
  'ip protocol': 'inet_proto',
  'ip6 nexthdr': 'inet_proto',
  'ether saddr': 'ether_addr',
  iifname: 'ifname',
  oifname: 'ifname',
  'meta oifname': 'ifname',
  iif: 'iface_index',
  oif: 'iface_index',
  'meta oif': 'iface_index',
  'ct mark': 'mark',
  'ct zone': 'integer',
});

const OBJECT_DATA = new Set(['counter', 'quota', 'limit', 'ct helper', 'ct timeout', 'ct expectation', 'synproxy', 'secmark', 'tunnel']);

function asExprs(t: TypeSpec): string | undefined {
  if (t.kind === 'typeof') return printExpr(t.expr);
  const exprs = t.names.map((n) => EXPR_OF_TYPE[n]);
  return exprs.every((e) => e !== undefined) ? exprs.join(' . ') : undefined;
}

function asNames(t: TypeSpec): string | undefined {
  if (t.kind === 'type') return t.names.join(' . ');
  const items = t.expr.kind === 'concat' ? t.expr.items : [t.expr];
  const names = items.map((e) => TYPE_OF_EXPR[printExpr(e)]);
  return names.every((n) => n !== undefined) ? names.join(' . ') : undefined;
}

/** `type K [: D]` or `typeof K [: D]`; when one side is a type name and the other an expression, both are
 *  written in the form nft accepts. An object map's data is always a type name: `typeof ip saddr : ct
 *  helper` as nft lists it (nft ≥ 1.0.7 reads it; 1.0.6 only `type ipv4_addr : ct helper`), so that the
 *  text gives back the same IR. */
function printTypeSpec(key: TypeSpec, data: TypeSpec | undefined): string {
  if (!data) return key.kind === 'typeof' ? `typeof ${printExpr(key.expr)}` : `type ${key.names.join(' . ')}`;
  const isObject = data.kind === 'type' && data.names.length === 1 && OBJECT_DATA.has(data.names[0] as string);
  if (isObject) return `${key.kind} ${key.kind === 'typeof' ? printExpr(key.expr) : key.names.join(' . ')} : ${data.names[0]}`;
  if (key.kind === data.kind) {
    return key.kind === 'typeof' ? `typeof ${asExprs(key)} : ${asExprs(data)}` : `type ${asNames(key)} : ${asNames(data)}`;
  }
  const keyNames = asNames(key);
  const dataNames = asNames(data);
  if (keyNames !== undefined && dataNames !== undefined && key.kind === 'type') return `type ${keyNames} : ${dataNames}`;
  const keyExprs = asExprs(key);
  const dataExprs = asExprs(data);
  if (keyExprs !== undefined && dataExprs !== undefined) return `typeof ${keyExprs} : ${dataExprs}`;
  return `${key.kind} ${key.kind === 'typeof' ? printExpr(key.expr) : keyNames} : ${dataNames ?? dataExprs}`;
}

/** nft writes set flags in this order (src/rule.c set_print_declaration); the IR keeps nft -j's order. */
const SET_FLAG_TEXT_ORDER = ['constant', 'dynamic', 'interval', 'timeout'];
const setFlagRank = (f: string) => (SET_FLAG_TEXT_ORDER.includes(f) ? SET_FLAG_TEXT_ORDER.indexOf(f) : SET_FLAG_TEXT_ORDER.length);

export function printSet(s: NamedSet): string {
  // The order of nft 1.0.6's set_print_declaration (src/rule.c).
  const lines: string[] = [printTypeSpec(s.key, s.kind === 'map' ? s.data : undefined)];
  if (s.policy !== undefined) lines.push(`policy ${s.policy}`);
  if (s.size !== undefined) lines.push(`size ${s.size}`);
  if (s.flags?.length) lines.push(`flags ${[...s.flags].sort((a, b) => setFlagRank(a) - setFlagRank(b)).join(',')}`);
  for (const st of s.stmts ?? []) lines.push(printStmt(st));
  if (s.autoMerge) lines.push('auto-merge');
  if (s.timeout !== undefined) lines.push(`timeout ${printDuration(s.timeout * 1000)}`);
  if (s.gcInterval !== undefined) lines.push(`gc-interval ${printDuration(s.gcInterval * 1000)}`);
  if (s.comment !== undefined) lines.push(`comment ${quote(s.comment)}`);
  if (s.elements.length) {
    const keyCtx = ctxOfType(s.key);
    const dataCtx = s.objectData ? 'string' : ctxOfType(s.data);
    const items = s.elements.map((e) => printExpr(withSetStmtOrder(e, s.stmts ?? []), keyCtx, dataCtx));
    const oneLine = items.join(', ');
    lines.push(oneLine.length <= 80 ? `elements = { ${oneLine} }` : `elements = { ${items.join(`,\n${T2}\t     `)} }`);
  }
  return `${T1}${s.kind} ${printName(s.name)} {\n${lines.map((l) => `${T2}${l}\n`).join('')}${T1}}`;
}

/** An element's statements written in its set's order, as nft requires ("statement mismatch, element
 *  expects counter, but set has type limit"); the IR keeps an element's counter apart, so it becomes a
 *  statement here. nft -j prints only the first statement of an element (json.c set_elem_expr_json):
 *  the missing ones are written as the set declares them (fresh, as the kernel would create them), so
 *  that the shown one keeps its state. An element whose statements fit nowhere is written without them:
 *  the set's statements then apply. */
function withSetStmtOrder(e: Expr, setStmts: readonly Stmt[]): Expr {
  if (e.kind === 'mapping') {
    const key = withSetStmtOrder(e.key, setStmts);
    return key === e.key ? e : { ...e, key };
  }
  if (e.kind !== 'elem' || setStmts.length === 0) return e;
  const { counter, stmts: _stmts, ...rest } = e;
  const known: Stmt[] = [...(counter ? [{ kind: 'counter' as const, packets: counter.packets, bytes: counter.bytes }] : []), ...(e.stmts ?? [])];
  if (known.length === 0) return e;
  const unused = [...known];
  const ordered: Stmt[] = [];
  for (const template of setStmts) {
    const i = unused.findIndex((k) => k.kind === template.kind);
    if (i >= 0) ordered.push(...unused.splice(i, 1));
    else if (known.length === 1) ordered.push(template);
    else return rest;
  }
  return unused.length === 0 ? { ...rest, stmts: ordered } : rest;
}

export function printFlowtable(f: Flowtable): string {
  const lines = [`hook ${f.hook} priority ${printPriority(f.priority)}`];
  if (f.devices.length) lines.push(`devices = { ${f.devices.map(quote).join(', ')} }`);
  if (f.flags?.length) lines.push(`flags ${f.flags.join(',')}`);
  if (f.counter) lines.push('counter');
  return `${T1}flowtable ${printName(f.name)} {\n${lines.map((l) => `${T2}${l}\n`).join('')}${T1}}`;
}

const lit = (v: unknown): Literal | undefined => (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? v : undefined);

/** A named object's body from its nft -j properties (json.c obj_print_json ↔ src/rule.c obj_print_data). */
function objectLines(o: NamedObject): string[] {
  const p = o.props;
  switch (o.type) {
    case 'counter':
      return [`packets ${lit(p['packets']) ?? 0} bytes ${lit(p['bytes']) ?? 0}`];
    case 'quota': {
      const used = Number(lit(p['used']) ?? 0);
      return [`${p['inv'] === true ? 'over ' : ''}${printBytes(Number(lit(p['bytes']) ?? 0))}${used ? ` used ${printBytes(used)}` : ''}`];
    }
    case 'limit': {
      const unit = lit(p['rate_unit']);
      const bytes = unit !== undefined && unit !== 'packets';
      const burst = lit(p['burst']);
      // 5 packets is the default burst, which nft list does not print.
      const burstText = burst && (bytes || burst !== 5) ? ` burst ${burst} ${bytes ? (lit(p['burst_unit']) ?? 'bytes') : 'packets'}` : '';
      return [`rate ${p['inv'] === true ? 'over ' : ''}${lit(p['rate']) ?? 0}${bytes ? ` ${unit}` : ''}/${lit(p['per']) ?? 'second'}${burstText}`];
    }
    case 'ct helper':
      return [`type ${quote(String(lit(p['type']) ?? ''))} protocol ${lit(p['protocol']) ?? 'tcp'}`, `l3proto ${lit(p['l3proto']) ?? 'ip'}`];
    case 'ct timeout': {
      const lines = [`protocol ${lit(p['protocol']) ?? 'tcp'}`, `l3proto ${lit(p['l3proto']) ?? 'ip'}`];
      const policy = p['policy'];
      if (policy && typeof policy === 'object' && !Array.isArray(policy)) {
        const entries = Object.entries(policy as Record<string, Literal>).map(([k, v]) => `${k} : ${v}`);
        if (entries.length) lines.push(`policy = { ${entries.join(', ')} }`);
      }
      return lines;
    }
    case 'ct expectation':
      return [
        `protocol ${lit(p['protocol']) ?? 'tcp'}`,
        `dport ${lit(p['dport']) ?? 0}`,
        `timeout ${printDuration(Number(lit(p['timeout']) ?? 0))}`,
        `size ${lit(p['size']) ?? 0}`,
        `l3proto ${lit(p['l3proto']) ?? 'ip'}`,
      ];
    case 'synproxy': {
      const lines = [`mss ${lit(p['mss']) ?? 0}`, `wscale ${lit(p['wscale']) ?? 0}`];
      const flags = p['flags'];
      if (Array.isArray(flags) && flags.length) lines.push(flags.join(' '));
      return lines;
    }
    case 'secmark':
      return [quote(String(lit(p['context']) ?? ''))];
    case 'tunnel':
      return Object.entries(p).map(([k, v]) => `${k} ${Array.isArray(v) ? v.join(',') : typeof v === 'object' ? JSON.stringify(v) : String(v)}`);
    default:
      return assertNever(o.type, 'object type');
  }
}

export function printObject(o: NamedObject): string {
  const lines = objectLines(o);
  if (o.comment !== undefined) lines.push(`comment ${quote(o.comment)}`);
  return `${T1}${o.type} ${printName(o.name)} {\n${lines.map((l) => `${T2}${l}\n`).join('')}${T1}}`;
}
