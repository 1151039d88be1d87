// Applies nft JSON commands (`add`, `create`, `insert`, `replace`, `delete`, `destroy`, `flush`, `rename`;
// a bare ruleset element is an implicit `add`, as parser_json.c json_parse_cmd does) to the ruleset builder.
// Owns command semantics only; imports the model, reader, objects.ts and ruleset.ts.
import type { ObjectType, OpaqueItem, Rule } from '../../model/ir.ts';
import type { JsonNode } from './jsonTree.ts';
import type { Props, Reader } from './reader.ts';
import { OBJECT_TYPES, ObjectMapper, type TableRef } from './objects.ts';
import { elementKey, type ChainB, type RulesetBuilder, type TableEntry } from './ruleset.ts';

export const COMMANDS = ['add', 'create', 'insert', 'replace', 'delete', 'destroy', 'flush', 'rename', 'list', 'reset'] as const;
export type Command = (typeof COMMANDS)[number];

const TABLE_KEYS = ['family', 'name', 'handle', 'flags', 'comment'];
const CHAIN_KEYS = ['family', 'table', 'name', 'newname', 'handle', 'type', 'hook', 'prio', 'dev', 'policy', 'comment', 'flags'];
const RULE_KEYS = ['family', 'table', 'chain', 'expr', 'handle', 'index', 'comment'];
const SET_KEYS = ['family', 'table', 'name', 'handle', 'type', 'map', 'policy', 'flags', 'elem', 'timeout', 'gc-interval', 'size', 'auto-merge', 'comment', 'stmt'];
const ELEMENT_KEYS = ['family', 'table', 'name', 'elem'];
const FLOWTABLE_KEYS = ['family', 'table', 'name', 'handle', 'hook', 'prio', 'dev', 'flags'];
/** Ruleset element types (`list` also takes plural forms, which change nothing). */
export const ELEMENT_TYPES = ['table', 'chain', 'rule', 'set', 'map', 'element', 'flowtable', ...OBJECT_TYPES];

export class CommandApplier {
  /** Unknown top-level objects, kept verbatim (IR `Ruleset.opaque`). */
  readonly opaque: OpaqueItem[] = [];

  constructor(
    private readonly r: Reader,
    private readonly o: ObjectMapper,
    private readonly b: RulesetBuilder,
  ) {}

  /** One command; `body` is `{"<type>": {…}}`. `implicit` marks a bare list-output element, whose rule
   *  `handle` is the rule's own handle rather than a position. */
  apply(cmd: Command, body: JsonNode, implicit = false): void {
    const m = this.r.single(body, `the object of '${cmd}' ({"table": …}, {"rule": …}, …)`);
    if (!m) return;
    const type = m.key;
    const v = m.value;
    const at = body;
    if (cmd === 'list' || cmd === 'reset') {
      this.r.report('commandIgnored', at, cmd);
      return;
    }
    if (type === 'ruleset' && cmd === 'flush') {
      this.b.clear();
      return;
    }
    if (type === 'meter' && cmd === 'flush') {
      this.flushSet(v, at);
      return;
    }
    if (!ELEMENT_TYPES.includes(type)) {
      this.r.report('unknownObject', { start: m.keyStart, end: m.keyEnd }, cmd === 'add' && implicit ? type : `${cmd} ${type}`);
      this.opaque.push({ text: this.r.source(at), range: this.r.range(at) });
      return;
    }
    switch (cmd) {
      case 'add':
      case 'create':
        return this.add(type, v, at, cmd === 'create', implicit);
      case 'insert':
      case 'replace':
        if (type !== 'rule') return void this.r.report('badValue', at, 'command', `${cmd} ${type}`, `: only rules can be ${cmd === 'insert' ? 'inserted' : 'replaced'}`);
        return this.rule(v, at, cmd, false);
      case 'delete':
      case 'destroy':
        return this.remove(type, v, at, cmd === 'destroy');
      case 'flush':
        return this.flush(type, v, at);
      case 'rename':
        return this.rename(type, v, at);
    }
  }

  private add(type: string, v: JsonNode, at: JsonNode, create: boolean, implicit: boolean): void {
    switch (type) {
      case 'table':
        return this.addTable(v, at, create);
      case 'chain':
        return this.addChain(v, at, create);
      case 'rule':
        return this.rule(v, at, 'add', implicit);
      case 'set':
      case 'map':
        return this.addSet(type, v, at, create);
      case 'element':
        return this.addElements(v);
      case 'flowtable':
        return this.addFlowtable(v, at, create);
      default:
        return this.addObject(type as ObjectType, v, at, create);
    }
  }

