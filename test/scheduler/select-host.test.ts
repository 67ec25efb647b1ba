import { suite } from "uvu";
import * as assert from "uvu/assert";
import { RandomStream } from "../../sim/core/rng.ts";
import { schedulePod, selectHost } from "../../sim/scheduler/schedule.ts";
import { EMPTY_COUNTER, makeNode, makePod, scriptedRng } from "./fixtures.ts";

const t = suite("selectHost: highest total wins, ties by reservoir sampling on the given random source");

t("a unique best is picked without drawing", () => {
  const rng = scriptedRng([]);
  assert.is(selectHost([10, 30, 20], 3, rng), 1);
  assert.is(rng.used, 0);
});

t("ties: the k-th tied node replaces the pick when floor(draw·k) = 0", () => {
  // scores [5, 7, 7, 3, 7]: ties at 1, 2, 4. Tie 2 (k = 2): floor(0.4·2) = 0 → pick 2.
  // Tie 3 (k = 3): floor(0.5·3) = 1 → keep 2. Two draws, one per tie after the first.
  const rng = scriptedRng([0.4, 0.5]);
  assert.is(selectHost([5, 7, 7, 3, 7], 5, rng), 2);
  assert.is(rng.used, 2);
  // With draws 0.9 then 0.2: k = 2 → floor(1.8) = 1 keep 1; k = 3 → floor(0.6) = 0 → pick 4.
  assert.is(selectHost([5, 7, 7, 3, 7], 5, scriptedRng([0.9, 0.2])), 4);
});

t("only the first `count` scores are considered", () => {
  assert.is(selectHost([1, 2, 99], 2, scriptedRng([])), 1);
});

t("ties are uniform: 3 tied nodes each win about a third of 3000 draws", () => {
  const rng = new RandomStream("select-host-uniform");
  const wins = [0, 0, 0];
  for (let i = 0; i < 3000; i++) wins[selectHost([4, 4, 4], 3, rng)]++;
  for (const w of wins) assert.ok(w > 900 && w < 1100, `wins ${wins}`);
});

t("the same seed gives the same placements (tie-break determinism through schedulePod)", () => {
  const nodes = Array.from({ length: 8 }, (_, i) => makeNode(`n${i}`));
  const run = (seed: string) => {
    const rng = new RandomStream(seed);
    const picks: string[] = [];
    let start = 0;
    for (let i = 0; i < 20; i++) {
      const r = schedulePod(makePod(`p${i}`), nodes, start, rng, EMPTY_COUNTER);
      if (r.kind !== "scheduled") throw new Error("unexpected failure");
      picks.push(r.node.name);
      start = r.nextStartIndex;
    }
    return picks;
  };
  assert.equal(run("seed-1"), run("seed-1"));
  assert.not.equal(run("seed-1"), run("seed-2"));
});

t.run();
