/**
 * Rolling-update bounds of every Deployment with strategy RollingUpdate, judged only while the
 * cluster gives the controller a fair chance: no fault, no impaired node, no scale or strategy
 * change in progress, and the Deployment fully available once before (it is "armed").
 *
 * Upstream rules (kubernetes/kubernetes pkg/controller/deployment):
 *  - Surge, on ReplicaSet sizes: `util/deployment_util.go NewRSNewReplicas` only grows the new
 *    ReplicaSet while Σ rs.spec.replicas (`GetReplicaCountForReplicaSets`) < replicas + maxSurge,
 *    and `rolling.go` only ever lowers old ones, so Σ spec.replicas ≤ replicas + maxSurge.
 *    Example: 10 replicas, maxSurge 3 → the ReplicaSets never ask for more than 13 pods.
 *  - Surge, on pods: `pkg/controller/replicaset/replica_set.go manageReplicas` creates
 *    spec.replicas − |active pods| pods, never more, so a pod creation never takes a ReplicaSet
 *    above its spec.replicas. Together: active (non-terminating) pods ≤ replicas + maxSurge,
 *    except for pods a ReplicaSet has been told to remove and has not yet (controller lag, as
 *    upstream).
 *  - Availability: `rolling.go reconcileOldReplicaSets` scales old ReplicaSets down by at most
 *    Σ available − minAvailable (`scaleDownOldReplicaSetsForRollingUpdate`) or only their
 *    unavailable pods (`cleanupUnhealthyReplicas`), and the ReplicaSet deletes unavailable pods
 *    first (`controller.ActivePodsWithRanks`), so available pods (`podutil.IsPodAvailable` with
 *    the ReplicaSet's minReadySeconds, terminating pods excluded) ≥ replicas − maxUnavailable
 *    (`MinAvailable`). Example: 10 replicas, maxUnavailable 2 → at least 8 available at all times.
 *
 * The availability rule rests on the controller's view being true, and upstream breaks it when
 * it is not; so does kubesim, faithfully. The checker stands a Deployment down (disarms it until
 * it is fully available again at a steady size) when:
 *  - a fault fires or a node is impaired (node failure, partition, drain);
 *  - one of its pods loses readiness without being deleted (crash, failing probe), or is deleted
 *    by anyone but its ReplicaSet (pod-kill, eviction: the deletion leaves the ReplicaSet at or
 *    under its spec.replicas);
 *  - its spec.replicas, strategy or minReadySeconds changes (proportional scaling, `sync.go
 *    scale`, is not judged: it is skipped until the new size has settled);
 *  - the controller scaled an old ReplicaSet down while some ReplicaSet's status counted more
 *    available pods than it had (a stale status: the ReplicaSet controller writes the status it
 *    computed before its own deletions, `replica_set.go syncReplicaSet`);
 *  - a ReplicaSet deleted an available pod while keeping an unavailable one (`ActivePodsWithRanks`
 *    ranks co-location before readiness time, so with minReadySeconds a ready-but-not-yet-
 *    available pod can outlive an available one).
 *
 * Cost: incremental. Per ReplicaSet the checker keeps its active and ready-active pod counts,
 * and the ready pods still inside minReadySeconds, from the store's watch; a Deployment is judged
 * (O(its ReplicaSets)) only after an event that changed one of its pods or ReplicaSets.
 */
import type { Time } from "../core/time.ts";
import { DESIRED_REPLICAS_ANNOTATION } from "../controllers/deployment/proportional.ts";
import { maxSurge, maxUnavailable } from "../controllers/deployment/rolling-math.ts";
import { isPodAvailable } from "../controllers/replicaset/controller.ts";
import type { Pod } from "../model/objects.ts";
import type { Change, ClusterStore } from "../model/store.ts";
import type { Deployment, ReplicaSet } from "../model/workloads.ts";
import type { FaultSignal } from "./fault-signal.ts";
import { InvariantViolation } from "./invariants.ts";

interface Tracked {
  /** The spec fields the bounds depend on, when last seen. */
  shape: string;
  armed: boolean;
  /** Why the Deployment is not judged (while disarmed). */
  standDown: string;
  replicas: number;
  surge: number;
  unavailable: number;
}

