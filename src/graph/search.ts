// Search over the workspace for the graph: chains, sets, maps and IPVS services by name, and addresses,
// ports and other values inside set/map elements, rules and IPVS entries (`10.96.0.10` finds the map
// element, the rule, and the chain the packet is sent to). Each hit says which node to centre on and which
// aggregates to expand to show it. Pure; imports the model and this folder.
import type { Expr, IpvsService, ParsedSource, Rule, SourceRange, Table, Workspace } from '../model/ir.ts';
import { ipvsServiceLabel } from './buildGraph.ts';
import { type GraphTarget, reveal } from './locate.ts';
import { mapElementParts, referencesOf, walkExpr, walkRuleExprs } from './references.ts';
import { tableIndex } from './tableIndex.ts';
import type { GraphModel } from './types.ts';

export interface SearchHit {
  /** The object's own node id (may be hidden in an aggregate until `expand` is applied). */
  readonly nodeId: string;
  /** The node that shows it in the current model. */
  readonly visibleId: string;
  /** Aggregates to add to `options.expanded` to make `nodeId` a node. */
  readonly expand: readonly string[];
  /** name: the name matches; element: a set/map element; rule: a rule of the chain; target: the chain a
   *  matching rule or map element sends packets to; ipvs: an IPVS service or real server. */
  readonly reason: 'name' | 'element' | 'rule' | 'target' | 'ipvs';
  /** What matched, for the result list. */
  readonly text: string;
  readonly sourceId: string;
  /** Where the match is written (the element, the rule, or the object). */
  readonly range?: SourceRange;
  readonly score: number;
}

type Term = { readonly kind: 'addr'; readonly text: string; readonly addr: bigint; readonly v6: boolean } | { readonly kind: 'number'; readonly text: string; readonly value: number } | { readonly kind: 'word'; readonly text: string };

const EXACT = 50;
const CONTAINED = 20;

/** A chain that many rules jump to (`mark-for-masquerade`, `KUBE-MARK-MASQ`) is a shared helper, not
 *  "the chain that handles" a value: targets are followed only when at most this many references lead there. */
export const MAX_TARGET_REFERENCES = 4;

