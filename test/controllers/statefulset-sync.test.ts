// Pins down one sync of the StatefulSet controller (`syncStatefulSet`, upstream
// stateful_set_control.go `updateStatefulSet`): which pods are created, deleted or waited for, in
// which order, and the status written. Tables of hand-checked cases, named by their inputs.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { getStatefulSetRevisions } from "../../sim/controllers/statefulset/revisions.ts";
import {
  CONTROLLER_REVISION_HASH_LABEL,
  newStatefulSetPod,
  POD_INDEX_LABEL,
  STATEFULSET_POD_NAME_LABEL,
  type StatefulSetAction,
  type StatefulSetDecision,
  syncStatefulSet,
} from "../../sim/controllers/statefulset/sync.ts";
import { statefulSetFromManifest } from "../../sim/model/from-manifest.ts";
import type { Pod } from "../../sim/model/objects.ts";
import type { ControllerRevision, StatefulSet } from "../../sim/model/workloads.ts";

const t = suite("StatefulSet sync: one pass of updateStatefulSet, action by action");

const S = 1_000_000; // µs per second
const NOW = 100 * S;

function template(tag: string) {
  return { metadata: { labels: { app: "web" } }, spec: { containers: [{ name: "web", image: `web:${tag}` }] } };
}

/** A set whose first sync has happened: revision 1 (web:v1) is both current and update. */
function statefulSet(spec: Record<string, unknown> = {}): StatefulSet {
  const set = statefulSetFromManifest(
    { kind: "StatefulSet", metadata: { name: "web" }, spec: { replicas: 3, serviceName: "web-svc", selector: { matchLabels: { app: "web" } }, template: template("v1"), ...spec } },
    "set-uid",
    0,
  );
  const first = getStatefulSetRevisions(set);
  set.revisions = [...first.history];
  set.status = { ...set.status, currentRevision: first.update.name, updateRevision: first.update.name };
  return set;
}

/** `kubectl set image`: a new template, so a new update revision. */
function setImage(set: StatefulSet, tag: string): ControllerRevision {
  set.spec = { ...set.spec, template: template(tag) };
  set.generation++;
  return getStatefulSetRevisions(set).update;
}

type State = "ready" | "running" | "pending" | "terminating" | "failed" | "succeeded";

/** Pod `<set>-<ordinal>` at a revision (default: the set's current one) in a given state. */
function pod(set: StatefulSet, ordinal: number, state: State = "ready", revision?: ControllerRevision, readyAt = 0): Pod {
  const rev = revision ?? set.revisions.find((r) => r.name === set.status.currentRevision)!;
  const p = newStatefulSetPod(set, rev, ordinal, `uid-${ordinal}-${rev.name}`, 0);
  p.nodeName = "worker-1";
  p.phase = state === "pending" ? "Pending" : state === "failed" ? "Failed" : state === "succeeded" ? "Succeeded" : "Running";
  p.ready = state === "ready" || state === "terminating";
  p.readyTransitionTime = readyAt;
  if (state === "terminating") p.deletionTimestamp = NOW + 30 * S;
  return p;
}

/** Actions as short lines: "create web-1@v1", "delete web-2 (update)". */
function lines(d: StatefulSetDecision): string[] {
  return d.actions.map(line);
}

function line(a: StatefulSetAction): string {
  switch (a.type) {
    case "createPod":
      return `create ${a.name}@${tagOf(a.revision)}`;
    case "deletePod":
      return `delete ${a.pod.name} (${a.reason})`;
    case "createClaim":
      return `claim ${a.claim}${owners(a.owners)}`;
    case "setClaimOwners":
      return `owners ${a.claim}${owners(a.owners)}`;
  }
}

function owners(o: { setUid: string | null; pod: { name: string } | null }): string {
  const refs = [o.setUid !== null ? "set" : "", o.pod !== null ? `pod ${o.pod.name}` : ""].filter(Boolean);
  return refs.length === 0 ? "" : ` → ${refs.join(", ")}`;
}

function tagOf(r: ControllerRevision): string {
  return ((r.template.spec!.containers as { image: string }[])[0].image).split(":")[1];
}

interface Case {
  readonly name: string;
  readonly spec?: Record<string, unknown>;
  /** Template tag after the set was created (an update when not v1). */
  readonly image?: string;
  readonly pods: (set: StatefulSet, update: ControllerRevision) => Pod[];
  readonly gate?: boolean;
  readonly expected: string[];
  readonly waiting?: string | null;
}

