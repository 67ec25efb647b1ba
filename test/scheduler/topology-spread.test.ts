import { suite } from "uvu";
import * as assert from "uvu/assert";
import { RandomStream } from "../../sim/core/rng.ts";
import { schedulePod } from "../../sim/scheduler/schedule.ts";
import { filterTopologySpread, preFilterTopologySpread, scoreTopologySpread } from "../../sim/scheduler/topology-spread.ts";
import type { LabelSelector, MatchingPodCounter, SchedNode, SchedPod, TopologySpreadConstraint } from "../../sim/scheduler/types.ts";
import { ListCounter, makeNode, makePod, scriptedRng, ZoneListCounter } from "./fixtures.ts";

const t = suite("PodTopologySpread: system-default spreading scores, DoNotSchedule filter");

const web: LabelSelector = { matchLabels: { app: "web" } };
const webPod = (overrides: Partial<SchedPod> = {}) => makePod("web-new", { labels: { app: "web" }, spreadSelector: web, ...overrides });

function score(pod: SchedPod, nodes: SchedNode[], feasible: number[], counter: MatchingPodCounter): number[] | null {
  const out = new Array<number>(feasible.length).fill(-1);
  return scoreTopologySpread(pod, nodes, feasible, feasible.length, counter, out) ? out : null;
}

t("worked example: 3 web pods on n1 (zone a), none on n2 (a) or n3 (b) → [40, 73, 100]", () => {
  const nodes = [makeNode("n1", { zone: "a" }), makeNode("n2", { zone: "a" }), makeNode("n3", { zone: "b" })];
  const counter = new ZoneListCounter().add("n1", "a", { app: "web" }, 3);
  // hostname weight ln(3 + 2) = 1.6094, zone weight ln(2 + 2) = 1.3863
  // n1: 3·1.6094 + 2 + 3·1.3863 + 4 = 14.987 → 15; n2: 0 + 2 + 3·1.3863 + 4 = 10.159 → 10; n3: 2 + 0 + 4 = 6
  // normalise 100·(15 + 6 − s)/15: n1 600/15 = 40, n2 1100/15 = 73.3 → 73, n3 1500/15 = 100
  assert.equal(score(webPod(), nodes, [0, 1, 2], counter), [40, 73, 100]);
});

t("the most loaded node scores lowest within balanced zones → [75, 100, 83, 83]", () => {
  const nodes = [makeNode("n1", { zone: "a" }), makeNode("n2", { zone: "a" }), makeNode("n3", { zone: "b" }), makeNode("n4", { zone: "b" })];
  const counter = new ZoneListCounter().add("n1", "a", { app: "web" }, 2).add("n3", "b", { app: "web" }).add("n4", "b", { app: "web" });
  // hostname weight ln 6 = 1.7918, zone weight ln 4 = 1.3863; zone term 2·1.3863 + 4 = 6.7726 on every node
  // n1: 2·1.7918 + 2 + 6.7726 = 12.356 → 12; n2: 2 + 6.7726 = 8.77 → 9; n3, n4: 1.7918 + 2 + 6.7726 = 10.56 → 11
  // normalise 100·(12 + 9 − s)/12: n1 75, n2 100, n3 and n4 1000/12 = 83.3 → 83
  assert.equal(score(webPod(), nodes, [0, 1, 2, 3], counter), [75, 100, 83, 83]);
  const result = schedulePod(webPod(), nodes, 0, scriptedRng([]), counter);
  assert.is(result.kind === "scheduled" && result.node.name, "n2", "the other plugins tie, so spreading decides");
});

t("a loaded zone steers the pod away even when the loaded node itself is infeasible", () => {
  const nodes = [makeNode("n1", { zone: "a", unschedulable: true }), makeNode("n2", { zone: "a" }), makeNode("n3", { zone: "b" })];
  for (const counter of [new ListCounter(), new ZoneListCounter()]) {
    counter.add("n1", "a", { app: "web" }, 5);
    // scored n2, n3: hostname weight ln 4, zone weight ln 4 = 1.3863 (zones a, b among scored)
    // n2: 0 + 2 + 5·1.3863 + 4 = 12.93 → 13; n3: 2 + 0 + 4 = 6 → 100·(19 − 13)/13 = 46, 100
    assert.equal(score(webPod(), nodes, [1, 2], counter), [46, 100]);
    const result = schedulePod(webPod(), nodes, 0, scriptedRng([]), counter);
    assert.is(result.kind === "scheduled" && result.node.name, "n3");
  }
});

