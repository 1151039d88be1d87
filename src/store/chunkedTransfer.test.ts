import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { corpusFiles } from '../../test/corpus.ts';
import { generateKubeProxy } from '../../scripts/kubeproxy/generate.ts';
import { detectFormat, parseText } from '../parse/index.ts';
import { runInSlices, splitForTransfer, TransferAssembler, TransferReceiver, type Scheduler } from './chunkedTransfer.ts';

/** What the worker and the page do, without the threads: split, JSON both sides, assemble in order. */
function roundTrip(value: unknown, maxItems: number): unknown {
  const { skeleton, parts } = splitForTransfer(value, maxItems);
  const assembler = new TransferAssembler(JSON.parse(JSON.stringify(skeleton)));
  for (const part of parts) assembler.apply({ path: part.path, items: JSON.parse(JSON.stringify(part.items)) as unknown[] });
  return assembler.root;
}

/** Nodes reachable twice: JSON would turn them into two copies (structured clone keeps one). Shared leaf
 *  records (only primitive fields, e.g. one source range used by two expressions) are values and harmless;
 *  a shared node with children would be an identity the page could rely on. */
function sharedNodes(value: unknown): number {
  const seen = new Set<object>();
  let shared = 0;
  const walk = (node: unknown): void => {
    if (typeof node !== 'object' || node === null) return;
    if (seen.has(node)) {
      if (Object.values(node).some((v) => typeof v === 'object' && v !== null)) shared++;
      return;
    }
    seen.add(node);
    for (const child of Array.isArray(node) ? node : Object.values(node)) walk(child);
  };
  walk(value);
  return shared;
}

describe('splitForTransfer + TransferAssembler', () => {
  it('splits every long array, nested ones included, and rebuilds the same value', () => {
    const value = { a: Array.from({ length: 7 }, (_, i) => ({ i, inner: Array.from({ length: i }, (_, j) => [j]) })), b: 'x', c: [1, 2] };
    const { skeleton, parts } = splitForTransfer(value, 3);
    // The skeleton keeps short arrays and empties the long one; parts hold at most 3 items each.
    expect(skeleton).toEqual({ a: [], b: 'x', c: [1, 2] });
    expect(parts.every((p) => p.items.length <= 3)).toBe(true);
    // a: 3 parts; inner arrays of 4, 5, 6 items: 2 parts each.
    expect(parts).toHaveLength(3 + 6);
    expect(roundTrip(value, 3)).toEqual(value);
    // The input is not modified (the worker may keep it).
    expect(value.a[6]!.inner).toHaveLength(6);
  });

  it('leaves a value without long arrays untouched (no copy)', () => {
    const value = { x: [1, 2, 3], y: { z: [4] } };
    const { skeleton, parts } = splitForTransfer(value, 3);
    expect(skeleton).toBe(value);
    expect(parts).toEqual([]);
  });

  it('keeps own `__proto__` keys as data (no prototype change)', () => {
    const value = JSON.parse('{"list":[{"__proto__":{"polluted":true}},{"k":1},{"k":2}]}') as unknown;
    const back = roundTrip(value, 1) as { list: Record<string, unknown>[] };
    expect(Object.getPrototypeOf(back.list[0])).toBe(Object.prototype);
    expect(Object.keys(back.list[0]!)).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('throws on a part whose array is missing (a protocol bug)', () => {
    expect(() => new TransferAssembler({ a: 1 }).apply({ path: ['a'], items: [1] })).toThrow(/no array at a/);
  });
});

describe('parse results survive the transfer exactly', () => {
  const dirs = ['nft', 'nft-json', 'iptables', 'ipset', 'ipvs', 'generated'];
  const files = dirs.flatMap((d) => corpusFiles(d, (n) => !n.endsWith('.md')));

  it(`every corpus dump (${files.length} files) round-trips with small parts and has no shared nodes`, () => {
    let checked = 0;
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      const result = parseText(text, detectFormat(text));
      expect(sharedNodes(result), path.basename(file)).toBe(0);
      expect(roundTrip(result, 4), path.basename(file)).toEqual(result);
      checked++;
    }
    expect(checked).toBeGreaterThan(500);
  });

  it('a kube-proxy dump in each mode round-trips with the default part size', () => {
    for (const mode of ['nftables', 'iptables', 'ipvs'] as const) {
      for (const file of generateKubeProxy({ mode, services: 300, endpointsPerService: 3, seed: 5 }).files) {
        const result = parseText(file.text, detectFormat(file.text));
        const { parts } = splitForTransfer(result);
        if (mode !== 'ipvs') expect(parts.length, `${mode} ${file.name}`).toBeGreaterThan(0);
        expect(roundTrip(result, 500), `${mode} ${file.name}`).toEqual(result);
      }
    }
  });
});

describe('TransferReceiver', () => {
  /** A scheduler the test runs by hand, and a clock that advances 1 ms per reading. */
  function harness() {
    const tasks: (() => void)[] = [];
    const schedule: Scheduler = (run) => tasks.push(run);
    let clock = 0;
    const receiver = new TransferReceiver(schedule, () => clock++, 5);
    return { tasks, receiver };
  }

  it('assembles in slices, yielding between them, and reports once every part before the end is in', () => {
    const { tasks, receiver } = harness();
    const value = { rows: Array.from({ length: 40 }, (_, i) => ({ i })) };
    const { skeleton, parts } = splitForTransfer(value, 2);
    receiver.skeleton(JSON.stringify(skeleton));
    for (const p of parts) receiver.part(p.path, JSON.stringify(p.items));
    let done: unknown;
    receiver.end((v) => (done = v));
    // One task is queued at a time; each applies only a few parts within its 5 ms budget.
    let slices = 0;
    while (tasks.length > 0) {
      expect(tasks).toHaveLength(1);
      tasks.shift()!();
      slices++;
    }
    expect(slices).toBeGreaterThan(3);
    expect(done).toEqual(value);
  });

  it('does nothing more once stopped', () => {
    const { tasks, receiver } = harness();
    receiver.skeleton('{"rows":[]}');
    receiver.part(['rows'], '[1]');
    let done = false;
    receiver.end(() => (done = true));
    receiver.stop();
    while (tasks.length > 0) tasks.shift()!();
    expect(done).toBe(false);
  });
});

describe('runInSlices', () => {
  it('runs steps within the budget per slice, yields between slices, and finishes once', () => {
    const tasks: (() => void)[] = [];
    let clock = 0;
    let ran = 0;
    function* steps() {
      for (let i = 0; i < 20; i++) {
        ran++;
        yield;
      }
    }
    let done = 0;
    runInSlices(steps(), (run) => tasks.push(run), () => done++, () => clock++, 4);
    expect(ran).toBe(0); // nothing before the first slice
    let slices = 0;
    while (tasks.length > 0) {
      tasks.shift()!();
      slices++;
    }
    expect(ran).toBe(20);
    expect(done).toBe(1);
    expect(slices).toBeGreaterThan(4);
  });
});
