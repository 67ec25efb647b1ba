import { suite } from "uvu";
import * as assert from "uvu/assert";
import { seconds } from "../../sim/core/time.ts";
import { INITIAL_BACKOFF, MAX_BACKOFF, nextRestart } from "../../sim/kubelet/crash-backoff.ts";
import { failureTime, firstTickAtOrAfter, successTime } from "../../sim/kubelet/probe-timing.ts";
import { terminationTimeline } from "../../sim/kubelet/termination.ts";
import type { ProbeSpec } from "../../sim/model/objects.ts";

const t = suite("kubelet arithmetic: probe ticks, termination timeline, crash backoff");

const probe = (p: Partial<ProbeSpec>): ProbeSpec => ({
  initialDelaySeconds: 0,
  periodSeconds: 10,
  timeoutSeconds: 1,
  successThreshold: 1,
  failureThreshold: 3,
  ...p,
});

// [case, probe, workerStart s, containerStart s, from s, expected first tick s]
const ticks: [string, Partial<ProbeSpec>, number, number, number, number][] = [
  ["tick at worker start itself", {}, 0, 0, 0, 0],
  ["next tick after the change", {}, 0, 2.5, 5.5, 10],
  ["change exactly on a tick counts that tick", {}, 0, 2.5, 10, 10],
  ["initial delay 15 s after a start at 2.5 s skips the 10 s tick", { initialDelaySeconds: 15 }, 0, 2.5, 5.5, 20],
  ["initial delay reached exactly on a tick", { initialDelaySeconds: 8 }, 2, 2, 3, 12],
  ["ticks keep the worker's phase (worker started at 1 s)", { periodSeconds: 3 }, 1, 1, 5, 7],
];
for (const [name, p, worker, started, from, expected] of ticks) {
  t(`first tick: ${name}`, () => {
    assert.is(firstTickAtOrAfter(probe(p), seconds(worker), seconds(started), seconds(from)), seconds(expected));
  });
}

t("success after successThreshold passing ticks; never when the app never answers", () => {
  // first passing tick 10 s, thresholds 3 at period 5 → 10 + 2·5 = 20 s
  assert.is(successTime(probe({ periodSeconds: 5, successThreshold: 3 }), 0, seconds(2.5), seconds(5.5)), seconds(20));
  assert.is(successTime(probe({}), 0, 0, Number.POSITIVE_INFINITY), Number.POSITIVE_INFINITY);
});

t("failure after failureThreshold failing ticks: stop at 101 s → ticks 110, 120, 130", () => {
  assert.is(failureTime(probe({}), 0, 0, seconds(101)), seconds(130));
  // failureThreshold 1 → the first failing tick
  assert.is(failureTime(probe({ failureThreshold: 1 }), 0, 0, seconds(101)), seconds(110));
});

// [case, grace s, preStop s, shutdown s, sigterm s, exit s, killed]
const terminations: [string, number, number, number, number, number, boolean][] = [
  ["no hook, quick exit", 30, 0, 2, 0, 2, false],
  ["hook 5 s then exit 2 s", 30, 5, 2, 5, 7, false],
  ["exit slower than grace → SIGKILL at grace", 30, 0, 45, 0, 30, true],
  ["hook 20 s + slow exit → SIGKILL at 30 s", 30, 20, 45, 20, 30, true],
  ["hook 29 s leaves 1 s, raised to the 2 s minimum", 30, 29, 45, 29, 31, true],
  ["hook longer than grace is cut at grace, SIGKILL 2 s later", 30, 40, 45, 30, 32, true],
  ["grace 0 kills at once", 0, 5, 2, 0, 0, true],
];
for (const [name, grace, hook, shutdown, sigterm, exit, killed] of terminations) {
  t(`termination: ${name}`, () => {
    const tl = terminationTimeline(seconds(100), seconds(grace), seconds(hook), seconds(shutdown));
    assert.is(tl.sigterm, seconds(100 + sigterm));
    assert.is(tl.exit, seconds(100 + exit));
    assert.is(tl.killed, killed);
  });
}

t("crash backoff: immediate, then 10, 20, 40 … capped at 300 s", () => {
  let entry = null;
  const delays: number[] = [];
  let at = 0;
  for (let i = 0; i < 8; i++) {
    const r = nextRestart(entry, seconds(at));
    delays.push((r.restartAt - seconds(at)) / 1e6);
    entry = r.entry;
    at = r.restartAt / 1e6 + 1; // crash one second after each restart
  }
  assert.equal(delays, [0, 10, 20, 40, 80, 160, 300, 300]);
});

t("crash backoff resets when the last restart was more than 10 min before the exit", () => {
  const first = nextRestart(null, 0).entry; // restart at 0, backoff 10 s
  const later = nextRestart({ backoff: MAX_BACKOFF, lastUpdate: 0 }, seconds(601));
  assert.is(later.restartAt, seconds(601));
  assert.is(later.entry.backoff, INITIAL_BACKOFF);
  const within = nextRestart(first, seconds(600)); // exactly 10 min: not expired (strictly more)
  assert.is(within.restartAt, seconds(610));
});

t.run();
