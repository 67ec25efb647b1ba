/**
 * The StatefulSet controller (pkg/controller/statefulset/stateful_set.go `syncStatefulSet`, the
 * informer handlers `addPod`/`updatePod`/`deletePod`, and stateful_pod_control.go for the side
 * effects and their events): it watches StatefulSets and their pods, runs the pure
 * `syncStatefulSet` (sync.ts) and applies its decision — claims, pods, ControllerRevisions and
 * status — through the store, one sync per work-queue key.
 *
 * The claims (PVCs) live in `claims`, a store of this controller's own: the cluster store has no
 * PVCs. The garbage collector's part of the retention policy (a claim whose owners are gone is
 * deleted) runs at the start of each sync of the claim's set, so with zero controller latency a
 * claim goes at the instant its pod or set does.
 *
 * Events: `SuccessfulCreate`/`SuccessfulDelete`/`SuccessfulUpdate` on the StatefulSet with
 * upstream's messages (`create Pod web-0 in StatefulSet web successful`, `create Claim data-web-0
 * Pod web-0 in StatefulSet web success`), `Created` on the Pod as the ReplicaSet controller
 * records it, and kubesim's `RolloutStarted` (the update revision changed) and `RolloutComplete`
 * (every desired replica exists, is Ready and is updated) on the StatefulSet, which upstream
 * does not record.
 *
 * Leaves out: cascading deletion of a deleted set's pods (the garbage collector's, not modelled),
 * expectations (a sync reads the store, which already holds what the last sync did), API errors.
 */
import { MICROS_PER_SECOND } from "../../core/time.ts";
import type { Pod } from "../../model/objects.ts";
import type { Change } from "../../model/store.ts";
import type { ControllerRevision, StatefulSet } from "../../model/workloads.ts";
import { type ControllerContext, randomUid } from "../context.ts";
import { WorkQueue } from "../workqueue.ts";
import { ClaimStore, isClaimGarbage } from "./claims.ts";
import { newStatefulSetPod, type StatefulSetAction, type StatefulSetDecision, syncStatefulSet } from "./sync.ts";

export { syncStatefulSet } from "./sync.ts";
export type { StatefulSetAction, StatefulSetDecision, StatefulSetStatusCounts, SyncOptions } from "./sync.ts";

export interface StatefulSetControllerOptions {
  /**
   * The MaxUnavailableStatefulSet feature gate (beta, on by default from v1.35): RollingUpdate
   * takes down up to `maxUnavailable` pods at a time. false selects the legacy one-at-a-time loop.
   */
  readonly maxUnavailableStatefulSet?: boolean;
}

export class StatefulSetController {
  /** The PVCs of every set, as the controller created them. */
  readonly claims = new ClaimStore();
  readonly #ctx: ControllerContext;
  readonly #queue: WorkQueue;
  readonly #podUids;
  readonly #claimUids;
  readonly #maxUnavailableStatefulSet: boolean;
  /** Sets with a RolloutStarted not yet followed by RolloutComplete. */
  readonly #rolloutOpen = new Set<string>();

  constructor(ctx: ControllerContext, options: StatefulSetControllerOptions = {}) {
    this.#ctx = ctx;
    this.#maxUnavailableStatefulSet = options.maxUnavailableStatefulSet ?? true;
    this.#podUids = ctx.streams.stream("uid", "statefulset-pods");
    this.#claimUids = ctx.streams.stream("uid", "claims");
    this.#queue = new WorkQueue(ctx.sim, ctx.latency, ctx.streams.stream("controllers", "statefulset"), (key) => this.#sync(key));
    ctx.store.watch((change) => this.#observe(change));
  }

  #observe(change: Change): void {
    // A deleted set is synced once more: its claims with whenDeleted: Delete are collected.
    if (change.kind === "StatefulSet") return this.#queue.add(change.object.name);
    if (change.kind !== "Pod" || change.object.owner?.kind !== "StatefulSet") return;
    const pod = change.object;
    const setName = pod.owner!.name;
    if (change.type !== "modified" || podChangeMatters(change)) this.#queue.add(setName);
    // updatePod: a pod that became Ready is looked at again once minReadySeconds (+1 s against
    // clock skew) have passed, to count it available.
    if (change.type === "modified" && change.before !== null && !change.before.ready && pod.ready) {
      const set = this.#ctx.store.statefulSets.get(setName);
      if (set !== undefined && set.spec.minReadySeconds > 0) {
        this.#queue.addAfter(setName, (set.spec.minReadySeconds + 1) * MICROS_PER_SECOND);
      }
    }
  }

