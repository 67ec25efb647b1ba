/**
 * Fault injection (SPEC §2): what each action does to the cluster, when it is undone, and the
 * timeline of `at` and `every` faults. Faults are facts: they run at urgent priority, before
 * anyone reacts at the same instant.
 *
 *  - pod-kill: graceful deletion with the pod's grace period, or `gracePeriod` (0 = force);
 *  - pod-failure: the container crashes (kubelet.crash) and restarts under its restartPolicy;
 *  - node-failure: the kubelet stops (no heartbeats, processes gone) until `duration` ends;
 *  - network-partition: the node is unreachable until `duration` ends;
 *  - node-drain: cordon, then `kubectl drain` through the eviction API (drain.ts); uncordon
 *    when `duration` ends.
 * Overlapping faults on one node nest: the node recovers when the last one ends.
 * Events: `Fault` and `FaultRecovered` on kind Scenario, named by the fault.
 *
 * Leaves out: faults that target other objects (Services, the control plane), network delay or
 * loss short of a full partition.
 */
import type { Distribution } from "../core/distributions.ts";
import { formatDuration } from "../core/duration.ts";
import type { RandomStreams } from "../core/rng.ts";
import { Priority, type Simulation } from "../core/simulation.ts";
import type { Time } from "../core/time.ts";
import type { EvictionResult, EvictOptions } from "../controllers/disruption.ts";
import type { EventLog } from "../model/event-log.ts";
import type { ClusterStore, NodePatch } from "../model/store.ts";
import { drainNode } from "./drain.ts";
import { type Fault, FaultError } from "./options.ts";
import { nodeCandidates, podCandidates, selectTargets } from "./select.ts";

/** The parts of a World a fault touches (World has all of them but the eviction API). */
export interface FaultContext {
  readonly sim: Simulation;
  readonly store: ClusterStore;
  readonly streams: RandomStreams;
  readonly events: EventLog;
  readonly kubelet: { crash(uid: string): void };
  /** The eviction subresource (DisruptionController.evict), used by node-drain. */
  readonly eviction: { evict(uid: string, options?: EvictOptions): EvictionResult };
}

type Hold = "down" | "partitioned" | "cordoned";

/** Per cluster: how many active faults hold each node in each state, and drains waiting on pods. */
interface FaultState {
  readonly holds: Record<Hold, Map<string, number>>;
  readonly onGone: Map<string, (() => void)[]>;
}

const states = new WeakMap<ClusterStore, FaultState>();

function stateOf(ctx: FaultContext): FaultState {
  let state = states.get(ctx.store);
  if (state === undefined) {
    const s: FaultState = { holds: { down: new Map(), partitioned: new Map(), cordoned: new Map() }, onGone: new Map() };
    ctx.store.watch((change) => {
      if (change.kind !== "Pod" || change.type !== "deleted") return;
      const callbacks = s.onGone.get(change.object.uid);
      if (callbacks === undefined) return;
      s.onGone.delete(change.object.uid);
      for (const cb of callbacks) cb();
    });
    states.set(ctx.store, (state = s));
  }
  return state;
}

const HOLD_PATCH: Record<Hold, (held: boolean) => NodePatch> = {
  down: (held) => ({ kubeletUp: !held }),
  partitioned: (held) => ({ reachable: !held }),
  cordoned: (held) => ({ unschedulable: held }),
};

function hold(ctx: FaultContext, state: FaultState, kind: Hold, node: string): void {
  const n = state.holds[kind].get(node) ?? 0;
  state.holds[kind].set(node, n + 1);
  if (n === 0) ctx.store.apply({ type: "node/update", name: node, patch: HOLD_PATCH[kind](true) });
}

function release(ctx: FaultContext, state: FaultState, kind: Hold, node: string): void {
  const n = state.holds[kind].get(node) ?? 0;
  if (n <= 0) throw new Error(`invariant: release of ${kind} on ${node} that no fault holds`);
  state.holds[kind].set(node, n - 1);
  if (n === 1 && ctx.store.nodes.has(node)) ctx.store.apply({ type: "node/update", name: node, patch: HOLD_PATCH[kind](false) });
}

const NODE_HOLD: Partial<Record<Fault["action"], Hold>> = { "node-failure": "down", "network-partition": "partitioned", "node-drain": "cordoned" };

/**
 * Injects `fault` now (`now` must be the simulation's clock). Returns the names of the targets
 * hit, in name order; none matching is not an error (the Fault event says so).
 */
