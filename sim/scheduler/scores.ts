/**
 * Per-node Score plugins and NormalizeScore as the default profile computes them:
 * NodeResourcesFit (LeastAllocated, cpu and memory weight 1), NodeResourcesBalancedAllocation,
 * TaintToleration (PreferNoSchedule), and helper.DefaultNormalizeScore. PodTopologySpread's score
 * needs cluster-wide counts and lives in topology-spread.ts. All arithmetic is integer where
 * upstream's is int64 (truncating division) and float where upstream's is float64.
 *
 * Left out on purpose: NodeAffinity (only preferred terms score; kubesim has none, so upstream
 * skips the plugin), InterPodAffinity and ImageLocality (no pod affinity, no image model: every
 * node scores alike), MostAllocated / RequestedToCapacityRatio strategies, and the v1.36
 * BalancedAllocation change (kubernetes/kubernetes#135573) that scores the change in balance.
 */
import { tolerationsTolerateTaint } from "./filters.ts";
import type { ResourceRequests, SchedNode, SchedPod } from "./types.ts";

/** framework.MaxNodeScore. */
export const MAX_NODE_SCORE = 100;

/**
 * Plugin weights of the default profile (apis/config/v1/default_plugins.go). Only the plugins
 * kubesim scores are used; the rest are listed so the table matches upstream.
 */
export const SCORE_WEIGHTS = Object.freeze({
  TaintToleration: 3,
  NodeAffinity: 2,
  PodTopologySpread: 2,
  InterPodAffinity: 2,
  NodeResourcesFit: 1,
  NodeResourcesBalancedAllocation: 1,
  ImageLocality: 1,
});

/** schedutil.DefaultMilliCPURequest: 0.1 core. */
export const DEFAULT_MILLI_CPU_REQUEST = 100;
/** schedutil.DefaultMemoryRequest: 200 MiB. */
export const DEFAULT_MEMORY_REQUEST = 200 * 1024 * 1024;

/**
 * The requests a pod counts for in LeastAllocated scoring (pkg/scheduler/util/pod_resources.go
 * GetNonzeroRequests): an unset cpu request counts as 100m and an unset memory request as 200 MiB,
 * so pods without requests neither pile onto one node nor look free to the next pod. Upstream
 * defaults only *missing* requests, not explicit zeros, and does so per container; kubesim has
 * one request per pod and treats 0 as missing. The caller sums this over a node's pods into
 * `SchedNode.nonZeroRequested`.
 */
export function nonZeroRequests(requests: ResourceRequests): ResourceRequests {
  return {
    cpuMilli: requests.cpuMilli === 0 ? DEFAULT_MILLI_CPU_REQUEST : requests.cpuMilli,
    memoryBytes: requests.memoryBytes === 0 ? DEFAULT_MEMORY_REQUEST : requests.memoryBytes,
  };
}

/**
 * noderesources/least_allocated.go leastRequestedScore: (capacity − requested)·100 / capacity,
 * truncated; 0 when requested exceeds capacity or capacity is 0.
 */
export function leastRequestedScore(requested: number, capacity: number): number {
  if (capacity === 0 || requested > capacity) return 0;
  return Math.floor(((capacity - requested) * MAX_NODE_SCORE) / capacity);
}

/**
 * NodeResourcesFit score with the LeastAllocated strategy.
 *
 * noderesources/least_allocated.go leastResourceScorer over resource_allocation.go
 * calculateResourceAllocatableRequest (useRequested = false): requested = node's NonZeroRequested
 * + the pod's non-zero request; per-resource scores weighted 1 each, summed, divided by the weight
 * sum with truncation. A resource with allocatable 0 is skipped.
 *
 * Worked example: node 4000m / 8 GiB with 1000m / 2 GiB requested, pod 1000m / 2 GiB →
 * cpu (4000−2000)·100/4000 = 50, memory (8−4)·100/8 = 50 → (50 + 50) / 2 = 50.
 */
export function leastAllocatedScore(pod: SchedPod, node: SchedNode): number {
  const alloc = node.allocatable;
  const used = node.nonZeroRequested ?? node.requested;
  const req = pod.requests;
  return leastAllocated(
    alloc.cpuMilli,
    alloc.memoryBytes,
    used.cpuMilli + (req.cpuMilli === 0 ? DEFAULT_MILLI_CPU_REQUEST : req.cpuMilli),
    used.memoryBytes + (req.memoryBytes === 0 ? DEFAULT_MEMORY_REQUEST : req.memoryBytes),
  );
}

/** leastAllocatedScore's arithmetic on plain numbers: requested = node's non-zero requests + the pod's. */
export function leastAllocated(allocCpu: number, allocMemory: number, cpu: number, memory: number): number {
  let score = 0;
  let weightSum = 0;
  if (allocCpu !== 0) {
    score += leastRequestedScore(cpu, allocCpu);
    weightSum += 1;
  }
  if (allocMemory !== 0) {
    score += leastRequestedScore(memory, allocMemory);
    weightSum += 1;
  }
  return weightSum === 0 ? 0 : Math.floor(score / weightSum);
}