const cases: Case[] = [
  // --- phase 1: replicas, ascending -------------------------------------------------------
  { name: "OrderedReady, no pods: creates web-0 only", pods: () => [], expected: ["create web-0@v1"], waiting: "web-0 was just created" },
  {
    name: "Parallel, no pods: creates web-0, web-1, web-2 in one pass",
    spec: { podManagementPolicy: "Parallel" },
    pods: () => [],
    expected: ["create web-0@v1", "create web-1@v1", "create web-2@v1"],
    waiting: null,
  },
  { name: "OrderedReady, web-0 Pending: waits", pods: (s) => [pod(s, 0, "pending")], expected: [], waiting: "web-0 to be Running and Ready" },
  { name: "OrderedReady, web-0 Ready: creates web-1", pods: (s) => [pod(s, 0)], expected: ["create web-1@v1"] },
  {
    name: "OrderedReady, web-0 Running but not Ready: web-2 is not created although web-1 is Ready",
    pods: (s) => [pod(s, 0, "running"), pod(s, 1)],
    expected: [],
    waiting: "web-0 to be Running and Ready",
  },
  {
    name: "OrderedReady, web-0 terminating: waits for it to be gone, web-1 missing stays missing",
    pods: (s) => [pod(s, 0, "terminating")],
    expected: [],
    waiting: "web-0 to terminate",
  },
  { name: "ordinals.start 5: the first pod is web-5", spec: { ordinals: { start: 5 } }, pods: () => [], expected: ["create web-5@v1"] },
  {
    name: "web-0 Failed: deleted, and not recreated in this pass (its name is still taken)",
    pods: (s) => [pod(s, 0, "failed"), pod(s, 1), pod(s, 2)],
    expected: ["delete web-0 (failed)"],
    waiting: "web-0 is Failed and is being replaced",
  },
  { name: "web-1 Succeeded: deleted like a failed pod", pods: (s) => [pod(s, 0), pod(s, 1, "succeeded")], expected: ["delete web-1 (failed)"] },
  {
    name: "Parallel: web-0 Failed is deleted and missing web-2 created in the same pass",
    spec: { podManagementPolicy: "Parallel" },
    pods: (s) => [pod(s, 0, "failed"), pod(s, 1)],
    expected: ["delete web-0 (failed)", "create web-2@v1"],
  },
  {
    name: "Parallel: a terminating web-1 blocks only its own name; web-2 is created",
    spec: { podManagementPolicy: "Parallel" },
    pods: (s) => [pod(s, 0), pod(s, 1, "terminating")],
    expected: ["create web-2@v1"],
  },
  {
    name: "minReadySeconds 10: web-0 Ready since 95 s is not available at 100 s: waits",
    spec: { minReadySeconds: 10 },
    pods: (s) => [pod(s, 0, "ready", undefined, 95 * S)],
    expected: [],
    waiting: "web-0 to be available",
  },
  {
    // floor(90.4 s) = 90 s; 90 + 10 ≤ 100 → available (kubesim's boundary rule).
    name: "minReadySeconds 10: web-0 Ready since 90.4 s is available at 100 s: creates web-1",
    spec: { minReadySeconds: 10 },
    pods: (s) => [pod(s, 0, "ready", undefined, 90.4 * S)],
    expected: ["create web-1@v1"],
  },

  // --- phase 3: condemned, descending -----------------------------------------------------
  {
    name: "OrderedReady 3 → 1, all healthy: deletes web-2 only (highest ordinal first)",
    spec: { replicas: 1 },
    pods: (s) => [pod(s, 0), pod(s, 1), pod(s, 2)],
    expected: ["delete web-2 (condemned)"],
    waiting: "web-2 to terminate (scale down)",
  },
  {
    name: "OrderedReady 3 → 1, web-2 terminating: web-1 waits until web-2 is gone",
    spec: { replicas: 1 },
    pods: (s) => [pod(s, 0), pod(s, 1), pod(s, 2, "terminating")],
    expected: [],
    waiting: "web-2 to terminate before scaling down further",
  },
  {
    name: "Parallel 3 → 1: deletes web-2 and web-1 at once",
    spec: { replicas: 1, podManagementPolicy: "Parallel" },
    pods: (s) => [pod(s, 0), pod(s, 1), pod(s, 2)],
    expected: ["delete web-2 (condemned)", "delete web-1 (condemned)"],
  },
  {
    name: "OrderedReady 3 → 1 while web-0 is not Ready: no scale-down (phase 1 waits first)",
    spec: { replicas: 1 },
    pods: (s) => [pod(s, 0, "running"), pod(s, 1), pod(s, 2)],
    expected: [],
    waiting: "web-0 to be Running and Ready",
  },
  {
    name: "first unhealthy pod: web-4 not Ready, web-3 Ready → web-4 (the first unhealthy) is deleted",
    pods: (s) => [pod(s, 0), pod(s, 1), pod(s, 2), pod(s, 3), pod(s, 4, "running")],
    expected: ["delete web-4 (condemned)"],
  },
  {
    name: "first unhealthy pod: web-4 and web-3 not Ready → web-3 is first, web-4 waits for it",
    pods: (s) => [pod(s, 0), pod(s, 1), pod(s, 2), pod(s, 3, "running"), pod(s, 4, "running")],
    expected: [],
    waiting: "web-3 to be Running and Ready before scaling down",
  },
  {
    name: "first unhealthy pod: web-4 Ready, web-3 not Ready → web-4 is healthy and goes first",
    pods: (s) => [pod(s, 0), pod(s, 1), pod(s, 2), pod(s, 3, "running"), pod(s, 4)],
    expected: ["delete web-4 (condemned)"],
  },
  {
    name: "scale-down takes precedence over the update: condemned web-3 first, no update deletion",
    image: "v2",
    pods: (s) => [pod(s, 0), pod(s, 1), pod(s, 2), pod(s, 3)],
    expected: ["delete web-3 (condemned)"],
  },

  // --- phase 4: RollingUpdate -------------------------------------------------------------
  {
    name: "RollingUpdate, all at v1, template v2: deletes web-2 (highest ordinal)",
    image: "v2",
    pods: (s) => [pod(s, 0), pod(s, 1), pod(s, 2)],
    expected: ["delete web-2 (update)"],
  },
  {
    name: "RollingUpdate, web-2 at v2 and Ready: deletes web-1",
    image: "v2",
    pods: (s, u) => [pod(s, 0), pod(s, 1), pod(s, 2, "ready", u)],
    expected: ["delete web-1 (update)"],
  },
  {
    name: "RollingUpdate, web-2 missing: recreated at v2, nothing deleted (OrderedReady)",
    image: "v2",
    pods: (s) => [pod(s, 0), pod(s, 1)],
    expected: ["create web-2@v2"],
  },
  {
    name: "partition 2 of 4: deletes web-3 only",
    spec: { replicas: 4, updateStrategy: { rollingUpdate: { partition: 2 } } },
    image: "v2",
    pods: (s) => [pod(s, 0), pod(s, 1), pod(s, 2), pod(s, 3)],
    expected: ["delete web-3 (update)"],
  },
  {
    name: "partition 2 of 4, web-3 and web-2 updated: nothing more (web-0, web-1 stay at v1)",
    spec: { replicas: 4, updateStrategy: { rollingUpdate: { partition: 2 } } },
    image: "v2",
    pods: (s, u) => [pod(s, 0), pod(s, 1), pod(s, 2, "ready", u), pod(s, 3, "ready", u)],
    expected: [],
    waiting: null,
  },
  {
    name: "partition 2 of 4: missing web-1 is recreated at the current revision v1, missing web-3 at v2",
    spec: { replicas: 4, podManagementPolicy: "Parallel", updateStrategy: { rollingUpdate: { partition: 2 } } },
    image: "v2",
    pods: (s, u) => [pod(s, 0), pod(s, 2, "ready", u)],
    expected: ["create web-1@v1", "create web-3@v2"],
  },
  {
    name: "maxUnavailable 2 of 4, all healthy: deletes web-3 and web-2",
    spec: { replicas: 4, updateStrategy: { rollingUpdate: { maxUnavailable: 2 } } },
    image: "v2",
    pods: (s) => [pod(s, 0), pod(s, 1), pod(s, 2), pod(s, 3)],
    expected: ["delete web-3 (update)", "delete web-2 (update)"],
  },
  {
    name: "maxUnavailable 2, Parallel, web-3 updated but not Ready: budget 2 − 1 = 1 → deletes web-2",
    spec: { replicas: 4, podManagementPolicy: "Parallel", updateStrategy: { rollingUpdate: { maxUnavailable: 2 } } },
    image: "v2",
    pods: (s, u) => [pod(s, 0), pod(s, 1), pod(s, 2), pod(s, 3, "running", u)],
    expected: ["delete web-2 (update)"],
  },
  {
    name: "maxUnavailable 2, Parallel, two unavailable (one terminating): budget 0 → nothing",
    spec: { replicas: 4, podManagementPolicy: "Parallel", updateStrategy: { rollingUpdate: { maxUnavailable: 2 } } },
    image: "v2",
    pods: (s, u) => [pod(s, 0), pod(s, 1), pod(s, 2, "terminating"), pod(s, 3, "running", u)],
    expected: [],
  },
  {
    name: 'maxUnavailable "50%" of 5 = floor(2.5) = 2: deletes web-4 and web-3',
    spec: { replicas: 5, updateStrategy: { rollingUpdate: { maxUnavailable: "50%" } } },
    image: "v2",
    pods: (s) => [0, 1, 2, 3, 4].map((i) => pod(s, i)),
    expected: ["delete web-4 (update)", "delete web-3 (update)"],
  },
  {
    name: "legacy path (MaxUnavailableStatefulSet off): maxUnavailable 2 is ignored, deletes web-3 only",
    spec: { replicas: 4, updateStrategy: { rollingUpdate: { maxUnavailable: 2 } } },
    image: "v2",
    gate: false,
    pods: (s) => [pod(s, 0), pod(s, 1), pod(s, 2), pod(s, 3)],
    expected: ["delete web-3 (update)"],
  },
  {
    name: "legacy path, Parallel: web-3 updated but not Ready → waits before web-2",
    spec: { replicas: 4, podManagementPolicy: "Parallel" },
    image: "v2",
    gate: false,
    pods: (s, u) => [pod(s, 0), pod(s, 1), pod(s, 2), pod(s, 3, "running", u)],
    expected: [],
  },
  {
    name: "OnDelete, template v2: nothing is deleted",
    spec: { updateStrategy: { type: "OnDelete" } },
    image: "v2",
    pods: (s) => [pod(s, 0), pod(s, 1), pod(s, 2)],
    expected: [],
    waiting: null,
  },
  {
    name: "OnDelete: a missing pod is created at the update revision",
    spec: { updateStrategy: { type: "OnDelete" } },
    image: "v2",
    pods: (s) => [pod(s, 0), pod(s, 2)],
    expected: ["create web-1@v2"],
  },
];

