/**
 * PodDisruptionBudgets: the disruption controller that keeps each budget's status
 * (pkg/controller/disruption/disruption.go `trySync`) and the eviction subresource that spends it
 * (pkg/registry/core/pod/storage/eviction.go `Create`, `checkAndDecrement`).
 *
 * Status: the pods the selector picks in the PDB's namespace; expected pods and desired healthy
 * from minAvailable / maxUnavailable (int or percent, percents scaled against the owning
 * controllers' replicas and rounded up); current healthy = Ready pods that are neither
 * terminating nor recently evicted (DisruptedPods, kept for 2 min); disruptionsAllowed =
 * max(0, current − desired), 0 while no pod is expected.
 *
 * Eviction: terminal, Pending or terminating pods are deleted without looking at budgets; more
 * than one matching budget → 500; a budget not yet synced → 429; a pod that is not Ready is
 * deleted without spending the budget when the budget is otherwise met; no disruption left → 429
 * "Cannot evict pod as it would violate the pod's disruption budget."; otherwise the budget is
 * decremented, the pod recorded in DisruptedPods and deleted gracefully.
 *
 * PDB status lives here, not in the store (the model's PodDisruptionBudget has no status).
 *
 * Leaves out: unhealthyPodEvictionPolicy AlwaysAllow (the default IfHealthyBudget is modelled),
 * dry runs, resourceVersion preconditions, the DisruptionAllowed condition, stale
 * DisruptionTarget cleanup, controllers found only through the scale subresource.
 */
import { MICROS_PER_SECOND, type Time } from "../core/time.ts";
import type { Pod } from "../model/objects.ts";
import type { Change } from "../model/store.ts";
import { type IntOrPercent, type LabelSelector, type PodDisruptionBudget, selectorMatches } from "../model/workloads.ts";
import type { ControllerContext } from "./context.ts";
import { getScaledValueFromIntOrPercent } from "./deployment/rolling-math.ts";
import { WorkQueue } from "./workqueue.ts";

/** How long an approved eviction keeps a pod out of currentHealthy (DeletionTimeout). */
export const DELETION_TIMEOUT: Time = 2 * 60 * MICROS_PER_SECOND;
export const TOO_MANY_REQUESTS_MESSAGE = "Cannot evict pod as it would violate the pod's disruption budget.";

export interface PdbStatus {
  readonly expectedPods: number;
  readonly desiredHealthy: number;
  readonly currentHealthy: number;
  readonly disruptionsAllowed: number;
  /** Pod name → when its eviction was approved. */
  readonly disruptedPods: ReadonlyMap<string, Time>;
}

export type EvictionResult =
  | { readonly allowed: true }
  | { readonly allowed: false; readonly code: 404 | 429 | 403 | 500; readonly message: string; readonly cause?: string };

export interface EvictOptions {
  /** DeleteOptions.gracePeriodSeconds; default: the pod's terminationGracePeriodSeconds. */
  readonly gracePeriodSeconds?: number;
}

/** The replicas of a pod's controller, keyed so two pods of one controller count once. */
export interface ControllerScale {
  readonly uid: string;
  readonly replicas: number;
}

export function isSelectorEmpty(selector: LabelSelector): boolean {
  return Object.keys(selector.matchLabels ?? {}).length === 0 && (selector.matchExpressions ?? []).length === 0;
}

/**
 * getExpectedPodCount. maxUnavailable: expected = Σ controller replicas, desired = expected −
 * ceil-scaled maxUnavailable (≥ 0). minAvailable int: desired = it, expected = number of pods.
 * minAvailable percent: expected = Σ controller replicas, desired = ceil-scaled percent.
 * Pods without a controller are left out of the sums (upstream warns "UnmanagedPods").
 * Example: Deployment of 4, maxUnavailable 25% → expected 4, desired 4 − 1 = 3;
 * minAvailable "50%" of 3 → desired ceil(1.5) = 2.
 */
export function expectedPodCount(
  pdb: Pick<PodDisruptionBudget, "minAvailable" | "maxUnavailable">,
  pods: readonly Pod[],
  scaleOf: (pod: Pod) => ControllerScale | null,
): { expectedCount: number; desiredHealthy: number } {
  const expectedScale = (): number => {
    const scales = new Map<string, number>();
    for (const pod of pods) {
      const s = scaleOf(pod);
      if (s !== null) scales.set(s.uid, s.replicas);
    }
    let sum = 0;
    for (const r of scales.values()) sum += r;
    return sum;
  };
  if (pdb.maxUnavailable !== null) {
    const expectedCount = expectedScale();
    const maxUnavailable = getScaledValueFromIntOrPercent(pdb.maxUnavailable, expectedCount, true);
    return { expectedCount, desiredHealthy: Math.max(0, expectedCount - maxUnavailable) };
  }
  if (pdb.minAvailable !== null) {
    if (typeof pdb.minAvailable === "number") return { expectedCount: pods.length, desiredHealthy: pdb.minAvailable };
    const expectedCount = expectedScale();
    return { expectedCount, desiredHealthy: getScaledValueFromIntOrPercent(pdb.minAvailable as IntOrPercent, expectedCount, true) };
  }
  return { expectedCount: 0, desiredHealthy: 0 };
}

