// End-to-end timelines of the StatefulSet controller with the scheduler and the kubelet: ordered
// and parallel scaling, rolling updates (partition, maxUnavailable, legacy path, rollback),
// OnDelete, PVC retention, and at most one pod per identity. Every expected instant is derived by
// hand from the constant timings below; the comments show the arithmetic.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { seconds } from "../../sim/core/time.ts";
import type { World } from "../../sim/engine/world.ts";
import type { StatefulSet } from "../../sim/model/workloads.ts";
import { eventLines, statefulSet, testWorld } from "../support/world.ts";

const t = suite("StatefulSets end to end: hand-derived timelines (controller + scheduler + kubelet)");

// One node, so image caching is predictable: image pull 2 s (a tag not yet on the node; `web:vN`
// is IfNotPresent, so the second pod of an image pulls nothing), container start 0.5 s, app
// startup 3 s, shutdown 2 s (no preStop: SIGTERM at deletion), controllers and scheduler instant.
// Without a readiness probe a pod is Ready when its container starts (pull + 0.5 s); with the
// probe `periodSeconds: 1` it is Ready at the first probe tick (worker start = bind + k·1 s) at
// or after the app listens (container start + 3 s).

const PROBE = { readinessProbe: { periodSeconds: 1 } };

/** A world with the StatefulSet controller wired in before anything is created. */
function world(options: Parameters<typeof testWorld>[0] = {}, maxUnavailableStatefulSet?: boolean) {
  const w = testWorld({ ...options, maxUnavailableStatefulSet });
  return { w, controller: w.statefulSets };
}

/** Changes the set's spec as `kubectl edit` does: generation + 1, then put. */
function edit(w: World, name: string, change: (set: StatefulSet) => void): void {
  const set = w.store.statefulSets.get(name)!;
  set.spec = structuredClone(set.spec);
  change(set);
  set.generation++;
  w.store.apply({ type: "workload/put", object: set });
}

const scale = (w: World, name: string, replicas: number) => edit(w, name, (s) => (s.spec.replicas = replicas));
const setImage = (w: World, name: string, image: string) =>
  edit(w, name, (s) => ((s.spec.template.spec!.containers as { image: string }[])[0].image = image));
const setPartition = (w: World, name: string, partition: number) =>
  edit(w, name, (s) => (s.spec.updateStrategy.rollingUpdate = { ...s.spec.updateStrategy.rollingUpdate, partition }));

/** ControllerRevision name → `<set>-<tag>` (web-v2), for readable expectations. */
function revisionTags(w: World): Record<string, string> {
  const out: Record<string, string> = {};
  for (const set of w.store.statefulSets.values()) {
    for (const r of set.revisions) out[r.name] = `${set.name}-${(r.template.spec!.containers as { image: string }[])[0].image.split(":")[1]}`;
  }
  return out;
}

/** Pod name → image tag of its revision, for the pods that exist now. */
function podTags(w: World): Record<string, string> {
  const tags = revisionTags(w);
  const out: Record<string, string> = {};
  for (const pod of w.store.pods.values()) out[pod.name] = tags[pod.revision];
  return out;
}

/** Runs to `until`, at the instants given running the actions first. */
function runWith(w: World, steps: [number, () => void][], until: number): void {
  for (const [at, action] of steps) {
    w.run(seconds(at));
    action();
  }
  w.run(seconds(until));
}

/** The most pods of `set` that were not Ready at once, over every event (an observer only). */
function watchNotReady(w: World, name: string): () => number {
  let most = 0;
  w.sim.afterEvent = () => {
    let notReady = 0;
    for (const pod of w.store.pods.values()) if (pod.owner?.name === name && !pod.ready) notReady++;
    most = Math.max(most, notReady);
  };
  return () => most;
}

// --- scaling ---------------------------------------------------------------------------------------

