/**
 * Regression gates on same-run ratios (never absolute times: these machines are noisy). A
 * measurement is the best of several tries; a gate fails when the ratio is worse than its bound.
 */
export interface Measurement {
  readonly benchmark: string;
  readonly metric: string;
  readonly value: number;
  readonly unit: string;
}

export interface RatioGate {
  /** Numerator benchmark (same metric). */
  readonly benchmark: string;
  /** Denominator benchmark measured in the same run. */
  readonly baseline: string;
  readonly metric: string;
  /** The ratio must be at least this (higher is better, e.g. events/s). */
  readonly min: number;
  readonly why: string;
}

export interface GateResult {
  readonly gate: RatioGate;
  readonly ratio: number | null;
  readonly passed: boolean;
}

/** The best value of a (benchmark, metric) over repeated tries (higher is better). */
export function best(measurements: readonly Measurement[], benchmark: string, metric: string): number | null {
  let out: number | null = null;
  for (const m of measurements) {
    if (m.benchmark === benchmark && m.metric === metric && (out === null || m.value > out)) out = m.value;
  }
  return out;
}

/**
 * Evaluates every gate on the best ratio over the tries: each try's numerator is divided by the
 * same try's denominator, so a slow moment of the machine hits both.
 */
export function evaluateGates(tries: readonly (readonly Measurement[])[], gates: readonly RatioGate[]): GateResult[] {
  return gates.map((gate) => {
    let bestRatio: number | null = null;
    for (const t of tries) {
      const num = best(t, gate.benchmark, gate.metric);
      const den = best(t, gate.baseline, gate.metric);
      if (num === null || den === null || den === 0) continue;
      const ratio = num / den;
      if (bestRatio === null || ratio > bestRatio) bestRatio = ratio;
    }
    return { gate, ratio: bestRatio, passed: bestRatio !== null && bestRatio >= gate.min };
  });
}

/** The committed gates. */
export const GATES: readonly RatioGate[] = [
  {
    benchmark: "core-loop-10k",
    baseline: "baseline-heap-10k",
    metric: "events_per_s",
    min: 0.6,
    why: "the event loop must stay within 60 % of a bare typed-array heap (issue: ≈3 M events/s)",
  },
  {
    benchmark: "core-loop-1m",
    baseline: "baseline-heap-1m",
    metric: "events_per_s",
    min: 0.5,
    why: "the loop must not fall apart with a million pending events",
  },
  {
    benchmark: "rng-alea",
    baseline: "rng-math-random",
    metric: "draws_per_s",
    min: 0.5,
    why: "named streams must stay close to Math.random per draw",
  },
];
