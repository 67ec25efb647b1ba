// Strategic-merge patch semantics as kubectl applies them to the kinds kubesim models:
// containers/env by name, ports by containerPort, volumeMounts by mountPath, null deletes,
// $patch directives, other lists replaced.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { PatchError, strategicMerge } from "../../sim/scenario/strategic-merge.ts";

const t = suite("scenario: strategic merge");

function deployment(containers: unknown[], extra: Record<string, unknown> = {}) {
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: "web", labels: { app: "web", tier: "front" } },
    spec: { replicas: 3, template: { metadata: { labels: { app: "web" } }, spec: { containers, ...extra } } },
  };
}

const patchContainers = (containers: unknown[], extra: Record<string, unknown> = {}) => ({
  spec: { template: { spec: { containers, ...extra } } },
});

function containersOf(obj: unknown): unknown {
  return (obj as ReturnType<typeof deployment>).spec.template.spec.containers;
}

t("maps merge recursively and scalars are replaced", () => {
  const out = strategicMerge(deployment([]), { metadata: { labels: { tier: "back", team: "a" } }, spec: { replicas: 5 } });
  assert.equal((out as ReturnType<typeof deployment>).metadata.labels, { app: "web", tier: "back", team: "a" });
  assert.is((out as ReturnType<typeof deployment>).spec.replicas, 5);
});

t("null deletes a key", () => {
  const out = strategicMerge(deployment([]), { metadata: { labels: { tier: null } } }) as ReturnType<typeof deployment>;
  assert.equal(out.metadata.labels, { app: "web" });
});

t("containers merge by name: matched ones merge in place, new ones append", () => {
  const base = deployment([
    { name: "web", image: "web:v1", ports: [{ containerPort: 8080 }] },
    { name: "proxy", image: "envoy:v1" },
  ]);
  const out = strategicMerge(base, patchContainers([{ name: "web", image: "web:v2" }, { name: "log", image: "fluent:v1" }]));
  assert.equal(containersOf(out), [
    { name: "web", image: "web:v2", ports: [{ containerPort: 8080 }] },
    { name: "proxy", image: "envoy:v1" },
    { name: "log", image: "fluent:v1" },
  ]);
});

t("env merges by name", () => {
  const base = deployment([{ name: "web", env: [{ name: "A", value: "1" }, { name: "B", value: "2" }] }]);
  const out = strategicMerge(base, patchContainers([{ name: "web", env: [{ name: "B", value: "3" }, { name: "C", value: "4" }] }]));
  assert.equal(containersOf(out), [
    { name: "web", env: [{ name: "A", value: "1" }, { name: "B", value: "3" }, { name: "C", value: "4" }] },
  ]);
});

t("container ports merge by containerPort", () => {
  const base = deployment([{ name: "web", ports: [{ containerPort: 80, name: "http" }, { containerPort: 9090, name: "metrics" }] }]);
  const out = strategicMerge(base, patchContainers([{ name: "web", ports: [{ containerPort: 80, name: "web" }, { containerPort: 443 }] }]));
  assert.equal(containersOf(out), [
    { name: "web", ports: [{ containerPort: 80, name: "web" }, { containerPort: 9090, name: "metrics" }, { containerPort: 443 }] },
  ]);
});

t("volumeMounts merge by mountPath and volumes by name", () => {
  const base = deployment([{ name: "web", volumeMounts: [{ name: "a", mountPath: "/a" }] }], { volumes: [{ name: "a", emptyDir: {} }] });
  const out = strategicMerge(
    base,
    patchContainers([{ name: "web", volumeMounts: [{ name: "b", mountPath: "/a" }] }], { volumes: [{ name: "b", emptyDir: {} }] }),
  ) as ReturnType<typeof deployment>;
  assert.equal(containersOf(out), [{ name: "web", volumeMounts: [{ name: "b", mountPath: "/a" }] }]);
  assert.equal((out.spec.template.spec as Record<string, unknown>).volumes, [
    { name: "a", emptyDir: {} },
    { name: "b", emptyDir: {} },
  ]);
});

t("tolerations (no merge key upstream) are replaced whole", () => {
  const base = deployment([], { tolerations: [{ key: "a", operator: "Exists" }] });
  const out = strategicMerge(base, patchContainers([], { tolerations: [{ key: "b", operator: "Exists" }] })) as ReturnType<typeof deployment>;
  assert.equal((out.spec.template.spec as Record<string, unknown>).tolerations, [{ key: "b", operator: "Exists" }]);
});

