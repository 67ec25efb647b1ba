/**
 * The scheduling cycle of schedule.ts for its most common case, with the plugins' loops fused:
 * a pod without node affinity or DoNotSchedule spreading, with the system-default spreading
 * (hostname then zone), scheduled on a NodeTable. Same filters, scores and selectHost, same
 * arithmetic in the same order per node, same random draws; only the passes over the nodes are
 * merged, from eight to four:
 *  1. filter each node from the start index and, for each that fits, its resource scores
 *     (cached in the table), TaintToleration raw score, pods on it and zone domain;
 *  2. the spreading score: hostname term + zone term, rounded; extremes;
 *  3. NormalizeScore of spreading and the weighted total; its maximum;
 *  4. selectHost's reservoir sampling over the ties at the maximum.
 * A 500-node cycle on a 5,000-node cluster runs 10^5 times in a steady start, so each pass over
 * the nodes costs seconds. test/scheduler/node-table.test.ts checks it against the general path.
 *
 * Left out on purpose: everything else (the general path in schedule.ts handles it).
 */
import type { RandomSource } from "../core/rng.ts";
import { filterNodeAffinity, filterNodeResourcesFit, filterNodeUnschedulable, filterTaintToleration, resourcesFit } from "./filters.ts";
import type { NodeTable } from "./node-table.ts";
import {
  balancedAllocation,
  DEFAULT_MEMORY_REQUEST,
  DEFAULT_MILLI_CPU_REQUEST,
  defaultNormalizeScore,
  isBestEffort,
  leastAllocated,
  MAX_NODE_SCORE,
  SCORE_WEIGHTS,
  taintTolerationRawScore,
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
let podsOnNode = new Float64Array(1024);
let slots = new Int32Array(1024);
let rounded = new Float64Array(1024);
let normalized = new Float64Array(64);
let slotOfZone = new Int32Array(16).fill(-1);
/** Per zone domain (slot): its zone id, value and score term; `domains` of them in use. */
const seenZones: number[] = [];
const zoneValues: string[] = [];
let zoneTerms = new Float64Array(16);
const outcome: FusedOutcome = { evaluated: 0, feasibleCount: 0, failedCount: 0, chosen: -1 };

function ensure(n: number): void {
  if (raw.length >= n) return;
  const size = Math.max(n, 2 * raw.length);
  raw = new Float64Array(size);
  podsOnNode = new Float64Array(size);
  slots = new Int32Array(size);
  rounded = new Float64Array(size);
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
  const { resourceScore, resourceScoreCpu, resourceScoreMemory, zone: zoneOf, zones } = table;
  const usedCpu = table.nonZeroCpu;
  const usedMemory = table.nonZeroMemory;
  const hostCounts = spread.hostCounts;
  if (slotOfZone.length < zones.length) slotOfZone = new Int32Array(Math.max(zones.length, 2 * slotOfZone.length)).fill(-1);
  const none = table.zoneId("");
  // (Counted, not truncated with `length = 0`, which would drop the arrays' storage every cycle.)
  let domains = 0;

  // Pass 1: the Filter plugins in order (NodeUnschedulable, TaintToleration, NodeAffinity,
  // NodeResourcesFit; the pod has no DoNotSchedule spreading), then per feasible node what the
  // scores need.
  let count = 0;
  let failedCount = 0;
  let anyRaw = false;
  let i = 0;
  for (; i < n && count < toFind; i++) {
    let at = start + i;
    if (at >= n) at -= n;
    const simple = unschedulable[at] === 0 && tainted[at] === 0;
    const reasons = simple
      ? resourcesFit(allocatableCpu[at], allocatableMemory[at], allocatablePods[at], requestedCpu[at], requestedMemory[at], requestedPods[at], cpu, memory)
      : (filterNodeUnschedulable(pod, nodes[at]) ?? filterTaintToleration(pod, nodes[at]) ?? filterNodeAffinity(pod, nodes[at]) ?? filterNodeResourcesFit(pod, nodes[at]));
    if (reasons !== null) {
      failed[failedCount++] = reasons;
      continue;
    }
    const k = count++;
    feasible[k] = at;
    // NodeResourcesFit (LeastAllocated) + BalancedAllocation, kept per row and pod shape.
    if (resourceScoreCpu[at] === cpu && resourceScoreMemory[at] === memory) totals[k] = resourceScore[at];
    else {
      const allocCpu = allocatableCpu[at];
      const allocMemory = allocatableMemory[at];
      let total = SCORE_WEIGHTS.NodeResourcesFit * leastAllocated(allocCpu, allocMemory, usedCpu[at] + nonZeroCpu, usedMemory[at] + nonZeroMemory);
      if (!bestEffort) {
        total += SCORE_WEIGHTS.NodeResourcesBalancedAllocation * balancedAllocation(allocCpu, allocMemory, requestedCpu[at] + cpu, requestedMemory[at] + memory);
      }
      totals[k] = total;
      resourceScore[at] = total;
      resourceScoreCpu[at] = cpu;
      resourceScoreMemory[at] = memory;
    }
    // TaintToleration raw score (PreferNoSchedule taints not tolerated).
    if (tainted[at] === 0) raw[k] = 0;
    else {
      const r = taintTolerationRawScore(pod, nodes[at]);
      raw[k] = r;
      if (r !== 0) anyRaw = true;
    }
    // Spreading: pods on the node; its zone domain (a node without a zone makes the "" domain
    // exist but earns no zone credit).
    podsOnNode[k] = hostCounts[at];
    const z = zoneOf[at];
    let slot = slotOfZone[z];
    if (slot < 0) {
      slot = domains++;
      zoneValues[slot] = zones[z];
      slotOfZone[z] = slot;
      seenZones[slot] = z;
    }
    slots[k] = z === none ? -1 : slot;
  }
  for (let j = 0; j < domains; j++) slotOfZone[seenZones[j]] = -1;
  outcome.evaluated = count + failedCount;
  outcome.feasibleCount = count;
  outcome.failedCount = failedCount;
  outcome.chosen = count === 0 ? -1 : 0;
  if (count <= 1) return outcome; // a single feasible node is taken without scoring

  // TaintToleration NormalizeScore (reversed): all 0 → MAX_NODE_SCORE for every node.
  let constant = SCORE_WEIGHTS.TaintToleration * MAX_NODE_SCORE;
  if (anyRaw) {
    constant = 0;
    defaultNormalizeScore(raw, count, true);
    for (let k = 0; k < count; k++) totals[k] += SCORE_WEIGHTS.TaintToleration * raw[k];
  }

  // Pass 2: PodTopologySpread PreScore + Score (zone counts per domain, as countInZone gives them).
  const hostWeight = topologyNormalizingWeight(count);
  const zoneWeight = topologyNormalizingWeight(domains);
  if (zoneTerms.length < domains) zoneTerms = new Float64Array(Math.max(domains, 2 * zoneTerms.length));
  for (let j = 0; j < domains; j++) {
    zoneTerms[j] = scoreForCount(counter.countInZone!(zoneValues[j], pod.namespace, spread.zoneSelector), spread.zoneSkew, zoneWeight);
  }
  const hostSkew = spread.hostSkew;
  let min = Number.MAX_SAFE_INTEGER;
  let max = 0;
  for (let k = 0; k < count; k++) {
    const host = scoreForCount(podsOnNode[k], hostSkew, hostWeight);
    const slot = slots[k];
    const r = Math.round(slot >= 0 ? host + zoneTerms[slot] : host);
    rounded[k] = r;
    if (r < min) min = r;
    if (r > max) max = r;
  }

  // Pass 3: NormalizeScore 100·(max + min − s) / max (100 everywhere when max = 0), weighted
  // into the totals; the highest total.
  const weight = SCORE_WEIGHTS.PodTopologySpread;
  let best = Number.NEGATIVE_INFINITY;
  const range = max - min + 1;
  if (max === 0) {
    for (let k = 0; k < count; k++) {
      const t = (totals[k] += constant + weight * MAX_NODE_SCORE);
      if (t > best) best = t;
    }
  } else if (range > count) {
    for (let k = 0; k < count; k++) {
      const t = (totals[k] += constant + weight * Math.floor((MAX_NODE_SCORE * (max + min - rounded[k])) / max));
      if (t > best) best = t;
    }
  } else {
    if (normalized.length < range) normalized = new Float64Array(Math.max(range, 2 * normalized.length));
    for (let v = 0; v < range; v++) normalized[v] = Math.floor((MAX_NODE_SCORE * (max - v)) / max);
    for (let k = 0; k < count; k++) {
      const t = (totals[k] += constant + weight * normalized[rounded[k] - min]);
      if (t > best) best = t;
    }
  }

  // Pass 4: selectHost — the k-th node at the maximum replaces the pick with probability 1/k.
  let selected = -1;
  let ties = 0;
  for (let k = 0; k < count; k++) {
    if (totals[k] !== best) continue;
    ties++;
    if (ties === 1 || Math.floor(rng.next() * ties) === 0) selected = k;
  }
  outcome.chosen = selected;
  return outcome;
}
