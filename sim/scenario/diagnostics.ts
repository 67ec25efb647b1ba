/**
 * Diagnostics in Kubernetes' words. A diagnostic names a file, a 1-based line and column, a field
 * path written as apimachinery's `field.Path` writes it (`spec.traffic[0].rate`,
 * `metadata.labels[app]`) and a message built like `field.ErrorList` builds its messages
 * (`Invalid value: -5: must be greater than or equal to 0`, `Required value`, `Unsupported value:
 * "x": supported values: "a", "b"`); see staging/src/k8s.io/apimachinery/pkg/util/validation/field.
 *
 * Left out: error codes and severities beyond error/warning, and Go's `%#v` rendering of values
 * (values are shown as compact JSON, which is what a YAML author can read back).
 */

/** One problem found while loading, at a position in a file. */
export interface Diagnostic {
  /** The file as the user named it (relative to the working directory when they gave it so). */
  readonly file: string;
  /** 1-based line. */
  readonly line: number;
  /** 1-based column, counted in UTF-16 code units as editors do. */
  readonly column: number;
  /** Field path in Kubernetes' notation, or "" for a problem with the file as a whole. */
  readonly path: string;
  readonly message: string;
}

/** `file:line:col: path: message` (the path is left out when empty). */
export function formatDiagnostic(d: Diagnostic): string {
  const where = `${d.file}:${d.line}:${d.column}`;
  return d.path === "" ? `${where}: ${d.message}` : `${where}: ${d.path}: ${d.message}`;
}

/** `warning: file:line:col: path: message`. */
export function formatWarning(d: Diagnostic): string {
  return `warning: ${formatDiagnostic(d)}`;
}

// ---------------------------------------------------------------------------------------------
// Field paths.

/** A map key chosen by the user (a label key, an app name, a patch target): written `[key]`. */
export interface MapKey {
  readonly key: string;
}

/** One step of a field path: a field name, a list index, or a user-chosen map key. */
export type PathSegment = string | number | MapKey;
export type FieldPath = readonly PathSegment[];

export function mapKey(key: string): MapKey {
  return { key };
}

/** The raw key of a segment, as it appears in the data. */
export function segmentKey(segment: PathSegment): string | number {
  return typeof segment === "object" ? segment.key : segment;
}

/** A user's key as a path shows it: a megabyte-long key must not make a megabyte-long message. */
function clip(key: string): string {
  return key.length > 64 ? `${key.slice(0, 61)}...` : key;
}

/** `spec.template.spec.containers[0].ports[1]`, `metadata.labels[app]`. */
export function formatPath(path: FieldPath): string {
  let out = "";
  for (const segment of path) {
    if (typeof segment === "number") out += `[${segment}]`;
    else if (typeof segment === "object" || segment === "") out += `[${clip(segmentKey(segment) as string)}]`; // an empty key: `spec[]`
    else out += out === "" ? clip(segment) : `.${clip(segment)}`;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Messages, as apimachinery's field.Error.Error() words them.

/** A value as the messages show it: strings quoted, numbers bare, structures as short JSON. */
export function formatValue(value: unknown): string {
  if (value === undefined) return "null";
  if (typeof value === "number") {
    if (Number.isNaN(value)) return ".nan";
    if (value === Number.POSITIVE_INFINITY) return ".inf";
    if (value === Number.NEGATIVE_INFINITY) return "-.inf";
    return String(value);
  }
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

export function required(detail?: string): string {
  return detail ? `Required value: ${detail}` : "Required value";
}

export function invalid(value: unknown, detail: string): string {
  return `Invalid value: ${formatValue(value)}: ${detail}`;
}

export function notSupported(value: unknown, supported: readonly string[]): string {
  const list = supported.map((s) => JSON.stringify(s)).join(", ");
  return `Unsupported value: ${formatValue(value)}: supported values: ${list}`;
}

export function forbidden(detail: string): string {
  return `Forbidden: ${detail}`;
}

export function duplicate(value: unknown, detail?: string): string {
  return detail ? `Duplicate value: ${formatValue(value)}: ${detail}` : `Duplicate value: ${formatValue(value)}`;
}

export function notFound(value: unknown, detail?: string): string {
  return detail ? `Not found: ${formatValue(value)}: ${detail}` : `Not found: ${formatValue(value)}`;
}

/** `unknown field "replicaton"; did you mean "replications"?` as strict decoding words it. */
export function unknownField(key: string, known: Iterable<string>): string {
  const suggestion = suggest(key, known);
  const base = `unknown field ${formatValue(key)}`;
  return suggestion === undefined ? base : `${base}; did you mean ${JSON.stringify(suggestion)}?`;
}

/** `; did you mean "web"?` or "" when nothing is close. */
export function didYouMean(word: string, candidates: Iterable<string>): string {
  const suggestion = suggest(word, candidates);
  return suggestion === undefined ? "" : `; did you mean ${JSON.stringify(suggestion)}?`;
}

// ---------------------------------------------------------------------------------------------
// "Did you mean": the closest candidate by optimal string alignment distance, if close enough.

/** Edit distance counting insertions, deletions, substitutions and adjacent transpositions. */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[][] = Array.from({ length: rows }, () => new Array<number>(cols).fill(0));
  for (let i = 0; i < rows; i++) d[i][0] = i;
  for (let j = 0; j < cols; j++) d[0][j] = j;
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[a.length][b.length];
}

/**
 * The candidate closest to `word`, compared case-insensitively, when the distance is at most a
 * third of the word's length (at least 1): `replicaton` → `replications`, `foo` → nothing.
 * Ties go to the earlier candidate, so suggestions are stable.
 */
export function suggest(word: string, candidates: Iterable<string>): string | undefined {
  // The distance is at least the difference in length: a candidate that far off is never close
  // enough, and skipping it keeps a megabyte of user text from costing a megabyte-wide table.
  const lower = word.toLowerCase();
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of candidates) {
    if (candidate === word) continue;
    if (Math.abs(word.length - candidate.length) > Math.max(1, Math.floor(Math.max(word.length, candidate.length) / 3))) continue;
    const distance = editDistance(lower, candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  const limit = Math.max(1, Math.floor(Math.max(word.length, best?.length ?? 0) / 3));
  return bestDistance <= limit ? best : undefined;
}
