// API-server admission of the simulated kinds: classification by apiVersion/kind, the defaults
// filled in before validation, and validation rules not already pinned by the invalid corpus.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { formatPath } from "../../sim/scenario/diagnostics.ts";
import { checkFields } from "../../sim/scenario/kube-fields.ts";
import {
  applyKubernetesDefaults,
  classifyObject,
  defaultImagePullPolicy,
  type KubeObject,
  type SimulatedKind,
  validateKubeObject,
} from "../../sim/scenario/kube-validation.ts";
import { isDNS1035Label, isDNS1123Label, isDNS1123Subdomain, isQualifiedName, selectorMatches } from "../../sim/scenario/names.ts";
import { json } from "./json.ts";

const t = suite("scenario: kubernetes validation");

function deployment(spec: Record<string, unknown> = {}): KubeObject {
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: "web" },
    spec: {
      selector: { matchLabels: { app: "web" } },
      template: { metadata: { labels: { app: "web" } }, spec: { containers: [{ name: "web", image: "web:v1" }] } },
      ...spec,
    },
  };
}

/** Defaults then validation, as the API server runs them; findings as `path: message`. */
function admit(obj: KubeObject, kind: SimulatedKind = "Deployment"): string[] {
  applyKubernetesDefaults(obj, kind);
  return validateKubeObject(obj, kind).errors.map((f) => `${formatPath(f.path)}: ${f.message}`);
}

t("classification: simulated kinds, List, skipped kinds, custom resources, unknown kinds", () => {
  assert.equal(classifyObject(deployment()), { action: "simulate", kind: "Deployment" });
  assert.equal(classifyObject({ apiVersion: "v1", kind: "List", items: [1] }), { action: "list", items: [1] });
  assert.equal(classifyObject({ apiVersion: "v1", kind: "Namespace", metadata: { name: "x" } }), { action: "skip" });
  const cm = classifyObject({ apiVersion: "v1", kind: "ConfigMap" });
  assert.is(cm.action, "skip");
  const cr = classifyObject({ apiVersion: "cert-manager.io/v1", kind: "Certificate" });
  assert.equal(cr.action === "skip" && cr.warning?.message, "Certificate (cert-manager.io/v1) is not simulated by kubesim; object ignored");
  const unknown = classifyObject({ apiVersion: "v1", kind: "Servcie" });
  assert.equal(unknown.action === "reject" && unknown.errors.map((e) => e.message), [
    'Invalid value: "Servcie": no matches for kind "Servcie" in version "v1"; did you mean "Service"?',
  ]);
  const missing = classifyObject({ metadata: {} });
  assert.equal(missing.action === "reject" && missing.errors.map((e) => `${formatPath(e.path)}: ${e.message}`), [
    "apiVersion: Required value",
    "kind: Required value",
  ]);
});

t("Deployment defaults (apps/v1 SetDefaults_Deployment and the pod template's)", () => {
  const obj = deployment();
  applyKubernetesDefaults(obj, "Deployment");
  const spec = json(obj.spec);
  assert.is(spec.replicas, 1);
  assert.equal(spec.strategy, { type: "RollingUpdate", rollingUpdate: { maxUnavailable: "25%", maxSurge: "25%" } });
  assert.is(spec.revisionHistoryLimit, 10);
  assert.is(spec.progressDeadlineSeconds, 600);
  assert.is(spec.minReadySeconds, undefined);
  assert.is(spec.template.spec.restartPolicy, "Always");
  assert.is(spec.template.spec.terminationGracePeriodSeconds, 30);
  assert.is(spec.template.spec.containers[0].imagePullPolicy, "IfNotPresent");
  assert.is(json(obj.metadata).namespace, "default");
});

