/**
 * One simulated cluster for one replication: the clock, the random streams, the store, the
 * kubelets and the control plane, wired together. The scenario runner builds a World per
 * (strategy, replication); tests build small ones directly.
 *
 * `start: steady` is a bootstrap at t = 0: controllers create the workloads' objects with zero
 * latency, the scheduler places the pods, and the kubelet adopts them as long running and Ready,
 * with the event log off, so the run begins from a settled cluster.
 */
import { ConstantDistribution, type Distribution } from "../core/distributions.ts";
import { RandomStreams, type Seed } from "../core/rng.ts";
import { Simulation } from "../core/simulation.ts";
import type { Time } from "../core/time.ts";
import type { ControllerContext } from "../controllers/context.ts";
import { randomUid } from "../controllers/context.ts";
import { DeploymentController } from "../controllers/deployment/controller.ts";
import { canonicalJson } from "../controllers/template-hash.ts";
import { ReplicaSetController } from "../controllers/replicaset/controller.ts";
import { StatefulSetController } from "../controllers/statefulset/controller.ts";
import { DisruptionController } from "../controllers/disruption.ts";
import { NodeLifecycleController, type NodeLifecycleOptions } from "../controllers/node-lifecycle.ts";
import { PodGCController } from "../controllers/pod-gc.ts";
import { TaintEvictionController } from "../controllers/taint-eviction.ts";
import type { FaultContext } from "../faults/inject.ts";
import { NetworkModel, type NetworkOptions } from "../network/traffic.ts";
import { SchedulingController } from "../controllers/scheduling.ts";
import { type AppBehaviour, Kubelet, STEADY_SINCE } from "../kubelet/kubelet.ts";
import { EventLog } from "../model/event-log.ts";
import { deploymentFromManifest, type Manifest, serviceFromManifest, statefulSetFromManifest, podDisruptionBudgetFromManifest } from "../model/from-manifest.ts";
import type { Node, Pod, Taint } from "../model/objects.ts";
import { ClusterStore } from "../model/store.ts";
import { CheckSuite } from "../check/suite.ts";
import type { Workload } from "../model/store.ts";
import type { LabelSelector } from "../model/workloads.ts";

export interface NodeSpec {
  readonly name: string;
  readonly pool: string;
  readonly zone: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly allocatable: { readonly cpuMilli: number; readonly memoryBytes: number; readonly pods: number };
  readonly taints?: readonly Omit<Taint, "timeAdded">[];
}

export interface WorldTiming {
  readonly controllerLatency: Distribution;
  readonly schedulingLatency: Distribution;
  readonly imagePull: Distribution;
  readonly containerStart: Distribution;
  /** Seconds (DefaultTolerationSeconds admission). */
  readonly defaultTolerationSeconds: number;
}

export interface WorldConfig {
  readonly seed: Seed;
  readonly replication: number;
  readonly nodes: readonly NodeSpec[];
  readonly timing: WorldTiming;
  /** The behaviour of a pod's app; by workload name and revision. */
  readonly appFor: (pod: Pod) => AppBehaviour;
  readonly recordEvents?: boolean;
  readonly percentageOfNodesToScore?: number;
  /** MaxUnavailableStatefulSet feature gate (on by default as in v1.35); false: legacy updates. */
  readonly maxUnavailableStatefulSet?: boolean;
  /** Node lifecycle controller settings (monitor period, grace, eviction rates). */
  readonly nodeLifecycle?: NodeLifecycleOptions;
  /** Services, kube-proxy, DNS and traffic; absent: no network model (controller-only tests). */
  readonly network?: NetworkOptions;
  /** Check cluster invariants after every event (default: on under the test runner). */
  readonly checkInvariants?: boolean;
}

/** Zero-latency constant timings, for tests that only care about controller logic. */
export function instantTiming(overrides: Partial<WorldTiming> = {}): WorldTiming {
  const zero = new ConstantDistribution(0);
  return { controllerLatency: zero, schedulingLatency: zero, imagePull: zero, containerStart: zero, defaultTolerationSeconds: 300, ...overrides };
}

