// Pins the Deployment controller's rolling-update arithmetic to upstream kubernetes/kubernetes:
// hand-checked tables, several ported from pkg/controller/deployment/util/deployment_util_test.go
// and pkg/controller/deployment/rolling_test.go (cited per case).
import { suite } from "uvu";
import * as assert from "uvu/assert";
import {
  type DeploymentCondition,
  type DeploymentStatusCounts,
  type DeploymentStrategy,
  type IntOrPercent,
  type OldReplicaSetView,
  availableCondition,
  calculateStatusCounts,
  cleanupUnhealthyReplicas,
  compareByCreationTimestamp,
  deploymentComplete,
  deploymentProgressing,
  deploymentTimedOut,
  getScaledValueFromIntOrPercent,
  maxSurge,
  maxUnavailable,
  minAvailable,
  newRSNewReplicas,
  nextProgressingCondition,
  planOldReplicaSetsScaleDown,
  reconcileNewReplicaSetTarget,
  requeueStuckDeploymentAfter,
  resolveFenceposts,
  scaleDownOldReplicaSetsForRollingUpdate,
  timedOut,
  withDeploymentStrategyDefaults,
} from "../../sim/controllers/deployment/rolling-math.ts";

const t = suite("deployment rolling-update math");

const S = 1_000_000; // µs per second
const rolling = (surge: IntOrPercent, unavailable: IntOrPercent): DeploymentStrategy => ({
  type: "RollingUpdate",
  rollingUpdate: { maxSurge: surge, maxUnavailable: unavailable },
});
const recreate: DeploymentStrategy = { type: "Recreate" };
const defaults = withDeploymentStrategyDefaults();

t("defaults: empty strategy becomes RollingUpdate 25%/25%; explicit values and Recreate are kept", () => {
  assert.equal(defaults, rolling("25%", "25%"));
  // only the missing field is defaulted
  assert.equal(withDeploymentStrategyDefaults({ rollingUpdate: { maxSurge: 0 } }), rolling(0, "25%"));
  // Recreate gets no rollingUpdate block
  assert.equal(withDeploymentStrategyDefaults({ type: "Recreate" }), recreate);
});

t("getScaledValueFromIntOrPercent: ints as-is, percents ceil/floor of value*total/100", () => {
  const cases: [IntOrPercent, number, boolean, number, string][] = [
    [7, 10, true, 7, "an int is not scaled"],
    [7, 10, false, 7, "an int is not scaled, whichever rounding"],
    ["25%", 10, true, 3, "2.5 rounds up to 3"],
    ["25%", 10, false, 2, "2.5 rounds down to 2"],
    ["30%", 5, true, 2, "1.5 → 2"],
    ["30%", 5, false, 1, "1.5 → 1"],
    ["30%", 10, true, 3, "300/100 is exactly 3: no spurious ceil to 4"],
    ["39%", 10, true, 4, "3.9 → 4 (deployment_util_test TestResolveFenceposts)"],
    ["39%", 10, false, 3, "3.9 → 3"],
    ["100%", 4, true, 4, "all of them"],
    ["0%", 10, true, 0, "zero percent"],
    ["+50%", 3, false, 1, "strconv.Atoi accepts a leading +: 1.5 → 1"],
  ];
  for (const [value, total, roundUp, want, why] of cases) {
    assert.is(getScaledValueFromIntOrPercent(value, total, roundUp), want, `${value} of ${total}: ${why}`);
  }
});

t("getScaledValueFromIntOrPercent: invalid strings and nil are errors", () => {
  // "25" lacks the %, "oops"/"urg" are upstream's own bad values, "2.5%" is not an integer,
  // " 5%" has a space Atoi rejects, "%" has no digits.
  for (const bad of ["25", "oops", "urg", "2.5%", " 5%", "%", "25%%"]) {
    assert.throws(() => getScaledValueFromIntOrPercent(bad, 10, true), /IntOrString/, bad);
  }
  // nil is an error here; only ResolveFenceposts treats nil as 0
  assert.throws(() => getScaledValueFromIntOrPercent(undefined, 10, true), /nil/);
  // a non-integer number cannot be an IntOrString
  assert.throws(() => getScaledValueFromIntOrPercent(1.5, 10, true), /integer/);
});

