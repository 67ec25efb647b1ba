// Pins down how fast a ReplicaSet creates pods (slow-start batches, the burst cap) and when its
// expectations let it manage replicas again (observations, UID-tracked deletions, the 5-minute
// timeout). Expected values are worked out by hand in the comments.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { BURST_REPLICAS, burstLimited, EXPECTATIONS_TIMEOUT, Expectations, slowStartBatches } from "../../sim/controllers/replicaset/slow-start.ts";

const t = suite("replicaset slow start and expectations");

const S = 1_000_000; // µs per second
const MIN = 60 * S;
const T0 = 1_000 * S;

// --- slow-start batches: 1, 2, 4, … capped by what remains ---------------------------------
const batchCases: [number, number[]][] = [
  [0, []], // nothing to create: no batch at all
  [1, [1]],
  [2, [1, 1]], // 1, then min(2, 1 remaining) = 1
  [3, [1, 2]], // 1, then min(2, 2) = 2
  [7, [1, 2, 4]], // 1 + 2 + 4 = 7 exactly
  [10, [1, 2, 4, 3]], // 7 done, min(8, 3) = 3
  [500, [1, 2, 4, 8, 16, 32, 64, 128, 245]], // 1+…+128 = 255, min(256, 245) = 245
];
for (const [count, expected] of batchCases) {
  t(`slow start of ${count} pods: [${expected.join(", ")}]`, () => {
    assert.equal(slowStartBatches(count), expected);
    assert.is(
      slowStartBatches(count).reduce((sum, n) => sum + n, 0),
      count,
    );
  });
}

t("1000 missing pods: burstReplicas caps one sync at 500, batched as for 500", () => {
  assert.is(BURST_REPLICAS, 500);
  assert.is(burstLimited(1000), 500); // manageReplicas: diff = min(|diff|, burstReplicas)
  assert.is(burstLimited(-1000), 500); // too many pods: the same cap on deletions
  assert.is(burstLimited(-7), 7);
  assert.equal(slowStartBatches(burstLimited(1000)), [1, 2, 4, 8, 16, 32, 64, 128, 245]);
});

t("without the burst cap 1000 would be 1…256 then 489", () => {
  // 1+2+…+256 = 511; min(512, 1000 − 511 = 489) = 489.
  assert.equal(slowStartBatches(1000), [1, 2, 4, 8, 16, 32, 64, 128, 256, 489]);
});

t("a larger initial batch and a per-batch cap", () => {
  assert.equal(slowStartBatches(10, 2), [2, 4, 4]); // 2, 4, then min(8, 4) = 4
  assert.equal(slowStartBatches(20, 1, 5), [1, 2, 4, 5, 5, 3]); // doubling stops at the cap of 5
});

t("slow start refuses an initial batch below 1 and a fractional count", () => {
  assert.throws(() => slowStartBatches(5, 0), /initial batch size/);
  assert.throws(() => slowStartBatches(2.5), /integer/);
});

// --- expectations --------------------------------------------------------------------------
t("a controller with no expectations is satisfied", () => {
  const e = new Expectations();
  assert.is(e.satisfied("ns/rs", T0), true);
  assert.is(e.get("ns/rs"), undefined);
});

t("expected creations: satisfied once every one is observed", () => {
  const e = new Expectations();
  e.expectCreations("ns/rs", 3, T0);
  assert.is(e.satisfied("ns/rs", T0 + S), false); // 3 outstanding
  e.creationObserved("ns/rs");
  e.creationObserved("ns/rs");
  assert.is(e.satisfied("ns/rs", T0 + 2 * S), false); // 1 outstanding
  e.creationObserved("ns/rs");
  assert.is(e.satisfied("ns/rs", T0 + 3 * S), true); // add = 0
  assert.equal(e.get("ns/rs"), { add: 0, del: 0, timestamp: T0 });
  assert.is(e.satisfied("ns/other", T0), true); // keys are independent
});

t("timeout: still waiting at exactly 5 minutes, satisfied 1 µs later (upstream uses >)", () => {
  const e = new Expectations();
  e.expectCreations("ns/rs", 2, T0);
  assert.is(EXPECTATIONS_TIMEOUT, 5 * MIN);
  assert.is(e.satisfied("ns/rs", T0 + 5 * MIN - 1), false);
  assert.is(e.satisfied("ns/rs", T0 + 5 * MIN), false); // Since(t) > 5m is false at exactly 5m
  assert.is(e.satisfied("ns/rs", T0 + 5 * MIN + 1), true);
});

t("setting expectations again restarts the timeout clock", () => {
  const e = new Expectations();
  e.expectCreations("ns/rs", 2, T0);
  e.expectCreations("ns/rs", 1, T0 + 4 * MIN); // replaces: 1 add, clock from T0 + 4 min
  assert.is(e.satisfied("ns/rs", T0 + 5 * MIN + 1), false); // only 1 min 1 µs since the reset
  assert.is(e.satisfied("ns/rs", T0 + 9 * MIN + 1), true); // 5 min 1 µs since the reset
});

t("deletions are tracked by pod key: unknown keys and repeats do not count", () => {
  const e = new Expectations();
  e.expectDeletions("ns/rs", ["ns/a", "ns/b", "ns/b"], T0); // duplicates collapse: del = 2
  assert.equal(e.get("ns/rs"), { add: 0, del: 2, timestamp: T0 });
  e.deletionObserved("ns/rs", "ns/c"); // not one we deleted
  e.deletionObserved("ns/rs", "ns/a");
  e.deletionObserved("ns/rs", "ns/a"); // seen terminating, then seen gone: counted once
  assert.is(e.satisfied("ns/rs", T0 + S), false); // ns/b outstanding
  e.deletionObserved("ns/rs", "ns/b");
  assert.is(e.satisfied("ns/rs", T0 + S), true);
});

t("creations slow start never attempted are lowered away", () => {
  // 10 pods to create → batches [1, 2, 4, 3]. One create in the second batch fails: that batch
  // finishes (1 of 2 succeed) and the rest is skipped. Successes 1 + 1 = 2, skipped 10 − 2 = 8,
  // which manageReplicas lowers (one CreationObserved each) because no informer event will come.
  const e = new Expectations();
  e.expectCreations("ns/rs", 10, T0);
  e.lowerExpectations("ns/rs", 8, 0);
  assert.equal(e.get("ns/rs"), { add: 2, del: 0, timestamp: T0 });
  e.creationObserved("ns/rs");
  e.creationObserved("ns/rs");
  assert.is(e.satisfied("ns/rs", T0 + S), true);
});

t("raise, lower below zero, and delete", () => {
  const e = new Expectations();
  e.expectCreations("ns/rs", 1, T0);
  e.raiseExpectations("ns/rs", 1, 0); // 2 outstanding
  e.creationObserved("ns/rs");
  assert.is(e.satisfied("ns/rs", T0), false);
  e.lowerExpectations("ns/rs", 5, 0); // add = −4: fulfilled is add ≤ 0
  assert.is(e.satisfied("ns/rs", T0), true);
  e.creationObserved("ns/missing"); // no record: a no-op, as upstream
  assert.is(e.get("ns/missing"), undefined);
  e.delete("ns/rs");
  assert.is(e.get("ns/rs"), undefined);
});

t.run();
