import { suite } from "uvu";
import * as assert from "uvu/assert";
import { TAINT_OUT_OF_SERVICE } from "../../sim/controllers/pod-gc.ts";
import { seconds } from "../../sim/core/time.ts";
import type { World } from "../../sim/engine/world.ts";
import { type FaultContext, injectFault, scheduleFaults } from "../../sim/faults/inject.ts";
import { Fault } from "../../sim/faults/options.ts";
import type { Manifest } from "../../sim/model/from-manifest.ts";
import type { Pod } from "../../sim/model/objects.ts";
import { TAINT_UNREACHABLE } from "../../sim/model/pod-factory.ts";
import { deployment, eventLines, nodes, type TestWorldOptions, testWorld } from "../support/world.ts";

const t = suite("Node failure end to end: heartbeats, Unknown, taints, eviction, replacement, recovery");

// Worlds of the test support: seed "timeline", controllers and scheduler instant, image pull 2 s
// (images present on nodes that already ran the workload), container start 0.5 s, no readiness
// probe (Ready when started), shutdown 2 s, node monitor every 5 s with 50 s grace.
//
// Lease phases drawn from the stream node-lifecycle/lease-phase for this seed, in node order:
// worker-1 3.701909 s, worker-2 5.784797 s, worker-3 9.068820 s, worker-4 8.389493 s. So with the
// kubelet of worker-1 stopping at 100 s its last renew is 93.701909 s; Unknown at the first 5 s
// tick strictly after 143.701909 s: 145 s. worker-2 stopping at 100 s: last renew 95.784797 s,
// Unknown at the first tick after 145.784797 s: 150 s.

function failureWorld(options: TestWorldOptions = {}) {
  const w = testWorld({ nodes: nodes(3), ...options });
  const lifecycle = w.nodeLifecycle;
  const taints = w.taintEviction;
  const disruption = w.disruption;
  const faults: FaultContext = { sim: w.sim, store: w.store, streams: w.streams, events: w.events, kubelet: w.kubelet, eviction: disruption };
  return { w, lifecycle, taints, faults };
}

function podsOn(w: World, node: string): Pod[] {
  return [...w.store.pods.values()].filter((p) => p.nodeName === node);
}

function nodeFailure(node: string, at: number, duration?: number, name = `fail-${node}`) {
  return { at: seconds(at), fault: new Fault({ action: "node-failure", selector: { node }, duration: duration === undefined ? undefined : seconds(duration) }, name) };
}

function taintNames(w: World, node: string): string[] {
  return w.store.nodes.get(node)!.taints.map((x) => `${x.key}:${x.effect}@${x.timeAdded / 1e6}`);
}

t("the lease phases this file derives its numbers from", () => {
  const { w, lifecycle } = failureWorld({ nodes: nodes(4) });
  w.bootstrap([]);
  assert.equal(
    ["worker-1", "worker-2", "worker-3", "worker-4"].map((n) => lifecycle.leasePhase(n)),
    [3_701_909, 5_784_797, 9_068_820, 8_389_493],
  );
});

