import { suite } from "uvu";
import * as assert from "uvu/assert";
import type { ComparisonRow } from "../../sim/report/columns.ts";
import { escapeHtml, renderReportHtml } from "../../sim/report/html.ts";
import { sampleReportData } from "../../sim/report/html-sample.ts";

const t = suite("report.html escapes every user-supplied text");

t("escapeHtml replaces the five HTML-significant characters and nothing else", () => {
  assert.is(escapeHtml(`<a href="x">Tom & Jerry's</a>`), "&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&#39;s&lt;/a&gt;");
  assert.is(escapeHtml("&amp;"), "&amp;amp;", "already-escaped text is escaped again: the input is text, not HTML");
  assert.is(escapeHtml("plain text, ünïcode → ok"), "plain text, ünïcode → ok");
  assert.is(escapeHtml(""), "");
});

t("a strategy named <script> and hostile scenario texts reach the page only escaped", () => {
  const sample = sampleReportData({ strategies: ["default", "<script>alert(1)</script>"], replications: 2, bins: 20 });
  const hostile = `"><img src=x onerror=alert(1)>`;
  const comparison: ComparisonRow[] = sample.comparison.map((r) => ({ ...r, metric: r.metric === "availability" ? `availability(service/${hostile})` : r.metric }));
  const html = renderReportHtml({
    ...sample,
    scenario: `rollout <b>&</b> "quoted"`,
    description: hostile,
    seed: `'1'`,
    generatedBy: "kubesim <0.1.0>",
    comparison,
    timeseries: sample.timeseries.map((r) => ({ ...r, workload: r.workload === "web" ? `web${hostile}` : r.workload })),
    checks: sample.checks.map((c) => ({ ...c, check: `${c.check} ${hostile}` })),
  });
  assert.not.match(html, "<script");
  assert.not.match(html, "<img");
  assert.not.match(html, "<b>");
  assert.not.match(html, "onerror=alert(1)>");
  assert.match(html, "&lt;script&gt;alert(1)&lt;/script&gt;");
  assert.match(html, "<title>rollout &lt;b&gt;&amp;&lt;/b&gt; &quot;quoted&quot; · kubesim report</title>");
  assert.match(html, "&#39;1&#39;");
  assert.match(html, "kubesim &lt;0.1.0&gt;");
  assert.ok(html.split("&lt;script&gt;").length > 5, "the strategy name appears escaped in the header, charts and tables");
});

t.run();
