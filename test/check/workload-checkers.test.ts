// The workload checkers (sim/check): each one fires on a hand-built violating state and stays
// silent on a valid run. Violations are made by applying store changes directly, as a buggy
// controller would.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { InvariantViolation } from "../../sim/check/invariants.ts";
import { FaultSignal } from "../../sim/check/fault-signal.ts";
import { NetworkInvariants } from "../../sim/check/network.ts";
import { StatefulSetOrdering } from "../../sim/check/statefulset.ts";
import { checkRequestAccounting } from "../../sim/check/traffic.ts";
import { ConstantDistribution } from "../../sim/core/distributions.ts";
import { seconds } from "../../sim/core/time.ts";
import { World } from "../../sim/engine/world.ts";
import type { OrphanedProcess } from "../../sim/kubelet/kubelet.ts";
import type { Manifest } from "../../sim/model/from-manifest.ts";
import type { Pod } from "../../sim/model/objects.ts";
import type { ServiceTrafficResult } from "../../sim/network/traffic.ts";
import { constant, deployment, nodes, setImage, statefulSet, testWorld } from "../support/world.ts";
import { instantTiming } from "../../sim/engine/world.ts";

const t = suite("workload checkers: rolling-update bounds, StatefulSet order and identity, endpoints, request accounting");

function checkedWorld(): World {
  const w = testWorld({ nodes: nodes(2) });
  assert.ok(w.checks, "the test runner turns the checkers on");
  return w;
}

/** Runs `action` as an event at `at` and returns the violation it caused, if any. */
function violationOf(w: World, at: number, action: () => void): string | null {
  w.sim.at(at, action);
  try {
    w.run(at + seconds(1));
    return null;
  } catch (error) {
    assert.instance(error, InvariantViolation);
    return (error as Error).message;
  }
}

// ---- rolling update -------------------------------------------------------------------------

const rollingCases: { name: string; corrupt: (w: World) => void; expect: RegExp }[] = [
  {
    name: "ReplicaSets asking for more than replicas + maxSurge",
    corrupt: (w) => {
      const rs = [...w.store.replicaSets.values()][0];
      rs.spec = { ...rs.spec, replicas: rs.spec.replicas + 2 };
      w.store.apply({ type: "workload/put", object: rs });
    },
    expect: /ReplicaSets ask for 6 pods > replicas \+ maxSurge = 5/,
  },
  {
    name: "a ReplicaSet scaled down below minAvailable (old pods deleted without new ones available)",
    corrupt: (w) => {
      const rs = [...w.store.replicaSets.values()][0];
      rs.spec = { ...rs.spec, replicas: 2 };
      w.store.apply({ type: "workload/put", object: rs });
    },
    expect: /2 pods available < replicas − maxUnavailable = 3/,
  },
];

for (const c of rollingCases) {
  t(`rolling update: fires on ${c.name}`, () => {
    const w = checkedWorld();
    w.bootstrap([deployment("web", 4, { strategy: { rollingUpdate: { maxSurge: 1, maxUnavailable: 1 } } })]);
    w.run(seconds(1));
    assert.ok(w.checks!.rollingUpdates.status("web")?.armed);
    const message = violationOf(w, seconds(2), () => c.corrupt(w));
    assert.ok(message !== null, "expected a violation");
    assert.match(message!, c.expect);
  });
}

t("rolling update: a ReplicaSet creating above its spec is reported at the creation", () => {
  const w = checkedWorld();
  w.bootstrap([deployment("web", 2)]);
  const rs = [...w.store.replicaSets.values()][0];
  const template = [...w.store.pods.values()][0];
  const message = violationOf(w, seconds(1), () =>
    w.store.apply({ type: "pod/create", pod: { ...template, uid: "extra", name: "web-extra", nodeName: null, ready: false, ip: null, phase: "Pending" } }),
  );
  assert.match(message ?? "", new RegExp(`ReplicaSet ${rs.name} created pod web-extra, giving it 3 active pods for spec.replicas 2`));
});

