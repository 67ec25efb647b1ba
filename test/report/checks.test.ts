import { suite } from "uvu";
import * as assert from "uvu/assert";
import { CHECKS_COLUMNS, type ComparisonRow } from "../../sim/report/columns.ts";
import { allPassed, checkLabel, evaluateChecks, formatCheckLines } from "../../sim/report/checks.ts";
import { toCsv } from "../../sim/report/csv.ts";

const t = suite("checks: SLO gates on the mean over replications, one row per strategy × bound");

function mean(strategy: string, metric: string, value: number | null, scenario = "rolling-update"): ComparisonRow {
  return {
    scenario,
    strategy,
    metric,
    n: 30,
    mean: value,
    stddev: null,
    ci95_low: null,
    ci95_high: null,
    baseline: "default",
    delta_mean: null,
    delta_ci95_low: null,
    delta_ci95_high: null,
    delta_n: null,
  };
}

const comparison = [
  mean("default", "availability", 0.99931),
  mean("default", "rollout_duration_s", 84.2),
  mean("surge-all", "availability", 0.99876),
  mean("surge-all", "rollout_duration_s", 130.5),
];
const checks = [
  { metric: "availability", service: "web", min: 0.999 },
  { metric: "rollout_duration_s", target: "deployment/web", max: 120 },
];

t("readable check ids with scope", () => {
  assert.is(checkLabel(checks[0]), "availability(service/web)");
  assert.is(checkLabel({ metric: "availability", service: "service/web" }), "availability(service/web)");
  assert.is(checkLabel(checks[1]), "rollout_duration_s(deployment/web)");
  assert.is(checkLabel({ metric: "unreachable_s" }), "unreachable_s");
});

t("rows in strategy order then check order, with value, bound and verdict", () => {
  const rows = evaluateChecks({ scenario: "rolling-update", checks, comparison });
  assert.equal(
    rows.map((r) => [r.strategy, r.check, r.value, r.bound, r.passed]),
    [
      ["default", "availability(service/web) >= 0.999", 0.99931, 0.999, true],
      ["default", "rollout_duration_s(deployment/web) <= 120", 84.2, 120, true],
      ["surge-all", "availability(service/web) >= 0.999", 0.99876, 0.999, false],
      ["surge-all", "rollout_duration_s(deployment/web) <= 120", 130.5, 120, false],
    ],
  );
  assert.not.ok(allPassed(rows));
  assert.ok(allPassed(rows.slice(0, 2)));
  assert.is(
    toCsv(CHECKS_COLUMNS, rows).split("\n")[1],
    "rolling-update,default,availability(service/web) >= 0.999,0.99931,0.999,true",
  );
});

t("a check with min and max gives one row per bound", () => {
  const rows = evaluateChecks({
    scenario: "rolling-update",
    checks: [{ metric: "rollout_duration_s", min: 10, max: 80 }],
    comparison: [mean("default", "rollout_duration_s", 84.2)],
  });
  assert.equal(
    rows.map((r) => [r.check, r.passed]),
    [
      ["rollout_duration_s >= 10", true],
      ["rollout_duration_s <= 80", false],
    ],
  );
});

t("the value judged is the value written: a mean 1e-9 under the bound rounds onto it and passes", () => {
  const rows = evaluateChecks({
    scenario: "s",
    checks: [{ metric: "availability", min: 0.999 }],
    comparison: [mean("d", "availability", 0.998999999, "s")],
  });
  assert.is(rows[0].value, 0.999);
  assert.ok(rows[0].passed);
});

t("a metric without a mean (no rollout completed) fails with an empty value", () => {
  const rows = evaluateChecks({
    scenario: "s",
    checks: [{ metric: "rollout_duration_s", max: 120 }],
    comparison: [mean("d", "rollout_duration_s", null, "s")],
  });
  assert.equal([rows[0].value, rows[0].passed], [null, false]);
  assert.is(toCsv(CHECKS_COLUMNS, rows).split("\n")[1], "s,d,rollout_duration_s <= 120,,120,false");
});

t("a scoped metric in the comparison is preferred over the plain one", () => {
  const rows = evaluateChecks({
    scenario: "s",
    checks: [{ metric: "availability", service: "api", min: 0.99 }],
    comparison: [mean("d", "availability", 0.999, "s"), mean("d", "availability(service/api)", 0.95, "s")],
  });
  assert.equal([rows[0].value, rows[0].passed], [0.95, false]);
});

t("explicit strategies: one that has no rows fails every check", () => {
  const rows = evaluateChecks({ scenario: "rolling-update", checks: checks.slice(0, 1), comparison, strategies: ["default", "ghost"] });
  assert.equal(
    rows.map((r) => [r.strategy, r.passed]),
    [
      ["default", true],
      ["ghost", false],
    ],
  );
});

t("malformed checks are refused with the entry's index", () => {
  assert.throws(() => evaluateChecks({ scenario: "s", checks: [{ metric: "availability" }], comparison }), /checks\[0\] \(availability\): needs min or max/);
  assert.throws(
    () => evaluateChecks({ scenario: "s", checks: [{ metric: "availability", min: 0.9, tolerance: -1 }], comparison }),
    /checks\[0\]\.tolerance: must be greater than or equal to 0/,
  );
});

t("one aligned PASS/FAIL line per check for `kubesim check`", () => {
  const text = formatCheckLines(evaluateChecks({ scenario: "rolling-update", checks, comparison }));
  assert.is(
    text,
    "PASS  default    availability(service/web) >= 0.999         value 0.99931\n" +
      "PASS  default    rollout_duration_s(deployment/web) <= 120  value 84.2\n" +
      "FAIL  surge-all  availability(service/web) >= 0.999         value 0.99876\n" +
      "FAIL  surge-all  rollout_duration_s(deployment/web) <= 120  value 130.5\n",
  );
  assert.ok(formatCheckLines(evaluateChecks({ scenario: "rolling-update", checks, comparison }), { color: true }).includes("\x1b[31mFAIL\x1b[39m"));
});

t.run();
