// Groups many names (chains, sets, IPVS services) into a few aggregates by shared name prefix, so that a
// kube-proxy dump with 10 000 Services still draws as a readable overview: `KUBE-SVC-*`, `KUBE-SEP-*`,
// `service-*`, `endpoint-*` become one node each, expandable level by level. Pure string work on names;
// imports nothing.
//
// How names are split: at the next "word boundary" after the current prefix (after a `-_./: ,@` separator,
// or where letters turn into digits: `chain12` → `chain`), so `KUBE-SVC-ABC…` groups under `KUBE-SVC-`.
// When a level has too many different words (hashes), it splits by the next character instead, and when
// even that is too many, into ranges of characters (`KUBE-SVC-[A-F]`). Everything depends only on the
// names, so the same names give the same aggregates (and ids) on every build.

export interface NameGroup {
  /** Identifies the group among its siblings and in ids: the prefix, or `prefix[a-f]` for a range. */
  readonly key: string;
  /** Every member starts with it. */
  readonly prefix: string;
  /** For a range group: the first and last next-character after `prefix`. */
  readonly charRange?: readonly [string, string];
  /** Members in input order. */
  readonly names: readonly string[];
}

export type NameEntry = { readonly kind: 'leaf'; readonly name: string } | { readonly kind: 'group'; readonly group: NameGroup };

const SEPARATORS = new Set(['-', '_', '.', '/', ':', ',', '@', ' ', '+', '=']);

function isDigit(c: string | undefined): boolean {
  return c !== undefined && c >= '0' && c <= '9';
}

function isLetter(c: string | undefined): boolean {
  return c !== undefined && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'));
}

/** The end of the word that starts at `from`: just after the next separator, or where letters turn into
 *  digits; the name's length when there is no further boundary. */
export function nextBoundary(name: string, from: number): number {
  for (let b = from + 1; b < name.length; b++) {
    const before = name[b - 1] as string;
    if (SEPARATORS.has(before)) return b;
    if (isLetter(before) && isDigit(name[b])) return b;
  }
  return name.length;
}

/** One level of grouping of `names` (all starting with `prefix`) into at most `maxChildren` entries
 *  where possible. A single group holding everything is split further (so a level never just repeats
 *  its parent). */
export function splitNames(names: readonly string[], prefix: string, maxChildren: number): NameEntry[] {
  return split(names, prefix, maxChildren).entries;
}

/** The split, and whether it follows words (meaningful groups) or only characters (paging). */
function split(names: readonly string[], prefix: string, maxChildren: number): { entries: NameEntry[]; byWord: boolean } {
  // More words than children: the word split is useless, so its grouping stops there (hashes in kube-proxy
  // names make one word per name: 100 000 keys built for nothing).
  const byWord = groupBy(names, prefix, (name) => name.slice(0, nextBoundary(name, prefix.length)), maxChildren);
  if (byWord) {
    const single = onlyGroup(byWord, names.length);
    if (single !== undefined) return split(names, single, maxChildren);
    return { entries: entriesOf(byWord, prefix), byWord: true };
  }

  const byChar = groupByNextChar(names, prefix);
  const singleChar = onlyGroup(byChar, names.length);
  if (singleChar !== undefined) return split(names, singleChar, maxChildren);
  if (byChar.size <= maxChildren) return { entries: entriesOf(byChar, prefix), byWord: false };
  return { entries: charRanges(byChar, prefix, maxChildren), byWord: false };
}

/** Names grouped by a key longer than the prefix; names equal to the prefix are their own key. With
 *  `limit`: undefined as soon as there are more groups than that. */
function groupBy(names: readonly string[], prefix: string, keyOf: (name: string) => string): Map<string, string[]>;
function groupBy(names: readonly string[], prefix: string, keyOf: (name: string) => string, limit: number): Map<string, string[]> | undefined;
function groupBy(names: readonly string[], prefix: string, keyOf: (name: string) => string, limit = Infinity): Map<string, string[]> | undefined {
  const groups = new Map<string, string[]>();
  for (const name of names) {
    const key = name.length <= prefix.length ? name : keyOf(name);
    let list = groups.get(key);
    if (!list) {
      if (groups.size >= limit) return undefined;
      groups.set(key, (list = []));
    }
    list.push(name);
  }
  return groups;
}

/** `groupBy` on the prefix and the next character, without a key string per name: grouped by the character
 *  alone (one-character strings are shared), then keyed by prefix + character once per group. Same groups in
 *  the same (first-seen) order; a name no longer than the prefix is its own key, as in `groupBy`. */
function groupByNextChar(names: readonly string[], prefix: string): Map<string, string[]> {
  const byChar = new Map<string, string[]>();
  const whole = new Map<string, string[]>();
  const order: { readonly key: string; readonly list: string[] }[] = [];
  for (const name of names) {
    const isWhole = name.length <= prefix.length;
    const key = isWhole ? name : (name[prefix.length] as string);
    const map = isWhole ? whole : byChar;
    let list = map.get(key);
    if (!list) {
      map.set(key, (list = []));
      order.push({ key: isWhole ? name : prefix + key, list });
    }
    list.push(name);
  }
  return new Map(order.map(({ key, list }) => [key, list]));
}

/** The key when one group longer than the prefix holds every name (and is not just one name). */
function onlyGroup(groups: Map<string, string[]>, total: number): string | undefined {
  if (groups.size !== 1 || total < 2) return undefined;
  const [key] = groups.keys();
  return key;
}

