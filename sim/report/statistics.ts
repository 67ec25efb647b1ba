/**
 * The statistics of comparison.csv: mean, sample standard deviation, the Student-t 95 % confidence
 * interval of a mean over replications, and the paired difference between two strategies under
 * common random numbers (replication i of each strategy saw the same random streams, so the
 * differences d_i = x_i − b_i cancel the shared noise and give a much tighter interval than
 * comparing two independent means).
 *
 * Missing values (null, undefined, NaN: e.g. a rollout that never completed) are left out, pairwise
 * for differences; `n` says how many values were used. With n < 2 there is no spread to estimate:
 * the standard deviation and interval are null (written empty), never a zero-width interval that
 * would look like certainty.
 *
 * The t quantile is computed, not tabulated: Newton's method on the t distribution's tail
 * probability (a regularized incomplete beta function, Numerical Recipes' continued fraction with
 * a Lanczos log-gamma), started from the Cornish–Fisher expansion (Abramowitz & Stegun 26.7.5)
 * and kept inside a bracket so heavy tails cannot throw it off. It agrees with published tables to
 * all printed digits for any df > 0, integer or not.
 *
 * Leaves out: other confidence levels in the report (tQuantile takes any p), non-parametric
 * intervals, and Welch's unequal-variance test (paired differences make it unnecessary).
 */

/** A value that may be missing. */
export type Maybe = number | null | undefined;

/** Mean, spread and 95 % interval of one set of values. */
export interface Estimate {
  /** Values used (missing ones excluded). */
  readonly n: number;
  /** Null when n = 0. */
  readonly mean: number | null;
  /** Sample standard deviation (n − 1); null when n < 2. */
  readonly stddev: number | null;
  /** mean − t(0.975, n−1)·stddev/√n; null when n < 2. */
  readonly ci95Low: number | null;
  /** mean + t(0.975, n−1)·stddev/√n; null when n < 2. */
  readonly ci95High: number | null;
}

function present(values: Iterable<Maybe>): number[] {
  const out: number[] = [];
  for (const v of values) if (typeof v === "number" && !Number.isNaN(v)) out.push(v);
  return out;
}

/** The arithmetic mean of the present values; null when there are none. */
export function mean(values: Iterable<Maybe>): number | null {
  const xs = present(values);
  if (xs.length === 0) return null;
  let sum = 0;
  for (const x of xs) sum += x;
  return sum / xs.length;
}

/** The sample standard deviation (divisor n − 1) of the present values; null when fewer than 2. */
export function sampleStddev(values: Iterable<Maybe>): number | null {
  const xs = present(values);
  if (xs.length < 2) return null;
  const m = mean(xs) as number;
  // Two passes: the sum of squared deviations does not cancel the way Σx² − n·m² does.
  let squares = 0;
  for (const x of xs) squares += (x - m) * (x - m);
  return Math.sqrt(squares / (xs.length - 1));
}

/** Mean, sample standard deviation and 95 % Student-t interval of the present values. */
export function estimate(values: Iterable<Maybe>): Estimate {
  const xs = present(values);
  const n = xs.length;
  const m = mean(xs);
  const sd = sampleStddev(xs);
  if (m === null || sd === null) return { n, mean: m, stddev: sd, ci95Low: null, ci95High: null };
  const half = (tCritical95(n - 1) * sd) / Math.sqrt(n);
  return { n, mean: m, stddev: sd, ci95Low: m - half, ci95High: m + half };
}

/**
 * The paired difference of `values` against `baseline`, both indexed by replication: d_i = x_i − b_i
 * over the replications where both are present, with its mean and 95 % interval.
 */
export function pairedDifference(values: readonly Maybe[], baseline: readonly Maybe[]): Estimate {
  if (values.length !== baseline.length) {
    throw new RangeError(`paired difference needs aligned replications: ${values.length} values, ${baseline.length} baseline values`);
  }
  const differences: number[] = [];
  values.forEach((x, i) => {
    const b = baseline[i];
    if (typeof x === "number" && !Number.isNaN(x) && typeof b === "number" && !Number.isNaN(b)) differences.push(x - b);
  });
  return estimate(differences);
}