t("system defaults keep zone-less nodes (no zone credit) and count them as the '' zone domain", () => {
  const nodes = [makeNode("n1", { zone: "a" }), makeNode("n2"), makeNode("n3")];
  const counter = new ZoneListCounter().add("n1", "a", { app: "web" }, 3).add("n3", "", { app: "web" }, 2);
  // zone domains {a, ""} → weight ln 4 = 1.3863 (ln 3 would give n1 14 and change the result)
  // n1: 3·1.6094 + 2 + 3·1.3863 + 4 = 14.987 → 15; n2: 0 + 2 = 2; n3: 2·1.6094 + 2 = 5.22 → 5
  // normalise 100·(15 + 2 − s)/15: n1 200/15 = 13, n2 100, n3 1200/15 = 80
  assert.equal(score(webPod(), nodes, [0, 1, 2], counter), [13, 100, 80]);
});

t("the pod's own ScheduleAnyway constraint replaces defaults; nodes missing the key are ignored (0)", () => {
  const rack: TopologySpreadConstraint = { maxSkew: 1, topologyKey: "rack", whenUnsatisfiable: "ScheduleAnyway", labelSelector: web };
  const nodes = [makeNode("r1", { labels: { rack: "1" } }), makeNode("r2", { labels: { rack: "2" } }), makeNode("x")];
  const counter = new ListCounter().add("r1", "", { app: "web" }).add("x", "", { app: "web" }, 9);
  // racks {1, 2} → ln 4; r1: 1·1.3863 + 0 = 1.39 → 1; r2: 0 → 100·(1 + 0 − s)/1: r1 0, r2 100; x ignored → 0
  assert.equal(score(webPod({ topologySpreadConstraints: [rack] }), nodes, [0, 1, 2], counter), [0, 100, 0]);
  // no matching pods anywhere: every raw score 0 → all 100 (ignored nodes still 0)
  assert.equal(score(webPod({ topologySpreadConstraints: [rack] }), nodes, [0, 1, 2], new ListCounter()), [100, 100, 0]);
});

t("the plugin skips pods without a spread selector, with an empty one, or with only DoNotSchedule constraints", () => {
  const nodes = [makeNode("n1", { zone: "a" })];
  const counter = new ListCounter();
  assert.is(score(makePod("p"), nodes, [0], counter), null);
  assert.is(score(makePod("p", { spreadSelector: {} }), nodes, [0], counter), null);
  const hard: TopologySpreadConstraint = { maxSkew: 1, topologyKey: "topology.kubernetes.io/zone", whenUnsatisfiable: "DoNotSchedule", labelSelector: web };
  assert.is(score(webPod({ topologySpreadConstraints: [hard] }), nodes, [0], counter), null);
});

t("the zone fast path gives the same scores as walking every node", () => {
  const rng = new RandomStream("spread-fast-path");
  const zones = ["a", "b", "c", ""];
  const nodes = Array.from({ length: 40 }, (_, i) => makeNode(`n${i}`, { zone: zones[i % 4] }));
  const slow = new ListCounter();
  const fast = new ZoneListCounter();
  for (let i = 0; i < 300; i++) {
    const node = nodes[rng.int(nodes.length)];
    const labels = { app: rng.next() < 0.6 ? "web" : "db" };
    const namespace = rng.next() < 0.9 ? "default" : "other";
    slow.add(node.name, node.zone, labels, 1, namespace);
    fast.add(node.name, node.zone, labels, 1, namespace);
  }
  const feasible = Array.from({ length: 25 }, (_, k) => (k * 3) % 40);
  assert.equal(score(webPod(), nodes, feasible, fast), score(webPod(), nodes, feasible, slow));
  assert.ok(fast.zoneCalls > 0 && fast.zoneCalls <= 4, `one countInZone per zone domain, got ${fast.zoneCalls}`);
  // a nodeSelector makes upstream count only matching nodes: the fast path must not be taken
  const picky = webPod({ nodeSelector: { "topology.kubernetes.io/zone": "a" } });
  const before = fast.zoneCalls;
  assert.equal(score(picky, nodes, feasible, fast), score(picky, nodes, feasible, slow));
  assert.is(fast.zoneCalls, before);
});

const zoneHard = (maxSkew: number, extra: Partial<TopologySpreadConstraint> = {}): TopologySpreadConstraint => ({
  maxSkew,
  topologyKey: "topology.kubernetes.io/zone",
  whenUnsatisfiable: "DoNotSchedule",
  labelSelector: web,
  ...extra,
});

