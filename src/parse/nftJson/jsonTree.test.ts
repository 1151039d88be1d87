import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { corpusFiles } from '../../../test/corpus.ts';
import { parseJsonTree, type JsonNode } from './jsonTree.ts';

/** The tree as plain JSON values, to compare with JSON.parse. */
function toPlain(n: JsonNode): unknown {
  switch (n.kind) {
    case 'object':
      return Object.fromEntries(n.members.map((m) => [m.key, toPlain(m.value)]));
    case 'array':
      return n.items.map(toPlain);
    case 'null':
      return null;
    default:
      return n.value;
  }
}

const slice = (text: string, n: { start: number; end: number }) => text.slice(n.start, n.end);

describe('parseJsonTree', () => {
  it('keeps the source range of every value and key', () => {
    const text = '{ "a" : [1, "x\\"y", {"b": null}], "c": -2.5e3 }';
    const { root, error } = parseJsonTree(text);
    expect(error).toBeUndefined();
    if (root?.kind !== 'object') throw new Error('object expected');
    const [a, c] = root.members;
    expect(slice(text, { start: a!.keyStart, end: a!.keyEnd })).toBe('"a"');
    expect(slice(text, a!.value)).toBe('[1, "x\\"y", {"b": null}]');
    if (a!.value.kind !== 'array') throw new Error('array expected');
    expect(a!.value.items.map((i) => slice(text, i))).toEqual(['1', '"x\\"y"', '{"b": null}']);
    expect(slice(text, c!.value)).toBe('-2.5e3');
    expect(c!.value).toMatchObject({ kind: 'number', value: -2500, isInteger: false });
    expect(slice(text, root)).toBe(text);
  });

  it('decodes escapes, including surrogate pairs', () => {
    const { root } = parseJsonTree('["a\\nb\\t\\u00e9\\ud83d\\ude00\\/\\\\"]');
    expect(toPlain(root!)).toEqual(['a\nb\té😀/\\']);
  });

  it('keeps the digits of integers beyond 2^53', () => {
    const { root } = parseJsonTree('[18446744073709551615]');
    expect(root).toMatchObject({ items: [{ kind: 'number', raw: '18446744073709551615', isInteger: true }] });
  });

  it.each([
    ['{"a": 1 "b": 2}', 8, "',' or '}' expected"],
    ['[1, 2', 5, "',' or ']' expected, found end of input"],
    ['{"a": "unterminated', 6, 'unterminated string'],
    ['["\\x"]', 2, "invalid escape '\\x'"],
    ['[01]', 1, 'leading zeros'],
    ['{"a": tru}', 6, 'value expected'],
    ['{"a": 1} x', 9, 'after the end of the JSON document'],
    ['["a\tb"]', 3, 'control character'],
    ['{a: 1}', 1, 'property name in double quotes expected'],
    ['', 0, 'value expected, found end of input'],
  ])('reports %j at offset %i', (text, offset, message) => {
    const { error } = parseJsonTree(text);
    expect(error?.start).toBe(offset);
    expect(error?.message).toContain(message);
  });

  it('stops malicious nesting with an error instead of a stack overflow', () => {
    for (const open of ['[', '{"a":']) {
      const text = open.repeat(200_000);
      const { error, root } = parseJsonTree(text);
      expect(error?.tooDeep).toBe(true);
      expect(error?.start).toBe(256 * open.length);
      expect(root?.incomplete).toBe(true);
    }
  });

  it('returns the partial tree of a truncated document, open containers marked incomplete', () => {
    const text = '{"nftables": [{"table": {"family": "ip", "name": "t"}}, {"chain": {"fam';
    const { root, error } = parseJsonTree(text);
    expect(error?.message).toContain('unterminated string');
    expect(root?.incomplete).toBe(true);
    const items = root?.kind === 'object' && root.members[0]?.value.kind === 'array' ? root.members[0].value.items : [];
    expect(items.map((i) => i.incomplete ?? false)).toEqual([false, true]);
    expect(toPlain(items[0]!)).toEqual({ table: { family: 'ip', name: 't' } });
  });

  it('reports duplicate keys (the last one wins, as in jansson)', () => {
    const { root, duplicateKeys } = parseJsonTree('{"a": 1, "b": 2, "a": 3}');
    expect(duplicateKeys.map((d) => [d.key, d.keyStart])).toEqual([['a', 17]]);
    expect(root?.kind === 'object' && root.members.length).toBe(3);
  });

  it('reads every nft JSON file of the corpus exactly as JSON.parse does', () => {
    const files = [...corpusFiles('nft-json'), ...corpusFiles('generated/nft-json'), ...corpusFiles('nft-json-fragments')];
    expect(files.length).toBeGreaterThan(400);
    for (const f of files) {
      const text = readFileSync(f, 'utf8');
      const { root, error } = parseJsonTree(text);
      expect(error, f).toBeUndefined();
      expect(toPlain(root!), f).toEqual(JSON.parse(text));
    }
  });
});
