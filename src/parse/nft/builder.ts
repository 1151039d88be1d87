// Applies parsed nft commands in order to build the ruleset the kernel would hold after `nft -f`: tables,
// chains, rules (with add/insert positions, replace and delete by handle), sets and their elements,
// flowtables and named objects; flush and delete; forward references of sorted dumps (kube-proxy, knftables)
// resolved with a warning. Imports the model, the diagnostics collector and the message catalogue.
import type {
  BaseChainSpec,
  Chain,
  Expr,
  Family,
  Flowtable,
  NamedObject,
  NamedSet,
  ObjectType,
  Rule,
  Ruleset,
  SourceRange,
  Stmt,
  Table,
  Verdict,
} from '../../model/ir.ts';
import { normalizeForCompare } from '../../model/compare.ts';
import { datatypeOf } from '../../model/datatypes.ts';
import type { DiagnosticBag } from '../diagnostics.ts';
import { elementKey, toIntervalElem } from './exprs.ts';
import { M } from './messages.ts';
import { suggestName } from './misspell.ts';
import type { AnonChain, ParsedRule } from './stmts.ts';
import { firstOverlap, sortElements } from './values.ts';

export interface TableRef {
  readonly family: Family;
  readonly table: string;
  readonly range: SourceRange;
}

export type RulePosition = { readonly kind: 'position' | 'handle' | 'index'; readonly value: number; readonly range: SourceRange };

/** `range` of the declaring commands: the whole declaration, from its first word (`table`, `chain`, or the
 *  verb of `add chain …`) to its closing brace or the end of the command. */
export interface TableCmd { readonly op: 'add' | 'create'; readonly obj: 'table'; readonly ref: TableRef; readonly handle?: number; readonly flags?: readonly string[]; readonly comment?: string; readonly range?: SourceRange }
export interface ChainCmd {
  readonly op: 'add' | 'create';
  readonly obj: 'chain';
  readonly ref: TableRef;
  readonly name: string;
  readonly nameRange: SourceRange;
  readonly handle?: number;
  readonly base?: BaseChainSpec;
  readonly policyOnly?: 'accept' | 'drop';
  readonly comment?: string;
  readonly flags?: readonly string[];
  readonly range?: SourceRange;
}
export interface RuleCmd {
  readonly op: 'add' | 'insert' | 'replace' | 'create';
  readonly obj: 'rule';
  readonly ref: TableRef;
  readonly chain: string;
  readonly chainRange: SourceRange;
  readonly rule: ParsedRule;
  readonly position?: RulePosition;
  readonly anon: readonly AnonChain[];
}
export interface SetCmd { readonly op: 'add' | 'create'; readonly obj: 'set'; readonly ref: TableRef; readonly set: NamedSet; readonly nameRange: SourceRange }
export interface ElementCmd {
  readonly op: 'add' | 'create' | 'delete' | 'destroy';
  readonly obj: 'element';
  readonly ref: TableRef;
  readonly set: string;
  readonly setRange: SourceRange;
  readonly elements: readonly Expr[];
}
export interface FlowtableCmd { readonly op: 'add' | 'create'; readonly obj: 'flowtable'; readonly ref: TableRef; readonly flowtable: Flowtable; readonly nameRange: SourceRange }
export interface ObjectCmd { readonly op: 'add' | 'create'; readonly obj: 'object'; readonly ref: TableRef; readonly object: NamedObject; readonly nameRange: SourceRange }
export interface DeleteCmd {
  readonly op: 'delete' | 'destroy';
  readonly obj: 'table' | 'chain' | 'rule' | 'set' | 'flowtable' | 'object';
  readonly ref: TableRef;
  readonly name?: string;
  readonly chain?: string;
  readonly handle?: number;
  readonly objectType?: ObjectType;
  readonly range: SourceRange;
}
export interface FlushRulesetCmd { readonly op: 'flush'; readonly obj: 'ruleset'; readonly family?: Family; readonly range: SourceRange }
export interface FlushCmd { readonly op: 'flush'; readonly obj: 'table' | 'chain' | 'set'; readonly ref: TableRef; readonly name?: string; readonly range: SourceRange }
export interface ResetCmd { readonly op: 'reset'; readonly obj: 'counters' | 'quotas' | 'rules'; readonly ref?: TableRef; readonly name?: string; readonly range: SourceRange }
export interface RenameCmd { readonly op: 'rename'; readonly obj: 'chain'; readonly ref: TableRef; readonly name: string; readonly newName: string; readonly range: SourceRange }

