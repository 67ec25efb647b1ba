import fc from "fast-check";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { NodeTable } from "../../sim/scheduler/node-table.ts";
import { PodCountIndex } from "../../sim/scheduler/pod-index.ts";
import { type ScheduleResult, schedulePod } from "../../sim/scheduler/schedule.ts";
import type { LabelSelector, SchedNode, SchedPod, Taint, TopologySpreadConstraint } from "../../sim/scheduler/types.ts";
import { GiB, MiB, makeNode, makePod } from "./fixtures.ts";

const t = suite("NodeTable: columns copied from the nodes, and scheduling on them gives the object path's result");

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

t("rows are read when added and re-read for marked nodes only on refresh", () => {
  const table = new NodeTable();
  const a = makeNode("a", { zone: "z1" }) as Mutable<SchedNode>;
  const b = makeNode("b", { requested: { cpuMilli: 500, memoryBytes: GiB, pods: 2 } });
  table.add(a);
  table.add(b);
  assert.equal([table.requestedCpu[1], table.requestedPods[1], table.zones[table.zone[0]], table.zones[table.zone[1]]], [500, 2, "z1", ""]);
  a.requested = { cpuMilli: 250, memoryBytes: 0, pods: 1 };
  a.taints = [{ key: "k", effect: "NoSchedule" }];
  table.refresh();
  assert.equal([table.requestedCpu[0], table.tainted[0]], [0, 0], "unmarked: the old row");
  table.markChanged("a");
  table.markChanged("a");
  table.markChanged("unknown");
  table.refresh();
  assert.equal([table.requestedCpu[0], table.requestedPods[0], table.tainted[0]], [250, 1, 1]);
});

t("verifyRows names a node whose change was not marked", () => {
  const table = new NodeTable();
  const nodes = ["a", "b", "c"].map((n) => makeNode(n) as Mutable<SchedNode>);
  for (const n of nodes) table.add(n);
  table.verifyRows(0, 3);
  nodes[2].unschedulable = true;
  table.verifyRows(0, 2);
  assert.throws(() => table.verifyRows(1, 2), /node c is stale/);
  assert.throws(() => table.add(makeNode("a")), /added twice/);
});

t("schedulePod refuses a table that describes another node list", () => {
  const table = new NodeTable();
  table.add(makeNode("a"));
  assert.throws(() => schedulePod(makePod("p"), [makeNode("a")], 0, { next: () => 0 }, new PodCountIndex(), { table }), /table/);
});

/** A small deterministic generator for the clusters below (the property draws its seed). */
function lcg(seed: number): () => number {
  let x = seed >>> 0;
  return () => {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    return x / 2 ** 32;
  };
}

const ZONES = ["a", "b", "c", ""];
const TAINTS: Taint[] = [
  { key: "spot", effect: "PreferNoSchedule" },
  { key: "gpu", value: "yes", effect: "NoSchedule" },
  { key: "node.kubernetes.io/unreachable", effect: "NoExecute" },
];

function cluster(rand: () => number, size: number): Mutable<SchedNode>[] {
  return Array.from({ length: size }, (_, i) => {
    const pick = rand();
    return makeNode(`n${i}`, {
      zone: ZONES[Math.floor(rand() * ZONES.length)],
      labels: { disk: rand() < 0.5 ? "ssd" : "hdd" },
      allocatable: { cpuMilli: rand() < 0.1 ? 0 : 2000 + Math.floor(rand() * 4) * 1000, memoryBytes: 4 * GiB + Math.floor(rand() * 4) * GiB, pods: 8 + Math.floor(rand() * 8) },
      requested: { cpuMilli: Math.floor(rand() * 20) * 100, memoryBytes: Math.floor(rand() * 16) * 256 * MiB, pods: Math.floor(rand() * 6) },
      unschedulable: pick < 0.05,
      taints: pick > 0.9 ? [TAINTS[Math.floor(rand() * TAINTS.length)]] : [],
    }) as Mutable<SchedNode>;
  });
}