/** countHealthyPods: Ready, not terminating, not evicted within the last DeletionTimeout. */
export function countHealthyPods(pods: readonly Pod[], disrupted: ReadonlyMap<string, Time>, now: Time): number {
  let healthy = 0;
  for (const pod of pods) {
    if (pod.deletionTimestamp !== null) continue;
    const at = disrupted.get(pod.name);
    if (at !== undefined && at + DELETION_TIMEOUT > now) continue;
    if (pod.ready) healthy++;
  }
  return healthy;
}

/** updatePdbStatus: disruptionsAllowed = current − desired, 0 when negative or nothing is expected. */
export function disruptionsAllowed(currentHealthy: number, desiredHealthy: number, expectedCount: number): number {
  const allowed = currentHealthy - desiredHealthy;
  return expectedCount <= 0 || allowed <= 0 ? 0 : allowed;
}

export class DisruptionController {
  readonly #ctx: ControllerContext;
  readonly #queue: WorkQueue;
  readonly #status = new Map<string, PdbStatus>();
  /** PDBs changed since their last sync (status.observedGeneration < generation). */
  readonly #stale = new Set<string>();

  constructor(ctx: ControllerContext) {
    this.#ctx = ctx;
    this.#queue = new WorkQueue(ctx.sim, ctx.latency, ctx.streams.stream("controllers", "disruption"), (name) => this.#sync(name));
    for (const pdb of ctx.store.podDisruptionBudgets.values()) this.#changed(pdb.name);
    ctx.store.watch((change) => this.#observe(change));
  }

  /** The budget's status as last synced, or undefined before its first sync. */
  status(name: string): PdbStatus | undefined {
    return this.#stale.has(name) ? undefined : this.#status.get(name);
  }

  #changed(name: string): void {
    this.#stale.add(name);
    this.#queue.add(name);
  }

  #observe(change: Change): void {
    if (change.kind === "PodDisruptionBudget") {
      if (change.type === "deleted") {
        this.#status.delete(change.object.name);
        this.#stale.delete(change.object.name);
      } else this.#changed(change.object.name);
      return;
    }
    if (change.kind !== "Pod") return;
    const before = change.before;
    const pod = change.object;
    if (change.type === "modified" && before !== null && before.ready === pod.ready && before.phase === pod.phase && before.deletionTimestamp === pod.deletionTimestamp) {
      return;
    }
    for (const pdb of this.#pdbsFor(pod)) this.#queue.add(pdb.name);
  }

