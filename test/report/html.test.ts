import { suite } from "uvu";
import * as assert from "uvu/assert";
import type { ComparisonRow, TimeseriesRow } from "../../sim/report/columns.ts";
import { type ReportData, availabilityZoom, closeUpWindow, deltaVerdict, metricFormat, renderReportHtml } from "../../sim/report/html.ts";
import { sampleReportData } from "../../sim/report/html-sample.ts";

const t = suite("report.html: one self-contained, deterministic page with every section, whatever the data");

const STRATEGIES = ["rolling-25", "surge-all", "recreate"];
// Rendered once: most tests read the same page.
const SAMPLE = sampleReportData();
const SAMPLE_HTML = renderReportHtml(SAMPLE);

/** The text of `<section id="…">` up to its end. */
function sectionOf(html: string, id: string): string {
  const start = html.indexOf(`<section id="${id}">`);
  assert.ok(start >= 0, `section ${id} is present`);
  return html.slice(start, html.indexOf("</section>", start));
}

function ts(fields: Partial<TimeseriesRow>): TimeseriesRow {
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
    endpoints_ready: null,
    endpoints_programmed_min: null,
    requests_ok: 0,
    requests_failed: 0,
    requests_timeout: 0,
    ...fields,
  };
}

function empty(fields: Partial<ReportData> = {}): ReportData {
  return {
    scenario: "empty",
    description: "",
    seed: "1",
    replications: 1,
    strategies: ["a", "b"],
    comparison: [],
    timeseries: [],
    checks: [],
    generatedBy: "kubesim 0.1.0",
    ...fields,
  };
}

function assertClean(html: string, what: string) {
  assert.not.match(html, /NaN|Infinity|undefined|\[object /, `${what}: no NaN, Infinity or undefined in the page`);
  assert.ok(html.startsWith("<!DOCTYPE html>\n") && html.endsWith("</html>\n"), `${what}: a whole document`);
}

t("the sections come in order: header, checks, availability, rollout, endpoints, comparison", () => {
  const html = SAMPLE_HTML;
  const at = ["<header>", '<section class="checks', 'id="availability"', 'id="rollout"', 'id="endpoints"', 'id="comparison"', "<footer>"].map((s) =>
    html.indexOf(s),
  );
  assert.ok(at.every((i) => i >= 0), `all present: ${at}`);
  assert.equal([...at].sort((a, b) => a - b), at);
  assertClean(html, "sample");
});

t("every chart and table names every strategy", () => {
  const html = SAMPLE_HTML;
  for (const id of ["availability", "rollout", "endpoints", "comparison"]) {
    const body = sectionOf(html, id);
    for (const s of STRATEGIES) assert.match(body, s, `${id} names ${s}`);
  }
  const header = html.slice(html.indexOf("<header>"), html.indexOf("</header>"));
  for (const s of STRATEGIES) assert.match(header, s);
  assert.match(header, "(baseline)");
  assert.match(header, "rolling-update-web");
  assert.match(header, "5 per strategy");
  assert.match(sectionOf(html, "availability"), '<svg class="chart"');
  assert.match(sectionOf(html, "rollout"), "Workload <code>web</code>");
  assert.is(sectionOf(html, "rollout").split('<figure class="panel">').length - 1, 3, "one rollout panel per strategy");
  assert.not.match(sectionOf(html, "rollout"), "worker", "a workload that never moved gets no panel");
});

t("the checks box shows PASS/FAIL per strategy × check", () => {
  const html = SAMPLE_HTML;
  const checks = html.slice(html.indexOf('<section class="checks'), html.indexOf("</section>", html.indexOf('<section class="checks')));
  assert.match(checks, "availability(service/web) &gt;= 0.995");
  assert.match(checks, "1 of 6 checks failed");
  assert.is(checks.split('<span class="badge pass">PASS</span>').length - 1, 5);
  assert.is(checks.split('<span class="badge fail">FAIL</span>').length - 1, 2, "the verdict and the one failing cell");
  const noChecks = renderReportHtml({ ...SAMPLE, checks: [] });
  assert.not.match(noChecks, 'class="checks');
});

t("the same data gives the same bytes", () => {
  const a = SAMPLE_HTML;
  const b = renderReportHtml(structuredClone(sampleReportData()));
  assert.is(a, b);
  assert.not.match(a, /20\d\d-\d\d-\d\d/, "no dates");
});

t("the page is self-contained: no scripts, links, imports or external URLs", () => {
  const html = SAMPLE_HTML;
  assert.not.match(html, /<script|<link|<img|<iframe|@import|https?:|src=|href=/i);
  const urls = html.match(/url\([^)]*\)/g) ?? [];
  assert.ok(urls.length > 0 && urls.every((u) => u.startsWith("url(#")), "only in-page clip-path references");
});

