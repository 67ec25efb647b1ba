/**
 * Loading a scenario: the scenario file, the manifest files it lists (relative to it, multi-
 * document, a directory meaning its *.yaml/*.yml/*.json files), inline objects and the manifests
 * of `apply` events; then the schema, the Kubernetes admission of every object, and the
 * scenario-level rules. Every problem comes back at once, as `file:line:column: path: message`;
 * nothing here throws on bad input.
 *
 * The loader is written once as a generator that yields the files it needs, and driven either
 * synchronously (`loadScenarioSync`) or with non-blocking reads (`loadScenario`).
 *
 * Left out: URLs and absolute paths in `manifests` (a scenario and its manifests travel together),
 * globs, Helm/Kustomize rendering (render first, then list the output), and file watching.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { readdir, readFile, stat } from "node:fs/promises";
import { dirname, isAbsolute, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { buildScenario } from "./build.ts";
import { type Diagnostic, formatDiagnostic, formatValue, formatPath, invalid, notFound, type PathSegment } from "./diagnostics.ts";
import { admitObject, type ObjectOrigin } from "./manifests.ts";
import { SCENARIO_API_VERSION, scenarioSchema, sharedScenarioJsonSchema } from "./schema.ts";
import { locate, type SourcePos } from "./source.ts";
import type { Manifest, Scenario } from "./types.ts";
import { decodeYamlBytes, parseYaml, YAML_LIMITS, type YamlDocument } from "./yaml.ts";
import { issuesToDiagnostics } from "./zod-diagnostics.ts";

export type LoadResult =
  | { readonly ok: true; readonly scenario: Scenario; readonly warnings: Diagnostic[] }
  | { readonly ok: false; readonly errors: Diagnostic[]; readonly warnings: Diagnostic[] };

export type ValidateResult = { readonly ok: boolean; readonly errors: Diagnostic[]; readonly warnings: Diagnostic[] };

// ---------------------------------------------------------------------------------------------
// File access, as requests the drivers answer.

interface ReadRequest {
  readonly path: string;
}

type ReadResponse =
  | { readonly kind: "file"; readonly bytes: Uint8Array }
  | { readonly kind: "dir"; readonly entries: readonly string[] }
  | { readonly kind: "error"; readonly message: string };

type Steps<T> = Generator<ReadRequest, T, ReadResponse>;

function ioMessage(error: unknown): string {
  const code = (error as NodeJS.ErrnoException)?.code;
  if (code === "ENOENT") return "no such file";
  if (code === "EACCES" || code === "EPERM") return "permission denied";
  if (code === "ENOTDIR") return "not a directory";
  return error instanceof Error ? error.message : String(error);
}

function tooLarge(size: number): string {
  const mib = (size / 1024 / 1024).toFixed(1);
  return `file is too large (${mib} MiB); the limit is ${YAML_LIMITS.maxFileBytes / 1024 / 1024} MiB`;
}

/** FIFOs, sockets and devices would block or never end (a FIFO, /dev/zero): never read them. */
const NOT_REGULAR = "not a regular file (a FIFO, socket or device); give the path of a YAML file";

function readSync(path: string): ReadResponse {
  try {
    const info = statSync(path);
    if (info.isDirectory()) return { kind: "dir", entries: readdirSync(path) };
    if (!info.isFile()) return { kind: "error", message: NOT_REGULAR };
    if (info.size > YAML_LIMITS.maxFileBytes) return { kind: "error", message: tooLarge(info.size) };
    return { kind: "file", bytes: readFileSync(path) };
  } catch (error) {
    return { kind: "error", message: ioMessage(error) };
  }
}

async function readAsync(path: string): Promise<ReadResponse> {
  try {
    const info = await stat(path);
    if (info.isDirectory()) return { kind: "dir", entries: await readdir(path) };
    if (!info.isFile()) return { kind: "error", message: NOT_REGULAR };
    if (info.size > YAML_LIMITS.maxFileBytes) return { kind: "error", message: tooLarge(info.size) };
    return { kind: "file", bytes: await readFile(path) };
  } catch (error) {
    return { kind: "error", message: ioMessage(error) };
  }
}