/** What one count of a Deployment's ReplicaSets and pods found. */
export interface RolloutCounts {
  readonly specReplicas: number;
  readonly active: number;
  readonly available: number;
  /** ReplicaSets with spec.replicas > 0. */
  readonly activeReplicaSets: number;
  /** Some ReplicaSet still carries a desired-replicas annotation other than spec.replicas. */
  readonly scalingPending: boolean;
}

export class RollingUpdateBounds {
  readonly #store: ClusterStore;
  readonly #faults: FaultSignal;
  readonly #now: () => Time;
  readonly #tracked = new Map<string, Tracked>();
  readonly #dirty = new Set<string>();
  /** ReplicaSet spec.replicas as last seen, to tell a scale-down. */
  readonly #rsSpec = new Map<string, number>();
  /** Pod counts per ReplicaSet uid. */
  readonly #counts = new Map<string, PodCounts>();
  #pending: string | null = null;
  /** Events at which some Deployment was judged (tests use it to prove the checker looked). */
  judged = 0;

  constructor(store: ClusterStore, faults: FaultSignal, now: () => Time) {
    this.#store = store;
    this.#faults = faults;
    this.#now = now;
    faults.onDisturbance(() => this.#disarmAll("a fault fired or a node is impaired"));
    for (const d of store.deployments.values()) this.#observe({ kind: "Deployment", type: "added", object: d });
    for (const rs of store.replicaSets.values()) this.#observe({ kind: "ReplicaSet", type: "added", object: rs });
    for (const pod of store.pods.values()) this.#observe({ kind: "Pod", type: "added", object: pod, before: null });
    store.watch((change) => this.#observe(change));
  }

  /** Whether the Deployment's bounds are being judged, and if not, why. */
  status(name: string): { armed: boolean; standDown: string } | undefined {
    const t = this.#tracked.get(name);
    return t === undefined ? undefined : { armed: t.armed, standDown: t.standDown };
  }

  afterEvent(now: Time): void {
    if (this.#pending !== null) {
      const message = this.#pending;
      this.#pending = null;
      throw new InvariantViolation(message, now);
    }
    if (this.#dirty.size === 0) return;
    for (const name of this.#dirty) this.#evaluate(name, now);
    this.#dirty.clear();
  }

  #observe(change: Change): void {
    switch (change.kind) {
      case "Deployment":
        return this.#deploymentChanged(change.object as Deployment, change.type);
      case "ReplicaSet":
        return this.#replicaSetChanged(change.object as ReplicaSet, change.type);
      case "Pod":
        return this.#podChanged(change);
      default:
        return;
    }
  }

  #deploymentChanged(d: Deployment, type: Change["type"]): void {
    if (type === "deleted" || d.spec.strategy.type !== "RollingUpdate") {
      this.#tracked.delete(d.name);
      this.#dirty.delete(d.name);
      return;
    }
    const shape = `${d.spec.replicas}/${JSON.stringify(d.spec.strategy.rollingUpdate ?? {})}/${d.spec.minReadySeconds}`;
    const t = this.#tracked.get(d.name);
    if (t === undefined) {
      this.#tracked.set(d.name, { shape, armed: false, standDown: "not yet fully available", replicas: 0, surge: 0, unavailable: 0 });
    } else if (t.shape !== shape) {
      t.shape = shape;
      this.#disarm(t, "its replicas, strategy or minReadySeconds changed (scaling is judged once settled)");
    }
    this.#dirty.add(d.name);
  }

  #replicaSetChanged(rs: ReplicaSet, type: Change["type"]): void {
    if (type === "deleted") {
      this.#rsSpec.delete(rs.uid);
      this.#counts.delete(rs.uid);
      return;
    }
    const counts = this.#countsOf(rs);
    if (counts.minReadySeconds !== rs.spec.minReadySeconds) counts.rebuild(rs, this.#store.podsOwnedBy(rs.uid));
    const before = this.#rsSpec.get(rs.uid);
    this.#rsSpec.set(rs.uid, rs.spec.replicas);
    const d = this.#deploymentOf(rs);
    if (d === undefined) return;
    this.#dirty.add(d.name);
    const t = this.#tracked.get(d.name);
    if (t?.armed && before !== undefined && rs.spec.replicas < before) {
      const stale = this.#staleStatus(d);
      if (stale !== null) this.#disarm(t, `the controller scaled ${rs.name} down on a stale status (${stale})`);
    }
  }

  #podChanged(change: Extract<Change, { kind: "Pod" }>): void {
    const pod = change.object;
    const rs = this.#replicaSetOf(pod);
    if (rs === undefined) return;
    const counts = this.#countsOf(rs);
    const before = change.before;
    const wasActive = before !== null && before.deletionTimestamp === null && before.phase !== "Succeeded" && before.phase !== "Failed";
    const active = change.type !== "deleted" && isActive(pod);
    counts.update(pod, wasActive, wasActive && before.ready, active, active && pod.ready);
    const d = this.#deploymentOf(rs);
    if (d === undefined) return;
    const t = this.#tracked.get(d.name);
    if (change.type === "added") {
      // manageReplicas never creates above spec.replicas (whatever faults are doing).
      if (counts.active > rs.spec.replicas && this.#pending === null) {
        this.#pending = `ReplicaSet ${rs.name} created pod ${pod.name}, giving it ${counts.active} active pods for spec.replicas ${rs.spec.replicas} (replica_set.go manageReplicas creates at most the difference)`;
      }
      this.#dirty.add(d.name);
      return;
    }
    if (wasActive && !active) {
      // Deleted (or terminal): by its ReplicaSet scaling down, or by someone else.
      if (t?.armed) this.#judgeDeletion(t, rs, pod, counts);
      this.#dirty.add(d.name);
      return;
    }
    if (before !== null && before.ready !== pod.ready && active) {
      if (before.ready && t !== undefined) this.#disarm(t, `pod ${pod.name} lost readiness without being deleted`);
      this.#dirty.add(d.name);
    }
  }

  /** A pod of an armed Deployment just stopped being active: its ReplicaSet scaling down, or not. */
  #judgeDeletion(t: Tracked, rs: ReplicaSet, pod: Pod, counts: PodCounts): void {
    if (pod.phase === "Succeeded" || pod.phase === "Failed") {
      this.#disarm(t, `pod ${pod.name} ended (${pod.phase})`);
      return;
    }
    // Active pods before this deletion: the ones left plus this one.
    if (counts.active + 1 <= rs.spec.replicas) {
      this.#disarm(t, `pod ${pod.name} was deleted by someone other than its ReplicaSet (a fault or an eviction)`);
      return;
    }
    const now = this.#now();
    if (!isPodAvailable(pod, rs.spec.minReadySeconds, now)) return;
    if (counts.available(now) < counts.active) {
      this.#disarm(t, `${rs.name} deleted available pod ${pod.name} while keeping an unavailable one (ActivePodsWithRanks puts co-location before readiness time)`);
    }
  }

