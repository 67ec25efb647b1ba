/**
 * The arithmetic of the StatefulSet controller: identities (ordinal ↔ pod and PVC names), the
 * replica/condemned split, which revision a recreated pod gets, pod health and availability (the
 * predicates the controller uses), the
 * resolved maxUnavailable, and which pods one RollingUpdate pass deletes — the legacy
 * one-at-a-time loop of `updateStatefulSet` and `updateStatefulSetAfterInvariantEstablished`
 * (MaxUnavailableStatefulSet). Sources: pkg/controller/statefulset/stateful_set_utils.go and
 * stateful_set_control.go.
 *
 * Left out on purpose: phases 1–3 of a sync (create, PVC retention, scale-down), ControllerRevision
 * hashing and history, status counting, and the two-phase Parallel variant of the maxUnavailable
 * path that landed after 1.35 (kubernetes#137666). Which "unavailable" predicate counts is the
 * caller's choice (see UpdateCandidate.unavailable), since it changed between releases.
 */
import type { Time } from "../../core/time.ts";
import type { Pod } from "../../model/objects.ts";
import { isPodAvailable } from "../replicaset/controller.ts";
import { slowStartBatches } from "../replicaset/slow-start.ts";

/** Largest batch of the Parallel policy's slow start (the StatefulSet controller's MaxBatchSize). */
// pkg/controller/statefulset/stateful_set_control.go: MaxBatchSize (used by slowStartBatch).
export const STATEFULSET_MAX_BATCH_SIZE = 500;

/** Largest ordinal upstream parses: strconv.ParseInt(s, 10, 32). */
const MAX_INT32 = 2 ** 31 - 1;

/** A pod that has been assigned its ordinal (parseOrdinal; −1 when the name has none). */
export interface OrdinalPod {
  ordinal: number;
}

export type StatefulSetUpdateStrategy = "RollingUpdate" | "OnDelete";

/**
 * The ordinal of a pod of set `setName`, or −1 when the name is not `<setName>-<digits>` or the
 * digits overflow int32. Upstream splits at the last dash (greedy `(.*)-([0-9]+)$`), compares the
 * parent with the set name (isMemberOf) and parses the digits, so "web-007" is ordinal 7.
 */
// pkg/controller/statefulset/stateful_set_utils.go: getParentNameAndOrdinal, getOrdinal, isMemberOf.
export function parseOrdinal(podName: string, setName: string): number {
  const match = /^(.*)-([0-9]+)$/.exec(podName);
  if (match === null || match[1] !== setName) return -1;
  const ordinal = Number(match[2]);
  return ordinal <= MAX_INT32 ? ordinal : -1;
}

// pkg/controller/statefulset/stateful_set_utils.go: getPodName.
export function podName(setName: string, ordinal: number): string {
  return `${setName}-${ordinal}`;
}

/** `<claimTemplate>-<set>-<ordinal>`, e.g. data-web-0. */
// pkg/controller/statefulset/stateful_set_utils.go: getPersistentVolumeClaimName.
export function pvcName(claimTemplate: string, setName: string, ordinal: number): string {
  return `${claimTemplate}-${setName}-${ordinal}`;
}

/**
 * maxUnavailable as a pod count: an int is used as is, "N%" is floor(N × replicas / 100), unset
 * is 1, and the result is never below 1. Examples: "50%" of 5 → floor(2.5) = 2; "10%" of 3 →
 * floor(0.3) = 0 → 1; "100%" of 5 → 5. A string without "%" or a non-integer percentage throws,
 * as intstr.GetScaledValueFromIntOrPercent errors.
 */
// pkg/controller/statefulset/stateful_set_utils.go: getStatefulSetMaxUnavailable.
export function resolveStatefulSetMaxUnavailable(maxUnavailable: number | string | undefined | null, replicas: number): number {
  const value = maxUnavailable ?? 1;
  let resolved: number;
  if (typeof value === "number") {
    if (!Number.isInteger(value)) throw new RangeError(`maxUnavailable must be an integer or a percentage, got ${value}`);
    resolved = value;
  } else {
    if (!value.endsWith("%")) throw new RangeError(`maxUnavailable ${JSON.stringify(value)} is a string but not a percentage`);
    const digits = value.slice(0, -1);
    if (!/^[+-]?[0-9]+$/.test(digits)) throw new RangeError(`maxUnavailable ${JSON.stringify(value)} is not an integer percentage`);
    // float64(value) * float64(total) / 100, rounded down (roundUp = false).
    resolved = Math.floor((Number(digits) * replicas) / 100);
  }
  return Math.max(1, resolved);
}

