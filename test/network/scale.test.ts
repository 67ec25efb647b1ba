import { suite } from "uvu";
import * as assert from "uvu/assert";
import { UniformDistribution } from "../../sim/core/distributions.ts";
import { millis, seconds } from "../../sim/core/time.ts";
import { instantTiming, World } from "../../sim/engine/world.ts";
import { NetworkModel } from "../../sim/network/traffic.ts";
import { constant, deployment, nodes, setImage } from "../support/world.ts";
import { service } from "./support.ts";

const t = suite("scale: 5,000 nodes cost the event loop nothing per node (kube-proxy, DNS and traffic schedule no events)");

// A 100-replica rolling update with image pulls of 0 s (so the pods' timelines do not depend on
// which node's cache holds the image), random sync latencies on every node, 200 req/s.
function run(nodeCount: number, withNetwork: boolean) {
  const w = new World({
    seed: "scale",
    replication: 0,
    nodes: nodes(nodeCount),
    timing: instantTiming({ imagePull: constant(0), containerStart: constant(0.5) }),
    appFor: () => ({ startup: constant(1), shutdown: constant(2), crash: null, ready: true, preStop: null }),
  });
  w.bootstrap([deployment("web", 100), service("web")]);
  const net = withNetwork
    ? new NetworkModel(w.ctx, {
        endpointSliceLatency: constant(0.2),
        kubeProxySync: { minSyncPeriod: seconds(1), latency: new UniformDistribution({ min: millis(50), max: millis(300) }) },
        traffic: [{ service: "web", rate: 200, timeout: seconds(1) }],
      })
    : null;
  let updates = 0;
  net?.endpointSlices.onChange(() => updates++);
  if (net !== null) net.kubeProxy.syncLog = [];
  const before = w.sim.eventsProcessed;
  w.run(seconds(10));
  setImage(w, "web", "web:v2");
  w.run(seconds(120));
  const result = net?.results()[0];
  return { w, net, updates, events: w.sim.eventsProcessed - before, result };
}

t("events: the same with 10 or 5,000 nodes; the network adds one per EndpointSlice write", () => {
  const small = run(10, true);
  const large = run(5000, true);
  const bare = run(5000, false);
  assert.is(large.events, small.events);
  assert.ok(large.updates > 0);
  assert.is(large.events, bare.events + large.updates);
  // Every node synced once per write (the writes are ≥ 1 s apart or burst-coalesced), and
  // every node ends up with the newest generation programmed.
  const syncs = large.net!.kubeProxy.syncLog!;
  assert.ok(syncs.length >= 5000 * large.updates - 5000 && syncs.length <= 5000 * large.updates, `${syncs.length} syncs`);
  const newest = large.net!.kubeProxy.generation;
  assert.equal([...large.net!.kubeProxy.tracker.allCounts], [[newest, 5000]]);
  const r = large.result!;
  assert.ok(r.requestsTotal > 20000);
  assert.ok(r.reachability! > 0.9 && r.reachability! <= 1);
  assert.ok(Math.abs(r.availability! - r.reachability!) < 4 * Math.sqrt((r.reachability! * (1 - r.reachability!)) / r.requestsTotal) + 1e-9);
});

t.run();
