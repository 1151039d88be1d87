import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { buildPipeline } from '../../graph/index.ts';
import { parseWorkspace } from '../../parse/index.ts';
import { ALL_FAMILIES, arrowSides, gridOf, gridSize, laneOf } from './pipelineGrid.ts';

const read = (p: string) => readFileSync(fileURLToPath(new URL(`../../examples/${p}`, import.meta.url)), 'utf8');

describe('pipeline grid', () => {
  const mixed = parseWorkspace([
    { id: 'n', name: 'nft', format: 'nft', text: read('legacy-and-nft/nft-list-ruleset.nft') },
    { id: 'l', name: 'legacy', format: 'iptables', text: read('legacy-and-nft/iptables-legacy-save.txt') },
  ]);

  it('places every stage of every family in its own cell, and every link joins neighbouring cells', () => {
    for (const family of ALL_FAMILIES) {
      const pipeline = buildPipeline(mixed, family);
      const grid = gridOf(pipeline);
      const cells = pipeline.stages.map((s) => grid[s.id]!);
      expect(cells.every(Boolean), family).toBe(true);
      expect(new Set(cells.map((c) => `${c.row},${c.col}`)).size, family).toBe(cells.length);
      const { rows, cols } = gridSize(grid);
      expect(rows * cols).toBeGreaterThanOrEqual(cells.length);
      for (const link of pipeline.links) {
        const a = grid[link.from]!;
        const b = grid[link.to]!;
        // Arrows only join cells in one row or one column, so they never cross a stage box.
        expect(a.row === b.row || a.col === b.col, `${family} ${link.from}→${link.to}`).toBe(true);
      }
    }
  });

  it('the arriving path reads left to right; local delivery and output go down and back up', () => {
    const grid = gridOf(buildPipeline(mixed, 'ip'));
    expect(arrowSides(grid.prerouting!, grid['route-in']!)).toEqual({ from: 'right', to: 'left' });
    expect(arrowSides(grid['route-in']!, grid.input!)).toEqual({ from: 'bottom', to: 'top' });
    expect(arrowSides(grid.output!, grid.postrouting!)).toEqual({ from: 'top', to: 'bottom' });
    expect(arrowSides({ row: 0, col: 3 }, { row: 0, col: 1 })).toEqual({ from: 'left', to: 'right' });
  });

  it('puts iptables-legacy chains beside the nf_tables ones, and the kernel’s own entries across both', () => {
    const input = buildPipeline(mixed, 'ip').stages.find((s) => s.id === 'input')!;
    const lanes = input.entries.map((e) => [e.label, laneOf(e)]);
    expect(lanes).toContainEqual(['ip filter INPUT', 'xtables']);
    expect(lanes).toContainEqual(['inet filter input', 'nf_tables']);
    expect(lanes.filter(([, l]) => l === 'both').length).toBeGreaterThan(0);
  });
});