/**
 * A best-effort pod (no cpu and no memory request) is not scored by BalancedAllocation:
 * balanced_allocation.go PreScore returns Skip (kubernetes/kubernetes#130260, v1.33), so the
 * plugin adds nothing to any node.
 */
export function isBestEffort(pod: SchedPod): boolean {
  return pod.requests.cpuMilli === 0 && pod.requests.memoryBytes === 0;
}

/**
 * NodeResourcesBalancedAllocation score (call only for pods that are not best-effort).
 *
 * noderesources/balanced_allocation.go balancedResourceScorer with useRequested = true: the
 * fractions are (node's actual Requested + the pod's actual request) / allocatable, capped at 1;
 * with two resources the standard deviation is |f_cpu − f_mem| / 2; score = int((1 − std)·100).
 * A resource with allocatable 0 is skipped (one fraction left → std 0 → 100).
 *
 * Worked example: node 4000m / 8 GiB with 1000m / 1 GiB requested, pod 1000m / 1 GiB →
 * f_cpu = 2000/4000 = 0.5, f_mem = 2/8 = 0.25, std = 0.125 → int(87.5) = 87.
 */
export function balancedAllocationScore(pod: SchedPod, node: SchedNode): number {
  const alloc = node.allocatable;
  const used = node.requested;
  const req = pod.requests;
  return balancedAllocation(alloc.cpuMilli, alloc.memoryBytes, used.cpuMilli + req.cpuMilli, used.memoryBytes + req.memoryBytes);
}

/** balancedAllocationScore's arithmetic on plain numbers: requested = node's requests + the pod's. */
export function balancedAllocation(allocCpu: number, allocMemory: number, cpu: number, memory: number): number {
  let first = -1;
  let second = -1;
  if (allocCpu !== 0) first = Math.min(1, cpu / allocCpu);
  if (allocMemory !== 0) {
    const f = Math.min(1, memory / allocMemory);
    if (first < 0) first = f;
    else second = f;
  }
  const std = second < 0 ? 0 : Math.abs((first - second) / 2);
  return Math.trunc((1 - std) * MAX_NODE_SCORE);
}

/**
 * NodeResourcesFit (LeastAllocated) plus, unless the pod is best-effort, BalancedAllocation, each
 * by its weight: the resource part of a node's score from its columns after the pod is placed
 * (`used*`: non-zero requests, `requested*`: plain requests).
 */
export function weightedResourceScore(
  allocCpu: number,
  allocMemory: number,
  usedCpu: number,
  usedMemory: number,
  requestedCpu: number,
  requestedMemory: number,
  bestEffort: boolean,
): number {
  let total = SCORE_WEIGHTS.NodeResourcesFit * leastAllocated(allocCpu, allocMemory, usedCpu, usedMemory);
  if (!bestEffort) total += SCORE_WEIGHTS.NodeResourcesBalancedAllocation * balancedAllocation(allocCpu, allocMemory, requestedCpu, requestedMemory);
  return total;
}

/**
 * TaintToleration raw score: the number of PreferNoSchedule taints the pod does not tolerate
 * (tainttoleration/taint_toleration.go countIntolerableTaintsPreferNoSchedule). Only tolerations
 * with an empty or PreferNoSchedule effect can tolerate them, which toleratesTaint already
 * enforces. Normalised later with reverse = true.
 */
export function taintTolerationRawScore(pod: SchedPod, node: SchedNode): number {
  let count = 0;
  for (const taint of node.taints) {
    if (taint.effect !== "PreferNoSchedule") continue;
    if (!tolerationsTolerateTaint(pod.tolerations, taint)) count++;
  }
  return count;
}

/**
 * plugins/helper/normalize_score.go DefaultNormalizeScore(MaxNodeScore, reverse), in place on the
 * first `n` entries: score·100 / max (truncated), then 100 − score when reversed; when every score
 * is 0, reversed scores all become 100 and others stay 0.
 *
 * Worked example (reverse, TaintToleration): raw [0, 1, 2] → [0, 50, 100] → [100, 50, 0].
 */
export function defaultNormalizeScore(scores: { [i: number]: number }, n: number, reverse: boolean): void {
  let max = 0;
  for (let i = 0; i < n; i++) if (scores[i] > max) max = scores[i];
  if (max === 0) {
    if (reverse) for (let i = 0; i < n; i++) scores[i] = MAX_NODE_SCORE;
    return;
  }
  for (let i = 0; i < n; i++) {
    const s = Math.floor((MAX_NODE_SCORE * scores[i]) / max);
    scores[i] = reverse ? MAX_NODE_SCORE - s : s;
  }
}
