/**
 * kube-proxy on every node: which version of every Service's endpoints each node's rules send
 * new connections to, and when that changes.
 *
 * Upstream: pkg/proxy/iptables/proxier.go (`OnEndpointSliceAdd/Update/Delete` → `Sync()` →
 * `syncRunner.Run()`; `syncProxyRules` reads the endpoints change tracker when it starts),
 * pkg/util/async/bounded_frequency_runner.go (see bounded-frequency-runner.ts),
 * pkg/proxy/topology.go `CategorizeEndpoints` (ready endpoints, else serving-and-terminating).
 *
 * How it scales to thousands of nodes: nothing here is a simulation event. Every EndpointSlice
 * write gets a controller-wide generation number; a node's rules are "the generation its last
 * sync read", so its view of any Service is the newest snapshot of that Service not newer than
 * that number (kept per Service as a short history). Each node's runner has at most one pending
 * action (a sync returning, a timer firing) in one indexed heap; the network model pulls these
 * actions in time order when it integrates up to its next checkpoint, so an EndpointSlice change
 * costs O(nodes) arithmetic and zero events. Nodes' sync latencies come from one stream per node
 * (`kube-proxy/<node>`), so the draws do not depend on the order nodes are processed in, nor on
 * how the timeline is cut into checkpoints. The counts of nodes per programmed generation live
 * in a ViewTracker, which is all the reachability integral needs.
 *
 * Node states: a node that is down (node-failure) runs no kube-proxy: its loop stops, its rules
 * stay; when it comes back the process starts afresh (full token bucket) and syncs at once. A
 * partitioned node cannot reach the API server: its informers see nothing new (a sync running
 * when the partition starts still finishes); when the partition heals it re-lists and syncs.
 *
 * Leaves out: per-Service partial syncs, conntrack (established connections are not modelled:
 * each request is a new connection), topology hints, externalTrafficPolicy: Local, and the
 * time a sync takes growing with the number of rules (the latency distribution stands for it).
 */
import type { Distribution } from "../core/distributions.ts";
import type { RandomStreams } from "../core/rng.ts";
import { MICROS_PER_SECOND, type Time } from "../core/time.ts";
import type { ServiceSlices } from "./endpointslice.ts";
import { type RunnerConfig, SyncRunner } from "./bounded-frequency-runner.ts";
import { NodeHeap } from "./node-heap.ts";
import { type ClientClass, DEAD, NORMAL, ViewTracker } from "./view-tracker.ts";

export interface KubeProxyOptions {
  /** --iptables-min-sync-period (µs), default 1 s. */
  readonly minSyncPeriod: Time;
  /** From a sync's start to its rules being in place, per node per sync. */
  readonly latency: Distribution;
  /** burstSyncs, 2 in the iptables and nftables proxiers. */
  readonly burstSyncs?: number;
  /** The runner's maxInterval (µs): 1 h in the iptables proxier. */
  readonly maxSyncPeriod?: Time;
}

export const DEFAULT_BURST_SYNCS = 2;
export const DEFAULT_MAX_SYNC_PERIOD = 3600 * MICROS_PER_SECOND;

/** One Service's endpoints as kube-proxy programs them. */
export interface ServiceSnapshot {
  readonly generation: number;
  /** IPs of the endpoints with ready = true. */
  readonly ready: readonly string[];
  /** IPs of the endpoints with serving && terminating (the fallback). */
  readonly servingTerminating: readonly string[];
  /** Where new connections go: the ready ones, or the fallback when none is ready. */
  readonly usable: readonly string[];
}

const EMPTY: readonly string[] = Object.freeze([]);

/** topology.go CategorizeEndpoints for a Service with the Cluster traffic policy. */
export function snapshotOf(slices: ServiceSlices): ServiceSnapshot {
  const ready: string[] = [];
  const servingTerminating: string[] = [];
  for (const slice of slices.slices) {
    for (const e of slice.endpoints) {
      if (e.conditions.ready) ready.push(e.ip);
      else if (e.conditions.serving && e.conditions.terminating) servingTerminating.push(e.ip);
    }
  }
  return { generation: slices.generation, ready, servingTerminating, usable: ready.length > 0 ? ready : servingTerminating };
}

