import { suite } from "uvu";
import * as assert from "uvu/assert";
import { ClusterInvariants, InvariantViolation } from "../../sim/check/invariants.ts";
import { seconds } from "../../sim/core/time.ts";
import { deployment, testWorld } from "../support/world.ts";

const t = suite("cluster invariants: quiet on a healthy run, loud on a corrupted store");

function bootstrapped() {
  const w = testWorld();
  w.bootstrap([deployment("web", 3)]);
  return w;
}

t("a steady cluster passes", () => {
  const w = bootstrapped();
  new ClusterInvariants(w.store).check(w.sim.now);
});

t("node accounting that disagrees with its pods is reported with the numbers", () => {
  const w = bootstrapped();
  w.store.nodes.get("worker-1")!.requested.cpuMilli += 50;
  assert.throws(() => new ClusterInvariants(w.store).check(0), (e: Error) => {
    assert.instance(e, InvariantViolation);
    assert.match(e.message, "node worker-1 accounts 350m/");
    assert.match(e.message, "its pods request 300m/");
    return true;
  });
});

t("a node over its allocatable is reported", () => {
  const w = bootstrapped();
  const node = w.store.nodes.get("worker-1")!;
  (node as { allocatable: { cpuMilli: number; memoryBytes: number; pods: number } }).allocatable = { ...node.allocatable, cpuMilli: 200 };
  assert.throws(() => new ClusterInvariants(w.store).check(0), /worker-1 is over capacity: requests 300m/);
});

t("a Ready pod without running containers is reported", () => {
  const w = bootstrapped();
  const pod = [...w.store.pods.values()][0];
  pod.containersRunning = false;
  assert.throws(() => new ClusterInvariants(w.store).check(0), new RegExp(`pod ${pod.name} is Ready but its containers are not running`));
});

t("time going back is reported by the per-event hook", () => {
  const w = bootstrapped();
  const inv = new ClusterInvariants(w.store);
  w.sim.at(seconds(5), () => {});
  w.sim.afterEvent = inv.afterEvent;
  w.sim.run({ until: seconds(10) });
  const fake = { now: seconds(1) } as typeof w.sim;
  assert.throws(() => inv.afterEvent(fake), /time went back from \d+ to 1000000/);
});

t.run();
