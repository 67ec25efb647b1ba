/**
 * Every checker of a World, run after every event (tests; the CLI's --check-invariants): the
 * cluster invariants, rolling-update bounds, StatefulSet ordering and identity, endpoints and
 * kube-proxy views. They observe the store (mostly through its watch) and never change anything.
 * Request accounting is checked once per run on the traffic results (`checkRequestAccounting`).
 */
import type { Simulation } from "../core/simulation.ts";
import type { ClusterStore } from "../model/store.ts";
import type { NetworkModel } from "../network/traffic.ts";
import { FaultSignal } from "./fault-signal.ts";
import { ClusterInvariants } from "./invariants.ts";
import { NetworkInvariants } from "./network.ts";
import { RollingUpdateBounds } from "./rolling-update.ts";
import { type ProcessView, StatefulSetOrdering } from "./statefulset.ts";

export class CheckSuite {
  readonly faults: FaultSignal;
  readonly cluster: ClusterInvariants;
  readonly rollingUpdates: RollingUpdateBounds;
  readonly statefulSets: StatefulSetOrdering;
  readonly network: NetworkInvariants;

  /** `processes`: the kubelet's processes that outlive their pod objects (World passes its Kubelet). */
  constructor(sim: Simulation, store: ClusterStore, network: () => NetworkModel | null, processes: ProcessView | null = null) {
    const now = () => sim.now;
    this.faults = new FaultSignal(store);
    this.cluster = new ClusterInvariants(store);
    this.rollingUpdates = new RollingUpdateBounds(store, this.faults, now);
    this.statefulSets = new StatefulSetOrdering(store, this.faults, now, processes);
    this.network = new NetworkInvariants(store, network);
  }

  /** Hook for Simulation.afterEvent. */
  readonly afterEvent = (sim: Simulation): void => {
    this.cluster.afterEvent(sim);
    this.statefulSets.afterEvent(sim.now);
    this.rollingUpdates.afterEvent(sim.now);
    this.network.afterEvent(sim.now);
  };
}
