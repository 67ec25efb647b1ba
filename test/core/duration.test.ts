import * as fc from "fast-check";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { DurationError, formatDuration, parseDuration, parseDurationValue } from "../../sim/core/duration.ts";

const t = suite("durations: Go syntax parsed to microseconds and formatted back");

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

// Each value worked by hand: 1 s = 1_000_000 µs, 1 m = 60 s, 1 h = 3600 s.
const valid: [string, number][] = [
  ["0", 0],
  ["+0", 0],
  ["0s", 0],
  ["500ms", 500_000],
  ["5s", 5_000_000],
  ["+5s", 5_000_000],
  ["1m30s", 90_000_000],
  ["1h30m", 5_400_000_000],
  ["1.5h", 5_400_000_000],
  ["2h45m", 9_900_000_000],
  ["100h", 360_000_000_000],
  ["0.1h", 360_000_000],
  [".5s", 500_000],
  ["1.s", 1_000_000],
  ["0.3s", 300_000], // 0.1 + 0.2 style float error would give 300000.00000000006 before rounding
  ["1.1s", 1_100_000],
  ["250us", 250],
  ["250\u00b5s", 250], // micro sign
  ["250\u03bcs", 250], // Greek mu
  ["0.000001s", 1],
  ["1s1s", 2_000_000], // Go allows a unit to repeat
  ["1h2m3s4ms5us", 3_723_004_005],
  // Sub-microsecond remainders round to the nearest µs, half up.
  ["1500ns", 2],
  ["1499ns", 1],
  ["500ns", 1],
  ["499ns", 0],
  ["1.0000005s", 1_000_001],
  ["1h2m3s4ms5us6ns", 3_723_004_005],
  // Exact decimal arithmetic: 21 fractional digits do not perturb the result.
  ["3.000000000000000000001s", 3_000_000],
  ["2501h", 9_003_600_000_000], // 2501 h in ns exceeds 2^53; the BigInt sum does not care
];

t("valid durations parse to exact microseconds", () => {
  for (const [text, micros] of valid) assert.is(parseDuration(text), micros, text);
});

const invalid: [string, string][] = [
  ["", 'invalid duration "": empty'],
  ["5", 'invalid duration "5": missing unit (use e.g. 5s or 500ms)'],
  ["1.5", 'invalid duration "1.5": missing unit (use e.g. 5s or 500ms)'],
  ["1s2", 'invalid duration "1s2": missing unit (use e.g. 5s or 500ms)'],
  ["5x", 'invalid duration "5x": unknown unit "x" (valid: ns, us, ms, s, m, h)'],
  ["5S", 'invalid duration "5S": unknown unit "S" (valid: ns, us, ms, s, m, h)'],
  ["1sec", 'invalid duration "1sec": unknown unit "sec" (valid: ns, us, ms, s, m, h)'],
  ["5 s", 'invalid duration "5 s": unknown unit " s" (valid: ns, us, ms, s, m, h)'],
  ["1e3s", 'invalid duration "1e3s": unknown unit "e" (valid: ns, us, ms, s, m, h)'],
  ["-1s", 'invalid duration "-1s": must not be negative'],
  ["-0s", 'invalid duration "-0s": must not be negative'],
  ["s", 'invalid duration "s": expected a number at "s"'],
  [".s", 'invalid duration ".s": expected a number at ".s"'],
  ["1h.", 'invalid duration "1h.": expected a number at "."'],
  ["+", 'invalid duration "+": expected a number after "+"'],
  ["1..5s", 'invalid duration "1..5s": unexpected "." in ".5s"'],
  ["300000000h", 'invalid duration "300000000h": too large (the limit is 2^53-1 µs, about 285 years)'],
];

t("invalid durations fail with a message naming the text and the problem", () => {
  for (const [text, message] of invalid) throwsExactly(() => parseDuration(text), DurationError, message);
});

t("DurationError is an Error with its own name", () => {
  const error = new DurationError("x");
  assert.instance(error, Error);
  assert.is(error.name, "DurationError");
});

t("YAML values: numbers read as their decimal text, so only 0 has no unit", () => {
  assert.is(parseDurationValue(0), 0);
  assert.is(parseDurationValue("90s"), 90_000_000);
  throwsExactly(() => parseDurationValue(5), DurationError, 'invalid duration "5": missing unit (use e.g. 5s or 500ms)');
  throwsExactly(() => parseDurationValue(-1), DurationError, 'invalid duration "-1": must not be negative');
  throwsExactly(
    () => parseDurationValue(true),
    DurationError,
    'invalid duration: expected a string such as "5s" or "500ms", got boolean',
  );
  throwsExactly(
    () => parseDurationValue(null),
    DurationError,
    'invalid duration: expected a string such as "5s" or "500ms", got null',
  );
  throwsExactly(
    () => parseDurationValue(Number.NaN),
    DurationError,
    'invalid duration: expected a string such as "5s" or "500ms", got number',
  );
});

const formatted: [number, string][] = [
  [0, "0s"],
  [1, "1us"],
  [250, "250us"],
  [999, "999us"],
  [1_000, "1ms"],
  [1_001, "1.001ms"],
  [1_500, "1.5ms"],
  [500_000, "500ms"],
  [1_000_000, "1s"],
  [1_250_000, "1.25s"],
  [59_999_999, "59.999999s"],
  [90_000_000, "1m30s"],
  [3_600_000_000, "1h"],
  [5_400_000_000, "1h30m"],
  [3_600_500_000, "1h0.5s"],
  [3_661_000_001, "1h1m1.000001s"],
  [-90_000_000, "-1m30s"],
];

t("formatDuration writes the shortest Go-style spelling", () => {
  for (const [micros, text] of formatted) assert.is(formatDuration(micros), text, String(micros));
});

t("formatDuration refuses a time that is not whole microseconds", () => {
  throwsExactly(
    () => formatDuration(1.5),
    RangeError,
    "formatDuration: expected a whole number of microseconds, got 1.5",
  );
  throwsExactly(
    () => formatDuration(Number.POSITIVE_INFINITY),
    RangeError,
    "formatDuration: expected a whole number of microseconds, got Infinity",
  );
});

t("property: parseDuration(formatDuration(t)) === t for every representable span", () => {
  const span = fc.oneof(
    fc.integer({ min: 0, max: 2_000_000 }), // sub-second and small: us and ms spellings
    fc.integer({ min: 0, max: 10 * 3_600_000_000 }), // h/m/s with fractions
    fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
  );
  fc.assert(
    fc.property(span, (micros) => parseDuration(formatDuration(micros)) === micros),
    { numRuns: 5_000 },
  );
});

t("property: components of any unit sum exactly", () => {
  const units: [string, number][] = [
    ["h", 3_600_000_000],
    ["m", 60_000_000],
    ["s", 1_000_000],
    ["ms", 1_000],
    ["us", 1],
  ];
  const term = fc.tuple(fc.integer({ min: 0, max: 10_000 }), fc.integer({ min: 0, max: units.length - 1 }));
  fc.assert(
    fc.property(fc.array(term, { minLength: 1, maxLength: 6 }), (terms) => {
      const text = terms.map(([n, u]) => `${n}${units[u][0]}`).join("");
      const expected = terms.reduce((sum, [n, u]) => sum + n * units[u][1], 0);
      return parseDuration(text) === expected;
    }),
    { numRuns: 2_000 },
  );
});

t.run();
