// A pod force-deleted while its node is partitioned: the API object goes at once, the
// controllers replace it at once, but the old process runs on behind the partition until the
// node reconnects, when the kubelet hears of the deletion and kills it (pkg/kubelet/kubelet.go
// HandlePodRemoves, kubelet_pods.go HandlePodCleanups). For a StatefulSet that means two running
// processes of one identity for a while (kubernetes.io "Force Delete StatefulSet Pods"); a
// graceful delete instead leaves the pod Terminating until the heal. Every expected instant is
// derived by hand from the constant timings below; the comments show the arithmetic.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { seconds } from "../../sim/core/time.ts";
import type { World } from "../../sim/engine/world.ts";
import { type FaultContext, injectFault } from "../../sim/faults/inject.ts";
import { Fault } from "../../sim/faults/options.ts";
import { TAINT_UNREACHABLE } from "../../sim/model/pod-factory.ts";
import { binsBetween, constantNetwork, service, sliceEvents, traffic } from "../network/support.ts";
import { constant, deployment, eventLines, nodes, statefulSet, testWorld } from "../support/world.ts";

const t = suite("force delete behind a network partition: replaced at once, the old process runs until the heal (hand-derived timelines)");

// Three nodes; controllers and scheduler instant; image pull 0 s (so no instant depends on which
// healthy node the scheduler picks), container start 0.5 s, no readiness probe (Ready when the
// container starts), shutdown 2 s; node monitor every 5 s with 50 s grace, tolerations 300 s.
//
// worker-1's lease phase for this seed is 3.701909 s (see node-failure.test.ts): partitioned at
// 100 s, its last renew reaching the API server is 93.701909 s, so the node lifecycle controller
// sets Ready=Unknown at the first 5 s tick strictly after 143.701909 s: 145 s. Its pods are
// marked NotReady at 145, the unreachable NoSchedule taint is added at 145 and NoExecute at the
// next 100 ms pass, 145.1 (eviction would come 300 s later, at 445.1, after the heal at 200).
//
// The operator then force-deletes the pod at 160 (kubectl delete pod --force --grace-period=0),
// and the partition heals at 200 (a 100 s network-partition fault from 100).

const PARTITION_AT = 100;
const HEAL_AT = 200;
const DELETE_AT = 160;

function world() {
  const w = testWorld({ nodes: nodes(3), timing: { imagePull: constant(0) }, app: { startup: constant(0) } });
  const faults: FaultContext = { sim: w.sim, store: w.store, streams: w.streams, events: w.events, kubelet: w.kubelet, eviction: w.disruption };
  return { w, faults };
}

function partition(w: World, faults: FaultContext, node: string): void {
  w.run(seconds(PARTITION_AT));
  injectFault(faults, new Fault({ action: "network-partition", selector: { node }, duration: seconds(HEAL_AT - PARTITION_AT) }), w.sim.now);
}

/** "Reason@t" of every event of pods named `name`, from `from` seconds on. */
function podEvents(w: World, name: string, from = 0): string[] {
  return w.events.events.filter((e) => e.kind === "Pod" && e.name === name && e.time >= seconds(from)).map((e) => `${e.reason}@${e.time / 1e6}`);
}

