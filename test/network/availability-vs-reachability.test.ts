import { suite } from "uvu";
import * as assert from "uvu/assert";
import { ExponentialDistribution, UniformDistribution } from "../../sim/core/distributions.ts";
import { millis, seconds } from "../../sim/core/time.ts";
import { instantTiming, World } from "../../sim/engine/world.ts";
import type { AppBehaviour } from "../../sim/kubelet/kubelet.ts";
import { NetworkModel } from "../../sim/network/traffic.ts";
import { constant, deployment, nodes, setImage } from "../support/world.ts";
import { at, podsOn, service } from "./support.ts";

const t = suite("sampled availability agrees with the exact reachability within 3 standard errors (random seeds, long runs)");

const uniform = (a: number, b: number) => new UniformDistribution({ min: seconds(a), max: seconds(b) });

/**
 * Three nodes, web with 4 replicas and no readiness probe (Ready at container start, listening
 * 1–5 s later: refused meanwhile), random slice (0–1 s) and sync (50–300 ms) latencies, a service
 * time of 1–20 ms, pod kills every ~15 s, rollouts at 60 s and 150 s, worker-3 partitioned from
 * 200 s to 230 s (its pods marked not ready at 210 s). 200 req/s for 300 s.
 */
function run(seed: string) {
  const app: AppBehaviour = { startup: uniform(1, 5), shutdown: uniform(1, 3), crash: null, ready: true, preStop: null };
  const w = new World({
    seed,
    replication: 0,
    nodes: nodes(3),
    timing: instantTiming({ imagePull: uniform(1, 3), containerStart: constant(0.5) }),
    appFor: () => app,
  });
  w.bootstrap([deployment("web", 4), service("web")]);
  const net = new NetworkModel(w.ctx, {
    endpointSliceLatency: uniform(0, 1),
    kubeProxySync: { minSyncPeriod: seconds(1), latency: new UniformDistribution({ min: millis(50), max: millis(300) }) },
    serviceTime: new UniformDistribution({ min: millis(1), max: millis(20) }),
    traffic: [{ service: "web", rate: 200, timeout: seconds(1) }],
  });
  const kills = w.streams.stream("test", "kills");
  const gap = new ExponentialDistribution({ mean: seconds(15) });
  const kill = () => {
    const pods = [...w.store.pods.values()].filter((p) => p.deletionTimestamp === null);
    if (pods.length > 0) w.store.apply({ type: "pod/delete", uid: kills.pick(pods).uid, gracePeriodSeconds: 30 });
    w.sim.after(gap.sample(kills), kill);
  };
  w.sim.after(gap.sample(kills), kill);
  at(w, 60, () => setImage(w, "web", "web:v2"));
  at(w, 150, () => setImage(w, "web", "web:v3"));
  at(w, 200, () => w.store.apply({ type: "node/update", name: "worker-3", patch: { reachable: false } }));
  at(w, 210, () => {
    for (const pod of podsOn(w, "worker-3")) w.store.apply({ type: "pod/status", uid: pod.uid, status: { ready: false } });
  });
  at(w, 230, () => w.store.apply({ type: "node/update", name: "worker-3", patch: { reachable: true } }));
  w.run(seconds(300));
  return net.results()[0];
}

t("per seed |z| < 3 and pooled |z| < 3, with z = (ok − n·r) / √(n·r·(1 − r))", () => {
  // Given the state path, arrivals are Poisson and independent of it, so each request succeeds
  // with probability r (the time average of the success probability, in-service cuts included)
  // independently: ok ~ Binomial(n, r).
  let dev = 0;
  let variance = 0;
  const zs: string[] = [];
  for (const seed of ["1", "2", "3", "4", "5", "6", "7", "8"]) {
    const r = run(seed);
    const n = r.requestsTotal;
    const p = r.reachability!;
    assert.ok(p < 0.999 && p > 0.5, `seed ${seed}: reachability ${p} (the scenario should hurt)`);
    assert.ok(Math.abs(n - 60000) < 4 * Math.sqrt(60000), `seed ${seed}: ${n} requests`);
    const z = (r.ok - n * p) / Math.sqrt(n * p * (1 - p));
    zs.push(`${seed}: r=${p.toFixed(5)} a=${r.availability!.toFixed(5)} z=${z.toFixed(2)}`);
    assert.ok(Math.abs(z) < 3, zs.join("\n"));
    dev += r.ok - n * p;
    variance += n * p * (1 - p);
  }
  const pooled = dev / Math.sqrt(variance);
  assert.ok(Math.abs(pooled) < 3, `pooled z ${pooled}\n${zs.join("\n")}`);
});

t.run();