export type Command = TableCmd | ChainCmd | RuleCmd | SetCmd | ElementCmd | FlowtableCmd | ObjectCmd | DeleteCmd | FlushRulesetCmd | FlushCmd | ResetCmd | RenameCmd;

interface RuleState {
  rule: Rule;
  handle: number;
}

interface ChainState {
  name: string;
  handle: number;
  explicitHandle?: number;
  base?: BaseChainSpec;
  comment?: string;
  flags?: readonly string[];
  rules: RuleState[];
  range?: SourceRange;
  /** Created by a declaration (not only referenced by a rule command before it). */
  declared?: boolean;
}

interface SetState {
  set: NamedSet;
  handle: number;
  elements: Expr[];
  keys: Set<string>;
}

interface TableState {
  family: Family;
  name: string;
  handle?: number;
  flags?: readonly string[];
  comment?: string;
  range?: SourceRange;
  chains: Map<string, ChainState>;
  sets: Map<string, SetState>;
  flowtables: Map<string, Flowtable>;
  objects: Map<string, NamedObject>;
  hgen: number;
  /** Referenced by commands but never created in the input: it exists in a ruleset we do not see, so
   *  missing chains, sets, objects and handles in it are warnings, not errors. */
  assumed?: boolean;
  /** Created by a declaration (`table …`, `add table …`), whose range it has. */
  declared?: boolean;
}

const tableKey = (family: Family, name: string): string => `${family} ${name}`;



export class RulesetBuilder {
  private readonly tables = new Map<string, TableState>();
  /** Where each object is first created, for forward references: `family table`, `… chain c`, `… set s`.
   *  Made on the first lookup that misses (see `creations`): a listing creates everything before use, and
   *  the keys of 100 000 chains cost a tenth of the build. */
  private created?: Map<string, number>;
  private commands: readonly Command[] = [];
  private index = 0;

  constructor(private readonly bag: DiagnosticBag) {}

  /** Applies all commands in order. */
  applyAll(commands: readonly Command[]): void {
    this.commands = commands;
    this.created = undefined;
    commands.forEach((c, i) => {
      this.index = i;
      this.apply(c);
    });
    this.checkReferences();
  }

  /** What the kernel refuses once the whole input is applied: references to sets, chains, flowtables and
   *  objects that do not exist in the rule's table, overlapping intervals in sets without auto-merge. */
  private checkReferences(): void {
    for (const t of this.tables.values()) {
      const setName = (n: string, r?: SourceRange): void => {
        if (!t.sets.has(n)) this.problem(t, M.unknownSet.code, M.unknownSet.text(n, suggestName(n, t.sets.keys())), r ?? { start: 0, end: 0 });
      };
      const visit = (e: Expr | undefined): void => {
        if (!e) return;
        switch (e.kind) {
          case 'setref':
            return setName(e.name, e.range);
          case 'map':
            visit(e.key);
            if (e.data.kind === 'setref' && t.sets.get(e.data.name)?.set.kind === 'set') {
              this.bag.error(M.typeMismatch.code, M.typeMismatch.text(`'${e.data.name}' is a set, not a map: it has no values to look up`), e.data.range ?? { start: 0, end: 0 });
            }
            return visit(e.data);
          case 'binop':
            visit(e.left);
            return visit(e.right);
          case 'concat':
          case 'list':
          case 'set':
            return e.items.forEach(visit);
          case 'mapping':
            visit(e.key);
            return visit(e.data);
          case 'verdict':
            return this.checkJump(t, e.verdict, e.range);
          default:
            return;
        }
      };
      for (const ch of t.chains.values()) {
        for (const { rule } of ch.rules) {
          for (const st of rule.stmts) this.checkStmtRefs(t, st, visit, setName);
        }
      }
      for (const s of t.sets.values()) {
        s.elements.forEach(visit);
        const interval = s.set.flags?.includes('interval') ?? false;
        if (interval && !s.set.autoMerge) {
          const bad = firstOverlap(s.elements);
          if (bad) this.bag.error(M.badSetSpec.code, M.badSetSpec.text(`element overlaps another interval of '${s.set.name}' (the set has no auto-merge)`), bad.range ?? s.set.range ?? { start: 0, end: 0 });
        }
      }
    }
  }

