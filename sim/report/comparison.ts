/**
 * comparison.csv from summary.csv's rows: for each strategy (in the order they appear, which is the
 * scenario file's order) and each metric, the mean over replications with its 95 % interval, and
 * the paired difference to the baseline strategy (the first one) over the same replications.
 *
 * Metrics, in this order: every summary column marked `metric` in columns.ts (requests_total,
 * requests_ok, requests_failed, requests_timeout, availability, reachability, unreachable_s,
 * rollout_duration_s, min_available_replicas, max_surge_pods, pods_created, pods_deleted,
 * events_processed), then the derived `requests_lost` (= requests_failed + requests_timeout, the
 * summary table's "lost requests"). Not compared: `duration_s` (an input, the same for every
 * strategy) and `wall_ms` (wall time would make comparison.csv differ between identical runs).
 *
 * Decisions:
 * - the baseline's own rows leave the delta columns empty: a difference with itself is not a
 *   measurement (and a 0 ± 0 would read as one);
 * - a value missing in a replication (a rollout that never completed) is left out; deltas pair
 *   replications where both strategies have a value, and `delta_n` says how many did.
 *
 * Leaves out: corrections for multiple comparisons; each interval is a plain 95 % interval.
 */
import { type ComparisonRow, REQUESTS_LOST, SUMMARY_METRICS } from "./columns.ts";
import { type Estimate, type Maybe, estimate, pairedDifference } from "./statistics.ts";

/** The metrics of comparison.csv by default, in order. */
export const COMPARISON_METRICS: readonly string[] = [...SUMMARY_METRICS, REQUESTS_LOST];

/** The fields of a summary row this module reads; extra metric columns are read by name. */
export interface SummaryInput {
  readonly scenario: string;
  readonly strategy: string;
  readonly replication: number;
  readonly [column: string]: unknown;
}

export interface ComparisonOptions {
  /** Metric names to compare, in order; default COMPARISON_METRICS. Extra summary columns may be named. */
  readonly metrics?: readonly string[];
}

/** A metric's value in one summary row; null when missing or not a number. */
export function metricValue(row: SummaryInput, metric: string): number | null {
  if (metric === REQUESTS_LOST) {
    const failed = row.requests_failed;
    const timeout = row.requests_timeout;
    return typeof failed === "number" && typeof timeout === "number" ? failed + timeout : null;
  }
  const value = row[metric];
  return typeof value === "number" && !Number.isNaN(value) ? value : null;
}

/** Rows grouped by scenario, then strategy, each in order of first appearance. */
function group(rows: readonly SummaryInput[]): Map<string, Map<string, Map<number, SummaryInput>>> {
  const scenarios = new Map<string, Map<string, Map<number, SummaryInput>>>();
  for (const row of rows) {
    let strategies = scenarios.get(row.scenario);
    if (!strategies) scenarios.set(row.scenario, (strategies = new Map()));
    let replications = strategies.get(row.strategy);
    if (!replications) strategies.set(row.strategy, (replications = new Map()));
    if (replications.has(row.replication)) {
      throw new Error(
        `summary rows hold replication ${row.replication} of strategy ${row.strategy} (scenario ${row.scenario}) twice`,
      );
    }
    replications.set(row.replication, row);
  }
  return scenarios;
}

/**
 * comparison.csv rows: scenario × strategy × metric. The baseline of each scenario is its first
 * strategy; `baseline` names it on every row.
 */
export function buildComparison(rows: readonly SummaryInput[], options: ComparisonOptions = {}): ComparisonRow[] {
  const metrics = options.metrics ?? COMPARISON_METRICS;
  const out: ComparisonRow[] = [];
  for (const [scenario, strategies] of group(rows)) {
    const [baselineName, baselineRuns] = strategies.entries().next().value as [string, Map<number, SummaryInput>];
    for (const [strategy, runs] of strategies) {
      const isBaseline = strategy === baselineName;
      const replications = [...runs.keys()].sort((a, b) => a - b);
      for (const metric of metrics) {
        const values = replications.map((r) => metricValue(runs.get(r)!, metric));
        const own = estimate(values);
        let delta: Estimate | null = null;
        if (!isBaseline) {
          const base: Maybe[] = replications.map((r) => {
            const b = baselineRuns.get(r);
            return b ? metricValue(b, metric) : null;
          });
          delta = pairedDifference(values, base);
        }
        out.push({
          scenario,
          strategy,
          metric,
          n: own.n,
          mean: own.mean,
          stddev: own.stddev,
          ci95_low: own.ci95Low,
          ci95_high: own.ci95High,
          baseline: baselineName,
          delta_mean: delta ? delta.mean : null,
          delta_ci95_low: delta ? delta.ci95Low : null,
          delta_ci95_high: delta ? delta.ci95High : null,
          delta_n: delta ? delta.n : null,
        });
      }
    }
  }
  return out;
}
