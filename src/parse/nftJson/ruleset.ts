// The ruleset being built while nft JSON commands are applied in order: tables and what they contain, looked
// up by family + name. Owns lookup and mutation only; imports the model and compare.ts.
import type { Chain, Expr, Family, Flowtable, NamedObject, NamedSet, ObjectType, Rule, SourceRange, Table } from '../../model/ir.ts';
import { normalizeForCompare } from '../../model/compare.ts';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };
export type ChainB = Omit<Mutable<Chain>, 'rules'> & { rules: Rule[] };
export type SetB = Omit<Mutable<NamedSet>, 'elements'> & { elements: Expr[] };
export type TableB = Omit<Mutable<Table>, 'chains' | 'sets' | 'flowtables' | 'objects'> & {
  chains: ChainB[];
  sets: SetB[];
  flowtables: Flowtable[];
  objects: NamedObject[];
};

/** A table with indexes by name; the indexes stay outside the IR node, which must stay plain data. */
export class TableEntry {
  readonly chains = new Map<string, ChainB>();
  readonly sets = new Map<string, SetB>();
  constructor(readonly table: TableB) {}

  addChain(chain: ChainB): void {
    this.chains.set(chain.name, chain);
    this.table.chains.push(chain);
  }

  removeChain(chain: ChainB): void {
    this.chains.delete(chain.name);
    this.table.chains = this.table.chains.filter((c) => c !== chain);
  }

  renameChain(chain: ChainB, newname: string): void {
    this.chains.delete(chain.name);
    chain.name = newname;
    this.chains.set(newname, chain);
  }

  chainByHandle(handle: number): ChainB | undefined {
    return this.table.chains.find((c) => c.handle === handle);
  }

  addSet(set: SetB): void {
    this.sets.set(set.name, set);
    this.table.sets.push(set);
  }

  removeSet(set: SetB): void {
    this.sets.delete(set.name);
    this.table.sets = this.table.sets.filter((s) => s !== set);
  }

  findObject(type: ObjectType, name: string | undefined, handle: number | undefined): NamedObject | undefined {
    return this.table.objects.find((o) => o.type === type && (name !== undefined ? o.name === name : o.handle === handle));
  }
}

export class RulesetBuilder {
  private readonly tables = new Map<string, TableEntry>();

  static key(family: Family, name: string): string {
    return `${family}\u0000${name}`;
  }

  get(family: Family, name: string): TableEntry | undefined {
    return this.tables.get(RulesetBuilder.key(family, name));
  }

  byHandle(family: Family, handle: number): TableEntry | undefined {
    for (const t of this.tables.values()) if (t.table.family === family && t.table.handle === handle) return t;
    return undefined;
  }

  /** Adds a new, empty table. */
  create(family: Family, name: string, range?: SourceRange): TableEntry {
    const table: TableB = { kind: 'table', family, name, chains: [], sets: [], flowtables: [], objects: [] };
    if (range) table.range = range;
    const entry = new TableEntry(table);
    this.tables.set(RulesetBuilder.key(family, name), entry);
    return entry;
  }

  remove(entry: TableEntry): void {
    this.tables.delete(RulesetBuilder.key(entry.table.family, entry.table.name));
  }

  clear(): void {
    this.tables.clear();
  }

  all(): TableEntry[] {
    return [...this.tables.values()];
  }

  result(): Table[] {
    return this.all().map((e) => e.table);
  }
}

/** Identity of a set element for `delete element`: its key, ranges and options aside. */
export function elementKey(e: Expr): string {
  let k: Expr = e;
  if (k.kind === 'mapping') k = k.key;
  if (k.kind === 'elem') k = k.value;
  return JSON.stringify(normalizeForCompare(k));
}
