/**
 * The EndpointSlice controller: for every Service with a selector, the endpoints of the pods it
 * selects, grouped into slices of at most 100, kept as plain data here (a Map by Service)
 * rather than as store objects, because only the network model reads them.
 *
 * Upstream: pkg/controller/endpointslice/endpointslice_controller.go (`syncService`: a Service
 * without a selector gets no slices from this controller), staging/src/k8s.io/endpointslice:
 * utils.go `podToEndpoint` (conditions), util/controller_utils.go `ShouldPodBeInEndpoints`
 * (which pods), reconciler.go `reconcileByPortMapping` and `finalize` (how endpoints are placed).
 *
 * Timing: a pod or Service change schedules the Service's update `endpointSliceLatency` later;
 * further changes before that update coalesce into it (the controller reads the pods when it
 * runs, like a workqueue key that is already queued). An update that changes nothing is not
 * written. `lastChangeTriggerTime` is the time of the first change the update covers (upstream
 * derives it from pod timestamps, which have whole-second precision; here it is exact).
 *
 * Events (SPEC §4, kind EndpointSlice, name = Service): EndpointReady when an endpoint appears
 * ready or becomes ready, EndpointNotReady when it appears not ready or stops being ready,
 * EndpointRemoved when it goes.
 *
 * Leaves out: ports and port mappings (one mapping per Service), address types other than one
 * IP family, topology hints and trafficDistribution, the legacy Endpoints controller, the
 * ≥ 1 s requeue after slice-only changes (slices are changed by nobody else), API errors.
 */
import type { Distribution } from "../core/distributions.ts";
import type { RandomStream } from "../core/rng.ts";
import { Priority } from "../core/simulation.ts";
import type { Time } from "../core/time.ts";
import { type ControllerContext, randomSuffix } from "../controllers/context.ts";
import type { Pod } from "../model/objects.ts";
import type { Change } from "../model/store.ts";
import { mapSelectorMatches, type Service } from "../model/workloads.ts";
import { type FirstPair, FirstPairIndex, firstPair, samePair } from "./selector-index.ts";

/** discovery/v1 EndpointConditions. */
export interface EndpointConditions {
  /** serving && !terminating, or always with publishNotReadyAddresses. */
  readonly ready: boolean;
  /** The pod is Ready. */
  readonly serving: boolean;
  /** The pod has a deletionTimestamp. */
  readonly terminating: boolean;
}

export interface Endpoint {
  readonly podUid: string;
  readonly podName: string;
  readonly ip: string;
  readonly nodeName: string | null;
  /** Set when the pod's hostname is set and its subdomain names this Service (per-pod DNS). */
  readonly hostname: string | null;
  readonly conditions: EndpointConditions;
}

export interface EndpointSlice {
  readonly name: string;
  readonly endpoints: readonly Endpoint[];
}

/** The slices of one Service. */
export interface ServiceSlices {
  readonly service: string;
  readonly namespace: string;
  readonly slices: readonly EndpointSlice[];
  /** The controller-wide generation of the last update (orders updates across Services). */
  readonly generation: number;
  /** endpoints.kubernetes.io/last-change-trigger-time of the last update. */
  readonly lastChangeTriggerTime: Time | null;
  /** When the last update was written. */
  readonly updatedAt: Time;
}

/** Called after a Service's slices changed; `settled` for the instant adoption of a steady start. */
export type SlicesListener = (slices: ServiceSlices, settled: boolean) => void;

export interface EndpointSliceOptions {
  /** Pod or Service change → slices updated (`timing.endpointSliceLatency`). */
  readonly endpointSliceLatency: Distribution;
  /** --max-endpoints-per-slice, default 100. */
  readonly maxEndpointsPerSlice?: number;
}

export const DEFAULT_MAX_ENDPOINTS_PER_SLICE = 100;

/** `ShouldPodBeInEndpoints(pod, includeTerminating=true)`: has an IP and is not terminal. */
export function shouldPodBeInEndpoints(pod: Pod): boolean {
  return pod.ip !== null && pod.phase !== "Succeeded" && pod.phase !== "Failed";
}