function runSync<T>(steps: Steps<T>): T {
  let next = steps.next();
  while (!next.done) next = steps.next(readSync(next.value.path));
  return next.value;
}

async function runAsync<T>(steps: Steps<T>): Promise<T> {
  let next = steps.next();
  while (!next.done) next = steps.next(await readAsync(next.value.path));
  return next.value;
}

// ---------------------------------------------------------------------------------------------
// Diagnostics bookkeeping.

class Report {
  readonly errors: Diagnostic[] = [];
  readonly warnings: Diagnostic[] = [];
  readonly files: string[] = [];

  fileError(file: string, message: string, pos?: SourcePos): void {
    this.errors.push({ file, line: pos?.line ?? 1, column: pos?.column ?? 1, path: "", message });
  }

  /** Errors and warnings in a stable order (file read order, then position), duplicates removed. */
  sorted(list: readonly Diagnostic[]): Diagnostic[] {
    const order = (file: string) => {
      const i = this.files.indexOf(file);
      return i < 0 ? this.files.length : i;
    };
    const seen = new Set<string>();
    return list
      .filter((d) => {
        const key = formatDiagnostic(d);
        if (seen.has(key)) return false;
        seen.add(key);
        return true;
      })
      .map((d, i) => ({ d, i }))
      .sort((a, b) => order(a.d.file) - order(b.d.file) || a.d.line - b.d.line || a.d.column - b.d.column || a.i - b.i)
      .map(({ d }) => d);
  }
}

/** Reads and parses one YAML file; undefined when it could not be read or parsed (errors reported). */
function* readYaml(path: string, report: Report): Steps<YamlDocument[] | undefined> {
  const response = yield { path };
  if (!report.files.includes(path)) report.files.push(path);
  if (response.kind === "error") {
    report.fileError(path, response.message);
    return undefined;
  }
  if (response.kind === "dir") {
    report.fileError(path, "is a directory, not a YAML file");
    return undefined;
  }
  const decoded = decodeYamlBytes(response.bytes, path);
  if ("error" in decoded) {
    report.errors.push(decoded.error);
    return undefined;
  }
  const parsed = parseYaml(decoded.text, path);
  report.errors.push(...parsed.errors);
  report.warnings.push(...parsed.warnings);
  if (parsed.errors.length > 0) return undefined;
  return parsed.documents;
}

