/**
 * `npm run bench [-- --quick] [-- --check]`: kubesim's benchmarks with tinybench.
 *
 * Every speed is reported next to a baseline measured in the same run (a bare typed-array heap
 * for the event loop, Math.random for the random streams), because only same-run ratios are
 * comparable on these noisy machines. Scenario benchmarks report simulated seconds per wall
 * second on one thread. Results: a table on stdout and reports/bench/latest.csv
 * (`benchmark,metric,value,unit`). `--check` runs the ratio benchmarks three times and fails
 * (exit 1) when the best ratio is below a committed gate (bench/thresholds.ts).
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Bench } from "tinybench";
import { RandomStreams } from "../sim/core/rng.ts";
import { Simulation } from "../sim/core/simulation.ts";
import { EventQueue } from "../sim/core/event-queue.ts";
import { effectiveScenarios, planUnits, runUnit } from "../sim/engine/run.ts";
import { listBundledScenarios, loadScenarioSync, projectRoot } from "../sim/scenario/load.ts";
import { BareHeap } from "./baseline-heap.ts";
import { evaluateGates, GATES, type Measurement } from "./thresholds.ts";
import { controllerBenchmarks } from "./controllers.ts";
import type { LargeClusterRun } from "./large-cluster-run.ts";

const args = new Set(process.argv.slice(2));
const quick = args.has("--quick");
const check = args.has("--check");
const BATCH = 100_000;

/** A deterministic LCG for the loop benchmarks (the workload, not the model, so not a stream). */
function lcg(seed: number) {
  let x = seed >>> 0;
  return () => {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    return x;
  };
}

function coreLoop(pending: number) {
  const sim = new Simulation(pending);
  const rnd = lcg(1);
  const handler = () => {
    sim.after(1 + (rnd() % 1_000_000), handler);
  };
  for (let i = 0; i < pending; i++) sim.at(rnd() % 1_000_000, handler);
  return () => {
    for (let i = 0; i < BATCH; i++) sim.step();
  };
}

function bareHeap(pending: number) {
  const heap = new BareHeap(pending + 1);
  const rnd = lcg(1);
  const payloads: (() => void)[] = [() => {}];
  for (let i = 0; i < pending; i++) heap.push(rnd() % 1_000_000, 0);
  return () => {
    for (let i = 0; i < BATCH; i++) {
      const p = heap.pop();
      payloads[p]();
      heap.push(heap.lastTime + 1 + (rnd() % 1_000_000), p);
    }
  };
}

async function ratioBenchmarks(): Promise<Measurement[]> {
  const bench = new Bench({ time: quick ? 150 : 1000, iterations: quick ? 5 : 20, warmupTime: quick ? 30 : 200, warmupIterations: 2, warmup: true });
  const sizes: [string, number][] = [
    ["100", 100],
    ["10k", 10_000],
    ["1m", 1_000_000],
  ];
  for (const [label, n] of sizes) {
    bench.add(`core-loop-${label}`, coreLoop(n));
    bench.add(`baseline-heap-${label}`, bareHeap(n));
  }
  const stream = new RandomStreams("bench", 0).stream("bench", "draws");
  let sink = 0;
  bench.add("rng-alea", () => {
    for (let i = 0; i < BATCH; i++) sink += stream.next();
  });
  bench.add("rng-math-random", () => {
    for (let i = 0; i < BATCH; i++) sink += Math.random(); // wall-clock ok: the baseline, not the model
  });
  await bench.run();
  if (sink === -1) console.log(sink);
  const out: Measurement[] = [];
  for (const task of bench.tasks) {
    const r = task.result;
    if (r.state !== "completed") throw new Error(`benchmark ${task.name}: ${r.state}`);
    const perSecond = (BATCH / r.latency.mean) * 1000;
    out.push({ benchmark: task.name, metric: task.name.startsWith("rng") ? "draws_per_s" : "events_per_s", value: perSecond, unit: "1/s" });
  }
  return out;
}

function memoryBenchmarks(): Measurement[] {
  const gc = (globalThis as { gc?: () => void }).gc;
  const used = () => {
    const m = process.memoryUsage();
    return m.heapUsed + m.arrayBuffers; // typed arrays live outside the JS heap
  };
  gc?.();
  const before = used();
  const n = 1_000_000;
  const q = new EventQueue<() => void>(16);
  const f = () => {};
  for (let i = 0; i < n; i++) q.push(i, 0, f);
  gc?.();
  const perEvent = (used() - before) / n;
  // Read the queue after measuring: otherwise it is dead before the second gc and collected.
  if (q.size !== n) throw new Error(`event queue holds ${q.size} of ${n} events`);
  return [{ benchmark: "event-queue", metric: "bytes_per_pending_event", value: Math.max(0, perEvent), unit: "B" }];
}