/** `podToEndpoint`: ready = publishNotReadyAddresses || (serving && !terminating). */
export function podToEndpoint(pod: Pod, service: Service): Endpoint {
  const serving = pod.ready;
  const terminating = pod.deletionTimestamp !== null;
  const ready = service.publishNotReadyAddresses || (serving && !terminating);
  const hostname = hostnameFor(pod, service);
  return { podUid: pod.uid, podName: pod.name, ip: pod.ip!, nodeName: pod.nodeName, hostname, conditions: { ready, serving, terminating } };
}

/** Whether a Service selects this pod (a Service without a selector, or an empty one, selects none). */
export function serviceSelects(service: Service, pod: Pod): boolean {
  if (service.selector === null || isEmpty(service.selector)) return false;
  return service.namespace === pod.namespace && mapSelectorMatches(service.selector, pod.labels);
}

function isEmpty(record: Readonly<Record<string, string>>): boolean {
  for (const _ in record) return false;
  return true;
}

/** endpointutil.ShouldSetHostname: hostname set and subdomain = Service name, same namespace. */
function hostnameFor(pod: Pod, service: Service): string | null {
  return pod.spec.hostname !== null && pod.spec.hostname !== "" && pod.spec.subdomain === service.name ? pod.spec.hostname : null;
}

/**
 * Whether podToEndpoint(pod, service) would give an endpoint with e's identity (endpointKey)
 * and e's fields (sameEndpoint), so that `e` can stand for it; allocates nothing.
 */
function endpointStillMatches(e: Endpoint, pod: Pod, service: Service): boolean {
  const serving = pod.ready;
  const terminating = pod.deletionTimestamp !== null;
  const c = e.conditions;
  return (
    e.podUid === pod.uid &&
    e.podName === pod.name &&
    e.ip === pod.ip &&
    e.nodeName === pod.nodeName &&
    (e.hostname ?? "") === (hostnameFor(pod, service) ?? "") &&
    c.serving === serving &&
    c.terminating === terminating &&
    c.ready === (service.publishNotReadyAddresses || (serving && !terminating))
  );
}

/** Endpoint → its endpointKey, computed once per endpoint object (endpoints are immutable). */
const endpointKeys = new WeakMap<Endpoint, string>();

/** EndpointSet identity (util/endpointset.go hashEndpoint: addresses, hostname, target name). */
function endpointKey(e: Endpoint): string {
  let key = endpointKeys.get(e);
  if (key === undefined) {
    key = `${e.podName}\u0000${e.ip}\u0000${e.hostname ?? ""}`;
    endpointKeys.set(e, key);
  }
  return key;
}

function sameEndpoint(a: Endpoint, b: Endpoint): boolean {
  return (
    a.podUid === b.podUid &&
    a.nodeName === b.nodeName &&
    a.conditions.ready === b.conditions.ready &&
    a.conditions.serving === b.conditions.serving &&
    a.conditions.terminating === b.conditions.terminating
  );
}

interface ServiceState {
  slices: ServiceSlices;
  /** Endpoints by pod uid, as currently written. */
  byPod: Map<string, Endpoint>;
  /**
   * The pods the selector matches now, by uid (kept from watch events; no scans per update).
   * A deleted pod leaves every members map (see #podStates), so these are live store objects.
   */
  readonly members: Map<string, Pod>;
  /** The scheduled update, or -1. */
  pending: number;
  /** The first change the pending update covers. */
  pendingSince: Time;
  /** This Service's slot in the handler-argument table. */
  readonly slot: number;
  readonly name: string;
  /** Creation order: pod changes reach the Services they concern in this order. */
  readonly order: number;
  /** Where the state sits in the selector index, or null. */
  indexed: FirstPair | null;
  /** Scratch mark: the pod change that last collected this state. */
  visited: number;
  /** A reconcile has run since the state was made (its slices were then up to date). */
  reconciled: boolean;
}

export class EndpointSliceController {
  readonly #ctx: ControllerContext;
  readonly #latency: Distribution;
  readonly #latencyStream: RandomStream;
  readonly #names: RandomStream;
  readonly #max: number;
  readonly #state = new Map<string, ServiceState>();
  readonly #listeners: SlicesListener[] = [];
  #generation = 0;
  /** Service name by slot: the scheduled update's argument. */
  readonly #slots: string[] = [];
  readonly #onUpdate = (slot: number) => this.#update(this.#slots[slot]);
  #order = 0;
  /**
   * Selector index: (namespace, first selector pair) → states. Scanning every Service per pod
   * change costs O(Services) each (700 Services × 150,000 pods at scale); the index narrows a
   * pod change to the few Services that can select it.
   */
  readonly #byFirstPair = new FirstPairIndex<ServiceState>();
  /**
   * Pod uid → states whose members (and so, until their next write, byPod) may hold it: a
   * superset, checked on use, dropped when the pod is deleted.
   */
  readonly #podStates = new Map<string, ServiceState[]>();
  readonly #candidates: ServiceState[] = [];
  #visit = 0;
  readonly #visitCandidate = (state: ServiceState): void => {
    if (state.visited === this.#visit) return;
    state.visited = this.#visit;
    this.#candidates.push(state);
  };

