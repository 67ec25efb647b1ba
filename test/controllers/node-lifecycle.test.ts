import { suite } from "uvu";
import * as assert from "uvu/assert";
import {
  computeZoneState,
  lastLeaseRenew,
  NODE_LIFECYCLE_DEFAULTS,
  RateLimitedTimedQueue,
  resolveNodeLifecycleOptions,
  TokenBucket,
  unknownAt,
  zoneTaintRate,
} from "../../sim/controllers/node-lifecycle.ts";
import { seconds } from "../../sim/core/time.ts";

const t = suite("Node lifecycle arithmetic: last heartbeat, Unknown tick, zone states, token bucket, rate-limited queue");

t("lastLeaseRenew: the last phase + k·10 s strictly before the failure, or the renew on coming back", () => {
  const rows: [phase: number, upSince: number, lostAt: number, expected: number][] = [
    [3, -Infinity, 100, 93], // 93 < 100 ≤ 103
    [3, -Infinity, 93, 83], // a renew due at the very instant of the failure is lost
    [3, -Infinity, 93.000001, 93],
    [0, -Infinity, 10, 0],
    [9.5, -Infinity, 5, -0.5], // renewed before t = 0 in a steady cluster
    [3, 97, 100, 97], // came back at 97 s and renewed at once; next grid renew would be 103 s
    [3, 90, 100, 93], // came back at 90 s, renewed on the grid at 93 s
  ];
  for (const [phase, upSince, lostAt, expected] of rows) {
    const up = upSince === -Infinity ? upSince : seconds(upSince);
    assert.is(lastLeaseRenew(seconds(phase), up, seconds(lostAt)), seconds(expected), `phase ${phase}, up ${upSince}, lost ${lostAt}`);
  }
});

t("unknownAt: the first 5 s tick strictly after last renew + 50 s", () => {
  const p = seconds(5);
  const g = seconds(50);
  assert.is(unknownAt(seconds(93.701909), g, p), seconds(145)); // 143.7 → 145
  assert.is(unknownAt(seconds(95), g, p), seconds(150)); // exactly on a tick: not "after" → next one
  assert.is(unknownAt(seconds(95.000001), g, p), seconds(150));
  assert.is(unknownAt(seconds(94.999999), g, p), seconds(145));
  assert.is(unknownAt(seconds(93.7), seconds(40), p), seconds(135)); // the pre-1.32 grace
});

t("computeZoneState (ComputeZoneState) table", () => {
  const rows: [ready: number, notReady: number, expected: string][] = [
    [3, 0, "Normal"],
    [0, 1, "FullDisruption"],
    [0, 5, "FullDisruption"],
    [0, 0, "Normal"], // no nodes: not disrupted
    [1, 2, "Normal"], // 2/3 ≥ 0.55 but not more than 2 not Ready
    [2, 3, "PartialDisruption"], // 3/5 = 0.6
    [9, 11, "PartialDisruption"], // 11/20 = 0.55 exactly (float32 on both sides)
    [10, 10, "Normal"], // 0.5
    [100, 3, "Normal"],
  ];
  for (const [ready, notReady, expected] of rows) assert.is(computeZoneState(ready, notReady, 0.55), expected, `${ready} ready, ${notReady} not`);
});

t("zoneTaintRate: 0.1/s when Normal or fully disrupted; partial: 0.01/s above 50 nodes, else 0", () => {
  const o = NODE_LIFECYCLE_DEFAULTS;
  assert.is(zoneTaintRate("Normal", 3, o), 0.1);
  assert.is(zoneTaintRate("FullDisruption", 3, o), 0.1);
  assert.is(zoneTaintRate("PartialDisruption", 50, o), 0);
  assert.is(zoneTaintRate("PartialDisruption", 51, o), 0.01);
});

