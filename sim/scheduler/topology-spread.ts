/**
 * PodTopologySpread: the DoNotSchedule filter and the ScheduleAnyway score, including the
 * system-default constraints (hostname maxSkew 3, zone maxSkew 5, both ScheduleAnyway) that apply
 * to a pod without its own constraints whose owner selector (`spreadSelector`) is non-empty.
 *
 * Counting existing pods goes through the caller's MatchingPodCounter. Scoring a pod costs one
 * countOnNode per scored node (or one countsByNode array for them all) plus one countInZone per
 * zone among them; the walk over all nodes that upstream does in PreScore is replaced by
 * countInZone whenever that gives the same sum (no nodeSelector/affinity to honour, no taint
 * policy, keys hostname/zone only). The score runs pass by pass over the scored nodes, with a
 * three-pass version for the system defaults on a NodeTable (and fused-cycle.ts fuses it further
 * into the cycle); a node's sum always adds its constraints' terms in constraint order, so every
 * version gives the same floating-point result.
 *
 * Left out on purpose: matchLabelKeys, and the behaviour with NodeInclusionPolicyInPodTopologySpread
 * off (it is on by default since v1.26: nodeAffinityPolicy Honor and nodeTaintsPolicy Ignore unless
 * set). Preemption's AddPod/RemovePod updates are not needed.
 */
import { findUntoleratedTaint } from "./filters.ts";
import { isEmptySelector, labelSelectorMatches, nodeLabel, podHasNodeAffinity, podMatchesNodeAffinity } from "./labels.ts";
import type { NodeTable } from "./node-table.ts";
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

// Scratch reused across calls (none of it escapes): per constraint, its domains' values (the
// index is the domain's slot) and matching-pod counts, plus a value → slot Map once there are
// many domains; per scored node, whether it is ignored and its slot per constraint.
const domainKeys: string[][] = [];
const domainCounts: number[][] = [];
const domainMaps: (Map<string, number> | null)[] = [];
let ignoredScratch = new Uint8Array(256);
let slotScratch = new Int32Array(512);
let weightScratch = new Float64Array(4);
let sumScratch = new Float64Array(256);
let normalizedScratch = new Float64Array(64);
const zoneValueScratch: string[] = [];
const zoneTermScratch: number[] = [];
/** Zone id → its domain slot in the current assignment (-1: not seen yet), and the ids seen. */
let slotOfZone = new Int32Array(16).fill(-1);
const seenZones: number[] = [];

/**
 * Up to this many domains a constraint's slots are found by scanning its values (zones: a
 * handful, compared by identity first, cheaper than hashing); beyond, through a Map.
 */
const SCANNED_DOMAINS = 8;

/** The slot of domain `value` of constraint `i`, or -1 when no scored node is in it. */
function findDomain(i: number, value: string): number {
  const keys = domainKeys[i];
  if (keys.length <= SCANNED_DOMAINS) {
    for (let j = 0; j < keys.length; j++) if (keys[j] === value) return j;
    return -1;
  }
  return domainMaps[i]!.get(value) ?? -1;
}

/** The slot of domain `value` of constraint `i`, created (count 0) when new. */
function domainSlot(i: number, value: string): number {
  const found = findDomain(i, value);
  if (found >= 0) return found;
  const keys = domainKeys[i];
  const slot = keys.length;
  keys.push(value);
  domainCounts[i].push(0);
  if (keys.length > SCANNED_DOMAINS) {
    let map = domainMaps[i];
    if (map === null) {
      map = new Map();
      for (let j = 0; j < keys.length; j++) map.set(keys[j], j);
      domainMaps[i] = map;
    } else map.set(value, slot);
  }
  return slot;
}

/**
 * Constraint `i`'s domain slot for every scored node that is not ignored, into
 * slots[base + k] (-1: the node lacks the key, which still makes the "" domain exist).
 */
function assignDomains(
  i: number,
  c: SpreadConstraint,
  nodes: readonly SchedNode[],
  feasible: ArrayLike<number>,
  count: number,
  ignored: Uint8Array,
  slots: Int32Array,
  base: number,
): void {
  if (c.isZone) {
    for (let k = 0; k < count; k++) {
      if (ignored[k] === 1) continue;
      const zone = nodes[feasible[k]].zone;
      const slot = domainSlot(i, zone);
      slots[base + k] = zone === "" ? -1 : slot;
    }
    return;
  }
  for (let k = 0; k < count; k++) {
    if (ignored[k] === 1) continue;
    const value = nodeLabel(nodes[feasible[k]], c.topologyKey);
    const slot = domainSlot(i, value ?? "");
    slots[base + k] = value === undefined ? -1 : slot;
  }
}

