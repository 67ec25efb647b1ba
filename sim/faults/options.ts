/**
 * Fault options (SPEC §2, Chaos Mesh vocabulary), declared with their units and checked once,
 * when a `Fault` is built, so that a bad fault is a load error and never a surprise mid-run.
 *
 * Leaves out: Chaos Mesh's `random-max-percent` mode, namespace and field selectors, and a
 * `duration` for pod-failure (the container restarts under its restartPolicy; holding it down
 * needs kubelet support that does not exist yet).
 */
import { formatDuration } from "../core/duration.ts";
import { MICROS_PER_SECOND, type Time } from "../core/time.ts";

export const FAULT_ACTIONS = ["pod-kill", "pod-failure", "node-failure", "node-drain", "network-partition"] as const;
export type FaultAction = (typeof FAULT_ACTIONS)[number];
export const FAULT_MODES = ["one", "all", "fixed", "fixed-percent"] as const;
export type FaultMode = (typeof FAULT_MODES)[number];

/** Which objects a fault may hit; every given field must match (AND). */
export interface FaultSelector {
  /** Node name: the node itself, or the node a pod is bound to. */
  readonly node?: string;
  /** Node pool (scenario `cluster.nodes[].name`), of the node or of the pod's node. */
  readonly pool?: string;
  /** Zone of the node or of the pod's node. */
  readonly zone?: string;
  /** Labels the pod (pod actions) or node (node actions) must carry. */
  readonly labels?: Readonly<Record<string, string>>;
  /** Exact object name: the pod for pod actions, the node for node actions. */
  readonly name?: string;
}

export interface FaultOptions {
  readonly action: FaultAction;
  /** How many matching targets: `one` (default), `all`, `fixed` (`value` N), `fixed-percent` (`value` P). */
  readonly mode?: FaultMode;
  /** For `fixed`: number of targets, a whole number ≥ 1. For `fixed-percent`: percent, a whole number in 1–100. */
  readonly value?: number;
  readonly selector: FaultSelector;
  /** µs (virtual time) until the fault is undone: kubelet back (node-failure), partition healed, node uncordoned (node-drain). Absent: never. */
  readonly duration?: Time;
  /** µs, whole seconds: pod-kill / node-drain delete with this grace instead of the pod's terminationGracePeriodSeconds; 0 = force. */
  readonly gracePeriod?: Time;
}

export class FaultError extends Error {
  override name = "FaultError";
}

const POD_ACTIONS: ReadonlySet<FaultAction> = new Set(["pod-kill", "pod-failure"]);
const RECOVERABLE: ReadonlySet<FaultAction> = new Set(["node-failure", "network-partition", "node-drain"]);
const GRACEFUL: ReadonlySet<FaultAction> = new Set(["pod-kill", "node-drain"]);
const SELECTOR_FIELDS = ["node", "pool", "zone", "labels", "name"] as const;

/** A validated fault. `name` names its random streams and its Scenario events. */
export class Fault {
  readonly name: string;
  readonly action: FaultAction;
  readonly mode: FaultMode;
  readonly value: number | undefined;
  readonly selector: FaultSelector;
  readonly duration: Time | undefined;
  readonly gracePeriod: Time | undefined;

  constructor(options: FaultOptions, name: string = options.action) {
    const where = `fault ${JSON.stringify(name)}`;
    const fail = (message: string): never => {
      throw new FaultError(`${where}: ${message}`);
    };
    if (!FAULT_ACTIONS.includes(options.action)) fail(`action: Unsupported value: ${JSON.stringify(options.action)}: supported values: ${FAULT_ACTIONS.join(", ")}`);
    const mode = options.mode ?? "one";
    if (!FAULT_MODES.includes(mode)) fail(`mode: Unsupported value: ${JSON.stringify(mode)}: supported values: ${FAULT_MODES.join(", ")}`);
    const value = options.value;
    if (mode === "fixed") {
      if (value === undefined || !Number.isSafeInteger(value) || value < 1) fail(`value: Invalid value: ${value}: mode fixed needs a whole number of targets ≥ 1`);
    } else if (mode === "fixed-percent") {
      if (value === undefined || !Number.isSafeInteger(value) || value < 1 || value > 100) fail(`value: Invalid value: ${value}: mode fixed-percent needs a whole percent in 1–100`);
    } else if (value !== undefined) fail(`value: Forbidden: only modes fixed and fixed-percent take a value`);
    if (options.selector === null || typeof options.selector !== "object") fail("selector: Required value");
    for (const key of Object.keys(options.selector)) {
      if (!(SELECTOR_FIELDS as readonly string[]).includes(key)) fail(`selector.${key}: Unsupported field: supported fields: ${SELECTOR_FIELDS.join(", ")}`);
    }
    if (options.duration !== undefined) {
      if (!Number.isSafeInteger(options.duration) || options.duration <= 0) fail(`duration: Invalid value: ${options.duration}: must be a positive duration`);
      if (!RECOVERABLE.has(options.action)) fail(`duration: Forbidden: ${options.action} is not undone after a duration (only ${[...RECOVERABLE].join(", ")})`);
    }
    if (options.gracePeriod !== undefined) {
      if (!GRACEFUL.has(options.action)) fail(`gracePeriod: Forbidden: only pod-kill and node-drain delete pods`);
      if (!Number.isSafeInteger(options.gracePeriod) || options.gracePeriod < 0 || options.gracePeriod % MICROS_PER_SECOND !== 0) {
        fail(`gracePeriod: Invalid value: ${formatGrace(options.gracePeriod)}: must be a whole number of seconds ≥ 0 (DeleteOptions.gracePeriodSeconds)`);
      }
    }
    this.name = name;
    this.action = options.action;
    this.mode = mode;
    this.value = value;
    this.selector = Object.freeze({ ...options.selector, labels: options.selector.labels && Object.freeze({ ...options.selector.labels }) });
    this.duration = options.duration;
    this.gracePeriod = options.gracePeriod;
  }

  /** Pod actions target pods; the others target nodes. */
  get targetsPods(): boolean {
    return POD_ACTIONS.has(this.action);
  }

  /** gracePeriod in whole seconds, or undefined (the pod's own). */
  get gracePeriodSeconds(): number | undefined {
    return this.gracePeriod === undefined ? undefined : this.gracePeriod / MICROS_PER_SECOND;
  }
}

function formatGrace(t: number): string {
  return Number.isSafeInteger(t) && t >= 0 ? formatDuration(t) : String(t);
}
