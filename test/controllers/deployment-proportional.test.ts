// Pins proportional scaling (upstream sync.go scale, GetProportion, getReplicaSetFraction) with
// hand-checked tables; the "TestScale" cases are ported from pkg/controller/deployment/sync_test.go,
// where newDeployment() defaults maxSurge and maxUnavailable to 0 (so MaxSurge() = 0 via the fencepost).
import { suite } from "uvu";
import * as assert from "uvu/assert";
import {
  type ProportionalScaleInput,
  type ScalableNewReplicaSet,
  type ScalableReplicaSet,
  compareBySizeNewer,
  compareBySizeOlder,
  isScalingEvent,
  parseReplicasAnnotation,
  planProportionalScale,
  replicaSetFraction,
  roundHalfAwayFromZero,
} from "../../sim/controllers/deployment/proportional.ts";
import { maxSurge, withDeploymentStrategyDefaults } from "../../sim/controllers/deployment/rolling-math.ts";

const t = suite("deployment proportional scaling");

const S = 1_000_000;
// sync_test.go TestScale timestamps: older 00:00, old 01:00, new 02:00
const OLDER = 0;
const OLD = 3600 * S;
const NEW = 7200 * S;

/** An RS last scaled by a Deployment of `desired` replicas and surge `surge` (annotations desired, desired+surge). */
const rs = (name: string, creationTime: number, specReplicas: number, desired: number, surge = 0): ScalableReplicaSet => ({
  name,
  creationTime,
  specReplicas,
  desiredReplicasAnnotation: desired,
  maxReplicasAnnotation: desired + surge,
});
const newRS = (name: string, creationTime: number, specReplicas: number, desired: number, surge = 0, available = 0): ScalableNewReplicaSet => ({
  ...rs(name, creationTime, specReplicas, desired, surge),
  availableReplicas: available,
});

/** Final size of every RS after applying the plan's writes. */
function sizes(input: ProportionalScaleInput): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of [...input.oldRSs, ...(input.newRS ? [input.newRS] : [])]) out[r.name] = r.specReplicas;
  for (const w of planProportionalScale(input).writes) out[w.name] = w.to;
  return out;
}

const base = { maxSurge: 0, statusReplicas: 0, rollingUpdate: true };

t("roundHalfAwayFromZero is Go math.Round", () => {
  const cases: [number, number][] = [
    [2.5, 3], // half away from zero
    [-2.5, -3], // Math.round would give -2
    [2.4999, 2],
    [15.38, 15],
    [9.62, 10],
    [0.49999999999999994, 0], // floor(x + 0.5) would give 1
    [-0.3, 0], // and not -0
  ];
  for (const [x, want] of cases) assert.is(Object.is(roundHalfAwayFromZero(x), want), true, `${x} → ${want}`);
});

t("parseReplicasAnnotation follows strconv.Atoi then int32()", () => {
  const cases: [string | undefined, number | undefined][] = [
    ["10", 10],
    ["+3", 3], // Atoi accepts a sign
    ["-2", -2],
    [" 3", undefined], // no spaces
    ["3.0", undefined],
    ["", undefined],
    [undefined, undefined], // missing annotation
    ["4294967297", 1], // fits int64, int32() wraps 2^32 + 1 to 1
    ["99999999999999999999", undefined], // out of int64: Atoi errors
  ];
  for (const [value, want] of cases) assert.is(parseReplicasAnnotation(value), want, String(value));
});

t("isScalingEvent: an active RS whose desired-replicas differs", () => {
  assert.is(isScalingEvent(12, [{ specReplicas: 10, desiredReplicasAnnotation: 10 }]), true, "10 → 12");
  assert.is(isScalingEvent(10, [{ specReplicas: 10, desiredReplicasAnnotation: 10 }]), false, "unchanged");
  assert.is(isScalingEvent(12, [{ specReplicas: 0, desiredReplicasAnnotation: 10 }]), false, "inactive RSs do not count");
  assert.is(isScalingEvent(12, [{ specReplicas: 3 }]), false, "no annotation → skipped");
  assert.is(
    isScalingEvent(5, [
      { specReplicas: 2, desiredReplicasAnnotation: 5 },
      { specReplicas: 1, desiredReplicasAnnotation: 3 },
    ]),
    true,
    "any one active RS suffices",
  );
});