t("kubelet stops at 100 s: Unknown and pods NotReady at 145 s, NoExecute at 145.1 s, eviction at 445.1 s, replacement elsewhere", () => {
  const { w, lifecycle, faults } = failureWorld();
  w.bootstrap([deployment("web", 3)]);
  scheduleFaults(faults, [nodeFailure("worker-1", 100)]);
  const victims = podsOn(w, "worker-1");
  assert.ok(victims.length >= 1, "the spread put a web pod on worker-1");
  const names = new Set(victims.map((p) => p.name));

  w.run(seconds(144.9));
  // Down since 100 s, but the last heartbeat (93.7 s) is not yet 50 s old at the 140 s tick.
  assert.is(lifecycle.lastHeartbeat("worker-1"), seconds(93.701909));
  assert.is(w.store.nodes.get("worker-1")!.ready.status, "True");
  assert.ok(victims.every((p) => p.ready));

  w.run(seconds(145));
  // The 145 s tick is the first strictly after 143.7 s: Unknown, and every pod there NotReady at once.
  assert.is(w.store.nodes.get("worker-1")!.ready.status, "Unknown");
  for (const p of victims) {
    assert.not.ok(p.ready);
    assert.is(p.readyTransitionTime, seconds(145));
  }
  assert.is(w.store.deployments.get("web")!.status.availableReplicas, 3 - victims.length);
  // NoSchedule follows the condition at once; NoExecute waits for the next 100 ms tainting pass.
  assert.equal(taintNames(w, "worker-1"), [`${TAINT_UNREACHABLE}:NoSchedule@145`]);

  w.run(seconds(445));
  assert.equal(taintNames(w, "worker-1"), [`${TAINT_UNREACHABLE}:NoSchedule@145`, `${TAINT_UNREACHABLE}:NoExecute@145.1`]);
  assert.ok(victims.every((p) => p.deletionTimestamp === null), "default tolerationSeconds 300: not yet");

  w.run(seconds(700));
  assert.equal(eventLines(w, "Node"), [
    "NodeNotReady@145 Node worker-1 status is now: NodeNotReady",
    `Tainted@145 Taint ${TAINT_UNREACHABLE}:NoSchedule added`,
    `Tainted@145.1 Taint ${TAINT_UNREACHABLE}:NoExecute added`,
  ]);
  const victimLines = w.events.events.filter((e) => names.has(e.name)).map((e) => `${e.reason}@${e.time / 1e6}`);
  assert.equal(victimLines, victims.flatMap(() => ["NodeNotReady@145"]).concat(victims.flatMap(() => ["Evicted@445.1", "Terminating@445.1"])));
  // Evicted at 145.1 + 300 s with the pod's 30 s grace, but nobody on worker-1 can finish the
  // deletion: the pods stay Terminating, still bound there.
  for (const p of victims) {
    assert.ok(w.store.pods.has(p.uid));
    assert.is(p.deletionTimestamp, seconds(475.1));
    assert.is(p.disruptionTarget, "DeletionByTaintManager");
    assert.is(p.nodeName, "worker-1");
  }
  // The ReplicaSet ignores terminating pods and replaces them at 445.1 s on the healthy nodes.
  const creates = eventLines(w, "ReplicaSet").filter((l) => l.startsWith("SuccessfulCreate"));
  assert.equal(
    creates.map((l) => l.split(" ")[0]),
    victims.map(() => "SuccessfulCreate@445.1"),
  );
  const active = [...w.store.pods.values()].filter((p) => p.deletionTimestamp === null);
  assert.is(active.length, 3);
  assert.ok(active.every((p) => p.nodeName !== "worker-1" && p.ready));
  assert.is(w.store.deployments.get("web")!.status.availableReplicas, 3);
});

t("tolerationSeconds 30 (DefaultTolerationSeconds admission): eviction at 145.1 + 30 = 175.1 s", () => {
  const { w, faults } = failureWorld({ timing: { defaultTolerationSeconds: 30 } });
  w.bootstrap([deployment("web", 3)]);
  scheduleFaults(faults, [nodeFailure("worker-1", 100)]);
  const victims = podsOn(w, "worker-1");
  assert.ok(victims.length >= 1);
  assert.ok(victims[0].spec.tolerations.some((x) => x.key === TAINT_UNREACHABLE && x.tolerationSeconds === 30));
  w.run(seconds(175));
  assert.ok(victims.every((p) => p.deletionTimestamp === null));
  w.run(seconds(175.1));
  assert.ok(victims.every((p) => p.deletionTimestamp === seconds(175.1 + 30)));
});

t("a failure shorter than the grace period changes nothing", () => {
  const { w, faults } = failureWorld();
  w.bootstrap([deployment("web", 3)]);
  // Down 100–140 s: the kubelet renews at once on its return, so the probe never gets 50 s old.
  scheduleFaults(faults, [nodeFailure("worker-1", 100, 40)]);
  w.run(seconds(400));
  assert.equal(eventLines(w, "Node"), []);
  assert.ok([...w.store.pods.values()].every((p) => p.ready && p.deletionTimestamp === null));
});

