/**
 * The node lifecycle controller (pkg/controller/nodelifecycle/node_lifecycle_controller.go) and,
 * standing in for the kubelet, the two signals it watches: the node lease, renewed every 10 s at
 * a per-node phase, and the Ready=True status post when a kubelet comes back.
 *
 * Every `nodeMonitorPeriod` from t = 0 the monitor looks at the nodes that stopped renewing or
 * are not Ready (the "attention" set; healthy nodes cost nothing): a node whose last renew is
 * more than `nodeMonitorGracePeriod` old goes Ready → Unknown, its pods are marked Ready=False,
 * and it is queued for the `unreachable:NoExecute` taint, which a per-zone token bucket lets
 * through on 100 ms passes. The NoSchedule twin of that taint follows the Ready condition at once
 * (doNoScheduleTaintingPass, on every node update). Zone states throttle or stop the tainting.
 *
 * Heartbeats are computed, not ticked: the renew instants of a node are phase + k·10 s while its
 * kubelet is up and reachable (plus one at the instant it comes back), so the last renew the
 * controller could see is a formula of when the node stopped renewing.
 *
 * Version: v1.34+ (kubernetes/kubernetes#120816): the NoExecute taint is queued in the same pass
 * that sets Ready=Unknown. v1.33 and earlier queued it one monitor period later (+5 s).
 *
 * Leaves out: node deletion (the store has no such action; see pod-gc.ts for orphans), the
 * pressure and NetworkUnavailable conditions and their taints, label reconciliation, metrics,
 * API errors and their retry paths (nodesToRetry), DaemonSet special cases.
 */
import type { RandomStream } from "../core/rng.ts";
import { type EventHandler, Priority } from "../core/simulation.ts";
import { MICROS_PER_MS, MICROS_PER_SECOND, type Time } from "../core/time.ts";
import type { Node, Taint, TaintEffect } from "../model/objects.ts";
import { TAINT_NOT_READY, TAINT_UNREACHABLE } from "../model/pod-factory.ts";
import type { Change } from "../model/store.ts";
import { TAINT_NODE_UNSCHEDULABLE } from "../scheduler/filters.ts";
import { type ControllerContext, podsOnNodeInStoreOrder } from "./context.ts";
import { WorkQueue } from "./workqueue.ts";

/** The kubelet's lease renew interval (0.25 × the 40 s lease duration, pkg/kubelet/nodelease). */
export const LEASE_RENEW_INTERVAL: Time = 10 * MICROS_PER_SECOND;
/** scheduler.NodeEvictionPeriod: how often doNoExecuteTaintingPass runs. */
export const NODE_EVICTION_PERIOD: Time = 100 * MICROS_PER_MS;
/** Nodes with this label do not count for zone states (labelNodeDisruptionExclusion). */
export const LABEL_EXCLUDE_DISRUPTION = "node.kubernetes.io/exclude-disruption";

export interface NodeLifecycleOptions {
  /** µs between monitor passes (`--node-monitor-period`). Default 5 s. */
  readonly nodeMonitorPeriod?: Time;
  /** µs without a heartbeat before Ready becomes Unknown (`--node-monitor-grace-period`). Default 50 s (v1.32+). */
  readonly nodeMonitorGracePeriod?: Time;
  /** µs of grace for a node whose kubelet has never posted status (`--node-startup-grace-period`). Default 60 s. */
  readonly nodeStartupGracePeriod?: Time;
  /** Nodes tainted per second per zone in a healthy zone (`--node-eviction-rate`). Default 0.1. */
  readonly evictionRate?: number;
  /** Nodes per second in a partially disrupted zone of a large cluster (`--secondary-node-eviction-rate`). Default 0.01. */
  readonly secondaryEvictionRate?: number;
  /** Fraction of not-Ready nodes (with more than 2) that makes a zone partially disrupted. Default 0.55. */
  readonly unhealthyZoneThreshold?: number;
  /** Zones with at most this many nodes stop tainting when partially disrupted. Default 50. */
  readonly largeClusterSizeThreshold?: number;
}

