#!/usr/bin/env node
// Runs every uvu suite under test/ (files named *.test.ts) in one process with tsx, then prints
// the closing line `N passed, N failed`. Exits non-zero when a test failed or when no test ran:
// uvu itself exits 0 when no file matches its pattern, which would hide a broken test layout.
import { spawn } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const pattern = process.argv[2] ?? "\\.test\\.ts$";
const uvu = join(root, "node_modules", "uvu", "bin.js");
const setup = join(root, "test", "setup.mjs");
const child = spawn(process.execPath, ["--import", "tsx", "--import", setup, uvu, "test", pattern], {
  cwd: root,
  stdio: ["ignore", "pipe", "inherit"],
  env: { ...process.env, KUBESIM_TEST: "1" },
});
let out = "";
child.stdout.on("data", (chunk) => {
  out += chunk;
  process.stdout.write(chunk);
});
child.on("close", (code) => {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: strips uvu's ANSI colour codes
  const plain = out.replace(/\x1b\[[0-9;]*m/g, "");
  const total = Number(/Total:\s+(\d+)/.exec(plain)?.[1] ?? 0);
  const passed = Number(/Passed:\s+(\d+)/.exec(plain)?.[1] ?? 0);
  const skipped = Number(/Skipped:\s+(\d+)/.exec(plain)?.[1] ?? 0);
  const failed = Math.max(0, total - passed - skipped) + (code !== 0 && total === passed ? 1 : 0);
  if (total === 0) {
    console.error("no tests ran: check the test/ layout and the pattern");
    console.log(`0 passed, 1 failed`);
    process.exit(1);
  }
  console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`);
  process.exit(code === 0 && failed === 0 ? 0 : 1);
});
