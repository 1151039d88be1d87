// The viewport the graph opens with: the whole layout fitted into the canvas, as React Flow's `fitView`
// would, but computed from the layout instead of from measured nodes. React Flow's own initial fit waits for
// the nodes to be measured and then overrides whatever the view did meanwhile — a trace step centred before
// that moment was lost or kept depending on timing. Pure (no React).
import { getViewportForBounds, type Viewport } from '@xyflow/react';
import type { Box } from '../../graph/index.ts';

/** Padding around the fitted graph, as a share of the canvas (the "Zoom to fit" button uses the same). */
export const FIT_PADDING = 0.1;

/** The viewport that shows every box inside a canvas of `width` × `height`, within the zoom limits; the
 *  identity viewport when there is nothing to show or no canvas yet. */
export function fittedViewport(boxes: Iterable<Box>, width: number, height: number, minZoom: number, maxZoom: number): Viewport {
  let left = Infinity;
  let top = Infinity;
  let right = -Infinity;
  let bottom = -Infinity;
  for (const b of boxes) {
    left = Math.min(left, b.x);
    top = Math.min(top, b.y);
    right = Math.max(right, b.x + b.width);
    bottom = Math.max(bottom, b.y + b.height);
  }
  if (!(right > left && bottom > top) || width <= 0 || height <= 0) return { x: 0, y: 0, zoom: 1 };
  return getViewportForBounds({ x: left, y: top, width: right - left, height: bottom - top }, width, height, minZoom, maxZoom, FIT_PADDING);
}
