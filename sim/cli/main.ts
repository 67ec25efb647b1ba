/**
 * The kubesim command line. Each verb lives in its own module as a thin handler over a plain
 * function; this file only wires them into yargs and maps failures to exit codes (SPEC §1).
 */
import yargs from "yargs";
import { hideBin } from "yargs/helpers";
import { EXIT } from "./exit-codes.ts";
import { readPackageVersion } from "./version.ts";

export async function main(argv: string[]): Promise<number> {
  let exitCode: number = EXIT.ok;
  const parser = yargs(argv)
    .scriptName("kubesim")
    .usage("$0 <command> [options]\n\nSeeded discrete-event simulator of Kubernetes workloads.")
    .version(readPackageVersion())
    .strict()
    .strictCommands()
    .demandCommand(1, "Name a command.")
    .recommendCommands()
    .help()
    .wrap(Math.min(100, process.stdout.columns ?? 100))
    .fail((message, error) => {
      if (error) throw error;
      process.stderr.write(`kubesim: ${message}\nRun 'kubesim --help' for usage.\n`);
      exitCode = EXIT.usage;
    })
    .exitProcess(false);
  await parser.parseAsync();
  return exitCode;
}

process.exitCode = await main(hideBin(process.argv));
