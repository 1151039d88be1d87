// Which `!=` matches of a rule the kernel runs as ONE compare. nft (1.0.6 here) linearizes matches on
// adjacent fields of one header into a single payload load and a single cmp (payload_try_merge, called from
// rule_postprocess in nftables' src/evaluate.c), and it does so for `!=` too: `tcp sport != 80 tcp dport != 53`
// becomes `load 4b @ th + 0; cmp neq 0x35005000`, which matches when EITHER port differs, while the rule's
// text says both must. The kernel runs that bytecode, so the evaluator must. Pure; imports eval/fields only.
import type { Stmt } from '../model/ir.ts';
import { fieldDef } from './fields.ts';

/** Largest merged load nft 1.0.6 emits (observed with `nft --debug=netlink`: 1+1+2 and 2+2 bytes merge,
 *  2+4 and 4+4 do not). */
const MAX_MERGED_BITS = 32;

interface Piece {
  readonly protocol: string;
  readonly offset: number;
  readonly len: number;
}

/** A `!=` match of a whole, byte-aligned header field with one constant (no set, prefix, range or mask). */
function neqPiece(s: Stmt): Piece | undefined {
  if (s.kind !== 'match' || s.op !== '!=' || s.left.kind !== 'payload' || s.left.tunnel || s.right.kind !== 'value') return undefined;
  const f = fieldDef(s.left.protocol, s.left.field);
  if (!f || f.offset % 8 !== 0 || f.len % 8 !== 0) return undefined;
  return { protocol: s.left.protocol, offset: f.offset, len: f.len };
}

/**
 * Runs of statements the kernel evaluates as one `cmp neq`: start index → end index (exclusive), only runs of
 * two or more. A run grows while the next statement is a `!=` on the field right after the previous one in
 * the same header (increasing offsets, as payload_is_adjacent requires) and the whole stays within 32 bits.
 */
export function mergedNeqRuns(stmts: readonly Stmt[]): ReadonlyMap<number, number> {
  const runs = new Map<number, number>();
  let i = 0;
  while (i < stmts.length) {
    const first = neqPiece(stmts[i]!);
    let end = i + 1;
    if (first) {
      let bits = first.len;
      while (end < stmts.length) {
        const p = neqPiece(stmts[end]!);
        if (!p || p.protocol !== first.protocol || p.offset !== first.offset + bits || bits + p.len > MAX_MERGED_BITS) break;
        bits += p.len;
        end++;
      }
      if (end - i >= 2) runs.set(i, end);
    }
    i = end;
  }
  return runs;
}
