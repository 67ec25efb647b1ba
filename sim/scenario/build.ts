/**
 * The rules of a scenario that a schema cannot state, and the assembly of the typed Scenario.
 * References are resolved and checked (event and check targets, traffic services, app names,
 * fault selectors, strategy patch targets), every strategy patch and the timeline's patches,
 * scales and rollouts are applied to copies of the objects and the results admitted again, and
 * one-of rules (an event has `at` or `every`, and exactly one action) are enforced.
 *
 * The checks read the raw document defensively, so they run even when the schema found errors
 * elsewhere and everything is reported at once; the typed Scenario is assembled only when
 * nothing was wrong.
 *
 * Left out: ordering of `apply` and `delete` against later events (an object applied at 5m may
 * be referred to by an event at 1m; the simulator reports that at run time).
 */
import { type Distribution, parseDistribution } from "../core/distributions.ts";
import { formatDuration } from "../core/duration.ts";
import type { Time } from "../core/time.ts";
import {
  type Diagnostic,
  didYouMean,
  duplicate,
  type FieldPath,
  forbidden,
  formatPath,
  invalid,
  mapKey,
  notFound,
  type PathSegment,
  required,
  suggest,
  formatValue,
} from "./diagnostics.ts";
import { isEmptySelector, selectorMatches } from "./names.ts";
import type { SimulatedKind } from "./kube-validation.ts";
import { refOf } from "./manifests.ts";
import type { AppOutput, EventOutput, ScenarioOutput, TimingOverrideOutput, TrafficOutput } from "./schema.ts";
import { EVENT_ACTIONS, MAX_NODES } from "./schema.ts";
import { getSource, locate, type NodeSource, setSource, type SourcePos } from "./source.ts";
import { patchManifest } from "./strategy.ts";
import type {
  App,
  Check,
  EventAction,
  Manifest,
  NodePool,
  ObjectRef,
  RolloutAction,
  Scenario,
  ScenarioEvent,
  Strategy,
  Traffic,
} from "./types.ts";

export const DEFAULT_ZONE = "default";
export const DEFAULT_STRATEGY = "default";

export interface BuildInput {
  readonly file: string;
  readonly files: readonly string[];
  readonly raw: Record<string, unknown>;
  readonly docPos: SourcePos;
  /** zod's output, when the document's shape is valid. */
  readonly parsed: ScenarioOutput | undefined;
  /** Objects of manifest files (in order) and inline `objects`, invalid ones included. */
  readonly manifests: readonly Manifest[];
  /** Refs of manifests that had errors (not patched or checked further). */
  readonly invalid: ReadonlySet<string>;
  /** A manifest file could not be read or parsed: "not found" would be guesswork, so it is not reported. */
  readonly incomplete: boolean;
  /** Objects admitted from `apply` events, by event index. */
  readonly applied: ReadonlyMap<number, readonly Manifest[]>;
}

export interface BuildResult {
  readonly errors: Diagnostic[];
  readonly warnings: Diagnostic[];
  readonly scenario?: Scenario;
}

type Json = Record<string, unknown>;

