// The evaluator on rulesets from the parsers that are on main (ipset, ipvsadm), including a real
// `ipvsadm -Ln` dump from the corpus.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { corpusFiles } from '../../test/corpus.ts';
import type { Workspace } from '../model/ir.ts';
import { parseWorkspace } from '../parse/index.ts';
import { evaluate, evaluateBranches } from './evaluate.ts';
import { parsePacket } from './packetParse.ts';
import * as b from './testing/build.ts';

const pkt = (t: string) => parsePacket(t).packet;

describe('ipset sets used by iptables -m set', () => {
  const ipset = ['create ALLOW hash:net family inet hashsize 1024 maxelem 65536', 'add ALLOW 10.0.0.0/8', 'add ALLOW 10.1.0.0/16 nomatch', 'add ALLOW 10.1.2.0/24', 'add ALLOW 192.168.1.7'].join('\n') + '\n';
  const ws = (): Workspace => {
    const parsed = parseWorkspace([{ id: 's1', name: 'ipset', format: 'ipset', text: ipset }]);
    const filter = b.table('ip', 'filter', [b.base('INPUT', 'filter', 'input', 0, 'drop', b.rule(b.m(b.xtExpr('set', { name: { value: 'ALLOW' }, flags: { value: ['src'] } }), true), b.accept))], [], 'iptables-nft');
    return { sources: [...parsed.sources, { source: { id: 's2', name: 'iptables', format: 'iptables', text: '' }, result: { ruleset: b.ruleset([filter]), diagnostics: [] } }] };
  };
  it.each([
    ['10.9.9.9', 'accept'],
    ['10.1.9.9', 'drop'], // the more specific 10.1.0.0/16 is nomatch
    ['10.1.2.3', 'accept'], // … and 10.1.2.0/24 inside it matches again
    ['192.168.1.7', 'accept'],
    ['192.168.1.8', 'drop'],
  ])('%s → %s', (src, verdict) => {
    expect(evaluate(ws(), pkt(`iif eth0 ip saddr ${src} ip daddr 10.200.0.1 tcp dport 22`)).fate.verdict).toBe(verdict);
  });
});

describe('a real ipvsadm -Ln dump (kube-proxy IPVS README)', () => {
  const file = corpusFiles('ipvs').find((f) => path.basename(f).includes('L365'))!;
  it('a SYN to the kubernetes service 10.0.0.1:443 is scheduled to the API server 192.168.0.1:6443 (masq)', () => {
    const text = readFileSync(file, 'utf8');
    const ws = parseWorkspace([{ id: 's1', name: 'ipvsadm', format: 'ipvs', text }]);
    expect(ws.sources[0]!.result.diagnostics).toEqual([]);
    const tree = evaluateBranches(ws, pkt('iif eth0 ip saddr 10.244.1.9 ip daddr 10.0.0.1 tcp sport 40000 tcp dport 443'), { host: 'eth0=192.168.0.2/24 default=eth0' });
    const reals = tree.leaves.map((l) => `${l.finalPacket['ip daddr']}:${l.finalPacket['tcp dport']}`);
    expect(reals[0]).toBe('192.168.0.1:6443');
    expect(tree.leaves.reduce((s, l) => s + l.probability, 0)).toBeCloseTo(1, 9);
    expect(tree.leaves.every((l) => l.fate.kind === 'forwarded')).toBe(true);
  });
});
