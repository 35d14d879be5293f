/**
 * Value checks of ops whose inputs must lie in a range (class indices, probabilities, exponents)
 * on devices that read asynchronously. On the CPU each op reads the values and throws at once; a
 * GPU tensor cannot be read inside an op without a hidden sync point, so there the device checks
 * the values and {@link rangeGuard} returns a 0-d 1 that carries the check; {@link guarded} hands
 * it to the op's result, and reading that result, or anything computed from it, rejects with the
 * op's message, every time. A result that requires grad is multiplied by the guard, so that its
 * gradients carry the check too; otherwise the result's storage takes the check directly. When
 * the backend knows the values on the host (a small int32 tensor made from JS data), a bad one
 * throws at once there too.
 * @module
 */
import type { Storage } from "../backends/backend.ts";
import { backendFor } from "../backends/registry.ts";
import type { DType } from "../dtype.ts";
import { Tensor } from "../tensor.ts";
import { contiguousStorage } from "./dispatch.ts";
import { mul } from "./elementwise.ts";

/** The optional backend capability (the WebGPU backend has it). */
interface RangeGuards {
  rangeGuard(
    x: Storage,
    lo: number,
    hi: number,
    allow: number | null,
    message: (value: number) => string,
    dtype: DType,
  ): Storage;
  adoptChecks(target: Storage, source: Storage): void;
}

/** Options of {@link rangeGuard}. */
export interface RangeGuardOptions {
  /** A value accepted outside the range (an `ignoreIndex`). */
  allow?: number;
  /** The guard's dtype: that of the result it multiplies (default float32). */
  dtype?: DType;
}

/**
 * Off the CPU, a 0-d guard that makes the op's result reject its reads with `message(value)` when
 * an element of `t` lies outside `[lo, hi]` (NaN included); null on the CPU (the op checks there)
 * and for empty tensors.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * import { guarded, rangeGuard } from "./value_checks.ts";
 * const p = torch.tensor([0.5, 0.25]);
 * const guard = rangeGuard("myOp", p, 0, 1, (v) => `myOp: expected probabilities, found ${v}`);
 * assertEquals(guarded(p.log(), guard).shape, [2]); // on the CPU the guard is null
 * ```
 */
export function rangeGuard(
  op: string,
  t: Tensor,
  lo: number,
  hi: number,
  message: (value: number) => string,
  opts: RangeGuardOptions = {},
): Tensor | null {
  if (t.device === "cpu" || t.numel() === 0) return null;
  const b = backendFor(t.device) as unknown as Partial<RangeGuards>;
  if (typeof b.rangeGuard !== "function") {
    throw new Error(`${op}: the ${t.device} backend cannot check input values`);
  }
  const s = contiguousStorage(t);
  const one = b.rangeGuard(s, lo, hi, opts.allow ?? null, message, opts.dtype ?? "float32");
  if (s !== t._storage) s.dispose();
  return new Tensor(one, []);
}

/**
 * `result` carrying `guard`'s check: multiplied by it (an exact 1) when it requires grad, else
 * `result` itself, its storage given the check; `result` as it is without a guard.
 */
export function guarded(result: Tensor, guard: Tensor | null): Tensor {
  if (!guard) return result;
  if (result.requiresGrad) return mul(result, guard);
  (backendFor(result.device) as unknown as RangeGuards).adoptChecks(result._storage, guard._storage);
  guard.dispose();
  return result;
}
