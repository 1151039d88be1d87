// nft text parser (`nft list ruleset`, `nft -a list ruleset`, `nft -f` scripts) → IR. Scans, parses the
// commands and blocks, and applies them in order as the kernel would. Never throws: bad input gives
// diagnostics (codes NFT1xxx, see messages.ts). Imports the model and this parser's modules.
import type { ParseResult } from '../../model/ir.ts';
import { DiagnosticBag } from '../diagnostics.ts';
import { meterFor, type ProgressListener } from '../progress.ts';
import { RulesetBuilder } from './builder.ts';
import { NftParser } from './parser.ts';

/** `onProgress` hears the share of the text read (reading is ~90 % of the work; building the IR the rest). */
export function parseNft(text: string, onProgress?: ProgressListener): ParseResult {
  const bag = new DiagnosticBag();
  const meter = meterFor(text, onProgress, 0.9);
  const parser = new NftParser(text, bag, meter);
  let commands;
  try {
    commands = parser.parse();
  } catch (err) {
    // A bug in the parser must not take the app down: report it at the current position.
    bag.error('NFT1099', `internal parser error: ${err instanceof Error ? err.message : String(err)}`, { start: parser.p.lastEnd, end: parser.p.lastEnd });
    commands = parser.commands;
  }
  meter?.done(0.9);
  const builder = new RulesetBuilder(bag);
  try {
    builder.applyAll(commands);
  } catch (err) {
    bag.error('NFT1099', `internal parser error: ${err instanceof Error ? err.message : String(err)}`, { start: 0, end: 0 });
  }
  const diagnostics = [...bag.items].sort((a, b) => a.range.start - b.range.start);
  return { ruleset: builder.build(), diagnostics };
}
