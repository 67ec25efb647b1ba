// The loader fuzzer (bench/fuzz-loader.ts) for a few hundred cases: mutated bundled scenarios
// never make the loader or the run command throw, exit outside 0-3, answer without a positioned
// diagnostic, disagree with `validate`, execute anything, or take more than a second to load.
// Bugs found and reported but not fixed yet (KNOWN_BUGS) are skipped or listed apart; once one is
// fixed, deleting its entry makes this test guard against its return.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { buildCase, formatSummary, fuzzLoader, loadCorpus } from "../../bench/fuzz-loader.ts";

const t = suite("reliability: fuzzing the loader and the run command with mutated bundled scenarios");

const CASES = 250;

t("a case is a function of (seed, index): the same bytes and mutations every time", () => {
  const corpus = loadCorpus();
  for (const index of [0, 1, 77, 1234]) {
    const a = buildCase(corpus, "ci", index);
    const b = buildCase(corpus, "ci", index);
    assert.equal(a.mutations, b.mutations);
    assert.equal([...a.files.keys()], [...b.files.keys()]);
    for (const [path, bytes] of a.files) assert.ok(Buffer.from(bytes).equals(Buffer.from(b.files.get(path)!)), `${path} differs for case ${index}`);
  }
  assert.not.equal(buildCase(corpus, "ci", 0).mutations, buildCase(corpus, "other", 0).mutations);
});

t(`${CASES} mutated scenarios: no failure outside the known bugs`, async () => {
  const summary = await fuzzLoader({ cases: CASES, seed: "kubesim-ci", allowKnown: true, runEvery: 10, hardLimitMs: 15_000 });
  if (summary.failures.length > 0) assert.unreachable(formatSummary(summary));
  assert.is(summary.cases, CASES);
  // The mutations reach both outcomes and the run command.
  assert.ok(summary.loaded > 10, `only ${summary.loaded} cases loaded`);
  assert.ok(summary.invalid > CASES / 3, `only ${summary.invalid} cases were refused`);
  assert.ok(summary.ran > 10, `only ${summary.ran} runs`);
  for (const code of Object.keys(summary.exits)) assert.ok(["0", "1", "2", "3"].includes(code), `exit ${code}`);
});

t.run();
