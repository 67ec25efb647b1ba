// Hostile or broken input, end to end: through `validate` (validateFileSync) and the `run`
// command's logic (runScenarios, in-process), each of these is a clean, positioned diagnostic and
// exit 2, within a second, with nothing executed and nothing written: an alias bomb, a 5 MiB
// file, 200-deep nesting, manifest paths that are URLs or absolute, an empty file, a binary
// file, YAML tags that other loaders execute. Manifest paths are resolved against the scenario's
// directory; `../` may leave it (a scenario in deploy/ may name ../k8s/web.yaml), and what it
// finds there is validated like any manifest.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import YAML from "yaml";
import { capturingIo, runScenarios } from "../../sim/cli/run-scenarios.ts";
import { formatDiagnostic } from "../../sim/scenario/diagnostics.ts";
import { findBundledScenario, loadScenarioSync, projectRoot, validateFileSync } from "../../sim/scenario/load.ts";

const t = suite("reliability: input limits and safety, end to end (validate and run exit 2 cleanly)");

const work = mkdtempSync(join(tmpdir(), "kubesim-limits-"));
const ROLLING = readFileSync(findBundledScenario("rolling-update")!, "utf8");
const WEB = readFileSync(join(projectRoot(), "scenarios", "manifests", "web.yaml"), "utf8");
let counter = 0;

