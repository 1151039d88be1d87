import { describe, expect, it } from 'vitest';
import { diagnosticsToMarkers } from './markers.ts';

const TEXT = 'table ip t {\n\tchain c {\n\t\tip saddr 1.2.3 accept\n\t}\n';

describe('diagnosticsToMarkers', () => {
  it('turns offsets into 1-based lines and columns, keeping code and severity', () => {
    const start = TEXT.indexOf('1.2.3');
    const [m] = diagnosticsToMarkers(
      [{ severity: 'error', code: 'NFT0101', message: 'bad address', range: { start, end: start + 5 } }],
      TEXT,
    );
    expect(m).toEqual({
      startLineNumber: 3,
      startColumn: 12,
      endLineNumber: 3,
      endColumn: 17,
      severity: 'error',
      code: 'NFT0101',
      message: 'bad address',
    });
  });

  it('widens an empty range to one character, except at the end of a line', () => {
    const at = TEXT.indexOf('accept');
    const eol = TEXT.indexOf('\n');
    const [inLine, atEol] = diagnosticsToMarkers(
      [
        { severity: 'warning', code: 'W', message: 'here', range: { start: at, end: at } },
        { severity: 'error', code: 'E', message: 'end', range: { start: eol, end: eol } },
      ],
      TEXT,
    );
    expect([inLine?.startColumn, inLine?.endColumn]).toEqual([18, 19]);
    expect([atEol?.startLineNumber, atEol?.startColumn, atEol?.endColumn]).toEqual([1, 13, 13]);
  });

  it('keeps the related location (the `{` of an unclosed block)', () => {
    const brace = TEXT.indexOf('{', TEXT.indexOf('chain'));
    const [m] = diagnosticsToMarkers(
      [
        {
          severity: 'error',
          code: 'NFT0002',
          message: "'}' expected",
          range: { start: TEXT.length, end: TEXT.length },
          related: { message: 'block opened here', range: { start: brace, end: brace + 1 } },
        },
      ],
      TEXT,
    );
    expect(m?.startLineNumber).toBe(5);
    expect(m?.related).toEqual({ startLineNumber: 2, startColumn: 10, endLineNumber: 2, endColumn: 11, message: 'block opened here' });
  });
});