  #evaluate(name: string, now: Time): void {
    const t = this.#tracked.get(name);
    const d = this.#store.deployments.get(name);
    if (t === undefined || d === undefined) return;
    const c = this.#countRollout(d, now);
    if (!t.armed) {
      if (!this.#faults.quiet(now) || c.scalingPending || c.activeReplicaSets > 1 || c.specReplicas !== d.spec.replicas || c.available < d.spec.replicas) return;
      t.armed = true;
      t.standDown = "";
      t.replicas = d.spec.replicas;
      t.surge = maxSurge(d.spec.strategy, d.spec.replicas);
      t.unavailable = maxUnavailable(d.spec.strategy, d.spec.replicas);
      return;
    }
    this.judged++;
    const where = `Deployment ${d.name} (replicas ${t.replicas}, maxSurge ${t.surge}, maxUnavailable ${t.unavailable})`;
    if (c.specReplicas > t.replicas + t.surge) {
      throw new InvariantViolation(
        `${where}: its ReplicaSets ask for ${c.specReplicas} pods > replicas + maxSurge = ${t.replicas + t.surge} (deployment_util.go NewRSNewReplicas); ${c.active} active pods`,
        now,
      );
    }
    if (c.available < t.replicas - t.unavailable) {
      throw new InvariantViolation(
        `${where}: ${c.available} pods available < replicas − maxUnavailable = ${t.replicas - t.unavailable} (rolling.go reconcileOldReplicaSets, MinAvailable); ${c.active} active pods`,
        now,
      );
    }
  }

