import { suite } from "uvu";
import * as assert from "uvu/assert";
import { RandomStream } from "../../sim/core/rng.ts";
import { PodCountIndex } from "../../sim/scheduler/pod-index.ts";
import type { LabelSelector } from "../../sim/scheduler/types.ts";
import { ZoneListCounter } from "./fixtures.ts";

const t = suite("PodCountIndex counts matching pods per node and zone, kept current by add/remove");

const web: LabelSelector = { matchLabels: { app: "web" } };

t("counts per node and per zone, in the pod's namespace only", () => {
  const index = new PodCountIndex();
  index.addPod({ namespace: "default", labels: { app: "web" } }, "n1", "a");
  index.addPod({ namespace: "default", labels: { app: "web" } }, "n1", "a");
  index.addPod({ namespace: "default", labels: { app: "web" } }, "n2", "a");
  index.addPod({ namespace: "other", labels: { app: "web" } }, "n1", "a");
  index.addPod({ namespace: "default", labels: { app: "db" } }, "n1", "a");
  assert.equal([index.countOnNode("n1", "default", web), index.countOnNode("n2", "default", web), index.countInZone("a", "default", web)], [2, 1, 3]);
  assert.is(index.countOnNode("n1", "other", web), 1);
  assert.is(index.countInZone("b", "default", web), 0);
  assert.is(index.size, 5);
});

t("a tally built on first use follows later adds and removes", () => {
  const index = new PodCountIndex();
  const a = { namespace: "default", labels: { app: "web", tier: "front" } };
  index.addPod(a, "n1", "a");
  assert.is(index.countOnNode("n1", "default", web), 1);
  const b = { namespace: "default", labels: { app: "web" } };
  index.addPod(b, "n1", "a");
  assert.is(index.countOnNode("n1", "default", web), 2);
  index.removePod(a);
  assert.equal([index.countOnNode("n1", "default", web), index.countInZone("a", "default", web)], [1, 1]);
});

t("selectors without matchLabels (expressions only) are kept current too", () => {
  const index = new PodCountIndex();
  const notDb: LabelSelector = { matchExpressions: [{ key: "app", operator: "NotIn", values: ["db"] }] };
  assert.is(index.countOnNode("n1", "default", notDb), 0);
  index.addPod({ namespace: "default", labels: { app: "web" } }, "n1", "");
  index.addPod({ namespace: "default", labels: { app: "db" } }, "n1", "");
  index.addPod({ namespace: "default", labels: {} }, "n1", "");
  assert.is(index.countOnNode("n1", "default", notDb), 2);
  assert.is(index.countInZone("", "default", notDb), 2);
});

t("removing an unknown pod or adding one twice is an error", () => {
  const index = new PodCountIndex();
  const p = { namespace: "default", labels: {} };
  assert.throws(() => index.removePod(p), /not indexed/);
  index.addPod(p, "n1", "a");
  assert.throws(() => index.addPod(p, "n2", "a"), /already indexed/);
});

t("agrees with a plain scan after 2000 random adds and removes", () => {
  const rng = new RandomStream("pod-index");
  const index = new PodCountIndex();
  const nodes = ["n1", "n2", "n3", "n4", "n5"];
  const zoneOf = (n: string) => (n === "n5" ? "" : n < "n3" ? "a" : "b");
  const selectors: LabelSelector[] = [web, { matchLabels: { app: "db" } }, { matchLabels: { app: "web", tier: "front" } }, { matchExpressions: [{ key: "tier", operator: "Exists" }] }];
  const live: { pod: { namespace: string; labels: Record<string, string> }; node: string }[] = [];
  for (const s of selectors.slice(0, 2)) index.countOnNode("n1", "default", s); // some tallies exist early
  for (let i = 0; i < 2000; i++) {
    if (live.length > 0 && rng.next() < 0.4) {
      const [gone] = live.splice(rng.int(live.length), 1);
      index.removePod(gone.pod);
    } else {
      const labels: Record<string, string> = { app: rng.pick(["web", "db"]) };
      if (rng.next() < 0.5) labels.tier = rng.pick(["front", "back"]);
      const pod = { namespace: rng.next() < 0.9 ? "default" : "other", labels };
      const node = rng.pick(nodes);
      index.addPod(pod, node, zoneOf(node));
      live.push({ pod, node });
    }
  }
  const scan = new ZoneListCounter();
  for (const { pod, node } of live) scan.add(node, zoneOf(node), pod.labels, 1, pod.namespace);
  for (const s of selectors) {
    for (const ns of ["default", "other"]) {
      for (const n of nodes) assert.is(index.countOnNode(n, ns, s), scan.countOnNode(n, ns, s));
      for (const z of ["a", "b", ""]) assert.is(index.countInZone(z, ns, s), scan.countInZone(z, ns, s));
    }
  }
});

t.run();
