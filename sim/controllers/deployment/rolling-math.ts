/**
 * The arithmetic of the Deployment controller's rolling update, as pure functions: numbers in,
 * numbers or decisions out, no cluster state. The controller calls these; tests pin them to
 * upstream's own table cases.
 *
 * Models (upstream kubernetes/kubernetes, default feature gates of v1.33–v1.35):
 * - apimachinery `intstr.GetScaledValueFromIntOrPercent` and apps/v1 `SetDefaults_Deployment`'s
 *   strategy defaults;
 * - `util/deployment_util.go`: `ResolveFenceposts`, `MaxSurge`, `MaxUnavailable`, `MinAvailable`,
 *   `NewRSNewReplicas`, `DeploymentComplete`, `DeploymentProgressing`, `DeploymentTimedOut`,
 *   `HasProgressDeadline`, `ReplicaSetsByCreationTimestamp` (from `controller_utils.go`);
 * - `rolling.go`: `reconcileNewReplicaSet`'s target and `reconcileOldReplicaSets` with its two steps
 *   `cleanupUnhealthyReplicas` and `scaleDownOldReplicaSetsForRollingUpdate`;
 * - `sync.go calculateStatus` (counts and the Available condition) and `progress.go`
 *   (`syncRolloutStatus`'s Progressing condition, `requeueStuckDeployment`).
 *
 * Leaves out: condition messages, the ReplicaFailure condition, `terminatingReplicas` (the
 * DeploymentReplicaSetTerminatingReplicas gate only reports it), `podReplacementPolicy` (alpha, off),
 * the Paused/Resumed conditions, and int32 overflow (the API keeps replica counts far below 2^31).
 * Proportional scaling lives in `proportional.ts`.
 *
 * Times are virtual-time integers in microseconds (`sim/core/time.ts`).
 */
import { MICROS_PER_SECOND, type Time, floorToSecond } from "../../core/time.ts";

// ---------------------------------------------------------------------------------------------
// IntOrString and strategy defaults
// ---------------------------------------------------------------------------------------------

/** `intstr.IntOrString` as maxSurge/maxUnavailable use it: an absolute count or a `"NN%"` string. */
export type IntOrPercent = number | string;

export type DeploymentStrategyType = "RollingUpdate" | "Recreate";

/** `spec.strategy.rollingUpdate`; a missing field is nil upstream. */
export interface RollingUpdateParams {
  /** Extra pods allowed above `spec.replicas` during a rollout (count or percent, rounded up). */
  readonly maxSurge?: IntOrPercent;
  /** Pods allowed below `spec.replicas` during a rollout (count or percent, rounded down). */
  readonly maxUnavailable?: IntOrPercent;
}

/** `spec.strategy` after defaulting. */
export interface DeploymentStrategy {
  readonly type: DeploymentStrategyType;
  readonly rollingUpdate?: RollingUpdateParams;
}

/** `spec.strategy` as a manifest may write it, before defaulting. */
export interface DeploymentStrategyInput {
  readonly type?: DeploymentStrategyType;
  readonly rollingUpdate?: RollingUpdateParams;
}

/** apps/v1 default for `rollingUpdate.maxSurge`. */
export const DEFAULT_MAX_SURGE: IntOrPercent = "25%";
/** apps/v1 default for `rollingUpdate.maxUnavailable`. */
export const DEFAULT_MAX_UNAVAILABLE: IntOrPercent = "25%";
/** `spec.progressDeadlineSeconds` value that means "no deadline" (`math.MaxInt32`). */
export const NO_PROGRESS_DEADLINE = 2_147_483_647;

/**
 * Upstream `pkg/apis/apps/v1/defaults.go SetDefaults_Deployment` (strategy part only): an empty
 * type becomes RollingUpdate; for RollingUpdate a missing maxSurge/maxUnavailable becomes 25%.
 * Recreate is left as written (validation forbids `rollingUpdate` with Recreate).
 * Example: `{}` → `{type: "RollingUpdate", rollingUpdate: {maxSurge: "25%", maxUnavailable: "25%"}}`;
 * `{rollingUpdate: {maxSurge: 0}}` → maxSurge 0 kept, maxUnavailable "25%".
 */
