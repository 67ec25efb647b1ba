import fc from "fast-check";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { ConstantDistribution, UniformDistribution } from "../../sim/core/distributions.ts";
import { seconds } from "../../sim/core/time.ts";
import { FaultSignal } from "../../sim/check/fault-signal.ts";
import { RollingUpdateBounds } from "../../sim/check/rolling-update.ts";
import { deployment, nodes, setImage, testWorld } from "../support/world.ts";

const t = suite("rolling updates without faults complete and stay within maxSurge and maxUnavailable at every instant");

const intOrPercent = fc.oneof(fc.integer({ min: 0, max: 4 }), fc.constantFrom("0%", "10%", "25%", "50%", "100%"));

const config = fc
  .record({
    replicas: fc.integer({ min: 1, max: 9 }),
    maxSurge: intOrPercent,
    maxUnavailable: intOrPercent,
    minReadySeconds: fc.constantFrom(0, 0, 3, 10),
    startupMax: fc.integer({ min: 0, max: 20 }),
    probePeriod: fc.constantFrom(0, 1, 5, 10),
    nodes: fc.integer({ min: 1, max: 4 }),
    latencyMs: fc.constantFrom(0, 0, 50, 500),
  })
  .filter((c) => !(isZero(c.maxSurge) && isZero(c.maxUnavailable)));

function isZero(v: number | string): boolean {
  return v === 0 || v === "0%";
}

t("random replicas, strategies, readiness delays and latencies", () => {
  fc.assert(
    fc.property(config, (c) => {
      const probe = c.probePeriod === 0 ? {} : { readinessProbe: { httpGet: { path: "/", port: 8080 }, periodSeconds: c.probePeriod } };
      const w = testWorld({
        nodes: nodes(c.nodes),
        app: { startup: new UniformDistribution({ min: 0, max: seconds(c.startupMax) }) },
        timing: { controllerLatency: new ConstantDistribution(c.latencyMs * 1000), schedulingLatency: new ConstantDistribution(c.latencyMs * 1000) },
      });
      const strategy = { rollingUpdate: { maxSurge: c.maxSurge, maxUnavailable: c.maxUnavailable } };
      w.bootstrap([deployment("web", c.replicas, { strategy, minReadySeconds: c.minReadySeconds }, probe)]);
      // The bounds are sim/check's rolling-update checker (it throws InvariantViolation).
      const faults = new FaultSignal(w.store);
      const bounds = new RollingUpdateBounds(w.store, faults, () => w.sim.now);
      const chained = w.sim.afterEvent;
      w.sim.afterEvent = (sim) => {
        chained?.(sim);
        bounds.afterEvent(sim.now);
      };
      w.run(seconds(10));
      setImage(w, "web", "web:v2");
      w.run(seconds(900));
      const d = w.store.deployments.get("web")!;
      assert.ok(bounds.judged > 0, `the checker never judged: ${JSON.stringify(bounds.status("web"))}`);
      assert.is(d.status.updatedReplicas, c.replicas, `rollout did not complete: ${JSON.stringify(c)} ${JSON.stringify(d.status)}`);
      assert.is(d.status.availableReplicas, c.replicas, JSON.stringify(c));
      assert.is(d.status.replicas, c.replicas, JSON.stringify(c));
    }),
    { numRuns: 100 },
  );
});

t.run();
