/**
 * Reproducibility and precision settings: `torch.useDeterministicAlgorithms`,
 * `areDeterministicAlgorithmsEnabled`, `isDeterministicAlgorithmsWarnOnlyEnabled`,
 * `get/setDeterministicDebugMode`, `get/setFloat32MatmulPrecision`.
 *
 * What determinism means here. Every CPU kernel is deterministic: the same inputs give the same bits
 * on every run with the same thread count (`torch.setNumThreads`), including the accumulating ones
 * (scatter-add, index-add, index-put with accumulate, embedding and pooling backward): a kernel split
 * over threads writes disjoint parts of its output, each computed in a fixed order, and partial
 * results are combined in a fixed order. (A few long reductions, other than float32 sums, split rows
 * into as many chunks as there are threads, so a different thread count can change their last bits.)
 * On the GPU, one kernel is not: the float scatter-add adds with atomic compare-exchange loops, in
 * whatever order the GPU
 * runs its threads, so where several values land on one element the float sum can differ in its
 * last bits from run to run. It backs `scatterAdd`, `indexAdd`, `indexPut` with accumulate,
 * `scatterReduce` and the backward passes of `gather`, `indexSelect`, embedding, max pooling,
 * `unfold`, `asStrided` and the 3-d transposed convolution. With
 * `useDeterministicAlgorithms(true)` those throw on the GPU (with `warnOnly: true` they warn and
 * run), as PyTorch's CUDA kernels without a deterministic implementation do; integer scatter-adds
 * (exact) and everything on the CPU run as before.
 * @module
 */

let deterministic = false;
let warnOnly = false;
let matmulPrecision: "highest" | "high" | "medium" = "highest";

/** Options of `useDeterministicAlgorithms`. */
export interface DeterministicOptions {
  /**
   * Warn (console.warn) instead of throwing when an operation without a deterministic
   * implementation runs (default false).
   */
  warnOnly?: boolean;
}

/**
 * PyTorch's `torch.use_deterministic_algorithms(mode, warn_only=False)`: with `mode` true, an
 * operation that has no deterministic implementation throws (or warns, with `warnOnly: true`)
 * instead of running. Here that is the GPU's float scatter-add and the ops built on it (see the
 * module documentation); every CPU kernel is deterministic already, so on the CPU nothing changes.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../mod.ts";
 * torch.useDeterministicAlgorithms(true);
 * assertEquals([torch.areDeterministicAlgorithmsEnabled(), torch.getDeterministicDebugMode()], [true, 2]);
 * // CPU kernels are deterministic: index-add runs, and gives the same bits every time.
 * const x = torch.zeros(2).indexAdd(0, torch.tensor([0, 0, 1]), torch.tensor([0.1, 0.2, 0.3]));
 * assertEquals(Array.from(x.dataSync()), [Math.fround(Math.fround(0.1) + Math.fround(0.2)), Math.fround(0.3)]);
 * torch.useDeterministicAlgorithms(false);
 * ```
 */
export function useDeterministicAlgorithms(mode: boolean, opts: DeterministicOptions = {}): void {
  if (typeof mode !== "boolean") {
    throw new TypeError(`useDeterministicAlgorithms: expected a boolean mode, got ${typeof mode}`);
  }
  if (opts === null || typeof opts !== "object") {
    throw new TypeError("useDeterministicAlgorithms: options must be an object");
  }
  const { warnOnly: w = false } = opts;
  if (typeof w !== "boolean") {
    throw new TypeError(`useDeterministicAlgorithms: warnOnly must be a boolean, got ${typeof w}`);
  }
  deterministic = mode;
  warnOnly = w;
}

/**
 * Whether `useDeterministicAlgorithms(true)` is in force (PyTorch's
 * `torch.are_deterministic_algorithms_enabled`).
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import * as torch from "../mod.ts";
 * strictEqual(torch.areDeterministicAlgorithmsEnabled(), false);
 * ```
 */
export function areDeterministicAlgorithmsEnabled(): boolean {
  return deterministic;
}

/**
 * Whether deterministic mode only warns (PyTorch's
 * `torch.is_deterministic_algorithms_warn_only_enabled`).
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import * as torch from "../mod.ts";
 * torch.useDeterministicAlgorithms(true, { warnOnly: true });
 * strictEqual(torch.isDeterministicAlgorithmsWarnOnlyEnabled(), true);
 * torch.useDeterministicAlgorithms(false);
 * strictEqual(torch.isDeterministicAlgorithmsWarnOnlyEnabled(), false);
 * ```
 */
