// Reads what the kernel holds after a load (`nft -a list ruleset` text + `nft -j list ruleset`) into chains with
// their hooks and rule texts by handle; pure, imports only the oracle's types.
import type { Hook, ListedChain, ListedRuleset } from './traceTypes.ts';

const HOOKS: ReadonlySet<string> = new Set(['prerouting', 'input', 'forward', 'output', 'postrouting', 'ingress', 'egress']);

/** Chains from `nft -j list ruleset` (hook, type, priority as a number, policy), rules from the `-a` text. */
export function readListing(text: string, jsonText: string): ListedRuleset {
  const json: unknown = jsonText.trim() ? JSON.parse(jsonText) : { nftables: [] };
  const chains: ListedChain[] = [];
  const byKey = new Map<string, ListedChain>();
  const items = (json as { nftables?: unknown[] }).nftables ?? [];
  for (const item of items) {
    const c = (item as { chain?: Record<string, unknown> }).chain;
    if (!c) continue;
    const hook = typeof c.hook === 'string' && HOOKS.has(c.hook) ? (c.hook as Hook) : undefined;
    const chain: ListedChain = {
      family: String(c.family),
      table: String(c.table),
      name: String(c.name),
      handle: Number(c.handle),
      rules: [],
      ...(typeof c.type === 'string' ? { type: c.type } : {}),
      ...(hook ? { hook } : {}),
      ...(typeof c.prio === 'number' ? { prio: c.prio } : {}),
      ...(typeof c.policy === 'string' ? { policy: c.policy } : {}),
    };
    chains.push(chain);
    byKey.set(chainKey(chain.family, chain.table, chain.name), chain);
  }
  for (const r of readRuleTexts(text)) {
    const chain = byKey.get(chainKey(r.family, r.table, r.chain));
    if (chain) chain.rules.push({ handle: r.handle, text: r.text });
  }
  return { text, json, chains };
}

export function chainKey(family: string, table: string, chain: string): string {
  return `${family} ${table} ${chain}`;
}

interface RuleText {
  family: string;
  table: string;
  chain: string;
  handle: number;
  text: string;
}

/** Rule lines of `nft -a list ruleset`: one line each, directly inside a `chain NAME {` block, ending in
 * `# handle N` (nft prints rules on one line; only set/map element lists span lines). */
export function readRuleTexts(text: string): RuleText[] {
  const out: RuleText[] = [];
  let depth = 0;
  let family = '';
  let table = '';
  let chain: string | undefined;
  let chainDepth = -1;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    const opens = countBraces(line, '{');
    const closes = countBraces(line, '}');
    const table_ = /^table (\S+) (\S+) \{/.exec(line);
    const chain_ = /^chain (\S+) \{/.exec(line);
    if (depth === 0 && table_) {
      family = table_[1]!;
      table = unquote(table_[2]!);
    } else if (depth === 1 && chain_) {
      chain = unquote(chain_[1]!);
      chainDepth = depth + 1;
    } else if (chain !== undefined && depth === chainDepth) {
      const m = /^(.*?)\s*# handle (\d+)$/.exec(line);
      if (m && !/^(type|policy) /.test(line)) out.push({ family, table, chain, handle: Number(m[2]), text: m[1]! });
    }
    depth += opens - closes;
    if (chain !== undefined && depth < chainDepth) chain = undefined;
  }
  return out;
}

function unquote(s: string): string {
  return s.length >= 2 && s.startsWith('"') && s.endsWith('"') ? s.slice(1, -1) : s;
}

/** Braces outside double-quoted strings and outside the trailing `# handle` comment. */
function countBraces(line: string, brace: '{' | '}'): number {
  let n = 0;
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (ch === '"') quoted = !quoted;
    else if (!quoted && ch === '#') break;
    else if (!quoted && ch === brace) n++;
  }
  return n;
}
