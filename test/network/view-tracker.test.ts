import { suite } from "uvu";
import * as assert from "uvu/assert";
import { DEAD, NORMAL, PARTITIONED, ViewTracker } from "../../sim/network/view-tracker.ts";

const t = suite("view tracker: counts of client nodes per view, and the counts in force at any recent instant");

function tracker(): ViewTracker {
  const v = new ViewTracker();
  for (let i = 0; i < 4; i++) v.addNode(1, NORMAL, 0);
  return v;
}

t("counts follow switches and classes; partitioned nodes count as live but not as clients", () => {
  const v = tracker();
  v.switchView(0, 2, 10);
  v.switchView(1, 2, 12);
  v.setClass(2, PARTITIONED, 15);
  v.setClass(3, DEAD, 16);
  assert.equal([...v.clientCounts], [[2, 2]]);
  assert.equal([...v.liveCounts].sort(), [[1, 1], [2, 2]]);
  assert.equal([...v.allCounts].sort(), [[1, 2], [2, 2]]);
  assert.is(v.live, 3);
  assert.is(v.minViewInUse(), 1);
});

t("segmentsBack rebuilds the counts stretch by stretch, newest first; changes at `to` are undone", () => {
  const v = tracker();
  v.switchView(0, 2, 10);
  v.switchView(1, 2, 12);
  v.setClass(2, PARTITIONED, 15);
  v.setClass(3, DEAD, 20);
  const seen: string[] = [];
  v.segmentsBack(8, 20, (a, b, counts, live) => seen.push(`${a}-${b} ${JSON.stringify([...counts].sort())} live=${live}`));
  assert.equal(seen, [
    "15-20 [[1,1],[2,2]] live=4",
    "12-15 [[1,2],[2,2]] live=4",
    "10-12 [[1,3],[2,1]] live=4",
    "8-10 [[1,4]] live=4",
  ]);
  v.prune(13);
  const after: string[] = [];
  v.segmentsBack(13, 20, (a, b) => after.push(`${a}-${b}`));
  assert.equal(after, ["15-20", "13-15"]);
});

t.run();
