/**
 * The API server's admission of the kinds kubesim simulates: apiVersion/kind resolution, the
 * defaults it fills in (pkg/apis/apps/v1/defaults.go, pkg/apis/core/v1/defaults.go), and the
 * validation it runs on the defaulted object (pkg/apis/apps/validation/validation.go,
 * pkg/apis/core/validation/validation.go, pkg/apis/policy/validation/validation.go), worded as
 * upstream words it: replicas ≥ 0, maxSurge and maxUnavailable not both 0, the selector matching
 * the template labels, DNS-1123 names, probe minimums, quantities, enums.
 *
 * Order as upstream: defaults first, then validation, so `maxUnavailable: 0` alone is valid
 * (maxSurge defaults to 25%), and a probe's `periodSeconds: 0` means 10.
 *
 * Left out: fields kubesim does not simulate (kube-fields.ts warns about them; their values are
 * not validated), immutability and update validation, and cluster-dependent admission (quotas,
 * limit ranges, pod security).
 */
import {
  type FieldPath,
  forbidden,
  invalid,
  notSupported,
  type PathSegment,
  required,
  suggest,
  duplicate,
  mapKey,
  formatValue,
} from "./diagnostics.ts";
import { booleanMessage } from "./zod-diagnostics.ts";
import {
  isDNS1035Label,
  isDNS1123Label,
  isDNS1123Subdomain,
  isEmptySelector,
  isQualifiedName,
  isValidLabelValue,
  isValidPortName,
  type LabelSelector,
  PERCENT_MESSAGE,
  selectorMatches,
} from "./names.ts";
import { compareQuantities, isNegative, milliValue, parseQuantity, type Quantity, QuantityError, value as wholeUnits } from "./quantity.ts";
import { MAX_REPLICAS } from "./schema.ts";

/** The largest int32: fields the API decodes as int32 cannot hold more. */
const INT32_MAX = 2_147_483_647;

/** A Kubernetes object as plain JSON. */
export type KubeObject = Record<string, unknown>;

/** The kinds kubesim simulates, with the one apiVersion each is served at. */
export const SIMULATED_KINDS = {
  Deployment: "apps/v1",
  ReplicaSet: "apps/v1",
  StatefulSet: "apps/v1",
  Service: "v1",
  PodDisruptionBudget: "policy/v1",
} as const;
export type SimulatedKind = keyof typeof SIMULATED_KINDS;

/** Kubernetes kinds that may sit in the same manifest files and are skipped with a warning. */
const KNOWN_UNSIMULATED_KINDS = new Set([
  "ConfigMap",
  "Secret",
  "ServiceAccount",
  "Role",
  "RoleBinding",
  "ClusterRole",
  "ClusterRoleBinding",
  "Ingress",
  "IngressClass",
  "NetworkPolicy",
  "HorizontalPodAutoscaler",
  "DaemonSet",
  "Job",
  "CronJob",
  "Pod",
  "PodTemplate",
  "PersistentVolumeClaim",
  "PersistentVolume",
  "StorageClass",
  "LimitRange",
  "ResourceQuota",
  "PriorityClass",
  "Endpoints",
  "EndpointSlice",
  "CustomResourceDefinition",
  "MutatingWebhookConfiguration",
  "ValidatingWebhookConfiguration",
  "ValidatingAdmissionPolicy",
  "ValidatingAdmissionPolicyBinding",
  "Lease",
  "Event",
  "ControllerRevision",
  "RuntimeClass",
  "CSIDriver",
  "APIService",
  "Node",
]);

export interface KubeFinding {
  readonly path: FieldPath;
  readonly message: string;
  /** Point at the key rather than the value. */
  readonly atKey?: boolean;
}

export type Classification =
  | { readonly action: "simulate"; readonly kind: SimulatedKind }
  /** Skipped; `warning` says why (absent for Namespace, which kubesim treats as a given). */
  | { readonly action: "skip"; readonly warning?: KubeFinding }
  | { readonly action: "list"; readonly items: unknown[] }
  | { readonly action: "reject"; readonly errors: KubeFinding[] };

