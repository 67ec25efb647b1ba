/**
 * The ReplicaSet controller (pkg/controller/replicaset/replica_set.go `syncReplicaSet`,
 * `manageReplicas`; replica_set_utils.go `calculateStatus`): keep `spec.replicas` active pods,
 * creating missing ones in slow-start batches (at most 500 per sync) and deleting extra ones in
 * the upstream ranking order, then write status and requeue after minReadySeconds when every
 * replica is ready but not yet available.
 *
 * `syncReplicaSet` is pure: observed objects in, a decision out; `ReplicaSetController` applies it.
 * Expectations are not needed here: a reconcile reads the store itself, which already holds the
 * pods it created (no informer lag), so it can never double-create.
 *
 * Leaves out: adoption/orphaning by label (pods are owned from birth), API errors.
 */
import type { Time } from "../../core/time.ts";
import { floorToSecond, MICROS_PER_SECOND } from "../../core/time.ts";
import { isPodActive, type Pod } from "../../model/objects.ts";
import { deletionCost, newPod, podSpecFromTemplate } from "../../model/pod-factory.ts";
import type { Change } from "../../model/store.ts";
import type { ReplicaSet } from "../../model/workloads.ts";
import { type ControllerContext, randomSuffix, randomUid } from "../context.ts";
import { POD_TEMPLATE_HASH_LABEL } from "../template-hash.ts";
import { WorkQueue } from "../workqueue.ts";
import { getPodsToDelete, type RankablePod } from "./pod-ranking.ts";
import { BURST_REPLICAS } from "./slow-start.ts";

/**
 * podutil.IsPodAvailable: Ready, and Ready for at least minReadySeconds, measured from the
 * condition's lastTransitionTime at whole-second precision. Upstream requires the boundary to be
 * strictly passed (`Add(minReady).Before(now)`), and in a real cluster the requeue always lands a
 * little after it (watch and queue latency); kubesim has no such latency, so a reconcile at
 * exactly the boundary counts as past it. This is the one deliberate departure, documented in
 * k8s-semantics §1.6 as the simulator's knob.
 */
export function isPodAvailable(pod: Pick<Pod, "ready" | "readyTransitionTime">, minReadySeconds: number, now: Time): boolean {
  if (!pod.ready) return false;
  if (minReadySeconds === 0) return true;
  return floorToSecond(pod.readyTransitionTime) + minReadySeconds * MICROS_PER_SECOND <= now;
}

export interface ReplicaSetStatus {
  readonly replicas: number;
  readonly readyReplicas: number;
  readonly availableReplicas: number;
  readonly terminatingReplicas: number;
}

export interface ReplicaSetDecision {
  /** How many pods to create this sync. */
  readonly create: number;
  /** Pods to delete this sync, in deletion order. */
  readonly delete: readonly Pod[];
  readonly status: ReplicaSetStatus;
  /** AddAfter(minReadySeconds) when every replica is ready but not all available. */
  readonly requeueAfter: Time | null;
}

/**
 * One sync of a ReplicaSet. `owned` are the RS's pods (terminating ones included); `related`
 * are the pods of every ReplicaSet of the same Deployment (for the co-location rank).
 * Example: spec 5, pods 3 active + 1 terminating → create 2; status replicas 3.
 */
export function syncReplicaSet(rs: ReplicaSet, owned: readonly Pod[], related: readonly Pod[] | (() => readonly Pod[]), now: Time): ReplicaSetDecision {
  const filtered = owned.filter(isPodActive);
  const diff = filtered.length - rs.spec.replicas;
  let create = 0;
  let toDelete: Pod[] = [];
  if (rs.deletionTimestamp === null) {
    if (diff < 0) create = Math.min(-diff, BURST_REPLICAS);
    else if (diff > 0) {
      const count = Math.min(diff, BURST_REPLICAS);
      const relatedPods = typeof related === "function" ? related() : related;
      toDelete = getPodsToDelete(filtered.map(rankable), relatedPods.map(rankable), count, now).map((p) => p.pod);
    }
  }
  const status = calculateStatus(rs, owned, now);
  const requeueAfter =
    rs.spec.minReadySeconds > 0 && status.readyReplicas === rs.spec.replicas && status.availableReplicas !== rs.spec.replicas
      ? rs.spec.minReadySeconds * MICROS_PER_SECOND
      : null;
  return { create, delete: toDelete, status, requeueAfter };
}

/** replica_set_utils.go calculateStatus: counts over active pods; terminating counted apart. */
export function calculateStatus(rs: ReplicaSet, owned: readonly Pod[], now: Time): ReplicaSetStatus {
  let replicas = 0;
  let ready = 0;
  let available = 0;
  let terminating = 0;
  for (const pod of owned) {
    if (pod.deletionTimestamp !== null) {
      if (pod.phase !== "Succeeded" && pod.phase !== "Failed") terminating++;
      continue;
    }
    if (!isPodActive(pod)) continue;
    replicas++;
    if (pod.ready) ready++;
    if (isPodAvailable(pod, rs.spec.minReadySeconds, now)) available++;
  }
  return { replicas, readyReplicas: ready, availableReplicas: available, terminatingReplicas: terminating };
}

