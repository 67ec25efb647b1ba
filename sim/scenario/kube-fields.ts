/**
 * Which fields of the Kubernetes kinds kubesim reads are simulated, which are real Kubernetes
 * fields that kubesim ignores, and which are not Kubernetes fields at all. `checkFields` walks a
 * manifest (or a patch of one) against this table: an unknown field is an error with a "did you
 * mean" (kubectl's strict field validation rejects it too), and an ignored field gets one warning
 * per field path, so nothing in a manifest is silently misread.
 *
 * The table follows k8s.io/api (apps/v1, core/v1, policy/v1) field names. Inside opaque fields
 * (annotations, probe handlers, volume claim specs, node affinity terms) nothing is checked.
 *
 * Left out: fields of kinds kubesim does not simulate (those objects are skipped with a warning),
 * and alpha fields behind feature gates that are off by default.
 */
import { type FieldPath, mapKey, type PathSegment, unknownField } from "./diagnostics.ts";

/** How kubesim treats a field. */
type Field =
  /** Simulated; `type` names a nested struct to check, `list` when it is a list of them. */
  | { readonly kind: "sim"; readonly type?: string; readonly list?: boolean }
  /** A real field kubesim does not simulate: one warning when present. */
  | { readonly kind: "ignored" }
  /** Bookkeeping kubesim never needs and nobody expects it to (status, uid, managedFields). */
  | { readonly kind: "silent" }
  /** Simulated or validated elsewhere, contents not checked here (maps of labels, handlers). */
  | { readonly kind: "opaque" };

const SIM: Field = { kind: "sim" };
const IGNORED: Field = { kind: "ignored" };
const SILENT: Field = { kind: "silent" };
const OPAQUE: Field = { kind: "opaque" };
const struct = (type: string): Field => ({ kind: "sim", type });
const listOf = (type: string): Field => ({ kind: "sim", type, list: true });

function fields(spec: Record<string, Field>, ignored: readonly string[] = [], silent: readonly string[] = []) {
  const out: Record<string, Field> = { ...spec };
  for (const name of ignored) out[name] = IGNORED;
  for (const name of silent) out[name] = SILENT;
  return out;
}

