/**
 * The pending-event set: a binary min-heap ordered by (time, priority, insertion sequence), kept
 * in typed arrays so that pushing and popping allocate nothing and compare plain numbers.
 *
 * Each pending event lives in a slot (payload arrays indexed by slot); the heap holds the slot's
 * sort keys inline (time, then priority·2^44 + sequence) plus the slot number, and each slot
 * remembers its heap position so that cancel and reschedule are O(log n) removals rather than
 * tombstones that bloat the heap. A handle is `generation · 2^23 + slot`: a handle kept after its
 * event ran or was cancelled no longer matches the slot's generation and is refused.
 *
 * Leaves out: anything about what events mean. The kernel is domain-free.
 */
import type { Time } from "./time.ts";

/** An opaque reference to a scheduled event, for cancel and reschedule. */
export type EventHandle = number;

const SLOT_BITS = 23;
const SLOT_SPACE = 2 ** SLOT_BITS; // 8.4 M pending events at once
const GENERATION_LIMIT = 2 ** 29; // generations wrap; a stale handle would need 2^29 reuses of one slot
const PRIORITY_SCALE = 2 ** 44; // sequence numbers below 1.7e13 keep the combined key exact
/** The highest priority value (lower runs first). */
export const MAX_PRIORITY = 255;

export class EventQueue<P> {
  // Heap, in heap order.
  #heapTime: Float64Array;
  #heapKey: Float64Array;
  #heapSlot: Int32Array;
  #size = 0;
  // Per slot.
  #position: Int32Array; // index in the heap, -1 when free
  #generation: Uint32Array;
  #payload: (P | undefined)[] = [];
  #arg: Float64Array;
  #freeSlots: Int32Array;
  #freeCount = 0;
  #slotsUsed = 0;
  #sequence = 0;

  constructor(initialCapacity = 1024) {
    const n = Math.max(16, initialCapacity);
    this.#heapTime = new Float64Array(n);
    this.#heapKey = new Float64Array(n);
    this.#heapSlot = new Int32Array(n);
    this.#position = new Int32Array(n).fill(-1);
    this.#generation = new Uint32Array(n);
    this.#arg = new Float64Array(n);
    this.#freeSlots = new Int32Array(n);
  }

  get size(): number {
    return this.#size;
  }

  /** The time of the earliest pending event, or Infinity when none is pending. */
  peekTime(): Time {
    return this.#size === 0 ? Number.POSITIVE_INFINITY : this.#heapTime[0];
  }

