/**
 * Progress on stderr: a bar redrawn in place on a TTY; otherwise (or under CI) a plain line
 * about every 10 %, so logs stay readable. Silent with --quiet.
 */
import type { Io } from "./run-scenarios.ts";

export class Progress {
  readonly #io: Io;
  readonly #total: number;
  readonly #label: string;
  readonly #quiet: boolean;
  readonly #bar: boolean;
  #done = 0;
  #lastDecile = 0;

  constructor(io: Io, total: number, label: string, quiet: boolean) {
    this.#io = io;
    this.#total = total;
    this.#label = label;
    this.#quiet = quiet;
    this.#bar = io.isTty && !io.env.CI;
  }

  tick(): void {
    this.#done++;
    if (this.#quiet || this.#total === 0) return;
    const fraction = this.#done / this.#total;
    if (this.#bar) {
      const width = 30;
      const filled = Math.round(fraction * width);
      this.#io.stderr(`\r${this.#label} [${"#".repeat(filled)}${"-".repeat(width - filled)}] ${this.#done}/${this.#total} runs`);
      return;
    }
    const decile = Math.floor(fraction * 10);
    if (decile > this.#lastDecile) {
      this.#lastDecile = decile;
      this.#io.stderr(`${this.#label}: ${this.#done}/${this.#total} runs (${Math.round(fraction * 100)}%)\n`);
    }
  }

  done(): void {
    if (this.#bar && !this.#quiet && this.#total > 0) this.#io.stderr("\n");
  }
}