t("recovery at 502.5 s: NodeReady, evicted pods removed, tolerating pods restart, NoExecute gone at the 505 s tick", () => {
  const { w, taints, faults } = failureWorld();
  // An agent pinned to worker-1 that tolerates unreachable forever: never evicted.
  const agent = deployment("agent", 1);
  const spec = (agent.spec!.template as { spec: Record<string, unknown> }).spec;
  spec.nodeSelector = { "kubernetes.io/hostname": "worker-1" };
  spec.tolerations = [{ key: TAINT_UNREACHABLE, operator: "Exists", effect: "NoExecute" }];
  w.bootstrap([deployment("web", 3), agent]);
  scheduleFaults(faults, [nodeFailure("worker-1", 100, 402.5)]);
  const agentPod = podsOn(w, "worker-1").find((p) => p.labels.app === "agent")!;
  const webVictims = podsOn(w, "worker-1").filter((p) => p.labels.app === "web");
  assert.ok(agentPod !== undefined && webVictims.length >= 1);

  w.run(seconds(146));
  assert.is(taints.scheduledEviction(agentPod.uid), undefined, "tolerated forever: no eviction scheduled");
  assert.is(taints.scheduledEviction(webVictims[0].uid), seconds(445.1));

  w.run(seconds(502.5));
  // The kubelet is back: it posts Ready=True at once; the NoSchedule taint follows the condition
  // at once, the NoExecute one waits for the monitor's next pass.
  assert.is(w.store.nodes.get("worker-1")!.ready.status, "True");
  assert.equal(taintNames(w, "worker-1"), [`${TAINT_UNREACHABLE}:NoExecute@145.1`]);
  for (const p of webVictims) assert.not.ok(w.store.pods.has(p.uid), "deleted while down: removed as soon as the kubelet sees it");
  assert.is(agentPod.restartCount, 1);
  assert.not.ok(agentPod.ready);

  w.run(seconds(504.9));
  assert.equal(taintNames(w, "worker-1"), [`${TAINT_UNREACHABLE}:NoExecute@145.1`]);
  w.run(seconds(505));
  assert.equal(taintNames(w, "worker-1"), []);

  assert.equal(eventLines(w, "Node").slice(-1), ["NodeReady@502.5 Node worker-1 status is now: NodeReady"]);
  // The agent's container restarts: image cached, start 0.5 s, Ready at 503 s.
  assert.equal(
    w.events.events.filter((e) => e.name === agentPod.name).map((e) => `${e.reason}@${e.time / 1e6}`),
    ["NodeNotReady@145", "Pulled@502.5", "Restarted@503", "Ready@503"],
  );
  assert.ok(agentPod.ready);
});

t("two nodes of one zone fail: the second NoExecute taint waits 10 s for the zone's token (0.1 nodes/s, burst 1)", () => {
  const { w, faults } = failureWorld({ nodes: nodes(4) });
  w.bootstrap([deployment("web", 4)]);
  scheduleFaults(faults, [nodeFailure("worker-1", 100), nodeFailure("worker-2", 100)]);
  w.run(seconds(300));
  // worker-1 Unknown at 145 s, tainted at 145.1 s (the bucket starts full). worker-2 Unknown at
  // 150 s and queued, but the token is back only 10 s after 145.1 s: tainted at 155.1 s.
  // 2 of 4 not Ready is no partial disruption (that needs more than 2): the zone stays Normal.
  assert.equal(
    eventLines(w, "Node").filter((l) => l.includes("NoExecute")),
    [`Tainted@145.1 Taint ${TAINT_UNREACHABLE}:NoExecute added`, `Tainted@155.1 Taint ${TAINT_UNREACHABLE}:NoExecute added`],
  );
  assert.equal(taintNames(w, "worker-2"), [`${TAINT_UNREACHABLE}:NoSchedule@150`, `${TAINT_UNREACHABLE}:NoExecute@155.1`]);
});

t("every zone fully disrupted: the controller stops tainting and takes the NoExecute taints off", () => {
  const { w, lifecycle, faults } = failureWorld({ nodes: nodes(2) });
  w.bootstrap([deployment("web", 2)]);
  scheduleFaults(faults, [nodeFailure("worker-1", 100), nodeFailure("worker-2", 100)]);
  w.run(seconds(149));
  // 145 s: worker-1 Unknown, worker-2 still Ready → zone Normal → worker-1 tainted at 145.1 s.
  assert.equal(taintNames(w, "worker-1"), [`${TAINT_UNREACHABLE}:NoSchedule@145`, `${TAINT_UNREACHABLE}:NoExecute@145.1`]);
  w.run(seconds(150));
  // 150 s: worker-2 Unknown too → no Ready node in the only zone → FullDisruption everywhere:
  // taints removed, rate 0, and the pending evictions cancelled with the taint.
  assert.is(lifecycle.zoneState("a"), "FullDisruption");
  assert.equal(taintNames(w, "worker-1"), [`${TAINT_UNREACHABLE}:NoSchedule@145`]);
  assert.equal(taintNames(w, "worker-2"), [`${TAINT_UNREACHABLE}:NoSchedule@150`]);
  // Past 445.1 s, when worker-1's pods would have been evicted.
  w.run(seconds(460));
  assert.ok([...w.store.pods.values()].every((p) => p.deletionTimestamp === null), "nothing evicted");
  assert.equal(eventLines(w, "Node").filter((l) => l.includes("NoExecute")), [`Tainted@145.1 Taint ${TAINT_UNREACHABLE}:NoExecute added`]);
});

