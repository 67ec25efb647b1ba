/**
 * When a probe's result changes, computed from the process's state instead of simulating every
 * probe tick (one queue event per tick per pod made a naive model 170× more expensive).
 *
 * Upstream (pkg/kubelet/prober/worker.go `run`, `doProbe`): a worker per container and probe
 * type starts when the kubelet admits the pod, probes at once and then on every `periodSeconds`
 * tick. A tick is skipped (result unchanged) while the container is not running and while
 * `int32(time.Since(startedAt).Seconds()) < initialDelaySeconds`. Readiness and liveness ticks
 * are skipped until the startup probe has passed. The result flips after `successThreshold`
 * consecutive successes or `failureThreshold` consecutive failures; readiness starts as Failure,
 * liveness and startup as Success (pkg/kubelet/prober/prober_manager.go `AddPod`).
 *
 * So with ticks at `workerStart + k·period`, a state change at time `t` shows in the result at
 * the first tick at or after `t` (and after the initial delay), plus (threshold − 1) periods.
 * A tick at exactly the instant the process changes sees the new state: process changes are
 * Urgent events and run before probe results at the same instant.
 *
 * Leaves out: probe timeouts as a source of latency (a probe answers instantly or not at all),
 * the kubelet-restart jitter, and manual re-triggers.
 */
import type { ProbeSpec } from "../model/objects.ts";
import { MICROS_PER_SECOND, type Time } from "../core/time.ts";

/**
 * The first tick `workerStart + k·period` (k ≥ 0) that is at or after `from` and on which the
 * initial delay has passed since `containerStartedAt`.
 */
export function firstTickAtOrAfter(probe: ProbeSpec, workerStart: Time, containerStartedAt: Time, from: Time): Time {
  const period = probe.periodSeconds * MICROS_PER_SECOND;
  // int32(since.Seconds()) < initialDelaySeconds skips; since ≥ initialDelay seconds passes.
  const earliest = Math.max(from, containerStartedAt + probe.initialDelaySeconds * MICROS_PER_SECOND, workerStart);
  const k = Math.ceil((earliest - workerStart) / period);
  return workerStart + k * period;
}

/**
 * When the probe first reports success, given that the probed process answers from `answersFrom`
 * on: the first eligible tick at or after it, then `successThreshold − 1` more periods.
 * Returns Infinity when the process never answers.
 */
export function successTime(probe: ProbeSpec, workerStart: Time, containerStartedAt: Time, answersFrom: Time): Time {
  if (answersFrom === Number.POSITIVE_INFINITY) return Number.POSITIVE_INFINITY;
  const first = firstTickAtOrAfter(probe, workerStart, containerStartedAt, answersFrom);
  return first + (probe.successThreshold - 1) * probe.periodSeconds * MICROS_PER_SECOND;
}

/**
 * When the probe reports failure, given that the process stops answering at `stopsAnswering`:
 * the first tick at or after it, then `failureThreshold − 1` more periods.
 */
export function failureTime(probe: ProbeSpec, workerStart: Time, containerStartedAt: Time, stopsAnswering: Time): Time {
  const first = firstTickAtOrAfter(probe, workerStart, containerStartedAt, stopsAnswering);
  return first + (probe.failureThreshold - 1) * probe.periodSeconds * MICROS_PER_SECOND;
}

/**
 * When a liveness or startup probe makes the kubelet kill a container whose process does not
 * answer until `answersFrom`: the probe's first eligible tick at or after `from` (for liveness,
 * after the startup probe passed), then `failureThreshold − 1` more periods; the container is
 * killed at that tick if the process still does not answer then. Infinity: never killed.
 * (pkg/kubelet/prober/worker.go: liveness and startup start as Success; failureThreshold
 * consecutive failures make the kubelet kill and restart the container.)
 * Example: period 10 s, failureThreshold 3, initialDelay 0, started at 0, app listens at 40 s →
 * failing ticks 0, 10, 20 → killed at 20 s (a liveness probe that is too eager for a slow start).
 */
export function probeKillTime(probe: ProbeSpec, workerStart: Time, containerStartedAt: Time, from: Time, answersFrom: Time): Time {
  const third = failureTime(probe, workerStart, containerStartedAt, from);
  return third < answersFrom ? third : Number.POSITIVE_INFINITY;
}
