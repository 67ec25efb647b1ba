import { suite } from "uvu";
import * as assert from "uvu/assert";
import { seconds } from "../../sim/core/time.ts";
import { deployment, nodes, testWorld } from "../support/world.ts";
import { constantNetwork, service, sliceEvents, traffic } from "./support.ts";

const t = suite("start: a steady start adopts everything as programmed; otherwise the first endpoints take a write and a sync");

// Two nodes, web with 3 replicas; slices 0.5 s, kube-proxy minSyncPeriod 1 s, sync 0.2 s; run 0 → 20 s.

t("model built after bootstrap: slices, rules and caches are up to date at t = 0", () => {
  const w = testWorld({ nodes: nodes(2) });
  w.bootstrap([deployment("web", 3), service("web")]);
  const net = constantNetwork(w, { traffic: [traffic("web", 200)] });
  assert.is(net.programmedReady("worker-2", "web").length, 3);
  w.run(seconds(20));
  const [r] = net.results();
  assert.is(r.reachability, 1);
  assert.is(r.failed + r.timeout, 0);
  assert.equal(sliceEvents(w), []);
});

t("model built before bootstrap, then settle(): the same steady state", () => {
  const w = testWorld({ nodes: nodes(2) });
  const net = constantNetwork(w, { traffic: [traffic("web", 200)] });
  w.bootstrap([deployment("web", 3), service("web")]);
  net.settle();
  assert.is(net.programmedReady("worker-1", "web").length, 3);
  w.run(seconds(20));
  assert.is(net.results()[0].reachability, 1);
  assert.equal(sliceEvents(w), []);
});

t("model built before the objects, no settle: refused until the first write (0.5 s) is synced (0.7 s)", () => {
  const w = testWorld({ nodes: nodes(2) });
  const net = constantNetwork(w, { traffic: [traffic("web", 200)] });
  w.bootstrap([deployment("web", 3), service("web")]);
  w.run(seconds(20));
  const [r] = net.results();
  assert.is(r.unreachableSeconds, 0.7);
  assert.ok(Math.abs(r.reachability! - (1 - 0.7 / 20)) < 1e-12);
  assert.is(sliceEvents(w).filter((l) => l.startsWith("EndpointReady@0.5")).length, 3);
});

t("a node that joins later holds the current rules and runs clients at once", () => {
  const w = testWorld({ nodes: nodes(2) });
  w.bootstrap([deployment("web", 3), service("web")]);
  const net = constantNetwork(w, { traffic: [traffic("web", 200), traffic("web-0.web", 10)] });
  const [spec] = nodes(3).slice(2);
  w.sim.at(seconds(5), () =>
    w.store.apply({
      type: "node/add",
      node: { ...spec, labels: {}, requested: { cpuMilli: 0, memoryBytes: 0, pods: 0 }, unschedulable: false, taints: [], ready: { status: "True", lastTransitionTime: 0 }, kubeletUp: true, reachable: true, images: new Set() },
    }),
  );
  w.run(seconds(20));
  assert.is(net.programmedReady("worker-3", "web").length, 3);
  assert.equal(net.resolve("web-0.web", "worker-3"), []);
  assert.is(net.results()[0].reachability, 1);
});

t.run();
