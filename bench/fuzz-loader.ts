/**
 * `npm run fuzz -- --cases 10000 [--seed S]`: fuzzes the scenario loader and the `run` command
 * with mutated copies of the bundled scenarios, and fails (exit 1) when kubesim lies quietly.
 *
 * Each case takes one bundled scenario with its manifests and applies seeded mutations: at the
 * YAML text level (lines deleted, duplicated, swapped or re-indented, tabs, anchors and aliases
 * with cycles and bombs, unbalanced brackets, huge numbers, `yes`/`on`, long strings, deep
 * nesting, tags, stray documents, truncation, non-UTF-8, NUL and UTF-16 bytes) or at the data
 * level (the `yaml` package parses the file, then values change type, become negative, zero,
 * NaN-like, huge or unknown enum values, required fields go, unknown fields come, references
 * point at missing objects, manifests break: replicas -1, selector mismatches, maxSurge and
 * maxUnavailable both 0, absolute paths and URLs as manifest paths). The case is written into a
 * temporary directory and loaded in-process with `loadScenarioSync`; every case that loads and
 * one in `--run-every` of the others also go through `validateFileSync`, the async loader and
 * the `run` command's logic (`runScenarios`, `--replications 1 --duration 30s --workers 1
 * --max-events 200000`, output captured).
 *
 * A case fails when: anything throws; a diagnostic lacks a file, a 1-based line and column inside
 * the file, or a message, or (for files that are still well-formed YAML) a field path; a
 * message leaks an internal error; the exit code is not 0, 1, 2 or 3, or disagrees with the
 * loader (invalid → 2; valid → not 2), or a report is left behind by a run that exited 2 or 3;
 * `validate` or the async loader disagree with `loadScenarioSync`; a YAML tag got executed; a
 * `__proto__` key was accepted (it would silently set a prototype instead of a field); a load
 * takes longer than `--load-limit` (1 s) or a run longer than `--run-limit`; a case does not
 * finish within `--hard-limit` (the cases run, in-process, inside one long-lived child process,
 * which is killed and replaced after a hung or crashed case, so one hang or one out-of-memory
 * abort does not stop the fuzzer).
 *
 * Bugs it found that are reported but not fixed are listed in KNOWN_BUGS: `--allow-known` (the CI
 * test) skips the cases that would hang on them and lists the failures they explain apart;
 * without it they count as failures.
 *
 * Deterministic for a seed: case i draws only from the stream (seed, "fuzz", "case-i"), so a
 * failure is reproduced alone with `npm run fuzz -- --seed S --case i --keep`.
 *
 * Left out: the large-cluster scenario (a 390 KB manifest that takes about a second to load on
 * its own; `--include-large` adds it), mutating the command line, and concurrency with --workers.
 */
import { type ChildProcess, fork } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import YAML from "yaml";
import { capturingIo, runScenarios } from "../sim/cli/run-scenarios.ts";
import { RandomStreams, type RandomStream } from "../sim/core/rng.ts";
import { type Diagnostic, formatDiagnostic } from "../sim/scenario/diagnostics.ts";
import { loadScenario, loadScenarioSync, projectRoot, validateFileSync } from "../sim/scenario/load.ts";

// ---------------------------------------------------------------------------------------------
// Options and results.

export interface FuzzOptions {
  /** Number of cases. */
  readonly cases: number;
  /** Master seed; case i draws from (seed, "fuzz", "case-i"). */
  readonly seed: string;
  /** Index of the first case (to resume or to run one case). Default 0. */
  readonly first?: number;
  /** Every n-th case (by index) goes through validate and the run command even when it does not load. Default 50. */
  readonly runEvery?: number;
  /** Loads slower than this fail the case, in ms. Default 1000. */
  readonly loadLimitMs?: number;
  /** Runs (the whole `run` command on one case) slower than this fail the case, in ms. Default 10 000. */
  readonly runLimitMs?: number;
  /** A case that has not finished after this long is killed and fails, in ms. Default 20 000. */
  readonly hardLimitMs?: number;
  /** Virtual duration of the runs (`--duration`). Default "30s". */
  readonly runDuration?: string;
  /** Adds the large-cluster scenario to the corpus. */
  readonly includeLarge?: boolean;
  /** Keeps the case directories (and prints where). */
  readonly keep?: boolean;
  /** Runs the cases in a child process that is replaced after a hang or a crash (default); false: in this process. */
  readonly isolate?: boolean;
  /** Skips cases that trigger a known hanging bug and lists failures known bugs explain apart (see KNOWN_BUGS). */
  readonly allowKnown?: boolean;
  /** Called after each case (progress, verbose output). */
  readonly onCase?: (result: CaseResult) => void;
}

export interface CaseResult {
  readonly index: number;
  readonly scenario: string;
  readonly mutations: readonly string[];
  /** "ok": the loader accepted it; "invalid": it returned diagnostics; "none": it never answered. */
  readonly load: "ok" | "invalid" | "none";
  readonly loadMs: number;
  readonly diagnostics: readonly string[];
  /** Exit code of the run command, when it ran. */
  readonly exit?: number;
  readonly runMs?: number;
  readonly failures: readonly string[];
  /** The case directory, when kept. */
  readonly dir?: string;
  /** In a summary's failures: the known bug the case triggers or its failures show, if any. */
  readonly knownBug?: string;
}

export interface Timed {
  readonly index: number;
  readonly ms: number;
  readonly scenario: string;
  readonly mutations: readonly string[];
}

export interface FuzzSummary {
  readonly seed: string;
  readonly first: number;
  readonly cases: number;
  readonly scenarios: readonly string[];
  readonly loaded: number;
  readonly invalid: number;
  readonly ran: number;
  /** Exit code → number of runs. */
  readonly exits: Readonly<Record<string, number>>;
  /** Mutation kind → number of cases it was applied in. */
  readonly mutationKinds: Readonly<Record<string, number>>;
  readonly slowestLoads: readonly Timed[];
  readonly slowestRuns: readonly Timed[];
  /** Failing cases (under allowKnown, without the failures known bugs explain). */
  readonly failures: readonly CaseResult[];
  /** Failing cases by the known bug they show ("new": none of them). */
  readonly failureKinds: Readonly<Record<string, number>>;
  /** Cases skipped because they trigger a known bug (allowKnown only). */
  readonly skipped: readonly { readonly index: number; readonly bug: string }[];
  /** Failures explained by known bugs (allowKnown only). */
  readonly known: readonly { readonly index: number; readonly bug: string; readonly failure: string }[];
  readonly wallMs: number;
}

const DEFAULTS = {
  first: 0,
  runEvery: 50,
  loadLimitMs: 1000,
  runLimitMs: 10_000,
  hardLimitMs: 20_000,
  runDuration: "30s",
} as const;

// ---------------------------------------------------------------------------------------------
// The corpus: bundled scenarios and the manifest files they name.

interface CorpusScenario {
  readonly name: string;
  /** File name inside the case directory (as bundled: `rolling-update.yaml`). */
  readonly file: string;
  readonly text: string;
  /** Manifest files it names, relative to the scenario (`manifests/web.yaml`). */
  readonly manifests: readonly string[];
}

export interface Corpus {
  readonly scenarios: readonly CorpusScenario[];
  /** Manifest file contents by path relative to the scenarios directory. */
  readonly manifests: ReadonlyMap<string, string>;
}

export function loadCorpus(includeLarge = false): Corpus {
  const dir = join(projectRoot(), "scenarios");
  const scenarios: CorpusScenario[] = [];
  const manifests = new Map<string, string>();
  for (const file of readdirSync(dir).sort()) {
    if (!/\.ya?ml$/.test(file)) continue;
    const name = file.replace(/\.ya?ml$/, "");
    if (name === "large-cluster" && !includeLarge) continue;
    const text = readFileSync(join(dir, file), "utf8");
    const doc = YAML.parse(text) as { kind?: string; spec?: { manifests?: unknown; events?: unknown } } | null;
    if (doc?.kind !== "Scenario") continue;
    const named = new Set<string>();
    if (Array.isArray(doc.spec?.manifests)) for (const m of doc.spec.manifests) if (typeof m === "string") named.add(m);
    if (Array.isArray(doc.spec?.events)) {
      for (const e of doc.spec.events as { apply?: { manifest?: unknown } }[]) if (typeof e?.apply?.manifest === "string") named.add(e.apply.manifest);
    }
    for (const m of named) if (!manifests.has(m)) manifests.set(m, readFileSync(join(dir, m), "utf8"));
    scenarios.push({ name, file, text, manifests: [...named].sort() });
  }
  if (scenarios.length === 0) throw new Error(`no bundled scenarios under ${dir}`);
  return { scenarios, manifests };
}

// ---------------------------------------------------------------------------------------------
// Random helpers over a named stream (never Math.random).

class Dice {
  readonly #s: RandomStream;
  constructor(stream: RandomStream) {
    this.#s = stream;
  }
  int(n: number): number {
    return this.#s.int(n);
  }
  /** Uniform integer in [lo, hi]. */
  between(lo: number, hi: number): number {
    return lo + this.#s.int(hi - lo + 1);
  }
  chance(p: number): boolean {
    return this.#s.next() < p;
  }
  pick<T>(items: readonly T[]): T {
    return this.#s.pick(items);
  }
  /** Picks by weight: `[[weight, value], …]`. */
  weighted<T>(items: readonly (readonly [number, T])[]): T {
    const total = items.reduce((s, [w]) => s + w, 0);
    let x = this.#s.next() * total;
    for (const [w, v] of items) {
      if ((x -= w) < 0) return v;
    }
    return items[items.length - 1][1];
  }
}

// ---------------------------------------------------------------------------------------------
// Data-level mutations: parse, change, serialise.

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Container = Json[] | { [key: string]: Json };

interface Slot {
  readonly parent: Container;
  readonly key: string | number;
  readonly path: string;
  readonly value: Json;
}