t("OrderedReady create of 3 from empty: each pod is created once the one before is Ready", () => {
  const { w } = world();
  const mostNotReady = watchNotReady(w, "web");
  w.create(statefulSet("web", 3, {}, PROBE));
  w.run(seconds(30));
  // t=0: web-0 created and bound (probe worker starts at 0); pull 0→2, container 2.5, listens
  //      5.5; first probe tick at or after 5.5 is 6 → Ready 6.
  // t=6: web-1 created; image cached (pull 0), container 6.5, listens 9.5, tick 10 → Ready 10.
  // t=10: web-2 created; container 10.5, listens 13.5, tick 14 → Ready 14.
  assert.equal(eventLines(w, "StatefulSet"), [
    "SuccessfulCreate@0 create Pod web-0 in StatefulSet web successful",
    "SuccessfulCreate@6 create Pod web-1 in StatefulSet web successful",
    "SuccessfulCreate@10 create Pod web-2 in StatefulSet web successful",
  ]);
  assert.equal(
    w.events.withReason("Ready").map((e) => `${e.name}@${e.time / 1e6}`),
    ["web-0@6", "web-1@10", "web-2@14"],
  );
  assert.is(mostNotReady(), 1);
  const set = w.store.statefulSets.get("web")!;
  assert.equal(
    [set.status.replicas, set.status.readyReplicas, set.status.availableReplicas, set.status.updatedReplicas],
    [3, 3, 3, 3],
  );
  // Identity: hostname = pod name, subdomain = serviceName, the ordinal label.
  const web1 = w.store.podsByName.get("default/web-1")!;
  assert.equal([web1.spec.hostname, web1.spec.subdomain, web1.labels["apps.kubernetes.io/pod-index"]], ["web-1", "web", "1"]);
});

t("OrderedReady scale 3 → 5 → 2: up in order as each is Ready, down in reverse, one at a time", () => {
  const { w } = world();
  w.bootstrap([statefulSet("web", 3, {}, PROBE)]);
  runWith(
    w,
    [
      [10, () => scale(w, "web", 5)],
      [30, () => scale(w, "web", 2)],
    ],
    50,
  );
  // t=10: web-3 created (image cached by the steady start): container 10.5, listens 13.5,
  //       tick 14 → Ready 14 → web-4 created: container 14.5, listens 17.5, tick 18 → Ready 18.
  // t=30: web-4 deleted: SIGTERM 30, exits 32 (shutdown 2 s) and is removed → web-3 deleted at
  //       32, removed 34 → web-2 deleted at 34, removed 36.
  assert.equal(eventLines(w, "StatefulSet"), [
    "SuccessfulCreate@10 create Pod web-3 in StatefulSet web successful",
    "SuccessfulCreate@14 create Pod web-4 in StatefulSet web successful",
    "SuccessfulDelete@30 delete Pod web-4 in StatefulSet web successful",
    "SuccessfulDelete@32 delete Pod web-3 in StatefulSet web successful",
    "SuccessfulDelete@34 delete Pod web-2 in StatefulSet web successful",
  ]);
  assert.equal(Object.keys(podTags(w)).sort(), ["web-0", "web-1"]);
  assert.is(w.store.statefulSets.get("web")!.status.replicas, 2);
});

t("Parallel create, scale 3 → 5 → 2: all at once, nothing waits", () => {
  const { w } = world();
  w.create(statefulSet("web", 3, { podManagementPolicy: "Parallel" }, PROBE));
  runWith(
    w,
    [
      [20, () => scale(w, "web", 5)],
      [40, () => scale(w, "web", 2)],
    ],
    41,
  );
  // t=0: web-0..2 created in one sync, each pulls 0→2 (none cached yet), Ready at tick 6.
  // t=20: web-3 and web-4 created together, Ready 24. t=40: web-4, web-3, web-2 deleted at once.
  assert.equal(eventLines(w, "StatefulSet"), [
    "SuccessfulCreate@0 create Pod web-0 in StatefulSet web successful",
    "SuccessfulCreate@0 create Pod web-1 in StatefulSet web successful",
    "SuccessfulCreate@0 create Pod web-2 in StatefulSet web successful",
    "SuccessfulCreate@20 create Pod web-3 in StatefulSet web successful",
    "SuccessfulCreate@20 create Pod web-4 in StatefulSet web successful",
    "SuccessfulDelete@40 delete Pod web-4 in StatefulSet web successful",
    "SuccessfulDelete@40 delete Pod web-3 in StatefulSet web successful",
    "SuccessfulDelete@40 delete Pod web-2 in StatefulSet web successful",
  ]);
  assert.equal(
    w.events.withReason("Ready").map((e) => `${e.name}@${e.time / 1e6}`),
    ["web-0@6", "web-1@6", "web-2@6", "web-3@24", "web-4@24"],
  );
  // At 41 s the three are still shutting down (SIGTERM 40, exit 42); all gone at 42.
  assert.is(w.store.pods.size, 5);
  w.run(seconds(42));
  assert.equal(Object.keys(podTags(w)).sort(), ["web-0", "web-1"]);
});