function isMap(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

const MANIFEST_EXTENSIONS = /\.(ya?ml|json)$/i;

export interface ManifestLoad {
  readonly manifests: Manifest[];
  readonly invalid: Set<string>;
  /** A file could not be read or parsed. */
  readonly incomplete: boolean;
}

/**
 * Loads the manifest file (or directory) `entry`, written at `path` in the scenario, resolved
 * against the scenario's directory.
 */
function* loadManifestEntry(
  scenarioFile: string,
  raw: unknown,
  path: readonly PathSegment[],
  entry: string,
  report: Report,
): Steps<ManifestLoad> {
  const result: ManifestLoad = { manifests: [], invalid: new Set(), incomplete: false };
  const pos = locate(raw, path) ?? { file: scenarioFile, line: 1, column: 1 };
  const error = (message: string) => report.errors.push({ ...pos, path: formatPath(path), message });
  if (/^[a-zA-Z][a-zA-Z0-9+.-]*:\/\//.test(entry)) {
    error(invalid(entry, "must be a path relative to the scenario file; URLs are not fetched (download the manifest next to the scenario)"));
    return { ...result, incomplete: true };
  }
  if (isAbsolute(entry) || entry.startsWith("~")) {
    error(invalid(entry, "must be a path relative to the scenario file, not an absolute path"));
    return { ...result, incomplete: true };
  }
  const resolved = join(dirname(scenarioFile), entry);
  const first = yield { path: resolved };
  let files: string[];
  if (first.kind === "error") {
    error(first.message === "no such file" ? notFound(entry, `no such file (looked for ${resolved})`) : invalid(entry, first.message));
    return { ...result, incomplete: true };
  }
  if (first.kind === "dir") {
    files = first.entries.filter((name) => MANIFEST_EXTENSIONS.test(name)).sort().map((name) => join(resolved, name));
    if (files.length === 0) error(invalid(entry, "the directory has no .yaml, .yml or .json files"));
  } else {
    files = [resolved];
  }
  let incomplete = false;
  for (const file of files) {
    const documents = yield* readYaml(file, report);
    if (documents === undefined) {
      incomplete = true;
      continue;
    }
    for (const doc of documents) {
      if (doc.value === null) continue;
      const origin: ObjectOrigin = { file, prefix: [], document: doc.index, fallback: doc.pos };
      const admitted = admitObject(doc.value, origin);
      report.errors.push(...admitted.errors);
      report.warnings.push(...admitted.warnings);
      result.manifests.push(...admitted.manifests);
      for (const ref of admitted.invalid) result.invalid.add(ref);
    }
  }
  return { ...result, incomplete };
}

function* loadSteps(file: string): Steps<LoadResult> {
  const report = new Report();
  const fail = (): LoadResult => ({ ok: false, errors: report.sorted(report.errors), warnings: report.sorted(report.warnings) });

  const documents = yield* readYaml(file, report);
  if (documents === undefined) return fail();
  const present = documents.filter((d) => d.value !== null);
  if (present.length === 0) {
    report.fileError(file, "file contains no YAML document (it is empty or only comments)");
    return fail();
  }
  if (present.length > 1) {
    const second = present[1];
    report.fileError(
      file,
      `expected one YAML document, found ${present.length}: a scenario file holds one Scenario (list Kubernetes manifests under spec.manifests)`,
      second.pos,
    );
    return fail();
  }
  const doc = present[0];
  const raw = doc.value;
  if (!isMap(raw)) {
    report.fileError(file, invalid(raw, "a scenario must be a mapping with apiVersion, kind, metadata and spec"), doc.pos);
    return fail();
  }
  if (raw.kind !== "Scenario" && raw.apiVersion !== SCENARIO_API_VERSION && typeof raw.kind === "string") {
    const pos = locate(raw, ["kind"]) ?? doc.pos;
    report.errors.push({
      ...pos,
      path: "kind",
      message: invalid(raw.kind, "this is not a kubesim Scenario (kind: Scenario); a Kubernetes manifest belongs in a file listed under spec.manifests"),
    });
    return fail();
  }

  const schema = sharedScenarioJsonSchema();
  const parsed = scenarioSchema.safeParse(raw);
  if (!parsed.success) {
    report.errors.push(...issuesToDiagnostics(parsed.error.issues, { raw, schema, fallback: doc.pos }));
  }

  const spec = isMap(raw.spec) ? raw.spec : {};
  const manifests: Manifest[] = [];
  const invalidRefs = new Set<string>();
  let incomplete = false;
  const take = (load: ManifestLoad) => {
    manifests.push(...load.manifests);
    for (const ref of load.invalid) invalidRefs.add(ref);
    incomplete ||= load.incomplete;
  };

  if (Array.isArray(spec.manifests)) {
    for (let i = 0; i < spec.manifests.length; i++) {
      const entry = spec.manifests[i];
      if (typeof entry !== "string" || entry === "") {
        incomplete = true; // the schema reported it
        continue;
      }
      take(yield* loadManifestEntry(file, raw, ["spec", "manifests", i], entry, report));
    }
  }
  if (Array.isArray(spec.objects)) {
    spec.objects.forEach((value, i) => {
      if (!isMap(value)) return; // the schema reported it
      const prefix = ["spec", "objects", i];
      const origin: ObjectOrigin = { file, prefix, document: 0, fallback: locate(raw, prefix) ?? doc.pos };
      const admitted = admitObject(value, origin);
      report.errors.push(...admitted.errors);
      report.warnings.push(...admitted.warnings);
      take({ manifests: admitted.manifests, invalid: admitted.invalid, incomplete: false });
    });
  }

  const applied = new Map<number, Manifest[]>();
  if (Array.isArray(spec.events)) {
    for (let i = 0; i < spec.events.length; i++) {
      const apply = (spec.events[i] as Record<string, unknown> | undefined)?.apply;
      if (!isMap(apply)) continue;
      const list: Manifest[] = [];
      if (typeof apply.manifest === "string" && apply.manifest !== "") {
        const load = yield* loadManifestEntry(file, raw, ["spec", "events", i, "apply", "manifest"], apply.manifest, report);
        list.push(...load.manifests);
        for (const ref of load.invalid) invalidRefs.add(ref);
        incomplete ||= load.incomplete;
      }
      if (Array.isArray(apply.objects)) {
        apply.objects.forEach((value, j) => {
          if (!isMap(value)) return; // the schema reported it
          const prefix = ["spec", "events", i, "apply", "objects", j];
          const origin: ObjectOrigin = { file, prefix, document: 0, fallback: locate(raw, prefix) ?? doc.pos };
          const admitted = admitObject(value, origin);
          report.errors.push(...admitted.errors);
          report.warnings.push(...admitted.warnings);
          list.push(...admitted.manifests);
          for (const ref of admitted.invalid) invalidRefs.add(ref);
        });
      }
      applied.set(i, list);
    }
  }

  const built = buildScenario(
    {
      file,
      files: report.files,
      raw,
      docPos: doc.pos,
      parsed: parsed.success ? parsed.data : undefined,
      manifests,
      invalid: invalidRefs,
      incomplete,
      applied,
    },
    report.errors.length,
  );
  report.errors.push(...built.errors);
  report.warnings.push(...built.warnings);
  if (report.errors.length > 0 || built.scenario === undefined) {
    if (report.errors.length === 0) report.fileError(file, "the scenario could not be assembled");
    return fail();
  }
  return { ok: true, scenario: built.scenario, warnings: report.sorted(report.warnings) };
}

/** Turns an unexpected exception into a diagnostic: bad input never surfaces as a stack trace. */
function internal(file: string, error: unknown): LoadResult {
  const message = error instanceof Error ? error.message : String(error);
  return {
    ok: false,
    errors: [{ file, line: 1, column: 1, path: "", message: `internal error while loading (a kubesim bug; please report it): ${message}` }],
    warnings: [],
  };
}

/** Loads, validates and resolves a scenario file (path as the user gave it). */
export async function loadScenario(path: string): Promise<LoadResult> {
  try {
    return await runAsync(loadSteps(path));
  } catch (error) {
    return internal(path, error);
  }
}

/** `loadScenario` with synchronous file reads. */
export function loadScenarioSync(path: string): LoadResult {
  try {
    return runSync(loadSteps(path));
  } catch (error) {
    return internal(path, error);
  }
}

// ---------------------------------------------------------------------------------------------
// `kubesim validate`: scenarios and plain manifest files.

function* validateSteps(path: string): Steps<ValidateResult> {
  const report = new Report();
  const documents = yield* readYaml(path, report);
  // A scenario in any YAML style (block, flow, JSON) is one whose document says kind: Scenario.
  if (documents?.some((d) => isMap(d.value) && d.value.kind === "Scenario")) {
    const result = yield* loadSteps(path);
    return result.ok ? { ok: true, errors: [], warnings: result.warnings } : { ok: false, errors: result.errors, warnings: result.warnings };
  }
  const seen = new Map<string, SourcePos>();
  for (const doc of documents ?? []) {
    if (doc.value === null) continue;
    const admitted = admitObject(doc.value, { file: path, prefix: [], document: doc.index, fallback: doc.pos });
    report.errors.push(...admitted.errors);
    report.warnings.push(...admitted.warnings);
    for (const m of admitted.manifests) {
      const pos = locate(m.object, ["metadata", "name"]) ?? doc.pos;
      const first = seen.get(m.ref);
      if (first) {
        report.errors.push({ ...pos, path: "metadata.name", message: `Duplicate value: ${formatValue(m.name)}: ${m.ref} is already defined at ${first.file}:${first.line}:${first.column}` });
      } else {
        seen.set(m.ref, pos);
      }
    }
  }
  if (documents?.every((d) => d.value === null)) {
    report.fileError(path, "file contains no YAML document (it is empty or only comments)");
  }
  const errors = report.sorted(report.errors);
  return { ok: errors.length === 0, errors, warnings: report.sorted(report.warnings) };
}

/**
 * Validates a scenario or a Kubernetes manifest file, whichever it is (a document with
 * `kind: Scenario` makes it a scenario).
 */
export function validateFileSync(path: string): ValidateResult {
  try {
    return runSync(validateSteps(path));
  } catch (error) {
    const r = internal(path, error);
    return { ok: false, errors: r.ok ? [] : r.errors, warnings: [] };
  }
}

export async function validateFile(path: string): Promise<ValidateResult> {
  try {
    return await runAsync(validateSteps(path));
  } catch (error) {
    const r = internal(path, error);
    return { ok: false, errors: r.ok ? [] : r.errors, warnings: [] };
  }
}

// ---------------------------------------------------------------------------------------------
// Bundled scenarios.

let root: string | undefined;

/** The project root: the nearest ancestor of this module with kubesim's package.json (works from dist/ too). */
export function projectRoot(): string {
  if (root !== undefined) return root;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { name?: string };
      if (pkg.name === "kubesim") return (root = dir);
    } catch {
      // not here; go up
    }
    const parent = dirname(dir);
    if (parent === dir) return (root = resolve(dirname(fileURLToPath(import.meta.url)), "..", ".."));
    dir = parent;
  }
}

