import { suite } from "uvu";
import * as assert from "uvu/assert";
import { countHealthyPods, DisruptionController, disruptionsAllowed, expectedPodCount } from "../../sim/controllers/disruption.ts";
import { seconds } from "../../sim/core/time.ts";
import type { Manifest } from "../../sim/model/from-manifest.ts";
import type { Pod } from "../../sim/model/objects.ts";
import { makePod } from "../support/kubelet-world.ts";
import { deployment, nodes, testWorld } from "../support/world.ts";

const t = suite("PodDisruptionBudget status and the eviction subresource (disruption.go, eviction.go)");

const pods = (n: number, fields: Partial<Pod> = {}): Pod[] => Array.from({ length: n }, (_, i) => ({ ...makePod(`p${i}`), ready: true, ...fields }));

t("expectedPodCount table (getExpectedPodCount): percents against the controllers' replicas, rounded up", () => {
  const three = pods(3);
  const deploymentOf4 = () => ({ uid: "d", replicas: 4 });
  const rows: [string, number | string | null, number | string | null, (p: Pod) => { uid: string; replicas: number } | null, unknown][] = [
    ["maxUnavailable 1 of a Deployment of 4", null, 1, deploymentOf4, { expectedCount: 4, desiredHealthy: 3 }],
    ["maxUnavailable 25% of 4 → 1", null, "25%", deploymentOf4, { expectedCount: 4, desiredHealthy: 3 }],
    ["maxUnavailable 30% of 4 → ceil(1.2) = 2", null, "30%", deploymentOf4, { expectedCount: 4, desiredHealthy: 2 }],
    ["maxUnavailable 10 of 4 → desired 0, not negative", null, 10, deploymentOf4, { expectedCount: 4, desiredHealthy: 0 }],
    ["minAvailable 2: expected = the pods found", 2, null, deploymentOf4, { expectedCount: 3, desiredHealthy: 2 }],
    ["minAvailable 50% of 4 → 2", "50%", null, deploymentOf4, { expectedCount: 4, desiredHealthy: 2 }],
    ["minAvailable 50% of 3 → ceil(1.5) = 2", "50%", null, () => ({ uid: "d", replicas: 3 }), { expectedCount: 3, desiredHealthy: 2 }],
    ["two controllers add up", null, 1, (p) => ({ uid: p.name === "p0" ? "a" : "b", replicas: p.name === "p0" ? 2 : 5 }), { expectedCount: 7, desiredHealthy: 6 }],
    ["unmanaged pods count for nothing", "100%", null, () => null, { expectedCount: 0, desiredHealthy: 0 }],
  ];
  for (const [name, minAvailable, maxUnavailable, scaleOf, expected] of rows) {
    assert.equal(expectedPodCount({ minAvailable, maxUnavailable }, three, scaleOf), expected, name);
  }
  assert.throws(() => expectedPodCount({ minAvailable: "5", maxUnavailable: null }, three, deploymentOf4), /percentage/);
});

t("countHealthyPods: Ready, not terminating, not evicted in the last 2 minutes; disruptionsAllowed ≥ 0", () => {
  const ps = pods(4);
  ps[1].ready = false;
  ps[2].deletionTimestamp = seconds(30);
  const disrupted = new Map([["p3", seconds(100)]]);
  assert.is(countHealthyPods(ps, disrupted, seconds(219.9)), 1);
  assert.is(countHealthyPods(ps, disrupted, seconds(220)), 2, "DeletionTimeout passed: the pod counts again");
  assert.is(disruptionsAllowed(3, 2, 3), 1);
  assert.is(disruptionsAllowed(1, 2, 3), 0);
  assert.is(disruptionsAllowed(3, 0, 0), 0, "nothing expected: no disruption");
});

const pdb = (name: string, spec: Record<string, unknown>): Manifest => ({ kind: "PodDisruptionBudget", metadata: { name }, spec: { selector: { matchLabels: { app: "web" } }, ...spec } });

function budgetWorld(manifests: Manifest[]) {
  const w = testWorld({ nodes: nodes(3) });
  const disruption = new DisruptionController(w.ctx);
  w.bootstrap([deployment("web", 3), ...manifests]);
  const web = [...w.store.pods.values()];
  return { w, disruption, web };
}