  private addTable(v: JsonNode, at: JsonNode, create: boolean): void {
    const p = this.o.props(v, 'table', TABLE_KEYS);
    if (!p) return;
    const family = this.o.family(p);
    const name = p.str('name', true);
    if (!family || name === undefined) return;
    const fields = this.o.tableFields(p);
    let entry = this.b.get(family, name);
    if (entry && create) this.r.report('alreadyExists', at, `table ${family} ${name}`);
    if (!entry) entry = this.b.create(family, name, this.r.range(at));
    Object.assign(entry.table, fields);
  }

  /** The table of an object, created with a warning when the document never declared it. */
  private table(ref: TableRef, at: JsonNode): TableEntry {
    const found = this.b.get(ref.family, ref.table);
    if (found) return found;
    this.r.report('implicitTable', at, `${ref.family} ${ref.table}`);
    return this.b.create(ref.family, ref.table);
  }

  private addChain(v: JsonNode, at: JsonNode, create: boolean): void {
    const p = this.o.props(v, 'chain', CHAIN_KEYS);
    const ref = p && this.o.tableRef(p);
    if (!p || !ref) return;
    const chain = this.o.chain(p, ref.family, at);
    if (!chain) return;
    const t = this.table(ref, at);
    const existing = t.chains.get(chain.name);
    if (!existing) return t.addChain(chain);
    if (create) this.r.report('alreadyExists', at, `chain ${chain.name} in table ${ref.family} ${ref.table}`);
    // `add chain` on an existing chain updates what it states (e.g. the policy) and keeps the rules.
    for (const k of ['base', 'comment', 'flags', 'handle'] as const) if (chain[k] !== undefined) (existing as Record<string, unknown>)[k] = chain[k];
  }

  private chain(t: TableEntry, name: string, at: JsonNode): ChainB {
    const found = t.chains.get(name);
    if (found) return found;
    this.r.report('implicitChain', at, name, `${t.table.family} ${t.table.name}`);
    const chain: ChainB = { kind: 'chain', name, rules: [] };
    t.addChain(chain);
    return chain;
  }

  /** add / insert / replace rule. Positions follow libnftables-json(5): `handle` or `index` name the rule
   *  after which `add` appends and before which `insert` inserts; `replace` needs `handle`. */
  private rule(v: JsonNode, at: JsonNode, cmd: 'add' | 'insert' | 'replace', implicit: boolean): void {
    const p = this.o.props(v, 'rule', RULE_KEYS);
    const ref = p && this.o.tableRef(p);
    const chainName = p?.str('chain', true);
    if (!p || !ref || chainName === undefined) return;
    const rule = this.o.rule(p, ref.family, at, true);
    const c = this.chain(this.table(ref, at), chainName, at);
    if (implicit) {
      c.rules.push(rule);
      return;
    }
    const { handle: position, ...withoutHandle } = rule;
    const fresh: Rule = withoutHandle;
    const index = p.int('index');
    let anchor = -1;
    if (position !== undefined) {
      anchor = c.rules.findIndex((x) => x.handle === position);
      if (anchor < 0) this.r.report('notFound', p.rangeOf('handle'), `rule with handle ${position} in chain ${chainName}`);
    } else if (index !== undefined) {
      anchor = index < c.rules.length ? index : -1;
      if (anchor < 0) this.r.report('notFound', p.rangeOf('index'), `rule at index ${index} in chain ${chainName}`);
    }
    if (cmd === 'replace') {
      if (position === undefined) p.need('handle');
      // The replacement takes the place, and (for display) the handle, of the rule it replaces.
      if (anchor >= 0) c.rules[anchor] = { ...fresh, handle: position } as Rule;
      return;
    }
    if (anchor < 0) {
      if (cmd === 'add') c.rules.push(fresh);
      else c.rules.unshift(fresh);
    } else {
      c.rules.splice(cmd === 'add' ? anchor + 1 : anchor, 0, fresh);
    }
  }