t("Service ports merge by port", () => {
  const base = { apiVersion: "v1", kind: "Service", metadata: { name: "web" }, spec: { ports: [{ port: 80, name: "http" }] } };
  const out = strategicMerge(base, { spec: { ports: [{ port: 80, targetPort: 8080 }, { port: 443, name: "https" }] } });
  assert.equal((out as typeof base).spec.ports, [
    { port: 80, name: "http", targetPort: 8080 },
    { port: 443, name: "https" },
  ]);
});

t("$patch: replace on a list element replaces the whole list", () => {
  const base = deployment([{ name: "web", image: "web:v1" }, { name: "proxy", image: "envoy:v1" }]);
  const out = strategicMerge(base, patchContainers([{ $patch: "replace" }, { name: "solo", image: "solo:v1" }]));
  assert.equal(containersOf(out), [{ name: "solo", image: "solo:v1" }]);
});

t("$patch: replace on a map replaces the map", () => {
  const out = strategicMerge(deployment([]), { metadata: { labels: { $patch: "replace", only: "this" } } }) as ReturnType<typeof deployment>;
  assert.equal(out.metadata.labels, { only: "this" });
});

t("$patch: delete removes the list element with that merge key", () => {
  const base = deployment([{ name: "web", image: "web:v1" }, { name: "proxy", image: "envoy:v1" }]);
  const out = strategicMerge(base, patchContainers([{ name: "proxy", $patch: "delete" }]));
  assert.equal(containersOf(out), [{ name: "web", image: "web:v1" }]);
});

t("$patch: delete on a map removes the map", () => {
  const out = strategicMerge(deployment([]), { metadata: { labels: { $patch: "delete" } } }) as ReturnType<typeof deployment>;
  assert.is(out.metadata.labels, undefined);
});

t("$retainKeys keeps only the listed keys (e.g. switching strategy type)", () => {
  const base = { kind: "Deployment", spec: { strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: 1 } } } };
  const out = strategicMerge(base, { spec: { strategy: { $retainKeys: ["type"], type: "Recreate" } } });
  assert.equal(out, { kind: "Deployment", spec: { strategy: { type: "Recreate" } } });
});

t("$deleteFromPrimitiveList and set merge of finalizers", () => {
  const base = { kind: "Deployment", metadata: { finalizers: ["a", "b"] } };
  const added = strategicMerge(base, { metadata: { finalizers: ["b", "c"] } });
  assert.equal(added, { kind: "Deployment", metadata: { finalizers: ["a", "b", "c"] } });
  const removed = strategicMerge(base, { metadata: { "$deleteFromPrimitiveList/finalizers": ["a"] } });
  assert.equal(removed, { kind: "Deployment", metadata: { finalizers: ["b"] } });
});

t("$setElementOrder reorders a merged list", () => {
  const base = deployment([{ name: "a" }, { name: "b" }]);
  const out = strategicMerge(base, patchContainers([], { "$setElementOrder/containers": [{ name: "b" }, { name: "a" }] }));
  assert.equal(containersOf(out), [{ name: "b" }, { name: "a" }]);
});

t("inputs are not modified", () => {
  const base = deployment([{ name: "web", image: "web:v1" }]);
  const patch = patchContainers([{ name: "web", image: "web:v2" }]);
  const before = JSON.stringify([base, patch]);
  strategicMerge(base, patch);
  assert.is(JSON.stringify([base, patch]), before);
});

t("a merge-list element without its key is a PatchError naming the element", () => {
  try {
    strategicMerge(deployment([{ name: "web" }]), patchContainers([{ image: "web:v2" }]));
    assert.unreachable();
  } catch (e) {
    assert.instance(e, PatchError);
    assert.equal((e as PatchError).path, ["spec", "template", "spec", "containers", 0]);
    assert.is((e as Error).message, 'Invalid value: {"image":"web:v2"}: does not contain declared merge key: name');
  }
});

t("an unknown $patch directive is a PatchError", () => {
  assert.throws(
    () => strategicMerge(deployment([]), { spec: { $patch: "remove" } }),
    (e: Error) => e instanceof PatchError && e.message === 'Unsupported value: "remove": supported values: "replace", "delete", "merge"',
  );
});

t("objects of unknown kinds merge maps and replace lists", () => {
  const out = strategicMerge({ kind: "Widget", spec: { items: [{ name: "a" }] } }, { spec: { items: [{ name: "b" }] } });
  assert.equal(out, { kind: "Widget", spec: { items: [{ name: "b" }] } });
});

t.run();
