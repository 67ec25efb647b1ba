// Pins down the StatefulSet controller's arithmetic: identities, maxUnavailable resolution, the
// replica/condemned split, revisions of recreated pods, health and availability, and which pods a
// RollingUpdate pass deletes (legacy loop and MaxUnavailableStatefulSet). Hand-checked values.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import {
  isRunningAndAvailable,
  isRunningAndReady,
  isTerminating,
  isUnavailable,
  parallelBatches,
  parseOrdinal,
  podName,
  podsToUpdate,
  podsToUpdateLegacy,
  podsToUpdateMaxUnavailable,
  pvcName,
  resolveStatefulSetMaxUnavailable,
  revisionForNewPod,
  type PodHealth,
  splitReplicasAndCondemned,
  type UpdateCandidate,
} from "../../sim/controllers/statefulset/statefulset-math.ts";

const t = suite("statefulset math");

const S = 1_000_000; // µs per second

// --- identities ----------------------------------------------------------------------------
const ordinalCases: [string, string, number][] = [
  ["web-0", "web", 0],
  ["web-12", "web", 12],
  ["web-007", "web", 7], // ParseInt accepts leading zeros
  ["my-web-3", "my-web", 3], // split at the last dash
  ["web-x-3", "web", -1], // parent is "web-x", not a member of "web"
  ["db-1", "web", -1], // another set's pod
  ["web", "web", -1], // no ordinal
  ["web-", "web", -1],
  ["web--1", "web", -1], // parent "web-": the minus is not part of the digits
  ["web-2147483647", "web", 2147483647], // largest int32
  ["web-2147483648", "web", -1], // ParseInt(…, 10, 32) overflows → −1
];
for (const [name, set, expected] of ordinalCases) {
  t(`parseOrdinal(${JSON.stringify(name)}, ${JSON.stringify(set)}) = ${expected}`, () => {
    assert.is(parseOrdinal(name, set), expected);
  });
}

t("pod and PVC names", () => {
  assert.is(podName("web", 3), "web-3");
  assert.is(pvcName("data", "web", 3), "data-web-3"); // <claimTemplate>-<set>-<ordinal>
  assert.is(parseOrdinal(podName("my-web", 42), "my-web"), 42); // round trip
});

// --- maxUnavailable ------------------------------------------------------------------------
const maxUnavailableCases: [number | string | undefined, number, number, string][] = [
  [undefined, 5, 1, "unset defaults to 1"],
  [1, 5, 1, "int used as is"],
  [2, 5, 2, "int used as is"],
  [10, 3, 10, "an int is not capped at replicas"],
  [0, 5, 1, "never below 1"],
  ["50%", 5, 2, "floor(50 × 5 / 100) = floor(2.5) = 2"],
  ["10%", 3, 1, "floor(0.3) = 0, raised to 1"],
  ["100%", 5, 5, "floor(5) = 5"],
  ["25%", 10, 2, "floor(2.5) = 2 (Deployments would round surge up, not this)"],
  ["33%", 10, 3, "floor(3.3) = 3"],
  ["50%", 0, 1, "0 replicas: floor(0) = 0, raised to 1"],
];
for (const [value, replicas, expected, why] of maxUnavailableCases) {
  t(`maxUnavailable ${JSON.stringify(value)} of ${replicas} → ${expected}: ${why}`, () => {
    assert.is(resolveStatefulSetMaxUnavailable(value, replicas), expected);
  });
}

t("maxUnavailable strings that are not integer percentages throw, as intstr errors", () => {
  assert.throws(() => resolveStatefulSetMaxUnavailable("5", 10), /not a percentage/);
  assert.throws(() => resolveStatefulSetMaxUnavailable("5.5%", 10), /integer percentage/);
  assert.throws(() => resolveStatefulSetMaxUnavailable("abc%", 10), /integer percentage/);
  assert.throws(() => resolveStatefulSetMaxUnavailable(1.5, 10), /integer/);
});

// --- split and revisions -------------------------------------------------------------------
t("split: in-range pods by ordinal, gaps are null, condemned highest first, −1 ignored", () => {
  const pods = [{ ordinal: 4 }, { ordinal: 0 }, { ordinal: 7 }, { ordinal: 2 }, { ordinal: -1 }];
  // start 0, 3 replicas → range [0, 2]: slots 0 and 2 filled, 1 missing; 7 and 4 condemned, 7 first.
  const { replicas, condemned } = splitReplicasAndCondemned(pods, 0, 3);
  assert.equal(replicas, [{ ordinal: 0 }, null, { ordinal: 2 }]);
  assert.equal(condemned, [{ ordinal: 7 }, { ordinal: 4 }]);
});

