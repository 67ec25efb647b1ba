/**
 * Random durations (SPEC §3): how long an image pull, a container start or an endpoint update
 * takes. Each distribution turns ONE uniform draw into a whole number of microseconds by its
 * inverse CDF, for every kind, the constant included. Two reasons:
 *  - stream consumption never depends on the shape, so a strategy that swaps `5s` for
 *    `{uniform: {min: 4s, max: 6s}}` leaves every later draw on that stream where it was
 *    (common random numbers survive a change of distribution);
 *  - the same uniform maps to the same quantile, so a change of parameters moves each sample
 *    monotonically instead of reshuffling them, which keeps paired comparisons sharp.
 *
 * Left out: correlation between draws, distributions with parameters that change over virtual
 * time, and rejection samplers (their draw count per sample is random).
 */
import { formatDuration, parseDurationValue } from "./duration.ts";
import type { RandomSource } from "./rng.ts";
import type { Time } from "./time.ts";

/** Every `sample()` of every kind consumes exactly this many draws from its source. */
export const DRAWS_PER_SAMPLE = 1;

/** A distribution that cannot be built: bad parameters, or a YAML shape that is not one. */
export class DistributionError extends Error {
  override name = "DistributionError";
}

export type DistributionKind =
  | "constant"
  | "uniform"
  | "exponential"
  | "normal"
  | "lognormal"
  | "delay+jitter"
  | "empirical";

export interface Distribution {
  readonly kind: DistributionKind;
  /** One sample in whole microseconds, never negative; consumes exactly `DRAWS_PER_SAMPLE` draws. */
  sample(rng: RandomSource): Time;
  /** The analytic mean in microseconds (a float), for tests and reports. */
  mean(): number;
  /** The distribution in the YAML flow syntax that `parseDistribution` reads back. */
  describe(): string;
}

/** The YAML shapes `parseDistribution` accepts, with durations as strings (`"5s"`). */
export type DistributionSpec =
  | string
  | { constant: string }
  | { uniform: { min: string; max: string } }
  | { exponential: { mean: string } }
  | { normal: { mean: string; stddev: string } }
  | { lognormal: { median: string; p99: string } }
  | { delay: string; jitter: string }
  | { empirical: string[] };

// ---------------------------------------------------------------------------------------------
// The standard normal: Φ through erfc, Φ⁻¹ by Acklam's approximation refined once with Halley.

/** Φ⁻¹(0.99) as scipy gives it: a lognormal's p99 sits this many sigmas above its median. */
export const Z_99 = 2.3263478740408408;

const SQRT_2PI = Math.sqrt(2 * Math.PI);

// erfc coefficients of FreeBSD msun s_erf.c (Sun Microsystems, freely redistributable), as
// carried by Go's src/math/erf.go; accurate to within an ulp or so over the whole line. Each
// literal is the shortest decimal that reads back to the same double as the 21-digit original.
const ERX = 0.8450629115104675;
const PP0 = 0.12837916709551256;
const PP1 = -0.3250421072470015;
const PP2 = -0.02848174957559851;
const PP3 = -0.005770270296489442;
const PP4 = -0.000023763016656650163;
const QQ1 = 0.39791722395915535;
const QQ2 = 0.0650222499887673;
const QQ3 = 0.005081306281875766;
const QQ4 = 0.00013249473800432164;
const QQ5 = -0.000003960228278775368;
const PA0 = -0.0023621185607526594;
const PA1 = 0.41485611868374833;
const PA2 = -0.3722078760357013;
const PA3 = 0.31834661990116175;
const PA4 = -0.11089469428239668;
const PA5 = 0.035478304325618236;
const PA6 = -0.002166375594868791;
const QA1 = 0.10642088040084423;
const QA2 = 0.540397917702171;
const QA3 = 0.07182865441419627;
const QA4 = 0.12617121980876164;
const QA5 = 0.01363708391202905;
const QA6 = 0.011984499846799107;
const RA0 = -0.009864944034847148;
const RA1 = -0.6938585727071818;
const RA2 = -10.558626225323291;
const RA3 = -62.375332450326006;
const RA4 = -162.39666946257347;
const RA5 = -184.60509290671104;
const RA6 = -81.2874355063066;
const RA7 = -9.814329344169145;
const SA1 = 19.651271667439257;
const SA2 = 137.65775414351904;
const SA3 = 434.56587747522923;
const SA4 = 645.3872717332679;
const SA5 = 429.00814002756783;
const SA6 = 108.63500554177944;
const SA7 = 6.570249770319282;
const SA8 = -0.0604244152148581;
const RB0 = -0.0098649429247001;
const RB1 = -0.799283237680523;
const RB2 = -17.757954917754752;
const RB3 = -160.63638485582192;
const RB4 = -637.5664433683896;
const RB5 = -1025.0951316110772;
const RB6 = -483.5191916086514;
const SB1 = 30.33806074348246;
const SB2 = 325.7925129965739;
const SB3 = 1536.729586084437;
const SB4 = 3199.8582195085955;
const SB5 = 2553.0504064331644;
const SB6 = 474.52854120695537;
const SB7 = -22.44095244658582;

