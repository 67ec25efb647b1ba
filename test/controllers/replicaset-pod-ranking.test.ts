// Pins down which pods a ReplicaSet deletes first: ActivePodsWithRanks.Less rule by rule, the
// log2 buckets it compares ages in, co-location ranks, and getPodsToDelete end results.
// Every expected value is worked out by hand in the comment beside it.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import {
  afterOrZero,
  compareForDeletion,
  getPodsToDelete,
  logarithmicBucket,
  type RankablePod,
  type RelatedPod,
  relatedPodRanks,
} from "../../sim/controllers/replicaset/pod-ranking.ts";

const t = suite("replicaset pod ranking");

const S = 1_000_000; // µs per second
const H = 3600 * S;
const NOW = 10_000_000 * S; // an arbitrary instant well after every timestamp below

/** A scheduled, Running, Ready pod on node-1, ready 1 h, created 2 h ago; fields overridden per case. */
function pod(uid: string, fields: Partial<RankablePod> = {}): RankablePod {
  return {
    uid,
    nodeName: "node-1",
    phase: "Running",
    ready: true,
    readyTime: NOW - H,
    creationTime: NOW - 2 * H,
    restartCount: 0,
    deletionCost: 0,
    ...fields,
  };
}

function related(nodeName: string | null, phase: RelatedPod["phase"] = "Running", terminating = false): RelatedPod {
  return { nodeName, phase, terminating };
}

// --- log2 buckets: floor(log2(age in ns)), −1 for ages ≤ 0 ---------------------------------
const buckets: [string, number, number][] = [
  ["zero age", 0, -1], // d ≤ 0 → −1
  ["negative age (ready time in the future)", -5 * S, -1],
  ["1 µs", 1, 9], // 1000 ns; 2^9 = 512 ≤ 1000 < 1024
  ["just under 2^33 ns", 8_589_934, 32], // 8_589_934_000 ns < 2^33 = 8_589_934_592
  ["just over 2^33 ns", 8_589_935, 33], // 8_589_935_000 ns > 2^33
  ["10 s", 10 * S, 33], // 1e10 ns: 2^33 = 8.59e9 ≤ 1e10 < 2^34 = 1.72e10
  ["15 s", 15 * S, 33], // 1.5e10 < 1.72e10: same bucket as 10 s
  ["20 s", 20 * S, 34], // 2e10 ≥ 2^34
  ["2 h", 2 * H, 42], // 7.2e12: 2^42 = 4.40e12 ≤ 7.2e12 < 2^43 = 8.80e12
  ["5 h", 5 * H, 44], // 1.8e13: 2^44 = 1.76e13 ≤ 1.8e13 < 2^45 = 3.52e13
  ["8 h", 8 * H, 44], // 2.88e13 < 3.52e13: same bucket as 5 h
  ["30 days", 30 * 24 * H, 51], // 2.592e15: 2^51 = 2.25e15 ≤ 2.592e15 < 2^52
];
for (const [name, age, expected] of buckets) {
  t(`log2 bucket of ${name} is ${expected}`, () => {
    assert.is(logarithmicBucket(age), expected);
  });
}