for (const c of cases) {
  t(c.name, () => {
    const set = statefulSet(c.spec);
    const update = c.image === undefined ? set.revisions[0] : setImage(set, c.image);
    const d = syncStatefulSet(set, c.pods(set, update), NOW, { maxUnavailableStatefulSet: c.gate });
    assert.equal(lines(d), c.expected);
    if (c.waiting !== undefined) assert.is(d.waitingFor, c.waiting);
  });
}

// --- identity --------------------------------------------------------------------------------
t("a new pod has its identity: name, hostname, subdomain, the three labels, the revision's template", () => {
  const set = statefulSet({ ordinals: { start: 3 } });
  const update = setImage(set, "v2");
  const p = newStatefulSetPod(set, update, 4, "u", 7 * S, 300);
  assert.is(p.name, "web-4");
  assert.is(p.spec.hostname, "web-4");
  assert.is(p.spec.subdomain, "web-svc");
  assert.equal(p.labels, {
    app: "web",
    [STATEFULSET_POD_NAME_LABEL]: "web-4",
    [POD_INDEX_LABEL]: "4",
    [CONTROLLER_REVISION_HASH_LABEL]: update.name,
  });
  assert.is(p.revision, update.name);
  assert.is(p.app, "web");
  assert.is(p.spec.containers[0].image, "web:v2");
  assert.equal(p.owner, { kind: "StatefulSet", name: "web", uid: "set-uid" });
  // DefaultTolerationSeconds admission: not-ready and unreachable tolerations of 300 s.
  assert.equal(
    p.spec.tolerations.map((x) => `${x.key}:${x.tolerationSeconds}`),
    ["node.kubernetes.io/not-ready:300", "node.kubernetes.io/unreachable:300"],
  );
});