/** A scenario directory: the given scenario text (or bytes) and manifests/web.yaml. */
function scenarioDir(scenario: string | Uint8Array, extra: Record<string, string | Uint8Array> = {}): string {
  const dir = join(work, `case-${counter++}`);
  mkdirSync(join(dir, "manifests"), { recursive: true });
  writeFileSync(join(dir, "manifests", "web.yaml"), WEB);
  for (const [path, content] of Object.entries(extra)) {
    mkdirSync(join(dir, path, ".."), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  writeFileSync(join(dir, "scenario.yaml"), scenario);
  return join(dir, "scenario.yaml");
}

/** rolling-update with its manifest entry replaced. */
function withManifest(entry: string): string {
  return ROLLING.replace("    - manifests/web.yaml", `    - ${JSON.stringify(entry)}`);
}

interface Outcome {
  readonly validate: string[];
  readonly load: string[];
  readonly exit: number;
  readonly stderr: string;
  readonly ms: number;
  readonly out: string;
}

/** validate, load and run (exit code, stderr) one scenario file, timing all three. */
async function judge(file: string): Promise<Outcome> {
  const out = join(file, "..", "report");
  const io = capturingIo();
  const start = performance.now();
  const validated = validateFileSync(file);
  const loaded = loadScenarioSync(file);
  const exit = await runScenarios(
    { command: "run", scenarios: [file], replications: 1, duration: "10s", strategies: [], out, force: false, workers: 1, events: "none", json: false, quiet: true, color: false },
    io,
  );
  return {
    validate: validated.errors.map(formatDiagnostic),
    load: loaded.ok ? [] : loaded.errors.map(formatDiagnostic),
    exit,
    stderr: io.err(),
    ms: performance.now() - start,
    out,
  };
}

/** The outcome is a clean refusal: exit 2, the expected message positioned in a file, fast, nothing written. */
function assertRefused(o: Outcome, message: RegExp, what: string): void {
  assert.is(o.exit, 2, `${what}: run exited ${o.exit}: ${o.stderr}`);
  assert.ok(o.load.length > 0, `${what}: the loader accepted it`);
  assert.ok(o.validate.length > 0, `${what}: validate accepted it`);
  for (const d of [...o.load, ...o.validate]) {
    assert.match(d, /^[^:]+:\d+:\d+: /, `${what}: not positioned: ${d}`);
    assert.not.match(d, /internal error|\n\s+at /, `${what}: ${d}`);
  }
  assert.ok(
    o.load.some((d) => message.test(d)),
    `${what}: expected ${message} in:\n${o.load.join("\n")}`,
  );
  assert.ok(o.stderr.includes(o.load[0]), `${what}: run did not print the loader's error`);
  assert.not.ok(existsSync(o.out), `${what}: a report was written`);
  assert.ok(o.ms < 1000, `${what}: took ${o.ms.toFixed(0)} ms`);
}

t("an alias bomb (billion laughs) is refused at the alias, quickly", async () => {
  let bomb = "lol0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n";
  for (let i = 1; i <= 9; i++) bomb += `lol${i}: &l${i} [${Array(10).fill(`*l${i - 1}`).join(", ")}]\n`;
  assertRefused(await judge(scenarioDir(`${ROLLING}\n${bomb}`)), /aliases expand to more than 10000 nodes/, "alias bomb in the scenario");
  // In a manifest file the scenario names.
  assertRefused(await judge(scenarioDir(ROLLING, { "manifests/web.yaml": `${WEB}\n---\n${bomb}` })), /manifests\/web\.yaml:\d+:\d+: aliases expand/, "alias bomb in a manifest");
  // A self-referencing anchor.
  assertRefused(await judge(scenarioDir(ROLLING.replace("  cluster:\n", "  cluster: &c\n    self: *c\n"))), /refers to a node that contains it \(a cycle\)/, "self-referencing anchor");
});

t("a 5 MiB scenario or manifest file is refused before it is read", async () => {
  const padding = `# ${"x".repeat(5 * 1024 * 1024)}\n`;
  assertRefused(await judge(scenarioDir(`${ROLLING}${padding}`)), /file is too large \(5\.0 MiB\); the limit is 4 MiB/, "5 MiB scenario");
  assertRefused(await judge(scenarioDir(ROLLING, { "manifests/web.yaml": `${WEB}${padding}` })), /manifests\/web\.yaml.*file is too large \(5\.0 MiB\)/, "5 MiB manifest");
});

t("200-deep nesting, in flow and block style, is refused", async () => {
  const flow = `${"[".repeat(200)}${"]".repeat(200)}`;
  assertRefused(await judge(scenarioDir(ROLLING.replace("  replications: 20", `  replications: ${flow}`))), /nesting is deeper than 64 levels/, "flow nesting");
  let block = "  objects:\n";
  for (let i = 0; i < 200; i++) block += `${"  ".repeat(i + 2)}k${i}:\n`;
  assertRefused(await judge(scenarioDir(ROLLING.replace("  objects: []\n", "").replace("  apps:\n", `${block}  apps:\n`))), /nesting is deeper than 64 levels/, "block nesting");
  assertRefused(await judge(scenarioDir(`${ROLLING}deep:\n  ${"- ".repeat(200)}x\n`)), /nesting is deeper than 64 levels/, "sequence chain");
});

t("manifest paths: URLs and absolute paths are refused; relative ones resolve against the scenario", async () => {
  for (const url of ["https://example.com/web.yaml", "http://169.254.169.254/latest/meta-data", "file:///etc/passwd", "s3://bucket/web.yaml"]) {
    assertRefused(await judge(scenarioDir(withManifest(url))), /spec\.manifests\[0\]: Invalid value: .*URLs are not fetched/, url);
  }
  for (const abs of ["/etc/passwd", "/dev/zero", "~/web.yaml"]) {
    assertRefused(await judge(scenarioDir(withManifest(abs))), /spec\.manifests\[0\]: Invalid value: .*not an absolute path/, abs);
  }
  // `../` out of the scenario's directory to a place with no such file: a clean Not found.
  assertRefused(await judge(scenarioDir(withManifest("../../../../../../../../../no-such-dir/web.yaml"))), /spec\.manifests\[0\]: Not found: .*no such file \(looked for /, "../ to nowhere");
  // `../` to a file that is not a manifest: validated like any manifest, nothing else happens.
  const outside = join(work, "not-a-manifest.txt");
  writeFileSync(outside, "just some text\n");
  const file = scenarioDir(withManifest("../not-a-manifest.txt"));
  assertRefused(await judge(file), /not-a-manifest\.txt:1:1: .*must be a Kubernetes object/, "../ to a text file");
  // `../` to a real manifest beside the scenario's directory is allowed (deploy/ naming ../k8s/web.yaml).
  mkdirSync(join(work, "k8s"), { recursive: true });
  writeFileSync(join(work, "k8s", "web.yaml"), WEB);
  const ok = loadScenarioSync(scenarioDir(withManifest("../k8s/web.yaml")));
  assert.ok(ok.ok, ok.ok ? "" : ok.errors.map(formatDiagnostic).join("\n"));
  // A directory of manifests with none in it.
  assertRefused(await judge(scenarioDir(withManifest("empty-dir"), { "empty-dir/readme.txt": "nothing\n" })), /the directory has no \.yaml, \.yml or \.json files/, "empty directory");
});

t("an empty file, a comment-only file and a binary file are refused with what they are", async () => {
  assertRefused(await judge(scenarioDir("")), /:1:1: file is empty/, "empty file");
  assertRefused(await judge(scenarioDir("# nothing here\n\n")), /file contains no YAML document/, "comments only");
  const binary = Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x01, 0x00, 0x00, 0x00, 0xff, 0xfe, 0x10]);
  assertRefused(await judge(scenarioDir(binary)), /file is binary \(it contains a NUL byte\)/, "binary file");
  assertRefused(await judge(scenarioDir(Buffer.concat([Buffer.from(ROLLING.slice(0, 200)), Buffer.from([0xc3, 0x28]), Buffer.from(ROLLING.slice(200))]))), /file is not valid UTF-8 \(byte 0xc3\)/, "invalid UTF-8");
  assertRefused(await judge(scenarioDir(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(ROLLING, "utf16le")]))), /file is UTF-16 encoded/, "UTF-16");
  assertRefused(await judge(scenarioDir(ROLLING, { "manifests/web.yaml": Buffer.from([0, 1, 2, 3]) })), /manifests\/web\.yaml:1:1: file is binary/, "binary manifest");
});

