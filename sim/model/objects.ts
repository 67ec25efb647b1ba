/**
 * The cluster's objects as kubesim holds them: plain data, mutated only through the store's
 * apply step. Fields mirror the Kubernetes API where kubesim simulates them (names kept), and a
 * pod also carries the kubelet's view of its process, which the API does not show but which
 * decides whether a request to the pod succeeds.
 *
 * Leaves out: namespaces other than as a name, API versions, resourceVersions, managed fields.
 */
import type { Time } from "../core/time.ts";

export type PodPhase = "Pending" | "Running" | "Succeeded" | "Failed" | "Unknown";

export interface ProbeSpec {
  readonly initialDelaySeconds: number;
  readonly periodSeconds: number;
  readonly timeoutSeconds: number;
  readonly successThreshold: number;
  readonly failureThreshold: number;
}

/** The preStop hook kubesim models: a sleep of fixed length, or a handler taking the app's time. */
export type PreStopSpec = { readonly sleepSeconds: number } | { readonly handler: "exec" | "httpGet" };

export interface ContainerSpec {
  readonly name: string;
  readonly image: string;
  readonly imagePullPolicy: "Always" | "IfNotPresent" | "Never";
  readonly requests: Resources;
  readonly readinessProbe: ProbeSpec | null;
  readonly livenessProbe: ProbeSpec | null;
  readonly startupProbe: ProbeSpec | null;
  readonly preStop: PreStopSpec | null;
}

export interface Resources {
  readonly cpuMilli: number;
  readonly memoryBytes: number;
}

export interface Toleration {
  readonly key?: string;
  readonly operator: "Equal" | "Exists";
  readonly value?: string;
  readonly effect?: TaintEffect;
  readonly tolerationSeconds?: number;
}

export type TaintEffect = "NoSchedule" | "PreferNoSchedule" | "NoExecute";

export interface Taint {
  readonly key: string;
  readonly value?: string;
  readonly effect: TaintEffect;
  /** When the taint was added (NoExecute eviction counts from here). */
  readonly timeAdded: Time;
}

/** What kubesim simulates of a pod spec; derived once from the template when the pod is made. */
export interface PodSpec {
  readonly containers: readonly ContainerSpec[];
  readonly terminationGracePeriodSeconds: number;
  readonly restartPolicy: "Always" | "OnFailure" | "Never";
  readonly nodeSelector: Readonly<Record<string, string>>;
  readonly tolerations: readonly Toleration[];
  /** Raw `affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution`, or null. */
  readonly requiredNodeAffinity: unknown;
  readonly hostname: string | null;
  readonly subdomain: string | null;
}

export interface OwnerRef {
  readonly kind: "ReplicaSet" | "StatefulSet";
  readonly name: string;
  readonly uid: string;
}

/**
 * The kubelet's view of the pod's process (not in the API). `listening` is what decides whether
 * a request that reaches the pod is answered.
 */
export type ProcessState =
  | "none" // not started: scheduling, pulling, or waiting to restart
  | "starting" // container running, app not yet listening
  | "listening" // answering requests
  | "stopping" // SIGTERM received: refuses new requests
  | "exited"; // gone

export interface Pod {
  readonly uid: string;
  readonly name: string;
  readonly namespace: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  readonly owner: OwnerRef | null;
  /** pod-template-hash (Deployment) or controller-revision-hash (StatefulSet). */
  readonly revision: string;
  /** Workload whose `apps` behaviour the process follows. */
  readonly app: string;
  readonly spec: PodSpec;
  readonly creationTime: Time;

  nodeName: string | null;
  ip: string | null;
  phase: PodPhase;
  /** The PodReady condition. */
  ready: boolean;
  /** lastTransitionTime of the PodReady condition (exact; Kubernetes floors it to the second). */
  readyTransitionTime: Time;
  containersRunning: boolean;
  process: ProcessState;
  restartCount: number;
  /** deletionTimestamp: set when deletion is requested (now + grace); null while not terminating. */
  deletionTimestamp: Time | null;
  /** When deletion was requested. */
  deletionRequestedAt: Time | null;
  deletionGracePeriodSeconds: number | null;
  /** Set while a node eviction or disruption condition applies (DisruptionTarget). */
  disruptionTarget: string | null;
}

export interface NodeCondition {
  status: "True" | "False" | "Unknown";
  lastTransitionTime: Time;
}

export interface Node {
  readonly name: string;
  readonly pool: string;
  readonly zone: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly allocatable: Resources & { readonly pods: number };
  /** Σ requests of pods bound here, terminating ones included (scheduler's NodeResourcesFit). */
  requested: { cpuMilli: number; memoryBytes: number; pods: number };
  unschedulable: boolean;
  taints: Taint[];
  ready: NodeCondition;
  /** Whether the kubelet is running and posting status (false after node-failure). */
  kubeletUp: boolean;
  /** Whether the control plane and other nodes can reach the node (false under network-partition). */
  reachable: boolean;
  /** Images present in the node's cache. */
  readonly images: Set<string>;
}

export function isPodActive(pod: Pod): boolean {
  // pkg/controller/controller_utils.go IsPodActive
  return pod.phase !== "Succeeded" && pod.phase !== "Failed" && pod.deletionTimestamp === null;
}

export function isPodTerminating(pod: Pod): boolean {
  return pod.deletionTimestamp !== null;
}