const NO_SNAPSHOT: ServiceSnapshot = Object.freeze({ generation: -1, ready: EMPTY, servingTerminating: EMPTY, usable: EMPTY });

/** A sync's start and end on one node (for tests and diagnostics). */
export interface SyncRecord {
  readonly node: string;
  readonly start: Time;
  readonly end: Time;
  readonly generation: number;
}

export class KubeProxy {
  readonly tracker = new ViewTracker();
  readonly #runners: SyncRunner[] = [];
  readonly #names: string[] = [];
  readonly #latencies: ((() => Time) | undefined)[] = [];
  readonly #heap = new NodeHeap();
  readonly #config: RunnerConfig;
  readonly #latency: Distribution;
  readonly #streams: RandomStreams;
  readonly #alive: boolean[] = [];
  readonly #connected: boolean[] = [];
  readonly #history = new Map<string, ServiceSnapshot[]>();
  #generation: number;
  /** Every sync that started, when set (tests). */
  syncLog: SyncRecord[] | null = null;

  constructor(options: KubeProxyOptions, streams: RandomStreams, generation: number) {
    const burst = options.burstSyncs ?? DEFAULT_BURST_SYNCS;
    const maxInterval = options.maxSyncPeriod ?? DEFAULT_MAX_SYNC_PERIOD;
    if (!(Number.isSafeInteger(options.minSyncPeriod) && options.minSyncPeriod >= 0)) throw new RangeError(`minSyncPeriod must be a non-negative whole number of µs, got ${options.minSyncPeriod}`);
    if (!(Number.isInteger(burst) && burst >= 1)) throw new RangeError(`burstSyncs must be a positive integer, got ${burst}`);
    if (!(maxInterval >= options.minSyncPeriod)) throw new RangeError(`maxSyncPeriod (${maxInterval}µs) must be at least minSyncPeriod (${options.minSyncPeriod}µs)`);
    this.#config = { minInterval: options.minSyncPeriod, maxInterval, burst };
    this.#latency = options.latency;
    this.#streams = streams;
    this.#generation = generation;
  }

  /** The newest generation written (what a connected node's informers hold). */
  get generation(): number {
    return this.#generation;
  }

  get nodeCount(): number {
    return this.#runners.length;
  }

  nodeName(node: number): string {
    return this.#names[node];
  }

  runner(node: number): SyncRunner {
    return this.#runners[node];
  }

