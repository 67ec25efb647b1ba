/**
 * Which objects a fault hits: the candidates its selector matches, in name order, then the
 * mode's choice among them with the fault's own random stream (Chaos Mesh
 * pkg/selector/generic FilterObjectsByMode): `one` one at random, `all` every one, `fixed` N
 * distinct ones (all when fewer), `fixed-percent` ceil(n·P/100) distinct ones ("at least one").
 * The chosen targets come back in name order, so what a fault does is fixed by the seed alone.
 *
 * Leaves out: pods that are terminating or finished (they cannot be disrupted further).
 */
import type { RandomStream } from "../core/rng.ts";
import { isPodActive, type Node, type Pod } from "../model/objects.ts";
import type { ClusterStore } from "../model/store.ts";
import type { FaultMode, FaultSelector } from "./options.ts";

/** How many of n candidates a mode takes. Example: fixed-percent 50 of 5 → ceil(2.5) = 3; fixed 10 of 4 → 4. */
export function targetCount(mode: FaultMode, value: number | undefined, n: number): number {
  switch (mode) {
    case "one":
      return Math.min(1, n);
    case "all":
      return n;
    case "fixed":
      return Math.min(value!, n);
    case "fixed-percent":
      return Math.min(n, Math.ceil((n * value!) / 100));
  }
}

/**
 * The mode's choice among `candidates` (already in a deterministic order): k distinct indices by a
 * partial Fisher–Yates shuffle (one draw per pick; none for `all`), returned in candidate order.
 */
export function selectTargets<T>(candidates: readonly T[], mode: FaultMode, value: number | undefined, rng: RandomStream): T[] {
  const n = candidates.length;
  const k = targetCount(mode, value, n);
  if (k === n) return [...candidates];
  const indices = Array.from({ length: n }, (_, i) => i);
  for (let i = 0; i < k; i++) {
    const j = i + rng.int(n - i);
    [indices[i], indices[j]] = [indices[j], indices[i]];
  }
  return indices
    .slice(0, k)
    .sort((a, b) => a - b)
    .map((i) => candidates[i]);
}

function byName<T extends { name: string }>(a: T, b: T): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

function labelsMatch(want: Readonly<Record<string, string>> | undefined, labels: Readonly<Record<string, string>>): boolean {
  if (want === undefined) return true;
  for (const key in want) if (labels[key] !== want[key]) return false;
  return true;
}

function nodeMatches(s: FaultSelector, node: Node): boolean {
  return (s.node === undefined || node.name === s.node) && (s.pool === undefined || node.pool === s.pool) && (s.zone === undefined || node.zone === s.zone);
}

/** Nodes the selector matches, by name. */
export function nodeCandidates(store: ClusterStore, s: FaultSelector): Node[] {
  const out: Node[] = [];
  for (const node of store.nodes.values()) {
    if (nodeMatches(s, node) && labelsMatch(s.labels, node.labels) && (s.name === undefined || node.name === s.name)) out.push(node);
  }
  return out.sort(byName);
}

/** Active pods the selector matches (node fields apply to the pod's node), by namespace/name. */
export function podCandidates(store: ClusterStore, s: FaultSelector): Pod[] {
  const needsNode = s.node !== undefined || s.pool !== undefined || s.zone !== undefined;
  const out: Pod[] = [];
  for (const pod of store.pods.values()) {
    if (!isPodActive(pod) || !labelsMatch(s.labels, pod.labels) || (s.name !== undefined && pod.name !== s.name)) continue;
    if (needsNode) {
      const node = pod.nodeName === null ? undefined : store.nodes.get(pod.nodeName);
      if (node === undefined || !nodeMatches(s, node)) continue;
    }
    out.push(pod);
  }
  return out.sort((a, b) => byName({ name: `${a.namespace}/${a.name}` }, { name: `${b.namespace}/${b.name}` }));
}
