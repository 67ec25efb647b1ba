/**
 * What the checkers need to know about faults: whether one fired at this instant (the scenario
 * runner tells, see `noteFault`) and whether any node is impaired now (seen in the store: kubelet
 * down, unreachable, NotReady or cordoned). Bounds that hold only in a healthy cluster (rolling
 * update surge and availability, StatefulSet scale-down order) stand down while either is so.
 *
 * A fault that the runner does not announce (a test calling `injectFault` directly) is still
 * seen through its effects: an impaired node here, a pod deleted or losing readiness where the
 * checkers look at pods.
 */
import type { Time } from "../core/time.ts";
import type { FaultContext } from "../faults/inject.ts";
import { EventLog } from "../model/event-log.ts";
import type { Node } from "../model/objects.ts";
import type { ClusterStore } from "../model/store.ts";

export class FaultSignal {
  readonly #impaired = new Set<string>();
  readonly #listeners: (() => void)[] = [];
  /** When a fault last fired (−∞: never). */
  lastFaultAt = Number.NEGATIVE_INFINITY;

  constructor(store: ClusterStore) {
    for (const node of store.nodes.values()) this.#update(node);
    store.watch((change) => {
      if (change.kind !== "Node") return;
      if (change.type === "deleted") this.#impaired.delete(change.object.name);
      else this.#update(change.object);
    });
  }

  /** Called with every fault as it fires (before it acts), and by every newly impaired node. */
  onDisturbance(listener: () => void): void {
    this.#listeners.push(listener);
  }

  /** A fault fired now (the scenario runner's `Fault` event). */
  noteFault(now: Time): void {
    this.lastFaultAt = now;
    for (const l of this.#listeners) l();
  }

  /** Some node's kubelet is down, or it is unreachable, NotReady or cordoned. */
  get nodesImpaired(): boolean {
    return this.#impaired.size > 0;
  }

  /** No node impaired and no fault fired at `now`. */
  quiet(now: Time): boolean {
    return this.#impaired.size === 0 && this.lastFaultAt !== now;
  }

  #update(node: Node): void {
    const impaired = !node.kubeletUp || !node.reachable || node.unschedulable || node.ready.status !== "True";
    if (impaired === this.#impaired.has(node.name)) return;
    if (impaired) {
      this.#impaired.add(node.name);
      for (const l of this.#listeners) l();
    } else this.#impaired.delete(node.name);
  }
}

/**
 * The event log handed to fault injection: records as the world's log does, and tells the
 * signal when a fault fires (sim/faults/inject.ts records `Fault` on kind Scenario just before
 * the fault acts).
 */
class AnnouncingEventLog extends EventLog {
  readonly #inner: EventLog;
  readonly #signal: FaultSignal;
  readonly #clock: () => Time;

  constructor(inner: EventLog, signal: FaultSignal, clock: () => Time) {
    super(clock, false);
    this.#inner = inner;
    this.#signal = signal;
    this.#clock = clock;
  }

  override record(kind: string, name: string, reason: string, message: string): void {
    if (kind === "Scenario" && reason === "Fault") this.#signal.noteFault(this.#clock());
    this.#inner.record(kind, name, reason, message);
  }
}

/** A fault context whose faults announce themselves to `signal` (unchanged when null). */
export function announcingFaults(ctx: FaultContext, signal: FaultSignal | null): FaultContext {
  if (signal === null) return ctx;
  return { ...ctx, events: new AnnouncingEventLog(ctx.events, signal, () => ctx.sim.now) };
}
