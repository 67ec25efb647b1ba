import fc from "fast-check";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { seconds } from "../../sim/core/time.ts";
import { type FaultContext, type ScheduledFault, scheduleFaults } from "../../sim/faults/inject.ts";
import { FAULT_ACTIONS, Fault, type FaultOptions } from "../../sim/faults/options.ts";
import { deployment, testWorld } from "../support/world.ts";

const t = suite("Random fault timelines on a small cluster keep the cluster consistent and never throw");

// Three nodes of 1 CPU in two zones; web (5 × 300m, PDB maxUnavailable 1) and db (2 × 200m):
// 2.1 of 3 CPUs, so losing a node leaves the scheduler short and it must say no, not overcommit.
// No progress deadline (MaxInt32): a Deployment left unavailable by a fault is otherwise requeued
// every 5 ms by the Deployment controller's stuck-rollout check, which costs seconds per run and
// is not what this test is about.
const NO_DEADLINE = { progressDeadlineSeconds: 2147483647 };
const cluster = [1, 2, 3].map((i) => ({
  name: `worker-${i}`,
  pool: "worker",
  zone: i === 3 ? "b" : "a",
  allocatable: { cpuMilli: 1000, memoryBytes: 4 * 2 ** 30, pods: 110 },
}));

const selectorArb: fc.Arbitrary<FaultOptions["selector"]> = fc.oneof(
  fc.constant({}),
  fc.constantFrom(...cluster.map((n) => ({ node: n.name }))),
  fc.constantFrom({ zone: "a" }, { zone: "b" }, { labels: { app: "web" } }, { labels: { app: "db" } }, { pool: "worker" }),
);

const faultArb = fc
  .record({
    at: fc.integer({ min: 0, max: 600 }),
    action: fc.constantFrom(...FAULT_ACTIONS),
    mode: fc.constantFrom("one", "all", "fixed", "fixed-percent"),
    n: fc.integer({ min: 1, max: 4 }),
    percent: fc.integer({ min: 1, max: 100 }),
    selector: selectorArb,
    duration: fc.option(fc.integer({ min: 1, max: 400 }), { nil: undefined }),
    grace: fc.option(fc.integer({ min: 0, max: 40 }), { nil: undefined }),
  })
  .map((r) => {
    const podAction = r.action === "pod-kill" || r.action === "pod-failure";
    const selector = podAction ? r.selector : { ...r.selector, labels: undefined };
    const options: FaultOptions = {
      action: r.action,
      mode: r.mode as FaultOptions["mode"],
      value: r.mode === "fixed" ? r.n : r.mode === "fixed-percent" ? r.percent : undefined,
      selector,
      duration: podAction || r.duration === undefined ? undefined : seconds(r.duration),
      gracePeriod: (r.action === "pod-kill" || r.action === "node-drain") && r.grace !== undefined ? seconds(r.grace) : undefined,
    };
    return { at: r.at, options };
  });

function runTimeline(faults: { at: number; options: FaultOptions }[]): string[] {
  const w = testWorld({ nodes: cluster });
  w.nodeLifecycle;
  w.taintEviction;
  w.podGC;
  const disruption = w.disruption;
  const violations: string[] = [];
  const boundTo = new Map<string, string>();
  // Checked on every change of the store, where every binding and every resource count changes.
  w.store.watch((change) => {
    if (change.kind === "Pod" && change.object.nodeName !== null) {
      const first = boundTo.get(change.object.uid);
      if (first === undefined) boundTo.set(change.object.uid, change.object.nodeName);
      else if (first !== change.object.nodeName) violations.push(`${change.object.name} bound to ${first} and ${change.object.nodeName}`);
    }
    for (const node of w.store.nodes.values()) {
      const r = node.requested;
      const a = node.allocatable;
      if (r.cpuMilli > a.cpuMilli || r.memoryBytes > a.memoryBytes || r.pods > a.pods) {
        violations.push(`t=${w.sim.now / 1e6}: ${node.name} over capacity (${r.cpuMilli}m of ${a.cpuMilli}m)`);
      }
    }
  });
  w.bootstrap([
    deployment("web", 5, NO_DEADLINE, { resources: { requests: { cpu: "300m", memory: "128Mi" } } }),
    deployment("db", 2, NO_DEADLINE, { resources: { requests: { cpu: "200m", memory: "128Mi" } } }),
    { kind: "PodDisruptionBudget", metadata: { name: "web" }, spec: { maxUnavailable: 1, selector: { matchLabels: { app: "web" } } } },
  ]);
  const ctx: FaultContext = { sim: w.sim, store: w.store, streams: w.streams, events: w.events, kubelet: w.kubelet, eviction: disruption };
  const entries: ScheduledFault[] = faults.map((f, i) => ({ at: seconds(f.at), fault: new Fault(f.options, `f${i}`) }));
  scheduleFaults(ctx, entries);
  w.run(seconds(900));
  // Requested resources must be exactly the sum over the pods bound to each node.
  for (const node of w.store.nodes.values()) {
    let cpu = 0;
    let pods = 0;
    for (const p of w.store.pods.values()) {
      if (p.nodeName !== node.name) continue;
      pods++;
      for (const c of p.spec.containers) cpu += c.requests.cpuMilli;
    }
    if (cpu !== node.requested.cpuMilli || pods !== node.requested.pods) violations.push(`${node.name}: requested ${node.requested.cpuMilli}m/${node.requested.pods} but pods sum to ${cpu}m/${pods}`);
  }
  return violations;
}

t("no node over capacity, no pod on two nodes, no exception, for any fault timeline", () => {
  fc.assert(
    fc.property(fc.array(faultArb, { minLength: 1, maxLength: 6 }), (faults) => {
      assert.equal(runTimeline(faults), []);
    }),
    { numRuns: 50 },
  );
});

t("a hand-picked nasty timeline: every node fails while a drain is blocked by the budget", () => {
  assert.equal(
    runTimeline([
      { at: 10, options: { action: "node-drain", mode: "all", selector: { zone: "a" } } },
      { at: 20, options: { action: "node-failure", mode: "all", selector: {}, duration: seconds(300) } },
      { at: 30, options: { action: "pod-kill", mode: "all", selector: {}, gracePeriod: 0 } },
      { at: 400, options: { action: "network-partition", mode: "one", selector: {}, duration: seconds(200) } },
    ]),
    [],
  );
});

t.run();
