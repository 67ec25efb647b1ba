import { suite } from "uvu";
import * as assert from "uvu/assert";
import { seconds } from "../../sim/core/time.ts";
import { constant, deployment, nodes, testWorld } from "../support/world.ts";
import { at, binsBetween, constantNetwork, service, sliceEvents, traffic, withinBinomial } from "./support.ts";

const t = suite("readiness failure: the endpoint leaves the slices and the nodes' rules one sync after Ready=False");

// Two nodes, web with 3 replicas, startup 0; slices 0.5 s, kube-proxy minSyncPeriod 1 s, sync 0.2 s.
function world() {
  const w = testWorld({ nodes: nodes(2), app: { startup: constant(0) } });
  w.bootstrap([deployment("web", 3), service("web")]);
  return w;
}

t("an app that hangs at 10 s and fails its probe at 30 s loses 1/3 of requests until 30.7 s", () => {
  const w = world();
  const net = constantNetwork(w, { traffic: [traffic("web", 500)] });
  const pod = [...w.store.pods.values()][0];
  // t=10: the app stops answering (still running, not listening): refused from now on.
  at(w, 10, () => w.store.apply({ type: "pod/status", uid: pod.uid, status: { process: "starting" } }));
  // t=30: the readiness probe has failed failureThreshold times: Ready=False.
  at(w, 30, () => w.store.apply({ type: "pod/status", uid: pod.uid, status: { ready: false } }));
  w.run(seconds(60));
  const [r] = net.results();
  // Slice at 30.5 (ready=false, serving=false); synced 30.5 → 30.7; share 1/3 on [10, 30.7),
  // plus the requests in service when the app hung (1/3 × 5 ms).
  assert.equal(sliceEvents(w), [`EndpointNotReady@30.5 ${pod.name} (${pod.ip}) is not ready (serving=false, terminating=false)`]);
  const lost = (20.7 + 0.005) / 3;
  assert.ok(Math.abs(r.reachability! - (1 - lost / 60)) < 1e-12, `reachability ${r.reachability}`);
  assert.is(r.unreachableSeconds, 0);
  assert.is(r.timeout, 0);
  assert.ok(withinBinomial(r.failed, r.requestsTotal, lost / 60));
  const [b29, b30, b31] = [29, 30, 31].map((s) => binsBetween(r, s, s + 1)[0]);
  assert.ok(Math.abs(b30.reachability! - (1 - 0.7 / 3)) < 1e-12);
  assert.equal([b29, b30, b31].map((b) => [b.endpointsReady, b.endpointsReadyMin, b.endpointsProgrammedMin]), [
    [3, 3, 3],
    [2, 2, 2],
    [2, 2, 2],
  ]);
  assert.is(b31.requestsFailed, 0);
  assert.is(b31.reachability, 1);
});

t("a readiness failure of an app that still answers removes the endpoint without failing a request", () => {
  const w = world();
  const net = constantNetwork(w, { traffic: [traffic("web", 500)] });
  const pod = [...w.store.pods.values()][0];
  at(w, 10, () => w.store.apply({ type: "pod/status", uid: pod.uid, status: { ready: false } }));
  w.run(seconds(30));
  const [r] = net.results();
  assert.is(r.reachability, 1);
  assert.is(r.failed, 0);
  assert.equal(net.programmedReady("worker-1", "web").length, 2);
  assert.equal(net.programmedUsable("worker-2", "web").includes(pod.ip!), false);
});

t.run();
