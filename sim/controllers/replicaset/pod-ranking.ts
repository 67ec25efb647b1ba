/**
 * Which pods a ReplicaSet deletes first when it has too many: the ordering of
 * `ActivePodsWithRanks.Less` (pkg/controller/controller_utils.go) with LogarithmicScaleDown (GA in
 * 1.31, always on) and PodDeletionCost (beta, on by default since 1.22), the co-location rank of
 * `getPodsRankedByRelatedPodsOnSameNode`, and `getPodsToDelete` (pkg/controller/replicaset/replica_set.go).
 *
 * Left out on purpose: the feature-gate-off branches (plain newest-first time comparison), the
 * `sorting_deletion_age_ratio` metric, and parsing the deletion-cost annotation (the caller passes
 * the number; upstream treats an unparsable annotation as 0). Pod timestamps are taken as given:
 * the caller floors them to whole seconds as the API server does; `now` keeps full precision, as
 * upstream's `metav1.Now()` does.
 */
import type { Time } from "../../core/time.ts";

/** `corev1.PodPhase`. */
export type PodPhase = "Pending" | "Running" | "Succeeded" | "Failed" | "Unknown";

/** The fields of a pod that the deletion ranking reads. */
export interface RankablePod {
  uid: string;
  /** `spec.nodeName`; null while unscheduled. */
  nodeName: string | null;
  phase: PodPhase;
  /** PodReady condition is True. */
  ready: boolean;
  /** µs; lastTransitionTime of the Ready condition; null when unset (Go's zero time). */
  readyTime: Time | null;
  /** µs; creationTimestamp (always set by the API server). */
  creationTime: Time;
  /** Highest restartCount over the pod's containers (`maxContainerRestarts`). */
  restartCount: number;
  /** `controller.kubernetes.io/pod-deletion-cost`, 0 when absent or unparsable. */
  deletionCost: number;
}

/** The fields of a related pod that the co-location rank reads. */
export interface RelatedPod {
  /** `spec.nodeName`; null while unscheduled (counted under the empty node name, as upstream). */
  nodeName: string | null;
  phase: PodPhase;
  /**
   * deletionTimestamp is set; absent means not terminating, so the filtered (active) pods
   * themselves can be passed as related pods.
   */
  terminating?: boolean;
}

/** Nanoseconds per microsecond: upstream buckets Go `time.Duration`s, which are nanoseconds. */
const NANOS_PER_MICRO = 1_000;

// pkg/controller/controller_utils.go: podPhaseToOrdinal. Phases missing from the map
// (Succeeded, Failed, "") read as the map's zero value, i.e. the same as Pending.
function phaseOrdinal(phase: PodPhase): number {
  switch (phase) {
    case "Unknown":
      return 1;
    case "Running":
      return 2;
    default:
      return 0;
  }
}

// pkg/controller/controller_utils.go: IsPodActive.
export function isPodActive(pod: RelatedPod): boolean {
  return pod.phase !== "Succeeded" && pod.phase !== "Failed" && pod.terminating !== true;
}

const frexpView = new DataView(new ArrayBuffer(8));

// Go math.Frexp for a positive finite normal x: x = frac × 2^exp with frac in [0.5, 1).
function frexp(x: number): [frac: number, exp: number] {
  frexpView.setFloat64(0, x);
  const hi = frexpView.getUint32(0);
  const exp = ((hi >>> 20) & 0x7ff) - 1022;
  frexpView.setUint32(0, (hi & 0x800fffff) | (1022 << 20));
  return [frexpView.getFloat64(0), exp];
}

// Go math.Log2 (src/math/log10.go), ported rather than using Math.log2 so that bucket edges fall
// where Go puts them: exact powers of two are exact, everything else is Log(frac)/Ln2 + exp.
// Go's constant 1/Ln2 rounds to the same double as Math.LOG2E.
function goLog2(x: number): number {
  const [frac, exp] = frexp(x);
  if (frac === 0.5) return exp - 1;
  return Math.log(frac) * Math.LOG2E + exp;
}

/**
 * The logarithmic rank of an age: floor(log2(age in nanoseconds)), or −1 when the age is not
 * positive. Worked example: ready 10 s ago → 1e10 ns → log2 = 33.2 → bucket 33; so is 15 s
 * (33.8); 20 s is bucket 34. Bucket b spans [2^b, 2^(b+1)) ns, so buckets double in width: 8.6–17.2 s,
 * 17.2–34.4 s, … 1.1–2.3 min, … 12.7–25.5 days.
 */
// pkg/controller/controller_utils.go: logarithmicRankDiff (one side of it).
export function logarithmicBucket(age: Time): number {
  const nanos = age * NANOS_PER_MICRO;
  return nanos > 0 ? Math.trunc(goLog2(nanos)) : -1;
}

// pkg/controller/controller_utils.go: logarithmicRankDiff. Negative when t1 is in a younger bucket.
export function logarithmicRankDiff(t1: Time, t2: Time, now: Time): number {
  return logarithmicBucket(now - t1) - logarithmicBucket(now - t2);
}