/** Hits for `query`, best first (at most `limit`). */
export function searchGraph(model: GraphModel, workspace: Workspace, query: string, limit = 50): SearchHit[] {
  const q = query.trim();
  if (q === '') return [];
  const matcher = new Matcher(termsOf(q));
  // Raw hits first, keyed by object; which node shows them is worked out for the best `limit` only.
  const raw = new Map<string, RawHit>();
  const add = (target: GraphTarget, reason: SearchHit['reason'], text: string, score: number, range: SourceRange | undefined): void => {
    const key = targetKey(target);
    const old = raw.get(key);
    if (old && old.score >= score) return;
    raw.set(key, { target, reason, text, score, range, order: old?.order ?? raw.size });
  };
  const lower = q.toLowerCase();
  const nameScore = (name: string): number => {
    const n = name.toLowerCase();
    return n === lower ? 100 : n.startsWith(lower) ? 80 : n.includes(lower) ? 60 : 0;
  };

  for (const source of workspace.sources) {
    for (const table of source.result.ruleset.tables) {
      const chainTarget = (name: string): GraphTarget => ({ kind: 'chain', source, table, name });
      /** Chains a matching rule or element sends packets to: target → best hit. */
      const targets = new Map<string, { score: number; text: string; range: SourceRange | undefined }>();
      const addTarget = (name: string, score: number, text: string, range: SourceRange | undefined): void => {
        const old = targets.get(name);
        if (!old || old.score < score) targets.set(name, { score, text, range });
      };
      const feeds = matcher.empty ? undefined : tableFeeds(table);
      table.chains.forEach((chain, chainIndex) => {
        const s = nameScore(chain.name);
        if (s > 0) add(chainTarget(chain.name), 'name', chain.name, s, chain.range);
        if (!feeds) return;
        const ruleFeeds = feeds.rules[chainIndex] as readonly Feed[];
        chain.rules.forEach((rule, ruleIndex) => {
          matcher.reset();
          replay(ruleFeeds[ruleIndex] as Feed, matcher);
          const score = matcher.score();
          if (score === 0) return;
          add(chainTarget(chain.name), 'rule', `${chain.name}: rule`, score, rule.range);
          for (const ref of referencesOf(rule)) {
            if (ref.kind === 'jump' || ref.kind === 'goto' || ref.kind === 'vmap') addTarget(ref.target, score - 1, `${chain.name} → ${ref.target}`, rule.range);
          }
        });
      });
      table.sets.forEach((set, setIndex) => {
        const s = nameScore(set.name);
        if (s > 0) add({ kind: 'set', source, table, name: set.name }, 'name', set.name, s, set.range);
        if (!feeds) return;
        const elementFeeds = feeds.elements[setIndex] as readonly Feed[];
        set.elements.forEach((element, elementIndex) => {
          matcher.reset();
          replay(elementFeeds[elementIndex] as Feed, matcher);
          const score = matcher.score();
          if (score === 0) return;
          add({ kind: 'set', source, table, name: set.name }, 'element', `${set.name}: element`, score, element.range ?? set.range);
          const { data } = mapElementParts(element);
          if (data?.kind === 'verdict' && (data.verdict.kind === 'jump' || data.verdict.kind === 'goto')) addTarget(data.verdict.target, score - 1, `@${set.name} → ${data.verdict.target}`, element.range);
        });
      });
      if (targets.size > 0) {
        const incoming = countReferences(table, new Set(targets.keys()));
        for (const [name, hit] of targets) {
          if (tableIndex(table).chainIndexByName.has(name) && (incoming.get(name) ?? 0) <= MAX_TARGET_REFERENCES) add(chainTarget(name), 'target', hit.text, hit.score, hit.range);
        }
      }
      for (const ft of table.flowtables) {
        const s = nameScore(ft.name);
        if (s > 0) add({ kind: 'flowtable', source, table, name: ft.name }, 'name', ft.name, s, ft.range);
      }
    }
    for (const service of source.result.ruleset.ipvs) searchIpvs(source, service, matcher, nameScore, add);
  }
  return [...raw.values()]
    .sort((a, b) => b.score - a.score || a.order - b.order)
    .slice(0, limit)
    .map((hit) => ({ ...reveal(model, workspace, hit.target), reason: hit.reason, text: hit.text, sourceId: hit.target.source.source.id, score: hit.score, ...(hit.range ? { range: hit.range } : {}) }));
}

/** How many jumps, gotos and verdict-map branches of a table lead to each of `names`. */
function countReferences(table: Table, names: ReadonlySet<string>): Map<string, number> {
  const counts = new Map<string, number>();
  const bump = (name: string): void => {
    if (names.has(name)) counts.set(name, (counts.get(name) ?? 0) + 1);
  };
  const onVerdict = (e: Expr): void => {
    if (e.kind === 'verdict' && (e.verdict.kind === 'jump' || e.verdict.kind === 'goto')) bump(e.verdict.target);
  };
  for (const chain of table.chains) {
    for (const rule of chain.rules) {
      for (const stmt of rule.stmts) {
        if (stmt.kind === 'verdict') {
          if (stmt.verdict.kind === 'jump' || stmt.verdict.kind === 'goto') bump(stmt.verdict.target);
        } else if (stmt.kind === 'vmap') walkExpr(stmt.data, onVerdict);
      }
    }
  }
  for (const set of table.sets) for (const element of set.elements) walkExpr(element, onVerdict);
  return counts;
}

interface RawHit {
  readonly target: GraphTarget;
  readonly reason: SearchHit['reason'];
  readonly text: string;
  readonly score: number;
  readonly range: SourceRange | undefined;
  readonly order: number;
}

