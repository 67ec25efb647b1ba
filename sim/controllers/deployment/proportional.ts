/**
 * Proportional scaling of a Deployment's ReplicaSets when `spec.replicas` changes mid-rollout (or
 * while paused), as a pure plan: the RS writes upstream would issue, in its order.
 *
 * Models upstream kubernetes/kubernetes `pkg/controller/deployment/sync.go scale` and
 * `isScalingEvent`, `util/deployment_util.go FindActiveOrLatest`, `IsSaturated`, `GetProportion`,
 * `getReplicaSetFraction`, `ReplicasAnnotationsNeedUpdate`, the annotation parsing of
 * `getIntFromAnnotation`, and `controller_utils.go ReplicaSetsBySizeNewer/Older`.
 *
 * Leaves out: the rest of `sync()` (history cleanup, status), API errors part-way through the
 * writes (upstream stops and requeues), and annotation strings that parse but are not in canonical
 * form ("05"): kubesim writes the annotations itself, always canonically.
 */
import { type ReplicaSetIdentity, compareByCreationTimestamp } from "./rolling-math.ts";

/** `deployment.kubernetes.io/desired-replicas`: the Deployment's spec.replicas when the RS was last scaled. */
export const DESIRED_REPLICAS_ANNOTATION = "deployment.kubernetes.io/desired-replicas";
/** `deployment.kubernetes.io/max-replicas`: spec.replicas + MaxSurge when the RS was last scaled. */
export const MAX_REPLICAS_ANNOTATION = "deployment.kubernetes.io/max-replicas";

/**
 * Upstream `deployment_util.go getIntFromAnnotation`: `strconv.Atoi` (optional sign, decimal
 * digits, within int64) then `int32(...)`, which wraps; missing or unparsable → undefined ("not ok").
 * Example: "10" → 10; "+3" → 3; " 3", "3.0", "" → undefined; "4294967297" → 1 (int32 wrap).
 */
export function parseReplicasAnnotation(value: string | undefined): number | undefined {
  if (value === undefined || !/^[+-]?\d+$/.test(value)) return undefined;
  const parsed = BigInt(value);
  if (parsed !== BigInt.asIntN(64, parsed)) return undefined;
  return Number(BigInt.asIntN(32, parsed));
}

/** A ReplicaSet as proportional scaling sees it. */
export interface ScalableReplicaSet extends ReplicaSetIdentity {
  readonly specReplicas: number;
  /** Parsed desired-replicas annotation; undefined when missing or unparsable. */
  readonly desiredReplicasAnnotation?: number;
  /** Parsed max-replicas annotation; undefined when missing or unparsable. */
  readonly maxReplicasAnnotation?: number;
}

/** The new ReplicaSet additionally needs its availability (for `IsSaturated`). */
export interface ScalableNewReplicaSet extends ScalableReplicaSet {
  readonly availableReplicas: number;
}

/**
 * Upstream `sync.go isScalingEvent`: some active RS (spec > 0) carries a desired-replicas annotation
 * different from spec.replicas. RSs without a (parsable) annotation are skipped.
 * Example: replicas 12, RSs {spec 10, desired 10} → true; {spec 0, desired 10} → false (inactive).
 */
export function isScalingEvent(
  replicas: number,
  replicaSets: readonly Pick<ScalableReplicaSet, "specReplicas" | "desiredReplicasAnnotation">[],
): boolean {
  return replicaSets.some(
    (rs) => rs.specReplicas > 0 && rs.desiredReplicasAnnotation !== undefined && rs.desiredReplicasAnnotation !== replicas,
  );
}

/**
 * Go `math.Round`: half away from zero (2.5 → 3, −2.5 → −3). Not `Math.round`, which rounds −2.5
 * to −2, and not `floor(x + 0.5)`, which turns 0.49999999999999994 into 1.
 */
export function roundHalfAwayFromZero(x: number): number {
  const t = Math.trunc(x);
  const r = Math.abs(x - t) >= 0.5 ? t + Math.sign(x) : t;
  return r === 0 ? 0 : r; // no −0
}

/**
 * Upstream `controller_utils.go ReplicaSetsBySizeNewer`: larger spec first; equal sizes newer first
 * (the reverse of `ReplicaSetsByCreationTimestamp`, so same-second ties go by name descending).
 * Used when adding replicas, so the newest template gets them first.
 */
export function compareBySizeNewer(a: ScalableReplicaSet, b: ScalableReplicaSet): number {
  if (a.specReplicas !== b.specReplicas) return b.specReplicas - a.specReplicas;
  return compareByCreationTimestamp(b, a);
}

/**
 * Upstream `controller_utils.go ReplicaSetsBySizeOlder`: larger spec first; equal sizes older first
 * (same-second ties by name ascending). Used when removing replicas, so old templates lose them first.
 */
