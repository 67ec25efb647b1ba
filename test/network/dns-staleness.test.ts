import { suite } from "uvu";
import * as assert from "uvu/assert";
import { seconds } from "../../sim/core/time.ts";
import type { World } from "../../sim/engine/world.ts";
import { parseDnsName } from "../../sim/network/dns.ts";
import { makePod } from "../support/kubelet-world.ts";
import { constant, nodes, testWorld } from "../support/world.ts";
import { at, constantNetwork, service, traffic, withinBinomial } from "./support.ts";

const t = suite("DNS: a StatefulSet pod that moves is unreachable by name until the clients' caches expire");

// A headless Service `web` and a pod web-0 (hostname web-0, subdomain web), as a StatefulSet
// makes them, on worker-1. Image pull 2 s, start 0.5 s, startup 0, shutdown 2 s; slices 0.5 s.
// The model starts at 5 s with web-0 Ready. At 30 s web-0 is deleted (no preStop): SIGTERM at
// 30, removed at 32; at 32 a new web-0 is created on worker-2 (new IP): pulled 34, Ready 34.5,
// in the slices at 35.0. CoreDNS answers web-0.web: old IP until 30.5, NXDOMAIN until 35, then
// the new IP. Clients (one per node) cache for the ttl and refresh at phases spread evenly.
function statefulPod(name: string) {
  return makePod(name, { hostname: name, subdomain: "web" });
}

function moveWeb0(w: World): void {
  const first = statefulPod("web-0");
  w.store.apply({ type: "pod/create", pod: first });
  w.store.apply({ type: "pod/bind", uid: first.uid, node: "worker-1" });
  at(w, 30, () => w.store.apply({ type: "pod/delete", uid: first.uid, gracePeriodSeconds: 30 }));
  at(w, 32, () => {
    const again = statefulPod("web-0");
    w.store.apply({ type: "pod/create", pod: again });
    w.store.apply({ type: "pod/bind", uid: again.uid, node: "worker-2" });
  });
}

function run(ttl: number) {
  const w = testWorld({ nodes: nodes(2), app: { startup: constant(0) } });
  w.bootstrap([service("web", { clusterIP: "None" })]);
  moveWeb0(w);
  w.run(seconds(5));
  const net = constantNetwork(w, { traffic: [traffic("web-0.web", 1000)], dns: { ttl: seconds(ttl), refreshPhases: "spread" } });
  return { w, net };
}

t("names: short forms complete in the default namespace", () => {
  assert.equal(parseDnsName("web-0.web"), { fqdn: "web-0.web.default.svc.cluster.local", namespace: "default", service: "web", hostname: "web-0" });
  assert.equal(parseDnsName("web"), { fqdn: "web.default.svc.cluster.local", namespace: "default", service: "web", hostname: null });
  assert.equal(parseDnsName("db-1.db.data.svc.cluster.local").namespace, "data");
  assert.throws(() => parseDnsName("a.b.c"));
});

t("ttl 30 s: worker-2's client (refreshes at 15, 45 …) recovers at 45 s, worker-1's (0, 30, 60 …) at 60 s", () => {
  const { w, net } = run(30);
  const oldIp = w.store.podsByName.get("default/web-0")!.ip!;
  w.run(seconds(50));
  const newIp = w.store.podsByName.get("default/web-0")!.ip!;
  assert.not.equal(newIp, oldIp);
  // At 50: CoreDNS has the new IP; worker-1 refreshed at 30 (before the change at 30.5) and still
  // holds the old one; worker-2 refreshed at 45 and holds the new one.
  assert.equal(net.lookup("web-0.web"), [newIp]);
  assert.equal(net.resolve("web-0.web", "worker-1"), [oldIp]);
  assert.equal(net.resolve("web-0.web", "worker-2"), [newIp]);
  w.run(seconds(70));
  const [r] = net.results();
  // p = 1 on [5, 30); 0 on [30, 45) (both clients hold the old IP: stopping, then gone → refused);
  // 1/2 on [45, 60); 1 from 60. In service at SIGTERM: 5 ms at share 1. Run 5 → 70 s.
  const lost = 15 + 0.5 * 15 + 0.005;
  assert.ok(Math.abs(r.reachability! - (1 - lost / 65)) < 1e-12, `reachability ${r.reachability}`);
  assert.is(r.unreachableSeconds, 15);
  assert.is(r.timeout, 0);
  assert.ok(withinBinomial(r.failed, r.requestsTotal, lost / 65));
  for (const b of r.bins) if (b.requestsFailed > 0) assert.ok(b.start >= seconds(29) && b.start < seconds(60));
  // Programmed minimum for a name: the fewest answers a live client's cache holds.
  assert.equal([29, 40, 55, 61].map((s) => r.bins.find((b) => b.start === seconds(s))!.endpointsProgrammedMin), [1, 1, 1, 1]);
});