  private addSet(type: 'set' | 'map', v: JsonNode, at: JsonNode, create: boolean): void {
    const p = this.o.props(v, type, SET_KEYS);
    const ref = p && this.o.tableRef(p);
    if (!p || !ref) return;
    const set = this.o.set(type, p, at);
    if (!set) return;
    const t = this.table(ref, at);
    const existing = t.sets.get(set.name);
    if (!existing) return t.addSet(set);
    if (create) this.r.report('alreadyExists', at, `${type} ${set.name} in table ${ref.family} ${ref.table}`);
    existing.elements.push(...set.elements);
  }

  private addElements(v: JsonNode): void {
    const p = this.o.props(v, 'element', ELEMENT_KEYS);
    const ref = p && this.o.tableRef(p);
    const name = p?.str('name', true);
    const elem = p?.need('elem');
    if (!p || !ref || name === undefined || !elem) return;
    const set = this.b.get(ref.family, ref.table)?.sets.get(name);
    if (!set) return void this.r.report('noSuchSet', p.rangeOf('name'), name, `${ref.family} ${ref.table}`);
    set.elements.push(...this.o.elements(elem, set.kind === 'map'));
  }

  private addFlowtable(v: JsonNode, at: JsonNode, create: boolean): void {
    const p = this.o.props(v, 'flowtable', FLOWTABLE_KEYS);
    const ref = p && this.o.tableRef(p);
    if (!p || !ref) return;
    const ft = this.o.flowtable(p, at, ref.family);
    if (!ft) return;
    const t = this.table(ref, at);
    const i = t.table.flowtables.findIndex((f) => f.name === ft.name);
    if (i < 0) t.table.flowtables.push(ft);
    else if (create) this.r.report('alreadyExists', at, `flowtable ${ft.name}`);
    else t.table.flowtables[i] = ft;
  }

  private addObject(type: ObjectType, v: JsonNode, at: JsonNode, create: boolean): void {
    const p = this.o.props(v, type, ObjectMapper.knownObjectKeys(type));
    const ref = p && this.o.tableRef(p);
    if (!p || !ref || v.kind !== 'object') return;
    const obj = this.o.object(type, p, v, at);
    if (!obj) return;
    const t = this.table(ref, at);
    const i = t.table.objects.findIndex((x) => x.type === type && x.name === obj.name);
    if (i < 0) t.table.objects.push(obj);
    else if (create) this.r.report('alreadyExists', at, `${type} ${obj.name}`);
    else t.table.objects[i] = obj;
  }

  // ── delete / destroy ──

  private remove(type: string, v: JsonNode, at: JsonNode, quiet: boolean): void {
    const known = type === 'table' ? TABLE_KEYS : type === 'chain' ? CHAIN_KEYS : type === 'rule' ? RULE_KEYS : type === 'set' || type === 'map' ? SET_KEYS : type === 'element' ? ELEMENT_KEYS : type === 'flowtable' ? FLOWTABLE_KEYS : ObjectMapper.knownObjectKeys(type as ObjectType);
    const p = this.o.props(v, type, known);
    if (!p) return;
    const missing = (what: string) => {
      if (!quiet) this.r.report('notFound', at, what);
    };
    if (type === 'table') {
      const family = this.o.family(p);
      const { name, handle } = this.ident(p);
      if (!family) return;
      const t = name !== undefined ? this.b.get(family, name) : handle !== undefined ? this.b.byHandle(family, handle) : undefined;
      return t ? this.b.remove(t) : missing(`table ${family} ${name ?? `handle ${handle}`}`);
    }
    const ref = this.o.tableRef(p);
    if (!ref) return;
    const t = this.b.get(ref.family, ref.table);
    if (!t) return missing(`table ${ref.family} ${ref.table}`);
    const where = `in table ${ref.family} ${ref.table}`;
    const { name, handle } = this.ident(p);
    switch (type) {
      case 'chain': {
        const c = name !== undefined ? t.chains.get(name) : handle !== undefined ? t.chainByHandle(handle) : undefined;
        return c ? t.removeChain(c) : missing(`chain ${name ?? `handle ${handle}`} ${where}`);
      }
      case 'rule': {
        const chainName = p.str('chain', true);
        const h = p.int('handle', true);
        const c = chainName !== undefined ? t.chains.get(chainName) : undefined;
        if (!c || h === undefined) return chainName !== undefined && !c ? missing(`chain ${chainName} ${where}`) : undefined;
        const i = c.rules.findIndex((x) => x.handle === h);
        if (i < 0) return missing(`rule with handle ${h} in chain ${chainName}`);
        c.rules.splice(i, 1);
        return;
      }
      case 'set':
      case 'map': {
        const s = name !== undefined ? t.sets.get(name) : t.table.sets.find((x) => x.handle === handle);
        return s ? t.removeSet(s) : missing(`${type} ${name ?? `handle ${handle}`} ${where}`);
      }
      case 'element': {
        const s = name !== undefined ? t.sets.get(name) : undefined;
        const elem = p.need('elem');
        if (!s) return name !== undefined ? void this.r.report('noSuchSet', p.rangeOf('name'), name, `${ref.family} ${ref.table}`) : undefined;
        if (!elem) return;
        const gone = new Set(this.o.elements(elem, false).map(elementKey));
        s.elements = s.elements.filter((e) => !gone.has(elementKey(e)));
        return;
      }
      case 'flowtable': {
        const i = t.table.flowtables.findIndex((f) => (name !== undefined ? f.name === name : f.handle === handle));
        if (i < 0) return missing(`flowtable ${name ?? `handle ${handle}`} ${where}`);
        t.table.flowtables.splice(i, 1);
        return;
      }
      default: {
        const obj = t.findObject(type as ObjectType, name, handle);
        if (!obj) return missing(`${type} ${name ?? `handle ${handle}`} ${where}`);
        t.table.objects = t.table.objects.filter((x) => x !== obj);
      }
    }
  }

