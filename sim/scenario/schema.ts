/**
 * The scenario format (SPEC §2) as one zod definition. It does three jobs: validates the shape of
 * a parsed scenario (strict objects, so unknown fields are errors), turns values into their
 * simulation types on the way (durations → Time, distributions → Distribution, quantities →
 * millicores / bytes, seeds → strings) with SPEC's defaults filled in, and produces the JSON
 * Schema that editors use (`scenarioJsonSchema()`, input side).
 *
 * Cross-field and cross-object rules (an event names exactly one action, targets exist, a patch
 * applies) are not expressible here and live in build.ts; Kubernetes manifests embedded in the
 * scenario (`objects`, patches) are only required to be mappings here and are validated as the
 * API server would in kube-validation.ts.
 */
import { z } from "zod";
import { type Distribution, DistributionError, parseDistribution } from "../core/distributions.ts";
import { DurationError, parseDurationValue } from "../core/duration.ts";
import type { Time } from "../core/time.ts";
import { cpuMillicores, memoryBytes, QuantityError } from "./quantity.ts";

/**
 * kubesim's own limits, far above what Kubernetes supports (5,000 nodes, 150,000 pods), so that
 * a slip of the keyboard (a count of 10^8) is an error rather than an hour of work or an
 * out-of-memory crash.
 */
export const MAX_NODES = 50_000;
export const MAX_REPLICAS = 1_000_000;
export const MAX_TRAFFIC_RATE = 1_000_000;
export const MAX_SEED_LENGTH = 256;

export const SCENARIO_API_VERSION = "kubesim/v1alpha1";

/** Marks a custom issue whose input had the wrong type for the field (used to pick union branches). */
export const TYPE_MISMATCH = "typeMismatch";

// ---------------------------------------------------------------------------------------------
// Leaves: durations, distributions, quantities.

const GO_DURATION_PATTERN = "^\\+?(0|(([0-9]+(\\.[0-9]*)?|\\.[0-9]+)(ns|us|µs|μs|ms|s|m|h))+)$";

function durationDetail(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/^invalid duration (?:"(?:[^"\\]|\\.)*"|[^:]*)?: /, "");
}

/**
 * A duration as written, checked but unchanged (distribution shapes keep their raw form).
 * `typeMessage` is what a value of the wrong type is told.
 */
function durationLeaf(typeMessage: string) {
  return z.unknown().superRefine((value, ctx) => {
    if (value === undefined) {
      ctx.addIssue({ code: "custom", message: "Required value", params: { [TYPE_MISMATCH]: true } });
      return;
    }
    if (typeof value !== "string" && typeof value !== "number") {
      ctx.addIssue({ code: "custom", message: typeMessage, params: { [TYPE_MISMATCH]: true } });
      return;
    }
    try {
      parseDurationValue(value);
    } catch (error) {
      if (!(error instanceof DurationError)) throw error;
      ctx.addIssue({ code: "custom", message: durationDetail(error) });
    }
  });
}

const DURATION_JSON_SCHEMA = { anyOf: [{ type: "string", pattern: GO_DURATION_PATTERN }, { const: 0 }] };

const durationText = durationLeaf('must be a duration such as "5s" or "500ms"').meta({
  id: "Duration",
  description: "A Go-style duration: 250ms, 5s, 1m30s, 1h. 0 is the only bare number allowed.",
  ...DURATION_JSON_SCHEMA,
});

const DISTRIBUTION_FORMS =
  "a duration (e.g. 5s) or a distribution: {constant}, {uniform: {min, max}}, {exponential: {mean}}, {normal: {mean, stddev}}, {lognormal: {median, p99}}, {delay, jitter}, {empirical: [...]}";

/** A duration field: parsed to virtual time (µs). */
export const duration = durationText.transform((value): Time => parseDurationValue(value));

