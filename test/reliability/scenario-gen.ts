/**
 * Random scenarios for the reliability property tests, built in code as plain objects and
 * written as YAML files (a scenario and a multi-document manifest file beside it), so that they
 * go through the same loader as users' files.
 *
 * A model is either `settling` (every fault recovers: node faults have a duration, apps never
 * crash on their own, no release is broken, no StatefulSet partition holds pods back, capacity
 * fits every pod and its surge; the run then settles long after the last event and every
 * workload must have converged) or free (anything goes; only the invariants and the accounting
 * are checked).
 *
 * Left out: PodDisruptionBudgets, affinity, taints, retries and `every` events in settling models
 * (a Poisson fault keeps striking through the settle phase).
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import YAML from "yaml";

export interface PoolModel {
  readonly name: string;
  readonly count: number;
  readonly cpu: string;
  readonly pods: number;
  readonly zones: readonly string[];
}

export interface ProbeModel {
  readonly periodSeconds: number;
  readonly failureThreshold: number;
  readonly initialDelaySeconds: number;
}

export interface WorkloadModel {
  readonly kind: "Deployment" | "StatefulSet";
  readonly name: string;
  readonly replicas: number;
  /** Deployment: RollingUpdate {maxSurge, maxUnavailable} or Recreate. StatefulSet: OrderedReady/Parallel and rollingUpdate. */
  readonly strategy: Record<string, unknown>;
  readonly podManagementPolicy?: "OrderedReady" | "Parallel";
  readonly minReadySeconds: number;
  readonly readiness: ProbeModel | null;
  /** Liveness and startup probes are generous: they never kill an app that starts in time. */
  readonly liveness: ProbeModel | null;
  readonly preStopSeconds: number | null;
  readonly grace: number;
  readonly app: Record<string, unknown>;
  /** Requests per second on its Service, or 0 for none. */
  readonly rate: number;
}

export type EventModel = Record<string, unknown> & { readonly at: number };

export interface ScenarioModel {
  readonly settling: boolean;
  readonly start: "steady" | "empty";
  readonly pools: readonly PoolModel[];
  readonly workloads: readonly WorkloadModel[];
  readonly events: readonly EventModel[];
  readonly strategies: readonly Record<string, unknown>[];
  /** Seconds: the last event, or the end of the last fault that recovers. */
  readonly activeEnd: number;
  readonly seed: number;
}

const CPU_PER_POD_MILLI = 100;

const dist = (settling: boolean) =>
  fc.oneof(
    fc.constantFrom("0s", "500ms", "2s", "10s"),
    fc.record({ uniform: fc.constantFrom({ min: "1s", max: "5s" }, { min: "0s", max: "20s" }) }),
    fc.record({ exponential: fc.constantFrom({ mean: "3s" }, { mean: "10s" }) }),
    fc.record({ lognormal: fc.constantFrom({ median: "2s", p99: "10s" }) }),
    fc.record({ delay: fc.constantFrom("1s", "3s"), jitter: fc.constantFrom("0s", "2s") }),
    ...(settling ? [] : [fc.record({ empirical: fc.constantFrom(["1s", "30s"], ["0s"]) })]),
  );

const probe = fc.record({
  periodSeconds: fc.integer({ min: 1, max: 10 }),
  failureThreshold: fc.integer({ min: 1, max: 3 }),
  initialDelaySeconds: fc.integer({ min: 0, max: 5 }),
});

/** Liveness/startup windows of at least 60 s, longer than any startup drawn above could plausibly be. */
const generousProbe = fc.record({
  periodSeconds: fc.integer({ min: 5, max: 10 }),
  failureThreshold: fc.constant(6),
  initialDelaySeconds: fc.integer({ min: 60, max: 90 }),
});

