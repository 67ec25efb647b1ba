import { suite } from "uvu";
import * as assert from "uvu/assert";
import { seconds } from "../../sim/core/time.ts";
import { constant, container, kubeletWorld, makePod, probe } from "../support/kubelet-world.ts";

const t = suite("kubelet: pull, start, readiness from probes, termination, crash restarts (hand-derived timelines)");

// Common timings unless a case says otherwise: image pull 2 s, container start 0.5 s,
// app startup 3 s, shutdown 2 s; the pod is bound at t = 0, so probe workers tick at 0, P, 2P …

function boundPod(world: ReturnType<typeof kubeletWorld>, spec = {}) {
  const pod = makePod("web-1", spec);
  world.store.apply({ type: "pod/create", pod });
  world.store.apply({ type: "pod/bind", uid: pod.uid, node: "node-1" });
  return pod;
}

t("no readiness probe: Ready as soon as containers start, before the app listens", () => {
  const w = kubeletWorld();
  const pod = boundPod(w);
  w.sim.run({ until: seconds(10) });
  // pull 0→2 s, start 2→2.5 s: Started and Ready at 2.5 s; the app listens at 2.5 + 3 = 5.5 s.
  assert.equal(w.timeline("web-1"), ["Pulled@2", "Started@2.5", "Ready@2.5"]);
  assert.is(pod.process, "listening");
  assert.is(pod.phase, "Running");
  assert.ok(pod.ip !== null);
});

t("readiness probe period 10 s: Ready at the first tick after the app listens", () => {
  const w = kubeletWorld();
  boundPod(w, { containers: [container({ readinessProbe: probe() })] });
  w.sim.run({ until: seconds(30) });
  // ticks 0, 10, 20 …; the app listens at 5.5 s → first passing tick 10 s.
  assert.equal(w.timeline("web-1"), ["Pulled@2", "Started@2.5", "Ready@10"]);
});

t("initialDelaySeconds skips ticks until that long after the container started", () => {
  const w = kubeletWorld();
  boundPod(w, { containers: [container({ readinessProbe: probe({ initialDelaySeconds: 15 }) })] });
  w.sim.run({ until: seconds(40) });
  // container started 2.5 s; ticks at 10 (7.5 s since start < 15: skipped), 20 (17.5 ≥ 15) → Ready 20 s.
  assert.equal(w.timeline("web-1").at(-1), "Ready@20");
});

t("successThreshold 3 needs three passing ticks in a row", () => {
  const w = kubeletWorld();
  boundPod(w, { containers: [container({ readinessProbe: probe({ periodSeconds: 5, successThreshold: 3 }) })] });
  w.sim.run({ until: seconds(40) });
  // ticks every 5 s; first pass at 10 s (app listens 5.5 s), then 15, 20 → Ready at 20 s.
  assert.equal(w.timeline("web-1").at(-1), "Ready@20");
});

t("an app with ready: false never becomes Ready behind a probe", () => {
  const w = kubeletWorld({ ready: false });
  const pod = boundPod(w, { containers: [container({ readinessProbe: probe() })] });
  w.sim.run({ until: seconds(600) });
  assert.equal(w.timeline("web-1"), ["Pulled@2", "Started@2.5"]);
  assert.is(pod.ready, false);
  assert.is(pod.process, "listening");
});

t("a cached image is not pulled again (IfNotPresent); Always pulls every time", () => {
  const w = kubeletWorld();
  w.store.nodes.get("node-1")!.images.add("app:v1");
  boundPod(w);
  w.sim.run({ until: seconds(10) });
  // no pull: Pulled at 0, started at 0.5 s
  assert.equal(w.timeline("web-1"), ["Pulled@0", "Started@0.5", "Ready@0.5"]);

  const w2 = kubeletWorld();
  w2.store.nodes.get("node-1")!.images.add("app:v1");
  boundPod(w2, { containers: [container({ imagePullPolicy: "Always" })] });
  w2.sim.run({ until: seconds(10) });
  assert.equal(w2.timeline("web-1")[0], "Pulled@2");
});

