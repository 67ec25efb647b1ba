import { suite } from "uvu";
import * as assert from "uvu/assert";
import { seconds } from "../../sim/core/time.ts";
import { serviceFromManifest } from "../../sim/model/from-manifest.ts";
import type { Pod } from "../../sim/model/objects.ts";
import {
  type Endpoint,
  type EndpointSlice,
  EndpointSliceController,
  placeEndpoints,
  podToEndpoint,
  shouldPodBeInEndpoints,
} from "../../sim/network/endpointslice.ts";
import { makePod } from "../support/kubelet-world.ts";
import { constant, deployment, nodes, testWorld } from "../support/world.ts";
import { at, service, sliceEvents } from "./support.ts";

const t = suite("EndpointSlice controller: conditions, placement in slices of ≤ 100, batching, events");

function pod(overrides: Partial<Pod> = {}, spec: Partial<Pod["spec"]> = {}): Pod {
  return { ...makePod("web-0", spec), ip: "10.0.0.1", nodeName: "n1", phase: "Running", ...overrides };
}

const svc = (spec: Record<string, unknown> = {}) => serviceFromManifest(service("web", spec), "uid-svc");

t("podToEndpoint: serving = Ready, terminating = deletionTimestamp, ready = publishNotReadyAddresses || (serving && !terminating)", () => {
  const rows: [boolean, number | null, boolean, [boolean, boolean, boolean]][] = [
    // pod Ready, deletionTimestamp, publishNotReadyAddresses → [ready, serving, terminating]
    [true, null, false, [true, true, false]],
    [true, 30, false, [false, true, true]],
    [false, null, false, [false, false, false]],
    [false, 30, false, [false, false, true]],
    [false, 30, true, [true, false, true]],
    [true, 30, true, [true, true, true]],
  ];
  for (const [ready, deletion, pnra, expected] of rows) {
    const e = podToEndpoint(pod({ ready, deletionTimestamp: deletion }), svc({ publishNotReadyAddresses: pnra }));
    assert.equal([e.conditions.ready, e.conditions.serving, e.conditions.terminating], expected, `ready=${ready} deletion=${deletion} pnra=${pnra}`);
  }
});

t("which pods: an IP and not Succeeded/Failed (terminating pods stay); hostname only for its subdomain's Service", () => {
  assert.is(shouldPodBeInEndpoints(pod({ ip: null })), false);
  assert.is(shouldPodBeInEndpoints(pod({ phase: "Succeeded" })), false);
  assert.is(shouldPodBeInEndpoints(pod({ phase: "Failed" })), false);
  assert.is(shouldPodBeInEndpoints(pod({ deletionTimestamp: 5 })), true);
  assert.is(podToEndpoint(pod({}, { hostname: "web-0", subdomain: "web" }), svc()).hostname, "web-0");
  assert.is(podToEndpoint(pod({}, { hostname: "web-0", subdomain: "db" }), svc()).hostname, null);
});

// Placement: endpoints e0, e1 … with distinct IPs; slices shown as "name:count".
function eps(from: number, to: number, ready = true): Endpoint[] {
  const out: Endpoint[] = [];
  for (let i = from; i < to; i++) {
    out.push({ podUid: `u${i}`, podName: `p${i}`, ip: `ip${i}`, nodeName: "n", hostname: null, conditions: { ready, serving: ready, terminating: false } });
  }
  return out;
}
const desired = (...groups: Endpoint[][]) => new Map(groups.flat().map((e) => [`${e.podName}\u0000${e.ip}\u0000`, e]));
const shape = (slices: EndpointSlice[] | null) => (slices === null ? null : slices.map((s) => `${s.name}:${s.endpoints.length}`));
function namer() {
  let n = 0;
  return () => `new${++n}`;
}