// --- updates ---------------------------------------------------------------------------------------

t("RollingUpdate: pods replaced in reverse ordinal order, each after the one above is Ready", () => {
  const { w } = world();
  w.bootstrap([statefulSet("web", 3)]);
  runWith(w, [[10, () => setImage(w, "web", "web:v2")]], 60);
  // t=10: revision 2; maxUnavailable 1 → web-2 deleted, removed 12 → recreated at v2 at 12:
  //       pull v2 12→14, container 14.5 = Ready (no probe).
  // t=14.5: web-1 deleted, removed 16.5, recreated 16.5 (v2 cached) → Ready 17.
  // t=17: web-0 deleted, removed 19, recreated 19 → Ready 19.5: 3 updated, 3 Ready → complete.
  assert.equal(eventLines(w, "StatefulSet", revisionTags(w)), [
    "RolloutStarted@10 Rolling out revision 2 (controller revision web-v2)",
    "SuccessfulDelete@10 delete Pod web-2 in StatefulSet web successful",
    "SuccessfulCreate@12 create Pod web-2 in StatefulSet web successful",
    "SuccessfulDelete@14.5 delete Pod web-1 in StatefulSet web successful",
    "SuccessfulCreate@16.5 create Pod web-1 in StatefulSet web successful",
    "SuccessfulDelete@17 delete Pod web-0 in StatefulSet web successful",
    "SuccessfulCreate@19 create Pod web-0 in StatefulSet web successful",
    'RolloutComplete@19.5 StatefulSet "web" successfully rolled out revision 2 (web-v2)',
  ]);
  const set = w.store.statefulSets.get("web")!;
  assert.is(set.status.currentRevision, set.status.updateRevision);
  assert.equal(podTags(w), { "web-0": "web-v2", "web-1": "web-v2", "web-2": "web-v2" });
});

t("rollback during a rollout: the v1 revision is reused (renumbered 3) and the v2 pod is replaced", () => {
  const { w } = world();
  w.bootstrap([statefulSet("web", 3)]);
  runWith(
    w,
    [
      [10, () => setImage(w, "web", "web:v2")],
      [13, () => setImage(w, "web", "web:v1")],
    ],
    60,
  );
  // t=10: revision 2, web-2 deleted → removed 12, recreated at v2 (pull until 14).
  // t=13: the template is v1 again: revision 1 becomes revision 3 and the update revision; web-2
  //       is still starting (phase 1 waits). t=14.5: web-2 (v2) Ready → it is the outdated one:
  //       deleted, removed 16.5, recreated at v1 (cached) → Ready 17: all at the update revision.
  assert.equal(eventLines(w, "StatefulSet", revisionTags(w)), [
    "RolloutStarted@10 Rolling out revision 2 (controller revision web-v2)",
    "SuccessfulDelete@10 delete Pod web-2 in StatefulSet web successful",
    "SuccessfulCreate@12 create Pod web-2 in StatefulSet web successful",
    "RolloutStarted@13 Rolling out revision 3 (controller revision web-v1)",
    "SuccessfulDelete@14.5 delete Pod web-2 in StatefulSet web successful",
    "SuccessfulCreate@16.5 create Pod web-2 in StatefulSet web successful",
    'RolloutComplete@17 StatefulSet "web" successfully rolled out revision 3 (web-v1)',
  ]);
  const set = w.store.statefulSets.get("web")!;
  assert.equal(
    set.revisions.map((r) => `${revisionTags(w)[r.name]}#${r.revision}`),
    ["web-v2#2", "web-v1#3"],
  );
  assert.equal(podTags(w), { "web-0": "web-v1", "web-1": "web-v1", "web-2": "web-v1" });
});