export function withDeploymentStrategyDefaults(strategy: DeploymentStrategyInput = {}): DeploymentStrategy {
  const type = strategy.type ?? "RollingUpdate";
  if (type !== "RollingUpdate") return { type, ...(strategy.rollingUpdate ? { rollingUpdate: strategy.rollingUpdate } : {}) };
  return {
    type,
    rollingUpdate: {
      maxSurge: strategy.rollingUpdate?.maxSurge ?? DEFAULT_MAX_SURGE,
      maxUnavailable: strategy.rollingUpdate?.maxUnavailable ?? DEFAULT_MAX_UNAVAILABLE,
    },
  };
}

// strconv.Atoi accepts an optional sign and decimal digits, nothing else (no spaces, no "1.5").
const ATOI = /^[+-]?\d+$/;

/**
 * Upstream `staging/src/k8s.io/apimachinery/pkg/util/intstr/intstr.go GetScaledValueFromIntOrPercent`
 * (with `getIntOrPercentValueSafely`). An int is returned as-is. A string must end in `%` and the
 * rest must parse as an integer; the percent is scaled in float64 as `value * total / 100`
 * (multiply, then divide) and then ceil'd (`roundUp`) or floor'd. Anything else is an error, and so
 * is a nil value: the nil-as-0 rule belongs to `ResolveFenceposts` (`intstr.ValueOrDefault`), see
 * `resolveFenceposts`.
 * Example: 10 replicas, "25%" → 2.5 → 3 rounded up, 2 rounded down; "30%" of 5 → 1.5 → 2 / 1;
 * 7 → 7; "25" (no %) → error; "2.5%" → error.
 */
export function getScaledValueFromIntOrPercent(value: IntOrPercent | undefined, total: number, roundUp: boolean): number {
  if (value === undefined) throw new Error("invalid IntOrString: nil value for IntOrString");
  if (typeof value === "number") {
    if (!Number.isSafeInteger(value)) throw new Error(`invalid IntOrString: ${value} is not an integer`);
    return value;
  }
  if (!value.endsWith("%")) {
    throw new Error(`invalid value for IntOrString: ${JSON.stringify(value)} is not a percentage (want e.g. "25%")`);
  }
  const digits = value.slice(0, -1);
  const percent = ATOI.test(digits) ? Number(digits) : Number.NaN;
  if (!Number.isSafeInteger(percent)) {
    throw new Error(`invalid value for IntOrString: ${JSON.stringify(value)} is not an integer percentage`);
  }
  const scaled = (percent * total) / 100;
  return roundUp ? Math.ceil(scaled) : Math.floor(scaled);
}

/** Resolved `maxSurge` / `maxUnavailable` for one replica count. */
export interface Fenceposts {
  readonly surge: number;
  readonly unavailable: number;
}

/**
 * Upstream `pkg/controller/deployment/util/deployment_util.go ResolveFenceposts`.
 * surge = ceil(maxSurge% × desired), unavailable = floor(maxUnavailable% × desired), a nil value
 * counting as 0; if both come out 0, unavailable becomes 1 ("surge might not work due to quota"),
 * so a rollout can always make progress.
 * Example: 10 replicas, maxSurge 3, maxUnavailable 2 → {3, 2}; 10 replicas, 25%/25% → {3, 2};
 * 3 replicas, 25%/25% → {1, 0}; 0 replicas, 25%/25% → {0, 0} → fencepost → {0, 1}.
 * Throws on an invalid value (see `getScaledValueFromIntOrPercent`).
 */
export function resolveFenceposts(
  maxSurgeValue: IntOrPercent | undefined,
  maxUnavailableValue: IntOrPercent | undefined,
  desired: number,
): Fenceposts {
  const surge = getScaledValueFromIntOrPercent(maxSurgeValue ?? 0, desired, true);
  let unavailable = getScaledValueFromIntOrPercent(maxUnavailableValue ?? 0, desired, false);
  if (surge === 0 && unavailable === 0) unavailable = 1;
  return { surge, unavailable };
}

/**
 * Upstream `deployment_util.go MaxUnavailable`: 0 unless RollingUpdate with replicas > 0; otherwise
 * the resolved fencepost value, capped at replicas (so "100%" or 10 of 5 replicas → 5).
 * Example: 10 replicas, maxSurge 3, maxUnavailable 2 → 2; 1 replica, 25%/25% → 0; 0 replicas → 0.
 * Upstream drops the resolve error ("caught by validation"); kubesim throws instead, since an
 * invalid value can only mean a scenario that skipped validation.
 */