t("size sorts: ReplicaSetsBySizeNewer / ReplicaSetsBySizeOlder tie-breaks", () => {
  const a = rs("app-a", 100 * S, 3, 0); // same second as b
  const b = rs("app-b", 100.5 * S, 3, 0);
  const older = rs("app-c", 50 * S, 3, 0);
  const big = rs("app-d", 10 * S, 7, 0);
  // larger first; equal sizes newer first, same second → name descending
  assert.equal(
    [a, older, b, big].sort(compareBySizeNewer).map((r) => r.name),
    ["app-d", "app-b", "app-a", "app-c"],
  );
  // larger first; equal sizes older first, same second → name ascending
  assert.equal(
    [b, big, a, older].sort(compareBySizeOlder).map((r) => r.name),
    ["app-d", "app-c", "app-a", "app-b"],
  );
});

t("replicaSetFraction: annotation, status fallback, scale to zero, division by zero refused", () => {
  // 10 → 20 with 25% surge: (20 + 5) × 8 / 13 = 15.38 → 15 → +7
  assert.is(replicaSetFraction(rs("old", OLD, 8, 10, 3), 20, 5, 13), 7);
  // no annotation → status.replicas 13 is the base: same +7
  assert.is(replicaSetFraction({ name: "old", creationTime: OLD, specReplicas: 8 }, 20, 5, 13), 7);
  // replicas 0 → −spec
  assert.is(replicaSetFraction(rs("old", OLD, 8, 10, 3), 0, 0, 13), -8);
  // annotated max-replicas 0 → upstream divides by zero; refused
  assert.throws(() => replicaSetFraction({ name: "x", creationTime: 0, specReplicas: 2, maxReplicasAnnotation: 0 }, 5, 2, 3), /max-replicas is 0/);
});

t("TestScale: single active RS and scale to/from zero (sync_test.go)", () => {
  // "normal scaling event: 10 -> 12": the only RS is set to 12
  assert.equal(sizes({ ...base, replicas: 12, newRS: newRS("foo-v1", NEW, 10, 10), oldRSs: [] }), { "foo-v1": 12 });
  // "normal scaling event: 10 -> 5"
  assert.equal(sizes({ ...base, replicas: 5, newRS: newRS("foo-v1", NEW, 10, 10), oldRSs: [] }), { "foo-v1": 5 });
  // "proportional scaling: 6 -> 0": allowed 0, toAdd −6, fractions −spec: everything to 0
  assert.equal(
    sizes({
      ...base,
      replicas: 0,
      newRS: newRS("foo-v3", NEW, 3, 6),
      oldRSs: [rs("foo-v2", OLD, 2, 6), rs("foo-v1", OLDER, 1, 6)],
    }),
    { "foo-v3": 0, "foo-v2": 0, "foo-v1": 0 },
  );
  // "proportional scaling: 0 -> 6": nothing active → the new RS (FindActiveOrLatest) gets all 6, others untouched
  const fromZero = planProportionalScale({
    ...base,
    replicas: 6,
    newRS: newRS("foo-v3", NEW, 0, 6),
    oldRSs: [rs("foo-v2", OLD, 0, 6), rs("foo-v1", OLDER, 0, 6)],
  });
  assert.equal(fromZero, { reason: "activeOrLatest", replicasToAdd: 0, writes: [{ name: "foo-v3", from: 0, to: 6 }] });
  // nothing active and no new RS → the newest old RS
  const noNew = planProportionalScale({ ...base, replicas: 4, oldRSs: [rs("older", OLDER, 0, 4), rs("newer", OLD, 0, 4)] });
  assert.equal(noNew.writes, [{ name: "newer", from: 0, to: 4 }]);
  // single active RS already at size → no write at all, even with a stale annotation
  const same = planProportionalScale({ ...base, replicas: 5, newRS: newRS("v", NEW, 5, 3), oldRSs: [] });
  assert.equal(same.writes, []);
});