t("graceful deletion without preStop: SIGTERM at once, exit after shutdown, object removed", () => {
  const w = kubeletWorld();
  const pod = boundPod(w);
  w.sim.run({ until: seconds(100) });
  w.store.apply({ type: "pod/delete", uid: pod.uid, gracePeriodSeconds: 30 });
  assert.is(pod.deletionTimestamp, seconds(130));
  w.sim.run({ until: seconds(200) });
  // SIGTERM (Killing) at 100 s, exit at 100 + 2 = 102 s: NotReady and Deleted then.
  assert.equal(w.timeline("web-1").slice(3), ["Killing@100", "NotReady@102", "Deleted@102"]);
  assert.not.ok(w.store.pods.has(pod.uid));
});

t("preStop sleep 5 s delays SIGTERM; Ready stays until the process exits (probe 10 s × 3)", () => {
  const w = kubeletWorld();
  const pod = boundPod(w, {
    containers: [container({ readinessProbe: probe(), preStop: { sleepSeconds: 5 } })],
  });
  w.sim.run({ until: seconds(100) });
  w.store.apply({ type: "pod/delete", uid: pod.uid, gracePeriodSeconds: 30 });
  w.sim.run({ until: seconds(200) });
  // preStop 100→105, SIGTERM 105, exit 107. The probe would fail at 110, 120, 130 → NotReady at
  // 130, but the containers are gone at 107 first.
  assert.equal(w.timeline("web-1").slice(3), ["Killing@105", "NotReady@107", "Deleted@107"]);
});

t("a slow shutdown gets SIGKILL at the grace period; readiness fails after 3 probe failures first", () => {
  const w = kubeletWorld({ shutdown: constant(100) });
  const pod = boundPod(w, { containers: [container({ readinessProbe: probe() })] });
  w.sim.run({ until: seconds(100) });
  w.store.apply({ type: "pod/delete", uid: pod.uid, gracePeriodSeconds: 60 });
  w.sim.run({ until: seconds(300) });
  // SIGTERM 100; failing ticks 100, 110, 120 → NotReady 120; SIGKILL at 100 + 60 = 160.
  assert.equal(w.timeline("web-1").slice(3), ["Killing@100", "NotReady@120", "Deleted@160"]);
});

t("a preStop hook longer than the grace period is cut, then 2 s more before SIGKILL", () => {
  const w = kubeletWorld({ shutdown: constant(100) });
  const pod = boundPod(w, { containers: [container({ preStop: { sleepSeconds: 40 } })] });
  w.sim.run({ until: seconds(100) });
  w.store.apply({ type: "pod/delete", uid: pod.uid, gracePeriodSeconds: 30 });
  w.sim.run({ until: seconds(300) });
  // hook cut at 130 → SIGTERM 130; minimum grace 2 s → SIGKILL 132.
  assert.equal(w.timeline("web-1").slice(3), ["Killing@130", "NotReady@132", "Deleted@132"]);
});

t("deleting a pod that is still pulling removes it at once", () => {
  const w = kubeletWorld();
  const pod = boundPod(w);
  w.sim.run({ until: seconds(1) });
  w.store.apply({ type: "pod/delete", uid: pod.uid, gracePeriodSeconds: 30 });
  w.sim.run({ until: seconds(10) });
  assert.equal(w.timeline("web-1"), ["Deleted@1"]);
  assert.is(w.sim.pending, 0, "no timers left behind");
});

t("deleting an unscheduled pod removes it without the kubelet", () => {
  const w = kubeletWorld();
  const pod = makePod("web-2");
  w.store.apply({ type: "pod/create", pod });
  w.store.apply({ type: "pod/delete", uid: pod.uid, gracePeriodSeconds: 30 });
  assert.not.ok(w.store.pods.has(pod.uid));
});

