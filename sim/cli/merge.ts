/**
 * `kubesim merge <dir…> --out DIR`: joins the report directories of `--shard i/n` runs into the
 * report an unsharded run would have written. Every shard must come from the same scenario
 * (same file hash), seed, replications, duration and strategies, with n shards of which each of
 * 1…n appears exactly once; otherwise nothing is written and the exit code is 3.
 *
 * Rows are re-ordered by (strategy order, replication), keeping each unit's own row order, and
 * comparison.csv and checks.csv are recomputed from the merged summary as written, which is
 * exactly what an unsharded run computes them from.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { statisticsTables, summaryAsWritten, timeseriesAsWritten } from "../report/build-report.ts";
import { renderReportHtml } from "../report/html.ts";
import type { CheckSpec } from "../report/checks.ts";
import {
  CHECKS_COLUMNS,
  COMPARISON_COLUMNS,
  EVENTS_COLUMNS,
  SUMMARY_COLUMNS,
  TIMESERIES_COLUMNS,
  type Column,
} from "../report/columns.ts";
import { parseCsv, toCsv } from "../report/csv.ts";
import { ReportExistsError, ReportWriteError, writeReportDirectory } from "../report/atomic-dir.ts";
import { EXIT } from "./exit-codes.ts";
import type { Io } from "./run-scenarios.ts";

/** What run.json says about a run (the fields merge relies on). */
export interface RunInfo {
  readonly kubesim: string;
  readonly scenario: string;
  readonly description?: string;
  readonly scenarioHash: string;
  readonly seed: string;
  readonly replications: number;
  readonly duration_s: number;
  readonly strategies: readonly string[];
  readonly shard: string | null;
  readonly units: readonly { strategy: string; replication: number }[];
  readonly checks: readonly CheckSpec[];
  readonly wall_ms: number;
  readonly events_processed: number;
}

class MergeError extends Error {}

function readRunInfo(dir: string): RunInfo {
  const file = join(dir, "run.json");
  if (!existsSync(file)) throw new MergeError(`${dir}: not a kubesim report (no run.json)`);
  try {
    return JSON.parse(readFileSync(file, "utf8")) as RunInfo;
  } catch (error) {
    throw new MergeError(`${file}: not readable as JSON: ${(error as Error).message}`);
  }
}

function same(label: string, a: unknown, b: unknown, dirA: string, dirB: string): void {
  if (JSON.stringify(a) !== JSON.stringify(b)) {
    throw new MergeError(`shards do not match: ${label} is ${JSON.stringify(a)} in ${dirA} but ${JSON.stringify(b)} in ${dirB}`);
  }
}

/** Records of a table (without header), checked against the expected columns. */
function records(dir: string, file: string, columns: readonly Column[]): string[][] {
  const path = join(dir, file);
  if (!existsSync(path)) throw new MergeError(`${dir}: ${file} is missing`);
  const [header, ...rows] = parseCsv(readFileSync(path, "utf8"), path);
  if (header === undefined || columns.some((c, i) => header[i] !== c.name)) throw new MergeError(`${path}: unexpected header`);
  return rows;
}

/** Sorts records by (strategy order, replication), stable within a unit. */
function ordered(rows: string[][], strategies: readonly string[]): string[][] {
  const rank = new Map(strategies.map((s, i) => [s, i]));
  return rows
    .map((row, i) => ({ row, i }))
    .sort((a, b) => (rank.get(a.row[1])! - rank.get(b.row[1])!) || Number(a.row[2]) - Number(b.row[2]) || a.i - b.i)
    .map((x) => x.row);
}

/** Writes records with the CSV writer's own quoting (text columns are written as they were read). */
function rewrite(columns: readonly Column[], rows: string[][]): string {
  const asText = columns.map((c) => ({ ...c, kind: "text" as const, nullable: true }));
  return toCsv(asText, rows.map((r) => Object.fromEntries(columns.map((c, i) => [c.name, r[i]]))));
}

