/**
 * zod issues → Kubernetes-worded diagnostics with positions. zod says "expected number to be
 * >=0"; the API server says `Invalid value: -5: must be greater than or equal to 0`, and that is
 * what kubesim prints, at the line and column of the offending value (or of the unknown key, or of
 * the mapping that lacks a required field).
 *
 * Unions (a duration or a distribution shape) report the branch the input was evidently meant
 * for: branches whose type does not match the input are dropped, then the one with the fewest
 * unknown keys and issues wins. Which keys a mapping allows, and which mappings are user-keyed
 * maps (written `[key]` in paths), is read from the scenario's JSON Schema, so the schema stays
 * the one definition.
 *
 * Left out: zod issue codes the scenario schema never produces (they get a generic message).
 */
import type { core } from "zod";
import {
  type Diagnostic,
  type FieldPath,
  formatPath,
  invalid,
  mapKey,
  notSupported,
  type PathSegment,
  required,
  unknownField,
  formatValue,
} from "./diagnostics.ts";
import { locate, type SourcePos } from "./source.ts";
import { TYPE_MISMATCH } from "./schema.ts";

type Issue = core.$ZodIssue;
type JsonSchema = Readonly<Record<string, unknown>>;

// ---------------------------------------------------------------------------------------------
// Walking the JSON Schema.

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A schema with $ref, anyOf, oneOf and allOf expanded into the plain schemas they stand for. */
function expand(root: JsonSchema, schema: unknown, out: JsonSchema[] = [], seen = new Set<unknown>()): JsonSchema[] {
  if (!isObject(schema) || seen.has(schema)) return out;
  seen.add(schema);
  if (typeof schema.$ref === "string") {
    const name = schema.$ref.replace(/^#\/(definitions|\$defs)\//, "");
    const defs = (root.definitions ?? root.$defs) as Record<string, unknown> | undefined;
    expand(root, defs?.[name], out, seen);
  }
  for (const key of ["anyOf", "oneOf", "allOf"]) {
    const list = schema[key];
    if (Array.isArray(list)) for (const s of list) expand(root, s, out, seen);
  }
  out.push(schema);
  return out;
}

/** The schemas describing the value at `path` (several where unions meet). */
export function schemasAt(root: JsonSchema, path: readonly PropertyKey[]): JsonSchema[] {
  let current = expand(root, root);
  for (const key of path) {
    const next: JsonSchema[] = [];
    for (const s of current) {
      if (typeof key === "number") {
        if (isObject(s.items)) expand(root, s.items, next);
      } else if (typeof key === "string") {
        const props = s.properties as Record<string, unknown> | undefined;
        if (props && key in props) expand(root, props[key], next);
        else if (isObject(s.additionalProperties)) expand(root, s.additionalProperties, next);
      }
    }
    current = next;
  }
  return current;
}

/** Field names allowed at `path`. */
function knownKeys(root: JsonSchema, path: readonly PropertyKey[]): string[] {
  const keys = new Set<string>();
  for (const s of schemasAt(root, path)) {
    if (isObject(s.properties)) for (const k of Object.keys(s.properties)) keys.add(k);
  }
  return [...keys];
}

/** The path with user-chosen map keys marked, so they print as `[key]`. */
export function annotatePath(root: JsonSchema, path: readonly PropertyKey[]): PathSegment[] {
  const out: PathSegment[] = [];
  for (let i = 0; i < path.length; i++) {
    const key = path[i];
    if (typeof key === "number") {
      out.push(key);
      continue;
    }
    const name = String(key);
    const parents = schemasAt(root, path.slice(0, i));
    const isField = parents.some((s) => isObject(s.properties) && name in s.properties);
    const isMapKey = !isField && parents.some((s) => isObject(s.additionalProperties));
    out.push(isMapKey ? mapKey(name) : name);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Issues → diagnostics.

function valueAt(root: unknown, path: readonly PropertyKey[]): { found: boolean; value: unknown; parent: unknown } {
  let current: unknown = root;
  let parent: unknown;
  for (const key of path) {
    if (typeof current !== "object" || current === null || !(key in (current as object))) {
      return { found: false, value: undefined, parent: current };
    }
    parent = current;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return { found: true, value: current, parent };
}

const YAML11_BOOLEANS = new Set(["yes", "no", "on", "off", "y", "n", "true", "false"]);

/** The boolean message, with the YAML 1.1 habit spelled out. */
export function booleanMessage(value: unknown): string {
  if (typeof value === "string" && YAML11_BOOLEANS.has(value.toLowerCase())) {
    const why = ["true", "false"].includes(value.toLowerCase())
      ? `${formatValue(value)} is quoted, so it is a string`
      : `${formatValue(value)} is a string in YAML 1.2`;
    return invalid(value, `must be a boolean (true or false); ${why}`);
  }
  return invalid(value, "must be a boolean (true or false)");
}

const EXPECTED: Record<string, string> = {
  string: "a string",
  number: "a number",
  int: "an integer",
  boolean: "a boolean (true or false)",
  object: "a mapping",
  record: "a mapping",
  array: "a list",
};

function typeMessage(expected: string, value: unknown): string {
  if (expected === "boolean") return booleanMessage(value);
  if (typeof value === "number" && !Number.isFinite(value)) return invalid(value, "must be a finite number");
  if (expected === "int" && typeof value === "number") return invalid(value, "must be an integer");
  return invalid(value, `must be ${EXPECTED[expected] ?? expected}`);
}

export interface IssueContext {
  /** The parsed document the issues refer to (positions are looked up in it). */
  readonly raw: unknown;
  /** JSON Schema of the validated value, for known keys and map-key paths. */
  readonly schema: JsonSchema;
  /** Where to point when nothing closer has a position. */
  readonly fallback: SourcePos;
  /** Prefix for printed paths (e.g. the strategy an override sits in). */
  readonly prefix?: FieldPath;
}

/** Diagnostics for a failed parse, in document order of the issues' paths. */
export function issuesToDiagnostics(issues: readonly Issue[], ctx: IssueContext): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const issue of issues) mapIssue(issue, [], ctx, out);
  return out;
}

function emit(ctx: IssueContext, out: Diagnostic[], path: readonly PropertyKey[], message: string, at: "value" | "key" | "parent") {
  const located =
    at === "parent"
      ? locate(ctx.raw, path.slice(0, -1) as FieldPath)
      : locate(ctx.raw, path as FieldPath, { key: at === "key" });
  const pos = located ?? ctx.fallback;
  const printed = formatPath([...(ctx.prefix ?? []), ...annotatePath(ctx.schema, path)]);
  out.push({ file: pos.file, line: pos.line, column: pos.column, path: printed, message });
}

function mapIssue(issue: Issue, base: readonly PropertyKey[], ctx: IssueContext, out: Diagnostic[]): void {
  const path = [...base, ...issue.path];
  const { found, value } = valueAt(ctx.raw, path);
  const missing = !found || value === undefined;

  switch (issue.code) {
    case "invalid_union":
      mapUnion(issue, path, value, missing, ctx, out);
      return;
    case "unrecognized_keys": {
      const known = knownKeys(ctx.schema, path);
      for (const key of issue.keys) emit(ctx, out, [...path, key], unknownField(key, known), "key");
      return;
    }
    case "invalid_type":
      if (missing) emit(ctx, out, path, required(), "parent");
      else emit(ctx, out, path, typeMessage(issue.expected, value), "value");
      return;
    case "too_small": {
      if (issue.origin === "array" || issue.origin === "set") {
        emit(ctx, out, path, required(`must have at least ${issue.minimum} item${issue.minimum === 1 ? "" : "s"}`), "value");
      } else if (issue.origin === "string" && Number(issue.minimum) === 1 && value === "") {
        emit(ctx, out, path, required(), "value");
      } else if (issue.origin === "string") {
        emit(ctx, out, path, invalid(value, `must be at least ${issue.minimum} characters`), "value");
      } else {
        const op = issue.inclusive ? "greater than or equal to" : "greater than";
        emit(ctx, out, path, invalid(value, `must be ${op} ${issue.minimum}`), "value");
      }
      return;
    }
    case "too_big": {
      if (issue.origin === "string") {
        emit(ctx, out, path, invalid(value, `must be no more than ${issue.maximum} characters`), "value");
      } else if (issue.origin === "array") {
        emit(ctx, out, path, `Too many: ${(value as unknown[]).length}: must have at most ${issue.maximum} items`, "value");
      } else {
        const op = issue.inclusive ? "less than or equal to" : "less than";
        emit(ctx, out, path, invalid(value, `must be ${op} ${issue.maximum}`), "value");
      }
      return;
    }
    case "invalid_value":
      if (missing) emit(ctx, out, path, required(), "parent");
      else emit(ctx, out, path, notSupported(value, issue.values.map((v) => String(v))), "value");
      return;
    case "invalid_format":
      emit(ctx, out, path, invalid(value, issue.message), "value");
      return;
    case "custom": {
      if (missing) {
        emit(ctx, out, path, required(), "parent");
        return;
      }
      if (issue.params?.distribution) {
        mapDistributionError(issue.message, path, value, ctx, out);
        return;
      }
      emit(ctx, out, path, invalid(value, issue.message), "value");
      return;
    }
    case "invalid_key":
    case "invalid_element":
      for (const inner of issue.issues) mapIssue(inner, path, ctx, out);
      return;
    default:
      emit(ctx, out, path, invalid(value, issue.message), "value");
  }
}

/** Whether a union branch failed because the input is of another type altogether. */
function isTypeMismatch(branch: readonly Issue[]): boolean {
  return branch.some(
    (i) =>
      i.path.length === 0 &&
      (i.code === "invalid_type" ||
        (i.code === "custom" && i.params?.[TYPE_MISMATCH] === true) ||
        (i.code === "invalid_union" && i.errors.every(isTypeMismatch))),
  );
}

function rootUnknownKeys(branch: readonly Issue[]): number {
  return branch.reduce((n, i) => n + (i.code === "unrecognized_keys" && i.path.length === 0 ? i.keys.length : 0), 0);
}

function mapUnion(
  issue: core.$ZodIssueInvalidUnion,
  path: readonly PropertyKey[],
  value: unknown,
  missing: boolean,
  ctx: IssueContext,
  out: Diagnostic[],
): void {
  if (missing) {
    emit(ctx, out, path, required(), "parent");
    return;
  }
  const candidates = issue.errors.filter((branch) => !isTypeMismatch(branch));
  const generic = issue.message === "Invalid input" ? unionExpectation(issue.errors) : issue.message;
  if (candidates.length === 0) {
    emit(ctx, out, path, invalid(value, generic), "value");
    return;
  }
  if (candidates.every((b) => rootUnknownKeys(b) > 0) && typeof value === "object" && value !== null) {
    // Every shape has a key it does not know: report the keys no shape knows (likely typos).
    const known = knownKeys(ctx.schema, path);
    const unknown = Object.keys(value).filter((k) => !known.includes(k));
    if (unknown.length > 0) {
      for (const key of unknown) emit(ctx, out, [...path, key], unknownField(key, known), "key");
    } else {
      emit(ctx, out, path, invalid(value, generic), "value");
    }
    return;
  }
  let best = candidates[0];
  for (const branch of candidates) {
    const better =
      rootUnknownKeys(branch) < rootUnknownKeys(best) ||
      (rootUnknownKeys(branch) === rootUnknownKeys(best) && branch.length < best.length);
    if (better) best = branch;
  }
  for (const inner of best) mapIssue(inner, path, ctx, out);
}

/** "must be a string or a number", from the types the branches expected. */
function unionExpectation(branches: readonly (readonly Issue[])[]): string {
  const expected = new Set<string>();
  for (const branch of branches) {
    for (const i of branch) if (i.path.length === 0 && i.code === "invalid_type") expected.add(EXPECTED[i.expected] ?? i.expected);
  }
  return expected.size === 0 ? "must be one of the allowed forms" : `must be ${[...expected].join(" or ")}`;
}

/**
 * parseDistribution's messages name the field they are about (`uniform: min (5s) must be …`,
 * `lognormal.p99: …`); point at that field when it exists in the input.
 */
function mapDistributionError(message: string, path: readonly PropertyKey[], value: unknown, ctx: IssueContext, out: Diagnostic[]) {
  const match = /^([a-z0-9]+)(?:\.([a-z0-9]+))?: (.*)$/s.exec(message);
  if (match !== null && typeof value === "object" && value !== null && match[1] in value) {
    const sub = [...path, match[1]];
    const inner = (value as Record<string, unknown>)[match[1]];
    if (match[2] !== undefined && typeof inner === "object" && inner !== null && match[2] in inner) {
      const field = (inner as Record<string, unknown>)[match[2]];
      emit(ctx, out, [...sub, match[2]], invalid(field, match[3]), "value");
      return;
    }
    emit(ctx, out, sub, invalid(inner, match[2] === undefined ? match[3] : `${match[2]}: ${match[3]}`), "value");
    return;
  }
  emit(ctx, out, path, invalid(value, message), "value");
}