/** assignDomains for a zone constraint from the table's zone ids (no string compared per node). */
function assignZonesFromTable(i: number, table: NodeTable, feasible: ArrayLike<number>, count: number, ignored: Uint8Array, slots: Int32Array, base: number): void {
  const zones = table.zones;
  if (slotOfZone.length < zones.length) slotOfZone = new Int32Array(Math.max(zones.length, 2 * slotOfZone.length)).fill(-1);
  const zoneOf = table.zone;
  const none = table.zoneId("");
  let seen = 0;
  for (let k = 0; k < count; k++) {
    if (ignored[k] === 1) continue;
    const zone = zoneOf[feasible[k]];
    let slot = slotOfZone[zone];
    if (slot < 0) {
      slot = domainSlot(i, zones[zone]);
      slotOfZone[zone] = slot;
      seenZones[seen++] = zone;
    }
    slots[base + k] = zone === none ? -1 : slot;
  }
  for (let j = 0; j < seen; j++) slotOfZone[seenZones[j]] = -1;
}

/** What a fused scheduling cycle needs to score the system-default spreading itself. */
export interface HostnameAndZoneSpread {
  readonly hostSkew: number;
  readonly zoneSkew: number;
  readonly zoneSelector: LabelSelector;
  /** Matching pods per node position (the counter's countsByNode for the hostname selector). */
  readonly hostCounts: ArrayLike<number>;
}

/**
 * The pod's scoring constraints when they are the system defaults' shape (hostname then zone,
 * both with a selector, no constraints of its own) and can be counted as the table path does
 * (zone fast path, per-node counts from the counter); else null.
 */
export function hostnameAndZoneSpread(pod: SchedPod, nodes: readonly SchedNode[], counter: MatchingPodCounter): HostnameAndZoneSpread | null {
  const own = pod.topologySpreadConstraints;
  if (own !== undefined && own.length > 0) return null;
  const constraints = scoringConstraints(pod);
  if (constraints.length !== 2 || !hostnameThenZone(constraints) || !zoneFastPath(pod, constraints, counter)) return null;
  const hostCounts = counter.countsByNode?.(pod.namespace, constraints[0].selector!, nodes);
  if (hostCounts === undefined) return null;
  return { hostSkew: constraints[0].maxSkew, zoneSkew: constraints[1].maxSkew, zoneSelector: constraints[1].selector!, hostCounts };
}

/** The system defaults' shape: hostname then zone, both with a selector. */
function hostnameThenZone(constraints: readonly SpreadConstraint[]): boolean {
  const host = constraints[0];
  const zone = constraints[1];
  return host.isHostname && host.selector !== null && zone.isZone && zone.selector !== null;
}

/**
 * scoreTopologySpread for the system defaults (hostname then zone constraint) on a NodeTable,
 * with the zone counts from countInZone and the node counts from `hostCounts`: the same
 * arithmetic as the general path (each node's sum is 0 + its hostname term + its zone term, in
 * that order), in three passes over the scored nodes instead of eight.
 */