function targetKey(t: GraphTarget): string {
  const sid = t.source.source.id;
  switch (t.kind) {
    case 'chain':
    case 'set':
    case 'flowtable':
      return `${t.kind}\n${sid}\n${t.table.family}\n${t.table.name}\n${t.name}`;
    case 'ipvs-service':
      return `svc\n${sid}\n${ipvsServiceLabel(t.service)}`;
    case 'ipvs-real':
      return `real\n${sid}\n${t.addrPort}`;
  }
}

function searchIpvs(source: ParsedSource, service: IpvsService, matcher: Matcher, nameScore: (name: string) => number, add: (target: GraphTarget, reason: SearchHit['reason'], text: string, score: number, range: SourceRange | undefined) => void): void {
  const label = ipvsServiceLabel(service);
  const target: GraphTarget = { kind: 'ipvs-service', source, service };
  const byName = nameScore(label);
  if (byName > 0) add(target, 'ipvs', label, byName, service.range);
  if (matcher.empty) return;
  matcher.reset();
  if (service.addr !== undefined) matcher.text(service.addr);
  if (service.port !== undefined) matcher.text(String(service.port));
  if (service.fwmark !== undefined) matcher.text(String(service.fwmark));
  matcher.text(service.protocol);
  const score = matcher.score();
  if (score > 0) add(target, 'ipvs', label, score, service.range);
  for (const real of service.reals) {
    matcher.reset();
    matcher.text(real.addr);
    matcher.text(String(real.port));
    const realScore = matcher.score();
    const addrPort = real.addr.includes(':') ? `[${real.addr}]:${real.port}` : `${real.addr}:${real.port}`;
    if (realScore > 0) add({ kind: 'ipvs-real', source, service, addrPort }, 'ipvs', `${label} → ${addrPort}`, realScore, real.range);
  }
}

// ───────────── what each rule and element offers the matcher, recorded once ─────────────

/** Where matched values go: the matcher, or a recorder that keeps the calls for later queries. */
interface ValueSink {
  text(raw: string): void;
  net(addr: bigint, len: number, v6: boolean): void;
  span(from: bigint, to: bigint, v6: boolean | 'number'): void;
}

/** The calls one rule or element makes on the matcher, in order: a string is `text`, the rest `net`/`span`. */
type FeedOp = string | { readonly net: bigint; readonly len: number; readonly v6: boolean } | { readonly from: bigint; readonly to: bigint; readonly v6: boolean | 'number' };
type Feed = readonly FeedOp[];

interface TableFeeds {
  /** Per chain, per rule. */
  readonly rules: readonly (readonly Feed[])[];
  /** Per set, per element. */
  readonly elements: readonly (readonly Feed[])[];
}

class FeedRecorder implements ValueSink {
  ops: FeedOp[] = [];
  text(raw: string): void {
    this.ops.push(raw);
  }
  net(addr: bigint, len: number, v6: boolean): void {
    this.ops.push({ net: addr, len, v6 });
  }
  span(from: bigint, to: bigint, v6: boolean | 'number'): void {
    this.ops.push({ from, to, v6 });
  }
  take(): Feed {
    const ops = this.ops;
    this.ops = [];
    return ops;
  }
}

/**
 * Every rule's and element's values as matcher calls, recorded on the first search of a table and kept
 * while the table lives: a search then replays flat lists instead of walking 263 000 rules' expression
 * trees again (the recording is exactly what the walk would have fed, so the scores are the same).
 */
const feedCache = new WeakMap<Table, TableFeeds>();

function tableFeeds(table: Table): TableFeeds {
  let feeds = feedCache.get(table);
  if (feeds) return feeds;
  const recorder = new FeedRecorder();
  const feed = (e: Expr): void => feedExpr(e, recorder);
  const rules = table.chains.map((chain) =>
    chain.rules.map((rule) => {
      walkRuleExprs(rule, feed);
      if (rule.comment) recorder.text(rule.comment);
      feedArgs(rule, recorder);
      return recorder.take();
    }),
  );
  const elements = table.sets.map((set) =>
    set.elements.map((element) => {
      walkExpr(element, feed);
      return recorder.take();
    }),
  );
  feedCache.set(table, (feeds = { rules, elements }));
  return feeds;
}

