// Random clusters, workloads, strategies, timelines and faults, written as scenario files and run
// through the real loader and runner: no run throws (the test runner's KUBESIM_TEST=1 checks the
// cluster invariants after every event), every run ends within its event budget, request
// accounting adds up, availability and reachability stay in [0, 1]; and when every fault
// recovers, every workload has converged by the end of a long settle phase (faults over, then
// SETTLE_SECONDS of quiet), or the failure says which workload is short of what.
//
// CI runs 25 + 25 small cases (a few seconds); KUBESIM_LONG=1 runs 1000 + 1000, with fast-check
// seeds 1 and 2, or n and n + 1 with KUBESIM_PROPERTY_SEED=n.
//
// Long form, as run for the reliability work (KUBESIM_LONG=1, fast-check seeds 1 and 2): 2000
// random scenarios, 2931 replications (1000 settling models / 1459 replications, 1000 free
// models / 1472 replications), invariants checked after every event. Free models: no exception,
// no invariant violation, no budget overrun, accounting and ratios always right. Settling
// models: 3 did not converge (models 69, 103 and 702 of seed 1), all the partition-readiness bug
// below (pods whose containers start while their node is partitioned never become Ready); with
// the terminating count checked too, 137 of the 1000 failed: 134 on the deployment-terminating-
// stale bug below, the same 3 on the partition bug. Both fixed; the same long form (seeds 1, 2)
// then passed: 2000 scenarios, 2931 replications, 0 failed (168 s).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { MICROS_PER_SECOND } from "../../sim/core/time.ts";
import { EventBudgetExceeded } from "../../sim/core/simulation.ts";
import type { ReplicationResult } from "../../sim/engine/replication.ts";
import { DEFAULT_BIN, effectiveScenarios, planUnits, type RunSettings, runUnit } from "../../sim/engine/run.ts";
import { formatDiagnostic } from "../../sim/scenario/diagnostics.ts";
import { loadScenarioSync } from "../../sim/scenario/load.ts";
import { type ScenarioModel, scenarioFiles, scenarioModel, writeScenario } from "./scenario-gen.ts";

const t = suite("reliability: random scenarios never throw, keep their accounting and converge once faults are over");

const LONG = process.env.KUBESIM_LONG === "1";
const RUNS = LONG ? 1000 : 25;
/** fast-check seeds of the two properties: 1 and 2, or n and n + 1 with KUBESIM_PROPERTY_SEED=n. */
const SEED = /^\d+$/.test(process.env.KUBESIM_PROPERTY_SEED ?? "") ? Number(process.env.KUBESIM_PROPERTY_SEED) : 1;
/** Far above what these small scenarios need (a few 10⁴ events): reaching it means a livelock. */
const MAX_EVENTS = 3_000_000;
const work = mkdtempSync(join(tmpdir(), "kubesim-random-"));
let counter = 0;
let kept = false;

/**
 * Upstream's scale-down stall (see "OrderedReady + minReadySeconds: a scale-down while a replica is
 * Ready but not available stalls" in test/engine/statefulset-timelines.test.ts): an OrderedReady
 * set with every kept replica available but condemned pods left, because no requeue is pending.
 * Real clusters stay so until an informer resync (12-24 h), so it is not a convergence failure.
 */
function upstreamScaleDownStall(m: ScenarioModel, s: ReplicationResult["samples"][number]): boolean {
  const set = m.workloads.find((w) => w.kind === "StatefulSet" && `statefulset/${w.name}` === s.workload);
  return set?.podManagementPolicy === "OrderedReady" && s.available === s.desired && s.ready > s.desired && s.terminating === 0;
}
let stalls = 0;

/** What has not converged at the end of a run, in words; empty when everything has. */
function pending(result: ReplicationResult, m?: ScenarioModel): string[] {
  const end = Math.max(...result.samples.map((s) => s.time));
  const out: string[] = [];
  for (const s of result.samples) {
    if (s.time !== end) continue;
    if (m !== undefined && upstreamScaleDownStall(m, s)) {
      stalls++;
      continue;
    }
    if (s.updated !== s.desired || s.available !== s.desired || s.ready !== s.desired || s.terminating !== 0) {
      out.push(`${s.workload}: desired ${s.desired}, updated ${s.updated}, ready ${s.ready}, available ${s.available}, terminating ${s.terminating}`);
    }
  }
  return out;
}

function describe(m: ScenarioModel): string {
  return `${m.settling ? "settling" : "free"} scenario, seed ${m.seed}:\n${scenarioFiles(m).scenario}\n--- manifests/workloads.yaml\n${scenarioFiles(m).manifests}`;
}

