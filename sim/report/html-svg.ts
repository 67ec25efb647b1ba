/**
 * Server-side SVG for report.html: one time chart (gridlines, ticked axes with titles, bands, filled
 * areas, lines with gaps, optional hover columns with native tooltips) drawn from series that share
 * a time axis, and the strategy palette every chart uses.
 *
 * Coordinates are written with one decimal in a fixed viewBox and the page scales the SVG to its
 * width, so the same data always gives the same bytes. A coordinate that is not finite is a bug in
 * the caller and throws here rather than writing `NaN` into the page.
 *
 * Leaves out: interaction beyond native `<title>` tooltips, and any JavaScript.
 */
import { escapeHtml } from "./html-escape.ts";
import { type Ticks, formatTime, timeTicks, usesClock } from "./html-scale.ts";
import type { Series, TimeAxis } from "./html-series.ts";

/** Okabe & Ito's colour-blind-safe palette without its yellow, which is unreadable on white. */
export const OKABE_ITO = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000"] as const;

export interface StrategyStyle {
  readonly color: string;
  /** SVG stroke-dasharray; null for solid. Strategies past the palette's length repeat its colours dashed. */
  readonly dash: string | null;
}

/** The look of the strategy at `index` in report order; the same in every chart. */
export function strategyStyle(index: number): StrategyStyle {
  const color = OKABE_ITO[index % OKABE_ITO.length];
  const round = Math.floor(index / OKABE_ITO.length);
  return { color, dash: round === 0 ? null : round === 1 ? "7 4" : "2 3" };
}

/** A number as an SVG coordinate: one decimal, no trailing `.0`. Throws on NaN and ±Infinity. */
export function coord(value: number): string {
  if (!Number.isFinite(value)) throw new Error(`report.html: a chart coordinate is ${value}; a series fed the chart a bad value`);
  const text = value.toFixed(1);
  const trimmed = text.endsWith(".0") ? text.slice(0, -2) : text;
  return trimmed === "-0" ? "0" : trimmed;
}

export interface Margin {
  readonly top: number;
  readonly right: number;
  readonly bottom: number;
  readonly left: number;
}

/** A line: null values break it; a point with gaps on both sides is drawn as a dot. */
export interface LineSpec {
  readonly values: Series;
  readonly color: string;
  readonly width: number;
  readonly dash?: string | null;
}

/** A filled band between two series (the spread across replications). */
export interface BandSpec {
  readonly low: Series;
  readonly high: Series;
  readonly color: string;
  readonly opacity: number;
}

/** A series filled down to the bottom of the y axis. */
export interface AreaSpec {
  readonly values: Series;
  readonly color: string;
  readonly opacity: number;
}

export interface TimeChartSpec {
  /** Unique in the page: prefixes the element ids. */
  readonly id: string;
  /** The accessible name (`<title>`), also the tooltip on the chart. */
  readonly title: string;
  /** A sentence for screen readers on what the chart shows. */
  readonly description: string;
  readonly width: number;
  readonly height: number;
  readonly margin: Margin;
  readonly axis: TimeAxis;
  readonly yDomain: readonly [number, number];
  readonly yTicks: Ticks;
  readonly yFormat: (value: number) => string;
  readonly yTitle: string;
  readonly bands?: readonly BandSpec[];
  /** Areas filled from the bottom of the y axis up to the series. */
  readonly areas?: readonly AreaSpec[];
  readonly lines: readonly LineSpec[];
  /** Tooltip text per point (same length as the axis' points); empty strings get no column. */
  readonly hover?: readonly string[];
  /** CSS font size of the labels in viewBox units; default 12. */
  readonly fontSize?: number;
}

interface Frame {
  readonly x: (t: number) => number;
  readonly y: (v: number) => number;
  readonly left: number;
  readonly right: number;
  readonly top: number;
  readonly bottom: number;
}

