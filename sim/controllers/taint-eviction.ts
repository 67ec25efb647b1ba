/**
 * The taint eviction controller (pkg/controller/tainteviction/taint_eviction.go, formerly the
 * NoExecuteTaintManager): when a node's NoExecute taints change, every pod on it is checked
 * against them. A pod that does not tolerate them all is deleted at once; one that does is
 * deleted when the shortest tolerationSeconds of the tolerations used runs out, counted from the
 * moment the controller saw the taint; tolerating without a limit cancels any pending deletion,
 * and so does the taint going away. The deletion is graceful with the pod's own grace period,
 * after the DisruptionTarget condition (reason DeletionByTaintManager) is set.
 *
 * Leaves out: the cancel events (TaintManagerEviction "Cancelling deletion"), the 5 retries
 * against API errors, worker sharding (nodes and pods are handled in arrival order).
 */
import { Priority } from "../core/simulation.ts";
import { MICROS_PER_SECOND, type Time } from "../core/time.ts";
import type { Node, Pod, Taint, Toleration } from "../model/objects.ts";
import type { Change } from "../model/store.ts";
import { toleratesTaint } from "../scheduler/filters.ts";
import { type ControllerContext, podsOnNodeInStoreOrder } from "./context.ts";
import { WorkQueue } from "./workqueue.ts";

/** The DisruptionTarget reason this controller sets before deleting. */
export const DELETION_BY_TAINT_MANAGER = "DeletionByTaintManager";

export function noExecuteTaints(taints: readonly Taint[]): Taint[] {
  return taints.filter((t) => t.effect === "NoExecute");
}

/**
 * v1helper.GetMatchingTolerations: whether every taint is tolerated, and for each taint the
 * FIRST toleration (in the pod's order) that tolerates it. No taints → tolerated, none used.
 */
export function getMatchingTolerations(taints: readonly Taint[], tolerations: readonly Toleration[]): { allTolerated: boolean; used: Toleration[] } {
  const used: Toleration[] = [];
  for (const taint of taints) {
    const t = tolerations.find((tol) => toleratesTaint(tol, taint));
    if (t === undefined) return { allTolerated: false, used: [] };
    used.push(t);
  }
  return { allTolerated: true, used };
}

/**
 * getMinTolerationTime in µs: the smallest tolerationSeconds among the used tolerations (≤ 0
 * means 0), −1 when none sets a limit (tolerated forever), 0 when no toleration was used.
 * Example: [unreachable 300 s, not-ready 30 s] → 30 s; [unreachable, no seconds] → −1.
 */
export function getMinTolerationTime(used: readonly Toleration[]): Time {
  if (used.length === 0) return 0;
  let min = Number.POSITIVE_INFINITY;
  for (const t of used) {
    if (t.tolerationSeconds === undefined || t.tolerationSeconds === null) continue;
    if (t.tolerationSeconds <= 0) return 0;
    min = Math.min(min, t.tolerationSeconds);
  }
  return min === Number.POSITIVE_INFINITY ? -1 : min * MICROS_PER_SECOND;
}

/** What processPodOnNode decides for one pod. */
export type EvictionPlan =
  | { readonly kind: "cancel" }
  | { readonly kind: "keep" }
  | { readonly kind: "schedule"; readonly createdAt: Time; readonly fireAt: Time };

/**
 * processPodOnNode, pure: `pending` is the eviction already scheduled for the pod (its
 * CreatedAt), if any. Untolerated → evict now (replacing any pending one); tolerated forever →
 * cancel; otherwise fire at now + min toleration, unless a pending eviction created earlier
 * exists, which is kept as it is (upstream compares createdAt + min against now + min, so only
 * one created at this very instant is replaced).
 * Example: taint seen at 145.1 s, tolerationSeconds 300 → schedule at 445.1 s.
 */
export function planPodOnNode(taints: readonly Taint[], tolerations: readonly Toleration[], pendingCreatedAt: Time | null, now: Time): EvictionPlan {
  if (taints.length === 0) return { kind: "cancel" };
  const { allTolerated, used } = getMatchingTolerations(taints, tolerations);
  if (!allTolerated) return { kind: "schedule", createdAt: now, fireAt: now };
  const min = getMinTolerationTime(used);
  if (min < 0) return { kind: "cancel" };
  if (pendingCreatedAt !== null && pendingCreatedAt + min < now + min) return { kind: "keep" };
  return { kind: "schedule", createdAt: pendingCreatedAt ?? now, fireAt: now + min };
}

interface ScheduledEviction {
  readonly createdAt: Time;
  readonly handle: number;
}

