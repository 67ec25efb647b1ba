/**
 * Helpers for the network tests: a Service manifest, a scale action, a model with constant
 * timings, and readable views of results (failed requests per bin, sync log lines).
 */
import type { Distribution } from "../../sim/core/distributions.ts";
import { seconds } from "../../sim/core/time.ts";
import type { World } from "../../sim/engine/world.ts";
import type { Manifest } from "../../sim/model/from-manifest.ts";
import type { Pod } from "../../sim/model/objects.ts";
import { NetworkModel, type NetworkOptions, type ServiceTrafficResult, type TrafficEntry } from "../../sim/network/traffic.ts";
import { constant } from "../support/world.ts";

export function service(name: string, spec: Record<string, unknown> = {}): Manifest {
  return { kind: "Service", metadata: { name }, spec: { selector: { app: name }, ports: [{ port: 80 }], ...spec } };
}

/** Changes a Deployment's replicas as `kubectl scale` does. */
export function scaleTo(world: World, name: string, replicas: number): void {
  const d = world.store.deployments.get(name)!;
  d.spec = { ...d.spec, replicas };
  d.generation++;
  world.store.apply({ type: "workload/put", object: d });
}

/** Runs `fn` at virtual time `t` (seconds) as a simulation event. */
export function at(world: World, t: number, fn: () => void): void {
  world.sim.at(seconds(t), () => fn());
}

export interface ConstantNetwork {
  /** endpointSliceLatency, seconds. */
  readonly slices?: number;
  /** kube-proxy minSyncPeriod, seconds. */
  readonly minSync?: number;
  /** kube-proxy sync latency, seconds. */
  readonly sync?: number;
  readonly traffic?: readonly TrafficEntry[];
  readonly serviceTime?: Distribution;
  readonly dns?: NetworkOptions["dns"];
}

/** A network model with constant timings (defaults: slices 0.5 s, minSync 1 s, sync 0.2 s). */
export function constantNetwork(world: World, o: ConstantNetwork = {}): NetworkModel {
  return new NetworkModel(world.ctx, {
    endpointSliceLatency: constant(o.slices ?? 0.5),
    kubeProxySync: { minSyncPeriod: seconds(o.minSync ?? 1), latency: constant(o.sync ?? 0.2) },
    traffic: o.traffic ?? [],
    serviceTime: o.serviceTime,
    dns: o.dns,
  });
}

export function traffic(service: string, rate: number, extra: Partial<TrafficEntry> = {}): TrafficEntry {
  return { service, rate, timeout: seconds(1), ...extra };
}

/** "start_s:failed" for every bin with failed requests, and the same for timeouts. */
export function badBins(r: ServiceTrafficResult): { failed: string[]; timeout: string[] } {
  const failed: string[] = [];
  const timeout: string[] = [];
  for (const b of r.bins) {
    if (b.requestsFailed > 0) failed.push(`${b.start / 1e6}:${b.requestsFailed}`);
    if (b.requestsTimeout > 0) timeout.push(`${b.start / 1e6}:${b.requestsTimeout}`);
  }
  return { failed, timeout };
}

/** The bins whose start is in [from, to) seconds. */
export function binsBetween(r: ServiceTrafficResult, from: number, to: number) {
  return r.bins.filter((b) => b.start >= seconds(from) && b.start < seconds(to));
}

/** Events of kind EndpointSlice as "Reason@t pod-prefix" lines. */
export function sliceEvents(world: World): string[] {
  return world.events.events.filter((e) => e.kind === "EndpointSlice").map((e) => `${e.reason}@${e.time / 1e6} ${e.message}`);
}

export function podsOn(world: World, node: string): Pod[] {
  return [...world.store.pods.values()].filter((p) => p.nodeName === node);
}

/**
 * |observed − expected| within `sigmas` standard deviations of a binomial count: for checks
 * of sampled counts against hand-derived probabilities (fixed seeds, so deterministic).
 */
export function withinBinomial(observed: number, n: number, p: number, sigmas = 4): boolean {
  const sd = Math.sqrt(n * p * (1 - p));
  return Math.abs(observed - n * p) <= sigmas * Math.max(sd, 1);
}
