/**
 * StatefulSet rules, checked at the moment a pod is created or deleted (store watch), never by
 * scanning:
 *
 *  - OrderedReady creation (pkg/controller/statefulset/stateful_set_control.go, monotonic mode:
 *    `updateStatefulSet` runs `processReplica` over the replicas in ascending ordinal order and
 *    stops at the first pod that is missing, terminating or not `isRunningAndReady`): a pod of
 *    ordinal i is created only when every ordinal in [ordinals.start, i) has a pod that is
 *    Running, Ready and not terminating. Holds under faults too: the controller reads the store
 *    at the instant it creates.
 *  - OrderedReady scale-down (same file, `processCondemned` over the condemned pods in descending
 *    ordinal order, blocking on a terminating one; reached only when every replica passed
 *    `processReplica`): when a condemned pod (ordinal ≥ start + replicas) is deleted, no pod of a
 *    higher ordinal exists, no other condemned pod is terminating (one at a time), and every
 *    ordinal below start + replicas has a Running, Ready, non-terminating pod. Judged only when no
 *    fault fired at that instant and no node is impaired (a pod-kill or an eviction deletes
 *    condemned pods too).
 *  - Identity (the StatefulSet guarantee of at most one pod per identity): no two live pods with
 *    the same StatefulSet and ordinal. kubesim's store indexes pods by name and its kubelet drops
 *    a pod's process when the pod object goes, so this checks that a new pod of an identity never
 *    appears while an earlier pod of that identity is still in the store under another uid.
 *
 * Leaves out: minReadySeconds availability in the ordering (the controller's rule, `isRunning
 * AndAvailable`, is stricter than what is checked), Parallel sets (no order), rolling updates.
 */
import type { Time } from "../core/time.ts";
import { parseOrdinal } from "../controllers/statefulset/statefulset-math.ts";
import type { Pod } from "../model/objects.ts";
import type { Change, ClusterStore } from "../model/store.ts";
import type { StatefulSet } from "../model/workloads.ts";
import type { FaultSignal } from "./fault-signal.ts";
import { InvariantViolation } from "./invariants.ts";

export class StatefulSetOrdering {
  readonly #store: ClusterStore;
  readonly #faults: FaultSignal;
  readonly #now: () => Time;
  /** Live pod uid per identity `namespace/set/ordinal`. */
  readonly #identities = new Map<string, string>();
  #pending: string | null = null;
  /** Creations and scale-down deletions judged (tests use it to prove the checker looked). */
  judged = 0;

  constructor(store: ClusterStore, faults: FaultSignal, now: () => Time) {
    this.#store = store;
    this.#faults = faults;
    this.#now = now;
    for (const pod of store.pods.values()) {
      const set = this.#setOf(pod);
      if (set !== undefined) this.#identities.set(identity(set, pod), pod.uid);
    }
    store.watch((change) => {
      if (change.kind === "Pod" && this.#pending === null) this.#podChanged(change);
    });
  }

  afterEvent(now: Time): void {
    if (this.#pending === null) return;
    const message = this.#pending;
    this.#pending = null;
    throw new InvariantViolation(message, now);
  }

  #podChanged(change: Extract<Change, { kind: "Pod" }>): void {
    const pod = change.object;
    const set = this.#setOf(pod);
    if (set === undefined) return;
    const key = identity(set, pod);
    if (change.type === "added") {
      const earlier = this.#identities.get(key);
      if (earlier !== undefined && earlier !== pod.uid && this.#store.pods.has(earlier)) {
        this.#pending = `StatefulSet ${set.name}: pod ${pod.name} (${pod.uid}) created while pod ${earlier} of the same identity is still live`;
        return;
      }
      this.#identities.set(key, pod.uid);
      if (set.spec.podManagementPolicy === "OrderedReady") this.#judgeCreation(set, pod);
      return;
    }
    if (change.type === "deleted" && this.#identities.get(key) === pod.uid) this.#identities.delete(key);
    const before = change.before;
    if (before === null || before.deletionTimestamp !== null) return;
    const deleted = change.type === "deleted" || pod.deletionTimestamp !== null;
    if (!deleted || set.spec.podManagementPolicy !== "OrderedReady") return;
    if (before.phase === "Succeeded" || before.phase === "Failed") return;
    const ordinal = parseOrdinal(pod.name, set.name);
    if (ordinal < set.spec.ordinalsStart + set.spec.replicas) return; // not condemned: an update or a replacement
    if (!this.#faults.quiet(this.#now())) return;
    this.#judgeScaleDown(set, pod, ordinal);
  }

  #judgeCreation(set: StatefulSet, pod: Pod): void {
    this.judged++;
    const ordinal = parseOrdinal(pod.name, set.name);
    for (let j = set.spec.ordinalsStart; j < ordinal; j++) {
      const lower = this.#store.podsByName.get(`${set.namespace}/${set.name}-${j}`);
      const why =
        lower === undefined ? "does not exist" : lower.deletionTimestamp !== null ? "is terminating" : lower.phase !== "Running" || !lower.ready ? "is not Running and Ready" : null;
      if (why !== null) {
        this.#pending = `StatefulSet ${set.name} (OrderedReady) created ${pod.name} while ${set.name}-${j} ${why} (stateful_set_control.go processReplica, monotonic)`;
        return;
      }
    }
  }

  #judgeScaleDown(set: StatefulSet, pod: Pod, ordinal: number): void {
    this.judged++;
    const end = set.spec.ordinalsStart + set.spec.replicas;
    for (const other of this.#store.podsOwnedBy(set.uid)) {
      if (other === pod) continue;
      const j = parseOrdinal(other.name, set.name);
      let why: string | null = null;
      if (j > ordinal) why = `${other.name} (a higher ordinal) still exists`;
      else if (j >= end && other.deletionTimestamp !== null) why = `${other.name} is still terminating (one at a time)`;
      else if (j < end && (other.deletionTimestamp !== null || other.phase !== "Running" || !other.ready)) why = `${other.name} is not Running and Ready`;
      if (why !== null) {
        this.#pending = `StatefulSet ${set.name} (OrderedReady) scaled down ${pod.name} while ${why} (stateful_set_control.go processCondemned, monotonic)`;
        return;
      }
    }
    for (let j = set.spec.ordinalsStart; j < end; j++) {
      if (!this.#store.podsByName.has(`${set.namespace}/${set.name}-${j}`)) {
        this.#pending = `StatefulSet ${set.name} (OrderedReady) scaled down ${pod.name} while ${set.name}-${j} does not exist (stateful_set_control.go processCondemned, monotonic)`;
        return;
      }
    }
  }

  #setOf(pod: Pod): StatefulSet | undefined {
    if (pod.owner?.kind !== "StatefulSet") return undefined;
    const set = this.#store.statefulSets.get(pod.owner.name);
    return set?.uid === pod.owner.uid ? set : undefined;
  }
}

function identity(set: StatefulSet, pod: Pod): string {
  return `${set.namespace}/${set.name}/${parseOrdinal(pod.name, set.name)}`;
}