function entriesOf(groups: Map<string, string[]>, prefix: string): NameEntry[] {
  const out: NameEntry[] = [];
  for (const [key, members] of groups) {
    if (members.length === 1 || key.length <= prefix.length) {
      for (const name of members) out.push({ kind: 'leaf', name });
    } else out.push({ kind: 'group', group: { key, prefix: key, names: members } });
  }
  return out;
}

/** Too many next characters: contiguous ranges of them, at most `maxChildren`. */
function charRanges(byChar: Map<string, string[]>, prefix: string, maxChildren: number): NameEntry[] {
  const leaves: NameEntry[] = [];
  const buckets: [string, string[]][] = [];
  for (const [key, members] of byChar) {
    if (key.length <= prefix.length) for (const name of members) leaves.push({ kind: 'leaf', name });
    else buckets.push([key.slice(prefix.length), members]);
  }
  buckets.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const perRange = Math.ceil(buckets.length / Math.max(1, maxChildren - leaves.length));
  const out: NameEntry[] = [...leaves];
  for (let i = 0; i < buckets.length; i += perRange) {
    const chunk = buckets.slice(i, i + perRange);
    const from = (chunk[0] as [string, string[]])[0];
    const to = (chunk[chunk.length - 1] as [string, string[]])[0];
    const names = chunk.flatMap(([, members]) => members);
    if (from === to) {
      out.push(names.length === 1 ? { kind: 'leaf', name: names[0] as string } : { kind: 'group', group: { key: prefix + from, prefix: prefix + from, names } });
    } else out.push({ kind: 'group', group: { key: `${prefix}[${from}-${to}]`, prefix, charRange: [from, to], names } });
  }
  return out;
}

/** What a scope shows: every name when they fit in `budget`; otherwise one level of groups, refined
 *  greedily (smallest group first) while the count stays within the budget. A group is refined only
 *  into its members or into word groups (`KUBE-MARK-` → its two chains), never into character pages:
 *  `service-*` stays one node rather than 32 `service-A*`… pages. */
export function viewNames(names: readonly string[], prefix: string, budget: number): NameEntry[] {
  if (names.length <= budget) return names.map((name) => ({ kind: 'leaf', name }));
  let entries = splitNames(names, prefix, budget);
  const tooBig = new Set<string>();
  for (;;) {
    let best: { index: number; children: NameEntry[] } | undefined;
    const order = entries
      .map((entry, index) => ({ entry, index }))
      .filter((x): x is { entry: { kind: 'group'; group: NameGroup }; index: number } => x.entry.kind === 'group' && !tooBig.has(x.entry.group.key))
      .sort((a, b) => a.entry.group.names.length - b.entry.group.names.length);
    for (const { entry, index } of order) {
      const fitsWhole = entry.group.names.length <= budget - entries.length + 1;
      const refined = fitsWhole ? undefined : split(entry.group.names, entry.group.prefix, budget);
      const children = refined ? refined.entries : entry.group.names.map((name): NameEntry => ({ kind: 'leaf', name }));
      if ((fitsWhole || refined?.byWord === true) && entries.length - 1 + children.length <= budget) {
        best = { index, children };
        break;
      }
      tooBig.add(entry.group.key);
    }
    if (!best) return entries;
    entries = [...entries.slice(0, best.index), ...best.children, ...entries.slice(best.index + 1)];
  }
}

/** Views computed by `revealPath`, per names array (the same array for the same table between calls). */
const viewCache = new WeakMap<readonly string[], Map<string, NameEntry[]>>();

function cachedView(root: readonly string[], cacheKey: string, names: readonly string[], prefix: string, budget: number): NameEntry[] {
  let byKey = viewCache.get(root);
  if (!byKey) viewCache.set(root, (byKey = new Map()));
  let entries = byKey.get(cacheKey);
  if (!entries) byKey.set(cacheKey, (entries = viewNames(names, prefix, budget)));
  return entries;
}

/** The view of `root` (no group) or of one of its groups, as `visibleEntries` and `revealPath` walk them:
 *  `budget` at the top, `expandedBudget` inside groups. Cached per root array, so rebuilding a graph after
 *  opening one aggregate regroups nothing. */
export function viewOf(root: readonly string[], budget: number, expandedBudget: number, group?: NameGroup): NameEntry[] {
  return group
    ? cachedView(root, `${budget}/${expandedBudget}/${group.key}`, group.names, group.prefix, expandedBudget)
    : cachedView(root, `${budget}/${expandedBudget}/`, root, '', budget);
}

/** The groups to expand, outermost first, so that `name` shows as its own node; `expandedBudget` is the
 *  budget inside an expanded group. Empty when the name is visible at the top. Views are cached per
 *  `names` array, so repeated look-ups in one table cost a scan each, not a regrouping. */
export function revealPath(names: readonly string[], name: string, budget: number, expandedBudget: number): NameGroup[] {
  const path: NameGroup[] = [];
  let entries = viewOf(names, budget, expandedBudget);
  for (let depth = 0; depth < 64; depth++) {
    let next: NameGroup | undefined;
    for (const entry of entries) {
      if (entry.kind === 'leaf') {
        if (entry.name === name) return path;
      } else if (next === undefined && isMember(entry.group, name)) next = entry.group;
    }
    if (!next) return path;
    path.push(next);
    entries = viewOf(names, budget, expandedBudget, next);
  }
  return path;
}

/** Is `name` in the group? By its prefix and character range (the names list is only the check's backup). */
function isMember(group: NameGroup, name: string): boolean {
  if (!name.startsWith(group.prefix)) return false;
  if (group.charRange) {
    const c = name.charAt(group.prefix.length);
    if (c === '' || c < group.charRange[0] || c > group.charRange[1]) return false;
  }
  return group.names.includes(name);
}