  private ident(p: Props): { name?: string; handle?: number } {
    const name = p.str('name');
    const handle = p.int('handle');
    if (name === undefined && handle === undefined) p.need('name');
    return { ...(name !== undefined ? { name } : {}), ...(handle !== undefined ? { handle } : {}) };
  }

  // ── flush / rename ──

  private flush(type: string, v: JsonNode, at: JsonNode): void {
    if (type === 'set' || type === 'map') return this.flushSet(v, at);
    const p = this.o.props(v, type, type === 'table' ? TABLE_KEYS : CHAIN_KEYS);
    if (!p) return;
    if (type === 'table') {
      const family = this.o.family(p);
      const name = p.str('name', true);
      const t = family && name !== undefined ? this.b.get(family, name) : undefined;
      if (!t) return family && name !== undefined ? this.r.report('notFound', at, `table ${family} ${name}`) : undefined;
      // `flush table` deletes the rules of every chain (nftables src/rule.c do_command_flush).
      for (const c of t.table.chains) c.rules = [];
      return;
    }
    if (type === 'chain') {
      const ref = this.o.tableRef(p);
      const name = p.str('name', true);
      const c = ref && name !== undefined ? this.b.get(ref.family, ref.table)?.chains.get(name) : undefined;
      if (!c) return ref && name !== undefined ? this.r.report('notFound', at, `chain ${name} in table ${ref.family} ${ref.table}`) : undefined;
      c.rules = [];
      return;
    }
    this.r.report('badValue', at, 'command', `flush ${type}`, ': only the ruleset, tables, chains, sets, maps and meters can be flushed');
  }

  private flushSet(v: JsonNode, at: JsonNode): void {
    const p = this.o.props(v, 'set', SET_KEYS);
    const ref = p && this.o.tableRef(p);
    const name = p?.str('name', true);
    if (!p || !ref || name === undefined) return;
    const s = this.b.get(ref.family, ref.table)?.sets.get(name);
    if (!s) return this.r.report('noSuchSet', at, name, `${ref.family} ${ref.table}`);
    s.elements = [];
  }

  private rename(type: string, v: JsonNode, at: JsonNode): void {
    if (type !== 'chain') return this.r.report('badValue', at, 'command', `rename ${type}`, ': only chains can be renamed');
    const p = this.o.props(v, 'chain', CHAIN_KEYS);
    const ref = p && this.o.tableRef(p);
    const name = p?.str('name', true);
    const newname = p?.str('newname', true);
    if (!p || !ref || name === undefined || newname === undefined) return;
    const t = this.b.get(ref.family, ref.table);
    const c = t?.chains.get(name);
    if (!t || !c) return this.r.report('notFound', at, `chain ${name} in table ${ref.family} ${ref.table}`);
    t.renameChain(c, newname);
  }
}

export function isCommand(key: string): key is Command {
  return (COMMANDS as readonly string[]).includes(key);
}
