// Runs one base chain the way nft_do_chain does (net/netfilter/nf_tables_core.c): rules in order, a jump
// stack for `jump` (goto replaces the chain), `return`/end of a regular chain pops, the end of the base chain
// (or `return` in it) applies the policy. Detects what the kernel would refuse at load time: loops (ELOOP),
// chains nested 16 deep counting jumps and gotos (NFT_JUMP_STACK_SIZE, EMLINK — 15 levels load, 16 do not,
// checked on Linux 6.18), jumps to base chains and to missing chains.
// Imports eval modules below it.
import type { Chain, Rule, Stmt } from '../model/ir.ts';
import type { RunCtx } from './context.ts';
import { ruleText } from './exprText.ts';
import type { PreparedTable } from './prepare.ts';
import { evalRule } from './rule.ts';
import { diffViews, viewOf } from './state.ts';
import type { Fate, Step, StepVerdict } from './trace.ts';

/** nf_tables' jump stack depth (include/net/netfilter/nf_tables.h). */
export const NFT_JUMP_STACK_SIZE = 16;

export type ChainEnd =
  | { readonly kind: 'accept' }
  | { readonly kind: 'drop' | 'reject' | 'queue' | 'stolen'; readonly where: string; readonly reason: string }
  | { readonly kind: 'abort'; readonly fate: Fate };

interface Frame {
  readonly chain: Chain;
  index: number;
  /** Chains from the base chain to this one (jumps and gotos), for loop and depth checks. */
  readonly path: readonly string[];
  readonly depth: number;
}

const MUTATING = new Set<Stmt['kind']>(['mangle', 'nat', 'notrack', 'xt', 'objref', 'opaque', 'tproxy', 'set']);

function isMutating(s: Stmt): boolean {
  return MUTATING.has(s.kind) && !(s.kind === 'xt' && s.type === 'match');
}

export function chainLabel(pt: PreparedTable, chain: string): string {
  return `${pt.table.family} ${pt.table.name}/${chain}`;
}

const ruleTextCache = new WeakMap<Rule, string>();

function ruleSource(pt: PreparedTable, rule: Rule): string {
  let t = ruleTextCache.get(rule);
  if (t === undefined) ruleTextCache.set(rule, (t = ruleSourceUncached(pt, rule)));
  return t;
}

