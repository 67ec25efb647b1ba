// A property over random StatefulSets (replicas, policy, partition, maxUnavailable, ordinals.start,
// minReadySeconds, probes, claims, the MaxUnavailableStatefulSet gate, controller latency): created
// from empty and then updated without faults, the set converges to the revisions the partition
// asks for, and an OrderedReady scale-up never has two pods not Ready at once.
import fc from "fast-check";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { seconds } from "../../sim/core/time.ts";
import type { World } from "../../sim/engine/world.ts";
import type { StatefulSet } from "../../sim/model/workloads.ts";
import { constant, testWorld } from "../support/world.ts";

const t = suite("StatefulSet convergence: random sets, policies and partitions, no faults");

interface Config {
  replicas: number;
  policy: "OrderedReady" | "Parallel";
  partition: number;
  maxUnavailable: number | string;
  ordinalsStart: number;
  minReadySeconds: number;
  probe: boolean;
  claims: boolean;
  gate: boolean;
  /** Seconds from a watch event to the controllers' reaction. */
  latency: number;
}

const config: fc.Arbitrary<Config> = fc
  .record({
    replicas: fc.integer({ min: 1, max: 5 }),
    policy: fc.constantFrom("OrderedReady" as const, "Parallel" as const),
    partitionOffset: fc.integer({ min: 0, max: 6 }),
    maxUnavailable: fc.constantFrom<number | string>(1, 2, 3, "50%", "100%"),
    ordinalsStart: fc.integer({ min: 0, max: 3 }),
    minReadySeconds: fc.constantFrom(0, 1, 3),
    probe: fc.boolean(),
    claims: fc.boolean(),
    gate: fc.boolean(),
    latency: fc.constantFrom(0, 0.05),
  })
  // A partition from 0 up to past the last ordinal (nothing is updated then).
  .map(({ partitionOffset, ...rest }) => ({ ...rest, partition: Math.min(partitionOffset, rest.replicas + 1) }));

function manifest(c: Config) {
  return {
    kind: "StatefulSet",
    metadata: { name: "db" },
    spec: {
      replicas: c.replicas,
      serviceName: "db",
      podManagementPolicy: c.policy,
      minReadySeconds: c.minReadySeconds,
      ordinals: { start: c.ordinalsStart },
      updateStrategy: { type: "RollingUpdate", rollingUpdate: { partition: c.partition, maxUnavailable: c.maxUnavailable } },
      selector: { matchLabels: { app: "db" } },
      volumeClaimTemplates: c.claims ? [{ metadata: { name: "data" } }] : [],
      template: {
        metadata: { labels: { app: "db" } },
        spec: { containers: [{ name: "db", image: "db:v1", ...(c.probe ? { readinessProbe: { periodSeconds: 2 } } : {}) }] },
      },
    },
  };
}

function setImage(w: World, image: string): void {
  const set = w.store.statefulSets.get("db")!;
  const template = structuredClone(set.spec.template);
  (template.spec!.containers as { image: string }[])[0].image = image;
  set.spec = { ...set.spec, template };
  set.generation++;
  w.store.apply({ type: "workload/put", object: set });
}

function imageOf(set: StatefulSet, revision: string): string {
  const r = set.revisions.find((x) => x.name === revision);
  return r === undefined ? "?" : (r.template.spec!.containers as { image: string }[])[0].image;
}

t("an update converges: ordinals ≥ start + partition at the update revision, the rest at the current one; OrderedReady scale-up has at most one pod not Ready", () => {
  fc.assert(
    fc.property(config, (c) => {
      const w = testWorld({ timing: { controllerLatency: constant(c.latency), schedulingLatency: constant(c.latency) }, maxUnavailableStatefulSet: c.gate });
      const controller = w.statefulSets;
      let scalingUp = true;
      let mostNotReady = 0;
      w.sim.afterEvent = () => {
        if (!scalingUp) return;
        let notReady = 0;
        for (const pod of w.store.pods.values()) if (!pod.ready) notReady++;
        mostNotReady = Math.max(mostNotReady, notReady);
      };
      w.create(manifest(c));
      w.run(seconds(120));
      scalingUp = false;
      if (c.policy === "OrderedReady") assert.ok(mostNotReady <= 1, `OrderedReady scale-up had ${mostNotReady} pods not Ready at once`);

      const ordinals = Array.from({ length: c.replicas }, (_, i) => c.ordinalsStart + i);
      const names = ordinals.map((o) => `db-${o}`);
      assert.equal([...w.store.pods.values()].map((p) => p.name).sort(), [...names].sort(), "every replica exists once");

      setImage(w, "db:v2");
      w.run(seconds(600));
      const set = w.store.statefulSets.get("db")!;
      for (const o of ordinals) {
        const pod = w.store.podsByName.get(`default/db-${o}`);
        assert.ok(pod !== undefined, `db-${o} exists`);
        assert.ok(pod.ready && pod.deletionTimestamp === null, `db-${o} is Ready`);
        const want = o >= c.ordinalsStart + c.partition ? "db:v2" : "db:v1";
        assert.is(imageOf(set, pod.revision), want, `db-${o} revision`);
        assert.is(pod.spec.containers[0].image, want, `db-${o} runs the template of its revision`);
      }
      assert.is(w.store.pods.size, c.replicas);
      assert.is(imageOf(set, set.status.updateRevision), "db:v2");
      // The rollout completes (current := update) only when every replica was updated.
      assert.is(imageOf(set, set.status.currentRevision), c.partition === 0 ? "db:v2" : "db:v1");
      assert.equal(
        [set.status.replicas, set.status.readyReplicas, set.status.availableReplicas],
        [c.replicas, c.replicas, c.replicas],
      );
      if (c.claims) assert.equal(controller.claims.names(), names.map((n) => `data-${n}`).sort());
    }),
    { numRuns: 80 },
  );
});

t.run();