const distributionShapes = [
  durationLeaf(`must be ${DISTRIBUTION_FORMS}`).meta({ description: "A constant duration.", ...DURATION_JSON_SCHEMA }),
  z.strictObject({ constant: durationText }),
  z.strictObject({ uniform: z.strictObject({ min: durationText, max: durationText }) }),
  z.strictObject({ exponential: z.strictObject({ mean: durationText }) }),
  z.strictObject({ normal: z.strictObject({ mean: durationText, stddev: durationText }) }),
  z.strictObject({ lognormal: z.strictObject({ median: durationText, p99: durationText }) }),
  z.strictObject({ delay: durationText, jitter: durationText }),
  z.strictObject({ empirical: z.array(durationText).min(1) }),
] as const;

/** A duration (a constant) or a distribution of durations (SPEC §3), parsed to a Distribution. */
export const distribution = z
  .union(distributionShapes, { error: `must be ${DISTRIBUTION_FORMS}` })
  .transform((value, ctx): Distribution => {
    try {
      return parseDistribution(value);
    } catch (error) {
      if (!(error instanceof DistributionError)) throw error;
      ctx.issues.push({ code: "custom", message: error.message, input: value, params: { distribution: true } });
      return z.NEVER;
    }
  })
  .meta({
    id: "Distribution",
    description:
      "A duration (constant) or one of {constant: D}, {uniform: {min, max}}, {exponential: {mean}}, {normal: {mean, stddev}} (truncated at 0), {lognormal: {median, p99}}, {delay: D, jitter: D}, {empirical: [D, …]}.",
  });

function quantity(convert: (q: string | number) => number, what: string) {
  return z
    .union([z.string(), z.number()])
    .transform((value, ctx) => {
      try {
        const n = convert(value);
        if (n < 0) {
          ctx.issues.push({ code: "custom", message: "must be greater than or equal to 0", input: value });
          return z.NEVER;
        }
        return n;
      } catch (error) {
        if (!(error instanceof QuantityError)) throw error;
        ctx.issues.push({ code: "custom", message: error.message, input: value });
        return z.NEVER;
      }
    })
    .meta({ description: `A Kubernetes quantity (${what}).` });
}

// ---------------------------------------------------------------------------------------------
// Names.

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
export const DNS1123_LABEL_MESSAGE =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";

const dnsLabel = z.string().max(63).regex(DNS1123_LABEL, { error: DNS1123_LABEL_MESSAGE });

/** `kind/name` in lower case: `deployment/web`, `statefulset/db`, `node/worker-2`. */
const targetRef = z.string().meta({
  description: "An object as kind/name in lower case: deployment/web, statefulset/db, service/web, node/worker-2.",
  pattern: "^[a-z]+/[a-z0-9]([-a-z0-9.]*[a-z0-9])?$",
});

/** A Kubernetes object (Deployment, StatefulSet, ReplicaSet, Service, PodDisruptionBudget…). */
export const kubeObject = z.record(z.string(), z.unknown()).meta({
  description: "A Kubernetes manifest, validated as the API server would (see kubesim validate).",
  required: ["apiVersion", "kind", "metadata"],
});

/** target → strategic-merge patch, as `kubectl patch --type strategic` takes it. */
const patchMap = z.record(targetRef, z.record(z.string(), z.unknown())).meta({
  description: "Strategic-merge patches by target (kind/name), as kubectl patch applies them.",
});

// ---------------------------------------------------------------------------------------------
// Sections.

/** Timing knobs with SPEC §2's defaults; every entry is a duration or a distribution. */
export const TIMING_DEFAULTS = {
  controllerLatency: "0s",
  schedulingLatency: "0s",
  imagePull: { lognormal: { median: "2s", p99: "10s" } },
  containerStart: "500ms",
  endpointSliceLatency: "0s",
  nodeMonitorGracePeriod: "50s",
  nodeMonitorPeriod: "5s",
  defaultTolerationSeconds: "300s",
} as const;

export const KUBE_PROXY_SYNC_DEFAULTS = {
  minSyncPeriod: "1s",
  latency: { uniform: { min: "50ms", max: "300ms" } },
} as const;