t("StatefulSet, force delete: a new web-1 is Ready elsewhere while the old web-1 still runs; the heal kills the old one", () => {
  const { w, faults } = world();
  w.bootstrap([statefulSet("web", 3)]);
  const old = w.store.podsByName.get("default/web-1")!;
  // The steady start's spread (seed "timeline"): web-0 and web-2 on worker-2, web-1 on worker-1.
  assert.equal(["web-0", "web-1", "web-2"].map((n) => w.store.podsByName.get(`default/${n}`)!.nodeName), ["worker-2", "worker-1", "worker-2"]);
  partition(w, faults, "worker-1");
  w.run(seconds(DELETE_AT));
  assert.not.ok(old.ready, "marked NotReady at 145");
  assert.equal(
    w.store.nodes.get("worker-1")!.taints.map((x) => `${x.effect}@${x.timeAdded / 1e6}`),
    ["NoSchedule@145", "NoExecute@145.1"],
  );
  assert.is(w.store.nodes.get("worker-1")!.taints[0].key, TAINT_UNREACHABLE);
  w.store.apply({ type: "pod/delete", uid: old.uid, gracePeriodSeconds: 0 });
  w.run(seconds(HEAL_AT - 0.1));
  // t=160: the object is gone at once, so the controller (instant) creates web-1 again at 160;
  //        worker-1 carries NoSchedule, the scheduler binds it elsewhere at 160; pull 0, container
  //        start 0.5 → Started and Ready at 160.5.
  // t=199.9: the old web-1 still runs on worker-1: its kubelet has not heard of the deletion.
  const replacement = w.store.podsByName.get("default/web-1")!;
  assert.ok(replacement.uid !== old.uid);
  assert.ok(replacement.nodeName !== "worker-1", `bound to ${replacement.nodeName}`);
  assert.ok(replacement.ready && replacement.process === "listening");
  assert.equal([...w.kubelet.orphans.values()].map((o) => `${o.name}@${o.node} since ${o.deletedAt / 1e6}`), ["web-1@worker-1 since 160"]);
  assert.equal(eventLines(w, "StatefulSet"), ["SuccessfulCreate@160 create Pod web-1 in StatefulSet web successful"]);
  w.run(seconds(HEAL_AT + 10));
  // t=200: the partition heals; the kubelet hears of the deletion and kills the old process at
  //        once (grace 0, as on a connected node): Killing at 200, and no orphan is left.
  assert.is(w.kubelet.orphans.size, 0);
  assert.equal(podEvents(w, "web-1", PARTITION_AT), [
    "NodeNotReady@145",
    "Created@160",
    "Scheduled@160",
    "Pulled@160",
    "Started@160.5",
    "Ready@160.5",
    "Killing@200",
  ]);
  const killing = w.events.withReason("Killing").at(-1)!;
  assert.is(killing.message, `Stopping container of web-1 (uid ${old.uid}): the pod was deleted from the API at 160s while worker-1 was partitioned`);
  // The new web-1 was never disturbed, and the set never had more than one pod object of web-1.
  assert.is(w.store.podsByName.get("default/web-1"), replacement);
  assert.ok(replacement.ready);
  assert.equal(eventLines(w, "StatefulSet"), ["SuccessfulCreate@160 create Pod web-1 in StatefulSet web successful"]);
  if (w.checks !== null) assert.ok(w.checks.statefulSets.orphansJudged > 0, "the identity checker judged the two processes of web-1");
});

t("StatefulSet, graceful delete: web-1 stays Terminating behind the partition, no second web-1 until the heal", () => {
  const { w, faults } = world();
  w.bootstrap([statefulSet("web", 3)]);
  const old = w.store.podsByName.get("default/web-1")!;
  partition(w, faults, "worker-1");
  w.run(seconds(DELETE_AT));
  w.store.apply({ type: "pod/delete", uid: old.uid, gracePeriodSeconds: 30 });
  w.run(seconds(HEAL_AT - 0.1));
  // t=160: deletionTimestamp = 160 + 30 = 190; the kubelet cannot see it, nobody force-deletes,
  //        so web-1 stays (Terminating, past its deadline) and the controller creates nothing.
  assert.is(w.store.podsByName.get("default/web-1"), old);
  assert.is(old.deletionTimestamp, seconds(190));
  assert.is(old.process, "listening");
  assert.is(w.kubelet.orphans.size, 0);
  assert.equal(eventLines(w, "StatefulSet"), []);
  w.run(seconds(HEAL_AT + 10));
  // t=200: healed; the kubelet posts what its probes say (Ready) and runs the deletion: SIGTERM
  //        at 200 (no preStop), the app exits 2 s later, 202, and the object is removed then.
  // t=202: the controller creates web-1 again; pull 0, start 0.5 → Started and Ready at 202.5.
  assert.equal(podEvents(w, "web-1", PARTITION_AT), [
    "NodeNotReady@145",
    "Terminating@160",
    "Ready@200",
    "Killing@200",
    "NotReady@202",
    "Deleted@202",
    "Created@202",
    "Scheduled@202",
    "Pulled@202",
    "Started@202.5",
    "Ready@202.5",
  ]);
  assert.equal(eventLines(w, "StatefulSet"), ["SuccessfulCreate@202 create Pod web-1 in StatefulSet web successful"]);
  assert.is(w.kubelet.orphans.size, 0);
});

