/**
 * `kubesim run` and `kubesim check` as a plain function over already-parsed options: load and
 * validate every scenario first (nothing is simulated or written when any is invalid), run every
 * (strategy, replication) unit, write each report atomically, print the summary, evaluate the
 * checks and, for `check --baseline`, compare with the committed report. Returns the exit code.
 */
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseDuration } from "../core/duration.ts";
import type { Time } from "../core/time.ts";
import { availableParallelism } from "node:os";
import { runOnWorkers, UnitError, type UnitResult } from "../engine/pool.ts";
import { DEFAULT_BIN, effectiveScenarios, planUnits, type RunSettings, runUnit } from "../engine/run.ts";
import { wallClockMs } from "../engine/replication.ts";
import { buildTables, csvFiles } from "../report/build-report.ts";
import { allPassed, compareToBaseline, formatBaselineTable, formatCheckLines, noRegressions, parseComparisonCsv } from "../report/checks.ts";
import { formatSummaryTable } from "../report/summary-table.ts";
import { renderReportHtml } from "../report/html.ts";
import { ReportExistsError, ReportWriteError, writeReportDirectory } from "../report/atomic-dir.ts";
import { formatDiagnostic, formatWarning } from "../scenario/diagnostics.ts";
import { findBundledScenario, loadScenarioSync } from "../scenario/load.ts";
import type { Scenario } from "../scenario/types.ts";
import { EXIT } from "./exit-codes.ts";
import { Progress } from "./progress.ts";
import { readPackageVersion } from "./version.ts";
import { runJson } from "./merge.ts";

export interface RunOptions {
  readonly command: "run" | "check";
  readonly scenarios: readonly string[];
  readonly seed?: string;
  readonly replications?: number;
  readonly duration?: string;
  readonly strategies: readonly string[];
  readonly out?: string;
  readonly force: boolean;
  readonly workers?: number;
  readonly shard?: string;
  readonly events: "all" | "first" | "none";
  readonly json: boolean;
  readonly quiet: boolean;
  readonly maxEvents?: number;
  readonly maxWallTime?: string;
  readonly bin?: string;
  readonly baseline?: string;
  readonly checkInvariants?: boolean;
  readonly color: boolean;
}

export interface Io {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly isTty: boolean;
  /** Wall clock in ms (the CLI may read it; the model never does). */
  readonly now: () => number;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Set once SIGINT arrived: stop between units, write nothing, exit 130. */
  readonly interrupted?: () => boolean;
}

/** An Io that keeps what is written: for running kubesim in-process (tests, the loader fuzzer). */
export function capturingIo(): Io & { readonly out: () => string; readonly err: () => string } {
  let out = "";
  let err = "";
  return {
    stdout: (text) => void (out += text),
    stderr: (text) => void (err += text),
    isTty: false,
    now: () => performance.now(),
    env: {},
    out: () => out,
    err: () => err,
  };
}

class UsageError extends Error {}

/** Resolves a scenario argument: a file path, or the name of a bundled scenario. */
export function resolveScenarioPath(arg: string): string {
  if (existsSync(arg)) return arg;
  return findBundledScenario(arg) ?? arg;
}

function parseShard(text: string | undefined, env: Io["env"]): { index: number; count: number } | undefined {
  if (text === undefined) return undefined;
  const m = /^(\d+|auto)\/(\d+)$/.exec(text);
  if (m === null) throw new UsageError(`--shard must be i/n (1-based, e.g. 2/4) or auto/n, got "${text}"`);
  const count = Number(m[2]);
  let index: number;
  if (m[1] === "auto") {
    const raw = env.JOB_COMPLETION_INDEX;
    if (raw === undefined || !/^\d+$/.test(raw)) throw new UsageError("--shard auto/n needs JOB_COMPLETION_INDEX (set by a Kubernetes Indexed Job)");
    index = Number(raw) + 1;
  } else index = Number(m[1]);
  if (count < 1 || index < 1 || index > count) throw new UsageError(`--shard ${text}: i must be between 1 and n`);
  return { index, count };
}

