/**
 * The pod garbage collector (pkg/controller/podgc/gc_controller.go). Every 20 s from t = 0 it
 * force-deletes, after marking them Failed:
 *  - terminated pods (Succeeded/Failed) above the threshold, oldest first;
 *  - terminating pods on a node that is not Ready and carries the
 *    `node.kubernetes.io/out-of-service` taint (how an operator releases a StatefulSet pod stuck
 *    Terminating on a dead node);
 *  - pods bound to a node that no longer exists, once the node has been missing for the 40 s
 *    quarantine (DisruptionTarget reason DeletionByPodGC);
 *  - terminating pods that were never scheduled.
 * A force deletion removes the object at once; a kubelet that comes back finds nothing to stop.
 *
 * Leaves out: the `Evicted` status-reason ordering of terminated pods (kubesim's kubelet does not
 * evict under node pressure), API errors and metrics.
 */
import type { EventHandler } from "../core/simulation.ts";
import { Priority } from "../core/simulation.ts";
import { MICROS_PER_SECOND, type Time } from "../core/time.ts";
import type { Pod, Taint } from "../model/objects.ts";
import { type ControllerContext, sortInStoreOrder, storeOrder } from "./context.ts";
import { tickAtOrAfter } from "./node-lifecycle.ts";

/** v1.TaintNodeOutOfService. */
export const TAINT_OUT_OF_SERVICE = "node.kubernetes.io/out-of-service";
/** The DisruptionTarget reason set on orphaned pods. */
export const DELETION_BY_POD_GC = "DeletionByPodGC";

export interface PodGCOptions {
  /** µs between passes (gcCheckPeriod). Default 20 s. */
  readonly gcCheckPeriod?: Time;
  /** µs a node must stay missing before its pods are deleted (quarantineTime). Default 40 s. */
  readonly quarantineTime?: Time;
  /** Terminated pods kept before the oldest are deleted (`--terminated-pod-gc-threshold`); 0 disables. Default 12500. */
  readonly terminatedPodThreshold?: number;
}

export const POD_GC_DEFAULTS: Required<PodGCOptions> = Object.freeze({
  gcCheckPeriod: 20 * MICROS_PER_SECOND,
  quarantineTime: 40 * MICROS_PER_SECOND,
  terminatedPodThreshold: 12500,
});

/** byEvictionAndCreationTimestamp without the Evicted reason: creation time, then name. */
export function byCreation(a: Pod, b: Pod): number {
  return a.creationTime - b.creationTime || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
}

export class PodGCController {
  readonly #ctx: ControllerContext;
  readonly #o: Required<PodGCOptions>;
  /** Missing node → when its quarantine ends (the delaying nodeQueue). */
  readonly #quarantine = new Map<string, Time>();
  readonly #onTick: EventHandler = () => this.#gc();
  /**
   * Every pod that any of the four kinds of work could select: terminated, terminating, or bound
   * to a node that does not exist (a superset: re-checked at each pass). Kept from watch events,
   * so that a pass every 20 s does not read all 150,000 pods.
   */
  readonly #candidates = new Set<Pod>();

