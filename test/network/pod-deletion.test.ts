import { suite } from "uvu";
import * as assert from "uvu/assert";
import { seconds } from "../../sim/core/time.ts";
import { NetworkModel } from "../../sim/network/traffic.ts";
import { constant, deployment, nodes, testWorld } from "../support/world.ts";
import { scaleTo, service, sliceEvents, traffic, withinBinomial } from "./support.ts";

const t = suite("a pod deleted behind a Service: requests fail from SIGTERM until the last kube-proxy sync drops it");

// Two nodes, web with 3 replicas (no readiness probe, startup 0: Ready and listening together),
// shutdown 2 s. EndpointSlice latency 0.5 s; kube-proxy minSyncPeriod 1 s, sync 0.2 s; service
// time 5 ms; 1000 req/s; bins of 5 ms so that the window shows up exactly; run 0 → 20 s.
// At t = 10 the Deployment scales to 2: one pod gets its deletionTimestamp at 10.
function run(container: Record<string, unknown> = {}) {
  const w = testWorld({ nodes: nodes(2), app: { startup: constant(0) } });
  w.bootstrap([deployment("web", 3, {}, container), service("web")]);
  const net = new NetworkModel(w.ctx, {
    endpointSliceLatency: constant(0.5),
    kubeProxySync: { minSyncPeriod: seconds(1), latency: constant(0.2) },
    traffic: [traffic("web", 1000)],
    bin: seconds(0.005),
  });
  net.kubeProxy.syncLog = [];
  w.run(seconds(10));
  scaleTo(w, "web", 2);
  w.run(seconds(20));
  return { w, net, r: net.results()[0] };
}

t("without preStop: 1/3 of requests fail in [10 s, 10.7 s), plus those in service at SIGTERM", () => {
  const { w, net, r } = run();
  // t=10: no preStop → SIGTERM at once: the process stops answering (refuses) at 10.
  // t=10.5: the slice marks the endpoint ready=false (serving, terminating); both nodes sync
  //         10.5 → 10.7. Until 10.7 every node sends 1/3 of new connections to it.
  // t=12: the process exits, the pod is removed; t=12.5 the endpoint is removed; syncs 12.5 → 12.7.
  assert.equal(sliceEvents(w).map((l) => l.replace(/web-\S+ \(\S+\)/, "pod")), [
    "EndpointNotReady@10.5 pod is not ready (serving=true, terminating=true)",
    "EndpointRemoved@12.5 pod removed",
  ]);
  assert.equal(
    net.kubeProxy.syncLog!.map((s) => `${s.node}:${s.start / 1e6}-${s.end / 1e6}`),
    ["worker-1:10.5-10.7", "worker-2:10.5-10.7", "worker-1:12.5-12.7", "worker-2:12.5-12.7"],
  );
  // Exact loss of success (seconds): the window 0.7 s at share 1/3, plus the requests that
  // were in service at SIGTERM: share 1/3 over the last 5 ms before it (P(s > 10 − t) = 1).
  const lost = (0.7 + 0.005) / 3;
  assert.ok(Math.abs(r.reachability! - (1 - lost / 20)) < 1e-12, `reachability ${r.reachability}`);
  assert.is(r.unreachableSeconds, 0);
  // Per bin: the 5 ms bin just before SIGTERM loses 1/3 (cut in service), bins in [10, 10.7) lose 1/3.
  const binAt = (s: number) => r.bins.find((b) => b.start === seconds(s))!;
  assert.ok(Math.abs(binAt(9.995).reachability! - 2 / 3) < 1e-12);
  assert.ok(Math.abs(binAt(10.695).reachability! - 2 / 3) < 1e-12);
  assert.is(binAt(10.7).reachability, 1);
  assert.is(binAt(9.99).reachability, 1);
  // Sampled: every failed request arrived in [9.995 s, 10.7 s); none timed out.
  assert.is(r.timeout, 0);
  for (const b of r.bins) if (b.requestsFailed > 0) assert.ok(b.start >= seconds(9.995) && b.start < seconds(10.7), `failed at ${b.start}`);
  assert.is(r.ok + r.failed, r.requestsTotal);
  assert.ok(withinBinomial(r.failed, r.requestsTotal, lost / 20), `failed ${r.failed} of ${r.requestsTotal}`);
  // endpoints_ready drops at 10.5 (3 → 2); the nodes' programmed minimum at 10.7.
  assert.is(binAt(10.495).endpointsReady, 3);
  assert.is(binAt(10.5).endpointsReady, 2);
  assert.is(binAt(10.695).endpointsProgrammedMin, 3);
  assert.is(binAt(10.7).endpointsProgrammedMin, 2);
});

t("preStop sleep 5 s outlasts the 0.7 s sync lag: no request fails", () => {
  const { net, r } = run({ lifecycle: { preStop: { sleep: { seconds: 5 } } } });
  // SIGTERM at 15; every node stopped routing to the pod at 10.7, so nothing reaches it, and
  // nothing is in service there when it stops: the integral is exactly 1.
  assert.is(r.reachability, 1);
  assert.is(r.unreachableSeconds, 0);
  assert.is(r.failed, 0);
  assert.is(r.timeout, 0);
  assert.ok(r.requestsTotal > 19000);
  // preStop 10 → 15, SIGTERM 15, exit 17: the endpoint goes at 17.5, synced by 17.7.
  assert.equal(
    net.kubeProxy.syncLog!.map((s) => `${s.node}:${s.start / 1e6}-${s.end / 1e6}`),
    ["worker-1:10.5-10.7", "worker-2:10.5-10.7", "worker-1:17.5-17.7", "worker-2:17.5-17.7"],
  );
});

t.run();
