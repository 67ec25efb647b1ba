import { spawn, spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { capturingIo, type RunOptions, runScenarios } from "../../sim/cli/run-scenarios.ts";

const t = suite("kubesim CLI end to end: commands, exit codes, report files, determinism, shards");

const root = join(import.meta.dirname, "..", "..");
// Absolute, because `--import tsx` resolves from the child's working directory.
const TSX = pathToFileURL(join(root, "node_modules/tsx/dist/loader.mjs")).href;
const work = mkdtempSync(join(tmpdir(), "kubesim-cli-"));

function kubesim(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, ["--import", TSX, join(root, "sim/cli/main.ts"), ...args], {
    cwd: work,
    encoding: "utf8",
    env: { ...process.env, CI: "true", NO_COLOR: "1", ...env },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

// Two strategies × two replications of the bundled scenario: a few hundred ms per run.
const QUICK = ["rolling-update", "--replications", "2", "--strategy", "default", "--strategy", "recreate", "--quiet"];

/** The CSV without the wall_ms column (the only field allowed to differ between equal runs). */
function withoutWallMs(file: string): string {
  const lines = readFileSync(file, "utf8").trimEnd().split("\n");
  const idx = lines[0].split(",").indexOf("wall_ms");
  if (idx < 0) return lines.join("\n");
  return lines.map((l) => l.split(",").filter((_, i) => i !== idx).join(",")).join("\n");
}

t("--help lists the commands and exits 0; an unknown command exits 2 with the usage hint", () => {
  const help = kubesim(["--help"]);
  assert.is(help.code, 0);
  for (const command of ["run", "check", "validate", "list", "schema", "merge"]) assert.match(help.stdout, command);
  const bad = kubesim(["frobnicate"]);
  assert.is(bad.code, 2);
  assert.match(bad.stderr, "Run 'kubesim --help' for usage.");
});

t("list names the bundled rolling-update scenario with its description", () => {
  const r = kubesim(["list"]);
  assert.is(r.code, 0);
  assert.match(r.stdout, /rolling-update\s+Rolling update of a 10-replica Deployment/);
});

t("schema prints the JSON Schema kept at scenarios/scenario.schema.json", () => {
  const r = kubesim(["schema"]);
  assert.is(r.code, 0);
  const printed = JSON.parse(r.stdout);
  assert.equal(printed, JSON.parse(readFileSync(join(root, "scenarios/scenario.schema.json"), "utf8")));
});

t("validate is silent on a good scenario and exits 2 with file:line:column on a bad one", () => {
  assert.equal(kubesim(["validate", join(root, "scenarios/rolling-update.yaml")]), { code: 0, stdout: "", stderr: "" });
  const bad = join(work, "bad.yaml");
  writeFileSync(
    bad,
    "apiVersion: kubesim/v1alpha1\nkind: Scenario\nmetadata: {name: bad}\nspec:\n  duration: 1m\n  traffic:\n    - {service: web, rate: -5, timeout: 1s}\n",
  );
  const r = kubesim(["validate", bad]);
  assert.is(r.code, 2);
  assert.match(r.stderr, /bad\.yaml:7:\d+: spec\.traffic\[0\]\.rate: Invalid value: -5: must be greater than or equal to 0/);
});

t("run writes every report file with its SPEC header, prints the summary and the report path", () => {
  const out = join(work, "run1");
  const r = kubesim(["run", ...QUICK, "--out", out]);
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stdout, "rolling-update");
  assert.match(r.stderr, `report: ${out}`);
  const headers: Record<string, string> = {
    "summary.csv":
      "scenario,strategy,replication,seed,duration_s,requests_total,requests_ok,requests_failed,requests_timeout,availability,reachability,unreachable_s,rollout_duration_s,min_available_replicas,max_surge_pods,pods_created,pods_deleted,events_processed,wall_ms",
    "comparison.csv": "scenario,strategy,metric,n,mean,stddev,ci95_low,ci95_high,baseline,delta_mean,delta_ci95_low,delta_ci95_high",
    "timeseries.csv":
      "scenario,strategy,replication,time_s,workload,desired,updated,ready,available,terminating,endpoints_ready,endpoints_programmed_min,requests_ok,requests_failed,requests_timeout",
    "events.csv": "scenario,strategy,replication,time_s,kind,name,reason,message",
    "checks.csv": "scenario,strategy,check,value,bound,passed",
  };
  for (const [file, header] of Object.entries(headers)) {
    const first = readFileSync(join(out, file), "utf8").split("\n")[0];
    assert.ok(first.startsWith(header), `${file} header: ${first}`);
  }
  const run = JSON.parse(readFileSync(join(out, "run.json"), "utf8"));
  assert.is(run.seed, "42");
  assert.is(run.replications, 2);
  // 2 strategies × 2 replications
  assert.is(readFileSync(join(out, "summary.csv"), "utf8").trimEnd().split("\n").length, 1 + 4);
});

t("an existing report directory is refused without --force (exit 2, nothing simulated)", () => {
  const out = join(work, "run1");
  const before = readFileSync(join(out, "run.json"), "utf8");
  const r = kubesim(["run", ...QUICK, "--out", out]);
  assert.is(r.code, 2);
  assert.match(r.stderr, "already exists; pass --force to replace it");
  assert.is(readFileSync(join(out, "run.json"), "utf8"), before);
});

t("the same seed gives the same bytes with --workers 1 and --workers 2", () => {
  const a = join(work, "w1");
  const b = join(work, "w2");
  assert.is(kubesim(["run", ...QUICK, "--out", a, "--workers", "1"]).code, 0);
  assert.is(kubesim(["run", ...QUICK, "--out", b, "--workers", "2"]).code, 0);
  for (const f of ["summary.csv", "comparison.csv", "timeseries.csv", "events.csv", "checks.csv"]) {
    assert.is(withoutWallMs(join(b, f)), withoutWallMs(join(a, f)), f);
  }
});

t("numeric and string seeds are the same seed", () => {
  const a = join(work, "seed-num");
  const b = join(work, "seed-str");
  assert.is(kubesim(["run", ...QUICK, "--out", a, "--seed", "7"]).code, 0);
  assert.is(kubesim(["run", ...QUICK, "--out", b, "--seed", "007".slice(2)]).code, 0);
  assert.is(withoutWallMs(join(a, "summary.csv")), withoutWallMs(join(b, "summary.csv")));
});

t("shards 1/2 and 2/2 merged equal the unsharded run; a missing shard is refused with exit 3", () => {
  const s1 = join(work, "s1");
  const s2 = join(work, "s2");
  const merged = join(work, "merged");
  assert.is(kubesim(["run", ...QUICK, "--out", s1, "--shard", "1/2"]).code, 0);
  assert.is(kubesim(["run", ...QUICK, "--out", s2, "--shard", "auto/2"], { JOB_COMPLETION_INDEX: "1" }).code, 0);
  assert.is(kubesim(["merge", s2, s1, "--out", merged]).code, 0);
  for (const f of ["summary.csv", "comparison.csv", "timeseries.csv", "events.csv", "checks.csv"]) {
    assert.is(withoutWallMs(join(merged, f)), withoutWallMs(join(work, "w1", f)), f);
  }
  const missing = kubesim(["merge", s1, "--out", join(work, "merged-missing")]);
  assert.is(missing.code, 3);
  assert.match(missing.stderr, "missing shard 2/2");
  assert.not.ok(existsSync(join(work, "merged-missing")));
});

t("--max-events exceeded exits 3 and writes no report", () => {
  const out = join(work, "budget");
  const r = kubesim(["run", ...QUICK, "--out", out, "--max-events", "50"]);
  assert.is(r.code, 3);
  assert.match(r.stderr, "--max-events 50 exceeded");
  assert.not.ok(existsSync(out));
});

/** rolling-update with heavy traffic over a day: hours of work without budgets. */
function heavyTraffic(): string {
  mkdirSync(join(work, "manifests"), { recursive: true });
  copyFileSync(join(root, "scenarios/manifests/web.yaml"), join(work, "manifests/web.yaml"));
  const text = readFileSync(join(root, "scenarios/rolling-update.yaml"), "utf8").replace("duration: 5m", "duration: 24h").replace("rate: 200", "rate: 1000000");
  const file = join(work, "heavy-traffic.yaml");
  writeFileSync(file, text);
  return file;
}

t("simulated requests count toward --max-events: a run that is all traffic still ends at its budget", () => {
  const out = join(work, "budget-traffic");
  const r = kubesim(["run", heavyTraffic(), "--replications", "1", "--strategy", "default", "--quiet", "--out", out, "--max-events", "100000"]);
  assert.is(r.code, 3, r.stderr);
  assert.match(r.stderr, "--max-events 100000 exceeded in rolling-update, strategy default, replication 0");
  assert.not.ok(existsSync(out));
});

t("--max-wall-time ends a long replication from inside it (exit 3, no report)", () => {
  const out = join(work, "budget-wall");
  const r = kubesim(["run", heavyTraffic(), "--replications", "1", "--strategy", "default", "--quiet", "--workers", "1", "--out", out, "--max-wall-time", "2s"]);
  assert.is(r.code, 3, r.stderr);
  assert.match(r.stderr, /--max-wall-time 2s exceeded in rolling-update, strategy default, replication 0 \(wall-time budget exceeded at t=/);
  assert.not.ok(existsSync(out));
});

t("a sync's pods count toward --max-events: a StatefulSet of 10^6 replicas ends at its budget (it ran 50 s to exit 0)", () => {
  mkdirSync(join(work, "huge-sts", "manifests"), { recursive: true });
  const db = readFileSync(join(root, "scenarios/manifests/db.yaml"), "utf8");
  assert.match(db, /^ {2}replicas: 5$/m);
  writeFileSync(join(work, "huge-sts", "manifests", "db.yaml"), db.replace(/^ {2}replicas: 5$/m, "  replicas: 1000000"));
  copyFileSync(join(root, "scenarios/statefulset-ordered-rollout.yaml"), join(work, "huge-sts", "sts.yaml"));
  const out = join(work, "budget-sts");
  const r = kubesim(["run", join(work, "huge-sts", "sts.yaml"), "--replications", "1", "--quiet", "--workers", "1", "--out", out, "--max-events", "200000"]);
  assert.is(r.code, 3, r.stderr);
  assert.match(r.stderr, /--max-events 200000 exceeded in statefulset-ordered-rollout, strategy \S+, replication 0 \(work budget of 200000 \(events, simulated requests and pods walked by controller syncs\) exceeded at t=0s\)/);
  assert.not.ok(existsSync(out));
});

t("check against its own report passes; against a deliberately slower app it fails (exit 1)", () => {
  const baseline = join(work, "w1");
  const same = kubesim(["check", ...QUICK, "--baseline", baseline]);
  assert.is(same.code, 0, same.stdout + same.stderr);
  assert.match(same.stdout, /PASS\s+default\s+rollout_duration_s/);
  // The same scenario with an app that takes 60 s to start: every rollout is much slower.
  const scenario = readFileSync(join(root, "scenarios/rolling-update.yaml"), "utf8").replace("startup: {uniform: {min: 3s, max: 8s}}", "startup: 60s");
  mkdirSync(join(work, "manifests"), { recursive: true });
  copyFileSync(join(root, "scenarios/manifests/web.yaml"), join(work, "manifests/web.yaml"));
  const slower = join(work, "rolling-update-slow.yaml");
  writeFileSync(slower, scenario);
  const worse = kubesim(["check", slower, ...QUICK.slice(1), "--baseline", baseline]);
  assert.is(worse.code, 1, worse.stdout + worse.stderr);
  assert.match(worse.stdout, "rollout_duration_s");
});

t("an invariant violation exits 70 naming the seed, strategy, replication, virtual time and a repro command", () => {
  const out = join(mkdtempSync(join(tmpdir(), "kubesim-cli-")), "report");
  const r = kubesim(["run", ...QUICK, "--out", out], { KUBESIM_TEST_FAIL_UNIT: "recreate/1:invariant" });
  assert.is(r.code, 70, r.stderr);
  assert.match(r.stderr, /kubesim: invariant violated at t=0s: injected violation for recreate\/1/);
  assert.match(r.stderr, /in rolling-update, strategy recreate, replication 1, seed 42 \(a kubesim bug\)/);
  assert.match(r.stderr, /reproduce with: kubesim run \S+rolling-update\.yaml --seed 42 --strategy recreate --replications 2 --workers 1 --check-invariants/);
  assert.not.ok(existsSync(out));
});

t("an internal error exits 70 naming the seed, strategy, replication and a repro command; nothing is written", () => {
  const out = join(work, "crash");
  const r = kubesim(["run", ...QUICK, "--out", out], { KUBESIM_TEST_FAIL_UNIT: "recreate/1" });
  assert.is(r.code, 70);
  assert.match(r.stderr, "internal error in rolling-update, strategy recreate, replication 1, seed 42");
  assert.match(r.stderr, /reproduce with: kubesim run \S+rolling-update\.yaml --seed 42 --strategy recreate --replications 2 --workers 1/);
  assert.not.ok(existsSync(out));
});

t("--check-invariants runs the cluster checkers after every event and leaves the results unchanged", () => {
  const out = join(work, "invariants");
  assert.is(kubesim(["run", ...QUICK, "--out", out, "--check-invariants"]).code, 0);
  assert.is(withoutWallMs(join(out, "summary.csv")), withoutWallMs(join(work, "w1", "summary.csv")));
});

t("SIGINT stops a run with exit 130 and leaves no report behind", async () => {
  const out = join(work, "interrupted");
  const child = spawn(process.execPath, ["--import", TSX, join(root, "sim/cli/main.ts"), "run", "rolling-update", "--replications", "200", "--workers", "1", "--out", out], {
    cwd: work,
    env: { ...process.env, CI: "true" },
  });
  let stderr = "";
  // Interrupt once the run is under way (its first progress line), not while Node is loading.
  await new Promise<void>((resolve) => {
    child.stderr.on("data", (d) => {
      stderr += d;
      if (stderr.includes("runs (")) resolve();
    });
  });
  child.kill("SIGINT");
  const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
  assert.is(code, 130, stderr);
  assert.not.ok(existsSync(out));
  assert.equal(readdirSync(work).filter((f) => f.includes("interrupted")), []);
});

t("an interruption stops worker threads mid-replication: exit 130 at once, not at the end of the unit", async () => {
  const out = join(work, "interrupted-workers");
  // Each replication is a day of heavy traffic (hours of work); the wall-time budget is only a
  // safety net: reaching it would exit 3, so exit 130 shows that the workers were stopped.
  const started = performance.now();
  const captured = capturingIo();
  const io = { ...captured, interrupted: () => performance.now() > started + 1500 };
  const options: RunOptions = {
    command: "run",
    scenarios: [heavyTraffic()],
    replications: 2,
    strategies: ["default"],
    out,
    force: false,
    workers: 2,
    maxWallTime: "60s",
    events: "none",
    json: false,
    quiet: true,
    color: false,
  };
  assert.is(await runScenarios(options, io), 130, captured.err());
  assert.match(captured.err(), "interrupted while running rolling-update; no report written");
  assert.not.ok(existsSync(out));
});

t.run();
