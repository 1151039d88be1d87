// Test support: writes `nft list ruleset` / `iptables-save` text and, alongside, the IR the parsers produce
// for it (nft -j shapes, `xt` nodes for iptables), with ranges pointing into the written text. Stands in for
// the nft text and iptables parsers while they are written in parallel. Pure; imports only the model.
import type { BaseChainSpec, Chain, Expr, NamedSet, ParsedSource, Rule, SourceFormat, SourceRange, Stmt, Table, TableOrigin, Verdict, Workspace } from '../../model/ir.ts';

// ───────────── expressions and statements ─────────────

export const v = (value: string | number): Expr => ({ kind: 'value', value });
export const payload = (protocol: string, field: string): Expr => ({ kind: 'payload', protocol, field });
export const meta = (key: string): Expr => ({ kind: 'meta', key });
export const concat = (...items: Expr[]): Expr => ({ kind: 'concat', items });
export const prefix = (addr: string, len: number): Expr => ({ kind: 'prefix', expr: v(addr), len });
export const setref = (name: string): Expr => ({ kind: 'setref', name });
export const verdictExpr = (verdict: Verdict): Expr => ({ kind: 'verdict', verdict });

export const match = (left: Expr, right: Expr, op: '==' | '!=' | 'in' = '=='): Stmt => ({ kind: 'match', op, left, right });
export const accept: Stmt = { kind: 'verdict', verdict: { kind: 'accept' } };
export const drop: Stmt = { kind: 'verdict', verdict: { kind: 'drop' } };
export const ret: Stmt = { kind: 'verdict', verdict: { kind: 'return' } };
export const jump = (target: string): Stmt => ({ kind: 'verdict', verdict: { kind: 'jump', target } });
export const goTo = (target: string): Stmt => ({ kind: 'verdict', verdict: { kind: 'goto', target } });
export const vmapRef = (key: Expr, name: string): Stmt => ({ kind: 'vmap', key, data: setref(name) });
export const vmapInline = (key: Expr, branches: [Expr, Verdict][]): Stmt => ({
  kind: 'vmap',
  key,
  data: { kind: 'set', items: branches.map(([k, verdict]) => ({ kind: 'mapping', key: k, data: verdictExpr(verdict) })) },
});
export const numgen = (mod: number): Expr => ({ kind: 'numgen', mode: 'random', mod });
export const dnat = (addr: string, port?: number): Stmt => ({ kind: 'nat', type: 'dnat', addr: v(addr), ...(port !== undefined ? { port: v(port) } : {}) });
export const masquerade: Stmt = { kind: 'nat', type: 'masquerade' };
export const counter: Stmt = { kind: 'counter' };
/** iptables `-m set --match-set NAME FLAGS` as the iptables parser keeps it. */
export const xtMatchSet = (name: string, flags: string): Stmt => ({ kind: 'xt', type: 'match', name: 'set', options: { name: { value: name }, flags: { value: flags.split(',') } }, text: `-m set --match-set ${name} ${flags}` });

// ───────────── nft text ─────────────

export interface ChainSpec {
  readonly type?: BaseChainSpec['type'];
  readonly hook?: string;
  readonly priority?: number;
  /** The written form: `dstnat`, `filter - 10`. */
  readonly priorityText?: string;
  readonly policy?: 'accept' | 'drop';
}

/** A rule: its text as nft prints it, and its statements. */
export type RuleSpec = readonly [text: string, stmts: readonly Stmt[]];
/** A set element: its text, and its expression (a `mapping` for maps). */
export type ElementSpec = readonly [text: string, expr: Expr];

export interface SetSpec {
  readonly kind?: 'set' | 'map';
  readonly type: readonly string[];
  readonly data?: readonly string[];
  readonly elements?: readonly ElementSpec[];
}

/** Accumulates text and the IR of the tables written into it. */
export class NftText {
  text = '';
  readonly tables: Table[] = [];

  private write(s: string): SourceRange {
    const start = this.text.length;
    this.text += s;
    return { start, end: this.text.length };
  }

  table(family: Table['family'], name: string, body: (t: NftTableWriter) => void, origin?: TableOrigin): Table {
    const start = this.text.length;
    this.write(`table ${family} ${name} {\n`);
    const writer = new NftTableWriter((s) => this.write(s));
    body(writer);
    this.write('}\n');
    const table: Table = {
      kind: 'table',
      family,
      name,
      chains: writer.chains,
      sets: writer.sets,
      flowtables: [],
      objects: [],
      range: { start, end: this.text.length - 1 },
      ...(origin ? { origin } : {}),
    };
    this.tables.push(table);
    return table;
  }
}

export class NftTableWriter {
  readonly chains: Chain[] = [];
  readonly sets: NamedSet[] = [];

  constructor(private readonly write: (s: string) => SourceRange) {}

