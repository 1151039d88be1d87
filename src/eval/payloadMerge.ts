// Which `!=` matches of a rule the kernel runs as ONE compare. nft (1.0.6 here) linearizes matches on
// adjacent fields of one header into a single payload load and a single cmp (stmt_reduce → payload_do_merge
// in nftables' src/rule.c, called from rule_postprocess), and it does so for `!=` too: `tcp sport != 80
// tcp dport != 53` becomes `load 4b @ th + 0; cmp neq 0x35005000`, which matches when EITHER port differs,
// while the rule's text says both must. The kernel runs that bytecode, so the evaluator must. (nftables
// dropped `!=` from the merge in 2024, after 1.0.9; the listing reads the same either way.)
// Pure; imports eval/fields only.
import type { Stmt } from '../model/ir.ts';
import { fieldDef, type Base } from './fields.ts';

/** A register holds 16 bytes (NFT_REG_SIZE): no merged load is longer. */
const REG_BITS = 128;
/** Loads up to 4 bytes of the network or transport header take the kernel's fast path; nft merges past that
 *  only where the fast path is lost anyway (payload_can_merge). */
const FAST_PATH_BITS = 32;

/** Fields that name the next header (nft's `protocol_key`, flagged EXPR_F_PROTOCOL): when one is merged
 *  into an earlier field, nft keeps the merged compare at the protocol field's statement (payload_do_merge
 *  swaps them, so that the dependency is tested where the protocol match was). */
const PROTOCOL_KEYS: ReadonlySet<string> = new Set(['ether type', 'vlan type', 'ip protocol', 'ip6 nexthdr']);

interface Candidate {
  /** Statement indexes merged so far, in the order nft met them. */
  readonly members: readonly number[];
  /** The statement the merged compare stays at. */
  readonly kept: number;
  readonly protocolKey: boolean;
  readonly op: '==' | '!=';
  readonly base: Base;
  readonly offset: number;
  readonly len: number;
}

/** A match nft may merge: a whole, byte-aligned header field compared (`==` or `!=`) with one constant; no
 *  set, prefix, range or mask (those are not a plain value on the right, or not a plain payload on the left). */
function candidate(s: Stmt, index: number): Candidate | undefined {
  if (s.kind !== 'match' || (s.op !== '==' && s.op !== '!=') || s.left.kind !== 'payload' || s.left.tunnel || s.right.kind !== 'value') return undefined;
  const f = fieldDef(s.left.protocol, s.left.field);
  if (!f || f.offset % 8 !== 0 || f.len % 8 !== 0) return undefined;
  return { members: [index], kept: index, protocolKey: PROTOCOL_KEYS.has(`${s.left.protocol} ${s.left.field}`), op: s.op, base: f.base, offset: f.offset, len: f.len };
}

/** payload_can_merge: the same header, the second field right after the first, within one register; past
 *  4 bytes only for the link-layer header or when one side is longer than 4 bytes already. */
function canMerge(a: Candidate, b: Candidate): boolean {
  if (a.base !== b.base || a.offset + a.len !== b.offset) return false;
  const total = a.len + b.len;
  if (total > REG_BITS) return false;
  return total <= FAST_PATH_BITS || a.base === 'll' || a.len > FAST_PATH_BITS || b.len > FAST_PATH_BITS;
}

/** A merged `!=` compare: the statements it stands for (rule order) and the one it runs at. */
export interface NeqGroup {
  readonly members: readonly number[];
  readonly kept: number;
}

/** nft's merge of one run of match statements: sorted by header and offset, neighbours with the same
 *  operator joined while canMerge allows. Returns the `!=` groups of two or more. */
function mergeRun(run: readonly Candidate[]): NeqGroup[] {
  const sorted = [...run].sort((x, y) => (x.base === y.base ? x.offset - y.offset : x.base < y.base ? -1 : 1));
  const groups: NeqGroup[] = [];
  const close = (c: Candidate): void => {
    if (c.op === '!=' && c.members.length > 1) groups.push({ members: [...c.members].sort((x, y) => x - y), kept: c.kept });
  };
  let last = sorted[0];
  for (const next of sorted.slice(1)) {
    if (last && last.op === next.op && canMerge(last, next)) {
      const kept = next.protocolKey ? next.kept : last.kept;
      last = { members: [...last.members, ...next.members], kept, protocolKey: last.protocolKey || next.protocolKey, op: last.op, base: last.base, offset: last.offset, len: last.len + next.len };
      continue;
    }
    if (last) close(last);
    last = next;
  }
  if (last) close(last);
  return groups;
}

/**
 * The groups of statements the kernel evaluates as one `cmp neq`, by the statement index each runs at. nft
 * collects candidates over the rule's match statements (matches on meta, ct, sets… stay in the run without
 * taking part) and merges them when another statement (counter, verdict, mangle…) comes after two or more;
 * after fewer, 1.0.6 carries the one it has on past that statement (seen with `nft --debug=netlink`:
 * `ip ttl != 3 counter ip protocol != 6` loads both bytes in one compare after the counter).
 */
export function mergedNeqGroups(stmts: readonly Stmt[]): ReadonlyMap<number, NeqGroup> {
  const groups = new Map<number, NeqGroup>();
  let run: Candidate[] = [];
  const flush = (): void => {
    for (const g of mergeRun(run)) groups.set(g.kept, g);
    run = [];
  };
  stmts.forEach((s, i) => {
    if (s.kind !== 'match') {
      if (run.length >= 2) flush();
      return;
    }
    const c = candidate(s, i);
    if (c) run.push(c);
  });
  if (run.length >= 2) flush();
  return groups;
}