function durationOption(name: string, text: string | undefined): Time | undefined {
  if (text === undefined) return undefined;
  try {
    return parseDuration(text);
  } catch (error) {
    throw new UsageError(`--${name}: ${(error as Error).message}`);
  }
}

export async function runScenarios(options: RunOptions, io: Io): Promise<number> {
  try {
    return await runChecked(options, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`kubesim: ${error.message}\n`);
      return EXIT.usage;
    }
    throw error;
  }
}

interface Loaded {
  readonly scenario: Scenario;
  readonly settings: RunSettings;
  readonly outDir: string | undefined;
}

async function runChecked(options: RunOptions, io: Io): Promise<number> {
  // 1. Parse and validate everything before simulating anything.
  if (options.replications !== undefined && (!Number.isInteger(options.replications) || options.replications < 1)) {
    throw new UsageError(`--replications must be a whole number of at least 1, got ${options.replications}`);
  }
  const duration = durationOption("duration", options.duration);
  const bin = durationOption("bin", options.bin) ?? DEFAULT_BIN;
  if (bin <= 0) throw new UsageError("--bin must be greater than 0");
  const maxWall = durationOption("max-wall-time", options.maxWallTime);
  const shard = parseShard(options.shard, io.env);
  const loaded: Scenario[] = [];
  let invalid = false;
  for (const arg of options.scenarios) {
    const path = resolveScenarioPath(arg);
    const result = loadScenarioSync(path);
    for (const w of result.warnings) io.stderr(`${formatWarning(w)}\n`);
    if (!result.ok) {
      for (const e of result.errors) io.stderr(`${formatDiagnostic(e)}\n`);
      invalid = true;
      continue;
    }
    const scenario = result.scenario;
    const names = scenario.spec.strategies.map((s) => s.name);
    for (const s of options.strategies) {
      if (!names.includes(s)) throw new UsageError(`--strategy ${s}: scenario ${scenario.metadata.name} has no such strategy (it has: ${names.join(", ")})`);
    }
    loaded.push(scenario);
  }
  if (invalid) return EXIT.usage;

  // A seed is picked only for scenarios that name none (and only when --seed is absent).
  let picked: string | undefined;
  if (options.seed === undefined && loaded.some((s) => s.spec.seed === undefined)) {
    picked = String(randomBytes(4).readUInt32BE(0));
    io.stderr(`seed=${picked} (re-run with --seed ${picked} to reproduce)\n`);
  }
  const several = loaded.length > 1;
  const runs: Loaded[] = loaded.map((scenario) => {
    const name = scenario.metadata.name;
    const settings: RunSettings = {
      seed: options.seed ?? scenario.spec.seed ?? picked!,
      replications: options.replications ?? scenario.spec.replications,
      duration: duration ?? scenario.spec.duration,
      strategies: options.strategies,
      bin,
      events: options.events,
      maxEvents: options.maxEvents,
      checkInvariants: options.checkInvariants,
      shard,
    };
    const writeReport = options.command === "run" || options.out !== undefined;
    const outDir = writeReport ? (options.out === undefined ? join("reports", name) : several ? join(options.out, name) : options.out) : undefined;
    return { scenario, settings, outDir };
  });
  for (const run of runs) {
    if (run.outDir !== undefined && existsSync(run.outDir) && !options.force) {
      throw new UsageError(new ReportExistsError(run.outDir).message);
    }
  }

  // 2. Simulate.
  const started = io.now();
  let exit: number = EXIT.ok;
  for (const run of runs) {
    const code = await runOne(run, options, io, maxWall === undefined ? undefined : started + maxWall / 1000);
    // A budget, an interruption or a bug ends the command; a failed check lets the rest run.
    if (code !== EXIT.ok && code !== EXIT.checkFailed) return code;
    if (code === EXIT.checkFailed) exit = EXIT.checkFailed;
  }
  return exit;
}

