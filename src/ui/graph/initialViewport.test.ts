import { describe, expect, it } from 'vitest';
import { FIT_PADDING, fittedViewport } from './initialViewport.ts';

describe('fittedViewport', () => {
  it('shows every box inside the canvas, centred, with the fit padding', () => {
    const boxes = [
      { x: 100, y: 50, width: 200, height: 100 },
      { x: 900, y: 450, width: 100, height: 50 },
    ];
    const { x, y, zoom } = fittedViewport(boxes, 1000, 500, 0.05, 2.5);
    // The union is 900 × 450 from (100, 50): on screen it must fit within the canvas minus the padding.
    const onScreen = (fx: number, fy: number) => [fx * zoom + x, fy * zoom + y] as const;
    const [left, top] = onScreen(100, 50);
    const [right, bottom] = onScreen(1000, 500);
    expect(left).toBeGreaterThanOrEqual(0);
    expect(top).toBeGreaterThanOrEqual(0);
    expect(right).toBeLessThanOrEqual(1000);
    expect(bottom).toBeLessThanOrEqual(500);
    // Centred, and as large as the padding allows on the tighter axis (height: 450 into 500).
    expect(left + right).toBeCloseTo(1000, 5);
    expect(top + bottom).toBeCloseTo(500, 5);
    expect(bottom - top).toBeGreaterThan(500 * (1 - 2 * FIT_PADDING) - 1);
  });

  it('keeps within the zoom limits', () => {
    expect(fittedViewport([{ x: 0, y: 0, width: 10, height: 10 }], 1000, 1000, 0.05, 2.5).zoom).toBe(2.5);
    expect(fittedViewport([{ x: 0, y: 0, width: 1e6, height: 1e6 }], 100, 100, 0.05, 2.5).zoom).toBe(0.05);
  });

  it('opens at the identity viewport with nothing to show or no canvas size', () => {
    expect(fittedViewport([], 800, 600, 0.05, 2.5)).toEqual({ x: 0, y: 0, zoom: 1 });
    expect(fittedViewport([{ x: 5, y: 5, width: 10, height: 10 }], 0, 600, 0.05, 2.5)).toEqual({ x: 0, y: 0, zoom: 1 });
  });
});