// --- Less, one rule per row: `a` wins on the named rule although later rules favour `b` ------
type LessCase = { name: string; a: RankablePod; b: RankablePod; rankA?: number; rankB?: number; expected: -1 | 0 | 1 };
const lessCases: LessCase[] = [
  {
    // Rule 1 beats everything: a is Running and Ready, b only Pending, but a has no node.
    name: "1. unscheduled before scheduled",
    a: pod("a", { nodeName: null }),
    b: pod("b", { phase: "Pending", ready: false }),
    expected: -1,
  },
  {
    // Both unscheduled: rule 1 does not apply, so the phase decides.
    name: "1. two unscheduled pods fall through to the phase",
    a: pod("a", { nodeName: null, phase: "Pending", ready: false }),
    b: pod("b", { nodeName: null, ready: false }),
    expected: -1,
  },
  {
    // Rule 2: Pending (0) < Unknown (1) even though a has the higher deletion cost.
    name: "2. Pending before Unknown",
    a: pod("a", { phase: "Pending", ready: false, deletionCost: 100 }),
    b: pod("b", { phase: "Unknown", ready: false }),
    expected: -1,
  },
  {
    name: "2. Unknown before Running",
    a: pod("a", { phase: "Unknown", ready: false }),
    b: pod("b", { ready: false }),
    expected: -1,
  },
  {
    // Succeeded is not in podPhaseToOrdinal, so it reads as 0, the Pending level: before Unknown.
    name: "2. a phase missing from the table (Succeeded) ranks with Pending",
    a: pod("a", { phase: "Succeeded", ready: false }),
    b: pod("b", { phase: "Unknown", ready: false }),
    expected: -1,
  },
  {
    // Rule 3: not Ready first although a costs more to delete.
    name: "3. not Ready before Ready",
    a: pod("a", { ready: false, deletionCost: 5 }),
    b: pod("b"),
    expected: -1,
  },
  {
    // Rule 4 comes before the rank: a's cost −10 < 0 although b is far more co-located.
    name: "4. lower pod-deletion-cost first",
    a: pod("a", { deletionCost: -10 }),
    b: pod("b"),
    rankA: 0,
    rankB: 5,
    expected: -1,
  },
  {
    // Rule 5: rank 3 > 1 although a has been ready much longer (rule 6 would pick b).
    name: "5. higher co-location rank first",
    a: pod("a", { readyTime: NOW - 30 * 24 * H }),
    b: pod("b", { readyTime: NOW - 10 * S }),
    rankA: 3,
    rankB: 1,
    expected: -1,
  },
  {
    // Rule 6: ready 10 s (bucket 33) vs 20 s (bucket 34): a is younger. b has more restarts and the
    // smaller UID, neither of which is consulted.
    name: "6. younger ready bucket first",
    a: pod("z", { readyTime: NOW - 10 * S }),
    b: pod("a", { readyTime: NOW - 20 * S, restartCount: 9 }),
    expected: -1,
  },
  {
    // Rule 6, same bucket: 15 s and 10 s are both bucket 33, so the UID decides ("pod-a" < "pod-b")
    // and stops there: b's 5 restarts (rule 7) never count, nor does b being younger.
    name: "6. same ready bucket: smaller UID first, restarts not consulted",
    a: pod("pod-a", { readyTime: NOW - 15 * S }),
    b: pod("pod-b", { readyTime: NOW - 10 * S, restartCount: 5 }),
    expected: -1,
  },
  {
    // Rule 6 zero time: an unset ready time counts as most recent (afterOrZero).
    name: "6. unset ready time before a set one",
    a: pod("z", { readyTime: null }),
    b: pod("a", { readyTime: NOW - S }),
    expected: -1,
  },
  {
    // Rule 6, future ready time: age −5 s → bucket −1; b's 1 s is bucket 29 (1e9 ns).
    name: "6. a ready time in the future ranks as youngest",
    a: pod("z", { readyTime: NOW + 5 * S }),
    b: pod("a", { readyTime: NOW - S }),
    expected: -1,
  },
  {
    // Rule 6 only applies when both are Ready: two not-Ready pods skip to rule 7 (2 > 1 restarts),
    // whatever their ready times say.
    name: "7. not-Ready pods ignore ready times and compare restarts",
    a: pod("z", { ready: false, readyTime: NOW - H, restartCount: 2 }),
    b: pod("a", { ready: false, readyTime: NOW - S, restartCount: 1 }),
    expected: -1,
  },
  {
    // Equal ready times: rule 6 skipped, more restarts first.
    name: "7. more restarts first",
    a: pod("z", { restartCount: 3, creationTime: NOW - 30 * 24 * H }),
    b: pod("a"),
    expected: -1,
  },
  {
    // Rule 8: created 20 s ago (bucket 34) vs 2 h ago (bucket 42).
    name: "8. younger creation bucket first",
    a: pod("z", { creationTime: NOW - 20 * S }),
    b: pod("a", { creationTime: NOW - 2 * H }),
    expected: -1,
  },
  {
    // Rule 8, same bucket: 5 h and 8 h are both bucket 44, so "m" < "n" decides although a is younger.
    name: "8. same creation bucket: smaller UID first",
    a: pod("n", { creationTime: NOW - 5 * H }),
    b: pod("m", { creationTime: NOW - 8 * H }),
    expected: 1,
  },
  {
    // Nothing differs but the UID; equal creation times skip rule 8, so the pods tie.
    name: "9. identical but for the UID: a tie",
    a: pod("a"),
    b: pod("b"),
    expected: 0,
  },
];
for (const c of lessCases) {
  t(`Less: ${c.name}`, () => {
    const rankA = c.rankA ?? 1;
    const rankB = c.rankB ?? 1;
    assert.is(compareForDeletion(c.a, c.b, rankA, rankB, NOW), c.expected);
    // The comparison is antisymmetric: swapping the pods flips the sign.
    assert.is(compareForDeletion(c.b, c.a, rankB, rankA, NOW), -c.expected || 0);
  });
}

