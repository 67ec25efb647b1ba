/**
 * Where each value came from. Values parsed from YAML are plain JSON objects and arrays; beside
 * them, a WeakMap records for every object and array the position of the node itself and of each
 * key and value inside it. A field path then resolves to a position by walking the values, which
 * keeps working after the values are copied, defaulted or strategic-merge patched, as long as the
 * code that builds new objects passes the positions along (`cloneLocated`, `inheritSource`).
 *
 * Left out: positions of values created by defaulting (they resolve to their nearest parent with a
 * position) and of values that were serialised and parsed again (structuredClone drops them).
 */
import { type FieldPath, segmentKey } from "./diagnostics.ts";

/** A position in a file: 1-based line and column. */
export interface SourcePos {
  readonly file: string;
  readonly line: number;
  readonly column: number;
}

/** Positions of one object or array and of its entries. */
export interface NodeSource {
  /** Where the mapping or sequence starts. */
  readonly pos: SourcePos;
  /** Per map key or list index: where the key is written (maps only) and where the value starts. */
  readonly entries: Map<string | number, { readonly key?: SourcePos; readonly value: SourcePos }>;
}

const sources = new WeakMap<object, NodeSource>();

export function setSource(value: object, source: NodeSource): void {
  sources.set(value, source);
}

export function getSource(value: unknown): NodeSource | undefined {
  return typeof value === "object" && value !== null ? sources.get(value) : undefined;
}

function isContainer(value: unknown): value is Record<string | number, unknown> {
  return typeof value === "object" && value !== null;
}

/**
 * The position of `path` inside `root`: of the value (or, with `key: true`, of the map key that
 * names it). When the path leads into values without positions (defaults, missing fields), the
 * nearest ancestor that has one answers, so "Required value" points at the enclosing mapping.
 */
export function locate(root: unknown, path: FieldPath, options: { key?: boolean } = {}): SourcePos | undefined {
  let current: unknown = root;
  let best = getSource(root)?.pos;
  for (let i = 0; i < path.length; i++) {
    const key = segmentKey(path[i]);
    const source = getSource(current);
    const entry = source?.entries.get(key);
    if (entry === undefined) break;
    const last = i === path.length - 1;
    best = last && options.key && entry.key !== undefined ? entry.key : entry.value;
    if (!isContainer(current)) break;
    current = current[key as keyof typeof current];
  }
  return best;
}

/** A deep copy of a JSON value that keeps every object's and array's recorded positions. */
export function cloneLocated<T>(value: T): T {
  if (Array.isArray(value)) {
    const copy = value.map((item) => cloneLocated(item));
    const source = sources.get(value);
    if (source !== undefined) sources.set(copy, source);
    return copy as T;
  }
  if (isContainer(value)) {
    const copy: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) copy[k] = cloneLocated(v);
    const source = sources.get(value);
    if (source !== undefined) sources.set(copy, source);
    return copy as T;
  }
  return value;
}

/**
 * Records positions for a merged map or list: entry positions are taken from `from` in order, the
 * first that has the entry wins, so a patch listed first overrides the base it was merged onto.
 * `keyMap` translates a result key to the key in each source (list merges move elements).
 */
export function inheritSource(
  target: object,
  from: readonly { value: unknown; keyMap?: (key: string | number) => string | number | undefined }[],
  keys: Iterable<string | number>,
): void {
  let pos: SourcePos | undefined;
  const entries: NodeSource["entries"] = new Map();
  for (const { value } of from) pos ??= getSource(value)?.pos;
  if (pos === undefined) return;
  for (const key of keys) {
    for (const { value, keyMap } of from) {
      const sourceKey = keyMap ? keyMap(key) : key;
      if (sourceKey === undefined) continue;
      const entry = getSource(value)?.entries.get(sourceKey);
      if (entry !== undefined) {
        entries.set(key, entry);
        break;
      }
    }
  }
  sources.set(target, { pos, entries });
}
