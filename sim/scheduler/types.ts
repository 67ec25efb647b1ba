/**
 * The scheduler's view of the cluster: the few fields of Node and Pod that the default
 * kube-scheduler plugins read, as plain data the caller owns and keeps up to date.
 *
 * Left out on purpose: init containers, pod overhead, ephemeral storage, extended resources,
 * host ports, volumes, pod (anti-)affinity, preferred node affinity, images, priorities and
 * preemption. The plugins that read them (NodePorts, volume plugins, InterPodAffinity,
 * ImageLocality, DefaultPreemption) have nothing to say about kubesim's pods, so they are not
 * modelled; on upstream they pass every node and score every node alike.
 */

/** Well-known label keys (k8s.io/api/core/v1 well_known_labels.go). */
export const LABEL_HOSTNAME = "kubernetes.io/hostname";
export const LABEL_TOPOLOGY_ZONE = "topology.kubernetes.io/zone";

/** CPU in millicores, memory in bytes. */
export interface ResourceRequests {
  /** Millicores; 0 means "not set" (see `nonZeroRequests`). */
  readonly cpuMilli: number;
  /** Bytes; 0 means "not set" (see `nonZeroRequests`). */
  readonly memoryBytes: number;
}

/** A node's capacity for pods, or the sum over the pods bound to it. */
export interface NodeResources {
  readonly cpuMilli: number;
  readonly memoryBytes: number;
  /** Number of pods (allocatable: `status.allocatable.pods`, default 110). */
  readonly pods: number;
}

export type TaintEffect = "NoSchedule" | "PreferNoSchedule" | "NoExecute";

export interface Taint {
  readonly key: string;
  /** Absent means the empty string, as in the API. */
  readonly value?: string;
  readonly effect: TaintEffect;
}

export interface Toleration {
  /** Absent or empty: matches every key (only meaningful with `Exists`). */
  readonly key?: string;
  /** Absent means `Equal`, as in the API. */
  readonly operator?: "Equal" | "Exists";
  readonly value?: string;
  /** Absent or empty: matches every effect. */
  readonly effect?: TaintEffect | "";
}

/** One `matchExpressions` entry of a metav1.LabelSelector. */
export interface LabelSelectorRequirement {
  readonly key: string;
  readonly operator: "In" | "NotIn" | "Exists" | "DoesNotExist";
  readonly values?: readonly string[];
}

/**
 * A metav1.LabelSelector. Requirements are ANDed; an empty selector (no labels, no expressions)
 * matches everything.
 */
export interface LabelSelector {
  readonly matchLabels?: Readonly<Record<string, string>>;
  readonly matchExpressions?: readonly LabelSelectorRequirement[];
}

/** One `matchExpressions` entry of a NodeSelectorTerm. */
export interface NodeSelectorRequirement {
  readonly key: string;
  readonly operator: "In" | "NotIn" | "Exists" | "DoesNotExist" | "Gt" | "Lt";
  readonly values?: readonly string[];
}

/** Requirements within a term are ANDed; a term without requirements matches no node. */
export interface NodeSelectorTerm {
  readonly matchExpressions?: readonly NodeSelectorRequirement[];
}

/** `requiredDuringSchedulingIgnoredDuringExecution`: the terms are ORed; no terms matches nothing. */
export interface RequiredNodeAffinity {
  readonly nodeSelectorTerms: readonly NodeSelectorTerm[];
}

export interface TopologySpreadConstraint {
  /** ≥ 1. */
  readonly maxSkew: number;
  readonly topologyKey: string;
  readonly whenUnsatisfiable: "DoNotSchedule" | "ScheduleAnyway";
  /** Absent selects no pods (metav1.LabelSelectorAsSelector(nil) is labels.Nothing()). */
  readonly labelSelector?: LabelSelector;
  /** Absent means 1. Only DoNotSchedule constraints use it. */
  readonly minDomains?: number;
  /** Absent means Honor: only nodes matching the pod's nodeSelector/affinity are counted. */
  readonly nodeAffinityPolicy?: "Honor" | "Ignore";
  /** Absent means Ignore: tainted nodes are counted too. */
  readonly nodeTaintsPolicy?: "Honor" | "Ignore";
}

export interface SchedNode {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  /**
   * The `topology.kubernetes.io/zone` label; "" means the node has no zone label. It is the
   * value the scheduler sees for that key, whatever `labels` says.
   */
  readonly zone: string;
  readonly allocatable: NodeResources;
  /** Σ requests of the pods bound to the node, terminating pods included; pods = their count. */
  readonly requested: NodeResources;
  /**
   * Σ `nonZeroRequests` of the same pods (upstream NodeInfo.NonZeroRequested), used only by the
   * LeastAllocated score. Absent: `requested` is used, which differs only when some bound pod
   * has a zero request.
   */
  readonly nonZeroRequested?: ResourceRequests;
  /** `spec.unschedulable` (cordoned). */
  readonly unschedulable: boolean;
  readonly taints: readonly Taint[];
  /**
   * Not read by the scheduler: upstream has no Ready filter and relies on the node lifecycle
   * controller's `not-ready` / `unreachable` NoSchedule taints, so the caller must set those.
   */
  readonly ready: boolean;
}

export interface SchedPod {
  readonly name: string;
  readonly namespace: string;
  readonly labels: Readonly<Record<string, string>>;
  /** Σ container requests. A zero field is taken as "not set". */
  readonly requests: ResourceRequests;
  readonly nodeSelector?: Readonly<Record<string, string>>;
  readonly requiredNodeAffinity?: RequiredNodeAffinity;
  readonly tolerations: readonly Toleration[];
  /**
   * The selector upstream's helper.DefaultSelector builds from the Services, ReplicaSets and
   * StatefulSets selecting the pod; it drives the system-default topology spreading. Absent or
   * empty: no default spreading. Pass the same object for every pod of an owner so a counter can
   * cache by identity.
   */
  readonly spreadSelector?: LabelSelector;
  /** When non-empty, replaces default spreading entirely (filter and score). */
  readonly topologySpreadConstraints?: readonly TopologySpreadConstraint[];
}

/**
 * Counts existing pods for topology spreading. Upstream counts, on a node, the pods that are in
 * the incoming pod's namespace, are not terminating (deletionTimestamp unset) and whose labels
 * match the selector (podtopologyspread/common.go countPodsMatchSelector).
 */
export interface MatchingPodCounter {
  /** Matching pods bound to `nodeName`. */
  countOnNode(nodeName: string, namespace: string, selector: LabelSelector): number;
  /**
   * Optional fast path: Σ countOnNode over every node whose `zone` equals `zone` ("" = nodes
   * without a zone). Used only when that sum is exactly what upstream computes (the pod has no
   * nodeSelector/affinity to restrict counted nodes); otherwise, and when absent, the scheduler
   * walks all nodes.
   */
  countInZone?(zone: string, namespace: string, selector: LabelSelector): number;
  /**
   * Optional fast path: countOnNode for every node of `nodes` at once, as an array indexed like
   * `nodes`, or undefined when the counter cannot index this node list (then countOnNode is used).
   * Read only during the call that asked for it.
   */
  countsByNode?(namespace: string, selector: LabelSelector, nodes: readonly SchedNode[]): ArrayLike<number> | undefined;
}
