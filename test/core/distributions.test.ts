import * as fc from "fast-check";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { parse as parseYaml } from "yaml";
import {
  ConstantDistribution,
  DelayJitterDistribution,
  DistributionError,
  DRAWS_PER_SAMPLE,
  type Distribution,
  EmpiricalDistribution,
  ExponentialDistribution,
  LognormalDistribution,
  NormalDistribution,
  parseDistribution,
  standardNormalCdf,
  standardNormalQuantile,
  UniformDistribution,
  Z_99,
} from "../../sim/core/distributions.ts";
import { type RandomSource, RandomStreams } from "../../sim/core/rng.ts";
import { millis, seconds } from "../../sim/core/time.ts";

const t = suite("distributions: one draw per sample, right moments and quantiles, strict YAML");

// Statistical checks. With N independent draws:
//  - the sample mean has standard error σ/√N, σ the analytic standard deviation;
//  - the number of draws at or below the true p-quantile is Binomial(N, p), so that fraction has
//    standard deviation √(p(1−p)/N).
// Every check allows 4 of those standard errors: a correct sampler fails one by chance with
// probability 6e-5 (two-sided normal tail), while for N = 1e5 the bound is still tight, e.g.
// ±0.37% of the mean for uniform(1s, 3s) and ±0.0063 around a quartile. The seed is fixed, so
// the outcome is reproducible; the bound says the pass does not hinge on a lucky seed.
// Samples are rounded to whole µs while parameters are in seconds, so rounding moves a
// quantile count by at most the mass within 0.5 µs of it, far below these bounds.
const N = 100_000;
const SIGMAS = 4;

function stream(name: string) {
  return new RandomStreams("test-seed", 0).stream("dist", name);
}

function draw(d: Distribution, name: string): Float64Array {
  const rng = stream(name);
  const out = new Float64Array(N);
  for (let i = 0; i < N; i++) out[i] = d.sample(rng);
  return out;
}

function assertMean(samples: Float64Array, mean: number, sd: number): void {
  let sum = 0;
  for (const x of samples) sum += x;
  const sampleMean = sum / samples.length;
  const bound = (SIGMAS * sd) / Math.sqrt(samples.length);
  assert.ok(
    Math.abs(sampleMean - mean) <= bound,
    `sample mean ${sampleMean} is more than ${bound} from the analytic mean ${mean}`,
  );
}

/** The fraction of samples at or below `quantile` must be p within 4 binomial standard errors. */
function assertQuantile(samples: Float64Array, p: number, quantile: number): void {
  let below = 0;
  for (const x of samples) if (x <= quantile) below++;
  const fraction = below / samples.length;
  const bound = SIGMAS * Math.sqrt((p * (1 - p)) / samples.length);
  assert.ok(
    Math.abs(fraction - p) <= bound,
    `${fraction} of samples are <= ${quantile}, expected ${p} ± ${bound}`,
  );
}

function assertWholeAndWithin(samples: Float64Array, min: number, max: number): void {
  for (const x of samples) {
    assert.ok(Number.isInteger(x) && x >= min && x <= max, `sample ${x} outside [${min}, ${max}] or not whole µs`);
  }
}

/** Runs `fn`, requires it to throw `kind` with exactly `message`. */
function throwsExactly(fn: () => unknown, kind: new (...args: never[]) => Error, message: string): void {
  try {
    fn();
  } catch (error) {
    assert.instance(error, kind);
    assert.is((error as Error).message, message);
    return;
  }
  assert.unreachable(`expected ${kind.name}: ${message}`);
}

/** A source that replays fixed uniforms and counts how many were taken. */
class Scripted implements RandomSource {
  calls = 0;
  constructor(readonly values: readonly number[]) {}
  next(): number {
    return this.values[this.calls++ % this.values.length];
  }
}

/** Wraps a real stream and counts draws. */
class Counting implements RandomSource {
  calls = 0;
  constructor(readonly inner: RandomSource) {}
  next(): number {
    this.calls++;
    return this.inner.next();
  }
}

