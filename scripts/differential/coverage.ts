// Which features the generated differential cases exercise (evaluator traces only, no kernel): counts of
// packets whose trace shows each feature. Usage: coverage.ts FROM TO
import { evaluateBranches, type Trace } from '../../src/eval/index.ts';
import { parseNft } from '../../src/parse/index.ts';
import { generateCase } from '../../test/oracle/generateCase.ts';
import { hostSpecFor, packetFor } from '../../test/differential/evaluatorSide.ts';

const [from = '1', to = '500'] = process.argv.slice(2);
const count = new Map<string, number>();
const bump = (k: string) => count.set(k, (count.get(k) ?? 0) + 1);
let packets = 0;
for (let seed = Number(from); seed <= Number(to); seed++) {
  const g = generateCase(seed);
  const rs = parseNft(g.rulesetText).ruleset;
  for (const w of g.packets) {
    packets++;
    const t: Trace = evaluateBranches(rs, packetFor(w), { host: hostSpecFor(g.options), forwarding: g.options.forward ?? false }).leaves[0]!;
    const feats = new Set<string>();
    for (const s of t.steps) {
      if (s.kind === 'hook' && s.tie) feats.add(`tie ${s.tie.includes('nat chain') ? '(nat chains)' : ''}${s.tie.includes('conntrack') ? '(conntrack)' : ''}${s.tie.includes('NAT core') ? '(NAT core)' : ''}`);
      if (s.kind === 'nat') feats.add(`nat: ${s.text.replace(/[\d.]+/g, 'N').slice(0, 50)}`);
      if (s.kind === 'routing') feats.add(`routing: ${s.text.replace(/[\d.]+/g, 'N').replace(/ via \S+/, '').slice(0, 45)}`);
      if (s.kind === 'rule' && (s.result === 'match') && s.verdict) feats.add(`verdict ${s.verdict.kind}`);
      if (s.kind === 'policy') feats.add(`policy ${s.verdict?.kind}${s.packet?.['meta mark'] && s.packet['meta mark'] !== '0x00000000' ? ' with mark' : ''}`);
      if (s.kind === 'rule' && s.result === 'match') for (const w of ['vmap', 'dnat', 'snat', 'masquerade', 'redirect', 'reject', 'notrack', 'ct mark', 'meta mark set', ' map ', ' . ']) if (s.text.includes(w)) feats.add(`matched rule with ${w.trim()}`);
      if (s.kind === 'conntrack') feats.add(`conntrack: ${s.text.replace(/\(.*$/, '').slice(0, 40)}`);
    }
    feats.add(`fate ${t.fate.kind}`);
    feats.add(`origin ${w.origin}`);
    if (t.choices.length) feats.add('has choices');
    for (const f of feats) bump(f);
  }
}
console.log(`${packets} packets`);
for (const [k, v] of [...count].sort()) console.log(String(v).padStart(6), k);
