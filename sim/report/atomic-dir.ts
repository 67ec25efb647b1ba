/**
 * Writes a report directory atomically (SPEC §4, and exit code 130's "no partial report is left
 * behind as if complete"): every file goes into a hidden temporary sibling
 * `.<name>.tmp-<pid>-<counter>`, is fsynced, and the directory is renamed into place only when all
 * of it is on disk. A reader of `<outDir>` sees the old report, nothing, or the whole new report,
 * never half of one.
 *
 * An existing `<outDir>` is refused unless `force`; with `force` the old one is renamed away
 * (`.<name>.old-<pid>-<counter>`), the new one renamed in, then the old one removed. Between those
 * two renames `<outDir>` briefly does not exist (Node has no RENAME_EXCHANGE); it never holds a
 * partial report. If the second rename fails the old report is put back.
 *
 * Errors are typed: `ReportExistsError` (tell the user about --force) and `ReportWriteError` (with
 * the cause in words: `cannot write report to reports/x: permission denied`); either way the
 * temporary directory is removed. An aborted `signal` stops between files, cleans up, and throws
 * the signal's reason.
 *
 * File system calls go through an injectable `ReportFs` (default: node:fs/promises) so tests can
 * make any step fail. Leaves out: locking against a concurrent writer of the same directory (the
 * last rename wins) and sweeping temporary directories left by a killed process (they are hidden
 * and named by pid, so a user can see whose they are).
 */
import * as nodeFs from "node:fs/promises";
import { basename, dirname, isAbsolute, join, normalize, resolve, sep } from "node:path";

/** The file handle calls the writer makes. */
export interface ReportFileHandle {
  writeFile(data: string | Uint8Array): Promise<void>;
  sync(): Promise<void>;
  close(): Promise<void>;
}

/** The file system calls the writer makes; node:fs/promises satisfies it. */
export interface ReportFs {
  mkdir(path: string, options: { recursive: boolean }): Promise<unknown>;
  open(path: string, flags: string): Promise<ReportFileHandle>;
  rename(from: string, to: string): Promise<void>;
  rm(path: string, options: { recursive: boolean; force: boolean }): Promise<void>;
  lstat(path: string): Promise<{ isDirectory(): boolean }>;
}

export interface WriteReportOptions {
  /** Replace an existing report directory. */
  readonly force?: boolean;
  /** File system calls; default node:fs/promises. */
  readonly fs?: ReportFs;
  /** Stops the write between files; the temporary directory is removed. */
  readonly signal?: AbortSignal;
}

export interface WriteReportResult {
  /** The directory written, as given. */
  readonly outDir: string;
  /** An existing report was replaced. */
  readonly replaced: boolean;
  /** Problems that did not stop the report from landing (e.g. the old report could not be removed). */
  readonly warnings: readonly string[];
}

/** The report directory exists and --force was not given. */
export class ReportExistsError extends Error {
  override name = "ReportExistsError";
  constructor(readonly outDir: string) {
    super(`report directory ${outDir} already exists; pass --force to replace it`);
  }
}

/** The report could not be written; nothing was left at the report directory. */
export class ReportWriteError extends Error {
  override name = "ReportWriteError";
  constructor(
    readonly outDir: string,
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(`cannot write report to ${outDir}: ${reason}`, options);
  }
}

/** errno codes in words, as a user should read them. */
const REASONS: Record<string, string> = {
  EACCES: "permission denied",
  EPERM: "permission denied",
  ENOSPC: "no space left on device",
  EDQUOT: "disk quota exceeded",
  EROFS: "read-only file system",
  ENOTDIR: "a parent path is not a directory",
  ENAMETOOLONG: "file name too long",
  EMFILE: "too many open files",
  ENFILE: "too many open files",
  EIO: "input/output error",
  EBUSY: "the directory is busy",
  EXDEV: "the report and its temporary directory are on different file systems",
};

function errnoCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : undefined;
}

function describe(error: unknown): string {
  const code = errnoCode(error);
  const path = (error as { path?: unknown } | null)?.path;
  const where = typeof path === "string" ? ` (${code ?? "error"} at ${path})` : code ? ` (${code})` : "";
  if (code && REASONS[code]) return REASONS[code] + where;
  return error instanceof Error ? error.message : String(error);
}

function isMissing(error: unknown): boolean {
  return errnoCode(error) === "ENOENT";
}

let counter = 0;

