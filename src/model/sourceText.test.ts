import { describe, expect, it } from 'vitest';
import { LineIndex } from './sourceText.ts';

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