  set(name: string, spec: SetSpec): NamedSet {
    const kind = spec.kind ?? (spec.data ? 'map' : 'set');
    const start = this.write(`\t${kind} ${name} {\n`).start + 1;
    this.write(`\t\ttype ${spec.type.join(' . ')}${spec.data ? ` : ${spec.data.join(' . ')}` : ''}\n`);
    const elements: Expr[] = [];
    if (spec.elements && spec.elements.length > 0) {
      this.write('\t\telements = { ');
      spec.elements.forEach(([text, expr], i) => {
        const range = this.write(text);
        elements.push({ ...expr, range } as Expr);
        if (i < (spec.elements?.length ?? 0) - 1) this.write(',\n\t\t\t     ');
      });
      this.write(' }\n');
    }
    const end = this.write('\t}\n').end - 1;
    const set: NamedSet = {
      kind,
      name,
      key: { kind: 'type', names: spec.type },
      ...(spec.data ? { data: { kind: 'type', names: spec.data } } : {}),
      elements,
      range: { start, end },
    };
    this.sets.push(set);
    return set;
  }

  chain(name: string, spec: ChainSpec | undefined, rules: readonly RuleSpec[]): Chain {
    const start = this.write(`\tchain ${name} {\n`).start + 1;
    let base: BaseChainSpec | undefined;
    if (spec?.hook) {
      const priority = spec.priority ?? 0;
      this.write(`\t\ttype ${spec.type ?? 'filter'} hook ${spec.hook} priority ${spec.priorityText ?? priority}; policy ${spec.policy ?? 'accept'};\n`);
      base = {
        type: spec.type ?? 'filter',
        hook: spec.hook,
        priority: { value: priority, ...(spec.priorityText ? { text: spec.priorityText } : {}) },
        policy: spec.policy ?? 'accept',
      };
    }
    const irRules: Rule[] = rules.map(([text, stmts]) => {
      this.write('\t\t');
      const range = this.write(text);
      this.write('\n');
      return { kind: 'rule', stmts, range };
    });
    const end = this.write('\t}\n').end - 1;
    const chain: Chain = { kind: 'chain', name, rules: irRules, range: { start, end }, ...(base ? { base } : {}) };
    this.chains.push(chain);
    return chain;
  }
}

// ───────────── iptables-save text ─────────────

export interface IptablesChainSpec {
  readonly name: string;
  /** Built-in chains have a policy; user chains `-`. */
  readonly policy?: 'ACCEPT' | 'DROP';
}

/** A rule: its chain, its arguments after `-A CHAIN` (as text), and its statements. */
export type IptablesRuleSpec = readonly [chain: string, args: string, stmts: readonly Stmt[]];

/** Writes one `*table … COMMIT` block per call; `withBase` gives built-in chains base specs (as
 *  iptables-nft tables read through nft have), otherwise they have none (as iptables-save text gives). */
export class IptablesText {
  text = '';
  readonly tables: Table[] = [];

  table(name: string, chains: readonly IptablesChainSpec[], rules: readonly IptablesRuleSpec[], options: { family?: 'ip' | 'ip6'; origin?: TableOrigin } = {}): Table {
    const start = this.text.length;
    this.text += `*${name}\n`;
    const chainRanges = new Map<string, SourceRange>();
    for (const c of chains) {
      const s = this.text.length;
      this.text += `:${c.name} ${c.policy ?? '-'} [0:0]\n`;
      chainRanges.set(c.name, { start: s, end: this.text.length - 1 });
    }
    const rulesOf = new Map<string, Rule[]>();
    for (const [chain, args, stmts] of rules) {
      const s = this.text.length;
      this.text += `-A ${chain} ${args}\n`;
      const list = rulesOf.get(chain) ?? [];
      list.push({ kind: 'rule', stmts, xt: { args: args.split(' ') }, range: { start: s, end: this.text.length - 1 } });
      rulesOf.set(chain, list);
    }
    this.text += 'COMMIT\n';
    const table: Table = {
      kind: 'table',
      family: options.family ?? 'ip',
      name,
      origin: options.origin ?? 'iptables-legacy',
      chains: chains.map((c) => ({
        kind: 'chain',
        name: c.name,
        rules: rulesOf.get(c.name) ?? [],
        range: chainRanges.get(c.name) as SourceRange,
      })),
      sets: [],
      flowtables: [],
      objects: [],
      range: { start, end: this.text.length - 1 },
    };
    this.tables.push(table);
    return table;
  }
}

// ───────────── workspaces ─────────────

export function parsedSource(id: string, format: SourceFormat, text: string, tables: readonly Table[], ipvs: ParsedSource['result']['ruleset']['ipvs'] = []): ParsedSource {
  return { source: { id, name: `${id} (${format})`, format, text }, result: { ruleset: { tables, ipvs }, diagnostics: [] } };
}

export function workspaceOf(...sources: ParsedSource[]): Workspace {
  return { sources };
}