t("partition 2 of 4: only ordinals 3 and 2 are updated; lowering the partition to 0 finishes the rollout", () => {
  const { w } = world();
  w.bootstrap([statefulSet("web", 4, { updateStrategy: { rollingUpdate: { partition: 2 } } })]);
  runWith(w, [[10, () => setImage(w, "web", "web:v2")]], 25);
  // t=10: web-3 deleted → removed 12, recreated at v2 (pull 2 s) → Ready 14.5 → web-2 deleted
  //       → removed 16.5, recreated (cached) → Ready 17. Ordinals 1, 0 are below the partition.
  assert.equal(podTags(w), { "web-0": "web-v1", "web-1": "web-v1", "web-2": "web-v2", "web-3": "web-v2" });
  let set = w.store.statefulSets.get("web")!;
  assert.equal([set.status.updatedReplicas, set.status.currentReplicas], [2, 2]);
  assert.is.not(set.status.currentRevision, set.status.updateRevision);
  runWith(w, [[30, () => setPartition(w, "web", 0)]], 60);
  // t=30: web-1 deleted → removed 32, recreated → Ready 32.5 → web-0 deleted → removed 34.5,
  //       recreated → Ready 35: complete. The update revision did not change at 30: no new start.
  assert.equal(eventLines(w, "StatefulSet", revisionTags(w)), [
    "RolloutStarted@10 Rolling out revision 2 (controller revision web-v2)",
    "SuccessfulDelete@10 delete Pod web-3 in StatefulSet web successful",
    "SuccessfulCreate@12 create Pod web-3 in StatefulSet web successful",
    "SuccessfulDelete@14.5 delete Pod web-2 in StatefulSet web successful",
    "SuccessfulCreate@16.5 create Pod web-2 in StatefulSet web successful",
    "SuccessfulDelete@30 delete Pod web-1 in StatefulSet web successful",
    "SuccessfulCreate@32 create Pod web-1 in StatefulSet web successful",
    "SuccessfulDelete@32.5 delete Pod web-0 in StatefulSet web successful",
    "SuccessfulCreate@34.5 create Pod web-0 in StatefulSet web successful",
    'RolloutComplete@35 StatefulSet "web" successfully rolled out revision 2 (web-v2)',
  ]);
  set = w.store.statefulSets.get("web")!;
  assert.is(set.status.currentRevision, set.status.updateRevision);
});

t("a pod below the partition that is deleted or fails comes back at the current revision", () => {
  const { w } = world();
  w.bootstrap([statefulSet("web", 4, { updateStrategy: { rollingUpdate: { partition: 2 } } })]);
  runWith(
    w,
    [
      [10, () => setImage(w, "web", "web:v2")],
      // kubectl delete pod web-0 (grace 30 s; the app exits after 2 s).
      [20, () => w.store.apply({ type: "pod/delete", uid: w.store.podsByName.get("default/web-0")!.uid, gracePeriodSeconds: 30 })],
      // web-1 fails (as after an eviction): phase Failed.
      [25, () => w.store.apply({ type: "pod/status", uid: w.store.podsByName.get("default/web-1")!.uid, status: { phase: "Failed", ready: false } })],
    ],
    30,
  );
  // Update as above until 17. t=20: web-0 SIGTERM, removed 22 → recreated at 22 from revision 1
  // (v1, cached: Ready 22.5). t=25: web-1 Failed → deleted (a terminal pod goes at once) →
  // recreated at 25 at revision 1.
  const lines = eventLines(w, "StatefulSet", revisionTags(w)).filter((l) => Number(l.split("@")[1].split(" ")[0]) >= 20);
  assert.equal(lines, [
    "SuccessfulCreate@22 create Pod web-0 in StatefulSet web successful",
    "SuccessfulDelete@25 delete Pod web-1 in StatefulSet web successful",
    "SuccessfulCreate@25 create Pod web-1 in StatefulSet web successful",
  ]);
  assert.equal(podTags(w), { "web-0": "web-v1", "web-1": "web-v1", "web-2": "web-v2", "web-3": "web-v2" });
  assert.is(w.store.podsByName.get("default/web-0")!.spec.containers[0].image, "web:v1");
});