/**
 * The complementary error function, accurate in both tails. Φ is computed through it rather than
 * through erf because `1 - erf(x)` loses every significant digit once erf(x) rounds to 1.
 */
export function erfc(x: number): number {
  if (Number.isNaN(x)) return Number.NaN;
  const negative = x < 0;
  const a = Math.abs(x);
  if (a < 0.84375) {
    let t: number;
    if (a < 2 ** -56) {
      t = a;
    } else {
      const z = a * a;
      const r = PP0 + z * (PP1 + z * (PP2 + z * (PP3 + z * PP4)));
      const s = 1 + z * (QQ1 + z * (QQ2 + z * (QQ3 + z * (QQ4 + z * QQ5))));
      const y = r / s;
      t = a < 0.25 ? a + a * y : 0.5 + (a * y + (a - 0.5));
    }
    return negative ? 1 + t : 1 - t;
  }
  if (a < 1.25) {
    const s = a - 1;
    const p = PA0 + s * (PA1 + s * (PA2 + s * (PA3 + s * (PA4 + s * (PA5 + s * PA6)))));
    const q = 1 + s * (QA1 + s * (QA2 + s * (QA3 + s * (QA4 + s * (QA5 + s * QA6)))));
    return negative ? 1 + ERX + p / q : 1 - ERX - p / q;
  }
  if (a < 28) {
    if (negative && a > 6) return 2;
    const s = 1 / (a * a);
    let r: number;
    let q: number;
    if (a < 1 / 0.35) {
      r = RA0 + s * (RA1 + s * (RA2 + s * (RA3 + s * (RA4 + s * (RA5 + s * (RA6 + s * RA7))))));
      q = 1 + s * (SA1 + s * (SA2 + s * (SA3 + s * (SA4 + s * (SA5 + s * (SA6 + s * (SA7 + s * SA8)))))));
    } else {
      r = RB0 + s * (RB1 + s * (RB2 + s * (RB3 + s * (RB4 + s * (RB5 + s * RB6)))));
      q = 1 + s * (SB1 + s * (SB2 + s * (SB3 + s * (SB4 + s * (SB5 + s * (SB6 + s * SB7))))));
    }
    // exp(-a²) split so that z² is exact: z keeps 24 significant bits, z·z fits in 53.
    const z = Math.fround(a);
    const e = (Math.exp(-z * z - 0.5625) * Math.exp((z - a) * (z + a) + r / q)) / a;
    return negative ? 2 - e : e;
  }
  return negative ? 2 : 0;
}

/** Φ(x), the standard normal CDF; relative accuracy holds deep into the lower tail. */
export function standardNormalCdf(x: number): number {
  return 0.5 * erfc(-x / Math.SQRT2);
}