/** `rolling-update` → `<project>/scenarios/rolling-update.yaml`, when that bundled scenario exists. */
export function findBundledScenario(name: string): string | undefined {
  if (!/^[a-z0-9][-a-z0-9_.]*$/i.test(name) || name.includes("..")) return undefined;
  const base = name.replace(/\.ya?ml$/i, "");
  for (const ext of [".yaml", ".yml"]) {
    const candidate = join(projectRoot(), "scenarios", base + ext);
    try {
      if (statSync(candidate).isFile()) return candidate;
    } catch {
      // try the next extension
    }
  }
  return undefined;
}

/** The bundled scenarios with their one-line descriptions, by name. */
export function listBundledScenarios(): { name: string; description: string; path: string }[] {
  const dir = join(projectRoot(), "scenarios");
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return [];
  }
  const out: { name: string; description: string; path: string }[] = [];
  for (const entry of entries.sort()) {
    if (!/\.ya?ml$/i.test(entry)) continue;
    const path = join(dir, entry);
    const read = readSync(path);
    if (read.kind !== "file") continue;
    const decoded = decodeYamlBytes(read.bytes, path);
    if (!("text" in decoded)) continue;
    const doc = parseYaml(decoded.text, path).documents[0]?.value;
    if (!isMap(doc) || doc.kind !== "Scenario" || !isMap(doc.metadata)) continue;
    const name = typeof doc.metadata.name === "string" ? doc.metadata.name : entry.replace(/\.ya?ml$/i, "");
    const description = typeof doc.metadata.description === "string" ? doc.metadata.description : "";
    out.push({ name, description, path });
  }
  return out;
}

