import { suite } from "uvu";
import * as assert from "uvu/assert";
import type { TimeseriesRow } from "../../sim/report/columns.ts";
import { buildChartData } from "../../sim/report/html-series.ts";

const t = suite("chart series: per-replication availability, one request count per time bin, gaps, bands and bucketing");

function row(fields: Partial<TimeseriesRow>): TimeseriesRow {
  return {
    scenario: "s",
    strategy: "a",
    replication: 1,
    time_s: 0,
    workload: "web",
    desired: 3,
    updated: 3,
    ready: 3,
    available: 3,
    terminating: 0,
    endpoints_ready: 3,
    endpoints_programmed_min: 3,
    requests_ok: 10,
    requests_failed: 0,
    requests_timeout: 0,
    ...fields,
  };
}

function close(actual: number | null, expected: number, message?: string) {
  assert.ok(actual !== null && Math.abs(actual - expected) < 1e-12, `${message ?? ""} ${actual} ≈ ${expected}`);
}

t("requests come from the first workload row of each (strategy, replication, time)", () => {
  const rows = [
    row({ workload: "web", requests_ok: 9, requests_failed: 1 }),
    // The same Service's requests repeated on another workload row: must not be counted again.
    row({ workload: "web-canary", requests_ok: 0, requests_failed: 10 }),
  ];
  const data = buildChartData(rows, ["a"]);
  close(data.availability[0].mean[0], 0.9);
});

t("availability is per replication first, then the mean across replications", () => {
  const rows = [
    row({ replication: 1, requests_ok: 1, requests_failed: 0 }),
    row({ replication: 2, requests_ok: 50, requests_failed: 30, requests_timeout: 20 }),
  ];
  const data = buildChartData(rows, ["a"]);
  close(data.availability[0].mean[0], 0.75, "(1 + 0.5) / 2, not 51/101");
  assert.is(data.availability[0].replications, 2);
});

t("a bin without requests is a gap, never 0 % or 100 %", () => {
  const rows = [row({ time_s: 0 }), row({ time_s: 1, requests_ok: 0 }), row({ time_s: 2, requests_ok: 5, requests_timeout: 5 })];
  const data = buildChartData(rows, ["a"]);
  assert.equal(data.availability[0].mean, [1, null, 0.5]);
  assert.is(data.hasRequests, true);
  const silent = buildChartData([row({ requests_ok: 0 })], ["a"]);
  assert.is(silent.hasRequests, false);
  assert.equal(silent.availability[0].mean, [null]);
});

t("the band spans the 10th to 90th percentile of replications; none with one replication", () => {
  const rows = [
    row({ replication: 1, requests_ok: 5, requests_failed: 5 }),
    row({ replication: 2, requests_ok: 8, requests_failed: 2 }),
    row({ replication: 3, requests_ok: 10 }),
  ];
  const [series] = buildChartData(rows, ["a"]).availability;
  close(series.low[0], 0.56);
  close(series.high[0], 0.96);
  const [single] = buildChartData([row({})], ["a"]).availability;
  assert.equal([single.low, single.high], [[null], [null]]);
});

t("bucketing sums requests over a bucket's bins: a ratio of sums", () => {
  const rows = Array.from({ length: 10 }, (_, i) =>
    row({ time_s: i, requests_ok: i === 1 ? 0 : 10, requests_failed: i === 1 ? 30 : 0 }),
  );
  const data = buildChartData(rows, ["a"], { maxPoints: 5 });
  assert.is(data.axis?.binsPerPoint, 2);
  assert.equal(data.axis?.points, [0.5, 2.5, 4.5, 6.5, 8.5]);
  assert.equal(data.availability[0].mean, [0.25, 1, 1, 1, 1]);
  assert.is(data.axis?.start, 0);
  assert.is(data.axis?.end, 10, "the axis ends where the last bin ends");
  assert.is(data.axis?.binWidth, 1);
});

t("an hour of one-second bins is downsampled to 600 points", () => {
  const rows: TimeseriesRow[] = [];
  for (const strategy of ["a", "b"]) {
    for (let rep = 1; rep <= 2; rep++) for (let s = 0; s < 3600; s++) rows.push(row({ strategy, replication: rep, time_s: s }));
  }
  const data = buildChartData(rows, ["a", "b"]);
  assert.is(data.axis?.points.length, 600);
  for (const s of data.availability) assert.is(s.mean.length, 600);
  for (const r of data.workloads[0].replicas) assert.is(r.available.length, 600);
});

t("replica and endpoint gauges are averaged over replications; unmoved workloads are marked", () => {
  const rows = [
    row({ replication: 1, workload: "web", updated: 1, available: 2, endpoints_ready: 2, endpoints_programmed_min: 1 }),
    row({ replication: 1, workload: "worker", endpoints_ready: null, endpoints_programmed_min: null }),
    row({ replication: 2, workload: "web", updated: 2, available: 3, endpoints_ready: 3, endpoints_programmed_min: 3 }),
    row({ replication: 2, workload: "worker", endpoints_ready: null, endpoints_programmed_min: null }),
  ];
  const data = buildChartData(rows, ["a"]);
  const [web, worker] = data.workloads;
  assert.is(web.workload, "web");
  assert.is(web.moved, true);
  assert.equal(web.replicas[0].updated, [1.5]);
  assert.equal(web.replicas[0].available, [2.5]);
  assert.equal(web.endpoints[0].ready, [2.5]);
  assert.equal(web.endpoints[0].programmedMin, [2]);
  assert.is(worker.moved, false);
  assert.equal(worker.endpoints, [], "no Service selects it: no endpoint chart");
});

t("lost requests are averaged over replications; the activity window spans the bins where a workload moved", () => {
  const rows = [
    row({ replication: 1, time_s: 0 }),
    row({ replication: 1, time_s: 1, requests_failed: 4, updated: 1 }),
    row({ replication: 1, time_s: 2, requests_timeout: 2, available: 2 }),
    row({ replication: 1, time_s: 3 }),
    row({ replication: 2, time_s: 1, requests_failed: 2 }),
  ];
  const data = buildChartData(rows, ["a"]);
  assert.equal(data.availability[0].lost, [0, 3, 1, 0]);
  assert.equal(data.activity, [1, 3], "from the first moved bin to the end of the last");
  assert.is(buildChartData([row({})], ["a"]).activity, null, "nothing moved");
});

t("a window keeps only the bins inside it", () => {
  const rows = Array.from({ length: 10 }, (_, i) => row({ time_s: i, requests_failed: i }));
  const data = buildChartData(rows, ["a"], { window: [2.5, 5] });
  assert.equal(data.axis?.points, [3, 4]);
  assert.equal(data.availability[0].lost, [3, 4]);
});

t("strategies keep the given order; ones only the rows name are appended", () => {
  const rows = [row({ strategy: "z" }), row({ strategy: "b" }), row({ strategy: "a" })];
  const data = buildChartData(rows, ["a", "b"]);
  assert.equal(data.strategies, ["a", "b", "z"]);
  assert.equal(
    data.availability.map((s) => s.strategy),
    ["a", "b", "z"],
  );
});

t("no rows: no axis and nothing to draw", () => {
  const data = buildChartData([], ["a", "b"]);
  assert.equal(data, { strategies: ["a", "b"], axis: null, availability: [], hasRequests: false, workloads: [], activity: null });
});

t.run();