  /** A jump or goto must name a chain of its table. */
  private checkJump(t: TableState, verdict: Verdict, range: SourceRange | undefined): void {
    if ((verdict.kind === 'jump' || verdict.kind === 'goto') && !t.chains.has(verdict.target)) {
      this.problem(t, M.unknownChain.code, M.unknownChain.text(verdict.target, suggestName(verdict.target, t.chains.keys())), range ?? { start: 0, end: 0 });
    }
  }

  private checkStmtRefs(t: TableState, st: Stmt, visit: (e: Expr | undefined) => void, setName: (n: string, r?: SourceRange) => void): void {
    switch (st.kind) {
      case 'match':
        visit(st.left);
        return visit(st.right);
      case 'vmap':
        visit(st.key);
        return visit(st.data);
      case 'mangle':
        return visit(st.value);
      case 'nat':
        visit(st.addr);
        return visit(st.port);
      case 'verdict':
        return this.checkJump(t, st.verdict, st.range);
      case 'set':
        return setName(st.set, st.range);
      case 'flow':
        if (!t.flowtables.has(st.flowtable)) this.problem(t, M.unknownObject.code, M.unknownObject.text('flowtable', st.flowtable), st.range ?? { start: 0, end: 0 });
        return;
      case 'objref': {
        const obj = (v: Expr): void => {
          if (v.kind === 'value' && typeof v.value === 'string' && !t.objects.has(`${st.type} ${v.value}`)) {
            this.problem(t, M.unknownObject.code, M.unknownObject.text(st.type, v.value), v.range ?? st.range ?? { start: 0, end: 0 });
          }
        };
        if (st.name.kind === 'map' && st.name.data.kind === 'set') {
          for (const m of st.name.data.items) if (m.kind === 'mapping') obj(m.data);
        }
        obj(st.name);
        visit(st.name);
        return;
      }
      default:
        return;
    }
  }

  build(): Ruleset {
    const tables: Table[] = [];
    for (const t of this.tables.values()) {
      const chains: Chain[] = [];
      for (const c of t.chains.values()) chains.push(finishChain(c));
      const sets: NamedSet[] = [];
      for (const s of t.sets.values()) sets.push(finishSet(s, t.family));
      tables.push({
        kind: 'table',
        family: t.family,
        name: t.name,
        ...(t.handle !== undefined ? { handle: t.handle } : {}),
        ...(t.flags && t.flags.length ? { flags: t.flags } : {}),
        ...(t.comment !== undefined ? { comment: t.comment } : {}),
        chains,
        sets,
        flowtables: [...t.flowtables.values()],
        objects: [...t.objects.values()],
        ...(t.range ? { range: t.range } : {}),
      });
    }
    return { tables, ipvs: [] };
  }

  // ───────────── lookups with forward references ─────────────

  /** Deleting what the input never created is refused, as `nft -f` refuses it on the ruleset this input
   *  builds (even when the table itself is assumed to exist). */
  private assumedOf(_ref: TableRef): TableState | undefined {
    return undefined;
  }

  private creations(): Map<string, number> {
    return (this.created ??= collectCreations(this.commands));
  }

  private createdLater(key: string): boolean {
    const at = this.creations().get(key);
    return at !== undefined && at > this.index;
  }

  /** The key of the last table reference seen: every command of a table block shares one `TableRef`, so
   *  the key string of a 100 000-rule table is built once rather than once per rule. */
  private lastRef?: TableRef;
  private lastRefKey = '';

  private keyOf(ref: TableRef): string {
    if (ref !== this.lastRef) {
      this.lastRef = ref;
      this.lastRefKey = tableKey(ref.family, ref.table);
    }
    return this.lastRefKey;
  }

  /** The table of a command; when missing, a forward reference (created later: warning) or an error. */
  private table(ref: TableRef, create = true): TableState | undefined {
    const key = this.keyOf(ref);
    const t = this.tables.get(key);
    if (t) return t;
    if (this.createdLater(key)) {
      this.bag.warning(M.forwardReference.code, M.forwardReference.text('table', `${ref.family} ${ref.table}`), ref.range);
    } else if (!this.creations().has(key)) {
      this.bag.warning(M.assumedExisting.code, M.assumedExisting.text('table', `${ref.family} ${ref.table}`), ref.range);
      const t = this.newTable(ref.family, ref.table, ref.range);
      t.assumed = true;
      return t;
    } else {
      const names = [...this.tables.values()].map((x) => x.name);
      this.bag.error(M.unknownTable.code, M.unknownTable.text(`${ref.family} ${ref.table}`, suggestName(ref.table, names)), ref.range);
      if (!create) return undefined;
    }
    return this.newTable(ref.family, ref.table, ref.range);
  }

