/**
 * The timeline of a graceful pod deletion on a running kubelet, as pure arithmetic.
 *
 * Upstream (pkg/kubelet/kuberuntime/kuberuntime_container.go `killContainer`,
 * `executePreStopHook`): the preStop hook runs first, bounded by the grace period; then SIGTERM;
 * the runtime waits `gracePeriod − time spent in preStop` before SIGKILL, but never less than
 * `minimumGracePeriodInSeconds` = 2 s (the "one-off 2 s extension" when preStop overran).
 * The API object is removed once the containers are gone (status manager deletes with grace 0).
 *
 * Worked example: grace 30 s, preStop sleep 5 s, app shutdown 2 s → SIGTERM at 5 s, exit at 7 s.
 * Grace 30 s, preStop sleep 40 s → hook cut at 30 s, SIGTERM at 30 s, SIGKILL at 32 s.
 *
 * Leaves out: per-container ordering (all containers of a pod stop together) and sidecars.
 */
import { MICROS_PER_SECOND, type Time } from "../core/time.ts";

/** kuberuntime_container.go minimumGracePeriodInSeconds. */
export const MINIMUM_GRACE_PERIOD = 2 * MICROS_PER_SECOND;

export interface TerminationTimeline {
  /** When SIGTERM is sent (after preStop). */
  readonly sigterm: Time;
  /** When SIGKILL would be sent if the process has not exited. */
  readonly sigkill: Time;
  /** When the process is gone: its own exit after SIGTERM, or SIGKILL. */
  readonly exit: Time;
  /** True when the process was killed rather than exiting by itself. */
  readonly killed: boolean;
}

/**
 * @param start when the kubelet starts killing the pod (deletion observed)
 * @param grace the deletion's grace period (µs)
 * @param preStop how long the preStop hook would take (µs; 0 without a hook)
 * @param shutdown how long the process takes to exit after SIGTERM (µs)
 */
export function terminationTimeline(start: Time, grace: Time, preStop: Time, shutdown: Time): TerminationTimeline {
  const hook = Math.min(preStop, grace);
  const sigterm = start + hook;
  const sigkill = sigterm + Math.max(MINIMUM_GRACE_PERIOD, grace - hook);
  if (grace === 0) {
    // A force deletion (grace 0) kills at once: no hook, no SIGTERM window.
    return { sigterm: start, sigkill: start, exit: start, killed: true };
  }
  const selfExit = sigterm + shutdown;
  return selfExit < sigkill ? { sigterm, sigkill, exit: selfExit, killed: false } : { sigterm, sigkill, exit: sigkill, killed: true };
}