t("TestScale: proportional cases (sync_test.go)", () => {
  // [name, replicas, RSs (name, created, spec), desired (old replicas), expected sizes]
  type Case = [string, number, [string, number, number][], number, Record<string, number>];
  const cases: Case[] = [
    // toAdd 5; v1 (3, larger) first: round(3·10/5) − 3 = 3 → 6; v2: round(2·10/5) − 2 = 2 → 4
    ["5 -> 10", 10, [["foo-v2", NEW, 2], ["foo-v1", OLD, 3]], 5, { "foo-v2": 4, "foo-v1": 6 }],
    // toAdd −2; v1: round(3·3/5 = 1.8) − 3 = −1 → 2; v2: round(2·3/5 = 1.2) − 2 = −1 → 1
    ["5 -> 3", 3, [["foo-v2", NEW, 2], ["foo-v1", OLD, 3]], 5, { "foo-v2": 1, "foo-v1": 2 }],
    // toAdd −5; v2: round(8·4/9 = 3.56) − 8 = −4 → 4; v1: round(1·4/9 = 0.44) − 1 = −1 → 0
    ["9 -> 4", 4, [["foo-v2", NEW, 8], ["foo-v1", OLD, 1]], 9, { "foo-v2": 4, "foo-v1": 0 }],
    // toAdd 3; v2 (3) first: round(3·10/7 = 4.29) − 3 = 1 → 4; v3 (2, newer) before v1 (2):
    // round(2·10/7 = 2.86) − 2 = 1 → 3 each
    ["7 -> 10", 10, [["foo-v3", NEW, 2], ["foo-v2", OLD, 3], ["foo-v1", OLDER, 2]], 7, { "foo-v3": 3, "foo-v2": 4, "foo-v1": 3 }],
    // toAdd −5; v2: round(8·8/13 = 4.92) − 8 = −3 → 5; v1: round(3·8/13 = 1.85) − 3 = −1 → 2;
    // v3: round(2·8/13 = 1.23) − 2 = −1 → 1
    ["13 -> 8", 8, [["foo-v3", NEW, 2], ["foo-v2", OLD, 8], ["foo-v1", OLDER, 3]], 13, { "foo-v3": 1, "foo-v2": 5, "foo-v1": 2 }],
    // toAdd 1; all fractions round(4/3 = 1.33) − 1 = 0; leftover 1 to the first (newest: v3)
    ["leftover 3 -> 4", 4, [["foo-v3", NEW, 1], ["foo-v2", OLD, 1], ["foo-v1", OLDER, 1]], 3, { "foo-v3": 2, "foo-v2": 1, "foo-v1": 1 }],
    // toAdd −1; fractions round(2/3 = 0.67) − 1 = 0; leftover −1 to the first (oldest: v1)
    ["leftover 3 -> 2", 2, [["foo-v3", NEW, 1], ["foo-v2", OLD, 1], ["foo-v1", OLDER, 1]], 3, { "foo-v3": 1, "foo-v2": 1, "foo-v1": 0 }],
    // no new RS; toAdd 1; tie → newer v2 first: round(2·5/4 = 2.5) = 3 (half away from zero) → +1
    ["no new rs 4 -> 5", 5, [["foo-v2", OLD, 2], ["foo-v1", OLDER, 2]], 4, { "foo-v2": 3, "foo-v1": 2 }],
    // "change both size and template": 14 replicas, no new RS; v2: round(7·14/10 = 9.8) − 7 = 3;
    // v1: round(3·14/10 = 4.2) − 3 = 1
    ["size and template", 14, [["foo-v2", NEW, 7], ["foo-v1", OLD, 3]], 10, { "foo-v2": 10, "foo-v1": 4 }],
  ];
  for (const [name, replicas, rss, desired, want] of cases) {
    const [first, ...rest] = rss;
    // the first listed RS is the new one except in the no-new-RS cases
    const hasNew = !name.includes("no new") && name !== "size and template";
    const input: ProportionalScaleInput = {
      ...base,
      replicas,
      newRS: hasNew ? newRS(first[0], first[1], first[2], desired) : undefined,
      oldRSs: (hasNew ? rest : rss).map(([n, c, s]) => rs(n, c, s, desired)),
    };
    assert.equal(sizes(input), want, name);
  }
});