function isMap(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Whether an apiVersion belongs to a custom resource (a dotted group that is not Kubernetes'). */
function isCustomGroup(apiVersion: string): boolean {
  const group = apiVersion.includes("/") ? apiVersion.slice(0, apiVersion.indexOf("/")) : "";
  return group.includes(".") && !group.endsWith(".k8s.io");
}

/** What to do with a document: simulate it, skip it, flatten a `List`, or reject it. */
export function classifyObject(value: unknown): Classification {
  if (!isMap(value)) {
    return { action: "reject", errors: [{ path: [], message: invalid(value, "must be a Kubernetes object (a mapping)") }] };
  }
  const { apiVersion, kind } = value;
  const errors: KubeFinding[] = [];
  if (apiVersion === undefined) errors.push({ path: ["apiVersion"], message: required() });
  else if (typeof apiVersion !== "string") errors.push({ path: ["apiVersion"], message: invalid(apiVersion, "must be a string") });
  if (kind === undefined) errors.push({ path: ["kind"], message: required() });
  else if (typeof kind !== "string") errors.push({ path: ["kind"], message: invalid(kind, "must be a string") });
  if (errors.length > 0 || typeof apiVersion !== "string" || typeof kind !== "string") return { action: "reject", errors };

  if (kind === "List" && apiVersion === "v1") {
    if (!Array.isArray(value.items)) return { action: "reject", errors: [{ path: ["items"], message: required("a List needs items") }] };
    return { action: "list", items: value.items };
  }
  if (kind in SIMULATED_KINDS) {
    const expected = SIMULATED_KINDS[kind as SimulatedKind];
    if (apiVersion !== expected) {
      return { action: "reject", errors: [{ path: ["apiVersion"], message: notSupported(apiVersion, [expected]) }] };
    }
    return { action: "simulate", kind: kind as SimulatedKind };
  }
  if (kind === "Namespace") return { action: "skip" };
  if (KNOWN_UNSIMULATED_KINDS.has(kind) || isCustomGroup(apiVersion)) {
    return {
      action: "skip",
      warning: { path: ["kind"], message: `${kind} (${apiVersion}) is not simulated by kubesim; object ignored` },
    };
  }
  const candidates = [...Object.keys(SIMULATED_KINDS), ...KNOWN_UNSIMULATED_KINDS];
  const close = suggest(kind, candidates);
  const hint = close === undefined ? "" : `; did you mean ${JSON.stringify(close)}?`;
  return {
    action: "reject",
    errors: [{ path: ["kind"], message: invalid(kind, `no matches for kind ${formatValue(kind)} in version ${formatValue(apiVersion)}${hint}`) }],
  };
}

// ---------------------------------------------------------------------------------------------
// Defaults (SetDefaults_*). Only fields kubesim simulates; each is set only where absent, and
// only inside values of the right type (validation reports the wrong ones).

function child(parent: Record<string, unknown>, key: string): Record<string, unknown> | undefined {
  const v = parent[key];
  return isMap(v) ? v : undefined;
}

function ensureMap(parent: Record<string, unknown>, key: string): Record<string, unknown> | undefined {
  if (parent[key] === undefined) parent[key] = {};
  return child(parent, key);
}

/** SetDefaults_Container: Always for `:latest` or an untagged image (and no digest), else IfNotPresent. */
export function defaultImagePullPolicy(image: string): "Always" | "IfNotPresent" {
  if (image.includes("@")) return "IfNotPresent";
  const lastSlash = image.lastIndexOf("/");
  const colon = image.indexOf(":", lastSlash + 1);
  const tag = colon < 0 ? "" : image.slice(colon + 1);
  return tag === "" || tag === "latest" ? "Always" : "IfNotPresent";
}

const PROBE_DEFAULTS = { timeoutSeconds: 1, periodSeconds: 10, successThreshold: 1, failureThreshold: 3 } as const;

function defaultPodTemplate(template: Record<string, unknown> | undefined, path: PathSegment[], warnings: KubeFinding[]): void {
  if (template === undefined) return;
  const spec = child(template, "spec");
  if (spec === undefined) return;
  spec.restartPolicy ??= "Always";
  spec.terminationGracePeriodSeconds ??= 30;
  const containers = spec.containers;
  if (!Array.isArray(containers)) return;
  containers.forEach((c, i) => {
    if (!isMap(c)) return;
    if (typeof c.image === "string") c.imagePullPolicy ??= defaultImagePullPolicy(c.image);
    if (Array.isArray(c.ports)) for (const p of c.ports) if (isMap(p)) p.protocol ??= "TCP";
    for (const probeName of ["readinessProbe", "livenessProbe", "startupProbe"]) {
      const probe = child(c, probeName);
      if (probe === undefined) continue;
      for (const [field, value] of Object.entries(PROBE_DEFAULTS)) {
        if (probe[field] === 0) {
          warnings.push({
            path: [...path, "spec", "containers", i, probeName, field],
            message: `0 means the default (${value}), as the API server reads it`,
          });
        }
        if (probe[field] === undefined || probe[field] === 0) probe[field] = value;
      }
    }
  });
}

/**
 * Fills in the API server's defaults for a simulated kind, in place. Returns warnings for values
 * the server silently replaces (a probe's `periodSeconds: 0` is 10).
 */
export function applyKubernetesDefaults(obj: KubeObject, kind: SimulatedKind): KubeFinding[] {
  const warnings: KubeFinding[] = [];
  const meta = child(obj, "metadata");
  if (meta !== undefined) meta.namespace ??= "default";
  const spec = child(obj, "spec");
  if (spec === undefined) return warnings;
  switch (kind) {
    case "Deployment": {
      spec.replicas ??= 1;
      const strategy = ensureMap(spec, "strategy");
      if (strategy !== undefined) {
        strategy.type ??= "RollingUpdate";
        if (strategy.type === "RollingUpdate") {
          const rolling = ensureMap(strategy, "rollingUpdate");
          if (rolling !== undefined) {
            rolling.maxUnavailable ??= "25%";
            rolling.maxSurge ??= "25%";
          }
        }
      }
      spec.revisionHistoryLimit ??= 10;
      spec.progressDeadlineSeconds ??= 600;
      defaultPodTemplate(child(spec, "template"), ["spec", "template"], warnings);
      break;
    }
    case "ReplicaSet":
      spec.replicas ??= 1;
      defaultPodTemplate(child(spec, "template"), ["spec", "template"], warnings);
      break;
    case "StatefulSet": {
      spec.replicas ??= 1;
      spec.podManagementPolicy ??= "OrderedReady";
      const strategy = ensureMap(spec, "updateStrategy");
      if (strategy !== undefined) {
        strategy.type ??= "RollingUpdate";
        if (strategy.type === "RollingUpdate") {
          const rolling = ensureMap(strategy, "rollingUpdate");
          if (rolling !== undefined) {
            rolling.partition ??= 0;
            rolling.maxUnavailable ??= 1;
          }
        }
      }
      spec.revisionHistoryLimit ??= 10;
      const retention = ensureMap(spec, "persistentVolumeClaimRetentionPolicy");
      if (retention !== undefined) {
        retention.whenDeleted ??= "Retain";
        retention.whenScaled ??= "Retain";
      }
      defaultPodTemplate(child(spec, "template"), ["spec", "template"], warnings);
      break;
    }
    case "Service": {
      spec.type ??= "ClusterIP";
      if (Array.isArray(spec.ports)) {
        for (const p of spec.ports) {
          if (!isMap(p)) continue;
          p.protocol ??= "TCP";
          if (p.targetPort === undefined || p.targetPort === 0 || p.targetPort === "") p.targetPort = p.port;
        }
      }
      break;
    }
    case "PodDisruptionBudget":
      break;
  }
  return warnings;
}

// ---------------------------------------------------------------------------------------------
// Validation.

/** Collects findings; the typed readers report a wrong type once and return undefined. */
class Findings {
  readonly errors: KubeFinding[] = [];
  readonly warnings: KubeFinding[] = [];

  error(path: FieldPath, message: string): void {
    this.errors.push({ path, message });
  }

  warn(path: FieldPath, message: string): void {
    this.warnings.push({ path, message });
  }

  map(path: FieldPath, v: unknown): Record<string, unknown> | undefined {
    if (v === undefined) return undefined;
    if (isMap(v)) return v;
    this.error(path, invalid(v, "must be a mapping"));
    return undefined;
  }

  list(path: FieldPath, v: unknown): unknown[] | undefined {
    if (v === undefined) return undefined;
    if (Array.isArray(v)) return v;
    this.error(path, invalid(v, "must be a list"));
    return undefined;
  }

  string(path: FieldPath, v: unknown): string | undefined {
    if (v === undefined) return undefined;
    if (typeof v === "string") return v;
    this.error(path, invalid(v, "must be a string"));
    return undefined;
  }

  int(path: FieldPath, v: unknown): number | undefined {
    if (v === undefined) return undefined;
    if (typeof v === "number" && Number.isSafeInteger(v)) return v;
    this.error(path, invalid(v, "must be an integer"));
    return undefined;
  }

  /** ValidateNonnegativeField. */
  nonNegative(path: FieldPath, v: unknown): number | undefined {
    const n = this.int(path, v);
    if (n !== undefined && n < 0) {
      this.error(path, invalid(n, "must be greater than or equal to 0"));
      return undefined;
    }
    return n;
  }

  /**
   * `spec.replicas`: an int32 (the API decodes it so; a larger number does not decode) that is
   * not negative, and within what kubesim simulates.
   */
  replicas(path: FieldPath, v: unknown): number | undefined {
    const n = this.nonNegative(path, v);
    if (n === undefined) return undefined;
    if (n > INT32_MAX) this.error(path, invalid(n, `must fit in an int32 (at most ${INT32_MAX})`));
    else if (n > MAX_REPLICAS) this.error(path, invalid(n, `kubesim simulates at most ${MAX_REPLICAS} replicas per workload`));
    else return n;
    return undefined;
  }

  bool(path: FieldPath, v: unknown): boolean | undefined {
    if (v === undefined) return undefined;
    if (typeof v === "boolean") return v;
    this.error(path, booleanMessage(v));
    return undefined;
  }

  /** A name checked by one of the names.ts validators. */
  name(path: FieldPath, v: unknown, check: (s: string) => string[]): string | undefined {
    const s = this.string(path, v);
    if (s === undefined) return undefined;
    for (const msg of check(s)) this.error(path, invalid(s, msg));
    return s;
  }

  /** A map of strings (labels, selectors, annotations): keys qualified names, values label values. */
  stringMap(path: FieldPath, v: unknown, values: "label" | "any"): Record<string, string> | undefined {
    const m = this.map(path, v);
    if (m === undefined) return undefined;
    const out: Record<string, string> = {};
    for (const [k, value] of Object.entries(m)) {
      const p = [...path, mapKey(k)];
      for (const msg of isQualifiedName(k)) this.error(p, invalid(k, msg));
      if (typeof value !== "string") {
        // A scalar (number, boolean, null) was meant as text: show the quoted form. A mapping or
        // a list cannot be quoted into a label value.
        const scalar = value === null || typeof value !== "object";
        this.error(p, invalid(value, scalar ? `must be a string; quote it in YAML (${JSON.stringify(String(value))})` : "must be a string, not a mapping or a list"));
        continue;
      }
      if (values === "label") for (const msg of isValidLabelValue(value)) this.error(p, invalid(value, msg));
      out[k] = value;
    }
    return out;
  }

  enumValue(path: FieldPath, v: unknown, supported: readonly string[]): string | undefined {
    const s = this.string(path, v);
    if (s === undefined) return undefined;
    if (!supported.includes(s)) {
      this.error(path, notSupported(s, supported));
      return undefined;
    }
    return s;
  }
}

/** getIntOrPercentValue: the number of an int or of an `N%` string. */
function intOrPercentValue(v: unknown): number | undefined {
  if (typeof v === "number") return v;
  if (typeof v === "string" && /^[0-9]+%$/.test(v)) return Number(v.slice(0, -1));
  return undefined;
}

/** ValidatePositiveIntOrPercent (+ IsNotMoreThan100Percent where upstream adds it). */
function intOrPercent(f: Findings, path: FieldPath, v: unknown, atMost100: boolean): boolean {
  if (v === undefined) return true;
  if (typeof v === "string") {
    if (!/^[0-9]+%$/.test(v)) {
      f.error(path, invalid(v, PERCENT_MESSAGE));
      return false;
    }
    if (atMost100 && Number(v.slice(0, -1)) > 100) {
      f.error(path, invalid(v, "must not be greater than 100%"));
      return false;
    }
    return true;
  }
  if (typeof v === "number" && Number.isSafeInteger(v)) {
    if (v < 0) {
      f.error(path, invalid(v, "must be greater than or equal to 0"));
      return false;
    }
    return true;
  }
  f.error(path, invalid(v, "must be an integer or percentage (e.g '5%')"));
  return false;
}

function validateObjectMeta(f: Findings, meta: unknown, nameCheck: (s: string) => string[]): void {
  const path = ["metadata"];
  if (meta === undefined) {
    f.error(["metadata", "name"], required());
    return;
  }
  const m = f.map(path, meta);
  if (m === undefined) return;
  if (m.name === undefined) {
    const detail = m.generateName === undefined ? undefined : "generateName is not supported; kubesim refers to objects by name";
    f.error(["metadata", "name"], required(detail));
  } else {
    f.name(["metadata", "name"], m.name, nameCheck);
  }
  f.name(["metadata", "namespace"], m.namespace, isDNS1123Label);
  f.stringMap(["metadata", "labels"], m.labels, "label");
  f.stringMap(["metadata", "annotations"], m.annotations, "any");
}

/** ValidateLabelSelector; returns the selector when it is well-formed. */
function validateLabelSelector(f: Findings, path: FieldPath, v: unknown): LabelSelector | undefined {
  const m = f.map(path, v);
  if (m === undefined) return undefined;
  let ok = true;
  const matchLabels = m.matchLabels === undefined ? undefined : f.stringMap([...path, "matchLabels"], m.matchLabels, "label");
  if (m.matchLabels !== undefined && matchLabels === undefined) ok = false;
  const expressions: { key: string; operator: string; values?: string[] }[] = [];
  const list = f.list([...path, "matchExpressions"], m.matchExpressions);
  list?.forEach((item, i) => {
    const p = [...path, "matchExpressions", i];
    const e = f.map(p, item);
    if (e === undefined) {
      ok = false;
      return;
    }
    const key = f.string([...p, "key"], e.key);
    if (key === undefined) {
      if (e.key === undefined) f.error([...p, "key"], required());
      ok = false;
    } else {
      for (const msg of isQualifiedName(key)) f.error([...p, "key"], invalid(key, msg));
    }
    const operator = f.enumValue([...p, "operator"], e.operator, ["In", "NotIn", "Exists", "DoesNotExist"]);
    if (e.operator === undefined) f.error([...p, "operator"], required());
    const values = f.list([...p, "values"], e.values);
    if (operator === "In" || operator === "NotIn") {
      if (values === undefined || values.length === 0) {
        f.error([...p, "values"], required("must be specified when `operator` is 'In' or 'NotIn'"));
        ok = false;
      }
    } else if (operator !== undefined && values !== undefined && values.length > 0) {
      f.error([...p, "values"], forbidden("may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
      ok = false;
    }
    const strings = (values ?? []).map((x, j) => f.string([...p, "values", j], x));
    if (key === undefined || operator === undefined || strings.some((s) => s === undefined)) ok = false;
    else expressions.push({ key, operator, values: strings as string[] });
  });
  if (m.matchExpressions !== undefined && list === undefined) ok = false;
  return ok ? { matchLabels, matchExpressions: expressions } : undefined;
}

function validateQuantityMap(
  f: Findings,
  path: FieldPath,
  v: unknown,
  warnUnsimulated: boolean,
): Map<string, Quantity> {
  const out = new Map<string, Quantity>();
  const m = f.map(path, v);
  if (m === undefined) return out;
  for (const [name, raw] of Object.entries(m)) {
    const p = [...path, mapKey(name)];
    const standard = name === "cpu" || name === "memory";
    const known = standard || name === "ephemeral-storage" || name.startsWith("hugepages-") || name.includes("/");
    if (!known) {
      const close = suggest(name, ["cpu", "memory", "ephemeral-storage"]);
      f.error(p, invalid(name, `must be a standard resource type or fully qualified${close ? `; did you mean ${JSON.stringify(close)}?` : ""}`));
      continue;
    }
    if (typeof raw !== "string" && typeof raw !== "number") {
      f.error(p, invalid(raw, "must be a quantity such as 500m or 128Mi"));
      continue;
    }
    try {
      const q = parseQuantity(raw);
      if (isNegative(q)) {
        f.error(p, invalid(raw, "must be greater than or equal to 0"));
        continue;
      }
      // What the simulation will take of it must be a safe integer (throws QuantityError).
      if (name === "cpu") milliValue(q);
      else if (name === "memory") wholeUnits(q);
      out.set(name, q);
    } catch (error) {
      if (!(error instanceof QuantityError)) throw error;
      f.error(p, invalid(raw, error.message));
      continue;
    }
    if (!standard && warnUnsimulated) f.warn(p, "resource is not simulated by kubesim (only cpu and memory are); ignored");
  }
  return out;
}

const HANDLERS = ["exec", "httpGet", "tcpSocket", "grpc"] as const;

function validateHandler(f: Findings, path: FieldPath, handler: Record<string, unknown>, allowed: readonly string[]): void {
  const present = allowed.filter((h) => handler[h] !== undefined && handler[h] !== null);
  if (present.length === 0) f.error(path, required("must specify a handler type"));
  for (const extra of present.slice(1)) f.error([...path, extra], forbidden("may not specify more than 1 handler type"));
}

function validateProbe(f: Findings, path: FieldPath, v: unknown, kind: "readiness" | "liveness" | "startup"): void {
  const probe = f.map(path, v);
  if (probe === undefined) return;
  validateHandler(f, path, probe, HANDLERS);
  for (const field of ["initialDelaySeconds", "timeoutSeconds", "periodSeconds", "successThreshold", "failureThreshold"]) {
    f.nonNegative([...path, field], probe[field]);
  }
  if (kind !== "readiness" && typeof probe.successThreshold === "number" && probe.successThreshold !== 1) {
    f.error([...path, "successThreshold"], invalid(probe.successThreshold, "must be 1"));
  }
}

function validateContainer(f: Findings, path: PathSegment[], v: unknown, grace: number | undefined, names: Set<string>): void {
  const c = f.map(path, v);
  if (c === undefined) return;
  if (c.name === undefined) f.error([...path, "name"], required());
  const name = f.name([...path, "name"], c.name, isDNS1123Label);
  if (name !== undefined) {
    if (names.has(name)) f.error([...path, "name"], duplicate(name));
    names.add(name);
  }
  if (c.image === undefined || c.image === "") f.error([...path, "image"], required());
  else f.string([...path, "image"], c.image);
  f.enumValue([...path, "imagePullPolicy"], c.imagePullPolicy, ["Always", "IfNotPresent", "Never"]);

  const portNames = new Set<string>();
  f.list([...path, "ports"], c.ports)?.forEach((item, i) => {
    const p = [...path, "ports", i];
    const port = f.map(p, item);
    if (port === undefined) return;
    if (port.containerPort === undefined || port.containerPort === 0) f.error([...p, "containerPort"], required());
    else {
      const n = f.int([...p, "containerPort"], port.containerPort);
      if (n !== undefined && (n < 1 || n > 65535)) f.error([...p, "containerPort"], invalid(n, "must be between 1 and 65535, inclusive"));
    }
    const portName = f.name([...p, "name"], port.name, isValidPortName);
    if (portName !== undefined) {
      if (portNames.has(portName)) f.error([...p, "name"], duplicate(portName));
      portNames.add(portName);
    }
    f.enumValue([...p, "protocol"], port.protocol, ["SCTP", "TCP", "UDP"]);
  });

  const resources = f.map([...path, "resources"], c.resources);
  if (resources !== undefined) {
    const requests = validateQuantityMap(f, [...path, "resources", "requests"], resources.requests, true);
    const limits = validateQuantityMap(f, [...path, "resources", "limits"], resources.limits, false);
    for (const [name, request] of requests) {
      const limit = limits.get(name);
      if (limit !== undefined && compareQuantities(request, limit) > 0) {
        const written = (resources.requests as Record<string, unknown>)[name];
        const limitText = (resources.limits as Record<string, unknown>)[name];
        f.error(
          [...path, "resources", "requests", mapKey(name)],
          invalid(written, `must be less than or equal to ${name} limit of ${String(limitText)}`),
        );
      }
    }
  }

  validateProbe(f, [...path, "readinessProbe"], c.readinessProbe, "readiness");
  validateProbe(f, [...path, "livenessProbe"], c.livenessProbe, "liveness");
  validateProbe(f, [...path, "startupProbe"], c.startupProbe, "startup");

  const lifecycle = f.map([...path, "lifecycle"], c.lifecycle);
  const preStop = lifecycle === undefined ? undefined : f.map([...path, "lifecycle", "preStop"], lifecycle.preStop);
  if (preStop !== undefined) {
    const hp = [...path, "lifecycle", "preStop"];
    validateHandler(f, hp, preStop, ["exec", "httpGet", "tcpSocket", "sleep"]);
    const sleep = f.map([...hp, "sleep"], preStop.sleep);
    if (sleep !== undefined) {
      if (sleep.seconds === undefined) f.error([...hp, "sleep", "seconds"], required());
      const seconds = f.int([...hp, "sleep", "seconds"], sleep.seconds);
      if (seconds !== undefined && grace !== undefined && (seconds < 0 || seconds > grace)) {
        f.error(
          [...hp, "sleep", "seconds"],
          invalid(seconds, `must be non-negative and less than terminationGracePeriodSeconds (${grace})`),
        );
      }
    }
  }
}

function validateTolerations(f: Findings, path: FieldPath, v: unknown): void {
  f.list(path, v)?.forEach((item, i) => {
    const p = [...path, i];
    const t = f.map(p, item);
    if (t === undefined) return;
    const key = f.string([...p, "key"], t.key);
    if (key !== undefined && key !== "") for (const msg of isQualifiedName(key)) f.error([...p, "key"], invalid(key, msg));
    const operator = t.operator === undefined ? "Equal" : f.enumValue([...p, "operator"], t.operator, ["Equal", "Exists"]);
    if ((key === undefined || key === "") && operator !== "Exists") {
      f.error([...p, "operator"], invalid(t.operator ?? "", 'operator must be Exists when `key` is empty, which means "match all values and all keys"'));
    }
    const value = f.string([...p, "value"], t.value);
    if (operator === "Exists" && value !== undefined && value !== "") {
      f.error([...p, "operator"], invalid(operator, "value must be empty when `operator` is 'Exists'"));
    } else if (value !== undefined && value !== "") {
      for (const msg of isValidLabelValue(value)) f.error([...p, "value"], invalid(value, msg));
    }
    const effect = f.enumValue([...p, "effect"], t.effect, ["NoSchedule", "PreferNoSchedule", "NoExecute"]);
    const seconds = f.int([...p, "tolerationSeconds"], t.tolerationSeconds);
    if (seconds !== undefined && effect !== "NoExecute") {
      f.error([...p, "effect"], invalid(t.effect ?? "", "effect must be 'NoExecute' when `tolerationSeconds` is set"));
    }
  });
}

function validateTopologySpread(f: Findings, path: FieldPath, v: unknown): void {
  const seen = new Set<string>();
  f.list(path, v)?.forEach((item, i) => {
    const p = [...path, i];
    const c = f.map(p, item);
    if (c === undefined) return;
    if (c.maxSkew === undefined) f.error([...p, "maxSkew"], required());
    const skew = f.int([...p, "maxSkew"], c.maxSkew);
    if (skew !== undefined && skew <= 0) f.error([...p, "maxSkew"], invalid(skew, "must be greater than zero"));
    if (c.topologyKey === undefined || c.topologyKey === "") f.error([...p, "topologyKey"], required("can not be empty"));
    const key = f.string([...p, "topologyKey"], c.topologyKey);
    if (c.whenUnsatisfiable === undefined) f.error([...p, "whenUnsatisfiable"], required());
    const when = f.enumValue([...p, "whenUnsatisfiable"], c.whenUnsatisfiable, ["DoNotSchedule", "ScheduleAnyway"]);
    if (key !== undefined && when !== undefined) {
      const pair = `{${key}, ${when}}`;
      if (seen.has(pair)) f.error(p, duplicate(pair));
      seen.add(pair);
    }
    if (c.labelSelector !== undefined) validateLabelSelector(f, [...p, "labelSelector"], c.labelSelector);
    const minDomains = f.int([...p, "minDomains"], c.minDomains);
    if (minDomains !== undefined && minDomains <= 0) f.error([...p, "minDomains"], invalid(minDomains, "must be greater than 0"));
    if (minDomains !== undefined && when !== "DoNotSchedule") {
      f.error([...p, "minDomains"], invalid(minDomains, "can only use minDomains if whenUnsatisfiable=DoNotSchedule"));
    }
    f.enumValue([...p, "nodeAffinityPolicy"], c.nodeAffinityPolicy, ["Honor", "Ignore"]);
    f.enumValue([...p, "nodeTaintsPolicy"], c.nodeTaintsPolicy, ["Honor", "Ignore"]);
  });
}

/** ValidatePodTemplateSpecForReplicaSet (also used for StatefulSets), then the pod spec. */
function validatePodTemplate(f: Findings, path: PathSegment[], v: unknown, selector: LabelSelector | undefined): void {
  if (v === undefined) {
    f.error(path, required());
    return;
  }
  const template = f.map(path, v);
  if (template === undefined) return;
  const meta = f.map([...path, "metadata"], template.metadata);
  const labels = meta === undefined ? undefined : f.stringMap([...path, "metadata", "labels"], meta.labels, "label");
  if (meta !== undefined) f.stringMap([...path, "metadata", "annotations"], meta.annotations, "any");
  if (selector !== undefined && !isEmptySelector(selector) && (meta?.labels === undefined || labels !== undefined)) {
    if (!selectorMatches(selector, labels ?? {})) {
      f.error([...path, "metadata", "labels"], invalid(labels ?? {}, "`selector` does not match template `labels`"));
    }
  }

  const specPath = [...path, "spec"];
  if (template.spec === undefined) {
    f.error(specPath, required());
    return;
  }
  const spec = f.map(specPath, template.spec);
  if (spec === undefined) return;
  const restart = f.string([...specPath, "restartPolicy"], spec.restartPolicy);
  if (restart !== undefined && restart !== "Always") f.error([...specPath, "restartPolicy"], notSupported(restart, ["Always"]));
  const grace = f.nonNegative([...specPath, "terminationGracePeriodSeconds"], spec.terminationGracePeriodSeconds);

  const containers = f.list([...specPath, "containers"], spec.containers);
  if (spec.containers === undefined || (containers !== undefined && containers.length === 0)) {
    f.error([...specPath, "containers"], required());
  }
  const names = new Set<string>();
  containers?.forEach((c, i) => {
    validateContainer(f, [...specPath, "containers", i], c, grace, names);
  });

  f.stringMap([...specPath, "nodeSelector"], spec.nodeSelector, "label");
  validateTolerations(f, [...specPath, "tolerations"], spec.tolerations);
  const affinity = f.map([...specPath, "affinity"], spec.affinity);
  if (affinity !== undefined) {
    const nodeAffinity = f.map([...specPath, "affinity", "nodeAffinity"], affinity.nodeAffinity);
    if (nodeAffinity !== undefined) {
      f.map([...specPath, "affinity", "nodeAffinity", "requiredDuringSchedulingIgnoredDuringExecution"], nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution);
    }
  }
  validateTopologySpread(f, [...specPath, "topologySpreadConstraints"], spec.topologySpreadConstraints);
}

function validateSelectorField(f: Findings, spec: Record<string, unknown>, what: string): LabelSelector | undefined {
  if (spec.selector === undefined) {
    f.error(["spec", "selector"], required());
    return undefined;
  }
  const selector = validateLabelSelector(f, ["spec", "selector"], spec.selector);
  if (selector !== undefined && isEmptySelector(selector)) {
    f.error(["spec", "selector"], invalid(spec.selector, `empty selector is invalid for ${what}`));
    return undefined;
  }
  return selector;
}

function validateDeploymentSpec(f: Findings, spec: Record<string, unknown>): void {
  f.replicas(["spec", "replicas"], spec.replicas);
  const selector = validateSelectorField(f, spec, "deployment");
  validatePodTemplate(f, ["spec", "template"], spec.template, selector);

  const strategy = f.map(["spec", "strategy"], spec.strategy);
  if (strategy !== undefined) {
    const type = f.enumValue(["spec", "strategy", "type"], strategy.type, ["Recreate", "RollingUpdate"]);
    if (type === "Recreate" && strategy.rollingUpdate !== undefined) {
      f.error(["spec", "strategy", "rollingUpdate"], forbidden("may not be specified when strategy `type` is 'Recreate'"));
    }
    if (type === "RollingUpdate") {
      const rolling = f.map(["spec", "strategy", "rollingUpdate"], strategy.rollingUpdate);
      if (rolling !== undefined) {
        const path = ["spec", "strategy", "rollingUpdate"];
        const unavailableOk = intOrPercent(f, [...path, "maxUnavailable"], rolling.maxUnavailable, true);
        const surgeOk = intOrPercent(f, [...path, "maxSurge"], rolling.maxSurge, false);
        if (unavailableOk && surgeOk && intOrPercentValue(rolling.maxUnavailable) === 0 && intOrPercentValue(rolling.maxSurge) === 0) {
          f.error([...path, "maxUnavailable"], invalid(rolling.maxUnavailable, "may not be 0 when `maxSurge` is 0"));
        }
      }
    }
  }
  const minReady = f.nonNegative(["spec", "minReadySeconds"], spec.minReadySeconds);
  f.nonNegative(["spec", "revisionHistoryLimit"], spec.revisionHistoryLimit);
  const deadline = f.nonNegative(["spec", "progressDeadlineSeconds"], spec.progressDeadlineSeconds);
  if (deadline !== undefined && minReady !== undefined && deadline <= minReady) {
    f.error(["spec", "progressDeadlineSeconds"], invalid(deadline, "must be greater than minReadySeconds"));
  }
}

function validateReplicaSetSpec(f: Findings, spec: Record<string, unknown>): void {
  f.replicas(["spec", "replicas"], spec.replicas);
  f.nonNegative(["spec", "minReadySeconds"], spec.minReadySeconds);
  const selector = validateSelectorField(f, spec, "replicaset");
  validatePodTemplate(f, ["spec", "template"], spec.template, selector);
}

function validateStatefulSetSpec(f: Findings, spec: Record<string, unknown>): void {
  const policy = f.string(["spec", "podManagementPolicy"], spec.podManagementPolicy);
  if (policy !== undefined && policy !== "OrderedReady" && policy !== "Parallel") {
    f.error(["spec", "podManagementPolicy"], invalid(policy, "must be 'OrderedReady' or 'Parallel'"));
  }
  const strategy = f.map(["spec", "updateStrategy"], spec.updateStrategy);
  if (strategy !== undefined) {
    const type = f.string(["spec", "updateStrategy", "type"], strategy.type);
    if (type === "OnDelete") {
      if (strategy.rollingUpdate !== undefined) {
        f.error(["spec", "updateStrategy", "rollingUpdate"], invalid(strategy.rollingUpdate, "only allowed for updateStrategy 'RollingUpdate'"));
      }
    } else if (type === "RollingUpdate") {
      const rolling = f.map(["spec", "updateStrategy", "rollingUpdate"], strategy.rollingUpdate);
      if (rolling !== undefined) {
        const path = ["spec", "updateStrategy", "rollingUpdate"];
        f.nonNegative([...path, "partition"], rolling.partition);
        if (intOrPercent(f, [...path, "maxUnavailable"], rolling.maxUnavailable, true) && intOrPercentValue(rolling.maxUnavailable) === 0) {
          f.error([...path, "maxUnavailable"], invalid(rolling.maxUnavailable, "must be greater than 0"));
        }
      }
    } else if (type !== undefined) {
      f.error(["spec", "updateStrategy", "type"], invalid(type, "must be 'RollingUpdate' or 'OnDelete'"));
    }
  }
  const retention = f.map(["spec", "persistentVolumeClaimRetentionPolicy"], spec.persistentVolumeClaimRetentionPolicy);
  if (retention !== undefined) {
    for (const field of ["whenDeleted", "whenScaled"]) {
      f.enumValue(["spec", "persistentVolumeClaimRetentionPolicy", field], retention[field], ["Retain", "Delete"]);
    }
  }
  const ordinals = f.map(["spec", "ordinals"], spec.ordinals);
  if (ordinals !== undefined) f.nonNegative(["spec", "ordinals", "start"], ordinals.start);
  f.replicas(["spec", "replicas"], spec.replicas);
  f.nonNegative(["spec", "minReadySeconds"], spec.minReadySeconds);
  f.nonNegative(["spec", "revisionHistoryLimit"], spec.revisionHistoryLimit);
  if (spec.serviceName !== undefined && spec.serviceName !== "") f.name(["spec", "serviceName"], spec.serviceName, isDNS1123Label);

  const selector = validateSelectorField(f, spec, "statefulset");
  validatePodTemplate(f, ["spec", "template"], spec.template, selector);

  const claimNames = new Set<string>();
  f.list(["spec", "volumeClaimTemplates"], spec.volumeClaimTemplates)?.forEach((item, i) => {
    const p = ["spec", "volumeClaimTemplates", i];
    const claim = f.map(p, item);
    if (claim === undefined) return;
    const meta = f.map([...p, "metadata"], claim.metadata);
    if (meta === undefined || meta.name === undefined) {
      f.error([...p, "metadata", "name"], required());
      return;
    }
    const name = f.name([...p, "metadata", "name"], meta.name, isDNS1123Subdomain);
    if (name !== undefined) {
      if (claimNames.has(name)) f.error([...p, "metadata", "name"], duplicate(name));
      claimNames.add(name);
    }
  });
}

function validateServiceSpec(f: Findings, spec: Record<string, unknown>): void {
  const type = f.enumValue(["spec", "type"], spec.type, ["ClusterIP", "ExternalName", "LoadBalancer", "NodePort"]);
  if (type === "ExternalName") f.warn(["spec", "type"], "an ExternalName Service has no endpoints; kubesim routes no traffic through it");
  const clusterIP = f.string(["spec", "clusterIP"], spec.clusterIP);
  const headless = clusterIP === "None";
  if (clusterIP !== undefined && clusterIP !== "" && !headless) {
    f.warn(["spec", "clusterIP"], "only clusterIP: None (headless) is simulated; the address is ignored");
  }
  f.bool(["spec", "publishNotReadyAddresses"], spec.publishNotReadyAddresses);
  f.stringMap(["spec", "selector"], spec.selector, "label");

  const ports = f.list(["spec", "ports"], spec.ports);
  if ((ports === undefined || ports.length === 0) && spec.ports !== null && !headless && type !== "ExternalName") {
    if (spec.ports === undefined || ports !== undefined) f.error(["spec", "ports"], required());
  }
  const names = new Set<string>();
  const pairs = new Set<string>();
  ports?.forEach((item, i) => {
    const p = ["spec", "ports", i];
    const port = f.map(p, item);
    if (port === undefined) return;
    if (port.name === undefined || port.name === "") {
      if (ports.length > 1) f.error([...p, "name"], required());
    } else {
      const name = f.name([...p, "name"], port.name, isDNS1123Label);
      if (name !== undefined) {
        if (names.has(name)) f.error([...p, "name"], duplicate(name));
        names.add(name);
      }
    }
    let number: number | undefined;
    if (port.port === undefined) f.error([...p, "port"], required());
    else {
      number = f.int([...p, "port"], port.port);
      if (number !== undefined && (number < 1 || number > 65535)) {
        f.error([...p, "port"], invalid(number, "must be between 1 and 65535, inclusive"));
      }
    }
    const protocol = f.enumValue([...p, "protocol"], port.protocol, ["SCTP", "TCP", "UDP"]);
    if (number !== undefined && protocol !== undefined) {
      const key = `${number}/${protocol}`;
      if (pairs.has(key)) f.error(p, duplicate({ port: number, protocol }));
      pairs.add(key);
    }
    const target = port.targetPort;
    if (typeof target === "number") {
      if (!Number.isSafeInteger(target) || target < 1 || target > 65535) {
        f.error([...p, "targetPort"], invalid(target, "must be between 1 and 65535, inclusive"));
      }
    } else if (typeof target === "string") {
      for (const msg of isValidPortName(target)) f.error([...p, "targetPort"], invalid(target, msg));
    } else if (target !== undefined) {
      f.error([...p, "targetPort"], invalid(target, "must be a port number or a port name"));
    }
  });
}

function validatePodDisruptionBudgetSpec(f: Findings, spec: Record<string, unknown>): void {
  intOrPercent(f, ["spec", "minAvailable"], spec.minAvailable, true);
  intOrPercent(f, ["spec", "maxUnavailable"], spec.maxUnavailable, true);
  if (spec.minAvailable !== undefined && spec.maxUnavailable !== undefined) {
    f.error(["spec"], invalid(spec, "minAvailable and maxUnavailable cannot be both set"));
  }
  if (spec.selector !== undefined) validateLabelSelector(f, ["spec", "selector"], spec.selector);
}

const NAME_CHECKS: Record<SimulatedKind, (s: string) => string[]> = {
  Deployment: isDNS1123Subdomain,
  ReplicaSet: isDNS1123Subdomain,
  StatefulSet: isDNS1123Label,
  Service: isDNS1035Label,
  PodDisruptionBudget: isDNS1123Subdomain,
};

/**
 * Validates a defaulted object of a simulated kind as the API server would on create. Paths in
 * the findings are relative to the object.
 */
export function validateKubeObject(obj: KubeObject, kind: SimulatedKind): { errors: KubeFinding[]; warnings: KubeFinding[] } {
  const f = new Findings();
  validateObjectMeta(f, obj.metadata, NAME_CHECKS[kind]);
  if (obj.spec === undefined) {
    if (kind !== "PodDisruptionBudget") f.error(["spec"], required());
    return f;
  }
  const spec = f.map(["spec"], obj.spec);
  if (spec === undefined) return f;
  switch (kind) {
    case "Deployment":
      validateDeploymentSpec(f, spec);
      break;
    case "ReplicaSet":
      validateReplicaSetSpec(f, spec);
      break;
    case "StatefulSet":
      validateStatefulSetSpec(f, spec);
      break;
    case "Service":
      validateServiceSpec(f, spec);
      break;
    case "PodDisruptionBudget":
      validatePodDisruptionBudgetSpec(f, spec);
      break;
  }
  return f;
}

/** Removes `null` values from maps (JSON decoding treats them as unset), keeping positions. */
export function dropNulls<T>(value: T): T {
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) value[i] = dropNulls(value[i]);
    return value;
  }
  if (isMap(value)) {
    const map: Record<string, unknown> = value;
    for (const [k, v] of Object.entries(map)) {
      if (v === null) delete map[k];
      else map[k] = dropNulls(v);
    }
  }
  return value;
}
