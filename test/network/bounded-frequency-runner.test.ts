import { suite } from "uvu";
import * as assert from "uvu/assert";
import { RandomStreams } from "../../sim/core/rng.ts";
import { seconds } from "../../sim/core/time.ts";
import type { ServiceSlices } from "../../sim/network/endpointslice.ts";
import { KubeProxy } from "../../sim/network/kube-proxy.ts";
import { NORMAL } from "../../sim/network/view-tracker.ts";
import { constant } from "../support/world.ts";

const t = suite("kube-proxy's bounded-frequency runner: exact sync times for bursts of changes (minSyncPeriod 1 s, burst 2)");

/**
 * One node whose informers see an EndpointSlice write at each of `changes` (seconds); returns
 * "start-end#generation" for every sync. Actions due before a change run before it; a change at
 * the instant a sync returns finds the runner still busy (the write lands first).
 */
function syncs(changes: number[], latency: number, minSync = 1): string[] {
  const proxy = new KubeProxy({ minSyncPeriod: seconds(minSync), latency: constant(latency) }, new RandomStreams("bfr", 0), 0);
  proxy.addNode("node-1", NORMAL, 0);
  proxy.syncLog = [];
  const drain = (before: number) => {
    while (proxy.nextActionTime() < before) proxy.actNext();
  };
  changes.forEach((c, i) => {
    drain(seconds(c));
    const slices: ServiceSlices = { service: "web", namespace: "default", slices: [], generation: i + 1, lastChangeTriggerTime: null, updatedAt: seconds(c) };
    proxy.observe(slices, seconds(c));
  });
  drain(seconds(100)); // the periodic resync (1 h) is far away
  return proxy.syncLog.map((s) => `${s.start / 1e6}-${s.end / 1e6}#${s.generation}`);
}

t("latency 0: two syncs at once, the third minSyncPeriod after the second", () => {
  // Tokens 2 at 0. 0: run (1 left). 0.1: run (0.1 left). 0.2: 0.2 tokens → timer at
  // lastRun + 1 s = 1.1; 0.3: same. 1.1: 0.3 + 0.8 = 1.1 tokens → run, reading change 4.
  assert.equal(syncs([0, 0.1, 0.2, 0.3], 0), ["0-0#1", "0.1-0.1#2", "1.1-1.1#4"]);
});

t("latency 200 ms: changes during a sync coalesce; the wait counts from the END of the last sync", () => {
  // 0: run 0 → 0.2 (1 token left). 0.05, 0.1: busy, one signal kept. 0.2: returns; 1.2 tokens
  // → run 0.2 → 0.4 reading change 3 (0.2 left). 0.3, 0.4: busy (0.4 lands as it returns).
  // 0.4: 0.4 tokens → timer at 0.4 + 1 = 1.4. 1.4: 1.4 tokens → run 1.4 → 1.6 reading change 5.
  assert.equal(syncs([0, 0.05, 0.1, 0.3, 0.4], 0.2), ["0-0.2#1", "0.2-0.4#3", "1.4-1.6#5"]);
});

t("changes at least minSyncPeriod apart each sync at once", () => {
  assert.equal(syncs([0, 1, 2, 3.5], 0.2), ["0-0.2#1", "1-1.2#2", "2-2.2#3", "3.5-3.7#4"]);
});

t("the bucket refills to 2 tokens after a quiet period (and no further)", () => {
  // 0, 0.1: both tokens. 5: min(2, 0.1 + 4.9) = 2 → run; 5.1: run; 5.2: 0.1 + 0.1 → timer 6.1.
  assert.equal(syncs([0, 0.1, 5, 5.1, 5.2], 0), ["0-0#1", "0.1-0.1#2", "5-5#3", "5.1-5.1#4", "6.1-6.1#5"]);
  // A trickle of one change per 0.5 s settles to one sync per second after the burst:
  // 0 (1 token left), 0.5 (0.5 left), 1: 0.5 + 0.5 = 1 → run (0 left); 1.5: timer at 2;
  // 2: the change lands with the timer and runs (reading 5); 2.5: timer at 3; 3: runs.
  assert.equal(syncs([0, 0.5, 1, 1.5, 2, 2.5, 3], 0), ["0-0#1", "0.5-0.5#2", "1-1#3", "2-2#5", "3-3#7"]);
});

t("minSyncPeriod 0 (the ipvs default): no rate limit, only coalescing while a sync runs", () => {
  assert.equal(syncs([0, 0.1, 0.15, 0.5], 0.2, 0), ["0-0.2#1", "0.2-0.4#3", "0.5-0.7#4"]);
});

t("a node that comes back starts with a full bucket and syncs at once", () => {
  const proxy = new KubeProxy({ minSyncPeriod: seconds(1), latency: constant(0) }, new RandomStreams("bfr", 0), 0);
  proxy.addNode("node-1", NORMAL, 0);
  proxy.syncLog = [];
  const drain = (before: number) => {
    while (proxy.nextActionTime() < seconds(before)) proxy.actNext();
  };
  const write = (g: number, at: number) => {
    drain(at);
    proxy.observe({ service: "web", namespace: "default", slices: [], generation: g, lastChangeTriggerTime: null, updatedAt: seconds(at) }, seconds(at));
  };
  write(1, 0);
  write(2, 0.1);
  write(3, 0.2); // no token: deferred to 1.1
  drain(0.5);
  proxy.setNodeState(0, false, false, seconds(0.5)); // down: the deferred run never happens
  write(4, 0.6); // nobody there to see it
  drain(0.7);
  proxy.setNodeState(0, true, true, seconds(0.7)); // back: re-lists, full bucket, syncs at once
  drain(100);
  assert.equal(
    proxy.syncLog.map((x) => `${x.start / 1e6}#${x.generation}`),
    ["0#1", "0.1#2", "0.7#4"],
  );
  assert.is(proxy.tracker.view[0], 4);
});

t.run();