t("maxUnavailable 2, Parallel: two pods at a time, from the highest ordinal", () => {
  const { w } = world();
  w.bootstrap([statefulSet("web", 4, { podManagementPolicy: "Parallel", updateStrategy: { rollingUpdate: { maxUnavailable: 2 } } })]);
  runWith(w, [[10, () => setImage(w, "web", "web:v2")]], 60);
  // t=10: 0 unavailable, budget 2 → web-3, web-2 deleted; removed 12, both recreated at 12 (each
  //       pulls v2 12→14, Ready 14.5; 2 unavailable meanwhile → no more deletions).
  // t=14.5: web-1, web-0 deleted; removed 16.5, recreated (cached) → Ready 17: complete.
  assert.equal(eventLines(w, "StatefulSet", revisionTags(w)), [
    "RolloutStarted@10 Rolling out revision 2 (controller revision web-v2)",
    "SuccessfulDelete@10 delete Pod web-3 in StatefulSet web successful",
    "SuccessfulDelete@10 delete Pod web-2 in StatefulSet web successful",
    "SuccessfulCreate@12 create Pod web-2 in StatefulSet web successful",
    "SuccessfulCreate@12 create Pod web-3 in StatefulSet web successful",
    "SuccessfulDelete@14.5 delete Pod web-1 in StatefulSet web successful",
    "SuccessfulDelete@14.5 delete Pod web-0 in StatefulSet web successful",
    "SuccessfulCreate@16.5 create Pod web-0 in StatefulSet web successful",
    "SuccessfulCreate@16.5 create Pod web-1 in StatefulSet web successful",
    'RolloutComplete@17 StatefulSet "web" successfully rolled out revision 2 (web-v2)',
  ]);
});

t("maxUnavailable 2, OrderedReady: two deleted at a time, but recreated one by one in ordinal order", () => {
  const { w } = world();
  w.bootstrap([statefulSet("web", 4, { updateStrategy: { rollingUpdate: { maxUnavailable: 2 } } })]);
  runWith(w, [[10, () => setImage(w, "web", "web:v2")]], 60);
  // t=10: web-3, web-2 deleted; removed 12. Phase 1 creates web-2 only (monotonic) → Ready 14.5
  //       → web-3 created (cached) → Ready 15 → web-1, web-0 deleted at 15; removed 17 → web-0
  //       created → Ready 17.5 → web-1 created → Ready 18: complete.
  assert.equal(eventLines(w, "StatefulSet", revisionTags(w)), [
    "RolloutStarted@10 Rolling out revision 2 (controller revision web-v2)",
    "SuccessfulDelete@10 delete Pod web-3 in StatefulSet web successful",
    "SuccessfulDelete@10 delete Pod web-2 in StatefulSet web successful",
    "SuccessfulCreate@12 create Pod web-2 in StatefulSet web successful",
    "SuccessfulCreate@14.5 create Pod web-3 in StatefulSet web successful",
    "SuccessfulDelete@15 delete Pod web-1 in StatefulSet web successful",
    "SuccessfulDelete@15 delete Pod web-0 in StatefulSet web successful",
    "SuccessfulCreate@17 create Pod web-0 in StatefulSet web successful",
    "SuccessfulCreate@17.5 create Pod web-1 in StatefulSet web successful",
    'RolloutComplete@18 StatefulSet "web" successfully rolled out revision 2 (web-v2)',
  ]);
});

