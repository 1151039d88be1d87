import { describe, expect, it } from 'vitest';
import { parseText } from './index.ts';
import { ProgressMeter } from './progress.ts';

describe('ProgressMeter', () => {
  it('reports at most once per percent, in order, scaled by its share', () => {
    const heard: number[] = [];
    const meter = new ProgressMeter(1000, (f) => heard.push(f), 0.5);
    for (let offset = 0; offset <= 1000; offset += 3) meter.at(offset);
    expect(heard.length).toBeGreaterThan(90);
    expect(heard.length).toBeLessThanOrEqual(100);
    expect(heard).toEqual([...heard].sort((a, b) => a - b));
    expect(heard.at(-1)).toBeCloseTo(0.5, 1);
  });
});

describe('parseText progress', () => {
  const rules = Array.from({ length: 3000 }, (_, i) => `\t\tip saddr 10.0.${i >> 8}.${i & 255} tcp dport ${i} accept`).join('\n');
  const nft = `table ip t {\n\tchain c {\n${rules}\n\t}\n}\n`;

  it('nft text: rising fractions up to 1, and the same result as without a listener', () => {
    const heard: number[] = [];
    const withReports = parseText(nft, 'nft', { onProgress: (f) => heard.push(f) });
    expect(heard.length).toBeGreaterThan(50);
    expect(heard).toEqual([...heard].sort((a, b) => a - b));
    expect(heard.at(-1)).toBeLessThanOrEqual(1);
    expect(heard.at(-1)).toBeGreaterThanOrEqual(0.9);
    expect(withReports).toEqual(parseText(nft, 'nft'));
  });

  it('iptables-save: rising fractions, and the same result as without a listener', () => {
    const lines = Array.from({ length: 3000 }, (_, i) => `-A INPUT -s 10.0.${i >> 8}.${i & 255}/32 -p tcp -m tcp --dport ${i} -j ACCEPT`);
    const save = ['*filter', ':INPUT ACCEPT [0:0]', ...lines, 'COMMIT', ''].join('\n');
    const heard: number[] = [];
    const withReports = parseText(save, 'iptables', { onProgress: (f) => heard.push(f) });
    expect(heard.length).toBeGreaterThan(50);
    expect(heard).toEqual([...heard].sort((a, b) => a - b));
    expect(heard.at(-1)).toBeLessThanOrEqual(1);
    expect(withReports).toEqual(parseText(save, 'iptables'));
  });

  it('formats without reports parse the same with a listener', () => {
    const heard: number[] = [];
    const json = '{"nftables":[{"metainfo":{"json_schema_version":1}},{"table":{"family":"ip","name":"t","handle":1}}]}';
    expect(parseText(json, 'nft-json', { onProgress: (f) => heard.push(f) })).toEqual(parseText(json, 'nft-json'));
  });
});