function workloadArb(kind: "Deployment" | "StatefulSet", name: string, settling: boolean): fc.Arbitrary<WorkloadModel> {
  const deploymentStrategy = fc.oneof(
    fc
      .record({ maxSurge: fc.constantFrom<number | string>(0, 1, 2, "25%", "50%", "100%"), maxUnavailable: fc.constantFrom<number | string>(0, 1, "25%", "100%") })
      .filter((r) => !(String(r.maxSurge).replace("%", "") === "0" && String(r.maxUnavailable).replace("%", "") === "0"))
      .map((rollingUpdate) => ({ type: "RollingUpdate", rollingUpdate })),
    fc.constant({ type: "Recreate" }),
  );
  const statefulStrategy = fc.record({
    type: fc.constant("RollingUpdate"),
    rollingUpdate: fc.record({ maxUnavailable: fc.constantFrom(1, 2, "50%"), partition: settling ? fc.constant(0) : fc.constantFrom(0, 0, 1, 3) }),
  });
  return fc.record({
    kind: fc.constant(kind),
    name: fc.constant(name),
    replicas: fc.integer({ min: 0, max: kind === "Deployment" ? 6 : 4 }),
    strategy: kind === "Deployment" ? deploymentStrategy : statefulStrategy,
    podManagementPolicy: kind === "Deployment" ? fc.constant(undefined) : fc.constantFrom<"OrderedReady" | "Parallel">("OrderedReady", "Parallel"),
    minReadySeconds: fc.constantFrom(0, 0, 5, 10),
    readiness: fc.option(probe, { nil: null }),
    liveness: fc.option(generousProbe, { nil: null, freq: 3 }),
    preStopSeconds: fc.option(fc.integer({ min: 0, max: 10 }), { nil: null }),
    grace: fc.constantFrom(0, 5, 30),
    app: fc.record(
      {
        startup: dist(settling),
        shutdown: dist(settling),
        ...(settling ? {} : { crash: fc.record({ exponential: fc.constantFrom({ mean: "2m" }, { mean: "20m" }) }), ready: fc.boolean() }),
      },
      { requiredKeys: ["startup"] },
    ),
    rate: fc.constantFrom(0, 1, 5, 20),
  });
}

function eventArb(workloads: readonly WorkloadModel[], nodes: readonly string[], pools: readonly PoolModel[], settling: boolean): fc.Arbitrary<EventModel> {
  const at = fc.integer({ min: 0, max: 240 });
  const target = fc.constantFrom(...workloads.map((w) => w.kind.toLowerCase() + "/" + w.name));
  const workloadFor = (t: string) => workloads.find((w) => `${w.kind.toLowerCase()}/${w.name}` === t)!;
  const rollout = fc.record({ at, target, version: fc.integer({ min: 2, max: 9 }), app: fc.option(dist(settling), { nil: undefined }), broken: settling ? fc.constant(false) : fc.boolean() }).map(
    (r): EventModel => {
      const app = r.broken ? { ready: false } : r.app === undefined ? undefined : { startup: r.app };
      return { at: r.at, rollout: { target: r.target, image: `registry.example.com/${workloadFor(r.target).name}:v${r.version}`, ...(app ? { app } : {}) } };
    },
  );
  const scale = fc.record({ at, target, replicas: fc.integer({ min: 0, max: 6 }) }).map((r): EventModel => ({ at: r.at, scale: { target: r.target, replicas: Math.min(r.replicas, workloadFor(r.target).kind === "StatefulSet" ? 4 : 6) } }));
  const patch = fc.record({ at, target, minReady: fc.constantFrom(0, 3), surge: fc.constantFrom(1, "50%"), partition: settling ? fc.constant(0) : fc.constantFrom(0, 2) }).map((r): EventModel => {
    const w = workloadFor(r.target);
    const spec =
      w.kind === "Deployment"
        ? w.strategy.type === "Recreate"
          ? { minReadySeconds: r.minReady }
          : { minReadySeconds: r.minReady, strategy: { rollingUpdate: { maxSurge: r.surge } } }
        : { minReadySeconds: r.minReady, updateStrategy: { rollingUpdate: { partition: r.partition } } };
    return { at: r.at, patch: { [r.target]: { spec } } };
  });
  const nodeSelector = fc.oneof(
    fc.constantFrom(...nodes.map((node) => ({ node }))),
    fc.constantFrom(...pools.map((p) => ({ pool: p.name }))),
    fc.constantFrom(...[...new Set(pools.flatMap((p) => p.zones))].map((zone) => ({ zone }))),
  );
  const podSelector = fc.oneof(fc.constantFrom(...pools.map((p) => ({ pool: p.name }))), fc.constantFrom(...workloads.map((w) => ({ labels: { app: w.name } }))), fc.constantFrom(...nodes.map((node) => ({ node }))));
  const mode = fc.oneof(
    fc.constant({ mode: "one" }),
    fc.constant({ mode: "all" }),
    fc.integer({ min: 1, max: 3 }).map((value) => ({ mode: "fixed", value })),
    fc.integer({ min: 1, max: 100 }).map((value) => ({ mode: "fixed-percent", value })),
  );
  const duration = settling ? fc.integer({ min: 5, max: 400 }).map((s) => `${s}s`) : fc.option(fc.integer({ min: 5, max: 400 }).map((s) => `${s}s`), { nil: undefined });
  const fault = fc.oneof(
    fc.record({ at, mode, selector: podSelector, grace: fc.option(fc.constantFrom("0s", "1s", "10s"), { nil: undefined }) }).map(
      (r): EventModel => ({ at: r.at, fault: { action: "pod-kill", ...r.mode, selector: r.selector, ...(r.grace === undefined ? {} : { gracePeriod: r.grace }) } }),
    ),
    fc.record({ at, mode, selector: podSelector }).map((r): EventModel => ({ at: r.at, fault: { action: "pod-failure", ...r.mode, selector: r.selector } })),
    fc.record({ at, mode, selector: nodeSelector, duration }).map(
      (r): EventModel => ({ at: r.at, fault: { action: "node-failure", ...r.mode, selector: r.selector, ...(r.duration === undefined ? {} : { duration: r.duration }) } }),
    ),
    fc.record({ at, mode, selector: nodeSelector, duration: fc.integer({ min: 5, max: 400 }).map((s) => `${s}s`) }).map(
      (r): EventModel => ({ at: r.at, fault: { action: "network-partition", ...r.mode, selector: r.selector, duration: r.duration } }),
    ),
    fc.record({ at, mode, selector: nodeSelector, duration, grace: fc.option(fc.constantFrom("0s", "5s"), { nil: undefined }) }).map(
      (r): EventModel => ({
        at: r.at,
        fault: { action: "node-drain", ...r.mode, selector: r.selector, ...(r.duration === undefined ? {} : { duration: r.duration }), ...(r.grace === undefined ? {} : { gracePeriod: r.grace }) },
      }),
    ),
  );
  return fc.oneof(rollout, rollout, scale, patch, fault, fault);
}

