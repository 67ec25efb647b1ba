/**
 * What report.html's charts plot, computed from timeseries.csv's rows in one pass: per strategy,
 * availability over time (mean across replications and a 10–90 % band) and the mean requests lost,
 * and per workload the mean desired / updated / available replicas and ready / programmed
 * endpoints; optionally limited to a time window (the close-ups around a rollout).
 *
 * Decisions:
 * - timeseries rows are per workload, and a Service's request counts repeat on every workload row
 *   it selects; requests are taken from ONE row per (strategy, replication, time): the first in row
 *   order, so a canary and its stable workload do not count the same requests twice;
 * - availability is computed per replication first (requests_ok / ok+failed+timeout) and then
 *   summarised across replications, so a replication with heavy traffic does not drown the rest;
 * - long runs are bucketed (html-scale.ts `planBuckets`) to at most `maxPoints` points per line: a
 *   bucket's availability sums its bins' requests (a ratio of sums, not a mean of ratios), gauges
 *   (replicas, endpoints) are averaged over the bucket's bins and the replications;
 * - a bucket without requests has no availability (a gap in the line), never 0 % or 100 %.
 *
 * Leaves out: per-Service availability when a scenario has several Services (the first workload's
 * row stands for the traffic), and events (rollout start markers would need events.csv).
 */
import type { TimeseriesRow } from "./columns.ts";
import { planBuckets, quantileSorted } from "./html-scale.ts";

/** One value per chart point; null where there is no data (drawn as a gap). */
export type Series = readonly (number | null)[];

export interface TimeAxis {
  /** The x position of each point, seconds. */
  readonly points: readonly number[];
  /** Domain of the x axis: the first bin's start to the last bin's end, seconds. */
  readonly start: number;
  readonly end: number;
  /** The width of one timeseries bin (the smallest gap between bin times), seconds. */
  readonly binWidth: number;
  /** Timeseries bins averaged into one point. */
  readonly binsPerPoint: number;
}

export interface AvailabilitySeries {
  readonly strategy: string;
  /** Replications of this strategy in the timeseries. */
  readonly replications: number;
  readonly mean: Series;
  /** The band's edges: quantiles `band` of the replications' values; null with one replication. */
  readonly low: Series;
  readonly high: Series;
  /** Mean over replications of the requests failed or timed out in each point's bins. */
  readonly lost: Series;
}

export interface ReplicaSeries {
  readonly strategy: string;
  readonly desired: Series;
  readonly updated: Series;
  readonly available: Series;
}

export interface EndpointSeries {
  readonly strategy: string;
  readonly ready: Series;
  readonly programmedMin: Series;
}

export interface WorkloadCharts {
  readonly workload: string;
  /** Some bin had updated or available ≠ desired: a rollout, a scale or a fault moved it. */
  readonly moved: boolean;
  /** One entry per strategy, in strategy order. */
  readonly replicas: readonly ReplicaSeries[];
  /** Empty when no row of this workload has endpoint values (no Service selects it). */
  readonly endpoints: readonly EndpointSeries[];
}

export interface ChartData {
  /** Report order: the given strategies, then any the rows name that were not given. */
  readonly strategies: readonly string[];
  /** Null when there are no timeseries rows. */
  readonly axis: TimeAxis | null;
  readonly availability: readonly AvailabilitySeries[];
  /** Some bin of some strategy had a request. */
  readonly hasRequests: boolean;
  /** In order of first appearance. */
  readonly workloads: readonly WorkloadCharts[];
  /**
   * From the first to the end of the last bin in which some workload had updated or available ≠
   * desired, seconds; null when nothing moved. Where a close-up of the rollout would look.
   */
  readonly activity: readonly [number, number] | null;
}

export interface ChartDataOptions {
  /** At most this many points per line; default 600. */
  readonly maxPoints?: number;
  /** The band's quantiles across replications; default [0.1, 0.9]. */
  readonly band?: readonly [number, number];
  /** Only bins with from ≤ time_s < to, seconds; default all. */
  readonly window?: readonly [number, number];
}