t("a pod below the partition is recreated from the current revision's template, not the set's", () => {
  const set = statefulSet({ replicas: 2, podManagementPolicy: "Parallel", updateStrategy: { rollingUpdate: { partition: 1 } } });
  setImage(set, "v2");
  const d = syncStatefulSet(set, [], NOW);
  const create = d.actions.filter((a) => a.type === "createPod") as Extract<StatefulSetAction, { type: "createPod" }>[];
  assert.equal(
    create.map((a) => `${a.name}:${(a.revision.template.spec!.containers as { image: string }[])[0].image}`),
    ["web-0:web:v1", "web-1:web:v2"],
  );
});

// --- status ----------------------------------------------------------------------------------
t("status: replicas counts terminating pods; current/updated do not; ready needs Running", () => {
  const set = statefulSet({ replicas: 4, podManagementPolicy: "Parallel", updateStrategy: { type: "OnDelete" } });
  const update = setImage(set, "v2");
  // web-0 v1 Ready, web-1 v1 terminating (still Ready), web-2 v2 Pending, web-3 v2 Ready.
  const pods = [pod(set, 0), pod(set, 1, "terminating"), pod(set, 2, "pending", update), pod(set, 3, "ready", update)];
  const d = syncStatefulSet(set, pods, NOW);
  assert.equal(d.status, {
    observedGeneration: 2,
    replicas: 4,
    readyReplicas: 3,
    availableReplicas: 3,
    currentReplicas: 1,
    updatedReplicas: 2,
    currentRevision: set.revisions[0].name,
    updateRevision: update.name,
  });
});