function isMap(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function get(value: unknown, ...path: (string | number)[]): unknown {
  let current = value;
  for (const key of path) {
    if (typeof current !== "object" || current === null) return undefined;
    current = (current as Record<string | number, unknown>)[key];
  }
  return current;
}

/** Kind words accepted in targets, with kubectl's short names. */
const TARGET_KINDS: Readonly<Record<string, SimulatedKind | "Node">> = {
  deployment: "Deployment",
  deployments: "Deployment",
  deploy: "Deployment",
  statefulset: "StatefulSet",
  statefulsets: "StatefulSet",
  sts: "StatefulSet",
  replicaset: "ReplicaSet",
  replicasets: "ReplicaSet",
  rs: "ReplicaSet",
  service: "Service",
  services: "Service",
  svc: "Service",
  poddisruptionbudget: "PodDisruptionBudget",
  poddisruptionbudgets: "PodDisruptionBudget",
  pdb: "PodDisruptionBudget",
  node: "Node",
  nodes: "Node",
  no: "Node",
};

const WORKLOAD_KINDS = ["Deployment", "StatefulSet", "ReplicaSet"] as const;
const SERVICE_METRICS = new Set(["requests_total", "requests_ok", "requests_failed", "requests_timeout", "availability", "reachability", "unreachable_s"]);
const WORKLOAD_METRICS = new Set(["rollout_duration_s", "min_available_replicas", "max_surge_pods"]);
const OTHER_METRICS = new Set(["pods_created", "pods_deleted", "events_processed"]);
const NODE_FAULTS = new Set(["node-failure", "node-drain", "network-partition"]);

class Builder {
  readonly errors: Diagnostic[] = [];
  readonly warnings: Diagnostic[] = [];
  readonly #in: BuildInput;
  /** Initial objects by ref (first definition wins). */
  readonly objects = new Map<string, Manifest>();
  /** Objects that exist at some point: initial ones and those applied by events. */
  readonly everObjects = new Map<string, Manifest>();
  readonly nodes = new Set<string>();
  readonly pools = new Set<string>();
  readonly zones = new Set<string>();

  constructor(input: BuildInput) {
    this.#in = input;
  }

  pos(path: FieldPath, key = false): SourcePos {
    return locate(this.#in.raw, path, { key }) ?? this.#in.docPos;
  }

  error(path: FieldPath, message: string, key = false): void {
    this.errors.push({ ...this.pos(path, key), path: formatPath(path), message });
  }

  warn(path: FieldPath, message: string, key = false): void {
    this.warnings.push({ ...this.pos(path, key), path: formatPath(path), message });
  }

  get raw(): Json {
    return this.#in.raw;
  }

  // -------------------------------------------------------------------------------------------
  // Objects, nodes.

  registerObjects(): void {
    for (const m of this.#in.manifests) {
      const first = this.objects.get(m.ref);
      if (first !== undefined) {
        const where = locate(first.object, ["metadata", "name"]);
        const at = where ? ` at ${where.file}:${where.line}:${where.column}` : "";
        const pos = locate(m.object, ["metadata", "name"]) ?? this.#in.docPos;
        const path = formatPath([...(m.source.path ? [m.source.path] : []), "metadata", "name"]);
        this.errors.push({ ...pos, path, message: duplicate(m.name, `${m.ref} is already defined${at}`) });
        continue;
      }
      this.objects.set(m.ref, m);
      this.everObjects.set(m.ref, m);
    }
    for (const list of this.#in.applied.values()) for (const m of list) if (!this.everObjects.has(m.ref)) this.everObjects.set(m.ref, m);
  }

  registerNodes(): void {
    const pools = get(this.raw, "spec", "cluster", "nodes");
    if (!Array.isArray(pools)) return;
    let total = 0;
    pools.forEach((pool, i) => {
      const name = get(pool, "name");
      if (typeof name !== "string") return;
      if (this.pools.has(name)) this.error(["spec", "cluster", "nodes", i, "name"], duplicate(name));
      this.pools.add(name);
      const count = get(pool, "count") ?? 1;
      // A count above the limit is the schema's error; names are registered only within it.
      if (typeof count === "number" && Number.isSafeInteger(count) && count <= MAX_NODES) {
        total += count;
        if (total > MAX_NODES && total - count <= MAX_NODES) {
          this.error(["spec", "cluster", "nodes", i, "count"], invalid(count, `the pools have ${total} nodes so far; kubesim simulates at most ${MAX_NODES}`));
        }
        if (total <= MAX_NODES) for (let n = 1; n <= count; n++) this.nodes.add(`${name}-${n}`);
      }
      const zones = get(pool, "zones");
      if (Array.isArray(zones)) {
        for (const z of zones) if (typeof z === "string") this.zones.add(z);
      } else {
        this.zones.add(DEFAULT_ZONE);
      }
    });
  }

  workloadNames(): string[] {
    return [...this.everObjects.values()].filter((m) => (WORKLOAD_KINDS as readonly string[]).includes(m.kind)).map((m) => m.name);
  }

  /**
   * Parses and resolves `kind/name`; reports and returns undefined when malformed, of a kind
   * the field does not take, or naming nothing.
   */
  target(
    path: FieldPath,
    text: unknown,
    allowed: readonly (SimulatedKind | "Node")[],
    what: string,
    objects = this.everObjects,
    atKey = false,
  ): ObjectRef | undefined {
    if (typeof text !== "string") return undefined; // the schema reported it
    const match = /^([A-Za-z]+)\/(.+)$/.exec(text);
    if (match === null) {
      this.error(path, invalid(text, "must be kind/name, e.g. deployment/web"), atKey);
      return undefined;
    }
    const word = match[1].toLowerCase();
    const kind = TARGET_KINDS[word];
    const name = match[2];
    if (kind === undefined) {
      const canonical = [...new Set(Object.values(TARGET_KINDS))].map((k) => k.toLowerCase());
      this.error(path, invalid(text, `unknown kind ${formatValue(match[1])}${didYouMean(word, canonical)}`), atKey);
      return undefined;
    }
    if (!allowed.includes(kind)) {
      const list = allowed.map((k) => k.toLowerCase()).join(" or ");
      this.error(path, invalid(text, `${what} must be a ${list}`), atKey);
      return undefined;
    }
    const ref = refOf(kind, name);
    if (kind === "Node") {
      if (!this.nodes.has(name)) this.error(path, notFound(text, `no such node${this.nodeHint(name)}`), atKey);
      return { kind, name, ref };
    }
    if (!objects.has(ref) && !this.#in.incomplete) {
      const close = suggest(name, [...objects.values()].filter((m) => m.kind === kind).map((m) => m.name));
      const hint = close === undefined ? "" : `; did you mean ${JSON.stringify(refOf(kind, close))}?`;
      this.error(path, notFound(text, `no ${kind} named ${formatValue(name)} in the manifests${hint}`), atKey);
      return undefined;
    }
    return { kind, name, ref };
  }

  nodeHint(name: string): string {
    const all = [...this.nodes];
    const hint = didYouMean(name, all);
    if (hint) return hint;
    if (all.length === 0) return "";
    return all.length <= 6 ? ` (nodes: ${all.join(", ")})` : ` (nodes: ${all[0]} … ${all[all.length - 1]})`;
  }

  /** A StatefulSet's governing Service (spec.serviceName) should exist, as its pods' DNS needs it. */
  checkGoverningServices(): void {
    if (this.#in.incomplete) return;
    for (const m of this.objects.values()) {
      if (m.kind !== "StatefulSet") continue;
      const serviceName = get(m.object, "spec", "serviceName");
      if (typeof serviceName !== "string" || serviceName === "" || this.everObjects.has(refOf("Service", serviceName))) continue;
      const pos = locate(m.object, ["spec", "serviceName"]) ?? this.#in.docPos;
      const path = formatPath([...(m.source.path ? [m.source.path] : []), "spec", "serviceName"]);
      this.warnings.push({ ...pos, path, message: `no Service named ${formatValue(serviceName)} in the manifests (the StatefulSet's governing Service)` });
    }
  }

  // -------------------------------------------------------------------------------------------
  // Sections.

  checkApps(): void {
    const apps = get(this.raw, "spec", "apps");
    if (!isMap(apps) || this.#in.incomplete) return;
    const workloads = this.workloadNames();
    for (const name of Object.keys(apps)) {
      if (!workloads.includes(name)) {
        this.error(["spec", "apps", mapKey(name)], notFound(name, `no Deployment, StatefulSet or ReplicaSet of that name${didYouMean(name, workloads)}`), true);
      }
    }
  }

  checkTraffic(path: PathSegment[], list: unknown): void {
    if (!Array.isArray(list)) return;
    const seen = new Set<string>();
    list.forEach((entry, i) => {
      const service = get(entry, "service");
      if (typeof service !== "string") return;
      const p = [...path, i, "service"];
      if (seen.has(service)) this.error(p, duplicate(service));
      seen.add(service);
      this.service(p, service);
    });
  }

  service(path: FieldPath, name: string): Manifest | undefined {
    const m = this.everObjects.get(refOf("Service", name.replace(/^service\//, "")));
    if (m === undefined) {
      if (!this.#in.incomplete) {
        const services = [...this.everObjects.values()].filter((o) => o.kind === "Service").map((o) => o.name);
        this.error(path, notFound(name, `no Service of that name in the manifests${didYouMean(name, services)}`));
      }
      return undefined;
    }
    const selector = get(m.object, "spec", "selector");
    if (!isMap(selector) || Object.keys(selector).length === 0) {
      this.warn(path, `Service ${formatValue(m.name)} has no selector, so it has no endpoints and every request fails`);
    }
    return m;
  }

  checkEvents(): void {
    const events = get(this.raw, "spec", "events");
    if (!Array.isArray(events)) return;
    const duration = this.#in.parsed?.spec.duration;
    events.forEach((event, i) => {
      if (!isMap(event)) return;
      const path = ["spec", "events", i];
      if (event.at === undefined && event.every === undefined) this.error(path, required("must specify `at` or `every`"));
      if (event.at !== undefined && event.every !== undefined) this.error([...path, "every"], forbidden("may not be specified when `at` is specified"), true);
      const actions = EVENT_ACTIONS.filter((a) => event[a] !== undefined);
      if (actions.length === 0) this.error(path, required(`must specify one action: ${EVENT_ACTIONS.join(", ")}`));
      for (const extra of actions.slice(1)) {
        this.error([...path, extra], forbidden(`may not specify more than one action (\`${actions[0]}\` is already specified)`), true);
      }
      const at = this.#in.parsed?.spec.events[i]?.at;
      if (at !== undefined && duration !== undefined && at > duration) {
        this.warn([...path, "at"], `the event is after the end of the run (${formatDuration(at)} > ${formatDuration(duration)}); it never happens`);
      }
      this.checkAction(path, event);
    });
  }

  checkAction(path: PathSegment[], event: Json): void {
    const rollout = event.rollout;
    if (isMap(rollout)) {
      const target = this.target([...path, "rollout", "target"], rollout.target, ["Deployment", "StatefulSet"], "a rollout target");
      if (rollout.image === undefined && rollout.template === undefined) {
        this.error([...path, "rollout"], required("must specify `image` or `template`"));
      }
      const manifest = target ? this.everObjects.get(target.ref) : undefined;
      if (manifest !== undefined && rollout.image !== undefined) this.rolloutContainer(path, rollout, manifest);
    }
    const scale = event.scale;
    if (isMap(scale)) this.target([...path, "scale", "target"], scale.target, ["Deployment", "StatefulSet", "ReplicaSet"], "a scale target");
    const patch = event.patch;
    if (isMap(patch)) {
      for (const key of Object.keys(patch)) {
        const kinds = ["Deployment", "StatefulSet", "ReplicaSet", "Service", "PodDisruptionBudget"] as const;
        this.target([...path, "patch", mapKey(key)], key, kinds, "a patch target", this.everObjects, true);
      }
    }
    const del = event.delete;
    if (isMap(del)) {
      this.target([...path, "delete", "target"], del.target, ["Deployment", "StatefulSet", "ReplicaSet", "Service", "PodDisruptionBudget", "Node"], "a delete target");
    }
    const apply = event.apply;
    if (isMap(apply)) {
      if (apply.manifest === undefined && apply.objects === undefined) this.error([...path, "apply"], required("must specify `manifest` or `objects`"));
      if (apply.manifest !== undefined && apply.objects !== undefined) {
        this.error([...path, "apply", "objects"], forbidden("may not be specified when `manifest` is specified"), true);
      }
    }
    const fault = event.fault;
    if (isMap(fault)) this.checkFault([...path, "fault"], fault);
  }

  /** The container a rollout's image goes to: named, or the template's only one. */
  rolloutContainer(path: PathSegment[], rollout: Json, manifest: Manifest): string | undefined {
    const containers = get(manifest.object, "spec", "template", "spec", "containers");
    const names = Array.isArray(containers) ? containers.map((c) => get(c, "name")).filter((n): n is string => typeof n === "string") : [];
    if (typeof rollout.container === "string") {
      const template = rollout.template;
      const patchNames = (get(template, "spec", "containers") as unknown[] | undefined)?.map((c) => get(c, "name")) ?? [];
      if (!names.includes(rollout.container) && !patchNames.includes(rollout.container)) {
        this.error([...path, "rollout", "container"], notFound(rollout.container, `no container of that name in ${manifest.ref}${didYouMean(rollout.container, names)}`));
        return undefined;
      }
      return rollout.container;
    }
    if (names.length === 1) return names[0];
    if (names.length > 1) {
      this.error([...path, "rollout", "container"], required(`the pod template has ${names.length} containers (${names.join(", ")}); name the one to update`));
    }
    return undefined;
  }

  checkFault(path: PathSegment[], fault: Json): void {
    const action = fault.action;
    const selector = fault.selector;
    if (isMap(selector)) {
      const keys = ["node", "pool", "zone", "labels", "name"].filter((k) => selector[k] !== undefined);
      if (keys.length === 0) this.error([...path, "selector"], required("must select by node, pool, zone, labels or name"));
      if (typeof selector.node === "string" && !this.nodes.has(selector.node)) {
        this.error([...path, "selector", "node"], notFound(selector.node, `no such node${this.nodeHint(selector.node)}`));
      }
      if (typeof selector.pool === "string" && !this.pools.has(selector.pool)) {
        this.error([...path, "selector", "pool"], notFound(selector.pool, `no node pool of that name${didYouMean(selector.pool, this.pools)}`));
      }
      if (typeof selector.zone === "string" && !this.zones.has(selector.zone)) {
        this.error([...path, "selector", "zone"], notFound(selector.zone, `no node pool is in that zone${didYouMean(selector.zone, this.zones)}`));
      }
      if (typeof selector.name === "string" && typeof action === "string" && NODE_FAULTS.has(action) && !this.nodes.has(selector.name)) {
        this.error([...path, "selector", "name"], notFound(selector.name, `no such node${this.nodeHint(selector.name)}`));
      }
      if (isMap(selector.labels) && typeof action === "string" && !NODE_FAULTS.has(action) && !this.#in.incomplete) {
        const labels = selector.labels as Record<string, string>;
        const matches = [...this.everObjects.values()].some((m) => {
          const t = get(m.object, "spec", "template", "metadata", "labels");
          return isMap(t) && selectorMatches({ matchLabels: labels }, t as Record<string, string>);
        });
        if (!matches && !isEmptySelector({ matchLabels: labels })) {
          this.warn([...path, "selector", "labels"], "no pod template has these labels; the fault selects no pods");
        }
      }
    }
    const mode = fault.mode ?? "one";
    if (mode === "fixed" || mode === "fixed-percent") {
      if (fault.value === undefined) this.error([...path, "value"], required(`must be specified when \`mode\` is '${mode}'`));
      else if (typeof fault.value === "number") {
        if (mode === "fixed" && (!Number.isInteger(fault.value) || fault.value < 1)) {
          this.error([...path, "value"], invalid(fault.value, "must be a whole number of at least 1"));
        }
        if (mode === "fixed-percent" && (fault.value <= 0 || fault.value > 100)) {
          this.error([...path, "value"], invalid(fault.value, "must be greater than 0 and at most 100"));
        }
      }
    } else if (fault.value !== undefined) {
      this.error([...path, "value"], forbidden(`may only be specified when \`mode\` is 'fixed' or 'fixed-percent'`), true);
    }
    if (action === "pod-kill" && fault.duration !== undefined) {
      this.error([...path, "duration"], forbidden("may not be specified for pod-kill (a killed pod is not restored)"), true);
    }
    // sim/faults/options.ts: only node-failure, network-partition and node-drain are undone.
    if (action === "pod-failure" && fault.duration !== undefined) {
      this.error([...path, "duration"], forbidden("may not be specified for pod-failure (the container restarts under the pod's restartPolicy)"), true);
    }
    if (fault.gracePeriod !== undefined && action !== "pod-kill" && action !== "node-drain") {
      this.error([...path, "gracePeriod"], forbidden("may only be specified for pod-kill and node-drain"), true);
    }
  }

  checkStrategies(): void {
    const strategies = get(this.raw, "spec", "strategies");
    if (!Array.isArray(strategies)) return;
    const names = new Set<string>();
    const workloads = this.workloadNames();
    strategies.forEach((s, i) => {
      const path = ["spec", "strategies", i];
      const name = get(s, "name");
      if (typeof name === "string") {
        if (names.has(name)) this.error([...path, "name"], duplicate(name));
        names.add(name);
      }
      const apps = get(s, "apps");
      if (isMap(apps) && !this.#in.incomplete) {
        for (const app of Object.keys(apps)) {
          if (!workloads.includes(app)) {
            this.error([...path, "apps", mapKey(app)], notFound(app, `no Deployment, StatefulSet or ReplicaSet of that name${didYouMean(app, workloads)}`), true);
          }
        }
      }
      this.checkTraffic([...path, "traffic"], get(s, "traffic"));
      const patch = get(s, "patch");
      if (isMap(patch)) this.applyPatches([...path, "patch"], patch, this.objects, "a strategy patch target");
    });
  }

  /** Applies `target → patch` entries to copies of `objects`, reporting what fails; returns the result. */
  applyPatches(path: PathSegment[], patches: Json, objects: Map<string, Manifest>, what: string): Map<string, Manifest> {
    const out = new Map(objects);
    const kinds = ["Deployment", "StatefulSet", "ReplicaSet", "Service", "PodDisruptionBudget"] as const;
    for (const [key, patch] of Object.entries(patches)) {
      const p = [...path, mapKey(key)];
      const target = this.target(p, key, kinds, what, objects, true);
      if (target === undefined) continue;
      const manifest = out.get(target.ref);
      if (manifest === undefined || this.#in.invalid.has(target.ref)) continue;
      const outcome = patchManifest(manifest, patch, p, this.pos(p));
      this.errors.push(...outcome.errors);
      this.warnings.push(...outcome.warnings);
      if (outcome.manifest) out.set(target.ref, outcome.manifest);
    }
    return out;
  }

  /** Replays the timeline's object changes on the initial objects to validate each result. */
  dryRunEvents(): void {
    const events = get(this.raw, "spec", "events");
    if (!Array.isArray(events)) return;
    const parsed = this.#in.parsed?.spec.events;
    const order = events.map((_, i) => i);
    const time = (i: number) => parsed?.[i]?.at ?? Number.POSITIVE_INFINITY;
    order.sort((a, b) => time(a) - time(b) || a - b);
    let state = new Map(this.objects);
    for (const i of order) {
      const event = events[i];
      if (!isMap(event)) continue;
      const path = ["spec", "events", i];
      for (const m of this.#in.applied.get(i) ?? []) state.set(m.ref, m);
      if (isMap(event.patch)) state = this.applyPatches([...path, "patch"], event.patch, state, "a patch target");
      const rollout = event.rollout;
      if (isMap(rollout)) {
        const ref = typeof rollout.target === "string" ? normaliseRef(rollout.target) : undefined;
        const manifest = ref ? state.get(ref) : undefined;
        const rollable = manifest?.kind === "Deployment" || manifest?.kind === "StatefulSet";
        if (manifest !== undefined && rollable && !this.#in.invalid.has(manifest.ref)) {
          const container = rollout.image === undefined ? undefined : this.quietContainer(rollout, manifest);
          const patch = rolloutPatch(rollout, container, this.pos([...path, "rollout", "image"]));
          if (patch !== undefined) {
            // The user wrote the template patch at rollout.template: print paths from there.
            const printed = (p: FieldPath) => (p[0] === "spec" && p[1] === "template" ? ["template", ...p.slice(2)] : p);
            const outcome = patchManifest(manifest, patch, [...path, "rollout"], this.pos([...path, "rollout"]), printed);
            this.errors.push(...outcome.errors);
            this.warnings.push(...outcome.warnings);
            if (outcome.manifest) state.set(manifest.ref, outcome.manifest);
          }
        }
      }
      const scale = event.scale;
      if (isMap(scale) && typeof scale.target === "string" && typeof scale.replicas === "number") {
        const ref = normaliseRef(scale.target);
        const manifest = state.get(ref);
        if (manifest !== undefined) {
          const spec = { ...(get(manifest.object, "spec") as Json), replicas: scale.replicas };
          state.set(ref, { ...manifest, object: { ...manifest.object, spec } });
        }
      }
      const del = event.delete;
      if (isMap(del) && typeof del.target === "string") state.delete(normaliseRef(del.target));
    }
  }

  quietContainer(rollout: Json, manifest: Manifest): string | undefined {
    if (typeof rollout.container === "string") return rollout.container;
    const containers = get(manifest.object, "spec", "template", "spec", "containers");
    return Array.isArray(containers) && containers.length === 1 ? (get(containers[0], "name") as string | undefined) : undefined;
  }

  checkChecks(): void {
    const checks = get(this.raw, "spec", "checks");
    if (!Array.isArray(checks)) return;
    checks.forEach((c, i) => {
      if (!isMap(c)) return;
      const path = ["spec", "checks", i];
      if (c.min === undefined && c.max === undefined && c.tolerance === undefined) {
        this.error(path, required("must specify `min`, `max` or `tolerance`"));
      }
      if (typeof c.min === "number" && typeof c.max === "number" && c.min > c.max) {
        this.error([...path, "max"], invalid(c.max, `must be greater than or equal to min (${c.min})`));
      }
      const metric = typeof c.metric === "string" ? c.metric : "";
      if (!SERVICE_METRICS.has(metric) && !WORKLOAD_METRICS.has(metric) && !OTHER_METRICS.has(metric)) return; // the schema reported it
      if (typeof c.service === "string") {
        if (!SERVICE_METRICS.has(metric)) this.error([...path, "service"], forbidden(`${metric} is not measured per service`), true);
        else {
          this.service([...path, "service"], c.service);
          const traffic = get(this.raw, "spec", "traffic");
          const name = c.service.replace(/^service\//, "");
          if (Array.isArray(traffic) && !traffic.some((t) => get(t, "service") === name)) {
            this.warn([...path, "service"], `no traffic is sent to service ${formatValue(name)}; its request metrics stay empty`);
          }
        }
      }
      if (c.target !== undefined) {
        if (!WORKLOAD_METRICS.has(metric)) this.error([...path, "target"], forbidden(`${metric} is not measured per workload`), true);
        else this.target([...path, "target"], c.target, ["Deployment", "StatefulSet"], "a check target");
      }
    });
  }

  // -------------------------------------------------------------------------------------------
  // Assembly (only when everything above passed).

  assemble(parsed: ScenarioOutput): Scenario {
    const spec = parsed.spec;
    const nodes: NodePool[] = spec.cluster.nodes.map((pool) => ({
      name: pool.name,
      count: pool.count,
      capacity: { cpu: pool.capacity.cpu, memory: pool.capacity.memory, pods: pool.capacity.pods },
      zones: pool.zones ?? [DEFAULT_ZONE],
      labels: pool.labels ?? {},
      taints: pool.taints ?? [],
      nodes: Array.from({ length: pool.count }, (_, n) => `${pool.name}-${n + 1}`),
    }));

    const apps: Record<string, App> = {};
    for (const name of this.workloadNames()) apps[name] = fullApp(spec.apps[name]);
    for (const [name, app] of Object.entries(spec.apps)) apps[name] ??= fullApp(app);

    const strategies: Strategy[] =
      spec.strategies.length === 0
        ? [{ name: DEFAULT_STRATEGY, patches: [], timing: {}, apps: {}, traffic: [], index: -1 }]
        : spec.strategies.map((s, index) => ({
            name: s.name,
            ...(s.description === undefined ? {} : { description: s.description }),
            patches: Object.entries(s.patch ?? {}).map(([target, patch]) => ({ target: resolvedRef(target), patch })),
            timing: timingOverride(s.timing),
            apps: Object.fromEntries(Object.entries(s.apps ?? {}).map(([k, v]) => [k, partialApp(v)])),
            traffic: (s.traffic ?? []).map(toTraffic),
            index,
          }));

    const checks: Check[] = spec.checks.map((c) => {
      const out: { -readonly [K in keyof Check]: Check[K] } = { metric: c.metric };
      if (c.service !== undefined) out.service = c.service.replace(/^service\//, "");
      if (c.target !== undefined) out.target = resolvedRef(c.target).ref;
      if (c.min !== undefined) out.min = c.min;
      if (c.max !== undefined) out.max = c.max;
      if (c.tolerance !== undefined) out.tolerance = c.tolerance;
      return out;
    });

    return {
      apiVersion: "kubesim/v1alpha1",
      kind: "Scenario",
      metadata: { name: parsed.metadata.name, description: parsed.metadata.description ?? "" },
      file: this.#in.file,
      files: this.#in.files,
      spec: {
        ...(spec.seed === undefined ? {} : { seed: String(spec.seed) }),
        duration: spec.duration,
        replications: spec.replications,
        start: spec.start,
        cluster: { nodes },
        timing: spec.timing,
        manifests: this.#in.manifests,
        apps,
        traffic: spec.traffic.map(toTraffic),
        events: spec.events.map((e, index) => this.toEvent(e, index)),
        strategies,
        checks,
      },
    };
  }

  toEvent(e: EventOutput, index: number): ScenarioEvent {
    const timing = e.at !== undefined ? { at: e.at as Time } : { every: e.every as Distribution };
    const rawEvent = get(this.raw, "spec", "events", index) as Json;
    let action: EventAction;
    if (e.rollout) {
      const target = resolvedRef(e.rollout.target);
      const manifest = this.everObjects.get(target.ref)!;
      const container = e.rollout.image === undefined ? undefined : this.quietContainer(rawEvent.rollout as Json, manifest);
      const rollout: { -readonly [K in keyof RolloutAction]: RolloutAction[K] } = {
        target,
        patch: rolloutPatch(rawEvent.rollout as Json, container, this.pos(["spec", "events", index, "rollout", "image"])) ?? {},
      };
      if (e.rollout.image !== undefined) rollout.image = e.rollout.image;
      if (container !== undefined) rollout.container = container;
      if (e.rollout.template !== undefined) rollout.template = e.rollout.template;
      if (e.rollout.app !== undefined) rollout.app = partialApp(e.rollout.app);
      action = { action: "rollout", rollout };
    } else if (e.scale) {
      action = { action: "scale", scale: { target: resolvedRef(e.scale.target), replicas: e.scale.replicas } };
    } else if (e.patch) {
      action = { action: "patch", patch: Object.entries(e.patch).map(([t, patch]) => ({ target: resolvedRef(t), patch })) };
    } else if (e.delete) {
      action = { action: "delete", delete: { target: resolvedRef(e.delete.target) } };
    } else if (e.apply) {
      action = { action: "apply", apply: { manifests: this.#in.applied.get(index) ?? [] } };
    } else {
      const f = e.fault!;
      action = {
        action: "fault",
        fault: {
          action: f.action,
          mode: f.mode,
          ...(f.value === undefined ? {} : { value: f.value }),
          selector: f.selector,
          ...(f.duration === undefined ? {} : { duration: f.duration }),
          ...(f.gracePeriod === undefined ? {} : { gracePeriod: f.gracePeriod }),
        },
      };
    }
    return { ...timing, ...action, index } as ScenarioEvent;
  }
}

function normaliseRef(text: string): string {
  const match = /^([A-Za-z]+)\/(.+)$/.exec(text);
  if (match === null) return text;
  const kind = TARGET_KINDS[match[1].toLowerCase()];
  return kind === undefined ? text : refOf(kind, match[2]);
}

function resolvedRef(text: string): ObjectRef {
  const match = /^([A-Za-z]+)\/(.+)$/.exec(text)!;
  const kind = TARGET_KINDS[match[1].toLowerCase()];
  return { kind, name: match[2], ref: refOf(kind, match[2]) };
}

/** Registers every map and list of a generated value at one position (the field it came from). */
function locatedAt<T>(value: T, pos: SourcePos): T {
  if (typeof value === "object" && value !== null) {
    const entries: NodeSource["entries"] = new Map();
    for (const [k, v] of Object.entries(value)) {
      const existing = getSource(v);
      if (existing === undefined) locatedAt(v, pos);
      entries.set(Array.isArray(value) ? Number(k) : k, { key: pos, value: pos });
    }
    if (getSource(value) === undefined) setSource(value, { pos, entries });
  }
  return value;
}

/**
 * A rollout as one strategic-merge patch of the workload: the template patch, with the image set
 * on the named container.
 */
function rolloutPatch(rollout: Json, container: string | undefined, imagePos: SourcePos): Json | undefined {
  const template = isMap(rollout.template) ? rollout.template : undefined;
  if (template === undefined && typeof rollout.image !== "string") return undefined;
  let merged: Json = template ?? {};
  if (typeof rollout.image === "string" && container !== undefined) {
    const spec = isMap(merged.spec) ? merged.spec : {};
    const containers = Array.isArray(spec.containers) ? [...spec.containers] : [];
    const at = containers.findIndex((c) => get(c, "name") === container);
    const entry = locatedAt({ name: container, image: rollout.image }, imagePos);
    if (at >= 0) containers[at] = { ...(containers[at] as Json), image: rollout.image };
    else containers.push(entry);
    merged = { ...merged, spec: { ...spec, containers } };
    locatedAt(merged, imagePos);
  }
  return locatedAt({ spec: { template: merged } }, imagePos);
}

function fullApp(app: AppOutput | undefined): App {
  const zero = ZERO;
  const out: { -readonly [K in keyof App]: App[K] } = {
    startup: app?.startup ?? zero,
    shutdown: app?.shutdown ?? zero,
    ready: app?.ready ?? true,
  };
  if (app?.crash !== undefined) out.crash = app.crash;
  return out;
}

function partialApp(app: AppOutput): Partial<App> {
  const out: { -readonly [K in keyof App]?: App[K] } = {};
  if (app.startup !== undefined) out.startup = app.startup;
  if (app.shutdown !== undefined) out.shutdown = app.shutdown;
  if (app.crash !== undefined) out.crash = app.crash;
  if (app.ready !== undefined) out.ready = app.ready;
  return out;
}

function toTraffic(t: TrafficOutput): Traffic {
  return {
    service: t.service.replace(/^service\//, ""),
    rate: t.rate,
    timeout: t.timeout,
    ...(t.retries === undefined ? {} : { retries: { count: t.retries.count, backoff: t.retries.backoff } }),
  };
}

function timingOverride(t: TimingOverrideOutput | undefined): Strategy["timing"] {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(t ?? {})) {
    if (v === undefined) continue;
    if (k === "kubeProxySync") {
      const sync: Record<string, unknown> = {};
      for (const [sk, sv] of Object.entries(v as Json)) if (sv !== undefined) sync[sk] = sv;
      out[k] = sync;
    } else {
      out[k] = v;
    }
  }
  return out as Strategy["timing"];
}

const ZERO: Distribution = parseDistribution("0s");

/** Runs every scenario-level check, then assembles the Scenario when nothing failed. */
export function buildScenario(input: BuildInput, previousErrors: number): BuildResult {
  const b = new Builder(input);
  b.registerObjects();
  b.registerNodes();
  b.checkGoverningServices();
  b.checkApps();
  b.checkTraffic(["spec", "traffic"], get(input.raw, "spec", "traffic"));
  b.checkEvents();
  b.checkStrategies();
  b.dryRunEvents();
  b.checkChecks();
  if (b.errors.length > 0 || previousErrors > 0 || input.parsed === undefined || input.invalid.size > 0) {
    return { errors: b.errors, warnings: b.warnings };
  }
  return { errors: b.errors, warnings: b.warnings, scenario: b.assemble(input.parsed) };
}

