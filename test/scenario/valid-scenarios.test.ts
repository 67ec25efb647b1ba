// Valid scenarios load into the typed Scenario with every default filled in: durations as µs,
// distributions, quantities, seeds normalised, Kubernetes defaults applied to the objects, and
// source positions kept for the manifests.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import {
  type Distribution,
  findBundledScenario,
  formatWarning,
  type LoadResult,
  loadScenario,
  loadScenarioSync,
  positionOf,
  type Scenario,
  validateFileSync,
} from "../../sim/scenario/index.ts";
import { json } from "./json.ts";

const t = suite("scenario: valid scenarios");

const DIR = "test/scenario/fixtures/valid";
const S = 1_000_000;

function loaded(path: string): { scenario: Scenario; warnings: string[] } {
  const result = loadScenarioSync(path);
  if (!result.ok) throw new Error(`expected ${path} to load:\n${result.errors.map((e) => JSON.stringify(e)).join("\n")}`);
  return { scenario: result.scenario, warnings: result.warnings.map(formatWarning) };
}

function describe(d: Distribution | undefined): string | undefined {
  return d?.describe();
}

function withScenario(text: string, fn: (path: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), "kubesim-scenario-"));
  try {
    const path = join(dir, "s.yaml");
    writeFileSync(path, text);
    fn(path);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const MINIMAL = (extra: string) => `apiVersion: kubesim/v1alpha1
kind: Scenario
metadata: {name: t}
spec:
  duration: 1m
  cluster: {nodes: [{name: n}]}
${extra}`;

t("the SPEC example loads with its values", () => {
  const { scenario, warnings } = loaded(`${DIR}/full.yaml`);
  assert.equal(warnings, []);
  const spec = scenario.spec;
  assert.is(scenario.metadata.name, "rolling-update");
  assert.is(spec.seed, "42");
  assert.is(spec.duration, 600 * S);
  assert.is(spec.replications, 30);
  assert.is(spec.start, "steady");
  assert.equal(spec.cluster.nodes[0].capacity, { cpu: 4000, memory: 16 * 2 ** 30, pods: 110 });
  assert.equal(spec.cluster.nodes[0].zones, ["a", "b", "c"]);
  assert.equal(spec.cluster.nodes[0].nodes, ["worker-1", "worker-2", "worker-3", "worker-4", "worker-5", "worker-6"]);
});

t("timing: written entries are parsed, the rest take SPEC's defaults", () => {
  const { timing } = loaded(`${DIR}/full.yaml`).scenario.spec;
  assert.is(describe(timing.imagePull), "{lognormal: {median: 2s, p99: 10s}}");
  assert.is(timing.containerStart.mean(), 0.5 * S);
  assert.is(timing.nodeMonitorGracePeriod.mean(), 40 * S);
  assert.is(timing.nodeMonitorPeriod.mean(), 5 * S);
  assert.is(timing.defaultTolerationSeconds.mean(), 300 * S);
  assert.is(timing.controllerLatency.mean(), 0);
  assert.is(timing.kubeProxySync.minSyncPeriod, 1 * S);
  assert.is(describe(timing.kubeProxySync.latency), "{uniform: {min: 50ms, max: 300ms}}");
});

t("apps: written behaviour, and defaults for every other workload", () => {
  const { apps } = loaded(`${DIR}/full.yaml`).scenario.spec;
  assert.is(describe(apps.web.startup), "{uniform: {min: 3s, max: 8s}}");
  assert.is(apps.web.startup.mean(), 5.5 * S);
  assert.is(describe(apps.web.shutdown), "2s");
  assert.is(describe(apps.web.crash), "{exponential: {mean: 6h}}");
  assert.is(apps.web.ready, true);
  assert.is(describe(apps.db.startup), "0s");
  assert.is(describe(apps.db.shutdown), "0s");
  assert.is(apps.db.crash, undefined);
  assert.is(apps.db.ready, true);
});

t("manifests: files in order, API server defaults applied", () => {
  const { manifests } = loaded(`${DIR}/full.yaml`).scenario.spec;
  assert.equal(
    manifests.map((m) => m.ref),
    ["deployment/web", "service/web", "service/db", "statefulset/db", "poddisruptionbudget/web"],
  );
  const web = json(manifests[0].object);
  assert.is(web.metadata.namespace, "default");
  assert.equal(web.spec.strategy, { type: "RollingUpdate", rollingUpdate: { maxUnavailable: "25%", maxSurge: "25%" } });
  assert.is(web.spec.revisionHistoryLimit, 10);
  assert.is(web.spec.progressDeadlineSeconds, 600);
  const container = web.spec.template.spec.containers[0];
  assert.is(container.imagePullPolicy, "IfNotPresent");
  assert.equal(container.ports, [{ containerPort: 8080, name: "http", protocol: "TCP" }]);
  assert.equal(container.readinessProbe, {
    httpGet: { path: "/healthz", port: "http" },
    periodSeconds: 5,
    timeoutSeconds: 1,
    successThreshold: 1,
    failureThreshold: 3,
  });
  assert.is(web.spec.template.spec.restartPolicy, "Always");

  const service = json(manifests[1].object);
  assert.equal(service.spec.ports, [{ port: 80, targetPort: "http", protocol: "TCP" }]);
  assert.is(service.spec.type, "ClusterIP");

  const db = json(manifests[3].object);
  assert.is(db.spec.podManagementPolicy, "OrderedReady");
  assert.equal(db.spec.updateStrategy, { type: "RollingUpdate", rollingUpdate: { partition: 0, maxUnavailable: 1 } });
  assert.equal(db.spec.persistentVolumeClaimRetentionPolicy, { whenDeleted: "Retain", whenScaled: "Retain" });
  assert.equal(manifests[3].source, { file: `${DIR}/manifests/db.yaml`, path: "", document: 1 });
});

t("manifest objects keep their source positions", () => {
  const { manifests } = loaded(`${DIR}/full.yaml`).scenario.spec;
  assert.equal(positionOf(manifests[0], ["spec", "replicas"]), { file: `${DIR}/manifests/web.yaml`, line: 8, column: 13 });
  assert.equal(positionOf(manifests[0], ["spec", "template", "spec", "containers", 0, "image"]), {
    file: `${DIR}/manifests/web.yaml`,
    line: 20,
    column: 18,
  });
  // Defaulted fields point at their nearest written parent.
  assert.equal(positionOf(manifests[0], ["spec", "strategy", "rollingUpdate"]), { file: `${DIR}/manifests/web.yaml`, line: 8, column: 3 });
});

t("events: times, actions and resolved targets", () => {
  const { events } = loaded(`${DIR}/full.yaml`).scenario.spec;
  assert.equal(
    events.map((e) => [e.index, e.at, e.action]),
    [
      [0, 60 * S, "rollout"],
      [1, 180 * S, "rollout"],
      [2, 240 * S, "scale"],
      [3, 270 * S, "patch"],
      [4, 300 * S, "fault"],
      [5, undefined, "fault"],
    ],
  );
  const rollout = events[0];
  assert.ok(rollout.action === "rollout");
  if (rollout.action !== "rollout") return;
  assert.equal(rollout.rollout.target, { kind: "Deployment", name: "web", ref: "deployment/web" });
  assert.is(rollout.rollout.container, "web");
  assert.equal(rollout.rollout.patch, { spec: { template: { spec: { containers: [{ name: "web", image: "web:v2" }] } } } });
  const second = events[1];
  if (second.action !== "rollout") return assert.unreachable();
  assert.equal(second.rollout.app, { ready: false });
  const failure = events[4];
  if (failure.action !== "fault") return assert.unreachable();
  assert.equal(failure.fault, { action: "node-failure", mode: "one", selector: { node: "worker-2" }, duration: 180 * S });
  const kill = events[5];
  if (kill.action !== "fault") return assert.unreachable();
  assert.is(describe(kill.every), "{exponential: {mean: 10m}}");
  assert.equal(kill.fault, { action: "pod-kill", mode: "one", selector: { labels: { app: "web" } }, gracePeriod: 0 });
});

t("strategies, traffic and checks", () => {
  const { spec } = loaded(`${DIR}/full.yaml`).scenario;
  assert.equal(
    spec.strategies.map((s) => [s.name, s.index, s.patches.map((p) => p.target.ref)]),
    [
      ["default", 0, []],
      ["surge-all", 1, ["deployment/web"]],
      ["prestop-5s", 2, ["deployment/web"]],
      ["faster-app", 3, []],
    ],
  );
  assert.is(describe(spec.strategies[3].apps.web.startup), "1s");
  assert.equal(spec.traffic, [{ service: "web", rate: 200, timeout: 1 * S }]);
  assert.equal(spec.checks, [
    { metric: "availability", service: "web", min: 0.999 },
    { metric: "rollout_duration_s", target: "deployment/web", max: 120 },
  ]);
});

t("a minimal scenario gets every default", () => {
  const { scenario, warnings } = loaded(`${DIR}/minimal.yaml`);
  assert.equal(warnings, []);
  const spec = scenario.spec;
  assert.is(scenario.metadata.description, "");
  assert.is(spec.seed, undefined);
  assert.is(spec.replications, 1);
  assert.is(spec.start, "steady");
  assert.equal(spec.cluster.nodes, [
    { name: "pool", count: 1, capacity: { cpu: 4000, memory: 16 * 2 ** 30, pods: 110 }, zones: ["default"], labels: {}, taints: [], nodes: ["pool-1"] },
  ]);
  assert.is(describe(spec.timing.imagePull), "{lognormal: {median: 2s, p99: 10s}}");
  assert.is(spec.timing.nodeMonitorGracePeriod.mean(), 50 * S);
  assert.equal(Object.keys(spec.apps), ["api"]);
  assert.equal(spec.strategies.map((s) => [s.name, s.index]), [["default", -1]]);
  assert.equal([spec.traffic, spec.events, spec.checks], [[], [], []]);
  const api = spec.manifests[0];
  assert.equal(api.source, { file: `${DIR}/minimal.yaml`, path: "spec.objects[0]", document: 0 });
  const object = json(api.object);
  assert.is(object.spec.replicas, 1);
  assert.is(object.spec.template.spec.containers[0].imagePullPolicy, "Always");
  assert.is(object.spec.template.spec.terminationGracePeriodSeconds, 30);
});

t("fields kubesim does not simulate warn once per field path; other kinds are skipped", () => {
  const { scenario, warnings } = loaded(`${DIR}/warnings.yaml`);
  const m = `${DIR}/manifests/unmodelled.yaml`;
  assert.equal(warnings, [
    `warning: ${DIR}/warnings.yaml:18:11: spec.events[0].at: the event is after the end of the run (5m > 2m); it never happens`,
    `warning: ${DIR}/warnings.yaml:30:23: spec.strategies[0].patch[deployment/shop].spec.template.spec.containers[0].lifecycle.postStart: field is not simulated by kubesim; ignored`,
    `warning: ${m}:2:7: kind: ConfigMap (v1) is not simulated by kubesim; object ignored`,
    `warning: ${m}:16:3: spec.paused: field is not simulated by kubesim; ignored`,
    `warning: ${m}:25:7: spec.template.spec.securityContext: field is not simulated by kubesim; ignored`,
    `warning: ${m}:27:7: spec.template.spec.serviceAccountName: field is not simulated by kubesim; ignored`,
    `warning: ${m}:31:11: spec.template.spec.containers[0].env: field is not simulated by kubesim; ignored`,
    `warning: ${m}:36:13: spec.template.spec.containers[0].resources.limits: field is not simulated by kubesim; ignored`,
    `warning: ${m}:39:28: spec.template.spec.containers[0].livenessProbe.periodSeconds: 0 means the default (10), as the API server reads it`,
    `warning: ${m}:46:14: spec.clusterIP: only clusterIP: None (headless) is simulated; the address is ignored`,
    `warning: ${m}:47:3: spec.sessionAffinity: field is not simulated by kubesim; ignored`,
  ]);
  assert.is(scenario.spec.seed, "shop-2024");
  assert.equal(scenario.spec.manifests.map((x) => x.ref), ["deployment/shop", "service/shop"]);
  const probe = json(scenario.spec.manifests[0].object).spec.template.spec.containers[0].livenessProbe;
  assert.is(probe.periodSeconds, 10);
});

t("seeds: numbers become their decimal string", () => {
  for (const [written, seed] of [
    ["42", "42"],
    ['"42"', "42"],
    ["0x2A", "42"],
    ["4.5", "4.5"],
    ["abc", "abc"],
  ]) {
    withScenario(MINIMAL(`  seed: ${written}\n`), (path) => {
      const result = loadScenarioSync(path);
      assert.ok(result.ok, written);
      if (result.ok) assert.is(result.scenario.spec.seed, seed, written);
    });
  }
});

t("YAML 1.1 words are strings (zones: [no, yes] are zone names)", () => {
  withScenario(
    `apiVersion: kubesim/v1alpha1
kind: Scenario
metadata: {name: t}
spec:
  duration: 1m
  cluster: {nodes: [{name: n, zones: [no, yes, on]}]}
`,
    (path) => {
      const result = loadScenarioSync(path);
      assert.ok(result.ok);
      if (result.ok) assert.equal(result.scenario.spec.cluster.nodes[0].zones, ["no", "yes", "on"]);
    },
  );
});

t("merge keys (<<) are honoured as in Kubernetes' YAML reader", () => {
  withScenario(
    `apiVersion: kubesim/v1alpha1
kind: Scenario
metadata: {name: t}
spec:
  duration: 1m
  cluster:
    nodes:
      - &pool {name: a, count: 2, capacity: {cpu: "2"}}
      - <<: *pool
        name: b
`,
    (path) => {
      const result = loadScenarioSync(path);
      assert.ok(result.ok);
      if (!result.ok) return;
      assert.equal(
        result.scenario.spec.cluster.nodes.map((n) => [n.name, n.count, n.capacity.cpu]),
        [
          ["a", 2, 2000],
          ["b", 2, 2000],
        ],
      );
    },
  );
});

t("loadScenario (async) gives the same result as loadScenarioSync", async () => {
  const strip = (r: LoadResult) => JSON.stringify(r, (_k, v) => (v && typeof v === "object" && "sample" in v ? v.describe() : v));
  assert.is(strip(await loadScenario(`${DIR}/full.yaml`)), strip(loadScenarioSync(`${DIR}/full.yaml`)));
  assert.is(strip(await loadScenario(`${DIR}/warnings.yaml`)), strip(loadScenarioSync(`${DIR}/warnings.yaml`)));
});

t("kubesim validate accepts a valid scenario and a valid manifest file", () => {
  assert.equal(validateFileSync(`${DIR}/full.yaml`), { ok: true, errors: [], warnings: [] });
  assert.equal(validateFileSync(`${DIR}/manifests/db.yaml`), { ok: true, errors: [], warnings: [] });
});

t("a StatefulSet whose governing Service is missing gets a warning", () => {
  withScenario(
    MINIMAL(`  objects:
    - apiVersion: apps/v1
      kind: StatefulSet
      metadata: {name: db}
      spec:
        serviceName: db-headless
        selector: {matchLabels: {app: db}}
        template:
          metadata: {labels: {app: db}}
          spec: {containers: [{name: db, image: db:1}]}
`),
    (path) => {
      const result = loadScenarioSync(path);
      assert.equal(result.warnings.map(formatWarning), [
        `warning: ${path}:12:22: spec.objects[0].spec.serviceName: no Service named "db-headless" in the manifests (the StatefulSet's governing Service)`,
      ]);
    },
  );
});

t("bundled scenarios are found by name", () => {
  const path = findBundledScenario("rolling-update");
  assert.ok(path?.endsWith(join("scenarios", "rolling-update.yaml")));
  assert.is(findBundledScenario("no-such-scenario"), undefined);
  assert.is(findBundledScenario("../package"), undefined);
  assert.is(findBundledScenario("/etc/passwd"), undefined);
});

t.run();
