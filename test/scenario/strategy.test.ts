// Strategies: the effective objects, timing, apps and traffic one strategy simulates, and the
// errors for patches that do not apply (target missing, result invalid), with positions.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { applyObjectPatch, applyStrategy, formatDiagnostic, loadScenarioSync, type Scenario } from "../../sim/scenario/index.ts";
import { json } from "./json.ts";

const t = suite("scenario: strategies");

const DIR = "test/scenario/fixtures/valid";
const S = 1_000_000;

function scenario(path = `${DIR}/full.yaml`): Scenario {
  const result = loadScenarioSync(path);
  if (!result.ok) throw new Error(result.errors.map(formatDiagnostic).join("\n"));
  return result.scenario;
}

function withFiles(files: Record<string, string>, fn: (dir: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), "kubesim-strategy-"));
  try {
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
    fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const WEB = `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 4
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: web, image: web:v1}]
`;

t("the default strategy is the scenario unchanged", () => {
  const s = scenario();
  const result = applyStrategy(s, "default");
  assert.ok(result.ok);
  if (!result.ok) return;
  assert.equal(
    result.effective.manifests.map((m) => m.object),
    s.spec.manifests.map((m) => m.object),
  );
  assert.is(result.effective.timing, s.spec.timing);
  assert.equal(result.warnings, []);
});

t("a strategy patch changes only its target, and the result is defaulted", () => {
  const s = scenario();
  const result = applyStrategy(s, "surge-all");
  if (!result.ok) return assert.unreachable();
  const web = json(result.effective.manifests[0].object);
  assert.equal(web.spec.strategy, { type: "RollingUpdate", rollingUpdate: { maxSurge: "100%", maxUnavailable: 0 } });
  assert.is(result.effective.manifests[1], s.spec.manifests[1]);
  // The loaded scenario itself is untouched.
  const original = json(s.spec.manifests[0].object);
  assert.equal(original.spec.strategy.rollingUpdate, { maxUnavailable: "25%", maxSurge: "25%" });
});

t("containers merge by name in a strategy patch", () => {
  const result = applyStrategy(scenario(), "prestop-5s");
  if (!result.ok) return assert.unreachable();
  const containers = json(result.effective.manifests[0].object).spec.template.spec.containers;
  assert.is(containers.length, 1);
  assert.is(containers[0].image, "web:v1");
  assert.equal(containers[0].lifecycle, { preStop: { sleep: { seconds: 5 } } });
});

t("app overrides merge field by field", () => {
  const s = scenario();
  const result = applyStrategy(s, "faster-app");
  if (!result.ok) return assert.unreachable();
  assert.is(result.effective.apps.web.startup.describe(), "1s");
  assert.is(result.effective.apps.web.shutdown, s.spec.apps.web.shutdown);
  assert.is(result.effective.apps.web.crash, s.spec.apps.web.crash);
  assert.is(result.effective.apps.db, s.spec.apps.db);
});

t("timing and traffic overrides", () => {
  const text = `apiVersion: kubesim/v1alpha1
kind: Scenario
metadata: {name: t}
spec:
  duration: 1m
  cluster: {nodes: [{name: n}]}
  manifests: [web.yaml, svc.yaml]
  traffic:
    - {service: web, rate: 10}
  strategies:
    - name: slow-proxy
      timing:
        kubeProxySync: {minSyncPeriod: 5s}
        controllerLatency: {uniform: {min: 0s, max: 100ms}}
      traffic:
        - {service: web, rate: 50, timeout: 2s}
`;
  const svc = "apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec:\n  selector: {app: web}\n  ports: [{port: 80}]\n";
  withFiles({ "s.yaml": text, "web.yaml": WEB, "svc.yaml": svc }, (dir) => {
    const s = scenario(join(dir, "s.yaml"));
    const result = applyStrategy(s, "slow-proxy");
    if (!result.ok) return assert.unreachable();
    const timing = result.effective.timing;
    assert.is(timing.kubeProxySync.minSyncPeriod, 5 * S);
    assert.is(timing.kubeProxySync.latency, s.spec.timing.kubeProxySync.latency);
    assert.is(timing.controllerLatency.describe(), "{uniform: {min: 0s, max: 100ms}}");
    assert.is(timing.imagePull, s.spec.timing.imagePull);
    assert.equal(result.effective.traffic, [{ service: "web", rate: 50, timeout: 2 * S }]);
  });
});

t("an unknown strategy name is an error with a suggestion", () => {
  const result = applyStrategy(scenario(), "surge-al");
  assert.is(result.ok, false);
  if (result.ok) return;
  assert.equal(result.errors.map(formatDiagnostic), [
    `${DIR}/full.yaml:1:1: spec.strategies: Not found: "surge-al": no strategy of that name (strategies: default, surge-all, prestop-5s, faster-app); did you mean "surge-all"?`,
  ]);
});

t("a patch of a missing object points at the patch's key", () => {
  const text = `apiVersion: kubesim/v1alpha1
kind: Scenario
metadata: {name: t}
spec:
  duration: 1m
  cluster: {nodes: [{name: n}]}
  manifests: [web.yaml]
  strategies:
    - name: api
      patch:
        deployment/api: {spec: {replicas: 2}}
        statefulset/web: {spec: {replicas: 2}}
`;
  withFiles({ "s.yaml": text, "web.yaml": WEB }, (dir) => {
    const result = loadScenarioSync(join(dir, "s.yaml"));
    assert.equal(result.ok ? [] : result.errors.map(formatDiagnostic), [
      `${dir}/s.yaml:11:9: spec.strategies[0].patch[deployment/api]: Not found: "deployment/api": no Deployment named "api" in the manifests`,
      `${dir}/s.yaml:12:9: spec.strategies[0].patch[statefulset/web]: Not found: "statefulset/web": no StatefulSet named "web" in the manifests`,
    ]);
  });
});

t("a patch that makes the object invalid is reported at the patched field", () => {
  const text = `apiVersion: kubesim/v1alpha1
kind: Scenario
metadata: {name: t}
spec:
  duration: 1m
  cluster: {nodes: [{name: n}]}
  manifests: [web.yaml]
  strategies:
    - name: recreate
      patch:
        deployment/web: {spec: {strategy: {type: Recreate}}}
    - name: relabel
      patch:
        deployment/web:
          spec:
            template:
              metadata: {labels: {app: frontend}}
`;
  withFiles({ "s.yaml": text, "web.yaml": WEB }, (dir) => {
    const result = loadScenarioSync(join(dir, "s.yaml"));
    assert.equal(result.ok ? [] : result.errors.map(formatDiagnostic), [
      // Like kubectl: the defaulted rollingUpdate must be removed (rollingUpdate: null) to switch to
      // Recreate. It has no position of its own, so the nearest written parent (strategy) answers.
      `${dir}/s.yaml:11:43: spec.strategies[0].patch[deployment/web].spec.strategy.rollingUpdate: Forbidden: may not be specified when strategy \`type\` is 'Recreate'`,
      `${dir}/s.yaml:17:34: spec.strategies[1].patch[deployment/web].spec.template.metadata.labels: Invalid value: {"app":"frontend"}: \`selector\` does not match template \`labels\``,
    ]);
  });
});

t("a patch may not delete or replace the whole object", () => {
  const text = `apiVersion: kubesim/v1alpha1
kind: Scenario
metadata: {name: t}
spec:
  duration: 1m
  cluster: {nodes: [{name: n}]}
  manifests: [web.yaml]
  strategies:
    - name: gone
      patch:
        deployment/web: {$patch: delete}
    - name: swapped
      patch:
        deployment/web: {$patch: replace, apiVersion: v1, kind: Service, metadata: {name: web}}
`;
  withFiles({ "s.yaml": text, "web.yaml": WEB }, (dir) => {
    const result = loadScenarioSync(join(dir, "s.yaml"));
    assert.equal(result.ok ? [] : result.errors.map(formatDiagnostic), [
      `${dir}/s.yaml:11:25: spec.strategies[0].patch[deployment/web]: Forbidden: a patch may not delete the object (use a \`delete\` event)`,
      `${dir}/s.yaml:14:55: spec.strategies[1].patch[deployment/web].apiVersion: Forbidden: a patch may not change the object's apiVersion`,
      `${dir}/s.yaml:14:65: spec.strategies[1].patch[deployment/web].kind: Forbidden: a patch may not change the object's kind`,
    ]);
  });
});

t("applyObjectPatch applies a rollout patch to a live object and re-defaults it", () => {
  const s = scenario();
  const rollout = s.spec.events[0];
  if (rollout.action !== "rollout") return assert.unreachable();
  const next = json(applyObjectPatch(s.spec.manifests[0].object, rollout.rollout.patch, "Deployment"));
  const container = next.spec.template.spec.containers[0];
  assert.is(container.image, "web:v2");
  assert.is(container.imagePullPolicy, "IfNotPresent");
  assert.is(json(s.spec.manifests[0].object).spec.template.spec.containers[0].image, "web:v1");
});

t.run();
