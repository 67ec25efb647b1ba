/**
 * How fast a ReplicaSet creates pods and when it looks again: the slow-start batch sizes of
 * `slowStartBatch` and the `burstReplicas` cap of `manageReplicas`
 * (pkg/controller/replicaset/replica_set.go), and `ControllerExpectations` with the UID-tracking
 * wrapper the ReplicaSet controller uses for deletions (pkg/controller/controller_utils.go).
 *
 * Left out on purpose: running the batches (the caller issues the creates and decides which fail:
 * upstream finishes the failing batch, skips the rest, and lowers the add expectations by the
 * number skipped), goroutines and locks, and the informer that reports observations. Expectations
 * are plain data: the clock is passed in, nothing is scheduled.
 */
import { MICROS_PER_SECOND, type Time } from "../../core/time.ts";

/** The ReplicaSet controller's `burstReplicas`: at most this many creates or deletes per sync. */
// pkg/controller/replicaset/replica_set.go: BurstReplicas.
export const BURST_REPLICAS = 500;

/** First slow-start batch size. */
// pkg/controller/controller_utils.go: SlowStartInitialBatchSize.
export const SLOW_START_INITIAL_BATCH_SIZE = 1;

/** How long expectations may stay unmet before a sync proceeds anyway: 5 minutes, in µs. */
// pkg/controller/controller_utils.go: ExpectationsTimeout.
export const EXPECTATIONS_TIMEOUT: Time = 5 * 60 * MICROS_PER_SECOND;

/**
 * Pods one sync may create or delete: |diff| capped at burstReplicas. Example: 1000 missing
 * replicas → 500 this sync, the rest on a later one.
 */
// pkg/controller/replicaset/replica_set.go: manageReplicas.
export function burstLimited(diff: number, burstReplicas: number = BURST_REPLICAS): number {
  return Math.min(Math.abs(diff), burstReplicas);
}

/**
 * Batch sizes for `count` calls: start at initialBatchSize, double after each batch, never more
 * than what remains. Example: 10 → [1, 2, 4, 3] (1+2+4 = 7 done, 3 remain, min(8, 3) = 3).
 * `maxBatchSize` caps every batch: the StatefulSet controller's own copy of slowStartBatch caps
 * at MaxBatchSize; the ReplicaSet's has no cap (it relies on burstReplicas instead).
 */
// pkg/controller/replicaset/replica_set.go: slowStartBatch;
// pkg/controller/statefulset/stateful_set_control.go: slowStartBatch (with MaxBatchSize).
export function slowStartBatches(
  count: number,
  initialBatchSize: number = SLOW_START_INITIAL_BATCH_SIZE,
  maxBatchSize: number = Number.POSITIVE_INFINITY,
): number[] {
  if (!Number.isInteger(count)) throw new RangeError(`slow-start count must be an integer, got ${count}`);
  if (!Number.isInteger(initialBatchSize) || initialBatchSize < 1) {
    throw new RangeError(`slow-start initial batch size must be an integer ≥ 1, got ${initialBatchSize}`);
  }
  if (!(maxBatchSize >= 1)) throw new RangeError(`slow-start max batch size must be ≥ 1, got ${maxBatchSize}`);
  const batches: number[] = [];
  let remaining = count;
  for (let size = Math.min(remaining, initialBatchSize); size > 0; size = Math.min(2 * size, remaining, maxBatchSize)) {
    batches.push(size);
    remaining -= size;
  }
  return batches;
}

/** What one controller key still waits for. */
export interface PendingExpectations {
  /** Creations not yet observed (≤ 0 means none). */
  readonly add: number;
  /** Deletions not yet observed (≤ 0 means none). */
  readonly del: number;
  /** µs; when the expectations were last set. */
  readonly timestamp: Time;
}

interface ExpectationRecord {
  add: number;
  del: number;
  timestamp: Time;
}

/**
 * `ControllerExpectations` wrapped in `UIDTrackingControllerExpectations`, as the ReplicaSet
 * controller builds it: after creating or deleting pods a controller expects to observe those
 * changes, and skips managing replicas (status is still synced) until it has, or until
 * EXPECTATIONS_TIMEOUT has strictly passed since the expectations were set.
 */
