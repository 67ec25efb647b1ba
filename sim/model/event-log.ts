/**
 * The events of a run (events.csv): Kubernetes reasons where Kubernetes records an event, and
 * SPEC §4's names for state changes it does not. Recording can be switched off for replications
 * whose events are not written, so that a run pays nothing for a log nobody reads.
 */
import type { Time } from "../core/time.ts";

export interface LoggedEvent {
  readonly time: Time;
  readonly kind: string;
  readonly name: string;
  readonly reason: string;
  readonly message: string;
}

export class EventLog {
  readonly events: LoggedEvent[] = [];
  readonly #now: () => Time;
  enabled: boolean;

  constructor(now: () => Time, enabled = true) {
    this.#now = now;
    this.enabled = enabled;
  }

  record(kind: string, name: string, reason: string, message: string): void {
    if (this.enabled) this.events.push({ time: this.#now(), kind, name, reason, message });
  }

  /** The events with this reason, for tests and metrics. */
  withReason(reason: string): LoggedEvent[] {
    return this.events.filter((e) => e.reason === reason);
  }
}
