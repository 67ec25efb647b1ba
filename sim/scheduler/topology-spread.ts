/**
 * PodTopologySpread: the DoNotSchedule filter and the ScheduleAnyway score, including the
 * system-default constraints (hostname maxSkew 3, zone maxSkew 5, both ScheduleAnyway) that apply
 * to a pod without its own constraints whose owner selector (`spreadSelector`) is non-empty.
 *
 * Counting existing pods goes through the caller's MatchingPodCounter. Scoring a pod costs one
 * countOnNode per scored node plus one countInZone per zone among them; the walk over all nodes
 * that upstream does in PreScore is replaced by countInZone whenever that gives the same sum
 * (no nodeSelector/affinity to honour, no taint policy, keys hostname/zone only).
 *
 * Left out on purpose: matchLabelKeys, and the behaviour with NodeInclusionPolicyInPodTopologySpread
 * off (it is on by default since v1.26: nodeAffinityPolicy Honor and nodeTaintsPolicy Ignore unless
 * set). Preemption's AddPod/RemovePod updates are not needed.
 */
import { findUntoleratedTaint } from "./filters.ts";
import { isEmptySelector, labelSelectorMatches, nodeLabel, podHasNodeAffinity, podMatchesNodeAffinity } from "./labels.ts";
import { MAX_NODE_SCORE } from "./scores.ts";
import {
  LABEL_HOSTNAME,
  LABEL_TOPOLOGY_ZONE,
  type LabelSelector,
  type MatchingPodCounter,
  type SchedNode,
  type SchedPod,
  type TopologySpreadConstraint,
} from "./types.ts";

/** podtopologyspread/filtering.go ErrReasonConstraintsNotMatch. */
export const ERR_REASON_CONSTRAINTS_NOT_MATCH = "node(s) didn't match pod topology spread constraints";
/** podtopologyspread/filtering.go ErrReasonNodeLabelNotMatch. */
export const ERR_REASON_NODE_LABEL_NOT_MATCH = `${ERR_REASON_CONSTRAINTS_NOT_MATCH} (missing required label)`;

const REASONS_NOT_MATCH: readonly string[] = Object.freeze([ERR_REASON_CONSTRAINTS_NOT_MATCH]);
const REASONS_LABEL_NOT_MATCH: readonly string[] = Object.freeze([ERR_REASON_NODE_LABEL_NOT_MATCH]);

/** A constraint as the plugin uses it (podtopologyspread/common.go topologySpreadConstraint). */
export interface SpreadConstraint {
  readonly maxSkew: number;
  readonly topologyKey: string;
  /** null selects no pod (a constraint without labelSelector). */
  readonly selector: LabelSelector | null;
  readonly minDomains: number;
  readonly honorNodeAffinity: boolean;
  readonly honorNodeTaints: boolean;
  /** topologyKey is kubernetes.io/hostname (every node carries it: one domain per node). */
  readonly isHostname: boolean;
  /** topologyKey is topology.kubernetes.io/zone (read from `node.zone`). */
  readonly isZone: boolean;
}

/**
 * The scheduler's default PodTopologySpreadArgs with defaultingType System
 * (apis/config/v1/defaults.go systemDefaultConstraints), order preserved.
 */
export const SYSTEM_DEFAULT_CONSTRAINTS: readonly Omit<TopologySpreadConstraint, "labelSelector">[] = Object.freeze([
  { maxSkew: 3, topologyKey: LABEL_HOSTNAME, whenUnsatisfiable: "ScheduleAnyway" },
  { maxSkew: 5, topologyKey: LABEL_TOPOLOGY_ZONE, whenUnsatisfiable: "ScheduleAnyway" },
]);

interface ConstraintSets {
  readonly hard: readonly SpreadConstraint[];
  readonly soft: readonly SpreadConstraint[];
}

