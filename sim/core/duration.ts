/**
 * Durations as scenarios write them: Go's `time.ParseDuration` syntax (`500ms`, `1m30s`, `1.5h`),
 * the same strings a Kubernetes user types for `--node-monitor-grace-period` or a KWOK stage.
 *
 * Left out on purpose: negative durations (no kubesim duration is negative, so `-1s` is a typo
 * worth reporting) and bare numbers other than `0` (is `5` seconds or milliseconds? Go refuses to
 * guess and so do we). Values are exact: the digits are summed as a fraction with BigInt and
 * rounded once to the microsecond, so `0.1s + 0.2s` style float drift cannot shift event order.
 */
import { MICROS_PER_MS, MICROS_PER_SECOND, type Time } from "./time.ts";

/** A duration that does not parse; the message says which text and what was wrong. */
export class DurationError extends Error {
  override name = "DurationError";
}

/** Nanoseconds per unit, as in Go's `unitMap` (src/time/format.go). Both micro signs are Go's. */
const NANOS_PER_UNIT: ReadonlyMap<string, bigint> = new Map([
  ["ns", 1n],
  ["us", 1_000n],
  ["µs", 1_000n], // U+00B5 micro sign
  ["μs", 1_000n], // U+03BC Greek small letter mu
  ["ms", 1_000_000n],
  ["s", 1_000_000_000n],
  ["m", 60_000_000_000n],
  ["h", 3_600_000_000_000n],
]);

const VALID_UNITS = "ns, us, ms, s, m, h";
const MAX_TIME = BigInt(Number.MAX_SAFE_INTEGER);

function fail(text: string, problem: string): never {
  throw new DurationError(`invalid duration ${JSON.stringify(text)}: ${problem}`);
}

function isDigit(c: string): boolean {
  return c >= "0" && c <= "9";
}

/**
 * Parses a Go duration string into virtual time (microseconds). Sub-microsecond remainders round
 * to the nearest microsecond, half up, as `seconds()` and `millis()` do: `1500ns` is 2µs.
 *
 * Grammar, as Go's: an optional `+`, then one or more `<digits>[.<digits>]<unit>` (at least one
 * digit on either side of the point), or the lone `0`.
 */
export function parseDuration(text: string): Time {
  if (text === "") fail(text, "empty");
  let i = 0;
  if (text[0] === "-") fail(text, "must not be negative");
  if (text[0] === "+") i = 1;
  if (text.slice(i) === "0") return 0;
  if (i === text.length) fail(text, `expected a number after "+"`);

  // The running total is numerator / 10^scale nanoseconds, exact whatever the fraction length.
  let numerator = 0n;
  let scale = 0;
  while (i < text.length) {
    const start = i;
    while (i < text.length && isDigit(text[i])) i++;
    const whole = text.slice(start, i);
    let fraction = "";
    if (text[i] === ".") {
      i++;
      const fractionStart = i;
      while (i < text.length && isDigit(text[i])) i++;
      fraction = text.slice(fractionStart, i);
    }
    if (whole === "" && fraction === "") fail(text, `expected a number at ${JSON.stringify(text.slice(start))}`);

    const unitStart = i;
    while (i < text.length && text[i] !== "." && !isDigit(text[i])) i++;
    const unit = text.slice(unitStart, i);
    if (unit === "") {
      // The unit scan stops only at the end, a digit (impossible right after a number) or a '.'.
      if (i === text.length) fail(text, "missing unit (use e.g. 5s or 500ms)");
      fail(text, `unexpected "." in ${JSON.stringify(text.slice(unitStart))}`);
    }
    const nanosPerUnit = NANOS_PER_UNIT.get(unit);
    if (nanosPerUnit === undefined) fail(text, `unknown unit ${JSON.stringify(unit)} (valid: ${VALID_UNITS})`);

    const term = BigInt(whole + fraction) * nanosPerUnit;
    if (fraction.length > scale) {
      numerator *= 10n ** BigInt(fraction.length - scale);
      scale = fraction.length;
    }
    numerator += term * 10n ** BigInt(scale - fraction.length);
  }

  // Nanoseconds to microseconds is three more decimal places; round half up.
  const denominator = 10n ** BigInt(scale + 3);
  const micros = (2n * numerator + denominator) / (2n * denominator);
  if (micros > MAX_TIME) fail(text, "too large (the limit is 2^53-1 µs, about 285 years)");
  return Number(micros);
}

/**
 * A duration as it arrives from parsed YAML: a string, or a number, which is read as its decimal
 * text so that `0` is zero and `5` is refused for its missing unit exactly as `"5"` is.
 */
export function parseDurationValue(value: unknown): Time {
  if (typeof value === "string") return parseDuration(value);
  if (typeof value === "number" && Number.isFinite(value)) return parseDuration(String(value));
  const shown = value === null || value === undefined ? String(value) : typeof value;
  throw new DurationError(`invalid duration: expected a string such as "5s" or "500ms", got ${shown}`);
}

/** `value / unit` with the fraction written out and trailing zeros dropped: (1500, 1000) → "1.5". */
function decimal(value: number, unit: number, fractionDigits: number): string {
  const whole = Math.floor(value / unit);
  const rest = value - whole * unit;
  if (rest === 0) return String(whole);
  return `${whole}.${String(rest).padStart(fractionDigits, "0").replace(/0+$/, "")}`;
}

/**
 * The shortest Go-style spelling of a span that `parseDuration` reads back to the same value:
 * `0s`, `250us`, `1.5ms`, `500ms`, `1.25s`, `1m30s`, `1h`, `1h0.5s`. Unlike Go's
 * `Duration.String()` it drops zero components (`1h`, not `1h0m0s`) because scenarios and
 * reports are read by people. Negative spans (differences of instants) get a leading `-`.
 */
export function formatDuration(t: Time): string {
  if (!Number.isSafeInteger(t)) {
    throw new RangeError(`formatDuration: expected a whole number of microseconds, got ${t}`);
  }
  if (t < 0) return `-${formatDuration(-t)}`;
  if (t === 0) return "0s";
  if (t < MICROS_PER_MS) return `${t}us`;
  if (t < MICROS_PER_SECOND) return `${decimal(t, MICROS_PER_MS, 3)}ms`;
  const hours = Math.floor(t / (3600 * MICROS_PER_SECOND));
  const minutes = Math.floor((t - hours * 3600 * MICROS_PER_SECOND) / (60 * MICROS_PER_SECOND));
  const rest = t - hours * 3600 * MICROS_PER_SECOND - minutes * 60 * MICROS_PER_SECOND;
  let out = "";
  if (hours > 0) out += `${hours}h`;
  if (minutes > 0) out += `${minutes}m`;
  if (rest > 0) out += `${decimal(rest, MICROS_PER_SECOND, 6)}s`;
  return out;
}
