// Indexes a workspace once for evaluation (cached per input object): tables in registration (dump) order,
// chains and sets by name, which families have conntrack enabled, where each table came from.
// Imports the model only.
import type { BaseChainSpec, Chain, Expr, Family, IpvsService, NamedSet, Ruleset, Stmt, Table, TableOrigin, Workspace } from '../model/ir.ts';
import { IPTABLES_HOOK_OF, iptablesChainPriority } from '../model/priorities.ts';

export type EvalInput = Workspace | Ruleset | readonly Ruleset[];

export interface PreparedTable {
  readonly table: Table;
  /** Position in registration order (sources in order, tables in dump order). */
  readonly order: number;
  readonly sourceId?: string;
  readonly sourceText?: string;
  readonly chains: ReadonlyMap<string, Chain>;
  readonly sets: ReadonlyMap<string, NamedSet>;
  readonly origin?: TableOrigin;
  /** Base chain specs: the chain's own, or for a built-in chain of an iptables table that came without one,
   *  its hook and priority by name (INPUT → input, nat POSTROUTING → 100 …). */
  readonly bases: ReadonlyMap<Chain, BaseChainSpec>;
  /** The base chains only, with their position in the table (registration order). */
  readonly baseChains: readonly { readonly chain: Chain; readonly index: number; readonly spec: BaseChainSpec }[];
}

const IPTABLES_ORIGINS = new Set<TableOrigin>(['iptables', 'iptables-nft', 'iptables-legacy']);

function baseSpecs(table: Table): Map<Chain, BaseChainSpec> {
  const out = new Map<Chain, BaseChainSpec>();
  for (const c of table.chains) {
    if (c.base) out.set(c, c.base);
    else if (table.origin && IPTABLES_ORIGINS.has(table.origin)) {
      const hook = IPTABLES_HOOK_OF[c.name];
      const prio = iptablesChainPriority(table.name, c.name);
      // iptables-nft makes mangle OUTPUT a `type route` chain (it re-routes after a mark change, as
      // ipt_mangle_out does for iptables-legacy)
      const type = table.name === 'nat' ? 'nat' : table.name === 'mangle' && hook === 'output' ? 'route' : 'filter';
      if (hook && prio !== undefined) out.set(c, { type, hook, priority: { value: prio } });
    }
  }
  return out;
}

export interface Prepared {
  readonly tables: readonly PreparedTable[];
  readonly ipvs: readonly IpvsService[];
  readonly rulesets: readonly Ruleset[];
  /** Conntrack is enabled in the netns for IPv4 / IPv6: the kernel registers its hooks only when a rule needs
   *  it (ct expressions, NAT statements, iptables conntrack/state/NAT; nf_ct_netns_get). A nat-type chain
   *  alone does not (observed on Linux 6.18: such a chain never runs). */
  readonly conntrack: {
    readonly ip: boolean;
    readonly ip6: boolean;
    readonly reasons: readonly string[];
    /** When its hooks were registered, per family, on the scale of base chain registrations (table order ×
     *  1e6 + chain index): with the first rule that needs it. nft adds a table's chains before any of its rules
     *  (nft_cmd_expand), so that is after every chain of that table and before the next table's. It decides
     *  ties with base chains at -200 (equal priorities run in reverse registration order; observed). */
    readonly registeredAt: { readonly ip?: number; readonly ip6?: number };
  };
  /** Sets by name across all tables (ipsets are global; iptables `-m set` finds them by name). */
  readonly globalSets: ReadonlyMap<string, { readonly set: NamedSet; readonly table: PreparedTable }>;
}

const cache = new WeakMap<object, Prepared>();

function isWorkspace(x: EvalInput): x is Workspace {
  return !Array.isArray(x) && (x as Workspace).sources !== undefined;
}

export function prepare(input: EvalInput): Prepared {
  const hit = cache.get(input as object);
  if (hit) return hit;
  const parts: { ruleset: Ruleset; sourceId?: string; text?: string }[] = isWorkspace(input)
    ? input.sources.map((s) => ({ ruleset: s.result.ruleset, sourceId: s.source.id, text: s.source.text }))
    : Array.isArray(input)
      ? (input as readonly Ruleset[]).map((ruleset) => ({ ruleset }))
      : [{ ruleset: input as Ruleset }];
  const tables: PreparedTable[] = [];
  const globalSets = new Map<string, { set: NamedSet; table: PreparedTable }>();
  let ct4 = false;
  let ct6 = false;
  const reasons: string[] = [];
  const registeredAt: { ip?: number; ip6?: number } = {};
  for (const part of parts) {
    for (const table of part.ruleset.tables) {
      const bases = baseSpecs(table);
      const pt: PreparedTable = {
        table,
        order: tables.length,
        ...(part.sourceId !== undefined ? { sourceId: part.sourceId } : {}),
        ...(part.text !== undefined ? { sourceText: part.text } : {}),
        chains: new Map(table.chains.map((c) => [c.name, c])),
        sets: new Map(table.sets.map((s) => [s.name, s])),
        ...(table.origin ? { origin: table.origin } : {}),
        bases,
        baseChains: table.chains.flatMap((chain, index) => {
          const spec = bases.get(chain);
          return spec ? [{ chain, index, spec }] : [];
        }),
      };
      tables.push(pt);
      for (const s of table.sets) if (!globalSets.has(s.name) || s.ipset) globalSets.set(s.name, { set: s, table: pt });
      const why = conntrackUsers(table);
      if (why.ip && !ct4) {
        reasons.push(`IPv4 conntrack enabled by ${table.family} ${table.name}: ${why.ip}`);
        registeredAt.ip = pt.order * 1_000_000 + 999_999;
        ct4 = true;
      }
      if (why.ip6 && !ct6) {
        reasons.push(`IPv6 conntrack enabled by ${table.family} ${table.name}: ${why.ip6}`);
        registeredAt.ip6 = pt.order * 1_000_000 + 999_999;
        ct6 = true;
      }
    }
  }
  const rulesets = parts.map((p) => p.ruleset);
  const prepared: Prepared = { tables, ipvs: rulesets.flatMap((r) => r.ipvs), rulesets, conntrack: { ip: ct4, ip6: ct6, reasons, registeredAt }, globalSets };
  cache.set(input as object, prepared);
  return prepared;
}