  /** An error, or a warning when the object lives in a table this input only assumes. */
  private problem(t: TableState | undefined, code: string, message: string, range: SourceRange): void {
    if (t?.assumed) this.bag.warning(code, message, range);
    else this.bag.error(code, message, range);
  }

  private newTable(family: Family, name: string, range?: SourceRange): TableState {
    const t: TableState = { family, name, chains: new Map(), sets: new Map(), flowtables: new Map(), objects: new Map(), hgen: 0, ...(range ? { range } : {}) };
    this.tables.set(tableKey(family, name), t);
    return t;
  }

  private chain(t: TableState, ref: TableRef, name: string, range: SourceRange): ChainState {
    const c = t.chains.get(name);
    if (c) return c;
    const key = `${tableKey(ref.family, ref.table)} chain ${name}`;
    if (this.createdLater(key)) this.bag.warning(M.forwardReference.code, M.forwardReference.text('chain', name), range);
    else if (t.assumed) this.bag.warning(M.assumedExisting.code, M.assumedExisting.text('chain', name), range);
    else this.bag.error(M.unknownChain.code, M.unknownChain.text(name, suggestName(name, t.chains.keys())), range);
    const created: ChainState = { name, handle: ++t.hgen, rules: [], range };
    t.chains.set(name, created);
    return created;
  }

  private set(t: TableState, ref: TableRef, name: string, range: SourceRange): SetState | undefined {
    const s = t.sets.get(name);
    if (s) return s;
    const key = `${tableKey(ref.family, ref.table)} set ${name}`;
    if (this.createdLater(key) || t.assumed) {
      if (t.assumed && !this.createdLater(key)) this.bag.warning(M.assumedExisting.code, M.assumedExisting.text('set', name), range);
      else this.bag.warning(M.forwardReference.code, M.forwardReference.text('set', name), range);
      const placeholder: SetState = {
        set: { kind: 'set', name, key: { kind: 'type', names: [] }, elements: [] },
        handle: ++t.hgen,
        elements: [],
        keys: new Set(),
      };
      t.sets.set(name, placeholder);
      return placeholder;
    }
    this.bag.error(M.unknownSet.code, M.unknownSet.text(name, suggestName(name, t.sets.keys())), range);
    return undefined;
  }

  // ───────────── commands ─────────────

  private apply(c: Command): void {
    switch (c.op) {
      case 'delete':
      case 'destroy':
        if (c.obj === 'element') return this.elements(c);
        return this.delete(c);
      case 'flush':
        if (c.obj === 'ruleset') return this.flushRuleset(c.family);
        if (c.obj === 'table') return this.flushTable(c.ref);
        if (c.obj === 'chain') return this.flushChain(c.ref, c.name ?? '', c.range);
        return this.flushSet(c.ref, c.name ?? '', c.range);
      case 'reset':
        return this.reset(c);
      case 'rename':
        return this.renameChain(c);
      default:
        break;
    }
    switch (c.obj) {
      case 'table':
        return this.addTable(c);
      case 'chain':
        return this.addChain(c);
      case 'rule':
        return this.addRule(c);
      case 'set':
        return this.addSet(c);
      case 'element':
        return this.elements(c);
      case 'flowtable':
        return this.addFlowtable(c);
      case 'object':
        return this.addObject(c);
    }
  }

  private delete(c: DeleteCmd): void {
    switch (c.obj) {
      case 'table':
        return this.deleteTable(c);
      case 'chain':
        return this.deleteChain(c);
      case 'rule':
        return this.deleteRule(c);
      case 'set':
        return this.deleteNamed(c, 'sets', 'set');
      case 'flowtable':
        return this.deleteNamed(c, 'flowtables', 'flowtable');
      case 'object':
        return this.deleteObject(c);
    }
  }