export class World {
  readonly sim = new Simulation(4096);
  readonly streams: RandomStreams;
  readonly store: ClusterStore;
  readonly events: EventLog;
  readonly ctx: ControllerContext;
  readonly kubelet: Kubelet;
  readonly scheduler: SchedulingController;
  readonly replicaSets: ReplicaSetController;
  readonly deployments: DeploymentController;
  readonly statefulSets: StatefulSetController;
  readonly nodeLifecycle: NodeLifecycleController;
  readonly taintEviction: TaintEvictionController;
  readonly podGC: PodGCController;
  /** PodDisruptionBudget status and the eviction API. */
  readonly disruption: DisruptionController;
  /** The network model, once started (see `startNetwork`). */
  network: NetworkModel | null = null;
  /** The invariant checkers, when on (`checkInvariants`). */
  readonly checks: CheckSuite | null = null;
  readonly #networkOptions: NetworkOptions | undefined;
  readonly #uids;
  #bootstrapping = false;

  constructor(config: WorldConfig) {
    this.streams = new RandomStreams(config.seed, config.replication);
    this.store = new ClusterStore(() => this.sim.now);
    this.events = new EventLog(() => this.sim.now, config.recordEvents ?? true);
    this.#uids = this.streams.stream("uid", "objects");
    for (const spec of config.nodes) this.store.apply({ type: "node/add", node: newNode(spec) });
    // A steady start settles in the instant t = 0: every latency is zero while bootstrapping.
    const latency = this.#zeroWhileBootstrapping(config.timing.controllerLatency);
    this.ctx = {
      sim: this.sim,
      store: this.store,
      streams: this.streams,
      events: this.events,
      latency,
      defaultTolerationSeconds: config.timing.defaultTolerationSeconds,
    };
    this.kubelet = new Kubelet({
      sim: this.sim,
      store: this.store,
      streams: this.streams,
      timing: config.timing,
      events: this.events,
      appFor: config.appFor,
      adoptAsRunning: () => this.#bootstrapping,
    });
    this.scheduler = new SchedulingController(this.ctx, {
      schedulingLatency: this.#zeroWhileBootstrapping(config.timing.schedulingLatency),
      percentageOfNodesToScore: config.percentageOfNodesToScore,
      spreadSelectorOf: (pod) => this.ownerSelector(pod),
    });
    this.replicaSets = new ReplicaSetController(this.ctx);
    this.deployments = new DeploymentController(this.ctx);
    this.statefulSets = new StatefulSetController(this.ctx, { maxUnavailableStatefulSet: config.maxUnavailableStatefulSet });
    this.nodeLifecycle = new NodeLifecycleController(this.ctx, config.nodeLifecycle);
    this.taintEviction = new TaintEvictionController(this.ctx);
    this.podGC = new PodGCController(this.ctx);
    this.disruption = new DisruptionController(this.ctx);
    this.#networkOptions = config.network;
    // SPEC §4's `Terminating`: the deletion timestamp is set (nobody in Kubernetes records it).
    this.store.watch((change) => {
      if (change.kind !== "Pod" || change.type !== "modified") return;
      const pod = change.object;
      if (change.before?.deletionTimestamp === null && pod.deletionTimestamp !== null) {
        this.events.record("Pod", pod.name, "Terminating", `deletionTimestamp set, grace period ${pod.deletionGracePeriodSeconds}s`);
      }
    });
    if (config.checkInvariants ?? process.env.KUBESIM_TEST === "1") {
      this.checks = new CheckSuite(this.sim, this.store, () => this.network, this.kubelet);
      this.sim.afterEvent = this.checks.afterEvent;
    }
  }

  /** A distribution that samples 0 (drawing nothing) while a steady start is being set up. */
  #zeroWhileBootstrapping(d: Distribution): Distribution {
    return {
      kind: d.kind,
      sample: (rng) => (this.#bootstrapping ? 0 : d.sample(rng)),
      mean: () => d.mean(),
      describe: () => d.describe(),
    };
  }

  /** What faults act through. */
  faultContext(): FaultContext {
    return { sim: this.sim, store: this.store, streams: this.streams, events: this.events, kubelet: this.kubelet, eviction: this.disruption };
  }

  /** The selector of the controller that owns a pod (for default topology spreading). */
  ownerSelector(pod: Pod): LabelSelector | undefined {
    if (pod.owner === null) return undefined;
    if (pod.owner.kind === "ReplicaSet") {
      const rs = this.store.replicaSets.get(pod.owner.name);
      if (rs?.owner) return this.store.deployments.get(rs.owner.name)?.spec.selector;
      return rs?.spec.selector;
    }
    return this.store.statefulSets.get(pod.owner.name)?.spec.selector;
  }

