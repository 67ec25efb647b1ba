/**
 * PersistentVolumeClaims of StatefulSet pods: one per (claim template, ordinal), named
 * `<template>-<set>-<ordinal>`, kept across pod re-creation, and deleted or retained on scale-down
 * and set deletion by the PVC retention policy. The policy works through ownerReferences that the
 * controller keeps on each claim, and the garbage collector deletes a claim whose owners are all
 * gone. Sources: pkg/controller/statefulset/stateful_set_utils.go (`isClaimOwnerUpToDate`,
 * `updateClaimOwnerRefForSetAndPod`, `getPersistentVolumeClaimRetentionPolicy`),
 * stateful_pod_control.go (`ClaimsMatchRetentionPolicy`, `PodClaimIsStale`,
 * `createPersistentVolumeClaims`), k8s-semantics §3.4.
 *
 * A claim is a plain record the StatefulSet controller keeps (the cluster store has no PVCs):
 * it is not bound to a volume, a node or a zone, so a pod that uses it can run on any node.
 * Leaves out: volumes, storage classes, binding, the pvc-protection finalizer and claim
 * deletion timestamps (a claim is deleted at once when the garbage collector finds it), other
 * controllers' ownerReferences (`hasUnexpectedController`), and claims of pods that are not the
 * set's own.
 */
import type { Time } from "../../core/time.ts";
import type { StatefulSet } from "../../model/workloads.ts";

/** The pod an ownerReference on a claim points to. */
export interface ClaimPodRef {
  readonly name: string;
  readonly uid: string;
}

export interface PersistentVolumeClaim {
  readonly uid: string;
  readonly name: string;
  readonly namespace: string;
  /** The set, claim template and ordinal the claim was made for. */
  readonly setName: string;
  readonly template: string;
  readonly ordinal: number;
  readonly creationTime: Time;
  /** ownerReference to the StatefulSet (its uid), or null. */
  ownerSetUid: string | null;
  /** ownerReference to a pod, or null. */
  ownerPod: ClaimPodRef | null;
}

/** The ownerReferences the retention policy asks for. */
export interface ClaimOwners {
  readonly setUid: string | null;
  readonly pod: ClaimPodRef | null;
}

/**
 * The owners a claim of `pod` should have:
 * | whenScaled / whenDeleted | in range | scaled down (condemned) |
 * |---|---|---|
 * | Retain / Retain | none | none |
 * | Retain / Delete | set | set |
 * | Delete / Retain | none | pod |
 * | Delete / Delete | set | pod |
 */
// pkg/controller/statefulset/stateful_set_utils.go: updateClaimOwnerRefForSetAndPod.
export function desiredClaimOwners(set: StatefulSet, pod: ClaimPodRef, inRange: boolean): ClaimOwners {
  const { whenScaled, whenDeleted } = set.spec.persistentVolumeClaimRetentionPolicy;
  if (whenScaled === "Retain") return { setUid: whenDeleted === "Delete" ? set.uid : null, pod: null };
  if (!inRange) return { setUid: null, pod };
  return { setUid: whenDeleted === "Delete" ? set.uid : null, pod: null };
}

/**
 * True when the claim's ownerReferences already follow the policy for `pod`. A claim that still
 * points to an older set or an older pod of the same name (another uid) counts as up to date:
 * upstream leaves such claims alone for the garbage collector.
 */
// pkg/controller/statefulset/stateful_set_utils.go: isClaimOwnerUpToDate (with hasStaleOwnerRef).
export function claimOwnersUpToDate(claim: PersistentVolumeClaim, set: StatefulSet, pod: ClaimPodRef, inRange: boolean): boolean {
  if (claim.ownerSetUid !== null && claim.ownerSetUid !== set.uid) return true;
  if (claim.ownerPod !== null && claim.ownerPod.name === pod.name && claim.ownerPod.uid !== pod.uid) return true;
  const want = desiredClaimOwners(set, pod, inRange);
  return (claim.ownerSetUid !== null) === (want.setUid !== null) && (claim.ownerPod !== null) === (want.pod !== null);
}

/**
 * A claim blocks the creation of its pod while it is owned by an earlier pod of that name: with
 * whenScaled Delete, a claim of a scaled-down pod waits for the garbage collector, and a new pod
 * (no uid yet) must not take it over. With whenScaled Retain claims are meant to be reused and
 * are never stale.
 */
// pkg/controller/statefulset/stateful_pod_control.go: PodClaimIsStale.
export function claimIsStale(set: StatefulSet, claim: PersistentVolumeClaim | undefined): boolean {
  if (set.spec.persistentVolumeClaimRetentionPolicy.whenScaled === "Retain" || claim === undefined) return false;
  return claim.ownerPod !== null;
}

/**
 * The garbage collector's rule (background propagation): a dependent with ownerReferences is
 * deleted once none of its owners exists any more; a claim without owners is kept.
 */
// pkg/controller/garbagecollector/garbagecollector.go: attemptToDeleteItem (all owners absent).
export function isClaimGarbage(claim: PersistentVolumeClaim, setExists: (uid: string) => boolean, podExists: (uid: string) => boolean): boolean {
  if (claim.ownerSetUid === null && claim.ownerPod === null) return false;
  if (claim.ownerSetUid !== null && setExists(claim.ownerSetUid)) return false;
  if (claim.ownerPod !== null && podExists(claim.ownerPod.uid)) return false;
  return true;
}

/** The claims the StatefulSet controller keeps, per set and by name, in creation order. */
export class ClaimStore {
  /** namespace/set → claim name → claim. */
  readonly #bySet = new Map<string, Map<string, PersistentVolumeClaim>>();
  #size = 0;

  get(namespace: string, setName: string, name: string): PersistentVolumeClaim | undefined {
    return this.#bySet.get(`${namespace}/${setName}`)?.get(name);
  }

  add(claim: PersistentVolumeClaim): void {
    const key = `${claim.namespace}/${claim.setName}`;
    let claims = this.#bySet.get(key);
    if (claims === undefined) this.#bySet.set(key, (claims = new Map()));
    if (claims.has(claim.name)) throw new Error(`invariant: claim ${claim.namespace}/${claim.name} already exists`);
    claims.set(claim.name, claim);
    this.#size++;
  }

  remove(claim: PersistentVolumeClaim): void {
    if (this.#bySet.get(`${claim.namespace}/${claim.setName}`)?.delete(claim.name) !== true) {
      throw new Error(`invariant: no claim ${claim.namespace}/${claim.name}`);
    }
    this.#size--;
  }

  /** The claims made for one set, in creation order. */
  ofSet(namespace: string, setName: string): PersistentVolumeClaim[] {
    const claims = this.#bySet.get(`${namespace}/${setName}`);
    return claims === undefined ? [] : [...claims.values()];
  }

  /** Every claim name (namespace omitted), sorted, for assertions. */
  names(): string[] {
    const out: string[] = [];
    for (const claims of this.#bySet.values()) out.push(...claims.keys());
    return out.sort();
  }

  get size(): number {
    return this.#size;
  }
}