const TIMING_DESCRIPTIONS: Record<keyof typeof TIMING_DEFAULTS, string> = {
  controllerLatency: "Watch event → controller reconcile.",
  schedulingLatency: "Pod created → bound to a node (when a node fits).",
  imagePull: "Image pull on a node that does not have the image.",
  containerStart: "Image present → container running.",
  endpointSliceLatency: "Pod change → EndpointSlice updated.",
  nodeMonitorGracePeriod: "Node lifecycle controller: heartbeat silence before the node is NotReady (--node-monitor-grace-period).",
  nodeMonitorPeriod: "Node lifecycle controller check period (--node-monitor-period).",
  defaultTolerationSeconds: "tolerationSeconds the DefaultTolerationSeconds admission plugin adds for not-ready/unreachable.",
};

type TimingName = keyof typeof TIMING_DEFAULTS;

function timingEntry(name: TimingName) {
  return distribution.meta({ description: `${TIMING_DESCRIPTIONS[name]} Default ${JSON.stringify(TIMING_DEFAULTS[name])}.` });
}

const withDefault = (name: TimingName) => timingEntry(name).prefault(TIMING_DEFAULTS[name]);
const overridden = (name: TimingName) => timingEntry(name).optional();
const KUBE_PROXY_SYNC_DESCRIPTION = "Per-node kube-proxy: at most one sync per minSyncPeriod, each taking `latency`.";

/**
 * kube-proxy's --iptables-sync-period (1h, sim/network/kube-proxy.ts DEFAULT_MAX_SYNC_PERIOD):
 * its config validation requires syncPeriod ≥ minSyncPeriod (pkg/proxy/apis/config/validation).
 */
const KUBE_PROXY_SYNC_PERIOD: Time = 3600 * 1_000_000;
const minSyncPeriod = duration.refine((t) => t <= KUBE_PROXY_SYNC_PERIOD, {
  message: "must be less than or equal to kube-proxy's syncPeriod (1h)",
});

const timing = z.strictObject({
  controllerLatency: withDefault("controllerLatency"),
  schedulingLatency: withDefault("schedulingLatency"),
  imagePull: withDefault("imagePull"),
  containerStart: withDefault("containerStart"),
  endpointSliceLatency: withDefault("endpointSliceLatency"),
  kubeProxySync: z
    .strictObject({
      minSyncPeriod: minSyncPeriod.prefault(KUBE_PROXY_SYNC_DEFAULTS.minSyncPeriod),
      latency: distribution.prefault(KUBE_PROXY_SYNC_DEFAULTS.latency),
    })
    .meta({ description: KUBE_PROXY_SYNC_DESCRIPTION })
    .prefault({}),
  nodeMonitorGracePeriod: withDefault("nodeMonitorGracePeriod"),
  nodeMonitorPeriod: withDefault("nodeMonitorPeriod"),
  defaultTolerationSeconds: withDefault("defaultTolerationSeconds"),
});

const timingOverride = z.strictObject({
  controllerLatency: overridden("controllerLatency"),
  schedulingLatency: overridden("schedulingLatency"),
  imagePull: overridden("imagePull"),
  containerStart: overridden("containerStart"),
  endpointSliceLatency: overridden("endpointSliceLatency"),
  kubeProxySync: z
    .strictObject({ minSyncPeriod: minSyncPeriod.optional(), latency: distribution.optional() })
    .meta({ description: KUBE_PROXY_SYNC_DESCRIPTION })
    .optional(),
  nodeMonitorGracePeriod: overridden("nodeMonitorGracePeriod"),
  nodeMonitorPeriod: overridden("nodeMonitorPeriod"),
  defaultTolerationSeconds: overridden("defaultTolerationSeconds"),
});

