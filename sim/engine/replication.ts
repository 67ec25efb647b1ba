/**
 * One replication of one strategy: builds the World from the effective scenario, starts it
 * (steady or empty), plays the timeline (rollouts, scales, patches, deletes, applies, faults),
 * runs to the scenario's duration and gathers what the reports need. Pure with respect to its
 * inputs: the same (scenario, strategy, seed, replication) gives the same result on any machine
 * and in any worker.
 */
import type { Distribution } from "../core/distributions.ts";
import { RandomStreams } from "../core/rng.ts";
import { Priority } from "../core/simulation.ts";
import { MICROS_PER_SECOND, type Time } from "../core/time.ts";
import { computeHash } from "../controllers/template-hash.ts";
import type { AppBehaviour } from "../kubelet/kubelet.ts";
import type { LoggedEvent } from "../model/event-log.ts";
import type { Manifest as KubeManifest } from "../model/from-manifest.ts";
import type { Pod } from "../model/objects.ts";
import type { PodTemplate } from "../model/workloads.ts";
import type { KubeObject } from "../scenario/kube-validation.ts";
import { applyObjectPatch } from "../scenario/strategy.ts";
import type { App, EffectiveScenario, ObjectRef, ScenarioEvent } from "../scenario/types.ts";
import type { NodeSpec } from "./world.ts";
import { World } from "./world.ts";
import { scheduleFaults } from "../faults/inject.ts";
import { announcingFaults } from "../check/fault-signal.ts";
import { checkRequestAccounting } from "../check/traffic.ts";
import { Fault } from "../faults/options.ts";
import { type WorkloadSample, WorkloadMetrics, workloadKey } from "./workload-metrics.ts";
import type { ServiceTrafficResult } from "../network/traffic.ts";
import { mapSelectorMatches } from "../model/workloads.ts";

export interface ReplicationOptions {
  readonly seed: string;
  readonly replication: number;
  /** Timeseries bin (µs). */
  readonly bin: Time;
  readonly recordEvents: boolean;
  /** Events plus simulated requests this replication may process, bootstrap included. */
  readonly maxEvents?: number;
  /** Wall clock (ms since the epoch) by which the replication must end, or it throws WallTimeExceeded. */
  readonly deadline?: number;
  readonly checkInvariants?: boolean;
}

/** Wall-clock ms since the epoch, the same in every thread; the budget's, never the model's. */
export function wallClockMs(): number {
  return performance.timeOrigin + performance.now(); // wall-clock ok: the budget, not the model
}

/** Request and endpoint figures of one time bin (keyed by the bin's end time). */
export interface BinStats {
  readonly endpointsReady: number | null;
  readonly endpointsProgrammedMin: number | null;
  readonly ok: number;
  readonly failed: number;
  readonly timeout: number;
}

export interface ReplicationResult {
  readonly strategy: string;
  readonly replication: number;
  readonly seed: string;
  readonly durationSeconds: number;
  readonly requests: { total: number; ok: number; failed: number; timeout: number };
  readonly availability: number | null;
  readonly reachability: number | null;
  readonly unreachableSeconds: number;
  readonly rolloutDurationSeconds: number | null;
  readonly minAvailableReplicas: number | null;
  readonly maxSurgePods: number | null;
  readonly podsCreated: number;
  readonly podsDeleted: number;
  readonly eventsProcessed: number;
  readonly samples: readonly WorkloadSample[];
  /** Per workload (`deployment/web`), per bin end time: request and endpoint figures of its Service. */
  readonly bins?: ReadonlyMap<string, ReadonlyMap<Time, BinStats>>;
  readonly events: readonly LoggedEvent[];
}

/** App behaviour as the kubelet reads it. */
function behaviour(app: App): AppBehaviour {
  return { startup: app.startup, shutdown: app.shutdown, crash: app.crash ?? null, ready: app.ready, preStop: null };
}

/** Nodes of the scenario's pools: `<pool>-1 … <pool>-n`, zones round-robin. */
export function nodeSpecs(effective: EffectiveScenario): NodeSpec[] {
  const out: NodeSpec[] = [];
  for (const pool of effective.scenario.spec.cluster.nodes) {
    pool.nodes.forEach((name, i) => {
      out.push({
        name,
        pool: pool.name,
        zone: pool.zones[i % pool.zones.length],
        labels: pool.labels,
        allocatable: { cpuMilli: pool.capacity.cpu, memoryBytes: pool.capacity.memory, pods: pool.capacity.pods },
        taints: pool.taints,
      });
    });
  }
  return out;
}

function drawSeconds(d: Distribution, rng: { next(): number }): number {
  return d.sample(rng) / MICROS_PER_SECOND;
}

