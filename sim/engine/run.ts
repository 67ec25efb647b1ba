/**
 * A whole run of a scenario: every (strategy, replication) unit, optionally one shard of them,
 * each an independent replication whose seed depends only on the scenario seed and the
 * replication index, so replication i of every strategy shares its random streams (common random
 * numbers) and a unit's result does not depend on which worker or shard ran it.
 */
import { InvariantViolation } from "../check/invariants.ts";
import type { Time } from "../core/time.ts";
import { MICROS_PER_SECOND } from "../core/time.ts";
import { applyStrategy } from "../scenario/strategy.ts";
import type { EffectiveScenario, Scenario } from "../scenario/types.ts";
import { type ReplicationResult, runReplication } from "./replication.ts";

export interface RunUnit {
  /** Position in the run's order: strategy index × replications + replication. */
  readonly index: number;
  readonly strategy: string;
  readonly strategyIndex: number;
  readonly replication: number;
}

export interface RunSettings {
  readonly seed: string;
  readonly replications: number;
  readonly duration: Time;
  /** Strategy names to run, in the scenario's order; all when empty. */
  readonly strategies: readonly string[];
  readonly bin: Time;
  readonly events: "all" | "first" | "none";
  readonly maxEvents?: number;
  /** Wall clock (ms since the epoch, see wallClockMs) by which every unit must end (--max-wall-time). */
  readonly deadline?: number;
  /** Check cluster invariants after every event (--check-invariants). */
  readonly checkInvariants?: boolean;
  /** 1-based shard i of n. */
  readonly shard?: { readonly index: number; readonly count: number };
}

/** The units of a run in report order, then those of the shard (every n-th unit, 1-based). */
export function planUnits(scenario: Scenario, settings: RunSettings): RunUnit[] {
  const wanted = settings.strategies.length === 0 ? scenario.spec.strategies.map((s) => s.name) : settings.strategies;
  const units: RunUnit[] = [];
  scenario.spec.strategies.forEach((strategy, strategyIndex) => {
    if (!wanted.includes(strategy.name)) return;
    for (let replication = 0; replication < settings.replications; replication++) {
      units.push({ index: units.length, strategy: strategy.name, strategyIndex, replication });
    }
  });
  if (settings.shard === undefined) return units;
  const { index, count } = settings.shard;
  return units.filter((u) => u.index % count === index - 1);
}

/** The scenario with the run's overrides (duration) applied, per strategy. */
export function effectiveScenarios(scenario: Scenario, settings: RunSettings): Map<string, EffectiveScenario> {
  const out = new Map<string, EffectiveScenario>();
  const overridden: Scenario = { ...scenario, spec: { ...scenario.spec, duration: settings.duration } };
  for (const strategy of overridden.spec.strategies) {
    const result = applyStrategy(overridden, strategy.name);
    if (!result.ok) throw new Error(`strategy ${strategy.name} cannot be applied: ${result.errors.map((e) => e.message).join("; ")}`);
    out.set(strategy.name, result.effective);
  }
  return out;
}

/** Runs one unit (in this thread). */
export function runUnit(effective: EffectiveScenario, unit: RunUnit, settings: RunSettings): ReplicationResult {
  const recordEvents = settings.events === "all" || (settings.events === "first" && unit.replication === 0);
  // A test hook (documented in the README): proves that a crash inside a run exits 70 with a
  // repro; `<strategy>/<replication>:invariant` injects an invariant violation instead.
  const failUnit = process.env.KUBESIM_TEST_FAIL_UNIT;
  if (failUnit === `${unit.strategy}/${unit.replication}`) {
    throw new Error(`injected failure for ${unit.strategy}/${unit.replication} (KUBESIM_TEST_FAIL_UNIT)`);
  }
  if (failUnit === `${unit.strategy}/${unit.replication}:invariant`) {
    throw new InvariantViolation(`injected violation for ${unit.strategy}/${unit.replication} (KUBESIM_TEST_FAIL_UNIT)`, 0);
  }
  return runReplication(effective, {
    checkInvariants: settings.checkInvariants,
    seed: settings.seed,
    replication: unit.replication,
    bin: settings.bin,
    recordEvents,
    maxEvents: settings.maxEvents,
    deadline: settings.deadline,
  });
}

export const DEFAULT_BIN: Time = MICROS_PER_SECOND;