t("status: each pod deleted for the update is taken off currentReplicas in the same pass", () => {
  const set = statefulSet({ replicas: 4, updateStrategy: { rollingUpdate: { maxUnavailable: 2 } } });
  setImage(set, "v2");
  const d = syncStatefulSet(set, [0, 1, 2, 3].map((i) => pod(set, i)), NOW);
  // 4 current pods, two deleted this pass → currentReplicas 4 − 2 = 2.
  assert.is(d.status.currentReplicas, 2);
  assert.is(d.status.replicas, 4);
});

t("completeRollingUpdate: every replica updated and Ready → the update revision becomes current", () => {
  const set = statefulSet();
  const update = setImage(set, "v2");
  const d = syncStatefulSet(set, [0, 1, 2].map((i) => pod(set, i, "ready", update)), NOW);
  assert.is(d.status.currentRevision, update.name);
  assert.is(d.status.currentReplicas, 3);
  assert.is(d.status.updatedReplicas, 3);
});

t("completeRollingUpdate needs replicas == spec.replicas: an extra condemned pod keeps the old current revision", () => {
  const set = statefulSet({ replicas: 2 });
  const update = setImage(set, "v2");
  // web-2 is condemned but still terminating: replicas 3 ≠ 2.
  const d = syncStatefulSet(set, [pod(set, 0, "ready", update), pod(set, 1, "ready", update), pod(set, 2, "terminating", update)], NOW);
  assert.is(d.status.currentRevision, set.revisions[0].name);
});

t("OnDelete: all pods updated, yet the current revision stays (v1.35, kubernetes#73492)", () => {
  const set = statefulSet({ updateStrategy: { type: "OnDelete" } });
  const update = setImage(set, "v2");
  const d = syncStatefulSet(set, [0, 1, 2].map((i) => pod(set, i, "ready", update)), NOW);
  assert.is(d.status.updatedReplicas, 3);
  assert.is(d.status.currentRevision, set.revisions[0].name);
});

t("requeue after minReadySeconds while some replica is not available, none once all are", () => {
  const set = statefulSet({ replicas: 1, minReadySeconds: 10 });
  assert.is(syncStatefulSet(set, [pod(set, 0, "ready", undefined, 95 * S)], NOW).requeueAfter, 10 * S);
  assert.is(syncStatefulSet(set, [pod(set, 0, "ready", undefined, 50 * S)], NOW).requeueAfter, null);
  // Without minReadySeconds there is never a requeue.
  const plain = statefulSet({ replicas: 1 });
  assert.is(syncStatefulSet(plain, [pod(plain, 0, "pending")], NOW).requeueAfter, null);
});

t("pods whose names are not <set>-<ordinal> are ignored", () => {
  const set = statefulSet({ replicas: 1 });
  const stranger = pod(set, 0);
  (stranger as { name: string }).name = "web-x";
  const d = syncStatefulSet(set, [stranger], NOW);
  assert.equal(lines(d), ["create web-0@v1"]);
  assert.is(d.status.replicas, 0);
});

t.run();