t("a Recreate Deployment gets no rollingUpdate defaults; maxUnavailable 0 alone is valid (surge defaults to 25%)", () => {
  const recreate = deployment({ strategy: { type: "Recreate" } });
  assert.equal(admit(recreate), []);
  assert.equal(json(recreate.spec).strategy, { type: "Recreate" });
  const noUnavailable = deployment({ strategy: { rollingUpdate: { maxUnavailable: 0 } } });
  assert.equal(admit(noUnavailable), []);
  assert.equal(json(noUnavailable.spec).strategy.rollingUpdate, { maxUnavailable: 0, maxSurge: "25%" });
  assert.equal(admit(deployment({ strategy: { rollingUpdate: { maxUnavailable: "0%", maxSurge: 0 } } })), [
    'spec.strategy.rollingUpdate.maxUnavailable: Invalid value: "0%": may not be 0 when `maxSurge` is 0',
  ]);
  assert.equal(admit(deployment({ strategy: { rollingUpdate: { maxUnavailable: "120%" } } })), [
    'spec.strategy.rollingUpdate.maxUnavailable: Invalid value: "120%": must not be greater than 100%',
  ]);
  assert.equal(admit(deployment({ minReadySeconds: 30, progressDeadlineSeconds: 20 })), [
    "spec.progressDeadlineSeconds: Invalid value: 20: must be greater than minReadySeconds",
  ]);
});

t("imagePullPolicy defaults by tag", () => {
  assert.is(defaultImagePullPolicy("web"), "Always");
  assert.is(defaultImagePullPolicy("web:latest"), "Always");
  assert.is(defaultImagePullPolicy("registry:5000/web"), "Always");
  assert.is(defaultImagePullPolicy("registry:5000/web:v2"), "IfNotPresent");
  assert.is(defaultImagePullPolicy("web@sha256:abc"), "IfNotPresent");
});

t("StatefulSet defaults and maxUnavailable > 0", () => {
  const sts: KubeObject = { ...deployment(), kind: "StatefulSet", metadata: { name: "db" } };
  applyKubernetesDefaults(sts, "StatefulSet");
  const spec = json(sts.spec);
  assert.is(spec.podManagementPolicy, "OrderedReady");
  assert.equal(spec.updateStrategy, { type: "RollingUpdate", rollingUpdate: { partition: 0, maxUnavailable: 1 } });
  assert.equal(spec.persistentVolumeClaimRetentionPolicy, { whenDeleted: "Retain", whenScaled: "Retain" });
  const zero: KubeObject = { ...deployment({ updateStrategy: { rollingUpdate: { maxUnavailable: 0 } } }), kind: "StatefulSet", metadata: { name: "db" } };
  assert.equal(admit(zero, "StatefulSet"), ["spec.updateStrategy.rollingUpdate.maxUnavailable: Invalid value: 0: must be greater than 0"]);
  const named: KubeObject = { ...deployment(), kind: "StatefulSet", metadata: { name: "db.v2" } };
  assert.equal(admit(named, "StatefulSet").length, 1, "StatefulSet names are DNS labels");
});

t("Service defaults: ClusterIP, TCP, targetPort = port; headless needs no ports", () => {
  const svc: KubeObject = { apiVersion: "v1", kind: "Service", metadata: { name: "web" }, spec: { selector: { app: "web" }, ports: [{ port: 80 }] } };
  assert.equal(admit(svc, "Service"), []);
  assert.equal(json(svc.spec).ports, [{ port: 80, protocol: "TCP", targetPort: 80 }]);
  assert.is(json(svc.spec).type, "ClusterIP");
  const headless: KubeObject = { apiVersion: "v1", kind: "Service", metadata: { name: "db" }, spec: { clusterIP: "None", selector: { app: "db" } } };
  assert.equal(admit(headless, "Service"), []);
  const noPorts: KubeObject = { apiVersion: "v1", kind: "Service", metadata: { name: "web" }, spec: { selector: { app: "web" } } };
  assert.equal(admit(noPorts, "Service"), ["spec.ports: Required value"]);
  const badName: KubeObject = { apiVersion: "v1", kind: "Service", metadata: { name: "1web" }, spec: { clusterIP: "None" } };
  assert.equal(admit(badName, "Service").length, 1, "Service names are DNS-1035 labels");
});

t("probe 0 values take the defaults (with a warning), negative ones are errors", () => {
  const obj = deployment();
  const container = json(obj.spec).template.spec.containers[0];
  Object.assign(container, { readinessProbe: { tcpSocket: { port: 80 }, periodSeconds: 0, failureThreshold: -1 } });
  const warnings = applyKubernetesDefaults(obj, "Deployment").map((f) => `${formatPath(f.path)}: ${f.message}`);
  assert.equal(warnings, ["spec.template.spec.containers[0].readinessProbe.periodSeconds: 0 means the default (10), as the API server reads it"]);
  assert.equal(container.readinessProbe, { tcpSocket: { port: 80 }, periodSeconds: 10, failureThreshold: -1, timeoutSeconds: 1, successThreshold: 1 });
  assert.equal(validateKubeObject(obj, "Deployment").errors.map((f) => `${formatPath(f.path)}: ${f.message}`), [
    "spec.template.spec.containers[0].readinessProbe.failureThreshold: Invalid value: -1: must be greater than or equal to 0",
  ]);
});

