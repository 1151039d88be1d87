import { describe, expect, it } from 'vitest';
import { type NameEntry, nextBoundary, revealPath, splitNames, viewNames } from './aggregate.ts';

const show = (entries: readonly NameEntry[]): string[] => entries.map((e) => (e.kind === 'leaf' ? e.name : `${e.group.key}* ×${e.group.names.length}`));

describe('name grouping', () => {
  it('finds word boundaries after separators and where letters turn into digits', () => {
    expect(nextBoundary('KUBE-SVC-ABC', 0)).toBe(5);
    expect(nextBoundary('KUBE-SVC-ABC', 5)).toBe(9);
    expect(nextBoundary('KUBE-SVC-ABC', 9)).toBe(12);
    expect(nextBoundary('chain12', 0)).toBe(5);
    expect(nextBoundary('endpoint-X-ns/name/tcp/p__10.0.0.1/80', 9)).toBe(11);
  });

  it('groups kube-proxy names by their common word prefix, skipping a prefix everyone shares', () => {
    const names = ['KUBE-SERVICES', 'KUBE-MARK-MASQ', ...['A1', 'B2', 'C3', 'D4'].map((h) => `KUBE-SVC-${h}`), ...['E5', 'F6', 'G7'].map((h) => `KUBE-SEP-${h}`)];
    expect(show(splitNames(names, '', 10))).toEqual(['KUBE-SERVICES', 'KUBE-MARK-MASQ', 'KUBE-SVC-* ×4', 'KUBE-SEP-* ×3']);
  });

  it('falls back to next characters, then to character ranges, when words are too many', () => {
    const hashes = Array.from({ length: 64 }, (_, i) => `svc-${'ABCDEFGHIJKLMNOP'[i % 16]}${i}`);
    const byChar = splitNames(hashes, 'svc-', 20);
    expect(byChar).toHaveLength(16);
    expect(show(byChar)[0]).toBe('svc-A* ×4');
    const ranges = splitNames(hashes, 'svc-', 5);
    expect(ranges.length).toBeLessThanOrEqual(5);
    expect(show(ranges)[0]).toBe('svc-[A-D]* ×16');
    // Every name lands in exactly one entry.
    const members = ranges.flatMap((e) => (e.kind === 'leaf' ? [e.name] : e.group.names));
    expect([...members].sort()).toEqual([...hashes].sort());
  });

  it('shows everything within the budget, and refines small groups into members but not into pages', () => {
    expect(show(viewNames(['a-1', 'a-2', 'b'], '', 5))).toEqual(['a-1', 'a-2', 'b']);
    const names = ['KUBE-MARK-MASQ', 'KUBE-MARK-DROP', 'KUBE-SERVICES', ...Array.from({ length: 500 }, (_, i) => `KUBE-SVC-${(i * 7919).toString(36).toUpperCase()}X`)];
    const view = viewNames(names, '', 10);
    expect(show(view)).toEqual(['KUBE-MARK-MASQ', 'KUBE-MARK-DROP', 'KUBE-SERVICES', 'KUBE-SVC-* ×500']);
  });

  it('says which groups to expand to reveal a name, level by level, within each budget', () => {
    const names = Array.from({ length: 3000 }, (_, i) => `endpoint-${(i * 2654435761 >>> 0).toString(32).toUpperCase()}-svc`);
    const target = names[1234] as string;
    const path = revealPath(names, target, 10, 40);
    expect(path.length).toBeGreaterThanOrEqual(2);
    // Everything shares `endpoint-`: the top level is already its pages (`endpoint-[0-3]*` …).
    expect(path[0]?.prefix).toBe('endpoint-');
    for (const group of path) expect(group.names).toContain(target);
    // The innermost group is small enough to list its members.
    const last = path[path.length - 1];
    expect(show(viewNames(last?.names ?? [], last?.prefix ?? '', 40))).toContain(target);
    expect(revealPath(['a', 'b'], 'a', 10, 40)).toEqual([]);
  });
});