t("rolling update: silent through a whole rollout, and it did judge", () => {
  const w = checkedWorld();
  w.bootstrap([deployment("web", 10, { strategy: { rollingUpdate: { maxSurge: 3, maxUnavailable: 2 } } })]);
  w.run(seconds(5));
  setImage(w, "web", "web:v2");
  w.run(seconds(300));
  assert.is(w.store.deployments.get("web")!.status.updatedReplicas, 10);
  assert.ok(w.checks!.rollingUpdates.judged > 10);
});

t("rolling update: a pod-kill stands the Deployment down instead of firing", () => {
  const w = checkedWorld();
  w.bootstrap([deployment("web", 4, { strategy: { rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } } })]);
  w.run(seconds(1));
  const pod = [...w.store.pods.values()][0];
  w.store.apply({ type: "pod/delete", uid: pod.uid, gracePeriodSeconds: 30 });
  assert.match(w.checks!.rollingUpdates.status("web")!.standDown, /deleted by someone other than its ReplicaSet/);
  w.run(seconds(120));
  assert.ok(w.checks!.rollingUpdates.status("web")!.armed, "re-armed once fully available again");
});

t("rolling update: a scale is skipped until the new size settles", () => {
  const w = checkedWorld();
  w.bootstrap([deployment("web", 4)]);
  w.run(seconds(1));
  const d = w.store.deployments.get("web")!;
  d.spec = { ...d.spec, replicas: 8 };
  d.generation++;
  w.store.apply({ type: "workload/put", object: d });
  assert.match(w.checks!.rollingUpdates.status("web")!.standDown, /replicas, strategy or minReadySeconds changed/);
  w.run(seconds(120));
  assert.ok(w.checks!.rollingUpdates.status("web")!.armed);
});

// ---- StatefulSets ---------------------------------------------------------------------------

t("StatefulSet: OrderedReady creation of ordinal 2 while ordinal 1 is not Ready fires", () => {
  const w = checkedWorld();
  w.bootstrap([statefulSet("db", 3)]);
  const set = w.store.statefulSets.get("db")!;
  const p2 = w.store.podsByName.get("default/db-2")!;
  const p1 = w.store.podsByName.get("default/db-1")!;
  const message = violationOf(w, seconds(1), () => {
    w.store.apply({ type: "pod/status", uid: p1.uid, status: { ready: false } });
    w.store.apply({ type: "pod/remove", uid: p2.uid });
    w.store.apply({ type: "pod/create", pod: { ...p2, uid: "again", nodeName: null, ready: false, phase: "Pending", ip: null, containersRunning: false } });
  });
  assert.match(message ?? "", /StatefulSet db \(OrderedReady\) created db-2 while db-1 is not Running and Ready/);
  assert.ok(set);
});

t("StatefulSet: scaling down a lower ordinal first fires", () => {
  const w = checkedWorld();
  w.bootstrap([statefulSet("db", 3)]);
  const set = w.store.statefulSets.get("db")!;
  set.spec = { ...set.spec, replicas: 1 };
  const p1 = w.store.podsByName.get("default/db-1")!;
  const message = violationOf(w, seconds(1), () => w.store.apply({ type: "pod/delete", uid: p1.uid, gracePeriodSeconds: 10 }));
  assert.match(message ?? "", /scaled down db-1 while db-2 \(a higher ordinal\) still exists/);
});

t("StatefulSet: ordered scale-up and scale-down run silent, and were judged", () => {
  const w = checkedWorld();
  w.create(statefulSet("db", 3));
  w.run(seconds(60));
  const set = w.store.statefulSets.get("db")!;
  set.spec = { ...set.spec, replicas: 1 };
  set.generation++;
  w.store.apply({ type: "workload/put", object: set });
  w.run(seconds(120));
  assert.is(w.store.pods.size, 1);
  assert.ok(w.checks!.statefulSets.judged >= 5, `judged ${w.checks!.statefulSets.judged}`);
});

// ---- StatefulSet identity: processes that outlive their pod objects ---------------------------

