/**
 * The loaded scenario, as the simulator consumes it: every default filled in, durations as
 * virtual time (µs), random durations as Distributions, quantities as millicores and bytes,
 * references resolved, Kubernetes objects admitted (defaulted and validated) with their source
 * positions kept so later errors can still point into the files.
 *
 * Left out: anything decided at run time (seeds picked when none is given, CLI overrides); the
 * runner applies those to this value.
 */
import type { Distribution } from "../core/distributions.ts";
import type { Time } from "../core/time.ts";
import type { KubeObject, SimulatedKind } from "./kube-validation.ts";

/** A reference to an object as scenarios write it, `deployment/web`, resolved. */
export interface ObjectRef {
  /** Kubernetes kind (`Deployment`), or `Node` for `node/worker-2`. */
  readonly kind: SimulatedKind | "Node";
  readonly name: string;
  /** Canonical lower-case form: `deployment/web`. */
  readonly ref: string;
}

/** Where a manifest came from. */
export interface ManifestSource {
  /** The file, as diagnostics name it. */
  readonly file: string;
  /** Path of the object inside that file's document (`spec.objects[2]` for inline objects, "" for manifest files). */
  readonly path: string;
  /** 0-based document index in a multi-document file. */
  readonly document: number;
}

/** A Kubernetes object of a simulated kind, after the API server's defaults and validation. */
export interface Manifest {
  readonly kind: SimulatedKind;
  readonly name: string;
  readonly namespace: string;
  /** `deployment/web`. */
  readonly ref: string;
  /** The object as plain JSON (apiVersion, kind, metadata, spec), defaulted; positions via `positionOf`. */
  readonly object: KubeObject;
  readonly source: ManifestSource;
}

export interface NodePool {
  readonly name: string;
  readonly count: number;
  readonly capacity: {
    /** Millicores. */
    readonly cpu: number;
    /** Bytes. */
    readonly memory: number;
    readonly pods: number;
  };
  /** Zones the nodes are spread over round-robin (`["default"]` when the file names none). */
  readonly zones: readonly string[];
  readonly labels: Readonly<Record<string, string>>;
  readonly taints: readonly { readonly key: string; readonly value?: string; readonly effect: "NoSchedule" | "PreferNoSchedule" | "NoExecute" }[];
  /** Node names: `<pool>-1` … `<pool>-<count>`. */
  readonly nodes: readonly string[];
}

export interface Timing {
  readonly controllerLatency: Distribution;
  readonly schedulingLatency: Distribution;
  readonly imagePull: Distribution;
  readonly containerStart: Distribution;
  readonly endpointSliceLatency: Distribution;
  readonly kubeProxySync: { readonly minSyncPeriod: Time; readonly latency: Distribution };
  readonly nodeMonitorGracePeriod: Distribution;
  readonly nodeMonitorPeriod: Distribution;
  readonly defaultTolerationSeconds: Distribution;
}

/** Timing entries a strategy overrides (kubeProxySync fields individually). */
export type TimingOverride = Partial<Omit<Timing, "kubeProxySync">> & {
  readonly kubeProxySync?: Partial<Timing["kubeProxySync"]>;
};

/** How a workload's containers behave (what manifests cannot say). */
export interface App {
  /** Container running → passes readiness. */
  readonly startup: Distribution;
  /** SIGTERM → process exits. */
  readonly shutdown: Distribution;
  /** Time to a crash while running; absent: never crashes. */
  readonly crash?: Distribution;
  /** false: never passes its readiness probe. */
  readonly ready: boolean;
}

export interface Traffic {
  /** Service name. */
  readonly service: string;
  /** Requests per second. */
  readonly rate: number;
  readonly timeout: Time;
  readonly retries?: { readonly count: number; readonly backoff: Distribution };
}

export type FaultAction = "pod-kill" | "pod-failure" | "node-failure" | "node-drain" | "network-partition";

