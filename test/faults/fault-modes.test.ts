import { suite } from "uvu";
import * as assert from "uvu/assert";
import { RandomStreams } from "../../sim/core/rng.ts";
import { seconds } from "../../sim/core/time.ts";
import type { NodeSpec, World } from "../../sim/engine/world.ts";
import { type FaultContext, injectFault } from "../../sim/faults/inject.ts";
import { Fault, type FaultOptions } from "../../sim/faults/options.ts";
import { selectTargets, targetCount } from "../../sim/faults/select.ts";
import { deployment, testWorld } from "../support/world.ts";

const t = suite("Fault modes and selectors: how many targets, which ones, deterministically per seed");

// Six workers spread round-robin over zones a, b, c, and two infra nodes (zone a, label role=infra).
const cluster: NodeSpec[] = [
  ...Array.from({ length: 6 }, (_, i) => ({
    name: `worker-${i + 1}`,
    pool: "worker",
    zone: "abc"[i % 3],
    allocatable: { cpuMilli: 4000, memoryBytes: 16 * 2 ** 30, pods: 110 },
  })),
  ...[1, 2].map((i) => ({ name: `infra-${i}`, pool: "infra", zone: "a", labels: { role: "infra" }, allocatable: { cpuMilli: 4000, memoryBytes: 16 * 2 ** 30, pods: 110 } })),
];

function faultWorld(seed?: string): { w: World; ctx: FaultContext } {
  const w = testWorld({ nodes: cluster });
  const streams = seed === undefined ? w.streams : new RandomStreams(seed, 0);
  const ctx: FaultContext = { sim: w.sim, store: w.store, streams, events: w.events, kubelet: w.kubelet, eviction: w.disruption };
  return { w, ctx };
}

const down = (w: World) => [...w.store.nodes.values()].filter((n) => !n.kubeletUp).map((n) => n.name);
const fail = (mode: FaultOptions["mode"], value: number | undefined, selector: FaultOptions["selector"] = {}) =>
  new Fault({ action: "node-failure", mode, value, selector }, "f");

t("targetCount: one, all, fixed N (at most n), fixed-percent P → ceil(n·P/100)", () => {
  const rows: [FaultOptions["mode"], number | undefined, number, number][] = [
    ["one", undefined, 8, 1],
    ["one", undefined, 0, 0],
    ["all", undefined, 8, 8],
    ["fixed", 3, 8, 3],
    ["fixed", 10, 8, 8],
    ["fixed-percent", 50, 8, 4],
    ["fixed-percent", 50, 5, 3], // 2.5 → 3
    ["fixed-percent", 10, 8, 1], // 0.8 → at least one
    ["fixed-percent", 100, 8, 8],
    ["fixed-percent", 1, 0, 0],
  ];
  for (const [mode, value, n, expected] of rows) assert.is(targetCount(mode!, value, n), expected, `${mode} ${value} of ${n}`);
});

t("each mode hits the right number of nodes, the same ones for the same seed", () => {
  const cases: [FaultOptions["mode"], number | undefined, string[]][] = [
    // Candidates in name order: infra-1, infra-2, worker-1 … worker-6; picks from stream faults/f.
    ["one", undefined, ["worker-1"]],
    ["all", undefined, ["infra-1", "infra-2", "worker-1", "worker-2", "worker-3", "worker-4", "worker-5", "worker-6"]],
    ["fixed", 3, ["infra-2", "worker-1", "worker-4"]],
    ["fixed-percent", 50, ["infra-2", "worker-1", "worker-4", "worker-5"]],
    ["fixed-percent", 10, ["worker-1"]],
  ];
  for (const [mode, value, expected] of cases) {
    for (let run = 0; run < 2; run++) {
      const { w, ctx } = faultWorld();
      w.bootstrap([]);
      assert.equal(injectFault(ctx, fail(mode, value), 0), expected, `${mode} ${value}`);
      assert.equal(down(w).sort(), [...expected].sort());
    }
  }
  // Another seed picks differently (but as many).
  const { w, ctx } = faultWorld("another");
  w.bootstrap([]);
  const other = injectFault(ctx, fail("fixed", 3), 0);
  assert.is(other.length, 3);
  assert.not.equal(other, ["infra-2", "worker-1", "worker-4"]);
});

