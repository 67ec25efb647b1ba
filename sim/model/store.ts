/**
 * The cluster store: every object of the simulated cluster, changed only through `apply`, which
 * then tells the watchers (the informers of controllers, kubelet and network) what changed. One
 * mutation path means invariant checkers can run after every event and see every change.
 *
 * Watchers are called synchronously inside `apply`; they must only enqueue work (schedule an
 * event), never apply further actions themselves, so that a change is fully recorded before
 * anyone reacts to it.
 *
 * Leaves out: API latency and informer lag (a watcher sees a change at the instant it is made;
 * the controllers' reaction delay is `timing.controllerLatency`), resourceVersion conflicts.
 */
import type { Time } from "../core/time.ts";
import type { Node, Pod, PodPhase, ProcessState, Taint } from "./objects.ts";
import type { Deployment, PodDisruptionBudget, ReplicaSet, Service, StatefulSet } from "./workloads.ts";

export type Action =
  | { readonly type: "pod/create"; readonly pod: Pod }
  | { readonly type: "pod/bind"; readonly uid: string; readonly node: string }
  | { readonly type: "pod/status"; readonly uid: string; readonly status: PodStatusPatch }
  | { readonly type: "pod/delete"; readonly uid: string; readonly gracePeriodSeconds: number; readonly reason?: string }
  | { readonly type: "pod/remove"; readonly uid: string }
  | { readonly type: "node/add"; readonly node: Node }
  | { readonly type: "node/update"; readonly name: string; readonly patch: NodePatch }
  | { readonly type: "workload/put"; readonly object: Workload }
  | { readonly type: "workload/delete"; readonly kind: Workload["kind"]; readonly name: string };

export interface PodStatusPatch {
  readonly phase?: PodPhase;
  readonly ready?: boolean;
  /** With `ready`: the condition's lastTransitionTime when it is not now (a steady start). */
  readonly readySince?: number;
  readonly containersRunning?: boolean;
  readonly process?: ProcessState;
  readonly restartCount?: number;
  readonly ip?: string | null;
  readonly disruptionTarget?: string | null;
}

export interface NodePatch {
  readonly kubeletUp?: boolean;
  readonly reachable?: boolean;
  readonly ready?: "True" | "False" | "Unknown";
  readonly unschedulable?: boolean;
  readonly taints?: Taint[];
}

export type Workload = Deployment | ReplicaSet | StatefulSet | Service | PodDisruptionBudget;

const NO_PODS: readonly Pod[] = [];

export type ChangeType = "added" | "modified" | "deleted";

/** What a watcher is told: the object after the change (or as it was, when deleted). */
export type Change =
  | { readonly kind: "Pod"; readonly type: ChangeType; readonly object: Pod; readonly before: PodSnapshot | null }
  | { readonly kind: "Node"; readonly type: ChangeType; readonly object: Node }
  | { readonly kind: Workload["kind"]; readonly type: ChangeType; readonly object: Workload };

/** The fields of a pod that watchers compare across a change. */
export interface PodSnapshot {
  readonly phase: PodPhase;
  readonly ready: boolean;
  readonly nodeName: string | null;
  readonly deletionTimestamp: Time | null;
  readonly process: ProcessState;
}

export type Watcher = (change: Change) => void;

export class ClusterStore {
  readonly nodes = new Map<string, Node>();
  /** Pods by uid, in creation order (Map iteration order is insertion order: deterministic). */
  readonly pods = new Map<string, Pod>();
  readonly podsByName = new Map<string, Pod>();
  readonly deployments = new Map<string, Deployment>();
  readonly replicaSets = new Map<string, ReplicaSet>();
  readonly statefulSets = new Map<string, StatefulSet>();
  readonly services = new Map<string, Service>();
  readonly podDisruptionBudgets = new Map<string, PodDisruptionBudget>();
  /** Pods by owner uid, for controllers that list their pods. */
  readonly #podsByOwner = new Map<string, Set<Pod>>();
  /** Pods by the node they are bound to. */
  readonly #podsByNode = new Map<string, Set<Pod>>();
  /** ReplicaSets by owning Deployment uid. */
  readonly #replicaSetsByOwner = new Map<string, Set<ReplicaSet>>();
  readonly #watchers: Watcher[] = [];
  #now: () => Time;

  constructor(now: () => Time) {
    this.#now = now;
  }

  watch(watcher: Watcher): void {
    this.#watchers.push(watcher);
  }

  /** Pods owned by the controller with this uid, in creation order. */
  podsOwnedBy(ownerUid: string): Pod[] {
    const set = this.#podsByOwner.get(ownerUid);
    return set === undefined ? [] : [...set];
  }

