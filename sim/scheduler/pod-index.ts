/**
 * A MatchingPodCounter over the pods bound to nodes, kept incrementally so that topology
 * spreading costs O(1) map lookups per node instead of a walk over pods.
 *
 * For every (namespace, selector object) asked about, a tally of matching pods per node and per
 * zone is built once by scanning the namespace's pods, then kept current by addPod/removePod.
 * A pod only reaches the tallies whose selector could match it: tallies are indexed by their
 * first matchLabels pair, so an add costs a few map lookups, not one match per selector.
 *
 * Left out on purpose: terminating pods are the caller's to remove (upstream does not count them
 * for spreading, though their resources stay on the node), and a node changing zone needs its
 * pods removed and re-added. Selectors are keyed by identity: pass the same object each time.
 */
import { labelSelectorMatches } from "./labels.ts";
import type { LabelSelector, MatchingPodCounter } from "./types.ts";

/** What the index needs of a pod. */
export interface IndexedPod {
  readonly namespace: string;
  readonly labels: Readonly<Record<string, string>>;
}

interface Placement {
  readonly nodeName: string;
  readonly zone: string;
}

interface Tally {
  readonly selector: LabelSelector;
  readonly byNode: Map<string, number>;
  readonly byZone: Map<string, number>;
}

function bump(map: Map<string, number>, key: string, delta: number): void {
  const n = (map.get(key) ?? 0) + delta;
  if (n === 0) map.delete(key);
  else map.set(key, n);
}

function labelKey(namespace: string, key: string, value: string): string {
  return `${namespace}\u0000${key}\u0000${value}`;
}

export class PodCountIndex implements MatchingPodCounter {
  /** namespace → pod → where it is bound. */
  readonly #pods = new Map<string, Map<IndexedPod, Placement>>();
  /** namespace → selector → tally. */
  readonly #tallies = new Map<string, Map<LabelSelector, Tally>>();
  /** namespace+first matchLabels pair → tallies whose selector requires that pair. */
  readonly #byFirstLabel = new Map<string, Tally[]>();
  /** namespace → tallies without matchLabels (checked against every pod). */
  readonly #generic = new Map<string, Tally[]>();
  #lastSelector: LabelSelector | undefined;
  #lastNamespace = "";
  #lastTally: Tally | undefined;

  /** Number of pods indexed. */
  get size(): number {
    let n = 0;
    for (const pods of this.#pods.values()) n += pods.size;
    return n;
  }

  /** Records a (non-terminating) pod bound to `nodeName` in `zone` ("" = no zone). */
  addPod(pod: IndexedPod, nodeName: string, zone: string): void {
    let pods = this.#pods.get(pod.namespace);
    if (pods === undefined) {
      pods = new Map();
      this.#pods.set(pod.namespace, pods);
    }
    if (pods.has(pod)) throw new Error(`pod index: pod already indexed (namespace ${pod.namespace}, node ${pods.get(pod)!.nodeName})`);
    pods.set(pod, { nodeName, zone });
    this.#apply(pod, nodeName, zone, 1);
  }

  /** Forgets a pod (deleted, or marked terminating). Unknown pods are an error. */
  removePod(pod: IndexedPod): void {
    const pods = this.#pods.get(pod.namespace);
    const placement = pods?.get(pod);
    if (pods === undefined || placement === undefined) throw new Error(`pod index: removing a pod that is not indexed (namespace ${pod.namespace})`);
    pods.delete(pod);
    this.#apply(pod, placement.nodeName, placement.zone, -1);
  }

  countOnNode(nodeName: string, namespace: string, selector: LabelSelector): number {
    return this.#tally(namespace, selector).byNode.get(nodeName) ?? 0;
  }

  countInZone(zone: string, namespace: string, selector: LabelSelector): number {
    return this.#tally(namespace, selector).byZone.get(zone) ?? 0;
  }

  #apply(pod: IndexedPod, nodeName: string, zone: string, delta: number): void {
    const generic = this.#generic.get(pod.namespace);
    if (generic !== undefined) {
      for (const t of generic) {
        if (labelSelectorMatches(t.selector, pod.labels)) {
          bump(t.byNode, nodeName, delta);
          bump(t.byZone, zone, delta);
        }
      }
    }
    for (const key in pod.labels) {
      const candidates = this.#byFirstLabel.get(labelKey(pod.namespace, key, pod.labels[key]));
      if (candidates === undefined) continue;
      for (const t of candidates) {
        if (labelSelectorMatches(t.selector, pod.labels)) {
          bump(t.byNode, nodeName, delta);
          bump(t.byZone, zone, delta);
        }
      }
    }
  }

  #tally(namespace: string, selector: LabelSelector): Tally {
    // One cycle asks about one (namespace, selector) for hundreds of nodes in a row.
    if (selector === this.#lastSelector && namespace === this.#lastNamespace) return this.#lastTally!;
    const tally = this.#findOrBuild(namespace, selector);
    this.#lastSelector = selector;
    this.#lastNamespace = namespace;
    this.#lastTally = tally;
    return tally;
  }

  #findOrBuild(namespace: string, selector: LabelSelector): Tally {
    let bySelector = this.#tallies.get(namespace);
    if (bySelector === undefined) {
      bySelector = new Map();
      this.#tallies.set(namespace, bySelector);
    }
    let tally = bySelector.get(selector);
    if (tally !== undefined) return tally;

    tally = { selector, byNode: new Map(), byZone: new Map() };
    for (const [pod, placement] of this.#pods.get(namespace) ?? []) {
      if (labelSelectorMatches(selector, pod.labels)) {
        bump(tally.byNode, placement.nodeName, 1);
        bump(tally.byZone, placement.zone, 1);
      }
    }
    bySelector.set(selector, tally);
    let first: string | undefined;
    for (const key in selector.matchLabels ?? {}) {
      first = labelKey(namespace, key, selector.matchLabels![key]);
      break;
    }
    const bucketKey = first;
    const list = bucketKey === undefined ? this.#generic.get(namespace) : this.#byFirstLabel.get(bucketKey);
    if (list !== undefined) list.push(tally);
    else if (bucketKey === undefined) this.#generic.set(namespace, [tally]);
    else this.#byFirstLabel.set(bucketKey, [tally]);
    return tally;
  }
}