type Ranked = RankablePod & { pod: Pod };

function rankable(pod: Pod): Ranked {
  return {
    pod,
    uid: pod.uid,
    nodeName: pod.nodeName,
    phase: pod.phase,
    ready: pod.ready,
    readyTime: pod.ready ? floorToSecond(pod.readyTransitionTime) : null,
    creationTime: floorToSecond(pod.creationTime),
    restartCount: pod.restartCount,
    deletionCost: deletionCost(pod),
    terminating: pod.deletionTimestamp !== null,
  } as Ranked;
}

export class ReplicaSetController {
  readonly #ctx: ControllerContext;
  readonly #queue: WorkQueue;
  readonly #names;
  readonly #uids;
  /** Called after an RS status changes (the Deployment controller's informer). */

  constructor(ctx: ControllerContext) {
    this.#ctx = ctx;
    this.#names = ctx.streams.stream("names", "pods");
    this.#uids = ctx.streams.stream("uid", "pods");
    this.#queue = new WorkQueue(ctx.sim, ctx.latency, ctx.streams.stream("controllers", "replicaset"), (key) => this.#reconcile(key));
    ctx.store.watch((change) => this.#observe(change));
  }

  #observe(change: Change): void {
    if (change.kind === "ReplicaSet" && change.type !== "deleted") this.#queue.add(change.object.name);
    else if (change.kind === "Pod" && change.object.owner?.kind === "ReplicaSet") {
      if (change.type !== "modified" || podChangeMatters(change)) this.#queue.add(change.object.owner.name);
    }
  }

  #reconcile(name: string): void {
    const { store, sim, events } = this.#ctx;
    const rs = store.replicaSets.get(name);
    if (rs === undefined) return;
    const owned = store.podsOwnedBy(rs.uid);
    // Related pods matter only when deleting: listed lazily.
    const decision = syncReplicaSet(rs, owned, rs.owner === null ? owned : () => this.#relatedPods(rs), sim.now);
    // A sync's cost grows with its pods, not with the events: it counts toward the run's budget.
    sim.charge(owned.length + decision.create);
    for (let i = 0; i < decision.create; i++) this.#createPod(rs);
    for (const pod of decision.delete) {
      store.apply({ type: "pod/delete", uid: pod.uid, gracePeriodSeconds: pod.spec.terminationGracePeriodSeconds });
      events.record("ReplicaSet", rs.name, "SuccessfulDelete", `Deleted pod: ${pod.name}`);
    }
    const s = decision.status;
    const st = rs.status;
    if (
      st.replicas !== s.replicas ||
      st.readyReplicas !== s.readyReplicas ||
      st.availableReplicas !== s.availableReplicas ||
      st.terminatingReplicas !== s.terminatingReplicas ||
      st.observedGeneration !== rs.generation
    ) {
      rs.status = { ...s, observedGeneration: rs.generation };
      store.apply({ type: "workload/put", object: rs });
    }
    if (decision.requeueAfter !== null) this.#queue.addAfter(name, decision.requeueAfter);
  }

  /** Pods of every ReplicaSet owned by the same Deployment (getPodsRankedByRelatedPodsOnSameNode). */
  #relatedPods(rs: ReplicaSet): Pod[] {
    const pods: Pod[] = [];
    // A loop, not push(...pods): spreading 10^5 arguments overflows the stack.
    for (const other of this.#ctx.store.replicaSetsOwnedBy(rs.owner!.uid)) for (const pod of this.#ctx.store.podsOwnedBy(other.uid)) pods.push(pod);
    return pods;
  }

  #createPod(rs: ReplicaSet): void {
    const { store, sim, events } = this.#ctx;
    let name = `${rs.name}-${randomSuffix(this.#names)}`;
    while (store.podsByName.has(`${rs.namespace}/${name}`)) name = `${rs.name}-${randomSuffix(this.#names)}`;
    const pod = newPod({
      uid: randomUid(this.#uids),
      name,
      namespace: rs.namespace,
      template: rs.spec.template,
      spec: podSpecFromTemplate(rs.spec.template, { defaultTolerationSeconds: this.#ctx.defaultTolerationSeconds }),
      owner: { kind: "ReplicaSet", name: rs.name, uid: rs.uid },
      revision: rs.templateHash,
      extraLabels: { [POD_TEMPLATE_HASH_LABEL]: rs.templateHash },
      app: rs.owner?.name ?? rs.name,
      now: sim.now,
    });
    store.apply({ type: "pod/create", pod });
    events.record("Pod", pod.name, "Created", `Created pod ${pod.name}`);
    events.record("ReplicaSet", rs.name, "SuccessfulCreate", `Created pod: ${pod.name}`);
  }
}

/** A pod update matters to its ReplicaSet when it changes what status or management counts. */
function podChangeMatters(change: Extract<Change, { kind: "Pod" }>): boolean {
  const before = change.before;
  const pod = change.object;
  if (before === null) return true;
  return (
    before.ready !== pod.ready ||
    before.phase !== pod.phase ||
    before.deletionTimestamp !== pod.deletionTimestamp ||
    before.nodeName !== pod.nodeName
  );
}
