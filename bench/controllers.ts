/**
 * Reconcile cost of the controllers' pure decisions, per call: a ReplicaSet sync that picks 50
 * of 100 pods to delete (the ranking sort), the rolling-update scale-down plan, and one
 * scheduling cycle on 1,000 nodes. Measured with a fixed-iteration loop (the calls are
 * microseconds each, below tinybench's useful resolution).
 */
import { planOldReplicaSetsScaleDown } from "../sim/controllers/deployment/rolling-math.ts";
import { syncReplicaSet } from "../sim/controllers/replicaset/controller.ts";
import { PodCountIndex } from "../sim/scheduler/pod-index.ts";
import { schedulePod } from "../sim/scheduler/schedule.ts";
import type { SchedNode, SchedPod } from "../sim/scheduler/types.ts";
import { RandomStreams } from "../sim/core/rng.ts";
import type { Pod } from "../sim/model/objects.ts";
import type { ReplicaSet } from "../sim/model/workloads.ts";
import type { Measurement } from "./thresholds.ts";

function timeCalls(calls: number, fn: () => void): number {
  for (let i = 0; i < Math.min(100, calls); i++) fn();
  const t0 = performance.now();
  for (let i = 0; i < calls; i++) fn();
  return (performance.now() - t0) / calls / 1000; // seconds per call
}

function pods(n: number): Pod[] {
  return Array.from({ length: n }, (_, i) => ({
    uid: `u${String(i).padStart(5, "0")}`,
    name: `web-${i}`,
    namespace: "default",
    labels: { app: "web" },
    annotations: {},
    owner: { kind: "ReplicaSet" as const, name: "web-1", uid: "rs" },
    revision: "1",
    app: "web",
    spec: { containers: [], terminationGracePeriodSeconds: 30, restartPolicy: "Always" as const, nodeSelector: {}, tolerations: [], requiredNodeAffinity: null, hostname: null, subdomain: null },
    creationTime: i * 1_000_000,
    nodeName: `node-${i % 10}`,
    ip: `10.0.0.${i}`,
    phase: "Running" as const,
    ready: i % 7 !== 0,
    readyTransitionTime: i * 2_000_000,
    containersRunning: true,
    process: "listening" as const,
    restartCount: i % 3,
    deletionTimestamp: null,
    deletionRequestedAt: null,
    deletionGracePeriodSeconds: null,
    disruptionTarget: null,
  }));
}

export function controllerBenchmarks(quick: boolean): Measurement[] {
  const calls = quick ? 2_000 : 10_000;
  const owned = pods(100);
  const rs = { spec: { replicas: 50, minReadySeconds: 0 }, deletionTimestamp: null } as unknown as ReplicaSet;
  const rsSync = timeCalls(calls, () => syncReplicaSet(rs, owned, owned, 500_000_000));

  const oldRSs = Array.from({ length: 5 }, (_, i) => ({ name: `old-${i}`, creationTime: i, specReplicas: 20, availableReplicas: 18 }));
  const plan = timeCalls(calls * 10, () =>
    planOldReplicaSetsScaleDown({ oldRSs, newRS: { specReplicas: 10, availableReplicas: 8 }, replicas: 100, maxUnavailable: 25 }),
  );

  const nodes: SchedNode[] = Array.from({ length: 1000 }, (_, i) => ({
    name: `node-${i}`,
    labels: {},
    zone: `z${i % 3}`,
    allocatable: { cpuMilli: 4000, memoryBytes: 16 * 2 ** 30, pods: 110 },
    requested: { cpuMilli: (i * 37) % 3000, memoryBytes: 0, pods: i % 50 },
    unschedulable: false,
    taints: [],
    ready: true,
  }));
  const selector = { matchLabels: { app: "web" } };
  const pod: SchedPod = { name: "p", namespace: "default", labels: { app: "web" }, requests: { cpuMilli: 100, memoryBytes: 2 ** 27 }, tolerations: [], spreadSelector: selector };
  const index = new PodCountIndex();
  const rng = new RandomStreams("bench", 0).stream("scheduler", "bench");
  let start = 0;
  const schedule = timeCalls(quick ? 500 : 2_000, () => {
    const r = schedulePod(pod, nodes, start, rng, index);
    start = r.nextStartIndex;
  });
  return [
    { benchmark: "reconcile-replicaset-100-pods", metric: "calls_per_s", value: 1 / rsSync, unit: "1/s" },
    { benchmark: "plan-old-replicasets", metric: "calls_per_s", value: 1 / plan, unit: "1/s" },
    { benchmark: "schedule-pod-1000-nodes", metric: "calls_per_s", value: 1 / schedule, unit: "1/s" },
  ];
}
