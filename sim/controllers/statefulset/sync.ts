/**
 * One sync of a StatefulSet as a pure function (pkg/controller/statefulset/stateful_set_control.go
 * `UpdateStatefulSet` → `performUpdate` → `updateStatefulSet`, and `updateStatefulSetStatus`):
 * observed set, pods and claims in, an ordered list of actions, the revision history and the
 * status out. It reads top to bottom as upstream does:
 *   revisions → split replicas/condemned → phase 1 replicas (ascending) → phase 2 claim owners of
 *   condemned pods → phase 3 condemned (descending) → phase 4 RollingUpdate → status.
 * With podManagementPolicy OrderedReady ("monotonic") each phase stops at the first pod it has
 * to wait for, and only one pod is created or scaled down per sync; Parallel waits for nothing.
 *
 * Health and availability: Running and Ready (`isRunningAndReady`), and available per
 * minReadySeconds by kubesim's one rule (`isPodAvailable` of the ReplicaSet controller: Ready
 * since floor(readyTime) + minReadySeconds ≤ now, the documented knob of k8s-semantics §1.6;
 * upstream's strict `<` would make an exact-instant requeue wait another minReadySeconds).
 *
 * Leaves out: adoption and release of pods by label (pods are owned from birth), identity and
 * storage drift of existing pods (kubesim never changes a pod's name, hostname or volumes, so
 * `identityMatches` and `storageMatches` always hold), API errors and their retries, and the
 * post-1.35 two-phase maxUnavailable variant for Parallel sets (kubernetes#137666). Parallel
 * creation runs upstream in slow-start batches 1, 2, 4, … that only matter when a create fails;
 * creates never fail here, so every missing pod is created in one sync.
 */
import { MICROS_PER_SECOND, type Time } from "../../core/time.ts";
import type { Pod, PodSpec } from "../../model/objects.ts";
import { newPod, podSpecFromTemplate } from "../../model/pod-factory.ts";
import type { ControllerRevision, StatefulSet } from "../../model/workloads.ts";
import { type ClaimOwners, type ClaimPodRef, claimIsStale, claimOwnersUpToDate, desiredClaimOwners, type PersistentVolumeClaim } from "./claims.ts";
import { getStatefulSetRevisions, type RevisionChange, truncateHistory } from "./revisions.ts";
import {
  isRunningAndAvailable,
  isRunningAndReady,
  isTerminating,
  isUnavailable,
  parseOrdinal,
  podName,
  podsToUpdate,
  pvcName,
  resolveStatefulSetMaxUnavailable,
  revisionForNewPod,
  splitReplicasAndCondemned,
  type UpdateCandidate,
} from "./statefulset-math.ts";

/** Label with the pod's name, for per-pod Services (apps/v1 StatefulSetPodNameLabel). */
export const STATEFULSET_POD_NAME_LABEL = "statefulset.kubernetes.io/pod-name";
/** Label with the pod's ordinal (apps/v1 PodIndexLabel, GA in 1.32). */
export const POD_INDEX_LABEL = "apps.kubernetes.io/pod-index";
/** Label with the name of the pod's ControllerRevision (apps/v1 StatefulSetRevisionLabel). */
export const CONTROLLER_REVISION_HASH_LABEL = "controller-revision-hash";

export interface SyncOptions {
  /** The set's claims as the controller holds them (default: none). */
  readonly claims?: readonly PersistentVolumeClaim[];
  /**
   * The MaxUnavailableStatefulSet feature gate (beta, on by default in v1.35): the RollingUpdate
   * deletes up to maxUnavailable pods at a time. false: the legacy one-at-a-time loop.
   */
  readonly maxUnavailableStatefulSet?: boolean;
}

/** Why a pod is deleted: a terminal pod is replaced, a condemned one scaled down, an outdated one updated. */
export type DeleteReason = "failed" | "condemned" | "update";