function replay(feed: Feed, m: ValueSink): void {
  for (const op of feed) {
    if (typeof op === 'string') m.text(op);
    else if ('net' in op) m.net(op.net, op.len, op.v6);
    else m.span(op.from, op.to, op.v6);
  }
}

// ───────────── matching values ─────────────

/** Query → terms: whitespace-separated, `a.b.c.d:port` split in two, nft's ` . ` concatenation dropped. */
function termsOf(query: string): Term[] {
  const out: Term[] = [];
  for (const raw of query.split(/[\s,]+/)) {
    if (raw === '' || raw === '.' || raw === ':') continue;
    const v4port = /^(\d+\.\d+\.\d+\.\d+):(\d+)$/.exec(raw);
    const v6port = /^\[([0-9a-fA-F:.]+)\]:(\d+)$/.exec(raw);
    const parts = v4port ? [v4port[1] as string, v4port[2] as string] : v6port ? [v6port[1] as string, v6port[2] as string] : [raw];
    for (const p of parts) {
      const addr = parseAddr(p);
      if (addr) out.push({ kind: 'addr', text: p.toLowerCase(), ...addr });
      else if (/^\d+$/.test(p)) out.push({ kind: 'number', text: p, value: Number(p) });
      else out.push({ kind: 'word', text: p.toLowerCase() });
    }
  }
  return out;
}

/** Scores the values of one element or rule against every term: each term keeps its best match; the
 *  whole scores the weakest term (all terms must match: exact 50, containment 20). */
class Matcher implements ValueSink {
  private readonly best: number[];

  constructor(private readonly terms: readonly Term[]) {
    this.best = terms.map(() => 0);
  }

  get empty(): boolean {
    return this.terms.length === 0;
  }

  reset(): void {
    this.best.fill(0);
  }

  score(): number {
    let score = EXACT;
    for (const b of this.best) score = Math.min(score, b);
    return this.terms.length === 0 ? 0 : score;
  }

  private offer(i: number, score: number): void {
    if (score > (this.best[i] as number)) this.best[i] = score;
  }

  /** A value as written; a CIDR string (`10.96.0.10/32`, as ipset and iptables write it) is a network. */
  text(raw: string): void {
    const slash = raw.indexOf('/');
    if (slash > 0) {
      const a = parseAddr(raw.slice(0, slash));
      const len = Number(raw.slice(slash + 1));
      if (a && Number.isInteger(len)) return this.net(a.addr, len, a.v6);
    }
    const t = raw.toLowerCase();
    for (let i = 0; i < this.terms.length; i++) {
      if ((this.best[i] as number) === EXACT) continue;
      const term = this.terms[i] as Term;
      if (t === term.text) this.best[i] = EXACT;
      else if (term.kind === 'addr') {
        if (term.v6 && t.includes(':')) {
          const a = parseAddr(t);
          if (a && a.v6 && a.addr === term.addr) this.best[i] = EXACT;
        }
      } else if (term.kind === 'number') {
        // `053`, `0x35` and the like: compare as numbers only when the text is all digits.
        if (t.length > 1 && t.length < 16 && t.charCodeAt(0) === 48 && /^\d+$/.test(t) && Number(t) === term.value) this.best[i] = EXACT;
      } else if (term.text.length >= 3 && t.includes(term.text)) this.offer(i, CONTAINED);
    }
  }

  net(addr: bigint, len: number, v6: boolean): void {
    const bits = v6 ? 128 : 32;
    const shift = BigInt(bits - Math.max(0, Math.min(bits, len)));
    this.terms.forEach((term, i) => {
      if (term.kind === 'addr' && term.v6 === v6 && term.addr >> shift === addr >> shift) this.offer(i, len >= bits ? EXACT : CONTAINED);
    });
  }

  span(from: bigint, to: bigint, v6: boolean | 'number'): void {
    this.terms.forEach((term, i) => {
      if (term.kind === 'addr' && term.v6 === v6 && term.addr >= from && term.addr <= to) this.offer(i, CONTAINED);
      else if (term.kind === 'number' && v6 === 'number' && BigInt(term.value) >= from && BigInt(term.value) <= to) this.offer(i, CONTAINED);
    });
  }
}

