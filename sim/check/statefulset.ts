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
 *    the same StatefulSet and ordinal. kubesim's store indexes pods by name, so this checks that
 *    a new pod of an identity never appears while an earlier pod of that identity is still in the
 *    store under another uid.
 *  - Identity, processes: a pod's process may outlive its API object, giving an identity two
 *    running processes, only as upstream lets it: the object was removed at once (a force
 *    deletion) while its node could not reach the API (partitioned, kubelet up), and only until
 *    the node reconnects (pkg/kubelet/kubelet.go HandlePodRemoves, kubelet_pods.go
 *    HandlePodCleanups; kubernetes.io "Force Delete StatefulSet Pods"). Judged after every event
 *    from the kubelet's orphans: one whose pod was deleted while its node was connected, or
 *    still running once its node is connected again or its kubelet down, fires.
 *
 * Leaves out: minReadySeconds availability in the ordering (the controller's rule, `isRunning
 * AndAvailable`, is stricter than what is checked), Parallel sets (no order), rolling updates.
 */
import type { Time } from "../core/time.ts";
import { parseOrdinal } from "../controllers/statefulset/statefulset-math.ts";
import type { OrphanedProcess } from "../kubelet/kubelet.ts";
import type { Pod } from "../model/objects.ts";
import type { Change, ClusterStore } from "../model/store.ts";
import type { StatefulSet } from "../model/workloads.ts";
import type { FaultSignal } from "./fault-signal.ts";
import { InvariantViolation } from "./invariants.ts";

/** What the checker reads of the kubelet: processes whose pod object is gone (Kubelet has it). */
export interface ProcessView {
  readonly orphans: ReadonlyMap<string, OrphanedProcess>;
}

export class StatefulSetOrdering {
  readonly #store: ClusterStore;
  readonly #faults: FaultSignal;
  readonly #now: () => Time;
  readonly #processes: ProcessView | null;
  /** Live pod uid per identity `namespace/set/ordinal`. */
  readonly #identities = new Map<string, string>();
  /** StatefulSet pods deleted while their node was partitioned (kubelet up), uid → node: may leave orphans. */
  readonly #cutOff = new Map<string, string>();
  /** Nodes that reconnected or lost their kubelet during this event: their cut-off pods expire. */
  readonly #rejoined = new Set<string>();
  #pending: string | null = null;
  /** Creations and scale-down deletions judged (tests use it to prove the checker looked). */
  judged = 0;
  /** Orphaned processes judged, once per event each (tests use it to prove the checker looked). */
  orphansJudged = 0;

  constructor(store: ClusterStore, faults: FaultSignal, now: () => Time, processes: ProcessView | null = null) {
    this.#store = store;
    this.#faults = faults;
    this.#now = now;
    this.#processes = processes;
    for (const pod of store.pods.values()) {
      const set = this.#setOf(pod);
      if (set !== undefined) this.#identities.set(identity(set, pod), pod.uid);
    }
    store.watch((change) => {
      if (change.kind === "Pod" && this.#pending === null) this.#podChanged(change);
      else if (change.kind === "Node" && this.#cutOff.size > 0 && (change.object.reachable || !change.object.kubeletUp)) {
        this.#rejoined.add(change.object.name);
      }
    });
  }

  afterEvent(now: Time): void {
    if (this.#pending === null && this.#processes !== null && this.#processes.orphans.size > 0) this.#judgeOrphans();
    if (this.#rejoined.size > 0) this.#expireCutOff();
    if (this.#pending === null) return;
    const message = this.#pending;
    this.#pending = null;
    throw new InvariantViolation(message, now);
  }

  /** Every orphaned StatefulSet process must be one that upstream leaves running, still. */
  #judgeOrphans(): void {
    for (const orphan of this.#processes!.orphans.values()) {
      if (orphan.owner?.kind !== "StatefulSet") continue;
      this.orphansJudged++;
      const cutOffOn = this.#cutOff.get(orphan.uid);
      const node = this.#store.nodes.get(orphan.node);
      let why: string | null = null;
      if (cutOffOn !== orphan.node) why = `its pod was deleted while ${orphan.node} could reach the API (the kubelet must stop it)`;
      else if (node === undefined || !node.kubeletUp) why = `the kubelet of ${orphan.node} is down (its processes are gone)`;
      else if (node.reachable) why = `${orphan.node} reaches the API again (the kubelet kills pods deleted meanwhile: kubelet.go HandlePodRemoves)`;
      if (why !== null) {
        this.#pending = `StatefulSet ${orphan.owner.name}: process of pod ${orphan.name} (${orphan.uid}) still runs after its object was deleted at ${orphan.deletedAt / 1e6}s, but ${why}`;
        return;
      }
    }
  }

  #expireCutOff(): void {
    for (const [uid, node] of this.#cutOff) if (this.#rejoined.has(node)) this.#cutOff.delete(uid);
    this.#rejoined.clear();
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
    if (change.type === "deleted") {
      if (this.#identities.get(key) === pod.uid) this.#identities.delete(key);
      const node = pod.nodeName === null ? undefined : this.#store.nodes.get(pod.nodeName);
      if (node !== undefined && !node.reachable && node.kubeletUp) this.#cutOff.set(pod.uid, node.name);
    }
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