t("split with ordinals.start 5: slots are ordinal − 5; ordinals below start are condemned too", () => {
  const pods = [{ ordinal: 3 }, { ordinal: 5 }, { ordinal: 6 }, { ordinal: 8 }];
  // range [5, 6]; 8 and 3 are outside it.
  const { replicas, condemned } = splitReplicasAndCondemned(pods, 5, 2);
  assert.equal(replicas, [{ ordinal: 5 }, { ordinal: 6 }]);
  assert.equal(condemned, [{ ordinal: 8 }, { ordinal: 3 }]);
  // Scaled to 0: nothing in range, everything condemned.
  assert.equal(splitReplicasAndCondemned(pods, 5, 0), { replicas: [], condemned: [{ ordinal: 8 }, { ordinal: 6 }, { ordinal: 5 }, { ordinal: 3 }] });
});

const revisionCases: [number, number, number, "RollingUpdate" | "OnDelete", string, string][] = [
  [0, 0, 2, "RollingUpdate", "cur", "ordinal 0 < 0 + partition 2"],
  [1, 0, 2, "RollingUpdate", "cur", "1 < 2"],
  [2, 0, 2, "RollingUpdate", "upd", "2 is not < 2"],
  [3, 0, 0, "RollingUpdate", "upd", "partition 0: every ordinal updates"],
  [11, 10, 2, "RollingUpdate", "cur", "start 10: 11 < 10 + 2"],
  [12, 10, 2, "RollingUpdate", "upd", "12 is not < 12"],
  [0, 0, 2, "OnDelete", "upd", "OnDelete recreates at the update revision"],
];
for (const [ordinal, start, partition, strategy, expected, why] of revisionCases) {
  t(`revision for new pod ${ordinal} (start ${start}, partition ${partition}, ${strategy}) is ${expected}: ${why}`, () => {
    assert.is(revisionForNewPod(ordinal, start, partition, "cur", "upd", strategy), expected);
  });
}

// --- health and availability ---------------------------------------------------------------
t("health and availability predicates (the ones the controller uses)", () => {
  // Ready since 100.4 s: the condition keeps whole seconds, so minReadySeconds counts from 100 s.
  const base: PodHealth = { phase: "Running", ready: true, readyTransitionTime: 100 * S + 400_000, deletionTimestamp: null };
  assert.is(isRunningAndReady(base), true);
  assert.is(isRunningAndReady({ ...base, ready: false }), false);
  assert.is(isRunningAndReady({ ...base, phase: "Pending" }), false);
  assert.is(isTerminating({ ...base, deletionTimestamp: 120 * S }), true);
  // minReadySeconds 0: Ready is enough.
  assert.is(isRunningAndAvailable(base, 0, 100 * S + 400_000), true);
  // minReadySeconds 10: 100 + 10 = 110 s. Upstream needs the boundary strictly passed, which a real
  // requeue always is by watch latency; kubesim has none and counts the boundary (isPodAvailable).
  assert.is(isRunningAndAvailable(base, 10, 110 * S - 1), false);
  assert.is(isRunningAndAvailable(base, 10, 110 * S), true);
  // Despite its name, isRunningAndAvailable does not look at the phase (it is IsPodAvailable).
  assert.is(isRunningAndAvailable({ ...base, phase: "Pending" }, 0, 200 * S), true);
  // isUnavailable: not created, not available, or terminating.
  assert.is(isUnavailable(null, 0, 200 * S), true);
  assert.is(isUnavailable(base, 0, 105 * S), false);
  assert.is(isUnavailable(base, 10, 105 * S), true);
  assert.is(isUnavailable({ ...base, deletionTimestamp: 150 * S }, 0, 200 * S), true);
});

t("Parallel slow start caps batches at 500", () => {
  // 1+2+…+256 = 511 done, 689 left: min(512, 689, 500) = 500, then the last 189.
  assert.equal(parallelBatches(1200), [1, 2, 4, 8, 16, 32, 64, 128, 256, 500, 189]);
  assert.equal(parallelBatches(3), [1, 2]);
});