t("placement follows reconcileByPortMapping (max 100 per slice)", () => {
  const a: EndpointSlice = { name: "a", endpoints: eps(0, 100) };
  const b: EndpointSlice = { name: "b", endpoints: eps(100, 140) };
  // 250 new endpoints, no slices: 100 + 100 + 50.
  assert.equal(shape(placeEndpoints([], desired(eps(0, 250)), 100, namer())), ["new1:100", "new2:100", "new3:50"]);
  // Nothing changed: nothing to write.
  assert.is(placeEndpoints([a, b], desired(eps(0, 140)), 100, namer()), null);
  // 30 new: step 3 puts them in the unchanged slice left closest to full that fits them (b: 40 → 70).
  assert.equal(shape(placeEndpoints([a, b], desired(eps(0, 140), eps(500, 530)), 100, namer())), ["a:100", "b:70"]);
  // 10 removed from a and 5 new: a is being updated, so it takes them first (90 → 95); b unchanged.
  assert.equal(shape(placeEndpoints([a, b], desired(eps(10, 140), eps(500, 505)), 100, namer())), ["a:95", "b:40"]);
  // One condition changed in b: only b is rewritten (same size).
  const placed = placeEndpoints([a, b], desired(eps(0, 100), eps(100, 139), eps(139, 140, false)), 100, namer())!;
  assert.equal(shape(placed), ["a:100", "b:40"]);
  assert.is(placed[1].endpoints[39].conditions.ready, false);
  // a emptied, 100 new ones: a new slice would be created and a deleted → finalize reuses a's name.
  assert.equal(shape(placeEndpoints([a, b], desired(eps(100, 140), eps(500, 600)), 100, namer())), ["b:40", "a:100"]);
  // 150 new with full slices: one new slice of 100; the 50 left fit no unchanged slice → another.
  assert.equal(shape(placeEndpoints([a, { name: "c", endpoints: eps(200, 300) }], desired(eps(0, 100), eps(200, 300), eps(500, 650)), 100, namer())), [
    "a:100",
    "c:100",
    "new1:100",
    "new2:50",
  ]);
  // Every endpoint gone: one empty placeholder slice, reusing a deleted slice's name.
  assert.equal(shape(placeEndpoints([a, b], desired(), 100, namer())), ["a:0"]);
  assert.is(placeEndpoints([{ name: "a", endpoints: [] }], desired(), 100, namer()), null);
});

t("in a world: 250 pods → slices of 100, 100, 50; a Service without a selector gets none", () => {
  const w = testWorld({ nodes: nodes(3), app: { startup: constant(0) } });
  w.bootstrap([deployment("web", 250), service("web"), service("external", { selector: undefined })]);
  const c = new EndpointSliceController(w.ctx, { endpointSliceLatency: constant(0.5) });
  assert.equal(c.slicesOf("web")!.slices.map((s) => s.endpoints.length), [100, 100, 50]);
  assert.is(c.readyCount("web"), 250);
  assert.is(c.slicesOf("external"), undefined);
});

t("batching: changes within the latency coalesce into one write; its trigger time is the first change", () => {
  const w = testWorld({ nodes: nodes(2), app: { startup: constant(0) } });
  w.bootstrap([deployment("web", 3), service("web")]);
  const c = new EndpointSliceController(w.ctx, { endpointSliceLatency: constant(0.5) });
  const g0 = c.generation;
  const [p1, p2, p3] = [...w.store.pods.values()];
  at(w, 10, () => w.store.apply({ type: "pod/status", uid: p1.uid, status: { ready: false } }));
  at(w, 10.3, () => w.store.apply({ type: "pod/status", uid: p2.uid, status: { ready: false } }));
  w.run(seconds(11));
  assert.is(c.generation, g0 + 1);
  assert.is(c.slicesOf("web")!.lastChangeTriggerTime, seconds(10));
  assert.is(c.slicesOf("web")!.updatedAt, seconds(10.5));
  assert.is(c.readyCount("web"), 1);
  // A change undone before the write: the write finds nothing to change.
  at(w, 20, () => w.store.apply({ type: "pod/status", uid: p3.uid, status: { ready: false } }));
  at(w, 20.2, () => w.store.apply({ type: "pod/status", uid: p3.uid, status: { ready: true } }));
  w.run(seconds(21));
  assert.is(c.generation, g0 + 1);
  assert.equal(sliceEvents(w), [
    `EndpointNotReady@10.5 ${p1.name} (${p1.ip}) is not ready (serving=false, terminating=false)`,
    `EndpointNotReady@10.5 ${p2.name} (${p2.ip}) is not ready (serving=false, terminating=false)`,
  ]);
  // Deleting the Service removes its slices at once.
  w.store.apply({ type: "workload/delete", kind: "Service", name: "web" });
  assert.is(c.slicesOf("web"), undefined);
  assert.is(sliceEvents(w).filter((l) => l.startsWith("EndpointRemoved@21")).length, 3);
});

t.run();
