import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { corpusFiles, sharedDir } from './corpus.ts';

describe('test/corpus helper', () => {
  const saved = process.env.NFLENS_SHARED;
  afterEach(() => {
    if (saved === undefined) delete process.env.NFLENS_SHARED;
    else process.env.NFLENS_SHARED = saved;
  });

  it('honours NFLENS_SHARED and lists a folder sorted, filtered', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'nflens-shared-'));
    try {
      mkdirSync(path.join(dir, 'corpus', 'x'), { recursive: true });
      for (const name of ['b.txt', 'a.txt', 'c.json']) writeFileSync(path.join(dir, 'corpus', 'x', name), '');
      process.env.NFLENS_SHARED = dir;
      expect(sharedDir()).toBe(dir);
      expect(corpusFiles('x').map((f) => path.basename(f))).toEqual(['a.txt', 'b.txt', 'c.json']);
      expect(corpusFiles('x', (n) => n.endsWith('.txt')).map((f) => path.basename(f))).toEqual(['a.txt', 'b.txt']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('falls back when NFLENS_SHARED has no corpus', () => {
    process.env.NFLENS_SHARED = path.join(tmpdir(), 'nflens-does-not-exist');
    expect(sharedDir()).not.toBe(process.env.NFLENS_SHARED);
  });
});