t("TestScale: surge pods, changed surge, failed update, broken saturated RS (sync_test.go)", () => {
  // "deployment with surge pods": 10 → 20, surge 2 (max annotation 12). toAdd 22 − 12 = 10; tie →
  // new first: round(6·22/12 = 11) − 6 = 5 → 11; old: 5 → 11
  assert.equal(
    sizes({ ...base, replicas: 20, maxSurge: 2, newRS: newRS("foo-v2", NEW, 6, 10, 2), oldRSs: [rs("foo-v1", OLD, 6, 10, 2)] }),
    { "foo-v2": 11, "foo-v1": 11 },
  );
  // "change both surge and size": 10 (surge 3) → 50 (surge 6). allowed 56, toAdd 43. old: round(8·56/13
  // = 34.46) − 8 = 26 → 34; new: round(5·56/13 = 21.54) − 5 = 17 → 22
  assert.equal(
    sizes({ ...base, replicas: 50, maxSurge: 6, newRS: newRS("foo-v2", NEW, 5, 10, 3), oldRSs: [rs("foo-v1", OLD, 8, 10, 3)] }),
    { "foo-v2": 22, "foo-v1": 34 },
  );
  // "failed rs update": v2 was annotated 3 (the earlier write failed); others 5. Scale to 5: toAdd 1;
  // v3 (2): round(2·5/5) − 2 = 0; v2 (1, newer than v1): round(1·5/3 = 1.67) − 1 = 1 → 2; v1: nothing left.
  // Only v2 is written: v3 and v1 keep their size and already carry desired 5 / max 5.
  const failed = planProportionalScale({
    ...base,
    replicas: 5,
    newRS: newRS("foo-v3", NEW, 2, 5),
    oldRSs: [rs("foo-v2", OLD, 1, 3), rs("foo-v1", OLDER, 1, 5)],
  });
  assert.equal(failed.writes, [{ name: "foo-v2", from: 1, to: 2 }]);
  // "saturated but broken new replica set does not affect old pods": new 2 of 2 but 0 available →
  // not saturated; allowed 2 + 1 = 3 = 2 + 1 → toAdd 0, annotations current → no writes
  const broken = planProportionalScale({
    ...base,
    replicas: 2,
    maxSurge: 1,
    newRS: newRS("foo-v2", NEW, 2, 2, 1, 0),
    oldRSs: [rs("foo-v1", OLD, 1, 2, 1)],
  });
  assert.equal(broken, { reason: "proportional", replicasToAdd: 0, writes: [] });
});

t("mid-rollout 10 replicas (new 5, old 8, 25%/25%) scaled to 20, 5 and 0", () => {
  const strategy = withDeploymentStrategyDefaults();
  const midRollout = (replicas: number): ProportionalScaleInput => ({
    ...base,
    replicas,
    maxSurge: maxSurge(strategy, replicas),
    // 10 replicas with 25%: maxSurge 3 → max-replicas 13 on both RSs
    newRS: newRS("web-new", NEW, 5, 10, 3),
    oldRSs: [rs("web-old", OLD, 8, 10, 3)],
  });
  // → 20: maxSurge 5, allowed 25, toAdd 12. Old (8) first: round(8·25/13 = 15.38) − 8 = 7 → 15;
  // new: round(5·25/13 = 9.62) − 5 = 5 (≤ 12 − 7) → 10. 25 pods, no leftover.
  const up = planProportionalScale(midRollout(20));
  assert.is(up.replicasToAdd, 12);
  assert.equal(up.writes, [
    { name: "web-old", from: 8, to: 15 },
    { name: "web-new", from: 5, to: 10 },
  ]);
  // → 5: maxSurge ceil(1.25) = 2, allowed 7, toAdd −6. Old first: round(8·7/13 = 4.31) − 8 = −4 → 4;
  // new: round(5·7/13 = 2.69) − 5 = −2 (= −6 + 4) → 3. 7 pods.
  assert.equal(sizes(midRollout(5)), { "web-old": 4, "web-new": 3 });
  // → 0: allowed 0, toAdd −13, fractions −8 and −5 → both 0
  assert.equal(sizes(midRollout(0)), { "web-old": 0, "web-new": 0 });
});

