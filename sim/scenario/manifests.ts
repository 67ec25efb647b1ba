/**
 * Admitting Kubernetes objects: a parsed document (from a manifest file, an inline `objects`
 * entry, an `apply` event, or a patched object) goes through what `kubectl apply` and the API
 * server would do with it — resolve apiVersion/kind (flattening `kind: List`), reject unknown
 * fields, warn about fields kubesim does not simulate, fill in defaults, validate — and comes out
 * as a Manifest, or as diagnostics that point into the file the object was written in.
 *
 * Left out: namespaces as separate scopes (objects are referred to as kind/name, so a name is
 * unique per kind across namespaces), server-side apply field ownership, and admission webhooks.
 */
import { type Diagnostic, type FieldPath, formatPath } from "./diagnostics.ts";
import { checkFields } from "./kube-fields.ts";
import {
  applyKubernetesDefaults,
  classifyObject,
  dropNulls,
  type KubeFinding,
  type KubeObject,
  type SimulatedKind,
  validateKubeObject,
} from "./kube-validation.ts";
import { cloneLocated, locate, type SourcePos } from "./source.ts";
import type { Manifest, ManifestSource } from "./types.ts";

/** Where an object was written, for positions and printed paths. */
export interface ObjectOrigin {
  readonly file: string;
  /** Path of the object in its document, printed before the object's own field paths. */
  readonly prefix: FieldPath;
  readonly document: number;
  /** Position used when nothing inside the object has one. */
  readonly fallback: SourcePos;
}

export interface Admitted {
  /** Objects of simulated kinds, including ones with errors (so references to them still resolve). */
  readonly manifests: Manifest[];
  readonly errors: Diagnostic[];
  readonly warnings: Diagnostic[];
  /** Refs of manifests that had errors. */
  readonly invalid: Set<string>;
}

/** Turns findings about `value` into diagnostics. */
export function findingDiagnostics(
  value: unknown,
  findings: readonly KubeFinding[],
  prefix: FieldPath,
  fallback: SourcePos,
  printed: (path: FieldPath) => FieldPath = (path) => path,
): Diagnostic[] {
  return findings.map((finding) => {
    const pos = locate(value, finding.path, { key: finding.atKey }) ?? fallback;
    return {
      file: pos.file,
      line: pos.line,
      column: pos.column,
      path: formatPath([...prefix, ...printed(finding.path)]),
      message: finding.message,
    };
  });
}

export function refOf(kind: string, name: string): string {
  return `${kind.toLowerCase()}/${name}`;
}

/**
 * Defaults and validates an object of a simulated kind (already classified), without the
 * unknown-field check: used for patched objects, whose patches are field-checked on their own.
 */
export function admitTyped(
  value: KubeObject,
  kind: SimulatedKind,
): { object: KubeObject; errors: KubeFinding[]; warnings: KubeFinding[] } {
  const object = dropNulls(cloneLocated(value));
  const defaultWarnings = applyKubernetesDefaults(object, kind);
  const { errors, warnings } = validateKubeObject(object, kind);
  return { object, errors, warnings: [...defaultWarnings, ...warnings] };
}

/** Admits one document (an object, or a `List` of them). */
export function admitObject(value: unknown, origin: ObjectOrigin): Admitted {
  const out: Admitted = { manifests: [], errors: [], warnings: [], invalid: new Set() };
  admitInto(value, origin, out);
  return out;
}

function admitInto(value: unknown, origin: ObjectOrigin, out: Admitted): void {
  const fallback = locate(value, []) ?? origin.fallback;
  const classified = classifyObject(value);
  switch (classified.action) {
    case "reject":
      out.errors.push(...findingDiagnostics(value, classified.errors, origin.prefix, fallback));
      return;
    case "skip":
      if (classified.warning) out.warnings.push(...findingDiagnostics(value, [classified.warning], origin.prefix, fallback));
      return;
    case "list":
      classified.items.forEach((item, i) => {
        admitInto(item, { ...origin, prefix: [...origin.prefix, "items", i], fallback: locate(value, ["items", i]) ?? fallback }, out);
      });
      return;
    case "simulate":
      break;
  }
  const kind = classified.kind;
  const raw = value as KubeObject;
  const fields = checkFields(raw, kind);
  out.errors.push(...findingDiagnostics(raw, fields.errors, origin.prefix, fallback));
  out.warnings.push(...findingDiagnostics(raw, fields.warnings, origin.prefix, fallback));

  const admitted = admitTyped(raw, kind);
  out.errors.push(...findingDiagnostics(admitted.object, admitted.errors, origin.prefix, fallback));
  out.warnings.push(...findingDiagnostics(admitted.object, admitted.warnings, origin.prefix, fallback));

  const meta = admitted.object.metadata as Record<string, unknown> | undefined;
  const name = meta?.name;
  if (typeof name !== "string") return;
  const source: ManifestSource = { file: origin.file, path: formatPath(origin.prefix), document: origin.document };
  const manifest: Manifest = {
    kind,
    name,
    namespace: typeof meta?.namespace === "string" ? meta.namespace : "default",
    ref: refOf(kind, name),
    object: admitted.object,
    source,
  };
  out.manifests.push(manifest);
  if (fields.errors.length > 0 || admitted.errors.length > 0) out.invalid.add(manifest.ref);
}

/** The position of a field of an admitted object (e.g. to point a runtime warning into the file). */
export function positionOf(manifest: Manifest, path: FieldPath): SourcePos | undefined {
  return locate(manifest.object, path);
}