  /** The budgets whose (non-empty) selector matches the pod, in creation order. */
  #pdbsFor(pod: Pod): PodDisruptionBudget[] {
    const out: PodDisruptionBudget[] = [];
    for (const pdb of this.#ctx.store.podDisruptionBudgets.values()) {
      if (pdb.namespace === pod.namespace && !isSelectorEmpty(pdb.selector) && selectorMatches(pdb.selector, pod.labels)) out.push(pdb);
    }
    return out;
  }

  /** The pod's controller and its replicas: a Deployment for a ReplicaSet it owns, else the owner. */
  #scaleOf(pod: Pod): ControllerScale | null {
    const { store } = this.#ctx;
    if (pod.owner === null) return null;
    if (pod.owner.kind === "StatefulSet") {
      const sts = store.statefulSets.get(pod.owner.name);
      return sts !== undefined && sts.uid === pod.owner.uid ? { uid: sts.uid, replicas: sts.spec.replicas } : null;
    }
    const rs = store.replicaSets.get(pod.owner.name);
    if (rs === undefined || rs.uid !== pod.owner.uid) return null;
    if (rs.owner !== null) {
      const d = store.deployments.get(rs.owner.name);
      return d !== undefined && d.uid === rs.owner.uid ? { uid: d.uid, replicas: d.spec.replicas } : null;
    }
    return { uid: rs.uid, replicas: rs.spec.replicas };
  }

  #sync(name: string): void {
    const { store, sim } = this.#ctx;
    const pdb = store.podDisruptionBudgets.get(name);
    if (pdb === undefined) return;
    const now = sim.now;
    // getPodsForPdb: an empty policy/v1 selector selects every pod of the namespace.
    const pods: Pod[] = [];
    // Map.forEach: store order, without an iterator result per pod (a for…of over 150,000 pods
    // that runs a few times is never optimised and allocates at each step).
    store.pods.forEach((pod) => {
      if (pod.namespace === pdb.namespace && selectorMatches(pdb.selector, pod.labels)) pods.push(pod);
    });
    const previous = this.#status.get(name)?.disruptedPods ?? new Map<string, Time>();
    let counts: { expectedCount: number; desiredHealthy: number };
    try {
      counts = expectedPodCount(pdb, pods, (pod) => this.#scaleOf(pod));
    } catch {
      // failSafe: an invalid budget allows no disruption.
      const old = this.#status.get(name);
      this.#status.set(name, { expectedPods: 0, desiredHealthy: 0, currentHealthy: 0, disruptedPods: new Map(), ...old, disruptionsAllowed: 0 });
      this.#stale.delete(name);
      return;
    }
    // buildDisruptedPodMap: keep evictions of pods that still exist, are not yet terminating and
    // were approved less than DeletionTimeout ago; recheck when the first of them expires.
    const disrupted = new Map<string, Time>();
    let recheck = Number.POSITIVE_INFINITY;
    for (const pod of pods) {
      if (pod.deletionTimestamp !== null) continue;
      const at = previous.get(pod.name);
      if (at === undefined || at + DELETION_TIMEOUT < now) continue;
      disrupted.set(pod.name, at);
      recheck = Math.min(recheck, at + DELETION_TIMEOUT);
    }
    const currentHealthy = countHealthyPods(pods, disrupted, now);
    this.#status.set(name, {
      expectedPods: counts.expectedCount,
      desiredHealthy: counts.desiredHealthy,
      currentHealthy,
      disruptionsAllowed: disruptionsAllowed(currentHealthy, counts.desiredHealthy, counts.expectedCount),
      disruptedPods: disrupted,
    });
    this.#stale.delete(name);
    if (recheck !== Number.POSITIVE_INFINITY) this.#queue.addAfter(name, recheck - now);
  }

  /** POST pods/{name}/eviction. On success the pod is deleted (gracefully) and an Evicted event logged. */
  evict(uid: string, options: EvictOptions = {}): EvictionResult {
    const { store, sim } = this.#ctx;
    const pod = store.pods.get(uid);
    if (pod === undefined) return { allowed: false, code: 404, message: `pods "${uid}" not found` };
    // canIgnorePDB: evicting a pod that is terminal, Pending or already terminating disrupts nothing more.
    if (pod.phase === "Succeeded" || pod.phase === "Failed" || pod.phase === "Pending" || pod.deletionTimestamp !== null) {
      return this.#delete(pod, options);
    }
    const pdbs = this.#pdbsFor(pod);
    if (pdbs.length > 1) {
      return { allowed: false, code: 500, message: "This pod has more than one PodDisruptionBudget, which the eviction subresource does not support." };
    }
    if (pdbs.length === 0) return this.#delete(pod, options);
    const pdb = pdbs[0];
    const status = this.status(pdb.name);
    if (status === undefined) {
      return { allowed: false, code: 429, message: TOO_MANY_REQUESTS_MESSAGE, cause: `The disruption budget ${pdb.name} is still being processed by the server.` };
    }
    // A pod that is not Ready does not count as healthy: it goes without spending the budget.
    if (!pod.ready && status.currentHealthy >= status.desiredHealthy && status.desiredHealthy > 0) return this.#delete(pod, options);
    if (status.disruptionsAllowed < 0) return { allowed: false, code: 403, message: "pdb disruptions allowed is negative" };
    if (status.disruptionsAllowed === 0) {
      return {
        allowed: false,
        code: 429,
        message: TOO_MANY_REQUESTS_MESSAGE,
        cause: `The disruption budget ${pdb.name} needs ${status.desiredHealthy} healthy pods and has ${status.currentHealthy} currently`,
      };
    }
    const disruptedPods = new Map(status.disruptedPods);
    disruptedPods.set(pod.name, sim.now);
    this.#status.set(pdb.name, { ...status, disruptionsAllowed: status.disruptionsAllowed - 1, disruptedPods });
    return this.#delete(pod, options);
  }

  #delete(pod: Pod, options: EvictOptions): EvictionResult {
    const grace = options.gracePeriodSeconds ?? pod.spec.terminationGracePeriodSeconds;
    this.#ctx.events.record("Pod", pod.name, "Evicted", `Evicted ${pod.namespace}/${pod.name} through the eviction API`);
    this.#ctx.store.apply({ type: "pod/delete", uid: pod.uid, gracePeriodSeconds: grace, reason: "Evicted" });
    return { allowed: true };
  }
}
