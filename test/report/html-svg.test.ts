import { suite } from "uvu";
import * as assert from "uvu/assert";
import { niceTicks } from "../../sim/report/html-scale.ts";
import { OKABE_ITO, bandPath, coord, linePath, strategyStyle, timeChartSvg } from "../../sim/report/html-svg.ts";

const t = suite("chart SVG: coordinates, lines with gaps, bands, axes and the strategy palette");

const identity = (v: number) => v;

t("coordinates have one decimal, no trailing .0 and no -0; non-finite values throw", () => {
  assert.equal([coord(1), coord(1.25), coord(-0.01), coord(12.349)], ["1", "1.3", "0", "12.3"]);
  assert.throws(() => coord(Number.NaN), /NaN/);
  assert.throws(() => coord(Number.POSITIVE_INFINITY), /Infinity/);
});

t("a null value breaks the line; a lone point is drawn as a dot", () => {
  const points = [0, 1, 2, 3, 4, 5];
  assert.is(linePath(points, [1, 2, null, 3, null, null], identity, identity), "M0 1L1 2M3 3h0");
  assert.is(linePath(points, [null, null, null, null, null, null], identity, identity), "");
  assert.is(linePath([0, 1], [5, 6], identity, identity), "M0 5L1 6");
});

t("a band is one closed polygon per run with both edges", () => {
  const points = [0, 1, 2, 3];
  assert.is(bandPath(points, [1, 1, null, 2], [3, 4, null, 5], identity, identity), "M0 3L1 4L1 1L0 1ZM1.5 5H4.5V2H1.5Z");
});

t("strategies keep one colour each; past the palette the colours repeat dashed", () => {
  assert.equal(strategyStyle(0), { color: "#0072B2", dash: null });
  assert.is(strategyStyle(1).color, "#D55E00");
  assert.equal(strategyStyle(OKABE_ITO.length), { color: "#0072B2", dash: "7 4" });
  assert.ok(!OKABE_ITO.includes("#F0E442" as never), "no yellow on white");
});

t("a chart has a title, a description, ticked axes and escaped labels", () => {
  const svg = timeChartSvg({
    id: "c1",
    title: "A & B <chart>",
    description: "what it shows",
    width: 400,
    height: 200,
    margin: { top: 10, right: 10, bottom: 40, left: 40 },
    axis: { points: [0, 150, 300], start: 0, end: 300, binWidth: 150, binsPerPoint: 1 },
    yDomain: [0, 1],
    yTicks: niceTicks(0, 1, { maxTicks: 2 }),
    yFormat: (v) => `${v * 100} %`,
    yTitle: "y <1>",
    lines: [{ values: [0, 0.5, 1], color: "#0072B2", width: 2 }],
    hover: ["first", "", "third"],
  });
  assert.match(svg, /^<svg class="chart" viewBox="0 0 400 200" role="img" aria-labelledby="c1-t c1-d"/);
  assert.match(svg, '<title id="c1-t">A &amp; B &lt;chart&gt;</title>');
  assert.match(svg, "y &lt;1&gt;");
  assert.match(svg, ">time (m:ss)<", "300 s is labelled in m:ss");
  for (const label of ["0:00", "1:00", "5:00", "0 %", "50 %", "100 %"]) assert.match(svg, `>${label}<`);
  assert.is(svg.match(/<rect [^>]*><title>/g)?.length, 2, "points with an empty tooltip get no hover column");
  assert.match(svg, 'clip-path="url(#c1-c)"');
  assert.not.match(svg, /NaN|Infinity/);
});

t.run();
