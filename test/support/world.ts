/**
 * Small worlds for end-to-end timeline tests: constant timings, nodes of one pool, apps with
 * constant behaviour, and helpers to read the event log as "reason@seconds message" lines.
 */
import { ConstantDistribution, type Distribution } from "../../sim/core/distributions.ts";
import { seconds } from "../../sim/core/time.ts";
import { type NodeSpec, World, type WorldTiming, instantTiming } from "../../sim/engine/world.ts";
import type { AppBehaviour } from "../../sim/kubelet/kubelet.ts";
import type { Manifest } from "../../sim/model/from-manifest.ts";

export const constant = (s: number): Distribution => new ConstantDistribution(seconds(s));

export function nodes(count: number, cpu = 64000): NodeSpec[] {
  return Array.from({ length: count }, (_, i) => ({
    name: `worker-${i + 1}`,
    pool: "worker",
    zone: "a",
    allocatable: { cpuMilli: cpu, memoryBytes: 256 * 2 ** 30, pods: 110 },
  }));
}

export interface TestWorldOptions {
  nodes?: NodeSpec[];
  timing?: Partial<WorldTiming>;
  app?: Partial<AppBehaviour>;
  /** Behaviour per pod revision label value (overrides `app`). */
  appByImage?: Record<string, Partial<AppBehaviour>>;
  /** The MaxUnavailableStatefulSet gate (default on). */
  maxUnavailableStatefulSet?: boolean;
}

export function testWorld(options: TestWorldOptions = {}): World {
  const base: AppBehaviour = { startup: constant(3), shutdown: constant(2), crash: null, ready: true, preStop: null, ...options.app };
  return new World({
    seed: "timeline",
    replication: 0,
    nodes: options.nodes ?? nodes(1),
    timing: instantTiming({ imagePull: constant(2), containerStart: constant(0.5), ...options.timing }),
    maxUnavailableStatefulSet: options.maxUnavailableStatefulSet,
    appFor: (pod) => {
      const image = pod.spec.containers[0]?.image ?? "";
      return { ...base, ...(options.appByImage?.[image] ?? {}) };
    },
  });
}

export function deployment(name: string, replicas: number, spec: Record<string, unknown> = {}, container: Record<string, unknown> = {}): Manifest {
  return {
    kind: "Deployment",
    metadata: { name },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: { containers: [{ name, image: `${name}:v1`, resources: { requests: { cpu: "100m", memory: "128Mi" } }, ...container }] },
      },
      ...spec,
    },
  };
}

/** A StatefulSet `name` of `replicas` with a governing Service of the same name, image `<name>:v1`. */
export function statefulSet(name: string, replicas: number, spec: Record<string, unknown> = {}, container: Record<string, unknown> = {}): Manifest {
  return {
    kind: "StatefulSet",
    metadata: { name },
    spec: {
      replicas,
      serviceName: name,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name, image: `${name}:v1`, ...container }] } },
      ...spec,
    },
  };
}

/** Changes a Deployment's image as `kubectl set image` does: new template, generation + 1. */
export function setImage(world: World, name: string, image: string): void {
  const d = world.store.deployments.get(name)!;
  const template = structuredClone(d.spec.template);
  (template.spec!.containers as { image: string }[])[0].image = image;
  d.spec = { ...d.spec, template };
  d.generation++;
  world.store.apply({ type: "workload/put", object: d });
}

/** Events of one kind as "Reason@t message", with pod-template hashes replaced by the image tag. */
export function eventLines(world: World, kind: string, hashes: Record<string, string> = {}): string[] {
  return world.events.events
    .filter((e) => e.kind === kind)
    .map((e) => {
      let message = e.message;
      for (const [hash, tag] of Object.entries(hashes)) message = message.split(hash).join(tag);
      return `${e.reason}@${e.time / 1e6} ${message}`;
    });
}

/** pod-template-hash → image tag, for readable expectations. */
export function hashNames(world: World): Record<string, string> {
  const out: Record<string, string> = {};
  for (const rs of world.store.replicaSets.values()) {
    const image = (rs.spec.template.spec!.containers as { image: string }[])[0].image;
    out[rs.templateHash] = image.split(":")[1];
  }
  return out;
}
