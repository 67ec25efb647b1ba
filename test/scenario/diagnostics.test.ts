// Diagnostics: the printed form, field paths in Kubernetes' notation, value rendering, and the
// "did you mean" suggestion.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import {
  editDistance,
  formatDiagnostic,
  formatPath,
  formatValue,
  formatWarning,
  mapKey,
  suggest,
  unknownField,
} from "../../sim/scenario/diagnostics.ts";

const t = suite("scenario: diagnostics");

t("file:line:column: path: message, and without a path for file-level problems", () => {
  const d = { file: "scenarios/x.yaml", line: 14, column: 17, path: "spec.traffic[0].rate", message: "Invalid value: -5: must be greater than or equal to 0" };
  assert.is(formatDiagnostic(d), "scenarios/x.yaml:14:17: spec.traffic[0].rate: Invalid value: -5: must be greater than or equal to 0");
  assert.is(formatWarning(d), `warning: ${formatDiagnostic(d)}`);
  assert.is(formatDiagnostic({ ...d, path: "" }), "scenarios/x.yaml:14:17: Invalid value: -5: must be greater than or equal to 0");
});

t("paths: fields dotted, indices and map keys bracketed", () => {
  assert.is(formatPath(["spec", "template", "spec", "containers", 0, "ports", 1]), "spec.template.spec.containers[0].ports[1]");
  assert.is(formatPath(["metadata", "labels", mapKey("app.kubernetes.io/name")]), "metadata.labels[app.kubernetes.io/name]");
  assert.is(formatPath(["spec", "strategies", 1, "patch", mapKey("deployment/web"), "spec"]), "spec.strategies[1].patch[deployment/web].spec");
  assert.is(formatPath([]), "");
});

t("values render as a YAML author reads them", () => {
  assert.is(formatValue(-5), "-5");
  assert.is(formatValue("yes"), '"yes"');
  assert.is(formatValue(true), "true");
  assert.is(formatValue(null), "null");
  assert.is(formatValue(Number.POSITIVE_INFINITY), ".inf");
  assert.is(formatValue({ a: [1, "b"] }), '{"a":[1,"b"]}');
  assert.is(formatValue("x".repeat(200)).length, 80);
});

t("edit distance counts adjacent transpositions as one edit", () => {
  assert.is(editDistance("replications", "replications"), 0);
  assert.is(editDistance("replicaton", "replications"), 2);
  assert.is(editDistance("maxSurge", "maxSrueg"), 2);
  assert.is(editDistance("ab", "ba"), 1);
  assert.is(editDistance("", "abc"), 3);
});

t("suggestions only when close enough", () => {
  const fields = ["seed", "duration", "replications", "start", "cluster", "timing", "manifests", "objects"];
  assert.is(suggest("replication", fields), "replications");
  assert.is(suggest("Duration", fields), "duration");
  assert.is(suggest("manifest", fields), "manifests");
  assert.is(suggest("xyz", fields), undefined);
  assert.is(suggest("seed", fields), undefined);
  assert.is(unknownField("replicaton", fields), 'unknown field "replicaton"; did you mean "replications"?');
  assert.is(unknownField("zzz", fields), 'unknown field "zzz"');
});

t.run();