t("CrashLoopBackOff: restarts at once, then after 10 s, 20 s, 40 s", () => {
  // The app crashes 30 s after each start; start takes 0.5 s (image cached after the first pull).
  const w = kubeletWorld({ crash: constant(30) });
  const pod = boundPod(w);
  w.sim.run({ until: seconds(250) });
  const crashes = w.timeline("web-1").filter((e) => e.startsWith("Crashed") || e.startsWith("Restarted"));
  // start 2.5 → crash 32.5 → restart immediately, start 33 → crash 63 → +10 s: restart at 73,
  // start 73.5 → crash 103.5 → +20 s: 123.5, start 124 → crash 154 → +40 s: 194, start 194.5 → crash 224.5
  assert.equal(crashes, [
    "Crashed@32.5",
    "Restarted@33",
    "Crashed@63",
    "Restarted@73.5",
    "Crashed@103.5",
    "Restarted@124",
    "Crashed@154",
    "Restarted@194.5",
    "Crashed@224.5",
  ]);
  assert.is(pod.restartCount, 4);
});

t("a crashed pod is NotReady until its restarted container passes readiness again", () => {
  const w = kubeletWorld({ crash: constant(30) });
  boundPod(w, { containers: [container({ readinessProbe: probe({ periodSeconds: 5 }) })] });
  w.sim.run({ until: seconds(70) });
  // start 2.5, listens 5.5 → Ready at tick 10. Crash 32.5 → NotReady. Restart at once: start 33,
  // listens 36 → next tick 40 → Ready 40. Crash at 63 → NotReady.
  assert.equal(
    w.timeline("web-1").filter((e) => /^(Ready|NotReady)/.test(e)),
    ["Ready@10", "NotReady@32.5", "Ready@40", "NotReady@63"],
  );
});

t("an eager liveness probe kills a slow-starting app again and again (CrashLoopBackOff)", () => {
  // startup 40 s; liveness period 10 s × 3, no initial delay; bound at 0 → ticks 0, 10, 20 …
  const w = kubeletWorld({ startup: constant(40) });
  const pod = boundPod(w, { containers: [container({ livenessProbe: probe() })] });
  w.sim.run({ until: seconds(130) });
  // start 2.5 (listens 42.5): failing ticks 10, 20, 30 → killed at 30, restarted at once
  // (first restart), start 30.5 (listens 70.5): ticks 40, 50, 60 → killed at 60; backoff 10 s →
  // restart 70, start 70.5 (listens 110.5): ticks 80, 90, 100 → killed at 100; backoff 20 s → 120.
  const kills = w.timeline("web-1").filter((e) => /^(Killing|Restarted)/.test(e));
  assert.equal(kills, ["Killing@30", "Restarted@30.5", "Killing@60", "Restarted@70.5", "Killing@100", "Restarted@120.5"]);
  assert.is(pod.restartCount, 3);
  assert.not.equal(pod.process, "listening");
});

t("initialDelaySeconds past the startup time keeps the liveness probe from killing", () => {
  const w = kubeletWorld({ startup: constant(40) });
  const pod = boundPod(w, { containers: [container({ livenessProbe: probe({ initialDelaySeconds: 45 }) })] });
  w.sim.run({ until: seconds(300) });
  // first eligible tick ≥ 2.5 + 45 = 47.5 is 50, after the app listens at 42.5: never fails.
  assert.is(pod.restartCount, 0);
  assert.is(pod.process, "listening");
});

t("a startup probe protects the liveness probe until the app answers; it kills when it runs out", () => {
  // startup probe period 10 × 6 (60 s budget) covers a 40 s start; liveness is held until it passes.
  const w = kubeletWorld({ startup: constant(40) });
  const pod = boundPod(w, { containers: [container({ livenessProbe: probe(), startupProbe: probe({ failureThreshold: 6 }) })] });
  w.sim.run({ until: seconds(300) });
  assert.is(pod.restartCount, 0);
  // with a 3 × 10 s budget (ticks 10, 20, 30 fail before 42.5) the startup probe kills at 30.
  const w2 = kubeletWorld({ startup: constant(40) });
  boundPod(w2, { containers: [container({ startupProbe: probe() })] });
  w2.sim.run({ until: seconds(31) });
  assert.equal(w2.timeline("web-1").filter((e) => e.startsWith("Killing")), ["Killing@30"]);
});

