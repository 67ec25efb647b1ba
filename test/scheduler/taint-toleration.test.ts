import { suite } from "uvu";
import * as assert from "uvu/assert";
import { filterNodeUnschedulable, filterTaintToleration, toleratesTaint } from "../../sim/scheduler/filters.ts";
import { defaultNormalizeScore, taintTolerationRawScore } from "../../sim/scheduler/scores.ts";
import type { Taint, Toleration } from "../../sim/scheduler/types.ts";
import { makeNode, makePod } from "./fixtures.ts";

const t = suite("taints: NoSchedule/NoExecute filter, PreferNoSchedule scores, cordon, toleration matching");

const gpu: Taint = { key: "dedicated", value: "gpu", effect: "NoSchedule" };

const filterCases: { name: string; taints: Taint[]; tolerations: Toleration[]; want: string | null }[] = [
  { name: "untolerated NoSchedule rejects, naming {key: value}", taints: [gpu], tolerations: [], want: "node(s) had untolerated taint {dedicated: gpu}" },
  {
    name: "untolerated NoExecute rejects; an empty value prints as '{key: }'",
    taints: [{ key: "node.kubernetes.io/unreachable", effect: "NoExecute" }],
    tolerations: [],
    want: "node(s) had untolerated taint {node.kubernetes.io/unreachable: }",
  },
  { name: "untolerated PreferNoSchedule does not filter", taints: [{ key: "spot", effect: "PreferNoSchedule" }], tolerations: [], want: null },
  { name: "Equal with same key, value and effect tolerates", taints: [gpu], tolerations: [{ key: "dedicated", operator: "Equal", value: "gpu", effect: "NoSchedule" }], want: null },
  { name: "operator omitted means Equal", taints: [gpu], tolerations: [{ key: "dedicated", value: "gpu" }], want: null },
  {
    name: "Equal with another value does not tolerate",
    taints: [gpu],
    tolerations: [{ key: "dedicated", operator: "Equal", value: "cpu", effect: "NoSchedule" }],
    want: "node(s) had untolerated taint {dedicated: gpu}",
  },
  { name: "Exists with the key tolerates any value", taints: [gpu], tolerations: [{ key: "dedicated", operator: "Exists" }], want: null },
  {
    name: "empty key + Exists tolerates every taint",
    taints: [gpu, { key: "node.kubernetes.io/not-ready", effect: "NoExecute" }],
    tolerations: [{ operator: "Exists" }],
    want: null,
  },
  { name: "empty effect matches every effect", taints: [{ ...gpu, effect: "NoExecute" }], tolerations: [{ key: "dedicated", operator: "Exists" }], want: null },
  {
    name: "effect NoSchedule does not tolerate a NoExecute taint",
    taints: [{ ...gpu, effect: "NoExecute" }],
    tolerations: [{ key: "dedicated", operator: "Exists", effect: "NoSchedule" }],
    want: "node(s) had untolerated taint {dedicated: gpu}",
  },
  {
    name: "the first untolerated taint in the node's order is named",
    taints: [{ key: "a", effect: "PreferNoSchedule" }, { key: "b", value: "1", effect: "NoSchedule" }, { key: "c", value: "2", effect: "NoExecute" }],
    tolerations: [{ key: "b", operator: "Exists" }],
    want: "node(s) had untolerated taint {c: 2}",
  },
];

for (const c of filterCases) {
  t(`filter: ${c.name}`, () => {
    const got = filterTaintToleration(makePod("p", { tolerations: c.tolerations }), makeNode("n", { taints: c.taints }));
    assert.equal(got, c.want === null ? null : [c.want]);
  });
}

t("toleratesTaint: an empty key with Equal matches any key whose value is equal (code semantics)", () => {
  assert.ok(toleratesTaint({ operator: "Equal", value: "gpu" }, gpu));
  assert.not.ok(toleratesTaint({ operator: "Equal", value: "x" }, gpu));
});

t("score: raw counts of untolerated PreferNoSchedule taints [0, 1, 2] normalise reversed to [100, 50, 0]", () => {
  const pod = makePod("p", { tolerations: [{ key: "tolerated", operator: "Exists", effect: "PreferNoSchedule" }] });
  const prefer = (key: string): Taint => ({ key, effect: "PreferNoSchedule" });
  const nodes = [
    makeNode("clean", { taints: [prefer("tolerated"), { key: "hard", effect: "NoSchedule" }] }),
    makeNode("one", { taints: [prefer("spot")] }),
    makeNode("two", { taints: [prefer("spot"), prefer("old")] }),
  ];
  const raw = nodes.map((n) => taintTolerationRawScore(pod, n));
  assert.equal(raw, [0, 1, 2]);
  // 100·0/2 = 0 → 100; 100·1/2 = 50 → 50; 100·2/2 = 100 → 0
  defaultNormalizeScore(raw, raw.length, true);
  assert.equal(raw, [100, 50, 0]);
});

t("score: a toleration with effect NoSchedule does not count against a PreferNoSchedule taint", () => {
  const pod = makePod("p", { tolerations: [{ key: "spot", operator: "Exists", effect: "NoSchedule" }] });
  assert.is(taintTolerationRawScore(pod, makeNode("n", { taints: [{ key: "spot", effect: "PreferNoSchedule" }] })), 1);
});

t("normalise: all-zero raw scores become 100 when reversed and stay 0 otherwise", () => {
  const reversed = [0, 0];
  defaultNormalizeScore(reversed, 2, true);
  assert.equal(reversed, [100, 100]);
  const plain = [0, 0];
  defaultNormalizeScore(plain, 2, false);
  assert.equal(plain, [0, 0]);
  const truncated = [1, 3];
  defaultNormalizeScore(truncated, 2, false); // 100·1/3 = 33.3 → 33
  assert.equal(truncated, [33, 100]);
});

t("cordon: an unschedulable node rejects unless node.kubernetes.io/unschedulable:NoSchedule is tolerated", () => {
  const cordoned = makeNode("n", { unschedulable: true });
  assert.equal(filterNodeUnschedulable(makePod("p"), cordoned), ["node(s) were unschedulable"]);
  assert.is(filterNodeUnschedulable(makePod("p", { tolerations: [{ key: "node.kubernetes.io/unschedulable", operator: "Exists", effect: "NoSchedule" }] }), cordoned), null);
  assert.is(filterNodeUnschedulable(makePod("p", { tolerations: [{ operator: "Exists" }] }), cordoned), null);
  assert.equal(filterNodeUnschedulable(makePod("p", { tolerations: [{ key: "node.kubernetes.io/unschedulable", operator: "Exists", effect: "NoExecute" }] }), cordoned), [
    "node(s) were unschedulable",
  ]);
  assert.is(filterNodeUnschedulable(makePod("p"), makeNode("m")), null);
});

t.run();
