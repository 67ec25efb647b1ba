/**
 * `kubectl drain` after the cordon (staging/src/k8s.io/kubectl/pkg/drain/drain.go
 * `evictPods`, `waitForDelete`): every pod bound to the node, in the API's list order (by name),
 * is evicted through the eviction API at once; an eviction refused with 429 (a
 * PodDisruptionBudget) is retried every 5 s; an evicted pod is then polled every 1 s (first poll
 * at once) until it is gone. When every pod is gone the node is drained (event `Drained`).
 *
 * Leaves out: DaemonSet, mirror and emptyDir filters (kubesim has none of those pods), `--timeout`
 * (drains wait forever, as kubectl's default), `--disable-eviction`.
 */
import { Priority } from "../core/simulation.ts";
import { MICROS_PER_SECOND, type Time } from "../core/time.ts";
import type { Pod } from "../model/objects.ts";
import type { FaultContext } from "./inject.ts";

/** kubectl drain's wait after a 429 before it tries the eviction again. */
export const EVICTION_RETRY_INTERVAL: Time = 5 * MICROS_PER_SECOND;
/** waitForDelete's poll interval. */
export const DELETE_POLL_INTERVAL: Time = 1 * MICROS_PER_SECOND;

/** Calls back (inside the store's apply) when a watched pod is removed. */
export type OnPodGone = (uid: string, callback: () => void) => void;

/**
 * The instant waitForDelete notices a pod evicted at `evictedAt` and removed at `removedAt`:
 * the first poll evictedAt + k·1 s at or after the removal.
 * Example: evicted 15 s, removed 17 s → 17 s; removed 16.5 s → 17 s.
 */
export function noticedGoneAt(evictedAt: Time, removedAt: Time): Time {
  return evictedAt + Math.ceil((removedAt - evictedAt) / DELETE_POLL_INTERVAL) * DELETE_POLL_INTERVAL;
}

export function drainNode(ctx: FaultContext, nodeName: string, gracePeriodSeconds: number | undefined, onPodGone: OnPodGone): void {
  const { sim, store, events } = ctx;
  const pods: Pod[] = [];
  for (const pod of store.pods.values()) if (pod.nodeName === nodeName) pods.push(pod);
  pods.sort((a, b) => (a.namespace + "/" + a.name < b.namespace + "/" + b.name ? -1 : 1));
  let pending = pods.length;
  let failed = false;
  const drained = () => events.record("Node", nodeName, "Drained", `Node ${nodeName} drained`);
  const done = () => {
    if (--pending === 0 && !failed) drained();
  };
  if (pending === 0) return drained();

  const waitForDelete = (uid: string, evictedAt: Time) => {
    if (!store.pods.has(uid)) return done();
    onPodGone(uid, () => {
      sim.at(noticedGoneAt(evictedAt, sim.now), done, 0, Priority.Normal);
    });
  };
  const attempt = (pod: Pod) => {
    const result = ctx.eviction.evict(pod.uid, { gracePeriodSeconds });
    if (result.allowed) return waitForDelete(pod.uid, sim.now);
    if (result.code === 404) return done();
    if (result.code === 429) {
      sim.after(EVICTION_RETRY_INTERVAL, () => attempt(pod), 0, Priority.Normal);
      return;
    }
    failed = true;
    events.record("Node", nodeName, "DrainFailed", `error when evicting pods/${pod.name} -n ${pod.namespace}: ${result.message}`);
    done();
  };
  for (const pod of pods) attempt(pod);
}