t("DoNotSchedule: zones hold 2, 1, 0 web pods, maxSkew 1 → only zone c fits; missing zone → missing label", () => {
  const nodes = [makeNode("na", { zone: "a" }), makeNode("nb", { zone: "b" }), makeNode("nc", { zone: "c" }), makeNode("nx")];
  const counter = new ListCounter().add("na", "a", { app: "web" }, 2).add("nb", "b", { app: "web" });
  const pod = webPod({ topologySpreadConstraints: [zoneHard(1)] });
  const state = preFilterTopologySpread(pod, nodes, counter);
  // a: 2 + 1 − 0 = 3 > 1; b: 1 + 1 − 0 = 2 > 1; c: 0 + 1 − 0 = 1 ≤ 1
  assert.equal(
    nodes.map((n) => filterTopologySpread(state, pod, n)?.[0] ?? "fits"),
    [
      "node(s) didn't match pod topology spread constraints",
      "node(s) didn't match pod topology spread constraints",
      "fits",
      "node(s) didn't match pod topology spread constraints (missing required label)",
    ],
  );
  // a pod that does not match its own selector adds 0: b → 1 + 0 − 0 = 1 fits
  const other = makePod("db", { labels: { app: "db" }, topologySpreadConstraints: [zoneHard(1)] });
  assert.is(filterTopologySpread(preFilterTopologySpread(other, nodes, counter), other, nodes[1]), null);
});

t("DoNotSchedule: fewer domains than minDomains makes the global minimum 0", () => {
  const nodes = [makeNode("na", { zone: "a" }), makeNode("nb", { zone: "b" })];
  const counter = new ZoneListCounter().add("na", "a", { app: "web" }).add("nb", "b", { app: "web" });
  // min 1: 1 + 1 − 1 = 1 ≤ 1 fits; with minDomains 3 (2 domains) min 0: 1 + 1 − 0 = 2 > 1
  const plain = webPod({ topologySpreadConstraints: [zoneHard(1)] });
  assert.is(filterTopologySpread(preFilterTopologySpread(plain, nodes, counter), plain, nodes[0]), null);
  const strict = webPod({ topologySpreadConstraints: [zoneHard(1, { minDomains: 3 })] });
  assert.ok(filterTopologySpread(preFilterTopologySpread(strict, nodes, counter), strict, nodes[0]) !== null);
});

t("DoNotSchedule: nodeAffinityPolicy Honor counts only nodes the pod could land on; Ignore counts all", () => {
  const nodes = [makeNode("n1", { labels: { disk: "ssd" } }), makeNode("n2", { labels: { disk: "ssd" } }), makeNode("n3", { labels: { disk: "hdd" } })];
  const counter = new ListCounter().add("n1", "", { app: "web" }).add("n2", "", { app: "web" });
  const host = (policy: "Honor" | "Ignore"): TopologySpreadConstraint => ({
    maxSkew: 1,
    topologyKey: "kubernetes.io/hostname",
    whenUnsatisfiable: "DoNotSchedule",
    labelSelector: web,
    nodeAffinityPolicy: policy,
  });
  // Honor: domains n1, n2 (min 1) → n1: 1 + 1 − 1 = 1 fits. Ignore: n3 joins with 0 → 2 > 1 rejected.
  const honor = webPod({ nodeSelector: { disk: "ssd" }, topologySpreadConstraints: [host("Honor")] });
  assert.is(filterTopologySpread(preFilterTopologySpread(honor, nodes, counter), honor, nodes[0]), null);
  const ignore = webPod({ nodeSelector: { disk: "ssd" }, topologySpreadConstraints: [host("Ignore")] });
  assert.ok(filterTopologySpread(preFilterTopologySpread(ignore, nodes, counter), ignore, nodes[0]) !== null);
});

t("DoNotSchedule failures reach the FitError message", () => {
  const nodes = [makeNode("na", { zone: "a" }), makeNode("nb", { zone: "b" }), makeNode("nx")];
  const counter = new ZoneListCounter().add("na", "a", { app: "web" }, 3);
  // Ignore: zone b (0 pods) still counts, so na gives 3 + 1 − 0 = 4 > 1 (with Honor, b would not be a
  // domain: the minimum would be 3 and na would fit)
  const pod = webPod({ topologySpreadConstraints: [zoneHard(1, { nodeAffinityPolicy: "Ignore" })], nodeSelector: { "topology.kubernetes.io/zone": "a" } });
  const result = schedulePod(pod, nodes, 0, scriptedRng([]), counter);
  assert.is(
    result.kind === "unschedulable" && result.message,
    "0/3 nodes are available: 1 node(s) didn't match pod topology spread constraints, 2 node(s) didn't match Pod's node affinity/selector.",
  );
  const honoring = webPod({ topologySpreadConstraints: [zoneHard(1)], nodeSelector: { "topology.kubernetes.io/zone": "a" } });
  assert.is(schedulePod(honoring, nodes, 0, scriptedRng([]), counter).kind, "scheduled");
});

t.run();