const everyKind: [string, Distribution][] = [
  ["constant", new ConstantDistribution(seconds(5))],
  ["uniform", new UniformDistribution({ min: seconds(1), max: seconds(3) })],
  ["uniform min = max", new UniformDistribution({ min: seconds(2), max: seconds(2) })],
  ["exponential", new ExponentialDistribution({ mean: seconds(2) })],
  ["normal", new NormalDistribution({ mean: seconds(1), stddev: millis(500) })],
  ["normal stddev 0", new NormalDistribution({ mean: seconds(1), stddev: 0 })],
  ["half-normal", new NormalDistribution({ mean: 0, stddev: seconds(1) })],
  ["lognormal", new LognormalDistribution({ median: seconds(2), p99: seconds(10) })],
  ["lognormal p99 = median", new LognormalDistribution({ median: seconds(2), p99: seconds(2) })],
  ["delay+jitter", new DelayJitterDistribution({ delay: seconds(1), jitter: millis(500) })],
  ["empirical", new EmpiricalDistribution([seconds(3), seconds(1), seconds(2), seconds(10)])],
];

// --- the standard normal ----------------------------------------------------------------------

t("Φ matches high-precision values into the far lower tail", () => {
  // Reference values from mpmath.ncdf at 30 digits, written as the nearest doubles. Φ's condition number at x is about x²
  // (d ln Φ / d ln x ≈ x² in the tail): a one-ulp change of x moves Φ(−37) by ~1400 ulps, so
  // the allowed relative error is 4 ulps times max(1, x²), as good as a double input permits.
  const cases: [number, number][] = [
    [0, 0.5],
    [1, 0.8413447460685429],
    [-1.96, 0.024997895148220435],
    [-5, 2.866515718791939e-7],
    [-10, 7.619853024160525e-24],
    [-37, 5.725571222524577e-300],
    [8, 0.9999999999999993],
  ];
  for (const [x, expected] of cases) {
    const got = standardNormalCdf(x);
    const tolerance = 4 * Number.EPSILON * Math.max(1, x * x) * expected;
    assert.ok(Math.abs(got - expected) <= tolerance, `Φ(${x}) = ${got}, expected ${expected}`);
  }
});

t("Φ⁻¹ (Acklam + one Halley step) is accurate to 4e-15 relative and exact at the ends", () => {
  // Reference values from mpmath at 30 digits (nearest doubles); Acklam alone is only good to 1.15e-9, so this
  // fails if the Halley refinement is lost.
  const cases: [number, number][] = [
    [0.975, 1.9599639845400543],
    [0.025, -1.9599639845400543],
    [0.75, 0.6744897501960817],
    [0.99, 2.326347874040841],
    [1e-10, -6.361340902404057],
    [1e-300, -37.0470962993612],
  ];
  for (const [p, expected] of cases) {
    const got = standardNormalQuantile(p);
    assert.ok(Math.abs(got - expected) <= 4e-15 * Math.abs(expected), `Φ⁻¹(${p}) = ${got}, expected ${expected}`);
  }
  assert.is(standardNormalQuantile(0.5), 0);
  assert.is(standardNormalQuantile(0), Number.NEGATIVE_INFINITY);
  assert.is(standardNormalQuantile(1), Number.POSITIVE_INFINITY);
  assert.ok(Number.isNaN(standardNormalQuantile(1.5)));
  // Z_99 is scipy's norm.ppf(0.99), one ulp (4e-16) below the double nearest the true value.
  assert.is(Z_99, 2.3263478740408408);
  assert.ok(Math.abs(Z_99 - 2.326347874040841) <= 4.5e-16);
});

t("property: Φ(Φ⁻¹(p)) = p within Φ's conditioning", () => {
  // Compared on the side where the probability is small (1 − p for p > ½), relative to it, with
  // an allowance of 8 ulps × max(1, x²) (measured worst: 3.2), plus, on the upper side only, one
  // ulp of 1 for the rounding of 1 − Φ itself.
  fc.assert(
    fc.property(fc.double({ min: 1e-15, max: 1 - 1e-15, noNaN: true }), (p) => {
      const x = standardNormalQuantile(p);
      const back = standardNormalCdf(x);
      const small = p <= 0.5 ? p : 1 - p;
      const error = p <= 0.5 ? Math.abs(back - p) : Math.abs(1 - back - (1 - p));
      return error <= 8 * Number.EPSILON * Math.max(1, x * x) * small + (p > 0.5 ? Number.EPSILON : 0);
    }),
    { numRuns: 5_000 },
  );
});

// --- stream consumption and determinism --------------------------------------------------------

t("every sample of every kind consumes exactly DRAWS_PER_SAMPLE (= 1) draws", () => {
  assert.is(DRAWS_PER_SAMPLE, 1);
  for (const [name, d] of everyKind) {
    const rng = new Counting(stream(`count ${name}`));
    for (let i = 0; i < 1_000; i++) d.sample(rng);
    assert.is(rng.calls, 1_000 * DRAWS_PER_SAMPLE, name);
  }
});