t("Deployment, force delete: replaced at once; the old process runs until the heal and no Service request reaches it", () => {
  const { w, faults } = world();
  w.bootstrap([deployment("web", 3), service("web")]);
  const old = [...w.store.pods.values()].find((p) => p.nodeName === "worker-1")!;
  assert.equal([...w.store.pods.values()].map((p) => p.nodeName).sort(), ["worker-1", "worker-2", "worker-2"]);
  // EndpointSlice latency 0.5 s, kube-proxy minSyncPeriod 1 s and sync 0.2 s on every node,
  // 1000 req/s from clients spread evenly over the three nodes, bins of 1 s.
  const net = constantNetwork(w, { traffic: [traffic("web", 1000)] });
  net.kubeProxy.syncLog = [];
  partition(w, faults, "worker-1");
  w.run(seconds(DELETE_AT));
  w.store.apply({ type: "pod/delete", uid: old.uid, gracePeriodSeconds: 0 });
  w.run(seconds(HEAL_AT - 0.1));
  // t=160: the ReplicaSet (instant) replaces the pod at once (a force-deleted pod is not even
  //        terminating: it is gone); bound off worker-1 (NoSchedule), Ready and listening 160.5.
  const [rs] = [...w.store.replicaSets.values()];
  const fresh = [...w.store.pods.values()].find((p) => p.creationTime === seconds(DELETE_AT))!;
  assert.equal(eventLines(w, "ReplicaSet"), [`SuccessfulCreate@160 Created pod: ${fresh.name}`]);
  assert.ok(fresh.nodeName !== "worker-1" && fresh.ready && fresh.process === "listening");
  assert.is(rs.status.replicas, 3);
  assert.equal([...w.kubelet.orphans.keys()], [old.uid]);
  w.run(seconds(HEAL_AT + 10));
  assert.is(w.kubelet.orphans.size, 0);
  assert.equal(podEvents(w, old.name, PARTITION_AT), ["NodeNotReady@145", "Killing@200"]);

  // The endpoint of the old pod: not ready at 145 + 0.5 = 145.5 (node lifecycle), removed at
  // 160 + 0.5 = 160.5 (its object is gone); the healthy nodes sync 145.5 → 145.7 and
  // 160.5 → 160.7. worker-1's kube-proxy cannot see any of it until the heal: it re-lists and
  // syncs 200 → 200.2.
  const oldLines = sliceEvents(w).filter((l) => l.includes(old.name));
  assert.equal(oldLines, [
    `EndpointNotReady@145.5 ${old.name} (${old.ip}) is not ready (serving=false, terminating=false)`,
    `EndpointRemoved@160.5 ${old.name} (${old.ip}) removed`,
  ]);
  const syncs = net.kubeProxy.syncLog!.map((s) => `${s.node}:${s.start / 1e6}-${s.end / 1e6}`);
  for (const s of ["worker-2:145.5-145.7", "worker-3:145.5-145.7", "worker-2:160.5-160.7", "worker-3:160.5-160.7", "worker-1:200-200.2"]) {
    assert.ok(syncs.includes(s), `${s} in ${syncs.join(" ")}`);
  }
  for (const node of ["worker-1", "worker-2", "worker-3"]) assert.not.ok(net.programmedUsable(node, "web").includes(old.ip!), node);

  // Requests. From 145.7 the healthy nodes' rules use only the pods on worker-2 (and, once its
  // endpoint is ready, the replacement), which all answer; worker-1's own clients time out (a
  // client on a partitioned node cannot reach anything): p = 2/3 exactly in every bin of
  // [146, 200), with no request refused — none was sent to a gone or dead backend.
  const [r] = net.results();
  for (const b of binsBetween(r, 146, 200)) {
    assert.ok(Math.abs(b.reachability! - 2 / 3) < 1e-12, `bin ${b.start / 1e6}: ${b.reachability}`);
    assert.is(b.requestsFailed, 0, `bin ${b.start / 1e6}`);
  }
  // At the heal, worker-1's clients are back, but until its sync ends (200.2) its rules are the
  // ones from before the partition: 1/3 of its new connections go to the old pod's IP, and are
  // refused, because the old process was killed at 200; none is answered by it. Loss in the bin
  // [200, 201): (1/3 of clients) · (1/3 of their candidates) · 0.2 s = 0.2/9.
  const bin200 = binsBetween(r, 200, 201)[0];
  assert.ok(Math.abs(bin200.reachability! - (1 - 0.2 / 9)) < 1e-12, `reachability ${bin200.reachability}`);
  assert.is(bin200.requestsTimeout, 0);
  assert.ok(bin200.requestsFailed > 0);
  for (const b of binsBetween(r, 201, 210)) assert.equal([b.reachability, b.requestsFailed, b.requestsTimeout], [1, 0, 0], `bin ${b.start / 1e6}`);
});

t.run();