function poolsArb(): fc.Arbitrary<PoolModel[]> {
  return fc
    .array(
      fc.record({
        count: fc.integer({ min: 1, max: 3 }),
        cpu: fc.constantFrom("1", "2", "4", "8"),
        pods: fc.constantFrom(8, 16, 110),
        zones: fc.constantFrom(["a"], ["a", "b"], ["a", "b", "c"]),
      }),
      { minLength: 1, maxLength: 2 },
    )
    .map((pools) => pools.map((p, i) => ({ ...p, name: `p${i}` })));
}

function nodeNames(pools: readonly PoolModel[]): string[] {
  return pools.flatMap((p) => Array.from({ length: p.count }, (_, i) => `${p.name}-${i + 1}`));
}

/** Pods the cluster can hold (CPU and pod count), without the largest node. */
function capacity(pools: readonly PoolModel[]): number {
  const perNode = pools.map((p) => Math.min(p.pods, Math.floor((Number(p.cpu) * 1000) / CPU_PER_POD_MILLI)));
  const all = pools.flatMap((p, i) => Array.from({ length: p.count }, () => perNode[i]));
  return all.reduce((s, n) => s + n, 0);
}

const MAX_TOTAL_PODS = 3 * 6 * 2 + 2 * 4;

export function scenarioModel(settling: boolean): fc.Arbitrary<ScenarioModel> {
  return fc
    .record({
      pools: poolsArb(),
      deployments: fc.integer({ min: 1, max: 3 }),
      statefulSets: fc.integer({ min: 0, max: 2 }),
      start: fc.constantFrom<"steady" | "empty">("steady", "steady", "empty"),
      seed: fc.integer({ min: 0, max: 1_000_000 }),
    })
    .chain((base) => {
      const pools =
        settling && capacity(base.pools) < MAX_TOTAL_PODS
          ? // Every pod and its surge must fit once the faults are over: big nodes.
            base.pools.map((p) => ({ ...p, cpu: "16", pods: 110 }))
          : base.pools;
      const names = [...Array.from({ length: base.deployments }, (_, i) => ["Deployment", `d${i}`] as const), ...Array.from({ length: base.statefulSets }, (_, i) => ["StatefulSet", `s${i}`] as const)];
      return fc.tuple(...names.map(([kind, name]) => workloadArb(kind, name, settling))).chain((workloads) =>
        fc
          .record({
            events: fc.array(eventArb(workloads, nodeNames(pools), pools, settling), { maxLength: 6 }),
            strategies: strategiesArb(workloads),
          })
          .map(({ events, strategies }) => {
            const sorted = [...events].sort((a, b) => a.at - b.at);
            const activeEnd = sorted.reduce((end, e) => {
              const d = (e.fault as { duration?: string } | undefined)?.duration;
              return Math.max(end, e.at + (d === undefined ? 0 : Number.parseInt(d, 10)));
            }, 0);
            return { settling, start: base.start, pools, workloads, events: sorted, strategies, activeEnd, seed: base.seed };
          }),
      );
    });
}