t("restartPolicy Never: a crash leaves the pod Failed", () => {
  const w = kubeletWorld({ crash: constant(30) });
  const pod = boundPod(w, { restartPolicy: "Never" });
  w.sim.run({ until: seconds(100) });
  assert.is(pod.phase, "Failed");
  assert.is(pod.restartCount, 0);
});

t("a partition that heals: the kubelet posts Ready again and carries out a deletion it could not see", () => {
  const w = kubeletWorld();
  const pod = boundPod(w);
  w.sim.run({ until: seconds(10) });
  // t=10: partitioned; the node controller marks the pod NotReady (as MarkPodsNotReady does).
  w.store.apply({ type: "node/update", name: "node-1", patch: { reachable: false } });
  w.store.apply({ type: "pod/status", uid: pod.uid, status: { ready: false } });
  w.sim.run({ until: seconds(50) });
  assert.is(pod.ready, false);
  assert.is(pod.process, "listening", "the app keeps running behind the partition");
  // t=50: healed → the kubelet's probes still pass: Ready posted at once.
  w.store.apply({ type: "node/update", name: "node-1", patch: { reachable: true } });
  assert.is(pod.ready, true);
  assert.equal(w.timeline("web-1").slice(-1), ["Ready@50"]);
  // t=60: partitioned again, and the pod is deleted meanwhile: nothing happens until t=80.
  w.sim.run({ until: seconds(60) });
  w.store.apply({ type: "node/update", name: "node-1", patch: { reachable: false } });
  w.store.apply({ type: "pod/delete", uid: pod.uid, gracePeriodSeconds: 30 });
  w.sim.run({ until: seconds(80) });
  assert.is(pod.process, "listening");
  w.store.apply({ type: "node/update", name: "node-1", patch: { reachable: true } });
  w.sim.run({ until: seconds(100) });
  // SIGTERM at 80, exit at 82.
  assert.equal(w.timeline("web-1").slice(-3), ["Killing@80", "NotReady@82", "Deleted@82"]);
});

t("a crash behind a partition is posted when it heals (found by the fault property test, seed 16843596)", () => {
  const w = kubeletWorld({ crash: constant(30) });
  const pod = boundPod(w);
  w.sim.run({ until: seconds(10) });
  w.store.apply({ type: "node/update", name: "node-1", patch: { reachable: false } });
  w.sim.run({ until: seconds(33) });
  // Crash at 32.5 and an immediate restart at 33: the API still shows the last posted status.
  assert.is(pod.ready, true);
  assert.is(pod.containersRunning, true);
  assert.is(pod.restartCount, 0);
  w.store.apply({ type: "node/update", name: "node-1", patch: { reachable: true } });
  // Healed at 33: the kept status (a restart) is posted; the restarted container is Ready again
  // (no probe: Ready once started, at 33.5).
  assert.is(pod.restartCount, 1);
  w.sim.run({ until: seconds(40) });
  assert.is(pod.ready, true);
  assert.is(pod.containersRunning, true);
});

t("node failure: processes stop through the store (one mutation path); a kubelet restart reboots the pod", () => {
  const w = kubeletWorld();
  const pod = boundPod(w);
  w.sim.run({ until: seconds(10) });
  const seen: string[] = [];
  w.store.watch((c) => {
    if (c.kind === "Pod" && c.before?.process !== c.object.process) seen.push(c.object.process);
  });
  w.store.apply({ type: "node/update", name: "node-1", patch: { kubeletUp: false } });
  assert.equal(seen, ["exited"]);
  assert.is(pod.ready, true, "nobody posts for the pod: the API keeps Ready");
  // Taints and other node updates while down change nothing for the kubelet.
  w.store.apply({ type: "node/update", name: "node-1", patch: { unschedulable: true } });
  w.sim.run({ until: seconds(20) });
  w.store.apply({ type: "node/update", name: "node-1", patch: { kubeletUp: true } });
  w.sim.run({ until: seconds(40) });
  // Reboot at 20: image cached → start 20.5, Restarted; restartCount 1.
  assert.is(pod.restartCount, 1);
  assert.ok(w.timeline("web-1").includes("Restarted@20.5"));
});

t.run();
