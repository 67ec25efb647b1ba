/**
 * The Deployment controller (pkg/controller/deployment/deployment_controller.go `syncDeployment`,
 * rolling.go, recreate.go, sync.go, progress.go). One sync reads top to bottom: find the new and
 * old ReplicaSets; a scaling event → proportional scaling; paused → scaling only; otherwise the
 * strategy: RollingUpdate scales the new RS up *or* the old ones down (one kind of change per
 * sync), Recreate scales old to 0, waits for their pods to be gone, then creates the new RS at
 * full size. Then status, conditions and the progress-deadline requeue.
 *
 * The arithmetic lives in rolling-math.ts and proportional.ts (pure, table-tested); this module
 * turns a sync's plan into store actions and Kubernetes events.
 *
 * Leaves out: the legacy rollback annotation, adoption of orphan ReplicaSets, hash collisions
 * (collisionCount stays 0).
 */
import type { Time } from "../../core/time.ts";
import type { Pod } from "../../model/objects.ts";
import type { Change } from "../../model/store.ts";
import type { Condition, Deployment, ReplicaSet } from "../../model/workloads.ts";
import { type ControllerContext, randomUid } from "../context.ts";
import { computeHash, equalIgnoreHash, POD_TEMPLATE_HASH_LABEL } from "../template-hash.ts";
import { WorkQueue } from "../workqueue.ts";
import { DESIRED_REPLICAS_ANNOTATION, isScalingEvent, MAX_REPLICAS_ANNOTATION, parseReplicasAnnotation, planProportionalScale } from "./proportional.ts";
import {
  availableCondition,
  calculateStatusCounts,
  compareByCreationTimestamp,
  type DeploymentCondition,
  type DeploymentStatusCounts,
  deploymentComplete,
  maxSurge,
  maxUnavailable,
  NEW_REPLICA_SET_REASON,
  newRSNewReplicas,
  nextProgressingCondition,
  planOldReplicaSetsScaleDown,
  reconcileNewReplicaSetTarget,
  requeueStuckDeploymentAfter,
  TIMED_OUT_REASON,
} from "./rolling-math.ts";

export const REVISION_ANNOTATION = "deployment.kubernetes.io/revision";

export class DeploymentController {
  readonly #ctx: ControllerContext;
  readonly #queue: WorkQueue;
  readonly #uids;
  /** The controller-wide token bucket of the rate-limited queue (see #rateLimitedDelay). */
  #tokens = BUCKET_BURST;
  #tokensAt: Time = 0;
  /** Deployments whose rollout has been reported complete (for RolloutComplete events). */
  readonly #rolloutOpen = new Set<string>();

  constructor(ctx: ControllerContext) {
    this.#ctx = ctx;
    this.#uids = ctx.streams.stream("uid", "replicasets");
    this.#queue = new WorkQueue(ctx.sim, ctx.latency, ctx.streams.stream("controllers", "deployment"), (key) => this.#sync(key));
    ctx.store.watch((change) => this.#observe(change));
  }

  #observe(change: Change): void {
    if (change.kind === "Deployment" && change.type !== "deleted") this.#queue.add(change.object.name);
    else if (change.kind === "ReplicaSet") {
      const owner = (change.object as ReplicaSet).owner;
      if (owner !== null) this.#queue.add(owner.name);
    } else if (change.kind === "Pod" && change.type === "deleted" && change.object.owner?.kind === "ReplicaSet") {
      // deletePod: a Recreate rollout waits for the old pods to be gone.
      const rs = this.#ctx.store.replicaSets.get(change.object.owner.name);
      const d = rs?.owner ? this.#ctx.store.deployments.get(rs.owner.name) : undefined;
      if (d !== undefined && d.spec.strategy.type === "Recreate") this.#queue.add(d.name);
    }
  }

