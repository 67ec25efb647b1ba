/**
 * Endpoints and kube-proxy views, checked when the EndpointSlice controller writes (its change
 * listener), not by scanning:
 *
 *  - Every endpoint written is a pod that exists with that IP, is selected by the Service and
 *    should be in endpoints (staging/src/k8s.io/endpointslice/reconciler.go builds the desired
 *    endpoints from the pods it lists, `ShouldPodBeInEndpoints`: an IP, not terminal). Slices may
 *    lag afterwards (a pod removed since is still listed until the next write), so only the
 *    write itself is judged.
 *  - kube-proxy programs only what was written: every IP in a node's view of a Service was an
 *    endpoint of that Service in some written slice (pkg/proxy/endpointschangetracker.go builds
 *    its maps from EndpointSlice events only), and no node's rules are newer than the newest
 *    write. Each distinct snapshot in use is checked once.
 */
import type { Time } from "../core/time.ts";
import type { ClusterStore } from "../model/store.ts";
import { type ServiceSlices, serviceSelects, shouldPodBeInEndpoints } from "../network/endpointslice.ts";
import type { ServiceSnapshot } from "../network/kube-proxy.ts";
import type { NetworkModel } from "../network/traffic.ts";
import { InvariantViolation } from "./invariants.ts";

export class NetworkInvariants {
  readonly #store: ClusterStore;
  readonly #network: () => NetworkModel | null;
  #attached: NetworkModel | null = null;
  /** Every IP ever written as an endpoint, per Service. */
  readonly #written = new Map<string, Set<string>>();
  readonly #checkedSnapshots = new WeakSet<ServiceSnapshot>();
  #pending: string | null = null;
  /** Slice writes judged (tests use it to prove the checker looked). */
  judged = 0;

  constructor(store: ClusterStore, network: () => NetworkModel | null) {
    this.#store = store;
    this.#network = network;
  }

  afterEvent(now: Time): void {
    if (this.#attached === null) {
      const network = this.#network();
      if (network === null) return;
      this.#attached = network;
      for (const slices of network.endpointSlices.slices.values()) this.#record(slices);
      network.endpointSlices.onChange((slices) => {
        if (this.#pending === null) this.#judgeWrite(network, slices);
      });
    }
    if (this.#pending === null) return;
    const message = this.#pending;
    this.#pending = null;
    throw new InvariantViolation(message, now);
  }

  #record(slices: ServiceSlices): Set<string> {
    let written = this.#written.get(slices.service);
    if (written === undefined) this.#written.set(slices.service, (written = new Set()));
    for (const slice of slices.slices) for (const e of slice.endpoints) written.add(e.ip);
    return written;
  }

  #judgeWrite(network: NetworkModel, slices: ServiceSlices): void {
    this.judged++;
    const service = this.#store.services.get(slices.service);
    for (const slice of slices.slices) {
      for (const e of slice.endpoints) {
        const pod = this.#store.pods.get(e.podUid);
        let why: string | null = null;
        if (pod === undefined) why = "no such pod exists";
        else if (pod.ip !== e.ip) why = `the pod's IP is ${pod.ip}`;
        else if (!shouldPodBeInEndpoints(pod)) why = `the pod is ${pod.phase}`;
        else if (service === undefined || !serviceSelects(service, pod)) why = "the Service does not select the pod";
        if (why !== null) {
          this.#pending = `EndpointSlice ${slice.name} of Service ${slices.service} lists ${e.podName} at ${e.ip}, but ${why} (endpointslice reconciler.go)`;
          return;
        }
      }
    }
    const written = this.#record(slices);
    const proxy = network.kubeProxy;
    if (slices.generation > proxy.generation) {
      this.#pending = `EndpointSlice write of ${slices.service} has generation ${slices.generation}, kube-proxy knows only ${proxy.generation}`;
      return;
    }
    for (const generation of proxy.tracker.allCounts.keys()) {
      if (generation > proxy.generation) {
        this.#pending = `a node's kube-proxy programs generation ${generation}, newer than any EndpointSlice write (${proxy.generation})`;
        return;
      }
      const snapshot = proxy.snapshot(slices.service, generation);
      if (this.#checkedSnapshots.has(snapshot)) continue;
      this.#checkedSnapshots.add(snapshot);
      for (const ip of [...snapshot.ready, ...snapshot.servingTerminating]) {
        if (!written.has(ip)) {
          this.#pending = `kube-proxy rules of generation ${generation} send ${slices.service} traffic to ${ip}, never written as its endpoint (endpointschangetracker.go)`;
          return;
        }
      }
    }
  }
}