t("changing a distribution's kind leaves the stream aligned for later draws", () => {
  // The same stream serves a startup time, then one more draw; whatever the startup distribution,
  // the draw after it is the same number: common random numbers across strategies.
  const after = everyKind.map(([, d]) => {
    const rng = stream("alignment");
    for (let i = 0; i < 10; i++) d.sample(rng);
    return rng.next();
  });
  for (const x of after) assert.is(x, after[0]);
});

t("known answers: the first samples of stream (test-seed, 0, dist, pinned)", () => {
  // Raw draws of that stream: 0.039642962627112865, 0.34777804580517113, 0.7515123488847166,
  // 0.7669698933605105. Expected samples were computed independently from those uniforms with
  // scipy.stats (uniform by hand, expon, truncnorm, lognorm ppf), rounded to whole µs.
  const raw = stream("pinned");
  assert.equal(
    [raw.next(), raw.next(), raw.next(), raw.next()],
    [0.039642962627112865, 0.34777804580517113, 0.7515123488847166, 0.7669698933605105],
  );
  const expected: [string, Distribution, number[]][] = [
    ["constant", everyKind[0][1], [5_000_000, 5_000_000, 5_000_000, 5_000_000]],
    // 1s + u·2s: 1e6 + 0.039642962627112865·2e6 = 1079285.93 → 1079286
    ["uniform", everyKind[1][1], [1_079_286, 1_695_556, 2_503_025, 2_533_940]],
    // −2s·ln(1 − u): −2e6·ln(0.960357037) = 80899.6 → 80900
    ["exponential", everyKind[3][1], [80_900, 854_741, 2_784_724, 2_913_175]],
    // the first two take the lower branch (u < ½), the last two the upper one
    ["normal", everyKind[4][1], [228_812, 824_263, 1_348_607, 1_373_174]],
    ["lognormal", everyKind[7][1], [593_981, 1_525_643, 3_199_765, 3_311_579]],
    // 1s + u·500ms
    ["delay+jitter", everyKind[9][1], [1_019_821, 1_173_889, 1_375_756, 1_383_485]],
    // sorted [1s, 2s, 3s, 10s][⌊4u⌋]: indexes 0, 1, 3, 3
    ["empirical", everyKind[10][1], [1_000_000, 2_000_000, 10_000_000, 10_000_000]],
  ];
  for (const [name, d, values] of expected) {
    const rng = stream("pinned");
    assert.equal([d.sample(rng), d.sample(rng), d.sample(rng), d.sample(rng)], values, name);
  }
});

t("property: samples never decrease as the draw grows (inverse-CDF coupling)", () => {
  fc.assert(
    fc.property(
      fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
      fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
      (a, b) => {
        const [lo, hi] = a <= b ? [a, b] : [b, a];
        return everyKind.every(([, d]) => d.sample(new Scripted([lo])) <= d.sample(new Scripted([hi])));
      },
    ),
    { numRuns: 2_000 },
  );
});

t("the extreme draws 0 and 1 − 2⁻⁵³ give finite, whole, non-negative times", () => {
  const largest = 1 - 2 ** -53;
  for (const [name, d] of everyKind) {
    for (const u of [0, largest]) {
      const x = d.sample(new Scripted([u]));
      assert.ok(Number.isSafeInteger(x) && x >= 0, `${name} at u=${u} gave ${x}`);
    }
  }
  // The lower end of each inverse CDF is the bottom of the support.
  assert.is(new ExponentialDistribution({ mean: seconds(2) }).sample(new Scripted([0])), 0);
  assert.is(new NormalDistribution({ mean: seconds(1), stddev: millis(500) }).sample(new Scripted([0])), 0);
  assert.is(new UniformDistribution({ min: seconds(1), max: seconds(3) }).sample(new Scripted([0])), seconds(1));
  // u = 1 − 2⁻⁵³ is the exponential's 1 − 2⁻⁵³ quantile: mean·53·ln 2 = 2s·36.7368 → 73.47s.
  assert.is(new ExponentialDistribution({ mean: seconds(2) }).sample(new Scripted([largest])), 73_473_601);
});

// --- moments and quantiles ---------------------------------------------------------------------

