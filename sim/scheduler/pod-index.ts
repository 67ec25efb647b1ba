/**
 * A MatchingPodCounter over the pods bound to nodes, kept incrementally so that topology
 * spreading costs O(1) map lookups per node instead of a walk over pods.
 *
 * For every (namespace, selector object) asked about, a tally of matching pods per node and per
 * zone is built once by scanning the namespace's pods, then kept current by addPod/removePod.
 * A pod only reaches the tallies whose selector could match it: tallies are indexed by their
 * first matchLabels pair, so an add costs a few map lookups, not one match per selector.
 *
 * A caller that schedules over one node list can bind it (`bindNodes`): the per-node tallies are
 * then arrays indexed by position in that list, which `countsByNode` hands to the scheduler, so a
 * cycle reads counts from a typed array instead of hashing 500 node names (a Map of 5,000 names
 * per selector also costs ten times the memory of an Int32Array).
 *
 * Left out on purpose: terminating pods are the caller's to remove (upstream does not count them
 * for spreading, though their resources stay on the node), and a node changing zone needs its
 * pods removed and re-added. Selectors are keyed by identity: pass the same object each time.
 */
import { labelSelectorMatches } from "./labels.ts";
import type { LabelSelector, MatchingPodCounter, SchedNode } from "./types.ts";

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
  /** Matching pods per position in the bound node list (grown with it). */
  byPosition: Int32Array;
  /** Matching pods on nodes outside the bound list. */
  readonly byOtherNode: Map<string, number>;
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
  /** The bound node list (append-only) and each of its names' position. */
  #bound: readonly SchedNode[] | null = null;
  readonly #positions = new Map<string, number>();
  /** Length of every tally's byPosition array. */
  #capacity = 0;
  readonly #allTallies: Tally[] = [];

  /**
   * Counts per position in `nodes` from now on (see `countsByNode`). The list may grow by
   * appending (nodes added) but must not be reordered; bind before adding pods, once.
   */
  bindNodes(nodes: readonly SchedNode[]): void {
    if (this.#bound !== null) throw new Error("pod index: a node list is bound already");
    this.#bound = nodes;
    this.#syncPositions();
  }

  /**
   * Matching pods per node for the node list the scheduler was given, indexed like it, when that
   * is the bound list; else undefined (use countOnNode). Valid until the next add or remove.
   */
  countsByNode(namespace: string, selector: LabelSelector, nodes: readonly SchedNode[]): ArrayLike<number> | undefined {
    if (nodes !== this.#bound) return undefined;
    this.#syncPositions();
    return this.#tally(namespace, selector).byPosition;
  }

  /** Takes in nodes appended to the bound list since the last call. */
  #syncPositions(): void {
    const bound = this.#bound;
    if (bound === null || bound.length === this.#positions.size) return;
    if (bound.length > this.#capacity) {
      this.#capacity = Math.max(bound.length, 2 * this.#capacity, 16);
      for (const t of this.#allTallies) {
        const grown = new Int32Array(this.#capacity);
        grown.set(t.byPosition);
        t.byPosition = grown;
      }
    }
    for (let i = this.#positions.size; i < bound.length; i++) {
      const name = bound[i].name;
      if (this.#positions.has(name)) throw new Error(`pod index: node ${name} appears twice in the bound node list`);
      this.#positions.set(name, i);
      for (const t of this.#allTallies) {
        const n = t.byOtherNode.get(name);
        if (n === undefined) continue;
        t.byPosition[i] = n;
        t.byOtherNode.delete(name);
      }
    }
  }

  #bumpNode(t: Tally, nodeName: string, delta: number): void {
    const at = this.#positions.get(nodeName);
    if (at === undefined) bump(t.byOtherNode, nodeName, delta);
    else t.byPosition[at] += delta;
  }

  /** Number of pods indexed. */
  get size(): number {
    let n = 0;
    for (const pods of this.#pods.values()) n += pods.size;
    return n;
  }

  /** Records a (non-terminating) pod bound to `nodeName` in `zone` ("" = no zone). */
  addPod(pod: IndexedPod, nodeName: string, zone: string): void {
    this.#syncPositions();
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
    this.#syncPositions();
    const pods = this.#pods.get(pod.namespace);
    const placement = pods?.get(pod);
    if (pods === undefined || placement === undefined) throw new Error(`pod index: removing a pod that is not indexed (namespace ${pod.namespace})`);
    pods.delete(pod);
    this.#apply(pod, placement.nodeName, placement.zone, -1);
  }

  countOnNode(nodeName: string, namespace: string, selector: LabelSelector): number {
    this.#syncPositions();
    const tally = this.#tally(namespace, selector);
    const at = this.#positions.get(nodeName);
    return at === undefined ? (tally.byOtherNode.get(nodeName) ?? 0) : tally.byPosition[at];
  }

  countInZone(zone: string, namespace: string, selector: LabelSelector): number {
    return this.#tally(namespace, selector).byZone.get(zone) ?? 0;
  }

  #apply(pod: IndexedPod, nodeName: string, zone: string, delta: number): void {
    const generic = this.#generic.get(pod.namespace);
    if (generic !== undefined) {
      for (const t of generic) {
        if (labelSelectorMatches(t.selector, pod.labels)) {
          this.#bumpNode(t, nodeName, delta);
          bump(t.byZone, zone, delta);
        }
      }
    }
    for (const key in pod.labels) {
      const candidates = this.#byFirstLabel.get(labelKey(pod.namespace, key, pod.labels[key]));
      if (candidates === undefined) continue;
      for (const t of candidates) {
        if (labelSelectorMatches(t.selector, pod.labels)) {
          this.#bumpNode(t, nodeName, delta);
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

    tally = { selector, byPosition: new Int32Array(this.#capacity), byOtherNode: new Map(), byZone: new Map() };
    for (const [pod, placement] of this.#pods.get(namespace) ?? []) {
      if (labelSelectorMatches(selector, pod.labels)) {
        this.#bumpNode(tally, placement.nodeName, 1);
        bump(tally.byZone, placement.zone, 1);
      }
    }
    bySelector.set(selector, tally);
    this.#allTallies.push(tally);
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
