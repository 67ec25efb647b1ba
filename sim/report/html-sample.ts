/**
 * Synthetic ReportData for report.html's tests, demos and the screenshot check: a 10-replica
 * Deployment `web` rolled out at about one minute under three strategies (a 25 % rolling update, a
 * full surge, and Recreate with its outage), plus an unselected `worker` that never moves. The
 * numbers are plausible in shape, not simulated: they come from a few formulas and a seeded
 * generator, so the same options give the same data.
 *
 * Never used by `kubesim run`; leaves out events, faults and anything the page does not draw.
 */
import type { CheckRow, TimeseriesRow } from "./columns.ts";
import { type SummaryInput, buildComparison } from "./comparison.ts";
import type { ReportData } from "./html.ts";

export interface SampleOptions {
  /** Strategy names, at most three shapes (repeated when more are given); default the three below. */
  readonly strategies?: readonly string[];
  readonly replications?: number;
  /** One-second time bins per replication. */
  readonly bins?: number;
  /** Seed of the generator. */
  readonly seed?: number;
}

/** mulberry32: a tiny seeded generator, good enough for plausible noise. */
function generator(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A Poisson draw by Knuth's multiplication method: fine for the small means used here. */
function poisson(random: () => number, mean: number): number {
  const limit = Math.exp(-mean);
  let k = 0;
  for (let p = random(); p > limit; p *= random()) k++;
  return k;
}

type Shape = "rolling" | "surge" | "recreate";
const SHAPES: readonly Shape[] = ["rolling", "surge", "recreate"];
const REPLICAS = 10;

export function sampleReportData(options: SampleOptions = {}): ReportData {
  const strategies = options.strategies ?? ["rolling-25", "surge-all", "recreate"];
  const replications = options.replications ?? 5;
  const bins = options.bins ?? 300;
  const random = generator(options.seed ?? 7);
  const scenario = "rolling-update-web";
  const timeseries: TimeseriesRow[] = [];
  const summary: SummaryInput[] = [];

  strategies.forEach((strategy, si) => {
    const shape = SHAPES[si % SHAPES.length];
    for (let replication = 1; replication <= replications; replication++) {
      const start = 60 + Math.floor(random() * 6);
      const duration = (shape === "rolling" ? 85 : shape === "surge" ? 38 : 34) + Math.floor(random() * 12);
      let ok = 0;
      let failed = 0;
      let timeout = 0;
      let minAvailable = REPLICAS;
      let unreachable = 0;
      const readyHistory: number[] = [];
      for (let t = 0; t < bins; t++) {
        const p = Math.min(1, Math.max(0, (t - start) / duration));
        const rolling = p > 0 && p < 1;
        const updated = t < start ? REPLICAS : Math.min(REPLICAS, Math.floor(REPLICAS * p + random() * 0.6));
        let available = REPLICAS;
        if (rolling && shape === "rolling") available = REPLICAS - 1 - (random() < 0.5 ? 1 : 0);
        if (rolling && shape === "recreate") available = p < 0.55 ? 0 : Math.min(REPLICAS, Math.floor((p - 0.55) * 2.3 * REPLICAS));
        minAvailable = Math.min(minAvailable, available);
        const terminating = rolling ? (shape === "recreate" ? (p < 0.3 ? REPLICAS : 0) : 2) : 0;
        readyHistory.push(available);
        const programmed = readyHistory[Math.max(0, t - 2)];
        const requests = 180 + Math.floor(random() * 40);
        let lost = 0;
        let timedOut = 0;
        if (available === 0) {
          lost = requests;
          unreachable += 1;
        } else {
          const rate = rolling ? (shape === "rolling" ? 0.012 : shape === "surge" ? 0.003 : 0.03) : 0.0004;
          lost = Math.min(requests, poisson(random, requests * rate * 0.7));
          timedOut = Math.min(requests - lost, poisson(random, requests * rate * 0.3));
        }
        ok += requests - lost - timedOut;
        failed += lost;
        timeout += timedOut;
        const common = { scenario, strategy, replication, time_s: t, requests_ok: requests - lost - timedOut, requests_failed: lost, requests_timeout: timedOut };
        timeseries.push({
          ...common,
          workload: "web",
          desired: REPLICAS,
          updated,
          ready: available,
          available,
          terminating,
          endpoints_ready: available,
          endpoints_programmed_min: programmed,
        });
        timeseries.push({
          ...common,
          workload: "worker",
          desired: 3,
          updated: 3,
          ready: 3,
          available: 3,
          terminating: 0,
          endpoints_ready: null,
          endpoints_programmed_min: null,
        });
      }
      const total = ok + failed + timeout;
      summary.push({
        scenario,
        strategy,
        replication,
        requests_total: total,
        requests_ok: ok,
        requests_failed: failed,
        requests_timeout: timeout,
        availability: total > 0 ? ok / total : null,
        reachability: total > 0 ? Math.min(1, ok / total + random() * 0.0005) : null,
        unreachable_s: unreachable,
        rollout_duration_s: start + duration <= bins ? duration : null,
        min_available_replicas: minAvailable,
        max_surge_pods: shape === "surge" ? REPLICAS : shape === "rolling" ? 3 : 0,
        pods_created: REPLICAS + 3,
        pods_deleted: REPLICAS,
        events_processed: 4000 + Math.floor(random() * 500),
      });
    }
  });

  const comparison = buildComparison(summary);
  const checks: CheckRow[] = [];
  for (const strategy of strategies) {
    const availability = comparison.find((r) => r.strategy === strategy && r.metric === "availability")?.mean ?? null;
    const rollout = comparison.find((r) => r.strategy === strategy && r.metric === "rollout_duration_s")?.mean ?? null;
    checks.push({
      scenario,
      strategy,
      check: "availability(service/web) >= 0.995",
      value: availability,
      bound: 0.995,
      passed: availability !== null && availability >= 0.995,
    });
    checks.push({
      scenario,
      strategy,
      check: "rollout_duration_s(deployment/web) <= 90",
      value: rollout,
      bound: 90,
      passed: rollout !== null && rollout <= 90,
    });
  }

  return {
    scenario,
    description:
      "Roll out a new image of the 10-replica web Deployment behind Service web while clients send ~200 requests/s; compare update strategies.",
    seed: String(options.seed ?? 7),
    replications,
    strategies,
    comparison,
    timeseries,
    checks,
    generatedBy: "kubesim 0.1.0",
  };
}