// Peter J. Acklam's rational approximation of Φ⁻¹ (relative error below 1.15e-9).
const A0 = -3.969683028665376e1;
const A1 = 2.209460984245205e2;
const A2 = -2.759285104469687e2;
const A3 = 1.38357751867269e2;
const A4 = -3.066479806614716e1;
const A5 = 2.506628277459239;
const B0 = -5.447609879822406e1;
const B1 = 1.615858368580409e2;
const B2 = -1.556989798598866e2;
const B3 = 6.680131188771972e1;
const B4 = -1.328068155288572e1;
const C0 = -7.784894002430293e-3;
const C1 = -3.223964580411365e-1;
const C2 = -2.400758277161838;
const C3 = -2.549732539343734;
const C4 = 4.374664141464968;
const C5 = 2.938163982698783;
const D0 = 7.784695709041462e-3;
const D1 = 3.224671290700398e-1;
const D2 = 2.445134137142996;
const D3 = 3.754408661907416;
const P_LOW = 0.02425;

/**
 * Φ⁻¹(p), the standard normal quantile, to near double precision: Acklam's approximation, then
 * one Halley step against the accurate Φ. Φ⁻¹(0) = -∞ and Φ⁻¹(1) = +∞.
 */
export function standardNormalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) {
    if (p === 0) return Number.NEGATIVE_INFINITY;
    if (p === 1) return Number.POSITIVE_INFINITY;
    return Number.NaN;
  }
  // Work in the lower half, where p carries full relative precision; for p ≥ 0.5, 1 - p is exact.
  if (p > 0.5) return -standardNormalQuantile(1 - p);
  let x: number;
  if (p < P_LOW) {
    const q = Math.sqrt(-2 * Math.log(p));
    x = (((((C0 * q + C1) * q + C2) * q + C3) * q + C4) * q + C5) / ((((D0 * q + D1) * q + D2) * q + D3) * q + 1);
  } else {
    const q = p - 0.5;
    const r = q * q;
    x =
      ((((((A0 * r + A1) * r + A2) * r + A3) * r + A4) * r + A5) * q) /
      (((((B0 * r + B1) * r + B2) * r + B3) * r + B4) * r + 1);
  }
  const e = standardNormalCdf(x) - p;
  const u = e * SQRT_2PI * Math.exp((x * x) / 2);
  const refined = x - u / (1 + (x * u) / 2);
  // exp(x²/2) overflows only for p below ~1e-300, where Acklam's x is already the best we have.
  return Number.isFinite(refined) ? refined : x;
}

/** The standard normal density φ(x). */
function standardNormalPdf(x: number): number {
  return Math.exp((-x * x) / 2) / SQRT_2PI;
}

// ---------------------------------------------------------------------------------------------
// The distributions.

/** Rounds a non-negative float to whole microseconds within the safe-integer range of Time. */
function toTime(x: number): Time {
  if (!(x >= 0.5)) return 0; // also catches NaN and -0, which Math.round would keep
  if (x >= Number.MAX_SAFE_INTEGER) return Number.MAX_SAFE_INTEGER;
  return Math.round(x);
}

function invariant(condition: boolean, message: string): asserts condition {
  if (!condition) throw new DistributionError(message);
}

/** Parameters are virtual times: whole, non-negative microseconds. */
function requireTime(kind: string, field: string, value: number): void {
  invariant(
    Number.isSafeInteger(value) && value >= 0,
    `${kind}: ${field} must be a non-negative whole number of microseconds, got ${value}`,
  );
}

/** Always `value`; still consumes its one draw so that the stream stays aligned (see top). */
export class ConstantDistribution implements Distribution {
  readonly kind = "constant";
  readonly value: Time;

  constructor(value: Time) {
    requireTime("constant", "value", value);
    this.value = value;
  }

  sample(rng: RandomSource): Time {
    rng.next();
    return this.value;
  }

  mean(): number {
    return this.value;
  }

  describe(): string {
    return formatDuration(this.value);
  }
}

/** Uniform on [min, max]: `min + u·(max − min)`, rounded. */
export class UniformDistribution implements Distribution {
  readonly kind = "uniform";
  readonly min: Time;
  readonly max: Time;

