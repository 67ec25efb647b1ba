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
import type { Pod } from "../model/objects.ts";
import type { ControllerContext } from "./context.ts";
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
    ctx.sim.at(tickAtOrAfter(ctx.sim.now, o.gcCheckPeriod), this.#onTick, 0, Priority.Normal);
  }

  #gc(): void {
    const { sim, store } = this.#ctx;
    const pods = [...store.pods.values()];
    if (this.#o.terminatedPodThreshold > 0) this.#gcTerminated(pods);
    this.#gcTerminating(pods);
    this.#gcOrphaned(pods);
    this.#gcUnscheduledTerminating(pods);
    sim.at(sim.now + this.#o.gcCheckPeriod, this.#onTick, 0, Priority.Normal);
  }

  #gcTerminated(pods: readonly Pod[]): void {
    const terminated = pods.filter((p) => p.phase === "Succeeded" || p.phase === "Failed");
    const excess = terminated.length - this.#o.terminatedPodThreshold;
    if (excess <= 0) return;
    for (const pod of terminated.sort(byCreation).slice(0, excess)) this.#markFailedAndDelete(pod, null, "terminated pods above the threshold");
  }

  #gcTerminating(pods: readonly Pod[]): void {
    const nodes = this.#ctx.store.nodes;
    const victims = pods.filter((p) => {
      if (p.deletionTimestamp === null || p.nodeName === null) return false;
      const node = nodes.get(p.nodeName);
      return node !== undefined && node.ready.status !== "True" && node.taints.some((t) => t.key === TAINT_OUT_OF_SERVICE);
    });
    for (const pod of victims.sort(byCreation)) this.#markFailedAndDelete(pod, null, "terminating on an out-of-service node");
  }

  /** Missing nodes are quarantined first; those still missing after it lose their pods. */
  #gcOrphaned(pods: readonly Pod[]): void {
    const { sim, store } = this.#ctx;
    const now = sim.now;
    for (const pod of pods) {
      if (pod.nodeName !== null && !store.nodes.has(pod.nodeName) && !this.#quarantine.has(pod.nodeName)) {
        this.#quarantine.set(pod.nodeName, now + this.#o.quarantineTime);
      }
    }
    const deleted = new Set<string>();
    for (const [name, until] of this.#quarantine) {
      if (until > now) continue;
      this.#quarantine.delete(name);
      if (!store.nodes.has(name)) deleted.add(name);
    }
    if (deleted.size === 0) return;
    for (const pod of pods) {
      if (pod.nodeName !== null && deleted.has(pod.nodeName)) this.#markFailedAndDelete(pod, DELETION_BY_POD_GC, "node no longer exists");
    }
  }

  #gcUnscheduledTerminating(pods: readonly Pod[]): void {
    for (const pod of pods) {
      if (pod.deletionTimestamp !== null && pod.nodeName === null) this.#markFailedAndDelete(pod, null, "terminating and never scheduled");
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

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