/** The two-sided 95 % critical value of Student's t with `df` degrees of freedom: t(0.975, df). */
export function tCritical95(df: number): number {
  return tQuantile(0.975, df);
}

// --- special functions --------------------------------------------------------------------------

// Lanczos approximation, g = 7, n = 9 (relative error about 1e-15 for x > 0).
const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];
const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

/** ln Γ(x) for x > 0. */
export function logGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const z = x - 1;
  let a = LANCZOS[0];
  const t = z + 7.5;
  for (let i = 1; i < LANCZOS.length; i++) a += LANCZOS[i] / (z + i);
  return HALF_LOG_2PI + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

const EPS = 1e-16;
const TINY = 1e-300;
const MAX_ITERATIONS = 100_000;

/** Continued fraction of the incomplete beta function (modified Lentz), Numerical Recipes §6.4. */
function betaContinuedFraction(a: number, b: number, x: number): number {
  const qab = a + b;
  const qap = a + 1;
  const qam = a - 1;
  let c = 1;
  let d = 1 - (qab * x) / qap;
  if (Math.abs(d) < TINY) d = TINY;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= MAX_ITERATIONS; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((qam + m2) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (qab + m) * x) / ((a + m2) * (qap + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < EPS) return h;
  }
  throw new Error(`incomplete beta: continued fraction did not converge (a=${a}, b=${b}, x=${x})`);
}

/**
 * The regularized incomplete beta function I_x(a, b). `y` = 1 − x may be passed when it is known
 * more precisely than `1 - x` (x close to 1).
 */
export function regularizedBeta(a: number, b: number, x: number, y = 1 - x): number {
  if (x <= 0) return 0;
  if (y <= 0) return 1;
  const front = Math.exp(logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log(y));
  if (x < (a + 1) / (a + b + 2)) return (front * betaContinuedFraction(a, b, x)) / a;
  return 1 - (front * betaContinuedFraction(b, a, y)) / b;
}

/** P(T > t) for Student's t with `df` degrees of freedom and t ≥ 0. */
function tUpperTail(t: number, df: number): number {
  const t2 = t * t;
  // x = df/(df + t²) and 1 − x = t²/(df + t²), each computed directly to keep both precise.
  return 0.5 * regularizedBeta(df / 2, 0.5, df / (df + t2), t2 / (df + t2));
}

/** The density of Student's t. */
function tDensity(t: number, df: number): number {
  return Math.exp(
    logGamma((df + 1) / 2) - logGamma(df / 2) - 0.5 * Math.log(df * Math.PI) - ((df + 1) / 2) * Math.log1p((t * t) / df),
  );
}

/** The cumulative distribution function of Student's t. */
export function tCdf(t: number, df: number): number {
  if (!Number.isFinite(df)) return normalCdf(t);
  return t >= 0 ? 1 - tUpperTail(t, df) : tUpperTail(-t, df);
}

/** The standard normal CDF, Φ(x) = ½·erfc(−x/√2), with erfc from the incomplete gamma Q(½, x²/2). */
export function normalCdf(x: number): number {
  const q = 0.5 * upperGammaHalf((x * x) / 2);
  return x >= 0 ? 1 - q : q;
}

/** The regularized upper incomplete gamma Q(½, z) = erfc(√z): series for small z, continued fraction above. */
function upperGammaHalf(z: number): number {
  const a = 0.5;
  if (z <= 0) return 1;
  const front = Math.exp(-z + a * Math.log(z) - logGamma(a));
  if (z < a + 1) {
    let sum = 1 / a;
    let term = sum;
    for (let n = 1; n <= MAX_ITERATIONS; n++) {
      term *= z / (a + n);
      sum += term;
      if (Math.abs(term) < Math.abs(sum) * EPS) break;
    }
    return 1 - front * sum;
  }
  let b = z + 1 - a;
  let c = 1 / TINY;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i <= MAX_ITERATIONS; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < TINY) d = TINY;
    c = b + an / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < EPS) break;
  }
  return front * h;
}

