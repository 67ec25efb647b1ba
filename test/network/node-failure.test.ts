import { suite } from "uvu";
import * as assert from "uvu/assert";
import { seconds } from "../../sim/core/time.ts";
import type { World } from "../../sim/engine/world.ts";
import { constant, deployment, nodes, testWorld } from "../support/world.ts";
import { at, badBins, constantNetwork, podsOn, service, traffic, withinBinomial } from "./support.ts";

const t = suite("node failure and partition: timeouts until the node lifecycle controller's Ready=False is programmed");

// Two nodes, web with 4 replicas, startup 0; slices 0.5 s, kube-proxy minSyncPeriod 1 s, sync
// 0.2 s; 400 req/s for 0 → 100 s. At 10 s worker-2 fails (or is partitioned). The node lifecycle
// controller would notice at 10 + 50 s (nodeMonitorGracePeriod) and mark its pods Ready=False:
// applied here by hand at 60 s. The scheduler puts k of the 4 pods on worker-2 (k = 1 with
// today's scoring); s = k/4 is the share of requests a node's rules send there.
function world(): World {
  const w = testWorld({ nodes: nodes(2), app: { startup: constant(0) } });
  w.bootstrap([deployment("web", 4), service("web")]);
  return w;
}

function markNotReady(w: World, node: string): void {
  for (const pod of podsOn(w, node)) w.store.apply({ type: "pod/status", uid: pod.uid, status: { ready: false } });
}

t("node-failure: worker-1's clients time out on half their requests from 10 s to 60.7 s", () => {
  const w = world();
  const s = podsOn(w, "worker-2").length / 4;
  assert.ok(s > 0 && s < 1);
  const net = constantNetwork(w, { traffic: [traffic("web", 400)] });
  net.kubeProxy.syncLog = [];
  at(w, 10, () => w.store.apply({ type: "node/update", name: "worker-2", patch: { kubeletUp: false } }));
  at(w, 60, () => markNotReady(w, "worker-2"));
  w.run(seconds(100));
  const [r] = net.results();
  // From 10 the only clients are on worker-1 (worker-2's are down with it); its rules still
  // hold 4 endpoints, k on the dead node → p = 1 − s until its sync at 60.5 → 60.7. worker-2's
  // kube-proxy is down: it does not sync. Requests in service at 10 on worker-2's pods: from
  // both nodes' clients, share s over the last 5 ms.
  assert.equal(net.kubeProxy.syncLog!.map((x) => `${x.node}:${x.start / 1e6}`), ["worker-1:60.5"]);
  const lost = s * 50.7 + s * 0.005;
  assert.ok(Math.abs(r.reachability! - (1 - lost / 100)) < 1e-12, `reachability ${r.reachability}`);
  assert.is(r.unreachableSeconds, 0);
  assert.is(r.failed, 0);
  assert.ok(withinBinomial(r.timeout, r.requestsTotal, lost / 100));
  const bins = badBins(r).timeout.map((s) => Number(s.split(":")[0]));
  assert.ok(Math.min(...bins) >= 9 && Math.max(...bins) <= 60, `timeouts in bins ${bins}`);
  // Programmed minimum counts live nodes only: worker-1 had 4 until 60.7, then 4 − k.
  const k = s * 4;
  assert.equal(
    [59, 60, 61].map((x) => r.bins.find((b) => b.start === seconds(x))!.endpointsProgrammedMin),
    [4, 4 - k, 4 - k],
  );
});

t("network-partition: the partitioned node's clients time out, and so do requests to its pods", () => {
  const w = world();
  const k = podsOn(w, "worker-2").length;
  const s = k / 4;
  const net = constantNetwork(w, { traffic: [traffic("web", 400)] });
  at(w, 10, () => w.store.apply({ type: "node/update", name: "worker-2", patch: { reachable: false } }));
  at(w, 60, () => markNotReady(w, "worker-2"));
  w.run(seconds(100));
  const [r] = net.results();
  // Both nodes run clients. On [10, 60.7): worker-1's clients succeed on 1 − s (worker-2's pods
  // are cut off), worker-2's on none → p = (1 − s)/2. From 60.7 worker-1's rules drop worker-2's
  // pods (p = 1/2 · 1 + 1/2 · 0); worker-2's kube-proxy cannot see the change. In service at 10:
  // share s over 5 ms. (k = 1: 0.625 · 50.7 + 0.5 · 39.3 + 0.25 · 0.005 = 51.33875 s.)
  const lost = (1 - (1 - s) / 2) * 50.7 + 0.5 * 39.3 + s * 0.005;
  assert.ok(Math.abs(r.reachability! - (1 - lost / 100)) < 1e-12, `reachability ${r.reachability}`);
  assert.is(r.unreachableSeconds, 0);
  assert.is(r.failed, 0);
  assert.ok(withinBinomial(r.timeout, r.requestsTotal, lost / 100));
  assert.equal(net.programmedReady("worker-2", "web").length, 4);
  assert.equal(net.programmedReady("worker-1", "web").length, 4 - k);
  // Healing at 100: the kubelet posts its pods Ready again (its probes never failed), the slices
  // take them back, and worker-2 re-lists and syncs at once (100 → 100.2): all 4 ready again.
  at(w, 100, () => w.store.apply({ type: "node/update", name: "worker-2", patch: { reachable: true } }));
  w.run(seconds(101));
  assert.equal(net.programmedReady("worker-2", "web").length, 4);
});

t.run();
