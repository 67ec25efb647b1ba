/**
 * A worker thread of the run pool: loads the scenario itself (cheaper than shipping it), then
 * runs the batches of units the parent sends and posts each result back with its index. Which
 * worker runs a unit never changes its result: a unit depends only on (scenario, strategy,
 * seed, replication).
 */
import { parentPort, workerData } from "node:worker_threads";
import { loadScenarioSync } from "../scenario/load.ts";
import { effectiveScenarios, type RunSettings, type RunUnit, runUnit } from "./run.ts";

interface Init {
  readonly scenarioPath: string;
  readonly settings: RunSettings;
}

const init = workerData as Init;
const loaded = loadScenarioSync(init.scenarioPath);
if (!loaded.ok) throw new Error(`worker: scenario ${init.scenarioPath} no longer loads`);
const effective = effectiveScenarios(loaded.scenario, init.settings);

parentPort!.on("message", (batch: RunUnit[] | null) => {
  if (batch === null) {
    parentPort!.close();
    return;
  }
  for (const unit of batch) {
    const t0 = performance.now(); // wall-clock ok: wall_ms of the report, not the model
    try {
      const result = runUnit(effective.get(unit.strategy)!, unit, init.settings);
      parentPort!.postMessage({ index: unit.index, result: { ...result, wallMs: performance.now() - t0 } }); // wall-clock ok
    } catch (error) {
      const e = error as Error;
      parentPort!.postMessage({ index: unit.index, error: { name: e.name, message: e.message, stack: e.stack } });
    }
  }
  parentPort!.postMessage({ batchDone: true });
});
