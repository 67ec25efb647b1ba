import { suite } from "uvu";
import * as assert from "uvu/assert";
import { schedulePod, totalScores } from "../../sim/scheduler/schedule.ts";
import type { SchedNode } from "../../sim/scheduler/types.ts";
import { EMPTY_COUNTER, GiB, MiB, makeNode, makePod, scriptedRng, ZoneListCounter } from "./fixtures.ts";

const t = suite("schedulePod: round-robin filtering from the start index, weighted scores, one cycle");

const loaded = { cpuMilli: 3000, memoryBytes: 6 * GiB, pods: 10 };

t("hand-computed totals over all four plugins pick n2 (a PreferNoSchedule taint outweighs free capacity)", () => {
  const web = { matchLabels: { app: "web" } };
  const pod = makePod("p", { labels: { app: "web" }, spreadSelector: web, requests: { cpuMilli: 1000, memoryBytes: 2 * GiB } });
  const nodes: SchedNode[] = [
    makeNode("n1", { zone: "a", taints: [{ key: "spot", effect: "PreferNoSchedule" }] }),
    makeNode("n2", { zone: "a", requested: { cpuMilli: 2000, memoryBytes: 2 * GiB, pods: 2 } }),
    makeNode("n3", { zone: "b", requested: { cpuMilli: 0, memoryBytes: 0, pods: 1 }, nonZeroRequested: { cpuMilli: 100, memoryBytes: 200 * MiB } }),
  ];
  const counter = new ZoneListCounter().add("n3", "b", { app: "web" });
  // LeastAllocated: n1 (75 + 75)/2 = 75; n2 cpu 1000·100/4000 = 25, mem 4·100/8 = 50 → 37;
  //   n3 cpu 2900·100/4000 = 72, mem (8192 − 2248) MiB·100/8192 MiB = 72 → 72
  // Balanced: n1 0.25 vs 0.25 → 100; n2 0.75 vs 0.5 → 87; n3 0.25 vs 0.25 → 100
  // TaintToleration raw [1, 0, 0] → reversed [0, 100, 100] · 3 = [0, 300, 300]
  // Spread: n1 0 + 2 + 0 + 4 = 6; n2 6; n3 ln 5 + 2 + ln 4 + 4 = 8.996 → 9;
  //   100·(9 + 6 − s)/9 → [100, 100, 66] · 2 = [200, 200, 132]
  // totals: n1 75 + 100 + 0 + 200 = 375; n2 37 + 87 + 300 + 200 = 624; n3 72 + 100 + 300 + 132 = 604
  assert.equal(totalScores(pod, nodes, counter), [375, 624, 604]);
  const result = schedulePod(pod, nodes, 0, scriptedRng([]), counter);
  assert.is(result.kind === "scheduled" && result.node.name, "n2");
});

t("only the nodes checked from the start index are scored: 200 nodes, 100 to find", () => {
  // Every node is loaded except n10 (half) and n100 (empty, the best anywhere).
  const nodes = Array.from({ length: 200 }, (_, i) =>
    makeNode(`n${i}`, { requested: i === 100 ? { cpuMilli: 0, memoryBytes: 0, pods: 0 } : i === 10 ? { cpuMilli: 2000, memoryBytes: 4 * GiB, pods: 5 } : loaded }),
  );
  // 200 nodes: 50 − 1 = 49 % → 98 → 100 to find. From 150: n150..n199 and n0..n49.
  const fromEnd = schedulePod(makePod("p"), nodes, 150, scriptedRng([]), EMPTY_COUNTER);
  assert.equal(fromEnd.kind === "scheduled" && [fromEnd.node.name, fromEnd.evaluated, fromEnd.feasible, fromEnd.nextStartIndex], ["n10", 100, 100, 50]);
  // From 60: n60..n159, which includes n100.
  const fromMiddle = schedulePod(makePod("p"), nodes, 60, scriptedRng([]), EMPTY_COUNTER);
  assert.equal(fromMiddle.kind === "scheduled" && [fromMiddle.node.name, fromMiddle.nextStartIndex], ["n100", 160]);
});

t("rejected nodes count as evaluated and move the next start index", () => {
  // n150..n169 cordoned: from 150, 20 rejected + 30 fit (n170..n199) + 70 fit (n0..n69) → 120 checked
  const nodes = Array.from({ length: 200 }, (_, i) => makeNode(`n${i}`, { unschedulable: i >= 150 && i < 170 }));
  const result = schedulePod(makePod("p"), nodes, 150, { next: () => 0.5 }, EMPTY_COUNTER);
  assert.equal(result.kind === "scheduled" && [result.evaluated, result.feasible, result.nextStartIndex], [120, 100, 70]);
});

t("a single feasible node is taken without scoring or drawing", () => {
  const nodes = [makeNode("a", { unschedulable: true }), makeNode("b"), makeNode("c", { requested: { cpuMilli: 4000, memoryBytes: 0, pods: 1 } })];
  const rng = scriptedRng([]);
  const result = schedulePod(makePod("p"), nodes, 2, rng, EMPTY_COUNTER);
  assert.equal(result.kind === "scheduled" && [result.node.name, result.nodeIndex, result.evaluated, result.feasible], ["b", 1, 3, 1]);
  assert.is(rng.used, 0);
});

t("start indices wrap modulo the node count", () => {
  const nodes = [makeNode("a"), makeNode("b"), makeNode("c", { unschedulable: true })];
  const result = schedulePod(makePod("p"), nodes, 7, { next: () => 0 }, EMPTY_COUNTER);
  // 7 mod 3 = 1: checks b, c, a → next start (1 + 3) mod 3 = 1; tie a/b → second tie wins with draw 0
  assert.equal(result.kind === "scheduled" && [result.node.name, result.nextStartIndex], ["a", 1]);
});

t("no nodes: upstream's ErrNoNodesAvailable text, nothing evaluated", () => {
  const result = schedulePod(makePod("p"), [], 0, scriptedRng([]), EMPTY_COUNTER);
  assert.equal(result.kind === "unschedulable" && [result.message, result.evaluated, result.unschedulable.size], ["no nodes available to schedule pods", 0, 0]);
});

t("percentageOfNodesToScore 100 scores every node", () => {
  const nodes = Array.from({ length: 150 }, (_, i) => makeNode(`n${i}`, { requested: i === 149 ? { cpuMilli: 0, memoryBytes: 0, pods: 0 } : loaded }));
  const adaptive = schedulePod(makePod("p"), nodes, 0, { next: () => 0.5 }, EMPTY_COUNTER);
  assert.is(adaptive.kind === "scheduled" && adaptive.evaluated, 100);
  const all = schedulePod(makePod("p"), nodes, 0, scriptedRng([]), EMPTY_COUNTER, { percentageOfNodesToScore: 100 });
  assert.equal(all.kind === "scheduled" && [all.node.name, all.evaluated], ["n149", 150]);
});

t.run();