/** Sums and counts per chart point of one (strategy, workload). */
interface GaugeSums {
  readonly desired: Float64Array;
  readonly updated: Float64Array;
  readonly available: Float64Array;
  readonly replicaCount: Uint32Array;
  readonly ready: Float64Array;
  readonly programmedMin: Float64Array;
  readonly endpointCount: Uint32Array;
}

/** Requests per chart point of one (strategy, replication). */
interface RequestSums {
  readonly ok: Float64Array;
  readonly total: Float64Array;
  /** Bins (by time rank) whose requests are already counted: the first workload row wins. */
  readonly counted: Uint8Array;
}

/** The charts' series from timeseries rows, in one pass over the rows. */
export function buildChartData(
  rows: readonly TimeseriesRow[],
  strategies: readonly string[],
  options: ChartDataOptions = {},
): ChartData {
  const maxPoints = options.maxPoints ?? 600;
  const [bandLow, bandHigh] = options.band ?? [0.1, 0.9];
  const order = [...strategies];
  const known = new Set(order);
  for (const row of rows) {
    if (!known.has(row.strategy)) {
      known.add(row.strategy);
      order.push(row.strategy);
    }
  }

  const [from, to] = options.window ?? [Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY];
  const times = distinctTimes(rows, from, to);
  if (times.length === 0) {
    return { strategies: order, axis: null, availability: [], hasRequests: false, workloads: [], activity: null };
  }
  const rank = new Map<number, number>();
  for (let i = 0; i < times.length; i++) rank.set(times[i], i);
  const plan = planBuckets(times, maxPoints);
  const points = plan.centers.length;
  const binWidth = smallestGap(times);

  const requests = new Map<string, Map<number, RequestSums>>();
  const gauges = new Map<string, Map<string, GaugeSums>>(); // workload → strategy → sums
  const moved = new Set<string>();
  let movedFrom = Number.POSITIVE_INFINITY;
  let movedTo = Number.NEGATIVE_INFINITY;
  let hasRequests = false;
  let lastStrategy: string | undefined;
  let lastReplication: number | undefined;
  let sums: RequestSums | undefined;

  for (const row of rows) {
    const timeRank = rank.get(row.time_s);
    if (timeRank === undefined) continue; // outside the window, or a non-finite time
    const point = Math.floor(timeRank / plan.binsPerPoint);

    // Rows come grouped by strategy and replication: reuse the last lookup while it still applies.
    if (row.strategy !== lastStrategy || row.replication !== lastReplication || sums === undefined) {
      let byReplication = requests.get(row.strategy);
      if (!byReplication) requests.set(row.strategy, (byReplication = new Map()));
      sums = byReplication.get(row.replication);
      if (!sums) {
        sums = { ok: new Float64Array(points), total: new Float64Array(points), counted: new Uint8Array(times.length) };
        byReplication.set(row.replication, sums);
      }
      lastStrategy = row.strategy;
      lastReplication = row.replication;
    }
    if (sums.counted[timeRank] === 0) {
      sums.counted[timeRank] = 1;
      const total = row.requests_ok + row.requests_failed + row.requests_timeout;
      sums.ok[point] += row.requests_ok;
      sums.total[point] += total;
      if (total > 0) hasRequests = true;
    }

    let byStrategy = gauges.get(row.workload);
    if (!byStrategy) gauges.set(row.workload, (byStrategy = new Map()));
    let g = byStrategy.get(row.strategy);
    if (!g) byStrategy.set(row.strategy, (g = newGaugeSums(points)));
    g.desired[point] += row.desired;
    g.updated[point] += row.updated;
    g.available[point] += row.available;
    g.replicaCount[point] += 1;
    if (row.endpoints_ready !== null && row.endpoints_programmed_min !== null) {
      g.ready[point] += row.endpoints_ready;
      g.programmedMin[point] += row.endpoints_programmed_min;
      g.endpointCount[point] += 1;
    }
    if (row.updated !== row.desired || row.available !== row.desired) {
      moved.add(row.workload);
      movedFrom = Math.min(movedFrom, row.time_s);
      movedTo = Math.max(movedTo, row.time_s);
    }
  }

  const availability: AvailabilitySeries[] = [];
  for (const strategy of order) {
    const byReplication = requests.get(strategy);
    if (!byReplication) continue;
    const replications = [...byReplication.values()];
    const mean: (number | null)[] = [];
    const low: (number | null)[] = [];
    const high: (number | null)[] = [];
    const lost: number[] = [];
    for (let p = 0; p < points; p++) {
      let lostSum = 0;
      for (const r of replications) lostSum += r.total[p] - r.ok[p];
      lost.push(lostSum / replications.length);
      const values: number[] = [];
      for (const r of replications) if (r.total[p] > 0) values.push(r.ok[p] / r.total[p]);
      if (values.length === 0) {
        mean.push(null);
        low.push(null);
        high.push(null);
        continue;
      }
      values.sort((a, b) => a - b);
      mean.push(values.reduce((a, b) => a + b, 0) / values.length);
      low.push(replications.length > 1 ? quantileSorted(values, bandLow) : null);
      high.push(replications.length > 1 ? quantileSorted(values, bandHigh) : null);
    }
    availability.push({ strategy, replications: replications.length, mean, low, high, lost });
  }

  const workloads: WorkloadCharts[] = [];
  for (const [workload, byStrategy] of gauges) {
    const replicas: ReplicaSeries[] = [];
    const endpoints: EndpointSeries[] = [];
    let hasEndpoints = false;
    for (const strategy of order) {
      const g = byStrategy.get(strategy);
      if (!g) continue;
      replicas.push({
        strategy,
        desired: ratios(g.desired, g.replicaCount),
        updated: ratios(g.updated, g.replicaCount),
        available: ratios(g.available, g.replicaCount),
      });
      if (g.endpointCount.some((n) => n > 0)) hasEndpoints = true;
      endpoints.push({ strategy, ready: ratios(g.ready, g.endpointCount), programmedMin: ratios(g.programmedMin, g.endpointCount) });
    }
    workloads.push({ workload, moved: moved.has(workload), replicas, endpoints: hasEndpoints ? endpoints : [] });
  }

  return {
    strategies: order,
    axis: {
      points: plan.centers,
      start: times[0],
      end: times[times.length - 1] + binWidth,
      binWidth,
      binsPerPoint: plan.binsPerPoint,
    },
    availability,
    hasRequests,
    workloads,
    activity: moved.size > 0 ? [movedFrom, movedTo + binWidth] : null,
  };
}