t("TokenBucket: full at start, one token per 1/qps (float32 qps, rounded up to the µs)", () => {
  const b = new TokenBucket(0.1);
  assert.is(b.period, seconds(10)); // 1/fround(0.1) = 9.99999985 s → 10 s
  assert.ok(b.tryAccept(seconds(5)));
  assert.not.ok(b.tryAccept(seconds(5)));
  assert.not.ok(b.tryAccept(seconds(14.999999)));
  assert.is(b.readyAt(), seconds(15));
  assert.ok(b.tryAccept(seconds(15)));
  // Burst 1: a long idle time still gives one token.
  assert.ok(b.tryAccept(seconds(100)));
  assert.not.ok(b.tryAccept(seconds(100)));
  // 0.01 as float32 is 0.0099999998: the token comes 100.000003 s later, not at 100 s.
  assert.is(new TokenBucket(0.01).period, 100_000_003);
  const never = new TokenBucket(0);
  assert.not.ok(never.tryAccept(seconds(1)));
  assert.is(never.readyAt(), Number.POSITIVE_INFINITY);
});

t("RateLimitedTimedQueue: one value per token in added order; processed values stay known until removed", () => {
  const q = new RateLimitedTimedQueue(0.1);
  assert.ok(q.add("a", seconds(145)));
  assert.ok(q.add("b", seconds(145)));
  assert.not.ok(q.add("a", seconds(146)), "a unique queue");
  const done: string[] = [];
  const take = (v: string) => {
    done.push(v);
    return true;
  };
  q.try(seconds(145.1), take);
  assert.equal(done, ["a"]);
  assert.is(q.readyAt(), seconds(155.1));
  q.try(seconds(155), take);
  assert.equal(done, ["a"]);
  q.try(seconds(155.1), take);
  assert.equal(done, ["a", "b"]);
  assert.is(q.size, 0);
  assert.ok(q.has("a"));
  assert.not.ok(q.add("a", seconds(160)), "processed but not removed: not queued again");
  assert.ok(q.remove("a"));
  assert.ok(q.add("a", seconds(160)));
  assert.is(q.size, 1);
});

t("RateLimitedTimedQueue.swapLimiter: rate 0 stops it; a new rate starts drained if the old bucket was empty", () => {
  const q = new RateLimitedTimedQueue(0.1);
  q.add("a", 0);
  q.add("b", 0);
  q.try(0, () => true); // a taken, bucket empty
  q.swapLimiter(0, seconds(1));
  q.try(seconds(50), () => true);
  assert.is(q.size, 1, "rate 0: nothing passes");
  assert.is(q.readyAt(), Number.POSITIVE_INFINITY);
  q.swapLimiter(0.1, seconds(60)); // the never-limiter had no token: the new bucket starts empty
  assert.is(q.readyAt(), seconds(70));
  q.try(seconds(70), () => true);
  assert.is(q.size, 0);
  q.add("c", seconds(200));
  q.swapLimiter(0.01, seconds(200)); // the 0.1 bucket had a token (taken by the check): new bucket full
  q.try(seconds(200), () => true);
  assert.is(q.size, 0);
});

t("options: defaults are upstream's (v1.32+ grace 50 s); bad values fail naming the field", () => {
  const o = resolveNodeLifecycleOptions({ nodeMonitorGracePeriod: seconds(40) });
  assert.is(o.nodeMonitorGracePeriod, seconds(40));
  assert.is(o.nodeMonitorPeriod, seconds(5));
  assert.is(o.nodeStartupGracePeriod, seconds(60));
  assert.throws(() => resolveNodeLifecycleOptions({ nodeMonitorPeriod: 0 }), /nodeMonitorPeriod/);
  assert.throws(() => resolveNodeLifecycleOptions({ evictionRate: -1 }), /evictionRate/);
  assert.throws(() => resolveNodeLifecycleOptions({ unhealthyZoneThreshold: 1.5 }), /unhealthyZoneThreshold/);
  assert.throws(() => resolveNodeLifecycleOptions({ largeClusterSizeThreshold: 2.5 }), /largeClusterSizeThreshold/);
});

t.run();