const TYPES: Readonly<Record<string, Readonly<Record<string, Field>>>> = {
  ObjectMeta: fields(
    { name: SIM, generateName: SIM, namespace: SIM, labels: OPAQUE, annotations: OPAQUE },
    [],
    [
      "uid",
      "resourceVersion",
      "generation",
      "creationTimestamp",
      "deletionTimestamp",
      "deletionGracePeriodSeconds",
      "ownerReferences",
      "finalizers",
      "managedFields",
      "selfLink",
    ],
  ),
  Deployment: fields({ apiVersion: SIM, kind: SIM, metadata: struct("ObjectMeta"), spec: struct("DeploymentSpec") }, [], ["status"]),
  DeploymentSpec: fields(
    {
      replicas: SIM,
      selector: struct("LabelSelector"),
      template: struct("PodTemplateSpec"),
      strategy: struct("DeploymentStrategy"),
      minReadySeconds: SIM,
      revisionHistoryLimit: SIM,
      progressDeadlineSeconds: SIM,
    },
    ["paused"],
  ),
  DeploymentStrategy: fields({ type: SIM, rollingUpdate: struct("RollingUpdateDeployment") }),
  RollingUpdateDeployment: fields({ maxSurge: SIM, maxUnavailable: SIM }),
  ReplicaSet: fields({ apiVersion: SIM, kind: SIM, metadata: struct("ObjectMeta"), spec: struct("ReplicaSetSpec") }, [], ["status"]),
  ReplicaSetSpec: fields({ replicas: SIM, minReadySeconds: SIM, selector: struct("LabelSelector"), template: struct("PodTemplateSpec") }),
  StatefulSet: fields({ apiVersion: SIM, kind: SIM, metadata: struct("ObjectMeta"), spec: struct("StatefulSetSpec") }, [], ["status"]),
  StatefulSetSpec: fields({
    replicas: SIM,
    selector: struct("LabelSelector"),
    template: struct("PodTemplateSpec"),
    volumeClaimTemplates: listOf("PersistentVolumeClaimTemplate"),
    serviceName: SIM,
    podManagementPolicy: SIM,
    updateStrategy: struct("StatefulSetUpdateStrategy"),
    revisionHistoryLimit: SIM,
    minReadySeconds: SIM,
    persistentVolumeClaimRetentionPolicy: struct("StatefulSetPersistentVolumeClaimRetentionPolicy"),
    ordinals: struct("StatefulSetOrdinals"),
  }),
  StatefulSetUpdateStrategy: fields({ type: SIM, rollingUpdate: struct("RollingUpdateStatefulSetStrategy") }),
  RollingUpdateStatefulSetStrategy: fields({ partition: SIM, maxUnavailable: SIM }),
  StatefulSetPersistentVolumeClaimRetentionPolicy: fields({ whenDeleted: SIM, whenScaled: SIM }),
  StatefulSetOrdinals: fields({ start: SIM }),
  PersistentVolumeClaimTemplate: fields({ apiVersion: SILENT, kind: SILENT, metadata: struct("ObjectMeta"), spec: OPAQUE }, [], ["status"]),
  LabelSelector: fields({ matchLabels: OPAQUE, matchExpressions: listOf("LabelSelectorRequirement") }),
  LabelSelectorRequirement: fields({ key: SIM, operator: SIM, values: SIM }),
  PodTemplateSpec: fields({ metadata: struct("ObjectMeta"), spec: struct("PodSpec") }),
  PodSpec: fields(
    {
      containers: listOf("Container"),
      terminationGracePeriodSeconds: SIM,
      restartPolicy: SIM,
      nodeSelector: OPAQUE,
      tolerations: listOf("Toleration"),
      affinity: struct("Affinity"),
      topologySpreadConstraints: listOf("TopologySpreadConstraint"),
    },
    [
      "volumes",
      "initContainers",
      "ephemeralContainers",
      "activeDeadlineSeconds",
      "dnsPolicy",
      "serviceAccountName",
      "serviceAccount",
      "automountServiceAccountToken",
      "nodeName",
      "hostNetwork",
      "hostPID",
      "hostIPC",
      "shareProcessNamespace",
      "securityContext",
      "imagePullSecrets",
      "hostname",
      "subdomain",
      "schedulerName",
      "priorityClassName",
      "priority",
      "dnsConfig",
      "readinessGates",
      "runtimeClassName",
      "enableServiceLinks",
      "preemptionPolicy",
      "overhead",
      "setHostnameAsFQDN",
      "os",
      "hostUsers",
      "schedulingGates",
      "resourceClaims",
      "resources",
      "hostAliases",
    ],
  ),
  Affinity: fields({ nodeAffinity: struct("NodeAffinity") }, ["podAffinity", "podAntiAffinity"]),
  NodeAffinity: fields({ requiredDuringSchedulingIgnoredDuringExecution: OPAQUE }, ["preferredDuringSchedulingIgnoredDuringExecution"]),
  TopologySpreadConstraint: fields(
    {
      maxSkew: SIM,
      topologyKey: SIM,
      whenUnsatisfiable: SIM,
      labelSelector: struct("LabelSelector"),
      minDomains: SIM,
      nodeAffinityPolicy: SIM,
      nodeTaintsPolicy: SIM,
    },
    ["matchLabelKeys"],
  ),
  Toleration: fields({ key: SIM, operator: SIM, value: SIM, effect: SIM, tolerationSeconds: SIM }),
  Container: fields(
    {
      name: SIM,
      image: SIM,
      imagePullPolicy: SIM,
      ports: listOf("ContainerPort"),
      resources: struct("ResourceRequirements"),
      readinessProbe: struct("Probe"),
      livenessProbe: struct("Probe"),
      startupProbe: struct("Probe"),
      lifecycle: struct("Lifecycle"),
    },
    [
      "command",
      "args",
      "workingDir",
      "envFrom",
      "env",
      "volumeMounts",
      "volumeDevices",
      "securityContext",
      "stdin",
      "stdinOnce",
      "tty",
      "terminationMessagePath",
      "terminationMessagePolicy",
      "resizePolicy",
      "restartPolicy",
      "restartPolicyRules",
    ],
  ),
  ContainerPort: fields({ containerPort: SIM, name: SIM, protocol: SIM }, ["hostPort", "hostIP"]),
  ResourceRequirements: fields({ requests: OPAQUE }, ["limits", "claims"]),
  Probe: fields(
    {
      exec: OPAQUE,
      httpGet: OPAQUE,
      tcpSocket: OPAQUE,
      grpc: OPAQUE,
      initialDelaySeconds: SIM,
      timeoutSeconds: SIM,
      periodSeconds: SIM,
      successThreshold: SIM,
      failureThreshold: SIM,
    },
    ["terminationGracePeriodSeconds"],
  ),
  Lifecycle: fields({ preStop: struct("LifecycleHandler") }, ["postStart", "stopSignal"]),
  LifecycleHandler: fields({ exec: OPAQUE, httpGet: OPAQUE, tcpSocket: OPAQUE, sleep: struct("SleepAction") }),
  SleepAction: fields({ seconds: SIM }),
  Service: fields({ apiVersion: SIM, kind: SIM, metadata: struct("ObjectMeta"), spec: struct("ServiceSpec") }, [], ["status"]),
  ServiceSpec: fields(
    { selector: OPAQUE, ports: listOf("ServicePort"), clusterIP: SIM, type: SIM, publishNotReadyAddresses: SIM },
    [
      "clusterIPs",
      "externalIPs",
      "sessionAffinity",
      "loadBalancerIP",
      "loadBalancerSourceRanges",
      "externalName",
      "externalTrafficPolicy",
      "healthCheckNodePort",
      "sessionAffinityConfig",
      "ipFamilies",
      "ipFamilyPolicy",
      "allocateLoadBalancerNodePorts",
      "loadBalancerClass",
      "internalTrafficPolicy",
      "trafficDistribution",
    ],
  ),
  ServicePort: fields({ name: SIM, protocol: SIM, port: SIM, targetPort: SIM }, ["appProtocol", "nodePort"]),
  PodDisruptionBudget: fields(
    { apiVersion: SIM, kind: SIM, metadata: struct("ObjectMeta"), spec: struct("PodDisruptionBudgetSpec") },
    [],
    ["status"],
  ),
  PodDisruptionBudgetSpec: fields({ minAvailable: SIM, maxUnavailable: SIM, selector: struct("LabelSelector") }, ["unhealthyPodEvictionPolicy"]),
};