t("constant: every sample is the value", () => {
  const samples = draw(new ConstantDistribution(millis(250)), "constant");
  assertWholeAndWithin(samples, 250_000, 250_000);
  assert.is(new ConstantDistribution(millis(250)).mean(), 250_000);
});

t("uniform(1s, 3s): mean 2s, quartiles 1.5s / 2s / 2.5s, support [1s, 3s]", () => {
  const d = new UniformDistribution({ min: seconds(1), max: seconds(3) });
  const samples = draw(d, "uniform");
  assert.is(d.mean(), 2_000_000);
  assertWholeAndWithin(samples, 1_000_000, 3_000_000);
  assertMean(samples, 2_000_000, 2_000_000 / Math.sqrt(12)); // σ = (max − min)/√12
  assertQuantile(samples, 0.25, 1_500_000);
  assertQuantile(samples, 0.5, 2_000_000);
  assertQuantile(samples, 0.75, 2_500_000);
});

t("exponential(mean 2s): median = mean·ln 2, p99 = mean·ln 100", () => {
  const d = new ExponentialDistribution({ mean: seconds(2) });
  const samples = draw(d, "exponential");
  assert.is(d.mean(), 2_000_000);
  assertMean(samples, 2_000_000, 2_000_000); // σ = mean
  assertQuantile(samples, 0.5, 2_000_000 * Math.LN2); // 1.386s
  assertQuantile(samples, 0.99, 2_000_000 * Math.log(100)); // 9.210s
});

t("normal(1s, 500ms) truncated at 0: truncated mean, median and p10/p90", () => {
  // α = −mean/σ = −2, so 2.3% of the untruncated mass is cut. Reference values from
  // scipy.stats.truncnorm(-2, inf, loc=1e6, scale=5e5): mean 1027623.931339495,
  // std 470757.8858371423, median 1014258.4632954588, p10 413692.5075814027, p90 1647311.993322567.
  const d = new NormalDistribution({ mean: seconds(1), stddev: millis(500) });
  assert.ok(Math.abs(d.mean() - 1_027_623.931339495) < 1e-6, `mean() = ${d.mean()}`);
  const samples = draw(d, "normal");
  assertWholeAndWithin(samples, 0, Number.MAX_SAFE_INTEGER);
  assertMean(samples, 1_027_623.931339495, 470_757.8858371423);
  assertQuantile(samples, 0.1, 413_692.5075814027);
  assertQuantile(samples, 0.5, 1_014_258.4632954588);
  assertQuantile(samples, 0.9, 1_647_311.993322567);
});

t("normal(0, 1s) truncated at 0 is the half-normal", () => {
  // Half-normal: mean σ√(2/π) = 797884.56µs, sd σ√(1 − 2/π) = 602810.27µs, median σ·Φ⁻¹(0.75).
  const d = new NormalDistribution({ mean: 0, stddev: seconds(1) });
  assert.ok(Math.abs(d.mean() - 797_884.5608028654) < 1e-6, `mean() = ${d.mean()}`);
  const samples = draw(d, "half-normal");
  assertWholeAndWithin(samples, 0, Number.MAX_SAFE_INTEGER);
  assertMean(samples, 797_884.5608028654, 602_810.2749890869);
  assertQuantile(samples, 0.5, 674_489.7501960817);
});

t("normal with stddev 0 is its mean", () => {
  const d = new NormalDistribution({ mean: seconds(3), stddev: 0 });
  assertWholeAndWithin(draw(d, "normal sd 0"), 3_000_000, 3_000_000);
  assert.is(d.mean(), 3_000_000);
});

t("lognormal(median 2s, p99 10s): the median and p99 it was given, mean median·e^(σ²/2)", () => {
  // σ = ln(10/2)/Φ⁻¹(0.99) = 0.6918302848827697; mean = 2e6·e^(σ²/2) = 2540756.197µs;
  // sd = mean·√(e^(σ²) − 1) = 1990663.450µs.
  const d = new LognormalDistribution({ median: seconds(2), p99: seconds(10) });
  assert.ok(Math.abs(d.sigma - 0.6918302848827697) < 1e-15);
  assert.ok(Math.abs(d.mean() - 2_540_756.1970611783) < 1e-6, `mean() = ${d.mean()}`);
  const samples = draw(d, "lognormal");
  assertWholeAndWithin(samples, 0, Number.MAX_SAFE_INTEGER);
  assertMean(samples, 2_540_756.1970611783, 1_990_663.4501336706);
  assertQuantile(samples, 0.5, 2_000_000);
  assertQuantile(samples, 0.99, 10_000_000);
});

