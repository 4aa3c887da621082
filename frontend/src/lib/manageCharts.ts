// Geometry of the manager's bar charts, drawn by hand in SVG (components/manage/BarChart.svelte):
// one horizontal bar per row, its label on the line above, stacked segments, the total at the end.
// Kept apart from the component so that it can be tested without a browser.

export interface ChartRow {
  label: string;
  /** One value per series, in the series' order. */
  values: readonly number[];
}

export interface Segment {
  series: number;
  x: number;
  width: number;
  value: number;
}

export interface BarLayout {
  labelY: number;
  barY: number;
  segments: Segment[];
  total: number;
  /** Where the total's text starts. */
  totalX: number;
}

export interface ChartLayout {
  width: number;
  height: number;
  barHeight: number;
  bars: BarLayout[];
}

export const CHART_WIDTH = 400;
const LABEL_HEIGHT = 16;
const BAR_HEIGHT = 16;
const GAP = 12;
/** Room at the right for the total's text. */
const TOTAL_ROOM = 56;

/** Lays out rows as stacked horizontal bars on one scale (the largest total fills the width). */
export function layoutBars(rows: readonly ChartRow[], width = CHART_WIDTH): ChartLayout {
  const totals = rows.map((r) => r.values.reduce((s, v) => s + Math.max(0, v), 0));
  const max = Math.max(0, ...totals);
  const room = width - TOTAL_ROOM;
  const scale = max > 0 ? room / max : 0;
  const rowHeight = LABEL_HEIGHT + BAR_HEIGHT + GAP;
  const bars = rows.map((r, i): BarLayout => {
    const top = i * rowHeight;
    let x = 0;
    const segments: Segment[] = [];
    r.values.forEach((v, series) => {
      const value = Math.max(0, v);
      if (value === 0) return;
      const w = round(value * scale);
      segments.push({ series, x: round(x), width: w, value });
      x += value * scale;
    });
    return { labelY: top + LABEL_HEIGHT - 4, barY: top + LABEL_HEIGHT, segments, total: totals[i]!, totalX: round(x) + 6 };
  });
  return { width, height: Math.max(rowHeight * rows.length - GAP, 1), barHeight: BAR_HEIGHT, bars };
}

const round = (n: number) => Math.round(n * 10) / 10;

/** label cut to at most max characters, with an ellipsis (the table beside has it whole). */
export function shorten(label: string, max = 52): string {
  const chars = [...label];
  return chars.length <= max ? label : `${chars.slice(0, max - 1).join('').trimEnd()}…`;
}