export interface Fault {
  readonly action: FaultAction;
  readonly mode: "one" | "all" | "fixed" | "fixed-percent";
  /** N for `fixed`, percent for `fixed-percent`. */
  readonly value?: number;
  readonly selector: {
    readonly node?: string;
    readonly pool?: string;
    readonly zone?: string;
    readonly labels?: Readonly<Record<string, string>>;
    readonly name?: string;
  };
  readonly duration?: Time;
  readonly gracePeriod?: Time;
}

export interface RolloutAction {
  readonly target: ObjectRef;
  readonly image?: string;
  /** The container whose image changes (resolved when the template has one container). */
  readonly container?: string;
  /** As written: a strategic-merge patch of `spec.template`. */
  readonly template?: Record<string, unknown>;
  /** The whole change as one strategic-merge patch of the workload (image and template). */
  readonly patch: Record<string, unknown>;
  /** App behaviour of the new revision, over the workload's app. */
  readonly app?: Partial<App>;
}

export type EventAction =
  | { readonly action: "rollout"; readonly rollout: RolloutAction }
  | { readonly action: "scale"; readonly scale: { readonly target: ObjectRef; readonly replicas: number } }
  | { readonly action: "patch"; readonly patch: readonly { readonly target: ObjectRef; readonly patch: Record<string, unknown> }[] }
  | { readonly action: "delete"; readonly delete: { readonly target: ObjectRef } }
  | { readonly action: "apply"; readonly apply: { readonly manifests: readonly Manifest[] } }
  | { readonly action: "fault"; readonly fault: Fault };

export type EventTiming = { readonly at: Time; readonly every?: undefined } | { readonly every: Distribution; readonly at?: undefined };

/** One timeline entry; `index` is its position in `spec.events`. */
export type ScenarioEvent = EventTiming & EventAction & { readonly index: number };

export interface StrategyPatch {
  readonly target: ObjectRef;
  readonly patch: Record<string, unknown>;
}

export interface Strategy {
  readonly name: string;
  readonly description?: string;
  readonly patches: readonly StrategyPatch[];
  readonly timing: TimingOverride;
  readonly apps: Readonly<Record<string, Partial<App>>>;
  /** Replacement traffic entries, by service. */
  readonly traffic: readonly Traffic[];
  /** Index in `spec.strategies` (−1 for the implicit `default`). */
  readonly index: number;
}

export interface Check {
  readonly metric: string;
  readonly service?: string;
  /** `deployment/web`. */
  readonly target?: string;
  readonly min?: number;
  readonly max?: number;
  readonly tolerance?: number;
}

export interface ScenarioSpec {
  /** Normalised to a decimal string when written as a number (`42` → "42"). */
  readonly seed?: string;
  readonly duration: Time;
  readonly replications: number;
  readonly start: "steady" | "empty";
  readonly cluster: { readonly nodes: readonly NodePool[] };
  readonly timing: Timing;
  /** Every object of a simulated kind: manifest files in order, then inline `objects`. */
  readonly manifests: readonly Manifest[];
  /** Behaviour per workload name, for every Deployment, StatefulSet and ReplicaSet (defaults filled). */
  readonly apps: Readonly<Record<string, App>>;
  readonly traffic: readonly Traffic[];
  readonly events: readonly ScenarioEvent[];
  /** At least one: `default` (no changes) when the file lists none. The first is the baseline. */
  readonly strategies: readonly Strategy[];
  readonly checks: readonly Check[];
}

export interface Scenario {
  readonly apiVersion: "kubesim/v1alpha1";
  readonly kind: "Scenario";
  readonly metadata: { readonly name: string; readonly description: string };
  readonly spec: ScenarioSpec;
  /** The scenario file as the caller named it. */
  readonly file: string;
  /** Every file read (scenario first), for hashing and `run.json`. */
  readonly files: readonly string[];
}

/** A strategy applied: the world one strategy's runs simulate. */
export interface EffectiveScenario {
  readonly scenario: Scenario;
  readonly strategy: Strategy;
  readonly manifests: readonly Manifest[];
  readonly timing: Timing;
  readonly apps: Readonly<Record<string, App>>;
  readonly traffic: readonly Traffic[];
  readonly events: readonly ScenarioEvent[];
}
