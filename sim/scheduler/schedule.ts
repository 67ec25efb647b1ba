/**
 * One scheduling cycle for one pod (schedule_one.go schedulePod): filter nodes round-robin from
 * the caller's start index until enough feasible nodes are found, score them with the default
 * plugins and weights, and pick the best with ties broken by reservoir sampling. Pure: the caller
 * owns the clock, the queue, binding, and the running start index.
 *
 * At scale the caller passes a NodeTable (node-table.ts): the filters and scores then read its
 * columns, and the common case (no node affinity, system-default spreading) runs as one fused
 * pass (fused-cycle.ts). Every path gives the same result and the same random draws
 * (test/scheduler/node-table.test.ts).
 *
 * Left out on purpose: nominated nodes and preemption (so no " preemption: …" suffix on the
 * FitError message), extenders, PreFilter results narrowing the node list, parallelism (upstream
 * filters nodes concurrently and may check a few extra nodes; here exactly enough are checked),
 * and OpportunisticBatching (v1.36).
 */
import type { RandomSource } from "../core/rng.ts";
import { filterNodeAffinity, filterNodeResourcesFit, filterNodeUnschedulable, filterTaintToleration, resourcesFit } from "./filters.ts";
import {
  balancedAllocationScore,
  DEFAULT_MEMORY_REQUEST,
  DEFAULT_MILLI_CPU_REQUEST,
  defaultNormalizeScore,
  isBestEffort,
  leastAllocatedScore,
  MAX_NODE_SCORE,
  SCORE_WEIGHTS,
  taintTolerationRawScore,
  weightedResourceScore,
} from "./scores.ts";
import { fusedCycle } from "./fused-cycle.ts";
import { filterTopologySpread, hostnameAndZoneSpread, preFilterTopologySpread, type SpreadFilterState, scoreTopologySpread } from "./topology-spread.ts";
import { invariantScheduler } from "./invariant.ts";
import { podHasNodeAffinity } from "./labels.ts";
import type { NodeTable } from "./node-table.ts";
import type { MatchingPodCounter, SchedNode, SchedPod } from "./types.ts";

export type { RandomSource };

/** schedule_one.go minFeasibleNodesToFind. */
export const MIN_FEASIBLE_NODES_TO_FIND = 100;
/** schedule_one.go minFeasibleNodesPercentageToFind. */
export const MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND = 5;
/** framework/types.go NoNodeAvailableMsg. */
export const NO_NODE_AVAILABLE_MSG = "0/%v nodes are available";
/** schedule_one.go ErrNoNodesAvailable. */
export const ERR_NO_NODES_AVAILABLE = "no nodes available to schedule pods";

/**
 * How many feasible nodes to find before scoring (schedule_one.go numFeasibleNodesToFind).
 * Fewer than 100 nodes: all. Otherwise `percentage` of them, at least 100, where an unset or 0
 * percentage is adaptive: 50 − nodes/125 (integer division), at least 5.
 *
 * Worked examples: 50 → 50; 100 → 50 % = 50, raised to 100; 1000 → 42 % = 420;
 * 5000 → 10 % = 500.
 */
export function numFeasibleNodesToFind(numAllNodes: number, percentageOfNodesToScore?: number): number {
  invariantScheduler(Number.isInteger(numAllNodes) && numAllNodes >= 0, `numAllNodes must be a non-negative integer, got ${numAllNodes}`);
  if (numAllNodes < MIN_FEASIBLE_NODES_TO_FIND) return numAllNodes;
  let percentage = percentageOfNodesToScore ?? 0;
  invariantScheduler(
    Number.isInteger(percentage) && percentage >= 0 && percentage <= 100,
    `percentageOfNodesToScore must be an integer in [0, 100], got ${percentage}`,
  );
  if (percentage === 0) {
    percentage = 50 - Math.trunc(numAllNodes / 125);
    if (percentage < MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND) percentage = MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND;
  }
  const numNodes = Math.trunc((numAllNodes * percentage) / 100);
  return Math.max(numNodes, MIN_FEASIBLE_NODES_TO_FIND);
}

/**
 * Runs the Filter plugins in the default profile's order and stops at the first failure, as
 * framework.RunFilterPlugins does: NodeUnschedulable, TaintToleration, NodeAffinity,
 * NodeResourcesFit, PodTopologySpread. Returns null when the node fits, else that plugin's reasons.
 */
export function filterNode(pod: SchedPod, node: SchedNode, spread: SpreadFilterState | null): readonly string[] | null {
  return (
    filterNodeUnschedulable(pod, node) ??
    filterTaintToleration(pod, node) ??
    filterNodeAffinity(pod, node) ??
    filterNodeResourcesFit(pod, node) ??
    filterTopologySpread(spread, pod, node)
  );
}