t("ttl 5 s: worker-2 caches NXDOMAIN from its refresh at 32.5 until 37.5; worker-1 gets the new IP at 35", () => {
  const { w, net } = run(5);
  w.run(seconds(33));
  assert.equal(net.resolve("web-0.web", "worker-2"), []);
  assert.is(net.resolve("web-0.web", "worker-1").length, 1);
  w.run(seconds(70));
  const [r] = net.results();
  // worker-1 refreshes at 30, 35 (sees the change at exactly 35), worker-2 at 32.5, 37.5.
  // p = 0 on [30, 35), 1/2 on [35, 37.5), 1 after; plus 5 ms in service at 30.
  const lost = 5 + 0.5 * 2.5 + 0.005;
  assert.ok(Math.abs(r.reachability! - (1 - lost / 65)) < 1e-12, `reachability ${r.reachability}`);
  assert.is(r.unreachableSeconds, 5);
  assert.ok(withinBinomial(r.failed, r.requestsTotal, lost / 65));
  // The fewest answers any cache held: 0 while worker-2 held NXDOMAIN.
  assert.equal([31, 33, 38].map((s) => r.bins.find((b) => b.start === seconds(s))!.endpointsProgrammedMin), [1, 0, 1]);
});

t("no cache (ttl 0): the name is down exactly from SIGTERM until the new endpoint is ready", () => {
  const { w, net } = run(0);
  w.run(seconds(70));
  const [r] = net.results();
  assert.is(r.unreachableSeconds, 5);
  assert.ok(Math.abs(r.reachability! - (1 - 5.005 / 65)) < 1e-12);
});

t("a headless Service's own name answers every ready endpoint; clients spread over them", () => {
  const w = testWorld({ nodes: nodes(2), app: { startup: constant(0) } });
  w.bootstrap([service("web", { clusterIP: "None" })]);
  for (const [name, node] of [
    ["web-0", "worker-1"],
    ["web-1", "worker-2"],
  ]) {
    const pod = statefulPod(name);
    w.store.apply({ type: "pod/create", pod });
    w.store.apply({ type: "pod/bind", uid: pod.uid, node });
  }
  w.run(seconds(5));
  const net = constantNetwork(w, { traffic: [traffic("web", 1000)], dns: { ttl: seconds(30), refreshPhases: "spread" } });
  assert.is(net.lookup("web").length, 2);
  // web-1 stops answering at 10 and leaves the slices at 10.5 (Ready=False); worker-1's cache
  // (refresh at 30) and worker-2's (refresh at 15) keep both IPs until then.
  const web1 = w.store.podsByName.get("default/web-1")!;
  at(w, 10, () => w.store.apply({ type: "pod/status", uid: web1.uid, status: { process: "exited", ready: false } }));
  w.run(seconds(40));
  const [r] = net.results();
  // p = 1/2 on [10, 15) (both hold 2 IPs), (1/2 + 1)/2 on [15, 30), 1 from 30; 5 ms at 1/2.
  const lost = 0.5 * 5 + 0.25 * 15 + 0.5 * 0.005;
  assert.ok(Math.abs(r.reachability! - (1 - lost / 35)) < 1e-12, `reachability ${r.reachability}`);
  assert.is(r.unreachableSeconds, 0);
});

t.run();