  constructor(ctx: ControllerContext, options: EndpointSliceOptions) {
    this.#ctx = ctx;
    this.#latency = options.endpointSliceLatency;
    this.#max = options.maxEndpointsPerSlice ?? DEFAULT_MAX_ENDPOINTS_PER_SLICE;
    if (!(Number.isInteger(this.#max) && this.#max >= 1)) throw new RangeError(`maxEndpointsPerSlice must be a positive integer, got ${this.#max}`);
    this.#latencyStream = ctx.streams.stream("endpointslice", "latency");
    this.#names = ctx.streams.stream("endpointslice", "names");
    ctx.store.watch((change) => this.#observe(change));
    this.settle();
  }

  /** The controller-wide generation: incremented by every written update. */
  get generation(): number {
    return this.#generation;
  }

  /** The slices by Service name (Services with a selector only). */
  get slices(): ReadonlyMap<string, ServiceSlices> {
    const out = new Map<string, ServiceSlices>();
    for (const [name, s] of this.#state) out.set(name, s.slices);
    return out;
  }

  /** The slices of one Service, or undefined when it has none. */
  slicesOf(service: string): ServiceSlices | undefined {
    return this.#state.get(service)?.slices;
  }

  /** Every endpoint of a Service, in slice order. */
  endpoints(service: string): Endpoint[] {
    const s = this.#state.get(service);
    if (s === undefined) return [];
    return s.slices.slices.flatMap((slice) => slice.endpoints);
  }

  /** How many endpoints of the Service have ready = true. */
  readyCount(service: string): number {
    let n = 0;
    for (const e of this.endpoints(service)) if (e.conditions.ready) n++;
    return n;
  }

  /** Whether an update of the Service is scheduled. */
  isPending(service: string): boolean {
    return (this.#state.get(service)?.pending ?? -1) !== -1;
  }

  onChange(listener: SlicesListener): void {
    this.#listeners.push(listener);
  }

  /**
   * Writes every Service's slices for the current state at once, without events, and drops
   * pending updates: a steady start, where the slices have long been up to date.
   */
  settle(): void {
    // A Service whose slices were written for exactly what is there now (no change seen since,
    // same pods) would write nothing: a second settle of a steady start skips its 700 reconciles.
    const changed = new Set<ServiceState>();
    for (const s of this.#state.values()) {
      if (s.pending !== -1 || !s.reconciled) changed.add(s);
      this.#cancel(s);
    }
    for (const name of [...this.#state.keys()]) {
      const service = this.#ctx.store.services.get(name);
      if (service === undefined || service.selector === null) this.#remove(name, true);
    }
    const members = this.#selectedPods();
    for (const service of this.#ctx.store.services.values()) {
      if (service.selector === null) continue;
      const state = this.#ensure(service);
      const sameMembers = this.#setMembers(state, members.get(service.name) ?? []);
      if (sameMembers && state.reconciled && !changed.has(state)) continue;
      this.#reconcile(service, this.#ctx.sim.now, true);
    }
  }

  /**
   * Service name → uids of the pods its selector matches, in store order, for every Service with
   * a selector: one pass over the pods with the selector index, not one pass per Service.
   */
  #selectedPods(): Map<string, Pod[]> {
    const index = new FirstPairIndex<Service>();
    for (const service of this.#ctx.store.services.values()) {
      const pair = firstPair(service.namespace, service.selector);
      if (pair !== null) index.add(pair, service);
    }
    const out = new Map<string, Pod[]>();
    let pod: Pod;
    const visit = (service: Service) => {
      if (!serviceSelects(service, pod)) return;
      const list = out.get(service.name);
      if (list === undefined) out.set(service.name, [pod]);
      else list.push(pod);
    };
    this.#ctx.store.pods.forEach((p) => {
      pod = p;
      index.forCandidates(p.namespace, p.labels, visit);
    });
    return out;
  }

  #observe(change: Change): void {
    if (change.kind === "Pod") {
      const pod = change.object;
      const candidates = this.#collect(pod);
      for (let i = 0; i < candidates.length; i++) {
        const state = candidates[i];
        const service = this.#ctx.store.services.get(state.name);
        if (service === undefined) continue;
        const present = state.byPod.get(pod.uid);
        if (change.type === "deleted") {
          state.members.delete(pod.uid);
          if (present !== undefined) this.#enqueue(state);
          continue;
        }
        const selected = serviceSelects(service, pod);
        if (selected) this.#addMember(state, pod);
        else state.members.delete(pod.uid);
        // Nothing to do when the pod neither is nor should be an endpoint, or when the endpoint
        // written for it is still exactly what podToEndpoint would give.
        const wanted = selected && shouldPodBeInEndpoints(pod);
        if (!wanted && present === undefined) continue;
        if (wanted && present !== undefined && endpointStillMatches(present, pod, service)) continue;
        this.#enqueue(state);
      }
      candidates.length = 0;
      if (change.type === "deleted") this.#podStates.delete(pod.uid);
    } else if (change.kind === "Service") {
      const service = change.object as Service;
      if (change.type === "deleted" || service.selector === null) {
        if (this.#state.has(service.name)) this.#remove(service.name, false);
        return;
      }
      const state = this.#ensure(service);
      this.#reindex(state, service);
      this.#rescan(state, service);
      this.#enqueue(state);
    }
  }

  /**
   * The states a pod change can concern, in creation order (the order of a walk over every
   * state): those whose selector may match the pod now and those that may hold it already.
   * Every other state would neither change its members nor enqueue an update.
   */
  #collect(pod: Pod): ServiceState[] {
    const out = this.#candidates;
    this.#visit++;
    const held = this.#podStates.get(pod.uid);
    if (held !== undefined) {
      for (const state of held) if (this.#state.get(state.name) === state) this.#visitCandidate(state);
    }
    this.#byFirstPair.forCandidates(pod.namespace, pod.labels, this.#visitCandidate);
    // Nearly always one or two states: insertion sort by creation order.
    for (let i = 1; i < out.length; i++) {
      const s = out[i];
      let j = i - 1;
      while (j >= 0 && out[j].order > s.order) {
        out[j + 1] = out[j];
        j--;
      }
      out[j + 1] = s;
    }
    return out;
  }

  #addMember(state: ServiceState, pod: Pod): void {
    const uid = pod.uid;
    if (state.members.has(uid)) return;
    state.members.set(uid, pod);
    const held = this.#podStates.get(uid);
    if (held === undefined) this.#podStates.set(uid, [state]);
    else if (!held.includes(state)) held.push(state);
  }

  /**
   * Sets the members to `pods`, in that order; returns true when they were those already
   * (nothing to do).
   */
  #setMembers(state: ServiceState, pods: readonly Pod[]): boolean {
    if (state.members.size === pods.length) {
      let i = 0;
      let same = true;
      for (const pod of state.members.values()) {
        if (pod !== pods[i++]) {
          same = false;
          break;
        }
      }
      if (same) return true;
    }
    state.members.clear();
    for (const pod of pods) this.#addMember(state, pod);
    return false;
  }

  /** Files the state under its Service's current selector. */
  #reindex(state: ServiceState, service: Service): void {
    const pair = firstPair(service.namespace, service.selector);
    if (samePair(pair, state.indexed)) return;
    this.#unindex(state);
    if (pair === null) return;
    state.indexed = pair;
    this.#byFirstPair.add(pair, state);
  }

  #unindex(state: ServiceState): void {
    if (state.indexed === null) return;
    this.#byFirstPair.remove(state.indexed, state);
    state.indexed = null;
  }