t("resolveFenceposts / maxSurge / maxUnavailable with the 25%/25% default", () => {
  // [replicas, surge = ceil(25%), unavailable = floor(25%) (fenceposted), MaxSurge(), MaxUnavailable()]
  const cases: [number, number, number, number, number, string][] = [
    [0, 0, 1, 0, 0, "0 and 0 → fencepost makes unavailable 1, but MaxUnavailable() is 0 for 0 replicas"],
    [1, 1, 0, 1, 0, "ceil(0.25) = 1, floor(0.25) = 0: surge-only rollout"],
    [2, 1, 0, 1, 0, "ceil(0.5) = 1, floor(0.5) = 0"],
    [3, 1, 0, 1, 0, "ceil(0.75) = 1, floor(0.75) = 0"],
    [4, 1, 1, 1, 1, "exactly 1 and 1"],
    [5, 2, 1, 2, 1, "ceil(1.25) = 2, floor(1.25) = 1"],
    [10, 3, 2, 3, 2, "ceil(2.5) = 3, floor(2.5) = 2: the classic 10/3/2"],
    [100, 25, 25, 25, 25, "exact"],
  ];
  for (const [replicas, surge, unavailable, ms, mu, why] of cases) {
    assert.equal(resolveFenceposts("25%", "25%", replicas), { surge, unavailable }, `fenceposts(${replicas}): ${why}`);
    assert.is(maxSurge(defaults, replicas), ms, `MaxSurge(${replicas}): ${why}`);
    assert.is(maxUnavailable(defaults, replicas), mu, `MaxUnavailable(${replicas}): ${why}`);
  }
});

t("resolveFenceposts: ints, the 0/0 fencepost, 100%/0, rounding, nil as 0, invalid values", () => {
  // absolute values are used as-is
  assert.equal(resolveFenceposts(3, 2, 10), { surge: 3, unavailable: 2 });
  // 0/0 on 10 replicas: validation forbids it literally, but if it happens unavailable becomes 1
  assert.equal(resolveFenceposts(0, 0, 10), { surge: 0, unavailable: 1 });
  // "0%"/"0%" with 0 desired → 0/1 (deployment_util_test TestResolveFenceposts case 1)
  assert.equal(resolveFenceposts("0%", "0%", 0), { surge: 0, unavailable: 1 });
  // "1%" unavailable of 2 floors to 0 and surge "0%" is 0 → fencepost 1 (the doc comment's first case)
  assert.equal(resolveFenceposts("0%", "1%", 2), { surge: 0, unavailable: 1 });
  // 100% surge, 0 unavailable: blue/green style, surge 10 is not capped
  assert.equal(resolveFenceposts("100%", 0, 10), { surge: 10, unavailable: 0 });
  // 30% of 5: surge ceil(1.5) = 2, unavailable floor(1.5) = 1
  assert.equal(resolveFenceposts("30%", "30%", 5), { surge: 2, unavailable: 1 });
  // nil (undefined) counts as 0 here (intstr.ValueOrDefault): surge 2, unavailable 0, no fencepost
  assert.equal(resolveFenceposts(2, undefined, 10), { surge: 2, unavailable: 0 });
  assert.equal(resolveFenceposts(undefined, undefined, 10), { surge: 0, unavailable: 1 });
  // TestResolveFenceposts error cases: a bad value on either side is an error
  assert.throws(() => resolveFenceposts("oops", "39%", 10), /IntOrString/);
  assert.throws(() => resolveFenceposts("55%", "urg", 10), /IntOrString/);
});

