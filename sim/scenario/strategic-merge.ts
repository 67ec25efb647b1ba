/**
 * Strategic-merge patch, as `kubectl patch --type strategic` applies it
 * (staging/src/k8s.io/apimachinery/pkg/util/strategicpatch/patch.go), for the kinds kubesim
 * models. Maps merge recursively and `null` deletes a key. Lists merge by their Go struct's
 * `patchMergeKey` where the type declares `patchStrategy:"merge"`: containers, initContainers,
 * ephemeralContainers, volumes, imagePullSecrets, schedulingGates and resourceClaims by `name`,
 * container `ports` by `containerPort`, `env` by `name`, `volumeMounts` by `mountPath`,
 * `volumeDevices` by `devicePath`, `hostAliases` by `ip`, `topologySpreadConstraints` by
 * `topologyKey`, Service `ports` by `port`, `ownerReferences` by `uid`, and `finalizers` as a set.
 * Every other list is replaced whole, as upstream: `tolerations`, `readinessGates`, selector
 * `matchExpressions`, and StatefulSet `volumeClaimTemplates` (listType=atomic upstream).
 *
 * Directives: `$patch: replace` (in a map: the map replaces the original; as a list element: the
 * list replaces the original), `$patch: delete` (in a map: deletes it; as an element of a merged
 * list: deletes the element with that merge key), `$patch: merge`, `$retainKeys`,
 * `$deleteFromPrimitiveList/<field>` and `$setElementOrder/<field>`.
 *
 * Left out: the OpenAPI-driven schema lookup (the merge keys are the table below) and patch
 * generation (three-way diffs); kubesim only applies patches that users write.
 */
import { type FieldPath, formatValue, type PathSegment } from "./diagnostics.ts";
import { cloneLocated, inheritSource } from "./source.ts";

/** A patch that cannot be applied; `path` is relative to the patch's root. */
export class PatchError extends Error {
  override name = "PatchError";
  readonly path: FieldPath;

  constructor(path: FieldPath, message: string) {
    super(message);
    this.path = path;
  }
}

/** How one field of a struct patches: its nested type, and for lists the merge strategy. */
interface FieldSchema {
  readonly type?: StructSchema;
  /** Elements merge by this key. */
  readonly mergeKey?: string;
  /** A list of scalars merged as a set. */
  readonly set?: boolean;
}
type StructSchema = { readonly [field: string]: FieldSchema };

const OBJECT_META: StructSchema = {
  finalizers: { set: true },
  ownerReferences: { mergeKey: "uid" },
};

const CONTAINER: StructSchema = {
  ports: { mergeKey: "containerPort" },
  env: { mergeKey: "name" },
  volumeMounts: { mergeKey: "mountPath" },
  volumeDevices: { mergeKey: "devicePath" },
};

const POD_SPEC: StructSchema = {
  containers: { mergeKey: "name", type: CONTAINER },
  initContainers: { mergeKey: "name", type: CONTAINER },
  ephemeralContainers: { mergeKey: "name", type: CONTAINER },
  volumes: { mergeKey: "name" },
  imagePullSecrets: { mergeKey: "name" },
  hostAliases: { mergeKey: "ip" },
  topologySpreadConstraints: { mergeKey: "topologyKey" },
  schedulingGates: { mergeKey: "name" },
  resourceClaims: { mergeKey: "name" },
};

const POD_TEMPLATE: StructSchema = { metadata: { type: OBJECT_META }, spec: { type: POD_SPEC } };
const WORKLOAD_SPEC: StructSchema = { template: { type: POD_TEMPLATE } };

function object(spec: StructSchema): StructSchema {
  return { metadata: { type: OBJECT_META }, spec: { type: spec } };
}

/** Patch schemas by kind. */
const KINDS: Readonly<Record<string, StructSchema>> = {
  Deployment: object(WORKLOAD_SPEC),
  ReplicaSet: object(WORKLOAD_SPEC),
  StatefulSet: object(WORKLOAD_SPEC),
  Service: object({ ports: { mergeKey: "port" } }),
  PodDisruptionBudget: object({}),
  Pod: object(POD_SPEC),
};