/**
 * The index of the highest score among scores[0..count), ties broken as schedule_one.go
 * selectHost does: reservoir sampling, the k-th tied node (k ≥ 2, in evaluation order) replacing
 * the pick with probability 1/k (`rand.Intn(k) == 0`). One draw per tied node after the first;
 * no draw when the best is unique. Upstream visits ties in heap order, which only permutes them.
 */
export function selectHost(scores: ArrayLike<number>, count: number, rng: RandomSource): number {
  invariantScheduler(count > 0, "selectHost: empty priority list");
  let max = scores[0];
  for (let k = 1; k < count; k++) if (scores[k] > max) max = scores[k];
  let selected = -1;
  let ties = 0;
  for (let k = 0; k < count; k++) {
    if (scores[k] !== max) continue;
    ties++;
    if (ties === 1 || Math.floor(rng.next() * ties) === 0) selected = k;
  }
  return selected;
}

/**
 * framework/types.go FitError.Error: "0/N nodes are available: " + the reason histogram as
 * "count reason" strings sorted lexicographically (Go sort.Strings, so "10 …" sorts before
 * "2 …"), joined by ", ", then ".".
 */
export function fitErrorMessage(numAllNodes: number, reasons: ReadonlyMap<string, number>): string {
  const entries: string[] = [];
  for (const [reason, n] of reasons) entries.push(`${n} ${reason}`);
  entries.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  let message = `${NO_NODE_AVAILABLE_MSG.replace("%v", String(numAllNodes))}:`;
  if (entries.length > 0) message += ` ${entries.join(", ")}.`;
  return message;
}

export interface ScheduleOptions {
  /** percentageOfNodesToScore, integer 0–100; unset or 0 = adaptive (the default). */
  readonly percentageOfNodesToScore?: number;
  /**
   * Columns of the nodes (its `nodes` must be the array given), refreshed by the caller: the
   * filters and scores read them instead of the node objects where they can. Same result.
   */
  readonly table?: NodeTable;
}

export interface Scheduled {
  readonly kind: "scheduled";
  readonly node: SchedNode;
  /** Index of `node` in the nodes array. */
  readonly nodeIndex: number;
  /** Where the next cycle starts filtering: (start + nodes checked) mod nodes. */
  readonly nextStartIndex: number;
  /** Nodes checked by the filters (feasible + rejected), upstream's EvaluatedNodes. */
  readonly evaluated: number;
  /** Nodes that passed the filters, upstream's FeasibleNodes. */
  readonly feasible: number;
}

export interface Unschedulable {
  readonly kind: "unschedulable";
  /** Reason → number of nodes that gave it (the FitError histogram). */
  readonly unschedulable: ReadonlyMap<string, number>;
  /** The FitError message, e.g. "0/6 nodes are available: 2 Insufficient cpu, …". */
  readonly message: string;
  readonly nextStartIndex: number;
  readonly evaluated: number;
}

export type ScheduleResult = Scheduled | Unschedulable;

// Scratch reused across cycles (the scheduler is called 10^5 times; none of this escapes).
let feasibleScratch = new Int32Array(1024);
let totalScratch = new Float64Array(1024);
let pluginScratch = new Float64Array(1024);
const failedScratch: (readonly string[])[] = [];

function ensureScratch(n: number): void {
  if (feasibleScratch.length >= n) return;
  const size = Math.max(n, feasibleScratch.length * 2);
  feasibleScratch = new Int32Array(size);
  totalScratch = new Float64Array(size);
  pluginScratch = new Float64Array(size);
}

/**
 * Weighted sum of the Score plugins over the feasible nodes into `totals`
 * (framework.RunScorePlugins: each plugin's normalised score × its weight, summed). With a
 * table, the resource scores read its columns (same arithmetic, same numbers).
 */