t("lognormal with p99 = median is a constant", () => {
  const d = new LognormalDistribution({ median: seconds(2), p99: seconds(2) });
  assert.is(d.sigma, 0);
  assert.is(d.mean(), 2_000_000);
  assertWholeAndWithin(draw(d, "lognormal degenerate"), 2_000_000, 2_000_000);
});

t("delay 1s + jitter 500ms: uniform on [1s, 1.5s]", () => {
  const d = new DelayJitterDistribution({ delay: seconds(1), jitter: millis(500) });
  const samples = draw(d, "delay+jitter");
  assert.is(d.mean(), 1_250_000);
  assertWholeAndWithin(samples, 1_000_000, 1_500_000);
  assertMean(samples, 1_250_000, 500_000 / Math.sqrt(12));
  assertQuantile(samples, 0.5, 1_250_000);
});

t("empirical [3s, 1s, 2s, 10s]: each value a quarter of the time, mean 4s", () => {
  const d = new EmpiricalDistribution([seconds(3), seconds(1), seconds(2), seconds(10)]);
  assert.equal(d.values, [1_000_000, 2_000_000, 3_000_000, 10_000_000]);
  assert.is(d.mean(), 4_000_000);
  const samples = draw(d, "empirical");
  // Population sd: √((1 + 4 + 9 + 100)/4 − 4²) s = √12.5 s.
  assertMean(samples, 4_000_000, Math.sqrt(12.5) * 1_000_000);
  // Each value is Bernoulli(¼) per draw, so its share is ¼ ± 4·√(¼·¾/N).
  for (const value of d.values) {
    let hits = 0;
    for (const x of samples) if (x === value) hits++;
    const bound = SIGMAS * Math.sqrt((0.25 * 0.75) / N);
    assert.ok(Math.abs(hits / N - 0.25) <= bound, `${value} drawn ${hits / N} of the time`);
  }
});

// --- validation ---------------------------------------------------------------------------------

t("constructors reject impossible parameters with a message naming them", () => {
  const cases: [() => unknown, string][] = [
    [
      () => new UniformDistribution({ min: seconds(5), max: seconds(2) }),
      "uniform: min (5s) must be less than or equal to max (2s)",
    ],
    [
      () => new LognormalDistribution({ median: seconds(2), p99: seconds(1) }),
      "lognormal: p99 (1s) must be greater than or equal to median (2s)",
    ],
    [() => new LognormalDistribution({ median: 0, p99: seconds(1) }), "lognormal: median must be greater than 0 (got 0s)"],
    [() => new ExponentialDistribution({ mean: 0 }), "exponential: mean must be greater than 0 (got 0s)"],
    [() => new EmpiricalDistribution([]), "empirical: needs at least one value"],
    [
      () => new UniformDistribution({ min: -1, max: seconds(1) }),
      "uniform: min must be a non-negative whole number of microseconds, got -1",
    ],
    [
      () => new NormalDistribution({ mean: seconds(1), stddev: 1.5 }),
      "normal: stddev must be a non-negative whole number of microseconds, got 1.5",
    ],
    [
      () => new ConstantDistribution(Number.NaN),
      "constant: value must be a non-negative whole number of microseconds, got NaN",
    ],
    [
      () => new EmpiricalDistribution([seconds(1), -5]),
      "empirical: value 1 must be a non-negative whole number of microseconds, got -5",
    ],
  ];
  for (const [build, message] of cases) throwsExactly(build, DistributionError, message);
});

// --- the YAML shape -----------------------------------------------------------------------------

t("parseDistribution reads every YAML shape", () => {
  const cases: [unknown, string, string][] = [
    ["5s", "constant", "5s"],
    [0, "constant", "0s"],
    [{ constant: "250ms" }, "constant", "250ms"],
    [{ uniform: { min: "1s", max: "3s" } }, "uniform", "{uniform: {min: 1s, max: 3s}}"],
    [{ uniform: { min: 0, max: "1m30s" } }, "uniform", "{uniform: {min: 0s, max: 1m30s}}"],
    [{ exponential: { mean: "2s" } }, "exponential", "{exponential: {mean: 2s}}"],
    [{ normal: { mean: "1s", stddev: "500ms" } }, "normal", "{normal: {mean: 1s, stddev: 500ms}}"],
    [{ lognormal: { median: "2s", p99: "10s" } }, "lognormal", "{lognormal: {median: 2s, p99: 10s}}"],
    [{ delay: "1s", jitter: "500ms" }, "delay+jitter", "{delay: 1s, jitter: 500ms}"],
    [{ jitter: "0s", delay: "1s" }, "delay+jitter", "{delay: 1s, jitter: 0s}"],
    [{ empirical: ["3s", "1s", "2.5s"] }, "empirical", "{empirical: [1s, 2.5s, 3s]}"],
  ];
  for (const [spec, kind, described] of cases) {
    const d = parseDistribution(spec);
    assert.is(d.kind, kind, described);
    assert.is(d.describe(), described);
  }
});