t("empty inputs render without NaN or Infinity and say why a chart is missing", () => {
  const nothing = renderReportHtml(empty());
  assertClean(nothing, "no rows at all");
  assert.match(sectionOf(nothing, "availability"), "No timeseries rows");
  assert.match(sectionOf(nothing, "comparison"), "No comparison rows");
  assert.not.match(nothing, 'id="endpoints"');

  const silent = renderReportHtml(empty({ timeseries: [ts({}), ts({ time_s: 1 }), ts({ strategy: "b" }), ts({ strategy: "b", time_s: 1 })] }));
  assertClean(silent, "no requests, no rollout");
  assert.match(sectionOf(silent, "availability"), "No requests were sent");
  assert.match(sectionOf(silent, "rollout"), "No rollout or scaling happened");

  const single = renderReportHtml(empty({ timeseries: [ts({ requests_ok: 3, updated: 1, available: 2, endpoints_ready: 2, endpoints_programmed_min: 1 })] }));
  assertClean(single, "one bin, one replication");
  assert.match(sectionOf(single, "availability"), '<svg class="chart"');
  assert.match(sectionOf(single, "endpoints"), '<svg class="chart"');

  const outage = renderReportHtml(empty({ timeseries: [0, 1, 2].map((s) => ts({ time_s: s, requests_failed: 5, desired: 0, updated: 0, available: 0 })) }));
  assertClean(outage, "every request failed, zero replicas");

  const nulls: ComparisonRow = {
    scenario: "empty",
    strategy: "b",
    metric: "rollout_duration_s",
    n: 0,
    mean: null,
    stddev: null,
    ci95_low: null,
    ci95_high: null,
    baseline: "a",
    delta_mean: null,
    delta_ci95_low: null,
    delta_ci95_high: null,
    delta_n: 0,
  };
  const missing = renderReportHtml(empty({ comparison: [nulls, { ...nulls, strategy: "a", mean: Number.NaN, delta_n: null }] }));
  assertClean(missing, "comparison rows without values");
  assert.match(sectionOf(missing, "comparison"), "—");
});

t("one replication draws no band", () => {
  const html = renderReportHtml(sampleReportData({ replications: 1, bins: 30 }));
  assertClean(html, "one replication");
  assert.not.match(sectionOf(html, "availability"), "fill-opacity=\"0.14\"");
  assert.not.match(sectionOf(html, "availability"), "percentile");
});

t("long runs are downsampled to at most 600 points per line", () => {
  const data = sampleReportData({ replications: 2, bins: 3600 });
  const html = renderReportHtml(data);
  const chart = sectionOf(html, "availability");
  const lines = chart.match(/<path class="line" d="[^"]*"/g) ?? [];
  assert.ok(lines.length >= 3);
  for (const line of lines) {
    const points = line.match(/[ML]/g)?.length ?? 0;
    assert.ok(points > 0 && points <= 600, `${points} points`);
  }
  assert.match(chart, "Each point aggregates 6 time bins of 1 s.");
});