async function runOne(run: Loaded, options: RunOptions, io: Io, deadline: number | undefined): Promise<number> {
  const { scenario } = run;
  // Units poll the deadline while they run (on the wall clock every thread shares).
  const settings: RunSettings = deadline === undefined ? run.settings : { ...run.settings, deadline: wallClockMs() + (deadline - io.now()) };
  const name = scenario.metadata.name;
  const units = planUnits(scenario, settings);
  const effective = effectiveScenarios(scenario, settings);
  const progress = new Progress(io, units.length, `${name}`, options.quiet);
  const runStart = io.now();
  const interrupted = () => io.interrupted?.() === true;
  const overBudget = () => interrupted() || (deadline !== undefined && io.now() > deadline);
  const workers = Math.min(options.workers ?? availableParallelism(), units.length);
  let results: UnitResult[];
  try {
    if (workers > 1) {
      const gathered = await runOnWorkers(units, {
        workers,
        scenarioPath: scenario.file,
        settings,
        onResult: () => progress.tick(),
        shouldStop: overBudget,
        interrupted,
      });
      if (interrupted()) return stopped(io, name);
      if (gathered.some((r) => r === undefined)) return wallTimeExceeded(io, options, name, gathered.filter((r) => r !== undefined).length, units.length);
      results = gathered as UnitResult[];
    } else {
      results = [];
      for (const unit of units) {
        // Yield to the event loop so that a SIGINT handler can run between units.
        await new Promise((resolve) => setImmediate(resolve));
        if (interrupted()) return stopped(io, name);
        if (overBudget()) return wallTimeExceeded(io, options, name, results.length, units.length);
        const t0 = io.now();
        try {
          results.push({ ...runUnit(effective.get(unit.strategy)!, unit, settings), wallMs: io.now() - t0 });
        } catch (error) {
          throw new UnitError(unit, error as Error);
        }
        progress.tick();
      }
    }
  } catch (error) {
    if (!(error instanceof UnitError)) throw error;
    const unit = error.unit;
    if (error.remoteName === "EventBudgetExceeded") {
      io.stderr(
        `kubesim: --max-events ${options.maxEvents} exceeded in ${name}, strategy ${unit.strategy}, replication ${unit.replication} (${error.message}); no report written\n`,
      );
      return EXIT.budget;
    }
    if (error.remoteName === "WallTimeExceeded") {
      io.stderr(`kubesim: --max-wall-time ${options.maxWallTime} exceeded in ${name}, strategy ${unit.strategy}, replication ${unit.replication} (${error.message}); no report written\n`);
      return EXIT.budget;
    }
    const repro = `kubesim run ${scenario.file} --seed ${settings.seed} --strategy ${unit.strategy} --replications ${unit.replication + 1} --workers 1${settings.checkInvariants || error.remoteName === "InvariantViolation" ? " --check-invariants" : ""}`;
    const where = `${name}, strategy ${unit.strategy}, replication ${unit.replication}, seed ${settings.seed}`;
    if (error.remoteName === "InvariantViolation") {
      // The message opens with "invariant violated at t=<virtual time>s: <what>".
      io.stderr(`kubesim: ${error.message}\n  in ${where} (a kubesim bug)\n${error.stack ?? ""}\nreproduce with: ${repro}\n`);
    } else {
      io.stderr(`kubesim: internal error in ${where}: ${error.stack ?? error.message}\nreproduce with: ${repro}\n`);
    }
    return EXIT.internal;
  }
  progress.done();
  const wallMs = io.now() - runStart;

  const strategies = scenario.spec.strategies.map((s) => s.name).filter((s) => settings.strategies.length === 0 || settings.strategies.includes(s));
  const tables = buildTables({ scenario: name, strategies, results, checks: scenario.spec.checks });
  const files = csvFiles(tables);
  files.set(
    "report.html",
    renderReportHtml({
      scenario: name,
      description: scenario.metadata.description,
      seed: settings.seed,
      replications: settings.replications,
      strategies,
      comparison: tables.comparison,
      timeseries: tables.timeseries,
      checks: tables.checks,
      generatedBy: `kubesim ${readPackageVersion()}`,
    }),
  );
  const eventsProcessed = results.reduce((sum, r) => sum + r.eventsProcessed, 0);
  files.set(
    "run.json",
    runJson({
      kubesim: readPackageVersion(),
      scenario: name,
      description: scenario.metadata.description,
      scenarioHash: scenarioHash(scenario),
      seed: settings.seed,
      replications: settings.replications,
      duration_s: settings.duration / 1e6,
      strategies,
      shard: settings.shard ? `${settings.shard.index}/${settings.shard.count}` : null,
      units: results.map((r) => ({ strategy: r.strategy, replication: r.replication })),
      checks: scenario.spec.checks,
      wall_ms: Math.round(wallMs),
      events_processed: eventsProcessed,
    }),
  );
  if (interrupted()) return stopped(io, name);
  if (run.outDir !== undefined) {
    try {
      await writeReportDirectory(run.outDir, files, { force: options.force });
    } catch (error) {
      if (error instanceof ReportExistsError || error instanceof ReportWriteError) {
        io.stderr(`kubesim: ${error.message}\n`);
        return EXIT.usage;
      }
      throw error;
    }
  }

  // 3. Tell.
  let passed = allPassed(tables.checks);
  if (options.json) {
    io.stdout(`${JSON.stringify({ scenario: name, report: run.outDir ?? null, comparison: tables.comparison, checks: tables.checks })}\n`);
  } else {
    if (options.command === "run") io.stdout(`${name}\n${formatSummaryTable(tables.comparison, { color: options.color })}\n`);
    if (tables.checks.length > 0) io.stdout(`${formatCheckLines(tables.checks, { color: options.color })}\n`);
  }
  if (options.command === "check" && options.baseline !== undefined) {
    const candidates = [join(options.baseline, name, "comparison.csv"), join(options.baseline, "comparison.csv")];
    const file = candidates.find((f) => existsSync(f));
    if (file === undefined) throw new UsageError(`--baseline ${options.baseline}: no comparison.csv for ${name} (looked for ${candidates.join(", ")})`);
    const moves = compareToBaseline({
      scenario: name,
      current: tables.comparison,
      baseline: parseComparisonCsv(readFileSync(file, "utf8"), file),
      checks: scenario.spec.checks,
      source: file,
    });
    if (!options.json) io.stdout(`${formatBaselineTable(moves, { color: options.color })}\n`);
    if (!noRegressions(moves)) passed = false;
  }
  if (run.outDir !== undefined) io.stderr(`report: ${resolve(run.outDir)}\n`);
  return passed ? EXIT.ok : EXIT.checkFailed;
}

function stopped(io: Io, name: string): number {
  io.stderr(`kubesim: interrupted while running ${name}; no report written\n`);
  return EXIT.interrupted;
}

function wallTimeExceeded(io: Io, options: RunOptions, name: string, done: number, total: number): number {
  io.stderr(`kubesim: --max-wall-time ${options.maxWallTime} exceeded after ${done} of ${total} runs of ${name}; no report written\n`);
  return EXIT.budget;
}

/** A stable hash of the scenario's files (FNV-1a over their bytes), for run.json and merge. */
function scenarioHash(scenario: Scenario): string {
  let hash = 0x811c9dc5;
  for (const file of scenario.files) {
    const bytes = readFileSync(file);
    for (const b of bytes) {
      hash ^= b;
      hash = Math.imul(hash, 0x01000193) >>> 0;
    }
  }
  return hash.toString(16).padStart(8, "0");
}