  constructor(params: { readonly min: Time; readonly max: Time }) {
    requireTime("uniform", "min", params.min);
    requireTime("uniform", "max", params.max);
    invariant(
      params.min <= params.max,
      `uniform: min (${formatDuration(params.min)}) must be less than or equal to max (${formatDuration(params.max)})`,
    );
    this.min = params.min;
    this.max = params.max;
  }

  sample(rng: RandomSource): Time {
    return toTime(this.min + rng.next() * (this.max - this.min));
  }

  mean(): number {
    return (this.min + this.max) / 2;
  }

  describe(): string {
    return `{uniform: {min: ${formatDuration(this.min)}, max: ${formatDuration(this.max)}}}`;
  }
}

/** Exponential with the given mean: `−mean·ln(1 − u)`; memoryless, e.g. time to a crash. */
export class ExponentialDistribution implements Distribution {
  readonly kind = "exponential";
  readonly meanTime: Time;

  constructor(params: { readonly mean: Time }) {
    requireTime("exponential", "mean", params.mean);
    invariant(params.mean > 0, `exponential: mean must be greater than 0 (got ${formatDuration(params.mean)})`);
    this.meanTime = params.mean;
  }

  sample(rng: RandomSource): Time {
    // log1p keeps precision for small u, where 1 − u would round away the low bits.
    return toTime(-this.meanTime * Math.log1p(-rng.next()));
  }

  mean(): number {
    return this.meanTime;
  }

  describe(): string {
    return `{exponential: {mean: ${formatDuration(this.meanTime)}}}`;
  }
}

/**
 * Normal(mean, stddev) conditioned on being ≥ 0, by inverse CDF over the part above 0:
 * with α = −mean/stddev, u' = Φ(α) + u·(1 − Φ(α)) and x = mean + stddev·Φ⁻¹(u').
 * For u ≥ ½ the same point is computed from the upper side, 1 − u' = (1 − u)·Φ(−α), which is
 * exact in floating point where u' itself would round to 1 and send Φ⁻¹ to infinity.
 */
export class NormalDistribution implements Distribution {
  readonly kind = "normal";
  readonly meanTime: Time;
  readonly stddev: Time;
  /** Φ(α): the mass of the untruncated normal below 0, cut away. */
  readonly #massBelowZero: number;
  /** Φ(−α) = 1 − Φ(α), computed directly so it keeps its precision. */
  readonly #massAboveZero: number;

  constructor(params: { readonly mean: Time; readonly stddev: Time }) {
    requireTime("normal", "mean", params.mean);
    requireTime("normal", "stddev", params.stddev);
    this.meanTime = params.mean;
    this.stddev = params.stddev;
    const alpha = params.stddev > 0 ? -params.mean / params.stddev : Number.NEGATIVE_INFINITY;
    this.#massBelowZero = standardNormalCdf(alpha);
    this.#massAboveZero = standardNormalCdf(-alpha);
  }