  #ensure(service: Service): ServiceState {
    let state = this.#state.get(service.name);
    if (state === undefined) {
      let slot = this.#slots.indexOf(service.name);
      if (slot < 0) {
        slot = this.#slots.length;
        this.#slots.push(service.name);
      }
      state = {
        slices: emptySlices(service.name, service.namespace, this.#generation, this.#ctx.sim.now),
        byPod: new Map(),
        members: new Map(),
        pending: -1,
        pendingSince: 0,
        slot,
        name: service.name,
        order: this.#order++,
        indexed: null,
        visited: 0,
        reconciled: false,
      };
      this.#state.set(service.name, state);
    }
    this.#reindex(state, service);
    return state;
  }

  /** Lists the pods the selector matches (a new or changed Service). */
  #rescan(state: ServiceState, service: Service): void {
    state.members.clear();
    this.#ctx.store.pods.forEach((pod) => {
      if (serviceSelects(service, pod)) this.#addMember(state, pod);
    });
  }

  #enqueue(state: ServiceState): void {
    if (state.pending !== -1) return;
    state.pendingSince = this.#ctx.sim.now;
    state.pending = this.#ctx.sim.after(this.#latency.sample(this.#latencyStream), this.#onUpdate, state.slot, Priority.Normal);
  }

  #cancel(state: ServiceState): void {
    if (state.pending !== -1) this.#ctx.sim.cancel(state.pending);
    state.pending = -1;
  }

  #update(name: string): void {
    const state = this.#state.get(name);
    if (state === undefined) return;
    state.pending = -1;
    const service = this.#ctx.store.services.get(name);
    if (service === undefined || service.selector === null) return;
    this.#reconcile(service, state.pendingSince, false);
  }

  #remove(name: string, quiet: boolean): void {
    const state = this.#state.get(name)!;
    this.#cancel(state);
    this.#unindex(state);
    if (!quiet) {
      for (const e of state.byPod.values()) this.#ctx.events.record("EndpointSlice", name, "EndpointRemoved", `${e.podName} (${e.ip}) removed: Service deleted`);
    }
    this.#state.delete(name);
    this.#generation++;
    const slices = emptySlices(name, state.slices.namespace, this.#generation, this.#ctx.sim.now);
    for (const listener of this.#listeners) listener(slices, quiet);
  }

  /** One reconcile of one Service: desired endpoints, placement, one write, events. */
  #reconcile(service: Service, trigger: Time, quiet: boolean): void {
    const now = this.#ctx.sim.now;
    const state = this.#ensure(service);
    const desired = new Map<string, Endpoint>();
    for (const [uid, pod] of state.members) {
      if (!shouldPodBeInEndpoints(pod)) continue;
      // The endpoint written last time when nothing about it changed (most of them, at scale).
      const written = state.byPod.get(uid);
      const e = written !== undefined && endpointStillMatches(written, pod, service) ? written : podToEndpoint(pod, service);
      desired.set(endpointKey(e), e);
    }
    const placed = placeConsuming(state.slices.slices, desired, this.#max, () => `${service.name}-${randomSuffix(this.#names)}`);
    state.reconciled = true;
    if (placed === null) return; // nothing to write
    const before = state.byPod;
    const after = new Map<string, Endpoint>();
    for (const slice of placed) for (const e of slice.endpoints) after.set(e.podUid, e);
    this.#generation++;
    state.slices = { service: service.name, namespace: service.namespace, slices: placed, generation: this.#generation, lastChangeTriggerTime: trigger, updatedAt: now };
    state.byPod = after;
    if (!quiet) this.#recordEvents(service.name, before, after);
    for (const listener of this.#listeners) listener(state.slices, quiet);
  }

  #recordEvents(name: string, before: ReadonlyMap<string, Endpoint>, after: ReadonlyMap<string, Endpoint>): void {
    const log = this.#ctx.events;
    for (const [uid, old] of before) {
      const now = after.get(uid);
      if (now === undefined || now.ip !== old.ip) log.record("EndpointSlice", name, "EndpointRemoved", `${old.podName} (${old.ip}) removed`);
    }
    for (const [uid, e] of after) {
      const old = before.get(uid);
      const fresh = old === undefined || old.ip !== e.ip;
      if (!fresh && old.conditions.ready === e.conditions.ready) continue;
      if (e.conditions.ready) log.record("EndpointSlice", name, "EndpointReady", `${e.podName} (${e.ip}) is ready`);
      else log.record("EndpointSlice", name, "EndpointNotReady", `${e.podName} (${e.ip}) is not ready (${describe(e.conditions)})`);
    }
  }
}

function describe(c: EndpointConditions): string {
  return `serving=${c.serving}, terminating=${c.terminating}`;
}

function emptySlices(service: string, namespace: string, generation: number, now: Time): ServiceSlices {
  return { service, namespace, slices: [], generation, lastChangeTriggerTime: null, updatedAt: now };
}

/**
 * reconciler.go `reconcileByPortMapping` + `finalize` for one port mapping: returns the new
 * slices, or null when nothing changes.
 *  1. Existing slices keep the desired endpoints they hold (updated in place); a slice that
 *     lost all its endpoints is deleted.
 *  2. Remaining new endpoints fill the slices already being updated, fullest first.
 *  3. Then, when fewer than a slice's worth remain, the unchanged slice that would be left
 *     closest to full takes them (`getSliceToFill`); otherwise new slices are created.
 *  finalize: a slice to create reuses the name of a slice to delete (an update instead).
 * A Service without endpoints keeps one empty placeholder slice.
 * Go iterates sets in random order; here every choice follows slice order, then pod order.
 */
export function placeEndpoints(
  existing: readonly EndpointSlice[],
  desired: ReadonlyMap<string, Endpoint>,
  max: number,
  newName: () => string,
): EndpointSlice[] | null {
  return placeConsuming(existing, new Map(desired), max, newName);
}

/** placeEndpoints that takes the endpoints it places out of `desired` (no copy per reconcile). */
function placeConsuming(existing: readonly EndpointSlice[], desired: Map<string, Endpoint>, max: number, newName: () => string): EndpointSlice[] | null {
  const kept: { name: string; endpoints: Endpoint[]; state: "unchanged" | "update" | "delete" }[] = [];
  for (const slice of existing) {
    const endpoints: Endpoint[] = [];
    let updated = false;
    for (const e of slice.endpoints) {
      const key = endpointKey(e);
      const got = desired.get(key);
      if (got === undefined) continue;
      endpoints.push(got);
      if (got !== e && !sameEndpoint(got, e)) updated = true;
      desired.delete(key);
    }
    let state: "unchanged" | "update" | "delete" = "unchanged";
    if (updated || endpoints.length !== slice.endpoints.length) state = endpoints.length === 0 ? "delete" : "update";
    kept.push({ name: slice.name, endpoints, state });
  }
  const remaining: Endpoint[] = [];
  for (const e of desired.values()) remaining.push(e);
  let next = 0;
  // 2. Fill the slices being updated, fullest first (stable for equal lengths).
  const updating = kept.filter((s) => s.state === "update").sort((a, b) => b.endpoints.length - a.endpoints.length);
  for (const s of updating) while (next < remaining.length && s.endpoints.length < max) s.endpoints.push(remaining[next++]);
  // 3. An unchanged slice with room for all that is left, or new slices.
  const created: Endpoint[][] = [];
  while (next < remaining.length) {
    const left = remaining.length - next;
    let fill: (typeof kept)[number] | undefined;
    if (left < max) {
      let closest = max;
      for (const s of kept) {
        if (s.state !== "unchanged") continue;
        const diff = max - (left + s.endpoints.length);
        if (diff >= 0 && diff < closest) {
          closest = diff;
          fill = s;
          if (diff === 0) break;
        }
      }
    }
    if (fill !== undefined) {
      fill.state = "update";
      while (next < remaining.length && fill.endpoints.length < max) fill.endpoints.push(remaining[next++]);
    } else {
      const endpoints: Endpoint[] = [];
      while (next < remaining.length && endpoints.length < max) endpoints.push(remaining[next++]);
      created.push(endpoints);
    }
  }
  const deleting = kept.filter((s) => s.state === "delete");
  const survivors = kept.filter((s) => s.state !== "delete").length + created.length;
  // The placeholder (an existing empty slice is "unchanged" above and stays as it is).
  if (survivors === 0) {
    const name = deleting.length > 0 ? deleting[0].name : newName();
    return [{ name, endpoints: [] }];
  }
  const changed = created.length > 0 || kept.some((s) => s.state !== "unchanged");
  if (!changed) return null;
  const out: EndpointSlice[] = [];
  for (const s of kept) if (s.state !== "delete") out.push({ name: s.name, endpoints: s.endpoints });
  // finalize: creations take over the names of deletions, from the last creation backwards.
  const names: (string | undefined)[] = [];
  for (let i = created.length - 1; i >= 0 && deleting.length > 0; i--) names[i] = deleting.shift()!.name;
  for (let i = 0; i < created.length; i++) out.push({ name: names[i] ?? newName(), endpoints: created[i] });
  return out;
}