t("maxUnavailable capping and strategy type (deployment_util_test TestMaxUnavailable), maxSurge not capped", () => {
  const cases: [DeploymentStrategy, number, number, string][] = [
    [rolling(1, 5), 10, 5, "less than replicas"],
    [rolling(1, 10), 10, 10, "equal to replicas"],
    [rolling(1, 10), 5, 5, "10 of 5 replicas is capped at 5"],
    [rolling(1, 10), 0, 0, "0 replicas → 0"],
    [recreate, 10, 0, "Recreate → 0"],
    [rolling(1, "50%"), 10, 5, "50% of 10"],
    [rolling(1, "100%"), 10, 10, "100% of 10"],
    [rolling(1, "100%"), 5, 5, "100% of 5"],
  ];
  for (const [strategy, replicas, want, why] of cases) assert.is(maxUnavailable(strategy, replicas), want, why);
  assert.is(maxSurge(rolling(20, 0), 5), 20, "surge 20 of 5 replicas is not capped");
  assert.is(maxSurge(recreate, 5), 0, "Recreate has no surge");
  assert.is(minAvailable(rolling(3, 2), 10), 8, "10 − 2");
  assert.is(minAvailable(recreate, 10), 0, "Recreate: MinAvailable is 0");
  // kubesim throws where upstream silently uses 0 (validation makes it unreachable there)
  assert.throws(() => maxUnavailable(rolling("25", "25%"), 10), /percentage/);
});

t("newRSNewReplicas and reconcileNewReplicaSet's target", () => {
  // [strategy, replicas, all RS specs (incl. new), new RS spec, expected, why]
  const cases: [DeploymentStrategy, number, number[], number, number, string][] = [
    // 10/3/2 rollout start: maxTotal 13, current 10 → grow by min(3, 10 − 0) = 3
    [rolling(3, 2), 10, [10, 0], 0, 3, "rollout starts: +3"],
    // old scaled to 8: current 11 → +min(2, 7) = 5
    [rolling(3, 2), 10, [8, 3], 3, 5, "after old 10→8: 3 + 2"],
    // current 13 = maxTotal: no room
    [rolling(3, 2), 10, [8, 5], 5, 5, "current == maxTotal: unchanged"],
    // current 14 > maxTotal (e.g. after maxSurge was lowered): unchanged, never negative
    [rolling(3, 2), 10, [9, 5], 5, 5, "current > maxTotal: unchanged"],
    // room is 13 − 3 = 10 but the new RS may not exceed replicas: +min(10, 10 − 1) = 9
    [rolling(3, 2), 10, [2, 1], 1, 10, "capped at replicas"],
    // maxSurge is ceil'd from the spec directly: 25% of 10 → 3
    [defaults, 10, [10, 0], 0, 3, "25% surge → 3"],
    // deployment_util_test TestNewRSNewReplicas: allRSs holds only an RS of 5
    [rolling(1, 1), 1, [5], 5, 5, "can not scale up: current 5 ≥ 1 + 1"],
    [rolling(10, 1), 6, [5], 2, 6, "scale up to depReplicas: 2 + min(16 − 5, 6 − 2)"],
    [recreate, 3, [5], 1, 3, "Recreate → replicas"],
  ];
  for (const [strategy, replicas, all, newSpec, want, why] of cases) {
    assert.is(newRSNewReplicas(strategy, replicas, all, newSpec), want, why);
  }
  // rolling_test TestDeploymentController_reconcileNewReplicaSet (maxUnavailable 0):
  // [replicas, maxSurge, old, new, target]
  const reconcile: [number, number, number, number, number, string][] = [
    [10, 0, 10, 0, 0, "no surge, full old RS: no scale-up"],
    [10, 2, 10, 0, 2, "12 − 10 = 2"],
    [10, 2, 5, 0, 7, "12 − 5 = 7"],
    [10, 2, 10, 2, 2, "already at 12 pods: unchanged"],
    [10, 2, 2, 11, 10, "new RS above replicas is scaled down to replicas"],
  ];
  for (const [replicas, surge, old, neu, want, why] of reconcile) {
    assert.is(reconcileNewReplicaSetTarget(rolling(surge, 0), replicas, [neu, old], neu), want, why);
  }
  // maxSurge nil is an error here (upstream passes the raw pointer, no ValueOrDefault)
  assert.throws(() => newRSNewReplicas({ type: "RollingUpdate" }, 10, [10, 0], 0), /nil/);
});