export class TaintEvictionController {
  readonly #ctx: ControllerContext;
  readonly #queue: WorkQueue;
  /** NoExecute taints per node as the watch last delivered them (NodeUpdated's old/new compare). */
  readonly #seen = new Map<string, string>();
  /** NoExecute taints per node as last handled (taintedNodes). */
  readonly #tainted = new Map<string, Taint[]>();
  /** Pending evictions by pod uid (the TimedWorkerQueue). */
  readonly #scheduled = new Map<string, ScheduledEviction>();

  constructor(ctx: ControllerContext) {
    this.#ctx = ctx;
    this.#queue = new WorkQueue(ctx.sim, ctx.latency, ctx.streams.stream("controllers", "taint-eviction"), (key) => this.#work(key));
    for (const node of ctx.store.nodes.values()) this.#nodeChanged(node);
    ctx.store.watch((change) => this.#observe(change));
  }

  /** When the pod's pending eviction fires, or undefined. */
  scheduledEviction(uid: string): Time | undefined {
    const s = this.#scheduled.get(uid);
    return s === undefined ? undefined : this.#ctx.sim.timeOf(s.handle);
  }

  #observe(change: Change): void {
    if (change.kind === "Node") {
      if (change.type !== "deleted") this.#nodeChanged(change.object);
      return;
    }
    if (change.kind !== "Pod") return;
    const pod = change.object;
    if (change.type === "deleted") {
      if (this.#scheduled.has(pod.uid)) this.#queue.add(`pod:${pod.uid}`);
      return;
    }
    // PodUpdated: only a new binding matters (tolerations are immutable here).
    if (pod.nodeName !== null && (change.before === null || change.before.nodeName !== pod.nodeName)) this.#queue.add(`pod:${pod.uid}`);
  }

  #nodeChanged(node: Node): void {
    const key = noExecuteTaints(node.taints)
      .map((t) => `${t.key}=${t.value ?? ""}:${t.timeAdded}`)
      .join(",");
    if (this.#seen.get(node.name) === key) return;
    this.#seen.set(node.name, key);
    this.#queue.add(`node:${node.name}`);
  }

  #work(key: string): void {
    if (key.startsWith("node:")) this.#handleNodeUpdate(key.slice(5));
    else this.#handlePodUpdate(key.slice(4));
  }

  #handleNodeUpdate(nodeName: string): void {
    const { store, sim } = this.#ctx;
    const node = store.nodes.get(nodeName);
    if (node === undefined) {
      this.#tainted.delete(nodeName);
      return;
    }
    const taints = noExecuteTaints(node.taints);
    if (taints.length === 0) this.#tainted.delete(nodeName);
    else this.#tainted.set(nodeName, taints);
    for (const pod of podsOnNodeInStoreOrder(store, nodeName)) this.#processPodOnNode(pod, taints, sim.now);
  }

  #handlePodUpdate(uid: string): void {
    const pod = this.#ctx.store.pods.get(uid);
    if (pod === undefined) return this.#cancel(uid);
    if (pod.nodeName === null) return;
    const taints = this.#tainted.get(pod.nodeName);
    if (taints === undefined) return;
    this.#processPodOnNode(pod, taints, this.#ctx.sim.now);
  }

  #processPodOnNode(pod: Pod, taints: readonly Taint[], now: Time): void {
    const pending = this.#scheduled.get(pod.uid);
    const plan = planPodOnNode(taints, pod.spec.tolerations, pending?.createdAt ?? null, now);
    if (plan.kind === "keep") return;
    this.#cancel(pod.uid);
    if (plan.kind === "cancel") return;
    const uid = pod.uid;
    const handle = this.#ctx.sim.at(plan.fireAt, () => this.#fire(uid), 0, Priority.Normal);
    this.#scheduled.set(pod.uid, { createdAt: plan.createdAt, handle });
  }

  #cancel(uid: string): void {
    const s = this.#scheduled.get(uid);
    if (s === undefined) return;
    this.#ctx.sim.cancel(s.handle);
    this.#scheduled.delete(uid);
  }

  /** deletePodHandler → addConditionAndDeletePod: DisruptionTarget, then a graceful delete. */
  #fire(uid: string): void {
    this.#scheduled.delete(uid);
    const { store, events } = this.#ctx;
    const pod = store.pods.get(uid);
    if (pod === undefined) return;
    events.record("Pod", pod.name, "Evicted", `Marking for deletion Pod ${pod.namespace}/${pod.name}: Taint manager: deleting due to NoExecute taint`);
    if (pod.disruptionTarget !== DELETION_BY_TAINT_MANAGER) {
      store.apply({ type: "pod/status", uid, status: { disruptionTarget: DELETION_BY_TAINT_MANAGER } });
    }
    store.apply({ type: "pod/delete", uid, gracePeriodSeconds: pod.spec.terminationGracePeriodSeconds, reason: "Evicted" });
  }
}
