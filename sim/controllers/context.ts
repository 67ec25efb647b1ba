/**
 * What every controller gets: the clock and queue, the store it reads and changes, its random
 * streams (names and uids), the event log, and its reaction latency.
 */
import type { Distribution } from "../core/distributions.ts";
import type { RandomStream, RandomStreams } from "../core/rng.ts";
import type { Simulation } from "../core/simulation.ts";
import type { EventLog } from "../model/event-log.ts";
import type { Pod } from "../model/objects.ts";
import type { ClusterStore } from "../model/store.ts";

export interface ControllerContext {
  readonly sim: Simulation;
  readonly store: ClusterStore;
  readonly streams: RandomStreams;
  readonly events: EventLog;
  /** Watch event → reconcile (`timing.controllerLatency`). */
  readonly latency: Distribution;
  /** DefaultTolerationSeconds admission (`timing.defaultTolerationSeconds`, seconds). */
  readonly defaultTolerationSeconds: number;
}

/** apimachinery util/rand: the alphabet of generated name suffixes and SafeEncodeString. */
export const SAFE_ALPHABET = "bcdfghjklmnpqrstvwxz2456789";

/** `generateName` suffix: 5 characters from the safe alphabet (util/rand.String). */
export function randomSuffix(stream: RandomStream, length = 5): string {
  if (length !== 5) {
    let s = "";
    for (let i = 0; i < length; i++) s += SAFE_ALPHABET[stream.int(SAFE_ALPHABET.length)];
    return s;
  }
  // One string from five character codes, not four intermediate ones (a suffix per pod).
  const n = SAFE_ALPHABET.length;
  const c0 = SAFE_ALPHABET.charCodeAt(stream.int(n));
  const c1 = SAFE_ALPHABET.charCodeAt(stream.int(n));
  const c2 = SAFE_ALPHABET.charCodeAt(stream.int(n));
  const c3 = SAFE_ALPHABET.charCodeAt(stream.int(n));
  const c4 = SAFE_ALPHABET.charCodeAt(stream.int(n));
  return String.fromCharCode(c0, c1, c2, c3, c4);
}

/** Character codes of the hex digits. */
const HEX_CODES: readonly number[] = Array.from("0123456789abcdef", (c) => c.charCodeAt(0));
const DASH = 45;
/** The UID's characters, refilled per call. */
const uidCodes: number[] = new Array<number>(36).fill(DASH);

/** Writes the 8 hex digits of a 32-bit word into uidCodes, skipping the dash at `dash` (or none: -1). */
function putWord(w: number, at: number, dash: number): void {
  for (let shift = 28; shift >= 0; shift -= 4) {
    if (at === dash) at++;
    uidCodes[at++] = HEX_CODES[(w >>> shift) & 15];
  }
}

/**
 * A UID: 32 hex digits in the 8-4-4-4-12 form, from the `uid` stream (reproducible per seed):
 * four draws, each scaled to a 32-bit word and written as 8 hex digits. Built as one flat
 * string from character codes (one per pod; concatenated pieces would leave a rope that every
 * Map keyed by uid first flattens).
 */
export function randomUid(stream: RandomStream): string {
  const a = Math.floor(stream.next() * 2 ** 32);
  const b = Math.floor(stream.next() * 2 ** 32);
  const c = Math.floor(stream.next() * 2 ** 32);
  const d = Math.floor(stream.next() * 2 ** 32);
  putWord(a, 0, -1); // 0–7, dash at 8
  putWord(b, 9, 13); // 9–12, dash, 14–17
  putWord(c, 19, 23); // 19–22, dash, 24–27
  putWord(d, 28, -1); // 28–35
  return String.fromCharCode.apply(null, uidCodes);
}

/** Per store: every pod's position in store (creation) order, kept by a watcher. */
const creationOrders = new WeakMap<ClusterStore, Map<Pod, number>>();

/**
 * Every pod's position in store (creation) order: the order of a walk over `store.pods`, for
 * sorting a few pods into it without such a walk. Kept by a watcher installed on the first call;
 * call it from constructors and event handlers, not from a watcher.
 */
export function storeOrder(store: ClusterStore): ReadonlyMap<Pod, number> {
  let order = creationOrders.get(store);
  if (order === undefined) {
    const positions = new Map<Pod, number>();
    let next = 0;
    for (const pod of store.pods.values()) positions.set(pod, next++);
    store.watch((change) => {
      if (change.kind !== "Pod") return;
      if (change.type === "added") positions.set(change.object, next++);
      else if (change.type === "deleted") positions.delete(change.object);
    });
    creationOrders.set(store, positions);
    order = positions;
  }
  return order;
}

/** Sorts pods of the store into store order, in place. */
export function sortInStoreOrder(store: ClusterStore, pods: Pod[]): Pod[] {
  const at = storeOrder(store);
  return pods.sort((a, b) => at.get(a)! - at.get(b)!);
}

/**
 * The pods bound to a node, in store order, as a walk over every pod filtering by node gives
 * them (controllers act on them in this order, which fixes the order of their events), at the
 * cost of the node's pods rather than of all 150,000.
 */
export function podsOnNodeInStoreOrder(store: ClusterStore, nodeName: string): Pod[] {
  return sortInStoreOrder(store, store.podsOnNode(nodeName));
}