t("afterOrZero: unset first, otherwise the later time first", () => {
  assert.is(afterOrZero(null, 5), true); // zero time comes first
  assert.is(afterOrZero(5, null), false);
  assert.is(afterOrZero(null, null), true); // upstream returns t1.IsZero(); callers only ask for differing times
  assert.is(afterOrZero(7, 5), true); // later (newer) first
  assert.is(afterOrZero(5, 7), false);
});

// --- Ported from controller_utils_test.go TestSortingActivePodsWithRanks -------------------
// Same pods and pairs; all UIDs empty as there; "then1Month" is 30 days; zero creation times are
// replaced by NOW (those pairs are decided before rule 8). The PodDeletionCost-disabled row is left
// out: the gate is always on here.
{
  const then1Month = NOW - 30 * 24 * H;
  const then2Hours = NOW - 2 * H;
  const then5Hours = NOW - 5 * H;
  const then8Hours = NOW - 8 * H;
  const up = (nodeName: string, phase: RankablePod["phase"], ready: boolean, restarts: number, readySince: number | null, created: number, cost = 0): RankablePod => ({
    uid: "",
    nodeName,
    phase,
    ready,
    readyTime: ready ? readySince : null,
    creationTime: created,
    restartCount: restarts,
    deletionCost: cost,
  });
  const unscheduledPod = up("", "Pending", false, 0, null, NOW);
  const scheduledPendingPod = up("node", "Pending", false, 0, null, NOW);
  const unknownPhasePod = up("node", "Unknown", false, 0, null, NOW);
  const runningNotReadyPod = up("node", "Running", false, 0, null, NOW);
  const runningReadyNoLastTransitionTimePod = up("node", "Running", true, 0, null, NOW);
  const runningReadyNow = up("node", "Running", true, 0, NOW, NOW);
  const runningReadyThen = up("node", "Running", true, 0, then1Month, then1Month);
  const runningReadyNowHighRestarts = up("node", "Running", true, 9001, NOW, NOW);
  const runningReadyNowCreatedThen = up("node", "Running", true, 0, NOW, then1Month);
  const lowPodDeletionCost = up("node", "Running", true, 0, NOW, then1Month, 10);
  const highPodDeletionCost = up("node", "Running", true, 0, NOW, then1Month, 100);
  const unscheduled5Hours = up("", "Pending", false, 0, then5Hours, then5Hours);
  const unscheduled8Hours = up("", "Pending", false, 0, then8Hours, then8Hours);
  const ready2Hours = up("", "Running", true, 0, then2Hours, then1Month);
  const ready5Hours = up("", "Running", true, 0, then5Hours, then1Month);
  const ready10Hours = up("", "Running", true, 0, then8Hours, then1Month);

  t("upstream equality: 5 h and 8 h share bucket 44 and the UIDs are equal, so neither is less", () => {
    for (const [p1, p2] of [
      [unscheduled5Hours, unscheduled8Hours], // not Ready; creation 1.8e13 and 2.88e13 ns both bucket 44
      [ready5Hours, ready10Hours], // Ready; ready times in bucket 44 too
      [runningReadyNowCreatedThen, runningReadyNowCreatedThen],
      [unscheduledPod, unscheduledPod],
    ] as const) {
      assert.is(compareForDeletion(p1, p2, 1, 1, NOW), 0);
    }
  });

  const inequality: [string, RankablePod, number, RankablePod, number][] = [
    ["unscheduled rank 1 < pending rank 2", unscheduledPod, 1, scheduledPendingPod, 2],
    ["unscheduled rank 2 < pending rank 1", unscheduledPod, 2, scheduledPendingPod, 1],
    ["pending < unknown phase", scheduledPendingPod, 1, unknownPhasePod, 2],
    ["unknown phase < running not ready", unknownPhasePod, 1, runningNotReadyPod, 2],
    ["not ready < ready without transition time", runningNotReadyPod, 1, runningReadyNoLastTransitionTimePod, 1],
    ["ready without transition time < ready now", runningReadyNoLastTransitionTimePod, 1, runningReadyNow, 1],
    ["ready now rank 2 < ready without transition time rank 1", runningReadyNow, 2, runningReadyNoLastTransitionTimePod, 1],
    ["ready now < ready a month ago", runningReadyNow, 1, runningReadyThen, 1], // bucket −1 < 51
    ["ready now rank 2 < ready a month ago", runningReadyNow, 2, runningReadyThen, 1],
    ["9001 restarts < 0 restarts", runningReadyNowHighRestarts, 1, runningReadyNow, 1],
    ["ready now rank 2 < high restarts rank 1", runningReadyNow, 2, runningReadyNowHighRestarts, 1],
    ["created now < created a month ago", runningReadyNow, 1, runningReadyNowCreatedThen, 1],
    ["created then rank 2 < created now rank 1", runningReadyNowCreatedThen, 2, runningReadyNow, 1],
    ["deletion cost 10 rank 2 < cost 100 rank 1", lowPodDeletionCost, 2, highPodDeletionCost, 1],
    ["ready 2 h (bucket 42) < ready 5 h (bucket 44)", ready2Hours, 1, ready5Hours, 1],
  ];
  for (const [name, lesser, lesserRank, greater, greaterRank] of inequality) {
    t(`upstream inequality: ${name}`, () => {
      assert.is(compareForDeletion(lesser, greater, lesserRank, greaterRank, NOW), -1);
      assert.is(compareForDeletion(greater, lesser, greaterRank, lesserRank, NOW), 1);
    });
  }
}

