import { suite } from "uvu";
import * as assert from "uvu/assert";
import { leastAllocatedScore, leastRequestedScore, nonZeroRequests } from "../../sim/scheduler/scores.ts";
import { GiB, MiB, makeNode, makePod } from "./fixtures.ts";

const t = suite("NodeResourcesFit LeastAllocated scores (capacity − requested)·100 / capacity, averaged and truncated");

const cases: { name: string; node: ReturnType<typeof makeNode>; pod: ReturnType<typeof makePod>; want: number }[] = [
  {
    // cpu (4000 − 1000)·100/4000 = 75; memory (8 − 2)·100/8 = 75 → (75 + 75)/2 = 75
    name: "empty 4 cpu / 8 GiB node, pod 1000m / 2 GiB → 75",
    node: makeNode("n"),
    pod: makePod("p", { requests: { cpuMilli: 1000, memoryBytes: 2 * GiB } }),
    want: 75,
  },
  {
    // cpu (4000 − 2000)·100/4000 = 50; memory (8 − 4)·100/8 = 50 → 50
    name: "node already 1000m / 2 GiB requested, same pod → 50",
    node: makeNode("n", { requested: { cpuMilli: 1000, memoryBytes: 2 * GiB, pods: 1 } }),
    pod: makePod("p", { requests: { cpuMilli: 1000, memoryBytes: 2 * GiB } }),
    want: 50,
  },
  {
    // zero requests count as 100m / 200 MiB: cpu (1000 − 100)·100/1000 = 90; memory (1000 − 200)·100/1000 = 80 → 85
    name: "pod without requests on a 1000m / 1000 MiB node → 85",
    node: makeNode("n", { allocatable: { cpuMilli: 1000, memoryBytes: 1000 * MiB, pods: 110 } }),
    pod: makePod("p", { requests: { cpuMilli: 0, memoryBytes: 0 } }),
    want: 85,
  },
  {
    // cpu 2000·100/3000 = 66.7 → 66; memory 1·100/3 = 33.3 → 33; (66 + 33)/2 = 49.5 → 49
    name: "truncation at every step: 3000m / 3 GiB node, pod 1000m / 2 GiB → 49",
    node: makeNode("n", { allocatable: { cpuMilli: 3000, memoryBytes: 3 * GiB, pods: 110 } }),
    pod: makePod("p", { requests: { cpuMilli: 1000, memoryBytes: 2 * GiB } }),
    want: 49,
  },
  {
    // cpu 900 + 200 > 1000 → 0; memory (8 − 4)·100/8 = 50 → (0 + 50)/2 = 25
    name: "a resource requested beyond capacity scores 0 → 25",
    node: makeNode("n", { allocatable: { cpuMilli: 1000, memoryBytes: 8 * GiB, pods: 110 }, requested: { cpuMilli: 900, memoryBytes: 0, pods: 3 } }),
    pod: makePod("p", { requests: { cpuMilli: 200, memoryBytes: 4 * GiB } }),
    want: 25,
  },
  {
    // NonZeroRequested 200m / 400 MiB (two request-less pods), pod 100m / 100 MiB:
    // cpu (1000 − 300)·100/1000 = 70; memory (1000 − 500)·100/1000 = 50 → 60
    name: "the node's NonZeroRequested is used, not its Requested → 60",
    node: makeNode("n", {
      allocatable: { cpuMilli: 1000, memoryBytes: 1000 * MiB, pods: 110 },
      requested: { cpuMilli: 0, memoryBytes: 0, pods: 2 },
      nonZeroRequested: { cpuMilli: 200, memoryBytes: 400 * MiB },
    }),
    pod: makePod("p", { requests: { cpuMilli: 100, memoryBytes: 100 * MiB } }),
    want: 60,
  },
];

for (const c of cases) {
  t(c.name, () => {
    assert.is(leastAllocatedScore(c.pod, c.node), c.want);
  });
}

t("leastRequestedScore: capacity 0 and over-capacity score 0, exact fill scores 0, empty scores 100", () => {
  assert.is(leastRequestedScore(5, 0), 0);
  assert.is(leastRequestedScore(11, 10), 0);
  assert.is(leastRequestedScore(10, 10), 0);
  assert.is(leastRequestedScore(0, 10), 100);
});

t("a resource with allocatable 0 is left out of the average", () => {
  // memory skipped; cpu (4000 − 1000)·100/4000 = 75 → 75/1
  const node = makeNode("n", { allocatable: { cpuMilli: 4000, memoryBytes: 0, pods: 110 } });
  assert.is(leastAllocatedScore(makePod("p", { requests: { cpuMilli: 1000, memoryBytes: GiB } }), node), 75);
});

t("nonZeroRequests defaults only the zero fields to 100m / 200 MiB", () => {
  assert.equal(nonZeroRequests({ cpuMilli: 0, memoryBytes: 0 }), { cpuMilli: 100, memoryBytes: 200 * MiB });
  assert.equal(nonZeroRequests({ cpuMilli: 250, memoryBytes: 0 }), { cpuMilli: 250, memoryBytes: 200 * MiB });
  assert.equal(nonZeroRequests({ cpuMilli: 0, memoryBytes: 5 }), { cpuMilli: 100, memoryBytes: 5 });
});

t.run();
