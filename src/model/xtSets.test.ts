import { describe, expect, it } from 'vitest';
import { xtSetUses } from './xtSets.ts';

describe('xtSetUses', () => {
  it('reads the set of -m set and the sets of -j SET under the options the iptables parser writes', () => {
    expect(xtSetUses({ name: 'set', options: { name: { value: 'KUBE-CLUSTER-IP', negated: true }, flags: { value: ['dst', 'dst'] } } })).toEqual([{ set: 'KUBE-CLUSTER-IP', kind: 'lookup' }]);
    expect(xtSetUses({ name: 'SET', options: { addSet: { value: 'a' }, addFlags: { value: ['src'] }, delSet: { value: 'b' }, mapSet: { value: 'c' }, mapMark: { value: true } } })).toEqual([
      { set: 'a', kind: 'update' },
      { set: 'b', kind: 'update' },
      { set: 'c', kind: 'update' },
    ]);
  });

  it('names no set for other extensions, nor for options without a name', () => {
    expect(xtSetUses({ name: 'comment', options: { name: { value: 'x' } } })).toEqual([]);
    expect(xtSetUses({ name: 'set', options: { flags: { value: ['src'] } } })).toEqual([]);
    expect(xtSetUses({ name: 'constructor', options: {} })).toEqual([]);
  });
});
