import { suite } from "uvu";
import * as assert from "uvu/assert";
import {
  formatTime,
  niceDomain,
  niceStep,
  niceTicks,
  planBuckets,
  quantileSorted,
  stepDecimals,
  timeTicks,
  usesClock,
} from "../../sim/report/html-scale.ts";

const t = suite("chart scales: nice ticks, clock-friendly time ticks, time labels, bucketing and quantiles");

t("nice steps are 1, 2 or 5 × 10^k, the smallest that keeps the tick count", () => {
  const table: [span: number, maxTicks: number, step: number][] = [
    [1, 5, 0.2],
    [0.04, 5, 0.01],
    [0.037, 5, 0.01],
    [7, 4, 2],
    [10, 5, 2],
    [100, 5, 20],
    [3, 6, 0.5],
    [1000, 4, 500],
    [0, 5, 1], // degenerate span: a harmless default
  ];
  for (const [span, maxTicks, step] of table) assert.is(niceStep(span, maxTicks), step, `span ${span}, ${maxTicks} ticks`);
});

t("step decimals print every multiple exactly", () => {
  assert.equal([5, 1, 0.5, 0.2, 0.02, 0.001].map(stepDecimals), [0, 0, 1, 1, 2, 3]);
});

t("nice ticks lie inside the domain on multiples of the step, without float noise", () => {
  assert.equal(niceTicks(0, 1, { maxTicks: 5 }).values, [0, 0.2, 0.4, 0.6, 0.8, 1]);
  assert.equal(niceTicks(0.96, 1, { maxTicks: 5 }).values, [0.96, 0.97, 0.98, 0.99, 1]);
  assert.equal(niceTicks(0, 0.3, { maxTicks: 3 }).values, [0, 0.1, 0.2, 0.3]);
  assert.equal(niceTicks(-5, 5, { maxTicks: 4 }).values, [-5, 0, 5]);
  assert.equal(niceTicks(0.9634, 1, { maxTicks: 5 }).values, [0.97, 0.98, 0.99, 1]);
  assert.equal(niceTicks(1, 0, { maxTicks: 2 }).values, [0, 0.5, 1], "a reversed domain is swapped");
  assert.equal(niceTicks(3, 3).values, [3], "a degenerate domain has its value as the one tick");
  assert.equal(niceTicks(Number.NaN, 1).values, []);
  for (const v of niceTicks(0, 1, { maxTicks: 10 }).values) assert.ok(String(v).length <= 3, `${v} has no float noise`);
});

t("integer ticks never step below 1 (replica counts)", () => {
  assert.equal(niceTicks(0, 7, { maxTicks: 4, integer: true }).values, [0, 2, 4, 6]);
  assert.equal(niceTicks(0, 2, { maxTicks: 6, integer: true }).values, [0, 1, 2]);
  assert.is(niceTicks(0, 2, { maxTicks: 6, integer: true }).decimals, 0);
});

t("nice domains widen outward to a tick", () => {
  assert.equal(niceDomain(0.9634, 1, { maxTicks: 5 }), [0.96, 1]);
  assert.equal(niceDomain(0, 7, { maxTicks: 4, integer: true }), [0, 8]);
  assert.equal(niceDomain(0, 10, { maxTicks: 4, integer: true }), [0, 10]);
  assert.equal(niceDomain(5, 5, { maxTicks: 4 }), [4.5, 5.5], "a degenerate domain is padded by 10 %");
  assert.equal(niceDomain(0, 0, { maxTicks: 4, integer: true }), [-1, 1]);
});

t("time ticks step in seconds, then whole minutes", () => {
  assert.equal(timeTicks(0, 300, 8).values, [0, 60, 120, 180, 240, 300]);
  assert.equal(timeTicks(0, 30, 6).values, [0, 5, 10, 15, 20, 25, 30]);
  assert.equal(timeTicks(0, 3600, 8).values, [0, 600, 1200, 1800, 2400, 3000, 3600]);
  assert.equal(timeTicks(10, 100, 4).values, [30, 60, 90], "ticks start at the first multiple inside");
  assert.equal(timeTicks(0, 3, 6).values, [0, 0.5, 1, 1.5, 2, 2.5, 3], "under a second per tick: decimal steps");
  assert.is(timeTicks(0, 3, 6).decimals, 1);
});

t("time labels: seconds below two minutes, m:ss and h:mm:ss above", () => {
  assert.is(usesClock(119), false);
  assert.is(usesClock(120), true);
  const table: [seconds: number, clock: boolean, decimals: number, label: string][] = [
    [45, false, 0, "45 s"],
    [2.5, false, 1, "2.5 s"],
    [0, true, 0, "0:00"],
    [65, true, 0, "1:05"],
    [600, true, 0, "10:00"],
    [3725, true, 0, "1:02:05"],
    [-30, true, 0, "-0:30"],
  ];
  for (const [seconds, clock, decimals, label] of table) assert.is(formatTime(seconds, clock, decimals), label);
  assert.is(formatTime(Number.NaN, true), "");
});

t("bucketing keeps a line to at most maxPoints points", () => {
  const hour = Array.from({ length: 3600 }, (_, i) => i);
  const plan = planBuckets(hour, 600);
  assert.is(plan.binsPerPoint, 6);
  assert.is(plan.centers.length, 600);
  assert.is(plan.centers[0], 2.5, "a point sits at the mean of its bins' times");
  assert.is(plan.centers[599], 3596.5);

  const odd = planBuckets(Array.from({ length: 601 }, (_, i) => i), 600);
  assert.is(odd.binsPerPoint, 2);
  assert.is(odd.centers.length, 301);
  assert.is(odd.centers[300], 600, "the last bucket holds the one remaining bin");

  const short = planBuckets([0, 1, 2], 600);
  assert.equal(short, { binsPerPoint: 1, centers: [0, 1, 2] });
  assert.equal(planBuckets([], 600).centers, []);
});

t("quantiles interpolate between order statistics (type 7)", () => {
  assert.is(quantileSorted([1, 2, 3, 4, 5], 0.1), 1.4);
  assert.is(quantileSorted([1, 2, 3, 4, 5], 0.9), 4.6);
  assert.is(quantileSorted([1, 2, 3, 4, 5], 0.5), 3);
  assert.is(quantileSorted([7], 0.9), 7);
  assert.is(quantileSorted([], 0.5), null);
});

t.run();
