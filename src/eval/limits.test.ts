// The evaluator on jump graphs a paste can hold: loops, goto cycles, jumps to base chains, deep nesting, huge
// verdict maps and huge numgen moduli always end with a verdict or a clear loop / too-deep / cap result —
// never a hang — and agree with a small reference model of nft_do_chain (net/netfilter/nf_tables_core.c).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseNft } from '../parse/index.ts';
import { evaluate, evaluateBranches } from './evaluate.ts';
import { NFT_JUMP_STACK_SIZE } from './chain.ts';
import { parsePacket } from './packetParse.ts';
import { MAX_VALUE_INTERVALS } from './modChoices.ts';

const PACKET = parsePacket('iif eth0 ip saddr 10.0.0.1 ip daddr 10.0.0.2 tcp dport 22').packet;
/** Rule evaluations per run before the evaluator stops (kept small so the model can count them too). */
const CAP = 5000;

type V = { readonly k: 'jump' | 'goto'; readonly to: number } | { readonly k: 'return' | 'accept' | 'drop' | 'continue' };
type R = { readonly cond: 'always' | 'yes' | 'no'; readonly v: V } | { readonly vmap: readonly (readonly [number, V])[] };

const name = (i: number): string => (i === 0 ? 'base' : `c${i}`);
/** A verdict as nft writes it; `continue` as a rule's own verdict is written `counter` (no verdict at all). */
const vText = (v: V, inMap = false): string => (v.k === 'jump' || v.k === 'goto' ? `${v.k} ${name(v.to)}` : v.k === 'continue' && !inMap ? 'counter' : v.k);
const COND = { always: '', yes: 'tcp dport 22 ', no: 'tcp dport 23 ' } as const;

function nftText(chains: readonly (readonly R[])[]): string {
  const rule = (r: R): string =>
    'vmap' in r ? `tcp dport vmap { ${r.vmap.map(([k, v]) => `${k} : ${vText(v, true)}`).join(', ')} }` : `${COND[r.cond]}${vText(r.v)}`;
  return `table ip t {\n${chains
    .map((rules, i) => `  chain ${name(i)} {\n${i === 0 ? '    type filter hook input priority 0; policy accept;\n' : ''}${rules.map((r) => `    ${rule(r)}\n`).join('')}  }\n`)
    .join('')}}\n`;
}

/** What nft_do_chain does with the packet (dport 22), plus the load-time refusals the evaluator reports when
 *  the packet reaches them: a jump to a base chain or along a cycle (ELOOP), nesting past the jump stack. */
function model(chains: readonly (readonly R[])[]): 'delivered' | 'dropped' | 'loop' | 'too-deep' | 'error' {
  const stack: { c: number; i: number; path: number[] }[] = [];
  let cur = { c: 0, i: 0, path: [0] };
  let evals = 0;
  for (;;) {
    const rules = chains[cur.c]!;
    if (cur.i >= rules.length) {
      if (stack.length === 0) return 'delivered';
      cur = stack.pop()!;
      cur.i++;
      continue;
    }
    if (++evals > CAP) return 'error';
    const r = rules[cur.i]!;
    const v = 'vmap' in r ? r.vmap.find(([k]) => k === 22)?.[1] : r.cond === 'no' ? undefined : r.v;
    if (!v || v.k === 'continue') {
      cur.i++;
      continue;
    }
    if (v.k === 'accept') return 'delivered';
    if (v.k === 'drop') return 'dropped';
    if (v.k === 'return') {
      if (stack.length === 0) return 'delivered';
      cur = stack.pop()!;
      cur.i++;
      continue;
    }
    if (v.k !== 'jump' && v.k !== 'goto') continue;
    if (v.to === 0 || cur.path.includes(v.to)) return 'loop';
    if (cur.path.length >= NFT_JUMP_STACK_SIZE) return 'too-deep';
    if (v.k === 'jump') stack.push(cur);
    cur = { c: v.to, i: 0, path: [...cur.path, v.to] };
  }
}

function rulesetArb(maxChains: number): fc.Arbitrary<R[][]> {
  return fc.integer({ min: 1, max: maxChains }).chain((n) => {
    const verdict: fc.Arbitrary<V> = fc.oneof(
      { weight: 4, arbitrary: fc.record({ k: fc.constantFrom('jump' as const, 'goto' as const), to: fc.integer({ min: 0, max: n - 1 }) }) },
      { weight: 1, arbitrary: fc.record({ k: fc.constantFrom('return' as const, 'accept' as const, 'drop' as const, 'continue' as const) }) },
    );
    const rule: fc.Arbitrary<R> = fc.oneof(
      { weight: 4, arbitrary: fc.record({ cond: fc.constantFrom('always' as const, 'yes' as const, 'no' as const), v: verdict }) },
      { weight: 1, arbitrary: fc.uniqueArray(fc.tuple(fc.integer({ min: 20, max: 24 }), verdict), { minLength: 1, maxLength: 4, selector: ([k]) => k }).map((vmap) => ({ vmap })) },
    );
    return fc.array(fc.array(rule, { maxLength: 4 }), { minLength: n, maxLength: n });
  });
}