export function injectFault(ctx: FaultContext, fault: Fault, now: Time): string[] {
  if (now !== ctx.sim.now) throw new RangeError(`injectFault at t=${now}µs while the clock reads ${ctx.sim.now}µs: schedule it with scheduleFaults`);
  const state = stateOf(ctx);
  const { store, events, sim } = ctx;
  const rng = ctx.streams.stream("faults", fault.name);
  const until = fault.duration === undefined ? "" : ` for ${formatDuration(fault.duration)}`;
  if (fault.targetsPods) {
    const pods = selectTargets(podCandidates(store, fault.selector), fault.mode, fault.value, rng);
    const names = pods.map((p) => p.name);
    events.record("Scenario", fault.name, "Fault", `${fault.action} (${fault.mode}) on ${describe(names)}`);
    for (const pod of pods) {
      if (!store.pods.has(pod.uid)) continue;
      if (fault.action === "pod-kill") {
        store.apply({ type: "pod/delete", uid: pod.uid, gracePeriodSeconds: fault.gracePeriodSeconds ?? pod.spec.terminationGracePeriodSeconds });
      } else {
        ctx.kubelet.crash(pod.uid);
      }
    }
    return names;
  }
  const kind = NODE_HOLD[fault.action]!;
  const names = selectTargets(nodeCandidates(store, fault.selector), fault.mode, fault.value, rng).map((n) => n.name);
  events.record("Scenario", fault.name, "Fault", `${fault.action} (${fault.mode}) on ${describe(names)}${until}`);
  for (const name of names) {
    hold(ctx, state, kind, name);
    if (fault.action === "node-drain") {
      drainNode(ctx, name, fault.gracePeriodSeconds, (uid, cb) => {
        const list = state.onGone.get(uid);
        if (list === undefined) state.onGone.set(uid, [cb]);
        else list.push(cb);
      });
    }
  }
  if (fault.duration !== undefined && names.length > 0) {
    sim.at(
      now + fault.duration,
      () => {
        for (const name of names) release(ctx, state, kind, name);
        events.record("Scenario", fault.name, "FaultRecovered", `${fault.action} on ${describe(names)} recovered`);
      },
      0,
      Priority.Urgent,
    );
  }
  return names;
}

function describe(names: readonly string[]): string {
  return names.length === 0 ? "no target (nothing matched the selector)" : names.join(", ");
}

/** A timeline entry: once `at` (µs from the start), or repeatedly with `every` between occurrences. */
export interface ScheduledFault {
  readonly at?: Time;
  /** Time between occurrences, from the fault's own stream; exponential gives a Poisson process. */
  readonly every?: Distribution;
  readonly fault: Fault;
}

/**
 * Schedules the timeline's faults. A repeating fault's first occurrence is one draw after the
 * time it is scheduled, each next one a draw after the previous (a renewal process; Poisson when
 * `every` is exponential). Interarrival draws use the stream `faults/<name>/every`, target picks
 * `faults/<name>`, so the two never shift each other. Fault names must be unique.
 */
export function scheduleFaults(ctx: FaultContext, entries: readonly ScheduledFault[]): void {
  const seen = new Set<string>();
  for (const e of entries) {
    if (seen.has(e.fault.name)) throw new FaultError(`fault ${JSON.stringify(e.fault.name)}: Duplicate value: fault names must be unique (they name random streams)`);
    seen.add(e.fault.name);
    if ((e.at === undefined) === (e.every === undefined)) throw new FaultError(`fault ${JSON.stringify(e.fault.name)}: exactly one of at and every is required`);
    if (e.every !== undefined && !(e.every.mean() > 0)) {
      throw new FaultError(`fault ${JSON.stringify(e.fault.name)}: every: Invalid value: ${e.every.describe()}: the mean time between faults must be positive`);
    }
    if (e.at !== undefined && (!Number.isSafeInteger(e.at) || e.at < ctx.sim.now)) {
      throw new FaultError(`fault ${JSON.stringify(e.fault.name)}: at: Invalid value: ${e.at}: must be a time not before now`);
    }
  }
  const { sim } = ctx;
  for (const e of entries) {
    const fault = e.fault;
    if (e.at !== undefined) {
      sim.at(e.at, () => injectFault(ctx, fault, sim.now), 0, Priority.Urgent);
      continue;
    }
    const every = e.every!;
    const stream = ctx.streams.stream("faults", `${fault.name}/every`);
    const fire = () => {
      injectFault(ctx, fault, sim.now);
      sim.after(every.sample(stream), fire, 0, Priority.Urgent);
    };
    sim.after(every.sample(stream), fire, 0, Priority.Urgent);
  }
}

