// Warms what the graph caches per table (the table index: every rule's references; the aggregate views
// of its chain and set names) one slice at a time, so that a page can do it between frames right after a
// big parse and then draw its first graph in one short task. Pure; imports this folder.
import type { ParsedSource } from '../model/ir.ts';
import { viewOf } from './aggregate.ts';
import { DEFAULT_GRAPH_OPTIONS } from './buildGraph.ts';
import { hookedSet, regularChainNames, tableIndexSteps } from './tableIndex.ts';

/** Steps that leave the source's tables indexed and their top-level aggregate views computed. A graph
 *  built afterwards gives the same model as without them, only sooner. */
export function* prepareGraphSteps(source: ParsedSource): Generator<void, void, void> {
  // Whether a chain is hooked depends on its own table and source only: a one-source workspace says.
  const hooked = hookedSet({ sources: [source] });
  const { maxTableNodes, maxExpandedNodes } = DEFAULT_GRAPH_OPTIONS;
  for (const table of source.result.ruleset.tables) {
    const index = yield* tableIndexSteps(table);
    yield;
    viewOf(regularChainNames(hooked, table), maxTableNodes, maxExpandedNodes);
    yield;
    viewOf(index.setNames, maxTableNodes, maxExpandedNodes);
    yield;
  }
}