export function runReplication(effective: EffectiveScenario, options: ReplicationOptions): ReplicationResult {
  const spec = effective.scenario.spec;
  const apps = new Map<string, AppBehaviour>();
  for (const [name, app] of Object.entries(effective.apps)) apps.set(name, behaviour(app));
  /** Behaviour of a revision that a rollout gave an `app` override: workload → hash → behaviour. */
  const revisionApps = new Map<string, Map<string, AppBehaviour>>();
  const fallback = behaviour({ startup: effective.timing.containerStart, shutdown: effective.timing.containerStart, ready: true });
  const appFor = (pod: Pod): AppBehaviour => revisionApps.get(pod.app)?.get(pod.revision) ?? apps.get(pod.app) ?? fallback;

  // Settings drawn once per run come from their own stream, so they never shift other draws.
  const settings = new RandomStreams(options.seed, options.replication).stream("timing", "settings");
  const world = new World({
    seed: options.seed,
    replication: options.replication,
    nodes: nodeSpecs(effective),
    timing: {
      controllerLatency: effective.timing.controllerLatency,
      schedulingLatency: effective.timing.schedulingLatency,
      imagePull: effective.timing.imagePull,
      containerStart: effective.timing.containerStart,
      defaultTolerationSeconds: drawSeconds(effective.timing.defaultTolerationSeconds, settings),
    },
    appFor,
    recordEvents: options.recordEvents,
    checkInvariants: options.checkInvariants,
    network: {
      endpointSliceLatency: effective.timing.endpointSliceLatency,
      kubeProxySync: effective.timing.kubeProxySync,
      traffic: effective.traffic,
      bin: options.bin,
    },
    nodeLifecycle: {
      nodeMonitorPeriod: effective.timing.nodeMonitorPeriod.sample(settings),
      nodeMonitorGracePeriod: effective.timing.nodeMonitorGracePeriod.sample(settings),
    },
  });
  const deadline = options.deadline;
  world.sim.limit({ maxWork: options.maxEvents, overDeadline: deadline === undefined ? undefined : () => wallClockMs() > deadline });
  const duration = spec.duration;
  const metrics = new WorkloadMetrics(world.sim, world.store, options.bin, duration);

  /** The current manifest of every object, as patches and rollouts change it. */
  const manifests = new Map<string, KubeManifest>();
  const initial = effective.manifests.map((m) => {
    const object = structuredClone(m.object) as KubeManifest;
    manifests.set(m.ref, object);
    return object;
  });
  if (spec.start === "steady") world.bootstrap(initial);
  else {
    world.startNetwork();
    for (const m of initial) world.create(m);
  }

  const scenarioEvent = (reason: string, message: string) => world.events.record("Scenario", effective.scenario.metadata.name, reason, message);

  const applyPatch = (target: ObjectRef, patch: Record<string, unknown>): KubeManifest | undefined => {
    const current = manifests.get(target.ref);
    if (current === undefined) return undefined;
    if (target.kind === "Node") return undefined;
    const next = applyObjectPatch(current as KubeObject, patch, target.kind) as KubeManifest;
    manifests.set(target.ref, next);
    world.apply(next);
    return next;
  };

  const play = (event: ScenarioEvent): void => {
    switch (event.action) {
      case "rollout": {
        const r = event.rollout;
        const next = applyPatch(r.target, r.patch);
        if (next === undefined) return;
        const template = (next.spec?.template ?? {}) as PodTemplate;
        if (r.app !== undefined) {
          const base = effective.apps[r.target.name];
          const overridden = behaviour({ ...base, ...r.app } as App);
          let byRevision = revisionApps.get(r.target.name);
          if (byRevision === undefined) revisionApps.set(r.target.name, (byRevision = new Map()));
          // Pods name their revision by pod-template-hash (Deployments) or ControllerRevision name.
          const hash = computeHash(template);
          byRevision.set(hash, overridden);
          byRevision.set(`${r.target.name}-${hash}`, overridden);
        }
        metrics.rolloutStarted(r.target.ref);
        scenarioEvent("Rollout", `${r.target.ref}${r.image ? ` image ${r.image}` : ""}`);
        return;
      }
      case "scale":
        applyPatch(event.scale.target, { spec: { replicas: event.scale.replicas } });
        scenarioEvent("Scale", `${event.scale.target.ref} to ${event.scale.replicas} replicas`);
        return;
      case "patch":
        for (const p of event.patch) applyPatch(p.target, p.patch);
        scenarioEvent("Patch", event.patch.map((p) => p.target.ref).join(", "));
        return;
      case "delete":
        deleteObject(world, event.delete.target);
        manifests.delete(event.delete.target.ref);
        scenarioEvent("Delete", event.delete.target.ref);
        return;
      case "apply":
        for (const m of event.apply.manifests) {
          const object = structuredClone(m.object) as KubeManifest;
          manifests.set(m.ref, object);
          world.apply(object);
        }
        scenarioEvent("Apply", event.apply.manifests.map((m) => m.ref).join(", "));
        return;
      case "fault":
        return; // scheduled by scheduleFaults below, with their own streams
    }
  };

  scheduleFaults(
    announcingFaults(world.faultContext(), world.checks?.faults ?? null),
    effective.events.flatMap((e) => (e.action === "fault" ? [{ at: e.at, every: e.every, fault: faultOf(e) }] : [])),
  );
  for (const event of effective.events) {
    if (event.action === "fault") continue;
    if (event.at !== undefined) {
      if (event.at <= duration) world.sim.at(event.at, () => play(event), 0, Priority.Urgent);
    } else {
      const stream = world.streams.stream("events", `every-${event.index}`);
      const every = event.every;
      const next = () => {
        play(event);
        const at = world.sim.now + every.sample(stream);
        if (at <= duration) world.sim.at(at, next, 0, Priority.Urgent);
      };
      const first = every.sample(stream);
      if (first <= duration) world.sim.at(first, next, 0, Priority.Urgent);
    }
  }

  world.run(duration);
  const rollout = metrics.result();
  const traffic = world.network?.results(duration) ?? [];
  if (world.checks !== null) checkRequestAccounting(traffic, world.sim.now);
  const first = traffic[0];
  return {
    strategy: effective.strategy.name,
    replication: options.replication,
    seed: options.seed,
    durationSeconds: duration / MICROS_PER_SECOND,
    requests: first ? { total: first.requestsTotal, ok: first.ok, failed: first.failed, timeout: first.timeout } : { total: 0, ok: 0, failed: 0, timeout: 0 },
    availability: first?.availability ?? null,
    reachability: first?.reachability ?? null,
    unreachableSeconds: first?.unreachableSeconds ?? 0,
    rolloutDurationSeconds: rollout.rolloutDurationSeconds,
    minAvailableReplicas: rollout.minAvailableReplicas,
    maxSurgePods: rollout.maxSurgePods,
    podsCreated: metrics.podsCreated,
    podsDeleted: metrics.podsDeleted,
    eventsProcessed: world.sim.eventsProcessed,
    samples: metrics.samples,
    bins: workloadBins(world, effective, traffic, options.bin),
    events: world.events.events,
  };
}

