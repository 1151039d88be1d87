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