function familiesOf(f: Family): { ip: boolean; ip6: boolean } {
  // nf_ct_netns_get(NFPROTO_INET) enables both; bridge/netdev conntrack users need the inet ones too.
  return { ip: f !== 'ip6', ip6: f !== 'ip' };
}

const XT_CONNTRACK_USERS = new Set(['conntrack', 'state', 'connmark', 'CONNMARK', 'CT', 'NOTRACK', 'connlimit', 'connbytes', 'helper', 'conntrack', 'SNAT', 'DNAT', 'MASQUERADE', 'REDIRECT', 'NETMAP', 'ipvs', 'cluster', 'connlabel']);

/** Per family, the first reason this table's rules enable conntrack. Every user enables it for the table's
 *  family (nf_ct_netns_get(ctx->net, ctx->family); inet: both), except a NAT statement with an explicit
 *  family: nft_nat_init calls nf_ct_netns_get(ctx->net, family) with the statement's own family, so
 *  `dnat ip to …` alone in an inet table leaves IPv6 without conntrack (and its nat chains unrun for IPv6
 *  packets; seen on Linux 6.18). */
function conntrackUsers(table: Table): { ip?: string; ip6?: string } {
  const out: { ip?: string; ip6?: string } = {};
  const fams = familiesOf(table.family);
  const add = (why: string, only?: 'ip' | 'ip6') => {
    if (fams.ip && (only ?? 'ip') === 'ip') out.ip ??= why;
    if (fams.ip6 && (only ?? 'ip6') === 'ip6') out.ip6 ??= why;
  };
  for (const chain of table.chains) {
    for (const rule of chain.rules) {
      for (const s of rule.stmts) {
        const w = stmtUsesConntrack(s);
        if (w) add(`${w} in chain ${chain.name}`, s.kind === 'nat' ? s.family : undefined);
      }
    }
  }
  for (const o of table.objects) if (o.type.startsWith('ct ')) add(`${o.type} object ${o.name}`);
  for (const s of table.sets) if (s.key.kind === 'typeof' && exprUsesCt(s.key.expr)) add(`set ${s.name} keyed by ct`);
  return out;
}

function stmtUsesConntrack(s: Stmt): string | undefined {
  switch (s.kind) {
    case 'nat':
      return s.type;
    case 'connlimit':
      return 'ct count';
    case 'flow':
      return 'flow add';
    case 'objref':
      return s.type.startsWith('ct ') ? s.type : undefined;
    case 'xt':
      return XT_CONNTRACK_USERS.has(s.name) ? `-m/-j ${s.name}` : undefined;
    case 'match':
      return exprUsesCt(s.left) || exprUsesCt(s.right) ? 'a ct expression' : undefined;
    case 'mangle':
      return exprUsesCt(s.key) || exprUsesCt(s.value) ? 'a ct expression' : undefined;
    case 'vmap':
      return exprUsesCt(s.key) ? 'a ct expression' : undefined;
    case 'meter':
      return exprUsesCt(s.key) ? 'a ct expression' : undefined;
    case 'set':
      return exprUsesCt(s.elem) ? 'a ct expression' : undefined;
    default:
      return undefined;
  }
}

function exprUsesCt(e: Expr): boolean {
  switch (e.kind) {
    case 'ct':
      return true;
    case 'xt':
      return XT_CONNTRACK_USERS.has(e.name);
    case 'concat':
    case 'set':
    case 'list':
      return e.items.some(exprUsesCt);
    case 'binop':
      return exprUsesCt(e.left) || exprUsesCt(e.right);
    case 'map':
      return exprUsesCt(e.key);
    case 'hash':
      return e.expr ? exprUsesCt(e.expr) : false;
    default:
      return false;
  }
}

/** A named set seen from a table: its own sets first, then (ipset) sets of any table. */
export function findSet(p: Prepared, table: PreparedTable, name: string): NamedSet | undefined {
  return table.sets.get(name) ?? p.globalSets.get(name)?.set;
}