  constructor(ctx: ControllerContext, options: PodGCOptions = {}) {
    const o = { ...POD_GC_DEFAULTS, ...definedOnly(options) };
    for (const name of ["gcCheckPeriod", "quarantineTime"] as const) {
      if (!Number.isSafeInteger(o[name]) || o[name] <= 0) throw new RangeError(`pod GC: ${name} must be a positive whole number of µs, got ${o[name]}`);
    }
    if (!Number.isSafeInteger(o.terminatedPodThreshold) || o.terminatedPodThreshold < 0) {
      throw new RangeError(`pod GC: terminatedPodThreshold must be a whole number ≥ 0, got ${o.terminatedPodThreshold}`);
    }
    this.#ctx = ctx;
    this.#o = o;
    storeOrder(ctx.store);
    for (const pod of ctx.store.pods.values()) this.#consider(pod);
    ctx.store.watch((change) => {
      if (change.kind === "Pod") {
        if (change.type === "deleted") this.#candidates.delete(change.object);
        else this.#consider(change.object);
      } else if (change.kind === "Node" && change.type === "deleted") {
        for (const pod of ctx.store.podsOnNode(change.object.name)) this.#candidates.add(pod);
      }
    });
    ctx.sim.at(tickAtOrAfter(ctx.sim.now, o.gcCheckPeriod), this.#onTick, 0, Priority.Normal);
  }

  #consider(pod: Pod): void {
    if (
      pod.phase === "Succeeded" ||
      pod.phase === "Failed" ||
      pod.deletionTimestamp !== null ||
      (pod.nodeName !== null && !this.#ctx.store.nodes.has(pod.nodeName))
    ) {
      this.#candidates.add(pod);
    }
  }

  /**
   * One pass over the candidates, in store order (as a walk over every pod would meet them),
   * sorts them into the four kinds of work, which then run in upstream's order. Deleting pods
   * does not change what the later kinds select among the others (watchers only schedule work),
   * and a pod deleted by an earlier kind is skipped by the later ones, as with a snapshot of the
   * list.
   */
  #gc(): void {
    const { sim, store } = this.#ctx;
    const nodes = store.nodes;
    const countTerminated = this.#o.terminatedPodThreshold > 0;
    const terminated: Pod[] = [];
    const terminating: Pod[] = [];
    const onMissingNodes: Pod[] = [];
    const unscheduledTerminating: Pod[] = [];
    const pods: Pod[] = [];
    for (const pod of this.#candidates) {
      if (pod.phase === "Succeeded" || pod.phase === "Failed" || pod.deletionTimestamp !== null || (pod.nodeName !== null && !nodes.has(pod.nodeName))) {
        pods.push(pod);
      } else this.#candidates.delete(pod);
    }
    for (const pod of sortInStoreOrder(store, pods)) {
      if (countTerminated && (pod.phase === "Succeeded" || pod.phase === "Failed")) terminated.push(pod);
      const nodeName = pod.nodeName;
      if (nodeName === null) {
        if (pod.deletionTimestamp !== null) unscheduledTerminating.push(pod);
        continue;
      }
      const node = nodes.get(nodeName);
      if (node === undefined) onMissingNodes.push(pod);
      else if (pod.deletionTimestamp !== null && node.ready.status !== "True" && hasOutOfServiceTaint(node.taints)) terminating.push(pod);
    }
    if (countTerminated) this.#gcTerminated(terminated);
    for (const pod of terminating.sort(byCreation)) this.#markFailedAndDelete(pod, null, "terminating on an out-of-service node");
    this.#gcOrphaned(onMissingNodes);
    for (const pod of unscheduledTerminating) this.#markFailedAndDelete(pod, null, "terminating and never scheduled");
    sim.at(sim.now + this.#o.gcCheckPeriod, this.#onTick, 0, Priority.Normal);
  }

  #gcTerminated(terminated: Pod[]): void {
    const excess = terminated.length - this.#o.terminatedPodThreshold;
    if (excess <= 0) return;
    for (const pod of terminated.sort(byCreation).slice(0, excess)) this.#markFailedAndDelete(pod, null, "terminated pods above the threshold");
  }

  /**
   * Missing nodes are quarantined first; those still missing after it lose their pods.
   * `pods`: the pods bound to nodes that do not exist, in store order.
   */
  #gcOrphaned(pods: readonly Pod[]): void {
    const { sim, store } = this.#ctx;
    const now = sim.now;
    for (const pod of pods) {
      if (!this.#quarantine.has(pod.nodeName!)) this.#quarantine.set(pod.nodeName!, now + this.#o.quarantineTime);
    }
    const deleted = new Set<string>();
    for (const [name, until] of this.#quarantine) {
      if (until > now) continue;
      this.#quarantine.delete(name);
      if (!store.nodes.has(name)) deleted.add(name);
    }
    if (deleted.size === 0) return;
    for (const pod of pods) {
      if (deleted.has(pod.nodeName!)) this.#markFailedAndDelete(pod, DELETION_BY_POD_GC, "node no longer exists");
    }
  }

  /** markFailedAndDeletePodWithCondition: phase Failed (+ condition), then a force deletion. */
  #markFailedAndDelete(pod: Pod, disruptionTarget: string | null, why: string): void {
    const { store, events } = this.#ctx;
    if (!store.pods.has(pod.uid)) return;
    if (pod.phase !== "Succeeded" && pod.phase !== "Failed") {
      store.apply({ type: "pod/status", uid: pod.uid, status: disruptionTarget === null ? { phase: "Failed" } : { phase: "Failed", disruptionTarget } });
    }
    store.apply({ type: "pod/delete", uid: pod.uid, gracePeriodSeconds: 0 });
    events.record("Pod", pod.name, "Deleted", `${pod.name} removed: force-deleted by pod GC (${why})`);
  }
}

function hasOutOfServiceTaint(taints: readonly Taint[]): boolean {
  for (const t of taints) if (t.key === TAINT_OUT_OF_SERVICE) return true;
  return false;
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
