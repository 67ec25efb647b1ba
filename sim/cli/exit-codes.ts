/** Exit codes of SPEC §1; scripts and CI rely on each meaning. */
export const EXIT = {
  /** Finished; every check passed. */
  ok: 0,
  /** Finished; a check failed or regressed beyond tolerance against --baseline. */
  checkFailed: 1,
  /** Bad usage or invalid input; nothing was simulated and nothing written. */
  usage: 2,
  /** A budget (--max-events, --max-wall-time) was exceeded, or merge found bad shards. */
  budget: 3,
  /** A kubesim bug: internal error or invariant violation. */
  internal: 70,
  /** Interrupted (SIGINT); no partial report is left looking complete. */
  interrupted: 130,
} as const;
