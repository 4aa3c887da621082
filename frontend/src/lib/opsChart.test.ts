import { describe, expect, it } from 'vitest';
import { barLayout, gridMove, heatGrid, heatLegend, heatStep, linearScale, ticks, truncate } from './opsChart';

describe('linearScale', () => {
  it('maps the domain onto the range', () => {
    const x = linearScale([0, 1], [100, 300]);
    expect(x(0)).toBe(100);
    expect(x(0.5)).toBe(200);
    expect(x(1)).toBe(300);
  });
  it('handles negative domains and reversed ranges', () => {
    expect(linearScale([-1, 1], [0, 200])(0)).toBe(100);
    expect(linearScale([0, 10], [100, 0])(2.5)).toBe(75);
  });
  it('maps a zero-width domain to the start', () => {
    expect(linearScale([3, 3], [10, 20])(3)).toBe(10);
  });
});

describe('ticks', () => {
  it('spaces ticks evenly, ends included', () => {
    expect(ticks(0, 1, 4)).toEqual([0, 0.25, 0.5, 0.75, 1]);
    expect(ticks(-1, 1, 4)).toEqual([-1, -0.5, 0, 0.5, 1]);
  });
  it('gives one tick for an empty span', () => {
    expect(ticks(1, 1, 4)).toEqual([1]);
  });
});

describe('barLayout', () => {
  const opts = { width: 500, labelWidth: 100, valueWidth: 0, rowHeight: 30, barHeight: 20, top: 20, domain: [0, 1] as const };

  it('draws bars from zero to the value, one row each', () => {
    const l = barLayout([{ label: 'a', value: 0.5 }, { label: 'b', value: 1 }], opts);
    expect(l.zeroX).toBe(100);
    expect(l.bars[0]).toMatchObject({ x: 100, y: 25, width: 200, height: 20, negative: false });
    expect(l.bars[1]).toMatchObject({ x: 100, y: 55, width: 400 });
    expect(l.height).toBe(20 + 2 * 30 + 4);
    expect(l.ticks.map((t) => t.x)).toEqual([100, 200, 300, 400, 500]);
  });

  it('draws negative values leftwards from zero', () => {
    const l = barLayout([{ label: 'd', value: -0.5 }, { label: 'e', value: 0.5 }], { ...opts, domain: [-1, 1] });
    expect(l.zeroX).toBe(300);
    expect(l.bars[0]).toMatchObject({ x: 200, width: 100, negative: true });
    expect(l.bars[0]!.textX).toBeGreaterThan(300); // the value is printed right of zero
    expect(l.bars[1]).toMatchObject({ x: 300, width: 100, negative: false });
  });

  it('clamps values to the domain and leaves missing values without a bar', () => {
    const l = barLayout([{ label: 'x', value: 2 }, { label: 'y', value: null }], opts);
    expect(l.bars[0]!.width).toBe(400);
    expect(l.bars[1]).toMatchObject({ width: 0, value: null });
  });
});

describe('truncate', () => {
  it('keeps short text and cuts long text with an ellipsis', () => {
    expect(truncate('кратко', 10)).toBe('кратко');
    expect(truncate('врло дугачак наслов', 8)).toBe('врло ду…');
  });
});

describe('heatStep', () => {
  it('puts rates in equal fifths, 1 in the top step', () => {
    expect(heatStep(0)).toBe(0);
    expect(heatStep(0.19)).toBe(0);
    expect(heatStep(0.2)).toBe(1);
    expect(heatStep(0.5)).toBe(2);
    expect(heatStep(0.99)).toBe(4);
    expect(heatStep(1)).toBe(4);
  });
  it('has no step without a rate, and clamps', () => {
    expect(heatStep(null)).toBeNull();
    expect(heatStep(undefined)).toBeNull();
    expect(heatStep(Number.NaN)).toBeNull();
    expect(heatStep(-1)).toBe(0);
    expect(heatStep(7)).toBe(4);
  });
  it('has a legend entry per step', () => {
    expect(heatLegend()).toHaveLength(5);
    expect(heatLegend()[4]).toEqual({ step: 4, from: 0.8, to: 1 });
  });
});

describe('heatGrid', () => {
  it('makes one cell per row and column, empty where there are no figures', () => {
    const data: Record<string, Record<string, number | null>> = { A: { police: 0.9, health: null }, B: { police: 0.1 } };
    const grid = heatGrid(['A', 'B'], ['police', 'health'], (r, c) => (c in data[r]! ? { v: data[r]![c]! } : undefined), (d) => d.v);
    expect(grid).toHaveLength(2);
    expect(grid[0]![0]).toMatchObject({ row: 0, col: 0, value: 0.9, step: 4 });
    expect(grid[0]![1]).toMatchObject({ value: null, step: null });
    expect(grid[1]![1]).toMatchObject({ value: null, step: null, datum: undefined });
  });
});

describe('gridMove', () => {
  it('moves with arrows and stays inside the grid', () => {
    expect(gridMove('ArrowRight', 0, 0, 3, 3)).toEqual({ row: 0, col: 1 });
    expect(gridMove('ArrowLeft', 0, 0, 3, 3)).toEqual({ row: 0, col: 0 });
    expect(gridMove('ArrowDown', 2, 1, 3, 3)).toEqual({ row: 2, col: 1 });
    expect(gridMove('ArrowUp', 2, 1, 3, 3)).toEqual({ row: 1, col: 1 });
  });
  it('jumps with Home, End and PageDown', () => {
    expect(gridMove('Home', 1, 2, 3, 3)).toEqual({ row: 1, col: 0 });
    expect(gridMove('End', 1, 0, 3, 3, true)).toEqual({ row: 2, col: 2 });
    expect(gridMove('PageDown', 0, 0, 20, 3)).toEqual({ row: 5, col: 0 });
    expect(gridMove('x', 0, 0, 3, 3)).toBeNull();
  });
});
