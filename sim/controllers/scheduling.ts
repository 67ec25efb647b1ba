/**
 * kube-scheduler's loop around the pure scheduling algorithm in sim/scheduler/: pods without a
 * node wait `timing.schedulingLatency`, are scheduled one at a time, and are bound; a pod that
 * fits nowhere waits in the unschedulable set until a cluster event that could help (a node
 * added or changed, a pod deleted) or 5 minutes, and never retries before its backoff
 * (1 s doubling to 10 s) has passed (pkg/scheduler/backend/queue/scheduling_queue.go).
 *
 * Leaves out: preemption, scheduling gates, the 1 s/30 s flush granularity (retries happen at the
 * exact instant their backoff ends), and per-event-type queueing hints (any event retries).
 */
import type { RandomStream } from "../core/rng.ts";
import { Priority } from "../core/simulation.ts";
import type { Time } from "../core/time.ts";
import type { Node, Pod } from "../model/objects.ts";
import type { Change } from "../model/store.ts";
import type { LabelSelector as ModelSelector } from "../model/workloads.ts";
import { backoffDuration, POD_MAX_IN_UNSCHEDULABLE_PODS_DURATION } from "../scheduler/queue.ts";
import { PodCountIndex } from "../scheduler/pod-index.ts";
import { NodeTable } from "../scheduler/node-table.ts";
import { type ScheduleOptions, schedulePod } from "../scheduler/schedule.ts";
import type { LabelSelector, RequiredNodeAffinity, SchedNode, SchedPod, Toleration } from "../scheduler/types.ts";
import type { ControllerContext } from "./context.ts";
import type { Distribution } from "../core/distributions.ts";

/** The scheduler's view of a model node, reading through to it (no copies per cycle). */
class NodeView implements SchedNode {
  readonly node: Node;
  constructor(node: Node) {
    this.node = node;
  }
  get name() {
    return this.node.name;
  }
  get labels() {
    return this.node.labels;
  }
  get zone() {
    return this.node.zone;
  }
  get allocatable() {
    return this.node.allocatable;
  }
  get requested() {
    return this.node.requested;
  }
  get unschedulable() {
    return this.node.unschedulable;
  }
  get taints() {
    return this.node.taints;
  }
  get ready() {
    return this.node.ready.status === "True";
  }
}

interface Waiting {
  readonly view: SchedPod;
  attempts: number;
  /** When the last attempt failed. */
  lastFailure: Time;
  /** The pending retry (or first attempt) event, or -1. */
  event: number;
  unschedulable: boolean;
}

export interface SchedulingOptions {
  readonly schedulingLatency: Distribution;
  readonly percentageOfNodesToScore?: number;
  /** The selector of a pod's owner, for system-default topology spreading. */
  readonly spreadSelectorOf: (pod: Pod) => ModelSelector | undefined;
}

export class SchedulingController {
  readonly #ctx: ControllerContext;
  readonly #options: SchedulingOptions;
  /** The scheduler's node list (NodeViews, in the store's order) and its columns. */
  readonly #table = new NodeTable();
  readonly #index = new PodCountIndex();
  /** Check the columns a cycle read against the nodes (under the test runner). */
  readonly #verifyTable = process.env.KUBESIM_TEST === "1";
  readonly #scheduleOptions: ScheduleOptions;
  readonly #indexed = new Set<string>();
  readonly #waiting = new Map<string, Waiting>();
  readonly #uids: string[] = [];
  readonly #uidIndex = new Map<string, number>();
  readonly #rng: RandomStream;
  readonly #latencyStream: RandomStream;
  #startIndex = 0;
  readonly #attempt = (i: number) => this.#scheduleOne(this.#uids[i]);
  readonly #selectorCache = new WeakMap<object, LabelSelector>();

  constructor(ctx: ControllerContext, options: SchedulingOptions) {
    this.#ctx = ctx;
    this.#options = options;
    this.#rng = ctx.streams.stream("scheduler", "selectHost");
    this.#latencyStream = ctx.streams.stream("scheduler", "latency");
    this.#scheduleOptions = { percentageOfNodesToScore: options.percentageOfNodesToScore, table: this.#table };
    for (const node of ctx.store.nodes.values()) this.#table.add(new NodeView(node));
    this.#index.bindNodes(this.#table.nodes);
    ctx.store.watch((change) => this.#observe(change));
  }

  /** Pods bound before the run starts (steady start) must count for spreading. */
  indexBoundPod(pod: Pod): void {
    this.#indexAdd(pod);
  }

  #observe(change: Change): void {
    if (change.kind === "Node") {
      if (change.type === "added") this.#table.add(new NodeView(change.object));
      else this.#table.markChanged(change.object.name);
      this.#retryUnschedulable();
      return;
    }
    if (change.kind !== "Pod") return;
    const pod = change.object;
    // Any change of a bound pod may have changed its node's requests (bind, create, removal).
    if (pod.nodeName !== null) this.#table.markChanged(pod.nodeName);
    if (change.type === "added") {
      if (pod.nodeName === null) this.#enqueue(pod);
      else this.#indexAdd(pod);
      return;
    }
    if (change.type === "deleted") {
      this.#indexRemove(pod);
      const w = this.#waiting.get(pod.uid);
      if (w !== undefined) {
        if (w.event >= 0) this.#ctx.sim.cancel(w.event);
        this.#waiting.delete(pod.uid);
      }
      this.#retryUnschedulable();
      return;
    }
    if (pod.deletionTimestamp !== null && change.before?.deletionTimestamp === null) this.#indexRemove(pod);
  }