const rs = (name: string, creationSeconds: number, specReplicas: number, availableReplicas: number): OldReplicaSetView => ({
  name,
  creationTime: creationSeconds * S,
  specReplicas,
  availableReplicas,
});

t("ReplicaSetsByCreationTimestamp: older first, same second → name (sub-second differences ignored)", () => {
  const sorted = [rs("b", 10.7, 1, 1), rs("c", 9.9, 1, 1), rs("a", 10.2, 1, 1)].sort(compareByCreationTimestamp);
  // c@9s, then a@10s and b@10s tie at whole seconds and go by name even though b's µs are later
  assert.equal(
    sorted.map((r) => r.name),
    ["c", "a", "b"],
  );
  const tie = [rs("z", 10.1, 1, 1), rs("y", 10.9, 1, 1)].sort(compareByCreationTimestamp);
  assert.equal(
    tie.map((r) => r.name),
    ["y", "z"],
    "same second: y before z although y was created later within it",
  );
});

t("cleanupUnhealthyReplicas (rolling_test TestDeploymentController_cleanupUnhealthyReplicas)", () => {
  // old RS spec 10 with `ready` available; [ready, budget, cleaned, new spec]
  const cases: [number, number, number, number][] = [
    [8, 1, 1, 9], // 2 unhealthy, budget 1 → remove 1
    [8, 3, 2, 8], // 2 unhealthy, budget 3 → remove both
    [8, 0, 0, 10], // no budget
    [10, 3, 0, 10], // nothing unhealthy
  ];
  for (const [ready, budget, cleaned, spec] of cases) {
    const result = cleanupUnhealthyReplicas([rs("foo-v2", 0, 10, ready)], budget);
    assert.is(result.cleanupCount, cleaned, `ready ${ready}, budget ${budget}`);
    assert.is(result.oldRSs[0].specReplicas, spec, `ready ${ready}, budget ${budget}`);
    assert.is(result.error, undefined);
  }
  // spec < available (status lagging a scale-down): upstream errors on that RS, keeping earlier ones
  const lag = cleanupUnhealthyReplicas([rs("older", 1, 5, 3), rs("lagging", 2, 2, 4)], 10);
  assert.equal(lag.scaleDowns, [{ name: "older", from: 5, to: 3 }], "older cleaned before the error");
  assert.ok(lag.error?.includes("lagging"), "the error names the RS");
});

t("scaleDownOldReplicaSetsForRollingUpdate (rolling_test TestDeploymentController_scaleDownOldReplicaSetsForRollingUpdate)", () => {
  // 10 replicas, one old RS, no new RS; [maxUnavailable spec, ready, old spec, expected old spec]
  const cases: [number, number, number, number, string][] = [
    [0, 10, 10, 9, "0/0 → fencepost unavailable 1 → budget 10 − 9 = 1"],
    [2, 10, 10, 8, "budget 10 − 8 = 2"],
    [2, 8, 10, 10, "available 8 ≤ minAvailable 8: nothing"],
    [2, 10, 0, 0, "an RS at 0 is skipped (upstream once expected an error here)"],
    [2, 1, 10, 10, "available 1 ≤ 8: nothing"],
  ];
  for (const [mu, ready, spec, want, why] of cases) {
    const result = scaleDownOldReplicaSetsForRollingUpdate({
      oldRSs: [rs("foo-v2", 0, spec, ready)],
      replicas: 10,
      maxUnavailable: maxUnavailable(rolling(0, mu), 10),
    });
    const final = result.scaleDowns.at(-1)?.to ?? spec;
    assert.is(final, want, why);
  }
});