  private addTable(c: TableCmd): void {
    const key = tableKey(c.ref.family, c.ref.table);
    let t = this.tables.get(key);
    if (t && c.op === 'create') this.bag.error(M.alreadyExists.code, M.alreadyExists.text('table', c.ref.table), c.ref.range);
    if (!t) t = this.newTable(c.ref.family, c.ref.table, c.range ?? c.ref.range);
    // The first declaration gives the range (a table met first in another command only named it).
    else if (!t.declared && c.range) t.range = c.range;
    t.declared = true;
    if (c.handle !== undefined) t.handle = c.handle;
    if (c.flags) t.flags = c.flags;
    if (c.comment !== undefined) t.comment = c.comment;
  }

  private deleteTable(c: DeleteCmd): void {
    let key = tableKey(c.ref.family, c.ref.table);
    if (c.handle !== undefined) {
      const found = [...this.tables.entries()].find(([, t]) => t.family === c.ref.family && t.handle === c.handle);
      if (found) key = found[0];
    }
    if (!this.tables.delete(key) && c.op === 'delete') {
      this.problem(this.assumedOf(c.ref), M.unknownTable.code, M.unknownTable.text(c.handle !== undefined ? `handle ${c.handle}` : c.ref.table), c.range);
    }
  }

  private flushTable(ref: TableRef): void {
    const t = this.table(ref, false);
    if (!t) return;
    for (const ch of t.chains.values()) ch.rules = [];
    for (const s of t.sets.values()) {
      s.elements = [];
      s.keys.clear();
    }
  }

  private flushRuleset(family?: Family): void {
    for (const [k, t] of [...this.tables.entries()]) if (!family || t.family === family) this.tables.delete(k);
  }

  private addChain(c: ChainCmd): void {
    const t = this.table(c.ref);
    if (!t) return;
    let ch = t.chains.get(c.name);
    if (ch && c.op === 'create') this.bag.error(M.alreadyExists.code, M.alreadyExists.text('chain', c.name), c.nameRange);
    if (!ch) {
      ch = { name: c.name, handle: ++t.hgen, rules: [], range: c.range ?? c.nameRange };
      t.chains.set(c.name, ch);
    } else if (!ch.declared) ch.range = c.range ?? c.nameRange;
    ch.declared = true;
    if (c.handle !== undefined) {
      ch.explicitHandle = c.handle;
      t.hgen = Math.max(t.hgen, c.handle);
    }
    if (c.base) ch.base = c.base;
    else if (c.policyOnly && ch.base) ch.base = { ...ch.base, policy: c.policyOnly };
    if (c.comment !== undefined) ch.comment = c.comment;
    if (c.flags) ch.flags = c.flags;
  }

  private deleteChain(c: DeleteCmd): void {
    const t = this.tables.get(tableKey(c.ref.family, c.ref.table));
    let name = c.name;
    if (t && c.handle !== undefined) name = [...t.chains.values()].find((x) => x.explicitHandle === c.handle || x.handle === c.handle)?.name;
    if (!t || name === undefined || !t.chains.delete(name)) {
      if (c.op === 'delete') this.problem(this.assumedOf(c.ref), M.unknownChain.code, M.unknownChain.text(name ?? `handle ${c.handle}`), c.range);
    }
  }

  private flushChain(ref: TableRef, name: string, range: SourceRange): void {
    const t = this.table(ref, false);
    if (!t) return;
    const ch = t.chains.get(name);
    if (!ch) {
      this.bag.error(M.unknownChain.code, M.unknownChain.text(name, suggestName(name, t.chains.keys())), range);
      return;
    }
    ch.rules = [];
  }

  private renameChain(c: RenameCmd): void {
    const t = this.table(c.ref, false);
    const ch = t?.chains.get(c.name);
    if (!t || !ch) {
      this.bag.error(M.unknownChain.code, M.unknownChain.text(c.name), c.range);
      return;
    }
    const entries = [...t.chains.entries()].map(([k, v]) => (k === c.name ? ([c.newName, { ...v, name: c.newName }] as const) : ([k, v] as const)));
    t.chains = new Map(entries);
  }