/** What one sync does, in the order upstream does it. */
export type StatefulSetAction =
  /** Create a missing claim (createPersistentVolumeClaims), with the owners its policy asks for. */
  | {
      readonly type: "createClaim";
      readonly claim: string;
      readonly template: string;
      readonly ordinal: number;
      readonly pod: string;
      readonly owners: ClaimOwners;
    }
  /** Create pod `<set>-<ordinal>` from the template of `revision` (newVersionedStatefulSetPod). */
  | { readonly type: "createPod"; readonly ordinal: number; readonly name: string; readonly revision: ControllerRevision }
  /**
   * Rewrite a claim's ownerReferences for the retention policy. `updatesPod`: upstream does it
   * through UpdateStatefulPod (an in-range pod: a SuccessfulUpdate event), not only the claim.
   */
  | { readonly type: "setClaimOwners"; readonly claim: string; readonly owners: ClaimOwners; readonly pod: string; readonly updatesPod: boolean }
  /** Delete a pod with its own grace period. */
  | { readonly type: "deletePod"; readonly pod: Pod; readonly reason: DeleteReason };

export interface StatefulSetStatusCounts {
  readonly observedGeneration: number;
  /** Pods that exist (terminating ones included: `isCreated`). */
  readonly replicas: number;
  /** Running and Ready. */
  readonly readyReplicas: number;
  /** Running, Ready and available per minReadySeconds. */
  readonly availableReplicas: number;
  /** Not terminating and at the current revision. */
  readonly currentReplicas: number;
  /** Not terminating and at the update revision. */
  readonly updatedReplicas: number;
  readonly currentRevision: string;
  readonly updateRevision: string;
}

export interface StatefulSetDecision {
  readonly currentRevision: ControllerRevision;
  readonly updateRevision: ControllerRevision;
  /** Whether the update revision was created or renumbered by this sync (a new rollout). */
  readonly revisionChange: RevisionChange;
  /** The revision history after this sync (update revision in it, old ones truncated). */
  readonly revisions: readonly ControllerRevision[];
  readonly actions: readonly StatefulSetAction[];
  /** The status to write (completeRollingUpdate applied). */
  readonly status: StatefulSetStatusCounts;
  /** AddAfter(minReadySeconds) when minReadySeconds > 0 and not every replica is available. */
  readonly requeueAfter: Time | null;
  /** In words, what the pass stopped for (null when it ran to the end). */
  readonly waitingFor: string | null;
}

/** A pod slot in [start, start + replicas): an existing pod, or one to be created at `revision`. */
type Slot = { readonly ordinal: number; readonly pod: Pod } | { readonly ordinal: number; readonly pod: null; readonly revision: ControllerRevision };

// pkg/controller/statefulset/stateful_set_utils.go: getPodRevision (the controller-revision-hash label).
function revisionOf(pod: Pod): string {
  return pod.labels[CONTROLLER_REVISION_HASH_LABEL] ?? "";
}

/**
 * The pod a StatefulSet creates for `ordinal` at `revision`: the revision's template, the
 * identity (name, hostname, subdomain = serviceName) and the three StatefulSet labels.
 */
// pkg/controller/statefulset/stateful_set_utils.go: newStatefulSetPod, updateIdentity, setPodRevision.
export function newStatefulSetPod(
  set: StatefulSet,
  revision: ControllerRevision,
  ordinal: number,
  uid: string,
  now: Time,
  defaultTolerationSeconds?: number,
): Pod {
  const name = podName(set.name, ordinal);
  const spec: PodSpec = podSpecFromTemplate(revision.template, {
    hostname: name,
    subdomain: set.spec.serviceName === "" ? undefined : set.spec.serviceName,
    defaultTolerationSeconds,
  });
  return newPod({
    uid,
    name,
    namespace: set.namespace,
    template: revision.template,
    spec,
    owner: { kind: "StatefulSet", name: set.name, uid: set.uid },
    revision: revision.name,
    extraLabels: {
      [STATEFULSET_POD_NAME_LABEL]: name,
      [POD_INDEX_LABEL]: String(ordinal),
      [CONTROLLER_REVISION_HASH_LABEL]: revision.name,
    },
    app: set.name,
    now,
  });
}

/**
 * Status counts over the pods (`computeReplicaStatus`): replicas counts every pod that exists,
 * terminating ones included; current/updated count only pods that are not terminating.
 */
