// The workspace of one kube-proxy proxy mode, read from a dump folder by the real parsers, with the
// generator's ground truth. Node-only (reads files); imports the parsers.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Source, SourceFormat, Workspace } from '../../src/model/ir.ts';
import { parseWorkspace } from '../../src/parse/index.ts';
import type { ExpectedServicePort } from '../kubeproxy/generate.ts';

export type ProxyMode = 'nft' | 'iptables' | 'ipvs';

export const PROXY_MODES: readonly ProxyMode[] = ['nft', 'iptables', 'ipvs'];

/** The files a user of each mode pastes: [folder, file, format]. */
const MODE_FILES: Record<ProxyMode, readonly (readonly [string, string, SourceFormat])[]> = {
  nft: [['nftables', 'nft-list-ruleset.nft', 'nft']],
  iptables: [['iptables', 'iptables-save.txt', 'iptables']],
  ipvs: [
    ['ipvs', 'ipvsadm-Ln.txt', 'ipvs'],
    ['ipvs', 'ipset-save.txt', 'ipset'],
    ['ipvs', 'iptables-save.txt', 'iptables'],
  ],
};

export interface LoadedWorkspace {
  readonly workspace: Workspace;
  readonly services: readonly ExpectedServicePort[];
  readonly rules: number;
  readonly parseMs: number;
  readonly nodeIP: string;
}

export function loadWorkspace(mode: string, dumpDir: string): LoadedWorkspace {
  const files = MODE_FILES[mode as ProxyMode];
  if (!files) throw new Error(`unknown proxy mode ${mode}`);
  const sources: Source[] = files.map(([dir, name, format]) => ({ id: name, name, format, text: readFileSync(join(dumpDir, dir, name), 'utf8') }));
  const start = performance.now();
  const workspace = parseWorkspace(sources);
  const parseMs = performance.now() - start;
  const { services, nodeIP } = JSON.parse(readFileSync(join(dumpDir, files[0]![0], 'expected.json'), 'utf8')) as { services: ExpectedServicePort[]; nodeIP: string };
  const rules = workspace.sources.reduce((n, s) => n + s.result.ruleset.tables.reduce((m, t) => m + t.chains.reduce((k, c) => k + c.rules.length, 0), 0), 0);
  return { workspace, services, rules, parseMs, nodeIP };
}
