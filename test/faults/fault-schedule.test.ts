import { suite } from "uvu";
import * as assert from "uvu/assert";
import { ConstantDistribution, ExponentialDistribution } from "../../sim/core/distributions.ts";
import { RandomStreams } from "../../sim/core/rng.ts";
import { seconds } from "../../sim/core/time.ts";
import type { World } from "../../sim/engine/world.ts";
import { type FaultContext, type ScheduledFault, scheduleFaults } from "../../sim/faults/inject.ts";
import { Fault, FaultError, type FaultOptions } from "../../sim/faults/options.ts";
import { nodes, testWorld } from "../support/world.ts";

const t = suite("Fault timeline: at, every (renewal / Poisson), nested recoveries, FaultRecovered");

function faultWorld(): { w: World; ctx: FaultContext } {
  const w = testWorld({ nodes: nodes(4) });
  w.bootstrap([]);
  return { w, ctx: { sim: w.sim, store: w.store, streams: w.streams, events: w.events, kubelet: w.kubelet, eviction: w.disruption } };
}

const at = (s: number, options: FaultOptions, name: string): ScheduledFault => ({ at: seconds(s), fault: new Fault(options, name) });
const times = (w: World, reason: string) => w.events.events.filter((e) => e.reason === reason).map((e) => e.time);

t("at: fires at its time; the kubelet comes back after duration, with a FaultRecovered event", () => {
  const { w, ctx } = faultWorld();
  scheduleFaults(ctx, [at(100, { action: "node-failure", selector: { node: "worker-2" }, duration: seconds(30) }, "n")]);
  w.run(seconds(99.9));
  assert.ok(w.store.nodes.get("worker-2")!.kubeletUp);
  w.run(seconds(100));
  assert.not.ok(w.store.nodes.get("worker-2")!.kubeletUp);
  w.run(seconds(130));
  assert.ok(w.store.nodes.get("worker-2")!.kubeletUp);
  assert.equal(
    w.events.events.filter((e) => e.kind === "Scenario").map((e) => `${e.reason}@${e.time / 1e6} ${e.name}: ${e.message}`),
    ["Fault@100 n: node-failure (one) on worker-2 for 30s", "FaultRecovered@130 n: node-failure on worker-2 recovered"],
  );
});

t("overlapping faults on one node nest: it recovers when the last one ends", () => {
  const { w, ctx } = faultWorld();
  const n1 = { action: "network-partition", selector: { node: "worker-1" }, duration: seconds(200) } as const;
  const n2 = { action: "network-partition", selector: { node: "worker-1" }, duration: seconds(200) } as const;
  scheduleFaults(ctx, [at(100, n1, "a"), at(200, n2, "b")]);
  w.run(seconds(350));
  assert.not.ok(w.store.nodes.get("worker-1")!.reachable, "a ended at 300 s, b still holds it");
  w.run(seconds(400));
  assert.ok(w.store.nodes.get("worker-1")!.reachable);
});

t("every: one draw from faults/<name>/every between occurrences; a Poisson process for exponential", () => {
  const { w, ctx } = faultWorld();
  const mean = seconds(60);
  scheduleFaults(ctx, [{ every: new ExponentialDistribution({ mean }), fault: new Fault({ action: "pod-kill", selector: {} }, "chaos") }]);
  w.run(seconds(3600));
  const occurrences = times(w, "Fault");
  // The same stream, drawn by hand: the occurrence times are its partial sums.
  const stream = new RandomStreams("timeline", 0).stream("faults", "chaos/every");
  const exp = new ExponentialDistribution({ mean });
  const expected: number[] = [];
  for (let now = exp.sample(stream); now <= seconds(3600); now += exp.sample(stream)) expected.push(now);
  assert.equal(occurrences, expected);
  // About 60 an hour (Poisson: 99.99 % of hours fall within 60 ± 30).
  assert.ok(occurrences.length > 30 && occurrences.length < 90, `${occurrences.length} occurrences`);
});

t("common random numbers: what a repeating fault picks never moves when it happens", () => {
  const run = (mode: FaultOptions["mode"], value?: number) => {
    const { w, ctx } = faultWorld();
    const fault = new Fault({ action: "network-partition", mode, value, selector: {}, duration: seconds(5) }, "flaky");
    scheduleFaults(ctx, [{ every: new ExponentialDistribution({ mean: seconds(120) }), fault }]);
    w.run(seconds(1800));
    return times(w, "Fault");
  };
  const one = run("one");
  assert.ok(one.length > 3);
  assert.equal(run("fixed", 3), one);
  assert.equal(run("all"), one);
});

t("a bad timeline fails before anything runs", () => {
  const { ctx } = faultWorld();
  const f = new Fault({ action: "pod-kill", selector: {} }, "x");
  assert.throws(() => scheduleFaults(ctx, [{ at: 0, fault: f }, { at: 5, fault: f }]), (e: unknown) => e instanceof FaultError && /Duplicate value/.test(String(e)));
  assert.throws(() => scheduleFaults(ctx, [{ fault: f }]), /exactly one of at and every/);
  assert.throws(() => scheduleFaults(ctx, [{ at: 0, every: new ConstantDistribution(seconds(1)), fault: f }]), /exactly one of at and every/);
  assert.throws(() => scheduleFaults(ctx, [{ every: new ConstantDistribution(0), fault: f }]), /mean time between faults must be positive/);
});

t.run();