  private addRule(c: RuleCmd): void {
    const t = this.table(c.ref);
    if (!t) return;
    const ch = this.chain(t, c.ref, c.chain, c.chainRange);
    // Anonymous sets and chain bindings take handles before the rule (as the kernel allocates them).
    t.hgen += countAnonSets(c.rule.stmts);
    for (const a of c.anon) {
      const name = a.name;
      const bound: ChainState = { name, handle: ++t.hgen, rules: [], flags: ['binding'], range: a.range };
      for (const r of a.rules) {
        t.hgen += countAnonSets(r.stmts);
        bound.rules.push({ rule: r, handle: ++t.hgen });
      }
      t.chains.set(name, bound);
    }
    const handle = c.rule.handle ?? ++t.hgen;
    if (c.rule.handle !== undefined) t.hgen = Math.max(t.hgen, c.rule.handle);
    const state: RuleState = { rule: c.rule, handle };
    const pos = c.position;
    if (c.op === 'replace') {
      const i = pos ? ch.rules.findIndex((r) => r.handle === pos.value) : -1;
      if (i < 0) {
        this.problem(t, M.unknownHandle.code, M.unknownHandle.text('rule', String(pos?.value ?? '?')), pos?.range ?? c.rule.range);
        if (t.assumed) ch.rules.push(state);
        return;
      }
      // A replaced rule keeps its handle.
      const old = ch.rules[i];
      ch.rules[i] = { rule: old?.rule.handle !== undefined ? { ...state.rule, handle: old.rule.handle } : state.rule, handle: pos?.value ?? handle };
      return;
    }
    if (!pos) {
      if (c.op === 'insert') ch.rules.unshift(state);
      else ch.rules.push(state);
      return;
    }
    let i: number;
    if (pos.kind === 'index') {
      i = pos.value;
      if (i > ch.rules.length || (c.op === 'add' && i >= ch.rules.length)) {
        this.problem(t, M.unknownHandle.code, M.unknownHandle.text('rule', `index ${pos.value}`), pos.range);
        i = ch.rules.length - (c.op === 'add' ? 1 : 0);
      }
    } else {
      i = ch.rules.findIndex((r) => r.handle === pos.value);
      if (i < 0) {
        this.problem(t, M.unknownHandle.code, M.unknownHandle.text('rule', String(pos.value)), pos.range);
        i = c.op === 'insert' ? 0 : ch.rules.length - 1;
      }
    }
    ch.rules.splice(c.op === 'insert' ? i : i + 1, 0, state);
  }

  private deleteRule(c: DeleteCmd): void {
    const t = this.tables.get(tableKey(c.ref.family, c.ref.table));
    const ch = t?.chains.get(c.chain ?? '');
    const i = ch ? ch.rules.findIndex((r) => r.handle === c.handle) : -1;
    if (!ch || i < 0) {
      if (c.op === 'delete') this.problem(this.assumedOf(c.ref), M.unknownHandle.code, M.unknownHandle.text('rule', String(c.handle)), c.range);
      return;
    }
    ch.rules.splice(i, 1);
  }

  private addSet(c: SetCmd): void {
    const t = this.table(c.ref);
    if (!t) return;
    const existing = t.sets.get(c.set.name);
    if (existing && c.op === 'create') this.bag.error(M.alreadyExists.code, M.alreadyExists.text(c.set.kind, c.set.name), c.nameRange);
    const sig = (x: NamedSet) => JSON.stringify(normalizeForCompare([x.kind, x.key, x.data ?? null]));
    if (existing && existing.set.key.kind === 'type' && existing.set.key.names.length > 0 && sig(existing.set) !== sig(c.set)) {
      this.bag.error(M.badSetSpec.code, M.badSetSpec.text(`set '${c.set.name}' already exists with another type`), c.nameRange);
    }
    const state: SetState = existing ?? { set: c.set, handle: c.set.handle ?? ++t.hgen, elements: [], keys: new Set() };
    if (existing) state.set = { ...c.set, elements: [] };
    if (c.set.handle !== undefined) t.hgen = Math.max(t.hgen, c.set.handle);
    t.sets.set(c.set.name, state);
    addElements(state, c.set.elements);
  }

  private elements(c: ElementCmd): void {
    const t = this.table(c.ref, false);
    if (!t) return;
    const s = this.set(t, c.ref, c.set, c.setRange);
    if (!s) return;
    if (c.op === 'delete' || c.op === 'destroy') {
      for (const e of c.elements) {
        const k = elementKey(e);
        if (!s.keys.has(k)) {
          if (c.op === 'delete') this.bag.error(M.unknownObject.code, M.unknownObject.text('element', JSON.stringify(normalizeForCompare(e.kind === 'mapping' ? e.key : e))), e.range ?? c.setRange);
          continue;
        }
        s.keys.delete(k);
        s.elements = s.elements.filter((x) => elementKey(x) !== k);
      }
      return;
    }
    addElements(s, c.elements, c.op === 'create' ? this.bag : undefined);
  }

