// Entry point of the parsers: one function per format, format auto-detection, and the workspace builder.
// Imports the model and the per-format parsers only.
import type { ProgressListener } from './progress.ts';
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
export interface ParseOptions {
  /** Hears how far the parse is (0..1), at most once per percent, from the parsers that can tell (nft text,
   *  iptables-save); the others parse without reports. */
  readonly onProgress?: ProgressListener;
}

export function parseText(text: string, format: SourceFormat | 'auto' = 'auto', options: ParseOptions = {}): ParseResult & { format: SourceFormat } {
  const resolved = format === 'auto' ? detectFormat(text) : format;
  return { format: resolved, ...parseWithFormat(text, resolved, options.onProgress) };
}

/** The largest text nflens parses, in UTF-16 units: 128 Mi characters, well above the 50 MB pastes of big
 *  kube-proxy nodes, and below what a browser tab can hold with the IR of it (about 20 bytes of IR per
 *  character of a dense dump). */
export const MAX_INPUT_CHARS = 128 * 1024 * 1024;

/** What a too-large text parses to: nothing, with an error that says why (no parser sees it). */
function tooLarge(text: string): ParseResult {
  const mib = (n: number) => `${(n / (1024 * 1024)).toFixed(1)} Mi`;
  return {
    ruleset: { tables: [], ipvs: [] },
    diagnostics: [
      {
        severity: 'error',
        code: 'SRC1001',
        message: `the text is ${mib(text.length)} characters; nflens reads at most ${mib(MAX_INPUT_CHARS)} characters per source (split the dump, e.g. one table per source)`,
        range: { start: 0, end: 0 },
      },
    ],
  };
}

function parseWithFormat(text: string, format: SourceFormat, onProgress?: ProgressListener): ParseResult {
  if (text.length > MAX_INPUT_CHARS) return tooLarge(text);
  switch (format) {
    case 'nft':
      return parseNft(text, onProgress);
    case 'nft-json':
      return parseNftJson(text);
    case 'iptables':
      return parseIptables(text, onProgress ? { onProgress } : {});
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
