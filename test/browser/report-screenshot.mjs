#!/usr/bin/env node
// Takes a screenshot of a report.html with Debian's headless Chromium, to look at the page the way
// a reader's browser draws it:
//
//     node test/browser/report-screenshot.mjs reports/rolling-update/report.html /tmp/report.png [1280x2400]
//
// The browser runs with a throwaway profile and no network-facing background services, so the
// screenshot also shows that the page needs nothing beyond its own file. Skips (exit 0) when
// /usr/bin/chromium is not installed: this is a manual check, not part of `npm test`.
// Leaves out: full-page capture (the window size decides what is captured; pass a taller size).
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";

const CHROMIUM = "/usr/bin/chromium";

const [htmlArg, pngArg, sizeArg = "1280x2400"] = process.argv.slice(2);
if (!htmlArg || !pngArg) {
  console.error("usage: node test/browser/report-screenshot.mjs <report.html> <out.png> [WIDTHxHEIGHT]");
  process.exit(2);
}
if (!existsSync(CHROMIUM)) {
  console.log("chromium not installed; skipped");
  process.exit(0);
}
const html = resolve(htmlArg);
const png = resolve(pngArg);
if (!existsSync(html)) {
  console.error(`no such file: ${html}`);
  process.exit(2);
}
const size = /^(\d+)x(\d+)$/.exec(sizeArg);
if (!size) {
  console.error(`size must be WIDTHxHEIGHT, e.g. 1280x2400, not ${sizeArg}`);
  process.exit(2);
}

const profile = mkdtempSync(join(tmpdir(), "kubesim-chromium-"));
try {
  const result = spawnSync(
    CHROMIUM,
    [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
      "--hide-scrollbars",
      `--user-data-dir=${profile}`,
      `--screenshot=${png}`,
      `--window-size=${size[1]},${size[2]}`,
      pathToFileURL(html).href,
    ],
    { encoding: "utf8", timeout: 120_000 },
  );
  if (result.error) throw result.error;
  if (result.status !== 0 || !existsSync(png) || statSync(png).size === 0) {
    console.error(result.stderr.trim());
    console.error(`chromium exited with ${result.status} and wrote no screenshot`);
    process.exit(1);
  }
  console.log(`wrote ${png} (${size[1]}×${size[2]}) from ${html}`);
} finally {
  rmSync(profile, { recursive: true, force: true });
}