function scoreHostnameAndZone(
  pod: SchedPod,
  constraints: readonly SpreadConstraint[],
  table: NodeTable,
  feasible: ArrayLike<number>,
  count: number,
  counter: MatchingPodCounter,
  hostCounts: ArrayLike<number>,
  out: { [i: number]: number },
): void {
  const host = constraints[0];
  const zone = constraints[1];
  if (sumScratch.length < count) sumScratch = new Float64Array(Math.max(count, 2 * sumScratch.length));
  if (slotScratch.length < count) slotScratch = new Int32Array(Math.max(count, 2 * slotScratch.length));
  const sums = sumScratch;
  const slots = slotScratch;
  const zones = table.zones;
  if (slotOfZone.length < zones.length) slotOfZone = new Int32Array(Math.max(zones.length, 2 * slotOfZone.length)).fill(-1);
  const zoneOf = table.zone;
  const none = table.zoneId("");

  // Pass 1: the hostname term (its weight needs only the number of scored nodes) and each node's
  // zone domain (initPreScoreState; a node without a zone makes the "" domain exist).
  const hostWeight = topologyNormalizingWeight(count);
  const hostSkew = host.maxSkew;
  const zoneValues: string[] = zoneValueScratch;
  zoneValues.length = 0;
  for (let k = 0; k < count; k++) {
    const at = feasible[k];
    sums[k] = scoreForCount(hostCounts[at], hostSkew, hostWeight);
    const z = zoneOf[at];
    let slot = slotOfZone[z];
    if (slot < 0) {
      slot = zoneValues.length;
      zoneValues.push(zones[z]);
      slotOfZone[z] = slot;
      seenZones[slot] = z;
    }
    slots[k] = z === none ? -1 : slot;
  }
  for (let j = 0; j < zoneValues.length; j++) slotOfZone[seenZones[j]] = -1;

  // PreScore (countInZone per domain, as the zone fast path does) and the zone term per domain.
  const zoneWeight = topologyNormalizingWeight(zoneValues.length);
  const zoneTerms = zoneTermScratch;
  zoneTerms.length = 0;
  for (let j = 0; j < zoneValues.length; j++) {
    zoneTerms.push(scoreForCount(counter.countInZone!(zoneValues[j], pod.namespace, zone.selector!), zone.maxSkew, zoneWeight));
  }

  // Pass 2: add the zone term, round, find the extremes.
  let min = Number.MAX_SAFE_INTEGER;
  let max = 0;
  for (let k = 0; k < count; k++) {
    const slot = slots[k];
    const rounded = Math.round(slot >= 0 ? sums[k] + zoneTerms[slot] : sums[k]);
    out[k] = rounded;
    if (rounded < min) min = rounded;
    if (rounded > max) max = rounded;
  }
  // Pass 3: NormalizeScore.
  normalizeSpreadScores(out, count, null, min, max);
}

/** sums[k] += scoreForCount(pods in node k's domain) for the nodes that carry the key. */
function addDomainScores(
  sums: Float64Array,
  count: number,
  ignored: Uint8Array,
  slots: Int32Array,
  base: number,
  counts: readonly number[],
  maxSkew: number,
  weight: number,
): void {
  for (let k = 0; k < count; k++) {
    const slot = slots[base + k];
    if (ignored[k] === 0 && slot >= 0) sums[k] += scoreForCount(counts[slot], maxSkew, weight);
  }
}

