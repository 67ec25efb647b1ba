/**
 * Virtual time. An instant or a span is an integer number of microseconds, never a float
 * compared with a tolerance: equal instants are exactly equal, so event order is exact.
 * Microseconds leave headroom (2^53 µs ≈ 285 years) and resolve request service times.
 */
export type Time = number;

export const MICROS_PER_MS = 1_000;
export const MICROS_PER_SECOND = 1_000_000;

/** Whole seconds or fractional seconds → virtual time (rounded to the microsecond). */
export function seconds(s: number): Time {
  return Math.round(s * MICROS_PER_SECOND);
}

/** Milliseconds → virtual time (rounded to the microsecond). */
export function millis(ms: number): Time {
  return Math.round(ms * MICROS_PER_MS);
}

/** Virtual time → seconds as a float, for reports. */
export function toSeconds(t: Time): number {
  return t / MICROS_PER_SECOND;
}

/**
 * Kubernetes stores metav1.Time with whole-second precision (creationTimestamp,
 * deletionTimestamp, condition lastTransitionTime), so comparisons against them floor.
 */
export function floorToSecond(t: Time): Time {
  return Math.floor(t / MICROS_PER_SECOND) * MICROS_PER_SECOND;
}