t("planOldReplicaSetsScaleDown: upstream TestDeploymentController_reconcileOldReplicaSets", () => {
  // 10 replicas, maxSurge 0; [maxUnavailable, old spec, new spec, old ready, new ready, scaled, final old spec]
  const cases: [number, number, number, number, number, boolean, number, string][] = [
    [0, 10, 0, 10, 0, true, 9, "fencepost 1: 10 − 9 = 1 scaled down"],
    [2, 10, 0, 10, 0, true, 8, "2 available ones scaled down"],
    [2, 10, 0, 8, 0, true, 8, "2 unhealthy cleaned up; then available 8 = min: stop"],
    [2, 10, 0, 9, 0, true, 8, "1 unhealthy cleaned, then 1 available scaled down"],
    [2, 8, 2, 8, 0, false, 8, "new RS's 2 unavailable pods block: 10 − 8 − 2 = 0"],
  ];
  for (const [mu, oldSpec, newSpec, oldReady, newReady, scaled, final, why] of cases) {
    const plan = planOldReplicaSetsScaleDown({
      oldRSs: [rs("foo-old", 0, oldSpec, oldReady)],
      newRS: { specReplicas: newSpec, availableReplicas: newReady },
      replicas: 10,
      maxUnavailable: maxUnavailable(rolling(0, mu), 10),
    });
    assert.is(plan.scaled, scaled, why);
    const last = [...plan.cleanup, ...plan.rollingUpdate].at(-1)?.to ?? oldSpec;
    assert.is(last, final, why);
  }
});

t("planOldReplicaSetsScaleDown: two old RSs with unhealthy pods, new RS with 3 unavailable", () => {
  // 10 replicas, maxSurge 3, maxUnavailable 2. old-a (oldest) 4 pods/3 available, old-b 3/2,
  // new 5/2 (3 unavailable). allPods 12, minAvailable 8 → maxScaledDown = 12 − 8 − 3 = 1.
  // Cleanup oldest first: old-a 4→3 spends the budget; old-b keeps its unhealthy pod.
  // Step 2: available 3 + 2 + 2 = 7 ≤ 8 → no further scale-down.
  const plan = planOldReplicaSetsScaleDown({
    oldRSs: [rs("old-b", 200, 3, 2), rs("old-a", 100, 4, 3)],
    newRS: { specReplicas: 5, availableReplicas: 2 },
    replicas: 10,
    maxUnavailable: 2,
  });
  assert.is(plan.maxScaledDown, 1);
  assert.equal(plan.cleanup, [{ name: "old-a", from: 4, to: 3 }]);
  assert.equal(plan.rollingUpdate, []);
  assert.ok(plan.scaled);
});

t("planOldReplicaSetsScaleDown: step 2 sees the specs cleanup left and counts the new RS's available pods", () => {
  // Same old RSs, new RS 5/5. maxScaledDown = 12 − 8 − 0 = 4.
  // Cleanup: old-a 4→3, old-b 3→2 (2 spent). Step 2: available 3 + 2 + 5 = 10 > 8 → budget 2,
  // oldest first from the cleaned spec: old-a 3→1. Result 1 + 2 + 5 = 8 pods, 8 available.
  const plan = planOldReplicaSetsScaleDown({
    oldRSs: [rs("old-b", 200, 3, 2), rs("old-a", 100, 4, 3)],
    newRS: { specReplicas: 5, availableReplicas: 5 },
    replicas: 10,
    maxUnavailable: 2,
  });
  assert.equal(plan.cleanup, [
    { name: "old-a", from: 4, to: 3 },
    { name: "old-b", from: 3, to: 2 },
  ]);
  assert.equal(plan.rollingUpdate, [{ name: "old-a", from: 3, to: 1 }]);
});

