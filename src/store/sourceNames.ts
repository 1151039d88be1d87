// Names of sources: the command each format comes from, and names kept unique within a workspace so that
// the outline, the problems list and workspace messages can tell sources apart. Pure; imports model types.
import type { SourceFormat } from '../model/ir.ts';

/** What a user runs to get each format: the natural name of a pasted dump. */
export const FORMAT_LABEL: Readonly<Record<SourceFormat, string>> = {
  nft: 'nft list ruleset',
  'nft-json': 'nft -j list ruleset (JSON)',
  iptables: 'iptables-save',
  ipset: 'ipset save',
  ipvs: 'ipvsadm -Ln',
};

/** Short name of a format for badges and lists. */
export const FORMAT_SHORT: Readonly<Record<SourceFormat, string>> = {
  nft: 'nft',
  'nft-json': 'nft JSON',
  iptables: 'iptables',
  ipset: 'ipset',
  ipvs: 'ipvsadm',
};

/** The name of a source that has none yet. */
export const UNTITLED = 'untitled';

/** `wanted`, or `wanted (2)`, `wanted (3)`… when another source already has that name. */
export function uniqueName(wanted: string, taken: readonly string[]): string {
  const base = wanted.trim() === '' ? UNTITLED : wanted.trim();
  const names = new Set(taken);
  if (!names.has(base)) return base;
  for (let n = 2; ; n++) {
    const candidate = `${base} (${n})`;
    if (!names.has(candidate)) return candidate;
  }
}
