import { suite } from "uvu";
import * as assert from "uvu/assert";
import { seconds } from "../../sim/core/time.ts";
import { deployment, eventLines, hashNames, setImage, testWorld } from "../support/world.ts";

const t = suite("Deployment rollouts end to end: hand-derived timelines (controllers + scheduler + kubelet)");

// One node, so image caching is predictable. Image pull 2 s (v2 not yet cached), container start
// 0.5 s, no readiness probe (Ready when started), shutdown 2 s, controllers and scheduler instant.

t("RollingUpdate 25%/25% of 4 replicas (surge 1, unavailable 1)", () => {
  const w = testWorld();
  w.bootstrap([deployment("web", 4)]);
  w.run(seconds(10));
  setImage(w, "web", "web:v2");
  w.run(seconds(60));
  const names = hashNames(w);
  // t=10: new RS created at 0+min(5−4, 4)=1; old scale-down budget 5−3−1=1 → 4→3; next sync
  //       new 1+min(5−4, 3)=2. Both new pods pull 10→12, start 12.5, Ready 12.5.
  // t=12.5: new available 2 → old budget 5−3−0=2, available 3+2−3=2 → 3→1; then new
  //       2+min(5−3, 2)=4; these pods find v2 cached: start 13.0, Ready 13.0.
  // t=13: old budget 5−3=2, available 1+4−3=2 → 1→0; status replicas 4 = updated = available.
  assert.equal(eventLines(w, "Deployment", names), [
    "ScalingReplicaSet@10 Scaled up replica set web-v2 from 0 to 1",
    "RolloutStarted@10 Rolling out revision 2 (replica set web-v2)",
    "ScalingReplicaSet@10 Scaled down replica set web-v1 from 4 to 3",
    "ScalingReplicaSet@10 Scaled up replica set web-v2 from 1 to 2",
    "ScalingReplicaSet@12.5 Scaled down replica set web-v1 from 3 to 1",
    "ScalingReplicaSet@12.5 Scaled up replica set web-v2 from 2 to 4",
    "ScalingReplicaSet@13 Scaled down replica set web-v1 from 1 to 0",
    'RolloutComplete@13 Deployment "web" successfully rolled out',
  ]);
  const d = w.store.deployments.get("web")!;
  assert.is(d.status.updatedReplicas, 4);
  assert.is(d.status.availableReplicas, 4);
  // The old pods are gone 2 s after their SIGTERM: the last at 15 s.
  assert.is(w.store.pods.size, 4);
});

t("maxSurge 100%, maxUnavailable 0: all new pods at once, old ones go when new are available", () => {
  const w = testWorld();
  w.bootstrap([deployment("web", 4, { strategy: { rollingUpdate: { maxSurge: "100%", maxUnavailable: 0 } } })]);
  w.run(seconds(10));
  setImage(w, "web", "web:v2");
  w.run(seconds(60));
  // t=10: new RS 0+min(8−4, 4)=4; old: 8−4−4=0 → nothing. Pods pull 10→12, Ready 12.5.
  // t=12.5: old budget 8−4−0=4, available 8−4=4 → 4→0.
  assert.equal(eventLines(w, "Deployment", hashNames(w)), [
    "ScalingReplicaSet@10 Scaled up replica set web-v2 from 0 to 4",
    "RolloutStarted@10 Rolling out revision 2 (replica set web-v2)",
    "ScalingReplicaSet@12.5 Scaled down replica set web-v1 from 4 to 0",
    'RolloutComplete@12.5 Deployment "web" successfully rolled out',
  ]);
});

t("Recreate: old scaled to 0, new RS created only when the old pods are gone", () => {
  const w = testWorld();
  w.bootstrap([deployment("web", 3, { strategy: { type: "Recreate" } })]);
  w.run(seconds(10));
  setImage(w, "web", "web:v2");
  w.run(seconds(60));
  // t=10: old 3→0, pods SIGTERM at 10, exit 12 → removed 12. t=12: new RS at 3, pull 12→14,
  // start 14.5, Ready 14.5 → complete.
  assert.equal(eventLines(w, "Deployment", hashNames(w)), [
    "ScalingReplicaSet@10 Scaled down replica set web-v1 from 3 to 0",
    "ScalingReplicaSet@12 Scaled up replica set web-v2 from 0 to 3",
    "RolloutStarted@12 Rolling out revision 2 (replica set web-v2)",
    'RolloutComplete@14.5 Deployment "web" successfully rolled out',
  ]);
});

t("steady start: every replica Ready and available at t=0, no events logged", () => {
  const w = testWorld();
  w.bootstrap([deployment("web", 5)]);
  const d = w.store.deployments.get("web")!;
  assert.is(d.status.availableReplicas, 5);
  assert.is(w.events.events.length, 0);
  assert.is(w.sim.now, 0);
});

t.run();