/**
 * Pods whose ordinal is in [start, start + replicas) go to `replicas[ordinal − start]` (null where
 * no pod exists yet); valid ordinals outside the range are `condemned`, highest ordinal first;
 * ordinal −1 is ignored. Example: start 0, replicas 3, ordinals {4, 0, 7, 2} → replicas
 * [p0, null, p2], condemned [p7, p4].
 */
// pkg/controller/statefulset/stateful_set_control.go: updateStatefulSet (partition step), descendingOrdinal.
export function splitReplicasAndCondemned<P extends OrdinalPod>(
  pods: readonly P[],
  start: number,
  replicas: number,
): { replicas: (P | null)[]; condemned: P[] } {
  const inRange: (P | null)[] = new Array<P | null>(Math.max(0, replicas)).fill(null);
  const condemned: P[] = [];
  for (const pod of pods) {
    if (pod.ordinal >= start && pod.ordinal <= start + replicas - 1) inRange[pod.ordinal - start] = pod;
    else if (pod.ordinal >= 0) condemned.push(pod);
  }
  condemned.sort((a, b) => b.ordinal - a.ordinal);
  return { replicas: inRange, condemned };
}

/**
 * The revision a (re)created pod gets: RollingUpdate keeps ordinals below start + partition at the
 * current revision; everything else (and every OnDelete pod) gets the update revision. Example:
 * start 0, partition 2 → ordinals 0, 1 current; 2, 3, … update.
 */
// pkg/controller/statefulset/stateful_set_utils.go: newVersionedStatefulSetPod.
export function revisionForNewPod(
  ordinal: number,
  start: number,
  partition: number,
  currentRevision: string,
  updateRevision: string,
  strategyType: StatefulSetUpdateStrategy,
): string {
  return strategyType === "RollingUpdate" && ordinal < start + partition ? currentRevision : updateRevision;
}

/** The fields of a pod that the health predicates read. */
export type PodHealth = Pick<Pod, "phase" | "ready" | "readyTransitionTime" | "deletionTimestamp">;

// pkg/controller/statefulset/stateful_set_utils.go: isRunningAndReady.
export function isRunningAndReady(pod: PodHealth): boolean {
  return pod.phase === "Running" && pod.ready;
}

export function isTerminating(pod: PodHealth): boolean {
  return pod.deletionTimestamp !== null;
}

/**
 * Despite the name, upstream does not check the phase here: it is podutil.IsPodAvailable, with
 * kubesim's inclusive minReadySeconds boundary (see isPodAvailable). Example: Ready since 100.4 s
 * (100 s at the condition's whole-second precision), minReadySeconds 10 → available from 110 s.
 */
// pkg/controller/statefulset/stateful_set_utils.go: isRunningAndAvailable → pkg/api/v1/pod: IsPodAvailable.
export function isRunningAndAvailable(pod: PodHealth, minReadySeconds: number, now: Time): boolean {
  return isPodAvailable(pod, minReadySeconds, now);
}

/**
 * Not available (per minReadySeconds) or terminating, and a pod not created yet: what counts
 * against maxUnavailable, and what the legacy update loop waits on, since kubernetes#130909 made
 * StatefulSets honour minReadySeconds.
 */
// pkg/controller/statefulset/stateful_set_utils.go: isUnavailable.
export function isUnavailable(pod: PodHealth | null, minReadySeconds: number, now: Time): boolean {
  return pod === null || !isRunningAndAvailable(pod, minReadySeconds, now) || isTerminating(pod);
}

/** Batch sizes for the Parallel policy's concurrent creates/deletes. Example: 1200 → 1, 2, 4, …, 256 (511 so far), 500, 189. */
// pkg/controller/statefulset/stateful_set_control.go: runForAll → slowStartBatch(1, len(pods), fn).
export function parallelBatches(count: number): number[] {
  return slowStartBatches(count, 1, STATEFULSET_MAX_BATCH_SIZE);
}

