/**
 * Pods from templates, as the ReplicaSet and StatefulSet controllers make them: the simulated
 * part of the spec is read once from the template (containers, probes with their API defaults,
 * preStop, requests, grace period, scheduling constraints), and the pod gets the template's
 * labels plus the revision label of its controller.
 *
 * Defaults: pkg/apis/core/v1/defaults.go (probe period 10 s, timeout 1 s, thresholds 1 and 3;
 * terminationGracePeriodSeconds 30; restartPolicy Always; imagePullPolicy Always for `:latest`
 * or no tag, else IfNotPresent).
 *
 * Leaves out: init containers, volumes, limits (only requests matter to the scheduler).
 */
import type { Time } from "../core/time.ts";
import type { ContainerSpec, OwnerRef, Pod, PodSpec, PreStopSpec, ProbeSpec, Toleration } from "./objects.ts";
import { cpuMillicores, memoryBytes } from "../scenario/quantity.ts";
import type { PodTemplate } from "./workloads.ts";

type Json = Record<string, unknown>;

const asObject = (v: unknown): Json => (v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Json) : {});
const asArray = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const asNumber = (v: unknown, fallback: number): number => (typeof v === "number" ? v : fallback);

export function probeFrom(raw: unknown): ProbeSpec | null {
  if (raw === undefined || raw === null) return null;
  const p = asObject(raw);
  return {
    initialDelaySeconds: asNumber(p.initialDelaySeconds, 0),
    periodSeconds: asNumber(p.periodSeconds, 10),
    timeoutSeconds: asNumber(p.timeoutSeconds, 1),
    successThreshold: asNumber(p.successThreshold, 1),
    failureThreshold: asNumber(p.failureThreshold, 3),
  };
}

function preStopFrom(raw: unknown): PreStopSpec | null {
  const hook = asObject(asObject(raw).preStop);
  if (hook.sleep !== undefined) return { sleepSeconds: asNumber(asObject(hook.sleep).seconds, 0) };
  if (hook.exec !== undefined) return { handler: "exec" };
  if (hook.httpGet !== undefined) return { handler: "httpGet" };
  return null;
}

/** SetDefaults_Container: Always when the tag is `latest` or missing (and no digest). */
function defaultPullPolicy(image: string): ContainerSpec["imagePullPolicy"] {
  if (image.includes("@")) return "IfNotPresent";
  const lastSlash = image.lastIndexOf("/");
  const colon = image.indexOf(":", lastSlash + 1);
  const tag = colon < 0 ? "" : image.slice(colon + 1);
  return tag === "" || tag === "latest" ? "Always" : "IfNotPresent";
}

function containerFrom(raw: unknown): ContainerSpec {
  const c = asObject(raw);
  const image = typeof c.image === "string" ? c.image : "";
  const requests = asObject(asObject(c.resources).requests);
  return {
    name: typeof c.name === "string" ? c.name : "",
    image,
    imagePullPolicy: (c.imagePullPolicy as ContainerSpec["imagePullPolicy"]) ?? defaultPullPolicy(image),
    requests: {
      cpuMilli: requests.cpu === undefined ? 0 : cpuMillicores(requests.cpu as string | number),
      memoryBytes: requests.memory === undefined ? 0 : memoryBytes(requests.memory as string | number),
    },
    readinessProbe: probeFrom(c.readinessProbe),
    livenessProbe: probeFrom(c.livenessProbe),
    startupProbe: probeFrom(c.startupProbe),
    preStop: preStopFrom(c.lifecycle),
  };
}

export const TAINT_NOT_READY = "node.kubernetes.io/not-ready";
export const TAINT_UNREACHABLE = "node.kubernetes.io/unreachable";

/**
 * The DefaultTolerationSeconds admission plugin (plugin/pkg/admission/defaulttolerationseconds):
 * a pod that does not already tolerate not-ready / unreachable NoExecute taints (a toleration
 * with that key or an empty key, and effect NoExecute or empty) gets one with
 * `tolerationSeconds` (300 by default).
 */
