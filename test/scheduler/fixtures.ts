// Builders for small hand-made clusters. Not a test file: no suite here.
import { labelSelectorMatches } from "../../sim/scheduler/labels.ts";
import type { LabelSelector, MatchingPodCounter, NodeResources, SchedNode, SchedPod } from "../../sim/scheduler/types.ts";

export const MiB = 1024 * 1024;
export const GiB = 1024 * MiB;

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** A node with 4 cores, 8 GiB, 110 pods, nothing requested, no zone, no taints. */
export function makeNode(name: string, overrides: Partial<Mutable<SchedNode>> = {}): SchedNode {
  const allocatable: NodeResources = { cpuMilli: 4000, memoryBytes: 8 * GiB, pods: 110 };
  return {
    name,
    labels: {},
    zone: "",
    allocatable,
    requested: { cpuMilli: 0, memoryBytes: 0, pods: 0 },
    unschedulable: false,
    taints: [],
    ready: true,
    ...overrides,
  };
}

/** A pod in namespace "default" requesting 100m / 128 MiB, no tolerations. */
export function makePod(name: string, overrides: Partial<Mutable<SchedPod>> = {}): SchedPod {
  return {
    name,
    namespace: "default",
    labels: {},
    requests: { cpuMilli: 100, memoryBytes: 128 * MiB },
    tolerations: [],
    ...overrides,
  };
}

export interface ListedPod {
  readonly nodeName: string;
  readonly zone: string;
  readonly namespace: string;
  readonly labels: Readonly<Record<string, string>>;
}

/** The obvious counter: scan a list of (non-terminating) bound pods. */
export class ListCounter implements MatchingPodCounter {
  readonly pods: ListedPod[] = [];
  calls = 0;

  add(nodeName: string, zone: string, labels: Record<string, string>, count = 1, namespace = "default"): this {
    for (let i = 0; i < count; i++) this.pods.push({ nodeName, zone, namespace, labels });
    return this;
  }

  countOnNode(nodeName: string, namespace: string, selector: LabelSelector): number {
    this.calls++;
    return this.pods.filter((p) => p.nodeName === nodeName && p.namespace === namespace && labelSelectorMatches(selector, p.labels)).length;
  }
}

/** The same counter with the per-zone fast path. */
export class ZoneListCounter extends ListCounter {
  zoneCalls = 0;

  countInZone(zone: string, namespace: string, selector: LabelSelector): number {
    this.zoneCalls++;
    return this.pods.filter((p) => p.zone === zone && p.namespace === namespace && labelSelectorMatches(selector, p.labels)).length;
  }
}

/** A counter for pods that never spread (no existing pods). */
export const EMPTY_COUNTER: MatchingPodCounter = { countOnNode: () => 0, countInZone: () => 0 };

/** Replays the given draws and counts them; throws when it runs out. */
export function scriptedRng(draws: number[]): { next(): number; readonly used: number } {
  let i = 0;
  return {
    next() {
      if (i >= draws.length) throw new Error(`scriptedRng: draw ${i + 1} requested, only ${draws.length} scripted`);
      return draws[i++];
    },
    get used() {
      return i;
    },
  };
}