// pkg/controller/statefulset/stateful_set_control.go: updateStatus, computeReplicaStatus.
export function computeReplicaStatus(
  pods: Iterable<Pod>,
  minReadySeconds: number,
  now: Time,
  currentRevision: string,
  updateRevision: string,
): { replicas: number; readyReplicas: number; availableReplicas: number; currentReplicas: number; updatedReplicas: number } {
  let replicas = 0;
  let readyReplicas = 0;
  let availableReplicas = 0;
  let currentReplicas = 0;
  let updatedReplicas = 0;
  for (const pod of pods) {
    replicas++;
    if (isRunningAndReady(pod)) {
      readyReplicas++;
      if (isRunningAndAvailable(pod, minReadySeconds, now)) availableReplicas++;
    }
    if (!isTerminating(pod)) {
      const revision = revisionOf(pod);
      if (revision === currentRevision) currentReplicas++;
      if (revision === updateRevision) updatedReplicas++;
    }
  }
  return { replicas, readyReplicas, availableReplicas, currentReplicas, updatedReplicas };
}

/**
 * A RollingUpdate is complete when every desired replica exists, is Ready and is at the update
 * revision; the update revision then becomes the current one. Example: spec 3, replicas 3,
 * ready 3, updated 3 → current = update. OnDelete never completes in v1.35 (kubernetes#73492;
 * fixed for 1.36 by kubernetes#136833).
 */
// pkg/controller/statefulset/stateful_set_utils.go: completeRollingUpdate.
export function completeRollingUpdate(set: StatefulSet, status: StatefulSetStatusCounts): StatefulSetStatusCounts {
  const replicas = set.spec.replicas;
  if (
    set.spec.updateStrategy.type === "RollingUpdate" &&
    status.updatedReplicas === replicas &&
    status.readyReplicas === replicas &&
    status.replicas === replicas
  ) {
    return { ...status, currentReplicas: status.updatedReplicas, currentRevision: status.updateRevision };
  }
  return status;
}

/**
 * One sync of `set` given its pods (terminating ones included) at `now`.
 * Example (OrderedReady, 3 replicas, web-0 Ready, nothing else): phase 1 passes web-0, creates
 * web-1 and stops; status replicas 1, ready 1.
 */
