import { suite } from "uvu";
import * as assert from "uvu/assert";
import { evaluateGates, type Measurement, type RatioGate } from "../../bench/thresholds.ts";

const t = suite("bench --check: gates on same-run ratios, best of several tries");

const gate: RatioGate = { benchmark: "core", baseline: "bare", metric: "events_per_s", min: 0.6, why: "" };
const m = (benchmark: string, value: number): Measurement => ({ benchmark, metric: "events_per_s", value, unit: "1/s" });

t("passes when the best try's ratio reaches the bound", () => {
  // tries: 2.0/4.0 = 0.5, 2.6/4.0 = 0.65 → best 0.65 ≥ 0.6
  const [r] = evaluateGates([[m("core", 2.0), m("bare", 4.0)], [m("core", 2.6), m("bare", 4.0)]], [gate]);
  assert.ok(r.passed);
  assert.is(r.ratio, 0.65);
});

t("fails on a deliberately slowed build (every try below the bound)", () => {
  // a build twice as slow: 1.3/4.0 = 0.325, 1.2/3.9 ≈ 0.31
  const [r] = evaluateGates([[m("core", 1.3), m("bare", 4.0)], [m("core", 1.2), m("bare", 3.9)]], [gate]);
  assert.not.ok(r.passed);
  assert.is(r.ratio, 0.325);
});

t("ratios are taken within a try, so a slow machine moment hits both sides", () => {
  // try 1 on a busy machine: both halved; ratio unchanged 0.7
  const [r] = evaluateGates([[m("core", 1.4), m("bare", 2.0)]], [gate]);
  assert.ok(r.passed);
  assert.is(r.ratio, 0.7);
});

t("a missing measurement fails the gate instead of passing silently", () => {
  const [r] = evaluateGates([[m("core", 3.0)]], [gate]);
  assert.not.ok(r.passed);
  assert.is(r.ratio, null);
});

t.run();
