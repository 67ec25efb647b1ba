/**
 * Label lookups and selector matching with apimachinery's semantics: pod label selectors
 * (metav1.LabelSelector) and node selectors (nodeSelector + required node affinity).
 *
 * Left out on purpose: label key/value syntax validation (the API server rejects bad labels before
 * the scheduler sees them) and `matchFields` (only `metadata.name`, which kubesim does not use).
 */
import {
  LABEL_HOSTNAME,
  LABEL_TOPOLOGY_ZONE,
  type LabelSelector,
  type NodeSelectorRequirement,
  type NodeSelectorTerm,
  type SchedNode,
  type SchedPod,
} from "./types.ts";

/**
 * The value the scheduler sees for a node label, or undefined when the node lacks it. The zone
 * comes from `node.zone` ("" = no label); the hostname label defaults to the node name, as the
 * kubelet sets it.
 */
export function nodeLabel(node: SchedNode, key: string): string | undefined {
  if (key === LABEL_TOPOLOGY_ZONE) return node.zone === "" ? undefined : node.zone;
  const labels = node.labels;
  if (Object.hasOwn(labels, key)) return labels[key];
  if (key === LABEL_HOSTNAME) return node.name;
  return undefined;
}

/** True when the selector has no requirement (it then matches every pod). */
export function isEmptySelector(selector: LabelSelector): boolean {
  if (selector.matchExpressions !== undefined && selector.matchExpressions.length > 0) return false;
  if (selector.matchLabels === undefined) return true;
  for (const _ in selector.matchLabels) return false;
  return true;
}

/** metav1.LabelSelectorAsSelector(selector).Matches(labels); one implementation, the model's. */
export { selectorMatches as labelSelectorMatches } from "../model/workloads.ts";

/** Go strconv.ParseInt(s, 10, 64): optional sign, decimal digits, within int64; else null. */
export function parseInt64(s: string): bigint | null {
  if (!/^[+-]?[0-9]+$/.test(s)) return null;
  const v = BigInt(s);
  if (v > 9_223_372_036_854_775_807n || v < -9_223_372_036_854_775_808n) return null;
  return v;
}

/**
 * One node selector requirement against a node, or null when it does not parse.
 *
 * staging/src/k8s.io/component-helpers/scheduling/corev1/nodeaffinity/nodeaffinity.go
 * nodeSelectorRequirementsAsSelector, with labels.NewRequirement's validation (In/NotIn need
 * values, Exists/DoesNotExist none, Gt/Lt exactly one integer) and labels.Requirement.Matches
 * (Gt/Lt need the label present and an integer value).
 */
function requirementMatches(node: SchedNode, r: NodeSelectorRequirement): boolean | null {
  const values = r.values ?? [];
  const value = nodeLabel(node, r.key);
  switch (r.operator) {
    case "In":
      if (values.length === 0) return null;
      return value !== undefined && values.includes(value);
    case "NotIn":
      if (values.length === 0) return null;
      return value === undefined || !values.includes(value);
    case "Exists":
      if (values.length !== 0) return null;
      return value !== undefined;
    case "DoesNotExist":
      if (values.length !== 0) return null;
      return value === undefined;
    case "Gt":
    case "Lt": {
      if (values.length !== 1) return null;
      const bound = parseInt64(values[0]);
      if (bound === null) return null;
      if (value === undefined) return false;
      const actual = parseInt64(value);
      if (actual === null) return false;
      return r.operator === "Gt" ? actual > bound : actual < bound;
    }
    default:
      return null;
  }
}

/**
 * nodeaffinity.go nodeSelectorTerm.match: requirements ANDed; an empty term matches nothing
 * (isEmptyNodeSelectorTerm); a term that fails to parse matches nothing.
 */
export function nodeSelectorTermMatches(node: SchedNode, term: NodeSelectorTerm): boolean {
  const expressions = term.matchExpressions;
  if (expressions === undefined || expressions.length === 0) return false;
  let all = true;
  for (const r of expressions) {
    const m = requirementMatches(node, r);
    if (m === null) return false;
    if (!m) all = false;
  }
  return all;
}

/**
 * nodeaffinity.go RequiredNodeAffinity.Match (GetRequiredNodeAffinity): the pod's nodeSelector
 * (equality on every key) AND any one of the required affinity terms. A required affinity with no
 * terms matches no node.
 */
export function podMatchesNodeAffinity(pod: SchedPod, node: SchedNode): boolean {
  const selector = pod.nodeSelector;
  if (selector !== undefined) {
    for (const key in selector) {
      if (nodeLabel(node, key) !== selector[key]) return false;
    }
  }
  const affinity = pod.requiredNodeAffinity;
  if (affinity === undefined) return true;
  for (const term of affinity.nodeSelectorTerms) {
    if (nodeSelectorTermMatches(node, term)) return true;
  }
  return false;
}

/** True when the pod restricts nodes by nodeSelector or required affinity. */
export function podHasNodeAffinity(pod: SchedPod): boolean {
  if (pod.requiredNodeAffinity !== undefined) return true;
  const selector = pod.nodeSelector;
  if (selector === undefined) return false;
  for (const _ in selector) return true;
  return false;
}