export function compareBySizeOlder(a: ScalableReplicaSet, b: ScalableReplicaSet): number {
  if (a.specReplicas !== b.specReplicas) return b.specReplicas - a.specReplicas;
  return compareByCreationTimestamp(a, b);
}

export interface ProportionalScaleInput {
  /** The RS matching the current template; undefined when it does not exist yet. */
  readonly newRS?: ScalableNewReplicaSet;
  /** Every other RS of the Deployment, active or not. */
  readonly oldRSs: readonly ScalableReplicaSet[];
  /** deployment.spec.replicas (the new value). */
  readonly replicas: number;
  /** `maxSurge(strategy, replicas)` for the current spec. */
  readonly maxSurge: number;
  /** deployment.status.replicas: the fraction's fallback when an RS has no max-replicas annotation. */
  readonly statusReplicas: number;
  /** strategy.type === "RollingUpdate"; Recreate only takes the two shortcuts. */
  readonly rollingUpdate: boolean;
}

/**
 * One RS update upstream issues: size `from` → `to` (possibly equal) and, with it, the annotations
 * desired-replicas = replicas and max-replicas = replicas + maxSurge.
 */
export interface ReplicaSetWrite {
  readonly name: string;
  readonly from: number;
  readonly to: number;
}

export type ProportionalScaleReason =
  /** No RS at all. */
  | "noReplicaSets"
  /** ≤ 1 active RS: it (or the newest RS if none is active) is set to replicas. */
  | "activeOrLatest"
  /** The new RS holds all replicas, all available: every active old RS goes to 0. */
  | "saturated"
  /** Several active RSs under Recreate: upstream does nothing. */
  | "notRollingUpdate"
  /** Several active RSs under RollingUpdate: the difference is shared out proportionally. */
  | "proportional";

export interface ProportionalScalePlan {
  readonly reason: ProportionalScaleReason;
  /** allowed − Σ active spec (proportional path only, else 0). */
  readonly replicasToAdd: number;
  /** RS updates in upstream's order; RSs absent here are not written. */
  readonly writes: readonly ReplicaSetWrite[];
}

/**
 * Upstream `deployment_util.go FindActiveOrLatest`: with old RSs sorted newest first, if at most
 * one RS (old or new) is active return it, or when none is active the new RS, else the newest old
 * one; with several active RSs return undefined.
 */
export function findActiveOrLatest<T extends ScalableReplicaSet>(
  newRS: T | undefined,
  oldRSsNewestFirst: readonly T[],
): T | undefined {
  if (newRS === undefined && oldRSsNewestFirst.length === 0) return undefined;
  const active = [...oldRSsNewestFirst, ...(newRS ? [newRS] : [])].filter((rs) => rs.specReplicas > 0);
  if (active.length === 0) return newRS ?? oldRSsNewestFirst[0];
  if (active.length === 1) return active[0];
  return undefined;
}

/**
 * Upstream `deployment_util.go IsSaturated`: the new RS's spec, its desired-replicas annotation and
 * its available count all equal replicas. A missing annotation means not saturated.
 */
export function isSaturated(replicas: number, newRS: ScalableNewReplicaSet | undefined): boolean {
  if (newRS === undefined || newRS.desiredReplicasAnnotation === undefined) return false;
  return newRS.specReplicas === replicas && newRS.desiredReplicasAnnotation === replicas && newRS.availableReplicas === replicas;
}

/**
 * Upstream `deployment_util.go getReplicaSetFraction`: the change this RS should get.
 * replicas 0 → −spec (everything goes). Otherwise round(spec × (replicas + maxSurge) / annotated)
 * − spec, where annotated is the RS's max-replicas annotation (the old replicas + maxSurge) or,
 * without one, deployment.status.replicas; int multiply, float64 divide, Go `math.Round`.
 * Example: 10 → 20 replicas with maxSurge 3 → 5, old RS spec 8 annotated 13 →
 * round(8 × 25 / 13 = 15.38) − 8 = +7.
 * With annotated 0 upstream divides by zero and converts ±Inf to int32, which Go leaves
 * platform-defined; kubesim refuses rather than guess.
 */
export function replicaSetFraction(rs: ScalableReplicaSet, replicas: number, maxSurge: number, statusReplicas: number): number {
  if (replicas === 0) return -rs.specReplicas;
  const deploymentReplicas = replicas + maxSurge;
  const annotated = rs.maxReplicasAnnotation ?? statusReplicas;
  if (annotated === 0) {
    throw new Error(
      `proportional scaling of ReplicaSet ${rs.name}: max-replicas is 0 (annotation ${rs.maxReplicasAnnotation === undefined ? "missing and status.replicas is 0" : "is 0"}); ` +
        "upstream divides by zero here and the result is platform-defined",
    );
  }
  return roundHalfAwayFromZero((rs.specReplicas * deploymentReplicas) / annotated) - rs.specReplicas;
}