function ruleSourceUncached(pt: PreparedTable, rule: Rule): string {
  if (pt.sourceText !== undefined && rule.range) {
    const t = pt.sourceText.slice(rule.range.start, rule.range.end).replace(/\s*#\s*handle\s+\d+\s*$/, '').trim();
    if (t && !t.includes('\n')) return t;
  }
  return ruleText(rule);
}

export function runBaseChain(ctx: RunCtx, pt: PreparedTable, base: Chain, hook: string, priority: number): ChainEnd {
  const fam = pt.table.family;
  ctx.table = pt;
  ctx.family = fam;
  const common = { hook, family: fam, table: pt.table.name, ...(pt.origin ? { origin: pt.origin } : {}) };
  const spec = pt.bases.get(base) ?? base.base!;
  ctx.steps.push({
    ...common,
    kind: 'chain',
    chain: base.name,
    priority,
    depth: 0,
    packet: viewOf(ctx.pkt, ctx.ct),
    text: `${fam} ${pt.table.name} ${base.name} (type ${spec.type} hook ${spec.hook} priority ${spec.priority.text ?? spec.priority.value}${spec.policy ? `; policy ${spec.policy}` : ''})`,
  });
  const stack: Frame[] = [];
  let cur: Frame = { chain: base, index: 0, path: [base.name], depth: 0 };
  const policy = (how: string): ChainEnd => {
    const verdict = spec.policy ?? 'accept';
    ctx.steps.push({ ...common, kind: 'policy', chain: base.name, depth: 0, text: `policy ${verdict}${how}`, verdict: { kind: verdict }, packet: viewOf(ctx.pkt, ctx.ct) });
    if (verdict === 'drop') return { kind: 'drop', where: `${hook}/${chainLabel(pt, base.name)}`, reason: `policy drop of ${chainLabel(pt, base.name)}` };
    return { kind: 'accept' };
  };
  const abort = (kind: Fate['kind'], reason: string): ChainEnd => {
    ctx.steps.push({ ...common, kind: 'note', chain: cur.chain.name, depth: cur.depth, text: reason });
    return { kind: 'abort', fate: { verdict: 'none', where: `${hook}/${chainLabel(pt, cur.chain.name)}`, reason, kind } };
  };

  for (;;) {
    if (cur.index >= cur.chain.rules.length) {
      if (stack.length === 0) return policy('');
      // Falling off a regular chain returns to the rule after the jump (the kernel prints nothing).
      const back = stack.pop()!;
      ctx.steps.push({ ...common, kind: 'note', chain: cur.chain.name, depth: cur.depth, text: `end of chain ${cur.chain.name}: back to ${back.chain.name}` });
      cur = back;
      cur.index++;
      continue;
    }
    if (++ctx.ruleEvals > ctx.options.maxRuleEvals) return abort('error', `stopped after ${ctx.options.maxRuleEvals} rule evaluations`);
    const rule = cur.chain.rules[cur.index]!;
    // Snapshots only around rules that can change the packet (formatting every field is the costly part of a
    // 10k-rule chain).
    const mutates = rule.stmts.some(isMutating);
    const before = mutates ? viewOf(ctx.pkt, ctx.ct) : undefined;
    const out = evalRule(rule, cur.index, ctx);
    const diff = before ? diffViews(before, viewOf(ctx.pkt, ctx.ct)) : undefined;
    const step: Step = {
      ...common,
      kind: 'rule',
      chain: cur.chain.name,
      ruleIndex: cur.index,
      ...(rule.handle !== undefined ? { handle: rule.handle } : {}),
      ...(pt.sourceId !== undefined ? { sourceId: pt.sourceId } : {}),
      ...(rule.range ? { range: rule.range } : {}),
      depth: cur.depth,
      result: out.result,
      ...(out.assumed ? { assumed: out.assumed } : {}),
      text: ruleSource(pt, rule),
      exprs: out.exprs,
      ...(out.verdict ? { verdict: out.verdict } : {}),
      ...(diff ? { packetBefore: diff.before, packetAfter: diff.after } : {}),
      ...(out.annotations.length ? { annotations: out.annotations } : {}),
    };
    ctx.steps.push(step);
    if (out.nat && diff) {
      ctx.steps.push({ ...common, kind: 'nat', chain: cur.chain.name, depth: cur.depth, text: `binding: ${out.nat}`, packetBefore: diff.before, packetAfter: diff.after });
    }
    const v: StepVerdict | undefined = out.verdict;
    const matched = out.result === 'match' || out.assumed === 'match';
    if (!matched || !v) {
      cur.index++;
      continue;
    }
    const whereNow = `${hook}/${chainLabel(pt, cur.chain.name)}`;
    switch (v.kind) {
      case 'continue':
        cur.index++;
        continue;
      case 'accept':
        return { kind: 'accept' };
      case 'drop':
        return { kind: 'drop', where: whereNow, reason: `dropped by rule #${cur.index + 1} of ${chainLabel(pt, cur.chain.name)}` };
      case 'reject':
        return { kind: 'reject', where: whereNow, reason: `rejected by rule #${cur.index + 1} of ${chainLabel(pt, cur.chain.name)}${v.with ? ` (with ${v.with})` : ''}` };
      case 'queue':
        return { kind: 'queue', where: whereNow, reason: `queued to user space by rule #${cur.index + 1} of ${chainLabel(pt, cur.chain.name)}: the verdict is decided there` };
      case 'stolen':
        return { kind: 'stolen', where: whereNow, reason: `taken by rule #${cur.index + 1} of ${chainLabel(pt, cur.chain.name)}` };
      case 'return': {
        if (stack.length === 0) return policy(' (return in the base chain)');
        const back = stack.pop()!;
        cur = back;
        cur.index++;
        continue;
      }
      case 'jump':
      case 'goto': {
        const target = pt.chains.get(v.target);
        if (!target) return abort('missing-chain', `chain ${v.target} does not exist in ${pt.table.family} ${pt.table.name}`);
        if (pt.bases.has(target)) return abort('loop', `${v.kind} to base chain ${v.target}: the kernel refuses this ruleset (ELOOP)`);
        if (cur.path.includes(v.target)) {
          return abort('loop', `loop: ${[...cur.path, v.target].join(' → ')} (the kernel refuses such a ruleset: ELOOP)`);
        }
        if (cur.path.length >= NFT_JUMP_STACK_SIZE) {
          return abort('too-deep', `too deep: ${v.kind} to ${v.target} would nest ${cur.path.length} levels below the base chain (the kernel allows ${NFT_JUMP_STACK_SIZE - 1}: EMLINK "Too many links")`);
        }
        const next: Frame = { chain: target, index: 0, path: [...cur.path, v.target], depth: v.kind === 'jump' ? cur.depth + 1 : cur.depth };
        if (v.kind === 'jump') stack.push(cur);
        cur = next;
        continue;
      }
    }
  }
}