function prioritizeNodes(
  pod: SchedPod,
  nodes: readonly SchedNode[],
  feasible: Int32Array,
  count: number,
  counter: MatchingPodCounter,
  totals: Float64Array,
  table: NodeTable | undefined,
): void {
  const plugin = pluginScratch;
  const bestEffort = isBestEffort(pod);
  // Every score is an integer, so the weighted sum is exact in any order of addition.
  // TaintToleration: a node without taints has no PreferNoSchedule taint to count, and when no
  // node has one every node normalises (reversed) to MAX_NODE_SCORE.
  let tainted = false;
  if (table === undefined) {
    for (let k = 0; k < count; k++) {
      const node = nodes[feasible[k]];
      let total = SCORE_WEIGHTS.NodeResourcesFit * leastAllocatedScore(pod, node);
      if (!bestEffort) total += SCORE_WEIGHTS.NodeResourcesBalancedAllocation * balancedAllocationScore(pod, node);
      totals[k] = total;
      const raw = node.taints.length === 0 ? 0 : taintTolerationRawScore(pod, node);
      plugin[k] = raw;
      if (raw !== 0) tainted = true;
    }
  } else tainted = resourceAndTaintScoresFromTable(pod, bestEffort, nodes, table, feasible, count, totals, plugin);

  let constant = SCORE_WEIGHTS.TaintToleration * MAX_NODE_SCORE;
  if (tainted) {
    constant = 0;
    defaultNormalizeScore(plugin, count, true);
    for (let k = 0; k < count; k++) totals[k] += SCORE_WEIGHTS.TaintToleration * plugin[k];
  }
  if (scoreTopologySpread(pod, nodes, feasible, count, counter, plugin, table)) {
    for (let k = 0; k < count; k++) totals[k] += constant + SCORE_WEIGHTS.PodTopologySpread * plugin[k];
  } else if (constant !== 0) {
    for (let k = 0; k < count; k++) totals[k] += constant;
  }
}

/**
 * NodeResourcesFit (LeastAllocated) + BalancedAllocation from the table's columns into
 * `totals`, each row's sum kept in the table for the next pod with the same requests (the sum
 * depends on nothing else), and the TaintToleration raw scores into `raw`. Returns whether
 * any raw score is non-zero.
 */
function resourceAndTaintScoresFromTable(
  pod: SchedPod,
  bestEffort: boolean,
  nodes: readonly SchedNode[],
  table: NodeTable,
  feasible: Int32Array,
  count: number,
  totals: Float64Array,
  raw: Float64Array,
): boolean {
  const cpu = pod.requests.cpuMilli;
  const memory = pod.requests.memoryBytes;
  const nonZeroCpu = cpu === 0 ? DEFAULT_MILLI_CPU_REQUEST : cpu;
  const nonZeroMemory = memory === 0 ? DEFAULT_MEMORY_REQUEST : memory;
  const { allocatableCpu, allocatableMemory, requestedCpu, requestedMemory, resourceScore, resourceScoreShape, tainted, unschedulable } = table;
  const shape = table.shapeOf(cpu, memory);
  const usedCpu = table.nonZeroCpu;
  const usedMemory = table.nonZeroMemory;
  let anyRaw = false;
  for (let k = 0; k < count; k++) {
    const at = feasible[k];
    if (tainted[at] === 0) raw[k] = 0;
    else {
      const r = taintTolerationRawScore(pod, nodes[at]);
      raw[k] = r;
      if (r !== 0) anyRaw = true;
    }
    if (resourceScoreShape[at] === shape) {
      totals[k] = resourceScore[at];
      continue;
    }
    const total = weightedResourceScore(
      allocatableCpu[at],
      allocatableMemory[at],
      usedCpu[at] + nonZeroCpu,
      usedMemory[at] + nonZeroMemory,
      requestedCpu[at] + cpu,
      requestedMemory[at] + memory,
      bestEffort,
    );
    totals[k] = total;
    resourceScore[at] = total;
    // Only a schedulable row without taints is keyed (the fused cycle takes a key as "fits").
    if (tainted[at] === 0 && unschedulable[at] === 0) resourceScoreShape[at] = shape;
  }
  return anyRaw;
}

/**
 * Schedules one pod (schedule_one.go schedulePod / findNodesThatPassFilters / prioritizeNodes /
 * selectHost).
 *
 * Nodes are filtered starting at `startIndex` and wrapping around, stopping once
 * numFeasibleNodesToFind(nodes) nodes fit (findNodesThatPassFilters); the next cycle should start
 * at `nextStartIndex` = (start + feasible + rejected) mod nodes, which findNodesThatFitPod updates
 * on failure too. A single feasible node is taken without scoring or a random draw.
 * When no node fits, the result carries the reason histogram and upstream's FitError message.
 * An empty node list gives upstream's ErrNoNodesAvailable text and an empty histogram.
 *
 * Worked example: 6 nodes, 2 lack cpu, 4 carry `node.kubernetes.io/unreachable:NoSchedule` →
 * "0/6 nodes are available: 2 Insufficient cpu, 4 node(s) had untolerated taint
 * {node.kubernetes.io/unreachable: }."
 */
