/**
 * The report columns of SPEC §4, declared once as typed lists: the CSV writer, the row types, the
 * comparison statistics and the check/baseline logic all read them from here, so a column exists in
 * one place and is written in one stable order.
 *
 * Each column says how its values are formatted (`kind`), whether a value may be missing
 * (`nullable`: written as an empty field) and, for the summary metrics, which way is better. New
 * columns go at the END of a list (SPEC: names are stable, new columns are appended); a caller that
 * needs an extra column spreads the list: `[...SUMMARY_COLUMNS, { name: "x", kind: "ratio" }]`.
 *
 * Leaves out: `run.json` and `report.html`, which are documents rather than tables.
 */

/**
 * How a value is written:
 * - `text`: as is (quoted by the CSV writer when needed);
 * - `integer`: whole numbers only, a fraction is a bug and throws;
 * - `seconds`, `ratio`, `number`: rounded to 6 decimals, trailing zeros dropped (`1.5`, `0.000001`, `120`);
 * - `boolean`: `true` / `false`.
 */
export type ColumnKind = "text" | "integer" | "seconds" | "ratio" | "number" | "boolean";

/** Which direction of a metric is an improvement; `none` for counts that only describe the run. */
export type Better = "higher" | "lower" | "none";

export interface Column {
  /** The header name, snake_case, stable once released. */
  readonly name: string;
  readonly kind: ColumnKind;
  /** The value may be missing (null), written as an empty field. */
  readonly nullable?: boolean;
  /** Summary metrics only: compared across strategies in comparison.csv. */
  readonly metric?: boolean;
  /** Summary metrics only: which direction is an improvement. */
  readonly better?: Better;
}

type KindValue = {
  text: string;
  integer: number;
  seconds: number;
  ratio: number;
  number: number;
  boolean: boolean;
};

/** The value type of one column: `null` is allowed only where the column is nullable. */
export type ColumnValue<C extends Column> = C extends { readonly nullable: true }
  ? KindValue[C["kind"]] | null
  : KindValue[C["kind"]];

/** The row type of a column list: one property per column name. */
export type RowOf<Cs extends readonly Column[]> = {
  [C in Cs[number] as C["name"]]: ColumnValue<C>;
};

/** The header names of a column list, in order. */
export function columnNames(columns: readonly Column[]): string[] {
  return columns.map((c) => c.name);
}

/** summary.csv: one row per strategy × replication. */
export const SUMMARY_COLUMNS = [
  { name: "scenario", kind: "text" },
  { name: "strategy", kind: "text" },
  { name: "replication", kind: "integer" },
  { name: "seed", kind: "text" },
  { name: "duration_s", kind: "seconds" },
  { name: "requests_total", kind: "integer", metric: true, better: "none" },
  { name: "requests_ok", kind: "integer", metric: true, better: "higher" },
  { name: "requests_failed", kind: "integer", metric: true, better: "lower" },
  { name: "requests_timeout", kind: "integer", metric: true, better: "lower" },
  // Empty when no request was sent: 0/0 is not an availability.
  { name: "availability", kind: "ratio", nullable: true, metric: true, better: "higher" },
  { name: "reachability", kind: "ratio", nullable: true, metric: true, better: "higher" },
  { name: "unreachable_s", kind: "seconds", metric: true, better: "lower" },
  // Empty when no rollout happened or it never completed.
  { name: "rollout_duration_s", kind: "seconds", nullable: true, metric: true, better: "lower" },
  // Empty when the scenario rolls out nothing.
  { name: "min_available_replicas", kind: "integer", nullable: true, metric: true, better: "higher" },
  { name: "max_surge_pods", kind: "integer", nullable: true, metric: true, better: "lower" },
  { name: "pods_created", kind: "integer", metric: true, better: "none" },
  { name: "pods_deleted", kind: "integer", metric: true, better: "none" },
  { name: "events_processed", kind: "integer", metric: true, better: "none" },
  // Wall-clock time of the replication: the one column allowed to differ between identical runs,
  // so it is never a comparison metric. Fractions of a millisecond are allowed (kind number).
  { name: "wall_ms", kind: "number" },
] as const satisfies readonly Column[];

export type SummaryRow = RowOf<typeof SUMMARY_COLUMNS>;

/** comparison.csv: one row per strategy × metric; the delta is the paired difference to the baseline. */
export const COMPARISON_COLUMNS = [
  { name: "scenario", kind: "text" },
  { name: "strategy", kind: "text" },
  { name: "metric", kind: "text" },
  /** Replications with a value for this metric. */
  { name: "n", kind: "integer" },
  { name: "mean", kind: "number", nullable: true },
  { name: "stddev", kind: "number", nullable: true },
  { name: "ci95_low", kind: "number", nullable: true },
  { name: "ci95_high", kind: "number", nullable: true },
  { name: "baseline", kind: "text" },
  { name: "delta_mean", kind: "number", nullable: true },
  { name: "delta_ci95_low", kind: "number", nullable: true },
  { name: "delta_ci95_high", kind: "number", nullable: true },
  // Added by kubesim beyond SPEC's first columns: replications paired with the baseline (both had a
  // value), which can be fewer than `n` when some rollouts never completed.
  { name: "delta_n", kind: "integer", nullable: true },
] as const satisfies readonly Column[];