t("legacy update path (MaxUnavailableStatefulSet off): maxUnavailable 2 is ignored, one pod at a time", () => {
  const { w } = world({}, false);
  w.bootstrap([statefulSet("web", 4, { updateStrategy: { rollingUpdate: { maxUnavailable: 2 } } })]);
  runWith(w, [[10, () => setImage(w, "web", "web:v2")]], 60);
  // Each step: delete, removed 2 s later, recreated; the first pulls v2 (Ready +2.5 s), the others
  // are cached (Ready +0.5 s): 10 → 12 → 14.5 → 16.5 → 17 → 19 → 19.5 → 21.5 → 22.
  assert.equal(
    eventLines(w, "StatefulSet", revisionTags(w)).map((l) => l.split(" in ")[0]),
    [
      "RolloutStarted@10 Rolling out revision 2 (controller revision web-v2)",
      "SuccessfulDelete@10 delete Pod web-3",
      "SuccessfulCreate@12 create Pod web-3",
      "SuccessfulDelete@14.5 delete Pod web-2",
      "SuccessfulCreate@16.5 create Pod web-2",
      "SuccessfulDelete@17 delete Pod web-1",
      "SuccessfulCreate@19 create Pod web-1",
      "SuccessfulDelete@19.5 delete Pod web-0",
      "SuccessfulCreate@21.5 create Pod web-0",
      'RolloutComplete@22 StatefulSet "web" successfully rolled out revision 2 (web-v2)',
    ],
  );
});

t("OnDelete: nothing is replaced until a pod is deleted; replacements come at the update revision", () => {
  const { w } = world();
  w.bootstrap([statefulSet("web", 3, { updateStrategy: { type: "OnDelete" } })]);
  const deletePod = (name: string) => w.store.apply({ type: "pod/delete", uid: w.store.podsByName.get(`default/${name}`)!.uid, gracePeriodSeconds: 30 });
  runWith(
    w,
    [
      [10, () => setImage(w, "web", "web:v2")],
      [20, () => deletePod("web-1")],
    ],
    29,
  );
  // t=10: revision 2, no deletion. t=20: web-1 SIGTERM, removed 22, recreated at v2 → Ready 24.5.
  assert.equal(podTags(w), { "web-0": "web-v1", "web-1": "web-v2", "web-2": "web-v1" });
  runWith(
    w,
    [
      [
        30,
        () => {
          deletePod("web-0");
          deletePod("web-2");
        },
      ],
    ],
    60,
  );
  // t=30: both removed at 32; OrderedReady recreates web-0 (Ready 32.5, v2 cached), then web-2
  // (created 32.5, Ready 33): every replica updated and Ready.
  assert.equal(eventLines(w, "StatefulSet", revisionTags(w)), [
    "RolloutStarted@10 Rolling out revision 2 (controller revision web-v2)",
    "SuccessfulCreate@22 create Pod web-1 in StatefulSet web successful",
    "SuccessfulCreate@32 create Pod web-0 in StatefulSet web successful",
    "SuccessfulCreate@32.5 create Pod web-2 in StatefulSet web successful",
    'RolloutComplete@33 StatefulSet "web" successfully rolled out revision 2 (web-v2)',
  ]);
  // v1.35: OnDelete never moves status.currentRevision (kubernetes#73492).
  const set = w.store.statefulSets.get("web")!;
  assert.equal(revisionTags(w)[set.status.currentRevision], "web-v1");
  assert.is(set.status.updatedReplicas, 3);
});

// --- storage ---------------------------------------------------------------------------------------

const CLAIMS = { volumeClaimTemplates: [{ metadata: { name: "data" } }] };

t("PVCs with Retain/Retain: kept on scale-down and reused on scale-up (same claims, no new ones)", () => {
  const { w, controller } = world();
  w.bootstrap([statefulSet("web", 3, CLAIMS)]);
  const uids = controller.claims.ofSet("default", "web").map((c) => c.uid);
  runWith(
    w,
    [
      [10, () => scale(w, "web", 1)],
      [20, () => scale(w, "web", 3)],
    ],
    30,
  );
  // t=10: web-2 deleted, removed 12 → web-1 deleted, removed 14. t=20: web-1 created (Ready
  // 20.5, cached) → web-2 created at 20.5. No claim is deleted or created.
  assert.equal(eventLines(w, "StatefulSet"), [
    "SuccessfulDelete@10 delete Pod web-2 in StatefulSet web successful",
    "SuccessfulDelete@12 delete Pod web-1 in StatefulSet web successful",
    "SuccessfulCreate@20 create Pod web-1 in StatefulSet web successful",
    "SuccessfulCreate@20.5 create Pod web-2 in StatefulSet web successful",
  ]);
  assert.equal(controller.claims.names(), ["data-web-0", "data-web-1", "data-web-2"]);
  assert.equal(
    controller.claims.ofSet("default", "web").map((c) => c.uid),
    uids,
  );
});