// --- Co-location ranks --------------------------------------------------------------------
t("rank counts active related pods on the same node; unscheduled pods share the empty node", () => {
  const toRank = [pod("pa", { nodeName: "node-a" }), pod("pb", { nodeName: "node-b" }), pod("pc", { nodeName: "node-c" }), pod("pu", { nodeName: null })];
  const relatedPods = [
    related("node-a"), // counts
    related("node-a", "Pending"), // counts: Pending is active
    related("node-a", "Running", true), // terminating: not active
    related("node-a", "Failed"), // not active
    related("node-b", "Succeeded"), // not active
    related("node-b"), // counts
    related(null, "Pending"), // counts under ""
    related(null, "Pending"), // counts under ""
  ];
  // node-a: 2; node-b: 1; node-c: none → 0; unscheduled: 2.
  assert.equal(relatedPodRanks(toRank, relatedPods), [2, 1, 0, 2]);
});

// --- getPodsToDelete end results ----------------------------------------------------------
const uids = (pods: readonly RankablePod[]) => pods.map((p) => p.uid);

t("getPodsToDelete: diff 0 (or less) deletes nothing", () => {
  const pods = [pod("p1"), pod("p2")];
  assert.equal(uids(getPodsToDelete(pods, pods, 0, NOW)), []);
  assert.equal(uids(getPodsToDelete(pods, pods, -1, NOW)), []);
});

t("getPodsToDelete: diff ≥ len deletes every pod, in input order, without sorting", () => {
  // p1 would sort last (Ready) and p2 first (unscheduled); with diff = len upstream skips the sort.
  const pods = [pod("p1"), pod("p2", { nodeName: null, phase: "Pending", ready: false })];
  assert.equal(uids(getPodsToDelete(pods, pods, 2, NOW)), ["p1", "p2"]);
  assert.equal(uids(getPodsToDelete(pods, pods, 5, NOW)), ["p1", "p2"]);
});