// Acklam's rational approximation of the normal quantile (relative error < 1.2e-9), refined below.
const ACKLAM_A = [-39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239];
const ACKLAM_B = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
const ACKLAM_C = [-0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
const ACKLAM_D = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];

/** The standard normal quantile Φ⁻¹(p), 0 < p < 1. */
export function normalQuantile(p: number): number {
  checkProbability(p);
  const [a, b, c, d] = [ACKLAM_A, ACKLAM_B, ACKLAM_C, ACKLAM_D];
  const low = 0.02425;
  let x: number;
  if (p < low) {
    const q = Math.sqrt(-2 * Math.log(p));
    x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  } else if (p <= 1 - low) {
    const q = p - 0.5;
    const r = q * q;
    x =
      ((((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q) /
      (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
  } else {
    const q = Math.sqrt(-2 * Math.log(1 - p));
    x = -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  }
  // Two Newton steps on the exact CDF take the 1e-9 approximation to full double precision.
  for (let i = 0; i < 2; i++) {
    const density = Math.exp(-(x * x) / 2) / Math.sqrt(2 * Math.PI);
    if (density === 0) break;
    x -= (normalCdf(x) - p) / density;
  }
  return x;
}

function checkProbability(p: number): void {
  if (!(p > 0 && p < 1)) throw new RangeError(`probability must be in (0, 1), got ${p}`);
}

/** Cornish–Fisher expansion of the t quantile around the normal one (A&S 26.7.5), error O(df⁻⁵). */
function cornishFisher(z: number, df: number): number {
  const z2 = z * z;
  const g1 = (z2 * z + z) / 4;
  const g2 = ((5 * z2 + 16) * z2 * z + 3 * z) / 96;
  const g3 = (((3 * z2 + 19) * z2 + 17) * z2 * z - 15 * z) / 384;
  const g4 = ((((79 * z2 + 776) * z2 + 1482) * z2 - 1920) * z2 * z - 945 * z) / 92160;
  return z + g1 / df + g2 / df ** 2 + g3 / df ** 3 + g4 / df ** 4;
}

/** Beyond this df the Cornish–Fisher series is exact to double precision and cheaper than Newton. */
const CORNISH_FISHER_DF = 1e5;

/** The quantile of Student's t: the t with P(T ≤ t) = p, for 0 < p < 1 and df > 0 (Infinity: normal). */
export function tQuantile(p: number, df: number): number {
  checkProbability(p);
  if (!(df > 0)) throw new RangeError(`degrees of freedom must be > 0, got ${df}`);
  if (p === 0.5) return 0;
  if (p < 0.5) return -tQuantile(1 - p, df);
  if (!Number.isFinite(df)) return normalQuantile(p);
  // Closed forms (the Cauchy distribution and df = 2).
  if (df === 1) return Math.tan(Math.PI * (p - 0.5));
  if (df === 2) return (2 * p - 1) / Math.sqrt(2 * p * (1 - p));
  const z = normalQuantile(p);
  const guess = cornishFisher(z, df);
  if (df > CORNISH_FISHER_DF) return guess;
  // Newton on g(t) = P(T > t) − q, which is convex and decreasing for t > 0; the bracket [lo, hi]
  // catches steps that a heavy tail would send out of range.
  const q = 1 - p;
  let lo = 0;
  let hi = Number.POSITIVE_INFINITY;
  let t = guess > 0 ? guess : z;
  for (let i = 0; i < 200; i++) {
    const g = tUpperTail(t, df) - q;
    if (g === 0) return t;
    if (g > 0) lo = t;
    else hi = t;
    let next = t + g / tDensity(t, df);
    if (!(next > lo && next < hi)) next = Number.isFinite(hi) ? (lo + hi) / 2 : Math.max(2 * t, 1);
    if (Math.abs(next - t) <= 1e-15 * Math.max(1, Math.abs(t))) return next;
    t = next;
  }
  return t;
}