/** App behaviour by workload name; defaults (startup 0s, shutdown 0s, ready true) are filled in build.ts. */
const app = z
  .strictObject({
    startup: distribution.optional().meta({ description: "Container running → passes readiness. Default 0s." }),
    shutdown: distribution.optional().meta({ description: "SIGTERM → process exits. Default 0s." }),
    crash: distribution.optional().meta({ description: "Optional: time to a crash while running." }),
    ready: z.boolean().optional().meta({ description: "false: never passes its readiness probe. Default true." }),
  })
  .meta({ id: "App" });

const traffic = z
  .strictObject({
    service: z.string().min(1).meta({ description: "Name of a Service in the manifests." }),
    rate: z
      .number()
      .min(0)
      .max(MAX_TRAFFIC_RATE)
      .meta({ description: `Requests per second (Poisson arrivals); at most ${MAX_TRAFFIC_RATE}: kubesim draws every request.` }),
    timeout: duration.prefault("1s").meta({ description: "Client timeout. Default 1s." }),
    retries: z
      .strictObject({
        count: z.int().min(0),
        backoff: distribution.prefault("0s"),
      })
      .optional(),
  })
  .meta({ id: "Traffic" });

export const FAULT_ACTIONS = ["pod-kill", "pod-failure", "node-failure", "node-drain", "network-partition"] as const;
export const FAULT_MODES = ["one", "all", "fixed", "fixed-percent"] as const;

const fault = z.strictObject({
  action: z.enum(FAULT_ACTIONS),
  mode: z.enum(FAULT_MODES).default("one"),
  value: z.number().min(0).optional().meta({ description: "N for mode fixed, P (percent) for fixed-percent." }),
  selector: z.strictObject({
    node: z.string().optional(),
    pool: z.string().optional(),
    zone: z.string().optional(),
    labels: z.record(z.string(), z.string()).optional(),
    name: z.string().optional(),
  }),
  duration: duration.optional().meta({ description: "Recover after this long (node-failure, network-partition, node-drain)." }),
  gracePeriod: duration.optional().meta({ description: "pod-kill / node-drain: overrides the pods' terminationGracePeriodSeconds." }),
});

export const EVENT_ACTIONS = ["rollout", "scale", "patch", "delete", "apply", "fault"] as const;

const event = z
  .strictObject({
    at: duration.optional().meta({ description: "Virtual time from the start." }),
    every: distribution.optional().meta({ description: "Repeating: time between occurrences (e.g. exponential → Poisson)." }),
    rollout: z
      .strictObject({
        target: targetRef,
        image: z.string().min(1).optional(),
        container: z.string().optional().meta({ description: "Container to set the image of; default: the only one." }),
        template: z.record(z.string(), z.unknown()).optional().meta({ description: "Strategic-merge patch of spec.template." }),
        app: app.optional().meta({ description: "App behaviour of the new revision." }),
      })
      .optional(),
    scale: z.strictObject({ target: targetRef, replicas: z.int().min(0).max(MAX_REPLICAS) }).optional(),
    patch: patchMap.optional(),
    delete: z.strictObject({ target: targetRef }).optional(),
    apply: z
      .strictObject({
        manifest: z.string().min(1).optional().meta({ description: "Manifest file, relative to the scenario file." }),
        objects: z.array(kubeObject).optional(),
      })
      .optional(),
    fault: fault.optional(),
  })
  .meta({
    allOf: [
      { oneOf: [{ required: ["at"] }, { required: ["every"] }] },
      { oneOf: EVENT_ACTIONS.map((a) => ({ required: [a] })) },
    ],
  });

const strategy = z.strictObject({
  name: dnsLabel,
  description: z.string().optional(),
  patch: patchMap.optional(),
  timing: timingOverride.optional(),
  apps: z.record(z.string(), app).optional(),
  traffic: z.array(traffic).optional().meta({ description: "Entries replace the scenario's entries for the same service." }),
});

export const CHECK_METRICS = [
  "requests_total",
  "requests_ok",
  "requests_failed",
  "requests_timeout",
  "availability",
  "reachability",
  "unreachable_s",
  "rollout_duration_s",
  "min_available_replicas",
  "max_surge_pods",
  "pods_created",
  "pods_deleted",
  "events_processed",
] as const;

