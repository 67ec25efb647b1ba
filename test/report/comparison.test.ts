import { suite } from "uvu";
import * as assert from "uvu/assert";
import { COMPARISON_COLUMNS, type ComparisonRow, type SummaryRow } from "../../sim/report/columns.ts";
import { COMPARISON_METRICS, buildComparison, metricValue } from "../../sim/report/comparison.ts";
import { toCsv } from "../../sim/report/csv.ts";

const t = suite("comparison.csv: per strategy × metric means, intervals and paired deltas to the baseline");

function run(strategy: string, replication: number, over: Partial<SummaryRow> = {}): SummaryRow {
  return {
    scenario: "rolling-update",
    strategy,
    replication,
    seed: "42",
    duration_s: 600,
    requests_total: 1000,
    requests_ok: 990,
    requests_failed: 8,
    requests_timeout: 2,
    availability: 0.99,
    reachability: 0.995,
    unreachable_s: 0,
    rollout_duration_s: 60,
    min_available_replicas: 8,
    max_surge_pods: 3,
    pods_created: 10,
    pods_deleted: 10,
    events_processed: 5000,
    wall_ms: 10 + replication,
    ...over,
  };
}

const find = (rows: ComparisonRow[], strategy: string, metric: string) =>
  rows.find((r) => r.strategy === strategy && r.metric === metric)!;

const base = [10, 12, 11, 13, 14];
const other = [9, 10, 10, 12, 12];
const summary = [
  ...base.map((v, i) => run("default", i, { rollout_duration_s: v })),
  ...other.map((v, i) => run("surge-all", i, { rollout_duration_s: v })),
];

t("metric list and order: summary metrics, then requests_lost", () => {
  assert.equal([...COMPARISON_METRICS].slice(-3), ["pods_deleted", "events_processed", "requests_lost"]);
  const rows = buildComparison(summary);
  assert.is(rows.length, 2 * COMPARISON_METRICS.length);
  assert.equal(
    rows.slice(0, COMPARISON_METRICS.length).map((r) => r.metric),
    [...COMPARISON_METRICS],
  );
  assert.equal([...new Set(rows.map((r) => r.strategy))], ["default", "surge-all"]);
  assert.not.ok(rows.some((r) => r.metric === "wall_ms" || r.metric === "duration_s"));
});

t("the baseline's own row: mean and interval, baseline named, delta columns empty", () => {
  const row = find(buildComparison(summary), "default", "rollout_duration_s");
  assert.is(row.n, 5);
  assert.is(row.mean, 12);
  assert.is(row.baseline, "default");
  assert.is(row.delta_mean, null);
  assert.is(row.delta_ci95_low, null);
  assert.is(row.delta_n, null);
});

t("other strategies: paired delta over the same replications (d = [-1,-2,-1,-1,-2])", () => {
  const row = find(buildComparison(summary), "surge-all", "rollout_duration_s");
  assert.is(row.baseline, "default");
  assert.is(row.delta_n, 5);
  assert.ok(Math.abs(row.delta_mean! + 1.4) < 1e-12);
  assert.ok(Math.abs(row.delta_ci95_low! + 2.0800873806582567) < 1e-10);
  assert.ok(Math.abs(row.delta_ci95_high! + 0.719912619341743) < 1e-10);
});

t("replications are paired by number, not by position", () => {
  const shuffled = [summary[9], summary[2], summary[0], summary[7], summary[5], summary[1], summary[8], summary[3], summary[4], summary[6]];
  // Same strategy order of first appearance (surge-all first) would change the baseline, so keep default first.
  const first = shuffled.filter((r) => r.strategy === "default");
  const second = shuffled.filter((r) => r.strategy === "surge-all");
  const row = find(buildComparison([...first, ...second]), "surge-all", "rollout_duration_s");
  assert.ok(Math.abs(row.delta_mean! + 1.4) < 1e-12);
  assert.ok(Math.abs(row.delta_ci95_low! + 2.0800873806582567) < 1e-10);
});

t("missing values are excluded, pairwise for deltas, and n / delta_n say how many were used", () => {
  const rows = buildComparison([
    ...[10, null, 11, 13, 14].map((v, i) => run("default", i, { rollout_duration_s: v })),
    ...[11, 11, null, 14, 16].map((v, i) => run("slow", i, { rollout_duration_s: v })),
  ]);
  const b = find(rows, "default", "rollout_duration_s");
  const s = find(rows, "slow", "rollout_duration_s");
  assert.is(b.n, 4);
  assert.is(s.n, 4);
  assert.is(s.delta_n, 3); // pairs 0, 3, 4: d = [1, 1, 2]
  assert.ok(Math.abs(s.delta_mean! - 4 / 3) < 1e-12);
});

t("a metric no replication has: n 0, everything empty", () => {
  const rows = buildComparison([run("default", 0, { rollout_duration_s: null }), run("default", 1, { rollout_duration_s: null })]);
  const row = find(rows, "default", "rollout_duration_s");
  assert.equal(
    [row.n, row.mean, row.stddev, row.ci95_low, row.ci95_high],
    [0, null, null, null, null],
  );
});

t("requests_lost = requests_failed + requests_timeout per replication", () => {
  assert.is(metricValue(run("d", 0, { requests_failed: 5, requests_timeout: 7 }), "requests_lost"), 12);
  const rows = buildComparison([run("d", 0, { requests_failed: 5, requests_timeout: 7 }), run("d", 1, { requests_failed: 1, requests_timeout: 1 })]);
  assert.is(find(rows, "d", "requests_lost").mean, 7);
});

t("extra summary columns can be compared by name", () => {
  const rows = buildComparison([{ ...run("d", 0), p99_s: 1.5 }, { ...run("d", 1), p99_s: 2.5 }], { metrics: ["p99_s"] });
  assert.equal(rows.map((r) => [r.metric, r.mean]), [["p99_s", 2]]);
});

t("a replication listed twice is refused", () => {
  assert.throws(() => buildComparison([run("d", 0), run("d", 0)]), /replication 0 of strategy d .* twice/);
});

t("comparison.csv text is byte-identical across calls and independent of wall_ms", () => {
  const a = toCsv(COMPARISON_COLUMNS, buildComparison(summary));
  const b = toCsv(COMPARISON_COLUMNS, buildComparison(summary.map((r) => ({ ...r, wall_ms: r.wall_ms * 7 }))));
  assert.is(a, b);
  assert.ok(a.includes("\nrolling-update,surge-all,rollout_duration_s,5,10.6,1.341641,8.934133,12.265867,default,-1.4,-2.080087,-0.719913,5\n"));
});

t.run();
