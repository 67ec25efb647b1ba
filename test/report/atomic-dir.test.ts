import { existsSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import * as fsp from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import {
  ReportExistsError,
  type ReportFs,
  ReportWriteError,
  writeReportDirectory,
} from "../../sim/report/atomic-dir.ts";

const t = suite("the report directory appears whole or not at all");

const realFs = fsp as unknown as ReportFs;

function errno(code: string, path: string): NodeJS.ErrnoException {
  const e: NodeJS.ErrnoException = new Error(`${code}: simulated, '${path}'`);
  e.code = code;
  e.path = path;
  return e;
}

/** The real file system with some calls replaced. */
function fsWith(overrides: Partial<ReportFs>): ReportFs {
  return { ...realFs, ...overrides } as ReportFs;
}

/** An fs whose Nth file write (1-based) fails with `code`. */
function failingWrite(n: number, code: string): ReportFs {
  let writes = 0;
  return fsWith({
    async open(path, flags) {
      const handle = await realFs.open(path, flags);
      if (flags !== "wx") return handle;
      return {
        async writeFile(data) {
          if (++writes === n) throw errno(code, path);
          return handle.writeFile(data);
        },
        sync: () => handle.sync(),
        close: () => handle.close(),
      };
    },
  });
}

const scratchDirs: string[] = [];

async function scratch(): Promise<string> {
  const dir = await fsp.mkdtemp(join(tmpdir(), "kubesim-report-test-"));
  scratchDirs.push(dir);
  return dir;
}

const files = () =>
  new Map<string, string | Uint8Array>([
    ["summary.csv", "scenario,strategy\nx,default\n"],
    ["comparison.csv", "a\n"],
    ["charts/report.bin", Buffer.from([0, 1, 2, 255])],
  ]);

const listing = (dir: string) => readdirSync(dir).sort();

t("writes every file, creating missing parents, and leaves no temporary sibling", async () => {
  const root = await scratch();
  const out = join(root, "reports", "rolling-update");
  const result = await writeReportDirectory(out, files());
  assert.equal(result, { outDir: out, replaced: false, warnings: [] });
  assert.equal(listing(out), ["charts", "comparison.csv", "summary.csv"]);
  assert.is(readFileSync(join(out, "summary.csv"), "utf8"), "scenario,strategy\nx,default\n");
  assert.equal([...readFileSync(join(out, "charts/report.bin"))], [0, 1, 2, 255]);
  assert.equal(listing(join(root, "reports")), ["rolling-update"]);
});

t("an existing directory is refused without force and left untouched", async () => {
  const root = await scratch();
  const out = join(root, "r");
  await fsp.mkdir(out);
  writeFileSync(join(out, "summary.csv"), "old");
  try {
    await writeReportDirectory(out, files());
    assert.unreachable("should refuse");
  } catch (e) {
    assert.instance(e, ReportExistsError);
    assert.is((e as Error).message, `report directory ${out} already exists; pass --force to replace it`);
  }
  assert.equal(listing(out), ["summary.csv"]);
  assert.is(readFileSync(join(out, "summary.csv"), "utf8"), "old");
  assert.equal(listing(root), ["r"]);
});

t("force replaces the old report entirely (stale files go) and cleans up", async () => {
  const root = await scratch();
  const out = join(root, "r");
  await fsp.mkdir(out);
  writeFileSync(join(out, "stale.csv"), "old");
  writeFileSync(join(out, "summary.csv"), "old");
  const result = await writeReportDirectory(out, files(), { force: true });
  assert.ok(result.replaced);
  assert.equal(listing(out), ["charts", "comparison.csv", "summary.csv"]);
  assert.is(readFileSync(join(out, "summary.csv"), "utf8"), "scenario,strategy\nx,default\n");
  assert.equal(listing(root), ["r"]);
});

t("at no moment does outDir hold a partial report", async () => {
  const root = await scratch();
  const out = join(root, "r");
  await fsp.mkdir(out);
  writeFileSync(join(out, "summary.csv"), "old");
  const seen: string[] = [];
  const observe = () => seen.push(existsSync(out) ? listing(out).join("+") : "(absent)");
  const spy = fsWith({
    async open(path, flags) {
      observe();
      return realFs.open(path, flags);
    },
    async rename(from, to) {
      observe();
      await realFs.rename(from, to);
      observe();
    },
  });
  await writeReportDirectory(out, files(), { force: true, fs: spy });
  const allowed = new Set(["summary.csv", "(absent)", "charts+comparison.csv+summary.csv"]);
  for (const state of seen) assert.ok(allowed.has(state), `saw ${state}`);
  assert.ok(seen.includes("charts+comparison.csv+summary.csv"));
});

t("a failing write (ENOSPC) removes the temporary directory and says why in words", async () => {
  const root = await scratch();
  const out = join(root, "r");
  try {
    await writeReportDirectory(out, files(), { fs: failingWrite(2, "ENOSPC") });
    assert.unreachable("should fail");
  } catch (e) {
    assert.instance(e, ReportWriteError);
    assert.match((e as Error).message, new RegExp(`^cannot write report to ${out}: no space left on device \\(ENOSPC at `));
    assert.is((e as ReportWriteError).outDir, out);
    assert.is(((e as Error).cause as NodeJS.ErrnoException).code, "ENOSPC");
  }
  assert.equal(listing(root), []);
});

t("with force, a failing write leaves the old report in place", async () => {
  const root = await scratch();
  const out = join(root, "r");
  await fsp.mkdir(out);
  writeFileSync(join(out, "summary.csv"), "old");
  await writeReportDirectory(out, files(), { force: true, fs: failingWrite(3, "EIO") }).then(
    () => assert.unreachable("should fail"),
    (e) => assert.match(e.message, /input\/output error/),
  );
  assert.equal(listing(root), ["r"]);
  assert.is(readFileSync(join(out, "summary.csv"), "utf8"), "old");
});

t("permission denied creating the temporary directory", async () => {
  const root = await scratch();
  const out = join(root, "r");
  const fs = fsWith({
    async mkdir(path, options) {
      if (path.includes(".r.tmp-")) throw errno("EACCES", path);
      return realFs.mkdir(path, options);
    },
  });
  await writeReportDirectory(out, files(), { fs }).then(
    () => assert.unreachable("should fail"),
    (e) => {
      assert.instance(e, ReportWriteError);
      assert.match(e.message, new RegExp(`^cannot write report to ${out}: permission denied`));
    },
  );
  assert.equal(listing(root), []);
});

t("if the new report cannot be renamed in, the old one is put back", async () => {
  const root = await scratch();
  const out = join(root, "r");
  await fsp.mkdir(out);
  writeFileSync(join(out, "summary.csv"), "old");
  const fs = fsWith({
    async rename(from, to) {
      if (from.includes(".r.tmp-")) throw errno("EXDEV", from);
      return realFs.rename(from, to);
    },
  });
  await writeReportDirectory(out, files(), { force: true, fs }).then(
    () => assert.unreachable("should fail"),
    (e) => assert.match(e.message, /different file systems/),
  );
  assert.equal(listing(root), ["r"]);
  assert.is(readFileSync(join(out, "summary.csv"), "utf8"), "old");
});

t("the old report failing to be removed is a warning, not a failure", async () => {
  const root = await scratch();
  const out = join(root, "r");
  await fsp.mkdir(out);
  const fs = fsWith({
    async rm(path, options) {
      if (path.includes(".r.old-")) throw errno("EBUSY", path);
      return realFs.rm(path, options);
    },
  });
  const result = await writeReportDirectory(out, files(), { force: true, fs });
  assert.is(result.warnings.length, 1);
  assert.match(result.warnings[0], /previous one could not be removed from .*\.r\.old-.*the directory is busy/);
  assert.equal(listing(out), ["charts", "comparison.csv", "summary.csv"]);
});

t("an aborted signal stops the write, cleans up and throws its reason", async () => {
  const root = await scratch();
  const out = join(root, "r");
  const controller = new AbortController();
  const reason = new Error("interrupted");
  let opened = 0;
  const fs = fsWith({
    async open(path, flags) {
      if (flags === "wx" && ++opened === 2) controller.abort(reason);
      return realFs.open(path, flags);
    },
  });
  await writeReportDirectory(out, files(), { fs, signal: controller.signal }).then(
    () => assert.unreachable("should abort"),
    (e) => assert.is(e, reason),
  );
  assert.equal(listing(root), []);
});

t("file names that escape the directory, and a file in the way, are refused", async () => {
  const root = await scratch();
  for (const bad of ["../x.csv", "/etc/passwd", "", "."]) {
    await writeReportDirectory(join(root, "r"), new Map([[bad, "x"]])).then(
      () => assert.unreachable(`accepted ${JSON.stringify(bad)}`),
      (e) => assert.match(e.message, /invalid report file name/),
    );
  }
  writeFileSync(join(root, "plain"), "not a dir");
  await writeReportDirectory(join(root, "plain"), files(), { force: true }).then(
    () => assert.unreachable("replaced a file"),
    (e) => assert.match(e.message, /exists and is not a directory/),
  );
  assert.equal(listing(root), ["plain"]);
});

t("two writes of the same files give byte-identical directories", async () => {
  const root = await scratch();
  await writeReportDirectory(join(root, "a"), files());
  await writeReportDirectory(join(root, "b"), files());
  for (const name of ["summary.csv", "comparison.csv", "charts/report.bin"]) {
    assert.equal(readFileSync(join(root, "a", name)), readFileSync(join(root, "b", name)));
  }
});

t.after(async () => {
  for (const dir of scratchDirs) await fsp.rm(dir, { recursive: true, force: true });
});

t.run();