describe('jump graphs end with a verdict or a clear limit, as nft_do_chain would', () => {
  it('random chains with jumps, gotos, returns and vmaps (cycles and base-chain targets included)', () => {
    fc.assert(
      fc.property(rulesetArb(24), (chains) => {
        const text = nftText(chains);
        const parsed = parseNft(text);
        expect(parsed.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
        const trace = evaluate(parsed.ruleset, PACKET, { maxRuleEvals: CAP });
        expect(trace.fate.kind).toBe(model(chains));
        if (trace.fate.kind === 'loop' || trace.fate.kind === 'too-deep') expect(trace.fate.reason).toMatch(/ELOOP|EMLINK/);
      }),
      { numRuns: 300, seed: 4242 },
    );
  });

  it('a chain of 15 jumps below the base chain runs; a 16th is too deep (EMLINK, as Linux 6.18 refuses it)', () => {
    const chainOf = (levels: number): R[][] =>
      Array.from({ length: levels + 1 }, (_, i) => (i < levels ? [{ cond: 'always', v: { k: i % 2 ? 'goto' : 'jump', to: i + 1 } }] : [{ cond: 'always', v: { k: 'drop' } }]));
    expect(evaluate(parseNft(nftText(chainOf(NFT_JUMP_STACK_SIZE - 1))).ruleset, PACKET).fate.kind).toBe('dropped');
    const deep = evaluate(parseNft(nftText(chainOf(NFT_JUMP_STACK_SIZE))).ruleset, PACKET).fate;
    expect(deep.kind).toBe('too-deep');
    expect(deep.reason).toMatch(/EMLINK/);
  });

  it('goto cycles and self-jumps are loops, with the path in the message', () => {
    const cycle: R[][] = [[{ cond: 'always', v: { k: 'goto', to: 1 } }], [{ cond: 'always', v: { k: 'goto', to: 2 } }], [{ cond: 'yes', v: { k: 'goto', to: 1 } }]];
    const fate = evaluate(parseNft(nftText(cycle)).ruleset, PACKET).fate;
    expect(fate.kind).toBe('loop');
    expect(fate.reason).toContain('base → c1 → c2 → c1');
    const self: R[][] = [[{ cond: 'always', v: { k: 'jump', to: 1 } }], [{ cond: 'always', v: { k: 'jump', to: 1 } }]];
    expect(evaluate(parseNft(nftText(self)).ruleset, PACKET).fate.kind).toBe('loop');
  });

  it('a jump fan-out that multiplies rule evaluations stops at the cap with a message', () => {
    // Each chain jumps twice to the next: 2^15 visits of the last chain, finite but far past any cap.
    const fan: R[][] = Array.from({ length: 15 }, (_, i) => (i < 14 ? [{ cond: 'always', v: { k: 'jump', to: i + 1 } }, { cond: 'always', v: { k: 'jump', to: i + 1 } }] : [{ cond: 'always', v: { k: 'continue' } }]));
    const fate = evaluate(parseNft(nftText(fan)).ruleset, PACKET, { maxRuleEvals: CAP }).fate;
    expect(fate.kind).toBe('error');
    expect(fate.reason).toBe(`stopped after ${CAP} rule evaluations`);
  });

  it('a verdict map with 20 000 elements is one lookup', () => {
    const elements = Array.from({ length: 20_000 }, (_, i) => `${i + 1} : ${i === 21 ? 'drop' : 'accept'}`).join(', ');
    const parsed = parseNft(`table ip t { chain base { type filter hook input priority 0; tcp dport vmap { ${elements} } } }`);
    const trace = evaluate(parsed.ruleset, PACKET);
    expect(trace.fate.kind).toBe('dropped');
    expect(trace.steps.filter((s) => s.kind === 'rule')).toHaveLength(1);
  });

  it('a numgen modulus of billions splits into intervals at the map keys; the branches cover it exactly', () => {
    const parsed = parseNft('table ip t { chain base { type filter hook input priority 0; numgen random mod 4000000000 vmap { 0-999999999 : drop, 1000000000-3999999999 : accept } } }');
    const tree = evaluateBranches(parsed.ruleset, PACKET);
    expect(tree.truncated).toBeUndefined();
    const mass = (kind: string) => tree.leaves.filter((l) => l.fate.kind === kind).reduce((p, l) => p + l.probability, 0);
    expect(mass('dropped')).toBeCloseTo(0.25, 9);
    expect(mass('delivered')).toBeCloseTo(0.75, 9);
    expect(tree.leaves.length).toBeLessThanOrEqual(MAX_VALUE_INTERVALS);
  });

  it('all-branches mode on a 2^12 branch fan-out stops at the branch cap with a message', () => {
    const rules = Array.from({ length: 12 }, () => 'numgen random mod 2 vmap { 0 : continue, 1 : continue }').join('; ');
    const parsed = parseNft(`table ip t { chain base { type filter hook input priority 0; ${rules}; } }`);
    const tree = evaluateBranches(parsed.ruleset, PACKET, { maxBranches: 100 });
    expect(tree.leaves).toHaveLength(100);
    expect(tree.truncated).toMatch(/stopped after 100 branches/);
  });
});
