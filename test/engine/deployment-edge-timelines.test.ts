import { suite } from "uvu";
import * as assert from "uvu/assert";
import { seconds } from "../../sim/core/time.ts";
import { constant, deployment, eventLines, hashNames, setImage, testWorld } from "../support/world.ts";

const t = suite("Deployment edge cases end to end: minReadySeconds, a stuck rollout scaled midway, slow termination");

// One node; image pull 2 s (then cached), container start 0.5 s, app startup 3 s, shutdown 2 s
// unless a case says otherwise; controllers and scheduler instant.

t("minReadySeconds 5 with maxSurge 1, maxUnavailable 0: each new pod counts only 5 s after Ready", () => {
  const w = testWorld();
  w.bootstrap([deployment("web", 2, { minReadySeconds: 5, strategy: { rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } } })]);
  w.run(seconds(10));
  setImage(w, "web", "web:v2");
  w.run(seconds(60));
  // t=10: new 0+min(3−2, 2)=1; old budget 3−2−1=0. Pod: pull 10→12, start and Ready 12.5.
  //   The RS requeues itself minReadySeconds later (12.5 + 5 = 17.5): floor(12.5)+5 = 17 ≤ 17.5.
  // t=17.5: available 3 − minAvailable 2 = 1 → old 2→1; new 1+min(3−2, 1)=2; pod cached: Ready 18.
  // t=23: requeue 18+5 → available → old 1→0; complete.
  assert.equal(eventLines(w, "Deployment", hashNames(w)), [
    "ScalingReplicaSet@10 Scaled up replica set web-v2 from 0 to 1",
    "RolloutStarted@10 Rolling out revision 2 (replica set web-v2)",
    "ScalingReplicaSet@17.5 Scaled down replica set web-v1 from 2 to 1",
    "ScalingReplicaSet@17.5 Scaled up replica set web-v2 from 1 to 2",
    "ScalingReplicaSet@23 Scaled down replica set web-v1 from 1 to 0",
    'RolloutComplete@23 Deployment "web" successfully rolled out',
  ]);
});

t("a stuck rollout (new pods never Ready) scaled from 4 to 8 midway: proportional scaling, then the progress deadline", () => {
  const w = testWorld({ appByImage: { "web:v2": { ready: false } } });
  const probe = { readinessProbe: { httpGet: { path: "/", port: 8080 }, periodSeconds: 10 } };
  w.bootstrap([deployment("web", 4, { progressDeadlineSeconds: 30 }, probe)]);
  w.run(seconds(10));
  setImage(w, "web", "web:v2");
  w.run(seconds(60));
  const d = w.store.deployments.get("web")!;
  d.spec = { ...d.spec, replicas: 8 };
  d.generation++;
  w.store.apply({ type: "workload/put", object: d });
  w.run(seconds(200));
  // t=10: surge 1, unavailable 1: new 1; old budget 5−3−1=1 → 4→3; new 1+min(5−4, 3)=2; then
  //   5−3−2=0: stuck with old 3 available, new 2 never Ready.
  // t=60: replicas 8 (surge 2): allowed 10, active 3+2=5 → add 5. By size: old 3 gets
  //   round(3·10/5)−3=3, new round(2·10/5)−2=2 → old 6, new 4. Then maxTotal 10 = 10, and the old
  //   budget 10−6−4=0: stuck again.
  // Deadline: the last progress before the scale is at 10 (lastUpdateTime 10); the stuck check
  //   requeues 10+30−10+1 = 31 s later → 41: 10 + 30 < 41 → ProgressDeadlineExceeded (no rollback).
  // The scale at 60 is progress again (more updated pods): ReplicaSetUpdated, lastUpdateTime 60;
  //   the 3 new old pods become Ready at the probe tick 70 (start 60.5, listening 63.5) → 70; the
  //   check requeues 31 s later → 101: 70 + 30 < 101 → ProgressDeadlineExceeded again.
  assert.equal(eventLines(w, "Deployment", hashNames(w)), [
    "ScalingReplicaSet@10 Scaled up replica set web-v2 from 0 to 1",
    "RolloutStarted@10 Rolling out revision 2 (replica set web-v2)",
    "ScalingReplicaSet@10 Scaled down replica set web-v1 from 4 to 3",
    "ScalingReplicaSet@10 Scaled up replica set web-v2 from 1 to 2",
    'ProgressDeadlineExceeded@41 Deployment "web" has timed out progressing.',
    "ScalingReplicaSet@60 Scaled up replica set web-v1 from 3 to 6",
    "ScalingReplicaSet@60 Scaled up replica set web-v2 from 2 to 4",
    'ProgressDeadlineExceeded@101 Deployment "web" has timed out progressing.',
  ]);
  assert.is(d.status.availableReplicas, 6);
  assert.is(d.status.conditions.Progressing?.reason, "ProgressDeadlineExceeded");
});

t("slow termination: old pods SIGKILLed at the grace period while the rollout completes; terminating pods are beyond maxSurge", () => {
  const w = testWorld({ app: { shutdown: constant(40) } });
  w.bootstrap([deployment("web", 2, { strategy: { rollingUpdate: { maxSurge: 0, maxUnavailable: 1 } } })]);
  w.run(seconds(10));
  setImage(w, "web", "web:v2");
  w.run(seconds(13));
  // t=10: new RS created at 0 (maxTotal 2 = current 2); old budget 2−1−0=1 → 2→1; new 0+min(1,2)=1.
  // t=12.5: new Ready → old budget 1 → 1→0; new 1+min(1,1)=2 → second new pod Ready at 13.
  const names = hashNames(w);
  assert.equal(eventLines(w, "Deployment", names), [
    "RolloutStarted@10 Rolling out revision 2 (replica set web-v2)",
    "ScalingReplicaSet@10 Scaled down replica set web-v1 from 2 to 1",
    "ScalingReplicaSet@10 Scaled up replica set web-v2 from 0 to 1",
    "ScalingReplicaSet@12.5 Scaled down replica set web-v1 from 1 to 0",
    "ScalingReplicaSet@12.5 Scaled up replica set web-v2 from 1 to 2",
    'RolloutComplete@13 Deployment "web" successfully rolled out',
  ]);
  // maxSurge 0, yet 4 pods exist at 13 s: the two old ones are still terminating (KEP-3973).
  assert.is(w.store.pods.size, 4);
  w.run(seconds(60));
  // SIGTERM at 10 and 12.5, grace 30 s < shutdown 40 s → SIGKILL at 40 and 42.5.
  const deleted = w.events.withReason("Deleted").map((e) => e.time / 1e6);
  assert.equal(deleted, [40, 42.5]);
  assert.is(w.store.pods.size, 2);
});

t.run();