t("planOldReplicaSetsScaleDown: the rolling.go comment's crash-loop and roll-over cases", () => {
  // case 1: old 8 (one pod lost to a node: 7 available), new 5 crash-looping (0 available):
  // 13 − 8 − 5 = 0 → the old RS's unavailable pod is not even cleaned up.
  const blocked = planOldReplicaSetsScaleDown({
    oldRSs: [rs("good", 100, 8, 7)],
    newRS: { specReplicas: 5, availableReplicas: 0 },
    replicas: 10,
    maxUnavailable: 2,
  });
  assert.equal(blocked, { maxScaledDown: 0, cleanup: [], rollingUpdate: [], scaled: false });
  // case 2: roll over to a third template; the crash-looping RS is now old, new RS starts at 0:
  // 13 − 8 − 0 = 5 → cleanup removes all 5 crash-looping pods; available 8 = min → no step 2.
  const rollover = planOldReplicaSetsScaleDown({
    oldRSs: [rs("good", 100, 8, 8), rs("crashing", 200, 5, 0)],
    newRS: { specReplicas: 0, availableReplicas: 0 },
    replicas: 10,
    maxUnavailable: 2,
  });
  assert.is(rollover.maxScaledDown, 5);
  assert.equal(rollover.cleanup, [{ name: "crashing", from: 5, to: 0 }]);
  assert.equal(rollover.rollingUpdate, []);
});

t("planOldReplicaSetsScaleDown: no old pods, inactive old RSs ignored, lagging status aborts", () => {
  // all old RSs at 0 → nothing, whatever their (stale) available counts
  const none = planOldReplicaSetsScaleDown({
    oldRSs: [rs("old", 100, 0, 3)],
    newRS: { specReplicas: 10, availableReplicas: 10 },
    replicas: 10,
    maxUnavailable: 2,
  });
  assert.is(none.scaled, false);
  // an inactive old RS's 3 stale available pods are not counted in step 2 (rolloutRolling passes
  // only active old RSs): available 6 + 3 (new) = 9 → budget 1, not 4
  const stale = planOldReplicaSetsScaleDown({
    oldRSs: [rs("gone", 50, 0, 3), rs("old", 100, 6, 6)],
    newRS: { specReplicas: 5, availableReplicas: 3 },
    replicas: 10,
    maxUnavailable: 2,
  });
  assert.equal(stale.rollingUpdate, [{ name: "old", from: 6, to: 5 }]);
  // spec 4 < available 6 on the only old RS: cleanup errors, upstream reports "not scaled"
  const lag = planOldReplicaSetsScaleDown({
    oldRSs: [rs("old", 100, 4, 6)],
    newRS: { specReplicas: 6, availableReplicas: 6 },
    replicas: 10,
    maxUnavailable: 2,
  });
  assert.is(lag.scaled, false);
  assert.ok(lag.error);
  assert.equal(lag.rollingUpdate, []);
});

const status = (replicas: number, updated: number, ready: number, available: number, gen = 1): DeploymentStatusCounts => ({
  observedGeneration: gen,
  replicas,
  updatedReplicas: updated,
  readyReplicas: ready,
  availableReplicas: available,
  unavailableReplicas: 0,
});

t("calculateStatusCounts and the Available condition", () => {
  // old RS spec 8 (8 pods, 8 ready, 8 available), new RS spec 5 (5 pods, 3 ready, 2 available)
  const old = { specReplicas: 8, statusReplicas: 8, readyReplicas: 8, availableReplicas: 8 };
  const neu = { specReplicas: 5, statusReplicas: 5, readyReplicas: 3, availableReplicas: 2 };
  assert.equal(calculateStatusCounts([old, neu], neu, 4), {
    observedGeneration: 4,
    replicas: 13,
    updatedReplicas: 5,
    readyReplicas: 11,
    availableReplicas: 10,
    unavailableReplicas: 3, // 13 specs − 10 available
  });
  // scaling down: spec 5 but 8 still available → unavailable clamps at 0
  const shrinking = { specReplicas: 5, statusReplicas: 8, readyReplicas: 8, availableReplicas: 8 };
  assert.is(calculateStatusCounts([shrinking], shrinking, 1).unavailableReplicas, 0);
  // 10 replicas, maxUnavailable 2 → need 8
  assert.equal(availableCondition(8, 10, 2), { status: "True", reason: "MinimumReplicasAvailable" });
  assert.equal(availableCondition(7, 10, 2), { status: "False", reason: "MinimumReplicasUnavailable" });
  // Recreate: MaxUnavailable 0 → all 10 needed
  assert.is(availableCondition(9, 10, maxUnavailable(recreate, 10)).status, "False");
});