function toSpreadConstraint(c: Omit<TopologySpreadConstraint, "labelSelector">, selector: LabelSelector | null): SpreadConstraint {
  return {
    maxSkew: c.maxSkew,
    topologyKey: c.topologyKey,
    selector,
    minDomains: c.minDomains ?? 1,
    honorNodeAffinity: (c.nodeAffinityPolicy ?? "Honor") === "Honor",
    honorNodeTaints: (c.nodeTaintsPolicy ?? "Ignore") === "Honor",
    isHostname: c.topologyKey === LABEL_HOSTNAME,
    isZone: c.topologyKey === LABEL_TOPOLOGY_ZONE,
  };
}

const ownConstraintCache = new WeakMap<readonly TopologySpreadConstraint[], ConstraintSets>();
const defaultConstraintCache = new WeakMap<LabelSelector, readonly SpreadConstraint[]>();
const NO_CONSTRAINTS: readonly SpreadConstraint[] = Object.freeze([]);

/** podtopologyspread/common.go filterTopologySpreadConstraints, split by whenUnsatisfiable; cached per array. */
function ownConstraints(list: readonly TopologySpreadConstraint[]): ConstraintSets {
  let sets = ownConstraintCache.get(list);
  if (sets === undefined) {
    const hard: SpreadConstraint[] = [];
    const soft: SpreadConstraint[] = [];
    for (const c of list) {
      const sc = toSpreadConstraint(c, c.labelSelector ?? null);
      (c.whenUnsatisfiable === "DoNotSchedule" ? hard : soft).push(sc);
    }
    sets = { hard, soft };
    ownConstraintCache.set(list, sets);
  }
  return sets;
}

/**
 * The constraints the score uses: the pod's ScheduleAnyway constraints when it has any
 * constraint at all, else the system defaults with the owner selector
 * (podtopologyspread/common.go buildDefaultConstraints: an empty selector means none).
 */
export function scoringConstraints(pod: SchedPod): readonly SpreadConstraint[] {
  const own = pod.topologySpreadConstraints;
  if (own !== undefined && own.length > 0) return ownConstraints(own).soft;
  const selector = pod.spreadSelector;
  if (selector === undefined || isEmptySelector(selector)) return NO_CONSTRAINTS;
  let constraints = defaultConstraintCache.get(selector);
  if (constraints === undefined) {
    constraints = SYSTEM_DEFAULT_CONSTRAINTS.map((c) => toSpreadConstraint(c, selector));
    defaultConstraintCache.set(selector, constraints);
  }
  return constraints;
}

/** The pod's DoNotSchedule constraints (the system defaults have none). */
export function filteringConstraints(pod: SchedPod): readonly SpreadConstraint[] {
  const own = pod.topologySpreadConstraints;
  if (own !== undefined && own.length > 0) return ownConstraints(own).hard;
  return NO_CONSTRAINTS;
}

/** The node's value for the constraint's topology key, undefined when it lacks the label. */
function topologyValue(node: SchedNode, c: SpreadConstraint): string | undefined {
  if (c.isZone) return node.zone === "" ? undefined : node.zone;
  return nodeLabel(node, c.topologyKey);
}

/** podtopologyspread/common.go nodeLabelsMatchSpreadConstraints: the node has every topology key. */
function nodeHasAllKeys(node: SchedNode, constraints: readonly SpreadConstraint[]): boolean {
  for (const c of constraints) if (!c.isHostname && topologyValue(node, c) === undefined) return false;
  return true;
}

/** podtopologyspread/common.go matchNodeInclusionPolicies. */
function nodeIncluded(c: SpreadConstraint, pod: SchedPod, node: SchedNode): boolean {
  if (c.honorNodeAffinity && !podMatchesNodeAffinity(pod, node)) return false;
  if (c.honorNodeTaints && findUntoleratedTaint(node.taints, pod.tolerations) !== undefined) return false;
  return true;
}

