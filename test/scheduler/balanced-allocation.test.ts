import { suite } from "uvu";
import * as assert from "uvu/assert";
import { totalScores } from "../../sim/scheduler/schedule.ts";
import { balancedAllocationScore, isBestEffort, leastAllocatedScore } from "../../sim/scheduler/scores.ts";
import { EMPTY_COUNTER, GiB, makeNode, makePod } from "./fixtures.ts";

const t = suite("NodeResourcesBalancedAllocation scores int((1 − |f_cpu − f_mem| / 2)·100) on actual requests");

const cases: { name: string; node: ReturnType<typeof makeNode>; pod: ReturnType<typeof makePod>; want: number }[] = [
  {
    // f_cpu = (1000 + 1000)/4000 = 0.5; f_mem = (1 + 1)/8 = 0.25; std = 0.125 → int(87.5) = 87
    name: "f_cpu 0.5, f_mem 0.25 → 87",
    node: makeNode("n", { requested: { cpuMilli: 1000, memoryBytes: GiB, pods: 1 } }),
    pod: makePod("p", { requests: { cpuMilli: 1000, memoryBytes: GiB } }),
    want: 87,
  },
  {
    // f_cpu = 2000/4000 = 0.5; f_mem = 4/8 = 0.5; std = 0 → 100
    name: "equal fractions → 100",
    node: makeNode("n"),
    pod: makePod("p", { requests: { cpuMilli: 2000, memoryBytes: 4 * GiB } }),
    want: 100,
  },
  {
    // f_cpu = (3500 + 1000)/4000 = 1.125 → capped 1; f_mem = 4/8 = 0.5; std = 0.25 → 75
    name: "a fraction above 1 is capped at 1 → 75",
    node: makeNode("n", { requested: { cpuMilli: 3500, memoryBytes: 0, pods: 1 } }),
    pod: makePod("p", { requests: { cpuMilli: 1000, memoryBytes: 4 * GiB } }),
    want: 75,
  },
  {
    // f_cpu = 1000/3000 = 0.333…; f_mem = 0; std = 0.1666… → (1 − 0.1666…)·100 = 83.33 → 83
    name: "float64 then truncation: f_cpu 1/3, f_mem 0 → 83",
    node: makeNode("n", { allocatable: { cpuMilli: 3000, memoryBytes: 8 * GiB, pods: 110 } }),
    pod: makePod("p", { requests: { cpuMilli: 1000, memoryBytes: 0 } }),
    want: 83,
  },
  {
    // actual Requested: f_cpu = 2000/4000 = 0.5; f_mem = (0 + 2)/8 = 0.25 → std 0.125 → 87.
    // (NonZeroRequested would give f_mem = (6 + 2)/8 = 1 → std 0.25 → 75.)
    name: "uses the node's actual Requested, not NonZeroRequested → 87",
    node: makeNode("n", { requested: { cpuMilli: 2000, memoryBytes: 0, pods: 1 }, nonZeroRequested: { cpuMilli: 2000, memoryBytes: 6 * GiB } }),
    pod: makePod("p", { requests: { cpuMilli: 0, memoryBytes: 2 * GiB } }),
    want: 87,
  },
  {
    // memory allocatable 0 → only f_cpu remains → std 0 → 100
    name: "a resource with allocatable 0 is skipped → 100",
    node: makeNode("n", { allocatable: { cpuMilli: 4000, memoryBytes: 0, pods: 110 } }),
    pod: makePod("p", { requests: { cpuMilli: 3000, memoryBytes: GiB } }),
    want: 100,
  },
];

for (const c of cases) {
  t(c.name, () => {
    assert.is(balancedAllocationScore(c.pod, c.node), c.want);
  });
}

t("a best-effort pod is skipped by BalancedAllocation (no contribution to the total)", () => {
  const pod = makePod("be", { requests: { cpuMilli: 0, memoryBytes: 0 } });
  assert.ok(isBestEffort(pod));
  const nodes = [makeNode("a"), makeNode("b", { requested: { cpuMilli: 3000, memoryBytes: 0, pods: 1 } })];
  // total = LeastAllocated + TaintToleration 100·3 (no taints); PodTopologySpread skipped (no selector)
  const want = nodes.map((n) => leastAllocatedScore(pod, n) + 300);
  assert.equal(totalScores(pod, nodes, EMPTY_COUNTER), want);
});

t("a pod with any request is scored by BalancedAllocation", () => {
  const pod = makePod("p", { requests: { cpuMilli: 1000, memoryBytes: GiB } });
  assert.not.ok(isBestEffort(pod));
  const nodes = [makeNode("a")];
  // LeastAllocated (75 + 87)/2 = 81 (memory 7·100/8 = 87.5 → 87); Balanced: f 0.25 vs 0.125 → int(93.75) = 93; taints 300
  assert.equal(totalScores(pod, nodes, EMPTY_COUNTER), [81 + 93 + 300]);
});

t.run();
