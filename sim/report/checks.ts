/**
 * SLO gates (SPEC §2 `checks`) and the baseline regression comparison of `kubesim check --baseline`.
 *
 * A check is judged per strategy on the mean over replications, as comparison.csv writes it (rounded
 * to 6 decimals): what is printed is what is compared, so `value 0.999 bound 0.999` never FAILs. A
 * check with both `min` and `max` gives two rows, one per bound, each with its own verdict. A mean
 * that does not exist (no replication had a value: e.g. the rollout never completed) fails.
 *
 * Scope: a check's `service` / `target` name what it measures. The metric is looked up in the
 * comparison rows first under its scoped name (`availability(service/web)`, for scenarios whose
 * summary carries per-service columns), then under the plain name, which summary.csv defines for
 * the scenario's traffic and its rolled-out workload.
 *
 * Baseline: the current means are compared with a committed report's comparison.csv. Every metric
 * whose mean moved is listed ("what moved"); only metrics named by a check gate the exit code, and
 * one regresses when it moved in its bad direction by more than the check's `tolerance`, which is
 * ABSOLUTE, in the metric's units (`tolerance: 0.0005` on availability, `5` on rollout_duration_s),
 * default 0: the same seed reproduces a report byte for byte, so any worsening comes from a change to
 * kubesim or the scenario. A gated metric that had a value in the baseline and has none now (a
 * rollout that no longer completes) is a regression. The bad direction is the metric's own
 * (columns.ts `better`); for a metric without one it follows the check's bound (`min`: lower is
 * worse; `max`: higher is worse; both: either).
 *
 * Leaves out: statistical tests against the baseline (with common random numbers and the same seed
 * there is no sampling noise between the two runs, only code changes).
 */
import {
  type BaselineMoveRow,
  type Better,
  COMPARISON_COLUMNS,
  type CheckRow,
  type ComparisonRow,
  metricDirection,
} from "./columns.ts";
import { formatDecimal, parseNumberCell, parseReportCsv, roundAsWritten } from "./csv.ts";
import { type Cell, alignColumns } from "./summary-table.ts";

/** One `checks` entry of a scenario. */
export interface CheckSpec {
  /** A comparison.csv metric name, e.g. `availability`, `rollout_duration_s`. */
  readonly metric: string;
  /** The Service measured: `web` or `service/web`. */
  readonly service?: string;
  /** The workload measured, `kind/name`: `deployment/web`. */
  readonly target?: string;
  /** Passes when mean ≥ min. */
  readonly min?: number;
  /** Passes when mean ≤ max. */
  readonly max?: number;
  /** Allowed worsening against a --baseline report, absolute, in the metric's units; default 0. */
  readonly tolerance?: number;
}

/** A check entry that cannot be evaluated (scenario validation should have caught it). */
export class CheckError extends Error {
  override name = "CheckError";
}

/** A baseline report that cannot be compared with. */
export class BaselineError extends Error {
  override name = "BaselineError";
}

/** `service/web, deployment/web`: what a check measures, or "" when unscoped. */
export function checkScope(check: CheckSpec): string {
  const parts: string[] = [];
  if (check.service) parts.push(check.service.includes("/") ? check.service : `service/${check.service}`);
  if (check.target) parts.push(check.target);
  return parts.join(", ");
}

/** `availability(service/web)`, or the bare metric when unscoped; the scoped comparison metric name. */
export function checkLabel(check: CheckSpec): string {
  const scope = checkScope(check);
  return scope ? `${check.metric}(${scope})` : check.metric;
}

function validateCheck(check: CheckSpec, index: number): void {
  const where = `checks[${index}]`;
  if (!check.metric) throw new CheckError(`${where}: metric is required`);
  if (check.min === undefined && check.max === undefined) {
    throw new CheckError(`${where} (${checkLabel(check)}): needs min or max`);
  }
  for (const key of ["min", "max", "tolerance"] as const) {
    const v = check[key];
    if (v !== undefined && !Number.isFinite(v)) throw new CheckError(`${where}.${key}: must be a finite number, got ${v}`);
  }
  if (check.tolerance !== undefined && check.tolerance < 0) {
    throw new CheckError(`${where}.tolerance: must be greater than or equal to 0, got ${check.tolerance}`);
  }
}

/** strategy → metric → mean, for one scenario's comparison rows. */
function meansOf(rows: readonly ComparisonRow[], scenario: string): Map<string, Map<string, number | null>> {
  const means = new Map<string, Map<string, number | null>>();
  for (const row of rows) {
    if (row.scenario !== scenario) continue;
    let metrics = means.get(row.strategy);
    if (!metrics) means.set(row.strategy, (metrics = new Map()));
    metrics.set(row.metric, row.mean);
  }
  return means;
}