function countOnNode(counter: MatchingPodCounter, node: SchedNode, pod: SchedPod, selector: LabelSelector | null): number {
  return selector === null ? 0 : counter.countOnNode(node.name, pod.namespace, selector);
}

/**
 * Whether Σ countInZone over domains equals upstream's walk over all nodes: every key is hostname
 * or zone (so "has all keys" reduces to "has a zone") and no node inclusion policy excludes nodes.
 */
function zoneFastPath(pod: SchedPod, constraints: readonly SpreadConstraint[], counter: MatchingPodCounter): boolean {
  if (counter.countInZone === undefined) return false;
  const affinity = podHasNodeAffinity(pod);
  for (const c of constraints) {
    if (!c.isHostname && !c.isZone) return false;
    if (c.honorNodeTaints || (c.honorNodeAffinity && affinity)) return false;
  }
  return true;
}

/** The state PreFilter computes once per pod for the DoNotSchedule constraints. */
export interface SpreadFilterState {
  readonly constraints: readonly SpreadConstraint[];
  /** Per constraint: domain value → matching pods (every eligible domain has an entry). */
  readonly matchNum: readonly Map<string, number>[];
  /** Per constraint: the global minimum used for skew (0 when fewer domains than minDomains). */
  readonly minMatchNum: readonly number[];
}

/**
 * podtopologyspread/filtering.go calPreFilterState: over all nodes that have every topology key
 * and pass each constraint's inclusion policies, the matching-pod count per domain; then the
 * minimum per constraint (criticalPaths; MaxInt32 when there is no domain), taken as 0 when the
 * number of domains is below minDomains (minMatchNum). Returns null when the pod has no
 * DoNotSchedule constraint.
 */
export function preFilterTopologySpread(pod: SchedPod, nodes: readonly SchedNode[], counter: MatchingPodCounter): SpreadFilterState | null {
  const constraints = filteringConstraints(pod);
  if (constraints.length === 0) return null;
  const matchNum = constraints.map(() => new Map<string, number>());
  const fast = zoneFastPath(pod, constraints, counter);
  for (const node of nodes) {
    if (!nodeHasAllKeys(node, constraints)) continue;
    for (let i = 0; i < constraints.length; i++) {
      const c = constraints[i];
      const value = topologyValue(node, c)!;
      const m = matchNum[i];
      if (fast && c.isZone) {
        // Each zone is counted once, over all its nodes (all of them are eligible here).
        if (!m.has(value)) m.set(value, c.selector === null ? 0 : counter.countInZone!(value, pod.namespace, c.selector));
        continue;
      }
      if (!nodeIncluded(c, pod, node)) continue;
      m.set(value, (m.get(value) ?? 0) + countOnNode(counter, node, pod, c.selector));
    }
  }
  const minMatchNum = constraints.map((c, i) => {
    const m = matchNum[i];
    if (m.size < c.minDomains) return 0;
    let min = 2_147_483_647;
    for (const n of m.values()) if (n < min) min = n;
    return min;
  });
  return { constraints, matchNum, minMatchNum };
}

/**
 * podtopologyspread/filtering.go Filter: for every DoNotSchedule constraint the node must carry
 * the topology key, and matching pods in its domain + 1 if the pod matches its own selector −
 * the global minimum must not exceed maxSkew.
 *
 * Worked example: zones a, b, c hold 2, 1, 0 matching pods, maxSkew 1, the pod matches itself:
 * a → 2 + 1 − 0 = 3 > 1 rejected; b → 1 + 1 − 0 = 2 > 1 rejected; c → 0 + 1 − 0 = 1 fits.
 */
export function filterTopologySpread(state: SpreadFilterState | null, pod: SchedPod, node: SchedNode): readonly string[] | null {
  if (state === null) return null;
  const constraints = state.constraints;
  for (let i = 0; i < constraints.length; i++) {
    const c = constraints[i];
    const value = topologyValue(node, c);
    if (value === undefined) return REASONS_LABEL_NOT_MATCH;
    const self = c.selector !== null && labelSelectorMatches(c.selector, pod.labels) ? 1 : 0;
    const skew = (state.matchNum[i].get(value) ?? 0) + self - state.minMatchNum[i];
    if (skew > c.maxSkew) return REASONS_NOT_MATCH;
  }
  return null;
}