function frameOf(spec: TimeChartSpec): Frame {
  const { width, height, margin, axis, yDomain } = spec;
  const left = margin.left;
  const right = width - margin.right;
  const top = margin.top;
  const bottom = height - margin.bottom;
  const xSpan = axis.end - axis.start || 1;
  const ySpan = yDomain[1] - yDomain[0] || 1;
  return {
    x: (t) => left + ((t - axis.start) / xSpan) * (right - left),
    y: (v) => bottom - ((v - yDomain[0]) / ySpan) * (bottom - top),
    left,
    right,
    top,
    bottom,
  };
}

/** The `d` of a line through the non-null values; each run of values is its own subpath. */
export function linePath(points: readonly number[], values: Series, x: (t: number) => number, y: (v: number) => number): string {
  let d = "";
  let run = 0;
  for (let i = 0; i < points.length; i++) {
    const v = values[i];
    if (v === null || v === undefined) {
      if (run === 1) d += "h0"; // a lone point: a round-capped zero-length segment shows as a dot
      run = 0;
      continue;
    }
    d += `${run === 0 ? "M" : "L"}${coord(x(points[i]))} ${coord(y(v))}`;
    run++;
  }
  if (run === 1) d += "h0";
  return d;
}

/** The `d` of a band between `low` and `high`: one closed polygon per run of points having both. */
export function bandPath(
  points: readonly number[],
  low: Series,
  high: Series,
  x: (t: number) => number,
  y: (v: number) => number,
): string {
  let d = "";
  let i = 0;
  while (i < points.length) {
    if (low[i] === null || high[i] === null) {
      i++;
      continue;
    }
    let j = i;
    while (j < points.length && low[j] !== null && high[j] !== null) j++;
    // A single point has no width: widen it to a sliver so the spread still shows.
    const upper: string[] = [];
    const lower: string[] = [];
    for (let k = i; k < j; k++) {
      upper.push(`${coord(x(points[k]))} ${coord(y(high[k]!))}`);
      lower.push(`${coord(x(points[k]))} ${coord(y(low[k]!))}`);
    }
    if (j - i === 1) {
      const cx = x(points[i]);
      d += `M${coord(cx - 1.5)} ${coord(y(high[i]!))}H${coord(cx + 1.5)}V${coord(y(low[i]!))}H${coord(cx - 1.5)}Z`;
    } else {
      d += `M${upper.join("L")}L${lower.reverse().join("L")}Z`;
    }
    i = j;
  }
  return d;
}

