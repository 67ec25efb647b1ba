/**
 * The per-node pending actions of kube-proxy (a sync finishing, a deferred run's timer) as one
 * indexed binary min-heap ordered by (time, node index). Each node has at most one entry, so
 * setting a node's time replaces its entry; the simulation's own event queue then needs no
 * event per node at all (see kube-proxy.ts).
 *
 * Leaves out: anything about what the actions are.
 */
import type { Time } from "../core/time.ts";

export class NodeHeap {
  #time: number[] = [];
  #node: number[] = [];
  /** Heap position of each node, -1 when it has no entry. */
  #pos: number[] = [];

  get size(): number {
    return this.#node.length;
  }

  /** The earliest entry's time, or +Infinity. */
  peekTime(): Time {
    return this.#node.length === 0 ? Number.POSITIVE_INFINITY : this.#time[0];
  }

  /** The earliest entry's node (undefined when empty). */
  peekNode(): number | undefined {
    return this.#node[0];
  }

  timeOf(node: number): Time | undefined {
    const p = this.#pos[node] ?? -1;
    return p < 0 ? undefined : this.#time[p];
  }

  /** Adds or moves the node's entry to `time`. */
  set(node: number, time: Time): void {
    while (this.#pos.length <= node) this.#pos.push(-1);
    let p = this.#pos[node];
    if (p < 0) {
      p = this.#node.length;
      this.#node.push(node);
      this.#time.push(time);
      this.#pos[node] = p;
      this.#up(p);
      return;
    }
    const before = this.#time[p];
    this.#time[p] = time;
    if (time < before) this.#up(p);
    else this.#down(p);
  }

  /** Removes the node's entry, if any. */
  delete(node: number): void {
    const p = this.#pos[node] ?? -1;
    if (p < 0) return;
    const last = this.#node.length - 1;
    this.#swap(p, last);
    this.#node.pop();
    this.#time.pop();
    this.#pos[node] = -1;
    if (p < last) {
      this.#up(p);
      this.#down(p);
    }
  }

  #less(a: number, b: number): boolean {
    const ta = this.#time[a];
    const tb = this.#time[b];
    return ta < tb || (ta === tb && this.#node[a] < this.#node[b]);
  }

  #swap(a: number, b: number): void {
    const na = this.#node[a];
    const nb = this.#node[b];
    const ta = this.#time[a];
    this.#node[a] = nb;
    this.#time[a] = this.#time[b];
    this.#node[b] = na;
    this.#time[b] = ta;
    this.#pos[nb] = a;
    this.#pos[na] = b;
  }

  #up(p: number): void {
    while (p > 0) {
      const parent = (p - 1) >> 1;
      if (!this.#less(p, parent)) return;
      this.#swap(p, parent);
      p = parent;
    }
  }

  #down(p: number): void {
    const n = this.#node.length;
    for (;;) {
      const l = 2 * p + 1;
      if (l >= n) return;
      const r = l + 1;
      const c = r < n && this.#less(r, l) ? r : l;
      if (!this.#less(c, p)) return;
      this.#swap(p, c);
      p = c;
    }
  }
}
