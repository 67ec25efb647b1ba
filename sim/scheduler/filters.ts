/**
 * The default Filter plugins that matter for kubesim's pods, in upstream's order:
 * NodeUnschedulable, TaintToleration, NodeAffinity, NodeResourcesFit. (PodTopologySpread, the
 * last one, lives in topology-spread.ts because it needs per-pod state.) Each returns null when the
 * node passes, else the plugin's failure reasons exactly as upstream words them; the arrays are
 * shared constants or cached per taint, so filtering allocates nothing in the steady state.
 *
 * Left out on purpose: NodeName, NodePorts, the volume plugins and InterPodAffinity (kubesim pods
 * have no nodeName, host ports, volumes or pod affinity), the scheduler-enforced `addedAffinity`,
 * and the alpha Gt/Lt toleration operators (off by default in v1.35).
 */
import { podMatchesNodeAffinity } from "./labels.ts";
import type { SchedNode, SchedPod, Taint, Toleration } from "./types.ts";

/** The taint key whose toleration also tolerates `spec.unschedulable` (v1.TaintNodeUnschedulable). */
export const TAINT_NODE_UNSCHEDULABLE = "node.kubernetes.io/unschedulable";

/** nodeunschedulable/node_unschedulable.go ErrReasonUnschedulable. */
export const ERR_REASON_UNSCHEDULABLE = "node(s) were unschedulable";
/** nodeaffinity/node_affinity.go ErrReasonPod. */
export const ERR_REASON_NODE_AFFINITY = "node(s) didn't match Pod's node affinity/selector";
/** noderesources/fit.go fitsRequest reasons, in the order upstream appends them. */
export const ERR_REASON_TOO_MANY_PODS = "Too many pods";
export const ERR_REASON_INSUFFICIENT_CPU = "Insufficient cpu";
export const ERR_REASON_INSUFFICIENT_MEMORY = "Insufficient memory";

/**
 * Whether one toleration tolerates one taint.
 *
 * staging/src/k8s.io/api/core/v1/toleration.go Toleration.ToleratesTaint: an empty effect
 * matches every effect, an empty key every key; `Exists` matches every value, `Equal` (or an empty
 * operator) needs equal values. So `{operator: Exists}` with no key tolerates every taint.
 */
export function toleratesTaint(toleration: Toleration, taint: Taint): boolean {
  const effect = toleration.effect;
  if (effect !== undefined && effect !== "" && effect !== taint.effect) return false;
  const key = toleration.key;
  if (key !== undefined && key !== "" && key !== taint.key) return false;
  if (toleration.operator === "Exists") return true;
  return (toleration.value ?? "") === (taint.value ?? "");
}

/** component-helpers/scheduling/corev1/helpers.go TolerationsTolerateTaint: any toleration will do. */
export function tolerationsTolerateTaint(tolerations: readonly Toleration[], taint: Taint): boolean {
  for (const t of tolerations) if (toleratesTaint(t, taint)) return true;
  return false;
}

/**
 * The first NoSchedule/NoExecute taint (in the node's order) that no toleration tolerates.
 * component-helpers FindMatchingUntoleratedTaint with helper.DoNotScheduleTaintsFilterFunc.
 */
export function findUntoleratedTaint(taints: readonly Taint[], tolerations: readonly Toleration[]): Taint | undefined {
  for (const taint of taints) {
    if (taint.effect === "PreferNoSchedule") continue;
    if (!tolerationsTolerateTaint(tolerations, taint)) return taint;
  }
  return undefined;
}

const UNSCHEDULABLE_TAINT: Taint = { key: TAINT_NODE_UNSCHEDULABLE, effect: "NoSchedule" };
const REASONS_UNSCHEDULABLE: readonly string[] = Object.freeze([ERR_REASON_UNSCHEDULABLE]);
const REASONS_NODE_AFFINITY: readonly string[] = Object.freeze([ERR_REASON_NODE_AFFINITY]);