export const NODE_LIFECYCLE_DEFAULTS: Required<NodeLifecycleOptions> = Object.freeze({
  nodeMonitorPeriod: 5 * MICROS_PER_SECOND,
  nodeMonitorGracePeriod: 50 * MICROS_PER_SECOND,
  nodeStartupGracePeriod: 60 * MICROS_PER_SECOND,
  evictionRate: 0.1,
  secondaryEvictionRate: 0.01,
  unhealthyZoneThreshold: 0.55,
  largeClusterSizeThreshold: 50,
});

/** Defaults filled in and every field checked; throws a RangeError naming the field. */
export function resolveNodeLifecycleOptions(options: NodeLifecycleOptions = {}): Required<NodeLifecycleOptions> {
  const o = { ...NODE_LIFECYCLE_DEFAULTS };
  for (const [key, value] of Object.entries(options)) if (value !== undefined) (o as Record<string, number>)[key] = value;
  const positiveTime = (name: keyof NodeLifecycleOptions) => {
    const v = o[name];
    if (!Number.isSafeInteger(v) || v <= 0) throw new RangeError(`node lifecycle: ${name} must be a positive whole number of µs, got ${v}`);
  };
  positiveTime("nodeMonitorPeriod");
  positiveTime("nodeMonitorGracePeriod");
  positiveTime("nodeStartupGracePeriod");
  for (const name of ["evictionRate", "secondaryEvictionRate"] as const) {
    if (!Number.isFinite(o[name]) || o[name] < 0) throw new RangeError(`node lifecycle: ${name} must be a finite rate ≥ 0 (nodes/s), got ${o[name]}`);
  }
  if (!(o.unhealthyZoneThreshold > 0 && o.unhealthyZoneThreshold <= 1)) {
    throw new RangeError(`node lifecycle: unhealthyZoneThreshold must be in (0, 1], got ${o.unhealthyZoneThreshold}`);
  }
  if (!Number.isSafeInteger(o.largeClusterSizeThreshold) || o.largeClusterSizeThreshold < 0) {
    throw new RangeError(`node lifecycle: largeClusterSizeThreshold must be a whole number ≥ 0, got ${o.largeClusterSizeThreshold}`);
  }
  return o;
}

// ---------------------------------------------------------------------------------------------
// Pure arithmetic.

/**
 * The last lease renew a node made before it stopped renewing at `lostAt`: the latest
 * phase + k·interval strictly before `lostAt` (a renew due at the very instant of the failure is
 * lost), or the renew it made when it came back at `upSince`, whichever is later.
 * Example: phase 3 s, kubelet down at 100 s → 93 s; down at 93 s → 83 s.
 */
export function lastLeaseRenew(phase: Time, upSince: Time, lostAt: Time, interval: Time = LEASE_RENEW_INTERVAL): Time {
  const k = Math.floor((lostAt - 1 - phase) / interval);
  return Math.max(upSince, phase + k * interval);
}

/** The first multiple of `period` strictly after `t` (the next tick of a loop started at 0). */
export function nextTickAfter(t: Time, period: Time): Time {
  return Math.floor(t / period) * period + period;
}

/** The first multiple of `period` at or after `t`. */
export function tickAtOrAfter(t: Time, period: Time): Time {
  return Math.ceil(t / period) * period;
}

/**
 * When the monitor sets Ready=Unknown: the first tick strictly after probe + grace
 * (tryUpdateNodeHealth: `now.After(probeTimestamp.Add(gracePeriod))`).
 *
 * The probe is the last renew itself, not the tick that first saw it as upstream stores it: a
 * real monitor loop drifts by its own run time each period (wait.Until is sliding), so the tick
 * that is exactly `grace` after the observing tick lands a little late and already fires; in
 * exact virtual time it would not, adding a spurious period. Both give Unknown 50–55 s after the
 * last heartbeat with the defaults.
 * Example: last renew 93 s, grace 50 s, period 5 s → 145 s.
 */
