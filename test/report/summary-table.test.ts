import { suite } from "uvu";
import * as assert from "uvu/assert";
import type { SummaryRow } from "../../sim/report/columns.ts";
import { buildComparison } from "../../sim/report/comparison.ts";
import { alignColumns, formatFixed, formatSummaryTable } from "../../sim/report/summary-table.ts";

const t = suite("the stdout summary table: aligned means with intervals and deltas, colour only on request");

function run(strategy: string, r: number, availability: number, rollout: number | null, lost: number): SummaryRow {
  return {
    scenario: "rolling-update",
    strategy,
    replication: r,
    seed: "1",
    duration_s: 600,
    requests_total: 1000,
    requests_ok: 1000 - lost,
    requests_failed: lost,
    requests_timeout: 0,
    availability,
    reachability: availability + 0.0001,
    unreachable_s: 0,
    rollout_duration_s: rollout,
    min_available_replicas: 8 + (r % 2),
    max_surge_pods: 3,
    pods_created: 10,
    pods_deleted: 10,
    events_processed: 100,
    wall_ms: 1,
  };
}

const rows = buildComparison([
  ...[0, 1, 2, 3].map((r) => run("default", r, 0.9993 + r * 0.0001, 80 + r, 7 - r)),
  ...[0, 1, 2, 3].map((r) => run("surge-all", r, 0.9998 + r * 0.00001, r === 2 ? null : 40 + r, 1)),
]);

const expected = `rolling-update: 4 replications per strategy, mean [95 % CI]; Δ = paired difference to default

default (baseline)
  availability          0.99945  [0.99924, 0.99966]
  reachability          0.99955  [0.99934, 0.99976]
  rollout duration (s)    81.50  [79.45, 83.55]
  min available             8.5  [7.6, 9.4]
  lost requests             5.5  [3.4, 7.6]
surge-all
  availability          0.99982  [0.99979, 0.99984]  Δ +0.00037  [+0.00018, +0.00055]
  reachability          0.99991  [0.99989, 0.99994]  Δ +0.00037  [+0.00018, +0.00055]
  rollout duration (s)    41.33  [37.54, 45.13]      Δ -40.00    [-40.00, -40.00]      n=3 of 4
  min available             8.5  [7.6, 9.4]          Δ 0.0       [0.0, 0.0]
  lost requests             1.0  [1.0, 1.0]          Δ -4.5      [-6.6, -2.4]
`;

t("plain text: one block per strategy, baseline marked, deltas after it, missing replications noted", () => {
  assert.fixture(formatSummaryTable(rows), expected);
  assert.not.ok(formatSummaryTable(rows).includes("\x1b"));
});

t("colour adds escapes without moving any column", () => {
  const colored = formatSummaryTable(rows, { color: true });
  assert.ok(colored.includes("\x1b[1msurge-all\x1b[22m"));
  // Better (higher availability, shorter rollout): green.
  assert.ok(colored.includes("\x1b[32m[+0.00018, +0.00055]\x1b[39m"));
  const ansi = new RegExp(`${String.fromCharCode(27)}\\[\\d+m`, "g");
  assert.is(colored.replace(ansi, ""), expected);
});

t("a single strategy: no delta wording, no delta columns", () => {
  const only = formatSummaryTable(rows.filter((r) => r.strategy === "default"));
  assert.ok(only.startsWith("rolling-update: 4 replications per strategy, mean [95 % CI]\n"));
  assert.not.ok(only.includes("Δ"));
});

t("a metric with no value reads '-', one replication has no interval", () => {
  const one = buildComparison([run("d", 0, 0.5, null, 2)]);
  const text = formatSummaryTable(one);
  assert.match(text, /rollout duration \(s\)\s+-\s+n=0 of 1\n/);
  assert.match(text, /availability\s+0\.50000\n/);
  assert.is(formatSummaryTable([]), "");
});

t("helpers: fixed decimals with sign, alignment by plain width", () => {
  assert.equal(
    [formatFixed(1.25, 1), formatFixed(-0.001, 2), formatFixed(0.5, 2, true), formatFixed(null, 2), formatFixed(-0, 1, true)],
    ["1.3", "0.00", "+0.50", "-", "0.0"],
  );
  assert.equal(alignColumns([["a", { text: "1", align: "right" }], ["long", { text: "100", align: "right" }]]), ["a       1", "long  100"]);
});

t.run();
