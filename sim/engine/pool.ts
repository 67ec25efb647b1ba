/**
 * Runs units on worker threads (node:worker_threads), a batch at a time per worker, and gathers
 * the results by unit index, so the report is byte-identical for any worker count. With one
 * worker, or fewer units than workers would pay for, everything runs in this thread.
 */
import { Worker } from "node:worker_threads";
import type { ReplicationResult } from "./replication.ts";
import type { RunSettings, RunUnit } from "./run.ts";

export type UnitResult = ReplicationResult & { wallMs: number };

/** A unit that failed inside a worker: the error as it was thrown there. */
export class UnitError extends Error {
  readonly unit: RunUnit;
  readonly remoteName: string;
  constructor(unit: RunUnit, remote: { readonly name: string; readonly message: string; readonly stack?: string }) {
    super(remote.message);
    this.unit = unit;
    this.remoteName = remote.name;
    this.stack = remote.stack;
  }
}

export interface PoolOptions {
  readonly workers: number;
  readonly scenarioPath: string;
  readonly settings: RunSettings;
  /** Called after each finished unit (progress). */
  readonly onResult: () => void;
  /** Checked between batches; true stops the run. */
  readonly shouldStop: () => boolean;
  /** Polled while units run; true (Ctrl-C) terminates the workers at once, mid-unit. */
  readonly interrupted?: () => boolean;
}

/** How often the main thread looks for an interruption while the workers run (ms). */
const INTERRUPT_POLL_MS = 50;

const workerUrl = new URL(import.meta.url.endsWith(".ts") ? "./worker-tsx.mjs" : "./worker.js", import.meta.url);

export async function runOnWorkers(units: readonly RunUnit[], options: PoolOptions): Promise<(UnitResult | undefined)[]> {
  const results: (UnitResult | undefined)[] = new Array(units.length);
  const byIndex = new Map(units.map((u, i) => [u.index, i]));
  // Several batches per worker keep both cores busy when units differ in cost.
  const batchSize = Math.max(1, Math.ceil(units.length / (options.workers * 4)));
  const batches: RunUnit[][] = [];
  for (let i = 0; i < units.length; i += batchSize) batches.push(units.slice(i, i + batchSize));
  let failure: Error | null = null;
  const workers: Worker[] = [];

  const runWorker = () =>
    new Promise<void>((resolve, reject) => {
      const worker = new Worker(workerUrl, {
        workerData: { scenarioPath: options.scenarioPath, settings: options.settings },
      });
      workers.push(worker);
      // Terminated from outside (an interruption): nothing more comes from this worker.
      worker.once("exit", () => resolve());
      const next = () => {
        const batch = failure === null && !options.shouldStop() ? batches.shift() : undefined;
        worker.postMessage(batch ?? null);
        if (batch === undefined) void worker.terminate().then(() => resolve());
      };
      worker.on("message", (msg: { index?: number; result?: UnitResult; error?: { name: string; message: string; stack?: string }; batchDone?: boolean }) => {
        if (msg.batchDone) return next();
        const position = byIndex.get(msg.index!)!;
        if (msg.error !== undefined) {
          failure ??= new UnitError(units[position], msg.error);
          return;
        }
        results[position] = msg.result;
        options.onResult();
      });
      worker.on("error", (error) => {
        failure ??= error;
        reject(error);
      });
      next();
    });

  const running = Array.from({ length: Math.min(options.workers, batches.length) }, runWorker);
  // The main thread is idle while the workers simulate, so a SIGINT handler runs at once; a unit
  // can take minutes, so do not wait for its batch to end.
  const watch = setInterval(() => {
    if (options.interrupted?.() === true) for (const w of workers) void w.terminate();
  }, INTERRUPT_POLL_MS);
  try {
    await Promise.allSettled(running);
  } finally {
    clearInterval(watch);
  }
  if (failure !== null) throw failure;
  return results;
}