export async function mergeReports(dirs: readonly string[], out: string, force: boolean, io: Io): Promise<number> {
  try {
    if (dirs.length === 0) throw new MergeError("name at least one shard directory");
    const infos = dirs.map(readRunInfo);
    const first = infos[0];
    const count = Number(/^\d+\/(\d+)$/.exec(first.shard ?? "")?.[1] ?? 1);
    const seen = new Map<number, string>();
    infos.forEach((info, i) => {
      for (const key of ["scenario", "scenarioHash", "seed", "replications", "duration_s", "strategies", "checks"] as const) {
        same(key, first[key], info[key], dirs[0], dirs[i]);
      }
      const m = /^(\d+)\/(\d+)$/.exec(info.shard ?? "1/1");
      if (m === null || Number(m[2]) !== count) throw new MergeError(`${dirs[i]}: shard ${info.shard ?? "none"} does not belong to a split into ${count}`);
      const index = Number(m[1]);
      if (seen.has(index)) throw new MergeError(`shard ${index}/${count} appears twice: ${seen.get(index)} and ${dirs[i]}`);
      seen.set(index, dirs[i]);
    });
    const missing = Array.from({ length: count }, (_, i) => i + 1).filter((i) => !seen.has(i));
    if (missing.length > 0) throw new MergeError(`missing shard${missing.length > 1 ? "s" : ""} ${missing.map((i) => `${i}/${count}`).join(", ")}`);

    const strategies = first.strategies;
    const gather = (file: string, columns: readonly Column[]) => ordered(dirs.flatMap((d) => records(d, file, columns)), strategies);
    const summaryCsv = rewrite(SUMMARY_COLUMNS, gather("summary.csv", SUMMARY_COLUMNS));
    const summary = summaryAsWritten(summaryCsv);
    const expected = strategies.length * first.replications;
    if (summary.length !== expected) throw new MergeError(`the shards hold ${summary.length} runs, expected ${expected}`);
    const { comparison, checks } = statisticsTables(first.scenario, strategies, summary, first.checks);
    const units = ordered(infos.flatMap((i) => i.units.map((u) => ["", u.strategy, String(u.replication)])), strategies).map((r) => ({
      strategy: r[1],
      replication: Number(r[2]),
    }));
    const info: RunInfo = {
      ...first,
      shard: null,
      units,
      wall_ms: infos.reduce((s, i) => s + i.wall_ms, 0),
      events_processed: infos.reduce((s, i) => s + i.events_processed, 0),
    };
    const timeseriesCsv = rewrite(TIMESERIES_COLUMNS, gather("timeseries.csv", TIMESERIES_COLUMNS));
    const files = new Map<string, string>([
      ["summary.csv", summaryCsv],
      ["comparison.csv", toCsv(COMPARISON_COLUMNS, comparison)],
      ["timeseries.csv", timeseriesCsv],
      ["events.csv", rewrite(EVENTS_COLUMNS, gather("events.csv", EVENTS_COLUMNS))],
      ["checks.csv", toCsv(CHECKS_COLUMNS, checks)],
      ["run.json", runJson(info)],
    ]);
    files.set(
      "report.html",
      renderReportHtml({
        scenario: first.scenario,
        description: first.description ?? "",
        seed: first.seed,
        replications: first.replications,
        strategies,
        comparison,
        timeseries: timeseriesAsWritten(timeseriesCsv),
        checks,
        generatedBy: `kubesim ${first.kubesim}`,
      }),
    );
    await writeReportDirectory(out, files, { force });
    io.stderr(`merged ${dirs.length} shards into ${out}\n`);
    return EXIT.ok;
  } catch (error) {
    if (error instanceof MergeError) {
      io.stderr(`kubesim merge: ${error.message}; nothing written\n`);
      return EXIT.budget;
    }
    if (error instanceof ReportExistsError || error instanceof ReportWriteError) {
      io.stderr(`kubesim merge: ${error.message}\n`);
      return EXIT.usage;
    }
    throw error;
  }
}

/** run.json as every report writes it. */
export function runJson(info: RunInfo & { events_per_s?: number | null }): string {
  const events_per_s = info.wall_ms > 0 ? Math.round((info.events_processed / info.wall_ms) * 1000) : null;
  return `${JSON.stringify({ ...info, events_per_s }, null, 2)}\n`;
}