export function schedulePod(
  pod: SchedPod,
  nodes: readonly SchedNode[],
  startIndex: number,
  rng: RandomSource,
  counter: MatchingPodCounter,
  options: ScheduleOptions = {},
): ScheduleResult {
  const n = nodes.length;
  invariantScheduler(Number.isInteger(startIndex) && startIndex >= 0, `startIndex must be a non-negative integer, got ${startIndex}`);
  const table = options.table;
  invariantScheduler(table === undefined || table.nodes === nodes, "options.table must describe the nodes given (pass table.nodes)");
  if (n === 0) {
    return { kind: "unschedulable", unschedulable: new Map(), message: ERR_NO_NODES_AVAILABLE, nextStartIndex: 0, evaluated: 0 };
  }
  const start = startIndex % n;
  const toFind = numFeasibleNodesToFind(n, options.percentageOfNodesToScore);
  const spread = preFilterTopologySpread(pod, nodes, counter);
  ensureScratch(toFind);
  const feasible = feasibleScratch;

  // Without node affinity to check, a schedulable node without taints passes the first three
  // filters (they would return null), so only NodeResourcesFit and PodTopologySpread remain.
  const affinity = podHasNodeAffinity(pod);
  if (table !== undefined && !affinity && spread === null) {
    // The common case on a table: one pass filters and gathers what the scores need.
    const defaults = hostnameAndZoneSpread(pod, nodes, counter);
    if (defaults !== null) {
      const o = fusedCycle(pod, nodes, table, start, toFind, rng, counter, defaults, feasible, totalScratch, failedScratch);
      return cycleResult(nodes, n, start, o.evaluated, o.feasibleCount, o.failedCount, o.chosen);
    }
  }
  let feasibleCount = 0;
  let failedCount = 0;
  if (table === undefined) {
    for (let i = 0; i < n && feasibleCount < toFind; i++) {
      let index = start + i;
      if (index >= n) index -= n;
      const node = nodes[index];
      const reasons =
        !affinity && !node.unschedulable && node.taints.length === 0
          ? (filterNodeResourcesFit(pod, node) ?? filterTopologySpread(spread, pod, node))
          : filterNode(pod, node, spread);
      if (reasons === null) feasible[feasibleCount++] = index;
      else failedScratch[failedCount++] = reasons;
    }
  } else {
    const cpu = pod.requests.cpuMilli;
    const memory = pod.requests.memoryBytes;
    const { allocatableCpu, allocatableMemory, allocatablePods, requestedCpu, requestedMemory, requestedPods, unschedulable, tainted } = table;
    for (let i = 0; i < n && feasibleCount < toFind; i++) {
      let index = start + i;
      if (index >= n) index -= n;
      let reasons: readonly string[] | null;
      if (!affinity && unschedulable[index] === 0 && tainted[index] === 0) {
        reasons = resourcesFit(
          allocatableCpu[index],
          allocatableMemory[index],
          allocatablePods[index],
          requestedCpu[index],
          requestedMemory[index],
          requestedPods[index],
          cpu,
          memory,
        );
        if (reasons === null && spread !== null) reasons = filterTopologySpread(spread, pod, nodes[index]);
      } else reasons = filterNode(pod, nodes[index], spread);
      if (reasons === null) feasible[feasibleCount++] = index;
      else failedScratch[failedCount++] = reasons;
    }
  }
  let chosen = feasibleCount === 0 ? -1 : 0;
  if (feasibleCount > 1) {
    prioritizeNodes(pod, nodes, feasible, feasibleCount, counter, totalScratch, table);
    chosen = selectHost(totalScratch, feasibleCount, rng);
  }
  return cycleResult(nodes, n, start, feasibleCount + failedCount, feasibleCount, failedCount, chosen);
}

/** The result of a cycle whose feasible nodes and rejections are in the scratch arrays. */
function cycleResult(nodes: readonly SchedNode[], n: number, start: number, evaluated: number, feasibleCount: number, failedCount: number, chosen: number): ScheduleResult {
  const nextStartIndex = (start + evaluated) % n;
  if (feasibleCount === 0) {
    const histogram = new Map<string, number>();
    for (let i = 0; i < failedCount; i++) {
      for (const reason of failedScratch[i]) histogram.set(reason, (histogram.get(reason) ?? 0) + 1);
    }
    return { kind: "unschedulable", unschedulable: histogram, message: fitErrorMessage(n, histogram), nextStartIndex, evaluated };
  }
  const nodeIndex = feasibleScratch[chosen];
  return { kind: "scheduled", node: nodes[nodeIndex], nodeIndex, nextStartIndex, evaluated, feasible: feasibleCount };
}

/**
 * The weighted total score of every given node for the pod, in order, as prioritizeNodes computes
 * it when exactly these nodes are the feasible ones (for tests and diagnostics; allocates).
 */
export function totalScores(pod: SchedPod, nodes: readonly SchedNode[], counter: MatchingPodCounter): number[] {
  ensureScratch(nodes.length);
  const feasible = feasibleScratch;
  for (let k = 0; k < nodes.length; k++) feasible[k] = k;
  prioritizeNodes(pod, nodes, feasible, nodes.length, counter, totalScratch, undefined);
  return Array.from(totalScratch.subarray(0, nodes.length));
}
