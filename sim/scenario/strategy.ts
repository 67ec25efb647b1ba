/**
 * Strategies and object patches. A strategy is the baseline scenario plus strategic-merge patches
 * of named objects and overrides of timing, app behaviour and traffic; `applyStrategy` produces
 * the world that strategy's runs simulate. A patched object is admitted again (defaults and
 * validation), so a strategy that sets both maxSurge and maxUnavailable to 0 is reported with the
 * API server's message, pointing at the patch.
 *
 * Left out: patches of nodes (node pools are scenario fields, not objects) and of objects created
 * by `apply` events (a strategy patches the initial objects).
 */
import { type Diagnostic, didYouMean, type FieldPath, formatPath, forbidden, invalid, mapKey, notFound } from "./diagnostics.ts";
import { checkFields } from "./kube-fields.ts";
import type { KubeObject } from "./kube-validation.ts";
import { admitTyped, findingDiagnostics } from "./manifests.ts";
import { locate, type SourcePos } from "./source.ts";
import { PatchError, strategicMerge } from "./strategic-merge.ts";
import type { App, EffectiveScenario, Manifest, Scenario, Strategy, Timing, Traffic } from "./types.ts";

export interface PatchOutcome {
  /** The patched manifest, or undefined when the patch could not be applied. */
  readonly manifest?: Manifest;
  readonly errors: Diagnostic[];
  readonly warnings: Diagnostic[];
}

function warningKey(d: { path: string; message: string }): string {
  return `${d.path}\u0000${d.message}`;
}

/**
 * Applies a strategic-merge patch to an admitted manifest and admits the result. `prefix` is the
 * printed path of the patch (`spec.strategies[1].patch[deployment/web]`), `fallback` where to
 * point when nothing closer has a position. Findings the unpatched object already has are not
 * repeated.
 */
export function patchManifest(
  manifest: Manifest,
  patch: unknown,
  prefix: FieldPath,
  fallback: SourcePos,
  printed: (path: FieldPath) => FieldPath = (path) => path,
): PatchOutcome {
  const errors: Diagnostic[] = [];
  const warnings: Diagnostic[] = [];
  const patchPos = locate(patch, []) ?? fallback;
  if (typeof patch !== "object" || patch === null || Array.isArray(patch)) {
    const pos = patchPos;
    errors.push({ ...pos, path: formatPath(prefix), message: invalid(patch, "must be a mapping (a strategic-merge patch)") });
    return { errors, warnings };
  }
  const fields = checkFields(patch, manifest.kind);
  errors.push(...findingDiagnostics(patch, fields.errors, prefix, patchPos, printed));
  warnings.push(...findingDiagnostics(patch, fields.warnings, prefix, patchPos, printed));

  const p = patch as Record<string, unknown>;
  for (const key of ["apiVersion", "kind"] as const) {
    if (p[key] !== undefined && p[key] !== manifest.object[key]) {
      const pos = locate(patch, [key]) ?? patchPos;
      errors.push({ ...pos, path: formatPath([...prefix, key]), message: forbidden(`a patch may not change the object's ${key}`) });
    }
  }
  const meta = p.metadata as Record<string, unknown> | undefined;
  if (meta && typeof meta === "object" && meta.name !== undefined && meta.name !== manifest.name) {
    const pos = locate(patch, ["metadata", "name"]) ?? patchPos;
    errors.push({ ...pos, path: formatPath([...prefix, "metadata", "name"]), message: forbidden("a patch may not rename the object") });
  }
  if (errors.length > 0) return { errors, warnings };

  let merged: unknown;
  try {
    merged = strategicMerge(manifest.object, patch, manifest.kind);
  } catch (error) {
    if (!(error instanceof PatchError)) throw error;
    const pos = locate(patch, error.path) ?? patchPos;
    errors.push({ ...pos, path: formatPath([...prefix, ...printed(error.path)]), message: error.message });
    return { errors, warnings };
  }
  const result = merged as KubeObject | null;
  if (result === null || typeof result !== "object" || result.kind !== manifest.object.kind || result.apiVersion !== manifest.object.apiVersion) {
    const detail = result === null ? "a patch may not delete the object (use a `delete` event)" : "a patch may not replace the object's apiVersion or kind";
    errors.push({ ...patchPos, path: formatPath(prefix), message: forbidden(detail) });
    return { errors, warnings };
  }
  const admitted = admitTyped(result, manifest.kind);
  const before = admitTyped(manifest.object, manifest.kind);
  const known = new Set([...before.errors, ...before.warnings].map((f) => warningKey({ path: formatPath(f.path), message: f.message })));
  const fresh = (f: { path: FieldPath; message: string }) => !known.has(warningKey({ path: formatPath(f.path), message: f.message }));
  errors.push(...findingDiagnostics(admitted.object, admitted.errors.filter(fresh), prefix, patchPos, printed));
  warnings.push(...findingDiagnostics(admitted.object, admitted.warnings.filter(fresh), prefix, patchPos, printed));
  if (errors.length > 0) return { errors, warnings };
  return { manifest: { ...manifest, object: admitted.object }, errors, warnings };
}