t("selectTargets: a partial shuffle, one draw per pick, results in candidate order", () => {
  const draws: number[] = [];
  const int = (n: number) => {
    draws.push(n);
    return n - 1;
  };
  const rng = { int } as never;
  // Always the last remaining index: swap 0↔3 → d b c a, then 1↔3 → d a c b; picks d, a.
  assert.equal(selectTargets(["a", "b", "c", "d"], "fixed", 2, rng), ["a", "d"]);
  assert.equal(draws, [4, 3]);
  assert.equal(selectTargets(["a", "b"], "all", undefined, rng), ["a", "b"]);
  assert.equal(draws.length, 2, "all draws nothing");
});

t("node selectors: node, pool, zone, labels, name (ANDed)", () => {
  const { w, ctx } = faultWorld();
  w.bootstrap([]);
  const hit = (selector: FaultOptions["selector"]) => injectFault(ctx, new Fault({ action: "network-partition", mode: "all", selector }, JSON.stringify(selector)), 0);
  assert.equal(hit({ zone: "b" }), ["worker-2", "worker-5"]);
  assert.equal(hit({ pool: "infra" }), ["infra-1", "infra-2"]);
  assert.equal(hit({ labels: { role: "infra" }, zone: "a" }), ["infra-1", "infra-2"]);
  assert.equal(hit({ pool: "worker", zone: "a" }), ["worker-1", "worker-4"]);
  assert.equal(hit({ node: "worker-3" }), ["worker-3"]);
  assert.equal(hit({ name: "worker-6" }), ["worker-6"]);
  assert.equal(hit({ zone: "z" }), []);
  assert.equal(w.events.events.at(-1)!.message, "network-partition (all) on no target (nothing matched the selector)");
});

t("pod faults: selectors through the pod's node; pod-kill graceful or forced; pod-failure restarts", () => {
  const { w, ctx } = faultWorld();
  w.bootstrap([deployment("web", 6), deployment("db", 2)]);
  const zoneB = [...w.store.pods.values()].filter((p) => p.labels.app === "web" && (p.nodeName === "worker-2" || p.nodeName === "worker-5"));
  const killed = injectFault(ctx, new Fault({ action: "pod-kill", mode: "all", selector: { labels: { app: "web" }, zone: "b" } }, "kill-b"), 0);
  assert.equal(killed, zoneB.map((p) => p.name).sort());
  assert.ok(zoneB.every((p) => p.deletionTimestamp === seconds(30)), "graceful with the pod's own 30 s");
  // Terminating pods are no candidates any more.
  assert.equal(injectFault(ctx, new Fault({ action: "pod-kill", mode: "all", selector: { labels: { app: "web" }, zone: "b" } }, "again"), 0), []);

  const db = [...w.store.pods.values()].filter((p) => p.labels.app === "db");
  assert.equal(injectFault(ctx, new Fault({ action: "pod-kill", mode: "fixed", value: 1, selector: { labels: { app: "db" } }, gracePeriod: 0 }, "kill-db"), 0).length, 1);
  assert.is(db.filter((p) => w.store.pods.has(p.uid)).length, 1, "gracePeriod 0: removed at once");

  const web = [...w.store.pods.values()].find((p) => p.labels.app === "web" && p.deletionTimestamp === null)!;
  injectFault(ctx, new Fault({ action: "pod-failure", selector: { name: web.name } }, "crash"), 0);
  assert.not.ok(web.containersRunning);
  w.run(seconds(20));
  // CrashLoopBackOff's first restart after 10 s, start 0.5 s: running again with one restart.
  assert.is(web.restartCount, 1);
  assert.ok(web.ready);
});

t.run();
