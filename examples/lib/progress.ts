/**
 * A one-line progress bar for training loops: redraws in place on a terminal, prints one line
 * per finished bar otherwise (CI logs). Works in Deno and Bun through node:process.
 */
import process from "node:process";

export class ProgressBar {
  #total: number;
  #label: string;
  #width = 28;
  #start = performance.now();
  #tty = Boolean(process.stdout.isTTY);
  #lastDraw = 0;

  constructor(total: number, label: string) {
    this.#total = Math.max(total, 1);
    this.#label = label;
  }

  /**
   * Whether `update(done, ...)` would redraw now (on a terminal, at most every 50 ms). A loop
   * whose stats live on the GPU reads them only then: `if (bar.due(step)) bar.update(step, await
   * stats())`.
   */
  due(done: number): boolean {
    return this.#tty && (performance.now() - this.#lastDraw >= 50 || done >= this.#total);
  }

  /** Redraws at step `done` with the given stats (`{ loss: 0.31 }` prints `loss 0.3100`). */
  update(done: number, stats: Record<string, number> = {}): void {
    const now = performance.now();
    if (!this.due(done)) return;
    this.#lastDraw = now;
    process.stdout.write(`\r${this.#line(done, stats)}`);
  }

  /** Draws the final state and ends the line. */
  finish(stats: Record<string, number> = {}): void {
    process.stdout.write(`${this.#tty ? "\r" : ""}${this.#line(this.#total, stats)}\n`);
  }

  #line(done: number, stats: Record<string, number>): string {
    const frac = Math.min(done / this.#total, 1);
    const filled = Math.round(frac * this.#width);
    const bar = "█".repeat(filled) + "░".repeat(this.#width - filled);
    const secs = (performance.now() - this.#start) / 1000;
    const parts = Object.entries(stats).map(([k, v]) => `${k} ${v.toFixed(4)}`);
    return `${this.#label} ${bar} ${done}/${this.#total} ${secs.toFixed(1)}s ${parts.join("  ")}`;
  }
}