export type ComparisonRow = RowOf<typeof COMPARISON_COLUMNS>;

/** timeseries.csv: one row per strategy × replication × time bin × workload. */
export const TIMESERIES_COLUMNS = [
  { name: "scenario", kind: "text" },
  { name: "strategy", kind: "text" },
  { name: "replication", kind: "integer" },
  { name: "time_s", kind: "seconds" },
  { name: "workload", kind: "text" },
  { name: "desired", kind: "integer" },
  { name: "updated", kind: "integer" },
  { name: "ready", kind: "integer" },
  { name: "available", kind: "integer" },
  { name: "terminating", kind: "integer" },
  // Empty for a workload that no Service selects.
  { name: "endpoints_ready", kind: "integer", nullable: true },
  { name: "endpoints_programmed_min", kind: "integer", nullable: true },
  { name: "requests_ok", kind: "integer" },
  { name: "requests_failed", kind: "integer" },
  { name: "requests_timeout", kind: "integer" },
] as const satisfies readonly Column[];

export type TimeseriesRow = RowOf<typeof TIMESERIES_COLUMNS>;

/** events.csv: one row per event, Kubernetes reasons where Kubernetes has one. */
export const EVENTS_COLUMNS = [
  { name: "scenario", kind: "text" },
  { name: "strategy", kind: "text" },
  { name: "replication", kind: "integer" },
  { name: "time_s", kind: "seconds" },
  { name: "kind", kind: "text" },
  { name: "name", kind: "text" },
  { name: "reason", kind: "text" },
  { name: "message", kind: "text" },
] as const satisfies readonly Column[];

export type EventRow = RowOf<typeof EVENTS_COLUMNS>;

/** checks.csv: one row per strategy × check bound. */
export const CHECKS_COLUMNS = [
  { name: "scenario", kind: "text" },
  { name: "strategy", kind: "text" },
  /** Readable id: `availability(service/web) >= 0.999`. */
  { name: "check", kind: "text" },
  /** The mean over replications, empty when no replication had a value. */
  { name: "value", kind: "number", nullable: true },
  { name: "bound", kind: "number" },
  { name: "passed", kind: "boolean" },
] as const satisfies readonly Column[];

export type CheckRow = RowOf<typeof CHECKS_COLUMNS>;

/**
 * The "what moved" table of `kubesim check --baseline`: one row per strategy × metric whose mean
 * differs from the committed baseline report. Not one of SPEC §4's files; the CLI prints it and may
 * write it as `baseline.csv`.
 */
export const BASELINE_COLUMNS = [
  { name: "scenario", kind: "text" },
  { name: "strategy", kind: "text" },
  { name: "metric", kind: "text" },
  /** The mean in the baseline report; empty when it had none. */
  { name: "baseline", kind: "number", nullable: true },
  /** The mean now, rounded as comparison.csv writes it; empty when there is none. */
  { name: "current", kind: "number", nullable: true },
  /** current − baseline; empty when either is missing. */
  { name: "delta", kind: "number", nullable: true },
  /** `higher`, `lower` or `none` (either direction counts when gated). */
  { name: "better", kind: "text" },
  /** Allowed move in the bad direction, absolute, in the metric's units; empty when not gated. */
  { name: "tolerance", kind: "number", nullable: true },
  /** A check names this metric, so a regression fails `kubesim check`. */
  { name: "gated", kind: "boolean" },
  { name: "regressed", kind: "boolean" },
] as const satisfies readonly Column[];

export type BaselineMoveRow = RowOf<typeof BASELINE_COLUMNS>;

/** The report files of SPEC §4 that are tables, with their columns. */
export const REPORT_TABLES = {
  "summary.csv": SUMMARY_COLUMNS,
  "comparison.csv": COMPARISON_COLUMNS,
  "timeseries.csv": TIMESERIES_COLUMNS,
  "events.csv": EVENTS_COLUMNS,
  "checks.csv": CHECKS_COLUMNS,
} as const;

/** A summary column that comparison.csv compares across strategies. */
export type SummaryMetricName = Extract<(typeof SUMMARY_COLUMNS)[number], { metric: true }>["name"];

/**
 * The metrics of comparison.csv, in summary column order: every summary column marked `metric`.
 * Left out: the run's identity (scenario … seed), `duration_s` (an input, equal across strategies)
 * and `wall_ms` (wall time: comparing it would make comparison.csv differ between identical runs).
 */
export const SUMMARY_METRICS: readonly SummaryMetricName[] = SUMMARY_COLUMNS.filter(
  (c): c is Extract<(typeof SUMMARY_COLUMNS)[number], { metric: true }> => "metric" in c && c.metric === true,
).map((c) => c.name);

/** The derived metric requests_failed + requests_timeout, the "lost requests" of the summary table. */
export const REQUESTS_LOST = "requests_lost";

/**
 * Which way is better for a metric name, including the derived `requests_lost` and scoped names
 * (`availability(service/web)` is availability); `none` for names this table does not know.
 */
export function metricDirection(metric: string): Better {
  const bare = metric.replace(/\(.*\)$/, "");
  if (bare === REQUESTS_LOST) return "lower";
  const column = SUMMARY_COLUMNS.find((c) => c.name === bare);
  return column && "better" in column ? column.better : "none";
}
