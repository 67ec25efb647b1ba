import { suite } from "uvu";
import * as assert from "uvu/assert";
import {
  CHECKS_COLUMNS,
  COMPARISON_COLUMNS,
  EVENTS_COLUMNS,
  REPORT_TABLES,
  SUMMARY_COLUMNS,
  SUMMARY_METRICS,
  TIMESERIES_COLUMNS,
  columnNames,
  metricDirection,
} from "../../sim/report/columns.ts";

const t = suite("report columns are SPEC §4's names, in SPEC's order");

const split = (s: string) => s.split(",").map((x) => x.trim());

t("summary.csv", () => {
  assert.equal(
    columnNames(SUMMARY_COLUMNS),
    split(
      "scenario, strategy, replication, seed, duration_s, requests_total, requests_ok, requests_failed, requests_timeout, availability, reachability, unreachable_s, rollout_duration_s, min_available_replicas, max_surge_pods, pods_created, pods_deleted, events_processed, wall_ms",
    ),
  );
});

t("comparison.csv starts with SPEC's columns; extras only at the end", () => {
  const spec = split(
    "scenario, strategy, metric, n, mean, stddev, ci95_low, ci95_high, baseline, delta_mean, delta_ci95_low, delta_ci95_high",
  );
  assert.equal(columnNames(COMPARISON_COLUMNS).slice(0, spec.length), spec);
  assert.equal(columnNames(COMPARISON_COLUMNS).slice(spec.length), ["delta_n"]);
});

t("timeseries.csv, events.csv and checks.csv", () => {
  assert.equal(
    columnNames(TIMESERIES_COLUMNS),
    split(
      "scenario, strategy, replication, time_s, workload, desired, updated, ready, available, terminating, endpoints_ready, endpoints_programmed_min, requests_ok, requests_failed, requests_timeout",
    ),
  );
  assert.equal(columnNames(EVENTS_COLUMNS), split("scenario, strategy, replication, time_s, kind, name, reason, message"));
  assert.equal(columnNames(CHECKS_COLUMNS), split("scenario, strategy, check, value, bound, passed"));
  assert.equal(Object.keys(REPORT_TABLES), ["summary.csv", "comparison.csv", "timeseries.csv", "events.csv", "checks.csv"]);
});

t("no table declares a column twice", () => {
  for (const [file, columns] of Object.entries(REPORT_TABLES)) {
    const names = columnNames(columns);
    assert.is(new Set(names).size, names.length, file);
  }
});

t("comparison metrics are the summary metrics in summary order, without duration_s and wall_ms", () => {
  assert.equal(
    [...SUMMARY_METRICS],
    split(
      "requests_total, requests_ok, requests_failed, requests_timeout, availability, reachability, unreachable_s, rollout_duration_s, min_available_replicas, max_surge_pods, pods_created, pods_deleted, events_processed",
    ),
  );
});

t("metric directions: availability up, durations and losses down, counts neutral, unknown neutral", () => {
  assert.is(metricDirection("availability"), "higher");
  assert.is(metricDirection("min_available_replicas"), "higher");
  assert.is(metricDirection("rollout_duration_s"), "lower");
  assert.is(metricDirection("requests_lost"), "lower");
  assert.is(metricDirection("pods_created"), "none");
  assert.is(metricDirection("wall_ms"), "none");
  assert.is(metricDirection("made_up"), "none");
  assert.is(metricDirection("availability(service/web)"), "higher");
});

t.run();