function partitioned(w: World, node: string, cut: boolean): void {
  w.store.apply({ type: "node/update", name: node, patch: { reachable: !cut } });
}

t("StatefulSet identity: web-1 force-deleted behind a partition runs twice until the heal: silent, and judged", () => {
  const w = testWorld({ nodes: nodes(3) });
  assert.ok(w.checks, "the test runner turns the checkers on");
  w.bootstrap([statefulSet("web", 3)]);
  const old = w.store.podsByName.get("default/web-1")!;
  const node = old.nodeName!;
  w.sim.at(seconds(10), () => partitioned(w, node, true));
  // The operator cordons the node so that the replacement goes elsewhere, then force-deletes.
  w.sim.at(seconds(20), () => {
    w.store.apply({ type: "node/update", name: node, patch: { unschedulable: true } });
    w.store.apply({ type: "pod/delete", uid: old.uid, gracePeriodSeconds: 0 });
  });
  w.run(seconds(40));
  const replacement = w.store.podsByName.get("default/web-1")!;
  assert.ok(replacement.uid !== old.uid && replacement.ready && replacement.nodeName !== node);
  assert.equal([...w.kubelet.orphans.keys()], [old.uid], "two processes of web-1: the new pod's and the orphan");
  w.sim.at(seconds(50), () => partitioned(w, node, false));
  w.run(seconds(60));
  assert.is(w.kubelet.orphans.size, 0);
  assert.ok(w.checks!.statefulSets.orphansJudged > 0, `judged ${w.checks!.statefulSets.orphansJudged}`);
});

/** A checker fed a hand-built list of orphans instead of the kubelet's (illegal duplicates). */
function handBuiltOrphans() {
  const w = checkedWorld();
  w.bootstrap([statefulSet("web", 3)]);
  const orphans = new Map<string, OrphanedProcess>();
  const checker = new StatefulSetOrdering(w.store, new FaultSignal(w.store), () => w.sim.now, { orphans });
  const web1 = w.store.podsByName.get("default/web-1")!;
  const orphanOf = (pod: Pod): OrphanedProcess => ({ uid: pod.uid, name: pod.name, namespace: pod.namespace, owner: pod.owner, node: pod.nodeName!, deletedAt: w.sim.now });
  const judge = (): string | null => {
    try {
      checker.afterEvent(w.sim.now);
      return null;
    } catch (error) {
      assert.instance(error, InvariantViolation);
      return (error as Error).message;
    }
  };
  return { w, orphans, web1, node: web1.nodeName!, orphanOf, judge };
}

t("StatefulSet identity: fires on a process left running by a pod deleted while its node was connected", () => {
  const { w, orphans, web1, node, orphanOf, judge } = handBuiltOrphans();
  w.store.apply({ type: "pod/delete", uid: web1.uid, gracePeriodSeconds: 0 });
  orphans.set(web1.uid, orphanOf(web1));
  assert.match(judge() ?? "", new RegExp(`web-1 \\(${web1.uid}\\) still runs .* but its pod was deleted while ${node} could reach the API`));
});

t("StatefulSet identity: allows the orphan of a force delete behind a partition, fires once the node reconnects", () => {
  const { w, orphans, web1, node, orphanOf, judge } = handBuiltOrphans();
  partitioned(w, node, true);
  w.store.apply({ type: "pod/delete", uid: web1.uid, gracePeriodSeconds: 0 });
  orphans.set(web1.uid, orphanOf(web1));
  assert.is(judge(), null);
  partitioned(w, node, false);
  assert.match(judge() ?? "", new RegExp(`but ${node} reaches the API again`));
});

t("StatefulSet identity: fires on an orphan whose node's kubelet is down", () => {
  const { w, orphans, web1, node, orphanOf, judge } = handBuiltOrphans();
  partitioned(w, node, true);
  w.store.apply({ type: "pod/delete", uid: web1.uid, gracePeriodSeconds: 0 });
  orphans.set(web1.uid, orphanOf(web1));
  assert.is(judge(), null);
  w.store.apply({ type: "node/update", name: node, patch: { kubeletUp: false } });
  assert.match(judge() ?? "", new RegExp(`but the kubelet of ${node} is down`));
});

