import { describe, expect, it } from 'vitest';
import { LineIndex, lineIndexOf } from './sourceText.ts';

describe('LineIndex', () => {
  const text = 'table ip t {\n\tchain c {\n\t}\n}\n';
  const lines = new LineIndex(text);

  it('maps offsets to 1-based line and column', () => {
    expect(lines.lineColOf(0)).toEqual({ line: 1, column: 1 });
    expect(lines.lineColOf(text.indexOf('chain'))).toEqual({ line: 2, column: 2 });
    expect(lines.lineColOf(text.length)).toEqual({ line: 5, column: 1 });
  });

  it('maps line and column back to offsets', () => {
    expect(lines.offsetOf(2, 2)).toBe(text.indexOf('chain'));
  });

  it('returns a line without its newline', () => {
    expect(lines.lineText(2)).toBe('\tchain c {');
    expect(lines.lineText(99)).toBe('');
  });
});

describe('lineIndexOf', () => {
  it('gives the same index for the same text, and a fresh one for another', () => {
    const a = 'table ip t {\n}\n';
    const first = lineIndexOf(a);
    expect(lineIndexOf(`${a}`)).toBe(first);
    const b = 'x\ny\nz';
    expect(lineIndexOf(b)).not.toBe(first);
    expect(lineIndexOf(b).lineColOf(4)).toEqual({ line: 3, column: 1 });
    expect(lineIndexOf(a)).toBe(first);
  });
});