const SELECTORS: LabelSelector[] = [{ matchLabels: { app: "web" } }, { matchLabels: { app: "db" } }, { matchExpressions: [{ key: "app", operator: "Exists" }] }];
const OWN: TopologySpreadConstraint[][] = [
  [{ maxSkew: 1, topologyKey: "topology.kubernetes.io/zone", whenUnsatisfiable: "DoNotSchedule", labelSelector: SELECTORS[0] }],
  [
    { maxSkew: 2, topologyKey: "kubernetes.io/hostname", whenUnsatisfiable: "ScheduleAnyway", labelSelector: SELECTORS[0] },
    { maxSkew: 1, topologyKey: "disk", whenUnsatisfiable: "ScheduleAnyway", labelSelector: SELECTORS[0] },
  ],
];

function pod(rand: () => number, i: number): SchedPod {
  const app = rand() < 0.6 ? "web" : "db";
  const shape = rand();
  return makePod(`p${i}`, {
    labels: { app },
    // Mostly one shape, as pods of one template: the table keeps resource scores per shape.
    requests: shape < 0.7 ? { cpuMilli: 250, memoryBytes: GiB } : { cpuMilli: [0, 100, 250][Math.floor(rand() * 3)], memoryBytes: [0, 128 * MiB, GiB][Math.floor(rand() * 3)] },
    tolerations: rand() < 0.2 ? [{ key: "spot", operator: "Exists" }] : [],
    nodeSelector: shape < 0.1 ? { disk: "ssd" } : undefined,
    spreadSelector: rand() < 0.9 ? SELECTORS[app === "web" ? 0 : Math.floor(rand() * 3)] : undefined,
    topologySpreadConstraints: shape > 0.85 ? OWN[Math.floor(rand() * OWN.length)] : undefined,
  });
}

/** Schedules `pods` pods one after another, binding each, on the objects or on a table. */
function run(seed: number, size: number, pods: number, withTable: boolean): { results: unknown[]; draws: number } {
  const rand = lcg(seed);
  const nodes = cluster(rand, size);
  const table = new NodeTable();
  for (const n of nodes) table.add(n);
  const list = withTable ? table.nodes : nodes;
  const index = new PodCountIndex();
  if (withTable) index.bindNodes(list);
  // Some pods are there already.
  for (let i = 0; i < size; i++) if (rand() < 0.5) index.addPod({ namespace: "default", labels: { app: rand() < 0.5 ? "web" : "db" } }, nodes[i].name, nodes[i].zone);
  const draws = lcg(seed ^ 0x5bd1e995);
  let used = 0;
  const rng = {
    next: () => {
      used++;
      return draws();
    },
  };
  const results: unknown[] = [];
  let start = 0;
  for (let i = 0; i < pods; i++) {
    const p = pod(rand, i);
    table.refresh();
    const r: ScheduleResult = schedulePod(p, list, start, rng, index, withTable ? { table } : {});
    if (withTable) table.verifyRows(start, r.evaluated);
    start = r.nextStartIndex;
    if (r.kind === "scheduled") {
      results.push([r.node.name, r.evaluated, r.feasible, r.nextStartIndex]);
      const node = nodes[r.nodeIndex];
      node.requested = { cpuMilli: node.requested.cpuMilli + p.requests.cpuMilli, memoryBytes: node.requested.memoryBytes + p.requests.memoryBytes, pods: node.requested.pods + 1 };
      table.markChanged(node.name);
      index.addPod(p, node.name, node.zone);
    } else results.push([r.message, r.evaluated, r.nextStartIndex]);
    // Now and then a node is cordoned, uncordoned or tainted.
    if (rand() < 0.1) {
      const node = nodes[Math.floor(rand() * size)];
      node.unschedulable = !node.unschedulable;
      node.taints = rand() < 0.5 ? [] : [TAINTS[0]];
      table.markChanged(node.name);
    }
  }
  return { results, draws: used };
}

t("property: the same placements, messages and random draws with and without the table", () => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 2 ** 31 - 1 }), fc.integer({ min: 1, max: 240 }), (seed, size) => {
      const objects = run(seed, size, 60, false);
      const columns = run(seed, size, 60, true);
      assert.equal(columns, objects);
    }),
    { numRuns: 60 },
  );
});

t.run();
