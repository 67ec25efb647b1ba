/**
 * Workload objects: Deployments, ReplicaSets, StatefulSets and Services, with the spec fields
 * the controllers read and the status fields they write. Pod templates stay in their manifest
 * shape (plain JSON), because the template is what revisions are hashed and compared on.
 *
 * Leaves out: DaemonSets, Jobs, HPA; ControllerRevision objects are kept inside the StatefulSet.
 */
import type { Time } from "../core/time.ts";

/** A pod template as written in a manifest: `{metadata: {labels, annotations}, spec: {...}}`. */
export interface PodTemplate {
  metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> };
  spec?: Record<string, unknown>;
}

export interface LabelSelectorRequirement {
  readonly key: string;
  readonly operator: "In" | "NotIn" | "Exists" | "DoesNotExist";
  readonly values?: readonly string[];
}

export interface LabelSelector {
  readonly matchLabels?: Readonly<Record<string, string>>;
  readonly matchExpressions?: readonly LabelSelectorRequirement[];
}

export type IntOrPercent = number | string;

export interface DeploymentStrategy {
  type: "RollingUpdate" | "Recreate";
  rollingUpdate?: { maxSurge?: IntOrPercent; maxUnavailable?: IntOrPercent };
}

export interface Condition {
  status: "True" | "False" | "Unknown";
  reason: string;
  message: string;
  lastUpdateTime: Time;
  lastTransitionTime: Time;
}

export interface Deployment {
  readonly kind: "Deployment";
  readonly name: string;
  readonly namespace: string;
  readonly uid: string;
  readonly creationTime: Time;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  generation: number;
  spec: {
    replicas: number;
    selector: LabelSelector;
    template: PodTemplate;
    strategy: DeploymentStrategy;
    minReadySeconds: number;
    revisionHistoryLimit: number;
    progressDeadlineSeconds: number | null;
    paused: boolean;
  };
  status: {
    observedGeneration: number;
    replicas: number;
    updatedReplicas: number;
    readyReplicas: number;
    availableReplicas: number;
    unavailableReplicas: number;
    terminatingReplicas: number;
    conditions: { Available?: Condition; Progressing?: Condition };
  };
}

export interface ReplicaSet {
  readonly kind: "ReplicaSet";
  readonly name: string;
  readonly namespace: string;
  readonly uid: string;
  readonly creationTime: Time;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  readonly owner: { readonly kind: "Deployment"; readonly name: string; readonly uid: string } | null;
  generation: number;
  deletionTimestamp: Time | null;
  spec: {
    replicas: number;
    minReadySeconds: number;
    selector: LabelSelector;
    template: PodTemplate;
  };
  /** The pod-template-hash label value; revision of the pods it creates. */
  readonly templateHash: string;
  status: {
    observedGeneration: number;
    replicas: number;
    readyReplicas: number;
    availableReplicas: number;
    terminatingReplicas: number;
  };
}

export interface ControllerRevision {
  readonly name: string;
  readonly hash: string;
  readonly revision: number;
  readonly template: PodTemplate;
}

export interface VolumeClaimTemplate {
  readonly name: string;
}

export interface StatefulSet {
  readonly kind: "StatefulSet";
  readonly name: string;
  readonly namespace: string;
  readonly uid: string;
  readonly creationTime: Time;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  generation: number;
  spec: {
    replicas: number;
    selector: LabelSelector;
    template: PodTemplate;
    serviceName: string;
    podManagementPolicy: "OrderedReady" | "Parallel";
    updateStrategy: {
      type: "RollingUpdate" | "OnDelete";
      rollingUpdate?: { partition?: number; maxUnavailable?: IntOrPercent };
    };
    minReadySeconds: number;
    revisionHistoryLimit: number;
    ordinalsStart: number;
    volumeClaimTemplates: readonly VolumeClaimTemplate[];
    persistentVolumeClaimRetentionPolicy: { whenDeleted: "Retain" | "Delete"; whenScaled: "Retain" | "Delete" };
  };
  status: {
    observedGeneration: number;
    replicas: number;
    readyReplicas: number;
    availableReplicas: number;
    currentReplicas: number;
    updatedReplicas: number;
    currentRevision: string;
    updateRevision: string;
  };
  revisions: ControllerRevision[];
}

export interface ServicePort {
  readonly name?: string;
  readonly port: number;
  readonly targetPort?: number | string;
}

export interface Service {
  readonly kind: "Service";
  readonly name: string;
  readonly namespace: string;
  readonly uid: string;
  selector: Readonly<Record<string, string>> | null;
  /** clusterIP: None. */
  headless: boolean;
  publishNotReadyAddresses: boolean;
  ports: readonly ServicePort[];
}

export interface PodDisruptionBudget {
  readonly kind: "PodDisruptionBudget";
  readonly name: string;
  readonly namespace: string;
  readonly selector: LabelSelector;
  readonly minAvailable: IntOrPercent | null;
  readonly maxUnavailable: IntOrPercent | null;
}

/**
 * metav1.LabelSelectorAsSelector(selector).Matches(labels): matchLabels are equality
 * requirements, matchExpressions follow labels.Requirement.Matches (NotIn and DoesNotExist match
 * a missing key). Own keys only: a label named `constructor` is not Object.prototype's.
 */
export function selectorMatches(selector: LabelSelector, labels: Readonly<Record<string, string>>): boolean {
  const matchLabels = selector.matchLabels;
  if (matchLabels !== undefined) {
    for (const key in matchLabels) if (!Object.hasOwn(labels, key) || labels[key] !== matchLabels[key]) return false;
  }
  if (selector.matchExpressions) {
    for (const req of selector.matchExpressions) {
      const has = Object.hasOwn(labels, req.key);
      const value = labels[req.key];
      switch (req.operator) {
        case "In":
          if (!has || !req.values?.includes(value)) return false;
          break;
        case "NotIn":
          if (has && req.values?.includes(value)) return false;
          break;
        case "Exists":
          if (!has) return false;
          break;
        case "DoesNotExist":
          if (has) return false;
          break;
      }
    }
  }
  return true;
}

/** True when a label map (a Service selector) matches; an empty map selects nothing for Services. */
export function mapSelectorMatches(selector: Readonly<Record<string, string>>, labels: Readonly<Record<string, string>>): boolean {
  for (const key in selector) if (labels[key] !== selector[key]) return false;
  return true;
}