export function maxUnavailable(strategy: DeploymentStrategy, replicas: number): number {
  if (strategy.type !== "RollingUpdate" || replicas === 0) return 0;
  const { unavailable } = resolveFenceposts(strategy.rollingUpdate?.maxSurge, strategy.rollingUpdate?.maxUnavailable, replicas);
  return Math.min(unavailable, replicas);
}

/**
 * Upstream `deployment_util.go MaxSurge`: 0 unless RollingUpdate; otherwise the resolved fencepost
 * surge, not capped. Example: 10 replicas, maxSurge 3, maxUnavailable 2 → 3; "100%" of 4 → 4;
 * 0 replicas, 25% → 0.
 */
export function maxSurge(strategy: DeploymentStrategy, replicas: number): number {
  if (strategy.type !== "RollingUpdate") return 0;
  return resolveFenceposts(strategy.rollingUpdate?.maxSurge, strategy.rollingUpdate?.maxUnavailable, replicas).surge;
}

/**
 * Upstream `deployment_util.go MinAvailable`: replicas − MaxUnavailable for RollingUpdate, else 0.
 * Example: 10 replicas, maxSurge 3, maxUnavailable 2 → 8.
 */
export function minAvailable(strategy: DeploymentStrategy, replicas: number): number {
  if (strategy.type !== "RollingUpdate") return 0;
  return replicas - maxUnavailable(strategy, replicas);
}

// ---------------------------------------------------------------------------------------------
// Scaling the new ReplicaSet up
// ---------------------------------------------------------------------------------------------

/**
 * Upstream `deployment_util.go NewRSNewReplicas`. RollingUpdate: maxTotal = replicas + maxSurge
 * (maxSurge rounded up straight from the spec, *not* through the fencepost); current = Σ
 * spec.replicas over `allRSSpecReplicas` (which must include the new RS); if current ≥ maxTotal the
 * new RS keeps its size, else it grows by min(maxTotal − current, replicas − newRS). Recreate:
 * replicas.
 * Example: 10 replicas, maxSurge 3, maxUnavailable 2, old RS 10 + new RS 0 → maxTotal 13,
 * current 10 → 0 + min(3, 10) = 3; later old 8 + new 3 → current 11 → 3 + min(2, 7) = 5.
 */
export function newRSNewReplicas(
  strategy: DeploymentStrategy,
  replicas: number,
  allRSSpecReplicas: readonly number[],
  newRSSpecReplicas: number,
): number {
  if (strategy.type === "Recreate") return replicas;
  const surge = getScaledValueFromIntOrPercent(strategy.rollingUpdate?.maxSurge, replicas, true);
  const current = sum(allRSSpecReplicas);
  const maxTotal = replicas + surge;
  if (current >= maxTotal) return newRSSpecReplicas;
  return newRSSpecReplicas + Math.min(maxTotal - current, replicas - newRSSpecReplicas);
}

/**
 * The size `rolling.go reconcileNewReplicaSet` scales the new RS to (equal to its current size when
 * it does nothing): already at replicas → unchanged; above replicas → down to replicas; else
 * `NewRSNewReplicas`.
 * Example: 10 replicas, maxSurge 2, old RS 2, new RS 11 → 10 (scaled down, no surge arithmetic).
 */
export function reconcileNewReplicaSetTarget(
  strategy: DeploymentStrategy,
  replicas: number,
  allRSSpecReplicas: readonly number[],
  newRSSpecReplicas: number,
): number {
  if (newRSSpecReplicas === replicas) return newRSSpecReplicas;
  if (newRSSpecReplicas > replicas) return replicas;
  return newRSNewReplicas(strategy, replicas, allRSSpecReplicas, newRSSpecReplicas);
}

// ---------------------------------------------------------------------------------------------
// Scaling old ReplicaSets down
// ---------------------------------------------------------------------------------------------

/** What ordering needs to know about a ReplicaSet. */
export interface ReplicaSetIdentity {
  readonly name: string;
  /** creationTimestamp, virtual µs; compared at whole-second precision as the API stores it. */
  readonly creationTime: Time;
}

/**
 * Upstream `pkg/controller/controller_utils.go ReplicaSetsByCreationTimestamp.Less`: older first,
 * equal timestamps by name ascending. metav1.Time keeps whole seconds, so two RSs created in the
 * same second tie and the name decides. Example: a@10.2s, b@10.7s, c@9.9s → c, a, b.
 */
