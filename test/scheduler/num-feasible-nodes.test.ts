import { suite } from "uvu";
import * as assert from "uvu/assert";
import { numFeasibleNodesToFind } from "../../sim/scheduler/schedule.ts";

const t = suite("numFeasibleNodesToFind: adaptive percentage 50 − nodes/125 (≥ 5 %), at least 100 nodes");

const cases: [nodes: number, percentage: number | undefined, want: number, why: string][] = [
  [50, undefined, 50, "under 100 nodes: all of them"],
  [99, undefined, 99, "still under 100"],
  [100, undefined, 100, "50 − 0 = 50 % → 50, raised to the minimum 100"],
  [1000, undefined, 420, "50 − 8 = 42 % → 420"],
  [5000, undefined, 500, "50 − 40 = 10 % → 500"],
  [6000, undefined, 300, "50 − 48 = 2 % → floor 5 % → 300"],
  [10000, undefined, 500, "50 − 80 < 5 → 5 % → 500"],
  [1000, 0, 420, "0 means adaptive"],
  [1000, 100, 1000, "100 % scores every node"],
  [1000, 5, 100, "5 % = 50, raised to 100"],
  [0, undefined, 0, "no nodes"],
];

for (const [nodes, percentage, want, why] of cases) {
  t(`${nodes} nodes, percentage ${percentage ?? "unset"} → ${want} (${why})`, () => {
    assert.is(numFeasibleNodesToFind(nodes, percentage), want);
  });
}

t("a percentage outside 0–100 is a contract error", () => {
  assert.throws(() => numFeasibleNodesToFind(1000, 101), /percentageOfNodesToScore/);
  assert.throws(() => numFeasibleNodesToFind(1000, -1), /percentageOfNodesToScore/);
});

t.run();