/** A time chart as an `<svg>` element. */
export function timeChartSvg(spec: TimeChartSpec): string {
  const f = frameOf(spec);
  const { axis, id } = spec;
  const fontSize = spec.fontSize ?? 12;
  const clock = usesClock(axis.end);
  const xTicks = timeTicks(axis.start, axis.end, Math.max(3, Math.floor((f.right - f.left) / (fontSize * 5.5))));
  const parts: string[] = [];
  parts.push(
    `<svg class="chart" viewBox="0 0 ${spec.width} ${spec.height}" role="img" aria-labelledby="${id}-t ${id}-d" style="font-size:${fontSize}px">`,
    `<title id="${id}-t">${escapeHtml(spec.title)}</title><desc id="${id}-d">${escapeHtml(spec.description)}</desc>`,
  );

  // Grid and axes.
  parts.push('<g class="grid">');
  for (const v of spec.yTicks.values) parts.push(`<line x1="${coord(f.left)}" x2="${coord(f.right)}" y1="${coord(f.y(v))}" y2="${coord(f.y(v))}"/>`);
  for (const t of xTicks.values) parts.push(`<line x1="${coord(f.x(t))}" x2="${coord(f.x(t))}" y1="${coord(f.top)}" y2="${coord(f.bottom)}"/>`);
  parts.push("</g>");
  parts.push(`<g class="frame"><path d="M${coord(f.left)} ${coord(f.top)}V${coord(f.bottom)}H${coord(f.right)}"/></g>`);
  parts.push('<g class="ticks">');
  for (const v of spec.yTicks.values) {
    parts.push(`<text x="${coord(f.left - 6)}" y="${coord(f.y(v))}" text-anchor="end" dominant-baseline="middle">${escapeHtml(spec.yFormat(v))}</text>`);
  }
  for (const t of xTicks.values) {
    parts.push(`<text x="${coord(f.x(t))}" y="${coord(f.bottom + fontSize + 4)}" text-anchor="middle">${escapeHtml(formatTime(t, clock, xTicks.decimals))}</text>`);
  }
  parts.push("</g>");
  parts.push(
    `<text class="axis-title" x="${coord((f.left + f.right) / 2)}" y="${coord(spec.height - 4)}" text-anchor="middle">${clock ? "time (m:ss)" : "time (s)"}</text>`,
    `<text class="axis-title" transform="translate(${coord(fontSize + 2)} ${coord((f.top + f.bottom) / 2)}) rotate(-90)" text-anchor="middle">${escapeHtml(spec.yTitle)}</text>`,
  );

  // Data, clipped to the plot area.
  parts.push(
    `<clipPath id="${id}-c"><rect x="${coord(f.left)}" y="${coord(f.top - 2)}" width="${coord(f.right - f.left)}" height="${coord(f.bottom - f.top + 4)}"/></clipPath>`,
    `<g clip-path="url(#${id}-c)">`,
  );
  for (const band of spec.bands ?? []) {
    const d = bandPath(axis.points, band.low, band.high, f.x, f.y);
    if (d) parts.push(`<path d="${d}" fill="${band.color}" fill-opacity="${band.opacity}"/>`);
  }
  for (const area of spec.areas ?? []) {
    const bottom = area.values.map((v) => (v === null ? null : spec.yDomain[0]));
    const d = bandPath(axis.points, bottom, area.values, f.x, f.y);
    if (d) parts.push(`<path d="${d}" fill="${area.color}" fill-opacity="${area.opacity}"/>`);
  }
  for (const line of spec.lines) {
    const d = linePath(axis.points, line.values, f.x, f.y);
    if (!d) continue;
    const dash = line.dash ? ` stroke-dasharray="${line.dash}"` : "";
    parts.push(`<path class="line" d="${d}" stroke="${line.color}" stroke-width="${line.width}"${dash}/>`);
  }
  parts.push("</g>");

  if (spec.hover) parts.push(hoverColumns(axis.points, spec.hover, f));
  parts.push("</svg>");
  return parts.join("");
}

/** Transparent columns, one per point, whose `<title>` is the browser's tooltip for that time. */
function hoverColumns(points: readonly number[], texts: readonly string[], f: Frame): string {
  const out: string[] = ['<g class="hover">'];
  for (let i = 0; i < points.length; i++) {
    if (!texts[i]) continue;
    const from = i === 0 ? f.left : (f.x(points[i - 1]) + f.x(points[i])) / 2;
    const to = i === points.length - 1 ? f.right : (f.x(points[i]) + f.x(points[i + 1])) / 2;
    out.push(
      `<rect x="${coord(from)}" y="${coord(f.top)}" width="${coord(Math.max(0.5, to - from))}" height="${coord(f.bottom - f.top)}"><title>${escapeHtml(texts[i])}</title></rect>`,
    );
  }
  out.push("</g>");
  return out.join("");
}

/** A small inline SVG line sample for HTML legends. */
export function legendSwatch(color: string, dash: string | null, width = 3, area = false): string {
  const dashAttr = dash ? ` stroke-dasharray="${dash}"` : "";
  const fill = area ? `<rect x="0" y="6" width="28" height="8" fill="${color}" fill-opacity="0.18"/>` : "";
  return `<svg class="swatch" viewBox="0 0 28 14" width="28" height="14" aria-hidden="true">${fill}<line x1="1" x2="27" y1="7" y2="7" stroke="${color}" stroke-width="${width}" stroke-linecap="round"${dashAttr}/></svg>`;
}
