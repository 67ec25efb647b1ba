import { suite } from "uvu";
import * as assert from "uvu/assert";
import { seconds } from "../../sim/core/time.ts";
import type { TrafficEntry } from "../../sim/network/traffic.ts";
import { constant, deployment, nodes, setImage, testWorld } from "../support/world.ts";
import { binsBetween, constantNetwork, service, sliceEvents, traffic, withinBinomial } from "./support.ts";

const t = suite("Recreate rollout: the outage runs from the old pods' SIGTERM to the new pods' readiness plus one sync");

// Two nodes; web with 2 replicas, strategy Recreate, no readiness probe, startup 0, shutdown 2 s;
// image pull 2 s (v2 is not cached), container start 0.5 s. Slices 0.5 s after a change;
// kube-proxy minSyncPeriod 1 s, sync 0.2 s. Rollout to v2 at t = 10; run 0 → 60 s.
//  10    old RS → 0: both pods SIGTERM at once (refuse from 10), exit and are removed at 12
//  10.5  slice: both endpoints ready=false, serving=true, terminating=true: no ready endpoint,
//        so kube-proxy falls back to the serving-and-terminating ones (which refuse)
//  12    new RS → 2: pods bound, IPs assigned (not ready)
//  12.5  slice: old endpoints removed, new ones not ready → no usable endpoint: refused
//  14.5  new pods started: Ready and listening
//  15.0  slice: new endpoints ready; 15.0 → 15.2 sync: requests succeed from 15.2
function run(entries: TrafficEntry[]) {
  const w = testWorld({ nodes: nodes(2), app: { startup: constant(0) } });
  w.bootstrap([deployment("web", 2, { strategy: { type: "Recreate" } }), service("web")]);
  const net = constantNetwork(w, { traffic: entries });
  w.run(seconds(10));
  setImage(w, "web", "web:v2");
  w.run(seconds(11));
  const fallback = { ready: net.programmedReady("worker-1", "web").length, usable: net.programmedUsable("worker-1", "web").length };
  w.run(seconds(60));
  return { w, net, fallback, results: net.results() };
}

t("exact outage [10 s, 15.2 s): reachability, unreachable_s, events, fallback to terminating endpoints", () => {
  const { w, fallback, results } = run([traffic("web", 500)]);
  const [r] = results;
  assert.equal(fallback, { ready: 0, usable: 2 });
  assert.equal(sliceEvents(w).map((l) => l.replace(/web-\S+ \(\S+\)/, "pod")), [
    "EndpointNotReady@10.5 pod is not ready (serving=true, terminating=true)",
    "EndpointNotReady@10.5 pod is not ready (serving=true, terminating=true)",
    "EndpointRemoved@12.5 pod removed",
    "EndpointRemoved@12.5 pod removed",
    "EndpointNotReady@12.5 pod is not ready (serving=false, terminating=false)",
    "EndpointNotReady@12.5 pod is not ready (serving=false, terminating=false)",
    "EndpointReady@15 pod is ready",
    "EndpointReady@15 pod is ready",
  ]);
  // p = 0 on [10, 15.2): 5.2 s; plus everything in service at 10 (both backends stop): 5 ms.
  assert.is(r.unreachableSeconds, 5.2);
  assert.ok(Math.abs(r.reachability! - (1 - 5.205 / 60)) < 1e-12, `reachability ${r.reachability}`);
  const [b9, b10, b14, b15, b16] = [9, 10, 14, 15, 16].map((s) => binsBetween(r, s, s + 1)[0]);
  assert.ok(Math.abs(b9.reachability! - 0.995) < 1e-12);
  assert.is(b10.reachability, 0);
  assert.is(b14.reachability, 0);
  assert.ok(Math.abs(b15.reachability! - 0.8) < 1e-12);
  assert.is(b16.reachability, 1);
  assert.is(b15.unreachableSeconds, 0.2);
  // Sampled: all failures arrived in [9.995, 15.2): bins 9 … 15; refusals, not timeouts.
  assert.is(r.timeout, 0);
  for (const b of r.bins) if (b.requestsFailed > 0) assert.ok(b.start >= seconds(9) && b.start < seconds(16));
  for (const s of [10, 11, 12, 13, 14]) assert.is(binsBetween(r, s, s + 1)[0].requestsOk, 0);
  assert.ok(withinBinomial(r.failed, r.requestsTotal, 5.205 / 60));
  // Slices: 2 ready until 10.5, then 0 until 15; nodes programmed 2 until 10.7 and from 15.2.
  assert.equal([b9, b10, b14, b15, b16].map((b) => [b.endpointsReady, b.endpointsProgrammedMin]), [
    [2, 2],
    [0, 0],
    [0, 0],
    [2, 0],
    [2, 2],
  ]);
});

t("retries: 3 tries 2 s apart outlast the 5.2 s outage; 1 retry saves only the last 2 s of it", () => {
  const { results } = run([
    traffic("web", 500, { retries: { count: 3, backoff: constant(2) } }),
    traffic("web", 500, { retries: { count: 1, backoff: constant(2) } }),
  ]);
  const [three, one] = results;
  // Attempts at t, t+2, t+4, t+6 for a request refused at t ∈ [9.995, 15.2): the last is after
  // 15.2, so every request succeeds in the end. The integral counts single attempts: unchanged.
  assert.is(three.failed, 0);
  assert.is(three.availability, 1);
  assert.ok(Math.abs(three.reachability! - (1 - 5.205 / 60)) < 1e-12);
  // One retry at t+2: requests from [13.2, 15.2) succeed on it, earlier ones fail twice; those cut
  // in service at 10 retry at 12 and fail. Final failures: arrivals in [9.995, 13.2) → 3.205 s.
  assert.ok(withinBinomial(one.failed, one.requestsTotal, 3.205 / 60), `failed ${one.failed} of ${one.requestsTotal}`);
  for (const b of one.bins) if (b.requestsFailed > 0) assert.ok(b.start >= seconds(9) && b.start < seconds(14));
});

t.run();
