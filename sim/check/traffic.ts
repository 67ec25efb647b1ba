/**
 * Request accounting: every request counts once, as ok, failed or timeout, in the bin it arrived
 * in (sim/network/traffic.ts). Per traffic entry: total = ok + failed + timeout, and each of
 * ok, failed, timeout is the sum of its bins; counts are whole and non-negative. Checked once per
 * run on the results the report is built from (cheap: O(bins)).
 */
import type { Time } from "../core/time.ts";
import type { ServiceTrafficResult } from "../network/traffic.ts";
import { InvariantViolation } from "./invariants.ts";

export function checkRequestAccounting(results: readonly ServiceTrafficResult[], now: Time): void {
  for (const r of results) {
    const fail = (what: string) => {
      throw new InvariantViolation(`traffic to ${r.service}: ${what}`, now);
    };
    for (const [name, n] of [
      ["total", r.requestsTotal],
      ["ok", r.ok],
      ["failed", r.failed],
      ["timeout", r.timeout],
    ] as const) {
      if (!Number.isSafeInteger(n) || n < 0) fail(`${name} = ${n} is not a whole count`);
    }
    if (r.ok + r.failed + r.timeout !== r.requestsTotal) fail(`ok ${r.ok} + failed ${r.failed} + timeout ${r.timeout} ≠ total ${r.requestsTotal}`);
    let ok = 0;
    let failed = 0;
    let timeout = 0;
    for (const b of r.bins) {
      if (b.requestsOk < 0 || b.requestsFailed < 0 || b.requestsTimeout < 0) fail(`bin at t=${b.start / 1e6}s has a negative count`);
      ok += b.requestsOk;
      failed += b.requestsFailed;
      timeout += b.requestsTimeout;
    }
    if (ok !== r.ok || failed !== r.failed || timeout !== r.timeout) {
      fail(`bins sum to ok ${ok}, failed ${failed}, timeout ${timeout}; the run counts ok ${r.ok}, failed ${r.failed}, timeout ${r.timeout}`);
    }
  }
}
