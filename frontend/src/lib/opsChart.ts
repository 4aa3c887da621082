// Scales and layouts of the hand-written charts (components/ops/BarChart and Heatmap). Pure
// functions, so that the geometry is tested without a browser. The charts set geometry through
// SVG attributes and colour through class names from a fixed palette: the CSP forbids style
// attributes.

export type Scale = (value: number) => number;

/** A linear map from domain to range; a zero-width domain maps everything to the range's start. */
export function linearScale([d0, d1]: readonly [number, number], [r0, r1]: readonly [number, number]): Scale {
  const span = d1 - d0;
  if (span === 0) return () => r0;
  return (v) => r0 + ((v - d0) / span) * (r1 - r0);
}

/** Evenly spaced tick values from min to max inclusive, count intervals (rounded to 1e-9). */
export function ticks(min: number, max: number, count: number): number[] {
  if (count < 1 || max <= min) return [min];
  const out: number[] = [];
  for (let i = 0; i <= count; i++) out.push(Math.round((min + ((max - min) * i) / count) * 1e9) / 1e9);
  return out;
}

/** One row of a bar chart. */
export interface BarItem {
  key: string | number;
  label: string;
  value: number | null;
  /** Extra columns of the chart's data table (e.g. attempts). */
  extra?: string[];
}

export interface Bar {
  /** The row's index in the input. */
  index: number;
  label: string;
  value: number | null;
  /** The bar's rectangle; width 0 when there is no value. */
  x: number;
  y: number;
  width: number;
  height: number;
  /** Where the value's text goes (after the bar's end, or at zero when there is no value). */
  textX: number;
  textY: number;
  /** The bar points left of zero. */
  negative: boolean;
}

export interface BarLayoutOptions {
  /** The whole chart's width in SVG units. */
  width: number;
  /** Room for the labels on the left. */
  labelWidth: number;
  /** Room for the value printed after each bar. */
  valueWidth: number;
  rowHeight: number;
  barHeight: number;
  /** Room above the first row (for the axis' tick labels). */
  top: number;
  domain: readonly [number, number];
}

export interface BarLayout {
  bars: Bar[];
  width: number;
  height: number;
  /** x of the value 0 (where bars start). */
  zeroX: number;
  plotLeft: number;
  plotRight: number;
  ticks: { value: number; x: number }[];
}

/**
 * Lays out horizontal bars, one row per item, from zero to the value (leftwards for negative
 * values, as discrimination can be). Values are clamped to the domain.
 */
export function barLayout(items: readonly { label: string; value: number | null }[], o: BarLayoutOptions): BarLayout {
  const plotLeft = o.labelWidth;
  const plotRight = Math.max(plotLeft + 1, o.width - o.valueWidth);
  const x = linearScale(o.domain, [plotLeft, plotRight]);
  const [lo, hi] = o.domain;
  const zeroX = x(Math.min(Math.max(0, lo), hi));
  const pad = (o.rowHeight - o.barHeight) / 2;
  const bars = items.map((item, index): Bar => {
    const y = o.top + index * o.rowHeight + pad;
    if (item.value === null || !Number.isFinite(item.value)) {
      return { index, label: item.label, value: null, x: zeroX, y, width: 0, height: o.barHeight, textX: zeroX + 4, textY: y + o.barHeight / 2, negative: false };
    }
    const v = Math.min(Math.max(item.value, lo), hi);
    const end = x(v);
    const negative = end < zeroX;
    const left = Math.min(end, zeroX);
    const width = Math.abs(end - zeroX);
    return {
      index,
      label: item.label,
      value: item.value,
      x: round(left),
      y: round(y),
      width: round(width),
      height: o.barHeight,
      // Negative bars print their value inside the plot to the right of zero, so text never
      // runs into the labels.
      textX: round((negative ? zeroX : end) + 4),
      textY: round(y + o.barHeight / 2),
      negative,
    };
  });
  return {
    bars,
    width: o.width,
    height: o.top + items.length * o.rowHeight + 4,
    zeroX: round(zeroX),
    plotLeft,
    plotRight,
    ticks: ticks(lo, hi, 4).map((value) => ({ value, x: round(x(value)) })),
  };
}

/** Shortens text to at most max characters, ending with an ellipsis when cut. */
export function truncate(text: string, max: number): string {
  const chars = Array.from(text);
  return chars.length <= max ? text : chars.slice(0, Math.max(1, max - 1)).join('') + '…';
}

const round = (n: number) => Math.round(n * 100) / 100;

/** How many colour steps the heatmap palette has. */
export const HEAT_STEPS = 5;

/**
 * The palette step (0..HEAT_STEPS-1) of a rate in 0..1, or null when there is no rate. Steps
 * are equal fifths: 0–0.2 is step 0, ..., 0.8–1 is step 4 (1 itself included).
 */
export function heatStep(rate: number | null | undefined, steps = HEAT_STEPS): number | null {
  if (rate === null || rate === undefined || !Number.isFinite(rate)) return null;
  const r = Math.min(Math.max(rate, 0), 1);
  return Math.min(steps - 1, Math.floor(r * steps));
}

/** The legend's ranges, e.g. [{step: 0, from: 0, to: 0.2}, ...]. */
export function heatLegend(steps = HEAT_STEPS): { step: number; from: number; to: number }[] {
  return Array.from({ length: steps }, (_, step) => ({ step, from: step / steps, to: (step + 1) / steps }));
}

export interface HeatCell<T> {
  row: number;
  col: number;
  value: number | null;
  step: number | null;
  datum: T | undefined;
}

/**
 * The heatmap's grid: one cell per row key and column key, looked up with get (undefined when
 * that row has no figures for the column).
 */
export function heatGrid<R, C, T>(
  rows: readonly R[],
  cols: readonly C[],
  get: (row: R, col: C) => T | undefined,
  value: (datum: T) => number | null,
): HeatCell<T>[][] {
  return rows.map((r, ri) =>
    cols.map((c, ci) => {
      const datum = get(r, c);
      const v = datum === undefined ? null : value(datum);
      return { row: ri, col: ci, value: v, step: heatStep(v), datum };
    }),
  );
}

/**
 * Where focus goes from cell (row, col) on a key press within a rows × cols grid: arrows move one
 * cell, Home/End to the row's ends, Ctrl+Home/End to the grid's corners, PageUp/PageDown five
 * rows. null when the key does not move.
 */
export function gridMove(
  key: string,
  row: number,
  col: number,
  rows: number,
  cols: number,
  ctrl = false,
): { row: number; col: number } | null {
  const clamp = (n: number, max: number) => Math.min(Math.max(n, 0), max - 1);
  switch (key) {
    case 'ArrowUp':
      return { row: clamp(row - 1, rows), col };
    case 'ArrowDown':
      return { row: clamp(row + 1, rows), col };
    case 'ArrowLeft':
      return { row, col: clamp(col - 1, cols) };
    case 'ArrowRight':
      return { row, col: clamp(col + 1, cols) };
    case 'Home':
      return ctrl ? { row: 0, col: 0 } : { row, col: 0 };
    case 'End':
      return ctrl ? { row: rows - 1, col: cols - 1 } : { row, col: cols - 1 };
    case 'PageUp':
      return { row: clamp(row - 5, rows), col };
    case 'PageDown':
      return { row: clamp(row + 5, rows), col };
  }
  return null;
}
