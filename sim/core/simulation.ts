/**
 * The discrete-event loop: a virtual clock and the pending events, nothing else. Events at the
 * same instant run by priority, then in the order they were scheduled (FIFO), so a run is fully
 * determined by what was scheduled — no wall clock, no unordered iteration.
 *
 * Leaves out: random numbers (see rng.ts), and every notion of what an event means.
 */
import { type EventHandle, EventQueue } from "./event-queue.ts";
import { type Time, toSeconds } from "./time.ts";

/** What an event does when it fires; `arg` is the number it was scheduled with. */
export type EventHandler = (arg: number) => void;

/**
 * Priorities among events at the same instant (lower runs first). Three are enough: the world
 * changes, then whoever reacts to the world, then whoever only watches.
 */
export const Priority = {
  /** Facts that happen at an instant (a process exits, a node fails) land before anyone looks. */
  Urgent: 0,
  /** Reactions (controllers, timers) see every fact of the instant they run in. */
  Normal: 100,
  /** Observers (metric samplers, checkers) read the settled state and must never drive it. */
  Observe: 200,
} as const;

/** Thrown when a run processes more events than its budget allows (CLI exit code 3). */
export class EventBudgetExceeded extends Error {
  readonly budget: number;
  readonly at: Time;
  constructor(budget: number, at: Time, what = `event budget of ${budget} events`) {
    super(`${what} exceeded at t=${toSeconds(at)}s`);
    this.name = "EventBudgetExceeded";
    this.budget = budget;
    this.at = at;
  }
}

/** Thrown when a run takes longer in wall time than its budget (CLI exit code 3). */
export class WallTimeExceeded extends Error {
  readonly at: Time;
  constructor(at: Time) {
    super(`wall-time budget exceeded at t=${toSeconds(at)}s`);
    this.name = "WallTimeExceeded";
    this.at = at;
  }
}

/**
 * A budget for the whole life of a simulation (the CLI's --max-events and --max-wall-time):
 * events, and the work that is done without events (simulated requests, pods walked by a
 * controller sync), all count, so that a run always ends within it whatever the scenario asks for.
 */
export interface WorkBudget {
  /** Most units of work: events processed plus work charged with `charge`. */
  readonly maxWork?: number;
  /** Polled every few thousand units of work; true ends the run with WallTimeExceeded. */
  readonly overDeadline?: () => boolean;
}

/** Units of work between two polls of a budget's deadline. */
const DEADLINE_POLL = 4096;

export interface RunOptions {
  /** Stop after processing every event at or before this instant; the clock then reads `until`. */
  readonly until?: Time;
  /** Most events this run may process; one more throws EventBudgetExceeded. */
  readonly maxEvents?: number;
}

/** Why a run returned. */
export type RunEnd = "until" | "empty" | "stopped";

export class Simulation {
  readonly #queue: EventQueue<EventHandler>;
  #now: Time = 0;
  #processed = 0;
  #stopRequested = false;
  #charged = 0;
  #workLimit = Number.POSITIVE_INFINITY;
  #overDeadline: (() => boolean) | null = null;
  #nextPoll = DEADLINE_POLL;
  /** The work done at which `#checkpoint` must run next (one compare per event otherwise). */
  #nextCheck = Number.POSITIVE_INFINITY;
  /** Called after every event; for invariant checkers, which observe and never schedule. */
  afterEvent: ((sim: Simulation) => void) | null = null;

  constructor(initialCapacity = 1024) {
    this.#queue = new EventQueue<EventHandler>(initialCapacity);
  }

  /** The current virtual time. */
  get now(): Time {
    return this.#now;
  }

  /** Events processed since the simulation was created. */
  get eventsProcessed(): number {
    return this.#processed;
  }

  /** Events processed plus the work charged without events (see WorkBudget). */
  get workDone(): number {
    return this.#processed + this.#charged;
  }

  /** Sets the budget of the whole simulation (from now on, counting the work already done). */
  limit(budget: WorkBudget): void {
    this.#workLimit = budget.maxWork ?? Number.POSITIVE_INFINITY;
    this.#overDeadline = budget.overDeadline ?? null;
    this.#nextPoll = this.workDone + DEADLINE_POLL;
    this.#planCheckpoint();
  }

