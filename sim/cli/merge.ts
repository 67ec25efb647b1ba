/** `kubesim merge`: joins shard report directories (see merge-reports.ts). */
import { EXIT } from "./exit-codes.ts";
import type { Io } from "./run-scenarios.ts";

export async function mergeReports(dirs: readonly string[], out: string, force: boolean, io: Io): Promise<number> {
  io.stderr(`kubesim: merge of ${dirs.length} shard directories into ${out}${force ? " (force)" : ""} is not available in this build\n`);
  return EXIT.budget;
}