/**
 * Per workload, the request and endpoint figures of the first traffic Service that selects its
 * pods, keyed by bin end time (the timeseries' time_s). Workloads behind no traffic Service get
 * none (empty endpoint columns, zero requests).
 */
function workloadBins(
  world: World,
  effective: EffectiveScenario,
  traffic: readonly ServiceTrafficResult[],
  bin: Time,
): Map<string, Map<Time, BinStats>> {
  const out = new Map<string, Map<Time, BinStats>>();
  const workloads = [...world.store.deployments.values(), ...world.store.statefulSets.values()];
  for (const w of workloads) {
    const labels = w.spec.template.metadata?.labels ?? {};
    const index = effective.traffic.findIndex((t) => {
      const svc = world.store.services.get(t.service.split(".").at(-1) ?? t.service) ?? world.store.services.get(t.service);
      return svc?.selector != null && Object.keys(svc.selector).length > 0 && mapSelectorMatches(svc.selector, labels);
    });
    const result = index < 0 ? undefined : traffic[index];
    if (result === undefined) continue;
    const bins = new Map<Time, BinStats>();
    for (const b of result.bins) {
      bins.set(b.start + bin, {
        endpointsReady: b.endpointsReady,
        endpointsProgrammedMin: b.endpointsProgrammedMin,
        ok: b.requestsOk,
        failed: b.requestsFailed,
        timeout: b.requestsTimeout,
      });
    }
    out.set(workloadKey(w), bins);
  }
  return out;
}

/** The validated fault of a timeline entry; its name (`events[3]`) names its random streams. */
export function faultOf(event: Extract<ScenarioEvent, { action: "fault" }>): Fault {
  const f = event.fault;
  return new Fault(
    { action: f.action, mode: f.mode, value: f.value, selector: f.selector, duration: f.duration, gracePeriod: f.gracePeriod },
    `events[${event.index}]`,
  );
}

/** Deletes a workload with background cascading: the object goes, its pods terminate gracefully. */
function deleteObject(world: World, target: ObjectRef): void {
  const store = world.store;
  const kind = target.kind;
  if (kind === "Node") return;
  const owned: Pod[] = [];
  if (kind === "Deployment") {
    const d = store.deployments.get(target.name);
    if (d === undefined) return;
    for (const rs of [...store.replicaSets.values()]) {
      if (rs.owner?.uid !== d.uid) continue;
      for (const pod of store.podsOwnedBy(rs.uid)) owned.push(pod); // no spread: 10^5 arguments overflow the stack
      store.apply({ type: "workload/delete", kind: "ReplicaSet", name: rs.name });
    }
  } else if (kind === "StatefulSet") {
    const s = store.statefulSets.get(target.name);
    if (s === undefined) return;
    for (const pod of store.podsOwnedBy(s.uid)) owned.push(pod);
  }
  if (kind === "Deployment" || kind === "StatefulSet" || kind === "Service" || kind === "PodDisruptionBudget") {
    store.apply({ type: "workload/delete", kind, name: target.name });
  }
  for (const pod of owned) {
    if (store.pods.has(pod.uid) && pod.deletionTimestamp === null) {
      store.apply({ type: "pod/delete", uid: pod.uid, gracePeriodSeconds: pod.spec.terminationGracePeriodSeconds });
    }
  }
}