// ---- network --------------------------------------------------------------------------------

function networkWorld(): World {
  return new World(networkConfig());
}

function networkConfig(): ConstructorParameters<typeof World>[0] {
  return {
    seed: "net",
    replication: 0,
    nodes: nodes(2),
    timing: instantTiming({ imagePull: constant(1), containerStart: constant(0.5) }),
    appFor: () => ({ startup: constant(1), shutdown: constant(1), crash: null, ready: true, preStop: null }),
    network: {
      endpointSliceLatency: new ConstantDistribution(seconds(0.1)),
      kubeProxySync: { minSyncPeriod: seconds(1), latency: new ConstantDistribution(seconds(0.2)) },
      traffic: [],
      bin: seconds(1),
    } as never,
    checkInvariants: true,
  };
}

const service: Manifest = { kind: "Service", metadata: { name: "web" }, spec: { selector: { app: "web" }, ports: [{ port: 80 }] } };

t("network: a rollout writes slices of existing pods only (silent), and the checker looked", () => {
  const w = networkWorld();
  w.bootstrap([deployment("web", 3), service]);
  w.run(seconds(1));
  setImage(w, "web", "web:v2");
  w.run(seconds(120));
  assert.ok(w.checks!.network.judged > 0);
});

t("network: a slice write listing a pod that no longer exists fires", () => {
  const w = new World({ ...networkConfig(), checkInvariants: false });
  w.bootstrap([deployment("web", 3), service]);
  const checker = new NetworkInvariants(w.store, () => w.network);
  checker.afterEvent(0);
  const [gone, other] = [...w.store.pods.values()];
  // A store that lost a pod without telling anyone: the EndpointSlice controller still has it.
  w.store.pods.delete(gone.uid);
  w.sim.at(seconds(1), () => w.store.apply({ type: "pod/status", uid: other.uid, status: { ready: false } }));
  w.run(seconds(2));
  assert.throws(() => checker.afterEvent(seconds(2)), new RegExp(`lists ${gone.name} at ${gone.ip!.replaceAll(".", "\\.")}, but no such pod exists`));
});

// ---- request accounting ---------------------------------------------------------------------

function result(overrides: Partial<ServiceTrafficResult> = {}): ServiceTrafficResult {
  return {
    service: "web",
    requestsTotal: 10,
    ok: 7,
    failed: 2,
    timeout: 1,
    availability: 0.7,
    reachability: 1,
    unreachableSeconds: 0,
    bins: [
      { start: 0, requestsOk: 4, requestsFailed: 2, requestsTimeout: 0, reachability: 1, unreachableSeconds: 0, endpointsReady: 1, endpointsReadyMin: 1, endpointsProgrammedMin: 1 },
      { start: 1e6, requestsOk: 3, requestsFailed: 0, requestsTimeout: 1, reachability: 1, unreachableSeconds: 0, endpointsReady: 1, endpointsReadyMin: 1, endpointsProgrammedMin: 1 },
    ],
    ...overrides,
  };
}

const accounting: { name: string; result: ServiceTrafficResult; expect: RegExp | null }[] = [
  { name: "consistent totals and bins", result: result(), expect: null },
  { name: "total ≠ ok + failed + timeout", result: result({ requestsTotal: 11 }), expect: /ok 7 \+ failed 2 \+ timeout 1 ≠ total 11/ },
  { name: "bins that do not sum to the run", result: result({ ok: 8, requestsTotal: 11 }), expect: /bins sum to ok 7, failed 2, timeout 1; the run counts ok 8/ },
  { name: "a fractional count", result: result({ ok: 6.5, failed: 2.5 }), expect: /ok = 6.5 is not a whole count/ },
];

for (const c of accounting) {
  t(`request accounting: ${c.name}`, () => {
    if (c.expect === null) checkRequestAccounting([c.result], 0);
    else assert.throws(() => checkRequestAccounting([c.result], 0), c.expect);
  });
}

t.run();