/** The comparison metric name a check reads: its scoped name if present, else the plain one. */
function resolveMetric(check: CheckSpec, available: (metric: string) => boolean): string {
  const scoped = checkLabel(check);
  return available(scoped) ? scoped : check.metric;
}

export interface EvaluateChecksInput {
  readonly scenario: string;
  readonly checks: readonly CheckSpec[];
  /** comparison.csv rows (at least this scenario's). */
  readonly comparison: readonly ComparisonRow[];
  /** Strategies to judge, in order; default: those in the comparison rows, in their order. */
  readonly strategies?: readonly string[];
}

/** checks.csv rows: strategy × check × bound (min before max), in strategy then check order. */
export function evaluateChecks(input: EvaluateChecksInput): CheckRow[] {
  input.checks.forEach(validateCheck);
  const means = meansOf(input.comparison, input.scenario);
  const strategies = input.strategies ?? [...means.keys()];
  const rows: CheckRow[] = [];
  for (const strategy of strategies) {
    const metrics = means.get(strategy);
    for (const check of input.checks) {
      const metric = resolveMetric(check, (m) => metrics?.has(m) ?? false);
      const mean = metrics?.get(metric) ?? null;
      const value = mean === null ? null : roundAsWritten(mean);
      const label = checkLabel(check);
      if (check.min !== undefined) {
        rows.push({
          scenario: input.scenario,
          strategy,
          check: `${label} >= ${formatDecimal(check.min)}`,
          value,
          bound: check.min,
          passed: value !== null && value >= check.min,
        });
      }
      if (check.max !== undefined) {
        rows.push({
          scenario: input.scenario,
          strategy,
          check: `${label} <= ${formatDecimal(check.max)}`,
          value,
          bound: check.max,
          passed: value !== null && value <= check.max,
        });
      }
    }
  }
  return rows;
}

/** True when every check row passed. */
export function allPassed(rows: readonly CheckRow[]): boolean {
  return rows.every((r) => r.passed);
}

/**
 * One line per check row for `kubesim check`, aligned:
 * `PASS  default  availability(service/web) >= 0.999  value 0.99931`.
 */
export function formatCheckLines(rows: readonly CheckRow[], options: { color?: boolean } = {}): string {
  const grid: Cell[][] = rows.map((r) => [
    { text: r.passed ? "PASS" : "FAIL", style: r.passed ? "green" : "red" },
    { text: r.strategy },
    { text: r.check },
    { text: `value ${r.value === null ? "(none)" : formatDecimal(r.value)}` },
  ]);
  const lines = alignColumns(grid, options.color ?? false);
  return lines.length === 0 ? "" : `${lines.join("\n")}\n`;
}

// --- baseline ------------------------------------------------------------------------------------

/** SPEC §4's comparison.csv columns, which a baseline must start with (later columns are optional). */
const SPEC_COMPARISON_COLUMNS = COMPARISON_COLUMNS.slice(0, 12);

/** comparison.csv text (a committed baseline report) read back into rows; `source` names the file in errors. */
export function parseComparisonCsv(text: string, source = "comparison.csv"): ComparisonRow[] {
  const records = parseReportCsv(SPEC_COMPARISON_COLUMNS, text, source);
  return records.map((r, i) => {
    const where = `${source}: record ${i + 1}`;
    const num = (name: string) => parseNumberCell(r[name] ?? "", `${where}, column ${name}`);
    const n = num("n");
    if (n === null || !Number.isInteger(n)) throw new BaselineError(`${where}, column n: expected a whole number, got ${JSON.stringify(r.n)}`);
    return {
      scenario: r.scenario,
      strategy: r.strategy,
      metric: r.metric,
      n,
      mean: num("mean"),
      stddev: num("stddev"),
      ci95_low: num("ci95_low"),
      ci95_high: num("ci95_high"),
      baseline: r.baseline,
      delta_mean: num("delta_mean"),
      delta_ci95_low: num("delta_ci95_low"),
      delta_ci95_high: num("delta_ci95_high"),
      delta_n: "delta_n" in r ? num("delta_n") : null,
    };
  });
}

export interface BaselineInput {
  readonly scenario: string;
  /** This run's comparison rows. */
  readonly current: readonly ComparisonRow[];
  /** The committed report's comparison rows (parseComparisonCsv). */
  readonly baseline: readonly ComparisonRow[];
  readonly checks: readonly CheckSpec[];
  /** Names the baseline in errors, e.g. `reports/baseline/rolling-update`. */
  readonly source?: string;
}

interface Gate {
  tolerance: number;
  better: Better;
}