// pkg/controller/controller_utils.go: ControllerExpectations, UIDTrackingControllerExpectations.
export class Expectations {
  readonly #records = new Map<string, ExpectationRecord>();
  /** Pod keys whose deletion is expected, per controller key (the UID-tracking wrapper's store). */
  readonly #deleteKeys = new Map<string, Set<string>>();

  // ControllerExpectations.SetExpectations: replaces any earlier expectations and restarts the clock.
  #set(controllerKey: string, add: number, del: number, now: Time): void {
    this.#records.set(controllerKey, { add, del, timestamp: now });
  }

  // ControllerExpectations.LowerExpectations / RaiseExpectations; no record → no-op, as upstream.
  #adjust(controllerKey: string, add: number, del: number): void {
    const record = this.#records.get(controllerKey);
    if (record === undefined) return;
    record.add += add;
    record.del += del;
  }

  /** Expect `adds` creations (and no deletions). Keeps any tracked deletion keys, as upstream. */
  // ControllerExpectations.ExpectCreations.
  expectCreations(controllerKey: string, adds: number, now: Time): void {
    this.#set(controllerKey, adds, 0, now);
  }

  /** Expect these pods (namespace/name keys) to be deleted, and no creations. */
  // UIDTrackingControllerExpectations.ExpectDeletions.
  expectDeletions(controllerKey: string, podKeys: readonly string[], now: Time): void {
    const keys = new Set(podKeys);
    this.#deleteKeys.set(controllerKey, keys);
    this.#set(controllerKey, 0, keys.size, now);
  }

  /** One expected creation was observed (or was never attempted, so will never be observed). */
  // ControllerExpectations.CreationObserved.
  creationObserved(controllerKey: string): void {
    this.#adjust(controllerKey, -1, 0);
  }

  /**
   * A pod was seen deleted (or terminating), or its delete call failed. Counts only if that pod's
   * deletion is being tracked, and only once.
   */
  // UIDTrackingControllerExpectations.DeletionObserved.
  deletionObserved(controllerKey: string, podKey: string): void {
    const keys = this.#deleteKeys.get(controllerKey);
    if (keys === undefined || !keys.has(podKey)) return;
    this.#adjust(controllerKey, 0, -1);
    keys.delete(podKey);
  }

  /** Lower the outstanding counts, e.g. by the creations slow start skipped. */
  // ControllerExpectations.LowerExpectations.
  lowerExpectations(controllerKey: string, add: number, del: number): void {
    this.#adjust(controllerKey, -add, -del);
  }

  /** Raise the outstanding counts. */
  // ControllerExpectations.RaiseExpectations.
  raiseExpectations(controllerKey: string, add: number, del: number): void {
    this.#adjust(controllerKey, add, del);
  }

  /**
   * true when the controller may manage replicas: no expectations recorded, all observed
   * (add ≤ 0 and del ≤ 0), or more than EXPECTATIONS_TIMEOUT since they were set. Upstream's test
   * is `Since(timestamp) > ExpectationsTimeout`, so at exactly 5 minutes it still waits.
   */
  // ControllerExpectations.SatisfiedExpectations, ControlleeExpectations.Fulfilled / isExpired.
  satisfied(controllerKey: string, now: Time): boolean {
    const record = this.#records.get(controllerKey);
    if (record === undefined) return true;
    if (record.add <= 0 && record.del <= 0) return true;
    return now - record.timestamp > EXPECTATIONS_TIMEOUT;
  }

  /** What is still expected for a key, or undefined when nothing was ever set. */
  // ControllerExpectations.GetExpectations.
  get(controllerKey: string): PendingExpectations | undefined {
    const record = this.#records.get(controllerKey);
    return record === undefined ? undefined : { ...record };
  }

  /** Forget a controller (it was deleted). */
  // UIDTrackingControllerExpectations.DeleteExpectations.
  delete(controllerKey: string): void {
    this.#records.delete(controllerKey);
    this.#deleteKeys.delete(controllerKey);
  }
}
