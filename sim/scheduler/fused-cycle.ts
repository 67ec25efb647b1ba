/**
 * The scheduling cycle of schedule.ts for its most common case, with the plugins' loops fused:
 * a pod without node affinity or DoNotSchedule spreading, with the system-default spreading
 * (hostname then zone), scheduled on a NodeTable. Same filters, scores and selectHost, same
 * arithmetic per node, same random draws; only the passes over the nodes are merged, from eight
 * to two:
 *  1. filter each node from the start index and, for each that fits, its resource scores
 *     (cached in the table), pods on it and zone domain, and per domain the fewest and most pods
 *     on a node (the spreading score rises with the count, so the extremes of the rounded scores
 *     follow from them);
 *  2. the spreading score, its NormalizeScore and the weighted total (looked up by pods on the
 *     node and domain); the maximum, and the feasible nodes at it in order (a new maximum
 *     starts the list anew).
 * Then selectHost's reservoir sampling over that list. TaintToleration's raw scores, zero on a
 * node without taints, get a pass of their own only when a tainted node fits.
 * A 500-node cycle on a 5,000-node cluster runs 10^5 times in a steady start, so each pass over
 * the nodes costs seconds. test/scheduler/node-table.test.ts checks it against the general path.
 *
 * Left out on purpose: everything else (the general path in schedule.ts handles it).
 */
import type { RandomSource } from "../core/rng.ts";
import { filterNodeAffinity, filterNodeResourcesFit, filterNodeUnschedulable, filterTaintToleration, resourcesFit } from "./filters.ts";
import type { NodeTable } from "./node-table.ts";
import {
  DEFAULT_MEMORY_REQUEST,
  DEFAULT_MILLI_CPU_REQUEST,
  defaultNormalizeScore,
  isBestEffort,
  MAX_NODE_SCORE,
  SCORE_WEIGHTS,
  taintTolerationRawScore,
  weightedResourceScore,
} from "./scores.ts";
import { type HostnameAndZoneSpread, scoreForCount, topologyNormalizingWeight } from "./topology-spread.ts";
import type { MatchingPodCounter, SchedNode, SchedPod } from "./types.ts";

/** What the cycle found; the caller builds the result from it and from its scratch arrays. */
export interface FusedOutcome {
  /** Nodes checked (feasible + rejected). */
  evaluated: number;
  /** Nodes that fit, their positions in feasible[0..feasibleCount). */
  feasibleCount: number;
  /** Rejections, their reasons in failed[0..failedCount). */
  failedCount: number;
  /** Index into `feasible` of the chosen node (-1 when none fits). */
  chosen: number;
}

// Scratch reused across cycles (none of it escapes).
let raw = new Float64Array(1024);
/** Per scored node: pods on it × zones + its zone id (one load in pass 2 instead of two). */
let codes = new Int32Array(1024);
let ties = new Int32Array(1024);
/** constant + weight · spreading score by code, when every node has fewer than LOOKED_UP_PODS pods. */
let added = new Float64Array(64);
const LOOKED_UP_PODS = 32;
/** Per zone id: the fewest and most pods on a feasible node in it (-1: no feasible node). */
let fewest = new Float64Array(16);
let most = new Float64Array(16);
/** Per zone id: its score term (NaN for the "" zone, which earns no zone credit). */
let zoneTerms = new Float64Array(16);
const outcome: FusedOutcome = { evaluated: 0, feasibleCount: 0, failedCount: 0, chosen: -1 };

function ensure(n: number): void {
  if (raw.length >= n) return;
  const size = Math.max(n, 2 * raw.length);
  raw = new Float64Array(size);
  codes = new Int32Array(size);
  ties = new Int32Array(size);
}

/**
 * One cycle (see the module comment). `feasible` and `totals` hold at least `toFind` entries;
 * `failed` receives the rejection reasons. The returned object is reused by the next call.
 */