export function unknownAt(lastRenew: Time, grace: Time, period: Time): Time {
  return nextTickAfter(lastRenew + grace, period);
}

export type ZoneState = "Initial" | "Normal" | "PartialDisruption" | "FullDisruption";

/**
 * ComputeZoneState: no Ready node (and at least one not Ready) → FullDisruption; more than 2 not
 * Ready and notReady/total ≥ threshold (compared in float32 as upstream) → PartialDisruption;
 * otherwise Normal. Example: 3 of 5 not Ready, 0.55 → 0.6 ≥ 0.55 → Partial; 2 of 3 → Normal.
 */
export function computeZoneState(ready: number, notReady: number, unhealthyZoneThreshold: number): ZoneState {
  if (ready === 0 && notReady > 0) return "FullDisruption";
  if (notReady > 2 && Math.fround(notReady / (notReady + ready)) >= Math.fround(unhealthyZoneThreshold)) return "PartialDisruption";
  return "Normal";
}

/**
 * The tainting rate of a zone in a state (setLimiterInZone with HealthyQPSFunc / ReducedQPSFunc):
 * Normal and FullDisruption → evictionRate; PartialDisruption → secondaryEvictionRate when the
 * zone has more than largeClusterSizeThreshold nodes, else 0 (stop).
 */
export function zoneTaintRate(state: ZoneState, zoneSize: number, o: Required<NodeLifecycleOptions>): number {
  if (state === "PartialDisruption") return zoneSize > o.largeClusterSizeThreshold ? o.secondaryEvictionRate : 0;
  return o.evictionRate;
}

/**
 * client-go flowcontrol.NewTokenBucketRateLimiter(qps, burst 1): a bucket of one token, full at
 * start, refilled at `qps` tokens/s; TryAccept takes the token when there is one. Upstream holds
 * qps as a float32 (0.1 is 0.10000000149…), so the refill time is 1/fround(qps) seconds, rounded
 * up to the µs: 10 s for 0.1, 100.000003 s for 0.01 (just past 100 s, as upstream's float math).
 * A rate of 0 is flowcontrol's never-accepting limiter.
 */
export class TokenBucket {
  readonly qps: number;
  /** µs to refill one token; Infinity for a rate of 0. */
  readonly period: Time;
  #emptyAt: Time = Number.NEGATIVE_INFINITY;

  constructor(qps: number) {
    this.qps = qps;
    this.period = qps > 0 ? Math.ceil(MICROS_PER_SECOND / Math.fround(qps)) : Number.POSITIVE_INFINITY;
  }

  tryAccept(now: Time): boolean {
    if (this.period === Number.POSITIVE_INFINITY || now - this.#emptyAt < this.period) return false;
    this.#emptyAt = now;
    return true;
  }

  /** When the next token is there (Infinity: never). */
  readyAt(): Time {
    return this.period === Number.POSITIVE_INFINITY ? this.period : this.#emptyAt + this.period;
  }

  /** Empties the bucket at `now` (SwapLimiter's drain). */
  drain(now: Time): void {
    if (this.period !== Number.POSITIVE_INFINITY) this.#emptyAt = now;
  }
}

interface TimedValue {
  readonly value: string;
  processAt: Time;
  seq: number;
}

/**
 * scheduler.RateLimitedTimedQueue: a unique queue of node names ordered by ProcessAt (then by
 * when they were added), drained by `try` under a token bucket. A value stays in the "set" after
 * it was processed (RemoveFromQueue), so it is not added again until `remove` is called.
 */
export class RateLimitedTimedQueue {
  #limiter: TokenBucket;
  readonly #set = new Set<string>();
  #queue: TimedValue[] = [];
  #seq = 0;

  constructor(qps: number) {
    this.#limiter = new TokenBucket(qps);
  }

  get qps(): number {
    return this.#limiter.qps;
  }

  /** Values waiting to be processed. */
  get size(): number {
    return this.#queue.length;
  }

