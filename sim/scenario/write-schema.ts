/**
 * Writes scenarios/scenario.schema.json from the zod definition (run after changing schema.ts:
 * `node --import tsx sim/scenario/write-schema.ts`). A test fails when the file is stale.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { projectRoot } from "./load.ts";
import { scenarioJsonSchema } from "./schema.ts";

/** The file's exact contents: two-space JSON and a final newline. */
export function schemaFileText(): string {
  return `${JSON.stringify(scenarioJsonSchema(), null, 2)}\n`;
}

export const SCHEMA_FILE = join(projectRoot(), "scenarios", "scenario.schema.json");

if (process.argv[1] !== undefined && import.meta.url.endsWith(process.argv[1].replace(/\\/g, "/"))) {
  writeFileSync(SCHEMA_FILE, schemaFileText());
  console.log(`wrote ${SCHEMA_FILE}`);
}