t("comparison cells highlight intervals that exclude zero, by the metric's direction", () => {
  const verdicts: [direction: "higher" | "lower" | "none", low: number | null, high: number | null, verdict: string][] = [
    ["higher", 0.01, 0.02, "better"],
    ["higher", -0.02, -0.01, "worse"],
    ["lower", 5, 10, "worse"],
    ["lower", -10, -5, "better"],
    ["higher", -0.01, 0.02, ""],
    ["none", 1, 2, "differs"],
    ["higher", null, 1, ""],
  ];
  for (const [direction, low, high, verdict] of verdicts) assert.is(deltaVerdict(direction, low, high), verdict, `${direction} [${low}, ${high}]`);

  const html = SAMPLE_HTML;
  const table = sectionOf(html, "comparison");
  assert.match(table, /<div class="delta better">Δ \+0\.\d{3} pp/, "surge-all's availability is better, in percentage points");
  assert.match(table, /<div class="delta worse">Δ −\d\.\d{3} pp/, "recreate's availability is worse");
  assert.match(table, "higher is better");
  assert.match(table, "other metrics");
});

t("metric formats follow the column kinds, scoped names included", () => {
  assert.equal(metricFormat("availability(service/web)"), { scale: 100, decimals: 3, unit: " %", deltaUnit: " pp" });
  assert.is(metricFormat("rollout_duration_s").unit, " s");
  assert.is(metricFormat("requests_lost").decimals, 1);
  assert.is(metricFormat("something_new").decimals, 3);
});

t("a rollout in a long run gets a close-up; an outage gets the close-up's y axis cut", () => {
  const html = renderReportHtml(sampleReportData({ replications: 2, bins: 1200 }));
  const availability = sectionOf(html, "availability");
  assert.match(availability, /During the rollout, 0:\d\d – \d:\d\d, zoomed to 9\d\.?\d* % – 100 %/);
  assert.match(sectionOf(html, "rollout"), /Shown: 0:\d\d – \d:\d\d, around the rollout, of a run from 0:00 to 20:00\./);
  assert.match(sectionOf(html, "endpoints"), "around the rollout");

  // The cut follows the median strategy: one strategy's outage does not pull it down.
  const steady = Array.from({ length: 20 }, () => 0.999);
  const outage = [...steady.slice(0, 10), ...Array.from({ length: 10 }, () => 0)];
  assert.is(availabilityZoom([steady, steady, outage], 0), 0.99);
  assert.is(availabilityZoom([[1, 0.999, 0.998]], 0.99), null, "no cut when the axis already starts at 99 %");
  assert.is(availabilityZoom([outage, outage], 0), null, "no cut when the typical strategy has the outage");
});

t("the close-up window pads the rollout and is skipped when the rollout is most of the run", () => {
  const axis = { points: [], start: 0, end: 3600, binWidth: 1, binsPerPoint: 6 };
  const base = { strategies: [], availability: [], hasRequests: true, workloads: [] };
  assert.equal(closeUpWindow({ ...base, axis, activity: [60, 160] }), [35, 185]);
  assert.equal(closeUpWindow({ ...base, axis, activity: [0, 2] }), [0, 7], "at least five bins of padding, clamped to the run");
  assert.is(closeUpWindow({ ...base, axis, activity: [100, 3000] }), null);
  assert.is(closeUpWindow({ ...base, axis, activity: null }), null);
});

t("requests lost so far are drawn when some were lost, and said when none were", () => {
  assert.match(sectionOf(SAMPLE_HTML, "availability"), /Requests lost so far<\/h3><figure><svg/);
  assert.match(sectionOf(SAMPLE_HTML, "availability"), /At the end: rolling-25 \d+\.\d, surge-all/);
  const clean = renderReportHtml(empty({ timeseries: [ts({ requests_ok: 5 }), ts({ time_s: 1, requests_ok: 5 })] }));
  assert.match(sectionOf(clean, "availability"), "No request failed or timed out in any strategy.");
});

t.run();