  /** How many pods the controller with this uid owns (without copying them). */
  podCountOwnedBy(ownerUid: string): number {
    return this.#podsByOwner.get(ownerUid)?.size ?? 0;
  }

  /**
   * Pods owned by the controller with this uid, in creation order, without a copy: for readers
   * that change nothing in the store while they iterate (periodic samplers run per workload).
   */
  podsOwnedByView(ownerUid: string): Iterable<Pod> {
    return this.#podsByOwner.get(ownerUid) ?? NO_PODS;
  }

  /** ReplicaSets owned by the Deployment with this uid, in creation order. */
  replicaSetsOwnedBy(ownerUid: string): ReplicaSet[] {
    const set = this.#replicaSetsByOwner.get(ownerUid);
    return set === undefined ? [] : [...set];
  }

  /** Pods bound to the node, in binding order (a copy: safe to change the store while iterating). */
  podsOnNode(nodeName: string): Pod[] {
    const set = this.#podsByNode.get(nodeName);
    return set === undefined ? [] : [...set];
  }

  /** The single mutation path. Throws on an action that names a missing object (a kubesim bug). */
  apply(action: Action): void {
    switch (action.type) {
      case "pod/create":
        return this.#createPod(action.pod);
      case "pod/bind":
        return this.#bindPod(action.uid, action.node);
      case "pod/status":
        return this.#updatePodStatus(action.uid, action.status);
      case "pod/delete":
        return this.#deletePod(action.uid, action.gracePeriodSeconds);
      case "pod/remove":
        return this.#removePod(action.uid);
      case "node/add":
        return this.#addNode(action.node);
      case "node/update":
        return this.#updateNode(action.name, action.patch);
      case "workload/put":
        return this.#putWorkload(action.object);
      case "workload/delete":
        return this.#deleteWorkload(action.kind, action.name);
    }
  }

  pod(uid: string): Pod {
    const pod = this.pods.get(uid);
    if (pod === undefined) throw new Error(`invariant: no pod with uid ${uid}`);
    return pod;
  }

  #notify(change: Change): void {
    for (const watcher of this.#watchers) watcher(change);
  }