const DELETE = Symbol("delete");
const SET_ORDER = "$setElementOrder/";
const DELETE_FROM = "$deleteFromPrimitiveList/";

type JsonMap = Record<string, unknown>;

function isMap(value: unknown): value is JsonMap {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isDirective(key: string): boolean {
  return key === "$patch" || key === "$retainKeys" || key.startsWith(SET_ORDER) || key.startsWith(DELETE_FROM);
}

function patchDirective(patch: JsonMap, path: FieldPath): "merge" | "replace" | "delete" {
  const directive = patch.$patch;
  if (directive === undefined || directive === "merge") return "merge";
  if (directive === "replace" || directive === "delete") return directive;
  throw new PatchError(
    [...path, "$patch"],
    `Unsupported value: ${formatValue(directive)}: supported values: "replace", "delete", "merge"`,
  );
}

function withoutDirectives(patch: JsonMap): JsonMap {
  const out: JsonMap = {};
  for (const [k, v] of Object.entries(patch)) if (!isDirective(k)) out[k] = v;
  inheritSource(out, [{ value: patch }], Object.keys(out));
  return out;
}

function mergeMap(base: unknown, patch: JsonMap, schema: StructSchema | undefined, path: PathSegment[]): JsonMap | typeof DELETE {
  const directive = patchDirective(patch, path);
  if (directive === "delete") return DELETE;
  if (directive === "replace") return cloneLocated(withoutDirectives(patch));

  const original: JsonMap = isMap(base) ? base : {};
  const result: JsonMap = {};
  for (const [k, v] of Object.entries(original)) if (!(k in patch)) result[k] = cloneLocated(v);
  for (const [key, value] of Object.entries(patch)) {
    if (isDirective(key)) continue;
    const field = schema?.[key];
    const fieldPath = [...path, key];
    if (value === null) continue; // `null` deletes the key
    if (Array.isArray(value)) {
      result[key] = mergeList(original[key], value, field, fieldPath);
    } else if (isMap(value)) {
      const merged = mergeMap(original[key], value, field?.type, fieldPath);
      if (merged !== DELETE) result[key] = merged;
    } else {
      result[key] = value;
    }
  }

  for (const key of Object.keys(patch)) {
    if (key.startsWith(DELETE_FROM)) {
      const field = key.slice(DELETE_FROM.length);
      const remove = patch[key];
      if (!Array.isArray(remove)) throw new PatchError([...path, key], "Invalid value: must be a list of values to delete");
      const list = result[field];
      if (Array.isArray(list)) result[field] = list.filter((item) => !remove.includes(item));
    } else if (key.startsWith(SET_ORDER)) {
      const field = key.slice(SET_ORDER.length);
      const list = result[field];
      const order = patch[key];
      if (Array.isArray(list) && Array.isArray(order)) result[field] = applyOrder(list, order, schema?.[field]?.mergeKey);
    }
  }
  const retain = patch.$retainKeys;
  if (retain !== undefined) {
    if (!Array.isArray(retain)) throw new PatchError([...path, "$retainKeys"], "Invalid value: must be a list of field names");
    for (const key of Object.keys(result)) if (!retain.includes(key)) delete result[key];
  }
  inheritSource(result, [{ value: patch }, { value: original }], Object.keys(result));
  return result;
}

/** `$setElementOrder`: the listed elements first in the given order, the others after. */
function applyOrder(list: unknown[], order: unknown[], mergeKey: string | undefined): unknown[] {
  const keyOf = (item: unknown) => (mergeKey !== undefined && isMap(item) ? item[mergeKey] : item);
  const orderKeys = order.map((o) => (mergeKey !== undefined && isMap(o) ? o[mergeKey] : o));
  const listed = orderKeys.flatMap((k) => list.filter((item) => keyOf(item) === k));
  return [...listed, ...list.filter((item) => !orderKeys.includes(keyOf(item)))];
}

function mergeList(base: unknown, patch: unknown[], field: FieldSchema | undefined, path: PathSegment[]): unknown[] {
  const original = Array.isArray(base) ? base : [];
  const replaceAt = patch.findIndex((item) => isMap(item) && item.$patch === "replace" && Object.keys(item).length === 1);
  if (replaceAt >= 0) {
    const rest = patch.filter((_, i) => i !== replaceAt);
    return rebuild(rest, rest.map((_, i) => ({ from: patch, index: i < replaceAt ? i : i + 1 })), field, path);
  }
  if (field?.set) {
    const result = [...original];
    for (const item of patch) if (!result.includes(item)) result.push(item);
    return result;
  }
  const mergeKey = field?.mergeKey;
  if (mergeKey === undefined) {
    return rebuild(
      patch,
      patch.map((_, i) => ({ from: patch, index: i })),
      field,
      path,
    );
  }

  // Merge by key: originals keep their places, patched ones merge in place, new ones append.
  const result: unknown[] = original.map((item) => cloneLocated(item));
  const origins: { from: unknown[]; index: number }[] = original.map((_, i) => ({ from: original, index: i }));
  patch.forEach((element, i) => {
    const elementPath = [...path, i];
    if (!isMap(element)) {
      throw new PatchError(elementPath, `Invalid value: ${formatValue(element)}: must be a mapping with the merge key "${mergeKey}"`);
    }
    const key = element[mergeKey];
    if (key === undefined || key === null) {
      throw new PatchError(elementPath, `Invalid value: ${formatValue(element)}: does not contain declared merge key: ${mergeKey}`);
    }
    const at = result.findIndex((item) => isMap(item) && item[mergeKey] === key);
    const directive = patchDirective(element, elementPath);
    if (directive === "delete") {
      if (at >= 0) {
        result.splice(at, 1);
        origins.splice(at, 1);
      }
      return;
    }
    const merged = mergeMap(directive === "replace" ? undefined : result[at], element, field?.type, elementPath);
    if (merged === DELETE) return;
    if (at >= 0) {
      result[at] = merged;
      origins[at] = { from: patch, index: i };
    } else {
      result.push(merged);
      origins.push({ from: patch, index: i });
    }
  });
  recordListSource(result, origins);
  return result;
}

/** A list taken from the patch as written (replace semantics), with nested patches applied to nothing. */
function rebuild(
  items: unknown[],
  origins: { from: unknown[]; index: number }[],
  field: FieldSchema | undefined,
  path: PathSegment[],
): unknown[] {
  const result = items.map((item, i) => {
    if (isMap(item)) {
      const merged = mergeMap(undefined, item, field?.type, [...path, i]);
      return merged === DELETE ? null : merged;
    }
    return Array.isArray(item) ? cloneLocated(item) : item;
  });
  recordListSource(result, origins);
  return result;
}

function recordListSource(result: unknown[], origins: readonly { from: unknown[]; index: number }[]): void {
  const byIndex = new Map(origins.map((o, i) => [i, o]));
  const from = [...new Set(origins.map((o) => o.from))].map((list) => ({
    value: list,
    keyMap: (key: string | number) => {
      const origin = byIndex.get(key as number);
      return origin?.from === list ? origin.index : undefined;
    },
  }));
  inheritSource(
    result,
    from,
    result.map((_, i) => i),
  );
}

/**
 * Applies a strategic-merge patch to a Kubernetes object (or any JSON value) and returns a new
 * value; neither input is modified. `kind` chooses the merge keys (default: `base.kind`); lists of
 * unknown kinds are replaced. Throws `PatchError` for malformed directives or list elements
 * without their merge key.
 */
export function strategicMerge(base: unknown, patch: unknown, kind?: string): unknown {
  const schema = KINDS[kind ?? (isMap(base) && typeof base.kind === "string" ? base.kind : "")];
  if (isMap(patch)) {
    const merged = mergeMap(base, patch, schema, []);
    return merged === DELETE ? null : merged;
  }
  if (Array.isArray(patch)) return mergeList(base, patch, undefined, []);
  return patch;
}
