import { suite } from "uvu";
import * as assert from "uvu/assert";
import {
  ConstantDistribution,
  DelayJitterDistribution,
  type Distribution,
  EmpiricalDistribution,
  ExponentialDistribution,
  LognormalDistribution,
  NormalDistribution,
  UniformDistribution,
} from "../../sim/core/distributions.ts";
import { RandomStream } from "../../sim/core/rng.ts";
import { millis } from "../../sim/core/time.ts";
import { serviceTimeModel } from "../../sim/network/service-time.ts";

const t = suite("service time: M(x) = E[min(s, x)] in closed form, and the look-back horizon");

t("constant and uniform, by hand", () => {
  const c = serviceTimeModel(new ConstantDistribution(millis(5)));
  assert.equal([c.truncatedMean(0), c.truncatedMean(millis(2)), c.truncatedMean(millis(9)), c.horizon], [0, 2000, 5000, 5000]);
  // Uniform 10–20 ms: x ≤ 10 → x; x = 15 → 10 + (10² − 5²)/(2·10) = 13.75 ms; x ≥ 20 → 15 ms.
  const u = serviceTimeModel(new UniformDistribution({ min: millis(10), max: millis(20) }));
  assert.equal([u.truncatedMean(millis(4)), u.truncatedMean(millis(15)), u.truncatedMean(millis(25)), u.horizon], [4000, 13750, 15000, 20000]);
});

const cases: [string, Distribution][] = [
  ["uniform", new UniformDistribution({ min: millis(1), max: millis(20) })],
  ["delay+jitter", new DelayJitterDistribution({ delay: millis(3), jitter: millis(4) })],
  ["exponential", new ExponentialDistribution({ mean: millis(5) })],
  ["normal", new NormalDistribution({ mean: millis(4), stddev: millis(3) })],
  ["lognormal", new LognormalDistribution({ median: millis(5), p99: millis(40) })],
  ["empirical", new EmpiricalDistribution([millis(1), millis(2), millis(8)])],
];

t("closed forms agree with Monte Carlo (4 standard errors) and reach the mean at the horizon", () => {
  const rng = new RandomStream("service-time-test");
  for (const [name, d] of cases) {
    const m = serviceTimeModel(d);
    const samples = Array.from({ length: 40000 }, () => d.sample(rng));
    for (const x of [millis(1), millis(3), millis(5), millis(10), millis(30)]) {
      const values = samples.map((s) => Math.min(s, x));
      const mean = values.reduce((a, b) => a + b, 0) / values.length;
      const sd = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / (values.length - 1));
      const se = sd / Math.sqrt(values.length);
      assert.ok(Math.abs(m.truncatedMean(x) - mean) <= 4 * se + 1, `${name} x=${x}: ${m.truncatedMean(x)} vs ${mean} ± ${se}`);
    }
    assert.ok(Math.abs(m.truncatedMean(m.horizon) - d.mean()) <= 1e-6 * d.mean() + 1, `${name}: M(horizon) ${m.truncatedMean(m.horizon)} vs mean ${d.mean()}`);
    assert.is(m.truncatedMean(0), 0);
  }
});

t.run();
