import { suite } from "uvu";
import * as assert from "uvu/assert";
import { filterNodeResourcesFit } from "../../sim/scheduler/filters.ts";
import { fitErrorMessage, schedulePod } from "../../sim/scheduler/schedule.ts";
import type { SchedNode } from "../../sim/scheduler/types.ts";
import { EMPTY_COUNTER, GiB, makeNode, makePod, scriptedRng } from "./fixtures.ts";

const t = suite("NodeResourcesFit: requests + requested ≤ allocatable, pods + 1 ≤ allocatable pods, FitError wording");

const full = (cpuMilli: number, memoryBytes: number, pods: number) => ({ cpuMilli, memoryBytes, pods });

const cases: { name: string; requested: ReturnType<typeof full>; podCpu: number; podMem: number; want: string[] | null }[] = [
  { name: "3500m + 500m = 4000m fits exactly", requested: full(3500, 0, 1), podCpu: 500, podMem: GiB, want: null },
  { name: "3500m + 1000m > 4000m → Insufficient cpu", requested: full(3500, 0, 1), podCpu: 1000, podMem: GiB, want: ["Insufficient cpu"] },
  { name: "7 GiB + 2 GiB > 8 GiB → Insufficient memory", requested: full(0, 7 * GiB, 1), podCpu: 100, podMem: 2 * GiB, want: ["Insufficient memory"] },
  { name: "both short → cpu then memory", requested: full(3900, 7 * GiB, 1), podCpu: 200, podMem: 2 * GiB, want: ["Insufficient cpu", "Insufficient memory"] },
  { name: "110 pods already → Too many pods", requested: full(0, 0, 110), podCpu: 100, podMem: GiB, want: ["Too many pods"] },
  { name: "all three, pods first", requested: full(4000, 8 * GiB, 110), podCpu: 1, podMem: 1, want: ["Too many pods", "Insufficient cpu", "Insufficient memory"] },
  { name: "a pod with no requests fits an overcommitted node", requested: full(5000, 9 * GiB, 3), podCpu: 0, podMem: 0, want: null },
  { name: "a pod with no requests still needs a pod slot", requested: full(5000, 9 * GiB, 110), podCpu: 0, podMem: 0, want: ["Too many pods"] },
];

for (const c of cases) {
  t(c.name, () => {
    const node = makeNode("n", { requested: c.requested });
    assert.equal(filterNodeResourcesFit(makePod("p", { requests: { cpuMilli: c.podCpu, memoryBytes: c.podMem } }), node), c.want);
  });
}

t("FitError: 2 short of cpu and 4 unreachable → the upstream message, reasons sorted", () => {
  const unreachable = [{ key: "node.kubernetes.io/unreachable", effect: "NoSchedule" as const }];
  const nodes: SchedNode[] = [
    makeNode("n1", { taints: unreachable }),
    makeNode("n2", { requested: full(3900, 0, 5) }),
    makeNode("n3", { taints: unreachable }),
    makeNode("n4", { taints: unreachable }),
    makeNode("n5", { requested: full(3950, 0, 5) }),
    makeNode("n6", { taints: unreachable }),
  ];
  const result = schedulePod(makePod("p", { requests: { cpuMilli: 500, memoryBytes: GiB } }), nodes, 3, scriptedRng([]), EMPTY_COUNTER);
  assert.is(result.kind, "unschedulable");
  if (result.kind !== "unschedulable") return;
  assert.is(result.message, "0/6 nodes are available: 2 Insufficient cpu, 4 node(s) had untolerated taint {node.kubernetes.io/unreachable: }.");
  assert.equal([...result.unschedulable], [
    ["node(s) had untolerated taint {node.kubernetes.io/unreachable: }", 4],
    ["Insufficient cpu", 2],
  ]);
  assert.is(result.evaluated, 6);
  assert.is(result.nextStartIndex, 3, "all nodes checked: the next cycle starts where this one did");
});

t("FitError: a node short of both counts once per reason; filters stop at the first failing plugin", () => {
  const nodes = [
    makeNode("both", { requested: full(4000, 8 * GiB, 1) }),
    makeNode("cordoned-and-full", { unschedulable: true, requested: full(4000, 8 * GiB, 1) }),
  ];
  const result = schedulePod(makePod("p"), nodes, 0, scriptedRng([]), EMPTY_COUNTER);
  assert.is(result.kind === "unschedulable" && result.message, "0/2 nodes are available: 1 Insufficient cpu, 1 Insufficient memory, 1 node(s) were unschedulable.");
});

t("FitError sorts the 'count reason' strings as strings: '10 …' before '9 …'", () => {
  const reasons = new Map([
    ["Insufficient memory", 9],
    ["Insufficient cpu", 10],
  ]);
  assert.is(fitErrorMessage(19, reasons), "0/19 nodes are available: 10 Insufficient cpu, 9 Insufficient memory.");
});

t.run();