t("getPodsToDelete: a mixed set, 4 of 6", () => {
  const pods = [
    pod("p1", { nodeName: "node-1", readyTime: NOW - 2 * H }), // Ready 2 h (bucket 42), rank 2
    pod("p2", { nodeName: null, phase: "Pending", ready: false }), // unscheduled: first
    pod("p3", { nodeName: "node-2", ready: false }), // Running, not Ready
    pod("p4", { nodeName: "node-1", readyTime: NOW - 10 * S }), // Ready 10 s (bucket 33), rank 2
    pod("p5", { nodeName: "node-3", phase: "Pending", ready: false }), // scheduled Pending
    pod("p6", { nodeName: "node-2", readyTime: NOW - 2 * H, deletionCost: 10 }), // Ready, costly
  ];
  // Order: p2 (rule 1), p5 (Pending), p3 (not Ready), then the Ready pods: p6 last (cost 10);
  // p4 before p1 (same cost and rank 2, younger bucket 33 < 42). Full order p2 p5 p3 p4 p1 p6.
  assert.equal(uids(getPodsToDelete(pods, pods, 4, NOW)), ["p2", "p5", "p3", "p4"]);
  assert.equal(uids(getPodsToDelete(pods, pods, 5, NOW)), ["p2", "p5", "p3", "p4", "p1"]);
});

// Three cases after replica_set_test.go TestGetPodsToDelete (the co-location ones).
{
  const readyOnNode1 = pod("ready-node1", { nodeName: "node1" });
  const readyOnNode2 = pod("ready-node2", { nodeName: "node2" });
  const pendingOnNode2 = pod("pending-node2", { nodeName: "node2", phase: "Pending", ready: false });
  const otherReadyOnNode1 = related("node1");
  const notReadyOnNode1 = related("node1"); // not Ready but Running: still active, still counts

  t("upstream: ready and colocated with another ready pod vs not colocated → the colocated one", () => {
    // ranks: node1 = 2 (itself + the other), node2 = 1.
    const got = getPodsToDelete([readyOnNode2, readyOnNode1], [readyOnNode2, readyOnNode1, otherReadyOnNode1], 1, NOW);
    assert.equal(uids(got), ["ready-node1"]);
  });
  t("upstream: pending and not colocated vs ready and colocated → the pending one (phase beats rank)", () => {
    const got = getPodsToDelete([pendingOnNode2, readyOnNode1], [pendingOnNode2, readyOnNode1, otherReadyOnNode1], 1, NOW);
    assert.equal(uids(got), ["pending-node2"]);
  });
  t("upstream: ready and colocated with a not-ready pod vs not colocated → the colocated one", () => {
    const got = getPodsToDelete([readyOnNode2, readyOnNode1], [readyOnNode2, readyOnNode1, notReadyOnNode1], 1, NOW);
    assert.equal(uids(got), ["ready-node1"]);
  });
}

t("getPodsToDelete: pods of the Deployment's other ReplicaSets raise the rank", () => {
  // n1 and n2 are identical but for their node. Two old-ReplicaSet pods also run on node-1, so n1
  // ranks 3 against n2's 1 and goes first.
  const n1 = pod("n1", { nodeName: "node-1" });
  const n2 = pod("n2", { nodeName: "node-2" });
  const got = getPodsToDelete([n2, n1], [n1, n2, related("node-1"), related("node-1")], 1, NOW);
  assert.equal(uids(got), ["n1"]);
});

t("getPodsToDelete: exact ties keep their input order, so the result is deterministic", () => {
  // Three unscheduled Pending pods created in the same second tie on every rule (the UID is only
  // consulted when times differ), so the stable sort keeps input order.
  const a = pod("a", { nodeName: null, phase: "Pending", ready: false });
  const b = pod("b", { nodeName: null, phase: "Pending", ready: false });
  const c = pod("c", { nodeName: null, phase: "Pending", ready: false });
  assert.equal(uids(getPodsToDelete([c, a, b], [a, b, c], 2, NOW)), ["c", "a"]);
  assert.equal(uids(getPodsToDelete([b, c, a], [a, b, c], 2, NOW)), ["b", "c"]);
});

t.run();