t("mid-rollout with int maxSurge 3 scaled to 20 and 5; leftovers on ties", () => {
  const midRollout = (replicas: number): ProportionalScaleInput => ({
    ...base,
    replicas,
    maxSurge: 3,
    newRS: newRS("web-new", NEW, 5, 10, 3),
    oldRSs: [rs("web-old", OLD, 8, 10, 3)],
  });
  // → 20: allowed 23, toAdd 10. Old: round(8·23/13 = 14.15) − 8 = 6 → 14; new: round(5·23/13 = 8.85) − 5 = 4 → 9
  assert.equal(sizes(midRollout(20)), { "web-old": 14, "web-new": 9 });
  // → 5: allowed 8, toAdd −5. Old: round(8·8/13 = 4.92) − 8 = −3 → 5; new: round(5·8/13 = 3.08) − 5 = −2 → 3
  assert.equal(sizes(midRollout(5)), { "web-old": 5, "web-new": 3 });

  // three RSs of 3 (max 9, surge 0), two old ones created in the same second; web-a's µs are the
  // later ones, so only whole-second comparison makes the name (not the µs) decide
  const tie = (replicas: number): ProportionalScaleInput => ({
    ...base,
    replicas,
    newRS: newRS("web-c", NEW, 3, 9),
    oldRSs: [rs("web-b", OLD + 0.2 * S, 3, 9), rs("web-a", OLD + 0.4 * S, 3, 9)],
  });
  // → 10: toAdd 1, each round(3·10/9 = 3.33) − 3 = 0; the leftover goes to the newest (web-c)
  assert.equal(sizes(tie(10)), { "web-c": 4, "web-b": 3, "web-a": 3 });
  // → 8: toAdd −1, each round(3·8/9 = 2.67) − 3 = 0; leftover −1 to the oldest; web-a and web-b
  // share a second, so the name decides: web-a
  assert.equal(sizes(tie(8)), { "web-c": 3, "web-b": 3, "web-a": 2 });
  // → 20 without the new RS: tie between old ones, BySizeNewer → same second → name descending: web-b
  // gets round(3·20/9 = 6.67) − 3 = 4 → 7 then web-a: round(6.67) − 3 = 4 → 7; allowed 20 − 6 = 14 → leftover 6 to web-b
  assert.equal(sizes({ ...tie(20), newRS: undefined }), { "web-b": 13, "web-a": 7 });
});

t("saturated new RS, Recreate, no RSs, status fallback", () => {
  // new RS holds all 10, annotated 10, all available → active old RSs to 0, newest first
  const saturated = planProportionalScale({
    ...base,
    replicas: 10,
    newRS: newRS("new", NEW, 10, 10, 0, 10),
    oldRSs: [rs("a", OLDER, 2, 10), rs("b", OLD, 1, 10), rs("idle", OLD, 0, 10)],
  });
  assert.equal(saturated, {
    reason: "saturated",
    replicasToAdd: 0,
    writes: [
      { name: "b", from: 1, to: 0 },
      { name: "a", from: 2, to: 0 },
    ],
  });
  // same but the new RS lacks its desired-replicas annotation → not saturated → proportional (toAdd −3)
  const unannotated = planProportionalScale({
    ...base,
    replicas: 10,
    newRS: { name: "new", creationTime: NEW, specReplicas: 10, availableReplicas: 10, maxReplicasAnnotation: 10 },
    oldRSs: [rs("a", OLDER, 2, 10), rs("b", OLD, 1, 10)],
  });
  assert.is(unannotated.reason, "proportional");
  // Recreate with two active RSs and no saturation: upstream does nothing
  const recreate = planProportionalScale({
    ...base,
    rollingUpdate: false,
    replicas: 6,
    newRS: newRS("new", NEW, 2, 4),
    oldRSs: [rs("old", OLD, 2, 4)],
  });
  assert.equal(recreate, { reason: "notRollingUpdate", replicasToAdd: 0, writes: [] });
  assert.equal(planProportionalScale({ ...base, replicas: 3, oldRSs: [] }), { reason: "noReplicaSets", replicasToAdd: 0, writes: [] });
  // no max-replicas annotations: status.replicas 13 is the base for both (same numbers as the 25% case)
  const strip = (r: ScalableReplicaSet): ScalableReplicaSet => ({ name: r.name, creationTime: r.creationTime, specReplicas: r.specReplicas, desiredReplicasAnnotation: 10 });
  const fallback = sizes({
    ...base,
    replicas: 20,
    maxSurge: 5,
    statusReplicas: 13,
    newRS: { ...strip(newRS("web-new", NEW, 5, 10)), availableReplicas: 0 },
    oldRSs: [strip(rs("web-old", OLD, 8, 10))],
  });
  assert.equal(fallback, { "web-old": 15, "web-new": 10 });
});

t.run();
