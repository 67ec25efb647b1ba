import { suite } from "uvu";
import * as assert from "uvu/assert";
import { getMatchingTolerations, getMinTolerationTime, planPodOnNode } from "../../sim/controllers/taint-eviction.ts";
import { seconds } from "../../sim/core/time.ts";
import type { Taint, Toleration } from "../../sim/model/objects.ts";
import { TAINT_NOT_READY, TAINT_UNREACHABLE, withDefaultTolerations } from "../../sim/model/pod-factory.ts";

const t = suite("Taint eviction decisions (taint_eviction.go processPodOnNode, getMinTolerationTime)");

const unreachable: Taint = { key: TAINT_UNREACHABLE, effect: "NoExecute", timeAdded: 0 };
const notReady: Taint = { key: TAINT_NOT_READY, effect: "NoExecute", timeAdded: 0 };
const custom: Taint = { key: "dedicated", value: "db", effect: "NoExecute", timeAdded: 0 };
const tol = (key: string | undefined, seconds?: number, extra: Partial<Toleration> = {}): Toleration => ({
  key,
  operator: "Exists",
  effect: "NoExecute",
  ...(seconds === undefined ? {} : { tolerationSeconds: seconds }),
  ...extra,
});

t("getMinTolerationTime: smallest limit among the used tolerations; none set → forever (−1); ≤ 0 → 0", () => {
  assert.is(getMinTolerationTime([tol(TAINT_UNREACHABLE, 300), tol(TAINT_NOT_READY, 30)]), seconds(30));
  assert.is(getMinTolerationTime([tol(TAINT_UNREACHABLE), tol(TAINT_NOT_READY, 30)]), seconds(30));
  assert.is(getMinTolerationTime([tol(TAINT_UNREACHABLE)]), -1);
  assert.is(getMinTolerationTime([tol(TAINT_UNREACHABLE, 0)]), 0);
  assert.is(getMinTolerationTime([tol(TAINT_UNREACHABLE, -5), tol(TAINT_NOT_READY, 30)]), 0);
  assert.is(getMinTolerationTime([]), 0);
});

t("getMatchingTolerations: every taint needs one; the first matching toleration is the one used", () => {
  const r = getMatchingTolerations([unreachable], [tol(undefined, 60), tol(TAINT_UNREACHABLE, 300)]);
  assert.ok(r.allTolerated);
  assert.equal(r.used.map((x) => x.tolerationSeconds), [60], "the empty-key toleration comes first and matches everything");
  assert.not.ok(getMatchingTolerations([unreachable, custom], [tol(TAINT_UNREACHABLE, 300)]).allTolerated);
  assert.ok(getMatchingTolerations([custom], [{ key: "dedicated", operator: "Equal", value: "db" }]).allTolerated, "no effect: any effect");
  assert.not.ok(getMatchingTolerations([custom], [{ key: "dedicated", operator: "Equal", value: "web" }]).allTolerated);
  assert.ok(getMatchingTolerations([], []).allTolerated);
});

t("planPodOnNode table", () => {
  const admitted = withDefaultTolerations([], 300); // what DefaultTolerationSeconds gives every pod
  const now = seconds(145.1);
  const rows: [string, Taint[], Toleration[], number | null, unknown][] = [
    ["no taints: cancel", [], admitted, null, { kind: "cancel" }],
    ["default tolerations: 300 s after the taint was seen", [unreachable], admitted, null, { kind: "schedule", createdAt: now, fireAt: seconds(445.1) }],
    ["both taints: the smaller limit", [unreachable, notReady], [tol(TAINT_UNREACHABLE, 300), tol(TAINT_NOT_READY, 30)], null, { kind: "schedule", createdAt: now, fireAt: seconds(175.1) }],
    ["untolerated: now", [custom], admitted, null, { kind: "schedule", createdAt: now, fireAt: now }],
    ["untolerated replaces a pending one", [custom], admitted, seconds(100), { kind: "schedule", createdAt: now, fireAt: now }],
    ["tolerated forever: cancel", [unreachable], [tol(TAINT_UNREACHABLE)], seconds(100), { kind: "cancel" }],
    ["a pending eviction created earlier is kept", [unreachable], admitted, seconds(100), { kind: "keep" }],
    ["one created at this instant is replaced", [unreachable, notReady], [tol(TAINT_UNREACHABLE, 300), tol(TAINT_NOT_READY, 30)], now, { kind: "schedule", createdAt: now, fireAt: seconds(175.1) }],
  ];
  for (const [name, taints, tolerations, pending, expected] of rows) assert.equal(planPodOnNode(taints, tolerations, pending, now), expected, name);
});

t.run();
