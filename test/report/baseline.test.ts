import { suite } from "uvu";
import * as assert from "uvu/assert";
import { BASELINE_COLUMNS, COMPARISON_COLUMNS, type ComparisonRow } from "../../sim/report/columns.ts";
import {
  BaselineError,
  compareToBaseline,
  formatBaselineTable,
  moveStatus,
  noRegressions,
  parseComparisonCsv,
} from "../../sim/report/checks.ts";
import { toCsv } from "../../sim/report/csv.ts";

const t = suite("baseline comparison: what moved against a committed report, and what regressed beyond tolerance");

function row(strategy: string, metric: string, value: number | null, extra: Partial<ComparisonRow> = {}): ComparisonRow {
  return {
    scenario: "rolling-update",
    strategy,
    metric,
    n: 30,
    mean: value,
    stddev: 0.1,
    ci95_low: value === null ? null : value - 0.05,
    ci95_high: value === null ? null : value + 0.05,
    baseline: "default",
    delta_mean: null,
    delta_ci95_low: null,
    delta_ci95_high: null,
    delta_n: null,
    ...extra,
  };
}

const checks = [
  { metric: "availability", service: "web", min: 0.999, tolerance: 0.0005 },
  { metric: "rollout_duration_s", target: "deployment/web", max: 120 },
];

const committed = [
  row("default", "availability", 0.99931),
  row("default", "rollout_duration_s", 84.2),
  row("default", "pods_created", 10),
  row("surge-all", "availability", 0.9999, { delta_mean: 0.00059, delta_ci95_low: 0.0004, delta_ci95_high: 0.0008, delta_n: 30 }),
  row("surge-all", "rollout_duration_s", 40),
];

t("comparison.csv round-trips through toCsv and parseComparisonCsv", () => {
  const text = toCsv(COMPARISON_COLUMNS, committed);
  const back = parseComparisonCsv(text, "reports/baseline/rolling-update/comparison.csv");
  assert.equal(back, committed);
});

t("a baseline without delta_n (SPEC's columns only) still parses", () => {
  const text = toCsv(COMPARISON_COLUMNS.slice(0, 12), committed);
  assert.equal(
    parseComparisonCsv(text).map((r) => r.delta_n),
    committed.map(() => null),
  );
});

t("a baseline with wrong columns or non-numbers is refused, naming the file", () => {
  assert.throws(() => parseComparisonCsv("scenario,strategy\n", "b.csv"), /b\.csv:1: column 3 is missing, expected "metric"/);
  const bad = toCsv(COMPARISON_COLUMNS, [row("default", "availability", 0.5)]).replace(",0.5,", ",half,");
  assert.throws(() => parseComparisonCsv(bad, "b.csv"), /b\.csv: record 1, column mean: expected a number, got "half"/);
});

t("unchanged metrics are not listed; an identical report means no regressions", () => {
  const moves = compareToBaseline({ scenario: "rolling-update", current: committed, baseline: committed, checks });
  assert.equal(moves, []);
  assert.ok(noRegressions(moves));
  assert.is(formatBaselineTable(moves), "no metric moved against the baseline\n");
});

t("a drop beyond tolerance regresses; within tolerance and improvements do not", () => {
  const current = [
    row("default", "availability", 0.99871), // −0.0006 > 0.0005: regressed
    row("default", "rollout_duration_s", 80), // shorter: improved
    row("default", "pods_created", 12), // not gated: listed only
    row("surge-all", "availability", 0.9995), // −0.0004 ≤ 0.0005: within tolerance
    row("surge-all", "rollout_duration_s", 40),
  ];
  const moves = compareToBaseline({ scenario: "rolling-update", current, baseline: committed, checks });
  assert.equal(
    moves.map((m) => [m.strategy, m.metric, m.delta, m.gated, m.regressed, moveStatus(m)]),
    [
      ["default", "availability", -0.0006, true, true, "REGRESSED"],
      ["default", "rollout_duration_s", -4.2, true, false, "improved"],
      ["default", "pods_created", 2, false, false, "moved"],
      ["surge-all", "availability", -0.0004, true, false, "worse, within tolerance"],
    ],
  );
  assert.not.ok(noRegressions(moves));
});