t("maxUnavailable 1 on 3 replicas: the first eviction passes, the second is refused with 429 until a replacement is Ready", () => {
  const { w, disruption, web } = budgetWorld([pdb("web", { maxUnavailable: 1 })]);
  assert.equal(disruption.status("web"), { expectedPods: 3, desiredHealthy: 2, currentHealthy: 3, disruptionsAllowed: 1, disruptedPods: new Map() });
  assert.equal(disruption.evict(web[0].uid), { allowed: true });
  assert.is(web[0].deletionTimestamp, seconds(30), "graceful, with the pod's 30 s");
  assert.equal(disruption.evict(web[1].uid), {
    allowed: false,
    code: 429,
    message: "Cannot evict pod as it would violate the pod's disruption budget.",
    cause: "The disruption budget web needs 2 healthy pods and has 3 currently",
  });
  // The replacement: created at 0 s, image cached on its node or pulled in 2 s, started 0.5 s later.
  w.run(seconds(3));
  assert.is(disruption.status("web")!.currentHealthy, 3);
  assert.equal(disruption.evict(web[1].uid), { allowed: true });
  assert.equal(
    w.events.events.filter((e) => e.reason === "Evicted").map((e) => `${e.name}@${e.time / 1e6}`),
    [`${web[0].name}@0`, `${web[1].name}@3`],
  );
});

t("pods that can be evicted without the budget: terminating, Pending; and an unready pod when the budget is met", () => {
  const { w, disruption, web } = budgetWorld([pdb("web", { minAvailable: 2 })]);
  // Budget 3 healthy − 2 = 1. Make web[2] not Ready: 2 healthy, 0 allowed.
  w.store.apply({ type: "pod/status", uid: web[2].uid, status: { ready: false } });
  w.run(seconds(0.1));
  assert.is(disruption.status("web")!.disruptionsAllowed, 0);
  assert.is(disruption.evict(web[0].uid).allowed, false);
  // Not Ready, and currentHealthy (2) ≥ desiredHealthy (2): deleted without spending anything.
  assert.equal(disruption.evict(web[2].uid), { allowed: true });
  // Already terminating: no budget needed (a second eviction can only shorten the grace).
  assert.equal(disruption.evict(web[2].uid), { allowed: true });
  const pending = { ...makePod("pending"), labels: { app: "web" } };
  w.store.apply({ type: "pod/create", pod: pending });
  assert.equal(disruption.evict(pending.uid), { allowed: true });
  assert.not.ok(w.store.pods.has(pending.uid), "a Pending pod without a node is removed at once");
  assert.equal(disruption.evict("no-such-uid"), { allowed: false, code: 404, message: 'pods "no-such-uid" not found' });
});

t("no budget → allowed; two budgets → 500; a budget not yet synced → 429 'still being processed'", () => {
  const none = budgetWorld([]);
  assert.equal(none.disruption.evict(none.web[0].uid), { allowed: true });

  const two = budgetWorld([pdb("a", { maxUnavailable: 1 }), pdb("b", { maxUnavailable: 1 })]);
  assert.equal(two.disruption.evict(two.web[0].uid), {
    allowed: false,
    code: 500,
    message: "This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.",
  });

  const fresh = budgetWorld([]);
  fresh.w.create(pdb("web", { maxUnavailable: 1 }));
  assert.equal(fresh.disruption.evict(fresh.web[0].uid), {
    allowed: false,
    code: 429,
    message: "Cannot evict pod as it would violate the pod's disruption budget.",
    cause: "The disruption budget web is still being processed by the server.",
  });
  fresh.w.run(0);
  assert.equal(fresh.disruption.evict(fresh.web[0].uid), { allowed: true });
});

t("an empty selector: status counts every pod of the namespace, but evictions (and pod events) ignore the budget", () => {
  const { w, disruption, web } = budgetWorld([]);
  w.create({ kind: "PodDisruptionBudget", metadata: { name: "all" }, spec: { minAvailable: 3, selector: {} } });
  w.run(0);
  assert.equal(disruption.status("all")!.currentHealthy, 3);
  assert.equal(disruption.status("all")!.disruptionsAllowed, 0);
  assert.equal(disruption.evict(web[0].uid), { allowed: true });
  w.run(seconds(1));
  assert.equal(disruption.status("all")!.currentHealthy, 3, "not resynced: pod events only reach budgets that select them");
});

t.run();
