/**
 * The kubesim command line (SPEC §1). yargs parses; each command's handler only turns parsed
 * flags into options for a plain function (run-scenarios.ts, validate.ts, …) that does the work
 * and returns the exit code. Usage errors exit 2 with the usage line; bugs exit 70.
 */
import yargs, { type Argv } from "yargs";
import { hideBin } from "yargs/helpers";
import { EXIT } from "./exit-codes.ts";
import { listCommand, schemaCommand, validateCommand } from "./simple-commands.ts";
import { type Io, type RunOptions, runScenarios } from "./run-scenarios.ts";
import { readPackageVersion } from "./version.ts";
import { mergeReports } from "./merge.ts";

/** NO_COLOR / FORCE_COLOR / TTY, as https://no-color.org and most CLIs read them. */
export function useColor(env: Io["env"], isTty: boolean): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== "") return false;
  if (env.FORCE_COLOR !== undefined) return env.FORCE_COLOR !== "0" && env.FORCE_COLOR !== "false";
  return isTty;
}

function runFlags(y: Argv) {
  return y
    .positional("scenarios", { type: "string", array: true, describe: "scenario files or bundled scenario names" })
    .option("seed", { type: "string", describe: "seed (overrides spec.seed; 42 and \"42\" are the same)" })
    .option("replications", { type: "number", describe: "replications per strategy" })
    .option("duration", { type: "string", describe: "virtual time to simulate (e.g. 10m)" })
    .option("strategy", { type: "string", array: true, describe: "run only these strategies (repeatable)" })
    .option("out", { type: "string", describe: "report directory (default reports/<scenario>/)" })
    .option("force", { type: "boolean", default: false, describe: "replace an existing report directory" })
    .option("workers", { type: "number", describe: "worker threads (default: available cores; 1 = in-process)" })
    .option("shard", { type: "string", describe: "run shard i/n (1-based) or auto/n (JOB_COMPLETION_INDEX)" })
    .option("events", { choices: ["all", "first", "none"] as const, default: "first" as const, describe: "replications whose events.csv rows are written" })
    .option("json", { type: "boolean", default: false, describe: "print one JSON document instead of the table" })
    .option("quiet", { type: "boolean", default: false, describe: "no progress output" })
    .option("max-events", { type: "number", describe: "work budget per replication: events, simulated requests and pods walked by controller syncs, steady-start bootstrap included (exit 3 when exceeded)" })
    .option("max-wall-time", { type: "string", describe: "wall-time budget for the whole command (exit 3 when exceeded)" })
    .option("bin", { type: "string", describe: "timeseries bin (default 1s)" })
    .option("check-invariants", { type: "boolean", default: false, describe: "check cluster invariants after every event (slower; a violation exits 70)" });
}

type RunArgs = {
  scenarios?: string[];
  seed?: string;
  replications?: number;
  duration?: string;
  strategy?: string[];
  out?: string;
  force: boolean;
  workers?: number;
  shard?: string;
  events: "all" | "first" | "none";
  json: boolean;
  quiet: boolean;
  "max-events"?: number;
  "max-wall-time"?: string;
  bin?: string;
  baseline?: string;
  "check-invariants": boolean;
};

function runOptions(command: "run" | "check", a: RunArgs, io: Io): RunOptions {
  return {
    command,
    scenarios: a.scenarios ?? [],
    seed: a.seed,
    replications: a.replications,
    duration: a.duration,
    strategies: a.strategy ?? [],
    out: a.out,
    force: a.force,
    workers: a.workers,
    shard: a.shard,
    events: a.events,
    json: a.json,
    quiet: a.quiet,
    maxEvents: a["max-events"],
    maxWallTime: a["max-wall-time"],
    bin: a.bin,
    baseline: a.baseline,
    checkInvariants: a["check-invariants"],
    color: useColor(io.env, io.isTty),
  };
}

export async function main(argv: readonly string[], io: Io): Promise<number> {
  let exitCode: number = EXIT.ok;
  const parser = yargs([...argv])
    .scriptName("kubesim")
    .usage("$0 <command> [options]\n\nSeeded discrete-event simulator of Kubernetes workloads.")
    .version(readPackageVersion())
    .command(
      "run <scenarios..>",
      "run every replication of every strategy, write the report, print a summary, evaluate checks",
      (y) => runFlags(y),
      async (a) => {
        exitCode = await runScenarios(runOptions("run", a as unknown as RunArgs, io), io);
      },
    )
    .command(
      "check <scenarios..>",
      "like run, for CI: one line per check, and with --baseline a comparison to a committed report",
      (y) => runFlags(y).option("baseline", { type: "string", describe: "committed report directory to compare against" }),
      async (a) => {
        exitCode = await runScenarios(runOptions("check", a as unknown as RunArgs, io), io);
      },
    )
    .command(
      "validate <files..>",
      "validate scenarios and manifests; prints nothing on success",
      (y) => y.positional("files", { type: "string", array: true }),
      (a) => {
        exitCode = validateCommand((a.files as string[]) ?? [], io);
      },
    )
    .command(
      "list",
      "list the bundled scenarios",
      (y) => y,
      () => {
        exitCode = listCommand(io);
      },
    )
    .command(
      "schema",
      "print the JSON Schema of the scenario format",
      (y) => y,
      () => {
        exitCode = schemaCommand(io);
      },
    )
    .command(
      "merge <dirs..>",
      "merge shard report directories into one report",
      (y) =>
        y
          .positional("dirs", { type: "string", array: true })
          .option("out", { type: "string", demandOption: true, describe: "merged report directory" })
          .option("force", { type: "boolean", default: false }),
      async (a) => {
        exitCode = await mergeReports((a.dirs as string[]) ?? [], a.out as string, a.force as boolean, io);
      },
    )
    .strict()
    .strictCommands()
    .demandCommand(1, "Name a command.")
    .recommendCommands()
    .help()
    .wrap(Math.min(100, process.stdout.columns ?? 100))
    .fail((message, error) => {
      if (error) throw error;
      io.stderr(`kubesim: ${message}\nRun 'kubesim --help' for usage.\n`);
      exitCode = EXIT.usage;
    })
    .exitProcess(false);
  await parser.parseAsync();
  return exitCode;
}

let interrupted = false;
const io: Io = {
  interrupted: () => interrupted,
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  isTty: process.stderr.isTTY === true,
  now: () => Date.now(),
  env: process.env,
};

if (process.argv[1] !== undefined && /(main\.(ts|js)|kubesim(\.js)?)$/.test(process.argv[1])) {
  process.on("SIGINT", () => {
    // A second Ctrl-C exits at once; nothing has been renamed into place before the end.
    if (interrupted) process.exit(EXIT.interrupted);
    interrupted = true;
  });
  try {
    process.exitCode = await main(hideBin(process.argv), io);
  } catch (error) {
    io.stderr(`kubesim: internal error: ${(error as Error).stack ?? error}\n`);
    process.exitCode = EXIT.internal;
  }
}