  /** Creates an object from a manifest (Deployment, StatefulSet, Service, PodDisruptionBudget). */
  create(manifest: Manifest): Workload {
    const uid = randomUid(this.#uids);
    const now = this.sim.now;
    let object: Workload;
    switch (manifest.kind) {
      case "Deployment":
        object = deploymentFromManifest(manifest, uid, now);
        break;
      case "StatefulSet":
        object = statefulSetFromManifest(manifest, uid, now);
        break;
      case "Service":
        object = serviceFromManifest(manifest, uid);
        break;
      case "PodDisruptionBudget":
        object = podDisruptionBudgetFromManifest(manifest);
        break;
      default:
        throw new Error(`kubesim cannot create kind ${String(manifest.kind)}`);
    }
    this.store.apply({ type: "workload/put", object });
    return object;
  }

  /**
   * `kubectl apply` of a manifest: creates the object, or replaces the spec of an existing one
   * (keeping its identity and status, bumping `generation` when the spec changed).
   */
  apply(manifest: Manifest): Workload {
    const name = manifest.metadata?.name ?? "";
    const existing = this.#existing(manifest.kind, name);
    if (existing === undefined) return this.create(manifest);
    if (existing.kind === "Deployment" || existing.kind === "StatefulSet") {
      const fresh = existing.kind === "Deployment" ? deploymentFromManifest(manifest, existing.uid, 0) : statefulSetFromManifest(manifest, existing.uid, 0);
      if (canonicalJson(fresh.spec) !== canonicalJson(existing.spec)) {
        (existing as { spec: unknown }).spec = fresh.spec;
        existing.generation++;
      }
      existing.labels = fresh.labels;
      existing.annotations = fresh.annotations;
      this.store.apply({ type: "workload/put", object: existing });
      return existing;
    }
    const replacement = existing.kind === "Service" ? serviceFromManifest(manifest, existing.uid) : podDisruptionBudgetFromManifest(manifest);
    this.store.apply({ type: "workload/put", object: replacement });
    return replacement;
  }

  #existing(kind: unknown, name: string): Workload | undefined {
    switch (kind) {
      case "Deployment":
        return this.store.deployments.get(name);
      case "StatefulSet":
        return this.store.statefulSets.get(name);
      case "Service":
        return this.store.services.get(name);
      case "PodDisruptionBudget":
        return this.store.podDisruptionBudgets.get(name);
      default:
        return undefined;
    }
  }

  /**
   * Starts the network model: it adopts the Services and pods that exist as long settled (every
   * node's kube-proxy programmed), so start it after a steady bootstrap or before anything is
   * created in an empty start.
   */
  startNetwork(): NetworkModel | null {
    if (this.#networkOptions !== undefined && this.network === null) this.network = new NetworkModel(this.ctx, this.#networkOptions);
    return this.network;
  }

  /**
   * Steady start: creates the objects and runs the instant t = 0 with pods adopted as running
   * and Ready since long ago, endpoints programmed on every node; the event log is off meanwhile.
   */
  bootstrap(manifests: readonly Manifest[]): void {
    const recording = this.events.enabled;
    this.events.enabled = false;
    this.#bootstrapping = true;
    for (const m of manifests) this.create(m);
    this.sim.run({ until: 0 });
    this.#bootstrapping = false;
    this.startNetwork()?.settle();
    this.events.enabled = recording;
  }

  /** Runs until `until` (virtual time). */
  run(until: Time, maxEvents?: number): void {
    this.sim.run({ until, maxEvents });
  }
}

function newNode(spec: NodeSpec): Node {
  return {
    name: spec.name,
    pool: spec.pool,
    zone: spec.zone,
    labels: {
      "kubernetes.io/hostname": spec.name,
      "topology.kubernetes.io/zone": spec.zone,
      ...(spec.labels ?? {}),
    },
    allocatable: spec.allocatable,
    requested: { cpuMilli: 0, memoryBytes: 0, pods: 0 },
    unschedulable: false,
    taints: (spec.taints ?? []).map((t) => ({ ...t, timeAdded: 0 })),
    ready: { status: "True", lastTransitionTime: STEADY_SINCE },
    kubeletUp: true,
    reachable: true,
    images: new Set(),
  };
}