  #createPod(pod: Pod): void {
    const key = `${pod.namespace}/${pod.name}`;
    if (this.podsByName.has(key)) throw new Error(`invariant: pod ${key} already exists`);
    this.pods.set(pod.uid, pod);
    this.podsByName.set(key, pod);
    if (pod.owner !== null) {
      let owned = this.#podsByOwner.get(pod.owner.uid);
      if (owned === undefined) this.#podsByOwner.set(pod.owner.uid, (owned = new Set()));
      owned.add(pod);
    }
    if (pod.nodeName !== null) this.#account(pod, pod.nodeName, +1);
    this.#notify({ kind: "Pod", type: "added", object: pod, before: null });
  }

  #bindPod(uid: string, nodeName: string): void {
    const pod = this.pod(uid);
    if (pod.nodeName !== null) throw new Error(`invariant: pod ${pod.name} is already bound to ${pod.nodeName}`);
    if (!this.nodes.has(nodeName)) throw new Error(`invariant: bind ${pod.name} to missing node ${nodeName}`);
    const before = snapshot(pod);
    pod.nodeName = nodeName;
    this.#account(pod, nodeName, +1);
    this.#notify({ kind: "Pod", type: "modified", object: pod, before });
  }

  #updatePodStatus(uid: string, status: PodStatusPatch): void {
    const pod = this.pod(uid);
    const before = snapshot(pod);
    if (status.phase !== undefined) pod.phase = status.phase;
    if (status.ready !== undefined && status.ready !== pod.ready) {
      pod.ready = status.ready;
      pod.readyTransitionTime = status.readySince ?? this.#now();
    }
    if (status.containersRunning !== undefined) pod.containersRunning = status.containersRunning;
    if (status.process !== undefined) pod.process = status.process;
    if (status.restartCount !== undefined) pod.restartCount = status.restartCount;
    if (status.ip !== undefined) pod.ip = status.ip;
    if (status.disruptionTarget !== undefined) pod.disruptionTarget = status.disruptionTarget;
    this.#notify({ kind: "Pod", type: "modified", object: pod, before });
  }

  /**
   * Graceful deletion (pkg/registry/core/pod/strategy.go `CheckGracefulDelete`): an unscheduled
   * or terminal pod, or grace 0, is removed at once; otherwise deletionTimestamp = now + grace.
   * A second deletion can only shorten the grace period.
   */
  #deletePod(uid: string, gracePeriodSeconds: number): void {
    const pod = this.pod(uid);
    const now = this.#now();
    // Grace 0 (a force deletion) removes the object at once; the kubelet kills what is left.
    if (pod.nodeName === null || pod.phase === "Succeeded" || pod.phase === "Failed" || gracePeriodSeconds === 0) {
      return this.#removePod(uid);
    }
    const deadline = now + gracePeriodSeconds * 1_000_000;
    if (pod.deletionTimestamp !== null && pod.deletionTimestamp <= deadline) return;
    const before = snapshot(pod);
    pod.deletionTimestamp = deadline;
    pod.deletionGracePeriodSeconds = gracePeriodSeconds;
    if (pod.deletionRequestedAt === null) pod.deletionRequestedAt = now;
    this.#notify({ kind: "Pod", type: "modified", object: pod, before });
  }

  #removePod(uid: string): void {
    const pod = this.pod(uid);
    this.pods.delete(uid);
    this.podsByName.delete(`${pod.namespace}/${pod.name}`);
    if (pod.owner !== null) this.#podsByOwner.get(pod.owner.uid)?.delete(pod);
    if (pod.nodeName !== null) this.#account(pod, pod.nodeName, -1);
    this.#notify({ kind: "Pod", type: "deleted", object: pod, before: snapshot(pod) });
  }

  #account(pod: Pod, nodeName: string, sign: 1 | -1): void {
    let onNode = this.#podsByNode.get(nodeName);
    if (onNode === undefined) this.#podsByNode.set(nodeName, (onNode = new Set()));
    if (sign > 0) onNode.add(pod);
    else onNode.delete(pod);
    const node = this.nodes.get(nodeName);
    if (node === undefined) return; // the node object was deleted; pod GC removes its pods
    for (const c of pod.spec.containers) {
      node.requested.cpuMilli += sign * c.requests.cpuMilli;
      node.requested.memoryBytes += sign * c.requests.memoryBytes;
    }
    node.requested.pods += sign;
  }

  #addNode(node: Node): void {
    if (this.nodes.has(node.name)) throw new Error(`invariant: node ${node.name} already exists`);
    this.nodes.set(node.name, node);
    this.#notify({ kind: "Node", type: "added", object: node });
  }

  #updateNode(name: string, patch: NodePatch): void {
    const node = this.nodes.get(name);
    if (node === undefined) throw new Error(`invariant: no node ${name}`);
    if (patch.kubeletUp !== undefined) node.kubeletUp = patch.kubeletUp;
    if (patch.reachable !== undefined) node.reachable = patch.reachable;
    if (patch.unschedulable !== undefined) node.unschedulable = patch.unschedulable;
    if (patch.taints !== undefined) node.taints = patch.taints;
    if (patch.ready !== undefined && patch.ready !== node.ready.status) {
      node.ready = { status: patch.ready, lastTransitionTime: this.#now() };
    }
    this.#notify({ kind: "Node", type: "modified", object: node });
  }

  #mapFor(kind: Workload["kind"]): Map<string, Workload> {
    switch (kind) {
      case "Deployment":
        return this.deployments as Map<string, Workload>;
      case "ReplicaSet":
        return this.replicaSets as Map<string, Workload>;
      case "StatefulSet":
        return this.statefulSets as Map<string, Workload>;
      case "Service":
        return this.services as Map<string, Workload>;
      case "PodDisruptionBudget":
        return this.podDisruptionBudgets as Map<string, Workload>;
    }
  }

  #putWorkload(object: Workload): void {
    const map = this.#mapFor(object.kind);
    const type: ChangeType = map.has(object.name) ? "modified" : "added";
    map.set(object.name, object);
    if (type === "added" && object.kind === "ReplicaSet" && object.owner !== null) {
      let owned = this.#replicaSetsByOwner.get(object.owner.uid);
      if (owned === undefined) this.#replicaSetsByOwner.set(object.owner.uid, (owned = new Set()));
      owned.add(object);
    }
    this.#notify({ kind: object.kind, type, object } as Change);
  }

  #deleteWorkload(kind: Workload["kind"], name: string): void {
    const map = this.#mapFor(kind);
    const object = map.get(name);
    if (object === undefined) throw new Error(`invariant: no ${kind} ${name}`);
    map.delete(name);
    if (object.kind === "ReplicaSet" && object.owner !== null) this.#replicaSetsByOwner.get(object.owner.uid)?.delete(object);
    this.#notify({ kind, type: "deleted", object } as Change);
  }
}

function snapshot(pod: Pod): PodSnapshot {
  return {
    phase: pod.phase,
    ready: pod.ready,
    nodeName: pod.nodeName,
    deletionTimestamp: pod.deletionTimestamp,
    process: pod.process,
  };
}