/**
 * podtopologyspread/scoring.go topologyNormalizingWeight: ln(domains + 2), so counts in a
 * topology with few domains (zones) weigh less than counts in one with many (hostnames).
 */
export function topologyNormalizingWeight(size: number): number {
  return Math.log(size + 2);
}

/**
 * podtopologyspread/scoring.go scoreForCount: count·weight + (maxSkew − 1); the maxSkew term
 * waters down differences between domains.
 */
export function scoreForCount(count: number, maxSkew: number, weight: number): number {
  return count * weight + (maxSkew - 1);
}

// Scratch reused across calls (none of it escapes): per constraint, domain value → slot and the
// slot's matching-pod count; per scored node, whether it is ignored and its slot per constraint.
const domainSlots: Map<string, number>[] = [];
const domainCounts: number[][] = [];
let ignoredScratch = new Uint8Array(256);
let slotScratch = new Int32Array(512);
let weightScratch = new Float64Array(4);
/** Per constraint: the counter's per-node counts (hostname constraints), if it offers them. */
const byNodeScratch: (ArrayLike<number> | undefined)[] = [];

/**
 * PodTopologySpread PreScore + Score + NormalizeScore for the scored nodes `nodes[feasible[k]]`,
 * k < count, writing normalised scores (0–100) to `out[k]`. Returns false when the plugin skips
 * the pod (no soft constraint), in which case `out` is untouched and the plugin adds nothing.
 *
 * Upstream (podtopologyspread/scoring.go):
 * - initPreScoreState: with the pod's own constraints every scored node must carry all keys or it
 *   is ignored (score 0); with system defaults none is ignored (requireAllTopologies false), and a
 *   node without a zone joins the "" zone domain. Domains are the values among scored nodes.
 *   Weights: hostname ln(scored − ignored + 2), other keys ln(domains + 2).
 * - PreScore: per domain, the matching pods over all nodes that pass the constraint's inclusion
 *   policies (and carry all keys when required).
 * - Score: Σ over constraints whose key the node carries of scoreForCount(count, maxSkew,
 *   weight), count = pods on the node for hostname, in the domain otherwise; rounded.
 * - NormalizeScore: 100·(max + min − s) / max, truncated (100 for all when max = 0), ignored → 0.
 *
 * Worked example (system defaults, 3 scored nodes in 2 zones, counts n1=3, n2=0 in zone a, n3=0
 * in zone b): hostname weight ln 5 = 1.609, zone weight ln 4 = 1.386;
 * n1 = round(3·1.609 + 2 + 3·1.386 + 4) = round(14.99) = 15, n2 = round(0 + 2 + 4.159 + 4) = 10,
 * n3 = round(0 + 2 + 0 + 4) = 6 → normalised 100·(15+6−s)/15 → n1 40, n2 73, n3 100.
 */