function strategiesArb(workloads: readonly WorkloadModel[]): fc.Arbitrary<Record<string, unknown>[]> {
  const d = workloads.find((w) => w.kind === "Deployment")!;
  const alternatives = fc.constantFrom<Record<string, unknown>>(
    { name: "surge-all", patch: { [`deployment/${d.name}`]: { spec: { strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: "100%", maxUnavailable: 0 } } } } } },
    { name: "recreate", patch: { [`deployment/${d.name}`]: { spec: { strategy: { type: "Recreate", rollingUpdate: null } } } } },
    {
      name: "prestop",
      patch: { [`deployment/${d.name}`]: { spec: { template: { spec: { terminationGracePeriodSeconds: 30, containers: [{ name: "app", lifecycle: { preStop: { sleep: { seconds: 3 } } } }] } } } } },
    },
    { name: "slow-proxy", timing: { kubeProxySync: { minSyncPeriod: "5s" }, endpointSliceLatency: "1s" } },
    { name: "fast-app", apps: { [d.name]: { startup: "1s" } } },
  );
  return fc.array(alternatives, { maxLength: 1 }).map((alts) => [{ name: "default" }, ...alts]);
}

function probeSpec(p: ProbeModel, port: number): Record<string, unknown> {
  return { tcpSocket: { port }, periodSeconds: p.periodSeconds, failureThreshold: p.failureThreshold, initialDelaySeconds: p.initialDelaySeconds };
}

function manifestsOf(w: WorkloadModel): Record<string, unknown>[] {
  const container: Record<string, unknown> = {
    name: "app",
    image: `registry.example.com/${w.name}:v1`,
    ports: [{ containerPort: 8080 }],
    resources: { requests: { cpu: `${CPU_PER_POD_MILLI}m`, memory: "64Mi" } },
  };
  if (w.readiness) container.readinessProbe = probeSpec(w.readiness, 8080);
  if (w.liveness) container.livenessProbe = probeSpec(w.liveness, 8080);
  // preStop sleep must be shorter than the grace period (validation.go validateSleepAction).
  if (w.preStopSeconds !== null && w.grace > 0) container.lifecycle = { preStop: { sleep: { seconds: Math.min(w.preStopSeconds, w.grace - 1) } } };
  const template = { metadata: { labels: { app: w.name } }, spec: { terminationGracePeriodSeconds: w.grace, containers: [container] } };
  const spec: Record<string, unknown> = { replicas: w.replicas, selector: { matchLabels: { app: w.name } }, template, minReadySeconds: w.minReadySeconds };
  if (w.kind === "Deployment") spec.strategy = w.strategy;
  else Object.assign(spec, { serviceName: w.name, podManagementPolicy: w.podManagementPolicy, updateStrategy: w.strategy });
  const service = {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name: w.name },
    spec: { ...(w.kind === "StatefulSet" ? { clusterIP: "None" } : {}), selector: { app: w.name }, ports: [{ port: 80, targetPort: 8080 }] },
  };
  return [{ apiVersion: "apps/v1", kind: w.kind, metadata: { name: w.name }, spec }, service];
}

/** How long a settling run lasts after its last event: detection, eviction, restarts and rollouts all fit. */
export const SETTLE_SECONDS = 20 * 60;

/** The scenario document and its manifest file. */
export function scenarioFiles(m: ScenarioModel): { scenario: string; manifests: string } {
  const duration = m.settling ? m.activeEnd + SETTLE_SECONDS : m.activeEnd + 120;
  const apps = Object.fromEntries(m.workloads.map((w) => [w.name, w.app]));
  const traffic = m.workloads.filter((w) => w.rate > 0).map((w) => ({ service: w.name, rate: w.rate, timeout: "1s" }));
  const scenario = {
    apiVersion: "kubesim/v1alpha1",
    kind: "Scenario",
    metadata: { name: "random", description: `random ${m.settling ? "settling" : "free"} scenario` },
    spec: {
      seed: m.seed,
      duration: `${duration}s`,
      replications: 1,
      start: m.start,
      cluster: { nodes: m.pools.map((p) => ({ name: p.name, count: p.count, capacity: { cpu: p.cpu, memory: "64Gi", pods: p.pods }, zones: p.zones })) },
      timing: { imagePull: { lognormal: { median: "1s", p99: "5s" } }, containerStart: "500ms", endpointSliceLatency: { uniform: { min: "0s", max: "200ms" } } },
      manifests: ["manifests/workloads.yaml"],
      apps,
      traffic,
      events: m.events.map(({ at, ...rest }) => ({ at: `${at}s`, ...rest })),
      strategies: m.strategies,
    },
  };
  const manifests = m.workloads.flatMap(manifestsOf).map((o) => YAML.stringify(o)).join("---\n");
  return { scenario: YAML.stringify(scenario), manifests };
}

/** Writes the scenario into `dir` (scenario.yaml and manifests/workloads.yaml); returns the scenario path. */
export function writeScenario(dir: string, m: ScenarioModel): string {
  const files = scenarioFiles(m);
  mkdirSync(join(dir, "manifests"), { recursive: true });
  writeFileSync(join(dir, "manifests", "workloads.yaml"), files.manifests);
  writeFileSync(join(dir, "scenario.yaml"), files.scenario);
  return join(dir, "scenario.yaml");
}
