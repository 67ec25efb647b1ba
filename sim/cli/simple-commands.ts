/** `kubesim validate`, `list` and `schema`: thin wrappers over the scenario module. */
import { formatDiagnostic, formatWarning } from "../scenario/diagnostics.ts";
import { listBundledScenarios, validateFileSync } from "../scenario/load.ts";
import { scenarioJsonSchema } from "../scenario/schema.ts";
import { EXIT } from "./exit-codes.ts";
import { type Io, resolveScenarioPath } from "./run-scenarios.ts";

/** Validates every file; prints every error (and warning) to stderr, nothing on success. */
export function validateCommand(files: readonly string[], io: Io): number {
  let ok = true;
  for (const file of files) {
    const result = validateFileSync(resolveScenarioPath(file));
    for (const w of result.warnings) io.stderr(`${formatWarning(w)}\n`);
    for (const e of result.errors) io.stderr(`${formatDiagnostic(e)}\n`);
    if (!result.ok) ok = false;
  }
  return ok ? EXIT.ok : EXIT.usage;
}

export function listCommand(io: Io): number {
  const scenarios = listBundledScenarios();
  const width = Math.max(0, ...scenarios.map((s) => s.name.length));
  for (const s of scenarios) io.stdout(`${s.name.padEnd(width)}  ${s.description}\n`);
  return EXIT.ok;
}

export function schemaCommand(io: Io): number {
  io.stdout(`${JSON.stringify(scenarioJsonSchema(), null, 2)}\n`);
  return EXIT.ok;
}
