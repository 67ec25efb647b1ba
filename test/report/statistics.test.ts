import fc from "fast-check";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import {
  estimate,
  logGamma,
  mean,
  normalCdf,
  normalQuantile,
  pairedDifference,
  sampleStddev,
  tCdf,
  tCritical95,
  tQuantile,
} from "../../sim/report/statistics.ts";

const t = suite("statistics: means, Student-t intervals and paired differences, hand-checked");

const close = (actual: number | null, expected: number, digits: number, what = "") => {
  assert.ok(actual !== null, `${what}: expected ${expected}, got null`);
  assert.ok(Math.abs(actual - expected) < 0.5 * 10 ** -digits, `${what}: expected ${expected}, got ${actual}`);
};

t("t(0.975, df) matches the published table to 4 decimals", () => {
  const table: [number, number][] = [
    [1, 12.7062],
    [2, 4.3027],
    [3, 3.1824],
    [4, 2.7764],
    [5, 2.5706],
    [10, 2.2281],
    [20, 2.086],
    [29, 2.0452],
    [30, 2.0423],
    [60, 2.0003],
    [100, 1.984],
    [1000, 1.9623],
    [Number.POSITIVE_INFINITY, 1.96],
  ];
  for (const [df, value] of table) close(tCritical95(df), value, 4, `df=${df}`);
});

t("t quantiles to 10+ digits against R's qt()", () => {
  close(tCritical95(2), 0.95 / Math.sqrt(2 * 0.975 * 0.025), 14, "qt(.975,2) closed form");
  close(tCritical95(4), 2.776445105197793, 12, "qt(.975,4)");
  close(tCritical95(29), 2.045229642132703, 12, "qt(.975,29)");
  close(tCritical95(Number.POSITIVE_INFINITY), 1.959963984540054, 13, "qnorm(.975)");
  close(tQuantile(0.995, 3), 5.840909309733351, 10, "qt(.995,3)");
  close(tQuantile(0.9995, 1), 636.6192487687, 8, "qt(.9995,1)");
  close(tQuantile(0.025, 7), -2.364624251592785, 12, "qt(.025,7)");
  assert.is(tQuantile(0.5, 9), 0);
});

t("non-integer and very large df; the Cornish–Fisher branch meets the Newton branch", () => {
  close(tCritical95(2.5), 3.574654842, 6, "df=2.5");
  // Just below and above the switch to the series: continuous to 1e-12.
  close(tCritical95(99_999), tCritical95(100_001), 9, "switch");
  assert.ok(tCritical95(1e9) > 1.959963984540054 && tCritical95(1e9) < 1.95996399);
});

t("property: tCdf(tQuantile(p, df), df) = p", () => {
  fc.assert(
    fc.property(fc.double({ min: 0.001, max: 0.999, noNaN: true }), fc.integer({ min: 1, max: 500 }), (p, df) => {
      close(tCdf(tQuantile(p, df), df), p, 11, `p=${p} df=${df}`);
    }),
  );
});

t("bad arguments are refused", () => {
  assert.throws(() => tQuantile(1, 3), /probability must be in \(0, 1\)/);
  assert.throws(() => tQuantile(0.5, 0), /degrees of freedom must be > 0/);
  assert.throws(() => tQuantile(0.9, Number.NaN), /degrees of freedom/);
});

t("normal quantile and CDF, log-gamma", () => {
  close(normalQuantile(1e-10), -6.361340902404056, 11, "qnorm(1e-10)");
  close(normalCdf(1.959963984540054), 0.975, 14, "pnorm");
  close(logGamma(0.5), Math.log(Math.sqrt(Math.PI)), 14, "lgamma(.5)");
  close(logGamma(10), Math.log(362880), 12, "lgamma(10)");
});

t("[1,2,3,4,5]: mean 3, sd 1.5811, t(4) = 2.7764, CI [1.0368, 4.9632]", () => {
  const e = estimate([1, 2, 3, 4, 5]);
  assert.is(e.n, 5);
  assert.is(e.mean, 3);
  close(e.stddev, 1.5811388300841898, 12, "sd");
  close(e.ci95Low, 1.0368, 4, "low");
  close(e.ci95High, 4.9632, 4, "high");
});

t("n = 1 has a mean but no spread or interval; n = 0 has nothing", () => {
  assert.equal(estimate([7]), { n: 1, mean: 7, stddev: null, ci95Low: null, ci95High: null });
  assert.equal(estimate([]), { n: 0, mean: null, stddev: null, ci95Low: null, ci95High: null });
  assert.is(mean([]), null);
  assert.is(sampleStddev([1]), null);
});

t("equal values give a zero-width interval at the mean", () => {
  assert.equal(estimate([2, 2, 2]), { n: 3, mean: 2, stddev: 0, ci95Low: 2, ci95High: 2 });
});

t("missing values (null, undefined, NaN) are left out and n counts what was used", () => {
  const e = estimate([1, null, 2, undefined, 3, Number.NaN, 4, 5]);
  assert.is(e.n, 5);
  assert.is(e.mean, 3);
  close(e.ci95Low, 1.0368, 4, "low");
});

t("paired difference: d = [1,2,1,1,2] → mean 1.4, sd 0.5477, CI [0.7199, 2.0801]", () => {
  const d = pairedDifference([10, 12, 11, 13, 14], [9, 10, 10, 12, 12]);
  assert.is(d.n, 5);
  close(d.mean, 1.4, 12, "mean");
  close(d.stddev, 0.5477225575051661, 12, "sd");
  close(d.ci95Low, 0.719912619341743, 10, "low");
  close(d.ci95High, 2.0800873806582567, 10, "high");
});

t("paired difference drops replications missing on either side", () => {
  // Pairs (10,9), (13,12), (14,12): d = [1,1,2], t(2) = 4.3027.
  const d = pairedDifference([10, null, 11, 13, 14], [9, 10, null, 12, 12]);
  assert.is(d.n, 3);
  close(d.mean, 4 / 3, 12, "mean");
  close(d.ci95Low, -0.10088424324982115, 10, "low");
  close(d.ci95High, 2.767550909916488, 10, "high");
});

t("paired difference is much tighter than independent intervals under common noise", () => {
  const noise = [5, -3, 8, 0, -6, 2, 4, -1];
  const base = noise.map((n) => 100 + n);
  const better = noise.map((n, i) => 101 + n + (i % 2 ? 0.1 : -0.1));
  const d = pairedDifference(better, base);
  const own = estimate(better);
  assert.ok(d.ci95Low! > 0.8 && d.ci95High! < 1.2);
  assert.ok(own.ci95High! - own.ci95Low! > 5);
});

t("paired difference needs aligned arrays", () => {
  assert.throws(() => pairedDifference([1, 2], [1]), /aligned replications/);
});

t.run();
