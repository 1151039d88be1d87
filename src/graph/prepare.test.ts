import { describe, expect, it } from 'vitest';
import { generateKubeProxy } from '../../scripts/kubeproxy/generate.ts';
import type { ParsedSource } from '../model/ir.ts';
import { detectFormat, parseText } from '../parse/index.ts';
import { buildGraph } from './buildGraph.ts';
import { prepareGraphSteps } from './prepare.ts';

function parsed(text: string, id: string): ParsedSource {
  const format = detectFormat(text);
  return { source: { id, name: id, format, text }, result: parseText(text, format) };
}

describe('prepareGraphSteps', () => {
  for (const mode of ['nftables', 'iptables'] as const) {
    it(`${mode}: takes many small steps on a big table, and the graph built afterwards is the same`, () => {
      const text = generateKubeProxy({ mode, services: 1500, endpointsPerService: 2, seed: 9 }).files[0]!.text;
      const warmed = parsed(text, 'a');
      const cold = parsed(text, 'a');
      let steps = 0;
      for (const _ of prepareGraphSteps(warmed)) steps++;
      // Over 2 000 chains: the index is built in more than one slice.
      expect(warmed.result.ruleset.tables.some((t) => t.chains.length > 2000)).toBe(true);
      expect(steps).toBeGreaterThan(4);
      const expanded = buildGraph({ sources: [cold] }).nodes.filter((n) => n.kind === 'aggregate').map((n) => n.id);
      expect(expanded.length).toBeGreaterThan(0);
      for (const options of [{}, { expanded }]) {
        expect(buildGraph({ sources: [warmed] }, options)).toEqual(buildGraph({ sources: [cold] }, options));
      }
      // Warming twice takes no step on an indexed table beyond the cheap view look-ups.
      let again = 0;
      for (const _ of prepareGraphSteps(warmed)) again++;
      expect(again).toBeLessThan(steps);
    });
  }
});

describe('outlineSteps', () => {
  it('builds a big table a slice at a time; the outline and its index are then the same as built at once', async () => {
    const { buildOutline, indexOutline, outlineSteps } = await import('./outline.ts');
    const text = generateKubeProxy({ mode: 'nftables', services: 1500, endpointsPerService: 2, seed: 4 }).files[0]!.text;
    const warmed = parsed(text, 'w');
    const cold = parsed(text, 'w');
    let steps = 0;
    for (const _ of outlineSteps({ sourceId: 'w', text, result: warmed.result })) steps++;
    expect(steps).toBeGreaterThan(2);
    const input = (p: ParsedSource) => [{ sourceId: 'w', name: 'dump', text, result: p.result }];
    const a = buildOutline(input(warmed));
    const b = buildOutline(input(cold));
    expect(a).toEqual(b);
    // The warmed table subtree is reused, not rebuilt.
    expect(buildOutline(input(warmed))[0]!.children[0]).toBe(a[0]!.children[0]);
    const ia = indexOutline(a);
    const ib = indexOutline(b);
    expect([...ia.byId.keys()].sort()).toEqual([...ib.byId.keys()].sort());
    for (const id of [...ib.byId.keys()].slice(0, 5000)) {
      expect(ia.byId.get(id)).toEqual(ib.byId.get(id));
      expect(ia.parentOf.get(id)).toBe(ib.parentOf.get(id));
    }
  });
});
