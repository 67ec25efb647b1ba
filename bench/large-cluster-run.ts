/**
 * One replication of the bundled large-cluster scenario in this process, for `bench/main.ts`,
 * which runs it in a child process so that the peak RSS is this run's alone:
 *
 *   node --import tsx bench/large-cluster-run.ts [--duration 2m]
 *
 * Prints one JSON line: wall seconds (scenario load and the replication; process start and
 * report writing excluded), the replication's own seconds, the process's peak RSS, the events
 * processed, the pods created, and the bytes per pod: the RSS the run added at its peak over
 * what the process held before it, divided by the pods created.
 */
import { parseDuration } from "../sim/core/duration.ts";
import { effectiveScenarios, planUnits, runUnit } from "../sim/engine/run.ts";
import { listBundledScenarios, loadScenarioSync } from "../sim/scenario/load.ts";

export interface LargeClusterRun {
  readonly wall_s: number;
  /** The replication alone (what events_per_s divides by). */
  readonly run_s: number;
  readonly peak_rss_bytes: number;
  readonly events: number;
  readonly pods_created: number;
  readonly bytes_per_pod: number;
}

function main(): void {
  const argv = process.argv.slice(2);
  const at = argv.indexOf("--duration");
  const durationText = at >= 0 ? argv[at + 1] : undefined;
  const bundled = listBundledScenarios().find((s) => s.name === "large-cluster");
  if (bundled === undefined) throw new Error("bundled scenario large-cluster not found");
  const rssBefore = process.memoryUsage().rss;
  const t0 = performance.now(); // wall clock: the benchmark, not the model
  const loaded = loadScenarioSync(bundled.path);
  if (!loaded.ok) throw new Error("bundled scenario large-cluster does not load");
  const scenario = loaded.scenario;
  const settings = {
    seed: scenario.spec.seed ?? "bench",
    replications: 1,
    duration: durationText === undefined ? scenario.spec.duration : parseDuration(durationText),
    strategies: [],
    bin: 1_000_000,
    events: "none" as const,
  };
  const [unit] = planUnits(scenario, settings);
  const effective = effectiveScenarios(scenario, settings).get(unit.strategy)!;
  const t1 = performance.now();
  const result = runUnit(effective, unit, settings);
  const t2 = performance.now();
  const wall = (t2 - t0) / 1000;
  const peak = process.resourceUsage().maxRSS * 1024;
  const out: LargeClusterRun = {
    wall_s: wall,
    run_s: (t2 - t1) / 1000,
    peak_rss_bytes: peak,
    events: result.eventsProcessed,
    pods_created: result.podsCreated,
    bytes_per_pod: result.podsCreated === 0 ? 0 : Math.max(0, peak - rssBefore) / result.podsCreated,
  };
  console.log(JSON.stringify(out));
}

main();