function newGaugeSums(points: number): GaugeSums {
  return {
    desired: new Float64Array(points),
    updated: new Float64Array(points),
    available: new Float64Array(points),
    replicaCount: new Uint32Array(points),
    ready: new Float64Array(points),
    programmedMin: new Float64Array(points),
    endpointCount: new Uint32Array(points),
  };
}

function ratios(sums: Float64Array, counts: Uint32Array): (number | null)[] {
  const out: (number | null)[] = [];
  for (let i = 0; i < sums.length; i++) out.push(counts[i] > 0 ? sums[i] / counts[i] : null);
  return out;
}

function distinctTimes(rows: readonly TimeseriesRow[], from: number, to: number): number[] {
  const seen = new Set<number>();
  for (const row of rows) if (Number.isFinite(row.time_s) && row.time_s >= from && row.time_s < to) seen.add(row.time_s);
  return [...seen].sort((a, b) => a - b);
}

/** The bin width: the smallest gap between consecutive bin times; 1 s for a single bin. */
function smallestGap(times: readonly number[]): number {
  let gap = Number.POSITIVE_INFINITY;
  for (let i = 1; i < times.length; i++) gap = Math.min(gap, times[i] - times[i - 1]);
  return Number.isFinite(gap) && gap > 0 ? gap : 1;
}
