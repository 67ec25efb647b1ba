import { suite } from "uvu";
import * as assert from "uvu/assert";
import { filterNodeAffinity } from "../../sim/scheduler/filters.ts";
import { labelSelectorMatches, nodeLabel, parseInt64 } from "../../sim/scheduler/labels.ts";
import type { NodeSelectorRequirement, NodeSelectorTerm } from "../../sim/scheduler/types.ts";
import { makeNode, makePod } from "./fixtures.ts";

const t = suite("NodeAffinity: nodeSelector AND required terms (ORed terms, ANDed expressions)");

const REJECT = ["node(s) didn't match Pod's node affinity/selector"];
const node = makeNode("n1", { zone: "zone-a", labels: { disk: "ssd", cores: "16", arch: "amd64" } });

function withTerms(...terms: NodeSelectorTerm[]) {
  return makePod("p", { requiredNodeAffinity: { nodeSelectorTerms: terms } });
}
function expr(r: NodeSelectorRequirement): NodeSelectorTerm {
  return { matchExpressions: [r] };
}

const cases: { name: string; pod: ReturnType<typeof makePod>; fits: boolean }[] = [
  { name: "nodeSelector equal on every key fits", pod: makePod("p", { nodeSelector: { disk: "ssd", arch: "amd64" } }), fits: true },
  { name: "nodeSelector with one wrong value rejects", pod: makePod("p", { nodeSelector: { disk: "ssd", arch: "arm64" } }), fits: false },
  { name: "nodeSelector on the zone key reads node.zone", pod: makePod("p", { nodeSelector: { "topology.kubernetes.io/zone": "zone-a" } }), fits: true },
  { name: "nodeSelector on the hostname key defaults to the node name", pod: makePod("p", { nodeSelector: { "kubernetes.io/hostname": "n1" } }), fits: true },
  { name: "In with the value fits", pod: withTerms(expr({ key: "disk", operator: "In", values: ["hdd", "ssd"] })), fits: true },
  { name: "In without the value rejects", pod: withTerms(expr({ key: "disk", operator: "In", values: ["hdd"] })), fits: false },
  { name: "NotIn with the value rejects", pod: withTerms(expr({ key: "disk", operator: "NotIn", values: ["ssd"] })), fits: false },
  { name: "NotIn on a missing key fits", pod: withTerms(expr({ key: "gpu", operator: "NotIn", values: ["a100"] })), fits: true },
  { name: "Exists on a present key fits", pod: withTerms(expr({ key: "disk", operator: "Exists" })), fits: true },
  { name: "DoesNotExist on a present key rejects", pod: withTerms(expr({ key: "disk", operator: "DoesNotExist" })), fits: false },
  { name: "DoesNotExist on a missing key fits", pod: withTerms(expr({ key: "gpu", operator: "DoesNotExist" })), fits: true },
  { name: "Gt compares integers: 16 > 8 fits", pod: withTerms(expr({ key: "cores", operator: "Gt", values: ["8"] })), fits: true },
  { name: "Gt 16 > 16 rejects", pod: withTerms(expr({ key: "cores", operator: "Gt", values: ["16"] })), fits: false },
  { name: "Lt 16 < 32 fits", pod: withTerms(expr({ key: "cores", operator: "Lt", values: ["32"] })), fits: true },
  { name: "Lt on a non-integer label value rejects", pod: withTerms(expr({ key: "disk", operator: "Lt", values: ["32"] })), fits: false },
  { name: "Gt on a missing key rejects", pod: withTerms(expr({ key: "gpus", operator: "Gt", values: ["0"] })), fits: false },
  {
    name: "expressions within a term are ANDed",
    pod: withTerms({ matchExpressions: [{ key: "disk", operator: "In", values: ["ssd"] }, { key: "arch", operator: "In", values: ["arm64"] }] }),
    fits: false,
  },
  {
    name: "terms are ORed",
    pod: withTerms(expr({ key: "arch", operator: "In", values: ["arm64"] }), expr({ key: "topology.kubernetes.io/zone", operator: "In", values: ["zone-a"] })),
    fits: true,
  },
  { name: "no terms matches no node", pod: withTerms(), fits: false },
  { name: "a term without expressions matches no node", pod: withTerms({ matchExpressions: [] }), fits: false },
  {
    name: "a term that does not parse (Gt with two values) fails, another term can still match",
    pod: withTerms(expr({ key: "cores", operator: "Gt", values: ["1", "2"] }), expr({ key: "disk", operator: "Exists" })),
    fits: true,
  },
  { name: "In with no values does not parse and matches nothing", pod: withTerms(expr({ key: "disk", operator: "In", values: [] })), fits: false },
  {
    name: "nodeSelector and affinity must both hold",
    pod: makePod("p", { nodeSelector: { disk: "hdd" }, requiredNodeAffinity: { nodeSelectorTerms: [expr({ key: "disk", operator: "Exists" })] } }),
    fits: false,
  },
];

for (const c of cases) {
  t(c.name, () => {
    assert.equal(filterNodeAffinity(c.pod, node), c.fits ? null : REJECT);
  });
}

t("nodeLabel: zone '' is a missing label; labels named like Object.prototype members are absent", () => {
  assert.is(nodeLabel(makeNode("x"), "topology.kubernetes.io/zone"), undefined);
  assert.is(nodeLabel(makeNode("x"), "constructor"), undefined);
  assert.is(nodeLabel(makeNode("x", { labels: { "kubernetes.io/hostname": "h" } }), "kubernetes.io/hostname"), "h");
});

t("parseInt64 follows strconv.ParseInt(s, 10, 64)", () => {
  assert.is(parseInt64("+42"), 42n);
  assert.is(parseInt64("-7"), -7n);
  assert.is(parseInt64("9223372036854775807"), 9223372036854775807n);
  assert.is(parseInt64("9223372036854775808"), null);
  assert.is(parseInt64("1_000"), null);
  assert.is(parseInt64(" 1"), null);
  assert.is(parseInt64(""), null);
});

t("label selectors: matchLabels AND matchExpressions; empty selector matches everything", () => {
  const labels = { app: "web", tier: "front" };
  assert.ok(labelSelectorMatches({}, labels));
  assert.ok(labelSelectorMatches({ matchLabels: { app: "web" } }, labels));
  assert.not.ok(labelSelectorMatches({ matchLabels: { app: "web", tier: "back" } }, labels));
  assert.ok(labelSelectorMatches({ matchExpressions: [{ key: "env", operator: "NotIn", values: ["prod"] }] }, labels));
  assert.not.ok(labelSelectorMatches({ matchLabels: { app: "web" }, matchExpressions: [{ key: "tier", operator: "DoesNotExist" }] }, labels));
});

t.run();