  sample(rng: RandomSource): Time {
    const u = rng.next();
    if (this.stddev === 0) return this.meanTime;
    if (u < 0.5) {
      return toTime(this.meanTime + this.stddev * standardNormalQuantile(this.#massBelowZero + u * this.#massAboveZero));
    }
    return toTime(this.meanTime - this.stddev * standardNormalQuantile((1 - u) * this.#massAboveZero));
  }

  /** The truncated-normal mean: mean + stddev·φ(α)/(1 − Φ(α)). */
  mean(): number {
    if (this.stddev === 0) return this.meanTime;
    const alpha = -this.meanTime / this.stddev;
    return this.meanTime + (this.stddev * standardNormalPdf(alpha)) / this.#massAboveZero;
  }

  describe(): string {
    return `{normal: {mean: ${formatDuration(this.meanTime)}, stddev: ${formatDuration(this.stddev)}}}`;
  }
}

/**
 * Lognormal given by its median and 99th percentile, the two numbers people quote for latency:
 * μ = ln(median), σ = ln(p99/median)/Φ⁻¹(0.99), sample = median·exp(σ·Φ⁻¹(u)).
 * When p99 equals the median σ is 0 and every sample is the median.
 */
export class LognormalDistribution implements Distribution {
  readonly kind = "lognormal";
  readonly median: Time;
  readonly p99: Time;
  readonly sigma: number;

  constructor(params: { readonly median: Time; readonly p99: Time }) {
    requireTime("lognormal", "median", params.median);
    requireTime("lognormal", "p99", params.p99);
    invariant(params.median > 0, `lognormal: median must be greater than 0 (got ${formatDuration(params.median)})`);
    invariant(
      params.p99 >= params.median,
      `lognormal: p99 (${formatDuration(params.p99)}) must be greater than or equal to median (${formatDuration(params.median)})`,
    );
    this.median = params.median;
    this.p99 = params.p99;
    this.sigma = Math.log(params.p99 / params.median) / Z_99;
  }

  sample(rng: RandomSource): Time {
    const u = rng.next();
    if (this.sigma === 0) return this.median;
    return toTime(this.median * Math.exp(this.sigma * standardNormalQuantile(u)));
  }

  /** median·exp(σ²/2). */
  mean(): number {
    return this.median * Math.exp((this.sigma * this.sigma) / 2);
  }

  describe(): string {
    return `{lognormal: {median: ${formatDuration(this.median)}, p99: ${formatDuration(this.p99)}}}`;
  }
}

/**
 * `delay + u·jitter`: a fixed delay plus a uniform extra of up to `jitter`, KWOK's stage delay.
 * Note that here `jitter` is the WIDTH of the extra, where KWOK's `jitterDurationMilliseconds`
 * is the upper END (KWOK draws from [duration, jitterDuration)); KWOK's
 * `{durationMilliseconds: 1000, jitterDurationMilliseconds: 5000}` is `{delay: 1s, jitter: 4s}`.
 */
export class DelayJitterDistribution implements Distribution {
  readonly kind = "delay+jitter";
  readonly delay: Time;
  readonly jitter: Time;

  constructor(params: { readonly delay: Time; readonly jitter: Time }) {
    requireTime("delay+jitter", "delay", params.delay);
    requireTime("delay+jitter", "jitter", params.jitter);
    this.delay = params.delay;
    this.jitter = params.jitter;
  }

  sample(rng: RandomSource): Time {
    return toTime(this.delay + rng.next() * this.jitter);
  }

  mean(): number {
    return this.delay + this.jitter / 2;
  }

  describe(): string {
    return `{delay: ${formatDuration(this.delay)}, jitter: ${formatDuration(this.jitter)}}`;
  }
}

/**
 * Resamples observed durations, each equally likely. The values are kept sorted so that the
 * draw `u` picks the (⌊u·n⌋+1)-th smallest: the empirical inverse CDF, which keeps the
 * monotone coupling between u and the sample that the other kinds have.
 */
export class EmpiricalDistribution implements Distribution {
  readonly kind = "empirical";
  readonly values: readonly Time[];
  readonly #mean: number;

  constructor(values: readonly Time[]) {
    invariant(values.length > 0, "empirical: needs at least one value");
    for (let i = 0; i < values.length; i++) requireTime("empirical", `value ${i}`, values[i]);
    this.values = Object.freeze([...values].sort((a, b) => a - b));
    this.#mean = this.values.reduce((sum, v) => sum + v, 0) / this.values.length;
  }

  sample(rng: RandomSource): Time {
    return this.values[Math.floor(rng.next() * this.values.length)];
  }

  mean(): number {
    return this.#mean;
  }

  describe(): string {
    return `{empirical: [${this.values.map(formatDuration).join(", ")}]}`;
  }
}

// ---------------------------------------------------------------------------------------------
// The YAML shape.

const KINDS = ["constant", "uniform", "exponential", "normal", "lognormal", "empirical"] as const;
const VALID_SHAPES = `a duration such as 5s, or one of ${KINDS.join(", ")}, or delay + jitter`;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A short rendering of a YAML value for error messages. */
function show(value: unknown): string {
  if (value === undefined) return "nothing";
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch {
    text = undefined;
  }
  if (text === undefined) return typeof value;
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** A duration field; `path` is undefined for a bare top-level duration, whose error needs no prefix. */
function duration(path: string | undefined, value: unknown): Time {
  if (value === undefined) throw new DistributionError(`${path}: missing`);
  try {
    return parseDurationValue(value);
  } catch (error) {
    const message = (error as Error).message;
    throw new DistributionError(path === undefined ? message : `${path}: ${message}`, { cause: error });
  }
}

/** The named duration fields of `{kind: {a: D, b: D}}`, each required, no others allowed. */
function fields<const F extends string>(kind: string, value: unknown, names: readonly F[]): Record<F, Time> {
  const example = `{${names.map((n) => `${n}: <duration>`).join(", ")}}`;
  if (!isRecord(value)) throw new DistributionError(`${kind}: expected ${example}, got ${show(value)}`);
  for (const key of Object.keys(value)) {
    if (!(names as readonly string[]).includes(key)) {
      throw new DistributionError(`${kind}: unknown field ${JSON.stringify(key)} (valid: ${names.join(", ")})`);
    }
  }
  const out = {} as Record<F, Time>;
  for (const name of names) out[name] = duration(`${kind}.${name}`, value[name]);
  return out;
}

/**
 * Builds a distribution from its YAML form (SPEC §3): a duration string is a constant; otherwise
 * an object with exactly one of the kind keys, or the pair `delay` + `jitter`. Errors name the
 * field (`uniform.min: invalid duration "x": ...`); callers prefix their own path.
 */
export function parseDistribution(spec: unknown): Distribution {
  if (!isRecord(spec)) {
    if (typeof spec === "string" || typeof spec === "number") {
      return new ConstantDistribution(duration(undefined, spec));
    }
    throw new DistributionError(`expected ${VALID_SHAPES}; got ${show(spec)}`);
  }
  const keys = Object.keys(spec);
  if ("delay" in spec || "jitter" in spec) {
    const extra = keys.filter((k) => k !== "delay" && k !== "jitter");
    if (extra.length > 0) {
      throw new DistributionError(
        `delay + jitter: unexpected ${extra.map((k) => JSON.stringify(k)).join(", ")} alongside them`,
      );
    }
    if (!("jitter" in spec)) {
      throw new DistributionError("delay: missing jitter (write {delay: 1s, jitter: 0s} for none, or just 1s)");
    }
    if (!("delay" in spec)) throw new DistributionError("jitter: missing delay (write {delay: 0s, jitter: 1s})");
    return new DelayJitterDistribution({ delay: duration("delay", spec.delay), jitter: duration("jitter", spec.jitter) });
  }
  if (keys.length !== 1) {
    if (keys.length === 0) throw new DistributionError(`expected ${VALID_SHAPES}; got {}`);
    throw new DistributionError(`expected exactly one distribution kind, got ${keys.join(" and ")}`);
  }
  const kind = keys[0];
  const value = spec[kind];
  switch (kind) {
    case "constant":
      return new ConstantDistribution(duration("constant", value));
    case "uniform":
      return new UniformDistribution(fields("uniform", value, ["min", "max"]));
    case "exponential":
      return new ExponentialDistribution(fields("exponential", value, ["mean"]));
    case "normal":
      return new NormalDistribution(fields("normal", value, ["mean", "stddev"]));
    case "lognormal":
      return new LognormalDistribution(fields("lognormal", value, ["median", "p99"]));
    case "empirical": {
      if (!Array.isArray(value)) {
        throw new DistributionError(`empirical: expected a list of durations such as [1s, 2s], got ${show(value)}`);
      }
      return new EmpiricalDistribution(value.map((v, i) => duration(`empirical[${i}]`, v)));
    }
    default:
      throw new DistributionError(`unknown distribution ${JSON.stringify(kind)} (valid: ${KINDS.join(", ")}, delay + jitter)`);
  }
}