function isObject(v: Json | undefined): v is { [key: string]: Json } {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function slotsOf(root: Json, path = ""): Slot[] {
  const out: Slot[] = [];
  if (Array.isArray(root)) {
    root.forEach((v, i) => {
      const p = `${path}[${i}]`;
      out.push({ parent: root, key: i, path: p, value: v }, ...slotsOf(v, p));
    });
  } else if (isObject(root)) {
    for (const [k, v] of Object.entries(root)) {
      const p = path === "" ? k : `${path}.${k}`;
      out.push({ parent: root, key: k, path: p, value: v }, ...slotsOf(v, p));
    }
  }
  return out;
}

function setSlot(slot: Slot, value: Json): void {
  if (Array.isArray(slot.parent)) slot.parent[slot.key as number] = value;
  else defineKey(slot.parent, slot.key as string, value);
}

/** Sets an own property, even `__proto__` (so that it is serialised as a key). */
function defineKey(object: { [key: string]: Json }, key: string, value: Json): void {
  Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
}

function removeSlot(slot: Slot): void {
  if (Array.isArray(slot.parent)) slot.parent.splice(slot.key as number, 1);
  else delete slot.parent[slot.key as string];
}

const LONG = "x".repeat(20_000);
const TYPE_VALUES: readonly Json[] = [
  0,
  -1,
  1.5,
  "",
  "x",
  "NaN",
  ".nan",
  "Infinity",
  "-Infinity",
  "yes",
  "on",
  "off",
  "no",
  true,
  false,
  null,
  [],
  {},
  [1, 2],
  { a: 1 },
  [[[]]],
  LONG,
];
const BAD_DURATIONS: readonly Json[] = [
  "-5s",
  "0",
  "0s",
  "5",
  5,
  -5,
  "5 s",
  "5sec",
  "1.5.5s",
  "99999999999h",
  "1e9h",
  "2562047h47m16.854775808s",
  "9223372036854775807ns",
  "1h-30m",
  "P1D",
  "∞s",
  "NaNs",
  "1e400s",
  "",
  "0.0000001ns",
  "5µs",
  "1h30m",
];
const BAD_QUANTITIES: readonly Json[] = [
  "-1",
  -1,
  "4x",
  "1.5.5Gi",
  "1e1000",
  "1e18",
  "0.0001m",
  "1Ei",
  "99999999999999999999Ki",
  "NaN",
  "+Inf",
  "1e-30",
  "",
  "0",
  "16 Gi",
  "16gb",
  "0x10",
  "4000000000000000000000000",
];
const BAD_NUMBERS: readonly Json[] = [-1, 0, -0.5, 2.5, 1e9, 2147483647, 2147483648, 9007199254740991, 1e21, 1e308, -1e308, Number.NaN, Number.POSITIVE_INFINITY, "5", "0x10", "1_000"];
const HUGE_NUMBERS: readonly Json[] = [2147483647, 2147483648, 1e9, 9007199254740991, 1e21, 1e308, Number.POSITIVE_INFINITY, "99999999999999999999999999"];
const BAD_BOOLEANS: readonly Json[] = ["yes", "no", "on", "off", "true", "True", "TRUE", "y", 1, 0, null];
const BAD_ENUMS: readonly Json[] = ["Sideways", "rollingupdate", "ROLLINGUPDATE", "Recreate ", "", "OnDelete", "Parallel", "none", "*"];
const BAD_STRINGS: readonly Json[] = ["", " ", "UPPER", "under_score", "a/b", "..", "-leading", "trailing-", "x".repeat(300), "naïve", "\u202eevil", "\u0000", "a\nb", "$" + "{HOME}", "$(rm -rf /)", "`id`"];
const UNKNOWN_KEYS: readonly string[] = [
  "__proto__",
  "constructor",
  "toString",
  "hasOwnProperty",
  "prototype",
  "",
  "x".repeat(5000),
  `long-key-${"k".repeat(1_000_000)}`,
  "foo",
  "extra",
  "Replicas",
  "$patch",
  "<<",
];
const MISSING_REFS: readonly Json[] = ["deployment/nope", "statefulset/web", "service/ghost", "node/worker-99", "Deployment/web", "web", "deployment/", "/web", "pod/web-0", "deployment/web/extra", ""];
const BAD_PATHS: readonly Json[] = [
  "/etc/passwd",
  "/dev/zero",
  "/proc/self/environ",
  "https://example.com/web.yaml",
  "http://169.254.169.254/latest/meta-data",
  "file:///etc/passwd",
  "../../../../../../etc/passwd",
  "../manifests/web.yaml",
  "manifests",
  "manifests/",
  "manifests/missing.yaml",
  "~/web.yaml",
  "C:\\web.yaml",
  "\\\\server\\share\\web.yaml",
  "manifests/web.yaml\u0000.txt",
  ".",
  "",
  "manifests/../manifests/../manifests",
  "../../../../../../../../../../../../dev/zero",
];
const REF_KEYS = new Set(["target", "service", "node", "pool", "zone", "serviceName", "claimName"]);
const QUANTITY_KEYS = new Set(["cpu", "memory", "ephemeral-storage", "storage"]);
const DURATION_TEXT = /^-?\d+(\.\d+)?(ns|us|µs|ms|s|m|h)/;

interface DataMutator {
  readonly name: string;
  readonly weight: number;
  /** Applies the mutation to one of `docs`; returns a description, or undefined when it does not apply. */
  readonly apply: (docs: Json[], dice: Dice, scenario: boolean) => string | undefined;
}

function pickSlot(docs: Json[], dice: Dice, filter: (s: Slot) => boolean = () => true): { slot: Slot; doc: number } | undefined {
  const all: { slot: Slot; doc: number }[] = [];
  docs.forEach((d, doc) => {
    for (const slot of slotsOf(d)) if (filter(slot)) all.push({ slot, doc });
  });
  return all.length === 0 ? undefined : dice.pick(all);
}

function badValueFor(slot: Slot, dice: Dice): Json {
  const v = slot.value;
  const key = String(slot.key);
  if (typeof v === "string" && DURATION_TEXT.test(v)) return dice.pick(BAD_DURATIONS);
  if (QUANTITY_KEYS.has(key)) return dice.pick(BAD_QUANTITIES);
  if (typeof v === "number") return dice.pick(BAD_NUMBERS);
  if (typeof v === "boolean") return dice.pick(BAD_BOOLEANS);
  if (typeof v === "string" && /^[A-Z][A-Za-z]+$|^(steady|empty|one|all|fixed|fixed-percent|pod-kill|pod-failure|node-failure|node-drain|network-partition)$/.test(v)) {
    return dice.pick(BAD_ENUMS);
  }
  if (typeof v === "string") return dice.pick(BAD_STRINGS);
  return dice.pick(TYPE_VALUES);
}

function typo(key: string, dice: Dice): string {
  if (key.length < 2) return `${key}x`;
  const i = dice.int(key.length - 1);
  switch (dice.int(3)) {
    case 0:
      return key.slice(0, i) + key.slice(i + 1);
    case 1:
      return key.slice(0, i) + key[i + 1] + key[i] + key.slice(i + 2);
    default:
      return key.toLowerCase() === key ? key.toUpperCase() : key.toLowerCase();
  }
}

/** Documents that are Kubernetes objects of a kind: in manifest files, or under spec.objects. */
function kubeObjects(docs: Json[], kinds: readonly string[]): { [key: string]: Json }[] {
  const out: { [key: string]: Json }[] = [];
  const visit = (v: Json) => {
    if (isObject(v) && typeof v.kind === "string" && kinds.includes(v.kind) && isObject(v.spec ?? null)) out.push(v);
    if (isObject(v)) for (const c of Object.values(v)) visit(c);
    else if (Array.isArray(v)) for (const c of v) visit(c);
  };
  for (const d of docs) visit(d);
  return out;
}

function at(object: Json, ...path: string[]): { [key: string]: Json } | undefined {
  let v: Json | undefined = object;
  for (const p of path) {
    if (!isObject(v)) return undefined;
    if (!isObject(v[p] ?? null)) defineKey(v, p, {});
    v = v[p];
  }
  return isObject(v) ? v : undefined;
}

const KUBE_BREAKERS: readonly { name: string; kinds: readonly string[]; apply: (o: { [key: string]: Json }, dice: Dice) => void }[] = [
  { name: "replicas-negative", kinds: ["Deployment", "StatefulSet"], apply: (o) => void defineKey(at(o, "spec")!, "replicas", -1) },
  { name: "replicas-huge", kinds: ["Deployment", "StatefulSet"], apply: (o, d) => void defineKey(at(o, "spec")!, "replicas", d.pick([2147483647, 2147483648, 1e9, 1e6])) },
  { name: "replicas-string", kinds: ["Deployment", "StatefulSet"], apply: (o, d) => void defineKey(at(o, "spec")!, "replicas", d.pick(["3", "three", "1e2"])) },
  {
    name: "selector-mismatch",
    kinds: ["Deployment", "StatefulSet", "PodDisruptionBudget"],
    apply: (o) => void defineKey(at(o, "spec", "selector")!, "matchLabels", { app: "someone-else" }),
  },
  { name: "selector-missing", kinds: ["Deployment", "StatefulSet"], apply: (o) => void delete at(o, "spec")!.selector },
  {
    name: "selector-expression-bad",
    kinds: ["Deployment", "StatefulSet", "PodDisruptionBudget"],
    apply: (o, d) =>
      void defineKey(at(o, "spec", "selector")!, "matchExpressions", [{ key: "app", operator: d.pick(["In", "Sideways", "Exists"]), values: d.pick([[], ["web"], null]) }]),
  },
  {
    name: "surge-and-unavailable-zero",
    kinds: ["Deployment"],
    apply: (o, d) => {
      defineKey(at(o, "spec", "strategy")!, "rollingUpdate", { maxSurge: d.pick([0, "0%"]), maxUnavailable: d.pick([0, "0%"]) });
    },
  },
  {
    name: "bad-intorpercent",
    kinds: ["Deployment"],
    apply: (o, d) => void defineKey(at(o, "spec", "strategy")!, "rollingUpdate", { maxSurge: d.pick(["150%", "-1", "25 %", "%", 1.5, -1]), maxUnavailable: d.pick(["101%", "abc", -3]) }),
  },
  { name: "strategy-type-unknown", kinds: ["Deployment"], apply: (o) => void defineKey(at(o, "spec", "strategy")!, "type", "BlueGreen") },
  { name: "recreate-with-rolling", kinds: ["Deployment"], apply: (o) => void defineKey(at(o, "spec", "strategy")!, "type", "Recreate") },
  { name: "containers-empty", kinds: ["Deployment", "StatefulSet"], apply: (o) => void defineKey(at(o, "spec", "template", "spec")!, "containers", []) },
  {
    name: "containers-duplicate",
    kinds: ["Deployment", "StatefulSet"],
    apply: (o) => {
      const spec = at(o, "spec", "template", "spec")!;
      const c = Array.isArray(spec.containers) ? spec.containers : [];
      if (c.length > 0) c.push(structuredClone(c[0]));
    },
  },
  {
    name: "container-bad-fields",
    kinds: ["Deployment", "StatefulSet"],
    apply: (o, d) => {
      const spec = at(o, "spec", "template", "spec")!;
      const c = Array.isArray(spec.containers) && isObject(spec.containers[0] ?? null) ? (spec.containers[0] as { [key: string]: Json }) : undefined;
      if (c === undefined) return;
      switch (d.int(5)) {
        case 0:
          delete c.name;
          break;
        case 1:
          defineKey(c, "ports", [{ containerPort: d.pick([0, 70000, -1, "http"]) }]);
          break;
        case 2:
          defineKey(c, "readinessProbe", { httpGet: { path: "/", port: 8080 }, periodSeconds: d.pick([-1, 0, 1e9]), failureThreshold: d.pick([0, -2]) });
          break;
        case 3:
          defineKey(c, "resources", { requests: { cpu: d.pick(BAD_QUANTITIES) }, limits: { cpu: "1m" } });
          break;
        default:
          defineKey(c, "lifecycle", { preStop: d.pick<Json>([{ sleep: { seconds: -5 } }, { exec: { command: ["sh", "-c", "touch PWNED"] } }, { sleep: {} }, "sleep 5"]) });
      }
    },
  },
  { name: "grace-negative", kinds: ["Deployment", "StatefulSet"], apply: (o) => void defineKey(at(o, "spec", "template", "spec")!, "terminationGracePeriodSeconds", -5) },
  { name: "template-labels-missing", kinds: ["Deployment", "StatefulSet"], apply: (o) => void delete at(o, "spec", "template", "metadata")!.labels },
  {
    name: "name-invalid",
    kinds: ["Deployment", "StatefulSet", "Service", "PodDisruptionBudget"],
    apply: (o, d) => void defineKey(at(o, "metadata")!, "name", d.pick(["Web_1", "", "a".repeat(300), "-web", null, 5])),
  },
  { name: "kind-unknown", kinds: ["Deployment", "StatefulSet", "Service", "PodDisruptionBudget"], apply: (o, d) => void defineKey(o, "kind", d.pick(["CronJob", "Pod", "deployment", "", "Scenario"])) },
  { name: "api-version-old", kinds: ["Deployment", "StatefulSet", "Service", "PodDisruptionBudget"], apply: (o, d) => void defineKey(o, "apiVersion", d.pick(["apps/v1beta1", "extensions/v1beta1", "v2", ""])) },
  { name: "namespace", kinds: ["Deployment", "StatefulSet", "Service"], apply: (o, d) => void defineKey(at(o, "metadata")!, "namespace", d.pick(["other", "", "Bad_NS"])) },
  { name: "sts-service-name", kinds: ["StatefulSet"], apply: (o, d) => void defineKey(at(o, "spec")!, "serviceName", d.pick(["", "missing", null])) },
  { name: "sts-policy", kinds: ["StatefulSet"], apply: (o, d) => void defineKey(at(o, "spec")!, "podManagementPolicy", d.pick(["Sideways", "parallel", ""])) },
  {
    name: "sts-update-strategy",
    kinds: ["StatefulSet"],
    apply: (o, d) => void defineKey(at(o, "spec")!, "updateStrategy", d.pick<Json>([{ type: "OnDelete", rollingUpdate: { partition: 1 } }, { rollingUpdate: { partition: -1 } }, { rollingUpdate: { maxUnavailable: 0 } }, { type: "Sideways" }])),
  },
  { name: "pdb-both", kinds: ["PodDisruptionBudget"], apply: (o) => Object.assign(at(o, "spec")!, { minAvailable: 1, maxUnavailable: 1 }) },
  { name: "service-ports", kinds: ["Service"], apply: (o, d) => void defineKey(at(o, "spec")!, "ports", d.pick<Json>([[], [{ port: 0 }], [{ port: 80 }, { port: 80 }], [{ port: 80, targetPort: "nope" }], null])) },
  { name: "service-selector", kinds: ["Service"], apply: (o, d) => void defineKey(at(o, "spec")!, "selector", d.pick<Json>([{}, { app: "nobody" }, null, { "bad key!": "x" }])) },
];

/** Workload references (`deployment/web`) written anywhere in the documents. */
function workloadRefs(docs: Json[]): string[] {
  const refs = new Set<string>();
  for (const d of docs) for (const slot of slotsOf(d)) if (typeof slot.value === "string" && /^(deployment|statefulset)\/[a-z0-9-]+$/.test(slot.value)) refs.add(slot.value);
  return [...refs].sort();
}

const VALID_DURATIONS: readonly Json[] = ["0s", "1ms", "250ms", "1s", "5s", "30s", "2m", "1h", "1m30s", { uniform: { min: "1s", max: "3s" } }, { exponential: { mean: "2s" } }, { empirical: ["1s", "0s"] }];

/**
 * Odd but legal changes, so that a good share of the cases load and go through the run: small
 * or zero numbers, other durations, flipped booleans, entries removed from optional lists, and
 * extra timeline entries (scales to 0, faults on everything, a rollout at t=0).
 */
const VARIATION: DataMutator = {
  name: "variation",
  weight: 0,
  apply: (docs, dice, scenario) => {
    const choice = dice.int(scenario ? 6 : 3);
    if (choice === 0) {
      const p = pickSlot(docs, dice, (s) => typeof s.value === "number" && Number.isInteger(s.value) && s.value >= 0);
      if (p === undefined) return undefined;
      const v = dice.pick([0, 1, 2, 3, 5, 12, (p.slot.value as number) + 1]);
      setSlot(p.slot, v);
      return `${p.slot.path} = ${v}`;
    }
    if (choice === 1) {
      const p = pickSlot(docs, dice, (s) => typeof s.value === "string" && DURATION_TEXT.test(s.value));
      if (p === undefined) return undefined;
      const inTiming = /timing|startup|shutdown|crash|every/.test(p.slot.path);
      const v = inTiming ? dice.pick(VALID_DURATIONS) : dice.pick(["0s", "1s", "5s", "30s", "2m"]);
      setSlot(p.slot, structuredClone(v));
      return `${p.slot.path} = ${short(v)}`;
    }
    if (choice === 2) {
      const p = pickSlot(docs, dice, (s) => typeof s.value === "boolean" || (typeof s.value === "string" && /%$/.test(s.value)));
      if (p === undefined) return undefined;
      const v = typeof p.slot.value === "boolean" ? !p.slot.value : dice.pick(["0%", "1%", "50%", "100%"]);
      setSlot(p.slot, v);
      return `${p.slot.path} = ${short(v)}`;
    }
    const spec = at(docs[0], "spec");
    if (spec === undefined) return undefined;
    if (choice === 3) {
      const name = dice.pick(["strategies", "events", "checks", "traffic"]);
      const entries = spec[name];
      if (!Array.isArray(entries) || entries.length === 0) return undefined;
      const i = dice.int(entries.length);
      entries.splice(i, 1);
      return `spec.${name}[${i}] removed`;
    }
    const refs = workloadRefs(docs);
    const target = refs.length > 0 ? dice.pick(refs) : "deployment/web";
    const when = dice.pick(["0s", "1s", "10s", "29s", "31s"]);
    const event: Json =
      choice === 4
        ? dice.pick<Json>([
            { at: when, scale: { target, replicas: dice.pick([0, 1, 4]) } },
            { at: when, rollout: { target, image: "registry.example.com/fuzz:v9" } },
            { at: when, rollout: { target, image: "registry.example.com/fuzz:v9", app: { ready: dice.chance(0.5), startup: "2s" } } },
            { at: when, delete: { target } },
          ])
        : {
            at: when,
            fault: dice.pick<Json>([
              { action: "pod-kill", mode: "all", selector: {}, gracePeriod: "0s" },
              { action: "pod-failure", mode: "fixed-percent", value: 50, selector: {} },
              { action: "node-failure", mode: "all", selector: {}, duration: "10s" },
              { action: "network-partition", mode: "one", selector: {}, duration: "5s" },
              { action: "node-drain", mode: "all", selector: {} },
            ]),
          };
    list(spec, "events").push(event);
    return `spec.events += ${short(event, 80)}`;
  },
};

const DATA_MUTATORS: readonly DataMutator[] = [
  {
    name: "type",
    weight: 4,
    apply: (docs, dice) => {
      const p = pickSlot(docs, dice);
      if (p === undefined) return undefined;
      const v = dice.pick(TYPE_VALUES);
      setSlot(p.slot, structuredClone(v));
      return `${p.slot.path} = ${short(v)}`;
    },
  },
  {
    name: "value",
    weight: 6,
    apply: (docs, dice) => {
      const p = pickSlot(docs, dice, (s) => s.value === null || typeof s.value !== "object");
      if (p === undefined) return undefined;
      const v = badValueFor(p.slot, dice);
      setSlot(p.slot, v);
      return `${p.slot.path} = ${short(v)}`;
    },
  },
  {
    name: "huge",
    weight: 2,
    apply: (docs, dice) => {
      const p = pickSlot(docs, dice, (s) => typeof s.value === "number");
      if (p === undefined) return undefined;
      const v = dice.pick(HUGE_NUMBERS);
      setSlot(p.slot, v);
      return `${p.slot.path} = ${short(v)}`;
    },
  },
  {
    name: "remove",
    weight: 4,
    apply: (docs, dice) => {
      const p = pickSlot(docs, dice);
      if (p === undefined) return undefined;
      removeSlot(p.slot);
      return p.slot.path;
    },
  },
  {
    name: "unknown-field",
    weight: 3,
    apply: (docs, dice) => {
      const p = pickSlot(docs, dice, (s) => !Array.isArray(s.parent));
      if (p === undefined) return undefined;
      const parent = p.slot.parent as { [key: string]: Json };
      const key = dice.chance(0.5) ? typo(String(p.slot.key), dice) : dice.pick(UNKNOWN_KEYS);
      if (Object.hasOwn(parent, key)) return undefined;
      defineKey(parent, key, dice.chance(0.5) ? structuredClone(p.slot.value) : dice.pick(TYPE_VALUES));
      return `${p.slot.path.replace(/[^.[\]]*$/, "")}${short(key, 20)}`;
    },
  },
  {
    name: "missing-reference",
    weight: 3,
    apply: (docs, dice) => {
      const p = pickSlot(docs, dice, (s) => REF_KEYS.has(String(s.key)) || (typeof s.value === "string" && /^[a-z]+\/[a-z0-9-]+$/.test(s.value)) || /(^|\.)patch$/.test(s.path.replace(/\.[^.]*$/, "")));
      if (p === undefined) return undefined;
      const v = dice.pick(MISSING_REFS);
      if (!Array.isArray(p.slot.parent) && /(^|\.)patch$/.test(p.slot.path.replace(/\.[^.]*$/, ""))) {
        // A patch map: the key is the reference.
        const parent = p.slot.parent;
        delete parent[p.slot.key as string];
        defineKey(parent, String(v), p.slot.value);
        return `${p.slot.path} key → ${short(v)}`;
      }
      setSlot(p.slot, v);
      return `${p.slot.path} = ${short(v)}`;
    },
  },
  {
    name: "manifest-path",
    weight: 2,
    apply: (docs, dice, scenario) => {
      if (!scenario || !isObject(docs[0] ?? null)) return undefined;
      const spec = at(docs[0], "spec")!;
      const path = dice.pick(BAD_PATHS);
      if (Array.isArray(spec.manifests) && spec.manifests.length > 0 && dice.chance(0.7)) {
        const i = dice.int(spec.manifests.length);
        spec.manifests[i] = path;
        return `spec.manifests[${i}] = ${short(path, 80)}`;
      }
      const events = Array.isArray(spec.events) ? spec.events : [];
      defineKey(spec, "events", events);
      events.push({ at: "10s", apply: { manifest: path } });
      return `spec.events[${events.length - 1}].apply.manifest = ${short(path, 80)}`;
    },
  },
  {
    name: "kube",
    weight: 4,
    apply: (docs, dice) => {
      const breaker = dice.pick(KUBE_BREAKERS);
      const objects = kubeObjects(docs, breaker.kinds);
      if (objects.length === 0) return undefined;
      breaker.apply(dice.pick(objects), dice);
      return breaker.name;
    },
  },
  {
    name: "duplicate",
    weight: 2,
    apply: (docs, dice) => {
      if (docs.length > 1 && dice.chance(0.3)) {
        const i = dice.int(docs.length);
        docs.splice(i, 0, structuredClone(docs[i]));
        return `document ${i}`;
      }
      const p = pickSlot(docs, dice, (s) => Array.isArray(s.value) && s.value.length > 0);
      if (p === undefined) return undefined;
      const list = p.slot.value as Json[];
      const i = dice.int(list.length);
      list.splice(i, 0, structuredClone(list[i]));
      return `${p.slot.path}[${i}]`;
    },
  },
  {
    name: "restructure",
    weight: 2,
    apply: (docs, dice) => {
      const p = pickSlot(docs, dice);
      if (p === undefined) return undefined;
      const v = p.slot.value;
      const next: Json = dice.pick<Json>([[v], { value: v }, Array.isArray(v) ? (v[0] ?? null) : isObject(v) ? Object.values(v) : String(v)]);
      setSlot(p.slot, structuredClone(next));
      return p.slot.path;
    },
  },
  {
    name: "scenario-rule",
    weight: 3,
    apply: (docs, dice, scenario) => {
      if (!scenario || !isObject(docs[0] ?? null)) return undefined;
      const spec = at(docs[0], "spec")!;
      const rules: [string, () => void][] = [
        ["event-at-negative", () => list(spec, "events").push({ at: dice.pick(["-1s", "-0s", "1e9h", "0"]), scale: { target: "deployment/web", replicas: 2 } })],
        ["event-two-actions", () => list(spec, "events").push({ at: "5s", scale: { target: "deployment/web", replicas: 2 }, delete: { target: "service/web" } })],
        ["event-no-time", () => list(spec, "events").push({ fault: { action: "pod-kill", selector: {} } })],
        ["event-every-zero", () => list(spec, "events").push({ every: dice.pick<Json>(["0s", { constant: "0s" }, { exponential: { mean: "0s" } }, { empirical: ["0s"] }]), fault: { action: "pod-kill", selector: {} } })],
        [
          "fault-bad",
          () =>
            list(spec, "events").push({
              at: "5s",
              fault: {
                action: dice.pick(["pod-kill", "node-failure", "explode"]),
                mode: dice.pick(["fixed", "fixed-percent", "one", "some"]),
                value: dice.pick([0, -1, 150, 2.5, 1e9]),
                selector: dice.pick<Json>([{}, { node: "worker-99" }, { bogus: 1 }, { labels: { app: 5 } }]),
                duration: dice.pick(["0s", "-1s", "1m", "1e9h"]),
              },
            }),
        ],
        ["strategy-duplicate", () => list(spec, "strategies").push({ name: "default" }, { name: "default" })],
        ["strategy-bad-name", () => list(spec, "strategies").push({ name: dice.pick(["Default", "a b", "", "x".repeat(64)]) })],
        ["strategy-missing-target", () => list(spec, "strategies").push({ name: "ghost", patch: { "deployment/ghost": { spec: { replicas: 1 } } } })],
        ["check-bad", () => list(spec, "checks").push({ metric: dice.pick(["latency_p99", "availability", ""]), min: dice.pick([2, -1, "x"]), max: dice.pick([0, 1]), service: dice.pick(["web", "ghost"]) })],
        [
          "distribution-bad",
          () =>
            defineKey(
              at(spec, "timing")!,
              dice.pick(["imagePull", "containerStart", "controllerLatency"]),
              dice.pick<Json>([
                { uniform: { min: "5s", max: "1s" } },
                { lognormal: { median: "10s", p99: "1s" } },
                { normal: { mean: "1s", stddev: "-1s" } },
                { empirical: [] },
                { exponential: {} },
                { constant: "1s", uniform: { min: "1s", max: "2s" } },
                { delay: "1s" },
                { lognormal: { median: "0s", p99: "0s" } },
              ]),
            ),
        ],
        ["traffic-bad", () => list(spec, "traffic").push({ service: dice.pick(["ghost", "web", ""]), rate: dice.pick([-5, 0, 1e9, Number.NaN, "fast"]), timeout: dice.pick(["0s", "-1s", "1e9h"]) })],
        ["count-huge", () => defineKey(firstPool(spec), "count", dice.pick(HUGE_NUMBERS))],
        ["capacity-zero", () => defineKey(firstPool(spec), "capacity", { cpu: "0", memory: "0", pods: dice.pick([0, 1]) })],
        ["replications-bad", () => defineKey(spec, "replications", dice.pick([0, -1, 1.5, 1e9, "10"]))],
        ["start-bad", () => defineKey(spec, "start", dice.pick(["Steady", "cold", ""]))],
        ["seed-odd", () => defineKey(spec, "seed", dice.pick<Json>([Number.NaN, 1e308, -1, "", "x".repeat(10_000), [], { a: 1 }, 1.5, true]))],
        ["apps-unknown", () => defineKey(at(spec, "apps")!, dice.pick(["ghost", "Web", ""]), { startup: "1s", ready: dice.pick<Json>([true, "yes"]) })],
      ];
      const [name, rule] = dice.pick(rules);
      rule();
      return name;
    },
  },
];

function list(spec: { [key: string]: Json }, path: string): Json[] {
  const parts = path.split(".");
  let parent: { [key: string]: Json } = spec;
  for (const p of parts.slice(0, -1)) parent = at(parent, p) ?? parent;
  const last = parts[parts.length - 1];
  const v = parent[last];
  if (Array.isArray(v)) return v;
  const fresh: Json[] = [];
  defineKey(parent, last, fresh);
  return fresh;
}

/** The first node pool of a scenario spec (a fresh one when there is none). */
function firstPool(spec: { [key: string]: Json }): { [key: string]: Json } {
  const pools = list(spec, "cluster.nodes");
  if (!isObject(pools[0] ?? null)) pools[0] = { name: "pool" };
  return pools[0] as { [key: string]: Json };
}

function short(v: unknown, max = 40): string {
  let text: string;
  if (typeof v === "number") text = String(v);
  else {
    try {
      text = JSON.stringify(v) ?? String(v);
    } catch {
      text = String(v);
    }
  }
  return text.length > max ? `${text.slice(0, max - 3)}...` : text;
}

function serialise(docs: Json[], dice: Dice, scenario: boolean): string {
  const style = dice.weighted<"block" | "flow" | "json" | "indent4">([
    [8, "block"],
    [1, "flow"],
    [scenario ? 1 : 0.3, "json"],
    [1, "indent4"],
  ]);
  const one = (d: Json) => {
    if (style === "json") return `${JSON.stringify(d, (_k, v) => (typeof v === "number" && !Number.isFinite(v) ? String(v) : v))}\n`;
    return YAML.stringify(d, {
      indent: style === "indent4" ? 4 : 2,
      collectionStyle: style === "flow" ? "flow" : "block",
      aliasDuplicateObjects: false,
      lineWidth: 0,
    });
  };
  return docs.map(one).join("---\n");
}

// ---------------------------------------------------------------------------------------------
// Text-level mutations.

interface TextMutator {
  readonly name: string;
  readonly weight: number;
  readonly apply: (text: string, dice: Dice) => { text: string; what?: string } | undefined;
}

function lines(text: string): string[] {
  return text.split("\n");
}

/** Index of a random non-empty, non-comment line, or undefined. */
function contentLine(ls: readonly string[], dice: Dice, filter: (l: string) => boolean = () => true): number | undefined {
  const candidates = ls.map((_l, i) => i).filter((i) => ls[i].trim() !== "" && !ls[i].trim().startsWith("#") && filter(ls[i]));
  return candidates.length === 0 ? undefined : dice.pick(candidates);
}

/** Replaces the value of a `key: value` line. */
function replaceValue(text: string, dice: Dice, value: (old: string) => string, filter: (value: string) => boolean = () => true): { text: string; what?: string } | undefined {
  const ls = lines(text);
  const i = contentLine(ls, dice, (l) => {
    const m = /^(\s*(?:- )?[^:#]+:\s+)(.+)$/.exec(l);
    return m !== null && filter(m[2]);
  });
  if (i === undefined) return undefined;
  const m = /^(\s*(?:- )?[^:#]+:\s+)(.+)$/.exec(ls[i])!;
  ls[i] = m[1] + value(m[2]);
  const key = m[1].replace(/^\s*(- )?/, "").replace(/:\s*$/, "");
  return { text: ls.join("\n"), what: `line ${i + 1} (${short(key, 30)})` };
}

const TAGS = [
  '!!js/function "function () { globalThis.__kubesimFuzzCanary = 1 }"',
  "!!js/undefined ''",
  "!!js/regexp /x/",
  "!!python/object/apply:os.system ['touch PWNED']",
  "!!binary aGVsbG8=",
  "!Ref web",
  "!!set {a, b}",
  "!!omap [{a: 1}]",
  "!!timestamp 2001-12-14",
  "!<tag:yaml.org,2002:js/function> 'function(){}'",
  "!!str 5",
  "!!int '12'",
  "!!float x",
  "!!map [1]",
  "!custom {a: 1}",
];

function aliasBomb(dice: Dice): string {
  const width = dice.between(5, 10);
  const depth = dice.between(4, 9);
  const out = ["lol0: &l0 [lol]"];
  for (let d = 1; d <= depth; d++) out.push(`lol${d}: &l${d} [${Array.from({ length: width }, () => `*l${d - 1}`).join(", ")}]`);
  return out.join("\n");
}

function deepFlow(depth: number): string {
  return "[".repeat(depth) + "]".repeat(depth);
}

function deepBlock(depth: number, indent: string): string {
  const out: string[] = [];
  for (let d = 0; d < depth; d++) out.push(`${indent}${"  ".repeat(d)}k${d}:`);
  out.push(`${indent}${"  ".repeat(depth)}leaf: 1`);
  return out.join("\n");
}

const TEXT_MUTATORS: readonly TextMutator[] = [
  {
    name: "delete-line",
    weight: 4,
    apply: (text, dice) => {
      const ls = lines(text);
      const i = contentLine(ls, dice);
      if (i === undefined) return undefined;
      ls.splice(i, 1);
      return { text: ls.join("\n"), what: `line ${i + 1}` };
    },
  },
  {
    name: "duplicate-line",
    weight: 3,
    apply: (text, dice) => {
      const ls = lines(text);
      const i = contentLine(ls, dice);
      if (i === undefined) return undefined;
      ls.splice(i, 0, ls[i]);
      return { text: ls.join("\n"), what: `line ${i + 1}` };
    },
  },
  {
    name: "swap-lines",
    weight: 3,
    apply: (text, dice) => {
      const ls = lines(text);
      const i = contentLine(ls, dice);
      const j = contentLine(ls, dice);
      if (i === undefined || j === undefined || i === j) return undefined;
      [ls[i], ls[j]] = [ls[j], ls[i]];
      return { text: ls.join("\n"), what: `lines ${i + 1}, ${j + 1}` };
    },
  },
  {
    name: "indent",
    weight: 4,
    apply: (text, dice) => {
      const ls = lines(text);
      const i = contentLine(ls, dice);
      if (i === undefined) return undefined;
      const delta = dice.pick([-4, -2, -1, 1, 2, 3, 8]);
      ls[i] = delta > 0 ? " ".repeat(delta) + ls[i] : ls[i].replace(new RegExp(`^ {0,${-delta}}`), "");
      return { text: ls.join("\n"), what: `line ${i + 1} by ${delta}` };
    },
  },
  {
    name: "tabs",
    weight: 2,
    apply: (text, dice) => {
      const ls = lines(text);
      const i = contentLine(ls, dice, (l) => /^ +/.test(l) || l.includes(": "));
      if (i === undefined) return undefined;
      ls[i] = dice.chance(0.5) ? ls[i].replace(/^ +/, (s) => "\t".repeat(Math.max(1, s.length / 2))) : ls[i].replace(": ", ":\t");
      return { text: ls.join("\n"), what: `line ${i + 1}` };
    },
  },
  {
    name: "anchor-alias",
    weight: 3,
    apply: (text, dice) => {
      const ls = lines(text);
      const re = /^(\s*(?:- )?[^:#\s][^:#]*:\s+)(\S.*)$/;
      const i = contentLine(ls, dice, (l) => re.test(l));
      const j = contentLine(ls, dice, (l) => re.test(l));
      if (i === undefined || j === undefined) return undefined;
      const name = dice.pick(["a", "web", "x1"]);
      ls[i] = ls[i].replace(re, `$1&${name} $2`);
      // The alias may come before its anchor (undefined), after it, or inside it (a cycle).
      ls[j] = ls[j].replace(re, `$1*${name}`);
      return { text: ls.join("\n"), what: `&${name} line ${i + 1}, *${name} line ${j + 1}` };
    },
  },
  {
    name: "self-anchor",
    weight: 2,
    apply: (text, dice) => {
      const ls = lines(text);
      const i = contentLine(ls, dice, (l) => /^\s*[A-Za-z]+:\s*$/.test(l));
      const form = dice.pick(["flow-seq", "flow-map", "merge"]);
      if (i === undefined) {
        ls.push(form === "flow-seq" ? "loop: &l [*l]" : form === "flow-map" ? "loop: &l {self: *l}" : "loop: &l {<<: *l}");
        return { text: ls.join("\n"), what: "appended" };
      }
      const indent = /^\s*/.exec(ls[i])![0];
      ls[i] = ls[i].replace(/:\s*$/, ": &self");
      ls.splice(i + 1, 0, form === "merge" ? `${indent}  <<: *self` : `${indent}  again: *self`);
      return { text: ls.join("\n"), what: `line ${i + 1} (${form})` };
    },
  },
  { name: "alias-bomb", weight: 1, apply: (text, dice) => ({ text: `${aliasBomb(dice)}\n${text}` }) },
  {
    name: "merge-key",
    weight: 1,
    apply: (text, dice) => {
      const ls = lines(text);
      const i = contentLine(ls, dice, (l) => /^\s*[A-Za-z]+:\s*$/.test(l));
      if (i === undefined) return undefined;
      const indent = /^\s*/.exec(ls[i])![0];
      ls.splice(i + 1, 0, `${indent}  <<: ${dice.pick(["*nope", "{extra: 1}", "[1, 2]", "5", "[{replicas: 3}, {replicas: 4}]"])}`);
      return { text: ls.join("\n"), what: `after line ${i + 1}` };
    },
  },
  {
    name: "bracket",
    weight: 3,
    apply: (text, dice) => {
      if (text.length === 0) return undefined;
      const at = dice.int(text.length);
      const c = dice.pick(["[", "{", "]", "}", '"', "'", "`", "|", ">", "&", "*", "!", "%", "@", "? ", ": ", "- ", "#", ","]);
      return { text: text.slice(0, at) + c + text.slice(at), what: `${JSON.stringify(c)} at ${at}` };
    },
  },
  {
    name: "huge-number",
    weight: 3,
    apply: (text, dice) =>
      replaceValue(
        text,
        dice,
        () => dice.pick(["1" + "0".repeat(dice.between(20, 400)), "99999999999999999999", "9007199254740993", "0x1fffffffffffff1", "1e309", "-1e309", "0o7777777777777777777777", ".inf", "-.inf", ".nan", "1_000_000", "0b101", "1e-400", "-0"]),
        (v) => /^-?\d/.test(v),
      ),
  },
  {
    name: "yes-on",
    weight: 2,
    apply: (text, dice) => replaceValue(text, dice, () => dice.pick(["yes", "no", "on", "off", "Yes", "ON", "y", "n", "~", "Null", "NULL", "True", "FALSE"])),
  },
  {
    name: "long-string",
    weight: 2,
    apply: (text, dice) => {
      const n = dice.pick([1_000, 100_000, 1_000_000]);
      if (dice.chance(0.3)) {
        const ls = lines(text);
        const i = contentLine(ls, dice, (l) => /^\s*[A-Za-z]+:/.test(l));
        if (i === undefined) return undefined;
        ls[i] = ls[i].replace(/^(\s*)([A-Za-z]+)/, (_m, s: string, k: string) => s + k + "k".repeat(n));
        return { text: ls.join("\n"), what: `key of ${n} chars at line ${i + 1}` };
      }
      const r = replaceValue(text, dice, () => (dice.chance(0.5) ? "a".repeat(n) : `"${"\\u00e9".repeat(n / 6)}"`));
      return r && { ...r, what: `${r.what}: ${n} chars` };
    },
  },
  {
    name: "deep-nesting",
    weight: 2,
    apply: (text, dice) => {
      const depth = dice.pick([20, 63, 64, 65, 66, 100, 200, 1000, 10_000]);
      const form = dice.pick(["flow", "block", "seq-chain", "flow-map"]);
      if (form === "block") {
        const ls = lines(text);
        const i = contentLine(ls, dice, (l) => /^\s*[A-Za-z]+:\s*$/.test(l));
        if (i === undefined) return undefined;
        const indent = /^\s*/.exec(ls[i])![0] + "  ";
        ls.splice(i + 1, 0, deepBlock(Math.min(depth, 500), indent));
        return { text: ls.join("\n"), what: `${Math.min(depth, 500)} block levels at line ${i + 2}` };
      }
      const value = form === "flow" ? deepFlow(depth) : form === "flow-map" ? "{a: ".repeat(depth) + "1" + "}".repeat(depth) : "- ".repeat(depth) + "x";
      if (form === "seq-chain") return { text: `${text}\ndeep:\n  ${value}\n`, what: `${depth} ${form}` };
      const r = replaceValue(text, dice, () => value);
      return r && { ...r, what: `${r.what}: ${depth} ${form}` };
    },
  },
  {
    name: "duplicate-key",
    weight: 2,
    apply: (text, dice) => {
      const ls = lines(text);
      const i = contentLine(ls, dice, (l) => /^\s*[A-Za-z]+:\s+\S/.test(l));
      if (i === undefined) return undefined;
      ls.splice(i + 1, 0, ls[i].replace(/:\s+.*$/, ": 7"));
      return { text: ls.join("\n"), what: `line ${i + 1}` };
    },
  },
  {
    name: "tag",
    weight: 2,
    apply: (text, dice) => {
      const tag = dice.pick(TAGS);
      const r = replaceValue(text, dice, () => tag);
      return r && { ...r, what: `${r.what}: ${tag.slice(0, 24)}` };
    },
  },
  {
    name: "directive",
    weight: 1,
    apply: (text, dice) => ({ text: `${dice.pick(["%YAML 1.1\n---", "%YAML 2.0\n---", "%TAG ! tag:evil.example,2000:\n---", "%FOO bar\n---", "---", "--- !!map", "..."])}\n${text}` }),
  },
  {
    name: "document",
    weight: 2,
    apply: (text, dice) => {
      const ls = lines(text);
      const i = dice.int(ls.length + 1);
      ls.splice(i, 0, dice.pick(["---", "...", "--- |", "---\nkind: Scenario", "--- []"]));
      return { text: ls.join("\n"), what: `at line ${i + 1}` };
    },
  },
  {
    name: "truncate",
    weight: 2,
    apply: (text, dice) => {
      const at = dice.int(text.length + 1);
      return { text: text.slice(0, at), what: `at ${at} of ${text.length}` };
    },
  },
  { name: "crlf", weight: 1, apply: (text, dice) => ({ text: dice.chance(0.5) ? text.replace(/\n/g, "\r\n") : text.replace(/\n/g, "\r") }) },
  {
    name: "comment-out",
    weight: 2,
    apply: (text, dice) => {
      const ls = lines(text);
      const i = contentLine(ls, dice);
      if (i === undefined) return undefined;
      ls[i] = ls[i].replace(/^(\s*)/, dice.pick(["$1# ", "$1#", "#"]));
      return { text: ls.join("\n"), what: `line ${i + 1}` };
    },
  },
  { name: "empty", weight: 1, apply: (_text, dice) => ({ text: dice.pick(["", " ", "\n\n", "# only a comment\n", "~", "null", "[]", "{}", "---\n---\n", "42", "kind: Scenario"]) }) },
  {
    name: "unicode",
    weight: 2,
    apply: (text, dice) => {
      if (text.length === 0) return undefined;
      const at = dice.int(text.length);
      const c = dice.pick(["\u00a0", "\u200b", "\u2028", "\u2029", "\ufeff", "\u202e", "\u{1f600}", "\u0007", "\u001b[31m", "\u0085", "\ud800", "é"]);
      return { text: text.slice(0, at) + c + text.slice(at), what: `${JSON.stringify(c)} at ${at}` };
    },
  },
  {
    name: "big-file",
    weight: 0.2,
    apply: (text, dice) => {
      const mib = dice.pick([3.9, 4.1, 5]);
      return { text: `${text}\n# ${"p".repeat(Math.round(mib * 1024 * 1024))}\n`, what: `${mib} MiB` };
    },
  },
];

interface ByteMutator {
  readonly name: string;
  readonly apply: (bytes: Buffer, dice: Dice) => { bytes: Buffer; what?: string };
}

function insertBytes(bytes: Buffer, at: number, extra: readonly number[]): Buffer {
  return Buffer.concat([bytes.subarray(0, at), Buffer.from(extra), bytes.subarray(at)]);
}

const BYTE_MUTATORS: readonly ByteMutator[] = [
  {
    name: "non-utf8",
    apply: (b, dice) => {
      const at = dice.int(b.length + 1);
      const seq = dice.pick([[0xff], [0xfe], [0xc3, 0x28], [0xed, 0xa0, 0x80], [0xf8, 0x88, 0x80, 0x80, 0x80], [0xc0, 0xaf], [0xe2, 0x82]]);
      return { bytes: insertBytes(b, at, seq), what: `at byte ${at}` };
    },
  },
  {
    name: "nul",
    apply: (b, dice) => {
      const at = dice.int(b.length + 1);
      return { bytes: insertBytes(b, at, [0]), what: `at byte ${at}` };
    },
  },
  { name: "utf16", apply: (b, dice) => (dice.chance(0.5) ? { bytes: Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(b.toString("utf8"), "utf16le")]) } : { bytes: insertBytes(b, 0, [0xfe, 0xff]) }) },
  { name: "bom", apply: (b) => ({ bytes: insertBytes(b, 0, [0xef, 0xbb, 0xbf]) }) },
  {
    name: "byte-flip",
    apply: (b, dice) => {
      if (b.length === 0) return { bytes: b };
      const out = Buffer.from(b);
      const n = dice.between(1, 8);
      for (let k = 0; k < n; k++) out[dice.int(out.length)] ^= 1 << dice.int(8);
      return { bytes: out, what: `${n} bits` };
    },
  },
  { name: "latin1", apply: (b) => ({ bytes: Buffer.from(`# café ${b.toString("utf8")}`, "latin1") }) },
  { name: "random-bytes", apply: (_b, dice) => ({ bytes: Buffer.from(Array.from({ length: dice.between(1, 4096) }, () => dice.int(256))) }) },
];

// ---------------------------------------------------------------------------------------------
// Building a case.

export interface FuzzCase {
  readonly index: number;
  readonly scenario: string;
  /** The scenario file name inside the case directory. */
  readonly file: string;
  /** Every file of the case by path relative to the case directory. */
  readonly files: ReadonlyMap<string, Uint8Array>;
  readonly mutations: readonly string[];
  /** Every file is still well-formed YAML written by the `yaml` package (data-level mutations only). */
  readonly wellFormed: boolean;
}

function mutateData(text: string, dice: Dice, scenario: boolean, label: string, mutations: string[]): string {
  let docs: Json[];
  try {
    docs = YAML.parseAllDocuments(text).map((d) => d.toJS({ maxAliasCount: -1 }) as Json);
  } catch {
    return text;
  }
  const n = dice.weighted([
    [6, 1],
    [3, 2],
    [1, 3],
  ]);
  // About a third of the data-level cases only vary legal values, so that they load and run.
  const legal = dice.chance(0.35);
  for (let k = 0; k < n; k++) {
    for (let attempt = 0; attempt < 5; attempt++) {
      const m = legal ? VARIATION : dice.weighted(DATA_MUTATORS.map((d) => [d.weight, d] as const));
      const what = m.apply(docs, dice, scenario);
      if (what !== undefined) {
        mutations.push(`${label}:data:${m.name} ${what}`);
        break;
      }
    }
  }
  return serialise(docs, dice, scenario);
}

function mutateText(text: string, dice: Dice, label: string, mutations: string[]): string {
  const n = dice.weighted([
    [6, 1],
    [3, 2],
    [1, 3],
  ]);
  for (let k = 0; k < n; k++) {
    for (let attempt = 0; attempt < 5; attempt++) {
      const m = dice.weighted(TEXT_MUTATORS.map((t) => [t.weight, t] as const));
      const r = m.apply(text, dice);
      if (r !== undefined) {
        text = r.text;
        mutations.push(`${label}:text:${m.name}${r.what ? ` ${r.what}` : ""}`);
        break;
      }
    }
  }
  return text;
}

/** Case `index` of a run with `seed`: a function of (corpus, seed, index) only. */
export function buildCase(corpus: Corpus, seed: string, index: number): FuzzCase {
  const dice = new Dice(new RandomStreams(seed, 0).stream("fuzz", `case-${index}`));
  const sc = dice.pick(corpus.scenarios);
  const texts = new Map<string, string>([[sc.file, sc.text]]);
  for (const m of sc.manifests) texts.set(m, corpus.manifests.get(m)!);
  const targets: string[] = [];
  if (sc.manifests.length === 0 || dice.chance(0.7)) targets.push(sc.file);
  if (targets.length === 0 || dice.chance(0.3)) if (sc.manifests.length > 0) targets.push(dice.pick(sc.manifests));
  const mutations: string[] = [];
  const bytes = new Map<string, Uint8Array>();
  let wellFormed = true;
  for (const target of targets) {
    const label = target === sc.file ? "scenario" : target;
    const level = dice.weighted<"data" | "text" | "both">([
      [5, "data"],
      [4, "text"],
      [1, "both"],
    ]);
    let text = texts.get(target)!;
    if (level !== "text") {
      text = mutateData(text, dice, target === sc.file, label, mutations);
      // The yaml library does not always read back what it wrote (a long explicit key with a
      // nested mapping value): then the file is malformed, and no field path can be expected.
      if (YAML.parseAllDocuments(text).some((d) => "errors" in d && d.errors.length > 0)) wellFormed = false;
    }
    if (level !== "data") {
      text = mutateText(text, dice, label, mutations);
      wellFormed = false;
    }
    let out: Buffer = Buffer.from(text, "utf8");
    if (level !== "data" && dice.chance(0.12)) {
      const m = dice.pick(BYTE_MUTATORS);
      const r = m.apply(out, dice);
      out = r.bytes;
      mutations.push(`${label}:bytes:${m.name}${r.what ? ` ${r.what}` : ""}`);
    }
    bytes.set(target, out);
  }
  const files = new Map<string, Uint8Array>();
  for (const [path, text] of texts) files.set(path, bytes.get(path) ?? Buffer.from(text, "utf8"));
  return { index, scenario: sc.name, file: sc.file, files, mutations, wellFormed };
}

// ---------------------------------------------------------------------------------------------
// Running a case and judging the answers.

/** Empty field paths are allowed for problems with a file (or a document, or its root mapping) as a whole. */
const FILE_LEVEL =
  /^(file is too large|file is empty|file is UTF-16|file is binary|file is not valid UTF-8|file contains no YAML document|expected one YAML document|Invalid value: .*: a scenario must be a mapping|nesting is deeper than|aliases expand to more than|no such file|is a directory|permission denied|Invalid value: .*: must be a Kubernetes object|a merge key \(<<\) must refer to a mapping)/;
const LEAKED = /\[object Object\]|Cannot read propert|is not a function|is not iterable|Maximum call stack|internal error|undefined is not|\bat .*\.ts:\d+/;

function lineTable(bytes: Uint8Array): string[] {
  return Buffer.from(bytes).toString("utf8").split("\n");
}

function checkDiagnostic(d: Diagnostic, known: ReadonlyMap<string, string[]>, wellFormed: boolean, failures: string[], kind: "error" | "warning"): void {
  const where = `${kind} ${short(formatDiagnostic(d), 200)}`;
  if (typeof d.file !== "string" || d.file === "") failures.push(`${where}: no file`);
  if (!Number.isInteger(d.line) || d.line < 1) failures.push(`${where}: line ${d.line} is not a 1-based line`);
  if (!Number.isInteger(d.column) || d.column < 1) failures.push(`${where}: column ${d.column} is not a 1-based column`);
  if (typeof d.message !== "string" || d.message.trim() === "") failures.push(`${where}: empty message`);
  else {
    const leak = LEAKED.exec(d.message);
    if (leak !== null) failures.push(`${where}: the message leaks an internal detail (${JSON.stringify(leak[0])})`);
  }
  if (typeof d.path !== "string") failures.push(`${where}: path is not a string`);
  else if (kind === "error" && wellFormed && d.path === "" && !FILE_LEVEL.test(d.message)) failures.push(`${where}: no field path`);
  const table = known.get(resolve(d.file));
  if (table !== undefined && Number.isInteger(d.line) && d.line >= 1) {
    if (d.line > table.length + 1) failures.push(`${where}: line ${d.line} is past the end of the file (${table.length} lines)`);
    else if (d.line <= table.length && d.column > table[d.line - 1].length + 2) failures.push(`${where}: column ${d.column} is past the end of line ${d.line} (${table[d.line - 1].length} characters)`);
  }
}

interface Limits {
  readonly loadLimitMs: number;
  readonly runLimitMs: number;
  readonly runEvery: number;
  readonly runDuration: string;
  readonly keep: boolean;
}

const CANARY = "__kubesimFuzzCanary";

export async function runCase(c: FuzzCase, root: string, limits: Limits): Promise<CaseResult> {
  const dir = join(root, `case-${c.index}`);
  const failures: string[] = [];
  rmSync(dir, { recursive: true, force: true });
  for (const [path, bytes] of c.files) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), bytes);
  }
  const scenarioPath = join(dir, c.file);
  const known = new Map<string, string[]>();
  for (const [path, bytes] of c.files) known.set(resolve(dir, path), lineTable(bytes));
  const g = globalThis as Record<string, unknown>;
  delete g[CANARY];

  let load: CaseResult["load"] = "none";
  let loadMs = 0;
  let diagnostics: string[] = [];
  let exit: number | undefined;
  let runMs: number | undefined;
  try {
    const t0 = performance.now();
    const result = loadScenarioSync(scenarioPath);
    loadMs = performance.now() - t0;
    load = result.ok ? "ok" : "invalid";
    if (loadMs > limits.loadLimitMs) failures.push(`load took ${loadMs.toFixed(0)} ms (limit ${limits.loadLimitMs} ms)`);
    if (!result.ok) {
      if (result.errors.length === 0) failures.push("the loader refused the scenario without any error");
      for (const e of result.errors) checkDiagnostic(e, known, c.wellFormed, failures, "error");
      diagnostics = result.errors.map(formatDiagnostic);
    }
    for (const w of result.warnings) checkDiagnostic(w, known, false, failures, "warning");
    // A `__proto__` key is never a Kubernetes or scenario field: accepting one silently misreads the file.
    if (result.ok && c.mutations.some((m) => m.includes(":unknown-field ") && m.includes('"__proto__"'))) failures.push("a __proto__ key was accepted without an error");

    if (result.ok || c.index % limits.runEvery === 0) {
      // validate and the async loader must agree with the loader.
      const validated = validateFileSync(scenarioPath);
      if (validated.ok !== result.ok) {
        failures.push(
          `validate says ${validated.ok ? "valid" : "invalid"} but the loader says ${result.ok ? "valid" : "invalid"}${validated.ok ? "" : `: ${short(validated.errors.map(formatDiagnostic).join(" | "), 300)}`}`,
        );
      }
      const async = await loadScenario(scenarioPath);
      const asyncErrors = async.ok ? [] : async.errors.map(formatDiagnostic);
      if (async.ok !== result.ok || asyncErrors.join("\n") !== diagnostics.join("\n")) failures.push("loadScenario (async) and loadScenarioSync disagree");

      const out = join(dir, "out");
      const io = capturingIo();
      const t1 = performance.now();
      try {
        exit = await runScenarios(
          {
            command: "run",
            scenarios: [scenarioPath],
            replications: 1,
            duration: limits.runDuration,
            strategies: [],
            out,
            force: false,
            workers: 1,
            events: "first",
            json: false,
            quiet: true,
            maxEvents: 200_000,
            color: false,
          },
          io,
        );
      } catch (error) {
        failures.push(`run threw: ${short((error as Error)?.stack ?? String(error), 600)}`);
      }
      runMs = performance.now() - t1;
      if (runMs > limits.runLimitMs) failures.push(`run took ${runMs.toFixed(0)} ms (limit ${limits.runLimitMs} ms)`);
      if (exit !== undefined) {
        if (![0, 1, 2, 3].includes(exit)) failures.push(`run exited ${exit}: ${short(io.err(), 600)}`);
        else if (!result.ok && exit !== 2) failures.push(`the loader refused the scenario but run exited ${exit}`);
        else if (result.ok && exit === 2) failures.push(`the loader accepted the scenario but run exited 2: ${short(io.err(), 300)}`);
        if (!result.ok && diagnostics.length > 0 && !io.err().includes(diagnostics[0])) failures.push("run did not print the loader's first error");
        const written = existsSync(out);
        if ((exit === 2 || exit === 3) && written) failures.push(`run exited ${exit} but left a report behind`);
        if ((exit === 0 || exit === 1) && (!written || !existsSync(join(out, "summary.csv")) || !existsSync(join(out, "run.json")))) failures.push(`run exited ${exit} without a complete report`);
      }
    }
  } catch (error) {
    failures.push(`uncaught exception: ${short((error as Error)?.stack ?? String(error), 600)}`);
  }
  if (g[CANARY] !== undefined || existsSync(join(dir, "PWNED"))) failures.push("something in the scenario was executed");
  if (!limits.keep) rmSync(dir, { recursive: true, force: true });
  return {
    index: c.index,
    scenario: c.scenario,
    mutations: c.mutations,
    load,
    loadMs,
    diagnostics: diagnostics.slice(0, 5),
    exit,
    runMs,
    failures,
    dir: limits.keep ? dir : undefined,
  };
}

// ---------------------------------------------------------------------------------------------
// Known bugs: found by this fuzzer, reported, not fixed yet.

/**
 * A bug this fuzzer found that is reported but not fixed yet. With `allowKnown` (the CI test),
 * cases that trigger a hanging one are skipped and failures it explains are listed apart; the
 * `npm run fuzz` job counts them as failures. Delete an entry when its fix lands.
 */
export interface KnownBug {
  readonly id: string;
  readonly summary: string;
  /** Cases that would hang or take seconds because of it: skipped under allowKnown. */
  readonly triggeredBy?: (c: FuzzCase) => boolean;
  /** Failure messages it explains. */
  readonly explains?: (failure: string) => boolean;
}

// Every bug the fuzzer found so far is fixed (see test/reliability/input-limits.test.ts and
// test/scenario/invalid-corpus.test.ts); add new ones here while they are open.
export const KNOWN_BUGS: readonly KnownBug[] = [];

export function knownBugOf(failure: string): KnownBug | undefined {
  return KNOWN_BUGS.find((b) => b.explains?.(failure) === true);
}

// ---------------------------------------------------------------------------------------------
// Driving: a child process that runs the cases in-process and is replaced after a hang or a crash.

interface ChildInit {
  readonly seed: string;
  readonly from: number;
  readonly to: number;
  readonly root: string;
  readonly includeLarge: boolean;
  readonly allowKnown: boolean;
  readonly limits: Limits;
}

type ChildMessage =
  | { readonly type: "start"; readonly index: number }
  | { readonly type: "result"; readonly result: CaseResult }
  | { readonly type: "skip"; readonly index: number; readonly bug: string }
  | { readonly type: "done" };

/** The case's bug to skip it for, under allowKnown. */
function skipFor(c: FuzzCase, allowKnown: boolean): string | undefined {
  if (!allowKnown) return undefined;
  return KNOWN_BUGS.find((b) => b.triggeredBy?.(c) === true)?.id;
}

async function childMain(init: ChildInit, send: (m: ChildMessage) => void): Promise<void> {
  const corpus = loadCorpus(init.includeLarge);
  for (let i = init.from; i < init.to; i++) {
    const c = buildCase(corpus, init.seed, i);
    const bug = skipFor(c, init.allowKnown);
    if (bug !== undefined) {
      send({ type: "skip", index: i, bug });
      continue;
    }
    send({ type: "start", index: i });
    send({ type: "result", result: await runCase(c, init.root, init.limits) });
  }
  send({ type: "done" });
}

function spawnChild(): ChildProcess {
  const self = fileURLToPath(import.meta.url);
  // tsx in a checkout; a compiled build needs nothing. The heap cap turns a runaway case into a crash of the child only.
  const execArgv = [...(self.endsWith(".ts") ? ["--import", import.meta.resolve("tsx")] : []), "--max-old-space-size=2048"];
  return fork(self, [], { execArgv, env: { ...process.env, KUBESIM_FUZZ_CHILD: "1" }, stdio: ["ignore", "ignore", "pipe", "ipc"], serialization: "advanced" });
}

interface Progress {
  readonly onResult: (r: CaseResult) => void;
  readonly onSkip: (index: number, bug: string) => void;
}

/** Runs cases [from, to) in one child until it finishes, hangs or dies; returns where to go on. */
function runInChild(init: ChildInit, hardLimitMs: number, progress: Progress): Promise<number> {
  return new Promise((resolveNext) => {
    const child = spawnChild();
    let stderr = "";
    child.stderr?.on("data", (chunk: Buffer) => {
      stderr = (stderr + chunk.toString("utf8")).slice(-2000);
    });
    let current: { index: number; since: number } | undefined;
    let next = init.from;
    let settled = false;
    const finish = (at: number) => {
      if (settled) return;
      settled = true;
      clearInterval(timer);
      if (child.exitCode === null) child.kill("SIGKILL");
      resolveNext(at);
    };
    const lost = (why: string) => {
      if (settled) return;
      const index = current?.index ?? next;
      progress.onResult({ index, scenario: "?", mutations: [], load: "none", loadMs: 0, diagnostics: [], failures: [why] });
      finish(index + 1);
    };
    const timer = setInterval(() => {
      if (current !== undefined && performance.now() - current.since > hardLimitMs) lost(`no answer after ${hardLimitMs / 1000} s: the case hung (killed)`);
    }, 100);
    child.on("message", (m: ChildMessage) => {
      if (settled) return;
      if (m.type === "start") current = { index: m.index, since: performance.now() };
      else if (m.type === "skip") {
        next = m.index + 1;
        progress.onSkip(m.index, m.bug);
      } else if (m.type === "result") {
        current = undefined;
        next = m.result.index + 1;
        progress.onResult(m.result);
      } else finish(init.to);
    });
    child.on("exit", (code, signal) => lost(`the case crashed its process (exit ${code ?? signal}): ${short(stderr.trim().split("\n").slice(0, 3).join(" | "), 400)}`));
    child.send(init);
  });
}

export async function fuzzLoader(options: FuzzOptions): Promise<FuzzSummary> {
  const started = performance.now();
  const first = options.first ?? DEFAULTS.first;
  const allowKnown = options.allowKnown ?? false;
  const limits: Limits = {
    loadLimitMs: options.loadLimitMs ?? DEFAULTS.loadLimitMs,
    runLimitMs: options.runLimitMs ?? DEFAULTS.runLimitMs,
    runEvery: options.runEvery ?? DEFAULTS.runEvery,
    runDuration: options.runDuration ?? DEFAULTS.runDuration,
    keep: options.keep ?? false,
  };
  const corpus = loadCorpus(options.includeLarge);
  const root = mkdtempSync(join(tmpdir(), "kubesim-fuzz-"));
  const results: CaseResult[] = [];
  const skipped: { index: number; bug: string }[] = [];
  const progress: Progress = {
    onResult: (r) => {
      results.push(r);
      options.onCase?.(r);
    },
    onSkip: (index, bug) => skipped.push({ index, bug }),
  };
  try {
    const to = first + options.cases;
    if (options.isolate === false) {
      for (let i = first; i < to; i++) {
        const c = buildCase(corpus, options.seed, i);
        const bug = skipFor(c, allowKnown);
        if (bug === undefined) progress.onResult(await runCase(c, root, limits));
        else progress.onSkip(i, bug);
      }
    } else {
      let from = first;
      while (from < to) {
        from = await runInChild(
          { seed: options.seed, from, to, root, includeLarge: options.includeLarge ?? false, allowKnown, limits },
          options.hardLimitMs ?? DEFAULTS.hardLimitMs,
          progress,
        );
      }
    }
  } finally {
    if (!limits.keep) rmSync(root, { recursive: true, force: true });
  }
  results.sort((a, b) => a.index - b.index);
  // A case lost to a hang or a crash is rebuilt here, so the report names its scenario and mutations.
  const named = results.map((r) => {
    if (r.scenario !== "?") return r;
    const c = buildCase(corpus, options.seed, r.index);
    return { ...r, scenario: c.scenario, mutations: c.mutations };
  });
  const exits: Record<string, number> = {};
  const mutationKinds: Record<string, number> = {};
  for (const r of named) {
    if (r.exit !== undefined) exits[r.exit] = (exits[r.exit] ?? 0) + 1;
    for (const kind of new Set(r.mutations.map((m) => m.split(" ")[0].replace(/^[^:]*:/, "")))) mutationKinds[kind] = (mutationKinds[kind] ?? 0) + 1;
  }
  const slowest = (ms: (r: CaseResult) => number | undefined): Timed[] =>
    named
      .filter((r) => ms(r) !== undefined)
      .sort((a, b) => ms(b)! - ms(a)! || a.index - b.index)
      .slice(0, 5)
      .map((r) => ({ index: r.index, ms: ms(r)!, scenario: r.scenario, mutations: r.mutations }));
  const failures: CaseResult[] = [];
  const known: { index: number; bug: string; failure: string }[] = [];
  const failureKinds: Record<string, number> = {};
  for (const r of named) {
    const unexplained = r.failures.filter((f) => {
      const bug = allowKnown ? knownBugOf(f) : undefined;
      if (bug !== undefined) known.push({ index: r.index, bug: bug.id, failure: f });
      return bug === undefined;
    });
    if (unexplained.length === 0) continue;
    // Which known bug (if any) the failing case triggers or its failures show, for triage.
    const c = buildCase(corpus, options.seed, r.index);
    const bug = KNOWN_BUGS.find((b) => b.triggeredBy?.(c) === true || unexplained.some((f) => b.explains?.(f) === true))?.id;
    failureKinds[bug ?? "new"] = (failureKinds[bug ?? "new"] ?? 0) + 1;
    failures.push({ ...r, failures: unexplained, knownBug: bug });
  }
  return {
    seed: options.seed,
    first,
    cases: named.length + skipped.length,
    scenarios: corpus.scenarios.map((s) => s.name),
    loaded: named.filter((r) => r.load === "ok").length,
    invalid: named.filter((r) => r.load === "invalid").length,
    ran: named.filter((r) => r.exit !== undefined).length,
    exits,
    mutationKinds,
    slowestLoads: slowest((r) => (r.load === "none" ? undefined : r.loadMs)),
    slowestRuns: slowest((r) => r.runMs),
    failures,
    failureKinds,
    skipped,
    known,
    wallMs: performance.now() - started,
  };
}

/** The reproduction command of one case. */
export function reproCommand(seed: string, index: number): string {
  return `npm run fuzz -- --seed ${JSON.stringify(seed)} --case ${index} --keep`;
}

export function formatSummary(s: FuzzSummary): string {
  const out: string[] = [];
  const clip = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 3)}...` : text);
  const ms = (t: Timed) => `${t.ms.toFixed(0).padStart(6)} ms  case ${t.index} (${t.scenario}: ${clip(t.mutations.join("; "), 140)})`;
  out.push(`fuzz-loader: seed=${s.seed} cases ${s.first}..${s.first + s.cases - 1} (${s.cases}) over ${s.scenarios.length} scenarios in ${(s.wallMs / 1000).toFixed(1)} s`);
  out.push(`  loader: ${s.loaded} loaded, ${s.invalid} refused with diagnostics, ${s.cases - s.loaded - s.invalid - s.skipped.length} lost, ${s.skipped.length} skipped (known bugs)`);
  const exits = Object.entries(s.exits)
    .map(([code, n]) => `exit ${code} ×${n}`)
    .join(", ");
  out.push(`  run command: ${s.ran} runs (${exits || "none"})`);
  out.push(
    `  mutations: ${Object.entries(s.mutationKinds)
      .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
      .map(([k, n]) => `${k} ${n}`)
      .join(", ")}`,
  );
  out.push("  slowest loads:");
  for (const t of s.slowestLoads) out.push(`    ${ms(t)}`);
  out.push("  slowest runs:");
  for (const t of s.slowestRuns) out.push(`    ${ms(t)}`);
  if (s.skipped.length > 0 || s.known.length > 0) {
    out.push(`  known bugs (reported, not fixed yet; delete their KNOWN_BUGS entry once fixed):`);
    for (const bug of KNOWN_BUGS) {
      const skipped = s.skipped.filter((k) => k.bug === bug.id);
      const known = s.known.filter((k) => k.bug === bug.id);
      if (skipped.length + known.length === 0) continue;
      out.push(`    ${bug.id}: ${known.length} failures, ${skipped.length} cases skipped (e.g. case ${[...known, ...skipped][0].index}) - ${bug.summary}`);
    }
  }
  const kinds = Object.entries(s.failureKinds)
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([k, n]) => `${k} ${n}`)
    .join(", ");
  out.push(`  failures: ${s.failures.length}${kinds ? ` (by known bug: ${kinds})` : ""}`);
  // New failures first: they are the news.
  const ordered = [...s.failures].sort((a, b) => Number(a.knownBug !== undefined) - Number(b.knownBug !== undefined) || a.index - b.index);
  for (const f of ordered.slice(0, 50)) {
    out.push(`  FAIL case ${f.index}${f.knownBug ? ` [known bug ${f.knownBug}]` : " [new]"} (${f.scenario}; mutations: ${clip(f.mutations.join("; ") || "none", 400)})`);
    for (const m of f.failures.slice(0, 5)) out.push(`    - ${m}`);
    out.push(`    reproduce: ${reproCommand(s.seed, f.index)}`);
  }
  if (s.failures.length > 50) out.push(`  … and ${s.failures.length - 50} more failing cases`);
  return out.join("\n");
}

// ---------------------------------------------------------------------------------------------
// Command line.

function parseArgs(argv: readonly string[]): { options: FuzzOptions; single: boolean; verbose: boolean; json: boolean } {
  const named = new Map<string, string>();
  const flags = new Set<string>();
  const valued = new Set(["--cases", "--seed", "--case", "--first", "--run-every", "--load-limit", "--run-limit", "--hard-limit", "--duration"]);
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const eq = a.indexOf("=");
    if (a.startsWith("--") && eq > 0) named.set(a.slice(0, eq), a.slice(eq + 1));
    else if (valued.has(a)) {
      if (i + 1 >= argv.length) throw new Error(`${a} needs a value`);
      named.set(a, argv[++i]);
    } else if (["--keep", "--include-large", "--no-isolate", "--verbose", "--json", "--allow-known"].includes(a)) flags.add(a);
    else throw new Error(`unknown argument ${a}`);
  }
  const num = (name: string): number | undefined => {
    const v = named.get(name);
    if (v === undefined) return undefined;
    const n = Number(v);
    if (!Number.isSafeInteger(n) || n < 0) throw new Error(`${name} must be a whole number ≥ 0, got ${v}`);
    return n;
  };
  let seed = named.get("--seed");
  if (seed === undefined) {
    seed = String(randomBytes(4).readUInt32BE(0));
    process.stderr.write(`seed=${seed} (re-run with --seed ${seed} to reproduce)\n`);
  }
  const single = num("--case");
  return {
    options: {
      cases: single === undefined ? (num("--cases") ?? 10_000) : 1,
      seed,
      first: single ?? num("--first"),
      runEvery: single === undefined ? num("--run-every") : 1,
      loadLimitMs: num("--load-limit"),
      runLimitMs: num("--run-limit"),
      hardLimitMs: num("--hard-limit"),
      runDuration: named.get("--duration"),
      includeLarge: flags.has("--include-large"),
      keep: flags.has("--keep"),
      isolate: !flags.has("--no-isolate"),
      allowKnown: flags.has("--allow-known"),
    },
    single: single !== undefined,
    verbose: flags.has("--verbose") || single !== undefined,
    json: flags.has("--json"),
  };
}

async function cliMain(): Promise<number> {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`fuzz-loader: ${(error as Error).message}\nusage: npm run fuzz -- [--cases N] [--seed S] [--case I] [--first I] [--run-every N] [--load-limit MS] [--run-limit MS] [--hard-limit MS] [--duration D] [--include-large] [--allow-known] [--keep] [--no-isolate] [--verbose] [--json]\n`);
    return 2;
  }
  const { options, verbose } = parsed;
  let done = 0;
  let nextReport = 0.1;
  const summary = await fuzzLoader({
    ...options,
    onCase: (r) => {
      done++;
      if (verbose) {
        process.stderr.write(`case ${r.index} ${r.scenario}: load ${r.load} ${r.loadMs.toFixed(0)} ms${r.exit === undefined ? "" : `, run exit ${r.exit} ${r.runMs?.toFixed(0)} ms`}\n`);
        for (const m of r.mutations) process.stderr.write(`  mutation ${m}\n`);
        for (const d of r.diagnostics) process.stderr.write(`  ${short(d, 300)}\n`);
        for (const f of r.failures) process.stderr.write(`  FAIL ${f}\n`);
        if (r.dir) process.stderr.write(`  kept in ${r.dir}\n`);
      } else if (done >= nextReport * options.cases) {
        process.stderr.write(`fuzz-loader: ${done}/${options.cases} cases\n`);
        while (done >= nextReport * options.cases) nextReport += 0.1;
      }
      const unexplained = r.failures.filter((f) => !options.allowKnown || knownBugOf(f) === undefined);
      if (!verbose && unexplained.length > 0) process.stderr.write(`FAIL case ${r.index} (${r.scenario}): ${short(unexplained[0], 300)}\n`);
    },
  });
  process.stdout.write(parsed.json ? `${JSON.stringify(summary, null, 2)}\n` : `${formatSummary(summary)}\n`);
  return summary.failures.length === 0 ? 0 : 1;
}

if (process.env.KUBESIM_FUZZ_CHILD === "1" && process.send !== undefined) {
  // The child: takes one batch, runs it, reports each case, then exits.
  process.once("message", (init: ChildInit) => {
    void childMain(init, (m) => process.send!(m)).then(() => process.disconnect());
  });
} else if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = await cliMain();
}
