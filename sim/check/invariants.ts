/**
 * Invariant checkers: observe the cluster after an event and throw InvariantViolation when a
 * rule that must always hold is broken. They never change anything. Tests run them after every
 * event; the CLI does with --check-invariants. A violation is a kubesim bug (exit 70).
 *
 * Checked: virtual time never goes back; no node's requests exceed its allocatable (cpu,
 * memory, pods) and its accounted requests equal the sum over the pods bound to it; every pod
 * is indexed by name exactly once and bound to a node that exists (or to none); a Ready pod has
 * its containers running; a pod with a deletion timestamp set has a grace period.
 *
 * Cost: after an event only the pods and nodes it changed are checked (store watch; a node's
 * accounting is re-summed over its own pods), plus a full pass every `fullEvery` events.
 */
import type { Simulation } from "../core/simulation.ts";
import type { Time } from "../core/time.ts";
import type { Node, Pod } from "../model/objects.ts";
import type { ClusterStore } from "../model/store.ts";

interface Sums {
  cpu: number;
  memory: number;
  pods: number;
}

function addRequests(sum: Sums, pod: Pod): void {
  for (const c of pod.spec.containers) {
    sum.cpu += c.requests.cpuMilli;
    sum.memory += c.requests.memoryBytes;
  }
  sum.pods++;
}

export class InvariantViolation extends Error {
  readonly at: Time;
  constructor(message: string, at: Time) {
    super(`invariant violated at t=${at / 1e6}s: ${message}`);
    this.name = "InvariantViolation";
    this.at = at;
  }
}

export class ClusterInvariants {
  readonly #store: ClusterStore;
  #lastTime = Number.NEGATIVE_INFINITY;
  /** Full checks are O(pods + nodes): one every n-th event; the others check what changed. */
  readonly #fullEvery: number;
  #count = 0;
  readonly #dirtyPods = new Set<Pod>();
  readonly #dirtyNodes = new Set<string>();

  constructor(store: ClusterStore, fullEvery = 1000) {
    this.#store = store;
    this.#fullEvery = fullEvery;
    store.watch((change) => {
      if (change.kind === "Pod") {
        this.#dirtyPods.add(change.object);
        if (change.object.nodeName !== null) this.#dirtyNodes.add(change.object.nodeName);
      } else if (change.kind === "Node") this.#dirtyNodes.add(change.object.name);
    });
  }

  /** Hook for Simulation.afterEvent. */
  readonly afterEvent = (sim: Simulation): void => {
    if (sim.now < this.#lastTime) throw new InvariantViolation(`time went back from ${this.#lastTime} to ${sim.now}`, sim.now);
    this.#lastTime = sim.now;
    if (++this.#count % this.#fullEvery === 0) {
      this.#dirtyPods.clear();
      this.#dirtyNodes.clear();
      return this.check(sim.now);
    }
    for (const pod of this.#dirtyPods) {
      if (this.#store.pods.get(pod.uid) === pod) this.#checkPod(pod, sim.now);
      else if (this.#store.podsByName.get(`${pod.namespace}/${pod.name}`) === pod) {
        throw new InvariantViolation(`pod ${pod.name} (${pod.uid}) is removed but still indexed under its name`, sim.now);
      }
    }
    this.#dirtyPods.clear();
    for (const name of this.#dirtyNodes) {
      const node = this.#store.nodes.get(name);
      if (node === undefined) continue;
      const sum = { cpu: 0, memory: 0, pods: 0 };
      for (const pod of this.#store.podsOnNode(name)) addRequests(sum, pod);
      this.#checkNode(node, sum, sim.now);
    }
    this.#dirtyNodes.clear();
  };

  #checkPod(pod: Pod, now: Time): void {
    if (this.#store.podsByName.get(`${pod.namespace}/${pod.name}`) !== pod) {
      throw new InvariantViolation(`pod ${pod.name} (${pod.uid}) is not the one indexed under its name`, now);
    }
    if (pod.ready && !pod.containersRunning) throw new InvariantViolation(`pod ${pod.name} is Ready but its containers are not running`, now);
    if (pod.deletionTimestamp !== null && pod.deletionGracePeriodSeconds === null) {
      throw new InvariantViolation(`pod ${pod.name} is terminating without a grace period`, now);
    }
  }

  check(now: Time): void {
    const store = this.#store;
    const sums = new Map<string, Sums>();
    let indexed = 0;
    for (const pod of store.pods.values()) {
      this.#checkPod(pod, now);
      indexed++;
      if (pod.nodeName === null) continue;
      if (!store.nodes.has(pod.nodeName)) continue; // pods on deleted nodes are pod GC's to remove
      let sum = sums.get(pod.nodeName);
      if (sum === undefined) sums.set(pod.nodeName, (sum = { cpu: 0, memory: 0, pods: 0 }));
      addRequests(sum, pod);
    }
    if (indexed !== store.podsByName.size) {
      throw new InvariantViolation(`${store.podsByName.size} pod names indexed for ${indexed} pods`, now);
    }
    for (const node of store.nodes.values()) this.#checkNode(node, sums.get(node.name) ?? { cpu: 0, memory: 0, pods: 0 }, now);
  }

  #checkNode(node: Node, sum: Sums, now: Time): void {
    const r = node.requested;
    if (r.cpuMilli !== sum.cpu || r.memoryBytes !== sum.memory || r.pods !== sum.pods) {
      throw new InvariantViolation(
        `node ${node.name} accounts ${r.cpuMilli}m/${r.memoryBytes}B/${r.pods} pods, its pods request ${sum.cpu}m/${sum.memory}B/${sum.pods}`,
        now,
      );
    }
    const a = node.allocatable;
    if (r.cpuMilli > a.cpuMilli || r.memoryBytes > a.memoryBytes || r.pods > a.pods) {
      throw new InvariantViolation(
        `node ${node.name} is over capacity: requests ${r.cpuMilli}m/${r.memoryBytes}B/${r.pods} pods of ${a.cpuMilli}m/${a.memoryBytes}B/${a.pods}`,
        now,
      );
    }
  }
}