  /** Adds a node whose rules are up to date at `now` (a steady start, or a node joining). */
  addNode(name: string, cls: ClientClass, now: Time): number {
    const node = this.tracker.addNode(this.#generation, cls, now);
    this.#names.push(name);
    this.#runners.push(new SyncRunner(this.#config, now, this.#generation));
    this.#latencies.push(undefined);
    this.#alive.push(cls !== DEAD);
    this.#connected.push(cls === NORMAL);
    if (cls !== DEAD) this.#reschedule(node);
    else this.#runners[node].stop();
    return node;
  }

  /** The snapshot of a Service that rules of generation `generation` program. */
  snapshot(service: string, generation: number): ServiceSnapshot {
    const history = this.#history.get(service);
    if (history === undefined) return NO_SNAPSHOT;
    // Newest snapshot not newer than `generation` (histories are short: scan from the end).
    for (let i = history.length - 1; i >= 0; i--) if (history[i].generation <= generation) return history[i];
    return NO_SNAPSHOT;
  }

  /** What node `node` programs for a Service right now. */
  viewOf(node: number, service: string): ServiceSnapshot {
    return this.snapshot(service, this.tracker.view[node]);
  }

  /**
   * An EndpointSlice write observed at `now`: every connected node's informers see it and its
   * runner is asked to run. The caller has integrated everything before `now` already.
   */
  observe(slices: ServiceSlices, now: Time): void {
    this.#record(slices);
    for (let node = 0; node < this.#runners.length; node++) {
      if (!this.#connected[node]) continue;
      const runner = this.#runners[node];
      runner.knownGen = this.#generation;
      const started = runner.syncsStarted;
      const due = runner.nextAction();
      runner.request(now, this.#latencyOf(node));
      if (runner.syncsStarted !== started) this.#logSync(node, now);
      // The heap already holds `due` for this node (every change of a runner's next action is
      // rescheduled); a busy runner only notes the request, and 5,000 nodes see every write.
      if (runner.nextAction() !== due) this.#reschedule(node);
    }
    this.#prune();
  }

  /** A write adopted as long done (a steady start): every node programs it at once. */
  adopt(slices: ServiceSlices): void {
    this.#record(slices);
    for (let node = 0; node < this.#runners.length; node++) {
      const runner = this.#runners[node];
      runner.knownGen = this.#generation;
      runner.programmedGen = this.#generation;
      if (runner.busy) runner.syncGen = this.#generation;
    }
    this.tracker.resetViews(this.#generation);
    this.#prune();
  }

  /** The node's kube-proxy process and API connectivity changed at `now`. */
  setNodeState(node: number, alive: boolean, connected: boolean, now: Time): void {
    const runner = this.#runners[node];
    const wasAlive = this.#alive[node];
    const wasConnected = this.#connected[node];
    this.#alive[node] = alive;
    this.#connected[node] = alive && connected;
    if (!alive) {
      if (wasAlive) runner.stop();
    } else {
      if (!wasAlive) runner.restart(now);
      if (connected && (!wasAlive || !wasConnected)) {
        runner.knownGen = this.#generation;
        const started = runner.syncsStarted;
        runner.request(now, this.#latencyOf(node));
        if (runner.syncsStarted !== started) this.#logSync(node, now);
      }
    }
    this.#reschedule(node);
  }

  /** When the next node action is due (+Infinity if none). */
  nextActionTime(): Time {
    return this.#heap.peekTime();
  }

  /**
   * Performs the earliest node action (at nextActionTime()). A finished sync switches the
   * node's view in the tracker at that instant.
   */
  actNext(): void {
    const node = this.#heap.peekNode()!;
    const t = this.#heap.peekTime();
    const runner = this.#runners[node];
    const started = runner.syncsStarted;
    const returned = runner.act(t, this.#latencyOf(node));
    if (returned) this.tracker.switchView(node, runner.programmedGen, t);
    if (runner.syncsStarted !== started) this.#logSync(node, t);
    this.#reschedule(node);
  }

  #record(slices: ServiceSlices): void {
    this.#generation = slices.generation;
    let history = this.#history.get(slices.service);
    if (history === undefined) this.#history.set(slices.service, (history = []));
    history.push(snapshotOf(slices));
  }

  /** Drops snapshots no node can still route by (nor the in-flight look-back can ask for). */
  #prune(): void {
    const min = this.tracker.minViewInUse();
    for (const history of this.#history.values()) {
      if (history.length < 8) continue;
      let keep = 0; // index of the newest snapshot not newer than `min`
      for (let i = history.length - 1; i >= 0; i--) {
        if (history[i].generation <= min) {
          keep = i;
          break;
        }
      }
      if (keep > 0) history.splice(0, keep);
    }
  }

  #reschedule(node: number): void {
    const at = this.#alive[node] ? this.#runners[node].nextAction() : Number.POSITIVE_INFINITY;
    if (at === Number.POSITIVE_INFINITY) this.#heap.delete(node);
    else this.#heap.set(node, at);
  }

  #latencyOf(node: number): () => Time {
    let draw = this.#latencies[node];
    if (draw === undefined) {
      const stream = this.#streams.stream("kube-proxy", this.#names[node]);
      const latency = this.#latency;
      draw = () => latency.sample(stream);
      this.#latencies[node] = draw;
    }
    return draw;
  }

  #logSync(node: number, start: Time): void {
    if (this.syncLog === null) return;
    const runner = this.#runners[node];
    this.syncLog.push({ node: this.#names[node], start, end: runner.busyUntil, generation: runner.syncGen });
  }
}