t("PVCs with whenScaled: Delete: a scaled-down pod's claim goes with the pod; scale-up makes new ones", () => {
  const { w, controller } = world();
  w.bootstrap([statefulSet("web", 3, { ...CLAIMS, persistentVolumeClaimRetentionPolicy: { whenScaled: "Delete", whenDeleted: "Retain" } })]);
  const claimsAt: Record<number, string[]> = {};
  runWith(
    w,
    [
      [10, () => scale(w, "web", 1)],
      [13, () => (claimsAt[13] = controller.claims.names())],
      [15, () => (claimsAt[15] = controller.claims.names())],
      [20, () => scale(w, "web", 3)],
    ],
    30,
  );
  // t=10: claims of web-2 and web-1 get their pod as owner; web-2 deleted, removed 12 → its claim
  // collected at 12; web-1 deleted at 12, removed 14 → claim collected at 14.
  assert.equal(claimsAt[13], ["data-web-0", "data-web-1"]);
  assert.equal(claimsAt[15], ["data-web-0"]);
  // t=20: web-1 and (at 20.5) web-2 come back with new claims, created before their pods.
  assert.equal(eventLines(w, "StatefulSet").slice(2), [
    "SuccessfulCreate@20 create Claim data-web-1 Pod web-1 in StatefulSet web success",
    "SuccessfulCreate@20 create Pod web-1 in StatefulSet web successful",
    "SuccessfulCreate@20.5 create Claim data-web-2 Pod web-2 in StatefulSet web success",
    "SuccessfulCreate@20.5 create Pod web-2 in StatefulSet web successful",
  ]);
  assert.equal(controller.claims.names(), ["data-web-0", "data-web-1", "data-web-2"]);
});

t("PVCs with whenDeleted: Delete: retained on scale-down, all deleted with the set", () => {
  const { w, controller } = world();
  w.bootstrap([statefulSet("web", 3, { ...CLAIMS, persistentVolumeClaimRetentionPolicy: { whenScaled: "Retain", whenDeleted: "Delete" } })]);
  runWith(w, [[10, () => scale(w, "web", 1)]], 19);
  assert.equal(controller.claims.names(), ["data-web-0", "data-web-1", "data-web-2"]);
  runWith(w, [[20, () => w.store.apply({ type: "workload/delete", kind: "StatefulSet", name: "web" })]], 21);
  // Every claim is owned by the set (in range or not): the garbage collector takes them all.
  assert.equal(controller.claims.names(), []);
});

// --- at most one pod per identity -------------------------------------------------------------------