export function withDefaultTolerations(tolerations: readonly Toleration[], seconds: number): Toleration[] {
  const tolerates = (key: string) =>
    tolerations.some((t) => (t.key === key || !t.key) && (t.effect === "NoExecute" || !t.effect));
  const out = [...tolerations];
  for (const key of [TAINT_NOT_READY, TAINT_UNREACHABLE]) {
    if (!tolerates(key)) out.push({ key, operator: "Exists", effect: "NoExecute", tolerationSeconds: seconds });
  }
  return out;
}

export interface PodIdentity {
  readonly hostname?: string;
  readonly subdomain?: string;
  /** DefaultTolerationSeconds for the admission plugin; undefined: no defaulting. */
  readonly defaultTolerationSeconds?: number;
}

/**
 * Specs already read, per template object and DefaultTolerationSeconds, for pods without a
 * hostname or subdomain (ReplicaSet pods): 150,000 pods of 700 templates then share 700 specs
 * instead of each parsing its quantities and holding its own copy. Templates are never changed
 * in place (a new template is a new object), and a PodSpec is read-only.
 */
const sharedSpecs = new WeakMap<PodTemplate, Map<number | undefined, PodSpec>>();

/** The simulated pod spec of a template, as admitted by the API server. */
export function podSpecFromTemplate(template: PodTemplate, identity: PodIdentity = {}): PodSpec {
  if (identity.hostname !== undefined || identity.subdomain !== undefined) return readPodSpec(template, identity);
  let byTolerationSeconds = sharedSpecs.get(template);
  if (byTolerationSeconds === undefined) sharedSpecs.set(template, (byTolerationSeconds = new Map()));
  let spec = byTolerationSeconds.get(identity.defaultTolerationSeconds);
  if (spec === undefined) {
    spec = readPodSpec(template, identity);
    byTolerationSeconds.set(identity.defaultTolerationSeconds, spec);
  }
  return spec;
}

function readPodSpec(template: PodTemplate, identity: PodIdentity): PodSpec {
  const spec = asObject(template.spec);
  const nodeAffinity = asObject(asObject(spec.affinity).nodeAffinity);
  return {
    containers: asArray(spec.containers).map(containerFrom),
    terminationGracePeriodSeconds: asNumber(spec.terminationGracePeriodSeconds, 30),
    restartPolicy: (spec.restartPolicy as PodSpec["restartPolicy"]) ?? "Always",
    nodeSelector: asObject(spec.nodeSelector) as Record<string, string>,
    tolerations:
      identity.defaultTolerationSeconds === undefined
        ? (asArray(spec.tolerations) as Toleration[])
        : withDefaultTolerations(asArray(spec.tolerations) as Toleration[], identity.defaultTolerationSeconds),
    requiredNodeAffinity: nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution ?? null,
    hostname: identity.hostname ?? null,
    subdomain: identity.subdomain ?? null,
  };
}

export interface NewPod {
  readonly uid: string;
  readonly name: string;
  readonly namespace: string;
  readonly template: PodTemplate;
  readonly spec: PodSpec;
  readonly owner: OwnerRef;
  readonly revision: string;
  readonly extraLabels: Readonly<Record<string, string>>;
  readonly app: string;
  readonly now: Time;
}

/** A new Pending pod object (not yet bound), as the API server would store it. */
export function newPod(p: NewPod): Pod {
  return {
    uid: p.uid,
    name: p.name,
    namespace: p.namespace,
    labels: { ...(p.template.metadata?.labels ?? {}), ...p.extraLabels },
    annotations: { ...(p.template.metadata?.annotations ?? {}) },
    owner: p.owner,
    revision: p.revision,
    app: p.app,
    spec: p.spec,
    creationTime: p.now,
    nodeName: null,
    ip: null,
    phase: "Pending",
    ready: false,
    readyTransitionTime: p.now,
    containersRunning: false,
    process: "none",
    restartCount: 0,
    deletionTimestamp: null,
    deletionRequestedAt: null,
    deletionGracePeriodSeconds: null,
    disruptionTarget: null,
  };
}

/** controller.kubernetes.io/pod-deletion-cost, default 0 (invalid values count as 0). */
export function deletionCost(pod: Pod): number {
  const v = pod.annotations["controller.kubernetes.io/pod-deletion-cost"];
  if (v === undefined) return 0;
  const n = Number(v);
  return Number.isInteger(n) ? n : 0;
}