/** sums[k] += scoreForCount(pods on node k) from the counter's per-node counts. */
function addNodeScores(
  sums: Float64Array,
  count: number,
  ignored: Uint8Array,
  feasible: ArrayLike<number>,
  counts: ArrayLike<number>,
  maxSkew: number,
  weight: number,
): void {
  for (let k = 0; k < count; k++) {
    if (ignored[k] === 0) sums[k] += scoreForCount(counts[feasible[k]], maxSkew, weight);
  }
}

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
  table?: NodeTable,
): boolean {
  const constraints = scoringConstraints(pod);
  const nc = constraints.length;
  if (nc === 0 || nodes.length === 0) return false;
  const own = pod.topologySpreadConstraints;
  const requireAll = own !== undefined && own.length > 0;

  if (table !== undefined && !requireAll && nc === 2 && hostnameThenZone(constraints) && zoneFastPath(pod, constraints, counter)) {
    const counts = counter.countsByNode?.(pod.namespace, constraints[0].selector!, nodes);
    if (counts !== undefined) {
      scoreHostnameAndZone(pod, constraints, table, feasible, count, counter, counts, out);
      return true;
    }
  }
  if (ignoredScratch.length < count) {
    ignoredScratch = new Uint8Array(Math.max(count, ignoredScratch.length * 2));
    sumScratch = new Float64Array(ignoredScratch.length);
  }
  if (slotScratch.length < count * nc) slotScratch = new Int32Array(Math.max(count * nc, slotScratch.length * 2));
  if (weightScratch.length < nc) weightScratch = new Float64Array(nc);
  const ignored = ignoredScratch;
  const slots = slotScratch;
  const weights = weightScratch;
  const sums = sumScratch;
  while (domainKeys.length < nc) {
    domainKeys.push([]);
    domainCounts.push([]);
    domainMaps.push(null);
  }
  for (let i = 0; i < nc; i++) {
    domainKeys[i].length = 0;
    domainCounts[i].length = 0;
    domainMaps[i] = null;
  }

  // The passes below go constraint by constraint over the nodes (short loops that stay
  // optimised); a node's sum still adds its constraints' terms in constraint order, so the
  // floating-point result is the same as a node-by-node walk.

  // initPreScoreState over the scored nodes: ignored nodes, domains, each node's domain slot
  // (-1 when it lacks the label: it still makes the "" domain exist, but earns no credit).
  let ignoredCount = 0;
  if (requireAll) {
    for (let k = 0; k < count; k++) {
      const skip = !nodeHasAllKeys(nodes[feasible[k]], constraints);
      ignored[k] = skip ? 1 : 0;
      if (skip) ignoredCount++;
    }
  } else ignored.fill(0, 0, count);
  for (let i = 0; i < nc; i++) {
    const c = constraints[i];
    if (c.isHostname) continue;
    if (c.isZone && table !== undefined) assignZonesFromTable(i, table, feasible, count, ignored, slots, i * count);
    else assignDomains(i, c, nodes, feasible, count, ignored, slots, i * count);
  }
  for (let i = 0; i < nc; i++) {
    weights[i] = topologyNormalizingWeight(constraints[i].isHostname ? count - ignoredCount : domainCounts[i].length);
  }

  // PreScore: matching pods per domain, over all nodes.
  if (zoneFastPath(pod, constraints, counter)) {
    for (let i = 0; i < nc; i++) {
      const c = constraints[i];
      if (c.isHostname || c.selector === null) continue;
      const keys = domainKeys[i];
      for (let slot = 0; slot < keys.length; slot++) {
        const zone = keys[slot];
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
        const slot = findDomain(i, topologyValue(node, c) ?? "");
        if (slot >= 0) domainCounts[i][slot] += countOnNode(counter, node, pod, c.selector);
      }
    }
  }

  // Score: Σ over constraints of scoreForCount, rounded; then NormalizeScore.
  sums.fill(0, 0, count);
  for (let i = 0; i < nc; i++) {
    const c = constraints[i];
    if (!c.isHostname) {
      addDomainScores(sums, count, ignored, slots, i * count, domainCounts[i], c.maxSkew, weights[i]);
      continue;
    }
    const counts = c.selector !== null && counter.countsByNode !== undefined ? counter.countsByNode(pod.namespace, c.selector, nodes) : undefined;
    if (counts !== undefined) {
      addNodeScores(sums, count, ignored, feasible, counts, c.maxSkew, weights[i]);
      continue;
    }
    for (let k = 0; k < count; k++) {
      if (ignored[k] === 0) sums[k] += scoreForCount(countOnNode(counter, nodes[feasible[k]], pod, c.selector), c.maxSkew, weights[i]);
    }
  }
  let min = Number.MAX_SAFE_INTEGER;
  let max = 0;
  for (let k = 0; k < count; k++) {
    if (ignored[k] === 1) continue;
    const rounded = Math.round(sums[k]);
    out[k] = rounded;
    if (rounded < min) min = rounded;
    if (rounded > max) max = rounded;
  }
  normalizeSpreadScores(out, count, ignored, min, max);
  return true;
}

/**
 * NormalizeScore in place over out[0..count) holding rounded scores between min and max:
 * 100·(max + min − s) / max, truncated; 100 for all when max = 0; ignored nodes (when given) 0.
 */
function normalizeSpreadScores(out: { [i: number]: number }, count: number, ignored: Uint8Array | null, min: number, max: number): void {
  if (max === 0) {
    for (let k = 0; k < count; k++) out[k] = ignored !== null && ignored[k] === 1 ? 0 : MAX_NODE_SCORE;
    return;
  }
  // The normalised score of each value in [min, max], computed once per value: the raw scores
  // are rounded sums over a few counts, so 500 nodes share a handful of values.
  const range = max - min + 1;
  if (range > count) {
    for (let k = 0; k < count; k++) {
      out[k] = ignored !== null && ignored[k] === 1 ? 0 : Math.floor((MAX_NODE_SCORE * (max + min - out[k])) / max);
    }
    return;
  }
  if (normalizedScratch.length < range) normalizedScratch = new Float64Array(Math.max(range, 2 * normalizedScratch.length));
  const normalized = normalizedScratch;
  for (let v = 0; v < range; v++) normalized[v] = Math.floor((MAX_NODE_SCORE * (max - v)) / max);
  if (ignored === null) for (let k = 0; k < count; k++) out[k] = normalized[out[k] - min];
  else for (let k = 0; k < count; k++) out[k] = ignored[k] === 1 ? 0 : normalized[out[k] - min];
}