t("selector with matchExpressions, and operators that need or forbid values", () => {
  const obj = deployment({
    selector: { matchExpressions: [{ key: "app", operator: "In", values: ["web", "api"] }, { key: "canary", operator: "DoesNotExist" }] },
  });
  assert.equal(admit(obj), []);
  assert.equal(admit(deployment({ selector: { matchExpressions: [{ key: "app", operator: "In" }] } })), [
    "spec.selector.matchExpressions[0].values: Required value: must be specified when `operator` is 'In' or 'NotIn'",
  ]);
  assert.equal(admit(deployment({ selector: {} })), ["spec.selector: Invalid value: {}: empty selector is invalid for deployment"]);
});

t("tolerations and topology spread constraints", () => {
  const obj = deployment();
  Object.assign(json(obj.spec).template.spec, {
    tolerations: [
      { key: "a", operator: "Exists", value: "x" },
      { key: "b", effect: "NoSchedule", tolerationSeconds: 5 },
    ],
    topologySpreadConstraints: [{ maxSkew: 0, topologyKey: "topology.kubernetes.io/zone", whenUnsatisfiable: "Never" }],
  });
  assert.equal(admit(obj), [
    "spec.template.spec.tolerations[0].operator: Invalid value: \"Exists\": value must be empty when `operator` is 'Exists'",
    "spec.template.spec.tolerations[1].effect: Invalid value: \"NoSchedule\": effect must be 'NoExecute' when `tolerationSeconds` is set",
    "spec.template.spec.topologySpreadConstraints[0].maxSkew: Invalid value: 0: must be greater than zero",
    'spec.template.spec.topologySpreadConstraints[0].whenUnsatisfiable: Unsupported value: "Never": supported values: "DoNotSchedule", "ScheduleAnyway"',
  ]);
});

t("field table: unknown fields are errors with suggestions, ignored ones warnings, patches skip directives", () => {
  const { errors, warnings } = checkFields(
    {
      spec: {
        replicas: 1,
        template: { spec: { containers: [{ name: "a", command: ["x"], imagePullPolcy: "Always" }], hostNetwork: true } },
        $patch: "merge",
        paused: null,
      },
    },
    "Deployment",
  );
  assert.equal(
    errors.map((f) => `${formatPath(f.path)}: ${f.message}`),
    ['spec.template.spec.containers[0].imagePullPolcy: unknown field "imagePullPolcy"; did you mean "imagePullPolicy"?'],
  );
  assert.equal(
    warnings.map((f) => formatPath(f.path)),
    ["spec.template.spec.containers[0].command", "spec.template.spec.hostNetwork"],
  );
});

t("name validators", () => {
  assert.equal(isDNS1123Label("web-1"), []);
  assert.is(isDNS1123Label("Web").length, 1);
  assert.is(isDNS1123Label("a".repeat(64)).length, 1);
  assert.equal(isDNS1123Subdomain("web.example"), []);
  assert.equal(isDNS1035Label("web"), []);
  assert.is(isDNS1035Label("1web").length, 1);
  assert.equal(isQualifiedName("app.kubernetes.io/name"), []);
  assert.equal(isQualifiedName("/name"), ["prefix part must be non-empty"]);
  assert.is(isQualifiedName("a/b/c").length, 1);
});

t("selector matching", () => {
  const labels = { app: "web", tier: "front" };
  assert.ok(selectorMatches({ matchLabels: { app: "web" } }, labels));
  assert.not.ok(selectorMatches({ matchLabels: { app: "api" } }, labels));
  assert.ok(selectorMatches({ matchExpressions: [{ key: "tier", operator: "In", values: ["front", "back"] }] }, labels));
  assert.not.ok(selectorMatches({ matchExpressions: [{ key: "tier", operator: "NotIn", values: ["front"] }] }, labels));
  assert.ok(selectorMatches({ matchExpressions: [{ key: "canary", operator: "DoesNotExist" }] }, labels));
  assert.not.ok(selectorMatches({ matchExpressions: [{ key: "canary", operator: "Exists" }] }, labels));
});

t.run();