export function fusedCycle(
  pod: SchedPod,
  nodes: readonly SchedNode[],
  table: NodeTable,
  start: number,
  toFind: number,
  rng: RandomSource,
  counter: MatchingPodCounter,
  spread: HostnameAndZoneSpread,
  feasible: Int32Array,
  totals: Float64Array,
  failed: (readonly string[])[],
): FusedOutcome {
  const n = nodes.length;
  ensure(toFind);
  const cpu = pod.requests.cpuMilli;
  const memory = pod.requests.memoryBytes;
  const nonZeroCpu = cpu === 0 ? DEFAULT_MILLI_CPU_REQUEST : cpu;
  const nonZeroMemory = memory === 0 ? DEFAULT_MEMORY_REQUEST : memory;
  const bestEffort = isBestEffort(pod);
  const { allocatableCpu, allocatableMemory, allocatablePods, requestedCpu, requestedMemory, requestedPods, unschedulable, tainted } = table;
  const { resourceScore, resourceScoreShape, zone: zoneOf, zones } = table;
  const shape = table.shapeOf(cpu, memory);
  const usedCpu = table.nonZeroCpu;
  const usedMemory = table.nonZeroMemory;
  const hostCounts = spread.hostCounts;
  const zoneCount = zones.length;
  if (fewest.length < zoneCount) {
    fewest = new Float64Array(Math.max(zoneCount, 2 * fewest.length));
    most = new Float64Array(fewest.length);
    zoneTerms = new Float64Array(fewest.length);
  }
  // The scratch arrays as locals: module-level `let`s are reloaded (and hole-checked) at every use.
  const codeAt = codes;
  const low = fewest;
  const high = most;
  for (let z = 0; z < zoneCount; z++) high[z] = -1;

  // Pass 1: the Filter plugins in order (NodeUnschedulable, TaintToleration, NodeAffinity,
  // NodeResourcesFit; the pod has no DoNotSchedule spreading), then per feasible node what the
  // scores need.
  let count = 0;
  let failedCount = 0;
  let anyTainted = false;
  let i = 0;
  for (; i < n && count < toFind; i++) {
    let at = start + i;
    if (at >= n) at -= n;
    // A row keyed for these requests is schedulable, untainted and was scored for a pod that
    // fitted it, and has not changed since (node-table.ts): it fits again.
    const keyed = resourceScoreShape[at] === shape;
    let simple = true;
    if (!keyed) {
      simple = unschedulable[at] === 0 && tainted[at] === 0;
      const reasons = simple
        ? resourcesFit(allocatableCpu[at], allocatableMemory[at], allocatablePods[at], requestedCpu[at], requestedMemory[at], requestedPods[at], cpu, memory)
        : (filterNodeUnschedulable(pod, nodes[at]) ?? filterTaintToleration(pod, nodes[at]) ?? filterNodeAffinity(pod, nodes[at]) ?? filterNodeResourcesFit(pod, nodes[at]));
      if (reasons !== null) {
        failed[failedCount++] = reasons;
        continue;
      }
      if (!simple) anyTainted = true;
    }
    const k = count++;
    feasible[k] = at;
    // NodeResourcesFit (LeastAllocated) + BalancedAllocation, kept per row and pod shape.
    if (keyed) totals[k] = resourceScore[at];
    else {
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
      if (simple) resourceScoreShape[at] = shape;
    }
    // Spreading: pods on the node and its zone (each zone with a feasible node is a domain; the
    // "" zone of nodes without one too, though it earns them no zone credit).
    const pods = hostCounts[at];
    const z = zoneOf[at];
    codeAt[k] = pods * zoneCount + z;
    if (high[z] < 0) {
      low[z] = pods;
      high[z] = pods;
    } else if (pods < low[z]) low[z] = pods;
    else if (pods > high[z]) high[z] = pods;
  }
  outcome.evaluated = count + failedCount;
  outcome.feasibleCount = count;
  outcome.failedCount = failedCount;
  outcome.chosen = count === 0 ? -1 : 0;
  if (count <= 1) return outcome; // a single feasible node is taken without scoring

  // TaintToleration (PreferNoSchedule taints not tolerated), normalised reversed: all 0 →
  // MAX_NODE_SCORE for every node. Only a tainted node can have a raw score above 0.
  let constant = SCORE_WEIGHTS.TaintToleration * MAX_NODE_SCORE;
  if (anyTainted) {
    let anyRaw = false;
    for (let k = 0; k < count; k++) {
      const at = feasible[k];
      const r = tainted[at] === 0 ? 0 : taintTolerationRawScore(pod, nodes[at]);
      raw[k] = r;
      if (r !== 0) anyRaw = true;
    }
    if (anyRaw) {
      constant = 0;
      defaultNormalizeScore(raw, count, true);
      for (let k = 0; k < count; k++) totals[k] += SCORE_WEIGHTS.TaintToleration * raw[k];
    }
  }

  // PodTopologySpread PreScore (zone counts per domain, as countInZone gives them) and the
  // extremes of the rounded scores: per domain they are at its fewest and most pods, since
  // round(count·weight + skew + zone term) never falls as the count rises.
  const none = table.zoneId("");
  let domains = 0;
  for (let z = 0; z < zoneCount; z++) if (high[z] >= 0) domains++;
  const hostWeight = topologyNormalizingWeight(count);
  const zoneWeight = topologyNormalizingWeight(domains);
  const terms = zoneTerms;
  for (let z = 0; z < zoneCount; z++) {
    if (high[z] < 0) continue;
    terms[z] = z === none ? Number.NaN : scoreForCount(counter.countInZone!(zones[z], pod.namespace, spread.zoneSelector), spread.zoneSkew, zoneWeight);
  }
  const hostSkew = spread.hostSkew;
  let min = Number.MAX_SAFE_INTEGER;
  let max = 0;
  let mostPods = 0;
  for (let z = 0; z < zoneCount; z++) {
    if (high[z] < 0) continue;
    const lowRounded = roundedScore(low[z], hostSkew, hostWeight, terms[z]);
    const highRounded = roundedScore(high[z], hostSkew, hostWeight, terms[z]);
    if (lowRounded < min) min = lowRounded;
    if (highRounded > max) max = highRounded;
    if (high[z] > mostPods) mostPods = high[z];
  }

  // Pass 2: NormalizeScore 100·(max + min − s) / max (100 everywhere when max = 0), weighted
  // into the totals; the highest total and the nodes at it, in order. The spreading part depends
  // only on a node's pods and zone: with few pods a node (the usual case) it is computed once
  // per pair and looked up by the node's code.
  const weight = SCORE_WEIGHTS.PodTopologySpread;
  const tied = ties;
  let best = Number.NEGATIVE_INFINITY;
  let tieCount = 0;
  if (mostPods < LOOKED_UP_PODS) {
    const cells = (mostPods + 1) * zoneCount;
    if (added.length < cells) added = new Float64Array(Math.max(cells, 2 * added.length));
    const addedAt = added;
    for (let pods = 0; pods <= mostPods; pods++) {
      for (let z = 0; z < zoneCount; z++) {
        if (high[z] >= 0) addedAt[pods * zoneCount + z] = constant + weight * normalizedScore(roundedScore(pods, hostSkew, hostWeight, terms[z]), min, max);
      }
    }
    for (let k = 0; k < count; k++) {
      const t = (totals[k] += addedAt[codeAt[k]]);
      if (t < best) continue;
      if (t > best) {
        best = t;
        tieCount = 0;
      }
      tied[tieCount++] = k;
    }
  } else {
    for (let k = 0; k < count; k++) {
      const code = codeAt[k];
      const pods = Math.trunc(code / zoneCount);
      const z = code - pods * zoneCount;
      const t = (totals[k] += constant + weight * normalizedScore(roundedScore(pods, hostSkew, hostWeight, terms[z]), min, max));
      if (t < best) continue;
      if (t > best) {
        best = t;
        tieCount = 0;
      }
      tied[tieCount++] = k;
    }
  }

  // selectHost: the j-th node at the maximum replaces the pick with probability 1/j.
  let selected = tied[0];
  for (let j = 2; j <= tieCount; j++) if (Math.floor(rng.next() * j) === 0) selected = tied[j - 1];
  outcome.chosen = selected;
  return outcome;
}

/** round(pods·weight + (skew − 1) + zone term): the spreading score; a NaN term is no zone. */
function roundedScore(pods: number, hostSkew: number, hostWeight: number, zoneTerm: number): number {
  const host = scoreForCount(pods, hostSkew, hostWeight);
  return Math.round(Number.isNaN(zoneTerm) ? host : host + zoneTerm);
}

/** PodTopologySpread NormalizeScore: 100·(max + min − s) / max, 100 everywhere when max = 0. */
function normalizedScore(rounded: number, min: number, max: number): number {
  return max === 0 ? MAX_NODE_SCORE : Math.floor((MAX_NODE_SCORE * (max + min - rounded)) / max);
}