  private flushSet(ref: TableRef, name: string, range: SourceRange): void {
    const t = this.table(ref, false);
    if (!t) return;
    const s = this.set(t, ref, name, range);
    if (!s) return;
    s.elements = [];
    s.keys.clear();
  }

  private deleteNamed(c: DeleteCmd, where: 'sets' | 'flowtables', what: string): void {
    const t = this.tables.get(tableKey(c.ref.family, c.ref.table));
    let name = c.name;
    if (t && c.handle !== undefined && where === 'sets') name = [...t.sets.values()].find((s) => s.handle === c.handle)?.set.name;
    if (t && c.handle !== undefined && where === 'flowtables') name = [...t.flowtables.values()].find((f) => f.handle === c.handle)?.name;
    const ok = t && name !== undefined && t[where].delete(name);
    if (!ok && c.op === 'delete') this.problem(this.assumedOf(c.ref), M.unknownObject.code, M.unknownObject.text(what, name ?? `handle ${c.handle}`), c.range);
  }

  private addFlowtable(c: FlowtableCmd): void {
    const t = this.table(c.ref);
    if (!t) return;
    if (t.flowtables.has(c.flowtable.name) && c.op === 'create') this.bag.error(M.alreadyExists.code, M.alreadyExists.text('flowtable', c.flowtable.name), c.nameRange);
    const prev = t.flowtables.get(c.flowtable.name);
    if (prev && c.flowtable.devices.length === 0) return;
    t.flowtables.set(c.flowtable.name, c.flowtable);
    if (c.flowtable.handle === undefined) t.hgen++;
  }

  private addObject(c: ObjectCmd): void {
    const t = this.table(c.ref);
    if (!t) return;
    const key = `${c.object.type} ${c.object.name}`;
    if (t.objects.has(key) && c.op === 'create') this.bag.error(M.alreadyExists.code, M.alreadyExists.text(c.object.type, c.object.name), c.nameRange);
    t.objects.set(key, c.object);
    if (c.object.handle === undefined) t.hgen++;
  }

  private deleteObject(c: DeleteCmd): void {
    const t = this.tables.get(tableKey(c.ref.family, c.ref.table));
    let key = `${c.objectType} ${c.name}`;
    if (t && c.handle !== undefined) {
      const found = [...t.objects.entries()].find(([, o]) => o.type === c.objectType && o.handle === c.handle);
      if (found) key = found[0];
    }
    if ((!t || !t.objects.delete(key)) && c.op === 'delete') {
      this.problem(this.assumedOf(c.ref), M.unknownObject.code, M.unknownObject.text(c.objectType ?? 'object', c.name ?? `handle ${c.handle}`), c.range);
    }
  }