/**
 * Upstream `deployment_util.go GetProportion`: 0 for an empty RS or when nothing is left to share;
 * else the fraction bounded by what is left: min(fraction, toAdd − added) when adding,
 * max(fraction, toAdd − added) when removing.
 */
export function getProportion(
  rs: ScalableReplicaSet,
  replicas: number,
  maxSurge: number,
  statusReplicas: number,
  replicasToAdd: number,
  replicasAdded: number,
): number {
  if (rs.specReplicas === 0 || replicasToAdd === 0 || replicasToAdd === replicasAdded) return 0;
  const fraction = replicaSetFraction(rs, replicas, maxSurge, statusReplicas);
  const allowed = replicasToAdd - replicasAdded;
  return replicasToAdd > 0 ? Math.min(fraction, allowed) : Math.max(fraction, allowed);
}

/**
 * Upstream `sync.go scale`, as a plan.
 * 1. `FindActiveOrLatest` (old RSs sorted newest first): ≤ 1 active RS → set it to replicas (no
 *    write if it already has that size).
 * 2. `IsSaturated(newRS)` → every active old RS to 0, newest first (upstream iterates the slice
 *    FindActiveOrLatest sorted in place).
 * 3. RollingUpdate: allowed = replicas + maxSurge (0 when replicas is 0), toAdd = allowed − Σ active
 *    spec. Sort the active RSs `ReplicaSetsBySizeNewer` when adding, `ReplicaSetsBySizeOlder` when
 *    removing (neither when toAdd is 0: old RSs newest first, then the new RS). Each RS gets
 *    `GetProportion`; the leftover toAdd − added goes to the first RS in that order, clamped at 0.
 *    Every active RS is then written if its size or either annotation changes.
 * Example: 10 replicas, maxSurge 3, mid-rollout new RS 5 + old RS 8 (both annotated max 13);
 * scale to 20 (maxSurge 5, allowed 25, toAdd 12): old first (larger): round(8 × 25 / 13 = 15.38) −
 * 8 = 7 → 15; new: round(5 × 25 / 13 = 9.62) − 5 = 5 → 10; added 12, no leftover.
 */
export function planProportionalScale(input: ProportionalScaleInput): ProportionalScalePlan {
  const { newRS, replicas, maxSurge, statusReplicas } = input;
  // Newest first: the reverse of ReplicaSetsByCreationTimestamp.
  const oldNewestFirst = [...input.oldRSs].sort((a, b) => compareByCreationTimestamp(b, a));

  if (newRS === undefined && oldNewestFirst.length === 0) return { reason: "noReplicaSets", replicasToAdd: 0, writes: [] };

  const activeOrLatest = findActiveOrLatest<ScalableReplicaSet>(newRS, oldNewestFirst);
  if (activeOrLatest !== undefined) {
    const writes =
      activeOrLatest.specReplicas === replicas ? [] : [{ name: activeOrLatest.name, from: activeOrLatest.specReplicas, to: replicas }];
    return { reason: "activeOrLatest", replicasToAdd: 0, writes };
  }

  if (isSaturated(replicas, newRS)) {
    const writes = oldNewestFirst.filter((rs) => rs.specReplicas > 0).map((rs) => ({ name: rs.name, from: rs.specReplicas, to: 0 }));
    return { reason: "saturated", replicasToAdd: 0, writes };
  }

  if (!input.rollingUpdate) return { reason: "notRollingUpdate", replicasToAdd: 0, writes: [] };

  const active = [...oldNewestFirst, ...(newRS ? [newRS] : [])].filter((rs) => rs.specReplicas > 0);
  const allowed = replicas > 0 ? replicas + maxSurge : 0;
  const toAdd = allowed - active.reduce((total, rs) => total + rs.specReplicas, 0);
  if (toAdd > 0) active.sort(compareBySizeNewer);
  else if (toAdd < 0) active.sort(compareBySizeOlder);

  let added = 0;
  const sizes = active.map((rs) => {
    if (toAdd === 0) return rs.specReplicas;
    const proportion = getProportion(rs, replicas, maxSurge, statusReplicas, toAdd, added);
    added += proportion;
    return rs.specReplicas + proportion;
  });
  if (toAdd !== 0 && sizes.length > 0) sizes[0] = Math.max(0, sizes[0] + toAdd - added);

  const writes: ReplicaSetWrite[] = [];
  active.forEach((rs, i) => {
    const annotationsStale = rs.desiredReplicasAnnotation !== replicas || rs.maxReplicasAnnotation !== replicas + maxSurge;
    if (sizes[i] !== rs.specReplicas || annotationsStale) writes.push({ name: rs.name, from: rs.specReplicas, to: sizes[i] });
  });
  return { reason: "proportional", replicasToAdd: toAdd, writes };
}
