/**
 * The CPU device's threads. Large kernel calls (matrix products, convolutions, pooling, big
 * elementwise ops, reductions, softmax, sorts, optimizer updates) are split between the calling
 * thread and a pool of workers sharing its WebAssembly memory, up to `torch.getNumThreads()`
 * threads (set with `torch.setNumThreads(n)`; default: the cores the runtime reports). Small calls
 * stay on the calling thread. The pool starts by itself once calls big enough to split add up to
 * about 0.1 s of work (starting workers blocks for 50-160 ms in Deno); until its workers run,
 * calls run on the calling thread. Where the runtime has no shared memory or workers (Cloudflare
 * Workers, a page without cross-origin isolation), everything runs on one thread and
 * {@link threadingReason} says why. The workers never keep a process alive.
 * @module
 */
import { wasmBackend } from "./backends/wasm/backend.ts";

/**
 * Why CPU kernels run on one thread only (no shared memory or workers in this runtime, or the
 * workers failed to start or their self-test), or null while threads may run.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../mod.ts";
 * assertEquals(torch.cpu.threadingReason(), null); // in Deno, Bun and Node
 * ```
 */
export function threadingReason(): string | null {
  return wasmBackend().threadingReason;
}

/**
 * Starts the worker threads now instead of at the first large call (so that the first calls of a
 * benchmark or a latency-sensitive loop already run on every thread) and resolves, once they run,
 * to the number of threads large calls use: `torch.getNumThreads()`, or 1 where threads cannot run.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../mod.ts";
 * torch.setNumThreads(2);
 * const threads = await torch.cpu.startThreads();
 * assertEquals(threads, torch.cpu.threadingReason() === null ? 2 : 1); // 1 without shared memory or workers
 * ```
 */
export function startThreads(): Promise<number> {
  return wasmBackend().startThreads();
}

/**
 * The number of threads that take parts of large calls right now (1 before the pool has started
 * or where threads cannot run).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../mod.ts";
 * assertEquals(torch.cpu.activeThreads(), 1); // before the pool has started
 * ```
 */
export function activeThreads(): number {
  return wasmBackend().activeThreads;
}

/**
 * Stops and terminates the worker threads; they start again at the next large call. Never needed
 * for a process to exit (the workers do not keep it alive).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../mod.ts";
 * torch.cpu.stopThreads();
 * assertEquals(torch.cpu.activeThreads(), 1);
 * ```
 */
export function stopThreads(): void {
  wasmBackend().stopThreads();
}
