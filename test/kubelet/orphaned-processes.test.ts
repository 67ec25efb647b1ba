// A pod force-deleted from the API while its node is partitioned: the kubelet cannot hear of the
// deletion, so the process runs on ("orphan") until the node reconnects, and is killed then
// (pkg/kubelet/kubelet.go HandlePodRemoves, kubelet_pods.go HandlePodCleanups). Hand-derived
// timelines on one node; image pull 2 s, container start 0.5 s, startup 3 s, shutdown 2 s.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { seconds } from "../../sim/core/time.ts";
import { kubeletWorld, makePod } from "../support/kubelet-world.ts";

const t = suite("kubelet: a process outlives its force-deleted pod behind a partition, until the node reconnects");

type W = ReturnType<typeof kubeletWorld>;

/** A pod bound at 0: Pulled 2, Started and Ready 2.5, listening 5.5. */
function runningPod(w: W, spec = {}) {
  const pod = makePod("web-1", spec);
  w.store.apply({ type: "pod/create", pod });
  w.store.apply({ type: "pod/bind", uid: pod.uid, node: "node-1" });
  return pod;
}

const partition = (w: W, cut: boolean) => w.store.apply({ type: "node/update", name: "node-1", patch: { reachable: !cut } });
const kubelet = (w: W, up: boolean) => w.store.apply({ type: "node/update", name: "node-1", patch: { kubeletUp: up } });
const forceDelete = (w: W, uid: string) => w.store.apply({ type: "pod/delete", uid, gracePeriodSeconds: 0 });

/** Runs to `until` (s), doing each step at its instant (s) first. */
function steps(w: W, list: [number, () => void][], until: number): void {
  for (const [at, action] of list) {
    w.sim.run({ until: seconds(at) });
    action();
  }
  w.sim.run({ until: seconds(until) });
}

t("force delete behind a partition: the process runs on, and is killed at the instant the node reconnects", () => {
  const w = kubeletWorld();
  const pod = runningPod(w);
  // 10: partitioned; 20: force-deleted (the object goes at once); 50: healed.
  steps(w, [[10, () => partition(w, true)], [20, () => forceDelete(w, pod.uid)]], 49.9);
  assert.not.ok(w.store.pods.has(pod.uid));
  assert.equal([...w.kubelet.orphans.values()].map((o) => [o.name, o.node, o.deletedAt]), [["web-1", "node-1", seconds(20)]]);
  steps(w, [[49.9, () => partition(w, false)]], 60);
  // Healed at 49.9: the kubelet hears of the deletion and kills at once (grace 0, as a force
  // delete on a connected node): Killing@49.9, nothing left.
  assert.equal(w.timeline("web-1"), ["Pulled@2", "Started@2.5", "Ready@2.5", "Killing@49.9"]);
  assert.match(w.events.withReason("Killing")[0].message, /deleted from the API at 20s while node-1 was partitioned/);
  assert.is(w.kubelet.orphans.size, 0);
});

t("force delete on a connected node: killed at once, no orphan (unchanged)", () => {
  const w = kubeletWorld();
  const pod = runningPod(w);
  steps(w, [[20, () => forceDelete(w, pod.uid)]], 30);
  assert.is(w.kubelet.orphans.size, 0);
  assert.equal(w.timeline("web-1"), ["Pulled@2", "Started@2.5", "Ready@2.5"]);
});

t("a graceful delete behind a partition keeps the object Terminating and runs at the heal (unchanged)", () => {
  const w = kubeletWorld();
  const pod = runningPod(w);
  steps(w, [[10, () => partition(w, true)], [20, () => w.store.apply({ type: "pod/delete", uid: pod.uid, gracePeriodSeconds: 30 })]], 49.9);
  assert.ok(w.store.pods.has(pod.uid));
  assert.is(pod.process, "listening");
  assert.is(w.kubelet.orphans.size, 0);
  steps(w, [[50, () => partition(w, false)]], 60);
  // Healed at 50: SIGTERM 50, exit 52 (shutdown 2 s), object removed 52.
  assert.equal(w.timeline("web-1").slice(3), ["Killing@50", "NotReady@52", "Deleted@52"]);
  assert.not.ok(w.store.pods.has(pod.uid));
});

t("an orphan dies with its kubelet (node-failure): no kill at the heal, nothing restarts", () => {
  const w = kubeletWorld();
  const pod = runningPod(w);
  steps(w, [[10, () => partition(w, true)], [20, () => forceDelete(w, pod.uid)], [30, () => kubelet(w, false)]], 31);
  assert.is(w.kubelet.orphans.size, 0);
  steps(w, [[40, () => kubelet(w, true)], [50, () => partition(w, false)]], 60);
  assert.equal(w.timeline("web-1"), ["Pulled@2", "Started@2.5", "Ready@2.5"]);
});

t("under a down kubelet nothing runs: a force delete leaves no orphan", () => {
  const w = kubeletWorld();
  const pod = runningPod(w);
  steps(w, [[10, () => kubelet(w, false)], [11, () => partition(w, true)], [20, () => forceDelete(w, pod.uid)]], 21);
  assert.is(w.kubelet.orphans.size, 0);
});

t("a termination under way goes on behind the partition: the orphan exits when it would have", () => {
  const w = kubeletWorld();
  const pod = runningPod(w, { terminationGracePeriodSeconds: 30 });
  // 10: graceful delete (grace 30) seen by the kubelet: SIGTERM 10, exits at 12 (shutdown 2 s).
  // 11: partitioned, so the removal at 12 waits for the heal; 11.5: force-deleted.
  steps(
    w,
    [
      [10, () => w.store.apply({ type: "pod/delete", uid: pod.uid, gracePeriodSeconds: 30 })],
      [11, () => partition(w, true)],
      [11.5, () => forceDelete(w, pod.uid)],
    ],
    11.9,
  );
  assert.equal([...w.kubelet.orphans.keys()], [pod.uid]);
  w.sim.run({ until: seconds(12) });
  assert.is(w.kubelet.orphans.size, 0, "exited at 12 by itself");
  steps(w, [[20, () => partition(w, false)]], 30);
  assert.equal(w.timeline("web-1"), ["Pulled@2", "Started@2.5", "Ready@2.5", "Killing@10"]);
});

t("a pod force-deleted behind the partition before its containers run leaves no orphan", () => {
  const w = kubeletWorld();
  const pod = runningPod(w);
  // Partitioned at 1, during the pull (0 → 2): the container starts at 2.5 all the same; a pod
  // force-deleted at 1.5, before that, has nothing running.
  steps(w, [[1, () => partition(w, true)], [1.5, () => forceDelete(w, pod.uid)]], 10);
  assert.is(w.kubelet.orphans.size, 0);
});

t.run();
