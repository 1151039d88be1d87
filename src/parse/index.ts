// Entry point of the parsers: one function per format, format auto-detection, and the workspace builder.
// Imports the model and the per-format parsers only.
import type { ParseResult, ParsedSource, Source, SourceFormat, Workspace } from '../model/ir.ts';
import { detectFormat } from './detect.ts';
import { parseNft } from './nft/index.ts';
import { parseNftJson } from './nftJson/index.ts';
import { parseIptables } from './iptables/index.ts';
import { parseIpset } from './ipset/index.ts';
import { parseIpvs } from './ipvs/index.ts';

export { detectFormat } from './detect.ts';
export { checkWorkspace, checkWorkspaceFacts, collectWorkspaceFacts, isXtablesCompatTable, type WorkspaceDiagnostic, type WorkspaceFacts } from './workspace.ts';
export { printIpsetSave } from './ipset/index.ts';
export { printIpvsadmSave } from './ipvs/index.ts';
export { parseNft, parseNftJson, parseIptables, parseIpset, parseIpvs };

export const FORMATS: readonly SourceFormat[] = ['nft', 'nft-json', 'iptables', 'ipset', 'ipvs'];

export function isSourceFormat(s: string): s is SourceFormat {
  return (FORMATS as readonly string[]).includes(s);
}

/** Parses one text in the given format (or the detected one). Never throws. */
export function parseText(text: string, format: SourceFormat | 'auto' = 'auto'): ParseResult & { format: SourceFormat } {
  const resolved = format === 'auto' ? detectFormat(text) : format;
  return { format: resolved, ...parseWithFormat(text, resolved) };
}

function parseWithFormat(text: string, format: SourceFormat): ParseResult {
  switch (format) {
    case 'nft':
      return parseNft(text);
    case 'nft-json':
      return parseNftJson(text);
    case 'iptables':
      return parseIptables(text);
    case 'ipset':
      return parseIpset(text);
    case 'ipvs':
      return parseIpvs(text);
  }
}

/** Parses every source of a workspace. */
export function parseWorkspace(sources: readonly Source[]): Workspace {
  const parsed: ParsedSource[] = sources.map((source) => ({ source, result: parseWithFormat(source.text, source.format) }));
  return { sources: parsed };
}
