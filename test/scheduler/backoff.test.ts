import { suite } from "uvu";
import * as assert from "uvu/assert";
import { MICROS_PER_SECOND } from "../../sim/core/time.ts";
import { backoffDuration, POD_MAX_IN_UNSCHEDULABLE_PODS_DURATION } from "../../sim/scheduler/queue.ts";

const t = suite("queue backoff: 1 s · 2^(attempts − 1) capped at 10 s; unschedulable pods retried after 5 min");

t("attempts 1..6 back off 1, 2, 4, 8, 10, 10 s", () => {
  const seconds = [1, 2, 3, 4, 5, 6].map((a) => backoffDuration(a) / MICROS_PER_SECOND);
  assert.equal(seconds, [1, 2, 4, 8, 10, 10]);
});

t("no attempt yet means no backoff; huge attempt counts stay at the cap", () => {
  assert.is(backoffDuration(0), 0);
  assert.is(backoffDuration(1000), 10_000_000);
});

t("custom bounds: initial 3 s, max 20 s → 3, 6, 12, 20", () => {
  const s = MICROS_PER_SECOND;
  assert.equal([1, 2, 3, 4].map((a) => backoffDuration(a, 3 * s, 20 * s) / s), [3, 6, 12, 20]);
});

t("the unschedulable-pods timeout is 5 min in microseconds", () => {
  assert.is(POD_MAX_IN_UNSCHEDULABLE_PODS_DURATION, 300_000_000);
});

t("negative or fractional attempts are contract errors", () => {
  assert.throws(() => backoffDuration(-1), /attempts/);
  assert.throws(() => backoffDuration(1.5), /attempts/);
});

t.run();
