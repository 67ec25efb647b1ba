import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { effectiveScenarios, planUnits, type RunSettings, runUnit } from "../../sim/engine/run.ts";
import { loadScenarioSync } from "../../sim/scenario/load.ts";

const t = suite("common random numbers: strategies share streams; a strategy that changes nothing is the baseline, byte for byte");

const root = join(import.meta.dirname, "..", "..");

/** The bundled rolling-update scenario with extra strategies appended. */
function scenarioWith(strategies: string) {
  const dir = mkdtempSync(join(tmpdir(), "kubesim-crn-"));
  mkdirSync(join(dir, "manifests"));
  copyFileSync(join(root, "scenarios/manifests/web.yaml"), join(dir, "manifests/web.yaml"));
  const text = readFileSync(join(root, "scenarios/rolling-update.yaml"), "utf8").replace("  checks:", `${strategies}\n  checks:`);
  const file = join(dir, "crn.yaml");
  writeFileSync(file, text);
  const loaded = loadScenarioSync(file);
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.errors));
  return loaded.scenario;
}

const settings: RunSettings = { seed: "crn", replications: 3, duration: 150_000_000, strategies: [], bin: 1_000_000, events: "all" };

function results(strategies: string) {
  const scenario = scenarioWith(strategies);
  const effective = effectiveScenarios(scenario, settings);
  return planUnits(scenario, settings).map((u) => ({ unit: u, result: runUnit(effective.get(u.strategy)!, u, settings) }));
}

/** A result as comparable data, without the strategy name. */
function comparable(r: ReturnType<typeof runUnit>) {
  const { strategy: _, ...rest } = r;
  return JSON.stringify({ ...rest, bins: [...(rest.bins ?? new Map()).entries()].map(([k, v]) => [k, [...v.entries()]]) });
}

t("a no-op patch (replicas set to the value it has) reproduces the baseline exactly, replication by replication", () => {
  const all = results(`    - name: same-as-default\n      patch:\n        deployment/web: {spec: {replicas: 10}}`);
  const base = all.filter((x) => x.unit.strategy === "default");
  const same = all.filter((x) => x.unit.strategy === "same-as-default");
  assert.is(same.length, 3);
  for (let i = 0; i < 3; i++) assert.is(comparable(same[i].result), comparable(base[i].result), `replication ${i}`);
  // and it is not trivially so: another strategy differs
  const surge = all.find((x) => x.unit.strategy === "surge-all" && x.unit.replication === 0)!;
  assert.is.not(comparable(surge.result), comparable(base[0].result));
});

t("replication i does not depend on how many replications run", () => {
  const scenario = scenarioWith("");
  const one = { ...settings, replications: 1, strategies: ["default"] };
  const three = { ...settings, replications: 3, strategies: ["default"] };
  const e1 = effectiveScenarios(scenario, one).get("default")!;
  const first = runUnit(e1, planUnits(scenario, one)[0], one);
  const third = runUnit(e1, planUnits(scenario, three)[0], three);
  assert.is(comparable(first), comparable(third));
});

t.run();
