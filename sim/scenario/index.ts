/**
 * The scenario loader's public surface: load and validate scenarios and manifests, apply a
 * strategy, patch objects, parse quantities, and print the JSON Schema. See load.ts for what a
 * load checks and types.ts for the Scenario it returns.
 */
export type { Distribution } from "../core/distributions.ts";
export {
  type Diagnostic,
  type FieldPath,
  formatDiagnostic,
  formatPath,
  formatWarning,
} from "./diagnostics.ts";
export { applyKubernetesDefaults, type KubeObject, SIMULATED_KINDS, type SimulatedKind } from "./kube-validation.ts";
export {
  findBundledScenario,
  type LoadResult,
  listBundledScenarios,
  loadScenario,
  loadScenarioSync,
  projectRoot,
  type ValidateResult,
  validateFile,
  validateFileSync,
} from "./load.ts";
export { positionOf } from "./manifests.ts";
export { cpuMillicores, memoryBytes, milliValue, parseQuantity, type Quantity, QuantityError, value as quantityValue } from "./quantity.ts";
export { CHECK_METRICS, FAULT_ACTIONS, SCENARIO_API_VERSION, scenarioJsonSchema } from "./schema.ts";
export { locate, type SourcePos } from "./source.ts";
export { PatchError, strategicMerge } from "./strategic-merge.ts";
export { applyObjectPatch, applyStrategy, type StrategyResult } from "./strategy.ts";
export type * from "./types.ts";
