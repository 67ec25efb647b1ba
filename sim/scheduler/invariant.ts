/**
 * Contract checks for the scheduler's inputs. A violated contract is a bug in the caller, so it
 * throws rather than being clamped or ignored.
 */

/** A scheduler input broke its documented contract; the message says which and how. */
export class SchedulerContractError extends Error {
  override name = "SchedulerContractError";
}

export function invariantScheduler(condition: boolean, message: string): asserts condition {
  if (!condition) throw new SchedulerContractError(message);
}