  /** Counts `units` of work done without an event (requests, pods); throws when the budget is spent. */
  charge(units = 1): void {
    this.#charged += units;
    if (this.#processed + this.#charged >= this.#nextCheck) this.#checkpoint();
  }

  /** The work done reached the next checkpoint: the limit, or the time to poll the deadline. */
  #checkpoint(): void {
    const done = this.#processed + this.#charged;
    if (done > this.#workLimit) {
      throw new EventBudgetExceeded(this.#workLimit, this.#now, `work budget of ${this.#workLimit} (events, simulated requests and pods walked by controller syncs)`);
    }
    if (this.#overDeadline !== null && done >= this.#nextPoll) {
      this.#nextPoll = done + DEADLINE_POLL;
      if (this.#overDeadline()) throw new WallTimeExceeded(this.#now);
    }
    this.#planCheckpoint();
  }

  #planCheckpoint(): void {
    this.#nextCheck = this.#overDeadline === null ? this.#workLimit + 1 : Math.min(this.#workLimit + 1, this.#nextPoll);
  }

  /** Events pending. */
  get pending(): number {
    return this.#queue.size;
  }

  /** Schedules `handler(arg)` at absolute time `at` (not before now). */
  at(at: Time, handler: EventHandler, arg = 0, priority: number = Priority.Normal): EventHandle {
    if (!(at >= this.#now) || !Number.isSafeInteger(at)) {
      throw new RangeError(`cannot schedule at t=${at}µs: must be an integer not before now (${this.#now}µs)`);
    }
    return this.#queue.push(at, priority, handler, arg);
  }

  /** Schedules `handler(arg)` after `delay` from now. */
  after(delay: Time, handler: EventHandler, arg = 0, priority: number = Priority.Normal): EventHandle {
    return this.at(this.#now + delay, handler, arg, priority);
  }

  /** Cancels a pending event; false when it already ran or was cancelled. */
  cancel(handle: EventHandle): boolean {
    return this.#queue.cancel(handle);
  }

  /** Moves a pending event to `at`; false when it is no longer pending. */
  reschedule(handle: EventHandle, at: Time, priority: number = Priority.Normal): boolean {
    if (!(at >= this.#now) || !Number.isSafeInteger(at)) {
      throw new RangeError(`cannot reschedule to t=${at}µs: must be an integer not before now (${this.#now}µs)`);
    }
    return this.#queue.reschedule(handle, at, priority);
  }

  isPending(handle: EventHandle): boolean {
    return this.#queue.isPending(handle);
  }

  /** When a pending event is due, or undefined. */
  timeOf(handle: EventHandle): Time | undefined {
    return this.#queue.timeOf(handle);
  }

  /** Ends the current run after the event being processed. */
  stop(): void {
    this.#stopRequested = true;
  }

  /** Processes the next event; false when none is pending. */
  step(): boolean {
    const queue = this.#queue;
    if (queue.size === 0) return false;
    const handler = queue.pop();
    this.#now = queue.lastTime;
    this.#processed++;
    handler(queue.lastArg);
    if (this.afterEvent !== null) this.afterEvent(this);
    return true;
  }

  /** Runs until `until`, until no event is pending, or until stop() is called. */
  run(options: RunOptions = {}): RunEnd {
    const until = options.until ?? Number.POSITIVE_INFINITY;
    if (until < this.#now) throw new RangeError(`run until t=${until}µs is before now (${this.#now}µs)`);
    const limit = options.maxEvents === undefined ? Number.POSITIVE_INFINITY : this.#processed + options.maxEvents;
    const queue = this.#queue;
    this.#stopRequested = false;
    while (queue.size > 0 && queue.peekTime() <= until) {
      if (this.#processed >= limit) throw new EventBudgetExceeded(options.maxEvents!, queue.peekTime());
      this.step();
      if (this.#processed + this.#charged >= this.#nextCheck) this.#checkpoint();
      if (this.#stopRequested) return "stopped";
    }
    if (until !== Number.POSITIVE_INFINITY) {
      this.#now = until;
      return "until";
    }
    return "empty";
  }
}
