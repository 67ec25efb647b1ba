/**
 * A controller's work queue (client-go util/workqueue): keys, deduplicated while they wait, each
 * processed by one reconcile `controllerLatency` after it was added. A key added again while it
 * waits is not queued twice; a key added while its reconcile runs is queued again, so a
 * reconcile always sees every change made before it started.
 *
 * With zero latency a key is processed at the same instant, after everything already queued
 * then: a Deployment's sync that changes a ReplicaSet triggers the ReplicaSet's sync and, through
 * its status, the Deployment's next sync, all at one instant, until nothing changes.
 *
 * Leaves out: rate limiting on errors (reconciles here do not fail) and parallel workers.
 */
import type { Distribution } from "../core/distributions.ts";
import type { RandomStream } from "../core/rng.ts";
import { Priority, type Simulation } from "../core/simulation.ts";
import type { Time } from "../core/time.ts";

export class WorkQueue {
  readonly #sim: Simulation;
  readonly #latency: Distribution;
  readonly #stream: RandomStream;
  readonly #reconcile: (key: string) => void;
  /** Keys waiting, with the handle of their processing event. */
  readonly #waiting = new Map<string, number>();
  /** Requeues scheduled for later (AddAfter), by key. */
  readonly #delayed = new Map<string, number>();
  /**
   * Each pending key's number (an event carries a number, not a string). A number is freed when
   * its key has no event pending, so the maps hold the keys in flight, not every key ever seen
   * (a queue keyed by pod would otherwise keep 150,000 of them on a large cluster).
   */
  readonly #keys: string[] = [];
  readonly #keyIndex = new Map<string, number>();
  readonly #freeIndices: number[] = [];
  readonly #process = (i: number) => this.#run(i);
  readonly #processDelayed = (i: number) => this.#fireDelayed(i);

  constructor(sim: Simulation, latency: Distribution, stream: RandomStream, reconcile: (key: string) => void) {
    this.#sim = sim;
    this.#latency = latency;
    this.#stream = stream;
    this.#reconcile = reconcile;
  }

  /** Queues `key` for a reconcile after the controller's latency, unless it is already waiting. */
  add(key: string): void {
    if (this.#waiting.has(key)) return;
    const delay = this.#latency.sample(this.#stream);
    this.#waiting.set(key, this.#sim.after(delay, this.#process, this.#indexOf(key), Priority.Normal));
  }

  /** AddAfter: queue `key` once `delay` has passed (the earliest such request wins). */
  addAfter(key: string, delay: Time): void {
    const at = this.#sim.now + delay;
    const pending = this.#delayed.get(key);
    if (pending !== undefined) {
      const due = this.#sim.timeOf(pending);
      if (due !== undefined && due <= at) return;
      this.#sim.cancel(pending);
    }
    this.#delayed.set(key, this.#sim.at(at, this.#processDelayed, this.#indexOf(key), Priority.Normal));
  }

  #indexOf(key: string): number {
    let i = this.#keyIndex.get(key);
    if (i === undefined) {
      i = this.#freeIndices.pop() ?? this.#keys.length;
      this.#keys[i] = key;
      this.#keyIndex.set(key, i);
    }
    return i;
  }

  /** Frees the key's number once no event of it is pending. */
  #release(key: string, index: number): void {
    if (this.#waiting.has(key) || this.#delayed.has(key)) return;
    this.#keyIndex.delete(key);
    this.#freeIndices.push(index);
  }

  #run(index: number): void {
    const key = this.#keys[index];
    this.#waiting.delete(key);
    this.#release(key, index);
    this.#reconcile(key);
  }

  #fireDelayed(index: number): void {
    const key = this.#keys[index];
    this.#delayed.delete(key);
    this.add(key);
  }
}