// Found by the long random-scenario property (fast-check seed 3, model 843). Upstream has the
// same stall: its requeues are AddAfter on a delaying queue that keeps only the earliest due time
// per key (client-go util/workqueue/delaying_queue.go insert), and syncStatefulSet requeues only
// while status.availableReplicas != spec.replicas (pkg/controller/statefulset/stateful_set.go),
// which a scale-down makes true while a replica is Ready but not yet available. The controller
// then waits for that replica (processReplica: !isRunningAndAvailable && monotonic) and nothing
// syncs the set again until an informer resync (12-24 h in kube-controller-manager).
t("OrderedReady + minReadySeconds: a scale-down while a replica is Ready but not available stalls, as upstream", () => {
  const run = (scaleAt: number, minReadySeconds: number) => {
    const { w } = world();
    w.bootstrap([statefulSet("web", 3, { minReadySeconds }, PROBE)]);
    const web1 = () => w.store.podsByName.get("default/web-1")!;
    runWith(
      w,
      [
        [100, () => w.store.apply({ type: "pod/delete", uid: web1().uid, gracePeriodSeconds: 30 })],
        [scaleAt, () => scale(w, "web", 2)],
      ],
      1000,
    );
    return eventLines(w, "StatefulSet");
  };
  // t=100: web-1 deleted: SIGTERM, exits 102 (shutdown 2 s) and is removed → web-1 created at 102
  //        (image cached), container 102.5, listens 105.5, probe tick 106 → Ready 106; with
  //        minReadySeconds 10 available from 116. Syncs from 100 on see fewer than 3 available
  //        and requeue after 10 s; the earliest (≤ 112) wins, so the Ready-at-106 AddAfter(11 s)
  //        and later requeues (116, 117) are dropped.
  // Scale to 2 at 108: web-1 is not available, so the set waits; available (web-0, web-2) = 2 =
  // spec.replicas, so no requeue; the pending one (≤ 112) fires while web-1 is still not
  // available. web-2 is never deleted.
  const recreated = "SuccessfulCreate@102 create Pod web-1 in StatefulSet web successful";
  assert.equal(run(108, 10), [recreated]);
  // Scale at 118, web-1 available since 116: web-2 is deleted at once.
  assert.equal(run(118, 10), [recreated, "SuccessfulDelete@118 delete Pod web-2 in StatefulSet web successful"]);
  // Without minReadySeconds, Ready is enough: web-2 is deleted at 108.
  assert.equal(run(108, 0), [recreated, "SuccessfulDelete@108 delete Pod web-2 in StatefulSet web successful"]);
});

t("a terminating pod on a node whose kubelet is down blocks its re-creation (and, OrderedReady, the set)", () => {
  const { w } = world();
  w.bootstrap([statefulSet("web", 3)]);
  const web1 = () => w.store.podsByName.get("default/web-1");
  runWith(
    w,
    [
      [
        10,
        () => {
          w.store.apply({ type: "node/update", name: "worker-1", patch: { kubeletUp: false } });
          w.store.apply({ type: "pod/delete", uid: web1()!.uid, gracePeriodSeconds: 30 });
        },
      ],
      [20, () => scale(w, "web", 4)],
    ],
    99,
  );
  // Nobody confirms the deletion: web-1 stays Terminating, no second web-1, and the scale-up
  // waits behind it.
  assert.ok(web1()!.deletionTimestamp !== null);
  assert.equal(eventLines(w, "StatefulSet"), []);
  runWith(w, [[100, () => w.store.apply({ type: "node/update", name: "worker-1", patch: { kubeletUp: true } })]], 110);
  // t=100: the kubelet removes web-1 and restarts web-0 and web-2 (not Ready until their
  // containers start again at 100.5) → web-1 created at 100.5, Ready 101 → web-3 created at 101.
  assert.equal(eventLines(w, "StatefulSet"), [
    "SuccessfulCreate@100.5 create Pod web-1 in StatefulSet web successful",
    "SuccessfulCreate@101 create Pod web-3 in StatefulSet web successful",
  ]);
});

t("Parallel: the terminating pod blocks only its own name; a force delete lets it be recreated", () => {
  const { w } = world();
  w.bootstrap([statefulSet("web", 3, { podManagementPolicy: "Parallel" })]);
  const web1 = () => w.store.podsByName.get("default/web-1")!;
  runWith(
    w,
    [
      [
        10,
        () => {
          w.store.apply({ type: "node/update", name: "worker-1", patch: { kubeletUp: false } });
          w.store.apply({ type: "pod/delete", uid: web1().uid, gracePeriodSeconds: 30 });
        },
      ],
      [20, () => scale(w, "web", 4)],
      // kubectl delete pod web-1 --force --grace-period=0: the object is removed at once.
      [30, () => w.store.apply({ type: "pod/delete", uid: web1().uid, gracePeriodSeconds: 0 })],
    ],
    40,
  );
  assert.equal(eventLines(w, "StatefulSet"), [
    "SuccessfulCreate@20 create Pod web-3 in StatefulSet web successful",
    "SuccessfulCreate@30 create Pod web-1 in StatefulSet web successful",
  ]);
});

t.run();
