import { suite } from "uvu";
import * as assert from "uvu/assert";
import type { ControllerContext } from "../../sim/controllers/context.ts";
import { DisruptionController } from "../../sim/controllers/disruption.ts";
import { NodeLifecycleController } from "../../sim/controllers/node-lifecycle.ts";
import { PodGCController, TAINT_OUT_OF_SERVICE } from "../../sim/controllers/pod-gc.ts";
import { TaintEvictionController } from "../../sim/controllers/taint-eviction.ts";
import { ConstantDistribution } from "../../sim/core/distributions.ts";
import { RandomStreams } from "../../sim/core/rng.ts";
import { Simulation } from "../../sim/core/simulation.ts";
import { seconds } from "../../sim/core/time.ts";
import { type FaultContext, scheduleFaults } from "../../sim/faults/inject.ts";
import { Fault } from "../../sim/faults/options.ts";
import { EventLog } from "../../sim/model/event-log.ts";
import type { Pod } from "../../sim/model/objects.ts";
import { ClusterStore } from "../../sim/model/store.ts";
import { makeNode, makePod } from "../support/kubelet-world.ts";
import { deployment, nodes, testWorld } from "../support/world.ts";

const t = suite("Pod GC (gc_controller.go): every 20 s, force deletion after marking Failed");

/** A bare control plane: store, clock and pod GC only (no scheduler or kubelet to interfere). */
function bare(options: ConstructorParameters<typeof PodGCController>[1] = {}) {
  const sim = new Simulation();
  const store = new ClusterStore(() => sim.now);
  const events = new EventLog(() => sim.now);
  const ctx: ControllerContext = { sim, store, streams: new RandomStreams("gc", 0), events, latency: new ConstantDistribution(0), defaultTolerationSeconds: 300 };
  store.apply({ type: "node/add", node: makeNode("worker-1") });
  const removed = new Map<string, { at: number; phase: string; disruptionTarget: string | null }>();
  store.watch((c) => {
    if (c.kind === "Pod" && c.type === "deleted") removed.set(c.object.name, { at: sim.now / 1e6, phase: c.object.phase, disruptionTarget: c.object.disruptionTarget });
  });
  new PodGCController(ctx, options);
  return { sim, store, removed };
}

function create(store: ClusterStore, name: string, fields: Partial<Pod>, at = 0): Pod {
  const pod = { ...makePod(name, {}, at), ...fields };
  store.apply({ type: "pod/create", pod });
  return pod;
}

t("a pod bound to a node that does not exist: quarantined at the first pass, deleted 40 s later", () => {
  const { sim, store, removed } = bare();
  sim.run({ until: seconds(5) });
  create(store, "orphan", { nodeName: "gone", phase: "Running" }, seconds(5));
  // Passes at 20 s (sees it, quarantine until 60 s), 40 s (still waiting), 60 s (deleted).
  sim.run({ until: seconds(59.9) });
  assert.is(removed.size, 0);
  sim.run({ until: seconds(60) });
  assert.equal(removed.get("orphan"), { at: 60, phase: "Failed", disruptionTarget: "DeletionByPodGC" });
});

t("a terminating pod that was never scheduled: deleted at the next pass", () => {
  const { sim, store, removed } = bare();
  sim.run({ until: seconds(1) });
  create(store, "unscheduled", { deletionTimestamp: seconds(31), deletionRequestedAt: seconds(1), deletionGracePeriodSeconds: 30 });
  sim.run({ until: seconds(30) });
  assert.equal(removed.get("unscheduled"), { at: 20, phase: "Failed", disruptionTarget: null });
});

t("terminated pods above the threshold: the oldest go first", () => {
  const { sim, store, removed } = bare({ terminatedPodThreshold: 2 });
  sim.run({ until: seconds(1) });
  for (const [i, name] of ["d", "a", "c", "b"].entries()) create(store, name, { nodeName: "worker-1", phase: "Succeeded", creationTime: seconds(i) });
  create(store, "running", { nodeName: "worker-1", phase: "Running" });
  sim.run({ until: seconds(30) });
  // Created d (0 s), a (1 s), c (2 s), b (3 s): 4 terminated, threshold 2 → d and a deleted at 20 s.
  assert.equal([...removed.keys()], ["d", "a"]);
  assert.equal(removed.get("d"), { at: 20, phase: "Succeeded", disruptionTarget: null }, "already terminal: phase kept");
  assert.equal([...store.pods.values()].map((p) => p.name), ["c", "b", "running"]);
});

t("terminating pods on a dead node are released by the out-of-service taint (the operator's way out)", () => {
  const w = testWorld({ nodes: nodes(3) });
  new NodeLifecycleController(w.ctx);
  new TaintEvictionController(w.ctx);
  new PodGCController(w.ctx);
  const disruption = new DisruptionController(w.ctx);
  const faults: FaultContext = { sim: w.sim, store: w.store, streams: w.streams, events: w.events, kubelet: w.kubelet, eviction: disruption };
  w.bootstrap([deployment("web", 3)]);
  const victims = [...w.store.pods.values()].filter((p) => p.nodeName === "worker-1");
  assert.ok(victims.length >= 1);
  scheduleFaults(faults, [{ at: seconds(100), fault: new Fault({ action: "node-failure", selector: { node: "worker-1" } }) }]);
  // Unknown at 145 s, NoExecute at 145.1 s, evicted at 445.1 s (see test/engine/node-failure):
  // Terminating forever, because no kubelet runs on worker-1.
  w.run(seconds(510));
  assert.ok(victims.every((p) => w.store.pods.has(p.uid) && p.deletionTimestamp !== null));
  const node = w.store.nodes.get("worker-1")!;
  w.store.apply({ type: "node/update", name: "worker-1", patch: { taints: [...node.taints, { key: TAINT_OUT_OF_SERVICE, value: "nodeshutdown", effect: "NoExecute", timeAdded: w.sim.now }] } });
  w.run(seconds(519.9));
  assert.ok(victims.every((p) => w.store.pods.has(p.uid)));
  // The next pass (520 s): Ready is Unknown and the taint is there: marked Failed, force-deleted.
  w.run(seconds(520));
  for (const p of victims) {
    assert.not.ok(w.store.pods.has(p.uid));
    assert.is(p.phase, "Failed");
  }
  assert.is(w.store.nodes.get("worker-1")!.requested.pods, 0);
  assert.equal(
    w.events.events.filter((e) => e.reason === "Deleted" && victims.some((p) => p.name === e.name)).map((e) => e.time / 1e6),
    victims.map(() => 520),
  );
});

t("options are checked", () => {
  assert.throws(() => bare({ gcCheckPeriod: 0 }), /gcCheckPeriod/);
  assert.throws(() => bare({ terminatedPodThreshold: -1 }), /terminatedPodThreshold/);
});

t.run();