  /**
   * Schedules `payload` (with a numeric `arg`, so that hot callers need not allocate a closure
   * per event) at `time`. Lower priorities run first among events at the same time.
   */
  push(time: Time, priority: number, payload: P, arg = 0): EventHandle {
    const slot = this.#takeSlot();
    this.#payload[slot] = payload;
    this.#arg[slot] = arg;
    if (this.#size === this.#heapTime.length) this.#growHeap();
    const key = this.#key(priority);
    this.#siftUp(this.#size++, time, key, slot);
    return this.#generation[slot] * SLOT_SPACE + slot;
  }

  /**
   * Removes the earliest event and returns its payload; its time is `lastTime`, its priority
   * `lastPriority`. The caller must check `size > 0` first.
   */
  pop(): P {
    const slot = this.#heapSlot[0];
    this.lastTime = this.#heapTime[0];
    this.lastPriority = Math.floor(this.#heapKey[0] / PRIORITY_SCALE);
    this.lastArg = this.#arg[slot];
    this.#removeAt(0);
    const payload = this.#payload[slot] as P;
    this.#freeSlot(slot);
    return payload;
  }

  /** Time of the event returned by the last pop. */
  lastTime: Time = 0;
  /** Priority of the event returned by the last pop. */
  lastPriority = 0;
  /** Numeric argument of the event returned by the last pop. */
  lastArg = 0;

  /** True when the handle names an event that is still pending. */
  isPending(handle: EventHandle): boolean {
    return this.#slotOf(handle) >= 0;
  }

  /** Cancels a pending event; returns false when it already ran or was cancelled. */
  cancel(handle: EventHandle): boolean {
    const slot = this.#slotOf(handle);
    if (slot < 0) return false;
    this.#removeAt(this.#position[slot]);
    this.#freeSlot(slot);
    return true;
  }

  /**
   * Moves a pending event to a new time, keeping its payload and handle. It takes a fresh
   * sequence number, so among events at its new time and priority it runs last, exactly as if
   * it had been cancelled and scheduled anew. Returns false when the event is no longer pending.
   */
  reschedule(handle: EventHandle, time: Time, priority: number): boolean {
    const slot = this.#slotOf(handle);
    if (slot < 0) return false;
    const at = this.#position[slot];
    const key = this.#key(priority);
    const oldTime = this.#heapTime[at];
    const oldKey = this.#heapKey[at];
    if (time < oldTime || (time === oldTime && key < oldKey)) this.#siftUp(at, time, key, slot);
    else this.#siftDown(at, time, key, slot);
    return true;
  }

  /** The time at which a pending event is due, or undefined. */
  timeOf(handle: EventHandle): Time | undefined {
    const slot = this.#slotOf(handle);
    return slot < 0 ? undefined : this.#heapTime[this.#position[slot]];
  }

  /** The payload of a pending event, or undefined. */
  payloadOf(handle: EventHandle): P | undefined {
    const slot = this.#slotOf(handle);
    return slot < 0 ? undefined : this.#payload[slot];
  }

  #key(priority: number): number {
    if (!(priority >= 0 && priority <= MAX_PRIORITY && Number.isInteger(priority))) {
      throw new RangeError(`event priority must be an integer in [0, ${MAX_PRIORITY}], got ${priority}`);
    }
    if (this.#sequence >= PRIORITY_SCALE) throw new RangeError("event queue: sequence numbers exhausted");
    return priority * PRIORITY_SCALE + this.#sequence++;
  }

  #slotOf(handle: EventHandle): number {
    if (!Number.isInteger(handle) || handle < 0) return -1;
    const slot = handle % SLOT_SPACE;
    const generation = (handle - slot) / SLOT_SPACE;
    if (slot >= this.#slotsUsed || this.#position[slot] < 0) return -1;
    return this.#generation[slot] === generation ? slot : -1;
  }

  #takeSlot(): number {
    if (this.#freeCount > 0) return this.#freeSlots[--this.#freeCount];
    if (this.#slotsUsed === SLOT_SPACE) {
      throw new RangeError(`event queue: more than ${SLOT_SPACE} pending events`);
    }
    if (this.#slotsUsed === this.#position.length) this.#growSlots();
    return this.#slotsUsed++;
  }

  #freeSlot(slot: number): void {
    this.#position[slot] = -1;
    this.#payload[slot] = undefined;
    this.#generation[slot] = (this.#generation[slot] + 1) % GENERATION_LIMIT;
    this.#freeSlots[this.#freeCount++] = slot;
  }

  /** Removes heap entry `at`, filling the hole with the last entry. */
  #removeAt(at: number): void {
    const last = --this.#size;
    if (at === last) return;
    const time = this.#heapTime[last];
    const key = this.#heapKey[last];
    const slot = this.#heapSlot[last];
    const parent = (at - 1) >> 1;
    if (at > 0 && (time < this.#heapTime[parent] || (time === this.#heapTime[parent] && key < this.#heapKey[parent]))) {
      this.#siftUp(at, time, key, slot);
    } else {
      this.#siftDown(at, time, key, slot);
    }
  }

  /** Places (time, key, slot) at `at` or above, moving larger parents down. */
  #siftUp(at: number, time: Time, key: number, slot: number): void {
    const heapTime = this.#heapTime;
    const heapKey = this.#heapKey;
    const heapSlot = this.#heapSlot;
    const position = this.#position;
    while (at > 0) {
      const parent = (at - 1) >> 1;
      const pt = heapTime[parent];
      if (pt < time || (pt === time && heapKey[parent] < key)) break;
      heapTime[at] = pt;
      heapKey[at] = heapKey[parent];
      const ps = heapSlot[parent];
      heapSlot[at] = ps;
      position[ps] = at;
      at = parent;
    }
    heapTime[at] = time;
    heapKey[at] = key;
    heapSlot[at] = slot;
    position[slot] = at;
  }

  /** Places (time, key, slot) at `at` or below, moving smaller children up. */
  #siftDown(at: number, time: Time, key: number, slot: number): void {
    const heapTime = this.#heapTime;
    const heapKey = this.#heapKey;
    const heapSlot = this.#heapSlot;
    const position = this.#position;
    const size = this.#size;
    for (;;) {
      let child = 2 * at + 1;
      if (child >= size) break;
      let ct = heapTime[child];
      let ck = heapKey[child];
      const right = child + 1;
      if (right < size) {
        const rt = heapTime[right];
        const rk = heapKey[right];
        if (rt < ct || (rt === ct && rk < ck)) {
          child = right;
          ct = rt;
          ck = rk;
        }
      }
      if (time < ct || (time === ct && key < ck)) break;
      heapTime[at] = ct;
      heapKey[at] = ck;
      const cs = heapSlot[child];
      heapSlot[at] = cs;
      position[cs] = at;
      at = child;
    }
    heapTime[at] = time;
    heapKey[at] = key;
    heapSlot[at] = slot;
    position[slot] = at;
  }

  #growHeap(): void {
    const n = this.#heapTime.length * 2;
    this.#heapTime = grow(this.#heapTime, new Float64Array(n));
    this.#heapKey = grow(this.#heapKey, new Float64Array(n));
    this.#heapSlot = grow(this.#heapSlot, new Int32Array(n));
  }

  #growSlots(): void {
    const n = Math.min(SLOT_SPACE, this.#position.length * 2);
    const position = new Int32Array(n).fill(-1);
    position.set(this.#position);
    this.#position = position;
    this.#generation = grow(this.#generation, new Uint32Array(n));
    this.#arg = grow(this.#arg, new Float64Array(n));
    this.#freeSlots = grow(this.#freeSlots, new Int32Array(n));
  }
}

function grow<T extends Float64Array | Int32Array | Uint32Array>(from: T, to: T): T {
  to.set(from);
  return to;
}