  #sync(name: string): void {
    const { store, sim } = this.#ctx;
    const set = store.statefulSets.get(name);
    this.#collectGarbage(set?.namespace ?? "default", name);
    if (set === undefined) {
      this.#rolloutOpen.delete(name);
      return;
    }
    // A sync walks every ordinal of spec.replicas: its cost counts toward the run's budget.
    sim.charge(set.spec.replicas);
    const decision = syncStatefulSet(set, store.podsOwnedBy(set.uid), sim.now, {
      claims: this.claims.ofSet(set.namespace, set.name),
      maxUnavailableStatefulSet: this.#maxUnavailableStatefulSet,
    });
    // The update revision exists before any pod is touched (getStatefulSetRevisions runs first).
    this.#recordRolloutStart(set, decision);
    for (const action of decision.actions) this.#apply(set, action);
    this.#writeStatus(set, decision);
    this.#recordRolloutComplete(set, decision);
    if (decision.requeueAfter !== null) this.#queue.addAfter(name, decision.requeueAfter);
  }

  /** The garbage collector for claims: delete those whose owners (set, pod) are all gone. */
  #collectGarbage(namespace: string, setName: string): void {
    const { store } = this.#ctx;
    const setExists = (uid: string) => store.statefulSets.get(setName)?.uid === uid;
    const podExists = (uid: string) => store.pods.has(uid);
    for (const claim of this.claims.ofSet(namespace, setName)) {
      if (isClaimGarbage(claim, setExists, podExists)) this.claims.remove(claim);
    }
  }

  #apply(set: StatefulSet, action: StatefulSetAction): void {
    const { store, events, sim } = this.#ctx;
    switch (action.type) {
      case "createClaim": {
        this.claims.add({
          uid: randomUid(this.#claimUids),
          name: action.claim,
          namespace: set.namespace,
          setName: set.name,
          template: action.template,
          ordinal: action.ordinal,
          creationTime: sim.now,
          ownerSetUid: action.owners.setUid,
          ownerPod: action.owners.pod,
        });
        events.record("StatefulSet", set.name, "SuccessfulCreate", `create Claim ${action.claim} Pod ${action.pod} in StatefulSet ${set.name} success`);
        return;
      }
      case "setClaimOwners": {
        const claim = this.claims.get(set.namespace, set.name, action.claim);
        if (claim === undefined) return;
        claim.ownerSetUid = action.owners.setUid;
        claim.ownerPod = action.owners.pod;
        if (action.updatesPod) events.record("StatefulSet", set.name, "SuccessfulUpdate", `update Pod ${action.pod} in StatefulSet ${set.name} successful`);
        return;
      }
      case "createPod": {
        // At most one pod per identity: never a second object with a name that still exists
        // (upstream's create fails with AlreadyExists, which it sinks).
        if (store.podsByName.has(`${set.namespace}/${action.name}`)) return;
        const pod = newStatefulSetPod(set, action.revision, action.ordinal, randomUid(this.#podUids), sim.now, this.#ctx.defaultTolerationSeconds);
        store.apply({ type: "pod/create", pod });
        events.record("Pod", pod.name, "Created", `Created pod ${pod.name}`);
        events.record("StatefulSet", set.name, "SuccessfulCreate", `create Pod ${pod.name} in StatefulSet ${set.name} successful`);
        return;
      }
      case "deletePod": {
        const pod = store.pods.get(action.pod.uid);
        if (pod === undefined) return;
        store.apply({ type: "pod/delete", uid: pod.uid, gracePeriodSeconds: pod.spec.terminationGracePeriodSeconds });
        events.record("StatefulSet", set.name, "SuccessfulDelete", `delete Pod ${pod.name} in StatefulSet ${set.name} successful`);
        return;
      }
    }
  }

  /** updateStatefulSetStatus: write only when something changed (inconsistentStatus), plus the history. */
  #writeStatus(set: StatefulSet, decision: StatefulSetDecision): void {
    const s = decision.status;
    const st = set.status;
    const changed =
      s.observedGeneration !== st.observedGeneration ||
      s.replicas !== st.replicas ||
      s.readyReplicas !== st.readyReplicas ||
      s.availableReplicas !== st.availableReplicas ||
      s.currentReplicas !== st.currentReplicas ||
      s.updatedReplicas !== st.updatedReplicas ||
      s.currentRevision !== st.currentRevision ||
      s.updateRevision !== st.updateRevision ||
      !sameHistory(set.revisions, decision.revisions);
    if (!changed) return;
    set.status = { ...s };
    set.revisions = [...decision.revisions];
    this.#ctx.store.apply({ type: "workload/put", object: set });
  }

  #recordRolloutStart(set: StatefulSet, decision: StatefulSetDecision): void {
    const previous = set.status.updateRevision;
    const update = decision.updateRevision;
    if (previous === "" || previous === update.name) return;
    this.#rolloutOpen.add(set.name);
    this.#ctx.events.record("StatefulSet", set.name, "RolloutStarted", `Rolling out revision ${update.revision} (controller revision ${update.name})`);
  }

  #recordRolloutComplete(set: StatefulSet, decision: StatefulSetDecision): void {
    if (!this.#rolloutOpen.has(set.name)) return;
    const s = decision.status;
    const replicas = set.spec.replicas;
    if (s.updatedReplicas !== replicas || s.readyReplicas !== replicas || s.replicas !== replicas) return;
    this.#rolloutOpen.delete(set.name);
    this.#ctx.events.record(
      "StatefulSet",
      set.name,
      "RolloutComplete",
      `StatefulSet "${set.name}" successfully rolled out revision ${decision.updateRevision.revision} (${decision.updateRevision.name})`,
    );
  }
}

function sameHistory(a: readonly ControllerRevision[], b: readonly ControllerRevision[]): boolean {
  return a.length === b.length && a.every((r, i) => r.name === b[i].name && r.revision === b[i].revision);
}

/** A pod update matters when it changes what the sync reads: phase, Ready, deletion. */
function podChangeMatters(change: Extract<Change, { kind: "Pod" }>): boolean {
  const before = change.before;
  const pod: Pod = change.object;
  if (before === null) return true;
  return before.ready !== pod.ready || before.phase !== pod.phase || before.deletionTimestamp !== pod.deletionTimestamp;
}
