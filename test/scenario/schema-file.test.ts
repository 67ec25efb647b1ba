// The JSON Schema for editors is generated from the same zod definition that validates, and the
// committed copy (scenarios/scenario.schema.json) must match it (regenerate with
// `node --import tsx sim/scenario/write-schema.ts`).
import { readFileSync } from "node:fs";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { scenarioJsonSchema } from "../../sim/scenario/index.ts";
import { SCHEMA_FILE, schemaFileText } from "../../sim/scenario/write-schema.ts";
import { json } from "./json.ts";

const t = suite("scenario: JSON Schema");

t("scenarios/scenario.schema.json equals scenarioJsonSchema()", () => {
  assert.is(readFileSync(SCHEMA_FILE, "utf8"), schemaFileText());
  assert.equal(JSON.parse(readFileSync(SCHEMA_FILE, "utf8")), scenarioJsonSchema());
});

t("the schema is strict and names the scenario's sections", () => {
  const schema = json(scenarioJsonSchema());
  assert.is(schema.$schema, "http://json-schema.org/draft-07/schema#");
  assert.is(schema.additionalProperties, false);
  assert.equal(schema.required, ["apiVersion", "kind", "metadata", "spec"]);
  const spec = schema.properties.spec;
  assert.is(spec.additionalProperties, false);
  for (const section of ["seed", "duration", "replications", "start", "cluster", "timing", "manifests", "objects", "apps", "traffic", "events", "strategies", "checks"]) {
    assert.ok(section in spec.properties, section);
  }
  assert.equal(spec.required, ["duration", "cluster"]);
  assert.is(spec.properties.replications.default, 1);
  assert.is(spec.properties.timing.properties.nodeMonitorGracePeriod.default, "50s");
  assert.ok(schema.definitions.Duration);
  assert.ok(schema.definitions.Distribution);
});

t("scenarioJsonSchema() returns a fresh copy", () => {
  const a = scenarioJsonSchema();
  a.title = "changed";
  assert.is.not(scenarioJsonSchema().title, "changed");
});

t.run();
