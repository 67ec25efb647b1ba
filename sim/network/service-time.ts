/**
 * How long an answering backend takes to serve a request, seen from the exact reachability
 * integral. A request that arrives at t and takes s is cut when its backend stops answering at
 * b ∈ (t, t + s), which happens with probability S(b − t) = P(s > b − t). Integrated over the
 * arrivals of a stretch [t0, t1) before b, the lost time-measure is
 *
 *   ∫_{t0}^{t1} S(b − t) dt = M(b − t0) − M(b − t1),   with  M(x) = ∫_0^x S(u) du = E[min(s, x)].
 *
 * Worked example: a constant 5 ms service time has M(x) = min(x, 5 ms); a backend that received
 * a share w of the requests for the last second before it stopped loses w · 5 ms of success.
 *
 * `horizon` is how far back a stop can reach: the support's end for bounded distributions, and
 * a point past which S is below 1e-12 for unbounded ones (exponential, normal, lognormal).
 *
 * Leaves out: the microsecond rounding of sampled durations in the closed forms (at most half a
 * microsecond per sample, against service times of milliseconds).
 */
import {
  ConstantDistribution,
  DelayJitterDistribution,
  type Distribution,
  EmpiricalDistribution,
  ExponentialDistribution,
  LognormalDistribution,
  NormalDistribution,
  standardNormalCdf,
  UniformDistribution,
} from "../core/distributions.ts";
import type { Time } from "../core/time.ts";

export interface ServiceTimeModel {
  /** M(x) = E[min(s, x)] in microseconds, for x ≥ 0. */
  truncatedMean(x: number): number;
  /** Beyond this look-back (µs) no request can still be in flight. */
  readonly horizon: Time;
}

const SQRT_2PI = Math.sqrt(2 * Math.PI);
const pdf = (z: number): number => Math.exp((-z * z) / 2) / SQRT_2PI;

/** E[min(U, x)] for U uniform on [a, b]. */
function uniformTruncatedMean(a: number, b: number, x: number): number {
  if (x <= a) return x;
  if (x >= b) return (a + b) / 2;
  // a + ∫_a^x (b − u)/(b − a) du
  return a + ((b - a) ** 2 - (b - x) ** 2) / (2 * (b - a));
}

export function serviceTimeModel(d: Distribution): ServiceTimeModel {
  if (d instanceof ConstantDistribution) {
    const c = d.value;
    return { truncatedMean: (x) => Math.min(c, Math.max(0, x)), horizon: c };
  }
  if (d instanceof UniformDistribution) {
    const { min, max } = d;
    return { truncatedMean: (x) => uniformTruncatedMean(min, max, Math.max(0, x)), horizon: max };
  }
  if (d instanceof DelayJitterDistribution) {
    const a = d.delay;
    const b = d.delay + d.jitter;
    return { truncatedMean: (x) => uniformTruncatedMean(a, b, Math.max(0, x)), horizon: b };
  }
  if (d instanceof EmpiricalDistribution) {
    const values = d.values;
    return {
      truncatedMean: (x) => {
        let sum = 0;
        for (const v of values) sum += Math.min(v, Math.max(0, x));
        return sum / values.length;
      },
      horizon: values[values.length - 1],
    };
  }
  if (d instanceof ExponentialDistribution) {
    const m = d.meanTime;
    return { truncatedMean: (x) => m * -Math.expm1(-Math.max(0, x) / m), horizon: Math.ceil(28 * m) };
  }
  if (d instanceof LognormalDistribution) {
    const median = d.median;
    const sigma = d.sigma;
    if (sigma === 0) return { truncatedMean: (x) => Math.min(median, Math.max(0, x)), horizon: median };
    const mu = Math.log(median);
    const mean = d.mean();
    return {
      // E[X; X < x] + x·P(X ≥ x), with E[X; X < x] = e^{μ+σ²/2}·Φ((ln x − μ − σ²)/σ).
      truncatedMean: (x) => {
        if (x <= 0) return 0;
        const z = (Math.log(x) - mu) / sigma;
        return mean * standardNormalCdf(z - sigma) + x * standardNormalCdf(-z);
      },
      horizon: Math.ceil(median * Math.exp(7.2 * sigma)),
    };
  }
  if (d instanceof NormalDistribution) {
    const m = d.meanTime;
    const sd = d.stddev;
    if (sd === 0) return { truncatedMean: (x) => Math.min(m, Math.max(0, x)), horizon: m };
    const alpha = -m / sd;
    const massAbove = standardNormalCdf(-alpha);
    return {
      // Truncated at 0: (E[N; 0 ≤ N < x] + x·P(N ≥ x)) / P(N ≥ 0), with β = (x − m)/sd and
      // E[N; 0 ≤ N < x] = m·(Φ(β) − Φ(α)) − sd·(φ(β) − φ(α)).
      truncatedMean: (x) => {
        if (x <= 0) return 0;
        const beta = (x - m) / sd;
        const partial = m * (standardNormalCdf(beta) - standardNormalCdf(alpha)) - sd * (pdf(beta) - pdf(alpha));
        return (partial + x * standardNormalCdf(-beta)) / massAbove;
      },
      horizon: Math.ceil(m + 7.2 * sd),
    };
  }
  throw new Error(`service time: no truncated mean for distribution kind ${d.kind}`);
}
