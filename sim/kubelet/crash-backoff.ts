/**
 * CrashLoopBackOff: how long the kubelet waits before restarting a container that exited.
 *
 * Upstream (pkg/kubelet/kuberuntime/kuberuntime_manager.go `doBackOff`, client-go
 * util/flowcontrol/backoff.go): per container, an entry {backoff, lastUpdate}. When a container
 * has exited at `finishedAt`: with no entry, or an entry whose lastUpdate is more than
 * 2 × maxBackoff (10 min) before `finishedAt` (expired), the restart is immediate and the entry
 * becomes {10 s, restart time}. Otherwise the restart waits until `finishedAt + backoff`, and the
 * entry becomes {min(2 × backoff, 5 min), restart time} (`Next` stamps lastUpdate with the clock,
 * not the exit). Initial 10 s, cap 300 s (pkg/kubelet/kubelet.go `backOffPeriod`,
 * `MaxContainerBackOff`); the client-go jitter is 0 for the kubelet.
 *
 * Leaves out: the pod worker's requeue granularity (a real restart lands on the next pod sync
 * after the backoff, which adds up to a second or so).
 *
 * Worked example: crashes at 0 s, 30 s, 45 s → restarts at 0 s (immediate), 40 s (+10 s),
 * 65 s (+20 s); a crash 11 min after the previous one restarts at once again.
 */
import { MICROS_PER_SECOND, type Time } from "../core/time.ts";

export const INITIAL_BACKOFF = 10 * MICROS_PER_SECOND;
export const MAX_BACKOFF = 300 * MICROS_PER_SECOND;

export interface BackoffEntry {
  readonly backoff: Time;
  readonly lastUpdate: Time;
}

/** The restart time for a container that exited at `finishedAt`, and the entry afterwards. */
export function nextRestart(entry: BackoffEntry | null, finishedAt: Time): { restartAt: Time; entry: BackoffEntry } {
  if (entry === null || finishedAt - entry.lastUpdate > 2 * MAX_BACKOFF) {
    return { restartAt: finishedAt, entry: { backoff: INITIAL_BACKOFF, lastUpdate: finishedAt } };
  }
  const restartAt = finishedAt + entry.backoff;
  return { restartAt, entry: { backoff: Math.min(2 * entry.backoff, MAX_BACKOFF), lastUpdate: restartAt } };
}
