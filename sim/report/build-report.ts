/**
 * From replication results to the report files of SPEC §4: summary.csv, comparison.csv,
 * timeseries.csv, events.csv, checks.csv, run.json (report.html is added by the caller when the
 * renderer is available). Rows are ordered by strategy (file order), replication, then time, so
 * the same results give the same bytes whatever order workers finished in.
 */
import type { ReplicationResult } from "../engine/replication.ts";
import {
  type Column,
  CHECKS_COLUMNS,
  type CheckRow,
  COMPARISON_COLUMNS,
  type ComparisonRow,
  EVENTS_COLUMNS,
  type EventRow,
  SUMMARY_COLUMNS,
  type SummaryRow,
  TIMESERIES_COLUMNS,
  type TimeseriesRow,
} from "./columns.ts";
import { buildComparison } from "./comparison.ts";
import { type CheckSpec, evaluateChecks } from "./checks.ts";
import { parseNumberCell, parseReportCsv, toCsv } from "./csv.ts";

export interface ReportInput {
  readonly scenario: string;
  /** Strategies in report order (the first is the baseline). */
  readonly strategies: readonly string[];
  /** Results in report order: strategy, then replication. */
  readonly results: readonly (ReplicationResult & { wallMs: number })[];
  readonly checks: readonly CheckSpec[];
}

export interface ReportTables {
  readonly summary: SummaryRow[];
  readonly comparison: ComparisonRow[];
  readonly timeseries: TimeseriesRow[];
  readonly events: EventRow[];
  readonly checks: CheckRow[];
}

export function summaryRow(scenario: string, r: ReplicationResult & { wallMs: number }): SummaryRow {
  return {
    scenario,
    strategy: r.strategy,
    replication: r.replication,
    seed: r.seed,
    duration_s: r.durationSeconds,
    requests_total: r.requests.total,
    requests_ok: r.requests.ok,
    requests_failed: r.requests.failed,
    requests_timeout: r.requests.timeout,
    availability: r.availability,
    reachability: r.reachability,
    unreachable_s: r.unreachableSeconds,
    rollout_duration_s: r.rolloutDurationSeconds,
    min_available_replicas: r.minAvailableReplicas,
    max_surge_pods: r.maxSurgePods,
    pods_created: r.podsCreated,
    pods_deleted: r.podsDeleted,
    events_processed: r.eventsProcessed,
    wall_ms: Math.round(r.wallMs),
  };
}

/** A report table read back as typed rows: text as text, every other kind as a number or null. */
function rowsAsWritten<R>(columns: readonly Column[], csv: string, source: string): R[] {
  return parseReportCsv(columns, csv, source).map((row, i) => {
    const out: Record<string, unknown> = {};
    for (const c of columns) {
      const text = row[c.name];
      out[c.name] = c.kind === "text" ? text : parseNumberCell(text, `${source}:${i + 2}:${c.name}`);
    }
    return out as R;
  });
}

/**
 * Summary rows as summary.csv holds them (numbers rounded as written): comparison.csv and the
 * checks are computed from these, so a report merged from shards' CSV files computes exactly
 * the same statistics as an unsharded run.
 */
export function summaryAsWritten(csv: string, source = "summary.csv"): SummaryRow[] {
  return rowsAsWritten<SummaryRow>(SUMMARY_COLUMNS, csv, source);
}

/** Timeseries rows read back from timeseries.csv (for a merged report's page). */
export function timeseriesAsWritten(csv: string, source = "timeseries.csv"): TimeseriesRow[] {
  return rowsAsWritten<TimeseriesRow>(TIMESERIES_COLUMNS, csv, source);
}

/** comparison.csv and checks.csv rows from summary rows (as written). */
export function statisticsTables(scenario: string, strategies: readonly string[], summary: readonly SummaryRow[], checks: readonly CheckSpec[]) {
  const comparison = buildComparison(summary as unknown as Parameters<typeof buildComparison>[0]);
  return { comparison, checks: evaluateChecks({ scenario, checks, comparison, strategies }) };
}

export function buildTables(input: ReportInput): ReportTables {
  const summary = summaryAsWritten(toCsv(SUMMARY_COLUMNS, input.results.map((r) => summaryRow(input.scenario, r))));
  const { comparison, checks } = statisticsTables(input.scenario, input.strategies, summary, input.checks);
  const timeseries: TimeseriesRow[] = [];
  const events: EventRow[] = [];
  for (const r of input.results) {
    for (const s of r.samples) {
      const bin = r.bins?.get(s.workload)?.get(s.time);
      timeseries.push({
        scenario: input.scenario,
        strategy: r.strategy,
        replication: r.replication,
        time_s: s.time / 1e6,
        workload: s.workload,
        desired: s.desired,
        updated: s.updated,
        ready: s.ready,
        available: s.available,
        terminating: s.terminating,
        endpoints_ready: bin?.endpointsReady ?? null,
        endpoints_programmed_min: bin?.endpointsProgrammedMin ?? null,
        requests_ok: bin?.ok ?? 0,
        requests_failed: bin?.failed ?? 0,
        requests_timeout: bin?.timeout ?? 0,
      });
    }
    for (const e of r.events) {
      events.push({
        scenario: input.scenario,
        strategy: r.strategy,
        replication: r.replication,
        time_s: e.time / 1e6,
        kind: e.kind,
        name: e.name,
        reason: e.reason,
        message: e.message,
      });
    }
  }
  return { summary, comparison, timeseries, events, checks };
}

/** The CSV files of a report, by file name. */
export function csvFiles(tables: ReportTables): Map<string, string> {
  return new Map([
    ["summary.csv", toCsv(SUMMARY_COLUMNS, tables.summary)],
    ["comparison.csv", toCsv(COMPARISON_COLUMNS, tables.comparison)],
    ["timeseries.csv", toCsv(TIMESERIES_COLUMNS, tables.timeseries)],
    ["events.csv", toCsv(EVENTS_COLUMNS, tables.events)],
    ["checks.csv", toCsv(CHECKS_COLUMNS, tables.checks)],
  ]);
}