function scenarioBenchmarks(): Measurement[] {
  const out: Measurement[] = [];
  for (const bundled of listBundledScenarios()) {
    if (bundled.name === "large-cluster") continue;
    const loaded = loadScenarioSync(bundled.path);
    if (!loaded.ok) throw new Error(`bundled scenario ${bundled.name} does not load`);
    const scenario = loaded.scenario;
    const settings = {
      seed: scenario.spec.seed ?? "bench",
      replications: quick ? Math.min(2, scenario.spec.replications) : scenario.spec.replications,
      duration: scenario.spec.duration,
      strategies: [],
      bin: 1_000_000,
      events: "none" as const,
    };
    const units = planUnits(scenario, settings);
    const effective = effectiveScenarios(scenario, settings);
    const t0 = performance.now();
    let events = 0;
    let requests = 0;
    for (const unit of units) {
      const r = runUnit(effective.get(unit.strategy)!, unit, settings);
      events += r.eventsProcessed;
      requests += r.requests.total;
    }
    const wall = (performance.now() - t0) / 1000;
    const simulated = (units.length * scenario.spec.duration) / 1e6;
    out.push({ benchmark: `scenario-${bundled.name}`, metric: "sim_seconds_per_wall_s", value: simulated / wall, unit: "s/s" });
    out.push({ benchmark: `scenario-${bundled.name}`, metric: "events_per_s", value: events / wall, unit: "1/s" });
    out.push({ benchmark: `scenario-${bundled.name}`, metric: "sim_requests_per_wall_s", value: requests / wall, unit: "1/s" });
    out.push({ benchmark: `scenario-${bundled.name}`, metric: "wall_s", value: wall, unit: "s" });
  }
  return out;
}

/**
 * The scale benchmark: one replication of large-cluster (5,000 nodes, 150,000 pods) in a child
 * process (bench/large-cluster-run.ts), so that its peak RSS is its own and a fresh heap is
 * measured. `--quick` simulates 2 minutes (the steady start and the first rollouts) instead of
 * the scenario's 10, to keep `npm run bench -- --quick` within two minutes.
 */
function largeClusterBenchmark(): Measurement[] {
  const script = join(projectRoot(), "bench", "large-cluster-run.ts");
  const args = ["--import", "tsx", script, ...(quick ? ["--duration", "2m"] : [])];
  const child = spawnSync(process.execPath, args, { cwd: projectRoot(), encoding: "utf8", maxBuffer: 1 << 20 });
  if (child.status !== 0) throw new Error(`large-cluster benchmark failed (exit ${child.status}):\n${child.stderr}`);
  const lines = child.stdout.trim().split("\n");
  const run = JSON.parse(lines[lines.length - 1]) as LargeClusterRun;
  return [
    { benchmark: "large-cluster", metric: "wall_s", value: run.wall_s, unit: "s" },
    { benchmark: "large-cluster", metric: "peak_rss_bytes", value: run.peak_rss_bytes, unit: "B" },
    { benchmark: "large-cluster", metric: "events_per_s", value: run.events / run.run_s, unit: "1/s" },
    { benchmark: "large-cluster", metric: "bytes_per_pod", value: run.bytes_per_pod, unit: "B" },
  ];
}

function formatValue(v: number): string {
  if (v >= 1e6) return `${(v / 1e6).toFixed(2)} M`;
  if (v >= 1e3) return `${(v / 1e3).toFixed(1)} k`;
  return v.toFixed(v < 10 ? 3 : 1);
}

function printTable(rows: readonly Measurement[]): void {
  const w = Math.max(...rows.map((r) => r.benchmark.length));
  const wm = Math.max(...rows.map((r) => r.metric.length));
  for (const r of rows) console.log(`${r.benchmark.padEnd(w)}  ${r.metric.padEnd(wm)}  ${formatValue(r.value).padStart(10)} ${r.unit}`);
}

function writeCsv(rows: readonly Measurement[]): string {
  const dir = join(projectRoot(), "reports", "bench");
  mkdirSync(dir, { recursive: true });
  const file = join(dir, "latest.csv");
  const lines = ["benchmark,metric,value,unit", ...rows.map((r) => `${r.benchmark},${r.metric},${Number(r.value.toPrecision(6))},${r.unit}`)];
  writeFileSync(file, `${lines.join("\n")}\n`);
  return file;
}

async function main(): Promise<number> {
  // Memory first, on a fresh heap: after the timed runs a gc frees their leftovers between the
  // two readings and the difference came out at or below 0.
  const memory = memoryBenchmarks();
  const tries: Measurement[][] = [await ratioBenchmarks()];
  if (check) for (let i = 1; i < 3; i++) tries.push(await ratioBenchmarks());
  const rows: Measurement[] = [...tries[0], ...memory, ...controllerBenchmarks(quick), ...scenarioBenchmarks(), ...largeClusterBenchmark()];
  for (const g of evaluateGates(tries, GATES)) {
    rows.push({ benchmark: `${g.gate.benchmark}/${g.gate.baseline}`, metric: "ratio", value: g.ratio ?? 0, unit: "x" });
  }
  printTable(rows);
  console.log(`\nwritten: ${writeCsv(rows)}`);
  if (!check) return 0;
  let ok = true;
  for (const g of evaluateGates(tries, GATES)) {
    const line = `${g.passed ? "PASS" : "FAIL"}  ${g.gate.benchmark}/${g.gate.baseline} ${g.gate.metric} ratio ${g.ratio?.toFixed(3) ?? "missing"} (best of ${tries.length}) >= ${g.gate.min}: ${g.gate.why}`;
    console.log(line);
    if (!g.passed) ok = false;
  }
  return ok ? 0 : 1;
}

process.exitCode = await main();