t("network partition: pods keep running but NotReady; evicted ones terminate gracefully once it heals", () => {
  const { w, faults } = failureWorld();
  w.bootstrap([deployment("web", 3)]);
  const victims = podsOn(w, "worker-1");
  w.run(seconds(100));
  injectFault(faults, new Fault({ action: "network-partition", selector: { node: "worker-1" }, duration: seconds(402.5) }), w.sim.now);
  w.run(seconds(500));
  // Same timeline as a kubelet stop (no heartbeat reaches the API server), but the processes live.
  for (const p of victims) {
    assert.is(p.process, "listening");
    assert.not.ok(p.ready);
    assert.is(p.deletionTimestamp, seconds(475.1));
  }
  w.run(seconds(502.5));
  // Healed: the kubelet sees the deletion and runs it now: SIGTERM at 502.5 s, exit 2 s later.
  assert.ok(victims.every((p) => w.store.pods.has(p.uid) && p.process === "stopping"));
  w.run(seconds(504.5));
  assert.ok(victims.every((p) => !w.store.pods.has(p.uid)));
  assert.equal(
    eventLines(w, "Scenario"),
    ["Fault@100 network-partition (one) on worker-1 for 6m42.5s", "FaultRecovered@502.5 network-partition on worker-1 recovered"],
  );
});

t("StatefulSet: the evicted pod stays Terminating and is not replaced until the out-of-service taint lets pod GC remove it", () => {
  const { w, faults } = failureWorld();
  w.podGC;
  const db: Manifest = {
    kind: "StatefulSet",
    metadata: { name: "db" },
    spec: {
      replicas: 3,
      serviceName: "db",
      podManagementPolicy: "Parallel",
      selector: { matchLabels: { app: "db" } },
      template: { metadata: { labels: { app: "db" } }, spec: { containers: [{ name: "db", image: "db:v1" }] } },
    },
  };
  w.bootstrap([db]);
  const victims = podsOn(w, "worker-1");
  assert.ok(victims.length >= 1);
  scheduleFaults(faults, [nodeFailure("worker-1", 100)]);
  // Evicted at 445.1 s as any pod (see above); the StatefulSet will not make a second pod with
  // the same name while the first still exists (at most one per identity).
  w.run(seconds(600));
  for (const p of victims) {
    assert.is(w.store.podsByName.get(`default/${p.name}`), p, "still the old, Terminating pod");
    assert.is(p.deletionTimestamp, seconds(475.1));
  }
  // The operator marks the node out of service; pod GC's next pass (620 s) force-deletes the
  // pods (worker-1 is not Ready), and the controller recreates them on the other nodes.
  const node = w.store.nodes.get("worker-1")!;
  w.store.apply({ type: "node/update", name: "worker-1", patch: { taints: [...node.taints, { key: TAINT_OUT_OF_SERVICE, effect: "NoExecute", timeAdded: w.sim.now }] } });
  w.run(seconds(619.9));
  assert.ok(victims.every((p) => w.store.podsByName.get(`default/${p.name}`) === p));
  w.run(seconds(625));
  for (const p of victims) {
    const replacement = w.store.podsByName.get(`default/${p.name}`)!;
    assert.ok(replacement !== undefined && replacement.uid !== p.uid, `${p.name} recreated`);
    assert.is(replacement.creationTime, seconds(620));
    assert.not.equal(replacement.nodeName, "worker-1");
    // db:v1 is pulled (2 s) unless the node already runs a db pod, then started in 0.5 s.
    assert.ok(replacement.ready);
  }
});

t.run();