/**
 * nodeunschedulable/node_unschedulable.go Filter: a cordoned node rejects the pod unless the pod
 * tolerates `node.kubernetes.io/unschedulable:NoSchedule`.
 */
export function filterNodeUnschedulable(pod: SchedPod, node: SchedNode): readonly string[] | null {
  if (!node.unschedulable) return null;
  if (tolerationsTolerateTaint(pod.tolerations, UNSCHEDULABLE_TAINT)) return null;
  return REASONS_UNSCHEDULABLE;
}

const taintReasons = new WeakMap<Taint, readonly string[]>();

/** The reason for one untolerated taint, cached per taint object. */
function untoleratedTaintReason(taint: Taint): readonly string[] {
  let reasons = taintReasons.get(taint);
  if (reasons === undefined) {
    reasons = Object.freeze([`node(s) had untolerated taint {${taint.key}: ${taint.value ?? ""}}`]);
    taintReasons.set(taint, reasons);
  }
  return reasons;
}

/**
 * tainttoleration/taint_toleration.go Filter: every NoSchedule and NoExecute taint must be
 * tolerated; the reason names the first one that is not ("{key: value}", value possibly empty).
 */
export function filterTaintToleration(pod: SchedPod, node: SchedNode): readonly string[] | null {
  const taint = findUntoleratedTaint(node.taints, pod.tolerations);
  return taint === undefined ? null : untoleratedTaintReason(taint);
}

/** nodeaffinity/node_affinity.go Filter: nodeSelector AND required node affinity. */
export function filterNodeAffinity(pod: SchedPod, node: SchedNode): readonly string[] | null {
  return podMatchesNodeAffinity(pod, node) ? null : REASONS_NODE_AFFINITY;
}

const FIT_PODS = 1;
const FIT_CPU = 2;
const FIT_MEMORY = 4;
/** Every combination of fit failures, indexed by bitmask, in upstream's order. */
const FIT_REASONS: readonly (readonly string[])[] = Array.from({ length: 8 }, (_, mask) =>
  Object.freeze(
    [
      mask & FIT_PODS ? ERR_REASON_TOO_MANY_PODS : "",
      mask & FIT_CPU ? ERR_REASON_INSUFFICIENT_CPU : "",
      mask & FIT_MEMORY ? ERR_REASON_INSUFFICIENT_MEMORY : "",
    ].filter((r) => r !== ""),
  ),
);

/**
 * noderesources/fit.go fitsRequest: pods on the node + 1 ≤ allocatable pods; then, unless the
 * pod requests nothing at all, requested + request ≤ allocatable for cpu and for memory. A pod
 * without requests fits an overcommitted node. All failures are reported, pods first.
 *
 * Worked example: allocatable 4000m / 8 GiB / 110 pods, requested 3500m / 2 GiB / 12 pods, pod
 * 1000m / 1 GiB → 3500 + 1000 > 4000 → ["Insufficient cpu"].
 */
export function filterNodeResourcesFit(pod: SchedPod, node: SchedNode): readonly string[] | null {
  const alloc = node.allocatable;
  const used = node.requested;
  const req = pod.requests;
  return resourcesFit(alloc.cpuMilli, alloc.memoryBytes, alloc.pods, used.cpuMilli, used.memoryBytes, used.pods, req.cpuMilli, req.memoryBytes);
}

/** filterNodeResourcesFit's arithmetic on plain numbers (the node's allocatable, its requests, the pod's). */
export function resourcesFit(
  allocCpu: number,
  allocMemory: number,
  allocPods: number,
  usedCpu: number,
  usedMemory: number,
  usedPods: number,
  cpu: number,
  memory: number,
): readonly string[] | null {
  let mask = 0;
  if (usedPods + 1 > allocPods) mask |= FIT_PODS;
  if (cpu !== 0 || memory !== 0) {
    if (allocCpu < cpu + usedCpu) mask |= FIT_CPU;
    if (allocMemory < memory + usedMemory) mask |= FIT_MEMORY;
  }
  return mask === 0 ? null : FIT_REASONS[mask];
}