export interface FieldFinding {
  readonly path: FieldPath;
  readonly message: string;
  /** Whether `path` names the key itself (unknown fields) rather than its value. */
  readonly atKey: boolean;
}

export const NOT_SIMULATED = "field is not simulated by kubesim; ignored";

function isMap(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

function seg(key: string): PathSegment {
  return IDENTIFIER.test(key) ? key : mapKey(key);
}

/**
 * Unknown fields (errors) and ignored fields (warnings) of `value`, an object of `typeName`
 * (a kind such as `Deployment`). Strategic-merge directives (`$patch`, `$retainKeys`, …) and
 * `null` values (deletions in a patch) are skipped, so patches can be checked the same way.
 */
export function checkFields(value: unknown, typeName: string): { errors: FieldFinding[]; warnings: FieldFinding[] } {
  const errors: FieldFinding[] = [];
  const warnings: FieldFinding[] = [];
  const walk = (v: unknown, type: string, path: PathSegment[]) => {
    const table = TYPES[type];
    if (table === undefined || !isMap(v)) return;
    for (const [key, child] of Object.entries(v)) {
      if (key.startsWith("$")) continue;
      const field = Object.hasOwn(table, key) ? table[key] : undefined; // not `toString` of Object.prototype
      const childPath = [...path, seg(key)];
      if (field === undefined) {
        errors.push({ path: childPath, message: unknownField(key, Object.keys(table)), atKey: true });
        continue;
      }
      if (child === null) continue;
      if (field.kind === "ignored") warnings.push({ path: childPath, message: NOT_SIMULATED, atKey: true });
      if (field.kind !== "sim" || field.type === undefined) continue;
      if (field.list) {
        if (Array.isArray(child)) {
          child.forEach((item, i) => {
            walk(item, field.type!, [...childPath, i]);
          });
        }
      } else {
        walk(child, field.type, childPath);
      }
    }
  };
  walk(value, typeName, []);
  return { errors, warnings };
}

/** Whether kubesim has a field table for this kind. */
export function hasFieldTable(kind: string): boolean {
  return TYPES[kind] !== undefined;
}