t("parseDistribution errors name the field and the problem", () => {
  const kinds = "constant, uniform, exponential, normal, lognormal, empirical";
  const cases: [unknown, string][] = [
    [5, 'invalid duration "5": missing unit (use e.g. 5s or 500ms)'],
    ["-3s", 'invalid duration "-3s": must not be negative'],
    [{ uniform: { min: "x", max: "2s" } }, 'uniform.min: invalid duration "x": expected a number at "x"'],
    [{ uniform: { min: "5s", max: "2s" } }, "uniform: min (5s) must be less than or equal to max (2s)"],
    [{ uniform: { min: "1s" } }, "uniform.max: missing"],
    [{ uniform: { min: "1s", max: "2s", mean: "1s" } }, 'uniform: unknown field "mean" (valid: min, max)'],
    [{ uniform: "1s" }, 'uniform: expected {min: <duration>, max: <duration>}, got "1s"'],
    [{ exponential: "2s" }, 'exponential: expected {mean: <duration>}, got "2s"'],
    [{ exponential: { mean: "0s" } }, "exponential: mean must be greater than 0 (got 0s)"],
    [{ normal: { mean: "1s", stddev: "1x" } }, 'normal.stddev: invalid duration "1x": unknown unit "x" (valid: ns, us, ms, s, m, h)'],
    [{ lognormal: { median: "2s", p99: "1s" } }, "lognormal: p99 (1s) must be greater than or equal to median (2s)"],
    [{ lognormal: { median: "2s", p99: 10 } }, 'lognormal.p99: invalid duration "10": missing unit (use e.g. 5s or 500ms)'],
    [{ constant: "5" }, 'constant: invalid duration "5": missing unit (use e.g. 5s or 500ms)'],
    [{ weibull: { shape: 1 } }, `unknown distribution "weibull" (valid: ${kinds}, delay + jitter)`],
    [
      { uniform: { min: "1s", max: "2s" }, exponential: { mean: "1s" } },
      "expected exactly one distribution kind, got uniform and exponential",
    ],
    [{}, `expected a duration such as 5s, or one of ${kinds}, or delay + jitter; got {}`],
    [null, `expected a duration such as 5s, or one of ${kinds}, or delay + jitter; got null`],
    [["1s"], `expected a duration such as 5s, or one of ${kinds}, or delay + jitter; got ["1s"]`],
    [{ delay: "1s" }, "delay: missing jitter (write {delay: 1s, jitter: 0s} for none, or just 1s)"],
    [{ jitter: "1s" }, "jitter: missing delay (write {delay: 0s, jitter: 1s})"],
    [{ delay: "-1s", jitter: "0s" }, 'delay: invalid duration "-1s": must not be negative'],
    [
      { delay: "1s", jitter: "1s", uniform: { min: "1s", max: "2s" } },
      'delay + jitter: unexpected "uniform" alongside them',
    ],
    [{ empirical: [] }, "empirical: needs at least one value"],
    [{ empirical: ["1s", "2x"] }, 'empirical[1]: invalid duration "2x": unknown unit "x" (valid: ns, us, ms, s, m, h)'],
    [{ empirical: "1s" }, 'empirical: expected a list of durations such as [1s, 2s], got "1s"'],
  ];
  for (const [spec, message] of cases) throwsExactly(() => parseDistribution(spec), DistributionError, message);
});

t("describe() is YAML that parses back to the same distribution", () => {
  for (const [name, d] of everyKind) {
    const again = parseDistribution(parseYaml(d.describe()));
    assert.is(again.describe(), d.describe(), name);
    assert.is(again.mean(), d.mean(), name);
    const a = stream(`describe ${name}`);
    const b = stream(`describe ${name}`);
    for (let i = 0; i < 100; i++) assert.is(again.sample(b), d.sample(a), name);
  }
});

t.run();