/** One in-range pod as the update phase sees it. */
export interface UpdateCandidate {
  /** controller-revision-hash label. */
  revision: string;
  /** deletionTimestamp is set. */
  terminating: boolean;
  /**
   * Counts as unavailable: isUnavailable(pod, minReadySeconds, now) for releases with
   * kubernetes#130909, !isHealthy(pod) before it.
   */
  unavailable: boolean;
}

/** Inputs of one RollingUpdate pass. */
export interface RollingUpdateInput {
  /** In-range pods indexed by ordinal − start; null = not created yet (counts unavailable, never deleted). */
  replicas: readonly (UpdateCandidate | null)[];
  /** First ordinal (spec.ordinals.start, default 0). */
  start: number;
  /** spec.updateStrategy.rollingUpdate.partition (default 0): ordinals below start + partition are never updated. */
  partition: number;
  updateRevision: string;
  /**
   * Resolved maxUnavailable (resolveStatefulSetMaxUnavailable) when the MaxUnavailableStatefulSet
   * gate is on; null when it is off (legacy one-at-a-time loop).
   */
  maxUnavailable: number | null;
}

// A slot that has no pod yet: it will be created at the update revision (all updatable ordinals
// are ≥ partition), is not terminating, and is unavailable.
function candidateAt(replicas: RollingUpdateInput["replicas"], index: number, updateRevision: string): UpdateCandidate {
  return replicas[index] ?? { revision: updateRevision, terminating: false, unavailable: true };
}

/**
 * Legacy path (gate off): from the highest ordinal down to start + partition, delete the first
 * outdated pod that is not terminating and stop; stop without deleting at the first unavailable
 * pod. So at most one ordinal, and only once everything above it is updated and available.
 */
// pkg/controller/statefulset/stateful_set_control.go: updateStatefulSet (rolling update loop).
export function podsToUpdateLegacy(input: Omit<RollingUpdateInput, "maxUnavailable">): number[] {
  const { replicas, start, partition, updateRevision } = input;
  for (let target = replicas.length - 1; target >= partition; target--) {
    const pod = candidateAt(replicas, target, updateRevision);
    if (pod.revision !== updateRevision && !pod.terminating) return [start + target];
    if (pod.unavailable) return [];
  }
  return [];
}

/**
 * MaxUnavailableStatefulSet path: count unavailable pods over all in-range ordinals (partition
 * included); if that reaches maxUnavailable, delete nothing; otherwise delete up to
 * maxUnavailable − unavailable outdated, non-terminating pods from the highest ordinal down to
 * start + partition. Worked example (KEP-961): 5 replicas, partition 2, maxUnavailable 2, all
 * healthy and outdated → delete 4 and 3; once both are back, 2; ordinals 0 and 1 stay.
 * Note that an outdated pod that is already unavailable still uses up the budget: with one
 * replica, maxUnavailable 1 and that pod never becoming ready, nothing is ever deleted — the
 * kubernetes#137409 regression that made 1.35.4 turn the gate off by default again.
 */
// pkg/controller/statefulset/stateful_set_control.go: updateStatefulSetAfterInvariantEstablished.
export function podsToUpdateMaxUnavailable(input: RollingUpdateInput & { maxUnavailable: number }): number[] {
  const { replicas, start, partition, updateRevision, maxUnavailable } = input;
  let unavailablePods = 0;
  for (let target = replicas.length - 1; target >= 0; target--) {
    if (candidateAt(replicas, target, updateRevision).unavailable) unavailablePods++;
  }
  if (unavailablePods >= maxUnavailable) return [];
  const podsToDelete = maxUnavailable - unavailablePods;
  const deleted: number[] = [];
  for (let target = replicas.length - 1; target >= partition && deleted.length < podsToDelete; target--) {
    const pod = candidateAt(replicas, target, updateRevision);
    if (pod.revision !== updateRevision && !pod.terminating) deleted.push(start + target);
  }
  return deleted;
}

/**
 * Ordinals one RollingUpdate pass deletes, highest first. Only reached once phases 1–3 of the
 * sync did not stop it; OnDelete never gets here.
 */
// pkg/controller/statefulset/stateful_set_control.go: updateStatefulSet (phase 4).
export function podsToUpdate(input: RollingUpdateInput): number[] {
  const { maxUnavailable } = input;
  return maxUnavailable === null ? podsToUpdateLegacy(input) : podsToUpdateMaxUnavailable({ ...input, maxUnavailable });
}
