/**
 * What every controller gets: the clock and queue, the store it reads and changes, its random
 * streams (names and uids), the event log, and its reaction latency.
 */
import type { Distribution } from "../core/distributions.ts";
import type { RandomStream, RandomStreams } from "../core/rng.ts";
import type { Simulation } from "../core/simulation.ts";
import type { EventLog } from "../model/event-log.ts";
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
  let s = "";
  for (let i = 0; i < length; i++) s += SAFE_ALPHABET[stream.int(SAFE_ALPHABET.length)];
  return s;
}

/** A UID: 32 hex digits in the 8-4-4-4-12 form, from the `uid` stream (reproducible per seed). */
export function randomUid(stream: RandomStream): string {
  let hex = "";
  for (let i = 0; i < 4; i++) hex += Math.floor(stream.next() * 2 ** 32).toString(16).padStart(8, "0");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