export function scoreTopologySpread(
  pod: SchedPod,
  nodes: readonly SchedNode[],
  feasible: ArrayLike<number>,
  count: number,
  counter: MatchingPodCounter,
  out: { [i: number]: number },
): boolean {
  const constraints = scoringConstraints(pod);
  const nc = constraints.length;
  if (nc === 0 || nodes.length === 0) return false;
  const own = pod.topologySpreadConstraints;
  const requireAll = own !== undefined && own.length > 0;

  if (ignoredScratch.length < count) ignoredScratch = new Uint8Array(Math.max(count, ignoredScratch.length * 2));
  if (slotScratch.length < count * nc) slotScratch = new Int32Array(Math.max(count * nc, slotScratch.length * 2));
  if (weightScratch.length < nc) weightScratch = new Float64Array(nc);
  const ignored = ignoredScratch;
  const slots = slotScratch;
  const weights = weightScratch;
  while (domainSlots.length < nc) {
    domainSlots.push(new Map());
    domainCounts.push([]);
  }
  for (let i = 0; i < nc; i++) {
    domainSlots[i].clear();
    domainCounts[i].length = 0;
  }

  // initPreScoreState over the scored nodes: ignored nodes, domains, each node's domain slot
  // (-1 when it lacks the label: it still makes the "" domain exist, but earns no credit).
  let ignoredCount = 0;
  for (let k = 0; k < count; k++) {
    const node = nodes[feasible[k]];
    if (requireAll && !nodeHasAllKeys(node, constraints)) {
      ignored[k] = 1;
      ignoredCount++;
      continue;
    }
    ignored[k] = 0;
    for (let i = 0; i < nc; i++) {
      const c = constraints[i];
      if (c.isHostname) continue;
      const value = topologyValue(node, c);
      const key = value ?? "";
      let slot = domainSlots[i].get(key);
      if (slot === undefined) {
        slot = domainCounts[i].length;
        domainSlots[i].set(key, slot);
        domainCounts[i].push(0);
      }
      slots[k * nc + i] = value === undefined ? -1 : slot;
    }
  }
  for (let i = 0; i < nc; i++) {
    weights[i] = topologyNormalizingWeight(constraints[i].isHostname ? count - ignoredCount : domainCounts[i].length);
  }

  // PreScore: matching pods per domain, over all nodes.
  if (zoneFastPath(pod, constraints, counter)) {
    for (let i = 0; i < nc; i++) {
      const c = constraints[i];
      if (c.isHostname || c.selector === null) continue;
      for (const [zone, slot] of domainSlots[i]) {
        if (requireAll && zone === "") continue;
        domainCounts[i][slot] = counter.countInZone!(zone, pod.namespace, c.selector);
      }
    }
  } else {
    for (const node of nodes) {
      if (requireAll && !nodeHasAllKeys(node, constraints)) continue;
      for (let i = 0; i < nc; i++) {
        const c = constraints[i];
        if (c.isHostname || !nodeIncluded(c, pod, node)) continue;
        const slot = domainSlots[i].get(topologyValue(node, c) ?? "");
        if (slot !== undefined) domainCounts[i][slot] += countOnNode(counter, node, pod, c.selector);
      }
    }
  }

  // Score, then NormalizeScore.
  const byNode = byNodeScratch;
  for (let i = 0; i < nc; i++) {
    const c = constraints[i];
    byNode[i] = c.isHostname && c.selector !== null && counter.countsByNode !== undefined ? counter.countsByNode(pod.namespace, c.selector, nodes) : undefined;
  }
  let min = Number.MAX_SAFE_INTEGER;
  let max = 0;
  for (let k = 0; k < count; k++) {
    if (ignored[k] === 1) continue;
    const at = feasible[k];
    const node = nodes[at];
    let score = 0;
    for (let i = 0; i < nc; i++) {
      const c = constraints[i];
      if (c.isHostname) {
        const counts = byNode[i];
        score += scoreForCount(counts === undefined ? countOnNode(counter, node, pod, c.selector) : counts[at], c.maxSkew, weights[i]);
        continue;
      }
      const slot = slots[k * nc + i];
      if (slot >= 0) score += scoreForCount(domainCounts[i][slot], c.maxSkew, weights[i]);
    }
    const rounded = Math.round(score);
    out[k] = rounded;
    if (rounded < min) min = rounded;
    if (rounded > max) max = rounded;
  }
  for (let k = 0; k < count; k++) {
    if (ignored[k] === 1) out[k] = 0;
    else if (max === 0) out[k] = MAX_NODE_SCORE;
    else out[k] = Math.floor((MAX_NODE_SCORE * (max + min - out[k])) / max);
  }
  return true;
}