/** A report file name: relative, inside the directory, no `..`. */
function checkFileName(name: string, outDir: string): void {
  const clean = normalize(name);
  if (name === "" || isAbsolute(name) || clean.startsWith(`..${sep}`) || clean === ".." || clean === ".") {
    throw new ReportWriteError(outDir, `invalid report file name ${JSON.stringify(name)}`);
  }
}

async function exists(fs: ReportFs, path: string): Promise<{ isDirectory(): boolean } | null> {
  try {
    return await fs.lstat(path);
  } catch (error) {
    if (isMissing(error)) return null;
    throw error;
  }
}

/** fsync a directory so the renames in it are durable; some platforms refuse, which is harmless. */
async function syncDirectory(fs: ReportFs, path: string): Promise<void> {
  let handle: ReportFileHandle | undefined;
  try {
    handle = await fs.open(path, "r");
    await handle.sync();
  } catch {
    // EISDIR/EPERM/EINVAL on platforms without directory fsync: the data files are synced already.
  } finally {
    await handle?.close().catch(() => {});
  }
}

/**
 * Writes `files` (relative name → content) as the report directory `outDir`, atomically. Files are
 * written in name order; names may contain subdirectories.
 */
export async function writeReportDirectory(
  outDir: string,
  files: ReadonlyMap<string, string | Uint8Array>,
  options: WriteReportOptions = {},
): Promise<WriteReportResult> {
  const fs = options.fs ?? (nodeFs as unknown as ReportFs);
  const target = resolve(outDir);
  const parent = dirname(target);
  const name = basename(target);
  const id = `${process.pid}-${counter++}`;
  const temp = join(parent, `.${name}.tmp-${id}`);
  const old = join(parent, `.${name}.old-${id}`);
  const names = [...files.keys()].sort();
  for (const file of names) checkFileName(file, outDir);
  options.signal?.throwIfAborted();

  let found: { isDirectory(): boolean } | null;
  try {
    found = await exists(fs, target);
  } catch (error) {
    throw new ReportWriteError(outDir, describe(error), { cause: error });
  }
  if (found && !options.force) throw new ReportExistsError(outDir);
  if (found && !found.isDirectory()) {
    throw new ReportWriteError(outDir, "it exists and is not a directory; not replacing it");
  }

  let tempCreated = false;
  try {
    await fs.mkdir(parent, { recursive: true });
    await fs.mkdir(temp, { recursive: false });
    tempCreated = true;
    const made = new Set<string>([temp]);
    for (const file of names) {
      options.signal?.throwIfAborted();
      const path = join(temp, file);
      const dir = dirname(path);
      if (!made.has(dir)) {
        await fs.mkdir(dir, { recursive: true });
        made.add(dir);
      }
      const handle = await fs.open(path, "wx");
      try {
        await handle.writeFile(files.get(file)!);
        await handle.sync();
      } finally {
        await handle.close();
      }
    }
    for (const dir of [...made].sort().reverse()) await syncDirectory(fs, dir);
    options.signal?.throwIfAborted();

    const warnings: string[] = [];
    if (found) {
      await fs.rename(target, old);
      try {
        await fs.rename(temp, target);
      } catch (error) {
        try {
          await fs.rename(old, target);
        } catch {
          throw new ReportWriteError(outDir, `${describe(error)}; the previous report was moved to ${old} and could not be put back`, {
            cause: error,
          });
        }
        throw error;
      }
      tempCreated = false;
      await syncDirectory(fs, parent);
      try {
        await fs.rm(old, { recursive: true, force: true });
      } catch (error) {
        warnings.push(`the new report is in place, but the previous one could not be removed from ${old}: ${describe(error)}`);
      }
    } else {
      try {
        await fs.rename(temp, target);
      } catch (error) {
        // Someone created the directory since we looked (rename refuses a non-empty target).
        const code = errnoCode(error);
        if (code === "ENOTEMPTY" || code === "EEXIST") throw new ReportExistsError(outDir);
        throw error;
      }
      tempCreated = false;
      await syncDirectory(fs, parent);
    }
    return { outDir, replaced: found !== null, warnings };
  } catch (error) {
    if (tempCreated) await fs.rm(temp, { recursive: true, force: true }).catch(() => {});
    if (error instanceof ReportExistsError || error instanceof ReportWriteError) throw error;
    if (options.signal?.aborted && error === options.signal.reason) throw error;
    throw new ReportWriteError(outDir, describe(error), { cause: error });
  }
}