const check = z.strictObject({
  metric: z.enum(CHECK_METRICS),
  service: z.string().optional(),
  target: targetRef.optional(),
  min: z.number().optional(),
  max: z.number().optional(),
  tolerance: z.number().min(0).optional().meta({ description: "Allowed worsening against --baseline, absolute, in the metric's units." }),
});

const nodePool = z.strictObject({
  name: dnsLabel.meta({ description: "Pool name; nodes are <name>-1 … <name>-<count>." }),
  count: z.int().min(1).max(MAX_NODES).default(1).meta({ description: `Nodes in the pool (all pools together: at most ${MAX_NODES}).` }),
  capacity: z
    .strictObject({
      cpu: quantity(cpuMillicores, "CPU").prefault("4"),
      memory: quantity(memoryBytes, "memory").prefault("16Gi"),
      pods: z.int().min(1).default(110),
    })
    .prefault({}),
  zones: z.array(z.string().min(1)).min(1).optional().meta({ description: "Nodes are spread round-robin; default one zone." }),
  labels: z.record(z.string(), z.string()).optional(),
  taints: z
    .array(
      z.strictObject({
        key: z.string().min(1),
        value: z.string().optional(),
        effect: z.enum(["NoSchedule", "PreferNoSchedule", "NoExecute"]),
      }),
    )
    .optional(),
});

const spec = z.strictObject({
  seed: z
    .union([z.string().max(MAX_SEED_LENGTH), z.number()])
    .optional()
    .meta({ description: "Master seed; numbers mean the same seed as their decimal string." }),
  duration: duration.meta({ description: "Virtual time to simulate." }),
  replications: z.int().min(1).default(1).meta({ description: "Independent runs per strategy." }),
  start: z.enum(["steady", "empty"]).default("steady"),
  cluster: z.strictObject({ nodes: z.array(nodePool).min(1) }),
  timing: timing.prefault({}),
  manifests: z.array(z.string().min(1)).default([]).meta({ description: "Manifest files, relative to this file." }),
  objects: z.array(kubeObject).default([]),
  apps: z.record(z.string(), app).default({}),
  traffic: z.array(traffic).default([]),
  events: z.array(event).default([]),
  strategies: z.array(strategy).default([]),
  checks: z.array(check).default([]),
});

/** The whole scenario document. */
export const scenarioSchema = z
  .strictObject({
    apiVersion: z.literal(SCENARIO_API_VERSION),
    kind: z.literal("Scenario"),
    metadata: z.strictObject({
      name: dnsLabel.meta({ description: "Report directory name: lower case letters, digits and '-'." }),
      description: z.string().optional(),
    }),
    spec,
  })
  .meta({ title: "kubesim scenario", description: "A kubesim scenario (SPEC §2)." });

export type ScenarioInput = z.input<typeof scenarioSchema>;
export type ScenarioOutput = z.output<typeof scenarioSchema>;
export type AppOutput = z.output<typeof app>;
export type TrafficOutput = z.output<typeof traffic>;
export type EventOutput = z.output<typeof event>;
export type TimingOverrideOutput = z.output<typeof timingOverride>;

let cachedSchema: Readonly<Record<string, unknown>> | undefined;

/** The JSON Schema, generated once and shared: callers must not modify it. */
export function sharedScenarioJsonSchema(): Readonly<Record<string, unknown>> {
  cachedSchema ??= z.toJSONSchema(scenarioSchema, { io: "input", target: "draft-7", unrepresentable: "any" });
  return cachedSchema;
}

/** The JSON Schema (draft-07) of the scenario format, as `kubesim schema` prints it (a fresh copy). */
export function scenarioJsonSchema(): Record<string, unknown> {
  return structuredClone(sharedScenarioJsonSchema()) as Record<string, unknown>;
}