  #enqueue(pod: Pod): void {
    const view = this.#schedPod(pod);
    const delay = this.#options.schedulingLatency.sample(this.#latencyStream);
    const w: Waiting = { view, attempts: 0, lastFailure: 0, event: -1, unschedulable: false };
    this.#waiting.set(pod.uid, w);
    w.event = this.#ctx.sim.after(delay, this.#attempt, this.#indexOf(pod.uid), Priority.Normal);
  }

  #scheduleOne(uid: string): void {
    const w = this.#waiting.get(uid);
    const pod = this.#ctx.store.pods.get(uid);
    if (w === undefined || pod === undefined || pod.nodeName !== null) return;
    w.event = -1;
    this.#table.refresh();
    const result = schedulePod(w.view, this.#table.nodes, this.#startIndex, this.#rng, this.#index, this.#scheduleOptions);
    if (this.#verifyTable) this.#table.verifyRows(this.#startIndex, result.evaluated);
    this.#startIndex = result.nextStartIndex;
    if (result.kind === "scheduled") {
      this.#waiting.delete(uid);
      this.#ctx.store.apply({ type: "pod/bind", uid, node: result.node.name });
      // (A steady start schedules 10^5 pods with the log off: no message to build then.)
      const events = this.#ctx.events;
      if (events.enabled) events.record("Pod", pod.name, "Scheduled", `Successfully assigned ${pod.namespace}/${pod.name} to ${result.node.name}`);
      return;
    }
    w.attempts++;
    w.lastFailure = this.#ctx.sim.now;
    w.unschedulable = true;
    this.#ctx.events.record("Pod", pod.name, "FailedScheduling", result.message);
    // Without a helpful event the pod is retried after 5 minutes in unschedulablePods.
    w.event = this.#ctx.sim.after(POD_MAX_IN_UNSCHEDULABLE_PODS_DURATION, this.#attempt, this.#indexOf(uid), Priority.Normal);
  }

  /** A cluster event: every unschedulable pod retries once its backoff has passed. */
  #retryUnschedulable(): void {
    const now = this.#ctx.sim.now;
    for (const [uid, w] of this.#waiting) {
      if (!w.unschedulable) continue;
      w.unschedulable = false;
      const at = Math.max(now, w.lastFailure + backoffDuration(w.attempts));
      if (w.event >= 0) this.#ctx.sim.cancel(w.event);
      w.event = this.#ctx.sim.at(at, this.#attempt, this.#indexOf(uid), Priority.Normal);
    }
  }

  #indexOf(uid: string): number {
    let i = this.#uidIndex.get(uid);
    if (i === undefined) {
      i = this.#uids.length;
      this.#uids.push(uid);
      this.#uidIndex.set(uid, i);
    }
    return i;
  }

  #indexAdd(pod: Pod): void {
    if (pod.nodeName === null || pod.deletionTimestamp !== null || this.#indexed.has(pod.uid)) return;
    const node = this.#ctx.store.nodes.get(pod.nodeName);
    this.#index.addPod(pod, pod.nodeName, node?.zone ?? "");
    this.#indexed.add(pod.uid);
  }

  #indexRemove(pod: Pod): void {
    if (!this.#indexed.delete(pod.uid)) return;
    this.#index.removePod(pod);
  }

  #schedPod(pod: Pod): SchedPod {
    let cpu = 0;
    let memory = 0;
    for (const c of pod.spec.containers) {
      cpu += c.requests.cpuMilli;
      memory += c.requests.memoryBytes;
    }
    const owner = this.#options.spreadSelectorOf(pod);
    let spreadSelector: LabelSelector | undefined;
    if (owner !== undefined) {
      spreadSelector = this.#selectorCache.get(owner);
      if (spreadSelector === undefined) {
        spreadSelector = owner as LabelSelector;
        this.#selectorCache.set(owner, spreadSelector);
      }
    }
    return {
      name: pod.name,
      namespace: pod.namespace,
      labels: pod.labels,
      requests: { cpuMilli: cpu, memoryBytes: memory },
      nodeSelector: pod.spec.nodeSelector,
      requiredNodeAffinity: (pod.spec.requiredNodeAffinity ?? undefined) as RequiredNodeAffinity | undefined,
      tolerations: pod.spec.tolerations as readonly Toleration[],
      spreadSelector,
    };
  }
}