/** Loads the model through the real loader and runs every strategy once; returns the failures. */
function check(m: ScenarioModel): string[] {
  const dir = join(work, `case-${counter++}`);
  const file = writeScenario(dir, m);
  const failures: string[] = [];
  try {
    const loaded = loadScenarioSync(file);
    if (!loaded.ok) {
      failures.push(`the generated scenario does not load:\n${loaded.errors.map(formatDiagnostic).join("\n")}`);
      return failures;
    }
    const scenario = loaded.scenario;
    const settings: RunSettings = {
      seed: String(m.seed),
      replications: 1,
      duration: scenario.spec.duration,
      strategies: [],
      bin: DEFAULT_BIN * 10,
      events: "none",
      maxEvents: MAX_EVENTS,
      checkInvariants: true,
    };
    const effective = effectiveScenarios(scenario, settings);
    for (const unit of planUnits(scenario, settings)) {
      const where = `strategy ${unit.strategy}`;
      let result: ReplicationResult;
      try {
        result = runUnit(effective.get(unit.strategy)!, unit, settings);
      } catch (error) {
        const e = error as Error;
        failures.push(error instanceof EventBudgetExceeded ? `${where}: more than ${MAX_EVENTS} events (${e.message})` : `${where}: threw ${e.stack ?? e.message}`);
        continue;
      }
      const r = result.requests;
      if (r.ok + r.failed + r.timeout !== r.total) failures.push(`${where}: requests ok ${r.ok} + failed ${r.failed} + timeout ${r.timeout} != total ${r.total}`);
      for (const [name, v] of [
        ["availability", result.availability],
        ["reachability", result.reachability],
      ] as const) {
        if (v !== null && !(v >= 0 && v <= 1)) failures.push(`${where}: ${name} ${v} outside [0, 1]`);
      }
      if (result.eventsProcessed > MAX_EVENTS) failures.push(`${where}: ${result.eventsProcessed} events processed, over the budget`);
      if (result.durationSeconds * MICROS_PER_SECOND !== scenario.spec.duration) failures.push(`${where}: ran ${result.durationSeconds} s, not the scenario's duration`);
      if (m.settling) {
        const left = pending(result, m);
        if (left.length > 0) {
          failures.push(`${where}: not converged ${Math.round(result.durationSeconds - m.activeEnd)} s after the last event or fault recovery:\n  ${left.join("\n  ")}`);
        }
      }
    }
  } finally {
    if (failures.length === 0) rmSync(dir, { recursive: true, force: true });
    else {
      kept = true;
      failures.push(`files kept in ${dir}`);
    }
  }
  return failures;
}

/**
 * Runs `RUNS` models drawn with `seed` and collects every failure (no early stop, no shrinking:
 * each failure carries its whole scenario, and the files are kept for `kubesim run`).
 */
function property(settling: boolean, seed: number) {
  const models = fc.sample(scenarioModel(settling), { numRuns: RUNS, seed });
  const failed: string[] = [];
  let units = 0;
  models.forEach((m, i) => {
    units += m.strategies.length;
    const failures = check(m);
    if (failures.length > 0) failed.push(`model ${i} of fast-check seed ${seed}:\n${failures.join("\n")}\n\n${describe(m)}`);
  });
  if (LONG) {
    const stalled = settling ? `, ${stalls} upstream scale-down stalls accepted` : "";
    console.log(`random-scenarios: ${settling ? "settling" : "free"} models, seed ${seed}: ${models.length} scenarios, ${units} replications, ${failed.length} failed${stalled}`);
  }
  if (failed.length > 0) assert.unreachable(`${failed.length} of ${models.length} random scenarios failed:\n\n${failed.join("\n\n=====\n\n")}`);
}

t("without faults, or with faults that all recover, every rollout completes after the settle phase", () => {
  property(true, SEED);
});

t("any timeline, any fault, recovered or not: no exception, accounting adds up, ratios in [0, 1]", () => {
  property(false, SEED + 1);
});

// ---------------------------------------------------------------------------------------------
// Bugs the long form found, fixed; these keep them fixed.

/** Loads a scenario text (with inline objects) and runs its default strategy once. */
function runText(text: string): ReplicationResult {
  const dir = join(work, `bug-${counter++}`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "scenario.yaml"), text);
  const loaded = loadScenarioSync(join(dir, "scenario.yaml"));
  if (!loaded.ok) throw new Error(loaded.errors.map(formatDiagnostic).join("\n"));
  const settings: RunSettings = { seed: "1", replications: 1, duration: loaded.scenario.spec.duration, strategies: [], bin: DEFAULT_BIN, events: "none", checkInvariants: true };
  const [unit] = planUnits(loaded.scenario, settings);
  return runUnit(effectiveScenarios(loaded.scenario, settings).get(unit.strategy)!, unit, settings);
}

const ONE_DEPLOYMENT = (extra: string) => `apiVersion: kubesim/v1alpha1
kind: Scenario
metadata: {name: bug}
spec:
  duration: 10m
  start: empty
  cluster: {nodes: [{name: n, count: 1}]}
  timing: {imagePull: 2s, containerStart: 1s}
  apps: {web: {startup: 1s, shutdown: 1s}}
  objects:
    - apiVersion: apps/v1
      kind: Deployment
      metadata: {name: web}
      spec:
        replicas: 3
        selector: {matchLabels: {app: web}}
        template:
          metadata: {labels: {app: web}}
          spec:
            containers: [{name: web, image: web:v1, readinessProbe: {tcpSocket: {port: 80}, periodSeconds: 5}}]
${extra}`;

t("fixed deployment-terminating-stale: a Deployment's terminating count returns to 0 once its pods are gone", () => {
  // sim/controllers/deployment/controller.ts #syncStatus left terminatingReplicas out of its
  // `changed` test, so the status kept the last non-zero count (timeseries.csv's `terminating`).
  const result = runText(ONE_DEPLOYMENT("  events: [{at: 60s, scale: {target: deployment/web, replicas: 1}}]\n"));
  assert.equal(pending(result), [], "terminating replicas left at the end");
});

t("fixed partition-readiness: a pod whose containers start while its node is partitioned becomes Ready after the heal", () => {
  // sim/kubelet/kubelet.ts #readinessChanged returned early on the API's containersRunning (not
  // posted yet: the node is partitioned) without noting the kubelet's own readiness, so the heal
  // had nothing to post and the pod stayed not Ready for ever.
  const result = runText(ONE_DEPLOYMENT("  events: [{at: 1s, fault: {action: network-partition, selector: {node: n-1}, duration: 60s}}]\n"));
  assert.equal(pending(result), []);
});

t.after(() => {
  if (!kept) rmSync(work, { recursive: true, force: true });
});

t.run();