/**
 * The runtime form of a patch (a `patch` or `rollout` event applied to a live object): strategic
 * merge, then the API server's defaults, without validation (done at load).
 */
export function applyObjectPatch(object: KubeObject, patch: Record<string, unknown>, kind: Manifest["kind"]): KubeObject {
  return admitTyped(strategicMerge(object, patch, kind) as KubeObject, kind).object;
}

/** Strategy overrides of timing: kubeProxySync merges field by field. */
export function mergeTiming(base: Timing, override: Strategy["timing"]): Timing {
  if (Object.values(override).every((v) => v === undefined)) return base;
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(override)) {
    if (value === undefined) continue;
    if (key === "kubeProxySync") {
      const sync = value as Partial<Timing["kubeProxySync"]>;
      out.kubeProxySync = {
        minSyncPeriod: sync.minSyncPeriod ?? base.kubeProxySync.minSyncPeriod,
        latency: sync.latency ?? base.kubeProxySync.latency,
      };
    } else {
      out[key] = value;
    }
  }
  return out as unknown as Timing;
}

/** App overrides merge field by field onto each workload's app. */
export function mergeApps(base: Readonly<Record<string, App>>, override: Strategy["apps"]): Record<string, App> {
  const out: Record<string, App> = { ...base };
  for (const [name, partial] of Object.entries(override)) {
    const merged: Record<string, unknown> = { ...(out[name] ?? {}) };
    for (const [k, v] of Object.entries(partial)) if (v !== undefined) merged[k] = v;
    out[name] = merged as unknown as App;
  }
  return out;
}

/** Traffic overrides replace the entry for the same service; new services are added. */
export function mergeTraffic(base: readonly Traffic[], override: readonly Traffic[]): Traffic[] {
  const out = [...base];
  for (const entry of override) {
    const at = out.findIndex((t) => t.service === entry.service);
    if (at >= 0) out[at] = entry;
    else out.push(entry);
  }
  return out;
}

export type StrategyResult =
  | { readonly ok: true; readonly effective: EffectiveScenario; readonly warnings: Diagnostic[] }
  | { readonly ok: false; readonly errors: Diagnostic[]; readonly warnings: Diagnostic[] };

/**
 * The effective objects, timing, apps and traffic of one strategy. Patch targets must exist; a
 * patched object must still be valid. Loading a scenario already checks every strategy, so for a
 * loaded scenario this fails only for a strategy name it does not have.
 */
export function applyStrategy(scenario: Scenario, strategyName: string): StrategyResult {
  const strategy = scenario.spec.strategies.find((s) => s.name === strategyName);
  const filePos: SourcePos = { file: scenario.file, line: 1, column: 1 };
  if (strategy === undefined) {
    const names = scenario.spec.strategies.map((s) => s.name);
    return {
      ok: false,
      errors: [
        {
          ...filePos,
          path: "spec.strategies",
          message: notFound(strategyName, `no strategy of that name (strategies: ${names.join(", ")})${didYouMean(strategyName, names)}`),
        },
      ],
      warnings: [],
    };
  }
  const errors: Diagnostic[] = [];
  const warnings: Diagnostic[] = [];
  const manifests = [...scenario.spec.manifests];
  for (const { target, patch } of strategy.patches) {
    const prefix = ["spec", "strategies", strategy.index, "patch", mapKey(target.ref)];
    const at = manifests.findIndex((m) => m.ref === target.ref);
    if (at < 0) {
      const pos = locate(patch, []) ?? filePos;
      errors.push({ ...pos, path: formatPath(prefix), message: notFound(target.ref) });
      continue;
    }
    const outcome = patchManifest(manifests[at], patch, prefix, locate(patch, []) ?? filePos);
    errors.push(...outcome.errors);
    warnings.push(...outcome.warnings);
    if (outcome.manifest) manifests[at] = outcome.manifest;
  }
  if (errors.length > 0) return { ok: false, errors, warnings };
  return {
    ok: true,
    warnings,
    effective: {
      scenario,
      strategy,
      manifests,
      timing: mergeTiming(scenario.spec.timing, strategy.timing),
      apps: mergeApps(scenario.spec.apps, strategy.apps),
      traffic: mergeTraffic(scenario.spec.traffic, strategy.traffic),
      events: scenario.spec.events,
    },
  };
}
