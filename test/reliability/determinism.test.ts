// Same seed, same bytes: two in-process runs of bundled scenarios through the `run` command's
// logic write byte-identical report files, apart from the wall-clock fields (wall_ms in CSVs and
// run.json, events_per_s in run.json); and `seed: 42` and `seed: "42"` in the file are the same
// seed. (A shorter --duration is not required to give a prefix of a longer run: not tested.)
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { capturingIo, type RunOptions, runScenarios } from "../../sim/cli/run-scenarios.ts";
import { findBundledScenario, projectRoot } from "../../sim/scenario/load.ts";

const t = suite("reliability: the same seed gives the same report bytes");

const work = mkdtempSync(join(tmpdir(), "kubesim-determinism-"));
/** run.json fields that measure the machine, not the model. */
const TIMING_FIELDS = new Set(["wall_ms", "events_per_s"]);

async function run(scenario: string, out: string, extra: Partial<RunOptions> = {}): Promise<void> {
  const o = capturingIo();
  const code = await runScenarios(
    {
      command: "run",
      scenarios: [scenario],
      replications: 2,
      duration: "2m",
      strategies: [],
      out,
      force: false,
      workers: 1,
      events: "first",
      json: false,
      quiet: true,
      color: false,
      ...extra,
    },
    o,
  );
  assert.ok(code === 0 || code === 1, `run ${scenario} exited ${code}: ${o.err()}`);
}

/** The file's bytes with the wall-clock fields blanked out (and `drop` fields of run.json removed). */
function normalised(dir: string, file: string, drop: readonly string[] = []): string {
  const text = readFileSync(join(dir, file), "utf8");
  if (file === "run.json") {
    const json = JSON.parse(text) as Record<string, unknown>;
    for (const key of [...TIMING_FIELDS, ...drop]) {
      if (key in json) json[key] = "<timing>";
    }
    return JSON.stringify(json, null, 2);
  }
  if (!file.endsWith(".csv")) return text;
  const lines = text.split("\n");
  const idx = lines[0].split(",").indexOf("wall_ms");
  if (idx < 0) return text;
  return lines.map((l) => (l === "" ? l : l.split(",").map((cell, i) => (i === idx ? "<wall_ms>" : cell)).join(","))).join("\n");
}

function assertSameReport(a: string, b: string, drop: readonly string[] = []): void {
  const files = readdirSync(a).sort();
  assert.equal(readdirSync(b).sort(), files);
  for (const f of ["summary.csv", "comparison.csv", "timeseries.csv", "events.csv", "checks.csv", "run.json", "report.html"]) assert.ok(files.includes(f), `${f} missing`);
  for (const f of files) assert.is(normalised(b, f, drop), normalised(a, f, drop), `${f} differs between ${a} and ${b}`);
}

for (const name of ["rolling-update", "statefulset-ordered-rollout"]) {
  t(`${name}: two in-process runs with the same seed write the same bytes`, async () => {
    const path = findBundledScenario(name)!;
    await run(path, join(work, `${name}-a`), { seed: "1234" });
    await run(path, join(work, `${name}-b`), { seed: "1234" });
    assertSameReport(join(work, `${name}-a`), join(work, `${name}-b`));
    // And a different seed changes something, so the comparison above is not vacuous.
    await run(path, join(work, `${name}-c`), { seed: "1235" });
    assert.is.not(normalised(join(work, `${name}-c`), "summary.csv"), normalised(join(work, `${name}-a`), "summary.csv"));
  });
}

t('seed: 42 and seed: "42" in the scenario file give the same bytes', async () => {
  const source = readFileSync(findBundledScenario("rolling-update")!, "utf8");
  assert.match(source, /^ {2}seed: "42"$/m);
  for (const [dir, seed] of [
    ["num", "42"],
    ["str", '"42"'],
  ]) {
    mkdirSync(join(work, dir, "manifests"), { recursive: true });
    copyFileSync(join(projectRoot(), "scenarios", "manifests", "web.yaml"), join(work, dir, "manifests", "web.yaml"));
    writeFileSync(join(work, dir, "rolling-update.yaml"), source.replace(/^ {2}seed: "42"$/m, `  seed: ${seed}`));
    await run(join(work, dir, "rolling-update.yaml"), join(work, dir, "out"));
  }
  // scenarioHash hashes the files' bytes, which differ by the two quotes.
  assertSameReport(join(work, "num", "out"), join(work, "str", "out"), ["scenarioHash"]);
  assert.match(readFileSync(join(work, "num", "out", "run.json"), "utf8"), /"seed": "42"/);
});

t("replication i is the same whether 1, 2 or 4 replications run, and with --workers 2", async () => {
  const path = findBundledScenario("rolling-update")!;
  const rows = async (dir: string, extra: Partial<RunOptions>) => {
    await run(path, join(work, dir), { seed: "77", strategies: ["default", "recreate"], ...extra });
    const [header, ...lines] = normalised(join(work, dir), "summary.csv").trimEnd().split("\n");
    const replication = header.split(",").indexOf("replication");
    return (r: string) => lines.filter((l) => l.split(",")[replication] === r);
  };
  const one = await rows("reps-1", { replications: 1 });
  const two = await rows("reps-2", { replications: 2 });
  const four = await rows("reps-4", { replications: 4, workers: 2 });
  assert.is(one("0").length, 2); // one row per strategy
  assert.equal(two("0"), one("0"));
  assert.equal(four("0"), one("0"));
  assert.equal(four("1"), two("1"));
  assert.is.not(four("2").join(), four("3").join()); // replications differ from each other
});

t.after(() => rmSync(work, { recursive: true, force: true }));

t.run();