// --- which pods one RollingUpdate pass deletes ----------------------------------------------
// cur: outdated and available; new: updated and available; cur!/new!: the same but unavailable;
// term: outdated and terminating (hence unavailable); "-": no pod yet.
type Code = "cur" | "new" | "cur!" | "new!" | "term" | "-";
function pods(...codes: Code[]): (UpdateCandidate | null)[] {
  return codes.map((code) => {
    if (code === "-") return null;
    return {
      revision: code.startsWith("new") ? "upd" : "cur",
      terminating: code === "term",
      unavailable: code.endsWith("!") || code === "term",
    };
  });
}
type UpdateCase = { name: string; replicas: (UpdateCandidate | null)[]; start?: number; partition?: number; maxUnavailable: number | null; expected: number[] };
const updateCases: UpdateCase[] = [
  // Legacy path (gate off): one at a time, from the top.
  { name: "legacy: all outdated → the highest ordinal", replicas: pods("cur", "cur", "cur"), maxUnavailable: null, expected: [2] },
  { name: "legacy: top one terminating → wait for it", replicas: pods("cur", "cur", "term"), maxUnavailable: null, expected: [] }, // not deleted again; unavailable → stop
  { name: "legacy: top updated and available → the next one", replicas: pods("cur", "cur", "new"), maxUnavailable: null, expected: [1] },
  { name: "legacy: top updated but not yet available → wait", replicas: pods("cur", "cur", "new!"), maxUnavailable: null, expected: [] },
  { name: "legacy: partition 2 leaves ordinals 0 and 1 alone", replicas: pods("cur", "cur", "new", "new"), partition: 2, maxUnavailable: null, expected: [] },
  { name: "legacy: a lone outdated broken pod is still replaced", replicas: pods("cur!"), maxUnavailable: null, expected: [0] }, // deleted before the health check
  { name: "legacy: ordinals.start 10 → ordinal 11", replicas: pods("cur", "cur"), start: 10, maxUnavailable: null, expected: [11] },
  { name: "legacy: a missing pod above blocks (will be created updated, not ready yet)", replicas: pods("cur", "-", "new"), maxUnavailable: null, expected: [] },
  // MaxUnavailableStatefulSet path.
  { name: "maxUnavailable 1: all outdated → the highest ordinal", replicas: pods("cur", "cur", "cur"), maxUnavailable: 1, expected: [2] },
  // KEP-961's example: 5 replicas, partition 2, maxUnavailable 2 → 4 and 3 go down together…
  { name: "maxUnavailable 2, partition 2 (KEP-961): 4 and 3 at once", replicas: pods("cur", "cur", "cur", "cur", "cur"), partition: 2, maxUnavailable: 2, expected: [4, 3] },
  // …and once both are back, 2; ordinals 0 and 1 stay at the current revision.
  { name: "maxUnavailable 2, partition 2 (KEP-961): then 2 only", replicas: pods("cur", "cur", "cur", "new", "new"), partition: 2, maxUnavailable: 2, expected: [2] },
  { name: "maxUnavailable 2, one updated pod not yet available → budget 1", replicas: pods("cur", "cur", "cur", "new!", "new"), maxUnavailable: 2, expected: [2] },
  // Unavailable pods below the partition still use the budget: 1 unavailable → 1 deletion.
  { name: "maxUnavailable 2, an unavailable pod below the partition counts", replicas: pods("cur!", "cur", "cur", "cur", "cur"), partition: 2, maxUnavailable: 2, expected: [4] },
  { name: "maxUnavailable 2, two unavailable → nothing", replicas: pods("cur!", "cur!", "cur", "cur", "cur"), maxUnavailable: 2, expected: [] },
  // A terminating outdated pod counts as unavailable (budget 3 − 1 = 2) and is not deleted again.
  { name: "maxUnavailable 3, a terminating pod is skipped but counted", replicas: pods("cur", "cur", "cur", "term"), maxUnavailable: 3, expected: [2, 1] },
  // The 1.35 regression (kubernetes#137409): the only pod is outdated and broken; it already uses
  // the whole budget of 1, so it is never replaced. The legacy loop replaces it (above).
  { name: "maxUnavailable 1, a lone outdated broken pod is never replaced (1.35 regression)", replicas: pods("cur!"), maxUnavailable: 1, expected: [] },
  { name: "maxUnavailable \"50%\" of 4 = 2", replicas: pods("cur", "cur", "cur", "cur"), maxUnavailable: resolveStatefulSetMaxUnavailable("50%", 4), expected: [3, 2] },
  { name: "maxUnavailable 2, ordinals.start 3 → ordinals 5 and 4", replicas: pods("cur", "cur", "cur"), start: 3, maxUnavailable: 2, expected: [5, 4] },
];
for (const c of updateCases) {
  t(`podsToUpdate, ${c.name}: [${c.expected.join(", ")}]`, () => {
    const input = { replicas: c.replicas, start: c.start ?? 0, partition: c.partition ?? 0, updateRevision: "upd", maxUnavailable: c.maxUnavailable };
    assert.equal(podsToUpdate(input), c.expected);
    const direct = c.maxUnavailable === null ? podsToUpdateLegacy(input) : podsToUpdateMaxUnavailable({ ...input, maxUnavailable: c.maxUnavailable });
    assert.equal(direct, c.expected);
  });
}

t("maxUnavailable 1 and the legacy loop agree when everything is healthy", () => {
  // Both delete the top outdated pod; while it is down, both wait.
  const healthy = pods("cur", "cur", "cur", "cur");
  const base = { start: 0, partition: 0, updateRevision: "upd" };
  assert.equal(podsToUpdate({ ...base, replicas: healthy, maxUnavailable: null }), podsToUpdate({ ...base, replicas: healthy, maxUnavailable: 1 }));
  const oneDown = pods("cur", "cur", "cur", "new!");
  assert.equal(podsToUpdate({ ...base, replicas: oneDown, maxUnavailable: null }), []);
  assert.equal(podsToUpdate({ ...base, replicas: oneDown, maxUnavailable: 1 }), []);
});

t.run();