export function isDeterministicAlgorithmsWarnOnlyEnabled(): boolean {
  return warnOnly;
}

const DEBUG_MODES = ["default", "warn", "error"] as const;

/**
 * PyTorch's `torch.set_deterministic_debug_mode`: `"default"` or 0 (off), `"warn"` or 1
 * (`useDeterministicAlgorithms(true, { warnOnly: true })`), `"error"` or 2
 * (`useDeterministicAlgorithms(true)`).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../mod.ts";
 * torch.setDeterministicDebugMode("warn");
 * assertEquals([torch.getDeterministicDebugMode(), torch.isDeterministicAlgorithmsWarnOnlyEnabled()], [1, true]);
 * torch.setDeterministicDebugMode(0);
 * assertEquals(torch.areDeterministicAlgorithmsEnabled(), false);
 * ```
 */
export function setDeterministicDebugMode(debugMode: "default" | "warn" | "error" | 0 | 1 | 2): void {
  let mode: number;
  if (typeof debugMode === "string") {
    mode = (DEBUG_MODES as readonly string[]).indexOf(debugMode);
    if (mode < 0) {
      throw new RangeError(
        `setDeterministicDebugMode: invalid value of debugMode, expected one of "default", "warn", "error", but got "${debugMode}"`,
      );
    }
  } else if (typeof debugMode === "number") {
    if (debugMode !== 0 && debugMode !== 1 && debugMode !== 2) {
      throw new RangeError(
        `setDeterministicDebugMode: invalid value of debugMode, expected 0, 1, or 2, but got ${debugMode}`,
      );
    }
    mode = debugMode;
  } else {
    throw new TypeError(
      `setDeterministicDebugMode: debugMode must be a string or a number, got ${typeof debugMode}`,
    );
  }
  useDeterministicAlgorithms(mode > 0, { warnOnly: mode === 1 });
}

/**
 * PyTorch's `torch.get_deterministic_debug_mode`: 0 (off), 1 (warn) or 2 (error).
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import * as torch from "../mod.ts";
 * strictEqual(torch.getDeterministicDebugMode(), 0);
 * ```
 */
export function getDeterministicDebugMode(): 0 | 1 | 2 {
  return !deterministic ? 0 : warnOnly ? 1 : 2;
}

/**
 * @internal Called by an operation about to run a kernel that is not deterministic: throws in
 * deterministic mode (warns with `warnOnly`), as PyTorch's `alertNotDeterministic`.
 */
export function alertNotDeterministic(caller: string): void {
  if (!deterministic) return;
  const msg = `${caller} does not have a deterministic implementation, but you set ` +
    "torch.useDeterministicAlgorithms(true). You can turn off determinism just for this operation, " +
    "use the warnOnly: true option if that is acceptable for your application, or run it on the CPU, " +
    "where every kernel is deterministic";
  if (warnOnly) console.warn(`Warning: ${msg}`);
  else throw new Error(msg);
}

/**
 * PyTorch's `torch.set_float32_matmul_precision`: `"highest"` (default), `"high"` or `"medium"`.
 * PyTorch lets CUDA use TensorFloat-32 or bfloat16 inside float32 matrix products at "high" and
 * "medium". The setting is recorded and validated here, and changes nothing: every float32 matrix
 * product, on the CPU and the GPU, computes in full float32 at every setting (as "highest"). PyTorch
 * warns and ignores a value it does not know; here that is a RangeError.
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import * as torch from "../mod.ts";
 * torch.setFloat32MatmulPrecision("high");
 * strictEqual(torch.getFloat32MatmulPrecision(), "high");
 * torch.setFloat32MatmulPrecision("highest");
 * ```
 */
export function setFloat32MatmulPrecision(precision: "highest" | "high" | "medium"): void {
  if (precision !== "highest" && precision !== "high" && precision !== "medium") {
    throw new RangeError(
      `setFloat32MatmulPrecision: expected "highest", "high" or "medium", got ${
        typeof precision === "string" ? `"${precision}"` : typeof precision
      }`,
    );
  }
  matmulPrecision = precision;
}

/**
 * PyTorch's `torch.get_float32_matmul_precision`: the last value `setFloat32MatmulPrecision` set
 * (default `"highest"`).
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import * as torch from "../mod.ts";
 * strictEqual(torch.getFloat32MatmulPrecision(), "highest");
 * ```
 */
export function getFloat32MatmulPrecision(): "highest" | "high" | "medium" {
  return matmulPrecision;
}