  #replicaSetsOf(d: Deployment): ReplicaSet[] {
    return this.#ctx.store.replicaSetsOwnedBy(d.uid);
  }

  /** FindNewReplicaSet: the oldest RS whose template equals the Deployment's, ignoring the hash. */
  #findNewReplicaSet(d: Deployment, all: ReplicaSet[]): ReplicaSet | undefined {
    const sorted = [...all].sort(compareByCreationTimestamp);
    return sorted.find((rs) => equalIgnoreHash(rs.spec.template, d.spec.template));
  }

  #sync(name: string): void {
    const d = this.#ctx.store.deployments.get(name);
    if (d === undefined) return;
    const all = this.#replicaSetsOf(d);
    let newRS = this.#findNewReplicaSet(d, all);
    const oldRSs = all.filter((rs) => rs !== newRS);

    if (d.spec.paused || this.#isScalingEvent(d, all)) {
      this.#scale(d, newRS, oldRSs);
      return this.#syncStatus(d, this.#findNewReplicaSet(d, this.#replicaSetsOf(d)), false);
    }
    if (d.spec.strategy.type === "Recreate") return this.#rolloutRecreate(d, newRS, oldRSs);

    // rolloutRolling
    if (newRS === undefined) newRS = this.#createNewReplicaSet(d, oldRSs);
    else this.#syncRevision(d, newRS, oldRSs);
    const replicas = d.spec.replicas;
    const allSpecs = [...oldRSs, newRS].map((rs) => rs.spec.replicas);
    const target = reconcileNewReplicaSetTarget(d.spec.strategy, replicas, allSpecs, newRS.spec.replicas);
    if (target !== newRS.spec.replicas) {
      this.#scaleReplicaSet(d, newRS, target);
      return this.#syncStatus(d, newRS, true);
    }
    const plan = planOldReplicaSetsScaleDown({
      oldRSs: oldRSs.map((rs) => ({
        name: rs.name,
        creationTime: rs.creationTime,
        specReplicas: rs.spec.replicas,
        availableReplicas: rs.status.availableReplicas,
      })),
      newRS: { specReplicas: newRS.spec.replicas, availableReplicas: newRS.status.availableReplicas },
      replicas,
      maxUnavailable: maxUnavailable(d.spec.strategy, replicas),
    });
    for (const step of [...plan.cleanup, ...plan.rollingUpdate]) {
      this.#scaleReplicaSet(d, this.#ctx.store.replicaSets.get(step.name)!, step.to);
    }
    if (plan.scaled) return this.#syncStatus(d, newRS, true);
    if (this.#complete(d, newRS)) this.#cleanup(d, oldRSs);
    this.#syncStatus(d, newRS, true);
  }

  /** recreate.go rolloutRecreate. */
  #rolloutRecreate(d: Deployment, newRS: ReplicaSet | undefined, oldRSs: ReplicaSet[]): void {
    const active = oldRSs.filter((rs) => rs.spec.replicas > 0);
    if (active.length > 0) {
      for (const rs of active) this.#scaleReplicaSet(d, rs, 0);
      return this.#syncStatus(d, newRS, true);
    }
    if (this.#oldPodsRunning(oldRSs)) return this.#syncStatus(d, newRS, true);
    if (newRS === undefined) newRS = this.#createNewReplicaSet(d, oldRSs);
    else this.#syncRevision(d, newRS, oldRSs);
    if (newRS.spec.replicas !== d.spec.replicas) this.#scaleReplicaSet(d, newRS, d.spec.replicas);
    if (this.#complete(d, newRS)) this.#cleanup(d, oldRSs);
    this.#syncStatus(d, newRS, true);
  }

  /** oldPodsRunning: any old RS with status replicas, or any non-terminal pod of an old RS (terminating included). */
  #oldPodsRunning(oldRSs: ReplicaSet[]): boolean {
    for (const rs of oldRSs) {
      if (rs.status.replicas > 0) return true;
      for (const pod of this.#ctx.store.podsOwnedByView(rs.uid)) if (pod.phase !== "Failed" && pod.phase !== "Succeeded") return true;
    }
    return false;
  }

  #isScalingEvent(d: Deployment, all: ReplicaSet[]): boolean {
    return isScalingEvent(
      d.spec.replicas,
      all.map((rs) => ({ specReplicas: rs.spec.replicas, desiredReplicasAnnotation: parseReplicasAnnotation(rs.annotations[DESIRED_REPLICAS_ANNOTATION]) })),
    );
  }

  /** sync.go scale: proportional scaling across the ReplicaSets. */
  #scale(d: Deployment, newRS: ReplicaSet | undefined, oldRSs: ReplicaSet[]): void {
    const view = (rs: ReplicaSet) => ({
      name: rs.name,
      creationTime: rs.creationTime,
      specReplicas: rs.spec.replicas,
      desiredReplicasAnnotation: parseReplicasAnnotation(rs.annotations[DESIRED_REPLICAS_ANNOTATION]),
      maxReplicasAnnotation: parseReplicasAnnotation(rs.annotations[MAX_REPLICAS_ANNOTATION]),
    });
    const plan = planProportionalScale({
      newRS: newRS ? { ...view(newRS), availableReplicas: newRS.status.availableReplicas } : undefined,
      oldRSs: oldRSs.map(view),
      replicas: d.spec.replicas,
      maxSurge: maxSurge(d.spec.strategy, d.spec.replicas),
      statusReplicas: d.status.replicas,
      rollingUpdate: d.spec.strategy.type === "RollingUpdate",
    });
    for (const w of plan.writes) this.#scaleReplicaSet(d, this.#ctx.store.replicaSets.get(w.name)!, w.to);
  }

  /** getNewReplicaSet (create): sized by NewRSNewReplicas, annotated, revision max(old) + 1. */
  #createNewReplicaSet(d: Deployment, oldRSs: ReplicaSet[]): ReplicaSet {
    const { store, sim, events } = this.#ctx;
    const hash = computeHash(d.spec.template);
    const name = `${d.name}-${hash}`;
    const replicas = newRSNewReplicas(d.spec.strategy, d.spec.replicas, [...oldRSs.map((rs) => rs.spec.replicas), 0], 0);
    const labels = { ...(d.spec.template.metadata?.labels ?? {}), [POD_TEMPLATE_HASH_LABEL]: hash };
    const template = { ...d.spec.template, metadata: { ...(d.spec.template.metadata ?? {}), labels } };
    const rs: ReplicaSet = {
      kind: "ReplicaSet",
      name,
      namespace: d.namespace,
      uid: randomUid(this.#uids),
      creationTime: sim.now,
      labels,
      annotations: {
        [REVISION_ANNOTATION]: String(this.#maxRevision(oldRSs) + 1),
        [DESIRED_REPLICAS_ANNOTATION]: String(d.spec.replicas),
        [MAX_REPLICAS_ANNOTATION]: String(d.spec.replicas + maxSurge(d.spec.strategy, d.spec.replicas)),
      },
      owner: { kind: "Deployment", name: d.name, uid: d.uid },
      generation: 1,
      deletionTimestamp: null,
      spec: {
        replicas,
        minReadySeconds: d.spec.minReadySeconds,
        selector: { ...d.spec.selector, matchLabels: { ...(d.spec.selector.matchLabels ?? {}), [POD_TEMPLATE_HASH_LABEL]: hash } },
        template,
      },
      templateHash: hash,
      status: { observedGeneration: 0, replicas: 0, readyReplicas: 0, availableReplicas: 0, terminatingReplicas: 0 },
    };
    store.apply({ type: "workload/put", object: rs });
    if (replicas > 0) events.record("Deployment", d.name, "ScalingReplicaSet", `Scaled up replica set ${name} from 0 to ${replicas}`);
    if (oldRSs.length > 0) events.record("Deployment", d.name, "RolloutStarted", `Rolling out revision ${rs.annotations[REVISION_ANNOTATION]} (replica set ${name})`);
    this.#rolloutOpen.add(d.name);
    this.#setProgressing(d, { status: "True", reason: NEW_REPLICA_SET_REASON, message: `Created new replica set "${name}"` });
    return rs;
  }

  /** getNewReplicaSet (existing): a rollback to an older template bumps its revision to max + 1. */
  #syncRevision(d: Deployment, newRS: ReplicaSet, oldRSs: ReplicaSet[]): void {
    const wanted = this.#maxRevision(oldRSs) + 1;
    const current = Number(newRS.annotations[REVISION_ANNOTATION] ?? 0);
    const needsMinReady = newRS.spec.minReadySeconds !== d.spec.minReadySeconds;
    if (current >= wanted && !needsMinReady) return;
    if (current < wanted) {
      newRS.annotations = { ...newRS.annotations, [REVISION_ANNOTATION]: String(wanted) };
      if (oldRSs.some((rs) => rs.spec.replicas > 0)) {
        this.#ctx.events.record("Deployment", d.name, "RolloutStarted", `Rolling out revision ${wanted} (replica set ${newRS.name})`);
        this.#rolloutOpen.add(d.name);
      }
    }
    newRS.spec = { ...newRS.spec, minReadySeconds: d.spec.minReadySeconds };
    this.#ctx.store.apply({ type: "workload/put", object: newRS });
  }

  #maxRevision(rss: ReplicaSet[]): number {
    let max = 0;
    for (const rs of rss) max = Math.max(max, Number(rs.annotations[REVISION_ANNOTATION] ?? 0));
    return max;
  }

  /** scaleReplicaSetAndRecordEvent: new size and annotations, with the ScalingReplicaSet event. */
  #scaleReplicaSet(d: Deployment, rs: ReplicaSet, replicas: number): void {
    const surge = maxSurge(d.spec.strategy, d.spec.replicas);
    const annotations = {
      ...rs.annotations,
      [DESIRED_REPLICAS_ANNOTATION]: String(d.spec.replicas),
      [MAX_REPLICAS_ANNOTATION]: String(d.spec.replicas + surge),
    };
    const from = rs.spec.replicas;
    if (from === replicas && annotations[DESIRED_REPLICAS_ANNOTATION] === rs.annotations[DESIRED_REPLICAS_ANNOTATION] && annotations[MAX_REPLICAS_ANNOTATION] === rs.annotations[MAX_REPLICAS_ANNOTATION]) return;
    rs.annotations = annotations;
    if (from !== replicas) {
      rs.spec = { ...rs.spec, replicas };
      rs.generation++;
      const direction = replicas > from ? "up" : "down";
      this.#ctx.events.record("Deployment", d.name, "ScalingReplicaSet", `Scaled ${direction} replica set ${rs.name} from ${from} to ${replicas}`);
    }
    this.#ctx.store.apply({ type: "workload/put", object: rs });
  }

  #complete(d: Deployment, newRS: ReplicaSet): boolean {
    const counts = this.#counts(d, newRS);
    return deploymentComplete(d.spec.replicas, d.generation, counts);
  }

  #counts(d: Deployment, newRS: ReplicaSet | undefined): DeploymentStatusCounts {
    const all = this.#replicaSetsOf(d);
    const view = (rs: ReplicaSet) => ({
      specReplicas: rs.spec.replicas,
      statusReplicas: rs.status.replicas,
      readyReplicas: rs.status.readyReplicas,
      availableReplicas: rs.status.availableReplicas,
    });
    return calculateStatusCounts(all.map(view), newRS ? view(newRS) : undefined, d.generation);
  }

  /** sync.go cleanupDeployment: delete the oldest fully scaled-down RSs beyond revisionHistoryLimit. */
  #cleanup(d: Deployment, oldRSs: ReplicaSet[]): void {
    const candidates = oldRSs.filter((rs) => rs.deletionTimestamp === null);
    const diff = candidates.length - d.spec.revisionHistoryLimit;
    if (diff <= 0) return;
    const byRevision = [...candidates].sort(
      (a, b) => Number(a.annotations[REVISION_ANNOTATION] ?? 0) - Number(b.annotations[REVISION_ANNOTATION] ?? 0) || compareByCreationTimestamp(a, b),
    );
    for (const rs of byRevision.slice(0, diff)) {
      if (rs.status.replicas !== 0 || rs.spec.replicas !== 0 || rs.generation > rs.status.observedGeneration) continue;
      if (this.#ctx.store.podCountOwnedBy(rs.uid) > 0) continue;
      this.#ctx.store.apply({ type: "workload/delete", kind: "ReplicaSet", name: rs.name });
    }
  }

  #setProgressing(d: Deployment, c: { status: Condition["status"]; reason: string; message: string }): void {
    const now = this.#ctx.sim.now;
    const current = d.status.conditions.Progressing;
    d.status.conditions.Progressing = {
      ...c,
      lastUpdateTime: now,
      lastTransitionTime: current !== undefined && current.status === c.status ? current.lastTransitionTime : now,
    };
  }

  /** syncRolloutStatus / syncDeploymentStatus: counts, Available, Progressing, stuck requeue. */
  #syncStatus(d: Deployment, newRS: ReplicaSet | undefined, rollout: boolean): void {
    const now = this.#ctx.sim.now;
    const old = { ...d.status };
    const counts = this.#counts(d, newRS);
    const available = availableCondition(counts.availableReplicas, d.spec.replicas, maxUnavailable(d.spec.strategy, d.spec.replicas));
    const conditions = { ...d.status.conditions };
    const prevAvailable = conditions.Available;
    if (prevAvailable === undefined || prevAvailable.status !== available.status) {
      conditions.Available = { status: available.status, reason: available.reason, message: "", lastUpdateTime: now, lastTransitionTime: now };
    }
    let progressing: DeploymentCondition | undefined = conditions.Progressing;
    if (rollout && !d.spec.paused) {
      progressing = nextProgressingCondition({
        progressDeadlineSeconds: d.spec.progressDeadlineSeconds ?? undefined,
        current: conditions.Progressing,
        oldStatus: { ...old, observedGeneration: old.observedGeneration },
        newStatus: counts,
        replicas: d.spec.replicas,
        generation: d.generation,
        now,
      });
      if (progressing?.reason === TIMED_OUT_REASON && conditions.Progressing?.reason !== TIMED_OUT_REASON) {
        this.#ctx.events.record("Deployment", d.name, "ProgressDeadlineExceeded", `Deployment "${d.name}" has timed out progressing.`);
      }
      if (progressing !== conditions.Progressing) {
        conditions.Progressing = progressing === undefined ? undefined : { message: "", ...progressing };
      }
    }
    const complete = deploymentComplete(d.spec.replicas, d.generation, counts);
    if (complete && this.#rolloutOpen.has(d.name)) {
      this.#rolloutOpen.delete(d.name);
      this.#ctx.events.record("Deployment", d.name, "RolloutComplete", `Deployment "${d.name}" successfully rolled out`);
    }
    const changed =
      old.replicas !== counts.replicas ||
      old.updatedReplicas !== counts.updatedReplicas ||
      old.readyReplicas !== counts.readyReplicas ||
      old.availableReplicas !== counts.availableReplicas ||
      old.unavailableReplicas !== counts.unavailableReplicas ||
      old.observedGeneration !== counts.observedGeneration ||
      old.terminatingReplicas !== this.#terminating(d) ||
      conditions.Available !== d.status.conditions.Available ||
      conditions.Progressing !== d.status.conditions.Progressing;
    if (!changed) {
      // requeueStuckDeployment: only when nothing changed, to check the deadline later.
      if (rollout) {
        const r = requeueStuckDeploymentAfter(d.spec.progressDeadlineSeconds ?? undefined, conditions.Progressing, complete, now);
        if (r.kind === "after") this.#queue.addAfter(d.name, r.delay);
        else if (r.kind === "rateLimited") this.#queue.addAfter(d.name, this.#rateLimitedDelay());
      }
      return;
    }
    d.status = { ...counts, terminatingReplicas: this.#terminating(d), conditions };
    this.#ctx.store.apply({ type: "workload/put", object: d });
  }

  /**
   * enqueueRateLimited: client-go's DefaultControllerRateLimiter is the larger of a per-item
   * exponential backoff (5 ms, reset by Forget after every successful sync, so always 5 ms here)
   * and one token bucket for the whole controller (10 per second, burst 100,
   * util/workqueue/default_rate_limiters.go). So a Deployment that is neither complete nor timed
   * out near its deadline is retried every 5 ms until the bucket is empty, then 10 times a second.
   */
  #rateLimitedDelay(): Time {
    const now = this.#ctx.sim.now;
    this.#tokens = Math.min(BUCKET_BURST, this.#tokens + ((now - this.#tokensAt) / 1e6) * BUCKET_QPS);
    this.#tokensAt = now;
    this.#tokens -= 1;
    const wait = this.#tokens >= 0 ? 0 : Math.ceil((-this.#tokens / BUCKET_QPS) * 1e6);
    return Math.max(ITEM_BASE_DELAY, wait);
  }

  #terminating(d: Deployment): number {
    let n = 0;
    for (const rs of this.#replicaSetsOf(d)) n += rs.status.terminatingReplicas;
    return n;
  }
}

/** client-go DefaultControllerRateLimiter: per-item base delay, and the overall bucket. */
const ITEM_BASE_DELAY: Time = 5_000;
const BUCKET_QPS = 10;
const BUCKET_BURST = 100;

export type { Pod };