t("YAML tags other loaders execute are refused, and nothing runs", async () => {
  const marker = join(work, "PWNED");
  const canary = "__kubesimLimitsCanary";
  const tags = [
    `!!js/function "function () { globalThis.${canary} = 1; return 1 }"`,
    "!!js/undefined ''",
    `!!python/object/apply:os.system ["touch ${marker}"]`,
    `!!python/object/new:subprocess.check_output [["touch", "${marker}"]]`,
    `!<tag:yaml.org,2002:js/function> "function () { globalThis.${canary} = 1 }"`,
    "!!binary aGVsbG8=",
    "!Ref web",
    "!!set {a, b}",
    "!!timestamp 2001-12-14",
  ];
  for (const tag of tags) {
    const o = await judge(scenarioDir(ROLLING.replace("  description: Rolling update", `  description: ${tag}\n  x-description: Rolling update`)));
    assertRefused(o, /unsupported YAML tag/, tag);
    // In a manifest too, where a value is read by the Kubernetes validation.
    const m = await judge(scenarioDir(ROLLING, { "manifests/web.yaml": WEB.replace("replicas: 10", `replicas: ${tag}`) }));
    assertRefused(m, /manifests\/web\.yaml:\d+:\d+: spec\.replicas: unsupported YAML tag/, `${tag} in a manifest`);
  }
  assert.is((globalThis as Record<string, unknown>)[canary], undefined);
  assert.not.ok(existsSync(marker), "a tag ran a command");
});

t("a preStop exec hook and shell-looking values are data, never run", async () => {
  const marker = join(work, "EXECUTED");
  const web = WEB.replace(
    "          readinessProbe:",
    `          lifecycle:\n            preStop:\n              exec: {command: ["sh", "-c", "touch ${marker}"]}\n          readinessProbe:`,
  ).replace("image: registry.example.com/web:v1", `image: "$(touch ${marker})"`);
  const file = scenarioDir(ROLLING.replace(/^ {2}description: .*$/m, `  description: "\`touch ${marker}\` $(touch ${marker}) {{ exec }}"`), { "manifests/web.yaml": web });
  const o = await judge(file);
  assert.ok(o.exit === 0 || o.exit === 1, `exit ${o.exit}: ${o.stderr}`);
  assert.not.ok(existsSync(marker), "something in the scenario was executed");
});

t("the command line exits 2 on hostile input too (one spawn, no stack trace)", () => {
  const bomb = scenarioDir(`${ROLLING}a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\ne: [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\n`);
  let code = 0;
  let stderr = "";
  try {
    execFileSync(process.execPath, ["--import", import.meta.resolve("tsx"), join(projectRoot(), "sim/cli/main.ts"), "validate", bomb], { encoding: "utf8", stdio: "pipe" });
  } catch (error) {
    const e = error as { status: number; stderr: string };
    code = e.status;
    stderr = e.stderr;
  }
  assert.is(code, 2);
  assert.match(stderr, /aliases expand to more than 10000 nodes/);
  assert.not.match(stderr, /\n\s+at /);
});

// ---------------------------------------------------------------------------------------------
// Bugs the loader fuzzer found (bench/fuzz-loader.ts), fixed; these keep them fixed.

t("fuzz special-files-read: a manifest path to a FIFO is refused, not read forever", async () => {
  const file = scenarioDir(withManifest("manifests/pipe.yaml"));
  execFileSync("mkfifo", [join(file, "..", "manifests", "pipe.yaml")]);
  assertRefused(await judge(file), /spec\.manifests\[0\]: .*not a regular file/, "FIFO");
});

t("fuzz node-count-unbounded: a node pool of 10^8 nodes is refused at spec.cluster.nodes[0].count", async () => {
  assertRefused(await judge(scenarioDir(ROLLING.replace("count: 6", "count: 100000000"))), /spec\.cluster\.nodes\[0\]\.count: Invalid value/, "count 1e8");
});

t("fuzz proto-key-swallowed: a __proto__ key is an unknown field, not a silent prototype", async () => {
  const web = WEB.replace("  replicas: 10\n", "  __proto__: {replicas: 3}\n");
  assertRefused(await judge(scenarioDir(ROLLING, { "manifests/web.yaml": web })), /spec\.__proto__: unknown field/, "__proto__");
});

t("fuzz validate-kind-detection: validate accepts a valid scenario written as JSON or with `kind: Scenario # comment`", () => {
  const json = scenarioDir(JSON.stringify(YAML.parse(ROLLING)));
  assert.ok(loadScenarioSync(json).ok);
  assert.equal(validateFileSync(json).errors.map(formatDiagnostic), []);
  const commented = scenarioDir(ROLLING.replace("kind: Scenario", "kind: Scenario # a kubesim scenario"));
  assert.equal(validateFileSync(commented).errors.map(formatDiagnostic), []);
});

t.after(() => rmSync(work, { recursive: true, force: true }));

t.run();