  private reset(c: ResetCmd): void {
    for (const t of this.tables.values()) {
      if (c.ref && (t.family !== c.ref.family || t.name !== c.ref.table)) continue;
      if (c.obj === 'rules') {
        for (const ch of t.chains.values()) {
          if (c.name && ch.name !== c.name) continue;
          for (const r of ch.rules) r.rule = { ...r.rule, stmts: r.rule.stmts.map(resetStmt) };
        }
        continue;
      }
      const type = c.obj === 'counters' ? 'counter' : 'quota';
      for (const [k, o] of t.objects) {
        if (o.type !== type || (c.name && o.name !== c.name)) continue;
        t.objects.set(k, { ...o, props: type === 'counter' ? { ...o.props, packets: 0, bytes: 0 } : { ...o.props, used: 0 } });
      }
    }
  }
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** The chain as the IR holds it. Optional fields are assigned, not spread in (a spread of a conditional
 *  literal costs about ten property stores; kube-proxy tables have 100 000 chains), in the IR's key order. */
function finishChain(c: ChainState): Chain {
  const chain: Mutable<Chain> = { kind: 'chain', name: c.name } as Mutable<Chain>;
  if (c.explicitHandle !== undefined) chain.handle = c.explicitHandle;
  if (c.base) chain.base = c.base;
  chain.rules = c.rules.map((r) => r.rule);
  if (c.comment !== undefined) chain.comment = c.comment;
  if (c.flags && c.flags.length) chain.flags = c.flags;
  if (c.range) chain.range = c.range;
  return chain;
}

function resetStmt(s: Stmt): Stmt {
  if (s.kind === 'counter') return { ...s, packets: 0, bytes: 0 };
  if (s.kind === 'quota' && s.used !== undefined) {
    const { used: _u, usedUnit: _uu, ...rest } = s;
    return rest;
  }
  return s;
}

function addElements(s: SetState, elements: readonly Expr[], bag?: DiagnosticBag): void {
  for (const e of elements) {
    const k = elementKey(e);
    if (s.keys.has(k)) {
      if (bag) bag.error(M.alreadyExists.code, M.alreadyExists.text('element', JSON.stringify(normalizeForCompare(e.kind === 'mapping' ? e.key : e))), e.range ?? { start: 0, end: 0 });
      continue;
    }
    s.keys.add(k);
    s.elements.push(e);
  }
}

function keyDatatypes(set: NamedSet, family: Family): (string | undefined)[] {
  if (set.key.kind === 'type') return [...set.key.names];
  const dt = datatypeOf(set.key.expr, family);
  return dt ? dt.split(' . ') : [];
}

/** The set as nft lists it: interval elements as prefixes, elements in nft's order. */
function finishSet(s: SetState, family: Family): NamedSet {
  const interval = s.set.flags?.includes('interval') ?? false;
  let elements = interval ? s.elements.map(toIntervalElem) : s.elements;
  // A set declared with `counter` gives every element its own counter (listed with the element).
  if (s.set.stmts?.some((st) => st.kind === 'counter')) {
    elements = elements.map((e) => withCounter(e));
  }
  elements = sortElements(elements, keyDatatypes(s.set, family));
  return { ...s.set, elements };
}

function withCounter(e: Expr): Expr {
  if (e.kind === 'mapping') return { ...e, key: withCounter(e.key) };
  if (e.kind === 'elem') return e.counter ? e : { ...e, counter: { packets: 0, bytes: 0 } };
  return { kind: 'elem', value: e, counter: { packets: 0, bytes: 0 }, ...(e.range ? { range: e.range } : {}) };
}

/** Anonymous sets a rule creates (set literals used as lookups or maps), each taking a handle. */
function countAnonSets(stmts: readonly Stmt[]): number {
  let n = 0;
  for (const s of stmts) {
    switch (s.kind) {
      case 'match':
        n += anonSetsIn(s.right);
        break;
      case 'vmap':
        n += anonSetsIn(s.data);
        break;
      case 'mangle':
        n += anonSetsIn(s.value);
        break;
      case 'nat':
        n += anonSetsIn(s.addr) + anonSetsIn(s.port);
        break;
      case 'objref':
        n += anonSetsIn(s.name);
        break;
      default:
        break;
    }
  }
  return n;
}

/** Set literals in an expression (a module function, not a closure: this runs for every rule). */
function anonSetsIn(e: Expr | undefined): number {
  if (!e) return 0;
  switch (e.kind) {
    case 'set':
      return 1;
    case 'map':
      return anonSetsIn(e.key) + anonSetsIn(e.data);
    case 'binop':
      return anonSetsIn(e.left) + anonSetsIn(e.right);
    case 'concat': {
      let n = 0;
      for (const item of e.items) n += anonSetsIn(item);
      return n;
    }
    default:
      return 0;
  }
}

/** First command index creating each table/chain/set, for telling forward references from missing ones. */
function collectCreations(commands: readonly Command[]): Map<string, number> {
  const out = new Map<string, number>();
  const mark = (key: string, i: number): void => {
    if (!out.has(key)) out.set(key, i);
  };
  commands.forEach((c, i) => {
    // Rules (most commands) create nothing that is looked up here: their table key is not built.
    if ((c.op !== 'add' && c.op !== 'create') || (c.obj !== 'table' && c.obj !== 'chain' && c.obj !== 'set')) return;
    const tk = 'ref' in c && c.ref ? tableKey(c.ref.family, c.ref.table) : undefined;
    if (!tk) return;
    if (c.obj === 'table') mark(tk, i);
    if (c.obj === 'chain') mark(`${tk} chain ${c.name}`, i);
    if (c.obj === 'set') mark(`${tk} set ${c.set.name}`, i);
  });
  return out;
}
