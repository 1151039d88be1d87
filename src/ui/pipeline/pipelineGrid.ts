// Where each stage of the packet-flow diagram sits (a small grid, the classic netfilter picture: the
// arriving path along the top, forward in the middle of it, local delivery and locally sent packets below)
// and from which side an arrow leaves and enters, plus which side of the entries' lanes a chain is on.
// Pure; imports the graph core's pipeline types.
import type { PipelineEntry, PipelineFamily, PipelineModel } from '../../graph/index.ts';

export interface Cell {
  readonly row: number;
  readonly col: number;
}

const L3: Readonly<Record<string, Cell>> = {
  ingress: { row: 0, col: 0 },
  prerouting: { row: 0, col: 1 },
  'route-in': { row: 0, col: 2 },
  forward: { row: 0, col: 3 },
  postrouting: { row: 0, col: 4 },
  egress: { row: 0, col: 5 },
  input: { row: 1, col: 2 },
  local: { row: 1, col: 3 },
  'route-out': { row: 2, col: 3 },
  output: { row: 2, col: 4 },
};

const BRIDGE: Readonly<Record<string, Cell>> = {
  ingress: { row: 0, col: 0 },
  prerouting: { row: 0, col: 1 },
  'bridge-decision': { row: 0, col: 2 },
  forward: { row: 0, col: 3 },
  postrouting: { row: 0, col: 4 },
  egress: { row: 0, col: 5 },
  input: { row: 1, col: 2 },
  local: { row: 1, col: 3 },
  output: { row: 1, col: 4 },
};

/** Grid cells of the stages of a pipeline; stages the table does not know are appended on a last row. */
export function gridOf(pipeline: PipelineModel): Record<string, Cell> {
  const fixed: Readonly<Record<string, Cell>> = pipeline.family === 'bridge' ? BRIDGE : pipeline.family === 'netdev' || pipeline.family === 'arp' ? {} : L3;
  const out: Record<string, Cell> = {};
  let col = 0;
  const lastRow = Math.max(-1, ...Object.values(fixed).map((c) => c.row)) + 1;
  for (const stage of pipeline.stages) {
    const cell = fixed[stage.id];
    // netdev and arp are a straight line: in, the stack, out.
    out[stage.id] = cell ?? { row: Object.keys(fixed).length === 0 ? 0 : lastRow, col: col++ };
  }
  return out;
}

export function gridSize(grid: Readonly<Record<string, Cell>>): { rows: number; cols: number } {
  const cells = Object.values(grid);
  return { rows: Math.max(0, ...cells.map((c) => c.row + 1)), cols: Math.max(0, ...cells.map((c) => c.col + 1)) };
}

export type Side = 'left' | 'right' | 'top' | 'bottom';

/** The sides an arrow from `a` to `b` leaves and enters by: across when they share a row, up or down when
 *  they share a column, else out of the side facing b horizontally. */
export function arrowSides(a: Cell, b: Cell): { from: Side; to: Side } {
  if (a.row === b.row) return b.col >= a.col ? { from: 'right', to: 'left' } : { from: 'left', to: 'right' };
  if (a.col === b.col) return b.row > a.row ? { from: 'bottom', to: 'top' } : { from: 'top', to: 'bottom' };
  return b.col > a.col ? { from: 'right', to: b.row > a.row ? 'top' : 'bottom' } : { from: 'left', to: b.row > a.row ? 'top' : 'bottom' };
}

/** Which lane an entry is drawn in: nf_tables hooks (nft, iptables-nft) and xtables hooks (iptables-legacy)
 *  side by side; conntrack, the NAT core, IPVS and routing across both. */
export function laneOf(entry: PipelineEntry): 'nf_tables' | 'xtables' | 'both' {
  if (entry.kind !== 'chain') return 'both';
  return entry.backend === 'xtables' ? 'xtables' : 'nf_tables';
}

/** The families the picker offers, the workspace's first. */
export const ALL_FAMILIES: readonly PipelineFamily[] = ['ip', 'ip6', 'inet', 'bridge', 'netdev', 'arp'];

/** The tool an entry's chain comes from, in words. */
export function originText(entry: PipelineEntry): string {
  switch (entry.origin) {
    case 'nft':
      return 'nft';
    case 'iptables-nft':
      return 'iptables-nft';
    case 'iptables-legacy':
      return 'iptables-legacy';
    case 'iptables':
      return 'iptables';
    case 'ipvs':
      return 'IPVS';
    default:
      return entry.kind === 'conntrack' ? 'conntrack' : entry.kind === 'nat-core' ? 'NAT' : entry.kind === 'ipvs' ? 'IPVS' : '';
  }
}
