// Counts of what a ruleset holds, as the CLI and the outline show them. Pure; imports only IR types.
import type { Ruleset } from './ir.ts';

export interface RulesetSummary {
  tables: number;
  chains: number;
  baseChains: number;
  rules: number;
  sets: number;
  maps: number;
  elements: number;
  flowtables: number;
  objects: number;
  ipvsServices: number;
  ipvsReals: number;
}

export function summarizeRuleset(ruleset: Ruleset): RulesetSummary {
  const s: RulesetSummary = {
    tables: ruleset.tables.length,
    chains: 0,
    baseChains: 0,
    rules: 0,
    sets: 0,
    maps: 0,
    elements: 0,
    flowtables: 0,
    objects: 0,
    ipvsServices: ruleset.ipvs.length,
    ipvsReals: 0,
  };
  for (const table of ruleset.tables) {
    s.chains += table.chains.length;
    for (const chain of table.chains) {
      if (chain.base) s.baseChains++;
      s.rules += chain.rules.length;
    }
    for (const set of table.sets) {
      if (set.kind === 'map') s.maps++;
      else s.sets++;
      s.elements += set.elements.length;
    }
    s.flowtables += table.flowtables.length;
    s.objects += table.objects.length;
  }
  for (const service of ruleset.ipvs) s.ipvsReals += service.reals.length;
  return s;
}
