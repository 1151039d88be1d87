import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { corpusFiles, sharedDir } from './corpus.ts';

describe('corpus helper', () => {
  const saved = process.env.NFLENS_SHARED;
  afterEach(() => {
    if (saved === undefined) delete process.env.NFLENS_SHARED;
    else process.env.NFLENS_SHARED = saved;
  });

  it('honours NFLENS_SHARED and lists and filters files', () => {
    const root = mkdtempSync(join(tmpdir(), 'nflens-shared-'));
    mkdirSync(join(root, 'corpus', 'x'), { recursive: true });
    writeFileSync(join(root, 'corpus', 'x', 'b.txt'), '');
    writeFileSync(join(root, 'corpus', 'x', 'a.txt'), '');
    writeFileSync(join(root, 'corpus', 'x', 'c.nft'), '');
    process.env.NFLENS_SHARED = root;
    expect(sharedDir()).toBe(root);
    expect(corpusFiles('x', (n) => n.endsWith('.txt')).map((p) => p.slice(root.length))).toEqual(['/corpus/x/a.txt', '/corpus/x/b.txt']);
  });

  it('falls back when NFLENS_SHARED points nowhere', () => {
    process.env.NFLENS_SHARED = '/nonexistent-nflens';
    expect(sharedDir()).not.toBe('/nonexistent-nflens');
  });
});
