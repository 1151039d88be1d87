// Node sizes estimated from label lengths (no DOM measuring), shared by the layout and the UI's node
// components so that what is laid out is what is drawn. Pure; imports only graph types.
import type { GraphNode } from './types.ts';

/** Average glyph widths of the node font (12 px UI font; label 13 px semibold), with some slack. */
export const LABEL_CHAR_WIDTH = 7.6;
export const DETAIL_CHAR_WIDTH = 6.6;
export const LABEL_LINE_HEIGHT = 20;
export const DETAIL_LINE_HEIGHT = 16;
export const NODE_PADDING_X = 12;
export const NODE_PADDING_Y = 8;
export const MIN_NODE_WIDTH = 120;
/** Longer labels are cut with an ellipsis by the node component. */
export const MAX_NODE_WIDTH = 420;

export interface Size {
  readonly width: number;
  readonly height: number;
}

/** The lines a node shows: its label, its detail lines, and the inline rule list of small chains. */
export function nodeLines(node: GraphNode): { label: string; detail: readonly string[]; rules: readonly string[] } {
  const rules = (node.kind === 'chain' || node.kind === 'base-chain') && node.rules ? node.rules.map((r) => r.summary) : [];
  return { label: node.label, detail: node.detail, rules };
}

export function estimateNodeSize(node: GraphNode): Size {
  if (node.kind === 'hook') return { width: Math.max(MIN_NODE_WIDTH, node.label.length * LABEL_CHAR_WIDTH + 2 * NODE_PADDING_X), height: 36 };
  const { label, detail, rules } = nodeLines(node);
  const widest = Math.max(label.length * LABEL_CHAR_WIDTH, ...detail.map((d) => d.length * DETAIL_CHAR_WIDTH), ...rules.map((r) => (r.length + 4) * DETAIL_CHAR_WIDTH));
  const width = Math.round(Math.min(MAX_NODE_WIDTH, Math.max(MIN_NODE_WIDTH, widest + 2 * NODE_PADDING_X)));
  const height = Math.round(2 * NODE_PADDING_Y + LABEL_LINE_HEIGHT + (detail.length + rules.length) * DETAIL_LINE_HEIGHT);
  return { width, height };
}
