import { suite } from "uvu";
import * as assert from "uvu/assert";
import { UniformDistribution } from "../../sim/core/distributions.ts";
import { millis, seconds } from "../../sim/core/time.ts";
import { instantTiming, World } from "../../sim/engine/world.ts";
import { NetworkModel } from "../../sim/network/traffic.ts";
import { constant, deployment, nodes, setImage } from "../support/world.ts";
import { at, service } from "./support.ts";

const t = suite("determinism: same seed, same results; extra checkpoints change nothing");

const uniform = (a: number, b: number) => new UniformDistribution({ min: seconds(a), max: seconds(b) });

function run(seed: string, extraCheckpoints: number) {
  const app = { startup: uniform(1, 3), shutdown: uniform(1, 2), crash: null, ready: true, preStop: null };
  const w = new World({ seed, replication: 0, nodes: nodes(4), timing: instantTiming({ imagePull: uniform(1, 2), containerStart: constant(0.5) }), appFor: () => app });
  w.bootstrap([deployment("web", 6), service("web")]);
  const net = new NetworkModel(w.ctx, {
    endpointSliceLatency: uniform(0, 1),
    kubeProxySync: { minSyncPeriod: seconds(1), latency: new UniformDistribution({ min: millis(50), max: millis(300) }) },
    serviceTime: new UniformDistribution({ min: millis(1), max: millis(30) }),
    traffic: [{ service: "web", rate: 300, timeout: seconds(1), retries: { count: 2, backoff: uniform(0.1, 0.5) } }],
  });
  at(w, 10, () => setImage(w, "web", "web:v2"));
  // A no-op node update makes every watcher (the network model included) look at the cluster.
  for (let i = 1; i <= extraCheckpoints; i++) {
    at(w, (i * 60) / (extraCheckpoints + 1), () => w.store.apply({ type: "node/update", name: "worker-1", patch: { unschedulable: false } }));
  }
  w.run(seconds(60));
  return net.results();
}

t("same seed → identical results; another seed → different samples", () => {
  const a = run("d1", 0);
  assert.equal(run("d1", 0), a);
  assert.not.equal(run("d2", 0)[0].requestsTotal, a[0].requestsTotal);
});

t("cutting the timeline at 97 extra instants leaves samples and integrals unchanged", () => {
  const a = run("d1", 0)[0];
  const b = run("d1", 97)[0];
  assert.equal([b.requestsTotal, b.ok, b.failed, b.timeout], [a.requestsTotal, a.ok, a.failed, a.timeout]);
  assert.equal(b.bins.map((x) => [x.requestsOk, x.requestsFailed, x.requestsTimeout]), a.bins.map((x) => [x.requestsOk, x.requestsFailed, x.requestsTimeout]));
  assert.ok(Math.abs(b.reachability! - a.reachability!) < 1e-12);
  assert.ok(Math.abs(b.unreachableSeconds - a.unreachableSeconds) < 1e-9);
  assert.ok(a.failed > 0);
});

t.run();
