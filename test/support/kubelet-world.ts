/**
 * A small world for kubelet tests: one simulation, a store, one node and a kubelet with constant
 * timings, plus a factory for pods with a literal spec (no templates, no controllers).
 */
import { ConstantDistribution, type Distribution } from "../../sim/core/distributions.ts";
import { RandomStreams } from "../../sim/core/rng.ts";
import { Simulation } from "../../sim/core/simulation.ts";
import { seconds, type Time } from "../../sim/core/time.ts";
import { type AppBehaviour, Kubelet } from "../../sim/kubelet/kubelet.ts";
import { EventLog } from "../../sim/model/event-log.ts";
import type { ContainerSpec, Node, Pod, PodSpec, ProbeSpec } from "../../sim/model/objects.ts";
import { ClusterStore } from "../../sim/model/store.ts";

export const constant = (s: number): Distribution => new ConstantDistribution(seconds(s));

export function probe(overrides: Partial<ProbeSpec> = {}): ProbeSpec {
  return { initialDelaySeconds: 0, periodSeconds: 10, timeoutSeconds: 1, successThreshold: 1, failureThreshold: 3, ...overrides };
}

export function container(overrides: Partial<ContainerSpec> = {}): ContainerSpec {
  return {
    name: "app",
    image: "app:v1",
    imagePullPolicy: "IfNotPresent",
    requests: { cpuMilli: 100, memoryBytes: 128 * 2 ** 20 },
    readinessProbe: null,
    livenessProbe: null,
    startupProbe: null,
    preStop: null,
    ...overrides,
  };
}

export function makeNode(name: string, zone = "a"): Node {
  return {
    name,
    pool: "worker",
    zone,
    labels: { "kubernetes.io/hostname": name, "topology.kubernetes.io/zone": zone },
    allocatable: { cpuMilli: 4000, memoryBytes: 16 * 2 ** 30, pods: 110 },
    requested: { cpuMilli: 0, memoryBytes: 0, pods: 0 },
    unschedulable: false,
    taints: [],
    ready: { status: "True", lastTransitionTime: 0 },
    kubeletUp: true,
    reachable: true,
    images: new Set(),
  };
}

let uidCounter = 0;

export function makePod(name: string, spec: Partial<PodSpec> = {}, now: Time = 0): Pod {
  return {
    uid: `uid-${String(++uidCounter).padStart(6, "0")}`,
    name,
    namespace: "default",
    labels: { app: "web" },
    annotations: {},
    owner: null,
    revision: "v1",
    app: "web",
    spec: {
      containers: [container()],
      terminationGracePeriodSeconds: 30,
      restartPolicy: "Always",
      nodeSelector: {},
      tolerations: [],
      requiredNodeAffinity: null,
      hostname: null,
      subdomain: null,
      ...spec,
    },
    creationTime: now,
    nodeName: null,
    ip: null,
    phase: "Pending",
    ready: false,
    readyTransitionTime: now,
    containersRunning: false,
    process: "none",
    restartCount: 0,
    deletionTimestamp: null,
    deletionRequestedAt: null,
    deletionGracePeriodSeconds: null,
    disruptionTarget: null,
  };
}

export interface KubeletWorld {
  sim: Simulation;
  store: ClusterStore;
  kubelet: Kubelet;
  events: EventLog;
  /** "reason@seconds" for every event of one pod, in order. */
  timeline(podName: string): string[];
}

export function kubeletWorld(app: Partial<AppBehaviour> = {}, timing: { imagePull?: number; containerStart?: number } = {}): KubeletWorld {
  const sim = new Simulation();
  const store = new ClusterStore(() => sim.now);
  const events = new EventLog(() => sim.now);
  const behaviour: AppBehaviour = { startup: constant(3), shutdown: constant(2), crash: null, ready: true, preStop: null, ...app };
  const kubelet = new Kubelet({
    sim,
    store,
    streams: new RandomStreams("kubelet-test", 0),
    timing: { imagePull: constant(timing.imagePull ?? 2), containerStart: constant(timing.containerStart ?? 0.5) },
    events,
    appFor: () => behaviour,
  });
  store.apply({ type: "node/add", node: makeNode("node-1") });
  return {
    sim,
    store,
    kubelet,
    events,
    timeline: (podName) => events.events.filter((e) => e.name === podName).map((e) => `${e.reason}@${e.time / 1e6}`),
  };
}