/** The direction a check implies for a metric without a known one. */
function boundDirection(check: CheckSpec): Better {
  if (check.min !== undefined && check.max === undefined) return "higher";
  if (check.max !== undefined && check.min === undefined) return "lower";
  return "none";
}

/**
 * The "what moved" rows against a baseline: every strategy × metric present in both reports whose
 * mean changed, in the current report's order; `regressed` only for gated metrics (see the top).
 * Strategies or metrics that only one report has are not compared.
 */
export function compareToBaseline(input: BaselineInput): BaselineMoveRow[] {
  input.checks.forEach(validateCheck);
  const source = input.source ?? "the baseline report";
  const baseline = meansOf(input.baseline, input.scenario);
  if (baseline.size === 0) {
    throw new BaselineError(`${source} has no comparison rows for scenario ${input.scenario}`);
  }
  const current = input.current.filter((r) => r.scenario === input.scenario);
  const known = new Set([...current.map((r) => r.metric), ...input.baseline.map((r) => r.metric)]);

  const gates = new Map<string, Gate>();
  for (const check of input.checks) {
    const metric = resolveMetric(check, (m) => known.has(m));
    const own = metricDirection(check.metric);
    const direction = own !== "none" ? own : boundDirection(check);
    const tolerance = check.tolerance ?? 0;
    const previous = gates.get(metric);
    gates.set(
      metric,
      previous
        ? {
            tolerance: Math.min(previous.tolerance, tolerance),
            better: previous.better === direction ? direction : "none",
          }
        : { tolerance, better: direction },
    );
  }

  const rows: BaselineMoveRow[] = [];
  for (const row of current) {
    const before = baseline.get(row.strategy);
    if (!before?.has(row.metric)) continue;
    const was = before.get(row.metric) ?? null;
    const now = row.mean === null ? null : roundAsWritten(row.mean);
    const delta = was !== null && now !== null ? roundAsWritten(now - was) : null;
    const moved = delta !== null ? delta !== 0 : was !== now;
    if (!moved) continue;
    const gate = gates.get(row.metric);
    const better = gate?.better ?? metricDirection(row.metric);
    let regressed = false;
    if (gate) {
      if (delta !== null) {
        const worse = gate.better === "higher" ? -delta : gate.better === "lower" ? delta : Math.abs(delta);
        regressed = roundAsWritten(worse) > gate.tolerance;
      } else {
        regressed = was !== null && now === null;
      }
    }
    rows.push({
      scenario: input.scenario,
      strategy: row.strategy,
      metric: row.metric,
      baseline: was,
      current: now,
      delta,
      better,
      tolerance: gate ? gate.tolerance : null,
      gated: gate !== undefined,
      regressed,
    });
  }
  return rows;
}

/** True when no gated metric regressed. */
export function noRegressions(rows: readonly BaselineMoveRow[]): boolean {
  return rows.every((r) => !r.regressed);
}

/** The "what moved" table for stderr/stdout; says so when nothing moved. Ends with a newline. */
export function formatBaselineTable(rows: readonly BaselineMoveRow[], options: { color?: boolean } = {}): string {
  if (rows.length === 0) return "no metric moved against the baseline\n";
  const numeric = new Set(["baseline", "current", "delta", "tolerance"]);
  const header: Cell[] = ["strategy", "metric", "baseline", "current", "delta", "tolerance", "status"].map((text) => ({
    text,
    style: "bold",
    align: numeric.has(text) ? "right" : "left",
  }));
  const grid: Cell[][] = [header];
  for (const r of rows) {
    const status = moveStatus(r);
    grid.push([
      { text: r.strategy },
      { text: r.metric },
      { text: r.baseline === null ? "-" : formatDecimal(r.baseline), align: "right" },
      { text: r.current === null ? "-" : formatDecimal(r.current), align: "right" },
      { text: r.delta === null ? "-" : signed(r.delta), align: "right" },
      { text: r.tolerance === null ? "" : formatDecimal(r.tolerance), align: "right" },
      { text: status, style: r.regressed ? "red" : undefined },
    ]);
  }
  return `${alignColumns(grid, options.color ?? false).join("\n")}\n`;
}

/** In words: how a metric moved. */
export function moveStatus(row: BaselineMoveRow): string {
  if (row.regressed) return "REGRESSED";
  if (row.delta === null) return row.current === null ? "no value now" : "has a value now";
  if (row.better === "none") return "moved";
  const improved = (row.delta > 0) === (row.better === "higher");
  if (improved) return "improved";
  return row.gated ? "worse, within tolerance" : "worse (no check)";
}

function signed(value: number): string {
  const text = formatDecimal(value);
  return value > 0 ? `+${text}` : text;
}