/** true when t1 comes first: an unset (zero) time before any set one, else the later time. */
// pkg/controller/controller_utils.go: afterOrZero.
export function afterOrZero(t1: Time | null, t2: Time | null): boolean {
  if (t1 === null || t2 === null) return t1 === null;
  return t1 > t2;
}

// Rules 6 and 8 of Less, for two times already known to differ: zero or younger bucket first;
// in the same bucket the smaller UID, which settles the comparison outright.
function timeLess(t1: Time | null, t2: Time | null, uid1: string, uid2: string, now: Time): boolean {
  if (t1 === null || t2 === null) return afterOrZero(t1, t2);
  const rankDiff = logarithmicRankDiff(t1, t2, now);
  if (rankDiff === 0) return uid1 < uid2;
  return rankDiff < 0;
}

/**
 * true when `a` should be deleted before `b`. The first rule on which they differ decides:
 * 1. unscheduled before scheduled; 2. phase Pending < Unknown < Running; 3. not Ready before
 * Ready; 4. lower deletion cost first; 5. higher co-location rank first; 6. both Ready with
 * different ready times: unset first, then younger log2 bucket first, same bucket → smaller UID
 * (and nothing further is consulted); 7. more restarts first; 8. creation time, as in 6.
 * Equal pods give false both ways.
 */
// pkg/controller/controller_utils.go: ActivePodsWithRanks.Less.
export function lessForDeletion(a: RankablePod, b: RankablePod, rankA: number, rankB: number, now: Time): boolean {
  const nodeA = a.nodeName ?? "";
  const nodeB = b.nodeName ?? "";
  if (nodeA !== nodeB && (nodeA === "" || nodeB === "")) return nodeA === "";
  const phaseA = phaseOrdinal(a.phase);
  const phaseB = phaseOrdinal(b.phase);
  if (phaseA !== phaseB) return phaseA < phaseB;
  if (a.ready !== b.ready) return !a.ready;
  if (a.deletionCost !== b.deletionCost) return a.deletionCost < b.deletionCost;
  if (rankA !== rankB) return rankA > rankB;
  if (a.ready && b.ready && a.readyTime !== b.readyTime) {
    return timeLess(a.readyTime, b.readyTime, a.uid, b.uid, now);
  }
  if (a.restartCount !== b.restartCount) return a.restartCount > b.restartCount;
  if (a.creationTime !== b.creationTime) {
    return timeLess(a.creationTime, b.creationTime, a.uid, b.uid, now);
  }
  return false;
}

/** `lessForDeletion` as a sort comparator: negative when `a` is deleted first, 0 when tied. */
export function compareForDeletion(a: RankablePod, b: RankablePod, rankA: number, rankB: number, now: Time): number {
  if (lessForDeletion(a, b, rankA, rankB, now)) return -1;
  if (lessForDeletion(b, a, rankB, rankA, now)) return 1;
  return 0;
}

/**
 * Rank of each pod in `podsToRank`: how many active pods of `relatedPods` (all pods of the
 * ReplicaSets owned by the same Deployment, usually a superset of `podsToRank`) share its node.
 * Example: related pods a1, a2 on node-a (active) and a3 on node-a (terminating), b1 on node-b →
 * a pod on node-a ranks 2, one on node-b ranks 1, one on node-c ranks 0.
 */
// pkg/controller/replicaset/replica_set.go: getPodsRankedByRelatedPodsOnSameNode.
export function relatedPodRanks(podsToRank: readonly RankablePod[], relatedPods: readonly RelatedPod[]): number[] {
  const podsOnNode = new Map<string, number>();
  for (const pod of relatedPods) {
    if (!isPodActive(pod)) continue;
    const node = pod.nodeName ?? "";
    podsOnNode.set(node, (podsOnNode.get(node) ?? 0) + 1);
  }
  return podsToRank.map((pod) => podsOnNode.get(pod.nodeName ?? "") ?? 0);
}

/**
 * The `diff` pods to delete, first-to-delete first. All of them (in input order, unsorted) when
 * diff ≥ len, as upstream skips the sort then. Upstream sorts with Go's unstable sort.Sort over a
 * lister order that is itself unordered, so exact ties have no defined upstream order; here they
 * keep their input order (stable sort), which makes the result deterministic.
 */
// pkg/controller/replicaset/replica_set.go: getPodsToDelete.
export function getPodsToDelete<P extends RankablePod>(
  filteredPods: readonly P[],
  relatedPods: readonly RelatedPod[],
  diff: number,
  now: Time,
): P[] {
  if (diff <= 0) return [];
  if (diff >= filteredPods.length) return filteredPods.slice();
  const ranks = relatedPodRanks(filteredPods, relatedPods);
  const order = filteredPods.map((_, i) => i);
  order.sort((i, j) => compareForDeletion(filteredPods[i], filteredPods[j], ranks[i], ranks[j], now));
  return order.slice(0, diff).map((i) => filteredPods[i]);
}
