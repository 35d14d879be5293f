/**
 * Automatic mixed precision, PyTorch's `torch.autocast`: inside `torch.autocast(device, fn)`, the
 * ops that gain from half precision (matrix products, linear layers, convolutions) cast their
 * float32 inputs to float16, and the ops that need the range or precision of float32 (softmax and
 * its logarithm, sums and products, exponentials and logarithms, powers, norms, the losses,
 * normalisation layers) cast float16 inputs to float32, so a model with float32 weights runs its
 * heavy ops in float16 and its gradients flow back to float32 parameters (PyTorch's CUDA op lists;
 * ops in neither list run in the dtype of their inputs).
 *
 * A listed op casts its arguments and then runs with autocast off, so its own inner ops are not
 * cast again (as PyTorch's autocast wrappers do). The state is per device (`"cpu"`, `"gpu"`) and
 * follows synchronous calls: the function given to `autocast` must not be async (a forward pass
 * and a loss are synchronous; call `backward()` outside, as PyTorch recommends).
 *
 * Numbers: float16 tensors are stored as half and computed in float32 with one rounding of each
 * result, which is what PyTorch's float16 kernels (float32 accumulation) compute up to summation
 * order.
 * @module
 */
import type { Device } from "../backends/backend.ts";
import { autocastDtype, withAutocastState } from "./autocast_call.ts";

/** Options of {@link autocast}. */
export interface AutocastOptions {
  /** The lower precision; float16 (PyTorch's default on CUDA) is the one supported. */
  dtype?: "float16";
  /** false runs `fn` with autocast off for the device (a region that must stay float32). */
  enabled?: boolean;
  /** Accepted for PyTorch parity; casts are not cached (they are recorded on the graph as copies). */
  cacheEnabled?: boolean;
}

/**
 * Runs `fn` with autocast on for `device` (PyTorch's `with torch.autocast(device_type, dtype):`)
 * and returns its result. `fn` must be synchronous.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const model = new torch.nn.Linear(4, 3); // float32 weights
 * const x = torch.randn(2, 4);
 * const [logits, loss] = torch.autocast("cpu", () => {
 *   const logits = model.forward(x); // float16: linear is a lower-precision op
 *   return [logits, torch.nn.functional.crossEntropy(logits, torch.tensor([0, 2]))]; // float32
 * });
 * assertEquals([logits.dtype, loss.dtype], ["float16", "float32"]);
 * loss.backward();
 * assertEquals(model.weight.grad!.dtype, "float32"); // gradients reach the float32 weights
 * ```
 */
export function autocast<T>(device: Device, fn: () => T): T;
/** Runs `fn` with autocast set by `options` for `device`. */
export function autocast<T>(device: Device, options: AutocastOptions, fn: () => T): T;
export function autocast<T>(device: Device, a: AutocastOptions | (() => T), b?: () => T): T {
  const options = typeof a === "function" ? {} : a;
  const fn = typeof a === "function" ? a : b;
  if (device !== "cpu" && device !== "gpu") {
    throw new RangeError(`autocast: device must be "cpu" or "gpu", got ${JSON.stringify(device)}`);
  }
  if (options === null || typeof options !== "object") {
    throw new TypeError(
      `autocast: options must be an object, got ${options === null ? "null" : typeof options}`,
    );
  }
  const dtype = options.dtype ?? "float16";
  if (dtype !== "float16") {
    throw new TypeError(
      `autocast: dtype must be "float16", got ${JSON.stringify(dtype)} (bfloat16, PyTorch's CPU default, ` +
        `is not a dtype here)`,
    );
  }
  if (typeof fn !== "function") throw new TypeError(`autocast: expected a function, got ${typeof fn}`);
  const enabled = options.enabled ?? true;
  return withAutocastState(device, enabled ? dtype : null, fn, "autocast");
}

/**
 * Whether autocast is on for `device` (default `"gpu"`, as PyTorch's `torch.is_autocast_enabled()`
 * means CUDA).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals(torch.amp.isAutocastEnabled("cpu"), false);
 * assertEquals(torch.autocast("cpu", () => torch.amp.isAutocastEnabled("cpu")), true);
 * ```
 */
export function isAutocastEnabled(device: Device = "gpu"): boolean {
  return autocastDtype(device) !== null;
}