t("tolerance defaults to 0: any worsening of a gated metric regresses", () => {
  const moves = compareToBaseline({
    scenario: "rolling-update",
    current: [row("default", "rollout_duration_s", 84.200001)],
    baseline: committed,
    checks,
  });
  assert.equal(moves.map((m) => [m.delta, m.tolerance, m.regressed]), [[0.000001, 0, true]]);
});

t("a move exactly at the tolerance is allowed, despite float subtraction", () => {
  const moves = compareToBaseline({
    scenario: "rolling-update",
    current: [row("default", "availability", 0.999311)],
    baseline: [row("default", "availability", 0.999312)],
    checks: [{ metric: "availability", min: 0.9, tolerance: 0.000001 }],
  });
  assert.equal(moves.map((m) => [m.delta, m.regressed]), [[-0.000001, false]]);
});

t("current means are compared as written: noise below 6 decimals is not a move", () => {
  const moves = compareToBaseline({
    scenario: "rolling-update",
    current: [row("default", "availability", 0.9993100000001)],
    baseline: committed,
    checks,
  });
  assert.equal(moves, []);
});

t("a gated metric that had a value and now has none regresses; the reverse does not", () => {
  const lost = compareToBaseline({
    scenario: "rolling-update",
    current: [row("default", "rollout_duration_s", null)],
    baseline: committed,
    checks,
  });
  assert.equal(lost.map((m) => [m.baseline, m.current, m.delta, m.regressed, moveStatus(m)]), [[84.2, null, null, true, "REGRESSED"]]);
  const gained = compareToBaseline({
    scenario: "rolling-update",
    current: [row("default", "rollout_duration_s", 90)],
    baseline: [row("default", "rollout_duration_s", null)],
    checks,
  });
  assert.equal(gained.map((m) => [m.regressed, moveStatus(m)]), [[false, "has a value now"]]);
});

t("a metric without a known direction is judged by its check's bound", () => {
  const gate = [{ metric: "p99_latency_s", max: 1, tolerance: 0.1 }];
  const up = compareToBaseline({
    scenario: "rolling-update",
    current: [row("default", "p99_latency_s", 0.75)],
    baseline: [row("default", "p99_latency_s", 0.5)],
    checks: gate,
  });
  assert.equal(up.map((m) => [m.better, m.regressed]), [["lower", true]]);
  const down = compareToBaseline({
    scenario: "rolling-update",
    current: [row("default", "p99_latency_s", 0.25)],
    baseline: [row("default", "p99_latency_s", 0.5)],
    checks: gate,
  });
  assert.equal(down.map((m) => [m.better, m.regressed]), [["lower", false]]);
});

t("strategies only one report has are not compared; a baseline of another scenario is refused", () => {
  const moves = compareToBaseline({
    scenario: "rolling-update",
    current: [row("new-strategy", "availability", 0.5)],
    baseline: committed,
    checks,
  });
  assert.equal(moves, []);
  assert.throws(
    () => compareToBaseline({ scenario: "other", current: [], baseline: committed, checks, source: "reports/baseline/other" }),
    (e: unknown) => e instanceof BaselineError && /reports\/baseline\/other has no comparison rows for scenario other/.test(e.message),
  );
});

t("the what-moved table and its CSV", () => {
  const current = [row("default", "availability", 0.99871), row("default", "pods_created", 12)];
  const moves = compareToBaseline({ scenario: "rolling-update", current, baseline: committed, checks });
  assert.is(
    formatBaselineTable(moves),
    "strategy  metric        baseline  current    delta  tolerance  status\n" +
      "default   availability   0.99931  0.99871  -0.0006     0.0005  REGRESSED\n" +
      "default   pods_created        10       12       +2             moved\n",
  );
  assert.is(
    toCsv(BASELINE_COLUMNS, moves),
    "scenario,strategy,metric,baseline,current,delta,better,tolerance,gated,regressed\n" +
      "rolling-update,default,availability,0.99931,0.99871,-0.0006,higher,0.0005,true,true\n" +
      "rolling-update,default,pods_created,10,12,2,none,,false,false\n",
  );
});

t.run();
