/**
 * Scheduling-queue timing: the per-pod backoff after a failed attempt and the periods at which
 * upstream's queue moves pods between its sub-queues. Times are virtual microseconds.
 *
 * Left out on purpose: the queue itself (the caller keeps it), queueing hints and cluster-event
 * requeueing, the separate error backoff queue, backoff ordering windows, and the v1.33
 * SchedulerPopFromBackoffQ rule (a backing-off pod may be popped when activeQ is empty), which
 * the caller applies.
 */
import { MICROS_PER_SECOND, type Time } from "../core/time.ts";
import { invariantScheduler } from "./invariant.ts";

/** `podInitialBackoffSeconds` default: 1 s. */
export const POD_INITIAL_BACKOFF: Time = 1 * MICROS_PER_SECOND;
/** `podMaxBackoffSeconds` default: 10 s. */
export const POD_MAX_BACKOFF: Time = 10 * MICROS_PER_SECOND;
/**
 * scheduling_queue.go DefaultPodMaxInUnschedulablePodsDuration: a pod parked in
 * unschedulablePods is retried after 5 min even if no relevant cluster event arrives.
 */
export const POD_MAX_IN_UNSCHEDULABLE_PODS_DURATION: Time = 5 * 60 * MICROS_PER_SECOND;
/** scheduling_queue.go Run: flushUnschedulablePodsLeftover runs every 30 s. */
export const UNSCHEDULABLE_PODS_FLUSH_PERIOD: Time = 30 * MICROS_PER_SECOND;
/** scheduling_queue.go Run: flushBackoffQCompleted runs every 1 s. */
export const BACKOFF_Q_FLUSH_PERIOD: Time = 1 * MICROS_PER_SECOND;

/**
 * Backoff after `attempts` failed scheduling attempts: initial · 2^(attempts − 1), capped at max;
 * 0 before any attempt.
 *
 * backend/queue/backoff_queue.go calculateBackoffDuration (doubling with an overflow-safe cap;
 * newer releases compute the same with a shift). Defaults: 1, 2, 4, 8, 10, 10, … s.
 */
export function backoffDuration(attempts: number, initial: Time = POD_INITIAL_BACKOFF, max: Time = POD_MAX_BACKOFF): Time {
  invariantScheduler(Number.isInteger(attempts) && attempts >= 0, `attempts must be a non-negative integer, got ${attempts}`);
  invariantScheduler(Number.isInteger(initial) && Number.isInteger(max) && initial >= 0 && max >= 0, "backoff bounds must be non-negative integers");
  if (attempts === 0) return 0;
  let duration = initial;
  for (let i = 1; i < attempts; i++) {
    if (duration > max - duration) return max;
    duration += duration;
  }
  return duration;
}
