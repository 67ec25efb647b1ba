/**
 * What a run reports about workloads (SPEC §4): per time bin each workload's desired, updated,
 * ready, available and terminating replicas, read from the controllers' status at the end of the
 * bin; and for the rolled-out workload the rollout duration, the fewest available replicas and
 * the most surplus pods during the rollout. Observes the store, never changes it.
 *
 * Leaves out: per-pod histories (events.csv has them).
 */
import { Priority, type Simulation } from "../core/simulation.ts";
import type { Time } from "../core/time.ts";
import type { Change, ClusterStore } from "../model/store.ts";
import type { Deployment, StatefulSet } from "../model/workloads.ts";

export interface WorkloadSample {
  readonly time: Time;
  readonly workload: string;
  readonly desired: number;
  readonly updated: number;
  readonly ready: number;
  readonly available: number;
  readonly terminating: number;
}

export interface RolloutMetrics {
  /** Seconds from the first rollout event to completion; null when none completed. */
  readonly rolloutDurationSeconds: number | null;
  readonly minAvailableReplicas: number | null;
  readonly maxSurgePods: number | null;
}

type Tracked = Deployment | StatefulSet;

const keys = new WeakMap<Tracked, string>();

/** `deployment/web`; one string per workload, not one per sample. */
export function workloadKey(w: Tracked): string {
  let key = keys.get(w);
  if (key === undefined) {
    key = `${w.kind.toLowerCase()}/${w.name}`;
    keys.set(w, key);
  }
  return key;
}

/** desired/updated/ready/available/terminating of a workload, from its status. */
export function workloadCounts(store: ClusterStore, w: Tracked): Omit<WorkloadSample, "time" | "workload"> {
  return {
    desired: w.spec.replicas,
    updated: w.status.updatedReplicas,
    ready: w.status.readyReplicas,
    available: w.status.availableReplicas,
    terminating: terminatingReplicas(store, w),
  };
}

/** A Deployment's status.terminatingReplicas; for a StatefulSet, its pods with a deletionTimestamp. */
function terminatingReplicas(store: ClusterStore, w: Tracked): number {
  if (w.kind === "Deployment") return w.status.terminatingReplicas;
  let terminating = 0;
  for (const pod of store.podsOwnedByView(w.uid)) if (pod.deletionTimestamp !== null) terminating++;
  return terminating;
}

/** Complete: every desired replica updated and available, nothing else left. */
export function workloadComplete(w: Tracked): boolean {
  if (w.kind === "Deployment") {
    const s = w.status;
    return s.updatedReplicas === w.spec.replicas && s.replicas === w.spec.replicas && s.availableReplicas === w.spec.replicas && s.observedGeneration >= w.generation;
  }
  const s = w.status;
  return (
    s.updatedReplicas === w.spec.replicas &&
    s.replicas === w.spec.replicas &&
    s.availableReplicas === w.spec.replicas &&
    s.observedGeneration >= w.generation
  );
}

export class WorkloadMetrics {
  readonly samples: WorkloadSample[] = [];
  readonly #store: ClusterStore;
  readonly #sim: Simulation;
  readonly #bin: Time;
  readonly #end: Time;
  /** The workload whose rollout is measured (the first rollout event's target). */
  #target: string | null = null;
  #rolloutStart: Time | null = null;
  #completedAt: Time | null = null;
  #minAvailable = Number.POSITIVE_INFINITY;
  #maxSurge = Number.NEGATIVE_INFINITY;
  #podsCreated = 0;
  #podsDeleted = 0;
  readonly #sample = () => this.#takeSample();

  constructor(sim: Simulation, store: ClusterStore, bin: Time, end: Time) {
    this.#sim = sim;
    this.#store = store;
    this.#bin = bin;
    this.#end = end;
    store.watch((change) => this.#observe(change));
    if (bin > 0 && end > 0) sim.at(Math.min(bin, end), this.#sample, 0, Priority.Observe);
  }

  get podsCreated(): number {
    return this.#podsCreated;
  }

  get podsDeleted(): number {
    return this.#podsDeleted;
  }

  /** A rollout event on `target` (`deployment/web`); the first one fixes the measured workload. */
  rolloutStarted(target: string): void {
    if (this.#target === null) {
      this.#target = target;
      this.#rolloutStart = this.#sim.now;
    }
    if (target === this.#target) this.#completedAt = null;
    this.#measure();
  }

  result(): RolloutMetrics {
    if (this.#target === null || this.#rolloutStart === null) {
      return { rolloutDurationSeconds: null, minAvailableReplicas: null, maxSurgePods: null };
    }
    return {
      rolloutDurationSeconds: this.#completedAt === null ? null : (this.#completedAt - this.#rolloutStart) / 1e6,
      minAvailableReplicas: Number.isFinite(this.#minAvailable) ? this.#minAvailable : null,
      maxSurgePods: Number.isFinite(this.#maxSurge) ? Math.max(0, this.#maxSurge) : null,
    };
  }

  #observe(change: Change): void {
    if (change.kind === "Pod") {
      if (change.type === "added") this.#podsCreated++;
      else if (change.type === "deleted") this.#podsDeleted++;
    }
    if (this.#target !== null && this.#completedAt === null && (change.kind === "Pod" || change.kind === "Deployment" || change.kind === "StatefulSet" || change.kind === "ReplicaSet")) {
      this.#measure();
    }
  }

  #tracked(ref: string): Tracked | undefined {
    const slash = ref.indexOf("/");
    const kind = ref.slice(0, slash);
    const name = ref.slice(slash + 1);
    if (kind === "deployment") return this.#store.deployments.get(name);
    if (kind === "statefulset") return this.#store.statefulSets.get(name);
    return undefined;
  }

  /** Updates the rollout window's extremes and notices completion. */
  #measure(): void {
    const w = this.#target === null ? undefined : this.#tracked(this.#target);
    if (w === undefined || this.#completedAt !== null) return;
    const counts = workloadCounts(this.#store, w);
    this.#minAvailable = Math.min(this.#minAvailable, counts.available);
    this.#maxSurge = Math.max(this.#maxSurge, this.#podCount(w) - w.spec.replicas);
    if (workloadComplete(w) && this.#sim.now >= (this.#rolloutStart ?? 0)) this.#completedAt = this.#sim.now;
  }

  /** Pods of the workload that exist, terminating ones included (on every change during a rollout). */
  #podCount(w: Tracked): number {
    if (w.kind === "StatefulSet") return this.#store.podCountOwnedBy(w.uid);
    let n = 0;
    for (const rs of this.#store.replicaSetsOwnedBy(w.uid)) n += this.#store.podCountOwnedBy(rs.uid);
    return n;
  }

  #takeSample(): void {
    const now = this.#sim.now;
    for (const d of this.#store.deployments.values()) this.#push(now, d);
    for (const s of this.#store.statefulSets.values()) this.#push(now, s);
    if (now < this.#end) this.#sim.at(Math.min(now + this.#bin, this.#end), this.#sample, 0, Priority.Observe);
  }

  /** One sample (700 workloads × 600 bins at scale: built directly, without workloadCounts' object). */
  #push(time: Time, w: Tracked): void {
    const s = w.status;
    this.samples.push({
      time,
      workload: workloadKey(w),
      desired: w.spec.replicas,
      updated: s.updatedReplicas,
      ready: s.readyReplicas,
      available: s.availableReplicas,
      terminating: terminatingReplicas(this.#store, w),
    });
  }
}