/** iptables rules: their arguments as written (`-d 10.96.0.10/32`, `--to-destination 10.244.1.5:8080`).
 *  Option names and words without digits are skipped (names are found by the name search). */
function feedArgs(rule: Rule, m: ValueSink): void {
  const args = rule.xt?.args;
  if (!args) return;
  for (const arg of args) {
    if (arg.charCodeAt(0) === 45 || !/\d/.test(arg)) continue;
    const pieces = arg.includes(',') ? arg.split(',') : [arg];
    for (const raw of pieces) {
      const piece = raw.startsWith('[') ? raw.replace(/^\[|\]$/g, '') : raw;
      m.text(piece);
      if (!piece.includes(':')) continue;
      const hp = /^(\d+\.\d+\.\d+\.\d+)(?:-[\d.]+)?:(\d+)(?:-\d+)?$/.exec(piece);
      if (hp) {
        m.text(hp[1] as string);
        m.text(hp[2] as string);
      }
    }
  }
}

function feedExpr(e: Expr, m: ValueSink): void {
  switch (e.kind) {
    case 'value':
      m.text(String(e.value));
      return;
    case 'prefix':
      if (e.expr.kind === 'value') {
        const a = parseAddr(String(e.expr.value));
        if (a) m.net(a.addr, e.len, a.v6);
      }
      return;
    case 'range':
      if (e.from.kind === 'value' && e.to.kind === 'value') {
        const from = parseAddr(String(e.from.value));
        const to = parseAddr(String(e.to.value));
        if (from && to && from.v6 === to.v6) m.span(from.addr, to.addr, from.v6);
        else if (typeof e.from.value === 'number' && typeof e.to.value === 'number') m.span(BigInt(e.from.value), BigInt(e.to.value), 'number');
      }
      return;
    case 'elem':
      if (e.comment) m.text(e.comment);
      return;
    default:
      return;
  }
}

const addrCache = new Map<string, { addr: bigint; v6: boolean } | undefined>();

/** IPv4 dotted quad or IPv6 text → number (memoised: dumps repeat the same addresses). */
export function parseAddr(text: string): { addr: bigint; v6: boolean } | undefined {
  if (addrCache.has(text)) return addrCache.get(text);
  const parsed = parseAddrText(text);
  if (addrCache.size > 100_000) addrCache.clear();
  addrCache.set(text, parsed);
  return parsed;
}

function parseAddrText(text: string): { addr: bigint; v6: boolean } | undefined {
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (v4) {
    const parts = v4.slice(1).map(Number);
    if (parts.some((p) => p > 255)) return undefined;
    return { addr: BigInt(parts.reduce((n, p) => n * 256 + p, 0)), v6: false };
  }
  if (!text.includes(':') || !/^[0-9a-fA-F:.]+$/.test(text)) return undefined;
  const [head = '', tail, extra] = text.split('::');
  if (extra !== undefined) return undefined;
  const groups = (s: string): number[] | undefined => {
    if (s === '') return [];
    const out: number[] = [];
    for (const g of s.split(':')) {
      if (g.includes('.')) {
        const v4tail = parseAddr(g);
        if (!v4tail || v4tail.v6) return undefined;
        out.push(Number(v4tail.addr >> 16n), Number(v4tail.addr & 0xffffn));
      } else if (/^[0-9a-fA-F]{1,4}$/.test(g)) out.push(parseInt(g, 16));
      else return undefined;
    }
    return out;
  };
  const h = groups(head);
  const t = tail === undefined ? [] : groups(tail);
  if (!h || !t) return undefined;
  const fill = tail === undefined ? 0 : 8 - h.length - t.length;
  if (fill < 0 || (tail === undefined && h.length !== 8)) return undefined;
  const all = [...h, ...Array<number>(fill).fill(0), ...t];
  return { addr: all.reduce((n, g) => (n << 16n) | BigInt(g), 0n), v6: true };
}
