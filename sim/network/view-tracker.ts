/**
 * Which "view" every client node holds (the EndpointSlice generation its kube-proxy has
 * programmed, or the DNS answer its resolver cache holds), kept as counts per view rather
 * than as per-node state that someone must scan: the reachability integral needs only
 * "how many client nodes see view v", and there are few distinct views at any time.
 *
 * Client classes: `NORMAL` nodes send requests that their view routes; `PARTITIONED` nodes
 * still send (and count in the denominator of "a uniformly random client node") but every
 * request of theirs times out; `DEAD` nodes (node-failure) run no clients.
 *
 * A short log of the changes to the NORMAL counts and the live total lets the model rebuild
 * the counts for any instant of the last `horizon` microseconds: the exact in-flight loss when
 * a backend stops answering needs who was routing to it just before (see service-time.ts).
 *
 * Leaves out: nothing per view beyond counts; what a view means is the caller's business.
 */
import type { Time } from "../core/time.ts";

export const NORMAL = 0;
export const PARTITIONED = 1;
export const DEAD = 2;
export type ClientClass = typeof NORMAL | typeof PARTITIONED | typeof DEAD;

const NONE = -1;

function bump(map: Map<number, number>, key: number, by: number): void {
  const n = (map.get(key) ?? 0) + by;
  if (n === 0) map.delete(key);
  else map.set(key, n);
}

export class ViewTracker {
  /** The view of each node. */
  readonly view: number[] = [];
  readonly #cls: ClientClass[] = [];
  /** NORMAL nodes per view. */
  readonly clientCounts = new Map<number, number>();
  /** NORMAL and PARTITIONED nodes per view (nodes whose kube-proxy or resolver is running). */
  readonly liveCounts = new Map<number, number>();
  /** Every node per view (the oldest view still held anywhere bounds what must be kept). */
  readonly allCounts = new Map<number, number>();
  /** NORMAL + PARTITIONED nodes: "a uniformly random client node" is drawn among these. */
  live = 0;
  /** Incremented by every change; a cache key for derived values. */
  version = 0;
  // The log: one entry per change of clientCounts or live, in time order.
  #logTime: number[] = [];
  #logFrom: number[] = [];
  #logTo: number[] = [];
  #logLive: number[] = [];
  #head = 0;

  get nodeCount(): number {
    return this.view.length;
  }

  classOf(node: number): ClientClass {
    return this.#cls[node];
  }

  addNode(view: number, cls: ClientClass, t: Time): number {
    const node = this.view.length;
    this.view.push(view);
    this.#cls.push(DEAD);
    bump(this.allCounts, view, 1);
    this.setClass(node, cls, t);
    return node;
  }

  switchView(node: number, to: number, t: Time): void {
    const from = this.view[node];
    if (from === to) return;
    this.view[node] = to;
    bump(this.allCounts, from, -1);
    bump(this.allCounts, to, 1);
    const cls = this.#cls[node];
    if (cls !== DEAD) {
      bump(this.liveCounts, from, -1);
      bump(this.liveCounts, to, 1);
    }
    if (cls === NORMAL) {
      bump(this.clientCounts, from, -1);
      bump(this.clientCounts, to, 1);
      this.#log(t, from, to, 0);
    }
    this.version++;
  }

  setClass(node: number, cls: ClientClass, t: Time): void {
    const was = this.#cls[node];
    if (was === cls) return;
    this.#cls[node] = cls;
    const v = this.view[node];
    const wasLive = was !== DEAD ? 1 : 0;
    const isLive = cls !== DEAD ? 1 : 0;
    if (wasLive !== isLive) bump(this.liveCounts, v, isLive - wasLive);
    this.live += isLive - wasLive;
    if (was === NORMAL) bump(this.clientCounts, v, -1);
    if (cls === NORMAL) bump(this.clientCounts, v, 1);
    this.#log(t, was === NORMAL ? v : NONE, cls === NORMAL ? v : NONE, isLive - wasLive);
    this.version++;
  }

  /** Sets every node's view at once (a steady start), without logging. */
  resetViews(view: number): void {
    this.clientCounts.clear();
    this.liveCounts.clear();
    this.allCounts.clear();
    // Every node now holds `view`: one count per map (a steady start adopts 700 Services, each
    // resetting 5,000 nodes; counting first saves three Map updates per node).
    let live = 0;
    let clients = 0;
    for (let node = 0; node < this.view.length; node++) {
      this.view[node] = view;
      if (this.#cls[node] !== DEAD) live++;
      if (this.#cls[node] === NORMAL) clients++;
    }
    if (this.view.length > 0) this.allCounts.set(view, this.view.length);
    if (live > 0) this.liveCounts.set(view, live);
    if (clients > 0) this.clientCounts.set(view, clients);
    this.#logTime = [];
    this.#logFrom = [];
    this.#logTo = [];
    this.#logLive = [];
    this.#head = 0;
    this.version++;
  }

  /** The smallest view held by any node or mentioned in the log (older ones can be forgotten). */
  minViewInUse(): number {
    let min = Number.POSITIVE_INFINITY;
    for (const v of this.allCounts.keys()) if (v < min) min = v;
    for (let i = this.#head; i < this.#logTime.length; i++) {
      const f = this.#logFrom[i];
      if (f !== NONE && f < min) min = f;
    }
    return min;
  }

  /** Forgets log entries before `t`. */
  prune(t: Time): void {
    while (this.#head < this.#logTime.length && this.#logTime[this.#head] < t) this.#head++;
    if (this.#head > 256 && this.#head * 2 > this.#logTime.length) {
      this.#logTime = this.#logTime.slice(this.#head);
      this.#logFrom = this.#logFrom.slice(this.#head);
      this.#logTo = this.#logTo.slice(this.#head);
      this.#logLive = this.#logLive.slice(this.#head);
      this.#head = 0;
    }
  }

  /**
   * Visits [from, to) newest first as stretches of constant NORMAL counts: `visit(start, end,
   * counts, live)`. Changes logged at or after `to` are undone first, so the counts are those
   * in force just before each stretch's end. `from` must not be older than the pruned log.
   */
  segmentsBack(from: Time, to: Time, visit: (start: Time, end: Time, counts: ReadonlyMap<number, number>, live: number) => void): void {
    const counts = new Map(this.clientCounts);
    let live = this.live;
    let end = to;
    for (let i = this.#logTime.length - 1; i >= this.#head; i--) {
      const t = this.#logTime[i];
      if (t < from) break;
      if (t < end) {
        visit(t, end, counts, live);
        end = t;
      }
      const f = this.#logFrom[i];
      const g = this.#logTo[i];
      if (g !== NONE) bump(counts, g, -1);
      if (f !== NONE) bump(counts, f, 1);
      live -= this.#logLive[i];
    }
    if (from < end) visit(from, end, counts, live);
  }

  #log(t: Time, from: number, to: number, dLive: number): void {
    this.#logTime.push(t);
    this.#logFrom.push(from);
    this.#logTo.push(to);
    this.#logLive.push(dLive);
  }
}
