/**
 * Kubernetes manifests (plain JSON, already validated by the scenario loader) → kubesim's
 * workload objects, with the API server's defaults (pkg/apis/apps/v1/defaults.go,
 * pkg/apis/core/v1/defaults.go): replicas 1, RollingUpdate 25 %/25 %, revisionHistoryLimit 10,
 * progressDeadlineSeconds 600, StatefulSet OrderedReady with partition 0 and Retain/Retain PVCs.
 */
import type { Time } from "../core/time.ts";
import type {
  Deployment,
  DeploymentStrategy,
  IntOrPercent,
  LabelSelector,
  PodDisruptionBudget,
  PodTemplate,
  Service,
  StatefulSet,
} from "./workloads.ts";

export type Manifest = { kind?: unknown; metadata?: { name?: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> }; spec?: Record<string, unknown> };

const obj = (v: unknown): Record<string, unknown> => (v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : {});
const num = (v: unknown, d: number): number => (typeof v === "number" ? v : d);

function meta(m: Manifest) {
  return {
    name: m.metadata?.name ?? "",
    namespace: m.metadata?.namespace ?? "default",
    labels: { ...(m.metadata?.labels ?? {}) },
    annotations: { ...(m.metadata?.annotations ?? {}) },
  };
}

export function deploymentFromManifest(m: Manifest, uid: string, now: Time): Deployment {
  const spec = obj(m.spec);
  const strategy = obj(spec.strategy);
  const type = (strategy.type as DeploymentStrategy["type"]) ?? "RollingUpdate";
  const rolling = obj(strategy.rollingUpdate);
  return {
    kind: "Deployment",
    ...meta(m),
    uid,
    creationTime: now,
    generation: 1,
    spec: {
      replicas: num(spec.replicas, 1),
      selector: obj(spec.selector) as LabelSelector,
      template: structuredClone(obj(spec.template)) as PodTemplate,
      strategy:
        type === "RollingUpdate"
          ? {
              type,
              rollingUpdate: {
                maxSurge: (rolling.maxSurge as IntOrPercent | undefined) ?? "25%",
                maxUnavailable: (rolling.maxUnavailable as IntOrPercent | undefined) ?? "25%",
              },
            }
          : { type },
      minReadySeconds: num(spec.minReadySeconds, 0),
      revisionHistoryLimit: num(spec.revisionHistoryLimit, 10),
      progressDeadlineSeconds: num(spec.progressDeadlineSeconds, 600),
      paused: spec.paused === true,
    },
    status: {
      observedGeneration: 0,
      replicas: 0,
      updatedReplicas: 0,
      readyReplicas: 0,
      availableReplicas: 0,
      unavailableReplicas: 0,
      terminatingReplicas: 0,
      conditions: {},
    },
  };
}

export function statefulSetFromManifest(m: Manifest, uid: string, now: Time): StatefulSet {
  const spec = obj(m.spec);
  const update = obj(spec.updateStrategy);
  const rolling = obj(update.rollingUpdate);
  const retention = obj(spec.persistentVolumeClaimRetentionPolicy);
  const type = (update.type as "RollingUpdate" | "OnDelete") ?? "RollingUpdate";
  return {
    kind: "StatefulSet",
    ...meta(m),
    uid,
    creationTime: now,
    generation: 1,
    spec: {
      replicas: num(spec.replicas, 1),
      selector: obj(spec.selector) as LabelSelector,
      template: structuredClone(obj(spec.template)) as PodTemplate,
      serviceName: typeof spec.serviceName === "string" ? spec.serviceName : "",
      podManagementPolicy: spec.podManagementPolicy === "Parallel" ? "Parallel" : "OrderedReady",
      updateStrategy:
        type === "RollingUpdate"
          ? { type, rollingUpdate: { partition: num(rolling.partition, 0), maxUnavailable: (rolling.maxUnavailable as IntOrPercent | undefined) ?? 1 } }
          : { type },
      minReadySeconds: num(spec.minReadySeconds, 0),
      revisionHistoryLimit: num(spec.revisionHistoryLimit, 10),
      ordinalsStart: num(obj(spec.ordinals).start, 0),
      volumeClaimTemplates: (Array.isArray(spec.volumeClaimTemplates) ? spec.volumeClaimTemplates : []).map((t) => ({
        name: String(obj(obj(t).metadata).name ?? ""),
      })),
      persistentVolumeClaimRetentionPolicy: {
        whenDeleted: retention.whenDeleted === "Delete" ? "Delete" : "Retain",
        whenScaled: retention.whenScaled === "Delete" ? "Delete" : "Retain",
      },
    },
    status: {
      observedGeneration: 0,
      replicas: 0,
      readyReplicas: 0,
      availableReplicas: 0,
      currentReplicas: 0,
      updatedReplicas: 0,
      currentRevision: "",
      updateRevision: "",
    },
    revisions: [],
  };
}

export function serviceFromManifest(m: Manifest, uid: string): Service {
  const spec = obj(m.spec);
  const selector = spec.selector === undefined ? null : (obj(spec.selector) as Record<string, string>);
  return {
    kind: "Service",
    name: meta(m).name,
    namespace: meta(m).namespace,
    uid,
    selector,
    headless: spec.clusterIP === "None",
    publishNotReadyAddresses: spec.publishNotReadyAddresses === true,
    ports: (Array.isArray(spec.ports) ? spec.ports : []).map((p) => {
      const port = obj(p);
      return { name: port.name as string | undefined, port: num(port.port, 0), targetPort: port.targetPort as number | string | undefined };
    }),
  };
}

export function podDisruptionBudgetFromManifest(m: Manifest): PodDisruptionBudget {
  const spec = obj(m.spec);
  return {
    kind: "PodDisruptionBudget",
    name: meta(m).name,
    namespace: meta(m).namespace,
    selector: obj(spec.selector) as LabelSelector,
    minAvailable: (spec.minAvailable as IntOrPercent | undefined) ?? null,
    maxUnavailable: (spec.maxUnavailable as IntOrPercent | undefined) ?? null,
  };
}