export function compareByCreationTimestamp(a: ReplicaSetIdentity, b: ReplicaSetIdentity): number {
  const ta = floorToSecond(a.creationTime);
  const tb = floorToSecond(b.creationTime);
  if (ta !== tb) return ta - tb;
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

/** An old ReplicaSet as `reconcileOldReplicaSets` sees it. */
export interface OldReplicaSetView extends ReplicaSetIdentity {
  readonly specReplicas: number;
  readonly availableReplicas: number;
}

/** The new ReplicaSet as `reconcileOldReplicaSets` sees it. */
export interface NewReplicaSetView {
  readonly specReplicas: number;
  readonly availableReplicas: number;
}

/** One `scaleReplicaSetAndRecordEvent` call that lowers an RS's spec.replicas. */
export interface ReplicaSetScaleDown {
  readonly name: string;
  readonly from: number;
  readonly to: number;
}

export interface CleanupUnhealthyResult {
  /** The RSs after the step, oldest first, with their new spec.replicas (status unchanged). */
  readonly oldRSs: readonly OldReplicaSetView[];
  readonly scaleDowns: readonly ReplicaSetScaleDown[];
  readonly cleanupCount: number;
  /** Set when an RS had spec < available; upstream stops the loop with an error there. */
  readonly error?: string;
}

/**
 * Upstream `rolling.go cleanupUnhealthyReplicas`: oldest RS first (`ReplicaSetsByCreationTimestamp`),
 * scale each RS with unavailable pods (spec > available) down by min(budget left, spec − available),
 * until `maxCleanupCount` is spent. The RS controller then deletes its not-ready pods first, so this
 * never lowers availability. An RS with spec < available (status not caught up with a scale-down)
 * makes upstream compute a "scale down" that grows the RS and fail with an error, leaving the
 * earlier scale-downs in place; that is returned as `error`.
 * Example: old RS spec 10, available 8, budget 1 → 10→9 (count 1); budget 3 → 10→8 (count 2).
 */
export function cleanupUnhealthyReplicas(oldRSs: readonly OldReplicaSetView[], maxCleanupCount: number): CleanupUnhealthyResult {
  const sorted = [...oldRSs].sort(compareByCreationTimestamp);
  const scaleDowns: ReplicaSetScaleDown[] = [];
  let total = 0;
  for (let i = 0; i < sorted.length; i++) {
    if (total >= maxCleanupCount) break;
    const rs = sorted[i];
    if (rs.specReplicas === 0 || rs.specReplicas === rs.availableReplicas) continue;
    const count = Math.min(maxCleanupCount - total, rs.specReplicas - rs.availableReplicas);
    const to = rs.specReplicas - count;
    if (to > rs.specReplicas) {
      return {
        oldRSs: sorted,
        scaleDowns,
        cleanupCount: total,
        error:
          `when cleaning up unhealthy replicas, got invalid request to scale down ${rs.name} ` +
          `${rs.specReplicas} -> ${to} (available ${rs.availableReplicas} exceeds spec)`,
      };
    }
    scaleDowns.push({ name: rs.name, from: rs.specReplicas, to });
    sorted[i] = { ...rs, specReplicas: to };
    total += count;
  }
  return { oldRSs: sorted, scaleDowns, cleanupCount: total };
}

export interface ScaleDownForRollingUpdateInput {
  /** The old RSs upstream passes: the active ones (after cleanup, in the full plan). */
  readonly oldRSs: readonly OldReplicaSetView[];
  /** The new RS; upstream counts its available pods too. Absent in some upstream unit tests. */
  readonly newRS?: NewReplicaSetView;
  /** deployment.spec.replicas */
  readonly replicas: number;
  /** `maxUnavailable(strategy, replicas)` */
  readonly maxUnavailable: number;
}

export interface ScaleDownForRollingUpdateResult {
  readonly scaleDowns: readonly ReplicaSetScaleDown[];
  readonly scaledDownCount: number;
}

/**
 * Upstream `rolling.go scaleDownOldReplicaSetsForRollingUpdate`: minAvailable = replicas −
 * maxUnavailable; available = Σ status.availableReplicas over the given old RSs and the new RS; if
 * available ≤ minAvailable nothing, else remove available − minAvailable pods from old RSs, oldest
 * first, each by min(spec, budget left). Availability is the RS status as observed: scaling down in
 * `cleanupUnhealthyReplicas` changed specs, not statuses.
 * Example: 10 replicas, maxUnavailable 2, old RS spec 10 available 10, no new pods →
 * budget 10 − 8 = 2 → 10→8.
 */
export function scaleDownOldReplicaSetsForRollingUpdate(input: ScaleDownForRollingUpdateInput): ScaleDownForRollingUpdateResult {
  const minAvail = input.replicas - input.maxUnavailable;
  const available = sum(input.oldRSs.map((rs) => rs.availableReplicas)) + (input.newRS?.availableReplicas ?? 0);
  if (available <= minAvail) return { scaleDowns: [], scaledDownCount: 0 };
  const budget = available - minAvail;
  const scaleDowns: ReplicaSetScaleDown[] = [];
  let total = 0;
  for (const rs of [...input.oldRSs].sort(compareByCreationTimestamp)) {
    if (total >= budget) break;
    if (rs.specReplicas === 0) continue;
    const count = Math.min(rs.specReplicas, budget - total);
    scaleDowns.push({ name: rs.name, from: rs.specReplicas, to: rs.specReplicas - count });
    total += count;
  }
  return { scaleDowns, scaledDownCount: total };
}

export interface OldReplicaSetsInput {
  /** All old RSs of the Deployment; inactive ones (spec 0) are dropped, as `rolloutRolling` does. */
  readonly oldRSs: readonly OldReplicaSetView[];
  readonly newRS: NewReplicaSetView;
  /** deployment.spec.replicas */
  readonly replicas: number;
  /** `maxUnavailable(strategy, replicas)` */
  readonly maxUnavailable: number;
}

export interface OldReplicaSetsPlan {
  /** allPods − minAvailable − newRS unavailable; ≤ 0 means nothing may be scaled down. */
  readonly maxScaledDown: number;
  /** `cleanupUnhealthyReplicas` scale-downs, in upstream order. */
  readonly cleanup: readonly ReplicaSetScaleDown[];
  /** `scaleDownOldReplicaSetsForRollingUpdate` scale-downs, in upstream order (after cleanup). */
  readonly rollingUpdate: readonly ReplicaSetScaleDown[];
  /** What `reconcileOldReplicaSets` returns: true iff steps 1+2 removed anything and no error. */
  readonly scaled: boolean;
  /** Cleanup stopped on an RS with spec < available; upstream then returns "not scaled". */
  readonly error?: string;
}

/**
 * Upstream `rolling.go reconcileOldReplicaSets`, as a plan. With the active old RSs:
 * 1. Σ old spec = 0 → nothing.
 * 2. minAvailable = replicas − maxUnavailable; newUnavailable = newRS.spec − newRS.available;
 *    maxScaledDown = Σ spec(all RSs) − minAvailable − newUnavailable; ≤ 0 → nothing. Counting the
 *    new RS's unavailable pods keeps old pods alive while the new ones are not up.
 * 3. `cleanupUnhealthyReplicas(old, maxScaledDown)` removes old unavailable pods.
 * 4. `scaleDownOldReplicaSetsForRollingUpdate` on the RSs as left by step 3.
 * An RS may appear in both lists; apply `cleanup` then `rollingUpdate` in order.
 * Example (the comment in rolling.go): 10 replicas, maxSurge 3, maxUnavailable 2, old RS 8 (one
 * pod lost to a node failure), new RS 5 crash-looping → 13 − 8 − 5 = 0 → nothing; after a rollback
 * the new RS is the good one with 1 unavailable → 13 − 8 − 1 = 4 → the 4 unavailable pods of the
 * crash-looping (now old) RS are cleaned up.
 */
export function planOldReplicaSetsScaleDown(input: OldReplicaSetsInput): OldReplicaSetsPlan {
  const active = input.oldRSs.filter((rs) => rs.specReplicas > 0);
  const oldPods = sum(active.map((rs) => rs.specReplicas));
  const allPods = oldPods + input.newRS.specReplicas;
  const minAvail = input.replicas - input.maxUnavailable;
  const newUnavailable = input.newRS.specReplicas - input.newRS.availableReplicas;
  const maxScaledDown = allPods - minAvail - newUnavailable;
  if (oldPods === 0 || maxScaledDown <= 0) return { maxScaledDown, cleanup: [], rollingUpdate: [], scaled: false };

  const cleanup = cleanupUnhealthyReplicas(active, maxScaledDown);
  if (cleanup.error !== undefined) {
    return { maxScaledDown, cleanup: cleanup.scaleDowns, rollingUpdate: [], scaled: false, error: cleanup.error };
  }
  const rolling = scaleDownOldReplicaSetsForRollingUpdate({
    oldRSs: cleanup.oldRSs,
    newRS: input.newRS,
    replicas: input.replicas,
    maxUnavailable: input.maxUnavailable,
  });
  return {
    maxScaledDown,
    cleanup: cleanup.scaleDowns,
    rollingUpdate: rolling.scaleDowns,
    scaled: cleanup.cleanupCount + rolling.scaledDownCount > 0,
  };
}

// ---------------------------------------------------------------------------------------------
// Status and conditions
// ---------------------------------------------------------------------------------------------

/** The counts of `DeploymentStatus` the controller computes and compares. */
export interface DeploymentStatusCounts {
  readonly observedGeneration: number;
  readonly replicas: number;
  readonly updatedReplicas: number;
  readonly readyReplicas: number;
  readonly availableReplicas: number;
  readonly unavailableReplicas: number;
}

/** A ReplicaSet as `calculateStatus` sees it. */
export interface ReplicaSetStatusView {
  readonly specReplicas: number;
  readonly statusReplicas: number;
  readonly readyReplicas: number;
  readonly availableReplicas: number;
}

/**
 * Upstream `sync.go calculateStatus` (counts): replicas = Σ status.replicas, updated = new RS
 * status.replicas, ready/available = Σ, unavailable = max(0, Σ spec − Σ available) (negative while
 * scaling down, hence the clamp), observedGeneration = generation.
 * Example: old RS spec 8 (8 pods, 8 available), new RS spec 5 (5 pods, 2 available) →
 * replicas 13, updated 5, available 10, unavailable 3.
 */
export function calculateStatusCounts(
  allRSs: readonly ReplicaSetStatusView[],
  newRS: ReplicaSetStatusView | undefined,
  generation: number,
): DeploymentStatusCounts {
  const available = sum(allRSs.map((rs) => rs.availableReplicas));
  return {
    observedGeneration: generation,
    replicas: sum(allRSs.map((rs) => rs.statusReplicas)),
    updatedReplicas: newRS?.statusReplicas ?? 0,
    readyReplicas: sum(allRSs.map((rs) => rs.readyReplicas)),
    availableReplicas: available,
    unavailableReplicas: Math.max(0, sum(allRSs.map((rs) => rs.specReplicas)) - available),
  };
}

export type ConditionStatus = "True" | "False" | "Unknown";

/** Reasons of the Available condition (`deployment_util.go`). */
export const MINIMUM_REPLICAS_AVAILABLE = "MinimumReplicasAvailable";
export const MINIMUM_REPLICAS_UNAVAILABLE = "MinimumReplicasUnavailable";
/** Reasons of the Progressing condition (`deployment_util.go`). */
export const NEW_RS_AVAILABLE_REASON = "NewReplicaSetAvailable";
export const REPLICA_SET_UPDATED_REASON = "ReplicaSetUpdated";
export const TIMED_OUT_REASON = "ProgressDeadlineExceeded";
export const NEW_REPLICA_SET_REASON = "NewReplicaSetCreated";
export const FOUND_NEW_RS_REASON = "FoundNewReplicaSet";
export const PAUSED_DEPLOY_REASON = "DeploymentPaused";
export const RESUMED_DEPLOY_REASON = "DeploymentResumed";

/**
 * Upstream `sync.go calculateStatus`, Available condition: True/MinimumReplicasAvailable iff
 * available ≥ replicas − MaxUnavailable, else False/MinimumReplicasUnavailable. For Recreate
 * MaxUnavailable is 0, so every replica must be available.
 * Example: 10 replicas, maxSurge 3, maxUnavailable 2: 8 available → True; 7 → False.
 */
export function availableCondition(
  availableReplicas: number,
  replicas: number,
  maxUnavailableReplicas: number,
): { readonly status: ConditionStatus; readonly reason: string } {
  return availableReplicas >= replicas - maxUnavailableReplicas
    ? { status: "True", reason: MINIMUM_REPLICAS_AVAILABLE }
    : { status: "False", reason: MINIMUM_REPLICAS_UNAVAILABLE };
}

/**
 * Upstream `deployment_util.go DeploymentComplete`: every desired replica updated and available,
 * no other pods, and the status observed the current generation.
 * Example: 5 replicas, status {replicas 5, updated 5, available 4} → false (min availability is
 * not enough); {5, 5, 5} → true; {replicas 2, updated 1, available 1} of 1 → false (old pod left).
 */
export function deploymentComplete(
  replicas: number,
  generation: number,
  status: Pick<DeploymentStatusCounts, "replicas" | "updatedReplicas" | "availableReplicas" | "observedGeneration">,
): boolean {
  return (
    status.updatedReplicas === replicas &&
    status.replicas === replicas &&
    status.availableReplicas === replicas &&
    status.observedGeneration >= generation
  );
}

/**
 * Upstream `deployment_util.go DeploymentProgressing`: progress since the last stored status =
 * more updated pods, fewer old pods (replicas − updated), more ready, or more available.
 * Example: {replicas 10, updated 4, ready 7, available 7} → {8, 8, 5, 5} is progress (more new
 * pods and fewer old, though fewer ready); {10, 7, 3, 3} → {10, 6, 3, 3} is not.
 */
export function deploymentProgressing(
  oldStatus: Pick<DeploymentStatusCounts, "replicas" | "updatedReplicas" | "readyReplicas" | "availableReplicas">,
  newStatus: Pick<DeploymentStatusCounts, "replicas" | "updatedReplicas" | "readyReplicas" | "availableReplicas">,
): boolean {
  const oldOld = oldStatus.replicas - oldStatus.updatedReplicas;
  const newOld = newStatus.replicas - newStatus.updatedReplicas;
  return (
    newStatus.updatedReplicas > oldStatus.updatedReplicas ||
    newOld < oldOld ||
    newStatus.readyReplicas > oldStatus.readyReplicas ||
    newStatus.availableReplicas > oldStatus.availableReplicas
  );
}

/**
 * Upstream `deployment_util.go HasProgressDeadline`: set and not `math.MaxInt32`.
 * Example: undefined → false; 600 → true; 2147483647 → false.
 */
export function hasProgressDeadline(progressDeadlineSeconds: number | undefined): boolean {
  return progressDeadlineSeconds !== undefined && progressDeadlineSeconds !== NO_PROGRESS_DEADLINE;
}

/**
 * The timing rule inside `DeploymentTimedOut`: `lastUpdateTime + deadline` strictly before now
 * (`time.Before`). Example: deadline 10 s, last update 00:01:09, now 00:01:20 → 11 s → true;
 * last update 00:01:10 → exactly 10 s → false; 00:01:11 → 9 s → false.
 */
export function timedOut(lastUpdateTime: Time, deadlineSeconds: number, now: Time): boolean {
  return lastUpdateTime + deadlineSeconds * MICROS_PER_SECOND < now;
}

/** A Deployment condition as stored (times at whole-second precision). */
export interface DeploymentCondition {
  readonly status: ConditionStatus;
  readonly reason: string;
  readonly lastUpdateTime: Time;
  readonly lastTransitionTime: Time;
}

/**
 * Upstream `deployment_util.go DeploymentTimedOut`: no deadline or no Progressing condition → false;
 * reason NewReplicaSetAvailable → false (a finished rollout never times out); reason
 * ProgressDeadlineExceeded → true (it stays timed out); otherwise `timedOut(lastUpdateTime, …)`.
 * Example: deadline 600 s, ReplicaSetUpdated last updated at t=0 → timed out from t=600.000001 s.
 */
export function deploymentTimedOut(
  progressDeadlineSeconds: number | undefined,
  progressing: DeploymentCondition | undefined,
  now: Time,
): boolean {
  if (progressDeadlineSeconds === undefined || !hasProgressDeadline(progressDeadlineSeconds)) return false;
  if (progressing === undefined) return false;
  if (progressing.reason === NEW_RS_AVAILABLE_REASON) return false;
  if (progressing.reason === TIMED_OUT_REASON) return true;
  return timedOut(progressing.lastUpdateTime, progressDeadlineSeconds, now);
}

/**
 * Upstream `deployment_util.go SetDeploymentCondition` for one condition: same status and reason →
 * keep the current one untouched; same status, new reason → new condition keeping
 * lastTransitionTime; otherwise the new condition. Returns what is stored.
 */
function setCondition(current: DeploymentCondition | undefined, status: ConditionStatus, reason: string, now: Time): DeploymentCondition {
  const at = floorToSecond(now);
  if (current !== undefined && current.status === status && current.reason === reason) return current;
  const lastTransitionTime = current !== undefined && current.status === status ? current.lastTransitionTime : at;
  return { status, reason, lastUpdateTime: at, lastTransitionTime };
}

export interface ProgressingConditionInput {
  readonly progressDeadlineSeconds: number | undefined;
  /** The Progressing condition in the Deployment's stored status (before this sync). */
  readonly current: DeploymentCondition | undefined;
  /** The stored status counts (before this sync). */
  readonly oldStatus: DeploymentStatusCounts;
  /** `calculateStatus` of this sync. */
  readonly newStatus: DeploymentStatusCounts;
  readonly replicas: number;
  readonly generation: number;
  readonly now: Time;
}

/**
 * The Progressing condition `progress.go syncRolloutStatus` stores (undefined = removed):
 * - no deadline → removed;
 * - the stored condition says NewReplicaSetAvailable and replicas == updated → unchanged (no
 *   progress is estimated for a finished rollout);
 * - else, first match: `DeploymentComplete` → True/NewReplicaSetAvailable; `DeploymentProgressing`
 *   → True/ReplicaSetUpdated with lastUpdateTime = now (lastTransitionTime kept if it was True);
 *   `DeploymentTimedOut` → False/ProgressDeadlineExceeded; else unchanged.
 * New times are floored to the second, as the API server stores metav1.Time.
 * Example: deadline 600 s, ReplicaSetUpdated last updated at 100 s, no progress at 701 s →
 * False/ProgressDeadlineExceeded with both times 701 s.
 */
export function nextProgressingCondition(input: ProgressingConditionInput): DeploymentCondition | undefined {
  const { current, newStatus, now } = input;
  if (!hasProgressDeadline(input.progressDeadlineSeconds)) return undefined;
  const isCompleteDeployment = newStatus.replicas === newStatus.updatedReplicas && current?.reason === NEW_RS_AVAILABLE_REASON;
  if (isCompleteDeployment) return current;
  if (deploymentComplete(input.replicas, input.generation, newStatus)) {
    return setCondition(current, "True", NEW_RS_AVAILABLE_REASON, now);
  }
  if (deploymentProgressing(input.oldStatus, newStatus)) {
    // Unlike SetDeploymentCondition, progress always rewrites lastUpdateTime, even with the same reason.
    const at = floorToSecond(now);
    const lastTransitionTime = current !== undefined && current.status === "True" ? current.lastTransitionTime : at;
    return { status: "True", reason: REPLICA_SET_UPDATED_REASON, lastUpdateTime: at, lastTransitionTime };
  }
  if (deploymentTimedOut(input.progressDeadlineSeconds, current, now)) {
    return setCondition(current, "False", TIMED_OUT_REASON, now);
  }
  return current;
}

/** When `requeueStuckDeployment` re-enqueues the Deployment for a progress check. */
export type StuckDeploymentRequeue =
  | { readonly kind: "none" }
  /** Less than 1 s left: `enqueueRateLimited` now. */
  | { readonly kind: "rateLimited" }
  /** `enqueueAfter(delay)`; delay already includes upstream's extra second. */
  | { readonly kind: "after"; readonly delay: Time };

/**
 * Upstream `progress.go requeueStuckDeployment` (called only when the recomputed status equals the
 * stored one): no deadline or no stored Progressing condition → none; rollout complete (per the new
 * status) or already ProgressDeadlineExceeded → none; else after = lastUpdateTime + deadline − now;
 * after < 1 s → rate-limited requeue now; else requeue after `after + 1 s` (the second absorbs
 * clock skew in AddAfter).
 * Example: last update 00:00:00, now 00:03:00, deadline 600 s → after 7 min → requeue in 7 min 1 s.
 */
export function requeueStuckDeploymentAfter(
  progressDeadlineSeconds: number | undefined,
  current: DeploymentCondition | undefined,
  complete: boolean,
  now: Time,
): StuckDeploymentRequeue {
  if (progressDeadlineSeconds === undefined || !hasProgressDeadline(progressDeadlineSeconds)) return { kind: "none" };
  if (current === undefined) return { kind: "none" };
  if (complete || current.reason === TIMED_OUT_REASON) return { kind: "none" };
  const after = current.lastUpdateTime + progressDeadlineSeconds * MICROS_PER_SECOND - now;
  if (after < MICROS_PER_SECOND) return { kind: "rateLimited" };
  return { kind: "after", delay: after + MICROS_PER_SECOND };
}

function sum(values: readonly number[]): number {
  let total = 0;
  for (const v of values) total += v;
  return total;
}
