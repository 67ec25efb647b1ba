/**
 * Items with an equality-based label selector (a Service's `spec.selector`), filed under the
 * first (key, value) pair of their selector and their namespace, so that the items that could
 * select a pod are found with a few Map lookups instead of matching every selector: an item
 * selects the pod only if the pod carries its first pair. Lookups build no strings.
 *
 * Leaves out: matching itself (the caller checks each candidate with the full selector) and
 * selectors without pairs (they select nothing here, as a Service with an empty selector).
 */

/** Where an item is filed. */
export interface FirstPair {
  readonly namespace: string;
  readonly key: string;
  readonly value: string;
}

/** The first pair of a selector in iteration order, or null when it has none. */
export function firstPair(namespace: string, selector: Readonly<Record<string, string>> | null): FirstPair | null {
  if (selector === null) return null;
  for (const key in selector) return { namespace, key, value: selector[key] };
  return null;
}

export function samePair(a: FirstPair | null, b: FirstPair | null): boolean {
  if (a === null || b === null) return a === b;
  return a.namespace === b.namespace && a.key === b.key && a.value === b.value;
}

export class FirstPairIndex<T> {
  /** label key → namespace → label value → items, in the order they were filed. */
  readonly #byKey = new Map<string, Map<string, Map<string, T[]>>>();

  add(pair: FirstPair, item: T): void {
    let byNamespace = this.#byKey.get(pair.key);
    if (byNamespace === undefined) this.#byKey.set(pair.key, (byNamespace = new Map()));
    let byValue = byNamespace.get(pair.namespace);
    if (byValue === undefined) byNamespace.set(pair.namespace, (byValue = new Map()));
    const items = byValue.get(pair.value);
    if (items === undefined) byValue.set(pair.value, [item]);
    else items.push(item);
  }

  remove(pair: FirstPair, item: T): void {
    const byNamespace = this.#byKey.get(pair.key);
    const byValue = byNamespace?.get(pair.namespace);
    const items = byValue?.get(pair.value);
    const at = items?.indexOf(item) ?? -1;
    if (at < 0) throw new Error(`selector index: item not filed under ${pair.namespace}/${pair.key}=${pair.value}`);
    items!.splice(at, 1);
    if (items!.length > 0) return;
    byValue!.delete(pair.value);
    if (byValue!.size > 0) return;
    byNamespace!.delete(pair.namespace);
    if (byNamespace!.size === 0) this.#byKey.delete(pair.key);
  }

  /**
   * Calls `visit` for every item filed under a pair that `labels` (of a pod in `namespace`)
   * carries; items may repeat only across different keys.
   */
  forCandidates(namespace: string, labels: Readonly<Record<string, string>>, visit: (item: T) => void): void {
    for (const [key, byNamespace] of this.#byKey) {
      if (!Object.hasOwn(labels, key)) continue;
      const items = byNamespace.get(namespace)?.get(labels[key]);
      if (items !== undefined) for (const item of items) visit(item);
    }
  }
}
