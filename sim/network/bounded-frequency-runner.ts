/**
 * One kube-proxy's sync loop: the BoundedFrequencyRunner that decides when `syncProxyRules`
 * runs, as a small state machine driven from outside (kube-proxy.ts owns the clock and the
 * per-node heap of pending actions).
 *
 * Upstream: pkg/util/async/bounded_frequency_runner.go (`construct`, `Loop`, `tryRun`) with
 * client-go's token bucket (`flowcontrol.NewTokenBucketRateLimiterWithClock`: qps =
 * 1/minInterval, `burstRuns` tokens, initially full, `TryAccept` = `AllowN(now, 1)`), as the
 * iptables proxier builds it: `NewBoundedFrequencyRunner("sync-runner", syncProxyRules,
 * minSyncPeriod, time.Hour, burstSyncs=2)`.
 *
 *  - `Run()` (an EndpointSlice change) only signals the loop; signals during a sync coalesce
 *    into one, handled when the sync returns (the `run` channel has room for one).
 *  - `tryRun`: with a token, run now (the token is taken when the run starts); the sync reads
 *    the informer cache when it starts and its rules are in place when it returns, `latency`
 *    later. Then `lastRun` = that return time and the timer is reset to `maxInterval`.
 *    Without a token, the timer is reset to min(minInterval − (now − lastRun), remaining):
 *    the next possible run counts from the END of the last sync.
 *  - A timer that fires while a sync runs is lost (Go ≥ 1.23 timers: Stop/Reset discard it).
 *
 * Tokens are kept as integer microseconds of credit (credit = tokens · minInterval), so
 * refilling is exact: one token per minInterval, at most `burst` tokens.
 *
 * Worked example (minInterval 1 s, burst 2, latency 200 ms; changes at 0, 0.05, 0.1, 0.3, 0.4 s):
 *   0    token 2→1, sync runs 0 → 0.2            0.05, 0.1: busy, one signal kept
 *   0.2  sync returns; signal: credit 1 + 0.2 → run 0.2 → 0.4 (credit 0.2)
 *   0.3, 0.4  busy (0.4 arrives as the sync returns): signal kept
 *   0.4  returns; signal: credit 0.4 < 1 → timer at lastRun + 1 s = 1.4
 *   1.4  credit 1.4 → run 1.4 → 1.6 (credit 0.4)
 * So the rules reflect the change at 0.3 s only at 1.6 s.
 *
 * Leaves out: `RetryAfter` (sync errors), and partial vs full syncs (same timing here).
 */
import type { Time } from "../core/time.ts";

export interface RunnerConfig {
  /** minSyncPeriod (µs): at least this long between the end of one sync and the next start, modulo bursts. */
  readonly minInterval: Time;
  /** The periodic resync (µs); the iptables proxier uses 1 h. */
  readonly maxInterval: Time;
  /** burstSyncs: runs that may follow each other closer than minInterval. */
  readonly burst: number;
}

const NEVER = Number.POSITIVE_INFINITY;

export class SyncRunner {
  readonly #config: RunnerConfig;
  /** Token credit in µs (tokens · minInterval) as of `#creditAt`. */
  #credit: number;
  #creditAt: Time;
  /** When the last sync returned. */
  lastRun: Time = Number.NEGATIVE_INFINITY;
  /** The loop's timer (a deferred run or the periodic resync); +Infinity when stopped. */
  timerAt: Time;
  busy = false;
  /** When the running sync returns. */
  busyUntil: Time = NEVER;
  /** A Run() signal arrived during the current sync. */
  pending = false;
  /** Which informer generation the running sync read. */
  syncGen = 0;
  /** The generation whose rules are in place. */
  programmedGen: number;
  /** The newest generation this node's informers have seen. */
  knownGen: number;
  /** Syncs started so far. */
  syncsStarted = 0;

  constructor(config: RunnerConfig, now: Time, generation: number) {
    this.#config = config;
    this.#credit = config.burst * config.minInterval;
    this.#creditAt = now;
    this.timerAt = now + config.maxInterval;
    this.programmedGen = generation;
    this.knownGen = generation;
  }

  /** When this runner next acts by itself (a sync returns, its timer fires); +Infinity if never. */
  nextAction(): Time {
    return this.busy ? this.busyUntil : this.timerAt;
  }

  /** `Run()`: a change was observed at `now`. `latency` draws the duration of a sync. */
  request(now: Time, latency: () => Time): void {
    if (this.busy) {
      this.pending = true;
      return;
    }
    this.#tryRun(now, latency);
  }

  /**
   * Performs the action due at `now` (= nextAction()). Returns true when a sync returned, in
   * which case `programmedGen` may have changed.
   */
  act(now: Time, latency: () => Time): boolean {
    if (this.busy) {
      this.busy = false;
      this.busyUntil = NEVER;
      this.lastRun = now;
      this.timerAt = now + this.#config.maxInterval;
      this.programmedGen = this.syncGen;
      if (this.pending) {
        this.pending = false;
        this.#tryRun(now, latency);
      }
      return true;
    }
    this.timerAt = NEVER;
    this.#tryRun(now, latency);
    return false;
  }

  /** The node went down: the loop is gone; its rules stay as they were. */
  stop(): void {
    this.busy = false;
    this.busyUntil = NEVER;
    this.pending = false;
    this.timerAt = NEVER;
  }

  /** The process starts afresh at `now` (full token bucket, no run yet). */
  restart(now: Time): void {
    this.stop();
    this.#credit = this.#config.burst * this.#config.minInterval;
    this.#creditAt = now;
    this.lastRun = Number.NEGATIVE_INFINITY;
    this.timerAt = now + this.#config.maxInterval;
  }

  /** Tokens available at `now` (for tests and diagnostics). */
  tokens(now: Time): number {
    if (this.#config.minInterval === 0) return this.#config.burst;
    return this.#creditNow(now) / this.#config.minInterval;
  }

  #creditNow(now: Time): number {
    const cap = this.#config.burst * this.#config.minInterval;
    return Math.min(cap, this.#credit + (now - this.#creditAt));
  }

  #tryRun(now: Time, latency: () => Time): void {
    const min = this.#config.minInterval;
    if (min > 0) {
      this.#credit = this.#creditNow(now);
      this.#creditAt = now;
    }
    if (min === 0 || this.#credit >= min) {
      if (min > 0) this.#credit -= min;
      this.busy = true;
      this.syncsStarted++;
      this.syncGen = this.knownGen;
      this.busyUntil = now + latency();
      this.timerAt = NEVER; // a timer firing during the sync is lost; reset when it returns
      return;
    }
    // No token: wait until minInterval after the last sync returned (or the timer, if sooner).
    this.timerAt = Math.min(this.timerAt, Math.max(now, this.lastRun + min));
  }
}
