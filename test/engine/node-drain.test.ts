import { suite } from "uvu";
import * as assert from "uvu/assert";
import { seconds } from "../../sim/core/time.ts";
import type { World } from "../../sim/engine/world.ts";
import { type FaultContext, injectFault } from "../../sim/faults/inject.ts";
import { Fault } from "../../sim/faults/options.ts";
import type { Manifest } from "../../sim/model/from-manifest.ts";
import type { Pod } from "../../sim/model/objects.ts";
import { constant, deployment, eventLines, nodes, type TestWorldOptions, testWorld } from "../support/world.ts";

const t = suite("node-drain end to end: cordon, evictions through the eviction API, PodDisruptionBudgets, kubectl's retries");

// Three nodes, Deployment web with 4 replicas. For seed "timeline" the scheduler puts three of
// them on worker-2 and one on worker-1; worker-3 has none (so it has no web:v1 image cached).
// Container start 0.5 s, no readiness probe, shutdown 2 s; controllers instant.

const pdb = (spec: Record<string, unknown>): Manifest => ({ kind: "PodDisruptionBudget", metadata: { name: "web" }, spec: { selector: { matchLabels: { app: "web" } }, ...spec } });

function drainWorld(options: TestWorldOptions = {}) {
  const w = testWorld({ nodes: nodes(3), ...options });
  w.nodeLifecycle;
  const disruption = w.disruption;
  const faults: FaultContext = { sim: w.sim, store: w.store, streams: w.streams, events: w.events, kubelet: w.kubelet, eviction: disruption };
  return { w, disruption, faults };
}

function podsOn(w: World, node: string): Pod[] {
  return [...w.store.pods.values()].filter((p) => p.nodeName === node).sort((a, b) => (a.name < b.name ? -1 : 1));
}

const lines = (w: World, reasons: readonly string[]) =>
  w.events.events.filter((e) => reasons.includes(e.reason)).map((e) => `${e.reason}@${e.time / 1e6} ${e.name}`);

t("minAvailable 3 of 4: one eviction at a time, each waiting (5 s retries) until the previous replacement is Ready", () => {
  // Image pull 30 s: a replacement on worker-3 (no cached image) is Ready only 30.5 s after it is created.
  const { w, disruption, faults } = drainWorld({ timing: { imagePull: constant(30) } });
  w.bootstrap([deployment("web", 4), pdb({ minAvailable: 3 })]);
  const [a, b, c] = podsOn(w, "worker-2");
  assert.is(podsOn(w, "worker-2").length, 3);
  assert.equal(disruption.status("web"), { expectedPods: 4, desiredHealthy: 3, currentHealthy: 4, disruptionsAllowed: 1, disruptedPods: new Map() });

  w.run(seconds(10));
  injectFault(faults, new Fault({ action: "node-drain", selector: { node: "worker-2" } }), w.sim.now);
  assert.ok(w.store.nodes.get("worker-2")!.unschedulable);
  // 10 s: a evicted (budget 1 → 0); b and c refused with 429. a's replacement goes to worker-3
  // (worker-2 is cordoned; spreading prefers the emptier node): pull until 40 s, Ready at 40.5 s.
  assert.not.equal(a.deletionTimestamp, null);
  assert.is(b.deletionTimestamp, null);
  assert.is(c.deletionTimestamp, null);
  w.run(seconds(11));
  assert.equal(
    disruption.evict(b.uid),
    {
      allowed: false,
      code: 429,
      message: "Cannot evict pod as it would violate the pod's disruption budget.",
      cause: "The disruption budget web needs 3 healthy pods and has 3 currently",
    },
    "what the API answers while the replacement is not Ready (a terminating, its replacement pulling)",
  );

  w.run(seconds(44.9));
  // Retries at 15, 20, …, 40 s were refused: b, c and worker-1's pod are the only healthy ones.
  assert.is(b.deletionTimestamp, null);
  // 45 s: the retry finds a's replacement Ready (40.5 s): b evicted. Its replacement finds the
  // image cached wherever it lands: Ready at 45.5 s, so c's retry at 50 s passes.
  w.run(seconds(60));
  assert.equal(lines(w, ["Evicted", "Drained"]), [
    `Evicted@10 ${a.name}`,
    `Evicted@45 ${b.name}`,
    `Evicted@50 ${c.name}`,
    // c: SIGTERM at 50 s, exits 2 s later; kubectl's 1 s poll (from 50 s) sees it gone at 52 s.
    "Drained@52 worker-2",
  ]);
  assert.equal(podsOn(w, "worker-2"), []);
  assert.is(w.store.deployments.get("web")!.status.availableReplicas, 4);
});

t("no PodDisruptionBudget, gracePeriod 1 s: every pod evicted at once, gone at 12 s (the kubelet's 2 s minimum), drained at 12 s", () => {
  const { w, faults } = drainWorld();
  w.bootstrap([deployment("web", 4)]);
  const victims = podsOn(w, "worker-2");
  w.run(seconds(10));
  injectFault(faults, new Fault({ action: "node-drain", selector: { node: "worker-2" }, gracePeriod: seconds(1) }), w.sim.now);
  w.run(seconds(30));
  // Grace 1 s, but the kubelet never kills before 2 s (minimumGracePeriodInSeconds): the app's
  // 2 s shutdown meets SIGKILL at 12 s; kubectl's poll at 12 s sees every pod gone.
  assert.equal(lines(w, ["Evicted", "Drained"]), [...victims.map((p) => `Evicted@10 ${p.name}`), "Drained@12 worker-2"]);
  assert.ok(victims.every((p) => p.deletionGracePeriodSeconds === 1));
});

t("a drain with a duration uncordons the node when it ends; new pods may land there again", () => {
  const { w, faults } = drainWorld();
  w.bootstrap([deployment("web", 4)]);
  w.run(seconds(10));
  injectFault(faults, new Fault({ action: "node-drain", selector: { node: "worker-3" }, duration: seconds(60) }), w.sim.now);
  w.run(seconds(69.9));
  assert.ok(w.store.nodes.get("worker-3")!.unschedulable);
  assert.ok(w.store.nodes.get("worker-3")!.taints.some((x) => x.key === "node.kubernetes.io/unschedulable"));
  w.run(seconds(70));
  assert.not.ok(w.store.nodes.get("worker-3")!.unschedulable);
  assert.equal(w.store.nodes.get("worker-3")!.taints, []);
  // worker-3 had no pods: drained at once.
  assert.equal(eventLines(w, "Node"), [
    "Drained@10 Node worker-3 drained",
    "Tainted@10 Taint node.kubernetes.io/unschedulable:NoSchedule added",
  ]);
  assert.equal(eventLines(w, "Scenario"), ["Fault@10 node-drain (one) on worker-3 for 1m", "FaultRecovered@70 node-drain on worker-3 recovered"]);
});

t.run();