  /** A ReplicaSet of the Deployment whose status counts more available pods than it has, or null. */
  #staleStatus(d: Deployment): string | null {
    const now = this.#now();
    for (const rs of this.#store.replicaSetsOwnedBy(d.uid)) {
      const available = this.#countsOf(rs).available(now);
      if (rs.status.availableReplicas > available) return `${rs.name} status says ${rs.status.availableReplicas} available, it has ${available}`;
    }
    return null;
  }

  /** Σ spec.replicas, active and available pods over the Deployment's ReplicaSets at `now`. */
  #countRollout(d: Deployment, now: Time): RolloutCounts {
    let specReplicas = 0;
    let active = 0;
    let available = 0;
    let activeReplicaSets = 0;
    let scalingPending = false;
    for (const rs of this.#store.replicaSetsOwnedBy(d.uid)) {
      specReplicas += rs.spec.replicas;
      if (rs.spec.replicas > 0) {
        activeReplicaSets++;
        const desired = rs.annotations[DESIRED_REPLICAS_ANNOTATION];
        if (desired !== undefined && desired !== String(d.spec.replicas)) scalingPending = true;
      }
      const counts = this.#countsOf(rs);
      active += counts.active;
      available += counts.available(now);
    }
    return { specReplicas, active, available, activeReplicaSets, scalingPending };
  }

  #countsOf(rs: ReplicaSet): PodCounts {
    let counts = this.#counts.get(rs.uid);
    if (counts === undefined) this.#counts.set(rs.uid, (counts = new PodCounts(rs.spec.minReadySeconds)));
    return counts;
  }

  #replicaSetOf(pod: Pod): ReplicaSet | undefined {
    if (pod.owner?.kind !== "ReplicaSet") return undefined;
    const rs = this.#store.replicaSets.get(pod.owner.name);
    return rs?.uid === pod.owner.uid ? rs : undefined;
  }

  #deploymentOf(rs: ReplicaSet): Deployment | undefined {
    if (rs.owner === null) return undefined;
    const d = this.#store.deployments.get(rs.owner.name);
    return d?.uid === rs.owner.uid ? d : undefined;
  }

  #disarm(t: Tracked, why: string): void {
    t.armed = false;
    t.standDown = why;
  }

  #disarmAll(why: string): void {
    for (const t of this.#tracked.values()) this.#disarm(t, why);
    for (const name of this.#tracked.keys()) this.#dirty.add(name);
  }
}

/** controller.FilterActivePods: not terminal, not terminating. */
function isActive(pod: Pod): boolean {
  return pod.deletionTimestamp === null && pod.phase !== "Succeeded" && pod.phase !== "Failed";
}

/**
 * One ReplicaSet's active pods, ready active pods, and the ready ones possibly still inside
 * minReadySeconds (so that available = ready − those not yet available, without a scan).
 */
class PodCounts {
  active = 0;
  readyActive = 0;
  minReadySeconds: number;
  readonly #recent = new Set<Pod>();

  constructor(minReadySeconds: number) {
    this.minReadySeconds = minReadySeconds;
  }

  update(pod: Pod, wasActive: boolean, wasReady: boolean, active: boolean, ready: boolean): void {
    this.active += Number(active) - Number(wasActive);
    this.readyActive += Number(ready) - Number(wasReady);
    if (ready && !wasReady && this.minReadySeconds > 0) this.#recent.add(pod);
    else if (!ready) this.#recent.delete(pod);
  }

  /** podutil.IsPodAvailable over the active pods, at `now` (not earlier than the last call). */
  available(now: Time): number {
    let waiting = 0;
    for (const pod of this.#recent) {
      if (isPodAvailable(pod, this.minReadySeconds, now)) this.#recent.delete(pod);
      else waiting++;
    }
    return this.readyActive - waiting;
  }

  rebuild(rs: ReplicaSet, pods: readonly Pod[]): void {
    this.minReadySeconds = rs.spec.minReadySeconds;
    this.active = 0;
    this.readyActive = 0;
    this.#recent.clear();
    for (const pod of pods) {
      const active = isActive(pod);
      this.update(pod, false, false, active, active && pod.ready);
    }
  }
}