// pkg/controller/statefulset/stateful_set_control.go: UpdateStatefulSet, updateStatefulSet.
export function syncStatefulSet(set: StatefulSet, pods: readonly Pod[], now: Time, options: SyncOptions = {}): StatefulSetDecision {
  const { current, update, history, change } = getStatefulSetRevisions(set);
  const minReadySeconds = set.spec.minReadySeconds;
  const start = set.spec.ordinalsStart;
  const strategy = set.spec.updateStrategy;
  const partition = strategy.type === "RollingUpdate" ? (strategy.rollingUpdate?.partition ?? 0) : 0;
  const monotonic = set.spec.podManagementPolicy !== "Parallel";
  const claims = new Map<string, PersistentVolumeClaim>();
  for (const claim of options.claims ?? []) claims.set(claim.name, claim);
  const actions: StatefulSetAction[] = [];
  const deleted = new Set<string>();
  let updateDeletions = 0;

  // Split into replicas[ordinal − start] and condemned (descending); missing slots get the
  // revision newVersionedStatefulSetPod would give them.
  const split = splitReplicasAndCondemned(
    pods.map((pod) => ({ pod, ordinal: parseOrdinal(pod.name, set.name) })),
    start,
    set.spec.replicas,
  );
  const replicas: Slot[] = split.replicas.map((found, i) => {
    if (found !== null) return found;
    const ordinal = start + i;
    const name = revisionForNewPod(ordinal, start, partition, current.name, update.name, strategy.type);
    return { ordinal, pod: null, revision: name === current.name ? current : update };
  });
  const condemned = split.condemned.map((c) => c.pod);

  // updateStatefulSet ("find the first unhealthy Pod"): the lowest in-range slot that is
  // unavailable, else the lowest unavailable condemned pod. Only it may be scaled down while
  // unhealthy (monotonic).
  let firstUnhealthy: Pod | null = null;
  const firstUnhealthySlot = replicas.find((slot) => isUnavailable(slot.pod, minReadySeconds, now));
  if (firstUnhealthySlot !== undefined) firstUnhealthy = firstUnhealthySlot.pod;
  else {
    for (let i = condemned.length - 1; i >= 0 && firstUnhealthy === null; i--) {
      if (isUnavailable(condemned[i], minReadySeconds, now)) firstUnhealthy = condemned[i];
    }
  }

  const deletePod = (pod: Pod, reason: DeleteReason) => {
    // A second delete of the same pod in one pass is a NotFound that upstream ignores.
    if (deleted.has(pod.uid)) return;
    deleted.add(pod.uid);
    actions.push({ type: "deletePod", pod, reason });
  };

  // stateful_pod_control.go createPersistentVolumeClaims: every template's claim for this
  // ordinal that does not exist yet.
  const createMissingClaims = (ordinal: number, pod: string, owners: ClaimOwners) => {
    for (const template of set.spec.volumeClaimTemplates) {
      const claim = pvcName(template.name, set.name, ordinal);
      if (claims.has(claim)) continue;
      actions.push({ type: "createClaim", claim, template: template.name, ordinal, pod, owners });
      // Later steps of this pass see the claim (upstream reads it back from the API).
      claims.set(claim, {
        uid: "",
        name: claim,
        namespace: set.namespace,
        setName: set.name,
        template: template.name,
        ordinal,
        creationTime: now,
        ownerSetUid: owners.setUid,
        ownerPod: owners.pod,
      });
    }
  };

  // stateful_pod_control.go ClaimsMatchRetentionPolicy + UpdatePodClaimForRetentionPolicy.
  const fixClaimOwners = (ref: ClaimPodRef, ordinal: number, inRange: boolean, updatesPod: boolean) => {
    for (const template of set.spec.volumeClaimTemplates) {
      const claim = claims.get(pvcName(template.name, set.name, ordinal));
      if (claim === undefined || claimOwnersUpToDate(claim, set, ref, inRange)) continue;
      const owners = desiredClaimOwners(set, ref, inRange);
      actions.push({ type: "setClaimOwners", claim: claim.name, owners, pod: ref.name, updatesPod });
      claims.set(claim.name, { ...claim, ownerSetUid: owners.setUid, ownerPod: owners.pod });
    }
  };

  const finish = (waitingFor: string | null): StatefulSetDecision => {
    const live: Pod[] = [];
    for (const slot of replicas) if (slot.pod !== null) live.push(slot.pod);
    for (const pod of condemned) live.push(pod); // no spread: 10^5 arguments overflow the stack
    const counts = computeReplicaStatus(live, minReadySeconds, now, current.name, update.name);
    const status = completeRollingUpdate(set, {
      observedGeneration: set.generation,
      ...counts,
      // Each pod deleted for the update no longer counts as current (status.CurrentReplicas--).
      currentReplicas: counts.currentReplicas - updateDeletions,
      currentRevision: current.name,
      updateRevision: update.name,
    });
    // truncateHistory: live revisions are the current, the update and every pod's.
    const liveRevisions = new Set([current.name, update.name]);
    for (const pod of pods) liveRevisions.add(revisionOf(pod));
    const revisions = truncateHistory(history, liveRevisions, set.spec.revisionHistoryLimit);
    // stateful_set.go syncStatefulSet: one more sync once minReadySeconds may have passed.
    const requeueAfter = minReadySeconds > 0 && status.availableReplicas !== set.spec.replicas ? minReadySeconds * MICROS_PER_SECOND : null;
    return { currentRevision: current, updateRevision: update, revisionChange: change, revisions, actions, status, requeueAfter, waitingFor };
  };

  // Phase 1 (stateful_set_control.go processReplica, via runForAll): replicas in ascending
  // ordinal order. Returns what the pass waits for; only a monotonic pass stops there.
  const processReplica = (slot: Slot): string | null => {
    const pod = slot.pod;
    if (pod === null) {
      const name = podName(set.name, slot.ordinal);
      for (const template of set.spec.volumeClaimTemplates) {
        const claim = claims.get(pvcName(template.name, set.name, slot.ordinal));
        if (claimIsStale(set, claim)) return `claim ${claim!.name} of ${name} is still owned by an earlier pod`;
      }
      // CreateStatefulPod: claims first, then the pod, then the claims' owners for the policy.
      // The new pod is in range, where no pod ref is wanted, so its uid does not matter here.
      const ref = { name, uid: "" };
      createMissingClaims(slot.ordinal, name, desiredClaimOwners(set, ref, true));
      fixClaimOwners(ref, slot.ordinal, true, false);
      actions.push({ type: "createPod", ordinal: slot.ordinal, name, revision: slot.revision });
      // The pod object of this pass was never created (no phase): nothing more to check.
      return monotonic ? `${name} was just created` : null;
    }
    // A terminal pod is deleted; its replacement is created by a later sync, once it is gone.
    if (pod.phase === "Failed" || pod.phase === "Succeeded") {
      if (!isTerminating(pod)) deletePod(pod, "failed");
      return `${pod.name} is ${pod.phase} and is being replaced`;
    }
    if (pod.phase === "Pending") createMissingClaims(slot.ordinal, pod.name, desiredClaimOwners(set, { name: pod.name, uid: pod.uid }, true));
    if (monotonic) {
      if (isTerminating(pod)) return `${pod.name} to terminate`;
      if (!isRunningAndReady(pod)) return `${pod.name} to be Running and Ready`;
      if (!isRunningAndAvailable(pod, minReadySeconds, now)) return `${pod.name} to be available`;
    }
    fixClaimOwners({ name: pod.name, uid: pod.uid }, slot.ordinal, true, true);
    return null;
  };
  for (const slot of replicas) {
    const stop = processReplica(slot);
    if (stop !== null && monotonic) return finish(stop);
  }

  // Phase 2 (updateStatefulSet fixPodClaim): ownerReferences of the condemned pods' claims
  // (whenScaled: Delete → owned by the pod, so they go with it). Never stops the pass.
  for (const pod of condemned) fixClaimOwners({ name: pod.name, uid: pod.uid }, parseOrdinal(pod.name, set.name), false, false);

  // Phase 3 (stateful_set_control.go processCondemned): condemned pods, highest ordinal first.
  // Reached in monotonic mode only when every replica is Running, Ready and available.
  for (const pod of condemned) {
    if (isTerminating(pod)) {
      if (monotonic) return finish(`${pod.name} to terminate before scaling down further`);
      continue;
    }
    if (monotonic && pod !== firstUnhealthy) {
      if (!isRunningAndReady(pod)) return finish(`${firstUnhealthy?.name ?? pod.name} to be Running and Ready before scaling down`);
      if (!isRunningAndAvailable(pod, minReadySeconds, now)) return finish(`${firstUnhealthy?.name ?? pod.name} to be available before scaling down`);
    }
    deletePod(pod, "condemned");
    if (monotonic) return finish(`${pod.name} to terminate (scale down)`);
  }

  // updateStatefulSet: OnDelete short-circuits; pods change only when someone deletes them.
  if (strategy.type === "OnDelete") return finish(null);

  // Phase 4: RollingUpdate from the highest ordinal down to the partition —
  // updateStatefulSetAfterInvariantEstablished with the gate on, the legacy loop of
  // updateStatefulSet with it off (statefulset-math.ts podsToUpdate).
  const maxUnavailable =
    (options.maxUnavailableStatefulSet ?? true) ? resolveStatefulSetMaxUnavailable(strategy.rollingUpdate?.maxUnavailable, set.spec.replicas) : null;
  const candidates: (UpdateCandidate | null)[] = replicas.map((slot) =>
    slot.pod === null
      ? null
      : { revision: revisionOf(slot.pod), terminating: isTerminating(slot.pod), unavailable: isUnavailable(slot.pod, minReadySeconds, now) },
  );
  for (const ordinal of podsToUpdate({ replicas: candidates, start, partition, updateRevision: update.name, maxUnavailable })) {
    const slot = replicas[ordinal - start];
    if (slot.pod !== null) deletePod(slot.pod, "update");
    updateDeletions++;
  }
  return finish(null);
}
