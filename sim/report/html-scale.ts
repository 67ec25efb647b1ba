/**
 * The arithmetic behind report.html's charts: "nice" axis ticks (steps of 1, 2 or 5 × 10^k, and
 * clock-friendly steps for time), time labels in seconds or m:ss, the bucketing that keeps a line
 * to a few hundred points however long the run, and the quantiles of the replication band.
 *
 * Pure functions of numbers, so they are tested with tables; the SVG drawing is in html-svg.ts.
 *
 * Leaves out: logarithmic axes ("nines" scales) — the availability axis zooms to the data instead.
 */

/** Axis ticks: the values, the step between them and the decimals that print them exactly. */
export interface Ticks {
  readonly values: readonly number[];
  readonly step: number;
  readonly decimals: number;
}

/**
 * The smallest step of 1, 2 or 5 × 10^k that splits `span` into at most `maxTicks` intervals.
 * Example: span 0.037, maxTicks 5 → raw 0.0074 → 0.01 (ticks at 0.96, 0.97, … for [0.963, 1]).
 */
export function niceStep(span: number, maxTicks: number): number {
  if (!(span > 0) || !Number.isFinite(span)) return 1;
  const raw = span / Math.max(1, maxTicks);
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const normalized = raw / magnitude;
  // 1.0000000002 from float division is still a 1-step.
  const nice = normalized <= 1 + 1e-9 ? 1 : normalized <= 2 + 1e-9 ? 2 : normalized <= 5 + 1e-9 ? 5 : 10;
  return nice * magnitude;
}

/** Decimals that print every multiple of `step` exactly: 0.5 → 1, 0.02 → 2, 5 → 0. */
export function stepDecimals(step: number): number {
  if (!(step > 0) || !Number.isFinite(step)) return 0;
  return Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
}

export interface TickOptions {
  /** At most this many intervals between ticks; default 6. */
  readonly maxTicks?: number;
  /** Steps are whole numbers (counts of replicas). */
  readonly integer?: boolean;
}

/**
 * Ticks at the multiples of a nice step that lie within [min, max]. A degenerate domain (min = max)
 * gets the single tick at its value. Values are rounded to the step's decimals, so 0.1 + 0.2 is
 * labelled 0.3, not 0.30000000000000004.
 */
export function niceTicks(min: number, max: number, options: TickOptions = {}): Ticks {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return { values: [], step: 1, decimals: 0 };
  if (max < min) [min, max] = [max, min];
  let step = niceStep(max - min, options.maxTicks ?? 6);
  if (options.integer) step = Math.max(1, Math.round(step));
  const decimals = stepDecimals(step);
  if (max === min) return { values: [round(min, decimals)], step, decimals };
  const first = Math.ceil(min / step - 1e-9);
  const last = Math.floor(max / step + 1e-9);
  const values: number[] = [];
  for (let i = first; i <= last; i++) values.push(round(i * step, decimals));
  return { values, step, decimals };
}

/**
 * [min, max] widened outward to multiples of a nice step, so the axis starts and ends on a tick.
 * Example: [0.9634, 1] → [0.96, 1]; [0, 7] with integer steps → [0, 8].
 */
export function niceDomain(min: number, max: number, options: TickOptions = {}): [number, number] {
  if (max < min) [min, max] = [max, min];
  if (max === min) {
    const pad = min === 0 ? 1 : Math.abs(min) * 0.1;
    return niceDomain(min - pad, max + pad, options);
  }
  let step = niceStep(max - min, options.maxTicks ?? 6);
  if (options.integer) step = Math.max(1, Math.round(step));
  const decimals = stepDecimals(step);
  return [round(Math.floor(min / step + 1e-9) * step, decimals), round(Math.ceil(max / step - 1e-9) * step, decimals)];
}

/** Steps a reader counts time in: seconds, then whole minutes, then hours. */
const TIME_STEPS_S = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400];

/**
 * Time ticks (seconds) within [min, max] at a clock-friendly step: 15 s, 30 s, 1 min, 5 min, … A
 * span shorter than a few seconds falls back to decimal steps (0.5 s, 0.2 s).
 */
export function timeTicks(min: number, max: number, maxTicks = 8): Ticks {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return { values: [], step: 1, decimals: 0 };
  if (max < min) [min, max] = [max, min];
  const raw = (max - min) / Math.max(1, maxTicks);
  if (raw < 1) return niceTicks(min, max, { maxTicks });
  const step = TIME_STEPS_S.find((s) => s >= raw - 1e-9) ?? niceStep(max - min, maxTicks);
  const first = Math.ceil(min / step - 1e-9);
  const last = Math.floor(max / step + 1e-9);
  const values: number[] = [];
  for (let i = first; i <= last; i++) values.push(i * step);
  return { values, step, decimals: 0 };
}

/** Whether a time axis over [0, `end`] s is labelled m:ss (from two minutes on) rather than seconds. */
export function usesClock(end: number): boolean {
  return end >= 120;
}

/**
 * A time label: `45 s` / `2.5 s` in seconds mode, `1:05` or `1:02:05` in clock mode. `decimals`
 * applies to seconds mode only (clock mode ticks are whole seconds).
 */
export function formatTime(seconds: number, clock: boolean, decimals = 0): string {
  if (!Number.isFinite(seconds)) return "";
  if (!clock) return `${trimZero(seconds.toFixed(decimals))} s`;
  const sign = seconds < 0 ? "-" : "";
  const total = Math.round(Math.abs(seconds));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const ss = String(s).padStart(2, "0");
  return h > 0 ? `${sign}${h}:${String(m).padStart(2, "0")}:${ss}` : `${sign}${m}:${ss}`;
}

/**
 * How the time bins of a timeseries are grouped into chart points: `binsPerPoint` consecutive bins
 * (by rank among the distinct bin times) make one point, so a line has at most `maxPoints` points.
 * Example: 3600 one-second bins, maxPoints 600 → 6 bins per point, 600 points at 2.5 s, 8.5 s, ….
 */
export interface BucketPlan {
  readonly binsPerPoint: number;
  /** The x position of each point: the mean of its bins' start times. */
  readonly centers: readonly number[];
}

export function planBuckets(times: readonly number[], maxPoints: number): BucketPlan {
  const binsPerPoint = Math.max(1, Math.ceil(times.length / Math.max(1, maxPoints)));
  const centers: number[] = [];
  for (let start = 0; start < times.length; start += binsPerPoint) {
    const end = Math.min(times.length, start + binsPerPoint);
    let sum = 0;
    for (let i = start; i < end; i++) sum += times[i];
    centers.push(sum / (end - start));
  }
  return { binsPerPoint, centers };
}

/**
 * The p-quantile (0 ≤ p ≤ 1) of ascending `sorted` values, interpolating linearly between order
 * statistics (R's type 7, numpy's default); null for no values.
 */
export function quantileSorted(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const h = (sorted.length - 1) * Math.min(1, Math.max(0, p));
  const lo = Math.floor(h);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}

function round(value: number, decimals: number): number {
  const r = Number(value.toFixed(decimals));
  return r === 0 ? 0 : r; // no -0 labels
}

function trimZero(text: string): string {
  return text === "-0" || /^-0\.0+$/.test(text) ? text.slice(1) : text;
}
