import { describe, expect, it } from 'vitest';
import { groupedNumber } from './numberText.ts';

describe('groupedNumber', () => {
  it("writes integers as toLocaleString('en-US') does", () => {
    const samples = [0, 1, 9, 10, 999, 1000, 1001, 12345, 100000, 999999, 1000000, 263271, 34_900_000, Number.MAX_SAFE_INTEGER, -1, -1000, -123456789];
    for (const n of samples) expect(groupedNumber(n), String(n)).toBe(n.toLocaleString('en-US'));
  });

  it('leaves other numbers to toLocaleString', () => {
    expect(groupedNumber(1234.5)).toBe((1234.5).toLocaleString('en-US'));
  });
});
