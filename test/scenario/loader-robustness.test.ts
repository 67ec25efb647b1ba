// Random timelines and strategies (valid and broken targets, patches, directives, faults) never
// make the loader throw, and every strategy of a scenario that loads can be applied.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { applyStrategy, loadScenarioSync } from "../../sim/scenario/index.ts";

const t = suite("scenario: loader robustness");

const MANIFESTS = `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: w}]}
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec: {selector: {app: web}, ports: [{port: 80}]}
`;

const target = fc.constantFrom("deployment/web", "service/web", "statefulset/db", "node/n-1", "web", "Deployment/web", 5, null);
const objPatch = fc.oneof(fc.constant({ spec: { replicas: 3 } }), fc.constant({ spec: { replicas: -1 } }), fc.constant({ spec: { template: { spec: { containers: [{ name: "web", image: "x" }] } } } }), fc.constant({ spec: { template: { spec: { containers: [{ image: "x" }] } } } }), fc.constant({ $patch: "delete" }), fc.constant({ metadata: { name: "other" } }), fc.constant(null), fc.constant([1]), fc.constant({ spec: { strategy: { $patch: "replace", type: "Recreate" } } }));
const action = fc.oneof(
  fc.record({ rollout: fc.record({ target, image: fc.constantFrom("web:v2", "", 3), container: fc.constantFrom("web", "x"), template: objPatch, app: fc.constantFrom({ ready: false }, { startup: "1s" }, 3) }, { requiredKeys: [] }) }),
  fc.record({ scale: fc.record({ target, replicas: fc.constantFrom(0, 3, -1, "3") }, { requiredKeys: [] }) }),
  fc.record({ patch: fc.dictionary(fc.constantFrom("deployment/web", "service/web", "node/n-1", "x"), objPatch) }),
  fc.record({ delete: fc.record({ target }, { requiredKeys: [] }) }),
  fc.record({ apply: fc.record({ manifest: fc.constantFrom("web.yaml", "nope.yaml", "/abs", "http://x"), objects: fc.constantFrom([], [1], [{ apiVersion: "v1", kind: "Service", metadata: { name: "s2" }, spec: { clusterIP: "None" } }]) }, { requiredKeys: [] }) }),
  fc.record({ fault: fc.record({ action: fc.constantFrom("pod-kill", "node-failure", "x"), mode: fc.constantFrom("one", "fixed", "fixed-percent"), value: fc.constantFrom(1, 0, 150, 2.5), selector: fc.constantFrom({}, { node: "n-1" }, { labels: { app: "web" } }, { zone: "z" }, 4), duration: fc.constantFrom("1m", 5), gracePeriod: fc.constantFrom("0s") }, { requiredKeys: [] }) }),
);
const event = fc.tuple(fc.record({ at: fc.constantFrom("1m", "2m", 5, "10m"), every: fc.constantFrom("1m", { exponential: { mean: "1m" } }) }, { requiredKeys: [] }), fc.array(action, { maxLength: 2 })).map(([t, as]) => Object.assign({}, t, ...as));
const strategy = fc.record({ name: fc.constantFrom("a", "b", "A"), patch: fc.dictionary(fc.constantFrom("deployment/web", "service/web", "x/y"), objPatch), apps: fc.constantFrom({ web: { startup: "1s" } }, { nope: {} }), traffic: fc.constantFrom([{ service: "web", rate: 5 }], [{ service: "x", rate: 1 }]), timing: fc.constantFrom({ kubeProxySync: { minSyncPeriod: "2s" } }, { imagePull: "1s" }) }, { requiredKeys: ["name"] });

t("random timelines and strategies load or fail with diagnostics, never with an exception", () => {
  const dir = mkdtempSync(join(tmpdir(), "kubesim-robust-"));
  try {
    writeFileSync(join(dir, "web.yaml"), MANIFESTS);
    const file = join(dir, "s.yaml");
    fc.assert(
      fc.property(fc.array(event, { maxLength: 4 }), fc.array(strategy, { maxLength: 3 }), (events, strategies) => {
        const spec = { duration: "5m", cluster: { nodes: [{ name: "n" }] }, manifests: ["web.yaml"], traffic: [{ service: "web", rate: 1 }], events, strategies };
        writeFileSync(file, JSON.stringify({ apiVersion: "kubesim/v1alpha1", kind: "Scenario", metadata: { name: "t" }, spec }));
        const result = loadScenarioSync(file);
        if (!result.ok) {
          assert.ok(result.errors.length > 0);
          for (const e of result.errors) assert.not.match(e.message, /internal error/);
          return;
        }
        for (const s of result.scenario.spec.strategies) assert.ok(applyStrategy(result.scenario, s.name).ok, s.name);
      }),
      { numRuns: 100, seed: 3 },
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

t.run();