t("deploymentComplete (deployment_util_test TestDeploymentComplete)", () => {
  // [replicas, status replicas, updated, available, complete, why]
  const cases: [number, number, number, number, boolean, string][] = [
    [5, 5, 5, 4, false, "min but not all pods available"],
    [5, 5, 5, 3, false, "min availability not honoured"],
    [5, 5, 5, 5, true, "complete"],
    [5, 5, 4, 5, false, "all available but not all updated"],
    [1, 2, 1, 1, false, "still running an old pod"],
    [1, 1, 1, 0, false, "one-replica deployment never comes up"],
  ];
  for (const [replicas, current, updated, available, want, why] of cases) {
    assert.is(deploymentComplete(replicas, 1, status(current, updated, 0, available)), want, why);
  }
  assert.is(deploymentComplete(5, 2, status(5, 5, 5, 5, 1)), false, "status of an older generation");
});

t("deploymentProgressing (deployment_util_test TestDeploymentProgressing)", () => {
  // [old {replicas, updated, ready, available}, new {…}, progressing, why]
  const cases: [number[], number[], boolean, string][] = [
    [[10, 4, 4, 4], [10, 6, 4, 4], true, "more updated pods"],
    [[10, 4, 4, 4], [10, 4, 4, 4], false, "nothing changed"],
    [[10, 4, 6, 6], [8, 4, 6, 6], true, "old pods removed (6 → 4 old)"],
    [[10, 7, 3, 3], [10, 6, 3, 3], false, "fewer new pods, more old ones"],
    [[10, 4, 7, 7], [8, 8, 5, 5], true, "fewer overall but more new pods"],
    [[10, 10, 9, 8], [10, 10, 10, 8], true, "more ready pods"],
    [[10, 10, 10, 9], [10, 10, 10, 10], true, "more available pods"],
  ];
  for (const [[r0, u0, re0, a0], [r1, u1, re1, a1], want, why] of cases) {
    assert.is(deploymentProgressing(status(r0, u0, re0, a0), status(r1, u1, re1, a1)), want, why);
  }
});

const cond = (reason: string, lastUpdateSeconds: number, st: "True" | "False" = "True"): DeploymentCondition => ({
  status: st,
  reason,
  lastUpdateTime: lastUpdateSeconds * S,
  lastTransitionTime: lastUpdateSeconds * S,
});

t("timedOut / deploymentTimedOut: strict, NewReplicaSetAvailable never, ProgressDeadlineExceeded stays", () => {
  // deployment_util_test TestDeploymentTimedOut: deadline 10 s, last update 00:01:09 / 00:01:11, now 00:01:20
  assert.is(timedOut(69 * S, 10, 80 * S), true, "11 s > 10 s");
  assert.is(timedOut(71 * S, 10, 80 * S), false, "9 s < 10 s");
  assert.is(timedOut(70 * S, 10, 80 * S), false, "exactly 10 s is not 'before now'");
  assert.is(timedOut(70 * S, 10, 80 * S + 1), true, "one µs later it is");
  assert.is(deploymentTimedOut(undefined, cond("ReplicaSetUpdated", 69), 80 * S), false, "no deadline");
  assert.is(deploymentTimedOut(2_147_483_647, cond("ReplicaSetUpdated", 0), 10_000 * S), false, "MaxInt32 = no deadline");
  assert.is(deploymentTimedOut(10, undefined, 80 * S), false, "no Progressing condition");
  assert.is(deploymentTimedOut(10, cond("NewReplicaSetAvailable", 0), 80 * S), false, "complete rollouts never time out");
  assert.is(deploymentTimedOut(10, cond("ProgressDeadlineExceeded", 79, "False"), 80 * S), true, "stays timed out");
  assert.is(deploymentTimedOut(10, cond("ReplicaSetUpdated", 69), 80 * S), true, "11 s");
});