  /** Whether the value is known (waiting, or processed and not removed since). */
  has(value: string): boolean {
    return this.#set.has(value);
  }

  /** When a waiting value could next be processed (Infinity: nothing waits, or rate 0). */
  readyAt(): Time {
    if (this.#queue.length === 0) return Number.POSITIVE_INFINITY;
    return Math.max(this.#limiter.readyAt(), this.#queue[0].processAt);
  }

  add(value: string, now: Time): boolean {
    if (this.#set.has(value)) return false;
    this.#set.add(value);
    this.#queue.push({ value, processAt: now, seq: this.#seq++ });
    this.#sort();
    return true;
  }

  remove(value: string): boolean {
    if (!this.#set.delete(value)) return false;
    this.#queue = this.#queue.filter((v) => v.value !== value);
    return true;
  }

  /**
   * Try: while something waits and a token is there, process the head if it is due; `fn` false
   * means retry it 1 µs later (upstream: now + wait + 1 ns).
   */
  try(now: Time, fn: (value: string) => boolean): void {
    while (this.#queue.length > 0) {
      if (!this.#limiter.tryAccept(now)) break;
      const head = this.#queue[0];
      if (now < head.processAt) break;
      if (fn(head.value)) {
        this.#queue.shift();
      } else {
        head.processAt = now + 1;
        head.seq = this.#seq++;
        this.#sort();
      }
    }
  }

  /** SwapLimiter: a new bucket at the new rate, drained when the old one had no token now. */
  swapLimiter(qps: number, now: Time): void {
    if (this.#limiter.qps === qps) return;
    const next = new TokenBucket(qps);
    if (qps > 0 && !this.#limiter.tryAccept(now)) next.drain(now);
    this.#limiter = next;
  }

  #sort(): void {
    this.#queue.sort((a, b) => a.processAt - b.processAt || a.seq - b.seq);
  }
}

// ---------------------------------------------------------------------------------------------
// Taint helpers.

export function hasTaint(node: Node, key: string, effect: TaintEffect): boolean {
  return node.taints.some((t) => t.key === key && t.effect === effect);
}

/** The node's taints without (key, effect) pairs in `remove`, plus `add` (skipped when present). */
export function swapTaints(node: Node, add: readonly Omit<Taint, "timeAdded">[], remove: readonly Omit<Taint, "timeAdded">[], now: Time): Taint[] {
  const out = node.taints.filter((t) => !remove.some((r) => r.key === t.key && r.effect === t.effect));
  for (const a of add) if (!out.some((t) => t.key === a.key && t.effect === a.effect)) out.push({ ...a, timeAdded: now });
  return out;
}

const UNREACHABLE_NO_EXECUTE = { key: TAINT_UNREACHABLE, effect: "NoExecute" } as const;
const NOT_READY_NO_EXECUTE = { key: TAINT_NOT_READY, effect: "NoExecute" } as const;
/** doNoScheduleTaintingPass manages NoSchedule taints with these keys. */
const NO_SCHEDULE_KEYS = [TAINT_NOT_READY, TAINT_UNREACHABLE, TAINT_NODE_UNSCHEDULABLE] as const;

function taintName(t: { key: string; effect: string }): string {
  return `${t.key}:${t.effect}`;
}

// ---------------------------------------------------------------------------------------------
// The controller.

interface NodeHealth {
  readonly node: Node;
  /** Creation order, for a deterministic pass order. */
  readonly index: number;
  /** Lease renews happen at phase + k·LEASE_RENEW_INTERVAL, phase in [0, interval). */
  readonly phase: Time;
  /** When the kubelet last began reaching the API server (it renews at once). */
  upSince: Time;
  /** When it stopped renewing (kubelet down or partitioned), or null while it renews. */
  lostAt: Time | null;
  /** The kubelet has never posted status: the startup grace period applies. */
  neverPosted: boolean;
}

interface Zone {
  readonly name: string;
  /** Nodes counted for the zone state (not excluded). */
  size: number;
  state: ZoneState;
  readonly queue: RateLimitedTimedQueue;
}

export class NodeLifecycleController {
  readonly #ctx: ControllerContext;
  readonly #o: Required<NodeLifecycleOptions>;
  readonly #health = new Map<string, NodeHealth>();
  /** Nodes that stopped renewing, are not Ready, carry a NoExecute taint of ours or are queued. */
  readonly #attention = new Set<NodeHealth>();
  readonly #zones = new Map<string, Zone>();
  readonly #phases: RandomStream;
  readonly #workers: WorkQueue;
  /** handleDisruption's "update probe timestamps on all Nodes" when leaving full disruption. */
  #probeResetAt: Time = Number.NEGATIVE_INFINITY;
  #passEvent = -1;
  #passAt: Time = Number.POSITIVE_INFINITY;
  readonly #onTick: EventHandler = () => this.#monitor();
  readonly #onPass: EventHandler = () => this.#taintPass();

  constructor(ctx: ControllerContext, options: NodeLifecycleOptions = {}) {
    this.#ctx = ctx;
    this.#o = resolveNodeLifecycleOptions(options);
    this.#phases = ctx.streams.stream("node-lifecycle", "lease-phase");
    this.#workers = new WorkQueue(ctx.sim, ctx.latency, ctx.streams.stream("controllers", "node-lifecycle"), (key) => this.#work(key));
    // Nodes present at construction have been renewing all along (a steady cluster).
    for (const node of ctx.store.nodes.values()) this.#addNode(node, Number.NEGATIVE_INFINITY);
    ctx.store.watch((change) => this.#observe(change));
    ctx.sim.at(tickAtOrAfter(ctx.sim.now, this.#o.nodeMonitorPeriod), this.#onTick, 0, Priority.Normal);
  }

  /** The lease renew phase drawn for a node (renews at phase + k·10 s). */
  leasePhase(nodeName: string): Time {
    return this.#healthOf(nodeName).phase;
  }

  /** The heartbeat the controller last saw from a node that stopped renewing, or null while it renews. */
  lastHeartbeat(nodeName: string): Time | null {
    const h = this.#healthOf(nodeName);
    return h.lostAt === null ? null : this.#probeTime(h);
  }

  zoneState(zone: string): ZoneState | undefined {
    return this.#zones.get(zone)?.state;
  }

  #healthOf(nodeName: string): NodeHealth {
    const h = this.#health.get(nodeName);
    if (h === undefined) throw new Error(`node lifecycle: no node ${nodeName}`);
    return h;
  }

  #addNode(node: Node, upSince: Time): void {
    const renewing = node.kubeletUp && node.reachable;
    const now = this.#ctx.sim.now;
    const h: NodeHealth = {
      node,
      index: this.#health.size,
      phase: Math.floor(this.#phases.next() * LEASE_RENEW_INTERVAL),
      upSince,
      lostAt: renewing ? null : now,
      neverPosted: upSince !== Number.NEGATIVE_INFINITY && !renewing,
    };
    this.#health.set(node.name, h);
    let zone = this.#zones.get(node.zone);
    if (zone === undefined) {
      zone = { name: node.zone, size: 0, state: "Initial", queue: new RateLimitedTimedQueue(this.#o.evictionRate) };
      this.#zones.set(node.zone, zone);
    }
    if (!isExcluded(node)) zone.size++;
    if (this.#needsAttention(h)) this.#attention.add(h);
  }

  #observe(change: Change): void {
    if (change.kind === "Node") {
      const node = change.object;
      if (change.type === "added") this.#addNode(node, this.#ctx.sim.now);
      else if (change.type === "modified") this.#nodeModified(node);
      this.#workers.add(`node:${node.name}`);
    } else if (change.kind === "Pod" && change.type !== "deleted") {
      // processPod: a pod newly bound to a node that is not Ready is marked not Ready too.
      const pod = change.object;
      if (pod.nodeName !== null && (change.before === null || change.before.nodeName === null)) {
        if (this.#ctx.store.nodes.get(pod.nodeName)?.ready.status !== "True") this.#workers.add(`pod:${pod.uid}`);
      }
    }
  }

  #nodeModified(node: Node): void {
    const h = this.#health.get(node.name);
    if (h === undefined) return;
    const renewing = node.kubeletUp && node.reachable;
    const now = this.#ctx.sim.now;
    if (!renewing && h.lostAt === null) {
      h.lostAt = now;
    } else if (renewing && h.lostAt !== null) {
      h.lostAt = null;
      h.upSince = now;
      h.neverPosted = false;
      // The kubelet posts its status as soon as it can reach the API server again.
      this.#ctx.sim.after(0, () => this.#postReady(node.name), 0, Priority.Urgent);
    }
    if (this.#needsAttention(h)) this.#attention.add(h);
  }

  /** Kubelet (setNodeReadyCondition via the status manager): Ready=True, event NodeReady. */
  #postReady(nodeName: string): void {
    const node = this.#ctx.store.nodes.get(nodeName);
    if (node === undefined || !node.kubeletUp || !node.reachable || node.ready.status === "True") return;
    this.#ctx.store.apply({ type: "node/update", name: nodeName, patch: { ready: "True" } });
    this.#ctx.events.record("Node", nodeName, "NodeReady", `Node ${nodeName} status is now: NodeReady`);
  }

  #needsAttention(h: NodeHealth): boolean {
    const node = h.node;
    return (
      h.lostAt !== null ||
      node.ready.status !== "True" ||
      hasTaint(node, TAINT_UNREACHABLE, "NoExecute") ||
      hasTaint(node, TAINT_NOT_READY, "NoExecute") ||
      this.#zones.get(node.zone)!.queue.has(node.name)
    );
  }

  #probeTime(h: NodeHealth): Time {
    return Math.max(lastLeaseRenew(h.phase, h.upSince, h.lostAt!), this.#probeResetAt);
  }

  // --- monitorNodeHealth ---------------------------------------------------------------------

  #monitor(): void {
    const now = this.#ctx.sim.now;
    const members = [...this.#attention].sort((a, b) => a.index - b.index);
    for (const h of members) this.#updateNodeHealth(h, now);
    this.#handleDisruption(members, now);
    for (const h of members) if (!this.#needsAttention(h)) this.#attention.delete(h);
    this.#schedulePass(now);
    this.#ctx.sim.at(now + this.#o.nodeMonitorPeriod, this.#onTick, 0, Priority.Normal);
  }

  /** tryUpdateNodeHealth, then processTaintBaseEviction and MarkPodsNotReady on the transition. */
  #updateNodeHealth(h: NodeHealth, now: Time): void {
    const { store, events } = this.#ctx;
    const node = h.node;
    const observed = node.ready.status;
    if (h.lostAt !== null) {
      const grace = h.neverPosted ? this.#o.nodeStartupGracePeriod : this.#o.nodeMonitorGracePeriod;
      if (now > this.#probeTime(h) + grace && observed !== "Unknown") {
        store.apply({ type: "node/update", name: node.name, patch: { ready: "Unknown" } });
      }
    }
    const current = node.ready.status;
    this.#processTaintBaseEviction(h, current, now);
    if (current !== "True" && observed === "True") {
      events.record("Node", node.name, "NodeNotReady", `Node ${node.name} status is now: NodeNotReady`);
      this.#markPodsNotReady(node.name);
    }
  }

  /**
   * processTaintBaseEviction (with the current condition, v1.34+): not Ready → swap the opposite
   * NoExecute taint at once if it is there, else queue the node for tainting; Ready → remove both
   * NoExecute taints and forget the node (markNodeAsReachable).
   */
  #processTaintBaseEviction(h: NodeHealth, status: Node["ready"]["status"], now: Time): void {
    const node = h.node;
    if (status === "True") return this.#markNodeAsReachable(h, now);
    const [taint, opposite] = status === "False" ? [NOT_READY_NO_EXECUTE, UNREACHABLE_NO_EXECUTE] : [UNREACHABLE_NO_EXECUTE, NOT_READY_NO_EXECUTE];
    if (hasTaint(node, opposite.key, "NoExecute")) {
      this.#setTaints(node, swapTaints(node, [taint], [opposite], now), [taint]);
      return;
    }
    // markNodeForTainting: a node whose taint is gone (or never came) is queued afresh.
    const queue = this.#zones.get(node.zone)!.queue;
    if (!hasTaint(node, taint.key, "NoExecute")) queue.remove(node.name);
    queue.add(node.name, now);
  }

  #markNodeAsReachable(h: NodeHealth, now: Time): void {
    const node = h.node;
    if (hasTaint(node, TAINT_UNREACHABLE, "NoExecute") || hasTaint(node, TAINT_NOT_READY, "NoExecute")) {
      this.#setTaints(node, swapTaints(node, [], [UNREACHABLE_NO_EXECUTE, NOT_READY_NO_EXECUTE], now), []);
    }
    this.#zones.get(node.zone)!.queue.remove(node.name);
  }

  /** MarkPodsNotReady: every Ready pod bound to the node gets Ready=False (event NodeNotReady). */
  #markPodsNotReady(nodeName: string): void {
    const { store, events } = this.#ctx;
    const pods = podsOnNodeInStoreOrder(store, nodeName).filter((pod) => pod.ready);
    for (const pod of pods) {
      store.apply({ type: "pod/status", uid: pod.uid, status: { ready: false } });
      events.record("Pod", pod.name, "NodeNotReady", "Node is not ready");
    }
  }

  /**
   * handleDisruption: zone states from the Ready conditions, tainting rates from the states; when
   * every zone is fully disrupted the controller assumes it is the one cut off: it removes the
   * NoExecute taints and stops tainting, and on the way out gives every node a fresh probe.
   */
  #handleDisruption(members: readonly NodeHealth[], now: Time): void {
    const notReady = new Map<Zone, number>();
    for (const h of members) {
      if (isExcluded(h.node) || h.node.ready.status === "True") continue;
      const zone = this.#zones.get(h.node.zone)!;
      notReady.set(zone, (notReady.get(zone) ?? 0) + 1);
    }
    const next = new Map<Zone, ZoneState>();
    let allAreFullyDisrupted = true;
    let allWereFullyDisrupted = true;
    for (const zone of this.#zones.values()) {
      if (zone.size === 0) continue;
      const bad = notReady.get(zone) ?? 0;
      const state = computeZoneState(zone.size - bad, bad, this.#o.unhealthyZoneThreshold);
      next.set(zone, state);
      if (state !== "FullDisruption") allAreFullyDisrupted = false;
      if (zone.state !== "FullDisruption") allWereFullyDisrupted = false;
    }
    if (allAreFullyDisrupted && allWereFullyDisrupted) return;
    if (allAreFullyDisrupted) {
      for (const h of [...this.#attention].sort((a, b) => a.index - b.index)) this.#markNodeAsReachable(h, now);
      for (const zone of next.keys()) {
        zone.queue.swapLimiter(0, now);
        zone.state = "FullDisruption";
      }
      return;
    }
    if (allWereFullyDisrupted) this.#probeResetAt = now;
    for (const [zone, state] of next) {
      if (zone.state === state && !allWereFullyDisrupted) continue;
      zone.queue.swapLimiter(zoneTaintRate(state, zone.size, this.#o), now);
      zone.state = state;
    }
  }

  // --- doNoExecuteTaintingPass ---------------------------------------------------------------

  /**
   * The 100 ms pass runs only when it can do something: at the first pass instant strictly after
   * `now` at which some zone has a node waiting and a token (skipped passes would find none).
   */
  #schedulePass(now: Time): void {
    let at = Number.POSITIVE_INFINITY;
    const next = nextTickAfter(now, NODE_EVICTION_PERIOD);
    for (const zone of this.#zones.values()) {
      const ready = zone.queue.readyAt();
      if (ready !== Number.POSITIVE_INFINITY) at = Math.min(at, Math.max(next, tickAtOrAfter(ready, NODE_EVICTION_PERIOD)));
    }
    if (at === Number.POSITIVE_INFINITY || (this.#passEvent >= 0 && this.#passAt <= at)) return;
    if (this.#passEvent >= 0) this.#ctx.sim.cancel(this.#passEvent);
    this.#passAt = at;
    this.#passEvent = this.#ctx.sim.at(at, this.#onPass, 0, Priority.Normal);
  }

  #taintPass(): void {
    const now = this.#ctx.sim.now;
    this.#passEvent = -1;
    this.#passAt = Number.POSITIVE_INFINITY;
    for (const zone of this.#zones.values()) zone.queue.try(now, (name) => this.#taintNoExecute(name, now));
    this.#schedulePass(now);
  }

  /** The tainting step: unreachable (Ready Unknown) or not-ready (False), never both. */
  #taintNoExecute(nodeName: string, now: Time): boolean {
    const node = this.#ctx.store.nodes.get(nodeName);
    if (node === undefined || node.ready.status === "True") return true;
    const [taint, opposite] = node.ready.status === "False" ? [NOT_READY_NO_EXECUTE, UNREACHABLE_NO_EXECUTE] : [UNREACHABLE_NO_EXECUTE, NOT_READY_NO_EXECUTE];
    this.#setTaints(node, swapTaints(node, [taint], [opposite], now), [taint]);
    return true;
  }

  // --- doNoScheduleTaintingPass (node updates) and processPod (pod bindings) -----------------

  #work(key: string): void {
    if (key.startsWith("node:")) return this.#noScheduleTaintingPass(key.slice(5));
    const pod = this.#ctx.store.pods.get(key.slice(4));
    if (pod === undefined || pod.nodeName === null || !pod.ready) return;
    if (this.#ctx.store.nodes.get(pod.nodeName)?.ready.status === "True") return;
    this.#ctx.store.apply({ type: "pod/status", uid: pod.uid, status: { ready: false } });
    this.#ctx.events.record("Pod", pod.name, "NodeNotReady", "Node is not ready");
  }

  /** Ready False → not-ready:NoSchedule, Unknown → unreachable:NoSchedule, cordoned → unschedulable:NoSchedule. */
  #noScheduleTaintingPass(nodeName: string): void {
    const node = this.#ctx.store.nodes.get(nodeName);
    if (node === undefined) return;
    const want = new Set<string>();
    if (node.ready.status === "False") want.add(TAINT_NOT_READY);
    if (node.ready.status === "Unknown") want.add(TAINT_UNREACHABLE);
    if (node.unschedulable) want.add(TAINT_NODE_UNSCHEDULABLE);
    const add: { key: string; effect: "NoSchedule" }[] = [];
    const remove: { key: string; effect: "NoSchedule" }[] = [];
    for (const key of NO_SCHEDULE_KEYS) {
      const has = hasTaint(node, key, "NoSchedule");
      if (want.has(key) && !has) add.push({ key, effect: "NoSchedule" });
      else if (!want.has(key) && has) remove.push({ key, effect: "NoSchedule" });
    }
    if (add.length === 0 && remove.length === 0) return;
    this.#setTaints(node, swapTaints(node, add, remove, this.#ctx.sim.now), add);
  }

  #setTaints(node: Node, taints: Taint[], added: readonly { key: string; effect: string }[]): void {
    this.#ctx.store.apply({ type: "node/update", name: node.name, patch: { taints } });
    for (const t of added) this.#ctx.events.record("Node", node.name, "Tainted", `Taint ${taintName(t)} added`);
  }
}

function isExcluded(node: Node): boolean {
  return Object.hasOwn(node.labels, LABEL_EXCLUDE_DISRUPTION);
}