t("nextProgressingCondition: complete, progress, timeout, unchanged", () => {
  const base = { progressDeadlineSeconds: 600, replicas: 10, generation: 1 };
  // progress: more updated pods → ReplicaSetUpdated at now (floored), transition time kept
  const progressed = nextProgressingCondition({
    ...base,
    current: cond("NewReplicaSetCreated", 100),
    oldStatus: status(10, 3, 10, 10),
    newStatus: status(13, 5, 10, 10),
    now: 150.7 * S,
  });
  assert.equal(progressed, { status: "True", reason: "ReplicaSetUpdated", lastUpdateTime: 150 * S, lastTransitionTime: 100 * S });
  // no progress, 601 s after the last update → timed out
  const stuck = nextProgressingCondition({
    ...base,
    current: cond("ReplicaSetUpdated", 100),
    oldStatus: status(13, 5, 10, 10),
    newStatus: status(13, 5, 10, 10),
    now: 701 * S,
  });
  assert.equal(stuck, { status: "False", reason: "ProgressDeadlineExceeded", lastUpdateTime: 701 * S, lastTransitionTime: 701 * S });
  // exactly 600 s → not yet: unchanged
  const current = cond("ReplicaSetUpdated", 100);
  assert.is(
    nextProgressingCondition({ ...base, current, oldStatus: status(13, 5, 10, 10), newStatus: status(13, 5, 10, 10), now: 700 * S }),
    current,
  );
  // complete → NewReplicaSetAvailable; same status True keeps lastTransitionTime
  const done = nextProgressingCondition({
    ...base,
    current: cond("ReplicaSetUpdated", 100),
    oldStatus: status(10, 10, 10, 9),
    newStatus: status(10, 10, 10, 10),
    now: 200 * S,
  });
  assert.equal(done, { status: "True", reason: "NewReplicaSetAvailable", lastUpdateTime: 200 * S, lastTransitionTime: 100 * S });
  // already recorded complete and replicas == updated → untouched, even if counts move
  const recorded = cond("NewReplicaSetAvailable", 100);
  assert.is(
    nextProgressingCondition({ ...base, current: recorded, oldStatus: status(10, 10, 10, 10), newStatus: status(10, 10, 9, 9), now: 9_999 * S }),
    recorded,
  );
  // no deadline → the condition is removed
  assert.is(
    nextProgressingCondition({ ...base, progressDeadlineSeconds: undefined, current, oldStatus: status(1, 1, 1, 1), newStatus: status(1, 1, 1, 1), now: 0 }),
    undefined,
  );
});

t("requeueStuckDeploymentAfter", () => {
  // progress.go comment: last update 00:00:00, now 00:03:00, deadline 600 s → 7 min, +1 s
  assert.equal(requeueStuckDeploymentAfter(600, cond("ReplicaSetUpdated", 0), false, 180 * S), { kind: "after", delay: 421 * S });
  // 0.5 s left → rate-limited requeue now
  assert.equal(requeueStuckDeploymentAfter(600, cond("ReplicaSetUpdated", 0), false, 599.5 * S), { kind: "rateLimited" });
  // exactly 1 s left is not "< 1 s": requeue after 2 s
  assert.equal(requeueStuckDeploymentAfter(600, cond("ReplicaSetUpdated", 0), false, 599 * S), { kind: "after", delay: 2 * S });
  // complete, timed out, no condition, no deadline → none
  assert.equal(requeueStuckDeploymentAfter(600, cond("ReplicaSetUpdated", 0), true, 0), { kind: "none" });
  assert.equal(requeueStuckDeploymentAfter(600, cond("ProgressDeadlineExceeded", 0, "False"), false, 0), { kind: "none" });
  assert.equal(requeueStuckDeploymentAfter(600, undefined, false, 0), { kind: "none" });
  assert.equal(requeueStuckDeploymentAfter(undefined, cond("ReplicaSetUpdated", 0), false, 0), { kind: "none" });
});

t.run();
